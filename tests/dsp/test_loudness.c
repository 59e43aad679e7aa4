/*
 * The loudness meter (dsp/loudness.h) and the true-peak interpolators
 * (dsp/truepeak.h):
 *
 *   - every row of the EBU test set's expected.tsv (Tech 3341 / 3342)
 *     within its tolerance, the 12 synthetic files rebuilt by the set's
 *     regenerate.sh into this test's folder; the corpus comes from
 *     DUBSTAGE_CORPUS and its absence is a failure, not a skip; a table
 *     of the largest deviation per quantity is printed;
 *   - integrated loudness against libebur128 (loaded with dlopen, so the
 *     test links nothing new; its absence is a failure) on every corpus
 *     file and on synthetic 5.1 / 7.1 signals at 44.1, 48, 96, 192 kHz;
 *   - K-weighting: the design reproduces BS.1770's 48 kHz coefficients and
 *     keeps the response at other rates; the float filter against a double
 *     reference (low tones at 192 kHz are float's worst case);
 *   - the histograms against an exact gating of the same blocks and
 *     short-term values (I and LRA within 0.01 LU);
 *   - true peak: the fs/4 sine at 45 degrees (+3.01 dBTP, samples at 0
 *     dBFS), tones up to 0.45 fs and a wide-band burst against a
 *     brute-force reference, Annex 2 within its known error, the accurate
 *     mode within 0.05 dB, libebur128's reading printed for comparison;
 *     skipping is exact (same bits as computing every value);
 *   - channel weights (5.1 surround +1.5 dB, LFE ignored, 7.1 side vs rear,
 *     7.1.2 heights, explicit arrays), split and part invariance (memcmp),
 *     non-finite input, silence, reset, reset of maxima, speech gating
 *     (live flags, late flags, the 2-of-4 rule), invalid configs.
 */
#include "test.h"
#include "ebu_set.h"

#include <dlfcn.h>
#include <ebur128.h>
#include <pthread.h>
#include <sndfile.h>
#include <stdint.h>

#include "dsp/loudness.h"
#include "dsp/signals.h"
#include "dsp/truepeak.h"

#define MAXCH LOUDNESS_MAX_CHANNELS

/* ---- audio buffers ----------------------------------------------------- */

struct audio {
	int rate, channels;
	long frames;
	float *ch[MAXCH];
};

static void
audio_free(struct audio *a)
{
	for (int c = 0; c < MAXCH; c++) {
		free(a->ch[c]);
		a->ch[c] = NULL;
	}
}

static bool
audio_alloc(struct audio *a, int rate, int channels, long frames)
{
	memset(a, 0, sizeof *a);
	a->rate = rate;
	a->channels = channels;
	a->frames = frames;
	for (int c = 0; c < channels; c++)
		if ((a->ch[c] = calloc((size_t)frames + 1, sizeof(float))) == NULL)
			return false;
	return true;
}

static bool
audio_read(const char *path, struct audio *a)
{
	SF_INFO info;
	SNDFILE *f;
	float *buf;
	long pos = 0;

	memset(&info, 0, sizeof info);
	memset(a, 0, sizeof *a);
	if ((f = sf_open(path, SFM_READ, &info)) == NULL)
		return false;
	if (info.channels < 1 || info.channels > MAXCH ||
	    !audio_alloc(a, info.samplerate, info.channels, (long)info.frames) ||
	    (buf = malloc(sizeof(float) * 4096 * (size_t)info.channels)) == NULL) {
		sf_close(f);
		return false;
	}
	for (;;) {
		const sf_count_t n = sf_readf_float(f, buf, 4096);

		if (n <= 0)
			break;
		for (sf_count_t i = 0; i < n; i++)
			for (int c = 0; c < info.channels; c++)
				a->ch[c][pos + i] = buf[i * info.channels + c];
		pos += (long)n;
	}
	free(buf);
	sf_close(f);
	return pos == a->frames;
}

static void
planes_at(const struct audio *a, long pos, const float **out)
{
	for (int c = 0; c < a->channels; c++)
		out[c] = a->ch[c] + pos;
}

/* The usual layout for a channel count (5: L R C Ls Rs as the EBU's
 * case 6 file, custom weights). */
static void
config_for(struct loudness_config *cfg, int rate, int channels)
{
	switch (channels) {
	case 1:
		loudness_config_init(cfg, rate, 1, LOUDNESS_LAYOUT_MONO);
		break;
	case 2:
		loudness_config_init(cfg, rate, 2, LOUDNESS_LAYOUT_STEREO);
		break;
	case 6:
		loudness_config_init(cfg, rate, 6, LOUDNESS_LAYOUT_5_1);
		break;
	case 8:
		loudness_config_init(cfg, rate, 8, LOUDNESS_LAYOUT_7_1);
		break;
	default:
		loudness_config_init(cfg, rate, channels, LOUDNESS_LAYOUT_CUSTOM);
		if (channels == 5)
			cfg->weights[3] = cfg->weights[4] = LOUDNESS_WEIGHT_SURROUND;
		break;
	}
}

static struct loudness *
meter_new(const struct loudness_config *cfg)
{
	struct loudness *m = NULL;

	CHECK_INT_EQ(loudness_create(cfg, &m), 0);
	return m;
}

/* Whole-signal measurement in calls of `call` frames. */
static bool
measure_simple(const struct audio *a, const struct loudness_config *cfg,
    int call, struct loudness_result *r)
{
	struct loudness *m = meter_new(cfg);

	if (m == NULL)
		return false;
	for (long pos = 0; pos < a->frames; pos += call) {
		const float *p[MAXCH];
		const long n = a->frames - pos < call ? a->frames - pos : call;

		planes_at(a, pos, p);
		loudness_process(m, p, (int)n);
	}
	loudness_get(m, r);
	loudness_destroy(m);
	return true;
}

/* ---- libebur128 through dlopen ----------------------------------------- */

static struct {
	bool tried, ok;
	ebur128_state *(*init)(unsigned int, unsigned long, int);
	void (*destroy)(ebur128_state **);
	int (*add_float)(ebur128_state *, const float *, size_t);
	int (*global)(ebur128_state *, double *);
	int (*set_channel)(ebur128_state *, unsigned int, int);
	int (*true_peak)(ebur128_state *, unsigned int, double *);
} eb;

static bool
eb_load(void)
{
	void *h;

	if (eb.tried)
		return eb.ok;
	eb.tried = true;
	h = dlopen("libebur128.so.1", RTLD_NOW | RTLD_LOCAL);
	if (h == NULL)
		h = dlopen("libebur128.so", RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		TEST_FAIL_("libebur128 not loadable (%s): the cross-check cannot run; "
		    "install libebur128 (Debian: libebur128-1)", dlerror());
		return false;
	}
	*(void **)&eb.init = dlsym(h, "ebur128_init");
	*(void **)&eb.destroy = dlsym(h, "ebur128_destroy");
	*(void **)&eb.add_float = dlsym(h, "ebur128_add_frames_float");
	*(void **)&eb.global = dlsym(h, "ebur128_loudness_global");
	*(void **)&eb.set_channel = dlsym(h, "ebur128_set_channel");
	*(void **)&eb.true_peak = dlsym(h, "ebur128_true_peak");
	eb.ok = eb.init && eb.destroy && eb.add_float && eb.global &&
	    eb.set_channel && eb.true_peak;
	if (!eb.ok)
		TEST_FAIL_("libebur128 lacks a function the cross-check needs");
	return eb.ok;
}

/*
 * libebur128's integrated loudness (and largest true peak, dBTP, into
 * *tp_dbtp when not NULL) of a with the channel map `map` (NULL: its
 * default). NAN when it cannot run.
 */
static double
eb_measure(const struct audio *a, const int *map, double *tp_dbtp)
{
	ebur128_state *st;
	float *buf;
	double I = NAN, tp = 0.0;
	const int mode = EBUR128_MODE_I | (tp_dbtp ? EBUR128_MODE_TRUE_PEAK : 0);

	if (!eb_load())
		return NAN;
	st = eb.init((unsigned)a->channels, (unsigned long)a->rate, mode);
	buf = malloc(sizeof(float) * 4096 * (size_t)a->channels);
	if (st == NULL || buf == NULL) {
		free(buf);
		return NAN;
	}
	for (int c = 0; map != NULL && c < a->channels; c++)
		eb.set_channel(st, (unsigned)c, map[c]);
	for (long pos = 0; pos < a->frames; pos += 4096) {
		const long n = a->frames - pos < 4096 ? a->frames - pos : 4096;

		for (long i = 0; i < n; i++)
			for (int c = 0; c < a->channels; c++)
				buf[i * a->channels + c] = a->ch[c][pos + i];
		eb.add_float(st, buf, (size_t)n);
	}
	eb.global(st, &I);
	for (int c = 0; tp_dbtp != NULL && c < a->channels; c++) {
		double t = 0.0;

		eb.true_peak(st, (unsigned)c, &t);
		tp = t > tp ? t : tp;
	}
	if (tp_dbtp != NULL)
		*tp_dbtp = 20.0 * log10(tp);
	eb.destroy(&st);
	free(buf);
	return I;
}

