/*
 * session.c - the session tree: creation, deep copy, destruction, lookups
 * and the builder primitives. Changes to a live session go through edit.c.
 *
 * Arrays grow by doubling; objects are stored by value, so a pointer into an
 * array is only valid until the next addition (the header says so). Every
 * partially built object is kept destroyable: counts only ever cover fully
 * initialised elements, so one destroy path serves success and failure.
 */
#include "session/session.h"
#include "base/error.h"
#include "base/strutil.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Grows *arr (of elem-sized items, *cap allocated) to hold one more. */
static int
grow(void **arr, size_t *cap, size_t count, size_t elem)
{
	size_t ncap;
	void *p;

	if (count < *cap)
		return 0;
	ncap = *cap == 0 ? 4 : *cap * 2;
	if (ncap > SIZE_MAX / elem)
		return ERR_NOMEM;
	p = realloc(*arr, ncap * elem);
	if (p == NULL)
		return ERR_NOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

/* ---- destruction -------------------------------------------------------- */

void
auto_lane_fini(struct auto_lane *lane)
{
	free(lane->points);
	free(lane->insert_param);
	lane->points = NULL;
	lane->insert_param = NULL;
	lane->count = lane->cap = 0;
}

void
insert_fini(struct insert *ins)
{
	for (size_t i = 0; i < ins->param_count; i++)
		free(ins->params[i].name);
	free(ins->params);
	free(ins->kind);
	memset(ins, 0, sizeof *ins);
}

struct insert_param *
insert_param_find(const struct insert *ins, const char *name)
{
	for (size_t i = 0; i < ins->param_count; i++)
		if (strcmp(ins->params[i].name, name) == 0)
			return &ins->params[i];
	return NULL;
}

void
source_fini(struct source *src)
{
	free(src->name);
	free(src->path);
	free(src->format);
	free(src->scene);
	free(src->take);
	free(src->tape);
	free(src->comment);
	memset(src, 0, sizeof *src);
}

void
clip_fini(struct clip *c)
{
	free(c->name);
	free(c->channel_map);
	if (c->gain_lane != NULL) {
		auto_lane_fini(c->gain_lane);
		free(c->gain_lane);
	}
	memset(c, 0, sizeof *c);
}

void
strip_fini(struct strip *st)
{
	free(st->name);
	free(st->sends);
	for (size_t i = 0; i < st->insert_count; i++)
		insert_fini(&st->inserts[i]);
	free(st->inserts);
	for (size_t i = 0; i < st->lane_count; i++)
		auto_lane_fini(&st->lanes[i]);
	free(st->lanes);
	memset(st, 0, sizeof *st);
}

void
marker_fini(struct marker *m)
{
	free(m->name);
	free(m->comment);
	free(m->colour);
	memset(m, 0, sizeof *m);
}

void
noise_print_fini(struct noise_print *np)
{
	free(np->name);
	free(np->origin);
	free(np->power);
	free(np->tonal);
	memset(np, 0, sizeof *np);
}

static void
track_fini(struct track *t)
{
	strip_fini(&t->strip);
	for (size_t i = 0; i < t->clip_count; i++)
		clip_fini(&t->clips[i]);
	free(t->clips);
	memset(t, 0, sizeof *t);
}

void
session_destroy(struct session *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->source_count; i++)
		source_fini(&s->sources[i]);
	for (size_t i = 0; i < s->track_count; i++)
		track_fini(&s->tracks[i]);
	for (size_t i = 0; i < s->bus_count; i++)
		strip_fini(&s->buses[i].strip);
	for (size_t i = 0; i < s->marker_count; i++)
		marker_fini(&s->markers[i]);
	for (size_t i = 0; i < s->noise_print_count; i++)
		noise_print_fini(&s->noise_prints[i]);
	free(s->noise_prints);
	free(s->sources);
	free(s->tracks);
	free(s->buses);
	free(s->markers);
	free(s->name);
	free(s->path);
	free(s);
}

/* ---- creation ----------------------------------------------------------- */

