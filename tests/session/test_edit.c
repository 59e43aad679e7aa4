/*
 * Edits and undo/redo: every change validates, applies, and undoes back to
 * the exact previous model (compared through the serialised file, which
 * covers every saved field).
 */
#include "test.h"

#include "base/error.h"
#include "session/edit.h"
#include "session/session.h"
#include "session/session_xml.h"

static char *
dump(const struct session *s)
{
	char *xml = NULL;
	size_t size = 0;
	struct diag d;

	if (session_xml_write_memory(s, &xml, &size, &d) != 0)
		return NULL;
	return xml;
}

static struct id
tid(enum id_kind k, uint32_t n)
{
	return (struct id){ k, n };
}

static const struct id MASTER = { ID_BUS, 0 };

/* A session with one 10 s mono source, two tracks, a stem bus. */
static struct editor *
make_editor(void)
{
	struct tc_rate rate;
	struct session *s;
	struct editor *ed;
	struct source src = { .path = "media/a.wav", .channels = 2,
	    .sample_rate_hz = 48000, .length_frames = 480000, .format = "wav" };
	struct id id;

	timecode_rate_parse("25", false, &rate);
	s = session_create(48000, &rate);
	if (s == NULL || (ed = editor_create(s)) == NULL)
		return NULL;
	editor_add_source(ed, &src, &id);          /* S1 */
	editor_add_track(ed, "DIA", CHAN_MONO, &id);   /* T1 */
	editor_add_track(ed, "FX", CHAN_STEREO, &id);  /* T2 */
	editor_add_bus(ed, "DIA stem", BUS_STEM, CHAN_5_1, &id);  /* B1 */
	return ed;
}

static struct clip
clip_at(int64_t pos, int64_t len, int64_t off)
{
	struct clip c = { .name = "line", .source = { ID_SOURCE, 1 },
	    .position_frames = pos, .length_frames = len,
	    .source_offset_frames = off };

	c.fade_in.shape = c.fade_out.shape = FADE_LINEAR;
	return c;
}

/* Applies nothing on error, changes on success, and undo/redo toggle
 * exactly between the two serialised states. */
static void
check_undo_roundtrip(struct editor *ed, const char *before, const char *what)
{
	char *after = dump(editor_session(ed)), *undone, *redone;

	if (after == NULL || before == NULL) {
		TEST_FAIL_("dump failed for %s", what);
		free(after);
		return;
	}
	if (strcmp(before, after) == 0)
		TEST_FAIL_("%s changed nothing", what);
	CHECK_INT_EQ(editor_undo(ed), 0);
	undone = dump(editor_session(ed));
	if (undone == NULL || strcmp(undone, before) != 0)
		TEST_FAIL_("undo of %s did not restore the model", what);
	else
		test_passed_count++;
	CHECK_INT_EQ(editor_redo(ed), 0);
	redone = dump(editor_session(ed));
	if (redone == NULL || strcmp(redone, after) != 0)
		TEST_FAIL_("redo of %s did not reapply it", what);
	else
		test_passed_count++;
	free(after);
	free(undone);
	free(redone);
}

