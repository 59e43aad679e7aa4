/*
 * live_internal.h - the live engine's state, shared by live.c (control
 * API), live_rt.c (the process callback) and live_jack.c (the client).
 *
 * Ownership by thread:
 *   control   - everything marked "control"; it also touches RT state
 *               while no client is active (before activation, offline).
 *   RT        - the process callback (and JACK's sync callback, which runs
 *               in the same thread): fields marked "RT".
 *   shared    - atomics, written by one side and read by the other.
 */
#ifndef DUBSTAGE_ENGINE_LIVE_INTERNAL_H
#define DUBSTAGE_ENGINE_LIVE_INTERNAL_H

#include <jack/jack.h>
#include <stdatomic.h>

#include "base/ring.h"
#include "engine/live.h"
#include "engine/plan.h"

#define LIVE_MAX_PORTS 256

/* A plan with what the engine keeps beside it. */
struct live_plan {
	struct plan *plan;
	int strip_count;
	/* meters as of the last period, [strip][PLAN_MAX_CHANNELS], guarded
	 * by the engine's meter_seq (a sequence lock written by RT) */
	float *peak, *rms;
	int *meter_channels;
	bool *mutes_sent;               /* control: the mutes last commanded */
};

enum live_cmd_kind {
	LC_PLAY, LC_STOP, LC_LOCATE, LC_GAIN, LC_MUTE, LC_PAN, LC_SEND,
};

struct live_cmd {
	enum live_cmd_kind kind;
	int strip, send;
	double value;
	struct pan pan;
	int64_t frame, loop_start, loop_end;   /* LC_LOCATE */
	int64_t from;                          /* LC_LOCATE: frame - pre-roll */
	uint64_t seq;
};

/* A run of frames in the tap: the timeline frame of the first, and how
 * many follow in the tap's data ring. */
struct live_tap_run {
	int64_t first;
	int32_t frames;
};

struct live {
	/* fixed at create */
	struct live_options opt;
	char client_name[64];
	char server_name[128];
	int sample_rate_hz;
	int64_t session_start;
	struct plan_options plan_opt;
	int out_channels;
	enum chan_format out_format;
	char port_names[LIVE_MAX_PORTS][64];
	int stem_port_count;            /* ports after the main outputs */

	/* the client (control opens and closes it) */
	jack_client_t *client;
	jack_port_t *ports[LIVE_MAX_PORTS];
	int port_count;

	/* control -> RT */
	struct ring *cmds;                          /* struct live_cmd */
	_Atomic(struct live_plan *) pending;        /* a plan to swap in ... */
	_Atomic int64_t pending_frame;              /* ... at this frame */
	_Atomic uint64_t locates_requested;
	_Atomic bool freewheel;                     /* set by JACK's callback */

	/* RT state */
	struct live_plan *cur;
	bool rolling;
	int64_t loop_start, loop_end;
	uint64_t locates_applied;
	int64_t audible_from;                       /* frames before it are a
	                                               pre-roll: rendered, not
	                                               played or tapped */
	int64_t follow_asked;                       /* last locate asked of control */

	/* RT -> control */
	_Atomic(struct live_plan *) retired;
	struct ring *timing;                        /* uint32_t ns per period */
	struct ring *tap_runs, *tap_data;           /* NULL without a tap */
	_Atomic uint32_t meter_seq;
	_Atomic int64_t position;
	_Atomic bool rolling_pub;
	_Atomic uint64_t periods, xruns, applied_seq, tap_dropped, rendered;
	_Atomic int64_t applied_frame;
	_Atomic int64_t follow_locate;              /* FOLLOW: RT asks control */
	_Atomic uint64_t follow_gen;
	_Atomic uint32_t latency_frames;
	_Atomic int buffer_frames;
	_Atomic int server_rate;
	_Atomic bool server_gone;                   /* shutdown callback */

	/* control */
	struct live_plan *ctl_plan;                 /* the plan RT plays */
	uint64_t next_seq;
	uint64_t follow_seen;
	uint32_t *times;
	size_t time_count, time_cap;
	uint64_t underruns_before;                  /* of retired plans */
	uint64_t reconnects;
	double next_retry;                          /* monotonic seconds */
	char message[256];
	struct live_tap_run tap_cur;                /* the run being read */
};

/* live_jack.c: opens the client, registers ports, sets the callbacks,
 * activates and connects. 0 or ERR_IO (d says why). Control thread. */
int live_jack_open(struct live *e, struct diag *d);
/* Deactivates and closes the client (NULL client: nothing). */
void live_jack_close(struct live *e);

/* live_rt.c: JACK's callbacks. */
int live_rt_process(jack_nframes_t nframes, void *arg);
int live_rt_sync(jack_transport_state_t state, jack_position_t *pos,
    void *arg);

/* live_plan.c: wraps a compiled plan. */
int live_plan_create(const struct session *s, const struct plan_options *po,
    struct live_plan **out, struct diag *d);
void live_plan_destroy(struct live_plan *lp);

double live_now(void);   /* monotonic seconds */

#endif
