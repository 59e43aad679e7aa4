/*
 * Session commands (scmd.h): splitting, every mixer/marker/insert/history
 * command's effect on the model, and that every error leaves the session
 * exactly as it was (compared through the serialised file).
 */
#include "cli/scmd_test.h"

static void
test_split(void)
{
	static const struct {
		const char *line;
		int n;
		const char *words[5];
	} cases[] = {
		{ "gain T3 -2.5", 3, { "gain", "T3", "-2.5" } },
		{ "  rename\tT1  \"DIA Anna\"  ", 3, { "rename", "T1", "DIA Anna" } },
		{ "rename T1 'it''s' x", 4, { "rename", "T1", "its", "x" } },
		{ "rename T1 'a \"b\" \\c'", 3, { "rename", "T1", "a \"b\" \\c" } },
		{ "rename T1 \"say \\\"hi\\\"\"", 3, { "rename", "T1", "say \"hi\"" } },
		{ "rename T1 a\\ b", 3, { "rename", "T1", "a b" } },
		{ "rename T1 \"\"", 3, { "rename", "T1", "" } },
		{ "solo T1 # a comment", 2, { "solo", "T1" } },
		{ "solo T1#not-a-comment", 2, { "solo", "T1#not-a-comment" } },
		{ "", 0, { NULL } },
		{ "   # only a comment", 0, { NULL } },
	};
	char **argv;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int n = scmd_split(cases[i].line, &argv, stderr);

		CHECK_INT_EQ(n, cases[i].n);
		for (int k = 0; k < n && k < cases[i].n; k++)
			CHECK_STR_EQ(argv[k], cases[i].words[k]);
		if (n > 0)
			CHECK(argv[n] == NULL);
		scmd_free_words(argv);
	}
	FILE *err = tmpfile();
	char msg[256];

	CHECK_INT_EQ(scmd_split("rename T1 \"open", &argv, err), -1);
	CHECK(argv == NULL);
	CHECK_INT_EQ(scmd_split("rename T1 'open", &argv, err), -1);
	CHECK_INT_EQ(scmd_split("rename T1 x\\", &argv, err), -1);
	st_slurp(err, msg, sizeof msg);
	CHECK(strstr(msg, "unbalanced") != NULL);
	{
		char many[400] = "gain";

		for (int i = 0; i < 70; i++)
			strcat(many, " x");
		CHECK_INT_EQ(scmd_split(many, &argv, NULL), -1);
	}
}

static void
test_table(void)
{
	size_t n = 0;

	for (; scmd_table[n] != NULL; n++) {
		const struct scmd *c = scmd_table[n];

		CHECK(c->name != NULL && c->args != NULL && c->summary != NULL &&
		    c->run != NULL);
		CHECK(scmd_find(c->name) == c);
		CHECK((c->flags & (SCMD_CHANGES | SCMD_SAVES)) != 0);
	}
	CHECK(n >= 23);
	CHECK(scmd_find("frobnicate") == NULL);
	CHECK(scmd_find("save")->flags == SCMD_SAVES);
	CHECK(scmd_find("undo")->flags & SCMD_CHANGES);
}

static void
test_runner(void)
{
	struct editor *ed = st_make("25", false);
	struct scmd_ctx ctx = { .ed = ed };
	const struct scmd *cmd = (const struct scmd *)1;

	REQUIRE(ed != NULL);
	CHECK_INT_EQ(st_run_ctx(&ctx, "frobnicate T1", &cmd), CLI_USAGE);
	CHECK(cmd == NULL);
	CHECK(strstr(st_err, "unknown command 'frobnicate'") != NULL);
	CHECK_INT_EQ(st_run_ctx(&ctx, "   ", &cmd), CLI_OK);
	CHECK(cmd == NULL);
	CHECK_INT_EQ(st_run_ctx(&ctx, "gain T1 \"-1", &cmd), CLI_USAGE);
	CHECK_INT_EQ(st_run_ctx(&ctx, "gain --help", &cmd), CLI_OK);
	CHECK(cmd == NULL);
	CHECK(strstr(st_out, "usage: gain ID DB") != NULL);
	CHECK_INT_EQ(st_run_ctx(&ctx, "solo T1", &cmd), CLI_OK);
	CHECK(cmd == scmd_find("solo"));
	ST_FAILS(ed, "gain T1 -1 --bogus", CLI_USAGE, "unknown option '--bogus'");
	editor_destroy(ed);
}

