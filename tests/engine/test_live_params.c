/*
 * Live parameter changes on a running plan (what the JACK driver does
 * between process_run calls): fader gain, mute, pan and send level ramp
 * linearly over PLAN_QUANTUM frames from the frame they are made at; a
 * second change mid-ramp starts from where the first had got to; calls
 * that change nothing change nothing (bit-exact); solo-in-place mutes from
 * the session; plan_seek renders what a fresh plan located there renders.
 */
#include "test.h"
#include "engine/render.h"

#define RATE 48000
#define LEN 200000

static float
dc(int64_t i, int c)
{
	(void)i;
	(void)c;
	return 1.0f;
}

static float
noise(int64_t i, int c)
{
	return hash_noise(i, c, 99u);
}

static const char *dc_wav, *noise_wav;

/* A change made at a block start: before rendering frame `at`. */
struct change {
	int64_t at;
	void (*fn)(struct plan *p, const void *arg);
	const void *arg;
};

/*
 * Renders [start, start + frames) of s with blocks of `block` frames into
 * out (output channels), applying each change (sorted by frame; each at a
 * block start) just before the block that starts at its frame. Returns the
 * output channel count or -1.
 */
static int
render_live(const struct session *s, int64_t start, int64_t frames,
    int block, const struct change *ch, size_t nch, float **out)
{
	struct plan_options po;
	struct plan *p;
	struct diag d;
	size_t k = 0;
	int channels;

	plan_options_default(&po);
	po.max_block_frames = block;
	if (plan_compile(s, &po, &p, &d) != 0) {
		fprintf(stderr, "plan_compile: %s\n", d.message);
		return -1;
	}
	plan_locate(p, start);
	streamer_start(plan_streamer(p), start);
	channels = plan_output_channels(p);
	for (int64_t done = 0; done < frames; ) {
		int n = block;

		if (n > frames - done)
			n = (int)(frames - done);
		for (; k < nch && ch[k].at == start + done; k++)
			ch[k].fn(p, ch[k].arg);
		streamer_consumer_sync(plan_streamer(p));
		streamer_wait_available(plan_streamer(p), n);
		process_run(p, n);
		for (int c = 0; c < channels; c++)
			memcpy(out[c] + done, plan_output(p)[c],
			    (size_t)n * sizeof(float));
		done += n;
	}
	CHECK_INT_EQ(k, nch);   /* every change landed on a block start */
	plan_destroy(p);
	return channels;
}

static int
same(float **a, float **b, int channels, int64_t frames)
{
	int bad = 0;

	for (int c = 0; c < channels; c++)
		for (int64_t i = 0; i < frames; i++)
			bad += a[c][i] != b[c][i];
	return bad;
}

/* The value of a linear ramp from g0 (at frame at) to g1 (at at + QUANTUM)
 * at frame f, holding outside. */
static double
ramp(double g0, double g1, int64_t at, int64_t f)
{
	if (f < at)
		return g0;
	if (f >= at + PLAN_QUANTUM)
		return g1;
	return g0 + (g1 - g0) * (double)(f - at) / PLAN_QUANTUM;
}

/* Largest |out - want| over [a, b). */
static double
max_err(const float *out, int64_t a, int64_t b, double (*want)(int64_t))
{
	double e = 0;

	for (int64_t f = a; f < b; f++)
		if (fabs(out[f] - want(f)) > e)
			e = fabs(out[f] - want(f));
	return e;
}

/* ---- gain and mute ------------------------------------------------------ */

static void
set_gain(struct plan *p, const void *arg)
{
	plan_set_gain(p, plan_strip_index(p, (struct id){ ID_TRACK, 1 }),
	    *(const double *)arg);
}

static void
set_mute(struct plan *p, const void *arg)
{
	plan_set_mute(p, plan_strip_index(p, (struct id){ ID_TRACK, 1 }),
	    *(const bool *)arg);
}

static const double db_m6 = -6.0205999132796239, db_0 = 0.0, db_m20 = -20.0;
static const bool yes = true, no = false;

/* What the gain test below should produce (the DC source through T1). */
static double
gain_want(int64_t f)
{
	double half = pow(10, db_m6 / 20), tenth = 0.1, mid;

	if (f < 3000)      /* 0 dB, then -6 dB from 1000 */
		return ramp(1.0, half, 1000, f);
	if (f < 4000)      /* muted at 3000 */
		return ramp(half, 0.0, 3000, f);
	if (f < 5000)      /* unmuted at 4000 */
		return ramp(0.0, half, 4000, f);
	if (f < 5100)      /* to -20 dB at 5000 ... */
		return ramp(half, tenth, 5000, f);
	/* ... and back to 0 dB at 5100, from where the first ramp had got */
	mid = ramp(half, tenth, 5000, 5100);
	return ramp(mid, 1.0, 5100, f);
}

