/* pcm_decode.c - see pcm_decode.h. */
#include "engine/pcm_decode.h"

#include <sndfile.h>
#include <stdint.h>
#include <string.h>

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
	case PCM_S24LE:
		for (long i = 0; i < n; i++, in += in_stride) {
			/* into the top 24 bits, then an arithmetic shift down */
			int32_t v = (int32_t)((uint32_t)in[0] << 8 |
			    (uint32_t)in[1] << 16 | (uint32_t)in[2] << 24) >> 8;

			out[i * out_stride] = (float)v * (1.0f / 8388608.0f);
		}
		break;
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
