#include "dsp/segmix.h"

void
segmix_scale(float *restrict x, int n, float g)
{
	for (int i = 0; i < n; i++)
		x[i] *= g;
}

void
segmix_scale_ramp(float *restrict x, int n, float c0, float slope, int off)
{
	for (int i = 0; i < n; i++)
		x[i] *= c0 + slope * (float)(off + i);
}

void
segmix_add(float *restrict dst, const float *restrict src, int n)
{
	for (int i = 0; i < n; i++)
		dst[i] += src[i];
}

void
segmix_add_scaled(float *restrict dst, const float *restrict src, int n, float g)
{
	for (int i = 0; i < n; i++)
		dst[i] += src[i] * g;
}

void
segmix_add_ramp(float *restrict dst, const float *restrict src, int n,
    float c0, float slope, int off)
{
	for (int i = 0; i < n; i++)
		dst[i] += src[i] * (c0 + slope * (float)(off + i));
}

void
segmix_add_env(float *restrict dst, const float *restrict src,
    const float *restrict env, int n)
{
	for (int i = 0; i < n; i++)
		dst[i] += src[i] * env[i];
}
