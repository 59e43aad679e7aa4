/*
 * deplosive.c - the de-plosive of deplosive.h (draft).
 */
#include "dsp/deplosive.h"

#include <fftw3.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/dsp.h"
#ifdef DEBUG
#include <stdio.h>
#endif

#ifndef FRAME_MS
#define FRAME_MS 40.0
#endif
#ifndef SPAN_MS
#define SPAN_MS 85.0
#endif
#ifndef B_RISE_DB_S
#define B_RISE_DB_S 30.0
#endif
#ifndef B_FALL_DB_S
#define B_FALL_DB_S 60.0
#endif
#ifndef SLOPE
#define SLOPE 2.0
#endif
#ifndef NB
#define NB 0.1f
#endif
#ifndef NB2
#define NB2 0.005f
#endif
#ifndef REL
#define REL 0.001f
#endif
#ifndef KTH
#define KTH 3
#endif
#ifndef CTX_DB
#define CTX_DB 1000.0f
#endif
#ifndef CTX_T
#define CTX_T 0.0f
#endif
#ifndef VB_MUL
#define VB_MUL 4.0
#endif

#define MAX_SAMPLE 1e6f
#define TINY 1e-25f
#define POW_FLOOR 1e-20f
#define FREQ_MAX 300.0
#define MAX_LF 64
#define MAX_P 256
#define MAX_SPAN 64 /* frames each side */

struct deplosive {
	int channels, rate_hz;
	int n, hop;      /* analysis frame and hop */
	int span;        /* frames each side of the decision frame */
	int hist;        /* 2 * span + 1 frames of history */
	int ring_n, mask;
	struct deplosive_params p;
	/* designed from p */
	int lf;           /* bins [0, lf) are the plosive band */
	int vb_lo, vb_hi; /* voice band bins [vb_lo, vb_hi) */
	int np;           /* bins whose power a frame needs */
	float thr_db, range_db;
	float b_rise, b_fall;
	float norm;       /* 1 / sum w^2 */
	/* buffers */
	float *win;
	float *tbuf;
	fftwf_complex *spec;
	fftwf_plan fwd, inv;
	float *ring[DSP_MAX_CHANNELS];
	float *ola[DSP_MAX_CHANNELS];
	float (*x)[MAX_LF][2]; /* [hist][channel] LF bins of the frames */
	float (*pdb)[MAX_LF];  /* [hist] bin power, dB */
	float (*rdb)[MAX_LF];  /* [hist] bin (with neighbour leakage) over voice band, dB */
	float *vdb;            /* [hist] voice band power, dB */
	/* state */
	float bdb[MAX_LF];
	long long frames;      /* analysed since reset */
	int w;                 /* ring index of the next input frame */
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
	return v >= lo && v <= hi;
}

const char *
deplosive_params_check(const struct deplosive_params *p)
{
	if (p == NULL)
		return "deplosive: no parameters";
	if (!in_range(p->freq_hz, 60, FREQ_MAX))
		return "deplosive: freq_hz must be in [60, 300]";
	if (!in_range(p->threshold_db, 3, 30))
		return "deplosive: threshold_db must be in [3, 30]";
	if (!in_range(p->reduction_db, 0, 40))
		return "deplosive: reduction_db must be in [0, 40]";
	return NULL;
}

