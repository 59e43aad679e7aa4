/*
 * deplosive.h - plosive pop removal: finds short low-frequency bursts (the
 * thump a "p" or "b" blows into a close microphone) that the voice itself
 * cannot explain, and turns down, during the burst only and only in the
 * bins the burst dominates, the band below freq_hz. Everything else passes
 * bit for bit.
 *
 * Model. A plosive burst is a pressure pulse: a strong, short (10-100 ms)
 * event whose energy lies below about 100-150 Hz. Voiced speech has low
 * end of its own (the fundamental, 85-250 Hz, and its leakage), but that
 * low end rises and falls with the voice band above it and lasts as long
 * as the voiced sound does. So the kernel compares, in each low-frequency
 * bin, the bin's power with what the voice band would explain there.
 *
 * Analysis: short-time Fourier frames of n samples (the power of two
 * nearest 40 ms: 2048 at 48 kHz, 23.4 Hz bins), sine window, hop n/4,
 * counted on the stream since reset; powers summed over all channels
 * (linked detection: one set of gains for every channel, so a stereo or
 * multichannel voice keeps its image). Per frame:
 *   V      the voice band power, bins from freq_hz to 4 * freq_hz;
 *   P_b    the power of each low bin b (below freq_hz);
 *   r_b    the voice-band ratio of the bin, 10 log10(L_b / V), where L_b is
 *          P_b or the leakage of a neighbour, whichever is larger (the sine
 *          window leaks a sinusoid -9.5 dB one bin and -23.5 dB two bins
 *          away, so a fundamental next door explains its own leakage).
 * The expected level of bin b in frame t is the larger of
 *   - r_b as it stood in the frames around t: the third-lowest r_b over the
 *     frames within +-85 ms (SPAN_MS) of t, applied to V(t). A burst lasts
 *     at most about 100 ms; with the 43 ms frame it touches up to ~140 ms
 *     of frames, so +-85 ms always reaches frames clear of it, and the
 *     third-lowest (a ratio held for 3 frames, 32 ms) keeps a voice whose
 *     fundamental wanders off the bin for a frame or two from setting the
 *     expectation. Voiced onsets and offsets move L_b and V together, so
 *     they keep their ratio and are explained; a burst raises the ratio
 *     far above where it stood just before or just after.
 *   - the bin's recent absolute level (steady low end: room rumble, hum, a
 *     held bass note), a tracker rising at most 30 dB/s (a 100 ms burst
 *     lifts it by 3 dB at most; steady sound is learnt within a second or
 *     two) and falling at most 60 dB/s.
 * A bin that exceeds its expected level by more than threshold_db is
 * turned down by twice the excess (a downward expander), and at most to
 * the Wiener gain expected/level (what would be left if the excess were all
 * burst), and never more than reduction_db. Bins more than 30 dB below the
 * frame's voice band power (inaudible under the voice) are left alone.
 * The gains act on the bins below freq_hz only: the kernel synthesises the
 * removed part, (1 - gain) times those bins, with the same window (75 %
 * overlap-add: each output sample is a crossfade of four frames' gains,
 * so a gain never steps and nothing clicks) and subtracts it from the
 * delayed input. With no bin turned down there is nothing to subtract: the
 * output is the input delayed, bit for bit.
 *
 * What it does not tell apart. The voice's own fundamental where it lies
 * below freq_hz and a burst at the same frequency: the bin is turned down
 * only by what exceeds the voice's level there (a burst under a loud
 * fundamental is only partly removed). A kick drum or any short LF hit with
 * little 120-480 Hz energy is a burst to this model and is turned down;
 * LF that lasts (bass notes, rumble) is learnt and left alone. Synthetic
 * voices with low-frequency clicks at their consonants have those reduced
 * too. freq_hz default 120: plosive energy lies mostly below 100 Hz, and
 * the fundamental of most voices above it.
 *
 * Latency: n - 1 + span * hop frames, span = the hops in 85 ms (6143 at
 * 48 kHz, 128 ms; 5631 at 44.1 kHz): the frame itself plus 85 ms of
 * lookahead, so a burst is judged against what follows it as well as what
 * precedes it. The first latency output frames after reset are zeros.
 *
 * Split invariance: frames fall on fixed stream positions counted since
 * reset, so the output does not depend on how the stream is cut into
 * calls (any frames >= 0, 1 included). The work per hop is a burst: one
 * forward FFT per channel, and an inverse one per channel only in frames
 * where something is turned down.
 *
 * Robustness: input samples that are NaN, infinite or above 1e6 in
 * magnitude are taken as 0 (the output there is what silence gives, minus
 * any removal, always finite); analysis reads samples below 1e-25 as 0.
 * There is no recursive audio state (the trackers are in dB, bounded), so
 * silence in gives exact zeros out and no subnormals arise.
 *
 * Threads and ownership: deplosive_create/deplosive_destroy on the control
 * thread (they allocate and plan FFTW, which is not thread-safe);
 * deplosive_set_params, deplosive_process, deplosive_reset,
 * deplosive_latency and deplosive_gain_db are RT-safe (no allocation,
 * locks, I/O or system calls; FFTW execute on preallocated buffers) and
 * must be called from one thread at a time.
 * Memory: two rings of the next power of two above the latency per channel
 * (64 KB per channel at 48 kHz) plus about 10 KB per channel of spectra
 * history and 20 KB shared.
 */
