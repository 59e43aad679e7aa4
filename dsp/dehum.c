/*
 * dehum.c - adaptive harmonic hum canceller (model in dehum.h).
 *
 * Layout. Harmonics run in lanes of four (GCC/clang vector extensions,
 * plain scalar code where the target has no SIMD): per bank the phasors
 * z_h and their per-frame rotations r_h; per bank and channel the block
 * accumulators of x * conj(z_h), the amplitudes being subtracted now and
 * their per-frame increments. The slow state (estimates, loop, gains) is
 * touched once per block of BLOCK frames.
 *
 * Order of sums. The hum at a frame is summed lane-wise over harmonics,
 * then over the four lanes in a fixed order, so the bits are the same
 * however the stream is cut into calls.
 */
#include "dsp/dehum.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/dsp.h"

typedef float v4 __attribute__((vector_size(16)));

#define BLOCK DSP_GUARD_FRAMES
#define NH DEHUM_MAX_HARMONICS
#define NQ (NH / 4)
#define TRACK_S 0.020   /* time constant of the fast estimates (phase detector) */
#define LOOP_HZ 1.0     /* natural frequency of the phase-locked loop */
#define SCALE_UP_S 4.0  /* the robust residual scale rises this slowly */
#define SCALE_DOWN_S 0.1 /* and falls this fast */
#define CLIP2 1.0f      /* residual updates clipped at that scale (power ratio) */
#define LOOP_HARMONICS 4 /* the loop listens to harmonics 1..4 only */
#define FORGET_RATIO 4.0 /* estimate this far (power) above the input: forget */
#define FORGET_FLOOR 1e-15f /* a forgotten estimate below this (-300 dBFS) is 0 */
#define GLIDE_S 0.040   /* gain glides and bank crossfades */
#define PULL 0.004      /* tracked fundamental within nominal * (1 +- PULL): +-0.2 Hz at 50 */
#define SWITCH_RATIO 2.0f /* auto: the other bank must hold this much more power */
#define INPUT_MAX 1e6f

struct dehum_chan {
	float accr[NH] __attribute__((aligned(16))); /* sum of e * conj(z) this block */
	float acci[NH] __attribute__((aligned(16)));
	float cr[NH] __attribute__((aligned(16)));   /* harmonic's complex amplitude now */
	float ci[NH] __attribute__((aligned(16)));
	float dr[NH] __attribute__((aligned(16)));   /* its per-frame increment */
	float di[NH] __attribute__((aligned(16)));
	float pr[NH], pi[NH]; /* fast estimate, for the frequency loop */
	float s2[NH];         /* typical |p - c|^2 (robust scale) */
	bool forget;          /* the input is weaker than the estimate: decay it */
};

struct dehum_bank {
	float zr[NH] __attribute__((aligned(16))); /* exp(j*h*phi) at the current frame */
	float zi[NH] __attribute__((aligned(16)));
	float rr[NH] __attribute__((aligned(16))); /* exp(j*h*w): one frame's turn */
	float ri[NH] __attribute__((aligned(16)));
	double nominal_hz; /* 0: bank unused */
	double pending_hz; /* nominal to take once faded out; < 0: none */
	double phi;        /* fundamental phase at the start of this block, rad */
	double w, w_nom;   /* tracked and nominal fundamental, rad/frame */
	int nh_max;        /* harmonics below 0.45 * rate */
	float weight, weight_target; /* share of this bank's estimate subtracted */
	float g, dg;       /* amount * weight now, and its per-frame increment */
	float g_to;        /* where g lands at the end of this block */
	float score;       /* coherent power: sum of |c_h|^2 */
	struct dehum_chan *ch;
};

struct dehum {
	int channels, rate;
	struct dehum_params p;
	bool auto_mains;
	int selected;      /* auto: the bank subtracted */
	int pos;           /* frames into the current block */
	int h_run;         /* harmonics estimated (enabled or still gliding out) */
	float amount;      /* gliding towards p.amount */
	float gh[NH] __attribute__((aligned(16)));  /* per-harmonic gain now, gliding to 0 or 1 */
	float dgh[NH] __attribute__((aligned(16))); /* its per-frame increment */
	float gh_to[NH];   /* where gh lands at the end of this block */
	float step;        /* glide step per block */
	float xx[DSP_MAX_CHANNELS]; /* sum of x^2 this block */
	float px[DSP_MAX_CHANNELS]; /* input power, smoothed over 20 ms */
	float a_narrow, a_track, a_up, a_down;
	double k_phase, k_freq; /* loop gains per block: rad per rad, rad/frame per rad */
	struct dehum_bank bank[2];
};

