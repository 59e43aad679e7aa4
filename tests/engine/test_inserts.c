/*
 * Insert chains in the engine: EQ and dynamics from session parameters,
 * automation of an insert parameter, sidechain keying from another track,
 * bad parameters refused, block-size independence with inserts, and the
 * dialogue-cleanup inserts' latency compensated on tracks (refused on
 * buses).
 */
#include "test.h"
#include "engine/render.h"
#include "engine/inserts.h"
#include "dsp/signals.h"

#define RATE 48000

static float
sine1k(int64_t i, int c)
{
	(void)c;
	return 0.316227766f * (float)sin(2 * M_PI * 1000.0 * (double)i / RATE);
}

/* loud 100 Hz bursts: 0.5 s on, 0.5 s off */
static float
bursts(int64_t i, int c)
{
	(void)c;
	return (i / 24000) % 2 == 0 ?
	    0.9f * (float)sin(2 * M_PI * 100.0 * (double)i / RATE) : 0.0f;
}

/* two impulses (frames 100 and 60000) on a faint noise bed */
static float
impulses(int64_t i, int c)
{
	if (i == 100 || i == 60000)
		return 0.5f;
	return 0.001f * hash_noise(i, c, 7u);
}

static const char *sine_wav, *burst_wav, *impulse_wav;

static double
rms_db(const float *x, int n)
{
	return 10 * log10(mean_power(x, n) + 1e-30);
}

static struct session *
tone_session(void)
{
	struct session *s = new_session(RATE, CHAN_MONO);
	struct source *src = add_source(s, sine_wav, 1, RATE, 96000);
	struct track *t = add_track(s, "tone", CHAN_MONO);

	add_clip(s, t, src->id, 0, 96000, 0);
	return s;
}

static void
test_eq_and_dynamics(void)
{
	struct session *s = tone_session();
	float **out = alloc_planes(1, 96000);
	struct insert *ins;
	double plain, db;

	REQUIRE(render_range(s, NULL, 0, 96000, 512, -1, out) == 1);
	plain = rms_db(out[0] + 48000, 48000);
	CHECK_NEAR(plain, -13.0103, 0.01);     /* -10 dBFS peak sine */

	/* a +6 dB bell at 1 kHz: +6 dB */
	ins = add_insert(&s->tracks[0].strip, "eq");
	set_param(ins, "band1-hz", 1000);
	set_param(ins, "band1-gain-db", 6);
	set_param(ins, "band1-q", 2);
	REQUIRE(render_range(s, NULL, 0, 96000, 512, -1, out) == 1);
	CHECK_NEAR(rms_db(out[0] + 48000, 48000) - plain, 6.0, 0.05);
	/* bypassed: untouched */
	ins->bypass = true;
	render_range(s, NULL, 0, 96000, 512, -1, out);
	CHECK_NEAR(rms_db(out[0] + 48000, 48000) - plain, 0.0, 1e-6);
	ins->bypass = false;

	/* then a 4:1 compressor at -30 dBFS (RMS detector, no knee): a sine
	 * whose RMS is -7 dB after the EQ comes out at -30 + 23/4 dB */
	ins = add_insert(&s->tracks[0].strip, "dynamics");
	set_param(ins, "threshold-db", -30);
	set_param(ins, "ratio", 4);
	set_param(ins, "knee-db", 0);
	set_param(ins, "detector", 1);
	set_param(ins, "rms-ms", 50);
	set_param(ins, "attack-ms", 5);
	set_param(ins, "release-ms", 50);
	REQUIRE(render_range(s, NULL, 0, 96000, 512, -1, out) == 1);
	db = rms_db(out[0] + 48000, 48000);
	CHECK_NEAR(db, -30 + (plain + 6 + 30) / 4, 0.5);
	free_planes(out, 1);
	session_destroy(s);
}

