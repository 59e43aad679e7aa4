/*
 * console_cmds.c - the commands only a console has: transport, views,
 * selection, zoom, the prompt and quit. Each only changes console state
 * (and the engine's transport) and marks the console dirty; drawing
 * happens in the loop.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/strutil.h"
#include "cli/cli.h"
#include "cli/scmd.h"
#include "qc/loudmeter.h"
#include "qc/spec.h"
#include "session/edit.h"
#include "session/timecode.h"
#include "ui/console.h"
#include "ui/dispatch.h"
#include "ui/engine_link.h"
#include "ui/session_guard.h"
#include "ui/view.h"

static const struct session *
sess(const struct console *c)
{
	return editor_session(c->ed);
}

/* The end of the last clip (the session's end), at least its start. */
static int64_t
session_end(const struct session *s)
{
	int64_t end = s->timecode.start_frames;

	for (size_t i = 0; i < s->track_count; i++)
		for (size_t j = 0; j < s->tracks[i].clip_count; j++) {
			const struct clip *cl = &s->tracks[i].clips[j];

			if (cl->position_frames + cl->length_frames > end)
				end = cl->position_frames + cl->length_frames;
		}
	return end;
}

/* Moves the edit position; the engine follows when stopped. */
static void
set_playhead(struct console *c, int64_t frame)
{
	if (frame < 0)
		frame = 0;
	c->playhead = frame;
	engine_link_locate(c->engine, frame);
	c->dirty = true;
}

static int
cc_play(struct console *c, int argc, char **argv)
{
	bool toggle = strcmp(argv[0], "play-toggle") == 0;

	if (!c->snap.online) {
		console_message(c, true, "engine offline: %s", c->snap.message);
		return CLI_FAILED;
	}
	if (strcmp(argv[0], "stop") == 0 || (toggle && c->snap.rolling)) {
		engine_link_stop(c->engine);
		console_message(c, false, "stopped");
	} else {
		engine_link_play(c->engine);
		console_message(c, false, "playing");
	}
	return CLI_OK;
}

static int
cc_locate(struct console *c, int argc, char **argv)
{
	int64_t frame;

	if (argc != 2) {
		console_message(c, true, "usage: locate POS|start|end");
		return CLI_USAGE;
	}
	if (strcmp(argv[1], "start") == 0)
		frame = sess(c)->timecode.start_frames;
	else if (strcmp(argv[1], "end") == 0)
		frame = session_end(sess(c));
	else if (cli_parse_position(sess(c), argv[1], &frame) != 0) {
		console_message(c, true, "locate: '%s' is not a timecode or a "
		    "frame count", argv[1]);
		return CLI_USAGE;
	}
	set_playhead(c, frame);
	return CLI_OK;
}

/* step N (timecode frames, snapping to the frame grid) or step Ns. */
static int
cc_step(struct console *c, int argc, char **argv)
{
	const struct session *s = sess(c);
	const struct tc_rate *rate = &s->timecode.rate;
	size_t len = argc == 2 ? strlen(argv[1]) : 0;
	bool seconds = len > 0 && argv[1][len - 1] == 's';
	char num[32];
	int64_t n, count, here, to;

	if (len == 0 || len >= sizeof num) {
		console_message(c, true, "usage: step N | step Ns");
		return CLI_USAGE;
	}
	snprintf(num, sizeof num, "%.*s", (int)(len - seconds), argv[1]);
	if (str_to_i64(num, &n) != 0) {
		console_message(c, true, "step: '%s' is not a whole number",
		    argv[1]);
		return CLI_USAGE;
	}
	if (seconds) {
		set_playhead(c, c->playhead + n * s->sample_rate_hz);
		return CLI_OK;
	}
	count = timecode_frames_to_count(rate, s->sample_rate_hz, c->playhead);
	here = timecode_count_to_frames(rate, s->sample_rate_hz, count);
	if (count < 0 || here < 0)
		return CLI_FAILED;
	/* backwards from inside a frame lands on that frame's start first */
	if (n < 0 && here < c->playhead)
		n++;
	to = count + n < 0 ? 0 :
	    timecode_count_to_frames(rate, s->sample_rate_hz, count + n);
	if (to >= 0)
		set_playhead(c, to);
	return CLI_OK;
}