void
dehum_params_default(struct dehum_params *p)
{
	p->mains_hz = 0;
	p->harmonics = 20;
	p->amount = 1;
	p->settle_ms = 400;
}

const char *
dehum_params_check(const struct dehum_params *p)
{
	if (!(p->mains_hz == 0 || (p->mains_hz >= 40 && p->mains_hz <= 70)))
		return "mains_hz must be 0 (automatic) or 40..70";
	if (p->harmonics < 1 || p->harmonics > DEHUM_MAX_HARMONICS)
		return "harmonics must be 1..64";
	if (!(p->amount >= 0 && p->amount <= 1))
		return "amount must be 0..1";
	if (!(p->settle_ms >= 50 && p->settle_ms <= 5000))
		return "settle_ms must be 50..5000";
	return NULL;
}

/* Phasors of bank b for its phase phi and frequency w (double recurrences,
 * exact to float precision for every harmonic); lanes above nh_max stay 0. */
static void
bank_phasors(struct dehum_bank *b)
{
	const double c1 = cos(b->phi), s1 = sin(b->phi);
	const double wc = cos(b->w), ws = sin(b->w);
	double zr = c1, zi = s1, rr = wc, ri = ws, t;

	for (int h = 0; h < NH; h++) {
		if (h < b->nh_max) {
			b->zr[h] = (float)zr;
			b->zi[h] = (float)zi;
			b->rr[h] = (float)rr;
			b->ri[h] = (float)ri;
		} else {
			b->zr[h] = b->zi[h] = b->rr[h] = b->ri[h] = 0;
		}
		t = zr * c1 - zi * s1;
		zi = zr * s1 + zi * c1;
		zr = t;
		t = rr * wc - ri * ws;
		ri = rr * ws + ri * wc;
		rr = t;
	}
}

/* Bank b starts afresh on nominal nominal_hz (0: unused). */
static void
bank_init(struct dehum *k, struct dehum_bank *b, double nominal_hz)
{
	b->nominal_hz = nominal_hz;
	b->pending_hz = -1;
	b->phi = 0;
	b->w_nom = b->w = 2 * M_PI * nominal_hz / k->rate;
	b->nh_max = 0;
	if (nominal_hz > 0) {
		b->nh_max = (int)(0.45 * k->rate / (nominal_hz * (1 + PULL)));
		if (b->nh_max > NH)
			b->nh_max = NH;
	}
	b->weight = 0;
	b->g = b->dg = b->g_to = 0;
	b->score = 0;
	memset(b->ch, 0, sizeof *b->ch * (size_t)k->channels);
	for (int c = 0; c < k->channels; c++)
		for (int h = 0; h < NH; h++)
			b->ch[c].s2[h] = -1; /* unknown: taken from the first block */
	bank_phasors(b);
}

/* The weight each bank is heading for, from the mode and selection. */
static void
set_targets(struct dehum *k)
{
	for (int i = 0; i < 2; i++) {
		struct dehum_bank *b = &k->bank[i];
		bool on = k->auto_mains ? i == k->selected : i == 0;

		b->weight_target = (on && b->pending_hz < 0 && b->nominal_hz > 0) ? 1.0f : 0.0f;
	}
}

/* The nominal each bank should run on under k->p. */
static double
wanted_hz(const struct dehum *k, int i)
{
	if (k->p.mains_hz == 0)
		return i == 0 ? 50.0 : 60.0;
	return i == 0 ? k->p.mains_hz : 0.0;
}

void
dehum_reset(struct dehum *k)
{
	k->auto_mains = k->p.mains_hz == 0;
	k->selected = 0;
	k->pos = 0;
	memset(k->xx, 0, sizeof k->xx);
	memset(k->px, 0, sizeof k->px);
	k->amount = (float)k->p.amount;
	k->h_run = k->p.harmonics;
	for (int h = 0; h < NH; h++) {
		k->gh[h] = k->gh_to[h] = h < k->p.harmonics ? 1.0f : 0.0f;
		k->dgh[h] = 0;
	}
	for (int i = 0; i < 2; i++)
		bank_init(k, &k->bank[i], wanted_hz(k, i));
	set_targets(k);
	for (int i = 0; i < 2; i++) {
		k->bank[i].weight = k->bank[i].weight_target;
		k->bank[i].g = k->bank[i].g_to = k->amount * k->bank[i].weight;
	}
}

