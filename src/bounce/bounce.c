/*
 * bounce.c - the offline driver: plan, streamer, writers, loop.
 */
#include "bounce/bounce.h"
#include "bounce/write_queue.h"
#include "bounce/freewheel.h"
#include "engine/plan.h"
#include "engine/process.h"
#include "engine/streamer.h"
#include "base/path.h"
#include "dsp/downmix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
bounce_options_default(struct bounce_options *o)
{
	memset(o, 0, sizeof *o);
	o->format = CHAN_FORMAT_COUNT;
	o->downmix_centre_db = DOWNMIX_MINUS_3DB;
	o->downmix_surround_db = DOWNMIX_MINUS_3DB;
	o->sample_format = WAV_PCM24;
	o->block_frames = 4096;
}

/* Stem names become file names: keep letters, digits, '-', '_' and '.';
 * anything else (spaces, slashes) becomes '_'. */
static void
safe_name(const char *name, char *buf, size_t size)
{
	size_t i = 0;

	for (; name != NULL && *name != '\0' && i + 1 < size; name++) {
		unsigned char c = (unsigned char)*name;

		buf[i++] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
		    c >= 0x80 ? (char)c : '_';
	}
	buf[i] = '\0';
	if (i == 0)
		snprintf(buf, size, "stem");
}

void
bounce_stem_path(const struct bounce_options *o, const char *name, char *buf,
    size_t size)
{
	const char *base = path_basename(o->master_path);
	size_t blen = strlen(base);
	char clean[256], *dir = NULL;

	if (blen > 4 && strcmp(base + blen - 4, ".wav") == 0)
		blen -= 4;
	safe_name(name, clean, sizeof clean);
	if (o->stems_dir == NULL)
		dir = path_dirname(o->master_path);
	snprintf(buf, size, "%s/%.*s.%s.wav", o->stems_dir ? o->stems_dir :
	    dir ? dir : ".", (int)blen, base, clean);
	free(dir);
}

static int
open_writer(struct wav_out **w, const char *path, enum chan_format fmt,
    const struct session *s, const struct bounce_options *o, int64_t frames,
    int64_t start, uint64_t seed, struct diag *d)
{
	struct wav_out_options wo;
	char description[257];

	memset(&wo, 0, sizeof wo);
	/* bext holds 256 bytes of description: cut a longer session name */
	snprintf(description, sizeof description, "%s", s->name ? s->name : "");
	wo.layout = (enum wav_layout)fmt;
	wo.sample_rate_hz = s->sample_rate_hz;
	wo.format = o->sample_format;
	wo.total_frames = frames;
	wo.bext_time_reference = (uint64_t)start;
	wo.bext_description = description;
	wo.bext_originator = "dubstage";
	wo.dither_seed = seed;
	wo.rf64_threshold_bytes = o->rf64_threshold_bytes;
	return wav_out_open(w, path, &wo, d);
}

/* Renders the plan's next n frames once the media is there. */
static int
run_block(struct plan *p, int n, struct diag *d)
{
	int rc;

	streamer_consumer_sync(plan_streamer(p));
	if ((rc = streamer_wait_available(plan_streamer(p), n)) != 0) {
		streamer_error(plan_streamer(p), d);
		return rc;
	}
	process_run(p, n);
	return 0;
}

int
bounce_run(const struct session *s, const struct bounce_options *o,
    struct bounce_result *res, struct diag *d)
{
	struct plan_options po;
	struct plan *p = NULL;
	struct wav_out *w[1 + BOUNCE_MAX_STEMS] = { NULL };
	const float *const *planes[1 + BOUNCE_MAX_STEMS];
	int channels[1 + BOUNCE_MAX_STEMS];
	struct write_queue *q = NULL;
	struct freewheel *fw = NULL;
	int files = 0, rc;
	int64_t start = o->start_frames, end = o->end_frames, pos;

	memset(res, 0, sizeof *res);
	diag_clear(d);
	if (end <= start) {
		start = s->timecode.start_frames;
		end = session_end_frames(s);
	}
	if (end <= start)
		return diag_set(d, ERR_INVALID, NULL, 0, "nothing to bounce: the "
		    "session has no clips after its start");
	if (o->block_frames < 1)
		return diag_set(d, ERR_INVALID, NULL, 0, "bad block size");
	if (!o->allow_missing_media)
		for (size_t i = 0; i < s->source_count; i++)
			if (!s->sources[i].online)
				return diag_set(d, ERR_SEMANTIC, s->sources[i].path, 0,
				    "media missing: the bounce would have silence "
				    "where it plays");

