/*
 * noiseprofile.h - a noise profile: the mean power spectrum of a stretch of
 * room tone, learned once on the control side, stored in the session as
 * numbers, and used by the denoiser (dsp/denoise.h) and the room-tone
 * synthesiser (dsp/roomtone.h).
 *
 * Model. The profile is measured with the very analysis the denoiser runs
 * (dsp/stft.h: square-root Hann frames of noise_profile_fft_size(rate)
 * samples every quarter frame), so power[k] is directly the expected
 * |Y_k|^2 of a noise-only frame in the denoiser: no rescaling, no window
 * correction. A profile is valid only for the rate it was learned at
 * (its bins are tied to rate / fft_size): noise_profile_compatible()
 * tells callers to refuse one from another rate rather than stretch it.
 *
 * Tonal bins. Hum, whine and fan tones sit in a few bins well above the
 * broadband floor around them; the denoiser may remove them more deeply
 * than the broadband noise (its tonal_reduction_db). A bin is tonal when
 * its power is at least NOISE_PROFILE_TONAL_DB above the median of the
 * bins within +-8 around it and it is a local maximum; its neighbours
 * within +-1 bin (the window's main lobe) are marked too.
 *
 * What is refused (noise_profile_learn returns DSP_ERR_INVALID with a
 * static message in *why):
 *  - fewer than NOISE_PROFILE_MIN_MS of audio (the mean of fewer frames is
 *    too uncertain to subtract: at 250 ms, 23 frames, each bin's mean is
 *    within about +-1 dB);
 *  - digital silence (every sample below -200 dBFS);
 *  - a selection that is evidently not room tone. Room tone is stationary
 *    in spectral SHAPE (a level swing, as air handling or traffic has, is
 *    fine), speech and effects are not. Frames are grouped into blocks of
 *    8 (~85 ms); for each block the levels of the octave bands 250 Hz..8 kHz
 *    (those below Nyquist) are taken relative to the block's mean band
 *    level (its shape), and the standard deviation of each band's relative
 *    level over the blocks is averaged over the bands. Stationary noise of
 *    any colour gives 0.3-1.5 dB (the estimation noise of an 85 ms block;
 *    level swings cancel in the relative levels); speech moves its formants
 *    and gives 4-10 dB. Above NOISE_PROFILE_MAX_SHAPE_DB the selection is
 *    refused. Separately, a speech-band (300 Hz-4 kHz) block level range
 *    (95th minus 5th percentile) above NOISE_PROFILE_MAX_RANGE_DB (bursts,
 *    a door, speech over quiet tone) is refused.
 *
 * Channels. The profile is the mean over the channels of the selection: one
 * profile per selection, applied to every channel by the denoiser.
 *
 * Threads: noise_profile_learn allocates (an STFT) and plans FFTW: control
 * thread only. The struct is a plain value (no pointers): copy it freely.
 */
#ifndef DUBSTAGE_DSP_NOISEPROFILE_H
#define DUBSTAGE_DSP_NOISEPROFILE_H

#include <stdbool.h>

#include "dsp/dsp.h"

/* FFT 8192 at 176.4/192 kHz: 4097 bins. */
#define NOISE_PROFILE_MAX_BINS 4097
#define NOISE_PROFILE_MIN_MS 250
#define NOISE_PROFILE_TONAL_DB 8.0
#define NOISE_PROFILE_MAX_SHAPE_DB 3.0
#define NOISE_PROFILE_MAX_RANGE_DB 20.0
#define NOISE_PROFILE_MIN_RATE 8000
#define NOISE_PROFILE_MAX_RATE 192000

struct noise_profile {
	int rate_hz;          /* sample rate learned at */
	int fft_size;         /* noise_profile_fft_size(rate_hz) */
	int bins;             /* fft_size / 2 + 1 */
	int frames;           /* analysis frames averaged (x channels) */
	float level_db;       /* mean power of the selection, dBFS (0 = full-scale square) */
	float power[NOISE_PROFILE_MAX_BINS];          /* mean |Y_k|^2, k < bins (stft.h scaling) */
	unsigned char tonal[NOISE_PROFILE_MAX_BINS];  /* 1: bin k belongs to a tonal component */
};

/*
 * The STFT size the denoiser and the profile use at rate_hz: the power of
 * two nearest (in octaves) to 2048 * rate_hz / 48000, i.e. a ~43 ms frame
 * (256 at 8 kHz, 512 at 16, 1024 at 22.05/32, 2048 at 44.1/48, 4096 at
 * 88.2/96, 8192 at 176.4/192 kHz). 0 for a rate outside 8000..192000.
 */
int noise_profile_fft_size(int rate_hz);

/*
 * Learns *out from chans[0..channels)[0..frames) at rate_hz. Returns 0, or
 * DSP_ERR_INVALID with a static message in *why (why may be NULL) and *out
 * untouched, for bad arguments, a too-short selection, digital silence or
 * content that is not room tone (see above). Non-finite samples are read
 * as 0. Control thread.
 */
int noise_profile_learn(const float *const *chans, int channels, long frames, int rate_hz,
    struct noise_profile *out, const char **why);

/* p is a well-formed profile (sizes consistent, powers finite and >= 0)
 * learned at rate_hz. Callers refuse others ("noise profile was learned at
 * %d Hz, the material is %d Hz"). Any thread. */
bool noise_profile_compatible(const struct noise_profile *p, int rate_hz);

#endif
