/*
 * declick.c - AR-residual click detector and least-squares AR
 * interpolator (model in declick.h).
 *
 * Buffers. Each channel keeps a ring of RING >= 4 H input frames (the
 * repairs are written back into it) and a flag per frame for defects
 * (non-finite input). Output frame t reads ring[t - 2H], finalised by the
 * hop that ended at input frame t - 1 or earlier. Scratch for one window
 * (3 H frames) and the solver is shared by the channels (they are
 * finalised one after another on the same thread).
 */
#include "dsp/declick.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/dsp.h"

#define ORDER 24        /* AR model order */
#define JOIN 8          /* exceedances this close (frames) are one event */
#define MARGIN 2        /* frames added each side of an event */
#ifndef TAIL_DIV
#define TAIL_DIV 2      /* and a tail of (its length / TAIL_DIV) after it */
#endif
#define INPUT_MAX 1e6f
#ifndef PEAK_Q
#define PEAK_Q 0.98     /* quantile of the detector taken as the pulses' level */
#endif
#ifndef PEAK_RATIO
#define PEAK_RATIO 2.0f /* a click stands this far above it */
#endif
#define MAX_CLICK_MS 5.0

struct declick_chan {
	float *ring;
	uint8_t *bad;
};

struct declick {
	int channels, rate;
	struct declick_params p;
	int hop;                 /* H frames */
	int ring, mask;          /* ring length (power of two) */
	int max_len_cap;         /* longest event the solver is sized for */
	int max_len;             /* from p.max_click_ms */
	float thr;               /* threshold in robust scales */
	long long n_in;          /* input frames since reset */
	long repaired;
	struct declick_chan ch[DSP_MAX_CHANNELS];
	/* scratch, 3 H frames unless said */
	float *x, *win, *d, *sel;
	uint8_t *xbad;
	double *mat, *rhs;       /* max_len_cap^2, max_len_cap */
};

void
declick_params_default(struct declick_params *p)
{
	p->sensitivity = 0.5;
	p->max_click_ms = 2.5;
}

const char *
declick_params_check(const struct declick_params *p)
{
	if (!(p->sensitivity >= 0 && p->sensitivity <= 1))
		return "sensitivity must be 0..1";
	if (!(p->max_click_ms >= 0.1 && p->max_click_ms <= MAX_CLICK_MS))
		return "max_click_ms must be 0.1..5";
	return NULL;
}

static void
apply_params(struct declick *k)
{
	k->thr = (float)(12.0 - 8.0 * k->p.sensitivity);
	k->max_len = (int)(k->p.max_click_ms * 1e-3 * k->rate + 0.5);
	if (k->max_len < 1)
		k->max_len = 1;
	if (k->max_len > k->max_len_cap)
		k->max_len = k->max_len_cap;
}

void
declick_destroy(struct declick *k)
{
	if (k == NULL)
		return;
	for (int c = 0; c < DSP_MAX_CHANNELS; c++) {
		free(k->ch[c].ring);
		free(k->ch[c].bad);
	}
	free(k->x);
	free(k->win);
	free(k->d);
	free(k->sel);
	free(k->xbad);
	free(k->mat);
	free(k->rhs);
	free(k);
}

struct declick *
declick_create(int channels, int rate_hz, const struct declick_params *p)
{
	struct declick *k;
	int w;

	if (channels < 1 || channels > DSP_MAX_CHANNELS || rate_hz < 8000 ||
	    rate_hz > 192000 || p == NULL || declick_params_check(p) != NULL)
		return NULL;
	k = calloc(1, sizeof *k);
	if (k == NULL)
		return NULL;
	k->channels = channels;
	k->rate = rate_hz;
	k->p = *p;
	/* H: 512 at 48 kHz, and always room for the longest event, its
	 * margins and the model's context inside the lookahead */
	k->hop = (int)(512.0 * rate_hz / 48000.0);
	k->max_len_cap = (int)(p->max_click_ms * 1e-3 * rate_hz + 0.5) + 2 * MARGIN;
	if (k->hop < k->max_len_cap + 2 * ORDER + JOIN)
		k->hop = k->max_len_cap + 2 * ORDER + JOIN;
	if (k->hop < 128)
		k->hop = 128;
	k->ring = 1;
	while (k->ring < 4 * k->hop)
		k->ring *= 2;
	k->mask = k->ring - 1;
	w = 3 * k->hop;
	for (int c = 0; c < channels; c++) {
		k->ch[c].ring = calloc((size_t)k->ring, sizeof(float));
		k->ch[c].bad = calloc((size_t)k->ring, 1);
		if (k->ch[c].ring == NULL || k->ch[c].bad == NULL)
			goto fail;
	}
	k->x = malloc(sizeof(float) * (size_t)w);
	k->win = malloc(sizeof(float) * (size_t)w);
	k->d = malloc(sizeof(float) * (size_t)w);
	k->sel = malloc(sizeof(float) * (size_t)w);
	k->xbad = malloc((size_t)w);
	k->mat = malloc(sizeof(double) * (size_t)k->max_len_cap * (size_t)k->max_len_cap);
	k->rhs = malloc(sizeof(double) * (size_t)k->max_len_cap);
	if (!k->x || !k->win || !k->d || !k->sel || !k->xbad || !k->mat || !k->rhs)
		goto fail;
	{
		/* Hann window for the model fit */
		for (int i = 0; i < w; i++)
			k->win[i] = (float)(0.5 - 0.5 * cos(2 * M_PI * (i + 0.5) / w));
	}
	apply_params(k);
	declick_reset(k);
	return k;
fail:
	declick_destroy(k);
	return NULL;
}

