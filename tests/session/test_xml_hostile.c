/*
 * Bad and hostile session files. Each must fail with the right error code
 * and a diagnostic naming the file (and the line, when there is one), in
 * little time and memory, and never crash (this runs under ASan/UBSan).
 */
#include "test.h"

#include "base/error.h"
#include "session/session.h"
#include "session/session_xml.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NAME "hostile.dubstage"


/* A document body (after a DOCTYPE) that uses the entity xxe. */
#define XXE_BODY "<dubstage-session version=\"1\" sample-rate=\"48000\">\n" \
	"  <name>&xxe;</name>\n  <timecode rate=\"24\"/>\n" \
	"  <master format=\"stereo\"/>\n</dubstage-session>\n"

/* Lines 1-4; the body starts on line 5. */
#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<dubstage-session version=\"1\" sample-rate=\"48000\">\n" \
	"  <timecode rate=\"24\" drop-frame=\"false\" start=\"01:00:00:00\"/>\n" \
	"  <master format=\"stereo\" gain-db=\"0\"/>\n"
#define TAIL "</dubstage-session>\n"
/* One line: S1 (stereo) and S2 (mono). */
#define SOURCES "  <sources><source id=\"S1\" path=\"a.wav\" channels=\"2\" " \
	"sample-rate=\"48000\" length-frames=\"100000\"/><source id=\"S2\" " \
	"path=\"b.wav\" channels=\"1\" sample-rate=\"48000\" " \
	"length-frames=\"100000\"/></sources>\n"
/* One line: B1 and B2 to the master. */
#define BUSES "  <buses><bus id=\"B1\" format=\"stereo\"/><bus id=\"B2\" " \
	"format=\"stereo\"/></buses>\n"
/* Two lines, <tracks> and the start of track T1: the track's content starts
 * on line 7 after HEAD, on line 8 after HEAD SOURCES or HEAD BUSES. */
#define MONO_T1 "  <tracks>\n    <track id=\"T1\" format=\"mono\">\n"
#define STEREO_T1 "  <tracks>\n    <track id=\"T1\" format=\"stereo\">\n"
/* Ends the last track, <tracks> and the document. */
#define TRACKS_END "    </track>\n  </tracks>\n" TAIL

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static long
max_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/*
 * Loads doc (size bytes) from memory and checks the outcome: rc == code,
 * the diag names the file, line == want_line (-1: any line > 0, 0: no
 * check), message contains needle (NULL: any non-empty message). The
 * schema check must refuse it too (any error). where is the caller's line.
 */
static void
expect_n(int where, const char *doc, size_t size, int code, int want_line,
    const char *needle, bool schema_too)
{
	struct session *s = NULL;
	struct diag d;
	int rc;

	rc = session_xml_load_memory(doc, size, NAME, NULL, &s, &d);
	if (rc != code || strcmp(d.file, NAME) != 0 ||
	    (want_line > 0 && d.line != want_line) ||
	    (want_line < 0 && d.line <= 0) || d.message[0] == '\0' ||
	    (needle != NULL && strstr(d.message, needle) == NULL)) {
		TEST_FAIL_("case at line %d: got %d (%s) %s:%d: %s; want %d (%s) "
		    "line %d \"%s\"", where, rc, err_string(rc), d.file, d.line,
		    d.message, code, err_string(code), want_line,
		    needle != NULL ? needle : "");
	} else {
		test_passed_count++;
	}
	CHECK(rc != 0 || s != NULL);
	session_destroy(s);
	if (rc != 0 && schema_too) {
		/* The schema check refuses what the loader refuses on structure. */
		rc = session_xml_validate_schema_memory(doc, size, NAME, &d);
		if (rc == 0)
			TEST_FAIL_("case at line %d: the schema accepts it", where);
		else
			test_passed_count++;
	}
}

/* EXPECT also requires the schema check to refuse the document (for
 * structural errors); EXPECT_LOAD is for what only the loader checks. */
#define EXPECT(doc, code, line, needle) \
	expect_n(__LINE__, doc, sizeof(doc) - 1, code, line, needle, true)
#define EXPECT_LOAD(doc, code, line, needle) \
	expect_n(__LINE__, doc, sizeof(doc) - 1, code, line, needle, false)

