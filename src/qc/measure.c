/*
 * measure.c - reading a file and running a loudness meter over it.
 *
 * The file is read in blocks of READ_FRAMES with libsndfile, deinterleaved
 * and fed to the meter; every 100 ms of audio the series (for plots) gets
 * a point. Two meters: ours (dsp/loudness, with the speech detector for
 * dialogue gating) and libebur128 (for comparison; no speech gating).
 */
#include "qc/measure.h"
#include "qc/layout.h"
#include "dsp/loudness.h"
#include "dsp/speech.h"

#include <ebur128.h>
#include <math.h>
#include <pthread.h>
#include <semaphore.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define READ_FRAMES 4800

void
qc_measure_options_default(struct qc_measure_options *o)
{
	memset(o, 0, sizeof *o);
	o->meter = QC_METER_DUBSTAGE;
	o->speech = true;
	o->true_peak_accurate = true;
	o->threads = 2;
}

static double
to_db(double lin)
{
	return lin > 0 ? 20 * log10(lin) : -INFINITY;
}

static int
ebur128_channel(enum qc_speaker s)
{
	switch (s) {
	case SPK_MONO: return EBUR128_DUAL_MONO;
	case SPK_L: return EBUR128_LEFT;
	case SPK_R: return EBUR128_RIGHT;
	case SPK_C: return EBUR128_CENTER;
	case SPK_LFE: return EBUR128_UNUSED;
	case SPK_LS: return EBUR128_Mp110;
	case SPK_RS: return EBUR128_Mm110;
	case SPK_LSS: return EBUR128_Mp090;
	case SPK_RSS: return EBUR128_Mm090;
	case SPK_LRS: return EBUR128_Mp135;
	case SPK_RRS: return EBUR128_Mm135;
	default: return EBUR128_LEFT;   /* heights and others: weight 1.0 */
	}
}

/* libebur128 over the whole file: the independent cross-check. */
static int
measure_ebur128(SNDFILE *f, const SF_INFO *info, const struct qc_layout *lay,
    const struct qc_measure_options *o, struct qc_file_result *r,
    struct diag *d)
{
	ebur128_state *st = ebur128_init((unsigned)info->channels,
	    (unsigned long)info->samplerate, EBUR128_MODE_I | EBUR128_MODE_LRA |
	    EBUR128_MODE_TRUE_PEAK | EBUR128_MODE_S | EBUR128_MODE_M);
	float *buf = malloc((size_t)READ_FRAMES * (size_t)info->channels *
	    sizeof *buf);
	int64_t done = 0;
	double v, mmax = -INFINITY, smax = -INFINITY;
	sf_count_t n;
	int rc = 0;

	if (st == NULL || buf == NULL) {
		rc = diag_set(d, ERR_NOMEM, NULL, 0, "out of memory");
		goto out;
	}
	for (int c = 0; c < info->channels; c++)
		ebur128_set_channel(st, (unsigned)c, ebur128_channel(lay->speaker[c]));
	while ((n = sf_readf_float(f, buf, READ_FRAMES)) > 0) {
		/* 100 ms steps: libebur128 updates M every 100 ms */
		ebur128_add_frames_float(st, buf, (size_t)n);
		if (ebur128_loudness_momentary(st, &v) == 0 && v > mmax)
			mmax = v;
		if (ebur128_loudness_shortterm(st, &v) == 0 && v > smax)
			smax = v;
		if (o->series != NULL) {
			double m = -INFINITY, s = -INFINITY, i = -INFINITY;

			ebur128_loudness_momentary(st, &m);
			ebur128_loudness_shortterm(st, &s);
			ebur128_loudness_global(st, &i);
			qc_series_add(o->series, (float)m, (float)s, (float)i,
			    -INFINITY);
		}
		done += n;
		if (o->progress != NULL)
			o->progress(o->progress_ctx, done, info->frames);
	}
	r->m.momentary_max_lufs = mmax;
	r->m.short_term_max_lufs = smax;
	if (ebur128_loudness_global(st, &v) == 0)
		r->m.integrated_lufs = v;
	if (ebur128_loudness_range(st, &v) == 0)
		r->m.lra_lu = v;
	r->m.true_peak_dbtp = r->sample_peak_dbfs = -INFINITY;
	for (int c = 0; c < info->channels; c++) {
		double tp = 0, sp = 0;

		ebur128_true_peak(st, (unsigned)c, &tp);
		ebur128_sample_peak(st, (unsigned)c, &sp);
		r->true_peak_ch_dbtp[c] = to_db(tp);
		r->sample_peak_ch_dbfs[c] = to_db(sp);
		if (r->true_peak_ch_dbtp[c] > r->m.true_peak_dbtp)
			r->m.true_peak_dbtp = r->true_peak_ch_dbtp[c];
		if (r->sample_peak_ch_dbfs[c] > r->sample_peak_dbfs)
			r->sample_peak_dbfs = r->sample_peak_ch_dbfs[c];
	}
	r->m.speech_gated_lufs = NAN;   /* libebur128 has no speech gate */
	r->m.speech_percent = NAN;
out:
	ebur128_destroy(&st);
	free(buf);
	return rc;
}

