/*
 * dither.c - TPDF dither with a counter-based hash as the noise source.
 *
 * The reference arithmetic (quantise below) is done in double and int64:
 * at full scale a sample is ~2^23 LSBs, where a float has no fractional
 * bits left for the dither to act on. It is the portable form, and it
 * finishes the few samples of a block that do not fill a vector.
 *
 * On x86 the samples go four at a time (SSE2, the baseline) or eight at a
 * time (AVX2, when the CPU has it; dither_init picks), with the same value
 * computed in int32 and exact float steps (see q_sse2). Both give the same
 * bits as quantise for every input; tests/dsp/test_dither.c compares them
 * with a copy of it. The 3-byte stores of an interleaved buffer then cost
 * more than the arithmetic: dither_planar_to_s24le does all the channels
 * at once and stores whole frames (see planar_pass_body).
 *
 * The noise of sample i is hash32((uint32_t)i ^ hash32((uint32_t)(i >> 32)
 * + key)). The inner hash changes only when the counter's high word does,
 * so it is computed once per run of samples that share that word (a block
 * that crosses a multiple of 2^32 is split there: see segment).
 */
#include "dsp/dither.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__SSE2__) && defined(__x86_64__) && defined(__GNUC__)
#define DITHER_AVX2_OK 1
#define DITHER_AVX2 __attribute__((target("avx2")))
#include <immintrin.h>
#include "dsp/truepeak.h" /* truepeak_no_avx2: one switch for every kernel */
#else
#define DITHER_AVX2_OK 0
#endif

#define GOLDEN_GAMMA 0x9E3779B97F4A7C15ull
#define HASH_M1 0x7feb352du
#define HASH_M2 0x846ca68bu

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
	x *= HASH_M1;
	x ^= x >> 15;
	x *= HASH_M2;
	x ^= x >> 16;
	return x;
}

