/*
 * dynamics.h - one kernel for the compressor, the downward expander and the
 * gate, keyed from its own input or from a sidechain.
 *
 * Model (the "log-domain, smoothed gain" design of Giannoulis, Massberg and
 * Reiss, "Digital dynamic range compressor design - a tutorial and
 * analysis", JAES 2012). Per frame:
 *
 *   key      the main input, or the sidechain when one is given; linked:
 *            the largest of all key channels (max |x| or max x^2), so one
 *            gain serves every channel and the stereo image holds;
 *            unlinked: each channel its own detector and gain
 *   detector peak: level = |key|; RMS: mean square through a one-pole
 *            average with time constant rms_ms; level in dBFS (RMS of a
 *            full-scale sine reads -3.01 dBFS, its peak 0 dBFS)
 *   curve    the static gain for that level, in dB (dynamics_curve_gain_db):
 *            compressor: above threshold, output rises 1/ratio dB per dB;
 *            expander: below threshold, output falls ratio dB per dB,
 *            at most range_db of attenuation; knee_db (either) is a
 *            quadratic knee that wide, centred on the threshold;
 *            gate: 0 dB at or above threshold, -range_db below, held open
 *            for hold_ms after the level last reached the threshold
 *   smoother a one-pole on the gain in dB, with the attack coefficient
 *            while the level rises (compressor: gain falling; expander and
 *            gate: gain rising, the gate opening) and release otherwise
 *   output   x * 10^((gain + makeup)/20); makeup changes glide (5 ms)
 *
 * Time constants. attack_ms and release_ms are one-pole time constants of
 * the gain in dB: after a step of S dB in the curve's output, the applied
 * gain has moved (1 - 1/e) S = 63.2% S after attack_ms (or release_ms),
 * 86.5% after twice that; 0 is instant. With the RMS detector, its own
 * averaging (rms_ms) adds to the lag. With the peak detector and a
 * non-zero attack, each crest of a steady tone is partly let through, so
 * the tone's average reduction is a little less than the curve gives for
 * its peak (-8.7 instead of -9 dB for a 1 kHz tone 12 dB over a 4:1 curve
 * at 1 ms attack); at attack 0 it sits on the curve.
 *
 * Split invariance (see dsp/dsp.h). Everything that shapes the output
 * runs per frame or on frames counted on the stream since reset: the
 * corrupt-state guard (a NaN/inf key, a non-finite sidechain) and the
 * flush of a spent makeup glide fall every DSP_GUARD_FRAMES frames of the
 * stream, not at the end of each call; the detector, hold counter and gain
 * smoother carry their state frame to frame. So the audio is the same bits
 * however the stream is cut into calls, given the same dynamics_set_coefs
 * at the same frames. Only the gr_peak_db meter is per call, by definition.
 *
 * Meters. After each dynamics_process the engine can read gr_db (gain
 * reduction at the last frame) and gr_peak_db (the deepest in that call),
 * both <= 0 dB, makeup excluded, on the thread that ran process.
 *
 * Threads and ownership: dynamics_design on the control thread (libm);
 * dynamics_init before the state is handed to the RT thread;
 * dynamics_set_coefs, dynamics_process, dynamics_reset and
 * dynamics_curve_gain_db are RT-safe (no allocation, no libm per frame).
 * struct dynamics is caller-allocated and holds no pointers.
 */
#ifndef DUBSTAGE_DSP_DYNAMICS_H
#define DUBSTAGE_DSP_DYNAMICS_H

#include <stdbool.h>

#include "dsp/dsp.h"

enum dynamics_mode {
	DYNAMICS_COMPRESSOR,
	DYNAMICS_EXPANDER, /* downward */
	DYNAMICS_GATE,
};

enum dynamics_detector {
	DYNAMICS_PEAK,
	DYNAMICS_RMS,
};

/* User settings, as the session stores them. */
struct dynamics_params {
	enum dynamics_mode mode;
	enum dynamics_detector detector;
	bool link;           /* one gain for all channels, from the loudest key channel */
	double threshold_db; /* dBFS, [-144, +24] */
	double ratio;        /* compressor R:1 in [1, 1000] or INFINITY; expander 1:R in [1, 100]; gate: unused */
	double knee_db;      /* [0, 48], total width; gate: unused */
	double attack_ms;    /* [0, 2000], time constant (see the model) */
	double release_ms;   /* [0, 10000] */
	double hold_ms;      /* gate: [0, 10000]; others: unused */
	double range_db;     /* expander, gate: most attenuation, [0, 144]; compressor: unused */
	double makeup_db;    /* [-48, +48] */
	double rms_ms;       /* RMS detector: averaging time constant, [0.1, 1000]; peak: unused */
};

