/*
 * biquad.c - cookbook designs, conversion to the state-variable structure,
 * and the float kernels. The model is in biquad.h.
 *
 * Conversion. The trapezoidal SVF with parameters g, k has the denominator
 * (in z, before normalising)
 *     D(z) = (1 + kg + g^2) z^2 + (2g^2 - 2) z + (1 - kg + g^2),
 * its band-pass output is g (z^2 - 1) / D(z) and its low-pass output
 * g^2 (z + 1)^2 / D(z). Matching a normalised design:
 *     1 + a1 + a2 = 4 g^2 / D0,  1 - a1 + a2 = 4 / D0,  1 - a2 = 2 k g / D0
 * (D0 = 1 + kg + g^2), so g^2 = (1+a1+a2)/(1-a1+a2) and k = 2(1-a2)/((1-a1+a2) g).
 * A stable design has all three left-hand sides positive (that is the
 * stability triangle), hence real g > 0 and k > 0. The numerator
 * D0 (b0 z^2 + b1 z + b2) = m0 D(z) + m1 g (z^2 - 1) + m2 g^2 (z + 1)^2 is
 * three linear equations in m0, m1, m2, solved below. Everything is in
 * double; only the final values are rounded to float, and none of them is
 * a small difference of large numbers.
 *
 * The kernel stores d1 = 1 - c1 where Simper has c1 = 1/D0 (see biquad.h).
 *
 * Ramps stay stable. With states (s1, s2) the update is s' = M s + (input)
 * with M = [[1 - 2 d1, -2 c2], [2 c2, 1 - 2 c3]]. Writing
 * e = (1 - d1) c3 - c2^2, the three Jury conditions for |eig M| < 1 are
 *     1 - det M        = 2 (d1 - c3) + 4 e      > 0,
 *     1 + det M - tr M = 4 (d1 c3 + c2^2)       > 0,
 *     1 + det M + tr M = 4 ((1 - d1)(1 - c3) + c2^2) > 0,
 * all true when 0 < c3 < d1 < 1, c2 > 0 and e >= 0. A designed set has
 * d1 - c3 = g k / D0 > 0 and e = 0. Along a straight line between two sets
 * meeting those conditions the linear ones keep holding, and since
 * c2 <= sqrt((1 - d1) c3) at both ends, Cauchy-Schwarz gives
 * c2(t) <= sqrt((1 - d1(t)) c3(t)), so e(t) >= 0 too: every frozen set met
 * during a linear ramp is stable. Rounding to float can break e >= 0 (or,
 * for poles within ~1e-7 of the unit circle, c3 < d1), so the conversion
 * checks the float values, raising d1 by ulps or taking c2 from the rounded
 * d1 and c3, until the conditions hold exactly. The response moves by
 * far less than 0.001 dB except for such near-marginal poles, whose
 * damping float cannot hold anyway.
 */
#include "dsp/biquad.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "dsp/dsp.h"

