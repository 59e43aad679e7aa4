/*
 * truepeak.c - the two true-peak interpolators of truepeak.h.
 *
 * Layout. t->buf holds TRUEPEAK_HIST samples of history followed by the
 * chunk being measured; x = buf + TRUEPEAK_HIST, so x[-TRUEPEAK_HIST .. -1]
 * are the previous samples and x[0 .. n-1] the chunk. After a chunk the
 * last TRUEPEAK_HIST samples move to the front (only they are kept when a
 * whole chunk is skipped).
 *
 * ANNEX2 computes, for each new sample x[i], the four values
 * y_p = sum_k h_p[k] x[i-k] (p = 0..3, k = 0..11). Phases 3 and 2 are
 * phases 0 and 1 reversed, so with the window w[k] = x[i-11+k],
 * A_k = w[k] + w[11-k] and D_k = w[11-k] - w[k] (k < 6):
 *   y_0 + y_3 = sum_k (h_0[k] + h_0[11-k]) A_k
 *   y_0 - y_3 = sum_k (h_0[k] - h_0[11-k]) D_k
 * and max(|y_0|, |y_3|) = (|y_0 + y_3| + |y_0 - y_3|) / 2.
 *
 * ACCURATE evaluates, for the interval [j, j+1) with j = i - h (the
 * filter reaches h samples ahead, hence the delay), the phases
 * y_q = sum_k g_q[k] x[j-h+1+k] (q = 1..7, k = 0..2h-1, h =
 * TRUEPEAK_ACC_HALF, g_q[k] = g(q/8 + h-1 - k), g the windowed sinc),
 * y_0 = x[j], with the same folding for the pairs (1,7), (2,6), (3,5)
 * and the symmetric phase 4. The kernel is normalised per phase so that
 * each passes DC at exactly 1.
 */
#include "dsp/truepeak.h"
#include "dsp/window.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * On x86 with GCC or Clang the hot loops are compiled twice, for the
 * build's baseline (SSE2) and for AVX2 (without FMA, so no multiply-add
 * is ever fused: both copies do the same IEEE operations in the same
 * order and give the same bits), and init picks one for the CPU.
 */
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define TP_X86 1
#define TP_AVX2 __attribute__((target("avx2")))
#else
#define TP_X86 0
#endif
#define TP_INLINE static inline __attribute__((always_inline))

typedef float vf4 __attribute__((vector_size(16)));
typedef float vf8 __attribute__((vector_size(32)));
typedef int32_t vi4 __attribute__((vector_size(16)));
typedef int32_t vi8 __attribute__((vector_size(32)));

/* BS.1770-5 Annex 2, Table 1 (the same in BS.1770-4): phase p, tap k
 * multiplies x[n-k]. Every value is a multiple of 2^-13, exact in float. */
static const double annex_h[4][12] = {
	{ 0.0017089843750, 0.0109863281250, -0.0196533203125, 0.0332031250000,
	  -0.0594482421875, 0.1373291015625, 0.9721679687500, -0.1022949218750,
	  0.0476074218750, -0.0266113281250, 0.0148925781250, -0.0083007812500 },
	{ -0.0291748046875, 0.0292968750000, -0.0517578125000, 0.0891113281250,
	  -0.1665039062500, 0.4650878906250, 0.7797851562500, -0.2003173828125,
	  0.1015625000000, -0.0582275390625, 0.0330810546875, -0.0189208984375 },
	{ -0.0189208984375, 0.0330810546875, -0.0582275390625, 0.1015625000000,
	  -0.2003173828125, 0.7797851562500, 0.4650878906250, -0.1665039062500,
	  0.0891113281250, -0.0517578125000, 0.0292968750000, -0.0291748046875 },
	{ -0.0083007812500, 0.0148925781250, -0.0266113281250, 0.0476074218750,
	  -0.1022949218750, 0.9721679687500, 0.1373291015625, -0.0594482421875,
	  0.0332031250000, -0.0196533203125, 0.0109863281250, 0.0017089843750 },
};

