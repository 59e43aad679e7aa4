/*
 * test_ramp.c - the gain kernels against plain scalar loops, bit for bit,
 * for lengths around the vector chunk size and unaligned buffers.
 */
#include "test.h"

#include "dsp/ramp.h"
#include "dsp/signals.h"

#define MAXN 1100

static const int lengths[] = { 1, 2, 7, 8, 9, 15, 16, 17, 63, 64, 65, 256,
	257, 1031 };
#define NLEN ((int)(sizeof lengths / sizeof lengths[0]))

static void
fill(float *x, int n, unsigned seed)
{
	for (int i = 0; i < n; i++) {
		seed = seed * 1664525u + 1013904223u;
		x[i] = (float)((double)(seed >> 8) / 8388608.0 - 1.0);
	}
}

/* The scalar definitions the kernels must reproduce exactly. */
static float
ref_gain(int i, int n, float g0, float g1)
{
	float step = (g1 - g0) / (float)n;

	return g0 + step * (float)i;
}

static void
test_apply_matches_reference(void)
{
	static float x[MAXN + 1], ref[MAXN + 1];

	for (int l = 0; l < NLEN; l++) {
		int n = lengths[l];

		/* offset 1: an unaligned start */
		fill(x, n + 1, (unsigned)n);
		memcpy(ref, x, sizeof x);
		ramp_apply(x + 1, n, 0.25f, 1.5f);
		for (int i = 0; i < n; i++)
			ref[1 + i] *= ref_gain(i, n, 0.25f, 1.5f);
		CHECK(same_bits(x, ref, n + 1));
	}
}

static void
test_ramp_endpoints(void)
{
	float x[100];
	int n = 100;

	for (int i = 0; i < n; i++)
		x[i] = 1.0f;
	ramp_apply(x, n, 0.5f, 1.0f);
	/* g0 exactly at sample 0 */
	CHECK(x[0] == 0.5f);
	/* last sample is one step short of g1: g0 + (g1-g0)(n-1)/n */
	CHECK_NEAR(x[n - 1], 0.5 + 0.5 * 99.0 / 100.0, 1e-7);
	CHECK(x[n - 1] < 1.0f);
	/* monotonic, constant step */
	for (int i = 1; i < n; i++)
		CHECK_NEAR(x[i] - x[i - 1], 0.005, 1e-6);

	/* Two chained blocks form one straight line from 0 to 1 over 2n. */
	float a[64], b[64];

	for (int i = 0; i < 64; i++)
		a[i] = b[i] = 1.0f;
	ramp_apply(a, 64, 0.0f, 0.5f);
	ramp_apply(b, 64, 0.5f, 1.0f);
	CHECK(a[0] == 0.0f);
	CHECK(b[0] == 0.5f);
	for (int i = 0; i < 64; i++) {
		CHECK_NEAR(a[i], i / 128.0, 1e-7);
		CHECK_NEAR(b[i], (64 + i) / 128.0, 1e-7);
	}

	/* A falling ramp and a constant "ramp" */
	float c[10];

	for (int i = 0; i < 10; i++)
		c[i] = 2.0f;
	ramp_apply(c, 10, 1.0f, 0.0f);
	CHECK(c[0] == 2.0f);
	CHECK_NEAR(c[9], 0.2, 1e-6);
	for (int i = 0; i < 10; i++)
		c[i] = 2.0f;
	ramp_apply(c, 10, 0.75f, 0.75f);
	for (int i = 0; i < 10; i++)
		CHECK(c[i] == 1.5f);
}

