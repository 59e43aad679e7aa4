/*
 * Limiter: the true peak of the output, measured with a reference
 * interpolator of its own (32x, Kaiser-windowed sinc over +-64 frames, in
 * double, with a parabolic refinement between its points), stays at least
 * the margin (0.1 dB) under the ceiling on hot material (white noise
 * pushed 6 dB over full scale, naive square waves, tones and sweeps whose
 * peaks fall between samples or between 4x points, clicks and doublets,
 * bursts, 5.1 with one hot channel) at 44.1, 48, 96 and 192 kHz; the
 * project's meter (dsp/truepeak.h, both modes) and libebur128 read it
 * under the ceiling, and no output sample exceeds the threshold. Also:
 * exact transparency below the ceiling, the latency (an impulse comes out
 * exactly latency frames later, flush drains the tail), release timing,
 * linked gain, bit-identical output however the stream is split and with
 * or without AVX2, NaN/inf input, reset, validation. All signals are made
 * here.
 */
#include "test.h"

#include <ebur128.h>
#include <stdint.h>

#include "dsp/dsp.h"
#include "dsp/limiter.h"
#include "dsp/signals.h"
#include "dsp/truepeak.h"

static struct limiter *lim; /* ~140 KB: not on the stack */
static double worst_overshoot_db = -INFINITY; /* over every hot-material check */
static double worst_ebu_overshoot_db = -INFINITY;
static double worst_meter_overshoot_db = -INFINITY; /* dsp/truepeak.h, either mode */

static double
db(double lin)
{
	return 20 * log10(lin);
}

static struct limiter_coefs
design(double rate, double ceiling_db, double gain_db, double lookahead_ms, double release_ms)
{
	struct limiter_params p;
	struct limiter_coefs c;

	limiter_params_default(&p);
	p.ceiling_db = ceiling_db;
	p.gain_db = gain_db;
	p.lookahead_ms = lookahead_ms;
	p.release_ms = release_ms;
	if (limiter_design(&p, rate, &c) != 0) {
		TEST_FAIL_("limiter_design(%g dB, %g Hz) failed", ceiling_db, rate);
		memset(&c, 0, sizeof c);
	}
	return c;
}

/* ---- the reference true-peak meter ---------------------------------- */

#define REF_PHASES 32
#define REF_HALF 64 /* frames each side */
#define REF_TAPS (2 * REF_HALF)

static double ref_taps[REF_PHASES][2 * 256];
static int ref_half = REF_HALF;

static double
bessel_i0(double x)
{
	double s = 1, t = 1;

	for (int k = 1; k < 200; k++) {
		t *= (x / (2.0 * k)) * (x / (2.0 * k));
		s += t;
	}
	return s;
}

/* Tap d (frame offset -half+1 .. half) of phase ph: h(ph/32 - d), a
 * Kaiser-windowed sinc, each phase normalised to unity DC gain. */
static void
ref_design(int half, double beta)
{
	ref_half = half;
	for (int ph = 0; ph < REF_PHASES; ph++) {
		double sum = 0;

		for (int j = 0; j < 2 * half; j++) {
			const double d = j - half + 1, t = (double)ph / REF_PHASES - d;
			const double r = t / half;
			const double s = t == 0 ? 1 : sin(M_PI * t) / (M_PI * t);
			const double w = fabs(r) < 1 ? bessel_i0(beta * sqrt(1 - r * r)) / bessel_i0(beta) : 0;

			ref_taps[ph][j] = s * w;
			sum += s * w;
		}
		for (int j = 0; j < 2 * half; j++)
			ref_taps[ph][j] /= sum;
	}
}

/* The reconstructed true peak of y[0 .. n) (silence around it) over
 * frames [from, to), linear. */
static double
ref_true_peak_range(const float *y, int n, int from, int to)
{
	const int half = ref_half, len = (to - from) * REF_PHASES;
	double *v = malloc(sizeof(double) * (size_t)len), best = 0;

	for (int m = from; m < to; m++) {
		double acc[REF_PHASES] = { 0 };

		for (int j = 0; j < 2 * half; j++) {
			const int i = m + j - half + 1;
			const double s = i >= 0 && i < n ? y[i] : 0.0;

			if (s == 0)
				continue;
			for (int ph = 0; ph < REF_PHASES; ph++)
				acc[ph] += ref_taps[ph][j] * s;
		}
		for (int ph = 0; ph < REF_PHASES; ph++)
			v[(m - from) * REF_PHASES + ph] = fabs(acc[ph]);
	}
	for (int i = 0; i < len; i++) {
		double pk = v[i];

		/* a local maximum inside the range: the vertex of the parabola
		 * through it and its neighbours (the grid's own error at 0.5 fs
		 * is 1 - cos(pi/64), 0.01 dB; this leaves about 1e-6 dB) */
		if (i > 0 && i + 1 < len) {
			const double a = v[i - 1], b = v[i], c = v[i + 1];

			if (b >= a && b >= c && 2 * b - a - c > 0)
				pk = b + (a - c) * (a - c) / (8 * (2 * b - a - c));
		}
		best = pk > best ? pk : best;
	}
	free(v);
	return best;
}

