/*
 * Noise prints (learned noise profiles, N ids) and repointing a clip's
 * source: the model (lookups, clone), the file (an exact round trip of
 * every float bit, the schema, files without the section, refusals of bad
 * documents with the element's line), and the editor (validation, undo and
 * redo of add/remove/rename and of editor_set_clip_source, ids never
 * reused).
 */
#include "test.h"

#include "base/error.h"
#include "base/strutil.h"
#include "session/edit.h"
#include "session/session.h"
#include "session/session_xml.h"

#include <float.h>

static struct id
tid(enum id_kind k, uint32_t n)
{
	return (struct id){ k, n };
}

static char *
dump(const struct session *s)
{
	char *xml = NULL;
	size_t size = 0;
	struct diag d;

	if (session_xml_write_memory(s, &xml, &size, &d) != 0) {
		fprintf(stderr, "write: %s\n", d.message);
		return NULL;
	}
	return xml;
}

static uint32_t
float_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof u);
	return u;
}

static float
bits_float(uint32_t u)
{
	float f;

	memcpy(&f, &u, sizeof f);
	return f;
}

/*
 * A print of fft size fft whose powers cover every kind of float: zero,
 * the smallest subnormal, the smallest normal, the largest finite, values
 * with no short decimal form, and random bit patterns of positive finite
 * floats (subnormals included). Free with noise_print_fini.
 */
static struct noise_print
make_print(const char *name, const char *origin, int fft, uint64_t seed)
{
	struct noise_print np = { 0 };
	uint64_t st = seed;

	np.name = str_dup(name);
	np.origin = str_dup(origin);
	np.sample_rate_hz = 48000;
	np.fft_size = fft;
	np.bins = fft / 2 + 1;
	np.frames = 187;
	np.level_db = -61.2;
	np.power = calloc((size_t)np.bins, sizeof *np.power);
	np.tonal = calloc((size_t)np.bins, 1);
	for (int i = 0; i < np.bins; i++) {
		uint32_t u;

		do
			u = (uint32_t)test_xorshift64(&st) & 0x7fffffffu;
		while ((u & 0x7f800000u) == 0x7f800000u);   /* inf, NaN */
		np.power[i] = bits_float(u);
		np.tonal[i] = (unsigned char)(test_xorshift64(&st) % 5 == 0);
	}
	np.power[0] = 0.0f;
	np.power[1] = FLT_TRUE_MIN;
	np.power[2] = FLT_MIN;
	np.power[3] = FLT_MAX;
	np.power[4] = 0.1f;
	np.power[5] = nextafterf(1.0f, 2.0f);
	np.power[6] = 1.17549421e-38f;   /* the largest subnormal */
	np.power[7] = 3.4028233e38f;
	np.power[8] = 1e-30f;
	np.tonal[np.bins - 1] = 1;
	return np;
}

static void
check_print_equal(const struct noise_print *a, const struct noise_print *b)
{
	CHECK_INT_EQ(a->id.kind, b->id.kind);
	CHECK_INT_EQ(a->id.num, b->id.num);
	CHECK(a->name != NULL && b->name != NULL && strcmp(a->name, b->name) == 0);
	CHECK((a->origin == NULL && b->origin == NULL) ||
	    (a->origin != NULL && b->origin != NULL &&
	    strcmp(a->origin, b->origin) == 0));
	CHECK_INT_EQ(a->sample_rate_hz, b->sample_rate_hz);
	CHECK_INT_EQ(a->fft_size, b->fft_size);
	CHECK_INT_EQ(a->bins, b->bins);
	CHECK_INT_EQ(a->frames, b->frames);
	CHECK_NEAR(a->level_db, b->level_db, 0.0);
	REQUIRE(a->bins == b->bins && a->power != NULL && b->power != NULL);
	{
		int bad = -1;

		for (int i = 0; i < a->bins && bad < 0; i++)
			if (float_bits(a->power[i]) != float_bits(b->power[i]))
				bad = i;
		if (bad >= 0)
			TEST_FAIL_("power of bin %d: %.9g (0x%08x) != %.9g (0x%08x)",
			    bad, (double)a->power[bad], float_bits(a->power[bad]),
			    (double)b->power[bad], float_bits(b->power[bad]));
		else
			test_passed_count++;
	}
	CHECK(memcmp(a->tonal, b->tonal, (size_t)a->bins) == 0);
}

/* A 48 kHz session with S1 (mono, 10 s) and a mono track T1. */
static struct editor *
make_editor(void)
{
	struct tc_rate rate;
	struct session *s;
	struct editor *ed;
	struct source src = { .path = "media/a.wav", .channels = 1,
	    .sample_rate_hz = 48000, .length_frames = 480000 };
	struct id id;

	timecode_rate_parse("25", false, &rate);
	s = session_create(48000, &rate);
	if (s == NULL || (ed = editor_create(s)) == NULL)
		return NULL;
	editor_add_source(ed, &src, &id);
	editor_add_track(ed, "DIA", CHAN_MONO, &id);
	return ed;
}

/* ---- model -------------------------------------------------------------- */

