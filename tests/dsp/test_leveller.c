/*
 * Leveller: phrases of a speech-like signal at many levels come out at the
 * target loudness (within a stated tolerance) with the gain right from
 * their first frames; the gain holds through gaps (the room tone between
 * two phrases at one level keeps its level); pure room tone is passed
 * bit for bit (no boost); a long phrase whose level drifts is followed;
 * limits and slew are kept, parameter changes glide; the reported latency
 * is the true delay (an impulse); linked channels; split invariance; bad
 * input; validation. All signals are made here.
 */
#include "test.h"

#include <stdint.h>

#include "dsp/dsp.h"
#include "dsp/leveller.h"
#include "dsp/loudness.h"
#include "dsp/signals.h"

#define SR 48000
#define MAXN (30 * SR)

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static double
lin(double db)
{
	return pow(10, db / 20);
}

/* Speech-like: a voiced harmonic tone (f0 120 Hz with 2.5 Hz vibrato,
 * harmonics to 4 kHz at 1/h) under a 4 Hz syllable envelope that dips to
 * 0.15, with 20 ms fades at both ends; level amp (linear gain), added to
 * x over [a, a + n). phase keeps the vibrato continuous. */
static void
add_speech(float *x, int a, int n, double amp_db)
{
	const double amp = lin(amp_db);
	double ph = 0;

	for (int i = 0; i < n; i++) {
		const double t = (double)i / SR;
		const double f0 = 120 + 20 * sin(2 * M_PI * 2.5 * t);
		const double s4 = sin(M_PI * 4 * t);
		double env = 0.15 + 0.85 * s4 * s4, v = 0;
		const int fade = SR / 50;

		if (i < fade)
			env *= (double)i / fade;
		if (n - i < fade)
			env *= (double)(n - i) / fade;
		ph += 2 * M_PI * f0 / SR;
		for (int h = 1; h * 160 < 4000; h++)
			v += sin(h * ph + h) / h;
		x[a + i] += (float)(amp * env * v * 0.5);
	}
}

/* White room noise at rms_db dBFS over [a, b). */
static void
add_room(float *x, int a, int b, double rms_db)
{
	const double amp = lin(rms_db) * sqrt(3.0);

	for (int i = a; i < b; i++)
		x[i] += (float)(amp * rand_signed(&rng_state));
}

/* Mean K-weighted loudness of x[a, b), LUFS (BS.1770 filters in double,
 * started at frame 0 so they are settled at a). */
static double
lufs(const float *x, int a, int b)
{
	double bb[2][3], aa[2][3], s[2][4] = { { 0 } }, e = 0;

	loudness_kweighting_design(SR, bb, aa);
	for (int i = 0; i < b; i++) {
		double v = x[i];

		for (int k = 0; k < 2; k++) {
			const double y = bb[k][0] * v + bb[k][1] * s[k][0] + bb[k][2] * s[k][1] -
			    aa[k][1] * s[k][2] - aa[k][2] * s[k][3];

			s[k][1] = s[k][0];
			s[k][0] = v;
			s[k][3] = s[k][2];
			s[k][2] = y;
			v = y;
		}
		if (i >= a)
			e += v * v;
	}
	return -0.691 + 10 * log10(e / (b - a) + 1e-30);
}

static double
rms_db(const float *x, int a, int b)
{
	return 10 * log10(mean_power(x + a, b - a) + 1e-30);
}

/* Runs l over x[0, n + latency) in calls of blk and shifts the output back
 * by the latency, so x[t] is the output for input frame t. x must have
 * latency frames of room after n (zeroed here). */
static void
run_aligned(struct leveller *l, float *x, int n, int blk)
{
	const int lat = leveller_latency(l);

	memset(x + n, 0, sizeof(float) * (size_t)lat);
	for (int i = 0; i < n + lat; i += blk) {
		float *b[1] = { x + i };

		leveller_process(l, b, n + lat - i < blk ? n + lat - i : blk);
	}
	memmove(x, x + lat, sizeof(float) * (size_t)n);
}

