/*
 * edit_internal.h - what the edit_*.c files share: the change protocol
 * (edit_checkpoint before a change, edit_finish after it: see edit.c) and
 * small validation helpers. Only the edit module includes it.
 */
#ifndef DUBSTAGE_SESSION_EDIT_INTERNAL_H
#define DUBSTAGE_SESSION_EDIT_INTERNAL_H

#include <math.h>
#include <string.h>

#include "session/edit.h"

/* A snapshot of the model before a change, or NULL (out of memory). */
struct session *edit_checkpoint(struct editor *ed);

/* Ends a change begun with edit_checkpoint: rc != 0 rolls it back; else
 * the snapshot becomes the undo step labelled by fmt. Returns rc, or
 * ERR_NOMEM when the step could not be recorded (the change is undone). */
int edit_finish(struct editor *ed, struct session *snap, int rc,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static inline bool
gain_ok(double db)
{
	return isfinite(db) && db >= SESSION_GAIN_MIN_DB &&
	    db <= SESSION_GAIN_MAX_DB;
}

static inline bool
unit_ok(double v)
{
	return isfinite(v) && v >= -1.0 && v <= 1.0;
}

static inline const char *
idstr(struct id id, char buf[16])
{
	return id_format(id, buf, 16);
}

/* Removes element i of an array of n elements of size elem. */
static inline void
array_remove(void *arr, size_t *n, size_t i, size_t elem)
{
	char *p = arr;

	memmove(p + i * elem, p + (i + 1) * elem, (*n - i - 1) * elem);
	(*n)--;
}

#endif
