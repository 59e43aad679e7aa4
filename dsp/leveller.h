/*
 * leveller.h - the dialogue leveller: rides each dialogue phrase towards a
 * target loudness, within limits on gain and on its rate of change, and
 * holds the gain through the gaps so the room tone does not pump.
 *
 * Model. The input is measured in 10 ms blocks (LEVELLER_BLOCK_MS, counted
 * on the stream since create/reset) and delayed by the lookahead; the gain
 * applied to a block is decided from everything measured up to the
 * lookahead beyond it.
 *
 *   loudness  BS.1770 K-weighting (shelf + high-pass, dsp/loudness.h's
 *             design) on every channel, mean squares summed over channels
 *             (weight 1 each: the surround weights of BS.1770 are not
 *             applied), -0.691 dB: the LUFS of one block.
 *   activity  a block is dialogue when its 30 ms level (it and the two
 *             before) is gate_db above the tracked noise floor and above
 *             -70 LUFS (BS.1770's absolute gate). The floor follows the
 *             30 ms level down at once and rises at most
 *             LEVELLER_FLOOR_RISE_DB_PER_S, so it sits on the room tone
 *             between syllables and words, whatever the room's level.
 *   phrases   a phrase starts at a dialogue block and ends after gap_ms
 *             without one. Its loudness is the energy mean of its dialogue
 *             blocks (less those 20 dB under the running mean, as BS.1770's
 *             relative gate does), with an exponential forgetting of
 *             LEVELLER_MEMORY_S of dialogue, so a long phrase whose level
 *             drifts is followed. A phrase's loudness is "known" once
 *             LEVELLER_MIN_SPEECH_MS of its dialogue has been measured and
 *             its 10 ms levels have swung by LEVELLER_MIN_MOD_DB (its first
 *             block aside): speech is modulated by its syllables, while a
 *             step up in steady room tone (an air conditioner starting) is
 *             not, and such a step must not be taken for a phrase and
 *             boosted (the floor catches up with it at
 *             LEVELLER_FLOOR_RISE_DB_PER_S meanwhile).
 *   target    for a block inside a phrase: target_lufs minus that phrase's
 *             loudness, as known now (through the lookahead: the phrase's
 *             first lookahead_ms already measured when its first block is
 *             played), limited to [-max_cut_db, +max_boost_db]. For a
 *             block in a gap: the next phrase's gain if the lookahead
 *             already knows it, so the gain moves during the gap and is
 *             right when the phrase starts; otherwise the gain holds. A
 *             phrase too short to be known (a cough, a click) holds too.
 *             Pure room tone is never a phrase: the gain stays where it is
 *             (0 dB from create/reset): the room is not boosted.
 *   gain      moves towards the target by at most slew_db_per_s, updated
 *             per block and interpolated linearly (in linear gain) over the
 *             block's frames: no steps, no zipper. One gain for all
 *             channels (linked: no image shift).
 *
 * Lookahead and what it costs. The latency is lookahead_ms rounded up to
 * whole blocks (leveller_latency, constant per instance). The longer it
 * is, the more of a phrase is measured before its first frame is played
 * and the longer the gap before it in which the gain can move: 500 ms (the
 * default) measures the first half second of a phrase, which puts its
 * gain within about 1 dB of the whole phrase's on ordinary dialogue. As an
 * engine insert it costs that much delay (compensated by the engine) and
 * lookahead * rate * channels floats of memory (0.5 s: 96 KB per channel at
 * 48 kHz). At 10 ms (the least) the leveller still works, but reacts to a
 * phrase only after it has started, at slew_db_per_s.
 *
 * Split invariance (see dsp/dsp.h): blocks are counted on the stream, the
 * block sums are accumulated frame by frame in stream order, and every
 * decision is taken at a block end; the K-weighting's guards are counted
 * on the stream. The output does not depend on how the stream is cut into
 * calls. Non-finite samples and samples beyond +-1e6 (+120 dBFS) are taken
 * as 0 before they reach the delay line or the meter: the output at such a
 * frame is 0 and never NaN or infinite, and the state stays clean.
 *
 * Threads and ownership: leveller_create and leveller_destroy on the
 * control thread (they allocate and free); leveller_set_params,
 * leveller_process, leveller_reset, leveller_latency and leveller_gain_db
 * are RT-safe (no allocation, locks, I/O; libm only per 10 ms block) and
 * must be called from one thread at a time.
 */
