/*
 * Dynamics: the fast log2/exp2 against libm, static curves (the curve
 * function and steady signals through the kernel), attack/release/hold
 * timing against their definitions, sidechain keying, linking, makeup,
 * gain-reduction reporting, smooth parameter changes, denormals,
 * bit-identical output however a stream is split into calls, validation.
 * All signals are made here.
 */
#include "test.h"

#include <stdint.h>

#include "dsp/dsp.h"
#include "dsp/dynamics.h"
#include "dsp/signals.h"

#define SR 48000.0

static uint64_t rng_state = 0x853c49e6748fea9bull;

/* Uniform in [-1, 1), deterministic. */
static double
rnd(void)
{
	return rand_signed(&rng_state);
}

static double
db(double lin)
{
	return 20 * log10(lin);
}

static double
lin(double dbv)
{
	return pow(10, dbv / 20);
}

/* Defaults: a 4:1 compressor at -20 dBFS, hard knee, peak, linked, with
 * instant attack and a slow release, so that a steady tone's gain sits at
 * its crest's (a slower attack lets part of each crest through: that is
 * what attack is for, and it lowers the average reduction). */
static struct dynamics_params
comp(void)
{
	struct dynamics_params p;

	memset(&p, 0, sizeof p);
	p.mode = DYNAMICS_COMPRESSOR;
	p.detector = DYNAMICS_PEAK;
	p.link = true;
	p.threshold_db = -20;
	p.ratio = 4;
	p.attack_ms = 0;
	p.release_ms = 1000;
	p.rms_ms = 50;
	return p;
}

static struct dynamics dyn;

static void
start(const struct dynamics_params *p)
{
	struct dynamics_coefs c;

	if (dynamics_design(p, SR, &c) != 0) {
		TEST_FAIL_("dynamics_design failed");
		memset(&c, 0, sizeof c);
	}
	dynamics_init(&dyn, &c);
}

/* Runs `channels` sines (amplitudes amp[k], frequency f, 1 s, 256-frame
 * blocks) through dyn, keyed by sc (NULL: self); returns the steady output
 * peak level of each channel in dBFS. */
static void
run_sines(int channels, const double *amp_db, double f, const float *const *sc, int scn,
    double *out_db)
{
	const int n = (int)SR, meas = (int)(0.2 * SR);
	const double w = 2 * M_PI * f / SR;
	static float buf[4][48000];
	float *ch[4];
	const float *scb[4];
	int k, i, j;

	for (k = 0; k < channels; k++)
		for (i = 0; i < n; i++)
			buf[k][i] = (float)(lin(amp_db[k]) * sin(w * i + k));
	for (i = 0; i < n; i += 256) {
		for (k = 0; k < channels; k++)
			ch[k] = buf[k] + i;
		for (j = 0; sc != NULL && j < scn; j++)
			scb[j] = sc[j] + i;
		dynamics_process(&dyn, ch, channels, sc ? scb : NULL, scn, n - i < 256 ? n - i : 256);
	}
	for (k = 0; k < channels; k++)
		out_db[k] = db(fit_amplitude(buf[k] + n - meas, meas, w, n - meas));
}

static double
run_sine(double amp_db, double f)
{
	double out;

	run_sines(1, &amp_db, f, NULL, 0, &out);
	return out;
}

static void
test_fast_math(void)
{
	double worst_log = 0, worst_exp = 0, x;
	int i;

	/* -200..+40 dB in 0.001 dB steps, plus random mantissas */
	for (i = -200000; i <= 40000; i++) {
		double want = i / 1000.0;
		float v = (float)lin(want);
		double e1 = fabs(dsp_fast_lin_to_db(v) - db(v));
		double e2 = fabs(db(dsp_fast_db_to_lin((float)want)) - (double)(float)want);

		worst_log = e1 > worst_log ? e1 : worst_log;
		worst_exp = e2 > worst_exp ? e2 : worst_exp;
	}
	for (i = 0; i < 100000; i++) {
		x = pow(2, 60 * rnd());
		worst_log = fmax(worst_log, fabs(dsp_fast_log2f((float)x) - log2((float)x)) *
		    DSP_DB_PER_LOG2);
		x = 100 * rnd();
		worst_exp = fmax(worst_exp, fabs(log2(dsp_fast_exp2f((float)x)) - (float)x) *
		    DSP_DB_PER_LOG2);
	}
	printf("fast log2: worst %.2g dB; fast exp2: worst %.2g dB\n", worst_log, worst_exp);
	CHECK(worst_log < 0.001); /* required: 0.01 dB */
	CHECK(worst_exp < 0.001);
	/* exact at powers of two, clamped outside its range */
	CHECK(dsp_fast_log2f(1.0f) == 0.0f);
	CHECK(dsp_fast_log2f(0.25f) == -2.0f);
	CHECK(dsp_fast_exp2f(0.0f) == 1.0f);
	CHECK(dsp_fast_exp2f(3.0f) == 8.0f);
	CHECK(fpclassify(dsp_fast_exp2f(-1000.0f)) == FP_NORMAL);
	CHECK(fpclassify(dsp_fast_exp2f(NAN)) == FP_NORMAL);
	CHECK(isfinite(dsp_fast_exp2f(1000.0f)));
}

static void
test_curves(void)
{
	struct dynamics_params p = comp();
	struct dynamics_coefs c;
	float l;
	double worst_jump = 0, prev = 0;

	REQUIRE(dynamics_design(&p, SR, &c) == 0);
	CHECK_NEAR(dynamics_curve_gain_db(&c, -30), 0.0, 1e-6);
	CHECK_NEAR(dynamics_curve_gain_db(&c, -20), 0.0, 1e-6);
	CHECK_NEAR(dynamics_curve_gain_db(&c, -10), -7.5, 1e-5);
	CHECK_NEAR(dynamics_curve_gain_db(&c, 0), -15.0, 1e-5);
	p.knee_db = 10;
	REQUIRE(dynamics_design(&p, SR, &c) == 0);
	CHECK_NEAR(dynamics_curve_gain_db(&c, -25), 0.0, 1e-6);
	CHECK_NEAR(dynamics_curve_gain_db(&c, -20), -0.9375, 1e-5);
	CHECK_NEAR(dynamics_curve_gain_db(&c, -15), -3.75, 1e-5);
	CHECK_NEAR(dynamics_curve_gain_db(&c, 0), -15.0, 1e-5);
	/* the knee is continuous (and so is its slope, by construction) */
	for (l = -40; l < 0; l += 0.01f) {
		double g = dynamics_curve_gain_db(&c, l);

		if (l > -40)
			worst_jump = fmax(worst_jump, fabs(g - prev));
		prev = g;
	}
	CHECK(worst_jump < 0.0076); /* slope never beyond 1 - 1/4 */
	p.ratio = INFINITY;
	p.knee_db = 0;
	REQUIRE(dynamics_design(&p, SR, &c) == 0);
	CHECK_NEAR(dynamics_curve_gain_db(&c, -5), -15.0, 1e-5); /* a brickwall */

	p.mode = DYNAMICS_EXPANDER;
	p.threshold_db = -40;
	p.ratio = 2;
	p.range_db = 20;
	REQUIRE(dynamics_design(&p, SR, &c) == 0);
	CHECK_NEAR(dynamics_curve_gain_db(&c, -30), 0.0, 1e-6);
	CHECK_NEAR(dynamics_curve_gain_db(&c, -50), -10.0, 1e-5);
	CHECK_NEAR(dynamics_curve_gain_db(&c, -70), -20.0, 1e-5); /* range */
	CHECK_NEAR(dynamics_curve_gain_db(&c, -200), -20.0, 1e-5);
	p.knee_db = 6;
	REQUIRE(dynamics_design(&p, SR, &c) == 0);
	CHECK_NEAR(dynamics_curve_gain_db(&c, -37), 0.0, 1e-6);
	CHECK_NEAR(dynamics_curve_gain_db(&c, -40), -0.75, 1e-5);
	CHECK_NEAR(dynamics_curve_gain_db(&c, -43), -3.0, 1e-5);

	p.mode = DYNAMICS_GATE;
	p.range_db = 60;
	REQUIRE(dynamics_design(&p, SR, &c) == 0);
	CHECK_NEAR(dynamics_curve_gain_db(&c, -39.9f), 0.0, 1e-6);
	CHECK_NEAR(dynamics_curve_gain_db(&c, -40), 0.0, 1e-6);
	CHECK_NEAR(dynamics_curve_gain_db(&c, -40.1f), -60.0, 1e-5);
}

