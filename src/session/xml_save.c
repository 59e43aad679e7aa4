/*
 * xml_save.c - writes a session as a session file (format 1).
 *
 * The document is built as a libxml2 tree (so every string is escaped by
 * libxml2) and serialised as UTF-8 with two-space indentation. Everything
 * is written explicitly, in the model's array order; only absent strings
 * (NULL) are left out, so load(save(x)) gives x back field for field, and
 * save(load(save(x))) gives the same bytes. Doubles use str_from_double
 * (shortest text that reads back to the same double); the floats of a
 * noise print's power use "%.9g", which reads back (strtof) to the same
 * float.
 *
 * Noise prints came later than format 1's first release: <noise-prints>
 * and next-ids' noise-print attribute are written only when there is
 * something to keep (a print, or a print number already handed out), so a
 * session that never had one is byte for byte what older builds write and
 * read.
 *
 * The writer refuses (ERR_INVALID) what it cannot write as a valid file:
 * strings that are not UTF-8 or hold characters XML cannot carry, enum
 * values out of range, ids of the wrong kind, non-finite numbers, and the
 * other things the schema rules out. session_xml_save goes further: it
 * loads the bytes back before touching the disk and refuses to save a file
 * that would not load.
 */
#include "session/session_xml.h"
#include "base/atomic_file.h"
#include "base/path.h"
#include "base/strutil.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

struct writer {
	xmlDoc *doc;
	int rc;                 /* first error; later calls do nothing */
	struct diag *d;
	const char *file;       /* for diagnostics */
	char what[64];          /* the object being written, for messages */
};

static int wfail(struct writer *W, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
wfail(struct writer *W, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (W->rc != 0)
		return W->rc;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (code == ERR_NOMEM)
		W->rc = diag_set(W->d, code, W->file, 0, "out of memory");
	else
		W->rc = diag_set(W->d, code, W->file, 0, "cannot write %s: %s",
		    W->what, msg);
	return W->rc;
}

static void
about(struct writer *W, const char *kind, struct id id)
{
	char b[16];

	if (id.num != 0)
		snprintf(W->what, sizeof W->what, "%s %s", kind,
		    id_format(id, b, sizeof b));
	else
		snprintf(W->what, sizeof W->what, "%s", kind);
}

/* True when s is UTF-8 made only of characters XML 1.0 can hold. */
static bool
xml_text_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != 0) {
		unsigned cp, c = *p;
		int n;

		if (c < 0x80) {
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				return false;
			p++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		for (int i = 1; i <= n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return false;
			cp = cp << 6 | (p[i] & 0x3F);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ||
		    cp == 0xFFFE || cp == 0xFFFF)
			return false;
		p += n + 1;
	}
	return true;
}

static xmlNode *
el(struct writer *W, xmlNode *parent, const char *name)
{
	xmlNode *n;

	if (W->rc != 0)
		return NULL;
	if ((n = xmlNewChild(parent, NULL, BAD_CAST name, NULL)) == NULL)
		wfail(W, ERR_NOMEM, "-");
	return n;
}

static void
at(struct writer *W, xmlNode *n, const char *name, const char *value)
{
	if (W->rc != 0)
		return;
	if (value == NULL) {
		wfail(W, ERR_INVALID, "%s is not set", name);
		return;
	}
	if (!xml_text_ok(value)) {
		wfail(W, ERR_INVALID, "%s is not UTF-8 or holds a control character "
		    "XML cannot store", name);
		return;
	}
	if (xmlNewProp(n, BAD_CAST name, BAD_CAST value) == NULL)
		wfail(W, ERR_NOMEM, "-");
}

/* A string attribute that is left out when NULL. */
static void
at_opt(struct writer *W, xmlNode *n, const char *name, const char *value)
{
	if (value != NULL)
		at(W, n, name, value);
}

/* A string that must be set and not empty. */
static void
at_nonempty(struct writer *W, xmlNode *n, const char *name, const char *value)
{
	if (value != NULL && value[0] == '\0')
		wfail(W, ERR_INVALID, "%s is empty", name);
	at(W, n, name, value);
}

static void
at_i64(struct writer *W, xmlNode *n, const char *name, int64_t v)
{
	char b[32];

	snprintf(b, sizeof b, "%" PRId64, v);
	at(W, n, name, b);
}

static void
at_u32(struct writer *W, xmlNode *n, const char *name, uint32_t v)
{
	char b[16];

	snprintf(b, sizeof b, "%" PRIu32, v);
	at(W, n, name, b);
}

