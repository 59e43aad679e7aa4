/*
 * The session file round trip: a session with every field set to something
 * other than its default is saved, loaded and saved again; the bytes must
 * be identical, every field must compare equal, and every file written
 * must validate against the schema. Also the saving side: atomic save with
 * .bak, failures that leave the old file alone, relative media paths,
 * defaults of a minimal hand-written file, and what the writer refuses.
 */
#include "test.h"

#include "base/error.h"
#include "base/strutil.h"
#include "session/session.h"
#include "session/session_xml.h"

#include <errno.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- helpers ------------------------------------------------------------ */

static struct id
mkid(enum id_kind kind, uint32_t num)
{
	struct id id = { kind, num };

	return id;
}

static struct auto_lane
lane(enum auto_param param, struct id target, int64_t start, double v0)
{
	struct auto_lane l = { 0 };

	l.param = param;
	l.target = target;
	l.count = l.cap = 3;
	l.points = calloc(3, sizeof *l.points);
	for (int i = 0; i < 3; i++) {
		l.points[i].frame = start + i * 48000;
		l.points[i].value = v0 + i * 0.1;
		l.points[i].interp = i % 2 == 0 ? INTERP_STEP : INTERP_LINEAR;
	}
	if (param == AUTO_MUTE)
		for (int i = 0; i < 3; i++)
			l.points[i].value = i % 2;
	return l;
}

static void
set_strip(struct strip *st, const char *name, enum chan_format f, double gain,
    struct id output)
{
	st->name = str_dup(name);
	st->format = f;
	st->gain_db = gain;
	st->output = output;
}

/* ---- the rich session --------------------------------------------------- */

