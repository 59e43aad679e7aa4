/*
 * keys.h - the key table: every key is bound to a command line, per view
 * ("mixer", "timeline", "loudness", "help") or for all views ("global").
 * A view's own table is searched first, then "global". The help view is
 * printed from this table, so it cannot drift from what the keys do.
 *
 * Command lines may hold placeholders the dispatcher fills in when the key
 * is pressed: {strip} the selected strip's id, {clip} the selected clip,
 * {track} the selected clip's track, {playhead} the playhead in frames.
 *
 * A keys file (-k FILE, else $DUBSTAGE_KEYS, else
 * $XDG_CONFIG_HOME/dubstage/keys or ~/.config/dubstage/keys) rebinds keys,
 * one statement a line, in tmux's spirit:
 *     bind [-T TABLE] [-N NOTE] KEY COMMAND...
 *     unbind [-T TABLE] KEY
 *     # comment
 * KEY is a character ("+", "m"), C-x for control keys, or a name: Space,
 * Enter, Tab, BTab, Escape, BSpace, DC (delete), IC (insert), Left, Right,
 * Up, Down, S-Left, S-Right, Home, End, PPage, NPage, F1..F12.
 */
#ifndef DUBSTAGE_UI_KEYS_H
#define DUBSTAGE_UI_KEYS_H

#include <stddef.h>
#include <stdio.h>

struct binding {
	char table[12];
	int key;             /* ncurses key code */
	char *command;
	char *note;          /* for the help view; may be NULL */
};

struct keymap {
	struct binding *b;
	size_t count, cap;
};

/* Loads the default bindings. 0 or ERR_NOMEM. */
int keymap_init_defaults(struct keymap *km);
void keymap_free(struct keymap *km);

/* Adds or replaces a binding. 0, ERR_NOMEM. */
int keymap_bind(struct keymap *km, const char *table, int key,
    const char *command, const char *note);
/* Removes a binding; 0 or ERR_NOTFOUND. */
int keymap_unbind(struct keymap *km, const char *table, int key);

/* The binding of key in table, falling back to "global"; NULL if none. */
const struct binding *keymap_lookup(const struct keymap *km,
    const char *table, int key);

/* Reads a keys file. 0, or ERR_IO / ERR_PARSE with the file and line in
 * err_buf. Statements before a bad line stay applied. */
int keymap_load_file(struct keymap *km, const char *path, char *err_buf,
    size_t err_size);
/* The keys file that applies ($DUBSTAGE_KEYS, XDG, ~/.config), or NULL
 * when none exists. Caller frees. */
char *keymap_default_file(void);

/* Key names both ways. key_name writes "C-r", "Space", "+"; returns buf. */
const char *keys_name(int key, char *buf, size_t size);
/* -1 when the name is unknown. */
int keys_parse(const char *name);

#endif
