/* scmd_util.c - argument parsing, reporting and saving shared by the
 * session commands (scmd_internal.h). */
#include "cli/scmd_internal.h"
#include "base/atomic_file.h"
#include "base/strutil.h"
#include "session/session_xml.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int
scmd_error(struct scmd_ctx *ctx, int code, const char *name,
    const char *fmt, ...)
{
	va_list ap;

	fprintf(ctx->err, "%s: ", name);
	va_start(ap, fmt);
	vfprintf(ctx->err, fmt, ap);
	va_end(ap);
	fputc('\n', ctx->err);
	return code;
}

int
scmd_usage(struct scmd_ctx *ctx, const struct scmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(ctx->err, "%s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(ctx->err, fmt, ap);
	va_end(ap);
	fprintf(ctx->err, " (usage: %s %s)\n", cmd->name, cmd->args);
	return CLI_USAGE;
}

int
scmd_edit_failed(struct scmd_ctx *ctx, const char *name, int rc,
    const char *what)
{
	switch (rc) {
	case ERR_NOTFOUND:
		return scmd_error(ctx, CLI_FAILED, name, "%s: no such object",
		    what);
	case ERR_SEMANTIC:
		return scmd_error(ctx, CLI_FAILED, name, "%s: refused (it would "
		    "make the session inconsistent, e.g. a routing loop or a "
		    "source still in use)", what);
	case ERR_INVALID:
		return scmd_error(ctx, CLI_USAGE, name, "%s: value out of range",
		    what);
	default:
		return scmd_error(ctx, CLI_FAILED, name, "%s: %s", what,
		    err_string(rc));
	}
}

/* ---- options ------------------------------------------------------------ */

static void
drop_args(int *argc, char **argv, int at, int n)
{
	memmove(argv + at, argv + at + n,
	    (size_t)(*argc - at - n + 1) * sizeof *argv);  /* with the NULL */
	*argc -= n;
}

bool
scmd_take_flag(int *argc, char **argv, const char *flag)
{
	bool found = false;

	for (int i = 1; i < *argc && strcmp(argv[i], "--") != 0; ) {
		if (strcmp(argv[i], flag) == 0) {
			drop_args(argc, argv, i, 1);
			found = true;
		} else {
			i++;
		}
	}
	return found;
}

int
scmd_take_option(struct scmd_ctx *ctx, const struct scmd *cmd, int *argc,
    char **argv, const char *opt, const char **value)
{
	size_t len = strlen(opt);
	int found = 0;

	*value = NULL;
	for (int i = 1; i < *argc && strcmp(argv[i], "--") != 0; ) {
		if (strncmp(argv[i], opt, len) != 0 ||
		    (argv[i][len] != '\0' && argv[i][len] != '=')) {
			i++;
			continue;
		}
		if (found) {
			scmd_usage(ctx, cmd, "%s given twice", opt);
			return -1;
		}
		found = 1;
		if (argv[i][len] == '=') {
			*value = argv[i] + len + 1;
			drop_args(argc, argv, i, 1);
		} else if (i + 1 < *argc) {
			*value = argv[i + 1];
			drop_args(argc, argv, i, 2);
		} else {
			scmd_usage(ctx, cmd, "%s needs a value", opt);
			return -1;
		}
	}
	return found;
}

int
scmd_end_options(struct scmd_ctx *ctx, const struct scmd *cmd, int *argc,
    char **argv)
{
	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			drop_args(argc, argv, i, 1);
			return 0;
		}
		if (strncmp(argv[i], "--", 2) == 0)
			return scmd_usage(ctx, cmd, "unknown option '%s'", argv[i]);
	}
	return 0;
}

/* ---- arguments ---------------------------------------------------------- */

struct session *
scmd_session(const struct scmd_ctx *ctx)
{
	return editor_session(ctx->ed);
}

static bool
id_exists(const struct session *s, struct id id)
{
	switch (id.kind) {
	case ID_TRACK: return session_track(s, id) != NULL;
	case ID_BUS: return session_bus(s, id) != NULL;
	case ID_CLIP: return session_clip(s, id, NULL) != NULL;
	case ID_SOURCE: return session_source(s, id) != NULL;
	case ID_MARKER: return session_marker(s, id) != NULL;
	case ID_PRINT: return session_noise_print(s, id) != NULL;
	default: return false;
	}
}

static const char *
kinds_text(unsigned mask, char *buf, size_t size)
{
	static const char *const names[ID_KIND_COUNT] = {
		[ID_TRACK] = "a track (T1)", [ID_CLIP] = "a clip (C1)",
		[ID_BUS] = "a bus (B1)", [ID_SOURCE] = "a source (S1)",
		[ID_MARKER] = "a marker (M1)", [ID_PRINT] = "a noise profile (N1)",
	};
	size_t used = 0;
	int n = 0, total = 0;

	for (int k = 0; k < ID_KIND_COUNT; k++)
		total += (mask & SCMD_K(k)) != 0;
	buf[0] = '\0';
	for (int k = 0; k < ID_KIND_COUNT && used < size; k++) {
		if (!(mask & SCMD_K(k)))
			continue;
		n++;
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
		    n == 1 ? "" : n == total ? " or " : ", ", names[k]);
	}
	return buf;
}

