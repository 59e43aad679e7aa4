/*
 * stft.h - streaming short-time Fourier analysis / modification / synthesis
 * with perfect reconstruction, for the spectral kernels (denoise, and any
 * later one that works on spectra).
 *
 * Model. A frame of n samples (n a power of two, 16..16384) is taken every
 * hop = n/4 samples, weighted by the analysis window (square-root periodic
 * Hann), transformed (FFTW r2c, n/2+1 bins), handed to the caller's
 * stft_frame_fn, which may change the bins in place, transformed back,
 * weighted by the same window (scaled so that the overlapped products sum
 * to exactly 1) and overlap-added. With an fn that leaves the bins alone
 * the output is the input delayed by stft_latency() = n - 1 frames (to
 * float rounding: about 1e-7 relative). Why square-root Hann at 75 %
 * overlap: a gain applied to the bins is then smoothed by the synthesis
 * window too (no block edges), and the analysis window is still a
 * Hann-like one with -31 dB side lobes for the estimators.
 *
 * Latency. Frame k (k = 0, 1, ...) is computed when stream frame
 * (k + 1) * hop - 1 arrives and covers stream frames
 * [(k + 1) * hop - n, (k + 1) * hop) (frames before the stream's start are
 * zeros). Output stream frame t is input frame t - (n - 1): exact and
 * constant, whatever the call sizes. The first n - 1 output frames are the
 * silent "before" of the stream.
 *
 * Split invariance. Frames fall on fixed stream positions counted since
 * create/reset, so the output never depends on how the stream is cut into
 * stft_process calls (any frames >= 0, 1 included).
 *
 * Input hygiene. NaN and infinite samples are read as 0, samples are
 * clamped to +-1e4 (no spectrum can overflow), and samples below 1e-25 in
 * magnitude are read as 0 (no subnormals reach the caller's recursions).
 *
 * Channels are independent (each has its own history); the callback gets
 * the channel index so a kernel keeps per-channel state. For one frame
 * position, fn is called for channel 0, 1, ... in order.
 *
 * Threads and ownership: stft_create/stft_destroy on the control thread
 * (FFTW planning, not thread-safe; FFTW_ESTIMATE, no wisdom, so the plans
 * and results are deterministic). stft_process and stft_reset are RT-safe
 * (no allocation, no locks, no system calls); one thread at a time.
 */
#ifndef DUBSTAGE_DSP_STFT_H
#define DUBSTAGE_DSP_STFT_H

#include <stdbool.h>

#include "dsp/dsp.h"

#define STFT_MIN_SIZE 16
#define STFT_MAX_SIZE 16384

struct stft;

/* Called once per channel per frame with the frame's bins spec[0..bins)
 * (bins = n/2 + 1; spec[k][0] real, spec[k][1] imaginary, the layout of
 * fftwf_complex; unnormalised FFTW forward transform of the windowed
 * frame). It may change them in place; must be RT-safe. frame is the frame
 * index k since create/reset. */
typedef void (*stft_frame_fn)(void *ctx, int channel, long long frame, float (*spec)[2], int bins);

/* n: power of two in [STFT_MIN_SIZE, STFT_MAX_SIZE]; channels
 * 1..DSP_MAX_CHANNELS. NULL on bad arguments or no memory. */
struct stft *stft_create(int channels, int n);
void stft_destroy(struct stft *s); /* NULL-safe */
void stft_reset(struct stft *s);   /* RT-safe: silent history, frame count 0 */
int stft_size(const struct stft *s);
int stft_hop(const struct stft *s);
int stft_latency(const struct stft *s); /* n - 1 */

/* The analysis window w[0..n) (square-root periodic Hann, unscaled) and the
 * sum of its squares, for callers that relate bin power to signal power:
 * white noise of variance s2 gives a mean bin power of s2 * sum_w2. */
const float *stft_window(const struct stft *s);
double stft_window_power(const struct stft *s);

/* Runs frames (>= 0) of buf[0..channels) in place through the
 * analysis / fn / synthesis chain. RT-safe. */
void stft_process(struct stft *s, float *const *buf, int frames, stft_frame_fn fn, void *ctx);

/* Analysis only, for learners that work on a whole selection off-line:
 * the bins of one windowed frame x[0..n) into spec (bins = n/2+1; same
 * scaling as the frames fn sees). Uses s's scratch: not concurrently with
 * stft_process on the same s. Input hygiene as above. */
void stft_analyse(struct stft *s, const float *x, float (*spec)[2]);

#endif
