/*
 * De-esser: a sibilant-like burst of high-band noise over a voiced tone is
 * reduced by what the curve says, the voiced part below the split is left
 * alone, a voiced tone alone (quiet or loud) and a pure tone pass
 * untouched (bit for bit: idle is exact bypass), latency 0, linked
 * channels, split invariance, bad input (NaN, inf, clipping squares),
 * silence and denormals, validation. All signals are made here.
 */
#include "test.h"

#include <stdint.h>

#include "dsp/biquad.h"
#include "dsp/deess.h"
#include "dsp/dsp.h"
#include "dsp/signals.h"

#define SR 48000
#define N (2 * SR)

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static double
lin(double db)
{
	return pow(10, db / 20);
}

/* A 20 ms raised-cosine fade-in: a step from silence is broadband, which
 * the de-esser rightly treats as sibilance for a few ms. */
static double
fade_in(int i)
{
	return i >= SR / 50 ? 1.0 : 0.5 - 0.5 * cos(M_PI * i / (SR / 50));
}

/* A voiced tone: f0 plus harmonics to 4 kHz, amplitude 1/k, peak-ish at
 * amp (linear). */
static void
voiced(float *x, int n, double f0, double amp)
{
	for (int i = 0; i < n; i++) {
		double v = 0;

		for (int h = 1; h * f0 < 4000; h++)
			v += sin(2 * M_PI * f0 * h * i / SR + h) / h;
		x[i] = (float)(amp * v / 2.0 * fade_in(i));
	}
}

/* White noise high-passed at 7 kHz (4th order), rms about rms_db dBFS,
 * added to x over [a, b). */
static void
add_hiss(float *x, int a, int b, double rms_db)
{
	struct biquad_design d;
	struct biquad_coefs c;
	struct biquad_state s[2];
	static float tmp[N];
	double p;

	biquad_reset(&s[0]);
	biquad_reset(&s[1]);
	for (int i = a; i < b; i++)
		tmp[i] = (float)rand_signed(&rng_state);
	for (int k = 0; k < 2; k++) {
		biquad_design(BIQUAD_HIGHPASS, 7000, k ? 1.3066 : 0.5412, 0, SR, &d);
		biquad_coefs_from_design(&d, &c);
		biquad_process(&c, &s[k], tmp + a, b - a);
	}
	p = mean_power(tmp + a, b - a);
	for (int i = a; i < b; i++)
		x[i] += (float)(tmp[i] * lin(rms_db) / sqrt(p));
}

/* Power above 8 kHz of x[a, b) (4th-order high-pass, settled before a). */
static double
hf_power_db(const float *x, int a, int b)
{
	struct biquad_design d;
	struct biquad_coefs c;
	struct biquad_state s[2];
	static float tmp[N];

	memcpy(tmp, x, sizeof(float) * (size_t)b);
	biquad_reset(&s[0]);
	biquad_reset(&s[1]);
	for (int k = 0; k < 2; k++) {
		biquad_design(BIQUAD_HIGHPASS, 8000, k ? 1.3066 : 0.5412, 0, SR, &d);
		biquad_coefs_from_design(&d, &c);
		biquad_process(&c, &s[k], tmp, b);
	}
	return 10 * log10(mean_power(tmp + a, b - a) + 1e-30);
}

static void
run(struct deess *k, float *x, int n, int blk)
{
	for (int i = 0; i < n; i += blk) {
		float *b[1] = { x + i };

		deess_process(k, b, n - i < blk ? n - i : blk);
	}
}

static void
test_params(void)
{
	struct deess_params p, q;

	deess_params_default(&p);
	CHECK(deess_params_check(&p) == NULL);
	CHECK(deess_params_check(NULL) != NULL);
	q = p; q.freq_hz = 1999; CHECK(deess_params_check(&q) != NULL);
	q = p; q.freq_hz = NAN; CHECK(deess_params_check(&q) != NULL);
	q = p; q.threshold_db = 21; CHECK(deess_params_check(&q) != NULL);
	q = p; q.ratio = 0.5; CHECK(deess_params_check(&q) != NULL);
	q = p; q.range_db = -1; CHECK(deess_params_check(&q) != NULL);
	q = p; q.range_db = INFINITY; CHECK(deess_params_check(&q) != NULL);
	q = p; q.attack_ms = -1; CHECK(deess_params_check(&q) != NULL);
	q = p; q.release_ms = 0; CHECK(deess_params_check(&q) != NULL);
	q = p; q.floor_db = 1; CHECK(deess_params_check(&q) != NULL);
	q = p; q.ratio = 1000; CHECK(deess_params_check(&q) == NULL);
	CHECK(strstr(deess_params_check(&(struct deess_params){ .freq_hz = 1 }), "freq_hz") != NULL);
	CHECK(deess_create(0, SR, &p) == NULL);
	CHECK(deess_create(DSP_MAX_CHANNELS + 1, SR, &p) == NULL);
	CHECK(deess_create(1, 7999, &p) == NULL);
	CHECK(deess_create(1, 192001, &p) == NULL);
	q = p; q.ratio = NAN;
	CHECK(deess_create(1, SR, &q) == NULL);
	deess_destroy(NULL);
}