/* Steady signals through the kernel land on the static curve. */
static void
test_static_levels(void)
{
	struct dynamics_params p = comp();
	double out[2];

	/* 4:1 at -20, a -8 dBFS (peak) sine: 12 dB over, output -17 dBFS. */
	start(&p);
	CHECK_NEAR(run_sine(-8, 1000), -17.0, 0.03);
	CHECK_NEAR(dyn.gr_db, -9.0, 0.03);
	CHECK(dyn.gr_peak_db <= dyn.gr_db + 1e-6);
	/* below threshold: untouched */
	start(&p);
	CHECK_NEAR(run_sine(-25, 1000), -25.0, 0.001);
	CHECK_NEAR(dyn.gr_db, 0.0, 1e-6);
	/* with a 12 dB knee, -16 dBFS is 4 dB into it: -3.125 dB */
	p.knee_db = 12;
	start(&p);
	CHECK_NEAR(run_sine(-16, 1000), -19.125, 0.03);
	/* makeup adds on top */
	p.knee_db = 0;
	p.makeup_db = 6;
	start(&p);
	CHECK_NEAR(run_sine(-8, 1000), -11.0, 0.03);
	CHECK_NEAR(dyn.gr_db, -9.0, 0.03); /* makeup not in the meter */
	/* RMS detector: a -8 dBFS peak sine reads -11.01 dBFS */
	p = comp();
	p.detector = DYNAMICS_RMS;
	start(&p);
	CHECK_NEAR(run_sine(-8, 1000), -8 - 0.75 * (-8 - 3.0103 + 20), 0.03);

	/* Expander 1:2 below -40, range 20 (RMS detector for steady sines). */
	p = comp();
	p.mode = DYNAMICS_EXPANDER;
	p.detector = DYNAMICS_RMS;
	p.threshold_db = -40;
	p.ratio = 2;
	p.range_db = 20;
	p.attack_ms = 5;
	p.release_ms = 50;
	start(&p);
	CHECK_NEAR(run_sine(-30, 1000), -30.0, 0.01);
	start(&p);
	/* RMS -50.01: 10.01 dB under, gain -10.01 */
	CHECK_NEAR(run_sine(-46.9897, 1000), -46.9897 - 10.0, 0.03);
	start(&p);
	CHECK_NEAR(run_sine(-70, 1000), -90.0, 0.03); /* range */
	CHECK_NEAR(dyn.gr_db, -20.0, 0.03);

	/* Gate at -40 with 60 dB range. */
	p.mode = DYNAMICS_GATE;
	p.range_db = 60;
	start(&p);
	CHECK_NEAR(run_sine(-30, 1000), -30.0, 0.01);
	start(&p);
	CHECK_NEAR(run_sine(-50, 1000), -110.0, 0.05);

	/* Unlinked channels each sit on the curve. */
	p = comp();
	p.link = false;
	start(&p);
	{
		const double amp[2] = { -8, -30 };

		run_sines(2, amp, 1000, NULL, 0, out);
		CHECK_NEAR(out[0], -17.0, 0.03);
		CHECK_NEAR(out[1], -30.0, 0.01);
		CHECK_NEAR(dyn.gr_db, -9.0, 0.03); /* the deepest channel */
	}
}

/* Gain in dB applied at frame i (DC input, so exactly out/in). */
static double
gain_at(const float *out, const float *in, int i)
{
	return db(out[i] / in[i]);
}

/* attack_ms and release_ms are time constants of the gain in dB: a step
 * in the curve's target is 63.2% done after one, 86.5% after two. */
static void
test_attack_release(void)
{
	const int n = (int)(1.6 * SR), s0 = (int)(0.1 * SR), s1 = (int)(0.6 * SR);
	const int ta = (int)(0.010 * SR), tr = (int)(0.100 * SR);
	struct dynamics_params p = comp();
	float *in = malloc(sizeof(float) * n), *out = malloc(sizeof(float) * n), *ch[1];
	int i, first;

	REQUIRE(in != NULL && out != NULL);
	p.attack_ms = 10;
	p.release_ms = 100;
	start(&p);
	for (i = 0; i < n; i++)
		in[i] = out[i] = (float)(i >= s0 && i < s1 ? lin(-4) : lin(-40));
	for (i = 0; i < n; i += 100) {
		ch[0] = out + i;
		dynamics_process(&dyn, ch, 1, NULL, 0, n - i < 100 ? n - i : 100);
	}
	/* the target is -12 dB from frame s0; frame s0 + k - 1 has had k steps */
	CHECK_NEAR(gain_at(out, in, s0 - 1), 0.0, 1e-6);
	CHECK_NEAR(gain_at(out, in, s0 + ta - 1), -12 * (1 - exp(-1)), 0.005);
	CHECK_NEAR(gain_at(out, in, s0 + 2 * ta - 1), -12 * (1 - exp(-2)), 0.005);
	for (first = s0; first < s1 && gain_at(out, in, first) > -12 * (1 - exp(-1)); first++)
		;
	CHECK(abs(first - (s0 + ta - 1)) <= 1);
	CHECK_NEAR(gain_at(out, in, s1 - 1), -12.0, 0.005);
	/* release back towards 0 dB */
	CHECK_NEAR(gain_at(out, in, s1 + tr - 1), -12 * exp(-1), 0.005);
	CHECK_NEAR(gain_at(out, in, s1 + 2 * tr - 1), -12 * exp(-2), 0.005);
	CHECK_NEAR(dyn.gr_db, -12 * exp(-(double)(n - s1) / tr), 0.005);

	/* Instant attack and release: the gain is the curve, frame by frame. */
	p.attack_ms = 0;
	p.release_ms = 0;
	start(&p);
	for (i = 0; i < n; i++)
		out[i] = in[i];
	ch[0] = out;
	dynamics_process(&dyn, ch, 1, NULL, 0, n);
	CHECK_NEAR(gain_at(out, in, s0), -12.0, 0.005);
	CHECK_NEAR(gain_at(out, in, s1), 0.0, 0.005);

	/* Gate: attack is how fast it opens, release how fast it closes. */
	p = comp();
	p.mode = DYNAMICS_GATE;
	p.threshold_db = -30;
	p.range_db = 60;
	p.attack_ms = 10;
	p.release_ms = 5; /* closed within 0.1 s from the start */
	start(&p);
	for (i = 0; i < n; i++)
		out[i] = in[i];
	for (i = 0; i < n; i += 256) {
		ch[0] = out + i;
		dynamics_process(&dyn, ch, 1, NULL, 0, n - i < 256 ? n - i : 256);
	}
	CHECK_NEAR(gain_at(out, in, s0 - 1), -60.0, 0.01);
	CHECK_NEAR(gain_at(out, in, s0 + ta - 1), -60 * exp(-1), 0.01);
	CHECK_NEAR(gain_at(out, in, s1 - 1), 0.0, 0.01);
	CHECK_NEAR(gain_at(out, in, s1 + ta / 2 - 1), -60 * (1 - exp(-1)), 0.01);
	free(in);
	free(out);
}

