/*
 * layout.h - which loudspeaker each channel of a file feeds, and so its
 * BS.1770-5 weight: from the WAV channel mask (through libsndfile's
 * channel map), from a named layout, or from the channel count.
 *
 * Weights (BS.1770-5): L, R, C 1.0; LFE excluded (0); the 5.1 surrounds
 * (at +-110 degrees) 1.41; in 7.1 the side pair (+-90) 1.41 and the rear
 * pair (+-135..150) 1.0; the 7.1.2 top pair 1.0.
 */
#ifndef DUBSTAGE_QC_LAYOUT_H
#define DUBSTAGE_QC_LAYOUT_H

#include <sndfile.h>

#include "base/error.h"

#define QC_LAYOUT_MAX 16

enum qc_speaker {
	SPK_MONO, SPK_L, SPK_R, SPK_C, SPK_LFE, SPK_LS, SPK_RS,   /* 5.1 surrounds */
	SPK_LSS, SPK_RSS, SPK_LRS, SPK_RRS, SPK_LTOP, SPK_RTOP, SPK_OTHER,
};

struct qc_layout {
	char name[16];               /* "5.1", "custom" */
	int channels;
	enum qc_speaker speaker[QC_LAYOUT_MAX];
	double weight[QC_LAYOUT_MAX];
	char label[QC_LAYOUT_MAX][8];
};

/*
 * The layout of an open file: `forced` (a name: mono, stereo, 5.1, 7.1,
 * 7.1.2) when not NULL, else the file's channel map, else the usual order
 * for its channel count (1 mono, 2 stereo, 6 L R C LFE Ls Rs, 8 L R C LFE
 * Lss Rss Lrs Rrs, 10 the 7.1.2 bed). 0, or ERR_INVALID (unknown name, or
 * a file with a different number of channels than the layout; d says so).
 */
int qc_layout_of(SNDFILE *f, int channels, const char *forced,
    struct qc_layout *out, struct diag *d);

/*
 * The signal the speech detector (dsp/speech.h) listens to, frames long
 * into out: the centre channel when there is one, else the sum of the
 * fronts (a centred voice gains 6 dB over a wide bed), else channel 0.
 */
void qc_speech_signal(const struct qc_layout *lay, const float *const *ch,
    int frames, float *out);

#endif
