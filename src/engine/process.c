/*
 * process.c - renders a compiled plan, one block at a time.
 *
 * The one function both drivers run (the JACK callback and the offline
 * bounce). For each block: clear the buses, then for every strip in plan
 * order (tracks, buses in signal order, master): a track mixes its voices
 * (clip gain, fades, clip-gain automation applied here); then the insert
 * chain; then, segment by segment, pre-fader sends, the fader (volume and
 * mute automation), post-fader sends and the main output through the
 * panner's matrix; then the meters. Last, the master is folded down when
 * the output format asks for it.
 *
 * Segments: gains change along straight lines between absolute timeline
 * points: every multiple of PLAN_QUANTUM and every automation breakpoint of
 * the strip. A segment's gains are evaluated at its two ends and ramped in
 * between (the ramp_*_seg kernels take the offset into the segment), so a segment
 * split across two calls renders exactly as one: output does not depend on
 * the block size. A breakpoint's value is hit exactly at its frame.
 *
 * A segment's ends and gains are worked out once and kept (struct pl_seg,
 * struct pl_route_seg: a 64-frame period is shorter than most segments),
 * and the next segment's, and the panner's next keyframe, a few blocks
 * ahead, at a block that depends on the strip's index: segments start on
 * the PLAN_QUANTUM grid for every strip at once, and doing that work in
 * their first block would make it the heaviest of all (the callback's
 * worst periods are what limit the track count). The values are the same
 * whenever they are computed: they depend only on the segment, and what
 * they derive from changes only through plan_set_* and seeks, which forget
 * them.
 *
 * Live changes (plan_set_*, at the end of this file) ramp over the
 * PLAN_QUANTUM frames from the position they are made at: the segments of
 * the fader and routes are cut at both ends of a ramp too, and inside it
 * the gains blend the coefficients in force at its start into the new
 * ones. Without a live change none of this runs, and nothing changes.
 *
 * RT contract: nothing here allocates, locks, logs or does I/O.
 */
#include "engine/process.h"
#include "engine/plan_internal.h"
#include "engine/route.h"
#include "dsp/fade.h"
#include "dsp/gain.h"
#include "dsp/ramp.h"

#include <math.h>
#include <string.h>

/* dB to linear in float: cheaper than pow() and plenty for gains. */
static inline float
db_to_lin(double db)
{
	return db <= -144.0 ? 0.0f : expf((float)db * 0.11512925464970229f);
}

/* ---- voices: clips into the track buffer -------------------------------- */

/* Applies a clip's gain envelope in place to frames [a, b) of the clip
 * (clip-relative), held in x[c][0 .. b-a). */
static void
clip_envelope(struct pl_clip *cl, float *const *x, int channels, int64_t a,
    int64_t b, float *env)
{
	int n = (int)(b - a);
	int64_t len = cl->end - cl->start;

	if (cl->gain_lane.count > 0) {
		/* clip-gain automation: per frame, exact at every frame */
		for (int i = 0; i < n; i++)
			env[i] = cl->gain_lin *
			    db_to_lin(pl_lane_eval(&cl->gain_lane, a + i));
		for (int c = 0; c < channels; c++)
			for (int i = 0; i < n; i++)
				x[c][i] *= env[i];
	} else if (cl->gain_lin != 1.0f) {
		for (int c = 0; c < channels; c++)
			ramp_apply_gain(x[c], n, cl->gain_lin);
	}
	if (cl->fade_in_frames > 1 && a < cl->fade_in_frames)
		fade_apply(x, channels, n, (enum fade_curve)cl->fade_in_shape,
		    FADE_DIR_IN, a, cl->fade_in_frames);
	if (cl->fade_out_frames > 1 && b > len - cl->fade_out_frames)
		fade_apply(x, channels, n, (enum fade_curve)cl->fade_out_shape,
		    FADE_DIR_OUT, a - (len - cl->fade_out_frames),
		    cl->fade_out_frames);
}

/* Mixes a voice's frames [pos, pos+n) into the track buffer; returns
 * whether any clip sounded. */
static bool
render_voice(struct plan *p, struct pl_strip *ps, struct pl_voice *v,
    int64_t pos, int n)
{
	float *x[PLAN_MAX_CHANNELS];
	int64_t end = pos + n;
	bool sounded = false;

	stream_voice_read(v->stream, p->scratch, n);
	while (v->cursor < v->clip_count && v->clips[v->cursor].end <= pos)
		v->cursor++;
	for (size_t k = v->cursor; k < v->clip_count; k++) {
		struct pl_clip *cl = &v->clips[k];
		int64_t a = cl->start > pos ? cl->start : pos;
		int64_t b = cl->end < end ? cl->end : end;
		int off = (int)(a - pos);

		if (cl->start >= end)
			break;
		if (a >= b || cl->gain_lin == 0.0f)
			continue;
		for (int c = 0; c < v->channels; c++)
			x[c] = p->scratch[c] + off;
		clip_envelope(cl, x, v->channels, a - cl->start, b - cl->start,
		    p->env);
		for (int c = 0; c < v->channels; c++)
			ramp_mix_unity(ps->buf[c] + off, x[c], (int)(b - a));
		sounded = true;
	}
	return sounded;
}

