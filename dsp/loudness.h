/*
 * loudness.h - the BS.1770-5 / EBU R128 loudness meter: K-weighting,
 * momentary, short-term and integrated loudness, loudness range (EBU Tech
 * 3342), sample and true peak, and speech-gated loudness. No allocation
 * after loudness_create; process, commit, get and the resets are RT-safe.
 *
 * Model.
 *
 *   K-weighting   the two filters of BS.1770 (a high shelf near 1.7 kHz,
 *                 +4 dB, and the "RLB" high-pass near 38 Hz), designed for
 *                 the actual rate: each 48 kHz filter of the Recommendation
 *                 is mapped back through the bilinear transform to its
 *                 s-plane prototype (prewarped at the filter's own pole
 *                 frequency, 1681.97 and 38.135 Hz) and transformed again
 *                 at the rate (loudness_kweighting_design(); at 48 kHz it
 *                 returns the printed coefficients). Run in float, in a
 *                 form whose coefficients stay exact near z = 1 (see
 *                 loudness.c), 4 or 8 channels at once.
 *   weights       G_i per channel, BS.1770's position-dependent weights
 *                 (Annex 1, since BS.1770-4): 1.41 (+1.5 dB) for a
 *                 loudspeaker at ear height (elevation < 30 degrees) 60..120
 *                 degrees off centre, 0 for LFE, 1.0 for every other one
 *                 (front, centre, rear 135..150 degrees, all heights). So:
 *                 mono C; stereo L R; 5.1 L R C LFE Ls Rs = 1 1 1 0 1.41
 *                 1.41; 7.1 L R C LFE Lss Rss Lrs Rrs = 1 1 1 0 1.41 1.41
 *                 1 1; 7.1.2 = 7.1 + Ltm Rtm 1 1. Or any explicit array.
 *   steps         the stream is cut into 10 ms steps at absolute positions
 *                 (step k starts at frame floor(k * rate / 100): all
 *                 equal at rates that are multiples of 100 Hz, 220 or 221
 *                 frames at 22.05 kHz); each channel's sum of squares per
 *                 step is kept, weighted and summed over channels in
 *                 channel order. Windows divide by their exact frame count.
 *   momentary M   mean square over the last 40 steps (400 ms), short-term
 *                 S over the last 300 (3 s), both updated every step (so
 *                 max M and max S are taken every 10 ms: Tech 3341 cases
 *                 13 and 14). Before the first 400 ms / 3 s the missing
 *                 steps count as silence (the stream is preceded by
 *                 silence). L = -0.691 + 10 log10(mean square), LUFS.
 *   blocks        every 10 steps (100 ms hop) once 40 steps exist: the
 *                 400 ms gating block of BS.1770 (75 % overlap), whose
 *                 loudness is M at that step. Partial blocks at the end of
 *                 the stream are not blocks.
 *   integrated I  BS.1770: blocks above -70 LUFS (absolute gate), then
 *                 those above (the loudness of their mean energy - 10 LU)
 *                 (relative gate); I is the loudness of the mean energy
 *                 of what passes.
 *   LRA           Tech 3342: S every 100 ms (10 Hz) once 3 s exist,
 *                 absolute gate -70 LUFS, relative gate (mean - 20 LU),
 *                 both "above" as for I,
 *                 LRA = P95 - P10 of what passes, percentiles by nearest
 *                 rank: the value of rank round((n-1) * p) in ascending
 *                 order (0-based), as libebur128.
 *   histograms    no block list is kept (no allocation): blocks go into a
 *                 histogram of LOUDNESS_HIST_BINS bins of
 *                 LOUDNESS_HIST_BIN_LU (0.005 LU) from -70 LUFS (values
 *                 from +30 LUFS up share the top bin), each bin holding a
 *                 count and the exact sum of its blocks' energies. The
 *                 gates' means come from exact running totals, and I is
 *                 the exact mean energy of the bins above the relative
 *                 gate, so I equals the exact computation except for blocks
 *                 within one bin (0.005 LU) of the relative gate, whose bin
 *                 is included when its blocks' mean energy is above the
 *                 gate (the LRA's: when its centre is). LRA's percentiles are bin centres: within 0.0025
 *                 LU of the exact values (0.005 LU on the range).
 *   speech        hop n is frames [floor(n * rate / 10), floor((n + 1) *
 *                 rate / 10)), the 100 ms hop of the blocks (and the step
 *                 of dsp/speech.h). loudness_set_speech() marks the hops
 *                 that start from then on as speech or not (live);
 *                 loudness_set_speech_hop() marks one hop after the fact,
 *                 within cfg.speech_delay_hops. A 400 ms block (hops
 *                 n-3 .. n) is speech when at least 2 of its 4 hops are;
 *                 it is classified speech_delay_hops hops after it
 *                 completes (at once by default), and loudness_get
 *                 classifies the pending ones with the flags known then.
 *                 Speech blocks also go into a second histogram;
 *                 speech_gated_lufs is BS.1770 gating (absolute, then
 *                 relative to the speech blocks' own mean) over the speech
 *                 blocks alone, and speech_percent is 100 * (speech blocks
 *                 that pass the programme's gates, those that make I) /
 *                 (all blocks that pass them).
 *   peaks         sample peak: max |x| per channel. True peak per channel:
 *                 dsp/truepeak.h (Annex 2 4x by default, or the accurate
 *                 mode), reported as max(interpolated, sample peak); both
 *                 measure every channel including LFE.
 *   bad samples   NaN, +-inf and |x| > 1e6 (+120 dBFS, where float energy
 *                 sums would overflow) are counted in invalid_samples and
 *                 replaced by 0 for every measurement; they do not reach
 *                 the filters' state.
 *   denormals     filter states below -400 dBFS are flushed to 0 at every
 *                 step's end (dsp_state_guard), so silence after a signal
 *                 costs no subnormal arithmetic beyond a few frames.
 *
 * Split invariance (see dsp/dsp.h): everything is computed at absolute
 * positions of the stream, so any split into process calls, and any
 * number of parts (below), gives bit-identical results; set_speech and
 * the resets are events at the position where they are called.
 *
 * Threads and parts. A meter's work is divided into `parts` (1..4) when
 * it is created: the K-weighting groups (up to 8 weighted channels each)
 * and each channel's peak measurement go, by a rough cost estimate, to
 * the part with the least work (with AVX2 a 5.1 meter of 2 parts
 * K-weights in one and measures peaks in the other; without, each part
 * gets a group and half the peaks). Each part keeps its channels' state
 * and per-step energies in its own memory. One thread per part may run
 * loudness_process_part() on the same frames at the same time; when all
 * have returned, one thread calls loudness_commit(), which sums the
 * step energies in channel order and does the rest (M, S, gating,
 * histograms). loudness_process() is all parts plus commit on the
 * calling thread. Per-channel work is the same in any part and the sums
 * never depend on the parts, so results are identical with 1 or 4 parts.
 * A part may run up to LOUDNESS_RING_STEPS - 1 steps (about 10 s) ahead
 * of the last commit; process_part returns how many frames it took and
 * takes no more. Call it with frames in the same order for every part.
 *
 * Threads otherwise: create/destroy and loudness_kweighting_design on a
 * control thread; every other call on the thread that owns the meter
 * (not concurrently with process/commit), and all are RT-safe.
 */
