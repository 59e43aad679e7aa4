/*
 * dispatch.h - the console's own commands (transport, views, selection)
 * and the expansion of key-binding placeholders. console_run (console.h)
 * is the entry point that ties them to the session and CLI commands.
 */
#ifndef DUBSTAGE_UI_DISPATCH_H
#define DUBSTAGE_UI_DISPATCH_H

#include <stddef.h>

struct console;

struct console_cmd {
	const char *name;
	const char *args;
	const char *summary;
	/* argv[0] is the name; returns an enum cli_exit code and reports on
	 * the message line itself. */
	int (*run)(struct console *c, int argc, char **argv);
};

/* The console's commands, NULL-terminated, and lookup. */
extern const struct console_cmd *const console_cmds[];
const struct console_cmd *console_cmd_find(const char *name);

/* Fills {placeholders} of line into out. 0, or ERR_INVALID with *why. */
int dispatch_expand(struct console *c, const char *line, char *out,
    size_t size, const char **why);

#endif
