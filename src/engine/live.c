/*
 * live.c - the live engine's control side: create and destroy, transport
 * and mixer commands, routing changes by plan swap, the status, meters,
 * timing and tap readers, and reconnection after the server went away.
 *
 * Locate protocol (no lock on the RT side): the control thread first
 * counts the locate in locates_requested, then moves the streamer, then
 * queues LC_LOCATE. The RT side renders only when it has applied as many
 * locates as were requested, so it never plays media refilled for the new
 * position at the old one, nor old media at the new one.
 */
#include "engine/live_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LIVE_COMMANDS 4096
#define LIVE_TIMING_PERIODS (1u << 16)
#define LIVE_RETRY_SECONDS 1.0
#define LIVE_SWAP_TIMEOUT_SECONDS 10.0

double
live_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void
sleep_ms(int ms)
{
	struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&t, NULL);
}

void
live_options_default(struct live_options *o)
{
	memset(o, 0, sizeof *o);
	o->client_name = "dubstage";
	o->connect = true;
	o->output_format = CHAN_FORMAT_COUNT;
	o->read_ahead_seconds = 4.0;
	o->transport = LIVE_TRANSPORT_OWN;
}

/* Port names: the output format's channel labels, then "<stem>-<label>". */
static int
name_ports(struct live *e, struct diag *d)
{
	struct plan *p = e->ctl_plan->plan;
	int n = 0;

	for (int c = 0; c < e->out_channels; c++)
		snprintf(e->port_names[n++], sizeof e->port_names[0], "%s",
		    chan_format_label(e->out_format, c));
	e->stem_port_count = 0;
	for (int i = 0; e->opt.stem_ports && i < plan_stem_count(p); i++)
		for (int c = 0; c < plan_stem_channels(p, i); c++) {
			if (n == LIVE_MAX_PORTS)
				return diag_set(d, ERR_INVALID, NULL, 0, "more than "
				    "%d output ports", LIVE_MAX_PORTS);
			snprintf(e->port_names[n++], sizeof e->port_names[0],
			    "%s-%s", plan_stem_name(p, i),
			    chan_format_label(plan_stem_format(p, i), c));
			e->stem_port_count++;
		}
	return 0;
}

/* The pre-roll a locate of plan p runs before it is heard
 * (plan_preroll_frames): only with the engine's own transport; under
 * JACK's transport the engine must play the frame JACK names at once, and
 * a latent track's first frames after a locate stay silent instead. */
static int64_t
preroll_for(const struct live *e, const struct plan *p)
{
	return e->opt.transport == LIVE_TRANSPORT_OWN ? plan_preroll_frames(p) : 0;
}

/* Starts (or, when started, moves) a plan's media at frame (less `preroll`
 * frames, which the RT side renders unheard) with the loop, as its
 * consumer, and waits until it is filled. Control thread, before RT sees
 * the plan. */
static int
prefill(struct live *e, struct live_plan *lp, int64_t frame, int64_t preroll,
    bool started, struct diag *d)
{
	struct streamer *st = plan_streamer(lp->plan);
	double give_up = live_now() + LIVE_SWAP_TIMEOUT_SECONDS;
	int rc;

	frame -= preroll;
	plan_seek(lp->plan, frame);
	if (started)
		streamer_locate_loop(st, frame, e->loop_start, e->loop_end);
	else if ((rc = streamer_start_loop(st, frame, e->loop_start,
	    e->loop_end)) != 0)
		return diag_set(d, rc, NULL, 0, "cannot start the media reader");
	streamer_consumer_sync(st);
	while (!streamer_ready(st)) {
		if ((rc = streamer_error(st, d)) != 0)
			return rc;
		if (live_now() > give_up)
			return diag_set(d, ERR_IO, NULL, 0, "the media could not be "
			    "read in %.0f s", LIVE_SWAP_TIMEOUT_SECONDS);
		sleep_ms(2);
	}
	return 0;
}

int
live_create(const struct session *s, const struct live_options *o,
    struct live **out, struct diag *d)
{
	struct live *e = calloc(1, sizeof *e);
	const char *server = o->server_name;
	int rc;

