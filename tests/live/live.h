/*
 * live.h - helpers for the live engine's tests: a test session of noise
 * tracks at 48 kHz, an engine on the fixture's JACK server (CTest's jackd
 * fixture exports JACK_DEFAULT_SERVER), and the tap read into one
 * timeline-indexed buffer to compare with an offline render.
 */
#ifndef DUBSTAGE_TESTS_LIVE_LIVE_H
#define DUBSTAGE_TESTS_LIVE_LIVE_H

#include "test.h"
#include "engine/render.h"
#include "engine/live.h"

#include <time.h>

#define LT_RATE 48000
#define LT_SECONDS 12

static inline void
lt_sleep_ms(int ms)
{
	struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&t, NULL);
}

static float
lt_noise1(int64_t i, int c)
{
	return hash_noise(i, c, 1);
}

static float
lt_noise2(int64_t i, int c)
{
	return hash_noise(i, c, 2) * 0.5f;
}

/* A session at 48 kHz into a `master` master: `tracks` mono tracks (1 or
 * 2) of noise, each one clip from frame 0 for LT_SECONDS, panned apart. */
static inline struct session *
lt_session(enum chan_format master, int tracks)
{
	struct session *s = new_session(LT_RATE, master);
	float (*gen[2])(int64_t, int) = { lt_noise1, lt_noise2 };

	for (int i = 0; s != NULL && i < tracks; i++) {
		char name[32];
		struct source *src;
		struct track *t;

		snprintf(name, sizeof name, "noise%d.wav", i + 1);
		if (write_wav(test_path(name), 1, LT_RATE, LT_RATE * LT_SECONDS,
		    gen[i]) != 0)
			return NULL;
		src = add_source(s, test_path(name), 1, LT_RATE,
		    LT_RATE * LT_SECONDS);
		snprintf(name, sizeof name, "track%d", i + 1);
		t = add_track(s, name, CHAN_MONO);
		if (src == NULL || t == NULL ||
		    add_clip(s, t, src->id, 0, LT_RATE * LT_SECONDS, 0) == NULL)
			return NULL;
		t->strip.pan.x = i == 0 ? -0.5 : 0.7;
	}
	return s;
}

/* An engine on the fixture's server, stopped at the start, with a tap. */
static inline struct live *
lt_engine(const struct session *s, struct live_options *opt)
{
	struct live_options o;
	struct live *e = NULL;
	struct diag d;

	if (opt != NULL)
		o = *opt;
	else
		live_options_default(&o);
	o.connect = false;
	if (o.tap_frames == 0)
		o.tap_frames = (size_t)LT_RATE * LT_SECONDS;
	if (live_create(s, &o, &e, &d) != 0) {
		fprintf(stderr, "live_create: %s\n", d.message);
		return NULL;
	}
	return e;
}

/*
 * What the tap heard, laid out by timeline frame: out[c][f - origin] for
 * frames in [origin, origin + len). Reads the tap (polling the engine)
 * until `want` frames have been played or timeout_ms passed. Each run of
 * the tap is passed to on_run (may be NULL) before it is stored: a loop
 * revisits frames, so tests of loops look at the runs themselves.
 */
struct lt_capture {
	int channels;
	int64_t origin, len;
	float **out;
	int64_t runs, frames;       /* runs seen, frames read */
	int64_t first_run_start;
	void (*on_run)(struct lt_capture *cap, const float *buf, int n,
	    int64_t first);
	void *ctx;
};

static inline void
lt_capture_init(struct lt_capture *cap, int channels, int64_t origin,
    int64_t len)
{
	memset(cap, 0, sizeof *cap);
	cap->channels = channels;
	cap->origin = origin;
	cap->len = len;
	cap->out = alloc_planes(channels, len);
	cap->first_run_start = -1;
}

static inline void
lt_capture_free(struct lt_capture *cap)
{
	free_planes(cap->out, cap->channels);
}

static inline void
lt_capture_drain(struct live *e, struct lt_capture *cap)
{
	static float buf[4096 * 16];
	int64_t first;
	int n;

	while ((n = live_tap_read(e, buf, 4096, &first)) > 0) {
		if (cap->first_run_start < 0)
			cap->first_run_start = first;
		if (cap->on_run != NULL)
			cap->on_run(cap, buf, n, first);
		for (int i = 0; i < n; i++) {
			int64_t k = first + i - cap->origin;

			if (k < 0 || k >= cap->len)
				continue;
			for (int c = 0; c < cap->channels; c++)
				cap->out[c][k] = buf[i * cap->channels + c];
		}
		cap->runs++;
		cap->frames += n;
	}
}

static inline void
lt_capture_until(struct live *e, struct lt_capture *cap, int64_t want,
    int timeout_ms)
{
	for (int t = 0; t < timeout_ms && cap->frames < want; t += 5) {
		live_poll(e);
		lt_capture_drain(e, cap);
		lt_sleep_ms(5);
	}
	lt_capture_drain(e, cap);
}

/*
 * After live_stop: waits (up to 5 s) until the engine has stopped playing
 * (the stop is a command, applied some periods later) and throws away what
 * the tap heard meanwhile, so the next capture starts with fresh frames.
 */
static inline void
lt_settle(struct live *e)
{
	static float buf[4096 * 16];
	int64_t first;
	int quiet = 0;

	for (int t = 0; t < 5000 && quiet < 100; t += 5) {
		live_poll(e);
		if (live_tap_read(e, buf, 4096, &first) > 0) {
			quiet = 0;
			while (live_tap_read(e, buf, 4096, &first) > 0)
				;
		} else {
			quiet += 5;
		}
		lt_sleep_ms(5);
	}
}

/* Frames of [from, to) where a and b differ (exact comparison). */
static inline int64_t
lt_count_diff(float **a, float **b, int channels, int64_t from, int64_t to)
{
	int64_t n = 0;

	for (int64_t i = from; i < to; i++)
		for (int c = 0; c < channels; c++)
			if (a[c][i] != b[c][i]) {
				n++;
				break;
			}
	return n;
}

/* Waits until command seq is applied; its frame in *frame. */
static inline bool
lt_wait_command(struct live *e, uint64_t seq, int64_t *frame)
{
	for (int t = 0; t < 5000; t += 2) {
		if (live_command_frame(e, seq, frame))
			return true;
		live_poll(e);
		lt_sleep_ms(2);
	}
	return false;
}

#endif
