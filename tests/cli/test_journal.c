/*
 * The autosave journal: what a console records replays onto the session
 * file to the exact same session (compared as saved XML bytes), including
 * undo/redo and undos reaching past a save (snapshots); a partial last
 * record is ignored; a journal for another version of the file is stale.
 */
#include "cli/scmd_test.h"
#include "cli/journal.h"

/* A console in miniature: an editor on a session file with a journal. */
struct console {
	struct editor *ed;
	struct journal *j;
	const char *path;
};

static struct editor *
load(const char *path)
{
	struct session *s = NULL;
	struct diag d;

	if (session_xml_load(path, &s, &d) != 0) {
		TEST_FAIL_("load %s: %s", path, d.message);
		return NULL;
	}
	return editor_create(s);
}

static bool
con_open(struct console *c, const char *path)
{
	struct diag d;

	c->path = path;
	c->j = NULL;
	if ((c->ed = load(path)) == NULL)
		return false;
	if (journal_begin(path, &c->j, &d) != 0) {
		TEST_FAIL_("journal_begin: %s", d.message);
		return false;
	}
	return true;
}

static void
con_run(struct console *c, const char *line)
{
	struct scmd_ctx ctx = { .ed = c->ed, .session_path = c->path };
	const struct scmd *cmd = NULL;
	struct diag d;
	int rc = st_run_ctx(&ctx, line, &cmd);

	if (rc != 0) {
		TEST_FAIL_("'%s': %s", line, st_err);
		return;
	}
	if (cmd != NULL && (cmd->flags & SCMD_SAVES)) {
		/* after a save to its file the console starts a new journal */
		journal_close(c->j);
		CHECK_INT_EQ(journal_begin(c->path, &c->j, &d), 0);
		return;
	}
	CHECK_INT_EQ(journal_append(c->j, c->ed, cmd, line, &d), 0);
}

static void
con_crash(struct console *c)
{
	journal_close(c->j);   /* as the kernel would on kill -9: nothing more */
	editor_destroy(c->ed);
	c->j = NULL;
	c->ed = NULL;
}

/* Recovers path as the next start would; returns the replayed session's
 * XML (caller frees), NULL when there was nothing to replay. */
static char *
recover(const char *path, struct journal_pending *p, size_t *replayed)
{
	struct scmd_ctx ctx = { .session_path = path };
	struct diag d;
	char *xml;
	int rc;

	if (journal_read_pending(path, p, &d) != 0 || !p->matches_file)
		return NULL;
	if ((ctx.ed = load(path)) == NULL)
		return NULL;
	ctx.out = tmpfile();
	ctx.err = tmpfile();
	rc = journal_replay(&ctx, p, replayed);
	st_slurp(ctx.out, st_out, sizeof st_out);
	st_slurp(ctx.err, st_err, sizeof st_err);
	xml = rc == CLI_OK ? st_dump(ctx.ed) : NULL;
	if (rc != CLI_OK)
		TEST_FAIL_("replay: %s", st_err);
	editor_destroy(ctx.ed);
	return xml;
}

static void
copy_demo(const char *to)
{
	char demo[4096];
	const char *src = getenv("DUBSTAGE_SOURCE_DIR");
	size_t n;
	char *data;

	snprintf(demo, sizeof demo, "%s/sessions/demo/demo.dubstage",
	    src != NULL ? src : ".");
	data = test_read_file(demo, &n);
	if (data == NULL)
		TEST_FAIL_("cannot read %s", demo);
	else
		test_write_file(to, data, n);
	free(data);
	char j[4200];
	test_join(j, sizeof j, to, JOURNAL_SUFFIX);
	unlink(j);
}

