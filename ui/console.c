/*
 * console.c - the loop: read a key (or time out), run its command, copy the
 * engine's snapshot, and draw when something changed.
 *
 * Screen: row 0 is the title bar (session, view tabs, "modified"); the
 * view fills the middle; the last two rows are the status line (transport,
 * timecode, engine) and the message line (the last command's result, the
 * ':' prompt, or a question).
 *
 * Drawing is cheap on the wire: views paint into curses windows and
 * doupdate sends only the cells that changed. The loop itself draws only
 * when a command marked the console dirty, the playhead moved to another
 * timecode frame, or a meter moved by a visible step, at most meter_hz
 * times a second; a stopped console with nothing moving sends nothing.
 */
#include "ui/console.h"

#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "qc/loudmeter.h"
#include "session/edit.h"
#include "session/timecode.h"
#include "ui/draw.h"
#include "ui/engine_link.h"
#include "ui/session_guard.h"
#include "ui/view.h"

static volatile sig_atomic_t stop_signal;

static void
on_stop_signal(int sig)
{
	stop_signal = sig;
}

/* ---- strips ---------------------------------------------------------------- */

int
console_strip_count(const struct console *c)
{
	const struct session *s = editor_session(c->ed);

	return (int)(s->track_count + s->bus_count);
}

struct id
console_strip_id(const struct console *c, int index)
{
	const struct session *s = editor_session(c->ed);
	struct id master = { ID_BUS, 0 };

	if (index >= 0 && (size_t)index < s->track_count)
		return s->tracks[index].id;
	index -= (int)s->track_count;
	if (index >= 0 && (size_t)index < s->bus_count)
		return s->buses[index].id;
	return master;
}

int
console_strip_index(const struct console *c, struct id id)
{
	int n = console_strip_count(c);

	for (int i = 0; i <= n; i++) {
		struct id x = console_strip_id(c, i);

		if (x.kind == id.kind && x.num == id.num)
			return i;
	}
	return -1;
}

/* ---- messages -------------------------------------------------------------- */

void
console_message(struct console *c, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->message, sizeof c->message, fmt, ap);
	va_end(ap);
	c->message_error = error;
	c->dirty = true;
}

void
console_ask(struct console *c, const char *question,
    int (*on_answer)(struct console *c, int key))
{
	snprintf(c->question, sizeof c->question, "%s", question);
	c->on_answer = on_answer;
	c->dirty = true;
}

void
console_changed(struct console *c, const struct scmd *cmd, const char *line)
{
	char msg[256];
	int n = console_strip_count(c);

	session_guard_changed(c, cmd, line);
	if (engine_link_sync(c->engine, editor_session(c->ed), msg,
	    sizeof msg) != 0)
		console_message(c, true, "engine: %s", msg);
	if (c->strip_sel > n)
		c->strip_sel = n;
	if (c->clip_sel.num != 0 &&
	    session_clip(editor_session(c->ed), c->clip_sel, NULL) == NULL)
		c->clip_sel.num = 0;
}

/* ---- drawing --------------------------------------------------------------- */

static WINDOW *view_win;

static void
draw_title(struct console *c)
{
	const struct session *s = editor_session(c->ed);
	int x;

	attrset(draw_look(LOOK_TITLE));
	mvhline(0, 0, ' ', COLS);
	mvprintw(0, 1, "dubstage  %.15s", s->name != NULL ? s->name : "");
	x = 27;
	for (int i = 0; console_views[i] != NULL; i++) {
		const struct view *v = console_views[i];

		if (x + (int)strlen(v->title) + 3 > COLS - 10)
			break;

		attrset(v == c->view ? draw_look(LOOK_SELECTED) :
		    draw_look(LOOK_TITLE));
		mvprintw(0, x, " %s ", v->title);
		x += (int)strlen(v->title) + 2;
	}
	attrset(draw_look(LOOK_TITLE));
	if (editor_is_dirty(c->ed) && COLS > 10)
		mvaddstr(0, COLS - 10, "modified");
	attrset(A_NORMAL);
}

