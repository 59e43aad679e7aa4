/* dubstage import: an AAF into a session file. */
#include "cli/cli.h"
#include "base/error.h"
#include "interchange/aaf.h"
#include "interchange/import.h"
#include "session/session.h"
#include "session/session_xml.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_MEDIA_DIRS 32

static int
dump(const char *path, const struct aaf_options *ao, FILE *out, FILE *err)
{
	struct aaf_timeline *t;
	struct diag d;
	char msg[2200];
	int rc = aaf_read(path, ao, &t, &d);

	if (rc != 0) {
		diag_format(&d, msg, sizeof msg);
		fprintf(err, "dubstage import: %s\n", msg);
		return cli_exit_for_error(rc);
	}
	aaf_dump(t, out);
	aaf_timeline_free(t);
	return CLI_OK;
}

static int
run(int argc, char **argv, FILE *out, FILE *err)
{
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "media-dir", required_argument, NULL, 'm' },
		{ "keep-rendered-fades", no_argument, NULL, 'R' },
		{ "keep-sae-clips", no_argument, NULL, 'A' },
		{ "dump", no_argument, NULL, 'd' },
		{ "force", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 }
	};
	const char *dirs[MAX_MEDIA_DIRS];
	struct import_options io = { 0 };
	struct import_report rep;
	struct session *s = NULL;
	struct diag d;
	struct stat st;
	bool want_dump = false, force = false;
	char msg[2200];
	int opt, rc;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "o:m:RAdF", options, NULL)) != -1) {
		switch (opt) {
		case 'o': io.session_path = optarg; break;
		case 'm':
			if (io.nmedia_dirs == MAX_MEDIA_DIRS)
				return cli_usage_error(&cmd_import, err, "at most %d "
				    "--media-dir", MAX_MEDIA_DIRS);
			dirs[io.nmedia_dirs++] = optarg;
			break;
		case 'R': io.keep_rendered_fades = true; break;
		case 'A': io.keep_sae_clips = true; break;
		case 'd': want_dump = true; break;
		case 'F': force = true; break;
		default:
			return cli_usage_error(&cmd_import, err, "unknown option '%s'",
			    argv[optind - 1]);
		}
	}
	io.media_dirs = dirs;
	if (argc - optind != 1)
		return cli_usage_error(&cmd_import, err, "expects one FILE.aaf");
	if (want_dump) {
		struct aaf_options ao = { .media_dirs = dirs,
		    .nmedia_dirs = io.nmedia_dirs,
		    .keep_rendered_fades = io.keep_rendered_fades,
		    .keep_sae_clips = io.keep_sae_clips };

		return dump(argv[optind], &ao, out, err);
	}
	if (io.session_path == NULL)
		return cli_usage_error(&cmd_import, err, "needs -o SCENE.dubstage "
		    "(or --dump)");
	if (!force && stat(io.session_path, &st) == 0) {
		fprintf(err, "dubstage import: %s already exists (use --force to "
		    "replace it; the old file is kept as .bak)\n", io.session_path);
		return CLI_FAILED;
	}
	rc = import_aaf(argv[optind], &io, &s, &rep, &d);
	if (rc == 0) {
		rc = session_xml_save(s, io.session_path, &d);
	}
	if (rc != 0) {
		diag_format(&d, msg, sizeof msg);
		fprintf(err, "dubstage import: %s\n", msg);
		session_destroy(s);
		import_report_fini(&rep);
		return cli_exit_for_error(rc);
	}
	fprintf(out, "imported %s into %s: %zu tracks, %zu clips, %zu sources "
	    "(%zu embedded, extracted), %zu markers\n", argv[optind],
	    io.session_path, rep.tracks, rep.clips, rep.sources, rep.extracted,
	    rep.markers);
	if (rep.missing > 0)
		fprintf(out, "%zu sources are offline (media not found): add "
		    "--media-dir DIR to look elsewhere\n", rep.missing);
	for (size_t i = 0; i < rep.nlines; i++)
		fprintf(out, "  %s\n", rep.lines[i]);
	import_report_fini(&rep);
	session_destroy(s);
	return CLI_OK;
}

const struct cli_command cmd_import = {
	.name = "import",
	.args = "FILE.aaf -o SCENE.dubstage [options] | --dump FILE.aaf",
	.summary = "import an AAF (Media Composer, Premiere, Resolve, Pro Tools)",
	.help =
	    "  -o, --output FILE        the session to write\n"
	    "  -m, --media-dir DIR      also look for media here (by name,\n"
	    "                           recursively); may be repeated\n"
	    "  -R, --keep-rendered-fades  Pro Tools: keep rendered fade clips\n"
	    "                           instead of turning them into fades\n"
	    "  -A, --keep-sae-clips     Pro Tools: keep sample-accurate-edit clips\n"
	    "  -d, --dump               print what was read, for bug reports\n"
	    "  -F, --force              replace an existing session (kept as .bak)\n"
	    "\n"
	    "Positions are counted from timecode 00:00:00:00. Embedded media is\n"
	    "extracted into the session's media/ folder as WAV. Missing media\n"
	    "never stops an import: the clip stays, its source is offline, and\n"
	    "the summary lists it.\n",
	.run = run,
};
