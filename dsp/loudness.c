/*
 * loudness.c - the meter of loudness.h.
 *
 * Work is split in two. A part (struct part) reads some channels: it
 * checks them for invalid samples, peak-measures those assigned to it
 * (sample peak, true-peak state), K-weights the groups assigned to it 4 or
 * 8 channels at a time (struct kgroup: one vector lane per channel) and
 * leaves each channel's sum of squares per 10 ms step in its ring
 * (assign_work() decides who does what). The commit (struct loudness)
 * reads the rings in step order, sums channels in channel order, and does
 * the windows, the blocks, the histograms and the speech bookkeeping.
 *
 * Vectors. The lanes are GCC/Clang vector extensions, element-wise IEEE
 * arithmetic in the order written, so a lane computes exactly what the
 * scalar expression would, wherever the channel sits; on x86 an AVX2 copy
 * of the loops (no FMA) runs 8 lanes in one register, the baseline 4.
 *
 * K-weighting in float. The shelf runs as a direct form I biquad (its
 * poles are far enough from z = 1 at every rate). The high-pass is where
 * float fails: its poles are 1.2e-3 (at 192 kHz) from z = 1, so in direct
 * form 1 + a1 + a2 (3.9e-7 there) is below a1's float resolution, and
 * rounding errors are amplified by 1/A(z), over 120 dB at DC. So:
 *   - its numerator, the second difference of the shelf's output,
 *     is computed as (u - u1) - (u1 - u2): differences of close floats are
 *     exact (Sterbenz), and they are close exactly where the rest would
 *     amplify an error (low frequencies);
 *   - its recursion keeps the output and its first difference,
 *         d = a2 * d1 + hp - gamma * z1,   z = z1 + d,
 *     with gamma = 1 + a1 + a2 computed in double from the s-plane
 *     polynomial (full relative precision however small) and a2 = 1 - beta.
 *     An error made in z is shaped by (1 - a2 z^-1)/A(z), 52 dB less at DC
 *     than direct form's 1/A(z) at 192 kHz, and d is small and precise.
 * The high-pass numerator's gain (1.005 at 48 kHz: BS.1770 prints b =
 * 1, -2, 1 with a normalised denominator) is folded into the shelf's b.
 * Checked in the test against a double-precision reference at 44.1-192 kHz.
 *
 * Energy per step is a float sum of up to 3840 squares (per channel, in
 * stream order): relative error below 2.3e-4 worst case, about 1e-6
 * typical (1e-5 dB).
 */
#include "dsp/loudness.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* An AVX2 copy of the K-weighting for 8 lanes, as in truepeak.c (no FMA:
 * the same bits as the generic code). Without AVX2, groups have 4 lanes:
 * 8 would not fit the 16 SSE registers. */
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define LM_X86 1
#define LM_AVX2 __attribute__((target("avx2")))
#else
#define LM_X86 0
#endif

typedef float vf4 __attribute__((vector_size(16)));
typedef float vf8 __attribute__((vector_size(32)));
typedef int32_t vi4 __attribute__((vector_size(16)));
typedef int32_t vi8 __attribute__((vector_size(32)));

#define CHUNK 512            /* frames per internal pass of a part */
#define LANES 8
#define STEPS_PER_HOP 10
#define M_STEPS 40
#define S_STEPS 300
#define STEP_HIST 320        /* step energies kept: >= S_STEPS + STEPS_PER_HOP */
#define HOP_HIST 32          /* hop energies kept: >= S_STEPS / STEPS_PER_HOP + 1 */
#define HOP_RING 512         /* speech flags kept */
#define PEND_RING 128        /* blocks waiting for their speech flags */
#define MAX_SAMPLE 1e6f      /* larger |x| is invalid (+120 dBFS) */
#define LUFS_OFFSET (-0.691)
#define ABS_GATE_LUFS (-70.0)
#define REL_GATE_LU (-10.0)
#define LRA_GATE_LU (-20.0)

/* The K-weighting as it runs (see the top of the file). */
struct kcoef {
	float b0, b1, b2, a1, a2; /* shelf, b scaled by the high-pass gain */
	float c1;                 /* high-pass a2 = 1 - beta */
	float gamma;              /* high-pass 1 + a1 + a2 */
};

struct kgroup {
	int lanes;                 /* 4 or 8 */
	int ch[LANES];             /* channel of each lane, -1 unused */
	float x1[LANES], x2[LANES];   /* shelf input history */
	float u1[LANES], u2[LANES];   /* shelf output history */
	float z1[LANES], d1[LANES];   /* high-pass output and its last difference */
	float acc[LANES];             /* sum of squares in the current step */
};

/* One part: fields written only by the thread running the part. */
struct part {
	int nch;
	int ch[LOUDNESS_MAX_CHANNELS];      /* channels whose peaks it measures */
	int nscan;
	int scan_ch[LOUDNESS_MAX_CHANNELS]; /* channels it reads (peaks, K) */
	int peak_idx[LOUDNESS_MAX_CHANNELS]; /* by channel: index in ch[], or -1 */
	int ngroups;
	struct kgroup grp[LOUDNESS_MAX_CHANNELS / 4];
	struct kcoef k;
	bool tp_on;
	bool avx2;                          /* use the AVX2 loops */
	int64_t rate;
	int64_t frames;                     /* frames processed since reset */
	int64_t step;                       /* steps completed */
	int64_t step_end;                   /* first frame after step `step` */
	int64_t invalid;                    /* bad samples replaced */
	float sample_peak[LOUDNESS_MAX_CHANNELS];     /* by channel, linear */
	struct truepeak tp[LOUDNESS_MAX_CHANNELS];    /* by index into ch[] */
	float ring[LOUDNESS_MAX_CHANNELS][LOUDNESS_RING_STEPS]; /* by channel */
	float clean[LOUDNESS_MAX_CHANNELS][CHUNK];    /* sanitised input */
	float zero[CHUNK];                  /* input of unused lanes */
};