static void
test_bad_parameters(void)
{
	struct session *s = tone_session();
	struct plan_options po;
	struct plan *p = NULL;
	struct diag d;
	struct insert *ins = add_insert(&s->tracks[0].strip, "eq");

	plan_options_default(&po);
	set_param(ins, "band9-hz", 100);   /* there are 8 bands */
	CHECK_INT_EQ(plan_compile(s, &po, &p, &d), ERR_SEMANTIC);
	CHECK(strstr(d.message, "band9-hz") != NULL);
	ins->params[0].name[4] = '1';      /* band1-hz */
	ins->params[0].value = -5;         /* out of range */
	CHECK_INT_EQ(plan_compile(s, &po, &p, &d), ERR_SEMANTIC);
	CHECK(strstr(d.message, "outside") != NULL);
	ins->params[0].value = 100;
	free(ins->kind);
	ins->kind = strdup("reverb");
	CHECK_INT_EQ(plan_compile(s, &po, &p, &d), ERR_SEMANTIC);
	CHECK(strstr(d.message, "reverb") != NULL);
	session_destroy(s);
}

static void
test_automated_insert(void)
{
	struct session *s = tone_session();
	struct strip *st = &s->tracks[0].strip;
	struct insert *ins = add_insert(st, "eq");
	struct auto_lane *l;
	float **out = alloc_planes(1, 96000);
	double plain;

	REQUIRE(render_range(s, NULL, 0, 96000, 512, -1, out) == 1);
	plain = rms_db(out[0] + 10000, 4800);
	set_param(ins, "band1-hz", 1000);
	set_param(ins, "band1-q", 2);
	/* band1-gain-db: 0 dB until 0.5 s, +12 dB from 1 s on */
	l = insert_lane(st, 0, "band1-gain-db", 2);
	l->points[0] = (struct auto_point){ 24000, 0.0, INTERP_LINEAR };
	l->points[1] = (struct auto_point){ 48000, 12.0, INTERP_LINEAR };
	REQUIRE(render_range(s, NULL, 0, 96000, 700, -1, out) == 1);
	CHECK_NEAR(rms_db(out[0] + 10000, 4800) - plain, 0.0, 0.01);
	CHECK_NEAR(rms_db(out[0] + 60000, 4800) - plain, 12.0, 0.05);
	/* half way up the ramp: about +6 dB */
	CHECK_NEAR(rms_db(out[0] + 36000 - 480, 960) - plain, 6.0, 0.3);
	free_planes(out, 1);
	session_destroy(s);
}

static void
test_sidechain(void)
{
	struct session *s = tone_session();
	struct source *b = add_source(s, burst_wav, 1, RATE, 96000);
	struct id bid = b->id;
	struct track *key;
	struct insert *ins;
	float **out = alloc_planes(1, 96000);
	double on, off;

	/* the tone (T1) ducked by a gate-like compressor keyed from T2, which
	 * itself is muted at its fader: the key is pre-fader */
	key = add_track(s, "bursts", CHAN_MONO);
	add_clip(s, key, bid, 0, 96000, 0);
	key->strip.gain_db = SESSION_GAIN_MIN_DB;
	ins = add_insert(&s->tracks[0].strip, "dynamics");
	set_param(ins, "threshold-db", -40);
	set_param(ins, "ratio", 20);
	set_param(ins, "attack-ms", 1);
	set_param(ins, "release-ms", 20);
	set_param(ins, "key-track", (double)s->tracks[1].id.num);
	REQUIRE(render_range(s, NULL, 0, 96000, 256, -1, out) == 1);
	on = rms_db(out[0] + 48000 + 2400, 12000);    /* bursts sounding */
	off = rms_db(out[0] + 72000 + 4800, 12000);   /* bursts silent */
	CHECK(off - on > 20);
	CHECK_NEAR(off, -13.0103, 0.1);
	/* a key that is not a track is refused */
	s->tracks[0].strip.inserts[0].params[4].value = 99;
	{
		struct plan_options po;
		struct plan *p;
		struct diag d;

		plan_options_default(&po);
		CHECK_INT_EQ(plan_compile(s, &po, &p, &d), ERR_SEMANTIC);
		CHECK(strstr(d.message, "T99") != NULL);
	}
	free_planes(out, 1);
	session_destroy(s);
}

