/* TPDF dither: the noise is triangular over +-1 LSB, the quantisation error
 * has mean 0 and variance 1/4 LSB^2 whatever the input, the output is
 * deterministic, clipped and laid out for sf_write_int. The vector paths
 * (SSE2, AVX2, the planar interleaver) give the bits of the original scalar
 * arithmetic, kept here as the reference, for every input, counter, stride
 * and split into calls. */
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

/* ---- bit-exactness: every fast path against the original scalar code ---- */

/*
 * The reference: dither.c's arithmetic as it was before the vector paths
 * (double and int64, the hash of each sample's full 64-bit index, the key
 * from the seed), kept here as the specification they must match bit for
 * bit.
 */
static uint64_t
ref_mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint32_t
ref_hash32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

static int32_t
ref_tpdf(uint64_t seed, uint64_t i)
{
	uint32_t key = (uint32_t)ref_mix64(seed);
	uint32_t r = ref_hash32((uint32_t)i ^ ref_hash32((uint32_t)(i >> 32) + key));

	return (int32_t)(r >> 16) - (int32_t)(r & 0xFFFF);
}

static int32_t
ref_quantise(float in, int32_t tpdf)
{
	double x = in;
	int64_t t, q;

	if (x != x)
		x = 0.0;
	if (x > 2.0)
		x = 2.0;
	else if (x < -2.0)
		x = -2.0;
	t = (int64_t)(x * 549755813888.0) + tpdf;
	q = (t + 32768) >> 16;
	if (q < DITHER_I24_MIN)
		q = DITHER_I24_MIN;
	else if (q > DITHER_I24_MAX)
		q = DITHER_I24_MAX;
	return (int32_t)q;
}

static float
f_bits(uint32_t u)
{
	float f;

	memcpy(&f, &u, sizeof f);
	return f;
}

static uint32_t
bits_f(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof u);
	return u;
}

static uint64_t rng = 0x243F6A8885A308D3ull;

static uint32_t
rnd(uint32_t n)       /* 0 .. n - 1 */
{
	return (uint32_t)((test_xorshift64(&rng) >> 11) % n);
}

/* Inputs that stress every step: NaNs of every kind, infinities, values
 * past 2, full scale and the floats around it, subnormals, signed zeros,
 * tiny values of both signs. */
static const uint32_t special_bits[] = {
	0x7FC00000u, 0xFFC00000u, 0x7F800001u, 0xFF800001u, 0x7FFFFFFFu,
	0xFFFFFFFFu, 0x7FA00000u,                       /* NaNs */
	0x7F800000u, 0xFF800000u,                       /* +-inf */
	0x7F7FFFFFu, 0xFF7FFFFFu,                       /* +-FLT_MAX */
	0x40000000u, 0xC0000000u, 0x40000001u, 0xC0000001u, 0x3FFFFFFFu,
	0xBFFFFFFFu,                                    /* 2 and around */
	0x3F800000u, 0xBF800000u, 0x3F800001u, 0xBF800001u, 0x3F7FFFFFu,
	0xBF7FFFFFu, 0x3F7FFFFEu, 0xBF7FFFFEu,          /* 1 and around */
	0x00000000u, 0x80000000u,                       /* +-0 */
	0x00000001u, 0x80000001u, 0x007FFFFFu, 0x807FFFFFu, 0x00400000u,
	0x80400000u,                                    /* subnormals */
	0x00800000u, 0x80800000u,                       /* +-FLT_MIN */
	0x0DA24260u, 0x8DA24260u,                       /* +-1e-30 */
	0x7149F2CAu, 0xF149F2CAu,                       /* +-1e30 */
	0x34000000u, 0xB4000000u, 0x33800000u, 0xB3800000u, 0x33FFFFFFu,
	0xB3FFFFFFu,                                    /* 1 and 1/2 LSB */
	0x3F000000u, 0xBF000000u,
};
#define N_SPECIAL ((int)(sizeof special_bits / sizeof special_bits[0]))

