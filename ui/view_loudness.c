/*
 * view_loudness.c - the master's loudness as a QC meter shows it.
 *
 * Left: momentary, short-term, integrated (or dialogue-gated, for the
 * dialogue specs), LRA, true peak and their maxima, each judged against the
 * chosen delivery spec. Right: the short-term history, one column per
 * point (newest at the right edge, 100 ms a point), on a LUFS scale with
 * the spec's target and tolerance lines. The figures come from the engine's
 * output tap (qc/loudmeter.h), so they describe what is being played.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "qc/loudmeter.h"
#include "ui/console.h"
#include "ui/draw.h"
#include "ui/view.h"

#define FIG_W 40          /* the figures column */
#define GRAPH_TOP_LUFS (-5.0)
#define GRAPH_BOTTOM_LUFS (-50.0)

static const char *
fmt_lufs(double v, const char *unit, char *buf, size_t size)
{
	if (isnan(v))
		snprintf(buf, size, "  n/a");
	else if (!isfinite(v))
		snprintf(buf, size, "  --.- %s", unit);
	else
		snprintf(buf, size, "%6.1f %s", v, unit);
	return buf;
}

static void
figure(WINDOW *w, int y, const char *label, double v, const char *unit,
    const char *judge, bool bad)
{
	char buf[32], line[80];

	snprintf(line, sizeof line, "%-13s %s  %s", label,
	    fmt_lufs(v, unit, buf, sizeof buf), judge);
	wattrset(w, bad ? draw_look(LOOK_ERROR) : A_NORMAL);
	draw_text(w, y, 0, FIG_W - 1, line);
	wattrset(w, A_NORMAL);
}

static int
graph_row(double lufs, int top, int rows)
{
	double f = (GRAPH_TOP_LUFS - lufs) / (GRAPH_TOP_LUFS - GRAPH_BOTTOM_LUFS);

	if (f < 0.0)
		f = 0.0;
	if (f > 1.0)
		f = 1.0;
	return top + (int)lround(f * (rows - 1));
}

static void
draw_graph(struct console *c, WINDOW *w, const struct loudmeter_targets *t,
    int x0, int top, int rows, int cols)
{
	static float st[4096];
	int n = cols - 6 > 4096 ? 4096 : cols - 6;
	int got;

	wattrset(w, draw_look(LOOK_DIM));
	for (double l = GRAPH_TOP_LUFS; l >= GRAPH_BOTTOM_LUFS; l -= 10.0)
		mvwprintw(w, graph_row(l, top, rows), x0, "%4.0f", l);
	mvwaddstr(w, top + rows, x0 + 5, "short-term LUFS, 100 ms a column");
	wattrset(w, draw_look(LOOK_TARGET));
	if (t != NULL)
		for (int x = 0; x < n; x++) {
			mvwaddch(w, graph_row(t->target_lufs, top, rows),
			    x0 + 5 + x, '-');
			if (t->tolerance_lu > 0 && x % 4 == 0) {
				mvwaddch(w, graph_row(t->high_lufs, top, rows),
				    x0 + 5 + x, '.');
				mvwaddch(w, graph_row(t->low_lufs, top, rows),
				    x0 + 5 + x, '.');
			}
		}
	wattrset(w, A_NORMAL);
	got = c->loud != NULL ? loudmeter_history(c->loud, st, NULL, n) : 0;
	for (int i = 0; i < got; i++) {
		int x = x0 + 5 + (n - got) + i;

		if (!isfinite(st[i]) || st[i] < GRAPH_BOTTOM_LUFS)
			continue;
		wattrset(w, t != NULL && st[i] > t->high_lufs ?
		    draw_look(LOOK_HIGH) : draw_look(LOOK_LOW));
		mvwaddch(w, graph_row(st[i], top, rows), x, '*');
	}
	wattrset(w, A_NORMAL);
}

