/*
 * ramp.c - vectorisable gain kernels.
 *
 * Shape of every kernel: an outer loop over whole RAMP_CHUNK-frame chunks
 * whose inner loop has a constant trip count (GCC's -O2 cost model
 * vectorises that: no epilogue is needed), then a scalar tail for the last
 * n % RAMP_CHUNK frames. In a ramp the frame index is converted to float
 * as (float)chunk_start + (float)k, which equals (float)(chunk_start + k)
 * exactly for n < 2^24, so chunk and tail compute the same g(i) as the
 * plain loop `g0 + step * (float)i`.
 */
#include "dsp/ramp.h"
#include "dsp/dsp.h"
#include "dsp/truepeak.h"   /* truepeak_no_avx2: one switch for every kernel */

#include <stdbool.h>

/*
 * On x86 with GCC or Clang the two hottest kernels of a mix (the pan
 * fan-out and the segment ramp) also exist compiled for AVX2, without FMA:
 * each element gets the same IEEE operations in the same order at either
 * width, so both copies give the same bits. The copy is picked once, when
 * the program loads.
 */
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define RAMP_X86 1
#define RAMP_AVX2 __attribute__((target("avx2")))

static bool ramp_avx2;

__attribute__((constructor)) static void
ramp_pick_avx2(void)
{
	__builtin_cpu_init();
	ramp_avx2 = __builtin_cpu_supports("avx2") && !truepeak_no_avx2();
}
#else
#define RAMP_X86 0
#endif

bool
ramp_select_avx2(bool want)
{
#if RAMP_X86
	ramp_avx2 = want && __builtin_cpu_supports("avx2");
	return ramp_avx2;
#else
	(void)want;
	return false;
#endif
}

static ALWAYS_INLINE void
apply_seg_body(float *restrict x, int n, float c0, float slope, int off)
{
	int i = 0;

	for (; i + RAMP_CHUNK <= n; i += RAMP_CHUNK) {
		float base = (float)(off + i);

		for (int k = 0; k < RAMP_CHUNK; k++)
			x[i + k] *= c0 + slope * (base + (float)k);
	}
	for (; i < n; i++)
		x[i] *= c0 + slope * (float)(off + i);
}

static void
apply_seg_generic(float *restrict x, int n, float c0, float slope, int off)
{
	apply_seg_body(x, n, c0, slope, off);
}

#if RAMP_X86
RAMP_AVX2 static void
apply_seg_avx2(float *restrict x, int n, float c0, float slope, int off)
{
	apply_seg_body(x, n, c0, slope, off);
}
#endif

void
ramp_apply_seg(float *restrict x, int n, float c0, float slope, int off)
{
#if RAMP_X86
	if (ramp_avx2) {
		apply_seg_avx2(x, n, c0, slope, off);
		return;
	}
#endif
	apply_seg_generic(x, n, c0, slope, off);
}

void
ramp_apply(float *restrict x, int n, float g0, float g1)
{
	if (n > 0)
		ramp_apply_seg(x, n, g0, (g1 - g0) / (float)n, 0);
}

void
ramp_copy(float *restrict out, const float *restrict in, int n, float g0,
    float g1)
{
	float step;
	int i = 0;

	if (n <= 0)
		return;
	step = (g1 - g0) / (float)n;
	for (; i + RAMP_CHUNK <= n; i += RAMP_CHUNK) {
		float base = (float)i;

		for (int k = 0; k < RAMP_CHUNK; k++)
			out[i + k] = in[i + k] * (g0 + step * (base + (float)k));
	}
	for (; i < n; i++)
		out[i] = in[i] * (g0 + step * (float)i);
}

void
ramp_mix_seg(float *restrict out, const float *restrict in, int n, float c0,
    float slope, int off)
{
	int i = 0;

	for (; i + RAMP_CHUNK <= n; i += RAMP_CHUNK) {
		float base = (float)(off + i);

		for (int k = 0; k < RAMP_CHUNK; k++)
			out[i + k] += in[i + k] * (c0 + slope * (base + (float)k));
	}
	for (; i < n; i++)
		out[i] += in[i] * (c0 + slope * (float)(off + i));
}

void
ramp_mix(float *restrict out, const float *restrict in, int n, float g0,
    float g1)
{
	if (n > 0)
		ramp_mix_seg(out, in, n, g0, (g1 - g0) / (float)n, 0);
}

