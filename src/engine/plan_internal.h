/*
 * plan_internal.h - the compiled plan as plan.c builds it and process.c runs
 * it. Only the engine includes this; everyone else sees plan.h.
 *
 * Ownership: the plan owns every array below (freed by plan_destroy).
 * Threads: compile/destroy on the control thread; process_run reads the
 * static parts and updates the "run state" fields (cursors, ramps, meters)
 * on the render thread only. The live values (a strip's gain_db, mute and
 * pan, a route's matrix and level_lin) are static too, except that
 * plan_set_* change them on the render thread; ids, kinds, formats and
 * the routing graph never change after compile.
 */
#ifndef DUBSTAGE_ENGINE_PLAN_INTERNAL_H
#define DUBSTAGE_ENGINE_PLAN_INTERNAL_H

#include "engine/plan.h"
#include "engine/inserts.h"
#include "dsp/meter.h"

/* An automation lane: sorted points (owned), plus the render cursor. */
struct pl_lane {
	struct auto_point *points;
	size_t count;
	size_t cursor;          /* run state: first point with frame > last eval */
};

struct pl_clip {
	int64_t start, end;             /* timeline frames */
	float gain_lin;                 /* clip gain, 0 when muted */
	int64_t fade_in_frames, fade_out_frames;
	enum fade_shape fade_in_shape, fade_out_shape;
	struct pl_lane gain_lane;       /* dB, clip-relative frames; count 0 = none */
};

struct pl_voice {
	struct stream_voice *stream;    /* owned by the plan's streamer */
	int channels;
	struct pl_clip *clips;          /* sorted, not overlapping */
	size_t clip_count;
	size_t cursor;                  /* run state */
};

struct pl_strip;

/*
 * Live changes (plan_set_*): a ramp runs over the frames [from, from +
 * PLAN_QUANTUM) and blends the coefficients in force at `from` (kept) into
 * the ones computed from the new static values, with weight (f - from) /
 * PLAN_QUANTUM. Segments are cut at both ends of a ramp, so the segment
 * end-point evaluation stays exact. PL_LIVE_NONE: no ramp.
 */
#define PL_LIVE_NONE INT64_MIN

/* A connection from a strip to a bus or the master: the main output or a
 * send. The matrix maps the strip's channels to the destination's. */
struct pl_route {
	struct pl_strip *dest;
	bool is_send;
	bool pre_fader;
	bool follows_pan;               /* matrix depends on the (automated) pan */
	bool mute;                      /* a send the session mutes */
	float level_lin;                /* static send level (1 for outputs) */
	struct pl_lane level_lane;      /* send level automation (dB) */
	float matrix[PLAN_MAX_CHANNELS][PLAN_MAX_CHANNELS];  /* [in][out], static pan */

	int64_t live_from;              /* run state: live ramp start or NONE */
	float live_m0[PLAN_MAX_CHANNELS][PLAN_MAX_CHANNELS];  /* run state: the
	                                   coefficients in force at live_from,
	                                   without level automation */

	/* Run state: the coefficients route_mix worked out for two routing
	 * segments (see struct pl_seg). */
	struct pl_route_seg {
		int64_t s, e;           /* the segment [s, e); none when e <= s */
		bool moving;            /* m1 differs from m0 (else unset) */
		float m0[PLAN_MAX_CHANNELS][PLAN_MAX_CHANNELS];  /* at s */
		float m1[PLAN_MAX_CHANNELS][PLAN_MAX_CHANNELS];  /* limit at e */
	} seg[2];
};

/*
 * Run state: a routing segment (see process.c) with the fader's gain at
 * its start and the limit at its end. A strip keeps two, the one being
 * rendered and the next (worked out ahead, in a block where the strip has
 * time to spare, so that the blocks where segments start all at once do
 * not carry all the work), and each route the coefficients of the same
 * two. They depend only on the segment and on values that change through
 * plan_set_* and seeks, which forget them (pl_strip_forget_segment).
 */
struct pl_seg {
	int64_t s, e;                   /* [s, e); none when e <= s */
	float g0, g1;
};

/*
 * Automated panning: panner matrices are computed at keyframes (every
 * PLAN_PAN_QUANTUM frames of the timeline and at every pan breakpoint) and
 * interpolated linearly in between; computing one costs trigonometry, so
 * the strip keeps the last keyframe pair per destination format.
 */
#define PLAN_PAN_QUANTUM 1024

struct pl_pan_keys {
	enum chan_format format;        /* destination format; COUNT = unused */
	int64_t from, to;               /* keyframe interval; from > to = empty */
	bool to_is_left;                /* `to` holds the left limit (a step) */
	float m0[PLAN_MAX_CHANNELS][PLAN_MAX_CHANNELS];  /* at from */
	float m1[PLAN_MAX_CHANNELS][PLAN_MAX_CHANNELS];  /* just before to */
	/* The interval after this one, [next_from, next_to) (none when
	 * next_to <= next_from), with its m1 and to_is_left worked out ahead
	 * of time (process.c, pan_prepare_next). */
	int64_t next_from, next_to;
	bool next_to_is_left;
	float next_m1[PLAN_MAX_CHANNELS][PLAN_MAX_CHANNELS];
};

