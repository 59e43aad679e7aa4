#include "bounce/deliver.h"
#include "bounce/wav_out.h"
#include "base/json.h"
#include "base/path.h"
#include "dsp/limiter.h"

#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK 4096
#define MAX_PASSES 4

/* "dir/.name.render.wav" for master path "dir/name.wav". */
static void
scratch_path(const char *master, char *buf, size_t size)
{
	char *dir = path_dirname(master);
	const char *base = path_basename(master);
	size_t n = strlen(base);

	if (n > 4 && strcmp(base + n - 4, ".wav") == 0)
		n -= 4;
	snprintf(buf, size, "%s/.%.*s.render.wav", dir ? dir : ".", (int)n, base);
	free(dir);
}

struct copier {
	SNDFILE *in;
	SF_INFO info;
	struct wav_out *out;
	float *inter, *planes[16];
};

static void
copier_close(struct copier *c)
{
	if (c->in != NULL)
		sf_close(c->in);
	wav_out_abort(c->out);
	free(c->inter);
	for (int k = 0; k < 16; k++)
		free(c->planes[k]);
	memset(c, 0, sizeof *c);
}

/* Opens a scratch render for reading and its final file for writing. */
static int
copier_open(struct copier *c, const char *from, const char *to,
    enum chan_format fmt, const struct session *s,
    const struct bounce_options *o, int64_t start, uint64_t seed,
    struct diag *d)
{
	struct wav_out_options wo;
	char description[257];

	memset(c, 0, sizeof *c);
	c->in = sf_open(from, SFM_READ, &c->info);
	if (c->in == NULL)
		return diag_set(d, ERR_IO, from, 0, "cannot read the render: %s",
		    sf_strerror(NULL));
	c->inter = malloc((size_t)BLOCK * (size_t)c->info.channels * sizeof(float));
	for (int k = 0; k < c->info.channels && k < 16; k++)
		c->planes[k] = malloc(BLOCK * sizeof(float));
	if (c->inter == NULL || c->planes[c->info.channels - 1] == NULL)
		return diag_set(d, ERR_NOMEM, NULL, 0, "out of memory");
	memset(&wo, 0, sizeof wo);
	snprintf(description, sizeof description, "%s", s->name ? s->name : "");
	wo.layout = (enum wav_layout)fmt;
	wo.sample_rate_hz = s->sample_rate_hz;
	wo.format = o->sample_format;
	wo.total_frames = c->info.frames;
	wo.bext_time_reference = (uint64_t)start;
	wo.bext_description = description;
	wo.bext_originator = "dubstage";
	wo.dither_seed = seed;
	wo.rf64_threshold_bytes = o->rf64_threshold_bytes;
	return wav_out_open(&c->out, to, &wo, d);
}

/* Reads up to BLOCK frames as planes; the count, 0 at the end. */
static int
copier_read(struct copier *c)
{
	sf_count_t n = sf_readf_float(c->in, c->inter, BLOCK);
	int ch = c->info.channels;

	for (int k = 0; k < ch; k++)
		for (sf_count_t i = 0; i < n; i++)
			c->planes[k][i] = c->inter[i * ch + k];
	return (int)n;
}

/* A stem: the scratch render times the gain into its final file. */
static int
deliver_stem(const char *from, const char *to, enum chan_format fmt,
    const struct session *s, const struct bounce_options *o, int64_t start,
    uint64_t seed, double gain_db, struct diag *d)
{
	struct copier c;
	float g = (float)pow(10.0, gain_db / 20.0);
	int rc = copier_open(&c, from, to, fmt, s, o, start, seed, d), n;

	while (rc == 0 && (n = copier_read(&c)) > 0) {
		for (int k = 0; k < c.info.channels; k++)
			for (int i = 0; i < n; i++)
				c.planes[k][i] *= g;
		rc = wav_out_write(c.out, (const float *const *)c.planes, n, d);
	}
	if (rc == 0) {
		rc = wav_out_finish(c.out, d);
		c.out = NULL;
	}
	copier_close(&c);
	return rc;
}

/* The master: gain, true-peak limiter (latency compensated), written. */
static int
deliver_master(const char *from, const char *to, enum chan_format fmt,
    const struct session *s, const struct bounce_options *o, int64_t start,
    const struct qc_spec *spec, double gain_db, double margin_db,
    struct diag *d)
{
	struct limiter_params lp;
	struct limiter_coefs lc;
	struct limiter *lim = NULL;
	struct copier c;
	int rc, n, skip, lat;