#ifndef DUBSTAGE_DSP_LOUDNESS_H
#define DUBSTAGE_DSP_LOUDNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "dsp/dsp.h"
#include "dsp/truepeak.h"

#define LOUDNESS_MAX_CHANNELS 16
#define LOUDNESS_MAX_PARTS 4
#define LOUDNESS_RING_STEPS 1024      /* 10 ms steps a part may run ahead of commit */
#define LOUDNESS_HIST_BIN_LU 0.005
#define LOUDNESS_HIST_LOW_LUFS (-70.0)
#define LOUDNESS_HIST_BINS 20000      /* -70 .. +30 LUFS */
#define LOUDNESS_WEIGHT_SURROUND 1.41 /* +1.5 dB, BS.1770-5 */
#define LOUDNESS_MAX_SPEECH_DELAY_HOPS 100

/* Allocation failed in loudness_create (equals ERR_NOMEM in src/base/error.h). */
#define LOUDNESS_ERR_NOMEM (-1)

enum loudness_layout {
	LOUDNESS_LAYOUT_CUSTOM = 0, /* weights from loudness_config.weights */
	LOUDNESS_LAYOUT_MONO,       /* C */
	LOUDNESS_LAYOUT_STEREO,     /* L R */
	LOUDNESS_LAYOUT_5_1,        /* L R C LFE Ls Rs */
	LOUDNESS_LAYOUT_7_1,        /* L R C LFE Lss Rss Lrs Rrs */
	LOUDNESS_LAYOUT_7_1_2,      /* L R C LFE Lss Rss Lrs Rrs Ltm Rtm */
};