static void
draw_status(struct console *c)
{
	const struct session *s = editor_session(c->ed);
	char tc[32], line[400];
	int y = LINES - 2;

	timecode_format(&s->timecode.rate, s->sample_rate_hz, c->playhead, tc,
	    sizeof tc);
	if (c->snap.online)
		snprintf(line, sizeof line, " %s  %s   %d Hz %s   JACK online  "
		    "xruns %llu  underruns %llu", c->snap.rolling ? "PLAY" :
		    "STOP", tc, s->sample_rate_hz,
		    chan_format_name(s->master.format),
		    (unsigned long long)c->snap.xruns,
		    (unsigned long long)c->snap.underruns);
	else
		snprintf(line, sizeof line, " STOP  %s   %d Hz %s   engine "
		    "offline: %s", tc, s->sample_rate_hz,
		    chan_format_name(s->master.format), c->snap.message);
	attrset(draw_look(LOOK_TITLE));
	draw_text(stdscr, y, 0, COLS, line);
	attrset(A_NORMAL);
}

static void
draw_message(struct console *c)
{
	int y = LINES - 1;

	move(y, 0);
	clrtoeol();
	if (c->question[0] != '\0') {
		attrset(draw_look(LOOK_SELECTED));
		draw_text(stdscr, y, 0, COLS - 1, c->question);
	} else if (c->prompting) {
		char line[300];

		snprintf(line, sizeof line, ":%s", c->prompt);
		draw_text(stdscr, y, 0, COLS - 1, line);
	} else if (c->message[0] != '\0') {
		attrset(c->message_error ? draw_look(LOOK_ERROR) : A_NORMAL);
		draw_text(stdscr, y, 0, (int)strlen(c->message) < COLS - 1 ?
		    (int)strlen(c->message) : COLS - 1, c->message);
	}
	attrset(A_NORMAL);
}

static void
console_draw(struct console *c)
{
	if (LINES < 10 || COLS < 40) {
		erase();
		mvaddstr(0, 0, "terminal too small (80x24 or more)");
		refresh();
		return;
	}
	if (view_win == NULL || getmaxy(view_win) != LINES - 3 ||
	    getmaxx(view_win) != COLS) {
		if (view_win != NULL)
			delwin(view_win);
		view_win = newwin(LINES - 3, COLS, 1, 0);
		if (view_win == NULL)
			return;
	}
	draw_title(c);
	werase(view_win);
	c->view->draw(c, view_win);
	draw_status(c);
	draw_message(c);
	wnoutrefresh(stdscr);
	wnoutrefresh(view_win);
	if (c->prompting) {
		curs_set(1);
		move(LINES - 1, 1 + c->prompt_len);
		wnoutrefresh(stdscr);
	} else {
		curs_set(0);
	}
	doupdate();
	c->dirty = false;
}

void
console_draw_now(struct console *c)
{
	console_draw(c);
}

/* ---- input ----------------------------------------------------------------- */

static void
prompt_key(struct console *c, int key)
{
	if (key == '\n') {
		char line[sizeof c->prompt];

		c->prompting = false;
		snprintf(line, sizeof line, "%s", c->prompt);
		curs_set(0);
		if (line[0] != '\0')
			console_run(c, line);
	} else if (key == 27 || key == 3 || key == 7) {   /* Esc, C-c, C-g */
		c->prompting = false;
		c->message[0] = '\0';
	} else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (c->prompt_len > 0)
			c->prompt[--c->prompt_len] = '\0';
	} else if (key == 21) {   /* C-u */
		c->prompt_len = 0;
		c->prompt[0] = '\0';
	} else if (key >= ' ' && key < 256 && key != 127 &&
	    c->prompt_len + 1 < (int)sizeof c->prompt) {
		c->prompt[c->prompt_len++] = (char)key;
		c->prompt[c->prompt_len] = '\0';
	}
	c->dirty = true;
}

static void
handle_key(struct console *c, int key)
{
	const struct binding *b;

	if (key == KEY_RESIZE) {
		c->dirty = true;
		return;
	}
	if (key == '\r' || key == KEY_ENTER)   /* nonl(): Return reads as CR */
		key = '\n';
	if (c->question[0] != '\0') {
		int (*answer)(struct console *, int) = c->on_answer;

		c->question[0] = '\0';
		c->on_answer = NULL;
		c->dirty = true;
		if (answer != NULL)
			answer(c, key);
		return;
	}
	if (c->prompting) {
		prompt_key(c, key);
		return;
	}
	b = keymap_lookup(&c->keys, c->view->name, key);
	if (b != NULL) {
		console_run(c, b->command);
	} else {
		char name[16];

		console_message(c, false, "%s: no binding here (? for help)",
		    keys_name(key, name, sizeof name));
	}
}

