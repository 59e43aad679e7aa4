/*
 * draw.h - what the views share to paint: attributes that degrade from
 * colour to reverse/bold on a monochrome vt100, meters in UTF-8 blocks or
 * ASCII, and number formats.
 */
#ifndef DUBSTAGE_UI_DRAW_H
#define DUBSTAGE_UI_DRAW_H

#include <stddef.h>

#include "ui/curses.h"

enum look {
	LOOK_NORMAL,
	LOOK_TITLE,      /* title and status bars */
	LOOK_SELECTED,   /* the selected strip, clip, view tab */
	LOOK_LOW,        /* meter below -18 dBFS */
	LOOK_MID,        /* meter -18 .. -6 */
	LOOK_HIGH,       /* meter -6 .. 0 */
	LOOK_CLIP,       /* over 0 dBFS */
	LOOK_MUTE,       /* a muted strip's M */
	LOOK_SOLO,       /* a soloed strip's S */
	LOOK_ERROR,      /* an error message */
	LOOK_DIM,        /* rulers, secondary text */
	LOOK_PLAYHEAD,
	LOOK_TARGET,     /* the loudness target line */
	LOOK_COUNT
};

/* Chooses colour or monochrome (has_colors(), unless $NO_COLOR is set) and
 * UTF-8 or ASCII (the locale's codeset, unless $DUBSTAGE_ASCII is set).
 * Call after initscr. */
void draw_setup(bool *colour_out, bool *utf8_out);
/* The attribute for a look under the chosen setup. */
attr_t draw_look(enum look look);

/* The meter scale: METER_FLOOR_DB at the bottom, 0 dBFS at the top. */
#define METER_FLOOR_DB (-60.0)

/* A vertical meter of `height` rows ending at row y_bottom, column x:
 * solid up to rms_db, lighter from there to peak_db, coloured by zone. */
void draw_vmeter(WINDOW *w, int y_bottom, int x, int height, double peak_db,
    double rms_db);
/* A horizontal bar of `width` columns from x for a value in [lo, hi]. */
void draw_hbar(WINDOW *w, int y, int x, int width, double value, double lo,
    double hi, enum look look);

/* "-12.5", "+3.0", "-inf" (width-free). */
const char *fmt_db(double db, char *buf, size_t size);
/* Linear amplitude to dB (-HUGE_VAL for 0). */
double lin_to_db(float v);
/* Writes s clipped to width columns (ASCII-safe), padded with spaces. */
void draw_text(WINDOW *w, int y, int x, int width, const char *s);

#endif
