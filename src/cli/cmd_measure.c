/* dubstage measure: loudness, loudness range, peaks of WAV files. */
#include "cli/cli.h"
#include "cli/measure_run.h"
#include "base/json.h"
#include "qc/measure.h"
#include "qc/series.h"
#include "qc/spec.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void
print_text(const struct measured_file *f, FILE *out)
{
	const struct qc_file_result *r = &f->r;
	char b[7][32];

	fprintf(out, "%s: %d ch %s, %d Hz, %.1f s\n", f->path, r->channels,
	    r->layout, r->sample_rate_hz, (double)r->frames / r->sample_rate_hz);
	fprintf(out, "  integrated %s LUFS   LRA %s LU   momentary max %s LUFS   "
	    "short-term max %s LUFS\n",
	    measure_db(r->m.integrated_lufs, b[0], 32),
	    measure_db(r->m.lra_lu, b[1], 32),
	    measure_db(r->m.momentary_max_lufs, b[2], 32),
	    measure_db(r->m.short_term_max_lufs, b[3], 32));
	fprintf(out, "  true peak %s dBTP   sample peak %s dBFS   speech-gated %s "
	    "LUFS (%s%% speech)\n", measure_db(r->m.true_peak_dbtp, b[4], 32),
	    measure_db(r->sample_peak_dbfs, b[5], 32),
	    measure_db(r->m.speech_gated_lufs, b[6], 32),
	    measure_db(r->m.speech_percent, b[0], 32));
	fprintf(out, "  true peak per channel:");
	for (int c = 0; c < r->channels; c++)
		fprintf(out, " %s %s", r->channel_names[c],
		    measure_db(r->true_peak_ch_dbtp[c], b[1], 32));
	fputc('\n', out);
}

static void
print_csv_header(FILE *out)
{
	fputs("file,channels,layout,integrated_lufs,lra_lu,momentary_max_lufs,"
	    "short_term_max_lufs,true_peak_dbtp,sample_peak_dbfs,"
	    "speech_gated_lufs,speech_percent,error\n", out);
}