#ifndef DUBSTAGE_DSP_DEPLOSIVE_H
#define DUBSTAGE_DSP_DEPLOSIVE_H

/* User settings. deplosive_params_default gives a general dialogue setting. */
struct deplosive_params {
	double freq_hz;      /* top of the plosive band: bins below it may be turned
	                      * down, the voice band is [freq_hz, 4 freq_hz];
	                      * [60, 300]; default 120 */
	double threshold_db; /* how far a bin must rise above its expected level
	                      * before it is turned down, [3, 30] dB; default 6 */
	double reduction_db; /* most reduction of a bin, [0, 40] dB (0: bypass,
	                      * bit-exact); default 30 */
};

struct deplosive;

/* Fills p with the defaults listed in struct deplosive_params. */
void deplosive_params_default(struct deplosive_params *p);

/* NULL when p is valid, else a static message naming the bad field and its
 * range. Any thread (no state). */
const char *deplosive_params_check(const struct deplosive_params *p);

/*
 * A de-plosive for channels (1..DSP_MAX_CHANNELS) at rate_hz
 * (8000..192000) with settings p (borrowed). NULL on bad arguments or no
 * memory. Control thread. Free with deplosive_destroy.
 */
struct deplosive *deplosive_create(int channels, int rate_hz, const struct deplosive_params *p);

/* Frees k. NULL is a no-op. Control thread. */
void deplosive_destroy(struct deplosive *k);

/*
 * Switches to p (borrowed; an invalid p is ignored) from the next analysis
 * frame on. Gains change per frame and reach the output through the
 * overlap-add crossfade, so nothing steps. A new freq_hz moves the voice
 * band, whose ratios in the history were measured against the old one: the
 * expectation settles within 2 * 85 ms. RT-safe.
 */
void deplosive_set_params(struct deplosive *k, const struct deplosive_params *p);

/*
 * Processes frames (>= 0) frames in place: buf[0..channels-1] (borrowed,
 * distinct, non-overlapping), the channel count given to deplosive_create.
 * Output frame t is input frame t - deplosive_latency(). RT-safe.
 */
void deplosive_process(struct deplosive *k, float *const *buf, int frames);

/* Clears all history (the output restarts with latency frames of zeros).
 * RT-safe. */
void deplosive_reset(struct deplosive *k);

/* Frames of delay: output frame t is input frame t - latency. RT-safe. */
int deplosive_latency(const struct deplosive *k);

/* The deepest bin gain of the last analysed frame, dB (<= 0). For a
 * gain-reduction meter and tests. RT-safe. */
float deplosive_gain_db(const struct deplosive *k);

#endif
