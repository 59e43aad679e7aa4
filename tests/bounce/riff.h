/*
 * riff.h - reading WAV/RF64 bytes in tests: whole files, little-endian
 * fields, chunks, and the temp files a writer may leave behind.
 */
#ifndef DUBSTAGE_TESTS_BOUNCE_RIFF_H
#define DUBSTAGE_TESTS_BOUNCE_RIFF_H

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "test.h"

/* The whole file as bytes: test_read_file() (NULL when unreadable). */
static inline unsigned char *
slurp(const char *path, size_t *size)
{
	return (unsigned char *)test_read_file(path, size);
}

static inline bool
same_file(const char *a, const char *b)
{
	size_t na, nb;
	unsigned char *pa = slurp(a, &na), *pb = slurp(b, &nb);
	bool same = pa != NULL && pb != NULL && na == nb && memcmp(pa, pb, na) == 0;

	free(pa);
	free(pb);
	return same;
}

static inline uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static inline uint64_t
le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static inline unsigned
le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

/* Offset of chunk id's header, walking from byte 12 up to "data"; -1. */
static inline long
find_chunk(const unsigned char *b, size_t n, const char *id)
{
	size_t off = 12;

	while (off + 8 <= n) {
		uint32_t size = le32(b + off + 4);

		if (memcmp(b + off, id, 4) == 0)
			return (long)off;
		if (memcmp(b + off, "data", 4) == 0)
			break;
		off += 8 + (size_t)size + (size & 1);
	}
	return -1;
}

/* The little-endian field of `bytes` bytes (4 or 8) at offset `at` into
 * the body of chunk id of the file at path; `missing` when the file, the
 * chunk or the field is not there. */
static inline uint64_t
chunk_field(const char *path, const char *id, size_t at, int bytes,
    uint64_t missing)
{
	size_t n;
	unsigned char *b = slurp(path, &n);
	long off = b != NULL ? find_chunk(b, n, id) : -1;
	uint64_t v = missing;

	if (off > 0 && (size_t)off + 8 + at + (size_t)bytes <= n)
		v = bytes == 8 ? le64(b + off + 8 + at) : le32(b + off + 8 + at);
	free(b);
	return v;
}

static inline bool
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* How many "<base>.tmp-*" files are in the test folder. */
static inline int
count_temps(const char *base)
{
	char prefix[256];
	struct dirent *e;
	DIR *dir = opendir(test_tmpdir());
	int n = 0;

	snprintf(prefix, sizeof prefix, "%s.tmp-", base);
	if (dir == NULL)
		return -1;
	while ((e = readdir(dir)) != NULL)
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(dir);
	return n;
}

#endif