/* Designed values for the RT side. A plain value: copy it. */
struct dynamics_coefs {
	enum dynamics_mode mode;
	enum dynamics_detector detector;
	bool link;
	float threshold_db;  /* dBFS */
	float half_knee_db;  /* knee_db / 2; 0: hard knee */
	float slope;         /* compressor 1/R - 1 in [-1, 0]; expander R - 1 >= 0 */
	float knee_scale;    /* slope / (2 knee_db), 0 for a hard knee */
	float range_db;      /* >= 0; most attenuation (expander, gate) */
	float attack_coef;   /* per-frame pole, exp(-1/(attack s * fs)), 0 = instant */
	float release_coef;  /* likewise */
	float rms_coef;      /* 1 - exp(-1/(rms s * fs)): weight of the new x^2 */
	float makeup_db;
	float makeup_pole;   /* per-frame decay of a makeup glide, exp(-1/(5 ms * fs)) */
	int hold_frames;
};

/* One detector with its smoothed gain. */
struct dynamics_unit {
	float env;     /* RMS: mean square of the key (linear power) */
	float gain_db; /* smoothed curve gain, <= 0 (compressor) */
	int hold;      /* gate: frames left open */
};

/* The RT-side state; caller-allocated. */
struct dynamics {
	/* Written by the control side only through dynamics_set_coefs. */
	struct dynamics_coefs co;
	/* Private to dynamics.c. */
	struct dynamics_unit unit[DSP_MAX_CHANNELS]; /* linked: unit[0] only */
	float makeup_glide_db; /* makeup in use minus co.makeup_db; decays to 0 */
	int guard_frames;      /* frames run since the last guard, 0..DSP_GUARD_FRAMES-1 */
	/* Meter outputs, written by dynamics_process (see the model). */
	float gr_db;      /* gain reduction at the last frame, <= 0 */
	float gr_peak_db; /* deepest gain reduction during the last call, <= 0 */
};

/*
 * Validates p and designs it for sample_rate_hz (8000..768000) into *out.
 * Fields a mode does not use are not checked. Returns 0, or
 * DSP_ERR_INVALID (out untouched). Control thread; no allocation.
 */
int dynamics_design(const struct dynamics_params *p, double sample_rate_hz,
    struct dynamics_coefs *out);

/* Prepares d with coefficients c (copied) and silent state. Control thread,
 * before d is used on the RT thread (RT-safe in fact, but meant for setup). */
void dynamics_init(struct dynamics *d, const struct dynamics_coefs *c);

/*
 * Switches d to c (copied; borrowed). Detector and gain state carry on, so
 * threshold, ratio, range, knee and time changes are smoothed by the gain
 * smoother itself and makeup glides; nothing jumps. RT-safe.
 */
void dynamics_set_coefs(struct dynamics *d, const struct dynamics_coefs *c);

/*
 * Processes frames frames of channels channels in place (ch[i] borrowed,
 * distinct and non-overlapping, channels in 1..DSP_MAX_CHANNELS, more are
 * left untouched). sidechain: NULL to key from ch, else sidechain_channels
 * (1..DSP_MAX_CHANNELS) key buffers of frames frames, borrowed, read only,
 * not overlapping ch. Linked: the key is the max over all key channels.
 * Unlinked: channel i keys from key channel i mod the key channel count.
 * Updates gr_db and gr_peak_db. RT-safe.
 */
void dynamics_process(struct dynamics *d, float *const *restrict ch, int channels,
    const float *const *restrict sidechain, int sidechain_channels, int frames);

/* The most units dynamics_process_batch runs together. */
#define DYNAMICS_BATCH_MAX 4

/*
 * Whether dynamics_process_batch can run d[0..count) together: 2 to
 * DYNAMICS_BATCH_MAX of them, compressors or expanders alike (no gates), with
 * one detector, the same smoother direction (attack faster than release, or
 * not) and the same guard phase. Other settings (thresholds, ratios, times,
 * makeup, link) may differ. RT-safe.
 */
bool dynamics_batchable(struct dynamics *const *d, int count);

/*
 * Processes count mono channels, buf[k] through d[k] (frames frames each, no
 * sidechain), with exactly the result of dynamics_process(d[k], &buf[k], 1,
 * NULL, 0, frames) for each: the same samples, state and meters, bit for
 * bit. When dynamics_batchable(d, count), their recursions (RMS average,
 * gain smoother) run side by side in the lanes of one vector, so several
 * tracks' compressors cost little more than one; otherwise one after the
 * other. RT-safe.
 */
void dynamics_process_batch(struct dynamics *const *d, float *const *buf,
    int count, int frames);

/* Forgets the detector, the gain and hold state (gain 0 dB, makeup at its
 * target, meters at 0). RT-safe. */
void dynamics_reset(struct dynamics *d);

/*
 * The static curve: the gain in dB (<= 0, makeup excluded, no hold) that c
 * applies in the steady state to a key at level_db dBFS (as the chosen
 * detector reads it). For the UI's transfer plot and tests. RT-safe.
 */
float dynamics_curve_gain_db(const struct dynamics_coefs *c, float level_db);

#endif