struct session *
session_create(int sample_rate_hz, const struct tc_rate *rate)
{
	struct session *s;

	if (sample_rate_hz < 8000 || sample_rate_hz > 768000 || rate == NULL ||
	    !timecode_rate_is_valid(rate))
		return NULL;
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return NULL;
	s->sample_rate_hz = sample_rate_hz;
	s->timecode.rate = *rate;
	s->timecode.start_frames = 0;
	s->master.format = CHAN_STEREO;
	s->master.gain_db = 0.0;
	for (int k = 0; k < ID_KIND_COUNT; k++)
		s->next_id[k] = 1;
	return s;
}

/* ---- deep copy ---------------------------------------------------------- */

/* Copies n elements of size elem (NULL when n == 0). */
static int
dup_array(void **dst, const void *src, size_t n, size_t elem)
{
	*dst = NULL;
	if (n == 0)
		return 0;
	*dst = malloc(n * elem);
	if (*dst == NULL)
		return ERR_NOMEM;
	memcpy(*dst, src, n * elem);
	return 0;
}

/* Copies a string field in place: on entry *p points to the original. */
static int
dup_str(char **p)
{
	const char *orig = *p;

	*p = str_dup(orig);
	return orig != NULL && *p == NULL ? ERR_NOMEM : 0;
}

static int
lane_copy(struct auto_lane *dst, const struct auto_lane *src)
{
	*dst = *src;
	dst->cap = src->count;
	dst->points = NULL;
	if ((dst->insert_param = str_dup(src->insert_param)) == NULL &&
	    src->insert_param != NULL)
		return ERR_NOMEM;
	return dup_array((void **)&dst->points, src->points, src->count,
	    sizeof *src->points);
}

static int
insert_copy(struct insert *dst, const struct insert *src)
{
	memset(dst, 0, sizeof *dst);
	dst->bypass = src->bypass;
	if ((dst->kind = str_dup(src->kind)) == NULL && src->kind != NULL)
		return ERR_NOMEM;
	if (src->param_count == 0)
		return 0;
	dst->params = calloc(src->param_count, sizeof *dst->params);
	if (dst->params == NULL)
		return ERR_NOMEM;
	for (size_t i = 0; i < src->param_count; i++) {
		dst->params[i].value = src->params[i].value;
		dst->params[i].name = str_dup(src->params[i].name);
		dst->param_count = i + 1;
		if (dst->params[i].name == NULL && src->params[i].name != NULL)
			return ERR_NOMEM;
	}
	return 0;
}

static int
strip_copy(struct strip *dst, const struct strip *src)
{
	*dst = *src;
	dst->name = NULL;
	dst->sends = NULL;
	dst->inserts = NULL;
	dst->lanes = NULL;
	dst->send_count = dst->insert_count = dst->lane_count = 0;

	if ((dst->name = str_dup(src->name)) == NULL && src->name != NULL)
		return ERR_NOMEM;
	if (dup_array((void **)&dst->sends, src->sends, src->send_count,
	    sizeof *src->sends) != 0)
		return ERR_NOMEM;
	dst->send_count = src->send_count;
	if (src->insert_count > 0) {
		dst->inserts = calloc(src->insert_count, sizeof *dst->inserts);
		if (dst->inserts == NULL)
			return ERR_NOMEM;
		for (size_t i = 0; i < src->insert_count; i++) {
			dst->insert_count = i + 1;
			if (insert_copy(&dst->inserts[i], &src->inserts[i]) != 0)
				return ERR_NOMEM;
		}
	}
	if (src->lane_count > 0) {
		dst->lanes = calloc(src->lane_count, sizeof *dst->lanes);
		if (dst->lanes == NULL)
			return ERR_NOMEM;
		for (size_t i = 0; i < src->lane_count; i++) {
			dst->lane_count = i + 1;
			if (lane_copy(&dst->lanes[i], &src->lanes[i]) != 0)
				return ERR_NOMEM;
		}
	}
	return 0;
}

