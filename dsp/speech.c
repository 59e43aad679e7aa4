/*
 * speech.c - speech-activity detector (see speech.h for the contract).
 *
 * Model. Dialogue in a mix is told from music and effects by what only
 * speech does at once: voiced sounds whose pitch slides (intonation), in a
 * level that rises and falls at the syllable rate (3-10 Hz). Music holds
 * its notes (a vibrato wobbles by less per 20 ms than speech slides); room
 * tone, rain and drums are not voiced for long, or their voiced parts
 * (tuned drums) hold their pitch; tones and drones do neither. Nothing is
 * learned and there is no model file: four measured features, each a
 * necessary condition with a hand-set threshold (score_step()).
 *
 * Pipeline:
 *   decimate  by D (a power of two) to an internal rate f_i of 11.025 to
 *             22.05 kHz (12 kHz at 48/96/192 kHz, 11.025 at 44.1/88.2/
 *             176.4), a Kaiser-windowed sinc FIR of 8*D taps with eight
 *             partial sums (vectorises without -ffast-math); only every
 *             D-th output is computed
 *   frames    every 20 ms, a Hann window of 512 samples (43 ms; 1024 from
 *             16 kHz), one r2c FFT; per frame the speech-band (300-3400 Hz)
 *             level, and voicing: the normalised autocorrelation (the
 *             inverse FFT of the power spectrum below 3 kHz, tilted
 *             +3 dB/octave so pink noise looks white) divided by the
 *             window's own (Boersma 1993), its peak over lags for
 *             80-400 Hz, with the lag refined by a parabola
 *   steps     a frame belongs to the 100 ms step holding its centre (mapped
 *             back to input frames through D and the FIR's delay)
 *   score     per step from the 51 frames (1 s) centred on its middle
 *             frame: score_step()
 *   decide    score >= 0.5, then pauses of up to GAP_STEPS steps between
 *             speech steps are bridged (dialogue gating measures lines, not
 *             syllables)
 *
 * Cost per second of 48 kHz input: 48k FIR taps x 8, 50 FFTs of 512 and
 * 50 inverse, 10 step scores; about 9000x real time on one core
 * (bench/speech/speech_speed.c).
 */
#include "dsp/speech.h"
#include "dsp/window.h"

#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define INTERNAL_MIN_HZ 11025.0
#define TAPS_PER_D 8  /* decimation FIR length per unit of D (a multiple of 8) */
#define CHUNK 1024
#define SB_LO_HZ 300.0
#define SB_HI_HZ 3400.0
#define AC_LO_HZ 60.0
#define AC_HI_HZ 3000.0
#define F0_LO_HZ 80.0
#define F0_HI_HZ 400.0
#define HOP_S 0.02
#define FRAME_RING 256 /* power of two */
#define STEP_RING 64   /* power of two */
#define CTX_FRAMES 25  /* context: centre frame +- this many */
#define MOD_K0 3       /* modulation DFT bins over 2*CTX+1 frames of 20 ms: */
#define MOD_K1 10      /* 3..10 are 2.9..9.8 Hz */
#define VOICED 0.55f   /* voicing above which a frame counts as voiced */
#define GAP_STEPS 3    /* pauses of up to this many steps are bridged */
/* Step n is scored once the frame CTX_FRAMES after its middle frame exists:
 * that frame's centre is at most 60 + 500 ms after the step's start, and
 * its window reaches at most 32 ms (+ the FIR's delay) further, so the
 * input through step n + 5 suffices; bridging looks GAP_STEPS further. */
#define CTX_STEPS 5
#define LATENCY_STEPS (CTX_STEPS + GAP_STEPS)
#define POW_FLOOR 1e-12f
#define INPUT_LIMIT 1e4f

struct frame_feat {
	float sb_pow;          /* speech-band mean square, full scale 1.0 */
	float sb_db;           /* the same in dB */
	float voicing;         /* 0..1 */
	float lag;             /* best lag, internal samples */
};

struct step_rec {
	int64_t first_frame;   /* first analysis frame of the step */
	int frames;            /* how many */
	float raw;             /* score 0..1 */
};