/* The gate holds open for hold_ms after the key last reached threshold. */
static void
test_gate_hold(void)
{
	const int n = 4000, off = 1000, hold = 480; /* 10 ms */
	struct dynamics_params p = comp();
	static float main_buf[4000], key[4000];
	float *ch[1] = { main_buf };
	const float *sc[1] = { key };
	int i, open_until = -1;

	p.mode = DYNAMICS_GATE;
	p.threshold_db = -40;
	p.range_db = 60;
	p.attack_ms = 0;
	p.release_ms = 0;
	p.hold_ms = 10;
	start(&p);
	for (i = 0; i < n; i++) {
		main_buf[i] = 0.1f;
		key[i] = i < off ? 0.5f : 0.0f;
	}
	dynamics_process(&dyn, ch, 1, sc, 1, n);
	for (i = 0; i < n; i++)
		if (main_buf[i] == 0.1f || fabs(db(main_buf[i] / 0.1f)) < 1e-3)
			open_until = i;
	CHECK_INT_EQ(open_until, off + hold - 1);
	CHECK_NEAR(db(main_buf[off + hold] / 0.1f), -60.0, 0.01);
	CHECK_NEAR(db(main_buf[n - 1] / 0.1f), -60.0, 0.01);
}

/* A quiet main signal ducked by a loud sidechain; with the sidechain
 * silent, nothing happens even to a loud main signal. */
static void
test_sidechain(void)
{
	static float sc0[48000], sc1[48000], silent[48000];
	const float *sc[2] = { sc0, sc1 };
	const float *quiet[1] = { silent };
	struct dynamics_params p = comp();
	double amp[2] = { -30, -30 }, out[2];
	int i;

	for (i = 0; i < 48000; i++) {
		sc0[i] = (float)(lin(-4) * sin(2 * M_PI * 220 * i / SR));
		sc1[i] = (float)(lin(-50) * sin(2 * M_PI * 330 * i / SR));
	}
	start(&p);
	run_sines(1, amp, 1000, NULL, 0, out);
	CHECK_NEAR(out[0], -30.0, 0.001); /* self-keyed: below threshold */
	start(&p);
	run_sines(1, amp, 1000, sc, 1, out);
	CHECK_NEAR(out[0], -30 - 12.0, 0.05); /* ducked 12 dB by the key */
	CHECK_NEAR(dyn.gr_db, -12.0, 0.05);
	/* a loud main keyed from silence passes untouched */
	amp[0] = -2;
	start(&p);
	run_sines(1, amp, 1000, quiet, 1, out);
	CHECK_NEAR(out[0], -2.0, 0.001);
	/* linked: the max over both key channels keys both main channels */
	amp[0] = amp[1] = -30;
	start(&p);
	run_sines(2, amp, 1000, sc, 2, out);
	CHECK_NEAR(out[0], -42.0, 0.05);
	CHECK_NEAR(out[1], -42.0, 0.05);
	/* unlinked: main i keys from key i (mod count) */
	p.link = false;
	start(&p);
	run_sines(2, amp, 1000, sc, 2, out);
	CHECK_NEAR(out[0], -42.0, 0.05);
	CHECK_NEAR(out[1], -30.0, 0.001);
	start(&p);
	run_sines(2, amp, 1000, sc, 1, out); /* one key for both */
	CHECK_NEAR(out[0], -42.0, 0.05);
	CHECK_NEAR(out[1], -42.0, 0.05);
}

/* Linked stereo: one loud channel pulls the quiet one down with it. */
static void
test_linking(void)
{
	struct dynamics_params p = comp();
	const double amp[2] = { -4, -30 };
	double out[2];

	start(&p);
	run_sines(2, amp, 1000, NULL, 0, out);
	CHECK_NEAR(out[0], -16.0, 0.05);
	CHECK_NEAR(out[1], -42.0, 0.05);
	CHECK_NEAR(dyn.gr_db, -12.0, 0.05);
	p.link = false;
	start(&p);
	run_sines(2, amp, 1000, NULL, 0, out);
	CHECK_NEAR(out[0], -16.0, 0.05);
	CHECK_NEAR(out[1], -30.0, 0.001);
}

/* Parameter changes never make the gain jump: makeup glides, a threshold
 * move is followed at the attack rate. */
static void
test_smooth_changes(void)
{
	struct dynamics_params p = comp();
	struct dynamics_coefs c;
	const int n = 14400;
	static float in[14400], out[14400];
	float *ch[1];
	double worst = 0, g, prev = 0;
	int i;

	p.attack_ms = 5;
	start(&p);
	for (i = 0; i < n; i++)
		in[i] = out[i] = 0.5f; /* -6.02 dBFS, 13.98 dB over */
	for (i = 0; i < n; i += 64) {
		if (i == 4800) {
			p.threshold_db = -40; /* 20 dB further over: target -25.5 dB */
			p.makeup_db = 12;
			REQUIRE(dynamics_design(&p, SR, &c) == 0);
			dynamics_set_coefs(&dyn, &c);
		}
		ch[0] = out + i;
		dynamics_process(&dyn, ch, 1, NULL, 0, 64);
	}
	for (i = 2400; i < n; i++) {
		g = gain_at(out, in, i);
		if (i > 2400)
			worst = fmax(worst, fabs(g - prev));
		prev = g;
	}
	/* steps are at most 1/240 of the 15 dB target move plus the makeup
	 * glide (12 dB with a 5 ms time constant: 0.05 dB per frame), less
	 * as they partly cancel */
	printf("largest per-frame gain change after a parameter jump: %.3f dB\n", worst);
	CHECK(worst < 0.15);
	CHECK_NEAR(gain_at(out, in, 4799), -0.75 * (db(0.5) + 20), 0.005);
	CHECK_NEAR(gain_at(out, in, n - 1), -0.75 * (db(0.5) + 40) + 12, 0.01);
	CHECK_NEAR(dyn.gr_db, -0.75 * (db(0.5) + 40), 0.01);

	CHECK(dyn.makeup_glide_db == 0.0f); /* the glide settles exactly */
}