enum loudness_true_peak {
	LOUDNESS_TP_NONE = 0,     /* no true peak (true_peak_* read -inf) */
	LOUDNESS_TP_ANNEX2,       /* BS.1770-5 Annex 2 interpolator (the default) */
	LOUDNESS_TP_ACCURATE,     /* TRUEPEAK_ACCURATE: within 0.01 dB to 0.47 fs */
};

struct loudness_config {
	double rate_hz;                          /* integer Hz, 8000 .. 384000 */
	int channels;                            /* 1 .. LOUDNESS_MAX_CHANNELS */
	enum loudness_layout layout;             /* must match channels unless CUSTOM */
	double weights[LOUDNESS_MAX_CHANNELS];   /* CUSTOM: G_i >= 0 (0 = not counted) */
	enum loudness_true_peak true_peak;
	int parts;                               /* 1 .. LOUDNESS_MAX_PARTS */
	bool tp_exhaustive;                      /* no true-peak skipping (same results) */
	int speech_delay_hops;                   /* 0 .. LOUDNESS_MAX_SPEECH_DELAY_HOPS */
};

/* Results; -INFINITY where there is no value yet (silence, too short). */
struct loudness_result {
	double integrated_lufs;        /* I, gated, LUFS */
	double lra_lu;                 /* loudness range, LU */
	double lra_low_lufs;           /* its 10th percentile, LUFS */
	double lra_high_lufs;          /* its 95th percentile, LUFS */
	double momentary_lufs;         /* M at the last complete step, LUFS */
	double short_term_lufs;        /* S at the last complete step, LUFS */
	double momentary_max_lufs;     /* largest M since reset / reset_max, LUFS */
	double short_term_max_lufs;    /* largest S since reset / reset_max, LUFS */
	double true_peak_dbtp;         /* largest channel true peak, dBTP */
	double sample_peak_dbfs;       /* largest channel sample peak, dBFS */
	double speech_gated_lufs;      /* gated loudness of the speech blocks, LUFS */
	double speech_percent;         /* share of I's blocks that are speech, 0..100 */
	double true_peak_ch_dbtp[LOUDNESS_MAX_CHANNELS];   /* per channel, dBTP */
	double sample_peak_ch_dbfs[LOUDNESS_MAX_CHANNELS]; /* per channel, dBFS */
	int channels;
	int64_t frames;                /* frames committed since reset */
	int64_t invalid_samples;       /* non-finite or > 1e6 samples replaced by 0 */
	int64_t blocks;                /* 400 ms blocks since reset (any level) */
	int64_t speech_blocks;         /* of which speech (any level) */
};

struct loudness;

/*
 * Fills c with rate_hz, channels, layout, Annex 2 true peak, one part, no
 * speech delay, and the layout's weights (CUSTOM: 1.0 for every channel).
 */
void loudness_config_init(struct loudness_config *c, double rate_hz,
    int channels, enum loudness_layout layout);

/*
 * The weights of layout for channels into w[0 .. channels-1]. Returns 0,
 * or DSP_ERR_INVALID when the layout has another channel count.
 */
int loudness_layout_weights(enum loudness_layout layout, int channels,
    double *w);

/*
 * The K-weighting for rate_hz (1000 .. 768000), in double: stage 0 the
 * shelf, stage 1 the high-pass, b[s][0..2] / a[s][0..2] with a[s][0] = 1
 * (H = sum b z^-i / sum a z^-i). At 48 kHz these are BS.1770's Table 1
 * and 2 values (to ~1e-15). Returns 0 or DSP_ERR_INVALID. Control thread.
 */
