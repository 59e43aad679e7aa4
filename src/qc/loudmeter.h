/*
 * loudmeter.h - the live loudness meter of the console's loudness view: a
 * streaming BS.1770-5 / EBU R 128 meter for the master, fed interleaved
 * float frames (what live_tap_read gives), with a history for a graph and
 * the target lines of a delivery spec.
 *
 * Contract.
 *
 *   figures     loudmeter_read gives, at any moment: momentary (400 ms)
 *               and short-term (3 s) loudness at the last complete 10 ms
 *               step, their maxima, integrated loudness (BS.1770 gating),
 *               loudness range (EBU Tech 3342), the largest true peak
 *               (BS.1770 Annex 2, or the accurate interpolator) and sample
 *               peak, per channel and overall, all since create or the
 *               last reset. They are dsp/loudness.h's figures, proven
 *               against the EBU set; this module adds no arithmetic of its
 *               own to them.
 *   dialogue    with cfg.speech, dialogue-gated loudness as `measure`
 *               and the dialogue specs (Netflix, Amazon) have it: the
 *               speech detector (dsp/speech.h) listens to the centre, else
 *               L+R, else channel 0 (qc_speech_signal), and BS.1770 gating
 *               runs over the 400 ms blocks with speech. Its decisions come
 *               0.8 s late, so the dialogue figure lags that much (blocks
 *               still undecided at a read are judged with what is known).
 *   no value    -INFINITY (the value of -HUGE_VAL) where there is nothing
 *               to show yet: nothing fed, digital silence, or too short
 *               (I needs one 400 ms block above -70 LUFS; LRA one 3 s
 *               window above -70 LUFS, and is 0 LU for a constant level;
 *               the dialogue figure needs a speech block). NAN only for
 *               what is not measured at all: the dialogue figures without
 *               cfg.speech. Before the first 400 ms / 3 s the missing past
 *               counts as silence (the meter starts quiet and rises).
 *   history     every 100 ms of fed audio (at frame floor(n * rate / 10)
 *               after reset, n = 1, 2, ...) the short-term and momentary
 *               loudness at that instant are appended to a fixed ring of
 *               ceil(history_seconds * 10) points; the oldest points drop
 *               off. The values are exactly those read at that frame,
 *               however the audio is split into feeds. Point n (1-based,
 *               counted since reset: reading.history_total) is at n * 0.1 s.
 *   layout      by name, the master format's name (chan_format_name():
 *               "mono", "stereo", "5.1", "7.1", "7.1.2"), with qc/layout's
 *               channel order and BS.1770-5 weights (LFE excluded, 5.1
 *               surrounds and 7.1 sides +1.5 dB); NULL takes the usual
 *               layout for the channel count (1, 2, 6, 8, 10). Explicit
 *               weights replace the layout's (and allow any count). Peaks
 *               include every channel, LFE too.
 *   cost        a feed deinterleaves and runs the meter (about the cost of
 *               K-weighting and true-peak interpolation of the frames); a
 *               read does the histogram scans of loudness_get only when
 *               audio arrived since the last read. No allocation after
 *               create.
 *   threads     main thread (the console loop): one meter, one thread.
 *               Not RT-safe as a whole (create allocates), though feed,
 *               read, history and reset neither allocate nor lock.
 */
#ifndef DUBSTAGE_QC_LOUDMETER_H
#define DUBSTAGE_QC_LOUDMETER_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"

#define LOUDMETER_MAX_CHANNELS 16
#define LOUDMETER_HISTORY_HZ 10              /* history points per second */
#define LOUDMETER_HISTORY_DEFAULT_S 600.0    /* 10 minutes */
#define LOUDMETER_HISTORY_MAX_S 86400.0

struct loudmeter_config {
	int rate_hz;                 /* 8000 .. 384000 */
	int channels;                /* 1 .. LOUDMETER_MAX_CHANNELS */
	const char *layout;          /* "stereo", "5.1", ...; NULL: by channels */
	const double *weights;       /* NULL, or channels BS.1770 weights G_i
	                                (>= 0, 0 = not counted): replace the
	                                layout's; with layout NULL any count */
	double history_seconds;      /* 0: LOUDMETER_HISTORY_DEFAULT_S */
	bool true_peak_accurate;     /* the accurate interpolator (costs more);
	                                default BS.1770 Annex 2 */
	bool speech;                 /* dialogue-gated loudness too */
};