static void
test_denormals_and_nan(void)
{
	struct dynamics_params p = comp();
	float a[2][256], *ch[2] = { a[0], a[1] };
	int mode, b, i, k, subnormal = 0, nonzero = 0, nonfinite = 0;

	for (mode = 0; mode < 4; mode++) {
		p = comp();
		p.release_ms = 100;
		p.detector = mode & 1 ? DYNAMICS_RMS : DYNAMICS_PEAK;
		p.link = mode < 2;
		start(&p);
		for (b = 0; b < 100; b++) {
			for (k = 0; k < 2; k++)
				for (i = 0; i < 256; i++)
					a[k][i] = (float)rnd();
			dynamics_process(&dyn, ch, 2, NULL, 0, 256);
		}
		for (b = 0; b < (int)(10 * SR) / 256; b++) {
			memset(a, 0, sizeof a);
			dynamics_process(&dyn, ch, 2, NULL, 0, 256);
			for (k = 0; k < 2; k++)
				for (i = 0; i < 256; i++)
					if (fpclassify(a[k][i]) == FP_SUBNORMAL)
						subnormal++;
		}
		for (k = 0; k < 2; k++)
			if (dyn.unit[k].gain_db != 0.0f || dyn.unit[k].env != 0.0f)
				nonzero++;
		if (dyn.gr_db != 0.0f || dyn.gr_peak_db != 0.0f)
			nonzero++;

		/* NaN and inf in the input do not poison what follows */
		for (k = 0; k < 2; k++)
			for (i = 0; i < 256; i++)
				a[k][i] = (float)rnd();
		a[0][5] = NAN;
		a[1][9] = INFINITY;
		dynamics_process(&dyn, ch, 2, NULL, 0, 256);
		for (b = 0; b < 20; b++) {
			for (k = 0; k < 2; k++)
				for (i = 0; i < 256; i++)
					a[k][i] = 0.1f;
			dynamics_process(&dyn, ch, 2, NULL, 0, 256);
		}
		for (k = 0; k < 2; k++)
			for (i = 0; i < 256; i++)
				if (!isfinite(a[k][i]))
					nonfinite++;
	}
	CHECK_INT_EQ(subnormal, 0);
	CHECK_INT_EQ(nonzero, 0);
	CHECK_INT_EQ(nonfinite, 0);
}

/* ---- Split invariance ------------------------------------------------
 * The same stream, the same coefficient changes and resets at the same
 * absolute frames: one call per interval between changes, or calls of
 * random sizes, must give the same bits. */

#define SPLIT_FRAMES 200000
#define SPLIT_CH 6 /* main channels at most */
#define SPLIT_KEYS 2

/* Noise in stretches of 50..8000 frames at levels around and far from the
 * -30 dBFS threshold (so gates open, hold and close, compressors pump),
 * silences, and a few corrupt samples (NaN, inf, 1e20, whose square is
 * inf for the RMS detector). Its own generator per buffer. */
static void
split_signal(float *x, int n, uint64_t g)
{
	static const float levels[] = { 0.5f, 0.05f, 0.02f, 1e-3f, 0.0f, 1.0f, 0.1f, 1e-6f };
	int i = 0;

	while (i < n) {
		const int len = 50 + (int)(test_xorshift64(&g) % 7951);
		const float level = levels[test_xorshift64(&g) % 8];
		int j;

		for (j = i; j < i + len && j < n; j++)
			x[j] = level * (float)rand_signed(&g);
		i += len;
	}
	x[61111] = NAN;
	x[77777] = INFINITY;
	x[99999] = 1e20f;
	x[150017] = -1e20f;
}

enum { EV_SET, EV_RESET };

struct split_event {
	int frame;
	int kind;
	int set;
};

static void
split_render(const struct dynamics_coefs *sets, const struct split_event *ev, int nev,
    float *const *in, float *const *key, int channels, int keys, float *const *out,
    enum split_mode m, uint64_t seed, float *gr_last)
{
	float *ch[SPLIT_CH];
	const float *kb[SPLIT_KEYS];
	uint64_t rng = seed;
	int pos = 0, e = 0, k;

	for (k = 0; k < channels; k++)
		memcpy(out[k], in[k], sizeof(float) * SPLIT_FRAMES);
	dynamics_init(&dyn, &sets[0]);
	while (pos < SPLIT_FRAMES) {
		int stop = SPLIT_FRAMES, len;

		for (; e < nev && ev[e].frame == pos; e++) {
			if (ev[e].kind == EV_SET)
				dynamics_set_coefs(&dyn, &sets[ev[e].set]);
			else
				dynamics_reset(&dyn);
		}
		if (e < nev)
			stop = ev[e].frame;
		len = split_next(&rng, m, stop - pos);
		for (k = 0; k < channels; k++)
			ch[k] = out[k] + pos;
		for (k = 0; k < keys; k++)
			kb[k] = key[k] + pos;
		dynamics_process(&dyn, ch, channels, keys > 0 ? kb : NULL, keys, len);
		pos += len;
	}
	*gr_last = dyn.gr_db;
}

static void
test_split_invariance(void)
{
	static const int chans[] = { 1, 2, 6 };
	enum { NSETS = 5 };
	float *in[SPLIT_CH], *ref[SPLIT_CH], *out[SPLIT_CH], *key[SPLIT_KEYS];
	struct split_event ev[300];
	int mode, det, sc, link, k, m, i, nev = 0, renders = 0, differ = 0, reset_differ = 0;
	int configs = 0, gr_differ = 0;
	uint64_t seed = 0xfeedfacecafebeefull;

	for (k = 0; k < SPLIT_CH; k++) {
		in[k] = malloc(sizeof(float) * SPLIT_FRAMES);
		ref[k] = malloc(sizeof(float) * SPLIT_FRAMES);
		out[k] = malloc(sizeof(float) * SPLIT_FRAMES);
		REQUIRE(in[k] != NULL && ref[k] != NULL && out[k] != NULL);
		split_signal(in[k], SPLIT_FRAMES, 0x1000193ull * (uint64_t)(k + 1));
	}
	for (k = 0; k < SPLIT_KEYS; k++) {
		key[k] = malloc(sizeof(float) * SPLIT_FRAMES);
		REQUIRE(key[k] != NULL);
		split_signal(key[k], SPLIT_FRAMES, 0xabcdef12345ull * (uint64_t)(k + 3));
	}

#define EV(f, k_, s_) do { ev[nev].frame = (f); ev[nev].kind = (k_); ev[nev].set = (s_); \
	nev++; } while (0)
	EV(20000, EV_SET, 1);  /* threshold, makeup (a glide), knee, times */
	EV(20010, EV_SET, 2);  /* again, 10 frames later */
	EV(45000, EV_SET, 3);  /* link toggled, hold longer */
	for (i = 0; i < 150; i++) /* automation: a change every 41 frames */
		EV(60000 + 41 * i, EV_SET, i % NSETS);
	EV(80000, EV_RESET, 0);
	EV(90000, EV_SET, 4);
	EV(130000, EV_SET, 0);
	EV(130000, EV_RESET, 0); /* the last events */