/* Whether the voice's frames [pos, pos+n) go into the track at one
 * constant gain: one clip covers them all, without a gain lane, outside
 * its fades, and the voice has the track's channels. */
static bool
voice_plain(struct pl_strip *ps, struct pl_voice *v, int64_t pos, int n)
{
	struct pl_clip *cl;
	int64_t a, b, len;

	while (v->cursor < v->clip_count && v->clips[v->cursor].end <= pos)
		v->cursor++;
	if (n <= 0 || v->cursor >= v->clip_count || v->channels != ps->channels)
		return false;
	cl = &v->clips[v->cursor];
	a = pos - cl->start;
	b = pos + n - cl->start;
	len = cl->end - cl->start;
	return a >= 0 && b <= len && cl->gain_lin != 0.0f &&
	    cl->gain_lane.count == 0 &&
	    !(cl->fade_in_frames > 1 && a < cl->fade_in_frames) &&
	    !(cl->fade_out_frames > 1 && b > len - cl->fade_out_frames);
}

/* Renders a track's voices into its buffer; returns whether any clip
 * sounded. The usual case, one voice playing one clip at its plain gain
 * over the whole block, reads the ring straight into the buffer: what
 * scaling the frames (ramp_apply_gain: x * g, skipped for g == 1, and
 * x * 1.0f == x), clearing the buffer and adding them gives, bit for bit
 * (stream_voice_read_sum). */
static bool
render_voices(struct plan *p, struct pl_strip *ps, int64_t pos, int n)
{
	bool silent = true;

	if (ps->voice_count == 1 && voice_plain(ps, &ps->voices[0], pos, n)) {
		struct pl_voice *v = &ps->voices[0];

		stream_voice_read_sum(v->stream, ps->buf, n,
		    v->clips[v->cursor].gain_lin);
		return true;
	}
	for (int c = 0; c < ps->channels; c++)
		memset(ps->buf[c], 0, (size_t)n * sizeof(float));
	for (size_t v = 0; v < ps->voice_count; v++)
		silent &= !render_voice(p, ps, &ps->voices[v], pos, n);
	return !silent;
}

/* ---- segments ----------------------------------------------------------- */

/* Narrows the segment [*s, *e) around frame f at point x. */
static inline void
cut_at(int64_t x, int64_t f, int64_t *s, int64_t *e)
{
	if (x > *s && x <= f)
		*s = x;
	else if (x > f && x < *e)
		*e = x;
}

/* Narrows it at both ends of a live ramp starting at from. */
static inline void
cut_live(int64_t from, int64_t f, int64_t *s, int64_t *e)
{
	if (from == PL_LIVE_NONE)
		return;
	cut_at(from, f, s, e);
	cut_at(from + PLAN_QUANTUM, f, s, e);
}

/* The weight of the new value at frame f of a live ramp starting at from,
 * or -1 outside it (the new value alone holds). A ramp's end, evaluated
 * from the left, has weight 1: exactly the new value. */
static inline float
live_weight(int64_t from, int64_t f)
{
	if (from == PL_LIVE_NONE || f < from || f - from >= PLAN_QUANTUM)
		return -1.0f;
	return (float)(f - from) / (float)PLAN_QUANTUM;
}

/* The segment [*start, *end) around frame f: between the quantum grid and
 * the strip's automation breakpoints, and with live, its live ramps'
 * ends (the inserts, which live changes do not touch, ask without). */