int
biquad_design(enum biquad_type type, double freq_hz, double q, double gain_db,
    double sample_rate_hz, struct biquad_design *out)
{
	double w0, cw, sw, half_vers, alpha, A, sqA, b0, b1, b2, a0, a1, a2;

	if (!(sample_rate_hz > 0.0 && isfinite(sample_rate_hz)) ||
	    !(freq_hz > 0.0 && freq_hz < 0.5 * sample_rate_hz) ||
	    !(q >= BIQUAD_Q_MIN && q <= BIQUAD_Q_MAX) ||
	    !(fabs(gain_db) <= BIQUAD_GAIN_DB_MAX))
		return DSP_ERR_INVALID;

	w0 = 2.0 * M_PI * freq_hz / sample_rate_hz;
	cw = cos(w0);
	sw = sin(w0);
	/* 1 - cos(w0), without the cancellation at low frequencies. */
	half_vers = 2.0 * sin(0.5 * w0) * sin(0.5 * w0);
	alpha = sw / (2.0 * q);
	A = pow(10.0, gain_db / 40.0);
	sqA = sqrt(A);

	/* Cookbook formulas, in its notation. */
	switch (type) {
	case BIQUAD_LOWPASS:
		b0 = 0.5 * half_vers;
		b1 = half_vers;
		b2 = 0.5 * half_vers;
		a0 = 1.0 + alpha;
		a1 = -2.0 * cw;
		a2 = 1.0 - alpha;
		break;
	case BIQUAD_HIGHPASS:
		b0 = 0.5 * (1.0 + cw);
		b1 = -(1.0 + cw);
		b2 = 0.5 * (1.0 + cw);
		a0 = 1.0 + alpha;
		a1 = -2.0 * cw;
		a2 = 1.0 - alpha;
		break;
	case BIQUAD_BANDPASS:
		b0 = alpha;
		b1 = 0.0;
		b2 = -alpha;
		a0 = 1.0 + alpha;
		a1 = -2.0 * cw;
		a2 = 1.0 - alpha;
		break;
	case BIQUAD_NOTCH:
		b0 = 1.0;
		b1 = -2.0 * cw;
		b2 = 1.0;
		a0 = 1.0 + alpha;
		a1 = -2.0 * cw;
		a2 = 1.0 - alpha;
		break;
	case BIQUAD_ALLPASS:
		b0 = 1.0 - alpha;
		b1 = -2.0 * cw;
		b2 = 1.0 + alpha;
		a0 = 1.0 + alpha;
		a1 = -2.0 * cw;
		a2 = 1.0 - alpha;
		break;
	case BIQUAD_BELL:
		b0 = 1.0 + alpha * A;
		b1 = -2.0 * cw;
		b2 = 1.0 - alpha * A;
		a0 = 1.0 + alpha / A;
		a1 = -2.0 * cw;
		a2 = 1.0 - alpha / A;
		break;
	case BIQUAD_LOWSHELF:
		b0 = A * ((A + 1.0) - (A - 1.0) * cw + 2.0 * sqA * alpha);
		b1 = 2.0 * A * ((A - 1.0) - (A + 1.0) * cw);
		b2 = A * ((A + 1.0) - (A - 1.0) * cw - 2.0 * sqA * alpha);
		a0 = (A + 1.0) + (A - 1.0) * cw + 2.0 * sqA * alpha;
		a1 = -2.0 * ((A - 1.0) + (A + 1.0) * cw);
		a2 = (A + 1.0) + (A - 1.0) * cw - 2.0 * sqA * alpha;
		break;
	case BIQUAD_HIGHSHELF:
		b0 = A * ((A + 1.0) + (A - 1.0) * cw + 2.0 * sqA * alpha);
		b1 = -2.0 * A * ((A - 1.0) + (A + 1.0) * cw);
		b2 = A * ((A + 1.0) + (A - 1.0) * cw - 2.0 * sqA * alpha);
		a0 = (A + 1.0) - (A - 1.0) * cw + 2.0 * sqA * alpha;
		a1 = 2.0 * ((A - 1.0) - (A + 1.0) * cw);
		a2 = (A + 1.0) - (A - 1.0) * cw - 2.0 * sqA * alpha;
		break;
	default:
		return DSP_ERR_INVALID;
	}
	out->b0 = b0 / a0;
	out->b1 = b1 / a0;
	out->b2 = b2 / a0;
	out->a1 = a1 / a0;
	out->a2 = a2 / a0;
	return DSP_OK;
}

double
biquad_shelf_slope_to_q(double gain_db, double slope)
{
	double A = pow(10.0, gain_db / 40.0);
	double inv_q2 = (A + 1.0 / A) * (1.0 / slope - 1.0) + 2.0;

	if (!(slope > 0.0) || !(inv_q2 > 0.0))
		return NAN;
	return 1.0 / sqrt(inv_q2);
}

double
biquad_design_magnitude_db(const struct biquad_design *d, double freq_hz,
    double sample_rate_hz)
{
	double w = 2.0 * M_PI * freq_hz / sample_rate_hz;
	double c1 = cos(w), s1 = sin(w), c2 = cos(2.0 * w), s2 = sin(2.0 * w);
	double nr = d->b0 + d->b1 * c1 + d->b2 * c2, ni = -(d->b1 * s1 + d->b2 * s2);
	double dr = 1.0 + d->a1 * c1 + d->a2 * c2, di = -(d->a1 * s1 + d->a2 * s2);
	double num = nr * nr + ni * ni, den = dr * dr + di * di;

	if (num == 0.0)
		return -INFINITY;
	return 10.0 * log10(num / den);
}

