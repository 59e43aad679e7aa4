/* dubstage new: create an empty session file. */
#include "cli/cli.h"
#include "base/error.h"
#include "base/path.h"
#include "base/strutil.h"
#include "session/session.h"
#include "session/session_xml.h"

#include <getopt.h>
#include <string.h>
#include <sys/stat.h>

static int
run(int argc, char **argv, FILE *out, FILE *err)
{
	static const struct option options[] = {
		{ "rate", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ "timecode", required_argument, NULL, 't' },
		{ "drop-frame", no_argument, NULL, 'd' },
		{ "start", required_argument, NULL, 's' },
		{ "name", required_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 }
	};
	int rate_hz = 48000, opt, rc;
	const char *tc_name = "25", *start = "00:00:00:00", *name = NULL;
	bool drop = false, force = false;
	enum chan_format format = CHAN_STEREO;
	struct tc_rate tc;
	struct session *s;
	struct diag d;
	struct stat st;
	int64_t start_frames;
	char msg[2200];

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "r:f:t:ds:n:F", options, NULL)) != -1) {
		switch (opt) {
		case 'r':
			if (str_to_int(optarg, 8000, 768000, &rate_hz) != 0)
				return cli_usage_error(&cmd_new, err, "--rate takes "
				    "a sample rate in Hz (8000 to 768000), not '%s'",
				    optarg);
			break;
		case 'f':
			if (chan_format_parse(optarg, &format) != 0)
				return cli_usage_error(&cmd_new, err, "--format takes "
				    "mono, stereo, 5.1, 7.1 or 7.1.2, not '%s'", optarg);
			break;
		case 't': tc_name = optarg; break;
		case 'd': drop = true; break;
		case 's': start = optarg; break;
		case 'n': name = optarg; break;
		case 'F': force = true; break;
		default:
			return cli_usage_error(&cmd_new, err, "unknown option '%s'",
			    argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(&cmd_new, err, "expects one FILE");
	if (timecode_rate_parse(tc_name, drop, &tc) != 0)
		return cli_usage_error(&cmd_new, err, "no timecode rate '%s'%s",
		    tc_name, drop ? " with drop-frame" : "");
	if (timecode_parse(&tc, rate_hz, start, &start_frames) != 0)
		return cli_usage_error(&cmd_new, err, "'%s' is not a timecode at "
		    "this rate", start);
	if (!force && stat(argv[optind], &st) == 0) {
		fprintf(err, "dubstage new: %s already exists (use --force to "
		    "replace it; the old file is kept as .bak)\n", argv[optind]);
		return CLI_FAILED;
	}

	s = session_create(rate_hz, &tc);
	if (s == NULL) {
		fprintf(err, "dubstage new: out of memory\n");
		return CLI_FAILED;
	}
	s->timecode.start_frames = start_frames;
	s->master.format = format;
	if (name == NULL) {
		/* default name: the file name without its extension */
		char *base = str_dup(path_basename(argv[optind])), *dot;

		if (base != NULL && (dot = strrchr(base, '.')) != NULL && dot != base)
			*dot = '\0';
		s->name = base;
	} else {
		s->name = str_dup(name);
	}
	rc = session_xml_save(s, argv[optind], &d);
	if (rc != 0) {
		diag_format(&d, msg, sizeof msg);
		fprintf(err, "dubstage new: %s\n", msg);
		session_destroy(s);
		return CLI_FAILED;
	}
	fprintf(out, "created %s: %d Hz, %s master, timecode %s%s from %s\n",
	    argv[optind], rate_hz, chan_format_name(format), tc_name,
	    drop ? " DF" : "", start);
	session_destroy(s);
	return CLI_OK;
}

const struct cli_command cmd_new = {
	.name = "new",
	.args = "[options] FILE",
	.summary = "create an empty session file",
	.help =
	    "  -r, --rate HZ        sample rate (default 48000)\n"
	    "  -f, --format FMT     master format: mono, stereo, 5.1, 7.1, 7.1.2\n"
	    "                       (default stereo)\n"
	    "  -t, --timecode RATE  23.976, 24, 25, 29.97, 30, 47.952, 48, 50,\n"
	    "                       59.94, 60, 100, 119.88, 120 or NUM/DEN (default 25)\n"
	    "  -d, --drop-frame     drop-frame timecode (29.97, 59.94, 119.88 ...)\n"
	    "  -s, --start TC       start timecode (default 00:00:00:00)\n"
	    "  -n, --name NAME      session name (default: the file name)\n"
	    "  -F, --force          replace an existing file (kept as FILE.bak)\n",
	.run = run,
};