struct speech {
	/* configuration */
	double rate_hz;
	double step_frames;     /* input frames per step, rate/10 */
	int d;                  /* decimation factor */
	double internal_hz;
	int taps;
	int n;                  /* FFT size */
	int hop;                /* internal samples per frame */
	int lag_lo, lag_hi;     /* voicing lag range, internal samples */
	int sb_k0, sb_k1;       /* speech band bins [k0, k1) */
	int ac_k1;              /* bins used for the autocorrelation [1, ac_k1) */
	float pow_scale;        /* bin power -> mean square */
	float mod_cos[MOD_K1 - MOD_K0 + 1][2 * CTX_FRAMES + 1]; /* windowed DFT */
	float mod_sin[MOD_K1 - MOD_K0 + 1][2 * CTX_FRAMES + 1];

	/* buffers (allocated at create) */
	float *h;               /* taps */
	float *hist;            /* taps - 1 + CHUNK */
	float *win;             /* n */
	float *ring;            /* n: internal signal, last n samples */
	float *rw;              /* window autocorrelation, normalised, lag_hi + 2 */
	float *acw;             /* ac_k1 spectral weights */
	float *fft_in;
	fftwf_complex *fft_out;
	fftwf_complex *ac_in;
	float *ac_out;
	fftwf_plan fwd, inv;

	/* stream state */
	int64_t in_frames;      /* input frames since reset */
	int phase;              /* input frames since the last decimated sample */
	int ring_pos;           /* next write position in ring */
	int since_hop;          /* internal samples since the last frame */
	int64_t frames_done;    /* analysis frames computed */
	struct frame_feat fr[FRAME_RING];
	struct step_rec st[STEP_RING];
	int64_t open_step;      /* step of the latest frame (-1 before any) */
	int64_t next_score;     /* next step to score */
	int64_t next_decide;    /* next step to decide */
	bool finished;
	int64_t end_step;       /* after finish: steps >= this are not output */

	/* decisions */
	struct speech_step out[SPEECH_RING_STEPS];
	int64_t out_head, out_tail;
	int64_t dropped;
};

static const float zeros[CHUNK];

static double
sinc(double x)
{
	return x == 0.0 ? 1.0 : sin(M_PI * x) / (M_PI * x);
}


static int
hz_to_bin(const struct speech *s, double hz)
{
	int k = (int)lround(hz * s->n / s->internal_hz);

	return k < 1 ? 1 : k > s->n / 2 ? s->n / 2 : k;
}

static void
design(struct speech *s)
{
	const double beta = 5.0;
	double sum = 0.0, w2 = 0.0;
	const double half = (s->taps - 1) / 2.0;

	/* decimation low-pass: cutoff at the internal Nyquist frequency, so
	 * what folds over lands above 3.4 kHz, outside every feature; Kaiser
	 * beta 5 gives about 50 dB from f_i - 3.4 kHz up */
	for (int i = 0; i < s->taps; i++) {
		double t = i - half, r = half > 0.0 ? t / half : 0.0;
		double fc = 0.5 / s->d;
		double v = 2.0 * fc * sinc(2.0 * fc * t) *
		    window_bessel_i0(beta * sqrt(fmax(0.0, 1.0 - r * r))) / window_bessel_i0(beta);

		s->h[i] = (float)v;
		sum += v;
	}
	for (int i = 0; i < s->taps; i++)
		s->h[i] = (float)(s->h[i] / sum);

	for (int i = 0; i < s->n; i++) {
		s->win[i] = (float)(0.5 - 0.5 * cos(2.0 * M_PI * (i + 0.5) / s->n));
		w2 += (double)s->win[i] * s->win[i];
	}
	/* one-sided bin power -> mean square of the signal */
	s->pow_scale = (float)(2.0 / (s->n * w2));
	for (int t = 0; t <= s->lag_hi + 1; t++) {
		double r = 0.0, r0 = 0.0;

		for (int i = 0; i < s->n; i++) {
			r0 += (double)s->win[i] * s->win[i];
			if (i + t < s->n)
				r += (double)s->win[i] * s->win[i + t];
		}
		s->rw[t] = (float)(r / r0);
	}
	for (int k = 0; k < s->ac_k1; k++) {
		double f = k * s->internal_hz / s->n, g;

		/* +3 dB/octave tilt (pink noise comes out white), gentle edges */
		g = f < AC_LO_HZ ? 0.0 : f / 1000.0;
		if (f > AC_HI_HZ * 0.8)
			g *= 0.5 + 0.5 * cos(M_PI * (f - AC_HI_HZ * 0.8) / (AC_HI_HZ * 0.2));
		s->acw[k] = (float)g;
	}
	s->sb_k0 = hz_to_bin(s, SB_LO_HZ);
	s->sb_k1 = hz_to_bin(s, SB_HI_HZ);
	{
		const int m = 2 * CTX_FRAMES + 1;
		double wsum = 0.0;

		for (int i = 0; i < m; i++)
			wsum += 0.5 - 0.5 * cos(2.0 * M_PI * (i + 0.5) / m);
		for (int k = MOD_K0; k <= MOD_K1; k++)
			for (int i = 0; i < m; i++) {
				double w = (0.5 - 0.5 * cos(2.0 * M_PI * (i + 0.5) / m)) / wsum;

				s->mod_cos[k - MOD_K0][i] = (float)(w * cos(2.0 * M_PI * k * i / m));
				s->mod_sin[k - MOD_K0][i] = (float)(w * sin(2.0 * M_PI * k * i / m));
			}
	}
}