static void
test_gain_and_mute(void)
{
	struct session *s = new_session(RATE, CHAN_MONO);
	struct source *src = add_source(s, dc_wav, 1, RATE, LEN);
	struct track *t = add_track(s, "T", CHAN_MONO);
	float **out = alloc_planes(1, 8000);
	/* 1000 and 5100 are off the PLAN_QUANTUM grid */
	struct change ch[] = {
		{ 1000, set_gain, &db_m6 },
		{ 3000, set_mute, &yes },
		{ 3500, set_mute, &yes },     /* no change: harmless */
		{ 4000, set_mute, &no },
		{ 5000, set_gain, &db_m20 },
		{ 5100, set_gain, &db_0 },
	};

	add_clip(s, t, src->id, 0, 8000, 0);
	REQUIRE(render_live(s, 0, 8000, 100, ch, 6, out) == 1);
	CHECK(max_err(out[0], 0, 8000, gain_want) < 2e-6);
	/* the ramps start exactly at the change and last PLAN_QUANTUM frames */
	CHECK(out[0][999] == 1.0f);
	CHECK(out[0][1000] == 1.0f);
	CHECK(out[0][1001] < 1.0f);
	CHECK_NEAR(out[0][1000 + PLAN_QUANTUM - 1],
	    ramp(1, pow(10, db_m6 / 20), 1000, 1000 + PLAN_QUANTUM - 1), 1e-6);
	CHECK(out[0][3000 + PLAN_QUANTUM - 1] > 0.0f);
	CHECK(out[0][3000 + PLAN_QUANTUM] == 0.0f);
	CHECK(out[0][3999] == 0.0f);
	CHECK(out[0][4000] == 0.0f);
	CHECK(out[0][4001] > 0.0f);
	/* after the last ramp: exactly the static gain again */
	CHECK(out[0][5100 + PLAN_QUANTUM] == 1.0f);
	CHECK(out[0][7999] == 1.0f);
	/* the same changes with other block sizes: the same frames */
	{
		float **again = alloc_planes(1, 8000);

		REQUIRE(render_live(s, 0, 8000, 50, ch, 6, again) == 1);
		CHECK_INT_EQ(same(out, again, 1, 8000), 0);
		REQUIRE(render_live(s, 0, 8000, 20, ch, 6, again) == 1);
		CHECK_INT_EQ(same(out, again, 1, 8000), 0);
		free_planes(again, 1);
	}
	free_planes(out, 1);
	session_destroy(s);
}

/* With volume automation, the live fader still multiplies it. */
static double
auto_want(int64_t f)
{
	return pow(10, -12 / 20.0) * ramp(1.0, pow(10, db_m6 / 20), 1000, f);
}

static void
test_gain_under_automation(void)
{
	struct session *s = new_session(RATE, CHAN_MONO);
	struct source *src = add_source(s, dc_wav, 1, RATE, LEN);
	struct track *t = add_track(s, "T", CHAN_MONO);
	float **out = alloc_planes(1, 3000);
	struct change ch[] = { { 1000, set_gain, &db_m6 } };

	add_clip(s, t, src->id, 0, 3000, 0);
	add_point(&t->strip, AUTO_VOLUME, (struct id){ ID_BUS, 0 }, 0, -12,
	    INTERP_LINEAR);
	REQUIRE(render_live(s, 0, 3000, 200, ch, 1, out) == 1);
	CHECK(max_err(out[0], 0, 3000, auto_want) < 2e-6);
	free_planes(out, 1);
	session_destroy(s);
}

/* ---- pan ---------------------------------------------------------------- */

static void
set_pan(struct plan *p, const void *arg)
{
	plan_set_pan(p, plan_strip_index(p, (struct id){ ID_TRACK, 1 }), arg);
}

static const struct pan pan_left = { .x = -1, .lfe_db = -144 };
static const struct pan pan_centre = { .x = 0, .lfe_db = -144 };

static double
pan_want_l(int64_t f)
{
	return ramp(sqrt(0.5), 1.0, 1300, f);
}

static double
pan_want_r(int64_t f)
{
	return ramp(sqrt(0.5), 0.0, 1300, f);
}