static void
draw(struct console *c, WINDOW *w)
{
	struct loudmeter_targets t;
	struct loudmeter_reading r;
	bool have_t = loudmeter_spec_targets(c->spec, &t) == 0;
	int h = getmaxy(w), width = getmaxx(w);
	double prog;
	char line[128];

	if (c->loud == NULL) {
		draw_text(w, 1, 1, width - 2, c->snap.online ?
		    "Nothing played yet: press Space to play the session." :
		    "The engine is offline: nothing plays, so nothing is "
		    "measured.");
		draw_text(w, 2, 1, width - 2, "Files can be measured with "
		    ":measure FILE or :qc FILE --spec NAME.");
		memset(&r, 0, sizeof r);
		r.momentary_lufs = r.short_term_lufs = r.integrated_lufs =
		    r.momentary_max_lufs = r.short_term_max_lufs =
		    r.true_peak_dbtp = r.sample_peak_dbfs = -INFINITY;
		r.speech_gated_lufs = NAN;
		if (h < 12)
			return;
	} else {
		loudmeter_read(c->loud, &r);
	}
	prog = have_t && t.dialogue ? r.speech_gated_lufs : r.integrated_lufs;
	int y = c->loud == NULL ? 4 : 0;

	if (have_t)
		snprintf(line, sizeof line, "%s: %.1f +-%.1f LUFS, TP %.1f",
		    t.title, t.target_lufs, t.tolerance_lu, t.true_peak_max_dbtp);
	else
		snprintf(line, sizeof line, "spec %s", c->spec);
	wattrset(w, draw_look(LOOK_SELECTED));
	draw_text(w, y++, 0, FIG_W - 1, line);
	wattrset(w, A_NORMAL);
	figure(w, y++, "Momentary", r.momentary_lufs, "LUFS", "", false);
	figure(w, y++, "Short-term", r.short_term_lufs, "LUFS", "", false);
	if (have_t) {
		bool low = isfinite(prog) && prog < t.low_lufs;
		bool high = isfinite(prog) && prog > t.high_lufs;

		snprintf(line, sizeof line, "%s", !isfinite(prog) ? "" :
		    low ? "LOW" : high ? "HIGH" : "ok");
		figure(w, y++, t.dialogue ? "Dialogue" : "Integrated", prog,
		    "LUFS", line, low || high);
	} else {
		figure(w, y++, "Integrated", r.integrated_lufs, "LUFS", "", false);
	}
	figure(w, y++, "LRA", c->loud != NULL ? r.lra_lu : -INFINITY, "LU ",
	    have_t && !isnan(t.lra_max_lu) && r.lra_lu > t.lra_max_lu ?
	    "OVER" : "",
	    have_t && !isnan(t.lra_max_lu) && r.lra_lu > t.lra_max_lu);
	figure(w, y++, "True peak", r.true_peak_dbtp, "dBTP",
	    have_t && r.true_peak_dbtp > t.true_peak_max_dbtp ? "OVER" : "",
	    have_t && r.true_peak_dbtp > t.true_peak_max_dbtp);
	figure(w, y++, "Max momentary", r.momentary_max_lufs, "LUFS", "",
	    have_t && !isnan(t.momentary_max_lufs) &&
	    r.momentary_max_lufs > t.momentary_max_lufs);
	figure(w, y++, "Max short", r.short_term_max_lufs, "LUFS", "",
	    have_t && !isnan(t.short_term_max_lufs) &&
	    r.short_term_max_lufs > t.short_term_max_lufs);
	figure(w, y++, "Sample peak", r.sample_peak_dbfs, "dBFS", "", false);
	snprintf(line, sizeof line, "measured %.1f s   e: spec  r: reset",
	    c->loud != NULL ? r.seconds : 0.0);
	draw_text(w, y++, 0, FIG_W - 1, line);
	if (y < h)
		draw_hbar(w, y, 0, FIG_W - 2, r.short_term_lufs, -60.0, 0.0,
		    LOOK_MID);
	if (width - FIG_W > 16 && h > 6)
		draw_graph(c, w, have_t ? &t : NULL, FIG_W, 0, h - 1,
		    width - FIG_W);
}

const struct view view_loudness = {
	.name = "loudness",
	.title = "3:loudness",
	.draw = draw,
	.shows_meters = true,
};
