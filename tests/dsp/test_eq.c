/*
 * Parametric EQ: measured response of whole chains against eq_magnitude_db
 * and textbook targets, cut slopes, multichannel independence, ramped
 * coefficient changes (timing, smoothness against an abrupt switch,
 * block-size independence, automation stress), bit-identical output
 * however a long stream is split into calls, bit-exact bypass,
 * denormals and validation. All signals are made here.
 */
#include "test.h"

#include <stdint.h>

#include "dsp/biquad.h"
#include "dsp/dsp.h"
#include "dsp/eq.h"
#include "dsp/signals.h"

#define BLOCK 256

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

/* Uniform in [-1, 1), deterministic. */
static double
rnd(void)
{
	return rand_signed(&rng_state);
}

static struct eq eq_state; /* ~6 KB, kept off the stack */

/* Gain in dB of each of `channels` channels of an EQ started directly at c
 * (set + reset), fed sines at freq_hz of different amplitudes and phases. */
static void
measure_db(const struct eq_coefs *c, double sr, double freq_hz, int channels, double *out_db)
{
	const int settle = (int)(0.5 * sr), meas = (int)(0.2 * sr), n = settle + meas;
	const double w = 2 * M_PI * freq_hz / sr;
	float *buf[EQ_MAX_CHANNELS], *blk[EQ_MAX_CHANNELS];
	int k, i;

	eq_init(&eq_state, sr);
	eq_set_coefs(&eq_state, c);
	eq_reset(&eq_state);
	for (k = 0; k < channels; k++) {
		buf[k] = malloc(sizeof(float) * (size_t)n);
		for (i = 0; i < n; i++)
			buf[k][i] = (float)((0.1 + 0.05 * k) * sin(w * i + k));
	}
	for (i = 0; i < n; i += BLOCK) {
		for (k = 0; k < channels; k++)
			blk[k] = buf[k] + i;
		eq_process(&eq_state, blk, channels, n - i < BLOCK ? n - i : BLOCK);
	}
	for (k = 0; k < channels; k++) {
		out_db[k] = 20 * log10(fit_amplitude(buf[k] + settle, meas, w, settle) /
		    (0.1 + 0.05 * k));
		free(buf[k]);
	}
}

static double
measure1_db(const struct eq_coefs *c, double sr, double freq_hz)
{
	double db;

	measure_db(c, sr, freq_hz, 1, &db);
	return db;
}

static void
band(struct eq_params *p, int i, enum biquad_type t, double f, double g, double q)
{
	p->band[i].enabled = true;
	p->band[i].type = t;
	p->band[i].freq_hz = f;
	p->band[i].gain_db = g;
	p->band[i].q = q;
}

static void
cut(struct eq_cut *c, double f, int slope, double q)
{
	c->enabled = true;
	c->freq_hz = f;
	c->slope_db_per_oct = slope;
	c->q = q;
}

/* A typical dialogue chain. */
static void
dialogue_params(struct eq_params *p)
{
	memset(p, 0, sizeof *p);
	cut(&p->hpf, 80, 24, 0);
	band(p, 0, BIQUAD_LOWSHELF, 150, 3, M_SQRT1_2);
	band(p, 1, BIQUAD_BELL, 350, -4, 1.8);
	band(p, 3, BIQUAD_BELL, 3200, 2.5, 1.0); /* band 2 left off on purpose */
	band(p, 5, BIQUAD_HIGHSHELF, 9000, -2, M_SQRT1_2);
	cut(&p->lpf, 16000, 12, M_SQRT1_2);
}

static void
test_flat_is_bit_exact(void)
{
	struct eq_params p;
	struct eq_coefs c;
	float a[300], b[300], *ch[1] = { b };
	int i;

	memset(&p, 0, sizeof p);
	REQUIRE(eq_design(&p, 48000, &c) == 0);
	for (i = 0; i < EQ_SECTIONS; i++)
		CHECK(biquad_is_identity(&c.sec[i]));
	eq_init(&eq_state, 48000);
	eq_set_coefs(&eq_state, &c);
	for (i = 0; i < 300; i++)
		a[i] = b[i] = (float)rnd();
	eq_process(&eq_state, ch, 1, 300);
	CHECK(memcmp(a, b, sizeof a) == 0);
}