static void
at_double(struct writer *W, xmlNode *n, const char *name, double v)
{
	char b[40];

	if (!isfinite(v)) {
		wfail(W, ERR_INVALID, "%s is not a finite number", name);
		return;
	}
	str_from_double(v, b, sizeof b);
	at(W, n, name, b);
}

static void
at_bool(struct writer *W, xmlNode *n, const char *name, bool v)
{
	at(W, n, name, v ? "true" : "false");
}

static void
at_id(struct writer *W, xmlNode *n, const char *name, struct id id,
    enum id_kind kind)
{
	char b[16];

	if (id.kind != kind || id.num == 0 || id.num == UINT32_MAX) {
		wfail(W, ERR_INVALID, "%s is not a valid %c id", name, id_sigil(kind));
		return;
	}
	at(W, n, name, id_format(id, b, sizeof b));
}

/* value is from a names table, "?" for an out-of-range enum. */
static void
at_enum(struct writer *W, xmlNode *n, const char *name, const char *value)
{
	if (value == NULL || strcmp(value, "?") == 0) {
		wfail(W, ERR_INVALID, "%s has an invalid value", name);
		return;
	}
	at(W, n, name, value);
}

static void
at_rate(struct writer *W, xmlNode *n, const char *name, int hz)
{
	if (hz < 8000 || hz > 768000)
		wfail(W, ERR_INVALID, "%s %d Hz is outside 8000..768000", name, hz);
	at_i64(W, n, name, hz);
}

static void
at_channel(struct writer *W, xmlNode *n, const char *name, int ch)
{
	if (ch < 0)
		wfail(W, ERR_INVALID, "%s is negative", name);
	at_i64(W, n, name, ch);
}

static void
text_el(struct writer *W, xmlNode *parent, const char *name, const char *text)
{
	if (W->rc != 0)
		return;
	if (!xml_text_ok(text)) {
		wfail(W, ERR_INVALID, "<%s> is not UTF-8 or holds a control character "
		    "XML cannot store", name);
		return;
	}
	if (xmlNewTextChild(parent, NULL, BAD_CAST name, BAD_CAST text) == NULL)
		wfail(W, ERR_NOMEM, "-");
}

/* ---- parts -------------------------------------------------------------- */

static void
write_lane(struct writer *W, xmlNode *parent, const struct auto_lane *lane,
    bool on_clip)
{
	xmlNode *n = el(W, parent, "automation");

	if (W->rc != 0)
		return;
	if (on_clip != (lane->param == AUTO_CLIP_GAIN)) {
		wfail(W, ERR_INVALID, "automation of %s does not belong here",
		    auto_param_name(lane->param));
		return;
	}
	at_enum(W, n, "param", auto_param_name(lane->param));
	if (lane->param == AUTO_SEND_LEVEL)
		at_id(W, n, "target", lane->target, ID_BUS);
	if (lane->param == AUTO_INSERT) {
		at_i64(W, n, "insert", (int64_t)lane->insert + 1);
		at_nonempty(W, n, "name", lane->insert_param);
	}
	if (lane->count > 0 && lane->points == NULL)
		wfail(W, ERR_INVALID, "automation points are missing");
	for (size_t i = 0; i < lane->count && W->rc == 0; i++) {
		const struct auto_point *p = &lane->points[i];
		xmlNode *pn = el(W, n, "point");

		at_i64(W, pn, "frame", p->frame);
		at_double(W, pn, "value", p->value);
		at_enum(W, pn, "interp", auto_interp_name(p->interp));
	}
}

static void
write_strip_attrs(struct writer *W, xmlNode *n, const struct strip *st)
{
	at_opt(W, n, "name", st->name);
	at_enum(W, n, "format", chan_format_name(st->format));
	at_double(W, n, "gain-db", st->gain_db);
	at_bool(W, n, "mute", st->mute);
	at_bool(W, n, "solo", st->solo);
	if (st->output.num == 0)
		at(W, n, "output", "master");
	else
		at_id(W, n, "output", st->output, ID_BUS);
}

