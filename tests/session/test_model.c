/* The model's own rules: ids, names, builders, copies, derived values. */
#include "test.h"

#include "base/error.h"
#include "session/check.h"
#include "session/routing.h"
#include "session/session.h"

static void
test_ids_and_names(void)
{
	struct id id;
	char b[16];
	enum chan_format f;
	enum fade_shape sh;
	enum auto_param p;

	CHECK_INT_EQ(id_parse("T3", &id), 0);
	CHECK(id.kind == ID_TRACK && id.num == 3);
	CHECK_INT_EQ(id_parse("c12", &id), 0);
	CHECK(id.kind == ID_CLIP && id.num == 12);
	CHECK_STR_EQ(id_format(id, b, sizeof b), "C12");
	CHECK_STR_EQ(id_format((struct id){ ID_BUS, 0 }, b, sizeof b), "master");
	CHECK_INT_EQ(id_parse("T0", &id), ERR_PARSE);
	CHECK_INT_EQ(id_parse("X1", &id), ERR_PARSE);
	CHECK_INT_EQ(id_parse("T", &id), ERR_PARSE);
	CHECK_INT_EQ(id_parse("T1x", &id), ERR_PARSE);
	CHECK_INT_EQ(id_parse("T99999999999", &id), ERR_PARSE);
	CHECK_INT_EQ(id_parse("", &id), ERR_PARSE);
	for (int i = 0; i < CHAN_FORMAT_COUNT; i++) {
		CHECK_INT_EQ(chan_format_parse(chan_format_name(i), &f), 0);
		CHECK_INT_EQ(f, i);
	}
	CHECK_INT_EQ(chan_format_channels(CHAN_5_1), 6);
	CHECK_INT_EQ(chan_format_channels(CHAN_7_1), 8);
	CHECK_INT_EQ(chan_format_channels(CHAN_7_1_2), 10);
	CHECK_STR_EQ(chan_format_label(CHAN_5_1, 4), "Ls");
	CHECK_STR_EQ(chan_format_label(CHAN_7_1, 6), "Lrs");
	for (int i = 0; i < FADE_SHAPE_COUNT; i++) {
		CHECK_INT_EQ(fade_shape_parse(fade_shape_name(i), &sh), 0);
		CHECK_INT_EQ(sh, i);
	}
	for (int i = 0; i < AUTO_PARAM_COUNT; i++) {
		CHECK_INT_EQ(auto_param_parse(auto_param_name(i), &p), 0);
		CHECK_INT_EQ(p, i);
	}
	CHECK_INT_EQ(chan_format_parse("quad", &f), ERR_PARSE);
	CHECK_INT_EQ(fade_shape_parse(NULL, &sh), ERR_PARSE);
}

static struct session *
new_session(void)
{
	struct tc_rate r;

	timecode_rate_parse("24", false, &r);
	return session_create(48000, &r);
}

static void
test_builders_and_clone(void)
{
	struct session *s = new_session(), *copy;
	struct track *t;
	struct clip *c;
	struct source *src;
	int err = 0;

	REQUIRE(s != NULL);
	CHECK(session_create(100, &s->timecode.rate) == NULL);
	src = session_add_source(s, (struct id){ ID_SOURCE, 4 }, &err);
	REQUIRE(src != NULL);
	src->path = strdup("a.wav");
	src->channels = 1;
	src->sample_rate_hz = 44100;
	src->length_frames = 44100;
	/* a taken id is refused, a wrong-kind id too */
	CHECK(session_add_source(s, (struct id){ ID_SOURCE, 4 }, &err) == NULL);
	CHECK_INT_EQ(err, ERR_EXISTS);
	CHECK(session_add_track(s, (struct id){ ID_BUS, 1 }, &err) == NULL);
	CHECK_INT_EQ(err, ERR_INVALID);
	/* explicit ids move the counter past them */
	src = session_add_source(s, (struct id){ ID_SOURCE, 0 }, &err);
	REQUIRE(src != NULL);
	CHECK_INT_EQ(src->id.num, 5);

	t = session_add_track(s, (struct id){ ID_TRACK, 0 }, &err);
	REQUIRE(t != NULL);
	t->strip.name = strdup("DIA");
	c = session_add_clip(s, t, (struct id){ ID_CLIP, 0 }, &err);
	REQUIRE(c != NULL);
	c->source = (struct id){ ID_SOURCE, 4 };
	c->position_frames = 480000;
	c->length_frames = 48000;
	c->name = strdup("x");
	/* 48000 session frames of a 44.1 kHz source = 44100 source frames */
	CHECK_INT_EQ(session_clip_source_end(s, c), 44100);
	c->length_frames = 48001;
	CHECK_INT_EQ(session_clip_source_end(s, c), 44101);  /* rounded up */
	c->length_frames = 48000;

	copy = session_clone(s);
	REQUIRE(copy != NULL);
	CHECK(copy->tracks[0].strip.name != s->tracks[0].strip.name);
	CHECK_STR_EQ(copy->tracks[0].strip.name, "DIA");
	copy->tracks[0].clips[0].position_frames = 1;
	CHECK_INT_EQ(s->tracks[0].clips[0].position_frames, 480000);
	CHECK_INT_EQ(copy->next_id[ID_SOURCE], s->next_id[ID_SOURCE]);
	CHECK(session_clip(copy, (struct id){ ID_CLIP, 1 }, NULL) != NULL);
	session_destroy(copy);

	CHECK_INT_EQ(session_end_frames(s), 528000);
	CHECK_INT_EQ(session_duration_frames(s), 528000);
	s->timecode.start_frames = 600000;  /* all clips before the start */
	CHECK_INT_EQ(session_duration_frames(s), 0);
	session_destroy(s);
	session_destroy(NULL);
}

