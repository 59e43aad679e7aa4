/*
 * The offline bounce through its files: samples at the right position,
 * channel masks and bext read back from the bytes, fold-down and stems,
 * RF64 past a (test-lowered) threshold, byte-identical repeats, and that an
 * interrupted, refused or failing bounce leaves nothing under a final name.
 */
#include "test.h"
#include "bounce/riff.h"
#include "engine/render.h"

#include "bounce/bounce.h"

#define RATE 48000
#define START 172800000   /* 01:00:00:00 at 25 fps */

static float
noise(int64_t i, int c)
{
	return hash_noise(i, c, 3u);
}

static const char *src_wav;

/* A 5.1 session at 01:00:00:00: a mono clip panned to C through a DIA stem,
 * a stereo-wide mono clip into an FX stem. */
static struct session *
make_session(void)
{
	struct session *s = new_session(RATE, CHAN_5_1);
	struct source *src = add_source(s, src_wav, 1, RATE, 100000);
	struct id sid = src->id;
	struct bus *dia, *fx;
	struct track *t;

	s->name = strdup("bounce test");
	s->timecode.start_frames = START;
	dia = session_add_bus(s, (struct id){ ID_BUS, 0 }, NULL);
	dia->kind = BUS_STEM;
	dia->strip.format = CHAN_5_1;
	dia->strip.name = strdup("DIA");
	fx = session_add_bus(s, (struct id){ ID_BUS, 0 }, NULL);
	fx->kind = BUS_STEM;
	fx->strip.format = CHAN_5_1;
	fx->strip.name = strdup("FX wide");
	t = add_track(s, "dia", CHAN_MONO);
	t->strip.output = s->buses[0].id;
	add_clip(s, t, sid, START + 1000, 50000, 2000);
	t = add_track(s, "fx", CHAN_MONO);
	t->strip.output = s->buses[1].id;
	t->strip.pan.divergence = 1.0;
	add_clip(s, t, sid, START + 20000, 40000, 0);
	return s;
}

static void
check_mask(const char *path, uint32_t want, const char *magic)
{
	size_t n;
	unsigned char *b = slurp(path, &n);
	long fmt;

	if (b == NULL || n < 64) {
		TEST_FAIL_("%s unreadable", path);
		free(b);
		return;
	}
	CHECK(memcmp(b, magic, 4) == 0);
	fmt = find_chunk(b, n, "fmt ");
	CHECK(fmt > 0);
	if (fmt > 0) {
		CHECK_INT_EQ(le16(b + fmt + 8), 0xFFFE);        /* EXTENSIBLE */
		CHECK_INT_EQ(le32(b + fmt + 8 + 20), want);     /* dwChannelMask */
	}
	free(b);
}

/* TimeReference (bext offset 338); UINT64_MAX without a bext chunk. */
static uint64_t
bext_time_reference(const char *path)
{
	return chunk_field(path, "bext", 338, 8, UINT64_MAX);
}

static void
test_master_and_stems(void)
{
	struct session *s = make_session();
	struct bounce_options o;
	struct bounce_result r;
	struct diag d;
	SF_INFO info = { 0 };
	SNDFILE *f;
	float *frames;
	char stem[4096];
	int bad = 0;

	bounce_options_default(&o);
	o.master_path = test_path("master.wav");
	o.stems = true;
	o.sample_format = WAV_FLOAT32;
	REQUIRE(bounce_run(s, &o, &r, &d) == 0);
	CHECK_INT_EQ(r.file_count, 3);
	CHECK_INT_EQ(r.frames, 60000);   /* to the end of the last clip */
	check_mask(o.master_path, 0x3F, "RIFF");
	CHECK(bext_time_reference(o.master_path) == START);

	/* the dia clip (panned to C, unity everywhere) is exact in C */
	f = sf_open(o.master_path, SFM_READ, &info);
	REQUIRE(f != NULL);
	CHECK_INT_EQ(info.channels, 6);
	CHECK_INT_EQ(info.frames, 60000);
	frames = malloc(60000 * 6 * sizeof *frames);
	sf_readf_float(f, frames, 60000);
	sf_close(f);
	for (int i = 0; i < 20000; i++) {
		float want = i >= 1000 ? noise(2000 + i - 1000, 0) : 0.0f;

		bad += frames[i * 6 + 2] != want || frames[i * 6 + 0] != 0.0f;
	}
	CHECK_INT_EQ(bad, 0);
	free(frames);

	/* stems beside the master, named after the buses */
	bounce_stem_path(&o, "DIA", stem, sizeof stem);
	CHECK_STR_EQ(stem, test_path("master.DIA.wav"));
	CHECK(exists(stem));
	bounce_stem_path(&o, "FX wide", stem, sizeof stem);
	CHECK_STR_EQ(stem, test_path("master.FX_wide.wav"));
	CHECK(exists(stem));

	/* fold-down to stereo, 7.1 mask from a 7.1 session */
	o.format = CHAN_STEREO;
	o.stems = false;
	o.master_path = test_path("stereo.wav");
	REQUIRE(bounce_run(s, &o, &r, &d) == 0);
	check_mask(o.master_path, 0x3, "RIFF");
	s->master.format = CHAN_7_1;
	s->buses[0].strip.format = CHAN_7_1;
	o.format = CHAN_FORMAT_COUNT;
	o.master_path = test_path("m71.wav");
	REQUIRE(bounce_run(s, &o, &r, &d) == 0);
	check_mask(o.master_path, 0x63F, "RIFF");
	session_destroy(s);
}

