/*
 * segmix.h - gain and mix kernels for segment ramps.
 *
 * The mix engine changes gains along straight lines between absolute
 * timeline points (quantum boundaries and automation breakpoints). A gain
 * ramp over a segment is c(k) = c0 + slope * k, with k the frame's offset
 * from the segment start. These kernels take the offset of their first
 * frame (`off`), so a segment split across two process calls produces
 * exactly the same samples as one call: the render does not depend on the
 * driver's block size.
 *
 * All functions are RT-safe, allocation-free, and written as plain loops
 * over restrict pointers that GCC vectorises at -O2 (checked with
 * -fopt-info-vec-optimized).
 */
#ifndef DUBSTAGE_DSP_SEGMIX_H
#define DUBSTAGE_DSP_SEGMIX_H

/* x[i] *= g */
void segmix_scale(float *restrict x, int n, float g);
/* x[i] *= c0 + slope * (off + i) */
void segmix_scale_ramp(float *restrict x, int n, float c0, float slope, int off);
/* dst[i] += src[i] */
void segmix_add(float *restrict dst, const float *restrict src, int n);
/* dst[i] += src[i] * g */
void segmix_add_scaled(float *restrict dst, const float *restrict src, int n,
    float g);
/* dst[i] += src[i] * (c0 + slope * (off + i)) */
void segmix_add_ramp(float *restrict dst, const float *restrict src, int n,
    float c0, float slope, int off);
/* dst[i] += src[i] * env[i] */
void segmix_add_env(float *restrict dst, const float *restrict src,
    const float *restrict env, int n);

#endif
