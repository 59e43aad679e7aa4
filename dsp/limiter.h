/*
 * limiter.h - look-ahead true-peak limiter for masters: gain to a loudness
 * target, then hold the true peak (inter-sample peaks included) under a
 * ceiling, with one gain for all channels.
 *
 * Model. Per frame, on every channel alike:
 *
 *   input      x * gain_lin (the normalisation gain, gain_db); non-finite
 *              results become 0, magnitudes above LIMITER_INPUT_MAX are
 *              clipped to it, and below DSP_STATE_FLOOR (-400 dBFS) become 0
 *   detector   each channel is oversampled 8x by three half-band stages:
 *              a sharp one (128 taps, +-64 frames, Kaiser) to 2x, then two
 *              short ones to 4x and 8x; the odd 8x points are also read
 *              through the BS.1770 Annex 2 interpolator (what most meters,
 *              the loudness meter's default included, use: its short filter
 *              reads near-Nyquist content up to 0.6 dB higher than an exact
 *              reconstruction). The frame's peak is the largest |value| of
 *              any channel at the points of [m, m+1)
 *   required   r = min(1, thr / peak), where thr is the ceiling lowered by
 *              margin_db and by a fixed grid allowance of 0.169 dB
 *              (1 - pi^2/512: by Bernstein's inequality the most a signal
 *              band-limited to fs/2 can rise between two points 1/8 frame
 *              apart), so thr = ceiling * 10^(-margin/20) * 0.98072
 *   hold       h = min of r over a window of span + 2*LIMITER_HOLD_FRAMES
 *              frames (a sliding minimum: van Herk / Gil-Werman blocks,
 *              no branches on the data)
 *   release    v = min(h, the previous v recovered exponentially in dB):
 *              after release_ms, 63.2% of the reduction in dB is gone;
 *              within 6e-6 dB of 0 it is over and the gain is exactly 1
 *   smoothing  two moving averages of v (lengths a1 + a2 - 1 = span), so
 *              a reduction fades in as an S-curve over span frames, ending
 *              exactly where it is needed
 *   output     y[n] = x[n - latency] * g[n]
 *
 * The guarantee. The gain applied to a frame is at most r of every frame
 * within LIMITER_HOLD_FRAMES of it: the averages mix only values of v, and
 * each v is at most a minimum over a window that contains those frames.
 * Required gains and the applied gain are rounded down, never up, and kept
 * as integers (multiples of 2^-40), so the averages never drift and return
 * to exactly 1. So on the detector's 8x grid |x * g| <= thr, and the
 * reconstructed peak stays under the ceiling as long as the final
 * interpolator (a DAC, a BS.1770 meter) reads no more than the detector
 * plus margin_db. The detector's first stage is as sharp as a +-64-frame
 * windowed sinc and flat (within 0.003 dB) to 0.475 fs. Measured on
 * noise, squares, clicks, sweeps, bursts and 5.1 at 44.1-192 kHz (the
 * tests, and 1000 random hard cases): a 32x +-64-frame sinc reads every
 * output at least 0.14 dB under the ceiling, the Annex 2 meter 0.26 dB.
 * What the detector cannot promise is the reading of content above about
 * 0.48 fs (21 kHz at 44.1 kHz) through reconstructions that treat it
 * differently: much sharper ones (full-band white noise limited hard reads
 * up to 0.5 dB over through a +-256-frame sinc) or much softer ones that
 * let its images through (dsp/truepeak.h's accurate mode, +-32 frames,
 * read a few such cases up to 0.01 dB over). The same material
 * band-limited to 0.45 fs reads at least 0.19 dB under through all of
 * them.
 *
 * Transparency. When no frame needs reduction, g is exactly 1.0f and the
 * output is the input times gain_lin, delayed by latency frames, bit for
 * bit (samples flushed or clipped as above excepted).
 *
 * Latency and the tail. Output frame n is input frame n - latency
 * (limiter_latency_frames: LIMITER_DETECT_FRAMES + span +
 * LIMITER_HOLD_FRAMES - 1; 142 frames, 2.96 ms, at 48 kHz with the default
 * 1.5 ms look-ahead). Compensating it is the caller's job: drop the first
 * latency output frames and, at the end of a file, call limiter_flush for
 * latency frames to get the last input frames out.
 *
 * Split invariance (see dsp/dsp.h): every value is computed per frame of
 * the stream since reset, so the output is the same bits however the
 * stream is cut into calls, given the same limiter_set_coefs at the same
 * frames. A set_coefs takes effect for frames entering after it (frames
 * already inside the look-ahead keep the ceiling they were measured
 * against; gain changes are not smoothed).
 *
 * Meters. After process or flush, on the same thread: gr_db (the last
 * output frame), gr_peak_db (deepest in that call), gr_max_db and
 * limited_frames (since reset); reductions are <= 0 dB, gain_db excluded.
 *
 * SIMD. On x86 (GCC/Clang) the detector also exists compiled for AVX2,
 * chosen at init when the CPU has it and DUBSTAGE_DSP_NO_AVX2 is not set
 * (see truepeak_no_avx2); it does the same IEEE operations in the same
 * order (no FMA), so the output is bit-identical.
 *
 * Threads and ownership: limiter_design on the control thread (libm);
 * limiter_init on the control thread before the state is used (it designs
 * the detector filters with libm); limiter_set_coefs, limiter_process,
 * limiter_flush, limiter_reset and limiter_latency_frames are RT-safe (no
 * allocation, no locks, no libm per frame). struct limiter is
 * caller-allocated (about 140 KB: allocate it, do not put it on a stack),
 * holds no pointers, and is used by one thread at a time.
 */