struct hist {
	uint32_t count[LOUDNESS_HIST_BINS];
	double sum[LOUDNESS_HIST_BINS];     /* energy (mean square) sums */
	uint64_t n;                         /* everything stored */
	double total;                       /* its energy sum */
	int top;                            /* highest bin used + 1 (scans stop there) */
};

/* A completed block waiting for its speech classification. */
struct pending {
	double energy;
	int bin;                            /* -1: below the absolute gate */
	int64_t hop;                        /* its last hop */
};

struct loudness {
	struct loudness_config cfg;
	int64_t rate;
	int owner[LOUDNESS_MAX_CHANNELS];   /* part of each channel */
	struct part *part[LOUDNESS_MAX_PARTS];

	/* commit state */
	int64_t step;                       /* steps committed */
	int64_t frames;                     /* frames committed */
	double step_e[STEP_HIST];           /* weighted energy sums per step */
	double hop_e[HOP_HIST];             /* per hop (10 steps) */
	double m_e, s_e;                    /* mean squares at the last step */
	double m_max, s_max;                /* largest; -1 for none */
	int64_t blocks, speech_blocks;

	/* speech */
	bool speech_now;
	int64_t next_flag_hop;              /* first hop not flagged yet */
	uint8_t flag[HOP_RING];
	struct pending pend[PEND_RING];
	int pend_first, npend;

	struct hist all, speech;
	uint32_t lra_count[LOUDNESS_HIST_BINS];
	uint64_t lra_n;
	double lra_total;
	int lra_top;                        /* highest bin used + 1 */
};

/* floor(k * rate / 100): the first frame of step k (any k). */
static int64_t
step_start(int64_t rate, int64_t k)
{
	const int64_t q = k * rate;

	return q >= 0 ? q / 100 : -((-q + 99) / 100);
}

static double
lufs(double mean_square)
{
	return LUFS_OFFSET + 10.0 * log10(mean_square);
}

static double
lin_to_db(double x)
{
	return 20.0 * log10(x);
}

/* ---- K-weighting design ------------------------------------------------ */

/* BS.1770-5 Annex 1 Tables 1 and 2 (48 kHz). */
static const double spec_b[2][3] = {
	{ 1.53512485958697, -2.69169618940638, 1.19839281085285 },
	{ 1.0, -2.0, 1.0 },
};
static const double spec_a[2][3] = {
	{ 1.0, -1.69065929318241, 0.73248077421585 },
	{ 1.0, -1.99004745483398, 0.99007225036621 },
};

/*
 * Stage s at rate: num[i], den[i] are the polynomials in the bilinear
 * variable v = (1 - z^-1)/(1 + z^-1) (coefficient of v^i).
 */
static void
design_stage(int s, double rate, double num[3], double den[3])
{
	const double *b = spec_b[s], *a = spec_a[s];
	/* at 48 kHz: H(v) with v = j tan(pi f / 48000) on the jw axis */
	const double n0 = b[0] + b[1] + b[2], n1 = 2.0 * (b[0] - b[2]),
	    n2 = b[0] - b[1] + b[2];
	const double d0 = a[0] + a[1] + a[2], d1 = 2.0 * (a[0] - a[2]),
	    d2 = a[0] - a[1] + a[2];
	/* the poles' natural frequency, prewarped: tan(pi f0 / 48000) */
	const double k48 = sqrt(d0 / d2);
	const double f0 = 48000.0 / M_PI * atan(k48);
	/* the same s-plane prototype at `rate`, prewarped at f0 */
	const double r = k48 / tan(M_PI * f0 / rate);

	num[0] = n0;
	num[1] = n1 * r;
	num[2] = n2 * r * r;
	den[0] = d0;
	den[1] = d1 * r;
	den[2] = d2 * r * r;
}

int
loudness_kweighting_design(double rate_hz, double b[2][3], double a[2][3])
{
	if (!(rate_hz >= 1000.0 && rate_hz <= 768000.0))
		return DSP_ERR_INVALID;
	for (int s = 0; s < 2; s++) {
		double num[3], den[3], a0;

		design_stage(s, rate_hz, num, den);
		/* back to z: v^i (1 + z^-1)^2 expanded */
		a0 = den[0] + den[1] + den[2];
		b[s][0] = (num[0] + num[1] + num[2]) / a0;
		b[s][1] = 2.0 * (num[0] - num[2]) / a0;
		b[s][2] = (num[0] - num[1] + num[2]) / a0;
		a[s][0] = 1.0;
		a[s][1] = 2.0 * (den[0] - den[2]) / a0;
		a[s][2] = (den[0] - den[1] + den[2]) / a0;
	}
	return 0;
}

static void
kcoef_design(double rate, struct kcoef *k)
{
	double b[2][3], a[2][3], num[3], den[3];

	loudness_kweighting_design(rate, b, a);
	/* the high-pass numerator is g * (1, -2, 1): fold g into the shelf */
	k->b0 = (float)(b[0][0] * b[1][0]);
	k->b1 = (float)(b[0][1] * b[1][0]);
	k->b2 = (float)(b[0][2] * b[1][0]);
	k->a1 = (float)a[0][1];
	k->a2 = (float)a[0][2];
	k->c1 = (float)a[1][2];
	/* 1 + a1 + a2 = 4 den[0] / (den[0] + den[1] + den[2]), precisely */
	design_stage(1, rate, num, den);
	k->gamma = (float)(4.0 * den[0] / (den[0] + den[1] + den[2]));
}

/* ---- weights and config ------------------------------------------------ */

