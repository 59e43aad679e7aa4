/*
 * The live engine on a real JACK server (jackd -d dummy, started by the
 * CTest fixture): what the ports carry, read back through the engine's
 * tap with timeline positions, is compared sample for sample with the
 * offline render of the same range. Covers playing, locate, loop, mixer
 * commands landing on the block they were applied at, a routing change
 * while playing, underrun accounting with a throttled disk, and the
 * dialogue-cleanup inserts with their latency compensated.
 */
#include "live/live.h"

#define SECOND ((int64_t)LT_RATE)

/* What you hear is what you bounce. */
static void
test_hear_is_bounce(void)
{
	struct session *s = lt_session(CHAN_5_1, 2);
	struct live *e;
	struct lt_capture cap;
	float **ref;
	int64_t len = 3 * SECOND;

	REQUIRE(s != NULL);
	/* some movement: a fader ride on track 1 */
	add_point(&s->tracks[0].strip, AUTO_VOLUME, (struct id){ 0 }, 0, 0.0,
	    INTERP_LINEAR);
	add_point(&s->tracks[0].strip, AUTO_VOLUME, (struct id){ 0 }, 2 * SECOND,
	    -20.0, INTERP_LINEAR);
	e = lt_engine(s, NULL);
	REQUIRE(e != NULL);
	CHECK_INT_EQ(live_output_channels(e), 6);
	lt_capture_init(&cap, 6, 0, len);
	live_play(e);
	lt_capture_until(e, &cap, len, 20000);
	live_stop(e);
	CHECK_INT_EQ(cap.first_run_start, 0);
	CHECK(cap.frames >= len);
	ref = alloc_planes(6, len);
	REQUIRE(render_range(s, NULL, 0, len, 4096, -1, ref) == 6);
	CHECK_INT_EQ(lt_count_diff(cap.out, ref, 6, 0, len), 0);
	free_planes(ref, 6);
	lt_capture_free(&cap);
	live_destroy(e);
	session_destroy(s);
}

/* The dialogue-cleanup inserts live, one with an automated parameter:
 * what is heard is the bounce, in time from the first frame, at the start
 * and after a locate (the engine pre-rolls their latency, unheard). */
static void
test_cleanup_inserts(void)
{
	static const char *const kinds[] = { "dehum", "denoise", "deess",
		"leveller" };
	struct session *s = lt_session(CHAN_STEREO, 2);
	struct live *e;
	struct lt_capture cap;
	float **ref;
	int64_t len = 2 * SECOND, at = 6 * SECOND;
	struct auto_lane *l;

	REQUIRE(s != NULL);
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
		add_insert(&s->tracks[0].strip, kinds[k]);
	add_insert(&s->tracks[1].strip, "deess");
	l = insert_lane(&s->tracks[0].strip, 2, "threshold-db", 2);
	l->points[0] = (struct auto_point){ 0, -20.0, INTERP_LINEAR };
	l->points[1] = (struct auto_point){ 8 * SECOND, 0.0, INTERP_LINEAR };
	e = lt_engine(s, NULL);
	REQUIRE(e != NULL);
	ref = alloc_planes(2, len);

	lt_capture_init(&cap, 2, 0, len);
	live_play(e);
	lt_capture_until(e, &cap, len, 20000);
	live_stop(e);
	CHECK_INT_EQ(cap.first_run_start, 0);
	REQUIRE(render_range(s, NULL, 0, len, 4096, -1, ref) == 2);
	CHECK_INT_EQ(lt_count_diff(cap.out, ref, 2, 0, len), 0);
	lt_capture_free(&cap);

	lt_settle(e);   /* the frames played before the stop took effect */
	live_locate(e, at);
	lt_capture_init(&cap, 2, at, len);
	live_play(e);
	lt_capture_until(e, &cap, len, 20000);
	live_stop(e);
	CHECK_INT_EQ(cap.first_run_start, at);
	REQUIRE(render_range(s, NULL, at, len, 4096, -1, ref) == 2);
	CHECK_INT_EQ(lt_count_diff(cap.out, ref, 2, 0, len), 0);
	lt_capture_free(&cap);

	free_planes(ref, 2);
	live_destroy(e);
	session_destroy(s);
}

/* After a locate the engine plays the new position's media, from exactly
 * there, and nothing stale in between. */
struct locate_ctx {
	int64_t target;
	int64_t runs_after, bad_runs;
	bool seen_target;
};

