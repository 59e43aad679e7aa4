/*
 * dynamics.c - compressor / expander / gate. The model is in dynamics.h.
 *
 * Per frame the work is: key (abs or square, max over linked channels), one
 * fast log2, the curve (a few compares), the one-pole, one fast exp2, and a
 * multiply per channel. No libm per frame.
 */
#include "dsp/dynamics.h"

#include <math.h>
#include <string.h>

/* Level floors (-200 dBFS): silence must not reach log2(0). */
#define PEAK_FLOOR 1e-10f
#define POWER_FLOOR 1e-20f
/* Half of DSP_DB_PER_LOG2: dB per log2 of a power (mean square). */
#define DB_PER_LOG2_POWER 3.0102999566398120f
/* Makeup changes glide with this time constant. */
#define MAKEUP_GLIDE_MS 5.0
/* A smoothed gain, or what is left of a makeup glide, this close to 0 dB
 * is 0 dB (keeps them out of subnormals). */
#define GAIN_FLOOR_DB 1e-9f

static bool
in_range(double v, double lo, double hi)
{
	return v >= lo && v <= hi; /* false for NaN */
}

/* exp(-1/(ms * fs / 1000)), 0 for ms == 0. */
static double
pole(double ms, double sample_rate_hz)
{
	return ms > 0.0 ? exp(-1000.0 / (ms * sample_rate_hz)) : 0.0;
}

int
dynamics_design(const struct dynamics_params *p, double sample_rate_hz,
    struct dynamics_coefs *out)
{
	struct dynamics_coefs c;
	const bool compressor = p->mode == DYNAMICS_COMPRESSOR;
	const bool gate = p->mode == DYNAMICS_GATE;

	if (!in_range(sample_rate_hz, 8000.0, 768000.0) ||
	    (p->mode != DYNAMICS_COMPRESSOR && p->mode != DYNAMICS_EXPANDER && !gate) ||
	    (p->detector != DYNAMICS_PEAK && p->detector != DYNAMICS_RMS) ||
	    !in_range(p->threshold_db, -144.0, 24.0) ||
	    !in_range(p->attack_ms, 0.0, 2000.0) ||
	    !in_range(p->release_ms, 0.0, 10000.0) ||
	    !in_range(p->makeup_db, -48.0, 48.0))
		return DSP_ERR_INVALID;
	if (compressor && !(in_range(p->ratio, 1.0, 1000.0) || p->ratio == INFINITY))
		return DSP_ERR_INVALID;
	if (p->mode == DYNAMICS_EXPANDER && !in_range(p->ratio, 1.0, 100.0))
		return DSP_ERR_INVALID;
	if (!gate && !in_range(p->knee_db, 0.0, 48.0))
		return DSP_ERR_INVALID;
	if (!compressor && !in_range(p->range_db, 0.0, 144.0))
		return DSP_ERR_INVALID;
	if (gate && !in_range(p->hold_ms, 0.0, 10000.0))
		return DSP_ERR_INVALID;
	if (p->detector == DYNAMICS_RMS && !in_range(p->rms_ms, 0.1, 1000.0))
		return DSP_ERR_INVALID;

	memset(&c, 0, sizeof c);
	c.mode = p->mode;
	c.detector = p->detector;
	c.link = p->link;
	c.threshold_db = (float)p->threshold_db;
	if (!gate) {
		c.slope = (float)(compressor ? 1.0 / p->ratio - 1.0 : p->ratio - 1.0);
		if (p->knee_db > 0.0) {
			c.half_knee_db = (float)(0.5 * p->knee_db);
			c.knee_scale = (float)(c.slope / (2.0 * p->knee_db));
		}
	}
	c.range_db = compressor ? 0.0f : (float)p->range_db;
	c.attack_coef = (float)pole(p->attack_ms, sample_rate_hz);
	c.release_coef = (float)pole(p->release_ms, sample_rate_hz);
	c.rms_coef = p->detector == DYNAMICS_RMS ?
	    (float)(1.0 - pole(p->rms_ms, sample_rate_hz)) : 1.0f;
	c.makeup_db = (float)p->makeup_db;
	c.makeup_pole = (float)pole(MAKEUP_GLIDE_MS, sample_rate_hz);
	c.hold_frames = gate ? (int)lround(p->hold_ms * sample_rate_hz / 1000.0) : 0;
	*out = c;
	return DSP_OK;
}

