/*
 * Biquad designs and the float kernel: measured frequency response against
 * the analytic response of the design and against textbook targets,
 * low-frequency accuracy at 192 kHz, stability, denormal flushing,
 * coefficient ramps, bit-identical output however a stream (with ramps)
 * is split into calls, and parameter validation. All signals are made here.
 */
#include "test.h"

#include <float.h>
#include <stdint.h>

#include "dsp/biquad.h"
#include "dsp/dsp.h"
#include "dsp/signals.h"

#define BLOCK 256

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

/* Uniform in [-1, 1), deterministic. */
static double
rnd(void)
{
	return rand_signed(&rng_state);
}

/* Steady-state gain in dB of c at freq_hz: a 0.5 amplitude sine through a
 * fresh state, in BLOCK-frame calls, settle_s seconds then 0.25 s measured. */
static double
measure_db(const struct biquad_coefs *c, double freq_hz, double sr, double settle_s)
{
	const int settle = (int)(settle_s * sr), meas = (int)(0.25 * sr), n = settle + meas;
	const double w = 2.0 * M_PI * freq_hz / sr;
	float *buf = malloc(sizeof *buf * (size_t)n);
	struct biquad_state st;
	double amp;
	int i;

	biquad_reset(&st);
	for (i = 0; i < n; i++)
		buf[i] = (float)(0.5 * sin(w * i));
	for (i = 0; i < n; i += BLOCK)
		biquad_process(c, &st, buf + i, n - i < BLOCK ? n - i : BLOCK);
	amp = fit_amplitude(buf + settle, meas, w, settle);
	free(buf);
	return 20.0 * log10(amp / 0.5);
}

static int
make(enum biquad_type t, double f, double q, double g, double sr, struct biquad_design *d,
    struct biquad_coefs *c)
{
	int rc = biquad_design(t, f, q, g, sr, d);

	if (rc == 0)
		rc = biquad_coefs_from_design(d, c);
	return rc;
}

/* Textbook targets. */
static void
test_targets(void)
{
	struct biquad_design d;
	struct biquad_coefs c;

	/* A 1 kHz bell +6 dB gives +6.00 dB at 1 kHz. */
	REQUIRE(make(BIQUAD_BELL, 1000, 1.0, 6.0, 48000, &d, &c) == 0);
	CHECK_NEAR(biquad_design_magnitude_db(&d, 1000, 48000), 6.0, 1e-9);
	CHECK_NEAR(measure_db(&c, 1000, 48000, 0.2), 6.0, 0.005);
	CHECK_NEAR(measure_db(&c, 20, 48000, 0.5), 0.0, 0.01);
	CHECK_NEAR(measure_db(&c, 20000, 48000, 0.2), 0.0, 0.05);

	/* A cut of the same depth and q undoes it exactly (cookbook property). */
	{
		struct biquad_design d2;
		struct biquad_coefs c2;
		const double sr = 48000, freqs[] = { 50, 700, 1000, 1400, 9000 };
		unsigned k;

		REQUIRE(make(BIQUAD_BELL, 1000, 1.0, -6.0, sr, &d2, &c2) == 0);
		for (k = 0; k < sizeof freqs / sizeof freqs[0]; k++)
			CHECK_NEAR(biquad_design_magnitude_db(&d, freqs[k], sr) +
			    biquad_design_magnitude_db(&d2, freqs[k], sr), 0.0, 1e-9);
	}

	/* LPF and HPF with q = 1/sqrt(2): -3.01 dB at the cutoff. */
	REQUIRE(make(BIQUAD_LOWPASS, 2000, M_SQRT1_2, 0, 48000, &d, &c) == 0);
	CHECK_NEAR(biquad_design_magnitude_db(&d, 2000, 48000), -3.0103, 1e-4);
	CHECK_NEAR(measure_db(&c, 2000, 48000, 0.2), -3.0103, 0.005);
	CHECK_NEAR(measure_db(&c, 100, 48000, 0.2), 0.0, 0.005);
	/* 12 dB/oct: two octaves above is about -24 dB (bilinear: a bit more). */
	CHECK(measure_db(&c, 8000, 48000, 0.2) < -24.0);
	REQUIRE(make(BIQUAD_HIGHPASS, 2000, M_SQRT1_2, 0, 48000, &d, &c) == 0);
	CHECK_NEAR(measure_db(&c, 2000, 48000, 0.2), -3.0103, 0.005);
	CHECK_NEAR(measure_db(&c, 20000, 48000, 0.2), 0.0, 0.01);

	/* Shelves reach their gain far away and are at half gain at freq_hz. */
	REQUIRE(make(BIQUAD_LOWSHELF, 200, M_SQRT1_2, 9.0, 48000, &d, &c) == 0);
	CHECK_NEAR(biquad_design_magnitude_db(&d, 200, 48000), 4.5, 1e-9);
	CHECK_NEAR(measure_db(&c, 200, 48000, 0.3), 4.5, 0.005);
	CHECK_NEAR(measure_db(&c, 10, 48000, 1.0), 9.0, 0.05);
	CHECK_NEAR(measure_db(&c, 10000, 48000, 0.2), 0.0, 0.01);
	REQUIRE(make(BIQUAD_HIGHSHELF, 4000, M_SQRT1_2, -12.0, 48000, &d, &c) == 0);
	CHECK_NEAR(measure_db(&c, 4000, 48000, 0.2), -6.0, 0.005);
	CHECK_NEAR(measure_db(&c, 23000, 48000, 0.2), -12.0, 0.1);
	CHECK_NEAR(measure_db(&c, 100, 48000, 0.2), 0.0, 0.01);
	/* Slope S = 1 is q = 1/sqrt(2) at any gain. */
	CHECK_NEAR(biquad_shelf_slope_to_q(12.0, 1.0), M_SQRT1_2, 1e-12);
	CHECK_NEAR(biquad_shelf_slope_to_q(-3.0, 1.0), M_SQRT1_2, 1e-12);
	CHECK(biquad_shelf_slope_to_q(6.0, 0.5) < M_SQRT1_2);
	CHECK(isnan(biquad_shelf_slope_to_q(6.0, 0.0)));

	/* Notch removes its centre, allpass is flat, bandpass peaks at 0 dB. */
	REQUIRE(make(BIQUAD_NOTCH, 1000, 2.0, 0, 48000, &d, &c) == 0);
	CHECK(biquad_design_magnitude_db(&d, 1000, 48000) < -200.0);
	CHECK(measure_db(&c, 1000, 48000, 0.2) < -80.0);
	REQUIRE(make(BIQUAD_ALLPASS, 1000, 2.0, 0, 48000, &d, &c) == 0);
	CHECK_NEAR(measure_db(&c, 300, 48000, 0.2), 0.0, 0.005);
	CHECK_NEAR(measure_db(&c, 1000, 48000, 0.2), 0.0, 0.005);
	REQUIRE(make(BIQUAD_BANDPASS, 1000, 2.0, 0, 48000, &d, &c) == 0);
	CHECK_NEAR(measure_db(&c, 1000, 48000, 0.2), 0.0, 0.005);
}