static int
clip_copy(struct clip *dst, const struct clip *src)
{
	*dst = *src;
	dst->channel_map = NULL;
	dst->gain_lane = NULL;
	if (dup_str(&dst->name) != 0) {
		dst->name = NULL;
		return ERR_NOMEM;
	}
	if (dup_array((void **)&dst->channel_map, src->channel_map,
	    (size_t)src->channel_map_count, sizeof *src->channel_map) != 0)
		return ERR_NOMEM;
	if (src->gain_lane != NULL) {
		dst->gain_lane = calloc(1, sizeof *dst->gain_lane);
		if (dst->gain_lane == NULL ||
		    lane_copy(dst->gain_lane, src->gain_lane) != 0)
			return ERR_NOMEM;
	}
	return 0;
}

static int
track_copy(struct track *dst, const struct track *src)
{
	memset(dst, 0, sizeof *dst);
	dst->id = src->id;
	if (strip_copy(&dst->strip, &src->strip) != 0)
		return ERR_NOMEM;
	if (src->clip_count == 0)
		return 0;
	dst->clips = calloc(src->clip_count, sizeof *dst->clips);
	if (dst->clips == NULL)
		return ERR_NOMEM;
	dst->clip_cap = src->clip_count;
	for (size_t i = 0; i < src->clip_count; i++) {
		dst->clip_count = i + 1;
		if (clip_copy(&dst->clips[i], &src->clips[i]) != 0)
			return ERR_NOMEM;
	}
	return 0;
}

static int
source_copy(struct source *dst, const struct source *src)
{
	*dst = *src;
	dst->name = dst->path = dst->format = NULL;
	dst->scene = dst->take = dst->tape = dst->comment = NULL;
#define COPY(f) if ((dst->f = str_dup(src->f)) == NULL && src->f != NULL) return ERR_NOMEM
	COPY(name); COPY(path); COPY(format);
	COPY(scene); COPY(take); COPY(tape); COPY(comment);
#undef COPY
	return 0;
}

static int
marker_copy(struct marker *dst, const struct marker *src)
{
	*dst = *src;
	dst->name = dst->comment = dst->colour = NULL;
	if ((dst->name = str_dup(src->name)) == NULL && src->name != NULL)
		return ERR_NOMEM;
	if ((dst->comment = str_dup(src->comment)) == NULL && src->comment != NULL)
		return ERR_NOMEM;
	if ((dst->colour = str_dup(src->colour)) == NULL && src->colour != NULL)
		return ERR_NOMEM;
	return 0;
}

int
noise_print_copy(struct noise_print *dst, const struct noise_print *src)
{
	size_t n = src->bins > 0 ? (size_t)src->bins : 0;

	*dst = *src;
	dst->name = dst->origin = NULL;
	dst->power = NULL;
	dst->tonal = NULL;
	if ((dst->name = str_dup(src->name)) == NULL && src->name != NULL)
		return ERR_NOMEM;
	if ((dst->origin = str_dup(src->origin)) == NULL && src->origin != NULL)
		return ERR_NOMEM;
	if (src->power != NULL && dup_array((void **)&dst->power, src->power, n,
	    sizeof *src->power) != 0)
		return ERR_NOMEM;
	if (src->tonal != NULL && dup_array((void **)&dst->tonal, src->tonal, n,
	    sizeof *src->tonal) != 0)
		return ERR_NOMEM;
	return 0;
}

/* Allocates n zeroed elements for a copied array (NULL for n == 0). */
static int
alloc_array(void **arr, size_t *cap, size_t n, size_t elem)
{
	*arr = NULL;
	*cap = 0;
	if (n == 0)
		return 0;
	*arr = calloc(n, elem);
	if (*arr == NULL)
		return ERR_NOMEM;
	*cap = n;
	return 0;
}