static void
csv_field(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void
csv_num(FILE *out, double v)
{
	if (isfinite(v))
		fprintf(out, ",%.2f", v);
	else
		fputs(",", out);
}

static void
print_csv(const struct measured_file *f, FILE *out)
{
	const struct qc_file_result *r = &f->r;

	csv_field(out, f->path);
	if (f->rc != 0) {
		fputs(",,,,,,,,,,,", out);
		csv_field(out, f->d.message);
		fputc('\n', out);
		return;
	}
	fprintf(out, ",%d,%s", r->channels, r->layout);
	csv_num(out, r->m.integrated_lufs);
	csv_num(out, r->m.lra_lu);
	csv_num(out, r->m.momentary_max_lufs);
	csv_num(out, r->m.short_term_max_lufs);
	csv_num(out, r->m.true_peak_dbtp);
	csv_num(out, r->sample_peak_dbfs);
	csv_num(out, r->m.speech_gated_lufs);
	csv_num(out, r->m.speech_percent);
	fputs(",\n", out);
}

static int
run(int argc, char **argv, FILE *out, FILE *err)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'c' },
		{ "plot", required_argument, NULL, 'p' },
		{ "layout", required_argument, NULL, 'l' },
		{ "meter", required_argument, NULL, 'M' },
		{ "no-speech", no_argument, NULL, 'S' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "spec", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	struct qc_measure_options o;
	struct qc_series series;
	struct measured_file *files;
	const char *plot = NULL;
	const struct qc_spec *spec = NULL;
	bool json = false, csv = false, quiet = false;
	int opt, n, failed = 0, rc = CLI_OK;

	qc_measure_options_default(&o);
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "jcp:l:M:Sqs:", options, NULL)) != -1) {
		switch (opt) {
		case 'j': json = true; break;
		case 'c': csv = true; break;
		case 'p': plot = optarg; break;
		case 'l': o.layout = optarg; break;
		case 'M':
			if (strcmp(optarg, "dubstage") == 0)
				o.meter = QC_METER_DUBSTAGE;
			else if (strcmp(optarg, "libebur128") == 0)
				o.meter = QC_METER_LIBEBUR128;
			else
				return cli_usage_error(&cmd_measure, err, "--meter is "
				    "dubstage or libebur128, not '%s'", optarg);
			break;
		case 'S': o.speech = false; break;
		case 'q': quiet = true; break;
		case 's':
			if ((spec = qc_spec_find(optarg)) == NULL)
				return cli_usage_error(&cmd_measure, err, "no spec '%s' "
				    "(dubstage qc --list-specs)", optarg);
			break;
		default:
			return cli_usage_error(&cmd_measure, err, "unknown option '%s'",
			    argv[optind - 1]);
		}
	}
	n = argc - optind;
	if (n < 1)
		return cli_usage_error(&cmd_measure, err, "expects one or more FILEs");
	if (json && csv)
		return cli_usage_error(&cmd_measure, err, "--json or --csv, not both");
	if (plot != NULL && n != 1)
		return cli_usage_error(&cmd_measure, err, "--plot draws one file");
	files = calloc((size_t)n, sizeof *files);
	if (files == NULL) {
		fprintf(err, "dubstage measure: out of memory\n");
		return CLI_FAILED;
	}
	for (int i = 0; i < n; i++)
		files[i].path = argv[optind + i];
	qc_series_init(&series, 0.1);
	if (plot != NULL)
		o.series = &series;
	measure_files(files, n, &o, err, quiet || json || csv);

	if (json) {
		struct json j;

		json_init(&j, out);
		json_array_begin(&j);
		for (int i = 0; i < n; i++)
			measure_json(&j, &files[i]);
		json_array_end(&j);
		json_finish(&j);
	} else if (csv) {
		print_csv_header(out);
	}
	for (int i = 0; i < n; i++) {
		if (files[i].rc != 0) {
			failed++;
			fprintf(err, "dubstage measure: %s: %s\n", files[i].path,
			    files[i].d.message);
		}
		if (csv)
			print_csv(&files[i], out);
		else if (!json && files[i].rc == 0)
			print_text(&files[i], out);
	}
	if (plot != NULL && files[0].rc == 0) {
		FILE *f = fopen(plot, "w");

		if (f == NULL || qc_series_svg(&series, spec, files[0].path, f) != 0 ||
		    fclose(f) != 0) {
			fprintf(err, "dubstage measure: cannot write %s\n", plot);
			rc = CLI_FAILED;
		}
	}
	qc_series_fini(&series);
	free(files);
	if (failed > 0)
		return CLI_BAD_INPUT;
	return rc;
}

const struct cli_command cmd_measure = {
	.name = "measure",
	.args = "[options] FILE...",
	.summary = "measure loudness (BS.1770-5 / EBU R 128) and peaks of files",
	.help =
	    "  -j, --json          one JSON object per file (see dubstage(1))\n"
	    "  -c, --csv           one CSV row per file\n"
	    "  -p, --plot OUT.svg  draw loudness over time (one file)\n"
	    "  -s, --spec NAME     draw that spec's target and ceiling on the plot\n"
	    "  -l, --layout L      mono, stereo, 5.1, 7.1, 7.1.2 (default: from\n"
	    "                      the WAV channel mask, else by channel count)\n"
	    "  -M, --meter M       dubstage (default) or libebur128, to compare\n"
	    "  -S, --no-speech     skip the speech detector (no dialogue gating)\n"
	    "  -q, --quiet         no progress bar\n"
	    "\n"
	    "Reports integrated loudness, loudness range (EBU Tech 3342), largest\n"
	    "momentary and short-term loudness (every 10 ms), true peak (max and\n"
	    "per channel), sample peak, and the speech-gated loudness with the\n"
	    "share of speech. Files are measured on both cores. A file that\n"
	    "cannot be measured is reported and the others still are; the exit\n"
	    "status is then 3.\n",
	.run = run,
};
