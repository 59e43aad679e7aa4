/*
 * roomtone.h - room-tone synthesis: endless noise with the level and
 * spectral shape of a learned noise profile (dsp/noiseprofile.h), to fill
 * gaps (a cut-out cough, a dropout, a line lifted from another take).
 *
 * Model. Random-phase spectral synthesis with overlap-add: every hop
 * (fft_size / 4 frames) a spectrum of independent complex Gaussian bins
 * with E|X_k|^2 = 4 P_k (P_k the profile's mean bin power) is inverse
 * transformed, weighted by the square-root Hann synthesis window of
 * dsp/stft.h and overlap-added. The result is Gaussian noise whose power
 * spectrum is the profile's, measured through the same analysis (the
 * factor 4 = the window's overlap sum 2 times the one-sided/two-sided 2,
 * see roomtone.c), so learning a profile from the synthesised tone gives the
 * profile back. Nothing of the selection is replayed, so there is no loop
 * to hear; the frames are independent and the squared synthesis windows sum
 * to a constant, so the variance does not pulse at the frame rate. The
 * profile's tonal components come out as narrow noise bands at their
 * frequencies and levels (not as steady tones: a hum fill holds its pitch
 * but not its phase).
 *
 * Determinism: the output depends only on the seed, the profile and the
 * number of frames generated since create/reset (never on how they are cut
 * into roomtone_generate calls). Each channel has its own random stream
 * (decorrelated channels, as room tone picked up by spaced microphones).
 *
 * Threads: create/destroy/fill on the control thread (allocation, FFTW
 * plans); generate and reset are RT-safe.
 */
#ifndef DUBSTAGE_DSP_ROOMTONE_H
#define DUBSTAGE_DSP_ROOMTONE_H

#include <stdint.h>

#include "dsp/dsp.h"
#include "dsp/noiseprofile.h"

struct roomtone;

/* NULL on bad arguments (channels 1..DSP_MAX_CHANNELS, a profile not
 * noise_profile_compatible with rate_hz) or no memory. The profile is
 * copied (borrowed). */
struct roomtone *roomtone_create(int channels, int rate_hz, const struct noise_profile *p, uint64_t seed);
void roomtone_destroy(struct roomtone *r); /* NULL-safe */
/* Restarts the sequence: the next frames equal those after create. RT-safe. */
void roomtone_reset(struct roomtone *r);
/* Writes the next frames (>= 0) of tone to out[0..channels). RT-safe. */
void roomtone_generate(struct roomtone *r, float *const *out, int frames);

/*
 * Replaces buf[c][gap_start, gap_start + gap_len) of every channel c by
 * room tone from r (the next gap_len frames of its sequence), with
 * equal-power crossfades INSIDE the gap at both ends. With x = xfade_frames
 * (clamped to 0..gap_len/2) and g = gap_start:
 *   frames g + i, i < x:            buf*cos(a) + tone*sin(a), a = pi/2 (i+0.5)/x
 *   frames g + x .. g + gap_len - x - 1:  tone
 *   frames g + gap_len - x + i, i < x:   tone*cos(a) + buf*sin(a)
 * No frame outside [g, g + gap_len) changes. Equal power (cos^2 + sin^2 = 1)
 * keeps the level steady across a fade between uncorrelated noises (the
 * room's tone and its synthesis). The gap is clipped to [0, frames).
 * channels must equal r's. Returns 0, or DSP_ERR_INVALID (buf untouched)
 * for bad arguments or no memory. Control thread (allocates scratch).
 */
int roomtone_fill(struct roomtone *r, float *const *buf, int channels, long frames,
    long gap_start, long gap_len, int xfade_frames);

#endif