struct session *
session_clone(const struct session *src)
{
	struct session *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	s->sample_rate_hz = src->sample_rate_hz;
	s->timecode = src->timecode;
	s->master = src->master;
	memcpy(s->next_id, src->next_id, sizeof s->next_id);
	if ((s->name = str_dup(src->name)) == NULL && src->name != NULL)
		goto fail;
	if ((s->path = str_dup(src->path)) == NULL && src->path != NULL)
		goto fail;

	if (alloc_array((void **)&s->sources, &s->source_cap, src->source_count,
	    sizeof *s->sources) != 0)
		goto fail;
	for (size_t i = 0; i < src->source_count; i++) {
		s->source_count = i + 1;
		if (source_copy(&s->sources[i], &src->sources[i]) != 0)
			goto fail;
	}
	if (alloc_array((void **)&s->tracks, &s->track_cap, src->track_count,
	    sizeof *s->tracks) != 0)
		goto fail;
	for (size_t i = 0; i < src->track_count; i++) {
		s->track_count = i + 1;
		if (track_copy(&s->tracks[i], &src->tracks[i]) != 0)
			goto fail;
	}
	if (alloc_array((void **)&s->buses, &s->bus_cap, src->bus_count,
	    sizeof *s->buses) != 0)
		goto fail;
	for (size_t i = 0; i < src->bus_count; i++) {
		s->bus_count = i + 1;
		s->buses[i].id = src->buses[i].id;
		s->buses[i].kind = src->buses[i].kind;
		if (strip_copy(&s->buses[i].strip, &src->buses[i].strip) != 0)
			goto fail;
	}
	if (alloc_array((void **)&s->markers, &s->marker_cap, src->marker_count,
	    sizeof *s->markers) != 0)
		goto fail;
	for (size_t i = 0; i < src->marker_count; i++) {
		s->marker_count = i + 1;
		if (marker_copy(&s->markers[i], &src->markers[i]) != 0)
			goto fail;
	}
	if (alloc_array((void **)&s->noise_prints, &s->noise_print_cap,
	    src->noise_print_count, sizeof *s->noise_prints) != 0)
		goto fail;
	for (size_t i = 0; i < src->noise_print_count; i++) {
		s->noise_print_count = i + 1;
		if (noise_print_copy(&s->noise_prints[i],
		    &src->noise_prints[i]) != 0)
			goto fail;
	}
	return s;
fail:
	session_destroy(s);
	return NULL;
}

/* ---- lookups ------------------------------------------------------------ */

#define FIND(arr, count, want) do { \
	for (size_t i_ = 0; i_ < (count); i_++) \
		if ((arr)[i_].id.num == (want).num) \
			return &(arr)[i_]; \
	return NULL; \
} while (0)

struct source *
session_source(const struct session *s, struct id id)
{
	if (id.kind != ID_SOURCE || id.num == 0)
		return NULL;
	FIND(s->sources, s->source_count, id);
}

struct track *
session_track(const struct session *s, struct id id)
{
	if (id.kind != ID_TRACK || id.num == 0)
		return NULL;
	FIND(s->tracks, s->track_count, id);
}

struct bus *
session_bus(const struct session *s, struct id id)
{
	if (id.kind != ID_BUS || id.num == 0)
		return NULL;
	FIND(s->buses, s->bus_count, id);
}

struct marker *
session_marker(const struct session *s, struct id id)
{
	if (id.kind != ID_MARKER || id.num == 0)
		return NULL;
	FIND(s->markers, s->marker_count, id);
}

struct noise_print *
session_noise_print(const struct session *s, struct id id)
{
	if (id.kind != ID_PRINT || id.num == 0)
		return NULL;
	FIND(s->noise_prints, s->noise_print_count, id);
}

struct noise_print *
session_noise_print_by_name(const struct session *s, const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < s->noise_print_count; i++)
		if (s->noise_prints[i].name != NULL &&
		    strcmp(s->noise_prints[i].name, name) == 0)
			return &s->noise_prints[i];
	return NULL;
}

struct clip *
session_clip(const struct session *s, struct id id, struct track **track_out)
{
	if (id.kind != ID_CLIP || id.num == 0)
		return NULL;
	for (size_t t = 0; t < s->track_count; t++) {
		struct track *tr = &s->tracks[t];

		for (size_t c = 0; c < tr->clip_count; c++) {
			if (tr->clips[c].id.num == id.num) {
				if (track_out != NULL)
					*track_out = tr;
				return &tr->clips[c];
			}
		}
	}
	return NULL;
}