static void
write_strip_content(struct writer *W, xmlNode *n, const struct strip *st)
{
	xmlNode *p = el(W, n, "pan");

	at_double(W, p, "x", st->pan.x);
	at_double(W, p, "y", st->pan.y);
	at_double(W, p, "divergence", st->pan.divergence);
	at_double(W, p, "lfe-db", st->pan.lfe_db);
	for (size_t i = 0; i < st->send_count && W->rc == 0; i++) {
		const struct send *sd = &st->sends[i];
		xmlNode *s = el(W, n, "send");

		at_id(W, s, "bus", sd->bus, ID_BUS);
		at_double(W, s, "level-db", sd->level_db);
		at_bool(W, s, "pre-fader", sd->pre_fader);
		at_bool(W, s, "mute", sd->mute);
	}
	for (size_t i = 0; i < st->insert_count && W->rc == 0; i++) {
		const struct insert *ins = &st->inserts[i];
		xmlNode *in = el(W, n, "insert");

		at_nonempty(W, in, "kind", ins->kind);
		at_bool(W, in, "bypass", ins->bypass);
		for (size_t k = 0; k < ins->param_count && W->rc == 0; k++) {
			xmlNode *pn = el(W, in, "param");

			at_nonempty(W, pn, "name", ins->params[k].name);
			at_double(W, pn, "value", ins->params[k].value);
		}
	}
	for (size_t i = 0; i < st->lane_count && W->rc == 0; i++)
		write_lane(W, n, &st->lanes[i], false);
}

static void
write_fade(struct writer *W, xmlNode *parent, const char *name,
    const struct fade *f)
{
	xmlNode *n = el(W, parent, name);

	at_i64(W, n, "length", f->length_frames);
	at_enum(W, n, "shape", fade_shape_name(f->shape));
}

static void
write_clip(struct writer *W, xmlNode *parent, const struct clip *c)
{
	xmlNode *n = el(W, parent, "clip");

	about(W, "clip", c->id);
	at_id(W, n, "id", c->id, ID_CLIP);
	at_opt(W, n, "name", c->name);
	at_id(W, n, "source", c->source, ID_SOURCE);
	at_channel(W, n, "source-channel", c->source_channel);
	at_i64(W, n, "position", c->position_frames);
	at_i64(W, n, "length", c->length_frames);
	at_i64(W, n, "source-offset", c->source_offset_frames);
	at_double(W, n, "gain-db", c->gain_db);
	at_bool(W, n, "mute", c->mute);
	if (c->channel_map_count < 0 ||
	    (c->channel_map_count > 0 && c->channel_map == NULL))
		wfail(W, ERR_INVALID, "its channel map is broken");
	for (int i = 0; i < c->channel_map_count && W->rc == 0; i++) {
		xmlNode *ch = el(W, n, "channel");

		at_i64(W, ch, "index", i);
		at_id(W, ch, "source", c->channel_map[i].source, ID_SOURCE);
		at_channel(W, ch, "source-channel", c->channel_map[i].source_channel);
	}
	write_fade(W, n, "fade-in", &c->fade_in);
	write_fade(W, n, "fade-out", &c->fade_out);
	if (c->gain_lane != NULL)
		write_lane(W, n, c->gain_lane, true);
}

/* The power values of np as one space-separated text (caller frees). */
static char *
power_text(const struct noise_print *np)
{
	/* "%.9g" of a float: at most 15 characters ("-1.17549435e-38") */
	size_t size = (size_t)np->bins * 16 + 1, used = 0;
	char *buf = malloc(size);

	if (buf == NULL)
		return NULL;
	buf[0] = '\0';
	for (int i = 0; i < np->bins; i++) {
		float v = np->power[i];

		used += (size_t)snprintf(buf + used, size - used, "%s%.9g",
		    i == 0 ? "" : " ", v == 0.0f ? 0.0 : (double)v);
	}
	return buf;
}

/* The indexes of np's tonal bins, space-separated (caller frees). */
static char *
tonal_text(const struct noise_print *np)
{
	size_t size = (size_t)np->bins * 7 + 1, used = 0;
	char *buf = malloc(size);

	if (buf == NULL)
		return NULL;
	buf[0] = '\0';
	for (int i = 0; i < np->bins; i++)
		if (np->tonal[i] != 0)
			used += (size_t)snprintf(buf + used, size - used, "%s%d",
			    used == 0 ? "" : " ", i);
	return buf;
}