/* Does a float set meet the conditions of the ramp proof above? Evaluated
 * in double, where the products of floats below are exact or nearly so. */
static bool
float_set_ok(float d1, float c2, float c3)
{
	return c3 > 0.0f && c3 < d1 && d1 < 1.0f && c2 > 0.0f &&
	    (double)c2 * c2 <= (1.0 - (double)d1) * c3;
}

static int
to_float(double d1, double c2, double c3, double m0, double m1, double m2,
    struct biquad_coefs *out)
{
	float fd1 = (float)d1, fc2 = (float)c2, fc3 = (float)c3;
	int tries;

	for (tries = 0; tries < 16 && !(fc3 < fd1); tries++)
		fd1 = nextafterf(fd1, 1.0f);
	if (fd1 < 1.0f && (double)fc2 * fc2 > (1.0 - (double)fd1) * fc3) {
		/* 1 - d1 is what rounding hurts most (to ~1e-4 relative at
		 * 0.49 fs): take c2 from the rounded d1 and c3 instead. */
		fc2 = (float)sqrt((1.0 - (double)fd1) * fc3);
		for (tries = 0; tries < 16 && (double)fc2 * fc2 > (1.0 - (double)fd1) * fc3; tries++)
			fc2 = nextafterf(fc2, 0.0f);
	}
	if (!float_set_ok(fd1, fc2, fc3) || !isfinite(m0 + m1 + m2))
		return DSP_ERR_INVALID;
	out->d1 = fd1;
	out->c2 = fc2;
	out->c3 = fc3;
	out->m0 = (float)m0;
	out->m1 = (float)m1;
	out->m2 = (float)m2;
	return DSP_OK;
}

int
biquad_coefs_from_design(const struct biquad_design *d, struct biquad_coefs *out)
{
	const double p = 1.0 + d->a1 + d->a2; /* 4 g^2 / D0 */
	const double m = 1.0 - d->a1 + d->a2; /* 4 / D0 */
	const double r = 1.0 - d->a2;         /* 2 k g / D0 */
	double g, D0, m0, m1, m2;

	if (!(p > 0.0 && m > 0.0 && r > 0.0) || !isfinite(p + m) ||
	    !isfinite(d->b0 + d->b1 + d->b2))
		return DSP_ERR_INVALID;
	g = sqrt(p / m);
	D0 = 4.0 / m;
	m0 = (d->b0 - d->b1 + d->b2) / m;
	/* z^1 row:  D0 b1 = m0 D0 a1 + 2 g^2 m2.
	 * z^2 - z^0: D0 (b0 - b2) = m0 D0 (1 - a2) + 2 g m1. */
	m2 = D0 * (d->b1 - m0 * d->a1) / (2.0 * g * g);
	m1 = D0 * (d->b0 - d->b2 - m0 * r) / (2.0 * g);
	/* d1 = (g^2 + k g)/D0, c2 = g/D0, c3 = g^2/D0, from the same three
	 * well-conditioned quantities. */
	return to_float(0.25 * (p + 2.0 * r), 0.25 * sqrt(p * m), 0.25 * p, m0, m1, m2, out);
}

void
biquad_set_identity(struct biquad_coefs *c)
{
	/* g = 1, k = 2: both poles at z = 0, so the unused state dies in two
	 * frames whatever it held. */
	c->d1 = 0.75f;
	c->c2 = 0.25f;
	c->c3 = 0.25f;
	c->m0 = 1.0f;
	c->m1 = 0.0f;
	c->m2 = 0.0f;
}

bool
biquad_is_identity(const struct biquad_coefs *c)
{
	return c->m0 == 1.0f && c->m1 == 0.0f && c->m2 == 0.0f;
}

void
biquad_reset(struct biquad_state *s)
{
	s->s1 = 0.0f;
	s->s2 = 0.0f;
	s->guard_frames = 0;
}

/* The kernel. in and out may be the same buffer (each frame is read
 * before it is written); the public wrappers promise no other overlap.
 * The guard falls on frames counted on the stream (see dsp_guard_span). */