static void
test_pan(void)
{
	struct session *s = new_session(RATE, CHAN_STEREO);
	struct source *src = add_source(s, dc_wav, 1, RATE, LEN);
	struct track *t = add_track(s, "T", CHAN_MONO);
	float **out = alloc_planes(2, 3000);
	struct change ch[] = {
		{ 1000, set_pan, &pan_centre },   /* the pan in force: harmless */
		{ 1300, set_pan, &pan_left },
	};

	add_clip(s, t, src->id, 0, 3000, 0);
	t->strip.pan = pan_centre;
	REQUIRE(render_live(s, 0, 3000, 100, ch, 2, out) == 2);
	CHECK(max_err(out[0], 0, 3000, pan_want_l) < 2e-6);
	CHECK(max_err(out[1], 0, 3000, pan_want_r) < 2e-6);
	CHECK(out[0][1299] == out[0][1000]);
	CHECK(out[1][1300 + PLAN_QUANTUM] == 0.0f);
	free_planes(out, 2);
	session_destroy(s);
}

/* ---- sends -------------------------------------------------------------- */

static struct id send_bus;

static void
set_send(struct plan *p, const void *arg)
{
	int strip = plan_strip_index(p, (struct id){ ID_TRACK, 1 });

	plan_set_send_level(p, strip, plan_send_index(p, strip, send_bus),
	    *(const double *)arg);
}

/* T1 direct (1) + through its send to B1 (0 dB, then -6 dB at 700) */
static double
send_want(int64_t f)
{
	return 1.0 + ramp(1.0, pow(10, db_m6 / 20), 700, f);
}

static void
test_send_level(void)
{
	struct session *s = new_session(RATE, CHAN_MONO);
	struct source *src = add_source(s, dc_wav, 1, RATE, LEN);
	struct track *t = add_track(s, "T", CHAN_MONO);
	struct bus *b = session_add_bus(s, (struct id){ ID_BUS, 0 }, NULL);
	float **out = alloc_planes(1, 2000);
	struct change ch[] = { { 700, set_send, &db_m6 } };
	struct plan_options po;
	struct plan *p;
	struct diag d;
	int ti;

	b->strip.name = strdup("B");
	b->strip.format = CHAN_MONO;
	b->kind = BUS_AUX;
	send_bus = b->id;
	t = &s->tracks[0];
	add_clip(s, t, src->id, 0, 2000, 0);
	t->strip.sends = calloc(1, sizeof *t->strip.sends);
	t->strip.send_count = 1;
	t->strip.sends[0] = (struct send){ .bus = send_bus, .level_db = 0 };
	REQUIRE(render_live(s, 0, 2000, 100, ch, 1, out) == 1);
	CHECK(max_err(out[0], 0, 2000, send_want) < 4e-6);

	/* lookups */
	plan_options_default(&po);
	REQUIRE(plan_compile(s, &po, &p, &d) == 0);
	CHECK_INT_EQ(plan_strip_count(p), 3);
	ti = plan_strip_index(p, t->id);
	CHECK(ti >= 0 && plan_strip_id(p, ti).kind == ID_TRACK);
	CHECK_INT_EQ(plan_strip_id(p, ti).num, t->id.num);
	CHECK_INT_EQ(plan_strip_index(p, (struct id){ ID_BUS, 0 }), 2);
	CHECK(plan_strip_index(p, send_bus) >= 0);
	CHECK_INT_EQ(plan_strip_index(p, (struct id){ ID_TRACK, 77 }), -1);
	CHECK_INT_EQ(plan_send_index(p, ti, send_bus), 0);
	CHECK_INT_EQ(plan_send_index(p, ti, (struct id){ ID_BUS, 9 }), -1);
	CHECK_INT_EQ(plan_send_index(p, 2, send_bus), -1);
	CHECK_INT_EQ(plan_send_index(p, 99, send_bus), -1);
	/* out-of-range indexes are ignored */
	plan_set_send_level(p, ti, 5, -3);
	plan_set_gain(p, -1, -3);
	plan_set_mute(p, 99, true);
	plan_destroy(p);
	free_planes(out, 1);
	session_destroy(s);
}

/* ---- no live change: bit-exact ------------------------------------------ */

static struct id busy_send;

