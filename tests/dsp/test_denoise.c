/*
 * Denoiser: how far steady noise is removed and that its colour stays,
 * that a tone and a speech-like harmonic signal survive (with a profile and
 * without), separate tonal reduction, the true latency, adaptive level
 * tracking (with a profile and without), bit-identical
 * output however the stream is split, bad input (NaN, inf, clipping,
 * silence, denormals), profile compatibility, validation. Signals are made
 * here.
 */
#include "test.h"

#include <stdint.h>
#include <stdlib.h>

#include "dsp/denoise.h"
#include "dsp/dsp.h"
#include "dsp/noiseprofile.h"
#include "dsp/signals.h"

#define SR 48000

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static float gauss(void)
{
	double u1 = rand_unit(&rng) + 1e-12, u2 = rand_unit(&rng);

	return (float)(sqrt(-2.0 * log(u1)) * cos(2 * M_PI * u2));
}

/* pink-ish noise: white through a one-pole low-pass (6 dB/oct above 500 Hz) plus some white */
static void
make_noise(float *x, long n, float amp)
{
	float lp = 0;

	for (long i = 0; i < n; i++) {
		float w = gauss();

		lp += 0.0634f * (w - lp);
		x[i] = amp * (2.0f * lp + 0.25f * w);
	}
}

static struct noise_profile prof;

static void
learn(const float *x, long n)
{
	const float *ch[1] = { x };
	const char *why = NULL;

	if (noise_profile_learn(ch, 1, n, SR, &prof, &why) != 0)
		TEST_FAIL_("learn: %s", why);
}

/* Runs x[0..n) through a new denoiser (profile when use_prof) in 512-frame
 * blocks plus the latency flush; y[0..n) gets the aligned output. */
static void
run(const struct denoise_params *p, bool use_prof, const float *x, float *y, long n)
{
	struct denoise *d = denoise_create(1, SR, p);
	int lat;
	float *b;

	if (d == NULL) {
		TEST_FAIL_("create");
		return;
	}
	if (use_prof)
		CHECK_INT_EQ(denoise_set_profile(d, &prof), 0);
	lat = denoise_latency(d);
	b = calloc((size_t)(n + lat), sizeof(float));
	memcpy(b, x, sizeof(float) * (size_t)n);
	for (long i = 0; i < n + lat; i += 512) {
		float *ch[1] = { b + i };

		denoise_process(d, ch, (int)(n + lat - i < 512 ? n + lat - i : 512));
	}
	memcpy(y, b + lat, sizeof(float) * (size_t)n);
	free(b);
	denoise_destroy(d);
}

static double
db10(double x)
{
	return 10 * log10(x + 1e-30);
}

/* mean power of x[a, b) after a one-pole split at ~1 kHz: lo and hi part */
static void
band_power(const float *x, long a, long b, double *lo, double *hi)
{
	double sl = 0, sh = 0;
	float l = 0;

	for (long i = 0; i < b; i++) {
		l += 0.123f * (x[i] - l);
		if (i >= a) {
			sl += (double)l * l;
			sh += (double)(x[i] - l) * (x[i] - l);
		}
	}
	*lo = sl / (b - a);
	*hi = sh / (b - a);
}

static void
test_validation(void)
{
	struct denoise_params p;

	denoise_params_default(&p);
	CHECK(denoise_params_check(&p) == NULL);
	CHECK_NEAR(p.reduction_db, 24.0, 0);
	p.reduction_db = -1;
	CHECK(denoise_params_check(&p) != NULL && strstr(denoise_params_check(&p), "reduction_db") != NULL);
	p.reduction_db = 41;
	CHECK(denoise_params_check(&p) != NULL);
	p.reduction_db = NAN;
	CHECK(denoise_params_check(&p) != NULL);
	CHECK(denoise_create(1, SR, &p) == NULL);
	denoise_params_default(&p);
	p.tonal_reduction_db = 61;
	CHECK(denoise_params_check(&p) != NULL && strstr(denoise_params_check(&p), "tonal_reduction_db") != NULL);
	denoise_params_default(&p);
	CHECK(denoise_create(0, SR, &p) == NULL);
	CHECK(denoise_create(DSP_MAX_CHANNELS + 1, SR, &p) == NULL);
	CHECK(denoise_create(1, 7999, &p) == NULL);
	CHECK(denoise_create(1, 192001, &p) == NULL);
	denoise_destroy(NULL);
}