/*
 * A WAV/AIFF whose header announces more audio than the file holds was cut
 * short (an interrupted copy or transfer). libsndfile reads what is there
 * and notes it in its log ("data : N (should be M)"); a QC measurement of a
 * partial file would be misleading, so it is refused.
 */
static int
check_truncated(SNDFILE *f, const char *path, struct diag *d)
{
	char log[8192], *line;
	long long said, is;

	if (sf_command(f, SFC_GET_LOG_INFO, log, sizeof log) <= 0)
		return 0;
	for (line = log; line != NULL && *line != '\0'; ) {
		char *next = strchr(line, '\n');

		if ((strncmp(line, "data", 4) == 0 || strncmp(line, "SSND", 4) == 0) &&
		    sscanf(line + 4, " : %lld (should be %lld)", &said, &is) == 2 &&
		    is < said)
			return diag_set(d, ERR_INVALID, path, 0, "truncated: the "
			    "header announces %lld bytes of audio, the file holds "
			    "%lld", said, is);
		line = next != NULL ? next + 1 : NULL;
	}
	return 0;
}

/* ---- our meter ------------------------------------------------------------ */

#define OURS_BLOCK_FRAMES 16384   /* read per block (plots: 100 ms); fits in cache */

/* A second thread for the meter's second part: it runs part 1 on the block
 * the main thread announces, while the main thread runs part 0. */
struct helper {
	pthread_t thread;
	sem_t go, done;
	struct loudness *m;
	const float *const *ch;
	int channels;
	int frames;
	bool quit;
	/* the speech detector runs here too, beside part 1 */
	struct speech *sp;
	const struct qc_layout *lay;
	float *mono;
};

/* One part over all frames. A part takes fewer only when it is ~10 s ahead
 * of the last commit, which blocks of OURS_BLOCK_FRAMES never are; the
 * loop keeps it correct (and advances the planes) if that ever changes. */
static void
process_part_all(struct loudness *m, int part, const float *const *ch,
    int n, int frames)
{
	const float *at[QC_MAX_CHANNELS];

	for (int done = 0; done < frames; ) {
		for (int c = 0; c < n; c++)
			at[c] = ch[c] + done;
		done += loudness_process_part(m, part, at, frames - done);
	}
}

static void *
helper_main(void *arg)
{
	struct helper *h = arg;

	for (;;) {
		sem_wait(&h->go);
		if (h->quit)
			return NULL;
		process_part_all(h->m, 1, h->ch, h->channels, h->frames);
		if (h->sp != NULL) {
			qc_speech_signal(h->lay, h->ch, h->frames, h->mono);
			speech_process(h->sp, h->mono, h->frames);
		}
		sem_post(&h->done);
	}
}

/*
 * Reading: libsndfile parses the container and delivers the bytes; for the
 * common 16- and 24-bit little-endian PCM (WAV, WAVEX, RF64, W64) the bytes
 * are converted straight into the planar floats the meter wants, in one
 * pass (libsndfile's own conversion plus a deinterleave was most of the
 * reading time). Values equal libsndfile's normalised floats exactly:
 * both scale the integer by a power of two. Other formats go through
 * sf_readf_float.
 */
struct reader {
	SNDFILE *f;
	int channels;
	int bytes;                   /* per sample when raw, else 0 */
	unsigned char *raw;
	float *inter;
};

