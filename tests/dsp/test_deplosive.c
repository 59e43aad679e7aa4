/*
 * De-plosive: a low-frequency burst added to a voiced signal (in a vowel,
 * at a vowel onset, in a pause) is turned down in its band while the voice
 * band is left untouched; a voice with a 100 Hz fundamental, gliding and
 * coming and going in syllables, passes (bit for bit where nothing is
 * detected); latency as reported (impulse), bit-exact bypass at 0 dB
 * reduction, linked channels, split invariance, bad input (NaN, inf,
 * clipping square, silence, 1-frame calls), reset, other rates, and
 * validation. All signals are made here.
 */
#include "test.h"

#include <stdint.h>

#include "dsp/biquad.h"
#include "dsp/deplosive.h"
#include "dsp/dsp.h"
#include "dsp/signals.h"

#define SR 48000
#define N (3 * SR)

static double
lin(double db)
{
	return pow(10, db / 20);
}

static struct deplosive *
make(int channels, int rate)
{
	struct deplosive_params p;

	deplosive_params_default(&p);
	return deplosive_create(channels, rate, &p);
}

/*
 * A voiced sound: fundamental f0 (gliding by +-glide of f0 at 3 Hz) and
 * its harmonics below 4 kHz, amplitude 1/h, peak-ish amp; syllables: when
 * syl > 0, the envelope is a raised cosine at syl Hz (onsets and offsets
 * every syllable), else a 20 ms fade-in. Written over x[0..n).
 */
static void
voiced(float *x, int n, int rate, double f0, double glide, double syl, double amp)
{
	double ph = 0;

	for (int i = 0; i < n; i++) {
		const double t = (double)i / rate;
		const double f = f0 * (1 + glide * sin(2 * M_PI * 3 * t));
		double v = 0, env;

		ph += 2 * M_PI * f / rate;
		for (int h = 1; h * f0 * (1 + glide) < 4000; h++)
			v += sin(h * ph + h) / h;
		if (syl > 0)
			env = 0.5 - 0.5 * cos(2 * M_PI * syl * t);
		else
			env = i >= rate / 50 ? 1.0 : 0.5 - 0.5 * cos(M_PI * i / (rate / 50));
		x[i] = (float)(amp * v / 2.0 * env);
	}
}

/* A plosive-like burst, as a close microphone records one: a damped
 * low-frequency oscillation at f Hz with a 2 ms rise and a decay over len
 * frames, peak about amp, added to x from frame at. */
static void
add_burst(float *x, int n, int rate, int at, double f, double amp, int len)
{
	const double t1 = 0.002 * rate, t2 = len / 4.0;

	for (int i = 0; i < len && at + i < n; i++)
		x[at + i] += (float)(amp * (1 - exp(-i / t1)) * exp(-i / t2) *
		    sin(2 * M_PI * f * i / rate));
}

/* Runs x[0..n) through k in calls of block frames and returns the output
 * aligned with the input (output frame t is input frame t), zero-padded at
 * the end: x is overwritten. */
static void
run_aligned(struct deplosive *k, float *x, int n, int block)
{
	const int lat = deplosive_latency(k);
	float *tmp = calloc((size_t)(n + lat), sizeof(float));

	memcpy(tmp, x, sizeof(float) * (size_t)n);
	for (int i = 0; i < n + lat; i += block) {
		float *b[1] = { tmp + i };

		deplosive_process(k, b, n + lat - i < block ? n + lat - i : block);
	}
	memcpy(x, tmp + lat, sizeof(float) * (size_t)n);
	free(tmp);
}

/* Energy (sum of squares, double) of x[a, b). */
static double
energy(const float *x, int a, int b)
{
	double e = 0;

	for (int i = a; i < b; i++)
		e += (double)x[i] * x[i];
	return e;
}

/* x[a, b) through a 4th-order Butterworth high-pass at f (a copy). */
static void
highpass(const float *x, float *y, int n, double f)
{
	struct biquad_design d;
	struct biquad_coefs c;
	struct biquad_state s;

	memcpy(y, x, sizeof(float) * (size_t)n);
	for (int k = 0; k < 2; k++) {
		biquad_design(BIQUAD_HIGHPASS, f, k ? 1.3066 : 0.5412, 0, SR, &d);
		biquad_coefs_from_design(&d, &c);
		biquad_reset(&s);
		biquad_process(&c, &s, y, n);
	}
}

/* x through an 8th-order Butterworth low-pass at f (a copy): "the band" of
 * a burst, for measuring it apart from the voice above. */