int
scmd_parse_id(struct scmd_ctx *ctx, const struct scmd *cmd, const char *text,
    unsigned mask, struct id *out)
{
	char kinds[128];
	struct id id;

	if (id_parse(text, &id) != 0 || id.num == 0)
		return scmd_usage(ctx, cmd, "'%s' is not an id; expected %s",
		    text, kinds_text(mask, kinds, sizeof kinds));
	if (!(mask & SCMD_K(id.kind)))
		return scmd_usage(ctx, cmd, "%s: expected %s", text,
		    kinds_text(mask, kinds, sizeof kinds));
	if (!id_exists(scmd_session(ctx), id))
		return scmd_error(ctx, CLI_FAILED, cmd->name,
		    "no %s in this session", text);
	*out = id;
	return 0;
}

int
scmd_parse_db(struct scmd_ctx *ctx, const struct scmd *cmd, const char *text,
    bool allow_inf, double *out)
{
	double v;

	if (allow_inf && strcmp(text, "-inf") == 0) {
		*out = SESSION_GAIN_MIN_DB;
		return 0;
	}
	if (str_to_double(text, &v) != 0)
		return scmd_usage(ctx, cmd, "'%s' is not a level in dB", text);
	if (v < SESSION_GAIN_MIN_DB || v > SESSION_GAIN_MAX_DB)
		return scmd_usage(ctx, cmd, "%s dB is outside %g..%g dB", text,
		    SESSION_GAIN_MIN_DB, SESSION_GAIN_MAX_DB);
	*out = v == 0.0 ? 0.0 : v;   /* no -0 */
	return 0;
}

int
scmd_parse_number(struct scmd_ctx *ctx, const struct scmd *cmd,
    const char *text, const char *what, double lo, double hi, double *out)
{
	double v;

	if (str_to_double(text, &v) != 0)
		return scmd_usage(ctx, cmd, "%s: '%s' is not a number", what, text);
	if (v < lo || v > hi)
		return scmd_usage(ctx, cmd, "%s %s is outside %g..%g", what, text,
		    lo, hi);
	*out = v == 0.0 ? 0.0 : v;
	return 0;
}

int
scmd_parse_switch(struct scmd_ctx *ctx, const struct scmd *cmd,
    const char *text, bool current, bool *out)
{
	if (text == NULL || strcmp(text, "toggle") == 0)
		*out = !current;
	else if (strcmp(text, "on") == 0)
		*out = true;
	else if (strcmp(text, "off") == 0)
		*out = false;
	else
		return scmd_usage(ctx, cmd, "'%s': say on, off or toggle", text);
	return 0;
}

int
scmd_parse_position(struct scmd_ctx *ctx, const struct scmd *cmd,
    const char *text, int64_t *frames)
{
	int64_t v;

	if (cli_parse_position(scmd_session(ctx), text, &v) != 0 || v < 0)
		return scmd_usage(ctx, cmd, "'%s' is not a position (timecode "
		    "HH:MM:SS:FF at the session rate, or a frame count >= 0)",
		    text);
	*frames = v;
	return 0;
}

int
scmd_parse_insert_index(struct scmd_ctx *ctx, const struct scmd *cmd,
    struct id strip, const char *text, size_t *index)
{
	const struct strip *st = session_strip(scmd_session(ctx), strip);
	char b[16];
	int n;

	if (str_to_int(text, 1, 1000000, &n) != 0)
		return scmd_usage(ctx, cmd, "'%s' is not an insert number (1 is "
		    "the first)", text);
	if (st == NULL || (size_t)n > st->insert_count)
		return scmd_error(ctx, CLI_FAILED, cmd->name, "%s has no insert %d"
		    " (it has %zu)", scmd_format_id(strip, b, sizeof b), n,
		    st != NULL ? st->insert_count : 0);
	*index = (size_t)n - 1;
	return 0;
}

/* ---- reports ------------------------------------------------------------ */

const char *
scmd_format_tc(const struct scmd_ctx *ctx, int64_t frames, char *buf,
    size_t size)
{
	const struct session *s = scmd_session(ctx);

	timecode_format(&s->timecode.rate, s->sample_rate_hz, frames, buf, size);
	return buf;
}

const char *
scmd_format_num(double v, char *buf, size_t size)
{
	str_from_double(v, buf, size);
	return buf;
}

const char *
scmd_format_id(struct id id, char *buf, size_t size)
{
	return id_format(id, buf, size);
}

/* ---- saving ------------------------------------------------------------- */

int
scmd_save_session(const struct session *s, const char *path, struct diag *d)
{
	char *xml = NULL;
	size_t size = 0;
	int rc = session_xml_write_memory(s, &xml, &size, d);

	if (rc == 0)
		rc = atomic_file_write(path, xml, size, true, d);
	free(xml);
	return rc;
}
