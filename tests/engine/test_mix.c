/*
 * The mix engine end to end: sessions built in code, real WAV media, the
 * real plan/streamer/process path. Null test, fades, crossfades,
 * automation, panning, downmix, solo, sends, bus chains, resampling,
 * block-size independence.
 */
#include "test.h"
#include "engine/render.h"
#include "dsp/fade.h"
#include "dsp/signals.h"

#define RATE 48000

static float
noise(int64_t i, int c)
{
	return hash_noise(i, c, 17u);
}

static float
noise2(int64_t i, int c)
{
	return noise(i + 1000003, c + 7);
}

static float
dc(int64_t i, int c)
{
	(void)i;
	(void)c;
	return 1.0f;
}

static float
sine44k(int64_t i, int c)
{
	(void)c;
	return 0.5f * (float)sin(2.0 * M_PI * 1000.0 * (double)i / 44100.0);
}

static const char *noise_wav, *noise2_wav, *dc_wav, *stereo_wav, *sine_wav;

static void
make_media(void)
{
	noise_wav = strdup(test_path("noise.wav"));
	noise2_wav = strdup(test_path("noise2.wav"));
	dc_wav = strdup(test_path("dc.wav"));
	stereo_wav = strdup(test_path("stereo.wav"));
	sine_wav = strdup(test_path("sine44k.wav"));
	write_wav(noise_wav, 1, RATE, 200000, noise);
	write_wav(noise2_wav, 1, RATE, 200000, noise2);
	write_wav(dc_wav, 1, RATE, 200000, dc);
	write_wav(stereo_wav, 2, RATE, 200000, noise);
	write_wav(sine_wav, 1, 44100, 44100, sine44k);
}

static void
test_null(void)
{
	struct session *s = new_session(RATE, CHAN_MONO);
	struct source *src = add_source(s, noise_wav, 1, RATE, 200000);
	struct track *t = add_track(s, "T", CHAN_MONO);
	float **out = alloc_planes(1, 30000);
	int bad = 0;

	add_clip(s, t, src->id, 1000, 20000, 500);
	REQUIRE(render_range(s, NULL, 0, 30000, 1024, -1, out) == 1);
	for (int64_t i = 0; i < 30000; i++) {
		float want = i >= 1000 && i < 21000 ? noise(500 + i - 1000, 0) : 0.0f;

		bad += out[0][i] != want;   /* bit-exact */
	}
	CHECK_INT_EQ(bad, 0);
	free_planes(out, 1);
	session_destroy(s);
}

static void
test_fades(void)
{
	struct session *s = new_session(RATE, CHAN_MONO);
	struct source *src = add_source(s, dc_wav, 1, RATE, 200000);
	struct track *t = add_track(s, "T", CHAN_MONO);
	float **out = alloc_planes(1, 40000);
	const int L = 1001;

	for (int shape = 0; shape < FADE_SHAPE_COUNT; shape++) {
		struct clip *c;

		session_destroy(s);
		s = new_session(RATE, CHAN_MONO);
		src = add_source(s, dc_wav, 1, RATE, 200000);
		t = add_track(s, "T", CHAN_MONO);
		c = add_clip(s, t, src->id, 10000, 20000, 0);
		c->fade_in = (struct fade){ L, shape };
		c->fade_out = (struct fade){ L, shape };
		REQUIRE(render_range(s, NULL, 0, 40000, 512, -1, out) == 1);
		/* fade-in: frame k has t = k / (L - 1); ends exact */
		CHECK(out[0][10000] == 0.0f);
		CHECK(out[0][10000 + L - 1] == 1.0f);
		for (int q = 1; q < 4; q++) {
			int k = q * (L - 1) / 4;

			CHECK_NEAR(out[0][10000 + k], fade_gain((enum fade_curve)shape, q / 4.0), 3e-6);
			/* fade-out mirrors it */
			CHECK_NEAR(out[0][30000 - 1 - k], fade_gain((enum fade_curve)shape, q / 4.0), 3e-6);
		}
		CHECK(out[0][30000 - 1] == 0.0f);
		CHECK(out[0][20000] == 1.0f);
	}
	/* the named values of the curves at t = 0.5 */
	CHECK_NEAR(fade_gain(FADE_CURVE_LINEAR, 0.5), 0.5, 1e-7);
	CHECK_NEAR(fade_gain(FADE_CURVE_EQUAL_POWER, 0.5), sqrt(0.5), 1e-7);
	CHECK_NEAR(fade_gain(FADE_CURVE_S_CURVE, 0.5), 0.5, 1e-7);
	free_planes(out, 1);
	session_destroy(s);
}

