/*
 * scmd_test.h - what the session command tests share: a small session
 * built in code, a runner that captures a command's report and errors, and
 * the serialised session for "nothing changed" comparisons.
 */
#ifndef DUBSTAGE_TESTS_CLI_SCMD_TEST_H
#define DUBSTAGE_TESTS_CLI_SCMD_TEST_H

#include "test.h"

#include "base/error.h"
#include "cli/cli.h"
#include "cli/scmd.h"
#include "session/edit.h"
#include "session/session.h"
#include "session/session_xml.h"

/* The last command's report and errors. */
static char st_out[4096], st_err[4096];

static inline char *
st_dump(const struct editor *ed)
{
	char *xml = NULL;
	size_t size = 0;
	struct diag d;

	if (session_xml_write_memory(editor_session(ed), &xml, &size, &d) != 0)
		return NULL;
	return xml;
}

static inline void
st_slurp(FILE *f, char *buf, size_t size)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* Runs line on ctx, capturing out/err into st_out/st_err. */
static inline int
st_run_ctx(struct scmd_ctx *ctx, const char *line, const struct scmd **cmd)
{
	FILE *out = tmpfile(), *err = tmpfile();
	int rc;

	if (out == NULL || err == NULL) {
		TEST_FAIL_("tmpfile");
		return -1;
	}
	ctx->out = out;
	ctx->err = err;
	rc = scmd_run_line(ctx, line, cmd);
	st_slurp(out, st_out, sizeof st_out);
	st_slurp(err, st_err, sizeof st_err);
	ctx->out = ctx->err = NULL;
	return rc;
}

static inline int
st_run(struct editor *ed, const char *line)
{
	struct scmd_ctx ctx = { .ed = ed };

	return st_run_ctx(&ctx, line, NULL);
}

/* A failing line: exit code want, an error mentioning `part`, and the
 * session exactly as before. */
static inline void
st_fails(struct editor *ed, const char *line, int want, const char *part,
    int where)
{
	char *before = st_dump(ed), *after;
	uint64_t gen = editor_generation(ed);
	int rc = st_run(ed, line);

	after = st_dump(ed);
	if (rc != want)
		TEST_FAIL_("line %d: '%s' exit %d, wanted %d (err: %s)", where,
		    line, rc, want, st_err);
	else if (part != NULL && strstr(st_err, part) == NULL)
		TEST_FAIL_("line %d: '%s' error '%s' lacks '%s'", where, line,
		    st_err, part);
	else if (before == NULL || after == NULL || strcmp(before, after) != 0 ||
	    gen != editor_generation(ed))
		TEST_FAIL_("line %d: '%s' changed the session", where, line);
	else if (st_out[0] != '\0')
		TEST_FAIL_("line %d: '%s' reported '%s' on failure", where, line,
		    st_out);
	else
		test_passed_count++;
	free(before);
	free(after);
}
#define ST_FAILS(ed, line, want, part) st_fails(ed, line, want, part, __LINE__)

/* A succeeding line whose report contains `part`. */
static inline void
st_ok(struct editor *ed, const char *line, const char *part, int where)
{
	int rc = st_run(ed, line);

	if (rc != 0)
		TEST_FAIL_("line %d: '%s' exit %d (err: %s)", where, line, rc,
		    st_err);
	else if (part != NULL && strstr(st_out, part) == NULL)
		TEST_FAIL_("line %d: '%s' report '%s' lacks '%s'", where, line,
		    st_out, part);
	else
		test_passed_count++;
}
#define ST_OK(ed, line, part) st_ok(ed, line, part, __LINE__)

/*
 * A session at 48 kHz and timecode rate `rate` (drop-frame df): source S1
 * (stereo, 10 s), tracks T1 "DIA" (mono) and T2 "FX" (stereo), aux bus B1
 * and stem bus B2, clip C1 on T1 at frame 48000 (2 s long, source offset
 * 24000) with a 2400-frame linear fade-in, clip C2 on T2 at 240000.
 */
static inline struct editor *
st_make(const char *rate, bool df)
{
	struct tc_rate tc;
	struct session *s;
	struct editor *ed;
	struct source src = { .path = "media/a.wav", .channels = 2,
	    .sample_rate_hz = 48000, .length_frames = 480000, .format = "wav" };
	struct clip c = { .name = "line", .source = { ID_SOURCE, 1 },
	    .position_frames = 48000, .length_frames = 96000,
	    .source_offset_frames = 24000 };
	struct id id;

	if (timecode_rate_parse(rate, df, &tc) != 0 ||
	    (s = session_create(48000, &tc)) == NULL)
		return NULL;
	if ((ed = editor_create(s)) == NULL) {
		session_destroy(s);
		return NULL;
	}
	c.fade_in = (struct fade){ 2400, FADE_LINEAR };
	editor_add_source(ed, &src, &id);
	editor_add_track(ed, "DIA", CHAN_MONO, &id);
	editor_add_track(ed, "FX", CHAN_STEREO, &id);
	editor_add_bus(ed, "Verb", BUS_AUX, CHAN_STEREO, &id);
	editor_add_bus(ed, "DIA stem", BUS_STEM, CHAN_5_1, &id);
	editor_add_clip(ed, (struct id){ ID_TRACK, 1 }, &c, &id);
	c.position_frames = 240000;
	c.fade_in.length_frames = 0;
	editor_add_clip(ed, (struct id){ ID_TRACK, 2 }, &c, &id);
	editor_mark_saved(ed);
	return ed;
}

static inline struct strip *
st_strip(struct editor *ed, enum id_kind k, uint32_t n)
{
	return session_strip(editor_session(ed), (struct id){ k, n });
}

static inline struct clip *
st_clip(struct editor *ed, uint32_t n)
{
	return session_clip(editor_session(ed), (struct id){ ID_CLIP, n }, NULL);
}

#endif
