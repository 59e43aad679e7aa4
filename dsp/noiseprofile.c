/*
 * noiseprofile.c - learning a noise profile (contract in noiseprofile.h).
 */
#include "dsp/noiseprofile.h"
#include "dsp/stft.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_FRAMES 8   /* analysis frames per block of the stationarity test (~85 ms at 48 kHz) */
#define N_OCT 5          /* octave bands 250-500 ... 4k-8k */
#define TONAL_HALF 8     /* median over +-8 bins */
#define SILENCE_LIN 1e-10f

int
noise_profile_fft_size(int rate_hz)
{
	double oct;
	int n;

	if (rate_hz < NOISE_PROFILE_MIN_RATE || rate_hz > NOISE_PROFILE_MAX_RATE)
		return 0;
	oct = log2(2048.0 * rate_hz / 48000.0);
	n = 1 << (int)lround(oct);
	return n;
}

bool
noise_profile_compatible(const struct noise_profile *p, int rate_hz)
{
	if (p == NULL || p->rate_hz != rate_hz || p->fft_size != noise_profile_fft_size(rate_hz) ||
	    p->bins != p->fft_size / 2 + 1 || p->bins > NOISE_PROFILE_MAX_BINS)
		return false;
	for (int k = 0; k < p->bins; k++)
		if (!(p->power[k] >= 0.0f && p->power[k] < 1e30f))
			return false;
	return true;
}

static int
cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

/* Marks tonal bins of power[0..bins) (see the header). */
static void
find_tonal(const float *power, int bins, unsigned char *tonal)
{
	const float thr = (float)pow(10.0, NOISE_PROFILE_TONAL_DB / 10.0);
	float win[2 * TONAL_HALF + 1];

	memset(tonal, 0, (size_t)bins);
	for (int k = 1; k < bins - 1; k++) {
		int m = 0;

		if (!(power[k] >= power[k - 1] && power[k] >= power[k + 1]))
			continue;
		for (int j = k - TONAL_HALF; j <= k + TONAL_HALF; j++)
			if (j >= 1 && j < bins && j != k)
				win[m++] = power[j];
		qsort(win, (size_t)m, sizeof win[0], cmp_float);
		if (power[k] >= thr * win[m / 2] && power[k] > 0.0f) {
			tonal[k - 1] = 1;
			tonal[k] = 1;
			tonal[k + 1] = 1;
		}
	}
}

int
noise_profile_learn(const float *const *chans, int channels, long frames, int rate_hz,
    struct noise_profile *out, const char **why)
{
	static const char *const e_args = "noise profile: bad arguments (channels 1..16, rate 8000..192000 Hz)";
	static const char *const e_short = "selection too short to learn a noise profile from: at least 250 ms of room tone needed";
	static const char *const e_silence = "no room tone: the selection is digital silence";
	static const char *const e_shape = "no room tone: the selection's spectrum changes like speech or effects, not like steady room tone; select a pause with only room tone";
	static const char *const e_range = "no room tone: the selection's level jumps by more than 20 dB (speech, a burst or an effect in it); select a pause with only room tone";
	static const char *const e_nomem = "noise profile: out of memory";
	const char *dummy;
	const int n = noise_profile_fft_size(rate_hz);
	struct stft *s = NULL;
	float (*spec)[2] = NULL;
	double *acc = NULL;
	float *blk = NULL, *lev = NULL;
	struct noise_profile *p = NULL;
	long nfr, nblk_ch, nblk = 0;
	int hop, bins, rc = DSP_ERR_INVALID;
	int oct_lo[N_OCT], oct_hi[N_OCT], n_oct = 0, sb_lo, sb_hi;
	double total = 0.0;
	float peak = 0.0f;

	if (why == NULL)
		why = &dummy;
	*why = e_args;
	if (chans == NULL || out == NULL || channels < 1 || channels > DSP_MAX_CHANNELS || n == 0 ||
	    frames < 0)
		return DSP_ERR_INVALID;
	for (int c = 0; c < channels; c++)
		if (chans[c] == NULL)
			return DSP_ERR_INVALID;
	hop = n / 4;
	bins = n / 2 + 1;
	if (frames < (long)rate_hz * NOISE_PROFILE_MIN_MS / 1000 || frames < n) {
		*why = e_short;
		return DSP_ERR_INVALID;
	}
	for (int c = 0; c < channels; c++)
		for (long i = 0; i < frames; i++) {
			float a = fabsf(chans[c][i]);

			if (a == a && a > peak) /* NaN read as 0 */
				peak = a;
		}
	if (!(peak >= SILENCE_LIN)) {
		*why = e_silence;
		return DSP_ERR_INVALID;
	}

