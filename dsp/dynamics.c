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
 * the same bits; only the schedule changed. With SSE2 (x86-64) the chunk
 * runs as explicit vector code instead (chunk_run below); the scalar
 * passes are the portable form.
 */
#define CHUNK DSP_GUARD_FRAMES

#if !defined(__SSE2__)
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

#endif

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
 * One chunk (n frames, 1..CHUNK, no guard inside) of one unit: the keys
 * from frame off of the key channels, the unit's gains, and the outputs
 * out[0..outs) multiplied from frame off. Per frame, after the unit's
 * gain g: the deepest g is the meter's peak, the makeup glide decays
 * (glide *= pole), and every channel the unit drives is multiplied by
 * dB-to-linear of (g + makeup) + glide.
 */
#if defined(__SSE2__)
/*
 * The SSE2 form: the same float operations as the scalar passes (unit_run
 * and the #else branch below), four frames at a time. Packed SSE
 * arithmetic rounds each lane as the scalar instructions do, and
 * maxps/minps are exactly a > b ? a : b and a < b ? a : b (the second
 * operand when either is NaN), which is what max_f, min_f and the clamps of
 * dsp_fast_exp2f compute. The recursions stay scalar, but run in the same
 * loop as the vector work, four frames at a time, so the CPU overlaps them
 * with it (and, for the RMS detector, the average's recursion with the
 * smoother's). The smoother computes both of its candidates and keeps the
 * one its comparison would have picked by a min or a max, which is the
 * same result in fewer steps of its recursion (see use_min in unit_chunk).
 */
#include <emmintrin.h>

/* dsp_fast_log2f on four lanes (see dsp.h): the same operations. */
static inline __m128
v_log2(__m128 x)
{
	const __m128i sqrt_half = _mm_set1_epi32((int)DSP_SQRT_HALF_BITS);
	const __m128 one = _mm_set1_ps(1.0f);
	__m128i ix = _mm_sub_epi32(_mm_castps_si128(x), sqrt_half);
	const __m128i e = _mm_srai_epi32(ix, 23);
	__m128 m, t, t2, poly;

	ix = _mm_add_epi32(_mm_and_si128(ix, _mm_set1_epi32(0x007fffff)), sqrt_half);
	m = _mm_castsi128_ps(ix);
	t = _mm_div_ps(_mm_sub_ps(m, one), _mm_add_ps(m, one));
	t2 = _mm_mul_ps(t, t);
	poly = _mm_add_ps(_mm_set1_ps(DSP_LOG2_C5),
	    _mm_mul_ps(t2, _mm_set1_ps(DSP_LOG2_C7)));
	poly = _mm_add_ps(_mm_set1_ps(DSP_LOG2_C3), _mm_mul_ps(t2, poly));
	poly = _mm_add_ps(_mm_set1_ps(DSP_LOG2_C1), _mm_mul_ps(t2, poly));
	return _mm_add_ps(_mm_cvtepi32_ps(e), _mm_mul_ps(t, poly));
}

/* dsp_fast_exp2f on four lanes: the same operations. */
static inline __m128
v_exp2(__m128 x)
{
	__m128i i;
	__m128 f, p;

	x = _mm_max_ps(x, _mm_set1_ps(-126.0f)); /* !(x > -126): -126, NaN too */
	x = _mm_min_ps(x, _mm_set1_ps(126.0f));  /* x > 126: 126 */
	i = _mm_sub_epi32(_mm_cvttps_epi32(_mm_add_ps(x, _mm_set1_ps(128.5f))),
	    _mm_set1_epi32(128));
	f = _mm_sub_ps(x, _mm_cvtepi32_ps(i));
	p = _mm_add_ps(_mm_set1_ps(DSP_EXP2_C4),
	    _mm_mul_ps(f, _mm_set1_ps(DSP_EXP2_C5)));
	p = _mm_add_ps(_mm_set1_ps(DSP_EXP2_C3), _mm_mul_ps(f, p));
	p = _mm_add_ps(_mm_set1_ps(DSP_EXP2_C2), _mm_mul_ps(f, p));
	p = _mm_add_ps(_mm_set1_ps(DSP_EXP2_C1), _mm_mul_ps(f, p));
	p = _mm_add_ps(_mm_set1_ps(1.0f), _mm_mul_ps(f, p));
	return _mm_mul_ps(p, _mm_castsi128_ps(_mm_slli_epi32(
	    _mm_add_epi32(i, _mm_set1_epi32(127)), 23)));
}

