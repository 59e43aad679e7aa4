/*
 * dispatch.c - runs a console command line: the one path keys and the ':'
 * prompt share.
 *
 * Order of lookup: the console's own commands (transport, views,
 * selection; console_cmds.c), then the session commands every shell user
 * has (src/cli/scmd.h: gain, mute, nudge, undo, save ...), then the CLI's
 * file commands (bounce, info, validate, measure, qc), which are given the
 * session as it is on screen, unsaved edits included.
 *
 * Placeholders from key bindings ({strip}, {clip}, {track}, {playhead},
 * {clip-start}, {fade-in}, {fade-out}) are filled in first; a placeholder
 * with nothing to stand for (no clip selected) fails the command with a
 * message instead of running it on the wrong object.
 */
#include "ui/dispatch.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/atomic_file.h"
#include "base/error.h"
#include "cli/cli.h"
#include "cli/scmd.h"
#include "session/edit.h"
#include "session/session_xml.h"
#include "ui/console.h"
#include "ui/session_guard.h"

/* Appends text to the expansion buffer; false when it does not fit. */
static bool
put(char *buf, size_t size, size_t *len, const char *text)
{
	size_t n = strlen(text);

	if (*len + n >= size)
		return false;
	memcpy(buf + *len, text, n + 1);
	*len += n;
	return true;
}

/* The value of one placeholder, or NULL with why set. */
static const char *
placeholder(struct console *c, const char *name, char *val, size_t size,
    const char **why)
{
	const struct session *s = editor_session(c->ed);
	struct track *t = NULL;
	struct clip *cl = c->clip_sel.num != 0 ?
	    session_clip(s, c->clip_sel, &t) : NULL;

	if (strcmp(name, "strip") == 0) {
		return id_format(console_strip_id(c, c->strip_sel), val, size);
	} else if (strcmp(name, "playhead") == 0) {
		snprintf(val, size, "%lld", (long long)c->playhead);
		return val;
	}
	if (cl == NULL) {
		*why = "no clip selected (select one in the timeline)";
		return NULL;
	}
	if (strcmp(name, "clip") == 0)
		return id_format(cl->id, val, size);
	if (strcmp(name, "track") == 0)
		return id_format(t->id, val, size);
	if (strcmp(name, "clip-start") == 0) {
		snprintf(val, size, "%lld", (long long)cl->position_frames);
		return val;
	}
	if (strcmp(name, "fade-in") == 0 || strcmp(name, "fade-out") == 0) {
		int64_t end = cl->position_frames + cl->length_frames;
		int64_t len = name[5] == 'i' ? c->playhead - cl->position_frames :
		    end - c->playhead;

		if (c->playhead <= cl->position_frames || c->playhead >= end) {
			*why = "put the playhead inside the clip for a fade";
			return NULL;
		}
		snprintf(val, size, "%lld", (long long)len);
		return val;
	}
	*why = "unknown placeholder";
	return NULL;
}

int
dispatch_expand(struct console *c, const char *line, char *out, size_t size,
    const char **why)
{
	size_t len = 0;

	out[0] = '\0';
	for (const char *p = line; *p != '\0';) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		char name[32], val[64], one[2] = { *p, 0 };

		if (close == NULL || (size_t)(close - p - 1) >= sizeof name) {
			if (!put(out, size, &len, one))
				goto too_long;
			p++;
			continue;
		}
		memcpy(name, p + 1, (size_t)(close - p - 1));
		name[close - p - 1] = '\0';
		if (placeholder(c, name, val, sizeof val, why) == NULL)
			return ERR_INVALID;
		if (!put(out, size, &len, val))
			goto too_long;
		p = close + 1;
	}
	return 0;
too_long:
	*why = "command line too long";
	return ERR_INVALID;
}

