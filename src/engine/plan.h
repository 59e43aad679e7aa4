/*
 * plan.h - a session compiled for playing: the engine's public contract.
 *
 * plan_compile (control thread) turns a session into a flat list of steps
 * (tracks, then buses in signal order, then the master) with every buffer,
 * kernel state and automation table allocated and touched. process_run
 * (process.h) renders it block by block on the real-time thread or in an
 * offline bounce: the same function, so what is heard is what is bounced.
 *
 * Determinism: rendering depends only on the session and the start
 * position, never on the block sizes the driver uses: every parameter
 * change (automation, ramps) happens at absolute timeline frames (multiples
 * of PLAN_QUANTUM and automation breakpoints), and every kernel gives the
 * same output however its input is split into calls.
 */
#ifndef DUBSTAGE_ENGINE_PLAN_H
#define DUBSTAGE_ENGINE_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "engine/streamer.h"
#include "session/session.h"

/* Control quantum: automation is evaluated at least this often (frames). */
#define PLAN_QUANTUM 256
#define PLAN_MAX_CHANNELS 10   /* 7.1.2 */
#define PLAN_METER_RMS_MS 300.0  /* RMS meter time constant */

struct plan_options {
	int max_block_frames;       /* largest process_run call (> 0) */
	enum chan_format output_format;  /* fold-down target; >= CHAN_FORMAT_COUNT
	                                    = the session's master format */
	double downmix_centre_db;   /* BS.775 fold-down levels (default -3.01) */
	double downmix_surround_db;
	bool downmix_lfe;           /* include the LFE in a fold-down (default no) */
	double stream_ring_seconds; /* read-ahead per voice */
	enum stream_quality stream_quality;
	int stream_read_delay_us;   /* test/diagnostic: slow-disk simulation
	                               (stream_config.read_delay_us); 0 = none */
	bool meters;                /* compute meters (off for a bounce) */
};

/* Fills the defaults (block 1024, session format, -3.01/-3.01 dB, LFE dropped,
 * 2 s read-ahead, best resampling, no read delay, meters on). */
void plan_options_default(struct plan_options *o);

struct plan;

/* Compiles s (borrowed: the plan copies what it needs, so the session may
 * change afterwards) into a plan whose streamer is created but not started.
 * 0, or ERR_NOMEM, ERR_INVALID (bad options), ERR_SEMANTIC (a routing loop;
 * d says where). Control thread. */
int plan_compile(const struct session *s, const struct plan_options *opt,
    struct plan **out, struct diag *d);
void plan_destroy(struct plan *p);   /* NULL is a no-op; control thread */

/* The plan's media streamer (owned by the plan). */
struct streamer *plan_streamer(struct plan *p);

/* Moves the render position (and the streamer) to a timeline frame:
 * plan_seek + streamer_locate. Not RT: call before starting, or while no
 * thread renders the plan. */
void plan_locate(struct plan *p, int64_t position_frames);

/*
 * Moves the render state alone to a timeline frame: the position, the
 * automation and clip cursors, the insert kernels (reset: their history is
 * cleared) and the panner caches; live ramps in progress end (the values
 * set last are in force at once). The streamer is not told: the caller
 * locates it (streamer_locate) or knows it already streams from there (a
 * loop wrap, streamer_locate_loop). Render thread, between process_run
 * calls. RT-safe.
 */
void plan_seek(struct plan *p, int64_t position_frames);
int64_t plan_position(const struct plan *p);

/*
 * The pre-roll a start at a position needs: the largest latency of a
 * track's inserts (0 when none has any). A seek resets the inserts, and a
 * latent track plays its clips early, so right after a seek to frame f its
 * insert chain would still be filling: its first `latency` frames out
 * would be silence where the session has audio. Seeking to
 * f - plan_preroll_frames(p) instead and discarding that many frames of
 * output fills every chain with the audio before f, so what comes out
 * from f on is the session's frame f on every track (bounce and the live
 * engine's own transport do this). Any thread.
 */
