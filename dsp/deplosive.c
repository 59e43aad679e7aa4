/*
 * deplosive.c - the de-plosive of deplosive.h.
 *
 * Stream layout. Input samples go into a ring (per channel) of ring_n
 * frames, a power of two above the latency L = n - 1 + span * hop. A
 * frame ends at every stream position t with (t + 1) % hop == 0; it is
 * analysed at once (analyse: one r2c FFT per channel, the low bins kept,
 * powers and ratios into history slot frames % hist), and the frame span
 * frames older is decided (decide: its gains from the ratios of the hist =
 * 2 span + 1 frames around it, and, if any gain is below 1, its removal
 * synthesised by a c2r FFT and overlap-added into the removal ring at that
 * frame's position). Output at time t is ring[t - L] - removal[t - L]: by
 * then every frame covering t - L has been decided.
 *
 * Scaling: forward and inverse FFTs are unnormalised, so the removal is
 * scaled by 1/n; analysis and synthesis windows are both sin(pi i / n),
 * whose products, Hann windows, sum to 2 at hop n/4: another 1/2.
 */
#include "dsp/deplosive.h"

#include <fftw3.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/dsp.h"

/* The constants; deplosive.h gives the reasons at length. */
#define FRAME_MS 40.0      /* analysis frame, rounded to a power of two: 23 Hz bins */
#define SPAN_MS 85.0       /* frames each side of the one decided: a burst (<= 100 ms,
                            * ~140 ms of frames) always leaves clear frames in reach */
#define KTH 3              /* the expected ratio: the 3rd lowest (held for 32 ms) */
#define GLIDE_DB 6.0f      /* a neighbour bin's expected ratio, less this, counts too:
                            * a gliding fundamental moves into the next bin */
#define VREF_DB 40.0f      /* frames whose voice band is this much quieter (room tone
                            * under a voice, silence) are no reference */
#define B_RISE_DB_S 30.0   /* recent absolute level: a 100 ms burst lifts it <= 3 dB */
#define B_FALL_DB_S 60.0
#define REL_DB -30.0f      /* bins this far below the frame's voice band: left alone */
#define SLOPE 2.0f         /* dB of reduction per dB of excess over the threshold */
#define SLOPE_UNKNOWN 4.0f /* the same where no frame in reach gives a reference */
#define VOICE_TOP 4.0      /* the voice band is [freq_hz, VOICE_TOP * freq_hz) */

#define MAX_SAMPLE 1e6f
#define TINY 1e-25f
#define POW_FLOOR 1e-20f  /* -200 dB: silence */
/* The voice band is read as at least -140 dB (per-bin power in units of
 * signal power; 24-bit dither sums to about -130 dB over the band), so that
 * digital silence has a ratio far below any sound's, not the 0 dB of
 * silence over silence. */
#define V_FLOOR 1e-14f
#define FREQ_MIN 60.0
#define FREQ_MAX 300.0
/* Bins below FREQ_MAX: bin widths are 17.7..35.4 Hz (n the power of two
 * nearest 40 ms), so at most 17; the voice band reaches 4 * 300 Hz, at
 * most 68 bins. */
#define MAX_LF 24
#define MAX_P 96
#define MAX_SPAN 16

struct deplosive {
	int channels, rate_hz;
	int n, hop;       /* analysis frame and hop */
	int span;         /* frames each side of the decided frame */
	int hist;         /* 2 * span + 1 */
	int ring_n, mask; /* ring size (power of two > latency) */
	int latency;
	int lf_max;       /* bins analysed: those below FREQ_MAX */
	/* designed from the params */
	int lf;           /* bins [0, lf) are the plosive band */
	int vb_lo, vb_hi; /* voice band bins [vb_lo, vb_hi) */
	float thr_db, range_db;
	/* constants */
	float b_rise, b_fall; /* dB per frame */
	float norm;       /* 1 / sum w^2: bin powers in units of signal power */
	/* buffers */
	float *win;
	float *tbuf;
	fftwf_complex *spec;
	fftwf_plan fwd, inv;
	float *ring[DSP_MAX_CHANNELS];
	float *rem[DSP_MAX_CHANNELS];
	float (*x)[MAX_LF][2]; /* [hist * channels] the low bins of each frame */
	float (*pdb)[MAX_LF];  /* [hist] bin power, dB */
	float (*rdb)[MAX_LF];  /* [hist] ratio to the voice band, dB */
	float *vdb;            /* [hist] voice band power, dB */
	/* state */
	float bdb[MAX_LF];     /* recent absolute level, dB */
	long long frames;      /* analysed since reset */
	int w;                 /* ring index of the next input sample */
	float gain_db;
};