static int
cc_view(struct console *c, int argc, char **argv)
{
	const struct view *v = NULL;
	int i, n = 0;

	if (argc != 2) {
		console_message(c, true, "usage: view NAME|next|previous|back");
		return CLI_USAGE;
	}
	while (console_views[n] != NULL)
		n++;
	for (i = 0; i < n && console_views[i] != c->view; i++)
		;
	if (strcmp(argv[1], "next") == 0)
		v = console_views[(i + 1) % n];
	else if (strcmp(argv[1], "previous") == 0)
		v = console_views[(i + n - 1) % n];
	else if (strcmp(argv[1], "back") == 0)
		v = c->previous != NULL ? c->previous : console_views[0];
	else
		v = view_find(argv[1]);
	if (v == NULL) {
		console_message(c, true, "view: no view '%s'", argv[1]);
		return CLI_USAGE;
	}
	if (v != c->view)
		c->previous = c->view;
	c->view = v;
	c->dirty = true;
	return CLI_OK;
}

static int
cc_select_strip(struct console *c, int argc, char **argv)
{
	int n = console_strip_count(c) + 1;   /* + the master */
	struct id id;
	int64_t by;

	if (argc != 2) {
		console_message(c, true, "usage: select-strip ID|+N|-N");
		return CLI_USAGE;
	}
	if (id_parse(argv[1], &id) == 0) {
		int i = console_strip_index(c, id);

		if (i < 0) {
			console_message(c, true, "select-strip: no strip %s",
			    argv[1]);
			return CLI_FAILED;
		}
		c->strip_sel = i;
	} else if (strcmp(argv[1], "master") == 0) {
		c->strip_sel = n - 1;
	} else if (str_to_i64(argv[1], &by) == 0) {
		int64_t to = c->strip_sel + by;

		c->strip_sel = (int)(to < 0 ? 0 : to >= n ? n - 1 : to);
	} else {
		console_message(c, true, "usage: select-strip ID|+N|-N");
		return CLI_USAGE;
	}
	c->dirty = true;
	return CLI_OK;
}

/* The clip of track index ti nearest the playhead (or the first). */
static struct id
clip_near(const struct session *s, size_t ti, int64_t at)
{
	const struct track *t = &s->tracks[ti];
	struct id best = { ID_CLIP, 0 };
	int64_t best_d = INT64_MAX;

	for (size_t j = 0; j < t->clip_count; j++) {
		int64_t a = t->clips[j].position_frames;
		int64_t b = a + t->clips[j].length_frames;
		int64_t d = at < a ? a - at : at >= b ? at - b + 1 : 0;

		if (d < best_d) {
			best_d = d;
			best = t->clips[j].id;
		}
	}
	return best;
}

static int
cc_select_clip(struct console *c, int argc, char **argv)
{
	const struct session *s = sess(c);
	struct track *t = NULL;
	struct clip *cl;
	size_t ti = 0, ci = 0;
	struct id id;

	if (argc != 2) {
		console_message(c, true, "usage: select-clip ID|next|prev|up|down");
		return CLI_USAGE;
	}
	if (id_parse(argv[1], &id) == 0 && id.kind == ID_CLIP) {
		if (session_clip(s, id, NULL) == NULL) {
			console_message(c, true, "select-clip: no clip %s", argv[1]);
			return CLI_FAILED;
		}
		c->clip_sel = id;
		c->dirty = true;
		return CLI_OK;
	}
	if (s->track_count == 0) {
		console_message(c, true, "no tracks");
		return CLI_FAILED;
	}
	cl = c->clip_sel.num != 0 ? session_clip(s, c->clip_sel, &t) : NULL;
	if (cl != NULL) {
		ti = (size_t)(t - s->tracks);
		ci = (size_t)(cl - t->clips);
	}
	if (cl == NULL) {
		for (ti = 0; ti < s->track_count; ti++)
			if ((id = clip_near(s, ti, c->playhead)).num != 0)
				break;
		if (ti == s->track_count) {
			console_message(c, true, "no clips");
			return CLI_FAILED;
		}
		c->clip_sel = id;
	} else if (strcmp(argv[1], "next") == 0) {
		if (ci + 1 < t->clip_count)
			c->clip_sel = t->clips[ci + 1].id;
	} else if (strcmp(argv[1], "prev") == 0) {
		if (ci > 0)
			c->clip_sel = t->clips[ci - 1].id;
	} else if (strcmp(argv[1], "up") == 0 || strcmp(argv[1], "down") == 0) {
		int step = argv[1][0] == 'u' ? -1 : 1;
		int64_t mid = cl->position_frames + cl->length_frames / 2;

		for (long k = (long)ti + step; k >= 0 && k < (long)s->track_count;
		    k += step)
			if ((id = clip_near(s, (size_t)k, mid)).num != 0) {
				c->clip_sel = id;
				break;
			}
	} else {
		console_message(c, true, "usage: select-clip ID|next|prev|up|down");
		return CLI_USAGE;
	}
	c->dirty = true;
	return CLI_OK;
}

