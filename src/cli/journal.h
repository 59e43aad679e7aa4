/*
 * journal.h - the console's autosave: the session command lines that
 * changed the session since it was loaded or last saved, each on disk
 * (fdatasync'd) before the console goes on, so a dropped SSH link, SIGTERM,
 * kill -9 or a crash loses nothing. The next start reads the journal and
 * offers to replay it onto the session file.
 *
 * The file, "<session path>.journal", is text:
 *
 *   dubstage-journal 1 SIZE FNV1A64      the session file it applies to
 *   L gain T3 -2.5                       a command line, as typed
 *   S NBYTES                             a snapshot: the whole session as
 *   <NBYTES bytes of session XML>        XML, replacing the model, then
 *                                        a newline
 *
 * Which file: the header holds the session file's size and the 64-bit
 * FNV-1a hash of its bytes. A hash of the contents (not size + mtime)
 * because mtimes are copied by cp -p / rsync / version control and are
 * coarse on some file systems, while the contents are exactly what the
 * journal's lines were applied to; session files are small, so hashing one
 * on load and save costs nothing a person notices. A journal whose header
 * does not match the file is stale and is never replayed.
 *
 * Why snapshots: lines replay onto a fresh editor, whose undo history
 * starts at the journal's header. An "undo" that reaches past that point
 * (undoing a change made before the last save) cannot be replayed as a
 * line, so journal_append writes the resulting session instead; replay
 * then continues from that state (its undo history starts there too). The
 * replaying editor uses the default undo limit; a console that changes the
 * limit makes replay of deep undos differ.
 *
 * A crash can leave a partly written last record: it is ignored (the
 * command it held had not been acknowledged on screen). A line containing a
 * newline is refused (a command line never has one).
 *
 * Main thread only; blocks on disk I/O (one fdatasync per command).
 */
#ifndef DUBSTAGE_CLI_JOURNAL_H
#define DUBSTAGE_CLI_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "cli/scmd.h"

#define JOURNAL_SUFFIX ".journal"

struct editor;
struct journal;

/*
 * Starts a new journal for the session file at session_path (after a load,
 * or after saving to that file): replaces "<session_path>.journal"
 * atomically with a header naming the file's current bytes. Returns 0 with
 * *out (free with journal_close), ERR_IO or ERR_NOMEM with d filled.
 */
int journal_begin(const char *session_path, struct journal **out,
    struct diag *d);

/*
 * Records a command line that ran successfully on ed. Call it for every
 * successful scmd_run_line: commands without SCMD_CHANGES are skipped
 * (returns 0). "undo"/"redo" that a replay could not reproduce are written
 * as a snapshot of ed's session. The record is fdatasync'd before this
 * returns. 0; ERR_INVALID for a line with a newline; ERR_IO / ERR_NOMEM
 * with d filled - after an I/O error the journal refuses further records
 * (the console should tell the person to save); ERR_IO too when j is NULL
 * (no journal could be started).
 */
int journal_append(struct journal *j, const struct editor *ed,
    const struct scmd *cmd, const char *line, struct diag *d);

/* Closes the journal and keeps the file (NULL is a no-op). */
void journal_close(struct journal *j);

/* Removes "<session_path>.journal" (after a clean save and quit). 0, also
 * when there is none, or ERR_IO. */
int journal_discard(const char *session_path);

/* One journal record. */
struct journal_entry {
	char *line;           /* the command line, or NULL for a snapshot */
	char *snapshot;       /* session XML (NUL-terminated) or NULL */
	size_t snapshot_size; /* bytes, without the NUL */
};

/* What a journal holds; free with journal_pending_fini. */
struct journal_pending {
	struct journal_entry *entries;
	size_t count;
	bool matches_file;    /* header names the session file's current bytes */
	bool truncated_tail;  /* a partial last record was ignored */
	uint64_t valid_size;  /* bytes up to the end of the last whole record */
	size_t undo_depth, redo_depth;  /* history a replay ends with */
};

/*
 * Reads "<session_path>.journal". Returns 0 with *p filled (count may be
 * 0: nothing to recover); ERR_NOTFOUND when there is no journal; ERR_PARSE
 * (d: line) when it is not a journal or is damaged before its last record;
 * ERR_IO / ERR_NOMEM. Callers offer recovery when matches_file and count >
 * 0, and report a journal that does not match as stale (not replayed).
 */
int journal_read_pending(const char *session_path, struct journal_pending *p,
    struct diag *d);
void journal_pending_fini(struct journal_pending *p);

/*
 * Replays the entries in order through scmd_run_line on ctx (reports go to
 * ctx->out/err), stopping at the first that fails. A snapshot replaces
 * ctx->ed with a new editor holding that session (the old editor is
 * destroyed; its session path is kept), so callers re-read ctx->ed.
 * *replayed (may be NULL) gets the number of entries applied. Returns
 * CLI_OK or the failing command's exit code (CLI_BAD_INPUT for a snapshot
 * that does not load). Nothing checks matches_file here: that is the
 * caller's decision, made before.
 */
int journal_replay(struct scmd_ctx *ctx, const struct journal_pending *p,
    size_t *replayed);

/*
 * Continues an existing journal after a successful replay of all of p onto
 * the unchanged session file: cuts any partial last record and appends
 * from there, with the history depth the replay ended with. Returns 0 with
 * *out, ERR_IO / ERR_NOMEM.
 */
int journal_resume(const char *session_path, const struct journal_pending *p,
    struct journal **out, struct diag *d);

#endif