static void
test_range_rf64_and_determinism(void)
{
	struct session *s = make_session();
	struct bounce_options o;
	struct bounce_result r;
	struct diag d;
	SF_INFO info = { 0 };
	SNDFILE *f;

	bounce_options_default(&o);
	o.master_path = test_path("a.wav");
	o.start_frames = START + 10000;
	o.end_frames = START + 40000;
	REQUIRE(bounce_run(s, &o, &r, &d) == 0);
	CHECK_INT_EQ(r.frames, 30000);
	CHECK(bext_time_reference(o.master_path) == START + 10000);
	/* again, with another block size: byte-identical (24-bit, dithered) */
	o.master_path = test_path("b.wav");
	o.block_frames = 333;
	REQUIRE(bounce_run(s, &o, &r, &d) == 0);
	CHECK(same_file(test_path("a.wav"), test_path("b.wav")));

	/* RF64 once the file would pass the (lowered) limit */
	o.master_path = test_path("big.wav");
	o.rf64_threshold_bytes = 100000;
	REQUIRE(bounce_run(s, &o, &r, &d) == 0);
	check_mask(o.master_path, 0x3F, "RF64");
	f = sf_open(o.master_path, SFM_READ, &info);
	REQUIRE(f != NULL);
	CHECK_INT_EQ(info.frames, 30000);
	CHECK_INT_EQ(info.channels, 6);
	sf_close(f);
	CHECK(bext_time_reference(o.master_path) == START + 10000);
	session_destroy(s);
}

static volatile sig_atomic_t stop_now;

static void
stop_half_way(void *ctx, int64_t done, int64_t total)
{
	(void)ctx;
	if (done * 2 >= total)
		stop_now = 1;
}

static void
test_nothing_left_behind(void)
{
	struct session *s = make_session();
	struct bounce_options o;
	struct bounce_result r;
	struct diag d;

	bounce_options_default(&o);
	o.master_path = test_path("cancelled.wav");
	o.stems = true;
	o.block_frames = 1000;
	o.progress = stop_half_way;
	o.cancel = &stop_now;
	CHECK_INT_EQ(bounce_run(s, &o, &r, &d), ERR_NOTHING);
	CHECK(!exists(test_path("cancelled.wav")));
	CHECK(!exists(test_path("cancelled.DIA.wav")));
	CHECK_INT_EQ(count_temps("cancelled.wav"), 0);
	CHECK_INT_EQ(count_temps("cancelled.DIA.wav"), 0);

	/* missing media refuses the bounce (unless allowed) */
	o.progress = NULL;
	o.cancel = NULL;
	s->sources[0].online = false;
	o.master_path = test_path("missing.wav");
	CHECK_INT_EQ(bounce_run(s, &o, &r, &d), ERR_SEMANTIC);
	CHECK(strstr(d.message, "missing") != NULL);
	CHECK(!exists(test_path("missing.wav")));
	s->sources[0].online = true;

	/* a folder that does not exist */
	o.master_path = test_path("no/such/dir/x.wav");
	CHECK_INT_EQ(bounce_run(s, &o, &r, &d), ERR_IO);
	CHECK(d.message[0] != '\0');
	session_destroy(s);
}

int
main(void)
{
	src_wav = strdup(test_path("src.wav"));
	if (write_wav(src_wav, 1, RATE, 100000, noise) != 0)
		return 1;
	test_master_and_stems();
	test_range_rf64_and_determinism();
	test_nothing_left_behind();
	return test_report();
}
