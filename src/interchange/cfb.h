/*
 * cfb.h - a reader for Microsoft's Compound File Binary format ([MS-CFB]),
 * the container AAF files (and Office documents) are stored in: a small
 * file system of storages (folders) and streams (files) inside one file.
 *
 * Defensive: the whole file is read into memory first (bounded by its real
 * size), every sector chain is followed with a visited check and a length
 * bound, the directory tree is walked with cycle detection, and absurd
 * sizes are refused, so a truncated, corrupted or hostile file gives a
 * clear error, never a crash or an endless loop. Memory use is bounded by
 * a small multiple of the file's size.
 *
 * Not thread-safe per handle; separate handles are independent. Never
 * prints.
 */
#ifndef DUBSTAGE_INTERCHANGE_CFB_H
#define DUBSTAGE_INTERCHANGE_CFB_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define CFB_NOSTREAM 0xFFFFFFFFu   /* "no entry" */

enum cfb_type {
	CFB_EMPTY = 0,
	CFB_STORAGE = 1,
	CFB_STREAM = 2,
	CFB_ROOT = 5,
};

struct cfb_entry {
	uint32_t id;                  /* directory entry number */
	enum cfb_type type;
	char name[128];               /* UTF-8 (from the entry's UTF-16 name) */
	uint64_t size;                /* stream size in bytes (0 for storages);
	                                 v3 files: the low 32 bits, as [MS-CFB]
	                                 says */
	uint8_t clsid[16];            /* as stored */
};

struct cfb;

/* Opens a compound file held in memory (borrowed until cfb_close) or read
 * from path (the file is read whole). 0, or ERR_IO (path unreadable),
 * ERR_PARSE (not a compound file, or damaged: d says what and where), or
 * ERR_NOMEM. Open checks the header, the FAT (and DIFAT), the directory and
 * the whole tree from the root; damage to the mini stream (or mini FAT) is
 * reported later, by cfb_read_stream of a stream that lives there. */
int cfb_open_memory(const void *data, size_t size, struct cfb **out,
    struct diag *d);
int cfb_open_file(const char *path, struct cfb **out, struct diag *d);
void cfb_close(struct cfb *c);     /* NULL is a no-op */

/* The root storage's entry id. */
uint32_t cfb_root(const struct cfb *c);

/* Entry id's description. 0 or ERR_NOTFOUND (also for entries that are
 * not in the tree: unallocated or unreachable). */
int cfb_entry(const struct cfb *c, uint32_t id, struct cfb_entry *out);

/* The children of storage id, in the directory's order (a red-black tree
 * walked in order), into ids[0 .. max-1] (ids may be NULL when max is 0);
 * *count is how many there are in all (may exceed max). 0, ERR_NOTFOUND,
 * or ERR_PARSE for a damaged tree (trees are checked at open, so a handle
 * that opened has none). */
int cfb_children(const struct cfb *c, uint32_t storage, uint32_t *ids,
    size_t max, size_t *count);

/* The child of storage called name (UTF-8; compared as [MS-CFB] says:
 * UTF-16 code units, case-insensitively for the basic Latin range). The
 * children are scanned, so a tree its writer sorted wrongly still finds
 * names. 0 and *id, or ERR_NOTFOUND (also for invalid UTF-8 or a name of
 * more than 31 UTF-16 units). */
int cfb_find(const struct cfb *c, uint32_t storage, const char *name,
    uint32_t *id);

/* Reads stream id whole into a malloc'd buffer (caller frees; not NULL
 * for an empty stream either) of *size bytes, at most the file's size.
 * 0, ERR_NOTFOUND (not a stream of the tree), ERR_PARSE (a broken chain
 * or an impossible size: d says which stream and sector), ERR_NOMEM. */
int cfb_read_stream(const struct cfb *c, uint32_t id, uint8_t **data,
    size_t *size, struct diag *d);

#endif