/* Every live call with the value already in force, on every strip. */
static void
same_again(struct plan *p, const void *arg)
{
	const struct session *s = arg;

	for (size_t i = 0; i < s->track_count; i++) {
		const struct strip *st = &s->tracks[i].strip;
		int k = plan_strip_index(p, s->tracks[i].id);

		plan_set_gain(p, k, st->gain_db);
		plan_set_mute(p, k, st->mute);
		plan_set_pan(p, k, &st->pan);
		for (size_t j = 0; j < st->send_count; j++)
			plan_set_send_level(p, k,
			    plan_send_index(p, k, st->sends[j].bus),
			    st->sends[j].level_db);
	}
	plan_set_gain(p, plan_strip_index(p, busy_send), 0.0);
	plan_set_gain(p, plan_strip_index(p, (struct id){ ID_BUS, 0 }),
	    s->master.gain_db);
}

/* A session with a bit of everything: volume, pan and send automation,
 * a send, a bus, inserts (dynamics, EQ), a 5.1 master. */
static struct session *
busy_session(void)
{
	struct session *s = new_session(RATE, CHAN_5_1);
	struct source *src = add_source(s, noise_wav, 1, RATE, LEN);
	struct id sid = src->id;
	struct track *t = add_track(s, "T1", CHAN_MONO);
	struct insert *ins;
	struct bus *b;

	add_clip(s, t, sid, 500, 30000, 100);
	t = add_track(s, "T2", CHAN_MONO);
	add_clip(s, t, sid, 2000, 20000, 7000);
	b = session_add_bus(s, (struct id){ ID_BUS, 0 }, NULL);
	b->strip.name = strdup("FX");
	b->strip.format = CHAN_STEREO;
	b->kind = BUS_AUX;
	busy_send = b->id;
	t = &s->tracks[0];
	t->strip.gain_db = -3;
	t->strip.pan = (struct pan){ .x = 0.3, .y = 0.5, .lfe_db = -20 };
	add_point(&t->strip, AUTO_VOLUME, (struct id){ ID_BUS, 0 }, 1000, 0,
	    INTERP_LINEAR);
	add_point(&t->strip, AUTO_VOLUME, (struct id){ ID_BUS, 0 }, 9000, -10,
	    INTERP_STEP);
	add_point(&t->strip, AUTO_VOLUME, (struct id){ ID_BUS, 0 }, 15000, 2,
	    INTERP_LINEAR);
	add_point(&t->strip, AUTO_PAN, (struct id){ ID_BUS, 0 }, 3000, -1,
	    INTERP_LINEAR);
	add_point(&t->strip, AUTO_PAN, (struct id){ ID_BUS, 0 }, 20000, 1,
	    INTERP_LINEAR);
	t->strip.sends = calloc(1, sizeof *t->strip.sends);
	t->strip.send_count = 1;
	t->strip.sends[0] = (struct send){ .bus = busy_send, .level_db = -4 };
	add_point(&t->strip, AUTO_SEND_LEVEL, busy_send, 5000, -4,
	    INTERP_LINEAR);
	add_point(&t->strip, AUTO_SEND_LEVEL, busy_send, 12000, -30,
	    INTERP_LINEAR);
	t = &s->tracks[1];
	t->strip.pan = (struct pan){ .x = -0.6, .y = -0.2, .lfe_db = -144 };
	t->strip.gain_db = 2;
	ins = add_insert(&t->strip, "eq");
	set_param(ins, "band1-hz", 2000);
	set_param(ins, "band1-gain-db", 6);
	set_param(ins, "band1-q", 1);
	ins = add_insert(&s->tracks[0].strip, "dynamics");
	set_param(ins, "threshold-db", -20);
	set_param(ins, "ratio", 4);
	set_param(ins, "attack-ms", 5);
	set_param(ins, "release-ms", 50);
	s->master.gain_db = -1;
	return s;
}

static void
test_no_change_is_exact(void)
{
	struct session *s = busy_session();
	float **want = alloc_planes(6, 32000), **got = alloc_planes(6, 32000);
	struct change ch[320];

	REQUIRE(render_range(s, NULL, 0, 32000, 256, -1, want) == 6);
	REQUIRE(render_live(s, 0, 32000, 256, NULL, 0, got) == 6);
	CHECK_INT_EQ(same(want, got, 6, 32000), 0);
	/* calls that set what is in force, at every block start */
	for (int i = 0; i < 320; i++)
		ch[i] = (struct change){ (int64_t)i * 100, same_again, s };
	REQUIRE(render_live(s, 0, 32000, 100, ch, 320, got) == 6);
	CHECK_INT_EQ(same(want, got, 6, 32000), 0);
	free_planes(want, 6);
	free_planes(got, 6);
	session_destroy(s);
}