static void
test_crossfades(void)
{
	struct session *s = new_session(RATE, CHAN_MONO);
	struct source *a = add_source(s, noise_wav, 1, RATE, 200000);
	struct source *b = add_source(s, noise2_wav, 1, RATE, 200000);
	struct source *same = a;
	struct track *t = add_track(s, "T", CHAN_MONO);
	struct clip *c1, *c2;
	float **out = alloc_planes(1, 120000);
	double ref, worst = 0;

	/* uncorrelated material, equal-power: constant power */
	c1 = add_clip(s, t, a->id, 0, 60000, 0);
	c2 = add_clip(s, t, b->id, 40000, 60000, 0);
	c1->fade_out = (struct fade){ 20000, FADE_EQUAL_POWER };
	c2->fade_in = (struct fade){ 20000, FADE_EQUAL_POWER };
	REQUIRE(render_range(s, NULL, 0, 100000, 1024, -1, out) == 1);
	ref = mean_power(out[0], 30000);
	for (int w = 40000; w < 60000; w += 2000) {
		double db = 10 * log10(mean_power(out[0] + w, 2000) / ref);

		if (fabs(db) > worst)
			worst = fabs(db);
	}
	CHECK(worst < 0.5);

	/* correlated material (a cut inside one take), linear: the original
	 * comes out unchanged across the crossfade */
	session_destroy(s);
	s = new_session(RATE, CHAN_MONO);
	same = add_source(s, noise_wav, 1, RATE, 200000);
	t = add_track(s, "T", CHAN_MONO);
	c1 = add_clip(s, t, same->id, 0, 60000, 0);
	c2 = add_clip(s, t, same->id, 40000, 60000, 40000);
	c1->fade_out = (struct fade){ 20000, FADE_LINEAR };
	c2->fade_in = (struct fade){ 20000, FADE_LINEAR };
	REQUIRE(render_range(s, NULL, 0, 100000, 1024, -1, out) == 1);
	worst = 0;
	for (int i = 40000; i < 60000; i++)
		if (fabs(out[0][i] - noise(i, 0)) > worst)
			worst = fabs(out[0][i] - noise(i, 0));
	CHECK(worst < 1e-6);
	free_planes(out, 1);
	session_destroy(s);
}

static void
test_automation(void)
{
	struct session *s = new_session(RATE, CHAN_MONO);
	struct source *src = add_source(s, dc_wav, 1, RATE, 200000);
	struct track *t = add_track(s, "T", CHAN_MONO);
	struct id none = { ID_BUS, 0 };
	float **out = alloc_planes(1, 60000);

	add_clip(s, t, src->id, 0, 60000, 0);
	add_point(&t->strip, AUTO_VOLUME, none, 10003, 0.0, INTERP_LINEAR);
	add_point(&t->strip, AUTO_VOLUME, none, 20011, -20.0, INTERP_STEP);
	add_point(&t->strip, AUTO_VOLUME, none, 30007, -6.0, INTERP_LINEAR);
	add_point(&t->strip, AUTO_MUTE, none, 0, 0.0, INTERP_STEP);
	add_point(&t->strip, AUTO_MUTE, none, 40001, 1.0, INTERP_STEP);
	add_point(&t->strip, AUTO_MUTE, none, 45001, 0.0, INTERP_STEP);
	REQUIRE(render_range(s, NULL, 0, 60000, -700, -1, out) == 1);
	/* breakpoints land on their exact frames */
	CHECK_NEAR(out[0][10003], 1.0, 1e-6);
	CHECK_NEAR(out[0][20011], 0.1, 1e-6);
	CHECK_NEAR(out[0][30007], pow(10, -6 / 20.0), 1e-6);
	/* step: held until the next point */
	CHECK_NEAR(out[0][30006], 0.1, 1e-6);
	CHECK_NEAR(out[0][25000], 0.1, 1e-6);
	/* before the first point: the first value; a ramp's middle */
	CHECK_NEAR(out[0][5000], 1.0, 1e-6);
	/* on the quantum grid the dB-linear ramp is exact; between grid points
	 * the gain is linear, within 0.01 dB of the dB line */
	{
		int64_t g = 15000 / PLAN_QUANTUM * PLAN_QUANTUM;
		int64_t m = g + PLAN_QUANTUM / 2;

		CHECK_NEAR(out[0][g], pow(10, -20.0 * (g - 10003) / 10008 / 20), 1e-6);
		CHECK_NEAR(20 * log10(out[0][m]), -20.0 * (m - 10003) / 10008, 0.01);
	}
	/* mute automation: silent inside, back after */
	CHECK(out[0][42000] == 0.0f);
	CHECK_NEAR(out[0][50000], pow(10, -6 / 20.0), 1e-6);
	free_planes(out, 1);
	session_destroy(s);
}

