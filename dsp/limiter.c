/*
 * limiter.c - look-ahead true-peak limiter. The model is in limiter.h.
 *
 * Work is done in chunks of up to LIMITER_CHUNK_FRAMES frames: the chunk's
 * input goes into each channel's history (gained, sanitised), the detector
 * finds each frame's 8x peak, the gain computer turns peaks into one gain
 * per frame, and the output is the history LATENCY frames back times that
 * gain. Two shortcuts keep quiet passages cheap, and neither changes a bit
 * of the output:
 *
 *  - skip, per channel: when skip_bound * (the channel's largest |input|
 *    over everything the chunk's detector points read) <= thr, none of
 *    its points can exceed thr (skip_bound is the detector's largest L1
 *    gain), so its 8x values are not computed at all, only the few at the
 *    chunk's end that the next chunk's filters need as history. Quiet
 *    passages, and the quiet channels of a 5.1 (LFE, surrounds), cost
 *    little more than a copy;
 *  - idle: when every stage of the gain computer is at exactly 1 and a
 *    frame needs no reduction, nothing in it would change, so it is not
 *    run and the frame's gain is 1.0f.
 *
 * Detector stream indexing (n = frames_in at the chunk start, c frames):
 * stage 1 makes the value at i + 1/2 for i in [n - HB1, n + c - HB1), the
 * 2x stream z has z[2i] = x[i], z[2i+1] = that value; stage 2 makes the
 * half-way values of z at j in [2(n - HB1) - HB2, ...), the 4x stream u
 * interleaves them likewise; stage 3 makes the half-way values of u at
 * q in [4(n - DETECT), ...). Because 2 HB2 + HB3 = 16, the chunk's stage-3
 * outputs are exactly the odd 8x points of frames n - DETECT .. n - DETECT
 * + c - 1, whose even points are u[4m .. 4m+3].
 */
#include "dsp/limiter.h"
#include "dsp/window.h"

#include <math.h>
#include <string.h>

#include "dsp/truepeak.h" /* truepeak_no_avx2: one switch for every kernel */

/*
 * On x86 with GCC or Clang the detector is compiled twice, for the build's
 * baseline (SSE2) and for AVX2 (without FMA, so no multiply-add is ever
 * fused and every output sums the same terms in the same order: both give
 * the same bits, which the test checks), and init picks one for the CPU,
 * as dsp/truepeak.c does.
 */
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define LIM_X86 1
#define LIM_AVX2 __attribute__((target("avx2")))
#define LIM_INLINE static inline __attribute__((always_inline))
#else
#define LIM_X86 0
#define LIM_INLINE static inline
#endif

#define HB1 LIMITER_HB1_TAPS
#define HB2 LIMITER_HB2_TAPS
#define HB3 LIMITER_HB3_TAPS
#define DETECT LIMITER_DETECT_FRAMES
#define HOLD LIMITER_HOLD_FRAMES
#define CHUNK LIMITER_CHUNK_FRAMES
#define HIST LIMITER_HISTORY_FRAMES
#define ZH LIMITER_ZHIST
#define UH LIMITER_UHIST
#define ANNEX2_TAPS 12
#define ANNEX2_AHEAD 6 /* frames past the interval its values need */

#if 2 * HB2 + HB3 != 16 || HB1 + (2 * HB2 + HB3) / 4 != DETECT
#error "detector geometry: 2 HB2 + HB3 must be 16 and DETECT = HB1 + 4"
#endif
#if ZH < 2 * HB2 + HB3 || UH < 2 * HB3
#error "detector history too short"
#endif

/* Gains in the computer are integers in units of 2^-40: 1.0 is GAIN_ONE. */
#define GAIN_ONE ((int64_t)1 << 40)
#define GAIN_SCALE 1099511627776.0 /* 2^40 */

/* A release this close to 0 (log2 units; 6e-6 dB) is complete: the gain
 * returns to exactly 1 instead of creeping through float's last bits. */
#define RELEASE_SNAP_LOG2 (-1e-6f)

/*
 * The interpolator of ITU-R BS.1770-5 Annex 2 (Table 1; the same in -4):
 * phase p, tap k multiplies x[n-k] and gives the waveform at
 * n - 5.875 + p/4 (its 48-tap prototype is centred on 23.5), i.e. the odd
 * 8x points of frame n - 6. Meters built on it (the loudness meter's
 * default, most QC tools) read some content higher than an exact
 * reconstruction does: its short filter lets images of content near fs/2
 * through, up to +0.6 dB on hard-limited full-band noise. The detector
 * therefore takes its values too. Every value is a multiple of 2^-13,
 * exact in float.
 */
