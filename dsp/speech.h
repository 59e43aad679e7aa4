/*
 * speech.h - a speech-activity detector for dialogue-gated ("speech-gated")
 * loudness: for each 100 ms step of a programme, is dialogue present?
 *
 * It works on one mono signal that the caller forms from the mix. Best:
 * the centre channel of a 5.1/7.1 mix (dialogue lives there, with the
 * least music and effects under it). Stereo: L+R (a phantom-centre line
 * adds in phase, +6 dB, while a wide music bed adds by power, +3 dB, so
 * the sum gains up to 3 dB of speech-to-bed ratio over either side; never
 * L-R, which cancels the dialogue). Mono: the channel. Rates 8 kHz to
 * 384 kHz (tested at 44.1, 48 and 96 kHz, latency at 8-192 kHz). No model
 * files: four measured features with hand-set thresholds (speech.c).
 *
 * What it finds: voiced speech with moving pitch in a level that rises and
 * falls at the syllable rate, over music, drums, room tone and tones, from
 * about 5 dB above the bed (on the test mixes, 95-98 % of steps right at
 * +20..+5 dB, 84-97 % at 0 dB; tests/dsp/test_speech.c). Singing is
 * voiced, glides and has syllables too: expect it to count as speech. It
 * misses whispered speech (no pitch) and a monotone robot voice.
 *
 * Steps and alignment. Step n covers input frames
 *     [speech_step_first_frame(n), speech_step_first_frame(n + 1))
 * with speech_step_first_frame(n) = floor(n * sample_rate_hz / 10), counted
 * from the first frame after create/reset: exactly rate/10 frames per step
 * at every rate that is a multiple of 10 Hz, so step n is the n-th 100 ms
 * step of a BS.1770 meter fed the same stream. Decisions come out in step
 * order, one per step, through speech_pop(). The decision for step n is
 * ready once the input has reached the end of step n + latency_steps
 * (speech_get_latency_steps(): 8 steps, 0.8 s, at every rate): the
 * detector looks at 0.5 s on each side of a step and bridges pauses of up
 * to 0.3 s. Step n is hop n of dsp/loudness.h (same frames): feed each
 * popped decision to loudness_set_speech_hop(m, step, active) with the
 * meter's speech_delay_hops at least speech_get_latency_steps() (plus the
 * hops of one call, when the meter has committed a call's audio before
 * the detector has seen it), and the gating is exact. At the end of the
 * programme speech_finish() releases the last steps (the partial last
 * step included).
 *
 * Results depend only on the stream since create/reset, never on how it
 * is cut into speech_process() calls.
 *
 * NaN, infinite or absurd (|x| > 1e4) samples are read as 0. Steps quieter
 * than about -65 dBFS in the speech band are never speech.
 *
 * Threads and ownership: speech_create and speech_destroy on the control
 * thread (they allocate and plan FFTW transforms; FFTW's planner is not
 * thread-safe, so callers that create detectors on several threads must
 * serialise the creates). speech_process, speech_finish, speech_pop,
 * speech_reset and the getters are RT-safe (no allocation, no locks, no
 * system calls) and belong to one thread at a time per detector; distinct
 * detectors may run on distinct threads at once.
 */
#ifndef DUBSTAGE_DSP_SPEECH_H
#define DUBSTAGE_DSP_SPEECH_H

#include <stdbool.h>
#include <stdint.h>

#include "dsp/dsp.h"

/* Allocation failed in speech_create (equals ERR_NOMEM in src/base/error.h). */
#define SPEECH_ERR_NOMEM (-1)

/* Decisions kept for the caller to pop; when the caller falls behind by
 * more than this, the oldest are dropped and counted. 4096 steps = 409.6 s,
 * so one speech_process call of up to 400 s of input loses nothing. */
#define SPEECH_RING_STEPS 4096

struct speech;

/* One 100 ms step's decision. */
struct speech_step {
	int64_t step;     /* step index n since create/reset */
	bool active;      /* dialogue present in this step */
	float score;      /* the weakest evidence, 0..1; the step is speech by
	                   * itself from 0.5, and active also when it lies in a
	                   * pause of at most 3 steps between speech steps */
};

/*
 * Makes a detector for a stream at sample_rate_hz (8000 .. 384000) into
 * *out (caller destroys). Returns 0, DSP_ERR_INVALID for a bad rate, or
 * SPEECH_ERR_NOMEM (then *out is NULL). Control thread.
 */
int speech_create(struct speech **out, double sample_rate_hz);

/* Frees s (NULL is a no-op). Control thread. */
void speech_destroy(struct speech *s);

/*
 * Analyses frames (>= 0) frames of x (borrowed). Decisions that become
 * ready wait in the ring for speech_pop. Does nothing after speech_finish
 * (until speech_reset). RT-safe.
 */
void speech_process(struct speech *s, const float *restrict x, int frames);

/*
 * Ends the stream: every step that holds input (up to and including a
 * partial last step) gets its decision, as if the programme continued in
 * digital silence. Call once, then pop the rest. RT-safe.
 */
void speech_finish(struct speech *s);

/*
 * Takes the next decision in step order into *out. Returns 1 when there
 * was one, 0 when the next step is not decided yet. RT-safe.
 */
int speech_pop(struct speech *s, struct speech_step *out);

/* Back to the state after create (stream restarts at step 0). RT-safe. */
void speech_reset(struct speech *s);

/* Steps of look-ahead: step n is decided once input through step
 * n + latency has been processed. RT-safe. */
int speech_get_latency_steps(const struct speech *s);

/* The first input frame of step n (n >= 0) at this detector's rate. RT-safe. */
int64_t speech_step_first_frame(const struct speech *s, int64_t n);

/* Decisions dropped because the ring was full. RT-safe. */
int64_t speech_get_dropped(const struct speech *s);

#endif
