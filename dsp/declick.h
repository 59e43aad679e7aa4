/*
 * declick.h - click and mouth-click repair: finds short impulsive events
 * that a short-term model of the signal cannot explain, and replaces
 * exactly those samples by an interpolation from both sides; every other
 * sample passes bit for bit.
 *
 * Model (Vaseghi and Rayner's AR detector and least-squares AR
 * interpolator, with their pitch predictor for voiced speech; Godsill and
 * Rayner, "Digital Audio Restoration", 1998). The stream is cut into hops
 * of H frames (512 at 48 kHz, scaled with the rate), counted since reset;
 * each hop is judged in a window of 3 H frames (the hop, H before, H
 * after).
 *
 * Detection. An order-24 AR model (autocorrelation method, Hann window,
 * Levinson) is fitted on the window and gives the forward residual ef (the
 * one-step prediction error) and, where needed, the backward residual eb.
 * A click's first sample raises ef at once, and eb stays up to its last
 * sample, while ef rings on for 24 frames after it and eb rises 24 frames
 * before it. An event starts where ef exceeds the threshold hi and eb
 * exceeds half of hi within 8 frames (ef alone is the onset of a new
 * sound); its core runs to the last exceedance of hi by eb (gaps up to 8
 * frames), and cores longer than max_click_ms are left alone (not a click:
 * a plosive, a note's attack). hi is the larger of threshold(sensitivity)
 * robust scales of ef (1.4826 * its median) and twice the pulse level:
 * voiced speech leaves large residuals at every glottal pulse, and a click
 * must stand above them; the pulse level is the third largest of the
 * window's residual peaks at least max_click_ms + 24 frames apart, so that
 * one click, however long, counts once. The span then grows over the
 * neighbours whose residual stays above 4 robust scales (a click's soft
 * start and its decaying tail: left in the interpolation's context it
 * would pull the interpolation) and takes 2 frames of margin each side.
 * Detection runs twice: the events found with the first model are
 * repaired provisionally, the model and the levels are fitted again on
 * that window (a click flattens the model, and inflates the levels that
 * are to expose it), and the events are found again with those.
 *
 * Repair. Each event's samples are replaced by the values that minimise
 * the residual energy of an AR model of the context, given the known
 * samples around them (a banded symmetric positive definite system solved
 * by Cholesky). The model is fitted on 8 ms either side of the event
 * (order 40 at 48 kHz, 0.83 ms, at least 16), and in periodic (voiced)
 * context it is the model of what a pitch template does not explain: the
 * signal one period earlier and, when the lookahead holds it, one period
 * later, with least-squares gains; the template is added back. The period
 * is the lag of 2.5..15 ms at which the 2 ms either side of the event
 * best match their copies (normalised correlation at least 0.5). An AR
 * model of a millisecond cannot carry a voiced waveform across a
 * millisecond gap; the neighbouring periods can.
 *
 * Two checks keep the input where a repair would not be the removal of a
 * click: an event that the pitch template explains (its template
 * residual does not stand out of the context's) is a glottal pulse and
 * stays; a repair whose largest change is more than twice the event's
 * largest forward residual is an interpolation gone astray over a stretch
 * that is not a click, and is undone. Repaired samples stay in the
 * history, so the next hop sees clean signal.
 *
 * Latency: 2 * H frames (1024 at 48 kHz, 21.3 ms): an event near the end
 * of a hop needs the lookahead to be detected and interpolated. Channels
 * are detected and repaired independently (a click on one channel of a
 * stereo pair is repaired there only).
 *
 * Limits. Interpolation cannot restore what the context does not
 * predict: a long click on a loud fricative or at a voicing onset is
 * repaired with an error of the order of the signal there. On material
 * band-limited far below the Nyquist frequency (e.g. 48 kHz audio
 * upsampled to 96 kHz) a click's residual is much smaller than its
 * waveform and the second check undoes the repairs: declick such material
 * at its native rate.
 *
 * Input samples that are NaN, infinite or above 1e6 in magnitude are
 * treated as defects: they are always repaired (interpolated) when the
 * span allows, else output as 0. Digital silence gives digital silence.
 *
 * Split invariance: hops are counted on the stream, so the output does
 * not depend on how the stream is cut into calls. The work per hop is a
 * burst (the model fit and residual, about 0.1 M flops at 48 kHz, twice
 * in a hop with an event, plus per event the pitch search, the local fit
 * and the solve, about 0.2 M flops): fine for offline and live use at
 * block sizes up to H, and bounded in any case.
 *
 * Threads and ownership: declick_create/declick_destroy on the control
 * thread; declick_set_params, declick_process, declick_reset and
 * declick_latency are RT-safe (no allocation, no locks; libm: sqrt and
 * fabs), called from one thread at a time.
 */
#ifndef DUBSTAGE_DSP_DECLICK_H
#define DUBSTAGE_DSP_DECLICK_H

struct declick_params {
	double sensitivity;  /* 0..1: higher finds fainter clicks (and more
	                        false alarms); threshold 12 - 8 * sensitivity
	                        times the robust residual scale (or twice the
	                        pulse level, if higher); default 0.5 */
	double max_click_ms; /* 0.1..5: longer events are left alone; default 2.5 */
};

/* Fills *p with the defaults above. */
void declick_params_default(struct declick_params *p);

/* NULL when *p is valid, else a static message naming the bad parameter
 * and its range. Any thread. */
const char *declick_params_check(const struct declick_params *p);

/* Control thread. NULL on channels outside 1..DSP_MAX_CHANNELS, rate_hz
 * outside 8000..192000, invalid params, or no memory. Caller frees with
 * declick_destroy. Memory at 48 kHz: 20 KB per channel, about 65 KB of
 * scratch shared by the channels, and a shared solver of 8 * (longest
 * span)^2 bytes (0.12 MB at the default 2.5 ms, 0.5 MB at 5 ms; 7.4 MB
 * at 5 ms and 192 kHz). */
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