/* ---- the EBU test set -------------------------------------------------- */

struct ebu_meas {
	double I, lra, m_max, s_max, tp, tp_acc;
	double m_lo, m_hi;    /* M over steps ending at >= 1 s */
	double s_lo, s_hi;    /* S over steps ending at >= 3 s */
	int nseg_m, nseg_s;
	double seg_m[32], seg_s[32];
};

/*
 * Measures a in 10 ms steps, reading M and S at every step. With
 * seg_frames > 0, takes the maxima and resets them every seg_frames (a
 * live meter's segments) into seg[].
 */
static void
ebu_pass(const struct audio *a, enum loudness_true_peak tp, long seg_frames,
    double *seg, int *nseg, struct ebu_meas *out)
{
	struct loudness_config cfg;
	struct loudness *m;
	struct loudness_result r;
	const long step = a->rate / 100;

	config_for(&cfg, a->rate, a->channels);
	cfg.true_peak = tp;
	if ((m = meter_new(&cfg)) == NULL)
		return;
	out->m_lo = out->s_lo = INFINITY;
	out->m_hi = out->s_hi = -INFINITY;
	*nseg = 0;
	for (long pos = 0; pos < a->frames;) {
		const long n = a->frames - pos < step ? a->frames - pos : step;
		const float *p[MAXCH];
		double M, S;

		planes_at(a, pos, p);
		loudness_process(m, p, (int)n);
		pos += n;
		loudness_get_live(m, &M, &S);
		if (pos % step == 0 && pos >= a->rate) {
			out->m_lo = fmin(out->m_lo, M);
			out->m_hi = fmax(out->m_hi, M);
		}
		if (pos % step == 0 && pos >= 3L * a->rate) {
			out->s_lo = fmin(out->s_lo, S);
			out->s_hi = fmax(out->s_hi, S);
		}
		if (seg_frames > 0 && pos % seg_frames == 0 && *nseg < 32) {
			loudness_get(m, &r);
			seg[(*nseg)++] = seg == out->seg_m ? r.momentary_max_lufs :
			    r.short_term_max_lufs;
			loudness_reset_max(m);
		}
	}
	loudness_get(m, &r);
	if (seg_frames == 0) {
		out->I = r.integrated_lufs;
		out->lra = r.lra_lu;
		out->m_max = r.momentary_max_lufs;
		out->s_max = r.short_term_max_lufs;
		if (tp == LOUDNESS_TP_ACCURATE)
			out->tp_acc = r.true_peak_dbtp;
		else
			out->tp = r.true_peak_dbtp;
	}
	loudness_destroy(m);
}

/* Largest deviation (measured - expected) per quantity, for the table. */
#define NQ 8
static const char *const q_names[NQ] = {
	"I", "M_max", "S_max", "M_const", "S_const", "S/M_max_seg", "TP_max", "LRA",
};
static double q_dev[NQ], q_dev_acc; /* q_dev_acc: TP_max in accurate mode */
static int q_rows[NQ];

static void
note_dev(int q, double dev)
{
	q_rows[q]++;
	if (fabs(dev) > fabs(q_dev[q]))
		q_dev[q] = dev;
}

static void
test_ebu_set(void)
{
	const char *corpus = ebu_corpus_dir(), *regen;
	char path[8192], line[1024], file[512] = "", quantity[64], last[512] = "";
	struct ebu_meas em;
	struct audio a;
	bool have = false;
	int rows = 0, rows_ok = 0, files_eb = 0;
	double eb_dev = 0.0;
	FILE *tsv;

	if (corpus == NULL)
		return;
	regen = ebu_regenerate(corpus);
	snprintf(path, sizeof path, "%s/expected.tsv", corpus);
	tsv = fopen(path, "r");
	REQUIRE(tsv != NULL);
	memset(&a, 0, sizeof a);
	while (fgets(line, sizeof line, tsv) != NULL) {
		double expect, tol_m, tol_p, v = NAN;
		int q = -1;

		if (ebu_row_parse(line, file, sizeof file, quantity, &expect,
		    &tol_m, &tol_p) != 1)
			continue;
		rows++;
		if (strcmp(file, last) != 0) {
			audio_free(&a);
			memset(&em, 0, sizeof em);
			have = false;
			snprintf(last, sizeof last, "%s", file);
			if (strncmp(file, "regenerated/", 12) == 0) {
				if (regen == NULL) {
					TEST_FAIL_("%s: not regenerated", file);
					continue;
				}
				snprintf(path, sizeof path, "%s/%s", regen, file);
			} else {
				snprintf(path, sizeof path, "%s/%s", corpus, file);
			}
			if (!audio_read(path, &a)) {
				TEST_FAIL_("%s: cannot read", path);
				continue;
			}
			have = true;
			ebu_pass(&a, LOUDNESS_TP_ANNEX2, 0, em.seg_s, &em.nseg_s, &em);
			ebu_pass(&a, LOUDNESS_TP_ACCURATE, 0, em.seg_s, &em.nseg_s, &em);
			ebu_pass(&a, LOUDNESS_TP_NONE, 6L * a.rate, em.seg_s, &em.nseg_s, &em);
			ebu_pass(&a, LOUDNESS_TP_NONE, (long)(0.8 * a.rate), em.seg_m,
			    &em.nseg_m, &em);
			/* the cross-check, wherever both have a value */
			if (isfinite(em.I)) {
				int map5[5] = { EBUR128_LEFT, EBUR128_RIGHT, EBUR128_CENTER,
				    EBUR128_LEFT_SURROUND, EBUR128_RIGHT_SURROUND };
				const double ei = eb_measure(&a, a.channels == 5 ? map5 : NULL,
				    NULL);

				if (isfinite(ei)) {
					files_eb++;
					if (fabs(em.I - ei) > fabs(eb_dev))
						eb_dev = em.I - ei;
					if (!(fabs(em.I - ei) <= 0.05))
						TEST_FAIL_("%s: I %.4f vs libebur128 %.4f", file,
						    em.I, ei);
				}
			}
		}
		if (!have)
			continue;
		if (strcmp(quantity, "I") == 0) {
			q = 0;
			v = em.I;
		} else if (strcmp(quantity, "M_max") == 0) {
			q = 1;
			v = em.m_max;
		} else if (strcmp(quantity, "S_max") == 0) {
			q = 2;
			v = em.s_max;
		} else if (strcmp(quantity, "LRA") == 0) {
			q = 7;
			v = em.lra;
		} else if (strcmp(quantity, "TP_max") == 0) {
			q = 6;
			v = em.tp;
			if (fabs(em.tp_acc - expect) > fabs(q_dev_acc))
				q_dev_acc = em.tp_acc - expect;
			if (!within(em.tp_acc, expect, tol_m, tol_p))
				TEST_FAIL_("%s TP_max (accurate mode): %.3f, expected %.1f "
				    "-%.1f/+%.1f", file, em.tp_acc, expect, tol_m, tol_p);
		} else if (strcmp(quantity, "M_const_after_1s") == 0 ||
		    strcmp(quantity, "S_const_after_3s") == 0) {
			const bool isM = quantity[0] == 'M';
			const double lo = isM ? em.m_lo : em.s_lo, hi = isM ? em.m_hi : em.s_hi;

			q = isM ? 3 : 4;
			/* both ends of the range must be inside */
			v = fabs(lo - expect) > fabs(hi - expect) ? lo : hi;
			if (!within(lo, expect, tol_m, tol_p))
				v = lo;
		} else if (strncmp(quantity, "S_max_seg", 9) == 0 ||
		    strncmp(quantity, "M_max_seg", 9) == 0) {
			const int seg = atoi(quantity + 9);
			const bool isM = quantity[0] == 'M';
			const int n = isM ? em.nseg_m : em.nseg_s;

			q = 5;
			if (seg >= 1 && seg <= n)
				v = isM ? em.seg_m[seg - 1] : em.seg_s[seg - 1];
		} else {
			TEST_FAIL_("expected.tsv: unknown quantity %s", quantity);
			continue;
		}
		note_dev(q, v - expect);
		if (within(v, expect, tol_m, tol_p)) {
			rows_ok++;
			test_passed_count++;
		} else {
			TEST_FAIL_("%s %s: %.4f, expected %.4f -%.2f/+%.2f", file,
			    quantity, v, expect, tol_m, tol_p);
		}
	}
	fclose(tsv);
	audio_free(&a);
	CHECK_INT_EQ(rows, 109); /* the whole table was read */
	printf("EBU set: %d of %d rows within tolerance\n", rows_ok, rows);
	printf("  %-12s %5s %10s\n", "quantity", "rows", "max dev");
	for (int q = 0; q < NQ; q++)
		printf("  %-12s %5d %+10.4f\n", q_names[q], q_rows[q], q_dev[q]);
	printf("  %-12s %5d %+10.4f  (accurate true-peak mode)\n", "TP_max",
	    q_rows[6], q_dev_acc);
	printf("  I vs libebur128 on %d files: max difference %+.4f LU\n",
	    files_eb, eb_dev);
	CHECK(files_eb >= 60);
}

