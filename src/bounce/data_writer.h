/*
 * data_writer.h - streams a long run of bytes (a WAV file's audio) into an
 * open file from a given offset, bypassing the page cache where it can.
 *
 * Why. A bounce writes gigabytes it will not read back. Through the page
 * cache each byte is copied into the kernel and later written back by it:
 * measured on our stage VM, 2.7 GB cost 5-7 s of kernel CPU that way, and
 * 0.2 s as direct I/O in 4 MiB blocks. That CPU is the mixer's second core.
 *
 * Model. The writer keeps one block (DATA_WRITER_BLOCK bytes, 4 KiB
 * aligned in memory and in the file). The caller asks for room
 * (data_writer_reserve), fills it, and commits it; every full block goes
 * to the file with O_DIRECT at an aligned offset. The block is seeded with
 * the file's bytes between the aligned offset below `offset` and `offset`
 * (the end of the header), so the first block rewrites them unchanged.
 * data_writer_finish() writes the last, partial block through the ordinary
 * descriptor. Where O_DIRECT is refused (tmpfs, some network file
 * systems: EINVAL at open or on a write) or direct I/O is not allowed, the
 * same blocks are written through the ordinary descriptor: the bytes in
 * the file are the same either way.
 *
 * The caller must not write the range [aligned offset, end) through fd
 * while the writer is open, and may patch anything (a header) after
 * data_writer_finish(). The descriptor is borrowed; its durability (fsync)
 * stays the caller's job.
 *
 * Threads: one thread at a time; calls block on disk I/O. Nothing prints.
 */
#ifndef DUBSTAGE_BOUNCE_DATA_WRITER_H
#define DUBSTAGE_BOUNCE_DATA_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes per write, a multiple of DATA_WRITER_ALIGN. */
#define DATA_WRITER_BLOCK (4u << 20)
/* Alignment of direct writes in memory and in the file (covers 512-byte
 * and 4 KiB logical blocks). */
#define DATA_WRITER_ALIGN 4096u

struct data_writer;

/*
 * Starts writing at offset of the file open for reading and writing on fd
 * (path names it, for opening the direct descriptor). max_reserve is the
 * largest data_writer_reserve() the caller will make. With allow_direct
 * false every write goes through fd. Returns 0, or -1 with errno set
 * (ENOMEM, or the error reading the header bytes back).
 */
int data_writer_open(struct data_writer **out, int fd, const char *path,
    uint64_t offset, size_t max_reserve, bool allow_direct);

/* Room for n <= max_reserve bytes, to be filled and then committed. */
unsigned char *data_writer_reserve(struct data_writer *w, size_t n);

/* Appends the n bytes filled in the last reserve; writes every block that
 * is full. Returns 0, or -1 with errno set (ENOSPC, EFBIG, EIO...). */
int data_writer_commit(struct data_writer *w, size_t n);

/* Writes what is left. Returns 0, or -1 with errno set. */
int data_writer_finish(struct data_writer *w);

/* Bytes committed so far (not counting the header bytes before offset). */
uint64_t data_writer_bytes(const struct data_writer *w);

/* Whether blocks are going out through O_DIRECT (for tests and benches). */
bool data_writer_is_direct(const struct data_writer *w);

/* Closes the direct descriptor and frees. NULL is fine. */
void data_writer_free(struct data_writer *w);

#endif
