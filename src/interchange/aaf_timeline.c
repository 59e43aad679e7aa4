/*
 * aaf_timeline.c - building and freeing a struct aaf_timeline: growing its
 * arrays, warnings, tags (and reading TaggedValue lists into tags).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interchange/aaf_ids.h"
#include "interchange/aaf_internal.h"

#define MAX_WARNINGS 200          /* a broken file should not flood the list */

/* arr (n elements of size sz) grown by one zeroed element; NULL when out
 * of memory (arr is then unchanged). */
static void *
grow(void *arr, size_t n, size_t sz)
{
	char *p = realloc(arr, (n + 1) * sz);

	if (p != NULL)
		memset(p + n * sz, 0, sz);
	return p;
}

/* Appends a zeroed element to array field a counted by field n of owner o,
 * and gives a pointer to it (NULL when out of memory). */
#define APPEND(o, a, n) do { \
	void *p_ = grow((o)->a, (o)->n, sizeof *(o)->a); \
	if (p_ == NULL) \
		return NULL; \
	(o)->a = p_; \
	return &(o)->a[(o)->n++]; \
} while (0)

void
aaf_warn(struct aaf_timeline *t, const char *fmt, ...)
{
	char buf[512], *s, **slot;
	va_list ap;

	if (t->nwarnings >= MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < t->nwarnings; i++)
		if (strcmp(t->warnings[i], buf) == 0)
			return;                 /* once is enough */
	if ((s = strdup(buf)) == NULL)
		return;
	if ((slot = grow(t->warnings, t->nwarnings, sizeof *slot)) == NULL) {
		free(s);
		return;
	}
	t->warnings = slot;
	t->warnings[t->nwarnings++] = s;
}

int
aaf_tag_add(struct aaf_tag **tags, size_t *n, char *name, char *text)
{
	struct aaf_tag *tg = grow(*tags, *n, sizeof *tg);

	if (tg == NULL) {
		free(name);
		free(text);
		return ERR_NOMEM;
	}
	*tags = tg;
	tg[*n].name = name;
	tg[*n].text = text;
	(*n)++;
	return 0;
}

void
aaf_tags_free(struct aaf_tag *tags, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(tags[i].name);
		free(tags[i].text);
	}
	free(tags);
}

int
aaf_tags_read(struct aaf_file *f, struct aaf_obj *obj, uint16_t pid,
    struct aaf_tag **tags, size_t *n)
{
	struct aaf_obj **items = NULL;
	size_t count = 0;
	int rc = pid ? aaf_obj_list(f, obj, pid, &items, &count) : ERR_NOTFOUND;

	if (rc == ERR_NOTFOUND)
		return 0;
	for (size_t i = 0; i < count && rc == 0; i++) {
		struct aaf_indirect v;
		char *name = NULL, *text = NULL;

		if (!aaf_obj_is(items[i], AAF_C_TAGGEDVALUE))
			continue;
		if (aaf_obj_string(f, items[i], PID_TAGGED_NAME, &name) != 0)
			continue;
		if (aaf_obj_indirect(f, items[i], PID_TAGGED_VALUE, &v) != 0 ||
		    aaf_ind_string(&v, &text) != 0) {
			free(name);
			continue;
		}
		rc = aaf_tag_add(tags, n, name, text);
	}
	free(items);
	return rc;
}

static int
tagged_find(struct aaf_file *f, struct aaf_obj *obj, uint16_t pid,
    const char *name, struct aaf_indirect *v)
{
	struct aaf_obj **items = NULL;
	size_t count = 0;
	int rc = pid ? aaf_obj_list(f, obj, pid, &items, &count) : ERR_NOTFOUND;

	if (rc != 0)
		return rc;
	rc = ERR_NOTFOUND;
	for (size_t i = 0; i < count; i++) {
		char *n = NULL;
		bool same;

		if (aaf_obj_string(f, items[i], PID_TAGGED_NAME, &n) != 0)
			continue;
		same = strcmp(n, name) == 0;
		free(n);
		if (same && aaf_obj_indirect(f, items[i], PID_TAGGED_VALUE, v) == 0) {
			rc = 0;
			break;
		}
	}
	free(items);
	return rc;
}

