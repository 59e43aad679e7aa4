/* scmd_markers.c - marker session commands: marker, marker-move (a marker
 * is removed with "remove M2"). */
#include "cli/scmd_internal.h"

static int
run_marker(struct scmd_ctx *ctx, int argc, char **argv)
{
	const struct scmd *cmd = &scmd_marker;
	struct id id;
	int64_t pos;
	char b[16], tc[32];
	int rc;

	if ((rc = scmd_end_options(ctx, cmd, &argc, argv)) != 0)
		return rc;
	if (argc != 3)
		return scmd_usage(ctx, cmd, "expects NAME and POS (quote a name "
		    "with spaces)");
	if ((rc = scmd_parse_position(ctx, cmd, argv[2], &pos)) != 0)
		return rc;
	if ((rc = editor_add_marker(ctx->ed, argv[1], pos, 0, &id)) != 0)
		return scmd_edit_failed(ctx, cmd->name, rc, argv[1]);
	fprintf(ctx->out, "%s \"%s\" at %s\n", scmd_format_id(id, b, sizeof b),
	    argv[1], scmd_format_tc(ctx, pos, tc, sizeof tc));
	return CLI_OK;
}

const struct scmd scmd_marker = {
	.name = "marker",
	.args = "NAME POS",
	.summary = "add a marker at a position (timecode or frames)",
	.flags = SCMD_CHANGES,
	.run = run_marker,
};

static int
run_marker_move(struct scmd_ctx *ctx, int argc, char **argv)
{
	const struct scmd *cmd = &scmd_marker_move;
	struct id id;
	int64_t pos;
	char b[16], tc[32];
	int rc;

	if ((rc = scmd_end_options(ctx, cmd, &argc, argv)) != 0)
		return rc;
	if (argc != 3)
		return scmd_usage(ctx, cmd, "expects MARKER and POS");
	if ((rc = scmd_parse_id(ctx, cmd, argv[1], SCMD_K(ID_MARKER), &id)) != 0 ||
	    (rc = scmd_parse_position(ctx, cmd, argv[2], &pos)) != 0)
		return rc;
	if ((rc = editor_move_marker(ctx->ed, id, pos)) != 0)
		return scmd_edit_failed(ctx, cmd->name, rc, argv[1]);
	fprintf(ctx->out, "%s at %s\n", scmd_format_id(id, b, sizeof b),
	    scmd_format_tc(ctx, pos, tc, sizeof tc));
	return CLI_OK;
}

const struct scmd scmd_marker_move = {
	.name = "marker-move",
	.args = "MARKER POS",
	.summary = "move a marker to a position",
	.flags = SCMD_CHANGES,
	.run = run_marker_move,
};
