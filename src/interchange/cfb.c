/*
 * cfb.c - the Compound File Binary reader ([MS-CFB]).
 *
 * The model. A compound file is a header (the first 512 bytes; in version
 * 4 files the header sector is 4096 bytes, the rest zero padding) followed
 * by sectors of 512 (v3) or 4096 (v4) bytes; sector n starts at byte
 * (n + 1) << shift. The FAT is an array of "next sector" links, one per
 * sector, itself stored in sectors listed by the DIFAT: the first 109 in
 * the header, the rest in a chain of DIFAT sectors (each ends with the next
 * DIFAT sector's number). The directory is a FAT chain of 128-byte entries;
 * each storage's children form a red-black tree through left/right sibling
 * ids, hanging from the storage's child id. Streams of 4096 bytes and more
 * are FAT chains; smaller ones live in the mini stream (the root entry's
 * own FAT chain) as chains of 64-byte mini sectors linked by the mini FAT
 * (a FAT chain from the header).
 *
 * What open does. Everything structural is read and checked once: the
 * header, the FAT (every FAT sector inside the file, none listed twice),
 * the directory (a chain with no loop), and the whole tree from the root
 * (every entry reached at most once: a second visit is a cycle or a shared
 * subtree, both refused). The mini FAT and the mini stream are loaded too,
 * but their damage is only reported when a stream that lives there is read,
 * so a file whose small streams are unreadable still lists its tree. Stream
 * data is read on demand, following the chain with a visited bitmap.
 *
 * Tolerance. Real writers break the specification in harmless ways, which
 * are accepted: a header CLSID that is not zero (AAF stores its file kind
 * there), a non-zero transaction signature, a v4 header sector whose
 * padding is not zero, a directory sector count in a v3 header, a "first DIFAT sector" of
 * FREESECT or anything else when no DIFAT sector is needed (Resolve and
 * Premiere), a mini FAT start that is not ENDOFCHAIN while its count is 0,
 * a DIFAT or mini FAT sector count that disagrees with the chain (the chain
 * is followed), a chain longer than its stream, children hung under a
 * stream (ignored), a partial last sector. Version 3 files keep only the
 * low 32 bits of a stream size, as [MS-CFB] says. Anything that would make
 * us read outside the file, loop, or trust a size the file cannot hold is
 * refused with ERR_PARSE and a message naming the stream or sector.
 *
 * Memory: the FAT, the mini FAT, the mini stream and the directory are
 * each bounded by the file's size, checked before allocating.
 */
#include "interchange/cfb.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define HEADER_BYTES 512u
#define HEADER_DIFAT 109u          /* FAT sector numbers in the header */
#define DIR_ENTRY_BYTES 128u
#define MINI_SHIFT 6u
#define MINI_SECTOR 64u
#define MINI_CUTOFF 4096u

#define MAXREGSECT 0xFFFFFFFAu     /* greatest regular sector number */
#define DIFSECT 0xFFFFFFFCu
#define FATSECT 0xFFFFFFFDu
#define ENDOFCHAIN 0xFFFFFFFEu
#define FREESECT 0xFFFFFFFFu
#define MAXREGSID 0xFFFFFFFAu

#define NAME_UNITS 31u             /* UTF-16 units in a name, without NUL */

/* owners of sectors that are not streams' (see claim_all) */
#define OWN_NONE 0xFFFFFFFFu
#define OWN_DIR 0xFFFFFFFEu
#define OWN_MINIFAT 0xFFFFFFFDu

struct node {
	uint32_t left, right, child;  /* raw sibling/child ids */
	uint32_t start;               /* first sector (or mini sector) */
	uint64_t size;                /* bytes; v3: the low 32 bits only */
	uint32_t parent;              /* storage holding it; CFB_NOSTREAM when
	                                 unreached (the root has itself) */
	uint32_t clash;               /* a sector (or mini sector) of its chain
	                                 that an earlier chain owns, or
	                                 CFB_NOSTREAM */
	uint32_t clash_owner;         /* that chain: entry id or OWN_* */
	uint32_t first;               /* its children: order[first ..] */
	uint32_t count;               /* how many children */
	uint8_t type;                 /* raw object type */
	uint8_t nunits;               /* UTF-16 units in name16 */
	uint16_t name16[NAME_UNITS];
	char name[128];               /* UTF-8 */
	uint8_t clsid[16];
};

struct cfb {
	const uint8_t *data;          /* the file, borrowed or owned */
	size_t size;                  /* bytes */
	uint8_t *owned;               /* data when we read the file */
	char path[sizeof ((struct diag *)0)->file]; /* for diagnostics */

	unsigned major;               /* 3 or 4 */
	unsigned shift;               /* sector shift: 9 or 12 */
	uint32_t ssize;               /* sector size, bytes */
	uint32_t nsect;               /* sectors in the file (last may be partial) */

	uint32_t *fat;                /* next-sector links */
	uint32_t nfat;                /* entries */

	uint32_t *minifat;            /* next-mini-sector links */
	uint32_t nminifat;            /* entries */
	uint8_t *mini;                /* the mini stream */
	uint64_t mini_size;           /* bytes */
	int mini_err;                 /* 0, or why the mini stream is unusable */
	char mini_msg[sizeof ((struct diag *)0)->message];

	struct node *ent;             /* the directory */
	uint32_t nent;
	uint32_t *order;              /* children lists, see node.first */
};

/* ---- small helpers ---- */

