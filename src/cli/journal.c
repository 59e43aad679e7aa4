/* journal.c - the console's autosave journal (journal.h). */
#include "cli/journal.h"
#include "base/atomic_file.h"
#include "base/fd_io.h"
#include "base/path.h"
#include "base/strutil.h"
#include "cli/cli.h"
#include "session/edit.h"
#include "session/session_xml.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define JOURNAL_MAGIC "dubstage-journal 1"
/* Refuse to read journals beyond this (a snapshot is at most a session). */
#define JOURNAL_MAX_BYTES ((uint64_t)SESSION_XML_MAX_BYTES * 4)

struct journal {
	int fd;
	char *path;
	size_t undo_depth, redo_depth;  /* what a replaying editor could do */
	bool broken;                    /* a write failed: refuse more */
};

static char *
journal_path(const char *session_path)
{
	size_t n = strlen(session_path);
	char *p = malloc(n + sizeof JOURNAL_SUFFIX);

	if (p != NULL) {
		memcpy(p, session_path, n);
		memcpy(p + n, JOURNAL_SUFFIX, sizeof JOURNAL_SUFFIX);
	}
	return p;
}

/* ---- history depth ------------------------------------------------------ */

enum hist { HIST_CHANGE, HIST_UNDO, HIST_REDO };

static enum hist
hist_of_name(const char *name)
{
	if (strcmp(name, "undo") == 0)
		return HIST_UNDO;
	if (strcmp(name, "redo") == 0)
		return HIST_REDO;
	return HIST_CHANGE;
}

/* Applies one record's effect on the replaying editor's history; false
 * when a replay could not do it (an undo/redo beyond what it has). */
static bool
hist_step(size_t *undo, size_t *redo, enum hist h)
{
	switch (h) {
	case HIST_UNDO:
		if (*undo == 0)
			return false;
		(*undo)--;
		(*redo)++;
		return true;
	case HIST_REDO:
		if (*redo == 0)
			return false;
		(*redo)--;
		(*undo)++;
		return true;
	default:
		(*undo)++;
		*redo = 0;
		return true;
	}
}

/* ---- the session file's identity ---------------------------------------- */

static int
hash_file(const char *path, uint64_t *size, uint64_t *hash, struct diag *d)
{
	unsigned char buf[65536];
	uint64_t h = 0xcbf29ce484222325u, n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t got;

	if (fd < 0)
		return diag_set(d, ERR_IO, path, 0, "%s", strerror(errno));
	while ((got = read(fd, buf, sizeof buf)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			diag_set(d, ERR_IO, path, 0, "%s", strerror(errno));
			close(fd);
			return ERR_IO;
		}
		for (ssize_t i = 0; i < got; i++) {
			h ^= buf[i];
			h *= 0x100000001b3u;
		}
		n += (uint64_t)got;
	}
	close(fd);
	*size = n;
	*hash = h;
	return 0;
}

/* ---- writing ------------------------------------------------------------ */

static int
open_append(const char *session_path, uint64_t keep, struct journal **out,
    struct diag *d)
{
	struct journal *j = calloc(1, sizeof *j);

	*out = NULL;
	if (j == NULL || (j->path = journal_path(session_path)) == NULL) {
		free(j);
		return ERR_NOMEM;
	}
	j->fd = open(j->path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (j->fd < 0 || (keep != UINT64_MAX && (ftruncate(j->fd, (off_t)keep)
	    != 0 || fdatasync(j->fd) != 0))) {
		diag_set(d, ERR_IO, j->path, 0, "%s", strerror(errno));
		journal_close(j);
		return ERR_IO;
	}
	*out = j;
	return 0;
}

int
journal_begin(const char *session_path, struct journal **out, struct diag *d)
{
	uint64_t size, hash;
	char header[128], *jpath;
	int n, rc;

	*out = NULL;
	if ((rc = hash_file(session_path, &size, &hash, d)) != 0)
		return rc;
	n = snprintf(header, sizeof header, JOURNAL_MAGIC " %" PRIu64
	    " %016" PRIx64 "\n", size, hash);
	if ((jpath = journal_path(session_path)) == NULL)
		return ERR_NOMEM;
	rc = atomic_file_write(jpath, header, (size_t)n, false, d);
	free(jpath);
	if (rc != 0)
		return rc;
	return open_append(session_path, UINT64_MAX, out, d);
}

static int
append_record(struct journal *j, const char *head, size_t head_len,
    const char *body, size_t body_len, struct diag *d)
{
	if (fd_write_all(j->fd, head, head_len) != 0 ||
	    fd_write_all(j->fd, body, body_len) != 0 ||
	    fd_write_all(j->fd, "\n", 1) != 0 || fdatasync(j->fd) != 0) {
		j->broken = true;
		return diag_set(d, ERR_IO, j->path, 0, "%s", strerror(errno));
	}
	return 0;
}

int
journal_append(struct journal *j, const struct editor *ed,
    const struct scmd *cmd, const char *line, struct diag *d)
{
	size_t undo = j->undo_depth, redo = j->redo_depth;
	char head[64], *xml = NULL;
	size_t size = 0;
	int rc, n;

	if (cmd == NULL || !(cmd->flags & SCMD_CHANGES))
		return 0;
	if (j == NULL)
		return diag_set(d, ERR_IO, NULL, 0, "no journal is open");
	if (strchr(line, '\n') != NULL)
		return diag_set(d, ERR_INVALID, j->path, 0, "a command line with "
		    "a newline cannot be journaled");
	if (j->broken)
		return diag_set(d, ERR_IO, j->path, 0, "an earlier write failed; "
		    "the journal is not kept");
	if (hist_step(&undo, &redo, hist_of_name(cmd->name))) {
		if ((rc = append_record(j, "L ", 2, line, strlen(line), d)) != 0)
			return rc;
		j->undo_depth = undo;
		j->redo_depth = redo;
		return 0;
	}
	/* a history step a replay could not take: record the result */
	if ((rc = session_xml_write_memory(editor_session(ed), &xml, &size,
	    d)) != 0)
		return rc;
	n = snprintf(head, sizeof head, "S %zu\n", size);
	rc = append_record(j, head, (size_t)n, xml, size, d);
	free(xml);
	if (rc == 0)
		j->undo_depth = j->redo_depth = 0;
	return rc;
}

void
journal_close(struct journal *j)
{
	if (j == NULL)
		return;
	if (j->fd >= 0)
		close(j->fd);
	free(j->path);
	free(j);
}

int
journal_discard(const char *session_path)
{
	char *p = journal_path(session_path);
	int rc = 0;

	if (p == NULL)
		return ERR_NOMEM;
	if (unlink(p) != 0 && errno != ENOENT)
		rc = ERR_IO;
	free(p);
	return rc;
}

int
journal_resume(const char *session_path, const struct journal_pending *p,
    struct journal **out, struct diag *d)
{
	int rc = open_append(session_path, p->valid_size, out, d);