/* Voiced tones alone, quiet or loud, and a pure 1 kHz tone: no reduction,
 * output bit for bit the input, which also shows the latency is 0. */
static void
test_untouched(void)
{
	static float x[N], y[N];
	const double amps[3] = { -40, -20, -1 };
	struct deess_params p;
	struct deess *k;

	deess_params_default(&p);
	k = deess_create(1, SR, &p);
	REQUIRE(k != NULL);
	CHECK_INT_EQ(deess_latency(k), 0);
	for (int a = 0; a < 3; a++) {
		voiced(x, N, 140, lin(amps[a]));
		memcpy(y, x, sizeof x);
		deess_reset(k);
		run(k, y, N, 512);
		CHECK(same_bits(x, y, N));
		CHECK(deess_gain_db(k) == 0.0f);
	}
	for (int i = 0; i < N; i++)
		x[i] = (float)(0.5 * sin(2 * M_PI * 1000.0 * i / SR) * fade_in(i));
	memcpy(y, x, sizeof x);
	deess_reset(k);
	run(k, y, N, 64);
	CHECK(same_bits(x, y, N));
	deess_destroy(k);
}

/* Hiss bursts over a voiced tone: the band above the split drops by what
 * the curve gives for the burst's relative level; below, the voice's
 * harmonics keep their amplitude; after the burst the de-esser recovers. */
static void
test_reduction(void)
{
	static float x[N], y[N];
	const int a = SR / 2, b = SR, m0 = a + SR / 10; /* measure after 100 ms */
	const double w1 = 2 * M_PI * 140.0 / SR, w7 = 2 * M_PI * 980.0 / SR;
	/* the voice's power: sum over harmonics of (0.05/h)^2 / 2, -26.9 dBFS.
	 * Hiss at -30 dBFS rms: rel = -3.1 dB -> (-3.1 + 8) * 0.75 = 3.7 dB of
	 * reduction; hiss at -15: rel = +11.9 -> 14.9, limited to range 12 */
	const double hiss_db[2] = { -30, -15 }, want[2] = { 3.7, 12.0 }, tol[2] = { 0.7, 0.7 };
	struct deess_params p;
	struct deess *k;

	deess_params_default(&p);
	k = deess_create(1, SR, &p);
	REQUIRE(k != NULL);
	for (int t = 0; t < 2; t++) {
		double red, h1, h7;

		voiced(x, N, 140, 0.1);
		add_hiss(x, a, b, hiss_db[t]);
		memcpy(y, x, sizeof x);
		deess_reset(k);
		run(k, y, N, 256);
		red = hf_power_db(x, m0, b) - hf_power_db(y, m0, b);
		printf("hiss %.0f dBFS: high band down %.2f dB (want %.1f)\n", hiss_db[t], red, want[t]);
		CHECK_NEAR(red, want[t], tol[t]);
		/* the voice's 140 Hz and 980 Hz harmonics during the burst */
		h1 = 20 * log10(fit_amplitude(y + m0, b - m0, w1, m0) / fit_amplitude(x + m0, b - m0, w1, m0));
		h7 = 20 * log10(fit_amplitude(y + m0, b - m0, w7, m0) / fit_amplitude(x + m0, b - m0, w7, m0));
		CHECK(fabs(h1) < 0.05);
		CHECK(fabs(h7) < 0.1);
		/* recovered (release 60 ms): 0.5 s after the burst the gain is
		 * back within 1e-3 dB, and once spent the output is the input again */
		CHECK(fabs(deess_gain_db(k)) < 1e-3);
		memcpy(y, x, sizeof x);
		run(k, y, N, 256);
		CHECK(same_bits(x + SR / 4, y + SR / 4, a - SR / 4));
	}
	deess_destroy(k);
}

/* The same stream cut into calls of 1, 64, 4096 and random lengths gives
 * the same bits (stereo, bursts, a NaN). */