static int
reader_init(struct reader *rd, SNDFILE *f, const SF_INFO *info, int block)
{
	int major = info->format & SF_FORMAT_TYPEMASK;
	int sub = info->format & SF_FORMAT_SUBMASK;
	int endian = info->format & SF_FORMAT_ENDMASK;
	bool little = (major == SF_FORMAT_WAV || major == SF_FORMAT_WAVEX ||
	    major == SF_FORMAT_RF64 || major == SF_FORMAT_W64) &&
	    (endian == SF_ENDIAN_FILE || endian == SF_ENDIAN_LITTLE);

	memset(rd, 0, sizeof *rd);
	rd->f = f;
	rd->channels = info->channels;
	if (little && sub == SF_FORMAT_PCM_24)
		rd->bytes = 3;
	else if (little && sub == SF_FORMAT_PCM_16)
		rd->bytes = 2;
	if (rd->bytes != 0)
		rd->raw = malloc((size_t)block * (size_t)info->channels *
		    (size_t)rd->bytes + 4);
	else
		rd->inter = malloc((size_t)block * (size_t)info->channels *
		    sizeof *rd->inter);
	return rd->raw != NULL || rd->inter != NULL ? 0 : ERR_NOMEM;
}

static void
reader_fini(struct reader *rd)
{
	free(rd->raw);
	free(rd->inter);
}

/* Reads up to frames frames into planes; returns how many (0 at the end). */
static int
reader_read(struct reader *rd, float *const *planes, int frames)
{
	int ch = rd->channels;

	if (rd->bytes == 0) {
		sf_count_t n = sf_readf_float(rd->f, rd->inter, frames);

		for (int c = 0; c < ch; c++) {
			float *restrict dst = planes[c];

			for (sf_count_t i = 0; i < n; i++)
				dst[i] = rd->inter[(size_t)i * (size_t)ch + (size_t)c];
		}
		return (int)n;
	}
	sf_count_t want = (sf_count_t)frames * ch * rd->bytes;
	sf_count_t got = sf_read_raw(rd->f, rd->raw, want);
	int n = (int)(got / (ch * rd->bytes));
	const unsigned char *p = rd->raw;

	/* one pass over the bytes, frame by frame (the block is sized to stay
	 * in cache); each channel's plane fills sequentially */
	if (rd->bytes == 3) {
		/* a 4-byte load takes the sample plus the next byte, which the
		 * shift drops (the buffer has a spare byte at its end) */
		for (int i = 0; i < n; i++)
			for (int c = 0; c < ch; c++, p += 3) {
				uint32_t w;

				memcpy(&w, p, 4);
				planes[c][i] = (float)(int32_t)(w << 8) *
				    (1.0f / 2147483648.0f);
			}
	} else {
		for (int i = 0; i < n; i++)
			for (int c = 0; c < ch; c++, p += 2)
				planes[c][i] = (float)(int16_t)(p[0] | p[1] << 8) *
				    (1.0f / 32768.0f);
	}
	return n;
}

static void
feed_speech_flags(struct speech *sp, struct loudness *m)
{
	struct speech_step step;

	while (speech_pop(sp, &step) == 1)
		loudness_set_speech_hop(m, step.step, step.active);
}

/*
 * Read-ahead: a thread reads and converts the next block into the other
 * of two buffers while the meter works on this one, so file reading,
 * conversion and metering overlap on the two cores.
 */
struct readahead {
	struct reader *rd;
	int block;
	float *planes[2][QC_MAX_CHANNELS];
	int frames[2];
	sem_t filled[2], empty[2];
	pthread_t thread;
	bool stop, on;
};

static void *
readahead_main(void *arg)
{
	struct readahead *ra = arg;

	for (int k = 0;; k ^= 1) {
		sem_wait(&ra->empty[k]);
		if (ra->stop)
			return NULL;
		ra->frames[k] = reader_read(ra->rd, ra->planes[k], ra->block);
		sem_post(&ra->filled[k]);
		if (ra->frames[k] == 0)
			return NULL;
	}
}

static int
readahead_start(struct readahead *ra)
{
	for (int k = 0; k < 2; k++) {
		sem_init(&ra->filled[k], 0, 0);
		sem_init(&ra->empty[k], 0, 1);
	}
	ra->on = pthread_create(&ra->thread, NULL, readahead_main, ra) == 0;
	return ra->on ? 0 : ERR_NOMEM;
}

/* The next block (its buffer index in *k): frames, 0 at the end. */
static int
readahead_next(struct readahead *ra, int k)
{
	sem_wait(&ra->filled[k]);
	return ra->frames[k];
}