static void
test_gain(void)
{
	struct editor *ed = st_make("25", false);

	REQUIRE(ed != NULL);
	ST_OK(ed, "gain T1 -2.5", "T1 gain -2.5 dB");
	CHECK_NEAR(st_strip(ed, ID_TRACK, 1)->gain_db, -2.5, 0);
	ST_OK(ed, "gain t1 --by 0.1", "T1 gain -2.4 dB");
	ST_OK(ed, "gain T1 --by=0.1", "T1 gain -2.3 dB");
	CHECK_NEAR(st_strip(ed, ID_TRACK, 1)->gain_db, -2.3, 0);
	ST_OK(ed, "gain B2 6", "B2 gain 6 dB");
	CHECK_NEAR(st_strip(ed, ID_BUS, 2)->gain_db, 6, 0);
	ST_OK(ed, "gain C1 -3", "C1 gain -3 dB");
	CHECK_NEAR(st_clip(ed, 1)->gain_db, -3, 0);
	ST_OK(ed, "gain master -1", "master gain -1 dB");
	CHECK_NEAR(editor_session(ed)->master.gain_db, -1, 0);
	CHECK_INT_EQ(editor_session(ed)->master.format, CHAN_STEREO);
	ST_OK(ed, "gain master --by -0.5", "master gain -1.5 dB");
	/* relative moves clamp: holding the fader key at the top is harmless */
	ST_OK(ed, "gain T2 20", NULL);
	ST_OK(ed, "gain T2 --by 6", "T2 gain 24 dB");
	ST_OK(ed, "gain T2 --by 6", "T2 gain 24 dB");
	CHECK_NEAR(st_strip(ed, ID_TRACK, 2)->gain_db, SESSION_GAIN_MAX_DB, 0);
	ST_OK(ed, "gain T2 -inf", "T2 gain -inf dB");
	CHECK_NEAR(st_strip(ed, ID_TRACK, 2)->gain_db, SESSION_GAIN_MIN_DB, 0);
	ST_OK(ed, "gain T2 --by -1", "T2 gain -inf dB");
	ST_OK(ed, "gain T2 --by 1", "T2 gain -143 dB");

	ST_FAILS(ed, "gain T1 30", CLI_USAGE, "outside");
	ST_FAILS(ed, "gain T1 -200", CLI_USAGE, "outside");
	ST_FAILS(ed, "gain T1 loud", CLI_USAGE, "not a level");
	ST_FAILS(ed, "gain T1 nan", CLI_USAGE, NULL);
	ST_FAILS(ed, "gain T1 inf", CLI_USAGE, NULL);
	ST_FAILS(ed, "gain T9 -1", CLI_FAILED, "no T9");
	ST_FAILS(ed, "gain M1 -1", CLI_USAGE, "expected");
	ST_FAILS(ed, "gain X1 -1", CLI_USAGE, "not an id");
	ST_FAILS(ed, "gain T1", CLI_USAGE, "usage: gain");
	ST_FAILS(ed, "gain T1 1 2", CLI_USAGE, NULL);
	ST_FAILS(ed, "gain T1 --by", CLI_USAGE, "needs a value");
	ST_FAILS(ed, "gain T1 --by x", CLI_USAGE, NULL);
	ST_FAILS(ed, "gain T1 --by 1 --by 2", CLI_USAGE, "twice");
	editor_destroy(ed);
}