/* The true peak of the whole of y[0 .. n), silence around it. */
static double
ref_true_peak(const float *y, int n)
{
	return ref_true_peak_range(y, n, 0, n);
}

/* libebur128's true peak (4x at 48 kHz) of planar y, largest over channels. */
static double
ebu_true_peak(float *const *y, int channels, int n, double rate)
{
	ebur128_state *st = ebur128_init((unsigned)channels, (unsigned long)rate, EBUR128_MODE_TRUE_PEAK);
	float *il = malloc(sizeof(float) * (size_t)n * (size_t)channels);
	double best = 0;

	if (st == NULL || il == NULL) {
		TEST_FAIL_("ebur128_init");
		free(il);
		return 0;
	}
	for (int i = 0; i < n; i++)
		for (int k = 0; k < channels; k++)
			il[i * channels + k] = y[k][i];
	ebur128_add_frames_float(st, il, (size_t)n);
	for (int k = 0; k < channels; k++) {
		double tp = 0;

		ebur128_true_peak(st, (unsigned)k, &tp);
		best = tp > best ? tp : best;
	}
	ebur128_destroy(&st);
	free(il);
	return best;
}

/* The project's own meter (dsp/truepeak.h) in mode, largest over channels. */
static double
meter_true_peak(float *const *y, int channels, int n, double rate, enum truepeak_mode mode)
{
	static struct truepeak tp;
	double best = 0;

	for (int k = 0; k < channels; k++) {
		if (truepeak_init(&tp, mode, rate, false) != 0) {
			TEST_FAIL_("truepeak_init");
			return 0;
		}
		truepeak_process(&tp, y[k], n);
		best = truepeak_get(&tp) > best ? truepeak_get(&tp) : best;
	}
	return best;
}

/* ---- running the limiter --------------------------------------------- */

/*
 * Runs channels planar channels of n frames through lim (already
 * initialised), cut into calls as mode says (rng seeded by seed), then
 * flushes the latency; out[k][0 .. n) receives the output aligned with
 * the input (output frame i + latency).
 */
static void
run_aligned(float *const *in, float *const *out, int channels, int n, enum split_mode mode,
    uint64_t seed)
{
	const int lat = limiter_latency_frames(lim);
	const int total = n + lat;
	float *buf[LIMITER_MAX_CHANNELS], *ch[LIMITER_MAX_CHANNELS];
	uint64_t rng = seed;
	int pos = 0;

	for (int k = 0; k < channels; k++) {
		buf[k] = calloc((size_t)total, sizeof(float));
		memcpy(buf[k], in[k], sizeof(float) * (size_t)n);
	}
	while (pos < n) {
		const int len = split_next(&rng, mode, n - pos);

		for (int k = 0; k < channels; k++)
			ch[k] = buf[k] + pos;
		limiter_process(lim, ch, len);
		pos += len;
	}
	while (pos < total) {
		const int len = split_next(&rng, mode, total - pos);

		for (int k = 0; k < channels; k++)
			ch[k] = buf[k] + pos;
		limiter_flush(lim, ch, len);
		pos += len;
	}
	for (int k = 0; k < channels; k++) {
		memcpy(out[k], buf[k] + lat, sizeof(float) * (size_t)n);
		free(buf[k]);
	}
}

static float **
alloc_channels(int channels, int n)
{
	float **c = malloc(sizeof(float *) * (size_t)channels);

	for (int k = 0; k < channels; k++)
		c[k] = calloc((size_t)n, sizeof(float));
	return c;
}

static void
free_channels(float **c, int channels)
{
	for (int k = 0; k < channels; k++)
		free(c[k]);
	free(c);
}

/*
 * Limits in[] (channels x n) at rate with ceiling_db and gain_db and checks
 * that
 *  - every channel's reference true peak stays under the ceiling by at
 *    least the margin (0.1 dB): the detector alone, with its grid
 *    allowance, reads at least as high as the reference, and the margin
 *    is left for whatever the final meter does differently;
 *  - the project's meter (dsp/truepeak.h, Annex 2 and accurate modes)
 *    and libebur128's (a meter as users have it) read under the ceiling;
 *  - every output sample is at most the threshold: the sample is a point
 *    of the detector's grid, so this is the limiter's own promise, exact;
 *  - the limiter did work (at least min_gr_db of reduction somewhere) and
 *    the loudest channel ends within max_under_db of the ceiling.
 * Returns the output's true peak in dBTP.
 */