	*why = e_nomem;
	nfr = (frames - n) / hop + 1;
	nblk_ch = nfr / BLOCK_FRAMES;
	s = stft_create(1, n);
	spec = malloc(sizeof *spec * (size_t)bins);
	acc = calloc((size_t)bins, sizeof *acc);
	blk = calloc((size_t)(nblk_ch * channels + 1) * (N_OCT + 1), sizeof *blk);
	lev = malloc(sizeof *lev * (size_t)(nblk_ch * channels + 1));
	p = calloc(1, sizeof *p);
	if (s == NULL || spec == NULL || acc == NULL || blk == NULL || lev == NULL || p == NULL)
		goto done;

	for (int b = 0; b < N_OCT; b++) {
		double lo = 250.0 * (1 << b), hi = 2.0 * lo;

		if (hi > 0.5 * rate_hz)
			break;
		oct_lo[n_oct] = (int)lround(lo * n / rate_hz);
		oct_hi[n_oct] = (int)lround(hi * n / rate_hz);
		if (oct_lo[n_oct] < 1)
			oct_lo[n_oct] = 1;
		if (oct_hi[n_oct] > oct_lo[n_oct])
			n_oct++;
	}
	sb_lo = (int)lround(300.0 * n / rate_hz);
	sb_hi = (int)lround(4000.0 * n / rate_hz);
	if (sb_hi > bins - 1)
		sb_hi = bins - 1;
	if (sb_lo < 1)
		sb_lo = 1;

	for (int c = 0; c < channels; c++) {
		for (long f = 0; f < nfr; f++) {
			long b = f / BLOCK_FRAMES;
			float *row = blk + (nblk + (b < nblk_ch ? b : nblk_ch)) * (N_OCT + 1);

			stft_analyse(s, chans[c] + f * hop, spec);
			for (int k = 0; k < bins; k++) {
				double pw = (double)spec[k][0] * spec[k][0] + (double)spec[k][1] * spec[k][1];

				acc[k] += pw;
				total += pw;
			}
			for (int o = 0; o < n_oct; o++)
				for (int k = oct_lo[o]; k < oct_hi[o]; k++)
					row[o] += spec[k][0] * spec[k][0] + spec[k][1] * spec[k][1];
			for (int k = sb_lo; k < sb_hi; k++)
				row[N_OCT] += spec[k][0] * spec[k][0] + spec[k][1] * spec[k][1];
		}
		nblk += nblk_ch;
	}

	/* stationarity of shape: per band, std over blocks of (band dB - block mean dB) */
	if (nblk >= 2 && n_oct >= 2) {
		double shape = 0.0;

		for (int o = 0; o < n_oct; o++) {
			double m1 = 0.0, m2 = 0.0;

			for (long b = 0; b < nblk; b++) {
				const float *row = blk + b * (N_OCT + 1);
				double mean = 0.0, d;

				for (int q = 0; q < n_oct; q++)
					mean += 10.0 * log10(row[q] + 1e-30);
				mean /= n_oct;
				d = 10.0 * log10(row[o] + 1e-30) - mean;
				m1 += d;
				m2 += d * d;
			}
			m1 /= (double)nblk;
			m2 = m2 / (double)nblk - m1 * m1;
			shape += sqrt(m2 > 0.0 ? m2 : 0.0);
		}
		shape /= n_oct;
		if (shape > NOISE_PROFILE_MAX_SHAPE_DB) {
			*why = e_shape;
			goto done;
		}
	}
	if (nblk >= 2) {
		for (long b = 0; b < nblk; b++)
			lev[b] = (float)(10.0 * log10(blk[b * (N_OCT + 1) + N_OCT] + 1e-30));
		qsort(lev, (size_t)nblk, sizeof lev[0], cmp_float);
		if (lev[(long)(0.95 * (nblk - 1) + 0.5)] - lev[(long)(0.05 * (nblk - 1) + 0.5)] >
		    NOISE_PROFILE_MAX_RANGE_DB) {
			*why = e_range;
			goto done;
		}
	}

	p->rate_hz = rate_hz;
	p->fft_size = n;
	p->bins = bins;
	p->frames = (int)(nfr * channels);
	for (int k = 0; k < bins; k++)
		p->power[k] = (float)(acc[k] / (double)(nfr * channels));
	/* mean bin power over all bins / (sum w^2 * n/2) ~ mean square */
	p->level_db = (float)(10.0 * log10(total / (double)(nfr * channels) /
	    (stft_window_power(s) * n * 0.5) + 1e-30));
	find_tonal(p->power, bins, p->tonal);
	*out = *p;
	*why = NULL;
	rc = 0;
done:
	stft_destroy(s);
	free(spec);
	free(acc);
	free(blk);
	free(lev);
	free(p);
	return rc;
}