static void
test_profile_rate(void)
{
	struct denoise_params p;
	struct denoise *d;
	float *x = malloc(sizeof(float) * 44100);
	const float *ch[1] = { x };
	const char *why;

	denoise_params_default(&p);
	make_noise(x, 44100, 0.01f);
	REQUIRE(noise_profile_learn(ch, 1, 44100, 44100, &prof, &why) == 0);
	d = denoise_create(1, SR, &p);
	REQUIRE(d != NULL);
	CHECK_INT_EQ(denoise_set_profile(d, &prof), DSP_ERR_INVALID);
	denoise_destroy(d);
	d = denoise_create(1, 44100, &p);
	REQUIRE(d != NULL);
	CHECK_INT_EQ(denoise_set_profile(d, &prof), 0);
	CHECK_INT_EQ(denoise_latency(d), 2047);
	denoise_destroy(d);
	free(x);
}

/* latency: an impulse through the pass-through configuration lands at
 * exactly `latency`; a tone through the active denoiser keeps its phase
 * (the lag of the best cross-correlation with the input is the latency) */
static void
test_latency(void)
{
	struct denoise_params p;
	struct denoise *d;
	const int n = 8192;
	float *x = calloc(n, sizeof(float));
	float *ch[1] = { x };
	int lat, peak = -1;
	float pv = 0;

	denoise_params_default(&p);
	p.adaptive = false;
	d = denoise_create(1, SR, &p);
	REQUIRE(d != NULL);
	lat = denoise_latency(d);
	CHECK_INT_EQ(lat, 2047);
	x[100] = 1.0f;
	for (int i = 0; i < n; i += 64)
		denoise_process(d, (float *const[]){ x + i }, 64);
	for (int i = 0; i < n; i++)
		if (fabsf(x[i]) > pv) {
			pv = fabsf(x[i]);
			peak = i;
		}
	CHECK_INT_EQ(peak, 100 + lat);
	CHECK_NEAR(pv, 1.0, 1e-5);
	denoise_destroy(d);
	(void)ch;

	/* active: a 997 Hz tone 30 dB over noise, profile of the noise */
	{
		const long m = 2 * SR;
		float *nz = malloc(sizeof(float) * m), *in = malloc(sizeof(float) * m),
		    *out = malloc(sizeof(float) * (m + lat));
		double best = -1;
		int best_lag = 0;

		make_noise(nz, m, 0.003f);
		learn(nz, SR / 2);
		for (long i = 0; i < m; i++)
			in[i] = nz[i] + 0.3f * (float)sin(2 * M_PI * 997.0 * i / SR);
		d = denoise_create(1, SR, &p);
		REQUIRE(d != NULL);
		denoise_set_profile(d, &prof);
		memcpy(out, in, sizeof(float) * m);
		memset(out + m, 0, sizeof(float) * lat);
		denoise_process(d, (float *const[]){ out }, (int)(m + lat));
		for (int lag = lat - 40; lag <= lat + 40; lag++) {
			double s = 0;

			for (long i = SR / 2; i < m - 100; i++)
				s += (double)in[i] * out[i + lag];
			if (s > best) {
				best = s;
				best_lag = lag;
			}
		}
		CHECK_INT_EQ(best_lag, lat);
		denoise_destroy(d);
		free(nz);
		free(in);
		free(out);
	}
	free(x);
}

/* noise only: removed by reduction_db (+-1.5 dB) in both halves of the
 * spectrum, so its colour stays */
