/*
 * The console's live loudness meter (qc/loudmeter.h):
 *
 *   - the EBU test set (expected.tsv, with the 12 synthetic files rebuilt
 *     by the set's regenerate.sh): every file read with libsndfile and fed
 *     interleaved in feeds of 1601 frames; I, M_max, S_max, LRA and TP_max
 *     (Annex 2 and the accurate mode) within the set's tolerances, and
 *     M_const_after_1s / S_const_after_3s on the 100 ms history points;
 *     the live-meter segment rows (case 11, maxima reset every 6 s) are a
 *     reset_max this meter does not offer, and are counted as skipped;
 *   - the history: 300 points for 30 s, identical to a dsp/loudness meter
 *     read at every 100 ms boundary, the same whatever the feed sizes (one
 *     feed of 30 s, 1601, 7), the ring keeping the newest points when it
 *     overflows, S reaching a new level exactly 3 s after a step;
 *   - reset clears every figure and the history, and the meter then reads
 *     exactly as a new one; silence and an unfed meter read -INFINITY,
 *     never NaN;
 *   - weights: 5.1 surrounds +1.5 dB, LFE ignored by the loudness but seen
 *     by the true peak, 7.1 sides +1.5 dB and rears 0 dB, explicit
 *     weights; bad configs refused;
 *   - dialogue gating: espeak-ng lines over a bed, fed in feeds of 1601
 *     and of 7 frames, give the same dialogue-gated loudness and speech
 *     share as `measure` (qc_measure_file) on the same file; NAN without
 *     cfg.speech;
 *   - the spec target lines; and the cost of a feed of 1600 frames of 8
 *     channels (printed, not asserted).
 */
#include "test.h"
#include "ebu_set.h"

#include <sndfile.h>
#include <time.h>

#include "dsp/loudness.h"
#include "qc/loudmeter.h"
#include "qc/measure.h"

#define FEED 1601

/* What the meter shows after a whole file, and the range of the history
 * points at >= 1 s (M) and >= 3 s (S). */
struct file_meas {
	struct loudmeter_reading r;
	double tp_accurate;
	double m_lo, m_hi, s_lo, s_hi;
};

/* Feeds the file at path to a meter (accurate true peak or not) in feeds
 * of FEED frames, as the console would. */
static bool
feed_file(const char *path, bool accurate, struct file_meas *out)
{
	static float buf[FEED * LOUDMETER_MAX_CHANNELS];
	static float hs[100000], hm[100000];
	struct loudmeter_config cfg;
	struct loudmeter *m = NULL;
	SF_INFO info = { 0 };
	SNDFILE *f = sf_open(path, SFM_READ, &info);
	const double w5[5] = { 1, 1, 1, 1.41, 1.41 };   /* case 6: L R C Ls Rs */
	sf_count_t n;
	int points;

	if (f == NULL)
		return false;
	loudmeter_config_init(&cfg, info.samplerate, info.channels);
	cfg.true_peak_accurate = accurate;
	if (info.channels == 5)
		cfg.weights = w5;
	if (loudmeter_create(&cfg, &m) != 0) {
		sf_close(f);
		return false;
	}
	while ((n = sf_readf_float(f, buf, FEED)) > 0)
		loudmeter_feed(m, buf, (int)n);
	sf_close(f);
	if (accurate) {
		loudmeter_read(m, &out->r);
		out->tp_accurate = out->r.true_peak_dbtp;
		loudmeter_destroy(m);
		return true;
	}
	loudmeter_read(m, &out->r);
	points = loudmeter_history(m, hs, hm, 100000);
	CHECK_INT_EQ(points, out->r.history_total);
	CHECK_INT_EQ(points, info.frames / (info.samplerate / 10));
	out->m_lo = out->s_lo = INFINITY;
	out->m_hi = out->s_hi = -INFINITY;
	for (int i = 0; i < points; i++) {
		const int tenths = i + 1;

		if (tenths >= 10) {
			out->m_lo = fmin(out->m_lo, hm[i]);
			out->m_hi = fmax(out->m_hi, hm[i]);
		}
		if (tenths >= 30) {
			out->s_lo = fmin(out->s_lo, hs[i]);
			out->s_hi = fmax(out->s_hi, hs[i]);
		}
	}
	loudmeter_destroy(m);
	return true;
}

