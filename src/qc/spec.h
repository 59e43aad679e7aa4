/*
 * spec.h - delivery loudness specifications as data, and judging a
 * measurement against one.
 *
 * A spec names its loudness target (programme loudness or speech-gated
 * dialogue loudness) with a tolerance, a true-peak ceiling and optional
 * limits on loudness range and on the largest short-term or momentary
 * loudness. Every spec cites its source (listed in dubstage(1)). Adding a
 * spec is adding a row to the table in spec.c.
 */
#ifndef DUBSTAGE_QC_SPEC_H
#define DUBSTAGE_QC_SPEC_H

#include <stdbool.h>
#include <stddef.h>

enum qc_basis {
	QC_PROGRAMME,    /* integrated loudness of the whole programme (BS.1770) */
	QC_DIALOGUE,     /* speech-gated loudness (our own speech detector) */
};

struct qc_spec {
	const char *name;            /* command-line name: "ebu-r128" */
	const char *title;           /* "EBU R 128" */
	const char *source;          /* the document it comes from */
	enum qc_basis basis;
	double target_lufs;
	double tolerance_lu;         /* pass within target +- tolerance */
	double true_peak_max_dbtp;
	double lra_max_lu;           /* NAN: no limit */
	double short_term_max_lufs;  /* NAN: no limit (EBU R 128 s1) */
	double momentary_max_lufs;   /* NAN: no limit */
};

/* All specs, in listing order; count in *n. */
const struct qc_spec *qc_specs(size_t *n);
/* The spec called name (case-insensitive), or NULL. */
const struct qc_spec *qc_spec_find(const char *name);

/* What was measured (values may be -INFINITY / NAN when absent). */
struct qc_measured {
	double integrated_lufs;
	double speech_gated_lufs;
	double speech_percent;
	double lra_lu;
	double short_term_max_lufs;
	double momentary_max_lufs;
	double true_peak_dbtp;
};

#define QC_MAX_CRITERIA 6

/* One line of a verdict: what was checked, the value, the limit and the
 * margin (positive = inside the limit by that much). */
struct qc_criterion {
	const char *name;            /* "loudness", "true-peak", "lra", ... */
	const char *unit;            /* "LUFS", "dBTP", "LU" */
	double value;
	double low, high;            /* the allowed range (-inf/+inf: open) */
	double margin;
	bool pass;
	const char *note;            /* NULL, or why (e.g. "no speech found") */
};

struct qc_verdict {
	const struct qc_spec *spec;
	struct qc_criterion c[QC_MAX_CRITERIA];
	int count;
	bool pass;                   /* every criterion passed */
};

struct json;

/* Writes the verdict's criteria as a JSON array (name, unit, value, min,
 * max, margin, pass, note). */
void qc_verdict_json(struct json *j, const struct qc_verdict *v);

/* Judges m against spec. Pure. */
void qc_judge(const struct qc_spec *spec, const struct qc_measured *m,
    struct qc_verdict *out);

#endif