static double
check_hot(const char *what, float *const *in, int channels, int n, double rate,
    double ceiling_db, double gain_db, double min_gr_db, double max_under_db)
{
	struct limiter_coefs c = design(rate, ceiling_db, gain_db, 1.5, 100);
	float **out = alloc_channels(channels, n);
	double tp = 0, ebu, over;

	if (limiter_init(lim, channels, &c) != 0) {
		TEST_FAIL_("limiter_init for %s", what);
		free_channels(out, channels);
		return -INFINITY;
	}
	run_aligned(in, out, channels, n, SPLIT_UNIFORM, 0x1234567ull + (uint64_t)n);
	for (int k = 0; k < channels; k++) {
		const double t = ref_true_peak(out[k], n);

		tp = t > tp ? t : tp;
	}
	ebu = ebu_true_peak(out, channels, n, rate);
	over = db(tp) - ceiling_db;
	worst_overshoot_db = over > worst_overshoot_db ? over : worst_overshoot_db;
	if (db(ebu) - ceiling_db > worst_ebu_overshoot_db)
		worst_ebu_overshoot_db = db(ebu) - ceiling_db;
	if (!(over <= -0.1))
		TEST_FAIL_("%s at %g Hz: true peak %.4f dBTP, not 0.1 dB under the %g dBTP ceiling",
		    what, rate, db(tp), ceiling_db);
	else
		test_passed_count++;
	CHECK(db(ebu) <= ceiling_db);
	for (int mode = TRUEPEAK_ANNEX2; mode <= TRUEPEAK_ACCURATE; mode++) {
		const double m = db(meter_true_peak(out, channels, n, rate, (enum truepeak_mode)mode));

		if (m - ceiling_db > worst_meter_overshoot_db)
			worst_meter_overshoot_db = m - ceiling_db;
		if (!(m <= ceiling_db))
			TEST_FAIL_("%s at %g Hz: dsp/truepeak mode %d reads %.4f dBTP", what, rate, mode, m);
		else
			test_passed_count++;
	}
	{
		float top = 0;

		for (int k = 0; k < channels; k++)
			for (int i = 0; i < n; i++)
				top = fabsf(out[k][i]) > top ? fabsf(out[k][i]) : top;
		CHECK(top <= c.thr_lin);
	}
	CHECK(lim->gr_max_db <= -min_gr_db);
	if (!(over >= -max_under_db))
		TEST_FAIL_("%s at %g Hz: true peak %.3f dBTP, more than %g dB under the ceiling",
		    what, rate, db(tp), max_under_db);
	printf("  %-28s %6.0f Hz: true peak %+.3f dB vs ceiling (libebur128 %+.3f), max GR %.1f dB\n",
	    what, rate, over, db(ebu) - ceiling_db, lim->gr_max_db);
	free_channels(out, channels);
	return db(tp);
}

/* ---- hot material ---------------------------------------------------- */

static void
hot_material_at(double rate)
{
	const int n = 12000;
	float **x = alloc_channels(6, n);
	uint64_t rng = 0x9e3779b97f4a7c15ull ^ (uint64_t)rate;

	/* White noise, full band, full scale, +6 dB gain. */
	for (int i = 0; i < n; i++)
		x[0][i] = (float)rand_signed(&rng);
	for (int i = 0; i < n; i++)
		x[1][i] = (float)rand_signed(&rng);
	check_hot("white noise +6 dB", x, 2, n, rate, -1, 6, 5, 0.6);

	/* Naive (aliased) square waves, several periods, +6 dB. */
	{
		static const double periods[] = { 2.5, 3.7, 7.0, 33.3, 101.0 };

		for (int p = 0; p < 5; p++) {
			char name[64];

			for (int i = 0; i < n; i++)
				x[0][i] = fmod(i / periods[p] + 0.13, 1.0) < 0.5 ? 1.0f : -1.0f;
			snprintf(name, sizeof name, "square, period %.1f", periods[p]);
			check_hot(name, x, 1, n, rate, -1, 6, 5, 1.0);
		}
	}

	/* fs/4 at 45 degrees: samples at 0.707 of the peak, so the true peak
	 * is 3 dB over the sample peak; 0 dBFS true peak, ceiling -2. */
	for (int i = 0; i < n; i++)
		x[0][i] = (float)sin(M_PI / 2 * i + M_PI / 4);
	check_hot("fs/4 tone, 45 deg", x, 1, n, rate, -2, 0, 1.5, 0.6);

	/* 0.4 fs with every peak 1/8 frame off the 4x grid (the period is 2.5
	 * frames): a 4x detector reads it 0.44 dB low, the 8x one 0.11 dB
	 * (inside its grid allowance). */
	for (int i = 0; i < n; i++)
		x[0][i] = (float)sin(0.8 * M_PI * i + 0.4 * M_PI);
	check_hot("0.4 fs, peaks off the 4x grid", x, 1, n, rate, -1, 3, 3, 0.6);

	/* Sweeps through fs/4 and near Nyquist, amplitude 1, +3 dB. */
	{
		static const double f0[] = { 0.22, 0.40 }, f1[] = { 0.28, 0.49 };

		for (int s = 0; s < 2; s++) {
			double ph = 0.3;
			char name[64];

			for (int i = 0; i < n; i++) {
				x[0][i] = (float)sin(ph);
				ph += 2 * M_PI * (f0[s] + (f1[s] - f0[s]) * i / n);
			}
			snprintf(name, sizeof name, "sweep %.2f-%.2f fs", f0[s], f1[s]);
			check_hot(name, x, 1, n, rate, -1, 3, 3, 0.6);
		}
	}

	/* Clicks and doublets on quiet noise: single full-scale samples,
	 * +1 +1 (peaks 1.27 between them), +1 -1, at random places. */
	for (int i = 0; i < n; i++)
		x[0][i] = (float)(0.01 * rand_signed(&rng));
	for (int i = 300; i + 4 < n; i += 200 + (int)(300 * rand_unit(&rng))) {
		const int kind = (int)(3 * rand_unit(&rng));

		x[0][i] = rand_unit(&rng) < 0.5 ? -1.0f : 1.0f;
		if (kind == 1)
			x[0][i + 1] = x[0][i];
		else if (kind == 2)
			x[0][i + 1] = -x[0][i];
	}
	check_hot("clicks and doublets +6 dB", x, 1, n, rate, -1, 6, 5, 0.6);

	/* Bursts: a 0.3 fs tone switched on at full scale at a peak, off
	 * abruptly, over a quiet bed; the limiter must be down before it. */
	for (int i = 0; i < n; i++) {
		const int in_burst = (i / 1500) % 2 == 1;

		x[0][i] = (float)(0.02 * rand_signed(&rng) +
		    (in_burst ? 1.2 * cos(2 * M_PI * 0.3 * (i % 1500)) : 0));
	}
	check_hot("tone bursts", x, 1, n, rate, -1, 0, 2, 0.6);

	/* 5.1, only C hot (a tone burst plus clicks), the rest at -26 dBFS. */
	for (int k = 0; k < 6; k++)
		for (int i = 0; i < n; i++)
			x[k][i] = (float)(0.05 * rand_signed(&rng));
	for (int i = 2000; i < 7000; i++)
		x[2][i] = (float)(1.1 * sin(2 * M_PI * 0.2 * i + 0.7));
	for (int i = 8000; i < n - 10; i += 500)
		x[2][i] = x[2][i + 1] = 1.0f;
	check_hot("5.1, only C hot", x, 6, n, rate, -2, 0, 2, 0.6);
	free_channels(x, 6);
}

