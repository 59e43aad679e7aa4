/*
 * deliver.h - a bounce delivered to a spec (`bounce --spec`): render,
 * measure, apply the gain that meets the spec's loudness target, true-peak
 * limit to its ceiling, measure the written file again, and judge it. A
 * file is called compliant only when that final measurement passes; if the
 * limiter's result still reads over the ceiling, the limit pass is redone
 * with a larger margin (a few times at most).
 *
 * The first render goes to hidden float files beside the master, removed
 * at the end. Stems get the master's gain (not its limiter), so they still
 * add up to the master's balance. The QC report is written beside the
 * master as MASTER.qc.json.
 */
#ifndef DUBSTAGE_BOUNCE_DELIVER_H
#define DUBSTAGE_BOUNCE_DELIVER_H

#include "bounce/bounce.h"
#include "qc/measure.h"
#include "qc/spec.h"

struct deliver_result {
	struct bounce_result files;     /* what was written (final names) */
	struct qc_file_result before;   /* the raw render */
	struct qc_file_result after;    /* the delivered master */
	struct qc_verdict verdict;      /* after, judged against the spec */
	double gain_db;                 /* applied to master and stems */
	double margin_db;               /* limiter margin of the last pass */
	int passes;                     /* limit passes made */
	char report_path[4096];
};

/*
 * Renders s as o says, delivered to spec. Returns 0 when the files were
 * written (res->verdict.pass says whether they comply), or an error as
 * bounce_run does (d says why); ERR_SEMANTIC also when the render has
 * nothing to measure (silence, or no speech for a dialogue spec).
 */
int bounce_deliver(const struct session *s, const struct bounce_options *o,
    const struct qc_spec *spec, struct deliver_result *res, struct diag *d);

#endif
