/*
 * edit_auto.c - editing automation lanes: strip and clip lanes, and insert
 * parameter lanes.
 */
#include "session/edit_internal.h"
#include "base/error.h"
#include "base/strutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	if (param != AUTO_CLIP_GAIN && session_strip(editor_session(ed), id) == NULL)
		return ERR_NOTFOUND;
	if (param == AUTO_CLIP_GAIN) {
		struct clip *c = session_clip(editor_session(ed), id, NULL);

		if (c == NULL)
			return ERR_NOTFOUND;
		if (point->frame < 0 || point->frame > c->length_frames)
			return ERR_INVALID;
	}
	if (param == AUTO_SEND_LEVEL &&
	    strip_send(session_strip(editor_session(ed), id), target) == NULL)
		return ERR_NOTFOUND;
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	lane = lane_for(editor_session(ed), id, param, target, true, &rc);
	if (lane == NULL)
		return edit_finish(ed, snap, rc, "automation");
	if (lane_put_point(lane, point) != 0)
		return edit_finish(ed, snap, ERR_NOMEM, "automation");
	return edit_finish(ed, snap, 0, "automate %s of %s", auto_param_name(param),
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
	lane = lane_for(editor_session(ed), id, param, target, false, &rc);
	if (lane == NULL)
		return ERR_NOTFOUND;
	for (i = 0; i < lane->count && lane->points[i].frame != frame; i++)
		;
	if (i == lane->count)
		return ERR_NOTFOUND;
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	lane = lane_for(editor_session(ed), id, param, target, false, &rc);
	array_remove(lane->points, &lane->count, i, sizeof *lane->points);
	return edit_finish(ed, snap, 0, "remove automation point of %s",
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
	if (lane_for(editor_session(ed), id, param, target, false, &rc) == NULL)
		return ERR_NOTFOUND;
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	if (param == AUTO_CLIP_GAIN) {
		c = session_clip(editor_session(ed), id, NULL);
		auto_lane_fini(c->gain_lane);
		free(c->gain_lane);
		c->gain_lane = NULL;
	} else {
		struct auto_lane *lane;
		size_t i;

		st = session_strip(editor_session(ed), id);
		lane = strip_lane(st, param, target);
		i = (size_t)(lane - st->lanes);
		auto_lane_fini(lane);
		array_remove(st->lanes, &st->lane_count, i, sizeof *st->lanes);
	}
	return edit_finish(ed, snap, 0, "clear %s lane of %s", auto_param_name(param),
	    idstr(id, b));
}

/* ---- insert automation -------------------------------------------------- */

int
editor_set_insert_auto_point(struct editor *ed, struct id id, size_t insert,
    const char *name, const struct auto_point *point)
{
	struct session *snap;
	struct strip *st = session_strip(editor_session(ed), id);
	struct auto_lane *lane, *p;
	char b[16];

	if (st == NULL || insert >= st->insert_count)
		return ERR_NOTFOUND;
	if (name == NULL || name[0] == '\0' || point == NULL ||
	    point->frame < 0 || point->interp >= INTERP_COUNT ||
	    !isfinite(point->value))
		return ERR_INVALID;
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	lane = strip_insert_lane(st, (int)insert, name);
	if (lane == NULL) {
		p = realloc(st->lanes, (st->lane_count + 1) * sizeof *p);
		if (p == NULL)
			return edit_finish(ed, snap, ERR_NOMEM, "automation");
		st->lanes = p;
		lane = &p[st->lane_count];
		memset(lane, 0, sizeof *lane);
		lane->param = AUTO_INSERT;
		lane->target = (struct id){ ID_BUS, 0 };
		lane->insert = (int)insert;
		if ((lane->insert_param = str_dup(name)) == NULL)
			return edit_finish(ed, snap, ERR_NOMEM, "automation");
		st->lane_count++;
	}
	if (lane_put_point(lane, point) != 0)
		return edit_finish(ed, snap, ERR_NOMEM, "automation");
	return edit_finish(ed, snap, 0, "automate %s of insert %zu of %s", name,
	    insert + 1, idstr(id, b));
}

int
editor_remove_insert_auto_point(struct editor *ed, struct id id,
    size_t insert, const char *name, int64_t frame)
{
	struct session *snap;
	struct strip *st = session_strip(editor_session(ed), id);
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
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	lane = strip_insert_lane(session_strip(editor_session(ed), id), (int)insert, name);
	array_remove(lane->points, &lane->count, i, sizeof *lane->points);
	return edit_finish(ed, snap, 0, "remove automation point of %s",
	    idstr(id, b));
}