static const float annex2[4][ANNEX2_TAPS] = {
	{ 0.0017089843750f, 0.0109863281250f, -0.0196533203125f, 0.0332031250000f,
	  -0.0594482421875f, 0.1373291015625f, 0.9721679687500f, -0.1022949218750f,
	  0.0476074218750f, -0.0266113281250f, 0.0148925781250f, -0.0083007812500f },
	{ -0.0291748046875f, 0.0292968750000f, -0.0517578125000f, 0.0891113281250f,
	  -0.1665039062500f, 0.4650878906250f, 0.7797851562500f, -0.2003173828125f,
	  0.1015625000000f, -0.0582275390625f, 0.0330810546875f, -0.0189208984375f },
	{ -0.0189208984375f, 0.0330810546875f, -0.0582275390625f, 0.1015625000000f,
	  -0.2003173828125f, 0.7797851562500f, 0.4650878906250f, -0.1665039062500f,
	  0.0891113281250f, -0.0517578125000f, 0.0292968750000f, -0.0291748046875f },
	{ -0.0083007812500f, 0.0148925781250f, -0.0266113281250f, 0.0476074218750f,
	  -0.1022949218750f, 0.9721679687500f, 0.1373291015625f, -0.0594482421875f,
	  0.0332031250000f, -0.0196533203125f, 0.0109863281250f, 0.0017089843750f },
};

/* annex2 folded: [0] = h0[j] + h0[11-j], [1] = h0[j] - h0[11-j], [2], [3]
 * the same for h1 (sums and differences of multiples of 2^-13: exact). */
#define F(p, j, op) (annex2[p][j] op annex2[p][ANNEX2_TAPS - 1 - (j)])
static const float annex2_fold[4][ANNEX2_TAPS / 2] = {
	{ F(0, 0, +), F(0, 1, +), F(0, 2, +), F(0, 3, +), F(0, 4, +), F(0, 5, +) },
	{ F(0, 0, -), F(0, 1, -), F(0, 2, -), F(0, 3, -), F(0, 4, -), F(0, 5, -) },
	{ F(1, 0, +), F(1, 1, +), F(1, 2, +), F(1, 3, +), F(1, 4, +), F(1, 5, +) },
	{ F(1, 0, -), F(1, 1, -), F(1, 2, -), F(1, 3, -), F(1, 4, -), F(1, 5, -) },
};
#undef F

/* Kaiser beta of each half-band stage (see the design note in
 * limiter_init). */
#define HB1_BETA 11.0
#define HB2_BETA 7.0
#define HB3_BETA 6.0

/* 1 - pi^2/512: a signal band-limited to fs/2 whose peak is S is at least
 * this * S at the nearest point of a grid 1/8 frame apart (|x''| <=
 * (pi fs)^2 S, at most 1/16 frame away). */
#define GRID_ALLOWANCE 0.98072330403

static bool
in_range(double v, double lo, double hi)
{
	return v >= lo && v <= hi; /* false for NaN */
}

void
limiter_params_default(struct limiter_params *p)
{
	p->ceiling_db = -1.0;
	p->gain_db = 0.0;
	p->lookahead_ms = 1.5;
	p->release_ms = 100.0;
	p->margin_db = 0.1;
}

int
limiter_design(const struct limiter_params *p, double sample_rate_hz,
    struct limiter_coefs *out)
{
	struct limiter_coefs c;
	int span;

