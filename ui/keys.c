/*
 * keys.c - the key table, its defaults, key names and the keys file.
 *
 * The defaults follow what mixers expect: space plays and stops, Enter
 * returns to the start, arrows move, + and - ride the selected fader.
 * Every default has a note; the help view prints table, key, note and the
 * command, so a rebinding shows up there at once.
 */
#include "ui/keys.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/strutil.h"
#include "cli/scmd.h"
#include "ui/curses.h"

struct default_binding {
	const char *table, *key, *command, *note;
};

static const struct default_binding defaults[] = {
	{ "global", "Space", "play-toggle", "play / stop" },
	{ "global", "Enter", "locate start", "return to the session start" },
	{ "global", "End", "locate end", "go to the end of the last clip" },
	{ "global", "Tab", "view next", "next view" },
	{ "global", "BTab", "view previous", "previous view" },
	{ "global", "1", "view mixer", "mixer view" },
	{ "global", "2", "view timeline", "timeline view" },
	{ "global", "3", "view loudness", "loudness view" },
	{ "global", "?", "view help", "this help" },
	{ "global", "F1", "view help", "this help" },
	{ "global", ":", "prompt", "type a command" },
	{ "global", "u", "undo", "undo the last edit" },
	{ "global", "C-z", "undo", "undo the last edit" },
	{ "global", "C-r", "redo", "redo" },
	{ "global", "C-y", "redo", "redo" },
	{ "global", "C-s", "save", "save the session" },
	{ "global", "h", "step -1", "playhead back one frame" },
	{ "global", "l", "step 1", "playhead on one frame" },
	{ "global", "H", "step -1s", "playhead back one second" },
	{ "global", "L", "step 1s", "playhead on one second" },
	{ "global", "C-l", "redraw", "redraw the screen" },
	{ "global", "q", "quit", "quit (asks to save changes)" },

	{ "mixer", "Left", "select-strip -1", "previous strip" },
	{ "mixer", "Right", "select-strip 1", "next strip" },
	{ "mixer", "Up", "gain {strip} --by 0.5", "fader up 0.5 dB" },
	{ "mixer", "Down", "gain {strip} --by -0.5", "fader down 0.5 dB" },
	{ "mixer", "+", "gain {strip} --by 0.5", "fader up 0.5 dB" },
	{ "mixer", "=", "gain {strip} --by 0.5", "fader up 0.5 dB" },
	{ "mixer", "-", "gain {strip} --by -0.5", "fader down 0.5 dB" },
	{ "mixer", "PPage", "gain {strip} --by 3", "fader up 3 dB" },
	{ "mixer", "NPage", "gain {strip} --by -3", "fader down 3 dB" },
	{ "mixer", "0", "gain {strip} 0", "fader to unity (0 dB)" },
	{ "mixer", "m", "mute {strip}", "mute on/off" },
	{ "mixer", "s", "solo {strip}", "solo on/off" },
	{ "mixer", "<", "pan {strip} --by -0.1", "pan left" },
	{ "mixer", ">", "pan {strip} --by 0.1", "pan right" },
	{ "mixer", "c", "pan {strip} 0", "pan centre" },

	{ "timeline", "Left", "select-clip prev", "previous clip on the track" },
	{ "timeline", "Right", "select-clip next", "next clip on the track" },
	{ "timeline", "Up", "select-clip up", "clip on the track above" },
	{ "timeline", "Down", "select-clip down", "clip on the track below" },
	{ "timeline", ",", "nudge {clip} -1", "nudge the clip back one frame" },
	{ "timeline", ".", "nudge {clip} 1", "nudge the clip on one frame" },
	{ "timeline", "[", "trim {clip} --start {playhead}",
	  "trim the clip's start to the playhead" },
	{ "timeline", "]", "trim {clip} --end {playhead}",
	  "trim the clip's end to the playhead" },
	{ "timeline", "b", "split {clip} {playhead}",
	  "split the clip at the playhead" },
	{ "timeline", "g", "gain {clip} --by 1", "clip gain up 1 dB" },
	{ "timeline", "G", "gain {clip} --by -1", "clip gain down 1 dB" },
	{ "timeline", "i", "fade {clip} in {fade-in}",
	  "fade in from the clip start to the playhead" },
	{ "timeline", "o", "fade {clip} out {fade-out}",
	  "fade out from the playhead to the clip end" },
	{ "timeline", "m", "mute {clip}", "mute the clip" },
	{ "timeline", "M", "marker Marker {playhead}", "marker at the playhead" },
	{ "timeline", "p", "locate {clip-start}", "playhead to the clip start" },
	{ "timeline", "DC", "remove {clip}", "remove the clip" },
	{ "timeline", "z", "zoom in", "zoom in" },
	{ "timeline", "Z", "zoom out", "zoom out" },
	{ "timeline", "PPage", "scroll -1", "scroll back a screen" },
	{ "timeline", "NPage", "scroll 1", "scroll on a screen" },

	{ "loudness", "r", "loudness-reset", "reset the loudness meter" },
	{ "loudness", "e", "spec next", "next delivery spec" },

	{ "help", "Escape", "view back", "leave the help" },
	{ "help", "Down", "help-scroll 1", "scroll down" },
	{ "help", "Up", "help-scroll -1", "scroll up" },
	{ "help", "NPage", "help-scroll 15", "page down" },
	{ "help", "PPage", "help-scroll -15", "page up" },
	{ "help", "Home", "help-scroll -100000", "to the top" },
};