static void
test_replay_exact(void)
{
	const char *path = test_path("replay.dubstage");
	struct journal_pending p;
	struct console c;
	char *want, *got, jpath[4200];
	size_t replayed = 0, n;
	FILE *f;

	copy_demo(path);
	REQUIRE(con_open(&c, path));
	con_run(&c, "gain T1 -2.5");
	con_run(&c, "solo T2");
	con_run(&c, "nudge C1 -3");
	con_run(&c, "rename T3 \"FX 'hard' \\\"door\\\"\"");
	con_run(&c, "marker 'door slam' 01:00:12:00");
	con_run(&c, "insert B1 eq");
	con_run(&c, "insert-param B1 1 hpf-hz 80");
	con_run(&c, "undo");
	con_run(&c, "undo");
	con_run(&c, "redo");
	con_run(&c, "fade C2 in 0.25s s-curve");
	con_run(&c, "split C3 01:00:24:00");
	want = st_dump(c.ed);
	con_crash(&c);

	got = recover(path, &p, &replayed);
	CHECK(p.matches_file);
	CHECK(!p.truncated_tail);
	CHECK_INT_EQ(p.count, 12);
	CHECK_INT_EQ(replayed, 12);
	CHECK(want != NULL && got != NULL && strcmp(want, got) == 0);
	free(got);
	journal_pending_fini(&p);

	/* a crash mid-write leaves part of a record: ignored */
	test_join(jpath, sizeof jpath, path, JOURNAL_SUFFIX);
	f = fopen(jpath, "ab");
	REQUIRE(f != NULL);
	fputs("L gain T1 -9", f);
	fclose(f);
	got = recover(path, &p, &replayed);
	CHECK(p.truncated_tail);
	CHECK_INT_EQ(p.count, 12);
	CHECK(want != NULL && got != NULL && strcmp(want, got) == 0);
	free(got);
	free(test_read_file(jpath, &n));
	CHECK(p.valid_size == n - strlen("L gain T1 -9"));

	/* recovery continues the same journal: the partial record is cut */
	{
		struct journal *j;
		struct scmd_ctx ctx = { .session_path = path };
		struct diag d;
		const struct scmd *cmd;

		ctx.ed = load(path);
		REQUIRE(ctx.ed != NULL);
		ctx.out = ctx.err = tmpfile();
		CHECK_INT_EQ(journal_replay(&ctx, &p, NULL), CLI_OK);
		fclose(ctx.out);
		CHECK_INT_EQ(journal_resume(path, &p, &j, &d), 0);
		CHECK_INT_EQ(st_run_ctx(&ctx, "undo", &cmd), 0);
		CHECK_INT_EQ(journal_append(j, ctx.ed, cmd, "undo", &d), 0);
		free(want);
		want = st_dump(ctx.ed);
		journal_close(j);
		editor_destroy(ctx.ed);
	}
	journal_pending_fini(&p);
	got = recover(path, &p, &replayed);
	CHECK_INT_EQ(p.count, 13);
	CHECK(!p.truncated_tail);
	CHECK(want != NULL && got != NULL && strcmp(want, got) == 0);
	free(got);
	free(want);
	journal_pending_fini(&p);

	CHECK_INT_EQ(journal_discard(path), 0);
	CHECK(access(jpath, F_OK) != 0);
	CHECK_INT_EQ(journal_discard(path), 0);
	{
		struct diag d;

		CHECK_INT_EQ(journal_read_pending(path, &p, &d), ERR_NOTFOUND);
	}
}

static void
test_stale(void)
{
	const char *path = test_path("stale.dubstage");
	struct journal_pending p;
	struct console c;
	struct diag d;
	char *data;
	size_t n;

	copy_demo(path);
	REQUIRE(con_open(&c, path));
	con_run(&c, "gain T1 -2.5");
	con_crash(&c);
	/* the file changes behind the journal's back (one byte, same size) */
	data = test_read_file(path, &n);
	REQUIRE(data != NULL);
	data[strstr(data, "Demo scene") - data] = 'd';
	test_write_file(path, data, n);
	free(data);
	CHECK_INT_EQ(journal_read_pending(path, &p, &d), 0);
	CHECK(!p.matches_file);
	CHECK_INT_EQ(p.count, 1);
	journal_pending_fini(&p);
	CHECK(recover(path, &p, NULL) == NULL);
	journal_pending_fini(&p);
}

