/*
 * dither.c - TPDF dither with a SplitMix64 noise source.
 *
 * The arithmetic is done in double: at full scale a sample is ~2^23 LSBs,
 * where a float has no fractional bits left for the dither to act on.
 */
#include "dsp/dither.h"


#define GOLDEN_GAMMA 0x9E3779B97F4A7C15ull

static inline uint64_t
mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static inline uint64_t
next_u64(struct dither *d)
{
	d->state += GOLDEN_GAMMA;
	return mix64(d->state);
}

void
dither_init(struct dither *d, uint64_t seed)
{
	d->seed = seed;
	d->state = seed;
}

void
dither_reset(struct dither *d)
{
	d->state = d->seed;
}

uint64_t
dither_seed_for_channel(uint64_t file_seed, int ch)
{
	return mix64(mix64(file_seed) + (uint64_t)(unsigned)ch * GOLDEN_GAMMA +
	    1);
}

static inline double
tpdf(struct dither *d)
{
	const double scale = 1.0 / 4294967296.0;     /* 2^-32 */
	uint64_t r = next_u64(d);

	return (double)(uint32_t)(r >> 32) * scale -
	    (double)(uint32_t)r * scale;
}

double
dither_tpdf_lsb(struct dither *d)
{
	return tpdf(d);
}

/*
 * One dithered, rounded, clipped 24-bit value. floor(v + 0.5) without a
 * libm call: shifted to positive by 2^24 the truncating conversion is a
 * floor, and exact (|v| < 2^24 needs 25 of a double's 53 bits).
 */
static inline int32_t
quantise(struct dither *d, float in)
{
	double x = in, v;
	int64_t q;

	if (x != x)
		x = 0.0;
	if (x > 2.0)
		x = 2.0;      /* far past full scale: keep the arithmetic in range */
	else if (x < -2.0)
		x = -2.0;
	v = x * 8388608.0 + tpdf(d);
	q = (int64_t)(v + 0.5 + 16777216.0) - 16777216;
	if (q < DITHER_I24_MIN)
		q = DITHER_I24_MIN;
	else if (q > DITHER_I24_MAX)
		q = DITHER_I24_MAX;
	return (int32_t)q;
}

void
dither_to_i24(struct dither *d, const float *restrict in,
    int32_t *restrict out, int n, int out_stride)
{
	for (int i = 0; i < n; i++)
		out[(long)i * out_stride] = quantise(d, in[i]) * 256;
}

void
dither_to_s24le(struct dither *d, const float *restrict in,
    unsigned char *restrict out, int n, int out_stride_bytes)
{
	for (int i = 0; i < n; i++) {
		uint32_t q = (uint32_t)quantise(d, in[i]);
		unsigned char *p = out + (long)i * out_stride_bytes;

		p[0] = (unsigned char)q;
		p[1] = (unsigned char)(q >> 8);
		p[2] = (unsigned char)(q >> 16);
	}
}