void
deplosive_params_default(struct deplosive_params *p)
{
	p->freq_hz = 120;
	p->threshold_db = 6;
	p->reduction_db = 30;
}

static int
in_range(double v, double lo, double hi)
{
	return v >= lo && v <= hi; /* false for NaN */
}

const char *
deplosive_params_check(const struct deplosive_params *p)
{
	if (p == NULL)
		return "deplosive: no parameters";
	if (!in_range(p->freq_hz, FREQ_MIN, FREQ_MAX))
		return "deplosive: freq_hz must be in [60, 300]";
	if (!in_range(p->threshold_db, 3, 30))
		return "deplosive: threshold_db must be in [3, 30]";
	if (!in_range(p->reduction_db, 0, 40))
		return "deplosive: reduction_db must be in [0, 40]";
	return NULL;
}

/* Bins with centre below f. */
static int
bins_below(const struct deplosive *k, double f)
{
	return (int)ceil(f * k->n / k->rate_hz);
}

/* No allocation and no libm per frame: safe from deplosive_set_params. */
static void
design(struct deplosive *k, const struct deplosive_params *p)
{
	k->lf = bins_below(k, p->freq_hz);
	if (k->lf > k->lf_max)
		k->lf = k->lf_max;
	k->vb_lo = k->lf;
	k->vb_hi = bins_below(k, VOICE_TOP * p->freq_hz);
	k->thr_db = (float)p->threshold_db;
	k->range_db = (float)p->reduction_db;
}

/* The power of two nearest x (in log terms), within the FFT sizes used. */
static int
pow2_near(double x)
{
	int n = 16;

	while (n < 16384 && fabs(log2(n * 2.0) - log2(x)) < fabs(log2((double)n) - log2(x)))
		n *= 2;
	return n;
}