struct loudmeter_reading {
	double momentary_lufs;       /* M now */
	double short_term_lufs;      /* S now */
	double integrated_lufs;      /* I, gated */
	double lra_lu;               /* loudness range, LU */
	double momentary_max_lufs;
	double short_term_max_lufs;
	double true_peak_dbtp;       /* largest over channels, dBTP */
	double sample_peak_dbfs;     /* largest over channels, dBFS */
	double speech_gated_lufs;    /* dialogue-gated loudness (NAN: no cfg.speech) */
	double speech_percent;       /* share of I's blocks with speech, 0..100
	                                (NAN: no cfg.speech) */
	double true_peak_ch_dbtp[LOUDMETER_MAX_CHANNELS];
	int channels;
	int64_t frames;              /* fed since reset */
	double seconds;              /* frames / rate */
	int64_t history_total;       /* history points since reset (also those
	                                that have left the ring) */
	int64_t invalid_samples;     /* NaN/inf/huge samples, measured as 0 */
};

/* The lines a view draws for a delivery spec (src/qc/spec.h). */
struct loudmeter_targets {
	const char *name;            /* "ebu-r128" */
	const char *title;           /* "EBU R 128" */
	bool dialogue;               /* the target applies to the dialogue-gated
	                                loudness (speech_gated_lufs, with
	                                cfg.speech), not to I */
	double target_lufs;
	double tolerance_lu;
	double low_lufs, high_lufs;  /* target -/+ tolerance */
	double true_peak_max_dbtp;
	double short_term_max_lufs;  /* NAN: the spec has no such limit */
	double momentary_max_lufs;   /* NAN: none */
	double lra_max_lu;           /* NAN: none */
};

struct loudmeter;

/* Fills c with rate and channels, layout NULL, default history, Annex 2,
 * no speech gating. */
void loudmeter_config_init(struct loudmeter_config *c, int rate_hz,
    int channels);

/*
 * A meter as cfg says. 0 and *out, ERR_INVALID (a bad rate, channel
 * count, history length, weight, an unknown layout or one with another
 * channel count; *out NULL), or ERR_NOMEM. About 0.6 MB plus 8 bytes per
 * history point (and the detector's tables with cfg.speech, whose FFTW
 * planning is not thread-safe: create meters on one thread).
 */
int loudmeter_create(const struct loudmeter_config *cfg, struct loudmeter **out);

/* NULL is a no-op. */
void loudmeter_destroy(struct loudmeter *m);

/* Measures frames (>= 0) interleaved frames of cfg.channels floats
 * (full scale +-1.0), borrowed. Any split gives the same results. */
void loudmeter_feed(struct loudmeter *m, const float *interleaved, int frames);

/* Every figure now into r (see "no value"). */
void loudmeter_read(struct loudmeter *m, struct loudmeter_reading *r);

/*
 * The newest min(max_points, points held) history points, oldest first:
 * short-term loudness into out_short_term and momentary into
 * out_momentary (LUFS as float, -INFINITY for silence; either may be
 * NULL). Returns how many were copied (0 when max_points <= 0).
 */
int loudmeter_history(const struct loudmeter *m, float *out_short_term,
    float *out_momentary, int max_points);

/* How many points the history ring holds at most. */
int loudmeter_history_capacity(const struct loudmeter *m);

/* Back to the state after create: every figure, the maxima, the peaks,
 * the history and the position (a QC meter's reset button). */
void loudmeter_reset(struct loudmeter *m);

/*
 * The target lines of the delivery spec called spec_name (qc_spec_find:
 * case-insensitive) into t. 0, or ERR_NOTFOUND (t untouched).
 */
int loudmeter_spec_targets(const char *spec_name, struct loudmeter_targets *t);

#endif
