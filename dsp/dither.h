/*
 * dither.h - TPDF dither and quantisation of float samples to 24-bit PCM.
 *
 * Model: a float sample x (full scale +-1.0) is scaled to 24-bit LSBs
 * (x * 2^23), a triangular (TPDF) noise value in (-1, +1) LSB -- the
 * difference of two independent uniform values in [0, 1) -- is added, and
 * the sum is rounded to the nearest integer and clipped to the 24-bit range
 * -8388608 .. 8388607. With TPDF dither of this width the total error
 * (rounding plus noise) has mean 0 and variance 1/4 LSB^2 whatever the
 * input, so low-level signals and fades do not turn into distortion.
 *
 * The noise is counter-based: a 32-bit hash of the sample's index (keyed
 * by the seed), whose two 16-bit halves are the two uniform values (the
 * TPDF is thus resolved to 2^-16 LSB, and the arithmetic is fixed point).
 * The same seed and the same input give the same output bits on every
 * machine and however the input is split into blocks. Use one struct
 * dither per channel, each with its own seed (dither_seed_for_channel).
 *
 * All functions are RT-safe: no allocation, no locks, no system calls.
 *
 * On x86 the conversions run as SSE2 or, on a CPU with AVX2, as AVX2 code
 * (dither_init picks; DUBSTAGE_DSP_NO_AVX2 set in the environment keeps
 * SSE2, as for the other kernels: see truepeak_no_avx2). Every form gives
 * the bits of the portable scalar arithmetic, for every input.
 */
#ifndef DUBSTAGE_DSP_DITHER_H
#define DUBSTAGE_DSP_DITHER_H

#include <stdbool.h>
#include <stdint.h>

/* The 24-bit output range, in LSBs. */
#define DITHER_I24_MIN (-8388608)
#define DITHER_I24_MAX 8388607

/* Caller-allocated state; fields are private. */
struct dither {
	uint64_t seed;      /* as given to dither_init */
	uint32_t key;       /* derived from the seed */
	uint64_t state;     /* index of the next sample */
	bool avx2;          /* run the AVX2 loops (set by dither_init) */
};

/* Starts the noise sequence for seed (any value, 0 included). RT-safe. */
void dither_init(struct dither *d, uint64_t seed);

/* Restarts the sequence from the seed given to dither_init. RT-safe. */
void dither_reset(struct dither *d);

/* A well-mixed seed for channel ch of a file whose seed is file_seed, so
 * channels get independent noise. Pure, RT-safe. */
uint64_t dither_seed_for_channel(uint64_t file_seed, int ch);

/* The next TPDF noise value, in LSBs, in (-1, +1). RT-safe. */
double dither_tpdf_lsb(struct dither *d);

/*
 * Quantises n float samples in[0..n-1] (full scale +-1.0, contiguous) to
 * 24-bit with TPDF dither and writes them to out[0], out[out_stride], ...
 * as int32 with the 24-bit value in the top 24 bits (value * 256, the
 * layout libsndfile's sf_write_int expects for 24-bit files). Values beyond
 * full scale are clipped; NaN becomes 0 (still dithered). n >= 0,
 * out_stride >= 1 (the channel count when out is an interleaved frame
 * buffer). RT-safe.
 */
void dither_to_i24(struct dither *d, const float *restrict in,
    int32_t *restrict out, int n, int out_stride);

/* The same values as dither_to_i24, packed as 3-byte little-endian PCM (the
 * bytes of a 24-bit WAV data chunk), sample i at out + i * out_stride_bytes
 * (3 * channels for an interleaved frame buffer). RT-safe. */
void dither_to_s24le(struct dither *d, const float *restrict in,
    unsigned char *restrict out, int n, int out_stride_bytes);

/*
 * All the channels of an interleaved 24-bit frame buffer at once: in[c]
 * holds n float samples of channel c (0 .. channels - 1), dithered by
 * d[c]; sample i of channel c goes to out + 3 * (i * channels + c). The
 * same bytes, and the same states after, as calling
 *   dither_to_s24le(&d[c], in[c], out + 3 * c, n, 3 * channels)
 * for each channel, in less time: the channels are interleaved in
 * registers and stored a frame at a time instead of 3 bytes at a time (on
 * x86 with AVX2; elsewhere it runs that loop). The states may be at any
 * counter, each its own. out is written only inside its 3 * channels * n
 * bytes. channels >= 1, n >= 0. RT-safe.
 */
void dither_planar_to_s24le(struct dither *d, const float *const *in,
    int channels, unsigned char *out, int n);

#endif