#undef EV

	for (mode = 0; mode < 3; mode++)
	for (det = 0; det < 2; det++)
	for (sc = 0; sc < 3; sc++) /* no sidechain, one key, two keys */
	for (link = 0; link < 2; link++) {
		const int nch = chans[configs % 3], keys = sc;
		struct dynamics_coefs sets[NSETS];
		float gr_ref, gr_out;
		int j;

		for (j = 0; j < NSETS; j++) {
			struct dynamics_params p;

			memset(&p, 0, sizeof p);
			p.mode = (enum dynamics_mode)mode;
			p.detector = det ? DYNAMICS_RMS : DYNAMICS_PEAK;
			p.link = (link + (j == 3)) % 2 == 1;
			p.threshold_db = -30 + 4 * j;
			p.ratio = mode == DYNAMICS_COMPRESSOR ? 4 + 2 * j : 2 + j;
			p.knee_db = 3 * j;
			p.attack_ms = j == 4 ? 0 : 1 + 3 * j;
			p.release_ms = j == 4 ? 0 : 40 + 50 * j;
			p.hold_ms = 5 + 10 * j;
			p.range_db = 40 + 10 * j;
			p.makeup_db = j == 0 ? 0 : 6 - 3 * j;
			p.rms_ms = 2 + 10 * j;
			REQUIRE(dynamics_design(&p, SR, &sets[j]) == 0);
		}
		configs++;
		split_render(sets, ev, nev, in, key, nch, keys, ref, SPLIT_WHOLE, 0, &gr_ref);
		for (m = SPLIT_UNIFORM; m < SPLIT_MODES; m++) {
			split_render(sets, ev, nev, in, key, nch, keys, out, (enum split_mode)m,
			    seed++, &gr_out);
			renders++;
			if (memcmp(&gr_ref, &gr_out, sizeof gr_ref) != 0)
				gr_differ++;
			for (k = 0; k < nch; k++)
				if ((i = first_difference(ref[k], out[k], SPLIT_FRAMES)) >= 0) {
					fprintf(stderr, "dynamics split: mode %d det %d keys %d link %d "
					    "split %d: channel %d differs from frame %d\n", mode, det,
					    keys, link, m, k, i);
					differ++;
				}
		}
		/* After the reset at 130000 the output is a fresh kernel's. */
		{
			float *ch[SPLIT_CH];
			const float *kb[SPLIT_KEYS];
			uint64_t rng = seed++;
			int pos = 130000;

			for (k = 0; k < nch; k++)
				memcpy(out[k] + pos, in[k] + pos, sizeof(float) * (SPLIT_FRAMES - pos));
			dynamics_init(&dyn, &sets[0]);
			while (pos < SPLIT_FRAMES) {
				const int len = split_next(&rng, SPLIT_LOG, SPLIT_FRAMES - pos);

				for (k = 0; k < nch; k++)
					ch[k] = out[k] + pos;
				for (k = 0; k < keys; k++)
					kb[k] = key[k] + pos;
				dynamics_process(&dyn, ch, nch, keys > 0 ? kb : NULL, keys, len);
				pos += len;
			}
			for (k = 0; k < nch; k++)
				if (!same_bits(ref[k] + 130000, out[k] + 130000,
				    SPLIT_FRAMES - 130000))
					reset_differ++;
		}
	}
	CHECK_INT_EQ(configs, 3 * 2 * 3 * 2);
	CHECK_INT_EQ(renders, configs * 3);
	CHECK_INT_EQ(differ, 0);
	CHECK_INT_EQ(gr_differ, 0); /* the gain-reduction meter at the end, too */
	CHECK_INT_EQ(reset_differ, 0);
	printf("split invariance: %d configurations, %d split renders of %d frames identical\n",
	    configs, renders, SPLIT_FRAMES);
	for (k = 0; k < SPLIT_CH; k++) {
		free(in[k]);
		free(ref[k]);
		free(out[k]);
	}
	for (k = 0; k < SPLIT_KEYS; k++)
		free(key[k]);
}

static void
test_validation(void)
{
	struct dynamics_params p = comp(), q;
	struct dynamics_coefs c, keep;

	REQUIRE(dynamics_design(&p, SR, &c) == 0);
	keep = c;
	q = p;
	q.ratio = 0.5;
	CHECK_INT_EQ(dynamics_design(&q, SR, &c), DSP_ERR_INVALID);
	q = p;
	q.threshold_db = NAN;
	CHECK_INT_EQ(dynamics_design(&q, SR, &c), DSP_ERR_INVALID);
	q = p;
	q.attack_ms = -1;
	CHECK_INT_EQ(dynamics_design(&q, SR, &c), DSP_ERR_INVALID);
	q = p;
	q.detector = DYNAMICS_RMS;
	q.rms_ms = 0;
	CHECK_INT_EQ(dynamics_design(&q, SR, &c), DSP_ERR_INVALID);
	q = p;
	q.mode = (enum dynamics_mode)7;
	CHECK_INT_EQ(dynamics_design(&q, SR, &c), DSP_ERR_INVALID);
	q = p;
	q.mode = DYNAMICS_EXPANDER;
	q.ratio = INFINITY;
	q.range_db = 40;
	CHECK_INT_EQ(dynamics_design(&q, SR, &c), DSP_ERR_INVALID);
	CHECK_INT_EQ(dynamics_design(&p, 4000, &c), DSP_ERR_INVALID);
	CHECK(memcmp(&c, &keep, sizeof c) == 0);
	/* fields a mode does not use are not checked */
	q = p;
	q.range_db = NAN;
	q.hold_ms = -3;
	q.rms_ms = 0;
	CHECK_INT_EQ(dynamics_design(&q, SR, &c), 0);
	q.mode = DYNAMICS_GATE;
	q.range_db = 80;
	q.hold_ms = 0;
	q.ratio = NAN;
	q.knee_db = -1;
	CHECK_INT_EQ(dynamics_design(&q, SR, &c), 0);
	CHECK_INT_EQ(c.hold_frames, 0);
	q.hold_ms = 25;
	CHECK_INT_EQ(dynamics_design(&q, SR, &c), 0);
	CHECK_INT_EQ(c.hold_frames, 1200);
}

/* ---- reference: the frame-by-frame kernel this file's dynamics_process
 * replaced (dsp/dynamics.c before the block passes), kept verbatim to prove
 * the new schedule gives the same bits. */
#define PEAK_FLOOR 1e-10f
#define POWER_FLOOR 1e-20f
#define DB_PER_LOG2_POWER 3.0102999566398120f
#define GAIN_FLOOR_DB 1e-9f

static inline float
ref_max_f(float a, float b)
{
	return a > b ? a : b;
}

static inline float
ref_min_f(float a, float b)
{
	return a < b ? a : b;
}

/*
 * Branch-free forms of the curves (the level of a peak detector jumps about
 * every frame, so branches here would mispredict). With hk the half knee
 * and ks = slope/(4 hk) (knee_scale), the compressor is
 *     ks u^2 + slope max(d - hk, 0),   u = clamp(d + hk, 0, 2 hk):
 * 0 below the knee, ks (d + hk)^2 inside it, and above it
 * ks (2 hk)^2 + slope (d - hk) = slope d, since ks (2 hk)^2 = slope hk.
 * The expander mirrors it. A hard knee has hk = ks = 0.
 */
