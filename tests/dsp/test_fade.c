/*
 * test_fade.c - fade curves at known points, exact ends, block splitting,
 * and the crossfade rules: equal-power keeps the power of uncorrelated
 * material, equal-gain (linear, S-curve, LOG+EXP) keeps the amplitude of
 * correlated material.
 */
#include "test.h"

#include "dsp/fade.h"
#include "dsp/signals.h"

#define PI 3.14159265358979323846

static double
exp60(double t)
{
	return (pow(10.0, 3.0 * (t - 1.0)) - 1e-3) / (1.0 - 1e-3);
}

static double
formula(enum fade_curve s, double t)
{
	switch (s) {
	case FADE_CURVE_LINEAR: return t;
	case FADE_CURVE_EQUAL_POWER: return sin(t * PI / 2.0);
	case FADE_CURVE_S_CURVE: return 0.5 - 0.5 * cos(t * PI);
	case FADE_CURVE_LOG: return 1.0 - exp60(1.0 - t);
	case FADE_CURVE_EXP: return exp60(t);
	default: return -1.0;
	}
}

static void
test_known_points(void)
{
	static const double ts[] = { 0.0, 0.25, 0.5, 0.75, 1.0 };

	for (int s = 0; s < FADE_CURVE_COUNT; s++)
		for (int k = 0; k < 5; k++)
			CHECK_NEAR(fade_gain((enum fade_curve)s, ts[k]),
			    formula((enum fade_curve)s, ts[k]), 1e-7);

	/* Independent numbers, not the same formula twice. */
	CHECK_NEAR(fade_gain(FADE_CURVE_LINEAR, 0.25), 0.25, 1e-7);
	CHECK_NEAR(fade_gain(FADE_CURVE_EQUAL_POWER, 0.5), 0.70710678, 1e-7);
	CHECK_NEAR(fade_gain(FADE_CURVE_EQUAL_POWER, 0.25), 0.38268343, 1e-7);
	CHECK_NEAR(fade_gain(FADE_CURVE_S_CURVE, 0.5), 0.5, 1e-7);
	CHECK_NEAR(fade_gain(FADE_CURVE_S_CURVE, 0.25), 0.14644661, 1e-7);
	CHECK_NEAR(fade_gain(FADE_CURVE_S_CURVE, 0.75), 0.85355339, 1e-7);
	CHECK_NEAR(fade_gain(FADE_CURVE_EXP, 0.25), 0.00462804, 1e-7);
	CHECK_NEAR(fade_gain(FADE_CURVE_EXP, 0.5), 0.03065343, 1e-7);
	CHECK_NEAR(fade_gain(FADE_CURVE_EXP, 0.75), 0.17700495, 1e-7);
	CHECK_NEAR(fade_gain(FADE_CURVE_LOG, 0.25), 0.82299505, 1e-7);
	CHECK_NEAR(fade_gain(FADE_CURVE_LOG, 0.5), 0.96934657, 1e-7);
	CHECK_NEAR(fade_gain(FADE_CURVE_LOG, 0.75), 0.99537196, 1e-7);

	/* Exact ends, clamping, NaN. */
	for (int s = 0; s < FADE_CURVE_COUNT; s++) {
		CHECK(fade_gain((enum fade_curve)s, 0.0) == 0.0f);
		CHECK(fade_gain((enum fade_curve)s, 1.0) == 1.0f);
		CHECK(fade_gain((enum fade_curve)s, -0.5) == 0.0f);
		CHECK(fade_gain((enum fade_curve)s, 2.0) == 1.0f);
		CHECK(fade_gain((enum fade_curve)s, NAN) == 0.0f);
	}
}

static void
test_shapes_monotonic_and_ordered(void)
{
	for (int s = 0; s < FADE_CURVE_COUNT; s++) {
		float prev = 0.0f;
		int ok = 1;

		for (int k = 1; k <= 1000; k++) {
			float g = fade_gain((enum fade_curve)s, k / 1000.0);

			if (g < prev)
				ok = 0;
			prev = g;
		}
		CHECK(ok);
	}
	/* LOG starts fast, EXP slow, the others in between at t = 0.25. */
	CHECK(fade_gain(FADE_CURVE_LOG, 0.25) > fade_gain(FADE_CURVE_EQUAL_POWER, 0.25));
	CHECK(fade_gain(FADE_CURVE_EQUAL_POWER, 0.25) > fade_gain(FADE_CURVE_LINEAR, 0.25));
	CHECK(fade_gain(FADE_CURVE_LINEAR, 0.25) > fade_gain(FADE_CURVE_S_CURVE, 0.25));
	CHECK(fade_gain(FADE_CURVE_S_CURVE, 0.25) > fade_gain(FADE_CURVE_EXP, 0.25));
}

