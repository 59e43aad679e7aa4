/*
 * scmd.h - session commands: the command lines that change (or save) an
 * open session, e.g. "gain T3 -2.5", "solo T1", "nudge C12 -1", "undo".
 *
 * One table serves three callers, so what a mixer can do at the console a
 * script can do from the shell:
 *   - the console's keys and ':' prompt run a line on its open editor;
 *   - `dubstage edit SESSION 'gain T3 -2.5' 'solo T1'` loads a session file,
 *     runs the lines in order (all or nothing) and saves it atomically;
 *   - journal recovery replays the lines the console recorded.
 *
 * A session command never prints to the terminal itself: it writes its
 * report (one line, e.g. "T3 gain -2.5 dB") to ctx->out and errors to
 * ctx->err as "NAME: message" (no program prefix; callers add their own).
 *
 * Main thread only.
 */
#ifndef DUBSTAGE_CLI_SCMD_H
#define DUBSTAGE_CLI_SCMD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct editor;

/* What a command runs against. */
struct scmd_ctx {
	struct editor *ed;         /* the open session (required) */
	const char *session_path;  /* its file, or NULL when never saved */
	FILE *out;                 /* report */
	FILE *err;                 /* errors */
};

enum scmd_flags {
	SCMD_CHANGES = 1 << 0,  /* may change the session: journaled, marks dirty */
	SCMD_SAVES = 1 << 1,    /* writes the session file ("save") */
};

struct scmd {
	const char *name;
	const char *args;      /* synopsis: "ID DB | ID --by DB" */
	const char *summary;   /* one line */
	unsigned flags;        /* enum scmd_flags */
	/* argv[0] is the command name. Returns an enum cli_exit code; on any
	 * failure the session is unchanged. */
	int (*run)(struct scmd_ctx *ctx, int argc, char **argv);
};

/* The table (NULL-terminated) and lookup by name. */
extern const struct scmd *const scmd_table[];
const struct scmd *scmd_find(const char *name);

/*
 * Splits a command line into words: blanks separate, "double" and 'single'
 * quotes group, backslash escapes the next character, '#' starts a comment
 * at the start of a word. Returns the word count (argv NULL-terminated,
 * free with scmd_free_words), 0 for an empty/comment line, or -1 with a
 * message in err for unbalanced quotes. At most 64 words.
 */
int scmd_split(const char *line, char ***argv_out, FILE *err);
void scmd_free_words(char **argv);

/* Runs one line: split, look up, run. Unknown command: CLI_USAGE with
 * "unknown command 'x'" on err. *cmd_out (may be NULL) gets the command
 * run, so the caller can tell whether to journal it (SCMD_CHANGES); it is
 * NULL for an empty line, an unknown command, or a line asking for help
 * ("gain --help" prints "usage: gain ID DB | ..." and the summary to out). */
int scmd_run_line(struct scmd_ctx *ctx, const char *line,
    const struct scmd **cmd_out);

#endif
