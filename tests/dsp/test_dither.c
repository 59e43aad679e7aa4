/* TPDF dither: the noise is triangular over +-1 LSB, the quantisation error
 * has mean 0 and variance 1/4 LSB^2 whatever the input, the output is
 * deterministic, clipped and laid out for sf_write_int. */
#include "test.h"

#include <stdbool.h>

#include "dsp/dither.h"

#define N_STAT 400000

/* Probability that triangular noise on (-1, 1) falls in [a, b]. */
static double
tri_mass(double a, double b)
{
	/* CDF of the triangular distribution on (-1, 1). */
	double fa = a < 0 ? (1 + a) * (1 + a) / 2 : 1 - (1 - a) * (1 - a) / 2;
	double fb = b < 0 ? (1 + b) * (1 + b) / 2 : 1 - (1 - b) * (1 - b) / 2;

	return fb - fa;
}

static void
test_noise_is_triangular(void)
{
	struct dither d;
	long bins[10] = { 0 };
	double sum = 0, sum2 = 0, lo = 0, hi = 0;
	int outside = 0;

	dither_init(&d, 12345);
	for (int i = 0; i < N_STAT; i++) {
		double t = dither_tpdf_lsb(&d);
		int b;

		if (!(t > -1.0 && t < 1.0)) {
			outside++;
			continue;
		}
		sum += t;
		sum2 += t * t;
		lo = t < lo ? t : lo;
		hi = t > hi ? t : hi;
		b = (int)((t + 1.0) * 5.0);
		bins[b > 9 ? 9 : b]++;
	}
	CHECK_INT_EQ(outside, 0);
	CHECK_NEAR(sum / N_STAT, 0.0, 0.005);
	CHECK_NEAR(sum2 / N_STAT, 1.0 / 6.0, 0.003);      /* two uniforms: 2 * 1/12 */
	CHECK(lo < -0.95 && hi > 0.95);                   /* spans the whole +-1 LSB */
	for (int b = 0; b < 10; b++) {
		double a = -1.0 + b * 0.2;

		CHECK_NEAR((double)bins[b] / N_STAT, tri_mass(a, a + 0.2), 0.004);
	}
	/* A rectangular (RPDF) source would fill the outer bins as much as the
	 * inner ones: the triangle has 1/9 of the centre bin's mass there. */
	CHECK(bins[0] * 5 < bins[4] && bins[9] * 5 < bins[5]);
}

/* Quantises a constant input (in LSBs) N_STAT times; returns the counts of
 * q - floor(x) for offsets -1 .. 2 and the error statistics. */
static void
quantise_constant(double x_lsb, long counts[4], double *mean, double *var)
{
	static float in[1000];
	static int32_t out[1000];
	struct dither d;
	double s = 0, s2 = 0;
	float xf = (float)(x_lsb / 8388608.0);
	double exact = (double)xf * 8388608.0;    /* what the float really holds */
	double base = floor(exact);

	for (int i = 0; i < 1000; i++)
		in[i] = xf;
	for (int k = 0; k < 4; k++)
		counts[k] = 0;
	dither_init(&d, 99);
	for (int rep = 0; rep < N_STAT / 1000; rep++) {
		dither_to_i24(&d, in, out, 1000, 1);
		for (int i = 0; i < 1000; i++) {
			double q = out[i] / 256;
			int k = (int)(q - base) + 1;

			if (k >= 0 && k < 4)
				counts[k]++;
			s += q - exact;
			s2 += (q - exact) * (q - exact);
		}
	}
	*mean = s / N_STAT;
	*var = s2 / N_STAT - *mean * *mean;
}

static void
test_error_is_tpdf(void)
{
	long c[4];
	double mean, var;
	const double offsets[] = { 0.0, 0.25, 0.5, 0.8 };

	/* On an exact LSB value: 1/8 one LSB down, 3/4 unchanged, 1/8 up. */
	quantise_constant(1000.0, c, &mean, &var);
	CHECK_NEAR((double)c[0] / N_STAT, 0.125, 0.004);
	CHECK_NEAR((double)c[1] / N_STAT, 0.75, 0.004);
	CHECK_NEAR((double)c[2] / N_STAT, 0.125, 0.004);
	CHECK_INT_EQ(c[3], 0);
	/* A quarter LSB above: (1/4)^2/2 down, (3/4)^2/2 up by a step. */
	quantise_constant(-2000.0 + 0.25, c, &mean, &var);
	CHECK_NEAR((double)c[0] / N_STAT, 0.03125, 0.003);
	CHECK_NEAR((double)c[1] / N_STAT, 0.6875, 0.004);
	CHECK_NEAR((double)c[2] / N_STAT, 0.28125, 0.004);
	CHECK_INT_EQ(c[3], 0);

	/* Mean 0 and variance 1/12 + 1/6 = 1/4 at every offset: the error does
	 * not depend on the signal (with no or RPDF dither it would). */
	for (size_t k = 0; k < sizeof offsets / sizeof offsets[0]; k++) {
		quantise_constant(123456.0 + offsets[k], c, &mean, &var);
		CHECK_NEAR(mean, 0.0, 0.004);
		CHECK_NEAR(var, 0.25, 0.006);
		CHECK_INT_EQ(c[0] + c[1] + c[2] + c[3], N_STAT);   /* within +-1.5 LSB */
	}
}

