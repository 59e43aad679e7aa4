/*
 * spec.c - the table of delivery specs. Values are the documents' pass
 * limits; where a document only recommends (an LRA range, say), the
 * recommendation is not a criterion.
 */
#include "qc/spec.h"
#include "base/json.h"

#include <math.h>
#include <strings.h>

static const struct qc_spec specs[] = {
	{
		.name = "ebu-r128", .title = "EBU R 128",
		.source = "EBU R 128 v5 (2023) and EBU Tech 3343: -23 LUFS +-0.5 LU "
		    "(file-based), true peak <= -1 dBTP",
		.basis = QC_PROGRAMME, .target_lufs = -23, .tolerance_lu = 0.5,
		.true_peak_max_dbtp = -1, .lra_max_lu = NAN,
		.short_term_max_lufs = NAN, .momentary_max_lufs = NAN,
	},
	{
		.name = "ebu-r128-s1", .title = "EBU R 128 s1 (short-form)",
		.source = "EBU R 128 s1 v3 (2023): advertisements and other short "
		    "programmes, -23 LUFS, max short-term loudness -18 LUFS, "
		    "true peak <= -1 dBTP",
		.basis = QC_PROGRAMME, .target_lufs = -23, .tolerance_lu = 0.5,
		.true_peak_max_dbtp = -1, .lra_max_lu = NAN,
		.short_term_max_lufs = -18, .momentary_max_lufs = NAN,
	},
	{
		.name = "atsc-a85", .title = "ATSC A/85",
		.source = "ATSC A/85:2013 (and the US CALM Act): -24 LKFS +-2 dB, "
		    "true peak <= -2 dBTP",
		.basis = QC_PROGRAMME, .target_lufs = -24, .tolerance_lu = 2,
		.true_peak_max_dbtp = -2, .lra_max_lu = NAN,
		.short_term_max_lufs = NAN, .momentary_max_lufs = NAN,
	},
	{
		.name = "netflix", .title = "Netflix",
		.source = "Netflix Sound Mix Specifications & Best Practices v1.4: "
		    "-27 LKFS +-2 LU dialogue-gated, true peak <= -2 dBTP",
		.basis = QC_DIALOGUE, .target_lufs = -27, .tolerance_lu = 2,
		.true_peak_max_dbtp = -2, .lra_max_lu = NAN,
		.short_term_max_lufs = NAN, .momentary_max_lufs = NAN,
	},
	{
		.name = "amazon", .title = "Amazon Studios",
		.source = "Amazon Studios Delivery QC, near-field 5.1/2.0 mixes: "
		    "-27 LKFS +-2 LU dialogue-gated, true peak <= -2 dBTP",
		.basis = QC_DIALOGUE, .target_lufs = -27, .tolerance_lu = 2,
		.true_peak_max_dbtp = -2, .lra_max_lu = NAN,
		.short_term_max_lufs = NAN, .momentary_max_lufs = NAN,
	},
	{
		.name = "arib-tr-b32", .title = "ARIB TR-B32",
		.source = "ARIB TR-B32 v1.9 (Japan): -24 LKFS +-1 dB, true peak "
		    "<= -1 dBTP",
		.basis = QC_PROGRAMME, .target_lufs = -24, .tolerance_lu = 1,
		.true_peak_max_dbtp = -1, .lra_max_lu = NAN,
		.short_term_max_lufs = NAN, .momentary_max_lufs = NAN,
	},
	{
		.name = "op-59", .title = "Free TV Australia OP-59",
		.source = "Free TV Australia OP-59 (2020): -24 LKFS +-1 LU, true "
		    "peak <= -2 dBTP",
		.basis = QC_PROGRAMME, .target_lufs = -24, .tolerance_lu = 1,
		.true_peak_max_dbtp = -2, .lra_max_lu = NAN,
		.short_term_max_lufs = NAN, .momentary_max_lufs = NAN,
	},
	{
		.name = "streaming-14", .title = "Streaming -14 LUFS",
		.source = "Common music/video streaming normalisation target "
		    "(Spotify, YouTube, Tidal): -14 LUFS, true peak <= -1 dBTP; "
		    "tolerance +-1 LU by convention",
		.basis = QC_PROGRAMME, .target_lufs = -14, .tolerance_lu = 1,
		.true_peak_max_dbtp = -1, .lra_max_lu = NAN,
		.short_term_max_lufs = NAN, .momentary_max_lufs = NAN,
	},
	{
		.name = "streaming-16", .title = "Streaming -16 LUFS",
		.source = "AES TD1008 (2021) streaming recommendation and Apple's "
		    "normalisation target: -16 LUFS, true peak <= -1 dBTP; "
		    "tolerance +-1 LU by convention",
		.basis = QC_PROGRAMME, .target_lufs = -16, .tolerance_lu = 1,
		.true_peak_max_dbtp = -1, .lra_max_lu = NAN,
		.short_term_max_lufs = NAN, .momentary_max_lufs = NAN,
	},
};