static inline __m128
v_abs(__m128 x)
{
	return _mm_and_ps(x, _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff)));
}

#if defined(__GNUC__)
/* An empty volatile asm: a conditional block holding one is not
 * if-converted. */
#define KEEP_BRANCH() __asm__ volatile("")
#else
#define KEEP_BRANCH() ((void)0)
#endif

/*
 * The unit over kv[0..n) (kv readable to a multiple of 4 past n) into
 * g_out[0..n), for one mode and detector (constants after inlining): per
 * group of four frames, the RMS average (scalar), level in dB and curve
 * (vector), the gate's hold and the smoother (scalar); see unit_run.
 */
static ALWAYS_INLINE void
unit_chunk(const struct dynamics_coefs *c, struct dynamics_unit *u, const float *kv,
    float *g_out, int n, const enum dynamics_mode mode, const enum dynamics_detector det)
{
	const __m128 thr = _mm_set1_ps(c->threshold_db), hk = _mm_set1_ps(c->half_knee_db);
	const __m128 hk2 = _mm_set1_ps(2.0f * c->half_knee_db);
	const __m128 ks = _mm_set1_ps(c->knee_scale), nks = _mm_set1_ps(-c->knee_scale);
	const __m128 slope = _mm_set1_ps(c->slope), nrange = _mm_set1_ps(-c->range_db);
	const __m128 zero = _mm_setzero_ps();
	const float coef_up = c->release_coef + 1.0f * (c->attack_coef - c->release_coef);
	const float coef_dn = c->release_coef + 0.0f * (c->attack_coef - c->release_coef);
	const float rms_coef = c->rms_coef;
	/*
	 * The smoother without its comparison. unit_run computes
	 * g' = t + coef * (g - t) with coef = coef_up when the level rose
	 * (compressor: t < g, that is d = g - t > 0; expander and gate:
	 * t > g, d < 0) and coef_dn otherwise. Both candidates
	 * gu = t + coef_up * d and gd = t + coef_dn * d are computed with those
	 * very operations, and rounding is monotonic, so their order is that
	 * of coef_up * d and coef_dn * d: with coef_up <= coef_dn (attack
	 * faster than release, the usual case), gu <= gd when d > 0 and
	 * gu >= gd when d < 0 (equal when d = 0). So the compressor's pick is
	 * the smaller candidate and the expander's the larger, the other way
	 * round when coef_up > coef_dn: a min or a max instead of a compare
	 * and a blend in the recursion's path. Where the two are equal as
	 * numbers they are the same bits, except for a zero's sign or (with
	 * denormals-are-zero set) two subnormals, all under GAIN_FLOOR_DB,
	 * which the floor below turns into +0 either way. A NaN g (never
	 * expected) gives gd in both forms.
	 */
	const bool use_min = (mode == DYNAMICS_COMPRESSOR) == (coef_up <= coef_dn);
	float g = u->gain_db, env = u->env;
	int hold = u->hold, i, j;

	for (i = 0; i < n; i += 4) {
		const int m = n - i < 4 ? n - i : 4;
		float t[4], lvs[4];
		__m128 lv, d, v, tv;

		if (det == DYNAMICS_RMS) {
			for (j = 0; j < 4; j++) {
				float e = env + rms_coef * (kv[i + j] - env);

				/* Under the floor is silence, held at exactly 0
				 * (no subnormals); a NaN key is ignored. A branch
				 * (as KEEP_BRANCH says), taken in silence. */
				if (!(e > POWER_FLOOR)) {
					e = isnan(e) ? env : 0.0f;
					KEEP_BRANCH();
				}
				/* lanes past n: computed, never used */
				if (j < m)
					env = e;
				lvs[j] = e;
			}
			lv = _mm_max_ps(_mm_set_ps(lvs[3], lvs[2], lvs[1], lvs[0]),
			    _mm_set1_ps(POWER_FLOOR));
			lv = _mm_mul_ps(_mm_set1_ps(DB_PER_LOG2_POWER), v_log2(lv));
		} else {
			lv = _mm_max_ps(_mm_loadu_ps(kv + i), _mm_set1_ps(PEAK_FLOOR));
			lv = _mm_mul_ps(_mm_set1_ps(DSP_DB_PER_LOG2), v_log2(lv));
		}
		d = _mm_sub_ps(lv, thr);
		switch (mode) {
		case DYNAMICS_COMPRESSOR:
			v = _mm_min_ps(_mm_max_ps(_mm_add_ps(d, hk), zero), hk2);
			tv = _mm_add_ps(_mm_mul_ps(_mm_mul_ps(ks, v), v),
			    _mm_mul_ps(slope, _mm_max_ps(_mm_sub_ps(d, hk), zero)));
			break;
		case DYNAMICS_EXPANDER:
			v = _mm_min_ps(_mm_max_ps(_mm_sub_ps(hk, d), zero), hk2);
			tv = _mm_max_ps(_mm_add_ps(_mm_mul_ps(_mm_mul_ps(nks, v), v),
			    _mm_mul_ps(slope, _mm_min_ps(_mm_add_ps(d, hk), zero))), nrange);
			break;
		case DYNAMICS_GATE:
		default:
			tv = _mm_andnot_ps(_mm_cmpge_ps(d, zero), nrange);
			break;
		}
		_mm_storeu_ps(t, tv);
		if (mode == DYNAMICS_GATE)
			for (j = 0; j < m; j++) {
				if (t[j] == 0.0f)
					hold = c->hold_frames;
				else if (hold > 0) {
					hold--;
					t[j] = 0.0f;
				}
			}
		for (j = 0; j < m; j++) {
			/* both candidates, then the one the comparison would
			 * have picked: see use_min */
			const float dd = g - t[j];
			const float gu = t[j] + coef_up * dd, gd = t[j] + coef_dn * dd;

			g = use_min ? (gu < gd ? gu : gd) : (gu > gd ? gu : gd);
			/* A branch (well predicted: rarely taken, or taken for
			 * long stretches of silence) that the compiler must not
			 * turn into a select: a select would lengthen the
			 * recursion by a compare and a blend. */
			if (fabsf(g) < GAIN_FLOOR_DB) {
				g = 0.0f;
				KEEP_BRANCH();
			}
			g_out[i + j] = g;
		}
	}
	u->gain_db = g;
	u->env = env;
	u->hold = hold;
}