static inline void
run(const struct biquad_coefs *c, struct biquad_state *st, const float *in, float *out,
    int frames)
{
	const float d1 = c->d1, c2 = c->c2, c3 = c->c3;
	const float m0 = c->m0, m1 = c->m1, m2 = c->m2;
	float s1 = st->s1, s2 = st->s2;
	int since = st->guard_frames, i = 0;

	while (i < frames) {
		const int end = i + dsp_guard_span(since, frames - i);

		since += end - i;
		for (; i < end; i++) {
			const float v0 = in[i];
			const float v3 = v0 - s2;
			const float i1 = c2 * v3 - d1 * s1, i2 = c2 * s1 + c3 * v3;
			const float v1 = s1 + i1, v2 = s2 + i2;

			s1 = v1 + i1;
			s2 = v2 + i2;
			out[i] = m0 * v0 + m1 * v1 + m2 * v2;
		}
		if (since >= DSP_GUARD_FRAMES) {
			dsp_state_guard(&s1, &s2);
			since = 0;
		}
	}
	st->s1 = s1;
	st->s2 = s2;
	st->guard_frames = since;
}

void
biquad_process(const struct biquad_coefs *c, struct biquad_state *s, float *restrict buf,
    int frames)
{
	run(c, s, buf, buf, frames);
}

void
biquad_process_to(const struct biquad_coefs *c, struct biquad_state *s,
    const float *restrict in, float *restrict out, int frames)
{
	run(c, s, in, out, frames);
}

/* One frame of one section (the arithmetic of run(), operation for
 * operation, so results are the same bits). */
static inline float
step(const struct biquad_coefs *c, float *s1, float *s2, float v0)
{
	const float v3 = v0 - *s2;
	const float i1 = c->c2 * v3 - c->d1 * *s1, i2 = c->c2 * *s1 + c->c3 * v3;
	const float v1 = *s1 + i1, v2 = *s2 + i2;

	*s1 = v1 + i1;
	*s2 = v2 + i2;
	return c->m0 * v0 + c->m1 * v1 + c->m2 * v2;
}

/*
 * K (1..4, a constant after inlining) sections in series, frame by frame.
 * Coefficients and states live in locals (registers); frame i of section
 * k + 1 depends on frame i of section k, but section k's next frame does
 * not wait for it, so an out-of-order CPU runs the K recurrences side by
 * side. Guards: chunks end at the earliest guard any section is due, and
 * each section is guarded when its own count reaches DSP_GUARD_FRAMES,
 * after the same frame as biquad_process would guard it.
 */
static ALWAYS_INLINE void
group(const struct biquad_coefs *const *c, struct biquad_state *const *st, const int K,
    float *buf, int frames)
{
	const struct biquad_coefs k0 = *c[0];
	const struct biquad_coefs k1 = K > 1 ? *c[1] : k0;
	const struct biquad_coefs k2 = K > 2 ? *c[2] : k0;
	const struct biquad_coefs k3 = K > 3 ? *c[3] : k0;
	float a1 = st[0]->s1, a2 = st[0]->s2;
	float b1 = K > 1 ? st[1]->s1 : 0.0f, b2 = K > 1 ? st[1]->s2 : 0.0f;
	float e1 = K > 2 ? st[2]->s1 : 0.0f, e2 = K > 2 ? st[2]->s2 : 0.0f;
	float f1 = K > 3 ? st[3]->s1 : 0.0f, f2 = K > 3 ? st[3]->s2 : 0.0f;
	int since[4], i = 0, k;

	for (k = 0; k < 4; k++)
		since[k] = k < K ? st[k]->guard_frames : 0;
	while (i < frames) {
		int end = i + dsp_guard_span(since[0], frames - i);

		for (k = 1; k < K; k++) {
			const int e = i + dsp_guard_span(since[k], frames - i);

			end = e < end ? e : end;
		}
		for (k = 0; k < K; k++)
			since[k] += end - i;
		for (; i < end; i++) {
			float x = buf[i];

			x = step(&k0, &a1, &a2, x);
			if (K > 1)
				x = step(&k1, &b1, &b2, x);
			if (K > 2)
				x = step(&k2, &e1, &e2, x);
			if (K > 3)
				x = step(&k3, &f1, &f2, x);
			buf[i] = x;
		}
		if (since[0] >= DSP_GUARD_FRAMES) {
			dsp_state_guard(&a1, &a2);
			since[0] = 0;
		}
		if (K > 1 && since[1] >= DSP_GUARD_FRAMES) {
			dsp_state_guard(&b1, &b2);
			since[1] = 0;
		}
		if (K > 2 && since[2] >= DSP_GUARD_FRAMES) {
			dsp_state_guard(&e1, &e2);
			since[2] = 0;
		}
		if (K > 3 && since[3] >= DSP_GUARD_FRAMES) {
			dsp_state_guard(&f1, &f2);
			since[3] = 0;
		}
	}
	st[0]->s1 = a1;
	st[0]->s2 = a2;
	if (K > 1) {
		st[1]->s1 = b1;
		st[1]->s2 = b2;
	}
	if (K > 2) {
		st[2]->s1 = e1;
		st[2]->s2 = e2;
	}
	if (K > 3) {
		st[3]->s1 = f1;
		st[3]->s2 = f2;
	}
	for (k = 0; k < K; k++)
		st[k]->guard_frames = since[k];
}

