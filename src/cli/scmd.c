/*
 * scmd.c - the session command table, the line splitter and the runner
 * (scmd.h). The commands themselves live one group per file: scmd_mixer.c,
 * scmd_inserts.c, scmd_clips.c, scmd_markers.c, scmd_undo.c.
 */
#include "cli/scmd_internal.h"

#include <stdlib.h>
#include <string.h>

#define SCMD_MAX_WORDS 64

const struct scmd *const scmd_table[] = {
	&scmd_gain, &scmd_mute, &scmd_solo, &scmd_pan,
	&scmd_send, &scmd_unsend, &scmd_output,
	&scmd_rename, &scmd_remove,
	&scmd_move, &scmd_nudge, &scmd_trim, &scmd_split_cmd, &scmd_fade,
	&scmd_marker, &scmd_marker_move,
	&scmd_insert, &scmd_insert_param, &scmd_bypass, &scmd_uninsert, &scmd_clean,
	&scmd_undo, &scmd_redo, &scmd_save,
	NULL
};

const struct scmd *
scmd_find(const char *name)
{
	for (size_t i = 0; scmd_table[i] != NULL; i++)
		if (strcmp(scmd_table[i]->name, name) == 0)
			return scmd_table[i];
	return NULL;
}

void
scmd_free_words(char **argv)
{
	if (argv == NULL)
		return;
	for (size_t i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

/*
 * Shell-like words: blanks (space, tab) separate; '...' keeps everything
 * literally; "..." groups and lets a backslash escape the next character;
 * outside quotes a backslash escapes the next character; a word that starts
 * with '#' starts a comment to the end of the line. Every word is one
 * allocation no longer than the line, so the worst case is bounded.
 */
int
scmd_split(const char *line, char ***argv_out, FILE *err)
{
	size_t len = strlen(line);
	char **argv = calloc(SCMD_MAX_WORDS + 1, sizeof *argv);
	const char *p = line, *why = NULL;
	int n = 0;

	*argv_out = NULL;
	if (argv == NULL) {
		why = "out of memory";
		goto fail;
	}
	for (;;) {
		char *w, quote = 0;
		size_t wl = 0;

		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p == '\0' || *p == '#')
			break;
		if (n == SCMD_MAX_WORDS) {
			why = "more than 64 words";
			goto fail;
		}
		if ((w = malloc(len + 1)) == NULL) {
			why = "out of memory";
			goto fail;
		}
		argv[n++] = w;
		for (; *p != '\0'; p++) {
			if (quote == 0 && (*p == ' ' || *p == '\t' || *p == '\r' ||
			    *p == '\n'))
				break;
			if (quote == 0 && (*p == '\'' || *p == '"')) {
				quote = *p;
			} else if (quote != 0 && *p == quote) {
				quote = 0;
			} else if (*p == '\\' && quote != '\'') {
				if (p[1] == '\0') {
					why = "the line ends with a backslash";
					goto fail;
				}
				w[wl++] = *++p;
			} else {
				w[wl++] = *p;
			}
		}
		w[wl] = '\0';
		if (quote != 0) {
			why = quote == '"' ? "unbalanced \"" : "unbalanced '";
			goto fail;
		}
	}
	if (n == 0) {
		free(argv);
		return 0;
	}
	*argv_out = argv;
	return n;

fail:
	if (err != NULL)
		fprintf(err, "%s\n", why);
	scmd_free_words(argv);
	return -1;
}

static bool
wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	return false;
}

int
scmd_run_line(struct scmd_ctx *ctx, const char *line,
    const struct scmd **cmd_out)
{
	const struct scmd *cmd;
	char **argv;
	int argc, rc;

	if (cmd_out != NULL)
		*cmd_out = NULL;
	argc = scmd_split(line, &argv, ctx->err);
	if (argc <= 0)
		return argc == 0 ? CLI_OK : CLI_USAGE;
	cmd = scmd_find(argv[0]);
	if (cmd == NULL) {
		fprintf(ctx->err, "unknown command '%s'\n", argv[0]);
		rc = CLI_USAGE;
	} else if (wants_help(argc, argv)) {
		fprintf(ctx->out, "usage: %s %s\n%s\n", cmd->name, cmd->args,
		    cmd->summary);
		rc = CLI_OK;
	} else {
		/* commands take their options out of argv: give them a copy of
		 * the pointers so every word is still freed below */
		char *args[SCMD_MAX_WORDS + 1];

		memcpy(args, argv, ((size_t)argc + 1) * sizeof *args);
		if (cmd_out != NULL)
			*cmd_out = cmd;
		rc = cmd->run(ctx, argc, args);
	}
	scmd_free_words(argv);
	return rc;
}
