/* lockfile.c - see lockfile.h. */
#include "base/lockfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

void
lockfile_init(struct lockfile *lock)
{
	lock->fd = -1;
	lock->path = NULL;
}

/* Reads the holder's "PID HOSTNAME" from an open lock file. */
static void
read_holder(int fd, char *holder, size_t size)
{
	ssize_t n;

	if (holder == NULL || size == 0)
		return;
	n = pread(fd, holder, size - 1, 0);
	if (n < 0)
		n = 0;
	holder[n] = '\0';
	holder[strcspn(holder, "\n")] = '\0';
	if (holder[0] == '\0')
		snprintf(holder, size, "an unknown process");
}

static int
write_self(int fd)
{
	char host[256], buf[320];
	int n;

	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "unknown-host");
	host[sizeof host - 1] = '\0';
	n = snprintf(buf, sizeof buf, "%ld %s\n", (long)getpid(), host);
	if (n < 0 || (size_t)n >= sizeof buf)
		return -1;
	if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)n, 0) != n)
		return -1;
	return 0;
}

int
lockfile_acquire(const char *session_path, struct lockfile *lock,
    char *holder, size_t size)
{
	size_t len = strlen(session_path);
	char *path = malloc(len + sizeof LOCKFILE_SUFFIX);
	struct stat a, b;
	int fd = -1;

	lockfile_init(lock);
	if (holder != NULL && size > 0)
		holder[0] = '\0';
	if (path == NULL)
		return ERR_NOMEM;
	memcpy(path, session_path, len);
	memcpy(path + len, LOCKFILE_SUFFIX, sizeof LOCKFILE_SUFFIX);
	for (;;) {
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
		if (fd < 0)
			goto io_error;
		if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
			int e = errno;

			if (e != EWOULDBLOCK) {
				errno = e;
				goto io_error;
			}
			read_holder(fd, holder, size);
			close(fd);
			free(path);
			return ERR_BUSY;
		}
		/* The holder we waited on may have removed the file between our
		 * open and our flock: then we locked an orphan; start again. */
		if (fstat(fd, &a) != 0)
			goto io_error;
		if (stat(path, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino)
			break;
		close(fd);
	}
	if (write_self(fd) != 0)
		goto io_error;
	lock->fd = fd;
	lock->path = path;
	return 0;

io_error:
	if (holder != NULL && size > 0)
		snprintf(holder, size, "%s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(path);
	return ERR_IO;
}

void
lockfile_release(struct lockfile *lock)
{
	if (lock == NULL || lock->fd < 0)
		return;
	/* unlink while locked: an opener that got the old file re-checks */
	unlink(lock->path);
	close(lock->fd);
	free(lock->path);
	lockfile_init(lock);
}
