/*
 * cli.c - the command table and the program-level options.
 */
#include "cli/cli.h"
#include "base/error.h"
#include "base/strutil.h"
#include "session/session.h"
#include "session/session_xml.h"

#include <stdarg.h>
#include <string.h>

static const struct cli_command *const commands[] = {
	&cmd_new,
	&cmd_info,
	&cmd_validate,
	&cmd_bounce,
	&cmd_measure,
	&cmd_qc,
	&cmd_import,
	&cmd_play,
	&cmd_edit,
	&cmd_clean,
};
#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

/* Commands the program adds on top of the table (the console, from ui/). */
static const struct cli_command *const *extra_commands;
static size_t extra_count;

static const struct cli_command *
find_command(const char *name)
{
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	for (size_t i = 0; i < extra_count; i++)
		if (strcmp(extra_commands[i]->name, name) == 0)
			return extra_commands[i];
	return NULL;
}

static void
print_program_help(FILE *out)
{
	fprintf(out,
	    "Usage: dubstage COMMAND [options] [arguments]\n"
	    "       dubstage --help | --version\n"
	    "\n"
	    "dubstage is a terminal audio post-production and mix console.\n"
	    "\n"
	    "Commands:\n");
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		fprintf(out, "  %-10s %s\n", commands[i]->name,
		    commands[i]->summary);
	for (size_t i = 0; i < extra_count; i++)
		fprintf(out, "  %-10s %s\n", extra_commands[i]->name,
		    extra_commands[i]->summary);
	fprintf(out,
	    "\n"
	    "'dubstage COMMAND --help' describes a command. Exit codes: 0 ok,\n"
	    "1 failed, 2 usage error, 3 bad input. See dubstage(1).\n");
}

void
cli_print_command_help(const struct cli_command *cmd, FILE *out)
{
	fprintf(out, "Usage: dubstage %s %s\n\n%s\n\n%s", cmd->name, cmd->args,
	    cmd->summary, cmd->help);
	if (cmd->print_more_help != NULL)
		cmd->print_more_help(out);
}

int
cli_usage_error(const struct cli_command *cmd, FILE *err, const char *fmt, ...)
{
	va_list ap;

	fprintf(err, "dubstage %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fprintf(err, "\nTry 'dubstage %s --help'.\n", cmd->name);
	return CLI_USAGE;
}

int
cli_exit_for_error(int err)
{
	switch (err) {
	case ERR_PARSE: case ERR_VERSION: case ERR_SCHEMA: case ERR_UNSAFE:
	case ERR_SEMANTIC:
		return CLI_BAD_INPUT;
	default:
		return CLI_FAILED;
	}
}

int
cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
	}
	return 0;
}

void
cli_add_commands(const struct cli_command *const *cmds, size_t count)
{
	extra_commands = cmds;
	extra_count = count;
}

const struct cli_command *
cli_find_command(const char *name)
{
	return find_command(name);
}

int
cli_main(int argc, char **argv, FILE *out, FILE *err)
{
	const char *name;

	if (argc < 2) {
		print_program_help(err);
		return CLI_USAGE;
	}
	name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
	    strcmp(name, "help") == 0) {
		if (argc > 2) {
			const struct cli_command *c = find_command(argv[2]);

			if (c != NULL) {
				cli_print_command_help(c, out);
				return CLI_OK;
			}
			fprintf(err, "dubstage: no command '%s'\n", argv[2]);
			return CLI_USAGE;
		}
		print_program_help(out);
		return CLI_OK;
	}
	if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
		fprintf(out, "dubstage %s\n", DUBSTAGE_VERSION);
		return CLI_OK;
	}
	const struct cli_command *cmd = find_command(name);

	if (cmd != NULL) {
		if (cli_wants_help(argc - 1, argv + 1)) {
			cli_print_command_help(cmd, out);
			return CLI_OK;
		}
		return cmd->run(argc - 1, argv + 1, out, err);
	}
	fprintf(err, "dubstage: unknown command '%s'\nTry 'dubstage --help'.\n",
	    name);
	return CLI_USAGE;
}

int
cli_load_session(const char *name, const char *path, struct session **out,
    FILE *err)
{
	struct diag d;
	char msg[2200];
	int rc = session_xml_load(path, out, &d);

	if (rc == 0)
		return CLI_OK;
	diag_format(&d, msg, sizeof msg);
	fprintf(err, "dubstage %s: %s\n", name, msg);
	return cli_exit_for_error(rc);
}

int
cli_parse_position(const struct session *s, const char *text,
    int64_t *frames)
{
	if (strchr(text, ':') != NULL || strchr(text, ';') != NULL)
		return timecode_parse(&s->timecode.rate, s->sample_rate_hz, text,
		    frames);
	return str_to_i64(text, frames) == 0 ? 0 : ERR_PARSE;
}

int
cli_parse_range(const struct session *s, const char *text, int64_t *a,
    int64_t *b)
{
	char first[64];
	const char *dash = strchr(text, '-');
	size_t n;

	if (dash == NULL || (n = (size_t)(dash - text)) >= sizeof first)
		return ERR_PARSE;
	memcpy(first, text, n);
	first[n] = '\0';
	if (cli_parse_position(s, first, a) != 0 ||
	    cli_parse_position(s, dash + 1, b) != 0)
		return ERR_PARSE;
	return *b > *a ? 0 : ERR_INVALID;
}