/* a > b ? a : b and a < b ? a : b: single SSE instructions, where
 * fmaxf/fminf carry NaN rules that cost a call or a sequence. */
static inline float
max_f(float a, float b)
{
	return a > b ? a : b;
}

static inline float
min_f(float a, float b)
{
	return a < b ? a : b;
}

/*
 * Branch-free forms of the curves (the level of a peak detector jumps about
 * every frame, so branches here would mispredict). With hk the half knee
 * and ks = slope/(4 hk) (knee_scale), the compressor is
 *     ks u^2 + slope max(d - hk, 0),   u = clamp(d + hk, 0, 2 hk):
 * 0 below the knee, ks (d + hk)^2 inside it, and above it
 * ks (2 hk)^2 + slope (d - hk) = slope d, since ks (2 hk)^2 = slope hk.
 * The expander mirrors it. A hard knee has hk = ks = 0.
 */
static inline float
curve(const struct dynamics_coefs *c, float level_db)
{
	const float d = level_db - c->threshold_db; /* dB over the threshold */
	const float hk = c->half_knee_db;
	float u;

	switch (c->mode) {
	case DYNAMICS_COMPRESSOR:
		u = min_f(max_f(d + hk, 0.0f), 2.0f * hk);
		return c->knee_scale * u * u + c->slope * max_f(d - hk, 0.0f);
	case DYNAMICS_EXPANDER:
		u = min_f(max_f(hk - d, 0.0f), 2.0f * hk);
		return max_f(-c->knee_scale * u * u + c->slope * min_f(d + hk, 0.0f),
		    -c->range_db);
	case DYNAMICS_GATE:
	default:
		return d >= 0.0f ? 0.0f : -c->range_db;
	}
}

float
dynamics_curve_gain_db(const struct dynamics_coefs *c, float level_db)
{
	return curve(c, level_db);
}

/*
 * The kernel runs a chunk of frames (at most DSP_GUARD_FRAMES, between two
 * guards) in passes over small arrays instead of frame by frame, so that
 * the work that does not depend on the previous frame (key, level in dB,
 * curve, dB to linear, the multiply) runs as vector code, and only the
 * recursions (RMS average, gate hold, gain smoother, makeup glide) stay
 * scalar. Every pass does the same float operations, in the same order, as
 * the frame-by-frame formulation (kept in the comments), so the output is
 * the same bits; only the schedule changed.
 */
#define CHUNK DSP_GUARD_FRAMES

/* Linked: the key of frame i is the largest of the key channels' (from 0,
 * so a NaN key channel counts as 0). */
static void
keys_linked(enum dynamics_detector det, const float *const *key, int keys, int off,
    float *restrict kmax, int n)
{
	int i, k;

	for (i = 0; i < n; i++)
		kmax[i] = 0.0f;
	for (k = 0; k < keys; k++) {
		const float *restrict kb = key[k] + off;

		if (det == DYNAMICS_RMS)
			for (i = 0; i < n; i++) {
				const float v = kb[i] * kb[i];

				kmax[i] = v > kmax[i] ? v : kmax[i];
			}
		else
			for (i = 0; i < n; i++) {
				const float v = fabsf(kb[i]);

				kmax[i] = v > kmax[i] ? v : kmax[i];
			}
	}
}

/* Unlinked: one key channel as it is. */
static void
keys_one(enum dynamics_detector det, const float *restrict kb, float *restrict kv, int n)
{
	int i;

	if (det == DYNAMICS_RMS)
		for (i = 0; i < n; i++)
			kv[i] = kb[i] * kb[i];
	else
		for (i = 0; i < n; i++)
			kv[i] = fabsf(kb[i]);
}

/*
 * n frames of one unit: key[i] is |x| (peak) or x^2 (RMS), already the max
 * over linked channels; g[i] gets the smoothed gain in dB, makeup excluded.
 * Per frame this is:
 *     level_db = dB of (RMS: the averaged key; peak: the key), floored
 *     target   = curve(level_db), held open by the gate's hold
 *     g        = target + coef * (g - target), coef attack or release
 */
