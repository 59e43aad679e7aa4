/*
 * dsp.h - what every kernel under dsp/ shares: the channel limit, the error
 * codes, the guard that keeps recursive state out of the subnormal range,
 * and fast log2/exp2 for per-sample decibel work.
 *
 * Split invariance. The engine renders in blocks whose sizes depend on the
 * driver (64 frames live, 4096 offline), and a live capture must equal the
 * offline bounce bit for bit. So every kernel's output depends only on its
 * input stream and on the absolute frames at which coefficients change,
 * never on how the stream is cut into process calls: nothing is computed
 * "per call" (no end-of-call flushes, no coefficients extrapolated from
 * where the last call stopped), and anything periodic is counted on the
 * stream since reset, in the kernel's state.
 *
 * Denormals. A recursive filter fed silence after a loud signal decays
 * towards zero and, in float, through the subnormal range (below about
 * 1.2e-38), where x86 arithmetic can be 20-100 times slower; rounding can
 * even keep it there for ever as a tiny limit cycle. Kernels therefore call
 * dsp_state_guard() on their state every DSP_GUARD_FRAMES frames of the
 * stream (after frames 31, 63, ... counted from reset, whatever the call
 * boundaries; dsp_guard_span() does the counting):
 * a state pair whose magnitude is below DSP_STATE_FLOOR (-400 dBFS,
 * far under any audible or 24-bit signal and far above the subnormal range)
 * is set to exactly 0, after which silence in gives exact zeros out at full
 * speed. The same guard resets state that went NaN or infinite (one corrupt
 * input sample must not silence a track for the rest of the session). A
 * state decaying faster than ~1.3 nepers per frame can still cross the
 * subnormal range between two checks for a few frames; that is bounded and
 * harmless. dsp/ touches no thread state: setting FTZ/DAZ on the RT thread is
 * the engine's decision, and these kernels do not rely on it.
 *
 * Fast log2/exp2. Dynamics converts level to dB and gain back to linear on
 * every frame; libm's log10f/powf are accurate but slow and may set errno.
 * dsp_fast_log2f and dsp_fast_exp2f are polynomial versions (no tables);
 * as level/gain conversions over -200..+40 dB their worst errors are
 * 2.1e-5 dB and 3.8e-5 dB (measured in tests/dsp/test_dynamics.c against
 * libm, which fails above 0.001 dB; the requirement is 0.01 dB).
 * Neither survives -ffast-math reassociation unchanged, which the build
 * does not use.
 *
 * Everything here is pure, RT-safe, and has no state.
 */
#ifndef DUBSTAGE_DSP_DSP_H
#define DUBSTAGE_DSP_DSP_H

#include <math.h>
#include <stdint.h>
#include <string.h>

/* The most channels any dsp/ kernel processes in one state (7.1.2 bed plus
 * room to spare). Kernels with a smaller limit define their own. */
#define DSP_MAX_CHANNELS 16

/* The stream formats the dialogue-cleanup kernels take at create:
 * 1..DSP_MAX_CHANNELS channels at 8 to 192 kHz. */
static inline int
dsp_stream_ok(int channels, int rate_hz)
{
	return channels >= 1 && channels <= DSP_MAX_CHANNELS &&
	    rate_hz >= 8000 && rate_hz <= 192000;
}

/* Error codes returned by design/validation functions under dsp/. The value
 * equals ERR_INVALID in src/base/error.h (dsp/ may not include it), so
 * callers in src/ can return it unchanged and print it with err_string(). */
enum dsp_err {
	DSP_OK = 0,
	DSP_ERR_INVALID = -2, /* parameter non-finite or out of its documented range */
};

/* State magnitudes below this are flushed to exactly 0 (linear, -400 dBFS). */
#define DSP_STATE_FLOOR 1e-20f
/* State above this magnitude (or NaN) is treated as corrupt and reset to 0. */
#define DSP_STATE_CEILING 1e30f
/* Kernels call dsp_state_guard() this often (frames of the stream). */
#define DSP_GUARD_FRAMES 32

/*
 * How many of the left_frames frames still to run in this call a kernel
 * may run before its next guard is due, given since_guard_frames frames
 * run since the last guard (a counter kept in the kernel's state, 0 after
 * reset). The kernel adds what it ran to its counter and guards when the
 * counter reaches DSP_GUARD_FRAMES (resetting it to 0), so the guards fall
 * on the same frames of the stream however it is split into calls. A
 * counter beyond DSP_GUARD_FRAMES gives 0: guard at once. RT-safe.
 */
static inline int
dsp_guard_span(int since_guard_frames, int left_frames)
{
	const int room = DSP_GUARD_FRAMES - since_guard_frames;

	if (room <= 0)
		return 0;
	return left_frames < room ? left_frames : room;
}

