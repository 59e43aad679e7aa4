/*
 * edit_objects.c - editing objects by id (rename, gain, mute, solo, pan, output,
 * removal), sources and noise prints.
 */
#include "session/edit_internal.h"
#include "base/error.h"
#include "base/strutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "session/routing.h"

/* ---- objects by id ------------------------------------------------------ */

int
editor_rename(struct editor *ed, struct id id, const char *name)
{
	struct session *s = editor_session(ed), *snap;
	char **field = NULL, b[16];
	struct strip *st;
	struct clip *c;
	struct source *src;
	struct marker *m;
	struct noise_print *np;
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
	else if ((np = session_noise_print(s, id)) != NULL) {
		if (name[0] == '\0')
			return ERR_INVALID;     /* a print's name is never empty */
		field = &np->name;
	} else
		return ERR_NOTFOUND;
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	rc = str_replace(field, name);
	return edit_finish(ed, snap, rc, "rename %s", idstr(id, b));
}

int
editor_set_gain(struct editor *ed, struct id id, double gain_db)
{
	struct session *snap;
	struct strip *st = session_strip(editor_session(ed), id);
	struct clip *c = session_clip(editor_session(ed), id, NULL);
	char b[16];

	if (!gain_ok(gain_db))
		return ERR_INVALID;
	if (st == NULL && c == NULL)
		return ERR_NOTFOUND;
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	if (st != NULL)
		st->gain_db = gain_db;
	else
		c->gain_db = gain_db;
	return edit_finish(ed, snap, 0, "set gain %s", idstr(id, b));
}

int
editor_set_mute(struct editor *ed, struct id id, bool mute)
{
	struct session *snap;
	struct strip *st = session_strip(editor_session(ed), id);
	struct clip *c = session_clip(editor_session(ed), id, NULL);
	char b[16];

	if (st == NULL && c == NULL)
		return ERR_NOTFOUND;
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	if (st != NULL)
		st->mute = mute;
	else
		c->mute = mute;
	return edit_finish(ed, snap, 0, "%s %s", mute ? "mute" : "unmute",
	    idstr(id, b));
}

int
editor_set_solo(struct editor *ed, struct id id, bool solo)
{
	struct session *snap;
	struct strip *st = session_strip(editor_session(ed), id);
	char b[16];

	if (st == NULL)
		return ERR_NOTFOUND;
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	st->solo = solo;
	return edit_finish(ed, snap, 0, "%s %s", solo ? "solo" : "unsolo",
	    idstr(id, b));
}

int
editor_set_pan(struct editor *ed, struct id id, const struct pan *pan)
{
	struct session *snap;
	struct strip *st = session_strip(editor_session(ed), id);
	char b[16];

	if (st == NULL)
		return ERR_NOTFOUND;
	if (pan == NULL || !unit_ok(pan->x) || !unit_ok(pan->y) ||
	    !isfinite(pan->divergence) || pan->divergence < 0.0 ||
	    pan->divergence > 1.0 || !gain_ok(pan->lfe_db))
		return ERR_INVALID;
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	st->pan = *pan;
	return edit_finish(ed, snap, 0, "pan %s", idstr(id, b));
}

int
editor_set_output(struct editor *ed, struct id id, struct id bus)
{
	struct session *snap;
	struct strip *st = session_strip(editor_session(ed), id);
	char b[16], b2[16];

	if (st == NULL)
		return ERR_NOTFOUND;
	if (bus.kind != ID_BUS || (bus.num != 0 && session_bus(editor_session(ed), bus) == NULL))
		return ERR_NOTFOUND;
	if (routing_would_loop(editor_session(ed), id, bus))
		return ERR_SEMANTIC;
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	st->output = bus;
	return edit_finish(ed, snap, 0, "route %s to %s", idstr(id, b),
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

/* Whether a denoise insert on a strip uses noise print np (its "profile"
 * parameter holds the print's number). */
static bool
strip_uses_print(const struct strip *st, struct id np)
{
	for (size_t i = 0; i < st->insert_count; i++) {
		const struct insert *ins = &st->inserts[i];
		const struct insert_param *ref;

		if (strcmp(ins->kind, "denoise") == 0 &&
		    (ref = insert_param_find(ins, "profile")) != NULL &&
		    ref->value == (double)np.num)
			return true;
	}
	return false;
}

static bool
print_in_use(const struct session *s, struct id np)
{
	for (size_t t = 0; t < s->track_count; t++)
		if (strip_uses_print(&s->tracks[t].strip, np))
			return true;
	for (size_t b = 0; b < s->bus_count; b++)
		if (strip_uses_print(&s->buses[b].strip, np))
			return true;
	return false;
}

int
editor_remove(struct editor *ed, struct id id)
{
	struct session *s = editor_session(ed), *snap;
	struct track *tr = NULL;
	char b[16];
	size_t i;

	switch (id.kind) {
	case ID_TRACK: case ID_BUS: case ID_MARKER: case ID_CLIP: case ID_SOURCE:
	case ID_PRINT:
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
	if (id.kind == ID_PRINT) {
		if (session_noise_print(s, id) == NULL)
			return ERR_NOTFOUND;
		if (print_in_use(s, id))
			return ERR_SEMANTIC;
	}
	if (id.kind == ID_SOURCE) {
		if (session_source(s, id) == NULL)
			return ERR_NOTFOUND;
		if (source_in_use(s, id))
			return ERR_SEMANTIC;
	}
	if ((snap = edit_checkpoint(ed)) == NULL)
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
	case ID_PRINT:
		for (i = 0; s->noise_prints[i].id.num != id.num; i++)
			;
		noise_print_fini(&s->noise_prints[i]);
		array_remove(s->noise_prints, &s->noise_print_count, i,
		    sizeof *s->noise_prints);
		break;
	default:
		break;
	}
	return edit_finish(ed, snap, 0, "remove %s", idstr(id, b));
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
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	src = session_add_source(editor_session(ed), none, &rc);
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
	return edit_finish(ed, snap, rc, "add source %s",
	    src != NULL ? idstr(src->id, b) : "");
}

int
editor_relink_source(struct editor *ed, struct id id, const char *path)
{
	struct session *snap;
	struct source *src = session_source(editor_session(ed), id);
	char b[16];
	int rc;

	if (src == NULL)
		return ERR_NOTFOUND;
	if (path == NULL || path[0] == '\0')
		return ERR_INVALID;
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	src = session_source(editor_session(ed), id);
	rc = str_replace(&src->path, path);
	return edit_finish(ed, snap, rc, "relink %s", idstr(id, b));
}

/* ---- noise prints ------------------------------------------------------- */

int
editor_add_noise_print(struct editor *ed, const struct noise_print *tmpl,
    struct id *out)
{
	struct session *snap;
	struct noise_print *np;
	struct id none = { ID_PRINT, 0 }, id = none;
	int rc = 0;
	char b[16];

	if (noise_print_validate(tmpl, NULL, 0) != 0)
		return ERR_INVALID;
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	/* the next id is the largest yet: appending keeps id order */
	np = session_add_noise_print(editor_session(ed), none, &rc);
	if (np != NULL) {
		id = np->id;
		rc = noise_print_copy(np, tmpl);
		np->id = id;
		if (rc == 0) {
			for (int i = 0; i < np->bins; i++)
				if (np->power[i] == 0.0f)
					np->power[i] = 0.0f;    /* no -0 */
			if (out != NULL)
				*out = id;
		}
	}
	return edit_finish(ed, snap, rc, "add noise print %s", idstr(id, b));
}
