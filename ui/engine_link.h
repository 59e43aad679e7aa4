/*
 * engine_link.h - the console's one handle on the real-time engine.
 *
 * Without a JACK server the link is offline: the console still edits,
 * cleans and measures; the status line says why the engine is offline, and
 * the link connects by itself when a server appears. After every command
 * that changed the session the console calls engine_link_sync: changes of
 * faders, mutes, solos, pans and send levels travel as click-free
 * parameter commands; anything else (clips, routing, inserts) compiles a
 * new plan that is swapped in at an exact frame.
 *
 * Main thread only.
 */
#ifndef DUBSTAGE_UI_ENGINE_LINK_H
#define DUBSTAGE_UI_ENGINE_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session/session.h"

struct engine_link;
struct console_snapshot;

struct engine_link_options {
	const char *server_name;   /* NULL: $JACK_DEFAULT_SERVER or "default" */
	bool connect;              /* connect to the playback ports */
	bool disabled;             /* --no-engine: never talk to JACK */
};

/* Opens the link (offline when no server). 0, ERR_NOMEM, or the session's
 * compile error (e.g. a routing loop) with a message in msg. */
int engine_link_open(struct engine_link **out, const struct session *s,
    const struct engine_link_options *o, char *msg, size_t msg_size);
void engine_link_close(struct engine_link *el);   /* NULL ok */

/* Housekeeping and the snapshot for this tick. */
void engine_link_poll(struct engine_link *el, struct console_snapshot *snap);

void engine_link_play(struct engine_link *el);
void engine_link_stop(struct engine_link *el);
void engine_link_locate(struct engine_link *el, int64_t frame);

/* Brings the engine to session s after an edit. 0, or an error with a
 * message (the engine keeps playing what it had). */
int engine_link_sync(struct engine_link *el, const struct session *s,
    char *msg, size_t msg_size);

/* Post-fader meters of a strip ({ID_BUS, 0}: master), linear; returns the
 * channel count (0 when offline or unknown). */
int engine_link_meter(struct engine_link *el, struct id id, float *peak,
    float *rms, int max_channels);

/* What the outputs played since the last call (interleaved, channels()
 * wide), for the loudness meter. Returns frames (0: none). */
int engine_link_tap(struct engine_link *el, float *buf, int max_frames);
int engine_link_channels(const struct engine_link *el);
enum chan_format engine_link_format(const struct engine_link *el);
int engine_link_rate(const struct engine_link *el);

#endif
