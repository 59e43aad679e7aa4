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

#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

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

void
biquad_cascade_process(const struct biquad_coefs *const *c, struct biquad_state *const *s,
    int count, float *restrict buf, int frames)
{
	if (frames <= 0)
		return;
	/* In groups of four: past that the CPU has no more room to overlap
	 * them, and the states would no longer fit in registers. */
	for (; count > 0; c += 4, s += 4, count -= 4) {
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