/* Every type over a grid of frequencies and rates: measured == analytic. */
static void
test_measured_matches_analytic(void)
{
	static const enum biquad_type types[] = { BIQUAD_LOWPASS, BIQUAD_HIGHPASS,
	    BIQUAD_BANDPASS, BIQUAD_NOTCH, BIQUAD_ALLPASS, BIQUAD_BELL, BIQUAD_LOWSHELF,
	    BIQUAD_HIGHSHELF };
	static const double rates[] = { 44100, 48000, 96000, 192000 };
	static const double fc[] = { 30, 1000, 12000 };
	static const double probe[] = { 25, 100, 1000, 5000, 15000 };
	double worst = 0;
	unsigned t, r, f, p;
	int bad = 0;

	for (t = 0; t < sizeof types / sizeof types[0]; t++)
	for (r = 0; r < sizeof rates / sizeof rates[0]; r++)
	for (f = 0; f < sizeof fc / sizeof fc[0]; f++) {
		struct biquad_design d;
		struct biquad_coefs c;

		if (make(types[t], fc[f], 1.3, -7.5, rates[r], &d, &c) != 0) {
			bad++;
			continue;
		}
		for (p = 0; p < sizeof probe / sizeof probe[0]; p++) {
			double want = biquad_design_magnitude_db(&d, probe[p], rates[r]);
			double got, err;

			if (want < -60.0)
				continue; /* below the measurement's resolution */
			got = measure_db(&c, probe[p], rates[r], 0.5);
			err = fabs(got - want);
			if (err > worst)
				worst = err;
			if (err > 0.005)
				fprintf(stderr, "type %u sr %g fc %g at %g Hz: %.5f vs %.5f dB\n",
				    t, rates[r], fc[f], probe[p], got, want);
		}
	}
	CHECK_INT_EQ(bad, 0);
	CHECK(worst < 0.005);
	printf("measured vs analytic: worst %.2g dB\n", worst);
}

/* The reason for the state-variable structure: a 20 Hz HPF (and LPF) at
 * 192 kHz, where float direct forms are off by -50 dB or worse. */
static void
test_low_frequency_192k(void)
{
	const double sr = 192000;
	struct biquad_design d;
	struct biquad_coefs c;
	struct biquad_state st;
	const int n = (int)(2 * sr);
	float *x = malloc(sizeof *x * (size_t)n), *y = malloc(sizeof *y * (size_t)n);
	double x1 = 0, x2 = 0, y1 = 0, y2 = 0, e = 0, pw = 0;
	int i;

	REQUIRE(x != NULL && y != NULL);
	REQUIRE(make(BIQUAD_HIGHPASS, 20, M_SQRT1_2, 0, sr, &d, &c) == 0);
	CHECK_NEAR(measure_db(&c, 20, sr, 1.0), -3.0103, 0.005);
	CHECK_NEAR(measure_db(&c, 10, sr, 1.0), biquad_design_magnitude_db(&d, 10, sr), 0.005);
	CHECK_NEAR(measure_db(&c, 1000, sr, 0.2), 0.0, 0.005);

	/* Against a double-precision direct-form run of the same design, on
	 * noise plus a 25 Hz tone: error at least 80 dB down. */
	for (i = 0; i < n; i++)
		x[i] = (float)(0.3 * rnd() + 0.5 * sin(2 * M_PI * 25 * i / sr));
	biquad_reset(&st);
	for (i = 0; i < n; i += BLOCK)
		biquad_process_to(&c, &st, x + i, y + i, n - i < BLOCK ? n - i : BLOCK);
	for (i = 0; i < n; i++) {
		double yd = d.b0 * x[i] + d.b1 * x1 + d.b2 * x2 - d.a1 * y1 - d.a2 * y2;

		x2 = x1;
		x1 = x[i];
		y2 = y1;
		y1 = yd;
		if (i >= n / 4) {
			e += (y[i] - yd) * (y[i] - yd);
			pw += yd * yd;
		}
	}
	printf("HPF 20 Hz at 192 kHz: error vs double %.1f dB\n", 10 * log10(e / pw));
	CHECK(10 * log10(e / pw) < -80.0);

	/* A 20 Hz LPF at 192 kHz passes DC at unity (float direct forms get
	 * the DC gain wrong from coefficient rounding alone). */
	REQUIRE(make(BIQUAD_LOWPASS, 20, M_SQRT1_2, 0, sr, &d, &c) == 0);
	for (i = 0; i < n; i++)
		x[i] = 0.5f;
	biquad_reset(&st);
	biquad_process(&c, &st, x, n);
	CHECK_NEAR(x[n - 1], 0.5, 1e-5);
	CHECK_NEAR(measure_db(&c, 20, sr, 1.0), -3.0103, 0.005);
	free(x);
	free(y);
}