#ifndef DUBSTAGE_DSP_LIMITER_H
#define DUBSTAGE_DSP_LIMITER_H

#include <stdbool.h>
#include <stdint.h>

#include "dsp/dsp.h"

#define LIMITER_MAX_CHANNELS DSP_MAX_CHANNELS
#define LIMITER_MIN_RATE_HZ 8000.0
#define LIMITER_MAX_RATE_HZ 192000.0
#define LIMITER_LOOKAHEAD_MS_MIN 0.5
#define LIMITER_LOOKAHEAD_MS_MAX 5.0
/* Input magnitude (after gain_db) beyond which samples are clipped: 2^20,
 * +120 dBFS. */
#define LIMITER_INPUT_MAX 1048576.0f

/* Detector geometry (private to limiter.c, here for the struct sizes). */
#define LIMITER_HB1_TAPS 64    /* taps per side of the 1x -> 2x half-band */
#define LIMITER_HB2_TAPS 6     /* 2x -> 4x */
#define LIMITER_HB3_TAPS 4     /* 4x -> 8x */
#define LIMITER_DETECT_FRAMES 68 /* frames the detector looks ahead: HB1 + (2 HB2 + HB3) / 4 */
#define LIMITER_HOLD_FRAMES 3  /* frames each side of a peak held at its gain */
#define LIMITER_CHUNK_FRAMES 256
#define LIMITER_MAX_SPAN_FRAMES 960 /* LOOKAHEAD_MS_MAX at MAX_RATE_HZ */
#define LIMITER_MAX_LATENCY_FRAMES \
	(LIMITER_DETECT_FRAMES + LIMITER_MAX_SPAN_FRAMES + LIMITER_HOLD_FRAMES - 1)
#define LIMITER_HISTORY_FRAMES (LIMITER_MAX_LATENCY_FRAMES + 16)
#define LIMITER_BUFFER_FRAMES (LIMITER_HISTORY_FRAMES + 2 * LIMITER_CHUNK_FRAMES)
#define LIMITER_MAX_WINDOW (LIMITER_MAX_SPAN_FRAMES + 2 * LIMITER_HOLD_FRAMES)
#define LIMITER_BOX_MAX ((LIMITER_MAX_SPAN_FRAMES + 2) / 2)
#define LIMITER_ZHIST 16 /* 2x samples kept between calls: 2 HB2 + HB3 */
#define LIMITER_UHIST 8  /* 4x samples kept between calls: 2 HB3 */

/* User settings. */
struct limiter_params {
	double ceiling_db;   /* true-peak ceiling, dBTP, [-40, 0] */
	double gain_db;      /* applied before limiting (normalisation/makeup), [-80, +80] */
	double lookahead_ms; /* attack ramp, [LOOKAHEAD_MS_MIN, LOOKAHEAD_MS_MAX]; sets the latency */
	double release_ms;   /* release time constant of the gain in dB, [1, 10000] */
	double margin_db;    /* safety margin under the ceiling, [0, 3] */
};

/* Designed values for the RT side. A plain value: copy it. */
struct limiter_coefs {
	double sample_rate_hz;
	float ceiling_lin;   /* linear */
	float thr_lin;       /* detector threshold: ceiling, margin and grid allowance, linear */
	float gain_lin;      /* input gain, linear; transparent output is exactly x * gain_lin */
	float release_coef;  /* per-frame factor of the released gain's log2, exp(-1/(release s * fs)) */
	int span_frames;     /* attack ramp length, frames (from lookahead_ms) */
	int box1_frames;     /* first moving average, frames */
	int box2_frames;     /* second moving average, frames; box1 + box2 - 1 = span */
	int latency_frames;  /* LIMITER_DETECT_FRAMES + span + LIMITER_HOLD_FRAMES - 1 */
};