#if defined(__SSE2__)
/*
 * The pipelined SIMD cascade: K (2..4) sections in the K lanes of one SSE
 * vector, lane k running section k. At step n, lane k runs frame n - PIPE*k
 * of its section, whose input is what lane k - 1 produced PIPE steps
 * earlier (the vector output shifted up one lane, the new input frame in
 * lane 0); lane K - 1 delivers frame n - PIPE*(K - 1). So one vector step
 * does one frame of every section, and the frames of a block take
 * frames + PIPE*(K - 1) steps.
 *
 * Bits: each lane does the float operations of step() (and of run()), in
 * the same order, on the same values: SSE's packed add, subtract and
 * multiply round each lane exactly as the scalar instructions do (and this
 * file is built with -ffp-contract=off, so nothing is fused). What a lane
 * computes before its first frame of the block (the first PIPE*k steps)
 * and after its last is thrown away: its states are those it started
 * with, and those it had after its last frame. Each lane is guarded after
 * the same frame of its own stream as biquad_process would guard it (its
 * own counter). The one difference: where two NaNs meet, x86 passes on
 * the first operand's, and the compiler orders the operands of an add or
 * a multiply as it likes (in the scalar kernels as well), so a NaN output
 * may have the other sign bit. NaN compares false either way, and the
 * guards reset a NaN state to 0.
 *
 * Why PIPE = 2 and not 1: with 1, a step's input waits on the previous
 * step's output (subtract, multiply, two adds, the output mix, the
 * shift), longer than a section's own recurrence through its states
 * (about 11 cycles: subtract, multiply, three adds); with 2 that path
 * spans two steps and only the states' recurrence bounds the rate.
 */
#include <emmintrin.h>

#define PIPE 2

struct lanes {
	__m128 d1, c2, c3, m0, m1, m2;
};

/* One step of every lane: step() lane-wise. */
static ALWAYS_INLINE __m128
vstep(const struct lanes *k, __m128 *s1, __m128 *s2, __m128 x)
{
	const __m128 v3 = _mm_sub_ps(x, *s2);
	const __m128 i1 = _mm_sub_ps(_mm_mul_ps(k->c2, v3), _mm_mul_ps(k->d1, *s1));
	const __m128 i2 = _mm_add_ps(_mm_mul_ps(k->c2, *s1), _mm_mul_ps(k->c3, v3));
	const __m128 v1 = _mm_add_ps(*s1, i1), v2 = _mm_add_ps(*s2, i2);

	*s1 = _mm_add_ps(v1, i1);
	*s2 = _mm_add_ps(v2, i2);
	return _mm_add_ps(_mm_add_ps(_mm_mul_ps(k->m0, x), _mm_mul_ps(k->m1, v1)),
	    _mm_mul_ps(k->m2, v2));
}

/* The input vector of a step: y (the output PIPE steps ago) moved up one
 * lane, the new frame in lane 0. */
static ALWAYS_INLINE __m128
vfeed(__m128 y, float in)
{
	return _mm_move_ss(_mm_castsi128_ps(_mm_slli_si128(_mm_castps_si128(y), 4)),
	    _mm_set_ss(in));
}