static inline float
ref_curve(const struct dynamics_coefs *c, float level_db)
{
	const float d = level_db - c->threshold_db; /* dB over the threshold */
	const float hk = c->half_knee_db;
	float u;

	switch (c->mode) {
	case DYNAMICS_COMPRESSOR:
		u = ref_min_f(ref_max_f(d + hk, 0.0f), 2.0f * hk);
		return c->knee_scale * u * u + c->slope * ref_max_f(d - hk, 0.0f);
	case DYNAMICS_EXPANDER:
		u = ref_min_f(ref_max_f(hk - d, 0.0f), 2.0f * hk);
		return ref_max_f(-c->knee_scale * u * u + c->slope * ref_min_f(d + hk, 0.0f),
		    -c->range_db);
	case DYNAMICS_GATE:
	default:
		return d >= 0.0f ? 0.0f : -c->range_db;
	}
}


/*
 * One frame of one unit: key is |x| (peak) or x^2 (RMS), already the max
 * over linked channels. Returns the smoothed gain in dB, makeup excluded.
 */
static inline float
ref_unit_step(const struct dynamics_coefs *c, struct dynamics_unit *u, float key)
{
	float level_db, target, g, coef;
	bool rising;

	if (c->detector == DYNAMICS_RMS) {
		float env = u->env + c->rms_coef * (key - u->env);

		/* Under the floor is silence, held at exactly 0 (no
		 * subnormals); a NaN key is ignored. */
		if (!(env > POWER_FLOOR))
			env = isnan(env) ? u->env : 0.0f;
		u->env = env;
		level_db = DB_PER_LOG2_POWER * dsp_fast_log2f(env > POWER_FLOOR ? env : POWER_FLOOR);
	} else {
		level_db = DSP_DB_PER_LOG2 * dsp_fast_log2f(key > PEAK_FLOOR ? key : PEAK_FLOOR);
	}
	target = ref_curve(c, level_db);

	if (c->mode == DYNAMICS_GATE) {
		if (target == 0.0f)
			u->hold = c->hold_frames;
		else if (u->hold > 0) {
			u->hold--;
			target = 0.0f;
		}
	}

	g = u->gain_db;
	/* The level rose if the compressor wants less gain, or the expander
	 * or gate more. Selected arithmetically: with a peak detector this
	 * flips at random from frame to frame, and a branch would mispredict
	 * half the time. */
	rising = c->mode == DYNAMICS_COMPRESSOR ? target < g : target > g;
	coef = c->release_coef + (float)rising * (c->attack_coef - c->release_coef);
	g = target + coef * (g - target);
	if (fabsf(g) < GAIN_FLOOR_DB)
		g = 0.0f;
	u->gain_db = g;
	return g;
}

static inline float
ref_key_of(enum dynamics_detector det, float x)
{
	return det == DYNAMICS_RMS ? x * x : fabsf(x);
}

/* Corrupt state (from NaN/inf input that slipped through) starts over. */
static void
ref_unit_guard(struct dynamics_unit *u)
{
	if (!(fabsf(u->gain_db) <= 1e4f) || !(u->env >= 0.0f && u->env < 1e30f)) {
		u->gain_db = 0.0f;
		u->env = 0.0f;
	}
}

/* What is left of a makeup glide, at a guard: under GAIN_FLOOR_DB it is
 * over (and would otherwise decay into the subnormals). */
static inline float
ref_glide_guard(float glide)
{
	return fabsf(glide) < GAIN_FLOOR_DB ? 0.0f : glide;
}

/*
 * The guards (unit_guard, glide_guard) fall every DSP_GUARD_FRAMES frames
 * of the stream, counted by d->guard_frames from reset, never at call
 * boundaries: see the split-invariance note in dynamics.h. Unlinked, every
 * channel replays the same frames from the same counter and makeup glide.
 */
static void
ref_dynamics_process(struct dynamics *d, float *const *restrict ch, int channels,
    const float *const *restrict sidechain, int sidechain_channels, int frames)
{
	const struct dynamics_coefs *c = &d->co;
	const float *const *key = sidechain != NULL ? sidechain : (const float *const *)ch;
	const int keys = sidechain != NULL ? sidechain_channels : channels;
	/* The makeup in use is makeup_db + glide, the glide decaying to 0
	 * (a decaying offset, unlike a one-pole towards the target, never
	 * stalls a few ulps short in float). */
	const float mk = c->makeup_db, pole_mk = c->makeup_pole;
	const float glide_start = d->makeup_glide_db;
	const int since_start = d->guard_frames;
	float glide = glide_start, peak = 0.0f, last = 0.0f;
	int since = since_start, i, k;

	if (channels > DSP_MAX_CHANNELS)
		channels = DSP_MAX_CHANNELS;
	if (channels <= 0 || frames <= 0 || keys <= 0 || keys > DSP_MAX_CHANNELS)
		return;

	if (c->link) {
		struct dynamics_unit *u = &d->unit[0];

		for (i = 0; i < frames;) {
			const int end = i + dsp_guard_span(since, frames - i);

			since += end - i;
			for (; i < end; i++) {
				float kmax = 0.0f, g, lin;

				for (k = 0; k < keys; k++) {
					const float v = ref_key_of(c->detector, key[k][i]);

					kmax = v > kmax ? v : kmax;
				}
				g = ref_unit_step(c, u, kmax);
				peak = g < peak ? g : peak;
				glide *= pole_mk;
				lin = dsp_fast_db_to_lin(g + mk + glide);
				for (k = 0; k < channels; k++)
					ch[k][i] *= lin;
			}
			if (since >= DSP_GUARD_FRAMES) {
				ref_unit_guard(u);
				glide = ref_glide_guard(glide);
				since = 0;
			}
		}
		last = u->gain_db;
	} else {
		last = 0.0f;
		for (k = 0; k < channels; k++) {
			struct dynamics_unit *u = &d->unit[k];
			const float *kb = key[k % keys];
			float *buf = ch[k];

			glide = glide_start;
			since = since_start;
			for (i = 0; i < frames;) {
				const int end = i + dsp_guard_span(since, frames - i);

				since += end - i;
				for (; i < end; i++) {
					const float g = ref_unit_step(c, u, ref_key_of(c->detector, kb[i]));

					peak = g < peak ? g : peak;
					glide *= pole_mk;
					buf[i] *= dsp_fast_db_to_lin(g + mk + glide);
				}
				if (since >= DSP_GUARD_FRAMES) {
					ref_unit_guard(u);
					glide = ref_glide_guard(glide);
					since = 0;
				}
			}
			last = u->gain_db < last ? u->gain_db : last;
		}
	}

	d->makeup_glide_db = glide;
	d->guard_frames = since;
	d->gr_db = last;
	d->gr_peak_db = peak;
}


/*
 * dynamics_process gives the same bits as the frame-by-frame reference
 * for every mode and detector, linked and unlinked, own key and
 * sidechain, makeup changes (a glide running), calls of every size,
 * silence, a NaN and an infinity in the input.
 */