/* Jury conditions for the state matrix of a float coefficient set. */
static bool
frozen_stable(double d1, double c2, double c3)
{
	double tr = 2 - 2 * d1 - 2 * c3, det = (1 - 2 * d1) * (1 - 2 * c3) + 4 * c2 * c2;

	return det < 1 && 1 + det - tr > 0 && 1 + det + tr > 0;
}

/* Largest pole radius of a design, from its double coefficients. */
static double
pole_radius(const struct biquad_design *d)
{
	double disc = d->a1 * d->a1 - 4 * d->a2;

	if (disc < 0)
		return sqrt(d->a2);
	return (fabs(d->a1) + sqrt(disc)) / 2;
}

/* Every design across the parameter space, including extreme q and
 * frequencies near 0 and Nyquist: the float coefficient set is stable
 * (Jury), the impulse response never grows, and it dies away within
 * 240000 frames wherever the design's own poles say it should (a q = 100 bell at 1 Hz
 * boosted 48 dB legitimately rings for minutes). */
static void
test_stability(void)
{
	static const double rates[] = { 48000, 192000 };
	static const double fr[] = { 1, 20, 200, 2000, 20000, 0.49 };
	static const double qs[] = { BIQUAD_Q_MIN, 0.5, M_SQRT1_2, 10, BIQUAD_Q_MAX };
	static const double gains[] = { -BIQUAD_GAIN_DB_MAX, 0, BIQUAD_GAIN_DB_MAX };
	int t, designs = 0, jury = 0, grew = 0, should = 0, decayed = 0, finite = 1;
	unsigned r, f, q, g;
	static float buf[48000];

	for (t = BIQUAD_LOWPASS; t <= BIQUAD_HIGHSHELF; t++)
	for (r = 0; r < 2; r++)
	for (f = 0; f < sizeof fr / sizeof fr[0]; f++)
	for (q = 0; q < sizeof qs / sizeof qs[0]; q++)
	for (g = 0; g < 3; g++) {
		struct biquad_design d;
		struct biquad_coefs c;
		struct biquad_state st;
		const double freq = fr[f] < 1 ? fr[f] * rates[r] : fr[f];
		double first = 0, last = 0, tau_frames;
		int i, sec;

		if (make((enum biquad_type)t, freq, qs[q], gains[g], rates[r], &d, &c) != 0) {
			finite = 0;
			continue;
		}
		designs++;
		if (frozen_stable(c.d1, c.c2, c.c3))
			jury++;
		else
			fprintf(stderr, "jury: t %d sr %g f %g q %g g %g: %.9g %.9g %.9g\n", t, rates[r], freq, qs[q], gains[g], c.d1, c.c2, c.c3);
		biquad_reset(&st);
		memset(buf, 0, sizeof buf);
		buf[0] = 1.0f;
		/* 5 chunks of 48000 frames (5 s at 48 kHz). */
		for (sec = 0; sec < 5; sec++) {
			double peak = 0;

			biquad_process(&c, &st, buf, 48000);
			for (i = 0; i < 48000; i++) {
				if (!isfinite(buf[i]))
					finite = 0;
				peak = fabs(buf[i]) > peak ? fabs(buf[i]) : peak;
			}
			memset(buf, 0, sizeof buf);
			if (sec == 0)
				first = peak;
			last = peak;
		}
		if (last > first)
			grew++;
		/* Frames for the pole envelope to fall by e; 40 of them is
		 * 1e-17, well under the 1e-6 asked for below. */
		tau_frames = -1.0 / log(pole_radius(&d));
		if (40 * tau_frames < 4 * 48000) {
			should++;
			if (last < 1e-6 * (first > 1 ? first : 1))
				decayed++;
		}
	}
	CHECK_INT_EQ(designs, 8 * 2 * 6 * 5 * 3);
	CHECK_INT_EQ(jury, designs);
	CHECK_INT_EQ(grew, 0);
	CHECK_INT_EQ(decayed, should);
	printf("stability: %d designs, %d expected to decay\n", designs, should);
	CHECK(should > designs / 2);
	CHECK(finite);
}