/* The keys of a chunk: |x| or x^2, the largest over linked channels
 * (from 0), into kv[0..n), and 1.0 in the lanes past n. */
static ALWAYS_INLINE void
chunk_keys(bool rms, bool linked, const float *const *key, int keys, int off,
    float *kv, int n)
{
	const int n4 = n & ~3;
	int j, k;

	if (linked) {
		for (j = 0; j < n; j += 4)
			_mm_storeu_ps(kv + j, _mm_setzero_ps());
		for (k = 0; k < keys; k++) {
			const float *restrict kb = key[k] + off;

			for (j = 0; j < n4; j += 4) {
				const __m128 x = _mm_loadu_ps(kb + j);
				const __m128 v = rms ? _mm_mul_ps(x, x) : v_abs(x);

				_mm_storeu_ps(kv + j, _mm_max_ps(v, _mm_loadu_ps(kv + j)));
			}
			for (; j < n; j++) {
				const float v = rms ? kb[j] * kb[j] : fabsf(kb[j]);

				kv[j] = v > kv[j] ? v : kv[j];
			}
		}
	} else {
		const float *restrict kb = key[0] + off;

		for (j = 0; j < n4; j += 4) {
			const __m128 x = _mm_loadu_ps(kb + j);

			_mm_storeu_ps(kv + j, rms ? _mm_mul_ps(x, x) : v_abs(x));
		}
		for (; j < n; j++)
			kv[j] = rms ? kb[j] * kb[j] : fabsf(kb[j]);
	}
	_mm_storeu_ps(kv + n, _mm_set1_ps(1.0f));   /* lanes past n: never used */
}

/* After the gains g[0..n) of a chunk (g readable to a multiple of 4 past
 * n): the makeup glide per frame (glide * pole keeps a zero, and its
 * sign), the meter's peak, dB to linear, and the outputs multiplied. */
