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
#include "session/edit_internal.h"
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

struct session *
edit_checkpoint(struct editor *ed)
{
	return session_clone(ed->s);
}

int
edit_finish(struct editor *ed, struct session *snap, int rc, const char *fmt, ...)
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
	ed->group_snapshot = edit_checkpoint(ed);
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

/* ---- session-wide ------------------------------------------------------- */

int
editor_set_name(struct editor *ed, const char *name)
{
	struct session *snap;
	int rc;

	if (name == NULL)
		return ERR_INVALID;
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	rc = str_replace(&ed->s->name, name);
	return edit_finish(ed, snap, rc, "rename session");
}

int
editor_set_timecode(struct editor *ed, const struct tc_rate *rate,
    int64_t start_frames)
{
	struct session *snap;

	if (rate == NULL || !timecode_rate_is_valid(rate) || start_frames < 0)
		return ERR_INVALID;
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	ed->s->timecode.rate = *rate;
	ed->s->timecode.start_frames = start_frames;
	return edit_finish(ed, snap, 0, "set timecode");
}

int
editor_set_master(struct editor *ed, enum chan_format format, double gain_db)
{
	struct session *snap;

	if (format >= CHAN_FORMAT_COUNT || !gain_ok(gain_db))
		return ERR_INVALID;
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	ed->s->master.format = format;
	ed->s->master.gain_db = gain_db;
	return edit_finish(ed, snap, 0, "set master");
}