static void
test_params(void)
{
	struct leveller_params p, q;

	leveller_params_default(&p);
	CHECK(leveller_params_check(&p) == NULL);
	CHECK(leveller_params_check(NULL) != NULL);
	q = p; q.target_lufs = -51; CHECK(leveller_params_check(&q) != NULL);
	q = p; q.target_lufs = NAN; CHECK(leveller_params_check(&q) != NULL);
	q = p; q.max_boost_db = -1; CHECK(leveller_params_check(&q) != NULL);
	q = p; q.max_cut_db = 41; CHECK(leveller_params_check(&q) != NULL);
	q = p; q.slew_db_per_s = 0; CHECK(leveller_params_check(&q) != NULL);
	q = p; q.lookahead_ms = 5; CHECK(leveller_params_check(&q) != NULL);
	q = p; q.lookahead_ms = INFINITY; CHECK(leveller_params_check(&q) != NULL);
	q = p; q.gate_db = 2; CHECK(leveller_params_check(&q) != NULL);
	q = p; q.gap_ms = 10; CHECK(leveller_params_check(&q) != NULL);
	q = p; q.slew_db_per_s = 1000;
	CHECK(strstr(leveller_params_check(&q), "slew_db_per_s") != NULL);
	CHECK(leveller_create(0, SR, &p) == NULL);
	CHECK(leveller_create(DSP_MAX_CHANNELS + 1, SR, &p) == NULL);
	CHECK(leveller_create(1, 7999, &p) == NULL);
	CHECK(leveller_create(1, 192001, &p) == NULL);
	CHECK(leveller_create(1, SR, &q) == NULL);
	leveller_destroy(NULL);
}

/* The latency is the delay of an impulse (alone, it is no phrase: gain
 * 0 dB, the value comes out unchanged), for the default and the least
 * lookahead and at 44.1 kHz. */
static void
test_latency(void)
{
	static float x[3 * SR];
	const int rates[3] = { SR, SR, 44100 };
	const double la[3] = { 500, 10, 500 };
	const int want[3] = { 24000, 480, 22050 };

	for (int t = 0; t < 3; t++) {
		struct leveller_params p;
		struct leveller *l;
		int at = -1;

		leveller_params_default(&p);
		p.lookahead_ms = la[t];
		l = leveller_create(1, rates[t], &p);
		REQUIRE(l != NULL);
		CHECK_INT_EQ(leveller_latency(l), want[t]);
		memset(x, 0, sizeof x);
		x[1000] = 0.5f;
		for (int i = 0; i < 3 * SR; i += 64) {
			float *b[1] = { x + i };

			leveller_process(l, b, 64);
		}
		for (int i = 0; i < 3 * SR; i++)
			if (x[i] != 0.0f)
				at = at < 0 ? i : -2; /* -2: more than one non-zero */
		CHECK_INT_EQ(at, 1000 + want[t]);
		CHECK(x[1000 + want[t]] == 0.5f);
		leveller_destroy(l);
	}
}

/* Eight phrases at -35..-14 LUFS (0 dB of add_speech is about -11) over -60 dBFS room
 * tone (1.5 s of room first, 1.3 s phrases, 0.4 s gaps): each phrase comes
 * out at what the target and the limits ask, within 1 dB, measured over
 * the whole phrase (so a gain still moving at its start would show). Two
 * phrases at one level: the room tone between them keeps its level. */
static void
test_phrases(void)
{
	static float x[MAXN], in[MAXN];
	const double lev[8] = { -24, -6, -15, -15, -3, -30, -9, -21 };
	const int lead = 3 * SR / 2, len = 13 * SR / 10, gap = 2 * SR / 5;
	const int n = lead + 8 * (len + gap);
	struct leveller_params p;
	struct leveller *l;
	double worst = 0, spread_lo = 1e9, spread_hi = -1e9;

	leveller_params_default(&p);
	l = leveller_create(1, SR, &p);
	REQUIRE(l != NULL);
	memset(x, 0, sizeof x);
	add_room(x, 0, n, -60);
	for (int k = 0; k < 8; k++)
		add_speech(x, lead + k * (len + gap), len, lev[k]);
	memcpy(in, x, sizeof(float) * (size_t)n);
	run_aligned(l, x, n, 512);
	for (int k = 0; k < 8; k++) {
		const int a = lead + k * (len + gap), b = a + len;
		const double li = lufs(in, a, b), lo = lufs(x, a, b);
		double want = p.target_lufs;

		if (want - li > p.max_boost_db)
			want = li + p.max_boost_db;
		if (li - want > p.max_cut_db)
			want = li - p.max_cut_db;
		printf("phrase %d: in %.2f LUFS, out %.2f, want %.2f\n", k, li, lo, want);
		worst = fmax(worst, fabs(lo - want));
		if (want == p.target_lufs) {
			spread_lo = fmin(spread_lo, lo);
			spread_hi = fmax(spread_hi, lo);
		}
	}
	CHECK(worst < 1.0);
	CHECK(spread_hi - spread_lo < 1.0);
	/* the gap between phrases 2 and 3 (same level): room tone kept at the
	 * phrases' gain, within 0.5 dB; and the first 1 s of the lead-in, before
	 * anything is known, is untouched */
	{
		const int a = lead + 3 * (len + gap) - gap + SR / 20, b = a + gap - SR / 10;
		const double g_room = rms_db(x, a, b) - rms_db(in, a, b);
		const double g_phr = lufs(x, a - len, a - SR / 20) - lufs(in, a - len, a - SR / 20);

		printf("gap room gain %.2f dB, phrase gain %.2f dB\n", g_room, g_phr);
		CHECK(fabs(g_room - g_phr) < 0.5);
		CHECK(same_bits(x, in, SR));
	}
	leveller_destroy(l);
}