/* A live gain change on a strip with automation: once the ramp is over,
 * exactly what a plan compiled with that gain gives (from the next
 * PLAN_QUANTUM grid line on, where the segments are the same again; just
 * before it, the automation's curve is cut at other points). */
static void
set_t1_gain(struct plan *p, const void *arg)
{
	plan_set_gain(p, plan_strip_index(p, (struct id){ ID_TRACK, 1 }),
	    *(const double *)arg);
}

static void
test_change_matches_compile(void)
{
	struct session *s = busy_session();
	float **want = alloc_planes(6, 32000), **got = alloc_planes(6, 32000);
	static const double db = -9;
	struct change ch[] = { { 6100, set_t1_gain, &db } };
	int64_t grid = (6100 + PLAN_QUANTUM + PLAN_QUANTUM - 1) / PLAN_QUANTUM *
	    PLAN_QUANTUM;
	double e = 0;
	int bad = 0;

	REQUIRE(render_live(s, 0, 32000, 100, ch, 1, got) == 6);
	s->tracks[0].strip.gain_db = db;
	REQUIRE(render_range(s, NULL, 0, 32000, 256, -1, want) == 6);
	for (int c = 0; c < 6; c++) {
		for (int64_t i = 6100 + PLAN_QUANTUM; i < grid; i++)
			if (fabs(want[c][i] - got[c][i]) > e)
				e = fabs(want[c][i] - got[c][i]);
		for (int64_t i = grid; i < 32000; i++)
			bad += want[c][i] != got[c][i];
	}
	CHECK(e < 1e-4);
	CHECK_INT_EQ(bad, 0);
	free_planes(want, 6);
	free_planes(got, 6);
	session_destroy(s);
}

/* ---- solo-in-place from the session ------------------------------------- */

static bool live_mutes[8];   /* what the plan has, as the driver tracks it */

/* The console soloes track T1 at this frame: the driver asks the session
 * what that silences and tells the plan. */
static void
solo_t1(struct plan *p, const void *arg)
{
	struct session *s = (struct session *)arg;
	bool now[8];

	session_track(s, (struct id){ ID_TRACK, 1 })->strip.solo = true;
	plan_session_mutes(p, s, now);
	for (int i = 0; i < plan_strip_count(p); i++)
		if (now[i] != live_mutes[i]) {
			plan_set_mute(p, i, now[i]);
			live_mutes[i] = now[i];
		}
}