#define ANNEX_TAPS 12
#define ACC_HALF TRUEPEAK_ACC_HALF
#define ACC_TAPS (2 * ACC_HALF)
#define ACC_PHASES 8
#ifndef TP_BETA
#define TP_BETA TRUEPEAK_KAISER_BETA
#endif
/* The refinement never reports more than its interval's largest phase
 * times this: the most a waveform band-limited to fs/2 can rise between
 * points 1/8 sample apart is 1/cos(pi/16) = 1.0196. */
#define ACC_REFINE_MAX 1.02f
/* Rounding margin on the skip bound (the sums' own error is < 1e-6). */
#define BOUND_MARGIN 1.0001

/* Largest |x[i]| of x[0 .. n-1]. */
TP_INLINE float
abs_max(const float *restrict x, int n)
{
	float lm[8] = { 0 }, m = 0.0f;
	int i = 0;

	for (; i + 8 <= n; i += 8)
		for (int l = 0; l < 8; l++) {
			const float a = fabsf(x[i + l]);

			lm[l] = a > lm[l] ? a : lm[l];
		}
	for (; i < n; i++) {
		const float a = fabsf(x[i]);

		m = a > m ? a : m;
	}
	for (int l = 0; l < 8; l++)
		m = lm[l] > m ? lm[l] : m;
	return m;
}

/*
 * ANNEX2: the largest interpolated |value| for the n new samples x[0..n-1]
 * (x[-11 .. -1] must be readable). n <= TRUEPEAK_BLOCK.
 */
TP_INLINE float
annex_block(const float *restrict x, int n)
{
#define E(p, k) ((float)(annex_h[p][k] + annex_h[p][11 - (k)]))
#define F(p, k) ((float)(annex_h[p][k] - annex_h[p][11 - (k)]))
	const float e00 = E(0, 0), e01 = E(0, 1), e02 = E(0, 2), e03 = E(0, 3),
	    e04 = E(0, 4), e05 = E(0, 5);
	const float f00 = F(0, 0), f01 = F(0, 1), f02 = F(0, 2), f03 = F(0, 3),
	    f04 = F(0, 4), f05 = F(0, 5);
	const float e10 = E(1, 0), e11 = E(1, 1), e12 = E(1, 2), e13 = E(1, 3),
	    e14 = E(1, 4), e15 = E(1, 5);
	const float f10 = F(1, 0), f11 = F(1, 1), f12 = F(1, 2), f13 = F(1, 3),
	    f14 = F(1, 4), f15 = F(1, 5);
#undef E
#undef F
	float out[TRUEPEAK_BLOCK];

	for (int i = 0; i < n; i++) {
		/* w[k] = x[i-11+k]: tap k of phase p multiplies w[11-k] */
		const float *w = x + i - 11;
		const float a0 = w[11] + w[0], a1 = w[10] + w[1], a2 = w[9] + w[2],
		    a3 = w[8] + w[3], a4 = w[7] + w[4], a5 = w[6] + w[5];
		const float d0 = w[11] - w[0], d1 = w[10] - w[1], d2 = w[9] - w[2],
		    d3 = w[8] - w[3], d4 = w[7] - w[4], d5 = w[6] - w[5];
		const float s0 = e00 * a0 + e01 * a1 + e02 * a2 + e03 * a3 +
		    e04 * a4 + e05 * a5;
		const float t0 = f00 * d0 + f01 * d1 + f02 * d2 + f03 * d3 +
		    f04 * d4 + f05 * d5;
		const float s1 = e10 * a0 + e11 * a1 + e12 * a2 + e13 * a3 +
		    e14 * a4 + e15 * a5;
		const float t1 = f10 * d0 + f11 * d1 + f12 * d2 + f13 * d3 +
		    f14 * d4 + f15 * d5;
		const float m0 = fabsf(s0) + fabsf(t0), m1 = fabsf(s1) + fabsf(t1);

		out[i] = 0.5f * (m0 > m1 ? m0 : m1);
	}
	return abs_max(out, n);
}

/*
 * ACCURATE: the largest phase magnitude of each interval j = i - h for
 * the n new samples x[0..n-1] (x[1 - ACC_TAPS .. -1] readable) into out[];
 * returns their maximum. n <= TRUEPEAK_BLOCK. V is a vector of W floats
 * holding W consecutive outputs (the sums run over k in order in every
 * lane, as the scalar sum would); out must have room for n rounded up to
 * W, and x must be readable that far.
 */
