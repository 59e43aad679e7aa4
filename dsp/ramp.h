/*
 * ramp.h - gain kernels the mix engine runs on every buffer: constant gains
 * and sample-accurate linear gain ramps (automation, de-zippered fader and
 * pan moves), each in three flavours:
 *
 *   apply   x[i]   *= g(i)        in place
 *   copy    out[i]  = in[i] * g(i)
 *   mix     out[i] += in[i] * g(i) summing into a bus
 *
 * The ramp is defined exactly as
 *
 *   g(i) = g0 + step * i,   step = (g1 - g0) / n,   i = 0 .. n-1
 *
 * evaluated in float, so g(0) == g0 exactly and the last sample gets
 * g0 + (g1 - g0) * (n-1)/n: the ramp reaches g1 at sample n, i.e. the
 * first sample of the next buffer, where a caller continues with g1. Chained
 * buffers therefore give one continuous straight line without a repeated
 * or skipped step.
 *
 * Every kernel is written so GCC vectorises it at -O2 even with GCC 12's
 * default "very-cheap" cost model, which refuses a loop whose trip count is
 * not a known multiple of the vector width (the project build also passes
 * -fvect-cost-model=dynamic; the kernels do not depend on it): the body
 * runs over chunks of RAMP_CHUNK frames with a fixed-count inner loop, then
 * a scalar tail. Checked with gcc 12 -O2 -fopt-info-vec, with and without
 * the flag ("loop vectorized using 16 byte vectors" for every inner loop),
 * and by reading the asm (mulps/addps). The results equal
 * the plain scalar loop bit for bit (no reassociation; C11 mode implies
 * -ffp-contract=off), which tests/dsp/test_ramp.c checks.
 *
 * n <= 0 does nothing. Buffers must not overlap (restrict). All functions are
 * RT-safe: no allocation, no locks, no system calls; they borrow the buffers.
 */
#ifndef DUBSTAGE_DSP_RAMP_H
#define DUBSTAGE_DSP_RAMP_H

#include <stdbool.h>

/* Frames per vectorised chunk (a multiple of every x86/ARM float vector width). */
#define RAMP_CHUNK 8

/* x[i] *= g0 + (g1 - g0) * i / n, gains linear. RT-safe. */
void ramp_apply(float *restrict x, int n, float g0, float g1);

/* out[i] = in[i] * (g0 + (g1 - g0) * i / n). RT-safe. */
void ramp_copy(float *restrict out, const float *restrict in, int n,
    float g0, float g1);

/* out[i] += in[i] * (g0 + (g1 - g0) * i / n). RT-safe. */
void ramp_mix(float *restrict out, const float *restrict in, int n,
    float g0, float g1);

/*
 * Segment ramps. The engine ramps gains along straight lines between
 * absolute timeline points; a line may be split across process calls.
 * These take the line as c(k) = c0 + slope * k and the offset `off` of
 * x[0] on it, so two calls over the two halves give exactly the samples of
 * one call over the whole (ramp_apply/ramp_mix are these with off = 0 and
 * slope = (g1 - g0) / n). RT-safe.
 */
void ramp_apply_seg(float *restrict x, int n, float c0, float slope, int off);
void ramp_mix_seg(float *restrict out, const float *restrict in, int n,
    float c0, float slope, int off);

/* x[i] *= g (linear). RT-safe. */
void ramp_apply_gain(float *restrict x, int n, float g);

/* out[i] = in[i] * g (linear). RT-safe. */
void ramp_copy_gain(float *restrict out, const float *restrict in, int n,
    float g);

/* out[i] += in[i] * g (linear). RT-safe. */
void ramp_mix_gain(float *restrict out, const float *restrict in, int n,
    float g);

/* out[i] += in[i] (unity gain sum). RT-safe. */
void ramp_mix_unity(float *restrict out, const float *restrict in, int n);

/*
 * One source into several outputs (a mono strip panned into a 7.1 bus): reads
 * each frame of in once and, for every output, does exactly what
 * ramp_mix_gain (gout[j], g[j]) or ramp_mix_seg (rout[j], c0[j], slope[j],
 * off) would, so each output element gets the same float operations as
 * those kernels. Outputs must not overlap in or each other. RT-safe.
 */
void ramp_mix_fanout(const float *restrict in, int n, int off,
    float *const *gout, const float *g, int ng,
    float *const *rout, const float *c0, const float *slope, int nr);

/*
 * Picks the AVX2 copy of the hot kernels (fan-out, segment ramp) or the
 * baseline one; both give the same bits. At load the AVX2 copy is picked
 * where the CPU has it, unless DUBSTAGE_DSP_NO_AVX2 is set. For tests that
 * compare the two; never while kernels run on other threads. Returns
 * whether the AVX2 copy is now in use.
 */
bool ramp_select_avx2(bool want);

/* x[i] *= g[i]: a per-frame gain curve (fades). RT-safe. */
void ramp_apply_curve(float *restrict x, const float *restrict g, int n);

#endif