/* Room tone alone (white noise at -50 dBFS with a hum, and a noise floor
 * that steps up by 20 dB halfway, much more than gate_db): never a phrase, so the output is the input,
 * delayed, bit for bit: the room is not boosted. */
static void
test_room_only(void)
{
	static float x[MAXN], in[MAXN];
	const int n = 12 * SR;
	struct leveller_params p;
	struct leveller *l;

	leveller_params_default(&p);
	l = leveller_create(1, SR, &p);
	REQUIRE(l != NULL);
	memset(x, 0, sizeof x);
	add_room(x, 0, n / 2, -50);
	add_room(x, n / 2, n, -30);
	for (int i = 0; i < n; i++)
		x[i] += (float)(0.003 * sin(2 * M_PI * 50.0 * i / SR));
	memcpy(in, x, sizeof(float) * (size_t)n);
	run_aligned(l, x, n, 480);
	CHECK(same_bits(x, in, n));
	CHECK(leveller_gain_db(l) == 0.0f);
	leveller_destroy(l);
}

/* One 20 s phrase whose level rises by 20 dB: the output follows the
 * target within 3.5 dB (the phrase memory of 3 s lags a steady 1 dB/s rise
 * by about that much), with the input's 20 dB swing reduced to under 4. */
static void
test_drift(void)
{
	static float x[MAXN], in[MAXN];
	const int lead = SR, n = 22 * SR, seg = SR / 2;
	struct leveller_params p;
	struct leveller *l;
	double lo = 1e9, hi = -1e9;

	leveller_params_default(&p);
	l = leveller_create(1, SR, &p);
	REQUIRE(l != NULL);
	memset(x, 0, sizeof x);
	add_room(x, 0, n, -65);
	/* 40 half-second pieces, 0.5 dB apart, phase-continuous enough: the
	 * speech generator restarts each piece, with its 20 ms fades */
	for (int k = 0; k < 40; k++)
		add_speech(x, lead + k * seg, seg, -24 + 0.5 * k);
	memcpy(in, x, sizeof(float) * (size_t)n);
	run_aligned(l, x, n, 256);
	for (int k = 6; k < 40; k++) {
		const double o = lufs(x, lead + k * seg, lead + (k + 1) * seg);

		lo = fmin(lo, o);
		hi = fmax(hi, o);
	}
	printf("drift: output %.2f..%.2f LUFS (input %.2f..%.2f)\n", lo, hi,
	    lufs(in, lead + 6 * seg, lead + 7 * seg), lufs(in, lead + 39 * seg, lead + 40 * seg));
	CHECK(lo > p.target_lufs - 3.5 && hi < p.target_lufs + 3.5);
	CHECK(hi - lo < 4.0);
	leveller_destroy(l);
}

/* Limits, slew and a glide: a very quiet phrase gets max_boost_db and no
 * more; the gain never moves faster than slew_db_per_s; a target raised by
 * 6 dB mid-phrase is reached, gliding. */
static void
test_limits_slew(void)
{
	static float x[MAXN];
	const int n = 10 * SR;
	struct leveller_params p;
	struct leveller *l;
	float prev = 0, worst_step = 0, at5 = 0;

	leveller_params_default(&p);
	l = leveller_create(1, SR, &p);
	REQUIRE(l != NULL);
	memset(x, 0, sizeof x);
	add_room(x, 0, n, -80);
	add_speech(x, SR, 3 * SR, -55);
	add_speech(x, 4 * SR + SR / 2, 5 * SR, -15);
	for (int i = 0; i < n; i += 480) {
		float *b[1] = { x + i }, g;

		if (i == 7 * SR) {
			p.target_lufs += 6;
			leveller_set_params(l, &p);
		}
		leveller_process(l, b, 480);
		g = leveller_gain_db(l);
		worst_step = fmaxf(worst_step, fabsf(g - prev));
		prev = g;
		CHECK(g <= p.max_boost_db && g >= -p.max_cut_db);
		if (i == 3 * SR)
			CHECK(g == (float)p.max_boost_db);
		if (i == 7 * SR - 480)
			at5 = g;
	}
	printf("slew: worst step %.3f dB per 10 ms block; gain %.2f -> %.2f after +6 dB target\n",
	    worst_step, at5, prev);
	CHECK(worst_step <= 0.4f + 1e-4f);
	CHECK(fabs(prev - at5 - 6) < 0.5);
	leveller_destroy(l);
}