void
dither_init(struct dither *d, uint64_t seed)
{
	d->seed = seed;
	d->key = (uint32_t)mix64(seed);
	d->state = 0;
#if DITHER_AVX2_OK
	d->avx2 = __builtin_cpu_supports("avx2") && !truepeak_no_avx2();
#else
	d->avx2 = false;
#endif
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
 * The TPDF value for a hash r, in units of 2^-16 LSB, in (-65536, +65536):
 * the difference of its two 16-bit halves.
 */
static inline int32_t
tpdf_of(uint32_t r)
{
	return (int32_t)(r >> 16) - (int32_t)(r & 0xFFFF);
}

/* The inner hash for the samples that share the high word of state. */
static inline uint32_t
segment_key(const struct dither *d)
{
	return hash32((uint32_t)(d->state >> 32) + d->key);
}

/* How many of the next n samples share the counter's high word. */
static inline int
segment(const struct dither *d, int n)
{
	const uint32_t left = 0u - (uint32_t)d->state;  /* 0: 2^32 */

	return left != 0 && left < (uint32_t)n ? (int)left : n;
}

double
dither_tpdf_lsb(struct dither *d)
{
	const uint32_t k = segment_key(d);

	return tpdf_of(hash32((uint32_t)d->state++ ^ k)) / 65536.0;
}

/*
 * One dithered, rounded, clipped 24-bit value, in fixed point with 16
 * fractional bits: x * 2^39 (exact in double and int64 for |x| <= 2) plus
 * the dither t, rounded to the nearest LSB by an arithmetic shift (a floor).
 */
static inline int32_t
quantise(float in, int32_t t)
{
	double x = in;
	int64_t v, q;

	if (x != x)
		x = 0.0;
	if (x > 2.0)
		x = 2.0;    /* far past full scale: keep the arithmetic in range */
	else if (x < -2.0)
		x = -2.0;
	v = (int64_t)(x * 549755813888.0) + t;
	q = (v + 32768) >> 16;
	if (q < DITHER_I24_MIN)
		q = DITHER_I24_MIN;
	else if (q > DITHER_I24_MAX)
		q = DITHER_I24_MAX;
	return (int32_t)q;
}

static inline void
put_s24le(unsigned char *p, uint32_t q)
{
	p[0] = (unsigned char)q;
	p[1] = (unsigned char)(q >> 8);
	p[2] = (unsigned char)(q >> 16);
}

#if defined(__SSE2__)
/* put_s24le in two stores (x86 is little-endian); compilers do not merge
 * the byte stores by themselves. */
static inline void
put_s24le_x86(unsigned char *p, uint32_t q)
{
	const uint16_t w = (uint16_t)q;

	memcpy(p, &w, 2);
	p[2] = (unsigned char)(q >> 16);
}

/*
 * The vector form. With x NaN-free and clamped to [-2, 2] as quantise has
 * it, a = x * 2^23 is exact in float, hi = trunc(a) fits an int32 (|hi| <=
 * 2^24, so (float)hi is exact), f = a - hi is exact (the bits of a below
 * its units, same sign as a) and so is f * 2^16; lo = trunc(f * 2^16) is
 * in (-65536, 65536). As hi and f have the same sign, trunc(x * 2^39) =
 * trunc(hi * 2^16 + f * 2^16) = hi * 2^16 + lo, and quantise's
 * floor((trunc(x * 2^39) + t + 2^15) / 2^16) is
 *
 *   hi + ((lo + t + 2^15) >> 16)
 *
 * exactly (arithmetic shift: floor), every term in int32. Clipped to the
 * 24-bit range after that, as in quantise. No step rounds, so neither the
 * rounding mode nor DAZ/FTZ change a bit: a subnormal x gives hi = lo = 0
 * either way, as trunc of its tiny x * 2^39 does.
 *
 * The hash's 32-bit multiplies: SSE2 multiplies only lanes 0 and 2 (32 x
 * 32 -> 64 bits). Lanes 1 and 3 are shifted down into those places for a
 * second multiply, and one shufps gathers the low halves of the four
 * products, in the lane order 0 2 1 3. The hash multiplies twice and the
 * xor-shifts work lane by lane, so the second multiply puts the lanes back
 * in order.
 *
 * The TPDF value (h >> 16) - (h & 0xFFFF) is one pmaddwd: with both halves
 * flipped by 0x8000 they read as signed 16-bit values 32768 less than the
 * unsigned ones, and high * 1 + low * -1 is the same difference.
 */
static inline __m128i
mul32_swap_sse2(__m128i a, __m128i m)
{
	const __m128i even = _mm_mul_epu32(a, m);
	const __m128i odd = _mm_mul_epu32(_mm_srli_epi64(a, 32), m);

	return _mm_castps_si128(_mm_shuffle_ps(_mm_castsi128_ps(even),
	    _mm_castsi128_ps(odd), _MM_SHUFFLE(2, 0, 2, 0)));
}

/* The quantised values of x (four samples) whose counters' low words,
 * xor'ed with the segment key, are h. */
static inline __m128i
q_sse2(__m128 x, __m128i h)
{
	__m128i hi, lo, q;
	__m128 a, qf;

	/* hash32 */
	h = _mm_xor_si128(h, _mm_srli_epi32(h, 16));
	h = mul32_swap_sse2(h, _mm_set1_epi32((int)HASH_M1));
	h = _mm_xor_si128(h, _mm_srli_epi32(h, 15));
	h = mul32_swap_sse2(h, _mm_set1_epi32((int)HASH_M2));
	h = _mm_xor_si128(h, _mm_srli_epi32(h, 16));
	/* NaN -> 0 first: minps and maxps return their second operand when
	 * either is NaN */
	x = _mm_and_ps(x, _mm_cmpord_ps(x, x));
	x = _mm_min_ps(_mm_max_ps(x, _mm_set1_ps(-2.0f)), _mm_set1_ps(2.0f));
	a = _mm_mul_ps(x, _mm_set1_ps(8388608.0f));
	hi = _mm_cvttps_epi32(a);
	lo = _mm_cvttps_epi32(_mm_mul_ps(_mm_sub_ps(a, _mm_cvtepi32_ps(hi)),
	    _mm_set1_ps(65536.0f)));
	/* lo + the TPDF value + the half LSB that makes the shift round */
	lo = _mm_add_epi32(_mm_add_epi32(lo, _mm_set1_epi32(32768)),
	    _mm_madd_epi16(_mm_xor_si128(h, _mm_set1_epi32((int)0x80008000u)),
	    _mm_set1_epi32(0x0001FFFF)));
	q = _mm_add_epi32(hi, _mm_srai_epi32(lo, 16));
	/* the clip, in float (SSE2 has no 32-bit integer min/max): exact
	 * below 2^24 in magnitude, and monotonic above */
	qf = _mm_cvtepi32_ps(q);
	qf = _mm_min_ps(_mm_max_ps(qf, _mm_set1_ps((float)DITHER_I24_MIN)),
	    _mm_set1_ps((float)DITHER_I24_MAX));
	return _mm_cvttps_epi32(qf);
}

static inline void
store12_sse2(unsigned char *p, __m128i b)
{
	uint32_t w = (uint32_t)_mm_cvtsi128_si32(_mm_srli_si128(b, 8));

	_mm_storel_epi64((__m128i *)p, b);
	memcpy(p + 8, &w, 4);
}

/*
 * The vector part of a segment (n samples whose counters have the low
 * words lo, lo + 1, ... and the segment key k): returns how many samples
 * it did (n rounded down to a multiple of 4).
 */
static int
i24_sse2(const float *restrict in, int32_t *restrict out, int n, int stride,
    uint32_t lo, uint32_t k)
{
	const __m128i key = _mm_set1_epi32((int)k), four = _mm_set1_epi32(4);
	__m128i idx = _mm_add_epi32(_mm_set1_epi32((int)lo),
	    _mm_setr_epi32(0, 1, 2, 3));
	int i = 0;

	if (stride == 1) {
		for (; i + 4 <= n; i += 4) {
			const __m128i q = q_sse2(_mm_loadu_ps(in + i),
			    _mm_xor_si128(idx, key));

			idx = _mm_add_epi32(idx, four);
			_mm_storeu_si128((__m128i *)(out + i),
			    _mm_slli_epi32(q, 8));
		}
		return i;
	}
	for (; i + 4 <= n; i += 4) {
		int32_t v[4];
		int32_t *o = out + (long)i * stride;

		_mm_storeu_si128((__m128i *)v, _mm_slli_epi32(q_sse2(
		    _mm_loadu_ps(in + i), _mm_xor_si128(idx, key)), 8));
		idx = _mm_add_epi32(idx, four);
		o[0] = v[0];
		o[stride] = v[1];
		o[2 * stride] = v[2];
		o[3 * stride] = v[3];
	}
	return i;
}

static int
s24_sse2(const float *restrict in, unsigned char *restrict out, int n,
    int stride, uint32_t lo, uint32_t k)
{
	const __m128i key = _mm_set1_epi32((int)k), four = _mm_set1_epi32(4);
	__m128i idx = _mm_add_epi32(_mm_set1_epi32((int)lo),
	    _mm_setr_epi32(0, 1, 2, 3));
	int i = 0;

	for (; i + 4 <= n; i += 4) {
		uint32_t v[4];
		unsigned char *o = out + (long)i * stride;

		_mm_storeu_si128((__m128i *)v, q_sse2(_mm_loadu_ps(in + i),
		    _mm_xor_si128(idx, key)));
		idx = _mm_add_epi32(idx, four);
		put_s24le_x86(o, v[0]);
		put_s24le_x86(o + stride, v[1]);
		put_s24le_x86(o + 2 * stride, v[2]);
		put_s24le_x86(o + 3 * stride, v[3]);
	}
	return i;
}
#endif

#if DITHER_AVX2_OK
/* q_sse2 on eight lanes, with AVX2's 32-bit multiply and min/max. */
DITHER_AVX2 static inline __m256i
q_avx2(__m256 x, __m256i h)
{
	__m256i t, hi, lo, q;
	__m256 a;

	h = _mm256_xor_si256(h, _mm256_srli_epi32(h, 16));
	h = _mm256_mullo_epi32(h, _mm256_set1_epi32((int)HASH_M1));
	h = _mm256_xor_si256(h, _mm256_srli_epi32(h, 15));
	h = _mm256_mullo_epi32(h, _mm256_set1_epi32((int)HASH_M2));
	h = _mm256_xor_si256(h, _mm256_srli_epi32(h, 16));
	t = _mm256_sub_epi32(_mm256_add_epi32(_mm256_srli_epi32(h, 16),
	    _mm256_set1_epi32(32768)),
	    _mm256_and_si256(h, _mm256_set1_epi32(0xFFFF)));
	x = _mm256_and_ps(x, _mm256_cmp_ps(x, x, _CMP_ORD_Q));
	x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-2.0f)),
	    _mm256_set1_ps(2.0f));
	a = _mm256_mul_ps(x, _mm256_set1_ps(8388608.0f));
	hi = _mm256_cvttps_epi32(a);
	lo = _mm256_cvttps_epi32(_mm256_mul_ps(_mm256_sub_ps(a,
	    _mm256_cvtepi32_ps(hi)), _mm256_set1_ps(65536.0f)));
	q = _mm256_add_epi32(hi,
	    _mm256_srai_epi32(_mm256_add_epi32(lo, t), 16));
	q = _mm256_max_epi32(q, _mm256_set1_epi32(DITHER_I24_MIN));
	return _mm256_min_epi32(q, _mm256_set1_epi32(DITHER_I24_MAX));
}

