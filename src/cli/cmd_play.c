/*
 * dubstage play: plays a session through JACK without the console (stage
 * machines driven remotely, tests, benchmarks), then reports what the
 * real-time side saw: xruns, media underruns, and the process callback's
 * own time per period.
 */
#include "cli/cli.h"
#include "cli/interrupt.h"
#include "base/error.h"
#include "base/json.h"
#include "base/strutil.h"
#include "engine/live.h"
#include "interchange/media.h"
#include "session/session.h"

#include <getopt.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct play_args {
	const char *from, *stats, *loop;
	double seconds;            /* 0 = to the session's end */
	struct live_options lo;
};

static int
parse_args(int argc, char **argv, struct play_args *a, FILE *err)
{
	static const struct option options[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "for", required_argument, NULL, 't' },
		{ "no-connect", no_argument, NULL, 'n' },
		{ "server", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'F' },
		{ "stems", no_argument, NULL, 'S' },
		{ "loop", required_argument, NULL, 'l' },
		{ "transport", required_argument, NULL, 'T' },
		{ "stats", required_argument, NULL, 'j' },
		{ "read-delay-us", required_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 }
	};
	int opt;
	int64_t v;

	live_options_default(&a->lo);
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "f:t:s:", options, NULL)) != -1) {
		switch (opt) {
		case 'f': a->from = optarg; break;
		case 't':
			if (str_to_double(optarg, &a->seconds) != 0 ||
			    !(a->seconds > 0) || a->seconds > 1e7)
				return cli_usage_error(&cmd_play, err, "--for takes "
				    "seconds (> 0), not '%s'", optarg);
			break;
		case 'n': a->lo.connect = false; break;
		case 's': a->lo.server_name = optarg; break;
		case 'F':
			if (chan_format_parse(optarg, &a->lo.output_format) != 0)
				return cli_usage_error(&cmd_play, err, "--format takes "
				    "mono, stereo, 5.1, 7.1 or 7.1.2, not '%s'", optarg);
			break;
		case 'S': a->lo.stem_ports = true; break;
		case 'l': a->loop = optarg; break;
		case 'T':
			if (strcmp(optarg, "own") == 0)
				a->lo.transport = LIVE_TRANSPORT_OWN;
			else if (strcmp(optarg, "drive") == 0)
				a->lo.transport = LIVE_TRANSPORT_DRIVE;
			else if (strcmp(optarg, "follow") == 0)
				a->lo.transport = LIVE_TRANSPORT_FOLLOW;
			else
				return cli_usage_error(&cmd_play, err, "--transport "
				    "takes own, drive or follow, not '%s'", optarg);
			break;
		case 'j': a->stats = optarg; break;
		case 'D':
			if (str_to_i64(optarg, &v) != 0 || v < 0 || v > 10000000)
				return cli_usage_error(&cmd_play, err, "--read-delay-us "
				    "takes microseconds, not '%s'", optarg);
			a->lo.read_delay_us = (int)v;
			break;
		default:
			return cli_usage_error(&cmd_play, err, "unknown option '%s'",
			    argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(&cmd_play, err, "expects one SESSION file");
	return CLI_OK;
}

struct play_figures {
	const struct live_status *st;
	const struct live_timing *t;
};

static void
fill_stats(struct json *j, void *ctx)
{
	const struct play_figures *f = ctx;

	json_object_begin(j);
	json_key(j, "period_frames");
	json_int(j, f->st->buffer_frames);
	json_key(j, "sample_rate_hz");
	json_int(j, f->st->sample_rate_hz);
	json_key(j, "periods");
	json_int(j, (int64_t)f->t->periods);
	json_key(j, "frames_played");
	json_int(j, (int64_t)f->st->frames_played);
	json_key(j, "xruns");
	json_int(j, (int64_t)f->st->xruns);
	json_key(j, "underruns");
	json_int(j, (int64_t)f->st->underruns);
	json_key(j, "reconnects");
	json_int(j, (int64_t)f->st->reconnects);
	json_key(j, "callback_us");
	json_object_begin(j);
	json_key_double(j, "median", f->t->median_us);
	json_key_double(j, "p99", f->t->p99_us);
	json_key_double(j, "max", f->t->max_us);
	json_object_end(j);
	json_object_end(j);
}

/* Plays until the time is up, the session ends, or a signal. */
static void
play_loop(struct live *e, const struct session *s, int64_t want_frames,
    bool looping, FILE *err)
{
	int64_t end = session_end_frames(s);
	bool was_online = true, tty = isatty(fileno(err));
	struct live_status st;
	struct timespec tick = { 0, 20 * 1000000L };
	char tc[32];

	live_play(e);
	while (!cli_interrupted) {
		nanosleep(&tick, NULL);
		live_poll(e);
		live_status(e, &st);
		if (st.online != was_online) {
			fprintf(err, "dubstage play: %s\n", st.online ?
			    "JACK server back: playing on" : st.message);
			was_online = st.online;
		}
		if (tty) {
			timecode_format(&s->timecode.rate, s->sample_rate_hz,
			    st.position, tc, sizeof tc);
			fprintf(err, "\r%s  xruns %llu  underruns %llu ", tc,
			    (unsigned long long)st.xruns,
			    (unsigned long long)st.underruns);
		}
		if (want_frames > 0 && (int64_t)st.frames_played >= want_frames)
			break;
		if (!looping && st.position >= end)
			break;
	}
	live_stop(e);
	if (tty)
		fputc('\n', err);
}

static int
run(int argc, char **argv, FILE *out, FILE *err)
{
	struct play_args a = { 0 };
	struct session *s = NULL;
	struct live *e = NULL;
	struct live_status st;
	struct live_timing t;
	struct cli_interrupt ci;
	struct diag d;
	int64_t from, loop_a = 0, loop_b = 0;
	char msg[2200];
	int rc;

	if ((rc = parse_args(argc, argv, &a, err)) != CLI_OK)
		return rc;
	rc = cli_load_session("play", argv[optind], &s, err);
	if (rc != CLI_OK)
		return rc;
	if (media_refresh(s, NULL) != 0) {
		fprintf(err, "dubstage play: out of memory\n");
		session_destroy(s);
		return CLI_FAILED;
	}
	for (size_t i = 0; i < s->source_count; i++)
		if (!s->sources[i].online)
			fprintf(err, "dubstage play: %s: media missing: it plays as "
			    "silence\n", s->sources[i].path);
	from = s->timecode.start_frames;
	if ((a.from != NULL && cli_parse_position(s, a.from, &from) != 0) ||
	    (a.loop != NULL && cli_parse_range(s, a.loop, &loop_a, &loop_b) != 0)) {
		session_destroy(s);
		return cli_usage_error(&cmd_play, err, "--from and --loop take "
		    "timecodes (01:00:10:00) or frame counts");
	}
	if ((rc = live_create(s, &a.lo, &e, &d)) != 0) {
		diag_format(&d, msg, sizeof msg);
		fprintf(err, "dubstage play: %s\n", msg);
		session_destroy(s);
		return rc == ERR_SEMANTIC ? CLI_BAD_INPUT : CLI_FAILED;
	}

	/* a dropped SSH connection (SIGHUP) stops cleanly like ^C */
	cli_interrupt_catch(&ci, true);
	if (loop_b > loop_a)
		live_set_loop(e, loop_a, loop_b);
	if (from != s->timecode.start_frames || loop_b > loop_a)
		live_locate(e, from);
	play_loop(e, s, a.seconds > 0 ? (int64_t)(a.seconds * s->sample_rate_hz) :
	    0, loop_b > loop_a, err);
	cli_interrupt_release(&ci);

	live_status(e, &st);
	live_timing(e, &t);
	fprintf(out, "played %.3f s (%llu frames) in %llu periods of %d frames "
	    "at %d Hz\n", (double)st.frames_played / s->sample_rate_hz,
	    (unsigned long long)st.frames_played, (unsigned long long)t.periods,
	    st.buffer_frames, s->sample_rate_hz);
	fprintf(out, "xruns: %llu\nunderruns: %llu\nreconnects: %llu\n",
	    (unsigned long long)st.xruns, (unsigned long long)st.underruns,
	    (unsigned long long)st.reconnects);
	fprintf(out, "process callback per period: median %.1f us, 99th "
	    "percentile %.1f us, max %.1f us (period %.1f us)\n", t.median_us,
	    t.p99_us, t.max_us, st.sample_rate_hz > 0 ?
	    1e6 * st.buffer_frames / st.sample_rate_hz : 0.0);
	if (a.stats != NULL) {
		struct play_figures f = { &st, &t };

		if (json_save(a.stats, fill_stats, &f, &d) != 0) {
			diag_format(&d, msg, sizeof msg);
			fprintf(err, "dubstage play: %s\n", msg);
		}
	}
	live_destroy(e);
	session_destroy(s);
	return CLI_OK;
}

const struct cli_command cmd_play = {
	.name = "play",
	.args = "[options] SESSION",
	.summary = "play a session through JACK without the console",
	.help =
	    "Plays SESSION through a JACK client whose outputs are named after\n"
	    "the master's channels, then prints xruns, media underruns and the\n"
	    "process callback's own time per period (median, 99th percentile,\n"
	    "max). ^C, SIGTERM or a lost terminal (SIGHUP) stop it cleanly.\n"
	    "The session must run at the server's sample rate.\n"
	    "\n"
	    "  --from TC|FRAME     start there (default: the session's start)\n"
	    "  --for SECONDS       play this long (default: to the session's end)\n"
	    "  --loop TC-TC        loop this range\n"
	    "  --no-connect        leave the outputs unconnected\n"
	    "  -s, --server NAME   JACK server (default: $JACK_DEFAULT_SERVER)\n"
	    "  --format F          fold the master down to F for monitoring\n"
	    "  --stems             a port per stem channel too\n"
	    "  --transport MODE    own (default), drive or follow JACK's transport\n"
	    "  --stats FILE        also write the figures as JSON\n"
	    "  --read-delay-us N   diagnostic: slow every media read by N us\n",
	.run = run,
};