static ALWAYS_INLINE void
chunk_post(const struct dynamics_coefs *c, float *g, int off, float *const *out,
    int outs, float *glide_io, int n, float *peak_io)
{
	float lin[CHUNK + 4], pk[4];
	const __m128 mk = _mm_set1_ps(c->makeup_db);
	const int n4 = n & ~3;
	__m128 peak = _mm_set1_ps(*peak_io);
	float glide = *glide_io;
	int j, k;

	_mm_storeu_ps(g + n, _mm_setzero_ps());   /* the peak starts at 0: no effect */
	if (glide == 0.0f) {
		const __m128 gl = _mm_set1_ps(glide);

		for (j = 0; j < n; j += 4) {
			const __m128 gv = _mm_loadu_ps(g + j);

			peak = _mm_min_ps(gv, peak);
			_mm_storeu_ps(lin + j, v_exp2(_mm_mul_ps(_mm_add_ps(
			    _mm_add_ps(gv, mk), gl), _mm_set1_ps(DSP_LOG2_PER_DB))));
		}
	} else {
		const float pole_mk = c->makeup_pole;

		for (j = 0; j < n; j++) {
			glide *= pole_mk;
			lin[j] = glide;
		}
		_mm_storeu_ps(lin + n, _mm_setzero_ps());
		for (j = 0; j < n; j += 4) {
			const __m128 gv = _mm_loadu_ps(g + j);

			peak = _mm_min_ps(gv, peak);
			_mm_storeu_ps(lin + j, v_exp2(_mm_mul_ps(_mm_add_ps(
			    _mm_add_ps(gv, mk), _mm_loadu_ps(lin + j)),
			    _mm_set1_ps(DSP_LOG2_PER_DB))));
		}
	}
	/* finite and never -0 (the smoother's floor gives +0), so the order
	 * of the minimum does not matter */
	_mm_storeu_ps(pk, peak);
	for (j = 0; j < 4; j++)
		*peak_io = pk[j] < *peak_io ? pk[j] : *peak_io;
	*glide_io = glide;

	for (k = 0; k < outs; k++) {
		float *restrict buf = out[k] + off;

		for (j = 0; j < n4; j += 4)
			_mm_storeu_ps(buf + j, _mm_mul_ps(_mm_loadu_ps(buf + j),
			    _mm_loadu_ps(lin + j)));
		for (; j < n; j++)
			buf[j] *= lin[j];
	}
}

static void
chunk_run(const struct dynamics_coefs *c, struct dynamics_unit *u, bool linked,
    const float *const *key, int keys, int off, float *const *out, int outs,
    float *glide_io, int n, float *peak_io)
{
	float kv[CHUNK + 4], g[CHUNK + 4];
	const bool rms = c->detector == DYNAMICS_RMS;

	chunk_keys(rms, linked, key, keys, off, kv, n);
	switch (c->mode) {
	case DYNAMICS_COMPRESSOR:
		if (rms)
			unit_chunk(c, u, kv, g, n, DYNAMICS_COMPRESSOR, DYNAMICS_RMS);
		else
			unit_chunk(c, u, kv, g, n, DYNAMICS_COMPRESSOR, DYNAMICS_PEAK);
		break;
	case DYNAMICS_EXPANDER:
		if (rms)
			unit_chunk(c, u, kv, g, n, DYNAMICS_EXPANDER, DYNAMICS_RMS);
		else
			unit_chunk(c, u, kv, g, n, DYNAMICS_EXPANDER, DYNAMICS_PEAK);
		break;
	case DYNAMICS_GATE:
	default:
		if (rms)
			unit_chunk(c, u, kv, g, n, DYNAMICS_GATE, DYNAMICS_RMS);
		else
			unit_chunk(c, u, kv, g, n, DYNAMICS_GATE, DYNAMICS_PEAK);
		break;
	}
	chunk_post(c, g, off, out, outs, glide_io, n, peak_io);
}

/* True when the smoother of c keeps the smaller candidate (see use_min in
 * unit_chunk). */
static bool
smoother_uses_min(const struct dynamics_coefs *c)
{
	const float coef_up = c->release_coef + 1.0f * (c->attack_coef - c->release_coef);
	const float coef_dn = c->release_coef + 0.0f * (c->attack_coef - c->release_coef);

	return (c->mode == DYNAMICS_COMPRESSOR) == (coef_up <= coef_dn);
}

/* The level in dB and the static curve of unit c over four frames (lv: the
 * linear level, floored as unit_chunk floors it). */