/* A loud burst then 10 s of zeros: the state reaches exactly 0 (where the
 * filter's own decay allows in 10 s), no output sample and no state at a
 * block end is ever subnormal, and silence stays exact zeros. */
static void
test_denormals(void)
{
	static const double fr[] = { 20, 150, 1000, 5000, 12000, 20000, 23000 };
	static const double qs[] = { 0.5, M_SQRT1_2, 5, 20 };
	static const enum biquad_type types[] = { BIQUAD_LOWPASS, BIQUAD_HIGHPASS,
	    BIQUAD_BELL, BIQUAD_LOWSHELF, BIQUAD_ALLPASS };
	const double sr = 48000;
	int subnormal_out = 0, subnormal_state = 0, not_zero = 0, runs = 0;
	unsigned t, f, q;
	float buf[BLOCK];

	for (t = 0; t < sizeof types / sizeof types[0]; t++)
	for (f = 0; f < sizeof fr / sizeof fr[0]; f++)
	for (q = 0; q < sizeof qs / sizeof qs[0]; q++) {
		struct biquad_design d;
		struct biquad_coefs c;
		struct biquad_state st;
		int b, i;

		if (make(types[t], fr[f], qs[q], 12.0, sr, &d, &c) != 0)
			continue;
		runs++;
		biquad_reset(&st);
		for (b = 0; b < 20; b++) { /* ~0.1 s of loud noise */
			for (i = 0; i < BLOCK; i++)
				buf[i] = (float)rnd();
			biquad_process(&c, &st, buf, BLOCK);
		}
		for (b = 0; b < (int)(10 * sr) / BLOCK; b++) {
			memset(buf, 0, sizeof buf);
			biquad_process(&c, &st, buf, BLOCK);
			for (i = 0; i < BLOCK; i++)
				if (fpclassify(buf[i]) == FP_SUBNORMAL)
					subnormal_out++;
			if (fpclassify(st.s1) == FP_SUBNORMAL || fpclassify(st.s2) == FP_SUBNORMAL)
				subnormal_state++;
		}
		/* q = 20 at 20 Hz takes longer than 10 s to fall 400 dB; it
		 * only has to stay out of the subnormals. */
		if (qs[q] <= 5 && !(st.s1 == 0.0f && st.s2 == 0.0f && buf[BLOCK - 1] == 0.0f))
			not_zero++;
	}
	CHECK_INT_EQ(runs, 5 * 7 * 4);
	CHECK_INT_EQ(subnormal_out, 0);
	CHECK_INT_EQ(subnormal_state, 0);
	CHECK_INT_EQ(not_zero, 0);

	/* NaN in the input poisons at most the block it arrives in. */
	{
		struct biquad_design d;
		struct biquad_coefs c;
		struct biquad_state st;
		int i;

		REQUIRE(make(BIQUAD_BELL, 1000, 1, 6, sr, &d, &c) == 0);
		biquad_reset(&st);
		for (i = 0; i < BLOCK; i++)
			buf[i] = (float)rnd();
		buf[10] = NAN;
		biquad_process(&c, &st, buf, BLOCK);
		/* the guard after frame 31 cleared it */
		CHECK(isfinite(st.s1) && isfinite(st.s2));
		CHECK(isfinite(buf[DSP_GUARD_FRAMES]));
		for (i = 0; i < BLOCK; i++)
			buf[i] = 0.25f;
		biquad_process(&c, &st, buf, BLOCK);
		for (i = 0; i < BLOCK && isfinite(buf[i]); i++)
			;
		CHECK_INT_EQ(i, BLOCK);
	}
}

/* Coefficient changes: ramps reach their end, every point along a ramp
 * is stable, and abrupt or ramped changes every block give no NaN. */