#ifndef DUBSTAGE_DSP_LEVELLER_H
#define DUBSTAGE_DSP_LEVELLER_H

#define LEVELLER_BLOCK_MS 10.0             /* analysis and gain-update block */
#define LEVELLER_FLOOR_RISE_DB_PER_S 5.0   /* fastest rise of the noise floor */
#define LEVELLER_MEMORY_S 3.0              /* forgetting time of a phrase's loudness */
#define LEVELLER_MIN_SPEECH_MS 150.0       /* dialogue measured before a phrase counts */
#define LEVELLER_MIN_MOD_DB 6.0            /* block-level swing a phrase must show */

/* User settings. leveller_params_default gives a general dialogue setting. */
struct leveller_params {
	double target_lufs;   /* phrase loudness aimed at, [-50, -5] LUFS; default -23
	                       * (EBU R128's programme level: dialogue-anchored mixes
	                       * sit their dialogue about there) */
	double max_boost_db;  /* most gain, [0, 40] dB; default 12 */
	double max_cut_db;    /* most attenuation, [0, 40] dB; default 12 */
	double slew_db_per_s; /* fastest gain change, [1, 200] dB/s; default 40 */
	double lookahead_ms;  /* [10, 2000] ms, rounded up to whole blocks; default 500;
	                       * fixed at create (leveller_set_params ignores it) */
	double gate_db;       /* a block is dialogue this far above the noise floor,
	                       * [3, 40] dB; default 10 */
	double gap_ms;        /* silence that ends a phrase, [50, 2000] ms; default 200 */
};

struct leveller;

/* Fills p with the defaults listed in struct leveller_params. */
void leveller_params_default(struct leveller_params *p);

/* NULL when p is valid, else a static message naming the bad field and its
 * range. Control thread (no state). */
const char *leveller_params_check(const struct leveller_params *p);

/*
 * A leveller for channels (1..DSP_MAX_CHANNELS) at rate_hz (8000..192000)
 * with settings p (borrowed). NULL on bad arguments or no memory. Control
 * thread. Free with leveller_destroy.
 */
struct leveller *leveller_create(int channels, int rate_hz, const struct leveller_params *p);

/* Frees l. NULL is a no-op. Control thread. */
void leveller_destroy(struct leveller *l);

/*
 * Switches to p (borrowed; an invalid p is ignored; lookahead_ms is not
 * changed). Target, limits and slew act through the gain's slew, so the
 * gain glides to its new value; gate_db and gap_ms apply from the next
 * block. RT-safe (a few libm calls, not per frame).
 */
void leveller_set_params(struct leveller *l, const struct leveller_params *p);

/*
 * Processes frames (>= 0) frames in place: buf[0..channels-1] (borrowed,
 * distinct, non-overlapping), the channel count given to leveller_create.
 * Output frame t is input frame t - leveller_latency() (zeros before the
 * first latency frames). RT-safe.
 */
void leveller_process(struct leveller *l, float *const *buf, int frames);

/* Clears the delay line, meter, phrases and floor; gain back to 0 dB.
 * RT-safe. */
void leveller_reset(struct leveller *l);

/* The delay in frames: output frame t = input frame t - latency. RT-safe. */
int leveller_latency(const struct leveller *l);

/* The gain (dB) reached at the end of the block being played. For a meter
 * and tests. RT-safe. */
float leveller_gain_db(const struct leveller *l);

#endif
