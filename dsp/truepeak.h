/*
 * truepeak.h - true-peak (inter-sample peak) measurement of one channel,
 * for the loudness meter (dsp/loudness.h) and for anything else that must
 * know how far above the samples the reconstructed waveform goes.
 *
 * Two interpolators:
 *
 *   TRUEPEAK_ANNEX2    the one of ITU-R BS.1770-5 Annex 2: 4x oversampling
 *                      with the 48-tap polyphase FIR printed there (4 phases
 *                      of 12 taps), run at any rate below 192 kHz (where it
 *                      is 4x: 176.4-768 kHz effective, at least the Annex's
 *                      "2x at 96 kHz"); from 192 kHz on the samples are
 *                      already dense enough and the reading is the sample
 *                      peak, as the Annex says. Known error (measured in
 *                      tests/dsp/test_loudness.c): its passband ends near
 *                      0.42 fs and it samples the waveform 4 times per
 *                      sample, so it reads low on content near the top of
 *                      the band (about -0.4 dB on noise reaching 0.47 fs,
 *                      -0.9 dB on 19-22 kHz tones at 48 kHz) and its
 *                      ripple reads some tones up to 0.2 dB high.
 *   TRUEPEAK_ACCURATE  a 64-tap Kaiser-windowed sinc (cut-off fs/2, beta
 *                      TRUEPEAK_KAISER_BETA: flat within 0.005 dB to 0.47 fs)
 *                      evaluated at 8 phases (8x) in every sample interval,
 *                      plus a parabolic refinement through the largest phase
 *                      and its two neighbours wherever an interval could
 *                      hold a new maximum. Phase 0 is the sample itself (a
 *                      sinc is 0 at the other integers), so the reading is
 *                      never below the sample peak. Error against a
 *                      512-tap 64x reference: within 0.01 dB on noise
 *                      band-limited to 0.47 fs and on tone bursts to 0.47
 *                      fs; content closer to fs/2 reads low (white noise
 *                      up to fs/2: -0.2..-0.4 dB, where libebur128 reads
 *                      -0.5..-0.9 dB).
 *
 * The reading is the largest |value| of the interpolated waveform since
 * init/reset, linear (1.0 = 0 dBTP). The stream is taken as preceded by
 * digital silence (the filters start from zero history), and
 * truepeak_get() evaluates the waveform's tail as if silence followed the
 * last sample, so a file's last few samples count as fully as its middle.
 *
 * Speed. Both interpolators are written as plain loops over time that GCC
 * vectorises at -O2 (the linear-phase symmetry of each phase pair is
 * used: phases q and P-q are mirror images, so one pre-added and one
 * pre-subtracted window give both at half the multiplies, and
 * max(|a|,|b|) = (|a+b| + |a-b|)/2 gives their larger magnitude without
 * separating them). Before computing a block of TRUEPEAK_BLOCK outputs,
 * the largest |sample| X in the samples the block reads is compared with
 * the running maximum: every interpolated value is at most X times the
 * L1 norm of its phase (times a rounding margin, and the refinement's
 * bound in ACCURATE mode), so a block that cannot exceed the running
 * maximum is skipped. The skip is exact: a skipped block holds no value
 * that could have changed the result, so readings are bit-identical to
 * computing every value (`exhaustive`, for tests and benchmarks), and
 * programme material, whose maximum is set by a few transients, costs
 * little more than the scan.
 *
 * SIMD. On x86 (GCC/Clang) the hot loops also exist compiled for AVX2 and
 * are chosen at init when the CPU has it; they do the same IEEE
 * operations in the same order (no FMA), so readings are bit-identical.
 *
 * Split invariance (see dsp/dsp.h): values are computed at absolute
 * positions of the stream in stream order; blocks and skips only decide
 * how much work is done, never what is found, so any split of the stream
 * into calls gives the same bits.
 *
 * Input must be finite (the loudness meter replaces non-finite samples
 * before they get here); a NaN is ignored by the maxima but may hide a
 * block's peak.
 *
 * Threads: init is for the control thread (libm); process, get and reset
 * are RT-safe (no allocation, no locks, no system calls). Caller-allocated
 * (about 5 KB), fields private.
 */
#ifndef DUBSTAGE_DSP_TRUEPEAK_H
#define DUBSTAGE_DSP_TRUEPEAK_H

#include <stdbool.h>

#include "dsp/dsp.h"

enum truepeak_mode {
	TRUEPEAK_ANNEX2 = 0,   /* BS.1770-5 Annex 2, 4x below 192 kHz */
	TRUEPEAK_ACCURATE = 1, /* 8x Kaiser sinc + parabolic refinement */
};

#ifndef TRUEPEAK_ACC_HALF
#define TRUEPEAK_ACC_HALF 32    /* ACCURATE: taps on each side of the interval */
#endif
#define TRUEPEAK_HIST (2 * TRUEPEAK_ACC_HALF) /* samples of history kept */
#define TRUEPEAK_CHUNK 512      /* frames per internal pass */
#define TRUEPEAK_BLOCK 32       /* outputs per skip decision */
#define TRUEPEAK_KAISER_BETA 7.0

struct truepeak {
	int mode;            /* enum truepeak_mode */
	bool oversample;     /* false: the samples are the reading (>= 192 kHz, ANNEX2) */
	bool exhaustive;     /* compute every value (no skipping) */
	bool avx2;           /* run the AVX2 copy of the loops */
	float peak;          /* running maximum of |value|, linear */
	float bound;         /* a block is skipped when X * bound <= peak */
	/* ACCURATE: phases 1..7 of the filter, [q-1][k] multiplies the sample
	 * k-15 frames from the interval's start (for the refinement), and the
	 * same folded for the vectorised pass: sym[q-1][k] = g_q[k] + g_q[31-k],
	 * asym[q-1][k] = g_q[k] - g_q[31-k] (q = 1..4, k < 16). */
	float g[7][2 * TRUEPEAK_ACC_HALF];
	float sym[4][TRUEPEAK_ACC_HALF];
	float asym[3][TRUEPEAK_ACC_HALF];
	float buf[TRUEPEAK_HIST + TRUEPEAK_CHUNK]; /* history, then the chunk */
};

/*
 * Sets t up for a stream at rate_hz (1000 .. 768000) with mode and clears
 * it. exhaustive turns the block skipping off (same readings, slower).
 * Returns 0 or DSP_ERR_INVALID. Control thread (ACCURATE builds its
 * filter with libm).
 */
int truepeak_init(struct truepeak *t, enum truepeak_mode mode, double rate_hz,
    bool exhaustive);

/* Measures frames (>= 0) samples of x (borrowed). RT-safe. */
void truepeak_process(struct truepeak *t, const float *restrict x, int frames);

/*
 * The true peak since init/reset, linear, with the waveform's tail after
 * the last sample evaluated as if silence followed (t is not changed:
 * more samples may follow). 0 for silence. RT-safe (a few thousand
 * multiplies for the tail).
 */
float truepeak_get(const struct truepeak *t);

/*
 * True when the environment variable DUBSTAGE_DSP_NO_AVX2 is set (and not
 * "0"): init and loudness_create then pick the baseline loops even on an
 * AVX2 CPU (both give the same bits; the test compares them). Control
 * thread.
 */
bool truepeak_no_avx2(void);

/* Clears the history and the maximum. RT-safe. */
void truepeak_reset(struct truepeak *t);

/* Clears only the maximum (a live meter's "reset peak hold"). RT-safe. */
void truepeak_reset_max(struct truepeak *t);

#endif