	*out = NULL;
	diag_clear(d);
	if (e == NULL)
		return diag_set(d, ERR_NOMEM, NULL, 0, "out of memory");
	e->opt = *o;
	if (server == NULL)
		server = getenv("JACK_DEFAULT_SERVER");
	if (server == NULL || server[0] == '\0')
		server = "default";
	snprintf(e->server_name, sizeof e->server_name, "%s", server);
	snprintf(e->client_name, sizeof e->client_name, "%s",
	    o->client_name != NULL ? o->client_name : "dubstage");
	e->opt.server_name = e->server_name;
	e->opt.client_name = e->client_name;
	e->sample_rate_hz = s->sample_rate_hz;
	e->session_start = s->timecode.start_frames;

	plan_options_default(&e->plan_opt);
	e->plan_opt.max_block_frames = 1024;
	e->plan_opt.output_format = o->output_format;
	e->plan_opt.stream_ring_seconds = o->read_ahead_seconds > 0 ?
	    o->read_ahead_seconds : 4.0;
	e->plan_opt.stream_quality = o->best_resampling ? STREAM_QUALITY_BEST :
	    STREAM_QUALITY_MEDIUM;
	e->plan_opt.stream_read_delay_us = o->read_delay_us;
	e->plan_opt.meters = true;

	e->cmds = ring_create(sizeof(struct live_cmd), LIVE_COMMANDS);
	e->timing = ring_create(sizeof(uint32_t), LIVE_TIMING_PERIODS);
	if (e->cmds == NULL || e->timing == NULL) {
		rc = diag_set(d, ERR_NOMEM, NULL, 0, "out of memory");
		goto fail;
	}
	if ((rc = live_plan_create(s, &e->plan_opt, &e->ctl_plan, d)) != 0)
		goto fail;
	e->cur = e->ctl_plan;
	e->out_format = plan_output_format(e->cur->plan);
	e->out_channels = plan_output_channels(e->cur->plan);
	if (o->tap_frames > 0) {
		e->tap_data = ring_create(sizeof(float) * (size_t)e->out_channels,
		    o->tap_frames);
		e->tap_runs = ring_create(sizeof(struct live_tap_run),
		    o->tap_frames / 16 + 64);
		if (e->tap_data == NULL || e->tap_runs == NULL) {
			rc = diag_set(d, ERR_NOMEM, NULL, 0, "out of memory");
			goto fail;
		}
	}
	if ((rc = name_ports(e, d)) != 0)
		goto fail;
	e->follow_asked = INT64_MIN;
	atomic_store(&e->position, e->session_start);
	e->audible_from = e->session_start;
	if ((rc = prefill(e, e->cur, e->session_start,
	    preroll_for(e, e->cur->plan), false, d)) != 0)
		goto fail;
	if ((rc = live_jack_open(e, d)) != 0) {
		if (!o->start_offline)
			goto fail;
		/* offline from the start: live_poll connects when it can */
		diag_format(d, e->message, sizeof e->message);
		e->next_retry = live_now() + LIVE_RETRY_SECONDS;
		diag_clear(d);
	}
	*out = e;
	return 0;
fail:
	live_destroy(e);
	return rc;
}

void
live_destroy(struct live *e)
{
	if (e == NULL)
		return;
	live_jack_close(e);
	/* with the client closed nobody else holds a plan */
	live_plan_destroy(atomic_exchange(&e->pending, NULL));
	live_plan_destroy(atomic_exchange(&e->retired, NULL));
	live_plan_destroy(e->cur);
	ring_destroy(e->cmds);
	ring_destroy(e->timing);
	ring_destroy(e->tap_data);
	ring_destroy(e->tap_runs);
	free(e->times);
	free(e);
}

/* ---- commands ------------------------------------------------------------- */

static uint64_t
send_command(struct live *e, struct live_cmd *c)
{
	c->seq = ++e->next_seq;
	if (ring_write(e->cmds, c, 1) != 1) {
		e->next_seq--;
		return 0;
	}
	return c->seq;
}

bool
live_command_frame(struct live *e, uint64_t seq, int64_t *frame)
{
	if (atomic_load_explicit(&e->applied_seq, memory_order_acquire) < seq)
		return false;
	if (frame != NULL)
		*frame = atomic_load_explicit(&e->applied_frame,
		    memory_order_relaxed);
	return true;
}

void
live_play(struct live *e)
{
	struct live_cmd c = { .kind = LC_PLAY };

	send_command(e, &c);
	if (e->opt.transport == LIVE_TRANSPORT_DRIVE && e->client != NULL)
		jack_transport_start(e->client);
}

void
live_stop(struct live *e)
{
	struct live_cmd c = { .kind = LC_STOP };

	send_command(e, &c);
	if (e->opt.transport == LIVE_TRANSPORT_DRIVE && e->client != NULL)
		jack_transport_stop(e->client);
}