static void
design(struct deplosive *k, const struct deplosive_params *p)
{
	const double bin_hz = (double)k->rate_hz / k->n;
	int lf = (int)ceil(p->freq_hz / bin_hz);

	if (lf > MAX_LF)
		lf = MAX_LF;
	k->lf = lf;
	k->vb_lo = lf;
	k->vb_hi = (int)ceil(VB_MUL * p->freq_hz / bin_hz);
	k->np = k->vb_hi > lf + 3 ? k->vb_hi : lf + 3;
	k->thr_db = (float)p->threshold_db;
	k->range_db = (float)p->reduction_db;
	k->p = *p;
}

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
	int n;
	double dt;

	if (channels < 1 || channels > DSP_MAX_CHANNELS || rate_hz < 8000 ||
	    rate_hz > 192000 || deplosive_params_check(p) != NULL)
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
	k->ring_n = 1;
	while (k->ring_n < n + k->span * k->hop)
		k->ring_n *= 2;
	k->mask = k->ring_n - 1;
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
		k->ola[c] = fftwf_alloc_real((size_t)k->ring_n);
		if (k->ring[c] == NULL || k->ola[c] == NULL)
			goto fail;
	}
	k->fwd = fftwf_plan_dft_r2c_1d(n, k->tbuf, k->spec, FFTW_ESTIMATE);
	k->inv = fftwf_plan_dft_c2r_1d(n, k->spec, k->tbuf, FFTW_ESTIMATE);
	if (k->fwd == NULL || k->inv == NULL)
		goto fail;
	{
		double s2 = 0;

		for (int i = 0; i < n; i++) {
			k->win[i] = (float)sin(M_PI * i / n);
			s2 += (double)k->win[i] * k->win[i];
		}
		k->norm = (float)(1.0 / s2);
	}
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
		fftwf_free(k->ola[c]);
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
		memset(k->ola[c], 0, sizeof(float) * (size_t)k->ring_n);
	}
	memset(k->x, 0, sizeof *k->x * (size_t)k->hist * (size_t)k->channels);
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
	return k->n - 1 + k->span * k->hop;
}

float
deplosive_gain_db(const struct deplosive *k)
{
	return k->gain_db;
}

static inline float
pdb(float p)
{
	return 0.5f * DSP_DB_PER_LOG2 * dsp_fast_log2f(p + POW_FLOOR);
}

static inline float
track(float t, float x, float rise, float fall)
{
	const float d = x - t;

	return t + (d > rise ? rise : d < -fall ? -fall : d);
}