int
loudness_layout_weights(enum loudness_layout layout, int channels, double *w)
{
	static const double s = LOUDNESS_WEIGHT_SURROUND;
	static const double w51[6] = { 1, 1, 1, 0, s, s };
	static const double w712[10] = { 1, 1, 1, 0, s, s, 1, 1, 1, 1 };
	int n;
	const double *src;

	switch (layout) {
	case LOUDNESS_LAYOUT_MONO:
		n = 1;
		src = w712 + 2;
		break;
	case LOUDNESS_LAYOUT_STEREO:
		n = 2;
		src = w712;
		break;
	case LOUDNESS_LAYOUT_5_1:
		n = 6;
		src = w51;
		break;
	case LOUDNESS_LAYOUT_7_1:
		n = 8;
		src = w712;
		break;
	case LOUDNESS_LAYOUT_7_1_2:
		n = 10;
		src = w712;
		break;
	case LOUDNESS_LAYOUT_CUSTOM:
		if (channels < 1 || channels > LOUDNESS_MAX_CHANNELS)
			return DSP_ERR_INVALID;
		for (int c = 0; c < channels; c++)
			w[c] = 1.0;
		return 0;
	default:
		return DSP_ERR_INVALID;
	}
	if (channels != n)
		return DSP_ERR_INVALID;
	memcpy(w, src, (size_t)n * sizeof *w);
	return 0;
}

void
loudness_config_init(struct loudness_config *c, double rate_hz, int channels,
    enum loudness_layout layout)
{
	memset(c, 0, sizeof *c);
	c->rate_hz = rate_hz;
	c->channels = channels;
	c->layout = layout;
	c->true_peak = LOUDNESS_TP_ANNEX2;
	c->parts = 1;
	if (loudness_layout_weights(layout, channels, c->weights) != 0)
		for (int i = 0; i < LOUDNESS_MAX_CHANNELS; i++)
			c->weights[i] = 1.0;
}

static int
config_check(const struct loudness_config *c, double *w)
{
	if (!(c->rate_hz >= 8000.0 && c->rate_hz <= 384000.0) ||
	    c->rate_hz != floor(c->rate_hz) ||
	    c->channels < 1 || c->channels > LOUDNESS_MAX_CHANNELS ||
	    c->parts < 1 || c->parts > LOUDNESS_MAX_PARTS ||
	    c->speech_delay_hops < 0 ||
	    c->speech_delay_hops > LOUDNESS_MAX_SPEECH_DELAY_HOPS ||
	    (c->true_peak != LOUDNESS_TP_NONE && c->true_peak != LOUDNESS_TP_ANNEX2 &&
	    c->true_peak != LOUDNESS_TP_ACCURATE))
		return DSP_ERR_INVALID;
	if (c->layout == LOUDNESS_LAYOUT_CUSTOM) {
		for (int i = 0; i < c->channels; i++) {
			if (!(c->weights[i] >= 0.0 && c->weights[i] <= 100.0))
				return DSP_ERR_INVALID;
			w[i] = c->weights[i];
		}
		return 0;
	}
	return loudness_layout_weights(c->layout, c->channels, w);
}

/* ---- parts ------------------------------------------------------------- */

static void
part_reset(struct part *p)
{
	for (int g = 0; g < p->ngroups; g++) {
		struct kgroup *k = &p->grp[g];

		memset(k->x1, 0, sizeof k->x1);
		memset(k->x2, 0, sizeof k->x2);
		memset(k->u1, 0, sizeof k->u1);
		memset(k->u2, 0, sizeof k->u2);
		memset(k->z1, 0, sizeof k->z1);
		memset(k->d1, 0, sizeof k->d1);
		memset(k->acc, 0, sizeof k->acc);
	}
	for (int i = 0; i < p->nch; i++)
		truepeak_reset(&p->tp[i]);
	memset(p->sample_peak, 0, sizeof p->sample_peak);
	p->frames = 0;
	p->step = 0;
	p->step_end = step_start(p->rate, 1);
	p->invalid = 0;
}

/*
 * Checks n samples: returns how many are invalid (NaN, inf, |x| > 1e6)
 * and sets *peak to the largest |x| (meaningful only when none is
 * invalid: the caller rescans a cleaned copy otherwise). V, VI: float and
 * int vectors of W lanes.
 */
#define SCAN_BODY(V, VI, W) do { \
	V mx = { 0 }; \
	VI bad = { 0 }; \
	float m = 0.0f, lanes[W]; \
	int32_t nb[W]; \
	int nbad = 0, i = 0; \
	for (; i + W <= n; i += W) { \
		V v; \
		memcpy(&v, x + i, sizeof v); \
		v = (V)((VI)v & 0x7fffffff); \
		bad += (VI)(v <= MAX_SAMPLE) + 1; /* 0 valid, 1 not */ \
		const VI gt = v > mx; \
		mx = (V)(((VI)v & gt) | ((VI)mx & ~gt)); \
	} \
	for (; i < n; i++) { \
		const float a = fabsf(x[i]); \
		nbad += !(a <= MAX_SAMPLE); \
		m = a > m ? a : m; \
	} \
	memcpy(lanes, &mx, sizeof lanes); \
	memcpy(nb, &bad, sizeof nb); \
	for (int l = 0; l < W; l++) { \
		nbad += nb[l]; \
		m = lanes[l] > m ? lanes[l] : m; \
	} \
	*peak = m; \
	return nbad; \
} while (0)

static int
scan(const float *restrict x, int n, float *peak)
{
	SCAN_BODY(vf4, vi4, 4);
}

#if LM_X86
LM_AVX2 static int
scan_avx2(const float *restrict x, int n, float *peak)
{
	SCAN_BODY(vf8, vi8, 8);
}
#endif