static void
test_response(void)
{
	static const double probe[] = { 30, 80, 150, 350, 1000, 3200, 9000, 16000, 20000 };
	static const double rates[] = { 48000, 96000 };
	struct eq_params p;
	struct eq_coefs c;
	double db[EQ_MAX_CHANNELS], worst = 0;
	unsigned r, f;
	int k;

	dialogue_params(&p);
	for (r = 0; r < 2; r++) {
		REQUIRE(eq_design(&p, rates[r], &c) == 0);
		for (f = 0; f < sizeof probe / sizeof probe[0]; f++) {
			double want = eq_magnitude_db(&p, rates[r], probe[f]);

			measure_db(&c, rates[r], probe[f], f == 4 ? EQ_MAX_CHANNELS : 2, db);
			for (k = 0; k < (f == 4 ? EQ_MAX_CHANNELS : 2); k++) {
				double err = fabs(db[k] - want);

				worst = err > worst ? err : worst;
				if (err > 0.005)
					fprintf(stderr, "sr %g %g Hz ch %d: %.4f vs %.4f\n", rates[r],
					    probe[f], k, db[k], want);
			}
		}
	}
	CHECK(worst < 0.005);
	printf("EQ chain measured vs analytic: worst %.2g dB\n", worst);

	/* Textbook points through the whole EQ. */
	memset(&p, 0, sizeof p);
	band(&p, 2, BIQUAD_BELL, 1000, 6, 1.0);
	REQUIRE(eq_design(&p, 48000, &c) == 0);
	CHECK_NEAR(measure1_db(&c, 48000, 1000), 6.0, 0.005);
	CHECK_NEAR(eq_magnitude_db(&p, 48000, 1000), 6.0, 1e-9);

	/* 24 dB/oct cut: 4th-order Butterworth, -3.01 at the corner, about
	 * -24 dB an octave out, -48 two octaves out. */
	memset(&p, 0, sizeof p);
	cut(&p.hpf, 100, 24, 5.0 /* ignored at 24 dB/oct */);
	REQUIRE(eq_design(&p, 48000, &c) == 0);
	CHECK_NEAR(eq_magnitude_db(&p, 48000, 100), -3.0103, 1e-3);
	CHECK_NEAR(measure1_db(&c, 48000, 100), -3.0103, 0.005);
	CHECK_NEAR(eq_magnitude_db(&p, 48000, 50), -24.1, 0.1);
	CHECK_NEAR(measure1_db(&c, 48000, 50), eq_magnitude_db(&p, 48000, 50), 0.005);
	CHECK_NEAR(eq_magnitude_db(&p, 48000, 25), -48.2, 0.1);
	CHECK_NEAR(measure1_db(&c, 48000, 1000), 0.0, 0.005);
	/* 12 dB/oct with the cut's q. */
	cut(&p.hpf, 100, 12, M_SQRT1_2);
	REQUIRE(eq_design(&p, 48000, &c) == 0);
	CHECK_NEAR(measure1_db(&c, 48000, 100), -3.0103, 0.005);
	CHECK_NEAR(eq_magnitude_db(&p, 48000, 50), -12.3, 0.1);
	cut(&p.hpf, 100, 12, 2.0); /* resonant: a peak above the corner */
	REQUIRE(eq_design(&p, 48000, &c) == 0);
	CHECK(measure1_db(&c, 48000, 110) > 5.0);
	/* LPF 24 at 192 kHz, HPF 24 at 20 Hz at 192 kHz. */
	memset(&p, 0, sizeof p);
	cut(&p.hpf, 20, 24, 0);
	cut(&p.lpf, 20000, 24, 0);
	REQUIRE(eq_design(&p, 192000, &c) == 0);
	CHECK_NEAR(measure1_db(&c, 192000, 20), -3.0103, 0.005);
	CHECK_NEAR(measure1_db(&c, 192000, 20000), -3.0103, 0.005);
	CHECK_NEAR(measure1_db(&c, 192000, 1000), 0.0, 0.005);
}

/* Different signals on different channels do not leak into each other. */
static void
test_channels_independent(void)
{
	struct eq_params p;
	struct eq_coefs c;
	static float a[EQ_MAX_CHANNELS + 1][1024];
	float ref[1024], *ch[EQ_MAX_CHANNELS + 1];
	struct biquad_design d;
	struct biquad_coefs bc;
	struct biquad_state st;
	int k, i, same = 0;

	memset(&p, 0, sizeof p);
	band(&p, 0, BIQUAD_BELL, 500, 9, 2);
	REQUIRE(eq_design(&p, 48000, &c) == 0);
	eq_init(&eq_state, 48000);
	eq_set_coefs(&eq_state, &c);
	eq_reset(&eq_state);
	for (k = 0; k <= EQ_MAX_CHANNELS; k++) {
		ch[k] = a[k];
		for (i = 0; i < 1024; i++)
			a[k][i] = k == 3 ? (float)rnd() : 0.0f;
	}
	memcpy(ref, a[3], sizeof ref);
	a[EQ_MAX_CHANNELS][0] = 1.0f; /* beyond the limit: left alone */
	eq_process(&eq_state, ch, EQ_MAX_CHANNELS + 1, 1024);
	/* channel 3 equals a lone biquad; the silent ones stay exactly 0 */
	REQUIRE(biquad_design(BIQUAD_BELL, 500, 2, 9, 48000, &d) == 0);
	REQUIRE(biquad_coefs_from_design(&d, &bc) == 0);
	biquad_reset(&st);
	biquad_process(&bc, &st, ref, 1024);
	CHECK(memcmp(ref, a[3], sizeof ref) == 0);
	for (k = 0; k < EQ_MAX_CHANNELS; k++)
		for (i = 0; i < 1024; i++)
			if (k != 3 && a[k][i] == 0.0f)
				same++;
	CHECK_INT_EQ(same, (EQ_MAX_CHANNELS - 1) * 1024);
	CHECK(a[EQ_MAX_CHANNELS][0] == 1.0f);
}

