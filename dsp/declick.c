/*
 * declick.c - AR-residual click detector and least-squares AR
 * interpolator with a pitch template (model in declick.h).
 *
 * Buffers. Each channel keeps a ring of RING >= 5 H input frames (the
 * repairs are written back into it) and a flag per frame for defects
 * (non-finite input). Output frame t reads ring[t - 2H], finalised by the
 * hop that ended at input frame t - 1 or earlier. Finalising hop [s, s + H)
 * reads [s - 3H, s + 2H): the detection window [s - H, s + 2H) and, before
 * it, 2 H frames of repaired history for the pitch template. Scratch for
 * one window and the solver is shared by the channels (they are finalised
 * one after another on the same thread).
 */
#include "dsp/declick.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/dsp.h"

#define ORDER 24        /* AR model order of the detector */
#define IORDER 40       /* the interpolator's local model at 48 kHz (scaled, >= 16) */
#define JOIN 8          /* residual exceedances this close (frames) are one event */
#define MARGIN 2        /* frames added each side of an event */
#define INPUT_MAX 1e6f
#define MAX_CLICK_MS 5.0
#define PEAK_M 3        /* the pulse level: the PEAK_M-th largest separate peak */
#define PEAK_RATIO 2.0f /* a click's onset stands this far above it */
#define CONFIRM_RATIO 0.5f /* the backward residual confirming an onset: this * hi */
#define LO_K 4.0f       /* a span grows over residuals above LO_K robust scales */
#define PASSES 2        /* detection passes (the later ones refitted without the events) */
#define CHANGE_RATIO 2.0f /* a repair changes the input by at most this * the event's residual */
#define HBITS 4         /* residual histogram: 2^HBITS bins per octave, */
#define HBINS (64 << HBITS)                /* 64 octaves: 2^-60 .. 2^4 */
#define HBASE ((uint32_t)(127 - 60) << 23) /* float bits of 2^-60 */
#define PITCH_MIN_MS 2.5 /* pitch lags searched: 2.5 .. 15 ms (400 .. 67 Hz) */
#define PITCH_MAX_MS 15.0
#define PCTX_MS 2.0     /* the pitch lag: context matched each side of a span */
#define VOICED_R 0.5    /* normalised correlation there that makes a template */
#define CONTEXT_MS 8.0  /* the interpolator's local model: context each side */

struct span {
	int u0, u1;
	bool bad;
};

struct declick_chan {
	float *ring;
	uint8_t *bad;
};

struct declick {
	int channels, rate;
	struct declick_params p;
	int hop;                 /* H frames */
	int ring, mask;          /* ring length (power of two) */
	int max_len_cap;         /* longest span the solver is sized for */
	int max_len;             /* from p.max_click_ms */
	int tmin, tmax, ctx, pctx; /* pitch lag range, contexts (frames) */
	int dec;                 /* decimation of the coarse pitch search */
	int iorder;              /* the interpolator's local model order */
	int blk;                 /* block of the pulse level's peak search */
	float thr;               /* threshold in robust scales */
	long long n_in;          /* input frames since reset */
	long repaired;
	struct declick_chan ch[DSP_MAX_CHANNELS];
	/* scratch: xl 5 H frames, the rest 3 H unless said */
	float *xl, *x2, *x2t, *win, *ef, *sel, *dv, *dwin;
	uint8_t *xbad;
	uint16_t *hist;          /* HBINS */
	int *bpos;               /* 3 H / blk + 1 */
	struct span *spans;
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
	if (k->max_len > k->max_len_cap - 2 * MARGIN)
		k->max_len = k->max_len_cap - 2 * MARGIN;
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
	free(k->xl);
	free(k->x2);
	free(k->x2t);
	free(k->win);
	free(k->ef);
	free(k->sel);
	free(k->dv);
	free(k->dwin);
	free(k->xbad);
	free(k->hist);
	free(k->bpos);
	free(k->spans);
	free(k->mat);
	free(k->rhs);
	free(k);
}

