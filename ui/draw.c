/*
 * draw.c - looks, meters and number formats for the views.
 *
 * Monochrome terminals (TERM=vt100) get no colour at all: states are told
 * by reverse video and bold, and meters by their characters (solid '#'
 * for RMS, ':' up to the peak, '!' when over 0 dBFS), so everything stays
 * readable.
 */
#include "ui/draw.h"

#include <langinfo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool use_colour;
static bool use_utf8;

enum { PAIR_TITLE = 1, PAIR_SEL, PAIR_LOW, PAIR_MID, PAIR_HIGH, PAIR_CLIP,
	PAIR_MUTE, PAIR_SOLO, PAIR_ERROR, PAIR_DIM, PAIR_PLAYHEAD, PAIR_TARGET };

void
draw_setup(bool *colour_out, bool *utf8_out)
{
	const char *no_colour = getenv("NO_COLOR");
	const char *ascii = getenv("DUBSTAGE_ASCII");
	const char *codeset = nl_langinfo(CODESET);

	use_colour = has_colors() && (no_colour == NULL || no_colour[0] == '\0');
	use_utf8 = codeset != NULL && strcmp(codeset, "UTF-8") == 0 &&
	    (ascii == NULL || ascii[0] == '\0');
	if (use_colour) {
		start_color();
		use_default_colors();
		init_pair(PAIR_TITLE, COLOR_BLACK, COLOR_CYAN);
		init_pair(PAIR_SEL, COLOR_BLACK, COLOR_YELLOW);
		init_pair(PAIR_LOW, COLOR_GREEN, -1);
		init_pair(PAIR_MID, COLOR_YELLOW, -1);
		init_pair(PAIR_HIGH, COLOR_RED, -1);
		init_pair(PAIR_CLIP, COLOR_WHITE, COLOR_RED);
		init_pair(PAIR_MUTE, COLOR_BLACK, COLOR_YELLOW);
		init_pair(PAIR_SOLO, COLOR_BLACK, COLOR_GREEN);
		init_pair(PAIR_ERROR, COLOR_WHITE, COLOR_RED);
		init_pair(PAIR_DIM, COLOR_BLUE, -1);
		init_pair(PAIR_PLAYHEAD, COLOR_RED, -1);
		init_pair(PAIR_TARGET, COLOR_MAGENTA, -1);
	}
	*colour_out = use_colour;
	*utf8_out = use_utf8;
}

attr_t
draw_look(enum look look)
{
	static const short pairs[LOOK_COUNT] = {
		[LOOK_TITLE] = PAIR_TITLE, [LOOK_SELECTED] = PAIR_SEL,
		[LOOK_LOW] = PAIR_LOW, [LOOK_MID] = PAIR_MID,
		[LOOK_HIGH] = PAIR_HIGH, [LOOK_CLIP] = PAIR_CLIP,
		[LOOK_MUTE] = PAIR_MUTE, [LOOK_SOLO] = PAIR_SOLO,
		[LOOK_ERROR] = PAIR_ERROR, [LOOK_DIM] = PAIR_DIM,
		[LOOK_PLAYHEAD] = PAIR_PLAYHEAD, [LOOK_TARGET] = PAIR_TARGET,
	};
	static const attr_t mono[LOOK_COUNT] = {
		[LOOK_TITLE] = A_REVERSE, [LOOK_SELECTED] = A_REVERSE,
		[LOOK_HIGH] = A_BOLD, [LOOK_CLIP] = A_REVERSE | A_BOLD,
		[LOOK_MUTE] = A_REVERSE, [LOOK_SOLO] = A_REVERSE,
		[LOOK_ERROR] = A_REVERSE | A_BOLD, [LOOK_PLAYHEAD] = A_BOLD,
		[LOOK_TARGET] = A_BOLD,
	};

	if (look <= LOOK_NORMAL || look >= LOOK_COUNT)
		return A_NORMAL;
	if (!use_colour)
		return mono[look];
	return COLOR_PAIR(pairs[look]) |
	    (look == LOOK_CLIP || look == LOOK_ERROR ? A_BOLD : A_NORMAL);
}

static enum look
zone(double db)
{
	if (db > 0.0)
		return LOOK_CLIP;
	if (db > -6.0)
		return LOOK_HIGH;
	if (db > -18.0)
		return LOOK_MID;
	return LOOK_LOW;
}

/* Rows of meter filled by a level (fractional, 0..height). */
static double
meter_rows(double db, int height)
{
	double f;

	if (!(db > METER_FLOOR_DB))
		return 0.0;
	f = (db - METER_FLOOR_DB) / -METER_FLOOR_DB;
	if (f > 1.0)
		f = 1.0;
	return f * height;
}

void
draw_vmeter(WINDOW *w, int y_bottom, int x, int height, double peak_db,
    double rms_db)
{
	static const char *const eighths[] = { " ", "\u2581", "\u2582",
		"\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588" };
	double peak = meter_rows(peak_db, height);
	double rms = meter_rows(rms_db, height);

	for (int r = 0; r < height; r++) {
		/* the level this row stands for, for its colour */
		double row_db = METER_FLOOR_DB +
		    (r + 1) * (-METER_FLOOR_DB) / height;
		enum look lk = peak_db > 0.0 && r == height - 1 ? LOOK_CLIP :
		    zone(row_db - 0.001);
		const char *glyph;

		if (rms >= r + 1)
			glyph = use_utf8 ? "\u2588" : "#";
		else if (peak >= r + 1)
			glyph = use_utf8 ? "\u2592" : ":";
		else if (peak > r && use_utf8)
			glyph = eighths[(int)((peak - r) * 8.0)];
		else if (peak > r)
			glyph = ".";
		else {
			glyph = use_utf8 ? "\u2502" : "|";   /* the meter's track */
			lk = LOOK_DIM;
		}
		if (!use_utf8 && lk == LOOK_CLIP && peak >= r + 1)
			glyph = "!";
		wattrset(w, draw_look(lk));
		mvwaddstr(w, y_bottom - r, x, glyph);
	}
	wattrset(w, A_NORMAL);
}

void
draw_hbar(WINDOW *w, int y, int x, int width, double value, double lo,
    double hi, enum look look)
{
	double f = isfinite(value) ? (value - lo) / (hi - lo) : 0.0;
	int cells;

	if (f < 0.0)
		f = 0.0;
	if (f > 1.0)
		f = 1.0;
	cells = (int)lround(f * width);
	wattrset(w, draw_look(look));
	for (int i = 0; i < width; i++)
		mvwaddstr(w, y, x + i, i < cells ? (use_utf8 ? "\u2588" : "#") :
		    (use_utf8 ? "\u2591" : "-"));
	wattrset(w, A_NORMAL);
}

const char *
fmt_db(double db, char *buf, size_t size)
{
	if (!isfinite(db) || db < -144.0)
		snprintf(buf, size, "-inf");
	else
		snprintf(buf, size, "%+.1f", db);
	return buf;
}

double
lin_to_db(float v)
{
	return v > 0.0f ? 20.0 * log10((double)v) : -HUGE_VAL;
}

void
draw_text(WINDOW *w, int y, int x, int width, const char *s)
{
	int i = 0;

	if (width <= 0)
		return;
	wmove(w, y, x);
	for (; s != NULL && s[i] != '\0' && i < width; i++)
		waddch(w, (unsigned char)s[i] >= 0x20 &&
		    (unsigned char)s[i] < 0x7f ? (chtype)(unsigned char)s[i] : '?');
	for (; i < width; i++)
		waddch(w, ' ');
}
