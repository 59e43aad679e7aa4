#include "qc/layout.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *label;
	double weight;
} speakers[] = {
	[SPK_MONO] = { "M", 1.0 },   [SPK_L] = { "L", 1.0 },
	[SPK_R] = { "R", 1.0 },      [SPK_C] = { "C", 1.0 },
	[SPK_LFE] = { "LFE", 0.0 },  [SPK_LS] = { "Ls", 1.41 },
	[SPK_RS] = { "Rs", 1.41 },   [SPK_LSS] = { "Lss", 1.41 },
	[SPK_RSS] = { "Rss", 1.41 }, [SPK_LRS] = { "Lrs", 1.0 },
	[SPK_RRS] = { "Rrs", 1.0 },  [SPK_LTOP] = { "Ltm", 1.0 },
	[SPK_RTOP] = { "Rtm", 1.0 }, [SPK_OTHER] = { "?", 1.0 },
};

static const struct {
	const char *name;
	int channels;
	enum qc_speaker spk[10];
} named[] = {
	{ "mono", 1, { SPK_MONO } },
	{ "stereo", 2, { SPK_L, SPK_R } },
	{ "5.1", 6, { SPK_L, SPK_R, SPK_C, SPK_LFE, SPK_LS, SPK_RS } },
	{ "7.1", 8, { SPK_L, SPK_R, SPK_C, SPK_LFE, SPK_LSS, SPK_RSS, SPK_LRS,
	    SPK_RRS } },
	{ "7.1.2", 10, { SPK_L, SPK_R, SPK_C, SPK_LFE, SPK_LSS, SPK_RSS, SPK_LRS,
	    SPK_RRS, SPK_LTOP, SPK_RTOP } },
};

static void
fill(struct qc_layout *out, const char *name, int channels,
    const enum qc_speaker *spk)
{
	snprintf(out->name, sizeof out->name, "%s", name);
	out->channels = channels;
	for (int c = 0; c < channels; c++) {
		out->speaker[c] = spk[c];
		out->weight[c] = speakers[spk[c]].weight;
		snprintf(out->label[c], sizeof out->label[c], "%s",
		    speakers[spk[c]].label);
	}
}

/* The file's own map, if libsndfile has one for it (WAVE_FORMAT_EXTENSIBLE).
 * Back surrounds are 5.1's surrounds in a 6-channel file and the rear pair
 * of a 7.1. Returns 0 when the map is usable. */
static int
from_map(SNDFILE *f, int channels, struct qc_layout *out)
{
	int map[QC_LAYOUT_MAX];
	enum qc_speaker spk[QC_LAYOUT_MAX];
	bool have_side = false;

	if (channels > QC_LAYOUT_MAX || sf_command(f, SFC_GET_CHANNEL_MAP_INFO,
	    map, (int)(sizeof(int) * (size_t)channels)) != SF_TRUE)
		return -1;
	for (int c = 0; c < channels; c++)
		have_side |= map[c] == SF_CHANNEL_MAP_SIDE_LEFT ||
		    map[c] == SF_CHANNEL_MAP_SIDE_RIGHT;
	for (int c = 0; c < channels; c++) {
		switch (map[c]) {
		case SF_CHANNEL_MAP_MONO: spk[c] = SPK_MONO; break;
		case SF_CHANNEL_MAP_LEFT:
		case SF_CHANNEL_MAP_FRONT_LEFT: spk[c] = SPK_L; break;
		case SF_CHANNEL_MAP_RIGHT:
		case SF_CHANNEL_MAP_FRONT_RIGHT: spk[c] = SPK_R; break;
		case SF_CHANNEL_MAP_CENTER:
		case SF_CHANNEL_MAP_FRONT_CENTER: spk[c] = SPK_C; break;
		case SF_CHANNEL_MAP_LFE: spk[c] = SPK_LFE; break;
		case SF_CHANNEL_MAP_REAR_LEFT:
			spk[c] = have_side ? SPK_LRS : SPK_LS;
			break;
		case SF_CHANNEL_MAP_REAR_RIGHT:
			spk[c] = have_side ? SPK_RRS : SPK_RS;
			break;
		case SF_CHANNEL_MAP_SIDE_LEFT: spk[c] = SPK_LSS; break;
		case SF_CHANNEL_MAP_SIDE_RIGHT: spk[c] = SPK_RSS; break;
		case SF_CHANNEL_MAP_TOP_FRONT_LEFT:
		case SF_CHANNEL_MAP_TOP_REAR_LEFT: spk[c] = SPK_LTOP; break;
		case SF_CHANNEL_MAP_TOP_FRONT_RIGHT:
		case SF_CHANNEL_MAP_TOP_REAR_RIGHT: spk[c] = SPK_RTOP; break;
		default: spk[c] = SPK_OTHER; break;
		}
	}
	fill(out, "custom", channels, spk);
	/* give it its usual name when it is one */
	for (size_t k = 0; k < sizeof named / sizeof named[0]; k++) {
		bool same = named[k].channels == channels;

		for (int c = 0; same && c < channels; c++) {
			bool found = false;

			for (int j = 0; j < channels; j++)
				found |= named[k].spk[j] == spk[c];
			same = found;
		}
		if (same) {
			snprintf(out->name, sizeof out->name, "%s", named[k].name);
			break;
		}
	}
	return 0;
}

int
qc_layout_of(SNDFILE *f, int channels, const char *forced,
    struct qc_layout *out, struct diag *d)
{
	memset(out, 0, sizeof *out);
	if (channels < 1 || channels > QC_LAYOUT_MAX)
		return diag_set(d, ERR_INVALID, NULL, 0, "%d channels: at most %d "
		    "can be measured", channels, QC_LAYOUT_MAX);
	for (size_t k = 0; k < sizeof named / sizeof named[0]; k++) {
		if (forced != NULL ? strcmp(forced, named[k].name) != 0 :
		    named[k].channels != channels)
			continue;
		if (forced != NULL && named[k].channels != channels)
			return diag_set(d, ERR_INVALID, NULL, 0, "the file has %d "
			    "channels, layout %s has %d", channels, forced,
			    named[k].channels);
		if (forced == NULL && f != NULL && from_map(f, channels, out) == 0)
			return 0;
		fill(out, named[k].name, channels, named[k].spk);
		return 0;
	}
	if (forced != NULL)
		return diag_set(d, ERR_INVALID, NULL, 0, "no layout '%s' (mono, "
		    "stereo, 5.1, 7.1, 7.1.2)", forced);
	if (f != NULL && from_map(f, channels, out) == 0)
		return 0;
	return diag_set(d, ERR_INVALID, NULL, 0, "%d channels and no channel "
	    "mask: give --layout", channels);
}

void
qc_speech_signal(const struct qc_layout *lay, const float *const *ch,
    int frames, float *out)
{
	int c_at = -1, l_at = -1, r_at = -1;

	for (int c = 0; c < lay->channels; c++) {
		if (lay->speaker[c] == SPK_C)
			c_at = c;
		else if (lay->speaker[c] == SPK_L)
			l_at = c;
		else if (lay->speaker[c] == SPK_R)
			r_at = c;
	}
	if (c_at >= 0)
		memcpy(out, ch[c_at], (size_t)frames * sizeof *out);
	else if (l_at >= 0 && r_at >= 0)
		for (int i = 0; i < frames; i++)
			out[i] = ch[l_at][i] + ch[r_at][i];
	else
		memcpy(out, ch[0], (size_t)frames * sizeof *out);
}