static ALWAYS_INLINE __m128
curve4(const struct dynamics_coefs *c, __m128 lv, const enum dynamics_mode mode,
    const enum dynamics_detector det)
{
	const __m128 thr = _mm_set1_ps(c->threshold_db), hk = _mm_set1_ps(c->half_knee_db);
	const __m128 hk2 = _mm_set1_ps(2.0f * c->half_knee_db);
	const __m128 zero = _mm_setzero_ps();
	__m128 d, v;

	if (det == DYNAMICS_RMS) {
		lv = _mm_max_ps(lv, _mm_set1_ps(POWER_FLOOR));
		lv = _mm_mul_ps(_mm_set1_ps(DB_PER_LOG2_POWER), v_log2(lv));
	} else {
		lv = _mm_max_ps(lv, _mm_set1_ps(PEAK_FLOOR));
		lv = _mm_mul_ps(_mm_set1_ps(DSP_DB_PER_LOG2), v_log2(lv));
	}
	d = _mm_sub_ps(lv, thr);
	if (mode == DYNAMICS_COMPRESSOR) {
		v = _mm_min_ps(_mm_max_ps(_mm_add_ps(d, hk), zero), hk2);
		return _mm_add_ps(_mm_mul_ps(_mm_mul_ps(_mm_set1_ps(c->knee_scale), v), v),
		    _mm_mul_ps(_mm_set1_ps(c->slope), _mm_max_ps(_mm_sub_ps(d, hk), zero)));
	}
	v = _mm_min_ps(_mm_max_ps(_mm_sub_ps(hk, d), zero), hk2);
	return _mm_max_ps(_mm_add_ps(_mm_mul_ps(_mm_mul_ps(
	    _mm_set1_ps(-c->knee_scale), v), v), _mm_mul_ps(_mm_set1_ps(c->slope),
	    _mm_min_ps(_mm_add_ps(d, hk), zero))), _mm_set1_ps(-c->range_db));
}

/*
 * unit_chunk for four units at once (compressor or expander, one detector,
 * one smoother direction): the recursions (RMS average, smoother) run with
 * unit k in lane k, so the four chains overlap instead of following each
 * other; level and curve run per unit over four frames as in unit_chunk.
 * Each lane does unit_chunk's float operations in its order, so every
 * unit's gains are the same bits. kv[k], g[k]: as unit_chunk's kv, g_out.
 */