/* A valid document using most of the format, for truncation and fuzzing. */
static const char valid_doc[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<dubstage-session version=\"1\" sample-rate=\"48000\">\n"
    "  <name>Démo — «scène»</name>\n"
    "  <timecode rate=\"29.97\" drop-frame=\"true\" start=\"00:59:58;02\"/>\n"
    "  <master format=\"5.1\" gain-db=\"-0.5\"/>\n"
    "  <next-ids track=\"9\" clip=\"40\" bus=\"5\" source=\"3\" marker=\"4\"/>\n"
    SOURCES
    "  <buses>\n"
    "    <bus id=\"B1\" kind=\"stem\" name=\"DIA\" format=\"5.1\" gain-db=\"-1.5\" mute=\"false\" solo=\"false\" output=\"master\">\n"
    "      <pan x=\"0\" y=\"1\" divergence=\"0\" lfe-db=\"-144\"/>\n"
    "    </bus>\n"
    "    <bus id=\"B2\" kind=\"aux\" name=\"verb\" format=\"stereo\" gain-db=\"0\" mute=\"false\" solo=\"false\" output=\"B1\">\n"
    "      <send bus=\"B1\" level-db=\"-6\" pre-fader=\"true\" mute=\"false\"/>\n"
    "      <insert kind=\"eq\" bypass=\"false\"><param name=\"freq-hz\" value=\"100\"/></insert>\n"
    "      <automation param=\"send-level\" target=\"B1\"><point frame=\"0\" value=\"-3\" interp=\"step\"/><point frame=\"10\" value=\"0.1\"/></automation>\n"
    "    </bus>\n"
    "  </buses>\n"
    "  <tracks>\n"
    "    <track id=\"T1\" name=\"Dialogue 1\" format=\"stereo\" gain-db=\"0\" mute=\"false\" solo=\"false\" output=\"B1\">\n"
    "      <pan x=\"-0.5\" y=\"1\" divergence=\"0\" lfe-db=\"-144\"/>\n"
    "      <send bus=\"B2\" level-db=\"-6\" pre-fader=\"false\" mute=\"false\"/>\n"
    "      <automation param=\"volume\"><point frame=\"172800000\" value=\"-3\" interp=\"linear\"/></automation>\n"
    "      <clip id=\"C1\" name=\"line 1\" source=\"S1\" source-channel=\"0\" position=\"172800000\" length=\"96000\" source-offset=\"0\" gain-db=\"0\" mute=\"false\">\n"
    "        <channel index=\"0\" source=\"S2\" source-channel=\"0\"/>\n"
    "        <channel index=\"1\" source=\"S1\" source-channel=\"1\"/>\n"
    "        <fade-in length=\"480\" shape=\"s-curve\"/>\n"
    "        <fade-out length=\"480\" shape=\"log\"/>\n"
    "        <automation param=\"clip-gain\"><point frame=\"0\" value=\"-1\" interp=\"linear\"/></automation>\n"
    "      </clip>\n"
    "    </track>\n"
    "  </tracks>\n"
    "  <markers>\n"
    "    <marker id=\"M1\" name=\"Door &amp; &#x263A;\" position=\"172900000\" length=\"0\" colour=\"#ff8800\"><comment>text &lt;here&gt;<![CDATA[ <raw> ]]></comment></marker>\n"
    "  </markers>\n"
    TAIL;

static void
test_valid_doc_loads(void)
{
	struct session *s = NULL;
	struct diag d;
	int rc;

	rc = session_xml_load_memory(valid_doc, sizeof valid_doc - 1, NAME, NULL,
	    &s, &d);
	if (rc != 0)
		fprintf(stderr, "%s:%d: %s\n", d.file, d.line, d.message);
	CHECK_INT_EQ(rc, 0);
	CHECK_INT_EQ(session_xml_validate_schema_memory(valid_doc,
	    sizeof valid_doc - 1, NAME, &d), 0);
	if (s != NULL) {
		CHECK_STR_EQ(s->markers[0].name, "Door & \xE2\x98\xBA");
		CHECK_STR_EQ(s->markers[0].comment, "text <here> <raw> ");
	}
	session_destroy(s);
}

/* Every prefix of a valid file is an error, not a crash. */
static void
test_truncated(void)
{
	const char *end = strstr(valid_doc, "</dubstage-session>");
	size_t full = (size_t)(end - valid_doc) + strlen("</dubstage-session>");
	int bad = 0;

	for (size_t cut = 0; cut < full; cut++) {
		struct session *s = NULL;
		struct diag d;
		char *copy = malloc(cut + 1);
		int rc;

		memcpy(copy, valid_doc, cut);   /* exact-size heap copy for ASan */
		copy[cut] = '\0';
		rc = session_xml_load_memory(copy, cut, NAME, NULL, &s, &d);
		if (rc != ERR_PARSE || strcmp(d.file, NAME) != 0 ||
		    (cut > 60 && d.line <= 0) || d.message[0] == '\0') {
			if (bad++ < 5)
				TEST_FAIL_("cut at %zu: rc %d, %s:%d: %s", cut, rc,
				    d.file, d.line, d.message);
		}
		session_destroy(s);
		free(copy);
	}
	CHECK_INT_EQ(bad, 0);
}

static void
test_versions(void)
{
	EXPECT("<?xml version=\"1.0\"?>\n<dubstage-session version=\"2\" "
	    "sample-rate=\"48000\"><future-thing/></dubstage-session>\n",
	    ERR_VERSION, 2, "written by a newer dubstage: format 2, this one reads 1");
	EXPECT("<?xml version=\"1.0\"?>\n<dubstage-session version=\"0\" "
	    "sample-rate=\"48000\"/>\n", ERR_VERSION, 2, "version 0");
	EXPECT("<?xml version=\"1.0\"?>\n\n<dubstage-session "
	    "sample-rate=\"48000\"/>\n", ERR_SCHEMA, 3, "version");
	EXPECT("<?xml version=\"1.0\"?>\n<dubstage-session version=\"one\" "
	    "sample-rate=\"48000\"/>\n", ERR_PARSE, 2, "version");
	EXPECT("<?xml version=\"1.0\"?>\n<session version=\"1\"/>\n",
	    ERR_SCHEMA, 2, "not a dubstage session");
	EXPECT("<?xml version=\"1.0\"?>\n<dubstage-session xmlns=\"urn:x\" "
	    "version=\"1\" sample-rate=\"48000\"/>\n", ERR_SCHEMA, 2, "namespace");
}

static void
test_structure(void)
{
	EXPECT(HEAD "  <tracks>\n    <foo/>\n  </tracks>\n" TAIL,
	    ERR_SCHEMA, 6, "unknown element <foo> in <tracks>");
	EXPECT(HEAD "  <tracks/>\n  <sources/>\n" TAIL,
	    ERR_SCHEMA, 6, "<sources> is not allowed here");
	EXPECT("<?xml version=\"1.0\"?>\n<dubstage-session version=\"1\" "
	    "sample-rate=\"48000\">\n  <master format=\"stereo\"/>\n"
	    "  <timecode rate=\"24\"/>\n" TAIL, ERR_SCHEMA, 3, "expected <timecode>");
	EXPECT("<?xml version=\"1.0\"?>\n<dubstage-session version=\"1\" "
	    "sample-rate=\"48000\">\n  <timecode rate=\"24\"/>\n" TAIL,
	    ERR_SCHEMA, 2, "needs a <master>");
	EXPECT(HEAD SOURCES "  <tracks>\n    <track id=\"T1\" format=\"mono\" "
	    "colour=\"red\"/>\n  </tracks>\n" TAIL,
	    ERR_SCHEMA, 7, "unknown attribute 'colour' on <track>");
	EXPECT(HEAD "  <tracks>\n    <track id=\"T1\" format=\"mono\" "
	    "xml:lang=\"en\"/>\n  </tracks>\n" TAIL,
	    ERR_SCHEMA, 6, "unknown attribute 'xml:lang'");
	EXPECT(HEAD "  <markers><marker id=\"M1\" position=\"0\">\n"
	    "<comment a=\"1\">x</comment></marker></markers>\n" TAIL,
	    ERR_SCHEMA, 6, "unknown attribute 'a' on <comment>");
	EXPECT(HEAD "  <tracks>\n    <track format=\"mono\"/>\n  </tracks>\n" TAIL,
	    ERR_SCHEMA, 6, "needs the attribute 'id'");
	EXPECT("<?xml version=\"1.0\"?>\n<dubstage-session version=\"1\" "
	    "sample-rate=\"48000\">\n  <timecode rate=\"24\"/>\n"
	    "  <master format=\"stereo\">loud</master>\n" TAIL,
	    ERR_SCHEMA, 4, "unexpected text in <master>");
	EXPECT(HEAD "  <markers><marker id=\"M1\" position=\"0\"><comment>a\n<b/>c"
	    "</comment></marker></markers>\n" TAIL, ERR_SCHEMA, 6, "only hold text");
	EXPECT(HEAD "  <tracks>\n    <xi:include xmlns:xi=\"http://www.w3.org/2001/"
	    "XInclude\" href=\"/etc/passwd\"/>\n  </tracks>\n" TAIL,
	    ERR_SCHEMA, 6, "unknown element <xi:include>");
	EXPECT(HEAD SOURCES MONO_T1
	    "      <automation param=\"clip-gain\"/>\n"
	    TRACKS_END, ERR_SCHEMA, 8, "clip-gain");
	EXPECT(HEAD BUSES MONO_T1
	    "      <automation param=\"volume\" target=\"B1\"/>\n"
	    TRACKS_END, ERR_SCHEMA, 8, "target");
	/* pan after send is out of order */
	EXPECT(HEAD BUSES MONO_T1
	    "      <send bus=\"B1\"/>\n"
	    "      <pan x=\"0\"/>\n"
	    TRACKS_END, ERR_SCHEMA, 9, "<pan> is not allowed here");
}

static void
test_values(void)
{
	EXPECT_LOAD(HEAD "  <tracks>\n    <track id=\"T1\" format=\"mono\" "
	    "gain-db=\"loud\"/>\n  </tracks>\n" TAIL, ERR_PARSE, 6, "gain-db");
	EXPECT_LOAD(HEAD "  <tracks>\n    <track id=\"T1\" format=\"mono\" "
	    "gain-db=\"0x10\"/>\n  </tracks>\n" TAIL, ERR_PARSE, 6, "gain-db");
	EXPECT_LOAD(HEAD "  <tracks>\n    <track id=\"T1\" format=\"mono\" "
	    "gain-db=\"1e400\"/>\n  </tracks>\n" TAIL, ERR_PARSE, 6, "gain-db");
	EXPECT_LOAD(HEAD "  <tracks>\n    <track id=\"T1\" format=\"mono\" "
	    "gain-db=\"nan\"/>\n  </tracks>\n" TAIL, ERR_PARSE, 6, "gain-db");
	EXPECT_LOAD(HEAD "  <tracks>\n    <track id=\"T1\" format=\"mono\" "
	    "gain-db=\" 1\"/>\n  </tracks>\n" TAIL, ERR_PARSE, 6, "gain-db");
	EXPECT_LOAD(HEAD "  <tracks>\n    <track id=\"T1\" format=\"mono\" "
	    "mute=\"yes\"/>\n  </tracks>\n" TAIL, ERR_PARSE, 6, "mute");
	EXPECT_LOAD(HEAD "  <tracks>\n    <track id=\"T1\" format=\"quad\"/>\n"
	    "  </tracks>\n" TAIL, ERR_PARSE, 6, "format");
	EXPECT_LOAD(HEAD SOURCES MONO_T1
	    "      <clip id=\"C1\" source=\"S1\" position=\"1.5\" length=\"1\"/>\n"
	    TRACKS_END, ERR_PARSE, 8, "position");
	EXPECT_LOAD(HEAD SOURCES MONO_T1
	    "      <clip id=\"C1\" source=\"S1\" position=\"99999999999999999999\" "
	    "length=\"1\"/>\n"
	    TRACKS_END, ERR_PARSE, 8, "position");
	EXPECT_LOAD(HEAD "  <tracks>\n    <track id=\"T-1\" format=\"mono\"/>\n"
	    "  </tracks>\n" TAIL, ERR_PARSE, 6, "id");
	EXPECT_LOAD(HEAD "  <markers>\n    <marker id=\"M1\" position=\"0\" "
	    "colour=\"orange\"/>\n  </markers>\n" TAIL, ERR_PARSE, 6, "colour");
	EXPECT_LOAD("<?xml version=\"1.0\"?>\n<dubstage-session version=\"1\" "
	    "sample-rate=\"48000\">\n  <timecode rate=\"23.5\"/>\n" TAIL,
	    ERR_PARSE, 3, "rate");
	EXPECT_LOAD("<?xml version=\"1.0\"?>\n<dubstage-session version=\"1\" "
	    "sample-rate=\"48000\">\n  <timecode rate=\"25\" drop-frame=\"true\"/>\n"
	    TAIL, ERR_SEMANTIC, 3, "drop-frame");
	EXPECT_LOAD("<?xml version=\"1.0\"?>\n<dubstage-session version=\"1\" "
	    "sample-rate=\"48000\">\n  <timecode rate=\"29.97\" drop-frame=\"true\" "
	    "start=\"00:01:00;00\"/>\n" TAIL, ERR_SEMANTIC, 3, "does not exist");
}

static void
test_semantic(void)
{
	/* sample rates */
	EXPECT_LOAD("<?xml version=\"1.0\"?>\n<dubstage-session version=\"1\" "
	    "sample-rate=\"7999\"/>\n", ERR_SEMANTIC, 2, "sample-rate");
	EXPECT_LOAD("<?xml version=\"1.0\"?>\n<dubstage-session version=\"1\" "
	    "sample-rate=\"768001\"/>\n", ERR_SEMANTIC, 2, "sample-rate");
	EXPECT_LOAD(HEAD "  <sources>\n    <source id=\"S1\" path=\"a.wav\" "
	    "channels=\"1\" sample-rate=\"1000000\" length-frames=\"1\"/>\n"
	    "  </sources>\n" TAIL, ERR_SEMANTIC, 6, "sample-rate");
	EXPECT_LOAD(HEAD "  <sources>\n    <source id=\"S1\" path=\"a.wav\" "
	    "channels=\"0\" sample-rate=\"48000\" length-frames=\"1\"/>\n"
	    "  </sources>\n" TAIL, ERR_SEMANTIC, 6, "channels");
	EXPECT_LOAD(HEAD "  <sources>\n    <source id=\"S1\" path=\"a.wav\" "
	    "channels=\"1\" sample-rate=\"48000\" length-frames=\"-1\"/>\n"
	    "  </sources>\n" TAIL, ERR_SEMANTIC, 6, "length-frames");
	EXPECT_LOAD(HEAD "  <sources>\n    <source id=\"S1\" path=\"\" "
	    "channels=\"1\" sample-rate=\"48000\" length-frames=\"1\"/>\n"
	    "  </sources>\n" TAIL, ERR_SEMANTIC, 6, "empty path");

	/* duplicate ids, in one list and across tracks */
	EXPECT_LOAD(HEAD "  <tracks>\n    <track id=\"T1\" format=\"mono\"/>\n"
	    "    <track id=\"t1\" format=\"mono\"/>\n  </tracks>\n" TAIL,
	    ERR_SEMANTIC, 7, "duplicate id T1");
	EXPECT_LOAD(HEAD SOURCES MONO_T1
	    "      <clip id=\"C1\" source=\"S1\" position=\"0\" length=\"1\"/>\n"
	    "    </track>\n"
	    "    <track id=\"T2\" format=\"mono\">\n"
	    "      <clip id=\"C1\" source=\"S1\" position=\"0\" length=\"1\"/>\n"
	    TRACKS_END, ERR_SEMANTIC, 11, "duplicate id C1");
	EXPECT_LOAD(HEAD "  <buses>\n    <bus id=\"B1\" format=\"stereo\"/>\n"
	    "    <bus id=\"B1\" format=\"stereo\"/>\n  </buses>\n" TAIL,
	    ERR_SEMANTIC, 7, "duplicate id B1");

	/* ids of the wrong kind */
	EXPECT_LOAD(HEAD SOURCES MONO_T1
	    "      <clip id=\"T4\" source=\"S1\" position=\"0\" length=\"1\"/>\n"
	    TRACKS_END, ERR_SEMANTIC, 8, "not a clip id");
	EXPECT_LOAD(HEAD "  <tracks>\n    <track id=\"T1\" format=\"mono\" "
	    "output=\"T2\"/>\n  </tracks>\n" TAIL, ERR_SEMANTIC, 6, "not a bus id");
	EXPECT_LOAD(HEAD SOURCES MONO_T1
	    "      <clip id=\"C1\" source=\"B1\" position=\"0\" length=\"1\"/>\n"
	    TRACKS_END, ERR_SEMANTIC, 8, "not a source id");

	/* dangling references */
	EXPECT_LOAD(HEAD SOURCES MONO_T1
	    "      <clip id=\"C1\" source=\"S9\" position=\"0\" length=\"1\"/>\n"
	    TRACKS_END, ERR_SEMANTIC, 8, "S9, which does not exist");
	EXPECT_LOAD(HEAD BUSES "  <tracks>\n    <track id=\"T1\" format=\"mono\" "
	    "output=\"B9\"/>\n  </tracks>\n" TAIL, ERR_SEMANTIC, 7, "B9");
	EXPECT_LOAD(HEAD BUSES MONO_T1
	    "      <send bus=\"B3\"/>\n"
	    TRACKS_END, ERR_SEMANTIC, 8, "B3");
	EXPECT_LOAD(HEAD BUSES MONO_T1
	    "      <automation param=\"send-level\" target=\"B7\"/>\n"
	    TRACKS_END, ERR_SEMANTIC, 8, "B7");
	EXPECT_LOAD(HEAD SOURCES MONO_T1
	    "      <clip id=\"C1\" source=\"S1\" position=\"0\" length=\"1\">\n"
	    "        <channel index=\"0\" source=\"S5\"/>\n"
	    "      </clip>\n"
	    TRACKS_END, ERR_SEMANTIC, 9, "S5");
	EXPECT_LOAD(HEAD "  <buses>\n    <bus id=\"B1\" format=\"stereo\" output=\"B2\"/>\n"
	    "  </buses>\n" TAIL, ERR_SEMANTIC, 6, "B2");

	/* routing loops */
	EXPECT_LOAD(HEAD "  <buses>\n    <bus id=\"B1\" format=\"stereo\" output=\"B1\"/>\n"
	    "  </buses>\n" TAIL, ERR_SEMANTIC, 6, "routed to itself");
	EXPECT_LOAD(HEAD "  <buses>\n    <bus id=\"B1\" format=\"stereo\">\n"
	    "      <send bus=\"B1\"/>\n    </bus>\n  </buses>\n" TAIL,
	    ERR_SEMANTIC, 7, "sends to itself");
	EXPECT_LOAD(HEAD "  <buses>\n    <bus id=\"B1\" format=\"stereo\" output=\"B2\"/>\n"
	    "    <bus id=\"B2\" format=\"stereo\" output=\"B3\"/>\n"
	    "    <bus id=\"B3\" format=\"stereo\" output=\"B1\"/>\n"
	    "  </buses>\n" TAIL, ERR_SEMANTIC, 0, "loop: B1 -> B2 -> B3 -> B1");
	EXPECT_LOAD(HEAD "  <buses>\n    <bus id=\"B1\" format=\"stereo\" output=\"B2\"/>\n"
	    "    <bus id=\"B2\" format=\"stereo\"><send bus=\"B1\"/></bus>\n"
	    "  </buses>\n" TAIL, ERR_SEMANTIC, -1, "loop");

	/* lengths, offsets, positions */
	EXPECT_LOAD(HEAD SOURCES MONO_T1
	    "      <clip id=\"C1\" source=\"S1\" position=\"0\" length=\"0\"/>\n"
	    TRACKS_END, ERR_SEMANTIC, 8, "length");
	EXPECT_LOAD(HEAD SOURCES MONO_T1
	    "      <clip id=\"C1\" source=\"S1\" position=\"0\" length=\"-5\"/>\n"
	    TRACKS_END, ERR_SEMANTIC, 8, "length");
	EXPECT_LOAD(HEAD SOURCES MONO_T1
	    "      <clip id=\"C1\" source=\"S1\" position=\"0\" length=\"10\" "
	    "source-offset=\"-1\"/>\n"
	    TRACKS_END, ERR_SEMANTIC, 8, "source-offset");
	EXPECT_LOAD(HEAD SOURCES MONO_T1
	    "      <clip id=\"C1\" source=\"S1\" position=\"-10\" length=\"10\"/>\n"
	    TRACKS_END, ERR_SEMANTIC, 8, "position");
	EXPECT_LOAD(HEAD SOURCES MONO_T1
	    "      <clip id=\"C1\" source=\"S1\" position=\"9223372036854775800\" "
	    "length=\"10\"/>\n"
	    TRACKS_END, ERR_SEMANTIC, 8, "past the last frame");
	EXPECT_LOAD(HEAD SOURCES MONO_T1
	    "      <clip id=\"C1\" source=\"S1\" position=\"0\" length=\"10\">\n"
	    "        <fade-in length=\"6\"/><fade-out length=\"5\"/>\n"
	    "      </clip>\n"
	    TRACKS_END, ERR_SEMANTIC, 8, "fades");
	EXPECT_LOAD(HEAD SOURCES MONO_T1
	    "      <clip id=\"C1\" source=\"S1\" source-channel=\"2\" position=\"0\" "
	    "length=\"10\"/>\n"
	    TRACKS_END, ERR_SEMANTIC, 8, "source-channel");
	EXPECT_LOAD(HEAD "  <markers>\n    <marker id=\"M1\" position=\"0\" "
	    "length=\"-1\"/>\n  </markers>\n" TAIL, ERR_SEMANTIC, 6, "length");

	/* channel maps */
	EXPECT_LOAD(HEAD SOURCES STEREO_T1
	    "      <clip id=\"C1\" source=\"S1\" position=\"0\" length=\"1\">\n"
	    "        <channel index=\"0\" source=\"S1\"/>\n"
	    "        <channel index=\"2\" source=\"S1\"/>\n"
	    "      </clip>\n"
	    TRACKS_END, ERR_SEMANTIC, 10, "index");
	EXPECT_LOAD(HEAD SOURCES STEREO_T1
	    "      <clip id=\"C1\" source=\"S1\" position=\"0\" length=\"1\">\n"
	    "        <channel index=\"0\" source=\"S1\"/>\n"
	    "      </clip>\n"
	    TRACKS_END, ERR_SEMANTIC, 8, "maps 1 channels but its track has 2");
	EXPECT_LOAD(HEAD SOURCES STEREO_T1
	    "      <clip id=\"C1\" source=\"S1\" position=\"0\" length=\"1\">\n"
	    "        <channel index=\"1\" source=\"S1\"/>\n"
	    "        <channel index=\"1\" source=\"S2\"/>\n"
	    "      </clip>\n"
	    TRACKS_END, ERR_SEMANTIC, 10, "mapped twice");
	EXPECT_LOAD(HEAD SOURCES STEREO_T1
	    "      <clip id=\"C1\" source=\"S1\" position=\"0\" length=\"1\">\n"
	    "        <channel index=\"0\" source=\"S2\" source-channel=\"1\"/>\n"
	    "        <channel index=\"1\" source=\"S1\"/>\n"
	    "      </clip>\n"
	    TRACKS_END, ERR_SEMANTIC, 9, "source-channel");

	/* automation order, duplicate lanes and sends */
	EXPECT_LOAD(HEAD MONO_T1
	    "      <automation param=\"volume\">\n"
	    "        <point frame=\"10\" value=\"0\"/>\n"
	    "        <point frame=\"10\" value=\"1\"/>\n"
	    "      </automation>\n"
	    TRACKS_END, ERR_SEMANTIC, 9, "strictly increase");
	EXPECT_LOAD(HEAD MONO_T1
	    "      <automation param=\"pan\">\n"
	    "        <point frame=\"10\" value=\"0\"/>\n"
	    "        <point frame=\"5\" value=\"1\"/>\n"
	    "      </automation>\n"
	    TRACKS_END, ERR_SEMANTIC, 9, "strictly increase");
	EXPECT_LOAD(HEAD MONO_T1
	    "      <automation param=\"pan\"/>\n"
	    "      <automation param=\"pan\"/>\n"
	    TRACKS_END, ERR_SEMANTIC, 8, "second pan");
	EXPECT_LOAD(HEAD BUSES MONO_T1
	    "      <send bus=\"B1\"/>\n"
	    "      <send bus=\"B1\"/>\n"
	    TRACKS_END, ERR_SEMANTIC, 9, "two sends");
	EXPECT_LOAD(HEAD "  <next-ids track=\"0\"/>\n" TAIL, ERR_SEMANTIC, 5, "track");
}

static void
test_unsafe(void)
{
	static const char laughs[] =
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE dubstage-session [\n"
	    " <!ENTITY lol \"lol\">\n"
	    " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	    " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
	    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
	    " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
	    " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
	    " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
	    " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
	    " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
	    " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
	    "]>\n"
	    "<dubstage-session version=\"1\" sample-rate=\"48000\">\n"
	    "  <name>&lol9;</name>\n"
	    "  <timecode rate=\"24\"/>\n  <master format=\"stereo\"/>\n"
	    "  <markers><marker id=\"M1\" name=\"&lol9;\" position=\"0\"/></markers>\n"
	    "</dubstage-session>\n";
	static const char passwd[] =
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE dubstage-session [\n"
	    " <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n"
	    "]>\n"
	    XXE_BODY;
	double t0 = now_s();
	long rss0 = max_rss_kb();
	struct diag d;

	EXPECT(laughs, ERR_UNSAFE, 2,
	    "DTDs and entities are not allowed in session files");
	CHECK_INT_EQ(session_xml_validate_schema_memory(laughs, sizeof laughs - 1,
	    NAME, &d), ERR_UNSAFE);
	CHECK(now_s() - t0 < 2.0);
	CHECK(max_rss_kb() - rss0 < 64 * 1024);

	EXPECT(passwd, ERR_UNSAFE, 2, "DTDs and entities");
	EXPECT("<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE dubstage-session SYSTEM \"file:///etc/passwd\">\n"
	    "<dubstage-session version=\"1\" sample-rate=\"48000\"/>\n",
	    ERR_UNSAFE, 2, "DTDs and entities");
	EXPECT("<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE dubstage-session [\n"
	    " <!ENTITY % pe SYSTEM \"file:///etc/passwd\">\n"
	    " %pe;\n"
	    "]>\n<dubstage-session version=\"1\" sample-rate=\"48000\"/>\n",
	    ERR_UNSAFE, 2, "DTDs and entities");
	EXPECT("<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE dubstage-session PUBLIC \"-//x//y\" "
	    "\"http://127.0.0.1:9/evil.dtd\">\n"
	    "<dubstage-session version=\"1\" sample-rate=\"48000\"/>\n",
	    ERR_UNSAFE, 2, "DTDs and entities");
	/* an entity reference without any declaration is just malformed */
	EXPECT(HEAD "  <name>&xxe;</name>\n" TAIL, ERR_PARSE, 5, "xxe");
}

/* An external entity naming a FIFO: if the parser ever tried to read it,
 * open() would block and the alarm would kill the test. */
static void
test_entity_never_read(void)
{
	const char *fifo = test_path("entity.fifo");
	char doc[8192];
	int n;

	unlink(fifo);
	if (mkfifo(fifo, 0600) != 0) {
		CHECK(!"mkfifo failed");
		return;
	}
	n = snprintf(doc, sizeof doc,
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE dubstage-session [\n"
	    " <!ENTITY xxe SYSTEM \"file://%s\">\n"
	    " <!ENTITY yyy SYSTEM \"%s\">\n"
	    "]>\n" XXE_BODY, fifo, fifo);
	alarm(20);
	expect_n(__LINE__, doc, (size_t)n, ERR_UNSAFE, 2, "DTDs", true);
	alarm(0);
	unlink(fifo);
}

static void
test_bytes(void)
{
	static const char nul_doc[] = HEAD "  <name>a\0b</name>\n" TAIL;
	static const char latin1[] = HEAD "  <name>caf\xE9</name>\n" TAIL;
	static const char latin1_declared[] =
	    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
	    "<dubstage-session version=\"1\" sample-rate=\"48000\">\n"
	    "  <name>caf\xE9</name>\n</dubstage-session>\n";
	static const char utf16[] = "\xFF\xFE<\0?\0x\0m\0l\0";
	static const char overlong[] = HEAD "  <name>\xC0\xAF</name>\n" TAIL;
	static const char surrogate[] = HEAD "  <name>\xED\xA0\x80</name>\n" TAIL;
	static const char ctrl[] = HEAD "  <name>\x01</name>\n" TAIL;

	EXPECT(nul_doc, ERR_PARSE, 5, "NUL");
	EXPECT(latin1, ERR_PARSE, 5, "UTF-8");
	EXPECT(latin1_declared, ERR_PARSE, 3, "UTF-8");
	EXPECT(utf16, ERR_PARSE, 1, NULL);
	EXPECT(overlong, ERR_PARSE, 5, "UTF-8");
	EXPECT(surrogate, ERR_PARSE, 5, "UTF-8");
	EXPECT(ctrl, ERR_PARSE, 5, NULL);
	EXPECT("", ERR_PARSE, 0, "empty");
	EXPECT(" \n\t\n", ERR_PARSE, 0, "empty");
	EXPECT("garbage", ERR_PARSE, 1, "not an XML document");
	EXPECT("<", ERR_PARSE, 1, NULL);
	EXPECT("<a></b>", ERR_PARSE, 1, NULL);
	EXPECT(HEAD TAIL "<second/>\n", ERR_PARSE, 6, NULL);
}

/* Error lines past 65535 are still right (libxml2 keeps 16-bit lines
 * unless asked for big ones). */
static void
test_big_line_numbers(void)
{
	size_t pad = 70000, len;
	char *doc = malloc(sizeof(HEAD) + pad + 200);
	int n;

	n = snprintf(doc, sizeof(HEAD) + 1, HEAD);
	memset(doc + n, '\n', pad);
	len = (size_t)n + pad;
	len += (size_t)sprintf(doc + len, "  <bogus/>\n" TAIL);
	expect_n(__LINE__, doc, len, ERR_SCHEMA, 5 + (int)pad, "bogus", true);
	free(doc);
}

static void
test_deep_nesting(void)
{
	size_t depth = 100000, len = 0;
	char *doc = malloc(sizeof(HEAD) + depth * 7 + 64);
	struct session *s = NULL;
	struct diag d;
	int rc;

	len += (size_t)sprintf(doc, HEAD "  <tracks>");
	for (size_t i = 0; i < depth; i++)
		len += (size_t)sprintf(doc + len, "<track>");
	rc = session_xml_load_memory(doc, len, NAME, NULL, &s, &d);
	CHECK(rc == ERR_PARSE || rc == ERR_SCHEMA);
	CHECK(s == NULL && d.message[0] != '\0');
	free(doc);
}

static void
test_files(void)
{
	const char *path = test_path("small.dubstage");
	struct session *s = NULL;
	struct diag d;

	CHECK_INT_EQ(session_xml_load(test_path("does-not-exist.dubstage"), &s, &d),
	    ERR_IO);
	CHECK(strstr(d.file, "does-not-exist.dubstage") != NULL);
	CHECK_INT_EQ(session_xml_load(test_tmpdir(), &s, &d), ERR_IO);
	CHECK(strstr(d.message, "not a regular file") != NULL);
	CHECK_INT_EQ(session_xml_load("/dev/zero", &s, &d), ERR_IO);
	CHECK_INT_EQ(session_xml_validate_schema("/dev/zero", &d), ERR_IO);

	test_write_file(path, "", 0);
	CHECK_INT_EQ(session_xml_load(path, &s, &d), ERR_PARSE);
	CHECK_STR_EQ(d.file, path);
	CHECK(strstr(d.message, "empty") != NULL);

	test_write_file(path, HEAD "  <bogus/>\n" TAIL, sizeof(HEAD "  <bogus/>\n" TAIL) - 1);
	CHECK_INT_EQ(session_xml_load(path, &s, &d), ERR_SCHEMA);
	CHECK_STR_EQ(d.file, path);
	CHECK_INT_EQ(d.line, 5);
	CHECK_INT_EQ(session_xml_validate_schema(path, &d), ERR_SCHEMA);
	CHECK_STR_EQ(d.file, path);
	CHECK_INT_EQ(d.line, 5);

	test_write_file(path, valid_doc, sizeof valid_doc - 1);
	CHECK_INT_EQ(session_xml_load(path, &s, &d), 0);
	CHECK(s != NULL && s->path != NULL && strcmp(s->path, path) == 0);
	session_destroy(s);
	s = NULL;
	CHECK(s == NULL);
}

/* 100 MB of random bytes: refused at once, by its first bytes. Then the
 * same behind a plausible XML start, and a sparse file above the limit. */
static void
test_huge_files(void)
{
	const char *path = test_path("garbage.dubstage");
	static char chunk[1 << 20];
	uint64_t x = 0x9E3779B97F4A7C15ull;
	struct session *s = NULL;
	struct diag d;
	double t0;
	FILE *f;
	int fd;

	for (int pass = 0; pass < 2; pass++) {
		f = fopen(path, "wb");
		REQUIRE(f != NULL);
		for (int mb = 0; mb < 100; mb++) {
			for (size_t i = 0; i < sizeof chunk; i += 8) {
				test_xorshift64(&x);
				memcpy(chunk + i, &x, 8);
			}
			if (mb == 0 && pass == 0)
				chunk[0] = 'Q';   /* not '<', whatever the seed */
			if (mb == 0 && pass == 1)
				memcpy(chunk, HEAD, sizeof HEAD - 1);
			fwrite(chunk, 1, sizeof chunk, f);
		}
		fclose(f);
		t0 = now_s();
		CHECK_INT_EQ(session_xml_load(path, &s, &d), ERR_PARSE);
		CHECK_STR_EQ(d.file, path);
		CHECK(d.message[0] != '\0');
		if (pass == 0)
			CHECK(strstr(d.message, "not an XML document") != NULL);
		else
			CHECK(d.line >= 5);
		CHECK(now_s() - t0 < (pass == 0 ? 1.0 : 10.0));
		CHECK(s == NULL);
	}
	unlink(path);

	/* Larger than SESSION_XML_MAX_BYTES: refused before reading. */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	if (fd >= 0) {
		CHECK_INT_EQ(ftruncate(fd, (off_t)SESSION_XML_MAX_BYTES + 1), 0);
		close(fd);
		t0 = now_s();
		CHECK_INT_EQ(session_xml_load(path, &s, &d), ERR_UNSAFE);
		CHECK(strstr(d.message, "at most") != NULL);
		CHECK(now_s() - t0 < 1.0);
		CHECK_INT_EQ(session_xml_validate_schema(path, &d), ERR_UNSAFE);
	}
	unlink(path);
}

/*
 * Mutation fuzzing: flip, insert and delete bytes of the valid document.
 * Nothing may crash; whatever loads must write a schema-valid file that
 * loads back and writes the same bytes.
 */
static void
test_mutations(void)
{
	uint64_t x = 12345;
	size_t base = sizeof valid_doc - 1;
	char *doc = malloc(base + 64);
	int loaded = 0, bad = 0;

	for (int iter = 0; iter < 3000; iter++) {
		struct session *s = NULL, *s2 = NULL;
		char *w1 = NULL, *w2 = NULL;
		size_t len = base, n1 = 0, n2 = 0;
		struct diag d;
		int edits;

		memcpy(doc, valid_doc, base);
		edits = 1 + (int)(test_xorshift64(&x) % 4);
		for (int e = 0; e < edits; e++) {
			size_t pos;
			static const char interesting[] = "<>&\"'/=-09aT;#\x80\xC3 \n";

			pos = (size_t)(test_xorshift64(&x) >> 8) % len;
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
				doc[pos] = (char)((x >> 32) & 0x7F);
				len++;
				break;
			}
		}
		if (session_xml_load_memory(doc, len, NAME, NULL, &s, &d) == 0) {
			loaded++;
			if (session_xml_write_memory(s, &w1, &n1, &d) != 0 ||
			    session_xml_validate_schema_memory(w1, n1, "w1", &d) != 0 ||
			    session_xml_load_memory(w1, n1, "w1", NULL, &s2, &d) != 0 ||
			    session_xml_write_memory(s2, &w2, &n2, &d) != 0 ||
			    n1 != n2 || memcmp(w1, w2, n1) != 0) {
				if (bad++ < 3)
					TEST_FAIL_("mutation %d: loads but does not round-trip: "
					    "%s:%d: %s\n%.*s", iter, d.file, d.line, d.message,
					    (int)len, doc);
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
	CHECK_INT_EQ(bad, 0);
	CHECK(loaded > 0);
	free(doc);
}

/* A NULL diag is allowed everywhere. */
static void
test_null_diag(void)
{
	static const char bad[] = HEAD "  <bogus/>\n" TAIL;
	struct session *s = NULL;

	CHECK_INT_EQ(session_xml_load_memory(bad, sizeof bad - 1, NULL, NULL, &s,
	    NULL), ERR_SCHEMA);
	CHECK_INT_EQ(session_xml_validate_schema_memory(bad, sizeof bad - 1, NULL,
	    NULL), ERR_SCHEMA);
	CHECK_INT_EQ(session_xml_load(test_path("nothing-here"), &s, NULL), ERR_IO);
	CHECK(s == NULL);
}

int
main(void)
{
	test_valid_doc_loads();
	test_truncated();
	test_versions();
	test_structure();
	test_values();
	test_semantic();
	test_unsafe();
	test_entity_never_read();
	test_bytes();
	test_big_line_numbers();
	test_deep_nesting();
	test_files();
	test_huge_files();
	test_mutations();
	test_null_diag();
	return test_report();
}
