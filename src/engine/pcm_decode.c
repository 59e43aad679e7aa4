/* pcm_decode.c - see pcm_decode.h. */
#include "engine/pcm_decode.h"

#include <sndfile.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <tmmintrin.h>
#define HAVE_SSSE3_PATH 1

/* Contiguous 24-bit samples (a mono file) into contiguous floats, four at
 * a time: each sample's three bytes go to the top of an int32 lane, whose
 * conversion to float is exact, then times 2^-31 (exact): the same value
 * as the scalar path. Leaves the last few samples (a 16-byte load must not
 * run past the input) to the caller; returns how many it did. */
__attribute__((target("ssse3"))) static long
s24_contiguous_ssse3(const unsigned char *in, float *out, long n)
{
	const __m128i spread = _mm_setr_epi8(-1, 0, 1, 2, -1, 3, 4, 5,
	    -1, 6, 7, 8, -1, 9, 10, 11);
	const __m128 scale = _mm_set1_ps(1.0f / 2147483648.0f);
	long i = 0;

	for (; n - i >= 6; i += 4) {
		__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(in + 3 * i));
		__m128i v = _mm_shuffle_epi8(b, spread);

		_mm_storeu_ps(out + i, _mm_mul_ps(_mm_cvtepi32_ps(v), scale));
	}
	return i;
}

static bool
have_ssse3(void)
{
	static int known = -1;

	if (known < 0)
		known = __builtin_cpu_supports("ssse3") ? 1 : 0;
	return known == 1;
}
#endif

enum pcm_kind
pcm_kind_of(int format)
{
	int endian = format & SF_FORMAT_ENDMASK;

	switch (format & SF_FORMAT_TYPEMASK) {
	case SF_FORMAT_WAV:
	case SF_FORMAT_WAVEX:
	case SF_FORMAT_RF64:
	case SF_FORMAT_W64:
		break;          /* little-endian by definition */
	default:
		return PCM_NONE;
	}
	if (endian != SF_ENDIAN_FILE && endian != SF_ENDIAN_LITTLE)
		return PCM_NONE;
	switch (format & SF_FORMAT_SUBMASK) {
	case SF_FORMAT_PCM_16:
		return PCM_S16LE;
	case SF_FORMAT_PCM_24:
		return PCM_S24LE;
	case SF_FORMAT_PCM_32:
		return PCM_S32LE;
	case SF_FORMAT_FLOAT:
		return PCM_F32LE;
	default:
		return PCM_NONE;
	}
}

int
pcm_kind_bytes(enum pcm_kind kind)
{
	static const int bytes[] = { [PCM_NONE] = 0, [PCM_S16LE] = 2,
	    [PCM_S24LE] = 3, [PCM_S32LE] = 4, [PCM_F32LE] = 4 };

	return bytes[kind];
}

void
pcm_decode(enum pcm_kind kind, const unsigned char *in, int in_stride,
    float *out, int out_stride, long n)
{
	switch (kind) {
	case PCM_S16LE:
		for (long i = 0; i < n; i++, in += in_stride) {
			int16_t v = (int16_t)(uint16_t)(in[0] | in[1] << 8);

			out[i * out_stride] = (float)v * (1.0f / 32768.0f);
		}
		break;
	case PCM_S24LE: {
		long i = 0;

#ifdef HAVE_SSSE3_PATH
		if (in_stride == 3 && out_stride == 1 && have_ssse3()) {
			i = s24_contiguous_ssse3(in, out, n);
			in += 3 * i;
		}
#endif
		for (; i < n; i++, in += in_stride) {
			/* into the top 24 bits, then an arithmetic shift down */
			int32_t v = (int32_t)((uint32_t)in[0] << 8 |
			    (uint32_t)in[1] << 16 | (uint32_t)in[2] << 24) >> 8;

			out[i * out_stride] = (float)v * (1.0f / 8388608.0f);
		}
		break;
	}
	case PCM_S32LE:
		for (long i = 0; i < n; i++, in += in_stride) {
			int32_t v = (int32_t)((uint32_t)in[0] |
			    (uint32_t)in[1] << 8 | (uint32_t)in[2] << 16 |
			    (uint32_t)in[3] << 24);

			out[i * out_stride] = (float)v * (1.0f / 2147483648.0f);
		}
		break;
	case PCM_F32LE:
		for (long i = 0; i < n; i++, in += in_stride)
			memcpy(&out[i * out_stride], in, sizeof(float));
		break;
	case PCM_NONE:
		break;
	}
}