static ALWAYS_INLINE void
unit_batch(const struct dynamics_coefs *const *c, struct dynamics_unit *const *u,
    float (*kv)[CHUNK + 4], float (*g_out)[CHUNK + 4], int n,
    const enum dynamics_mode mode, const enum dynamics_detector det,
    const bool use_min)
{
	float cu[4], cd[4], rc[4], gs[4], es[4];
	__m128 coef_up, coef_dn, rms_coef, g, env;
	const __m128 floor_db = _mm_set1_ps(GAIN_FLOOR_DB);
	const __m128 sign = _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff));
	int i, j, k;

	for (k = 0; k < 4; k++) {
		cu[k] = c[k]->release_coef + 1.0f * (c[k]->attack_coef - c[k]->release_coef);
		cd[k] = c[k]->release_coef + 0.0f * (c[k]->attack_coef - c[k]->release_coef);
		rc[k] = c[k]->rms_coef;
		gs[k] = u[k]->gain_db;
		es[k] = u[k]->env;
	}
	coef_up = _mm_loadu_ps(cu);
	coef_dn = _mm_loadu_ps(cd);
	rms_coef = _mm_loadu_ps(rc);
	g = _mm_loadu_ps(gs);
	env = _mm_loadu_ps(es);

	for (i = 0; i < n; i += 4) {
		const int m = n - i < 4 ? n - i : 4;
		__m128 r0 = _mm_loadu_ps(kv[0] + i), r1 = _mm_loadu_ps(kv[1] + i);
		__m128 r2 = _mm_loadu_ps(kv[2] + i), r3 = _mm_loadu_ps(kv[3] + i);
		__m128 col[4];

		if (det == DYNAMICS_RMS) {
			/* frames in rows, units in lanes */
			_MM_TRANSPOSE4_PS(r0, r1, r2, r3);
			col[0] = r0;
			col[1] = r1;
			col[2] = r2;
			col[3] = r3;
			for (j = 0; j < 4; j++) {
				__m128 e = _mm_add_ps(env, _mm_mul_ps(rms_coef,
				    _mm_sub_ps(col[j], env)));
				const __m128 ok = _mm_cmpgt_ps(e, _mm_set1_ps(POWER_FLOOR));

				/* under the floor: 0, or the last average for NaN */
				if (_mm_movemask_ps(ok) != 0xF) {
					const __m128 nan = _mm_cmpunord_ps(e, e);

					e = _mm_or_ps(_mm_and_ps(ok, e),
					    _mm_andnot_ps(ok, _mm_and_ps(nan, env)));
				}
				if (j < m)
					env = e;
				col[j] = e;
			}
			r0 = col[0];
			r1 = col[1];
			r2 = col[2];
			r3 = col[3];
			_MM_TRANSPOSE4_PS(r0, r1, r2, r3);   /* back: units in rows */
		}
		r0 = curve4(c[0], r0, mode, det);
		r1 = curve4(c[1], r1, mode, det);
		r2 = curve4(c[2], r2, mode, det);
		r3 = curve4(c[3], r3, mode, det);
		_MM_TRANSPOSE4_PS(r0, r1, r2, r3);   /* the targets: units in lanes */
		col[0] = r0;
		col[1] = r1;
		col[2] = r2;
		col[3] = r3;
		for (j = 0; j < m; j++) {
			const __m128 t = col[j], dd = _mm_sub_ps(g, t);
			const __m128 gu = _mm_add_ps(t, _mm_mul_ps(coef_up, dd));
			const __m128 gd = _mm_add_ps(t, _mm_mul_ps(coef_dn, dd));
			__m128 low;

			g = use_min ? _mm_min_ps(gu, gd) : _mm_max_ps(gu, gd);
			low = _mm_cmplt_ps(_mm_and_ps(g, sign), floor_db);
			if (_mm_movemask_ps(low) != 0) {
				g = _mm_andnot_ps(low, g);
				KEEP_BRANCH();
			}
			col[j] = g;
		}
		for (; j < 4; j++)
			col[j] = g;    /* past n: never used */
		r0 = col[0];
		r1 = col[1];
		r2 = col[2];
		r3 = col[3];
		_MM_TRANSPOSE4_PS(r0, r1, r2, r3);
		_mm_storeu_ps(g_out[0] + i, r0);
		_mm_storeu_ps(g_out[1] + i, r1);
		_mm_storeu_ps(g_out[2] + i, r2);
		_mm_storeu_ps(g_out[3] + i, r3);
	}
	_mm_storeu_ps(gs, g);
	_mm_storeu_ps(es, env);
	for (k = 0; k < 4; k++) {
		u[k]->gain_db = gs[k];
		u[k]->env = es[k];
	}
}

/* One chunk (n frames, no guard inside) of four mono units over
 * buf[k][0..n): chunk_run for each, with the recursions batched. */
static void
chunk_batch(struct dynamics *const *d, float *const *buf, int n,
    float *glide, float *peak)
{
	float kv[4][CHUNK + 4], g[4][CHUNK + 4];
	const struct dynamics_coefs *c[4];
	struct dynamics_unit *u[4];
	const enum dynamics_mode mode = d[0]->co.mode;
	const bool rms = d[0]->co.detector == DYNAMICS_RMS;
	const bool use_min = smoother_uses_min(&d[0]->co);
	int k;

	for (k = 0; k < 4; k++) {
		c[k] = &d[k]->co;
		u[k] = &d[k]->unit[0];
		chunk_keys(rms, c[k]->link, (const float *const *)&buf[k], 1, 0,
		    kv[k], n);
	}
	if (mode == DYNAMICS_COMPRESSOR)
		if (rms)
			unit_batch(c, u, kv, g, n, DYNAMICS_COMPRESSOR, DYNAMICS_RMS, use_min);
		else
			unit_batch(c, u, kv, g, n, DYNAMICS_COMPRESSOR, DYNAMICS_PEAK, use_min);
	else if (rms)
		unit_batch(c, u, kv, g, n, DYNAMICS_EXPANDER, DYNAMICS_RMS, use_min);
	else
		unit_batch(c, u, kv, g, n, DYNAMICS_EXPANDER, DYNAMICS_PEAK, use_min);
	for (k = 0; k < 4; k++)
		chunk_post(c[k], g[k], 0, &buf[k], 1, &glide[k], n, &peak[k]);
}

#define HAVE_BATCH 1