static void
test_panning_and_downmix(void)
{
	struct session *s = new_session(RATE, CHAN_STEREO);
	struct source *src = add_source(s, dc_wav, 1, RATE, 200000);
	struct track *t = add_track(s, "T", CHAN_MONO);
	struct plan_options po;
	float **out = alloc_planes(8, 2000);

	add_clip(s, t, src->id, 0, 2000, 0);
	t->strip.pan.x = 0;
	REQUIRE(render_range(s, NULL, 0, 2000, 256, -1, out) == 2);
	CHECK_NEAR(out[0][100], sqrt(0.5), 1e-6);
	CHECK_NEAR(out[1][100], sqrt(0.5), 1e-6);
	t->strip.pan.x = -1;
	render_range(s, NULL, 0, 2000, 256, -1, out);
	CHECK_NEAR(out[0][100], 1.0, 1e-6);
	CHECK_NEAR(out[1][100], 0.0, 1e-6);

	/* 5.1: a source at the left front corner plays from L only; in the
	 * middle of the front wall from C only */
	s->master.format = CHAN_5_1;
	t->strip.pan = (struct pan){ .x = -1, .y = 1, .lfe_db = -144 };
	REQUIRE(render_range(s, NULL, 0, 2000, 256, -1, out) == 6);
	CHECK_NEAR(out[0][100], 1.0, 1e-6);
	for (int c = 1; c < 6; c++)
		CHECK_NEAR(out[c][100], 0.0, 1e-6);
	t->strip.pan = (struct pan){ .x = 0, .y = 1, .lfe_db = -144 };
	render_range(s, NULL, 0, 2000, 256, -1, out);
	CHECK_NEAR(out[2][100], 1.0, 1e-6);
	CHECK_NEAR(out[0][100], 0.0, 1e-6);

	/* fold-down of that 5.1 master to stereo: C goes to L and R at -3 dB */
	plan_options_default(&po);
	po.output_format = CHAN_STEREO;
	REQUIRE(render_range(s, &po, 0, 2000, 256, -1, out) == 2);
	CHECK_NEAR(out[0][100], pow(10, -3.0103 / 20), 1e-4);
	CHECK_NEAR(out[1][100], pow(10, -3.0103 / 20), 1e-4);
	free_planes(out, 8);
	session_destroy(s);
}

static struct bus *
add_bus(struct session *s, const char *name, enum chan_format fmt,
    enum bus_kind kind)
{
	struct bus *b = session_add_bus(s, (struct id){ ID_BUS, 0 }, NULL);

	b->strip.name = strdup(name);
	b->strip.format = fmt;
	b->kind = kind;
	return b;
}