static void
lowpass(const float *x, float *y, int n, int rate, double f)
{
	static const double q[4] = { 0.5098, 0.6013, 0.9000, 2.5629 };
	struct biquad_design d;
	struct biquad_coefs c;
	struct biquad_state s;

	memcpy(y, x, sizeof(float) * (size_t)n);
	for (int k = 0; k < 4; k++) {
		biquad_design(BIQUAD_LOWPASS, f, q[k], 0, rate, &d);
		biquad_coefs_from_design(&d, &c);
		biquad_reset(&s);
		biquad_process(&c, &s, y, n);
	}
}

/*
 * A burst at f Hz, peak amp, len frames, at frame `at`, over a voice with
 * a 110 Hz fundamental (syllables when syl > 0): the residual (output
 * minus the voice alone) over the burst is at least min_att_db under the
 * burst; what the kernel took away has (almost) nothing above 300 Hz.
 */
static void
check_burst(double f0, int at, double f, double amp, int len, double syl,
    double band_hz, double min_att_db)
{
	float *voice = malloc(sizeof(float) * N), *x = malloc(sizeof(float) * N);
	float *burst = calloc(N, sizeof(float)), *d = malloc(sizeof(float) * N);
	float *hp = malloc(sizeof(float) * N), *lp = malloc(sizeof(float) * N);
	struct deplosive *k = make(1, SR);
	double eb, er, att, removed_hi, voice_hi;

	REQUIRE(k != NULL);
	voiced(voice, N, SR, f0, 0.05, syl, lin(-12));
	add_burst(burst, N, SR, at, f, amp, len);
	for (int i = 0; i < N; i++)
		x[i] = voice[i] + burst[i];
	run_aligned(k, x, N, 512);
	/* in the burst's band (below band_hz): what is left of it, plus what
	 * the voice lost there, against the burst */
	for (int i = 0; i < N; i++)
		d[i] = x[i] - voice[i];
	lowpass(d, lp, N, SR, band_hz);
	er = energy(lp, at, at + len + SR / 20);
	lowpass(burst, lp, N, SR, band_hz);
	eb = energy(lp, at, at + len + SR / 20);
	att = 10 * log10(eb / er);
	if (!(att >= min_att_db))
		fprintf(stderr, "burst %g Hz at %d: %.1f dB down in its band (want %.1f)\n",
		    f, at, att, min_att_db);
	CHECK(att >= min_att_db);
	/* removed = input - output: nothing above 300 Hz */
	for (int i = 0; i < N; i++)
		d[i] = voice[i] + burst[i] - x[i];
	highpass(d, hp, N, 300);
	removed_hi = energy(hp, SR / 2, N - SR / 2);
	highpass(voice, hp, N, 300);
	voice_hi = energy(hp, SR / 2, N - SR / 2);
	CHECK(10 * log10(removed_hi / voice_hi + 1e-30) < -50);
	deplosive_destroy(k);
	free(voice);
	free(x);
	free(burst);
	free(d);
	free(hp);
	free(lp);
}

/*
 * Bursts of 35..80 Hz, 40..90 ms, as loud as the voice and louder, measured
 * in their band. Over a voice with a 110 Hz fundamental, gliding +-5 %, the
 * bins from about 80 Hz up hold the voice (or may, as it glides) and only
 * their excess over it goes: the band measured is up to 55 Hz, and 15 dB
 * are asked (the burst's skirt in the 70 Hz bin, next to the fundamental,
 * is what remains). Over a
 * 220 Hz voice nothing of the voice lies below 120 Hz: up to 100 Hz.
 */
static void
test_bursts(void)
{
	/* in a steady vowel */
	check_burst(110, SR + 1234, 50, lin(-12), SR / 20, 0, 55, 15);
	check_burst(110, SR + 777, 35, lin(-10), SR * 9 / 100, 0, 55, 15);
	check_burst(220, SR + 4321, 80, lin(-6), SR / 25, 0, 100, 20);
	check_burst(220, SR + 99, 40, lin(-12), SR / 20, 0, 100, 20);
	/* syllables at 2 Hz: a burst at an onset (t = 1.0 s, envelope 0) and in
	 * the middle of a syllable (1.25 s) */
	check_burst(110, SR, 50, lin(-12), SR / 20, 2, 55, 15);
	check_burst(110, SR + SR / 4, 45, lin(-12), SR / 20, 2, 55, 15);
	check_burst(220, SR, 60, lin(-12), SR / 20, 2, 100, 20);
}

