/*
 * view_timeline.c - tracks against time.
 *
 * Row 0 is a timecode ruler, row 1 the markers, then one row per track:
 * a 12-column header (id and name) and the clips as [name] spans, with
 * '/' over the fade-in and '\' over the fade-out, muted clips dim, the
 * selected clip in the selection look. The playhead is a column drawn in
 * its own look. The last two rows describe the selected clip. One column
 * is c->tl_frames_per_col frames; the view pages to keep the playhead on
 * screen while playing and the selected clip's track in view.
 */
#include <stdio.h>
#include <string.h>

#include "session/edit.h"
#include "session/timecode.h"
#include "ui/console.h"
#include "ui/draw.h"
#include "ui/view.h"

#define HEADER_W 12
#define TOP_ROWS 2      /* ruler, markers */
#define INFO_ROWS 2     /* the selected clip */

static int
col_of(const struct console *c, int64_t frame)
{
	int64_t col = (frame - c->tl_start) / c->tl_frames_per_col;

	if (frame < c->tl_start)
		col = -1 - (c->tl_start - frame - 1) / c->tl_frames_per_col;
	return col < -1000000 ? -1000000 : col > 1000000 ? 1000000 : (int)col;
}

static void
draw_ruler(struct console *c, WINDOW *w, int cols)
{
	const struct session *s = editor_session(c->ed);
	char tc[32];

	wattrset(w, draw_look(LOOK_DIM));
	for (int x = 0; x < cols; x += 16) {
		int64_t f = c->tl_start + (int64_t)x * c->tl_frames_per_col;

		timecode_format(&s->timecode.rate, s->sample_rate_hz, f, tc,
		    sizeof tc);
		mvwaddstr(w, 0, HEADER_W + x, "|");
		if (x + 13 < cols)
			mvwaddstr(w, 0, HEADER_W + x + 1, tc);
	}
	mvwaddstr(w, 0, 0, "timecode");
	mvwaddstr(w, 1, 0, "markers");
	wattrset(w, A_NORMAL);
	for (size_t i = 0; i < s->marker_count; i++) {
		const struct marker *m = &s->markers[i];
		int x = col_of(c, m->position_frames);
		char buf[48], idb[16];

		if (x < 0 || x >= cols)
			continue;
		snprintf(buf, sizeof buf, "^%s %s", id_format(m->id, idb,
		    sizeof idb), m->name != NULL ? m->name : "");
		draw_text(w, 1, HEADER_W + x, (int)strlen(buf) < cols - x ?
		    (int)strlen(buf) : cols - x, buf);
	}
}

static void
draw_clip(struct console *c, WINDOW *w, int y, int cols,
    const struct clip *cl)
{
	int a = col_of(c, cl->position_frames);
	int b = col_of(c, cl->position_frames + cl->length_frames - 1);
	int fin = (int)(cl->fade_in.length_frames / c->tl_frames_per_col);
	int fout = (int)(cl->fade_out.length_frames / c->tl_frames_per_col);
	bool sel = cl->id.num == c->clip_sel.num;
	const char *name = cl->name != NULL ? cl->name : "";
	size_t name_len = strlen(name);

	if (b < 0 || a >= cols)
		return;
	if (cl->fade_in.length_frames > 0 && fin < 1)
		fin = 1;
	if (cl->fade_out.length_frames > 0 && fout < 1)
		fout = 1;
	wattrset(w, sel ? draw_look(LOOK_SELECTED) :
	    cl->mute ? draw_look(LOOK_DIM) : A_BOLD);
	for (int x = a < 0 ? 0 : a; x <= b && x < cols; x++) {
		int k = x - a;   /* column within the clip */
		char ch;

		if (x == a)
			ch = '[';
		else if (x == b)
			ch = ']';
		else if (k - 1 >= 0 && (size_t)(k - 1) < name_len && b - a > 2)
			ch = name[k - 1];
		else if (k < fin)
			ch = '/';
		else if (b - x < fout)
			ch = '\\';
		else
			ch = cl->mute ? '.' : '=';
		if ((unsigned char)ch < 0x20 || (unsigned char)ch >= 0x7f)
			ch = '?';
		mvwaddch(w, y, HEADER_W + x, (chtype)(unsigned char)ch);
	}
	wattrset(w, A_NORMAL);
}