struct declick *
declick_create(int channels, int rate_hz, const struct declick_params *p)
{
	struct declick *k;
	int w;

	if (!dsp_stream_ok(channels, rate_hz) || p == NULL ||
	    declick_params_check(p) != NULL)
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
	k->tmin = (int)(PITCH_MIN_MS * 1e-3 * rate_hz);
	k->tmax = (int)(PITCH_MAX_MS * 1e-3 * rate_hz);
	k->ctx = (int)(CONTEXT_MS * 1e-3 * rate_hz);
	k->pctx = (int)(PCTX_MS * 1e-3 * rate_hz);
	k->blk = rate_hz / 3000;
	/* IORDER frames at 48 kHz (0.83 ms), at least 16 at low rates */
	k->iorder = (int)(IORDER * rate_hz / 48000.0 + 0.5);
	if (k->iorder > IORDER)
		k->iorder = IORDER;
	if (k->iorder < 16)
		k->iorder = 16;
	k->dec = rate_hz / 12000;
	if (k->dec < 1)
		k->dec = 1;
	k->ring = 1;
	while (k->ring < 5 * k->hop)
		k->ring *= 2;
	k->mask = k->ring - 1;
	w = 3 * k->hop;
	for (int c = 0; c < channels; c++) {
		k->ch[c].ring = calloc((size_t)k->ring, sizeof(float));
		k->ch[c].bad = calloc((size_t)k->ring, 1);
		if (k->ch[c].ring == NULL || k->ch[c].bad == NULL)
			goto fail;
	}
	k->xl = malloc(sizeof(float) * (size_t)(5 * k->hop));
	k->x2 = malloc(sizeof(float) * (size_t)w);
	k->x2t = malloc(sizeof(float) * (size_t)(2 * k->ctx));
	k->win = malloc(sizeof(float) * (size_t)w);
	k->ef = malloc(sizeof(float) * (size_t)w);
	k->sel = malloc(sizeof(float) * (size_t)w);
	k->dv = malloc(sizeof(float) * (size_t)(2 * k->ctx));
	k->dwin = malloc(sizeof(float) * (size_t)(2 * k->ctx));
	k->xbad = malloc((size_t)w);
	k->hist = malloc(sizeof(uint16_t) * HBINS);
	k->bpos = malloc(sizeof(int) * (size_t)(w / k->blk + 1));
	k->spans = malloc(sizeof(struct span) * (size_t)w);
	k->mat = malloc(sizeof(double) * (size_t)k->max_len_cap * (size_t)k->max_len_cap);
	k->rhs = malloc(sizeof(double) * (size_t)k->max_len_cap);
	if (!k->xl || !k->x2 || !k->x2t || !k->win || !k->ef || !k->sel || !k->dv || !k->dwin ||
	    !k->xbad || !k->hist || !k->bpos || !k->spans || !k->mat || !k->rhs)
		goto fail;
	/* Hann windows for the model fits */
	for (int i = 0; i < w; i++)
		k->win[i] = (float)(0.5 - 0.5 * cos(2 * M_PI * (i + 0.5) / w));
	for (int i = 0; i < 2 * k->ctx; i++)
		k->dwin[i] = (float)(0.5 - 0.5 * cos(2 * M_PI * (i + 0.5) / (2 * k->ctx)));
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

/* Levinson-Durbin: r[0..p] -> prediction error filter c[0..p] (c[0] =
 * 1), p <= IORDER. false when the autocorrelation is degenerate. */
static bool
levinson(const double *r, double *c, int p)
{
	double a[IORDER + 1], tmp[IORDER + 1], err = r[0];

	if (!(err > 0))
		return false;
	memset(a, 0, sizeof a);
	a[0] = 1;
	for (int i = 1; i <= p; i++) {
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
	memcpy(c, a, sizeof(double) * (size_t)(p + 1));
	return true;
}

/* AR model of x[0..n) windowed by win (autocorrelation method, a -60 dB
 * white floor for conditioning): the error filter c and its
 * autocorrelation ca. false when degenerate (c is then the identity).
 * Order p <= IORDER. The lag products are summed in float over 8 interleaved partial sums
 * (which the compiler turns into vector code), the partial sums in
 * double: relative error about 1e-6, far under the floor's effect. */
static bool
fit(float *scratch, const float *x, const float *win, int n, int p, double *c, double *ca)
{
	double r[IORDER + 1] = { 0 };
	bool ok;

	for (int i = 0; i < n; i++)
		scratch[i] = x[i] * win[i];
	for (int lag = 0; lag <= p; lag++) {
		float acc[8] = { 0 };
		double sum = 0;
		int i = lag;

		for (; i + 8 <= n; i += 8)
			for (int u = 0; u < 8; u++)
				acc[u] += scratch[i + u] * scratch[i + u - lag];
		for (; i < n; i++)
			acc[0] += scratch[i] * scratch[i - lag];
		for (int u = 0; u < 8; u++)
			sum += acc[u];
		r[lag] = sum;
	}
	r[0] *= 1 + 1e-6;
	ok = r[0] > 1e-18 * n && levinson(r, c, p);
	if (!ok) {
		memset(c, 0, sizeof(double) * (size_t)(p + 1));
		c[0] = 1;
	}
	for (int dd = 0; dd <= p; dd++) {
		double acc = 0;

		for (int q = 0; q + dd <= p; q++)
			acc += c[q] * c[q + dd];
		ca[dd] = acc;
	}
	return ok;
}

/* Replaces x[u0..u1] by the values minimising the residual energy of an
 * AR model of order p, given x[u0 - p .. u0) and (u1 .. u1 + p]. ca:
 * autocorrelation of the error filter. false if the system is not
 * positive definite. */
static bool
interpolate(struct declick *k, float *x, int u0, int u1, const double *ca, int p)
{
	const int m = u1 - u0 + 1;
	double *a = k->mat, *b = k->rhs;

	for (int i = 0; i < m; i++) {
		double s = 0;

		for (int j = 0; j < m; j++) {
			const int dd = abs(i - j);

			a[i * m + j] = dd <= p ? ca[dd] : 0;
		}
		a[i * m + i] *= 1 + 1e-9;
		for (int q = u0 + i - p; q <= u0 + i + p; q++) {
			if (q >= u0 && q <= u1)
				continue;
			s += ca[abs(q - (u0 + i))] * x[q];
		}
		b[i] = -s;
	}
	/* Cholesky, in place (lower), then two triangular solves */
	for (int j = 0; j < m; j++) {
		double s = a[j * m + j];

		for (int q = (j - p > 0 ? j - p : 0); q < j; q++)
			s -= a[j * m + q] * a[j * m + q];
		if (!(s > 0))
			return false;
		s = sqrt(s);
		a[j * m + j] = s;
		for (int i = j + 1; i < m && i <= j + p; i++) {
			double t = a[i * m + j];

			for (int q = (i - p > 0 ? i - p : 0); q < j; q++)
				t -= a[i * m + q] * a[j * m + q];
			a[i * m + j] = t / s;
		}
	}
	for (int i = 0; i < m; i++) {
		double s = b[i];

		for (int q = (i - p > 0 ? i - p : 0); q < i; q++)
			s -= a[i * m + q] * b[q];
		b[i] = s / a[i * m + i];
	}
	for (int i = m - 1; i >= 0; i--) {
		double s = b[i];

		for (int q = i + 1; q < m && q <= i + p; q++)
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

/* |forward residual| e[from..to) of x (x[from - ORDER] on valid); tap
 * by tap over the frames, which vectorises */
static void
resid_fwd(const float *cf, const float *x, float *e, int from, int to)
{
	for (int i = from; i < to; i++)
		e[i] = x[i];
	for (int q = 1; q <= ORDER; q++) {
		const float cq = cf[q];
		const float *xq = x - q;

		for (int i = from; i < to; i++)
			e[i] += cq * xq[i];
	}
	for (int i = from; i < to; i++)
		e[i] = fabsf(e[i]);
}

static float
resid_bwd(const float *cf, const float *x, int i)
{
	float acc = 0;

	for (int q = 0; q <= ORDER; q++)
		acc += cf[q] * x[i + q];
	return fabsf(acc);
}

/* Robust scale and pulse level of the residual e[from..to) in one pass.
 *
 * The median comes from a histogram of the values' float bits (sign 0,
 * then exponent and mantissa: monotonic in the value), HBITS mantissa
 * bits per bin, i.e. 2^HBITS bins per octave, the position inside the
 * median's bin interpolated linearly: within 0.5 % of the exact median,
 * without sorting.
 *
 * The pulse level is the PEAK_M-th largest of the peaks at least g apart:
 * on the maxima of blocks of k->blk frames, greedily (the largest, then
 * the largest whose position is more than g from those taken, ...); 0 if
 * fewer. A click, however long (up to max_len, plus the ORDER frames its
 * forward residual rings), counts once. */
static void
levels(struct declick *k, const float *e, int from, int to, int g, float *median, float *pulse)
{
	uint16_t *hist = k->hist;
	float *bmax = k->sel;
	int *bpos = k->bpos, nb = 0, at[PEAK_M], cnt = 0, half = (to - from) / 2;

	memset(hist, 0, sizeof(uint16_t) * HBINS);
	for (int i0 = from; i0 < to; i0 += k->blk) {
		const int i1 = i0 + k->blk < to ? i0 + k->blk : to;
		float m = -1;
		int mi = i0;

		for (int i = i0; i < i1; i++) {
			uint32_t b;
			int bin;

			memcpy(&b, &e[i], sizeof b);
			bin = b <= HBASE ? 0 : (int)((b - HBASE) >> (23 - HBITS));
			hist[bin < HBINS ? bin : HBINS - 1]++;
			if (e[i] > m) {
				m = e[i];
				mi = i;
			}
		}
		bmax[nb] = m;
		bpos[nb++] = mi;
	}
	*median = 0;
	for (int bin = 0; bin < HBINS; bin++) {
		if (cnt + hist[bin] > half) {
			uint32_t lo = HBASE + ((uint32_t)bin << (23 - HBITS)), hi = lo + (1u << (23 - HBITS));
			float flo, fhi;

			memcpy(&flo, &lo, sizeof flo);
			memcpy(&fhi, &hi, sizeof fhi);
			*median = bin == 0 ? 0 : flo + (fhi - flo) * ((float)(half - cnt) + 0.5f) / (float)hist[bin];
			break;
		}
		cnt += hist[bin];
	}
	for (int p = 0; p < PEAK_M; p++) {
		float v = 0;
		int bi = -1;

		for (int b = 0; b < nb; b++) {
			if (bmax[b] > v) {
				bool near = false;

				for (int q = 0; q < p; q++)
					near |= abs(bpos[b] - at[q]) <= g;
				if (!near) {
					v = bmax[b];
					bi = b;
				}
			}
		}
		if (bi < 0) {
			*pulse = 0;
			return;
		}
		at[p] = bpos[bi];
		*pulse = v;
	}
}

/* Detection thresholds from the residual e[from..to): hi, the larger of
 * thr robust scales and PEAK_RATIO pulse levels; lo, LO_K robust scales
 * (at most hi), for the span's growth. */
static void
thresholds(struct declick *k, const float *e, int from, int to, float *hi, float *lo)
{
	float med, pk, scale, t;

	levels(k, e, from, to, k->max_len + ORDER, &med, &pk);
	scale = 1.4826f * med;
	t = k->thr * scale;
	if (PEAK_RATIO * pk > t)
		t = PEAK_RATIO * pk;
	if (!(t > 0))
		t = 1e-30f;
	*hi = t;
	*lo = LO_K * scale < t ? LO_K * scale : t;
}

/* Events with an onset in [from, to) of the window x[0..3H): the forward
 * residual ef exceeds hi there (it rises on a click's first sample), and
 * the backward residual exceeds CONFIRM_RATIO * hi within JOIN frames (it
 * stays up to a click's last sample, with holes inside a noise burst; a
 * forward exceedance alone is a new sound's onset). The core runs to the
 * last exceedance of hi by the backward residual (gaps up to JOIN); cores
 * longer than max_len are not clicks. The span then grows over the
 * neighbours whose residual stays above lo (a click's soft start by the
 * forward residual, its decaying tail by the backward one), at most to
 * max_len, and takes MARGIN each side. Spans start at lo_clamp or later;
 * overlapping spans merge. Defects (bad) always make an event. */
static int
find_events(struct declick *k, const float *x, const uint8_t *bad, const float *cf,
    const float *ef, float hi, float lo, int from, int to, int lo_clamp, struct span *sp)
{
	const int w = 3 * k->hop, lim = w - ORDER;
	int n = 0;

	for (int i = from; i < to; i++) {
		int last = i - 1, u0, u1;
		bool hasbad = false;

		if (!(ef[i] > hi) && !bad[i])
			continue;
		for (int j = i; j < lim && j - last <= JOIN + 1; j++) {
			if (bad[j] || resid_bwd(cf, x, j) > hi) {
				last = j;
				hasbad |= bad[j] != 0;
			}
		}
		for (int j = i; last < i && j < lim && j <= i + JOIN; j++)
			if (resid_bwd(cf, x, j) > CONFIRM_RATIO * hi)
				last = j;
		if (last < i)
			continue;
		if (last - i + 1 > k->max_len && !hasbad) {
			i = last; /* not a click: a sound's onset, a burst */
			continue;
		}
		u0 = i;
		while (u0 - 1 >= lo_clamp && u0 > i - k->max_len && ef[u0 - 1] > lo)
			u0--;
		u1 = last;
		for (int j = last + 1, l = last; j < lim && j - l <= JOIN + 1 && j < u0 + k->max_len; j++)
			if (resid_bwd(cf, x, j) > lo)
				u1 = l = j;
		u0 -= MARGIN;
		u1 += MARGIN;
		if (u0 < lo_clamp)
			u0 = lo_clamp;
		if (u1 > lim - 1)
			u1 = lim - 1;
		if (u1 - u0 + 1 > k->max_len_cap)
			u1 = u0 + k->max_len_cap - 1;
		if (n > 0 && u0 <= sp[n - 1].u1 + 1 && u1 - sp[n - 1].u0 + 1 <= k->max_len_cap) {
			if (u1 > sp[n - 1].u1)
				sp[n - 1].u1 = u1;
			sp[n - 1].bad |= hasbad;
		} else {
			if (n > 0 && u0 <= sp[n - 1].u1)
				u0 = sp[n - 1].u1 + 1;
			sp[n].u0 = u0;
			sp[n].u1 = u1;
			sp[n].bad = hasbad;
			n++;
		}
		i = u1 > last ? u1 : last;
	}
	return n;
}

/* Normalised correlation of x over two runs, [a0, a1) and [b0, b1), with
 * x lagged by t frames, on sums of d frames. */
static double
lag_corr(const float *x, int a0, int a1, int b0, int b1, int t, int d)
{
	double xy = 0, xx = 0, yy = 0;

	for (int r = 0; r < 2; r++) {
		const int s0 = r ? b0 : a0, s1 = r ? b1 : a1;

		for (int i = s0; i + d <= s1; i += d) {
			float u = 0, v = 0;

			for (int q = 0; q < d; q++) {
				u += x[i + q];
				v += x[i + q - t];
			}
			xy += (double)u * v;
			xx += (double)u * u;
			yy += (double)v * v;
		}
	}
	return xx > 0 && yy > 0 ? xy / sqrt(xx * yy) : 0;
}

/* Pitch lag for the span [u0, u1] of x (x[u0 - pctx - tmax ..] valid;
 * after u1 up to x_end): the lag t in [tmin, tmax], longer than the span,
 * at which x best matches its own copy over pctx frames either side of
 * the span (short: the period drifts), found on sums of dec frames and
 * refined frame by frame. 0 when that match (normalised correlation) is
 * under VOICED_R: no periodic context. */
static int
pitch_lag(const struct declick *k, const float *x, int u0, int u1, int x_end)
{
	const int d = k->dec, a0 = u0 - k->pctx, a1 = u0, b0 = u1 + 1;
	const int t0 = k->tmin > u1 - u0 + 1 ? k->tmin : u1 - u0 + 2;
	int b1 = u1 + 1 + k->pctx, best_t = 0, c;
	double best = -1;

	if (b1 > x_end)
		b1 = x_end;
	if (t0 > k->tmax)
		return 0;
	for (int t = (t0 + d - 1) / d * d; t <= k->tmax; t += d) {
		const double r = lag_corr(x, a0, a1, b0, b1, t, d);

		if (r > best) {
			best = r;
			best_t = t;
		}
	}
	if (d > 1) {
		c = best_t;
		best = -1;
		for (int t = c - d + 1; t <= c + d - 1; t++) {
			double r;

			if (t < t0 || t > k->tmax)
				continue;
			r = lag_corr(x, a0, a1, b0, b1, t, 1);
			if (r > best) {
				best = r;
				best_t = t;
			}
		}
	}
	return best >= VOICED_R ? best_t : 0;
}

/* Repairs x[u0..u1] (x valid from x[-2H], up to x[x_end)). First the AR
 * interpolation with the window's model ca (order ORDER), which serves as
 * a provisional fill. Then the final one, from a local model of order
 * iorder fitted on 2 ctx frames around the span. In periodic (voiced)
 * context that model and its interpolation are of what a pitch template
 * does not explain, the template being added back: x one period earlier
 * and, when the lookahead holds it, one period later, with least-squares
 * gains on the context. A model of a millisecond cannot carry a voiced
 * waveform across a millisecond gap; the neighbouring periods can, and
 * between the two of them the waveform's drift from period to period is
 * interpolated rather than extrapolated.
 *
 * With orig (the span's input values) the event is also put to the test
 * of periodicity: the template's residual of the input, whitened by the
 * local model, must be larger on the span (and the iorder frames its
 * forward residual rings) than anywhere else in the context. A glottal
 * pulse recurs one period away, so the template removes it; a click does
 * not recur.
 *
 * 0: no repair (the provisional interpolation failed, x is unchanged);
 * 1: x[u0..u1] repaired; 2: the event is part of the periodic signal
 * (x[u0..u1] holds the provisional fill). */
static int
repair(struct declick *k, float *x, int u0, int u1, int x_end, const double *ca, const float *orig)
{
	const int c = k->ctx, n = 2 * c;
	int r0, t, nt = 0, lag[2];
	float g[2] = { 0, 0 }, *dv = k->dv;
	double cd[IORDER + 1], cad[IORDER + 1];

	if (!interpolate(k, x, u0, u1, ca, ORDER))
		return 0;
	r0 = (u0 + u1) / 2 - c;
	if (r0 + n > x_end)
		r0 = x_end - n;
	if (u0 - k->iorder < r0 || u1 + k->iorder >= r0 + n)
		return 1;
	t = pitch_lag(k, x, u0, u1, x_end);
	if (t > 0) {
		/* normal equations of the gains, on the context frames whose
		 * copies are not in the span either */
		double m00 = 0, m01 = 0, m11 = 0, v0 = 0, v1 = 0, det;

		lag[0] = t;
		lag[1] = -t;
		nt = r0 + n - 1 + t < x_end ? 2 : 1;
		for (int i = r0; i < r0 + n; i++) {
			const float p0 = x[i - t], p1 = nt == 2 ? x[i + t] : 0;

			if ((i >= u0 - MARGIN && i <= u1 + MARGIN) ||
			    (i - t >= u0 - MARGIN && i - t <= u1 + MARGIN) ||
			    (nt == 2 && i + t >= u0 - MARGIN && i + t <= u1 + MARGIN))
				continue;
			m00 += (double)p0 * p0;
			m01 += (double)p0 * p1;
			m11 += (double)p1 * p1;
			v0 += (double)x[i] * p0;
			v1 += (double)x[i] * p1;
		}
		det = m00 * m11 - m01 * m01;
		if (nt == 2 && det > 1e-6 * m00 * m11) {
			g[0] = (float)((v0 * m11 - v1 * m01) / det);
			g[1] = (float)((v1 * m00 - v0 * m01) / det);
		} else {
			nt = 1;
			g[0] = m00 > 0 && v0 > 0 ? (float)(v0 / m00) : 0;
			if (!(g[0] > 0))
				nt = 0;
		}
	}
	for (int i = 0; i < n; i++) {
		float v = x[r0 + i];

		for (int j = 0; j < nt; j++)
			v -= g[j] * x[r0 + i - lag[j]];
		dv[i] = v;
	}
	if (!fit(k->sel, dv, k->dwin, n, k->iorder, cd, cad))
		return 1;
	if (nt > 0 && orig != NULL) {
		/* the test of periodicity */
		const int p = k->iorder;
		float in_max = 0, out_max = 0, *e = k->x2t;

		for (int i = 0; i < n; i++)
			e[i] = dv[i];
		for (int i = u0; i <= u1; i++) {
			float v = orig[i - u0];

			for (int j = 0; j < nt; j++)
				v -= g[j] * x[i - lag[j]];
			e[i - r0] = v;
		}
		for (int i = p; i < n; i++) {
			double acc = 0;
			float a;

			for (int q = 0; q <= p; q++)
				acc += cd[q] * e[i - q];
			a = (float)fabs(acc);
			if (i + r0 >= u0 && i + r0 <= u1 + p)
				in_max = a > in_max ? a : in_max;
			else
				out_max = a > out_max ? a : out_max;
		}
		if (!(in_max > out_max))
			return 2;
	}
	if (!interpolate(k, dv, u0 - r0, u1 - r0, cad, k->iorder))
		return 1;
	for (int i = u0; i <= u1; i++) {
		float v = dv[i - r0];

		for (int j = 0; j < nt; j++)
			v += g[j] * x[i - lag[j]];
		x[i] = v;
	}
	return 1;
}

/* Hop [s, s + H) of channel ch is final once frame s + 2H - 1 is in. */
static void
finalize(struct declick *k, struct declick_chan *ch, long long s)
{
	const int h = k->hop, w = 3 * h;
	float *x = k->xl + 2 * h, *x2 = k->x2, *ef = k->ef;
	uint8_t *bad = k->xbad;
	double c[ORDER + 1], ca[ORDER + 1];
	float cf[ORDER + 1], hi, lo;
	bool anybad = false, model;
	int n;

	for (int i = -2 * h; i < w; i++)
		x[i] = ch->ring[(s - h + i) & k->mask];
	for (int i = 0; i < w; i++) {
		const long long t = s - h + i;

		bad[i] = t >= 0 ? ch->bad[t & k->mask] : 0;
		anybad |= bad[i] != 0;
	}
	model = fit(k->sel, x, k->win, w, ORDER, c, ca);
	if (!model && !anybad)
		return; /* (near) silence: nothing to find */
	for (int q = 0; q <= ORDER; q++)
		cf[q] = (float)c[q];
	resid_fwd(cf, x, ef, ORDER, w);
	thresholds(k, ef, ORDER, w, &hi, &lo);
	n = find_events(k, x, bad, cf, ef, hi, lo, h, w - ORDER - 1, h, k->spans);
	if (n == 0)
		return;
	/* further passes: the model and the residual's levels re-estimated
	 * on the window with the events found so far provisionally repaired
	 * (a click in the fit flattens the model; in the statistics it
	 * raises the threshold over itself and its neighbours), the events
	 * found again; until no new one appears, PASSES in all */
	for (int pass = 1; model && pass < PASSES; pass++) {
		double c2[ORDER + 1], ca2[ORDER + 1];
		int n2;

		memcpy(x2, x, sizeof(float) * (size_t)w);
		for (int e = 0; e < n; e++)
			interpolate(k, x2, k->spans[e].u0, k->spans[e].u1, ca, ORDER);
		if (fit(k->sel, x2, k->win, w, ORDER, c2, ca2)) {
			memcpy(c, c2, sizeof c);
			memcpy(ca, ca2, sizeof ca);
			for (int q = 0; q <= ORDER; q++)
				cf[q] = (float)c[q];
		}
		resid_fwd(cf, x2, ef, ORDER, w);
		thresholds(k, ef, ORDER, w, &hi, &lo);
		resid_fwd(cf, x, ef, ORDER, w);
		if (pass + 1 == PASSES)
			break;
		n2 = find_events(k, x, bad, cf, ef, hi, lo, h, w - ORDER - 1, h, k->spans);
		if (n2 <= n)
			break;
		n = n2;
	}
	n = find_events(k, x, bad, cf, ef, hi, lo, h, 2 * h, h, k->spans);
	for (int e = 0; e < n; e++) {
		const struct span *sp = &k->spans[e];
		const int u0 = sp->u0, u1 = sp->u1;
		float pk = 0, change = 0;
		int r;

		if (!model && !sp->bad)
			continue;
		memcpy(x2 + u0, x + u0, sizeof(float) * (size_t)(u1 - u0 + 1));
		for (int j = u0; j <= u1; j++)
			pk = ef[j] > pk ? ef[j] : pk;
		r = repair(k, x, u0, u1, w, ca, x2 + u0);
		for (int j = u0; j <= u1; j++) {
			const float dd = fabsf(x[j] - x2[j]);

			change = dd > change ? dd : change;
		}
		/* Defects are always repaired. Otherwise the input stands when
		 * the event is part of the periodic signal (r == 2), or when
		 * the repair is not the removal of an impulse of the size
		 * detected (its largest change more than CHANGE_RATIO times the
		 * event's largest residual): the interpolation went astray over
		 * a stretch that is no click. */
		if (r == 0 || (!sp->bad && (r == 2 || !(change <= CHANGE_RATIO * pk)))) {
			memcpy(x + u0, x2 + u0, sizeof(float) * (size_t)(u1 - u0 + 1));
			continue;
		}
		for (int j = u0; j <= u1; j++)
			ch->ring[(s - h + j) & k->mask] = x[j];
		k->repaired++;
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
