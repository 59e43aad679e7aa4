/*
 * deess.c - the de-esser of deess.h.
 *
 * Per stretch of up to DSP_GUARD_FRAMES frames (stretches end where the
 * stream's guard is due, so guards fall on the same frames whatever the
 * call boundaries):
 *   1. each channel's samples are sanitised in place (non-finite or beyond
 *      MAX_SAMPLE -> 0), run through the detector's two high-pass sections,
 *      and their squares and high-band squares summed over channels into
 *      per-frame arrays;
 *   2. per frame: the two mean-square envelopes, the relative level, the
 *      static curve, the gain smoother, and the shelf's three mix values
 *      from q = G^(1/4) (one exp2 per frame);
 *   3. each channel through the two shelf sections with those mixes.
 *
 * The state-variable section (Simper; see biquad.h) with g = tan(pi f/fs),
 * damping k, D = 1 + g(g + k) has low-pass v2 = 1/B(s) and band-pass
 * v1 = s/B(s), B(s) = s^2 + k s + 1 (s normalised to the cutoff), and
 * x = v2 + k v1 + hp. The shelf section B(s/w')/B(s), w' = G^(-1/4), has
 * numerator sqrt(G) s^2 + k q s + 1 with q = G^(1/4), i.e.
 *   y = sqrt(G) x + k (q - sqrt(G)) v1 + (1 - sqrt(G)) v2.
 */
#include "dsp/deess.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/dsp.h"

#define MAX_SAMPLE 1e6f
#define ENV_EPS 1e-20f
/* 4th-order Butterworth as two sections: damping k = 1/q for q = 0.5412, 1.3066 */
static const double butter4_k[2] = { 1.8477590650225735, 0.76536686473017956 };

struct svf {
	float d1, c2, c3; /* as struct biquad_coefs */
	float k;          /* damping */
};

struct deess {
	int channels;
	int rate_hz;
	struct deess_params p;
	/* designed from p */
	struct svf sec[2];
	float detect_coef;  /* weight of a new square in the envelopes */
	float attack_coef;  /* one-pole pole of the gain while falling */
	float release_coef; /* while recovering */
	float threshold_db, slope, range_db; /* slope = 1 - 1/ratio */
	float floor_pow;    /* summed over channels */
	/* state */
	float det[DSP_MAX_CHANNELS][2][2]; /* detector high-pass states */
	float shelf[DSP_MAX_CHANNELS][2][2];
	float env_hf, env_all;
	float gain_db;
	int guard_frames;
	/* scratch, one stretch */
	float sum_hf[DSP_GUARD_FRAMES], sum_all[DSP_GUARD_FRAMES];
	float m0[DSP_GUARD_FRAMES], m1[2][DSP_GUARD_FRAMES], m2[DSP_GUARD_FRAMES];
};

void
deess_params_default(struct deess_params *p)
{
	p->freq_hz = 5000;
	p->threshold_db = -8;
	p->ratio = 4;
	p->range_db = 12;
	p->attack_ms = 1;
	p->release_ms = 60;
	p->floor_db = -60;
}

static int
in_range(double v, double lo, double hi)
{
	return v >= lo && v <= hi; /* false for NaN */
}

const char *
deess_params_check(const struct deess_params *p)
{
	if (p == NULL)
		return "deess: no parameters";
	if (!in_range(p->freq_hz, 2000, 16000))
		return "deess: freq_hz must be in [2000, 16000]";
	if (!in_range(p->threshold_db, -30, 20))
		return "deess: threshold_db must be in [-30, +20]";
	if (!in_range(p->ratio, 1, 1000))
		return "deess: ratio must be in [1, 1000]";
	if (!in_range(p->range_db, 0, 40))
		return "deess: range_db must be in [0, 40]";
	if (!in_range(p->attack_ms, 0, 100))
		return "deess: attack_ms must be in [0, 100]";
	if (!in_range(p->release_ms, 1, 1000))
		return "deess: release_ms must be in [1, 1000]";
	if (!in_range(p->floor_db, -120, 0))
		return "deess: floor_db must be in [-120, 0]";
	return NULL;
}

