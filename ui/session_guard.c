/*
 * session_guard.c - journal, recovery question and replay for the console
 * (the model is in session_guard.h; the journal format in
 * src/cli/journal.h).
 */
#include "ui/session_guard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "cli/cli.h"
#include "cli/journal.h"
#include "cli/scmd.h"
#include "session/edit.h"
#include "ui/console.h"
#include "ui/engine_link.h"

/* Starts a fresh journal for the file as it is now. */
static void
begin_journal(struct console *c)
{
	struct diag d;

	journal_close(c->journal);
	c->journal = NULL;
	if (journal_begin(c->session_path, &c->journal, &d) != 0) {
		char m[200];

		diag_format(&d, m, sizeof m);
		console_message(c, true, "no autosave journal (%s): save often",
		    m);
	}
}

/* Moves the journal aside to <session>.journal.<why>; reports it. */
static void
set_aside(struct console *c, const char *why)
{
	char from[4096], to[4200];

	snprintf(from, sizeof from, "%s%s", c->session_path, JOURNAL_SUFFIX);
	snprintf(to, sizeof to, "%s.%s", from, why);
	if (rename(from, to) == 0)
		console_message(c, false, "the earlier journal was kept as %s",
		    to);
}

/* Replays the pending journal on a copy; adopts it only if all applies. */
static void
recover(struct console *c)
{
	struct journal_pending *p = c->recovery;
	struct session *copy = session_clone(editor_session(c->ed));
	struct editor *ed = copy != NULL ? editor_create(copy) : NULL;
	char *err_text = NULL;
	size_t err_len = 0, replayed = 0;
	FILE *null_out = fopen("/dev/null", "w");
	FILE *err = open_memstream(&err_text, &err_len);
	struct scmd_ctx ctx = { ed, c->session_path, null_out, err };
	struct diag d;
	int rc = CLI_FAILED;

	if (ed == NULL)
		session_destroy(copy);
	else if (null_out != NULL && err != NULL)
		rc = journal_replay(&ctx, p, &replayed);
	if (null_out != NULL)
		fclose(null_out);
	if (err != NULL)
		fclose(err);
	if (rc != CLI_OK) {
		editor_destroy(ctx.ed);
		console_message(c, true, "recovery stopped after %zu of %zu edits "
		    "(%s); nothing applied", replayed, p->count,
		    err_text != NULL ? strtok(err_text, "\n") : "no memory");
		set_aside(c, "failed");
		begin_journal(c);
	} else {
		char m[256];

		editor_destroy(c->ed);
		c->ed = ctx.ed;
		console_message(c, false, "recovered %zu unsaved edits (not yet "
		    "saved: C-s saves)", p->count);
		if (journal_resume(c->session_path, p, &c->journal, &d) != 0) {
			diag_format(&d, m, sizeof m);
			console_message(c, true, "recovered %zu edits, but the "
			    "journal cannot go on (%s): save now (C-s)",
			    p->count, m);
		}
		if (engine_link_sync(c->engine, editor_session(c->ed), m,
		    sizeof m) != 0)
			console_message(c, true, "engine: %s", m);
	}
	free(err_text);
}

static int
answer_recovery(struct console *c, int key)
{
	if (key == 'y' || key == 'Y') {
		recover(c);
	} else {
		set_aside(c, "discarded");
		begin_journal(c);
	}
	journal_pending_fini(c->recovery);
	free(c->recovery);
	c->recovery = NULL;
	c->dirty = true;
	return 0;
}

void
session_guard_start(struct console *c)
{
	struct journal_pending *p = calloc(1, sizeof *p);
	struct diag d;
	int rc;

	if (p == NULL) {
		begin_journal(c);
		return;
	}
	rc = journal_read_pending(c->session_path, p, &d);
	if (rc == 0 && p->count > 0 && p->matches_file) {
		char q[160];

		c->recovery = p;
		snprintf(q, sizeof q, "%zu unsaved edits from an earlier console "
		    "were found. Recover them? (y/n)", p->count);
		console_ask(c, q, answer_recovery);
		return;
	}
	if (rc == 0 && p->count > 0)
		set_aside(c, "stale");
	else if (rc == ERR_PARSE)
		set_aside(c, "damaged");
	if (rc == 0)
		journal_pending_fini(p);
	free(p);
	begin_journal(c);
}

void
session_guard_changed(struct console *c, const struct scmd *cmd,
    const char *line)
{
	struct diag d;

	if (c->journal == NULL)
		return;
	if (journal_append(c->journal, c->ed, cmd, line, &d) != 0) {
		char m[200];

		diag_format(&d, m, sizeof m);
		console_message(c, true, "journal: %s: save now (C-s)", m);
	}
}

void
session_guard_saved(struct console *c)
{
	if (!editor_is_dirty(c->ed))
		begin_journal(c);
}

void
session_guard_stop(struct console *c, bool clean)
{
	if (c->guard_stopped)
		return;
	c->guard_stopped = true;
	journal_close(c->journal);
	c->journal = NULL;
	if (clean)
		journal_discard(c->session_path);
}