static void
on_run_locate(struct lt_capture *cap, const float *buf, int n, int64_t first)
{
	struct locate_ctx *x = cap->ctx;

	(void)buf;
	if (first == x->target)
		x->seen_target = true;
	if (x->seen_target) {
		x->runs_after++;
		if (first < x->target)
			x->bad_runs++;
	}
	(void)n;
}

static void
test_locate(void)
{
	struct session *s = lt_session(CHAN_STEREO, 2);
	struct live *e;
	struct lt_capture cap;
	struct locate_ctx x = { .target = 6 * SECOND + 123 };
	float **ref;
	int64_t len = SECOND;

	REQUIRE(s != NULL);
	e = lt_engine(s, NULL);
	REQUIRE(e != NULL);
	lt_capture_init(&cap, 2, x.target, len);
	cap.on_run = on_run_locate;
	cap.ctx = &x;
	live_play(e);
	lt_sleep_ms(300);
	live_locate(e, x.target);
	lt_capture_until(e, &cap, SECOND / 3 + len, 20000);
	live_stop(e);
	CHECK(x.seen_target);
	CHECK_INT_EQ(x.bad_runs, 0);
	ref = alloc_planes(2, len);
	REQUIRE(render_range(s, NULL, x.target, len, 1000, -1, ref) == 2);
	CHECK_INT_EQ(lt_count_diff(cap.out, ref, 2, 0, len), 0);
	free_planes(ref, 2);
	lt_capture_free(&cap);
	live_destroy(e);
	session_destroy(s);
}

/* A loop replays [a, b) seamlessly: every run of the tap stays inside the
 * loop, the playhead wraps at b, and every pass matches the render. */
struct loop_ctx {
	int64_t a, b;
	float **ref;
	int64_t outside, wrong, wraps, expect_next;
};

static void
on_run_loop(struct lt_capture *cap, const float *buf, int n, int64_t first)
{
	struct loop_ctx *x = cap->ctx;

	if (first < x->a || first + n > x->b) {
		x->outside++;
		return;
	}
	if (first == x->a && x->expect_next == x->b)
		x->wraps++;
	if (x->expect_next >= 0 && first != x->expect_next &&
	    !(first == x->a && x->expect_next == x->b))
		x->wrong++;   /* a gap or a jump */
	for (int i = 0; i < n; i++)
		for (int c = 0; c < cap->channels; c++)
			if (buf[i * cap->channels + c] !=
			    x->ref[c][first - x->a + i]) {
				x->wrong++;
				i = n;
				break;
			}
	x->expect_next = first + n;
}

static void
test_loop(void)
{
	struct session *s = lt_session(CHAN_STEREO, 2);
	struct live *e;
	struct lt_capture cap;
	struct loop_ctx x = { .a = SECOND + 77, .b = SECOND + 77 + SECOND / 4,
	    .expect_next = -1 };

	REQUIRE(s != NULL);
	e = lt_engine(s, NULL);
	REQUIRE(e != NULL);
	x.ref = alloc_planes(2, x.b - x.a);
	REQUIRE(render_range(s, NULL, x.a, x.b - x.a, 512, -1, x.ref) == 2);
	lt_capture_init(&cap, 2, 0, 1);
	cap.on_run = on_run_loop;
	cap.ctx = &x;
	live_set_loop(e, x.a, x.b);
	live_locate(e, x.a);
	live_play(e);
	lt_capture_until(e, &cap, SECOND, 20000);
	live_stop(e);
	CHECK(cap.frames >= SECOND);
	CHECK_INT_EQ(x.outside, 0);
	CHECK_INT_EQ(x.wrong, 0);
	CHECK(x.wraps >= 3);
	free_planes(x.ref, 2);
	lt_capture_free(&cap);
	live_destroy(e);
	session_destroy(s);
}

/*
 * Mixer commands land on the block they were applied at: the output equals
 * the unchanged render up to that frame, and from there follows the new
 * setting after a PLAN_QUANTUM ramp. With a mono master and one track the
 * expected output is the reference times the gain.
 */