/* A ramp lasts ramp_frames whatever the block size, then cur == target. */
static void
test_ramp_timing(void)
{
	struct eq_params p;
	struct eq_coefs c;
	float buf[BLOCK], *ch[1] = { buf };
	int done, i;

	eq_init(&eq_state, 48000);
	CHECK_INT_EQ(eq_state.ramp_frames, 64);
	eq_init(&eq_state, 44100);
	CHECK_INT_EQ(eq_state.ramp_frames, 59);
	eq_init(&eq_state, 192000);
	CHECK_INT_EQ(eq_state.ramp_frames, 256);

	memset(&p, 0, sizeof p);
	dialogue_params(&p);
	REQUIRE(eq_design(&p, 192000, &c) == 0);
	eq_set_coefs(&eq_state, &c);
	for (i = 0; i < BLOCK; i++)
		buf[i] = (float)rnd();
	for (done = 0; done + 10 <= 250; done += 10)
		eq_process(&eq_state, ch, 1, 10);
	CHECK_INT_EQ(eq_state.ramp_left, 6);
	CHECK(memcmp(eq_state.cur, c.sec, sizeof c.sec) != 0);
	eq_process(&eq_state, ch, 1, 10);
	CHECK_INT_EQ(eq_state.ramp_left, 0);
	CHECK(memcmp(eq_state.cur, c.sec, sizeof c.sec) == 0);
	for (i = 0; i < EQ_SECTIONS; i++)
		CHECK(eq_state.active[i] == !biquad_is_identity(&c.sec[i]));
	for (i = 0; i < BLOCK; i++)
		CHECK(isfinite(buf[i]));
}

/* Largest |y[n] - 2 cos(w) y[n-1] + y[n-2]| over [from, to): zero for any
 * steady sinusoid at w, so it measures how abruptly the output changes. */
static double
click(const float *y, int from, int to, double w)
{
	const double k = 2 * cos(w);
	double m = 0;
	int i;

	for (i = from; i < to; i++) {
		double r = fabs(y[i] - k * y[i - 1] + y[i - 2]);

		m = r > m ? r : m;
	}
	return m;
}

/* Largest |y[n] - y[n-1]| over [from, to). */
static double
slope(const float *y, int from, int to)
{
	double m = 0;
	int i;

	for (i = from; i < to; i++)
		m = fabs(y[i] - y[i - 1]) > m ? fabs(y[i] - y[i - 1]) : m;
	return m;
}

/* Ramped changes never step: the output moves no faster than the louder
 * of the steady signals before and after; they are smoother than the same
 * change made at once; and they land on the new response. */
