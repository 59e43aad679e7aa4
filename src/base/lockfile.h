/*
 * lockfile.h - one writer per session: "<session>.lock" held with
 * flock(LOCK_EX | LOCK_NB) for as long as a console has the session open.
 *
 * The kernel drops an flock when its last descriptor closes, including on a
 * crash or kill -9, so there are no stale locks to clean up by hand. The
 * holder writes "PID HOSTNAME" into the file so a refused second opener can
 * say who has the session. The file is removed on release (while still
 * locked); acquire checks that the file it locked is still the one at the
 * path, so a release racing with an acquire never lets two holders in.
 *
 * Over NFS, Linux maps flock to POSIX byte-range locks: it still works when
 * the server supports locking, but a lock held on another host cannot be
 * detected as stale by us (it is released when that host's lockd says so).
 *
 * Main thread; no global state. The descriptor is close-on-exec, so a
 * program the holder starts does not keep the lock alive after it exits;
 * a child that fork()s without exec shares the lock.
 */
#ifndef DUBSTAGE_BASE_LOCKFILE_H
#define DUBSTAGE_BASE_LOCKFILE_H

#include <stddef.h>

#include "base/error.h"

/* The suffix added to the session path. */
#define LOCKFILE_SUFFIX ".lock"

struct lockfile {
	int fd;          /* -1 when not held */
	char *path;      /* "<session>.lock" (owned) */
};

/*
 * Locks "<session_path>.lock" without waiting. Returns 0 with *lock held;
 * ERR_BUSY when another process holds it, with its "PID HOSTNAME" (or
 * "an unknown process" when it has not written it yet) in holder (may be
 * NULL, size bytes, always NUL-terminated); ERR_IO (errno text in holder)
 * or ERR_NOMEM otherwise. On failure *lock is left released (fd -1).
 */
int lockfile_acquire(const char *session_path, struct lockfile *lock,
    char *holder, size_t size);

/* Removes the file and drops the lock. A lock that is not held (after
 * lockfile_init, a failed acquire or a release) is a no-op; NULL too. */
void lockfile_release(struct lockfile *lock);

/* Sets *lock to "not held" (fd -1), for callers that release on every path. */
void lockfile_init(struct lockfile *lock);

#endif