/* The engine's own locate (see the protocol at the top). */
static void
locate(struct live *e, int64_t frame)
{
	struct live_cmd c = { .kind = LC_LOCATE, .frame = frame,
	    .from = frame - preroll_for(e, e->ctl_plan->plan),
	    .loop_start = e->loop_start, .loop_end = e->loop_end };

	atomic_fetch_add_explicit(&e->locates_requested, 1, memory_order_release);
	streamer_locate_loop(plan_streamer(e->ctl_plan->plan), c.from,
	    e->loop_start, e->loop_end);
	send_command(e, &c);
}

void
live_locate(struct live *e, int64_t frame)
{
	if (e->loop_end > e->loop_start &&
	    (frame < e->loop_start || frame >= e->loop_end))
		frame = e->loop_start;
	if (e->opt.transport == LIVE_TRANSPORT_DRIVE && e->client != NULL &&
	    frame >= e->session_start) {
		/* JACK's transport moves, and the sync callback follows */
		jack_transport_locate(e->client,
		    (jack_nframes_t)(frame - e->session_start));
		return;
	}
	locate(e, frame);
}

void
live_set_loop(struct live *e, int64_t start, int64_t end)
{
	int64_t pos = atomic_load(&e->position);

	if (end <= start)
		start = end = 0;
	e->loop_start = start;
	e->loop_end = end;
	if (end > start && (pos < start || pos >= end))
		pos = start;
	locate(e, pos);
}

static uint64_t
strip_command(struct live *e, enum live_cmd_kind kind, struct id id,
    struct live_cmd *c)
{
	c->kind = kind;
	c->strip = plan_strip_index(e->ctl_plan->plan, id);
	if (c->strip < 0)
		return 0;
	return send_command(e, c);
}

uint64_t
live_set_gain(struct live *e, struct id strip, double db)
{
	struct live_cmd c = { .value = db };

	return strip_command(e, LC_GAIN, strip, &c);
}

uint64_t
live_set_mute(struct live *e, struct id strip, bool mute)
{
	struct live_cmd c = { .value = mute ? 1.0 : 0.0 };
	int i = plan_strip_index(e->ctl_plan->plan, strip);

	if (i >= 0)
		e->ctl_plan->mutes_sent[i] = mute;
	return strip_command(e, LC_MUTE, strip, &c);
}

uint64_t
live_set_pan(struct live *e, struct id strip, const struct pan *pan)
{
	struct live_cmd c = { .pan = *pan };

	return strip_command(e, LC_PAN, strip, &c);
}

uint64_t
live_set_send_level(struct live *e, struct id strip, struct id bus, double db)
{
	struct live_cmd c = { .value = db };
	int i = plan_strip_index(e->ctl_plan->plan, strip);

	if (i < 0 || (c.send = plan_send_index(e->ctl_plan->plan, i, bus)) < 0)
		return 0;
	return strip_command(e, LC_SEND, strip, &c);
}

uint64_t
live_update_mutes(struct live *e, const struct session *s)
{
	struct live_plan *lp = e->ctl_plan;
	bool *now = calloc((size_t)lp->strip_count + 1, sizeof *now);
	uint64_t last = 0;

	if (now == NULL)
		return 0;
	plan_session_mutes(lp->plan, s, now);
	for (int i = 0; i < lp->strip_count; i++)
		if (now[i] != lp->mutes_sent[i]) {
			struct live_cmd c = { .kind = LC_MUTE, .strip = i,
			    .value = now[i] ? 1.0 : 0.0 };
			uint64_t seq = send_command(e, &c);

			if (seq != 0) {
				lp->mutes_sent[i] = now[i];
				last = seq;
			}
		}
	free(now);
	return last;
}

/* ---- routing changes ------------------------------------------------------ */

/* Frames from a to b going forward through the loop (if any). */
static int64_t
frames_until(const struct live *e, int64_t a, int64_t b)
{
	int64_t len = e->loop_end - e->loop_start;

	if (len <= 0 || b >= a)
		return b - a;
	return (e->loop_end - a) + (b - e->loop_start);
}

/* a + n frames, wrapping in the loop. */
static int64_t
frames_after(const struct live *e, int64_t a, int64_t n)
{
	int64_t len = e->loop_end - e->loop_start, f = a + n;

	if (len > 0 && f >= e->loop_end)
		f = e->loop_start + (f - e->loop_start) % len;
	return f;
}

