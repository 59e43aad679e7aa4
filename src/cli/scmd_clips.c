/*
 * scmd_clips.c - clip session commands: move, nudge, trim, split, fade.
 *
 * The frame grid: timecode frame N starts at audio frame
 * timecode_count_to_frames(N) (the first sample at or after its true start,
 * exact integer maths; timecode.h), counted from 00:00:00:00. Nudging by
 * frames moves a clip to a boundary of that grid, so at 29.97 and 48 kHz
 * (1601.6 samples a frame) clips land on 1601 or 1602 sample steps exactly
 * where the picture's frames start, never drifting.
 */
#include "cli/scmd_internal.h"
#include "base/strutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static struct clip *
find_clip(struct scmd_ctx *ctx, struct id id)
{
	return session_clip(scmd_session(ctx), id, NULL);
}

/* ---- move, nudge -------------------------------------------------------- */

static int
report_at(struct scmd_ctx *ctx, struct id id)
{
	struct track *t = NULL;
	struct clip *c = session_clip(scmd_session(ctx), id, &t);
	char b[16], tb[16], tc[32];

	fprintf(ctx->out, "%s at %s (frame %lld) on %s\n",
	    scmd_format_id(id, b, sizeof b),
	    scmd_format_tc(ctx, c->position_frames, tc, sizeof tc),
	    (long long)c->position_frames, scmd_format_id(t->id, tb, sizeof tb));
	return CLI_OK;
}

static int
run_move(struct scmd_ctx *ctx, int argc, char **argv)
{
	const struct scmd *cmd = &scmd_move;
	struct id id, track = { ID_TRACK, 0 };
	int64_t pos;
	int rc;

	if ((rc = scmd_end_options(ctx, cmd, &argc, argv)) != 0)
		return rc;
	if (argc < 3 || argc > 4)
		return scmd_usage(ctx, cmd, "expects CLIP POS [TRACK]");
	if ((rc = scmd_parse_id(ctx, cmd, argv[1], SCMD_K(ID_CLIP), &id)) != 0 ||
	    (rc = scmd_parse_position(ctx, cmd, argv[2], &pos)) != 0 ||
	    (argc == 4 && (rc = scmd_parse_id(ctx, cmd, argv[3],
	    SCMD_K(ID_TRACK), &track)) != 0))
		return rc;
	if ((rc = editor_move_clip(ctx->ed, id, pos, track)) != 0) {
		if (rc == ERR_INVALID && track.num != 0)
			return scmd_error(ctx, CLI_FAILED, cmd->name, "%s does not "
			    "fit %s's channels", argv[1], argv[3]);
		return scmd_edit_failed(ctx, cmd->name, rc, argv[1]);
	}
	return report_at(ctx, id);
}

const struct scmd scmd_move = {
	.name = "move",
	.args = "CLIP POS [TRACK]",
	.summary = "move a clip to a position (timecode or frames), optionally "
	    "to another track",
	.flags = SCMD_CHANGES,
	.run = run_move,
};

/*
 * The position n timecode frames from pos on the session's frame grid:
 * forward, the n-th boundary after pos; backward, the n-th boundary before
 * it (a clip between two boundaries counts the one just before it as the
 * first step back). -1 when that is before 00:00:00:00 or out of range.
 */
static int64_t
nudge_frames(const struct session *s, int64_t pos, int64_t n)
{
	const struct tc_rate *r = &s->timecode.rate;
	int64_t k = timecode_frames_to_count(r, s->sample_rate_hz, pos), at;

	if (k < 0)
		return -1;
	at = timecode_count_to_frames(r, s->sample_rate_hz, k);
	if (n < 0 && at != pos)
		k++;   /* pos is inside frame k: its start is one step back */
	if ((n > 0 && k > INT64_MAX - n) || k + n < 0)
		return -1;
	return timecode_count_to_frames(r, s->sample_rate_hz, k + n);
}