static struct session *
build_rich(void)
{
	struct tc_rate r;
	struct session *s;
	struct source *src;
	struct bus *b;
	struct track *t;
	struct clip *c;
	struct marker *m;
	int err = 0;

	if (timecode_rate_parse("29.97", true, &r) != 0 ||
	    (s = session_create(96000, &r)) == NULL)
		return NULL;
	s->name = str_dup("Démo scène — 日本語 \"q\" & <tags> 'a'\ttab\r\nline 2 ");
	timecode_parse(&r, 96000, "00:59:58;02", &s->timecode.start_frames);
	s->master.format = CHAN_7_1_2;
	s->master.gain_db = -3.0000000000000004;

	/* Sources: ids out of order and with gaps, all metadata shapes. */
	src = session_add_source(s, mkid(ID_SOURCE, 5), &err);
	src->name = str_dup("dia1 — Ünïcödé");
	src->path = str_dup("media/dia1.wav");
	src->channels = 1;
	src->sample_rate_hz = 48000;
	src->length_frames = 1440000;
	src->format = str_dup("wav");
	src->scene = str_dup("12A");
	src->take = str_dup("3");
	src->tape = str_dup("A001");
	src->comment = str_dup("boom, \"noisy\" <traffic>\nsecond line");
	src = session_add_source(s, mkid(ID_SOURCE, 2), &err);
	src->path = str_dup("/absolute/путь/fx stereo.aiff");
	src->channels = 2;
	src->sample_rate_hz = 44100;
	src->length_frames = 9000000000LL;
	src->embedded = true;
	src = session_add_source(s, mkid(ID_SOURCE, 9), &err);
	src->name = str_dup("");
	src->path = str_dup("media/mx 5.1.flac");
	src->channels = 6;
	src->sample_rate_hz = 768000;
	src->length_frames = 1;
	src->format = str_dup("flac");
	src->scene = str_dup("");
	/* a length not known (0): the editor can add such a source, so a
	 * saved session holding one must load again */
	src = session_add_source(s, mkid(ID_SOURCE, 11), &err);
	src->path = str_dup("media/unknown length.wav");
	src->channels = 1;
	src->sample_rate_hz = 48000;
	src->length_frames = 0;

	/* Buses: B2 routes forward to B4 and sends to B7; every strip part. */
	b = session_add_bus(s, mkid(ID_BUS, 7), &err);
	b->kind = BUS_STEM;
	set_strip(&b->strip, "DIA stem", CHAN_5_1, 0.1, mkid(ID_BUS, 0));
	b->strip.pan.x = -0.25;
	b->strip.pan.y = -1;
	b->strip.pan.divergence = 0.5;
	b->strip.pan.lfe_db = -10.5;
	b->strip.mute = true;
	b = session_add_bus(s, mkid(ID_BUS, 2), &err);
	b->kind = BUS_AUX;
	set_strip(&b->strip, "verb", CHAN_STEREO, -6, mkid(ID_BUS, 4));
	b->strip.solo = true;
	b->strip.send_count = 1;
	b->strip.sends = calloc(1, sizeof *b->strip.sends);
	b->strip.sends[0] = (struct send){ mkid(ID_BUS, 7), -20.125, true, false };
	b->strip.insert_count = 1;
	b->strip.inserts = calloc(1, sizeof *b->strip.inserts);
	b->strip.inserts[0].kind = str_dup("reverb");
	b->strip.inserts[0].bypass = true;
	b->strip.lane_count = 2;
	b->strip.lanes = calloc(2, sizeof *b->strip.lanes);
	b->strip.lanes[0] = lane(AUTO_VOLUME, mkid(ID_BUS, 0), 100, -3);
	b->strip.lanes[1] = lane(AUTO_SEND_LEVEL, mkid(ID_BUS, 7), 0, -12);
	b = session_add_bus(s, mkid(ID_BUS, 4), &err);
	set_strip(&b->strip, "FX stem", CHAN_7_1, 1e-7, mkid(ID_BUS, 7));
	b->kind = BUS_STEM;

	/* T3: mono dialogue with every lane, sends pre and post, inserts. */
	t = session_add_track(s, mkid(ID_TRACK, 3), &err);
	set_strip(&t->strip, "Dialogue 1 \"boom\"", CHAN_MONO, -3.0000000000000004,
	    mkid(ID_BUS, 7));
	t->strip.pan.x = 0.1;
	t->strip.pan.y = 0.30000000000000004;
	t->strip.pan.divergence = 1;
	t->strip.pan.lfe_db = SESSION_GAIN_MIN_DB;
	t->strip.mute = true;
	t->strip.solo = true;
	t->strip.send_count = 2;
	t->strip.sends = calloc(2, sizeof *t->strip.sends);
	t->strip.sends[0] = (struct send){ mkid(ID_BUS, 2), -6, false, true };
	t->strip.sends[1] = (struct send){ mkid(ID_BUS, 4), 0.1, true, false };
	t->strip.insert_count = 2;
	t->strip.inserts = calloc(2, sizeof *t->strip.inserts);
	t->strip.inserts[0].kind = str_dup("eq");
	t->strip.inserts[0].param_count = 3;
	t->strip.inserts[0].params = calloc(3, sizeof(struct insert_param));
	t->strip.inserts[0].params[0] = (struct insert_param){ str_dup("freq-hz"), 100 };
	t->strip.inserts[0].params[1] = (struct insert_param){ str_dup("gain-db"), 0.1 };
	t->strip.inserts[0].params[2] = (struct insert_param){ str_dup("q"), 0.7071067811865476 };
	t->strip.inserts[1].kind = str_dup("dynamics");
	t->strip.inserts[1].bypass = true;
	t->strip.inserts[1].param_count = 1;
	t->strip.inserts[1].params = calloc(1, sizeof(struct insert_param));
	t->strip.inserts[1].params[0] = (struct insert_param){ str_dup("ratio"), 1e300 };
	t->strip.lane_count = 6;
	t->strip.lanes = calloc(6, sizeof *t->strip.lanes);
	t->strip.lanes[0] = lane(AUTO_PAN, mkid(ID_BUS, 0), 345600000, -1);
	t->strip.lanes[1] = lane(AUTO_VOLUME, mkid(ID_BUS, 0), 0, -144);
	t->strip.lanes[2] = lane(AUTO_PAN_FB, mkid(ID_BUS, 0), 7, 0.5);
	t->strip.lanes[3] = lane(AUTO_MUTE, mkid(ID_BUS, 0), 1, 0);
	t->strip.lanes[4] = lane(AUTO_SEND_LEVEL, mkid(ID_BUS, 4), 10, -3);
	t->strip.lanes[5] = lane(AUTO_SEND_LEVEL, mkid(ID_BUS, 2), 20, 6);

	/* Clips: every fade shape, clip gain lanes, one without a name. */
	{
		static const enum fade_shape shapes[] = { FADE_LINEAR,
		    FADE_EQUAL_POWER, FADE_S_CURVE, FADE_LOG, FADE_EXP };

		for (int i = 0; i < 5; i++) {
			t = &s->tracks[0];
			c = session_add_clip(s, t, mkid(ID_CLIP, (uint32_t)(20 - i)), &err);
			if (i != 2)
				c->name = str_dup(i == 0 ? "line 1 — «hello»" : "take");
			c->source = mkid(ID_SOURCE, 5);
			c->position_frames = 345600000 + i * 96000;
			c->length_frames = 96000 + i;
			c->source_offset_frames = i * 1000;
			c->gain_db = i * 0.1;
			c->mute = i == 3;
			c->fade_in = (struct fade){ 480 * i, shapes[i] };
			c->fade_out = (struct fade){ 960, shapes[4 - i] };
			if (i % 2 == 0) {
				c->gain_lane = calloc(1, sizeof *c->gain_lane);
				*c->gain_lane = lane(AUTO_CLIP_GAIN, mkid(ID_BUS, 0), 0, -1.5);
			}
		}
		/* Two clips at the same position: order by id. */
		c = session_add_clip(s, t, mkid(ID_CLIP, 1), &err);
		c->source = mkid(ID_SOURCE, 2);
		c->source_channel = 1;
		c->position_frames = 345600000;
		c->length_frames = 10;
		session_track_sort_clips(t);
	}

	/* T1: a 5.1 track whose clip is made of several sources. */
	t = session_add_track(s, mkid(ID_TRACK, 1), &err);
	set_strip(&t->strip, "MX 5.1", CHAN_5_1, 24, mkid(ID_BUS, 4));
	c = session_add_clip(s, t, mkid(ID_CLIP, 30), &err);
	c->source = mkid(ID_SOURCE, 9);
	c->position_frames = 0;
	c->length_frames = 1;
	c->channel_map_count = 6;
	c->channel_map = calloc(6, sizeof *c->channel_map);
	for (int i = 0; i < 6; i++) {
		c->channel_map[i].source = mkid(ID_SOURCE, i < 2 ? 2 : 9);
		c->channel_map[i].source_channel = i < 2 ? 1 - i : 5 - (i - 2);
	}
	c->gain_lane = calloc(1, sizeof *c->gain_lane);
	c->gain_lane->param = AUTO_CLIP_GAIN;     /* a lane with no points */

	/* T8: unnamed, empty, 7.1.2. */
	t = session_add_track(s, mkid(ID_TRACK, 8), &err);
	t->strip.format = CHAN_7_1_2;

	/* Markers. */
	m = session_add_marker(s, mkid(ID_MARKER, 2), &err);
	m->name = str_dup("Door slam");
	m->position_frames = 345700000;
	m->colour = str_dup("#ff8800");
	m->comment = str_dup("  needs <new> FX & \"foley\"\n\ttake 2\r\n");
	m = session_add_marker(s, mkid(ID_MARKER, 1), &err);
	m->position_frames = 345800000;
	m->length_frames = 96000;
	m->colour = str_dup("#00AAff");
	m->comment = str_dup("");
	m = session_add_marker(s, mkid(ID_MARKER, 3), &err);
	m->name = str_dup("");
	m->position_frames = 345800000;
	session_sort_markers(s);

	/* Noise prints: added out of id order, one without origin or tonal bins. */
	for (int k = 0; k < 2; k++) {
		struct noise_print *np = session_add_noise_print(s,
		    mkid(ID_PRINT, k == 0 ? 6 : 2), &err);
		uint64_t st = 77 + (uint64_t)k;

		if (np == NULL)
			break;
		np->name = str_dup(k == 0 ? "room 12A — «boom» & <hvac>" : "tone");
		np->origin = k == 0 ? str_dup("C18 00:59:59;00-01:00:00;00") : NULL;
		np->sample_rate_hz = k == 0 ? 48000 : 192000;
		np->fft_size = k == 0 ? 512 : 16;
		np->bins = np->fft_size / 2 + 1;
		np->frames = k == 0 ? 93 : 1;
		np->level_db = k == 0 ? -61.237 : -144;
		np->power = calloc((size_t)np->bins, sizeof *np->power);
		np->tonal = calloc((size_t)np->bins, 1);
		for (int i = 0; i < np->bins; i++) {
			uint32_t u;

			do
				u = (uint32_t)test_xorshift64(&st) & 0x7fffffffu;
			while ((u & 0x7f800000u) == 0x7f800000u);
			memcpy(&np->power[i], &u, sizeof u);
			np->tonal[i] = k == 0 && i % 7 == 3;
		}
	}
	session_sort_noise_prints(s);

	s->next_id[ID_TRACK] = 40;
	s->next_id[ID_MARKER] = 7;
	if (err != 0) {
		session_destroy(s);
		return NULL;
	}
	return s;
}