	if (!in_range(sample_rate_hz, LIMITER_MIN_RATE_HZ, LIMITER_MAX_RATE_HZ) ||
	    !in_range(p->ceiling_db, -40.0, 0.0) ||
	    !in_range(p->gain_db, -80.0, 80.0) ||
	    !in_range(p->lookahead_ms, LIMITER_LOOKAHEAD_MS_MIN, LIMITER_LOOKAHEAD_MS_MAX) ||
	    !in_range(p->release_ms, 1.0, 10000.0) ||
	    !in_range(p->margin_db, 0.0, 3.0))
		return DSP_ERR_INVALID;
	span = (int)lround(p->lookahead_ms * sample_rate_hz / 1000.0);
	if (span < 2)
		span = 2;
	if (span > LIMITER_MAX_SPAN_FRAMES)
		span = LIMITER_MAX_SPAN_FRAMES;
	memset(&c, 0, sizeof c);
	c.sample_rate_hz = sample_rate_hz;
	c.ceiling_lin = (float)pow(10.0, p->ceiling_db / 20.0);
	c.thr_lin = (float)(pow(10.0, (p->ceiling_db - p->margin_db) / 20.0) * GRID_ALLOWANCE);
	c.gain_lin = (float)pow(10.0, p->gain_db / 20.0);
	c.release_coef = (float)exp(-1000.0 / (p->release_ms * sample_rate_hz));
	c.span_frames = span;
	c.box1_frames = (span + 2) / 2;
	c.box2_frames = span + 1 - c.box1_frames;
	c.latency_frames = DETECT + span + HOLD - 1;
	*out = c;
	return DSP_OK;
}

static bool
coefs_valid(const struct limiter_coefs *c)
{
	return in_range(c->sample_rate_hz, LIMITER_MIN_RATE_HZ, LIMITER_MAX_RATE_HZ) &&
	    c->span_frames >= 2 && c->span_frames <= LIMITER_MAX_SPAN_FRAMES &&
	    c->box1_frames == (c->span_frames + 2) / 2 &&
	    c->box2_frames == c->span_frames + 1 - c->box1_frames &&
	    c->latency_frames == DETECT + c->span_frames + HOLD - 1 &&
	    c->thr_lin > 0.0f && c->thr_lin <= 1.0f && c->ceiling_lin >= c->thr_lin &&
	    c->gain_lin > 0.0f && c->gain_lin < 1e5f &&
	    c->release_coef >= 0.0f && c->release_coef < 1.0f;
}


/*
 * Half-band interpolator weights: the value half-way between s[i] and
 * s[i+1] is sum_k w[k] (s[i-k] + s[i+1+k]), k < taps: a Kaiser-windowed
 * sinc, normalised to unity gain at DC, designed in double.
 */
static void
design_half_band(float *w, int taps, double beta)
{
	double d[HB1], sum = 0.0;

	for (int k = 0; k < taps; k++) {
		const double u = k + 0.5, r = u / taps;

		d[k] = sin(M_PI * u) / (M_PI * u) * window_bessel_i0(beta * sqrt(1.0 - r * r)) /
		    window_bessel_i0(beta);
		sum += 2.0 * d[k];
	}
	for (int k = 0; k < taps; k++)
		w[k] = (float)(d[k] / sum);
}

/* s[i] for i in [0, n), 0 outside. */
static double
at(const double *s, int n, int i)
{
	return i >= 0 && i < n ? s[i] : 0.0;
}

/* dst[2i] = s[i], dst[2i+1] = the half-band value between s[i] and s[i+1]
 * (in double, from the float weights), i in [0, n). */
static void
upsample_double(const double *s, int n, const float *w, int taps, double *dst)
{
	for (int i = 0; i < n; i++) {
		double v = 0.0;

		for (int k = 0; k < taps; k++)
			v += w[k] * (at(s, n, i - k) + at(s, n, i + 1 + k));
		dst[2 * i] = s[i];
		dst[2 * i + 1] = v;
	}
}

/*
 * The largest L1 norm, over the points of a frame (8x and Annex 2), of the
 * detector's response to the input: |any value| <= this * the largest
 * |input| it reads. Found from the response to one impulse (the cascade is linear and
 * shift-invariant, so the values of point p over all frames are point p's
 * weights on the input).
 */
static double
detector_gain_bound(const struct limiter *l)
{
	enum { N = 2 * (HB1 + 16) };
	double x[N] = { 0 }, z[2 * N], u[4 * N], e[8 * N], best = 0.0;

	x[N / 2] = 1.0;
	upsample_double(x, N, l->hb1, HB1, z);
	upsample_double(z, 2 * N, l->hb2, HB2, u);
	upsample_double(u, 4 * N, l->hb3, HB3, e);
	for (int p = 0; p < 8; p++) {
		double sum = 0.0;

		for (int m = 0; m < N; m++)
			sum += fabs(e[8 * m + p]);
		best = sum > best ? sum : best;
	}
	for (int p = 0; p < 4; p++) { /* the Annex 2 points (about 2, under the cascade's 3.2) */
		double sum = 0.0;

		for (int j = 0; j < ANNEX2_TAPS; j++)
			sum += fabs((double)annex2[p][j]);
		best = sum > best ? sum : best;
	}
	return best;
}

