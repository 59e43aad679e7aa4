/* dubstage bounce: render a session's master (and stems) to WAV files. */
#include "cli/cli.h"
#include "cli/interrupt.h"
#include "cli/progress.h"
#include "base/error.h"
#include "base/strutil.h"
#include "bounce/bounce.h"
#include "bounce/deliver.h"
#include "qc/spec.h"
#include "interchange/media.h"
#include "session/session.h"

#include <getopt.h>
#include <string.h>
#include <unistd.h>

static int
run(int argc, char **argv, FILE *out, FILE *err)
{
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "stems", no_argument, NULL, 's' },
		{ "stems-dir", required_argument, NULL, 'D' },
		{ "format", required_argument, NULL, 'f' },
		{ "range", required_argument, NULL, 'r' },
		{ "float", no_argument, NULL, 'F' },
		{ "allow-missing", no_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "centre-db", required_argument, NULL, 'C' },
		{ "surround-db", required_argument, NULL, 'S' },
		{ "lfe", no_argument, NULL, 'L' },
		{ "spec", required_argument, NULL, 'P' },
		{ "freewheel", no_argument, NULL, 'W' },
		{ "server", required_argument, NULL, 'J' },
		{ NULL, 0, NULL, 0 }
	};
	struct bounce_options bo;
	struct bounce_result res;
	struct cli_progress pr;
	struct session *s = NULL;
	struct cli_interrupt ci;
	struct diag d;
	const char *range = NULL;
	const struct qc_spec *spec = NULL;
	struct deliver_result dr;
	bool quiet = false;
	char msg[2200];
	int opt, rc;

	bounce_options_default(&bo);
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "o:sD:f:r:Fmq", options, NULL)) != -1) {
		switch (opt) {
		case 'o': bo.master_path = optarg; break;
		case 's': bo.stems = true; break;
		case 'D': bo.stems_dir = optarg; bo.stems = true; break;
		case 'f':
			if (chan_format_parse(optarg, &bo.format) != 0)
				return cli_usage_error(&cmd_bounce, err, "--format takes "
				    "mono, stereo, 5.1, 7.1 or 7.1.2, not '%s'", optarg);
			break;
		case 'r': range = optarg; break;
		case 'F': bo.sample_format = WAV_FLOAT32; break;
		case 'm': bo.allow_missing_media = true; break;
		case 'q': quiet = true; break;
		case 'C':
		case 'S': {
			double db;

			if (str_to_double(optarg, &db) != 0 || db > 0 || db < -144)
				return cli_usage_error(&cmd_bounce, err, "--%s takes a "
				    "level in dB from -144 to 0, not '%s'", opt == 'C' ?
				    "centre-db" : "surround-db", optarg);
			*(opt == 'C' ? &bo.downmix_centre_db :
			    &bo.downmix_surround_db) = db;
			break;
		}
		case 'L': bo.downmix_lfe = true; break;
		case 'W': bo.freewheel = true; break;
		case 'J': bo.jack_server = optarg; break;
		case 'P':
			if ((spec = qc_spec_find(optarg)) == NULL)
				return cli_usage_error(&cmd_bounce, err, "no spec '%s' "
				    "(dubstage qc --list-specs shows them)", optarg);
			break;
		default:
			return cli_usage_error(&cmd_bounce, err, "unknown option '%s'",
			    argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(&cmd_bounce, err, "expects one SESSION file");
	if (bo.master_path == NULL)
		return cli_usage_error(&cmd_bounce, err, "needs -o MASTER.wav");
	rc = cli_load_session("bounce", argv[optind], &s, err);
	if (rc != CLI_OK)
		return rc;
	if (media_refresh(s, NULL) != 0) {
		fprintf(err, "dubstage bounce: out of memory\n");
		session_destroy(s);
		return CLI_FAILED;
	}
	if (bo.format < CHAN_FORMAT_COUNT &&
	    chan_format_channels(bo.format) > chan_format_channels(s->master.format)) {
		enum chan_format master = s->master.format;

		session_destroy(s);
		return cli_usage_error(&cmd_bounce, err, "--format folds down only: "
		    "the master is %s", chan_format_name(master));
	}
	if (range != NULL && cli_parse_range(s, range, &bo.start_frames,
	    &bo.end_frames) != 0) {
		session_destroy(s);
		return cli_usage_error(&cmd_bounce, err, "--range takes START-END "
		    "as timecodes (01:00:00:00-01:02:00:00) or frames, not '%s'",
		    range);
	}

	/* an interrupted bounce is abandoned cleanly: nothing half-written */
	cli_interrupt_catch(&ci, false);
	bo.cancel = &cli_interrupted;
	if (!quiet && isatty(fileno(err))) {
		bo.progress = cli_progress_show;
		bo.progress_ctx = &pr;
	}
	cli_progress_start(&pr, err);
	if (spec != NULL) {
		rc = bounce_deliver(s, &bo, spec, &dr, &d);
		res = dr.files;
	} else {
		rc = bounce_run(s, &bo, &res, &d);
	}
	cli_interrupt_release(&ci);
	if (rc != 0) {
		diag_format(&d, msg, sizeof msg);
		fprintf(err, "%sdubstage bounce: %s%s\n", bo.progress ? "\n" : "",
		    msg, rc == ERR_NOTHING ? "; no file was written" : "");
		session_destroy(s);
		return rc == ERR_SEMANTIC ? CLI_BAD_INPUT : CLI_FAILED;
	}
	if (!quiet) {
		double secs = cli_progress_seconds(&pr);
		double len = (double)res.frames / s->sample_rate_hz;

		for (int i = 0; i < res.file_count; i++)
			fprintf(out, "wrote %s\n", res.paths[i]);
		fprintf(out, "%.3f s of audio in %.2f s (%.0fx real time)\n", len,
		    secs, secs > 0 ? len / secs : 0.0);
	}
	if (spec != NULL) {
		fprintf(out, "%s against %s: gain %+.2f dB, %d limiter pass%s; "
		    "report %s\n", dr.verdict.pass ? "COMPLIANT" : "NOT COMPLIANT",
		    spec->title, dr.gain_db, dr.passes, dr.passes == 1 ? "" : "es",
		    dr.report_path);
		for (int i = 0; i < dr.verdict.count; i++)
			fprintf(out, "  %-4s %-18s %8.2f %s (margin %+.2f)\n",
			    dr.verdict.c[i].pass ? "ok" : "FAIL", dr.verdict.c[i].name,
			    dr.verdict.c[i].value, dr.verdict.c[i].unit,
			    dr.verdict.c[i].margin);
		session_destroy(s);
		return dr.verdict.pass ? CLI_OK : CLI_FAILED;
	}
	session_destroy(s);
	return CLI_OK;
}

const struct cli_command cmd_bounce = {
	.name = "bounce",
	.args = "-o MASTER.wav [options] SESSION",
	.summary = "render the master (and stems) to WAV files",
	.help =
	    "  -o, --output FILE    the master file (required)\n"
	    "  -s, --stems          also write every stem bus, beside the master as\n"
	    "                       MASTER.<stem name>.wav\n"
	    "  -D, --stems-dir DIR  write the stems into DIR (implies --stems)\n"
	    "  -f, --format FMT     fold down to stereo, 5.1, ... (ITU-R BS.775:\n"
	    "                       centre and surrounds -3 dB, LFE dropped)\n"
	    "      --centre-db DB   centre level in a fold-down (default -3.01)\n"
	    "      --surround-db DB surround level in a fold-down (default -3.01)\n"
	    "      --lfe            keep the LFE in a fold-down (at -3 dB)\n"
	    "  -r, --range A-B      render from A to B: timecodes or frames\n"
	    "                       (default: session start to the last clip's end)\n"
	    "  -F, --float          32-bit float (default 24-bit PCM, TPDF dither)\n"
	    "  -m, --allow-missing  bounce even if media is missing (silence there)\n"
	    "  -q, --quiet          no progress bar, no summary\n"
	    "      --spec NAME      deliver to a spec (dubstage qc --list-specs):\n"
	    "                       measure, gain to the target, true-peak limit\n"
	    "                       to the ceiling, measure again; writes\n"
	    "                       MASTER.qc.json; exit 0 only when compliant\n"
	    "      --freewheel      render through the JACK engine in freewheel\n"
	    "                       mode (master only): the same file\n"
	    "      --server NAME    the JACK server for --freewheel\n"
	    "\n"
	    "Files are BWF (bext time reference = the range start) with the\n"
	    "WAVE_FORMAT_EXTENSIBLE channel mask, RF64 past 4 GiB. They appear\n"
	    "under their names only when complete; an interrupted or failed\n"
	    "bounce leaves none. The same session gives byte-identical files.\n",
	.run = run,
};