/* ---- comparison --------------------------------------------------------- */

#define CHECK_ID(a, b) do { \
	CHECK_INT_EQ((a).kind, (b).kind); \
	CHECK_INT_EQ((a).num, (b).num); \
} while (0)
#define CHECK_EXACT(a, b) CHECK_NEAR(a, b, 0.0)

static void
check_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		CHECK(a == NULL && b == NULL);
	else
		CHECK_STR_EQ(a, b);
}

static void
check_lane(const struct auto_lane *a, const struct auto_lane *b)
{
	CHECK_INT_EQ(a->param, b->param);
	CHECK_INT_EQ(a->target.num, b->target.num);
	if (a->param == AUTO_SEND_LEVEL)
		CHECK_ID(a->target, b->target);
	REQUIRE(a->count == b->count);
	for (size_t i = 0; i < a->count; i++) {
		CHECK_INT_EQ(a->points[i].frame, b->points[i].frame);
		CHECK_EXACT(a->points[i].value, b->points[i].value);
		CHECK_INT_EQ(a->points[i].interp, b->points[i].interp);
	}
}

static void
check_strip(const struct strip *a, const struct strip *b)
{
	check_str(a->name, b->name);
	CHECK_INT_EQ(a->format, b->format);
	CHECK_EXACT(a->gain_db, b->gain_db);
	CHECK_EXACT(a->pan.x, b->pan.x);
	CHECK_EXACT(a->pan.y, b->pan.y);
	CHECK_EXACT(a->pan.divergence, b->pan.divergence);
	CHECK_EXACT(a->pan.lfe_db, b->pan.lfe_db);
	CHECK_INT_EQ(a->mute, b->mute);
	CHECK_INT_EQ(a->solo, b->solo);
	CHECK_ID(a->output, b->output);
	CHECK_INT_EQ(a->send_count, b->send_count);
	for (size_t i = 0; i < a->send_count && i < b->send_count; i++) {
		CHECK_ID(a->sends[i].bus, b->sends[i].bus);
		CHECK_EXACT(a->sends[i].level_db, b->sends[i].level_db);
		CHECK_INT_EQ(a->sends[i].pre_fader, b->sends[i].pre_fader);
		CHECK_INT_EQ(a->sends[i].mute, b->sends[i].mute);
	}
	CHECK_INT_EQ(a->insert_count, b->insert_count);
	for (size_t i = 0; i < a->insert_count && i < b->insert_count; i++) {
		const struct insert *x = &a->inserts[i], *y = &b->inserts[i];

		check_str(x->kind, y->kind);
		CHECK_INT_EQ(x->bypass, y->bypass);
		CHECK_INT_EQ(x->param_count, y->param_count);
		for (size_t k = 0; k < x->param_count && k < y->param_count; k++) {
			check_str(x->params[k].name, y->params[k].name);
			CHECK_EXACT(x->params[k].value, y->params[k].value);
		}
	}
	CHECK_INT_EQ(a->lane_count, b->lane_count);
	for (size_t i = 0; i < a->lane_count && i < b->lane_count; i++)
		check_lane(&a->lanes[i], &b->lanes[i]);
}