int
keymap_init_defaults(struct keymap *km)
{
	memset(km, 0, sizeof *km);
	for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
		const struct default_binding *d = &defaults[i];
		int key = keys_parse(d->key);
		int rc;

		if (key < 0)
			abort();   /* a typo in the table above */
		rc = keymap_bind(km, d->table, key, d->command, d->note);
		if (rc != 0) {
			keymap_free(km);
			return rc;
		}
	}
	return 0;
}

void
keymap_free(struct keymap *km)
{
	for (size_t i = 0; i < km->count; i++) {
		free(km->b[i].command);
		free(km->b[i].note);
	}
	free(km->b);
	memset(km, 0, sizeof *km);
}

static struct binding *
find(const struct keymap *km, const char *table, int key)
{
	for (size_t i = 0; i < km->count; i++)
		if (km->b[i].key == key && strcmp(km->b[i].table, table) == 0)
			return &km->b[i];
	return NULL;
}

int
keymap_bind(struct keymap *km, const char *table, int key, const char *command,
    const char *note)
{
	struct binding *b = find(km, table, key);
	char *cmd = str_dup(command);
	char *nt = note != NULL ? str_dup(note) : NULL;

	if (cmd == NULL || (note != NULL && nt == NULL)) {
		free(cmd);
		free(nt);
		return ERR_NOMEM;
	}
	if (b == NULL) {
		if (km->count == km->cap) {
			size_t cap = km->cap ? km->cap * 2 : 64;
			struct binding *nb = realloc(km->b, cap * sizeof *nb);

			if (nb == NULL) {
				free(cmd);
				free(nt);
				return ERR_NOMEM;
			}
			km->b = nb;
			km->cap = cap;
		}
		b = &km->b[km->count++];
		memset(b, 0, sizeof *b);
		snprintf(b->table, sizeof b->table, "%s", table);
		b->key = key;
	}
	free(b->command);
	free(b->note);
	b->command = cmd;
	b->note = nt;
	return 0;
}

int
keymap_unbind(struct keymap *km, const char *table, int key)
{
	struct binding *b = find(km, table, key);
	size_t i;

	if (b == NULL)
		return ERR_NOTFOUND;
	i = (size_t)(b - km->b);
	free(b->command);
	free(b->note);
	memmove(b, b + 1, (km->count - i - 1) * sizeof *b);
	km->count--;
	return 0;
}

const struct binding *
keymap_lookup(const struct keymap *km, const char *table, int key)
{
	const struct binding *b = find(km, table, key);

	return b != NULL ? b : find(km, "global", key);
}

/* ---- key names ------------------------------------------------------------ */

static const struct {
	const char *name;
	int key;
} named[] = {
	{ "Space", ' ' }, { "Enter", '\n' }, { "Tab", '\t' },
	{ "BTab", KEY_BTAB }, { "Escape", 27 }, { "BSpace", KEY_BACKSPACE },
	{ "DC", KEY_DC }, { "IC", KEY_IC }, { "Left", KEY_LEFT },
	{ "Right", KEY_RIGHT }, { "Up", KEY_UP }, { "Down", KEY_DOWN },
	{ "S-Left", KEY_SLEFT }, { "S-Right", KEY_SRIGHT }, { "Home", KEY_HOME },
	{ "End", KEY_END }, { "PPage", KEY_PPAGE }, { "NPage", KEY_NPAGE },
};

const char *
keys_name(int key, char *buf, size_t size)
{
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if (named[i].key == key) {
			snprintf(buf, size, "%s", named[i].name);
			return buf;
		}
	if (key >= KEY_F(1) && key <= KEY_F(12))
		snprintf(buf, size, "F%d", key - KEY_F(0));
	else if (key >= 1 && key <= 26)
		snprintf(buf, size, "C-%c", 'a' + key - 1);
	else if (key > ' ' && key < 127)
		snprintf(buf, size, "%c", key);
	else
		snprintf(buf, size, "#%d", key);
	return buf;
}