static void
test_commands(void)
{
	struct session *s = lt_session(CHAN_MONO, 1);
	struct live *e;
	struct lt_capture cap;
	struct live_status st;
	float **ref;
	int64_t len = 4 * SECOND, fg = -1, fm = -1;
	uint64_t seq;
	struct id t1;
	int64_t bad = 0;

	REQUIRE(s != NULL);
	t1 = s->tracks[0].id;
	e = lt_engine(s, NULL);
	REQUIRE(e != NULL);
	lt_capture_init(&cap, 1, 0, len);
	live_play(e);
	lt_sleep_ms(500);
	seq = live_set_gain(e, t1, -6.0);
	CHECK(seq != 0);
	CHECK(lt_wait_command(e, seq, &fg));
	lt_sleep_ms(500);
	seq = live_set_mute(e, t1, true);
	CHECK(lt_wait_command(e, seq, &fm));
	lt_capture_until(e, &cap, len, 20000);
	live_stop(e);
	live_status(e, &st);
	REQUIRE(fg > 0 && fm > fg + PLAN_QUANTUM && fm + PLAN_QUANTUM < len);
	/* a command takes effect at the start of a period */
	CHECK_INT_EQ(fg % st.buffer_frames, 0);
	CHECK_INT_EQ(fm % st.buffer_frames, 0);

	ref = alloc_planes(1, len);
	REQUIRE(render_range(s, NULL, 0, len, 4096, -1, ref) == 1);
	CHECK_INT_EQ(lt_count_diff(cap.out, ref, 1, 0, fg), 0);
	{
		float g = powf(10.0f, -6.0f / 20.0f);

		for (int64_t i = fg; i < fm; i++) {
			float w = i - fg >= PLAN_QUANTUM ? 1.0f :
			    (float)(i - fg) / PLAN_QUANTUM;
			float want = ref[0][i] * (1.0f + (g - 1.0f) * w);

			if (fabsf(cap.out[0][i] - want) > 1e-5f)
				bad++;
		}
		CHECK_INT_EQ(bad, 0);
		/* the gain is not there a frame early */
		CHECK(cap.out[0][fg - 1] == ref[0][fg - 1]);
		CHECK(fabsf(cap.out[0][fg + PLAN_QUANTUM] -
		    ref[0][fg + PLAN_QUANTUM] * g) < 1e-6f);
		/* muted: a ramp to exact silence */
		CHECK(cap.out[0][fm] != 0.0f || ref[0][fm] == 0.0f);
		bad = 0;
		for (int64_t i = fm + PLAN_QUANTUM; i < len; i++)
			if (cap.out[0][i] != 0.0f)
				bad++;
		CHECK_INT_EQ(bad, 0);
	}
	free_planes(ref, 1);
	lt_capture_free(&cap);
	live_destroy(e);
	session_destroy(s);
}

/* Solo-in-place from the console: the session's solo flag changes, the
 * engine mutes what the solo silences, and the output becomes the soloed
 * track alone. */
static void
test_solo(void)
{
	struct session *s = lt_session(CHAN_STEREO, 2);
	struct session *alone = lt_session(CHAN_STEREO, 2);
	struct live *e;
	struct lt_capture cap;
	float **ref;
	int64_t len = 3 * SECOND, f = -1;
	uint64_t seq;

	REQUIRE(s != NULL && alone != NULL);
	alone->tracks[1].strip.mute = true;
	e = lt_engine(s, NULL);
	REQUIRE(e != NULL);
	lt_capture_init(&cap, 2, 0, len);
	live_play(e);
	lt_sleep_ms(400);
	s->tracks[0].strip.solo = true;
	seq = live_update_mutes(e, s);
	CHECK(seq != 0);
	CHECK(lt_wait_command(e, seq, &f));
	lt_capture_until(e, &cap, len, 20000);
	live_stop(e);
	REQUIRE(f > 0 && f + PLAN_QUANTUM < len);
	ref = alloc_planes(2, len);
	REQUIRE(render_range(alone, NULL, 0, len, 4096, -1, ref) == 2);
	CHECK_INT_EQ(lt_count_diff(cap.out, ref, 2, f + PLAN_QUANTUM, len), 0);
	CHECK(lt_count_diff(cap.out, ref, 2, 0, f) > 0);
	free_planes(ref, 2);
	lt_capture_free(&cap);
	live_destroy(e);
	session_destroy(s);
	session_destroy(alone);
}

/*
 * A routing change while playing: track 2 moves from the master to a bus
 * at -6 dB. The new plan is swapped in at one exact frame with no gap:
 * before it the output is the old routing's render, from it the new one's.
 */
