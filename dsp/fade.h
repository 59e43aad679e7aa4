/*
 * fade.h - clip fade and crossfade curves.
 *
 * A curve is a fade-in gain G(t), t in [0, 1], with G(0) = 0 and G(1) = 1
 * exactly; the matching fade-out is G(1 - t). The curves, in the order of
 * the session model's enum fade_shape (so the engine may cast one to the
 * other):
 *
 *   LINEAR       G(t) = t
 *   EQUAL_POWER  G(t) = sin(t * pi/2)                      (quarter sine)
 *   S_CURVE      G(t) = (1 - cos(t * pi)) / 2 = sin^2(t * pi/2)
 *                                              (raised cosine, flat ends)
 *   EXP          G(t) = (10^(3(t-1)) - 10^-3) / (1 - 10^-3)
 *                linear in dB from -60 dB to 0 dB, shifted down by 10^-3
 *                and rescaled so it starts at exactly 0 and ends at exactly
 *                1 (so it leaves the pure dB-linear line only near the
 *                bottom: -0.1 dB off at -21 dB, -0.9 dB off at -40 dB,
 *                -1.7 dB at t = 0.25). Slow start, fast end: an EXP fade-out
 *                G(1-t) falls at a steady dB rate, like a natural decay.
 *                G(0.25) = 0.004628, G(0.5) = 0.030653 (-30.27 dB),
 *                G(0.75) = 0.177005.
 *   LOG          G(t) = 1 - EXP(1 - t) = (1 - 10^(-3t)) / (1 - 10^-3)
 *                the point mirror of EXP: fast start, slow end (a fade-in
 *                that rises quickly). G(0.5) = 0.969347 (-0.27 dB).
 *
 * Crossfades: which pair to use.
 *
 *   The outgoing clip gets G(1-t), the incoming G(t), over the same frames.
 *
 *   Correlated material (the two sides are the same or nearly the same
 *   signal, in phase: a cut inside one continuous take, a loop, an edit
 *   between phase-aligned copies) adds as amplitudes. Use an equal-gain
 *   (constant-amplitude) pair, G(t) + G(1-t) = 1: LINEAR or S_CURVE (and the
 *   mixed pair LOG in + EXP out, or EXP in + LOG out, since
 *   LOG(t) + EXP(1-t) = 1). Identical signals then sum to the original;
 *   equal-power would bulge by +3.01 dB in the middle (sin + cos = sqrt 2).
 *
 *   Uncorrelated material (different takes, room tone against dialogue,
 *   music against effects) adds as powers. Use EQUAL_POWER,
 *   G(t)^2 + G(1-t)^2 = 1: the power stays constant across the crossfade;
 *   LINEAR or S_CURVE would dip by -3.01 dB in the middle (0.5^2 + 0.5^2).
 *
 *   When in doubt (unknown material), EQUAL_POWER for different sources and
 *   LINEAR for a cut within the same source is the usual default.
 *
 * Frame mapping (fade_apply): a fade of length L frames covers frames
 * 0 .. L-1 and frame k has t = k / (L - 1), so the first frame of a fade-in
 * is exactly 0 and its last frame exactly 1 (a fade-out: first 1, last 0).
 * A fade-out's gain at frame k is the fade-in's gain at frame L-1-k (the
 * same float), so in and out of a crossfade mirror each other exactly.
 * Frames before the fade hold its start value, frames after it its end
 * value; L <= 1 is no fade (gain 1 everywhere).
 *
 * fade_apply computes the curve directly per frame with sinf/expf in chunks
 * (measured ~3 ns per frame on x86-64, gcc 12 -O2, against ~1 ns for a
 * 256-point interpolated table: both negligible next to the channel
 * multiply, and the formulas need no table, so no state and no setup).
 * Its gains agree with fade_gain within 2e-6.
 */
#ifndef DUBSTAGE_DSP_FADE_H
#define DUBSTAGE_DSP_FADE_H

#include <stdint.h>

/* Same order and meaning as enum fade_shape in src/session/session.h. */
enum fade_curve {
	FADE_CURVE_LINEAR,
	FADE_CURVE_EQUAL_POWER,
	FADE_CURVE_S_CURVE,
	FADE_CURVE_LOG,
	FADE_CURVE_EXP,
	FADE_CURVE_COUNT
};

enum fade_dir {
	FADE_DIR_IN,     /* 0 -> 1 */
	FADE_DIR_OUT     /* 1 -> 0 */
};

/*
 * The fade-in gain (linear) of curve shape at t: 0 for t <= 0 (and NaN),
 * exactly 1 for t >= 1, the formula above in between (computed in double).
 * A shape out of range is treated as LINEAR. Pure, RT-safe.
 */
float fade_gain(enum fade_curve shape, double t);

/*
 * Multiplies frames [pos_frames, pos_frames + frames) of a fade of
 * length_frames by the fade's gain, in place, on channels ch[0 ..
 * channels-1] (each a separate, non-overlapping buffer of at least frames
 * floats; borrowed). pos_frames is the fade-relative frame of ch[c][0] and
 * may be negative or past the end (see the frame mapping above); frames >= 0.
 * RT-safe: no allocation, no locks, no system calls.
 */
void fade_apply(float *const *ch, int channels, int frames,
    enum fade_curve shape, enum fade_dir dir, int64_t pos_frames,
    int64_t length_frames);

#endif
