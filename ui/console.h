/*
 * console.h - the console's state, shared by the loop, the views and the
 * console commands.
 *
 * The model: the session lives in an editor (src/session/edit.h) and only
 * changes through command lines (keys and the ':' prompt both run them
 * through console_run, which falls back to the CLI's session commands and
 * the CLI table). Every line that changed the session is appended to the
 * journal before the next key is read, so nothing is lost to a dropped SSH
 * link or a crash. The engine is seen only through snapshots copied once
 * per tick (struct console_snapshot). Views draw from this state; commands
 * and the loop only set `dirty`, and one place (console_draw) draws.
 */
#ifndef DUBSTAGE_UI_CONSOLE_H
#define DUBSTAGE_UI_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

#include "session/session.h"
#include "ui/keys.h"

struct editor;
struct journal;
struct engine_link;
struct loudmeter;
struct view;
struct scmd;
struct journal_pending;

#define CONSOLE_MAX_STRIPS 4096   /* shown strips: tracks, buses, master */
#define CONSOLE_METER_CH 10       /* channels metered per strip (7.1.2) */

/* What the views show of the engine, copied once per tick. */
struct console_snapshot {
	bool online;
	bool rolling;
	int64_t position;             /* playhead, timeline frames */
	uint64_t xruns, underruns;
	char message[256];            /* why offline */
};

/* One strip's meter, linear peak and RMS per channel. */
struct console_meter {
	int channels;
	float peak[CONSOLE_METER_CH];
	float rms[CONSOLE_METER_CH];
};

struct console {
	struct editor *ed;
	char *session_path;           /* the session file (saves go here) */
	struct journal *journal;      /* NULL when journaling failed (warned) */
	struct journal_pending *recovery;  /* a journal waiting for y/n */
	bool guard_stopped;
	struct engine_link *engine;   /* never NULL; may be offline */
	struct loudmeter *loud;       /* NULL when the engine never started */
	char spec[32];                /* delivery spec for the loudness view */

	struct keymap keys;

	/* views */
	const struct view *view;      /* the one on screen */
	const struct view *previous;  /* for toggling back from help */

	/* selection and scrolling */
	int strip_sel;                /* index into the strip order (mixer) */
	int strip_first;              /* first strip on screen */
	struct id clip_sel;           /* selected clip (timeline), num 0 = none */
	int track_first;              /* first track row on screen (timeline) */
	int64_t tl_start;             /* timeline frame at the left edge */
	int64_t tl_frames_per_col;    /* zoom: frames per screen column */
	int64_t playhead;             /* the edit position when stopped */
	int help_first;               /* first help line on screen */

	struct console_snapshot snap;
	struct console_meter *meters; /* per strip in mixer order + master last */
	int meter_count;

	/* the bottom line: a message from the last command */
	char message[256];
	bool message_error;

	/* ':' prompt */
	bool prompting;
	char prompt[256];
	int prompt_len;

	/* a yes/no question waiting for its key (recovery, quit) */
	char question[160];
	int (*on_answer)(struct console *c, int key);

	bool dirty;                   /* something must be drawn */
	bool quit;
	bool utf8;                    /* meters and glyphs in UTF-8 */
	bool colour;
	int meter_hz;                 /* meter refresh, default 30 */
	bool meters_stopped_at_zero;  /* so the decay is drawn once */
};

/* Runs the loop until quit or a stopping signal (SIGHUP, SIGTERM,
 * SIGINT); returns the signal, or 0. curses must be started. */
int console_loop(struct console *c);

/* Strips in mixer order: tracks, then buses; the master is the index
 * strip_count (id {ID_BUS, 0}). */
int console_strip_count(const struct console *c);
struct id console_strip_id(const struct console *c, int index);
/* The index of a strip id, or -1. */
int console_strip_index(const struct console *c, struct id id);

/* Runs a command line (see dispatch.c); the result goes to the message
 * line. Returns an enum cli_exit code. */
int console_run(struct console *c, const char *line);

/* After a command line changed the session: journals it, brings the
 * engine along and keeps the selection valid. */
void console_changed(struct console *c, const struct scmd *cmd,
    const char *line);

/* Draws now (before a long-running command). */
void console_draw_now(struct console *c);

/* Sets the message line (printf-style); error shows it highlighted. */
void console_message(struct console *c, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Asks a y/n question on the message line; on_answer gets the key. */
void console_ask(struct console *c, const char *question,
    int (*on_answer)(struct console *c, int key));

#endif
