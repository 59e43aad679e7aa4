/*
 * signals.h - test signals and measurements for the DSP tests (and the
 * engine tests that measure levels). Everything here is deterministic.
 *
 * Noise: rand_unit() and rand_signed() turn a test_xorshift64() state into
 * uniform doubles; a test keeps its own state (one per signal, or one per
 * file for its rnd()), so its samples depend only on the seed it picks.
 *
 * Levels: fit_amplitude() is the least-squares amplitude of a sinusoid of
 * known frequency (exact for a pure one, whatever the length), so a filter's
 * gain is measured without windowing; mean_power() is the mean square.
 *
 * Split invariance: a processor that keeps state across calls must give
 * the same bits however a stream is cut into calls. A test renders the
 * stream once with SPLIT_WHOLE (one call per interval between its events:
 * coefficient changes, resets) and again with the other modes, whose call
 * lengths split_next() draws from a seeded sequence, never past the next
 * event; then first_difference() (or same_bits()) compares the renders.
 */
#ifndef DUBSTAGE_TESTS_DSP_SIGNALS_H
#define DUBSTAGE_TESTS_DSP_SIGNALS_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "test.h"

/* Uniform in [0, 1), from the next value of *state (53 random bits). */
static inline double
rand_unit(uint64_t *state)
{
	return (double)(test_xorshift64(state) >> 11) / 9007199254740992.0;
}

/* Uniform in [-1, 1), from the next value of *state. */
static inline double
rand_signed(uint64_t *state)
{
	return rand_unit(state) * 2.0 - 1.0;
}

/* Least-squares amplitude of the sinusoid at angular frequency w (rad per
 * frame) in y[0..n), whose frame 0 is absolute frame t0. Exact for a pure
 * sinusoid of that frequency, whatever n. */
static inline double
fit_amplitude(const float *y, int n, double w, int t0)
{
	double ss = 0, cc = 0, sc = 0, ys = 0, yc = 0, det, a, b;
	int i;

	for (i = 0; i < n; i++) {
		double s = sin(w * (t0 + i)), c = cos(w * (t0 + i));

		ss += s * s;
		cc += c * c;
		sc += s * c;
		ys += y[i] * s;
		yc += y[i] * c;
	}
	det = ss * cc - sc * sc;
	a = (ys * cc - yc * sc) / det;
	b = (yc * ss - ys * sc) / det;
	return sqrt(a * a + b * b);
}

/* Mean of x[i]^2 over x[0..n), summed in double. */
static inline double
mean_power(const float *x, int n)
{
	double sum = 0;

	for (int i = 0; i < n; i++)
		sum += (double)x[i] * x[i];
	return sum / n;
}

/* How a split-invariance render cuts the stream into calls. */
enum split_mode {
	SPLIT_WHOLE,   /* one call per interval between events */
	SPLIT_UNIFORM, /* 1..5000 frames, uniform */
	SPLIT_LOG,     /* 1..5000 frames, log-uniform: many short calls */
	SPLIT_SMALL,   /* 1..64 frames: cuts inside nearly every ramp */
	SPLIT_MODES
};

/* The length of the next call, 1..left frames (left: to the next event or
 * the end), as m says; advances *rng by one step in every mode. */
static inline int
split_next(uint64_t *rng, enum split_mode m, int left)
{
	const double u = rand_unit(rng);
	int len;

	switch (m) {
	case SPLIT_UNIFORM:
		len = 1 + (int)(u * 5000);
		break;
	case SPLIT_LOG:
		len = (int)exp(u * log(5001.0));
		break;
	case SPLIT_SMALL:
		len = 1 + (int)(u * 64);
		break;
	case SPLIT_WHOLE:
	default:
		len = left;
		break;
	}
	if (len < 1)
		len = 1;
	return len < left ? len : left;
}

/* a[0..n) and b[0..n) hold the same bits (NaNs and -0 included). */
static inline bool
same_bits(const float *a, const float *b, int n)
{
	return memcmp(a, b, (size_t)n * sizeof *a) == 0;
}

/* The first frame whose bits differ between a[0..n) and b[0..n); -1 when
 * none does. */
static inline int
first_difference(const float *a, const float *b, int n)
{
	if (same_bits(a, b, n))
		return -1;
	for (int i = 0; i < n; i++)
		if (memcmp(&a[i], &b[i], sizeof *a) != 0)
			return i;
	return -1;
}

#endif