/*
 * A test input for the sample whose noise is t (units of 2^-16 LSB): one
 * of the special values, any bit pattern, ordinary audio, a value of any
 * size and sign, or one at (or one 2^-16 LSB either side of) the point
 * where the rounding of x * 2^39 + t turns over.
 */
static float
nasty(int32_t t)
{
	switch (rnd(8)) {
	case 0:
		return f_bits(special_bits[rnd(N_SPECIAL)]);
	case 1:
		return f_bits((uint32_t)test_xorshift64(&rng));
	case 2:
		return (float)(((double)rnd(1u << 30) / (1u << 29) - 1.0) * 1.05);
	case 3:
		return (float)ldexp(((double)rnd(1u << 24) + 1) / (1u << 24) *
		    (rnd(2) ? 1 : -1), (int)rnd(160) - 150);
	case 4: {
		/* 24 significant bits anywhere on the 2^-39 grid: an exact
		 * multiple of 2^-16 LSB */
		double m = (double)rnd(1u << 24) * (rnd(2) ? 1 : -1);

		return (float)ldexp(m, (int)rnd(17) - 39);
	}
	case 5: {
		/* x * 2^39 + t + 2^15 at a multiple of 2^16, or 1 off:
		 * m = k * 2^16 - 2^15 - t + e, exact while |m| < 2^24 */
		int32_t k = (int32_t)rnd(511) - 255;
		int32_t m = k * 65536 - 32768 - t + (int32_t)rnd(3) - 1;

		return (float)ldexp((double)m, -39);
	}
	case 6: {
		/* the same near full scale (and past it), where the float
		 * grid is coarser: the nearest float to the turning point */
		double lsb = (double)(int32_t)rnd(1u << 24) - (1 << 23) +
		    ((32768.0 - t) / 65536.0);

		return (float)(lsb / 8388608.0) * (rnd(4) ? 1.0f : 1.0000001f);
	}
	default:
		/* half-LSB points and their float neighbours */
		return f_bits(bits_f((float)(((double)rnd(1u << 25) - (1 << 24) +
		    0.5) / 8388608.0)) + rnd(3) - 1);
	}
}

static const uint64_t seeds[] = { 0, 1, 42, 0xFFFFFFFFFFFFFFFFull,
    0x0123456789ABCDEFull, 0x8000000000000000ull };
#define N_SEEDS ((int)(sizeof seeds / sizeof seeds[0]))

/* A starting counter: 0, anything, or a few samples before a multiple of
 * 2^32 (where the hoisted inner hash changes), 2^64 included. */
static uint64_t
some_state(void)
{
	switch (rnd(4)) {
	case 0:
		return rnd(2) ? 0 : rnd(100000);
	case 1:
		return test_xorshift64(&rng);
	case 2:
		return ((uint64_t)rnd(1u << 31) << 32) - rnd(6000);
	default:
		return 0 - (uint64_t)rnd(6000);      /* up to the 2^64 wrap */
	}
}

/* Cuts n into pieces: one call, or many, small and large, some empty. */
static int
some_piece(int left)
{
	const int small = (int)rnd(10);

	switch (rnd(4)) {
	case 0:
		return left;
	case 1:
		return small < left ? small : left;
	default:
		return (int)rnd((uint32_t)left + 1);
	}
}

#define MAX_N 5000
#define MAX_STRIDE 12
#define GUARD 0x5A

static float in_buf[MAX_N];
static int32_t want[MAX_N];
static int32_t i24_buf[MAX_N * MAX_STRIDE + 16];
static unsigned char s24_buf[MAX_N * (3 * MAX_STRIDE + 2) + 64];

struct exact_stats {
	long compared;          /* samples */
	long wrong;             /* samples that differ */
	long stray;             /* bytes or words written outside the samples */
	long state_wrong;       /* calls that left the counter elsewhere */
};