static void
test_block_sizes(void)
{
	struct session *s = tone_session();
	struct strip *st = &s->tracks[0].strip;
	struct insert *ins = add_insert(st, "eq");
	float **a = alloc_planes(1, 96000), **b = alloc_planes(1, 96000);
	struct auto_lane *l;

	set_param(ins, "band1-hz", 800);
	set_param(ins, "hpf-hz", 80);
	ins = add_insert(st, "dynamics");
	set_param(ins, "threshold-db", -25);
	l = insert_lane(st, 0, "band1-gain-db", 3);
	l->points[0] = (struct auto_point){ 1000, -6.0, INTERP_LINEAR };
	l->points[1] = (struct auto_point){ 40001, 9.0, INTERP_STEP };
	l->points[2] = (struct auto_point){ 70003, 0.0, INTERP_LINEAR };
	REQUIRE(render_range(s, NULL, 0, 96000, 4096, -1, a) == 1);
	REQUIRE(render_range(s, NULL, 0, 96000, -999, -1, b) == 1);
	CHECK(memcmp(a[0], b[0], 96000 * sizeof(float)) == 0);
	free_planes(a, 1);
	free_planes(b, 1);
	session_destroy(s);
}

static int64_t
peak_frame(const float *x, int64_t n)
{
	int64_t at = 0;

	for (int64_t i = 1; i < n; i++)
		if (fabsf(x[i]) > fabsf(x[at]))
			at = i;
	return at;
}

/* The cleanup kinds that run live, each with its latency: a track plays
 * its clips that much early, so what comes out is in time, from the first
 * frame on (the render pre-rolls the chain); bypassed, the
 * same chain is exactly the input (its delay lines keep the timing); the
 * output does not depend on the block size, automation of a cleanup
 * parameter included; a bus refuses a latent insert. */
static void
test_cleanup_latency_compensated(void)
{
	static const char *const kinds[] = { "declick", "deplosive", "dehum",
		"denoise", "deess", "leveller" };
	const int64_t n = 96000;
	struct session *s = new_session(RATE, CHAN_MONO);
	struct source *src = add_source(s, impulse_wav, 1, RATE, n);
	struct track *t = add_track(s, "dia", CHAN_MONO);
	float **a = alloc_planes(1, n), **b = alloc_planes(1, n);
	struct auto_lane *l;
	int total = 0;

	add_clip(s, t, src->id, 0, n, 0);
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		int lat = insert_kind_latency(kinds[k], RATE);

		CHECK(lat >= 0);
		total += lat;
		add_insert(&t->strip, kinds[k]);
	}
	CHECK(total > 24000);   /* the leveller's lookahead alone is 500 ms */
	/* declick would repair the impulses themselves: bypass it here */
	t->strip.inserts[0].bypass = true;
	l = insert_lane(&t->strip, 4, "threshold-db", 2);
	l->points[0] = (struct auto_point){ 10000, -20.0, INTERP_LINEAR };
	l->points[1] = (struct auto_point){ 50000, 0.0, INTERP_LINEAR };
	REQUIRE(render_range(s, NULL, 0, n, 4096, -1, a) == 1);
	CHECK_INT_EQ(peak_frame(a[0], 45000), 100);
	CHECK_INT_EQ(peak_frame(a[0] + 45000, n - 45000), 15000);
	REQUIRE(render_range(s, NULL, 0, n, -999, -1, b) == 1);
	CHECK(memcmp(a[0], b[0], (size_t)n * sizeof(float)) == 0);

	for (size_t k = 0; k < t->strip.insert_count; k++)
		t->strip.inserts[k].bypass = true;
	REQUIRE(render_range(s, NULL, 0, n, 1000, -1, a) == 1);
	for (int64_t i = 0; i < n; i++)
		b[0][i] = impulses(i, 0);
	CHECK(memcmp(a[0], b[0], (size_t)n * sizeof(float)) == 0);

	{
		struct bus *bus = session_add_bus(s, (struct id){ ID_BUS, 0 }, NULL);
		struct plan_options po;
		struct plan *p;
		struct diag d;

		bus->strip.name = strdup("DIA");
		bus->strip.format = CHAN_MONO;
		bus->kind = BUS_AUX;
		add_insert(&bus->strip, "denoise");
		plan_options_default(&po);
		CHECK_INT_EQ(plan_compile(s, &po, &p, &d), ERR_SEMANTIC);
		CHECK(strstr(d.message, "latency") != NULL);
	}
	free_planes(a, 1);
	free_planes(b, 1);
	session_destroy(s);
}