/*
 * A burst in a pause, over room tone (white noise at -60 dBFS rms) and out
 * of digital silence: no frame around it has a voice band within 20 dB of
 * the burst's own skirt there, so the expectation is the ceiling (a voice
 * puts at most as much into one low bin as into its voice band) and the
 * steep slope applies: the burst's band goes 20 dB down; the silence
 * around it stays exact zeros.
 */
static void
check_burst_in_pause(double tone_db, double min_att_db)
{
	float *x = calloc(N, sizeof(float)), *b = calloc(N, sizeof(float));
	float *lb = malloc(sizeof(float) * N), *lx = malloc(sizeof(float) * N);
	float *tone = calloc(N, sizeof(float));
	struct deplosive *k = make(1, SR);
	uint64_t rng = 99;
	bool zeros = true;
	const int at = SR, len = SR / 20;

	REQUIRE(k != NULL);
	if (tone_db > -200)
		for (int i = 0; i < N; i++)
			tone[i] = (float)(rand_signed(&rng) * sqrt(3.0) * lin(tone_db));
	add_burst(b, N, SR, at, 50, 0.3, len);
	for (int i = 0; i < N; i++)
		x[i] = tone[i] + b[i];
	run_aligned(k, x, N, 4096);
	for (int i = 0; i < N; i++)
		x[i] -= tone[i];
	lowpass(b, lb, N, SR, 100);
	lowpass(x, lx, N, SR, 100);
	CHECK(10 * log10(energy(lb, at, at + len) / energy(lx, at, at + len)) > min_att_db);
	if (tone_db <= -200) {
		for (int i = 0; i < at - SR / 2; i++)
			zeros = zeros && x[i] == 0.0f;
		for (int i = at + SR / 2; i < N; i++)
			zeros = zeros && x[i] == 0.0f;
		CHECK(zeros);
	}
	deplosive_destroy(k);
	free(x);
	free(b);
	free(lb);
	free(lx);
	free(tone);
}

static void
test_burst_in_pause(void)
{
	check_burst_in_pause(-60, 20);
	check_burst_in_pause(-300, 20);
}

/*
 * Voiced sound with its own low end and no burst: a 100 Hz fundamental
 * (the lowest harmonic inside the 120 Hz band), steady, gliding +-10 %,
 * and in 3 Hz syllables that start and stop. Passes with its low band
 * within 0.5 dB; the steady one passes bit for bit (nothing is detected,
 * so nothing is subtracted); the gliding ones within 25 dB SNR (the
 * fundamental sweeps 90..110 Hz three times a second, across the 94 Hz
 * bin and onto the edge of the 70 Hz one: where it reaches a bin faster
 * than its neighbours' history explains, a little of it is taken).
 */
static void
check_voice(double glide, double syl, double min_snr_db, bool exact)
{
	float *v = malloc(sizeof(float) * N), *x = malloc(sizeof(float) * N);
	float *a = malloc(sizeof(float) * N), *b = malloc(sizeof(float) * N);
	struct deplosive *k = make(1, SR);
	double lf_in, lf_out, err = 0;

	REQUIRE(k != NULL);
	voiced(v, N, SR, 100, glide, syl, lin(-6));
	memcpy(x, v, sizeof(float) * N);
	run_aligned(k, x, N, 1000);
	for (int i = SR / 4; i < N - SR / 4; i++)
		err += ((double)x[i] - v[i]) * ((double)x[i] - v[i]);
	CHECK(10 * log10(energy(v, SR / 4, N - SR / 4) / (err + 1e-30)) > min_snr_db);
	/* the band below 150 Hz: v - highpass(v) */
	highpass(v, a, N, 150);
	highpass(x, b, N, 150);
	for (int i = 0; i < N; i++) {
		a[i] = v[i] - a[i];
		b[i] = x[i] - b[i];
	}
	lf_in = energy(a, SR / 4, N - SR / 4);
	lf_out = energy(b, SR / 4, N - SR / 4);
	CHECK_NEAR(10 * log10(lf_out / lf_in), 0, 0.5);
	if (exact)
		CHECK_INT_EQ(first_difference(v + SR / 4, x + SR / 4, N - SR / 2), -1);
	deplosive_destroy(k);
	free(v);
	free(x);
	free(a);
	free(b);
}

static void
test_voice_passes(void)
{
	check_voice(0, 0, 100, true);
	check_voice(0.1, 0, 25, false);
	check_voice(0.1, 3, 25, false);
}

