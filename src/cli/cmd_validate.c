/* dubstage validate: schema, consistency and media checks of a session. */
#include "cli/cli.h"
#include "base/error.h"
#include "interchange/media.h"
#include "session/check.h"
#include "session/session.h"
#include "session/session_xml.h"

#include <getopt.h>

static int
run(int argc, char **argv, FILE *out, FILE *err)
{
	static const struct option options[] = {
		{ "allow-missing", no_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 }
	};
	struct check_list problems = { 0 };
	struct session *s;
	struct diag d;
	bool allow_missing = false, quiet = false;
	size_t errors = 0, warnings = 0;
	const char *path;
	char msg[2200], b[16];
	int opt, rc;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "mq", options, NULL)) != -1) {
		switch (opt) {
		case 'm': allow_missing = true; break;
		case 'q': quiet = true; break;
		default:
			return cli_usage_error(&cmd_validate, err,
			    "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(&cmd_validate, err, "expects one SESSION file");
	path = argv[optind];

	rc = session_xml_validate_schema(path, &d);
	if (rc != 0) {
		diag_format(&d, msg, sizeof msg);
		fprintf(err, "dubstage validate: %s\n", msg);
		return cli_exit_for_error(rc);
	}
	rc = cli_load_session("validate", path, &s, err);
	if (rc != CLI_OK)
		return rc;
	if (media_refresh(s, &problems) != 0 || session_check(s, &problems) != 0) {
		fprintf(err, "dubstage validate: out of memory\n");
		check_list_fini(&problems);
		session_destroy(s);
		return CLI_FAILED;
	}
	for (size_t i = 0; i < problems.count; i++) {
		struct check_item *it = &problems.items[i];
		const struct source *src = session_source(s, it->id);

		if (allow_missing && src != NULL && !src->online)
			it->level = CHECK_WARNING;
		if (it->level == CHECK_ERROR)
			errors++;
		else
			warnings++;
		fprintf(it->level == CHECK_ERROR ? err : out, "%s: %s %s: %s\n",
		    path, it->level == CHECK_ERROR ? "error" : "warning",
		    id_format(it->id, b, sizeof b), it->message);
	}
	if (!quiet || errors > 0)
		fprintf(errors > 0 ? err : out, "%s: %s (%zu errors, %zu warnings)\n",
		    path, errors > 0 ? "INVALID" : "valid", errors, warnings);
	check_list_fini(&problems);
	session_destroy(s);
	return errors > 0 ? CLI_BAD_INPUT : CLI_OK;
}

const struct cli_command cmd_validate = {
	.name = "validate",
	.args = "[--allow-missing] [--quiet] SESSION",
	.summary = "check a session file: schema, consistency, media",
	.help =
	    "  -m, --allow-missing  report missing media as a warning, not an error\n"
	    "  -q, --quiet          print nothing when the session is valid\n"
	    "\n"
	    "Checks, in order: the file against the RELAX NG schema; ids,\n"
	    "references and routing (a loop of buses is an error); every media\n"
	    "file (present, readable, same channels, rate and length as recorded);\n"
	    "clips that play past the end of their source. Exit 0 when valid,\n"
	    "3 when the file or its media has errors.\n",
	.run = run,
};