static void
test_routing(void)
{
	struct session *s = new_session(RATE, CHAN_MONO);
	struct source *src = add_source(s, dc_wav, 1, RATE, 200000);
	struct track *t1 = add_track(s, "T1", CHAN_MONO);
	struct track *t2 = add_track(s, "T2", CHAN_MONO);
	struct bus *b1, *b2;
	float **out = alloc_planes(1, 2000);
	struct id b1id, b2id;

	add_clip(s, &s->tracks[0], src->id, 0, 2000, 0);
	add_clip(s, &s->tracks[1], src->id, 0, 2000, 0);
	b1 = add_bus(s, "B1", CHAN_MONO, BUS_AUX);
	b1id = b1->id;
	b2 = add_bus(s, "B2", CHAN_MONO, BUS_STEM);
	b2id = b2->id;
	t1 = &s->tracks[0];
	t2 = &s->tracks[1];
	t2->strip.gain_db = -6.0206;   /* x 0.5 */

	/* both tracks to the master: 1 + 0.5 */
	REQUIRE(render_range(s, NULL, 0, 2000, 256, -1, out) == 1);
	CHECK_NEAR(out[0][500], 1.5, 1e-5);
	/* bus chain: T1 -> B1 (-6 dB) -> B2 (-6 dB) -> master */
	t1->strip.output = b1id;
	session_bus(s, b1id)->strip.output = b2id;
	session_bus(s, b1id)->strip.gain_db = -6.0206;
	session_bus(s, b2id)->strip.gain_db = -6.0206;
	render_range(s, NULL, 0, 2000, 256, -1, out);
	CHECK_NEAR(out[0][500], 0.25 + 0.5, 1e-5);
	/* the stem output is B2's post-fader signal */
	render_range(s, NULL, 0, 2000, 256, 0, out);
	CHECK_NEAR(out[0][500], 0.25, 1e-5);

	/* solo-in-place: solo T2, only it is heard */
	t2->strip.solo = true;
	render_range(s, NULL, 0, 2000, 256, -1, out);
	CHECK_NEAR(out[0][500], 0.5, 1e-5);
	/* solo B2: T1 feeds it, so T1's path is heard, T2 (to master) is not */
	t2->strip.solo = false;
	session_bus(s, b2id)->strip.solo = true;
	render_range(s, NULL, 0, 2000, 256, -1, out);
	CHECK_NEAR(out[0][500], 0.25, 1e-5);
	session_bus(s, b2id)->strip.solo = false;

	/* sends: T2 to B1 at -6 dB; T2's fader at -inf. A post-fader send is
	 * silent, a pre-fader send is not. B1 -> B2 -> master: x 0.25 */
	t1->strip.mute = true;
	t2->strip.gain_db = SESSION_GAIN_MIN_DB;
	t2->strip.sends = calloc(1, sizeof *t2->strip.sends);
	t2->strip.send_count = 1;
	t2->strip.sends[0] = (struct send){ .bus = b1id, .level_db = -6.0206 };
	render_range(s, NULL, 0, 2000, 256, -1, out);
	CHECK_NEAR(out[0][500], 0.0, 1e-6);
	t2->strip.sends[0].pre_fader = true;
	render_range(s, NULL, 0, 2000, 256, -1, out);
	CHECK_NEAR(out[0][500], 0.5 * 0.25, 1e-5);
	free_planes(out, 1);
	session_destroy(s);
}

/* A 1 kHz sine at 44.1 kHz in a 48 kHz session keeps its pitch and its
 * duration: 1 s of source is 48000 frames of output. */
static void
test_resampling(void)
{
	struct session *s = new_session(RATE, CHAN_MONO);
	struct source *src = add_source(s, sine_wav, 1, 44100, 44100);
	struct track *t = add_track(s, "T", CHAN_MONO);
	float **out = alloc_planes(1, 60000);
	int crossings = 0;

	add_clip(s, t, src->id, 0, 48000, 0);
	REQUIRE(render_range(s, NULL, 0, 60000, 1024, -1, out) == 1);
	/* count rising zero crossings over the steady middle second-half */
	for (int i = 2000; i < 46000; i++)
		crossings += out[0][i - 1] < 0 && out[0][i] >= 0;
	/* 44000 frames at 48 kHz = 0.9167 s of 1 kHz: 916 or 917 */
	CHECK(crossings >= 915 && crossings <= 918);
	CHECK_NEAR(sqrt(mean_power(out[0] + 10000, 30000)), 0.5 / sqrt(2), 0.01);
	for (int i = 48000; i < 60000; i++)
		CHECK(out[0][i] == 0.0f || i < 48001);
	free_planes(out, 1);
	session_destroy(s);
}