/* Copies x to out with invalid samples replaced by 0; returns the peak. */
static float
sanitise(const float *restrict x, int n, float *restrict out)
{
	float m = 0.0f;

	for (int i = 0; i < n; i++) {
		const float a = fabsf(x[i]);
		const float v = a <= MAX_SAMPLE ? x[i] : 0.0f;

		out[i] = v;
		m = a <= MAX_SAMPLE && a > m ? a : m;
	}
	return m;
}

/*
 * K-weights frames [i0, i1) of the lanes' inputs src[lane] and adds the
 * squares to the lanes' step sums. The lanes are GCC/Clang vector
 * extensions (vf4, vf8): element-wise IEEE operations in the order
 * written, so every lane computes exactly what the scalar expression
 * would, and the state stays in registers. With SSE2 a vf8 is two
 * 4-float registers (two independent recursions in flight). L is 4 or 8;
 * the loop is written out twice so each has a constant lane count.
 */
#define GATHER_4(s, i) (vf4){ s[0][i], s[1][i], s[2][i], s[3][i] }
#define GATHER_8(s, i) (vf8){ s[0][i], s[1][i], s[2][i], s[3][i], \
	s[4][i], s[5][i], s[6][i], s[7][i] }
#define KWEIGHT_LOOP(V, L) do { \
	const V b0 = k->b0 + (V){ 0 }, b1 = k->b1 + (V){ 0 }, b2 = k->b2 + (V){ 0 }; \
	const V a1 = k->a1 + (V){ 0 }, a2 = k->a2 + (V){ 0 }; \
	const V c1 = k->c1 + (V){ 0 }, gm = k->gamma + (V){ 0 }; \
	V x1, x2, u1, u2, z1, d1, acc; \
	memcpy(&x1, g->x1, sizeof x1); memcpy(&x2, g->x2, sizeof x2); \
	memcpy(&u1, g->u1, sizeof u1); memcpy(&u2, g->u2, sizeof u2); \
	memcpy(&z1, g->z1, sizeof z1); memcpy(&d1, g->d1, sizeof d1); \
	memcpy(&acc, g->acc, sizeof acc); \
	for (int i = i0; i < i1; i++) { \
		const V x = GATHER_##L(src, i); \
		const V u = (((b0 * x + b1 * x1) + b2 * x2) - a2 * u2) - a1 * u1; \
		const V hp = (u - u1) - (u1 - u2); \
		const V d = (c1 * d1 + hp) - gm * z1; \
		const V z = z1 + d; \
		x2 = x1; \
		x1 = x; \
		u2 = u1; \
		u1 = u; \
		d1 = d; \
		z1 = z; \
		acc += z * z; \
	} \
	memcpy(g->x1, &x1, sizeof x1); memcpy(g->x2, &x2, sizeof x2); \
	memcpy(g->u1, &u1, sizeof u1); memcpy(g->u2, &u2, sizeof u2); \
	memcpy(g->z1, &z1, sizeof z1); memcpy(g->d1, &d1, sizeof d1); \
	memcpy(g->acc, &acc, sizeof acc); \
} while (0)

static void
kweight4(struct kgroup *restrict g, const struct kcoef *restrict k,
    const float *const *src, int i0, int i1)
{
	KWEIGHT_LOOP(vf4, 4);
}

#if LM_X86
LM_AVX2 static void
kweight8(struct kgroup *restrict g, const struct kcoef *restrict k,
    const float *const *src, int i0, int i1)
{
	KWEIGHT_LOOP(vf8, 8);
}
#endif

/* End of a step: the lanes' sums go to the ring; tiny states flush to 0. */
static void
kgroup_end_step(struct kgroup *g, struct part *p)
{
	const int slot = (int)(p->step % LOUDNESS_RING_STEPS);

	for (int l = 0; l < g->lanes; l++) {
		if (g->ch[l] >= 0)
			p->ring[g->ch[l]][slot] = g->acc[l];
		g->acc[l] = 0.0f;
		dsp_state_guard(&g->u1[l], &g->u2[l]);
		dsp_state_guard(&g->z1[l], &g->d1[l]);
		dsp_state_guard(&g->x1[l], &g->x2[l]);
	}
}

static int
part_process(const struct loudness *m, struct part *p, const float *const *ch,
    int frames)
{
	const int64_t limit = step_start(p->rate, m->step + LOUDNESS_RING_STEPS - 1);
	int done = 0;

	if ((int64_t)frames > limit - p->frames)
		frames = (int)(limit - p->frames);
	while (done < frames) {
		const int n = frames - done < CHUNK ? frames - done : CHUNK;
		const float *src[LOUDNESS_MAX_CHANNELS];

		for (int si = 0; si < p->nscan; si++) {
			const int c = p->scan_ch[si], i = p->peak_idx[c];
			const float *x = ch[c] + done;
			float pk;
#if LM_X86
			const int bad = p->avx2 ? scan_avx2(x, n, &pk) : scan(x, n, &pk);
#else
			const int bad = scan(x, n, &pk);
#endif

			if (bad > 0) {
				pk = sanitise(x, n, p->clean[c]);
				x = p->clean[c];
			}
			src[c] = x;
			if (i < 0)
				continue; /* K-weighted here, peaks elsewhere */
			p->invalid += bad;
			if (pk > p->sample_peak[c])
				p->sample_peak[c] = pk;
			if (p->tp_on)
				truepeak_process(&p->tp[i], x, n);
		}
		for (int i0 = 0; i0 < n;) {
			const int64_t left = p->step_end - (p->frames + i0);
			const int i1 = left < n - i0 ? i0 + (int)left : n;

			for (int gi = 0; gi < p->ngroups; gi++) {
				struct kgroup *g = &p->grp[gi];

				const float *lane[LANES];

				for (int l = 0; l < g->lanes; l++)
					lane[l] = g->ch[l] >= 0 ? src[g->ch[l]] : p->zero;
#if LM_X86
				if (g->lanes == 8)
					kweight8(g, &p->k, lane, i0, i1);
				else
#endif
					kweight4(g, &p->k, lane, i0, i1);
			}
			if (p->frames + i1 == p->step_end) {
				for (int gi = 0; gi < p->ngroups; gi++)
					kgroup_end_step(&p->grp[gi], p);
				p->step++;
				p->step_end = step_start(p->rate, p->step + 1);
			}
			i0 = i1;
		}
		p->frames += n;
		done += n;
	}
	return done;
}