static void
segment_at(struct pl_strip *ps, int64_t f, bool live, int64_t *start,
    int64_t *end)
{
	int64_t s = f - (f % PLAN_QUANTUM), e = s + PLAN_QUANTUM, t;
	struct pl_lane *lanes[4] = { &ps->volume, &ps->mute_lane, &ps->pan_x,
	    &ps->pan_y };

	for (int i = 0; i < 4; i++) {
		struct pl_lane *l = lanes[i];

		if (l->count == 0)
			continue;
		pl_lane_eval(l, f);   /* moves the cursor to f */
		if (l->cursor > 0 && l->points[l->cursor - 1].frame > s)
			s = l->points[l->cursor - 1].frame;
		if ((t = pl_lane_next_point(l, f)) < e)
			e = t;
	}
	for (size_t r = 0; r < ps->send_count + ps->insert_lane_count; r++) {
		struct pl_lane *l = r < ps->send_count ? &ps->sends[r].level_lane :
		    &ps->insert_lanes[r - ps->send_count].lane;

		if (l->count == 0)
			continue;
		pl_lane_eval(l, f);
		if (l->cursor > 0 && l->points[l->cursor - 1].frame > s)
			s = l->points[l->cursor - 1].frame;
		if ((t = pl_lane_next_point(l, f)) < e)
			e = t;
	}
	if (live) {
		cut_live(ps->live_from, f, &s, &e);
		cut_live(ps->out.live_from, f, &s, &e);
		for (size_t r = 0; r < ps->send_count; r++)
			cut_live(ps->sends[r].live_from, f, &s, &e);
	}
	*start = s;
	*end = e;
}

/* The fader's static gain (linear; 0 muted), without automation. */
static float
fader_static(const struct pl_strip *ps)
{
	return ps->mute ? 0.0f : db_to_lin(ps->gain_db);
}

/*
 * Fader gain (volume automation x mute) at frame f; with left, the limit
 * from the left (a segment's end). Mute is always stepped and ramps over
 * the segment before its breakpoint (at most PLAN_QUANTUM frames), so a
 * mute never clicks. In a live ramp: the static gain in force at its
 * start, under the same automation, blended into the current gain.
 */
static float
fader_gain(struct pl_strip *ps, int64_t f, bool left)
{
	double db = 0.0;
	bool lane_mute;
	float g, g0, w;

	if (ps->volume.count > 0)
		db = left ? pl_lane_eval_left(&ps->volume, f) :
		    pl_lane_eval(&ps->volume, f);
	lane_mute = ps->mute_lane.count > 0 &&
	    pl_lane_eval(&ps->mute_lane, f) >= 0.5;
	g = ps->mute || lane_mute ? 0.0f : db_to_lin(ps->gain_db + db);
	if ((w = live_weight(ps->live_from, f)) < 0.0f)
		return g;
	g0 = lane_mute ? 0.0f : ps->live_gain0 *
	    (ps->volume.count > 0 ? db_to_lin(db) : 1.0f);
	return (1.0f - w) * g0 + w * g;
}

static double
lane_at(struct pl_lane *l, int64_t f, bool left)
{
	return left ? pl_lane_eval_left(l, f) : pl_lane_eval(l, f);
}

/* The panner's matrix into format `to` at frame f (left: the limit from
 * the left), the pan lanes px, py evaluated there (the strip's own, or
 * copies that leave its cursors alone). */
static void
pan_matrix_lanes(const struct pl_strip *ps, struct pl_lane *px, struct pl_lane *py,
    enum chan_format to, int64_t f, bool left,
    float m[PLAN_MAX_CHANNELS][PLAN_MAX_CHANNELS])
{
	struct pan pan = ps->pan;

	if (px->count > 0)
		pan.x = lane_at(px, f, left);
	if (py->count > 0)
		pan.y = lane_at(py, f, left);
	route_matrix(ps->format, to, &pan, m);
}

static void
pan_matrix_now(struct pl_strip *ps, enum chan_format to, int64_t f, bool left,
    float m[PLAN_MAX_CHANNELS][PLAN_MAX_CHANNELS])
{
	pan_matrix_lanes(ps, &ps->pan_x, &ps->pan_y, to, f, left, m);
}

/* Whether a pan lane steps at frame f (its left limit differs). */
static bool
pan_lanes_differ_left(struct pl_lane *px, struct pl_lane *py, int64_t f)
{
	struct pl_lane *lanes[2] = { px, py };

	for (int i = 0; i < 2; i++)
		if (lanes[i]->count > 0 &&
		    lane_at(lanes[i], f, true) != lane_at(lanes[i], f, false))
			return true;
	return false;
}

/* The keyframe interval around frame f: the PLAN_PAN_QUANTUM grid cut at
 * the pan lanes' (px, py) breakpoints. A frame on a boundary belongs to the
 * interval it starts, unless left (then to the one it ends). */
static void
pan_interval_lanes(struct pl_lane *px, struct pl_lane *py, int64_t f, bool left,
    int64_t *from, int64_t *to)
{
	int64_t g = left ? f - 1 : f;
	int64_t a = g - (g % PLAN_PAN_QUANTUM), b = a + PLAN_PAN_QUANTUM, t;
	struct pl_lane *lanes[2] = { px, py };

	for (int i = 0; i < 2; i++) {
		struct pl_lane *l = lanes[i];

		if (l->count == 0)
			continue;
		pl_lane_eval(l, g);
		if (l->cursor > 0 && l->points[l->cursor - 1].frame > a)
			a = l->points[l->cursor - 1].frame;
		if ((t = pl_lane_next_point(l, g)) < b)
			b = t;
	}
	*from = a;
	*to = b;
}

