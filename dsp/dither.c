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

/* A 32-bit integer hash with good avalanche (lowbias32). */
static inline uint32_t
hash32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

void
dither_init(struct dither *d, uint64_t seed)
{
	d->seed = seed;
	d->key = (uint32_t)mix64(seed);
	d->state = 0;
}

void
dither_reset(struct dither *d)
{
	d->state = 0;
}

uint64_t
dither_seed_for_channel(uint64_t file_seed, int ch)
{
	return mix64(mix64(file_seed) + (uint64_t)(unsigned)ch * GOLDEN_GAMMA +
	    1);
}

/*
 * The TPDF value for the next sample, in units of 2^-16 LSB, in
 * (-65536, +65536): the difference of the two 16-bit halves of a hash of
 * the sample's index (counter-based: cheap, and the same whatever the
 * block sizes).
 */
static inline int32_t
tpdf_fixed(struct dither *d)
{
	uint64_t i = d->state++;
	uint32_t r = hash32((uint32_t)i ^ hash32((uint32_t)(i >> 32) + d->key));

	return (int32_t)(r >> 16) - (int32_t)(r & 0xFFFF);
}

double
dither_tpdf_lsb(struct dither *d)
{
	return tpdf_fixed(d) / 65536.0;
}

/*
 * One dithered, rounded, clipped 24-bit value, in fixed point with 16
 * fractional bits: x * 2^39 (exact in double and int64 for |x| <= 2) plus
 * the dither, rounded to the nearest LSB by an arithmetic shift (a floor).
 */
static inline int32_t
quantise(struct dither *d, float in)
{
	double x = in;
	int64_t t, q;

	if (x != x)
		x = 0.0;
	if (x > 2.0)
		x = 2.0;      /* far past full scale: keep the arithmetic in range */
	else if (x < -2.0)
		x = -2.0;
	t = (int64_t)(x * 549755813888.0) + tpdf_fixed(d);
	q = (t + 32768) >> 16;
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
