/*
 * curses.h - includes ncursesw with its wide-character API (meters and
 * glyphs in UTF-8), the one place the console gets curses from.
 */
#ifndef DUBSTAGE_UI_CURSES_H
#define DUBSTAGE_UI_CURSES_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <stdbool.h>

#endif