#define VABS(VI, V, v) ((V)((VI)(v) & 0x7fffffff))
#define VMAX_INTO(VI, V, m, v) do { /* m = v where v > m */ \
	const VI gt_ = (v) > (m); \
	(m) = (V)(((VI)(v) & gt_) | ((VI)(m) & ~gt_)); \
} while (0)
#define ACCURATE_BLOCK(V, VI, W) do { \
	for (int i = 0; i < n; i += W) { \
		V s1 = { 0 }, s2 = { 0 }, s3 = { 0 }, s4 = { 0 }; \
		V t1 = { 0 }, t2 = { 0 }, t3 = { 0 }, xj, m, v; \
		/* w[k] = x[j - (ACC_HALF - 1) + k] */ \
		const float *w = x + i - (ACC_TAPS - 1); \
		for (int k = 0; k < ACC_HALF; k++) { \
			V lo, hi; \
			memcpy(&lo, w + k, sizeof lo); \
			memcpy(&hi, w + ACC_TAPS - 1 - k, sizeof hi); \
			const V a = lo + hi, d = lo - hi; \
			s1 += t->sym[0][k] * a; \
			s2 += t->sym[1][k] * a; \
			s3 += t->sym[2][k] * a; \
			s4 += t->sym[3][k] * a; \
			t1 += t->asym[0][k] * d; \
			t2 += t->asym[1][k] * d; \
			t3 += t->asym[2][k] * d; \
		} \
		memcpy(&xj, w + ACC_HALF - 1, sizeof xj); \
		m = VABS(VI, V, xj); \
		v = VABS(VI, V, s4); \
		VMAX_INTO(VI, V, m, v); \
		v = 0.5f * (VABS(VI, V, s1) + VABS(VI, V, t1)); \
		VMAX_INTO(VI, V, m, v); \
		v = 0.5f * (VABS(VI, V, s2) + VABS(VI, V, t2)); \
		VMAX_INTO(VI, V, m, v); \
		v = 0.5f * (VABS(VI, V, s3) + VABS(VI, V, t3)); \
		VMAX_INTO(VI, V, m, v); \
		memcpy(out + i, &m, sizeof m); \
	} \
	return abs_max(out, n); \
} while (0)

static float
accurate_block(const struct truepeak *t, const float *restrict x, int n,
    float *restrict out)
{
	ACCURATE_BLOCK(vf4, vi4, 4);
}

static float
annex_block_generic(const float *restrict x, int n)
{
	return annex_block(x, n);
}

#if TP_X86
TP_AVX2 static float
accurate_block_avx2(const struct truepeak *t, const float *restrict x, int n,
    float *restrict out)
{
	ACCURATE_BLOCK(vf8, vi8, 8);
}

TP_AVX2 static float
annex_block_avx2(const float *restrict x, int n)
{
	return annex_block(x, n);
}
#endif

/* Phase q (1..7) of the interval starting at xj[0] (xj[1 - ACC_HALF ..
 * ACC_HALF] read). */
static float
accurate_phase(const struct truepeak *t, const float *xj, int q)
{
	const float *g = t->g[q - 1];
	float s = 0;

	for (int k = 0; k < ACC_TAPS; k++)
		s += g[k] * xj[k - (ACC_HALF - 1)];
	return s;
}

/*
 * The refined peak magnitude of the interval starting at xj[0]
 * (xj[-ACC_HALF .. ACC_HALF] readable): the largest of its 8 phases, moved to the
 * vertex of the parabola through it and its two neighbours on the 8x
 * grid (which may lie in the adjacent intervals) when it is a local
 * maximum there, never above ACC_REFINE_MAX times the phase.
 */
static float
accurate_refine(const struct truepeak *t, const float *xj)
{
	float y[ACC_PHASES], ym, yp, s, a, b, c, r;
	int best = 0;

	y[0] = xj[0];
	for (int q = 1; q < ACC_PHASES; q++)
		y[q] = accurate_phase(t, xj, q);
	for (int q = 1; q < ACC_PHASES; q++)
		if (fabsf(y[q]) > fabsf(y[best]))
			best = q;
	ym = best > 0 ? y[best - 1] : accurate_phase(t, xj - 1, ACC_PHASES - 1);
	yp = best < ACC_PHASES - 1 ? y[best + 1] : xj[1];
	s = y[best] < 0 ? -1.0f : 1.0f;
	a = s * ym;
	b = s * y[best];
	c = s * yp;
	r = b;
	if (a <= b && c <= b) {
		const float den = 2.0f * b - a - c;

		if (den > 0.0f) {
			r = b + (c - a) * (c - a) / (8.0f * den);
			if (r > b * ACC_REFINE_MAX)
				r = b * ACC_REFINE_MAX;
		}
	}
	return r;
}