/* In each 128-bit half, four values (the low 24 bits of each lane) as 12
 * bytes of s24le, in bytes 0-11 of the half. */
DITHER_AVX2 static inline __m256i
pack12_avx2(__m256i q)
{
	return _mm256_shuffle_epi8(q, _mm256_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9,
	    10, 12, 13, 14, -1, -1, -1, -1, 0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14,
	    -1, -1, -1, -1));
}

/* Eight values as 24 bytes of s24le. */
DITHER_AVX2 static inline void
store24_avx2(unsigned char *p, __m256i q)
{
	__m256i b = pack12_avx2(q);

	/* bytes 0-11 and 16-27 -> 0-23 */
	b = _mm256_permutevar8x32_epi32(b, _mm256_setr_epi32(0, 1, 2, 4, 5, 6,
	    3, 7));
	_mm_storeu_si128((__m128i *)p, _mm256_castsi256_si128(b));
	_mm_storel_epi64((__m128i *)(p + 16), _mm256_extracti128_si256(b, 1));
}

/* The eight values of q in four 64-bit words, two a word (for int32
 * stores: cheaper than eight extracts). */
DITHER_AVX2 static inline void
lanes64_avx2(uint64_t w[4], __m256i q)
{
	const __m128i lo = _mm256_castsi256_si128(q);
	const __m128i hi = _mm256_extracti128_si256(q, 1);

	w[0] = (uint64_t)_mm_cvtsi128_si64(lo);
	w[1] = (uint64_t)_mm_extract_epi64(lo, 1);
	w[2] = (uint64_t)_mm_cvtsi128_si64(hi);
	w[3] = (uint64_t)_mm_extract_epi64(hi, 1);
}

