/* scmd_undo.c - history and file session commands: undo, redo, save. */
#include "cli/scmd_internal.h"

#include <string.h>
#include <sys/stat.h>

static int
run_history(struct scmd_ctx *ctx, int argc, char **argv, bool redo)
{
	const struct scmd *cmd = redo ? &scmd_redo : &scmd_undo;
	const char *label;
	char what[128];
	int rc;

	if ((rc = scmd_end_options(ctx, cmd, &argc, argv)) != 0)
		return rc;
	if (argc != 1)
		return scmd_usage(ctx, cmd, "takes no arguments");
	label = redo ? editor_redo_label(ctx->ed) : editor_undo_label(ctx->ed);
	if (label == NULL)
		return scmd_error(ctx, CLI_FAILED, cmd->name, "nothing to %s",
		    cmd->name);
	snprintf(what, sizeof what, "%s", label);   /* the step moves stacks */
	rc = redo ? editor_redo(ctx->ed) : editor_undo(ctx->ed);
	if (rc != 0)
		return scmd_edit_failed(ctx, cmd->name, rc, what);
	fprintf(ctx->out, "%s: %s\n", cmd->name, what);
	return CLI_OK;
}

static int run_undo(struct scmd_ctx *c, int n, char **v) { return run_history(c, n, v, false); }
static int run_redo(struct scmd_ctx *c, int n, char **v) { return run_history(c, n, v, true); }

const struct scmd scmd_undo = {
	.name = "undo",
	.args = "",
	.summary = "take back the last change (reports what it was)",
	.flags = SCMD_CHANGES,
	.run = run_undo,
};

const struct scmd scmd_redo = {
	.name = "redo",
	.args = "",
	.summary = "make the last undone change again",
	.flags = SCMD_CHANGES,
	.run = run_redo,
};

/* Do a and b name the same existing file? */
static bool
same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (a == NULL || b == NULL)
		return false;
	if (strcmp(a, b) == 0)
		return true;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/*
 * Saving to the session's own file marks the editor saved. Saving to
 * another PATH writes a copy and leaves both the editor's saved state and
 * ctx->session_path alone: a caller that adopts PATH as the session's file
 * ("save as") updates its path and calls editor_mark_saved itself.
 */
static int
run_save(struct scmd_ctx *ctx, int argc, char **argv)
{
	const struct scmd *cmd = &scmd_save;
	const char *path;
	struct diag d;
	char msg[2200];
	bool own;
	int rc;

	if ((rc = scmd_end_options(ctx, cmd, &argc, argv)) != 0)
		return rc;
	if (argc > 2)
		return scmd_usage(ctx, cmd, "expects at most one PATH");
	path = argc == 2 ? argv[1] : ctx->session_path;
	if (path == NULL || path[0] == '\0')
		return scmd_usage(ctx, cmd, "the session has no file yet: give "
		    "a PATH");
	diag_clear(&d);
	if ((rc = scmd_save_session(scmd_session(ctx), path, &d)) != 0) {
		diag_format(&d, msg, sizeof msg);
		return scmd_error(ctx, CLI_FAILED, cmd->name, "%s",
		    msg[0] != '\0' ? msg : err_string(rc));
	}
	own = same_file(path, ctx->session_path);
	if (own)
		editor_mark_saved(ctx->ed);
	fprintf(ctx->out, "saved %s%s\n", path,
	    own ? "" : " (a copy: the session's file is unchanged)");
	return CLI_OK;
}

const struct scmd scmd_save = {
	.name = "save",
	.args = "[PATH]",
	.summary = "save the session atomically (the previous file is kept as "
	    ".bak); PATH writes a copy there",
	.flags = SCMD_SAVES,
	.run = run_save,
};