static int
cc_zoom(struct console *c, int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "in") != 0 &&
	    strcmp(argv[1], "out") != 0)) {
		console_message(c, true, "usage: zoom in|out");
		return CLI_USAGE;
	}
	if (argv[1][0] == 'i' && c->tl_frames_per_col > 1)
		c->tl_frames_per_col /= 2;
	else if (argv[1][0] == 'o' && c->tl_frames_per_col < INT64_MAX / 4)
		c->tl_frames_per_col *= 2;
	c->dirty = true;
	return CLI_OK;
}

static int
cc_scroll(struct console *c, int argc, char **argv)
{
	int64_t n;
	int cols = COLS > 20 ? COLS - 14 : 10;

	if (argc != 2 || str_to_i64(argv[1], &n) != 0 || n < -1000 || n > 1000) {
		console_message(c, true, "usage: scroll N (screens)");
		return CLI_USAGE;
	}
	c->tl_start += n * cols * c->tl_frames_per_col;
	if (c->tl_start < 0)
		c->tl_start = 0;
	c->dirty = true;
	return CLI_OK;
}

static int
cc_help_scroll(struct console *c, int argc, char **argv)
{
	int64_t n;

	if (argc != 2 || str_to_i64(argv[1], &n) != 0 || n < -100000 ||
	    n > 100000) {
		console_message(c, true, "usage: help-scroll N (lines)");
		return CLI_USAGE;
	}
	c->help_first += (int)n;
	if (c->help_first < 0)
		c->help_first = 0;
	c->dirty = true;   /* the view clamps the end */
	return CLI_OK;
}

static int
cc_prompt(struct console *c, int argc, char **argv)
{
	c->prompting = true;
	c->prompt_len = 0;
	c->prompt[0] = '\0';
	c->dirty = true;
	return CLI_OK;
}

static int
cc_redraw(struct console *c, int argc, char **argv)
{
	clearok(curscr, TRUE);
	c->dirty = true;
	return CLI_OK;
}

static int
answer_quit(struct console *c, int key)
{
	if (key == 'y' || key == 'Y') {
		if (console_run(c, "save") != CLI_OK)
			return 0;   /* the save failed: stay, its error is shown */
		c->quit = true;
	} else if (key == 'n' || key == 'N') {
		session_guard_stop(c, true);
		c->quit = true;
	} else {
		console_message(c, false, "quit cancelled");
	}
	return 0;
}

static int
cc_quit(struct console *c, int argc, char **argv)
{
	bool force = argc == 2 && strcmp(argv[1], "-f") == 0;

	if (!editor_is_dirty(c->ed) || force) {
		/* forced with unsaved edits: the journal keeps them */
		session_guard_stop(c, !editor_is_dirty(c->ed));
		c->quit = true;
		return CLI_OK;
	}
	console_ask(c, "Save changes before quitting? (y: save, n: discard, "
	    "other key: stay)", answer_quit);
	return CLI_OK;
}

static int
cc_loudness_reset(struct console *c, int argc, char **argv)
{
	if (c->loud != NULL)
		loudmeter_reset(c->loud);
	console_message(c, false, "loudness meter reset");
	return CLI_OK;
}

