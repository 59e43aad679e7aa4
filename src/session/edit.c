/*
 * edit.c - every change to a live session, with snapshot undo/redo.
 *
 * Protocol of a change: validate (nothing touched on error), take a snapshot
 * of the model, mutate, then finish(): on failure (only allocation can fail
 * once validation passed) the snapshot is swapped back in, so a change is
 * all or nothing; on success the snapshot becomes the undo step.
 *
 * Each model state carries a serial number so "dirty" survives undo: the
 * session is clean exactly when its current state is the one last saved.
 */
#include "session/edit.h"
#include "session/routing.h"
#include "base/error.h"
#include "base/strutil.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNDO_LIMIT_DEFAULT 200

struct undo_step {
	struct session *snapshot;   /* the model state this step restores */
	uint64_t serial;            /* that state's serial */
	char label[96];
};

struct step_stack {
	struct undo_step *steps;
	size_t count, cap;
};

struct editor {
	struct session *s;
	struct step_stack undo, redo;
	size_t limit;
	uint64_t generation;
	uint64_t serial;            /* serial of the current state */
	uint64_t next_serial;
	uint64_t saved_serial;

	int group_depth;
	struct session *group_snapshot;
	uint64_t group_serial;
	char group_label[96];
	bool group_changed;
};

/* ---- stacks ------------------------------------------------------------- */

static void
stack_clear(struct step_stack *st)
{
	for (size_t i = 0; i < st->count; i++)
		session_destroy(st->steps[i].snapshot);
	st->count = 0;
}

static void
stack_free(struct step_stack *st)
{
	stack_clear(st);
	free(st->steps);
	st->steps = NULL;
	st->cap = 0;
}

/* Pushes a step, dropping the oldest beyond limit. Takes ownership of snap
 * on success only. */
static int
stack_push(struct step_stack *st, size_t limit, struct session *snap,
    uint64_t serial, const char *label)
{
	if (limit == 0) {
		session_destroy(snap);
		return 0;
	}
	if (st->count >= limit) {
		session_destroy(st->steps[0].snapshot);
		memmove(st->steps, st->steps + 1,
		    (st->count - 1) * sizeof *st->steps);
		st->count--;
	}
	if (st->count == st->cap) {
		size_t ncap = st->cap == 0 ? 16 : st->cap * 2;
		struct undo_step *p = realloc(st->steps, ncap * sizeof *p);

		if (p == NULL)
			return ERR_NOMEM;
		st->steps = p;
		st->cap = ncap;
	}
	st->steps[st->count].snapshot = snap;
	st->steps[st->count].serial = serial;
	snprintf(st->steps[st->count].label, sizeof st->steps[0].label, "%s",
	    label);
	st->count++;
	return 0;
}

/* ---- lifecycle ---------------------------------------------------------- */

struct editor *
editor_create(struct session *s)
{
	struct editor *ed;

	if (s == NULL || (ed = calloc(1, sizeof *ed)) == NULL)
		return NULL;
	ed->s = s;
	ed->limit = UNDO_LIMIT_DEFAULT;
	ed->serial = ed->saved_serial = 1;
	ed->next_serial = 2;
	return ed;
}

void
editor_destroy(struct editor *ed)
{
	if (ed == NULL)
		return;
	stack_free(&ed->undo);
	stack_free(&ed->redo);
	session_destroy(ed->group_snapshot);
	session_destroy(ed->s);
	free(ed);
}

struct session *editor_session(const struct editor *ed) { return ed->s; }
uint64_t editor_generation(const struct editor *ed) { return ed->generation; }
bool editor_is_dirty(const struct editor *ed) { return ed->serial != ed->saved_serial; }
void editor_mark_saved(struct editor *ed) { ed->saved_serial = ed->serial; }

void
editor_set_undo_limit(struct editor *ed, size_t steps)
{
	ed->limit = steps;
	while (ed->undo.count > steps) {
		session_destroy(ed->undo.steps[0].snapshot);
		memmove(ed->undo.steps, ed->undo.steps + 1,
		    (ed->undo.count - 1) * sizeof *ed->undo.steps);
		ed->undo.count--;
	}
}

/* Exchanges the model contents of a and b, except the file path, which
 * belongs to where the session lives, not to its history. */
static void
swap_contents(struct session *a, struct session *b)
{
	struct session tmp = *a;
	char *path_a = a->path;

	*a = *b;
	*b = tmp;
	b->path = a->path;
	a->path = path_a;
}

/* ---- change protocol ---------------------------------------------------- */

static struct session *
checkpoint(struct editor *ed)
{
	return session_clone(ed->s);
}