/* ---- the engine's side ------------------------------------------------------ */

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Meter levels as they would be drawn (0.5 dB steps), to see if a redraw
 * would show anything new. */
static bool
update_meters(struct console *c)
{
	int n = console_strip_count(c) + 1;
	bool moved = false;

	if (n > c->meter_count) {
		struct console_meter *m = realloc(c->meters, (size_t)n * sizeof *m);

		if (m == NULL)
			return false;
		memset(m + c->meter_count, 0,
		    (size_t)(n - c->meter_count) * sizeof *m);
		c->meters = m;
		c->meter_count = n;
	}
	for (int i = 0; i < n; i++) {
		struct console_meter m = { 0 };

		m.channels = engine_link_meter(c->engine, console_strip_id(c, i),
		    m.peak, m.rms, CONSOLE_METER_CH);
		for (int ch = 0; ch < m.channels && !moved; ch++)
			moved = lrint(2 * lin_to_db(m.peak[ch])) !=
			    lrint(2 * lin_to_db(c->meters[i].peak[ch])) ||
			    lrint(2 * lin_to_db(m.rms[ch])) !=
			    lrint(2 * lin_to_db(c->meters[i].rms[ch]));
		moved = moved || m.channels != c->meters[i].channels;
		c->meters[i] = m;
	}
	return moved;
}

/* Feeds what the outputs played to the loudness meter. */
static void
feed_loudness(struct console *c)
{
	static float buf[4096 * CONSOLE_METER_CH];
	int ch = engine_link_channels(c->engine);
	int frames;

	if (ch <= 0 || ch > CONSOLE_METER_CH)
		return;
	if (c->loud == NULL) {
		struct loudmeter_config cfg;

		loudmeter_config_init(&cfg, engine_link_rate(c->engine), ch);
		cfg.layout = chan_format_name(engine_link_format(c->engine));
		cfg.speech = true;   /* the dialogue specs' figure */
		if (loudmeter_create(&cfg, &c->loud) != 0)
			return;
	}
	while ((frames = engine_link_tap(c->engine, buf, 4096)) > 0)
		loudmeter_feed(c->loud, buf, frames);
}

static void
tick(struct console *c, double *last_meter)
{
	const struct session *s = editor_session(c->ed);
	struct console_snapshot old = c->snap;
	double now = now_seconds();

	engine_link_poll(c->engine, &c->snap);
	if (c->snap.rolling) {
		int64_t before = timecode_frames_to_count(&s->timecode.rate,
		    s->sample_rate_hz, c->playhead);

		c->playhead = c->snap.position;
		if (timecode_frames_to_count(&s->timecode.rate,
		    s->sample_rate_hz, c->playhead) != before)
			c->dirty = true;
	}
	if (old.online != c->snap.online || old.rolling != c->snap.rolling ||
	    old.xruns != c->snap.xruns || old.underruns != c->snap.underruns ||
	    strcmp(old.message, c->snap.message) != 0)
		c->dirty = true;
	if (now - *last_meter >= 1.0 / c->meter_hz) {
		*last_meter = now;
		feed_loudness(c);
		if (update_meters(c) && c->view->shows_meters)
			c->dirty = true;
		if (c->snap.rolling && strcmp(c->view->name, "loudness") == 0)
			c->dirty = true;
	}
}

int
console_loop(struct console *c)
{
	double last_meter = 0.0;
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	c->dirty = true;
	while (!c->quit && stop_signal == 0) {
		int key;

		/* wake at the meter rate while anything can move */
		timeout(c->snap.rolling || c->dirty ? 1000 / c->meter_hz : 250);
		key = getch();
		if (key != ERR)
			handle_key(c, key);
		tick(c, &last_meter);
		if (c->dirty)
			console_draw(c);
	}
	if (view_win != NULL) {
		delwin(view_win);
		view_win = NULL;
	}
	/* a signal (dropped SSH link, kill): the journal keeps the edits */
	if (stop_signal != 0)
		session_guard_stop(c, !editor_is_dirty(c->ed));
	return stop_signal;
}