int
speech_create(struct speech **out, double sample_rate_hz)
{
	struct speech *s;
	int d = 1;

	*out = NULL;
	if (!(sample_rate_hz >= 8000.0 && sample_rate_hz <= 384000.0))
		return DSP_ERR_INVALID;
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return SPEECH_ERR_NOMEM;
	while (sample_rate_hz / (2 * d) >= INTERNAL_MIN_HZ)
		d *= 2;
	s->rate_hz = sample_rate_hz;
	s->step_frames = sample_rate_hz / 10.0;
	s->d = d;
	s->internal_hz = sample_rate_hz / d;
	s->taps = d == 1 ? 1 : TAPS_PER_D * d;
	s->n = s->internal_hz < 16000.0 ? 512 : 1024;
	s->hop = (int)lround(HOP_S * s->internal_hz);
	s->lag_lo = (int)floor(s->internal_hz / F0_HI_HZ);
	s->lag_hi = (int)ceil(s->internal_hz / F0_LO_HZ);
	s->ac_k1 = hz_to_bin(s, AC_HI_HZ) + 1;

	s->h = malloc(sizeof *s->h * (size_t)s->taps);
	s->hist = calloc((size_t)(s->taps - 1 + CHUNK), sizeof *s->hist);
	s->win = malloc(sizeof *s->win * (size_t)s->n);
	s->ring = calloc((size_t)s->n, sizeof *s->ring);
	s->rw = malloc(sizeof *s->rw * (size_t)(s->lag_hi + 2));
	s->acw = malloc(sizeof *s->acw * (size_t)s->ac_k1);
	s->fft_in = fftwf_alloc_real((size_t)s->n);
	s->fft_out = fftwf_alloc_complex((size_t)s->n / 2 + 1);
	s->ac_in = fftwf_alloc_complex((size_t)s->n / 2 + 1);
	s->ac_out = fftwf_alloc_real((size_t)s->n);
	if (s->h == NULL || s->hist == NULL || s->win == NULL ||
	    s->ring == NULL || s->rw == NULL || s->acw == NULL ||
	    s->fft_in == NULL || s->fft_out == NULL || s->ac_in == NULL ||
	    s->ac_out == NULL)
		goto fail;
	s->fwd = fftwf_plan_dft_r2c_1d(s->n, s->fft_in, s->fft_out, FFTW_ESTIMATE);
	if (s->fwd == NULL)
		goto fail;
	s->inv = fftwf_plan_dft_c2r_1d(s->n, s->ac_in, s->ac_out, FFTW_ESTIMATE);
	if (s->inv == NULL)
		goto fail;
	design(s);
	speech_reset(s);
	*out = s;
	return 0;
fail:
	speech_destroy(s);
	return SPEECH_ERR_NOMEM;
}

void
speech_destroy(struct speech *s)
{
	if (s == NULL)
		return;
	if (s->inv != NULL)
		fftwf_destroy_plan(s->inv);
	if (s->fwd != NULL)
		fftwf_destroy_plan(s->fwd);
	fftwf_free(s->ac_out);
	fftwf_free(s->ac_in);
	fftwf_free(s->fft_out);
	fftwf_free(s->fft_in);
	free(s->acw);
	free(s->rw);
	free(s->ring);
	free(s->win);
	free(s->hist);
	free(s->h);
	free(s);
}