int
aaf_tagged_int(struct aaf_file *f, struct aaf_obj *obj, uint16_t pid,
    const char *name, int64_t *out)
{
	struct aaf_indirect v;
	int rc = tagged_find(f, obj, pid, name, &v);

	return rc ? rc : aaf_ind_int(&v, out);
}

int
aaf_tagged_string(struct aaf_file *f, struct aaf_obj *obj, uint16_t pid,
    const char *name, char **out)
{
	struct aaf_indirect v;
	int rc = tagged_find(f, obj, pid, name, &v);

	return rc ? rc : aaf_ind_string(&v, out);
}

struct aaf_track *
aaf_track_add(struct aaf_timeline *t)
{
	APPEND(t, tracks, ntracks);
}

struct aaf_clip *
aaf_clip_add(struct aaf_track *tr)
{
	APPEND(tr, clips, nclips);
}

struct aaf_xfade *
aaf_xfade_add(struct aaf_track *tr)
{
	APPEND(tr, xfades, nxfades);
}

struct aaf_marker *
aaf_marker_add(struct aaf_timeline *t)
{
	APPEND(t, markers, nmarkers);
}

struct aaf_essence *
aaf_essence_add(struct aaf_timeline *t)
{
	APPEND(t, essences, nessences);
}

int
aaf_channel_add(struct aaf_clip *c, size_t essence, int channel)
{
	struct aaf_channel *ch = grow(c->chans, c->nchans, sizeof *ch);

	if (ch == NULL)
		return ERR_NOMEM;
	c->chans = ch;
	ch[c->nchans].essence = essence;
	ch[c->nchans].channel = channel;
	c->nchans++;
	return 0;
}

int
aaf_automation_copy(struct aaf_automation *dst, const struct aaf_automation *src)
{
	*dst = *src;
	dst->points = NULL;
	if (src->count == 0)
		return 0;
	dst->points = malloc(src->count * sizeof *src->points);
	if (dst->points == NULL) {
		dst->count = 0;
		return ERR_NOMEM;
	}
	memcpy(dst->points, src->points, src->count * sizeof *src->points);
	return 0;
}

void
aaf_clip_fini(struct aaf_clip *c)
{
	free(c->chans);
	free(c->gain_auto.points);
	free(c->name);
	aaf_tags_free(c->tags, c->ntags);
	memset(c, 0, sizeof *c);
}

void
aaf_timeline_free(struct aaf_timeline *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->ntracks; i++) {
		struct aaf_track *tr = &t->tracks[i];

		for (size_t k = 0; k < tr->nclips; k++)
			aaf_clip_fini(&tr->clips[k]);
		free(tr->clips);
		free(tr->xfades);
		free(tr->name);
		free(tr->volume_auto.points);
		free(tr->pan_auto.points);
	}
	free(t->tracks);
	for (size_t i = 0; i < t->nessences; i++) {
		struct aaf_essence *e = &t->essences[i];

		free(e->name);
		free(e->unique_name);
		free(e->uri);
		free(e->path);
		aaf_tags_free(e->tags, e->ntags);
	}
	free(t->essences);
	for (size_t i = 0; i < t->nmarkers; i++) {
		free(t->markers[i].name);
		free(t->markers[i].comment);
	}
	free(t->markers);
	aaf_tags_free(t->tags, t->ntags);
	for (size_t i = 0; i < t->nwarnings; i++)
		free(t->warnings[i]);
	free(t->warnings);
	free(t->name);
	free(t->company);
	free(t->product);
	free(t->version);
	free(t);
}

const char *
aaf_curve_name(enum aaf_curve c)
{
	switch (c) {
	case AAF_CURVE_NONE: return "none";
	case AAF_CURVE_LINEAR: return "linear";
	case AAF_CURVE_POWER: return "power";
	case AAF_CURVE_LOG: return "log";
	case AAF_CURVE_CONSTANT: return "constant";
	case AAF_CURVE_BSPLINE: return "bspline";
	}
	return "?";
}

const char *
aaf_format_name(enum aaf_format fmt)
{
	switch (fmt) {
	case AAF_FORMAT_UNKNOWN: return "unknown";
	case AAF_FORMAT_MONO: return "mono";
	case AAF_FORMAT_STEREO: return "stereo";
	case AAF_FORMAT_5_1: return "5.1";
	case AAF_FORMAT_7_1: return "7.1";
	}
	return "?";
}
