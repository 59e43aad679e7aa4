/*
 * edit_clips.c - editing clips (add, move, trim, split, source, fades) and
 * markers.
 */
#include "session/edit_internal.h"
#include "base/error.h"
#include "base/strutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- validation ---------------------------------------------------------- */

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
	struct session *s = editor_session(ed), *snap;
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
	if ((snap = edit_checkpoint(ed)) == NULL)
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
		return edit_finish(ed, snap, rc, "add clip %s", idstr(id, b));
	}
	return edit_finish(ed, snap, rc, "add clip");
}

int
editor_move_clip(struct editor *ed, struct id id, int64_t position_frames,
    struct id track)
{
	struct session *s = editor_session(ed), *snap;
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
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	c->position_frames = position_frames;
	if (to == from) {
		session_track_sort_clips(from);
		return edit_finish(ed, snap, 0, "move %s", idstr(id, b));
	}
	if (to->clip_count == to->clip_cap) {
		size_t ncap = to->clip_cap == 0 ? 4 : to->clip_cap * 2;
		struct clip *p = realloc(to->clips, ncap * sizeof *p);

		if (p == NULL)
			return edit_finish(ed, snap, ERR_NOMEM, "move");
		to->clips = p;
		to->clip_cap = ncap;
	}
	for (i = 0; from->clips[i].id.num != id.num; i++)
		;
	moved = from->clips[i];
	array_remove(from->clips, &from->clip_count, i, sizeof *from->clips);
	to->clips[to->clip_count++] = moved;
	session_track_sort_clips(to);
	return edit_finish(ed, snap, 0, "move %s", idstr(id, b));
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
	struct session *s = editor_session(ed), *snap;
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
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	*c = trial;
	session_track_sort_clips(t);
	return edit_finish(ed, snap, 0, "trim %s", idstr(id, b));
}

int
editor_split_clip(struct editor *ed, struct id id, int64_t at_frames,
    struct id *right_out)
{
	struct session *s = editor_session(ed), *snap;
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
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	left = *c;
	cut = at_frames - c->position_frames;
	r = session_add_clip(s, t, none, &rc);
	if (r == NULL)
		return edit_finish(ed, snap, rc, "split");
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
	return edit_finish(ed, snap, rc, "split %s", idstr(id, b));
}

int
editor_set_clip_source_channel(struct editor *ed, struct id id,
    struct id source, int source_channel, int64_t source_offset_frames)
{
	struct session *s = editor_session(ed), *snap;
	struct track *t = NULL;
	struct clip *c = session_clip(s, id, &t), trial;
	const struct source *from, *to;
	char b[16], b2[16];

	if (c == NULL || (to = session_source(s, source)) == NULL)
		return ERR_NOTFOUND;
	if (c->channel_map_count != 0)
		return ERR_SEMANTIC;
	if (source_channel < 0 || source_offset_frames < 0)
		return ERR_INVALID;
	from = session_source(s, c->source);
	trial = *c;
	trial.source = source;
	trial.source_channel = source_channel;
	trial.source_offset_frames = source_offset_frames;
	/* The fit is only known with the new length; across a rate change an
	 * unchecked fit is refused rather than assumed. */
	if (to->length_frames <= 0 && from != NULL &&
	    from->sample_rate_hz != to->sample_rate_hz)
		return ERR_INVALID;
	/* offset + length (at most 96 x at the extreme rates) must not wrap */
	if (source_offset_frames > INT64_MAX / 2 ||
	    c->length_frames > INT64_MAX / 256)
		return ERR_INVALID;
	if (!clip_extent_ok(s, &trial) ||
	    !clip_channels_ok(s, &trial, track_channels(t)))
		return ERR_INVALID;
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	c->source = source;
	c->source_channel = source_channel;
	c->source_offset_frames = source_offset_frames;
	return edit_finish(ed, snap, 0, "set source of %s to %s", idstr(id, b),
	    idstr(source, b2));
}

int
editor_set_clip_source(struct editor *ed, struct id id, struct id source,
    int64_t source_offset_frames)
{
	struct clip *c = session_clip(editor_session(ed), id, NULL);

	if (c == NULL)
		return ERR_NOTFOUND;
	return editor_set_clip_source_channel(ed, id, source, c->source_channel,
	    source_offset_frames);
}

int
editor_set_fade(struct editor *ed, struct id id, bool in,
    const struct fade *fade)
{
	struct session *snap;
	struct clip *c = session_clip(editor_session(ed), id, NULL), trial;
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
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	*c = trial;
	return edit_finish(ed, snap, 0, "fade %s %s", in ? "in" : "out",
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
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	m = session_add_marker(editor_session(ed), none, &rc);
	if (m != NULL) {
		id = m->id;
		m->position_frames = position_frames;
		m->length_frames = length_frames;
		if (str_replace(&m->name, name) != 0)
			rc = ERR_NOMEM;
		session_sort_markers(editor_session(ed));
		if (rc == 0 && out != NULL)
			*out = id;
	}
	return edit_finish(ed, snap, rc, "add marker %s", idstr(id, b));
}

int
editor_move_marker(struct editor *ed, struct id id, int64_t position_frames)
{
	struct session *snap;
	struct marker *m = session_marker(editor_session(ed), id);
	char b[16];

	if (m == NULL)
		return ERR_NOTFOUND;
	if (position_frames < 0)
		return ERR_INVALID;
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	m->position_frames = position_frames;
	session_sort_markers(editor_session(ed));
	return edit_finish(ed, snap, 0, "move %s", idstr(id, b));
}

int
editor_set_marker_comment(struct editor *ed, struct id id, const char *comment)
{
	struct session *snap;
	struct marker *m = session_marker(editor_session(ed), id);
	char b[16];
	int rc;

	if (m == NULL)
		return ERR_NOTFOUND;
	if ((snap = edit_checkpoint(ed)) == NULL)
		return ERR_NOMEM;
	rc = str_replace(&m->comment, comment);
	return edit_finish(ed, snap, rc, "comment %s", idstr(id, b));
}
