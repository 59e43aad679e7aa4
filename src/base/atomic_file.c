/*
 * atomic_file.c - write a temp file beside the target, fsync, keep the old
 * version as .bak, rename over the target, fsync the folder.
 *
 * The order matters for crash safety: the temp file's data is on disk
 * before it gets the real name (else a crash after the rename could leave a
 * named but empty file), and the .bak is made with link(2) so that at every
 * instant <path> names either the complete old or the complete new file.
 */
#include "base/atomic_file.h"
#include "base/fd_io.h"
#include "base/path.h"
#include "base/strutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Returns a malloc'd "a" "b" (NULL on OOM). */
static char *
concat(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *p = malloc(na + nb + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, a, na);
	memcpy(p + na, b, nb + 1);
	return p;
}

int
atomic_file_open_temp(const char *target, unsigned mode, char **tmp_out)
{
	static const char chars[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	struct timespec ts;
	uint64_t x;
	char *tmp;
	size_t n;
	int fd;

	*tmp_out = NULL;
	tmp = concat(target, ".tmp-XXXXXX");
	if (tmp == NULL) {
		errno = ENOMEM;
		return -1;
	}
	n = strlen(tmp);
	clock_gettime(CLOCK_REALTIME, &ts);
	x = (uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15ull ^ (uint64_t)ts.tv_sec ^
	    ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)tmp;
	for (int attempt = 0; attempt < 100; attempt++) {
		for (size_t i = n - 6; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			tmp[i] = chars[x % (sizeof chars - 1)];
		}
		fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)mode);
		if (fd >= 0) {
			*tmp_out = tmp;
			return fd;
		}
		if (errno != EEXIST)
			break;
	}
	free(tmp);
	return -1;
}

int
atomic_file_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return -1;
	if (fsync(fd) != 0 && errno != EINVAL && errno != ENOTSUP)
		rc = -1;
	close(fd);
	return rc;
}

/* link(2) errors that mean "this file system has no hard links". */
static int
no_hard_links(int e)
{
	return e == EPERM || e == ENOTSUP || e == EOPNOTSUPP || e == EXDEV ||
	    e == EMLINK || e == ENOSYS;
}

int
atomic_file_write(const char *path, const void *data, size_t size,
    bool keep_backup, struct diag *d)
{
	char *target = NULL, *tmp = NULL, *bak = NULL, *dir = NULL;
	bool have_old = false, moved_old = false;
	struct stat st;
	int fd = -1, rc = 0, e;

	if (path == NULL || path[0] == '\0')
		return diag_set(d, ERR_IO, "", 0, "no file name to save to");
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		if ((target = realpath(path, NULL)) == NULL)
			return diag_set(d, ERR_IO, path, 0,
			    "cannot follow the symbolic link: %s", strerror(errno));
	} else if ((target = str_dup(path)) == NULL) {
		return diag_set(d, ERR_NOMEM, path, 0, "out of memory");
	}
	if ((dir = path_dirname(target)) == NULL) {
		rc = diag_set(d, ERR_NOMEM, path, 0, "out of memory");
		goto out;
	}
	if (stat(target, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			rc = diag_set(d, ERR_IO, path, 0,
			    "exists and is not a regular file");
			goto out;
		}
		have_old = true;
	}

	fd = atomic_file_open_temp(target, have_old ? 0600 : 0666, &tmp);
	if (fd < 0) {
		e = errno;
		rc = e == ENOMEM ? diag_set(d, ERR_NOMEM, path, 0, "out of memory") :
		    diag_set(d, ERR_IO, path, 0,
		    "cannot create a temporary file in '%s': %s", dir, strerror(e));
		goto out;
	}
	if (have_old && fchmod(fd, st.st_mode & 07777) != 0) {
		rc = diag_set(d, ERR_IO, path, 0, "cannot set permissions of '%s': %s",
		    tmp, strerror(errno));
		goto out;
	}
	if (fd_write_all(fd, data, size) != 0 || fsync(fd) != 0) {
		rc = diag_set(d, ERR_IO, path, 0, "cannot write '%s': %s", tmp,
		    strerror(errno));
		goto out;
	}
	e = close(fd);
	fd = -1;
	if (e != 0) {
		rc = diag_set(d, ERR_IO, path, 0, "cannot write '%s': %s", tmp,
		    strerror(errno));
		goto out;
	}

	if (keep_backup && have_old) {
		if ((bak = concat(target, ATOMIC_FILE_BAK_SUFFIX)) == NULL) {
			rc = diag_set(d, ERR_NOMEM, path, 0, "out of memory");
			goto out;
		}
		if (unlink(bak) != 0 && errno != ENOENT) {
			rc = diag_set(d, ERR_IO, path, 0,
			    "cannot replace the backup '%s': %s", bak, strerror(errno));
			goto out;
		}
		if (link(target, bak) != 0) {
			e = errno;
			if (!no_hard_links(e) || rename(target, bak) != 0) {
				rc = diag_set(d, ERR_IO, path, 0,
				    "cannot keep the previous version as '%s': %s", bak,
				    strerror(no_hard_links(e) ? errno : e));
				goto out;
			}
			moved_old = true;
		}
	}

	if (rename(tmp, target) != 0) {
		e = errno;
		if (moved_old)
			(void)rename(bak, target);
		rc = diag_set(d, ERR_IO, path, 0, "cannot rename '%s' to '%s': %s",
		    tmp, target, strerror(e));
		goto out;
	}
	free(tmp);
	tmp = NULL;     /* it is the real file now: never unlink it below */
	if (atomic_file_sync_dir(dir) != 0)
		rc = diag_set(d, ERR_IO, path, 0,
		    "saved, but syncing the folder '%s' failed: %s", dir,
		    strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	if (tmp != NULL)
		(void)unlink(tmp);
	free(tmp);
	free(bak);
	free(dir);
	free(target);
	return rc;
}