static void
test_coefficient_changes(void)
{
	const double sr = 48000;
	int pairs, unstable = 0, nonfinite = 0, k, i;
	float buf[BLOCK], peak = 0;
	struct biquad_state st;
	struct biquad_coefs cur;

	/* The claim in biquad.c, checked over random design pairs. */
	for (pairs = 0; pairs < 2000; pairs++) {
		struct biquad_design da, db;
		struct biquad_coefs a, b;

		make((enum biquad_type)(pairs % 8), 20 * pow(1000, 0.5 + 0.5 * rnd()),
		    0.1 * pow(300, 0.5 + 0.5 * rnd()), 24 * rnd(), sr, &da, &a);
		make((enum biquad_type)((pairs / 8) % 8), 20 * pow(1000, 0.5 + 0.5 * rnd()),
		    0.1 * pow(300, 0.5 + 0.5 * rnd()), 24 * rnd(), sr, &db, &b);
		for (k = 0; k <= 64; k++) {
			double t = k / 64.0;

			if (!frozen_stable(a.d1 + t * (b.d1 - a.d1), a.c2 + t * (b.c2 - a.c2),
			    a.c3 + t * (b.c3 - a.c3)))
				unstable++;
		}
	}
	CHECK_INT_EQ(unstable, 0);

	/* A ramp of n frames lands exactly where eq.c expects. */
	{
		struct biquad_design da, db;
		struct biquad_coefs a, b, step;
		float x[64], y[64];

		REQUIRE(make(BIQUAD_BELL, 500, 2, 12, sr, &da, &a) == 0);
		REQUIRE(make(BIQUAD_BELL, 5000, 0.5, -12, sr, &db, &b) == 0);
		step.d1 = (b.d1 - a.d1) / 64;
		step.c2 = (b.c2 - a.c2) / 64;
		step.c3 = (b.c3 - a.c3) / 64;
		step.m0 = (b.m0 - a.m0) / 64;
		step.m1 = (b.m1 - a.m1) / 64;
		step.m2 = (b.m2 - a.m2) / 64;
		/* With all-zero steps a ramp is the plain kernel. */
		{
			struct biquad_coefs zero = { 0, 0, 0, 0, 0, 0 };
			struct biquad_state s1, s2;

			for (i = 0; i < 64; i++)
				x[i] = y[i] = (float)rnd();
			biquad_reset(&s1);
			biquad_reset(&s2);
			biquad_process(&a, &s1, x, 64);
			biquad_process_ramp(&a, &zero, 0, &s2, y, 64);
			CHECK(memcmp(x, y, sizeof x) == 0);
		}
		/* Ramping from a over 64 frames, the last frame runs (to float
		 * rounding) b: split the ramp as eq.c may, 63 frames then 1
		 * (the second call at ramp position 63), and compare that frame
		 * with b run from the same state. */
		{
			struct biquad_state s1, s2;
			float one;

			for (i = 0; i < 64; i++)
				x[i] = (float)rnd();
			biquad_reset(&s1);
			biquad_process_ramp(&a, &step, 0, &s1, x, 63);
			s2 = s1;
			one = x[63];
			biquad_process_ramp(&a, &step, 63, &s1, &x[63], 1);
			biquad_process(&b, &s2, &one, 1);
			CHECK_NEAR(x[63], one, 1e-5);
			CHECK(fabsf(x[63]) > 0.0f);
		}
	}

	/* Abrupt switches every block between random designs, on loud noise,
	 * and ramped switches: always finite and bounded. */
	biquad_reset(&st);
	biquad_set_identity(&cur);
	for (k = 0; k < 2000; k++) {
		struct biquad_design d;
		struct biquad_coefs c, step;
		const bool ramp = k & 1;

		make((enum biquad_type)(k % 8), 20 * pow(1000, 0.5 + 0.5 * rnd()),
		    0.1 * pow(300, 0.5 + 0.5 * rnd()), 24 * rnd(), sr, &d, &c);
		for (i = 0; i < BLOCK; i++)
			buf[i] = (float)rnd();
		if (ramp) {
			step.d1 = (c.d1 - cur.d1) / BLOCK;
			step.c2 = (c.c2 - cur.c2) / BLOCK;
			step.c3 = (c.c3 - cur.c3) / BLOCK;
			step.m0 = (c.m0 - cur.m0) / BLOCK;
			step.m1 = (c.m1 - cur.m1) / BLOCK;
			step.m2 = (c.m2 - cur.m2) / BLOCK;
			biquad_process_ramp(&cur, &step, 0, &st, buf, BLOCK);
		} else {
			biquad_process(&c, &st, buf, BLOCK);
		}
		cur = c;
		for (i = 0; i < BLOCK; i++) {
			if (!isfinite(buf[i]))
				nonfinite++;
			else if (fabsf(buf[i]) > peak)
				peak = fabsf(buf[i]);
		}
	}
	CHECK_INT_EQ(nonfinite, 0);
	/* +24 dB bells with q up to 30 ring, but nothing explodes. */
	CHECK(peak < 1000.0f);
	printf("random switching: peak %.1f\n", peak);
}

/* ---- Split invariance ------------------------------------------------
 * The same stream, the same coefficient changes at the same absolute
 * frames: one call per interval between changes, or calls of random sizes,
 * must give the same bits. */

#define SPLIT_FRAMES 200000

/* Noise with its level changing every few thousand frames, long silences
 * (the state decays to the flush floor), a NaN and an inf. Its own
 * generator, so the other tests' rnd() sequence is untouched. */
static void
split_signal(float *x, int n)
{
	static const float levels[] = { 0.5f, 0.05f, 1e-3f, 0.0f, 1.0f, 1e-6f, 0.2f, 1e-30f };
	uint64_t g = 0x2545f4914f6cdd1dull;
	int i;

	for (i = 0; i < n; i++) {
		x[i] = levels[(i / 7919) % 8] * (float)rand_signed(&g);
		if (i >= 60000 && i < 90000)
			x[i] = 0.0f;
	}
	x[120000] = NAN;
	x[150003] = INFINITY;
}

enum { EV_RAMP, EV_JUMP, EV_RESET };

struct split_event {
	int frame;
	int kind;   /* EV_RAMP: to set over len frames; EV_JUMP: to set at once */
	int set;
	int len;
};

/* What a caller of biquad_process_ramp keeps (as eq.c does). */
struct ramp_driver {
	struct biquad_coefs cur, from, step, target;
	int pos, left;
	struct biquad_state st;
};

static void
driver_point(const struct ramp_driver *r, struct biquad_coefs *out)
{
	const float t = (float)r->pos;

	out->d1 = r->from.d1 + t * r->step.d1;
	out->c2 = r->from.c2 + t * r->step.c2;
	out->c3 = r->from.c3 + t * r->step.c3;
	out->m0 = r->from.m0 + t * r->step.m0;
	out->m1 = r->from.m1 + t * r->step.m1;
	out->m2 = r->from.m2 + t * r->step.m2;
}