void
speech_reset(struct speech *s)
{
	memset(s->hist, 0, sizeof *s->hist * (size_t)(s->taps - 1 + CHUNK));
	memset(s->ring, 0, sizeof *s->ring * (size_t)s->n);
	s->in_frames = 0;
	s->phase = 0;
	s->ring_pos = 0;
	s->since_hop = 0;
	s->frames_done = 0;
	memset(s->fr, 0, sizeof s->fr);
	memset(s->st, 0, sizeof s->st);
	s->open_step = -1;
	s->next_score = 0;
	s->next_decide = 0;
	s->finished = false;
	s->end_step = INT64_MAX;
	s->out_head = s->out_tail = 0;
	s->dropped = 0;
}

int
speech_get_latency_steps(const struct speech *s)
{
	(void)s;
	return LATENCY_STEPS;
}

int64_t
speech_step_first_frame(const struct speech *s, int64_t n)
{
	return (int64_t)floor((double)n * s->rate_hz / 10.0 + 1e-9);
}

int64_t
speech_get_dropped(const struct speech *s)
{
	return s->dropped;
}

int
speech_pop(struct speech *s, struct speech_step *out)
{
	if (s->out_tail == s->out_head)
		return 0;
	*out = s->out[s->out_tail % SPEECH_RING_STEPS];
	s->out_tail++;
	return 1;
}

static void
push_decision(struct speech *s, int64_t step, bool active, float score)
{
	struct speech_step *o;

	if (step >= s->end_step)
		return;
	if (s->out_head - s->out_tail >= SPEECH_RING_STEPS) {
		s->out_tail++;
		s->dropped++;
	}
	o = &s->out[s->out_head % SPEECH_RING_STEPS];
	o->step = step;
	o->active = active;
	o->score = score;
	s->out_head++;
}

static float
db(float p)
{
	return 10.0f * log10f(p > POW_FLOOR ? p : POW_FLOOR);
}

/* Features of the analysis frame that ends at the newest ring sample. */
static void
analyse_frame(struct speech *s, struct frame_feat *f)
{
	const int n = s->n, head = s->ring_pos;
	float *in = s->fft_in;
	float pw[1024 / 2 + 1];
	float r0, best = 0.0f;
	int best_lag = s->lag_lo;

	for (int i = 0; i < n - head; i++)
		in[i] = s->ring[head + i] * s->win[i];
	for (int i = n - head; i < n; i++)
		in[i] = s->ring[i - (n - head)] * s->win[i];
	fftwf_execute(s->fwd);
	for (int k = 0; k < s->ac_k1 || k < s->sb_k1; k++)
		pw[k] = (s->fft_out[k][0] * s->fft_out[k][0] +
		    s->fft_out[k][1] * s->fft_out[k][1]) * s->pow_scale;
	{
		float e = 0.0f;

		for (int k = s->sb_k0; k < s->sb_k1; k++)
			e += pw[k];
		f->sb_pow = e;
		f->sb_db = db(e);
	}
	for (int k = 0; k < s->ac_k1; k++) {
		s->ac_in[k][0] = pw[k] * s->acw[k];
		s->ac_in[k][1] = 0.0f;
	}
	for (int k = s->ac_k1; k <= n / 2; k++)
		s->ac_in[k][0] = s->ac_in[k][1] = 0.0f;
	fftwf_execute(s->inv);
	r0 = s->ac_out[0];
	if (r0 > 1e-20f) {
		for (int t = s->lag_lo; t <= s->lag_hi; t++) {
			float r = s->ac_out[t] / (r0 * s->rw[t]);

			if (r > best) {
				best = r;
				best_lag = t;
			}
		}
	}
	f->voicing = best > 1.0f ? 1.0f : best;
	f->lag = (float)best_lag;
	if (best > 0.0f && best_lag > s->lag_lo && best_lag < s->lag_hi) {
		float a = s->ac_out[best_lag - 1] / s->rw[best_lag - 1];
		float b = s->ac_out[best_lag] / s->rw[best_lag];
		float c = s->ac_out[best_lag + 1] / s->rw[best_lag + 1];
		float den = a - 2.0f * b + c;

		if (den < 0.0f)
			f->lag += 0.5f * (a - c) / den;
	}
}

/* RMS (dB) of the 3-10 Hz modulation of series[0..m) (frame levels, dB),
 * after flooring it floor_db below its maximum. Overwrites series. */
