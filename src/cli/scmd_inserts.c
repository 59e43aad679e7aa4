/*
 * scmd_inserts.c - insert chain session commands: insert, insert-param,
 * bypass, uninsert. Inserts are numbered from 1 in commands and reports
 * (as in undo labels); kinds and parameters are checked against what the
 * engine can run (engine/inserts.h), so a session never holds an insert the
 * engine would refuse at play time.
 */
#include "cli/scmd_internal.h"
#include "base/strutil.h"
#include "engine/inserts.h"

#include <stdlib.h>
#include <string.h>

static int
run_insert(struct scmd_ctx *ctx, int argc, char **argv)
{
	const struct scmd *cmd = &scmd_insert;
	struct id id;
	size_t index;
	bool known = false;
	char b[16];
	int rc;

	if ((rc = scmd_end_options(ctx, cmd, &argc, argv)) != 0)
		return rc;
	if (argc != 3)
		return scmd_usage(ctx, cmd, "expects an ID and a KIND");
	if ((rc = scmd_parse_id(ctx, cmd, argv[1], SCMD_STRIP, &id)) != 0)
		return rc;
	for (size_t i = 0; inserts_kind_name(i) != NULL; i++)
		known |= strcmp(inserts_kind_name(i), argv[2]) == 0;
	if (!known) {
		fprintf(ctx->err, "%s: no insert kind '%s'; kinds:", cmd->name,
		    argv[2]);
		for (size_t i = 0; inserts_kind_name(i) != NULL; i++)
			fprintf(ctx->err, " %s", inserts_kind_name(i));
		fputc('\n', ctx->err);
		return CLI_USAGE;
	}
	if (id.kind == ID_BUS && insert_kind_latency(argv[2], 48000) > 0)
		return scmd_error(ctx, CLI_FAILED, cmd->name, "%s adds latency, "
		    "which only tracks compensate: put it on the tracks that feed "
		    "%s", argv[2], argv[1]);
	if ((rc = editor_add_insert(ctx->ed, id, argv[2], &index)) != 0)
		return scmd_edit_failed(ctx, cmd->name, rc, argv[1]);
	fprintf(ctx->out, "%s insert %zu %s\n", scmd_format_id(id, b, sizeof b),
	    index + 1, argv[2]);
	return CLI_OK;
}

const struct scmd scmd_insert = {
	.name = "insert",
	.args = "ID KIND",
	.summary = "append an insert (eq, dynamics, denoise, dehum, deess, "
	    "leveller, declick, deplosive) to a track or bus chain",
	.flags = SCMD_CHANGES,
	.run = run_insert,
};

/* Would the engine accept insert `ins` of strip st_id with param set to
 * value (a denoiser's profile included)? Checks a copy through the
 * engine's own compiler; d says why not. */
static int
param_ok(const struct session *s, const struct strip *st, struct id st_id,
    const struct insert *ins, const char *param, double value, struct diag *d)
{
	struct insert trial = *ins;
	struct insert_param *p = malloc((ins->param_count + 1) * sizeof *p);
	struct pl_insert *chain = NULL;
	size_t n = 0, count = 0;
	int rc;

	if (p == NULL)
		return ERR_NOMEM;
	for (size_t i = 0; i < ins->param_count; i++)
		if (strcmp(ins->params[i].name, param) != 0)
			p[n++] = ins->params[i];
	p[n++] = (struct insert_param){ (char *)param, value };
	trial.params = p;
	trial.param_count = n;
	trial.bypass = false;
	rc = inserts_compile(&trial, 1, chan_format_channels(st->format),
	    s->sample_rate_hz, &chain, &count, d);
	if (rc == 0)
		rc = inserts_bind_profiles(chain, count, s, st_id, d);
	inserts_free(chain, count);
	free(p);
	return rc;
}