/*
 * Runs the interpolator over the n samples x[0 .. n-1] (with history
 * before them) starting from *peak; exhaustive as in the state.
 */
static void
measure(const struct truepeak *t, const float *x, int n, float *peak_io)
{
	float peak = *peak_io;
	float out[TRUEPEAK_BLOCK + 8];

	if (!t->oversample) {
		const float m = abs_max(x, n);

		*peak_io = m > peak ? m : peak;
		return;
	}
	for (int b0 = 0; b0 < n; b0 += TRUEPEAK_BLOCK) {
		const int nb = n - b0 < TRUEPEAK_BLOCK ? n - b0 : TRUEPEAK_BLOCK;
		const float *xb = x + b0;
		float m;

		if (t->mode == TRUEPEAK_ANNEX2) {
			if (!t->exhaustive &&
			    abs_max(xb - (ANNEX_TAPS - 1), nb + ANNEX_TAPS - 1) *
			    t->bound <= peak)
				continue;
#if TP_X86
			m = t->avx2 ? annex_block_avx2(xb, nb) : annex_block_generic(xb, nb);
#else
			m = annex_block_generic(xb, nb);
#endif
			peak = m > peak ? m : peak;
			continue;
		}
		if (!t->exhaustive &&
		    abs_max(xb - (ACC_TAPS - 1), nb + ACC_TAPS - 1) * t->bound <= peak)
			continue;
#if TP_X86
		m = t->avx2 ? accurate_block_avx2(t, xb, nb, out) :
		    accurate_block(t, xb, nb, out);
#else
		m = accurate_block(t, xb, nb, out);
#endif
		if (!(m * ACC_REFINE_MAX > peak))
			continue;
		/* In stream order: an interval is refined when it could beat
		 * the maximum so far (so the result does not depend on how
		 * the stream was cut into blocks). */
		for (int i = 0; i < nb; i++) {
			if (!(out[i] * ACC_REFINE_MAX > peak))
				continue;
			const float r = accurate_refine(t, xb + i - ACC_HALF);

			peak = out[i] > peak ? out[i] : peak;
			peak = r > peak ? r : peak;
		}
	}
	*peak_io = peak;
}


static void
design_accurate(struct truepeak *t)
{
	const double beta = TP_BETA, i0b = window_bessel_i0(beta);
	double l1max = 1.0; /* phase 0 */

	for (int q = 1; q < ACC_PHASES; q++) {
		double g[ACC_TAPS], sum = 0.0, l1 = 0.0;

		for (int k = 0; k < ACC_TAPS; k++) {
			const double tau = (double)q / ACC_PHASES + (ACC_HALF - 1) - k;
			const double r = tau / ACC_HALF;
			const double sinc = sin(M_PI * tau) / (M_PI * tau);

			g[k] = sinc * window_bessel_i0(beta * sqrt(1.0 - r * r)) / i0b;
			sum += g[k];
		}
		for (int k = 0; k < ACC_TAPS; k++) {
			g[k] /= sum; /* each phase passes DC at exactly 1 */
			t->g[q - 1][k] = (float)g[k];
			l1 += fabs((double)t->g[q - 1][k]);
		}
		l1max = l1 > l1max ? l1 : l1max;
	}
	for (int q = 1; q <= 4; q++)
		for (int k = 0; k < ACC_HALF; k++) {
			const float *g = t->g[q - 1];

			/* phase 4 is symmetric: its folded form is g itself */
			t->sym[q - 1][k] = q == 4 ? g[k] : g[k] + g[ACC_TAPS - 1 - k];
			if (q < 4)
				t->asym[q - 1][k] = g[k] - g[ACC_TAPS - 1 - k];
		}
	t->bound = (float)(l1max * BOUND_MARGIN * ACC_REFINE_MAX);
}