/* A session using everything renders identically whatever the block
 * sizes (what JACK plays at 64 frames equals the bounce at 4096). */
static void
test_block_size_independence(void)
{
	struct session *s = new_session(RATE, CHAN_5_1);
	struct source *mono = add_source(s, noise_wav, 1, RATE, 200000);
	struct source *st = add_source(s, stereo_wav, 2, RATE, 200000);
	struct track *t1 = add_track(s, "T1", CHAN_MONO);
	struct track *t2;
	struct bus *b;
	struct id none = { ID_BUS, 0 }, bid;
	struct clip *c;
	const int64_t N = 100000;
	float **a = alloc_planes(6, N), **b64 = alloc_planes(6, N),
	    **r = alloc_planes(6, N);
	int same = 1;

	b = add_bus(s, "FX", CHAN_5_1, BUS_STEM);
	bid = b->id;
	t1 = &s->tracks[0];
	c = add_clip(s, t1, mono->id, 1000, 50000, 0);
	c->fade_in = (struct fade){ 3001, FADE_S_CURVE };
	c->fade_out = (struct fade){ 20000, FADE_EQUAL_POWER };
	c = add_clip(s, t1, mono->id, 40000, 50000, 7);
	c->fade_in = (struct fade){ 11000, FADE_EQUAL_POWER };
	c->gain_db = -3;
	add_point(&t1->strip, AUTO_VOLUME, none, 5000, -3, INTERP_LINEAR);
	add_point(&t1->strip, AUTO_VOLUME, none, 70001, -12, INTERP_LINEAR);
	add_point(&t1->strip, AUTO_PAN, none, 2000, -1, INTERP_LINEAR);
	add_point(&t1->strip, AUTO_PAN, none, 90000, 1, INTERP_LINEAR);
	t1->strip.sends = calloc(1, sizeof *t1->strip.sends);
	t1->strip.send_count = 1;
	t1->strip.sends[0] = (struct send){ .bus = bid, .level_db = -10 };
	add_point(&t1->strip, AUTO_SEND_LEVEL, bid, 30000, -20, INTERP_LINEAR);
	add_point(&t1->strip, AUTO_SEND_LEVEL, bid, 60000, 0, INTERP_LINEAR);
	t2 = add_track(s, "T2", CHAN_STEREO);
	add_clip(s, t2, st->id, 0, 90000, 100);
	t2->strip.output = bid;
	t2->strip.pan = (struct pan){ .x = 0.2, .y = 0.5, .divergence = 0.3,
	    .lfe_db = -10 };

	REQUIRE(render_range(s, NULL, 0, N, 4096, -1, a) == 6);
	REQUIRE(render_range(s, NULL, 0, N, 64, -1, b64) == 6);
	REQUIRE(render_range(s, NULL, 0, N, -1500, -1, r) == 6);
	for (int ch = 0; ch < 6; ch++) {
		same &= memcmp(a[ch], b64[ch], N * sizeof(float)) == 0;
		same &= memcmp(a[ch], r[ch], N * sizeof(float)) == 0;
	}
	CHECK(same);
	/* and the render is not trivially silent */
	CHECK(mean_power(a[0], (int)N) > 1e-4 && mean_power(a[3], (int)N) > 1e-6);
	/* run to run: the same */
	REQUIRE(render_range(s, NULL, 0, N, 4096, -1, r) == 6);
	same = 1;
	for (int ch = 0; ch < 6; ch++)
		same &= memcmp(a[ch], r[ch], N * sizeof(float)) == 0;
	CHECK(same);
	free_planes(a, 6);
	free_planes(b64, 6);
	free_planes(r, 6);
	session_destroy(s);
}

int
main(void)
{
	make_media();
	test_null();
	test_fades();
	test_crossfades();
	test_automation();
	test_panning_and_downmix();
	test_routing();
	test_resampling();
	test_block_size_independence();
	return test_report();
}