/* ---- histograms -------------------------------------------------------- */

/* The bin of a loudness, -1 when it does not pass the absolute gate. */
static int
bin_of(double l)
{
	double x;

	if (!(l > ABS_GATE_LUFS))
		return -1;
	x = (l - LOUDNESS_HIST_LOW_LUFS) / LOUDNESS_HIST_BIN_LU;
	return x >= LOUDNESS_HIST_BINS - 1 ? LOUDNESS_HIST_BINS - 1 : (int)x;
}

static double
bin_low(int i)
{
	return LOUDNESS_HIST_LOW_LUFS + i * LOUDNESS_HIST_BIN_LU;
}

static void
hist_add(struct hist *h, int bin, double e)
{
	if (bin < 0)
		return;
	h->count[bin]++;
	h->sum[bin] += e;
	h->n++;
	h->total += e;
	if (bin >= h->top)
		h->top = bin + 1;
}

/* Extra blocks for a histogram scan (speech blocks still pending). */
struct extra {
	int n;
	int bin[PEND_RING];
	double e[PEND_RING];
};

/*
 * BS.1770 gating over h plus x (may be NULL): the mean energy of the
 * blocks above the relative gate (rel_lu below the mean of everything
 * stored) into *mean, their count into *count; *gate_bin and *gate_in
 * say which bins passed (those above gate_bin, and gate_bin itself when
 * gate_in). Returns false when nothing is stored.
 */
static bool
gate(const struct hist *h, const struct extra *x, double rel_lu, double *mean,
    uint64_t *count, int *gate_bin, bool *gate_in)
{
	uint64_t n = h->n, cnt = 0, gcnt;
	double total = h->total, sum = 0.0, gsum, gl;
	int gb;

	for (int i = 0; x != NULL && i < x->n; i++)
		if (x->bin[i] >= 0) {
			n++;
			total += x->e[i];
		}
	if (n == 0)
		return false;
	gl = lufs(total / (double)n) + rel_lu;
	gb = (int)floor((gl - LOUDNESS_HIST_LOW_LUFS) / LOUDNESS_HIST_BIN_LU);
	if (gb < 0)
		gb = -1;
	if (gb > LOUDNESS_HIST_BINS - 1)
		gb = LOUDNESS_HIST_BINS - 1;
	for (int i = gb + 1; i < h->top; i++) {
		cnt += h->count[i];
		sum += h->sum[i];
	}
	gcnt = gb >= 0 ? h->count[gb] : 0;
	gsum = gb >= 0 ? h->sum[gb] : 0.0;
	for (int i = 0; x != NULL && i < x->n; i++) {
		if (x->bin[i] > gb) {
			cnt++;
			sum += x->e[i];
		} else if (x->bin[i] == gb && gb >= 0) {
			gcnt++;
			gsum += x->e[i];
		}
	}
	/* the bin holding the gate counts when its blocks' mean is above it */
	*gate_in = gcnt > 0 && lufs(gsum / (double)gcnt) > gl;
	if (*gate_in) {
		cnt += gcnt;
		sum += gsum;
	}
	*gate_bin = gb;
	*count = cnt;
	*mean = cnt > 0 ? sum / (double)cnt : 0.0;
	return true;
}

/* Blocks of h (plus x) in the bins that passed a gate (gate_bin, gate_in). */
static uint64_t
count_passed(const struct hist *h, const struct extra *x, int gb, bool gin)
{
	uint64_t cnt = 0;

	for (int i = gb + 1; i < h->top; i++)
		cnt += h->count[i];
	if (gb >= 0 && gin)
		cnt += h->count[gb];
	for (int i = 0; x != NULL && i < x->n; i++)
		if (x->bin[i] > gb || (x->bin[i] == gb && gb >= 0 && gin))
			cnt++;
	return cnt;
}

static void
lra_get(const struct loudness *m, struct loudness_result *r)
{
	uint64_t n = 0, r10, r95, seen = 0;
	double gl, lo = -INFINITY, hi = -INFINITY;
	int gb, first;

	r->lra_lu = r->lra_low_lufs = r->lra_high_lufs = -INFINITY;
	if (m->lra_n == 0)
		return;
	gl = lufs(m->lra_total / (double)m->lra_n) + LRA_GATE_LU;
	gb = (int)floor((gl - LOUDNESS_HIST_LOW_LUFS) / LOUDNESS_HIST_BIN_LU);
	/* the bin holding the gate counts when its centre is above it */
	first = gb < 0 ? 0 : bin_low(gb) + 0.5 * LOUDNESS_HIST_BIN_LU > gl ? gb : gb + 1;
	for (int i = first; i < m->lra_top; i++)
		n += m->lra_count[i];
	if (n == 0)
		return;
	r10 = (uint64_t)llround((double)(n - 1) * 0.10);
	r95 = (uint64_t)llround((double)(n - 1) * 0.95);
	for (int i = first; i < m->lra_top; i++) {
		const uint64_t c = m->lra_count[i];

		if (c == 0)
			continue;
		if (r10 >= seen && r10 < seen + c)
			lo = bin_low(i) + 0.5 * LOUDNESS_HIST_BIN_LU;
		if (r95 >= seen && r95 < seen + c) {
			hi = bin_low(i) + 0.5 * LOUDNESS_HIST_BIN_LU;
			break;
		}
		seen += c;
	}
	r->lra_low_lufs = lo;
	r->lra_high_lufs = hi;
	r->lra_lu = hi - lo;
}

