/*
 * live_plan.c - a compiled plan with the meter snapshot the live engine
 * publishes beside it. Control thread only.
 */
#include "engine/live_internal.h"

#include <stdlib.h>

int
live_plan_create(const struct session *s, const struct plan_options *po,
    struct live_plan **out, struct diag *d)
{
	struct live_plan *lp = calloc(1, sizeof *lp);
	size_t n;
	int rc;

	*out = NULL;
	if (lp == NULL)
		return diag_set(d, ERR_NOMEM, NULL, 0, "out of memory");
	if ((rc = plan_compile(s, po, &lp->plan, d)) != 0) {
		free(lp);
		return rc;
	}
	lp->strip_count = plan_strip_count(lp->plan);
	n = (size_t)lp->strip_count;
	lp->peak = calloc(n * PLAN_MAX_CHANNELS, sizeof *lp->peak);
	lp->rms = calloc(n * PLAN_MAX_CHANNELS, sizeof *lp->rms);
	lp->meter_channels = calloc(n, sizeof *lp->meter_channels);
	lp->mutes_sent = calloc(n, sizeof *lp->mutes_sent);
	if (lp->peak == NULL || lp->rms == NULL || lp->meter_channels == NULL ||
	    lp->mutes_sent == NULL) {
		live_plan_destroy(lp);
		return diag_set(d, ERR_NOMEM, NULL, 0, "out of memory");
	}
	plan_session_mutes(lp->plan, s, lp->mutes_sent);
	*out = lp;
	return 0;
}

void
live_plan_destroy(struct live_plan *lp)
{
	if (lp == NULL)
		return;
	plan_destroy(lp->plan);
	free(lp->peak);
	free(lp->rms);
	free(lp->meter_channels);
	free(lp->mutes_sent);
	free(lp);
}