static void
test_hot_material(void)
{
	static const double rates[] = { 44100, 48000, 96000, 192000 };

	ref_design(REF_HALF, 12);
	for (int r = 0; r < 4; r++)
		hot_material_at(rates[r]);
}

/*
 * Real programme material is band-limited (20 kHz at 44.1 kHz is 0.45 fs):
 * for that, a much longer reconstruction (+-256 frames would be a 1.3 ms
 * half-length at 192 kHz, 5.8 ms at 44.1 kHz) reads no more than the
 * detector either. The noise is white noise through a sharp low-pass at
 * 0.45 fs (a 511-tap windowed sinc), pushed 8 dB over.
 */
static void
test_band_limited_long_reference(void)
{
	const int n = 8000, taps = 511;
	float **x = alloc_channels(2, n);
	double *h = malloc(sizeof(double) * taps), *w = malloc(sizeof(double) * (n + taps));
	uint64_t rng = 0x1badb002ull;

	for (int j = 0; j < taps; j++) {
		const double t = j - (taps - 1) / 2.0, r = t / ((taps + 1) / 2.0);

		h[j] = 0.9 * (t == 0 ? 1 : sin(0.9 * M_PI * t) / (0.9 * M_PI * t)) *
		    bessel_i0(12 * sqrt(1 - r * r)) / bessel_i0(12);
	}
	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < n + taps; i++)
			w[i] = rand_signed(&rng) * 1.7;
		for (int i = 0; i < n; i++) {
			double s = 0;

			for (int j = 0; j < taps; j++)
				s += h[j] * w[i + j];
			x[k][i] = (float)s;
		}
	}
	ref_design(256, 14);
	check_hot("0.45 fs noise, +-256 ref", x, 2, n, 48000, -1, 8, 5, 0.6);
	check_hot("0.45 fs noise, +-256 ref", x, 2, n, 44100, -1, 8, 5, 0.6);
	ref_design(REF_HALF, 12);
	free(h);
	free(w);
	free_channels(x, 2);
}

/* ---- exact behaviour ------------------------------------------------- */

/* Below the ceiling the output is the input times gain_lin, delayed,
 * bit for bit, including material that comes close (the detector runs)
 * and material far under (it is skipped). */
static void
test_transparent(void)
{
	static const double rates[] = { 44100, 48000, 96000, 192000 };
	const int n = 20000;
	float **x = alloc_channels(3, n), **y = alloc_channels(3, n);
	uint64_t rng = 42;

	for (int r = 0; r < 4; r++) {
		/* 1.3 dB under the ceiling at its true peak (the threshold sits
		 * 0.27 dB under), after +4 dB of gain. */
		struct limiter_coefs c = design(rates[r], -1, 4, 1.5, 100);
		const double amp = pow(10, (-1 - 1.3 - 4) / 20.0);
		int same = 1;

		for (int i = 0; i < n; i++) {
			x[0][i] = (float)(amp * sin(2 * M_PI * 0.23 * i + 0.4));
			x[1][i] = (float)(amp * (i % 3000 < 1500 ? sin(2 * M_PI * 0.01 * i) : 0));
			x[2][i] = (float)(0.001 * rand_signed(&rng));
		}
		REQUIRE(limiter_init(lim, 3, &c) == 0);
		run_aligned(x, y, 3, n, SPLIT_LOG, 7);
		for (int k = 0; k < 3; k++)
			for (int i = 0; i < n; i++) {
				const float want = x[k][i] * c.gain_lin;

				if (memcmp(&want, &y[k][i], sizeof want) != 0)
					same = 0;
			}
		CHECK(same);
		CHECK(lim->gr_max_db == 0.0f);
		CHECK_INT_EQ(lim->limited_frames, 0);
		/* and the true peak is where it was put (away from the
		 * abrupt start and end, which ring) */
		CHECK_NEAR(db(ref_true_peak_range(y[0], n, 1000, 3000)), -2.3, 0.005);
	}
	free_channels(x, 3);
	free_channels(y, 3);
}