struct deplosive *
deplosive_create(int channels, int rate_hz, const struct deplosive_params *p)
{
	struct deplosive *k;
	double dt, s2 = 0;
	int n;

	if (!dsp_stream_ok(channels, rate_hz) || deplosive_params_check(p) != NULL)
		return NULL;
	k = calloc(1, sizeof *k);
	if (k == NULL)
		return NULL;
	k->channels = channels;
	k->rate_hz = rate_hz;
	n = pow2_near(rate_hz * FRAME_MS / 1000.0);
	k->n = n;
	k->hop = n / 4;
	k->span = (int)lround(SPAN_MS / 1000.0 * rate_hz / k->hop);
	if (k->span < 1)
		k->span = 1;
	if (k->span > MAX_SPAN)
		k->span = MAX_SPAN;
	k->hist = 2 * k->span + 1;
	k->latency = n - 1 + k->span * k->hop;
	k->ring_n = n;
	while (k->ring_n <= k->latency)
		k->ring_n *= 2;
	k->mask = k->ring_n - 1;
	k->lf_max = bins_below(k, FREQ_MAX);
	k->win = fftwf_alloc_real((size_t)n);
	k->tbuf = fftwf_alloc_real((size_t)n);
	k->spec = fftwf_alloc_complex((size_t)n / 2 + 1);
	k->x = calloc((size_t)k->hist * (size_t)channels, sizeof *k->x);
	k->pdb = calloc((size_t)k->hist, sizeof *k->pdb);
	k->rdb = calloc((size_t)k->hist, sizeof *k->rdb);
	k->vdb = calloc((size_t)k->hist, sizeof *k->vdb);
	if (k->win == NULL || k->tbuf == NULL || k->spec == NULL || k->x == NULL ||
	    k->pdb == NULL || k->rdb == NULL || k->vdb == NULL)
		goto fail;
	for (int c = 0; c < channels; c++) {
		k->ring[c] = fftwf_alloc_real((size_t)k->ring_n);
		k->rem[c] = fftwf_alloc_real((size_t)k->ring_n);
		if (k->ring[c] == NULL || k->rem[c] == NULL)
			goto fail;
	}
	k->fwd = fftwf_plan_dft_r2c_1d(n, k->tbuf, k->spec, FFTW_ESTIMATE);
	k->inv = fftwf_plan_dft_c2r_1d(n, k->spec, k->tbuf, FFTW_ESTIMATE);
	if (k->fwd == NULL || k->inv == NULL)
		goto fail;
	for (int i = 0; i < n; i++) {
		k->win[i] = (float)sin(M_PI * i / n);
		s2 += (double)k->win[i] * k->win[i];
	}
	k->norm = (float)(1.0 / s2);
	dt = (double)k->hop / rate_hz;
	k->b_rise = (float)(B_RISE_DB_S * dt);
	k->b_fall = (float)(B_FALL_DB_S * dt);
	design(k, p);
	deplosive_reset(k);
	return k;
fail:
	deplosive_destroy(k);
	return NULL;
}

void
deplosive_destroy(struct deplosive *k)
{
	if (k == NULL)
		return;
	if (k->fwd != NULL)
		fftwf_destroy_plan(k->fwd);
	if (k->inv != NULL)
		fftwf_destroy_plan(k->inv);
	for (int c = 0; c < k->channels; c++) {
		fftwf_free(k->ring[c]);
		fftwf_free(k->rem[c]);
	}
	fftwf_free(k->win);
	fftwf_free(k->tbuf);
	fftwf_free(k->spec);
	free(k->x);
	free(k->pdb);
	free(k->rdb);
	free(k->vdb);
	free(k);
}

void
deplosive_set_params(struct deplosive *k, const struct deplosive_params *p)
{
	if (deplosive_params_check(p) == NULL)
		design(k, p);
}

void
deplosive_reset(struct deplosive *k)
{
	for (int c = 0; c < k->channels; c++) {
		memset(k->ring[c], 0, sizeof(float) * (size_t)k->ring_n);
		memset(k->rem[c], 0, sizeof(float) * (size_t)k->ring_n);
	}
	memset(k->x, 0, sizeof *k->x * (size_t)k->hist * (size_t)k->channels);
	/* the stream's "before": a voice band of -200 dB, below the reach of
	 * any frame (whose voice band reads at least -140 dB), so frames that
	 * never were are no reference */
	for (int h = 0; h < k->hist; h++) {
		for (int b = 0; b < MAX_LF; b++) {
			k->pdb[h][b] = -200.0f;
			k->rdb[h][b] = 0.0f;
		}
		k->vdb[h] = -200.0f;
	}
	for (int b = 0; b < MAX_LF; b++)
		k->bdb[b] = -200.0f;
	k->frames = 0;
	k->w = 0;
	k->gain_db = 0.0f;
}

int
deplosive_latency(const struct deplosive *k)
{
	return k->latency;
}

float
deplosive_gain_db(const struct deplosive *k)
{
	return k->gain_db;
}

/* 10 log10(p), -200 dB for silence. */
static inline float
pow_db(float p)
{
	return 0.5f * DSP_DB_PER_LOG2 * dsp_fast_log2f(p + POW_FLOOR);
}

/* t moved towards x by at most rise (up) or fall (down). */
static inline float
track(float t, float x, float rise, float fall)
{
	const float d = x - t;

	return t + (d > rise ? rise : d < -fall ? -fall : d);
}