/* The panner's matrix into format `to` at frame f (left: the limit from the
 * left), from the strip's keyframe cache. */
static void
pan_matrix_at(struct pl_strip *ps, enum chan_format to, int64_t f, bool left,
    float m[PLAN_MAX_CHANNELS][PLAN_MAX_CHANNELS])
{
	struct pl_pan_keys *k = &ps->pan_keys[0];
	int64_t a, b;
	float w;
	int out;

	if (k->format != to && ps->pan_keys[1].format == to)
		k = &ps->pan_keys[1];
	else if (k->format != to)
		k = &ps->pan_keys[k->format == CHAN_FORMAT_COUNT ? 0 : 1];
	pan_interval_lanes(&ps->pan_x, &ps->pan_y, f, left, &a, &b);
	if (k->format != to || k->from != a || k->to != b) {
		/* moving on to the next interval: its start is the old end
		 * when the pan is continuous there, and its end may have
		 * been worked out ahead (pan_prepare_next) */
		if (k->format == to && k->to == a && !k->to_is_left)
			memcpy(k->m0, k->m1, sizeof k->m0);
		else
			pan_matrix_now(ps, to, a, false, k->m0);
		if (k->format == to && k->next_from == a && k->next_to == b && b > a) {
			memcpy(k->m1, k->next_m1, sizeof k->m1);
			k->to_is_left = k->next_to_is_left;
		} else {
			pan_matrix_now(ps, to, b, true, k->m1);
			k->to_is_left = pan_lanes_differ_left(&ps->pan_x, &ps->pan_y, b);
		}
		k->format = to;
		k->from = a;
		k->to = b;
		k->next_from = k->next_to = 0;
	}
	w = (float)(f - a) / (float)(b - a);
	out = chan_format_channels(to);
	for (int i = 0; i < ps->channels; i++)
		for (int o = 0; o < out; o++)
			m[i][o] = k->m0[i][o] + (k->m1[i][o] - k->m0[i][o]) * w;
}

/*
 * Works out the end of the keyframe interval after k's (its matrix is
 * what pan_matrix_at would compute on reaching it, trigonometry and all),
 * ahead of time: keyframe intervals start on the PLAN_PAN_QUANTUM grid
 * for every strip at once. The lanes are evaluated on copies, so the
 * strip's cursors stay where the frames still to render need them.
 */
static void
pan_prepare_next(struct pl_strip *ps, struct pl_pan_keys *k)
{
	struct pl_lane px = ps->pan_x, py = ps->pan_y;
	int64_t a, b;

	pan_interval_lanes(&px, &py, k->to, false, &a, &b);
	pan_matrix_lanes(ps, &px, &py, k->format, b, true, k->next_m1);
	k->next_to_is_left = pan_lanes_differ_left(&px, &py, b);
	k->next_from = a;
	k->next_to = b;
}

/* A route's coefficient matrix at frame f (panner x level); with left, the
 * limit from the left. Only m[0 .. in)[0 .. out) is set. */
static void
route_coefs(struct pl_strip *ps, struct pl_route *r, int64_t f, bool left,
    float m[PLAN_MAX_CHANNELS][PLAN_MAX_CHANNELS])
{
	float level = r->level_lin, lane = 1.0f, w;
	int in = ps->channels, out = r->dest->channels;

	if (r->level_lane.count > 0)
		level *= (lane = db_to_lin(lane_at(&r->level_lane, f, left)));
	if (r->follows_pan && (ps->pan_x.count > 0 || ps->pan_y.count > 0))
		pan_matrix_at(ps, r->dest->format, f, left, m);
	else
		for (int i = 0; i < in; i++)
			memcpy(m[i], r->matrix[i], (size_t)out * sizeof m[i][0]);
	if (level != 1.0f)   /* x * 1 == x: skipping it changes no bit */
		for (int i = 0; i < in; i++)
			for (int o = 0; o < out; o++)
				m[i][o] *= level;
	if ((w = live_weight(r->live_from, f)) < 0.0f)
		return;
	/* a live ramp: from the coefficients in force at its start, under
	 * the same level automation */
	for (int i = 0; i < in; i++)
		for (int o = 0; o < out; o++)
			m[i][o] = (1.0f - w) * (r->live_m0[i][o] * lane) +
			    w * m[i][o];
}

/* Of two cached segments [s0, e0) and [s1, e1), the one to replace: an
 * empty one, else the earlier. */