/* An impulse comes out exactly latency frames later, at every rate and
 * look-ahead; flush drains it; the latency is what the header says. */
static void
test_latency(void)
{
	static const double rates[] = { 8000, 44100, 48000, 96000, 192000 };
	static const double looks[] = { 0.5, 1.5, 5.0 };

	for (int r = 0; r < 5; r++)
		for (int a = 0; a < 3; a++) {
			struct limiter_coefs c = design(rates[r], -1, 0, looks[a], 100);
			const int lat = c.latency_frames, n = lat + 400, at = 37;
			float *buf = calloc((size_t)n, sizeof(float)), *ch[1] = { buf };
			int ok = 1;

			CHECK_INT_EQ(lat, LIMITER_DETECT_FRAMES + c.span_frames + LIMITER_HOLD_FRAMES - 1);
			CHECK_NEAR(c.span_frames, looks[a] * rates[r] / 1000, rates[r] < 9000 ? 2.5 : 0.5);
			REQUIRE(limiter_init(lim, 1, &c) == 0);
			CHECK_INT_EQ(limiter_latency_frames(lim), lat);
			buf[at] = 0.5f;
			limiter_process(lim, ch, at + 1);   /* the impulse is the last input */
			limiter_flush(lim, ch, 0);
			memset(buf, 0, sizeof(float) * (size_t)n);
			ch[0] = buf;
			limiter_flush(lim, ch, n);           /* frames at+1 .. at+n */
			for (int i = 0; i < n; i++)
				if (buf[i] != (i + at + 1 == at + lat ? 0.5f : 0.0f))
					ok = 0;
			CHECK(ok);
			free(buf);
		}
	/* The first latency frames after init are silence, then input 0. */
	{
		struct limiter_coefs c = design(48000, -1, 0, 1.5, 100);
		const int lat = c.latency_frames;
		float *buf = malloc(sizeof(float) * (size_t)(lat + 10)), *ch[1] = { buf };
		int ok = 1;

		for (int i = 0; i < lat + 10; i++)
			buf[i] = 0.25f + 0.001f * (float)i;
		REQUIRE(limiter_init(lim, 1, &c) == 0);
		limiter_process(lim, ch, lat + 10);
		for (int i = 0; i < lat; i++)
			ok = ok && buf[i] == 0.0f;
		for (int i = 0; i < 10; i++)
			ok = ok && buf[lat + i] == 0.25f + 0.001f * (float)i;
		CHECK(ok);
		printf("latency at 48 kHz, 1.5 ms look-ahead: %d frames (%.2f ms)\n", lat,
		    lat * 1000.0 / 48000);
		free(buf);
	}
}

/*
 * Release: a DC bed (read the gain off it) with one over; after the hold
 * the reduction in dB decays with the release time constant: from e^-1 to
 * e^-2 of its depth takes release_ms. Also: the deepest reduction is what
 * the over needed, and a longer release is slower.
 */
static void
test_release(void)
{
	static const double rates[] = { 48000, 96000 };
	static const double rel_ms[] = { 20, 150 };

	for (int r = 0; r < 2; r++)
		for (int q = 0; q < 2; q++) {
			const double rate = rates[r];
			struct limiter_coefs c = design(rate, -1, 0, 1.5, rel_ms[q]);
			/* exactly 1 again once the reduction is under float's
			 * resolution: about 17 time constants from -3.2 dB */
			const int n = (int)(rate * rel_ms[q] / 1000 * 20) + 4000, at = 1000;
			float **x = alloc_channels(1, n), **y = alloc_channels(1, n);
			double g0 = 0, t1 = -1, t2 = -1, need;
			int tmin = 0;

			for (int i = 0; i < n; i++)
				x[0][i] = 0.25f;
			x[0][at] = 1.25f;
			REQUIRE(limiter_init(lim, 1, &c) == 0);
			run_aligned(x, y, 1, n, SPLIT_WHOLE, 1);
			for (int i = 0; i < n; i++) {
				const double g = db(y[0][i] / 0.25);

				if (i == at)
					continue;
				if (g < g0) {
					g0 = g;
					tmin = i;
				}
			}
			/* the over, as the detector reads it, is 1.25: it needed
			 * thr/1.25, and the frames beside it got that too */
			need = db(c.thr_lin / 1.25);
			CHECK_NEAR(g0, need, 0.01);
			CHECK(db(y[0][at] / 1.25) <= need + 0.001);
			CHECK(tmin >= at - LIMITER_HOLD_FRAMES && tmin <= at + c.span_frames + 2 * LIMITER_HOLD_FRAMES);
			for (int i = at + 1; i < n; i++) {
				const double g = db(y[0][i] / 0.25);

				if (t1 < 0 && g > g0 * exp(-1))
					t1 = i;
				if (t2 < 0 && g > g0 * exp(-2))
					t2 = i;
			}
			REQUIRE(t1 > 0 && t2 > 0);
			CHECK_NEAR((t2 - t1) / rate * 1000, rel_ms[q], rel_ms[q] * 0.02);
			/* and back to exactly 1 at the end */
			CHECK(y[0][n - 1] == 0.25f);
			printf("release %3.0f ms at %.0f kHz: depth %.2f dB, e^-1 -> e^-2 in %.2f ms\n",
			    rel_ms[q], rate / 1000, g0, (t2 - t1) / rate * 1000);
			free_channels(x, 1);
			free_channels(y, 1);
		}
}