/* An impulse comes out latency frames later, unchanged (an impulse is
 * broadband: the voice band rises with the low one, nothing is turned
 * down); with reduction 0 a burst passes bit for bit too. */
static void
test_latency_and_bypass(void)
{
	struct deplosive *k = make(1, SR);
	const int lat = deplosive_latency(k);
	float *x = calloc(N, sizeof(float)), *y = malloc(sizeof(float) * N);
	struct deplosive_params p;

	REQUIRE(k != NULL);
	CHECK_INT_EQ(lat, 2047 + 8 * 512);
	x[1000] = 0.5f;
	memcpy(y, x, sizeof(float) * N);
	for (int i = 0; i < N; i += 333) {
		float *b[1] = { y + i };

		deplosive_process(k, b, N - i < 333 ? N - i : 333);
	}
	CHECK(y[1000 + lat] == 0.5f);
	{
		double rest = energy(y, 0, N) - 0.25;

		CHECK(fabs(rest) < 1e-12);
	}
	deplosive_destroy(k);

	/* 0 dB of reduction: bit-exact delay even with a burst over a voice */
	deplosive_params_default(&p);
	p.reduction_db = 0;
	k = deplosive_create(1, SR, &p);
	REQUIRE(k != NULL);
	voiced(x, N, SR, 110, 0.05, 0, lin(-12));
	add_burst(x, N, SR, SR, 50, 0.25, SR / 20);
	memcpy(y, x, sizeof(float) * N);
	run_aligned(k, y, N, 4096);
	CHECK_INT_EQ(first_difference(x, y, N - lat), -1);
	/* and back to the default: the burst is found again */
	deplosive_params_default(&p);
	deplosive_set_params(k, &p);
	deplosive_reset(k);
	memcpy(y, x, sizeof(float) * N);
	run_aligned(k, y, N, 4096);
	CHECK(first_difference(x, y, N - lat) >= 0);
	deplosive_destroy(k);
	free(x);
	free(y);
}

/* Two identical channels come out identical (one set of gains); a burst on
 * one channel only is turned down there, and the other channel, without
 * low end of its own, keeps its voice. */
static void
test_linked(void)
{
	float *a = malloc(sizeof(float) * N), *b = malloc(sizeof(float) * N);
	float *v = malloc(sizeof(float) * N);
	struct deplosive *k = make(2, SR);

	REQUIRE(k != NULL);
	voiced(v, N, SR, 220, 0.05, 0, lin(-12));
	memcpy(a, v, sizeof(float) * N);
	add_burst(a, N, SR, SR, 50, 0.25, SR / 20);
	memcpy(b, a, sizeof(float) * N);
	for (int i = 0; i < N; i += 512) {
		float *bb[2] = { a + i, b + i };

		deplosive_process(k, bb, N - i < 512 ? N - i : 512);
	}
	CHECK_INT_EQ(first_difference(a, b, N), -1);
	deplosive_reset(k);
	memcpy(a, v, sizeof(float) * N);
	add_burst(a, N, SR, SR, 50, 0.25, SR / 20);
	memcpy(b, v, sizeof(float) * N);
	for (int i = 0; i < N; i += 512) {
		float *bb[2] = { a + i, b + i };

		deplosive_process(k, bb, N - i < 512 ? N - i : 512);
	}
	{
		const int lat = deplosive_latency(k);
		double err = 0;

		for (int i = SR / 2; i < N - lat; i++)
			err += ((double)b[i + lat] - v[i]) * ((double)b[i + lat] - v[i]);
		/* 220 Hz voice: nothing of it lies in the 120 Hz band */
		CHECK(10 * log10(energy(v, SR / 2, N - lat) / (err + 1e-30)) > 60);
		float *la = malloc(sizeof(float) * N), *lv = malloc(sizeof(float) * N);
		float *bu = calloc(N, sizeof(float));

		/* the burst channel: the burst's band is 20 dB down */
		for (int i = 0; i + lat < N; i++)
			a[i] = a[i + lat] - v[i];
		add_burst(bu, N, SR, SR, 50, 0.25, SR / 20);
		lowpass(a, la, N, SR, 100);
		lowpass(bu, lv, N, SR, 100);
		CHECK(10 * log10(energy(lv, SR, SR + SR / 20) / energy(la, SR, SR + SR / 20)) > 20);
		free(la);
		free(lv);
		free(bu);
	}
	deplosive_destroy(k);
	free(a);
	free(b);
	free(v);
}