	if (rc == 0) {
		(*out)->undo_depth = p->undo_depth;
		(*out)->redo_depth = p->redo_depth;
	}
	return rc;
}

/* ---- reading ------------------------------------------------------------ */

static int
read_all(const char *path, char **data, size_t *size, struct diag *d)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	char *buf;

	if (fd < 0)
		return errno == ENOENT ? ERR_NOTFOUND :
		    diag_set(d, ERR_IO, path, 0, "%s", strerror(errno));
	if (fstat(fd, &st) != 0 || (uint64_t)st.st_size > JOURNAL_MAX_BYTES) {
		close(fd);
		return diag_set(d, ERR_IO, path, 0, "cannot read (or too large)");
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return ERR_NOMEM;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	buf[got] = '\0';
	*data = buf;
	*size = got;
	return 0;
}

/* True when nothing but a partial record (no newline, or only NULs a
 * crash left in unsynced blocks) remains from p to end. */
static bool
only_tail(const char *p, const char *end)
{
	bool nul = true;

	for (const char *q = p; q < end; q++)
		nul &= *q == '\0';
	return nul || memchr(p, '\n', (size_t)(end - p)) == NULL;
}

static int
add_entry(struct journal_pending *jp, size_t *cap, struct journal_entry e)
{
	if (jp->count == *cap) {
		size_t ncap = *cap == 0 ? 32 : *cap * 2;
		struct journal_entry *n = realloc(jp->entries, ncap * sizeof *n);

		if (n == NULL)
			return ERR_NOMEM;
		jp->entries = n;
		*cap = ncap;
	}
	jp->entries[jp->count++] = e;
	return 0;
}

static enum hist
hist_of_line(const char *line)
{
	char **argv;
	enum hist h = HIST_CHANGE;

	if (scmd_split(line, &argv, NULL) > 0) {
		h = hist_of_name(argv[0]);
		scmd_free_words(argv);
	}
	return h;
}

/* Parses the records after the header; lineno counts file lines for d. */
static int
parse_records(const char *path, const char *data, const char *p,
    const char *end, int lineno, struct journal_pending *jp, struct diag *d)
{
	size_t cap = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct journal_entry e = { 0 };
		int rc;

		if (nl != NULL && nl - p >= 2 && p[0] == 'L' && p[1] == ' ' &&
		    memchr(p, '\0', (size_t)(nl - p)) == NULL) {
			if ((e.line = strndup(p + 2, (size_t)(nl - p - 2))) == NULL)
				return ERR_NOMEM;
			if (!hist_step(&jp->undo_depth, &jp->redo_depth,
			    hist_of_line(e.line)))
				jp->undo_depth = jp->redo_depth = 0;  /* replay fails */
			p = nl + 1;
		} else if (nl != NULL && p[0] == 'S' && p[1] == ' ') {
			char num[32];
			int64_t n;
			size_t len = (size_t)(nl - p - 2);

			if (len == 0 || len >= sizeof num)
				goto bad;
			memcpy(num, p + 2, len);
			num[len] = '\0';
			if (str_to_i64(num, &n) != 0 || n < 0)
				goto bad;
			if ((uint64_t)(end - (nl + 1)) < (uint64_t)n + 1) {
				jp->truncated_tail = true;   /* cut mid-snapshot */
				return 0;
			}
			if (nl[1 + n] != '\n')
				goto bad;
			if ((e.snapshot = strndup(nl + 1, (size_t)n)) == NULL)
				return ERR_NOMEM;
			e.snapshot_size = (size_t)n;
			for (const char *q = nl + 1; q < nl + 1 + n; q++)
				lineno += *q == '\n';
			lineno++;
			jp->undo_depth = jp->redo_depth = 0;
			p = nl + 1 + n + 1;
		} else {
			if (only_tail(p, end)) {
				jp->truncated_tail = true;
				return 0;
			}
			goto bad;
		}
		if ((rc = add_entry(jp, &cap, e)) != 0) {
			free(e.line);
			free(e.snapshot);
			return rc;
		}
		jp->valid_size = (uint64_t)(p - data);
		lineno++;
		continue;
bad:
		return diag_set(d, ERR_PARSE, path, lineno, "damaged journal "
		    "record");
	}
	return 0;
}