static void
test_ramp_smoothness(void)
{
	const double sr = 48000, f = 1500, w = 2 * M_PI * f / sr;
	const int n = 24000, at = 12000;
	float *x = malloc(sizeof(float) * n), *y = malloc(sizeof(float) * n), *ch[1];
	int i, sc;
	/* from (type, freq, gain, q) to (...); BELL at 0 dB is the identity */
	static const struct { double f0, g0, f1, g1; double ratio; } cases[] = {
		{ 1500, -12, 1500, 12, 4 }, /* a deep cut becomes a boost */
		{ 1000, 6, 2000, 6, 3 },    /* a bell sweeps past the tone */
		{ 1500, 0, 1500, 12, 1 },   /* a band switched on from bypass */
		{ 1500, 12, 1500, 0, 1 },   /* and off again */
	};

	REQUIRE(x != NULL && y != NULL);
	for (i = 0; i < n; i++)
		x[i] = (float)(0.5 * sin(w * i));

	for (sc = 0; sc < (int)(sizeof cases / sizeof cases[0]); sc++) {
		struct eq_params p;
		struct eq_coefs ca, cb;
		struct biquad_design da, db;
		struct biquad_coefs ba, bb;
		struct biquad_state st;
		double ramped, abrupt, want, steady;

		memset(&p, 0, sizeof p);
		band(&p, 0, BIQUAD_BELL, cases[sc].f0, cases[sc].g0, 1.0);
		REQUIRE(eq_design(&p, sr, &ca) == 0);
		band(&p, 0, BIQUAD_BELL, cases[sc].f1, cases[sc].g1, 1.0);
		REQUIRE(eq_design(&p, sr, &cb) == 0);
		want = eq_magnitude_db(&p, sr, f);

		memcpy(y, x, sizeof(float) * n);
		eq_init(&eq_state, sr);
		eq_set_coefs(&eq_state, &ca);
		eq_reset(&eq_state);
		for (i = 0; i < n; i += 100) {
			if (i == at)
				eq_set_coefs(&eq_state, &cb);
			ch[0] = y + i;
			eq_process(&eq_state, ch, 1, 100);
		}
		ramped = click(y, at - 100, at + 2000, w);
		CHECK(click(y, at / 2, at - 100, w) < 1e-4); /* steady before */
		/* the fastest a sine of this level can move; the gain on the way
		 * never exceeds the larger of the two bells' peak gains */
		steady = 0.5 * 2 * sin(w / 2) * pow(10, fmax(fmax(cases[sc].g0, cases[sc].g1), 0) / 20);
		CHECK(slope(y, at, at + 2000) <= 1.02 * steady);
		if (cases[sc].f1 == f) /* the bound is tight: a steady sine reaches it */
			CHECK_NEAR(slope(y, n - 2000, n) / (0.5 * 2 * sin(w / 2)),
			    pow(10, cases[sc].g1 / 20), 0.01 * pow(10, cases[sc].g1 / 20));
		CHECK_NEAR(20 * log10(fit_amplitude(y + n - 4800, 4800, w, n - 4800) / 0.5), want,
		    0.005);

		/* The same change made at once, in a lone biquad. */
		memcpy(y, x, sizeof(float) * n);
		biquad_reset(&st);
		if (cases[sc].g0 == 0)
			biquad_set_identity(&ba);
		else {
			REQUIRE(biquad_design(BIQUAD_BELL, cases[sc].f0, 1, cases[sc].g0, sr, &da) == 0);
			REQUIRE(biquad_coefs_from_design(&da, &ba) == 0);
		}
		REQUIRE(biquad_design(BIQUAD_BELL, cases[sc].f1, 1, cases[sc].g1, sr, &db) == 0);
		REQUIRE(biquad_coefs_from_design(&db, &bb) == 0);
		biquad_process(&ba, &st, y, at);
		if (cases[sc].g0 == 0)
			biquad_reset(&st);
		biquad_process(&bb, &st, y + at, n - at);
		abrupt = click(y, at - 100, at + 2000, w);
		printf("change %d: click %.4f ramped, %.4f at once\n", sc, ramped, abrupt);
		CHECK(ramped * cases[sc].ratio <= abrupt * 1.01);
	}
	free(x);
	free(y);
}

/* The output does not depend on how the frames are cut into blocks, even
 * across ramps: not by a rounding error, not by a bit. */
static void
test_block_size_independence(void)
{
	static const int sizes[] = { 1, 7, 64, 100, 1000 };
	const int n = 4000;
	struct eq_params p;
	struct eq_coefs c1, c2;
	float *x = malloc(sizeof(float) * n), *ref = malloc(sizeof(float) * n);
	float *y = malloc(sizeof(float) * n), *ch[1];
	double worst = 0;
	unsigned s;
	int i, differ = 0;

	REQUIRE(x != NULL && ref != NULL && y != NULL);
	dialogue_params(&p);
	REQUIRE(eq_design(&p, 48000, &c1) == 0);
	band(&p, 2, BIQUAD_BELL, 700, 8, 3);
	p.band[0].gain_db = -6;
	cut(&p.hpf, 120, 12, 1.0);
	REQUIRE(eq_design(&p, 48000, &c2) == 0);
	for (i = 0; i < n; i++)
		x[i] = (float)rnd();
	for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		memcpy(y, x, sizeof(float) * n);
		eq_init(&eq_state, 48000);
		eq_set_coefs(&eq_state, &c1);
		for (i = 0; i < n; i += sizes[s]) {
			const int len = n - i < sizes[s] ? n - i : sizes[s];

			/* changes land on frames 0 and 2000 in every run */
			if (i <= 2000 && 2000 < i + len) {
				ch[0] = y + i;
				eq_process(&eq_state, ch, 1, 2000 - i);
				eq_set_coefs(&eq_state, &c2);
				ch[0] = y + 2000;
				eq_process(&eq_state, ch, 1, i + len - 2000);
				continue;
			}
			ch[0] = y + i;
			eq_process(&eq_state, ch, 1, len);
		}
		if (s == 0) {
			memcpy(ref, y, sizeof(float) * n);
			continue;
		}
		for (i = 0; i < n; i++) {
			double e = fabs(y[i] - ref[i]);

			worst = e > worst ? e : worst;
		}
		if (memcmp(y, ref, sizeof(float) * n) != 0)
			differ++;
	}
	/* Bit-exact: what you hear is what you bounce. */
	CHECK(worst == 0.0);
	CHECK_INT_EQ(differ, 0);
	printf("block-size independence: worst difference %.2g\n", worst);
	free(x);
	free(ref);
	free(y);
}