static void
test_ebu_set(void)
{
	const char *corpus = ebu_corpus_dir(), *regen;
	char path[8192], line[1024], file[512] = "", quantity[64], last[512] = "";
	struct file_meas fm;
	bool have = false;
	int rows = 0, ok = 0, skipped = 0;
	double worst[5] = { 0 };   /* I, M_max, S_max, LRA, TP_max */
	FILE *tsv;

	if (corpus == NULL)
		return;
	regen = ebu_regenerate(corpus);
	snprintf(path, sizeof path, "%s/expected.tsv", corpus);
	tsv = fopen(path, "r");
	REQUIRE(tsv != NULL);
	while (fgets(line, sizeof line, tsv) != NULL) {
		double expect, tol_m, tol_p, v;
		int q = -1;

		if (ebu_row_parse(line, file, sizeof file, quantity, &expect,
		    &tol_m, &tol_p) != 1)
			continue;
		rows++;
		if (strcmp(file, last) != 0) {
			snprintf(last, sizeof last, "%s", file);
			have = false;
			if (strncmp(file, "regenerated/", 12) == 0) {
				if (regen == NULL)
					continue;
				snprintf(path, sizeof path, "%s/%s", regen, file);
			} else {
				snprintf(path, sizeof path, "%s/%s", corpus, file);
			}
			memset(&fm, 0, sizeof fm);
			have = feed_file(path, false, &fm) && feed_file(path, true, &fm);
			if (!have)
				TEST_FAIL_("%s: cannot read or measure", path);
		}
		if (!have)
			continue;
		if (strncmp(quantity, "S_max_seg", 9) == 0 ||
		    strncmp(quantity, "M_max_seg", 9) == 0) {
			skipped++;
			continue;
		}
		if (strcmp(quantity, "I") == 0) {
			q = 0;
			v = fm.r.integrated_lufs;
		} else if (strcmp(quantity, "M_max") == 0) {
			q = 1;
			v = fm.r.momentary_max_lufs;
		} else if (strcmp(quantity, "S_max") == 0) {
			q = 2;
			v = fm.r.short_term_max_lufs;
		} else if (strcmp(quantity, "LRA") == 0) {
			q = 3;
			v = fm.r.lra_lu;
		} else if (strcmp(quantity, "TP_max") == 0) {
			q = 4;
			v = fm.r.true_peak_dbtp;
			if (!within(fm.tp_accurate, expect, tol_m, tol_p))
				TEST_FAIL_("%s TP_max (accurate): %.3f, expected %.1f", file,
				    fm.tp_accurate, expect);
			else
				test_passed_count++;
		} else if (strcmp(quantity, "M_const_after_1s") == 0) {
			v = fm.m_lo;
			if (!within(fm.m_hi, expect, tol_m, tol_p))
				v = fm.m_hi;
		} else if (strcmp(quantity, "S_const_after_3s") == 0) {
			v = fm.s_lo;
			if (!within(fm.s_hi, expect, tol_m, tol_p))
				v = fm.s_hi;
		} else {
			TEST_FAIL_("expected.tsv: unknown quantity %s", quantity);
			continue;
		}
		if (q >= 0 && fabs(v - expect) > fabs(worst[q]))
			worst[q] = v - expect;
		if (within(v, expect, tol_m, tol_p)) {
			ok++;
			test_passed_count++;
		} else {
			TEST_FAIL_("%s %s: %.4f, expected %.4f -%.2f/+%.2f", file,
			    quantity, v, expect, tol_m, tol_p);
		}
	}
	fclose(tsv);
	CHECK_INT_EQ(rows, 109);
	CHECK_INT_EQ(ok + skipped, rows);
	printf("EBU set through the live meter: %d of %d rows within tolerance, "
	    "%d segment rows skipped\n", ok, rows - skipped, skipped);
	printf("  max dev: I %+.4f  M_max %+.4f  S_max %+.4f  LRA %+.4f  "
	    "TP_max %+.4f\n", worst[0], worst[1], worst[2], worst[3], worst[4]);
}

/* ---- synthetic signals --------------------------------------------------- */

#define RATE 48000

/* A 1 kHz sine in the channels whose amp[] is not 0, interleaved, frames
 * long, with phase continuous from absolute frame t0. */
static void
tone(float *out, int channels, long frames, long t0, const double *amp)
{
	for (long i = 0; i < frames; i++) {
		const double s = sin(2 * M_PI * 1000.0 * (double)(t0 + i) / RATE);

		for (int c = 0; c < channels; c++)
			out[i * channels + c] = (float)(amp[c] * s);
	}
}

/* 30 s of stereo: 10 s of a tone at -12 dBFS, 10 s 10 dB lower, 10 s of
 * silence; with a little noise so that M and S are not all equal. */