/* Undo reaching past a save cannot be a line: a snapshot is written. */
static void
test_undo_past_save(void)
{
	const char *path = test_path("snap.dubstage");
	struct journal_pending p;
	struct console c;
	char *want, *got;
	size_t replayed = 0, snaps = 0;

	copy_demo(path);
	REQUIRE(con_open(&c, path));
	con_run(&c, "gain T1 -1");
	con_run(&c, "gain T2 -2");
	con_run(&c, "save");
	con_run(&c, "undo");            /* undoes T2 -2: before the journal */
	con_run(&c, "mute T3");
	con_run(&c, "undo");            /* a line: the replay has mute T3 */
	con_run(&c, "undo");            /* T1 -1: a snapshot again */
	con_run(&c, "redo");            /* the replay has no redo: snapshot */
	con_run(&c, "gain B1 -3");
	want = st_dump(c.ed);
	CHECK_NEAR(session_track(editor_session(c.ed),
	    (struct id){ ID_TRACK, 1 })->strip.gain_db, -1, 0);
	con_crash(&c);

	got = recover(path, &p, &replayed);
	for (size_t i = 0; i < p.count; i++)
		snaps += p.entries[i].snapshot != NULL;
	CHECK_INT_EQ(p.count, 6);
	CHECK_INT_EQ(snaps, 3);
	CHECK_INT_EQ(replayed, 6);
	CHECK(want != NULL && got != NULL && strcmp(want, got) == 0);
	CHECK_INT_EQ(p.undo_depth, 1);
	free(want);
	free(got);
	journal_pending_fini(&p);
}

static void
test_refusals(void)
{
	const char *path = test_path("refuse.dubstage");
	char jpath[4200];
	struct journal_pending p;
	struct console c;
	struct diag d;
	struct journal *j;

	copy_demo(path);
	REQUIRE(con_open(&c, path));
	/* not a change: nothing recorded */
	CHECK_INT_EQ(journal_append(c.j, c.ed, scmd_find("save"), "save", &d), 0);
	CHECK_INT_EQ(journal_append(c.j, c.ed, NULL, "bogus", &d), 0);
	CHECK_INT_EQ(journal_append(c.j, c.ed, scmd_find("gain"),
	    "gain T1 1\ngain T2 2", &d), ERR_INVALID);
	con_crash(&c);
	CHECK_INT_EQ(journal_read_pending(path, &p, &d), 0);
	CHECK_INT_EQ(p.count, 0);
	journal_pending_fini(&p);

	/* a damaged record before the end, a foreign file, a save line */
	test_join(jpath, sizeof jpath, path, JOURNAL_SUFFIX);
	CHECK_INT_EQ(journal_begin(path, &j, &d), 0);
	journal_close(j);
	{
		size_t n;
		char *head = test_read_file(jpath, &n), buf[8192];

		REQUIRE(head != NULL);
		snprintf(buf, sizeof buf, "%sL gain T1 1\nX what\nL solo T1\n", head);
		test_write_text(jpath, buf);
		CHECK_INT_EQ(journal_read_pending(path, &p, &d), ERR_PARSE);
		CHECK_INT_EQ(d.line, 3);
		snprintf(buf, sizeof buf, "%sL save /tmp/elsewhere.dubstage\n",
		    head);
		test_write_text(jpath, buf);
		CHECK_INT_EQ(journal_read_pending(path, &p, &d), 0);
		{
			struct scmd_ctx ctx = { .session_path = path };
			size_t done = 9;

			ctx.ed = load(path);
			REQUIRE(ctx.ed != NULL);
			ctx.out = ctx.err = tmpfile();
			CHECK_INT_EQ(journal_replay(&ctx, &p, &done), CLI_BAD_INPUT);
			CHECK_INT_EQ(done, 0);
			st_slurp(ctx.err, st_err, sizeof st_err);
			CHECK(strstr(st_err, "not a command a journal holds") != NULL);
			CHECK(access("/tmp/elsewhere.dubstage", F_OK) != 0);
			editor_destroy(ctx.ed);
		}
		journal_pending_fini(&p);
		snprintf(buf, sizeof buf, "%sS 99999\n<dubstage-ses", head);
		test_write_text(jpath, buf);
		CHECK_INT_EQ(journal_read_pending(path, &p, &d), 0);
		CHECK(p.truncated_tail && p.count == 0);
		journal_pending_fini(&p);
		free(head);
	}
	test_write_text(jpath, "hello\n");
	CHECK_INT_EQ(journal_read_pending(path, &p, &d), ERR_PARSE);
}

int
main(void)
{
	test_replay_exact();
	test_stale();
	test_undo_past_save();
	test_refusals();
	return test_report();
}