/* ---- Split invariance ------------------------------------------------
 * A long stream rendered in one call per interval between coefficient
 * changes, and again in calls of random sizes with the same changes and
 * resets at the same absolute frames, must give the same bits. */

#define SPLIT_FRAMES 200000

enum { EV_SET, EV_RESET };

struct split_event {
	int frame;
	int kind;  /* EV_SET or EV_RESET */
	int coefs; /* EV_SET: index into the coefficient sets */
};

/* Noise whose level changes every few thousand frames, through loud,
 * quiet, silent (+0 and -0) and long-silent stretches (the filters decay
 * to the flush floor), with one NaN, one inf and one huge sample; each
 * channel its own. */
static void
split_signal(float *x, int n, int channel)
{
	static const float levels[] = { 0.5f, 0.05f, 1e-3f, 1e-6f, 0.0f, 1.0f, 0.2f, 1e-30f };
	/* its own generator: the other tests' rnd() sequence is untouched */
	uint64_t g = 0x9e3779b97f4a7c15ull * (uint64_t)(channel + 1);
	int i;

	for (i = 0; i < n; i++) {
		const int seg = (i / 6997 + channel) % 8;

		x[i] = levels[seg] * (float)rand_signed(&g);
		if (i >= 100000 && i < 122000) /* long silence */
			x[i] = 0.0f;
		if (i >= 50000 && i < 56000) /* negative zeros after "all off" */
			x[i] = -0.0f;
	}
	if (n > 140000) {
		if (channel == 0)
			x[130000] = NAN;
		if (channel % 3 == 1)
			x[130777] = INFINITY;
		x[135001] = 1e25f;
	}
}

/* Renders SPLIT_FRAMES frames of `channels` channels of in into out
 * through eq_state, applying ev[] at their frames, cutting as m says. */
static void
eq_split_render(double sr, const struct eq_coefs *sets, const struct split_event *ev,
    int nev, float *const *in, float *const *out, int channels, enum split_mode m,
    uint64_t seed)
{
	float *ch[EQ_MAX_CHANNELS];
	uint64_t rng = seed;
	int pos = 0, e = 0, k;

	for (k = 0; k < channels; k++)
		memcpy(out[k], in[k], sizeof(float) * SPLIT_FRAMES);
	eq_init(&eq_state, sr);
	while (pos < SPLIT_FRAMES) {
		int stop = SPLIT_FRAMES, len;

		for (; e < nev && ev[e].frame == pos; e++) {
			if (ev[e].kind == EV_SET)
				eq_set_coefs(&eq_state, &sets[ev[e].coefs]);
			else
				eq_reset(&eq_state);
		}
		if (e < nev)
			stop = ev[e].frame;
		len = split_next(&rng, m, stop - pos);
		for (k = 0; k < channels; k++)
			ch[k] = out[k] + pos;
		eq_process(&eq_state, ch, channels, len);
		pos += len;
	}
}