static void
set_rates(struct dehum *k)
{
	const double tb = (double)BLOCK / k->rate;

	k->a_narrow = (float)(1 - exp(-tb / (k->p.settle_ms * 1e-3)));
	k->a_track = (float)(1 - exp(-tb / TRACK_S));
	k->a_up = (float)(1 - exp(-tb / SCALE_UP_S));
	k->a_down = (float)(1 - exp(-tb / SCALE_DOWN_S));
	{
		const double wn = 2 * M_PI * LOOP_HZ, zeta = 0.7;

		k->k_phase = 2 * zeta * wn * tb;
		k->k_freq = wn * wn * tb / k->rate;
	}
	k->step = (float)(tb / GLIDE_S);
}

struct dehum *
dehum_create(int channels, int rate_hz, const struct dehum_params *p)
{
	struct dehum *k;

	if (!dsp_stream_ok(channels, rate_hz) || p == NULL ||
	    dehum_params_check(p) != NULL)
		return NULL;
	k = calloc(1, sizeof *k);
	if (k == NULL)
		return NULL;
	k->channels = channels;
	k->rate = rate_hz;
	k->p = *p;
	for (int i = 0; i < 2; i++) {
		k->bank[i].ch = aligned_alloc(16, sizeof(struct dehum_chan) * (size_t)channels);
		if (k->bank[i].ch == NULL) {
			dehum_destroy(k);
			return NULL;
		}
	}
	set_rates(k);
	dehum_reset(k);
	return k;
}

void
dehum_destroy(struct dehum *k)
{
	if (k == NULL)
		return;
	free(k->bank[0].ch);
	free(k->bank[1].ch);
	free(k);
}

void
dehum_set_params(struct dehum *k, const struct dehum_params *p)
{
	if (p == NULL || dehum_params_check(p) != NULL)
		return;
	k->p = *p;
	set_rates(k);
	k->auto_mains = p->mains_hz == 0;
	if (p->harmonics > k->h_run) {
		/* harmonics switched on start from no estimate */
		for (int i = 0; i < 2; i++)
			for (int c = 0; c < k->channels; c++)
				for (int h = k->h_run; h < p->harmonics; h++) {
					struct dehum_chan *ch = &k->bank[i].ch[c];

					ch->cr[h] = ch->ci[h] = ch->pr[h] = ch->pi[h] = 0;
					ch->s2[h] = -1;
				}
		k->h_run = p->harmonics;
	}
	for (int i = 0; i < 2; i++) {
		struct dehum_bank *b = &k->bank[i];
		const double want = wanted_hz(k, i);

		if (want == b->nominal_hz) {
			b->pending_hz = -1;
		} else if (b->nominal_hz == 0 || (b->weight == 0 && b->g == 0)) {
			bank_init(k, b, want);
		} else {
			b->pending_hz = want; /* fade out first (block_end) */
		}
	}
	if (!k->auto_mains)
		k->selected = 0;
	set_targets(k);
}

int
dehum_latency(const struct dehum *k)
{
	(void)k;
	return 0;
}

double
dehum_tracked_hz(const struct dehum *k)
{
	const struct dehum_bank *b = &k->bank[k->auto_mains ? k->selected : 0];

	return b->w * k->rate / (2 * M_PI);
}

static float
glide(float v, float target, float step)
{
	if (v < target)
		return v + step < target ? v + step : target;
	return v - step > target ? v - step : target;
}