static int
run_nudge(struct scmd_ctx *ctx, int argc, char **argv)
{
	const struct scmd *cmd = &scmd_nudge;
	bool samples = scmd_take_flag(&argc, argv, "--samples");
	struct id id;
	int64_t n, pos, to;
	int rc;

	if ((rc = scmd_end_options(ctx, cmd, &argc, argv)) != 0)
		return rc;
	if (argc != 3)
		return scmd_usage(ctx, cmd, "expects CLIP and N");
	if ((rc = scmd_parse_id(ctx, cmd, argv[1], SCMD_K(ID_CLIP), &id)) != 0)
		return rc;
	if (str_to_i64(argv[2], &n) != 0 || n == 0 || n < -(INT64_MAX / 2) ||
	    n > INT64_MAX / 2)
		return scmd_usage(ctx, cmd, "N must be a non-zero whole number, "
		    "not '%s'", argv[2]);
	pos = find_clip(ctx, id)->position_frames;
	if (samples)
		to = pos + n;
	else
		to = nudge_frames(scmd_session(ctx), pos, n);
	if (to < 0)
		return scmd_error(ctx, CLI_FAILED, cmd->name, "%s would move "
		    "%s", argv[1], n < 0 ? "before 00:00:00:00" :
		    "beyond the end of time");
	if ((rc = editor_move_clip(ctx->ed, id, to,
	    (struct id){ ID_TRACK, 0 })) != 0)
		return scmd_edit_failed(ctx, cmd->name, rc, argv[1]);
	return report_at(ctx, id);
}

const struct scmd scmd_nudge = {
	.name = "nudge",
	.args = "CLIP N [--samples]",
	.summary = "move a clip N timecode frames later (N < 0: earlier), "
	    "landing on the frame grid; --samples: by N samples",
	.flags = SCMD_CHANGES,
	.run = run_nudge,
};

/* ---- trim, split -------------------------------------------------------- */

static int
run_trim(struct scmd_ctx *ctx, int argc, char **argv)
{
	const struct scmd *cmd = &scmd_trim;
	const char *start_s, *end_s;
	struct id id;
	struct clip *c;
	int64_t start, end;
	char b[16], t1[32], t2[32];
	int rc;

	if (scmd_take_option(ctx, cmd, &argc, argv, "--start", &start_s) < 0 ||
	    scmd_take_option(ctx, cmd, &argc, argv, "--end", &end_s) < 0)
		return CLI_USAGE;
	if ((rc = scmd_end_options(ctx, cmd, &argc, argv)) != 0)
		return rc;
	if (start_s != NULL || end_s != NULL ? argc != 2 : argc != 4)
		return scmd_usage(ctx, cmd, "expects CLIP START END, or CLIP with "
		    "--start and/or --end");
	if (argc == 4) {
		start_s = argv[2];
		end_s = argv[3];
	}
	if ((rc = scmd_parse_id(ctx, cmd, argv[1], SCMD_K(ID_CLIP), &id)) != 0)
		return rc;
	c = find_clip(ctx, id);
	start = c->position_frames;
	end = c->position_frames + c->length_frames;
	if ((start_s != NULL &&
	    (rc = scmd_parse_position(ctx, cmd, start_s, &start)) != 0) ||
	    (end_s != NULL &&
	    (rc = scmd_parse_position(ctx, cmd, end_s, &end)) != 0))
		return rc;
	if (end <= start)
		return scmd_usage(ctx, cmd, "the end must come after the start");
	if ((rc = editor_trim_clip(ctx->ed, id, start, end)) != 0) {
		if (rc == ERR_INVALID)
			return scmd_error(ctx, CLI_FAILED, cmd->name, "%s: the "
			    "source has no audio there", argv[1]);
		return scmd_edit_failed(ctx, cmd->name, rc, argv[1]);
	}
	fprintf(ctx->out, "%s trimmed to %s - %s\n", scmd_format_id(id, b,
	    sizeof b), scmd_format_tc(ctx, start, t1, sizeof t1),
	    scmd_format_tc(ctx, end, t2, sizeof t2));
	return CLI_OK;
}

const struct scmd scmd_trim = {
	.name = "trim",
	.args = "CLIP START END | CLIP [--start POS] [--end POS]",
	.summary = "move a clip's start and/or end on the timeline, keeping its "
	    "audio in place",
	.flags = SCMD_CHANGES,
	.run = run_trim,
};

