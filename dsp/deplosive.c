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
#ifndef B_RISE_DB_S
#define B_RISE_DB_S 30.0
#endif
#ifndef B_FALL_DB_S
#define B_FALL_DB_S 60.0
#endif
#ifndef MAX_BURST_MS
#define MAX_BURST_MS 200.0
#endif
#ifndef Q_RISE_DB_S
#define Q_RISE_DB_S 100.0
#endif
#ifndef Q_FALL_DB_S
#define Q_FALL_DB_S 300.0
#endif
#ifndef RHO_UP_DB_S
#define RHO_UP_DB_S 20.0
#endif
#ifndef RHO_DOWN_DB_S
#define RHO_DOWN_DB_S 5.0
#endif
#ifndef RHO_PRIOR_DB
#define RHO_PRIOR_DB -10.0
#endif
#ifndef SPEECH_DB
#define SPEECH_DB 12.0
#endif
#ifndef VFLOOR_RISE_DB_S
#define VFLOOR_RISE_DB_S 3.0
#endif
#ifndef SLOPE
#define SLOPE 1.0
#endif
#ifndef VGAIN
#define VGAIN 1.0f
#endif
#ifndef NB
#define NB 0.1f
#endif
#ifndef VB_MUL
#define VB_MUL 4.0
#endif

#define MAX_SAMPLE 1e6f
#define TINY 1e-25f
#define POW_FLOOR 1e-20f
#define FREQ_MAX 300.0
#define MAX_LF 64

struct deplosive {
	int channels, rate_hz;
	int n, hop, mask;
	struct deplosive_params p;
	/* designed from p */
	int lf;           /* bins [0, lf) are the plosive band */
	int vb_lo, vb_hi; /* voice band bins [vb_lo, vb_hi) */
	float thr_db, range_db;
	/* per-frame constants */
	float b_rise, b_fall, q_rise, q_fall, vf_rise, rho_up, rho_down;
	int max_burst;
	float norm;       /* 1 / sum w^2 */
	/* buffers */
	float *win;
	float *tbuf;
	fftwf_complex *spec;
	fftwf_plan fwd, inv;
	float *ring[DSP_MAX_CHANNELS];
	float *ola[DSP_MAX_CHANNELS];
	float (*x)[MAX_LF][2]; /* per channel, the LF bins of the frame */
	/* state */
	float bdb[MAX_LF];
	float qdb[MAX_LF], rho[MAX_LF];
	int over[MAX_LF];
	float vfloor_db, vrec_db;
	bool started;
	int w; /* ring index of the next input frame */
	float gain_db;
};

void
deplosive_params_default(struct deplosive_params *p)
{
	p->freq_hz = 150;
	p->threshold_db = 9;
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
	k->thr_db = (float)p->threshold_db;
	k->range_db = (float)p->reduction_db;
	k->p = *p;
}

struct deplosive *
deplosive_create(int channels, int rate_hz, const struct deplosive_params *p)
{
	struct deplosive *k;
	int n = 16;
	double dt;

	if (channels < 1 || channels > DSP_MAX_CHANNELS || rate_hz < 8000 ||
	    rate_hz > 192000 || deplosive_params_check(p) != NULL)
		return NULL;
	k = calloc(1, sizeof *k);
	if (k == NULL)
		return NULL;
	k->channels = channels;
	k->rate_hz = rate_hz;
	while (n < 16384 && fabs(log2(n * 2.0) - log2(rate_hz * FRAME_MS / 1000.0)) <
	    fabs(log2((double)n) - log2(rate_hz * FRAME_MS / 1000.0)))
		n *= 2;
	k->n = n;
	k->hop = n / 4;
	k->mask = n - 1;
	k->win = fftwf_alloc_real((size_t)n);
	k->tbuf = fftwf_alloc_real((size_t)n);
	k->spec = fftwf_alloc_complex((size_t)n / 2 + 1);
	k->x = calloc((size_t)channels, sizeof *k->x);
	if (k->win == NULL || k->tbuf == NULL || k->spec == NULL || k->x == NULL)
		goto fail;
	for (int c = 0; c < channels; c++) {
		k->ring[c] = fftwf_alloc_real((size_t)n);
		k->ola[c] = fftwf_alloc_real((size_t)n);
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
	k->vf_rise = (float)(VFLOOR_RISE_DB_S * dt);
	k->q_rise = (float)(Q_RISE_DB_S * dt);
	k->q_fall = (float)(Q_FALL_DB_S * dt);
	k->rho_up = (float)(RHO_UP_DB_S * dt);
	k->rho_down = (float)(RHO_DOWN_DB_S * dt);
	k->max_burst = (int)ceil(MAX_BURST_MS / 1000.0 / dt);
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
		memset(k->ring[c], 0, sizeof(float) * (size_t)k->n);
		memset(k->ola[c], 0, sizeof(float) * (size_t)k->n);
	}
	for (int i = 0; i < MAX_LF; i++) {
		k->bdb[i] = -200.0f;
		k->qdb[i] = 0.0f;
		k->rho[i] = (float)RHO_PRIOR_DB;
		k->over[i] = 0;
	}
	k->vfloor_db = -200.0f;
	k->started = false;
	k->w = 0;
	k->gain_db = 0.0f;
}