int loudness_kweighting_design(double rate_hz, double b[2][3], double a[2][3]);

/*
 * Allocates and sets up a meter as cfg says (about 0.6 MB, all touched
 * here). Returns 0 and *out, DSP_ERR_INVALID for a bad config, or
 * LOUDNESS_ERR_NOMEM (then *out is NULL). Control thread. The caller frees it with loudness_destroy.
 */
int loudness_create(const struct loudness_config *cfg, struct loudness **out);

/* Frees m; NULL is a no-op. Control thread. */
void loudness_destroy(struct loudness *m);

/*
 * Measures frames (>= 0) frames of ch[0 .. channels-1] (planar, borrowed;
 * any block size). Equivalent to every part plus loudness_commit. RT-safe.
 */
void loudness_process(struct loudness *m, const float *const *ch, int frames);

/* How many parts m has (cfg.parts). */
int loudness_parts(const struct loudness *m);

/*
 * Part `part` of loudness_process: does the part's work on the frames
 * (ch as for loudness_process; only the channels it needs are read)
 * and returns how many frames it took (fewer than frames only when the
 * part is LOUDNESS_RING_STEPS - 1 steps ahead of the last commit). Parts
 * may run concurrently on different threads; each part on one thread at
 * a time. RT-safe.
 */
int loudness_process_part(struct loudness *m, int part,
    const float *const *ch, int frames);

/*
 * Takes the steps every part has completed into M, S, the blocks and the
 * histograms. Call when no part is running. RT-safe.
 */
void loudness_commit(struct loudness *m);

/*
 * Speech flag for dialogue gating, live: every 100 ms hop whose first
 * frame is committed after this call (i.e. lies in frames processed
 * later) is speech when active, until the next call. Default: not speech.
 * RT-safe.
 */
void loudness_set_speech(struct loudness *m, bool active);

/*
 * Speech flag of one hop after the fact, for a detector that decides with
 * a delay (dsp/speech.h: hop n is its step n, decided ~10 hops later).
 * Hop n covers frames [floor(n * rate / 10), floor((n + 1) * rate / 10)).
 * It must have started (its first frame committed), and the blocks that
 * contain it must not have been classified yet: with
 * cfg.speech_delay_hops = D, a block is classified D hops after it
 * completes (D = 0: at once, with the flags set by then), so a flag may
 * arrive up to D hops late. Returns 0, or DSP_ERR_INVALID when the hop is
 * not in that window (the flag is then ignored). loudness_get classifies
 * the still-pending blocks with the flags known at the time. RT-safe.
 */
int loudness_set_speech_hop(struct loudness *m, int64_t hop, bool active);

/* Back to the state after create (filters, histograms, maxima, speech
 * flag, position). RT-safe. */
void loudness_reset(struct loudness *m);

/* Clears only the maxima: momentary and short-term max, true and sample
 * peaks (a live meter's segment reset, Tech 3341 case 11). RT-safe. */
void loudness_reset_max(struct loudness *m);

/*
 * The results so far into r (what is committed; peaks: what the parts
 * have processed, with the interpolator's tail, see truepeak_get). Does
 * not change m. RT-safe; it scans the histograms' used range (up to
 * 60,000 bins, a few thousand for programme material) and evaluates every
 * channel's true-peak tail: tens of microseconds. For a running display
 * at 10 Hz or more use loudness_get_live and loudness_get_integrated.
 */
void loudness_get(const struct loudness *m, struct loudness_result *r);

/* Integrated loudness alone, exactly as loudness_get reports it (one
 * scan of the used bins above the relative gate). RT-safe. */
double loudness_get_integrated(const struct loudness *m);

/* The largest channel true peak so far, dBTP (as loudness_get's
 * true_peak_dbtp, without the histogram scans). RT-safe. */
double loudness_get_true_peak(const struct loudness *m);

/*
 * The momentary and short-term loudness at the last committed step
 * (-INFINITY before the first), without the histogram scans of
 * loudness_get: for meters, plots and per-step checks. Returns the number
 * of steps committed (step k ends at frame floor((k + 1) * rate / 100)).
 * RT-safe.
 */
int64_t loudness_get_live(const struct loudness *m, double *momentary_lufs,
    double *short_term_lufs);

#endif