static void
driver_process(struct ramp_driver *r, float *buf, int frames)
{
	const int n = frames < r->left ? frames : r->left;

	if (n > 0) {
		biquad_process_ramp(&r->from, &r->step, r->pos, &r->st, buf, n);
		r->pos += n;
		r->left -= n;
		if (r->left == 0)
			r->cur = r->target;
		else
			driver_point(r, &r->cur);
	}
	if (frames > n)
		biquad_process(&r->cur, &r->st, buf + n, frames - n);
}

static void
split_render(const struct biquad_coefs *sets, const struct split_event *ev, int nev,
    const float *in, float *out, enum split_mode m, uint64_t seed)
{
	static struct ramp_driver r;
	uint64_t rng = seed;
	int pos = 0, e = 0;

	memcpy(out, in, sizeof(float) * SPLIT_FRAMES);
	memset(&r, 0, sizeof r);
	biquad_set_identity(&r.cur);
	biquad_reset(&r.st);
	while (pos < SPLIT_FRAMES) {
		int stop = SPLIT_FRAMES, len;

		for (; e < nev && ev[e].frame == pos; e++) {
			const struct split_event *v = &ev[e];

			if (v->kind == EV_RESET) {
				biquad_reset(&r.st);
			} else if (v->kind == EV_JUMP) {
				r.cur = r.target = sets[v->set];
				r.left = 0;
			} else {
				const float inv = 1.0f / (float)v->len;

				r.from = r.cur;
				r.target = sets[v->set];
				r.step.d1 = (r.target.d1 - r.from.d1) * inv;
				r.step.c2 = (r.target.c2 - r.from.c2) * inv;
				r.step.c3 = (r.target.c3 - r.from.c3) * inv;
				r.step.m0 = (r.target.m0 - r.from.m0) * inv;
				r.step.m1 = (r.target.m1 - r.from.m1) * inv;
				r.step.m2 = (r.target.m2 - r.from.m2) * inv;
				r.pos = 0;
				r.left = v->len;
			}
		}
		if (e < nev)
			stop = ev[e].frame;
		len = split_next(&rng, m, stop - pos);
		driver_process(&r, out + pos, len);
		pos += len;
	}
}

static void
test_split_invariance(void)
{
	static const double rates[] = { 44100, 48000, 96000 };
	enum { NSETS = 6 };
	struct biquad_coefs sets[NSETS];
	struct split_event ev[400];
	float *in = malloc(sizeof(float) * SPLIT_FRAMES);
	float *ref = malloc(sizeof(float) * SPLIT_FRAMES);
	float *out = malloc(sizeof(float) * SPLIT_FRAMES);
	int r, m, i, nev, renders = 0, differ = 0, reset_differ = 0;
	uint64_t seed = 0x0123456789abcdefull;

	REQUIRE(in != NULL && ref != NULL && out != NULL);
	split_signal(in, SPLIT_FRAMES);
	for (r = 0; r < 3; r++) {
		const double sr = rates[r];
		struct biquad_design d;

		REQUIRE(make(BIQUAD_BELL, 1000, 2, 9, sr, &d, &sets[0]) == 0);
		REQUIRE(make(BIQUAD_HIGHPASS, 25, 0.9, 0, sr, &d, &sets[1]) == 0);
		REQUIRE(make(BIQUAD_LOWSHELF, 200, M_SQRT1_2, -8, sr, &d, &sets[2]) == 0);
		REQUIRE(make(BIQUAD_LOWPASS, 9000, 4, 0, sr, &d, &sets[3]) == 0);
		REQUIRE(make(BIQUAD_BELL, 3000, 0.5, -15, sr, &d, &sets[4]) == 0);
		biquad_set_identity(&sets[5]);

		nev = 0;
#define EV(f, k, s_, l) do { ev[nev].frame = (f); ev[nev].kind = (k); ev[nev].set = (s_); \
	ev[nev].len = (l); nev++; } while (0)
		EV(0, EV_RAMP, 0, 64);
		EV(20000, EV_RAMP, 1, 1000);
		EV(20400, EV_RAMP, 2, 64);   /* interrupts the long ramp */
		EV(20420, EV_RAMP, 3, 333);  /* and that one */
		EV(40000, EV_JUMP, 4, 0);
		EV(40000, EV_RAMP, 0, 1);    /* a one-frame ramp */
		EV(55000, EV_RAMP, 5, 200);  /* to the identity, into the silence */
		EV(95000, EV_RAMP, 1, 5000); /* longer than many calls */
		for (i = 0; i < 200; i++)    /* automation: a ramp every 37 frames */
			EV(101000 + 37 * i, EV_RAMP, i % 5, 64);
		EV(125000, EV_RESET, 0, 0);  /* after the NaN's guard */
		EV(140000, EV_RAMP, 4, 64);
		EV(140032, EV_RESET, 0, 0);  /* a reset mid-ramp */
		EV(170000, EV_JUMP, 2, 0);
		EV(170000, EV_RESET, 0, 0);  /* the last event */
#undef EV
		REQUIRE(nev <= (int)(sizeof ev / sizeof ev[0]));

		split_render(sets, ev, nev, in, ref, SPLIT_WHOLE, 0);
		for (m = SPLIT_UNIFORM; m < SPLIT_MODES; m++) {
			split_render(sets, ev, nev, in, out, (enum split_mode)m, seed++);
			renders++;
			if ((i = first_difference(ref, out, SPLIT_FRAMES)) >= 0) {
				fprintf(stderr, "biquad split: sr %g mode %d differs from frame %d\n",
				    sr, m, i);
				differ++;
			}
		}
		/* After the reset at 170000 the output is a fresh state's. */
		{
			struct biquad_state st;
			uint64_t rng = seed++;
			int pos = 170000;

			memcpy(out + pos, in + pos, sizeof(float) * (SPLIT_FRAMES - pos));
			biquad_reset(&st);
			while (pos < SPLIT_FRAMES) {
				const int len = split_next(&rng, SPLIT_LOG, SPLIT_FRAMES - pos);

				biquad_process(&sets[2], &st, out + pos, len);
				pos += len;
			}
			if (!same_bits(ref + 170000, out + 170000, SPLIT_FRAMES - 170000))
				reset_differ++;
		}
	}
	CHECK_INT_EQ(renders, 3 * 3);
	CHECK_INT_EQ(differ, 0);
	CHECK_INT_EQ(reset_differ, 0);
	/* the NaN was there, and was cleared by the guard */
	CHECK(isnan(ref[120000]));
	CHECK(isfinite(ref[120000 + DSP_GUARD_FRAMES]));
	printf("split invariance: %d split renders of %d frames identical\n", renders,
	    SPLIT_FRAMES);
	free(in);
	free(ref);
	free(out);
}