#else
static void
chunk_run(const struct dynamics_coefs *c, struct dynamics_unit *u, bool linked,
    const float *const *key, int keys, int off, float *const *out, int outs,
    float *glide_io, int n, float *peak_io)
{
	/* kv: zeroed only to spare GCC's -Wmaybe-uninitialized (the keys
	 * passes write all n) */
	float kv[CHUNK] = { 0 }, g[CHUNK], lin[CHUNK];
	const float mk = c->makeup_db, pole_mk = c->makeup_pole;
	float peak = *peak_io, glide = *glide_io;
	int j, k;

	if (linked)
		keys_linked(c->detector, key, keys, off, kv, n);
	else
		keys_one(c->detector, key[0] + off, kv, n);
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
		float *restrict buf = out[k] + off;

		for (j = 0; j < n; j++)
			buf[j] *= lin[j];
	}
	*peak_io = peak;
	*glide_io = glide;
}
#endif

/*
 * The guards (unit_guard, glide_guard) fall every DSP_GUARD_FRAMES frames
 * of the stream, counted by d->guard_frames from reset, never at call
 * boundaries: see the split-invariance note in dynamics.h. Unlinked, every
 * channel replays the same frames from the same counter and makeup glide.
 */
static void
run_unit(const struct dynamics_coefs *c, struct dynamics_unit *u, bool linked,
    const float *const *key, int keys, float *const *out, int outs,
    float glide, int since, int frames, float *peak_io, float *glide_out,
    int *since_out)
{
	int i = 0;

	while (i < frames) {
		const int n = dsp_guard_span(since, frames - i);

		since += n;
		if (n > 0) {
			chunk_run(c, u, linked, key, keys, i, out, outs, &glide, n, peak_io);
			i += n;
		}
		if (since >= DSP_GUARD_FRAMES) {
			unit_guard(u);
			glide = glide_guard(glide);
			since = 0;
		}
	}
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

bool
dynamics_batchable(struct dynamics *const *d, int count)
{
#ifdef HAVE_BATCH
	if (count < 2 || count > DYNAMICS_BATCH_MAX ||
	    d[0]->co.mode == DYNAMICS_GATE)
		return false;
	for (int k = 1; k < count; k++)
		if (d[k]->co.mode != d[0]->co.mode ||
		    d[k]->co.detector != d[0]->co.detector ||
		    smoother_uses_min(&d[k]->co) != smoother_uses_min(&d[0]->co) ||
		    d[k]->guard_frames != d[0]->guard_frames)
			return false;
	return true;
#else
	(void)d;
	(void)count;
	return false;
#endif
}

void
dynamics_process_batch(struct dynamics *const *d, float *const *buf, int count,
    int frames)
{
#ifdef HAVE_BATCH
	struct dynamics spare;
	struct dynamics *dd[4];
	float spare_buf[CHUNK + 4], glide[4], peak[4];
	int since, i = 0;

	if (frames <= 0)
		return;
	if (!dynamics_batchable(d, count)) {
		for (int k = 0; k < count; k++)
			dynamics_process(d[k], &buf[k], 1, NULL, 0, frames);
		return;
	}
	/* lanes past count run a copy of d[0] on silence, and are dropped */
	spare = *d[0];
	memset(spare_buf, 0, sizeof spare_buf);
	for (int k = 0; k < 4; k++) {
		dd[k] = k < count ? d[k] : &spare;
		glide[k] = dd[k]->makeup_glide_db;
		peak[k] = 0.0f;
	}
	since = d[0]->guard_frames;
	while (i < frames) {
		const int n = dsp_guard_span(since, frames - i);

		since += n;
		if (n > 0) {
			float *at[4];

			for (int k = 0; k < 4; k++)
				at[k] = k < count ? buf[k] + i : spare_buf;
			chunk_batch(dd, at, n, glide, peak);
			i += n;
		}
		if (since >= DSP_GUARD_FRAMES) {
			for (int k = 0; k < 4; k++) {
				unit_guard(&dd[k]->unit[0]);
				glide[k] = glide_guard(glide[k]);
			}
			since = 0;
		}
	}
	/* what dynamics_process leaves for one mono channel */
	for (int k = 0; k < count; k++) {
		const float gain = d[k]->unit[0].gain_db;

		d[k]->makeup_glide_db = glide[k];
		d[k]->guard_frames = since;
		d[k]->gr_db = d[k]->co.link ? gain : (gain < 0.0f ? gain : 0.0f);
		d[k]->gr_peak_db = peak[k];
	}
#else
	for (int k = 0; k < count; k++)
		dynamics_process(d[k], &buf[k], 1, NULL, 0, frames);
#endif
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