/* ---- synthetic signals ------------------------------------------------- */

static uint64_t rng = 0x2545f4914f6cdd1dull;

/*
 * A programme-like multichannel test signal: per channel, noise through a
 * one-pole low-pass (colour differs by channel), a low tone (35 Hz) and a
 * high one (min(15 kHz, 0.4 fs)), with the level stepping every 2.5 s
 * through a pattern including quiet passages (so both gates matter).
 * LFE (when lfe >= 0) gets low-passed noise only.
 */
static bool
make_programme(struct audio *a, int rate, int channels, double seconds, int lfe)
{
	static const double steps_db[8] = { -20, -26, -18, -45, -30, -22, -75, -24 };
	const long n = (long)(seconds * rate);
	const double fhi = fmin(15000.0, 0.4 * rate);

	if (!audio_alloc(a, rate, channels, n))
		return false;
	for (int c = 0; c < channels; c++) {
		const double pole = exp(-2.0 * M_PI * (300.0 + 2000.0 * c) / rate);
		double lp = 0.0;

		double lvl = 0.0;

		for (long i = 0; i < n; i++) {
			const double t = (double)i / rate;
			double v;

			if (i % (rate * 5 / 2) == 0)
				lvl = pow(10.0, (steps_db[(i / (rate * 5 / 2) + c) % 8] -
				    1.5 * c) / 20.0);

			lp = pole * lp + (1.0 - pole) * rand_signed(&rng);
			if (c == lfe)
				v = 3.0 * lp;
			else
				v = 0.5 * rand_signed(&rng) * (c % 2 ? 0.3 : 1.0) + 2.0 * lp +
				    0.4 * sin(2 * M_PI * 35.0 * t + c) +
				    0.2 * sin(2 * M_PI * fhi * t + 0.3 * c);
			a->ch[c][i] = (float)(lvl * v);
		}
	}
	return true;
}

static void
test_vs_libebur128_synthetic(void)
{
	static const int rates[4] = { 44100, 48000, 96000, 192000 };
	/* libebur128 maps for 5.1 and 7.1 (its default leaves 7.1's sides out) */
	const int map51[6] = { EBUR128_LEFT, EBUR128_RIGHT, EBUR128_CENTER,
	    EBUR128_UNUSED, EBUR128_Mp110, EBUR128_Mm110 };
	const int map71[8] = { EBUR128_LEFT, EBUR128_RIGHT, EBUR128_CENTER,
	    EBUR128_UNUSED, EBUR128_Mp090, EBUR128_Mm090, EBUR128_Mp135,
	    EBUR128_Mm135 };
	double worst = 0.0;

	for (int ri = 0; ri < 4; ri++)
		for (int lay = 0; lay < 3; lay++) {
			const int channels = lay == 0 ? 2 : lay == 1 ? 6 : 8;
			struct audio a;
			struct loudness_config cfg;
			struct loudness_result r;
			double ei;

			if (!make_programme(&a, rates[ri], channels, 25.0,
			    channels > 2 ? 3 : -1)) {
				TEST_FAIL_("out of memory");
				audio_free(&a);
				return;
			}
			config_for(&cfg, rates[ri], channels);
			cfg.true_peak = LOUDNESS_TP_NONE;
			measure_simple(&a, &cfg, 3000, &r);
			ei = eb_measure(&a, channels == 6 ? map51 : channels == 8 ? map71 :
			    NULL, NULL);
			if (fabs(r.integrated_lufs - ei) > fabs(worst))
				worst = r.integrated_lufs - ei;
			if (!(fabs(r.integrated_lufs - ei) <= 0.05))
				TEST_FAIL_("%d Hz, %d ch: I %.4f vs libebur128 %.4f",
				    rates[ri], channels, r.integrated_lufs, ei);
			else
				test_passed_count++;
			CHECK(r.integrated_lufs > -40.0 && r.integrated_lufs < -10.0);
			audio_free(&a);
		}
	printf("I vs libebur128, synthetic 2.0/5.1/7.1 at 44.1-192 kHz: max "
	    "difference %+.4f LU\n", worst);
}

/* ---- K-weighting ------------------------------------------------------- */

static double
response_db(const double b[2][3], const double a[2][3], double f, double rate)
{
	const double w = 2.0 * M_PI * f / rate;
	double re = 1.0, im = 0.0;

	for (int s = 0; s < 2; s++) {
		double nr = 0, ni = 0, dr = 0, di = 0, r2, i2, d2;

		for (int k = 0; k < 3; k++) {
			nr += b[s][k] * cos(k * w);
			ni -= b[s][k] * sin(k * w);
			dr += a[s][k] * cos(k * w);
			di -= a[s][k] * sin(k * w);
		}
		d2 = dr * dr + di * di;
		r2 = (nr * dr + ni * di) / d2;
		i2 = (ni * dr - nr * di) / d2;
		d2 = re * r2 - im * i2;
		im = re * i2 + im * r2;
		re = d2;
	}
	return 10.0 * log10(re * re + im * im);
}

static void
test_kweighting_design(void)
{
	static const double spec_b[2][3] = {
		{ 1.53512485958697, -2.69169618940638, 1.19839281085285 },
		{ 1.0, -2.0, 1.0 } };
	static const double spec_a[2][3] = {
		{ 1.0, -1.69065929318241, 0.73248077421585 },
		{ 1.0, -1.99004745483398, 0.99007225036621 } };
	static const double rates[5] = { 44100, 88200, 96000, 176400, 192000 };
	double b[2][3], a[2][3], worst = 0.0;

	REQUIRE(loudness_kweighting_design(48000, b, a) == 0);
	for (int s = 0; s < 2; s++)
		for (int k = 0; k < 3; k++) {
			CHECK_NEAR(b[s][k], spec_b[s][k], 1e-12);
			CHECK_NEAR(a[s][k], spec_a[s][k], 1e-12);
		}
	/* 1 kHz: the 0.691 of the loudness formula is this gain */
	CHECK_NEAR(response_db(b, a, 1000.0, 48000), 0.6977, 0.0005);
	for (int ri = 0; ri < 5; ri++) {
		double br[2][3], ar[2][3];

		REQUIRE(loudness_kweighting_design(rates[ri], br, ar) == 0);
		/* same response as at 48 kHz where it matters (the bilinear
		 * transform's warping moves the top octave a little) */
		for (double f = 10.0; f <= 16000.0; f *= 1.1) {
			const double d = response_db(br, ar, f, rates[ri]) -
			    response_db(b, a, f, 48000);

			if (f <= 10000.0 && fabs(d) > fabs(worst))
				worst = d;
			if (!(fabs(d) <= (f <= 10000.0 ? 0.02 : 0.1)))
				TEST_FAIL_("%g Hz: %g Hz response differs by %.4f dB",
				    rates[ri], f, d);
		}
		CHECK_NEAR(response_db(br, ar, 1000.0, rates[ri]),
		    response_db(b, a, 1000.0, 48000), 0.01);
	}
	printf("K-weighting at 44.1-192 kHz vs 48 kHz, 10 Hz-10 kHz: max %.4f dB\n",
	    worst);
	CHECK(loudness_kweighting_design(100.0, b, a) == DSP_ERR_INVALID);
}

/*
 * The float K-weighting against a double direct-form reference: M over
 * a 400 ms window of a signal rich in low tones, at 44.1-192 kHz.
 */