void
declick_set_params(struct declick *k, const struct declick_params *p)
{
	if (p == NULL || declick_params_check(p) != NULL)
		return;
	k->p = *p;
	apply_params(k);
}

void
declick_reset(struct declick *k)
{
	for (int c = 0; c < k->channels; c++) {
		memset(k->ch[c].ring, 0, sizeof(float) * (size_t)k->ring);
		memset(k->ch[c].bad, 0, (size_t)k->ring);
	}
	k->n_in = 0;
	k->repaired = 0;
}

int
declick_latency(const struct declick *k)
{
	return 2 * k->hop;
}

long
declick_repaired_count(const struct declick *k)
{
	return k->repaired;
}

/* The k-th smallest of v[0..n) (v is reordered). Quickselect, Hoare. */
static float
select_kth(float *v, int n, int kth)
{
	int lo = 0, hi = n - 1;

	while (lo < hi) {
		const float pivot = v[lo + (hi - lo) / 2];
		int i = lo, j = hi;

		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				const float t = v[i];

				v[i] = v[j];
				v[j] = t;
				i++;
				j--;
			}
		}
		if (kth <= j)
			hi = j;
		else if (kth >= i)
			lo = i;
		else
			break;
	}
	return v[kth];
}

/* Levinson-Durbin: r[0..ORDER] -> prediction error filter c[0..ORDER]
 * (c[0] = 1). false when the autocorrelation is degenerate. */
static bool
levinson(const double *r, double *c)
{
	double a[ORDER + 1], tmp[ORDER + 1], err = r[0];

	if (!(err > 0))
		return false;
	memset(a, 0, sizeof a);
	a[0] = 1;
	for (int i = 1; i <= ORDER; i++) {
		double acc = r[i], kk;

		for (int j = 1; j < i; j++)
			acc += a[j] * r[i - j];
		kk = -acc / err;
		memcpy(tmp, a, sizeof a);
		for (int j = 1; j < i; j++)
			a[j] = tmp[j] + kk * tmp[i - j];
		a[i] = kk;
		err *= 1 - kk * kk;
		if (!(err > 0))
			return false;
	}
	memcpy(c, a, sizeof a);
	return true;
}

/* Replaces x[u0..u1] by the values minimising the AR residual energy,
 * given x[u0 - ORDER .. u0) and (u1 .. u1 + ORDER]. ca: autocorrelation of
 * the error filter. false if the system is not positive definite. */
static bool
interpolate(struct declick *k, float *x, int u0, int u1, const double *ca)
{
	const int m = u1 - u0 + 1;
	double *a = k->mat, *b = k->rhs;

	for (int i = 0; i < m; i++) {
		double s = 0;

		for (int j = 0; j < m; j++) {
			const int dd = abs(i - j);

			a[i * m + j] = dd <= ORDER ? ca[dd] : 0;
		}
		a[i * m + i] *= 1 + 1e-9;
		for (int q = u0 + i - ORDER; q <= u0 + i + ORDER; q++) {
			if (q >= u0 && q <= u1)
				continue;
			s += ca[abs(q - (u0 + i))] * x[q];
		}
		b[i] = -s;
	}
	/* Cholesky, in place (lower), then two triangular solves */
	for (int j = 0; j < m; j++) {
		double s = a[j * m + j];

		for (int q = 0; q < j; q++)
			s -= a[j * m + q] * a[j * m + q];
		if (!(s > 0))
			return false;
		s = sqrt(s);
		a[j * m + j] = s;
		for (int i = j + 1; i < m && i <= j + ORDER; i++) {
			double t = a[i * m + j];

			for (int q = (i - ORDER > 0 ? i - ORDER : 0); q < j; q++)
				t -= a[i * m + q] * a[j * m + q];
			a[i * m + j] = t / s;
		}
		for (int i = j + ORDER + 1; i < m; i++)
			a[i * m + j] = 0;
	}
	for (int i = 0; i < m; i++) {
		double s = b[i];

		for (int q = (i - ORDER > 0 ? i - ORDER : 0); q < i; q++)
			s -= a[i * m + q] * b[q];
		b[i] = s / a[i * m + i];
	}
	for (int i = m - 1; i >= 0; i--) {
		double s = b[i];

		for (int q = i + 1; q < m && q <= i + ORDER; q++)
			s -= a[q * m + i] * b[q];
		b[i] = s / a[i * m + i];
	}
	for (int i = 0; i < m; i++) {
		if (!isfinite(b[i]))
			return false;
	}
	for (int i = 0; i < m; i++)
		x[u0 + i] = (float)b[i];
	return true;
}