static float
pole(double ms, double rate)
{
	return ms <= 0 ? 0.0f : (float)exp(-1000.0 / (ms * rate));
}

/* Control side of set_params: libm, but no allocation; called on the RT
 * thread by deess_set_params, where its few libm calls per change are
 * acceptable (they do not run per frame). */
static void
design(struct deess *k, const struct deess_params *p)
{
	double f = p->freq_hz;
	double g;

	if (f > 0.4 * k->rate_hz)
		f = 0.4 * k->rate_hz;
	g = tan(M_PI * f / k->rate_hz);
	for (int i = 0; i < 2; i++) {
		const double kk = butter4_k[i], d = 1.0 + g * (g + kk);

		k->sec[i].d1 = (float)(g * (g + kk) / d);
		k->sec[i].c2 = (float)(g / d);
		k->sec[i].c3 = (float)(g * g / d);
		k->sec[i].k = (float)kk;
	}
	k->detect_coef = (float)(1.0 - exp(-1000.0 / (DEESS_DETECT_MS * k->rate_hz)));
	k->attack_coef = pole(p->attack_ms, k->rate_hz);
	k->release_coef = pole(p->release_ms, k->rate_hz);
	k->threshold_db = (float)p->threshold_db;
	k->slope = (float)(1.0 - 1.0 / p->ratio);
	k->range_db = (float)p->range_db;
	k->floor_pow = (float)(pow(10.0, p->floor_db / 10.0) * k->channels);
	k->p = *p;
}

struct deess *
deess_create(int channels, int rate_hz, const struct deess_params *p)
{
	struct deess *k;

	if (!dsp_stream_ok(channels, rate_hz) || deess_params_check(p) != NULL)
		return NULL;
	k = calloc(1, sizeof *k);
	if (k == NULL)
		return NULL;
	k->channels = channels;
	k->rate_hz = rate_hz;
	design(k, p);
	deess_reset(k);
	return k;
}

void
deess_destroy(struct deess *k)
{
	free(k);
}

void
deess_set_params(struct deess *k, const struct deess_params *p)
{
	if (deess_params_check(p) == NULL)
		design(k, p);
}

void
deess_reset(struct deess *k)
{
	memset(k->det, 0, sizeof k->det);
	memset(k->shelf, 0, sizeof k->shelf);
	k->env_hf = 0;
	k->env_all = 0;
	k->gain_db = 0;
	k->guard_frames = 0;
}

int
deess_latency(const struct deess *k)
{
	(void)k;
	return 0;
}

float
deess_gain_db(const struct deess *k)
{
	return k->gain_db;
}

/* One state-variable step: updates s[0..1], returns (v1, v2) through b, l. */
static inline void
svf_step(const struct svf *c, float *s, float x, float *b, float *l)
{
	const float v3 = x - s[1];
	const float i1 = c->c2 * v3 - c->d1 * s[0], i2 = c->c2 * s[0] + c->c3 * v3;
	const float v1 = s[0] + i1, v2 = s[1] + i2;

	s[0] = v1 + i1;
	s[1] = v2 + i2;
	*b = v1;
	*l = v2;
}

/* Pass 1 for one channel: sanitise, detect, accumulate the squares. */
static void
detect_channel(struct deess *k, int c, float *restrict x, int n)
{
	float *s0 = k->det[c][0], *s1 = k->det[c][1];
	const struct svf *a = &k->sec[0], *b = &k->sec[1];

	for (int i = 0; i < n; i++) {
		float v = x[i], bp, lp, h;

		if (!(fabsf(v) <= MAX_SAMPLE)) /* NaN too */
			v = 0.0f;
		x[i] = v;
		svf_step(a, s0, v, &bp, &lp);
		h = v - a->k * bp - lp;
		svf_step(b, s1, h, &bp, &lp);
		h = h - b->k * bp - lp;
		k->sum_hf[i] += h * h;
		k->sum_all[i] += v * v;
	}
}