static float *
programme30(long *frames)
{
	const long n = 30L * RATE;
	float *x = malloc(sizeof(float) * 2 * (size_t)n);
	uint64_t rng = 0x9e3779b97f4a7c15ull;

	if (x == NULL)
		return NULL;
	for (long i = 0; i < n; i++) {
		const double a = i < 10L * RATE ? 0.25 : i < 20L * RATE ?
		    0.25 / sqrt(10.0) : 0.0;
		const double s = sin(2 * M_PI * 1000.0 * (double)i / RATE);

		for (int c = 0; c < 2; c++) {
			const double noise = ((double)(test_xorshift64(&rng) >> 11) /
			    9007199254740992.0 - 0.5) * 1e-3;

			x[i * 2 + c] = (float)(a * s + (a > 0 ? noise : 0));
		}
	}
	*frames = n;
	return x;
}

static struct loudmeter *
meter(int channels, const char *layout, double history_s)
{
	struct loudmeter_config cfg;
	struct loudmeter *m = NULL;

	loudmeter_config_init(&cfg, RATE, channels);
	cfg.layout = layout;
	cfg.history_seconds = history_s;
	CHECK_INT_EQ(loudmeter_create(&cfg, &m), 0);
	return m;
}

static void
feed_in(struct loudmeter *m, const float *x, int channels, long frames, int call)
{
	for (long pos = 0; pos < frames; pos += call) {
		const long n = frames - pos < call ? frames - pos : call;

		loudmeter_feed(m, x + pos * channels, (int)n);
	}
}