/* Runs fade_apply over frames [pos0, pos0 + n) in blocks of `block`. */
static void
apply_blocks(float *x, int n, int block, enum fade_curve s, enum fade_dir d,
    int64_t pos0, int64_t len)
{
	for (int f = 0; f < n; f += block) {
		float *ch[1] = { x + f };
		int m = n - f < block ? n - f : block;

		fade_apply(ch, 1, m, s, d, pos0 + f, len);
	}
}

static void
test_block_fade_in(void)
{
	enum { LEN = 1000, PRE = 50, POST = 70, N = PRE + LEN + POST };
	static float x[N], y[N];

	for (int s = 0; s < FADE_CURVE_COUNT; s++) {
		double maxerr = 0.0;

		for (int i = 0; i < N; i++)
			x[i] = 1.0f;
		apply_blocks(x, N, 37, (enum fade_curve)s, FADE_DIR_IN, -PRE, LEN);
		for (int i = 0; i < PRE; i++)
			CHECK(x[i] == 0.0f);
		CHECK(x[PRE] == 0.0f);                 /* first frame exactly 0 */
		CHECK(x[PRE + LEN - 1] == 1.0f);       /* last frame exactly 1 */
		for (int i = PRE + LEN; i < N; i++)
			CHECK(x[i] == 1.0f);
		for (int k = 0; k < LEN; k++) {
			double e = fabs(x[PRE + k] -
			    formula((enum fade_curve)s, k / (double)(LEN - 1)));

			if (e > maxerr)
				maxerr = e;
		}
		CHECK(maxerr < 2e-6);

		/* Block size does not matter. */
		for (int i = 0; i < N; i++)
			y[i] = 1.0f;
		apply_blocks(y, N, N, (enum fade_curve)s, FADE_DIR_IN, -PRE, LEN);
		CHECK(memcmp(x, y, sizeof x) == 0);

		/* Fade-out mirrors fade-in frame for frame. */
		for (int i = 0; i < N; i++)
			y[i] = 1.0f;
		apply_blocks(y, N, 64, (enum fade_curve)s, FADE_DIR_OUT, -PRE, LEN);
		CHECK(y[PRE] == 1.0f);
		CHECK(y[PRE + LEN - 1] == 0.0f);
		for (int i = 0; i < PRE; i++)
			CHECK(y[i] == 1.0f);
		for (int i = PRE + LEN; i < N; i++)
			CHECK(y[i] == 0.0f);
		int mirror = 1;
		for (int k = 0; k < LEN; k++)
			if (y[PRE + k] != x[PRE + LEN - 1 - k])
				mirror = 0;
		CHECK(mirror);
	}
}

static void
test_multichannel_and_degenerate(void)
{
	float a[8], b[8];
	float *ch[2] = { a, b };

	for (int i = 0; i < 8; i++) {
		a[i] = 2.0f;
		b[i] = -4.0f;
	}
	fade_apply(ch, 2, 8, FADE_CURVE_LINEAR, FADE_DIR_IN, 0, 5);
	CHECK(a[0] == 0.0f && b[0] == 0.0f);
	CHECK_NEAR(a[2], 1.0, 1e-7);        /* t = 2/4 */
	CHECK_NEAR(b[2], -2.0, 1e-7);
	CHECK(a[4] == 2.0f && b[4] == -4.0f);
	CHECK(a[7] == 2.0f && b[7] == -4.0f);

	/* Length 0 or 1: no fade. */
	for (int i = 0; i < 8; i++)
		a[i] = 3.0f;
	fade_apply(ch, 1, 8, FADE_CURVE_EXP, FADE_DIR_OUT, 0, 1);
	fade_apply(ch, 1, 8, FADE_CURVE_EXP, FADE_DIR_IN, 0, 0);
	for (int i = 0; i < 8; i++)
		CHECK(a[i] == 3.0f);

	/* Length 2: the two frames are the two ends. */
	fade_apply(ch, 1, 3, FADE_CURVE_S_CURVE, FADE_DIR_IN, 0, 2);
	CHECK(a[0] == 0.0f && a[1] == 3.0f && a[2] == 3.0f);

	/* A block entirely inside a long fade, far from its start. */
	for (int i = 0; i < 8; i++)
		a[i] = 1.0f;
	fade_apply(ch, 1, 8, FADE_CURVE_EQUAL_POWER, FADE_DIR_IN,
	    (int64_t)1 << 32, (int64_t)1 << 33);
	CHECK_NEAR(a[0], 0.70710678, 1e-6);

	/* Silence region is exact zeros even for non-finite input. */
	a[0] = INFINITY;
	fade_apply(ch, 1, 1, FADE_CURVE_LINEAR, FADE_DIR_IN, -10, 100);
	CHECK(a[0] == 0.0f);
}