/* ---- commit ------------------------------------------------------------ */

static bool
block_is_speech(const struct loudness *m, int64_t hop)
{
	int n = 0;

	for (int64_t h = hop - 3; h <= hop; h++)
		n += m->flag[h % HOP_RING];
	return n >= 2;
}

static void
classify_oldest(struct loudness *m)
{
	const struct pending *b = &m->pend[m->pend_first];

	if (block_is_speech(m, b->hop)) {
		m->speech_blocks++;
		hist_add(&m->speech, b->bin, b->energy);
	}
	m->pend_first = (m->pend_first + 1) % PEND_RING;
	m->npend--;
}

static double
step_energy(const struct loudness *m, int64_t k)
{
	return k < 0 ? 0.0 : m->step_e[k % STEP_HIST];
}

static double
hop_energy(const struct loudness *m, int64_t h)
{
	return h < 0 ? 0.0 : m->hop_e[h % HOP_HIST];
}

/* Sum of the step energies of the w steps ending with step k (w a
 * multiple of 10): partial hops at the ends, whole hops between. */
static double
window_sum(const struct loudness *m, int64_t k, int w)
{
	const int64_t a = (k + 1) / STEPS_PER_HOP;
	const int r = (int)((k + 1) % STEPS_PER_HOP);
	const int64_t h0 = a - w / STEPS_PER_HOP;
	double sum = 0.0;

	if (r == 0) {
		for (int64_t h = h0; h < a; h++)
			sum += hop_energy(m, h);
		return sum;
	}
	for (int j = r; j < STEPS_PER_HOP; j++)
		sum += step_energy(m, h0 * STEPS_PER_HOP + j);
	for (int64_t h = h0 + 1; h < a; h++)
		sum += hop_energy(m, h);
	for (int j = 0; j < r; j++)
		sum += step_energy(m, a * STEPS_PER_HOP + j);
	return sum;
}

static void
commit_step(struct loudness *m, int64_t k)
{
	const int slot = (int)(k % LOUDNESS_RING_STEPS);
	double e = 0.0, me, se;

	for (int c = 0; c < m->cfg.channels; c++)
		if (m->cfg.weights[c] > 0.0)
			e += m->cfg.weights[c] * (double)m->part[m->owner[c]]->ring[c][slot];
	m->step_e[k % STEP_HIST] = e;
	if ((k + 1) % STEPS_PER_HOP == 0) {
		const int64_t h = (k + 1) / STEPS_PER_HOP - 1;
		double hs = 0.0;

		for (int j = 0; j < STEPS_PER_HOP; j++)
			hs += step_energy(m, h * STEPS_PER_HOP + j);
		m->hop_e[h % HOP_HIST] = hs;
	}
	me = window_sum(m, k, M_STEPS) /
	    (double)(step_start(m->rate, k + 1) - step_start(m->rate, k + 1 - M_STEPS));
	se = window_sum(m, k, S_STEPS) /
	    (double)(step_start(m->rate, k + 1) - step_start(m->rate, k + 1 - S_STEPS));
	m->m_e = me;
	m->s_e = se;
	if (me > m->m_max)
		m->m_max = me;
	if (se > m->s_max)
		m->s_max = se;
	if ((k + 1) % STEPS_PER_HOP != 0)
		return;

	const int64_t hop = (k + 1) / STEPS_PER_HOP - 1;

	if (k + 1 >= M_STEPS) {
		const int bin = bin_of(lufs(me));
		struct pending *b = &m->pend[(m->pend_first + m->npend) % PEND_RING];

		m->blocks++;
		hist_add(&m->all, bin, me);
		b->energy = me;
		b->bin = bin;
		b->hop = hop;
		m->npend++;
	}
	if (k + 1 >= S_STEPS) {
		const int bin = bin_of(lufs(se));

		if (bin >= 0) {
			m->lra_count[bin]++;
			m->lra_n++;
			m->lra_total += se;
			if (bin >= m->lra_top)
				m->lra_top = bin + 1;
		}
	}
	while (m->npend > 0 &&
	    m->pend[m->pend_first].hop <= hop - m->cfg.speech_delay_hops)
		classify_oldest(m);
}

void
loudness_commit(struct loudness *m)
{
	int64_t steps = m->part[0]->step, frames = m->part[0]->frames;

	for (int p = 1; p < m->cfg.parts; p++) {
		if (m->part[p]->step < steps)
			steps = m->part[p]->step;
		if (m->part[p]->frames < frames)
			frames = m->part[p]->frames;
	}
	/* hops whose first frame is now in: the current flag */
	while (step_start(m->rate, m->next_flag_hop * STEPS_PER_HOP) < frames) {
		m->flag[m->next_flag_hop % HOP_RING] = m->speech_now;
		m->next_flag_hop++;
	}
	for (int64_t k = m->step; k < steps; k++)
		commit_step(m, k);
	m->step = steps;
	m->frames = frames;
}

/* ---- public ------------------------------------------------------------ */

/* Adds channel c to part p's reading list (once). */
static void
part_reads(struct part *p, int c)
{
	for (int i = 0; i < p->nscan; i++)
		if (p->scan_ch[i] == c)
			return;
	p->scan_ch[p->nscan++] = c;
}