int
deplosive_latency(const struct deplosive *k)
{
	return k->n - 1;
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

/* One analysis frame over ring indices s .. s+n-1. */
static void
frame(struct deplosive *k, int s)
{
	const int n = k->n, mask = k->mask, lf = k->lf;
	float P[MAX_LF], Pn[MAX_LF], g[MAX_LF], E[MAX_LF], V = 0.0f, vdb, mindb = 0.0f;
	bool any = false;
#ifdef DEBUG
	float dbgB[MAX_LF], dbgR[MAX_LF];
#endif

	memset(P, 0, sizeof P);
	for (int c = 0; c < k->channels; c++) {
		const float *r = k->ring[c];

		for (int i = 0; i < n; i++) {
			float v = r[(s + i) & mask] * k->win[i];

			k->tbuf[i] = fabsf(v) < TINY ? 0.0f : v;
		}
		fftwf_execute_dft_r2c(k->fwd, k->tbuf, k->spec);
		for (int b = 0; b < lf; b++) {
			k->x[c][b][0] = k->spec[b][0];
			k->x[c][b][1] = k->spec[b][1];
			P[b] += k->spec[b][0] * k->spec[b][0] + k->spec[b][1] * k->spec[b][1];
		}
		for (int b = k->vb_lo; b < k->vb_hi; b++)
			V += k->spec[b][0] * k->spec[b][0] + k->spec[b][1] * k->spec[b][1];
	}
	V *= k->norm;
	vdb = pdb(V);
	if (!k->started) {
		for (int b = 0; b < MAX_LF; b++) {
			k->bdb[b] = b < lf ? pdb(P[b] * k->norm) : -200.0f;
			k->qdb[b] = k->bdb[b] - vdb;
		}
		k->vfloor_db = vdb;
		k->vrec_db = vdb;
		k->started = true;
	}
	k->vfloor_db += k->vf_rise;
	if (vdb < k->vfloor_db)
		k->vfloor_db = vdb;
	for (int b = 0; b < lf; b++) {
		float e = P[b];

		if (b > 0 && P[b - 1] * NB > e)
			e = P[b - 1] * NB;
		if (b + 1 < lf && P[b + 1] * NB > e)
			e = P[b + 1] * NB;
		Pn[b] = pdb(e * k->norm);
		{
			const float q = k->qdb[b] < k->rho[b] ? k->qdb[b] : k->rho[b];

			E[b] = k->bdb[b] > q + vdb ? k->bdb[b] : q + vdb;
		}
	}
	for (int b = 0; b < lf; b++) {
		const float db = pdb(P[b] * k->norm);
		float edb = E[b], over, gdb = 0.0f;
#ifdef DEBUG
		dbgB[b] = k->bdb[b]; dbgR[b] = edb;
#endif
		over = db - edb - k->thr_db;
		if (over > 0.0f) {
			gdb = -(float)SLOPE * over;
			if (gdb < -(k->thr_db + over))
				gdb = -(k->thr_db + over);
			if (gdb < -k->range_db)
				gdb = -k->range_db;
			k->over[b]++;
		} else {
			k->over[b] = 0;
		}
		g[b] = gdb < 0.0f ? dsp_fast_db_to_lin(gdb) : 1.0f;
		if (gdb < 0.0f)
			any = true;
		if (gdb < mindb)
			mindb = gdb;
	}
	/* trackers */
	for (int b = 0; b < lf; b++) {
		if (k->over[b] > k->max_burst) {
			k->bdb[b] = Pn[b];
			k->qdb[b] = Pn[b] - vdb;
			k->over[b] = 0;
		} else {
			k->bdb[b] = track(k->bdb[b], Pn[b], k->b_rise, k->b_fall);
			if (k->over[b] == 0) {
				k->qdb[b] = track(k->qdb[b], Pn[b] - vdb, k->q_rise, k->q_fall);
				if (vdb > k->vfloor_db + SPEECH_DB)
					k->rho[b] = track(k->rho[b], Pn[b] - vdb, k->rho_up, k->rho_down);
			}
		}
	}
#ifdef DEBUG
	{
		extern long dbg_pos; extern long dbg_a, dbg_b;
		if (dbg_pos >= dbg_a && dbg_pos <= dbg_b) {
			fprintf(stderr, "t=%ld vdb=%.1f vf=%.1f |", dbg_pos, vdb, k->vfloor_db);
			for (int b = 0; b < lf; b++) fprintf(stderr, " %5.1f/%5.1f/%5.1f/%5.1f", pdb(P[b]*k->norm), dbgB[b], dbgR[b], 20*log10f(g[b]));
			fprintf(stderr, "\n");
		}
	}
#endif
	k->gain_db = mindb;
	if (!any)
		return;
	for (int c = 0; c < k->channels; c++) {
		float *o = k->ola[c];
		const float sc = 0.5f / (float)n;

		memset(k->spec, 0, sizeof(fftwf_complex) * (size_t)(n / 2 + 1));
		for (int b = 0; b < lf; b++) {
			k->spec[b][0] = (1.0f - g[b]) * k->x[c][b][0];
			k->spec[b][1] = (1.0f - g[b]) * k->x[c][b][1];
		}
		fftwf_execute_dft_c2r(k->inv, k->spec, k->tbuf);
		for (int i = 0; i < n; i++)
			o[(s + i) & mask] += k->tbuf[i] * k->win[i] * sc;
	}
}

void
deplosive_process(struct deplosive *k, float *const *buf, int frames)
{
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
					const int q = (w0 + j + 1) & k->mask;

					x[j] = r[q] - o[q];
					o[q] = 0.0f;
				}
			}
		}
		if (boundary) {
			const int q = (w0 + m) & k->mask;

			frame(k, q);
			for (int c = 0; c < k->channels; c++) {
				buf[c][done + m - 1] = k->ring[c][q] - k->ola[c][q];
				k->ola[c][q] = 0.0f;
			}
		}
		k->w = (w0 + m) & k->mask;
		done += m;
	}
}
