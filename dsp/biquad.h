/*
 * biquad.h - second-order filter sections: RBJ-cookbook designs computed in
 * double, run in float.
 *
 * Model. A design (struct biquad_design) is the textbook transfer function
 *
 *            b0 + b1 z^-1 + b2 z^-2
 *     H(z) = ----------------------
 *             1 + a1 z^-1 + a2 z^-2
 *
 * in double, from Robert Bristow-Johnson's "Audio EQ Cookbook" formulas
 * (bilinear transform, prewarped at freq_hz). It is what the UI draws and
 * what tests compare against. A design is then converted, still in double,
 * into a float coefficient set (struct biquad_coefs) for the structure that
 * actually runs. Any stable biquad converts, not only the cookbook ones.
 *
 * Why not direct form. Both DF1 and transposed DF2 in float are poor at low
 * frequencies at high sample rates: with poles a few 1e-4 from z = 1 (20 Hz
 * at 192 kHz), a1 ~ -2 and a2 ~ 1 must be stored to 1e-7 absolute, which
 * float cannot (from coefficient rounding alone, a 20 Hz low-pass at
 * 192 kHz has a DC gain of 0.90, a 10 Hz one 1.80), and each frame's
 * rounding error, ~1e-7 of the signal, is amplified by 1/A(z) (over 120 dB at
 * DC there). Measured against a double reference at 192 kHz on noise and
 * on a 25 Hz tone: DF1 -47..-53 dB error, TDF2 -39..-56 dB, for a 20 Hz HPF,
 * 20 Hz LPF and 30-40 Hz bells; neither is fit for a mix console (DF1 was
 * marginally better on tones, TDF2 on noise).
 *
 * What runs instead is the trapezoidal-integrator state-variable form
 * (A. Simper, "Linear trapezoidal integrated SVF", Cytomic 2013). It
 * implements exactly the same H(z) (it is the same bilinear transform), but
 * its coefficients are well-conditioned (g = tan(pi f/fs) and the damping
 * are stored with full relative precision however small they are) and its
 * two states are integrator outputs that change by small increments, so
 * rounding noise is not amplified. Same measurements: -107..-149 dB error.
 * It costs 7 multiplies and 8 adds per frame instead of 5 and 4. It also
 * behaves under coefficient changes: its states mean the same thing for
 * every coefficient set, and linear interpolation between two coefficient
 * sets is stable at every point in between (proof in biquad.c), which the
 * EQ's ramps rely on.
 *
 *   per frame:  v3 = x - s2
 *               i1 = c2*v3 - d1*s1,  i2 = c2*s1 + c3*v3   (half-frame increments)
 *               v1 = s1 + i1,        v2 = s2 + i2         (band-pass, low-pass)
 *               s1 = v1 + i1,        s2 = v2 + i2
 *               y  = m0*x + m1*v1 + m2*v2
 *
 * This is Simper's update (v1 = c1*s1 + c2*v3, s1 = 2*v1 - s1, ...) with
 * d1 = 1 - c1 stored instead of c1: for low, narrow filters c1 is within
 * 1e-8 of 1, which float cannot hold (it would round to 1 and lose the
 * damping, even to instability), while d1 keeps full relative precision.
 *
 * Denormals and NaN: the state is guarded every DSP_GUARD_FRAMES frames
 * (see dsp/dsp.h), so silence after a loud signal reaches exact zero.
 *
 * Split invariance (see dsp/dsp.h): the guard is counted on the stream
 * since biquad_reset (a counter in struct biquad_state), and a ramp frame's
 * coefficients depend only on its position along the ramp, so a stream
 * filtered in one call or in any sequence of calls gives the same bits.
 *
 * Threads: designs and conversions are for the control thread (they call
 * libm); reset and process are RT-safe. Coefficient sets are plain values,
 * shared read-only by any number of channel states.
 */
#ifndef DUBSTAGE_DSP_BIQUAD_H
#define DUBSTAGE_DSP_BIQUAD_H

#include <stdbool.h>

enum biquad_type {
	BIQUAD_LOWPASS,   /* 12 dB/oct above freq_hz; q 0.7071 = Butterworth (-3.01 dB at freq_hz) */
	BIQUAD_HIGHPASS,  /* 12 dB/oct below freq_hz; q as LOWPASS */
	BIQUAD_BANDPASS,  /* 0 dB peak at freq_hz; q = freq_hz / -3 dB bandwidth */
	BIQUAD_NOTCH,     /* zero gain at freq_hz; q as BANDPASS */
	BIQUAD_ALLPASS,   /* 0 dB everywhere, phase -180 deg at freq_hz; q sets the phase slope */
	BIQUAD_BELL,      /* cookbook peakingEQ: gain_db at freq_hz, 0 dB far away; q: bandwidth
	                   * between the half-gain (in dB) points; +N then -N with one q is flat */
	BIQUAD_LOWSHELF,  /* gain_db below freq_hz, 0 dB above; gain_db/2 at freq_hz; q 0.7071 is
	                   * cookbook slope S = 1, the steepest without over/undershoot */
	BIQUAD_HIGHSHELF, /* gain_db above freq_hz, 0 dB below; otherwise as LOWSHELF */
};

/* A transfer function in double, normalised so that a0 = 1 (see the model). */
struct biquad_design {
	double b0, b1, b2; /* numerator (feed-forward) */
	double a1, a2;     /* denominator (feedback), a0 = 1 */
};

/* Float coefficients for the state-variable structure (see the model).
 * With g = tan(pi f/fs), k the damping and D = 1 + g(g+k): */