struct strip *
session_strip(const struct session *s, struct id id)
{
	struct track *t;
	struct bus *b;

	if ((t = session_track(s, id)) != NULL)
		return &t->strip;
	if ((b = session_bus(s, id)) != NULL)
		return &b->strip;
	return NULL;
}

/* ---- ids ---------------------------------------------------------------- */

struct id
session_next_id(struct session *s, enum id_kind kind)
{
	struct id id = { kind, s->next_id[kind] };

	s->next_id[kind]++;
	return id;
}

void
session_reserve_id(struct session *s, struct id id)
{
	if (id.num != 0 && id.num >= s->next_id[id.kind])
		s->next_id[id.kind] = id.num + 1;
}

static bool
id_in_use(const struct session *s, struct id id)
{
	switch (id.kind) {
	case ID_SOURCE: return session_source(s, id) != NULL;
	case ID_TRACK: return session_track(s, id) != NULL;
	case ID_BUS: return session_bus(s, id) != NULL;
	case ID_MARKER: return session_marker(s, id) != NULL;
	case ID_CLIP: return session_clip(s, id, NULL) != NULL;
	case ID_PRINT: return session_noise_print(s, id) != NULL;
	default: return false;
	}
}

/* Checks and settles the id for a new object of kind; 0 or an ERR_ code. */
static int
claim_id(struct session *s, enum id_kind kind, struct id *id)
{
	if (id->num == 0) {
		*id = session_next_id(s, kind);
		return 0;
	}
	if (id->kind != kind)
		return ERR_INVALID;
	if (id_in_use(s, *id))
		return ERR_EXISTS;
	session_reserve_id(s, *id);
	return 0;
}

/* ---- builder primitives ------------------------------------------------- */

#define ADD(s, arr, count, cap, kind, idv, err) do { \
	int rc_ = grow((void **)&(arr), &(cap), (count), sizeof *(arr)); \
	if (rc_ == 0) \
		rc_ = claim_id((s), (kind), &(idv)); \
	if (err != NULL) \
		*err = rc_; \
	if (rc_ != 0) \
		return NULL; \
	memset(&(arr)[count], 0, sizeof *(arr)); \
	(arr)[count].id = (idv); \
	return &(arr)[(count)++]; \
} while (0)

static void
strip_defaults(struct strip *st, enum chan_format format)
{
	st->format = format;
	st->pan.y = 1.0;
	st->pan.lfe_db = SESSION_GAIN_MIN_DB;
	st->output.kind = ID_BUS;
}

struct source *
session_add_source(struct session *s, struct id id, int *err)
{
	ADD(s, s->sources, s->source_count, s->source_cap, ID_SOURCE, id, err);
}

struct marker *
session_add_marker(struct session *s, struct id id, int *err)
{
	ADD(s, s->markers, s->marker_count, s->marker_cap, ID_MARKER, id, err);
}

struct noise_print *
session_add_noise_print(struct session *s, struct id id, int *err)
{
	ADD(s, s->noise_prints, s->noise_print_count, s->noise_print_cap,
	    ID_PRINT, id, err);
}

static struct track *
add_track_raw(struct session *s, struct id id, int *err)
{
	ADD(s, s->tracks, s->track_count, s->track_cap, ID_TRACK, id, err);
}

static struct bus *
add_bus_raw(struct session *s, struct id id, int *err)
{
	ADD(s, s->buses, s->bus_count, s->bus_cap, ID_BUS, id, err);
}

static struct clip *
add_clip_raw(struct session *s, struct track *t, struct id id, int *err)
{
	ADD(s, t->clips, t->clip_count, t->clip_cap, ID_CLIP, id, err);
}

struct track *
session_add_track(struct session *s, struct id id, int *err)
{
	struct track *t = add_track_raw(s, id, err);

	if (t != NULL)
		strip_defaults(&t->strip, CHAN_MONO);
	return t;
}

struct bus *
session_add_bus(struct session *s, struct id id, int *err)
{
	struct bus *b = add_bus_raw(s, id, err);

	if (b != NULL) {
		strip_defaults(&b->strip, CHAN_STEREO);
		b->kind = BUS_AUX;
	}
	return b;
}

