/*
 * media.h - finding and probing the media files a session plays.
 *
 * Probing opens a file with libsndfile and reads its header only (channels,
 * rate, length, container). media_refresh() brings a session's sources'
 * online flags up to date and reports where the files on disk disagree with
 * what the session recorded (a relinked or re-rendered file), so `info`,
 * `validate` and the console can say so before anything plays.
 *
 * Main thread (or any non-RT thread); never prints.
 */
#ifndef DUBSTAGE_INTERCHANGE_MEDIA_H
#define DUBSTAGE_INTERCHANGE_MEDIA_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "session/check.h"
#include "session/session.h"

struct media_info {
	int channels;
	int sample_rate_hz;
	int64_t length_frames;
	char format[16];      /* "wav", "aiff", "flac", "rf64", ... */
};

/* Reads a media file's header. 0, ERR_NOTFOUND (no such file), ERR_IO
 * (unreadable or not audio: d says libsndfile's reason). */
int media_probe(const char *path, struct media_info *out, struct diag *d);

/*
 * Probes every source of s: sets source.online to whether its file opens as
 * audio, and appends to report (may be NULL) an error for each missing or
 * unreadable file and for each file whose channels, rate or length differ
 * from what the session records. Returns 0 or ERR_NOMEM.
 */
int media_refresh(struct session *s, struct check_list *report);

#endif