/* Lane k set in lane_mask[m] for each bit k of m. */
static const int32_t lane_mask[16][4] = {
	{ 0, 0, 0, 0 }, { -1, 0, 0, 0 }, { 0, -1, 0, 0 }, { -1, -1, 0, 0 },
	{ 0, 0, -1, 0 }, { -1, 0, -1, 0 }, { 0, -1, -1, 0 }, { -1, -1, -1, 0 },
	{ 0, 0, 0, -1 }, { -1, 0, 0, -1 }, { 0, -1, 0, -1 }, { -1, -1, 0, -1 },
	{ 0, 0, -1, -1 }, { -1, 0, -1, -1 }, { 0, -1, -1, -1 }, { -1, -1, -1, -1 },
};

static inline __m128
lanes_of(int bits)
{
	return _mm_castsi128_ps(_mm_loadu_si128((const __m128i *)lane_mask[bits]));
}

/*
 * dsp_state_guard() on the lanes set in due. Almost always it changes
 * nothing (the states are ordinary numbers, or already exactly 0 in
 * silence), and then it only reads them: the test is a branch, not a
 * blend in the recursion's path.
 */
static inline void
vguard(__m128 due, __m128 *s1, __m128 *s2)
{
	const __m128 abs_mask = _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff));
	const __m128 ceil = _mm_set1_ps(DSP_STATE_CEILING), floor = _mm_set1_ps(DSP_STATE_FLOOR);
	const __m128 ma = _mm_and_ps(*s1, abs_mask), mb = _mm_and_ps(*s2, abs_mask);
	/* !(ma < CEIL && mb < CEIL) || (ma < FLOOR && mb < FLOOR); NaN
	 * compares false, as in the scalar guard */
	const __m128 sane = _mm_and_ps(_mm_cmplt_ps(ma, ceil), _mm_cmplt_ps(mb, ceil));
	const __m128 tiny = _mm_and_ps(_mm_cmplt_ps(ma, floor), _mm_cmplt_ps(mb, floor));
	const __m128 reset = _mm_and_ps(due, _mm_or_ps(_mm_andnot_ps(sane, due), tiny));
	/* lanes where both states are +0 already: resetting them is no change */
	const __m128i both = _mm_or_si128(_mm_castps_si128(*s1), _mm_castps_si128(*s2));
	const __m128 zero = _mm_castsi128_ps(_mm_cmpeq_epi32(both, _mm_setzero_si128()));

	if (_mm_movemask_ps(_mm_andnot_ps(zero, reset)) != 0) {
		*s1 = _mm_andnot_ps(reset, *s1);
		*s2 = _mm_andnot_ps(reset, *s2);
	}
}

static ALWAYS_INLINE float
lane_of(__m128 v, const int k)
{
	switch (k) {
	case 0:
		return _mm_cvtss_f32(v);
	case 1:
		return _mm_cvtss_f32(_mm_shuffle_ps(v, v, _MM_SHUFFLE(1, 1, 1, 1)));
	case 2:
		return _mm_cvtss_f32(_mm_shuffle_ps(v, v, _MM_SHUFFLE(2, 2, 2, 2)));
	default:
		return _mm_cvtss_f32(_mm_shuffle_ps(v, v, _MM_SHUFFLE(3, 3, 3, 3)));
	}
}

/* Lane k of b set to lane k of a. */
static ALWAYS_INLINE __m128
lane_from(__m128 b, __m128 a, int k)
{
	const __m128 m = lanes_of(1 << k);

	return _mm_or_ps(_mm_and_ps(m, a), _mm_andnot_ps(m, b));
}

