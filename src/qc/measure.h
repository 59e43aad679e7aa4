/*
 * measure.h - measuring a file's loudness for `measure`, `qc` and the
 * compliant bounce: read with libsndfile, channel layout from the WAV
 * channel mask (or given), our BS.1770-5 meter (dsp/loudness) with the
 * speech detector for dialogue-gated loudness, or libebur128 as an
 * independent cross-check.
 *
 * Main thread (or one worker thread per file); never prints.
 */
#ifndef DUBSTAGE_QC_MEASURE_H
#define DUBSTAGE_QC_MEASURE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "qc/series.h"
#include "qc/spec.h"

#define QC_MAX_CHANNELS 16

enum qc_meter {
	QC_METER_DUBSTAGE,     /* ours: 10 ms M/S, Tech 3342 LRA, accurate TP */
	QC_METER_LIBEBUR128,   /* libebur128, for comparison */
};

struct qc_measure_options {
	enum qc_meter meter;
	const char *layout;       /* NULL: from the channel mask; else "stereo",
	                             "5.1", "7.1", "7.1.2", "mono" */
	bool speech;              /* run the speech detector (dialogue gating) */
	bool true_peak_accurate;  /* the accurate true peak (else BS.1770 Annex 2) */
	int threads;              /* 1 or 2: threads for one file's meter */
	struct qc_series *series; /* NULL, or filled every 100 ms for a plot */
	/* progress (frames done of total), may be NULL */
	void (*progress)(void *ctx, int64_t done, int64_t total);
	void *progress_ctx;
};

struct qc_file_result {
	int channels;
	int sample_rate_hz;
	int64_t frames;
	char layout[16];          /* "5.1", or "custom" */
	char channel_names[QC_MAX_CHANNELS][8];
	struct qc_measured m;     /* the figures a spec judges */
	double sample_peak_dbfs;
	double true_peak_ch_dbtp[QC_MAX_CHANNELS];
	double sample_peak_ch_dbfs[QC_MAX_CHANNELS];
	double lra_low_lufs, lra_high_lufs;
};

void qc_measure_options_default(struct qc_measure_options *o);

/*
 * Measures path. 0, or ERR_NOTFOUND / ERR_IO (not readable as audio),
 * ERR_INVALID (zero-length audio, more channels than the layout, an
 * unknown layout), ERR_NOMEM; d says which and why.
 */
int qc_measure_file(const char *path, const struct qc_measure_options *o,
    struct qc_file_result *r, struct diag *d);

#endif
