/*
 * live.h - the real-time engine: a compiled plan played through a JACK
 * client.
 *
 * One JACK client per engine. Its output ports are named after the output
 * format's channels ("L", "R", "C", "LFE", "Ls", "Rs", ...), optionally
 * followed by one port per stem channel ("<stem>-<channel>"). The process
 * callback runs process_run on JACK's real-time thread and never blocks:
 * everything it hears from the control side arrives through lock-free rings
 * and atomics, and everything it tells comes back the same way.
 *
 * Threads: every live_* function below is for one control thread (the
 * console's main loop, or `dubstage play`), which must call live_poll()
 * every few tens of milliseconds: it drains the timing figures, frees
 * plans the real-time thread has retired, and reconnects to a server that
 * went away. JACK's threads call the engine's callbacks.
 *
 * Transport: the engine owns its playhead (timeline frames). Play, stop,
 * locate and loop are commands; a locate outputs silence (never stale or
 * garbage audio) until the media streamer has refilled for the new
 * position. With LIVE_TRANSPORT_DRIVE the engine also starts, stops and
 * locates JACK's transport; with LIVE_TRANSPORT_FOLLOW it follows it (JACK
 * frame 0 = the session's timecode start).
 *
 * Sample rate: the session must run at the server's rate; another rate is
 * refused with a message naming both (no resampled playback).
 */
#ifndef DUBSTAGE_ENGINE_LIVE_H
#define DUBSTAGE_ENGINE_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "session/session.h"

enum live_transport {
	LIVE_TRANSPORT_OWN,      /* ignore JACK transport */
	LIVE_TRANSPORT_DRIVE,    /* play/stop/locate move JACK transport too */
	LIVE_TRANSPORT_FOLLOW,   /* JACK transport moves the engine */
};

struct live_options {
	const char *client_name;     /* default "dubstage" */
	const char *server_name;     /* NULL: $JACK_DEFAULT_SERVER or "default" */
	bool connect;                /* connect outputs to the physical playback
	                                ports (default yes) */
	bool stem_ports;             /* a port per stem channel too */
	enum chan_format output_format;  /* CHAN_FORMAT_COUNT = the master's */
	double read_ahead_seconds;   /* media read ahead per voice (default 4) */
	int read_delay_us;           /* diagnostic: a slow disk (default 0) */
	enum live_transport transport;
	size_t tap_frames;           /* > 0: keep a tap of the output (tests,
	                                freewheel bounces) this many frames deep */
	bool best_resampling;        /* offline-quality resampling of media at
	                                another rate (freewheel bounces) */
	bool start_offline;          /* no server (or another rate) at create:
	                                start offline and keep retrying in
	                                live_poll (the console) instead of
	                                failing */
};

void live_options_default(struct live_options *o);

struct live;

/*
 * Compiles the session (borrowed: the engine copies what it needs) and
 * opens the JACK client, stopped at the session's start. 0, or ERR_SEMANTIC
 * (routing loop), ERR_NOMEM, ERR_IO (no server, or the server's rate is not
 * the session's: d says which; with o->start_offline these leave the
 * engine offline instead, live_status telling why).
 */
int live_create(const struct session *s, const struct live_options *o,
    struct live **out, struct diag *d);
void live_destroy(struct live *e);   /* NULL is a no-op */

/* Housekeeping; call every 10-100 ms from the control thread. */
void live_poll(struct live *e);

/* ---- transport ----------------------------------------------------------- */

void live_play(struct live *e);
void live_stop(struct live *e);
/* Moves the playhead to a timeline frame (inside the loop when looping). */
void live_locate(struct live *e, int64_t frame);
/* Loops [start, end) while playing; end <= start ends the loop. Setting a
 * loop relocates (a short silence while the media refills). */
void live_set_loop(struct live *e, int64_t start, int64_t end);

/* ---- mixer controls (a click-free ramp over PLAN_QUANTUM frames) ---------- */

/* Each returns a command number (0 when the id is unknown or the command
 * ring is full); live_command_frame tells where it took effect. */
uint64_t live_set_gain(struct live *e, struct id strip, double db);
uint64_t live_set_mute(struct live *e, struct id strip, bool mute);
uint64_t live_set_pan(struct live *e, struct id strip, const struct pan *pan);
uint64_t live_set_send_level(struct live *e, struct id strip, struct id bus,
    double db);
/* After the session's mute or solo flags changed: sends the mutes that
 * solo-in-place implies. Returns the last command number (0 if none). */
uint64_t live_update_mutes(struct live *e, const struct session *s);
/* True once command `seq` has been applied; *frame (may be NULL) is the
 * timeline frame where the latest applied command took effect. */
bool live_command_frame(struct live *e, uint64_t seq, int64_t *frame);

/*
 * A routing change (buses, sends, inserts, clips): compiles the session
 * into a new plan off the real-time thread, prefills its media, and swaps
 * it in at an exact frame without a gap; the old plan comes back and is
 * freed here. Blocks up to a few seconds. 0, or the compile error, or
 * ERR_IO when the real-time side did not take the plan.
 */
int live_update_session(struct live *e, const struct session *s,
    struct diag *d);

/* ---- what the engine reports ---------------------------------------------- */

struct live_status {
	bool online;                 /* connected to a running server */
	bool rolling;
	bool freewheeling;
	int64_t position;            /* the next timeline frame to render */
	int64_t loop_start, loop_end;
	int sample_rate_hz;
	int buffer_frames;           /* the server's period */
	uint32_t playback_latency_frames;  /* ports to speakers (JACK's latency) */
	uint64_t periods;            /* process callbacks run */
	uint64_t frames_played;      /* frames rendered (not silence) */
	uint64_t xruns;              /* the server's xrun reports */
	uint64_t underruns;          /* media not read in time */
	uint64_t reconnects;
	char message[256];           /* why offline ("" when online) */
};

void live_status(struct live *e, struct live_status *st);

/* Post-fader meters of a strip ({ID_BUS, 0} = master) as of the last
 * period: falling peak and RMS per channel, linear. Returns channels. */
int live_meter(struct live *e, struct id id, float *peak, float *rms,
    int max_channels);

/* The process callback's own time per period, in microseconds. */
struct live_timing {
	uint64_t periods;
	double median_us, p99_us, max_us;
};
void live_timing(struct live *e, struct live_timing *t);

/*
 * The tap: what the output ports carried, with timeline positions. Reads
 * up to max_frames interleaved frames (live_output_channels wide) of one
 * contiguous rendered run into buf; *first is the timeline frame of the
 * first. Returns frames read (0: nothing yet). Control thread.
 */
int live_tap_read(struct live *e, float *buf, int max_frames, int64_t *first);
int live_output_channels(const struct live *e);
enum chan_format live_output_format(const struct live *e);

/*
 * Freewheel: the server runs as fast as the engine can render. In this
 * mode the engine never underruns (it waits for media and for room in the
 * tap instead of advancing), so a bounce through it is the offline bounce.
 * 0, or ERR_IO.
 */
int live_set_freewheel(struct live *e, bool on);

#endif