/*
 * K sections (2..4, a constant after inlining), pipelined as described
 * above, over steps 0 .. frames + PIPE*(K-1) - 1. Every lane runs every
 * step; lane k's frames are those of steps PIPE*k .. frames - 1 + PIPE*k,
 * and around them:
 *   - before its first step, lane k (k >= 1) has run PIPE*k steps on
 *     frames before the block (its input was lane k-1's, also outside):
 *     its states are put back to where they were at the start;
 *   - after its last step, lane k (k < K-1) runs on past the block: its
 *     states are kept as they were after that step;
 *   - after a step at which lane k's guard is due (a frame of the block),
 *     the lane is guarded. Lane k's guard falls after its frame f with
 *     (counter + f + 1) % DSP_GUARD_FRAMES == 0, that is after step n with
 *     (n + off[k]) % DSP_GUARD_FRAMES == 0, off[k] = counter + 1 - PIPE*k:
 *     a pattern of period DSP_GUARD_FRAMES in n, tested with one bit
 *     (due_bits) per step, so the loops run straight through.
 * Needs every st[k]->guard_frames < DSP_GUARD_FRAMES and
 * frames > PIPE*(K-1).
 */
static ALWAYS_INLINE void
pipelined(const struct biquad_coefs *const *c, struct biquad_state *const *st, const int K,
    float *buf, int frames)
{
	const int fill = PIPE * (K - 1), total = frames + fill;
	float lane[6][4], s1v[4] = { 0 }, s2v[4] = { 0 }, fin1[4][4], fin2[4][4];
	struct lanes co;
	__m128 s1, s2, s1_start, s2_start, y1 = _mm_setzero_ps(), y2 = _mm_setzero_ps();
	uint32_t due_bits = 0;
	int off[4], n, k;

	/* Lanes past K run an all-zero section: its state stays 0. */
	memset(lane, 0, sizeof lane);
	for (k = 0; k < K; k++) {
		lane[0][k] = c[k]->d1;
		lane[1][k] = c[k]->c2;
		lane[2][k] = c[k]->c3;
		lane[3][k] = c[k]->m0;
		lane[4][k] = c[k]->m1;
		lane[5][k] = c[k]->m2;
		s1v[k] = st[k]->s1;
		s2v[k] = st[k]->s2;
		off[k] = (st[k]->guard_frames + 1 - PIPE * k + 4 * DSP_GUARD_FRAMES) %
		    DSP_GUARD_FRAMES;
		due_bits |= 1u << ((DSP_GUARD_FRAMES - off[k]) % DSP_GUARD_FRAMES);
	}
	co.d1 = _mm_loadu_ps(lane[0]);
	co.c2 = _mm_loadu_ps(lane[1]);
	co.c3 = _mm_loadu_ps(lane[2]);
	co.m0 = _mm_loadu_ps(lane[3]);
	co.m1 = _mm_loadu_ps(lane[4]);
	co.m2 = _mm_loadu_ps(lane[5]);
	s1 = s1_start = _mm_loadu_ps(s1v);
	s2 = s2_start = _mm_loadu_ps(s2v);

/* After step n: the guards due there, for lanes on a frame of the block. */
#define GUARDS_AFTER(n) do { \
	if ((due_bits >> ((n) % DSP_GUARD_FRAMES)) & 1u) { \
		int bits_ = 0; \
		for (int k_ = 0; k_ < K; k_++) \
			if (((n) + off[k_]) % DSP_GUARD_FRAMES == 0 && \
			    (n) - PIPE * k_ >= 0 && (n) - PIPE * k_ < frames) \
				bits_ |= 1 << k_; \
		if (bits_ != 0) \
			vguard(lanes_of(bits_), &s1, &s2); \
	} \
} while (0)

	/* the fill: no lane's output is a frame of the block yet */
	for (n = 0; n < fill; n++) {
		const __m128 y2_ = y2;

		if (n > 0 && n % PIPE == 0) {
			/* lane n / PIPE starts */
			s1 = lane_from(s1, s1_start, n / PIPE);
			s2 = lane_from(s2, s2_start, n / PIPE);
		}
		y2 = y1;
		y1 = vstep(&co, &s1, &s2, vfeed(y2_, buf[n]));
		GUARDS_AFTER(n);
	}
	if (K > 1) {
		s1 = lane_from(s1, s1_start, K - 1);
		s2 = lane_from(s2, s2_start, K - 1);
	}
	/* every lane on a frame of the block */
	for (; n < frames; n++) {
		const __m128 y = vstep(&co, &s1, &s2, vfeed(y2, buf[n]));

		buf[n - fill] = lane_of(y, K - 1);
		y2 = y1;
		y1 = y;
		GUARDS_AFTER(n);
	}
	_mm_storeu_ps(fin1[0], s1);
	_mm_storeu_ps(fin2[0], s2);
	/* the drain: past the input, lane 0 runs on zeros it will not keep,
	 * and lane k's state is kept after its last frame */
	for (; n < total; n++) {
		const __m128 y = vstep(&co, &s1, &s2, vfeed(y2, 0.0f));

		buf[n - fill] = lane_of(y, K - 1);
		y2 = y1;
		y1 = y;
		GUARDS_AFTER(n);
		if ((n + 1 - frames) % PIPE == 0) {
			_mm_storeu_ps(fin1[(n + 1 - frames) / PIPE], s1);
			_mm_storeu_ps(fin2[(n + 1 - frames) / PIPE], s2);
		}
	}