static void
test_switches_pan(void)
{
	struct editor *ed = st_make("25", false);
	struct strip *st;

	REQUIRE(ed != NULL);
	ST_OK(ed, "mute t1", "T1 mute on");
	CHECK(st_strip(ed, ID_TRACK, 1)->mute);
	ST_OK(ed, "mute T1", "T1 mute off");
	ST_OK(ed, "mute T1 on", "T1 mute on");
	ST_OK(ed, "mute T1 on", "T1 mute on");
	CHECK(st_strip(ed, ID_TRACK, 1)->mute);
	ST_OK(ed, "mute T1 off", NULL);
	CHECK(!st_strip(ed, ID_TRACK, 1)->mute);
	ST_OK(ed, "mute C1 toggle", "C1 mute on");
	CHECK(st_clip(ed, 1)->mute);
	ST_OK(ed, "mute B1", "B1 mute on");
	ST_OK(ed, "solo T2", "T2 solo on");
	CHECK(st_strip(ed, ID_TRACK, 2)->solo);
	ST_OK(ed, "solo B2 on", NULL);
	CHECK(st_strip(ed, ID_BUS, 2)->solo);
	ST_FAILS(ed, "solo C1", CLI_USAGE, "expected");
	ST_FAILS(ed, "mute T1 maybe", CLI_USAGE, "on, off or toggle");
	ST_FAILS(ed, "mute T1 on off", CLI_USAGE, NULL);

	ST_OK(ed, "pan t2 -0.5", "T2 pan x -0.5 y 1 divergence 0");
	st = st_strip(ed, ID_TRACK, 2);
	CHECK_NEAR(st->pan.x, -0.5, 0);
	ST_OK(ed, "pan T2 0.25 1 0.5", "x 0.25 y 1 divergence 0.5");
	st = st_strip(ed, ID_TRACK, 2);
	CHECK_NEAR(st->pan.y, 1, 0);
	CHECK_NEAR(st->pan.divergence, 0.5, 0);
	ST_OK(ed, "pan T2 --by -0.1", "x 0.15 y 1");
	ST_OK(ed, "pan T2 --by 2", "x 1 y 1");
	ST_FAILS(ed, "pan T2 --by -5", CLI_USAGE, NULL);
	ST_FAILS(ed, "pan T2 1.5", CLI_USAGE, "outside");
	ST_FAILS(ed, "pan T2 0 0 2", CLI_USAGE, "divergence");
	ST_FAILS(ed, "pan C1 0", CLI_USAGE, NULL);
	ST_FAILS(ed, "pan T2", CLI_USAGE, NULL);
	editor_destroy(ed);
}

static void
test_routing(void)
{
	struct editor *ed = st_make("25", false);
	struct strip *st;
	const struct send *snd;

	REQUIRE(ed != NULL);
	ST_OK(ed, "send T1 B1 -6 --pre", "T1 send to B1 -6 dB, pre-fader");
	st = st_strip(ed, ID_TRACK, 1);
	snd = strip_send(st, (struct id){ ID_BUS, 1 });
	REQUIRE(snd != NULL);
	CHECK_NEAR(snd->level_db, -6, 0);
	CHECK(snd->pre_fader && !snd->mute);
	ST_OK(ed, "send T1 B1 -3 --mute", "muted");
	snd = strip_send(st_strip(ed, ID_TRACK, 1), (struct id){ ID_BUS, 1 });
	CHECK(snd != NULL && !snd->pre_fader && snd->mute &&
	    snd->level_db == -3);
	ST_OK(ed, "output T1 B2", "T1 output B2");
	CHECK_INT_EQ(st_strip(ed, ID_TRACK, 1)->output.num, 2);
	ST_OK(ed, "output B1 B2", NULL);
	/* B2 -> B1 would close a loop through B1 -> B2 */
	ST_FAILS(ed, "output B2 B1", CLI_FAILED, "routing loop");
	ST_FAILS(ed, "send B2 B1 0", CLI_FAILED, "routing loop");
	ST_FAILS(ed, "send B1 B1 0", CLI_FAILED, "itself");
	ST_FAILS(ed, "send T1 T2 0", CLI_USAGE, NULL);
	ST_FAILS(ed, "send T1 B9 0", CLI_FAILED, "no B9");
	ST_FAILS(ed, "send T1 B1", CLI_USAGE, NULL);
	ST_OK(ed, "output B1 master", "B1 output master");
	CHECK_INT_EQ(st_strip(ed, ID_BUS, 1)->output.num, 0);
	ST_OK(ed, "unsend T1 B1", "removed");
	CHECK(strip_send(st_strip(ed, ID_TRACK, 1), (struct id){ ID_BUS, 1 }) ==
	    NULL);
	ST_FAILS(ed, "unsend T1 B1", CLI_FAILED, "no send");
	ST_FAILS(ed, "output T1 T2", CLI_USAGE, NULL);
	editor_destroy(ed);
}

