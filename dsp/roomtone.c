/*
 * roomtone.c - random-phase spectral synthesis (contract in roomtone.h).
 *
 * Scale. For white noise of variance s2 the analysis of stft.h gives
 * P_k = s2 * sum(w^2) = s2 n / 2. A c2r frame of independent bins with
 * E|X_k|^2 = Q_k has variance about 2 sum_k Q_k (the mirrored half), the
 * synthesis window w / (2 n) and the four overlapping frames scale it by
 * sum_j w^2 / (2 n)^2 = 1 / (2 n^2). With Q_k = c P_k that is c s2 / 4:
 * c = 4 gives the input's variance back, bin by bin for coloured noise.
 */
#include "dsp/roomtone.h"

#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct rt_chan {
	float *acc;      /* n: overlap-add accumulator */
	float *outq;     /* hop: finished frames */
	uint64_t rng;
};

struct roomtone {
	int channels, n, hop, bins;
	int pos;                 /* frames of outq already handed out, 0..hop */
	uint64_t seed;
	float *amp;              /* bins: sqrt(4 P_k / 2), the std of each part */
	float *syn;              /* n */
	float *tbuf;
	fftwf_complex *spec;
	fftwf_plan inv;
	struct rt_chan ch[DSP_MAX_CHANNELS];
};

static uint64_t
xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* uniform in (0, 1) */
static double
unit(uint64_t *s)
{
	return ((double)(xorshift(s) >> 11) + 0.5) / 9007199254740992.0;
}

struct roomtone *
roomtone_create(int channels, int rate_hz, const struct noise_profile *p, uint64_t seed)
{
	struct roomtone *r;

	if (channels < 1 || channels > DSP_MAX_CHANNELS || !noise_profile_compatible(p, rate_hz))
		return NULL;
	r = calloc(1, sizeof *r);
	if (r == NULL)
		return NULL;
	r->channels = channels;
	r->n = p->fft_size;
	r->hop = r->n / 4;
	r->bins = p->bins;
	r->seed = seed;
	r->amp = malloc(sizeof(float) * (size_t)r->bins);
	r->syn = malloc(sizeof(float) * (size_t)r->n);
	r->tbuf = fftwf_alloc_real((size_t)r->n);
	r->spec = fftwf_alloc_complex((size_t)r->bins);
	if (r->amp == NULL || r->syn == NULL || r->tbuf == NULL || r->spec == NULL)
		goto fail;
	for (int c = 0; c < channels; c++) {
		r->ch[c].acc = malloc(sizeof(float) * (size_t)r->n);
		r->ch[c].outq = malloc(sizeof(float) * (size_t)r->hop);
		if (r->ch[c].acc == NULL || r->ch[c].outq == NULL)
			goto fail;
	}
	for (int k = 0; k < r->bins; k++)
		r->amp[k] = (float)sqrt(2.0 * p->power[k]);
	for (int i = 0; i < r->n; i++)
		r->syn[i] = (float)(sqrt(0.5 - 0.5 * cos(2.0 * M_PI * i / r->n)) / (2.0 * r->n));
	r->inv = fftwf_plan_dft_c2r_1d(r->n, r->spec, r->tbuf, FFTW_ESTIMATE);
	if (r->inv == NULL)
		goto fail;
	roomtone_reset(r);
	return r;
fail:
	roomtone_destroy(r);
	return NULL;
}

void
roomtone_destroy(struct roomtone *r)
{
	if (r == NULL)
		return;
	if (r->inv != NULL)
		fftwf_destroy_plan(r->inv);
	for (int c = 0; c < DSP_MAX_CHANNELS; c++) {
		free(r->ch[c].acc);
		free(r->ch[c].outq);
	}
	free(r->amp);
	free(r->syn);
	fftwf_free(r->tbuf);
	fftwf_free(r->spec);
	free(r);
}