/* Linked: one gain for all channels, whichever channel needs it. */
static void
test_linked(void)
{
	struct limiter_coefs c = design(48000, -1, 0, 1.5, 50);
	const int n = 8000;
	float **x = alloc_channels(6, n), **y = alloc_channels(6, n);
	int same = 1, reduced = 0;

	for (int k = 0; k < 6; k++)
		for (int i = 0; i < n; i++)
			x[k][i] = 0.01f * (float)(k + 1);
	for (int i = 3000; i < 3400; i++)
		x[3][i] = (float)(0.01 * 4 + 1.5 * sin(2 * M_PI * 0.05 * i)); /* LFE */
	REQUIRE(limiter_init(lim, 6, &c) == 0);
	run_aligned(x, y, 6, n, SPLIT_SMALL, 3);
	for (int i = 0; i < n; i++) {
		const float g = y[0][i] / x[0][i];

		if (g < 0.999f)
			reduced++;
		for (int k = 1; k < 6; k++)
			if (k != 3 && fabsf(y[k][i] / x[k][i] - g) > 1e-6f)
				same = 0;
	}
	CHECK(same);
	CHECK(reduced > 400);
	CHECK(db(ref_true_peak(y[3], n)) <= -1.0);
	free_channels(x, 6);
	free_channels(y, 6);
}

/* ---- split invariance, bad input, reset ------------------------------ */

static void
make_mixed(float **x, int channels, int n, uint64_t seed)
{
	uint64_t rng = seed;

	/* quiet (skipped), near (detected, unlimited) and hot stretches */
	for (int k = 0; k < channels; k++)
		for (int i = 0; i < n; i++) {
			const int part = (i / 2500) % 3;
			const double level = part == 0 ? 0.01 : part == 1 ? 0.5 : 1.5;

			x[k][i] = (float)(level * rand_signed(&rng) * (k == 1 ? 0.5 : 1));
		}
}

static void
test_split_invariance(void)
{
	static const int chans[] = { 1, 2, 6 };
	const int n = 30000;
	int renders = 0, differ = 0, gr_differ = 0;

	for (int ci = 0; ci < 3; ci++) {
		const int nch = chans[ci];
		struct limiter_coefs c = design(48000, -1, 2, 1.5, 30);
		float **x = alloc_channels(nch, n), **ref = alloc_channels(nch, n);
		float **y = alloc_channels(nch, n);
		float gr_ref;

		make_mixed(x, nch, n, 0xabcdefull + (uint64_t)nch);
		REQUIRE(limiter_init(lim, nch, &c) == 0);
		run_aligned(x, ref, nch, n, SPLIT_WHOLE, 1);
		gr_ref = lim->gr_max_db;
		for (int m = SPLIT_UNIFORM; m < SPLIT_MODES; m++) {
			limiter_reset(lim);
			run_aligned(x, y, nch, n, (enum split_mode)m, 99 + (uint64_t)m);
			renders++;
			for (int k = 0; k < nch; k++) {
				const int d = first_difference(ref[k], y[k], n);

				if (d >= 0) {
					differ++;
					fprintf(stderr, "split mode %d, %d ch: channel %d differs at %d\n", m,
					    nch, k, d);
				}
			}
			if (lim->gr_max_db != gr_ref)
				gr_differ++;
		}
		free_channels(x, nch);
		free_channels(ref, nch);
		free_channels(y, nch);
	}
	CHECK_INT_EQ(renders, 9);
	CHECK_INT_EQ(differ, 0);
	CHECK_INT_EQ(gr_differ, 0);
}

/* The AVX2 copy of the detector and the baseline one give the same bits
 * (on a CPU without AVX2 both runs use the baseline). */