static inline int
slot_to_reuse(int64_t s0, int64_t e0, int64_t s1, int64_t e1)
{
	if (e0 <= s0)
		return 0;
	if (e1 <= s1)
		return 1;
	return s0 < s1 ? 0 : 1;
}

/* Route r's coefficients for the segment [s, e): at s, and the limit at
 * e when they move; worked out once per segment (in the slot of the older
 * segment) and kept for its blocks. */
static const struct pl_route_seg *
route_seg(struct pl_strip *ps, struct pl_route *r, int64_t s, int64_t e)
{
	struct pl_route_seg *c;

	if (r->seg[0].s == s && r->seg[0].e == e)
		return &r->seg[0];
	if (r->seg[1].s == s && r->seg[1].e == e)
		return &r->seg[1];
	c = &r->seg[slot_to_reuse(r->seg[0].s, r->seg[0].e, r->seg[1].s, r->seg[1].e)];
	c->moving = r->level_lane.count > 0 || ps->pan_x.count > 0 ||
	    ps->pan_y.count > 0 || live_weight(r->live_from, s) >= 0.0f;
	route_coefs(ps, r, s, false, c->m0);
	if (c->moving)
		route_coefs(ps, r, e, true, c->m1);
	c->s = s;
	c->e = e;
	return c;
}

/* Mixes frames [off, off+n) of the strip through route r, for a piece of
 * the segment [s, e) starting at frame f. */
static void
route_mix(struct pl_strip *ps, struct pl_route *r, int64_t s, int64_t e,
    int64_t f, int off, int n)
{
	const struct pl_route_seg *c = route_seg(ps, r, s, e);
	const float (*m0)[PLAN_MAX_CHANNELS] = c->m0, (*m1)[PLAN_MAX_CHANNELS] = c->m1;
	float span = (float)(e - s);
	int in = ps->channels, out = r->dest->channels, k = (int)(f - s);
	bool moving = c->moving;
	/* per input, all outputs in one pass: each output element gets the
	 * ramp_mix_gain / ramp_mix_seg arithmetic it always got */
	for (int i = 0; i < in; i++) {
		float *gout[PLAN_MAX_CHANNELS], *rout[PLAN_MAX_CHANNELS];
		float g[PLAN_MAX_CHANNELS], c0s[PLAN_MAX_CHANNELS];
		float slope[PLAN_MAX_CHANNELS];
		int ng = 0, nr = 0;

		for (int o = 0; o < out; o++) {
			float c0 = m0[i][o], c1 = moving ? m1[i][o] : c0;

			if (c0 == c1) {
				if (c0 != 0.0f) {
					gout[ng] = r->dest->buf[o] + off;
					g[ng++] = c0;
				}
			} else {
				rout[nr] = r->dest->buf[o] + off;
				c0s[nr] = c0;
				slope[nr++] = (c1 - c0) / span;
			}
		}
		if (ng + nr > 0)
			ramp_mix_fanout(ps->buf[i] + off, n, k, gout, g, ng,
			    rout, c0s, slope, nr);
	}
}

/* The insert chain over the block; automated parameters change at
 * segment starts (on the absolute grid, so block sizes do not matter). */
static void
render_inserts(struct pl_strip *ps, int64_t pos, int n)
{
	int64_t f = pos, end = pos + n;

	if (ps->insert_count == 0)
		return;
	if (ps->insert_lane_count == 0) {
		inserts_process(ps->inserts, ps->insert_count, ps->buf,
		    ps->channels, 0, n);
		return;
	}
	while (f < end) {
		float *piece[PLAN_MAX_CHANNELS];
		int64_t s, e, stop;
		int off = (int)(f - pos);

		segment_at(ps, f, false, &s, &e);
		stop = e < end ? e : end;
		if (f == s)
			for (size_t l = 0; l < ps->insert_lane_count; l++) {
				struct pl_insert_lane *il = &ps->insert_lanes[l];

				inserts_set_param(ps->inserts, il->insert, il->param,
				    pl_lane_eval(&il->lane, s));
			}
		for (int c = 0; c < ps->channels; c++)
			piece[c] = ps->buf[c] + off;
		inserts_process(ps->inserts, ps->insert_count, piece,
		    ps->channels, off, (int)(stop - f));
		f = stop;
	}
}

/*
 * The routing segment around frame f with the fader's gains at its ends:
 * from the strip's two cached segments when one holds f (every frame of a
 * segment has that same segment: none of its ends lies in between), else
 * worked out (segment_at, fader_gain) into the slot of the older one.
 */