static void
test_reduction_and_colour(void)
{
	struct denoise_params p;
	const long n = 3 * SR;
	float *x = malloc(sizeof(float) * n), *y = malloc(sizeof(float) * n);
	double li, hi, lo_o, hi_o;

	denoise_params_default(&p);
	make_noise(x, n, 0.01f);
	learn(x, SR);
	for (int adaptive = 0; adaptive < 2; adaptive++) {
		p.adaptive = adaptive;
		run(&p, true, x, y, n);
		band_power(x, SR, n, &li, &hi);
		band_power(y, SR, n, &lo_o, &hi_o);
		CHECK_NEAR(db10(lo_o) - db10(li), -24.0, 1.5);
		CHECK_NEAR(db10(hi_o) - db10(hi), -24.0, 1.5);
		CHECK_NEAR(db10(lo_o) - db10(li), db10(hi_o) - db10(hi), 1.0);
	}
	/* fully adaptive, no profile: the same noise goes down by >= 20 dB */
	p.adaptive = true;
	run(&p, false, x, y, n);
	CHECK(db10(mean_power(y + SR, (int)(n - SR))) - db10(mean_power(x + SR, (int)(n - SR))) < -20.0);
	p.reduction_db = 10;
	run(&p, true, x, y, n);
	CHECK_NEAR(db10(mean_power(y + SR, (int)(n - SR))) - db10(mean_power(x + SR, (int)(n - SR))), -10.0, 1.0);
	free(x);
	free(y);
}

/* a steady tone 20 dB over the noise survives within 0.5 dB */
static void
test_tone_survives(void)
{
	struct denoise_params p;
	const long n = 2 * SR;
	float *x = malloc(sizeof(float) * n), *y = malloc(sizeof(float) * n);
	const double w = 2 * M_PI * 1500.0 / SR;

	denoise_params_default(&p);
	make_noise(x, n, 0.01f);
	learn(x, SR / 2);
	for (long i = 0; i < n; i++)
		x[i] += 0.1f * (float)sin(w * i);
	run(&p, true, x, y, n);
	CHECK_NEAR(20 * log10(fit_amplitude(y + SR, SR, w, SR)), -20.0, 0.5);
	free(x);
	free(y);
}

/* speech-like: a 140 Hz harmonic voice with a moving formant and syllable
 * envelope at 5 dB SNR over the noise, after 1 s of noise alone. Returns
 * the SI-SDR gain over the speech part; *level_db the voice's power after
 * (SI-SDR target part) minus before. */
static double
speech_like_gain(const struct denoise_params *p, bool use_prof, double *level_db)
{
	const long n = 4 * SR, lead = SR;
	float *x = malloc(sizeof(float) * n), *y = malloc(sizeof(float) * n), *s = calloc(n, sizeof(float));
	double ps, pn = 0, a, e_in = 0, e_out = 0, t_in = 0, t_out = 0, sy = 0, ss = 0, ph = 0;
	float *nz = malloc(sizeof(float) * n);

	for (long i = lead; i < n; i++) {
		double t = (double)i / SR, f1 = 600 + 1200 * (0.5 + 0.5 * sin(2 * M_PI * 2.7 * t));
		double env = fmax(0, sin(2 * M_PI * 2.5 * t)), v = 0, f0 = 140 * (1 + 0.05 * sin(2 * M_PI * 1.1 * t));

		ph += 2 * M_PI * f0 / SR;
		for (int h = 1; h < 30; h++) {
			double fh = h * f0;

			v += exp(-((fh - f1) * (fh - f1)) / (2 * 400.0 * 400.0)) * sin(h * ph) + 0.1 * sin(h * ph) / h;
		}
		s[i] = (float)(env * v);
	}
	make_noise(nz, n, 1.0f);
	ps = mean_power(s + lead, (int)(n - lead));
	pn = mean_power(nz + lead, (int)(n - lead));
	a = sqrt(ps / pn / pow(10, 0.5));
	for (long i = 0; i < n; i++)
		x[i] = s[i] + (float)(a * nz[i]);
	if (use_prof)
		learn(x, lead - SR / 10);
	run(p, use_prof, x, y, n);
	/* SI-SDR of input and output over the speech part */
	for (long i = lead; i < n; i++) {
		sy += (double)s[i] * y[i];
		ss += (double)s[i] * s[i];
	}
	for (long i = lead; i < n; i++) {
		double ti = s[i], to = sy / ss * s[i];

		t_in += ti * ti;
		e_in += (x[i] - ti) * (x[i] - ti);
		t_out += to * to;
		e_out += (y[i] - to) * (y[i] - to);
	}
	*level_db = db10(t_out / (n - lead)) - db10(ps);
	free(x);
	free(y);
	free(s);
	free(nz);
	return db10(t_out / e_out) - db10(t_in / e_in);
}

/* the speech-like voice: SI-SDR improves by >= 8 dB and the voice's power
 * is kept within 2 dB, with a profile and with none (the tracker learns
 * the noise from the lead and must not take the voice for noise) */