static void
test_avx2_same_bits(void)
{
	const int n = 20000;
	struct limiter_coefs c = design(48000, -1, 4, 1.5, 50);
	float **x = alloc_channels(6, n), **a = alloc_channels(6, n), **b = alloc_channels(6, n);
	const char *old = getenv("DUBSTAGE_DSP_NO_AVX2");
	char *saved = old != NULL ? strdup(old) : NULL;
	int same = 1;

	make_mixed(x, 6, n, 17);
	unsetenv("DUBSTAGE_DSP_NO_AVX2");
	REQUIRE(limiter_init(lim, 6, &c) == 0);
	run_aligned(x, a, 6, n, SPLIT_UNIFORM, 4);
	setenv("DUBSTAGE_DSP_NO_AVX2", "1", 1);
	REQUIRE(limiter_init(lim, 6, &c) == 0);
	CHECK(!lim->avx2);
	run_aligned(x, b, 6, n, SPLIT_UNIFORM, 4);
	if (saved != NULL)
		setenv("DUBSTAGE_DSP_NO_AVX2", saved, 1);
	else
		unsetenv("DUBSTAGE_DSP_NO_AVX2");
	free(saved);
	for (int k = 0; k < 6; k++)
		same = same && same_bits(a[k], b[k], n);
	CHECK(same);
	free_channels(x, 6);
	free_channels(a, 6);
	free_channels(b, 6);
}

/* A ceiling change at a fixed frame gives the same bits however the calls
 * fall around it. */
static void
test_split_with_set_coefs(void)
{
	const int n = 20000, at = 7777;
	struct limiter_coefs a = design(44100, -1, 0, 2, 40), b = design(44100, -3, 1, 2, 80);
	float **x = alloc_channels(2, n), **ref = NULL;
	int differ = 0;

	make_mixed(x, 2, n, 5);
	for (int m = SPLIT_WHOLE; m < SPLIT_MODES; m++) {
		float **y = alloc_channels(2, n), *ch[2];
		uint64_t rng = 11 + (uint64_t)m;
		int pos = 0;

		REQUIRE(limiter_init(lim, 2, &a) == 0);
		memcpy(y[0], x[0], sizeof(float) * n);
		memcpy(y[1], x[1], sizeof(float) * n);
		while (pos < n) {
			const int len = split_next(&rng, (enum split_mode)m, (pos < at ? at : n) - pos);

			ch[0] = y[0] + pos;
			ch[1] = y[1] + pos;
			limiter_process(lim, ch, len);
			pos += len;
			if (pos == at)
				CHECK(limiter_set_coefs(lim, &b) == 0);
		}
		if (ref == NULL) {
			ref = y;
			continue;
		}
		for (int k = 0; k < 2; k++)
			if (!same_bits(ref[k], y[k], n))
				differ++;
		free_channels(y, 2);
	}
	CHECK_INT_EQ(differ, 0);
	/* after the change (and the latency) the new, lower ceiling holds */
	CHECK(db(ref_true_peak(ref[0] + at + 400, n - at - 400)) <= -3.0);
	free_channels(x, 2);
	free_channels(ref, 2);
}

/* NaN and infinities are zeros to the limiter: the output is the same bits
 * as with zeros in their place, all finite; huge values are clipped, not
 * let through. */
static void
test_nonfinite(void)
{
	const int n = 12000;
	struct limiter_coefs c = design(48000, -1, 3, 1.5, 50);
	float **x = alloc_channels(2, n), **z = alloc_channels(2, n);
	float **y1 = alloc_channels(2, n), **y2 = alloc_channels(2, n);
	int finite = 1;

	make_mixed(x, 2, n, 77);
	for (int k = 0; k < 2; k++)
		memcpy(z[k], x[k], sizeof(float) * n);
	for (int i = 100; i < n; i += 997) {
		x[0][i] = NAN;
		x[1][i + 1] = i % 2 ? INFINITY : -INFINITY;
		z[0][i] = 0.0f;
		z[1][i + 1] = 0.0f;
	}
	REQUIRE(limiter_init(lim, 2, &c) == 0);
	run_aligned(x, y1, 2, n, SPLIT_LOG, 5);
	REQUIRE(limiter_init(lim, 2, &c) == 0);
	run_aligned(z, y2, 2, n, SPLIT_LOG, 5);
	for (int k = 0; k < 2; k++) {
		CHECK(same_bits(y1[k], y2[k], n));
		for (int i = 0; i < n; i++)
			finite = finite && isfinite(y1[k][i]);
	}
	CHECK(finite);

	/* 1e30 in one frame: clipped to LIMITER_INPUT_MAX (+120 dBFS), limited
	 * under the ceiling like any over; the gain then recovers from its
	 * ~-122 dB as the release says (in dB: depth * e^(-t / 50 ms), t from
	 * the end of the hold and ramp). */
	for (int i = 0; i < n; i++)
		x[0][i] = x[1][i] = (float)(0.1 * sin(0.05 * i));
	x[0][5000] = 1e30f;
	REQUIRE(limiter_init(lim, 2, &c) == 0);
	run_aligned(x, y1, 2, n, SPLIT_UNIFORM, 9);
	CHECK(db(ref_true_peak(y1[0], n)) <= -1.0);
	{
		const int end = 5000 + LIMITER_HOLD_FRAMES + c.span_frames / 2;
		double got = 0, want = 0;

		for (int i = n - 60; i < n; i++) /* a frame where the sine is well off 0 */
			if (fabs(x[0][i]) > 0.05) {
				got = db(y1[0][i] / (x[0][i] * c.gain_lin));
				want = db(c.thr_lin / LIMITER_INPUT_MAX) * exp(-(i - end) / (0.05 * 48000));
			}
		CHECK(got < -5);
		CHECK_NEAR(got, want, 0.1);
		for (int i = 0; i < n; i++)
			finite = finite && isfinite(y1[0][i]);
		CHECK(finite);
	}
	free_channels(x, 2);
	free_channels(z, 2);
	free_channels(y1, 2);
	free_channels(y2, 2);
}

