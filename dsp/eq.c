/*
 * eq.c - parametric EQ: section layout, design, ramped coefficient changes.
 * The model is in eq.h; the filter arithmetic is all in biquad.c.
 */
#include "dsp/eq.h"

#include <math.h>
#include <string.h>

#include "dsp/dsp.h"

/* Q of the two sections of a 4th-order Butterworth: 1 / (2 cos(pi/8)) and
 * 1 / (2 cos(3 pi/8)). */
#define BUTTER4_Q_LO 0.54119610014619698
#define BUTTER4_Q_HI 1.3065629648763766

/* The frequency actually designed: pulled below Nyquist (see eq.h). */
static double
usable_freq(double freq_hz, double sample_rate_hz)
{
	const double top = EQ_MAX_FREQ_RATIO * sample_rate_hz;

	return freq_hz > top ? top : freq_hz;
}

static int
cut_designs(const struct eq_cut *cut, enum biquad_type type, double sr,
    struct biquad_design d[2], bool used[2])
{
	double f;
	int rc;

	used[0] = used[1] = false;
	if (!cut->enabled)
		return DSP_OK;
	if (!(cut->freq_hz > 0.0))
		return DSP_ERR_INVALID; /* also NaN */
	f = usable_freq(cut->freq_hz, sr);
	switch (cut->slope_db_per_oct) {
	case 12:
		rc = biquad_design(type, f, cut->q, 0.0, sr, &d[0]);
		used[0] = rc == DSP_OK;
		return rc;
	case 24:
		rc = biquad_design(type, f, BUTTER4_Q_LO, 0.0, sr, &d[0]);
		if (rc == DSP_OK)
			rc = biquad_design(type, f, BUTTER4_Q_HI, 0.0, sr, &d[1]);
		used[0] = used[1] = rc == DSP_OK;
		return rc;
	default:
		return DSP_ERR_INVALID;
	}
}

/* Designs every section of p in double; used[i] false for identity. */
static int
section_designs(const struct eq_params *p, double sr, struct biquad_design d[EQ_SECTIONS],
    bool used[EQ_SECTIONS])
{
	int i, rc;

	if (!(sr >= 8000.0 && sr <= 768000.0))
		return DSP_ERR_INVALID;
	rc = cut_designs(&p->hpf, BIQUAD_HIGHPASS, sr, &d[EQ_SECTION_HPF], &used[EQ_SECTION_HPF]);
	if (rc != DSP_OK)
		return rc;
	rc = cut_designs(&p->lpf, BIQUAD_LOWPASS, sr, &d[EQ_SECTION_LPF], &used[EQ_SECTION_LPF]);
	if (rc != DSP_OK)
		return rc;
	for (i = 0; i < EQ_MAX_BANDS; i++) {
		const struct eq_band *b = &p->band[i];
		const int s = EQ_SECTION_BAND + i;

		used[s] = false;
		if (!b->enabled)
			continue;
		if (!(b->freq_hz > 0.0))
			return DSP_ERR_INVALID;
		rc = biquad_design(b->type, usable_freq(b->freq_hz, sr), b->q, b->gain_db, sr,
		    &d[s]);
		if (rc != DSP_OK)
			return rc;
		used[s] = true;
	}
	return DSP_OK;
}

int
eq_design(const struct eq_params *p, double sample_rate_hz, struct eq_coefs *out)
{
	struct biquad_design d[EQ_SECTIONS];
	bool used[EQ_SECTIONS];
	struct eq_coefs c;
	int i, rc;

	rc = section_designs(p, sample_rate_hz, d, used);
	if (rc != DSP_OK)
		return rc;
	for (i = 0; i < EQ_SECTIONS; i++) {
		if (!used[i]) {
			biquad_set_identity(&c.sec[i]);
			continue;
		}
		rc = biquad_coefs_from_design(&d[i], &c.sec[i]);
		if (rc != DSP_OK)
			return rc; /* cannot happen for cookbook designs in range */
	}
	*out = c;
	return DSP_OK;
}

double
eq_magnitude_db(const struct eq_params *p, double sample_rate_hz, double freq_hz)
{
	struct biquad_design d[EQ_SECTIONS];
	bool used[EQ_SECTIONS];
	double db = 0.0;
	int i;

	if (section_designs(p, sample_rate_hz, d, used) != DSP_OK)
		return NAN;
	for (i = 0; i < EQ_SECTIONS; i++)
		if (used[i])
			db += biquad_design_magnitude_db(&d[i], freq_hz, sample_rate_hz);
	return db;
}

void
eq_init(struct eq *e, double sample_rate_hz)
{
	double ramp = EQ_RAMP_FRAMES_48K * sample_rate_hz / 48000.0;
	int i;

	memset(e, 0, sizeof *e);
	for (i = 0; i < EQ_SECTIONS; i++) {
		biquad_set_identity(&e->cur[i]);
		e->from[i] = e->target[i] = e->cur[i];
	}
	if (isnan(ramp))
		ramp = EQ_RAMP_FRAMES_48K;
	if (ramp < 1.0)
		ramp = 1.0;
	if (ramp > EQ_RAMP_FRAMES_MAX)
		ramp = EQ_RAMP_FRAMES_MAX;
	e->ramp_frames = (int)lround(ramp);
}

static void
coefs_step(const struct biquad_coefs *from, const struct biquad_coefs *to, float inv_n,
    struct biquad_coefs *step)
{
	step->d1 = (to->d1 - from->d1) * inv_n;
	step->c2 = (to->c2 - from->c2) * inv_n;
	step->c3 = (to->c3 - from->c3) * inv_n;
	step->m0 = (to->m0 - from->m0) * inv_n;
	step->m1 = (to->m1 - from->m1) * inv_n;
	step->m2 = (to->m2 - from->m2) * inv_n;
}