/* Analyses the frame over ring indices s .. s+n-1 into history slot h. */
static void
analyse(struct deplosive *k, int s, int h)
{
	const int n = k->n, mask = k->mask, lf = k->lf, np = k->np;
	float P[MAX_P], V = 0.0f, vdb;

	memset(P, 0, sizeof P);
	for (int c = 0; c < k->channels; c++) {
		const float *r = k->ring[c];
		float (*x)[2] = k->x[h * k->channels + c];

		for (int i = 0; i < n; i++) {
			float v = r[(s + i) & mask] * k->win[i];

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
	vdb = pdb(V);
	k->vdb[h] = vdb;
	for (int b = 0; b < lf; b++) {
		float e = P[b];

		if (NB * P[b + 1] > e)
			e = NB * P[b + 1];
		if (NB2 * P[b + 2] > e)
			e = NB2 * P[b + 2];
		if (b > 0 && NB * P[b - 1] > e)
			e = NB * P[b - 1];
		if (b > 1 && NB2 * P[b - 2] > e)
			e = NB2 * P[b - 2];
		k->pdb[h][b] = pdb(P[b]);
		k->rdb[h][b] = pdb(e) - vdb;
	}
}

/* The KTH lowest of the ratios of bin b in the history, frame d excluded. */
static float
low_ratio(const struct deplosive *k, int d, int b)
{
	float lo[KTH];

	for (int i = 0; i < KTH; i++)
		lo[i] = 1e30f;
	for (int h = 0; h < k->hist; h++) {
		const float v = k->rdb[h][b];
		int i = KTH - 1;

		if (h == d || v >= lo[i])
			continue;
		while (i > 0 && lo[i - 1] > v) {
			lo[i] = lo[i - 1];
			i--;
		}
		lo[i] = v;
	}
	return lo[KTH - 1];
}

/* Decides the gains of the frame in history slot d (span frames old) and
 * adds its removal into the OLA buffers at ring index s. */
static void
decide(struct deplosive *k, int d, int s)
{
	const int n = k->n, mask = k->mask, lf = k->lf;
	const float vdb = k->vdb[d], floor_db = pdb(REL) + vdb;
	float g[MAX_LF], ex[MAX_LF], mindb = 0.0f, burst = 0.0f, thr;
	bool any = false;

	for (int b = 0; b < lf; b++) {
		const float db = k->pdb[d][b];
		float edb = low_ratio(k, d, b) + vdb;

		if (k->bdb[b] > edb)
			edb = k->bdb[b];
		ex[b] = db - edb;
		if (ex[b] > db - floor_db + k->thr_db)
			ex[b] = db - floor_db + k->thr_db;
		if (ex[b] - k->thr_db > burst)
			burst = ex[b] - k->thr_db;
		k->bdb[b] = track(k->bdb[b], db, k->b_rise, k->b_fall);
	}
	thr = burst >= CTX_DB ? CTX_T : k->thr_db;
	for (int b = 0; b < lf; b++) {
		float over = ex[b] - thr, gdb = 0.0f;

		if (over > 0.0f) {
			gdb = -(float)SLOPE * over;
			if (gdb < -(thr + over))
				gdb = -(thr + over);
			if (gdb < -k->range_db)
				gdb = -k->range_db;
		}
		g[b] = gdb < 0.0f ? dsp_fast_db_to_lin(gdb) : 1.0f;
		if (gdb < 0.0f)
			any = true;
		if (gdb < mindb)
			mindb = gdb;
#ifdef DEBUG
		{
			extern long dbg_pos; extern long dbg_a, dbg_b;
			if (dbg_pos >= dbg_a && dbg_pos <= dbg_b) {
				if (b == 0) fprintf(stderr, "t=%ld vdb=%.1f |", dbg_pos - (long)k->span * k->hop, vdb);
				fprintf(stderr, " %.1f/%.1f/%.1f/%.1f", k->pdb[d][b], k->bdb[b], k->pdb[d][b] - ex[b], gdb);
				if (b == lf - 1) fprintf(stderr, "\n");
			}
		}
#endif
	}
	k->gain_db = mindb;
	if (!any)
		return;
	for (int c = 0; c < k->channels; c++) {
		float *o = k->ola[c];
		const float (*x)[2] = (const float (*)[2])k->x[d * k->channels + c];
		const float sc = 0.5f / (float)n;

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

/* A frame ends at ring index e (inclusive). */
static void
frame(struct deplosive *k, int e)
{
	const int h = (int)(k->frames % k->hist);
	const long long dj = k->frames - k->span;

	analyse(k, (e + 1 - k->n) & k->mask, h);
	if (k->frames == 0)
		for (int b = 0; b < k->lf; b++)
			k->bdb[b] = k->pdb[h][b];
	if (dj >= 0)
		decide(k, (int)(dj % k->hist),
		    (e + 1 - k->n - k->span * k->hop) & k->mask);
	k->frames++;
}

void
deplosive_process(struct deplosive *k, float *const *buf, int frames)
{
	const int L = k->n - 1 + k->span * k->hop;
	int done = 0;

	while (done < frames) {
		/* frames until the next frame boundary (inclusive) */
		const int to_b = k->hop - (k->w & (k->hop - 1));
		const bool boundary = to_b <= frames - done;
		const int m = boundary ? to_b : frames - done;
		const int w0 = k->w;

		for (int c = 0; c < k->channels; c++) {
			float *x = buf[c] + done, *r = k->ring[c], *o = k->ola[c];
			const int last = boundary ? m - 1 : m;

			for (int j = 0; j < m; j++) {
				float v = x[j];

				if (!(fabsf(v) <= MAX_SAMPLE))
					v = 0.0f;
				r[(w0 + j) & k->mask] = v;
				if (j < last) {
					const int q = (w0 + j - L) & k->mask;

					x[j] = r[q] - o[q];
					o[q] = 0.0f;
				}
			}
		}
		if (boundary) {
			const int q = (w0 + m - 1 - L) & k->mask;

			frame(k, (w0 + m - 1) & k->mask);
			for (int c = 0; c < k->channels; c++) {
				buf[c][done + m - 1] = k->ring[c][q] - k->ola[c][q];
				k->ola[c][q] = 0.0f;
			}
		}
		k->w = (w0 + m) & k->mask;
		done += m;
	}
}
