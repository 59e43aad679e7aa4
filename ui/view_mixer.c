/*
 * view_mixer.c - one strip per track and bus, the master pinned at the
 * right edge, a dB scale at the left.
 *
 * A strip, top to bottom: id, name, meter (one column per channel; solid
 * to RMS, lighter to peak), peak readout, fader in dB, pan (or surround
 * position), mute/solo, inserts, sends, output. Strips scroll sideways to
 * keep the selected one on screen; the selected strip's id, name and
 * fader are drawn in the selection look (reverse video on a vt100).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "session/edit.h"
#include "ui/console.h"
#include "ui/draw.h"
#include "ui/view.h"

#define STRIP_W 10
#define SCALE_W 4
#define ROWS_BELOW 7   /* peak, fader, pan, M/S, inserts, sends, output */

static const char *
pan_text(const struct strip *st, enum chan_format master, char *buf,
    size_t size)
{
	if (st->format != CHAN_MONO && st->format != CHAN_STEREO &&
	    st->format == master)
		snprintf(buf, size, "direct");
	else if (master >= CHAN_5_1)
		snprintf(buf, size, "%+.1f %+.1f", st->pan.x, st->pan.y);
	else if (fabs(st->pan.x) < 0.005)
		snprintf(buf, size, "C");
	else
		snprintf(buf, size, "%c%d", st->pan.x < 0 ? 'L' : 'R',
		    (int)lround(fabs(st->pan.x) * 100));
	return buf;
}

static void
draw_scale(WINDOW *w, int top, int height)
{
	wattrset(w, draw_look(LOOK_DIM));
	for (int db = 0; db >= (int)METER_FLOOR_DB; db -= 12) {
		int r = (int)lround((db - METER_FLOOR_DB) / -METER_FLOOR_DB *
		    height);
		int y = top + height - (r < 1 ? 1 : r);

		if (y >= top)
			mvwprintw(w, y, 0, "%3d", db);
	}
	wattrset(w, A_NORMAL);
}

static void
draw_meters(WINDOW *w, const struct console_meter *m, int channels, int x,
    int width, int top, int height)
{
	int step = channels <= (width - 2) / 2 ? 2 : 1;
	int x0 = x + 1 + (width - 1 - channels * step) / 2;

	for (int ch = 0; ch < channels; ch++) {
		double pk = m != NULL && ch < m->channels ?
		    lin_to_db(m->peak[ch]) : -HUGE_VAL;
		double rms = m != NULL && ch < m->channels ?
		    lin_to_db(m->rms[ch]) : -HUGE_VAL;

		draw_vmeter(w, top + height - 1, x0 + ch * step, height, pk, rms);
	}
}