static void
test_ids_and_lookups(void)
{
	struct editor *ed = make_editor();
	struct session *s, *copy;
	struct noise_print a = make_print("room 12A", NULL, 16, 1);
	struct noise_print b = make_print("Room 12A", "C1", 32, 2);
	struct id id, parsed;
	char buf[16];

	REQUIRE(ed != NULL);
	s = editor_session(ed);
	CHECK(id_sigil(ID_PRINT) == 'N');
	CHECK_STR_EQ(id_format(tid(ID_PRINT, 3), buf, sizeof buf), "N3");
	CHECK_INT_EQ(id_parse("n12", &parsed), 0);
	CHECK_INT_EQ(parsed.kind, ID_PRINT);
	CHECK_INT_EQ(parsed.num, 12);

	CHECK_INT_EQ(editor_add_noise_print(ed, &a, &id), 0);
	CHECK(id.kind == ID_PRINT && id.num == 1);
	CHECK_INT_EQ(editor_add_noise_print(ed, &b, &id), 0);
	CHECK_INT_EQ(id.num, 2);
	CHECK_INT_EQ(editor_add_noise_print(ed, &a, &id), 0);
	CHECK_INT_EQ(id.num, 3);
	REQUIRE(s->noise_print_count == 3);

	/* lookups: by id, by name (first in id order, case-sensitive) */
	CHECK(session_noise_print(s, tid(ID_PRINT, 2)) == &s->noise_prints[1]);
	CHECK(session_noise_print(s, tid(ID_PRINT, 4)) == NULL);
	CHECK(session_noise_print(s, tid(ID_MARKER, 2)) == NULL);
	CHECK(session_noise_print_by_name(s, "room 12A") == &s->noise_prints[0]);
	CHECK(session_noise_print_by_name(s, "Room 12A") == &s->noise_prints[1]);
	CHECK(session_noise_print_by_name(s, "room 12a") == NULL);
	CHECK(session_noise_print_by_name(s, NULL) == NULL);

	/* the session owns copies: changing the template changes nothing */
	a.power[8] = 123.0f;
	a.name[0] = 'X';
	CHECK(s->noise_prints[0].power != a.power);
	CHECK(s->noise_prints[0].power[8] != 123.0f);
	CHECK_STR_EQ(s->noise_prints[0].name, "room 12A");
	CHECK(s->noise_prints[0].origin == NULL);
	CHECK_STR_EQ(s->noise_prints[1].origin, "C1");

	/* a deep copy */
	copy = session_clone(s);
	REQUIRE(copy != NULL);
	CHECK_INT_EQ(copy->noise_print_count, 3);
	CHECK(copy->noise_prints[1].power != s->noise_prints[1].power);
	CHECK(copy->noise_prints[1].tonal != s->noise_prints[1].tonal);
	CHECK(copy->noise_prints[1].name != s->noise_prints[1].name);
	for (size_t i = 0; i < 3; i++)
		check_print_equal(&copy->noise_prints[i], &s->noise_prints[i]);
	CHECK_INT_EQ(copy->next_id[ID_PRINT], 4);
	session_destroy(copy);

	/* ids are never reused: removing N3 and N2 leaves N4 next */
	CHECK_INT_EQ(editor_remove(ed, tid(ID_PRINT, 3)), 0);
	CHECK_INT_EQ(editor_remove(ed, tid(ID_PRINT, 2)), 0);
	CHECK_INT_EQ(editor_remove(ed, tid(ID_PRINT, 2)), ERR_NOTFOUND);
	CHECK_INT_EQ(editor_add_noise_print(ed, &b, &id), 0);
	CHECK_INT_EQ(id.num, 4);
	CHECK_INT_EQ(s->noise_print_count, 2);
	CHECK_INT_EQ(s->noise_prints[1].id.num, 4);   /* still in id order */

	/* the builder: explicit ids, duplicates refused, sorting */
	{
		struct noise_print *np;
		int err = 0;

		np = session_add_noise_print(s, tid(ID_PRINT, 4), &err);
		CHECK(np == NULL && err == ERR_EXISTS);
		np = session_add_noise_print(s, tid(ID_PRINT, 9), &err);
		CHECK(np != NULL && err == 0);
		np = session_add_noise_print(s, tid(ID_PRINT, 2), &err);
		CHECK(np != NULL && err == 0);
		CHECK_INT_EQ(s->next_id[ID_PRINT], 10);
		session_sort_noise_prints(s);
		CHECK_INT_EQ(s->noise_prints[0].id.num, 1);
		CHECK_INT_EQ(s->noise_prints[1].id.num, 2);
		CHECK_INT_EQ(s->noise_prints[2].id.num, 4);
		CHECK_INT_EQ(s->noise_prints[3].id.num, 9);
	}
	noise_print_fini(&a);
	noise_print_fini(&b);
	editor_destroy(ed);
}

/* ---- the file ----------------------------------------------------------- */

static void
test_round_trip_every_bit(void)
{
	struct editor *ed = make_editor();
	struct noise_print p1 = make_print("room 12A — «boom»", "C12 01:00:05:00-01:00:06:00", 1024, 7);
	struct noise_print p2 = make_print("HVAC \"hum\" & <hiss>", NULL, 65536, 99);
	struct noise_print p3 = make_print("tiny", "", 16, 3);
	struct session *s, *l1 = NULL, *l2 = NULL;
	char *b1 = NULL, *b2 = NULL, *b3 = NULL;
	size_t n1 = 0, n2 = 0, n3 = 0;
	struct diag d;
	struct id id;
	int rc;

	REQUIRE(ed != NULL);
	s = editor_session(ed);
	memset(p3.tonal, 0, (size_t)p3.bins);   /* none tonal: <tonal/> */
	p3.level_db = -144;
	p3.frames = 1;
	p3.sample_rate_hz = 192000;
	CHECK_INT_EQ(editor_add_noise_print(ed, &p1, &id), 0);
	CHECK_INT_EQ(editor_add_noise_print(ed, &p2, &id), 0);
	CHECK_INT_EQ(editor_add_noise_print(ed, &p3, &id), 0);
	CHECK_INT_EQ(editor_add_noise_print(ed, &p3, &id), 0);
	CHECK_INT_EQ(editor_remove(ed, tid(ID_PRINT, 4)), 0);   /* next stays 5 */

	rc = session_xml_write_memory(s, &b1, &n1, &d);
	if (rc != 0)
		fprintf(stderr, "write: %s\n", d.message);
	REQUIRE(rc == 0);
	CHECK(strstr(b1, "<next-ids track=\"2\" clip=\"1\" bus=\"1\" source=\"2\" "
	    "marker=\"1\" noise-print=\"5\"/>") != NULL);
	CHECK(strstr(b1, "  </sources>\n  <noise-prints>\n    <noise-print id=\"N1\" "
	    "name=\"room 12A — «boom»\" origin=\"C12 01:00:05:00-01:00:06:00\" "
	    "rate=\"48000\" fft=\"1024\" frames=\"187\" level-db=\"-61.2\">\n"
	    "      <power>0 1.40129846e-45 1.17549435e-38 3.40282347e+38 "
	    "0.100000001 1.00000012 1.17549421e-38 3.40282326e+38 1e-30 ")
	    != NULL);
	CHECK(strstr(b1, "<tonal/>") != NULL);
	CHECK(strstr(b1, "origin=\"\"") != NULL);
	CHECK(strstr(b1, "</noise-prints>\n  <buses/>") != NULL);

	rc = session_xml_validate_schema_memory(b1, n1, "prints", &d);
	if (rc != 0)
		fprintf(stderr, "schema: %d: %s\n", d.line, d.message);
	CHECK_INT_EQ(rc, 0);

	rc = session_xml_load_memory(b1, n1, "prints", NULL, &l1, &d);
	if (rc != 0)
		fprintf(stderr, "load: %d: %s\n", d.line, d.message);
	REQUIRE(rc == 0 && l1 != NULL);
	CHECK_INT_EQ(l1->next_id[ID_PRINT], 5);
	REQUIRE(l1->noise_print_count == 3);
	for (size_t i = 0; i < 3; i++)
		check_print_equal(&s->noise_prints[i], &l1->noise_prints[i]);
	CHECK(l1->noise_prints[1].origin == NULL);
	CHECK_STR_EQ(l1->noise_prints[2].origin, "");

	/* save(load(save(x))) is the same bytes, and so is a clone's */
	CHECK_INT_EQ(session_xml_write_memory(l1, &b2, &n2, &d), 0);
	CHECK(b2 != NULL && n1 == n2 && memcmp(b1, b2, n1) == 0);
	l2 = session_clone(l1);
	REQUIRE(l2 != NULL);
	CHECK_INT_EQ(session_xml_write_memory(l2, &b3, &n3, &d), 0);
	CHECK(b3 != NULL && n1 == n3 && memcmp(b1, b3, n1) == 0);

	/* and through a real file (save loads the bytes back first) */
	{
		const char *path = test_path("prints.dubstage");
		struct session *l3 = NULL;

		CHECK_INT_EQ(session_xml_save(s, path, &d), 0);
		CHECK_INT_EQ(session_xml_load(path, &l3, &d), 0);
		if (l3 != NULL) {
			REQUIRE(l3->noise_print_count == 3);
			check_print_equal(&s->noise_prints[1], &l3->noise_prints[1]);
		}
		session_destroy(l3);
	}

	free(b1);
	free(b2);
	free(b3);
	session_destroy(l1);
	session_destroy(l2);
	noise_print_fini(&p1);
	noise_print_fini(&p2);
	noise_print_fini(&p3);
	editor_destroy(ed);
}

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<dubstage-session version=\"1\" sample-rate=\"48000\">\n" \
	"  <timecode rate=\"24\"/>\n" \
	"  <master format=\"stereo\"/>\n"