/* The spec listed after name (wrapping), for cycling with a key. */
static const char *
spec_after(const char *name)
{
	size_t n = 0;
	const struct qc_spec *specs = qc_specs(&n);

	for (size_t i = 0; i < n; i++)
		if (strcasecmp(specs[i].name, name) == 0)
			return specs[(i + 1) % n].name;
	return n > 0 ? specs[0].name : NULL;
}

static int
cc_spec(struct console *c, int argc, char **argv)
{
	struct loudmeter_targets t;
	const char *name;

	if (argc != 2) {
		console_message(c, true, "usage: spec NAME|next");
		return CLI_USAGE;
	}
	name = strcmp(argv[1], "next") == 0 ? spec_after(c->spec) : argv[1];
	if (name == NULL || loudmeter_spec_targets(name, &t) != 0) {
		console_message(c, true, "spec: no delivery spec '%s'", argv[1]);
		return CLI_USAGE;
	}
	snprintf(c->spec, sizeof c->spec, "%s", name);
	console_message(c, false, "delivery spec %s", c->spec);
	return CLI_OK;
}

static int
cc_meter_rate(struct console *c, int argc, char **argv)
{
	int hz;

	if (argc != 2 || str_to_int(argv[1], 1, 60, &hz) != 0) {
		console_message(c, true, "usage: meter-rate HZ (1..60)");
		return CLI_USAGE;
	}
	c->meter_hz = hz;
	console_message(c, false, "meters at %d Hz", hz);
	return CLI_OK;
}

static const struct console_cmd c_play = { "play", "", "start playback", cc_play };
static const struct console_cmd c_stop = { "stop", "", "stop playback", cc_play };
static const struct console_cmd c_toggle = { "play-toggle", "",
	"play, or stop when playing", cc_play };
static const struct console_cmd c_locate = { "locate", "POS|start|end",
	"move the playhead", cc_locate };
static const struct console_cmd c_step = { "step", "N|Ns",
	"move the playhead by N frames (snapped) or N seconds", cc_step };
static const struct console_cmd c_view = { "view",
	"mixer|timeline|loudness|help|next|previous|back", "show a view",
	cc_view };
static const struct console_cmd c_sel_strip = { "select-strip", "ID|+N|-N",
	"select a mixer strip", cc_select_strip };
static const struct console_cmd c_sel_clip = { "select-clip",
	"ID|next|prev|up|down", "select a clip", cc_select_clip };
static const struct console_cmd c_zoom = { "zoom", "in|out",
	"timeline zoom", cc_zoom };
static const struct console_cmd c_scroll = { "scroll", "N",
	"scroll the timeline by N screens", cc_scroll };
static const struct console_cmd c_help_scroll = { "help-scroll", "N",
	"scroll the help by N lines", cc_help_scroll };
static const struct console_cmd c_prompt = { "prompt", "",
	"open the command prompt", cc_prompt };
static const struct console_cmd c_redraw = { "redraw", "",
	"redraw the whole screen", cc_redraw };
static const struct console_cmd c_quit = { "quit", "[-f]",
	"quit; asks to save changes (-f: quit, keeping the journal)", cc_quit };
static const struct console_cmd c_lreset = { "loudness-reset", "",
	"reset the loudness meter", cc_loudness_reset };
static const struct console_cmd c_spec = { "spec", "NAME|next",
	"delivery spec for the loudness view", cc_spec };
static const struct console_cmd c_meter_rate = { "meter-rate", "HZ",
	"meter refresh rate", cc_meter_rate };

const struct console_cmd *const console_cmds[] = {
	&c_play, &c_stop, &c_toggle, &c_locate, &c_step, &c_view, &c_sel_strip,
	&c_sel_clip, &c_zoom, &c_scroll, &c_help_scroll, &c_prompt, &c_redraw, &c_quit,
	&c_lreset, &c_spec, &c_meter_rate, NULL,
};

const struct console_cmd *
console_cmd_find(const char *name)
{
	for (size_t i = 0; console_cmds[i] != NULL; i++)
		if (strcmp(console_cmds[i]->name, name) == 0)
			return console_cmds[i];
	return NULL;
}