/* Automation of an insert's parameter, applied at segment starts. */
struct pl_insert_lane {
	size_t insert;
	int param;                      /* inserts_param_index */
	struct pl_lane lane;
};

enum pl_strip_kind { PL_TRACK, PL_BUS, PL_MASTER };

struct pl_strip {
	enum pl_strip_kind kind;
	struct id id;
	char *name;
	enum chan_format format;
	int channels;
	float *buf[PLAN_MAX_CHANNELS];  /* max_block frames each */

	struct pl_voice *voices;
	size_t voice_count;
	struct pl_insert *inserts;
	size_t insert_count;
	int latency;                    /* the inserts' (tracks play this early) */
	struct pl_insert_lane *insert_lanes;
	size_t insert_lane_count;
	bool is_key;                    /* a sidechain key: keep a pre-fader copy */
	int group;                      /* > 1: this and the next group-1 tracks
	                                   render their inserts together
	                                   (plan_group_tracks) */
	float *key_buf[PLAN_MAX_CHANNELS];

	double gain_db;                 /* static fader (live: plan_set_gain) */
	struct pl_lane volume;          /* dB */
	bool mute;                      /* static mute (incl. solo-in-place) */
	struct pl_lane mute_lane;       /* 0/1 */
	struct pan pan;                 /* static panner */
	struct pl_lane pan_x, pan_y;    /* automated panner */

	struct pl_pan_keys pan_keys[2]; /* run state */
	int64_t live_from;              /* run state: fader ramp start or NONE */
	float live_gain0;               /* run state: the fader's static gain in
	                                   force at live_from (linear, 0 muted) */
	struct pl_seg seg[2];           /* run state: see struct pl_seg */

	struct pl_route out;            /* dest NULL for the master */
	struct pl_route *sends;
	size_t send_count;

	bool is_stem;

	struct meter meter;             /* run state: post-fader peak and RMS */
};

struct plan {
	int sample_rate_hz;
	int max_block;
	int64_t position;               /* next frame to render */
	int preroll;                    /* the largest track latency */
	bool meters;

	struct pl_strip *strips;        /* tracks, buses (signal order), master */
	size_t strip_count;
	struct pl_strip *master;

	struct streamer *streamer;
	float *scratch[PLAN_MAX_CHANNELS];  /* voice read buffers */

	/* output (the master or its fold-down) */
	enum chan_format out_format;
	int out_channels;
	bool fold;                      /* out differs from the master format */
	float fold_matrix[PLAN_MAX_CHANNELS][PLAN_MAX_CHANNELS];
	float *out[PLAN_MAX_CHANNELS];

	/* stems: the stem buses' post-fader signal, folded to the output
	 * format when they have more channels than it (stem_fold non-NULL) */
	struct pl_strip **stems;
	float *(*stem_out)[PLAN_MAX_CHANNELS];
	struct pl_fold { float m[PLAN_MAX_CHANNELS][PLAN_MAX_CHANNELS]; } **stem_fold;
	int stem_count;
	float *env;                     /* per-frame clip gain envelope */

	void *arena;                    /* one allocation holding all audio buffers */
};

/* Value of a lane at a frame, moving its cursor (frames must not go
 * backwards between calls except after lane_rewind). RT-safe. */
double pl_lane_eval(struct pl_lane *l, int64_t frame);
/* The value just before frame (the limit from the left): differs from
 * pl_lane_eval only where a step (held) value ends at frame. Segment ramps
 * end on it, so a step jumps exactly at its breakpoint. RT-safe. */
double pl_lane_eval_left(struct pl_lane *l, int64_t frame);
/* First breakpoint strictly after frame, or INT64_MAX. RT-safe. */
int64_t pl_lane_next_point(const struct pl_lane *l, int64_t frame);
/* Positions the cursor for frame (binary search). RT-safe. */
void pl_lane_seek(struct pl_lane *l, int64_t frame);

/* Forgets the strip's and its routes' segment caches (after anything they
 * derive from changed: plan_set_*, seeks). RT-safe. */
static inline void
pl_strip_forget_segment(struct pl_strip *ps)
{
	for (int k = 0; k < 2; k++) {
		ps->seg[k].s = ps->seg[k].e = 0;
		ps->out.seg[k].s = ps->out.seg[k].e = 0;
		for (size_t r = 0; r < ps->send_count; r++)
			ps->sends[r].seg[k].s = ps->sends[r].seg[k].e = 0;
	}
}

#endif