static void
test_routing_change(void)
{
	struct session *s = lt_session(CHAN_STEREO, 2);
	struct session *b = lt_session(CHAN_STEREO, 2);
	struct live *e;
	struct lt_capture cap;
	struct diag d;
	float **ra, **rb;
	int64_t len = 4 * SECOND, swap = -1;
	struct bus *bus;

	REQUIRE(s != NULL && b != NULL);
	bus = session_add_bus(b, (struct id){ ID_BUS, 0 }, NULL);
	REQUIRE(bus != NULL);
	bus->strip.name = strdup("fx");
	bus->strip.format = CHAN_STEREO;
	bus->strip.gain_db = -6.0;
	b->tracks[1].strip.output = bus->id;
	e = lt_engine(s, NULL);
	REQUIRE(e != NULL);
	lt_capture_init(&cap, 2, 0, len);
	live_play(e);
	lt_sleep_ms(700);
	CHECK_INT_EQ(live_update_session(e, b, &d), 0);
	lt_capture_until(e, &cap, len, 20000);
	live_stop(e);
	CHECK(cap.frames >= len);
	ra = alloc_planes(2, len);
	rb = alloc_planes(2, len);
	REQUIRE(render_range(s, NULL, 0, len, 4096, -1, ra) == 2);
	REQUIRE(render_range(b, NULL, 0, len, 4096, -1, rb) == 2);
	for (int64_t i = 0; i < len && swap < 0; i++)
		if (cap.out[0][i] != ra[0][i] || cap.out[1][i] != ra[1][i])
			swap = i;
	CHECK(swap > SECOND / 2 && swap < len);
	if (swap > 0)
		CHECK_INT_EQ(lt_count_diff(cap.out, rb, 2, swap, len), 0);
	free_planes(ra, 2);
	free_planes(rb, 2);
	lt_capture_free(&cap);
	live_destroy(e);
	session_destroy(s);
	session_destroy(b);
}

/*
 * A disk slower than real time: the engine keeps time (frames played go on
 * at the server's pace), counts underruns, plays silence where media was
 * late, and wherever it plays media, it is the media of that frame.
 */
static void
test_underruns(void)
{
	struct session *s = lt_session(CHAN_MONO, 1);
	struct live_options o;
	struct live *e;
	struct lt_capture cap;
	struct live_status st;
	float **ref;
	int64_t len = 3 * SECOND, silent = 0, wrong = 0, right = 0;

	REQUIRE(s != NULL);
	live_options_default(&o);
	o.read_delay_us = 400000;  /* each read (8192 frames, 171 ms): 400 ms */
	o.read_ahead_seconds = 0.5;
	e = lt_engine(s, &o);
	REQUIRE(e != NULL);
	lt_capture_init(&cap, 1, 0, len);
	live_play(e);
	lt_capture_until(e, &cap, len, 20000);
	live_stop(e);
	live_status(e, &st);
	CHECK(st.underruns > 0);
	CHECK(st.frames_played >= (uint64_t)len);
	ref = alloc_planes(1, len);
	REQUIRE(render_range(s, NULL, 0, len, 4096, -1, ref) == 1);
	for (int64_t i = 0; i < len; i++) {
		if (cap.out[0][i] == ref[0][i])
			right++;
		else if (cap.out[0][i] == 0.0f)
			silent++;
		else
			wrong++;
	}
	CHECK(silent > 0);
	CHECK(right > SECOND / 10);
	CHECK_INT_EQ(wrong, 0);
	printf("underruns %llu, %lld frames silent, %lld right\n",
	    (unsigned long long)st.underruns, (long long)silent, (long long)right);
	free_planes(ref, 1);
	lt_capture_free(&cap);
	live_destroy(e);
	session_destroy(s);
}

/* Ports named after the master's channels; a session at another rate than
 * the server is refused with both rates named. */
static void
test_ports_and_rate(void)
{
	struct session *s = lt_session(CHAN_5_1, 1);
	struct live_options o;
	struct live *e = NULL;
	struct diag d;

	REQUIRE(s != NULL);
	live_options_default(&o);
	o.connect = false;
	s->sample_rate_hz = 44100;
	CHECK(live_create(s, &o, &e, &d) == ERR_IO);
	CHECK(e == NULL);
	CHECK(strstr(d.message, "44100") != NULL);
	CHECK(strstr(d.message, "48000") != NULL);
	session_destroy(s);
}

int
main(void)
{
	test_hear_is_bounce();
	test_cleanup_inserts();
	test_locate();
	test_loop();
	test_commands();
	test_solo();
	test_routing_change();
	test_underruns();
	test_ports_and_rate();
	return test_report();
}