/* Waits for the RT side to take the pending plan; takes it back after the
 * timeout. 0, or ERR_IO. */
static int
await_swap(struct live *e, struct diag *d)
{
	double give_up = live_now() + LIVE_SWAP_TIMEOUT_SECONDS;
	struct live_plan *back;

	while (atomic_load(&e->pending) != NULL) {
		if (live_now() > give_up || atomic_load(&e->server_gone)) {
			back = atomic_exchange(&e->pending, NULL);
			if (back != NULL) {
				live_plan_destroy(back);
				return diag_set(d, ERR_IO, NULL, 0, "the engine did "
				    "not take the new routing (server gone or "
				    "stalled); nothing changed");
			}
		}
		sleep_ms(1);
	}
	return 0;
}

int
live_update_session(struct live *e, const struct session *s, struct diag *d)
{
	struct live_plan *next;
	int64_t margin = e->sample_rate_hz / 2, at;
	int rc;

	diag_clear(d);
	if ((rc = live_plan_create(s, &e->plan_opt, &next, d)) != 0)
		return rc;
	if (plan_output_channels(next->plan) != e->out_channels) {
		live_plan_destroy(next);
		return diag_set(d, ERR_SEMANTIC, NULL, 0, "the output format "
		    "changed: stop and restart playback to hear it");
	}
	if (e->client == NULL) {
		/* offline: nobody plays; swap here, at the playhead */
		struct live_plan *old = e->cur;

		if ((rc = prefill(e, next, atomic_load(&e->position), 0, false,
		    d)) != 0) {
			live_plan_destroy(next);
			return rc;
		}
		e->cur = e->ctl_plan = next;
		e->underruns_before += streamer_underruns(plan_streamer(old->plan));
		live_plan_destroy(old);
		return 0;
	}
	/* prefill for a frame ahead of the playhead; if the playhead got too
	 * close meanwhile, aim further ahead */
	for (int attempt = 0; ; attempt++) {
		bool rolling = atomic_load(&e->rolling_pub);
		int64_t pos = atomic_load(&e->position);

		at = rolling ? frames_after(e, pos, margin) : pos;
		if ((rc = prefill(e, next, at, 0, attempt > 0, d)) != 0) {
			live_plan_destroy(next);
			return rc;
		}
		pos = atomic_load(&e->position);
		if (!atomic_load(&e->rolling_pub) ? pos == at :
		    frames_until(e, pos, at) > e->sample_rate_hz / 20)
			break;
		if (attempt == 4) {
			live_plan_destroy(next);
			return diag_set(d, ERR_IO, NULL, 0, "the media for the new "
			    "routing could not be read ahead of the playhead");
		}
		margin *= 2;
	}
	atomic_store(&e->pending_frame, at);
	atomic_store(&e->pending, next);
	if ((rc = await_swap(e, d)) != 0)
		return rc;
	/* the old plan comes back through `retired` */
	while (atomic_load(&e->retired) == NULL)
		sleep_ms(1);
	{
		struct live_plan *old = atomic_exchange(&e->retired, NULL);

		e->underruns_before += streamer_underruns(plan_streamer(old->plan));
		e->ctl_plan = next;
		live_plan_destroy(old);
	}
	return 0;
}

/* ---- housekeeping --------------------------------------------------------- */

static void
drain_timing(struct live *e)
{
	uint32_t buf[1024];
	size_t n;

	while ((n = ring_read(e->timing, buf, 1024)) > 0) {
		if (e->time_count + n > e->time_cap) {
			size_t cap = e->time_cap ? e->time_cap * 2 : 65536;
			uint32_t *t;

			while (cap < e->time_count + n)
				cap *= 2;
			if ((t = realloc(e->times, cap * sizeof *t)) == NULL)
				return;   /* keep what we have */
			e->times = t;
			e->time_cap = cap;
		}
		memcpy(e->times + e->time_count, buf, n * sizeof *buf);
		e->time_count += n;
	}
}

/* The server went away: close the client, keep everything else, and try
 * to come back every LIVE_RETRY_SECONDS. */
static void
reconnect(struct live *e)
{
	struct diag d;

	if (e->client != NULL) {
		live_jack_close(e);
		snprintf(e->message, sizeof e->message, "JACK server '%s' went "
		    "away; the session is intact, reconnecting", e->server_name);
		e->next_retry = live_now() + LIVE_RETRY_SECONDS;
		return;
	}
	if (live_now() < e->next_retry)
		return;
	e->next_retry = live_now() + LIVE_RETRY_SECONDS;
	if (live_jack_open(e, &d) == 0) {
		e->message[0] = '\0';
		e->reconnects++;
	} else {
		diag_format(&d, e->message, sizeof e->message);
	}
}