static void
synth_frame(struct roomtone *r, int c)
{
	struct rt_chan *h = &r->ch[c];

	/* Box-Muller: two independent normals per bin, re and im */
	for (int k = 0; k < r->bins; k++) {
		double u1 = unit(&h->rng), u2 = unit(&h->rng);
		double m = sqrt(-2.0 * log(u1)), a = 2.0 * M_PI * u2;

		r->spec[k][0] = (float)(r->amp[k] * m * cos(a));
		r->spec[k][1] = (float)(r->amp[k] * m * sin(a));
	}
	/* DC and Nyquist are real: their variance is 2 P, not 4 P, twice
	 * counted in the mirror: keep the real part scaled by sqrt 2 */
	r->spec[0][0] *= (float)M_SQRT2;
	r->spec[0][1] = 0.0f;
	r->spec[r->bins - 1][0] *= (float)M_SQRT2;
	r->spec[r->bins - 1][1] = 0.0f;
	fftwf_execute_dft_c2r(r->inv, r->spec, r->tbuf);
	for (int i = 0; i < r->n; i++)
		h->acc[i] += r->tbuf[i] * r->syn[i];
	memcpy(h->outq, h->acc, sizeof(float) * (size_t)r->hop);
	memmove(h->acc, h->acc + r->hop, sizeof(float) * (size_t)(r->n - r->hop));
	memset(h->acc + r->n - r->hop, 0, sizeof(float) * (size_t)r->hop);
}

void
roomtone_reset(struct roomtone *r)
{
	for (int c = 0; c < r->channels; c++) {
		struct rt_chan *h = &r->ch[c];
		uint64_t s = r->seed ^ (0x9e3779b97f4a7c15ull * (uint64_t)(c + 1));

		h->rng = s != 0 ? s : 0x853c49e6748fea9bull;
		memset(h->acc, 0, sizeof(float) * (size_t)r->n);
		/* prime the overlap-add so the first frame out is at full level */
		for (int j = 0; j < 3; j++)
			synth_frame(r, c);
	}
	r->pos = r->hop; /* outq used up: the next frame is synthesised first */
}

void
roomtone_generate(struct roomtone *r, float *const *out, int frames)
{
	int done = 0;

	while (done < frames) {
		int m;

		if (r->pos == r->hop) {
			for (int c = 0; c < r->channels; c++)
				synth_frame(r, c);
			r->pos = 0;
		}
		m = r->hop - r->pos;
		if (m > frames - done)
			m = frames - done;
		for (int c = 0; c < r->channels; c++)
			memcpy(out[c] + done, r->ch[c].outq + r->pos, sizeof(float) * (size_t)m);
		r->pos += m;
		done += m;
	}
}

int
roomtone_fill(struct roomtone *r, float *const *buf, int channels, long frames,
    long gap_start, long gap_len, int xfade_frames)
{
	long g0 = gap_start, g1 = gap_start + gap_len, len, x;
	float *tone[DSP_MAX_CHANNELS];
	int rc = DSP_ERR_INVALID;

	if (r == NULL || buf == NULL || channels != r->channels || frames < 0 || gap_len < 0 ||
	    xfade_frames < 0)
		return DSP_ERR_INVALID;
	for (int c = 0; c < channels; c++)
		if (buf[c] == NULL)
			return DSP_ERR_INVALID;
	g0 = g0 < 0 ? 0 : g0 > frames ? frames : g0;
	g1 = g1 < 0 ? 0 : g1 > frames ? frames : g1;
	len = g1 - g0;
	if (len <= 0)
		return 0;
	x = xfade_frames < len / 2 ? xfade_frames : len / 2;
	memset(tone, 0, sizeof tone);
	for (int c = 0; c < channels; c++)
		if ((tone[c] = malloc(sizeof(float) * (size_t)len)) == NULL)
			goto done;
	for (long i = 0; i < len; i += 65536) {
		float *o[DSP_MAX_CHANNELS];
		int m = len - i < 65536 ? (int)(len - i) : 65536;

		for (int c = 0; c < channels; c++)
			o[c] = tone[c] + i;
		roomtone_generate(r, o, m);
	}
	for (int c = 0; c < channels; c++) {
		float *b = buf[c] + g0;

		for (long i = 0; i < len; i++) {
			float v = tone[c][i];

			if (i < x) {
				double a = M_PI_2 * (i + 0.5) / x;

				v = (float)(b[i] * cos(a) + v * sin(a));
			} else if (i >= len - x) {
				double a = M_PI_2 * (i - (len - x) + 0.5) / x;

				v = (float)(v * cos(a) + b[i] * sin(a));
			}
			b[i] = v;
		}
	}
	rc = 0;
done:
	for (int c = 0; c < channels; c++)
		free(tone[c]);
	return rc;
}