static void
clear_stream(struct limiter *l)
{
	const int64_t a1 = l->co.box1_frames;

	l->frames_in = 0;
	l->pos = HIST;
	memset(l->x, 0, sizeof l->x);
	memset(l->zhist, 0, sizeof l->zhist);
	memset(l->uhist, 0, sizeof l->uhist);
	for (int i = 0; i < LIMITER_MAX_WINDOW; i++)
		l->suffix[i] = GAIN_ONE;
	l->prefix = GAIN_ONE;
	l->block_pos = 0;
	l->release_log2 = 0.0f;
	for (int i = 0; i < LIMITER_BOX_MAX; i++) {
		l->box1[i] = GAIN_ONE;
		l->box2[i] = a1 * GAIN_ONE;
	}
	l->sum1 = a1 * GAIN_ONE;
	l->sum2 = (int64_t)l->co.box2_frames * a1 * GAIN_ONE;
	l->box1_pos = 0;
	l->box2_pos = 0;
	l->idle = true;
	l->gr_db = 0.0f;
	l->gr_peak_db = 0.0f;
	l->gr_max_db = 0.0f;
	l->limited_frames = 0;
}

int
limiter_init(struct limiter *l, int channels, const struct limiter_coefs *c)
{
	if (channels < 1 || channels > LIMITER_MAX_CHANNELS || !coefs_valid(c))
		return DSP_ERR_INVALID;
	memset(l, 0, sizeof *l);
	l->co = *c;
	l->channels = channels;
#if LIM_X86
	l->avx2 = __builtin_cpu_supports("avx2") && !truepeak_no_avx2();
#endif
	/*
	 * Stage 1 carries the whole burden of separating the signal from its
	 * image near fs/2, so it is long; stages 2 and 3 see content only up
	 * to a quarter and an eighth of their rate and can be short. The betas
	 * were chosen so that, with the grid allowance, the detector reads no
	 * less than a 32x, +-64-frame Kaiser sinc at any frame (+-1) on noise,
	 * squares, bursts and tones up to 0.5 fs.
	 */
	design_half_band(l->hb1, HB1, HB1_BETA);
	design_half_band(l->hb2, HB2, HB2_BETA);
	design_half_band(l->hb3, HB3, HB3_BETA);
	/* The slack covers float rounding in the detector's sums. */
	l->skip_bound = (float)(detector_gain_bound(l) * 1.0001);
	clear_stream(l);
	return DSP_OK;
}

int
limiter_set_coefs(struct limiter *l, const struct limiter_coefs *c)
{
	if (!coefs_valid(c) || c->sample_rate_hz != l->co.sample_rate_hz ||
	    c->span_frames != l->co.span_frames)
		return DSP_ERR_INVALID;
	l->co = *c;
	return DSP_OK;
}

void
limiter_reset(struct limiter *l)
{
	clear_stream(l);
}

int
limiter_latency_frames(const struct limiter *l)
{
	return l->co.latency_frames;
}

/*
 * out[i] = sum_k w[k] (s[i-k] + s[i+1+k]), k < taps, for i in [0, n): the
 * half-way values of the stream s. Loops run taps-outer so that the inner
 * loop is a vectorisable pass over the outputs; every output sums its
 * terms in the same order whatever n, so results do not depend on how the
 * stream was chunked.
 */
LIM_INLINE void
half_band(const float *restrict s, float *restrict out, const float *restrict w,
    const int taps, int n)
{
	int k = 0;

	for (int i = 0; i < n; i++)
		out[i] = 0.0f;
	for (; k + 4 <= taps; k += 4) {
		const float w0 = w[k], w1 = w[k + 1], w2 = w[k + 2], w3 = w[k + 3];
		const float *a = s - k, *b = s + 1 + k;

		for (int i = 0; i < n; i++)
			out[i] += (w0 * (a[i] + b[i]) + w1 * (a[i - 1] + b[i + 1])) +
			    (w2 * (a[i - 2] + b[i + 2]) + w3 * (a[i - 3] + b[i + 3]));
	}
	for (; k + 2 <= taps; k += 2) {
		const float w0 = w[k], w1 = w[k + 1];
		const float *a = s - k, *b = s + 1 + k;

		for (int i = 0; i < n; i++)
			out[i] += w0 * (a[i] + b[i]) + w1 * (a[i - 1] + b[i + 1]);
	}
	for (; k < taps; k++) {
		const float w0 = w[k];
		const float *a = s - k, *b = s + 1 + k;

		for (int i = 0; i < n; i++)
			out[i] += w0 * (a[i] + b[i]);
	}
}