#define TAIL "</dubstage-session>\n"
#define STD "rate=\"48000\" fft=\"16\" frames=\"10\" level-db=\"-60\""
#define P9 "1 2 3 4 5 6 7 8 9"
/* <noise-prints> on line 5, <noise-print> on 6, <power> on 7, <tonal> on 8 */
#define DOC(attrs, power, tonal) HEAD "  <noise-prints>\n" \
	"    <noise-print " attrs ">\n" \
	"      <power>" power "</power>\n" \
	"      <tonal>" tonal "</tonal>\n" \
	"    </noise-print>\n  </noise-prints>\n" TAIL

/* White space of any kind separates values; prints come back in id order;
 * <tonal> may be left out; "-0" reads as 0. */
static void
test_hand_written(void)
{
	static const char doc[] =
	    "<?xml version='1.0'?>\n"
	    "<dubstage-session version='1' sample-rate='48000'>\n"
	    "  <timecode rate='25'/>\n"
	    "  <master format='stereo'/>\n"
	    "  <next-ids noise-print='2'/>\n"
	    "  <noise-prints>\n"
	    "    <noise-print id='n7' name='b' rate='44100' fft='16' frames='3' level-db='-70'>\n"
	    "      <power>\n\t1 2.5e-3 -0 4\r\n "
	    "5.000000000000000000000000000000000000000000000000000000000000000001"
	    " 6 7 8 9 </power>\n"
	    "    </noise-print>\n"
	    "    <noise-print id='N2' name='a' rate='48000' fft='16' frames='1' level-db='0'>\n"
	    "      <power>0 0 0 0 0 0 0 0 1e-50</power>\n"
	    "      <tonal> 0\n8 </tonal>\n"
	    "    </noise-print>\n"
	    "  </noise-prints>\n"
	    "</dubstage-session>\n";
	struct session *s = NULL;
	struct diag d;
	int rc;

	rc = session_xml_load_memory(doc, sizeof doc - 1, "hand", NULL, &s, &d);
	if (rc != 0)
		fprintf(stderr, "%d: %s\n", d.line, d.message);
	CHECK_INT_EQ(rc, 0);
	rc = session_xml_validate_schema_memory(doc, sizeof doc - 1, "hand", &d);
	if (rc != 0)
		fprintf(stderr, "schema: %d: %s\n", d.line, d.message);
	CHECK_INT_EQ(rc, 0);
	REQUIRE(s != NULL && s->noise_print_count == 2);
	CHECK_INT_EQ(s->next_id[ID_PRINT], 8);     /* max used + 1 */
	CHECK_INT_EQ(s->noise_prints[0].id.num, 2);
	CHECK_INT_EQ(s->noise_prints[1].id.num, 7);
	CHECK_INT_EQ(s->noise_prints[0].bins, 9);
	CHECK_INT_EQ(s->noise_prints[0].tonal[0], 1);
	CHECK_INT_EQ(s->noise_prints[0].tonal[8], 1);
	CHECK_INT_EQ(s->noise_prints[0].tonal[1], 0);
	CHECK(s->noise_prints[0].power[8] == 0.0f);   /* underflow */
	CHECK(s->noise_prints[1].power[1] == 2.5e-3f);
	CHECK_INT_EQ(float_bits(s->noise_prints[1].power[2]), 0);   /* +0 */
	CHECK(s->noise_prints[1].power[3] == 4.0f);
	CHECK(s->noise_prints[1].power[4] == 5.0f);   /* long, still decimal */
	CHECK_INT_EQ(s->noise_prints[1].sample_rate_hz, 44100);
	CHECK_INT_EQ(s->noise_prints[1].frames, 3);
	CHECK_INT_EQ(s->noise_prints[1].tonal[0] + s->noise_prints[1].tonal[8], 0);
	session_destroy(s);

	/* comments are allowed anywhere, also between the numbers (the schema
	 * check of libxml2 cannot follow that one) */
	{
		static const char doc2[] = HEAD "  <noise-prints><noise-print id='N1' "
		    "name='c' " STD "><power>1 2<!-- x --> 3 4 5 6 7 8 9</power>"
		    "<tonal><!-- none --></tonal></noise-print></noise-prints>\n" TAIL;

		s = NULL;
		CHECK_INT_EQ(session_xml_load_memory(doc2, sizeof doc2 - 1, "c",
		    NULL, &s, &d), 0);
		CHECK(s != NULL && s->noise_print_count == 1 &&
		    s->noise_prints[0].power[2] == 3.0f);
		session_destroy(s);
	}
}

