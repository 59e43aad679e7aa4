/*
 * stft.c - streaming STFT with perfect reconstruction (contract in stft.h).
 *
 * Per channel: in[] holds the last n input frames (the next hop is written
 * at in[n - hop + c], c = frames of the current hop so far), acc[] the
 * overlap-add accumulator, outq[] the hop of output that the last frame
 * completed. When the hop's last input arrives the frame is computed and
 * that same input frame's output is outq[0] of the new frame; the c-th
 * input (0-based) of a hop that does not complete it outputs outq[c + 1]
 * of the previous frame. That makes the latency n - 1 for every frame.
 */
#include "dsp/stft.h"

#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct stft_chan {
	float *in;   /* n */
	float *acc;  /* n */
	float *outq; /* hop */
};

struct stft {
	int channels, n, hop, bins;
	int c;                  /* input frames of the current hop so far, 0..hop-1 */
	long long frame;        /* frames computed since reset */
	float *win;             /* analysis window */
	float *syn;             /* synthesis window, including 1/n and the overlap sum */
	double win_power;
	float *tbuf;            /* n, FFTW-aligned */
	fftwf_complex *spec;    /* bins, FFTW-aligned */
	fftwf_plan fwd, inv;
	struct stft_chan ch[DSP_MAX_CHANNELS];
};

static void
sanitise(float *dst, const float *src, int m)
{
	for (int i = 0; i < m; i++) {
		float x = src[i];

		x = x - x == 0.0f ? x : 0.0f;  /* NaN and +-inf: x - x is NaN */
		x = x > 1e4f ? 1e4f : x;
		x = x < -1e4f ? -1e4f : x;
		x = fabsf(x) < 1e-25f ? 0.0f : x;
		dst[i] = x;
	}
}

struct stft *
stft_create(int channels, int n)
{
	struct stft *s;
	double sum;

	if (channels < 1 || channels > DSP_MAX_CHANNELS || n < STFT_MIN_SIZE ||
	    n > STFT_MAX_SIZE || (n & (n - 1)) != 0)
		return NULL;
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return NULL;
	s->channels = channels;
	s->n = n;
	s->hop = n / 4;
	s->bins = n / 2 + 1;
	s->win = fftwf_alloc_real((size_t)n);
	s->syn = fftwf_alloc_real((size_t)n);
	s->tbuf = fftwf_alloc_real((size_t)n);
	s->spec = fftwf_alloc_complex((size_t)s->bins);
	if (s->win == NULL || s->syn == NULL || s->tbuf == NULL || s->spec == NULL)
		goto fail;
	for (int k = 0; k < channels; k++) {
		s->ch[k].in = fftwf_alloc_real((size_t)n);
		s->ch[k].acc = fftwf_alloc_real((size_t)n);
		s->ch[k].outq = fftwf_alloc_real((size_t)s->hop);
		if (s->ch[k].in == NULL || s->ch[k].acc == NULL || s->ch[k].outq == NULL)
			goto fail;
	}
	s->win_power = 0.0;
	for (int i = 0; i < n; i++) {
		double w = sqrt(0.5 - 0.5 * cos(2.0 * M_PI * i / n));

		s->win[i] = (float)w;
		s->win_power += w * w;
	}
	/* sum over the four overlapping frames of w^2 is 2 for every sample;
	 * computed rather than assumed, at sample 0 */
	sum = 0.0;
	for (int j = 0; j < 4; j++)
		sum += (double)s->win[j * s->hop] * s->win[j * s->hop];
	for (int i = 0; i < n; i++)
		s->syn[i] = (float)(s->win[i] / (sum * n));
	s->fwd = fftwf_plan_dft_r2c_1d(n, s->tbuf, s->spec, FFTW_ESTIMATE);
	s->inv = fftwf_plan_dft_c2r_1d(n, s->spec, s->tbuf, FFTW_ESTIMATE);
	if (s->fwd == NULL || s->inv == NULL)
		goto fail;
	stft_reset(s);
	return s;
fail:
	stft_destroy(s);
	return NULL;
}