static void
test_reset(void)
{
	const int n = 9000;
	struct limiter_coefs c = design(96000, -2, 6, 3, 60);
	float **x = alloc_channels(2, n), **a = alloc_channels(2, n), **b = alloc_channels(2, n);

	make_mixed(x, 2, n, 3);
	REQUIRE(limiter_init(lim, 2, &c) == 0);
	run_aligned(x, a, 2, n, SPLIT_UNIFORM, 1);
	limiter_reset(lim);
	CHECK(lim->gr_max_db == 0.0f && lim->limited_frames == 0);
	run_aligned(x, b, 2, n, SPLIT_SMALL, 2);
	CHECK(same_bits(a[0], b[0], n) && same_bits(a[1], b[1], n));
	free_channels(x, 2);
	free_channels(a, 2);
	free_channels(b, 2);
}

static void
test_validation(void)
{
	struct limiter_params p, bad;
	struct limiter_coefs c, d, keep;

	limiter_params_default(&p);
	CHECK_NEAR(p.ceiling_db, -1, 0);
	CHECK_NEAR(p.margin_db, 0.1, 0);
	CHECK(limiter_design(&p, 48000, &c) == 0);
	CHECK_NEAR(db(c.thr_lin), -1.1 + 20 * log10(1 - M_PI * M_PI / 512), 1e-5);
	memset(&keep, 0x5a, sizeof keep);
	d = keep;
	CHECK(limiter_design(&p, 7999, &d) == DSP_ERR_INVALID);
	CHECK(limiter_design(&p, 192001, &d) == DSP_ERR_INVALID);
	CHECK(limiter_design(&p, NAN, &d) == DSP_ERR_INVALID);
	bad = p; bad.ceiling_db = 0.5;
	CHECK(limiter_design(&bad, 48000, &d) == DSP_ERR_INVALID);
	bad = p; bad.ceiling_db = NAN;
	CHECK(limiter_design(&bad, 48000, &d) == DSP_ERR_INVALID);
	bad = p; bad.gain_db = 81;
	CHECK(limiter_design(&bad, 48000, &d) == DSP_ERR_INVALID);
	bad = p; bad.lookahead_ms = 0.4;
	CHECK(limiter_design(&bad, 48000, &d) == DSP_ERR_INVALID);
	bad = p; bad.lookahead_ms = 5.1;
	CHECK(limiter_design(&bad, 48000, &d) == DSP_ERR_INVALID);
	bad = p; bad.release_ms = 0.5;
	CHECK(limiter_design(&bad, 48000, &d) == DSP_ERR_INVALID);
	bad = p; bad.margin_db = -0.1;
	CHECK(limiter_design(&bad, 48000, &d) == DSP_ERR_INVALID);
	CHECK(memcmp(&d, &keep, sizeof d) == 0);

	CHECK(limiter_init(lim, 0, &c) == DSP_ERR_INVALID);
	CHECK(limiter_init(lim, LIMITER_MAX_CHANNELS + 1, &c) == DSP_ERR_INVALID);
	CHECK(limiter_init(lim, LIMITER_MAX_CHANNELS, &c) == 0);
	d = c;
	d.span_frames++;
	CHECK(limiter_init(lim, 2, &d) == DSP_ERR_INVALID);
	/* set_coefs: rate and look-ahead are fixed, the rest may change */
	bad = p; bad.lookahead_ms = 3;
	CHECK(limiter_design(&bad, 48000, &d) == 0);
	CHECK(limiter_set_coefs(lim, &d) == DSP_ERR_INVALID);
	CHECK(limiter_design(&p, 44100, &d) == 0);
	CHECK(limiter_set_coefs(lim, &d) == DSP_ERR_INVALID);
	bad = p; bad.ceiling_db = -6; bad.gain_db = 12; bad.release_ms = 500;
	CHECK(limiter_design(&bad, 48000, &d) == 0);
	CHECK(limiter_set_coefs(lim, &d) == 0);
	CHECK(lim->co.thr_lin == d.thr_lin);
	/* 0 frames is a no-op */
	limiter_process(lim, NULL, 0);
	limiter_flush(lim, NULL, 0);
	CHECK(lim->gr_peak_db == 0.0f);
}

int
main(void)
{
	lim = malloc(sizeof *lim);
	if (lim == NULL)
		return 1;
	ref_design(REF_HALF, 12);
	test_validation();
	test_latency();
	test_transparent();
	test_release();
	test_linked();
	test_split_invariance();
	test_split_with_set_coefs();
	test_avx2_same_bits();
	test_nonfinite();
	test_reset();
	test_hot_material();
	test_band_limited_long_reference();
	printf("worst true peak vs ceiling over the hot material: %+.4f dB (dsp/truepeak %+.4f dB, "
	    "libebur128 %+.4f dB)\n", worst_overshoot_db, worst_meter_overshoot_db,
	    worst_ebu_overshoot_db);
	free(lim);
	return test_report();
}