static int
run_split(struct scmd_ctx *ctx, int argc, char **argv)
{
	const struct scmd *cmd = &scmd_split_cmd;
	struct id id, right;
	struct clip *c;
	int64_t at;
	char b[16], rb[16], tc[32];
	int rc;

	if ((rc = scmd_end_options(ctx, cmd, &argc, argv)) != 0)
		return rc;
	if (argc != 3)
		return scmd_usage(ctx, cmd, "expects CLIP POS");
	if ((rc = scmd_parse_id(ctx, cmd, argv[1], SCMD_K(ID_CLIP), &id)) != 0 ||
	    (rc = scmd_parse_position(ctx, cmd, argv[2], &at)) != 0)
		return rc;
	c = find_clip(ctx, id);
	if (at <= c->position_frames ||
	    at >= c->position_frames + c->length_frames)
		return scmd_error(ctx, CLI_FAILED, cmd->name, "%s is not inside "
		    "%s", argv[2], argv[1]);
	if ((rc = editor_split_clip(ctx->ed, id, at, &right)) != 0)
		return scmd_edit_failed(ctx, cmd->name, rc, argv[1]);
	fprintf(ctx->out, "%s split at %s: right part %s\n",
	    scmd_format_id(id, b, sizeof b), scmd_format_tc(ctx, at, tc,
	    sizeof tc), scmd_format_id(right, rb, sizeof rb));
	return CLI_OK;
}

const struct scmd scmd_split_cmd = {
	.name = "split",
	.args = "CLIP POS",
	.summary = "split a clip at a position inside it (the right part gets a "
	    "new id and the fade-out)",
	.flags = SCMD_CHANGES,
	.run = run_split,
};

/* ---- fade --------------------------------------------------------------- */

/* A duration: "0.5s" seconds (rounded to the nearest frame), a timecode
 * "00:00:00:12" (the frames from 00:00:00:00 to that label), or frames. */
static int
parse_duration(struct scmd_ctx *ctx, const char *text, int64_t *frames)
{
	size_t len = strlen(text);

	if (len > 1 && text[len - 1] == 's') {
		char num[64];
		double sec;

		if (len >= sizeof num)
			return ERR_PARSE;
		memcpy(num, text, len - 1);
		num[len - 1] = '\0';
		if (str_to_double(num, &sec) != 0 || sec < 0 || sec > 1e9)
			return ERR_PARSE;
		*frames = llround(sec * scmd_session(ctx)->sample_rate_hz);
		return 0;
	}
	if (cli_parse_position(scmd_session(ctx), text, frames) != 0 ||
	    *frames < 0)
		return ERR_PARSE;
	return 0;
}

static int
run_fade(struct scmd_ctx *ctx, int argc, char **argv)
{
	const struct scmd *cmd = &scmd_fade;
	struct id id;
	struct clip *c;
	struct fade f;
	bool in;
	char b[16];
	int rc;

	if ((rc = scmd_end_options(ctx, cmd, &argc, argv)) != 0)
		return rc;
	if (argc < 4 || argc > 5)
		return scmd_usage(ctx, cmd, "expects CLIP in|out LENGTH [CURVE]");
	if ((rc = scmd_parse_id(ctx, cmd, argv[1], SCMD_K(ID_CLIP), &id)) != 0)
		return rc;
	if (strcmp(argv[2], "in") != 0 && strcmp(argv[2], "out") != 0)
		return scmd_usage(ctx, cmd, "say in or out, not '%s'", argv[2]);
	in = argv[2][0] == 'i';
	c = find_clip(ctx, id);
	f = in ? c->fade_in : c->fade_out;
	if (parse_duration(ctx, argv[3], &f.length_frames) != 0)
		return scmd_usage(ctx, cmd, "'%s' is not a length (frames, "
		    "timecode, or seconds like 0.5s)", argv[3]);
	if (argc == 5 && fade_shape_parse(argv[4], &f.shape) != 0)
		return scmd_usage(ctx, cmd, "no curve '%s' (linear, equal-power, "
		    "s-curve, log, exp)", argv[4]);
	if ((rc = editor_set_fade(ctx->ed, id, in, &f)) != 0) {
		if (rc == ERR_INVALID)
			return scmd_error(ctx, CLI_FAILED, cmd->name, "%s: the "
			    "fades would be longer than the clip (%lld frames)",
			    argv[1], (long long)c->length_frames);
		return scmd_edit_failed(ctx, cmd->name, rc, argv[1]);
	}
	fprintf(ctx->out, "%s fade %s %lld frames %s\n", scmd_format_id(id, b,
	    sizeof b), in ? "in" : "out", (long long)f.length_frames,
	    fade_shape_name(f.shape));
	return CLI_OK;
}

const struct scmd scmd_fade = {
	.name = "fade",
	.args = "CLIP in|out LENGTH [CURVE]",
	.summary = "set a clip's fade: LENGTH in frames, timecode (00:00:00:12) "
	    "or seconds (0.5s), 0 removes it; CURVE linear, equal-power, "
	    "s-curve, log or exp (default: keep)",
	.flags = SCMD_CHANGES,
	.run = run_fade,
};
