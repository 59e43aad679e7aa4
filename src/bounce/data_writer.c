/* data_writer.c - see data_writer.h. */
#define _GNU_SOURCE     /* O_DIRECT */
#include "bounce/data_writer.h"

#include "base/fd_io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct data_writer {
	int fd;                 /* borrowed, ordinary descriptor */
	int direct_fd;          /* O_DIRECT descriptor, or -1 */
	unsigned char *buf;     /* DATA_WRITER_BLOCK + slack, aligned */
	size_t fill;            /* bytes in buf; buf[0] is at file offset `at` */
	size_t reserved;        /* of the last reserve */
	uint64_t at;            /* aligned file offset of buf[0] */
	uint64_t header;        /* header bytes seeded into the first block */
	uint64_t bytes;         /* committed */
};

int
data_writer_open(struct data_writer **out, int fd, const char *path,
    uint64_t offset, size_t max_reserve, bool allow_direct)
{
	struct data_writer *w;
	size_t size;
	int e;

	*out = NULL;
	if ((w = calloc(1, sizeof *w)) == NULL)
		return -1;
	w->fd = fd;
	w->direct_fd = -1;
	w->at = offset & ~(uint64_t)(DATA_WRITER_ALIGN - 1);
	w->header = offset - w->at;
	w->fill = (size_t)w->header;
	/* the slack keeps a reserve contiguous past the block's end */
	size = DATA_WRITER_BLOCK + (max_reserve + DATA_WRITER_ALIGN - 1) /
	    DATA_WRITER_ALIGN * DATA_WRITER_ALIGN;
	if (posix_memalign((void **)&w->buf, DATA_WRITER_ALIGN, size) != 0) {
		free(w);
		errno = ENOMEM;
		return -1;
	}
	if (w->fill > 0 && fd_pread_all(fd, w->buf, w->fill, (off_t)w->at) != 0)
		goto fail;
	if (allow_direct)
		w->direct_fd = open(path, O_WRONLY | O_DIRECT | O_CLOEXEC);
	*out = w;
	return 0;
fail:
	e = errno;
	free(w->buf);
	free(w);
	errno = e;
	return -1;
}

/* Writes len bytes (a multiple of the alignment) of buf at the aligned
 * offset `at`, directly when the file system takes it. */
static int
write_block(struct data_writer *w, size_t len)
{
	size_t done = 0;

	while (w->direct_fd >= 0 && done < len) {
		ssize_t r = pwrite(w->direct_fd, w->buf + done, len - done,
		    (off_t)(w->at + done));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno != EINVAL)
			return -1;
		if (r <= 0 || (size_t)r % DATA_WRITER_ALIGN != 0) {
			/* refused, or a short write left us unaligned: carry on
			 * through the page cache from here */
			if (r > 0)
				done += (size_t)r;
			close(w->direct_fd);
			w->direct_fd = -1;
			break;
		}
		done += (size_t)r;
	}
	if (done < len)
		return fd_pwrite_all(w->fd, w->buf + done, len - done,
		    (off_t)(w->at + done));
	return 0;
}

unsigned char *
data_writer_reserve(struct data_writer *w, size_t n)
{
	w->reserved = n;
	return w->buf + w->fill;
}

int
data_writer_commit(struct data_writer *w, size_t n)
{
	if (n > w->reserved)
		n = w->reserved;
	w->reserved = 0;
	w->fill += n;
	w->bytes += n;
	while (w->fill >= DATA_WRITER_BLOCK) {
		if (write_block(w, DATA_WRITER_BLOCK) != 0)
			return -1;
		w->at += DATA_WRITER_BLOCK;
		w->fill -= DATA_WRITER_BLOCK;
		memmove(w->buf, w->buf + DATA_WRITER_BLOCK, w->fill);
	}
	return 0;
}

int
data_writer_finish(struct data_writer *w)
{
	size_t whole = w->fill & ~(size_t)(DATA_WRITER_ALIGN - 1);

	/* the aligned part may still go direct; the rest goes through fd */
	if (whole > 0 && write_block(w, whole) != 0)
		return -1;
	if (fd_pwrite_all(w->fd, w->buf + whole, w->fill - whole,
	    (off_t)(w->at + whole)) != 0)
		return -1;
	w->at += w->fill;
	w->fill = 0;
	return 0;
}

uint64_t
data_writer_bytes(const struct data_writer *w)
{
	return w->bytes;
}

bool
data_writer_is_direct(const struct data_writer *w)
{
	return w->direct_fd >= 0;
}

void
data_writer_free(struct data_writer *w)
{
	if (w == NULL)
		return;
	if (w->direct_fd >= 0)
		close(w->direct_fd);
	free(w->buf);
	free(w);
}
