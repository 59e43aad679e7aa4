/*
 * Clip session commands: move, nudge (on the exact timecode frame grid at
 * 25 fps and 29.97 drop-frame, 48 kHz), trim, split, fade.
 */
#include "cli/scmd_test.h"

static int64_t
pos_of(struct editor *ed, uint32_t clip)
{
	struct clip *c = st_clip(ed, clip);

	return c != NULL ? c->position_frames : -1;
}

static void
test_move(void)
{
	struct editor *ed = st_make("25", false);
	struct track *t = NULL;

	REQUIRE(ed != NULL);
	ST_OK(ed, "move C1 00:00:10:00", "C1 at 00:00:10:00 (frame 480000) on T1");
	CHECK_INT_EQ(pos_of(ed, 1), 480000);
	ST_OK(ed, "move C1 1000", NULL);
	CHECK_INT_EQ(pos_of(ed, 1), 1000);
	ST_OK(ed, "move C2 5000 T1", "on T1");
	REQUIRE(session_clip(editor_session(ed), (struct id){ ID_CLIP, 2 }, &t));
	CHECK_INT_EQ(t->id.num, 1);
	ST_FAILS(ed, "move C1 00:00:10:00 T9", CLI_FAILED, "no T9");
	ST_FAILS(ed, "move C1 -1", CLI_USAGE, "not a position");
	ST_FAILS(ed, "move C1 00:00:10:25", CLI_USAGE, NULL);
	ST_FAILS(ed, "move C9 0", CLI_FAILED, "no C9");
	ST_FAILS(ed, "move T1 0", CLI_USAGE, "expected a clip");
	ST_FAILS(ed, "move C1", CLI_USAGE, NULL);
	editor_destroy(ed);
}

static void
test_nudge_25(void)
{
	struct editor *ed = st_make("25", false);   /* a frame = 1920 samples */

	REQUIRE(ed != NULL);
	ST_OK(ed, "nudge C1 1", "C1 at 00:00:01:01 (frame 49920)");
	ST_OK(ed, "nudge C1 -3", NULL);
	CHECK_INT_EQ(pos_of(ed, 1), 48000 - 2 * 1920);
	ST_OK(ed, "nudge C1 7 --samples", NULL);
	CHECK_INT_EQ(pos_of(ed, 1), 44167);
	/* off the grid: one frame on is the next boundary, one back the
	 * start of the frame it is in */
	ST_OK(ed, "nudge C1 1", NULL);
	CHECK_INT_EQ(pos_of(ed, 1), 46080);
	ST_OK(ed, "nudge C1 -7 --samples", NULL);
	ST_OK(ed, "nudge C1 -1", NULL);
	CHECK_INT_EQ(pos_of(ed, 1), 44160);
	ST_OK(ed, "nudge C1 -23", "C1 at 00:00:00:00 (frame 0)");
	CHECK_INT_EQ(pos_of(ed, 1), 0);
	ST_FAILS(ed, "nudge C1 -1", CLI_FAILED, "before 00:00:00:00");
	ST_FAILS(ed, "nudge C1 -1 --samples", CLI_FAILED, "before");
	ST_FAILS(ed, "nudge C1 0", CLI_USAGE, "non-zero");
	ST_FAILS(ed, "nudge C1 1.5", CLI_USAGE, NULL);
	ST_FAILS(ed, "nudge C1 1 --frames", CLI_USAGE, "unknown option");
	editor_destroy(ed);
}

static void
test_nudge_2997df(void)
{
	struct editor *ed = st_make("29.97", true);  /* 1601.6 samples a frame */
	struct session *s;
	int ok = 1;

	REQUIRE(ed != NULL);
	s = editor_session(ed);
	/* C1 starts at 48000, inside frame 29 (46447 .. 48047) */
	ST_OK(ed, "nudge C1 1", NULL);
	CHECK_INT_EQ(pos_of(ed, 1), 48048);     /* ceil(30 * 1601.6) */
	ST_OK(ed, "nudge C1 1", NULL);
	CHECK_INT_EQ(pos_of(ed, 1), 49650);     /* ceil(31 * 1601.6) */
	/* frame by frame over a DF minute boundary and well past it: every
	 * stop is exactly ceil(k * 16016 / 10), the start of video frame k */
	for (int64_t k = 32; k < 32 + 2000 && ok; k++) {
		st_run(ed, "nudge C1 1");
		if (pos_of(ed, 1) != (k * 16016 + 9) / 10) {
			TEST_FAIL_("frame %lld at %lld, wanted %lld", (long long)k,
			    (long long)pos_of(ed, 1), (long long)((k * 16016 + 9) / 10));
			ok = 0;
		}
		if (timecode_frames_to_count(&s->timecode.rate, 48000,
		    pos_of(ed, 1)) != k)
			ok = 0;
	}
	CHECK(ok);
	ST_OK(ed, "nudge C1 -1000", NULL);
	CHECK_INT_EQ(pos_of(ed, 1), (1031 * 16016 + 9) / 10);
	/* 1800 frames (one minute of 30 labels) lands on 00:01:00;02 */
	ST_OK(ed, "move C1 0", NULL);
	ST_OK(ed, "nudge C1 1800", "C1 at 00:01:00;02");
	CHECK_INT_EQ(pos_of(ed, 1), 1800 * 16016 / 10);
	ST_OK(ed, "nudge C1 -1799", "C1 at 00:00:00;01");
	CHECK_INT_EQ(pos_of(ed, 1), 1602);
	editor_destroy(ed);
}