static void
test_speech_like(void)
{
	struct denoise_params p;
	double lev, d;

	denoise_params_default(&p);
	d = speech_like_gain(&p, true, &lev);
	CHECK(d >= 8.0);
	CHECK_NEAR(lev, 0.0, 2.0);
	d = speech_like_gain(&p, false, &lev);
	CHECK(d >= 8.0);
	CHECK_NEAR(lev, 0.0, 2.0);
}

/* a 120 Hz hum in noise: tonal_reduction_db 40 removes >= 30 dB of it, 0
 * keeps it within 1 dB while the broadband noise still goes */
static void
test_tonal(void)
{
	struct denoise_params p;
	const long n = 3 * SR;
	float *x = malloc(sizeof(float) * n), *y = malloc(sizeof(float) * n);
	const double w = 2 * M_PI * 120.0 / SR;
	double in_db;

	denoise_params_default(&p);
	for (long i = 0; i < n; i++)
		x[i] = 0.003f * gauss() + 0.05f * (float)sin(w * i);
	learn(x, SR);
	in_db = 20 * log10(fit_amplitude(x + SR, (int)(n - SR), w, SR));
	p.tonal_reduction_db = 40;
	run(&p, true, x, y, n);
	CHECK(20 * log10(fit_amplitude(y + SR, (int)(n - SR), w, SR)) - in_db < -30.0);
	p.tonal_reduction_db = 0;
	run(&p, true, x, y, n);
	CHECK_NEAR(20 * log10(fit_amplitude(y + SR, (int)(n - SR), w, SR)) - in_db, 0.0, 1.0);
	free(x);
	free(y);
}

/* adaptive with a profile follows a noise that rises by 10 dB; a fixed
 * profile leaves it 10 dB louder */
static void
test_tracking(void)
{
	struct denoise_params p;
	const long n = 4 * SR;
	float *x = malloc(sizeof(float) * n), *y = malloc(sizeof(float) * n);
	double r_ad, r_fix;

	denoise_params_default(&p);
	make_noise(x, n, 0.003f);
	learn(x, SR);
	for (long i = 2 * SR; i < n; i++)
		x[i] *= 3.162f;
	run(&p, true, x, y, n);
	r_ad = db10(mean_power(y + 3 * SR, SR)) - db10(mean_power(x + 3 * SR, SR));
	p.adaptive = false;
	run(&p, true, x, y, n);
	r_fix = db10(mean_power(y + 3 * SR, SR)) - db10(mean_power(x + 3 * SR, SR));
	CHECK_NEAR(r_ad, -24.0, 2.0);
	CHECK(r_fix > -12.0);
	/* no profile: the level follows within a second though the shape is
	 * slow (2 s): the noise after the step goes down as much as before it
	 * (>= 20 dB: the young estimate's errors let some bins over the floor) */
	p.adaptive = true;
	run(&p, false, x, y, n);
	r_ad = db10(mean_power(y + 3 * SR, SR)) - db10(mean_power(x + 3 * SR, SR));
	r_fix = db10(mean_power(y + SR, SR)) - db10(mean_power(x + SR, SR));
	CHECK_NEAR(r_ad, r_fix, 1.5);
	CHECK(r_fix < -20.0);
	free(x);
	free(y);
}

/* same bits whatever the call sizes: 1, 64, 4096, random */
static void
test_split(void)
{
	const long n = SR * 3 / 2;
	float *x = malloc(sizeof(float) * n), *ref = malloc(sizeof(float) * n), *y = malloc(sizeof(float) * n);
	struct denoise_params p;

	denoise_params_default(&p);
	make_noise(x, n, 0.01f);
	for (long i = SR / 2; i < n; i++)
		x[i] += 0.2f * (float)sin(2 * M_PI * 300.0 * i / SR) * (float)(i % 9000 < 4000);
	learn(x, SR / 2);
	for (int use_prof = 0; use_prof < 2; use_prof++) {
		for (int mode = 0; mode < 5; mode++) {
			struct denoise *d = denoise_create(1, SR, &p);
			uint64_t r = 77;

			REQUIRE(d != NULL);
			if (use_prof)
				denoise_set_profile(d, &prof);
			memcpy(y, x, sizeof(float) * n);
			for (long i = 0; i < n;) {
				long left = n - i;
				int m = mode == 0 ? (int)left : mode == 1 ? 1 : mode == 2 ? 64 : mode == 3 ? 4096 :
				    split_next(&r, SPLIT_LOG, (int)(left < 100000 ? left : 100000));

				if (m > left)
					m = (int)left;
				denoise_process(d, (float *const[]){ y + i }, m);
				i += m;
			}
			if (mode == 0)
				memcpy(ref, y, sizeof(float) * n);
			else if (first_difference(ref, y, (int)n) != -1)
				TEST_FAIL_("profile %d split mode %d differs at %d", use_prof, mode,
				    first_difference(ref, y, (int)n));
			denoise_destroy(d);
		}
	}
	free(x);
	free(ref);
	free(y);
}