static void
report_first(const char *what, uint64_t seed, uint64_t state, int i, float x,
    long got, long expect)
{
	fprintf(stderr, "  %s: seed %#" PRIx64 " state %#" PRIx64 " sample %d "
	    "x %a (%08" PRIx32 "): got %ld, want %ld\n", what, seed, state, i,
	    (double)x, bits_f(x), got, expect);
}

/* One block of n samples from counter state0 through dither_to_i24 and
 * dither_to_s24le (random strides, random splits), against want[]. */
static void
check_block(struct exact_stats *st, uint64_t seed, uint64_t state0, int n,
    bool avx2)
{
	const int stride = rnd(3) ? (int)rnd(MAX_STRIDE) + 1 : 1;
	const int bstride = 3 * (rnd(3) ? (int)rnd(MAX_STRIDE) + 1 : 1) +
	    (rnd(4) ? 0 : (int)rnd(3));
	struct dither d;
	int wrong = 0;

	dither_init(&d, seed);
	d.avx2 = d.avx2 && avx2;
	d.state = state0;
	memset(i24_buf, GUARD, sizeof i24_buf);
	for (int done = 0; done < n;) {
		int m = some_piece(n - done);

		dither_to_i24(&d, in_buf + done, i24_buf + (long)done * stride, m,
		    stride);
		done += m;
	}
	st->state_wrong += d.state != state0 + (uint64_t)n;
	for (int i = 0; i < n * stride; i++) {
		if (i % stride == 0) {
			int k = i / stride;

			st->compared++;
			if (i24_buf[i] != want[k] * 256) {
				if (wrong++ == 0)
					report_first("dither_to_i24", seed, state0, k,
					    in_buf[k], i24_buf[i] / 256, want[k]);
				st->wrong++;
			}
		} else {
			st->stray += i24_buf[i] != 0x5A5A5A5A;
		}
	}
	for (int i = n * stride; i < n * stride + 16; i++)
		st->stray += i24_buf[i] != 0x5A5A5A5A;

	dither_init(&d, seed);
	d.avx2 = d.avx2 && avx2;
	d.state = state0;
	memset(s24_buf, GUARD, sizeof s24_buf);
	for (int done = 0; done < n;) {
		int m = some_piece(n - done);

		dither_to_s24le(&d, in_buf + done, s24_buf + (long)done * bstride, m,
		    bstride);
		done += m;
	}
	st->state_wrong += d.state != state0 + (uint64_t)n;
	wrong = 0;
	for (int i = 0; i < n * bstride + 48; i++) {
		int k = i / bstride, b = i % bstride;

		if (k < n && b < 3) {
			const uint32_t w = (uint32_t)want[k];

			if (b == 0) {
				const uint32_t got = s24_buf[i] |
				    (uint32_t)s24_buf[i + 1] << 8 |
				    (uint32_t)s24_buf[i + 2] << 16;

				st->compared++;
				if (got != (w & 0xFFFFFF)) {
					if (wrong++ == 0)
						report_first("dither_to_s24le", seed,
						    state0, k, in_buf[k], (long)got,
						    (long)(w & 0xFFFFFF));
					st->wrong++;
				}
			}
		} else {
			st->stray += s24_buf[i] != GUARD;
		}
	}
}