static int
run_insert_param(struct scmd_ctx *ctx, int argc, char **argv)
{
	const struct scmd *cmd = &scmd_insert_param;
	struct session *s = scmd_session(ctx);
	const struct strip *st;
	struct id id;
	struct diag d;
	size_t index;
	double value;
	char b[16], n[32];
	int rc;

	if ((rc = scmd_end_options(ctx, cmd, &argc, argv)) != 0)
		return rc;
	if (argc != 5)
		return scmd_usage(ctx, cmd, "expects ID INDEX PARAM VALUE");
	if ((rc = scmd_parse_id(ctx, cmd, argv[1], SCMD_STRIP, &id)) != 0 ||
	    (rc = scmd_parse_insert_index(ctx, cmd, id, argv[2], &index)) != 0)
		return rc;
	if (str_to_double(argv[4], &value) != 0)
		return scmd_usage(ctx, cmd, "'%s' is not a number", argv[4]);
	st = session_strip(s, id);
	diag_clear(&d);
	if ((rc = param_ok(s, st, id, &st->inserts[index], argv[3], value, &d)) != 0)
		return scmd_error(ctx, rc == ERR_NOMEM ? CLI_FAILED : CLI_USAGE,
		    cmd->name, "%s", d.message[0] ? d.message : err_string(rc));
	if ((rc = editor_set_insert_param(ctx->ed, id, index, argv[3],
	    value)) != 0)
		return scmd_edit_failed(ctx, cmd->name, rc, argv[1]);
	fprintf(ctx->out, "%s insert %zu %s %s\n", scmd_format_id(id, b,
	    sizeof b), index + 1, argv[3], scmd_format_num(value, n, sizeof n));
	return CLI_OK;
}

const struct scmd scmd_insert_param = {
	.name = "insert-param",
	.args = "ID INDEX PARAM VALUE",
	.summary = "set a parameter of insert INDEX (1 = first) in its own unit, "
	    "e.g. insert-param T1 1 band1-gain-db -3",
	.flags = SCMD_CHANGES,
	.run = run_insert_param,
};

static int
run_bypass(struct scmd_ctx *ctx, int argc, char **argv)
{
	const struct scmd *cmd = &scmd_bypass;
	struct id id;
	size_t index;
	bool on;
	char b[16];
	int rc;

	if ((rc = scmd_end_options(ctx, cmd, &argc, argv)) != 0)
		return rc;
	if (argc < 3 || argc > 4)
		return scmd_usage(ctx, cmd, "expects ID INDEX [on|off|toggle]");
	if ((rc = scmd_parse_id(ctx, cmd, argv[1], SCMD_STRIP, &id)) != 0 ||
	    (rc = scmd_parse_insert_index(ctx, cmd, id, argv[2], &index)) != 0 ||
	    (rc = scmd_parse_switch(ctx, cmd, argc == 4 ? argv[3] : NULL,
	    session_strip(scmd_session(ctx), id)->inserts[index].bypass,
	    &on)) != 0)
		return rc;
	if ((rc = editor_set_insert_bypass(ctx->ed, id, index, on)) != 0)
		return scmd_edit_failed(ctx, cmd->name, rc, argv[1]);
	fprintf(ctx->out, "%s insert %zu bypass %s\n", scmd_format_id(id, b,
	    sizeof b), index + 1, on ? "on" : "off");
	return CLI_OK;
}

const struct scmd scmd_bypass = {
	.name = "bypass",
	.args = "ID INDEX [on|off|toggle]",
	.summary = "bypass insert INDEX of a track or bus (default: toggle)",
	.flags = SCMD_CHANGES,
	.run = run_bypass,
};

static int
run_uninsert(struct scmd_ctx *ctx, int argc, char **argv)
{
	const struct scmd *cmd = &scmd_uninsert;
	struct id id;
	size_t index;
	char b[16];
	int rc;

	if ((rc = scmd_end_options(ctx, cmd, &argc, argv)) != 0)
		return rc;
	if (argc != 3)
		return scmd_usage(ctx, cmd, "expects ID INDEX");
	if ((rc = scmd_parse_id(ctx, cmd, argv[1], SCMD_STRIP, &id)) != 0 ||
	    (rc = scmd_parse_insert_index(ctx, cmd, id, argv[2], &index)) != 0)
		return rc;
	if ((rc = editor_remove_insert(ctx->ed, id, index)) != 0)
		return scmd_edit_failed(ctx, cmd->name, rc, argv[1]);
	fprintf(ctx->out, "%s insert %zu removed\n", scmd_format_id(id, b,
	    sizeof b), index + 1);
	return CLI_OK;
}

const struct scmd scmd_uninsert = {
	.name = "uninsert",
	.args = "ID INDEX",
	.summary = "remove insert INDEX (and its automation) from a track or bus",
	.flags = SCMD_CHANGES,
	.run = run_uninsert,
};
