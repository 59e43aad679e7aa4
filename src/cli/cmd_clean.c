/*
 * dubstage clean: dialogue cleanup of an audio file, or of a session clip.
 *
 *   dubstage clean IN.wav -o OUT.wav --denoise [--profile-from A-B] ...
 *   dubstage clean SESSION --clip C12 --denoise ...
 *
 * A file is rendered through the cleanup chain (clean/clean.h) into a new
 * file written atomically. A session clip goes through the session command
 * `clean` (scmd_clean.c, the same one the console's ':' prompt runs): the
 * processed audio is written into the session's media folder as a new file
 * and the clip is pointed at it, undoably; the session is then saved.
 */
#include "cli/cli.h"
#include "cli/interrupt.h"
#include "cli/progress.h"
#include "clean/clean.h"
#include "clean/options.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_FPS 24.0

/* A session file is XML (it starts with '<', after any byte-order mark
 * and blanks); audio files never do. */
static bool
is_session_file(const char *path)
{
	char head[8];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return false;
	n = fread(head, 1, sizeof head - 1, f);
	fclose(f);
	head[n] = '\0';
	for (char *p = head; *p != '\0'; p++) {
		if ((unsigned char)*p == 0xEF || (unsigned char)*p == 0xBB ||
		    (unsigned char)*p == 0xBF || *p == ' ' || *p == '\n' ||
		    *p == '\r' || *p == '\t')
			continue;
		return *p == '<';
	}
	return false;
}

/* Appends word to line, quoted for scmd_split. */
static bool
append_quoted(char *line, size_t size, const char *word)
{
	size_t n = strlen(line);

	if (n + 3 >= size)
		return false;
	line[n++] = ' ';
	line[n++] = '"';
	for (const char *p = word; *p != '\0'; p++) {
		if (n + 3 >= size)
			return false;
		if (*p == '"' || *p == '\\')
			line[n++] = '\\';
		line[n++] = *p;
	}
	line[n++] = '"';
	line[n] = '\0';
	return true;
}

/* `clean SESSION --clip C12 ...` as the session command `clean C12 ...`. */
static int
run_session(int argc, char **argv, const struct clean_args *a, FILE *out,
    FILE *err)
{
	char line[8192] = "clean";
	const char *lines[1] = { line };
	const char *session = a->operands[0];
	bool skipped_session = false;

	if (a->clip == NULL)
		return cli_usage_error(&cmd_clean, err, "%s is a session: say "
		    "which clip to clean with --clip C12", session);
	if (!append_quoted(line, sizeof line, a->clip))
		return cli_usage_error(&cmd_clean, err, "arguments too long");
	for (int i = 1; i < argc; i++) {
		/* everything but the session operand and --clip C */
		if (!skipped_session && strcmp(argv[i], session) == 0) {
			skipped_session = true;
			continue;
		}
		if (strcmp(argv[i], "--clip") == 0) {
			i++;
			continue;
		}
		if (strncmp(argv[i], "--clip=", 7) == 0)
			continue;
		if (!append_quoted(line, sizeof line, argv[i]))
			return cli_usage_error(&cmd_clean, err, "arguments too long");
	}
	return cli_edit_session("clean", session, lines, 1, false, false, out,
	    err);
}