static const struct pl_seg *
strip_seg(struct pl_strip *ps, int64_t f)
{
	struct pl_seg *c;

	if (f >= ps->seg[0].s && f < ps->seg[0].e)
		return &ps->seg[0];
	if (f >= ps->seg[1].s && f < ps->seg[1].e)
		return &ps->seg[1];
	c = &ps->seg[slot_to_reuse(ps->seg[0].s, ps->seg[0].e, ps->seg[1].s, ps->seg[1].e)];
	segment_at(ps, f, true, &c->s, &c->e);
	c->g0 = fader_gain(ps, c->s, false);
	c->g1 = fader_gain(ps, c->e, true);
	return c;
}

/*
 * Works out the segment after seg (the one starting at its end), with its
 * routes' coefficients, ahead of the block that needs it. Segments start
 * on the PLAN_QUANTUM grid for every strip at once, and the first block
 * of a segment (and, every PLAN_PAN_QUANTUM frames, of a panner keyframe
 * interval) would otherwise carry all of that work for every strip, which
 * is what sets the process callback's worst periods. Doing it earlier
 * moves the lanes' cursors ahead of the frames still to render in seg,
 * which is harmless: nothing evaluates them there (seg is cached), and a
 * live change that forgets the caches falls back to a search.
 */
static void
prepare_next_seg(struct pl_strip *ps, const struct pl_seg *seg)
{
	const struct pl_seg *next = strip_seg(ps, seg->e);

	for (size_t r = 0; r < ps->send_count; r++)
		route_seg(ps, &ps->sends[r], next->s, next->e);
	if (ps->out.dest != NULL)
		route_seg(ps, &ps->out, next->s, next->e);
}

/* Sends, fader and main output of one strip over the block. slot spreads
 * the strips' early segment work over the blocks (see prepare_next_seg). */
static void
render_routing(struct pl_strip *ps, int64_t pos, int n, size_t slot)
{
	int64_t f = pos, end = pos + n;
	const struct pl_seg *seg = NULL;

	while (f < end) {
		int64_t s, e, stop;
		int off = (int)(f - pos), cnt, k;
		float g0, g1;

		seg = strip_seg(ps, f);
		s = seg->s;
		e = seg->e;
		g0 = seg->g0;
		g1 = seg->g1;
		stop = e < end ? e : end;
		cnt = (int)(stop - f);
		k = (int)(f - s);
		for (size_t r = 0; r < ps->send_count; r++)
			if (ps->sends[r].pre_fader)
				route_mix(ps, &ps->sends[r], s, e, f, off, cnt);
		for (int c = 0; c < ps->channels; c++) {
			if (g0 == g1)
				ramp_apply_gain(ps->buf[c] + off, cnt, g0);
			else
				ramp_apply_seg(ps->buf[c] + off, cnt, g0,
				    (g1 - g0) / (float)(e - s), k);
		}
		for (size_t r = 0; r < ps->send_count; r++)
			if (!ps->sends[r].pre_fader)
				route_mix(ps, &ps->sends[r], s, e, f, off, cnt);
		if (ps->out.dest != NULL)
			route_mix(ps, &ps->out, s, e, f, off, cnt);
		f = stop;
	}
	/*
	 * The next segment, ahead of time: once at most slot % 4 blocks of
	 * this size are left of seg (none: the block ended with it), so that
	 * the strips share the work out over the four blocks of a
	 * PLAN_QUANTUM segment at 64 frames. Not with insert automation,
	 * whose render evaluates the lanes every block.
	 */
	if (seg != NULL && ps->insert_lane_count == 0 &&
	    seg->e - end <= (int64_t)n * (int64_t)(slot % 4)) {
		const struct pl_seg *other = &ps->seg[seg == &ps->seg[0] ? 1 : 0];

		if (!(other->s == seg->e && other->e > other->s))
			prepare_next_seg(ps, seg);
	}
	/*
	 * The next panner keyframe likewise, earlier still (it must be ready
	 * when the segment that reaches it is worked out): once at most
	 * (slot % 11 + 4) blocks of this size are left of the interval.
	 */
	if (ps->pan_x.count > 0 || ps->pan_y.count > 0)
		for (int i = 0; i < 2; i++) {
			struct pl_pan_keys *k = &ps->pan_keys[i];

			if (k->format != CHAN_FORMAT_COUNT && k->to > k->from &&
			    end < k->to && !(k->next_to > k->next_from) &&
			    k->to - end <= (int64_t)n * (int64_t)(slot % 11 + 4))
				pan_prepare_next(ps, k);
		}
}