	rc = copier_open(&c, from, to, fmt, s, o, start, 1, d);
	if (rc != 0)
		goto out;
	limiter_params_default(&lp);
	lp.ceiling_db = spec->true_peak_max_dbtp;
	lp.gain_db = gain_db;
	lp.margin_db = margin_db;
	lim = aligned_alloc(64, (sizeof *lim + 63) / 64 * 64);
	if (lim == NULL || limiter_design(&lp, s->sample_rate_hz, &lc) != 0 ||
	    limiter_init(lim, c.info.channels, &lc) != 0) {
		rc = diag_set(d, ERR_INVALID, NULL, 0, "cannot limit to %.1f dBTP "
		    "with a gain of %.1f dB", lp.ceiling_db, gain_db);
		goto out;
	}
	lat = skip = limiter_latency_frames(lim);
	while ((n = copier_read(&c)) > 0) {
		float *p[16];

		limiter_process(lim, c.planes, n);
		/* the first `latency` frames out are the limiter's silence */
		int drop = skip < n ? skip : n;

		skip -= drop;
		for (int k = 0; k < c.info.channels; k++)
			p[k] = c.planes[k] + drop;
		if (n - drop > 0 &&
		    (rc = wav_out_write(c.out, (const float *const *)p, n - drop, d)))
			goto out;
	}
	/* the last `latency` input frames are still inside: flush them */
	while (lat > 0) {
		int k = lat < BLOCK ? lat : BLOCK;

		limiter_flush(lim, c.planes, k);
		if ((rc = wav_out_write(c.out, (const float *const *)c.planes, k, d)))
			goto out;
		lat -= k;
	}
	rc = wav_out_finish(c.out, d);
	c.out = NULL;
out:
	copier_close(&c);
	free(lim);
	return rc;
}

static double
delivered_loudness(const struct qc_spec *spec, const struct qc_file_result *r)
{
	return spec->basis == QC_DIALOGUE ? r->m.speech_gated_lufs :
	    r->m.integrated_lufs;
}

struct report {
	const struct deliver_result *res;
	const struct qc_spec *spec;
};

static void
fill_report(struct json *jp, void *ctx)
{
	const struct deliver_result *res = ((struct report *)ctx)->res;
	const struct qc_spec *spec = ((struct report *)ctx)->spec;

	json_object_begin(jp);
	json_key(jp, "file");
	json_string(jp, res->files.paths[0]);
	json_key(jp, "spec");
	json_string(jp, spec->name);
	json_key(jp, "compliant");
	json_bool(jp, res->verdict.pass);
	json_key_double(jp, "gain_db", res->gain_db);
	json_key_double(jp, "limiter_ceiling_dbtp", spec->true_peak_max_dbtp);
	json_key_double(jp, "limiter_margin_db", res->margin_db);
	json_key(jp, "limit_passes");
	json_int(jp, res->passes);
	json_key(jp, "before");
	json_object_begin(jp);
	json_key_double(jp, "integrated_lufs", res->before.m.integrated_lufs);
	json_key_double(jp, "speech_gated_lufs", res->before.m.speech_gated_lufs);
	json_key_double(jp, "true_peak_dbtp", res->before.m.true_peak_dbtp);
	json_object_end(jp);
	json_key(jp, "after");
	json_object_begin(jp);
	json_key_double(jp, "integrated_lufs", res->after.m.integrated_lufs);
	json_key_double(jp, "speech_gated_lufs", res->after.m.speech_gated_lufs);
	json_key_double(jp, "speech_percent", res->after.m.speech_percent);
	json_key_double(jp, "lra_lu", res->after.m.lra_lu);
	json_key_double(jp, "short_term_max_lufs", res->after.m.short_term_max_lufs);
	json_key_double(jp, "momentary_max_lufs", res->after.m.momentary_max_lufs);
	json_key_double(jp, "true_peak_dbtp", res->after.m.true_peak_dbtp);
	json_object_end(jp);
	json_key(jp, "criteria");
	qc_verdict_json(jp, &res->verdict);
	json_object_end(jp);
}