static void
test_lanes_and_crossfades(void)
{
	struct auto_point pts[] = {
		{ 100, -10.0, INTERP_LINEAR },
		{ 200, 0.0, INTERP_STEP },
		{ 300, 6.0, INTERP_LINEAR },
	};
	struct auto_lane lane = { .param = AUTO_VOLUME, .target = { ID_BUS, 0 },
	    .points = pts, .count = 3, .cap = 3 };
	struct session *s = new_session();
	struct track *t;
	struct crossfade xf[4];
	int err;

	CHECK_NEAR(auto_lane_value_at(&lane, 0), -10.0, 0);
	CHECK_NEAR(auto_lane_value_at(&lane, 100), -10.0, 0);
	CHECK_NEAR(auto_lane_value_at(&lane, 150), -5.0, 1e-12);
	CHECK_NEAR(auto_lane_value_at(&lane, 200), 0.0, 0);
	CHECK_NEAR(auto_lane_value_at(&lane, 299), 0.0, 0);   /* step holds */
	CHECK_NEAR(auto_lane_value_at(&lane, 300), 6.0, 0);
	CHECK_NEAR(auto_lane_value_at(&lane, 1000), 6.0, 0);

	REQUIRE(s != NULL);
	t = session_add_track(s, (struct id){ ID_TRACK, 0 }, &err);
	REQUIRE(t != NULL);
	for (int i = 0; i < 3; i++) {
		struct clip *c = session_add_clip(s, t, (struct id){ ID_CLIP, 0 }, &err);

		REQUIRE(c != NULL);
		c->length_frames = 1000;
	}
	t->clips[0].position_frames = 0;
	t->clips[1].position_frames = 900;    /* overlaps the first by 100 */
	t->clips[2].position_frames = 1900;   /* touches the second: no overlap */
	session_track_sort_clips(t);
	CHECK_INT_EQ(session_track_crossfades(t, xf, 4), 1);
	CHECK_INT_EQ(xf[0].clip_out.num, 1);
	CHECK_INT_EQ(xf[0].clip_in.num, 2);
	CHECK_INT_EQ(xf[0].position_frames, 900);
	CHECK_INT_EQ(xf[0].length_frames, 100);
	session_destroy(s);
}

static void
test_routing_and_checks(void)
{
	struct session *s = new_session();
	struct bus *b[3];
	struct check_list l = { 0 };
	struct id loop;
	int err;

	REQUIRE(s != NULL);
	for (int i = 0; i < 3; i++) {
		b[i] = session_add_bus(s, (struct id){ ID_BUS, 0 }, &err);
		REQUIRE(b[i] != NULL);
	}
	b[0]->strip.output = b[1]->id;          /* B1 -> B2 -> master */
	CHECK(routing_bus_reaches(s, b[0]->id, b[1]->id));
	CHECK(!routing_bus_reaches(s, b[1]->id, b[0]->id));
	CHECK(routing_would_loop(s, b[1]->id, b[0]->id));
	CHECK(!routing_would_loop(s, (struct id){ ID_TRACK, 1 }, b[0]->id));
	CHECK(!routing_find_loop(s, &loop));
	/* a loop through a send: B2 sends to B3, B3 outputs to B1 */
	b[1]->strip.sends = calloc(1, sizeof *b[1]->strip.sends);
	b[1]->strip.sends[0].bus = b[2]->id;
	b[1]->strip.send_count = 1;
	b[2]->strip.output = b[0]->id;
	CHECK(routing_find_loop(s, &loop));
	CHECK_INT_EQ(session_check(s, &l), 0);
	CHECK(check_list_count(&l, CHECK_ERROR) >= 1);
	check_list_fini(&l);
	session_destroy(s);
}

int
main(void)
{
	test_ids_and_names();
	test_builders_and_clone();
	test_lanes_and_crossfades();
	test_routing_and_checks();
	return test_report();
}