static void
write_noise_print(struct writer *W, xmlNode *parent,
    const struct noise_print *np)
{
	char why[160], *text;
	xmlNode *n = el(W, parent, "noise-print");

	about(W, "noise print", np->id);
	if (W->rc == 0 && noise_print_validate(np, why, sizeof why) != 0) {
		wfail(W, ERR_INVALID, "%s", why);
		return;
	}
	at_id(W, n, "id", np->id, ID_PRINT);
	at_nonempty(W, n, "name", np->name);
	at_opt(W, n, "origin", np->origin);
	at_i64(W, n, "rate", np->sample_rate_hz);
	at_i64(W, n, "fft", np->fft_size);
	at_i64(W, n, "frames", np->frames);
	at_double(W, n, "level-db", np->level_db);
	if (W->rc != 0)
		return;
	if ((text = power_text(np)) == NULL) {
		wfail(W, ERR_NOMEM, "-");
		return;
	}
	text_el(W, n, "power", text);
	free(text);
	if ((text = tonal_text(np)) == NULL) {
		wfail(W, ERR_NOMEM, "-");
		return;
	}
	if (text[0] == '\0')
		el(W, n, "tonal");      /* <tonal/> */
	else
		text_el(W, n, "tonal", text);
	free(text);
}

static bool
colour_ok(const char *v)
{
	return v[0] == '#' && strlen(v) == 7 &&
	    strspn(v + 1, "0123456789abcdefABCDEF") == 6;
}

static void
write_session(struct writer *W, const struct session *s)
{
	static const char *const kinds[ID_KIND_COUNT] = {
		[ID_TRACK] = "track", [ID_CLIP] = "clip", [ID_BUS] = "bus",
		[ID_SOURCE] = "source", [ID_MARKER] = "marker",
		[ID_PRINT] = "noise-print"
	};
	xmlNode *root, *n, *list;
	char b[40];

	about(W, "the session", (struct id){ ID_TRACK, 0 });
	if ((root = xmlNewDocNode(W->doc, NULL, BAD_CAST "dubstage-session",
	    NULL)) == NULL) {
		wfail(W, ERR_NOMEM, "-");
		return;
	}
	xmlDocSetRootElement(W->doc, root);
	at_i64(W, root, "version", SESSION_FORMAT_VERSION);
	at_rate(W, root, "sample-rate", s->sample_rate_hz);
	if (s->name != NULL)
		text_el(W, root, "name", s->name);

	n = el(W, root, "timecode");
	if (W->rc == 0 && !timecode_rate_is_valid(&s->timecode.rate))
		wfail(W, ERR_INVALID, "the timecode rate is invalid");
	if (W->rc == 0 && s->timecode.start_frames < 0)
		wfail(W, ERR_INVALID, "the start timecode is negative");
	if (W->rc != 0)
		return;
	at(W, n, "rate", timecode_rate_name(&s->timecode.rate, b, sizeof b));
	at_bool(W, n, "drop-frame", s->timecode.rate.drop_frame);
	timecode_format(&s->timecode.rate, s->sample_rate_hz,
	    s->timecode.start_frames, b, sizeof b);
	at(W, n, "start", b);

	n = el(W, root, "master");
	at_enum(W, n, "format", chan_format_name(s->master.format));
	at_double(W, n, "gain-db", s->master.gain_db);

	n = el(W, root, "next-ids");
	for (int k = 0; k < ID_KIND_COUNT; k++) {
		if (s->next_id[k] == 0)
			wfail(W, ERR_INVALID, "the next %s id is out of range", kinds[k]);
		if (k == ID_PRINT && s->next_id[k] == 1)
			continue;       /* none handed out yet: see the top */
		at_u32(W, n, kinds[k], s->next_id[k]);
	}

	list = el(W, root, "sources");
	for (size_t i = 0; i < s->source_count && W->rc == 0; i++) {
		const struct source *src = &s->sources[i];

		about(W, "source", src->id);
		n = el(W, list, "source");
		at_id(W, n, "id", src->id, ID_SOURCE);
		at_opt(W, n, "name", src->name);
		at_nonempty(W, n, "path", src->path);
		if (src->channels < 1)
			wfail(W, ERR_INVALID, "it has %d channels", src->channels);
		at_i64(W, n, "channels", src->channels);
		at_rate(W, n, "sample-rate", src->sample_rate_hz);
		at_i64(W, n, "length-frames", src->length_frames);
		at_opt(W, n, "format", src->format);
		at_bool(W, n, "embedded", src->embedded);
		if (src->scene != NULL || src->take != NULL || src->tape != NULL ||
		    src->comment != NULL) {
			xmlNode *m = el(W, n, "metadata");

			at_opt(W, m, "scene", src->scene);
			at_opt(W, m, "take", src->take);
			at_opt(W, m, "tape", src->tape);
			at_opt(W, m, "comment", src->comment);
		}
	}

	if (s->noise_print_count > 0) {
		list = el(W, root, "noise-prints");
		for (size_t i = 0; i < s->noise_print_count && W->rc == 0; i++)
			write_noise_print(W, list, &s->noise_prints[i]);
	}

	list = el(W, root, "buses");
	for (size_t i = 0; i < s->bus_count && W->rc == 0; i++) {
		const struct bus *bus = &s->buses[i];

		about(W, "bus", bus->id);
		n = el(W, list, "bus");
		at_id(W, n, "id", bus->id, ID_BUS);
		at_enum(W, n, "kind", bus_kind_name(bus->kind));
		write_strip_attrs(W, n, &bus->strip);
		write_strip_content(W, n, &bus->strip);
	}

	list = el(W, root, "tracks");
	for (size_t i = 0; i < s->track_count && W->rc == 0; i++) {
		const struct track *t = &s->tracks[i];

		about(W, "track", t->id);
		n = el(W, list, "track");
		at_id(W, n, "id", t->id, ID_TRACK);
		write_strip_attrs(W, n, &t->strip);
		write_strip_content(W, n, &t->strip);
		for (size_t k = 0; k < t->clip_count && W->rc == 0; k++)
			write_clip(W, n, &t->clips[k]);
	}

	list = el(W, root, "markers");
	for (size_t i = 0; i < s->marker_count && W->rc == 0; i++) {
		const struct marker *m = &s->markers[i];

		about(W, "marker", m->id);
		n = el(W, list, "marker");
		at_id(W, n, "id", m->id, ID_MARKER);
		at_opt(W, n, "name", m->name);
		at_i64(W, n, "position", m->position_frames);
		at_i64(W, n, "length", m->length_frames);
		if (m->colour != NULL && !colour_ok(m->colour))
			wfail(W, ERR_INVALID, "colour \"%.16s\" is not #rrggbb",
			    m->colour);
		at_opt(W, n, "colour", m->colour);
		if (m->comment != NULL)
			text_el(W, n, "comment", m->comment);
	}
}