static void
test_every_edit_undoes(void)
{
	struct editor *ed = make_editor();
	struct session *s;
	struct id c1, c2, c3, m1, b2, right;
	struct clip c = clip_at(1000, 48000, 0);
	struct pan pan = { .x = -0.5, .y = 0.25, .divergence = 0.1, .lfe_db = -10 };
	struct fade f = { 4800, FADE_S_CURVE };
	struct auto_point pt = { 2000, -6.0, INTERP_LINEAR };
	char *before;

	if (ed == NULL) {
		TEST_FAIL_("setup");
		return;
	}
	s = editor_session(ed);

#define STEP(what, call) do { \
	before = dump(s); \
	CHECK_INT_EQ((call), 0); \
	check_undo_roundtrip(ed, before, what); \
	free(before); \
} while (0)

	STEP("add clip", editor_add_clip(ed, tid(ID_TRACK, 1), &c, &c1));
	CHECK_INT_EQ(c1.num, 1);
	c = clip_at(40000, 48000, 48000);
	STEP("add clip 2", editor_add_clip(ed, tid(ID_TRACK, 1), &c, &c2));
	STEP("set gain", editor_set_gain(ed, tid(ID_TRACK, 1), -3.5));
	STEP("clip gain", editor_set_gain(ed, c1, 2.0));
	STEP("mute", editor_set_mute(ed, tid(ID_TRACK, 2), true));
	STEP("solo", editor_set_solo(ed, tid(ID_TRACK, 1), true));
	STEP("pan", editor_set_pan(ed, tid(ID_TRACK, 1), &pan));
	STEP("output", editor_set_output(ed, tid(ID_TRACK, 1), tid(ID_BUS, 1)));
	STEP("add bus", editor_add_bus(ed, "verb", BUS_AUX, CHAN_STEREO, &b2));
	STEP("send", editor_set_send(ed, tid(ID_TRACK, 1), b2, -12, true, false));
	STEP("send level", editor_set_send(ed, tid(ID_TRACK, 1), b2, -6, false, false));
	STEP("insert", editor_add_insert(ed, tid(ID_TRACK, 1), "eq", NULL));
	STEP("insert param", editor_set_insert_param(ed, tid(ID_TRACK, 1), 0,
	    "freq-hz", 120.0));
	STEP("bypass", editor_set_insert_bypass(ed, tid(ID_TRACK, 1), 0, true));
	STEP("insert automation", editor_set_insert_auto_point(ed,
	    tid(ID_TRACK, 1), 0, "band1-gain-db", &pt));
	STEP("fade in", editor_set_fade(ed, c1, true, &f));
	STEP("automation", editor_set_auto_point(ed, tid(ID_TRACK, 1),
	    AUTO_VOLUME, MASTER, &pt));
	STEP("send automation", editor_set_auto_point(ed, tid(ID_TRACK, 1),
	    AUTO_SEND_LEVEL, b2, &pt));
	STEP("clip gain automation", editor_set_auto_point(ed, c1,
	    AUTO_CLIP_GAIN, MASTER, &pt));
	STEP("move clip", editor_move_clip(ed, c1, 5000, tid(ID_TRACK, 0)));
	STEP("trim clip", editor_trim_clip(ed, c2, 41000, 80000));
	STEP("split clip", editor_split_clip(ed, c2, 60000, &right));
	STEP("marker", editor_add_marker(ed, "door", 90000, 0, &m1));
	STEP("marker comment", editor_set_marker_comment(ed, m1, "slam"));
	STEP("move marker", editor_move_marker(ed, m1, 100));
	STEP("rename", editor_rename(ed, tid(ID_TRACK, 2), "FX wide"));
	STEP("move strip", editor_move_strip(ed, tid(ID_TRACK, 2), 0));
	STEP("master", editor_set_master(ed, CHAN_7_1, -1.0));
	STEP("remove point", editor_remove_auto_point(ed, tid(ID_TRACK, 1),
	    AUTO_VOLUME, MASTER, 2000));
	/* the file keeps every edit so far: load(save(x)) saves the same */
	{
		char *xml = dump(s), *again = NULL;
		struct session *back = NULL;
		struct diag d;

		REQUIRE(xml != NULL);
		CHECK_INT_EQ(session_xml_load_memory(xml, strlen(xml), "mem", NULL,
		    &back, &d), 0);
		if (back != NULL)
			again = dump(back);
		CHECK(again != NULL && strcmp(xml, again) == 0);
		free(xml);
		free(again);
		session_destroy(back);
	}
	STEP("remove insert point", editor_remove_insert_auto_point(ed,
	    tid(ID_TRACK, 1), 0, "band1-gain-db", 2000));
	STEP("remove insert", editor_remove_insert(ed, tid(ID_TRACK, 1), 0));
	STEP("remove bus", editor_remove(ed, b2));
	STEP("remove clip", editor_remove(ed, right));
	STEP("remove track", editor_remove(ed, tid(ID_TRACK, 2)));
	c = clip_at(0, 100, 0);
	STEP("add clip 3", editor_add_clip(ed, tid(ID_TRACK, 1), &c, &c3));
	/* ids are never reused, even after removal */
	CHECK(c3.num > right.num);
#undef STEP
	editor_destroy(ed);
}

