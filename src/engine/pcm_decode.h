/*
 * pcm_decode.h - turns the raw bytes of little-endian PCM and float WAV
 * audio into float samples, the same values libsndfile's normalised
 * sf_readf_float() gives, bit for bit.
 *
 * Why: a bounce reads every source once, gigabytes of it. Reading the bytes
 * with sf_read_raw() and decoding them straight into the streamer's buffer
 * saves libsndfile's conversion pass and our de-interleaving pass (about a
 * third of the reader thread's time on a 64-track session).
 *
 * Exactness: an n-bit integer sample v becomes (float)v * 2^-(n-1); for 16
 * and 24 bits both steps are exact, for 32 bits the conversion rounds as
 * libsndfile's does (it computes (float)v * (1.0f / 0x80000000) too).
 * Float samples are copied. Other encodings and big-endian containers go
 * through libsndfile (pcm_kind_of says PCM_NONE).
 *
 * Pure functions, any thread (RT-safe).
 */
#ifndef DUBSTAGE_ENGINE_PCM_DECODE_H
#define DUBSTAGE_ENGINE_PCM_DECODE_H

enum pcm_kind {
	PCM_NONE,       /* let libsndfile decode */
	PCM_S16LE,
	PCM_S24LE,
	PCM_S32LE,
	PCM_F32LE,
};

/* The kind for a file libsndfile opened with SF_INFO.format `format`. */
enum pcm_kind pcm_kind_of(int format);

/* Bytes per sample of kind (0 for PCM_NONE). */
int pcm_kind_bytes(enum pcm_kind kind);

/* Decodes n samples of one channel: sample i at in + i * in_stride bytes
 * goes to out[i * out_stride]. kind != PCM_NONE. */
void pcm_decode(enum pcm_kind kind, const unsigned char *in, int in_stride,
    float *out, int out_stride, long n);

#endif