/* End of a block for bank b: estimates, loop, new phasors, new ramps. */
static void
bank_block_end(struct dehum *k, struct dehum_bank *b, int nh)
{
	const float scale = 2.0f / BLOCK, an = k->a_narrow, at = k->a_track;
	const float g = k->amount * b->weight;
	double num = 0, den = 0, score = 0;

	for (int c = 0; c < k->channels; c++) {
		struct dehum_chan *ch = &b->ch[c];
		const bool forget = ch->forget;
		double ph = 0;

		for (int h = 0; h < nh; h++) {
			/* m: what the residual still holds at this harmonic */
			const float mr = ch->accr[h] * scale, mi = ch->acci[h] * scale;
			float dr, di, r2;

			dsp_state_guard(&ch->cr[h], &ch->ci[h]);
			/* p: the hum at this harmonic (residual + estimate, so
			 * no image of the hum), smoothed over 20 ms */
			ch->pr[h] += at * (mr + ch->cr[h] - ch->pr[h]);
			ch->pi[h] += at * (mi + ch->ci[h] - ch->pi[h]);
			dsp_state_guard(&ch->pr[h], &ch->pi[h]);
			/* d: how far the estimate is from it, smoothed (so the
			 * other harmonics' leakage into one block's m does not
			 * make it flicker) */
			dr = ch->pr[h] - ch->cr[h];
			di = ch->pi[h] - ch->ci[h];
			r2 = dr * dr + di * di;
			/* Huber: a distance far above its usual size is speech
			 * passing through, not hum changing; the estimate
			 * then moves only as far as a usual one would move it */
			if (ch->s2[h] < 0)
				ch->s2[h] = r2; /* first block */
			else
				ch->s2[h] += (r2 > ch->s2[h] ? k->a_up : k->a_down) * (r2 - ch->s2[h]);
			if (!(ch->s2[h] >= DSP_STATE_FLOOR && ch->s2[h] < DSP_STATE_CEILING))
				ch->s2[h] = 0;
			if (forget) {
				/* the input holds less than the hum estimate:
				 * the hum has gone (a mute, an edit) */
				dr = -ch->cr[h] * (at / an);
				di = -ch->ci[h] * (at / an);
			} else if (r2 > CLIP2 * ch->s2[h]) {
				const float f = sqrtf(CLIP2 * ch->s2[h] / r2);

				dr *= f;
				di *= f;
			}
			/* the estimate moves by a_narrow of d, spread over the
			 * next block */
			ch->dr[h] = an * dr * (1.0f / BLOCK);
			ch->di[h] = an * di * (1.0f / BLOCK);
			/* increments are tiny by nature: guard them against
			 * corruption only; a forgotten estimate ends at 0 */
			if (!(fabsf(ch->dr[h]) < DSP_STATE_CEILING && fabsf(ch->di[h]) < DSP_STATE_CEILING) ||
			    (forget && fabsf(ch->cr[h]) < FORGET_FLOOR && fabsf(ch->ci[h]) < FORGET_FLOOR)) {
				ch->cr[h] = ch->ci[h] = 0;
				ch->dr[h] = ch->di[h] = 0;
			}
			ph += (double)ch->cr[h] * ch->cr[h] + (double)ch->ci[h] * ch->ci[h];
			if (h >= LOOP_HARMONICS)
				goto next;
			/* Im(p * conj(c)) = |p||c| sin(hum phase - estimate's
			 * phase): h times the fundamental's phase error */
			num += (double)ch->pi[h] * ch->cr[h] - (double)ch->pr[h] * ch->ci[h];
			den += (double)(h + 1) * ((double)ch->cr[h] * ch->cr[h] +
			    (double)ch->ci[h] * ch->ci[h]);
next:
			ch->accr[h] = ch->acci[h] = 0;
		}
		score += ph;
		/* the subtracted hum (power ph / 2) against the input's */
		ch->forget = 0.5 * ph > FORGET_RATIO * k->px[c];
	}
	b->score = (float)score;
	b->g = b->g_to;
	b->g_to = g;
	b->dg = (g - b->g) * (1.0f / BLOCK);

	/* phase-locked loop (proportional + integral) on the fundamental */
	b->phi += BLOCK * b->w;
	if (den > 1e-16 && isfinite(num) && isfinite(den)) {
		double e = num / den;

		if (e > 0.1)
			e = 0.1;
		if (e < -0.1)
			e = -0.1;
		b->phi += k->k_phase * e;
		b->w += k->k_freq * e;
		if (b->w > b->w_nom * (1 + PULL))
			b->w = b->w_nom * (1 + PULL);
		if (b->w < b->w_nom * (1 - PULL))
			b->w = b->w_nom * (1 - PULL);
	}
	b->phi -= 2 * M_PI * floor(b->phi / (2 * M_PI));
	if (!isfinite(b->phi) || !isfinite(b->w)) {
		b->phi = 0;
		b->w = b->w_nom;
	}
	bank_phasors(b);
}

