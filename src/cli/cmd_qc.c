/* dubstage qc: judge files against a delivery spec. */
#include "cli/cli.h"
#include "cli/measure_run.h"
#include "base/json.h"
#include "qc/measure.h"
#include "qc/spec.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void
list_specs(FILE *out)
{
	size_t n;
	const struct qc_spec *s = qc_specs(&n);

	for (size_t i = 0; i < n; i++)
		fprintf(out, "%-14s %-26s %s %+.0f LUFS +-%.1f LU, true peak <= %.0f "
		    "dBTP\n%14s %s\n", s[i].name, s[i].title,
		    s[i].basis == QC_DIALOGUE ? "dialogue" : "programme",
		    s[i].target_lufs, s[i].tolerance_lu, s[i].true_peak_max_dbtp, "",
		    s[i].source);
}

static void
print_verdict(const char *path, const struct qc_verdict *v, FILE *out)
{
	char b[3][32];

	fprintf(out, "%s: %s against %s\n", path, v->pass ? "PASS" : "FAIL",
	    v->spec->title);
	for (int i = 0; i < v->count; i++) {
		const struct qc_criterion *c = &v->c[i];

		fprintf(out, "  %-4s %-18s %7s %-4s  allowed", c->pass ? "ok" : "FAIL",
		    c->name, measure_db(c->value, b[0], 32), c->unit);
		if (isfinite(c->low))
			fprintf(out, " %s..", measure_db(c->low, b[1], 32));
		else
			fprintf(out, " ..");
		fprintf(out, "%s", measure_db(c->high, b[2], 32));
		if (isfinite(c->margin))
			fprintf(out, "  margin %+.2f", c->margin);
		if (c->note != NULL)
			fprintf(out, "  (%s)", c->note);
		fputc('\n', out);
	}
}

/* One file of the report: its measurement and its verdict. */
static void
qc_report_json(struct json *j, const struct measured_file *f,
    const struct qc_verdict *v)
{
	json_object_begin(j);
	json_key(j, "measurement");
	measure_json(j, f);
	if (v != NULL) {
		json_key(j, "spec");
		json_string(j, v->spec->name);
		json_key(j, "pass");
		json_bool(j, v->pass);
		json_key(j, "criteria");
		qc_verdict_json(j, v);
	}
	json_object_end(j);
}

struct report {
	struct measured_file *files;
	struct qc_verdict *v;
	int n;
};

static void
fill_report(struct json *j, void *ctx)
{
	struct report *r = ctx;

	json_array_begin(j);
	for (int i = 0; i < r->n; i++)
		qc_report_json(j, &r->files[i], r->files[i].rc == 0 ? &r->v[i] : NULL);
	json_array_end(j);
}

static int
run(int argc, char **argv, FILE *out, FILE *err)
{
	static const struct option options[] = {
		{ "spec", required_argument, NULL, 's' },
		{ "report", required_argument, NULL, 'r' },
		{ "list-specs", no_argument, NULL, 'L' },
		{ "layout", required_argument, NULL, 'l' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 }
	};
	struct qc_measure_options o;
	const struct qc_spec *spec = NULL;
	struct measured_file *files;
	struct qc_verdict *v;
	const char *report = NULL, *spec_name = NULL;
	bool quiet = false;
	int opt, n, bad = 0, failed = 0;
	struct diag d;

	qc_measure_options_default(&o);
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "s:r:Ll:q", options, NULL)) != -1) {
		switch (opt) {
		case 's': spec_name = optarg; break;
		case 'r': report = optarg; break;
		case 'L':
			list_specs(out);
			return CLI_OK;
		case 'l': o.layout = optarg; break;
		case 'q': quiet = true; break;
		default:
			return cli_usage_error(&cmd_qc, err, "unknown option '%s'",
			    argv[optind - 1]);
		}
	}
	if (spec_name == NULL)
		return cli_usage_error(&cmd_qc, err, "needs --spec NAME "
		    "(dubstage qc --list-specs)");
	if ((spec = qc_spec_find(spec_name)) == NULL)
		return cli_usage_error(&cmd_qc, err, "no spec '%s' (dubstage qc "
		    "--list-specs shows them)", spec_name);
	n = argc - optind;
	if (n < 1)
		return cli_usage_error(&cmd_qc, err, "expects one or more FILEs");
	o.speech = spec->basis == QC_DIALOGUE;
	files = calloc((size_t)n, sizeof *files);
	v = calloc((size_t)n, sizeof *v);
	if (files == NULL || v == NULL) {
		free(files);
		free(v);
		fprintf(err, "dubstage qc: out of memory\n");
		return CLI_FAILED;
	}
	for (int i = 0; i < n; i++)
		files[i].path = argv[optind + i];
	measure_files(files, n, &o, err, quiet);
	for (int i = 0; i < n; i++) {
		if (files[i].rc != 0) {
			bad++;
			fprintf(err, "dubstage qc: %s: %s\n", files[i].path,
			    files[i].d.message);
			continue;
		}
		qc_judge(spec, &files[i].r.m, &v[i]);
		failed += !v[i].pass;
		print_verdict(files[i].path, &v[i], out);
	}
	if (report != NULL && json_save(report, fill_report,
	    &(struct report){ files, v, n }, &d) != 0) {
		fprintf(err, "dubstage qc: %s: %s\n", report, d.message);
		failed++;
	}
	free(files);
	free(v);
	if (bad > 0)
		return CLI_BAD_INPUT;
	return failed > 0 ? CLI_FAILED : CLI_OK;
}

const struct cli_command cmd_qc = {
	.name = "qc",
	.args = "--spec NAME [--report OUT.json] FILE... | --list-specs",
	.summary = "check files against a delivery spec (EBU R 128, Netflix ...)",
	.help =
	    "  -s, --spec NAME      the spec to judge against (see --list-specs)\n"
	    "  -r, --report FILE    write the measurements and verdicts as JSON\n"
	    "  -L, --list-specs     list the specs with their sources\n"
	    "  -l, --layout L       channel layout (default: from the channel mask)\n"
	    "  -q, --quiet          no progress bar\n"
	    "\n"
	    "Prints every criterion with its value, the allowed range and the\n"
	    "margin. Exit 0 only when every file passes every criterion; 1 when\n"
	    "a file fails; 3 when a file cannot be measured. Dialogue-gated specs\n"
	    "(Netflix, Amazon) are judged on our speech-gated loudness.\n",
	.run = run,
};