static void
test_identity_and_api(void)
{
	struct biquad_coefs c;
	struct biquad_design d;
	struct biquad_state s1, s2;
	float x[300], y[300], z[300];
	int i;

	biquad_set_identity(&c);
	CHECK(biquad_is_identity(&c));
	biquad_reset(&s1);
	for (i = 0; i < 300; i++)
		x[i] = y[i] = (float)rnd();
	biquad_process(&c, &s1, y, 300);
	CHECK(memcmp(x, y, sizeof x) == 0);

	/* In place and out of place agree bit for bit. */
	REQUIRE(make(BIQUAD_HIGHSHELF, 3000, 0.9, 5, 44100, &d, &c) == 0);
	CHECK(!biquad_is_identity(&c));
	biquad_reset(&s1);
	biquad_reset(&s2);
	memcpy(y, x, sizeof x);
	biquad_process(&c, &s1, y, 300);
	biquad_process_to(&c, &s2, x, z, 300);
	CHECK(memcmp(y, z, sizeof y) == 0);
	/* Block size does not matter. */
	biquad_reset(&s2);
	memcpy(z, x, sizeof x);
	for (i = 0; i < 300; i += 7)
		biquad_process(&c, &s2, z + i, 300 - i < 7 ? 300 - i : 7);
	CHECK(memcmp(y, z, sizeof y) == 0);
	biquad_process(&c, &s2, z, 0);
	CHECK(s1.s1 == s2.s1 && s1.s2 == s2.s2);
}

/* A non-cookbook biquad converts too: the ITU-R BS.1770 K-weighting shelf
 * at 48 kHz, as published in direct form. */
static void
test_any_design_converts(void)
{
	struct biquad_design d = { 1.53512485958697, -2.69169618940638, 1.19839281085285,
	    -1.69065929318241, 0.73248077421585 };
	struct biquad_coefs c;
	static const double probe[] = { 50, 1000, 1681, 5000, 15000 };
	unsigned k;

	REQUIRE(biquad_coefs_from_design(&d, &c) == 0);
	for (k = 0; k < sizeof probe / sizeof probe[0]; k++)
		CHECK_NEAR(measure_db(&c, probe[k], 48000, 0.2),
		    biquad_design_magnitude_db(&d, probe[k], 48000), 0.005);
	CHECK_NEAR(biquad_design_magnitude_db(&d, 20000, 48000), 4.0, 0.1);
}