static void
test_kweighting_precision(void)
{
	static const int rates[4] = { 44100, 48000, 96000, 192000 };
	static const double tones[4] = { 20.0, 38.0, 60.0, 1000.0 };
	double worst = 0.0;

	for (int ri = 0; ri < 4; ri++)
		for (int ti = 0; ti <= 4; ti++) {
			const int rate = rates[ri];
			const long n = 3L * rate;
			struct audio a;
			struct loudness_config cfg;
			struct loudness *m;
			double b[2][3], ac[2][3], st[2][4] = { { 0 } }, sum = 0.0, M, S;
			const long w0 = n - (long)(0.4 * rate);

			if (!audio_alloc(&a, rate, 1, n))
				return;
			for (long i = 0; i < n; i++)
				a.ch[0][i] = ti < 4 ?
				    (float)(0.5 * sin(2.0 * M_PI * tones[ti] * i / rate + 0.2)) :
				    (float)(0.3 * rand_signed(&rng) +
				    0.3 * sin(2.0 * M_PI * 25.0 * i / rate));
			loudness_kweighting_design(rate, b, ac);
			for (long i = 0; i < n; i++) {
				double x = a.ch[0][i];

				for (int s = 0; s < 2; s++) {
					/* direct form I in double: x1 x2 y1 y2 */
					const double y = b[s][0] * x + b[s][1] * st[s][0] +
					    b[s][2] * st[s][1] - ac[s][1] * st[s][2] -
					    ac[s][2] * st[s][3];

					st[s][1] = st[s][0];
					st[s][0] = x;
					st[s][3] = st[s][2];
					st[s][2] = y;
					x = y;
				}
				if (i >= w0)
					sum += x * x;
			}
			loudness_config_init(&cfg, rate, 1, LOUDNESS_LAYOUT_MONO);
			cfg.true_peak = LOUDNESS_TP_NONE;
			m = meter_new(&cfg);
			if (m == NULL) {
				audio_free(&a);
				return;
			}
			loudness_process(m, (const float *const *)a.ch, (int)n);
			loudness_get_live(m, &M, &S);
			{
				const double ref = -0.691 + 10.0 * log10(sum / (double)(n - w0));

				if (fabs(M - ref) > fabs(worst))
					worst = M - ref;
				if (!(fabs(M - ref) <= 0.001))
					TEST_FAIL_("%d Hz, %s: M %.5f, double reference %.5f",
					    rate, ti < 4 ? "tone" : "noise", M, ref);
				else
					test_passed_count++;
			}
			loudness_destroy(m);
			audio_free(&a);
		}
	printf("float K-weighting vs double reference (20-1000 Hz tones, noise, "
	    "44.1-192 kHz): max %.6f dB\n", worst);
}

/* ---- histogram against exact gating ------------------------------------ */