static int
cmp_double(const void *a, const void *b)
{
	const double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Tech 3342 from short-term values taken every 100 ms from 3 s on:
 * absolute gate -70 LUFS, relative gate 20 LU under the mean energy,
 * P95 - P10 by nearest rank (as dsp/loudness.h). */
static double
lra_of(const float *s, int n)
{
	double v[400], sum = 0, gate;
	int k = 0, j = 0;

	for (int i = 0; i < n; i++)
		if (s[i] > -70) {
			v[k++] = s[i];
			sum += pow(10, (s[i] + 0.691) / 10);
		}
	if (k == 0)
		return -INFINITY;
	gate = -0.691 + 10 * log10(sum / k) - 20;
	for (int i = 0; i < k; i++)
		if (v[i] > gate)
			v[j++] = v[i];
	qsort(v, (size_t)j, sizeof v[0], cmp_double);
	return v[(int)lround((j - 1) * 0.95)] - v[(int)lround((j - 1) * 0.10)];
}

static void
test_history(void)
{
	static float hs[400], hm[400], hs2[400], hm2[400], ref_s[300], ref_m[300];
	long frames;
	float *x = programme30(&frames);
	struct loudmeter *m;
	struct loudness_config lc;
	struct loudness *ref = NULL;
	struct loudmeter_reading r;
	const int calls[] = { (int)(30L * RATE), FEED, 7 };
	int n;

	REQUIRE(x != NULL);
	/* the reference: dsp/loudness read at every 100 ms boundary */
	loudness_config_init(&lc, RATE, 2, LOUDNESS_LAYOUT_STEREO);
	REQUIRE(loudness_create(&lc, &ref) == 0);
	{
		float *pl[2];
		const int hop = RATE / 10;

		pl[0] = malloc(sizeof(float) * hop);
		pl[1] = malloc(sizeof(float) * hop);
		REQUIRE(pl[0] != NULL && pl[1] != NULL);
		for (int k = 0; k < 300; k++) {
			double mo, st;

			for (int i = 0; i < hop; i++)
				for (int c = 0; c < 2; c++)
					pl[c][i] = x[((long)k * hop + i) * 2 + c];
			loudness_process(ref, (const float *const *)pl, hop);
			CHECK_INT_EQ(loudness_get_live(ref, &mo, &st), 10L * (k + 1));
			ref_s[k] = (float)st;
			ref_m[k] = (float)mo;
		}
		free(pl[0]);
		free(pl[1]);
	}
	loudness_destroy(ref);

	for (size_t t = 0; t < sizeof calls / sizeof calls[0]; t++) {
		m = meter(2, "stereo", 0);
		REQUIRE(m != NULL);
		CHECK_INT_EQ(loudmeter_history_capacity(m), 6000);
		feed_in(m, x, 2, frames, calls[t]);
		loudmeter_read(m, &r);
		CHECK_INT_EQ(r.history_total, 300);
		CHECK_INT_EQ(r.frames, frames);
		CHECK_NEAR(r.seconds, 30.0, 1e-12);
		n = loudmeter_history(m, hs, hm, 400);
		CHECK_INT_EQ(n, 300);
		CHECK(memcmp(hs, ref_s, sizeof ref_s) == 0);
		CHECK(memcmp(hm, ref_m, sizeof ref_m) == 0);
		/* the newest few, oldest first; NULL outputs are allowed */
		CHECK_INT_EQ(loudmeter_history(m, hs2, NULL, 5), 5);
		CHECK(memcmp(hs2, ref_s + 295, 5 * sizeof(float)) == 0);
		CHECK_INT_EQ(loudmeter_history(m, NULL, hm2, 3), 3);
		CHECK(memcmp(hm2, ref_m + 297, 3 * sizeof(float)) == 0);
		CHECK_INT_EQ(loudmeter_history(m, hs2, hm2, 0), 0);
		/* LRA is the spread of these very points (from 3 s on) */
		CHECK_NEAR(r.lra_lu, lra_of(hs + 29, n - 29), 0.01);
		loudmeter_destroy(m);
	}

	/* the values themselves: the first segment's S is steady from 3 s
	 * (point 30) to 10 s, the second one exactly 3 s after the step at
	 * 10 s (point 130) and 10 LU lower; at 2.9 s into it, S is still
	 * well above; once the silence fills the window S has no value */
	{
		const double l1 = ref_s[99], l2 = ref_s[199];

		CHECK(isfinite(l1) && l1 > -20 && l1 < -10);
		for (int k = 29; k < 100; k++)
			CHECK_NEAR(ref_s[k], l1, 0.01);
		CHECK(ref_s[28] < l1 - 0.1);   /* 2.9 s: the silence before still counts */
		for (int k = 129; k < 200; k++)
			CHECK_NEAR(ref_s[k], l2, 0.01);
		CHECK(ref_s[128] > l2 + 0.1);
		CHECK_NEAR(l1 - l2, 10.0, 0.01);
		CHECK_NEAR(ref_m[105], l2, 0.01);  /* M settles in 400 ms */
		CHECK(ref_s[228] > -70);
		/* the K-weighting's tail after the cut is flushed within ~0.2 s */
		for (int k = 232; k < 300; k++)
			CHECK(ref_s[k] == -INFINITY);
		CHECK(ref_m[207] == -INFINITY);
	}

	/* a ring of 10 s keeps the newest 100 points */
	m = meter(2, NULL, 10);
	REQUIRE(m != NULL);
	CHECK_INT_EQ(loudmeter_history_capacity(m), 100);
	feed_in(m, x, 2, frames, FEED);
	loudmeter_read(m, &r);
	CHECK_INT_EQ(r.history_total, 300);
	CHECK_INT_EQ(loudmeter_history(m, hs, hm, 400), 100);
	CHECK(memcmp(hs, ref_s + 200, 100 * sizeof(float)) == 0);
	CHECK(memcmp(hm, ref_m + 200, 100 * sizeof(float)) == 0);
	CHECK_INT_EQ(loudmeter_history(m, hs, hm, 30), 30);
	CHECK(memcmp(hs, ref_s + 270, 30 * sizeof(float)) == 0);
	loudmeter_destroy(m);

	/* partial: 250 ms fed gives 2 points, the third comes at 300 ms */
	m = meter(2, NULL, 0);
	REQUIRE(m != NULL);
	loudmeter_feed(m, x, RATE / 4);
	loudmeter_read(m, &r);
	CHECK_INT_EQ(r.history_total, 2);
	loudmeter_feed(m, x + RATE / 4 * 2, RATE / 20 - 1);
	loudmeter_read(m, &r);
	CHECK_INT_EQ(r.history_total, 2);
	loudmeter_feed(m, x + (RATE / 4 + RATE / 20 - 1) * 2, 1);
	loudmeter_read(m, &r);
	CHECK_INT_EQ(r.history_total, 3);
	CHECK_INT_EQ(loudmeter_history(m, hs, NULL, 10), 3);
	CHECK(memcmp(hs, ref_s, 3 * sizeof(float)) == 0);
	loudmeter_destroy(m);
	free(x);
}

static bool
all_no_value(const struct loudmeter_reading *r)
{
	return r->momentary_lufs == -INFINITY && r->short_term_lufs == -INFINITY &&
	    r->integrated_lufs == -INFINITY && r->lra_lu == -INFINITY &&
	    r->momentary_max_lufs == -INFINITY &&
	    r->short_term_max_lufs == -INFINITY &&
	    r->true_peak_dbtp == -INFINITY && r->sample_peak_dbfs == -INFINITY;
}

static void
test_reset_and_silence(void)
{
	long frames;
	float *x = programme30(&frames), *zero;
	struct loudmeter *m, *fresh;
	struct loudmeter_reading r, r2;
	float hs[400], hs2[400];

	REQUIRE(x != NULL);
	m = meter(2, "stereo", 0);
	REQUIRE(m != NULL);
	loudmeter_read(m, &r);   /* nothing fed */
	CHECK(all_no_value(&r));
	CHECK_INT_EQ(r.frames, 0);
	CHECK_INT_EQ(r.history_total, 0);
	CHECK_INT_EQ(loudmeter_history(m, hs, NULL, 400), 0);

	feed_in(m, x, 2, frames, FEED);
	loudmeter_read(m, &r);
	CHECK(isfinite(r.integrated_lufs) && isfinite(r.lra_lu) &&
	    isfinite(r.true_peak_dbtp) && isfinite(r.sample_peak_dbfs) &&
	    isfinite(r.momentary_max_lufs) && isfinite(r.short_term_max_lufs));
	CHECK(r.momentary_lufs == -INFINITY);   /* the file ends in silence */
	CHECK(r.lra_lu > 10 && r.lra_lu < 13);   /* exactly: test_history */
	CHECK_NEAR(r.sample_peak_dbfs, 20 * log10(0.25), 0.02);   /* + noise */
	CHECK(r.true_peak_dbtp >= r.sample_peak_dbfs);
	CHECK_NEAR(r.true_peak_ch_dbtp[0], r.true_peak_dbtp, 0.01);
	CHECK_INT_EQ(r.channels, 2);
	CHECK_INT_EQ(r.invalid_samples, 0);

	loudmeter_reset(m);
	loudmeter_read(m, &r);
	CHECK(all_no_value(&r));
	CHECK_INT_EQ(r.frames, 0);
	CHECK_INT_EQ(r.history_total, 0);
	CHECK_INT_EQ(loudmeter_history(m, hs, NULL, 400), 0);

	/* after reset it reads exactly as a new meter fed the same */
	fresh = meter(2, "stereo", 0);
	REQUIRE(fresh != NULL);
	feed_in(m, x + 2 * 12345, 2, 20L * RATE, 999);
	feed_in(fresh, x + 2 * 12345, 2, 20L * RATE, FEED);
	loudmeter_read(m, &r);
	loudmeter_read(fresh, &r2);
	CHECK(memcmp(&r, &r2, sizeof r) == 0);
	CHECK_INT_EQ(loudmeter_history(m, hs, NULL, 400), 200);
	CHECK_INT_EQ(loudmeter_history(fresh, hs2, NULL, 400), 200);
	CHECK(memcmp(hs, hs2, 200 * sizeof(float)) == 0);
	loudmeter_destroy(fresh);

	/* silence: 5 s of zeros */
	zero = calloc(2 * 5 * RATE, sizeof(float));
	REQUIRE(zero != NULL);
	loudmeter_reset(m);
	feed_in(m, zero, 2, 5L * RATE, FEED);
	loudmeter_read(m, &r);
	CHECK(all_no_value(&r));
	CHECK(r.true_peak_ch_dbtp[0] == -INFINITY && r.true_peak_ch_dbtp[1] == -INFINITY);
	CHECK_INT_EQ(r.history_total, 50);
	CHECK_INT_EQ(loudmeter_history(m, hs, hs2, 400), 50);
	for (int i = 0; i < 50; i++)
		CHECK(hs[i] == -INFINITY && hs2[i] == -INFINITY);

	/* NaN and inf in the stream are counted and measured as 0 */
	zero[100] = NAN;
	zero[201] = INFINITY;
	loudmeter_reset(m);
	loudmeter_feed(m, zero, RATE);
	loudmeter_read(m, &r);
	CHECK(all_no_value(&r));
	CHECK_INT_EQ(r.invalid_samples, 2);
	free(zero);
	loudmeter_destroy(m);
	free(x);
}

/* Integrated loudness of 10 s of a 1 kHz tone with per-channel amplitudes
 * amp, through a meter with the given layout (or weights); true peak into
 * *tp when not NULL. */
static double
tone_loudness(int channels, const char *layout, const double *weights,
    const double *amp, double *tp)
{
	struct loudmeter_config cfg;
	struct loudmeter *m = NULL;
	struct loudmeter_reading r;
	const long n = 10L * RATE;
	float *x = malloc(sizeof(float) * (size_t)channels * (size_t)n);

	if (x == NULL)
		return NAN;
	tone(x, channels, n, 0, amp);
	loudmeter_config_init(&cfg, RATE, channels);
	cfg.layout = layout;
	cfg.weights = weights;
	if (loudmeter_create(&cfg, &m) != 0) {
		free(x);
		return NAN;
	}
	feed_in(m, x, channels, n, FEED);
	loudmeter_read(m, &r);
	if (tp != NULL)
		*tp = r.true_peak_dbtp;
	loudmeter_destroy(m);
	free(x);
	return r.integrated_lufs;
}

static void
test_weights(void)
{
	const double a = 0.1;
	double only[10], tp, l_front, l_sur, l_lfe, l_both, v;

	/* 5.1: L R C LFE Ls Rs */
	memset(only, 0, sizeof only);
	only[0] = a;
	l_front = tone_loudness(6, "5.1", NULL, only, NULL);
	memset(only, 0, sizeof only);
	only[4] = a;
	l_sur = tone_loudness(6, "5.1", NULL, only, NULL);
	CHECK_NEAR(l_sur - l_front, 10 * log10(1.41), 0.001);   /* +1.49 dB */
	only[4] = 0;
	only[3] = a;
	l_lfe = tone_loudness(6, "5.1", NULL, only, &tp);
	CHECK(l_lfe == -INFINITY);
	CHECK_NEAR(tp, 20 * log10(a), 0.05);   /* peaks see the LFE */
	only[0] = a;
	only[3] = 0.9;
	l_both = tone_loudness(6, "5.1", NULL, only, NULL);
	CHECK_NEAR(l_both, l_front, 1e-9);
	/* by channel count, 6 is 5.1 */
	memset(only, 0, sizeof only);
	only[5] = a;
	CHECK_NEAR(tone_loudness(6, NULL, NULL, only, NULL), l_sur, 1e-9);
	/* the centre counts 1.0 */
	memset(only, 0, sizeof only);
	only[2] = a;
	CHECK_NEAR(tone_loudness(6, "5.1", NULL, only, NULL), l_front, 1e-9);

	/* 7.1: L R C LFE Lss Rss Lrs Rrs: sides +1.5 dB, rears 0 dB */
	memset(only, 0, sizeof only);
	only[4] = a;
	CHECK_NEAR(tone_loudness(8, "7.1", NULL, only, NULL) - l_front,
	    10 * log10(1.41), 0.001);
	memset(only, 0, sizeof only);
	only[7] = a;
	CHECK_NEAR(tone_loudness(8, "7.1", NULL, only, NULL), l_front, 0.001);
	/* 7.1.2: the heights 1.0 */
	memset(only, 0, sizeof only);
	only[9] = a;
	CHECK_NEAR(tone_loudness(10, "7.1.2", NULL, only, NULL), l_front, 0.001);

	/* stereo: both channels, +3 dB over one */
	memset(only, 0, sizeof only);
	only[0] = only[1] = a;
	CHECK_NEAR(tone_loudness(2, "stereo", NULL, only, NULL) - l_front,
	    10 * log10(2.0), 0.001);

	/* explicit weights: 2.0 on channel 1 is +3 dB */
	{
		const double w[3] = { 1.0, 2.0, 0.0 };

		memset(only, 0, sizeof only);
		only[1] = a;
		v = tone_loudness(3, NULL, w, only, NULL);
		CHECK_NEAR(v - l_front, 10 * log10(2.0), 0.001);
		only[1] = 0;
		only[2] = a;
		CHECK(tone_loudness(3, NULL, w, only, NULL) == -INFINITY);
	}
}

static void
test_bad_configs(void)
{
	struct loudmeter_config cfg;
	struct loudmeter *m = (struct loudmeter *)&cfg;   /* must become NULL */
	const double wneg[2] = { 1.0, -1.0 };

	loudmeter_config_init(&cfg, RATE, 2);
	cfg.layout = "5.1";
	CHECK_INT_EQ(loudmeter_create(&cfg, &m), ERR_INVALID);
	CHECK(m == NULL);
	cfg.layout = "quad";
	CHECK_INT_EQ(loudmeter_create(&cfg, &m), ERR_INVALID);
	cfg.layout = NULL;
	cfg.channels = 5;   /* no usual layout for 5 */
	CHECK_INT_EQ(loudmeter_create(&cfg, &m), ERR_INVALID);
	cfg.channels = 0;
	CHECK_INT_EQ(loudmeter_create(&cfg, &m), ERR_INVALID);
	cfg.channels = 17;
	CHECK_INT_EQ(loudmeter_create(&cfg, &m), ERR_INVALID);
	cfg.channels = 2;
	cfg.rate_hz = 0;
	CHECK_INT_EQ(loudmeter_create(&cfg, &m), ERR_INVALID);
	cfg.rate_hz = RATE;
	cfg.history_seconds = -1;
	CHECK_INT_EQ(loudmeter_create(&cfg, &m), ERR_INVALID);
	cfg.history_seconds = NAN;
	CHECK_INT_EQ(loudmeter_create(&cfg, &m), ERR_INVALID);
	cfg.history_seconds = 0.05;   /* rounds up to one point */
	CHECK_INT_EQ(loudmeter_create(&cfg, &m), 0);
	CHECK(m != NULL && loudmeter_history_capacity(m) == 1);
	loudmeter_destroy(m);
	cfg.history_seconds = 0;
	cfg.weights = wneg;
	CHECK_INT_EQ(loudmeter_create(&cfg, &m), ERR_INVALID);
	loudmeter_destroy(NULL);
}

static void
test_spec_targets(void)
{
	struct loudmeter_targets t;

	CHECK_INT_EQ(loudmeter_spec_targets("ebu-r128", &t), 0);
	CHECK_STR_EQ(t.name, "ebu-r128");
	CHECK(!t.dialogue);
	CHECK_NEAR(t.target_lufs, -23, 0);
	CHECK_NEAR(t.tolerance_lu, 0.5, 0);
	CHECK_NEAR(t.low_lufs, -23.5, 0);
	CHECK_NEAR(t.high_lufs, -22.5, 0);
	CHECK_NEAR(t.true_peak_max_dbtp, -1, 0);
	CHECK(isnan(t.short_term_max_lufs) && isnan(t.momentary_max_lufs) &&
	    isnan(t.lra_max_lu));
	CHECK_INT_EQ(loudmeter_spec_targets("EBU-R128-S1", &t), 0);
	CHECK_NEAR(t.short_term_max_lufs, -18, 0);
	CHECK_INT_EQ(loudmeter_spec_targets("atsc-a85", &t), 0);
	CHECK_NEAR(t.low_lufs, -26, 0);
	CHECK_NEAR(t.high_lufs, -22, 0);
	CHECK_NEAR(t.true_peak_max_dbtp, -2, 0);
	CHECK_INT_EQ(loudmeter_spec_targets("netflix", &t), 0);
	CHECK(t.dialogue);
	CHECK_NEAR(t.target_lufs, -27, 0);
	CHECK_INT_EQ(loudmeter_spec_targets("nope", &t), ERR_NOTFOUND);
	CHECK_INT_EQ(loudmeter_spec_targets(NULL, &t), ERR_NOTFOUND);
}

/* espeak-ng says text into a mono WAV at path; its samples (malloc'd)
 * and rate, or NULL. */
static float *
speak(const char *text, const char *path, long *n, int *rate)
{
	char cmd[8192];
	SF_INFO info = { 0 };
	SNDFILE *f;
	float *x;

	snprintf(cmd, sizeof cmd, "espeak-ng -v en -s 160 -w '%s' \"%s\"", path,
	    text);
	if (system(cmd) != 0 || (f = sf_open(path, SFM_READ, &info)) == NULL)
		return NULL;
	x = malloc(sizeof *x * (size_t)info.frames * (size_t)info.channels);
	if (x == NULL || info.channels != 1 ||
	    sf_readf_float(f, x, info.frames) != info.frames) {
		free(x);
		sf_close(f);
		return NULL;
	}
	sf_close(f);
	*n = (long)info.frames;
	*rate = info.samplerate;
	return x;
}

static void
test_speech(void)
{
	const char *lines[2] = {
		"The package arrived this morning, but nobody signed for it. "
		"I left a note at the front desk.",
		"Where were you last night? I waited at the station for an hour.",
	};
	const double gap_s[3] = { 2.0, 3.0, 2.5 };
	float *utt[2] = { NULL, NULL }, *x = NULL;
	long un[2] = { 0, 0 }, n = 0, pos = 0;
	int rate = 0, r2 = 0;
	const char *wav = test_path("dialogue.wav");
	struct qc_measure_options o;
	struct qc_file_result fr;
	struct diag d;
	uint64_t rng = 77;
	SF_INFO info = { 0 };
	SNDFILE *f;
	const int calls[2] = { FEED, 7 };

	utt[0] = speak(lines[0], test_path("utt0.wav"), &un[0], &rate);
	utt[1] = speak(lines[1], test_path("utt1.wav"), &un[1], &r2);
	if (utt[0] == NULL || utt[1] == NULL || rate != r2) {
		TEST_FAIL_("espeak-ng could not speak the test lines (Debian: "
		    "espeak-ng)");
		goto out;
	}
	/* stereo: a bed of tone and noise throughout, the lines in both
	 * channels (a centred voice) */
	n = (long)((gap_s[0] + gap_s[1] + gap_s[2]) * rate) + un[0] + un[1];
	x = calloc((size_t)n * 2, sizeof *x);
	REQUIRE(x != NULL);
	for (long i = 0; i < n; i++)
		for (int c = 0; c < 2; c++)
			x[i * 2 + c] = (float)(0.02 * sin(2 * M_PI * 220.0 * i / rate) +
			    0.01 * ((double)(test_xorshift64(&rng) >> 11) /
			    9007199254740992.0 - 0.5));
	for (int u = 0; u < 2; u++) {
		pos += (long)(gap_s[u] * rate);
		for (long i = 0; i < un[u]; i++)
			for (int c = 0; c < 2; c++)
				x[(pos + i) * 2 + c] += 0.5f * utt[u][i];
		pos += un[u];
	}
	info.samplerate = rate;
	info.channels = 2;
	info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
	f = sf_open(wav, SFM_WRITE, &info);
	REQUIRE(f != NULL);
	CHECK_INT_EQ(sf_writef_float(f, x, n), n);
	sf_close(f);

	qc_measure_options_default(&o);
	o.threads = 1;
	o.true_peak_accurate = false;
	REQUIRE(qc_measure_file(wav, &o, &fr, &d) == 0);
	CHECK(isfinite(fr.m.speech_gated_lufs));
	CHECK(fr.m.speech_percent > 20 && fr.m.speech_percent < 95);
	for (int t = 0; t < 2; t++) {
		struct loudmeter_config cfg;
		struct loudmeter *m = NULL;
		struct loudmeter_reading r;

		loudmeter_config_init(&cfg, rate, 2);
		cfg.speech = true;
		REQUIRE(loudmeter_create(&cfg, &m) == 0);
		feed_in(m, x, 2, n, calls[t]);
		loudmeter_read(m, &r);
		CHECK_NEAR(r.integrated_lufs, fr.m.integrated_lufs, 1e-9);
		CHECK_NEAR(r.speech_gated_lufs, fr.m.speech_gated_lufs, 1e-9);
		CHECK_NEAR(r.speech_percent, fr.m.speech_percent, 1e-9);
		if (t == 0)
			printf("dialogue: I %.2f LUFS, dialogue-gated %.2f LUFS, "
			    "speech %.0f %% (measure: %.2f, %.0f %%)\n",
			    r.integrated_lufs, r.speech_gated_lufs, r.speech_percent,
			    fr.m.speech_gated_lufs, fr.m.speech_percent);
		/* reset restarts the detector too */
		loudmeter_reset(m);
		loudmeter_read(m, &r);
		CHECK(r.speech_gated_lufs == -INFINITY);
		feed_in(m, x, 2, n, FEED);
		loudmeter_read(m, &r);
		CHECK_NEAR(r.speech_gated_lufs, fr.m.speech_gated_lufs, 1e-9);
		loudmeter_destroy(m);
	}
	/* without cfg.speech: not measured */
	{
		struct loudmeter *m = meter(2, NULL, 0);
		struct loudmeter_reading r;

		REQUIRE(m != NULL);
		loudmeter_feed(m, x, rate);
		loudmeter_read(m, &r);
		CHECK(isnan(r.speech_gated_lufs) && isnan(r.speech_percent));
		loudmeter_destroy(m);
	}
out:
	free(utt[0]);
	free(utt[1]);
	free(x);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The console's load: 30 feeds a second of 1600 frames of 7.1, and a read
 * after each. Printed only. */
static void
bench(bool accurate, bool speech)
{
	enum { CH = 8, N = 1600, FEEDS = 900 };   /* 30 s at 48 kHz */
	static float x[CH * N];
	struct loudmeter_config cfg;
	struct loudmeter *m = NULL;
	struct loudmeter_reading r;
	uint64_t rng = 12345;
	double t0, t_feed = 0, t_read = 0;

	for (int i = 0; i < CH * N; i++)
		x[i] = (float)(((double)(test_xorshift64(&rng) >> 11) /
		    9007199254740992.0 - 0.5) * 0.2);
	loudmeter_config_init(&cfg, RATE, CH);
	cfg.true_peak_accurate = accurate;
	cfg.speech = speech;
	REQUIRE(loudmeter_create(&cfg, &m) == 0);
	for (int k = 0; k < FEEDS; k++) {
		t0 = now_s();
		loudmeter_feed(m, x, N);
		t_feed += now_s() - t0;
		t0 = now_s();
		loudmeter_read(m, &r);
		t_read += now_s() - t0;
	}
	CHECK(isfinite(r.integrated_lufs));
	printf("cost (%s true peak%s, 7.1, %d frames): feed %.1f us, read %.1f us; "
	    "%.2f%% of one core at 30 feeds/s\n", accurate ? "accurate" : "Annex 2",
	    speech ? ", dialogue gating" : "", N, t_feed / FEEDS * 1e6,
	    t_read / FEEDS * 1e6, (t_feed + t_read) / FEEDS * 30 * 100);
	loudmeter_destroy(m);
}

int
main(void)
{
	test_spec_targets();
	test_bad_configs();
	test_weights();
	test_history();
	test_reset_and_silence();
	test_speech();
	test_ebu_set();
	bench(false, false);
	bench(true, false);
	bench(false, true);
	return test_report();
}