/* out[o] = sum over i of m[i][o] * in[i] (fold-down). */
static void
fold(float *const *out, int out_ch, float *const *in, int in_ch,
    float m[PLAN_MAX_CHANNELS][PLAN_MAX_CHANNELS], int n)
{
	for (int o = 0; o < out_ch; o++) {
		memset(out[o], 0, (size_t)n * sizeof(float));
		for (int i = 0; i < in_ch; i++)
			if (m[i][o] != 0.0f)
				ramp_mix_gain(out[o], in[i], n, m[i][o]);
	}
}

/* How many strips ahead process_run prefetches voice frames. */
#define PREFETCH_AHEAD 2

/* The rings were last written by the streamer thread: start fetching a
 * later track's frames while this one renders. */
static inline void
prefetch_ahead(struct plan *p, size_t i, int n)
{
	if (i + PREFETCH_AHEAD < p->strip_count)
		for (size_t v = 0; v < p->strips[i + PREFETCH_AHEAD].voice_count; v++)
			stream_voice_prefetch(
			    p->strips[i + PREFETCH_AHEAD].voices[v].stream, n);
}

/* After a strip's inserts: its key copy, routing and meters. */
static void
finish_strip(struct plan *p, struct pl_strip *ps, bool silent, int64_t pos,
    int n, size_t i)
{
	if (ps->is_key)   /* what keyed inserts hear: pre-fader */
		for (int c = 0; c < ps->channels; c++)
			memcpy(ps->key_buf[c], ps->buf[c], (size_t)n * sizeof(float));
	/* a silent track without inserts adds nothing anywhere */
	if (!(silent && ps->insert_count == 0))
		render_routing(ps, pos, n, i);
	if (p->meters)
		meter_process(&ps->meter, (const float *const *)ps->buf,
		    ps->channels, n);
}

/*
 * Tracks i .. i+count-1 (a group: see plan_group_tracks): voices, then the
 * inserts stage by stage across the group, so that their compressors run
 * side by side (inserts_process_stage), then each one's routing. Each
 * strip sees the same operations in the same order as alone, and no strip
 * of the group reads another's buffers, so the output is the same bits.
 */
static void
render_group(struct plan *p, size_t i, int count, int64_t pos, int n)
{
	struct pl_insert *chain[INSERTS_GROUP_MAX];
	float *buf[INSERTS_GROUP_MAX];
	bool silent[INSERTS_GROUP_MAX];

	for (int k = 0; k < count; k++) {
		struct pl_strip *ps = &p->strips[i + (size_t)k];

		prefetch_ahead(p, i + (size_t)k, n);
		silent[k] = !render_voices(p, ps, pos, n);
		chain[k] = ps->inserts;
		buf[k] = ps->buf[0];
	}
	for (size_t stage = 0; stage < p->strips[i].insert_count; stage++)
		inserts_process_stage(chain, stage, buf, count, n);
	for (int k = 0; k < count; k++)
		finish_strip(p, &p->strips[i + (size_t)k], silent[k], pos, n,
		    i + (size_t)k);
}

void
process_run(struct plan *p, int n)
{
	int64_t pos = p->position;

	/* buses and the master sum what the strips before them send; a
	 * track's buffer only ever holds its own voices (cleared there) */
	for (size_t i = 0; i < p->strip_count; i++)
		if (p->strips[i].kind != PL_TRACK)
			for (int c = 0; c < p->strips[i].channels; c++)
				memset(p->strips[i].buf[c], 0,
				    (size_t)n * sizeof(float));
	for (size_t i = 0; i < p->strip_count;) {
		struct pl_strip *ps = &p->strips[i];
		bool silent = false;

		if (ps->group > 1) {
			render_group(p, i, ps->group, pos, n);
			i += (size_t)ps->group;
			continue;
		}
		prefetch_ahead(p, i, n);
		if (ps->kind == PL_TRACK)
			silent = !render_voices(p, ps, pos, n);
		render_inserts(ps, pos, n);
		finish_strip(p, ps, silent, pos, n, i);
		i++;
	}
	if (p->fold) {
		fold(p->out, p->out_channels, p->master->buf, p->master->channels,
		    p->fold_matrix, n);
	}
	for (int i = 0; i < p->stem_count; i++)
		if (p->stem_fold[i] != NULL)
			fold(p->stem_out[i], p->out_channels, p->stems[i]->buf,
			    p->stems[i]->channels, p->stem_fold[i]->m, n);
	p->position += n;
}

/* ---- live changes (render thread) --------------------------------------- */

static struct pl_strip *
live_strip(struct plan *p, int strip)
{
	return strip < 0 || (size_t)strip >= p->strip_count ? NULL :
	    &p->strips[strip];
}

/* Starts a fader ramp at the plan's position from the static gain in force
 * there; call before changing the static values, then live_fader_end. */