static void
test_precision_near_full_scale(void)
{
	long c[4];
	double mean, var;

	/* 0.75 + one float ulp is 6291456.5 LSB: needs the double arithmetic
	 * (in float the dither would be rounded to half-LSB steps). */
	quantise_constant(6291456.5, c, &mean, &var);
	CHECK_NEAR((double)c[1] / N_STAT, 0.5, 0.004);
	CHECK_NEAR((double)c[2] / N_STAT, 0.5, 0.004);
	CHECK_NEAR(mean, 0.0, 0.004);
	CHECK_NEAR(var, 0.25, 0.006);
}

static void
test_format_and_clipping(void)
{
	struct dither d;
	const float in[] = { 0.0f, 1.0f, -1.0f, 2.0f, -2.0f, INFINITY, -INFINITY,
	    NAN, 0.5f, -0.5f };
	enum { N = sizeof in / sizeof in[0] };
	int32_t out[N * 3];
	bool mult256 = true;

	for (int i = 0; i < N * 3; i++)
		out[i] = 0x5A5A5A5A;
	dither_init(&d, 7);
	dither_to_i24(&d, in, out, N, 3);
	for (int i = 0; i < N; i++) {
		mult256 = mult256 && out[i * 3] % 256 == 0;
		CHECK_INT_EQ(out[i * 3 + 1], 0x5A5A5A5A);     /* stride respected */
		CHECK_INT_EQ(out[i * 3 + 2], 0x5A5A5A5A);
	}
	CHECK(mult256);
	CHECK(out[0] / 256 >= -1 && out[0] / 256 <= 1);
	CHECK(out[3] / 256 >= DITHER_I24_MAX - 1);        /* +1.0: clipped or 1 LSB below */
	CHECK(out[6] / 256 <= DITHER_I24_MIN + 1);
	CHECK_INT_EQ(out[9], DITHER_I24_MAX * 256);       /* +2.0 */
	CHECK_INT_EQ(out[12], DITHER_I24_MIN * 256);      /* -2.0 */
	CHECK_INT_EQ(out[15], DITHER_I24_MAX * 256);
	CHECK_INT_EQ(out[18], DITHER_I24_MIN * 256);
	CHECK(out[21] / 256 >= -1 && out[21] / 256 <= 1);  /* NaN -> 0 */
	CHECK(abs(out[24] / 256 - 4194304) <= 1);
	CHECK(abs(out[27] / 256 + 4194304) <= 1);
	dither_to_i24(&d, in, out, 0, 1);                 /* n = 0 is fine */
}

static void
test_deterministic(void)
{
	static float in[5000];
	static int32_t a[5000], b[5000], c[5000];
	struct dither d1, d2, d3;
	int same_ch = 0, diff_seed = 0;

	for (int i = 0; i < 5000; i++)
		in[i] = (float)(0.3 * sin(i * 0.01));
	dither_init(&d1, 42);
	dither_to_i24(&d1, in, a, 5000, 1);
	/* The same seed in uneven blocks gives the same bits. */
	dither_init(&d2, 42);
	for (int done = 0; done < 5000;) {
		int n = 5000 - done < 333 ? 5000 - done : 333;

		dither_to_i24(&d2, in + done, b + done, n, 1);
		done += n;
	}
	CHECK(memcmp(a, b, sizeof a) == 0);
	/* reset restarts the sequence. */
	dither_reset(&d1);
	dither_to_i24(&d1, in, c, 5000, 1);
	CHECK(memcmp(a, c, sizeof a) == 0);
	/* Another seed, or another channel of the same file, gives other noise. */
	dither_init(&d3, 43);
	dither_to_i24(&d3, in, c, 5000, 1);
	for (int i = 0; i < 5000; i++)
		diff_seed += a[i] != c[i];
	CHECK(diff_seed > 1000);
	CHECK(dither_seed_for_channel(42, 0) != dither_seed_for_channel(42, 1));
	CHECK(dither_seed_for_channel(42, 0) == dither_seed_for_channel(42, 0));
	CHECK(dither_seed_for_channel(42, 0) != dither_seed_for_channel(43, 0));
	dither_init(&d1, dither_seed_for_channel(42, 0));
	dither_init(&d2, dither_seed_for_channel(42, 1));
	{
		double sxy = 0;

		for (int i = 0; i < N_STAT; i++) {
			double x = dither_tpdf_lsb(&d1), y = dither_tpdf_lsb(&d2);

			same_ch += x == y;
			sxy += x * y;
		}
		CHECK(same_ch < 10);
		/* Uncorrelated channels: E[xy] = 0 (variance 1/6 each). */
		CHECK_NEAR(sxy / N_STAT, 0.0, 0.003);
	}
}

int
main(void)
{
	test_noise_is_triangular();
	test_error_is_tpdf();
	test_precision_near_full_scale();
	test_format_and_clipping();
	test_deterministic();
	return test_report();
}