static void
unit_run(const struct dynamics_coefs *c, struct dynamics_unit *u, const float *restrict key,
    float *restrict g_out, int n)
{
	float lv[CHUNK], t[CHUNK];
	const float thr = c->threshold_db, hk = c->half_knee_db, ks = c->knee_scale;
	const float slope = c->slope, range = c->range_db;
	/* coef = release + (float)rising * (attack - release), both values */
	const float coef_up = c->release_coef + 1.0f * (c->attack_coef - c->release_coef);
	const float coef_dn = c->release_coef + 0.0f * (c->attack_coef - c->release_coef);
	float g = u->gain_db;
	int i;

	/* level, linear, floored */
	if (c->detector == DYNAMICS_RMS) {
		float env = u->env;

		for (i = 0; i < n; i++) {
			float e = env + c->rms_coef * (key[i] - env);

			/* Under the floor is silence, held at exactly 0 (no
			 * subnormals); a NaN key is ignored. */
			if (!(e > POWER_FLOOR))
				e = isnan(e) ? env : 0.0f;
			env = e;
			lv[i] = e > POWER_FLOOR ? e : POWER_FLOOR;
		}
		u->env = env;
		for (i = 0; i < n; i++)
			lv[i] = DB_PER_LOG2_POWER * dsp_fast_log2f(lv[i]);
	} else {
		for (i = 0; i < n; i++)
			lv[i] = key[i] > PEAK_FLOOR ? key[i] : PEAK_FLOOR;
		for (i = 0; i < n; i++)
			lv[i] = DSP_DB_PER_LOG2 * dsp_fast_log2f(lv[i]);
	}

	/* the static curve (as curve(): see there) */
	switch (c->mode) {
	case DYNAMICS_COMPRESSOR:
		for (i = 0; i < n; i++) {
			const float d = lv[i] - thr;
			const float v = min_f(max_f(d + hk, 0.0f), 2.0f * hk);

			t[i] = ks * v * v + slope * max_f(d - hk, 0.0f);
		}
		break;
	case DYNAMICS_EXPANDER:
		for (i = 0; i < n; i++) {
			const float d = lv[i] - thr;
			const float v = min_f(max_f(hk - d, 0.0f), 2.0f * hk);

			t[i] = max_f(-ks * v * v + slope * min_f(d + hk, 0.0f), -range);
		}
		break;
	case DYNAMICS_GATE:
	default:
		for (i = 0; i < n; i++) {
			const float d = lv[i] - thr;

			t[i] = d >= 0.0f ? 0.0f : -range;
		}
		for (i = 0; i < n; i++) {
			if (t[i] == 0.0f)
				u->hold = c->hold_frames;
			else if (u->hold > 0) {
				u->hold--;
				t[i] = 0.0f;
			}
		}
		break;
	}

	/* The smoother. The level rose if the compressor wants less gain, or
	 * the expander or gate more; selected arithmetically (with a peak
	 * detector it flips at random from frame to frame). */
	if (c->mode == DYNAMICS_COMPRESSOR) {
		for (i = 0; i < n; i++) {
			const float coef = t[i] < g ? coef_up : coef_dn;

			g = t[i] + coef * (g - t[i]);
			g = fabsf(g) < GAIN_FLOOR_DB ? 0.0f : g;
			g_out[i] = g;
		}
	} else {
		for (i = 0; i < n; i++) {
			const float coef = t[i] > g ? coef_up : coef_dn;

			g = t[i] + coef * (g - t[i]);
			g = fabsf(g) < GAIN_FLOOR_DB ? 0.0f : g;
			g_out[i] = g;
		}
	}
	u->gain_db = g;
}

/* Corrupt state (from NaN/inf input that slipped through) starts over. */
static void
unit_guard(struct dynamics_unit *u)
{
	if (!(fabsf(u->gain_db) <= 1e4f) || !(u->env >= 0.0f && u->env < 1e30f)) {
		u->gain_db = 0.0f;
		u->env = 0.0f;
	}
}

/* What is left of a makeup glide, at a guard: under GAIN_FLOOR_DB it is
 * over (and would otherwise decay into the subnormals). */
static inline float
glide_guard(float glide)
{
	return fabsf(glide) < GAIN_FLOOR_DB ? 0.0f : glide;
}

/*
 * The guards (unit_guard, glide_guard) fall every DSP_GUARD_FRAMES frames
 * of the stream, counted by d->guard_frames from reset, never at call
 * boundaries: see the split-invariance note in dynamics.h. Unlinked, every
 * channel replays the same frames from the same counter and makeup glide.
 *
 * Per frame, after the unit's gain g: the deepest g is the meter's peak,
 * the makeup glide decays (glide *= pole), and every channel the unit
 * drives is multiplied by dB-to-linear of (g + makeup) + glide.
 */
