/*
 * meter.h - per-channel peak and RMS meters for tracks, buses and masters.
 *
 * Model, per channel:
 *
 *   peak      the largest |x| (sample peak, not true peak), held for
 *             hold_ms and then falling at release_db_per_s. Defaults: no
 *             hold, METER_DEFAULT_RELEASE_DB_PER_S. Release INFINITY gives
 *             the plain peak of the last processed block.
 *   peak max  the largest |x| since init/reset (the "over" indicator).
 *   rms       sqrt of an exponential average of x^2 with time constant
 *             rms_window_ms (300 ms is the usual VU-like integration).
 *             The average is advanced once per processed block with that
 *             block's mean square: ms = a*ms + (1-a)*mean(x^2),
 *             a = exp(-frames / (window_ms * rate / 1000)) -- exactly an
 *             exponential window at block granularity, and the per-sample
 *             work stays a vectorisable sum. RMS is not weighted or
 *             offset: a full-scale sine reads -3.01 dBFS RMS, 0 dBFS peak.
 *
 * A NaN or infinite sample makes peak max +INFINITY (until reset) and peak
 * +INFINITY for that block and its hold (shown as an over), and leaves that
 * block out of the RMS average. Values fall to exactly
 * 0 below -200 dB (no denormals).
 *
 * Threads: meter_process runs on the RT thread; the getters read the same
 * struct and belong on that thread too (the engine copies values into its
 * meter snapshot for the console). Caller-allocated, fields private.
 */
#ifndef DUBSTAGE_DSP_METER_H
#define DUBSTAGE_DSP_METER_H

#include "dsp/dsp.h"

#define METER_MAX_CHANNELS DSP_MAX_CHANNELS
#define METER_DEFAULT_RMS_WINDOW_MS 300.0
#define METER_DEFAULT_RELEASE_DB_PER_S 20.0

struct meter {
	int channels;                         /* 1 .. METER_MAX_CHANNELS */
	double rate_hz;                       /* sample rate */
	double rms_tau_frames;                /* RMS time constant, frames */
	double hold_frames;                   /* peak hold, frames */
	double release_per_frame;             /* peak fall, natural log units per frame */
	double ms[METER_MAX_CHANNELS];        /* mean square, full scale 1.0 */
	double hold_left[METER_MAX_CHANNELS]; /* peak hold remaining, frames */
	float peak[METER_MAX_CHANNELS];       /* held/falling peak, linear */
	float peak_max[METER_MAX_CHANNELS];   /* highest peak since reset, linear */
};

/*
 * Sets m up for channels (1 .. METER_MAX_CHANNELS) at rate_hz (> 0) with an
 * RMS time constant of rms_window_ms (> 0), default peak ballistics, and
 * clears it. Returns 0, or DSP_ERR_INVALID for a bad argument.
 * RT-safe.
 */
int meter_init(struct meter *m, int channels, double rate_hz,
    double rms_window_ms);

/* Peak ballistics: hold_ms >= 0, then fall at release_db_per_s > 0 (dB per
 * second; INFINITY = no memory). Returns 0 or DSP_ERR_INVALID. RT-safe. */
int meter_set_peak_release(struct meter *m, double hold_ms,
    double release_db_per_s);

/*
 * Meters frames frames of ch[0 .. channels-1] (non-interleaved, borrowed,
 * frames floats each). Channels beyond the meter's are ignored; frames <= 0
 * does nothing. RT-safe: no allocation, no locks, no system calls.
 */
void meter_process(struct meter *m, const float *const *ch, int channels,
    int frames);

/* Clears peaks, peak max and the RMS average. RT-safe. */
void meter_reset(struct meter *m);

/* Readings of channel ch (0 for a channel out of range). Linear, full scale
 * 1.0; dB are dBFS with GAIN_SILENCE_DB (-144) for silence. RT-safe. */
double meter_get_peak_lin(const struct meter *m, int ch);
double meter_get_peak_db(const struct meter *m, int ch);
double meter_get_peak_max_lin(const struct meter *m, int ch);
double meter_get_peak_max_db(const struct meter *m, int ch);
double meter_get_rms_lin(const struct meter *m, int ch);
double meter_get_rms_db(const struct meter *m, int ch);

#endif
