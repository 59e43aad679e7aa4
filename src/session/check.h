/*
 * check.h - semantic checks of a loaded session, for `validate`, the
 * console's status line and the bounce's pre-flight. Structural rules
 * (unique ids, references that resolve) are enforced when a session is
 * loaded or edited; these are the problems a valid file can still have:
 * missing media, clips that play past the end of their source, routing
 * loops, and warnings a mixer wants to know about.
 */
#ifndef DUBSTAGE_SESSION_CHECK_H
#define DUBSTAGE_SESSION_CHECK_H

#include <stddef.h>

#include "session/session.h"

enum check_level {
	CHECK_ERROR,     /* the session will not play or bounce as intended */
	CHECK_WARNING,   /* plays, but probably not what was meant */
};

struct check_item {
	enum check_level level;
	struct id id;            /* the object concerned */
	char message[320];
};

struct check_list {
	struct check_item *items;
	size_t count, cap;
};

/* Appends every problem found in s to out (which must start zeroed or
 * be reused after check_list_fini). 0 or ERR_NOMEM. */
int session_check(const struct session *s, struct check_list *out);

/* Appends one item (message printf-style). 0 or ERR_NOMEM. */
int check_list_add(struct check_list *l, enum check_level level, struct id id,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Counts the items of a level. */
size_t check_list_count(const struct check_list *l, enum check_level level);

void check_list_fini(struct check_list *l);

#endif