static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* A bitmap of n bits for "visited" checks: on the stack when small. */
struct bits {
	uint8_t *p;
	uint8_t local[512];
};

static int
bits_init(struct bits *b, uint64_t n)
{
	size_t bytes = (size_t)((n + 7) / 8);

	if (bytes <= sizeof b->local) {
		memset(b->local, 0, bytes);
		b->p = b->local;
		return 0;
	}
	b->p = calloc(bytes, 1);
	return b->p != NULL ? 0 : ERR_NOMEM;
}

static void
bits_fini(struct bits *b)
{
	if (b->p != b->local)
		free(b->p);
}

/* Sets bit i; true when it was already set. */
static bool
bits_test_set(struct bits *b, uint32_t i)
{
	uint8_t m = (uint8_t)(1u << (i & 7));
	bool was = (b->p[i >> 3] & m) != 0;

	b->p[i >> 3] |= m;
	return was;
}

static const char *
special_name(uint32_t s)
{
	switch (s) {
	case DIFSECT: return "DIFSECT";
	case FATSECT: return "FATSECT";
	case ENDOFCHAIN: return "ENDOFCHAIN";
	case FREESECT: return "FREESECT";
	}
	return "a reserved value";
}

/* Byte offset of sector s (any 32-bit value: 64-bit arithmetic). */
static uint64_t
sector_offset(const struct cfb *c, uint32_t s)
{
	return ((uint64_t)s + 1) << c->shift;
}

/* Sector s's first len bytes, or NULL when they are not all in the file. */
static const uint8_t *
sector_bytes(const struct cfb *c, uint32_t s, uint32_t len)
{
	uint64_t off = sector_offset(c, s);

	if (s > MAXREGSECT || off > c->size || c->size - off < len)
		return NULL;
	return c->data + off;
}