static float
modulation(const struct speech *s, float *series, int m, float floor_db)
{
	float mx = -1e30f, mean = 0.0f, pm = 0.0f;

	for (int i = 0; i < m; i++)
		mx = series[i] > mx ? series[i] : mx;
	for (int i = 0; i < m; i++) {
		if (series[i] < mx - floor_db)
			series[i] = mx - floor_db;
		mean += series[i];
	}
	mean /= m;
	for (int k = MOD_K0; k <= MOD_K1; k++) {
		float c = 0.0f, sn = 0.0f;

		for (int i = 0; i < m; i++) {
			c += (series[i] - mean) * s->mod_cos[k - MOD_K0][i];
			sn += (series[i] - mean) * s->mod_sin[k - MOD_K0][i];
		}
		pm += c * c + sn * sn;
	}
	return sqrtf(pm);
}

/*
 * Score of step n (0..1, speech from 0.5) from the frames centred on its
 * middle frame (CTX_FRAMES each side, about 0.5 s). The evidence, each a
 * necessary condition, and the score is the weakest of them:
 *   glide    pitch that moves: the share of frame pairs, both voiced, whose
 *            pitch differs by 0.6-15 % (glide) and by 1.5-15 % (glide2).
 *            Speech intonation slides; notes, drones, tuned drums and even
 *            a strong vibrato (up to ~1.5 %) hold their pitch or wobble
 *            less than that from one 20 ms frame to the next
 *   emod     syllabic rhythm: RMS of the 3-10 Hz modulation of the
 *            speech-band level (dB, floored 30 dB under its peak)
 *   ownloud  this step within 25 dB of the loudest frame around it (keeps
 *            the bed beside a loud line out of the line's context)
 *   lvl      the context above -65 dBFS in the speech band
 */
static float
score_step(struct speech *s, int64_t step)
{
	const struct step_rec *r = &s->st[step & (STEP_RING - 1)];
	const int64_t mid = r->first_frame + r->frames / 2;
	const int m = 2 * CTX_FRAMES + 1;
	const int first = (int)(r->first_frame - (mid - CTX_FRAMES));
	const struct frame_feat *ctx[2 * CTX_FRAMES + 1];
	float series[2 * CTX_FRAMES + 1];
	float lvl = 0.0f, own = 0.0f, peak = -1e30f, emod, ownloud, sc;
	int gl = 0, gl2 = 0;

	for (int i = 0; i < m; i++) {
		int64_t j = mid - CTX_FRAMES + i;

		/* before the stream's first frame: repeat it */
		ctx[i] = &s->fr[(j < 0 ? 0 : j) & (FRAME_RING - 1)];
		series[i] = ctx[i]->sb_db;
		lvl += ctx[i]->sb_pow;
		peak = series[i] > peak ? series[i] : peak;
	}
	for (int i = 1; i < m; i++) {
		const float a = ctx[i]->lag, b = ctx[i - 1]->lag;
		float d;

		if (ctx[i]->voicing < VOICED || ctx[i - 1]->voicing < VOICED)
			continue;
		d = fabsf(a - b) / (a > b ? a : b);
		gl += d > 0.006f && d <= 0.15f;
		gl2 += d > 0.015f && d <= 0.15f;
	}
	for (int i = first; i < first + r->frames; i++)
		own += ctx[i]->sb_pow;
	emod = modulation(s, series, m, 30.0f);
	lvl = db(lvl / m);
	ownloud = db(own / (r->frames > 0 ? r->frames : 1)) - peak;

	sc = (float)gl / m / 0.14f;       /* from 4 pairs of 50 */
	sc = fminf(sc, (float)gl2 / m / 0.06f); /* from 2 pairs */
	sc = fminf(sc, emod / 3.0f);
	sc = fminf(sc, 0.5f + (ownloud + 25.0f) / 20.0f);
	sc = fminf(sc, 0.5f + (lvl + 65.0f) / 20.0f);
	return sc < 0.0f ? 0.0f : sc > 1.0f ? 1.0f : sc;
}