static void
readahead_release(struct readahead *ra, int k)
{
	sem_post(&ra->empty[k]);
}

static void
readahead_stop(struct readahead *ra)
{
	if (!ra->on)
		return;
	ra->stop = true;
	sem_post(&ra->empty[0]);
	sem_post(&ra->empty[1]);
	pthread_join(ra->thread, NULL);
	for (int k = 0; k < 2; k++) {
		sem_destroy(&ra->filled[k]);
		sem_destroy(&ra->empty[k]);
	}
	ra->on = false;
}

static int
measure_ours(SNDFILE *f, const SF_INFO *info, const struct qc_layout *lay,
    const struct qc_measure_options *o, struct qc_file_result *r,
    struct diag *d)
{
	struct loudness_config cfg;
	struct loudness *m = NULL;
	struct loudness_result res;
	struct speech *sp = NULL;
	struct helper h = { 0 };
	bool helper_on = false;
	int nch = info->channels, block, rc = 0;
	float **planes, *mono = NULL, *arena = NULL;
	struct reader rd = { 0 };
	struct readahead ra = { 0 };
	int64_t done = 0;
	int n, k = 0;

	block = o->series != NULL ? info->samplerate / 10 : OURS_BLOCK_FRAMES;
	loudness_config_init(&cfg, info->samplerate, nch, LOUDNESS_LAYOUT_CUSTOM);
	for (int c = 0; c < nch; c++)
		cfg.weights[c] = lay->weight[c];
	cfg.true_peak = o->true_peak_accurate ? LOUDNESS_TP_ACCURATE :
	    LOUDNESS_TP_ANNEX2;
	cfg.parts = o->threads >= 2 ? 2 : 1;
	if (o->speech) {
		if (speech_create(&sp, info->samplerate) != 0) {
			rc = diag_set(d, ERR_NOMEM, NULL, 0, "out of memory");
			goto out;
		}
		/* decisions come late: the detector's latency plus one block */
		cfg.speech_delay_hops = speech_get_latency_steps(sp) +
		    (int)((int64_t)block * 10 / info->samplerate) + 2;
		if (cfg.speech_delay_hops > LOUDNESS_MAX_SPEECH_DELAY_HOPS)
			cfg.speech_delay_hops = LOUDNESS_MAX_SPEECH_DELAY_HOPS;
	}
	if (loudness_create(&cfg, &m) != 0) {
		rc = diag_set(d, ERR_NOMEM, NULL, 0, "cannot set up the meter");
		goto out;
	}
	mono = malloc((size_t)block * sizeof *mono);
	/* one allocation, each channel 40 floats further than a multiple of
	 * the block: equal 4 KiB offsets would make the per-channel stores
	 * alias in the store buffer and halve the conversion's speed */
	arena = malloc((size_t)(block + 40) * (size_t)nch * 2 * sizeof *arena);
	for (int b = 0; arena != NULL && b < 2; b++)
		for (int c = 0; c < nch; c++)
			ra.planes[b][c] = arena + (size_t)(b * nch + c) *
			    (size_t)(block + 40);
	if (reader_init(&rd, f, info, block) != 0 || mono == NULL ||
	    arena == NULL) {
		rc = diag_set(d, ERR_NOMEM, NULL, 0, "out of memory");
		goto out;
	}
	ra.rd = &rd;
	ra.block = block;
	if (readahead_start(&ra) != 0) {
		rc = diag_set(d, ERR_NOMEM, NULL, 0, "cannot start a thread");
		goto out;
	}
	if (loudness_parts(m) == 2) {
		h.m = m;
		h.channels = nch;
		h.sp = sp;
		h.lay = lay;
		h.mono = mono;
		sem_init(&h.go, 0, 0);
		sem_init(&h.done, 0, 0);
		helper_on = pthread_create(&h.thread, NULL, helper_main, &h) == 0;
		if (!helper_on) {
			sem_destroy(&h.go);
			sem_destroy(&h.done);
		}
	}
	for (; (n = readahead_next(&ra, k)) > 0; readahead_release(&ra, k), k ^= 1) {
		int frames = n;

		planes = ra.planes[k];
		h.ch = (const float *const *)planes;
		if (loudness_parts(m) == 1) {
			loudness_process(m, (const float *const *)planes, frames);
		} else {
			if (helper_on) {
				h.frames = frames;
				sem_post(&h.go);
			} else {
				process_part_all(m, 1, (const float *const *)planes,
				    nch, frames);
			}
			process_part_all(m, 0, (const float *const *)planes, nch,
			    frames);
			if (helper_on)
				sem_wait(&h.done);
			loudness_commit(m);
		}
		if (sp != NULL) {
			if (!helper_on) {
				qc_speech_signal(lay, (const float *const *)planes,
				    frames, mono);
				speech_process(sp, mono, frames);
			}
			feed_speech_flags(sp, m);
		}
		if (o->series != NULL) {
			double mom, st;

			loudness_get_live(m, &mom, &st);
			qc_series_add(o->series, (float)mom, (float)st,
			    (float)loudness_get_integrated(m),
			    (float)loudness_get_true_peak(m));
		}
		done += n;
		if (o->progress != NULL)
			o->progress(o->progress_ctx, done, info->frames);
	}
	readahead_stop(&ra);
	if (sp != NULL) {
		speech_finish(sp);
		feed_speech_flags(sp, m);
	}
	loudness_get(m, &res);
	r->m.integrated_lufs = res.integrated_lufs;
	r->m.lra_lu = res.lra_lu;
	r->lra_low_lufs = res.lra_low_lufs;
	r->lra_high_lufs = res.lra_high_lufs;
	r->m.momentary_max_lufs = res.momentary_max_lufs;
	r->m.short_term_max_lufs = res.short_term_max_lufs;
	r->m.true_peak_dbtp = res.true_peak_dbtp;
	r->sample_peak_dbfs = res.sample_peak_dbfs;
	r->m.speech_gated_lufs = sp != NULL ? res.speech_gated_lufs : NAN;
	r->m.speech_percent = sp != NULL ? res.speech_percent : NAN;
	for (int c = 0; c < nch; c++) {
		r->true_peak_ch_dbtp[c] = res.true_peak_ch_dbtp[c];
		r->sample_peak_ch_dbfs[c] = res.sample_peak_ch_dbfs[c];
	}
out:
	readahead_stop(&ra);
	if (helper_on) {
		h.quit = true;
		sem_post(&h.go);
		pthread_join(h.thread, NULL);
		sem_destroy(&h.go);
		sem_destroy(&h.done);
	}
	free(arena);
	reader_fini(&rd);
	free(mono);
	loudness_destroy(m);
	speech_destroy(sp);
	return rc;
}