static void
test_refusals_change_nothing(void)
{
	struct editor *ed = make_editor();
	struct session *s;
	struct clip c = clip_at(0, 48000, 470000);  /* past the source end */
	struct fade f = { 100000, FADE_LINEAR };
	struct pan bad = { .x = 2.0 };
	struct id c1, b2, out;
	struct auto_point mute_half = { 0, 0.5, INTERP_STEP };
	char *before, *after;

	REQUIRE(ed != NULL);
	s = editor_session(ed);
	c = clip_at(0, 48000, 470000);
	CHECK_INT_EQ(editor_add_clip(ed, tid(ID_TRACK, 1), &c, &c1), ERR_INVALID);
	c = clip_at(0, 48000, 0);
	c.source_channel = 1;  /* stereo track from channel 2 of a 2-ch source */
	CHECK_INT_EQ(editor_add_clip(ed, tid(ID_TRACK, 2), &c, &c1), ERR_INVALID);
	c.source_channel = 0;
	REQUIRE(editor_add_clip(ed, tid(ID_TRACK, 1), &c, &c1) == 0);
	editor_add_bus(ed, "B2", BUS_AUX, CHAN_STEREO, &b2);

	before = dump(s);
	CHECK_INT_EQ(editor_set_gain(ed, tid(ID_TRACK, 1), 99.0), ERR_INVALID);
	CHECK_INT_EQ(editor_set_gain(ed, tid(ID_TRACK, 1), NAN), ERR_INVALID);
	CHECK_INT_EQ(editor_set_gain(ed, tid(ID_TRACK, 9), 0.0), ERR_NOTFOUND);
	CHECK_INT_EQ(editor_set_fade(ed, c1, true, &f), ERR_INVALID);
	CHECK_INT_EQ(editor_set_pan(ed, tid(ID_TRACK, 1), &bad), ERR_INVALID);
	CHECK_INT_EQ(editor_set_output(ed, tid(ID_TRACK, 1), tid(ID_BUS, 7)),
	    ERR_NOTFOUND);
	/* B1 -> B2 -> B1 would loop, through an output or a send */
	CHECK_INT_EQ(editor_set_output(ed, tid(ID_BUS, 1), b2), 0);
	free(before);
	before = dump(s);
	CHECK_INT_EQ(editor_set_output(ed, b2, tid(ID_BUS, 1)), ERR_SEMANTIC);
	CHECK_INT_EQ(editor_set_send(ed, b2, tid(ID_BUS, 1), 0, false, false),
	    ERR_SEMANTIC);
	CHECK_INT_EQ(editor_set_send(ed, b2, b2, 0, false, false), ERR_SEMANTIC);
	CHECK_INT_EQ(editor_remove(ed, tid(ID_SOURCE, 1)), ERR_SEMANTIC);
	CHECK_INT_EQ(editor_split_clip(ed, c1, 0, &out), ERR_INVALID);
	CHECK_INT_EQ(editor_split_clip(ed, c1, 48000, &out), ERR_INVALID);
	CHECK_INT_EQ(editor_trim_clip(ed, c1, 100, 50), ERR_INVALID);
	CHECK_INT_EQ(editor_trim_clip(ed, c1, 0, 500000), ERR_INVALID);
	CHECK_INT_EQ(editor_set_auto_point(ed, tid(ID_TRACK, 1), AUTO_MUTE,
	    MASTER, &mute_half), ERR_INVALID);
	CHECK_INT_EQ(editor_set_auto_point(ed, tid(ID_TRACK, 1), AUTO_SEND_LEVEL,
	    b2, &mute_half), ERR_NOTFOUND);
	CHECK_INT_EQ(editor_remove_auto_point(ed, tid(ID_TRACK, 1), AUTO_VOLUME,
	    MASTER, 0), ERR_NOTFOUND);
	after = dump(s);
	REQUIRE(before != NULL && after != NULL);
	CHECK_STR_EQ(after, before);
	free(before);
	free(after);
	editor_destroy(ed);
}

static void
test_trim_split_keep_audio_in_place(void)
{
	struct editor *ed = make_editor();
	struct session *s;
	struct clip c = clip_at(10000, 48000, 1000);
	struct fade fi = { 2000, FADE_LINEAR }, fo = { 3000, FADE_EXP };
	struct id c1, right;
	struct clip *l, *r;

	REQUIRE(ed != NULL);
	s = editor_session(ed);
	REQUIRE(editor_add_clip(ed, tid(ID_TRACK, 1), &c, &c1) == 0);
	editor_set_fade(ed, c1, true, &fi);
	editor_set_fade(ed, c1, false, &fo);
	/* trimming the head by 500 moves the source offset by 500 */
	CHECK_INT_EQ(editor_trim_clip(ed, c1, 10500, 58000), 0);
	l = session_clip(s, c1, NULL);
	CHECK_INT_EQ(l->position_frames, 10500);
	CHECK_INT_EQ(l->length_frames, 47500);
	CHECK_INT_EQ(l->source_offset_frames, 1500);
	/* trimming before the source start is refused: offset would be < 0 */
	CHECK_INT_EQ(editor_trim_clip(ed, c1, 8000, 58000), ERR_INVALID);
	CHECK_INT_EQ(editor_split_clip(ed, c1, 20000, &right), 0);
	l = session_clip(s, c1, NULL);
	r = session_clip(s, right, NULL);
	REQUIRE(l != NULL && r != NULL);
	CHECK_INT_EQ(l->length_frames, 9500);
	CHECK_INT_EQ(r->position_frames, 20000);
	CHECK_INT_EQ(r->length_frames, 38000);
	CHECK_INT_EQ(r->source_offset_frames, 1500 + 9500);
	CHECK_INT_EQ(l->fade_in.length_frames, 2000);
	CHECK_INT_EQ(l->fade_out.length_frames, 0);
	CHECK_INT_EQ(r->fade_in.length_frames, 0);
	CHECK_INT_EQ(r->fade_out.length_frames, 3000);
	CHECK_INT_EQ(r->fade_out.shape, FADE_EXP);
	/* one undo step per split */
	CHECK_STR_EQ(editor_undo_label(ed), "split C1");
	editor_destroy(ed);
}