/* A session written before noise prints existed loads unchanged, and one
 * that never had a print is written exactly as before (no new attribute or
 * element), so older builds still read it. */
static void
test_old_session(void)
{
	static const char old[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<dubstage-session version=\"1\" sample-rate=\"48000\">\n"
	    "  <timecode rate=\"24\" drop-frame=\"false\" start=\"01:00:00:00\"/>\n"
	    "  <master format=\"stereo\" gain-db=\"0\"/>\n"
	    "  <next-ids track=\"1\" clip=\"1\" bus=\"1\" source=\"2\" marker=\"1\"/>\n"
	    "  <sources>\n"
	    "    <source id=\"S1\" path=\"a.wav\" channels=\"1\" sample-rate=\"48000\" "
	    "length-frames=\"100\" embedded=\"false\"/>\n"
	    "  </sources>\n"
	    "  <buses/>\n"
	    "  <tracks/>\n"
	    "  <markers/>\n"
	    "</dubstage-session>\n";
	struct session *s = NULL;
	struct editor *ed;
	struct noise_print np = make_print("x", NULL, 16, 5);
	struct diag d;
	char *out;
	struct id id;

	CHECK_INT_EQ(session_xml_load_memory(old, sizeof old - 1, "old", NULL,
	    &s, &d), 0);
	REQUIRE(s != NULL);
	CHECK_INT_EQ(s->noise_print_count, 0);
	CHECK(s->noise_prints == NULL);
	CHECK_INT_EQ(s->next_id[ID_PRINT], 1);
	out = dump(s);
	CHECK_STR_EQ(out, old);
	free(out);

	/* once a print number is handed out it is kept, even with no print */
	ed = editor_create(s);
	REQUIRE(ed != NULL);
	CHECK_INT_EQ(editor_add_noise_print(ed, &np, &id), 0);
	CHECK_INT_EQ(editor_remove(ed, id), 0);
	out = dump(editor_session(ed));
	CHECK(out != NULL && strstr(out, "marker=\"1\" noise-print=\"2\"/>") != NULL);
	CHECK(out != NULL && strstr(out, "noise-prints") == NULL);
	if (out != NULL) {
		struct session *l = NULL;

		CHECK_INT_EQ(session_xml_load_memory(out, strlen(out), "x", NULL, &l,
		    &d), 0);
		CHECK(l != NULL && l->next_id[ID_PRINT] == 2);
		CHECK_INT_EQ(session_xml_validate_schema_memory(out, strlen(out), "x",
		    &d), 0);
		session_destroy(l);
	}
	free(out);
	noise_print_fini(&np);
	editor_destroy(ed);
}

/* ---- bad documents ------------------------------------------------------ */

static void
expect_n(int where, const char *doc, size_t size, int code, int line,
    const char *needle, bool schema_too)
{
	struct session *s = NULL;
	struct diag d;
	int rc = session_xml_load_memory(doc, size, "bad.dubstage", NULL, &s, &d);

	if (rc != code || d.line != line || strstr(d.message, needle) == NULL ||
	    strcmp(d.file, "bad.dubstage") != 0)
		TEST_FAIL_("case at line %d: got %d (%s) line %d: %s; want %d (%s) "
		    "line %d \"%s\"", where, rc, err_string(rc), d.line, d.message,
		    code, err_string(code), line, needle);
	else
		test_passed_count++;
	session_destroy(s);
	if (schema_too) {
		if (session_xml_validate_schema_memory(doc, size, "bad", &d) == 0)
			TEST_FAIL_("case at line %d: the schema accepts it", where);
		else
			test_passed_count++;
	}
}

#define EXPECT(doc, code, line, needle) \
	expect_n(__LINE__, doc, sizeof(doc) - 1, code, line, needle, true)
#define EXPECT_LOAD(doc, code, line, needle) \
	expect_n(__LINE__, doc, sizeof(doc) - 1, code, line, needle, false)

static void
test_bad_documents(void)
{
	struct session *s = NULL;
	struct diag d;
	static const char good[] = DOC("id=\"N1\" name=\"room\" " STD, P9, "3");

	/* the frame of the cases is itself fine */
	CHECK_INT_EQ(session_xml_load_memory(good, sizeof good - 1, "g", NULL, &s,
	    &d), 0);
	CHECK_INT_EQ(session_xml_validate_schema_memory(good, sizeof good - 1,
	    "g", &d), 0);
	session_destroy(s);

	/* counts */
	EXPECT_LOAD(DOC("id=\"N1\" name=\"r\" " STD, "1 2 3 4 5 6 7 8", ""),
	    ERR_SEMANTIC, 7, "<power> of noise print N1 holds 8 values; fft 16 needs 9");
	EXPECT_LOAD(DOC("id=\"N1\" name=\"r\" " STD, P9 " 10", ""),
	    ERR_SEMANTIC, 7, "holds 10 values; fft 16 needs 9");
	EXPECT(DOC("id=\"N1\" name=\"r\" " STD, "", ""),
	    ERR_SEMANTIC, 7, "holds 0 values");
	/* values */
	EXPECT(DOC("id=\"N1\" name=\"r\" " STD, "1 2 NaN 4 5 6 7 8 9", ""),
	    ERR_PARSE, 7, "value 3 of <power> of noise print N1 is \"NaN\": "
	    "expected a finite decimal number");
	EXPECT(DOC("id=\"N1\" name=\"r\" " STD, "1 2 3 4 5 6 7 8 nan", ""),
	    ERR_PARSE, 7, "value 9 of <power>");
	EXPECT(DOC("id=\"N1\" name=\"r\" " STD, "INF 2 3 4 5 6 7 8 9", ""),
	    ERR_PARSE, 7, "value 1 of <power>");
	EXPECT_LOAD(DOC("id=\"N1\" name=\"r\" " STD, "1 1e39 3 4 5 6 7 8 9", ""),
	    ERR_PARSE, 7, "value 2 of <power> of noise print N1 is \"1e39\"");
	EXPECT(DOC("id=\"N1\" name=\"r\" " STD, "1 0x1p-3 3 4 5 6 7 8 9", ""),
	    ERR_PARSE, 7, "\"0x1p-3\": expected a finite decimal number");
	EXPECT(DOC("id=\"N1\" name=\"r\" " STD, "1 2 3 4,5 6 7 8 9 10", ""),
	    ERR_PARSE, 7, "\"4,5\"");
	EXPECT_LOAD(DOC("id=\"N1\" name=\"r\" " STD, "1 2 3 -4 5 6 7 8 9", ""),
	    ERR_SEMANTIC, 7, "value 4 of <power> of noise print N1 is -4: powers "
	    "must be 0 or more");
	EXPECT(DOC("id=\"N1\" name=\"r\" " STD, "1 2 3 4 5 6 7 8 "
	    "1.00000000000000000000000000000000000000000000000000000000000000000x1",
	    ""), ERR_PARSE, 7, "value 9 of <power> of noise print N1 is "
	    "\"1.000000000000000000000000000000...\"");
	EXPECT(DOC("id=\"N1\" name=\"r\" " STD, "1 2 <b/> 3", ""),
	    ERR_SCHEMA, 7, "<power> may only hold numbers");
	/* tonal */
	EXPECT_LOAD(DOC("id=\"N1\" name=\"r\" " STD, P9, "2 9"),
	    ERR_SEMANTIC, 8, "<tonal> of noise print N1 lists bin 9, outside 0..8 (fft 16)");
	EXPECT(DOC("id=\"N1\" name=\"r\" " STD, P9, "-1"),
	    ERR_SEMANTIC, 8, "lists bin -1, outside 0..8");
	EXPECT_LOAD(DOC("id=\"N1\" name=\"r\" " STD, P9, "1 3 3"),
	    ERR_SEMANTIC, 8, "lists bin 3 after bin 3: bins must strictly increase");
	EXPECT_LOAD(DOC("id=\"N1\" name=\"r\" " STD, P9, "5 2"),
	    ERR_SEMANTIC, 8, "bin 2 after bin 5");
	EXPECT(DOC("id=\"N1\" name=\"r\" " STD, P9, "1 x"),
	    ERR_PARSE, 8, "item 2 of <tonal> of noise print N1 is \"x\"");
	EXPECT_LOAD(DOC("id=\"N1\" name=\"r\" " STD, P9, "+1"),
	    ERR_PARSE, 8, "expected a bin number");
	EXPECT(DOC("id=\"N1\" name=\"r\" " STD, P9, "1-2"),
	    ERR_PARSE, 8, "item 1 of <tonal> of noise print N1 is \"1-2\"");
	/* the header */
	EXPECT(DOC("id=\"N1\" name=\"r\" rate=\"48000\" fft=\"1000\" frames=\"1\" "
	    "level-db=\"0\"", P9, ""), ERR_SEMANTIC, 6,
	    "attribute 'fft' of <noise-print> is 1000: it must be a power of two "
	    "from 16 to 65536");
	EXPECT(DOC("id=\"N1\" name=\"r\" rate=\"48000\" fft=\"8\" frames=\"1\" "
	    "level-db=\"0\"", P9, ""), ERR_SEMANTIC, 6,
	    "attribute 'fft' of <noise-print> is 8, outside 16..65536");
	EXPECT(DOC("id=\"N1\" name=\"r\" rate=\"48000\" fft=\"131072\" frames=\"1\" "
	    "level-db=\"0\"", P9, ""), ERR_SEMANTIC, 6, "outside 16..65536");
	EXPECT(DOC("id=\"N1\" name=\"r\" rate=\"48000\" fft=\"sixteen\" frames=\"1\" "
	    "level-db=\"0\"", P9, ""), ERR_PARSE, 6, "expected a whole number");
	EXPECT(DOC("id=\"N1\" name=\"r\" rate=\"7999\" fft=\"16\" frames=\"1\" "
	    "level-db=\"0\"", P9, ""), ERR_SEMANTIC, 6,
	    "attribute 'rate' of <noise-print> is 7999, outside 8000..192000");
	EXPECT(DOC("id=\"N1\" name=\"r\" rate=\"192001\" fft=\"16\" frames=\"1\" "
	    "level-db=\"0\"", P9, ""), ERR_SEMANTIC, 6, "outside 8000..192000");
	EXPECT(DOC("id=\"N1\" name=\"r\" rate=\"48000\" fft=\"16\" frames=\"0\" "
	    "level-db=\"0\"", P9, ""), ERR_SEMANTIC, 6,
	    "attribute 'frames' of <noise-print> is 0, outside 1..");
	EXPECT(DOC("id=\"N1\" name=\"r\" rate=\"48000\" fft=\"16\" frames=\"1\" "
	    "level-db=\"-inf\"", P9, ""), ERR_PARSE, 6,
	    "attribute 'level-db' of <noise-print> is \"-inf\"");
	EXPECT(DOC("id=\"N1\" name=\"\" " STD, P9, ""), ERR_SEMANTIC, 6,
	    "noise print N1 has an empty name");
	EXPECT(DOC("id=\"N1\" " STD, P9, ""), ERR_SCHEMA, 6,
	    "<noise-print> needs the attribute 'name'");
	EXPECT(DOC("id=\"N1\" name=\"r\" rate=\"48000\" fft=\"16\" frames=\"1\"",
	    P9, ""), ERR_SCHEMA, 6, "needs the attribute 'level-db'");
	EXPECT(DOC("id=\"N1\" name=\"r\" bins=\"9\" " STD, P9, ""), ERR_SCHEMA, 6,
	    "unknown attribute 'bins' on <noise-print>");
	EXPECT(DOC("id=\"M1\" name=\"r\" " STD, P9, ""), ERR_SEMANTIC, 6,
	    "attribute 'id' of <noise-print> is M1, which is not a noise print id (N...)");
	/* structure */
	EXPECT(HEAD "  <noise-prints>\n    <noise-print id=\"N1\" name=\"r\" " STD
	    ">\n      <tonal>1</tonal>\n    </noise-print>\n  </noise-prints>\n" TAIL,
	    ERR_SCHEMA, 7, "expected <power> in <noise-print> before <tonal>");
	EXPECT(HEAD "  <noise-prints>\n    <noise-print id=\"N1\" name=\"r\" " STD
	    "/>\n  </noise-prints>\n" TAIL,
	    ERR_SCHEMA, 6, "<noise-print> needs a <power>");
	EXPECT(HEAD "  <noise-prints>\n    <noise-print id=\"N1\" name=\"r\" " STD
	    ">\n      <power>" P9 "</power>\n      <tonal/>\n      <tonal/>\n"
	    "    </noise-print>\n  </noise-prints>\n" TAIL,
	    ERR_SCHEMA, 9, "element <tonal> is not allowed here in <noise-print>");
	EXPECT(HEAD "  <buses/>\n  <noise-prints/>\n" TAIL,
	    ERR_SCHEMA, 6, "element <noise-prints> is not allowed here");
	EXPECT_LOAD(HEAD "  <noise-prints>\n    <noise-print id=\"N1\" name=\"r\" " STD
	    "><power>" P9 "</power></noise-print>\n"
	    "    <noise-print id=\"N1\" name=\"s\" " STD "><power>" P9
	    "</power></noise-print>\n  </noise-prints>\n" TAIL,
	    ERR_SEMANTIC, 7, "duplicate id N1");
	EXPECT(HEAD "  <next-ids noise-print=\"0\"/>\n" TAIL,
	    ERR_SEMANTIC, 5, "attribute 'noise-print' of <next-ids> is 0");
}

/*
 * Mutation fuzzing of a document with prints: nothing may crash, every
 * refusal has a diagnostic, and whatever loads writes a schema-valid file
 * that loads back to the same bytes.
 */
static void
test_mutations(void)
{
	static const char base_doc[] = HEAD
	    "  <next-ids noise-print=\"4\"/>\n"
	    "  <noise-prints>\n"
	    "    <noise-print id=\"N1\" name=\"room\" origin=\"C1 a-b\" " STD ">\n"
	    "      <power>0 1.40129846e-45 3.40282347e+38 0.100000001 5e-3 6 7 8 9</power>\n"
	    "      <tonal>0 3 8</tonal>\n"
	    "    </noise-print>\n"
	    "    <noise-print id=\"N3\" name=\"t\" rate=\"96000\" fft=\"32\" "
	    "frames=\"1\" level-db=\"-144\">\n"
	    "      <power>1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17</power>\n"
	    "      <tonal/>\n"
	    "    </noise-print>\n"
	    "  </noise-prints>\n" TAIL;
	size_t base = sizeof base_doc - 1;
	char *doc = malloc(base + 64);
	uint64_t x = 4242;
	int loaded = 0, bad = 0;

	REQUIRE(doc != NULL);
	for (int iter = 0; iter < 3000; iter++) {
		static const char interesting[] = "<>&\"'/=-.09eN ;+\n";
		struct session *s = NULL, *s2 = NULL;
		char *w1 = NULL, *w2 = NULL;
		size_t len = base, n1 = 0, n2 = 0;
		struct diag d;
		int edits = 1 + (int)(test_xorshift64(&x) % 3);

		memcpy(doc, base_doc, base);
		for (int e = 0; e < edits; e++) {
			size_t pos = (size_t)(test_xorshift64(&x) >> 8) % len;

			switch (x % 3) {
			case 0:
				doc[pos] = interesting[(x >> 40) % (sizeof interesting - 1)];
				break;
			case 1:
				memmove(doc + pos, doc + pos + 1, len - pos - 1);
				len--;
				break;
			default:
				memmove(doc + pos + 1, doc + pos, len - pos);
				doc[pos] = interesting[(x >> 32) % (sizeof interesting - 1)];
				len++;
				break;
			}
		}
		if (session_xml_load_memory(doc, len, "m", NULL, &s, &d) == 0) {
			loaded++;
			if (session_xml_write_memory(s, &w1, &n1, &d) != 0 ||
			    session_xml_validate_schema_memory(w1, n1, "w1", &d) != 0 ||
			    session_xml_load_memory(w1, n1, "w1", NULL, &s2, &d) != 0 ||
			    session_xml_write_memory(s2, &w2, &n2, &d) != 0 ||
			    n1 != n2 || memcmp(w1, w2, n1) != 0) {
				if (bad++ < 3)
					TEST_FAIL_("mutation %d: loads but does not round-trip: "
					    "%d: %s\n%.*s", iter, d.line, d.message, (int)len,
					    doc);
			}
		} else if (d.file[0] == '\0' || d.message[0] == '\0') {
			if (bad++ < 3)
				TEST_FAIL_("mutation %d: error without a diagnostic", iter);
		}
		free(w1);
		free(w2);
		session_destroy(s);
		session_destroy(s2);
	}
	free(doc);
	CHECK_INT_EQ(bad, 0);
	CHECK(loaded > 100);     /* the harness does reach the writer */
}

/* ---- the editor --------------------------------------------------------- */

/* Undo and redo toggle exactly between the serialised states. */
static void
check_undo_roundtrip(struct editor *ed, const char *before, const char *what)
{
	char *after = dump(editor_session(ed)), *undone, *redone;

	if (after == NULL || before == NULL || strcmp(before, after) == 0) {
		TEST_FAIL_("%s changed nothing (or dump failed)", what);
		free(after);
		return;
	}
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

/* rc must be want, and nothing may change (not even the generation). */
#define REFUSED(ed, call, want) do { \
	char *before_ = dump(editor_session(ed)), *after_; \
	uint64_t gen_ = editor_generation(ed); \
	CHECK_INT_EQ(call, want); \
	after_ = dump(editor_session(ed)); \
	CHECK(before_ != NULL && after_ != NULL && strcmp(after_, before_) == 0); \
	CHECK_INT_EQ(editor_generation(ed), gen_); \
	free(after_); \
	free(before_); \
} while (0)

static void
test_editor_prints(void)
{
	struct editor *ed = make_editor();
	struct noise_print np = make_print("room", NULL, 16, 11), bad;
	struct session *s;
	char *before;
	struct id id;

	REQUIRE(ed != NULL);
	s = editor_session(ed);

	/* refusals: everything the loader refuses */
	REFUSED(ed, editor_add_noise_print(ed, NULL, &id), ERR_INVALID);
#define TRY(field, value) do { \
	bad = np; bad.field = value; \
	REFUSED(ed, editor_add_noise_print(ed, &bad, &id), ERR_INVALID); \
} while (0)
	TRY(name, NULL);
	TRY(name, "");
	TRY(sample_rate_hz, 7999);
	TRY(sample_rate_hz, 192001);
	TRY(fft_size, 1000);
	TRY(fft_size, 8);
	TRY(fft_size, 131072);
	TRY(bins, 8);
	TRY(frames, 0);
	TRY(level_db, -INFINITY);
	TRY(level_db, NAN);
	TRY(power, NULL);
	TRY(tonal, NULL);
#undef TRY
	{
		static const float poison[] = { NAN, -1.0f, INFINITY, -FLT_TRUE_MIN };
		unsigned char t = np.tonal[4];
		char why[128];

		for (size_t i = 0; i < sizeof poison / sizeof poison[0]; i++) {
			float keep = np.power[5];

			np.power[5] = poison[i];
			REFUSED(ed, editor_add_noise_print(ed, &np, &id), ERR_INVALID);
			CHECK_INT_EQ(noise_print_validate(&np, why, sizeof why),
			    ERR_INVALID);
			CHECK(strstr(why, "power of bin 5") != NULL);
			np.power[5] = keep;
		}
		np.tonal[4] = 2;
		REFUSED(ed, editor_add_noise_print(ed, &np, &id), ERR_INVALID);
		CHECK_INT_EQ(noise_print_validate(&np, why, sizeof why), ERR_INVALID);
		CHECK(strstr(why, "tonal flag of bin 4 is 2") != NULL);
		np.tonal[4] = t;
		CHECK_INT_EQ(noise_print_validate(&np, why, sizeof why), 0);
	}
	CHECK_INT_EQ(s->next_id[ID_PRINT], 1);   /* refusals use no number */

	/* add, with -0 stored as 0 */
	np.power[0] = -0.0f;
	before = dump(s);
	CHECK_INT_EQ(editor_add_noise_print(ed, &np, &id), 0);
	CHECK(id.kind == ID_PRINT && id.num == 1);
	CHECK_STR_EQ(editor_undo_label(ed), "add noise print N1");
	check_undo_roundtrip(ed, before, "add noise print");
	free(before);
	REQUIRE(s->noise_print_count == 1);
	CHECK_INT_EQ(float_bits(s->noise_prints[0].power[0]), 0);

	/* rename */
	before = dump(s);
	CHECK_INT_EQ(editor_rename(ed, id, "room 12A"), 0);
	CHECK_STR_EQ(session_noise_print(s, id)->name, "room 12A");
	check_undo_roundtrip(ed, before, "rename noise print");
	free(before);
	REFUSED(ed, editor_rename(ed, id, ""), ERR_INVALID);
	REFUSED(ed, editor_rename(ed, tid(ID_PRINT, 2), "x"), ERR_NOTFOUND);
	REFUSED(ed, editor_rename(ed, id, NULL), ERR_INVALID);

	/* remove */
	before = dump(s);
	CHECK_INT_EQ(editor_remove(ed, id), 0);
	CHECK(session_noise_print(s, id) == NULL);
	check_undo_roundtrip(ed, before, "remove noise print");
	free(before);
	REFUSED(ed, editor_remove(ed, id), ERR_NOTFOUND);
	REFUSED(ed, editor_remove(ed, tid(ID_PRINT, 0)), ERR_NOTFOUND);

	/* undo the removal: N1 is back, whole; the next id is N2 */
	CHECK_INT_EQ(editor_undo(ed), 0);
	REQUIRE(session_noise_print(s, id) != NULL);
	CHECK_STR_EQ(session_noise_print(s, id)->name, "room 12A");
	CHECK(float_bits(session_noise_print(s, id)->power[3]) ==
	    float_bits(np.power[3]));
	CHECK_INT_EQ(editor_add_noise_print(ed, &np, &id), 0);
	CHECK_INT_EQ(id.num, 2);

	np.power[0] = 0.0f;
	noise_print_fini(&np);
	editor_destroy(ed);
}

