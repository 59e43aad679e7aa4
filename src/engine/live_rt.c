/*
 * live_rt.c - the live engine's process callback, on JACK's real-time
 * thread.
 *
 * Each period: apply the commands that arrived, then render. Rendering
 * goes in chunks of at most the plan's block size, cut at the loop end
 * (the playhead wraps there) and at the frame where a new plan is due (the
 * swap happens exactly there), and the outputs are copied to the ports and
 * the tap. Nothing is rendered, and the ports carry silence, while
 * stopped, while a locate waits for media, or (freewheeling) while the
 * media or the tap is not ready: a freewheel never underruns.
 *
 * RT contract: no allocation, locks, I/O or logging; rt_scope marks the
 * callback for RealtimeSanitizer and the tests' allocation counter.
 */
#include "engine/live_internal.h"
#include "engine/process.h"
#include "base/rt_scope.h"

#include <string.h>
#include <time.h>

static void
apply_command(struct live *e, const struct live_cmd *c)
{
	struct plan *p = e->cur->plan;

	switch (c->kind) {
	case LC_PLAY:
		if (e->opt.transport == LIVE_TRANSPORT_OWN)
			e->rolling = true;
		break;
	case LC_STOP:
		if (e->opt.transport == LIVE_TRANSPORT_OWN)
			e->rolling = false;
		break;
	case LC_LOCATE:
		plan_seek(p, c->from);
		e->audible_from = c->frame;
		e->loop_start = c->loop_start;
		e->loop_end = c->loop_end;
		e->locates_applied++;
		break;
	case LC_GAIN:
		plan_set_gain(p, c->strip, c->value);
		break;
	case LC_MUTE:
		plan_set_mute(p, c->strip, c->value != 0.0);
		break;
	case LC_PAN:
		plan_set_pan(p, c->strip, &c->pan);
		break;
	case LC_SEND:
		plan_set_send_level(p, c->strip, c->send, c->value);
		break;
	}
	atomic_store_explicit(&e->applied_frame, plan_position(p),
	    memory_order_relaxed);
	atomic_store_explicit(&e->applied_seq, c->seq, memory_order_release);
}

static void
drain_commands(struct live *e)
{
	struct live_cmd c;

	while (ring_read(e->cmds, &c, 1) == 1)
		apply_command(e, &c);
}

static bool
looping(const struct live *e)
{
	return e->loop_end > e->loop_start;
}

/* Whether the media and the tap let the engine render n frames now. */
static bool
can_render(struct live *e, int n)
{
	struct streamer *st = plan_streamer(e->cur->plan);
	bool fw = atomic_load_explicit(&e->freewheel, memory_order_relaxed);

	streamer_consumer_sync(st);
	if (!e->rolling || !streamer_ready(st))
		return false;
	/* a locate asked for but not yet received: the rings may already
	 * hold the new position's media (see live.c, live_locate) */
	if (atomic_load_explicit(&e->locates_requested, memory_order_acquire) !=
	    e->locates_applied)
		return false;
	if (fw) {
		if (streamer_available_frames(st) < n)
			return false;
		if (e->tap_data != NULL && (ring_write_space(e->tap_data) <
		    (size_t)n || ring_write_space(e->tap_runs) < 4))
			return false;
	}
	return true;
}

static void
tap_write(struct live *e, const float *const *out, int n, int64_t first)
{
	struct live_tap_run run = { first, n };
	struct ring_span s;
	int ch = e->out_channels;
	int k = 0;

	if (ring_write_space(e->tap_data) < (size_t)n ||
	    ring_write_space(e->tap_runs) < 1) {
		atomic_fetch_add_explicit(&e->tap_dropped, (uint64_t)n,
		    memory_order_relaxed);
		return;
	}
	ring_write_span(e->tap_data, &s);
	for (int part = 0; part < 2 && k < n; part++) {
		float *dst = part == 0 ? s.p1 : s.p2;
		int m = (int)(part == 0 ? s.n1 : s.n2);

		if (m > n - k)
			m = n - k;
		for (int i = 0; i < m; i++)
			for (int c = 0; c < ch; c++)
				dst[(size_t)i * (size_t)ch + (size_t)c] = out[c][k + i];
		k += m;
	}
	ring_write_advance(e->tap_data, (size_t)n);
	ring_write(e->tap_runs, &run, 1);
}

/* Takes the pending plan (it was prefilled for this very frame). */
static void
swap_plan(struct live *e)
{
	struct live_plan *next = atomic_exchange(&e->pending, NULL);

	if (next == NULL)
		return;   /* the control side took it back */
	atomic_store_explicit(&e->retired, e->cur, memory_order_release);
	e->cur = next;
}

/* Whether a pending plan is due at the current position. */
static bool
swap_due(struct live *e, int64_t pos)
{
	return atomic_load_explicit(&e->pending, memory_order_acquire) != NULL &&
	    atomic_load_explicit(&e->pending_frame, memory_order_acquire) == pos;
}

/* Where the playhead is: during a pre-roll, the frame it leads up to. */
static int64_t
timeline_position(const struct live *e)
{
	int64_t pos = plan_position(e->cur->plan);

	return pos < e->audible_from ? e->audible_from : pos;
}