/* Renders a stereo stream with bursts (so gains are active) and defects
 * (NaN, inf) in calls cut as mode says (or of fixed length). */
static void
render(float *out0, float *out1, int mode, int fixed)
{
	struct deplosive *k = make(2, SR);
	uint64_t r = 4242;
	int t = 0;

	voiced(out0, N, SR, 110, 0.08, 2.5, lin(-12));
	for (int j = 0; j < 6; j++)
		add_burst(out0, N, SR, SR / 3 + j * (SR * 2 / 5) + 37 * j, 30 + 12 * j,
		    0.15 + 0.03 * j, SR / 25 + j * 500);
	for (int i = 0; i < N; i++)
		out1[i] = 0.5f * out0[(i + 100) % N];
	out1[SR] = NAN;
	out1[SR + 7] = INFINITY;
	out0[2 * SR] = -INFINITY;
	while (t < N) {
		int l = fixed ? fixed : split_next(&r, (enum split_mode)mode, N - t);
		float *b[2] = { out0 + t, out1 + t };

		if (l > N - t)
			l = N - t;
		deplosive_process(k, b, l);
		t += l;
	}
	deplosive_destroy(k);
}

static void
test_split_invariance(void)
{
	float *r0 = malloc(sizeof(float) * N), *r1 = malloc(sizeof(float) * N);
	float *a0 = malloc(sizeof(float) * N), *a1 = malloc(sizeof(float) * N);
	const int fixed[] = { 1, 64, 4096 };
	bool finite = true, changed = false;

	render(r0, r1, SPLIT_WHOLE, 0);
	for (int f = 0; f < 3; f++) {
		render(a0, a1, SPLIT_WHOLE, fixed[f]);
		CHECK_INT_EQ(first_difference(r0, a0, N), -1);
		CHECK_INT_EQ(first_difference(r1, a1, N), -1);
	}
	for (int m = SPLIT_UNIFORM; m < SPLIT_MODES; m++) {
		render(a0, a1, m, 0);
		CHECK_INT_EQ(first_difference(r0, a0, N), -1);
		CHECK_INT_EQ(first_difference(r1, a1, N), -1);
	}
	for (int i = 0; i < N; i++)
		finite = finite && isfinite(r0[i]) && isfinite(r1[i]) &&
		    fabsf(r0[i]) < 2 && fabsf(r1[i]) < 2;
	CHECK(finite);
	/* the bursts were worked on (the test would prove little otherwise) */
	{
		float *v0 = malloc(sizeof(float) * N), *v1 = malloc(sizeof(float) * N);
		struct deplosive *k = make(1, SR);
		const int lat = deplosive_latency(k);

		voiced(v0, N, SR, 110, 0.08, 2.5, lin(-12));
		for (int j = 0; j < 6; j++)
			add_burst(v0, N, SR, SR / 3 + j * (SR * 2 / 5) + 37 * j, 30 + 12 * j,
			    0.15 + 0.03 * j, SR / 25 + j * 500);
		v0[2 * SR] = 0.0f; /* what the kernel makes of -inf */
		for (int i = 0; i + lat < N; i++)
			changed = changed || r0[i + lat] != v0[i];
		CHECK(changed);
		deplosive_destroy(k);
		free(v0);
		free(v1);
	}
	free(r0);
	free(r1);
	free(a0);
	free(a1);
}

/* Silence gives exact zeros; a full-scale square (clipped speech, and low
 * end the voice band explains) and a huge out-of-range signal give finite
 * output; frames == 0 is a no-op. */
static void
test_silence_and_extremes(void)
{
	float *x = calloc(N, sizeof(float));
	struct deplosive *k = make(1, SR);
	bool zeros = true, finite = true;
	float *b[1] = { x };

	REQUIRE(k != NULL);
	deplosive_process(k, b, 0);
	run_aligned(k, x, N, 4096);
	for (int i = 0; i < N; i++)
		zeros = zeros && x[i] == 0.0f;
	CHECK(zeros);
	CHECK(deplosive_gain_db(k) == 0.0f);
	for (int i = 0; i < N; i++)
		x[i] = (i / 240) % 2 ? 1.0f : -1.0f; /* 100 Hz square */
	run_aligned(k, x, N, 4096);
	for (int i = 0; i < N; i++)
		finite = finite && isfinite(x[i]) && fabsf(x[i]) < 4;
	CHECK(finite);
	for (int i = 0; i < N; i++)
		x[i] = (i % 2000) < 100 ? 1e5f * (float)sin(i * 0.01) : (i % 3 ? 1e7f : -INFINITY);
	run_aligned(k, x, N, 4096);
	for (int i = 0; i < N; i++)
		finite = finite && isfinite(x[i]);
	CHECK(finite);
	deplosive_destroy(k);
	free(x);
}

