/*
 * deess.h - the de-esser: a split-band dynamic processor that turns down
 * the band above a split frequency while, and only while, it carries
 * sibilance.
 *
 * Detection: relative, so one setting serves any voice level. Per frame,
 * the sidechain measures two powers, summed over all channels (linked
 * detection, one gain for every channel: a stereo or multichannel voice
 * keeps its image):
 *   hf   the power above the split (4th-order Butterworth high-pass at
 *        freq_hz),
 *   all  the full-band power,
 * each through a one-pole mean-square average (DEESS_DETECT_MS, 10 ms:
 * longer than a pitch period down to 100 Hz, so a voice's power does not
 * flicker between glottal pulses; with the fast attack on the gain, a
 * shorter average turns those flickers into extra reduction). The
 * sibilance measure is the ratio of the high band to the rest,
 *        rel_db = 10 log10(hf / (all - hf)),
 * which on a typical voice is far below 0 dB on vowels and most
 * consonants (their power is in the low band) and near or above 0 dB on
 * "s", "sh", "ch", the more so when a harsh microphone or EQ has
 * exaggerated them. It does not move with the voice's level, so a loud
 * vowel is never ducked (what a plain high-band compressor does) and a
 * quiet "s" is caught as well as a loud one. Above threshold_db the band
 * is turned down by
 *        reduction_db = min(range_db, (rel_db - threshold_db) (1 - 1/ratio)),
 * i.e. rel_db is held ratio:1 towards the threshold (ratio 1000: held at
 * it). What the detector cannot tell from sibilance: a steady tone or a
 * broadband click above the split whose power rivals the voice's is
 * turned down like an "s" (a steady 8 kHz tone 3 dB under the voice's
 * power, by about 3.7 dB with the defaults); tones below the split, and
 * quieter ones above it, are untouched.
 * Below floor_db full-band (dBFS, a sine's mean square reading -3 dB) the
 * de-esser rests (gain 0 dB): room hiss in the gaps is high-band heavy, and
 * ducking it would make the noise pump with the speech.
 *
 * Reduction: a dynamic high shelf. The audio runs through a 4th-order
 * minimum-phase shelf made of two state-variable sections (Butterworth
 * q 0.5412 and 1.3066 at freq_hz); with G the linear band gain, section i
 * is B_i(s/w')/B_i(s), w' = G^(-1/4): unity at DC, G far above freq_hz,
 * its magnitude (1 + (f/f')^8)/(1 + (f/freq)^8) in power, monotonic, with
 * no bump below the split (a "x + (G-1) * highpass(x)" band split has one,
 * and a Linkwitz-Riley pair puts an all-pass phase shift on the whole voice
 * even when nothing is being reduced). At G = 1 the mix is exactly x: the
 * de-esser is bit-exact bypass when idle. Only the sections' output mix
 * moves with G, never their poles or state, so any gain trajectory is
 * click-free and stable. Below the split the band is left alone as far as
 * a 4th-order slope allows: at 10 dB of reduction the loss is -1.0 dB at
 * 0.86 freq_hz, -0.3 at 0.72, -0.02 at 0.5 (so, with the default 5000 Hz,
 * at most -1 dB at 4.3 kHz, the top of STOI's bands, and only while an "s"
 * is being reduced). Through the transition the
 * shelf reaches its full depth at about freq_hz * G^(-1/4) (1.33 freq_hz at
 * -10 dB).
 *
 * Gain smoothing: a one-pole on the gain in dB, attack_ms while the gain
 * falls and release_ms while it recovers (time constants: 63% of a step).
 *
 * Latency: 0 frames (no lookahead: fricatives rise over 10-30 ms, which
 * the 10 ms detector and the 1 ms default attack follow, reaching most
 * of the reduction a few ms into the "s"). A step onset from silence is
 * broadband, so it is briefly taken for sibilance too.
 *
 * Split invariance and robustness (see dsp/dsp.h): everything runs per
 * frame; the state guards fall every DSP_GUARD_FRAMES frames of the
 * stream. Non-finite input samples and samples beyond +-1e6 (+120 dBFS)
 * are processed as 0, so they never reach the state: the output at such a
 * frame is what silence would give, and never NaN or infinite.
 *
 * Threads and ownership: deess_create and deess_destroy on the control
 * thread (they allocate and free); deess_set_params, deess_process,
 * deess_reset and deess_latency are RT-safe (no allocation, locks, I/O or
 * libm per frame) and must be called from one thread at a time.
 * Cost: per channel and frame, four state-variable sections, plus per
 * frame a log2 and an exp2 polynomial. Memory: under 20 KB per instance.
 */
#ifndef DUBSTAGE_DSP_DEESS_H
#define DUBSTAGE_DSP_DEESS_H

#define DEESS_DETECT_MS 10.0 /* the sidechain's mean-square time constant */

/* User settings. deess_params_default gives a general dialogue setting. */
struct deess_params {
	double freq_hz;      /* split: the shelf and the detector's high band start here,
	                      * [2000, 16000], pulled down to 0.4 * rate; default 5000 */
	double threshold_db; /* high band relative to the rest (rel_db above) where reduction
	                      * starts, [-30, +20] dB; default -8 */
	double ratio;        /* above threshold, rel_db is held ratio:1, [1, 1000]; default 4 */
	double range_db;     /* most reduction of the high band, [0, 40] dB; default 12 */
	double attack_ms;    /* gain falling, one-pole time constant, [0, 100]; default 1 */
	double release_ms;   /* gain recovering, [1, 1000]; default 60 */
	double floor_db;     /* full-band mean square below which the de-esser rests, dBFS,
	                      * [-120, 0]; default -60 */
};

struct deess;

/* Fills p with the defaults listed in struct deess_params. */
void deess_params_default(struct deess_params *p);

/* NULL when p is valid, else a static message naming the bad field and its
 * range. Control thread (no state). */
const char *deess_params_check(const struct deess_params *p);

/*
 * A de-esser for channels (1..DSP_MAX_CHANNELS) at rate_hz (8000..192000)
 * with settings p (borrowed). NULL on bad arguments or no memory. Control
 * thread. Free with deess_destroy.
 */
struct deess *deess_create(int channels, int rate_hz, const struct deess_params *p);

/* Frees k. NULL is a no-op. Control thread. */
void deess_destroy(struct deess *k);

/*
 * Switches to p (borrowed; an invalid p is ignored). Threshold, ratio,
 * range, times and floor act through the gain smoother, so nothing jumps; a
 * new freq_hz moves the filters' coefficients at once, which is continuous
 * for the state-variable sections (their states keep their meaning) and
 * inaudible in practice at the gains involved. RT-safe.
 */
void deess_set_params(struct deess *k, const struct deess_params *p);

/*
 * Processes frames (>= 0) frames in place: buf[0..channels-1] (borrowed,
 * distinct, non-overlapping), the channel count given to deess_create.
 * RT-safe.
 */
void deess_process(struct deess *k, float *const *buf, int frames);

/* Clears filters, detector and gain (0 dB). RT-safe. */
void deess_reset(struct deess *k);

/* Always 0: output frame t is input frame t. RT-safe. */
int deess_latency(const struct deess *k);

/* The band gain applied at the last processed frame, dB (<= 0). For a
 * gain-reduction meter and tests. RT-safe. */
float deess_gain_db(const struct deess *k);

#endif