int
qc_measure_file(const char *path, const struct qc_measure_options *o,
    struct qc_file_result *r, struct diag *d)
{
	SF_INFO info = { 0 };
	SNDFILE *f;
	struct qc_layout lay;
	int rc;

	memset(r, 0, sizeof *r);
	r->m.integrated_lufs = r->m.lra_lu = -INFINITY;
	r->m.speech_gated_lufs = -INFINITY;
	r->lra_low_lufs = r->lra_high_lufs = -INFINITY;
	diag_clear(d);
	f = sf_open(path, SFM_READ, &info);
	if (f == NULL)
		return diag_set(d, ERR_IO, path, 0, "not readable as audio: %s",
		    sf_strerror(NULL));
	if ((rc = check_truncated(f, path, d)) != 0) {
		sf_close(f);
		return rc;
	}
	if (info.frames <= 0) {
		sf_close(f);
		return diag_set(d, ERR_INVALID, path, 0, "no audio in the file "
		    "(zero length)");
	}
	if ((rc = qc_layout_of(f, info.channels, o->layout, &lay, d)) != 0) {
		sf_close(f);
		snprintf(d->file, sizeof d->file, "%s", path);
		return rc;
	}
	r->channels = info.channels;
	r->sample_rate_hz = info.samplerate;
	r->frames = info.frames;
	snprintf(r->layout, sizeof r->layout, "%s", lay.name);
	for (int c = 0; c < info.channels; c++)
		snprintf(r->channel_names[c], sizeof r->channel_names[c], "%s",
		    lay.label[c]);
	if (o->meter == QC_METER_LIBEBUR128)
		rc = measure_ebur128(f, &info, &lay, o, r, d);
	else
		rc = measure_ours(f, &info, &lay, o, r, d);
	sf_close(f);
	if (rc != 0 && d->file[0] == '\0')
		snprintf(d->file, sizeof d->file, "%s", path);
	return rc;
}