/* dst[2i] = even[i], dst[2i+1] = odd[i], i in [0, n). */
LIM_INLINE void
interleave(float *restrict dst, const float *restrict even, const float *restrict odd, int n)
{
	for (int i = 0; i < n; i++) {
		dst[2 * i] = even[i];
		dst[2 * i + 1] = odd[i];
	}
}

/*
 * Runs channel k's detector over the chunk (c frames, already in x[k]).
 * full: computes every 8x point and folds each frame's largest |value|
 * into l->peak; otherwise only the stage outputs that the next chunk
 * needs as history. Either way the histories move on by c frames.
 */
LIM_INLINE void
detect_channel_body(struct limiter *l, int k, int c, bool full)
{
	const float *x0 = l->x[k] + l->pos - HB1; /* x0[t] = x[n - HB1 + t] */
	float *z = l->scratch_z, *u = l->scratch_u;
	float *a = l->scratch_a, *b = l->scratch_b, *q = l->scratch_c;
	const float *z1 = z + ZH - HB2, *u1 = u + UH - HB3;
	/* First stage-1 and stage-2 outputs needed: all of them, or the tail
	 * the histories keep (stage 2 reads back 2 HB2 - 1 z values). */
	const int t0 = full || c <= ZH / 2 ? 0 : c - ZH / 2;
	const int j0 = full || 2 * c <= UH / 2 ? 0 : 2 * c - UH / 2;

	memcpy(z, l->zhist[k], sizeof l->zhist[k]);
	half_band(x0 + t0, a + t0, l->hb1, HB1, c - t0);
	interleave(z + ZH + 2 * t0, x0 + t0, a + t0, c - t0);
	memcpy(u, l->uhist[k], sizeof l->uhist[k]);
	half_band(z1 + j0, b + j0, l->hb2, HB2, 2 * c - j0);
	interleave(u + UH + 2 * j0, z1 + j0, b + j0, 2 * c - j0);
	memcpy(l->zhist[k], z + 2 * c, sizeof l->zhist[k]);
	memcpy(l->uhist[k], u + 4 * c, sizeof l->uhist[k]);
	if (!full)
		return;
	half_band(u1, q, l->hb3, HB3, 4 * c);
	for (int i = 0; i < 4 * c; i++) {
		const float e = fabsf(u1[i]), o = fabsf(q[i]);

		q[i] = e > o ? e : o;
	}
	for (int t = 0; t < c; t++) {
		const float m01 = q[4 * t] > q[4 * t + 1] ? q[4 * t] : q[4 * t + 1];
		const float m23 = q[4 * t + 2] > q[4 * t + 3] ? q[4 * t + 2] : q[4 * t + 3];
		const float m = m01 > m23 ? m01 : m23;

		l->peak[t] = m > l->peak[t] ? m : l->peak[t];
	}

	/*
	 * The Annex 2 points of the same frames, xa[t] = x[m + 6] for frame
	 * m = n - DETECT + t. Phases p and 3 - p are mirror images, so their
	 * sum and difference come from the window's pair sums and differences
	 * at half the multiplies, and max(|y_p|, |y_3-p|) = (|sum| + |diff|)/2
	 * (as in dsp/truepeak.c). Written out so that it vectorises over t.
	 */
	{
		const float *restrict xa = l->x[k] + l->pos - DETECT + ANNEX2_AHEAD;
		const float (*f)[ANNEX2_TAPS / 2] = annex2_fold;
		float *restrict peak = l->peak;

		for (int t = 0; t < c; t++) {
			const float p0 = xa[t] + xa[t - 11], q0 = xa[t] - xa[t - 11];
			const float p1 = xa[t - 1] + xa[t - 10], q1 = xa[t - 1] - xa[t - 10];
			const float p2 = xa[t - 2] + xa[t - 9], q2 = xa[t - 2] - xa[t - 9];
			const float p3 = xa[t - 3] + xa[t - 8], q3 = xa[t - 3] - xa[t - 8];
			const float p4 = xa[t - 4] + xa[t - 7], q4 = xa[t - 4] - xa[t - 7];
			const float p5 = xa[t - 5] + xa[t - 6], q5 = xa[t - 5] - xa[t - 6];
			const float s03 = ((f[0][0] * p0 + f[0][1] * p1) + (f[0][2] * p2 + f[0][3] * p3)) +
			    (f[0][4] * p4 + f[0][5] * p5);
			const float d03 = ((f[1][0] * q0 + f[1][1] * q1) + (f[1][2] * q2 + f[1][3] * q3)) +
			    (f[1][4] * q4 + f[1][5] * q5);
			const float s12 = ((f[2][0] * p0 + f[2][1] * p1) + (f[2][2] * p2 + f[2][3] * p3)) +
			    (f[2][4] * p4 + f[2][5] * p5);
			const float d12 = ((f[3][0] * q0 + f[3][1] * q1) + (f[3][2] * q2 + f[3][3] * q3)) +
			    (f[3][4] * q4 + f[3][5] * q5);
			const float m03 = 0.5f * (fabsf(s03) + fabsf(d03));
			const float m12 = 0.5f * (fabsf(s12) + fabsf(d12));
			const float m = m03 > m12 ? m03 : m12;

			peak[t] = m > peak[t] ? m : peak[t];
		}
	}
}

