/*
 * streamer.h - reads media ahead of the playhead into per-voice rings.
 *
 * A voice is one lane of a track's clips that never overlap each other
 * (a track with crossfades has two or more voices). The streamer thread
 * turns each voice into a continuous, timeline-aligned stream of frames at
 * the session rate: source audio (resampled with libsamplerate when the
 * source has another rate) where a clip plays, zeros elsewhere. Everything
 * else (clip gain, fades, mute, mixing) is the process function's job, so
 * what the streamer delivers is the same for a live play and a bounce.
 *
 * Threads: create/add/start/locate/destroy on the control thread; one
 * streamer thread does all file I/O; exactly one consumer (the RT process
 * thread or the offline bounce loop) calls stream_voice_read, which is
 * RT-safe. Memory is bounded: each voice has a ring of a fixed length.
 *
 * Locate handshake (no locks on the consumer side): the control thread asks
 * for a new position with streamer_locate(); the consumer acknowledges at
 * the start of its next cycle with streamer_consumer_sync() and reads no
 * voice until streamer_ready() says the refill for that position is done.
 * The streamer resets the rings only after the acknowledgement, so it never
 * races a read.
 *
 * Loops: with a loop [loop_start, loop_end), each voice streams from the
 * position up to loop_end, then from loop_start on, over and over; the
 * consumer renders loop_end - 1, then moves its own timeline to loop_start
 * (plan_seek, not a locate) and reads on: the frames are seamless and
 * timeline-correct. A resampled source restarts its resampler at every
 * wrap, exactly as a locate to loop_start would.
 *
 * Underruns: a voice read that finds its ring short plays silence for the
 * missing frames and owes them: the next reads discard that many frames
 * before delivering any, so the voice stays aligned with the timeline
 * (frames that arrive late are dropped, never played late).
 */
#ifndef DUBSTAGE_ENGINE_STREAMER_H
#define DUBSTAGE_ENGINE_STREAMER_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"

#define STREAM_MAX_CHANNELS 16

enum stream_quality {
	STREAM_QUALITY_BEST,    /* offline: libsamplerate SRC_SINC_BEST_QUALITY */
	STREAM_QUALITY_MEDIUM,  /* live: SRC_SINC_MEDIUM_QUALITY */
};

/* One channel of a clip: which file and which of its channels. */
struct stream_input {
	const char *path;          /* borrowed until streamer_add_voice returns;
	                              "" = offline media, plays as silence */
	int source_channel;        /* 0-based */
	int sample_rate_hz;        /* the file's rate as the session records it */
};

/* One clip on a voice: timeline frames [start, end) play source frames from
 * source_offset on (in the source's own frames). */
struct stream_clip {
	int64_t start_frames, end_frames;
	int64_t source_offset_frames;
	struct stream_input inputs[STREAM_MAX_CHANNELS];  /* one per voice channel */
};

struct stream_config {
	int sample_rate_hz;        /* the session rate */
	double ring_seconds;       /* how far ahead each voice reads (> 0) */
	enum stream_quality quality;
	int read_delay_us;         /* test/diagnostic: the thread sleeps this
	                              long before every file read (a slow
	                              disk); 0 = none */
};

struct streamer;
struct stream_voice;

/* Creates a stopped streamer. 0 or ERR_NOMEM / ERR_INVALID. */
int streamer_create(const struct stream_config *cfg, struct streamer **out);

/* Adds a voice of `channels` channels with its clips sorted by start and not
 * overlapping (copied). Only before streamer_start. *out stays valid until
 * streamer_destroy. */
int streamer_add_voice(struct streamer *st, int channels,
    const struct stream_clip *clips, size_t clip_count,
    struct stream_voice **out);

/* Starts the thread and begins filling from timeline frame position:
 * streamer_start_loop without a loop. */
int streamer_start(struct streamer *st, int64_t position_frames);

/* Starts the thread and begins filling from position, looping over
 * [loop_start, loop_end) (loop_end <= loop_start: no loop). A position
 * before loop_start plays up into the loop (a pre-roll); one at or after
 * loop_end is ERR_INVALID. 0, ERR_INVALID (also when started already) or
 * ERR_NOMEM. Control thread. */
int streamer_start_loop(struct streamer *st, int64_t position_frames,
    int64_t loop_start, int64_t loop_end);

/* Stops the thread and frees everything (NULL is a no-op). */
void streamer_destroy(struct streamer *st);

/* Control thread: move the stream to position (see the handshake above),
 * without a loop. */
void streamer_locate(struct streamer *st, int64_t position_frames);

/* Control thread: move the stream to position and loop over [loop_start,
 * loop_end) from there (loop_end <= loop_start: no loop), as
 * streamer_start_loop does; a position at or after loop_end is clamped to
 * loop_start. */
void streamer_locate_loop(struct streamer *st, int64_t position_frames,
    int64_t loop_start, int64_t loop_end);

/* Consumer, at the start of each cycle: acknowledges a pending locate
 * (and forgets the voices' underrun debts: the new stream starts
 * aligned). RT-safe. While no consumer reads the streamer (a plan being
 * prepared), the control thread may call it itself. */
void streamer_consumer_sync(struct streamer *st);

/* True when every voice is filled for the latest start or locate target
 * (acknowledged as above) and reading may go on. Any thread: the consumer
 * polls it before reading; the control thread waits on it for a new
 * plan's streamer before handing that plan to the render thread. RT-safe. */
bool streamer_ready(const struct streamer *st);

/*
 * Consumer: copies the voice's next `frames` frames into planar
 * out[channel] and returns how many were available (after paying off any
 * debt, above); missing frames are zero-filled, owed, and counted as one
 * underrun. RT-safe.
 */
int stream_voice_read(struct stream_voice *v, float *const *out, int frames);

/* stream_voice_read, except that each delivered frame x is written as
 * x * gain + 0.0f: exactly what scaling it by gain and summing it into a
 * zeroed buffer gives (-0.0 becomes +0.0; x * 1.0f == x), so reading
 * straight into a mix buffer renders bit for bit what read, scale, clear
 * and add did. Zero-filled (missing) frames are +0.0. RT-safe. */
int stream_voice_read_sum(struct stream_voice *v, float *const *out,
    int frames, float gain);

/* A cache hint: starts fetching the voice's next `frames` frames (call it
 * a while before stream_voice_read). Consumer only; changes nothing.
 * RT-safe. */
void stream_voice_prefetch(const struct stream_voice *v, int frames);

/* Frames the consumer could read from every voice right now (the minimum).
 * RT-safe. */
int64_t streamer_available_frames(const struct streamer *st);

/* Consumer (offline only): blocks until every voice has at least `frames`
 * frames or the streamer failed. Returns 0, or the streamer's error. */
int streamer_wait_available(struct streamer *st, int frames);

/* Problems seen so far: underruns (reads that found a ring short), the
 * frames they zero-filled, and the first I/O error (0 if none) with its
 * message. Any thread. */
uint64_t streamer_underruns(const struct streamer *st);
uint64_t streamer_underrun_frames(const struct streamer *st);
int streamer_error(const struct streamer *st, struct diag *d);

#endif