/* Analyses the frame at ring indices s .. s+n-1 into history slot h. */
static void
analyse(struct deplosive *k, int s, int h)
{
	const int n = k->n, mask = k->mask, lf = k->lf_max;
	const int np = k->vb_hi > lf ? k->vb_hi : lf;
	float P[MAX_P], V = 0.0f, vdb;

	memset(P, 0, sizeof P);
	for (int c = 0; c < k->channels; c++) {
		const float *r = k->ring[c];
		float (*x)[2] = k->x[h * k->channels + c];

		for (int i = 0; i < n; i++) {
			const float v = r[(s + i) & mask] * k->win[i];

			k->tbuf[i] = fabsf(v) < TINY ? 0.0f : v;
		}
		fftwf_execute_dft_r2c(k->fwd, k->tbuf, k->spec);
		for (int b = 0; b < lf; b++) {
			x[b][0] = k->spec[b][0];
			x[b][1] = k->spec[b][1];
		}
		for (int b = 0; b < np; b++)
			P[b] += k->spec[b][0] * k->spec[b][0] + k->spec[b][1] * k->spec[b][1];
	}
	for (int b = 0; b < np; b++)
		P[b] *= k->norm;
	for (int b = k->vb_lo; b < k->vb_hi; b++)
		V += P[b];
	vdb = pow_db(V > V_FLOOR ? V : V_FLOOR);
	k->vdb[h] = vdb;
	for (int b = 0; b < lf; b++) {
		k->pdb[h][b] = pow_db(P[b]);
		k->rdb[h][b] = k->pdb[h][b] - vdb;
	}
}

/*
 * What the voice band explains in bin b of frame d, as a ratio: the KTH
 * lowest ratio of the bin over the other frames of the history whose voice
 * band was at most VREF_DB below frame d's (a ratio measured over a much
 * quieter voice band, room tone or digital silence, says nothing about
 * what the voice explains now), and never above 0 dB (no voice puts more
 * into one low bin than into its whole voice band). With fewer than KTH
 * such frames below 0 dB, 0 dB is the expectation, and *known is false.
 */
static float
voice_ratio(const struct deplosive *k, int d, int b, bool *known)
{
	const float vmin = k->vdb[d] - VREF_DB;
	float lo[KTH];
	int count = 0;

	for (int i = 0; i < KTH; i++)
		lo[i] = 0.0f;
	for (int h = 0; h < k->hist; h++) {
		const float v = k->rdb[h][b];
		int i = KTH - 1;

		if (h == d || k->vdb[h] < vmin || v >= 0.0f)
			continue;
		count++;
		if (v >= lo[i])
			continue;
		while (i > 0 && lo[i - 1] > v) {
			lo[i] = lo[i - 1];
			i--;
		}
		lo[i] = v;
	}
	*known = count >= KTH;
	return lo[KTH - 1];
}

/* Decides the gains of the frame in history slot d and adds its removal
 * into the removal rings from ring index s. */