static void
test_exact_random(void)
{
	struct exact_stats st[2] = { { 0 } };
	struct dither probe;

	dither_init(&probe, 1);
	for (int trial = 0; trial < 1200; trial++) {
		const uint64_t seed = trial % 3 ? seeds[rnd(N_SEEDS)] :
		    test_xorshift64(&rng);
		const uint64_t state0 = some_state();
		int n = (int)rnd(MAX_N + 1);

		if (rnd(8) == 0)
			n = (int)rnd(20);
		for (int i = 0; i < n; i++) {
			const int32_t t = ref_tpdf(seed, state0 + (uint64_t)i);

			in_buf[i] = nasty(t);
			want[i] = ref_quantise(in_buf[i], t);
		}
		check_block(&st[0], seed, state0, n, false);
		check_block(&st[1], seed, state0, n, true);
	}
	for (int p = 0; p < 2; p++) {
		if (st[p].wrong || st[p].stray || st[p].state_wrong)
			fprintf(stderr, "exact_random, %s: %ld of %ld samples wrong, "
			    "%ld stray writes, %ld bad counters\n",
			    p ? "avx2" : "baseline", st[p].wrong, st[p].compared,
			    st[p].stray, st[p].state_wrong);
		CHECK_INT_EQ(st[p].wrong, 0);
		CHECK_INT_EQ(st[p].stray, 0);
		CHECK_INT_EQ(st[p].state_wrong, 0);
		CHECK(st[p].compared > 4000000);    /* the loop really ran */
	}
	printf("exact_random: %ld + %ld samples compared (AVX2 %s)\n",
	    st[0].compared, st[1].compared, probe.avx2 ? "on" : "not available");
}

/* A sweep over the float bit patterns (every 257th: all exponents, both
 * signs, NaNs, infinities and subnormals, many mantissas), contiguous
 * (stride 1, and 3 bytes) in long calls, across a multiple of 2^32. */
static void
test_exact_sweep(void)
{
	enum { BLOCK = 4096 };
	static float in[BLOCK];
	static int32_t out[BLOCK];
	static unsigned char b[BLOCK * 3];
	long wrong[2] = { 0, 0 }, compared = 0;
	uint64_t u = 0;

	for (int p = 0; p < 2; p++) {
		struct dither di, ds;
		const uint64_t seed = p ? 0x5EEDull : 7;

		dither_init(&di, seed);
		dither_init(&ds, seed);
		di.avx2 = ds.avx2 = di.avx2 && p == 1;
		/* cross a 2^32 boundary on the way */
		di.state = ds.state = ((uint64_t)3 << 32) - 123456789;
		for (u = 0; u < (1ull << 32); u += (uint64_t)BLOCK * 257) {
			const uint64_t s0 = di.state;
			int n = (1ull << 32) - u < (uint64_t)BLOCK * 257 ?
			    (int)(((1ull << 32) - u) / 257) : BLOCK;

			for (int i = 0; i < n; i++)
				in[i] = f_bits((uint32_t)(u + (uint64_t)i * 257));
			dither_to_i24(&di, in, out, n, 1);
			dither_to_s24le(&ds, in, b, n, 3);
			for (int i = 0; i < n; i++) {
				const int32_t w = ref_quantise(in[i],
				    ref_tpdf(seed, s0 + (uint64_t)i));
				const uint32_t got = b[3 * i] |
				    (uint32_t)b[3 * i + 1] << 8 |
				    (uint32_t)b[3 * i + 2] << 16;

				if (out[i] != w * 256 ||
				    got != ((uint32_t)w & 0xFFFFFF)) {
					if (wrong[p]++ == 0)
						report_first("sweep", seed, s0, i, in[i],
						    out[i] / 256, w);
				}
				compared++;
			}
		}
		CHECK_INT_EQ(wrong[p], 0);
	}
	CHECK(compared > 30000000);
}

/*
 * dither_planar_to_s24le against the reference and against one
 * dither_to_s24le call per channel: 1 to 12 channels and 33 to 40, each
 * with its own seed and counter (some crossing a multiple of 2^32 inside
 * the block), random lengths and splits.
 */