void
stft_destroy(struct stft *s)
{
	if (s == NULL)
		return;
	if (s->fwd != NULL)
		fftwf_destroy_plan(s->fwd);
	if (s->inv != NULL)
		fftwf_destroy_plan(s->inv);
	for (int k = 0; k < DSP_MAX_CHANNELS; k++) {
		fftwf_free(s->ch[k].in);
		fftwf_free(s->ch[k].acc);
		fftwf_free(s->ch[k].outq);
	}
	fftwf_free(s->win);
	fftwf_free(s->syn);
	fftwf_free(s->tbuf);
	fftwf_free(s->spec);
	free(s);
}

void
stft_reset(struct stft *s)
{
	for (int k = 0; k < s->channels; k++) {
		memset(s->ch[k].in, 0, sizeof(float) * (size_t)s->n);
		memset(s->ch[k].acc, 0, sizeof(float) * (size_t)s->n);
		memset(s->ch[k].outq, 0, sizeof(float) * (size_t)s->hop);
	}
	s->c = 0;
	s->frame = 0;
}

int stft_size(const struct stft *s) { return s->n; }
int stft_hop(const struct stft *s) { return s->hop; }
int stft_latency(const struct stft *s) { return s->n - 1; }
const float *stft_window(const struct stft *s) { return s->win; }
double stft_window_power(const struct stft *s) { return s->win_power; }

void
stft_analyse(struct stft *s, const float *x, float (*spec)[2])
{
	sanitise(s->tbuf, x, s->n);
	for (int i = 0; i < s->n; i++)
		s->tbuf[i] *= s->win[i];
	fftwf_execute_dft_r2c(s->fwd, s->tbuf, s->spec);
	memcpy(spec, s->spec, sizeof(fftwf_complex) * (size_t)s->bins);
}

static void
run_frame(struct stft *s, int k, stft_frame_fn fn, void *ctx)
{
	struct stft_chan *c = &s->ch[k];
	const int n = s->n, hop = s->hop;
	float *restrict t = s->tbuf, *restrict acc = c->acc;
	const float *restrict in = c->in, *restrict w = s->win, *restrict sy = s->syn;

	for (int i = 0; i < n; i++)
		t[i] = in[i] * w[i];
	fftwf_execute_dft_r2c(s->fwd, t, s->spec);
	if (fn != NULL)
		fn(ctx, k, s->frame, s->spec, s->bins);
	fftwf_execute_dft_c2r(s->inv, s->spec, t);
	for (int i = 0; i < n; i++)
		acc[i] += t[i] * sy[i];
	memcpy(c->outq, acc, sizeof(float) * (size_t)hop);
	memmove(acc, acc + hop, sizeof(float) * (size_t)(n - hop));
	memset(acc + n - hop, 0, sizeof(float) * (size_t)hop);
	memmove(c->in, c->in + hop, sizeof(float) * (size_t)(n - hop));
}

void
stft_process(struct stft *s, float *const *buf, int frames, stft_frame_fn fn, void *ctx)
{
	int done = 0;

	while (done < frames) {
		int m = s->hop - s->c;
		bool trigger;

		if (m > frames - done)
			m = frames - done;
		trigger = s->c + m == s->hop;
		for (int k = 0; k < s->channels; k++) {
			struct stft_chan *c = &s->ch[k];
			float *x = buf[k] + done;
			int plain = trigger ? m - 1 : m;

			sanitise(c->in + s->n - s->hop + s->c, x, m);
			memcpy(x, c->outq + s->c + 1, sizeof(float) * (size_t)plain);
			if (trigger) {
				run_frame(s, k, fn, ctx);
				x[m - 1] = c->outq[0];
			}
		}
		if (trigger) {
			s->frame++;
			s->c = 0;
		} else {
			s->c += m;
		}
		done += m;
	}
}