static void
test_copy_mix_match_reference(void)
{
	static float in[MAXN + 1], out[MAXN + 1], ref[MAXN + 1];

	for (int l = 0; l < NLEN; l++) {
		int n = lengths[l];

		fill(in, n + 1, 7u + (unsigned)n);
		fill(out, n + 1, 99u + (unsigned)n);
		memcpy(ref, out, sizeof out);
		ramp_mix(out + 1, in, n, 1.0f, -0.5f);
		for (int i = 0; i < n; i++)
			ref[1 + i] += in[i] * ref_gain(i, n, 1.0f, -0.5f);
		CHECK(same_bits(out, ref, n + 1));

		ramp_copy(out, in + 1, n, 0.1f, 0.9f);
		for (int i = 0; i < n; i++)
			ref[i] = in[1 + i] * ref_gain(i, n, 0.1f, 0.9f);
		CHECK(same_bits(out, ref, n));

		fill(out, n, 5u);
		memcpy(ref, out, sizeof out);
		ramp_mix_gain(out, in, n, 0.3f);
		for (int i = 0; i < n; i++)
			ref[i] += in[i] * 0.3f;
		CHECK(same_bits(out, ref, n));

		ramp_mix_unity(out, in, n);
		for (int i = 0; i < n; i++)
			ref[i] += in[i];
		CHECK(same_bits(out, ref, n));

		ramp_copy_gain(out, in, n, -2.0f);
		for (int i = 0; i < n; i++)
			ref[i] = in[i] * -2.0f;
		CHECK(same_bits(out, ref, n));

		ramp_apply_gain(out, n, 0.5f);
		for (int i = 0; i < n; i++)
			ref[i] *= 0.5f;
		CHECK(same_bits(out, ref, n));

		ramp_apply_curve(out, in + 1, n);
		for (int i = 0; i < n; i++)
			ref[i] *= in[1 + i];
		CHECK(same_bits(out, ref, n));
	}
}

/*
 * The fan-out against a plain loop per output: fixed gains add in * g, ramps
 * add in * (c0 + slope * (off + i)); up to 8 + 8 outputs, unaligned, from
 * frame offsets that are not multiples of the chunk.
 */
static void
check_fanout(void)
{
	enum { NOUT = 8 };
	static float in[MAXN + 1], out[2 * NOUT][MAXN + 1], ref[2 * NOUT][MAXN + 1];
	float g[NOUT], c0[NOUT], slope[NOUT];
	float *gout[NOUT], *rout[NOUT];

	for (int l = 0; l < NLEN; l++) {
		int n = lengths[l], off = 37 * l;

		for (int ng = 0; ng <= NOUT; ng += 3)
			for (int nr = 0; nr <= NOUT; nr += 4) {
				fill(in, n + 1, 11u + (unsigned)n);
				for (int j = 0; j < 2 * NOUT; j++) {
					fill(out[j], n + 1, 200u + (unsigned)(j * n));
					memcpy(ref[j], out[j], sizeof out[j]);
				}
				for (int j = 0; j < NOUT; j++) {
					g[j] = 0.1f * (float)(j + 1);
					c0[j] = 0.9f - 0.05f * (float)j;
					slope[j] = -1e-3f * (float)(j + 1);
					gout[j] = out[j] + 1;
					rout[j] = out[NOUT + j] + 1;
				}
				ramp_mix_fanout(in + 1, n, off, gout, g, ng, rout, c0,
				    slope, nr);
				for (int j = 0; j < ng; j++)
					for (int i = 0; i < n; i++)
						ref[j][1 + i] += in[1 + i] * g[j];
				for (int j = 0; j < nr; j++)
					for (int i = 0; i < n; i++)
						ref[NOUT + j][1 + i] += in[1 + i] *
						    (c0[j] + slope[j] * (float)(off + i));
				for (int j = 0; j < 2 * NOUT; j++)
					CHECK(same_bits(out[j], ref[j], n + 1));
			}
	}
}

/* Both copies of the hot kernels (AVX2 where the CPU has it, and the
 * baseline) give the plain loops' bits. */
static void
test_fanout_both_copies(void)
{
	bool avx2 = ramp_select_avx2(true);

	check_fanout();
	test_apply_matches_reference();
	if (avx2) {
		CHECK(!ramp_select_avx2(false));
		check_fanout();
		test_apply_matches_reference();
		ramp_select_avx2(true);
	} else {
		printf("note: no AVX2 on this CPU; the baseline copy only\n");
	}
}

static void
test_zero_length(void)
{
	float x[4] = { 1, 2, 3, 4 }, y[4] = { 5, 6, 7, 8 };

	ramp_apply(x, 0, 0.0f, 1.0f);
	ramp_mix(x, y, 0, 0.0f, 1.0f);
	ramp_copy(x, y, 0, 0.0f, 1.0f);
	ramp_apply(x, -3, 0.0f, 1.0f);
	ramp_mix_unity(x, y, 0);
	CHECK(x[0] == 1.0f && x[3] == 4.0f);
	/* n = 1: the single sample gets g0 */
	ramp_apply(x, 1, 0.5f, 1.0f);
	CHECK(x[0] == 0.5f);
	CHECK(x[1] == 2.0f);
}

int
main(void)
{
	test_apply_matches_reference();
	test_ramp_endpoints();
	test_copy_mix_match_reference();
	test_zero_length();
	test_fanout_both_copies();
	return test_report();
}
