/*
 * scmd_mixer.c - mixer session commands: gain, mute, solo, pan, send,
 * unsend, output, rename, remove.
 */
#include "cli/scmd_internal.h"

#include <math.h>
#include <string.h>

/* Relative moves land on a 1/1000 dB grid so repeated key presses of
 * 0.1 dB read back as 0.3, not 0.30000000000000004. */
static double
round_mdb(double v)
{
	double r = round(v * 1000.0) / 1000.0;

	return r == 0.0 ? 0.0 : r;
}

static double
clamp(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* ---- gain --------------------------------------------------------------- */

static int
run_gain(struct scmd_ctx *ctx, int argc, char **argv)
{
	const struct scmd *cmd = &scmd_gain;
	struct session *s = scmd_session(ctx);
	const char *by;
	bool master;
	struct id id = { ID_BUS, 0 };
	double now, db;
	char b[16], n[32];
	int rc, r;

	if ((r = scmd_take_option(ctx, cmd, &argc, argv, "--by", &by)) < 0)
		return CLI_USAGE;
	if ((rc = scmd_end_options(ctx, cmd, &argc, argv)) != 0)
		return rc;
	if (argc != (by != NULL ? 2 : 3))
		return scmd_usage(ctx, cmd, "expects an ID and a level");
	master = strcmp(argv[1], "master") == 0;
	if (!master && (rc = scmd_parse_id(ctx, cmd, argv[1],
	    SCMD_STRIP | SCMD_K(ID_CLIP), &id)) != 0)
		return rc;
	if (master)
		now = s->master.gain_db;
	else if (id.kind == ID_CLIP)
		now = session_clip(s, id, NULL)->gain_db;
	else
		now = session_strip(s, id)->gain_db;
	if (by != NULL) {
		double delta;

		if ((rc = scmd_parse_number(ctx, cmd, by, "--by",
		    -(SESSION_GAIN_MAX_DB - SESSION_GAIN_MIN_DB),
		    SESSION_GAIN_MAX_DB - SESSION_GAIN_MIN_DB, &delta)) != 0)
			return rc;
		db = clamp(round_mdb(now + delta), SESSION_GAIN_MIN_DB,
		    SESSION_GAIN_MAX_DB);
	} else if ((rc = scmd_parse_db(ctx, cmd, argv[2], true, &db)) != 0) {
		return rc;
	}
	rc = master ? editor_set_master(ctx->ed, s->master.format, db) :
	    editor_set_gain(ctx->ed, id, db);
	if (rc != 0)
		return scmd_edit_failed(ctx, cmd->name, rc, master ? "master" :
		    argv[1]);
	fprintf(ctx->out, "%s gain %s dB\n", scmd_format_id(id, b, sizeof b),
	    db <= SESSION_GAIN_MIN_DB ? "-inf" : scmd_format_num(db, n, sizeof n));
	return CLI_OK;
}

const struct scmd scmd_gain = {
	.name = "gain",
	.args = "ID DB | ID --by DB",
	.summary = "set the fader of a track/bus (T3, B1), the gain of a clip "
	    "(C12) or of the master (master); --by moves it, clamped to "
	    "-144..+24 dB; -inf is silence",
	.flags = SCMD_CHANGES,
	.run = run_gain,
};

/* ---- mute, solo --------------------------------------------------------- */

static int
run_switch(struct scmd_ctx *ctx, int argc, char **argv, bool solo)
{
	const struct scmd *cmd = solo ? &scmd_solo : &scmd_mute;
	struct session *s = scmd_session(ctx);
	unsigned mask = solo ? SCMD_STRIP : SCMD_STRIP | SCMD_K(ID_CLIP);
	struct id id;
	bool now, on;
	char b[16];
	int rc;

	if ((rc = scmd_end_options(ctx, cmd, &argc, argv)) != 0)
		return rc;
	if (argc < 2 || argc > 3)
		return scmd_usage(ctx, cmd, "expects an ID and on, off or toggle");
	if ((rc = scmd_parse_id(ctx, cmd, argv[1], mask, &id)) != 0)
		return rc;
	if (id.kind == ID_CLIP)
		now = session_clip(s, id, NULL)->mute;
	else
		now = solo ? session_strip(s, id)->solo : session_strip(s, id)->mute;
	if ((rc = scmd_parse_switch(ctx, cmd, argc == 3 ? argv[2] : NULL, now,
	    &on)) != 0)
		return rc;
	rc = solo ? editor_set_solo(ctx->ed, id, on) :
	    editor_set_mute(ctx->ed, id, on);
	if (rc != 0)
		return scmd_edit_failed(ctx, cmd->name, rc, argv[1]);
	fprintf(ctx->out, "%s %s %s\n", scmd_format_id(id, b, sizeof b),
	    cmd->name, on ? "on" : "off");
	return CLI_OK;
}

static int run_mute(struct scmd_ctx *c, int n, char **v) { return run_switch(c, n, v, false); }
static int run_solo(struct scmd_ctx *c, int n, char **v) { return run_switch(c, n, v, true); }

const struct scmd scmd_mute = {
	.name = "mute",
	.args = "ID [on|off|toggle]",
	.summary = "mute a track, bus or clip (default: toggle)",
	.flags = SCMD_CHANGES,
	.run = run_mute,
};

const struct scmd scmd_solo = {
	.name = "solo",
	.args = "ID [on|off|toggle]",
	.summary = "solo a track or bus (default: toggle)",
	.flags = SCMD_CHANGES,
	.run = run_solo,
};

/* ---- pan ---------------------------------------------------------------- */

static int
run_pan(struct scmd_ctx *ctx, int argc, char **argv)
{
	const struct scmd *cmd = &scmd_pan;
	const char *by;
	struct id id;
	struct pan p;
	char b[3][32], ib[16];
	int rc, r;

	if ((r = scmd_take_option(ctx, cmd, &argc, argv, "--by", &by)) < 0)
		return CLI_USAGE;
	if ((rc = scmd_end_options(ctx, cmd, &argc, argv)) != 0)
		return rc;
	if (by != NULL ? argc != 2 : (argc < 3 || argc > 5))
		return scmd_usage(ctx, cmd, "expects an ID and a position");
	if ((rc = scmd_parse_id(ctx, cmd, argv[1], SCMD_STRIP, &id)) != 0)
		return rc;
	p = session_strip(scmd_session(ctx), id)->pan;
	if (by != NULL) {
		double dx;

		if ((rc = scmd_parse_number(ctx, cmd, by, "--by", -2, 2, &dx)) != 0)
			return rc;
		p.x = clamp(round(( p.x + dx) * 1e6) / 1e6, -1, 1);
		if (p.x == 0.0)
			p.x = 0.0;
	} else if ((rc = scmd_parse_number(ctx, cmd, argv[2], "x", -1, 1,
	    &p.x)) != 0 || (argc > 3 && (rc = scmd_parse_number(ctx, cmd,
	    argv[3], "y", -1, 1, &p.y)) != 0) || (argc > 4 &&
	    (rc = scmd_parse_number(ctx, cmd, argv[4], "divergence", 0, 1,
	    &p.divergence)) != 0)) {
		return rc;
	}
	if ((rc = editor_set_pan(ctx->ed, id, &p)) != 0)
		return scmd_edit_failed(ctx, cmd->name, rc, argv[1]);
	fprintf(ctx->out, "%s pan x %s y %s divergence %s\n",
	    scmd_format_id(id, ib, sizeof ib),
	    scmd_format_num(p.x, b[0], 32), scmd_format_num(p.y, b[1], 32),
	    scmd_format_num(p.divergence, b[2], 32));
	return CLI_OK;
}

const struct scmd scmd_pan = {
	.name = "pan",
	.args = "ID X [Y [DIV]] | ID --by DX",
	.summary = "pan a track or bus: X left/right and Y rear/front in -1..1, "
	    "DIV divergence in 0..1 (unset parts kept); --by moves X, clamped",
	.flags = SCMD_CHANGES,
	.run = run_pan,
};

/* ---- routing ------------------------------------------------------------ */

static int
run_send(struct scmd_ctx *ctx, int argc, char **argv)
{
	const struct scmd *cmd = &scmd_send;
	bool pre = scmd_take_flag(&argc, argv, "--pre");
	bool mute = scmd_take_flag(&argc, argv, "--mute");
	struct id from, bus;
	double db;
	char n[32], b1[16], b2[16];
	int rc;

	if ((rc = scmd_end_options(ctx, cmd, &argc, argv)) != 0)
		return rc;
	if (argc != 4)
		return scmd_usage(ctx, cmd, "expects FROM, BUS and a level");
	if ((rc = scmd_parse_id(ctx, cmd, argv[1], SCMD_STRIP, &from)) != 0 ||
	    (rc = scmd_parse_id(ctx, cmd, argv[2], SCMD_K(ID_BUS), &bus)) != 0 ||
	    (rc = scmd_parse_db(ctx, cmd, argv[3], true, &db)) != 0)
		return rc;
	if (from.kind == ID_BUS && from.num == bus.num)
		return scmd_error(ctx, CLI_FAILED, cmd->name, "a bus cannot send "
		    "to itself");
	if ((rc = editor_set_send(ctx->ed, from, bus, db, pre, mute)) != 0) {
		if (rc == ERR_SEMANTIC)
			return scmd_error(ctx, CLI_FAILED, cmd->name, "%s to %s "
			    "would make a routing loop", argv[1], argv[2]);
		return scmd_edit_failed(ctx, cmd->name, rc, argv[1]);
	}
	fprintf(ctx->out, "%s send to %s %s dB%s%s\n",
	    scmd_format_id(from, b1, sizeof b1), scmd_format_id(bus, b2, sizeof b2),
	    db <= SESSION_GAIN_MIN_DB ? "-inf" : scmd_format_num(db, n, sizeof n),
	    pre ? ", pre-fader" : "", mute ? ", muted" : "");
	return CLI_OK;
}

const struct scmd scmd_send = {
	.name = "send",
	.args = "FROM BUS DB [--pre] [--mute]",
	.summary = "add or update the send of a track/bus to an aux or stem bus "
	    "(post-fader unless --pre)",
	.flags = SCMD_CHANGES,
	.run = run_send,
};

static int
run_unsend(struct scmd_ctx *ctx, int argc, char **argv)
{
	const struct scmd *cmd = &scmd_unsend;
	struct id from, bus;
	char b1[16], b2[16];
	int rc;

	if ((rc = scmd_end_options(ctx, cmd, &argc, argv)) != 0)
		return rc;
	if (argc != 3)
		return scmd_usage(ctx, cmd, "expects FROM and BUS");
	if ((rc = scmd_parse_id(ctx, cmd, argv[1], SCMD_STRIP, &from)) != 0 ||
	    (rc = scmd_parse_id(ctx, cmd, argv[2], SCMD_K(ID_BUS), &bus)) != 0)
		return rc;
	if (strip_send(session_strip(scmd_session(ctx), from), bus) == NULL)
		return scmd_error(ctx, CLI_FAILED, cmd->name, "%s has no send to "
		    "%s", argv[1], argv[2]);
	if ((rc = editor_remove_send(ctx->ed, from, bus)) != 0)
		return scmd_edit_failed(ctx, cmd->name, rc, argv[1]);
	fprintf(ctx->out, "%s send to %s removed\n",
	    scmd_format_id(from, b1, sizeof b1), scmd_format_id(bus, b2, sizeof b2));
	return CLI_OK;
}

const struct scmd scmd_unsend = {
	.name = "unsend",
	.args = "FROM BUS",
	.summary = "remove the send of a track/bus to a bus",
	.flags = SCMD_CHANGES,
	.run = run_unsend,
};

static int
run_output(struct scmd_ctx *ctx, int argc, char **argv)
{
	const struct scmd *cmd = &scmd_output;
	struct id id, bus = { ID_BUS, 0 };
	char b[16], ib[16];
	int rc;

	if ((rc = scmd_end_options(ctx, cmd, &argc, argv)) != 0)
		return rc;
	if (argc != 3)
		return scmd_usage(ctx, cmd, "expects an ID and a bus or master");
	if ((rc = scmd_parse_id(ctx, cmd, argv[1], SCMD_STRIP, &id)) != 0)
		return rc;
	if (strcmp(argv[2], "master") != 0 &&
	    (rc = scmd_parse_id(ctx, cmd, argv[2], SCMD_K(ID_BUS), &bus)) != 0)
		return rc;
	if ((rc = editor_set_output(ctx->ed, id, bus)) != 0) {
		if (rc == ERR_SEMANTIC)
			return scmd_error(ctx, CLI_FAILED, cmd->name, "%s to %s "
			    "would make a routing loop", argv[1], argv[2]);
		return scmd_edit_failed(ctx, cmd->name, rc, argv[1]);
	}
	fprintf(ctx->out, "%s output %s\n", scmd_format_id(id, ib, sizeof ib),
	    scmd_format_id(bus, b, sizeof b));
	return CLI_OK;
}

const struct scmd scmd_output = {
	.name = "output",
	.args = "ID BUS|master",
	.summary = "route the output of a track or bus to a bus or the master",
	.flags = SCMD_CHANGES,
	.run = run_output,
};

/* ---- rename, remove ----------------------------------------------------- */

static int
run_rename(struct scmd_ctx *ctx, int argc, char **argv)
{
	const struct scmd *cmd = &scmd_rename;
	struct id id;
	char b[16];
	int rc;

	if ((rc = scmd_end_options(ctx, cmd, &argc, argv)) != 0)
		return rc;
	if (argc != 3)
		return scmd_usage(ctx, cmd, "expects an ID and one NAME (quote a "
		    "name with spaces)");
	if ((rc = scmd_parse_id(ctx, cmd, argv[1], SCMD_STRIP | SCMD_K(ID_CLIP) |
	    SCMD_K(ID_SOURCE) | SCMD_K(ID_MARKER) | SCMD_K(ID_PRINT), &id)) != 0)
		return rc;
	if (argv[2][0] == '\0')
		return scmd_usage(ctx, cmd, "the name is empty");
	if ((rc = editor_rename(ctx->ed, id, argv[2])) != 0)
		return scmd_edit_failed(ctx, cmd->name, rc, argv[1]);
	fprintf(ctx->out, "%s renamed \"%s\"\n", scmd_format_id(id, b, sizeof b),
	    argv[2]);
	return CLI_OK;
}

const struct scmd scmd_rename = {
	.name = "rename",
	.args = "ID NAME",
	.summary = "rename a track, bus, clip, source, marker or noise print",
	.flags = SCMD_CHANGES,
	.run = run_rename,
};

static int
run_remove(struct scmd_ctx *ctx, int argc, char **argv)
{
	const struct scmd *cmd = &scmd_remove;
	struct id id;
	char b[16];
	int rc;

	if ((rc = scmd_end_options(ctx, cmd, &argc, argv)) != 0)
		return rc;
	if (argc != 2)
		return scmd_usage(ctx, cmd, "expects one ID");
	if ((rc = scmd_parse_id(ctx, cmd, argv[1], SCMD_STRIP | SCMD_K(ID_CLIP) |
	    SCMD_K(ID_SOURCE) | SCMD_K(ID_MARKER) | SCMD_K(ID_PRINT), &id)) != 0)
		return rc;
	if ((rc = editor_remove(ctx->ed, id)) != 0) {
		if (rc == ERR_SEMANTIC)
			return scmd_error(ctx, CLI_FAILED, cmd->name, "%s is still "
			    "%s", argv[1], id.kind == ID_PRINT ?
			    "the profile of a denoise insert" : "played by a clip");
		return scmd_edit_failed(ctx, cmd->name, rc, argv[1]);
	}
	fprintf(ctx->out, "%s removed\n", scmd_format_id(id, b, sizeof b));
	return CLI_OK;
}

const struct scmd scmd_remove = {
	.name = "remove",
	.args = "ID",
	.summary = "remove a track (with its clips), bus (its inputs go to the "
	    "master), clip, marker, unused source or unused noise print",
	.flags = SCMD_CHANGES,
	.run = run_remove,
};