static bool
coefs_nonzero(const struct biquad_coefs *c)
{
	return c->d1 != 0.0f || c->c2 != 0.0f || c->c3 != 0.0f ||
	    c->m0 != 0.0f || c->m1 != 0.0f || c->m2 != 0.0f;
}

/* from + n*step, computed as biquad_process_ramp computes ramp frame n:
 * the set the last frame ran with after n frames of a ramp. */
static void
coefs_at(const struct biquad_coefs *from, const struct biquad_coefs *step, int n,
    struct biquad_coefs *out)
{
	const float t = (float)n;

	out->d1 = from->d1 + t * step->d1;
	out->c2 = from->c2 + t * step->c2;
	out->c3 = from->c3 + t * step->c3;
	out->m0 = from->m0 + t * step->m0;
	out->m1 = from->m1 + t * step->m1;
	out->m2 = from->m2 + t * step->m2;
}

void
eq_set_coefs(struct eq *e, const struct eq_coefs *c)
{
	const float inv_n = 1.0f / (float)e->ramp_frames;
	int s, ch;

	/* e->cur is the set the last frame ran with (eq_process keeps it so,
	 * from the ramp's position alone), so the new ramp starts from the
	 * same point whatever the call boundaries were. */
	for (s = 0; s < EQ_SECTIONS; s++) {
		struct biquad_coefs t = c->sec[s];

		if (biquad_is_identity(&t)) {
			if (!e->active[s]) {
				e->cur[s] = e->from[s] = e->target[s] = t;
				e->moving[s] = false;
				continue;
			}
			/* Switching a section off: only the output mix fades;
			 * its poles stay where they are. */
			t.d1 = e->cur[s].d1;
			t.c2 = e->cur[s].c2;
			t.c3 = e->cur[s].c3;
		} else if (!e->active[s]) {
			/* Switching a section on: silent state, the new state
			 * update at once (it does not reach the output yet), and
			 * the output mix ramping from the identity. */
			for (ch = 0; ch < EQ_MAX_CHANNELS; ch++)
				biquad_reset(&e->st[s][ch]);
			e->cur[s].d1 = t.d1;
			e->cur[s].c2 = t.c2;
			e->cur[s].c3 = t.c3;
			e->cur[s].m0 = 1.0f;
			e->cur[s].m1 = 0.0f;
			e->cur[s].m2 = 0.0f;
			e->active[s] = true;
		}
		e->from[s] = e->cur[s];
		e->target[s] = t;
		coefs_step(&e->from[s], &t, inv_n, &e->step[s]);
		e->moving[s] = coefs_nonzero(&e->step[s]);
	}
	e->ramp_pos = 0;
	e->ramp_left = e->ramp_frames;
}

void
eq_process(struct eq *e, float *const *restrict ch, int channels, int frames)
{
	/* The first n frames are ramp frames; the rest (if the ramp ends in
	 * this call, or there is none) run the target. */
	const int n = frames < e->ramp_left ? frames : e->ramp_left;
	const bool ending = n > 0 && n == e->ramp_left;
	int s, c;

	if (channels > EQ_MAX_CHANNELS)
		channels = EQ_MAX_CHANNELS;
	if (channels <= 0 || frames <= 0)
		return;

	if (n == 0) {
		/* Settled (the usual case): every active section runs its
		 * target over the whole call, so run them as one cascade,
		 * which gives the same bits as section after section. */
		const struct biquad_coefs *cs[EQ_SECTIONS];
		struct biquad_state *st[EQ_SECTIONS];
		int count = 0;

		for (s = 0; s < EQ_SECTIONS; s++)
			if (e->active[s])
				cs[count++] = &e->target[s];
		for (c = 0; c < channels && count > 0; c++) {
			int k = 0;

			for (s = 0; s < EQ_SECTIONS; s++)
				if (e->active[s])
					st[k++] = &e->st[s][c];
			biquad_cascade_process(cs, st, count, ch[c], frames);
		}
		return;
	}

	for (s = 0; s < EQ_SECTIONS; s++) {
		/* A section going to the identity is off from the frame its
		 * ramp ends: skip the rest of the call exactly as the next call
		 * would (running the identity mix is not bit-exact for -0). */
		const int rest = ending && biquad_is_identity(&e->target[s]) ? 0 : frames - n;

		if (!e->active[s])
			continue;
		for (c = 0; c < channels; c++) {
			if (n > 0 && e->moving[s])
				biquad_process_ramp(&e->from[s], &e->step[s], e->ramp_pos,
				    &e->st[s][c], ch[c], n);
			else if (n > 0)
				biquad_process(&e->cur[s], &e->st[s][c], ch[c], n);
			if (rest > 0)
				biquad_process(&e->target[s], &e->st[s][c], ch[c] + n, rest);
		}
	}

	if (n > 0) {
		e->ramp_left -= n;
		e->ramp_pos += n;
		for (s = 0; s < EQ_SECTIONS; s++) {
			if (e->ramp_left == 0) {
				e->cur[s] = e->from[s] = e->target[s];
				e->moving[s] = false;
				if (biquad_is_identity(&e->target[s]))
					e->active[s] = false;
			} else if (e->moving[s]) {
				coefs_at(&e->from[s], &e->step[s], e->ramp_pos, &e->cur[s]);
			}
		}
	}
}

void
eq_reset(struct eq *e)
{
	int s;

	for (s = 0; s < EQ_SECTIONS; s++) {
		e->cur[s] = e->from[s] = e->target[s];
		e->moving[s] = false;
		e->active[s] = !biquad_is_identity(&e->target[s]);
	}
	e->ramp_pos = 0;
	e->ramp_left = 0;
	memset(e->st, 0, sizeof e->st);
}