/*
 * Divides the work between the parts: the K-weighting groups (the
 * weighted channels in channel order, 8 lanes with AVX2, else 4), then
 * each channel's peak measurement, each to the part with the least work
 * so far (ties: the lower part). Costs are rough relative times per
 * frame: a group runs at the recursion's latency whatever its lane
 * count, about as long as 6 channels of screened Annex 2 true peak.
 * Results never depend on this (per-channel work is the same wherever it
 * runs; commit sums in channel order).
 */
#define COST_KGROUP 6
static void
assign_work(struct loudness *m, bool avx2)
{
	const struct loudness_config *cfg = &m->cfg;
	const int cost_peak = cfg->true_peak == LOUDNESS_TP_ACCURATE ? 3 : 1;
	int wl[LOUDNESS_MAX_CHANNELS], nw = 0, load[LOUDNESS_MAX_PARTS] = { 0 };

	for (int c = 0; c < cfg->channels; c++)
		if (cfg->weights[c] > 0.0)
			wl[nw++] = c;
	for (int i = 0; i < nw;) {
		const int lanes = nw - i > 4 && avx2 ? 8 : 4;
		int p = 0;

		for (int q = 1; q < cfg->parts; q++)
			if (load[q] < load[p])
				p = q;
		load[p] += COST_KGROUP;

		struct part *pt = m->part[p];
		struct kgroup *g = &pt->grp[pt->ngroups++];

		g->lanes = lanes;
		for (int l = 0; l < LANES; l++) {
			g->ch[l] = l < lanes && i + l < nw ? wl[i + l] : -1;
			if (g->ch[l] >= 0) {
				m->owner[g->ch[l]] = p;
				part_reads(pt, g->ch[l]);
			}
		}
		i += lanes;
	}
	for (int c = 0; c < cfg->channels; c++) {
		int p = 0;

		for (int q = 1; q < cfg->parts; q++)
			if (load[q] < load[p])
				p = q;
		load[p] += cost_peak;

		struct part *pt = m->part[p];

		if (pt->tp_on)
			truepeak_init(&pt->tp[pt->nch], cfg->true_peak ==
			    LOUDNESS_TP_ACCURATE ? TRUEPEAK_ACCURATE : TRUEPEAK_ANNEX2,
			    cfg->rate_hz, cfg->tp_exhaustive);
		pt->peak_idx[c] = pt->nch;
		pt->ch[pt->nch++] = c;
		part_reads(pt, c);
	}
}

int
loudness_create(const struct loudness_config *cfg, struct loudness **out)
{
	double w[LOUDNESS_MAX_CHANNELS];
	struct loudness *m;
	struct kcoef k;
#if LM_X86
	const bool avx2 = __builtin_cpu_supports("avx2") && !truepeak_no_avx2();
#else
	const bool avx2 = false;
#endif

	*out = NULL;
	if (config_check(cfg, w) != 0)
		return DSP_ERR_INVALID;
	m = malloc(sizeof *m);
	if (m == NULL)
		return LOUDNESS_ERR_NOMEM;
	memset(m, 0, sizeof *m); /* touches every page */
	m->cfg = *cfg;
	memcpy(m->cfg.weights, w, (size_t)cfg->channels * sizeof w[0]);
	for (int c = cfg->channels; c < LOUDNESS_MAX_CHANNELS; c++)
		m->cfg.weights[c] = 0.0;
	m->rate = (int64_t)cfg->rate_hz;
	kcoef_design(cfg->rate_hz, &k);
	for (int p = 0; p < cfg->parts; p++) {
		const size_t size = (sizeof(struct part) + 63) / 64 * 64;
		struct part *pt = aligned_alloc(64, size);

		if (pt == NULL) {
			loudness_destroy(m);
			return LOUDNESS_ERR_NOMEM;
		}
		memset(pt, 0, size);
		m->part[p] = pt;
		pt->rate = m->rate;
		pt->avx2 = avx2;
		pt->k = k;
		pt->tp_on = cfg->true_peak != LOUDNESS_TP_NONE;
		for (int c = 0; c < LOUDNESS_MAX_CHANNELS; c++)
			pt->peak_idx[c] = -1;
	}
	assign_work(m, avx2);
	loudness_reset(m);
	*out = m;
	return 0;
}

void
loudness_destroy(struct loudness *m)
{
	if (m == NULL)
		return;
	for (int p = 0; p < LOUDNESS_MAX_PARTS; p++)
		free(m->part[p]);
	free(m);
}

int
loudness_parts(const struct loudness *m)
{
	return m->cfg.parts;
}

int
loudness_process_part(struct loudness *m, int part, const float *const *ch,
    int frames)
{
	if (part < 0 || part >= m->cfg.parts || frames <= 0)
		return 0;
	return part_process(m, m->part[part], ch, frames);
}

void
loudness_process(struct loudness *m, const float *const *ch, int frames)
{
	int done = 0;

	while (done < frames) {
		const float *at[LOUDNESS_MAX_CHANNELS];
		int n = 0;

		for (int c = 0; c < m->cfg.channels; c++)
			at[c] = ch[c] + done;
		for (int p = 0; p < m->cfg.parts; p++)
			n = part_process(m, m->part[p], at, frames - done);
		loudness_commit(m);
		done += n;
	}
}

void
loudness_set_speech(struct loudness *m, bool active)
{
	m->speech_now = active;
}

int
loudness_set_speech_hop(struct loudness *m, int64_t hop, bool active)
{
	/* the first hop of the oldest block not classified yet */
	const int64_t oldest = m->npend > 0 ? m->pend[m->pend_first].hop - 3 :
	    m->step / STEPS_PER_HOP - 3;

	if (hop < 0 || hop >= m->next_flag_hop || hop < oldest)
		return DSP_ERR_INVALID;
	m->flag[hop % HOP_RING] = active;
	return 0;
}