int
bounce_deliver(const struct session *s, const struct bounce_options *o,
    const struct qc_spec *spec, struct deliver_result *res, struct diag *d)
{
	struct bounce_options pass1 = *o;
	struct bounce_result raw;
	struct qc_measure_options mo;
	char scratch[4096], stem_scratch[BOUNCE_MAX_STEMS][4096];
	enum chan_format fmt[1 + BOUNCE_MAX_STEMS];
	int64_t start;
	double loud;
	int rc;

	memset(res, 0, sizeof *res);
	scratch_path(o->master_path, scratch, sizeof scratch);
	pass1.master_path = scratch;
	pass1.sample_format = WAV_FLOAT32;   /* no rounding before the limiter */
	pass1.stems_dir = NULL;
	rc = bounce_run(s, &pass1, &raw, d);
	if (rc != 0)
		return rc;
	for (int i = 1; i < raw.file_count; i++)
		snprintf(stem_scratch[i - 1], sizeof stem_scratch[0], "%s",
		    raw.paths[i]);
	/* the formats written: read them back from the scratch files */
	for (int i = 0; i < raw.file_count; i++) {
		SF_INFO info = { 0 };
		SNDFILE *f = sf_open(raw.paths[i], SFM_READ, &info);

		fmt[i] = info.channels == 1 ? CHAN_MONO : info.channels == 2 ?
		    CHAN_STEREO : info.channels == 6 ? CHAN_5_1 : info.channels == 8 ?
		    CHAN_7_1 : CHAN_7_1_2;
		if (f != NULL)
			sf_close(f);
	}
	start = o->end_frames > o->start_frames ? o->start_frames :
	    s->timecode.start_frames;

	qc_measure_options_default(&mo);
	mo.speech = spec->basis == QC_DIALOGUE;
	if ((rc = qc_measure_file(scratch, &mo, &res->before, d)) != 0)
		goto out;
	loud = delivered_loudness(spec, &res->before);
	if (!isfinite(loud)) {
		rc = diag_set(d, ERR_SEMANTIC, o->master_path, 0, "nothing to "
		    "measure: the render is %s", spec->basis == QC_DIALOGUE ?
		    "without detectable speech" : "silent");
		goto out;
	}
	res->gain_db = spec->target_lufs - loud;
	res->margin_db = 0.1;
	snprintf(res->report_path, sizeof res->report_path, "%s.qc.json",
	    o->master_path);
	/* stems: the master's gain, written once */
	res->files.file_count = raw.file_count;
	res->files.frames = raw.frames;
	snprintf(res->files.paths[0], sizeof res->files.paths[0], "%s",
	    o->master_path);
	for (int i = 1; i < raw.file_count; i++) {
		const char *name = strrchr(stem_scratch[i - 1], '.');
		char stem_name[256];
		const char *b = path_basename(stem_scratch[i - 1]);
		size_t skip = strlen(path_basename(scratch)) - 4;   /* ".x.render" */

		/* scratch stems are ".<base>.render.<stem>.wav" */
		snprintf(stem_name, sizeof stem_name, "%.*s",
		    (int)(name - (b + skip + 1)), b + skip + 1);
		bounce_stem_path(o, stem_name, res->files.paths[i],
		    sizeof res->files.paths[0]);
		rc = deliver_stem(stem_scratch[i - 1], res->files.paths[i],
		    fmt[i], s, o, start, 2 + (uint64_t)i, res->gain_db, d);
		if (rc != 0)
			goto out;
	}
	for (res->passes = 1; res->passes <= MAX_PASSES; res->passes++) {
		rc = deliver_master(scratch, o->master_path, fmt[0], s, o, start,
		    spec, res->gain_db, res->margin_db, d);
		if (rc == 0)
			rc = qc_measure_file(o->master_path, &mo, &res->after, d);
		if (rc != 0)
			goto out;
		qc_judge(spec, &res->after.m, &res->verdict);
		if (res->verdict.pass || res->passes == MAX_PASSES)
			break;
		/* still over the ceiling: limit harder; off target (the
		 * limiter took loudness away): add that back */
		if (res->after.m.true_peak_dbtp > spec->true_peak_max_dbtp)
			res->margin_db += res->after.m.true_peak_dbtp -
			    spec->true_peak_max_dbtp + 0.05;
		loud = delivered_loudness(spec, &res->after);
		if (isfinite(loud) && fabs(loud - spec->target_lufs) >
		    spec->tolerance_lu / 2)
			res->gain_db += spec->target_lufs - loud;
	}
	rc = json_save(res->report_path, fill_report,
	    &(struct report){ res, spec }, d);
out:
	unlink(scratch);
	for (int i = 1; i < raw.file_count; i++)
		unlink(stem_scratch[i - 1]);
	return rc;
}
