/*
 * error.h - the one error enum every module returns, and diagnostics.
 *
 * Functions return int: 0 on success, a negative ERR_* code on failure.
 * Parsers additionally fill a struct diag (file, line, message) so the CLI
 * and the console can tell the person exactly where the problem is.
 * Nothing under src/ prints; callers decide how to report.
 */
#ifndef DUBSTAGE_BASE_ERROR_H
#define DUBSTAGE_BASE_ERROR_H

#include <stddef.h>

enum err {
	ERR_OK = 0,
	ERR_NOMEM = -1,     /* allocation failed */
	ERR_INVALID = -2,   /* argument or value out of range */
	ERR_IO = -3,        /* read/write/rename/fsync failed (errno kept in diag) */
	ERR_PARSE = -4,     /* malformed input (not well-formed, bad number, ...) */
	ERR_NOTFOUND = -5,  /* no object with that id / no such file */
	ERR_EXISTS = -6,    /* would overwrite or duplicate */
	ERR_VERSION = -7,   /* file format version we do not read */
	ERR_SCHEMA = -8,    /* well-formed but not a valid document */
	ERR_UNSAFE = -9,    /* refused: DTD, entities, network access */
	ERR_SEMANTIC = -10, /* valid syntax, inconsistent content */
	ERR_NOTHING = -11,  /* nothing to do (e.g. nothing to undo) */
	ERR_BUSY = -12,     /* held by another process (a locked session) */
};

/* A short English description of an ERR_* code; never NULL. */
const char *err_string(int code);

/*
 * Where and why something failed. line is 1-based, 0 when unknown.
 * Fixed-size so it can be filled without allocating (and on OOM).
 */
struct diag {
	char file[1024];
	int line;
	char message[1024];
};

/* Empties d (NULL is allowed and ignored). */
void diag_clear(struct diag *d);

/* Sets file, line and a printf-style message; d may be NULL. Returns code, so
 * callers can write `return diag_set(d, ERR_PARSE, path, line, "...")`. */
int diag_set(struct diag *d, int code, const char *file, int line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Formats "file:line: message" (parts omitted when unknown) into buf. */
void diag_format(const struct diag *d, char *buf, size_t size);

#endif