static void
test_validation(void)
{
	struct biquad_design d = { 1, 2, 3, 4, 5 }, keep;
	struct biquad_coefs c = { 1, 2, 3, 4, 5, 6 }, keepc;

	keep = d;
	CHECK_INT_EQ(biquad_design(BIQUAD_LOWPASS, 24000, 0.7, 0, 48000, &d), DSP_ERR_INVALID);
	CHECK_INT_EQ(biquad_design(BIQUAD_LOWPASS, 0, 0.7, 0, 48000, &d), DSP_ERR_INVALID);
	CHECK_INT_EQ(biquad_design(BIQUAD_LOWPASS, NAN, 0.7, 0, 48000, &d), DSP_ERR_INVALID);
	CHECK_INT_EQ(biquad_design(BIQUAD_LOWPASS, 1000, 0, 0, 48000, &d), DSP_ERR_INVALID);
	CHECK_INT_EQ(biquad_design(BIQUAD_LOWPASS, 1000, NAN, 0, 48000, &d), DSP_ERR_INVALID);
	CHECK_INT_EQ(biquad_design(BIQUAD_BELL, 1000, 1, 49, 48000, &d), DSP_ERR_INVALID);
	CHECK_INT_EQ(biquad_design(BIQUAD_BELL, 1000, 1, INFINITY, 48000, &d), DSP_ERR_INVALID);
	CHECK_INT_EQ(biquad_design(BIQUAD_BELL, 1000, 1, 0, 0, &d), DSP_ERR_INVALID);
	CHECK_INT_EQ(biquad_design((enum biquad_type)99, 1000, 1, 0, 48000, &d), DSP_ERR_INVALID);
	CHECK(memcmp(&d, &keep, sizeof d) == 0);
	CHECK_INT_EQ(biquad_design(BIQUAD_BELL, 1000, 1, 48, 48000, &d), 0);

	keepc = c;
	{
		struct biquad_design unstable = { 1, 0, 0, -2.1, 1.2 };   /* poles outside */
		struct biquad_design marginal = { 1, 0, 0, 0, 1.0 };      /* on the circle */
		struct biquad_design nan = { NAN, 0, 0, -1, 0.5 };

		CHECK_INT_EQ(biquad_coefs_from_design(&unstable, &c), DSP_ERR_INVALID);
		CHECK_INT_EQ(biquad_coefs_from_design(&marginal, &c), DSP_ERR_INVALID);
		CHECK_INT_EQ(biquad_coefs_from_design(&nan, &c), DSP_ERR_INVALID);
		CHECK(memcmp(&c, &keepc, sizeof c) == 0);
	}
}

/*
 * biquad_cascade_process gives the same bits as biquad_process section
 * after section: 1..12 sections (groups of four and the remainders),
 * states whose guard counters differ (a section switched on later), calls
 * of every size, silence after a loud burst (the guards flush), and NaN
 * input (the guards reset it).
 */
static void
test_cascade_matches_sections(void)
{
	enum { N = 3000, MAXS = 12 };
	static const enum biquad_type types[] = { BIQUAD_BELL, BIQUAD_LOWSHELF,
	    BIQUAD_HIGHPASS, BIQUAD_BELL, BIQUAD_NOTCH, BIQUAD_HIGHSHELF,
	    BIQUAD_LOWPASS, BIQUAD_BELL, BIQUAD_ALLPASS, BIQUAD_BANDPASS,
	    BIQUAD_BELL, BIQUAD_BELL };
	struct biquad_coefs c[MAXS];
	const struct biquad_coefs *cp[MAXS];
	struct biquad_state ref[MAXS], cas[MAXS];
	struct biquad_state *sp[MAXS];
	float *x = malloc(sizeof *x * N), *a = malloc(sizeof *a * N), *b = malloc(sizeof *b * N);
	int count, k, i, differ = 0, runs = 0;

	REQUIRE(x != NULL && a != NULL && b != NULL);
	for (k = 0; k < MAXS; k++) {
		struct biquad_design d;

		REQUIRE(make(types[k], 40.0 * pow(1.7, k), 0.4 + 0.3 * k, -9 + 1.7 * k,
		    48000, &d, &c[k]) == 0);
		cp[k] = &c[k];
		sp[k] = &cas[k];
	}
	for (i = 0; i < N; i++)   /* a loud burst, silence, then a NaN */
		x[i] = i < 700 ? (float)rnd() : 0.0f;
	x[2500] = NAN;
	for (count = 1; count <= MAXS; count++) {
		for (int phase = 0; phase < 2; phase++) {
			int pos = 0;

			for (k = 0; k < count; k++) {
				biquad_reset(&ref[k]);
				/* phase 1: counters as if sections had been
				 * switched on at different times */
				ref[k].guard_frames = phase ? (7 * k) % DSP_GUARD_FRAMES : 0;
				cas[k] = ref[k];
			}
			memcpy(a, x, sizeof *a * N);
			memcpy(b, x, sizeof *b * N);
			while (pos < N) {
				int n = 1 + (int)((rnd() + 1) * 60);

				if (n > N - pos)
					n = N - pos;
				for (k = 0; k < count; k++)
					biquad_process(&c[k], &ref[k], a + pos, n);
				biquad_cascade_process(cp, sp, count, b + pos, n);
				pos += n;
			}
			runs++;
			if (memcmp(a, b, sizeof *a * N) != 0 ||
			    memcmp(ref, cas, sizeof ref[0] * (size_t)count) != 0)
				differ++;
		}
	}
	CHECK_INT_EQ(differ, 0);
	CHECK_INT_EQ(runs, 2 * MAXS);
	/* the guards reset the NaN: finite again by the end */
	CHECK(isfinite(b[N - 1]) && isfinite(cas[0].s1) && isfinite(cas[MAXS - 1].s2));
	memcpy(a, b, sizeof *a * N);
	biquad_cascade_process(cp, sp, 0, b, N);   /* no sections: untouched */
	biquad_cascade_process(cp, sp, 3, b, 0);   /* no frames */
	CHECK(memcmp(a, b, sizeof *a * N) == 0);
	free(x);
	free(a);
	free(b);
}

int
main(void)
{
	test_targets();
	test_measured_matches_analytic();
	test_low_frequency_192k();
	test_stability();
	test_denormals();
	test_coefficient_changes();
	test_split_invariance();
	test_cascade_matches_sections();
	test_identity_and_api();
	test_any_design_converts();
	test_validation();
	return test_report();
}