static void
detect_channel_generic(struct limiter *l, int k, int c, bool full)
{
	detect_channel_body(l, k, c, full);
}

#if LIM_X86
LIM_AVX2 static void
detect_channel_avx2(struct limiter *l, int k, int c, bool full)
{
	detect_channel_body(l, k, c, full);
}
#endif

static void
detect_channel(struct limiter *l, int k, int c, bool full)
{
#if LIM_X86
	if (l->avx2) {
		detect_channel_avx2(l, k, c, full);
		return;
	}
#endif
	detect_channel_generic(l, k, c, full);
}

/* Lanes of the running maxima below: a max reduction written as MAX_LANES
 * independent ones vectorises without reassociating anything. */
#define MAX_LANES 8

static float
lanes_max(const float *lane)
{
	float m = 0.0f;

	for (int j = 0; j < MAX_LANES; j++)
		m = lane[j] > m ? lane[j] : m;
	return m;
}

/* Gained, sanitised input for one channel (see the model); returns the
 * largest |value| written. Selects, not branches, so that it vectorises. */
static float
take_input(float *restrict dst, const float *restrict src, float gain, int n)
{
	float lane[MAX_LANES] = { 0 };
	int i = 0;

	for (; i + MAX_LANES <= n; i += MAX_LANES)
		for (int j = 0; j < MAX_LANES; j++) {
			const float v = src[i + j] * gain, m = fabsf(v);
			const float big = m < INFINITY ? copysignf(LIMITER_INPUT_MAX, v) : 0.0f;
			const float w = m <= LIMITER_INPUT_MAX ? (m < DSP_STATE_FLOOR ? 0.0f : v) : big;
			const float a = fabsf(w);

			dst[i + j] = w; /* NaN and inf fail both compares: 0 */
			lane[j] = a > lane[j] ? a : lane[j];
		}
	for (; i < n; i++) {
		const float v = src[i] * gain, m = fabsf(v);
		const float big = m < INFINITY ? copysignf(LIMITER_INPUT_MAX, v) : 0.0f;
		const float w = m <= LIMITER_INPUT_MAX ? (m < DSP_STATE_FLOOR ? 0.0f : v) : big;
		const float a = fabsf(w);

		dst[i] = w;
		lane[0] = a > lane[0] ? a : lane[0];
	}
	return lanes_max(lane);
}

static float
max_abs(const float *s, int n)
{
	float lane[MAX_LANES] = { 0 };
	int i = 0;

	for (; i + MAX_LANES <= n; i += MAX_LANES)
		for (int j = 0; j < MAX_LANES; j++) {
			const float a = fabsf(s[i + j]);

			lane[j] = a > lane[j] ? a : lane[j];
		}
	for (; i < n; i++) {
		const float a = fabsf(s[i]);

		lane[0] = a > lane[0] ? a : lane[0];
	}
	return lanes_max(lane);
}

