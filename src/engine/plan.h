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
	bool meters;                /* compute meters (off for a bounce) */
};

/* Fills the defaults (block 1024, session format, -3.01/-3.01 dB, LFE dropped,
 * 2 s read-ahead, best resampling, meters on). */
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

/* Moves the render position (and the streamer) to a timeline frame. Not
 * RT: call before starting, or on the control thread while the RT side is
 * told to locate (issue: JACK driver). */
void plan_locate(struct plan *p, int64_t position_frames);
int64_t plan_position(const struct plan *p);

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

#endif
