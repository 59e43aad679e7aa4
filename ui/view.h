/*
 * view.h - a view is one screen of the console (mixer, timeline, loudness,
 * help), one file each. A view only draws: it reads the console's state
 * and the session and paints its window. Keys never reach a view: they run
 * commands (keys.h) that change the state and mark the console dirty, and
 * the loop calls draw. The window is the area between the title bar and
 * the status lines; it is erased before draw is called.
 */
#ifndef DUBSTAGE_UI_VIEW_H
#define DUBSTAGE_UI_VIEW_H

#include "ui/curses.h"

struct console;

struct view {
	const char *name;    /* also the name of its key table */
	const char *title;   /* shown in the title bar */
	void (*draw)(struct console *c, WINDOW *w);
	/* true when the view shows meters (redrawn at the meter rate) */
	bool shows_meters;
};

extern const struct view view_mixer;
extern const struct view view_timeline;
extern const struct view view_loudness;
extern const struct view view_help;

/* Lines the help view has (for scrolling). */
int view_help_line_count(const struct console *c);

/* The views in Tab order, NULL-terminated; lookup by name. */
extern const struct view *const console_views[];
const struct view *view_find(const char *name);

#endif