static void
test_rename_remove_markers(void)
{
	struct editor *ed = st_make("25", false);
	struct session *s;
	struct marker *m;

	REQUIRE(ed != NULL);
	ST_OK(ed, "rename T1 \"DIA Anna\"", "T1 renamed \"DIA Anna\"");
	CHECK_STR_EQ(st_strip(ed, ID_TRACK, 1)->name, "DIA Anna");
	ST_OK(ed, "rename C1 'Anna: hello'", NULL);
	CHECK_STR_EQ(st_clip(ed, 1)->name, "Anna: hello");
	ST_FAILS(ed, "rename T1 DIA Anna", CLI_USAGE, "quote");
	ST_FAILS(ed, "rename T1 ''", CLI_USAGE, "empty");

	ST_OK(ed, "marker 'door slam' 00:00:04:00", "M1 \"door slam\" at 00:00:04:00");
	s = editor_session(ed);
	m = session_marker(s, (struct id){ ID_MARKER, 1 });
	REQUIRE(m != NULL);
	CHECK_STR_EQ(m->name, "door slam");
	CHECK_INT_EQ(m->position_frames, 4 * 48000);
	ST_OK(ed, "marker-move M1 1000", "M1 at 00:00:00:00");
	CHECK_INT_EQ(session_marker(editor_session(ed),
	    (struct id){ ID_MARKER, 1 })->position_frames, 1000);
	ST_FAILS(ed, "marker x 00:00:99:00", CLI_USAGE, "not a position");
	ST_FAILS(ed, "marker x -5", CLI_USAGE, "not a position");
	ST_FAILS(ed, "marker-move M7 0", CLI_FAILED, "no M7");
	ST_OK(ed, "remove M1", "M1 removed");
	CHECK_INT_EQ(editor_session(ed)->marker_count, 0);

	ST_FAILS(ed, "remove S1", CLI_FAILED, "still played");
	ST_OK(ed, "remove C2", "C2 removed");
	ST_OK(ed, "remove T2", NULL);
	CHECK(st_strip(ed, ID_TRACK, 2) == NULL);
	ST_OK(ed, "remove B1", NULL);
	ST_FAILS(ed, "remove B1", CLI_FAILED, "no B1");
	ST_FAILS(ed, "remove", CLI_USAGE, NULL);
	editor_destroy(ed);
}

static void
test_inserts(void)
{
	struct editor *ed = st_make("25", false);
	struct strip *st;

	REQUIRE(ed != NULL);
	ST_OK(ed, "insert T1 eq", "T1 insert 1 eq");
	ST_OK(ed, "insert T1 dynamics", "T1 insert 2 dynamics");
	st = st_strip(ed, ID_TRACK, 1);
	REQUIRE(st->insert_count == 2);
	CHECK_STR_EQ(st->inserts[1].kind, "dynamics");
	ST_OK(ed, "insert-param T1 1 band1-gain-db -3", "T1 insert 1 band1-gain-db -3");
	st = st_strip(ed, ID_TRACK, 1);
	REQUIRE(st->inserts[0].param_count == 1);
	CHECK_STR_EQ(st->inserts[0].params[0].name, "band1-gain-db");
	CHECK_NEAR(st->inserts[0].params[0].value, -3, 0);
	ST_OK(ed, "insert-param T1 2 ratio 8", NULL);
	ST_FAILS(ed, "insert-param T1 2 ratio 0.5", CLI_USAGE, "ratio");
	ST_FAILS(ed, "insert-param T1 1 wobble 1", CLI_USAGE, "wobble");
	ST_FAILS(ed, "insert-param T1 3 ratio 2", CLI_FAILED, "no insert 3");
	ST_FAILS(ed, "insert-param T1 0 ratio 2", CLI_USAGE, NULL);
	ST_FAILS(ed, "insert-param T1 2 ratio x", CLI_USAGE, NULL);
	ST_FAILS(ed, "insert T1 reverb", CLI_USAGE, "no insert kind 'reverb'");
	ST_OK(ed, "bypass T1 2", "T1 insert 2 bypass on");
	CHECK(st_strip(ed, ID_TRACK, 1)->inserts[1].bypass);
	ST_OK(ed, "bypass T1 2 off", "bypass off");
	CHECK(!st_strip(ed, ID_TRACK, 1)->inserts[1].bypass);
	ST_OK(ed, "uninsert T1 1", "T1 insert 1 removed");
	st = st_strip(ed, ID_TRACK, 1);
	CHECK_INT_EQ(st->insert_count, 1);
	CHECK_STR_EQ(st->inserts[0].kind, "dynamics");
	ST_FAILS(ed, "uninsert T1 2", CLI_FAILED, NULL);
	ST_FAILS(ed, "insert C1 eq", CLI_USAGE, NULL);
	editor_destroy(ed);
}

