/*
 * declick.h - click and mouth-click repair: finds short impulsive events
 * that a short-term model of the signal cannot explain, and replaces
 * exactly those samples by an interpolation from both sides; every other
 * sample passes bit for bit.
 *
 * Model (Vaseghi and Rayner's AR detector and least-squares AR
 * interpolator, as in Godsill and Rayner, "Digital Audio Restoration",
 * 1998). The stream is cut into hops of H frames (512 at 48 kHz, scaled
 * with the rate), counted since reset. For each hop, an order-24 AR model
 * (autocorrelation method, Hann window, Levinson) is fitted on the hop with
 * H frames of history and H of lookahead. The forward prediction residual
 * is large on a click and for 24 frames after it, the backward residual on
 * it and 24 frames before it; the detector takes min(|forward|, |backward|)
 * per frame, which is large only on the click itself, and compares it with
 * the larger of threshold(sensitivity) * the window's robust residual
 * scale (1.4826 * median) and twice the window's 98th percentile (voiced
 * speech, synthetic voices above all, leaves a few large residuals at every
 * glottal pulse; a click must stand above those too). Exceedances closer
 * than 8 frames join one event; an event gets 2 frames of margin each side
 * plus half its length after it (clicks decay, and a tail left below the
 * threshold would poison the interpolation), and events longer than
 * max_click_ms are
 * left alone (not a click: a plosive or a note onset). Each event's
 * samples are then replaced by the values that minimise the AR model's
 * residual energy given the known samples around them (a small
 * symmetric positive definite system solved by Cholesky). Repaired samples
 * stay in the history, so the next hop's model sees clean signal.
 *
 * Latency: 2 * H frames (1024 at 48 kHz, 21.3 ms): an event near the end
 * of a hop needs the lookahead to be interpolated. Channels are detected
 * and repaired independently (a click on one channel of a stereo pair is
 * repaired there only).
 *
 * Input samples that are NaN, infinite or above 1e6 in magnitude are
 * treated as defects: they are always repaired (interpolated) when the
 * span allows, else output as 0. Digital silence gives digital silence.
 *
 * Split invariance: hops are counted on the stream, so the output does
 * not depend on how the stream is cut into calls. The work per hop is a
 * burst (the model fit, about 0.2 M flops at 48 kHz, plus the solve per
 * event): fine for offline and live use at block sizes up to H, and
 * bounded in any case.
 *
 * Threads and ownership: declick_create/declick_destroy on the control
 * thread; declick_set_params, declick_process, declick_reset and
 * declick_latency are RT-safe (no allocation, no locks; libm: sqrt in
 * the solver), called from one thread at a time.
 */
#ifndef DUBSTAGE_DSP_DECLICK_H
#define DUBSTAGE_DSP_DECLICK_H

struct declick_params {
	double sensitivity;  /* 0..1: higher finds fainter clicks (and more
	                        false alarms); threshold 12 - 8 * sensitivity
	                        times the robust residual scale; default 0.5 */
	double max_click_ms; /* 0.1..5: longer events are left alone; default 2.5 */
};

/* Fills *p with the defaults above. */
void declick_params_default(struct declick_params *p);

/* NULL when *p is valid, else a static message naming the bad parameter
 * and its range. Any thread. */
const char *declick_params_check(const struct declick_params *p);

/* Control thread. NULL on channels outside 1..DSP_MAX_CHANNELS, rate_hz
 * outside 8000..192000, invalid params, or no memory. Caller frees with
 * declick_destroy. Memory: about 70 KB per channel at 48 kHz plus a
 * shared solver of 8 * (max events frames)^2 bytes (5 ms at 192 kHz:
 * 7.4 MB; 0.4 MB at 48 kHz). */
struct declick *declick_create(int channels, int rate_hz, const struct declick_params *p);

/* Control thread. NULL-safe. */
void declick_destroy(struct declick *k);

/* RT-safe. Takes *p (copied; invalid ones ignored) from the next hop on;
 * a max_click_ms above the one given at create is clamped to it. Nothing
 * to glide: repairs are per event. */
void declick_set_params(struct declick *k, const struct declick_params *p);

/* RT-safe. In place on buf[0..channels-1][0..frames), frames >= 0. */
void declick_process(struct declick *k, float *const *buf, int frames);

/* RT-safe. Clears the history (the output restarts with latency frames of
 * zeros). */
void declick_reset(struct declick *k);

/* 2 * H frames: output frame t is input frame t - latency. */
int declick_latency(const struct declick *k);

/* Events repaired since create or reset, over all channels. RT-safe. */
long declick_repaired_count(const struct declick *k);

#endif