int
session_xml_write_memory(const struct session *s, char **out, size_t *size,
    struct diag *d)
{
	struct writer W = { 0 };
	xmlChar *mem = NULL;
	int len = 0;
	char *buf;

	diag_clear(d);
	W.d = d;
	W.file = s->path != NULL ? s->path : "(session)";
	if ((W.doc = xmlNewDoc(BAD_CAST "1.0")) == NULL)
		return diag_set(d, ERR_NOMEM, W.file, 0, "out of memory");
	write_session(&W, s);
	if (W.rc == 0) {
		xmlDocDumpFormatMemoryEnc(W.doc, &mem, &len, "UTF-8", 1);
		if (mem == NULL || len <= 0)
			wfail(&W, ERR_NOMEM, "-");
	}
	xmlFreeDoc(W.doc);
	if (W.rc != 0) {
		xmlFree(mem);
		return W.rc;
	}
	if ((buf = malloc((size_t)len + 1)) == NULL) {
		xmlFree(mem);
		return diag_set(d, ERR_NOMEM, W.file, 0, "out of memory");
	}
	memcpy(buf, mem, (size_t)len);
	buf[len] = '\0';
	xmlFree(mem);
	*out = buf;
	*size = (size_t)len;
	return 0;
}

int
session_xml_save(struct session *s, const char *path, struct diag *d)
{
	struct session *check = NULL;
	struct diag vd;
	char *data = NULL, *dir = NULL, *newpath = NULL;
	size_t size;
	int rc;

	diag_clear(d);
	if ((rc = session_xml_write_memory(s, &data, &size, d)) != 0) {
		if (d != NULL)
			snprintf(d->file, sizeof d->file, "%s", path);
		return rc;
	}
	/* Never put a file on disk that would not load back. */
	if ((dir = path_dirname(path)) == NULL ||
	    (newpath = str_dup(path)) == NULL) {
		rc = diag_set(d, ERR_NOMEM, path, 0, "out of memory");
		goto out;
	}
	if ((rc = session_xml_load_memory(data, size, path, dir, &check,
	    &vd)) != 0) {
		rc = diag_set(d, rc, path, 0, "not saved: the file would not load "
		    "back (line %d of it: %s)", vd.line, vd.message);
		goto out;
	}
	if ((rc = atomic_file_write(path, data, size, true, d)) != 0)
		goto out;
	free(s->path);
	s->path = newpath;
	newpath = NULL;
out:
	session_destroy(check);
	free(newpath);
	free(dir);
	free(data);
	return rc;
}