struct clip *
session_add_clip(struct session *s, struct track *t, struct id id, int *err)
{
	struct clip *c = add_clip_raw(s, t, id, err);

	if (c != NULL) {
		c->source.kind = ID_SOURCE;
		c->fade_in.shape = FADE_EQUAL_POWER;
		c->fade_out.shape = FADE_EQUAL_POWER;
	}
	return c;
}

static int
clip_cmp(const void *a, const void *b)
{
	const struct clip *x = a, *y = b;

	if (x->position_frames != y->position_frames)
		return x->position_frames < y->position_frames ? -1 : 1;
	return x->id.num < y->id.num ? -1 : x->id.num > y->id.num;
}

void
session_track_sort_clips(struct track *t)
{
	if (t->clip_count > 1)
		qsort(t->clips, t->clip_count, sizeof *t->clips, clip_cmp);
}

static int
marker_cmp(const void *a, const void *b)
{
	const struct marker *x = a, *y = b;

	if (x->position_frames != y->position_frames)
		return x->position_frames < y->position_frames ? -1 : 1;
	return x->id.num < y->id.num ? -1 : x->id.num > y->id.num;
}

void
session_sort_markers(struct session *s)
{
	if (s->marker_count > 1)
		qsort(s->markers, s->marker_count, sizeof *s->markers, marker_cmp);
}

static int
noise_print_cmp(const void *a, const void *b)
{
	const struct noise_print *x = a, *y = b;

	return x->id.num < y->id.num ? -1 : x->id.num > y->id.num;
}

void
session_sort_noise_prints(struct session *s)
{
	if (s->noise_print_count > 1)
		qsort(s->noise_prints, s->noise_print_count,
		    sizeof *s->noise_prints, noise_print_cmp);
}

/* ---- noise prints ------------------------------------------------------- */

static int
why_set(char *why, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
why_set(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && size > 0) {
		va_start(ap, fmt);
		vsnprintf(why, size, fmt, ap);
		va_end(ap);
	}
	return ERR_INVALID;
}

int
noise_print_validate(const struct noise_print *np, char *why, size_t size)
{
	if (np == NULL)
		return why_set(why, size, "no noise print");
	if (np->name == NULL || np->name[0] == '\0')
		return why_set(why, size, "its name is empty");
	if (np->sample_rate_hz < NOISE_PRINT_RATE_MIN_HZ ||
	    np->sample_rate_hz > NOISE_PRINT_RATE_MAX_HZ)
		return why_set(why, size, "sample rate %d Hz is outside %d..%d",
		    np->sample_rate_hz, NOISE_PRINT_RATE_MIN_HZ,
		    NOISE_PRINT_RATE_MAX_HZ);
	if (np->fft_size < NOISE_PRINT_FFT_MIN ||
	    np->fft_size > NOISE_PRINT_FFT_MAX ||
	    (np->fft_size & (np->fft_size - 1)) != 0)
		return why_set(why, size, "fft size %d is not a power of two "
		    "from %d to %d", np->fft_size, NOISE_PRINT_FFT_MIN,
		    NOISE_PRINT_FFT_MAX);
	if (np->bins != np->fft_size / 2 + 1)
		return why_set(why, size, "it has %d bins; fft size %d needs %d",
		    np->bins, np->fft_size, np->fft_size / 2 + 1);
	if (np->frames < 1)
		return why_set(why, size, "it averages %d frames; at least 1 "
		    "is needed", np->frames);
	if (!isfinite(np->level_db))
		return why_set(why, size, "its level is not a finite number");
	if (np->power == NULL || np->tonal == NULL)
		return why_set(why, size, "its %s values are missing",
		    np->power == NULL ? "power" : "tonal");
	for (int i = 0; i < np->bins; i++) {
		if (!isfinite(np->power[i]) || !(np->power[i] >= 0.0f))
			return why_set(why, size, "power of bin %d is %g; powers "
			    "must be finite and 0 or more", i, (double)np->power[i]);
		if (np->tonal[i] > 1)
			return why_set(why, size, "tonal flag of bin %d is %d, not "
			    "0 or 1", i, np->tonal[i]);
	}
	return 0;
}