/* Hop [s, s + H) of channel ch is final once frame s + 2H - 1 is in. */
static void
finalize(struct declick *k, struct declick_chan *ch, long long s)
{
	const int h = k->hop, w = 3 * h;
	float *x = k->x, *d = k->d;
	uint8_t *bad = k->xbad;
	double r[ORDER + 1], c[ORDER + 1], ca[ORDER + 1], energy = 0;
	bool anybad = false, model;
	float scale, thr;
	int nd = 0;

	for (int i = 0; i < w; i++) {
		const long long t = s - h + i;

		x[i] = ch->ring[t & k->mask];
		bad[i] = t >= 0 ? ch->bad[t & k->mask] : 0;
		anybad |= bad[i] != 0;
	}
	/* model: windowed autocorrelation */
	for (int i = 0; i < w; i++) {
		k->sel[i] = x[i] * k->win[i];
		energy += (double)k->sel[i] * k->sel[i];
	}
	if (!(energy > 1e-18 * w) && !anybad)
		return; /* (near) silence: nothing to find */
	r[0] = energy * (1 + 1e-6); /* a -60 dB white floor: conditioning */
	for (int lag = 1; lag <= ORDER; lag++) {
		double acc = 0;

		for (int i = lag; i < w; i++)
			acc += (double)k->sel[i] * k->sel[i - lag];
		r[lag] = acc;
	}
	model = levinson(r, c);
	if (!model) {
		memset(c, 0, sizeof c);
		c[0] = 1;
	}
	for (int dd = 0; dd <= ORDER; dd++) {
		double acc = 0;

		for (int q = 0; q + dd <= ORDER; q++)
			acc += c[q] * c[q + dd];
		ca[dd] = acc;
	}
	/* detector: min(|forward residual|, |backward residual|) */
	{
		float cf[ORDER + 1];

		for (int q = 0; q <= ORDER; q++)
			cf[q] = (float)c[q];
		for (int i = ORDER; i < w - ORDER; i++) {
			float ef = 0, eb = 0;

			for (int q = 0; q <= ORDER; q++) {
				ef += cf[q] * x[i - q];
				eb += cf[q] * x[i + q];
			}
			ef = fabsf(ef);
			eb = fabsf(eb);
			d[i] = ef < eb ? ef : eb;
			k->sel[nd++] = d[i];
		}
	}
	scale = 1.4826f * select_kth(k->sel, nd, nd / 2);
	thr = k->thr * scale;
	{
		/* voiced speech: the excitation pulses leave a few large
		 * residuals every pitch period; a click must also stand above
		 * those (the window's PEAK_Q quantile) */
		const float q = PEAK_RATIO * select_kth(k->sel, nd, (int)(nd * PEAK_Q));

		if (q > thr)
			thr = q;
	}
	if (!(thr > 0))
		thr = 1e-30f;

	for (int i = h; i < 2 * h; i++) {
		int first, last, u0, u1;
		bool hasbad;

		if (!(d[i] > thr) && !bad[i])
			continue;
		first = last = i;
		hasbad = bad[i];
		for (int j = i + 1; j < w - ORDER && j - last <= JOIN; j++)
			if (d[j] > thr || bad[j]) {
				last = j;
				hasbad |= bad[j] != 0;
			}
		u0 = first - MARGIN < h ? h : first - MARGIN;
		/* impulsive events decay: their tail under the threshold
		 * would poison the interpolation as known context */
		u1 = last + MARGIN + (last - first) / TAIL_DIV;
		if (u1 > w - ORDER - 1)
			u1 = w - ORDER - 1;
		if (u1 - u0 + 1 <= k->max_len + 2 * MARGIN && u1 - u0 + 1 <= k->max_len_cap &&
		    (model || hasbad) && interpolate(k, x, u0, u1, ca)) {
			for (int j = u0; j <= u1; j++)
				ch->ring[(s - h + j) & k->mask] = x[j];
			k->repaired++;
		}
		i = last;
	}
}

void
declick_process(struct declick *k, float *const *buf, int frames)
{
	const int h = k->hop, lat = 2 * h;

	for (int t = 0; t < frames; t++) {
		const long long i = k->n_in;

		for (int c = 0; c < k->channels; c++) {
			struct declick_chan *ch = &k->ch[c];
			float v = buf[c][t];
			uint8_t b = 0;

			if (!(fabsf(v) <= INPUT_MAX)) {
				v = 0;
				b = 1;
			}
			ch->ring[i & k->mask] = v;
			ch->bad[i & k->mask] = b;
		}
		if ((i + 1) % h == 0 && i + 1 >= lat)
			for (int c = 0; c < k->channels; c++)
				finalize(k, &k->ch[c], i + 1 - lat);
		for (int c = 0; c < k->channels; c++)
			buf[c][t] = i >= lat ? k->ch[c].ring[(i - lat) & k->mask] : 0.0f;
		k->n_in++;
	}
}