static void
check_clip(const struct clip *a, const struct clip *b)
{
	CHECK_ID(a->id, b->id);
	check_str(a->name, b->name);
	CHECK_ID(a->source, b->source);
	CHECK_INT_EQ(a->source_channel, b->source_channel);
	CHECK_INT_EQ(a->channel_map_count, b->channel_map_count);
	for (int i = 0; i < a->channel_map_count && i < b->channel_map_count; i++) {
		CHECK_ID(a->channel_map[i].source, b->channel_map[i].source);
		CHECK_INT_EQ(a->channel_map[i].source_channel,
		    b->channel_map[i].source_channel);
	}
	CHECK_INT_EQ(a->position_frames, b->position_frames);
	CHECK_INT_EQ(a->length_frames, b->length_frames);
	CHECK_INT_EQ(a->source_offset_frames, b->source_offset_frames);
	CHECK_EXACT(a->gain_db, b->gain_db);
	CHECK_INT_EQ(a->mute, b->mute);
	CHECK_INT_EQ(a->fade_in.length_frames, b->fade_in.length_frames);
	CHECK_INT_EQ(a->fade_in.shape, b->fade_in.shape);
	CHECK_INT_EQ(a->fade_out.length_frames, b->fade_out.length_frames);
	CHECK_INT_EQ(a->fade_out.shape, b->fade_out.shape);
	CHECK((a->gain_lane == NULL) == (b->gain_lane == NULL));
	if (a->gain_lane != NULL && b->gain_lane != NULL)
		check_lane(a->gain_lane, b->gain_lane);
}

static void
check_session(const struct session *a, const struct session *b)
{
	check_str(a->name, b->name);
	CHECK_INT_EQ(a->sample_rate_hz, b->sample_rate_hz);
	CHECK_INT_EQ(a->timecode.rate.num, b->timecode.rate.num);
	CHECK_INT_EQ(a->timecode.rate.den, b->timecode.rate.den);
	CHECK_INT_EQ(a->timecode.rate.nominal, b->timecode.rate.nominal);
	CHECK_INT_EQ(a->timecode.rate.drop_frame, b->timecode.rate.drop_frame);
	CHECK_INT_EQ(a->timecode.start_frames, b->timecode.start_frames);
	CHECK_INT_EQ(a->master.format, b->master.format);
	CHECK_EXACT(a->master.gain_db, b->master.gain_db);
	for (int k = 0; k < ID_KIND_COUNT; k++)
		CHECK_INT_EQ(a->next_id[k], b->next_id[k]);

	CHECK_INT_EQ(a->source_count, b->source_count);
	for (size_t i = 0; i < a->source_count && i < b->source_count; i++) {
		const struct source *x = &a->sources[i], *y = &b->sources[i];

		CHECK_ID(x->id, y->id);
		check_str(x->name, y->name);
		check_str(x->path, y->path);
		CHECK_INT_EQ(x->channels, y->channels);
		CHECK_INT_EQ(x->sample_rate_hz, y->sample_rate_hz);
		CHECK_INT_EQ(x->length_frames, y->length_frames);
		check_str(x->format, y->format);
		CHECK_INT_EQ(x->embedded, y->embedded);
		check_str(x->scene, y->scene);
		check_str(x->take, y->take);
		check_str(x->tape, y->tape);
		check_str(x->comment, y->comment);
	}
	CHECK_INT_EQ(a->bus_count, b->bus_count);
	for (size_t i = 0; i < a->bus_count && i < b->bus_count; i++) {
		CHECK_ID(a->buses[i].id, b->buses[i].id);
		CHECK_INT_EQ(a->buses[i].kind, b->buses[i].kind);
		check_strip(&a->buses[i].strip, &b->buses[i].strip);
	}
	CHECK_INT_EQ(a->track_count, b->track_count);
	for (size_t i = 0; i < a->track_count && i < b->track_count; i++) {
		const struct track *x = &a->tracks[i], *y = &b->tracks[i];

		CHECK_ID(x->id, y->id);
		check_strip(&x->strip, &y->strip);
		CHECK_INT_EQ(x->clip_count, y->clip_count);
		for (size_t k = 0; k < x->clip_count && k < y->clip_count; k++)
			check_clip(&x->clips[k], &y->clips[k]);
	}
	CHECK_INT_EQ(a->marker_count, b->marker_count);
	for (size_t i = 0; i < a->marker_count && i < b->marker_count; i++) {
		const struct marker *x = &a->markers[i], *y = &b->markers[i];

		CHECK_ID(x->id, y->id);
		check_str(x->name, y->name);
		CHECK_INT_EQ(x->position_frames, y->position_frames);
		CHECK_INT_EQ(x->length_frames, y->length_frames);
		check_str(x->comment, y->comment);
		check_str(x->colour, y->colour);
	}
	CHECK_INT_EQ(a->noise_print_count, b->noise_print_count);
	for (size_t i = 0; i < a->noise_print_count && i < b->noise_print_count;
	    i++) {
		const struct noise_print *x = &a->noise_prints[i];
		const struct noise_print *y = &b->noise_prints[i];

		CHECK_ID(x->id, y->id);
		check_str(x->name, y->name);
		check_str(x->origin, y->origin);
		CHECK_INT_EQ(x->sample_rate_hz, y->sample_rate_hz);
		CHECK_INT_EQ(x->fft_size, y->fft_size);
		CHECK_INT_EQ(x->frames, y->frames);
		CHECK_EXACT(x->level_db, y->level_db);
		REQUIRE(x->bins == y->bins);
		/* every bit of every float */
		CHECK(memcmp(x->power, y->power, (size_t)x->bins * sizeof *x->power)
		    == 0);
		CHECK(memcmp(x->tonal, y->tonal, (size_t)x->bins) == 0);
	}
}