static int
cmp_double(const void *a, const void *b)
{
	const double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
test_histogram_exact(void)
{
	struct audio a;
	struct loudness_config cfg;
	struct loudness *m;
	struct loudness_result r;
	const int rate = 48000, hop = rate / 10;
	long nb = 0, ns = 0;
	double *blk, *st, sum = 0.0, gate, I_exact, lra_exact;
	long cnt = 0;

	REQUIRE(make_programme(&a, rate, 2, 120.0, -1));
	blk = malloc(sizeof(double) * 2000);
	st = malloc(sizeof(double) * 2000);
	config_for(&cfg, rate, 2);
	cfg.true_peak = LOUDNESS_TP_NONE;
	m = meter_new(&cfg);
	if (m == NULL || blk == NULL || st == NULL) {
		free(blk);
		free(st);
		audio_free(&a);
		loudness_destroy(m);
		return;
	}
	/* every 100 ms: M is that block's loudness, S a short-term value */
	for (long pos = 0; pos + hop <= a.frames; pos += hop) {
		const float *p[2];
		double M, S;

		planes_at(&a, pos, p);
		loudness_process(m, p, hop);
		loudness_get_live(m, &M, &S);
		if (pos + hop >= 4 * hop)
			blk[nb++] = M;
		if (pos + hop >= 30 * hop)
			st[ns++] = S;
	}
	loudness_get(m, &r);
	CHECK(loudness_get_integrated(m) == r.integrated_lufs);
	/* BS.1770 gating, exactly */
	for (long i = 0; i < nb; i++)
		if (blk[i] > -70.0) {
			sum += pow(10.0, (blk[i] + 0.691) / 10.0);
			cnt++;
		}
	gate = -0.691 + 10.0 * log10(sum / cnt) - 10.0;
	sum = 0.0;
	cnt = 0;
	for (long i = 0; i < nb; i++)
		if (blk[i] > -70.0 && blk[i] > gate) {
			sum += pow(10.0, (blk[i] + 0.691) / 10.0);
			cnt++;
		}
	I_exact = -0.691 + 10.0 * log10(sum / cnt);
	/* Tech 3342, exactly */
	sum = 0.0;
	cnt = 0;
	for (long i = 0; i < ns; i++)
		if (st[i] > -70.0) {
			sum += pow(10.0, (st[i] + 0.691) / 10.0);
			cnt++;
		}
	gate = -0.691 + 10.0 * log10(sum / cnt) - 20.0;
	cnt = 0;
	for (long i = 0; i < ns; i++)
		if (st[i] > -70.0 && st[i] > gate)
			st[cnt++] = st[i];
	qsort(st, (size_t)cnt, sizeof *st, cmp_double);
	lra_exact = st[(long)llround((cnt - 1) * 0.95)] - st[(long)llround((cnt - 1) * 0.10)];
	printf("histogram vs exact gating: I %+.2e LU, LRA %+.2e LU (%ld blocks)\n",
	    r.integrated_lufs - I_exact, r.lra_lu - lra_exact, nb);
	CHECK_NEAR(r.integrated_lufs, I_exact, 0.01);
	CHECK_NEAR(r.lra_lu, lra_exact, 0.01);
	CHECK_INT_EQ(r.blocks, nb);
	CHECK(r.lra_lu > 3.0); /* the signal does have a range */
	free(blk);
	free(st);
	audio_free(&a);
	loudness_destroy(m);
}

/* ---- true peak --------------------------------------------------------- */

/*
 * The largest |y| of the band-limited reconstruction of x, brute force: a
 * Kaiser-windowed sinc of 256 taps a side (beta 12) evaluated at 64
 * points per sample, in double, within one sample of every sample above
 * 0.4 times the sample peak (a reference for short test signals).
 */
#define REF_HALF 256
#define REF_OVER 64
static double ref_tab[2 * REF_OVER][2 * REF_HALF + 1];

static double
bessel_i0(double x)
{
	double sum = 1.0, term = 1.0;

	for (int k = 1; k < 200 && term > sum * 1e-17; k++) {
		term *= (x / (2.0 * k)) * (x / (2.0 * k));
		sum += term;
	}
	return sum;
}

static double
reference_true_peak(const float *x, long n)
{
	const double beta = 12.0;
	double sp = 0.0, best;

	if (ref_tab[0][0] == 0.0)
		for (int q = -REF_OVER; q < REF_OVER; q++)
			for (int d = -REF_HALF; d <= REF_HALF; d++) {
				/* tau = t - k with t = i + q / over and d = i - k */
				const double tau = d + (double)q / REF_OVER, r = tau / (REF_HALF + 1);
				const double s = tau == 0.0 ? 1.0 : sin(M_PI * tau) / (M_PI * tau);

				ref_tab[q + REF_OVER][d + REF_HALF] = fabs(r) >= 1.0 ? 0.0 :
				    s * bessel_i0(beta * sqrt(1.0 - r * r)) / bessel_i0(beta);
			}
	for (long i = 0; i < n; i++)
		sp = fmax(sp, fabs(x[i]));
	best = sp;
	for (long i = 0; i < n; i++) {
		if (!(fabs(x[i]) > sp * 0.4))
			continue;
		for (int q = -REF_OVER; q < REF_OVER; q++) {
			double y = 0.0;

			for (int d = -REF_HALF; d <= REF_HALF; d++)
				if (i - d >= 0 && i - d < n)
					y += x[i - d] * ref_tab[q + REF_OVER][d + REF_HALF];
			best = fmax(best, fabs(y));
		}
	}
	return 20.0 * log10(best);
}

static double
tp_of(const float *x, long n, int rate, enum loudness_true_peak mode,
    bool exhaustive)
{
	struct loudness_config cfg;
	struct loudness *m;
	struct loudness_result r;
	const float *p[1] = { x };

	loudness_config_init(&cfg, rate, 1, LOUDNESS_LAYOUT_MONO);
	cfg.true_peak = mode;
	cfg.tp_exhaustive = exhaustive;
	if ((m = meter_new(&cfg)) == NULL)
		return NAN;
	loudness_process(m, p, (int)n);
	loudness_get(m, &r);
	loudness_destroy(m);
	return r.true_peak_dbtp;
}

static void
test_true_peak_isp(void)
{
	const long n = 48000, fade = 480;
	struct audio a;
	struct loudness_config cfg;
	struct loudness_result r;
	double tp_acc, tp_annex, tp_eb = NAN;

	/* samples at +-1: sqrt(2) sin(pi n / 2 + pi / 4), faded in and out
	 * over 10 ms (an abrupt start would ring above the steady crest) */
	REQUIRE(audio_alloc(&a, 48000, 1, n));
	for (long i = 0; i < n; i++) {
		const long e = i < n - 1 - i ? i : n - 1 - i;
		const double g = e >= fade ? 1.0 : 0.5 - 0.5 * cos(M_PI * e / fade);

		a.ch[0][i] = (float)(g * ((i % 4 < 2) ? 1.0 : -1.0));
	}
	tp_acc = tp_of(a.ch[0], n, 48000, LOUDNESS_TP_ACCURATE, false);
	tp_annex = tp_of(a.ch[0], n, 48000, LOUDNESS_TP_ANNEX2, false);
	config_for(&cfg, 48000, 1);
	measure_simple(&a, &cfg, 1000, &r);
	if (eb_load())
		eb_measure(&a, NULL, &tp_eb);
	printf("fs/4 sine at 45 deg (true +3.0103 dBTP, samples 0 dBFS): accurate "
	    "%+.4f, Annex 2 %+.4f, libebur128 %+.4f dBTP\n", tp_acc, tp_annex, tp_eb);
	CHECK_NEAR(r.sample_peak_dbfs, 0.0, 1e-9);
	CHECK_NEAR(r.true_peak_dbtp, tp_annex, 1e-12); /* Annex 2 is the default */
	CHECK_NEAR(tp_acc, 3.0103, 0.05);
	/* Annex 2's phase 2 samples the crest's neighbourhood with its
	 * passband ripple at fs/4: |H_2| = 1.0257 at -123.5 degrees, sampled
	 * 11.5 degrees off its own crest: 1.0257 * cos(11.5 deg) = +0.045 dB */
	CHECK_NEAR(tp_annex, 3.0103 + 0.045, 0.005);
	audio_free(&a);
}

/* Windowed-sinc low-pass of white noise (cut-off fc in fs, 401 taps,
 * Kaiser 10) into x[0..n-1], faded in and out over 10 ms, peak near amp. */
static void
bandlimited_noise(float *x, long n, double fc, double amp)
{
	enum { L = 200 };
	double h[2 * L + 1], *w = malloc(sizeof(double) * (size_t)(n + 2 * L));

	if (w == NULL)
		return;
	for (int k = -L; k <= L; k++) {
		const double r = (double)k / (L + 1);

		h[k + L] = (k == 0 ? 2.0 * fc : sin(2.0 * M_PI * fc * k) / (M_PI * k)) *
		    bessel_i0(10.0 * sqrt(1.0 - r * r)) / bessel_i0(10.0);
	}
	for (long i = 0; i < n + 2 * L; i++)
		w[i] = rand_signed(&rng) + rand_signed(&rng) + rand_signed(&rng);
	for (long i = 0; i < n; i++) {
		const double e = fmin(1.0, fmin(i, n - 1 - i) / 480.0);
		double y = 0.0;

		for (int k = 0; k <= 2 * L; k++)
			y += h[k] * w[i + k];
		x[i] = (float)(amp * 0.3 * e * y);
	}
	free(w);
}

/*
 * Tone bursts whose crest falls between two samples (so the samples never
 * show it), 0.05 to 0.47 fs, at 44.1, 48 and 96 kHz, and
 * noise band-limited to 0.40, 0.45 and 0.47 fs: every reading against the
 * brute-force reference. Accurate: within 0.05 dB (0.01 measured). Annex
 * 2: within its known error, -1.0 .. +0.25 dB. libebur128's readings are
 * printed beside them.
 */
static void
test_true_peak_accuracy(void)
{
	static const int rates[3] = { 44100, 48000, 96000 };
	static const double fcs[3] = { 0.40, 0.45, 0.47 };
	const long n = 960;
	float *x = malloc(sizeof(float) * 4800);
	double acc_w = 0.0, an_lo = 0.0, an_hi = -9.0, eb_lo = 0.0;
	double nacc = 0.0, nan_w = 0.0, neb = 0.0, wacc = 0.0, wan = 0.0, web = 0.0;

	REQUIRE(x != NULL);
	for (int ri = 0; ri < 3; ri++)
		for (double fr = 0.05; fr <= 0.4701; fr += 0.015) {
			const int rate = rates[ri];
			/* crest at a half sample (on Annex 2's grid) or at 0.3 (on
			 * neither grid) */
			const double off = (int)(fr * 1000.0 + 0.5) % 2 ? 0.5 : 0.3;
			double ref, acc, annex;

			for (long i = 0; i < n; i++) {
				const double t = i - 480.0 - off;
				const double w = fabs(t) < 400.0 ? 0.5 + 0.5 * cos(M_PI * t / 400.0) : 0.0;

				x[i] = (float)(0.5 * w * cos(2.0 * M_PI * fr * t));
			}
			ref = reference_true_peak(x, n);
			acc = tp_of(x, n, rate, LOUDNESS_TP_ACCURATE, false) - ref;
			annex = tp_of(x, n, rate, LOUDNESS_TP_ANNEX2, false) - ref;
			if (ri == 1 && eb.ok) {
				struct audio a = { .rate = rate, .channels = 1, .frames = n };
				double e;

				a.ch[0] = x;
				eb_measure(&a, NULL, &e);
				eb_lo = fmin(eb_lo, e - ref);
			}
			acc_w = fabs(acc) > fabs(acc_w) ? acc : acc_w;
			an_lo = fmin(an_lo, annex);
			an_hi = fmax(an_hi, annex);
			if (!(fabs(acc) <= 0.05))
				TEST_FAIL_("%d Hz, burst at %.3f fs: accurate true peak off by "
				    "%.4f dB", rate, fr, acc);
			else
				test_passed_count++;
			if (!(annex >= -1.0 && annex <= 0.25))
				TEST_FAIL_("%d Hz, burst at %.3f fs: Annex 2 off by %.4f dB",
				    rate, fr, annex);
			else
				test_passed_count++;
		}
	printf("tone bursts 0.05-0.47 fs, crest between samples (44.1/48/96 kHz): "
	    "accurate %+.4f dB worst; Annex 2 %+.3f..%+.3f dB; libebur128 (48 kHz) "
	    "down to %+.3f dB\n", acc_w, an_lo, an_hi, eb_lo);
	for (int fi = 0; fi < 3; fi++)
		for (int trial = 0; trial < 4; trial++) {
			double ref, acc, annex, e = NAN;
			struct audio a = { .rate = 48000, .channels = 1, .frames = 4800 };

			bandlimited_noise(x, 4800, fcs[fi], 1.0);
			ref = reference_true_peak(x, 4800);
			acc = tp_of(x, 4800, 48000, LOUDNESS_TP_ACCURATE, false) - ref;
			annex = tp_of(x, 4800, 48000, LOUDNESS_TP_ANNEX2, false) - ref;
			a.ch[0] = x;
			if (eb.ok)
				eb_measure(&a, NULL, &e);
			e -= ref;
			nacc = fabs(acc) > fabs(nacc) ? acc : nacc;
			nan_w = fabs(annex) > fabs(nan_w) ? annex : nan_w;
			neb = fabs(e) > fabs(neb) ? e : neb;
			CHECK(fabs(acc) <= 0.05);
			CHECK(annex >= -1.0 && annex <= 0.25);
		}
	printf("noise band-limited to 0.40-0.47 fs: accurate %+.4f dB, Annex 2 "
	    "%+.4f dB, libebur128 %+.4f dB (worst)\n", nacc, nan_w, neb);
	/* white noise up to fs/2 (informative: no finite filter gets it all) */
	for (int trial = 0; trial < 4; trial++) {
		double ref, e = NAN;
		struct audio a = { .rate = 48000, .channels = 1, .frames = 4800 };

		for (long i = 0; i < 4800; i++)
			x[i] = (float)(0.3 * fmin(1.0, fmin(i, 4799 - i) / 480.0) *
			    (rand_signed(&rng) + rand_signed(&rng) + rand_signed(&rng)));
		ref = reference_true_peak(x, 4800);
		wacc = fmin(wacc, tp_of(x, 4800, 48000, LOUDNESS_TP_ACCURATE, false) - ref);
		wan = fmin(wan, tp_of(x, 4800, 48000, LOUDNESS_TP_ANNEX2, false) - ref);
		a.ch[0] = x;
		if (eb.ok)
			eb_measure(&a, NULL, &e);
		web = fmin(web, e - ref);
	}
	printf("white noise to fs/2 (informative): accurate %+.3f, Annex 2 %+.3f, "
	    "libebur128 %+.3f dB (lowest)\n", wacc, wan, web);
	free(x);
}

/* Skipping blocks that cannot hold a new maximum gives the same bits as
 * computing everything; rates through 192 kHz. */
static void
test_true_peak_exact_skip(void)
{
	static const int rates[4] = { 44100, 48000, 96000, 192000 };

	for (int ri = 0; ri < 4; ri++) {
		struct audio a;
		struct loudness_config cfg;
		struct loudness_result r1, r2;

		REQUIRE(make_programme(&a, rates[ri], 6, 12.0, 3));
		/* transients: a few clicks and a loud burst late */
		for (int c = 0; c < 6; c++) {
			a.ch[c][a.frames / 3 + c] = 0.9f;
			for (long i = 0; i < 2000; i++)
				a.ch[c][a.frames * 4 / 5 + i] *= 8.0f;
		}
		for (int mode = LOUDNESS_TP_ANNEX2; mode <= LOUDNESS_TP_ACCURATE; mode++) {
			config_for(&cfg, rates[ri], 6);
			cfg.true_peak = mode;
			measure_simple(&a, &cfg, 4000, &r1);
			cfg.tp_exhaustive = true;
			measure_simple(&a, &cfg, 4000, &r2);
			CHECK(memcmp(&r1, &r2, sizeof r1) == 0);
			CHECK(r1.true_peak_dbtp >= r1.sample_peak_dbfs);
			for (int c = 0; c < 6; c++)
				CHECK(r1.true_peak_ch_dbtp[c] >= r1.sample_peak_ch_dbfs[c]);
		}
		/* at 192 kHz Annex 2 mode reads the samples */
		if (rates[ri] == 192000) {
			config_for(&cfg, rates[ri], 6);
			measure_simple(&a, &cfg, 4000, &r1);
			CHECK(r1.true_peak_dbtp == r1.sample_peak_dbfs);
		}
		audio_free(&a);
	}
}

/* truepeak.h on its own: split invariance and the tail after the last
 * sample. */
static void
test_truepeak_module(void)
{
	struct truepeak t1, t2;
	float x[3000];
	uint64_t srng = 77;

	for (int i = 0; i < 3000; i++)
		x[i] = (float)(0.5 * rand_signed(&rng));
	x[2999] = 1.0f; /* the last sample: its ringing comes after the end */
	for (int mode = TRUEPEAK_ANNEX2; mode <= TRUEPEAK_ACCURATE; mode++) {
		REQUIRE(truepeak_init(&t1, mode, 48000, false) == 0);
		REQUIRE(truepeak_init(&t2, mode, 48000, false) == 0);
		truepeak_process(&t1, x, 3000);
		for (int pos = 0; pos < 3000;) {
			const int len = split_next(&srng, SPLIT_LOG, 3000 - pos);

			truepeak_process(&t2, x + pos, len);
			pos += len;
		}
		CHECK(truepeak_get(&t1) == truepeak_get(&t2));
		/* the last sample's own peak comes after the end (ANNEX2's
		 * centre tap is 6 samples in) */
		CHECK(truepeak_get(&t1) >= (mode == TRUEPEAK_ACCURATE ? 1.0f : 0.9f));
		truepeak_reset(&t1);
		CHECK(truepeak_get(&t1) == 0.0f);
	}
	CHECK(truepeak_init(&t1, TRUEPEAK_ANNEX2, 10.0, false) == DSP_ERR_INVALID);
}

/* ---- channel weights --------------------------------------------------- */

static double
integrated_of(enum loudness_layout layout, const double *weights, int channels,
    const int *active, int nactive)
{
	struct audio a;
	struct loudness_config cfg;
	struct loudness_result r;

	if (!audio_alloc(&a, 48000, channels, 48000 * 5))
		return NAN;
	for (int k = 0; k < nactive; k++)
		for (long i = 0; i < a.frames; i++)
			a.ch[active[k]][i] = (float)(0.1 * sin(2.0 * M_PI * 997.0 * i / 48000.0));
	loudness_config_init(&cfg, 48000, channels, layout);
	if (weights != NULL)
		memcpy(cfg.weights, weights, sizeof(double) * (size_t)channels);
	cfg.true_peak = LOUDNESS_TP_NONE;
	measure_simple(&a, &cfg, 4800, &r);
	audio_free(&a);
	return r.integrated_lufs;
}

static void
test_channel_weights(void)
{
	const double plus15 = 10.0 * log10(1.41);
	const int L[1] = { 0 }, R[1] = { 1 }, C[1] = { 2 }, LFE[1] = { 3 };
	const int Ls[1] = { 4 }, Rs[1] = { 5 }, Lrs[1] = { 6 }, Rrs[1] = { 7 };
	const int Ltm[1] = { 8 }, L_LFE[2] = { 0, 3 };
	double w[MAXCH];
	const double l51 = integrated_of(LOUDNESS_LAYOUT_5_1, NULL, 6, L, 1);

	CHECK(isfinite(l51));
	CHECK_NEAR(integrated_of(LOUDNESS_LAYOUT_5_1, NULL, 6, R, 1), l51, 1e-9);
	CHECK_NEAR(integrated_of(LOUDNESS_LAYOUT_5_1, NULL, 6, C, 1), l51, 1e-9);
	CHECK_NEAR(integrated_of(LOUDNESS_LAYOUT_5_1, NULL, 6, Ls, 1), l51 + plus15, 1e-6);
	CHECK_NEAR(integrated_of(LOUDNESS_LAYOUT_5_1, NULL, 6, Rs, 1), l51 + plus15, 1e-6);
	CHECK(integrated_of(LOUDNESS_LAYOUT_5_1, NULL, 6, LFE, 1) == -INFINITY);
	CHECK_NEAR(integrated_of(LOUDNESS_LAYOUT_5_1, NULL, 6, L_LFE, 2), l51, 1e-9);
	/* 7.1: sides (4, 5) +1.5 dB, rears (6, 7) as the fronts */
	CHECK_NEAR(integrated_of(LOUDNESS_LAYOUT_7_1, NULL, 8, Ls, 1), l51 + plus15, 1e-6);
	CHECK_NEAR(integrated_of(LOUDNESS_LAYOUT_7_1, NULL, 8, Lrs, 1), l51, 1e-9);
	CHECK_NEAR(integrated_of(LOUDNESS_LAYOUT_7_1, NULL, 8, Rrs, 1), l51, 1e-9);
	CHECK(integrated_of(LOUDNESS_LAYOUT_7_1, NULL, 8, LFE, 1) == -INFINITY);
	/* 7.1.2: heights 1.0 */
	CHECK_NEAR(integrated_of(LOUDNESS_LAYOUT_7_1_2, NULL, 10, Ltm, 1), l51, 1e-9);
	CHECK_NEAR(integrated_of(LOUDNESS_LAYOUT_7_1_2, NULL, 10, Ls, 1), l51 + plus15, 1e-6);
	/* explicit weights: 2.0 on channel 1 reads +3.01 dB */
	for (int c = 0; c < MAXCH; c++)
		w[c] = 1.0;
	w[1] = 2.0;
	CHECK_NEAR(integrated_of(LOUDNESS_LAYOUT_CUSTOM, w, 3, R, 1),
	    integrated_of(LOUDNESS_LAYOUT_CUSTOM, w, 3, L, 1) + 10.0 * log10(2.0), 1e-6);
	/* stereo, both channels: +3.01 dB over one */
	{
		const int LR[2] = { 0, 1 };

		CHECK_NEAR(integrated_of(LOUDNESS_LAYOUT_STEREO, NULL, 2, LR, 2),
		    integrated_of(LOUDNESS_LAYOUT_STEREO, NULL, 2, L, 1) + 10.0 * log10(2.0),
		    1e-6);
	}
	CHECK_INT_EQ(loudness_layout_weights(LOUDNESS_LAYOUT_7_1_2, 10, w), 0);
	CHECK(w[3] == 0.0 && w[4] == 1.41 && w[5] == 1.41 && w[6] == 1.0 &&
	    w[8] == 1.0 && w[9] == 1.0);
	CHECK_INT_EQ(loudness_layout_weights(LOUDNESS_LAYOUT_5_1, 8, w), DSP_ERR_INVALID);
}

/* ---- invariance -------------------------------------------------------- */

/* Renders a with cfg in calls cut by mode (seeded), with speech flags
 * switched at fixed frames, and the maxima reset at a fixed frame. */
static void
render_split(const struct audio *a, const struct loudness_config *cfg,
    enum split_mode mode, uint64_t seed, struct loudness_result *r)
{
	struct loudness *m = meter_new(cfg);
	const long events[4] = { a->frames / 5, a->frames / 3, a->frames / 2,
	    a->frames * 3 / 4 };
	uint64_t s = seed;
	int e = 0;

	if (m == NULL)
		return;
	for (long pos = 0; pos < a->frames;) {
		const long stop = e < 4 ? events[e] : a->frames;
		const int len = split_next(&s, mode, (int)(stop - pos));
		const float *p[MAXCH];

		planes_at(a, pos, p);
		if (cfg->parts > 1) {
			int done = 0;

			while (done < len) {
				const float *q[MAXCH];
				int took = 0;

				for (int c = 0; c < a->channels; c++)
					q[c] = p[c] + done;
				for (int pi = 0; pi < loudness_parts(m); pi++)
					took = loudness_process_part(m, pi, q, len - done);
				loudness_commit(m);
				done += took;
			}
		} else {
			loudness_process(m, p, len);
		}
		pos += len;
		if (pos == stop && e < 4) {
			if (e == 2)
				loudness_reset_max(m);
			else
				loudness_set_speech(m, e % 2 == 0);
			e++;
		}
	}
	loudness_get(m, r);
	loudness_destroy(m);
}

static void
test_split_invariance(void)
{
	struct audio a;
	struct loudness_config cfg;
	struct loudness_result ref, r;

	REQUIRE(make_programme(&a, 48000, 6, 20.0, 3));
	for (int tp = LOUDNESS_TP_ANNEX2; tp <= LOUDNESS_TP_ACCURATE; tp++) {
		config_for(&cfg, 48000, 6);
		cfg.true_peak = tp;
		render_split(&a, &cfg, SPLIT_WHOLE, 1, &ref);
		CHECK(isfinite(ref.integrated_lufs) && isfinite(ref.speech_gated_lufs) &&
		    isfinite(ref.lra_lu) && isfinite(ref.true_peak_dbtp));
		for (int mode = SPLIT_UNIFORM; mode < SPLIT_MODES; mode++) {
			render_split(&a, &cfg, mode, 100 + mode, &r);
			CHECK(memcmp(&ref, &r, sizeof r) == 0);
		}
		/* threads' parts: the same bits with 2, 3, 4 parts (with 4, some
		 * part has only peaks to measure) */
		for (int parts = 2; parts <= 4; parts++) {
			cfg.parts = parts;
			render_split(&a, &cfg, SPLIT_UNIFORM, 7, &r);
			CHECK(memcmp(&ref, &r, sizeof r) == 0);
		}
	}
	audio_free(&a);
}

/* Two parts on two threads at once, as the measure command runs them. */
struct part_job {
	struct loudness *m;
	int part;
	const float *const *ch;
	int frames, took;
};

static void *
part_thread(void *arg)
{
	struct part_job *j = arg;

	j->took = loudness_process_part(j->m, j->part, j->ch, j->frames);
	return NULL;
}

static void
test_threads(void)
{
	struct audio a;
	struct loudness_config cfg;
	struct loudness_result ref, r;
	struct loudness *m;

	REQUIRE(make_programme(&a, 48000, 8, 15.0, 3));
	config_for(&cfg, 48000, 8);
	measure_simple(&a, &cfg, 48000, &ref);
	cfg.parts = 2;
	m = meter_new(&cfg);
	if (m == NULL) {
		audio_free(&a);
		return;
	}
	for (long pos = 0; pos < a.frames;) {
		const float *p[MAXCH];
		const int len = (int)(a.frames - pos < 96000 ? a.frames - pos : 96000);
		struct part_job j0 = { m, 0, p, len, 0 }, j1 = { m, 1, p, len, 0 };
		pthread_t t;

		planes_at(&a, pos, p);
		REQUIRE(pthread_create(&t, NULL, part_thread, &j1) == 0);
		part_thread(&j0);
		pthread_join(t, NULL);
		CHECK_INT_EQ(j0.took, j1.took);
		loudness_commit(m);
		pos += j0.took;
	}
	loudness_get(m, &r);
	CHECK(memcmp(&ref, &r, sizeof r) == 0);
	loudness_destroy(m);
	audio_free(&a);
}

/* The baseline (SSE2, 4-lane) loops against the AVX2 ones: same bits. */
static void
test_simd_paths(void)
{
	static const int rates[2] = { 44100, 96000 };

	for (int ri = 0; ri < 2; ri++) {
		struct audio a;
		struct loudness_config cfg;
		struct loudness_result r1, r2;

		REQUIRE(make_programme(&a, rates[ri], 10, 8.0, 3));
		a.ch[2][a.frames / 2] = 1.5f;
		for (int tp = LOUDNESS_TP_ANNEX2; tp <= LOUDNESS_TP_ACCURATE; tp++) {
			loudness_config_init(&cfg, rates[ri], 10, LOUDNESS_LAYOUT_7_1_2);
			cfg.true_peak = tp;
			cfg.tp_exhaustive = true;
			unsetenv("DUBSTAGE_DSP_NO_AVX2");
			measure_simple(&a, &cfg, 3000, &r1);
			setenv("DUBSTAGE_DSP_NO_AVX2", "1", 1);
			CHECK(truepeak_no_avx2());
			measure_simple(&a, &cfg, 3000, &r2);
			unsetenv("DUBSTAGE_DSP_NO_AVX2");
			CHECK(memcmp(&r1, &r2, sizeof r1) == 0);
		}
		audio_free(&a);
	}
}

/* ---- bad input, silence, reset ----------------------------------------- */

static void
test_nonfinite(void)
{
	struct audio a, b;
	struct loudness_config cfg;
	struct loudness_result ra, rb;
	long bad = 0;

	REQUIRE(make_programme(&a, 48000, 2, 10.0, -1));
	REQUIRE(audio_alloc(&b, 48000, 2, a.frames));
	for (int c = 0; c < 2; c++)
		memcpy(b.ch[c], a.ch[c], sizeof(float) * (size_t)a.frames);
	for (long i = 1000; i < a.frames; i += 7919) {
		const float v = (i / 7919) % 3 == 0 ? NAN : (i / 7919) % 3 == 1 ?
		    INFINITY : -1e30f;

		b.ch[i % 2][i] = v;
		a.ch[i % 2][i] = 0.0f;
		bad++;
	}
	config_for(&cfg, 48000, 2);
	measure_simple(&a, &cfg, 1024, &ra);
	measure_simple(&b, &cfg, 1024, &rb);
	CHECK_INT_EQ(rb.invalid_samples, bad);
	CHECK_INT_EQ(ra.invalid_samples, 0);
	rb.invalid_samples = 0;
	CHECK(memcmp(&ra, &rb, sizeof ra) == 0);
	CHECK(isfinite(rb.integrated_lufs) && isfinite(rb.true_peak_dbtp));
	audio_free(&a);
	audio_free(&b);
}

static void
test_silence(void)
{
	struct audio a;
	struct loudness_config cfg;
	struct loudness_result r;
	struct loudness *m;

	REQUIRE(audio_alloc(&a, 48000, 6, 48000 * 5));
	config_for(&cfg, 48000, 6);
	measure_simple(&a, &cfg, 1000, &r);
	CHECK(r.integrated_lufs == -INFINITY);
	CHECK(r.lra_lu == -INFINITY);
	CHECK(r.momentary_max_lufs == -INFINITY && r.short_term_max_lufs == -INFINITY);
	CHECK(r.momentary_lufs == -INFINITY);
	CHECK(r.true_peak_dbtp == -INFINITY && r.sample_peak_dbfs == -INFINITY);
	CHECK(r.speech_gated_lufs == -INFINITY && r.speech_percent == -INFINITY);
	CHECK_INT_EQ(r.blocks, 47); /* 5 s: blocks end at 0.4, 0.5, ... 5.0 s */
	CHECK_INT_EQ(r.frames, a.frames);
	/* nothing processed yet */
	m = meter_new(&cfg);
	if (m != NULL) {
		loudness_get(m, &r);
		CHECK(r.integrated_lufs == -INFINITY && r.momentary_lufs == -INFINITY &&
		    r.momentary_max_lufs == -INFINITY && r.true_peak_dbtp == -INFINITY);
		CHECK_INT_EQ(r.frames, 0);
		loudness_destroy(m);
	}
	/* shorter than a block: no integrated value, but M exists */
	for (long i = 0; i < 9600; i++)
		a.ch[0][i] = 0.5f;
	a.frames = 9600;
	measure_simple(&a, &cfg, 1000, &r);
	CHECK(r.integrated_lufs == -INFINITY);
	CHECK(isfinite(r.momentary_lufs));
	audio_free(&a);
}

static void
test_reset(void)
{
	struct audio a;
	struct loudness_config cfg;
	struct loudness_result r1, r2;
	struct loudness *m;
	const float *p[MAXCH];

	REQUIRE(make_programme(&a, 48000, 6, 16.0, 3));
	config_for(&cfg, 48000, 6);
	m = meter_new(&cfg);
	if (m == NULL) {
		audio_free(&a);
		return;
	}
	planes_at(&a, 0, p);
	loudness_set_speech(m, true);
	loudness_process(m, p, (int)a.frames);
	loudness_reset(m);
	planes_at(&a, 48000 * 4, p);
	loudness_process(m, p, (int)(a.frames - 48000 * 4));
	loudness_get(m, &r1);
	a.frames -= 48000 * 4;
	for (int c = 0; c < 6; c++)
		a.ch[c] += 48000 * 4;
	measure_simple(&a, &cfg, 5000, &r2);
	CHECK(memcmp(&r1, &r2, sizeof r1) == 0);
	CHECK(r1.speech_percent == 0.0); /* reset cleared the flag */
	for (int c = 0; c < 6; c++)
		a.ch[c] -= 48000 * 4;
	loudness_destroy(m);
	audio_free(&a);
}

/* ---- speech gating ----------------------------------------------------- */

/* 10 s of a 1 kHz tone at -20 dBFS then 10 s at -30 (stereo, in phase:
 * -20 and -30 LUFS), in 100 ms calls; flag(hop) says which hops are
 * speech; live flags or late ones (delay hops late, speech_delay_hops
 * = delay + 2). */
static void
speech_run(bool (*flag)(long hop), int delay, struct loudness_result *r)
{
	struct loudness_config cfg;
	struct loudness *m;
	float *x = malloc(sizeof(float) * 4800);
	const float *p[2] = { x, x };
	long t = 0;

	config_for(&cfg, 48000, 2);
	cfg.speech_delay_hops = delay > 0 ? delay + 2 : 0;
	m = meter_new(&cfg);
	if (m == NULL || x == NULL) {
		free(x);
		return;
	}
	for (long hop = 0; hop < 200; hop++) {
		const double amp = pow(10.0, (hop < 100 ? -20.0 : -30.0) / 20.0);

		for (int i = 0; i < 4800; i++, t++)
			x[i] = (float)(amp * sin(2.0 * M_PI * 1000.0 * t / 48000.0));
		if (delay == 0)
			loudness_set_speech(m, flag(hop));
		loudness_process(m, p, 4800);
		if (delay > 0 && hop >= delay)
			CHECK_INT_EQ(loudness_set_speech_hop(m, hop - delay, flag(hop - delay)), 0);
	}
	for (long hop = 200 - delay; delay > 0 && hop < 200; hop++)
		CHECK_INT_EQ(loudness_set_speech_hop(m, hop, flag(hop)), 0);
	if (delay > 0) {
		/* too old (its blocks are classified) and not started yet */
		CHECK(loudness_set_speech_hop(m, 10, true) == DSP_ERR_INVALID);
		CHECK(loudness_set_speech_hop(m, 200, true) == DSP_ERR_INVALID);
	}
	loudness_get(m, r);
	loudness_destroy(m);
	free(x);
}

static bool
first_half(long hop)
{
	return hop < 100;
}

static bool
every_other(long hop)
{
	return hop % 2 == 0;
}

static bool
one_in_four(long hop)
{
	return hop % 4 == 0;
}

static void
test_speech(void)
{
	struct loudness_result r, late;

	speech_run(first_half, 0, &r);
	/* blocks end at hops 3..199; speech when >= 2 of hops h-3..h are < 100:
	 * h <= 101, i.e. 99 blocks of 197. The -30 dB blocks pass the
	 * programme's relative gate (mean about -22.6, gate -32.6). */
	CHECK_INT_EQ(r.blocks, 197);
	CHECK_INT_EQ(r.speech_blocks, 99);
	CHECK_NEAR(r.speech_percent, 100.0 * 99.0 / 197.0, 1e-9);
	CHECK_NEAR(r.speech_gated_lufs, -20.0, 0.3);
	CHECK(r.speech_gated_lufs > r.integrated_lufs + 2.0);
	/* the same flags arriving 12 hops late */
	speech_run(first_half, 12, &late);
	CHECK(memcmp(&r, &late, sizeof r) == 0);
	/* 2 of every 4 hops: every block is speech */
	speech_run(every_other, 0, &r);
	CHECK_INT_EQ(r.speech_blocks, 197);
	CHECK_NEAR(r.speech_percent, 100.0, 1e-9);
	CHECK_NEAR(r.speech_gated_lufs, r.integrated_lufs, 1e-9);
	/* 1 of every 4: none */
	speech_run(one_in_four, 0, &r);
	CHECK_INT_EQ(r.speech_blocks, 0);
	CHECK(r.speech_percent == 0.0);
	CHECK(r.speech_gated_lufs == -INFINITY);
}

/* ---- config ------------------------------------------------------------ */

static void
test_config(void)
{
	struct loudness_config cfg;
	struct loudness *m = (struct loudness *)&cfg;

	loudness_config_init(&cfg, 48000, 6, LOUDNESS_LAYOUT_5_1);
	CHECK(cfg.weights[3] == 0.0 && cfg.weights[4] == 1.41);
	cfg.rate_hz = 44100.5;
	CHECK_INT_EQ(loudness_create(&cfg, &m), DSP_ERR_INVALID);
	CHECK(m == NULL);
	cfg.rate_hz = 4000;
	CHECK_INT_EQ(loudness_create(&cfg, &m), DSP_ERR_INVALID);
	loudness_config_init(&cfg, 48000, 6, LOUDNESS_LAYOUT_STEREO);
	CHECK_INT_EQ(loudness_create(&cfg, &m), DSP_ERR_INVALID);
	loudness_config_init(&cfg, 48000, 2, LOUDNESS_LAYOUT_STEREO);
	cfg.parts = 5;
	CHECK_INT_EQ(loudness_create(&cfg, &m), DSP_ERR_INVALID);
	loudness_config_init(&cfg, 48000, 17, LOUDNESS_LAYOUT_CUSTOM);
	CHECK_INT_EQ(loudness_create(&cfg, &m), DSP_ERR_INVALID);
	loudness_config_init(&cfg, 48000, 2, LOUDNESS_LAYOUT_CUSTOM);
	cfg.weights[1] = -1.0;
	CHECK_INT_EQ(loudness_create(&cfg, &m), DSP_ERR_INVALID);
	loudness_config_init(&cfg, 48000, 2, LOUDNESS_LAYOUT_STEREO);
	cfg.speech_delay_hops = LOUDNESS_MAX_SPEECH_DELAY_HOPS + 1;
	CHECK_INT_EQ(loudness_create(&cfg, &m), DSP_ERR_INVALID);
	/* rates that are not a multiple of 100 Hz: steps of 220 or 221 frames */
	loudness_config_init(&cfg, 22050, 1, LOUDNESS_LAYOUT_MONO);
	CHECK_INT_EQ(loudness_create(&cfg, &m), 0);
	loudness_destroy(m);
	loudness_destroy(NULL);
}

int
main(void)
{
	eb_load();
	test_config();
	test_kweighting_design();
	test_kweighting_precision();
	test_channel_weights();
	test_silence();
	test_nonfinite();
	test_reset();
	test_speech();
	test_truepeak_module();
	test_true_peak_isp();
	test_true_peak_accuracy();
	test_true_peak_exact_skip();
	test_split_invariance();
	test_threads();
	test_simd_paths();
	test_histogram_exact();
	test_vs_libebur128_synthetic();
	test_ebu_set();
	return test_report();
}