/* Pass 2: envelopes, curve, smoother, shelf mixes per frame. */
static void
gains(struct deess *k, int n)
{
	const float a = k->detect_coef, ka = k->sec[0].k, kb = k->sec[1].k;
	float ehf = k->env_hf, eall = k->env_all, gdb = k->gain_db;

	for (int i = 0; i < n; i++) {
		float target = 0.0f, rest, q, sq;

		ehf += a * (k->sum_hf[i] - ehf);
		eall += a * (k->sum_all[i] - eall);
		rest = eall - ehf;
		if (rest < 0.0f)
			rest = 0.0f;
		if (eall >= k->floor_pow) {
			/* 10 log10(hf / rest) */
			const float rel = 0.5f * DSP_DB_PER_LOG2 *
			    dsp_fast_log2f((ehf + ENV_EPS) / (rest + ENV_EPS));
			const float over = rel - k->threshold_db;

			if (over > 0.0f) {
				target = -over * k->slope;
				if (target < -k->range_db)
					target = -k->range_db;
			}
		}
		gdb = target + (target < gdb ? k->attack_coef : k->release_coef) * (gdb - target);
		/* q = G^(1/4) */
		q = dsp_fast_exp2f(gdb * (0.25f * DSP_LOG2_PER_DB));
		sq = q * q;
		k->m0[i] = sq;
		k->m1[0][i] = ka * (q - sq);
		k->m1[1][i] = kb * (q - sq);
		k->m2[i] = 1.0f - sq;
	}
	k->env_hf = ehf;
	k->env_all = eall;
	k->gain_db = gdb;
}

/* Pass 3 for one channel: the two shelf sections. */
static void
shelf_channel(struct deess *k, int c, float *restrict x, int n)
{
	float *s0 = k->shelf[c][0], *s1 = k->shelf[c][1];
	const struct svf *a = &k->sec[0], *b = &k->sec[1];

	for (int i = 0; i < n; i++) {
		float bp, lp, y;

		svf_step(a, s0, x[i], &bp, &lp);
		y = k->m0[i] * x[i] + k->m1[0][i] * bp + k->m2[i] * lp;
		svf_step(b, s1, y, &bp, &lp);
		x[i] = k->m0[i] * y + k->m1[1][i] * bp + k->m2[i] * lp;
	}
}

static void
guard(struct deess *k)
{
	for (int c = 0; c < k->channels; c++)
		for (int s = 0; s < 2; s++) {
			dsp_state_guard(&k->det[c][s][0], &k->det[c][s][1]);
			dsp_state_guard(&k->shelf[c][s][0], &k->shelf[c][s][1]);
		}
	dsp_state_guard(&k->env_hf, &k->env_all);
	/* NaN, or a release spent to below a millionth of a dB: 0, so idle is
	 * exact bypass and the smoother never goes subnormal */
	if (!(fabsf(k->gain_db) <= 200.0f) || fabsf(k->gain_db) < 1e-6f)
		k->gain_db = 0.0f;
}

void
deess_process(struct deess *k, float *const *buf, int frames)
{
	int done = 0;

	while (done < frames) {
		const int n = dsp_guard_span(k->guard_frames, frames - done);

		if (n > 0) {
			memset(k->sum_hf, 0, sizeof k->sum_hf);
			memset(k->sum_all, 0, sizeof k->sum_all);
			for (int c = 0; c < k->channels; c++)
				detect_channel(k, c, buf[c] + done, n);
			gains(k, n);
			for (int c = 0; c < k->channels; c++)
				shelf_channel(k, c, buf[c] + done, n);
			done += n;
			k->guard_frames += n;
		}
		if (k->guard_frames >= DSP_GUARD_FRAMES) {
			guard(k);
			k->guard_frames = 0;
		}
	}
}