/* ---- tests -------------------------------------------------------------- */

static void
test_memory_round_trip(void)
{
	struct session *s = build_rich(), *l1 = NULL, *l2 = NULL;
	char *b1 = NULL, *b2 = NULL, *b3 = NULL;
	size_t n1 = 0, n2 = 0, n3 = 0;
	struct diag d;
	int rc;

	REQUIRE(s != NULL);
	rc = session_xml_write_memory(s, &b1, &n1, &d);
	CHECK_INT_EQ(rc, 0);
	REQUIRE(rc == 0 && b1 != NULL);
	CHECK_INT_EQ(strlen(b1), n1);
	{
		static const char head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<dubstage-session version=\"1\" sample-rate=\"96000\">\n  <name>";

		CHECK(strncmp(b1, head, sizeof head - 1) == 0);
	}
	CHECK(strstr(b1, "-3.0000000000000004") != NULL);
	CHECK(strstr(b1, "日本語") != NULL);   /* raw UTF-8, not &#x...; */
	CHECK(strstr(b1, "rate=\"29.97\" drop-frame=\"true\" start=\"00:59:58;02\"") != NULL);
	/* noise prints in id order, between the sources and the buses */
	CHECK(strstr(b1, "</sources>\n  <noise-prints>\n    <noise-print id=\"N2\"") != NULL);
	CHECK(strstr(b1, "<noise-print id=\"N6\"") > strstr(b1, "<noise-print id=\"N2\""));
	CHECK(strstr(b1, "</noise-prints>\n  <buses>") != NULL);
	CHECK(strstr(b1, "marker=\"7\" noise-print=\"7\"/>") != NULL);

	rc = session_xml_validate_schema_memory(b1, n1, "rich", &d);
	if (rc != 0)
		fprintf(stderr, "schema: %s:%d: %s\n", d.file, d.line, d.message);
	CHECK_INT_EQ(rc, 0);

	rc = session_xml_load_memory(b1, n1, "rich", NULL, &l1, &d);
	if (rc != 0)
		fprintf(stderr, "load: %s:%d: %s\n", d.file, d.line, d.message);
	CHECK_INT_EQ(rc, 0);
	REQUIRE(l1 != NULL);
	check_session(s, l1);

	CHECK_INT_EQ(session_xml_write_memory(l1, &b2, &n2, &d), 0);
	REQUIRE(b2 != NULL);
	CHECK_INT_EQ(n1, n2);
	CHECK(n1 == n2 && memcmp(b1, b2, n1) == 0);

	/* A deep copy writes the same bytes too. */
	CHECK_INT_EQ(session_xml_load_memory(b2, n2, "rich2", NULL, &l2, &d), 0);
	if (l2 != NULL) {
		struct session *cl = session_clone(l2);

		CHECK_INT_EQ(session_xml_write_memory(cl, &b3, &n3, &d), 0);
		CHECK(b3 != NULL && n3 == n1 && memcmp(b1, b3, n1) == 0);
		session_destroy(cl);
	}
	free(b1);
	free(b2);
	free(b3);
	session_destroy(l1);
	session_destroy(l2);
	session_destroy(s);
}