static void
test_matches_reference(void)
{
	enum { N = 6000, CH = 3 };
	static struct dynamics a, b;
	float *xa[CH], *xb[CH], *key[2];
	int differ = 0, runs = 0;

	for (int c = 0; c < CH; c++) {
		xa[c] = malloc(sizeof(float) * N);
		xb[c] = malloc(sizeof(float) * N);
		REQUIRE(xa[c] != NULL && xb[c] != NULL);
	}
	for (int c = 0; c < 2; c++) {
		key[c] = malloc(sizeof(float) * N);
		REQUIRE(key[c] != NULL);
		for (int i = 0; i < N; i++)
			key[c][i] = (float)(rnd() * (0.5 + 0.5 * sin(i * 0.003 + c)));
	}
	for (int mode = 0; mode < 3; mode++)
	for (int det = 0; det < 2; det++)
	for (int link = 0; link < 2; link++)
	for (int side = 0; side < 2; side++) {
		struct dynamics_params p = comp();
		struct dynamics_coefs c1, c2;
		int pos = 0, chans = 1 + (mode + det + side) % CH;

		p.mode = (enum dynamics_mode)mode;
		p.ratio = mode == DYNAMICS_COMPRESSOR ? 3 : 2;
		p.range_db = 50;
		p.attack_ms = 5;
		p.release_ms = 80;
		p.detector = (enum dynamics_detector)det;
		p.link = link;
		p.knee_db = det ? 6 : 0;
		p.hold_ms = 20;
		REQUIRE(dynamics_design(&p, 48000, &c1) == 0);
		p.makeup_db = 6;
		p.threshold_db -= 10;
		REQUIRE(dynamics_design(&p, 48000, &c2) == 0);
		dynamics_init(&a, &c1);
		dynamics_init(&b, &c1);
		for (int c = 0; c < chans; c++)
			for (int i = 0; i < N; i++) {
				double env = i < 2000 ? 0.9 : i < 3000 ? 0.05 : i < 4000 ? 0.0 : 0.4;

				xa[c][i] = xb[c][i] = (float)(rnd() * env);
			}
		xa[0][4500] = xb[0][4500] = NAN;
		xa[chans - 1][5000] = xb[chans - 1][5000] = INFINITY;
		while (pos < N) {
			int n = 1 + (int)((rnd() + 1) * 70);
			float *pa[CH], *pb[CH];
			const float *ks[2] = { key[0] + pos, key[1] + pos };

			if (n > N - pos)
				n = N - pos;
			if (pos >= 1500 && pos < 1500 + 140) {   /* a makeup change */
				dynamics_set_coefs(&a, &c2);
				dynamics_set_coefs(&b, &c2);
			}
			for (int c = 0; c < chans; c++) {
				pa[c] = xa[c] + pos;
				pb[c] = xb[c] + pos;
			}
			dynamics_process(&a, pa, chans, side ? ks : NULL, 2, n);
			ref_dynamics_process(&b, pb, chans, side ? ks : NULL, 2, n);
			if (a.gr_db != b.gr_db && !(isnan(a.gr_db) && isnan(b.gr_db)))
				differ++;
			if (a.gr_peak_db != b.gr_peak_db)
				differ++;
			pos += n;
		}
		for (int c = 0; c < chans; c++)
			if (memcmp(xa[c], xb[c], sizeof(float) * N) != 0)
				differ++;
		if (memcmp(&a, &b, sizeof a) != 0)
			differ++;
		runs++;
	}
	CHECK_INT_EQ(differ, 0);
	CHECK_INT_EQ(runs, 24);
	for (int c = 0; c < CH; c++) {
		free(xa[c]);
		free(xb[c]);
	}
	free(key[0]);
	free(key[1]);
}

/* Uniform integer in [lo, hi]. */
static int
rnd_int(int lo, int hi)
{
	return lo + (int)((rnd() + 1.0) * 0.5 * (hi - lo + 1)) % (hi - lo + 1);
}

/*
 * dynamics_process against the frame-by-frame reference on random
 * settings (a few thousand): every mode and detector, attack faster,
 * slower than or equal to release and either of them 0 (the smoother's
 * candidates are picked by min or max depending on that order), hard and
 * soft knees, thresholds from -90 to 0 dBFS, linked and unlinked, 1..6
 * channels, own key or a sidechain, makeup changes mid-stream, calls of
 * 64 frames, of 1..40 and of 1..700, from any guard phase; signals: noise
 * and tones at levels around the threshold, silence (the gain decays to
 * exactly 0 through the floor), subnormal input, NaN and inf. The same
 * bits, output and state.
 */
static void
test_random_against_reference(void)
{
	enum { N = 1500, CH = 6 };
	static struct dynamics a, b;
	static float xa[CH][N], xb[CH][N], sk[2][N];
	int trial, differ = 0, runs = 0;

	for (trial = 0; trial < 3000; trial++) {
		struct dynamics_params p;
		struct dynamics_coefs c1, c2;
		const int chans = rnd_int(1, CH), style = trial % 3, sig = rnd_int(0, 5);
		const bool side = rnd_int(0, 3) == 0;
		const double level = pow(10.0, rnd_int(-90, 6) / 20.0);
		int pos = 0, since0 = rnd_int(0, DSP_GUARD_FRAMES - 1);
		bool ok = true;

		memset(&p, 0, sizeof p);
		p.mode = (enum dynamics_mode)rnd_int(0, 2);
		p.detector = (enum dynamics_detector)rnd_int(0, 1);
		p.link = rnd_int(0, 1);
		p.threshold_db = rnd_int(-90, 0);
		p.ratio = p.mode == DYNAMICS_COMPRESSOR ? 1.0 + 20.0 * (rnd() + 1.0) : 1.0 + 4.0 * (rnd() + 1.0);
		p.knee_db = rnd_int(0, 2) == 0 ? 0.0 : 24.0 * (rnd() + 1.0);
		switch (rnd_int(0, 4)) {
		case 0:   /* attack slower than release */
			p.attack_ms = 100.0 * (rnd() + 1.0);
			p.release_ms = 5.0 * (rnd() + 1.0);
			break;
		case 1:   /* the same */
			p.attack_ms = p.release_ms = 20.0;
			break;
		case 2:   /* instant attack or release */
			p.attack_ms = rnd_int(0, 1) ? 0.0 : 3.0;
			p.release_ms = p.attack_ms == 0.0 ? 50.0 : 0.0;
			break;
		default:
			p.attack_ms = 10.0 * (rnd() + 1.0);
			p.release_ms = 50.0 + 200.0 * (rnd() + 1.0);
			break;
		}
		p.hold_ms = 5.0 * (rnd() + 1.0);
		p.range_db = 10.0 + 30.0 * (rnd() + 1.0);
		p.makeup_db = rnd_int(-6, 6);
		p.rms_ms = 0.1 + 20.0 * (rnd() + 1.0);
		REQUIRE(dynamics_design(&p, 48000, &c1) == 0);
		p.makeup_db += 5;
		p.threshold_db -= 6;
		REQUIRE(dynamics_design(&p, 48000, &c2) == 0);
		dynamics_init(&a, &c1);
		a.guard_frames = since0;
		b = a;
		for (int c = 0; c < chans; c++)
			for (int i = 0; i < N; i++) {
				double x = rnd();

				switch (sig) {
				case 1:   /* a tone */
					x = sin(0.05 * i + c);
					break;
				case 2:   /* a burst, then silence */
					x = i < 300 ? x : 0.0;
					break;
				case 3:   /* subnormal */
					x *= 1e-39 / level;
					break;
				default:
					break;
				}
				xa[c][i] = xb[c][i] = (float)(x * level);
			}
		if (sig == 4) {
			xa[0][N / 3] = xb[0][N / 3] = NAN;
			xa[chans - 1][N / 2] = xb[chans - 1][N / 2] = INFINITY;
		}
		for (int k = 0; k < 2; k++)
			for (int i = 0; i < N; i++)
				sk[k][i] = (float)(level * rnd() * (i % 500 < 250 ? 1.0 : 0.01));
		while (pos < N) {
			int n = style == 0 ? 64 : style == 1 ? rnd_int(1, 40) : rnd_int(1, 700);
			float *pa[CH], *pb[CH];
			const float *ks[2] = { sk[0] + pos, sk[1] + pos };

			if (n > N - pos)
				n = N - pos;
			if (pos <= N / 2 && pos + n > N / 2) {   /* a change mid-stream */
				dynamics_set_coefs(&a, &c2);
				dynamics_set_coefs(&b, &c2);
			}
			for (int c = 0; c < chans; c++) {
				pa[c] = xa[c] + pos;
				pb[c] = xb[c] + pos;
			}
			dynamics_process(&a, pa, chans, side ? ks : NULL, 2, n);
			ref_dynamics_process(&b, pb, chans, side ? ks : NULL, 2, n);
			pos += n;
		}
		for (int c = 0; c < chans; c++)
			if (memcmp(xa[c], xb[c], sizeof xa[c]) != 0)
				ok = false;
		if (memcmp(&a, &b, sizeof a) != 0)
			ok = false;
		if (!ok && ++differ <= 5)
			fprintf(stderr, "trial %d differs: mode %d det %d link %d chans %d "
			    "side %d style %d signal %d attack %g release %g\n", trial, p.mode,
			    p.detector, p.link, chans, side, style, sig, p.attack_ms, p.release_ms);
		runs++;
	}
	CHECK_INT_EQ(differ, 0);
	CHECK_INT_EQ(runs, 3000);
}

