/*
 * edit_mixer.c - editing the mixer: tracks and buses, their order, sends and
 * insert chains.
 */
#include "session/edit_internal.h"
#include "base/error.h"
#include "base/strutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "session/routing.h"

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
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	t = session_add_track(editor_session(ed), none, &rc);
	if (t != NULL) {
		t->strip.format = format;
		if (str_replace(&t->strip.name, name) != 0)
			rc = ERR_NOMEM;
		else if (out != NULL)
			*out = t->id;
	}
	return edit_finish(ed, snap, rc, "add track %s",
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
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	bs = session_add_bus(editor_session(ed), none, &rc);
	if (bs != NULL) {
		bs->kind = kind;
		bs->strip.format = format;
		if (str_replace(&bs->strip.name, name) != 0)
			rc = ERR_NOMEM;
		else if (out != NULL)
			*out = bs->id;
	}
	return edit_finish(ed, snap, rc, "add bus %s",
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
	struct session *s = editor_session(ed), *snap;
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
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	if (id.kind == ID_TRACK)
		array_move(s->tracks, sizeof *s->tracks, from, index);
	else
		array_move(s->buses, sizeof *s->buses, from, index);
	return edit_finish(ed, snap, 0, "move %s", idstr(id, b));
}

int
editor_set_send(struct editor *ed, struct id from, struct id bus,
    double level_db, bool pre_fader, bool mute)
{
	struct session *snap;
	struct strip *st = session_strip(editor_session(ed), from);
	struct send *sd;
	char b[16], b2[16];

	if (st == NULL || session_bus(editor_session(ed), bus) == NULL)
		return ERR_NOTFOUND;
	if (!gain_ok(level_db))
		return ERR_INVALID;
	if ((from.kind == ID_BUS && from.num == bus.num) ||
	    routing_would_loop(editor_session(ed), from, bus))
		return ERR_SEMANTIC;
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	sd = strip_send(st, bus);
	if (sd == NULL) {
		struct send *p = realloc(st->sends,
		    (st->send_count + 1) * sizeof *p);

		if (p == NULL)
			return edit_finish(ed, snap, ERR_NOMEM, "send");
		st->sends = p;
		sd = &st->sends[st->send_count++];
		sd->bus = bus;
	}
	sd->level_db = level_db;
	sd->pre_fader = pre_fader;
	sd->mute = mute;
	return edit_finish(ed, snap, 0, "send %s to %s", idstr(from, b),
	    idstr(bus, b2));
}

int
editor_remove_send(struct editor *ed, struct id from, struct id bus)
{
	struct session *snap;
	struct strip *st = session_strip(editor_session(ed), from);
	size_t i;
	char b[16], b2[16];

	if (st == NULL || strip_send(st, bus) == NULL)
		return ERR_NOTFOUND;
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	for (i = 0; st->sends[i].bus.num != bus.num; i++)
		;
	array_remove(st->sends, &st->send_count, i, sizeof *st->sends);
	return edit_finish(ed, snap, 0, "remove send %s to %s", idstr(from, b),
	    idstr(bus, b2));
}

int
editor_add_insert(struct editor *ed, struct id id, const char *kind,
    size_t *index_out)
{
	struct session *snap;
	struct strip *st = session_strip(editor_session(ed), id);
	struct insert *p;
	char b[16];
	int rc = 0;

	if (st == NULL)
		return ERR_NOTFOUND;
	if (kind == NULL || kind[0] == '\0')
		return ERR_INVALID;
	if ((snap = edit_checkpoint(ed)) == NULL)
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
	return edit_finish(ed, snap, rc, "add %s to %s", kind, idstr(id, b));
}

static struct insert *
find_insert(struct editor *ed, struct id id, size_t index)
{
	struct strip *st = session_strip(editor_session(ed), id);

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
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	st = session_strip(editor_session(ed), id);
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
	return edit_finish(ed, snap, 0, "remove insert %zu of %s", index + 1,
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
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	if ((p = insert_param_find(ins, param)) != NULL) {
		p->value = value;
		return edit_finish(ed, snap, 0, "set %s on %s", param,
		    idstr(id, b));
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
	return edit_finish(ed, snap, rc, "set %s on %s", param, idstr(id, b));
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
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	ins->bypass = bypass;
	return edit_finish(ed, snap, 0, "%s insert %zu of %s",
	    bypass ? "bypass" : "enable", index + 1, idstr(id, b));
}
