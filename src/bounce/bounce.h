/*
 * bounce.h - offline render of a session to WAV files: the master, and with
 * stems every stem bus to its own file. The second driver of the engine
 * (the first is JACK): it compiles the same plan and runs the same
 * process_run, as fast as the CPU allows, with the media read ahead by the
 * plan's streamer thread on the other core.
 *
 * Files appear under their final names only when complete (wav_out): an
 * error, a full disk or an interruption leaves nothing half-written.
 * Same session, same options: byte-identical files.
 */
#ifndef DUBSTAGE_BOUNCE_BOUNCE_H
#define DUBSTAGE_BOUNCE_BOUNCE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "bounce/wav_out.h"
#include "session/session.h"

#define BOUNCE_MAX_STEMS 64

struct bounce_options {
	const char *master_path;          /* the master file */
	bool stems;                       /* also each stem bus */
	/* stem files go here as <master name>.<stem name>.wav; NULL: beside
	 * the master */
	const char *stems_dir;
	enum chan_format format;          /* fold-down target; CHAN_FORMAT_COUNT = session's */
	double downmix_centre_db;         /* fold-down levels (BS.775: -3.01) */
	double downmix_surround_db;
	bool downmix_lfe;                 /* keep the LFE in a fold-down (-3 dB) */
	int64_t start_frames, end_frames; /* the range; end <= start = whole session */
	enum wav_sample_format sample_format;
	int block_frames;                 /* render block (default 4096) */
	bool allow_missing_media;         /* else missing media refuses the bounce */
	/* render through the JACK engine in freewheel mode (master only):
	 * the same file, proof that what is heard is what is bounced */
	bool freewheel;
	const char *jack_server;          /* NULL: the default server */

	/* progress (main thread), may be NULL */
	void (*progress)(void *ctx, int64_t done_frames, int64_t total_frames);
	void *progress_ctx;
	/* set asynchronously (e.g. by SIGINT) to stop: the bounce is abandoned */
	volatile sig_atomic_t *cancel;

	uint64_t rf64_threshold_bytes;    /* test hook (0 = the real 4 GiB limit) */
};

void bounce_options_default(struct bounce_options *o);

struct bounce_result {
	int64_t frames;                   /* frames written per file */
	int file_count;                   /* master + stems written */
	char paths[1 + BOUNCE_MAX_STEMS][4096];
	uint64_t underruns;               /* media not ready in time (0 offline) */
};

/*
 * Renders s (borrowed) as the options say. 0, or ERR_INVALID (bad range or
 * options), ERR_SEMANTIC (missing media, routing), ERR_IO (writing: d says
 * which file and why), ERR_NOTHING (cancelled), ERR_NOMEM. Main thread.
 */
int bounce_run(const struct session *s, const struct bounce_options *o,
    struct bounce_result *res, struct diag *d);

/* The stem file path for a stem named name (caller's buffer). */
void bounce_stem_path(const struct bounce_options *o, const char *name,
    char *buf, size_t size);

#endif