void
ramp_apply_gain(float *restrict x, int n, float g)
{
	int i = 0;

	for (; i + RAMP_CHUNK <= n; i += RAMP_CHUNK)
		for (int k = 0; k < RAMP_CHUNK; k++)
			x[i + k] *= g;
	for (; i < n; i++)
		x[i] *= g;
}

void
ramp_copy_gain(float *restrict out, const float *restrict in, int n, float g)
{
	int i = 0;

	for (; i + RAMP_CHUNK <= n; i += RAMP_CHUNK)
		for (int k = 0; k < RAMP_CHUNK; k++)
			out[i + k] = in[i + k] * g;
	for (; i < n; i++)
		out[i] = in[i] * g;
}

void
ramp_mix_gain(float *restrict out, const float *restrict in, int n, float g)
{
	int i = 0;

	for (; i + RAMP_CHUNK <= n; i += RAMP_CHUNK)
		for (int k = 0; k < RAMP_CHUNK; k++)
			out[i + k] += in[i + k] * g;
	for (; i < n; i++)
		out[i] += in[i] * g;
}

void
ramp_mix_unity(float *restrict out, const float *restrict in, int n)
{
	int i = 0;

	for (; i + RAMP_CHUNK <= n; i += RAMP_CHUNK)
		for (int k = 0; k < RAMP_CHUNK; k++)
			out[i + k] += in[i + k];
	for (; i < n; i++)
		out[i] += in[i];
}

/*
 * Frame chunk by chunk: a chunk of in (in L1 from then on) and its ramp
 * positions serve every output. The inner loops keep "unroll 1": at -O3
 * GCC 12 otherwise unrolls them completely before the loop vectoriser runs
 * and then leaves them scalar.
 */
static ALWAYS_INLINE void
fanout_body(const float *restrict in, int n, int off,
    float *const *gout, const float *g, int ng,
    float *const *rout, const float *c0, const float *slope, int nr)
{
	int i = 0;

	for (; i + RAMP_CHUNK <= n; i += RAMP_CHUNK) {
		const float *restrict x = in + i;
		float base = (float)(off + i);

		for (int j = 0; j < ng; j++) {
			float *restrict d = gout[j] + i;
			float gj = g[j];

#pragma GCC unroll 1
			for (int k = 0; k < RAMP_CHUNK; k++)
				d[k] += x[k] * gj;
		}
		for (int j = 0; j < nr; j++) {
			float *restrict d = rout[j] + i;
			float cj = c0[j], sj = slope[j];

#pragma GCC unroll 1
			for (int k = 0; k < RAMP_CHUNK; k++)
				d[k] += x[k] * (cj + sj * (base + (float)k));
		}
	}
	for (; i < n; i++) {
		float x = in[i], t = (float)(off + i);

		for (int j = 0; j < ng; j++)
			gout[j][i] += x * g[j];
		for (int j = 0; j < nr; j++)
			rout[j][i] += x * (c0[j] + slope[j] * t);
	}
}

static void
fanout_generic(const float *restrict in, int n, int off,
    float *const *gout, const float *g, int ng,
    float *const *rout, const float *c0, const float *slope, int nr)
{
	fanout_body(in, n, off, gout, g, ng, rout, c0, slope, nr);
}

#if RAMP_X86
RAMP_AVX2 static void
fanout_avx2(const float *restrict in, int n, int off,
    float *const *gout, const float *g, int ng,
    float *const *rout, const float *c0, const float *slope, int nr)
{
	fanout_body(in, n, off, gout, g, ng, rout, c0, slope, nr);
}
#endif

void
ramp_mix_fanout(const float *restrict in, int n, int off,
    float *const *gout, const float *g, int ng,
    float *const *rout, const float *c0, const float *slope, int nr)
{
#if RAMP_X86
	if (ramp_avx2) {
		fanout_avx2(in, n, off, gout, g, ng, rout, c0, slope, nr);
		return;
	}
#endif
	fanout_generic(in, n, off, gout, g, ng, rout, c0, slope, nr);
}

void
ramp_apply_curve(float *restrict x, const float *restrict g, int n)
{
	int i = 0;

	for (; i + RAMP_CHUNK <= n; i += RAMP_CHUNK)
		for (int k = 0; k < RAMP_CHUNK; k++)
			x[i + k] *= g[i + k];
	for (; i < n; i++)
		x[i] *= g[i];
}