/* The last non-empty line of text, trimmed, into msg. */
static void
last_line(const char *text, char *msg, size_t size)
{
	const char *end = text + strlen(text), *start;

	while (end > text && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	start = end;
	while (start > text && start[-1] != '\n')
		start--;
	snprintf(msg, size, "%.*s", (int)(end - start), start);
}

/* Reports a command's captured output on the message line. */
static void
report(struct console *c, int rc, char *out_text, char *err_text)
{
	char msg[256];

	last_line(rc != 0 && err_text[0] != '\0' ? err_text : out_text, msg,
	    sizeof msg);
	if (msg[0] == '\0' && rc != 0)
		snprintf(msg, sizeof msg, "failed (exit %d)", rc);
	console_message(c, rc != 0, "%s", msg);
}

/* A session command on the open editor; journals what changed it. */
static int
run_session_command(struct console *c, const char *line)
{
	char *out_text = NULL, *err_text = NULL;
	size_t out_len = 0, err_len = 0;
	FILE *out = open_memstream(&out_text, &out_len);
	FILE *err = open_memstream(&err_text, &err_len);
	uint64_t gen = editor_generation(c->ed);
	const struct scmd *cmd = NULL;
	struct scmd_ctx ctx;
	int rc;

	if (out == NULL || err == NULL) {
		if (out != NULL)
			fclose(out);
		if (err != NULL)
			fclose(err);
		console_message(c, true, "out of memory");
		return CLI_FAILED;
	}
	ctx.ed = c->ed;
	ctx.session_path = c->session_path;
	ctx.out = out;
	ctx.err = err;
	rc = scmd_run_line(&ctx, line, &cmd);
	fclose(out);
	fclose(err);
	report(c, rc, out_text, err_text);
	free(out_text);
	free(err_text);
	if (rc == 0 && editor_generation(c->ed) != gen)
		console_changed(c, cmd, line);
	if (rc == 0 && cmd != NULL && (cmd->flags & SCMD_SAVES))
		session_guard_saved(c);
	c->dirty = true;
	return rc;
}

/* CLI commands that read the session file: given the on-screen session. */
static bool
takes_session(const char *name)
{
	return strcmp(name, "bounce") == 0 || strcmp(name, "info") == 0 ||
	    strcmp(name, "validate") == 0;
}

/* CLI commands that make no sense inside a console. */
static bool
refused_here(const char *name)
{
	return strcmp(name, "console") == 0 || strcmp(name, "play") == 0 ||
	    strcmp(name, "edit") == 0;
}

/*
 * Runs a CLI command. For commands that read a session, the session as it
 * is on screen is written next to the session file (so relative media
 * paths resolve the same) under a hidden temporary name, passed as the
 * first operand and removed afterwards.
 */
static int
run_cli_command(struct console *c, const struct cli_command *cmd, int argc,
    char **argv)
{
	char *out_text = NULL, *err_text = NULL, *xml = NULL;
	size_t out_len = 0, err_len = 0, xml_len = 0;
	char tmp[4096] = "";
	char **args = calloc((size_t)argc + 2, sizeof *args);
	int nargs = 0, rc;
	FILE *out, *err;
	struct diag d;

	if (args == NULL)
		return CLI_FAILED;
	args[nargs++] = argv[0];
	if (takes_session(cmd->name)) {
		const char *slash = strrchr(c->session_path, '/');
		int dir_len = slash != NULL ? (int)(slash - c->session_path + 1) : 0;

		snprintf(tmp, sizeof tmp, "%.*s.%s.console-%ld.dubstage", dir_len,
		    c->session_path, slash != NULL ? slash + 1 : c->session_path,
		    (long)getpid());
		if (session_xml_write_memory(editor_session(c->ed), &xml,
		    &xml_len, &d) != 0 ||
		    atomic_file_write(tmp, xml, xml_len, false, &d) != 0) {
			char m[200];

			diag_format(&d, m, sizeof m);
			console_message(c, true, "%s: %s", cmd->name, m);
			free(xml);
			free(args);
			return CLI_FAILED;
		}
		free(xml);
		args[nargs++] = tmp;
	}
	for (int i = 1; i < argc; i++)
		args[nargs++] = argv[i];
	console_message(c, false, "%s: running...", cmd->name);
	console_draw_now(c);
	out = open_memstream(&out_text, &out_len);
	err = open_memstream(&err_text, &err_len);
	if (out == NULL || err == NULL) {
		rc = CLI_FAILED;
		if (out != NULL)
			fclose(out);
		if (err != NULL)
			fclose(err);
		console_message(c, true, "out of memory");
	} else {
		rc = cmd->run(nargs, args, out, err);
		fclose(out);
		fclose(err);
		report(c, rc, out_text, err_text);
	}
	if (tmp[0] != '\0')
		unlink(tmp);
	free(out_text);
	free(err_text);
	free(args);
	c->dirty = true;
	return rc;
}

int
console_run(struct console *c, const char *line)
{
	char expanded[1024];
	const char *why = NULL;
	const struct console_cmd *cc;
	const struct cli_command *cli;
	char **argv = NULL;
	FILE *null_err;
	int argc, rc;

	c->dirty = true;
	if (dispatch_expand(c, line, expanded, sizeof expanded, &why) != 0) {
		console_message(c, true, "%s", why);
		return CLI_USAGE;
	}
	null_err = fopen("/dev/null", "w");
	argc = scmd_split(expanded, &argv, null_err);
	if (null_err != NULL)
		fclose(null_err);
	if (argc < 0) {
		console_message(c, true, "unbalanced quotes");
		return CLI_USAGE;
	}
	if (argc == 0) {
		scmd_free_words(argv);
		return CLI_OK;
	}
	if ((cc = console_cmd_find(argv[0])) != NULL) {
		rc = cc->run(c, argc, argv);
	} else if (scmd_find(argv[0]) != NULL) {
		rc = run_session_command(c, expanded);
	} else if ((cli = cli_find_command(argv[0])) != NULL &&
	    !refused_here(argv[0])) {
		rc = run_cli_command(c, cli, argc, argv);
	} else {
		console_message(c, true, "%s: %s", argv[0],
		    cli != NULL ? "not available inside the console" :
		    "unknown command (? lists the keys, :help the commands)");
		rc = CLI_USAGE;
	}
	scmd_free_words(argv);
	return rc;
}