/* The crossfade out(x_out) + in(x_in) over LEN frames, into mix. */
static void
crossfade(float *mix, const float *x_out, const float *x_in, int len,
    enum fade_curve out_shape, enum fade_curve in_shape)
{
	static float a[48000], b[48000];
	float *ca[1] = { a }, *cb[1] = { b };

	memcpy(a, x_out, (size_t)len * sizeof *a);
	memcpy(b, x_in, (size_t)len * sizeof *b);
	fade_apply(ca, 1, len, out_shape, FADE_DIR_OUT, 0, len);
	fade_apply(cb, 1, len, in_shape, FADE_DIR_IN, 0, len);
	for (int i = 0; i < len; i++)
		mix[i] = a[i] + b[i];
}

/* Power (dB) of a window divided by the reference power of the sources. */
static double
window_db(const float *x, int from, int n, double ref_power)
{
	return 10.0 * log10(mean_power(x + from, n) / ref_power);
}

static void
test_equal_power_uncorrelated(void)
{
	enum { LEN = 48000, WIN = 2000 };
	static float x1[LEN], x2[LEN], mix[LEN];
	uint64_t s1 = 0x1234567ull, s2 = 0x9abcdef1ull;   /* white noise */
	double ref = 1.0 / 3.0;     /* power of uniform noise in [-1, 1) */
	double worst = 0.0, lin_mid;

	for (int i = 0; i < LEN; i++) {
		x1[i] = (float)rand_signed(&s1);
		x2[i] = (float)rand_signed(&s2);
	}
	crossfade(mix, x1, x2, LEN, FADE_CURVE_EQUAL_POWER,
	    FADE_CURVE_EQUAL_POWER);
	for (int w = 0; w + WIN <= LEN; w += WIN) {
		double d = fabs(window_db(mix, w, WIN, ref));

		if (d > worst)
			worst = d;
	}
	CHECK(worst < 0.5);

	/* Equal-gain on uncorrelated material dips about 3 dB mid-way. */
	crossfade(mix, x1, x2, LEN, FADE_CURVE_LINEAR, FADE_CURVE_LINEAR);
	lin_mid = window_db(mix, LEN / 2 - WIN / 2, WIN, ref);
	CHECK(lin_mid < -2.5 && lin_mid > -3.5);
}

static void
test_equal_gain_correlated(void)
{
	enum { LEN = 4800 };
	static float x[LEN], mix[LEN];
	uint64_t s = 42ull;   /* white noise */
	static const enum fade_curve pairs[][2] = {     /* { out, in } */
		{ FADE_CURVE_LINEAR, FADE_CURVE_LINEAR },
		{ FADE_CURVE_S_CURVE, FADE_CURVE_S_CURVE },
		{ FADE_CURVE_EXP, FADE_CURVE_LOG },
		{ FADE_CURVE_LOG, FADE_CURVE_EXP },
	};

	for (int i = 0; i < LEN; i++)
		x[i] = (float)rand_signed(&s);
	for (int p = 0; p < 4; p++) {
		double maxerr = 0.0;

		crossfade(mix, x, x, LEN, pairs[p][0], pairs[p][1]);
		for (int i = 0; i < LEN; i++)
			if (fabs(mix[i] - x[i]) > maxerr)
				maxerr = fabs(mix[i] - x[i]);
		/* the original within float rounding (-126 dB) */
		CHECK(maxerr < 5e-7);
	}

	/* Equal-power on identical material bulges +3 dB in the middle. */
	for (int i = 0; i < LEN; i++)
		x[i] = 1.0f;
	crossfade(mix, x, x, LEN, FADE_CURVE_EQUAL_POWER,
	    FADE_CURVE_EQUAL_POWER);
	CHECK_NEAR(mix[LEN / 2], sqrt(2.0), 1e-3);
	CHECK(mix[0] == 1.0f && mix[LEN - 1] == 1.0f);
}

int
main(void)
{
	test_known_points();
	test_shapes_monotonic_and_ordered();
	test_block_fade_in();
	test_multichannel_and_degenerate();
	test_equal_power_uncorrelated();
	test_equal_gain_correlated();
	return test_report();
}