DITHER_AVX2 static int
i24_avx2(const float *restrict in, int32_t *restrict out, int n, int stride,
    uint32_t lo, uint32_t k)
{
	const __m256i key = _mm256_set1_epi32((int)k);
	const __m256i eight = _mm256_set1_epi32(8);
	__m256i idx = _mm256_add_epi32(_mm256_set1_epi32((int)lo),
	    _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
	int i = 0;

	if (stride == 1) {
		for (; i + 8 <= n; i += 8) {
			const __m256i q = q_avx2(_mm256_loadu_ps(in + i),
			    _mm256_xor_si256(idx, key));

			idx = _mm256_add_epi32(idx, eight);
			_mm256_storeu_si256((__m256i *)(out + i),
			    _mm256_slli_epi32(q, 8));
		}
		return i;
	}
	for (; i + 8 <= n; i += 8) {
		int32_t *o = out + (long)i * stride;
		uint64_t w[4];

		lanes64_avx2(w, _mm256_slli_epi32(q_avx2(_mm256_loadu_ps(in + i),
		    _mm256_xor_si256(idx, key)), 8));
		idx = _mm256_add_epi32(idx, eight);
		o[0] = (int32_t)w[0];
		o[stride] = (int32_t)(w[0] >> 32);
		o[2 * stride] = (int32_t)w[1];
		o[3 * stride] = (int32_t)(w[1] >> 32);
		o[4 * stride] = (int32_t)w[2];
		o[5 * stride] = (int32_t)(w[2] >> 32);
		o[6 * stride] = (int32_t)w[3];
		o[7 * stride] = (int32_t)(w[3] >> 32);
	}
	return i;
}

DITHER_AVX2 static int
s24_avx2(const float *restrict in, unsigned char *restrict out, int n,
    int stride, uint32_t lo, uint32_t k)
{
	const __m256i key = _mm256_set1_epi32((int)k);
	const __m256i eight = _mm256_set1_epi32(8);
	__m256i idx = _mm256_add_epi32(_mm256_set1_epi32((int)lo),
	    _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
	int i = 0;

	if (stride == 3) {
		for (; i + 8 <= n; i += 8) {
			const __m256i q = q_avx2(_mm256_loadu_ps(in + i),
			    _mm256_xor_si256(idx, key));

			idx = _mm256_add_epi32(idx, eight);
			store24_avx2(out + 3 * i, q);
		}
		return i;
	}
	for (; i + 8 <= n; i += 8) {
		unsigned char *o = out + (long)i * stride;
		const __m256i q = q_avx2(_mm256_loadu_ps(in + i),
		    _mm256_xor_si256(idx, key));
		const __m128i q0 = _mm256_castsi256_si128(q);
		const __m128i q1 = _mm256_extracti128_si256(q, 1);

		idx = _mm256_add_epi32(idx, eight);
		put_s24le_x86(o, (uint32_t)_mm_cvtsi128_si32(q0));
		put_s24le_x86(o + stride, (uint32_t)_mm_extract_epi32(q0, 1));
		put_s24le_x86(o + 2 * stride, (uint32_t)_mm_extract_epi32(q0, 2));
		put_s24le_x86(o + 3 * stride, (uint32_t)_mm_extract_epi32(q0, 3));
		put_s24le_x86(o + 4 * stride, (uint32_t)_mm_cvtsi128_si32(q1));
		put_s24le_x86(o + 5 * stride, (uint32_t)_mm_extract_epi32(q1, 1));
		put_s24le_x86(o + 6 * stride, (uint32_t)_mm_extract_epi32(q1, 2));
		put_s24le_x86(o + 7 * stride, (uint32_t)_mm_extract_epi32(q1, 3));
	}
	return i;
}
#endif

void
dither_to_i24(struct dither *d, const float *restrict in,
    int32_t *restrict out, int n, int out_stride)
{
	while (n > 0) {
		const int m = segment(d, n);
		const uint32_t k = segment_key(d), lo = (uint32_t)d->state;
		int i = 0;

#if DITHER_AVX2_OK
		if (d->avx2)
			i = i24_avx2(in, out, m, out_stride, lo, k);
		else
#endif
#if defined(__SSE2__)
			i = i24_sse2(in, out, m, out_stride, lo, k);
#endif
		for (; i < m; i++)
			out[(long)i * out_stride] = quantise(in[i],
			    tpdf_of(hash32((lo + (uint32_t)i) ^ k))) * 256;
		d->state += (uint64_t)m;
		in += m;
		out += (long)m * out_stride;
		n -= m;
	}
}

void
dither_to_s24le(struct dither *d, const float *restrict in,
    unsigned char *restrict out, int n, int out_stride_bytes)
{
	while (n > 0) {
		const int m = segment(d, n);
		const uint32_t k = segment_key(d), lo = (uint32_t)d->state;
		int i = 0;

#if DITHER_AVX2_OK
		if (d->avx2)
			i = s24_avx2(in, out, m, out_stride_bytes, lo, k);
		else
#endif
#if defined(__SSE2__)
			i = s24_sse2(in, out, m, out_stride_bytes, lo, k);
#endif
		for (; i < m; i++)
			put_s24le(out + (long)i * out_stride_bytes,
			    (uint32_t)quantise(in[i],
			    tpdf_of(hash32((lo + (uint32_t)i) ^ k))));
		d->state += (uint64_t)m;
		in += m;
		out += (long)m * out_stride_bytes;
		n -= m;
	}
}

#if DITHER_AVX2_OK
/* The groups of four channels planar_avx2 interleaves in one pass: 32
 * channels (its stack: 3 KiB). */
#define PLANAR_GROUPS 8

/*
 * ng groups of four channels (0 .. 4 * ng - 1 of d and in) for n frames (a
 * multiple of 8 in which no counter crosses a multiple of 2^32) into the
 * interleaved buffer at out (this pass's first channel of frame 0; frame
 * stride fstride bytes). For every 8 frames, each channel's values are
 * computed, each group's four registers transposed to frame order (a 4 x 4
 * transpose in each 128-bit half) and packed to 12 bytes a frame, and the
 * frames are stored in order. A group's 12 bytes go out as one 16-byte
 * store whenever the 4 bytes after them are written again later with
 * their true values: always for a group before the pass's last; for the
 * last when the frame has 4 or more bytes after this pass (tail: channels
 * done later by another pass or by the strided loop), or when the pass
 * starts at channel 0 (first), so that the next frame's first bytes come
 * next, except after the last frame.
 */
DITHER_AVX2 static inline __attribute__((always_inline)) void
planar_pass_body(struct dither *d, const float *const *in, int off,
    unsigned char *out, long fstride, int n, int ng, long tail, bool first)
{
	__m256i idx[4 * PLANAR_GROUPS], key[4 * PLANAR_GROUPS];
	__m128i row[PLANAR_GROUPS][8];
	const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
	const __m256i eight = _mm256_set1_epi32(8);

	for (int c = 0; c < 4 * ng; c++) {
		key[c] = _mm256_set1_epi32((int)segment_key(&d[c]));
		idx[c] = _mm256_add_epi32(_mm256_set1_epi32(
		    (int)(uint32_t)d[c].state), iota);
	}
	for (int f = 0; f < n; f += 8) {
		unsigned char *o = out + f * fstride;

#pragma GCC unroll 8
		for (int g = 0; g < ng; g++) {
			__m256i q[4], t[4], r[4];

#pragma GCC unroll 4
			for (int k = 0; k < 4; k++) {
				const int c = 4 * g + k;

				q[k] = q_avx2(_mm256_loadu_ps(in[c] + off + f),
				    _mm256_xor_si256(idx[c], key[c]));
				idx[c] = _mm256_add_epi32(idx[c], eight);
			}
			/* frames 0 1 | 4 5 and 2 3 | 6 7 of channels 0 1, 2 3 */
			t[0] = _mm256_unpacklo_epi32(q[0], q[1]);
			t[1] = _mm256_unpackhi_epi32(q[0], q[1]);
			t[2] = _mm256_unpacklo_epi32(q[2], q[3]);
			t[3] = _mm256_unpackhi_epi32(q[2], q[3]);
			/* frame k | frame k + 4, channels 0 1 2 3 */
			r[0] = _mm256_unpacklo_epi64(t[0], t[2]);
			r[1] = _mm256_unpackhi_epi64(t[0], t[2]);
			r[2] = _mm256_unpacklo_epi64(t[1], t[3]);
			r[3] = _mm256_unpackhi_epi64(t[1], t[3]);
#pragma GCC unroll 4
			for (int k = 0; k < 4; k++) {
				r[k] = pack12_avx2(r[k]);
				row[g][k] = _mm256_castsi256_si128(r[k]);
				row[g][k + 4] = _mm256_extracti128_si256(r[k], 1);
			}
		}
#pragma GCC unroll 8
		for (int k = 0; k < 8; k++) {
			unsigned char *p = o + k * fstride;
			const int last = ng - 1;

#pragma GCC unroll 8
			for (int g = 0; g < last; g++)
				_mm_storeu_si128((__m128i *)(p + 12 * g), row[g][k]);
			if (tail >= 4 || (first && f + k + 1 < n))
				_mm_storeu_si128((__m128i *)(p + 12 * last),
				    row[last][k]);
			else
				store12_sse2(p + 12 * last, row[last][k]);
		}
	}
	for (int c = 0; c < 4 * ng; c++)
		d[c].state += (uint64_t)n;
}

/* The pass, with its number of groups known to the compiler for the
 * common layouts (4 to 11 channels: the arrays then live in registers). */
DITHER_AVX2 static void
planar_pass_avx2(struct dither *d, const float *const *in, int off,
    unsigned char *out, long fstride, int n, int ng, long tail, bool first)
{
	if (ng == 2)
		planar_pass_body(d, in, off, out, fstride, n, 2, tail, first);
	else if (ng == 1)
		planar_pass_body(d, in, off, out, fstride, n, 1, tail, first);
	else
		planar_pass_body(d, in, off, out, fstride, n, ng, tail, first);
}

/* Two channels: 2 frames of both are 4 consecutive samples. */
DITHER_AVX2 static void
planar_stereo_avx2(struct dither *d, const float *const *in, int off,
    unsigned char *out, int n)
{
	const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
	const __m256i eight = _mm256_set1_epi32(8);
	const __m256i k0 = _mm256_set1_epi32((int)segment_key(&d[0]));
	const __m256i k1 = _mm256_set1_epi32((int)segment_key(&d[1]));
	__m256i i0 = _mm256_add_epi32(_mm256_set1_epi32(
	    (int)(uint32_t)d[0].state), iota);
	__m256i i1 = _mm256_add_epi32(_mm256_set1_epi32(
	    (int)(uint32_t)d[1].state), iota);

	for (int f = 0; f < n; f += 8) {
		const __m256i q0 = q_avx2(_mm256_loadu_ps(in[0] + off + f),
		    _mm256_xor_si256(i0, k0));
		const __m256i q1 = q_avx2(_mm256_loadu_ps(in[1] + off + f),
		    _mm256_xor_si256(i1, k1));
		/* frames 0 1 | 4 5 and 2 3 | 6 7 */
		const __m256i a = _mm256_unpacklo_epi32(q0, q1);
		const __m256i b = _mm256_unpackhi_epi32(q0, q1);

		i0 = _mm256_add_epi32(i0, eight);
		i1 = _mm256_add_epi32(i1, eight);
		store24_avx2(out + 6 * f,
		    _mm256_permute2x128_si256(a, b, 0x20));
		store24_avx2(out + 6 * f + 24,
		    _mm256_permute2x128_si256(a, b, 0x31));
	}
	d[0].state += (uint64_t)n;
	d[1].state += (uint64_t)n;
}

/* n frames (a multiple of 8, no counter crossing a multiple of 2^32) of
 * every channel. */
DITHER_AVX2 static void
planar_avx2(struct dither *d, const float *const *in, int off, int channels,
    unsigned char *out, int n)
{
	const long fstride = 3L * channels;
	int c = 0;

	if (channels == 2) {
		planar_stereo_avx2(d, in, off, out, n);
		return;
	}
	while (channels - c >= 4) {
		const int ng = (channels - c) / 4 < PLANAR_GROUPS ?
		    (channels - c) / 4 : PLANAR_GROUPS;

		planar_pass_avx2(d + c, in + c, off, out + 3 * c, fstride, n,
		    ng, 3L * (channels - c - 4 * ng), c == 0);
		c += 4 * ng;
	}
	for (; c < channels; c++) {
		s24_avx2(in[c] + off, out + 3 * c, n, (int)fstride,
		    (uint32_t)d[c].state, segment_key(&d[c]));
		d[c].state += (uint64_t)n;
	}
}
#endif

void
dither_planar_to_s24le(struct dither *d, const float *const *in,
    int channels, unsigned char *out, int n)
{
	const long fstride = 3L * channels;

	if (channels < 1)
		return;
	for (int done = 0; done < n;) {
		int m = n - done;

		/* a run in which no counter crosses a multiple of 2^32 */
		for (int c = 0; c < channels; c++)
			m = segment(&d[c], m);
#if DITHER_AVX2_OK
		if (d[0].avx2 && m >= 8) {
			m &= ~7;
			planar_avx2(d, in, done, channels,
			    out + done * fstride, m);
			done += m;
			continue;
		}
#endif
		for (int c = 0; c < channels; c++)
			dither_to_s24le(&d[c], in[c] + done,
			    out + done * fstride + 3 * c, m, (int)fstride);
		done += m;
	}
}