static void
test_split_invariance(void)
{
	static const double rates[] = { 44100, 48000, 96000 };
	static const int chans[] = { 1, 2, 7, EQ_MAX_CHANNELS };
	enum { NSETS = 8 };
	struct eq_coefs sets[NSETS];
	struct split_event ev[200];
	float *in[EQ_MAX_CHANNELS], *ref[EQ_MAX_CHANNELS], *out[EQ_MAX_CHANNELS];
	int nev, r, ci, k, m, i, renders = 0, differ = 0, reset_differ = 0, nan_frames = 0;
	uint64_t seed = 0x1234567887654321ull;

	for (k = 0; k < EQ_MAX_CHANNELS; k++) {
		in[k] = malloc(sizeof(float) * SPLIT_FRAMES);
		ref[k] = malloc(sizeof(float) * SPLIT_FRAMES);
		out[k] = malloc(sizeof(float) * SPLIT_FRAMES);
		REQUIRE(in[k] != NULL && ref[k] != NULL && out[k] != NULL);
		split_signal(in[k], SPLIT_FRAMES, k);
	}

	for (r = 0; r < 3; r++) {
		const double sr = rates[r];
		struct eq_params p[NSETS];
		int ramp;

		/* 0: dialogue; 1: band 2 on, HPF 24 -> 12 (its second section
		 * off), LPF off; 2: most sections off, others on; 3: flat (all
		 * off); 4..7: automation points of one band. */
		dialogue_params(&p[0]);
		p[1] = p[0];
		band(&p[1], 2, BIQUAD_BELL, 700, 8, 3);
		p[1].band[0].gain_db = -6;
		cut(&p[1].hpf, 120, 12, 1.0);
		p[1].lpf.enabled = false;
		memset(&p[2], 0, sizeof p[2]);
		band(&p[2], 4, BIQUAD_HIGHSHELF, 6000, 4, M_SQRT1_2);
		band(&p[2], 7, BIQUAD_NOTCH, 60, 0, 10);
		cut(&p[2].lpf, 12000, 24, 0);
		memset(&p[3], 0, sizeof p[3]);
		for (i = 4; i < NSETS; i++) {
			p[i] = p[0];
			band(&p[i], 1, BIQUAD_BELL, 350 * pow(1.5, i - 4), -4 + 3 * (i - 4), 1.8);
		}
		for (i = 0; i < NSETS; i++)
			REQUIRE(eq_design(&p[i], sr, &sets[i]) == 0);

		eq_init(&eq_state, sr);
		ramp = eq_state.ramp_frames;
		nev = 0;
#define EV(f, kd, c) do { ev[nev].frame = (f); ev[nev].kind = (kd); ev[nev].coefs = (c); nev++; } while (0)
		EV(0, EV_SET, 0);               /* a ramp from flat at frame 0 */
		EV(10000, EV_SET, 1);
		EV(10000 + ramp / 3, EV_SET, 2); /* mid-ramp */
		EV(30000, EV_SET, 0);
		EV(50000, EV_SET, 3);           /* everything off, then -0 input */
		EV(70000, EV_SET, 1);           /* sections back on */
		EV(70000 + ramp / 2, EV_RESET, 0); /* a transport jump mid-ramp */
		for (i = 0; i < 100; i++)       /* dense automation, mid-ramp */
			EV(80000 + i * (ramp / 2 + 7), EV_SET, 4 + i % 4);
		EV(99000, EV_SET, 2);
		EV(125000, EV_SET, 0);
		EV(125000 + ramp - 1, EV_SET, 3); /* one frame before the end */
		EV(125000 + 2 * ramp - 1, EV_SET, 1);
		EV(160000, EV_SET, 2);
		EV(160000, EV_RESET, 0);        /* start directly at set 2 */
		EV(180000, EV_SET, 3);
		EV(180000 + ramp, EV_SET, 0);   /* exactly at the end */
		EV(190000, EV_RESET, 0);        /* the last event: nothing after */
#undef EV
		REQUIRE(nev <= (int)(sizeof ev / sizeof ev[0]));

		for (ci = 0; ci < 4; ci++) {
			const int nch = chans[ci];

			eq_split_render(sr, sets, ev, nev, in, ref, nch, SPLIT_WHOLE, 0);
			for (m = SPLIT_UNIFORM; m < SPLIT_MODES; m++) {
				eq_split_render(sr, sets, ev, nev, in, out, nch, (enum split_mode)m,
				    seed++);
				renders++;
				for (k = 0; k < nch; k++)
					if ((i = first_difference(ref[k], out[k], SPLIT_FRAMES)) >= 0) {
						differ++;
						fprintf(stderr, "eq split: sr %g, %d ch, mode %d: "
						    "channel %d differs from frame %d\n", sr, nch, m, k, i);
					}
			}
			/* The NaN poisons at most the frames up to the next guard. */
			for (i = 130000; i < 131000; i++)
				if (isnan(ref[0][i]))
					nan_frames++;

			/* After eq_reset at frame 190000, the output is a fresh EQ's,
			 * started at set 0 and fed the same input from there. */
			{
				float *ch[EQ_MAX_CHANNELS];
				uint64_t rng = seed++;
				int pos = 190000;

				for (k = 0; k < nch; k++)
					memcpy(out[k] + pos, in[k] + pos, sizeof(float) * (SPLIT_FRAMES - pos));
				eq_init(&eq_state, sr);
				eq_set_coefs(&eq_state, &sets[0]);
				eq_reset(&eq_state);
				while (pos < SPLIT_FRAMES) {
					const int len = split_next(&rng, SPLIT_LOG, SPLIT_FRAMES - pos);

					for (k = 0; k < nch; k++)
						ch[k] = out[k] + pos;
					eq_process(&eq_state, ch, nch, len);
					pos += len;
				}
				for (k = 0; k < nch; k++)
					if (!same_bits(ref[k] + 190000, out[k] + 190000,
					    SPLIT_FRAMES - 190000))
						reset_differ++;
			}
		}
	}
	CHECK_INT_EQ(renders, 3 * 4 * 3);
	CHECK_INT_EQ(differ, 0);
	CHECK_INT_EQ(reset_differ, 0);
	/* the stream did exercise the guard: a NaN, cleared within 32 frames */
	CHECK(nan_frames > 0 && nan_frames <= 3 * 4 * DSP_GUARD_FRAMES);
	printf("split invariance: %d split renders of %d frames identical to whole-interval "
	    "renders\n", renders, SPLIT_FRAMES);
	for (k = 0; k < EQ_MAX_CHANNELS; k++) {
		free(in[k]);
		free(ref[k]);
		free(out[k]);
	}
}