static void
live_fader_begin(struct plan *p, struct pl_strip *ps)
{
	float now = fader_static(ps), w = live_weight(ps->live_from, p->position);

	if (w >= 0.0f)
		now = (1.0f - w) * ps->live_gain0 + w * now;
	ps->live_gain0 = now;
	ps->live_from = p->position;
}

/* A ramp to the gain already in force is no ramp. */
static void
live_fader_end(struct pl_strip *ps)
{
	if (fader_static(ps) == ps->live_gain0)
		ps->live_from = PL_LIVE_NONE;
}

/* Route r's coefficients at frame f without its level automation: the
 * (automated) panner's matrix times the static level. */
static void
route_static(struct pl_strip *ps, struct pl_route *r, int64_t f,
    float m[PLAN_MAX_CHANNELS][PLAN_MAX_CHANNELS])
{
	if (r->follows_pan && (ps->pan_x.count > 0 || ps->pan_y.count > 0))
		pan_matrix_at(ps, r->dest->format, f, false, m);
	else
		memcpy(m, r->matrix, sizeof r->matrix);
	for (int i = 0; i < ps->channels; i++)
		for (int o = 0; o < r->dest->channels; o++)
			m[i][o] *= r->level_lin;
}

/* Starts a ramp of route r (see live_fader_begin). */
static void
live_route_begin(struct plan *p, struct pl_strip *ps, struct pl_route *r)
{
	float now[PLAN_MAX_CHANNELS][PLAN_MAX_CHANNELS];
	float w = live_weight(r->live_from, p->position);

	route_static(ps, r, p->position, now);
	for (int i = 0; i < ps->channels; i++)
		for (int o = 0; o < r->dest->channels; o++)
			r->live_m0[i][o] = w < 0.0f ? now[i][o] :
			    (1.0f - w) * r->live_m0[i][o] + w * now[i][o];
	r->live_from = p->position;
}

static void
live_route_end(struct plan *p, struct pl_strip *ps, struct pl_route *r)
{
	float now[PLAN_MAX_CHANNELS][PLAN_MAX_CHANNELS];

	route_static(ps, r, p->position, now);
	for (int i = 0; i < ps->channels; i++)
		for (int o = 0; o < r->dest->channels; o++)
			if (now[i][o] != r->live_m0[i][o])
				return;
	r->live_from = PL_LIVE_NONE;
}

void
plan_set_gain(struct plan *p, int strip, double db)
{
	struct pl_strip *ps = live_strip(p, strip);

	if (ps == NULL || ps->gain_db == db)
		return;
	pl_strip_forget_segment(ps);
	live_fader_begin(p, ps);
	ps->gain_db = db;
	live_fader_end(ps);
}

void
plan_set_mute(struct plan *p, int strip, bool mute)
{
	struct pl_strip *ps = live_strip(p, strip);

	if (ps == NULL || ps->mute == mute)
		return;
	pl_strip_forget_segment(ps);
	live_fader_begin(p, ps);
	ps->mute = mute;
	live_fader_end(ps);
}

void
plan_set_pan(struct plan *p, int strip, const struct pan *pan)
{
	struct pl_strip *ps = live_strip(p, strip);
	struct pl_route *r;

	if (ps == NULL || memcmp(&ps->pan, pan, sizeof *pan) == 0)
		return;
	pl_strip_forget_segment(ps);
	for (size_t k = 0; k <= ps->send_count; k++) {
		r = k < ps->send_count ? &ps->sends[k] : &ps->out;
		if (r->dest != NULL && r->follows_pan)
			live_route_begin(p, ps, r);
	}
	ps->pan = *pan;
	/* the automated panner's keyframes hold the old static values */
	ps->pan_keys[0].format = ps->pan_keys[1].format = CHAN_FORMAT_COUNT;
	for (size_t k = 0; k <= ps->send_count; k++) {
		r = k < ps->send_count ? &ps->sends[k] : &ps->out;
		if (r->dest == NULL || !r->follows_pan)
			continue;
		route_matrix(ps->format, r->dest->format, &ps->pan, r->matrix);
		live_route_end(p, ps, r);
	}
}

void
plan_set_send_level(struct plan *p, int strip, int send, double db)
{
	struct pl_strip *ps = live_strip(p, strip);
	struct pl_route *r;
	float lin;

	if (ps == NULL || send < 0 || (size_t)send >= ps->send_count)
		return;
	r = &ps->sends[send];
	lin = r->mute ? 0.0f : (float)gain_db_to_lin(db);
	if (r->level_lin == lin)
		return;
	pl_strip_forget_segment(ps);
	live_route_begin(p, ps, r);
	r->level_lin = lin;
	live_route_end(p, ps, r);
}