/* Appends entry id's path ("Header-2/properties") to buf. */
static void
entry_path(const struct cfb *c, uint32_t id, char *buf, size_t size)
{
	uint32_t chain[64];
	size_t n = 0, used = 0;

	buf[0] = '\0';
	if (id >= c->nent) {
		snprintf(buf, size, "#%u", id);
		return;
	}
	/* the tree was checked acyclic; the bound is for safety alone */
	while (id != 0 && id < c->nent && n < sizeof chain / sizeof chain[0]) {
		chain[n++] = id;
		if (c->ent[id].parent == id)
			break;
		id = c->ent[id].parent;
	}
	if (n == 0) {
		snprintf(buf, size, "%s", "(root)");
		return;
	}
	while (n > 0 && used < size) {
		int w = snprintf(buf + used, size - used, "%s%s", used ? "/" : "",
		    c->ent[chain[--n]].name);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* ---- chains ---- */

/*
 * Follows the FAT chain from start, copying want bytes into out (the last
 * sector may be partial, also at the end of the file). what names the
 * chain in messages. Stops once want bytes are read: what follows is not
 * looked at.
 */
static int
fat_read(const struct cfb *c, uint32_t start, uint64_t want, uint8_t *out,
    const char *what, struct diag *d)
{
	struct bits seen;
	uint64_t done = 0;
	uint32_t s = start, n = 0;
	int rc;

	if (want == 0)
		return 0;
	if ((rc = bits_init(&seen, c->nsect)) != 0)
		return rc;
	while (done < want) {
		uint32_t len = want - done < c->ssize ? (uint32_t)(want - done) :
		    c->ssize;
		const uint8_t *p;

		if (s > MAXREGSECT) {
			rc = diag_set(d, ERR_PARSE, c->path, 0,
			    "%s: sector chain ends (%s) after %u sectors, %llu of "
			    "%llu bytes read", what, special_name(s), n,
			    (unsigned long long)done, (unsigned long long)want);
			goto out;
		}
		if (s >= c->nsect) {
			rc = diag_set(d, ERR_PARSE, c->path, 0,
			    "%s: sector %u (offset 0x%llx) is beyond the end of the "
			    "file (%u sectors)", what, s,
			    (unsigned long long)sector_offset(c, s), c->nsect);
			goto out;
		}
		if (s >= c->nfat) {
			rc = diag_set(d, ERR_PARSE, c->path, 0,
			    "%s: sector %u has no FAT entry (the FAT covers %u)",
			    what, s, c->nfat);
			goto out;
		}
		if (bits_test_set(&seen, s)) {
			rc = diag_set(d, ERR_PARSE, c->path, 0,
			    "%s: sector chain loops back to sector %u after %u "
			    "sectors", what, s, n);
			goto out;
		}
		if ((p = sector_bytes(c, s, len)) == NULL) {
			rc = diag_set(d, ERR_PARSE, c->path, 0,
			    "%s: sector %u (offset 0x%llx) is cut short by the end "
			    "of the file (%zu bytes): file truncated", what, s,
			    (unsigned long long)sector_offset(c, s), c->size);
			goto out;
		}
		memcpy(out + done, p, len);
		done += len;
		n++;
		s = c->fat[s];
	}
	rc = 0;
out:
	bits_fini(&seen);
	return rc;
}

/*
 * The length in sectors of the whole FAT chain from start (to ENDOFCHAIN),
 * refusing loops, special values and sectors outside the file or the FAT.
 */
static int
fat_chain_length(const struct cfb *c, uint32_t start, uint32_t *count,
    const char *what, struct diag *d)
{
	struct bits seen;
	uint32_t s = start, n = 0;
	int rc = 0;

	*count = 0;
	if ((rc = bits_init(&seen, c->nsect)) != 0)
		return rc;
	while (s != ENDOFCHAIN) {
		if (s > MAXREGSECT) {
			rc = diag_set(d, ERR_PARSE, c->path, 0,
			    "%s: sector chain meets %s (0x%08x) after %u sectors",
			    what, special_name(s), s, n);
			break;
		}
		if (s >= c->nsect || s >= c->nfat) {
			rc = diag_set(d, ERR_PARSE, c->path, 0,
			    "%s: sector %u (offset 0x%llx) is beyond the end of the "
			    "file (%u sectors)", what, s,
			    (unsigned long long)sector_offset(c, s), c->nsect);
			break;
		}
		if (bits_test_set(&seen, s)) {
			rc = diag_set(d, ERR_PARSE, c->path, 0,
			    "%s: sector chain loops back to sector %u after %u "
			    "sectors", what, s, n);
			break;
		}
		n++;
		s = c->fat[s];
	}
	bits_fini(&seen);
	if (rc == 0)
		*count = n;
	return rc;
}

/* Reads a whole FAT chain into a malloc'd buffer of *bytes bytes. */
static int
fat_read_all(const struct cfb *c, uint32_t start, uint8_t **buf,
    uint64_t *bytes, const char *what, struct diag *d)
{
	uint32_t n;
	int rc;

	*buf = NULL;
	*bytes = 0;
	if ((rc = fat_chain_length(c, start, &n, what, d)) != 0)
		return rc;
	if (n == 0)
		return 0;
	/* n <= nsect, so this is at most the file's size */
	if ((*buf = malloc((size_t)n * c->ssize)) == NULL)
		return ERR_NOMEM;
	if ((rc = fat_read(c, start, (uint64_t)n * c->ssize, *buf, what, d)) != 0) {
		free(*buf);
		*buf = NULL;
		return rc;
	}
	*bytes = (uint64_t)n * c->ssize;
	return 0;
}

/* ---- header and FAT ---- */

static int
load_header(struct cfb *c, struct diag *d)
{
	static const uint8_t sig[8] = {
		0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1
	};
	const uint8_t *h = c->data;
	unsigned mshift;
	uint32_t cutoff;
	uint64_t sectors;

	if (c->size < HEADER_BYTES || memcmp(h, sig, sizeof sig) != 0) {
		if (c->size >= sizeof sig && memcmp(h, sig, sizeof sig) == 0)
			return diag_set(d, ERR_PARSE, c->path, 0,
			    "compound file header cut short: %zu of %u bytes",
			    c->size, HEADER_BYTES);
		return diag_set(d, ERR_PARSE, c->path, 0,
		    "not a compound file (no D0 CF 11 E0 A1 B1 1A E1 signature)");
	}
	if (le16(h + 28) != 0xFFFE)
		return diag_set(d, ERR_PARSE, c->path, 0,
		    "header: byte order mark 0x%04x, must be 0xFFFE", le16(h + 28));
	c->major = le16(h + 26);
	if (c->major != 3 && c->major != 4)
		return diag_set(d, ERR_PARSE, c->path, 0,
		    "header: major version %u (only 3 and 4 exist)", c->major);
	c->shift = le16(h + 30);
	if (c->shift != 9 && c->shift != 12)
		return diag_set(d, ERR_PARSE, c->path, 0,
		    "header: sector shift %u (must be 9 or 12)", c->shift);
	/* a v3 file with 4096-byte sectors or the reverse breaks the spec, but
	 * the geometry is still plain from the shift: it is what we follow */
	c->ssize = 1u << c->shift;
	mshift = le16(h + 32);
	if (mshift != MINI_SHIFT)
		return diag_set(d, ERR_PARSE, c->path, 0,
		    "header: mini sector shift %u (must be 6)", mshift);
	cutoff = le32(h + 56);
	if (cutoff != MINI_CUTOFF)
		return diag_set(d, ERR_PARSE, c->path, 0,
		    "header: mini stream cutoff %u (must be 4096)", cutoff);
	if (c->size <= c->ssize)
		return diag_set(d, ERR_PARSE, c->path, 0,
		    "file truncated: %zu bytes, nothing after the %u-byte header "
		    "sector", c->size, c->ssize);
	sectors = ((uint64_t)c->size - c->ssize + c->ssize - 1) >> c->shift;
	c->nsect = sectors > (uint64_t)MAXREGSECT + 1 ? MAXREGSECT + 1 :
	    (uint32_t)sectors;
	return 0;
}

/* The list of FAT sectors: the header's, then the DIFAT chain's. */
static int
load_fat_sectors(struct cfb *c, uint32_t nfs, uint32_t *list, struct diag *d)
{
	const uint8_t *h = c->data;
	uint32_t per = c->ssize / 4 - 1;  /* entries per DIFAT sector */
	uint32_t have, s, ndif = 0;
	struct bits seen;
	int rc = 0;

	for (have = 0; have < nfs && have < HEADER_DIFAT; have++)
		list[have] = le32(h + 76 + 4 * have);
	if (have == nfs)
		return 0;   /* no DIFAT sector needed: its start is not looked at */
	if ((rc = bits_init(&seen, c->nsect)) != 0)
		return rc;
	s = le32(h + 68);
	while (have < nfs) {
		const uint8_t *p;
		uint32_t i;

		if (s > MAXREGSECT) {
			rc = diag_set(d, ERR_PARSE, c->path, 0,
			    "DIFAT: chain ends (%s) after %u sectors with %u of the "
			    "%u FAT sectors listed", special_name(s), ndif, have, nfs);
			break;
		}
		if (s >= c->nsect || (p = sector_bytes(c, s, c->ssize)) == NULL) {
			rc = diag_set(d, ERR_PARSE, c->path, 0,
			    "DIFAT: sector %u (offset 0x%llx) is beyond the end of "
			    "the file (%u sectors)", s,
			    (unsigned long long)sector_offset(c, s), c->nsect);
			break;
		}
		if (bits_test_set(&seen, s)) {
			rc = diag_set(d, ERR_PARSE, c->path, 0,
			    "DIFAT: sector chain loops back to sector %u after %u "
			    "sectors", s, ndif);
			break;
		}
		for (i = 0; i < per && have < nfs; i++)
			list[have++] = le32(p + 4 * i);
		ndif++;
		s = le32(p + 4 * per);
	}
	bits_fini(&seen);
	return rc;
}

static int
load_fat(struct cfb *c, struct diag *d)
{
	uint32_t nfs = le32(c->data + 44), per = c->ssize / 4, i;
	uint32_t *list = NULL;
	struct bits seen = { .p = NULL };
	int rc;

	/* every FAT sector is a sector of the file: bounds the allocation */
	if (nfs > c->nsect)
		return diag_set(d, ERR_PARSE, c->path, 0,
		    "header: %u FAT sectors claimed, the file holds only %u "
		    "sectors", nfs, c->nsect);
	if (nfs == 0)
		return diag_set(d, ERR_PARSE, c->path, 0,
		    "header: no FAT sector");
	if ((list = malloc((size_t)nfs * sizeof *list)) == NULL)
		return ERR_NOMEM;
	if ((rc = load_fat_sectors(c, nfs, list, d)) != 0)
		goto out;
	if ((c->fat = malloc((size_t)nfs * c->ssize)) == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	if ((rc = bits_init(&seen, c->nsect)) != 0)
		goto out;
	for (i = 0; i < nfs; i++) {
		uint32_t s = list[i], k;
		const uint8_t *p;

		if (s > MAXREGSECT) {
			rc = diag_set(d, ERR_PARSE, c->path, 0,
			    "FAT sector #%u is %s (0x%08x), not a sector", i,
			    special_name(s), s);
			goto out;
		}
		if (s >= c->nsect || (p = sector_bytes(c, s, c->ssize)) == NULL) {
			rc = diag_set(d, ERR_PARSE, c->path, 0,
			    "FAT sector #%u: sector %u (offset 0x%llx) is beyond the "
			    "end of the file (%zu bytes)", i, s,
			    (unsigned long long)sector_offset(c, s), c->size);
			goto out;
		}
		if (bits_test_set(&seen, s)) {
			rc = diag_set(d, ERR_PARSE, c->path, 0,
			    "FAT sector #%u: sector %u is listed twice", i, s);
			goto out;
		}
		for (k = 0; k < per; k++)
			c->fat[(size_t)i * per + k] = le32(p + 4 * k);
	}
	/* sector numbers stop at MAXREGSECT: more entries are never used */
	c->nfat = (uint64_t)nfs * per > MAXREGSECT ? MAXREGSECT + 1 : nfs * per;
	rc = 0;
out:
	if (seen.p != NULL)
		bits_fini(&seen);
	free(list);
	return rc;
}

/* ---- directory ---- */

static void
utf16_to_utf8(const uint16_t *u, unsigned n, char *out, size_t size)
{
	size_t o = 0;
	unsigned i;

	for (i = 0; i < n; i++) {
		uint32_t cp = u[i];
		uint8_t b[4];
		size_t k, len;

		if (cp == 0)
			break;
		if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < n &&
		    u[i + 1] >= 0xDC00 && u[i + 1] <= 0xDFFF) {
			cp = 0x10000 + ((cp - 0xD800) << 10) + (u[i + 1] - 0xDC00);
			i++;
		} else if (cp >= 0xD800 && cp <= 0xDFFF) {
			cp = 0xFFFD;  /* a lone surrogate */
		}
		if (cp < 0x80) {
			b[0] = (uint8_t)cp;
			len = 1;
		} else if (cp < 0x800) {
			b[0] = (uint8_t)(0xC0 | cp >> 6);
			b[1] = (uint8_t)(0x80 | (cp & 0x3F));
			len = 2;
		} else if (cp < 0x10000) {
			b[0] = (uint8_t)(0xE0 | cp >> 12);
			b[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
			b[2] = (uint8_t)(0x80 | (cp & 0x3F));
			len = 3;
		} else {
			b[0] = (uint8_t)(0xF0 | cp >> 18);
			b[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
			b[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
			b[3] = (uint8_t)(0x80 | (cp & 0x3F));
			len = 4;
		}
		if (o + len >= size)
			break;
		for (k = 0; k < len; k++)
			out[o++] = (char)b[k];
	}
	out[o] = '\0';
}

/* UTF-8 to UTF-16 units; -1 when s is not valid UTF-8 or too long. */
static int
utf8_to_utf16(const char *s, uint16_t *u, unsigned max)
{
	const uint8_t *p = (const uint8_t *)s;
	unsigned n = 0;

	while (*p != '\0') {
		uint32_t cp;
		int more;

		if (*p < 0x80) {
			cp = *p;
			more = 0;
		} else if ((*p & 0xE0) == 0xC0) {
			cp = *p & 0x1F;
			more = 1;
		} else if ((*p & 0xF0) == 0xE0) {
			cp = *p & 0x0F;
			more = 2;
		} else if ((*p & 0xF8) == 0xF0) {
			cp = *p & 0x07;
			more = 3;
		} else {
			return -1;
		}
		p++;
		for (int k = 0; k < more; k++, p++) {
			if ((*p & 0xC0) != 0x80)
				return -1;
			cp = cp << 6 | (*p & 0x3F);
		}
		if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return -1;
		if (cp >= 0x10000) {
			if (n + 2 > max)
				return -1;
			cp -= 0x10000;
			u[n++] = (uint16_t)(0xD800 + (cp >> 10));
			u[n++] = (uint16_t)(0xDC00 + (cp & 0x3FF));
		} else {
			if (n + 1 > max)
				return -1;
			u[n++] = (uint16_t)cp;
		}
	}
	return (int)n;
}

static void
parse_entry(struct cfb *c, const uint8_t *e, struct node *nd)
{
	unsigned nl = le16(e + 64), n, i;

	memset(nd, 0, sizeof *nd);
	/* the length counts bytes with the terminating NUL; when it is not a
	 * possible value the name is taken up to its NUL */
	if (nl >= 2 && nl <= 64 && nl % 2 == 0)
		n = nl / 2 - 1;
	else
		n = NAME_UNITS;
	if (n > NAME_UNITS)
		n = NAME_UNITS;
	for (i = 0; i < n; i++) {
		nd->name16[i] = le16(e + 2 * i);
		if (nd->name16[i] == 0)
			break;
	}
	nd->nunits = (uint8_t)i;
	utf16_to_utf8(nd->name16, nd->nunits, nd->name, sizeof nd->name);
	nd->type = e[66];
	nd->left = le32(e + 68);
	nd->right = le32(e + 72);
	nd->child = le32(e + 76);
	memcpy(nd->clsid, e + 80, sizeof nd->clsid);
	nd->start = le32(e + 116);
	nd->size = le64(e + 120);
	if (c->major == 3)
		nd->size &= 0xFFFFFFFFu;  /* [MS-CFB] 2.6.3: high part may be junk */
	nd->parent = CFB_NOSTREAM;
	nd->clash = CFB_NOSTREAM;
}

static int
load_directory(struct cfb *c, struct diag *d)
{
	uint8_t *buf;
	uint64_t bytes, n;
	uint32_t i;
	int rc;

	rc = fat_read_all(c, le32(c->data + 48), &buf, &bytes, "directory", d);
	if (rc != 0)
		return rc;
	n = bytes / DIR_ENTRY_BYTES;
	if (n == 0) {
		free(buf);
		return diag_set(d, ERR_PARSE, c->path, 0,
		    "directory: empty (first sector %s)",
		    special_name(le32(c->data + 48)));
	}
	if (n > MAXREGSID)
		n = MAXREGSID;
	c->nent = (uint32_t)n;
	/* 128 raw bytes per entry become one node: a small multiple */
	if ((c->ent = malloc((size_t)n * sizeof *c->ent)) == NULL ||
	    (c->order = malloc((size_t)n * sizeof *c->order)) == NULL) {
		free(buf);
		return ERR_NOMEM;
	}
	for (i = 0; i < c->nent; i++)
		parse_entry(c, buf + (size_t)i * DIR_ENTRY_BYTES, &c->ent[i]);
	free(buf);
	return 0;
}

/*
 * Walks the whole tree from the root once: each storage's children in
 * order (left subtree, entry, right subtree), storages breadth-first.
 * Every entry may be reached once; a second time is a cycle.
 */
static int
check_tree(struct cfb *c, struct diag *d)
{
	uint32_t *stack = NULL, *queue = NULL, qhead = 0, qtail = 0, used = 0;
	char where[512];
	int rc = 0;

	if (c->ent[0].type != CFB_ROOT)
		return diag_set(d, ERR_PARSE, c->path, 0,
		    "directory: entry 0 is not the root storage (type %u)",
		    c->ent[0].type);
	if ((stack = malloc((size_t)c->nent * sizeof *stack)) == NULL ||
	    (queue = malloc((size_t)c->nent * sizeof *queue)) == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	c->ent[0].parent = 0;
	queue[qtail++] = 0;
	while (qhead < qtail) {
		uint32_t s = queue[qhead++], cur = c->ent[s].child, sp = 0;

		c->ent[s].first = used;
		while (sp > 0 || cur != CFB_NOSTREAM) {
			while (cur != CFB_NOSTREAM) {
				if (cur >= c->nent) {
					entry_path(c, s, where, sizeof where);
					rc = diag_set(d, ERR_PARSE, c->path, 0,
					    "directory: storage '%s' links to entry %u, "
					    "beyond the %u entries", where, cur, c->nent);
					goto out;
				}
				if (c->ent[cur].parent != CFB_NOSTREAM) {
					entry_path(c, s, where, sizeof where);
					rc = diag_set(d, ERR_PARSE, c->path, 0,
					    "directory: cycle: entry %u ('%s') is reached "
					    "again from storage '%s'", cur, c->ent[cur].name,
					    where);
					goto out;
				}
				c->ent[cur].parent = s;
				stack[sp++] = cur;   /* each entry once: sp <= nent */
				cur = c->ent[cur].left;
			}
			cur = stack[--sp];
			c->order[used++] = cur;
			switch (c->ent[cur].type) {
			case CFB_STORAGE:
				queue[qtail++] = cur;
				break;
			case CFB_STREAM:
				break;   /* a stream's child id is not looked at */
			default:
				entry_path(c, cur, where, sizeof where);
				rc = diag_set(d, ERR_PARSE, c->path, 0,
				    "directory: entry %u ('%s') in the tree has type %u "
				    "(%s)", cur, where, c->ent[cur].type,
				    c->ent[cur].type == CFB_EMPTY ? "unallocated" :
				    c->ent[cur].type == CFB_ROOT ? "a second root" :
				    "unknown");
				goto out;
			}
			cur = c->ent[cur].right;
		}
		c->ent[s].count = used - c->ent[s].first;
	}
out:
	free(stack);
	free(queue);
	return rc;
}

/* ---- mini FAT and mini stream ---- */

/* Loads them; damage is kept in c->mini_err for the streams that need
 * them, and only ERR_NOMEM is returned. */
static int
load_mini(struct cfb *c)
{
	struct diag md;
	const struct node *root = &c->ent[0];
	uint32_t start = le32(c->data + 60), count = le32(c->data + 64);
	uint8_t *buf = NULL;
	uint64_t bytes = 0;
	int rc;

	diag_clear(&md);
	if (start <= MAXREGSECT) {
		rc = fat_read_all(c, start, &buf, &bytes, "mini FAT", &md);
		if (rc == ERR_NOMEM)
			return rc;
		if (rc != 0 && count != 0) {
			c->mini_err = rc;
			snprintf(c->mini_msg, sizeof c->mini_msg, "%s", md.message);
			return 0;
		}
		/* count 0 and a start that leads nowhere: a writer's slip */
		if (rc == 0 && bytes > 0) {
			uint64_t i;

			c->nminifat = bytes / 4 > MAXREGSECT ? MAXREGSECT + 1 :
			    (uint32_t)(bytes / 4);
			if ((c->minifat = malloc(bytes)) == NULL) {
				free(buf);
				return ERR_NOMEM;
			}
			for (i = 0; i < c->nminifat; i++)
				c->minifat[i] = le32(buf + 4 * i);
		}
		free(buf);
	}
	if (root->size == 0)
		return 0;
	if (root->size > (uint64_t)c->nsect * c->ssize) {
		c->mini_err = ERR_PARSE;
		snprintf(c->mini_msg, sizeof c->mini_msg,
		    "mini stream: size %llu is beyond the file's %zu bytes",
		    (unsigned long long)root->size, c->size);
		return 0;
	}
	if ((c->mini = malloc((size_t)root->size)) == NULL)
		return ERR_NOMEM;
	rc = fat_read(c, root->start, root->size, c->mini, "mini stream", &md);
	if (rc == ERR_NOMEM)
		return rc;
	if (rc != 0) {
		free(c->mini);
		c->mini = NULL;
		c->mini_err = rc;
		snprintf(c->mini_msg, sizeof c->mini_msg, "%s", md.message);
		return 0;
	}
	c->mini_size = root->size;
	return 0;
}

static int
mini_read(const struct cfb *c, uint32_t start, uint64_t want, uint8_t *out,
    const char *what, struct diag *d)
{
	struct bits seen;
	uint64_t done = 0;
	uint32_t s = start, n = 0;
	int rc;

	if (c->mini_err != 0)
		return diag_set(d, c->mini_err, c->path, 0,
		    "%s: lives in the mini stream, which is damaged: %s", what,
		    c->mini_msg);
	if ((rc = bits_init(&seen, c->nminifat)) != 0)
		return rc;
	while (done < want) {
		uint32_t len = want - done < MINI_SECTOR ?
		    (uint32_t)(want - done) : MINI_SECTOR;
		uint64_t off = (uint64_t)s << MINI_SHIFT;

		if (s > MAXREGSECT) {
			rc = diag_set(d, ERR_PARSE, c->path, 0,
			    "%s: mini sector chain ends (%s) after %u mini sectors, "
			    "%llu of %llu bytes read", what, special_name(s), n,
			    (unsigned long long)done, (unsigned long long)want);
			goto out;
		}
		if (s >= c->nminifat) {
			rc = diag_set(d, ERR_PARSE, c->path, 0,
			    "%s: mini sector %u has no mini FAT entry (the mini FAT "
			    "covers %u)", what, s, c->nminifat);
			goto out;
		}
		if (off > c->mini_size || c->mini_size - off < len) {
			rc = diag_set(d, ERR_PARSE, c->path, 0,
			    "%s: mini sector %u is beyond the end of the mini stream "
			    "(%llu bytes)", what, s,
			    (unsigned long long)c->mini_size);
			goto out;
		}
		if (bits_test_set(&seen, s)) {
			rc = diag_set(d, ERR_PARSE, c->path, 0,
			    "%s: mini sector chain loops back to mini sector %u "
			    "after %u mini sectors", what, s, n);
			goto out;
		}
		memcpy(out + done, c->mini + off, len);
		done += len;
		n++;
		s = c->minifat[s];
	}
	rc = 0;
out:
	bits_fini(&seen);
	return rc;
}

/* ---- cross-linked chains ---- */

/*
 * Marks the first n links of the chain from start in own[] (nnext
 * entries, as next[] has at least) as who's.
 * Returns a link an earlier chain owns (*owner says whose), or
 * CFB_NOSTREAM. Any other damage (a loop, a link out of range) ends the
 * walk quietly: reading the stream reports it with its own message.
 */
static uint32_t
claim(const uint32_t *next, uint32_t nnext, uint32_t *own, uint32_t start,
    uint64_t n, uint32_t who, uint32_t *owner)
{
	uint32_t s = start;

	for (uint64_t i = 0; i < n && s < nnext; i++) {
		if (own[s] == who)
			break;
		if (own[s] != OWN_NONE) {
			*owner = own[s];
			return s;
		}
		own[s] = who;
		s = next[s];
	}
	return CFB_NOSTREAM;
}

static void
owner_name(const struct cfb *c, uint32_t who, char *buf, size_t size)
{
	char path[512];

	if (who == OWN_DIR) {
		snprintf(buf, size, "the directory");
	} else if (who == OWN_MINIFAT) {
		snprintf(buf, size, "the mini FAT");
	} else if (who == 0) {
		snprintf(buf, size, "the mini stream");
	} else {
		entry_path(c, who, path, sizeof path);
		snprintf(buf, size, "stream '%s'", path);
	}
}

/*
 * Every sector may belong to one chain. Cross-linked chains would let a
 * small file expand into many times its size through streams that share
 * their sectors, so each is owned by the first claimant (the directory,
 * the mini FAT, the mini stream, then the streams in directory order) and
 * a stream whose chain runs into another's is refused when read.
 */
static int
claim_all(struct cfb *c)
{
	uint32_t *own, *mown = NULL, owner = OWN_NONE, s, i;
	uint32_t nlinks = c->nfat < c->nsect ? c->nfat : c->nsect;
	char who[600];

	if ((own = malloc((size_t)c->nsect * sizeof *own)) == NULL)
		return ERR_NOMEM;
	for (i = 0; i < c->nsect; i++)
		own[i] = OWN_NONE;
	claim(c->fat, nlinks, own, le32(c->data + 48), UINT64_MAX, OWN_DIR,
	    &owner);
	if (c->minifat != NULL && c->mini_err == 0) {
		s = claim(c->fat, nlinks, own, le32(c->data + 60),
		    ((uint64_t)c->nminifat * 4 + c->ssize - 1) >> c->shift,
		    OWN_MINIFAT, &owner);
		if (s != CFB_NOSTREAM) {
			c->mini_err = ERR_PARSE;
			owner_name(c, owner, who, sizeof who);
			snprintf(c->mini_msg, sizeof c->mini_msg, "mini FAT: sector "
			    "%u also belongs to %s: chains cross-linked", s, who);
		}
	}
	if (c->mini != NULL && c->mini_err == 0) {
		s = claim(c->fat, nlinks, own, c->ent[0].start,
		    (c->mini_size + c->ssize - 1) >> c->shift, 0, &owner);
		if (s != CFB_NOSTREAM) {
			c->mini_err = ERR_PARSE;
			owner_name(c, owner, who, sizeof who);
			snprintf(c->mini_msg, sizeof c->mini_msg, "mini stream: "
			    "sector %u also belongs to %s: chains cross-linked", s,
			    who);
		}
	}
	if (c->nminifat > 0 &&
	    (mown = malloc((size_t)c->nminifat * sizeof *mown)) != NULL)
		for (i = 0; i < c->nminifat; i++)
			mown[i] = OWN_NONE;
	for (i = 1; i < c->nent; i++) {
		struct node *nd = &c->ent[i];

		if (nd->parent == CFB_NOSTREAM || nd->type != CFB_STREAM ||
		    nd->size == 0)
			continue;
		if (nd->size >= MINI_CUTOFF)
			nd->clash = claim(c->fat, nlinks, own, nd->start,
			    (nd->size + c->ssize - 1) >> c->shift, i,
			    &nd->clash_owner);
		else if (mown != NULL)
			nd->clash = claim(c->minifat, c->nminifat, mown, nd->start,
			    (nd->size + MINI_SECTOR - 1) >> MINI_SHIFT, i,
			    &nd->clash_owner);
	}
	free(own);
	if (c->nminifat > 0 && mown == NULL)
		return ERR_NOMEM;
	free(mown);
	return 0;
}

/* ---- the interface ---- */

static int
open_common(struct cfb *c, struct cfb **out, struct diag *d)
{
	int rc;

	if ((rc = load_header(c, d)) != 0 || (rc = load_fat(c, d)) != 0 ||
	    (rc = load_directory(c, d)) != 0 || (rc = check_tree(c, d)) != 0 ||
	    (rc = load_mini(c)) != 0 || (rc = claim_all(c)) != 0) {
		cfb_close(c);
		return rc;
	}
	*out = c;
	return 0;
}

int
cfb_open_memory(const void *data, size_t size, struct cfb **out,
    struct diag *d)
{
	struct cfb *c;

	*out = NULL;
	diag_clear(d);
	if (data == NULL && size > 0)
		return diag_set(d, ERR_INVALID, "", 0, "no data");
	if ((c = calloc(1, sizeof *c)) == NULL)
		return ERR_NOMEM;
	c->data = data;
	c->size = size;
	return open_common(c, out, d);
}

int
cfb_open_file(const char *path, struct cfb **out, struct diag *d)
{
	struct cfb *c;
	struct stat st;
	FILE *f;
	int err;

	*out = NULL;
	diag_clear(d);
	if ((f = fopen(path, "rb")) == NULL) {
		err = errno;
		return diag_set(d, ERR_IO, path, 0, "cannot open: %s",
		    strerror(err));
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return diag_set(d, ERR_IO, path, 0, "not a regular file");
	}
	if ((uint64_t)st.st_size > SIZE_MAX) {
		fclose(f);
		return diag_set(d, ERR_NOMEM, path, 0, "too large to read");
	}
	if ((c = calloc(1, sizeof *c)) == NULL) {
		fclose(f);
		return ERR_NOMEM;
	}
	snprintf(c->path, sizeof c->path, "%s", path);
	c->size = (size_t)st.st_size;
	if ((c->owned = malloc(c->size > 0 ? c->size : 1)) == NULL) {
		fclose(f);
		free(c);
		return ERR_NOMEM;
	}
	if (fread(c->owned, 1, c->size, f) != c->size) {
		err = ferror(f) ? errno : 0;
		fclose(f);
		free(c->owned);
		free(c);
		return diag_set(d, ERR_IO, path, 0, "cannot read: %s",
		    err != 0 ? strerror(err) : "the file shrank while read");
	}
	fclose(f);
	c->data = c->owned;
	return open_common(c, out, d);
}

void
cfb_close(struct cfb *c)
{
	if (c == NULL)
		return;
	free(c->fat);
	free(c->minifat);
	free(c->mini);
	free(c->ent);
	free(c->order);
	free(c->owned);
	free(c);
}

uint32_t
cfb_root(const struct cfb *c)
{
	return 0;
}

/* The node of a reachable entry, or NULL. */
static const struct node *
node_get(const struct cfb *c, uint32_t id)
{
	if (id >= c->nent || c->ent[id].parent == CFB_NOSTREAM)
		return NULL;
	return &c->ent[id];
}

int
cfb_entry(const struct cfb *c, uint32_t id, struct cfb_entry *out)
{
	const struct node *nd = node_get(c, id);

	if (nd == NULL)
		return ERR_NOTFOUND;
	out->id = id;
	out->type = (enum cfb_type)nd->type;
	memcpy(out->name, nd->name, sizeof out->name);
	out->size = nd->type == CFB_STREAM ? nd->size : 0;
	memcpy(out->clsid, nd->clsid, sizeof out->clsid);
	return 0;
}

int
cfb_children(const struct cfb *c, uint32_t storage, uint32_t *ids,
    size_t max, size_t *count)
{
	const struct node *nd = node_get(c, storage);
	size_t i;

	*count = 0;
	if (nd == NULL || (nd->type != CFB_STORAGE && nd->type != CFB_ROOT))
		return ERR_NOTFOUND;
	for (i = 0; i < nd->count && i < max; i++)
		ids[i] = c->order[nd->first + i];
	*count = nd->count;
	return 0;
}

static uint16_t
upper_latin(uint16_t u)
{
	return u >= 'a' && u <= 'z' ? (uint16_t)(u - 'a' + 'A') : u;
}

int
cfb_find(const struct cfb *c, uint32_t storage, const char *name,
    uint32_t *id)
{
	const struct node *nd = node_get(c, storage);
	uint16_t want[NAME_UNITS];
	int n = utf8_to_utf16(name, want, NAME_UNITS);
	uint32_t i;

	if (nd == NULL || (nd->type != CFB_STORAGE && nd->type != CFB_ROOT) ||
	    n < 0)
		return ERR_NOTFOUND;
	/* a plain scan, so a tree a writer sorted wrongly still finds names */
	for (i = 0; i < nd->count; i++) {
		uint32_t k = c->order[nd->first + i];
		const struct node *e = &c->ent[k];
		int j;

		if (e->nunits != n)
			continue;
		for (j = 0; j < n; j++)
			if (upper_latin(e->name16[j]) != upper_latin(want[j]))
				break;
		if (j == n) {
			*id = k;
			return 0;
		}
	}
	return ERR_NOTFOUND;
}

int
cfb_read_stream(const struct cfb *c, uint32_t id, uint8_t **data,
    size_t *size, struct diag *d)
{
	const struct node *nd = node_get(c, id);
	char what[600], where[512];
	uint8_t *buf;
	int rc;

	*data = NULL;
	*size = 0;
	if (nd == NULL || nd->type != CFB_STREAM)
		return ERR_NOTFOUND;
	entry_path(c, id, where, sizeof where);
	snprintf(what, sizeof what, "stream '%s' (entry %u)", where, id);
	if (nd->size >= MINI_CUTOFF &&
	    nd->size > (uint64_t)c->nsect * c->ssize)
		return diag_set(d, ERR_PARSE, c->path, 0,
		    "%s: size %llu is beyond the file's %zu bytes", what,
		    (unsigned long long)nd->size, c->size);
	if (nd->clash != CFB_NOSTREAM && (nd->size >= MINI_CUTOFF ||
	    c->mini_err == 0)) {
		owner_name(c, nd->clash_owner, where, sizeof where);
		return diag_set(d, ERR_PARSE, c->path, 0,
		    "%s: %s %u also belongs to %s: chains cross-linked", what,
		    nd->size >= MINI_CUTOFF ? "sector" : "mini sector",
		    nd->clash, where);
	}
	if ((buf = malloc(nd->size > 0 ? (size_t)nd->size : 1)) == NULL)
		return ERR_NOMEM;
	if (nd->size == 0)
		rc = 0;
	else if (nd->size < MINI_CUTOFF)
		rc = mini_read(c, nd->start, nd->size, buf, what, d);
	else
		rc = fat_read(c, nd->start, nd->size, buf, what, d);
	if (rc != 0) {
		free(buf);
		return rc;
	}
	*data = buf;
	*size = (size_t)nd->size;
	return 0;
}