/* Ends a change begun with checkpoint(): see the file comment. */
static int
finish(struct editor *ed, struct session *snap, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
finish(struct editor *ed, struct session *snap, int rc, const char *fmt, ...)
{
	char label[96];
	va_list ap;
	uint64_t before = ed->serial;

	if (rc != 0) {
		swap_contents(ed->s, snap);
		session_destroy(snap);
		return rc;
	}
	ed->generation++;
	ed->serial = ed->next_serial++;
	if (ed->group_depth > 0) {
		session_destroy(snap);
		ed->group_changed = true;
		return 0;
	}
	va_start(ap, fmt);
	vsnprintf(label, sizeof label, fmt, ap);
	va_end(ap);
	/* A change whose undo step cannot be recorded must not stay: the
	 * person could not take it back. Roll it back and report. */
	if (stack_push(&ed->undo, ed->limit, snap, before, label) != 0) {
		swap_contents(ed->s, snap);
		session_destroy(snap);
		ed->serial = before;
		return ERR_NOMEM;
	}
	stack_clear(&ed->redo);
	return 0;
}

int
editor_group_begin(struct editor *ed, const char *label)
{
	if (ed->group_depth++ > 0)
		return 0;
	ed->group_snapshot = checkpoint(ed);
	if (ed->group_snapshot == NULL) {
		ed->group_depth = 0;
		return ERR_NOMEM;
	}
	ed->group_serial = ed->serial;
	ed->group_changed = false;
	snprintf(ed->group_label, sizeof ed->group_label, "%s",
	    label != NULL ? label : "changes");
	return 0;
}

void
editor_group_end(struct editor *ed)
{
	struct session *snap;

	if (ed->group_depth == 0 || --ed->group_depth > 0)
		return;
	snap = ed->group_snapshot;
	ed->group_snapshot = NULL;
	if (!ed->group_changed) {
		session_destroy(snap);
		return;
	}
	stack_clear(&ed->redo);
	if (stack_push(&ed->undo, ed->limit, snap, ed->group_serial,
	    ed->group_label) != 0)
		session_destroy(snap);  /* the changes stay, without an undo step */
}

/* ---- undo/redo ---------------------------------------------------------- */

bool editor_can_undo(const struct editor *ed) { return ed->undo.count > 0; }
bool editor_can_redo(const struct editor *ed) { return ed->redo.count > 0; }

const char *
editor_undo_label(const struct editor *ed)
{
	return ed->undo.count > 0 ? ed->undo.steps[ed->undo.count - 1].label : NULL;
}

const char *
editor_redo_label(const struct editor *ed)
{
	return ed->redo.count > 0 ? ed->redo.steps[ed->redo.count - 1].label : NULL;
}

/* Moves the top step of `from` onto `to`, swapping it with the current
 * state. The step keeps its label: undoing "set gain" makes a redo step
 * "set gain". */
static int
travel(struct editor *ed, struct step_stack *from, struct step_stack *to)
{
	struct undo_step step;

	if (from->count == 0 || ed->group_depth > 0)
		return ERR_NOTHING;
	/* make room first so the swap below cannot fail half-way */
	if (to->count == to->cap) {
		size_t ncap = to->cap == 0 ? 16 : to->cap * 2;
		struct undo_step *p = realloc(to->steps, ncap * sizeof *p);

		if (p == NULL)
			return ERR_NOMEM;
		to->steps = p;
		to->cap = ncap;
	}
	step = from->steps[--from->count];
	swap_contents(ed->s, step.snapshot);
	to->steps[to->count].snapshot = step.snapshot;
	to->steps[to->count].serial = ed->serial;
	memcpy(to->steps[to->count].label, step.label, sizeof step.label);
	to->count++;
	ed->serial = step.serial;
	ed->generation++;
	return 0;
}

int editor_undo(struct editor *ed) { return travel(ed, &ed->undo, &ed->redo); }
int editor_redo(struct editor *ed) { return travel(ed, &ed->redo, &ed->undo); }

/* ---- validation helpers ------------------------------------------------- */

static bool
gain_ok(double db)
{
	return isfinite(db) && db >= SESSION_GAIN_MIN_DB &&
	    db <= SESSION_GAIN_MAX_DB;
}

static bool
unit_ok(double v)
{
	return isfinite(v) && v >= -1.0 && v <= 1.0;
}

static const char *
idstr(struct id id, char buf[16])
{
	return id_format(id, buf, 16);
}

/* The source channels a clip would use on a track with `channels` channels
 * all exist (when the source's channel count is known). */
static bool
clip_channels_ok(const struct session *s, const struct clip *c, int channels)
{
	const struct source *src = session_source(s, c->source);

	if (c->channel_map_count != 0) {
		if (c->channel_map_count != channels)
			return false;
		for (int i = 0; i < channels; i++) {
			const struct source *m =
			    session_source(s, c->channel_map[i].source);

			if (m == NULL || c->channel_map[i].source_channel < 0 ||
			    (m->channels > 0 &&
			    c->channel_map[i].source_channel >= m->channels))
				return false;
		}
		return true;
	}
	if (src == NULL || c->source_channel < 0)
		return false;
	return src->channels <= 0 || c->source_channel + channels <= src->channels;
}

/* The clip's audio lies inside its source (when the length is known). */
static bool
clip_extent_ok(const struct session *s, const struct clip *c)
{
	const struct source *src = session_source(s, c->source);

	if (c->length_frames <= 0 || c->source_offset_frames < 0)
		return false;
	if (src == NULL || src->length_frames <= 0)
		return true;
	return session_clip_source_end(s, c) <= src->length_frames;
}

static bool
fades_ok(const struct clip *c)
{
	return c->fade_in.length_frames >= 0 && c->fade_out.length_frames >= 0 &&
	    c->fade_in.shape < FADE_SHAPE_COUNT &&
	    c->fade_out.shape < FADE_SHAPE_COUNT &&
	    c->fade_in.length_frames + c->fade_out.length_frames <= c->length_frames;
}

/* ---- session-wide ------------------------------------------------------- */

int
editor_set_name(struct editor *ed, const char *name)
{
	struct session *snap;
	int rc;

	if (name == NULL)
		return ERR_INVALID;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	rc = str_replace(&ed->s->name, name);
	return finish(ed, snap, rc, "rename session");
}

int
editor_set_timecode(struct editor *ed, const struct tc_rate *rate,
    int64_t start_frames)
{
	struct session *snap;

	if (rate == NULL || !timecode_rate_is_valid(rate) || start_frames < 0)
		return ERR_INVALID;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	ed->s->timecode.rate = *rate;
	ed->s->timecode.start_frames = start_frames;
	return finish(ed, snap, 0, "set timecode");
}

int
editor_set_master(struct editor *ed, enum chan_format format, double gain_db)
{
	struct session *snap;

	if (format >= CHAN_FORMAT_COUNT || !gain_ok(gain_db))
		return ERR_INVALID;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	ed->s->master.format = format;
	ed->s->master.gain_db = gain_db;
	return finish(ed, snap, 0, "set master");
}

/* ---- objects by id ------------------------------------------------------ */

int
editor_rename(struct editor *ed, struct id id, const char *name)
{
	struct session *s = ed->s, *snap;
	char **field = NULL, b[16];
	struct strip *st;
	struct clip *c;
	struct source *src;
	struct marker *m;
	int rc;

	if (name == NULL)
		return ERR_INVALID;
	if ((st = session_strip(s, id)) != NULL)
		field = &st->name;
	else if ((c = session_clip(s, id, NULL)) != NULL)
		field = &c->name;
	else if ((src = session_source(s, id)) != NULL)
		field = &src->name;
	else if ((m = session_marker(s, id)) != NULL)
		field = &m->name;
	else
		return ERR_NOTFOUND;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	rc = str_replace(field, name);
	return finish(ed, snap, rc, "rename %s", idstr(id, b));
}

int
editor_set_gain(struct editor *ed, struct id id, double gain_db)
{
	struct session *snap;
	struct strip *st = session_strip(ed->s, id);
	struct clip *c = session_clip(ed->s, id, NULL);
	char b[16];

	if (!gain_ok(gain_db))
		return ERR_INVALID;
	if (st == NULL && c == NULL)
		return ERR_NOTFOUND;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	if (st != NULL)
		st->gain_db = gain_db;
	else
		c->gain_db = gain_db;
	return finish(ed, snap, 0, "set gain %s", idstr(id, b));
}

int
editor_set_mute(struct editor *ed, struct id id, bool mute)
{
	struct session *snap;
	struct strip *st = session_strip(ed->s, id);
	struct clip *c = session_clip(ed->s, id, NULL);
	char b[16];

	if (st == NULL && c == NULL)
		return ERR_NOTFOUND;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	if (st != NULL)
		st->mute = mute;
	else
		c->mute = mute;
	return finish(ed, snap, 0, "%s %s", mute ? "mute" : "unmute",
	    idstr(id, b));
}

int
editor_set_solo(struct editor *ed, struct id id, bool solo)
{
	struct session *snap;
	struct strip *st = session_strip(ed->s, id);
	char b[16];

	if (st == NULL)
		return ERR_NOTFOUND;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	st->solo = solo;
	return finish(ed, snap, 0, "%s %s", solo ? "solo" : "unsolo",
	    idstr(id, b));
}

int
editor_set_pan(struct editor *ed, struct id id, const struct pan *pan)
{
	struct session *snap;
	struct strip *st = session_strip(ed->s, id);
	char b[16];

	if (st == NULL)
		return ERR_NOTFOUND;
	if (pan == NULL || !unit_ok(pan->x) || !unit_ok(pan->y) ||
	    !isfinite(pan->divergence) || pan->divergence < 0.0 ||
	    pan->divergence > 1.0 || !gain_ok(pan->lfe_db))
		return ERR_INVALID;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	st->pan = *pan;
	return finish(ed, snap, 0, "pan %s", idstr(id, b));
}

int
editor_set_output(struct editor *ed, struct id id, struct id bus)
{
	struct session *snap;
	struct strip *st = session_strip(ed->s, id);
	char b[16], b2[16];

	if (st == NULL)
		return ERR_NOTFOUND;
	if (bus.kind != ID_BUS || (bus.num != 0 && session_bus(ed->s, bus) == NULL))
		return ERR_NOTFOUND;
	if (routing_would_loop(ed->s, id, bus))
		return ERR_SEMANTIC;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	st->output = bus;
	return finish(ed, snap, 0, "route %s to %s", idstr(id, b),
	    idstr(bus, b2));
}

/* Drops every reference to bus from a strip: output goes to the master,
 * sends and send-level lanes to it are removed. */
static void
strip_forget_bus(struct strip *st, struct id bus)
{
	size_t w = 0;

	if (st->output.num == bus.num)
		st->output.num = 0;
	for (size_t i = 0; i < st->send_count; i++)
		if (st->sends[i].bus.num != bus.num)
			st->sends[w++] = st->sends[i];
	st->send_count = w;
	w = 0;
	for (size_t i = 0; i < st->lane_count; i++) {
		if (st->lanes[i].param == AUTO_SEND_LEVEL &&
		    st->lanes[i].target.num == bus.num)
			auto_lane_fini(&st->lanes[i]);
		else
			st->lanes[w++] = st->lanes[i];
	}
	st->lane_count = w;
}

/* Removes element i of an array of n elements of size elem. */
static void
array_remove(void *arr, size_t *n, size_t i, size_t elem)
{
	char *p = arr;

	memmove(p + i * elem, p + (i + 1) * elem, (*n - i - 1) * elem);
	(*n)--;
}

static bool
source_in_use(const struct session *s, struct id src)
{
	for (size_t t = 0; t < s->track_count; t++) {
		const struct track *tr = &s->tracks[t];

		for (size_t c = 0; c < tr->clip_count; c++) {
			const struct clip *cl = &tr->clips[c];

			if (cl->source.num == src.num)
				return true;
			for (int k = 0; k < cl->channel_map_count; k++)
				if (cl->channel_map[k].source.num == src.num)
					return true;
		}
	}
	return false;
}

int
editor_remove(struct editor *ed, struct id id)
{
	struct session *s = ed->s, *snap;
	struct track *tr = NULL;
	char b[16];
	size_t i;

	switch (id.kind) {
	case ID_TRACK: case ID_BUS: case ID_MARKER: case ID_CLIP: case ID_SOURCE:
		break;
	default:
		return ERR_INVALID;
	}
	if (id.kind == ID_TRACK && session_track(s, id) == NULL)
		return ERR_NOTFOUND;
	if (id.kind == ID_BUS && session_bus(s, id) == NULL)
		return ERR_NOTFOUND;
	if (id.kind == ID_MARKER && session_marker(s, id) == NULL)
		return ERR_NOTFOUND;
	if (id.kind == ID_CLIP && session_clip(s, id, &tr) == NULL)
		return ERR_NOTFOUND;
	if (id.kind == ID_SOURCE) {
		if (session_source(s, id) == NULL)
			return ERR_NOTFOUND;
		if (source_in_use(s, id))
			return ERR_SEMANTIC;
	}
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	switch (id.kind) {
	case ID_TRACK:
		for (i = 0; s->tracks[i].id.num != id.num; i++)
			;
		strip_fini(&s->tracks[i].strip);
		for (size_t c = 0; c < s->tracks[i].clip_count; c++)
			clip_fini(&s->tracks[i].clips[c]);
		free(s->tracks[i].clips);
		array_remove(s->tracks, &s->track_count, i, sizeof *s->tracks);
		break;
	case ID_BUS:
		for (i = 0; s->buses[i].id.num != id.num; i++)
			;
		strip_fini(&s->buses[i].strip);
		array_remove(s->buses, &s->bus_count, i, sizeof *s->buses);
		for (size_t k = 0; k < s->track_count; k++)
			strip_forget_bus(&s->tracks[k].strip, id);
		for (size_t k = 0; k < s->bus_count; k++)
			strip_forget_bus(&s->buses[k].strip, id);
		break;
	case ID_MARKER:
		for (i = 0; s->markers[i].id.num != id.num; i++)
			;
		marker_fini(&s->markers[i]);
		array_remove(s->markers, &s->marker_count, i, sizeof *s->markers);
		break;
	case ID_CLIP:
		for (i = 0; tr->clips[i].id.num != id.num; i++)
			;
		clip_fini(&tr->clips[i]);
		array_remove(tr->clips, &tr->clip_count, i, sizeof *tr->clips);
		break;
	case ID_SOURCE:
		for (i = 0; s->sources[i].id.num != id.num; i++)
			;
		source_fini(&s->sources[i]);
		array_remove(s->sources, &s->source_count, i, sizeof *s->sources);
		break;
	default:
		break;
	}
	return finish(ed, snap, 0, "remove %s", idstr(id, b));
}

/* ---- sources ------------------------------------------------------------ */

int
editor_add_source(struct editor *ed, const struct source *tmpl,
    struct id *out)
{
	struct session *snap;
	struct source *src;
	struct id none = { ID_SOURCE, 0 };
	int rc = 0;
	char b[16];

	if (tmpl == NULL || tmpl->path == NULL || tmpl->channels <= 0 ||
	    tmpl->sample_rate_hz <= 0 || tmpl->length_frames < 0)
		return ERR_INVALID;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	src = session_add_source(ed->s, none, &rc);
	if (src != NULL) {
		struct id id = src->id;

		*src = *tmpl;
		src->id = id;
		src->name = src->path = src->format = NULL;
		src->scene = src->take = src->tape = src->comment = NULL;
		if (str_replace(&src->name, tmpl->name) != 0 ||
		    str_replace(&src->path, tmpl->path) != 0 ||
		    str_replace(&src->format, tmpl->format) != 0 ||
		    str_replace(&src->scene, tmpl->scene) != 0 ||
		    str_replace(&src->take, tmpl->take) != 0 ||
		    str_replace(&src->tape, tmpl->tape) != 0 ||
		    str_replace(&src->comment, tmpl->comment) != 0)
			rc = ERR_NOMEM;
		else if (out != NULL)
			*out = id;
	}
	return finish(ed, snap, rc, "add source %s",
	    src != NULL ? idstr(src->id, b) : "");
}

int
editor_relink_source(struct editor *ed, struct id id, const char *path)
{
	struct session *snap;
	struct source *src = session_source(ed->s, id);
	char b[16];
	int rc;

	if (src == NULL)
		return ERR_NOTFOUND;
	if (path == NULL || path[0] == '\0')
		return ERR_INVALID;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	src = session_source(ed->s, id);
	rc = str_replace(&src->path, path);
	return finish(ed, snap, rc, "relink %s", idstr(id, b));
}

/* ---- tracks and buses --------------------------------------------------- */

int
editor_add_track(struct editor *ed, const char *name, enum chan_format format,
    struct id *out)
{
	struct session *snap;
	struct track *t;
	struct id none = { ID_TRACK, 0 };
	int rc = 0;
	char b[16];

	if (name == NULL || format >= CHAN_FORMAT_COUNT)
		return ERR_INVALID;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	t = session_add_track(ed->s, none, &rc);
	if (t != NULL) {
		t->strip.format = format;
		if (str_replace(&t->strip.name, name) != 0)
			rc = ERR_NOMEM;
		else if (out != NULL)
			*out = t->id;
	}
	return finish(ed, snap, rc, "add track %s",
	    t != NULL ? idstr(t->id, b) : "");
}

int
editor_add_bus(struct editor *ed, const char *name, enum bus_kind kind,
    enum chan_format format, struct id *out)
{
	struct session *snap;
	struct bus *bs;
	struct id none = { ID_BUS, 0 };
	int rc = 0;
	char b[16];

	if (name == NULL || format >= CHAN_FORMAT_COUNT ||
	    (kind != BUS_AUX && kind != BUS_STEM))
		return ERR_INVALID;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	bs = session_add_bus(ed->s, none, &rc);
	if (bs != NULL) {
		bs->kind = kind;
		bs->strip.format = format;
		if (str_replace(&bs->strip.name, name) != 0)
			rc = ERR_NOMEM;
		else if (out != NULL)
			*out = bs->id;
	}
	return finish(ed, snap, rc, "add bus %s",
	    bs != NULL ? idstr(bs->id, b) : "");
}

/* Moves element `from` of an array to index `to`, shifting the others. */
static void
array_move(void *arr, size_t elem, size_t from, size_t to)
{
	char *p = arr, tmp[elem];

	memcpy(tmp, p + from * elem, elem);
	if (from < to)
		memmove(p + from * elem, p + (from + 1) * elem, (to - from) * elem);
	else
		memmove(p + (to + 1) * elem, p + to * elem, (from - to) * elem);
	memcpy(p + to * elem, tmp, elem);
}

int
editor_move_strip(struct editor *ed, struct id id, size_t index)
{
	struct session *s = ed->s, *snap;
	size_t from, n;
	char b[16];

	if (id.kind == ID_TRACK && session_track(s, id) != NULL) {
		for (from = 0; s->tracks[from].id.num != id.num; from++)
			;
		n = s->track_count;
	} else if (id.kind == ID_BUS && session_bus(s, id) != NULL) {
		for (from = 0; s->buses[from].id.num != id.num; from++)
			;
		n = s->bus_count;
	} else {
		return ERR_NOTFOUND;
	}
	if (index >= n)
		return ERR_INVALID;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	if (id.kind == ID_TRACK)
		array_move(s->tracks, sizeof *s->tracks, from, index);
	else
		array_move(s->buses, sizeof *s->buses, from, index);
	return finish(ed, snap, 0, "move %s", idstr(id, b));
}

int
editor_set_send(struct editor *ed, struct id from, struct id bus,
    double level_db, bool pre_fader, bool mute)
{
	struct session *snap;
	struct strip *st = session_strip(ed->s, from);
	struct send *sd;
	char b[16], b2[16];

	if (st == NULL || session_bus(ed->s, bus) == NULL)
		return ERR_NOTFOUND;
	if (!gain_ok(level_db))
		return ERR_INVALID;
	if ((from.kind == ID_BUS && from.num == bus.num) ||
	    routing_would_loop(ed->s, from, bus))
		return ERR_SEMANTIC;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	sd = strip_send(st, bus);
	if (sd == NULL) {
		struct send *p = realloc(st->sends,
		    (st->send_count + 1) * sizeof *p);

		if (p == NULL)
			return finish(ed, snap, ERR_NOMEM, "send");
		st->sends = p;
		sd = &st->sends[st->send_count++];
		sd->bus = bus;
	}
	sd->level_db = level_db;
	sd->pre_fader = pre_fader;
	sd->mute = mute;
	return finish(ed, snap, 0, "send %s to %s", idstr(from, b),
	    idstr(bus, b2));
}

int
editor_remove_send(struct editor *ed, struct id from, struct id bus)
{
	struct session *snap;
	struct strip *st = session_strip(ed->s, from);
	size_t i;
	char b[16], b2[16];

	if (st == NULL || strip_send(st, bus) == NULL)
		return ERR_NOTFOUND;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	for (i = 0; st->sends[i].bus.num != bus.num; i++)
		;
	array_remove(st->sends, &st->send_count, i, sizeof *st->sends);
	return finish(ed, snap, 0, "remove send %s to %s", idstr(from, b),
	    idstr(bus, b2));
}

int
editor_add_insert(struct editor *ed, struct id id, const char *kind,
    size_t *index_out)
{
	struct session *snap;
	struct strip *st = session_strip(ed->s, id);
	struct insert *p;
	char b[16];
	int rc = 0;

	if (st == NULL)
		return ERR_NOTFOUND;
	if (kind == NULL || kind[0] == '\0')
		return ERR_INVALID;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	p = realloc(st->inserts, (st->insert_count + 1) * sizeof *p);
	if (p == NULL) {
		rc = ERR_NOMEM;
	} else {
		st->inserts = p;
		memset(&p[st->insert_count], 0, sizeof *p);
		if ((p[st->insert_count].kind = str_dup(kind)) == NULL)
			rc = ERR_NOMEM;
		else if (index_out != NULL)
			*index_out = st->insert_count;
		if (rc == 0)
			st->insert_count++;
	}
	return finish(ed, snap, rc, "add %s to %s", kind, idstr(id, b));
}

static struct insert *
find_insert(struct editor *ed, struct id id, size_t index)
{
	struct strip *st = session_strip(ed->s, id);

	if (st == NULL || index >= st->insert_count)
		return NULL;
	return &st->inserts[index];
}

int
editor_remove_insert(struct editor *ed, struct id id, size_t index)
{
	struct session *snap;
	struct strip *st;
	char b[16];

	if (find_insert(ed, id, index) == NULL)
		return ERR_NOTFOUND;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	st = session_strip(ed->s, id);
	insert_fini(&st->inserts[index]);
	array_remove(st->inserts, &st->insert_count, index, sizeof *st->inserts);
	/* its automation goes with it; later inserts move up one place */
	for (size_t i = 0; i < st->lane_count; ) {
		struct auto_lane *l = &st->lanes[i];

		if (l->param == AUTO_INSERT && l->insert == (int)index) {
			auto_lane_fini(l);
			array_remove(st->lanes, &st->lane_count, i, sizeof *st->lanes);
			continue;
		}
		if (l->param == AUTO_INSERT && l->insert > (int)index)
			l->insert--;
		i++;
	}
	return finish(ed, snap, 0, "remove insert %zu of %s", index + 1,
	    idstr(id, b));
}

int
editor_set_insert_param(struct editor *ed, struct id id, size_t index,
    const char *param, double value)
{
	struct session *snap;
	struct insert *ins = find_insert(ed, id, index);
	struct insert_param *p;
	char b[16];
	int rc = 0;

	if (ins == NULL)
		return ERR_NOTFOUND;
	if (param == NULL || param[0] == '\0' || !isfinite(value))
		return ERR_INVALID;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	for (size_t i = 0; i < ins->param_count; i++) {
		if (strcmp(ins->params[i].name, param) == 0) {
			ins->params[i].value = value;
			return finish(ed, snap, 0, "set %s on %s", param,
			    idstr(id, b));
		}
	}
	p = realloc(ins->params, (ins->param_count + 1) * sizeof *p);
	if (p == NULL) {
		rc = ERR_NOMEM;
	} else {
		ins->params = p;
		p[ins->param_count].value = value;
		if ((p[ins->param_count].name = str_dup(param)) == NULL)
			rc = ERR_NOMEM;
		else
			ins->param_count++;
	}
	return finish(ed, snap, rc, "set %s on %s", param, idstr(id, b));
}

int
editor_set_insert_bypass(struct editor *ed, struct id id, size_t index,
    bool bypass)
{
	struct session *snap;
	struct insert *ins = find_insert(ed, id, index);
	char b[16];

	if (ins == NULL)
		return ERR_NOTFOUND;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	ins->bypass = bypass;
	return finish(ed, snap, 0, "%s insert %zu of %s",
	    bypass ? "bypass" : "enable", index + 1, idstr(id, b));
}

/* ---- clips -------------------------------------------------------------- */

static bool
lane_points_ok(const struct auto_lane *lane)
{
	for (size_t i = 0; i < lane->count; i++) {
		if (!isfinite(lane->points[i].value) ||
		    lane->points[i].interp >= INTERP_COUNT)
			return false;
		if (i > 0 && lane->points[i].frame <= lane->points[i - 1].frame)
			return false;
	}
	return true;
}

int
editor_add_clip(struct editor *ed, struct id track, const struct clip *tmpl,
    struct id *out)
{
	struct session *s = ed->s, *snap;
	struct track *t = session_track(s, track);
	struct clip *c;
	struct id none = { ID_CLIP, 0 };
	int rc = 0;
	char b[16];

	if (t == NULL)
		return ERR_NOTFOUND;
	if (tmpl == NULL || !gain_ok(tmpl->gain_db) || !fades_ok(tmpl) ||
	    !clip_extent_ok(s, tmpl) ||
	    !clip_channels_ok(s, tmpl, track_channels(t)) ||
	    (tmpl->gain_lane != NULL && (tmpl->gain_lane->param != AUTO_CLIP_GAIN ||
	    !lane_points_ok(tmpl->gain_lane))))
		return ERR_INVALID;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	c = session_add_clip(s, t, none, &rc);
	if (c != NULL) {
		struct id id = c->id;

		*c = *tmpl;
		c->id = id;
		c->name = NULL;
		c->channel_map = NULL;
		c->channel_map_count = 0;
		c->gain_lane = NULL;
		if (str_replace(&c->name, tmpl->name) != 0)
			rc = ERR_NOMEM;
		if (rc == 0 && tmpl->channel_map_count > 0) {
			size_t n = (size_t)tmpl->channel_map_count;

			c->channel_map = malloc(n * sizeof *c->channel_map);
			if (c->channel_map == NULL)
				rc = ERR_NOMEM;
			else {
				memcpy(c->channel_map, tmpl->channel_map,
				    n * sizeof *c->channel_map);
				c->channel_map_count = tmpl->channel_map_count;
			}
		}
		if (rc == 0 && tmpl->gain_lane != NULL) {
			c->gain_lane = calloc(1, sizeof *c->gain_lane);
			if (c->gain_lane == NULL)
				rc = ERR_NOMEM;
			else if (tmpl->gain_lane->count > 0) {
				size_t n = tmpl->gain_lane->count;

				c->gain_lane->param = AUTO_CLIP_GAIN;
				c->gain_lane->points = malloc(n * sizeof *c->gain_lane->points);
				if (c->gain_lane->points == NULL)
					rc = ERR_NOMEM;
				else {
					memcpy(c->gain_lane->points,
					    tmpl->gain_lane->points,
					    n * sizeof *c->gain_lane->points);
					c->gain_lane->count = c->gain_lane->cap = n;
				}
			}
		}
		if (rc == 0 && out != NULL)
			*out = id;
		session_track_sort_clips(t);
		return finish(ed, snap, rc, "add clip %s", idstr(id, b));
	}
	return finish(ed, snap, rc, "add clip");
}

int
editor_move_clip(struct editor *ed, struct id id, int64_t position_frames,
    struct id track)
{
	struct session *s = ed->s, *snap;
	struct track *from = NULL, *to;
	struct clip *c = session_clip(s, id, &from), moved;
	size_t i;
	char b[16];

	if (c == NULL)
		return ERR_NOTFOUND;
	to = track.num == 0 ? from : session_track(s, track);
	if (to == NULL)
		return ERR_NOTFOUND;
	if (position_frames < 0 || position_frames > INT64_MAX - c->length_frames)
		return ERR_INVALID;
	if (to != from && !clip_channels_ok(s, c, track_channels(to)))
		return ERR_INVALID;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	c->position_frames = position_frames;
	if (to == from) {
		session_track_sort_clips(from);
		return finish(ed, snap, 0, "move %s", idstr(id, b));
	}
	if (to->clip_count == to->clip_cap) {
		size_t ncap = to->clip_cap == 0 ? 4 : to->clip_cap * 2;
		struct clip *p = realloc(to->clips, ncap * sizeof *p);

		if (p == NULL)
			return finish(ed, snap, ERR_NOMEM, "move");
		to->clips = p;
		to->clip_cap = ncap;
	}
	for (i = 0; from->clips[i].id.num != id.num; i++)
		;
	moved = from->clips[i];
	array_remove(from->clips, &from->clip_count, i, sizeof *from->clips);
	to->clips[to->clip_count++] = moved;
	session_track_sort_clips(to);
	return finish(ed, snap, 0, "move %s", idstr(id, b));
}

/* Source frames that correspond to delta timeline frames of clip c
 * (exact at equal rates; rounded to nearest otherwise). */
static int64_t
to_source_frames(const struct session *s, const struct clip *c, int64_t delta)
{
	const struct source *src = session_source(s, c->source);
	__int128 num;

	if (src == NULL || src->sample_rate_hz <= 0 ||
	    src->sample_rate_hz == s->sample_rate_hz)
		return delta;
	num = (__int128)delta * src->sample_rate_hz;
	num += (num >= 0 ? 1 : -1) * (s->sample_rate_hz / 2);
	return (int64_t)(num / s->sample_rate_hz);
}

int
editor_trim_clip(struct editor *ed, struct id id, int64_t start_frames,
    int64_t end_frames)
{
	struct session *s = ed->s, *snap;
	struct track *t = NULL;
	struct clip *c = session_clip(s, id, &t), trial;
	char b[16];

	if (c == NULL)
		return ERR_NOTFOUND;
	if (start_frames < 0 || end_frames <= start_frames)
		return ERR_INVALID;
	trial = *c;
	trial.source_offset_frames += to_source_frames(s, c,
	    start_frames - c->position_frames);
	trial.position_frames = start_frames;
	trial.length_frames = end_frames - start_frames;
	/* fades shrink with the clip rather than refusing the trim */
	if (trial.fade_in.length_frames > trial.length_frames)
		trial.fade_in.length_frames = trial.length_frames;
	if (trial.fade_in.length_frames + trial.fade_out.length_frames >
	    trial.length_frames)
		trial.fade_out.length_frames = trial.length_frames -
		    trial.fade_in.length_frames;
	if (!clip_extent_ok(s, &trial))
		return ERR_INVALID;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	*c = trial;
	session_track_sort_clips(t);
	return finish(ed, snap, 0, "trim %s", idstr(id, b));
}

int
editor_split_clip(struct editor *ed, struct id id, int64_t at_frames,
    struct id *right_out)
{
	struct session *s = ed->s, *snap;
	struct track *t = NULL;
	struct clip *c = session_clip(s, id, &t), left, *r;
	struct id none = { ID_CLIP, 0 }, rid;
	int64_t cut;
	int rc = 0;
	char b[16];

	if (c == NULL)
		return ERR_NOTFOUND;
	if (at_frames <= c->position_frames ||
	    at_frames >= c->position_frames + c->length_frames)
		return ERR_INVALID;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	left = *c;
	cut = at_frames - c->position_frames;
	r = session_add_clip(s, t, none, &rc);
	if (r == NULL)
		return finish(ed, snap, rc, "split");
	/* session_add_clip may have moved the array: find the left part again */
	c = session_clip(s, id, NULL);
	rid = r->id;
	*r = left;
	r->id = rid;
	r->name = NULL;
	r->channel_map = NULL;
	r->channel_map_count = 0;
	r->gain_lane = NULL;
	r->position_frames = at_frames;
	r->length_frames = left.length_frames - cut;
	r->source_offset_frames += to_source_frames(s, &left, cut);
	r->fade_in.length_frames = 0;
	if (r->fade_out.length_frames > r->length_frames)
		r->fade_out.length_frames = r->length_frames;
	if (str_replace(&r->name, left.name) != 0)
		rc = ERR_NOMEM;
	if (rc == 0 && left.channel_map_count > 0) {
		size_t n = (size_t)left.channel_map_count;

		if ((r->channel_map = malloc(n * sizeof *r->channel_map)) == NULL)
			rc = ERR_NOMEM;
		else {
			memcpy(r->channel_map, left.channel_map,
			    n * sizeof *r->channel_map);
			r->channel_map_count = left.channel_map_count;
		}
	}
	if (rc == 0 && left.gain_lane != NULL) {
		/* the right part keeps the gain curve from the cut on */
		struct auto_lane *l = calloc(1, sizeof *l);
		double at_cut = auto_lane_value_at(left.gain_lane, cut);
		size_t n = 1;

		if (l != NULL)
			l->points = malloc((left.gain_lane->count + 1) *
			    sizeof *l->points);
		if (l == NULL || l->points == NULL) {
			free(l);
			rc = ERR_NOMEM;
		} else {
			l->param = AUTO_CLIP_GAIN;
			l->points[0] = (struct auto_point){ 0, at_cut, INTERP_LINEAR };
			for (size_t k = 0; k < left.gain_lane->count; k++) {
				struct auto_point p = left.gain_lane->points[k];

				if (p.frame > cut) {
					p.frame -= cut;
					l->points[n++] = p;
				} else {
					/* the segment crossing the cut keeps its interp */
					l->points[0].interp = p.interp;
				}
			}
			l->count = l->cap = n;
			r->gain_lane = l;
		}
	}
	if (rc == 0) {
		c->length_frames = cut;
		c->fade_out.length_frames = 0;
		if (c->fade_in.length_frames > cut)
			c->fade_in.length_frames = cut;
		if (right_out != NULL)
			*right_out = rid;
	}
	session_track_sort_clips(t);
	return finish(ed, snap, rc, "split %s", idstr(id, b));
}

int
editor_set_fade(struct editor *ed, struct id id, bool in,
    const struct fade *fade)
{
	struct session *snap;
	struct clip *c = session_clip(ed->s, id, NULL), trial;
	char b[16];

	if (c == NULL)
		return ERR_NOTFOUND;
	if (fade == NULL)
		return ERR_INVALID;
	trial = *c;
	if (in)
		trial.fade_in = *fade;
	else
		trial.fade_out = *fade;
	if (!fades_ok(&trial))
		return ERR_INVALID;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	*c = trial;
	return finish(ed, snap, 0, "fade %s %s", in ? "in" : "out",
	    idstr(id, b));
}

/* ---- markers ------------------------------------------------------------ */

int
editor_add_marker(struct editor *ed, const char *name, int64_t position_frames,
    int64_t length_frames, struct id *out)
{
	struct session *snap;
	struct marker *m;
	struct id none = { ID_MARKER, 0 }, id = none;
	int rc = 0;
	char b[16];

	if (name == NULL || position_frames < 0 || length_frames < 0)
		return ERR_INVALID;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	m = session_add_marker(ed->s, none, &rc);
	if (m != NULL) {
		id = m->id;
		m->position_frames = position_frames;
		m->length_frames = length_frames;
		if (str_replace(&m->name, name) != 0)
			rc = ERR_NOMEM;
		session_sort_markers(ed->s);
		if (rc == 0 && out != NULL)
			*out = id;
	}
	return finish(ed, snap, rc, "add marker %s", idstr(id, b));
}

int
editor_move_marker(struct editor *ed, struct id id, int64_t position_frames)
{
	struct session *snap;
	struct marker *m = session_marker(ed->s, id);
	char b[16];

	if (m == NULL)
		return ERR_NOTFOUND;
	if (position_frames < 0)
		return ERR_INVALID;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	m->position_frames = position_frames;
	session_sort_markers(ed->s);
	return finish(ed, snap, 0, "move %s", idstr(id, b));
}

int
editor_set_marker_comment(struct editor *ed, struct id id, const char *comment)
{
	struct session *snap;
	struct marker *m = session_marker(ed->s, id);
	char b[16];
	int rc;

	if (m == NULL)
		return ERR_NOTFOUND;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	rc = str_replace(&m->comment, comment);
	return finish(ed, snap, rc, "comment %s", idstr(id, b));
}

/* ---- automation --------------------------------------------------------- */

static bool
auto_value_ok(enum auto_param param, double v)
{
	switch (param) {
	case AUTO_VOLUME: case AUTO_SEND_LEVEL: case AUTO_CLIP_GAIN:
		return gain_ok(v);
	case AUTO_PAN: case AUTO_PAN_FB:
		return unit_ok(v);
	case AUTO_MUTE:
		return v == 0.0 || v == 1.0;
	case AUTO_INSERT:
		return isfinite(v);
	default:
		return false;
	}
}

/*
 * Finds the lane an automation change addresses. With create, a missing
 * strip lane is appended (the caller has taken its checkpoint) and a clip
 * gets a gain lane. NULL when the target does not exist or on OOM (*rc).
 */
static struct auto_lane *
lane_for(struct session *s, struct id id, enum auto_param param,
    struct id target, bool create, int *rc)
{
	struct strip *st;
	struct clip *c;
	struct auto_lane *lane, *p;

	*rc = ERR_NOTFOUND;
	if (param == AUTO_CLIP_GAIN) {
		if ((c = session_clip(s, id, NULL)) == NULL)
			return NULL;
		if (c->gain_lane == NULL && create) {
			if ((c->gain_lane = calloc(1, sizeof *c->gain_lane)) == NULL) {
				*rc = ERR_NOMEM;
				return NULL;
			}
			c->gain_lane->param = AUTO_CLIP_GAIN;
		}
		return c->gain_lane;
	}
	if ((st = session_strip(s, id)) == NULL)
		return NULL;
	if (param == AUTO_SEND_LEVEL && strip_send(st, target) == NULL)
		return NULL;
	lane = strip_lane(st, param, target);
	if (lane != NULL || !create)
		return lane;
	p = realloc(st->lanes, (st->lane_count + 1) * sizeof *p);
	if (p == NULL) {
		*rc = ERR_NOMEM;
		return NULL;
	}
	st->lanes = p;
	lane = &p[st->lane_count++];
	memset(lane, 0, sizeof *lane);
	lane->param = param;
	lane->target = param == AUTO_SEND_LEVEL ? target : (struct id){ ID_BUS, 0 };
	return lane;
}

/* Adds or replaces the point at point->frame, keeping the lane sorted.
 * 0 or ERR_NOMEM (lane unchanged). */
static int
lane_put_point(struct auto_lane *lane, const struct auto_point *point)
{
	size_t i;

	for (i = 0; i < lane->count && lane->points[i].frame < point->frame; i++)
		;
	if (i < lane->count && lane->points[i].frame == point->frame) {
		lane->points[i] = *point;
		return 0;
	}
	if (lane->count == lane->cap) {
		size_t ncap = lane->cap == 0 ? 8 : lane->cap * 2;
		struct auto_point *p = realloc(lane->points, ncap * sizeof *p);

		if (p == NULL)
			return ERR_NOMEM;
		lane->points = p;
		lane->cap = ncap;
	}
	memmove(lane->points + i + 1, lane->points + i,
	    (lane->count - i) * sizeof *lane->points);
	lane->points[i] = *point;
	lane->count++;
	return 0;
}

int
editor_set_auto_point(struct editor *ed, struct id id, enum auto_param param,
    struct id target, const struct auto_point *point)
{
	struct session *snap;
	struct auto_lane *lane;
	int rc;
	char b[16];

	if (param >= AUTO_PARAM_COUNT || param == AUTO_INSERT || point == NULL ||
	    point->interp >= INTERP_COUNT ||
	    !auto_value_ok(param, point->value) ||
	    (param != AUTO_CLIP_GAIN && point->frame < 0))
		return ERR_INVALID;
	if (param != AUTO_CLIP_GAIN && session_strip(ed->s, id) == NULL)
		return ERR_NOTFOUND;
	if (param == AUTO_CLIP_GAIN) {
		struct clip *c = session_clip(ed->s, id, NULL);

		if (c == NULL)
			return ERR_NOTFOUND;
		if (point->frame < 0 || point->frame > c->length_frames)
			return ERR_INVALID;
	}
	if (param == AUTO_SEND_LEVEL &&
	    strip_send(session_strip(ed->s, id), target) == NULL)
		return ERR_NOTFOUND;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	lane = lane_for(ed->s, id, param, target, true, &rc);
	if (lane == NULL)
		return finish(ed, snap, rc, "automation");
	if (lane_put_point(lane, point) != 0)
		return finish(ed, snap, ERR_NOMEM, "automation");
	return finish(ed, snap, 0, "automate %s of %s", auto_param_name(param),
	    idstr(id, b));
}

int
editor_remove_auto_point(struct editor *ed, struct id id,
    enum auto_param param, struct id target, int64_t frame)
{
	struct session *snap;
	struct auto_lane *lane;
	size_t i;
	int rc;
	char b[16];

	if (param >= AUTO_PARAM_COUNT || param == AUTO_INSERT)
		return ERR_INVALID;
	lane = lane_for(ed->s, id, param, target, false, &rc);
	if (lane == NULL)
		return ERR_NOTFOUND;
	for (i = 0; i < lane->count && lane->points[i].frame != frame; i++)
		;
	if (i == lane->count)
		return ERR_NOTFOUND;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	lane = lane_for(ed->s, id, param, target, false, &rc);
	array_remove(lane->points, &lane->count, i, sizeof *lane->points);
	return finish(ed, snap, 0, "remove automation point of %s",
	    idstr(id, b));
}

int
editor_clear_lane(struct editor *ed, struct id id, enum auto_param param,
    struct id target)
{
	struct session *snap;
	struct strip *st;
	struct clip *c;
	int rc;
	char b[16];

	if (param >= AUTO_PARAM_COUNT || param == AUTO_INSERT)
		return ERR_INVALID;
	if (lane_for(ed->s, id, param, target, false, &rc) == NULL)
		return ERR_NOTFOUND;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	if (param == AUTO_CLIP_GAIN) {
		c = session_clip(ed->s, id, NULL);
		auto_lane_fini(c->gain_lane);
		free(c->gain_lane);
		c->gain_lane = NULL;
	} else {
		struct auto_lane *lane;
		size_t i;

		st = session_strip(ed->s, id);
		lane = strip_lane(st, param, target);
		i = (size_t)(lane - st->lanes);
		auto_lane_fini(lane);
		array_remove(st->lanes, &st->lane_count, i, sizeof *st->lanes);
	}
	return finish(ed, snap, 0, "clear %s lane of %s", auto_param_name(param),
	    idstr(id, b));
}

/* ---- insert automation -------------------------------------------------- */

int
editor_set_insert_auto_point(struct editor *ed, struct id id, size_t insert,
    const char *name, const struct auto_point *point)
{
	struct session *snap;
	struct strip *st = session_strip(ed->s, id);
	struct auto_lane *lane, *p;
	char b[16];

	if (st == NULL || insert >= st->insert_count)
		return ERR_NOTFOUND;
	if (name == NULL || name[0] == '\0' || point == NULL ||
	    point->frame < 0 || point->interp >= INTERP_COUNT ||
	    !isfinite(point->value))
		return ERR_INVALID;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	lane = strip_insert_lane(st, (int)insert, name);
	if (lane == NULL) {
		p = realloc(st->lanes, (st->lane_count + 1) * sizeof *p);
		if (p == NULL)
			return finish(ed, snap, ERR_NOMEM, "automation");
		st->lanes = p;
		lane = &p[st->lane_count];
		memset(lane, 0, sizeof *lane);
		lane->param = AUTO_INSERT;
		lane->target = (struct id){ ID_BUS, 0 };
		lane->insert = (int)insert;
		if ((lane->insert_param = str_dup(name)) == NULL)
			return finish(ed, snap, ERR_NOMEM, "automation");
		st->lane_count++;
	}
	if (lane_put_point(lane, point) != 0)
		return finish(ed, snap, ERR_NOMEM, "automation");
	return finish(ed, snap, 0, "automate %s of insert %zu of %s", name,
	    insert + 1, idstr(id, b));
}

int
editor_remove_insert_auto_point(struct editor *ed, struct id id,
    size_t insert, const char *name, int64_t frame)
{
	struct session *snap;
	struct strip *st = session_strip(ed->s, id);
	struct auto_lane *lane;
	size_t i;
	char b[16];

	if (st == NULL || name == NULL ||
	    (lane = strip_insert_lane(st, (int)insert, name)) == NULL)
		return ERR_NOTFOUND;
	for (i = 0; i < lane->count && lane->points[i].frame != frame; i++)
		;
	if (i == lane->count)
		return ERR_NOTFOUND;
	if ((snap = checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	lane = strip_insert_lane(session_strip(ed->s, id), (int)insert, name);
	array_remove(lane->points, &lane->count, i, sizeof *lane->points);
	return finish(ed, snap, 0, "remove automation point of %s",
	    idstr(id, b));
}