static void
draw_info(struct console *c, WINDOW *w, int y, int width)
{
	const struct session *s = editor_session(c->ed);
	struct track *t = NULL;
	const struct clip *cl = c->clip_sel.num != 0 ?
	    session_clip(s, c->clip_sel, &t) : NULL;
	char a[32], b[32], line[256], idb[16], tb[16], db[16];

	if (cl == NULL) {
		draw_text(w, y, 0, width, "no clip selected (arrows select "
		    "clips; ? for the keys)");
		return;
	}
	timecode_format(&s->timecode.rate, s->sample_rate_hz,
	    cl->position_frames, a, sizeof a);
	timecode_format(&s->timecode.rate, s->sample_rate_hz,
	    cl->position_frames + cl->length_frames, b, sizeof b);
	snprintf(line, sizeof line, "%s \"%s\" on %s  %s - %s  %lld frames  "
	    "gain %s dB%s", id_format(cl->id, idb, sizeof idb),
	    cl->name != NULL ? cl->name : "", id_format(t->id, tb, sizeof tb),
	    a, b, (long long)cl->length_frames,
	    fmt_db(cl->gain_db, db, sizeof db), cl->mute ? "  MUTED" : "");
	draw_text(w, y, 0, width, line);
	snprintf(line, sizeof line, "fade in %lld (%s)  fade out %lld (%s)  "
	    "zoom %lld frames/col", (long long)cl->fade_in.length_frames,
	    fade_shape_name(cl->fade_in.shape),
	    (long long)cl->fade_out.length_frames,
	    fade_shape_name(cl->fade_out.shape),
	    (long long)c->tl_frames_per_col);
	draw_text(w, y + 1, 0, width, line);
}

/* Pages to keep the playhead and the selected clip's track on screen. */
static void
follow(struct console *c, int cols, int rows)
{
	const struct session *s = editor_session(c->ed);
	struct track *t = NULL;
	int x = col_of(c, c->playhead);

	if (x < 0 || x >= cols)
		c->tl_start = c->playhead - (int64_t)(cols / 8) *
		    c->tl_frames_per_col;
	if (c->tl_start < 0)
		c->tl_start = 0;
	if (c->clip_sel.num != 0 && session_clip(s, c->clip_sel, &t) != NULL) {
		int ti = (int)(t - s->tracks);

		if (ti < c->track_first)
			c->track_first = ti;
		if (ti >= c->track_first + rows)
			c->track_first = ti - rows + 1;
	}
	if (c->track_first > (int)s->track_count - rows)
		c->track_first = (int)s->track_count - rows;
	if (c->track_first < 0)
		c->track_first = 0;
}

static void
draw(struct console *c, WINDOW *w)
{
	const struct session *s = editor_session(c->ed);
	int width = getmaxx(w), h = getmaxy(w);
	int cols = width - HEADER_W, rows = h - TOP_ROWS - INFO_ROWS;
	int px;

	if (cols < 8 || rows < 1)
		return;
	follow(c, cols, rows);
	draw_ruler(c, w, cols);
	for (int r = 0; r < rows &&
	    (size_t)(c->track_first + r) < s->track_count; r++) {
		const struct track *t = &s->tracks[c->track_first + r];
		char head[64], idb[16];

		snprintf(head, sizeof head, "%s %s", id_format(t->id, idb,
		    sizeof idb), t->strip.name != NULL ? t->strip.name : "");
		wattrset(w, t->strip.mute ? draw_look(LOOK_DIM) : A_NORMAL);
		draw_text(w, TOP_ROWS + r, 0, HEADER_W - 1, head);
		wattrset(w, A_NORMAL);
		for (size_t j = 0; j < t->clip_count; j++)
			draw_clip(c, w, TOP_ROWS + r, cols, &t->clips[j]);
	}
	px = col_of(c, c->playhead);
	if (px >= 0 && px < cols) {
		wattrset(w, draw_look(LOOK_PLAYHEAD));
		for (int y = 0; y < TOP_ROWS + rows; y++) {
			chtype ch = mvwinch(w, y, HEADER_W + px) & A_CHARTEXT;

			mvwaddch(w, y, HEADER_W + px, ch == ' ' ? '|' : ch);
			mvwchgat(w, y, HEADER_W + px, 1, A_REVERSE | A_BOLD,
			    0, NULL);
		}
		wattrset(w, A_NORMAL);
	}
	draw_info(c, w, h - INFO_ROWS, width);
}

const struct view view_timeline = {
	.name = "timeline",
	.title = "2:timeline",
	.draw = draw,
	.shows_meters = false,
};