int
keys_parse(const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if (strcmp(named[i].name, name) == 0)
			return named[i].key;
	if (len == 1 && name[0] > ' ' && name[0] < 127)
		return name[0];
	if (len == 3 && name[0] == 'C' && name[1] == '-' && name[2] >= 'a' &&
	    name[2] <= 'z')
		return name[2] - 'a' + 1;
	if (name[0] == 'F' && len >= 2 && len <= 3) {
		int n = atoi(name + 1);

		if (n >= 1 && n <= 12)
			return KEY_F(n);
	}
	return -1;
}

/* ---- the keys file --------------------------------------------------------- */

/* Joins argv[from..] into one command line, quoting words with blanks. */
static char *
join_words(char **argv, int from, int argc)
{
	size_t len = 1;
	char *s, *p;

	for (int i = from; i < argc; i++)
		len += strlen(argv[i]) * 2 + 3;
	s = p = malloc(len);
	if (s == NULL)
		return NULL;
	for (int i = from; i < argc; i++) {
		bool quote = argv[i][0] == '\0' || strpbrk(argv[i], " \t'\"#\\");

		if (i > from)
			*p++ = ' ';
		if (quote)
			*p++ = '"';
		for (const char *q = argv[i]; *q; q++) {
			if (quote && (*q == '"' || *q == '\\'))
				*p++ = '\\';
			*p++ = *q;
		}
		if (quote)
			*p++ = '"';
	}
	*p = '\0';
	return s;
}

static bool
known_table(const char *t)
{
	static const char *const tables[] = { "global", "mixer", "timeline",
		"loudness", "help" };

	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
		if (strcmp(tables[i], t) == 0)
			return true;
	return false;
}

/* One statement; returns 0 or ERR_PARSE with a message in why. */
static int
apply_statement(struct keymap *km, int argc, char **argv, const char **why)
{
	const char *table = "global", *note = NULL;
	bool bind = strcmp(argv[0], "bind") == 0;
	int i = 1, key;
	char *cmd;
	int rc;

	if (!bind && strcmp(argv[0], "unbind") != 0) {
		*why = "expected 'bind' or 'unbind'";
		return ERR_PARSE;
	}
	while (i + 1 < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "-T") == 0)
			table = argv[i + 1];
		else if (bind && strcmp(argv[i], "-N") == 0)
			note = argv[i + 1];
		else
			break;
		i += 2;
	}
	if (!known_table(table)) {
		*why = "unknown table (global, mixer, timeline, loudness, help)";
		return ERR_PARSE;
	}
	if (i >= argc || (key = keys_parse(argv[i])) < 0) {
		*why = "missing or unknown key name";
		return ERR_PARSE;
	}
	if (!bind) {
		keymap_unbind(km, table, key);
		return 0;
	}
	if (i + 1 >= argc) {
		*why = "bind needs a command";
		return ERR_PARSE;
	}
	cmd = join_words(argv, i + 1, argc);
	if (cmd == NULL)
		return ERR_NOMEM;
	rc = keymap_bind(km, table, key, cmd, note);
	free(cmd);
	return rc;
}

int
keymap_load_file(struct keymap *km, const char *path, char *err_buf,
    size_t err_size)
{
	FILE *f = fopen(path, "r");
	FILE *null_err;   /* scmd_split's own message is replaced by ours */
	char line[1024];
	int lineno = 0, rc_last = 0;

	if (f == NULL) {
		snprintf(err_buf, err_size, "%s: cannot open", path);
		return ERR_IO;
	}
	null_err = fopen("/dev/null", "w");
	while (fgets(line, sizeof line, f) != NULL) {
		char **argv = NULL;
		const char *why = NULL;
		int argc, rc;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		argc = scmd_split(line, &argv, null_err);
		if (argc < 0) {
			why = "unbalanced quotes";
			rc = ERR_PARSE;
		} else {
			rc = argc == 0 ? 0 : apply_statement(km, argc, argv, &why);
			scmd_free_words(argv);
		}
		if (rc != 0) {
			rc_last = rc;
			snprintf(err_buf, err_size, "%s:%d: %s", path, lineno,
			    why != NULL ? why : err_string(rc));
			break;
		}
	}
	if (null_err != NULL)
		fclose(null_err);
	fclose(f);
	return rc_last;
}

char *
keymap_default_file(void)
{
	const char *env = getenv("DUBSTAGE_KEYS");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char buf[4096];

	if (env != NULL && env[0] != '\0')
		return str_dup(env);
	if (xdg != NULL && xdg[0] != '\0')
		snprintf(buf, sizeof buf, "%s/dubstage/keys", xdg);
	else if (home != NULL && home[0] != '\0')
		snprintf(buf, sizeof buf, "%s/.config/dubstage/keys", home);
	else
		return NULL;
	FILE *f = fopen(buf, "r");

	if (f == NULL)
		return NULL;
	fclose(f);
	return str_dup(buf);
}