int
journal_read_pending(const char *session_path, struct journal_pending *p,
    struct diag *d)
{
	char *path = journal_path(session_path), *data = NULL, *nl;
	uint64_t want_size, want_hash, size, hash;
	size_t n = 0;
	int rc, used = 0;

	memset(p, 0, sizeof *p);
	if (path == NULL)
		return ERR_NOMEM;
	if ((rc = read_all(path, &data, &n, d)) != 0)
		goto out;
	nl = memchr(data, '\n', n);
	if (nl == NULL || sscanf(data, JOURNAL_MAGIC " %" SCNu64 " %16" SCNx64
	    "%n", &want_size, &want_hash, &used) != 2 || data + used != nl) {
		rc = diag_set(d, ERR_PARSE, path, 1, "not a dubstage journal");
		goto out;
	}
	p->valid_size = (uint64_t)(nl + 1 - data);
	rc = parse_records(path, data, nl + 1, data + n, 2, p, d);
	if (rc != 0) {
		journal_pending_fini(p);
		goto out;
	}
	p->matches_file = hash_file(session_path, &size, &hash, NULL) == 0 &&
	    size == want_size && hash == want_hash;
out:
	free(data);
	free(path);
	return rc;
}

void
journal_pending_fini(struct journal_pending *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->count; i++) {
		free(p->entries[i].line);
		free(p->entries[i].snapshot);
	}
	free(p->entries);
	memset(p, 0, sizeof *p);
}

/* ---- replay ------------------------------------------------------------- */

/* Replaces ctx->ed with an editor holding the snapshot's session. */
static int
replay_snapshot(struct scmd_ctx *ctx, const struct journal_entry *e)
{
	struct session *s = NULL;
	struct editor *ed;
	const char *spath = editor_session(ctx->ed)->path;
	char *dir = spath != NULL ? path_dirname(spath) : NULL;
	struct diag d;
	char msg[2200];
	int rc;

	diag_clear(&d);
	rc = session_xml_load_memory(e->snapshot, e->snapshot_size,
	    "journal snapshot", dir, &s, &d);
	free(dir);
	if (rc != 0) {
		diag_format(&d, msg, sizeof msg);
		fprintf(ctx->err, "journal: %s\n", msg);
		return cli_exit_for_error(rc);
	}
	if (str_replace(&s->path, spath) != 0 ||
	    (ed = editor_create(s)) == NULL) {
		session_destroy(s);
		fprintf(ctx->err, "journal: out of memory\n");
		return CLI_FAILED;
	}
	editor_destroy(ctx->ed);
	ctx->ed = ed;
	return CLI_OK;
}

/* Only commands that journal_append records may replay: a journal line
 * never writes files ("save") or runs anything else. */
static bool
journal_command(struct scmd_ctx *ctx, const char *line)
{
	const struct scmd *cmd = NULL;
	char **argv;

	if (scmd_split(line, &argv, NULL) > 0) {
		cmd = scmd_find(argv[0]);
		scmd_free_words(argv);
	}
	if (cmd != NULL && (cmd->flags & SCMD_CHANGES) &&
	    !(cmd->flags & SCMD_SAVES))
		return true;
	fprintf(ctx->err, "journal: '%s' is not a command a journal holds\n",
	    line);
	return false;
}

int
journal_replay(struct scmd_ctx *ctx, const struct journal_pending *p,
    size_t *replayed)
{
	size_t i;
	int rc = CLI_OK;

	for (i = 0; i < p->count; i++) {
		const struct journal_entry *e = &p->entries[i];

		if (e->line != NULL && !journal_command(ctx, e->line))
			rc = CLI_BAD_INPUT;
		else
			rc = e->line != NULL ? scmd_run_line(ctx, e->line, NULL) :
			    replay_snapshot(ctx, e);
		if (rc != CLI_OK)
			break;
	}
	if (replayed != NULL)
		*replayed = i;
	return rc;
}