const struct qc_spec *
qc_specs(size_t *n)
{
	*n = sizeof specs / sizeof specs[0];
	return specs;
}

const struct qc_spec *
qc_spec_find(const char *name)
{
	for (size_t i = 0; name != NULL && i < sizeof specs / sizeof specs[0]; i++)
		if (strcasecmp(specs[i].name, name) == 0)
			return &specs[i];
	return NULL;
}

static void
add(struct qc_verdict *v, const char *name, const char *unit, double value,
    double low, double high, const char *note)
{
	struct qc_criterion *c = &v->c[v->count++];

	c->name = name;
	c->unit = unit;
	c->value = value;
	c->low = low;
	c->high = high;
	c->note = note;
	/* a missing value (nothing measurable) fails: nothing to deliver */
	if (!isfinite(value)) {
		c->margin = -INFINITY;
		c->pass = false;
	} else {
		double a = value - low, b = high - value;

		c->margin = a < b ? a : b;
		c->pass = c->margin >= 0;
	}
	if (!c->pass)
		v->pass = false;
}

void
qc_judge(const struct qc_spec *spec, const struct qc_measured *m,
    struct qc_verdict *out)
{
	double loud = spec->basis == QC_DIALOGUE ? m->speech_gated_lufs :
	    m->integrated_lufs;

	out->spec = spec;
	out->count = 0;
	out->pass = true;
	add(out, spec->basis == QC_DIALOGUE ? "dialogue-loudness" : "loudness",
	    "LUFS", loud, spec->target_lufs - spec->tolerance_lu,
	    spec->target_lufs + spec->tolerance_lu,
	    spec->basis == QC_DIALOGUE && !isfinite(loud) ?
	    "no speech found to gate on" : NULL);
	add(out, "true-peak", "dBTP", m->true_peak_dbtp, -INFINITY,
	    spec->true_peak_max_dbtp, NULL);
	if (!isnan(spec->lra_max_lu))
		add(out, "loudness-range", "LU", m->lra_lu, -INFINITY,
		    spec->lra_max_lu, NULL);
	if (!isnan(spec->short_term_max_lufs))
		add(out, "short-term-max", "LUFS", m->short_term_max_lufs,
		    -INFINITY, spec->short_term_max_lufs, NULL);
	if (!isnan(spec->momentary_max_lufs))
		add(out, "momentary-max", "LUFS", m->momentary_max_lufs,
		    -INFINITY, spec->momentary_max_lufs, NULL);
}

void
qc_verdict_json(struct json *j, const struct qc_verdict *v)
{
	json_array_begin(j);
	for (int i = 0; i < v->count; i++) {
		const struct qc_criterion *c = &v->c[i];

		json_object_begin(j);
		json_key(j, "name");
		json_string(j, c->name);
		json_key(j, "unit");
		json_string(j, c->unit);
		json_key(j, "value");
		json_double(j, c->value);
		json_key(j, "min");
		json_double(j, c->low);
		json_key(j, "max");
		json_double(j, c->high);
		json_key(j, "margin");
		json_double(j, c->margin);
		json_key(j, "pass");
		json_bool(j, c->pass);
		json_key(j, "note");
		json_string(j, c->note);
		json_object_end(j);
	}
	json_array_end(j);
}
