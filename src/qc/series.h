/*
 * series.h - loudness over time, for plots: momentary, short-term and the
 * running integrated loudness, and the highest true peak, one value per
 * step (100 ms), kept in growable arrays (main thread only).
 */
#ifndef DUBSTAGE_QC_SERIES_H
#define DUBSTAGE_QC_SERIES_H

#include <stddef.h>
#include <stdio.h>

#include "qc/spec.h"

struct qc_series {
	double step_s;               /* seconds between values */
	float *momentary;            /* LUFS (-INFINITY for silence) */
	float *short_term;
	float *integrated;           /* running integrated loudness */
	float *true_peak;            /* highest true peak so far, dBTP */
	size_t count, cap;
};

void qc_series_init(struct qc_series *s, double step_s);
void qc_series_fini(struct qc_series *s);
/* Appends one step. 0 or ERR_NOMEM. */
int qc_series_add(struct qc_series *s, float momentary, float short_term,
    float integrated, float true_peak);

/*
 * Draws the series as an SVG document on out: momentary (thin) and
 * short-term (bold) loudness, the running integrated loudness, a mark on
 * every step whose true peak passes the spec's ceiling, and the spec's
 * target, tolerance band and true-peak ceiling when spec is not NULL. An
 * over is marked where the running true peak rises past the ceiling.
 * title is escaped. Returns 0 or ERR_IO.
 */
int qc_series_svg(const struct qc_series *s, const struct qc_spec *spec,
    const char *title, FILE *out);

#endif