bool
truepeak_no_avx2(void)
{
	const char *e = getenv("DUBSTAGE_DSP_NO_AVX2");

	return e != NULL && *e != '\0' && strcmp(e, "0") != 0;
}

int
truepeak_init(struct truepeak *t, enum truepeak_mode mode, double rate_hz,
    bool exhaustive)
{
	double l1max = 0.0;

	if (!(rate_hz >= 1000.0 && rate_hz <= 768000.0) ||
	    (mode != TRUEPEAK_ANNEX2 && mode != TRUEPEAK_ACCURATE))
		return DSP_ERR_INVALID;
	memset(t, 0, sizeof *t);
	t->mode = mode;
	t->exhaustive = exhaustive;
	t->oversample = mode == TRUEPEAK_ACCURATE || rate_hz < 192000.0;
#if TP_X86
	t->avx2 = __builtin_cpu_supports("avx2") && !truepeak_no_avx2();
#endif
	if (mode == TRUEPEAK_ACCURATE) {
		design_accurate(t);
		return 0;
	}
	for (int p = 0; p < 4; p++) {
		double l1 = 0.0;

		for (int k = 0; k < ANNEX_TAPS; k++)
			l1 += fabs(annex_h[p][k]);
		l1max = l1 > l1max ? l1 : l1max;
	}
	t->bound = (float)(l1max * BOUND_MARGIN);
	return 0;
}

static float
abs_max_generic(const float *restrict x, int n)
{
	return abs_max(x, n);
}

#if TP_X86
TP_AVX2 static float
abs_max_avx2(const float *restrict x, int n)
{
	return abs_max(x, n);
}
#endif

void
truepeak_process(struct truepeak *t, const float *restrict x, int frames)
{
	float *const chunk = t->buf + TRUEPEAK_HIST;
	/* history the filter reads before a chunk's first output */
	const int reach = t->mode == TRUEPEAK_ANNEX2 ? ANNEX_TAPS - 1 : ACC_TAPS - 1;

	while (frames > 0) {
		const int n = frames < TRUEPEAK_CHUNK ? frames : TRUEPEAK_CHUNK;

		if (!t->exhaustive && t->oversample) {
			/* the whole chunk at once first: most of programme
			 * material never comes near its maximum */
#if TP_X86
			float xm = t->avx2 ? abs_max_avx2(x, n) : abs_max_generic(x, n);
#else
			float xm = abs_max_generic(x, n);
#endif
			const float hm = abs_max_generic(chunk - reach, reach);

			xm = hm > xm ? hm : xm;
			if (xm * t->bound <= t->peak) {
				/* keep the history only */
				if (n >= TRUEPEAK_HIST) {
					memcpy(t->buf, x + n - TRUEPEAK_HIST,
					    TRUEPEAK_HIST * sizeof *x);
				} else {
					memmove(t->buf, t->buf + n,
					    (size_t)(TRUEPEAK_HIST - n) * sizeof *x);
					memcpy(t->buf + TRUEPEAK_HIST - n, x, (size_t)n * sizeof *x);
				}
				x += n;
				frames -= n;
				continue;
			}
		}
		memcpy(chunk, x, (size_t)n * sizeof *x);
		measure(t, chunk, n, &t->peak);
		memmove(t->buf, t->buf + n, TRUEPEAK_HIST * sizeof t->buf[0]);
		x += n;
		frames -= n;
	}
}

float
truepeak_get(const struct truepeak *t)
{
	/* the history, then silence for as long as the filter rings */
	float tail[TRUEPEAK_HIST + 2 * ACC_HALF] = { 0 };
	float peak = t->peak;

	if (!t->oversample)
		return peak;
	memcpy(tail, t->buf, TRUEPEAK_HIST * sizeof tail[0]);
	measure(t, tail + TRUEPEAK_HIST,
	    t->mode == TRUEPEAK_ANNEX2 ? ANNEX_TAPS - 1 : 2 * ACC_HALF, &peak);
	return peak;
}

void
truepeak_reset(struct truepeak *t)
{
	memset(t->buf, 0, sizeof t->buf);
	t->peak = 0.0f;
}

void
truepeak_reset_max(struct truepeak *t)
{
	t->peak = 0.0f;
}