static int
run_file(struct clean_args *a, FILE *out, FILE *err)
{
	struct clean_job job = { 0 };
	struct clean_result r;
	struct cli_progress pr;
	struct cli_interrupt ci;
	struct diag d;
	double fps = DEFAULT_FPS;
	char msg[2200];
	int rate, rc;

	if (a->output == NULL)
		return cli_usage_error(&cmd_clean, err, "say where to write the "
		    "cleaned audio with -o FILE");
	if (a->clip != NULL || a->profile != NULL || a->save_profile != NULL)
		return cli_usage_error(&cmd_clean, err, "--clip, --profile and "
		    "--save-profile work on session clips (clean SESSION --clip C)");
	if (!clean_spec_any(&a->spec) && a->fill_count == 0)
		return cli_usage_error(&cmd_clean, err, "nothing to do: give at "
		    "least one of --denoise --dehum --declick --deess --deplosive "
		    "--level --fill");
	if (a->fps != NULL && ((fps = atof(a->fps)) < 1 || fps > 240))
		return cli_usage_error(&cmd_clean, err, "--fps %s: frames per "
		    "second in 1..240", a->fps);
	if (strcmp(a->operands[0], a->output) == 0)
		return cli_usage_error(&cmd_clean, err, "-o must not be the input "
		    "file (cleanup never overwrites its source)");
	/* the file's rate, for the times */
	{
		rc = clean_probe(a->operands[0], &rate, NULL, NULL, &d);
		if (rc != 0) {
			diag_format(&d, msg, sizeof msg);
			fprintf(err, "dubstage clean: %s\n", msg);
			return rc == ERR_IO ? CLI_FAILED : CLI_BAD_INPUT;
		}
	}
	if (a->profile_from != NULL) {
		if (clean_file_range(a->profile_from, rate, fps,
		    &a->spec.profile_from) != 0)
			return cli_usage_error(&cmd_clean, err, "--profile-from %s: "
			    "expected START-END in seconds or timecode",
			    a->profile_from);
		a->spec.have_profile_from = true;
	}
	if (a->fill_from != NULL) {
		if (clean_file_range(a->fill_from, rate, fps, &a->spec.fill_from) != 0)
			return cli_usage_error(&cmd_clean, err, "--fill-from %s: "
			    "expected START-END in seconds or timecode", a->fill_from);
		a->spec.have_fill_from = true;
	}
	for (int i = 0; i < a->fill_count; i++) {
		if (clean_file_range(a->fills[i], rate, fps, &a->spec.fills[i]) != 0)
			return cli_usage_error(&cmd_clean, err, "--fill %s: expected "
			    "START-END in seconds or timecode", a->fills[i]);
	}
	a->spec.fill_count = a->fill_count;

	job.in_path = a->operands[0];
	job.out_path = a->output;
	job.format = a->pcm24 ? CLEAN_OUT_PCM24 : CLEAN_OUT_FLOAT32;
	job.cancel = &cli_interrupted;
	if (!a->quiet && isatty(fileno(err))) {
		job.progress = cli_progress_show;
		job.progress_ctx = &pr;
	}
	cli_progress_start(&pr, err);
	cli_interrupt_catch(&ci, false);
	diag_clear(&d);
	rc = clean_render(&job, &a->spec, &r, &d);
	cli_interrupt_release(&ci);
	if (rc != 0) {
		diag_format(&d, msg, sizeof msg);
		fprintf(err, "%sdubstage clean: %s; %s was not written\n",
		    job.progress != NULL ? "\n" : "", msg, a->output);
		return rc == ERR_IO ? CLI_FAILED :
		    rc == ERR_INVALID ? CLI_BAD_INPUT : CLI_FAILED;
	}
	if (r.clipped_samples > 0)
		fprintf(err, "dubstage clean: warning: the input has %lld samples "
		    "at full scale (clipped); cleanup does not restore clipped "
		    "peaks\n", (long long)r.clipped_samples);
	if (r.nonfinite_samples > 0)
		fprintf(err, "dubstage clean: warning: %lld samples of the input "
		    "were not numbers (NaN or infinite) and were read as silence\n",
		    (long long)r.nonfinite_samples);
	if (!a->quiet) {
		double secs = cli_progress_seconds(&pr);
		double len = (double)r.frames / r.rate_hz;

		fprintf(out, "wrote %s (%.3f s, %d channel%s, latency %d frames "
		    "compensated)\n", a->output, len, r.channels,
		    r.channels == 1 ? "" : "s", r.latency);
		if (r.learned_profile)
			fprintf(out, "noise profile learned: %.1f dBFS\n",
			    r.profile.level_db);
		fprintf(out, "%.2f s (%.0fx real time)\n", secs,
		    secs > 0 ? len / secs : 0.0);
	}
	return CLI_OK;
}

static int
run(int argc, char **argv, FILE *out, FILE *err)
{
	struct clean_args a;
	char msg[512];

	if (cli_wants_help(argc, argv)) {
		cli_print_command_help(&cmd_clean, out);
		return CLI_OK;
	}
	if (clean_args_parse(argc, argv, &a, msg, sizeof msg) != 0)
		return cli_usage_error(&cmd_clean, err, "%s", msg);
	if (a.operand_count != 1)
		return cli_usage_error(&cmd_clean, err, "expects one input: an "
		    "audio FILE or a SESSION (with --clip)");
	if (is_session_file(a.operands[0]))
		return run_session(argc, argv, &a, out, err);
	return run_file(&a, out, err);
}

const struct cli_command cmd_clean = {
	.name = "clean",
	.args = "FILE -o OUT [options] | SESSION --clip C [options]",
	.summary = "dialogue cleanup: denoise, de-hum, de-click, de-ess, "
	    "de-plosive, level, fill",
	.help =
	    "Cleans dialogue: FILE into a new file OUT (any channel count), or\n"
	    "a session clip into a new file in the session's media folder that\n"
	    "the clip then plays (undoable; the original file is kept).\n"
	    "Processors run in this order whatever the order given:\n"
	    "  --declick           repair clicks and mouth clicks\n"
	    "  --deplosive         remove plosive pops (low-frequency bursts)\n"
	    "  --dehum             remove mains hum (50/60 Hz found by itself)\n"
	    "  --denoise           spectral noise reduction; without a profile it\n"
	    "                      tracks the noise by itself\n"
	    "  --deess             split-band de-esser\n"
	    "  --level [TARGET]    ride phrases toward TARGET LUFS (default -23)\n"
	    "Any of them may be followed by NAME=VALUE settings, the parameters\n"
	    "of the insert of that name (man dubstage-session(5)), e.g.\n"
	    "  --denoise reduction-db=12 --dehum mains-hz=50\n"
	    "\n"
	    "  --profile-from A-B  learn the noise profile from room tone A-B\n"
	    "  --profile N|NAME    (session) use a saved noise profile\n"
	    "  --save-profile NAME (session) save the learned profile\n"
	    "  --fill A-B          fill the gap A-B with synthesised room tone\n"
	    "                      (repeatable); the tone is learned from\n"
	    "  --fill-from A-B     room tone here, else --profile-from, else the\n"
	    "                      quietest second of the output\n"
	    "  -o, --output OUT    (file) the cleaned file (never the input)\n"
	    "  --clip C            (session) the clip to clean\n"
	    "  --pcm24             24-bit PCM output (default 32-bit float)\n"
	    "  --fps N             (file) frame rate of timecodes (default 24)\n"
	    "  -q, --quiet         no progress bar, no summary\n"
	    "Times: seconds (12.5, 1:02.5) or timecode HH:MM:SS:FF. For a file\n"
	    "they count from its start; for a clip, seconds count from the\n"
	    "clip's start and timecodes are the session's timeline.\n",
	.run = run,
};