/*
 * The gain computer over one chunk: fills l->gain[0 .. c) from l->peak
 * (or from nothing: peaks_known false means no frame needs reduction) and
 * updates the meters. Returns true when every gain is exactly 1.
 *
 * Per frame (the frame just detected needs gain q, in units of 2^-40):
 *
 *  - h, the minimum of q over the last `window` frames, van Herk /
 *    Gil-Werman: the stream is cut into blocks of `window` frames; the
 *    window ending at position i of the current block is the previous
 *    block from i + 1 on (its suffix minimum, made when it ended) plus the
 *    current block up to i (a running prefix minimum). The blocks need
 *    not be aligned to anything, so leaving idle simply starts a block
 *    (idle means every q in the window was 1);
 *  - v = min(h, the previous v recovered by release_coef in log2);
 *  - two moving averages of v (exact integer sums); the gain for the
 *    frame leaving now is the second sum over its full value.
 *
 * Idle (every stage at 1) is exactly sum2 == full: the second average
 * holds only full first averages, which hold only v == 1, hence h == 1
 * (no q under 1 in the window) and no release under way.
 *
 * The only branches on the data are block ends and a release's end, so
 * noise (where a queue's pops and a release test would be coin flips)
 * runs as fast as tones.
 * The state lives in locals during the loop (it could not stay in
 * registers through l).
 */
static bool
compute_gains(struct limiter *l, int c, bool peaks_known, float *min_gain)
{
	const float thr = l->co.thr_lin, coef = l->co.release_coef;
	const int a1 = l->co.box1_frames, a2 = l->co.box2_frames;
	const int window = l->co.span_frames + 2 * HOLD;
	const int64_t full1 = (int64_t)a1 * GAIN_ONE, full = (int64_t)a2 * full1;
	const double inv_full = (1.0 - 0x1p-23) / (double)full;
	int64_t *restrict block = l->block, *restrict suffix = l->suffix;
	int64_t *restrict box1 = l->box1, *restrict box2 = l->box2;
	const float *restrict peak = l->peak;
	float *restrict gain = l->gain, *restrict ratio = l->scratch_a;
	int pos = l->block_pos, pos1 = l->box1_pos, pos2 = l->box2_pos;
	int64_t prefix = l->prefix, sum1 = l->sum1, sum2 = l->sum2, limited = 0;
	float rel = l->release_log2, low = *min_gain;
	bool idle = l->idle;

	if (idle) {
		bool quiet = true;

		if (peaks_known)
			for (int t = 0; t < c; t++)
				quiet = quiet && !(peak[t] > thr);
		if (quiet) {
			l->gr_db = 0.0f;
			return true;
		}
	}
	/* thr / peak, or exactly 1 where peak <= thr (vectorises). */
	for (int t = 0; t < c; t++)
		ratio[t] = 1.0f;
	if (peaks_known)
		for (int t = 0; t < c; t++)
			ratio[t] = thr / (peak[t] > thr ? peak[t] : thr);
	for (int t = 0; t < c; t++) {
		/* Scaled by 1 - 2^-22 so that rounding can never raise it. */
		const int64_t q0 = (int64_t)((double)ratio[t] * (GAIN_SCALE - 262144.0));
		const int64_t q = ratio[t] >= 1.0f ? GAIN_ONE : q0 < 1 ? 1 : q0;
		int64_t h, v, r;
		float lg, lh, e, g = 1.0f;

		if (idle) {
			if (q == GAIN_ONE) {
				gain[t] = 1.0f;
				continue;
			}
			for (int i = 0; i < window; i++)
				suffix[i] = GAIN_ONE;
			prefix = GAIN_ONE;
			pos = 0;
		}

		block[pos] = q;
		prefix = q < prefix ? q : prefix;
		if (pos == window - 1) {
			h = prefix;
			suffix[window - 1] = block[window - 1];
			for (int i = window - 2; i >= 0; i--)
				suffix[i] = block[i] < suffix[i + 1] ? block[i] : suffix[i + 1];
			prefix = GAIN_ONE;
			pos = 0;
		} else {
			h = suffix[pos + 1] < prefix ? suffix[pos + 1] : prefix;
			pos++;
		}

		/* The release recursion runs in log2 alone (a multiply and a
		 * min per frame), so exp2 and log2 stay off its critical path. */
		lg = rel * coef;
		lh = dsp_fast_log2f((float)((double)h / GAIN_SCALE));
		if (lg > RELEASE_SNAP_LOG2) {
			r = GAIN_ONE;
		} else {
			e = dsp_fast_exp2f(lg);
			r = e >= 1.0f ? GAIN_ONE : (int64_t)((double)e * GAIN_SCALE);
		}
		v = r < h ? r : h; /* never above h, whatever exp2's rounding */
		rel = h == GAIN_ONE && lg > RELEASE_SNAP_LOG2 ? 0.0f : lh < lg ? lh : lg;

		sum1 += v - box1[pos1];
		box1[pos1] = v;
		pos1 = pos1 + 1 == a1 ? 0 : pos1 + 1;
		sum2 += sum1 - box2[pos2];
		box2[pos2] = sum1;
		pos2 = pos2 + 1 == a2 ? 0 : pos2 + 1;
		idle = sum2 == full;
		rel = idle ? 0.0f : rel; /* idle is a canonical state */

		if (!idle) {
			/* Lowered by 2^-23 first, so that rounding to float (at most
			 * 2^-24) can never raise it. */
			g = (float)((double)sum2 * inv_full);
			low = g < low ? g : low;
			limited++;
		}
		gain[t] = g;
	}
	l->block_pos = pos;
	l->prefix = prefix;
	l->box1_pos = pos1;
	l->box2_pos = pos2;
	l->sum1 = sum1;
	l->sum2 = sum2;
	l->release_log2 = rel;
	l->idle = idle;
	l->gr_db = gain[c - 1] < 1.0f ? dsp_fast_lin_to_db(gain[c - 1]) : 0.0f;
	l->limited_frames += limited;
	*min_gain = low;
	return limited == 0;
}

