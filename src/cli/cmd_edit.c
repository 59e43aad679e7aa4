/*
 * dubstage edit: run session command lines on a session file, all or
 * nothing, and save it atomically. The same commands as the console's keys
 * and ':' prompt (scmd.h).
 */
#include "cli/cli.h"
#include "base/lockfile.h"
#include "cli/journal.h"
#include "cli/scmd_internal.h"
#include "session/edit.h"
#include "session/session_xml.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* Copies what a command wrote to its error stream onto err, each line as
 * "dubstage NAME: LINE". */
static void
forward_errors(const char *name, char *buf, size_t size, FILE *err)
{
	char *p = buf, *nl;

	while (p < buf + size && *p != '\0') {
		nl = strchr(p, '\n');
		if (nl != NULL)
			*nl = '\0';
		fprintf(err, "dubstage %s: %s\n", name, p);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

/* Runs line number i (1-based) on ctx; returns its exit code. */
static int
run_one(const char *name, struct scmd_ctx *ctx, const char *line, int i,
    FILE *err)
{
	char *buf = NULL, **argv;
	size_t size = 0;
	FILE *mem = open_memstream(&buf, &size);
	const struct scmd *cmd = NULL;
	int rc;

	if (mem == NULL) {
		fprintf(err, "dubstage %s: out of memory\n", name);
		return CLI_FAILED;
	}
	ctx->err = mem;
	if (scmd_split(line, &argv, NULL) > 0) {
		cmd = scmd_find(argv[0]);
		scmd_free_words(argv);
	}
	if (cmd != NULL && (cmd->flags & SCMD_SAVES)) {
		fprintf(mem, "%s: not here: edit saves the session itself when "
		    "every line succeeded\n", cmd->name);
		rc = CLI_USAGE;
	} else {
		rc = scmd_run_line(ctx, line, NULL);
	}
	fclose(mem);
	ctx->err = err;
	forward_errors(name, buf, size, err);
	free(buf);
	if (rc != CLI_OK && i > 0)
		fprintf(err, "dubstage %s: line %d ('%s') failed; nothing was "
		    "saved\n", name, i, line);
	else if (rc != CLI_OK)
		fprintf(err, "dubstage %s: failed; nothing was saved\n", name);
	return rc;
}

/* Refuses to change a file a crashed console has unrecovered edits for:
 * saving would make its journal stale and lose them. */
static int
check_journal(const char *name, const char *path, FILE *err)
{
	struct journal_pending p;
	struct diag d;
	int rc = journal_read_pending(path, &p, &d);

	if (rc == ERR_NOTFOUND)
		return CLI_OK;
	if (rc == 0) {
		bool pending = p.matches_file && p.count > 0;

		journal_pending_fini(&p);
		if (!pending)
			return CLI_OK;
	}
	fprintf(err, "dubstage %s: %s%s holds console edits not yet saved; "
	    "open the session in the console to recover them, or remove the "
	    "journal to drop them\n", name, path, JOURNAL_SUFFIX);
	return CLI_FAILED;
}

int
cli_edit_session(const char *name, const char *path, const char *const *lines,
    int count, bool dry, bool number_lines, FILE *out, FILE *err)
{
	struct lockfile lock;
	struct session *s = NULL;
	struct scmd_ctx ctx = { .out = out, .err = err };
	struct diag d;
	char holder[512], msg[2200];
	int rc;

	rc = lockfile_acquire(path, &lock, holder, sizeof holder);
	if (rc == ERR_BUSY) {
		fprintf(err, "dubstage %s: %s is open in a console (process "
		    "%s); run the commands at its ':' prompt, or close it first\n",
		    name, path, holder);
		return CLI_FAILED;
	}
	if (rc != 0) {
		fprintf(err, "dubstage %s: cannot lock %s: %s\n", name, path,
		    holder);
		return CLI_FAILED;
	}
	if ((rc = cli_load_session(name, path, &s, err)) != CLI_OK)
		goto out;
	if ((ctx.ed = editor_create(s)) == NULL) {
		session_destroy(s);
		fprintf(err, "dubstage %s: out of memory\n", name);
		rc = CLI_FAILED;
		goto out;
	}
	ctx.session_path = path;
	for (int i = 0; i < count; i++)
		if ((rc = run_one(name, &ctx, lines[i], number_lines ? i + 1 : 0,
		    err)) != CLI_OK)
			goto out;
	if (dry) {
		fprintf(out, "dry run: %s not saved\n", path);
		goto out;
	}
	if (!editor_is_dirty(ctx.ed)) {
		fprintf(out, "no change: %s not rewritten\n", path);
		goto out;
	}
	if ((rc = check_journal(name, path, err)) != CLI_OK)
		goto out;
	diag_clear(&d);
	if (scmd_save_session(editor_session(ctx.ed), path, &d) != 0) {
		diag_format(&d, msg, sizeof msg);
		fprintf(err, "dubstage %s: %s\n", name, msg);
		rc = CLI_FAILED;
		goto out;
	}
	fprintf(out, "saved %s\n", path);
out:
	editor_destroy(ctx.ed);
	lockfile_release(&lock);
	return rc;
}

static int
run(int argc, char **argv, FILE *out, FILE *err)
{
	static const struct option options[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	bool dry = false;
	int opt;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+n", options, NULL)) != -1) {
		if (opt != 'n')
			return cli_usage_error(&cmd_edit, err, "unknown option "
			    "'%s'", argv[optind - 1]);
		dry = true;
	}
	if (argc - optind < 2)
		return cli_usage_error(&cmd_edit, err, "expects a SESSION and "
		    "at least one command LINE");
	return cli_edit_session("edit", argv[optind],
	    (const char *const *)argv + optind + 1, argc - optind - 1, dry,
	    true, out, err);
}

static void
print_session_commands(FILE *out)
{
	fprintf(out, "\nSession commands (also at the console's ':' prompt):\n");
	for (size_t i = 0; scmd_table[i] != NULL; i++) {
		const struct scmd *c = scmd_table[i];

		fprintf(out, "  %s %s\n      %s\n", c->name, c->args, c->summary);
	}
	fprintf(out,
	    "\nIDs: T3 track, B1 bus, C12 clip, M2 marker, S4 source. POS is a\n"
	    "timecode at the session's rate (01:00:10:00) or a frame count.\n"
	    "Levels are dB in -144..+24 (-inf = -144, silence). Words split like\n"
	    "a shell: quote names with spaces ('rename T1 \"DIA Anna\"').\n");
}

const struct cli_command cmd_edit = {
	.name = "edit",
	.args = "[-n] SESSION LINE...",
	.summary = "run session commands on a session file and save it",
	.help =
	    "Runs each LINE (one session command per argument, e.g.\n"
	    "'gain T3 -2.5') in order on SESSION. If every line succeeds the\n"
	    "session is saved atomically (the previous file is kept as .bak);\n"
	    "if one fails, nothing is saved and its exit code is returned.\n"
	    "Refused while a console has the session open (its .lock), or\n"
	    "while a crashed console's journal holds unrecovered edits.\n"
	    "\n"
	    "  -n, --dry-run   run the lines and report, but do not save\n",
	.print_more_help = print_session_commands,
	.run = run,
};