static void
run_unit(const struct dynamics_coefs *c, struct dynamics_unit *u, bool linked,
    const float *const *key, int keys, float *const *out, int outs,
    float glide, int since, int frames, float *peak_io, float *glide_out,
    int *since_out)
{
	float kv[CHUNK], g[CHUNK], lin[CHUNK];
	const float mk = c->makeup_db, pole_mk = c->makeup_pole;
	float peak = *peak_io;
	int i = 0, j, k;

	while (i < frames) {
		const int n = dsp_guard_span(since, frames - i);

		since += n;
		if (n > 0) {
			if (linked)
				keys_linked(c->detector, key, keys, i, kv, n);
			else
				keys_one(c->detector, key[0] + i, kv, n);
			unit_run(c, u, kv, g, n);
			for (j = 0; j < n; j++)
				peak = g[j] < peak ? g[j] : peak;
			if (glide == 0.0f) {
				/* glide * pole keeps it (and its sign) */
				for (j = 0; j < n; j++)
					lin[j] = g[j] + mk + glide;
			} else {
				for (j = 0; j < n; j++) {
					glide *= pole_mk;
					lin[j] = g[j] + mk + glide;
				}
			}
			for (j = 0; j < n; j++)
				lin[j] = dsp_fast_db_to_lin(lin[j]);
			for (k = 0; k < outs; k++) {
				float *restrict buf = out[k] + i;

				for (j = 0; j < n; j++)
					buf[j] *= lin[j];
			}
			i += n;
		}
		if (since >= DSP_GUARD_FRAMES) {
			unit_guard(u);
			glide = glide_guard(glide);
			since = 0;
		}
	}
	*peak_io = peak;
	*glide_out = glide;
	*since_out = since;
}

void
dynamics_process(struct dynamics *d, float *const *restrict ch, int channels,
    const float *const *restrict sidechain, int sidechain_channels, int frames)
{
	const struct dynamics_coefs *c = &d->co;
	const float *const *key = sidechain != NULL ? sidechain : (const float *const *)ch;
	const int keys = sidechain != NULL ? sidechain_channels : channels;
	/* The makeup in use is makeup_db + glide, the glide decaying to 0
	 * (a decaying offset, unlike a one-pole towards the target, never
	 * stalls a few ulps short in float). */
	float glide = d->makeup_glide_db, peak = 0.0f, last = 0.0f;
	int since = d->guard_frames, k;

	if (channels > DSP_MAX_CHANNELS)
		channels = DSP_MAX_CHANNELS;
	if (channels <= 0 || frames <= 0 || keys <= 0 || keys > DSP_MAX_CHANNELS)
		return;

	if (c->link) {
		run_unit(c, &d->unit[0], true, key, keys, ch, channels,
		    d->makeup_glide_db, d->guard_frames, frames, &peak, &glide, &since);
		last = d->unit[0].gain_db;
	} else {
		for (k = 0; k < channels; k++) {
			struct dynamics_unit *u = &d->unit[k];

			run_unit(c, u, false, &key[k % keys], 1, &ch[k], 1,
			    d->makeup_glide_db, d->guard_frames, frames, &peak, &glide,
			    &since);
			last = u->gain_db < last ? u->gain_db : last;
		}
	}

	d->makeup_glide_db = glide;
	d->guard_frames = since;
	d->gr_db = last;
	d->gr_peak_db = peak;
}

void
dynamics_reset(struct dynamics *d)
{
	memset(d->unit, 0, sizeof d->unit);
	d->makeup_glide_db = 0.0f;
	d->guard_frames = 0;
	d->gr_db = 0.0f;
	d->gr_peak_db = 0.0f;
}

void
dynamics_init(struct dynamics *d, const struct dynamics_coefs *c)
{
	memset(d, 0, sizeof *d);
	d->co = *c;
	dynamics_reset(d);
}

void
dynamics_set_coefs(struct dynamics *d, const struct dynamics_coefs *c)
{
	/* Keep the makeup in use where it is and glide from there. */
	d->makeup_glide_db += d->co.makeup_db - c->makeup_db;
	if (!isfinite(d->makeup_glide_db))
		d->makeup_glide_db = 0.0f;
	d->co = *c;
}
