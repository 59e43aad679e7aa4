/*
 * cli.h - the command table. Every subcommand is a const struct cli_command
 * in its own file (cmd_<name>.c), listed once in cli.c. The console's keys
 * and ':' prompt run command lines through the same cli_run(), so whatever a
 * mixer can do at the console, a script can do from the shell.
 *
 * Exit codes are part of the documented interface (man/dubstage.1).
 */
#ifndef DUBSTAGE_CLI_CLI_H
#define DUBSTAGE_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum cli_exit {
	CLI_OK = 0,         /* success */
	CLI_FAILED = 1,     /* the command ran and failed (I/O, refused, checks failed) */
	CLI_USAGE = 2,      /* wrong arguments */
	CLI_BAD_INPUT = 3,  /* an input file is malformed, unsafe or inconsistent */
};

struct cli_command {
	const char *name;
	const char *args;      /* argument synopsis: "[options] FILE" */
	const char *summary;   /* one line for the command list */
	const char *help;      /* options and details, one per line */
	/* optional: prints more help after `help` (a list built from a table) */
	void (*print_more_help)(FILE *out);
	/* argv[0] is the command name. Reports to out/err; returns enum cli_exit. */
	int (*run)(int argc, char **argv, FILE *out, FILE *err);
};

/* Adds the commands of layers above the CLI (the console in ui/) to the
 * table; call once from main before cli_main. cmds is borrowed. */
void cli_add_commands(const struct cli_command *const *cmds, size_t count);
/* The command called name (table or added), or NULL. */
const struct cli_command *cli_find_command(const char *name);

/* Runs a whole program command line (argv[0] is the program). */
int cli_main(int argc, char **argv, FILE *out, FILE *err);

/* Prints the help of one command ("Usage: dubstage NAME ARGS" + help). */
void cli_print_command_help(const struct cli_command *cmd, FILE *out);

/* Shared by commands: prints "dubstage NAME: message" and a hint to --help,
 * returns CLI_USAGE. */
int cli_usage_error(const struct cli_command *cmd, FILE *err,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Maps an ERR_* code from loading an input to an exit code. */
int cli_exit_for_error(int err);

/* Parses argv with getopt_long conventions shared by all commands: returns
 * the index of the first operand. Defined per command with the common
 * -h/--help handled here: cli_wants_help() is true when argv asks for help. */
int cli_wants_help(int argc, char **argv);

struct session;

/* Loads a session file for command `name`, reporting failures on err as
 * "dubstage NAME: file:line: message". Returns CLI_OK with *out set (caller
 * frees with session_destroy), or the exit code to return. */
int cli_load_session(const char *name, const char *path, struct session **out,
    FILE *err);

/* Runs session command lines on the session file at path, all or nothing,
 * and saves it atomically when something changed (`dubstage edit`; also
 * `dubstage clean SESSION --clip ...`). Refused while a console holds the
 * session's lock or a crashed console's journal is unrecovered. Messages
 * are "dubstage NAME: ..."; number_lines names the failing line. Returns
 * the first failing line's exit code, or CLI_OK. */
int cli_edit_session(const char *name, const char *path,
    const char *const *lines, int count, bool dry, bool number_lines,
    FILE *out, FILE *err);

/* A timeline position: a timecode at the session's rate ("01:00:10:00")
 * or a frame count. 0, or ERR_PARSE / ERR_INVALID. */
int cli_parse_position(const struct session *s, const char *text,
    int64_t *frames);
/* A range "A-B" of two positions with B > A. 0, ERR_PARSE, or ERR_INVALID
 * when B <= A. */
int cli_parse_range(const struct session *s, const char *text, int64_t *a,
    int64_t *b);

extern const struct cli_command cmd_new;
extern const struct cli_command cmd_info;
extern const struct cli_command cmd_validate;
extern const struct cli_command cmd_bounce;
extern const struct cli_command cmd_measure;
extern const struct cli_command cmd_qc;
extern const struct cli_command cmd_import;
extern const struct cli_command cmd_play;
extern const struct cli_command cmd_edit;
extern const struct cli_command cmd_clean;

#endif