static void
test_session_mutes(void)
{
	struct session *s = new_session(RATE, CHAN_MONO);
	struct source *src = add_source(s, noise_wav, 1, RATE, LEN);
	struct id sid = src->id, bid, t1, t2, t3;
	struct bus *b;
	struct plan_options po;
	struct plan *p;
	struct diag d;
	bool m[8];
	float **want = alloc_planes(1, 6000), **got = alloc_planes(1, 6000);
	float **plain = alloc_planes(1, 6000);
	struct change ch[] = { { 2000, solo_t1, NULL } };
	int bad;

	t1 = add_track(s, "T1", CHAN_MONO)->id;
	t2 = add_track(s, "T2", CHAN_MONO)->id;
	t3 = add_track(s, "T3", CHAN_MONO)->id;
	add_clip(s, session_track(s, t1), sid, 0, 6000, 0);
	add_clip(s, session_track(s, t2), sid, 0, 6000, 10000);
	add_clip(s, session_track(s, t3), sid, 0, 6000, 20000);
	b = session_add_bus(s, (struct id){ ID_BUS, 0 }, NULL);
	b->strip.name = strdup("B");
	b->strip.format = CHAN_MONO;
	bid = b->id;
	session_track(s, t1)->strip.output = bid;   /* T1 -> B -> master */
	session_track(s, t3)->strip.mute = true;

	plan_options_default(&po);
	REQUIRE(plan_compile(s, &po, &p, &d) == 0);
	REQUIRE(plan_strip_count(p) == 5);
	plan_session_mutes(p, s, m);
	CHECK(!m[plan_strip_index(p, t1)]);
	CHECK(!m[plan_strip_index(p, t2)]);
	CHECK(m[plan_strip_index(p, t3)]);
	CHECK(!m[plan_strip_index(p, bid)]);
	CHECK(!m[plan_strip_index(p, (struct id){ ID_BUS, 0 })]);
	memcpy(live_mutes, m, sizeof m);

	/* solo T1: T2 is silenced, B (fed by T1) is not, T3 stays muted */
	session_track(s, t1)->strip.solo = true;
	plan_session_mutes(p, s, m);
	CHECK(!m[plan_strip_index(p, t1)]);
	CHECK(m[plan_strip_index(p, t2)]);
	CHECK(m[plan_strip_index(p, t3)]);
	CHECK(!m[plan_strip_index(p, bid)]);
	CHECK(!m[plan_strip_index(p, (struct id){ ID_BUS, 0 })]);
	/* solo the bus instead: T1 feeds it, T2 does not */
	session_track(s, t1)->strip.solo = false;
	session_bus(s, bid)->strip.solo = true;
	plan_session_mutes(p, s, m);
	CHECK(!m[plan_strip_index(p, t1)]);
	CHECK(m[plan_strip_index(p, t2)]);
	CHECK(!m[plan_strip_index(p, bid)]);
	session_bus(s, bid)->strip.solo = false;
	plan_destroy(p);

	/* compiled with T1 soloed, and without */
	session_track(s, t1)->strip.solo = true;
	REQUIRE(render_range(s, NULL, 0, 6000, 256, -1, want) == 1);
	session_track(s, t1)->strip.solo = false;
	REQUIRE(render_range(s, NULL, 0, 6000, 256, -1, plain) == 1);
	CHECK(same(want, plain, 1, 6000) > 0);
	/* compiled without, soloed live at 2000: the plain mix before, the
	 * soloed one after the ramp */
	ch[0].arg = s;
	REQUIRE(render_live(s, 0, 6000, 250, ch, 1, got) == 1);
	CHECK(session_track(s, t1)->strip.solo);
	bad = 0;
	for (int64_t i = 0; i < 2001; i++)
		bad += got[0][i] != plain[0][i];
	CHECK_INT_EQ(bad, 0);
	bad = 0;
	for (int64_t i = 2000 + PLAN_QUANTUM; i < 6000; i++)
		bad += got[0][i] != want[0][i];
	CHECK_INT_EQ(bad, 0);
	free_planes(want, 1);
	free_planes(got, 1);
	free_planes(plain, 1);
	session_destroy(s);
}

/* ---- plan_seek ---------------------------------------------------------- */

static void
test_seek(void)
{
	struct session *s = busy_session();
	struct plan_options po;
	struct plan *p;
	struct diag d;
	int64_t a = 4000, len = 9000;
	float **want = alloc_planes(6, len), **got = alloc_planes(6, len);

	/* busy_session's inserts have history, which a seek must clear */
	REQUIRE(render_range(s, NULL, a, len, 512, -1, want) == 6);

	/* a plan streaming a loop over [a, a + len): the second pass, after
	 * plan_seek(a), renders what a fresh plan located at a does */
	plan_options_default(&po);
	po.max_block_frames = 300;
	REQUIRE(plan_compile(s, &po, &p, &d) == 0);
	plan_seek(p, a);
	CHECK_INT_EQ(plan_position(p), a);
	REQUIRE(streamer_start_loop(plan_streamer(p), a, a, a + len) == 0);
	for (int pass = 0; pass < 3; pass++) {
		for (int64_t done = 0; done < len; ) {
			int n = len - done < 300 ? (int)(len - done) : 300;

			streamer_consumer_sync(plan_streamer(p));
			streamer_wait_available(plan_streamer(p), n);
			process_run(p, n);
			for (int c = 0; c < 6; c++)
				memcpy(got[c] + done, plan_output(p)[c],
				    (size_t)n * sizeof(float));
			done += n;
		}
		CHECK_INT_EQ(plan_position(p), a + len);
		CHECK_INT_EQ(same(want, got, 6, len), 0);
		plan_seek(p, a);
	}
	CHECK_INT_EQ(streamer_underruns(plan_streamer(p)), 0);
	plan_destroy(p);
	free_planes(want, 6);
	free_planes(got, 6);
	session_destroy(s);
}

int
main(void)
{
	dc_wav = strdup(test_path("live_dc.wav"));
	noise_wav = strdup(test_path("live_noise.wav"));
	write_wav(dc_wav, 1, RATE, LEN, dc);
	write_wav(noise_wav, 1, RATE, LEN, noise);
	test_gain_and_mute();
	test_gain_under_automation();
	test_pan();
	test_send_level();
	test_no_change_is_exact();
	test_change_matches_compile();
	test_session_mutes();
	test_seek();
	return test_report();
}