int plan_preroll_frames(const struct plan *p);

/*
 * Strips: every track, bus and the master, by index in plan order (tracks,
 * buses in signal order, the master last; not the session's order). The
 * master's id is {ID_BUS, 0}. Static after plan_compile: any thread.
 */
int plan_strip_count(const struct plan *p);
/* The index of the strip with id, or -1. */
int plan_strip_index(const struct plan *p, struct id id);
/* The id of strip i (0 <= i < plan_strip_count). */
struct id plan_strip_id(const struct plan *p, int i);
/* The index of strip `strip`'s send to bus `send` (sends have no ids of
 * their own: a strip has at most one send per bus, so the destination bus
 * names it), or -1 when it has none or strip is out of range. */
int plan_send_index(const struct plan *p, int strip, struct id send);

/*
 * Live parameter changes, for the driver's console. Render thread, between
 * process_run calls; RT-safe (at most O(channels^2) work, plus a panner's
 * trigonometry for plan_set_pan). Each change takes effect at the plan's
 * position (the next frame rendered): the parameter ramps linearly from
 * the value in force at that frame to the new one over PLAN_QUANTUM frames,
 * so nothing clicks; a change during a ramp starts from the value in force
 * at that moment. Setting the value already in force changes nothing.
 * Automation still overrides what it automates (pan and volume automation
 * play on top of the static pan and fader as they do at compile time; the
 * fader gain multiplies volume automation). A live value lasts for the
 * plan's life (plan_seek keeps it, ending only the ramp); the session is
 * not changed: the control thread edits it too, for the next compile.
 * strip is a plan_strip_index, send a plan_send_index; out-of-range
 * indexes are ignored.
 */
void plan_set_gain(struct plan *p, int strip, double db);       /* fader */
void plan_set_mute(struct plan *p, int strip, bool mute);       /* to/from 0 */
void plan_set_pan(struct plan *p, int strip, const struct pan *pan);
void plan_set_send_level(struct plan *p, int strip, int send, double db);
                                                  /* a send the session mutes
                                                     stays silent */

/*
 * Control thread: mutes[i] (plan_strip_count entries) = whether strip i is
 * silent for the session's current mute and solo flags: its own mute, or
 * silenced by solo-in-place (exactly as plan_compile decides). The master
 * is never muted; a strip the session no longer has counts as muted. The
 * live driver calls this after a solo or mute changes and sends
 * plan_set_mute for every strip whose value changed.
 */
void plan_session_mutes(const struct plan *p, const struct session *s,
    bool *mutes);

/* The rendered output of the last process_run: channel buffers of the
 * output format (fold-down applied). Valid until the next process_run. */
int plan_output_channels(const struct plan *p);
enum chan_format plan_output_format(const struct plan *p);
const float *const *plan_output(const struct plan *p);

/* Stem buses (BUS_STEM), in session order: count, id, and the last block's
 * post-fader signal in the output format's family (folded like the master
 * when a fold-down is asked for). */
int plan_stem_count(const struct plan *p);
struct id plan_stem_id(const struct plan *p, int i);
const char *plan_stem_name(const struct plan *p, int i);
int plan_stem_channels(const struct plan *p, int i);
enum chan_format plan_stem_format(const struct plan *p, int i);
const float *const *plan_stem_output(const struct plan *p, int i);

/* Meter readings of a track, bus or the master ({ID_BUS, 0}), post-fader:
 * falling peak and RMS (PLAN_METER_RMS_MS time constant) per channel,
 * linear. Returns the channel count, 0 for an unknown id. Read on the
 * render thread or while it is stopped (the live engine publishes them
 * through its snapshot). */
int plan_meter(const struct plan *p, struct id id, float *peak, float *rms,
    int max_channels);
/* The same by plan strip index (RT-safe: the live engine's snapshot). */
int plan_strip_meter(const struct plan *p, int strip, float *peak,
    float *rms, int max_channels);

#endif