static void
test_exact_planar(void)
{
	enum { CH = 40, N = 2100 };
	static float in[CH][N];
	static int32_t w[CH][N];
	static unsigned char a[N * CH * 3 + 64], b[N * CH * 3 + 64];
	long wrong = 0, differ = 0, stray = 0, compared = 0, state_wrong = 0;

	for (int trial = 0; trial < 400; trial++) {
		/* every layout of the bounce writer (1 2 6 8 10) and the rest
		 * up to 12; sometimes more than one pass of groups (> 32) */
		const int ch = trial < 24 ? trial % 12 + 1 :
		    trial % 10 == 0 ? 33 + (int)rnd(8) : (int)rnd(12) + 1;
		const int n = ch > 12 ? (int)rnd(700) :
		    rnd(6) ? (int)rnd(N + 1) : (int)rnd(17);
		const bool avx2 = trial % 2;
		struct dither dp[CH], dc[CH];
		uint64_t seed[CH], s0[CH];
		const float *ptr[CH];

		for (int c = 0; c < ch; c++) {
			seed[c] = dither_seed_for_channel(trial, c);
			s0[c] = rnd(3) ? some_state() : s0[c > 0 ? c - 1 : 0];
			if (c == 0 && rnd(2))
				s0[c] = ((uint64_t)5 << 32) - rnd(N);
			dither_init(&dp[c], seed[c]);
			dp[c].avx2 = dp[c].avx2 && avx2;
			dp[c].state = s0[c];
			dc[c] = dp[c];
			for (int i = 0; i < n; i++) {
				const int32_t t = ref_tpdf(seed[c], s0[c] + (uint64_t)i);

				in[c][i] = nasty(t);
				w[c][i] = ref_quantise(in[c][i], t);
			}
		}
		memset(a, GUARD, sizeof a);
		memset(b, GUARD, sizeof b);
		for (int done = 0; done < n;) {
			int m = some_piece(n - done);

			for (int c = 0; c < ch; c++)
				ptr[c] = in[c] + done;
			dither_planar_to_s24le(dp, ptr, ch, a + (long)done * 3 * ch, m);
			done += m;
		}
		for (int c = 0; c < ch; c++) {
			dither_to_s24le(&dc[c], in[c], b + 3 * c, n, 3 * ch);
			state_wrong += dp[c].state != s0[c] + (uint64_t)n;
			state_wrong += dc[c].state != s0[c] + (uint64_t)n;
		}
		for (int i = 0; i < n; i++)
			for (int c = 0; c < ch; c++) {
				const unsigned char *p = a + 3 * ((long)i * ch + c);
				const uint32_t got = p[0] | (uint32_t)p[1] << 8 |
				    (uint32_t)p[2] << 16;

				compared++;
				if (got != ((uint32_t)w[c][i] & 0xFFFFFF) &&
				    wrong++ == 0)
					report_first("planar", seed[c], s0[c], i,
					    in[c][i], (long)got,
					    (long)((uint32_t)w[c][i] & 0xFFFFFF));
			}
		differ += memcmp(a, b, sizeof a) != 0;
		for (size_t i = (size_t)n * 3 * ch; i < sizeof a; i++)
			stray += a[i] != GUARD;
	}
	CHECK_INT_EQ(wrong, 0);
	CHECK_INT_EQ(differ, 0);
	CHECK_INT_EQ(stray, 0);
	CHECK_INT_EQ(state_wrong, 0);
	CHECK(compared > 1000000);
}

/* dither_tpdf_lsb walks the same sequence, across a multiple of 2^32 and
 * the 2^64 wrap. */
static void
test_exact_tpdf(void)
{
	const uint64_t starts[] = { 0, ((uint64_t)1 << 32) - 5,
	    ((uint64_t)77 << 32) - 3, 0 - (uint64_t)4 };
	int wrong = 0;

	for (size_t k = 0; k < sizeof starts / sizeof starts[0]; k++) {
		struct dither d;

		dither_init(&d, 0xABCDEF);
		d.state = starts[k];
		for (uint64_t i = 0; i < 10; i++)
			wrong += dither_tpdf_lsb(&d) !=
			    ref_tpdf(0xABCDEF, starts[k] + i) / 65536.0;
		CHECK(d.state == starts[k] + 10);
	}
	CHECK_INT_EQ(wrong, 0);
}

int
main(void)
{
	test_noise_is_triangular();
	test_error_is_tpdf();
	test_precision_near_full_scale();
	test_format_and_clipping();
	test_deterministic();
	test_exact_tpdf();
	test_exact_random();
	test_exact_sweep();
	test_exact_planar();
	return test_report();
}
