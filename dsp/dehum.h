/*
 * dehum.h - mains hum and buzz removal: finds the mains fundamental
 * (50 or 60 Hz, or a given value), follows its drift, and subtracts an
 * estimate of the fundamental and each harmonic, leaving everything
 * between the harmonics untouched.
 *
 * Model: adaptive harmonic cancellation, not a notch chain. Hum is a
 * sum of sinusoids at exact multiples h*f0 of one drifting fundamental;
 * each has an amplitude and phase that change slowly (seconds). For every
 * harmonic the kernel keeps a reference phasor z_h = exp(j*h*phi), where
 * phi is the phase of a tracked fundamental, demodulates the input by it
 * (x * conj(z_h): the hum harmonic becomes a near-constant complex
 * amplitude, everything else a rotating one), low-passes that with time
 * constant settle_ms to estimate the harmonic's complex amplitude c_h, and
 * subtracts Re(c_h * z_h). Seen from the input, each harmonic is a
 * first-order notch of -3 dB width 1/(pi*settle_ms) (0.8 Hz at the
 * default 400 ms), centred on the tracked harmonic, infinitely deep for a
 * steady tone: a voice partial even 5 Hz away from a mains multiple keeps
 * its level within 0.1 dB, where a notch chain deep enough to matter
 * removes whole bands. The estimate is open-loop (from the input, not the
 * output), so the canceller cannot ring or diverge.
 *
 * Drift. Mains frequency wanders (+-0.03 Hz is typical, and harmonic h
 * wanders h times as far: +-0.4 Hz at the 13th), which would rotate the
 * demodulated amplitudes and defeat a narrow estimate. A phase-locked loop
 * (proportional + integral, 1 Hz natural frequency, damping 0.7) keeps phi
 * on the hum: a second, fast estimate of each harmonic (20 ms) is compared
 * with the narrow one; Im(fast * conj(narrow)), summed over harmonics and
 * channels and divided by sum h*|narrow|^2, is the fundamental's phase
 * error. (Comparing an estimate with itself a block later is biased by
 * every non-hum component; this product is much less.) Only harmonics 1..4
 * feed the loop, and the fundamental is held within 0.4% of the nominal
 * mains frequency (+-0.2 Hz at 50 Hz), so a voice partial can pull it at
 * most that far. Known limit: a steady tone (a held sung note) within a
 * few Hz of one of those four harmonics and as loud as the hum biases the
 * loop towards that edge, and the hum at the higher harmonics is then
 * removed far less; gliding speech does not.
 *
 * Speech. The estimate is closed-loop (it is moved by what the residual
 * still holds at each harmonic) and robust: each harmonic keeps a running
 * scale of its residual, rising slowly (4 s) and falling fast (0.1 s); a
 * residual beyond that scale (a voice partial sweeping through the
 * harmonic) moves the estimate only as far as a typical one would
 * (Huber clipping). Without this, each partial crossing a harmonic leaves
 * the narrow estimate ringing at that harmonic for settle_ms: measured on
 * the benchmark voices, the difference between about 18 and over 30 dB of
 * hum removed. The cost: hum that appears or jumps mid-stream, far above
 * the learnt scale, is caught at the pace of that scale's rise (a few
 * seconds) rather than settle_ms; at the start of a stream the scale is
 * taken from the first block, so an initial hum converges in settle_ms.
 * In digital silence after hum, the estimate fades the same slow way.
 *
 * Automatic mains (mains_hz = 0). Two banks run side by side, one locked
 * near 50 Hz and one near 60 Hz; the bank whose harmonics hold more
 * coherent power (sum of |c_h|^2 over harmonics and channels) is the one
 * whose estimate is subtracted, switching only when the other holds twice
 * as much (3 dB hysteresis), with a 40 ms crossfade. Both banks estimate
 * all the time (a little over twice the cost of a fixed mains_hz).
 *
 * Rates. Demodulated products are summed over blocks of DSP_GUARD_FRAMES
 * frames of the stream; estimates, the loop and the phasors are updated
 * at block ends (counted since reset, so the output does not depend on how
 * the stream is cut into calls). The block sum is a boxcar whose nulls sit
 * at the block rate's multiples, exactly where other components would
 * alias onto an estimate. The subtracted amplitudes move linearly across
 * each block towards their new value (no steps), and every gain change
 * (amount, a harmonic switched on or off, a bank crossfade, a new mains
 * frequency) glides over 40 ms.
 *
 * Latency 0: the estimate subtracted at a frame comes from earlier frames,
 * so this works as a live insert at any block size. After reset (or
 * create) the hum is fully removed after a few settle_ms; harmonics are
 * estimated independently per channel, the fundamental (and, in auto, the
 * 50/60 choice) is one for all channels (one mains supply).
 *
 * Input samples that are NaN, infinite or above 1e6 in magnitude are
 * treated as 0; the state is guarded as dsp.h describes.
 *
 * Threads and ownership: dehum_create/dehum_destroy on the control thread
 * (they allocate); dehum_set_params, dehum_process, dehum_reset and
 * dehum_latency are RT-safe (no allocation, no locks; libm only at block
 * ends: cos/sin per bank and a sqrtf per clipped residual, every 32
 * frames), called from one thread at a time.
 */
#ifndef DUBSTAGE_DSP_DEHUM_H
#define DUBSTAGE_DSP_DEHUM_H

#define DEHUM_MAX_HARMONICS 64

struct dehum_params {
	double mains_hz;  /* 0 = automatic 50/60 Hz, else 40..70; default 0 */
	int harmonics;    /* fundamental + overtones cancelled, 1..DEHUM_MAX_HARMONICS;
	                     those above 0.45 * rate are skipped; default 20 */
	double amount;    /* 0..1, fraction of the estimated hum subtracted; default 1 */
	double settle_ms; /* 50..5000, estimate time constant (notch width
	                     1/(pi*settle_ms)); default 400 */
};

/* Fills *p with the defaults above. */
void dehum_params_default(struct dehum_params *p);

/* NULL when *p is valid, else a static message naming the bad parameter
 * and its range. Any thread. */
const char *dehum_params_check(const struct dehum_params *p);

/* Control thread. Allocates all the state the kernel will need. NULL on
 * channels outside 1..DSP_MAX_CHANNELS, rate_hz outside 8000..192000,
 * invalid params, or no memory. Caller frees with dehum_destroy. */
struct dehum *dehum_create(int channels, int rate_hz, const struct dehum_params *p);

/* Control thread. NULL-safe. */
void dehum_destroy(struct dehum *k);

/* RT-safe. Takes *p (copied; invalid params are ignored). amount and the
 * set of harmonics glide over 40 ms; a new mains_hz (or a change to or
 * from automatic) fades the old bank out and the new one in. */
void dehum_set_params(struct dehum *k, const struct dehum_params *p);

/* RT-safe. In place on buf[0..channels-1][0..frames), frames >= 0. */
void dehum_process(struct dehum *k, float *const *buf, int frames);

/* RT-safe. Clears all estimates and history (as just created). */
void dehum_reset(struct dehum *k);

/* Always 0 frames. */
int dehum_latency(const struct dehum *k);

/* The fundamental the kernel currently follows, in Hz (the selected bank
 * in automatic mode). For meters and tests; RT-safe. */
double dehum_tracked_hz(const struct dehum *k);

#endif