static void
test_groups_dirty_and_limits(void)
{
	struct editor *ed = make_editor();
	struct id t;

	REQUIRE(ed != NULL);
	editor_mark_saved(ed);
	CHECK(!editor_is_dirty(ed));
	CHECK_INT_EQ(editor_group_begin(ed, "import scene"), 0);
	editor_add_track(ed, "A", CHAN_MONO, &t);
	editor_add_track(ed, "B", CHAN_MONO, &t);
	editor_set_gain(ed, t, -2.0);
	editor_group_end(ed);
	CHECK(editor_is_dirty(ed));
	CHECK_STR_EQ(editor_undo_label(ed), "import scene");
	CHECK_INT_EQ(editor_session(ed)->track_count, 4);
	CHECK_INT_EQ(editor_undo(ed), 0);
	CHECK_INT_EQ(editor_session(ed)->track_count, 2);
	/* back at the saved state: clean again, and dirty after redo */
	CHECK(!editor_is_dirty(ed));
	CHECK_INT_EQ(editor_redo(ed), 0);
	CHECK(editor_is_dirty(ed));
	CHECK_INT_EQ(editor_redo(ed), ERR_NOTHING);
	/* a new change clears the redo stack */
	editor_undo(ed);
	editor_set_gain(ed, tid(ID_TRACK, 1), -1.0);
	CHECK(!editor_can_redo(ed));
	/* an empty group leaves no step */
	const char *label = editor_undo_label(ed);
	editor_group_begin(ed, "nothing");
	editor_group_end(ed);
	CHECK_STR_EQ(editor_undo_label(ed), label);
	/* the limit drops the oldest steps */
	editor_set_undo_limit(ed, 3);
	for (int i = 0; i < 10; i++)
		editor_set_gain(ed, tid(ID_TRACK, 1), -(double)i);
	int undone = 0;
	while (editor_undo(ed) == 0)
		undone++;
	CHECK_INT_EQ(undone, 3);
	CHECK_NEAR(session_track(editor_session(ed), tid(ID_TRACK, 1))->strip.gain_db,
	    -6.0, 0.0);
	editor_destroy(ed);
}

static void
test_remove_bus_reroutes(void)
{
	struct editor *ed = make_editor();
	struct session *s;
	struct auto_point pt = { 0, -3.0, INTERP_LINEAR };
	struct track *t;

	REQUIRE(ed != NULL);
	s = editor_session(ed);
	editor_set_output(ed, tid(ID_TRACK, 1), tid(ID_BUS, 1));
	editor_set_send(ed, tid(ID_TRACK, 2), tid(ID_BUS, 1), -6, false, false);
	editor_set_auto_point(ed, tid(ID_TRACK, 2), AUTO_SEND_LEVEL,
	    tid(ID_BUS, 1), &pt);
	CHECK_INT_EQ(editor_remove(ed, tid(ID_BUS, 1)), 0);
	t = session_track(s, tid(ID_TRACK, 1));
	CHECK_INT_EQ(t->strip.output.num, 0);
	t = session_track(s, tid(ID_TRACK, 2));
	CHECK_INT_EQ(t->strip.send_count, 0);
	CHECK_INT_EQ(t->strip.lane_count, 0);
	editor_destroy(ed);
}

int
main(void)
{
	test_every_edit_undoes();
	test_refusals_change_nothing();
	test_trim_split_keep_audio_in_place();
	test_groups_dirty_and_limits();
	test_remove_bus_reroutes();
	return test_report();
}