/* Every parameter moving every block (as dense automation would), bands
 * switching on and off and changing type, cut slopes changing: no NaN,
 * nothing explodes. Then bypass returns bit-exact. */
static void
test_automation_stress(void)
{
	static float a[EQ_MAX_CHANNELS][64];
	float *ch[EQ_MAX_CHANNELS], before[64];
	struct eq_params p;
	struct eq_coefs c;
	int blk, k, i, nonfinite = 0, bad = 0;
	float peak = 0;

	eq_init(&eq_state, 48000);
	memset(&p, 0, sizeof p);
	for (k = 0; k < EQ_MAX_CHANNELS; k++)
		ch[k] = a[k];
	for (blk = 0; blk < 6000; blk++) {
		const int which = (int)((rnd() + 1) * 5) % 10; /* 0..7 bands, 8 hpf, 9 lpf */

		if (which < 8) {
			p.band[which].enabled = rnd() > -0.5;
			p.band[which].type = (enum biquad_type)((int)((rnd() + 1) * 4) % 8);
			p.band[which].freq_hz = 20 * pow(1000, 0.5 + 0.5 * rnd());
			p.band[which].gain_db = 18 * rnd();
			p.band[which].q = 0.3 * pow(30, 0.5 + 0.5 * rnd());
		} else {
			struct eq_cut *cc = which == 8 ? &p.hpf : &p.lpf;

			cut(cc, 20 * pow(1000, 0.5 + 0.5 * rnd()), rnd() > 0 ? 12 : 24,
			    0.5 + 0.5 * (rnd() + 1));
			cc->enabled = rnd() > -0.3;
		}
		if (eq_design(&p, 48000, &c) != 0)
			bad++;
		else
			eq_set_coefs(&eq_state, &c);
		for (k = 0; k < EQ_MAX_CHANNELS; k++)
			for (i = 0; i < 64; i++)
				a[k][i] = (float)(0.5 * rnd());
		eq_process(&eq_state, ch, EQ_MAX_CHANNELS, 64);
		for (k = 0; k < EQ_MAX_CHANNELS; k++)
			for (i = 0; i < 64; i++) {
				if (!isfinite(a[k][i]))
					nonfinite++;
				else if (fabsf(a[k][i]) > peak)
					peak = fabsf(a[k][i]);
			}
	}
	CHECK_INT_EQ(bad, 0);
	CHECK_INT_EQ(nonfinite, 0);
	CHECK(peak < 100.0f);
	printf("automation stress: peak %.2f\n", peak);

	/* Everything off: after one ramp the EQ is a bit-exact wire again. */
	memset(&p, 0, sizeof p);
	REQUIRE(eq_design(&p, 48000, &c) == 0);
	eq_set_coefs(&eq_state, &c);
	eq_process(&eq_state, ch, EQ_MAX_CHANNELS, 64);
	for (i = 0; i < 64; i++)
		a[0][i] = before[i] = (float)rnd();
	eq_process(&eq_state, ch, EQ_MAX_CHANNELS, 64);
	CHECK(memcmp(before, a[0], sizeof before) == 0);
	for (i = 0; i < EQ_SECTIONS; i++)
		CHECK(!eq_state.active[i]);
}