static void
render(struct live *e, float **ports, int nports, int n)
{
	int done = 0;

	while (done < n) {
		struct plan *p = e->cur->plan;
		int64_t pos = plan_position(p);
		int k = n - done;
		int stems = plan_stem_count(p);
		const float *const *out;
		int port = e->out_channels;
		bool preroll = pos < e->audible_from;

		if (k > e->plan_opt.max_block_frames)
			k = e->plan_opt.max_block_frames;
		if (preroll && e->audible_from - pos < k)
			k = (int)(e->audible_from - pos);
		if (looping(e) && pos < e->loop_end && e->loop_end - pos < k)
			k = (int)(e->loop_end - pos);
		if (atomic_load_explicit(&e->pending, memory_order_acquire) != NULL) {
			int64_t f = atomic_load_explicit(&e->pending_frame,
			    memory_order_acquire);

			if (f > pos && f - pos < k)
				k = (int)(f - pos);
		}
		process_run(p, k);
		if (preroll) {
			for (int c = 0; c < nports; c++)
				memset(ports[c] + done, 0, (size_t)k * sizeof(float));
			done += k;
			continue;
		}
		out = plan_output(p);
		for (int c = 0; c < e->out_channels; c++)
			memcpy(ports[c] + done, out[c], (size_t)k * sizeof(float));
		for (int i = 0; i < stems && port < nports; i++) {
			const float *const *so = plan_stem_output(p, i);

			for (int c = 0; c < plan_stem_channels(p, i) && port < nports;
			    c++, port++)
				memcpy(ports[port] + done, so[c],
				    (size_t)k * sizeof(float));
		}
		for (; port < nports; port++)
			memset(ports[port] + done, 0, (size_t)k * sizeof(float));
		if (e->tap_data != NULL)
			tap_write(e, out, k, pos);
		done += k;
		pos += k;
		if (looping(e) && pos == e->loop_end) {
			plan_seek(p, e->loop_start);
			pos = e->loop_start;
		}
		if (swap_due(e, pos))
			swap_plan(e);
	}
	e->follow_asked = INT64_MIN;
	atomic_fetch_add_explicit(&e->rendered, (uint64_t)n, memory_order_relaxed);
}

static void
publish_meters(struct live *e)
{
	struct live_plan *lp = e->cur;

	if (!e->plan_opt.meters)
		return;
	atomic_fetch_add_explicit(&e->meter_seq, 1, memory_order_acq_rel);
	atomic_thread_fence(memory_order_release);
	for (int i = 0; i < lp->strip_count; i++)
		lp->meter_channels[i] = plan_strip_meter(lp->plan, i,
		    lp->peak + (size_t)i * PLAN_MAX_CHANNELS,
		    lp->rms + (size_t)i * PLAN_MAX_CHANNELS, PLAN_MAX_CHANNELS);
	atomic_fetch_add_explicit(&e->meter_seq, 1, memory_order_release);
}

/* FOLLOW/DRIVE: the transport state comes from JACK. */
static void
follow_transport(struct live *e)
{
	jack_position_t jp;
	jack_transport_state_t ts;

	if (e->opt.transport == LIVE_TRANSPORT_OWN)
		return;
	ts = jack_transport_query(e->client, &jp);
	e->rolling = ts == JackTransportRolling;
}

int
live_rt_process(jack_nframes_t nframes, void *arg)
{
	struct live *e = arg;
	float *ports[LIVE_MAX_PORTS];
	struct timespec t0, t1;
	int n = (int)nframes;
	int64_t ns;

	rt_scope_enter();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	drain_commands(e);
	follow_transport(e);
	for (int i = 0; i < e->port_count; i++)
		ports[i] = jack_port_get_buffer(e->ports[i], nframes);
	if (can_render(e, n)) {
		render(e, ports, e->port_count, n);
		publish_meters(e);
	} else {
		for (int i = 0; i < e->port_count; i++)
			memset(ports[i], 0, (size_t)n * sizeof(float));
		/* stopped: a routing change needs no exact frame */
		if (!e->rolling && atomic_load(&e->pending) != NULL)
			swap_plan(e);
	}
	atomic_store_explicit(&e->position, timeline_position(e),
	    memory_order_relaxed);
	atomic_store_explicit(&e->rolling_pub, e->rolling, memory_order_relaxed);
	atomic_fetch_add_explicit(&e->periods, 1, memory_order_relaxed);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = (int64_t)(t1.tv_sec - t0.tv_sec) * 1000000000 + (t1.tv_nsec - t0.tv_nsec);
	{
		uint32_t v = ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;

		ring_write(e->timing, &v, 1);
	}
	rt_scope_exit();
	return 0;
}

/*
 * JACK's slow-sync callback (FOLLOW and DRIVE): ready when the engine's
 * playhead is where JACK's transport wants it and the media is there;
 * otherwise asks the control thread to locate and says "not yet".
 */
int
live_rt_sync(jack_transport_state_t state, jack_position_t *jp, void *arg)
{
	struct live *e = arg;
	int64_t want = e->session_start + (int64_t)jp->frame;
	struct streamer *st = plan_streamer(e->cur->plan);
	bool located = atomic_load_explicit(&e->locates_requested,
	    memory_order_acquire) == e->locates_applied;

	rt_scope_enter();
	(void)state;
	drain_commands(e);
	streamer_consumer_sync(st);
	if (located && plan_position(e->cur->plan) == want &&
	    streamer_ready(st)) {
		rt_scope_exit();
		return 1;
	}
	if (located && e->follow_asked != want) {
		e->follow_asked = want;
		atomic_store_explicit(&e->follow_locate, want, memory_order_relaxed);
		atomic_fetch_add_explicit(&e->follow_gen, 1, memory_order_release);
	}
	rt_scope_exit();
	return 0;
}