/* The RT-side state; caller-allocated (see the threads note). */
struct limiter {
	/* Written by init and limiter_set_coefs only. */
	struct limiter_coefs co;
	int channels;                 /* 1..LIMITER_MAX_CHANNELS */
	float hb1[LIMITER_HB1_TAPS];  /* half-band weights, designed at init */
	float hb2[LIMITER_HB2_TAPS];
	float hb3[LIMITER_HB3_TAPS];
	float skip_bound;             /* detector output <= skip_bound * max |input| over its span */
	bool avx2;                    /* run the AVX2 copy of the detector (same bits) */
	/* Private to limiter.c: stream state. */
	int64_t frames_in;            /* frames processed since reset */
	int pos;                      /* where frames_in lands in x[][] */
	float x[LIMITER_MAX_CHANNELS][LIMITER_BUFFER_FRAMES]; /* gained input history */
	float zhist[LIMITER_MAX_CHANNELS][LIMITER_ZHIST];      /* 2x stream tail */
	float uhist[LIMITER_MAX_CHANNELS][LIMITER_UHIST];      /* 4x stream tail */
	int64_t block[LIMITER_MAX_WINDOW];  /* sliding minimum: required gains of the
	                                     * current block (units of 2^-40) */
	int64_t suffix[LIMITER_MAX_WINDOW]; /* suffix minima of the previous block */
	int64_t prefix;               /* minimum of the current block so far */
	int block_pos;                /* frames into the current block */
	float release_log2;           /* log2 of the released gain, <= 0 */
	int64_t box1[LIMITER_BOX_MAX], box2[LIMITER_BOX_MAX]; /* moving-average delay lines */
	int64_t sum1, sum2;           /* their running sums (exact integers) */
	int box1_pos, box2_pos;
	bool idle;                    /* every stage at gain 1: frames needing none skip it */
	/* Private to limiter.c: scratch for one chunk. */
	float scratch_a[LIMITER_CHUNK_FRAMES];
	float scratch_z[LIMITER_ZHIST + 2 * LIMITER_CHUNK_FRAMES];
	float scratch_b[2 * LIMITER_CHUNK_FRAMES];
	float scratch_u[LIMITER_UHIST + 4 * LIMITER_CHUNK_FRAMES];
	float scratch_c[4 * LIMITER_CHUNK_FRAMES];
	float peak[LIMITER_CHUNK_FRAMES];
	float gain[LIMITER_CHUNK_FRAMES];
	/* Meters, written by process/flush (read on the same thread). */
	float gr_db;                  /* gain reduction at the last output frame, <= 0 */
	float gr_peak_db;             /* deepest reduction during the last call, <= 0 */
	float gr_max_db;              /* deepest reduction since reset, <= 0 */
	int64_t limited_frames;       /* output frames with reduction since reset */
};

/* The defaults: ceiling -1 dBTP, gain 0 dB, look-ahead 1.5 ms, release
 * 100 ms, margin 0.1 dB. */
void limiter_params_default(struct limiter_params *p);

/*
 * Validates p and designs it for sample_rate_hz (LIMITER_MIN_RATE_HZ ..
 * LIMITER_MAX_RATE_HZ) into *out. Returns 0, or DSP_ERR_INVALID (out
 * untouched) for a value out of range or non-finite. Control thread.
 */
int limiter_design(const struct limiter_params *p, double sample_rate_hz,
    struct limiter_coefs *out);

/*
 * Prepares l for channels (1..LIMITER_MAX_CHANNELS) with coefficients c
 * (copied) and a silent stream. Returns 0, or DSP_ERR_INVALID (l untouched)
 * for a bad channel count or c not from limiter_design. Control thread.
 */
int limiter_init(struct limiter *l, int channels, const struct limiter_coefs *c);

/*
 * Switches l to c (copied) from the next frame that enters: ceiling,
 * gain, release and margin may change; the sample rate and look-ahead
 * (hence the latency) may not, and such a c returns DSP_ERR_INVALID and
 * changes nothing. Returns 0 otherwise. RT-safe.
 */
int limiter_set_coefs(struct limiter *l, const struct limiter_coefs *c);

/*
 * Limits frames (>= 0) frames of l->channels planar channels in place:
 * ch[i] (borrowed, distinct, non-overlapping, frames floats each) holds
 * input frames on entry and, on return, output frames delayed by
 * limiter_latency_frames (the first latency frames after reset are
 * silence). Updates the meters. RT-safe.
 */
void limiter_process(struct limiter *l, float *const *restrict ch, int frames);

/*
 * Writes the next frames output frames into ch (borrowed, as for
 * limiter_process) as if silence were input: call it for
 * limiter_latency_frames frames after the last input to drain the
 * look-ahead. RT-safe.
 */
void limiter_flush(struct limiter *l, float *const *restrict ch, int frames);

/* Forgets the stream: silent history, gain 1, meters at 0. Coefficients
 * stay. RT-safe. */
void limiter_reset(struct limiter *l);

/* Output frame n is input frame n - this. RT-safe. */
int limiter_latency_frames(const struct limiter *l);

#endif