void
loudness_reset(struct loudness *m)
{
	for (int p = 0; p < m->cfg.parts; p++)
		part_reset(m->part[p]);
	m->step = 0;
	m->frames = 0;
	memset(m->step_e, 0, sizeof m->step_e);
	memset(m->hop_e, 0, sizeof m->hop_e);
	m->m_e = m->s_e = 0.0;
	m->m_max = m->s_max = -1.0;
	m->blocks = m->speech_blocks = 0;
	m->speech_now = false;
	m->next_flag_hop = 0;
	memset(m->flag, 0, sizeof m->flag);
	m->pend_first = m->npend = 0;
	memset(&m->all, 0, sizeof m->all);
	memset(&m->speech, 0, sizeof m->speech);
	memset(m->lra_count, 0, sizeof m->lra_count);
	m->lra_n = 0;
	m->lra_total = 0.0;
	m->lra_top = 0;
}

void
loudness_reset_max(struct loudness *m)
{
	m->m_max = m->s_max = -1.0;
	for (int p = 0; p < m->cfg.parts; p++) {
		struct part *pt = m->part[p];

		memset(pt->sample_peak, 0, sizeof pt->sample_peak);
		for (int i = 0; i < pt->nch; i++)
			truepeak_reset_max(&pt->tp[i]);
	}
}

void
loudness_get(const struct loudness *m, struct loudness_result *r)
{
	struct extra x;
	double mean;
	uint64_t cnt;
	int gb;
	bool gin;
	double tp_max = 0.0, sp_max = 0.0;

	memset(r, 0, sizeof *r);
	r->channels = m->cfg.channels;
	r->frames = m->frames;
	r->blocks = m->blocks;
	r->momentary_lufs = m->step > 0 ? lufs(m->m_e) : -INFINITY;
	r->short_term_lufs = m->step > 0 ? lufs(m->s_e) : -INFINITY;
	r->momentary_max_lufs = m->m_max >= 0.0 ? lufs(m->m_max) : -INFINITY;
	r->short_term_max_lufs = m->s_max >= 0.0 ? lufs(m->s_max) : -INFINITY;

	r->integrated_lufs = r->speech_gated_lufs = r->speech_percent = -INFINITY;
	if (gate(&m->all, NULL, REL_GATE_LU, &mean, &cnt, &gb, &gin) && cnt > 0)
		r->integrated_lufs = lufs(mean);

	/* pending blocks, classified with the flags known now */
	x.n = 0;
	r->speech_blocks = m->speech_blocks;
	for (int i = 0; i < m->npend; i++) {
		const struct pending *b = &m->pend[(m->pend_first + i) % PEND_RING];

		if (block_is_speech(m, b->hop)) {
			r->speech_blocks++;
			x.bin[x.n] = b->bin;
			x.e[x.n] = b->energy;
			x.n++;
		}
	}
	if (r->integrated_lufs > -INFINITY)
		r->speech_percent = 100.0 * (double)count_passed(&m->speech, &x, gb,
		    gin) / (double)cnt;
	{
		double smean;
		uint64_t scnt;
		int sgb;
		bool sgin;

		if (gate(&m->speech, &x, REL_GATE_LU, &smean, &scnt, &sgb, &sgin) &&
		    scnt > 0)
			r->speech_gated_lufs = lufs(smean);
	}
	lra_get(m, r);

	for (int p = 0; p < m->cfg.parts; p++) {
		const struct part *pt = m->part[p];

		for (int i = 0; i < pt->nch; i++) {
			const int c = pt->ch[i];
			const double sp = pt->sample_peak[c];
			double tp = -1.0;

			if (pt->tp_on) {
				tp = truepeak_get(&pt->tp[i]);
				tp = tp > sp ? tp : sp;
				tp_max = tp > tp_max ? tp : tp_max;
			}
			sp_max = sp > sp_max ? sp : sp_max;
			r->sample_peak_ch_dbfs[c] = lin_to_db(sp);
			r->true_peak_ch_dbtp[c] = tp >= 0.0 ? lin_to_db(tp) : -INFINITY;
		}
		r->invalid_samples += pt->invalid;
	}
	r->sample_peak_dbfs = lin_to_db(sp_max);
	r->true_peak_dbtp = m->cfg.true_peak != LOUDNESS_TP_NONE ?
	    lin_to_db(tp_max) : -INFINITY;
	for (int c = m->cfg.channels; c < LOUDNESS_MAX_CHANNELS; c++)
		r->sample_peak_ch_dbfs[c] = r->true_peak_ch_dbtp[c] = -INFINITY;
}

int64_t
loudness_get_live(const struct loudness *m, double *momentary_lufs,
    double *short_term_lufs)
{
	*momentary_lufs = m->step > 0 ? lufs(m->m_e) : -INFINITY;
	*short_term_lufs = m->step > 0 ? lufs(m->s_e) : -INFINITY;
	return m->step;
}

double
loudness_get_true_peak(const struct loudness *m)
{
	double tp_max = 0.0;

	if (m->cfg.true_peak == LOUDNESS_TP_NONE)
		return -INFINITY;
	for (int p = 0; p < m->cfg.parts; p++) {
		const struct part *pt = m->part[p];

		for (int i = 0; pt->tp_on && i < pt->nch; i++) {
			double sp = pt->sample_peak[pt->ch[i]];
			double tp = truepeak_get(&pt->tp[i]);

			tp = tp > sp ? tp : sp;
			tp_max = tp > tp_max ? tp : tp_max;
		}
	}
	return lin_to_db(tp_max);
}

double
loudness_get_integrated(const struct loudness *m)
{
	double mean;
	uint64_t cnt;
	int gb;
	bool gin;

	if (gate(&m->all, NULL, REL_GATE_LU, &mean, &cnt, &gb, &gin) && cnt > 0)
		return lufs(mean);
	return -INFINITY;
}