static void
test_undo_redo(void)
{
	struct editor *ed = st_make("25", false);
	char *before, *after;

	REQUIRE(ed != NULL);
	ST_FAILS(ed, "redo", CLI_FAILED, "nothing to redo");
	before = st_dump(ed);
	ST_OK(ed, "gain T1 -6", NULL);
	after = st_dump(ed);
	ST_OK(ed, "undo", "undo: set gain T1");
	CHECK_NEAR(st_strip(ed, ID_TRACK, 1)->gain_db, 0, 0);
	{
		char *now = st_dump(ed);

		CHECK(now != NULL && before != NULL && strcmp(now, before) == 0);
		free(now);
	}
	ST_OK(ed, "redo", "redo: set gain T1");
	{
		char *now = st_dump(ed);

		CHECK(now != NULL && after != NULL && strcmp(now, after) == 0);
		free(now);
	}
	ST_FAILS(ed, "undo now", CLI_USAGE, NULL);
	ST_OK(ed, "undo", NULL);
	ST_OK(ed, "undo", "undo: add clip C2");
	free(before);
	free(after);
	editor_destroy(ed);
}

static void
test_save(void)
{
	struct editor *ed = st_make("25", false);
	struct scmd_ctx ctx = { .ed = ed };
	const char *path = test_path("save.dubstage");
	char bak[4200], copy[4200];
	struct session *back = NULL;
	struct diag d;
	char *xml, *disk;
	size_t n;

	REQUIRE(ed != NULL);
	unlink(path);
	ST_FAILS(ed, "save", CLI_USAGE, "give a PATH");
	ctx.session_path = path;
	ST_OK(ed, "gain T1 -1", NULL);
	CHECK(editor_is_dirty(ed));
	CHECK_INT_EQ(st_run_ctx(&ctx, "save", NULL), CLI_OK);
	CHECK(strstr(st_out, "saved") != NULL);
	CHECK(!editor_is_dirty(ed));
	xml = st_dump(ed);
	disk = test_read_file(path, &n);
	CHECK(xml != NULL && disk != NULL && strcmp(xml, disk) == 0);
	free(disk);
	CHECK_INT_EQ(session_xml_load(path, &back, &d), 0);
	if (back != NULL)
		CHECK_NEAR(session_track(back, (struct id){ ID_TRACK, 1 })->strip.gain_db,
		    -1, 0);
	session_destroy(back);
	/* the second save keeps the first as .bak */
	ST_OK(ed, "gain T1 -2", NULL);
	CHECK_INT_EQ(st_run_ctx(&ctx, "save", NULL), CLI_OK);
	test_join(bak, sizeof bak, path, ".bak");
	disk = test_read_file(bak, &n);
	CHECK(disk != NULL && xml != NULL && strcmp(disk, xml) == 0);
	free(disk);
	free(xml);
	/* a copy elsewhere: written, session not marked saved */
	ST_OK(ed, "gain T1 -3", NULL);
	snprintf(copy, sizeof copy, "%s", test_path("copy.dubstage"));
	{
		char line[4300];

		snprintf(line, sizeof line, "save '%s'", copy);
		CHECK_INT_EQ(st_run_ctx(&ctx, line, NULL), CLI_OK);
	}
	CHECK(strstr(st_out, "copy") != NULL);
	CHECK(access(copy, F_OK) == 0);
	CHECK(editor_is_dirty(ed));
	CHECK_INT_EQ(st_run_ctx(&ctx, "save /nonexistent-dir/x.dubstage", NULL),
	    CLI_FAILED);
	CHECK(strstr(st_err, "save: ") == st_err);
	editor_destroy(ed);
}

int
main(void)
{
	test_split();
	test_table();
	test_runner();
	test_gain();
	test_switches_pan();
	test_routing();
	test_rename_remove_markers();
	test_inserts();
	test_undo_redo();
	test_save();
	return test_report();
}