static void
decide(struct deplosive *k, int d, int s)
{
	const int n = k->n, mask = k->mask, lf = k->lf;
	const int nv = lf < k->lf_max ? lf + 1 : lf; /* with the first voice bin */
	const float vdb = k->vdb[d], floor_db = vdb + REL_DB;
	float g[MAX_LF], vr[MAX_LF + 1], mindb = 0.0f;
	bool known[MAX_LF + 1], any = false;

	for (int b = 0; b < nv; b++)
		vr[b] = voice_ratio(k, d, b, &known[b]);
	for (int b = 0; b < lf; b++) {
		const float db = k->pdb[d][b];
		float r = vr[b], edb, over, gdb = 0.0f;

		if (b > 0 && vr[b - 1] - GLIDE_DB > r)
			r = vr[b - 1] - GLIDE_DB;
		if (b + 1 < nv && vr[b + 1] - GLIDE_DB > r)
			r = vr[b + 1] - GLIDE_DB;
		edb = r + vdb;
		if (k->bdb[b] > edb)
			edb = k->bdb[b];
		over = db - edb - k->thr_db;
		/* no lower than the relevance floor, continuously */
		if (over > db - floor_db)
			over = db - floor_db;
		if (over > 0.0f && known[b]) {
			gdb = -SLOPE * over;
			if (gdb < edb - db) /* never below the expected level */
				gdb = edb - db;
		} else if (over > 0.0f) {
			/* no reference: the expectation is a ceiling, not an
			 * estimate of the voice under the burst */
			gdb = -SLOPE_UNKNOWN * over;
		}
		if (gdb < -k->range_db)
			gdb = -k->range_db;
		g[b] = gdb < 0.0f ? dsp_fast_db_to_lin(gdb) : 1.0f;
		if (gdb < 0.0f)
			any = true;
		if (gdb < mindb)
			mindb = gdb;
	}
	for (int b = 0; b < k->lf_max; b++)
		k->bdb[b] = track(k->bdb[b], k->pdb[d][b], k->b_rise, k->b_fall);
	k->gain_db = mindb;
	if (!any)
		return;
	for (int c = 0; c < k->channels; c++) {
		const float (*x)[2] = (const float (*)[2])k->x[d * k->channels + c];
		const float sc = 0.5f / (float)n;
		float *o = k->rem[c];

		memset(k->spec, 0, sizeof(fftwf_complex) * (size_t)(n / 2 + 1));
		for (int b = 0; b < lf; b++) {
			k->spec[b][0] = (1.0f - g[b]) * x[b][0];
			k->spec[b][1] = (1.0f - g[b]) * x[b][1];
		}
		fftwf_execute_dft_c2r(k->inv, k->spec, k->tbuf);
		for (int i = 0; i < n; i++)
			o[(s + i) & mask] += k->tbuf[i] * k->win[i] * sc;
	}
}

/* A frame ends at ring index e (inclusive): analyse it, decide the one
 * span frames older. */
static void
frame(struct deplosive *k, int e)
{
	const int h = (int)(k->frames % k->hist);
	const long long dj = k->frames - k->span;

	analyse(k, (e + 1 - k->n) & k->mask, h);
	if (k->frames == 0) /* the recent level starts from the first frame */
		for (int b = 0; b < k->lf_max; b++)
			k->bdb[b] = k->pdb[h][b];
	if (dj >= 0)
		decide(k, (int)(dj % k->hist),
		    (e + 1 - k->n - k->span * k->hop) & k->mask);
	k->frames++;
}

void
deplosive_process(struct deplosive *k, float *const *buf, int frames)
{
	const int L = k->latency, mask = k->mask;
	int done = 0;

	while (done < frames) {
		/* samples up to and including the next frame end, or the rest */
		const int to_end = k->hop - (k->w & (k->hop - 1));
		const bool ends = to_end <= frames - done;
		const int m = ends ? to_end : frames - done;
		const int last = ends ? m - 1 : m; /* outputs before the frame */
		const int w0 = k->w;

		for (int c = 0; c < k->channels; c++) {
			float *x = buf[c] + done, *r = k->ring[c], *o = k->rem[c];

			for (int j = 0; j < m; j++) {
				float v = x[j];

				if (!(fabsf(v) <= MAX_SAMPLE)) /* NaN too */
					v = 0.0f;
				r[(w0 + j) & mask] = v;
				if (j < last) {
					const int q = (w0 + j - L) & mask;

					x[j] = r[q] - o[q];
					o[q] = 0.0f;
				}
			}
		}
		if (ends) {
			const int q = (w0 + m - 1 - L) & mask;

			frame(k, (w0 + m - 1) & mask);
			for (int c = 0; c < k->channels; c++) {
				buf[c][done + m - 1] = k->ring[c][q] - k->rem[c][q];
				k->rem[c][q] = 0.0f;
			}
		}
		k->w = (w0 + m) & mask;
		done += m;
	}
}