/*
 * Flushes a pair of state variables: both set to exactly 0 when both are
 * below DSP_STATE_FLOOR in magnitude, or when either is NaN, infinite or
 * above DSP_STATE_CEILING. Otherwise leaves them alone. RT-safe.
 */
static inline void
dsp_state_guard(float *a, float *b)
{
	const float ma = fabsf(*a), mb = fabsf(*b);

	/* Written so that NaN compares false and lands in the reset branch. */
	if (!(ma < DSP_STATE_CEILING && mb < DSP_STATE_CEILING) ||
	    (ma < DSP_STATE_FLOOR && mb < DSP_STATE_FLOOR)) {
		*a = 0.0f;
		*b = 0.0f;
	}
}

/* 20*log10(2): decibels per binary octave of amplitude. */
#define DSP_DB_PER_LOG2 6.0205999132796239f
/* log2(10)/20: log2 units per decibel. */
#define DSP_LOG2_PER_DB 0.16609640474436813f

/*
 * log2(x) for a normal positive float x (>= about 1.2e-38; callers clamp
 * silence to a floor first). Error: the series' 5e-8 plus float rounding
 * of the result (below 4e-6 for |log2 x| < 64, i.e. 2.1e-5 dB). Zero, negative, subnormal, inf or NaN input
 * gives a meaningless finite or non-finite result. RT-safe.
 *
 * Method (as musl's log2f): split x = m * 2^e with m in [sqrt(1/2), sqrt(2)),
 * then log2(m) = (2/ln 2) * atanh(t), t = (m-1)/(m+1), |t| <= 0.172, from the
 * odd series to t^7 (truncation below 5e-8).
 */
/* The constants of dsp_fast_log2f and dsp_fast_exp2f, named once so that
 * their vector forms (dynamics.c) compute the same bits. */
#define DSP_SQRT_HALF_BITS 0x3f3504f3u
#define DSP_LOG2_C1 2.8853900817779268f
#define DSP_LOG2_C3 0.96179669392597560f
#define DSP_LOG2_C5 0.57707801635558536f
#define DSP_LOG2_C7 0.41219858311113240f
#define DSP_EXP2_C1 0.69314718055994531f
#define DSP_EXP2_C2 0.24022650695910071f
#define DSP_EXP2_C3 0.055504108664821580f
#define DSP_EXP2_C4 0.0096181291076284772f
#define DSP_EXP2_C5 0.0013333558146428443f

/* Forces inlining where a kernel is specialised by constant arguments. */
#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

static inline float
dsp_fast_log2f(float x)
{
	uint32_t bits, ix;
	int32_t e;
	float m, t, t2;

	memcpy(&bits, &x, sizeof bits);
	ix = bits - DSP_SQRT_HALF_BITS; /* bits of sqrt(1/2) */
	e = (int32_t)ix >> 23;   /* arithmetic shift: the exponent of x/sqrt(1/2) */
	ix = (ix & 0x007fffffu) + DSP_SQRT_HALF_BITS;
	memcpy(&m, &ix, sizeof m);
	t = (m - 1.0f) / (m + 1.0f);
	t2 = t * t;
	return (float)e + t * (DSP_LOG2_C1 + t2 * (DSP_LOG2_C3 +
	    t2 * (DSP_LOG2_C5 + t2 * DSP_LOG2_C7)));
}

/*
 * 2^x for x in [-126, 126] (clamped there, and NaN to -126, so the result
 * is always a normal float). Max relative error about 4.4e-6 (3.8e-5 dB).
 * RT-safe.
 *
 * Method: x = i + f with i the nearest integer, f in [-0.5, 0.5];
 * 2^f from its Taylor series to f^5 (truncation below 2.5e-6), 2^i by
 * building the exponent field.
 */
static inline float
dsp_fast_exp2f(float x)
{
	int32_t i;
	uint32_t bits;
	float f, p, scale;

	if (!(x > -126.0f)) /* also maps NaN to the floor */
		x = -126.0f;
	if (x > 126.0f)
		x = 126.0f;
	i = (int32_t)(x + 128.5f) - 128; /* x + 128.5 > 0, so truncation is floor */
	f = x - (float)i;
	p = 1.0f + f * (DSP_EXP2_C1 + f * (DSP_EXP2_C2 +
	    f * (DSP_EXP2_C3 + f * (DSP_EXP2_C4 + f * DSP_EXP2_C5))));
	bits = (uint32_t)(i + 127) << 23;
	memcpy(&scale, &bits, sizeof scale);
	return p * scale;
}

/* 20*log10(x) for x >= 1.2e-38 (see dsp_fast_log2f). RT-safe. */
static inline float
dsp_fast_lin_to_db(float x)
{
	return DSP_DB_PER_LOG2 * dsp_fast_log2f(x);
}

/* 10^(db/20) for db in [-758, 758] (clamped). RT-safe. */
static inline float
dsp_fast_db_to_lin(float db)
{
	return dsp_fast_exp2f(db * DSP_LOG2_PER_DB);
}

#endif
