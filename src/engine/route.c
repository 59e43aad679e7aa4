#include "engine/route.h"
#include "dsp/downmix.h"
#include "dsp/pan.h"

#include <string.h>

_Static_assert(PAN_MAX_CHANNELS == PLAN_MAX_CHANNELS, "channel limits agree");
_Static_assert((int)PAN_LAYOUT_7_1_2 == (int)CHAN_7_1_2 &&
    (int)PAN_LAYOUT_5_1 == (int)CHAN_5_1, "layouts share chan_format's order");

static void
copy_out(const struct pan_matrix *pm,
    float m[PLAN_MAX_CHANNELS][PLAN_MAX_CHANNELS])
{
	memcpy(m, pm->gain, sizeof pm->gain);
}

void
route_matrix(enum chan_format from, enum chan_format to,
    const struct pan *pan, float m[PLAN_MAX_CHANNELS][PLAN_MAX_CHANNELS])
{
	struct pan_params pp;
	struct pan_matrix pm;

	pan_params_init(&pp);
	pp.x = pan->x;
	pp.y = pan->y;
	pp.divergence = pan->divergence;
	pp.lfe_db = pan->lfe_db;
	pan_compute_matrix(&pm, (enum pan_layout)from, (enum pan_layout)to, &pp,
	    NULL);
	copy_out(&pm, m);
}

void
fold_matrix(enum chan_format from, enum chan_format to, double centre_db,
    double surround_db, bool lfe,
    float m[PLAN_MAX_CHANNELS][PLAN_MAX_CHANNELS])
{
	struct downmix_opts o;
	struct pan_matrix pm;

	downmix_opts_init(&o);
	o.centre_db = centre_db;
	o.surround_db = surround_db;
	if (lfe)
		o.lfe_db = DOWNMIX_MINUS_3DB;
	downmix_compute_matrix(&pm, (enum pan_layout)from, (enum pan_layout)to,
	    &o);
	copy_out(&pm, m);
}