#undef GUARDS_AFTER
	for (k = 0; k < K; k++) {
		st[k]->s1 = fin1[k][k];
		st[k]->s2 = fin2[k][k];
		st[k]->guard_frames = (st[k]->guard_frames + frames) % DSP_GUARD_FRAMES;
	}
}

/* Frames below which the pipeline's fill and drain cost more than they
 * save. */
#define PIPELINE_MIN_FRAMES 16

static bool
counters_ok(struct biquad_state *const *s, int count)
{
	for (int k = 0; k < count; k++)
		if (s[k]->guard_frames < 0 || s[k]->guard_frames >= DSP_GUARD_FRAMES)
			return false;
	return true;
}
#endif

void
biquad_cascade_process(const struct biquad_coefs *const *c, struct biquad_state *const *s,
    int count, float *restrict buf, int frames)
{
	if (frames <= 0)
		return;
	/* In groups of four: past that the CPU has no more room to overlap
	 * them, and the states would no longer fit in registers. */
	for (; count > 0; c += 4, s += 4, count -= 4) {
#if defined(__SSE2__)
		if (count >= 2 && frames >= PIPELINE_MIN_FRAMES &&
		    counters_ok(s, count < 4 ? count : 4)) {
			switch (count) {
			case 2:
				pipelined(c, s, 2, buf, frames);
				break;
			case 3:
				pipelined(c, s, 3, buf, frames);
				break;
			default:
				pipelined(c, s, 4, buf, frames);
				break;
			}
			continue;
		}
#endif
		switch (count) {
		case 1:
			group(c, s, 1, buf, frames);
			break;
		case 2:
			group(c, s, 2, buf, frames);
			break;
		case 3:
			group(c, s, 3, buf, frames);
			break;
		default:
			group(c, s, 4, buf, frames);
			break;
		}
	}
}

void
biquad_process_ramp(const struct biquad_coefs *from, const struct biquad_coefs *step,
    int ramp_pos, struct biquad_state *st, float *restrict buf, int frames)
{
	const struct biquad_coefs f = *from, d = *step;
	float s1 = st->s1, s2 = st->s2;
	int since = st->guard_frames, i = 0;

	while (i < frames) {
		const int end = i + dsp_guard_span(since, frames - i);

		since += end - i;
		for (; i < end; i++) {
			/* The position along the ramp, not a running sum: the
			 * same value for this frame however the ramp is split
			 * into calls, and no accumulated rounding. */
			const float t = (float)(ramp_pos + i + 1);
			const float d1 = f.d1 + t * d.d1, c2 = f.c2 + t * d.c2;
			const float c3 = f.c3 + t * d.c3;
			const float m0 = f.m0 + t * d.m0, m1 = f.m1 + t * d.m1;
			const float m2 = f.m2 + t * d.m2;
			const float v0 = buf[i];
			const float v3 = v0 - s2;
			const float i1 = c2 * v3 - d1 * s1, i2 = c2 * s1 + c3 * v3;
			const float v1 = s1 + i1, v2 = s2 + i2;

			s1 = v1 + i1;
			s2 = v2 + i2;
			buf[i] = m0 * v0 + m1 * v1 + m2 * v2;
		}
		if (since >= DSP_GUARD_FRAMES) {
			dsp_state_guard(&s1, &s2);
			since = 0;
		}
	}
	st->s1 = s1;
	st->s2 = s2;
	st->guard_frames = since;
}
