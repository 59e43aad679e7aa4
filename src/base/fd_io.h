/*
 * fd_io.h - positioned reads and writes that finish the job: they retry
 * after EINTR and continue after short transfers.
 *
 * Any thread but the real-time one (they block on disk I/O).
 */
#ifndef DUBSTAGE_BASE_FD_IO_H
#define DUBSTAGE_BASE_FD_IO_H

#include <stddef.h>
#include <sys/types.h>

/* Reads exactly n bytes at off into buf. Returns 0, or -1 with errno set
 * (EIO when the file ends first). */
int fd_pread_all(int fd, void *buf, size_t n, off_t off);

/* Writes exactly n bytes of buf at the descriptor's position. Returns 0,
 * or -1 with errno set (ENOSPC, EFBIG, EIO...). */
int fd_write_all(int fd, const void *buf, size_t n);

/* Writes exactly n bytes of buf at off. Returns 0, or -1 with errno set
 * (ENOSPC, EFBIG, EIO...); part of the data may then be written. */
int fd_pwrite_all(int fd, const void *buf, size_t n, off_t off);

#endif