static void
test_set_clip_source(void)
{
	struct editor *ed = make_editor();
	struct session *s;
	struct source src = { .path = "render/C1.wav", .channels = 1,
	    .sample_rate_hz = 48000, .length_frames = 48000 };
	struct clip cl = { .name = "line", .source = { ID_SOURCE, 1 },
	    .position_frames = 96000, .length_frames = 48000,
	    .source_offset_frames = 1000, .gain_db = -2 };
	struct id render, hi, unknown, unknown44, poly, stereo, c1, c2, c3, t2;
	struct clip *c;
	char *before;

	REQUIRE(ed != NULL);
	s = editor_session(ed);
	cl.fade_in = (struct fade){ 480, FADE_LINEAR };
	cl.fade_out = (struct fade){ 960, FADE_S_CURVE };
	CHECK_INT_EQ(editor_add_clip(ed, tid(ID_TRACK, 1), &cl, &c1), 0);
	CHECK_INT_EQ(editor_add_source(ed, &src, &render), 0);   /* S2 */
	src.sample_rate_hz = 96000;
	src.length_frames = 96000;
	CHECK_INT_EQ(editor_add_source(ed, &src, &hi), 0);       /* S3 */
	src.sample_rate_hz = 48000;
	src.length_frames = 0;
	CHECK_INT_EQ(editor_add_source(ed, &src, &unknown), 0);  /* S4 */
	src.sample_rate_hz = 44100;
	CHECK_INT_EQ(editor_add_source(ed, &src, &unknown44), 0);  /* S5 */
	src.sample_rate_hz = 48000;
	src.length_frames = 480000;
	src.channels = 8;
	CHECK_INT_EQ(editor_add_source(ed, &src, &poly), 0);     /* S6 */
	src.channels = 2;
	CHECK_INT_EQ(editor_add_source(ed, &src, &stereo), 0);   /* S7 */

	/* repoint: the clip keeps its place, length, fades and gain */
	before = dump(s);
	CHECK_INT_EQ(editor_set_clip_source(ed, c1, render, 0), 0);
	c = session_clip(s, c1, NULL);
	REQUIRE(c != NULL);
	CHECK_INT_EQ(c->source.num, render.num);
	CHECK_INT_EQ(c->source_offset_frames, 0);
	CHECK_INT_EQ(c->position_frames, 96000);
	CHECK_INT_EQ(c->length_frames, 48000);
	CHECK_INT_EQ(c->fade_out.length_frames, 960);
	CHECK_NEAR(c->gain_db, -2, 0);
	CHECK_STR_EQ(editor_undo_label(ed), "set source of C1 to S2");
	check_undo_roundtrip(ed, before, "set clip source");
	CHECK_INT_EQ(editor_undo(ed), 0);
	c = session_clip(s, c1, NULL);
	CHECK_INT_EQ(c->source.num, 1);                 /* old source and offset */
	CHECK_INT_EQ(c->source_offset_frames, 1000);
	CHECK_INT_EQ(editor_redo(ed), 0);
	free(before);

	/* refusals change nothing */
	REFUSED(ed, editor_set_clip_source(ed, tid(ID_CLIP, 99), render, 0),
	    ERR_NOTFOUND);
	REFUSED(ed, editor_set_clip_source(ed, c1, tid(ID_SOURCE, 99), 0),
	    ERR_NOTFOUND);
	REFUSED(ed, editor_set_clip_source(ed, c1, tid(ID_TRACK, 1), 0),
	    ERR_NOTFOUND);
	REFUSED(ed, editor_set_clip_source(ed, c1, render, -1), ERR_INVALID);
	/* does not fit: 48000 frames from offset 1 in a 48000-frame source */
	REFUSED(ed, editor_set_clip_source(ed, c1, render, 1), ERR_INVALID);
	REFUSED(ed, editor_set_clip_source(ed, c1, render, INT64_MAX),
	    ERR_INVALID);
	REFUSED(ed, editor_set_clip_source(ed, c1, unknown, INT64_MAX),
	    ERR_INVALID);
	/* another rate: 48000 session frames are 96000 frames at 96 kHz */
	CHECK_INT_EQ(editor_set_clip_source(ed, c1, hi, 0), 0);
	REFUSED(ed, editor_set_clip_source(ed, c1, hi, 1), ERR_INVALID);
	/* unknown length: fine at the old rate, refused across a rate change */
	CHECK_INT_EQ(editor_set_clip_source(ed, c1, render, 0), 0);
	CHECK_INT_EQ(editor_set_clip_source(ed, c1, unknown, 5000000), 0);
	REFUSED(ed, editor_set_clip_source(ed, c1, unknown44, 0), ERR_INVALID);
	CHECK_INT_EQ(editor_set_clip_source(ed, c1, render, 0), 0);

	/* channels: a stereo clip playing channels 5-6 of an 8-channel file */
	CHECK_INT_EQ(editor_add_track(ed, "PFX", CHAN_STEREO, &t2), 0);
	cl.source = poly;
	cl.source_channel = 4;
	cl.position_frames = 0;
	CHECK_INT_EQ(editor_add_clip(ed, t2, &cl, &c2), 0);
	REFUSED(ed, editor_set_clip_source(ed, c2, stereo, 0), ERR_INVALID);
	REFUSED(ed, editor_set_clip_source(ed, c2, render, 0), ERR_INVALID);
	REFUSED(ed, editor_set_clip_source_channel(ed, c2, stereo, 1, 0),
	    ERR_INVALID);
	REFUSED(ed, editor_set_clip_source_channel(ed, c2, stereo, -1, 0),
	    ERR_INVALID);
	CHECK_INT_EQ(editor_set_clip_source(ed, c2, poly, 2000), 0);  /* same file */
	before = dump(s);
	CHECK_INT_EQ(editor_set_clip_source_channel(ed, c2, stereo, 0, 0), 0);
	c = session_clip(s, c2, NULL);
	CHECK_INT_EQ(c->source.num, stereo.num);
	CHECK_INT_EQ(c->source_channel, 0);
	check_undo_roundtrip(ed, before, "set clip source and channel");
	CHECK_INT_EQ(editor_undo(ed), 0);
	c = session_clip(s, c2, NULL);
	CHECK_INT_EQ(c->source.num, poly.num);
	CHECK_INT_EQ(c->source_channel, 4);
	CHECK_INT_EQ(c->source_offset_frames, 2000);
	free(before);

	/* a clip with a channel map is refused as a whole */
	{
		struct clip_channel map[2] = { { { ID_SOURCE, 1 }, 0 },
		    { { ID_SOURCE, 6 }, 7 } };

		cl.source = tid(ID_SOURCE, 1);
		cl.source_channel = 0;
		cl.channel_map = map;
		cl.channel_map_count = 2;
		cl.position_frames = 200000;
		CHECK_INT_EQ(editor_add_clip(ed, t2, &cl, &c3), 0);
		REFUSED(ed, editor_set_clip_source(ed, c3, stereo, 0), ERR_SEMANTIC);
		REFUSED(ed, editor_set_clip_source_channel(ed, c3, stereo, 0, 0),
		    ERR_SEMANTIC);
	}

	/* the repointed clip saves and loads (sources of unknown length
	 * cannot be saved: drop them) */
	CHECK_INT_EQ(editor_remove(ed, unknown), 0);
	CHECK_INT_EQ(editor_remove(ed, unknown44), 0);
	{
		char *xml = dump(s);
		struct session *l = NULL;
		struct diag d;

		REQUIRE(xml != NULL);
		CHECK_INT_EQ(session_xml_load_memory(xml, strlen(xml), "x", NULL,
		    &l, &d), 0);
		if (l == NULL)
			fprintf(stderr, "load: %d: %s\n", d.line, d.message);
		if (l != NULL) {
			c = session_clip(l, c1, NULL);
			CHECK(c != NULL && c->source.num == render.num &&
			    c->source_offset_frames == 0);
		}
		session_destroy(l);
		free(xml);
	}
	editor_destroy(ed);
}

int
main(void)
{
	test_ids_and_lookups();
	test_round_trip_every_bit();
	test_hand_written();
	test_old_session();
	test_bad_documents();
	test_mutations();
	test_editor_prints();
	test_set_clip_source();
	return test_report();
}