static const char minimal_golden[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<dubstage-session version=\"1\" sample-rate=\"48000\">\n"
    "  <timecode rate=\"24\" drop-frame=\"false\" start=\"01:00:00:00\"/>\n"
    "  <master format=\"stereo\" gain-db=\"0\"/>\n"
    "  <next-ids track=\"1\" clip=\"1\" bus=\"1\" source=\"1\" marker=\"1\"/>\n"
    "  <sources/>\n"
    "  <buses/>\n"
    "  <tracks/>\n"
    "  <markers/>\n"
    "</dubstage-session>\n";

static void
test_exact_layout(void)
{
	struct tc_rate r;
	struct session *s;
	struct diag d;
	char *buf = NULL;
	size_t n = 0;

	timecode_rate_parse("24", false, &r);
	s = session_create(48000, &r);
	REQUIRE(s != NULL);
	s->timecode.start_frames = 172800000;
	CHECK_INT_EQ(session_xml_write_memory(s, &buf, &n, &d), 0);
	CHECK_STR_EQ(buf, minimal_golden);
	free(buf);
	session_destroy(s);
}

/* A hand-written file with everything optional left out. */
static void
test_defaults(void)
{
	static const char doc[] =
	    "<?xml version='1.0'?>\n"
	    "<!-- a comment -->\n"
	    "<dubstage-session sample-rate='48000' version='1'>\n"
	    "  <timecode rate='25'/>\n"
	    "  <master format='5.1'/>\n"
	    "  <sources>\n"
	    "    <source id='s3' path='a.wav' channels='2' sample-rate='48000' length-frames='100'/>\n"
	    "  </sources>\n"
	    "  <buses><bus id='B2' format='stereo'/></buses>\n"
	    "  <tracks>\n"
	    "    <track id='T4' format='stereo'>\n"
	    "      <clip id='C9' source='S3' position='50' length='10'/>\n"
	    "      <clip id='C2' source='S3' position='5' length='10'>\n"
	    "        <fade-in length='3'/>\n"
	    "        <automation param='clip-gain'><point frame='0' value='1'/></automation>\n"
	    "      </clip>\n"
	    "    </track>\n"
	    "    <track id='T1' format='mono' output='B2'><send bus='B2'/></track>\n"
	    "  </tracks>\n"
	    "  <markers><marker id='M5' position='7'/><marker id='M1' position='3'><comment/></marker></markers>\n"
	    "</dubstage-session>\n";
	struct session *s = NULL;
	struct diag d;
	int rc;

	rc = session_xml_load_memory(doc, sizeof doc - 1, "defaults", NULL, &s, &d);
	if (rc != 0)
		fprintf(stderr, "%s:%d: %s\n", d.file, d.line, d.message);
	CHECK_INT_EQ(rc, 0);
	CHECK_INT_EQ(session_xml_validate_schema_memory(doc, sizeof doc - 1,
	    "defaults", &d), 0);
	REQUIRE(s != NULL);
	CHECK(s->name == NULL);
	CHECK_INT_EQ(s->timecode.start_frames, 0);
	CHECK_INT_EQ(s->timecode.rate.drop_frame, 0);
	CHECK_INT_EQ(s->master.format, CHAN_5_1);
	CHECK_EXACT(s->master.gain_db, 0);
	/* next ids default to max used + 1 */
	CHECK_INT_EQ(s->next_id[ID_TRACK], 5);
	CHECK_INT_EQ(s->next_id[ID_CLIP], 10);
	CHECK_INT_EQ(s->next_id[ID_BUS], 3);
	CHECK_INT_EQ(s->next_id[ID_SOURCE], 4);
	CHECK_INT_EQ(s->next_id[ID_MARKER], 6);
	REQUIRE(s->source_count == 1 && s->track_count == 2 && s->bus_count == 1);
	CHECK_INT_EQ(s->sources[0].id.num, 3);
	CHECK(!s->sources[0].embedded);
	CHECK(s->sources[0].name == NULL && s->sources[0].format == NULL);
	CHECK_EXACT(s->buses[0].strip.pan.y, 1);
	CHECK_EXACT(s->buses[0].strip.pan.lfe_db, SESSION_GAIN_MIN_DB);
	CHECK_INT_EQ(s->buses[0].kind, BUS_AUX);
	CHECK_INT_EQ(s->buses[0].strip.output.num, 0);
	/* tracks keep file order; clips come out sorted by position */
	CHECK_INT_EQ(s->tracks[0].id.num, 4);
	CHECK_INT_EQ(s->tracks[1].id.num, 1);
	REQUIRE(s->tracks[0].clip_count == 2);
	CHECK_INT_EQ(s->tracks[0].clips[0].id.num, 2);
	CHECK_INT_EQ(s->tracks[0].clips[1].id.num, 9);
	CHECK_INT_EQ(s->tracks[0].clips[0].fade_in.length_frames, 3);
	CHECK_INT_EQ(s->tracks[0].clips[0].fade_in.shape, FADE_EQUAL_POWER);
	CHECK(s->tracks[0].clips[0].gain_lane != NULL);
	CHECK_INT_EQ(s->tracks[0].clips[0].gain_lane->points[0].interp, INTERP_LINEAR);
	CHECK(s->tracks[0].clips[1].gain_lane == NULL);
	CHECK_INT_EQ(s->tracks[1].strip.output.num, 2);
	REQUIRE(s->tracks[1].strip.send_count == 1);
	CHECK_EXACT(s->tracks[1].strip.sends[0].level_db, 0);
	CHECK(!s->tracks[1].strip.sends[0].pre_fader);
	/* markers sorted by position */
	REQUIRE(s->marker_count == 2);
	CHECK_INT_EQ(s->markers[0].id.num, 1);
	CHECK_STR_EQ(s->markers[0].comment, "");
	CHECK(s->markers[1].comment == NULL && s->markers[1].colour == NULL);
	CHECK_INT_EQ(s->markers[1].length_frames, 0);
	session_destroy(s);
}

static void
test_next_ids(void)
{
	static const char doc[] =
	    "<?xml version='1.0' encoding='UTF-8'?>\n"
	    "<dubstage-session version='1' sample-rate='48000'>\n"
	    "  <timecode rate='24' drop-frame='0' start='00:00:00:00'/>\n"
	    "  <master format='stereo' gain-db='0'/>\n"
	    "  <next-ids track='2' clip='100' marker='1'/>\n"
	    "  <tracks><track id='T7' format='mono'/></tracks>\n"
	    "</dubstage-session>\n";
	struct session *s = NULL;
	struct diag d;

	CHECK_INT_EQ(session_xml_load_memory(doc, sizeof doc - 1, "ids", NULL,
	    &s, &d), 0);
	REQUIRE(s != NULL);
	CHECK_INT_EQ(s->next_id[ID_TRACK], 8);    /* never below max used + 1 */
	CHECK_INT_EQ(s->next_id[ID_CLIP], 100);
	CHECK_INT_EQ(s->next_id[ID_BUS], 1);
	CHECK_INT_EQ(s->next_id[ID_MARKER], 1);
	session_destroy(s);
}

/* The largest id numbers and frame values survive a round trip. */
static void
test_extremes(void)
{
	static const char doc[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<dubstage-session version=\"1\" sample-rate=\"768000\">\n"
	    "  <timecode rate=\"11988/100\" drop-frame=\"true\"/>\n"
	    "  <master format=\"mono\" gain-db=\"-1.7976931348623157e+308\"/>\n"
	    "  <sources><source id=\"S4294967294\" path=\"x\" channels=\"65535\" "
	    "sample-rate=\"8000\" length-frames=\"9223372036854775807\"/></sources>\n"
	    "  <tracks><track id=\"T4294967294\" format=\"mono\" gain-db=\"4.9406564584124654e-324\">"
	    "<clip id=\"C4294967294\" source=\"S4294967294\" source-channel=\"65534\" "
	    "position=\"9223372036854775806\" length=\"1\"/></track></tracks>\n"
	    "</dubstage-session>\n";
	struct session *s = NULL, *s2 = NULL;
	char *b1 = NULL, *b2 = NULL;
	size_t n1 = 0, n2 = 0;
	struct diag d;
	int rc;

	rc = session_xml_load_memory(doc, sizeof doc - 1, "extremes", NULL, &s, &d);
	if (rc != 0)
		fprintf(stderr, "%s:%d: %s\n", d.file, d.line, d.message);
	REQUIRE(rc == 0);
	CHECK_INT_EQ(s->next_id[ID_TRACK], UINT32_MAX);
	CHECK_INT_EQ(s->tracks[0].clips[0].position_frames, INT64_MAX - 1);
	CHECK_INT_EQ(s->timecode.rate.num, 2997);
	CHECK_INT_EQ(s->timecode.rate.den, 25);
	CHECK_INT_EQ(session_xml_write_memory(s, &b1, &n1, &d), 0);
	CHECK_INT_EQ(session_xml_validate_schema_memory(b1, n1, "x", &d), 0);
	CHECK_INT_EQ(session_xml_load_memory(b1, n1, "x", NULL, &s2, &d), 0);
	if (s2 != NULL) {
		check_session(s, s2);
		CHECK_INT_EQ(session_xml_write_memory(s2, &b2, &n2, &d), 0);
		CHECK(b2 != NULL && n1 == n2 && memcmp(b1, b2, n1) == 0);
	}
	free(b1);
	free(b2);
	session_destroy(s);
	session_destroy(s2);
}

static void
test_save_files(void)
{
	const char *dir = test_path("save");
	char path[4096], bak[4096], mediadir[4096], media[4096];
	struct session *s = build_rich(), *l = NULL;
	char *first = NULL, *second = NULL, *bakdata = NULL, *res;
	size_t n1 = 0, n2 = 0, nb = 0;
	struct diag d;
	int rc;

	REQUIRE(s != NULL);
	test_mkdir_p(dir);
	test_join(path, sizeof path, dir, "/rich.dubstage");
	test_join(bak, sizeof bak, path, ".bak");
	test_join(mediadir, sizeof mediadir, dir, "/media");
	test_join(media, sizeof media, dir, "/media/dia1.wav");
	unlink(path);
	unlink(bak);
	test_mkdir_p(mediadir);
	test_write_file(media, "RIFF", 4);

	rc = session_xml_save(s, path, &d);
	if (rc != 0)
		fprintf(stderr, "save: %s:%d: %s\n", d.file, d.line, d.message);
	CHECK_INT_EQ(rc, 0);
	CHECK(s->path != NULL && strcmp(s->path, path) == 0);
	CHECK(access(bak, F_OK) != 0);      /* nothing to back up the first time */
	CHECK_INT_EQ(session_xml_validate_schema(path, &d), 0);
	first = test_read_file(path, &n1);
	REQUIRE(first != NULL);

	rc = session_xml_load(path, &l, &d);
	CHECK_INT_EQ(rc, 0);
	REQUIRE(l != NULL);
	check_session(s, l);
	CHECK_STR_EQ(l->path, path);
	/* relative media resolve against the session's folder */
	CHECK(l->sources[0].online);        /* media/dia1.wav exists */
	CHECK(!l->sources[1].online);       /* /absolute/... does not */
	CHECK(!l->sources[2].online);
	res = session_source_resolved_path(l, &l->sources[0]);
	CHECK_STR_EQ(res, media);
	free(res);
	res = session_source_resolved_path(l, &l->sources[1]);
	CHECK_STR_EQ(res, "/absolute/путь/fx stereo.aiff");
	free(res);

	/* Second save: identical bytes, the first file kept as .bak. */
	l->tracks[0].strip.gain_db = -7;
	CHECK_INT_EQ(session_xml_save(l, path, &d), 0);
	second = test_read_file(path, &n2);
	bakdata = test_read_file(bak, &nb);
	CHECK(bakdata != NULL && nb == n1 && memcmp(bakdata, first, n1) == 0);
	CHECK(second != NULL && strstr(second, "gain-db=\"-7\"") != NULL);
	CHECK_INT_EQ(session_xml_validate_schema(path, &d), 0);
	CHECK_INT_EQ(test_count_files(dir, ".tmp-"), 0);
	free(second);
	second = NULL;

	/* Unchanged session saves the same bytes again. */
	l->tracks[0].strip.gain_db = s->tracks[0].strip.gain_db;
	CHECK_INT_EQ(session_xml_save(l, path, &d), 0);
	second = test_read_file(path, &n2);
	CHECK(second != NULL && n2 == n1 && memcmp(second, first, n1) == 0);

	free(first);
	free(second);
	free(bakdata);
	session_destroy(l);
	session_destroy(s);
}

/* Saving where the folder cannot be written fails with ERR_IO and leaves
 * the old file as it was. Root ignores permissions, so as root the save is
 * tried by a child that has dropped to nobody. */
static int
save_expect_io(const void *path)
{
	struct session *s = build_rich();
	struct diag d;
	int rc;

	s->tracks[0].strip.gain_db = 5;
	rc = session_xml_save(s, path, &d);
	session_destroy(s);
	if (rc != ERR_IO || strstr(d.file, "ro.dubstage") == NULL ||
	    d.message[0] == '\0')
		return 1;
	return 0;
}

static void
test_read_only_folder(void)
{
	const char *dir = test_path("readonly");
	char path[4096], bak[4096];
	struct session *s = build_rich();
	char *before = NULL, *after = NULL;
	size_t nb = 0, na = 0;
	struct diag d;

	REQUIRE(s != NULL);
	test_mkdir_p(dir);
	chmod(dir, 0755);
	test_join(path, sizeof path, dir, "/ro.dubstage");
	test_join(bak, sizeof bak, path, ".bak");
	unlink(path);
	unlink(bak);
	CHECK_INT_EQ(session_xml_save(s, path, &d), 0);
	before = test_read_file(path, &nb);
	REQUIRE(before != NULL);
	CHECK_INT_EQ(chmod(dir, 0555), 0);
	if (!test_as_nobody(dir, save_expect_io, path))
		CHECK_INT_EQ(save_expect_io(path), 0);
	chmod(dir, 0755);
	after = test_read_file(path, &na);
	CHECK(after != NULL && na == nb && memcmp(before, after, nb) == 0);
	CHECK_INT_EQ(test_count_files(dir, ".tmp-"), 0);
	CHECK_INT_EQ(test_count_files(dir, ".bak"), 0);
	free(before);
	free(after);
	session_destroy(s);
}

/* A failure after the temp file is written (here: the .bak cannot be
 * replaced because it is a non-empty folder) removes the temp file and
 * leaves the old file alone; this path works as root too. */
static void
test_failure_after_temp(void)
{
	const char *dir = test_path("bakdir");
	char path[4096], bak[4096], inner[4096];
	struct session *s = build_rich();
	char *before = NULL, *after = NULL;
	size_t nb = 0, na = 0;
	struct diag d;

	REQUIRE(s != NULL);
	test_mkdir_p(dir);
	test_join(path, sizeof path, dir, "/x.dubstage");
	test_join(bak, sizeof bak, path, ".bak");
	test_join(inner, sizeof inner, bak, "/keep");
	unlink(path);
	CHECK_INT_EQ(session_xml_save(s, path, &d), 0);
	before = test_read_file(path, &nb);
	test_mkdir_p(bak);
	test_write_file(inner, "x", 1);
	s->master.gain_db = 2;
	CHECK_INT_EQ(session_xml_save(s, path, &d), ERR_IO);
	CHECK(strstr(d.file, "x.dubstage") != NULL);
	CHECK(strstr(d.message, ".bak") != NULL);
	after = test_read_file(path, &na);
	CHECK(before != NULL && after != NULL && na == nb &&
	    memcmp(before, after, nb) == 0);
	CHECK_INT_EQ(test_count_files(dir, ".tmp-"), 0);
	unlink(inner);
	rmdir(bak);
	/* A missing folder is an I/O error too. */
	CHECK_INT_EQ(session_xml_save(s, test_path("no/such/dir/x.dubstage"), &d),
	    ERR_IO);
	free(before);
	free(after);
	session_destroy(s);
}

/* What the writer refuses: it never writes a file that is not valid. */
static void
test_writer_refuses(void)
{
	struct session *s = build_rich();
	const char *path = test_path("refused.dubstage");
	char *buf = NULL;
	size_t n = 0;
	struct diag d;
	char *old;

	REQUIRE(s != NULL);
	unlink(path);
	old = s->tracks[0].strip.name;
	s->tracks[0].strip.name = str_dup("bell \x07 char");
	CHECK_INT_EQ(session_xml_write_memory(s, &buf, &n, &d), ERR_INVALID);
	CHECK(strstr(d.message, "track T3") != NULL);
	free(s->tracks[0].strip.name);
	s->tracks[0].strip.name = str_dup("bad \xC3\x28 utf8");
	CHECK_INT_EQ(session_xml_write_memory(s, &buf, &n, &d), ERR_INVALID);
	free(s->tracks[0].strip.name);
	s->tracks[0].strip.name = old;

	s->markers[0].colour[0] = 'x';
	CHECK_INT_EQ(session_xml_write_memory(s, &buf, &n, &d), ERR_INVALID);
	s->markers[0].colour[0] = '#';
	s->master.gain_db = NAN;
	CHECK_INT_EQ(session_xml_write_memory(s, &buf, &n, &d), ERR_INVALID);
	s->master.gain_db = 0;
	s->tracks[0].strip.format = CHAN_FORMAT_COUNT;
	CHECK_INT_EQ(session_xml_write_memory(s, &buf, &n, &d), ERR_INVALID);
	s->tracks[0].strip.format = CHAN_MONO;

	/* Schema-valid but inconsistent: serialises, but save refuses. */
	s->tracks[0].clips[0].length_frames = 0;
	CHECK_INT_EQ(session_xml_write_memory(s, &buf, &n, &d), 0);
	free(buf);
	CHECK_INT_EQ(session_xml_save(s, path, &d), ERR_SEMANTIC);
	CHECK(strstr(d.message, "not saved") != NULL);
	CHECK(access(path, F_OK) != 0);
	CHECK(s->path == NULL);
	session_destroy(s);
}

int
main(void)
{
	test_memory_round_trip();
	test_exact_layout();
	test_defaults();
	test_next_ids();
	test_extremes();
	test_save_files();
	test_read_only_folder();
	test_failure_after_temp();
	test_writer_refuses();
	return test_report();
}