void
live_poll(struct live *e)
{
	drain_timing(e);
	if (e->client == NULL || atomic_load(&e->server_gone))
		reconnect(e);
	if (e->opt.transport != LIVE_TRANSPORT_OWN) {
		uint64_t g = atomic_load_explicit(&e->follow_gen,
		    memory_order_acquire);

		if (g != e->follow_seen) {
			e->follow_seen = g;
			locate(e, atomic_load(&e->follow_locate));
		}
	}
}

/* ---- reports -------------------------------------------------------------- */

void
live_status(struct live *e, struct live_status *st)
{
	memset(st, 0, sizeof *st);
	st->online = e->client != NULL && !atomic_load(&e->server_gone);
	st->rolling = atomic_load(&e->rolling_pub);
	st->freewheeling = atomic_load(&e->freewheel);
	st->position = atomic_load(&e->position);
	st->loop_start = e->loop_start;
	st->loop_end = e->loop_end;
	st->sample_rate_hz = atomic_load(&e->server_rate);
	st->buffer_frames = atomic_load(&e->buffer_frames);
	st->playback_latency_frames = atomic_load(&e->latency_frames);
	st->periods = atomic_load(&e->periods);
	st->xruns = atomic_load(&e->xruns);
	st->frames_played = atomic_load(&e->rendered);
	st->underruns = e->underruns_before +
	    streamer_underruns(plan_streamer(e->ctl_plan->plan));
	st->reconnects = e->reconnects;
	if (!st->online)
		snprintf(st->message, sizeof st->message, "%s",
		    e->message[0] != '\0' ? e->message : "JACK server gone");
}

int
live_meter(struct live *e, struct id id, float *peak, float *rms,
    int max_channels)
{
	struct live_plan *lp = e->ctl_plan;
	int i = plan_strip_index(lp->plan, id), ch;
	uint32_t s1, s2;

	if (i < 0)
		return 0;
	do {
		s1 = atomic_load_explicit(&e->meter_seq, memory_order_acquire);
		ch = lp->meter_channels[i];
		if (ch > max_channels)
			ch = max_channels;
		memcpy(peak, lp->peak + (size_t)i * PLAN_MAX_CHANNELS,
		    (size_t)ch * sizeof *peak);
		memcpy(rms, lp->rms + (size_t)i * PLAN_MAX_CHANNELS,
		    (size_t)ch * sizeof *rms);
		atomic_thread_fence(memory_order_acquire);
		s2 = atomic_load_explicit(&e->meter_seq, memory_order_relaxed);
	} while ((s1 & 1) != 0 || s1 != s2);
	return ch;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

void
live_timing(struct live *e, struct live_timing *t)
{
	uint32_t *sorted;
	size_t n;

	memset(t, 0, sizeof *t);
	drain_timing(e);
	n = e->time_count;
	if (n == 0 || (sorted = malloc(n * sizeof *sorted)) == NULL)
		return;
	memcpy(sorted, e->times, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, cmp_u32);
	t->periods = n;
	t->median_us = sorted[(n - 1) / 2] / 1000.0;
	t->p99_us = sorted[(size_t)((double)(n - 1) * 0.99)] / 1000.0;
	t->max_us = sorted[n - 1] / 1000.0;
	free(sorted);
}

int
live_tap_read(struct live *e, float *buf, int max_frames, int64_t *first)
{
	size_t got;

	if (e->tap_runs == NULL)
		return 0;
	if (e->tap_cur.frames == 0 &&
	    ring_read(e->tap_runs, &e->tap_cur, 1) != 1)
		return 0;
	if (max_frames > e->tap_cur.frames)
		max_frames = e->tap_cur.frames;
	got = ring_read(e->tap_data, buf, (size_t)max_frames);
	*first = e->tap_cur.first;
	e->tap_cur.first += (int64_t)got;
	e->tap_cur.frames -= (int32_t)got;
	return (int)got;
}

int
live_output_channels(const struct live *e)
{
	return e->out_channels;
}

enum chan_format
live_output_format(const struct live *e)
{
	return e->out_format;
}

int
live_set_freewheel(struct live *e, bool on)
{
	if (e->client == NULL || jack_set_freewheel(e->client, on ? 1 : 0) != 0)
		return ERR_IO;
	return 0;
}