/* One strip at column x; st NULL for the master. */
static void
draw_strip(struct console *c, WINDOW *w, int index, int x, int width)
{
	const struct session *s = editor_session(c->ed);
	struct id id = console_strip_id(c, index);
	const struct strip *st = id.num != 0 ? session_strip(s, id) : NULL;
	const struct console_meter *m = index < c->meter_count ?
	    &c->meters[index] : NULL;
	int h = getmaxy(w), meter_h = h - 3 - ROWS_BELOW, y = h - ROWS_BELOW;
	bool sel = index == c->strip_sel;
	enum chan_format fmt = st != NULL ? st->format : s->master.format;
	char buf[64], idb[16], db[16];
	double peak = -HUGE_VAL;

	wattrset(w, sel ? draw_look(LOOK_SELECTED) : A_BOLD);
	snprintf(buf, sizeof buf, "%s%s", sel ? ">" : " ",
	    id_format(id, idb, sizeof idb));
	draw_text(w, 0, x, width - 1, buf);
	draw_text(w, 1, x, width - 1, st != NULL ? st->name : "Master");
	wattrset(w, A_NORMAL);
	draw_meters(w, m, chan_format_channels(fmt), x, width, 2, meter_h);
	for (int ch = 0; m != NULL && ch < m->channels; ch++)
		if (lin_to_db(m->peak[ch]) > peak)
			peak = lin_to_db(m->peak[ch]);
	wattrset(w, draw_look(peak > 0.0 ? LOOK_CLIP : LOOK_DIM));
	snprintf(buf, sizeof buf, "pk %s", fmt_db(peak, db, sizeof db));
	draw_text(w, y, x, width - 1, buf);
	wattrset(w, sel ? draw_look(LOOK_SELECTED) : A_NORMAL);
	snprintf(buf, sizeof buf, "%s dB", fmt_db(st != NULL ? st->gain_db :
	    s->master.gain_db, db, sizeof db));
	draw_text(w, y + 1, x, width - 1, buf);
	wattrset(w, A_NORMAL);
	if (st == NULL) {
		draw_text(w, y + 2, x, width - 1, chan_format_name(fmt));
		return;
	}
	draw_text(w, y + 2, x, width - 1, pan_text(st, s->master.format, buf,
	    sizeof buf));
	wattrset(w, st->mute ? draw_look(LOOK_MUTE) : A_NORMAL);
	mvwaddstr(w, y + 3, x, st->mute ? "[M]" : " m ");
	wattrset(w, st->solo ? draw_look(LOOK_SOLO) : A_NORMAL);
	mvwaddstr(w, y + 3, x + 4, st->solo ? "[S]" : " s ");
	wattrset(w, A_NORMAL);
	buf[0] = '\0';
	for (size_t i = 0; i < st->insert_count; i++) {
		size_t len = strlen(buf);

		snprintf(buf + len, sizeof buf - len, "%s%.3s%s", i ? " " : "",
		    st->inserts[i].kind, st->inserts[i].bypass ? "-" : "");
	}
	draw_text(w, y + 4, x, width - 1, st->insert_count ? buf : "no ins");
	if (st->send_count > 0)
		snprintf(buf, sizeof buf, ">%s %s%s",
		    id_format(st->sends[0].bus, idb, sizeof idb),
		    fmt_db(st->sends[0].level_db, db, sizeof db),
		    st->send_count > 1 ? "+" : "");
	else
		snprintf(buf, sizeof buf, "no sends");
	draw_text(w, y + 5, x, width - 1, buf);
	snprintf(buf, sizeof buf, "->%s", id_format(st->output, idb,
	    sizeof idb));
	draw_text(w, y + 6, x, width - 1, buf);
}

static void
draw(struct console *c, WINDOW *w)
{
	int n = console_strip_count(c);
	int width = getmaxx(w), h = getmaxy(w);
	int master_ch = chan_format_channels(editor_session(c->ed)->master.format);
	int master_w = master_ch + 3 > STRIP_W ? master_ch + 3 : STRIP_W;
	int fit = (width - SCALE_W - master_w) / STRIP_W;
	int meter_h = h - 3 - ROWS_BELOW;

	if (fit < 1)
		fit = 1;
	if (c->strip_sel < n) {
		if (c->strip_sel < c->strip_first)
			c->strip_first = c->strip_sel;
		if (c->strip_sel >= c->strip_first + fit)
			c->strip_first = c->strip_sel - fit + 1;
	}
	if (c->strip_first > n - fit)
		c->strip_first = n - fit > 0 ? n - fit : 0;
	draw_scale(w, 2, meter_h);
	for (int i = 0; i < fit && c->strip_first + i < n; i++)
		draw_strip(c, w, c->strip_first + i, SCALE_W + i * STRIP_W,
		    STRIP_W);
	draw_strip(c, w, n, width - master_w, master_w);
	wattrset(w, draw_look(LOOK_DIM));
	if (c->strip_first > 0)
		mvwaddstr(w, 0, SCALE_W - 2, "<");
	if (c->strip_first + fit < n)
		mvwaddstr(w, 0, width - master_w - 2, ">");
	wattrset(w, A_NORMAL);
}

const struct view view_mixer = {
	.name = "mixer",
	.title = "1:mixer",
	.draw = draw,
	.shows_meters = true,
};