/*
 * dynamics_process_batch against dynamics_process on each mono channel, on
 * random settings: 2..4 units of one mode and detector (sometimes a gate,
 * mixed smoother directions or guard phases: not batchable, run one after
 * the other), each with its own threshold, ratio, knee, times, makeup and
 * link, and its own signal (noise, tones, bursts into silence, subnormals,
 * NaN and inf); calls of 64, 1..40 and 1..700 frames; coefficients changed
 * mid-stream. The same bits, output and state (meters included).
 */
static void
test_batch_matches_single(void)
{
	enum { N = 1500, U = DYNAMICS_BATCH_MAX };
	static struct dynamics a[U], b[U];
	static float xa[U][N], xb[U][N];
	int differ = 0, batched = 0;

	for (int trial = 0; trial < 2000; trial++) {
		const int count = rnd_int(2, U), style = trial % 3;
		const enum dynamics_mode mode = rnd_int(0, 9) == 0 ? DYNAMICS_GATE :
		    (enum dynamics_mode)rnd_int(0, 1);
		const enum dynamics_detector det = (enum dynamics_detector)rnd_int(0, 1);
		const bool mixed_times = rnd_int(0, 9) == 0;
		const int since0 = rnd_int(0, DSP_GUARD_FRAMES - 1);
		struct dynamics_coefs c2[U];
		struct dynamics *pa[U];
		bool ok = true;
		int pos = 0;

		for (int k = 0; k < count; k++) {
			struct dynamics_params p;
			struct dynamics_coefs c1;
			const double level = pow(10.0, rnd_int(-90, 6) / 20.0);
			const int sig = rnd_int(0, 5);

			memset(&p, 0, sizeof p);
			p.mode = mode;
			p.detector = det;
			p.link = rnd_int(0, 1);
			p.threshold_db = rnd_int(-90, 0);
			p.ratio = 1.0 + 10.0 * (rnd() + 1.0);
			p.knee_db = rnd_int(0, 2) == 0 ? 0.0 : 24.0 * (rnd() + 1.0);
			if (mixed_times && k == count - 1) {
				p.attack_ms = 100.0 * (rnd() + 1.0);   /* slower than release */
				p.release_ms = 5.0 * (rnd() + 1.0);
			} else {
				p.attack_ms = rnd_int(0, 4) == 0 ? 0.0 : 10.0 * (rnd() + 1.0);
				p.release_ms = 50.0 + 200.0 * (rnd() + 1.0);
			}
			p.hold_ms = 5.0;
			p.range_db = 10.0 + 30.0 * (rnd() + 1.0);
			p.makeup_db = rnd_int(-6, 6);
			p.rms_ms = 0.1 + 20.0 * (rnd() + 1.0);
			REQUIRE(dynamics_design(&p, 48000, &c1) == 0);
			p.makeup_db += 5;
			p.threshold_db -= 6;
			REQUIRE(dynamics_design(&p, 48000, &c2[k]) == 0);
			dynamics_init(&a[k], &c1);
			a[k].guard_frames = since0 + (rnd_int(0, 19) == 0 ? 1 : 0);
			a[k].guard_frames %= DSP_GUARD_FRAMES;
			b[k] = a[k];
			pa[k] = &a[k];
			for (int i = 0; i < N; i++) {
				double x = rnd();

				if (sig == 1)
					x = sin(0.05 * i + k);
				else if (sig == 2)
					x = i < 300 ? x : 0.0;
				else if (sig == 3)
					x *= 1e-39 / level;
				xa[k][i] = xb[k][i] = (float)(x * level);
			}
			if (sig == 4) {
				xa[k][N / 3] = xb[k][N / 3] = NAN;
				xa[k][N / 2] = xb[k][N / 2] = INFINITY;
			}
		}
		batched += dynamics_batchable(pa, count);
		while (pos < N) {
			int n = style == 0 ? 64 : style == 1 ? rnd_int(1, 40) : rnd_int(1, 700);
			float *ba[U];

			if (n > N - pos)
				n = N - pos;
			if (pos <= N / 2 && pos + n > N / 2)
				for (int k = 0; k < count; k++) {
					dynamics_set_coefs(&a[k], &c2[k]);
					dynamics_set_coefs(&b[k], &c2[k]);
				}
			for (int k = 0; k < count; k++) {
				float *pb = xb[k] + pos;

				ba[k] = xa[k] + pos;
				dynamics_process(&b[k], &pb, 1, NULL, 0, n);
			}
			dynamics_process_batch(pa, ba, count, n);
			pos += n;
		}
		for (int k = 0; k < count; k++)
			if (memcmp(xa[k], xb[k], sizeof xa[k]) != 0 ||
			    memcmp(&a[k], &b[k], sizeof a[k]) != 0)
				ok = false;
		if (!ok && ++differ <= 5)
			fprintf(stderr, "batch trial %d differs: mode %d det %d count %d "
			    "style %d\n", trial, mode, det, count, style);
	}
	CHECK_INT_EQ(differ, 0);
	/* most trials did run batched (where the CPU has the vector code) */
#if defined(__SSE2__)
	CHECK(batched > 1000);
#endif
}

int
main(void)
{
	test_fast_math();
	test_curves();
	test_static_levels();
	test_attack_release();
	test_gate_hold();
	test_sidechain();
	test_linking();
	test_smooth_changes();
	test_denormals_and_nan();
	test_split_invariance();
	test_matches_reference();
	test_random_against_reference();
	test_batch_matches_single();
	test_validation();
	return test_report();
}
