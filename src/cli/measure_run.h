/*
 * measure_run.h - what `measure` and `qc` share: measuring several files
 * on both cores with one progress bar, and printing a result as JSON.
 */
#ifndef DUBSTAGE_CLI_MEASURE_RUN_H
#define DUBSTAGE_CLI_MEASURE_RUN_H

#include <stdio.h>

#include "base/json.h"
#include "qc/measure.h"

struct measured_file {
	const char *path;
	struct qc_file_result r;
	int rc;                   /* 0, or the error of qc_measure_file */
	struct diag d;
};

/* Measures n files with up to 2 worker threads (results in input order).
 * A progress bar goes to err when it is a terminal and !quiet. */
void measure_files(struct measured_file *files, int n,
    const struct qc_measure_options *o, FILE *err, bool quiet);

/* The per-file JSON object (the documented keys). */
void measure_json(struct json *j, const struct measured_file *f);

/* dBs for people: "-23.0" or "-inf". */
const char *measure_db(double v, char *buf, size_t size);

#endif