/* Decides every step whose bridging look-ahead is complete. */
static void
decide_ready(struct speech *s)
{
	while (s->next_decide + GAP_STEPS < s->next_score) {
		const int64_t n = s->next_decide;
		const float sc = s->st[n & (STEP_RING - 1)].raw;
		bool active = sc >= 0.5f;

		if (!active) {
			int before = 0, after = 0;

			for (int g = 1; g <= GAP_STEPS && n - g >= 0; g++)
				if (s->st[(n - g) & (STEP_RING - 1)].raw >= 0.5f) {
					before = g;
					break;
				}
			for (int g = 1; g <= GAP_STEPS; g++)
				if (s->st[(n + g) & (STEP_RING - 1)].raw >= 0.5f) {
					after = g;
					break;
				}
			active = before > 0 && after > 0 && before + after - 1 <= GAP_STEPS;
		}
		push_decision(s, n, active, sc);
		s->next_decide++;
	}
}

/* Scores every step whose context is complete. */
static void
score_ready(struct speech *s)
{
	for (;;) {
		const int64_t n = s->next_score;
		const struct step_rec *r = &s->st[n & (STEP_RING - 1)];

		if (n >= s->open_step)
			break; /* frames of step n may still come */
		if (r->first_frame + r->frames / 2 + CTX_FRAMES >= s->frames_done)
			break;
		s->st[n & (STEP_RING - 1)].raw = score_step(s, n);
		s->next_score++;
	}
	decide_ready(s);
}

static void
new_frame(struct speech *s)
{
	const int64_t j = s->frames_done;
	/* centre of the frame in input frames: internal sample i is input
	 * time i*d + d - 1 - (taps-1)/2 */
	const double centre_int = (double)(j + 1) * s->hop - s->n / 2.0 - 0.5;
	const double centre = centre_int * s->d + (s->d - 1) - (s->taps - 1) / 2.0;
	int64_t step = centre < 0.0 ? 0 : (int64_t)floor(centre / s->step_frames);

	analyse_frame(s, &s->fr[j & (FRAME_RING - 1)]);
	s->frames_done++;
	if (step < s->open_step)
		step = s->open_step;
	while (s->open_step < step) {
		struct step_rec *r;

		s->open_step++;
		r = &s->st[s->open_step & (STEP_RING - 1)];
		r->first_frame = j;
		r->frames = 0;
		r->raw = 0.0f;
	}
	s->st[step & (STEP_RING - 1)].frames++;
	score_ready(s);
}

void
speech_process(struct speech *s, const float *restrict x, int frames)
{
	const int t1 = s->taps - 1, d = s->d;

	if (s->finished)
		return;
	while (frames > 0) {
		const int len = frames < CHUNK ? frames : CHUNK;
		float *hist = s->hist;
		int i;

		for (i = 0; i < len; i++) {
			float v = x[i];

			hist[t1 + i] = fabsf(v) <= INPUT_LIMIT ? v : 0.0f;
		}
		/* decimated samples fall after input frames with phase d - 1 */
		for (i = d - 1 - s->phase; i < len; i += d) {
			const float *w = hist + i;
			float acc = 0.0f;

			if (t1 == 0) {
				acc = w[0];
			} else {
				/* eight partial sums: vectorises without reassociation */
				float p[8] = { 0 };

				for (int t = 0; t <= t1; t += 8)
					for (int k = 0; k < 8; k++)
						p[k] += s->h[t + k] * w[t + k];
				acc = ((p[0] + p[4]) + (p[1] + p[5])) +
				    ((p[2] + p[6]) + (p[3] + p[7]));
			}
			s->ring[s->ring_pos] = acc;
			s->ring_pos = s->ring_pos + 1 == s->n ? 0 : s->ring_pos + 1;
			if (++s->since_hop == s->hop) {
				s->since_hop = 0;
				new_frame(s);
			}
		}
		s->phase = (s->phase + len) % d;
		memmove(hist, hist + len, sizeof *hist * (size_t)t1);
		s->in_frames += len;
		x += len;
		frames -= len;
	}
}

void
speech_finish(struct speech *s)
{
	int64_t left;

	if (s->finished)
		return;
	s->end_step = (int64_t)ceil((double)s->in_frames / s->step_frames - 1e-9);
	left = speech_step_first_frame(s, s->end_step + LATENCY_STEPS + 1) -
	    s->in_frames;
	while (left > 0) {
		int len = left < CHUNK ? (int)left : CHUNK;

		speech_process(s, zeros, len);
		left -= len;
	}
	s->finished = true;
}
