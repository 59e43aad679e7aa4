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
 * nearest 40 ms: 2048 at 48 kHz, 23.4 Hz bins, enough to tell a burst at
 * 30-60 Hz from a fundamental at 100 Hz), sine window, hop n/4, counted on
 * the stream since reset; powers summed over all channels (linked
 * detection: one set of gains for every channel, so a stereo or
 * multichannel voice keeps its image). Per frame:
 *   V      the voice band power, bins from freq_hz to 4 * freq_hz (the
 *          voice's low harmonics and first formant), read as at least
 *          -140 dB (far under any recorded noise floor) so that digital
 *          silence has a definite, very low ratio;
 *   P_b    the power of each low bin b (centre below freq_hz);
 *   r_b    the bin's ratio to the voice band, P_b / V.
 * The expected level of bin b in frame t is V(t) times the voice ratio,
 * the largest of
 *   - r_b as it stood in the frames around t: the third-lowest r_b over the
 *     frames within +-85 ms of t whose voice band was no more than 40 dB
 *     quieter than t's. A burst lasts at most about 100 ms; with the 43 ms
 *     frame it touches up to ~140 ms of frames, so +-85 ms always reaches
 *     frames clear of it, and the third-lowest (a ratio held for 32 ms)
 *     keeps a brief dip of the voice from setting the expectation. Voiced
 *     onsets and offsets move P_b and V together and keep their ratio; a
 *     burst raises the ratio far above where it stood just before or just
 *     after. Frames with a much quieter voice band (silence or room tone
 *     before a voice, the voice being 40 dB above it) are no reference:
 *     their ratio is the room's, not the voice's;
 *   - the same for the neighbouring bins, less 6 dB (a fundamental that
 *     glides moves into the next bin within the window);
 * capped at 0 dB (no voice puts more into one low bin than into its whole
 * voice band). Where fewer than three reference frames below that cap are
 * in reach (a sound rising out of silence much quieter than itself), the
 * cap is the expectation, and it is only a ceiling, not an estimate of a
 * voice under the burst. The expectation is raised to the bin's recent
 * absolute level where that is higher (steady low end: room rumble, hum,
 * a held bass note): a tracker rising at most 30 dB/s (a 100 ms burst
 * lifts it by 3 dB at most; steady sound is learnt within a second or two)
 * and falling at most 60 dB/s.
 *
 * Reduction: a bin more than threshold_db above its expectation is turned
 * down by twice the excess (a downward expander), but not below its
 * expected level (what the voice is taken to hold there); where the
 * expectation is only the ceiling, by four times the excess, without that
 * bound; never by more than reduction_db. Bins more than 30 dB below the
 * frame's voice band power are left alone (inaudible under the voice).
 * The gains act on the bins below freq_hz only: the kernel synthesises the
 * removed part, (1 - gain) times those bins, with the same window (75 %
 * overlap-add: each output sample is a crossfade of four frames' gains,
 * so a gain never steps and nothing clicks) and subtracts it from the
 * delayed input. With no bin turned down there is nothing to subtract: the
 * output is the input delayed, bit for bit.
 *
 * What it does not tell apart. A voice's fundamental below freq_hz and a
 * burst at the same frequency: that bin is turned down only by what
 * exceeds the voice's level there, so a burst under a loud fundamental is
 * only partly removed, and so is its skirt in the bins next to the
 * fundamental; the skirt above freq_hz stays (about 1 % of the energy of a
 * 40 ms burst at 50 Hz lies above 120 Hz). A voice
 * whose fundamental jumps into a bin faster than the window shows it there
 * loses a little of it. A kick drum or any short LF hit with little energy
 * in the voice band is a burst to this model and is turned down; LF that
 * lasts (bass notes, rumble) is learnt and left alone. Low-frequency
 * transients a voice makes itself (a synthetic voice's consonant steps,
 * breath against the microphone) are plosive-like and are reduced too.
 * freq_hz default 120: plosive energy lies mostly below 100 Hz, and the
 * fundamental of most voices above it; 150 catches bursts up to 120 Hz at
 * the cost of the lowest male fundamentals.
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
 * Memory: per channel two rings of the power of two above the latency
 * (64 KB at 48 kHz, 256 KB at 192 kHz) and 3 KB of spectra history; shared
 * FFT buffers of about 12 n bytes (25 KB at 48 kHz).
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