/* The same stream cut into calls of 1, 64, 4096 and random lengths gives
 * the same bits (stereo, phrases, a NaN); linked: channel 1 at exactly
 * half of channel 0 stays exactly half. */
static void
test_split_linked(void)
{
	static float in[2][8 * SR], ref[2][8 * SR], x[2][8 * SR];
	const int n = 8 * SR;
	struct leveller_params p;
	struct leveller *l;
	uint64_t rng = 7;

	leveller_params_default(&p);
	l = leveller_create(2, SR, &p);
	REQUIRE(l != NULL);
	memset(in, 0, sizeof in);
	add_room(in[0], 0, n, -60);
	add_speech(in[0], SR / 2, 2 * SR, -20);
	add_speech(in[0], 3 * SR, 3 * SR, -35);
	for (int i = 0; i < n; i++)
		in[1][i] = in[0][i] * 0.5f;
	for (int m = 0; m < 5; m++) {
		const int sizes[3] = { 1, 64, 4096 };
		int i = 0;

		memcpy(x, in, sizeof x);
		leveller_reset(l);
		while (i < n) {
			int k = m < 3 ? sizes[m] : split_next(&rng, m == 3 ? SPLIT_LOG : SPLIT_SMALL, n - i);
			float *b[2];

			if (k > n - i)
				k = n - i;
			b[0] = x[0] + i;
			b[1] = x[1] + i;
			leveller_process(l, b, k);
			i += k;
		}
		if (m == 0) {
			int off = 0;

			memcpy(ref, x, sizeof x);
			for (int j = 0; j < n; j++)
				off += x[1][j] != x[0][j] * 0.5f;
			CHECK_INT_EQ(off, 0);
			CHECK(rms_db(x[0], 3 * SR + leveller_latency(l), 6 * SR) >
			    rms_db(in[0], 3 * SR, 6 * SR - leveller_latency(l)) + 5);
			continue;
		}
		CHECK_INT_EQ(first_difference(ref[0], x[0], n), -1);
		CHECK_INT_EQ(first_difference(ref[1], x[1], n), -1);
	}
	leveller_destroy(l);
}

/* NaN, inf, huge values and a full-scale clipping square, then a phrase
 * and silence: the output is always finite and never subnormal, silence
 * gives exact zeros, and the phrase after the damage is still levelled. */
static void
test_bad_input(void)
{
	static float x[MAXN];
	const int n = 12 * SR;
	struct leveller_params p;
	struct leveller *l;
	int bad = 0, sub = 0, nz = 0;
	double lo;

	leveller_params_default(&p);
	l = leveller_create(1, SR, &p);
	REQUIRE(l != NULL);
	memset(x, 0, sizeof x);
	for (int i = 0; i < 2 * SR; i++)
		x[i] = (i / 40) % 2 ? 1.0f : -1.0f;
	for (int i = 1000; i < 1100; i++)
		x[i] = i % 3 == 0 ? NAN : i % 3 == 1 ? INFINITY : -INFINITY;
	x[50000] = 3e38f;
	add_speech(x, 3 * SR, 3 * SR, -15);
	run_aligned(l, x, n, 333);
	for (int i = 0; i < n; i++) {
		bad += !isfinite(x[i]);
		sub += fpclassify(x[i]) == FP_SUBNORMAL;
		nz += i > 7 * SR && x[i] != 0.0f;
	}
	CHECK_INT_EQ(bad, 0);
	CHECK_INT_EQ(sub, 0);
	CHECK_INT_EQ(nz, 0);
	lo = lufs(x, 4 * SR, 6 * SR);
	printf("after bad input: phrase at %.2f LUFS\n", lo);
	CHECK(fabs(lo - p.target_lufs) < 1.5);
	/* silence from reset: exact zeros */
	memset(x, 0, sizeof x);
	leveller_reset(l);
	run_aligned(l, x, n, 64);
	nz = 0;
	for (int i = 0; i < n; i++)
		nz += x[i] != 0.0f;
	CHECK_INT_EQ(nz, 0);
	leveller_destroy(l);
}

int
main(void)
{
	test_params();
	test_latency();
	test_phrases();
	test_room_only();
	test_drift();
	test_limits_slew();
	test_split_linked();
	test_bad_input();
	return test_report();
}