static void
test_trim_split(void)
{
	struct editor *ed = st_make("25", false);
	struct clip *c;

	REQUIRE(ed != NULL);
	ST_OK(ed, "trim C1 --start 50000", "C1 trimmed to");
	c = st_clip(ed, 1);
	CHECK_INT_EQ(c->position_frames, 50000);
	CHECK_INT_EQ(c->length_frames, 94000);
	CHECK_INT_EQ(c->source_offset_frames, 26000);
	ST_OK(ed, "trim C1 --end 00:00:03:00", NULL);
	c = st_clip(ed, 1);
	CHECK_INT_EQ(c->position_frames + c->length_frames, 144000);
	ST_OK(ed, "trim C1 48000 120000", NULL);
	c = st_clip(ed, 1);
	CHECK_INT_EQ(c->position_frames, 48000);
	CHECK_INT_EQ(c->length_frames, 72000);
	CHECK_INT_EQ(c->source_offset_frames, 24000);
	ST_OK(ed, "trim C1 --start 30000 --end 130000", NULL);
	CHECK_INT_EQ(st_clip(ed, 1)->source_offset_frames, 6000);
	ST_FAILS(ed, "trim C1 --start 0", CLI_FAILED, "no audio");
	ST_FAILS(ed, "trim C1 --start 130000", CLI_USAGE, "after the start");
	ST_FAILS(ed, "trim C1 60000", CLI_USAGE, NULL);
	ST_FAILS(ed, "trim C1", CLI_USAGE, NULL);

	ST_OK(ed, "split C1 00:00:02:00", "C1 split at 00:00:02:00: right part C3");
	c = st_clip(ed, 1);
	CHECK_INT_EQ(c->length_frames, 96000 - 30000);
	c = st_clip(ed, 3);
	REQUIRE(c != NULL);
	CHECK_INT_EQ(c->position_frames, 96000);
	CHECK_INT_EQ(c->length_frames, 130000 - 96000);
	ST_FAILS(ed, "split C1 96000", CLI_FAILED, "not inside");
	ST_FAILS(ed, "split C1 30000", CLI_FAILED, "not inside");
	editor_destroy(ed);
}

static void
test_fade(void)
{
	struct editor *ed = st_make("25", false);
	struct clip *c;

	REQUIRE(ed != NULL);
	ST_OK(ed, "fade C1 in 0.5s", "C1 fade in 24000 frames linear");
	c = st_clip(ed, 1);
	CHECK_INT_EQ(c->fade_in.length_frames, 24000);
	CHECK_INT_EQ(c->fade_in.shape, FADE_LINEAR);
	ST_OK(ed, "fade C1 out 00:00:00:12 s-curve", "fade out 23040 frames s-curve");
	c = st_clip(ed, 1);
	CHECK_INT_EQ(c->fade_out.length_frames, 23040);
	CHECK_INT_EQ(c->fade_out.shape, FADE_S_CURVE);
	ST_OK(ed, "fade C1 in 4800 equal-power", NULL);
	c = st_clip(ed, 1);
	CHECK_INT_EQ(c->fade_in.length_frames, 4800);
	CHECK_INT_EQ(c->fade_in.shape, FADE_EQUAL_POWER);
	ST_OK(ed, "fade C1 out 0", NULL);
	CHECK_INT_EQ(st_clip(ed, 1)->fade_out.length_frames, 0);
	ST_FAILS(ed, "fade C1 in 3s", CLI_FAILED, "longer than the clip");
	ST_FAILS(ed, "fade C1 up 100", CLI_USAGE, "in or out");
	ST_FAILS(ed, "fade C1 in 100 wobbly", CLI_USAGE, "no curve");
	ST_FAILS(ed, "fade C1 in -1s", CLI_USAGE, "not a length");
	ST_FAILS(ed, "fade C1 in xs", CLI_USAGE, NULL);
	ST_FAILS(ed, "fade T1 in 100", CLI_USAGE, NULL);
	editor_destroy(ed);
}

int
main(void)
{
	test_move();
	test_nudge_25();
	test_nudge_2997df();
	test_trim_split();
	test_fade();
	return test_report();
}