static void
process_chunk(struct limiter *l, float *const *restrict ch, int off, int c, bool silent,
    float *min_gain)
{
	/* Inputs the chunk's detector points read go back this far (frames
	 * n - DETECT - HB1 - 4; generously). */
	const int back = DETECT + HB1 + 8;
	const int nch = l->channels;
	const int lat = l->co.latency_frames;
	const float quiet = l->co.thr_lin / l->skip_bound;
	bool any = false, unity;

	for (int k = 0; k < nch; k++) {
		float *dst = l->x[k] + l->pos;
		float m = 0.0f;
		bool full;

		if (silent)
			memset(dst, 0, (size_t)c * sizeof *dst);
		else
			m = take_input(dst, ch[k] + off, l->co.gain_lin, c);
		/* Skip test, per channel: no 8x point of a channel whose inputs
		 * are all under thr / skip_bound can reach thr. */
		if (!(m > quiet)) {
			const float h = max_abs(dst - back, back);

			m = h > m ? h : m;
		}
		full = m > quiet;
		if (full && !any) {
			for (int t = 0; t < c; t++)
				l->peak[t] = 0.0f;
			any = true;
		}
		detect_channel(l, k, c, full);
	}

	unity = compute_gains(l, c, any, min_gain);

	for (int k = 0; k < nch; k++) {
		const float *src = l->x[k] + l->pos - lat;
		float *dst = ch[k] + off;

		if (unity) {
			memcpy(dst, src, (size_t)c * sizeof *dst);
		} else {
			const float *g = l->gain;

			for (int t = 0; t < c; t++)
				dst[t] = src[t] * g[t];
		}
	}

	l->frames_in += c;
	l->pos += c;
	if (l->pos + CHUNK > LIMITER_BUFFER_FRAMES) {
		for (int k = 0; k < nch; k++)
			memmove(l->x[k], l->x[k] + l->pos - HIST, HIST * sizeof l->x[k][0]);
		l->pos = HIST;
	}
}

static void
run(struct limiter *l, float *const *restrict ch, int frames, bool silent)
{
	float min_gain = 1.0f;

	for (int off = 0; off < frames; ) {
		const int c = frames - off < CHUNK ? frames - off : CHUNK;

		process_chunk(l, ch, off, c, silent, &min_gain);
		off += c;
	}
	l->gr_peak_db = min_gain < 1.0f ? dsp_fast_lin_to_db(min_gain) : 0.0f;
	if (l->gr_peak_db < l->gr_max_db)
		l->gr_max_db = l->gr_peak_db;
}

void
limiter_process(struct limiter *l, float *const *restrict ch, int frames)
{
	run(l, ch, frames, false);
}

void
limiter_flush(struct limiter *l, float *const *restrict ch, int frames)
{
	run(l, ch, frames, true);
}