	plan_options_default(&po);
	po.max_block_frames = o->block_frames;
	po.output_format = o->format;
	po.downmix_centre_db = o->downmix_centre_db;
	po.downmix_surround_db = o->downmix_surround_db;
	po.downmix_lfe = o->downmix_lfe;
	po.stream_quality = STREAM_QUALITY_BEST;
	po.meters = false;     /* nobody watches them */
	if (o->freewheel && o->stems)
		return diag_set(d, ERR_INVALID, NULL, 0, "a freewheel bounce "
		    "renders the master only: bounce stems offline");
	rc = plan_compile(s, &po, &p, d);
	if (rc != 0)
		return rc;
	if (o->stems && plan_stem_count(p) > BOUNCE_MAX_STEMS) {
		rc = diag_set(d, ERR_INVALID, NULL, 0, "more than %d stems",
		    BOUNCE_MAX_STEMS);
		goto out;
	}

	/* writers: the master first, then each stem */
	snprintf(res->paths[0], sizeof res->paths[0], "%s", o->master_path);
	rc = open_writer(&w[0], o->master_path, plan_output_format(p), s, o,
	    end - start, start, 1, d);
	if (rc != 0)
		goto out;
	files = 1;
	for (int i = 0; o->stems && i < plan_stem_count(p); i++) {
		bounce_stem_path(o, plan_stem_name(p, i), res->paths[files],
		    sizeof res->paths[0]);
		rc = open_writer(&w[files], res->paths[files], plan_stem_format(p, i),
		    s, o, end - start, start, 2 + (uint64_t)i, d);
		if (rc != 0)
			goto out;
		files++;
	}

	channels[0] = plan_output_channels(p);
	for (int i = 1; i < files; i++)
		channels[i] = plan_stem_channels(p, i - 1);
	if ((rc = write_queue_create(&q, w, channels, files, o->block_frames)) != 0) {
		diag_set(d, rc, NULL, 0, "out of memory");
		goto out;
	}
	if (o->freewheel) {
		if ((rc = freewheel_open(s, o, start, &fw, d)) != 0)
			goto out;
	} else {
		/* from the pre-roll on, so latent inserts are filled at start */
		int64_t from = start - plan_preroll_frames(p);

		plan_locate(p, from);
		if ((rc = streamer_start(plan_streamer(p), from)) != 0) {
			diag_set(d, rc, NULL, 0, "cannot start the media reader");
			goto out;
		}
		while (from < start) {
			int n = start - from < o->block_frames ?
			    (int)(start - from) : o->block_frames;

			if ((rc = run_block(p, n, d)) != 0)
				goto out;
			from += n;
		}
	}
	for (pos = start; pos < end; ) {
		int n = end - pos < o->block_frames ? (int)(end - pos) :
		    o->block_frames;

		if (o->cancel != NULL && *o->cancel) {
			rc = diag_set(d, ERR_NOTHING, NULL, 0, "interrupted");
			goto out;
		}
		if (fw != NULL) {
			if ((rc = freewheel_next(fw, n, &planes[0], d)) != 0)
				goto out;
		} else {
			if ((rc = run_block(p, n, d)) != 0)
				goto out;
			planes[0] = plan_output(p);
			for (int i = 1; i < files; i++)
				planes[i] = plan_stem_output(p, i - 1);
		}
		if ((rc = write_queue_push(q, planes, n, d)) != 0)
			goto out;
		pos += n;
		if (o->progress != NULL)
			o->progress(o->progress_ctx, pos - start, end - start);
	}
	rc = write_queue_finish(q, d);
	q = NULL;
	if (rc != 0)
		goto out;
	if (fw == NULL && (rc = streamer_error(plan_streamer(p), d)) != 0)
		goto out;
	res->underruns = fw == NULL ? streamer_underruns(plan_streamer(p)) : 0;
	/* stems first, the master last: a master file means the set is whole */
	for (int i = files - 1; i >= 0; i--) {
		rc = wav_out_finish(w[i], d);
		w[i] = NULL;
		if (rc != 0)
			goto out;
	}
	res->frames = end - start;
	res->file_count = files;
out:
	freewheel_close(fw);
	write_queue_destroy(q);
	for (int i = 0; i < files; i++)
		wav_out_abort(w[i]);
	plan_destroy(p);
	return rc;
}