/* ---- strips, lanes, derived values -------------------------------------- */

struct auto_lane *
strip_lane(const struct strip *st, enum auto_param param, struct id target)
{
	for (size_t i = 0; i < st->lane_count; i++) {
		struct auto_lane *l = &st->lanes[i];

		if (l->param == param && param != AUTO_INSERT &&
		    (param != AUTO_SEND_LEVEL || l->target.num == target.num))
			return l;
	}
	return NULL;
}

struct auto_lane *
strip_insert_lane(const struct strip *st, int insert, const char *name)
{
	for (size_t i = 0; i < st->lane_count; i++) {
		struct auto_lane *l = &st->lanes[i];

		if (l->param == AUTO_INSERT && l->insert == insert &&
		    l->insert_param != NULL && strcmp(l->insert_param, name) == 0)
			return l;
	}
	return NULL;
}

struct send *
strip_send(const struct strip *st, struct id bus)
{
	for (size_t i = 0; i < st->send_count; i++)
		if (st->sends[i].bus.num == bus.num)
			return &st->sends[i];
	return NULL;
}

double
auto_lane_value_at(const struct auto_lane *lane, int64_t frame)
{
	const struct auto_point *p = lane->points;
	size_t lo = 0, hi = lane->count;

	if (lane->count == 0)
		return 0.0;
	if (frame <= p[0].frame)
		return p[0].value;
	if (frame >= p[lane->count - 1].frame)
		return p[lane->count - 1].value;
	/* p[lo].frame <= frame < p[hi].frame after the search */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (p[mid].frame <= frame)
			lo = mid;
		else
			hi = mid;
	}
	if (p[lo].interp == INTERP_STEP)
		return p[lo].value;
	return p[lo].value + (p[hi].value - p[lo].value) *
	    (double)(frame - p[lo].frame) / (double)(p[hi].frame - p[lo].frame);
}

size_t
session_track_crossfades(const struct track *t, struct crossfade *out,
    size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < t->clip_count; i++) {
		const struct clip *a = &t->clips[i];
		int64_t a_end = a->position_frames + a->length_frames;

		for (size_t j = i + 1; j < t->clip_count; j++) {
			const struct clip *b = &t->clips[j];
			int64_t b_end = b->position_frames + b->length_frames;

			if (b->position_frames >= a_end)
				break;  /* sorted: no later clip overlaps a */
			if (n < max) {
				out[n].clip_out = a->id;
				out[n].clip_in = b->id;
				out[n].position_frames = b->position_frames;
				out[n].length_frames =
				    (b_end < a_end ? b_end : a_end) - b->position_frames;
			}
			n++;
		}
	}
	return n;
}

int64_t
session_clip_source_end(const struct session *s, const struct clip *c)
{
	const struct source *src = session_source(s, c->source);
	__int128 len;

	if (src == NULL || src->sample_rate_hz <= 0 ||
	    src->sample_rate_hz == s->sample_rate_hz)
		return c->source_offset_frames + c->length_frames;
	len = ((__int128)c->length_frames * src->sample_rate_hz +
	    s->sample_rate_hz - 1) / s->sample_rate_hz;
	return c->source_offset_frames + (int64_t)len;
}

int
track_channels(const struct track *t)
{
	return chan_format_channels(t->strip.format);
}

int64_t
session_end_frames(const struct session *s)
{
	int64_t end = s->timecode.start_frames;

	for (size_t t = 0; t < s->track_count; t++) {
		const struct track *tr = &s->tracks[t];

		for (size_t c = 0; c < tr->clip_count; c++) {
			int64_t e = tr->clips[c].position_frames +
			    tr->clips[c].length_frames;
			if (e > end)
				end = e;
		}
	}
	for (size_t m = 0; m < s->marker_count; m++) {
		int64_t e = s->markers[m].position_frames +
		    s->markers[m].length_frames;
		if (e > end)
			end = e;
	}
	return end;
}

int64_t
session_duration_frames(const struct session *s)
{
	int64_t d = session_end_frames(s) - s->timecode.start_frames;

	return d > 0 ? d : 0;
}