static void
test_denormals(void)
{
	struct eq_params p;
	struct eq_coefs c;
	float a[2][BLOCK], *ch[2] = { a[0], a[1] };
	int b, i, k, s, subnormal = 0, nonzero = 0;

	dialogue_params(&p);
	band(&p, 2, BIQUAD_BELL, 12000, 9, 0.5);
	REQUIRE(eq_design(&p, 48000, &c) == 0);
	eq_init(&eq_state, 48000);
	eq_set_coefs(&eq_state, &c);
	for (b = 0; b < 40; b++) {
		for (k = 0; k < 2; k++)
			for (i = 0; i < BLOCK; i++)
				a[k][i] = (float)rnd();
		eq_process(&eq_state, ch, 2, BLOCK);
	}
	for (b = 0; b < 10 * 48000 / BLOCK; b++) {
		memset(a, 0, sizeof a);
		eq_process(&eq_state, ch, 2, BLOCK);
		for (k = 0; k < 2; k++)
			for (i = 0; i < BLOCK; i++)
				if (fpclassify(a[k][i]) == FP_SUBNORMAL)
					subnormal++;
	}
	for (s = 0; s < EQ_SECTIONS; s++)
		for (k = 0; k < EQ_MAX_CHANNELS; k++)
			if (eq_state.st[s][k].s1 != 0.0f || eq_state.st[s][k].s2 != 0.0f)
				nonzero++;
	CHECK_INT_EQ(subnormal, 0);
	CHECK_INT_EQ(nonzero, 0);
	CHECK(a[0][BLOCK - 1] == 0.0f && a[1][BLOCK - 1] == 0.0f);
}

static void
test_reset(void)
{
	struct eq_params p;
	struct eq_coefs c;
	float a[32], *ch[1] = { a };
	int i;

	dialogue_params(&p);
	REQUIRE(eq_design(&p, 48000, &c) == 0);
	eq_init(&eq_state, 48000);
	eq_set_coefs(&eq_state, &c);
	for (i = 0; i < 32; i++)
		a[i] = (float)rnd();
	eq_process(&eq_state, ch, 1, 32);
	CHECK(eq_state.ramp_left == 32);
	eq_reset(&eq_state);
	CHECK_INT_EQ(eq_state.ramp_left, 0);
	CHECK(memcmp(eq_state.cur, c.sec, sizeof c.sec) == 0);
	CHECK(eq_state.st[EQ_SECTION_HPF][0].s1 == 0.0f);
	CHECK(eq_state.active[EQ_SECTION_HPF] && eq_state.active[EQ_SECTION_HPF + 1]);
	CHECK(!eq_state.active[EQ_SECTION_BAND + 2]);
}

static void
test_validation(void)
{
	struct eq_params p, q;
	struct eq_coefs c, keep;

	dialogue_params(&p);
	REQUIRE(eq_design(&p, 48000, &c) == 0);
	keep = c;
	q = p;
	q.hpf.slope_db_per_oct = 18;
	CHECK_INT_EQ(eq_design(&q, 48000, &c), DSP_ERR_INVALID);
	q = p;
	q.band[1].freq_hz = NAN;
	CHECK_INT_EQ(eq_design(&q, 48000, &c), DSP_ERR_INVALID);
	CHECK(isnan(eq_magnitude_db(&q, 48000, 1000)));
	q = p;
	q.band[1].q = 0;
	CHECK_INT_EQ(eq_design(&q, 48000, &c), DSP_ERR_INVALID);
	q = p;
	q.band[1].gain_db = 60;
	CHECK_INT_EQ(eq_design(&q, 48000, &c), DSP_ERR_INVALID);
	q = p;
	q.lpf.q = -1;
	CHECK_INT_EQ(eq_design(&q, 48000, &c), DSP_ERR_INVALID);
	CHECK_INT_EQ(eq_design(&p, 1000, &c), DSP_ERR_INVALID);
	CHECK(memcmp(&c, &keep, sizeof c) == 0);
	/* disabled bands are not checked */
	q = p;
	q.band[2].freq_hz = -5;
	q.band[2].q = NAN;
	CHECK_INT_EQ(eq_design(&q, 48000, &c), 0);
	/* a band above 0.48 fs is pulled down to it */
	memset(&q, 0, sizeof q);
	band(&q, 0, BIQUAD_BELL, 30000, 6, 1);
	CHECK_INT_EQ(eq_design(&q, 48000, &c), 0);
	CHECK_NEAR(eq_magnitude_db(&q, 48000, 0.48 * 48000), 6.0, 1e-9);
	cut(&q.lpf, 40000, 24, 0);
	CHECK_INT_EQ(eq_design(&q, 32000, &c), 0);
	CHECK_NEAR(eq_magnitude_db(&q, 32000, 0.48 * 32000) - 6.0, -3.0103, 1e-3);
}

int
main(void)
{
	test_flat_is_bit_exact();
	test_response();
	test_channels_independent();
	test_ramp_timing();
	test_ramp_smoothness();
	test_block_size_independence();
	test_split_invariance();
	test_automation_stress();
	test_denormals();
	test_reset();
	test_validation();
	return test_report();
}
