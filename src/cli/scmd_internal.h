/*
 * scmd_internal.h - what the session command files (scmd*.c, cmd_edit.c)
 * share: the command descriptors, argument parsers that report their own
 * errors, and the atomic save. Not for use outside src/cli/.
 *
 * Every parser below writes "NAME: message" to ctx->err on failure and
 * returns the enum cli_exit code the command should return (so commands read
 * `if ((rc = scmd_parse_x(...)) != 0) return rc;`), 0 on success.
 */
#ifndef DUBSTAGE_CLI_SCMD_INTERNAL_H
#define DUBSTAGE_CLI_SCMD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "cli/cli.h"
#include "cli/scmd.h"
#include "session/edit.h"
#include "session/session.h"

/* The commands, one descriptor each (scmd.c lists them in the table). */
extern const struct scmd scmd_gain, scmd_mute, scmd_solo, scmd_pan,
    scmd_send, scmd_unsend, scmd_output, scmd_rename, scmd_remove,
    scmd_move, scmd_nudge, scmd_trim, scmd_split_cmd, scmd_fade,
    scmd_marker, scmd_marker_move,
    scmd_insert, scmd_insert_param, scmd_bypass, scmd_uninsert,
    scmd_undo, scmd_redo, scmd_save, scmd_clean;

/* "NAME: message" on ctx->err; returns code. */
int scmd_error(struct scmd_ctx *ctx, int code, const char *name,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* "NAME: message (usage: NAME ARGS)"; returns CLI_USAGE. */
int scmd_usage(struct scmd_ctx *ctx, const struct scmd *cmd,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Reports an editor_* failure rc about `what` (e.g. "T3") and maps it:
 * ERR_NOTFOUND, ERR_SEMANTIC, ERR_NOTHING, ERR_NOMEM, ERR_IO -> CLI_FAILED,
 * ERR_INVALID -> CLI_USAGE. */
int scmd_edit_failed(struct scmd_ctx *ctx, const char *name, int rc,
    const char *what);

/* ---- options ------------------------------------------------------------ */

/* Removes a flag (e.g. "--pre") from argv[1..] wherever it is; true when it
 * was there. Options are matched by hand, not with getopt, because a
 * negative number ("-2.5") is an ordinary argument here. "--" stops the
 * search (and is removed by scmd_end_options). */
bool scmd_take_flag(int *argc, char **argv, const char *flag);
/* Removes "--opt VALUE" (or "--opt=VALUE"); *value borrows argv (NULL
 * when absent). Returns 1 when found, 0 when absent, or -1 after reporting
 * a usage error when the value is missing or the option is repeated. */
int scmd_take_option(struct scmd_ctx *ctx, const struct scmd *cmd,
    int *argc, char **argv, const char *opt, const char **value);
/* Removes a "--" left in argv and refuses any other word starting with
 * "--" (an unknown option). 0 or CLI_USAGE. */
int scmd_end_options(struct scmd_ctx *ctx, const struct scmd *cmd,
    int *argc, char **argv);

/* ---- arguments ---------------------------------------------------------- */

/* Bits of id kinds a command accepts. */
#define SCMD_K(kind) (1u << (kind))
#define SCMD_STRIP (SCMD_K(ID_TRACK) | SCMD_K(ID_BUS))

/* An id of one of the kinds in mask that exists in the session. CLI_USAGE
 * for a malformed id or a kind the command does not take, CLI_FAILED when
 * there is no such object. */
int scmd_parse_id(struct scmd_ctx *ctx, const struct scmd *cmd,
    const char *text, unsigned mask, struct id *out);
/* A level in dB within the session's gain range; "-inf" (when allow_inf)
 * means SESSION_GAIN_MIN_DB, silence. */
int scmd_parse_db(struct scmd_ctx *ctx, const struct scmd *cmd,
    const char *text, bool allow_inf, double *out);
/* A finite number in [lo, hi]; what names it in the message ("x"). */
int scmd_parse_number(struct scmd_ctx *ctx, const struct scmd *cmd,
    const char *text, const char *what, double lo, double hi, double *out);
/* "on", "off" or "toggle" (text NULL = toggle) applied to current. */
int scmd_parse_switch(struct scmd_ctx *ctx, const struct scmd *cmd,
    const char *text, bool current, bool *out);
/* A timeline position (cli_parse_position: timecode or frames), >= 0. */
int scmd_parse_position(struct scmd_ctx *ctx, const struct scmd *cmd,
    const char *text, int64_t *frames);
/* A 1-based insert number of strip id, returned 0-based. */
int scmd_parse_insert_index(struct scmd_ctx *ctx, const struct scmd *cmd,
    struct id strip, const char *text, size_t *index);

/* ---- reports ------------------------------------------------------------ */

/* The session being edited (borrowed). */
struct session *scmd_session(const struct scmd_ctx *ctx);
/* "01:00:00:01" of a frame at the session's rate; buf >= 32. */
const char *scmd_format_tc(const struct scmd_ctx *ctx, int64_t frames,
    char *buf, size_t size);
/* A number with the fewest digits that read back exactly; buf >= 32. */
const char *scmd_format_num(double v, char *buf, size_t size);
/* "T3"; buf >= 16. */
const char *scmd_format_id(struct id id, char *buf, size_t size);

/* ---- saving ------------------------------------------------------------- */

/* Writes the session to path atomically, keeping the previous file as
 * path.bak (atomic_file.h); does not change the session (not even its
 * path). 0 or ERR_IO / ERR_NOMEM with d filled. */
int scmd_save_session(const struct session *s, const char *path,
    struct diag *d);

#endif