static void
test_split(void)
{
	static float in[2][N], ref[2][N], x[2][N];
	struct deess_params p;
	struct deess *k;
	uint64_t rng = 42;

	deess_params_default(&p);
	k = deess_create(2, SR, &p);
	REQUIRE(k != NULL);
	voiced(in[0], N, 120, 0.2);
	voiced(in[1], N, 180, 0.1);
	add_hiss(in[0], SR / 4, SR / 2, -15);
	add_hiss(in[1], SR, SR + SR / 3, -25);
	in[1][SR + 100] = NAN;
	for (int m = 0; m < 5; m++) {
		const int sizes[3] = { 1, 64, 4096 };
		float *b[2];
		int i = 0;

		memcpy(x, in, sizeof x);
		deess_reset(k);
		while (i < N) {
			int n = m < 3 ? sizes[m] : split_next(&rng, m == 3 ? SPLIT_LOG : SPLIT_SMALL, N - i);

			if (n > N - i)
				n = N - i;
			b[0] = x[0] + i;
			b[1] = x[1] + i;
			deess_process(k, b, n);
			i += n;
		}
		if (m == 0) {
			memcpy(ref, x, sizeof x);
			continue;
		}
		CHECK_INT_EQ(first_difference(ref[0], x[0], N), -1);
		CHECK_INT_EQ(first_difference(ref[1], x[1], N), -1);
	}
	deess_destroy(k);
}

/* NaN, inf, a clipping full-scale square with hiss, then silence: the
 * output is always finite, never subnormal, and silence comes out as
 * exact zeros. The state is clean afterwards: a voiced tone passes
 * untouched again. */
static void
test_bad_input(void)
{
	static float x[N], y[N];
	struct deess_params p;
	struct deess *k;
	int bad = 0, sub = 0, nonzero_tail = 0;

	deess_params_default(&p);
	k = deess_create(1, SR, &p);
	REQUIRE(k != NULL);
	memset(x, 0, sizeof x);
	for (int i = 0; i < SR / 2; i++)
		x[i] = (i / 40) % 2 ? 1.0f : -1.0f; /* 600 Hz full-scale square */
	add_hiss(x, SR / 8, SR / 4, -3);
	for (int i = 1000; i < 1100; i++)
		x[i] = i % 3 == 0 ? NAN : i % 3 == 1 ? INFINITY : -INFINITY;
	x[5000] = 3e38f;
	run(k, x, N, 300);
	for (int i = 0; i < N; i++) {
		bad += !isfinite(x[i]);
		sub += fpclassify(x[i]) == FP_SUBNORMAL;
		nonzero_tail += i > N - SR / 2 && x[i] != 0.0f;
	}
	CHECK_INT_EQ(bad, 0);
	CHECK_INT_EQ(sub, 0);
	CHECK_INT_EQ(nonzero_tail, 0);
	voiced(x, N, 140, 0.3);
	memcpy(y, x, sizeof x);
	run(k, y, N, 512);
	CHECK(same_bits(x, y, N));
	/* silence from reset: exact zeros */
	memset(x, 0, sizeof x);
	deess_reset(k);
	run(k, x, N, 64);
	for (int i = 0; i < N; i++)
		nonzero_tail += x[i] != 0.0f;
	CHECK_INT_EQ(nonzero_tail, 0);
	deess_destroy(k);
}

/* Linked: a burst on channel 0 turns down a quiet 9 kHz tone on channel 1
 * too (one gain for both), which is untouched before the burst; identical
 * channels come out identical. */
static void
test_linked(void)
{
	static float x[2][N], in1[N];
	float *b[2] = { x[0], x[1] };
	const double w9 = 2 * M_PI * 9000.0 / SR;
	const int a = SR / 2, e = SR, m0 = a + SR / 10;
	struct deess_params p;
	struct deess *k;
	double before, during;

	deess_params_default(&p);
	k = deess_create(2, SR, &p);
	REQUIRE(k != NULL);
	voiced(x[0], N, 150, 0.2);
	add_hiss(x[0], a, e, -15);
	voiced(x[1], N, 150, 0.2);
	for (int i = 0; i < N; i++)
		x[1][i] += (float)(0.01 * sin(w9 * i) * fade_in(i));
	memcpy(in1, x[1], sizeof in1);
	deess_process(k, b, N);
	before = fit_amplitude(x[1] + a - SR / 4, SR / 4, w9, a - SR / 4) /
	    fit_amplitude(in1 + a - SR / 4, SR / 4, w9, a - SR / 4);
	during = fit_amplitude(x[1] + m0, e - m0, w9, m0) / fit_amplitude(in1 + m0, e - m0, w9, m0);
	printf("linked: channel 1's 9 kHz tone %.2f dB before, %.2f dB during the burst\n",
	    20 * log10(before), 20 * log10(during));
	CHECK(before == 1.0);
	CHECK(20 * log10(during) < -6);

	voiced(x[0], N, 150, 0.2);
	add_hiss(x[0], a, e, -15);
	memcpy(x[1], x[0], sizeof x[0]);
	deess_reset(k);
	deess_process(k, b, N);
	CHECK(same_bits(x[0], x[1], N));
	deess_destroy(k);
}

int
main(void)
{
	test_params();
	test_untouched();
	test_reduction();
	test_split();
	test_bad_input();
	test_linked();
	return test_report();
}
