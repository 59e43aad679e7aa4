/*
 * eq.h - the parametric EQ insert: up to EQ_MAX_BANDS bands plus a
 * high-pass and a low-pass cut, one coefficient set shared by up to
 * EQ_MAX_CHANNELS channels.
 *
 * Model. struct eq_params is what the session stores and automation moves,
 * in user units. eq_design() turns it, on the control thread, into a
 * struct eq_coefs: EQ_SECTIONS biquad sections in a fixed order (high-pass
 * pair, bands 0..7, low-pass pair), unused ones set to the identity. That
 * value (about 300 bytes, no pointers) is what travels to the RT thread
 * through the engine's parameter ring; eq_set_coefs() takes it there.
 *
 * Coefficient changes: interpolation, not crossfade. A change does not take
 * effect at once (a jump in a resonant filter's coefficients clicks); every
 * section's coefficients move in a straight line from where they are to the
 * new set over ramp_frames (64 frames at 48 kHz, the same 1.33 ms at any
 * rate). Interpolating the state-variable coefficients is stable at every
 * frame (see biquad.c) and costs a few multiplies per frame during the ramp
 * only; a crossfade would run two complete chains for the fade, and the new
 * chain would start from a state it never had (itself a transient). A
 * change arriving mid-ramp starts a new ramp from the current point, so
 * automation at any rate gives a continuous path. Sections that are the
 * identity and not moving are skipped, so an EQ with two bands in use
 * costs two sections. A section switched on starts from silent state with
 * its output mix ramping up from the identity, which is continuous (no
 * step), though a low band switched on under loud low-frequency programme
 * will still show its filter's natural settling; a section switched off
 * keeps its poles while its output mix ramps down to the identity, then is
 * skipped, and the EQ is bit-exact bypass again.
 *
 * Split invariance (see dsp/dsp.h). The output depends only on the input
 * and on the absolute frames at which eq_set_coefs and eq_reset are called,
 * never on how the stream is cut into eq_process calls: a ramp keeps its
 * origin and its position (frames run since eq_set_coefs), and its frame k
 * (1-based) runs origin + k*step whatever the call boundaries; a change
 * arriving mid-ramp starts from origin + position*step, the set the last
 * frame ran with; a section switched off stops being processed at the
 * frame its ramp ends, mid-call or not; the filters' denormal guards are
 * counted on the stream (struct biquad_state).
 *
 * Cuts. 12 dB/oct is one 2nd-order section with the cut's q (0.7071 =
 * Butterworth). 24 dB/oct is a 4th-order Butterworth (two sections, q
 * 0.5412 and 1.3066, -3.01 dB at freq_hz); the cut's q is not used.
 *
 * Frequencies above EQ_MAX_FREQ_RATIO * sample rate are pulled down to it,
 * so a session moved from 48 to 32 kHz keeps playing; other out-of-range
 * values are errors.
 *
 * Threads and ownership: eq_design and eq_magnitude_db on the control
 * thread (libm, no allocation); eq_init before the EQ is handed to the RT
 * thread; eq_set_coefs, eq_process and eq_reset are RT-safe and must all be
 * called from one thread at a time. struct eq is caller-allocated and
 * holds no pointers.
 */
#ifndef DUBSTAGE_DSP_EQ_H
#define DUBSTAGE_DSP_EQ_H

#include <stdbool.h>

#include "dsp/biquad.h"

#define EQ_MAX_BANDS 8
#define EQ_MAX_CHANNELS 10 /* a 7.1.2 bed */
#define EQ_SECTIONS (EQ_MAX_BANDS + 4)
#define EQ_MAX_FREQ_RATIO 0.48 /* highest freq_hz / sample rate used */
#define EQ_RAMP_FRAMES_48K 64  /* coefficient ramp length at 48 kHz */
#define EQ_RAMP_FRAMES_MAX 1024

/* Section indexes in struct eq_coefs (the processing order). */
enum {
	EQ_SECTION_HPF = 0,                       /* two: HPF, HPF + 1 */
	EQ_SECTION_BAND = 2,                      /* EQ_MAX_BANDS, band i at BAND + i */
	EQ_SECTION_LPF = 2 + EQ_MAX_BANDS,        /* two */
};