struct biquad_coefs {
	float d1;         /* (g^2 + g k)/D, in (0, 1): 1 - Simper's a1 */
	float c2;         /* g/D, > 0 */
	float c3;         /* g^2/D, in (0, d1) */
	float m0, m1, m2; /* output mix of input, band-pass and low-pass */
};

/* One channel's filter memory. Zero (biquad_reset) is silence. */
struct biquad_state {
	float s1, s2;     /* trapezoidal integrator states (signal units) */
	int guard_frames; /* frames run since the last denormal guard, 0..DSP_GUARD_FRAMES-1 */
};

/* Limits accepted by biquad_design. */
#define BIQUAD_Q_MIN 0.025
#define BIQUAD_Q_MAX 100.0
#define BIQUAD_GAIN_DB_MAX 48.0 /* |gain_db| for bells and shelves */

/*
 * Designs a cookbook filter into *out (double). freq_hz in (0, fs/2)
 * exclusive, sample_rate_hz > 0, q in [BIQUAD_Q_MIN, BIQUAD_Q_MAX],
 * gain_db in [-BIQUAD_GAIN_DB_MAX, BIQUAD_GAIN_DB_MAX] (used only by BELL and
 * the shelves; ignored, but still checked, for the others). Returns 0, or
 * DSP_ERR_INVALID (out untouched) for a value out of range or non-finite.
 * Control thread (uses libm; no allocation).
 */
int biquad_design(enum biquad_type type, double freq_hz, double q, double gain_db,
    double sample_rate_hz, struct biquad_design *out);

/*
 * The q giving cookbook shelf slope S for a shelf of gain_db: S = 1 is the
 * steepest monotonic shelf (q = 0.7071 at any gain), smaller S is gentler.
 * S in (0, 1]; larger S (which overshoots) is accepted while the formula
 * has a real result. Returns the q, or a NaN when S has none (which
 * biquad_design then rejects). Control thread.
 */
double biquad_shelf_slope_to_q(double gain_db, double slope);

/*
 * |H| of a design at freq_hz (0 <= freq_hz <= fs/2), in dB. Returns -inf
 * at an exact zero (a notch's centre). Control thread; also used by tests
 * and by the UI to draw curves.
 */
double biquad_design_magnitude_db(const struct biquad_design *d, double freq_hz,
    double sample_rate_hz);

/*
 * Converts a design into float coefficients for biquad_process. Any stable
 * design converts (both poles strictly inside the unit circle:
 * |a2| < 1 and |a1| < 1 + a2); an unstable or non-finite one returns
 * DSP_ERR_INVALID and leaves out untouched. The float set is checked to be
 * stable itself and to satisfy what ramps need (see biquad.c); where
 * rounding would break that (only poles within ~1e-7 of the unit circle)
 * the damping is raised by an ulp or two. Control thread.
 */
int biquad_coefs_from_design(const struct biquad_design *d, struct biquad_coefs *out);

/* Sets c to the identity (output = input, d1..c3 a fast-settling stable set).
 * RT-safe. */
void biquad_set_identity(struct biquad_coefs *c);

/* True when c passes its input through unchanged whatever the state
 * (m0 == 1, m1 == m2 == 0). RT-safe. */
bool biquad_is_identity(const struct biquad_coefs *c);

/* Clears one channel's state (silence). RT-safe. */
void biquad_reset(struct biquad_state *s);

/*
 * Filters buf[0..frames) in place with coefficients c (borrowed, read only)
 * and state s (updated). frames >= 0. RT-safe.
 */
void biquad_process(const struct biquad_coefs *c, struct biquad_state *s,
    float *restrict buf, int frames);

/* As biquad_process, from in to out (which must not overlap). RT-safe. */
void biquad_process_to(const struct biquad_coefs *c, struct biquad_state *s,
    const float *restrict in, float *restrict out, int frames);

/*
 * Runs count sections in series over buf[0..frames) in place: section 0
 * first, its output into section 1, and so on; c[k] (borrowed, read only)
 * and s[k] (updated) are section k's coefficients and state. The result is
 * bit for bit that of calling biquad_process for each section in turn over
 * the whole buffer (same arithmetic per section and frame, and each
 * state's guard on its own stream count; a NaN's sign bit aside, see
 * biquad.c), but it runs the sections frame by frame, up to four at a
 * time, so their independent recurrences overlap in the CPU instead of
 * each waiting on its own latency: a 4-band EQ costs about one section's
 * latency per frame instead of four. With SSE2 (x86-64), groups of two to
 * four sections of calls of 16 frames or more run in the lanes of one
 * vector, pipelined (biquad.c); otherwise interleaved scalar code.
 * count >= 0, frames >= 0. RT-safe.
 */
void biquad_cascade_process(const struct biquad_coefs *const *c,
    struct biquad_state *const *s, int count, float *restrict buf, int frames);

/*
 * As biquad_process while the coefficients move linearly from from (the
 * ramp's origin, where it started) by step per frame: ramp_pos frames of
 * the ramp have already run, and frame i (0-based) of this call runs with
 * from + (ramp_pos + i + 1)*step, each coefficient computed as
 * from.x + (float)(ramp_pos + i + 1) * step.x. So a ramp split into calls
 * anywhere (each continuing with ramp_pos advanced by the frames run) gives
 * the same bits as one call, and rounding does not accumulate along it.
 * ramp_pos >= 0, frames >= 0, ramp_pos + frames <= 2^24. Used by eq.c for
 * glitch-free coefficient changes. RT-safe.
 */
void biquad_process_ramp(const struct biquad_coefs *from, const struct biquad_coefs *step,
    int ramp_pos, struct biquad_state *s, float *restrict buf, int frames);

#endif