static bool
all_finite(const float *y, long n)
{
	for (long i = 0; i < n; i++)
		if (!isfinite(y[i]) || fpclassify(y[i]) == FP_SUBNORMAL)
			return false;
	return true;
}

/* NaN/inf bursts, full-scale clipped square waves, silence, decaying input */
static void
test_bad_input(void)
{
	const long n = 3 * SR;
	float *x = malloc(sizeof(float) * n), *y = malloc(sizeof(float) * n);
	struct denoise_params p;
	double tail;

	denoise_params_default(&p);
	make_noise(x, SR, 0.01f);
	learn(x, SR);
	for (int use_prof = 0; use_prof < 2; use_prof++) {
		make_noise(x, n, 0.01f);
		for (long i = SR / 2; i < SR / 2 + 300; i++)
			x[i] = (i & 1) ? NAN : INFINITY;
		for (long i = SR; i < SR + SR / 4; i++)
			x[i] = ((i / 40) & 1) ? 1.0f : -1.0f;
		for (long i = 2 * SR; i < n; i++)
			x[i] += 0.1f * (float)sin(2 * M_PI * 1000.0 * i / SR);
		run(&p, use_prof, x, y, n);
		CHECK(all_finite(y, n));
		/* recovered: the tone after the bad stretch is there */
		tail = 20 * log10(fit_amplitude(y + 2 * SR + SR / 2, SR / 2, 2 * M_PI * 1000.0 / SR, 2 * SR + SR / 2));
		CHECK_NEAR(tail, -20.0, 1.0);
	}
	/* silence in, exact silence out */
	memset(x, 0, sizeof(float) * n);
	p.adaptive = true;
	run(&p, false, x, y, n);
	for (long i = 0; i < n; i++)
		if (y[i] != 0.0f) {
			TEST_FAIL_("silence gave %g at %ld", y[i], i);
			break;
		}
	run(&p, true, x, y, n);
	CHECK(mean_power(y, (int)n) == 0.0);
	/* decaying to nothing: no subnormals out */
	for (long i = 0; i < n; i++)
		x[i] = (float)(0.5 * sin(0.05 * i) * exp(-i / 800.0));
	run(&p, false, x, y, n);
	CHECK(all_finite(y, n));
	free(x);
	free(y);
}

/* channels are independent: a silent channel stays silent beside a noisy one */
static void
test_channels(void)
{
	struct denoise_params p;
	struct denoise *d;
	const int n = SR;
	float *a = malloc(sizeof(float) * n), *b = calloc(n, sizeof(float));

	denoise_params_default(&p);
	make_noise(a, n, 0.01f);
	d = denoise_create(2, SR, &p);
	REQUIRE(d != NULL);
	for (int i = 0; i < n; i += 64)
		denoise_process(d, (float *const[]){ a + i, b + i }, 64);
	CHECK(mean_power(b, n) == 0.0);
	CHECK(mean_power(a + SR / 2, SR / 2) > 0.0);
	/* set_params mid-stream and reset are RT calls with visible effect */
	p.reduction_db = 6;
	denoise_set_params(d, &p);
	denoise_reset(d);
	denoise_clear_profile(d);
	denoise_destroy(d);
	free(a);
	free(b);
}

int
main(void)
{
	test_validation();
	test_profile_rate();
	test_latency();
	test_reduction_and_colour();
	test_tone_survives();
	test_speech_like();
	test_tonal();
	test_tracking();
	test_split();
	test_bad_input();
	test_channels();
	return test_report();
}
