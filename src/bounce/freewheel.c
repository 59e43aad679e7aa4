/*
 * freewheel.c - bounce blocks from the live engine's tap, in freewheel.
 */
#include "bounce/freewheel.h"
#include "engine/live.h"
#include "engine/plan.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FREEWHEEL_TAP_FRAMES (1 << 18)
#define FREEWHEEL_STALL_SECONDS 10.0

struct freewheel {
	struct live *e;
	int channels;
	int64_t next;                 /* the timeline frame expected next */
	float *planes[PLAN_MAX_CHANNELS];  /* inside buf */
	float *buf;                   /* interleaved, block frames */
	int block;
};

int
freewheel_open(const struct session *s, const struct bounce_options *o,
    int64_t start, struct freewheel **out, struct diag *d)
{
	struct freewheel *fw = calloc(1, sizeof *fw);
	struct live_options lo;
	int rc;

	*out = NULL;
	if (fw == NULL)
		return diag_set(d, ERR_NOMEM, NULL, 0, "out of memory");
	live_options_default(&lo);
	lo.client_name = "dubstage-bounce";
	lo.server_name = o->jack_server;
	lo.connect = false;
	lo.output_format = o->format;
	lo.tap_frames = FREEWHEEL_TAP_FRAMES;
	lo.best_resampling = true;     /* as the offline bounce */
	if ((rc = live_create(s, &lo, &fw->e, d)) != 0) {
		free(fw);
		return rc;
	}
	fw->channels = live_output_channels(fw->e);
	fw->block = o->block_frames;
	/* one allocation: the interleaved block, then a plane per channel */
	fw->buf = malloc(2 * (size_t)fw->block * (size_t)fw->channels *
	    sizeof(float));
	if (fw->buf == NULL) {
		freewheel_close(fw);
		return diag_set(d, ERR_NOMEM, NULL, 0, "out of memory");
	}
	for (int c = 0; c < fw->channels; c++)
		fw->planes[c] = fw->buf + (size_t)(fw->channels + c) *
		    (size_t)fw->block;
	fw->next = start;
	live_locate(fw->e, start);
	if (live_set_freewheel(fw->e, true) != 0) {
		freewheel_close(fw);
		return diag_set(d, ERR_IO, NULL, 0, "the JACK server refused "
		    "freewheel mode");
	}
	live_play(fw->e);
	*out = fw;
	return 0;
}

enum chan_format
freewheel_format(const struct freewheel *fw)
{
	return live_output_format(fw->e);
}

int
freewheel_channels(const struct freewheel *fw)
{
	return fw->channels;
}

int
freewheel_next(struct freewheel *fw, int n, const float *const **planes,
    struct diag *d)
{
	struct timespec nap = { 0, 200000 };
	struct live_status st;
	int got = 0, stalled = 0;

	while (got < n) {
		int64_t first;
		int k = live_tap_read(fw->e, fw->buf + (size_t)got *
		    (size_t)fw->channels, n - got, &first);

		if (k > 0) {
			if (first != fw->next)
				return diag_set(d, ERR_IO, NULL, 0, "the engine "
				    "skipped from frame %lld to %lld",
				    (long long)fw->next, (long long)first);
			fw->next += k;
			got += k;
			stalled = 0;
			continue;
		}
		live_poll(fw->e);
		live_status(fw->e, &st);
		if (!st.online)
			return diag_set(d, ERR_IO, NULL, 0, "%s", st.message);
		if (++stalled * 0.0002 > FREEWHEEL_STALL_SECONDS)
			return diag_set(d, ERR_IO, NULL, 0, "the JACK engine "
			    "rendered nothing for %.0f s", FREEWHEEL_STALL_SECONDS);
		nanosleep(&nap, NULL);
	}
	for (int c = 0; c < fw->channels; c++)
		for (int i = 0; i < n; i++)
			fw->planes[c][i] = fw->buf[(size_t)i * (size_t)fw->channels +
			    (size_t)c];
	*planes = (const float *const *)fw->planes;
	return 0;
}

void
freewheel_close(struct freewheel *fw)
{
	if (fw == NULL)
		return;
	if (fw->e != NULL) {
		live_stop(fw->e);
		live_set_freewheel(fw->e, false);
		live_destroy(fw->e);
	}
	free(fw->buf);
	free(fw);
}