/*
 * Neighbouring mono tracks with the same insert chain render their inserts
 * stage by stage together (their compressors side by side: see
 * process.c's render_group). Each must sound exactly as it does alone: a
 * session of seven such tracks (peak and RMS detectors, compressors and an
 * expander, each with its own settings and material) mixes, sample for
 * sample, to the sum of the seven rendered one by one in the same order.
 */
static struct session *
group_session(int only)
{
	struct session *s = new_session(RATE, CHAN_MONO);
	struct source *src[3] = { add_source(s, sine_wav, 1, RATE, 96000),
	    add_source(s, burst_wav, 1, RATE, 96000),
	    add_source(s, impulse_wav, 1, RATE, 96000) };

	for (int t = 0; t < 7; t++) {
		struct track *tr;
		struct insert *ins;

		if (only >= 0 && t != only)
			continue;
		tr = add_track(s, "g", CHAN_MONO);
		add_clip(s, tr, src[t % 3]->id, 100 * t, 90000, 37 * t);
		ins = add_insert(&tr->strip, "eq");
		set_param(ins, "band1-hz", 200 + 300 * t);
		set_param(ins, "band1-gain-db", 3 - t);
		ins = add_insert(&tr->strip, "dynamics");
		set_param(ins, "mode", t == 5 ? 1 : 0);    /* one expander */
		set_param(ins, "detector", t % 2);
		set_param(ins, "threshold-db", -40 + 4 * t);
		set_param(ins, "ratio", 2 + t);
		set_param(ins, "knee-db", t % 3 == 0 ? 0 : 6);
		set_param(ins, "attack-ms", 1 + t);
		set_param(ins, "release-ms", 40 + 20 * t);
		set_param(ins, "makeup-db", t - 3);
	}
	return s;
}

static void
test_grouped_tracks_match_alone(void)
{
	enum { N = 96000 };
	float **mix = alloc_planes(1, N), **one = alloc_planes(1, N);
	float *sum = calloc(N, sizeof *sum);
	struct session *s = group_session(-1);

	REQUIRE(s != NULL && sum != NULL);
	REQUIRE(render_range(s, NULL, 0, N, 512, -1, mix) == 1);
	session_destroy(s);
	for (int t = 0; t < 7; t++) {
		s = group_session(t);
		REQUIRE(render_range(s, NULL, 0, N, 512, -1, one) == 1);
		for (int i = 0; i < N; i++)
			sum[i] += one[0][i];
		session_destroy(s);
	}
	CHECK(same_bits(mix[0], sum, N));
	CHECK(rms_db(mix[0], N) > -40.0);     /* it did play */
	free(sum);
	free_planes(mix, 1);
	free_planes(one, 1);
}

int
main(void)
{
	sine_wav = strdup(test_path("sine.wav"));
	burst_wav = strdup(test_path("bursts.wav"));
	write_wav(sine_wav, 1, RATE, 96000, sine1k);
	write_wav(burst_wav, 1, RATE, 96000, bursts);
	impulse_wav = strdup(test_path("impulses.wav"));
	write_wav(impulse_wav, 1, RATE, 96000, impulses);
	test_eq_and_dynamics();
	test_bad_parameters();
	test_automated_insert();
	test_sidechain();
	test_block_sizes();
	test_cleanup_latency_compensated();
	test_grouped_tracks_match_alone();
	return test_report();
}