struct eq_band {
	bool enabled;
	enum biquad_type type; /* any biquad type; BELL and the shelves are the usual */
	double freq_hz;        /* (0, fs/2); above EQ_MAX_FREQ_RATIO*fs is pulled down */
	double gain_db;        /* [-BIQUAD_GAIN_DB_MAX, +BIQUAD_GAIN_DB_MAX]; bells and shelves */
	double q;              /* [BIQUAD_Q_MIN, BIQUAD_Q_MAX]; see enum biquad_type */
};

struct eq_cut {
	bool enabled;
	double freq_hz;       /* -3 dB point (Butterworth q); range as eq_band */
	int slope_db_per_oct; /* 12 or 24 */
	double q;             /* 12 dB/oct only: resonance, 0.7071 = Butterworth */
};

/* An EQ's user settings. Zero-initialised means everything off: designing
 * it gives a flat EQ. */
struct eq_params {
	struct eq_cut hpf;
	struct eq_band band[EQ_MAX_BANDS];
	struct eq_cut lpf;
};

/* Designed coefficients, ready for eq_set_coefs. A plain value: copy it. */
struct eq_coefs {
	struct biquad_coefs sec[EQ_SECTIONS];
};

/* The RT-side state. Fields are private to eq.c; caller-allocated. */
struct eq {
	struct biquad_coefs cur[EQ_SECTIONS];    /* what the last frame ran with (mid-ramp:
	                                          * from + ramp_pos*step) */
	struct biquad_coefs from[EQ_SECTIONS];   /* the ramp's origin: ramp frame k (1-based)
	                                          * runs from + k*step */
	struct biquad_coefs target[EQ_SECTIONS]; /* where the ramp ends */
	struct biquad_coefs step[EQ_SECTIONS];   /* per-frame change while ramping */
	bool moving[EQ_SECTIONS];                /* step is non-zero */
	bool active[EQ_SECTIONS];                /* false: identity and settled: skipped */
	int ramp_pos;                            /* frames of the ramp run since eq_set_coefs */
	int ramp_left;                           /* frames until cur == target */
	int ramp_frames;                         /* ramp length for a change, frames */
	struct biquad_state st[EQ_SECTIONS][EQ_MAX_CHANNELS];
};

/*
 * Designs p for sample_rate_hz (8000..768000) into *out. Returns 0, or
 * DSP_ERR_INVALID (out untouched) when an enabled band or cut has a
 * non-finite or out-of-range value or a cut slope other than 12/24.
 * Disabled bands are not checked. Control thread; no allocation.
 */
int eq_design(const struct eq_params *p, double sample_rate_hz, struct eq_coefs *out);

/*
 * The EQ curve: magnitude in dB of the whole chain p at freq_hz
 * (0..fs/2) and sample_rate_hz, as eq_design would build it, from the
 * double designs. For the UI and tests. An invalid p gives NaN. Control
 * thread.
 */
double eq_magnitude_db(const struct eq_params *p, double sample_rate_hz, double freq_hz);

/*
 * Prepares e: flat, silent, settled; coefficient ramps will last
 * EQ_RAMP_FRAMES_48K * sample_rate_hz / 48000 frames (at least 1, at most
 * EQ_RAMP_FRAMES_MAX). Control thread, before e is used on the RT thread.
 */
void eq_init(struct eq *e, double sample_rate_hz);

/*
 * Moves e towards c (copied; c is borrowed) over one ramp, starting from
 * the coefficients in use now. To start a new EQ directly at c, call
 * eq_set_coefs then eq_reset. RT-safe.
 */
void eq_set_coefs(struct eq *e, const struct eq_coefs *c);

/*
 * Filters frames frames of channels channels in place: ch[i] is channel
 * i's buffer (borrowed; distinct, non-overlapping). channels in
 * 0..EQ_MAX_CHANNELS (more are left untouched), frames >= 0. Every channel
 * passed should be passed on every call: a channel's filter memory lives at
 * its index. RT-safe.
 */
void eq_process(struct eq *e, float *const *restrict ch, int channels, int frames);

/*
 * Clears all filter memory and completes any ramp at once (e runs its
 * latest coefficients from the next frame). For transport jumps and
 * starting a new EQ. RT-safe.
 */
void eq_reset(struct eq *e);

#endif
