/*
 * import.h - turning an interchange file into a session: `dubstage import`.
 *
 * The AAF reader (aaf.h) gives a plain description of the timeline; this
 * builds the session from it: sources for every essence (external media
 * found through its locator, the AAF's folder and --media-dir folders;
 * embedded media extracted once into the session's media folder as WAV),
 * one track per audio track with its volume, pan, mute, solo and
 * automation, clips with positions, lengths, source offsets, fades,
 * crossfades and gains, markers, the start timecode and rate. Missing
 * media never stops an import: the clip stays, its source is offline, and
 * the report lists it.
 */
#ifndef DUBSTAGE_INTERCHANGE_IMPORT_H
#define DUBSTAGE_INTERCHANGE_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "interchange/aaf.h"
#include "session/session.h"

struct import_options {
	const char *session_path;        /* where the session will be saved */
	const char *const *media_dirs;   /* --media-dir folders */
	size_t nmedia_dirs;
	bool keep_rendered_fades;        /* Pro Tools: raw fade clips */
	bool keep_sae_clips;             /* Pro Tools: sample-accurate-edit clips */
};

struct import_report {
	size_t tracks, clips, sources, markers;
	size_t missing;                  /* sources offline */
	size_t extracted;                /* embedded essences written */
	char **lines;                    /* warnings and missing media, for people */
	size_t nlines;
};

/*
 * Imports the AAF at aaf_path into a new session (caller frees). Embedded
 * essence is written into <session folder>/media/. 0, or the reader's
 * errors (ERR_IO, ERR_PARSE, ERR_SEMANTIC), ERR_IO when extracting fails,
 * ERR_NOMEM; d says what and where.
 */
int import_aaf(const char *aaf_path, const struct import_options *o,
    struct session **out, struct import_report *rep, struct diag *d);

void import_report_fini(struct import_report *rep);

#endif
