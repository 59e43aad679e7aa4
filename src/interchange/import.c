/*
 * import.c - from an AAF timeline (aaf.h) to a session.
 */
#include "interchange/import.h"
#include "interchange/media.h"
#include "base/path.h"
#include "base/strutil.h"

#include <math.h>
#include <sndfile.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static void
report(struct import_report *rep, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
report(struct import_report *rep, const char *fmt, ...)
{
	char buf[1024], **p;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	p = realloc(rep->lines, (rep->nlines + 1) * sizeof *p);
	if (p == NULL)
		return;
	rep->lines = p;
	if ((p[rep->nlines] = str_dup(buf)) != NULL)
		rep->nlines++;
}

void
import_report_fini(struct import_report *rep)
{
	for (size_t i = 0; i < rep->nlines; i++)
		free(rep->lines[i]);
	free(rep->lines);
	memset(rep, 0, sizeof *rep);
}

static double
ratio(struct aaf_rational r)
{
	return r.den != 0 ? (double)r.num / r.den : 0.0;
}

static double
lin_to_db(double lin)
{
	double db = lin > 0 ? 20 * log10(lin) : SESSION_GAIN_MIN_DB;

	return db < SESSION_GAIN_MIN_DB ? SESSION_GAIN_MIN_DB :
	    db > SESSION_GAIN_MAX_DB ? SESSION_GAIN_MAX_DB : db;
}

static enum fade_shape
shape_of(enum aaf_curve c)
{
	switch (c) {
	case AAF_CURVE_POWER: return FADE_EQUAL_POWER;
	case AAF_CURVE_LOG: return FADE_LOG;
	case AAF_CURVE_BSPLINE: return FADE_S_CURVE;
	default: return FADE_LINEAR;
	}
}

static enum chan_format
format_of(enum aaf_format f, int channels)
{
	switch (f) {
	case AAF_FORMAT_STEREO: return CHAN_STEREO;
	case AAF_FORMAT_5_1: return CHAN_5_1;
	case AAF_FORMAT_7_1: return CHAN_7_1;
	case AAF_FORMAT_MONO: return CHAN_MONO;
	default:
		return channels == 2 ? CHAN_STEREO : channels == 6 ? CHAN_5_1 :
		    channels == 8 ? CHAN_7_1 : CHAN_MONO;
	}
}

/* A path for the session file: relative to its folder when the file lies
 * under it, else absolute. Caller frees. */
static char *
session_relative(const char *session_dir, const char *file)
{
	char *abs_file = realpath(file, NULL), *abs_dir = NULL, *out;
	size_t n;

	if (abs_file == NULL)
		return str_dup(file);
	abs_dir = realpath(session_dir, NULL);
	if (abs_dir != NULL && (n = strlen(abs_dir)) > 0 &&
	    strncmp(abs_file, abs_dir, n) == 0 && abs_file[n] == '/') {
		out = str_dup(abs_file + n + 1);
		free(abs_file);
		free(abs_dir);
		return out;
	}
	free(abs_dir);
	return abs_file;
}

/* ---- embedded essence ------------------------------------------------- */

struct membuf {
	const uint8_t *p;
	sf_count_t size, pos;
};

static sf_count_t vio_len(void *u) { return ((struct membuf *)u)->size; }
static sf_count_t vio_tell(void *u) { return ((struct membuf *)u)->pos; }

static sf_count_t
vio_seek(sf_count_t off, int whence, void *u)
{
	struct membuf *m = u;
	sf_count_t to = whence == SEEK_SET ? off : whence == SEEK_CUR ?
	    m->pos + off : m->size + off;

	if (to < 0 || to > m->size)
		return -1;
	m->pos = to;
	return to;
}

static sf_count_t
vio_read(void *dst, sf_count_t n, void *u)
{
	struct membuf *m = u;

	if (n > m->size - m->pos)
		n = m->size - m->pos;
	memcpy(dst, m->p + m->pos, (size_t)n);
	m->pos += n;
	return n;
}

static sf_count_t
vio_write(const void *src, sf_count_t n, void *u)
{
	(void)src;
	(void)n;
	(void)u;
	return 0;
}

/* Writes an embedded essence as WAV at out_path (through libsndfile: a
 * WAVE or AIFC stream is opened as what it is; raw PCM with the
 * descriptor's channels, rate and bits). */
static int
extract(const char *aaf_path, const struct aaf_essence *e, const char *out_path,
    struct diag *d)
{
	SF_VIRTUAL_IO vio = { vio_len, vio_seek, vio_read, vio_write, vio_tell };
	struct membuf m = { 0 };
	SF_INFO in_info = { 0 }, out_info;
	SNDFILE *in = NULL, *out = NULL;
	uint8_t *data = NULL;
	size_t size = 0;
	float buf[8192];
	sf_count_t n;
	int rc;

	if ((rc = aaf_essence_read(aaf_path, e, &data, &size, d)) != 0)
		return rc;
	m.p = data;
	m.size = (sf_count_t)size;
	if (e->kind == AAF_ESSENCE_PCM) {
		m.p = data + e->data_offset;
		m.size = (sf_count_t)size - e->data_offset;
		in_info.samplerate = e->sample_rate_hz;
		in_info.channels = e->channels > 0 ? e->channels : 1;
		in_info.format = SF_FORMAT_RAW | (e->bits == 24 ? SF_FORMAT_PCM_24 :
		    e->bits == 32 ? SF_FORMAT_PCM_32 : e->bits == 8 ?
		    SF_FORMAT_PCM_S8 : SF_FORMAT_PCM_16) |
		    (e->big_endian ? SF_ENDIAN_BIG : SF_ENDIAN_LITTLE);
	}
	in = sf_open_virtual(&vio, SFM_READ, &in_info, &m);
	if (in == NULL) {
		rc = diag_set(d, ERR_PARSE, aaf_path, 0, "embedded essence \"%s\" is "
		    "not readable audio: %s", e->name ? e->name : "", sf_strerror(NULL));
		goto out;
	}
	out_info = in_info;
	out_info.format = SF_FORMAT_WAV | (e->bits == 24 ? SF_FORMAT_PCM_24 :
	    e->bits == 32 ? SF_FORMAT_PCM_32 : e->bits == 8 ? SF_FORMAT_PCM_U8 :
	    SF_FORMAT_PCM_16);
	if (!sf_format_check(&out_info))
		out_info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_24;
	out = sf_open(out_path, SFM_WRITE, &out_info);
	if (out == NULL) {
		rc = diag_set(d, ERR_IO, out_path, 0, "cannot write: %s",
		    sf_strerror(NULL));
		goto out;
	}
	/* integers through: exact for equal or wider output */
	while ((n = sf_readf_int(in, (int *)buf, 8192 / in_info.channels)) > 0)
		if (sf_writef_int(out, (int *)buf, n) != n) {
			rc = diag_set(d, ERR_IO, out_path, 0, "cannot write (disk "
			    "full?): %s", sf_strerror(out));
			goto out;
		}
out:
	if (in != NULL)
		sf_close(in);
	if (out != NULL && sf_close(out) != 0 && rc == 0)
		rc = diag_set(d, ERR_IO, out_path, 0, "cannot finish writing");
	if (rc != 0)
		remove(out_path);
	free(data);
	return rc;
}

/* ---- the session -------------------------------------------------------- */

static int
add_sources(struct session *s, const struct aaf_timeline *t,
    const char *aaf_path, const char *session_dir, struct id *ids,
    struct import_report *rep, struct diag *d)
{
	char media_dir[4096];

	snprintf(media_dir, sizeof media_dir, "%s/media", session_dir);
	for (size_t i = 0; i < t->nessences; i++) {
		const struct aaf_essence *e = &t->essences[i];
		struct source *src = session_add_source(s, (struct id){ ID_SOURCE, 0 },
		    NULL);
		char *file = NULL;

		if (src == NULL)
			return ERR_NOMEM;
		ids[i] = src->id;
		src->name = str_dup(e->unique_name ? e->unique_name : e->name);
		src->channels = e->channels > 0 ? e->channels : 1;
		src->sample_rate_hz = e->sample_rate_hz > 0 ? e->sample_rate_hz :
		    t->sample_rate_hz;
		src->length_frames = e->length_frames;
		src->embedded = e->embedded;
		for (size_t k = 0; k < e->ntags; k++) {
			char **field = NULL;

			if (strcasecmp(e->tags[k].name, "scene") == 0)
				field = &src->scene;
			else if (strcasecmp(e->tags[k].name, "take") == 0)
				field = &src->take;
			else if (strcasecmp(e->tags[k].name, "tape") == 0)
				field = &src->tape;
			else if (strcasecmp(e->tags[k].name, "comment") == 0 ||
			    strcasecmp(e->tags[k].name, "comments") == 0)
				field = &src->comment;
			if (field != NULL && *field == NULL)
				*field = str_dup(e->tags[k].text);
		}
		if (e->embedded) {
			char out_path[8192], base[1024], *dot;

			mkdir(media_dir, 0777);
			/* the name often carries the original file's extension */
			snprintf(base, sizeof base, "%s", src->name ? src->name :
			    "essence");
			for (char *c = base; *c != '\0'; c++)
				if (*c == '/')
					*c = '_';
			if ((dot = strrchr(base, '.')) != NULL &&
			    (strcasecmp(dot, ".wav") == 0 || strcasecmp(dot, ".aif") == 0 ||
			    strcasecmp(dot, ".aiff") == 0 || strcasecmp(dot, ".aifc") == 0))
				*dot = '\0';
			snprintf(out_path, sizeof out_path, "%s/%s.wav", media_dir, base);
			if (extract(aaf_path, e, out_path, d) != 0)
				return ERR_IO;
			rep->extracted++;
			file = str_dup(out_path);
		} else if (e->path != NULL) {
			file = str_dup(e->path);
		}
		if (file != NULL) {
			struct media_info mi;
			struct diag pd;

			src->path = session_relative(session_dir, file);
			if (media_probe(file, &mi, &pd) == 0) {
				src->online = true;
				src->channels = mi.channels;
				src->sample_rate_hz = mi.sample_rate_hz;
				src->length_frames = mi.length_frames;
				src->format = str_dup(mi.format);
			}
			free(file);
		}
		if (src->path == NULL) {
			src->path = str_dup(e->uri ? e->uri : e->name ? e->name : "");
		}
		if (!src->online) {
			rep->missing++;
			report(rep, "missing media: %s (%s)", src->name ? src->name : "",
			    e->uri ? e->uri : "no locator");
		}
		rep->sources++;
	}
	return 0;
}

static int
add_lane(struct strip *st, enum auto_param param, const struct aaf_automation *a,
    int64_t base, bool db)
{
	struct auto_lane *l, *p;

	if (a->count == 0)
		return 0;
	p = realloc(st->lanes, (st->lane_count + 1) * sizeof *p);
	if (p == NULL)
		return ERR_NOMEM;
	st->lanes = p;
	l = &p[st->lane_count++];
	memset(l, 0, sizeof *l);
	l->param = param;
	l->target = (struct id){ ID_BUS, 0 };
	l->points = calloc(a->count, sizeof *l->points);
	if (l->points == NULL)
		return ERR_NOMEM;
	for (size_t i = 0; i < a->count; i++) {
		double v = ratio(a->points[i].value);
		int64_t f = base + a->points[i].offset_frames;

		if (l->count > 0 && f <= l->points[l->count - 1].frame)
			continue;   /* keep frames strictly increasing */
		l->points[l->count].frame = f;
		l->points[l->count].value = db ? lin_to_db(v) : 2 * v - 1;
		l->points[l->count].interp = a->interp == AAF_CURVE_CONSTANT ?
		    INTERP_STEP : INTERP_LINEAR;
		l->count++;
	}
	l->cap = a->count;
	return 0;
}

static int
add_clip(struct session *s, struct track *tr, const struct aaf_timeline *t,
    const struct aaf_clip *ac, const struct id *src_ids)
{
	struct clip *c = session_add_clip(s, tr, (struct id){ ID_CLIP, 0 }, NULL);
	int channels = chan_format_channels(tr->strip.format);
	const struct source *src;

	if (c == NULL)
		return ERR_NOMEM;
	c->name = str_dup(ac->name);
	c->position_frames = ac->position_frames;
	c->length_frames = ac->length_frames > 0 ? ac->length_frames : 1;
	c->mute = ac->mute;
	c->gain_db = ac->has_gain ? lin_to_db(ratio(ac->gain)) : 0.0;
	c->fade_in = (struct fade){ ac->fade_in_frames, shape_of(ac->fade_in_curve) };
	c->fade_out = (struct fade){ ac->fade_out_frames,
	    shape_of(ac->fade_out_curve) };
	if (ac->nchans == 0)
		return 0;   /* offline with no essence: the clip stays silent */
	c->source = src_ids[ac->chans[0].essence];
	c->source_channel = ac->chans[0].channel > 0 ? ac->chans[0].channel - 1 : 0;
	/* several sources, or channels out of order: a channel map */
	if (ac->nchans > 1 && channels > 1) {
		c->channel_map = calloc((size_t)channels, sizeof *c->channel_map);
		if (c->channel_map == NULL)
			return ERR_NOMEM;
		c->channel_map_count = channels;
		for (int k = 0; k < channels; k++) {
			const struct aaf_channel *ch = &ac->chans[(size_t)k < ac->nchans ?
			    (size_t)k : ac->nchans - 1];

			c->channel_map[k].source = src_ids[ch->essence];
			c->channel_map[k].source_channel = ch->channel > 0 ?
			    ch->channel - 1 : k;
		}
	}
	/* the source offset is at the timeline rate: into source frames */
	src = session_source(s, c->source);
	c->source_offset_frames = ac->source_offset_frames;
	if (src != NULL && src->sample_rate_hz > 0 &&
	    src->sample_rate_hz != t->sample_rate_hz)
		c->source_offset_frames = (int64_t)llround((double)
		    ac->source_offset_frames * src->sample_rate_hz / t->sample_rate_hz);
	if (ac->gain_auto.count > 0) {
		struct strip tmp = { 0 };

		if (add_lane(&tmp, AUTO_CLIP_GAIN, &ac->gain_auto, 0, true) != 0)
			return ERR_NOMEM;
		c->gain_lane = malloc(sizeof *c->gain_lane);
		if (c->gain_lane == NULL) {
			auto_lane_fini(&tmp.lanes[0]);
			free(tmp.lanes);
			return ERR_NOMEM;
		}
		*c->gain_lane = tmp.lanes[0];
		free(tmp.lanes);
	}
	return 0;
}

/*
 * What the clips need of their sources. An offline source knows only what
 * the AAF said, which may be nothing (length 0) or less than the clips use:
 * it grows to cover them. An online source is what the file is: a clip
 * asking for a channel it does not have plays its last one, and says so.
 */
static void
need(struct session *s, struct id src, int channel, int64_t end,
    struct import_report *rep, struct clip *c, int *chan_field)
{
	struct source *so = session_source(s, src);

	if (so == NULL)
		return;
	if (!so->online) {
		if (channel + 1 > so->channels)
			so->channels = channel + 1;
		if (end > so->length_frames)
			so->length_frames = end;
		return;
	}
	if (channel >= so->channels) {
		report(rep, "clip \"%s\" asks for channel %d of %s, which has %d: "
		    "it plays channel %d", c->name ? c->name : "", channel + 1,
		    so->name ? so->name : so->path, so->channels, so->channels);
		*chan_field = so->channels - 1;
	}
}

static void
fit_sources(struct session *s, struct import_report *rep)
{
	for (size_t t = 0; t < s->track_count; t++) {
		struct track *tr = &s->tracks[t];
		int channels = track_channels(tr);

		for (size_t k = 0; k < tr->clip_count; k++) {
			struct clip *c = &tr->clips[k];
			int64_t end = session_clip_source_end(s, c);

			if (c->channel_map_count > 0) {
				for (int m = 0; m < c->channel_map_count; m++)
					need(s, c->channel_map[m].source,
					    c->channel_map[m].source_channel, end, rep, c,
					    &c->channel_map[m].source_channel);
			} else if (c->source.num != 0) {
				int last = c->source_channel + channels - 1;

				need(s, c->source, last, end, rep, c, &last);
				if (last != c->source_channel + channels - 1)
					c->source_channel = last - channels + 1 < 0 ? 0 :
					    last - channels + 1;
			}
		}
	}
	for (size_t i = 0; i < s->source_count; i++)
		if (s->sources[i].length_frames <= 0)
			s->sources[i].length_frames = 1;   /* unused and unknown */
}

int
import_aaf(const char *aaf_path, const struct import_options *o,
    struct session **out, struct import_report *rep, struct diag *d)
{
	struct aaf_options ao = { 0 };
	struct aaf_timeline *t = NULL;
	struct session *s = NULL;
	struct tc_rate rate;
	struct id *src_ids = NULL;
	char *session_dir = NULL, *aaf_dir = NULL;
	enum chan_format master = CHAN_STEREO;
	int rc;

	memset(rep, 0, sizeof *rep);
	ao.keep_rendered_fades = o->keep_rendered_fades;
	ao.keep_sae_clips = o->keep_sae_clips;
	ao.media_dirs = o->media_dirs;
	ao.nmedia_dirs = o->nmedia_dirs;
	if ((rc = aaf_read(aaf_path, &ao, &t, d)) != 0)
		return rc;
	if (timecode_rate_from_fraction(t->tc_rate.num, t->tc_rate.den, t->tc_drop,
	    &rate) != 0 && timecode_rate_parse("25", false, &rate) != 0) {
		rc = ERR_INVALID;
		goto out;
	}
	s = session_create(t->sample_rate_hz > 0 ? t->sample_rate_hz : 48000, &rate);
	session_dir = path_dirname(o->session_path);
	aaf_dir = path_dirname(aaf_path);
	src_ids = calloc(t->nessences + 1, sizeof *src_ids);
	if (s == NULL || session_dir == NULL || aaf_dir == NULL || src_ids == NULL) {
		rc = diag_set(d, ERR_NOMEM, aaf_path, 0, "out of memory");
		goto out;
	}
	s->name = str_dup(t->name);
	s->timecode.start_frames = t->start_frames;
	if ((rc = add_sources(s, t, aaf_path, session_dir, src_ids, rep, d)) != 0)
		goto out;
	for (size_t i = 0; i < t->ntracks; i++) {
		const struct aaf_track *at = &t->tracks[i];
		struct track *tr = session_add_track(s, (struct id){ ID_TRACK, 0 }, NULL);
		char name[64];

		if (tr == NULL) {
			rc = ERR_NOMEM;
			goto out;
		}
		snprintf(name, sizeof name, "Audio %u", at->number);
		tr->strip.name = str_dup(at->name ? at->name : name);
		tr->strip.format = format_of(at->format, at->channels);
		if (chan_format_channels(tr->strip.format) >
		    chan_format_channels(master))
			master = tr->strip.format;
		tr->strip.mute = at->mute;
		tr->strip.solo = at->solo;
		if (at->has_volume)
			tr->strip.gain_db = lin_to_db(ratio(at->volume));
		if (at->has_pan)
			tr->strip.pan.x = 2 * ratio(at->pan) - 1;
		if (add_lane(&tr->strip, AUTO_VOLUME, &at->volume_auto,
		    t->start_frames, true) != 0 ||
		    add_lane(&tr->strip, AUTO_PAN, &at->pan_auto, t->start_frames,
		    false) != 0) {
			rc = ERR_NOMEM;
			goto out;
		}
		for (size_t k = 0; k < at->nclips; k++) {
			/* session_add_clip may move the track array: find it again */
			tr = &s->tracks[s->track_count - 1];
			if ((rc = add_clip(s, tr, t, &at->clips[k], src_ids)) != 0)
				goto out;
			rep->clips++;
		}
		tr = &s->tracks[s->track_count - 1];
		/* crossfades: the AAF's clips overlap by the transition; both
		 * fades cover it */
		for (size_t k = 0; k < at->nxfades; k++) {
			const struct aaf_xfade *x = &at->xfades[k];

			if (x->before + 1 >= tr->clip_count)
				continue;
			tr->clips[x->before].fade_out = (struct fade){ x->length_frames,
			    shape_of(x->curve) };
			tr->clips[x->before + 1].fade_in = (struct fade){ x->length_frames,
			    shape_of(x->curve) };
		}
		session_track_sort_clips(tr);
		rep->tracks++;
	}
	s->master.format = master;
	fit_sources(s, rep);
	for (size_t i = 0; i < t->nmarkers; i++) {
		const struct aaf_marker *am = &t->markers[i];
		struct marker *m = session_add_marker(s, (struct id){ ID_MARKER, 0 },
		    NULL);

		if (m == NULL) {
			rc = ERR_NOMEM;
			goto out;
		}
		m->name = str_dup(am->name ? am->name : "");
		m->comment = str_dup(am->comment);
		m->position_frames = am->position_frames;
		m->length_frames = am->length_frames;
		if (am->has_color) {
			char col[8];

			snprintf(col, sizeof col, "#%02x%02x%02x", am->rgb[0] >> 8,
			    am->rgb[1] >> 8, am->rgb[2] >> 8);
			m->colour = str_dup(col);
		}
		rep->markers++;
	}
	session_sort_markers(s);
	for (size_t i = 0; i < t->nwarnings; i++)
		report(rep, "%s", t->warnings[i]);
	*out = s;
	s = NULL;
out:
	session_destroy(s);
	aaf_timeline_free(t);
	free(src_ids);
	free(session_dir);
	free(aaf_dir);
	return rc;
}