/* Other rates: the burst below 55 Hz goes 15 dB down under a 110 Hz voice
 * (8 dB at 8 kHz, whose 31 Hz bins put the 62 Hz one next to the voice's
 * fundamental), and the latency is about 128 ms. */
static void
test_rates(void)
{
	const int rates[] = { 8000, 44100, 96000, 192000 };

	for (int r = 0; r < 4; r++) {
		const int rate = rates[r], n = 2 * rate, len = rate / 20;
		float *v = malloc(sizeof(float) * (size_t)n), *x = malloc(sizeof(float) * (size_t)n);
		float *bu = calloc((size_t)n, sizeof(float));
		struct deplosive *k = make(1, rate);
		float *l1 = malloc(sizeof(float) * (size_t)n), *l2 = malloc(sizeof(float) * (size_t)n);

		REQUIRE(k != NULL);
		CHECK(deplosive_latency(k) > rate / 10 && deplosive_latency(k) < rate / 6);
		voiced(v, n, rate, 110, 0.05, 0, lin(-12));
		add_burst(bu, n, rate, rate, 45, 0.25, len);
		for (int i = 0; i < n; i++)
			x[i] = v[i] + bu[i];
		run_aligned(k, x, n, 700);
		for (int i = 0; i < n; i++)
			x[i] -= v[i];
		lowpass(x, l1, n, rate, 55);
		lowpass(bu, l2, n, rate, 55);
		CHECK(10 * log10(energy(l2, rate, rate + len) / energy(l1, rate, rate + len)) >
		    (rate < 16000 ? 8 : 15));
		free(l1);
		free(l2);
		deplosive_destroy(k);
		free(v);
		free(x);
		free(bu);
	}
}

static void
test_validation(void)
{
	struct deplosive_params p, q;

	deplosive_params_default(&p);
	CHECK(deplosive_params_check(&p) == NULL);
	CHECK(deplosive_params_check(NULL) != NULL);
	q = p; q.freq_hz = 59; CHECK(deplosive_params_check(&q) != NULL);
	q = p; q.freq_hz = 301; CHECK(deplosive_params_check(&q) != NULL);
	q = p; q.freq_hz = NAN; CHECK(deplosive_params_check(&q) != NULL);
	q = p; q.threshold_db = 2.9; CHECK(deplosive_params_check(&q) != NULL);
	q = p; q.threshold_db = 31; CHECK(deplosive_params_check(&q) != NULL);
	q = p; q.reduction_db = -0.1; CHECK(deplosive_params_check(&q) != NULL);
	q = p; q.reduction_db = 41; CHECK(deplosive_params_check(&q) != NULL);
	q = p; q.reduction_db = INFINITY; CHECK(deplosive_params_check(&q) != NULL);
	q = p; q.freq_hz = 60; q.threshold_db = 30; q.reduction_db = 0;
	CHECK(deplosive_params_check(&q) == NULL);
	q = p; q.threshold_db = 50;
	CHECK(strstr(deplosive_params_check(&q), "threshold_db") != NULL);
	q = p; q.freq_hz = 10;
	CHECK(strstr(deplosive_params_check(&q), "freq_hz") != NULL);
	q = p; q.reduction_db = 50;
	CHECK(strstr(deplosive_params_check(&q), "reduction_db") != NULL);
	CHECK(deplosive_create(0, SR, &p) == NULL);
	CHECK(deplosive_create(DSP_MAX_CHANNELS + 1, SR, &p) == NULL);
	CHECK(deplosive_create(1, 7999, &p) == NULL);
	CHECK(deplosive_create(1, 192001, &p) == NULL);
	q = p; q.freq_hz = 1000;
	CHECK(deplosive_create(1, SR, &q) == NULL);
	deplosive_destroy(NULL);
	{
		struct deplosive *k = deplosive_create(DSP_MAX_CHANNELS, SR, &p);

		REQUIRE(k != NULL);
		deplosive_set_params(k, &q); /* invalid: ignored */
		deplosive_destroy(k);
	}
}

int
main(void)
{
	test_bursts();
	test_burst_in_pause();
	test_voice_passes();
	test_latency_and_bypass();
	test_linked();
	test_split_invariance();
	test_silence_and_extremes();
	test_rates();
	test_validation();
	return test_report();
}