static void
block_end(struct dehum *k)
{
	int h_new = k->p.harmonics;

	for (int c = 0; c < k->channels; c++) {
		k->px[c] += k->a_track * (k->xx[c] * (1.0f / BLOCK) - k->px[c]);
		if (k->px[c] < DSP_STATE_FLOOR)
			k->px[c] = 0;
		k->xx[c] = 0;
	}

	k->amount = glide(k->amount, (float)k->p.amount, k->step);
	for (int h = 0; h < NH; h++) {
		/* land exactly where the last ramp was heading (its running
		 * sum may be an ulp off), then ramp to the next point */
		k->gh[h] = k->gh_to[h];
		k->gh_to[h] = glide(k->gh[h], h < k->p.harmonics ? 1.0f : 0.0f, k->step);
		k->dgh[h] = (k->gh_to[h] - k->gh[h]) * (1.0f / BLOCK);
		if ((k->gh[h] > 0 || k->gh_to[h] > 0) && h + 1 > h_new)
			h_new = h + 1;
	}
	for (int i = 0; i < 2; i++) {
		struct dehum_bank *b = &k->bank[i];
		bool was_zero;

		if (b->nominal_hz == 0)
			continue;
		was_zero = b->weight == 0;
		b->weight = glide(b->weight, b->weight_target, k->step);
		bank_block_end(k, b, k->h_run < b->nh_max ? k->h_run : b->nh_max);
		/* after a whole block at weight 0 the gain ramp has reached 0 */
		if (was_zero && b->weight == 0) {
			b->g = b->dg = b->g_to = 0;
			if (b->pending_hz >= 0) {
				bank_init(k, b, b->pending_hz);
				set_targets(k);
			}
		}
	}
	/* harmonics that have glided out stop and forget */
	if (h_new < k->h_run) {
		for (int i = 0; i < 2; i++)
			for (int c = 0; c < k->channels; c++)
				for (int h = h_new; h < k->h_run; h++) {
					struct dehum_chan *ch = &k->bank[i].ch[c];

					ch->cr[h] = ch->ci[h] = ch->pr[h] = ch->pi[h] = 0;
					ch->dr[h] = ch->di[h] = 0;
				}
		k->h_run = h_new;
	}
	if (k->auto_mains && k->bank[0].nominal_hz > 0 && k->bank[1].nominal_hz > 0 &&
	    k->bank[0].pending_hz < 0 && k->bank[1].pending_hz < 0) {
		const int other = 1 - k->selected;

		if (k->bank[other].score > SWITCH_RATIO * k->bank[k->selected].score) {
			k->selected = other;
			set_targets(k);
		}
	}
}

/* Frames [off, off + n) of one block, n >= 1, all within the block. */
static void
run_segment(struct dehum *k, float *const *buf, int off, int n)
{
	const int nc = k->channels;

	for (int t = off; t < off + n; t++) {
		float x[DSP_MAX_CHANNELS], y[DSP_MAX_CHANNELS];

		for (int c = 0; c < nc; c++) {
			float v = buf[c][t];

			if (!(fabsf(v) <= INPUT_MAX))
				v = 0;
			x[c] = y[c] = v;
			k->xx[c] += v * v;
		}
		for (int i = 0; i < 2; i++) {
			struct dehum_bank *b = &k->bank[i];
			const int nh = k->h_run < b->nh_max ? k->h_run : b->nh_max;
			const int nq = (nh + 3) / 4;
			v4 *zr = (v4 *)b->zr, *zi = (v4 *)b->zi;
			const v4 *rr = (const v4 *)b->rr, *ri = (const v4 *)b->ri;
			const v4 *gh = (const v4 *)k->gh;

			if (b->nominal_hz == 0)
				continue;
			for (int c = 0; c < nc; c++) {
				struct dehum_chan *ch = &b->ch[c];
				v4 *ar = (v4 *)ch->accr, *ai = (v4 *)ch->acci;
				v4 *cr = (v4 *)ch->cr, *ci = (v4 *)ch->ci;
				const v4 *dr = (const v4 *)ch->dr, *di = (const v4 *)ch->di;
				v4 sf = { 0, 0, 0, 0 }, so = { 0, 0, 0, 0 }, ev;
				float e;

				for (int q = 0; q < nq; q++) {
					const v4 term = cr[q] * zr[q] - ci[q] * zi[q];

					sf += term;
					so += gh[q] * term;
					cr[q] += dr[q];
					ci[q] += di[q];
				}
				e = x[c] - ((sf[0] + sf[1]) + (sf[2] + sf[3]));
				y[c] -= b->g * ((so[0] + so[1]) + (so[2] + so[3]));
				ev = (v4){ e, e, e, e };
				for (int q = 0; q < nq; q++) {
					ar[q] += ev * zr[q];
					ai[q] -= ev * zi[q];
				}
			}
			b->g += b->dg;
			for (int q = 0; q < nq; q++) {
				const v4 a = zr[q] * rr[q] - zi[q] * ri[q];

				zi[q] = zr[q] * ri[q] + zi[q] * rr[q];
				zr[q] = a;
			}
		}
		{
			v4 *gh = (v4 *)k->gh;
			const v4 *dgh = (const v4 *)k->dgh;

			for (int q = 0; q < NQ; q++)
				gh[q] += dgh[q];
		}
		for (int c = 0; c < nc; c++)
			buf[c][t] = y[c];
	}
}

void
dehum_process(struct dehum *k, float *const *buf, int frames)
{
	int done = 0;

	while (done < frames) {
		int n = BLOCK - k->pos;

		if (n > frames - done)
			n = frames - done;
		run_segment(k, buf, done, n);
		k->pos += n;
		done += n;
		if (k->pos == BLOCK) {
			block_end(k);
			k->pos = 0;
		}
	}
}
