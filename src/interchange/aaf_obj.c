/*
 * aaf_obj.c - the AAF object layer over the compound-file reader: objects,
 * their property streams, strong and weak references, sets and vectors
 * with their index streams, and the MetaDictionary (see aaf_obj.h for the
 * stored form).
 *
 * Objects are loaded on first use and kept, keyed by their CFB directory
 * entry, until the file is closed: the model walk visits master and source
 * mobs once per clip, and a cached object is never re-parsed. The cache
 * also bounds memory by the container's size, whatever the references say.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interchange/aaf_ids.h"
#include "interchange/aaf_obj.h"
#include "interchange/cfb.h"

#define MAX_CLASS_CHAIN 32        /* extension class parents followed */
#define INDEX_SUFFIX " index"

struct classdef {
	struct aaf_uid id, parent;
	bool has_parent;
};

struct propdef {
	uint16_t pid;
	char *name;
};

struct refpath {
	size_t first, count;          /* pids[first .. first+count-1] */
};

struct aaf_file {
	struct cfb *cfb;
	struct diag *d;
	bool faulted;
	char path[512];               /* for messages */

	struct aaf_obj **slot;        /* object cache, open addressing */
	size_t nslot, nobj;
	struct aaf_obj *root;

	struct classdef *classes;
	size_t nclasses;
	struct propdef *props;
	size_t nprops;
	uint16_t *refpids;            /* "referenced properties" paths */
	struct refpath *refs;
	size_t nrefs;
};

/* ---- bytes ---- */

static uint64_t
get_uint(const uint8_t *p, size_t n, bool be)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = be ? v << 8 | p[i] : v | (uint64_t)p[i] << (8 * i);
	return v;
}

struct aaf_uid
aaf_uid_read(const uint8_t *p, bool be)
{
	struct aaf_uid u;

	u.d1 = (uint32_t)get_uint(p, 4, be);
	u.d2 = (uint16_t)get_uint(p + 4, 2, be);
	u.d3 = (uint16_t)get_uint(p + 6, 2, be);
	memcpy(u.d4, p + 8, 8);
	return u;
}

bool
aaf_uid_eq(const struct aaf_uid *a, const struct aaf_uid *b)
{
	return a->d1 == b->d1 && a->d2 == b->d2 && a->d3 == b->d3 &&
	    memcmp(a->d4, b->d4, 8) == 0;
}

static size_t
put_utf8(char *o, uint32_t c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | c >> 12);
		o[1] = (char)(0x80 | (c >> 6 & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | c >> 18);
	o[1] = (char)(0x80 | (c >> 12 & 0x3f));
	o[2] = (char)(0x80 | (c >> 6 & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

char *
aaf_utf16_to_utf8(const uint8_t *p, size_t len, bool be)
{
	size_t n = len / 2, o = 0;
	char *s = malloc(n * 3 + 1);  /* a pair (4 bytes out) is 2 units in */

	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		uint32_t c = (uint32_t)get_uint(p + 2 * i, 2, be);

		if (c == 0)
			break;
		if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
			uint32_t lo = (uint32_t)get_uint(p + 2 * i + 2, 2, be);

			if (lo >= 0xdc00 && lo < 0xe000) {
				c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
				i++;
			} else {
				c = 0xfffd;
			}
		} else if (c >= 0xd800 && c < 0xe000) {
			c = 0xfffd;
		}
		o += put_utf8(s + o, c);
	}
	s[o] = '\0';
	return s;
}

/* ---- diagnostics ---- */

const char *
aaf_obj_path(const struct aaf_file *f, const struct aaf_obj *obj, char *buf,
    size_t size)
{
	const struct aaf_obj *chain[AAF_MAX_DEPTH + 2];
	size_t n = 0, at = 0;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (; obj != NULL && obj->parent != NULL && n < AAF_MAX_DEPTH + 2;
	    obj = obj->parent)
		chain[n++] = obj;
	if (n == 0)
		snprintf(buf, size, "/");
	while (n-- > 0 && at + 1 < size) {
		struct cfb_entry e;

		if (cfb_entry(f->cfb, chain[n]->dir, &e) != 0)
			snprintf(e.name, sizeof e.name, "?");
		int w = snprintf(buf + at, size - at, "/%s", e.name);

		if (w < 0)
			break;
		at += (size_t)w;
		if (at >= size)
			at = size - 1;
	}
	return buf;
}

static int
vfault(struct aaf_file *f, const struct aaf_obj *obj, int code,
    const char *fmt, va_list ap)
{
	char msg[512], path[384];

	if (f->faulted || f->d == NULL) {
		f->faulted = true;
		return code;
	}
	f->faulted = true;
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (obj != NULL)
		diag_set(f->d, code, f->path, 0, "%s: %s",
		    aaf_obj_path(f, obj, path, sizeof path), msg);
	else
		diag_set(f->d, code, f->path, 0, "%s", msg);
	return code;
}

int
aaf_obj_fault(struct aaf_file *f, const struct aaf_obj *obj, int code,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfault(f, obj, code, fmt, ap);
	va_end(ap);
	return code;
}

/* ---- classes ---- */

static enum aaf_class
resolve_class(const struct aaf_file *f, const struct aaf_uid *id)
{
	struct aaf_uid cur = *id;

	for (int step = 0; step < MAX_CLASS_CHAIN; step++) {
		enum aaf_class k = aaf_class_of(&cur);
		size_t i;

		if (k != AAF_C_UNKNOWN)
			return k;
		for (i = 0; i < f->nclasses; i++)
			if (aaf_uid_eq(&f->classes[i].id, &cur))
				break;
		if (i == f->nclasses || !f->classes[i].has_parent ||
		    aaf_uid_eq(&f->classes[i].parent, &cur))
			return AAF_C_UNKNOWN;
		cur = f->classes[i].parent;
	}
	return AAF_C_UNKNOWN;
}

bool
aaf_obj_is(const struct aaf_obj *obj, enum aaf_class cls)
{
	int guard = 0;

	if (obj == NULL)
		return false;
	for (enum aaf_class k = obj->kind; k != AAF_C_UNKNOWN && guard < 16;
	    k = aaf_class_parent(k), guard++)
		if (k == cls)
			return true;
	return false;
}

/* ---- the object cache ---- */

static struct aaf_obj **
cache_slot(struct aaf_file *f, uint32_t dir)
{
	size_t i = (dir * 2654435761u) & (f->nslot - 1);

	while (f->slot[i] != NULL && f->slot[i]->dir != dir)
		i = (i + 1) & (f->nslot - 1);
	return &f->slot[i];
}

static int
cache_grow(struct aaf_file *f)
{
	size_t old = f->nslot, n = old ? old * 2 : 256;
	struct aaf_obj **prev = f->slot;

	f->slot = calloc(n, sizeof *f->slot);
	if (f->slot == NULL) {
		f->slot = prev;
		return ERR_NOMEM;
	}
	f->nslot = n;
	for (size_t i = 0; i < old; i++)
		if (prev[i] != NULL)
			*cache_slot(f, prev[i]->dir) = prev[i];
	free(prev);
	return 0;
}

static void
obj_free(struct aaf_obj *o)
{
	if (o == NULL)
		return;
	free((void *)o->props);
	free(o->prop);
	free(o);
}

static int
parse_props(struct aaf_file *f, struct aaf_obj *o)
{
	const uint8_t *p = o->props;
	size_t n = o->props_size, off;

	if (n == 0)
		return 0;
	if (n < 4)
		return aaf_obj_fault(f, o, ERR_PARSE,
		    "properties stream of %zu bytes", n);
	if (p[0] != 'L' && p[0] != 'B')
		return aaf_obj_fault(f, o, ERR_PARSE,
		    "properties stream byte order 0x%02x", p[0]);
	o->be = p[0] == 'B';
	o->nprop = (uint16_t)get_uint(p + 2, 2, o->be);
	off = 4 + (size_t)o->nprop * 6;
	if (off > n)
		return aaf_obj_fault(f, o, ERR_PARSE,
		    "%u property entries in a %zu-byte stream", o->nprop, n);
	o->prop = calloc(o->nprop ? o->nprop : 1, sizeof *o->prop);
	if (o->prop == NULL)
		return ERR_NOMEM;
	for (uint16_t i = 0; i < o->nprop; i++) {
		const uint8_t *e = p + 4 + (size_t)i * 6;

		o->prop[i].pid = (uint16_t)get_uint(e, 2, o->be);
		o->prop[i].sf = (uint16_t)get_uint(e + 2, 2, o->be);
		o->prop[i].len = (uint16_t)get_uint(e + 4, 2, o->be);
		o->prop[i].off = (uint32_t)off;
		if (o->prop[i].len > n - off)
			return aaf_obj_fault(f, o, ERR_PARSE,
			    "property 0x%04x runs past its stream (%u bytes at %zu of %zu)",
			    o->prop[i].pid, o->prop[i].len, off, n);
		off += o->prop[i].len;
	}
	return 0;
}

static int
load(struct aaf_file *f, uint32_t dir, struct aaf_obj *parent,
    struct aaf_obj **out)
{
	struct aaf_obj **slot, *o;
	struct cfb_entry e;
	uint32_t pid;
	uint8_t *data = NULL;
	size_t size = 0;
	int rc;

	if (f->nslot == 0 || (f->nobj + 1) * 2 > f->nslot)
		if ((rc = cache_grow(f)) != 0)
			return rc;
	slot = cache_slot(f, dir);
	if (*slot != NULL) {
		*out = *slot;
		return 0;
	}
	if (parent != NULL && parent->depth >= AAF_MAX_DEPTH)
		return aaf_obj_fault(f, parent, ERR_PARSE,
		    "objects nested deeper than %d", AAF_MAX_DEPTH);
	if (cfb_entry(f->cfb, dir, &e) != 0)
		return aaf_obj_fault(f, parent, ERR_PARSE, "no directory entry %u",
		    dir);
	if (e.type != CFB_STORAGE && e.type != CFB_ROOT)
		return aaf_obj_fault(f, parent, ERR_PARSE,
		    "'%s' is not a storage", e.name);
	o = calloc(1, sizeof *o);
	if (o == NULL)
		return ERR_NOMEM;
	o->dir = dir;
	o->parent = parent;
	o->depth = parent ? parent->depth + 1 : 0;
	o->cls = aaf_uid_read(e.clsid, false);
	o->kind = resolve_class(f, &o->cls);
	rc = cfb_find(f->cfb, dir, "properties", &pid);
	if (rc == 0) {
		rc = cfb_read_stream(f->cfb, pid, &data, &size, f->faulted ? NULL : f->d);
		if (rc != 0) {
			obj_free(o);
			if (rc == ERR_PARSE)
				f->faulted = true;
			return rc;
		}
		o->props = data;
		o->props_size = size;
		if ((rc = parse_props(f, o)) != 0) {
			obj_free(o);
			return rc;
		}
	}
	*slot = o;
	f->nobj++;
	*out = o;
	return 0;
}

/* ---- raw and typed values ---- */

int
aaf_obj_raw(const struct aaf_obj *obj, uint16_t pid, const uint8_t **val,
    size_t *len, uint16_t *sf)
{
	if (obj == NULL || pid == 0)
		return ERR_NOTFOUND;
	for (uint16_t i = 0; i < obj->nprop; i++) {
		if (obj->prop[i].pid != pid)
			continue;
		if (val != NULL)
			*val = obj->props + obj->prop[i].off;
		if (len != NULL)
			*len = obj->prop[i].len;
		if (sf != NULL)
			*sf = obj->prop[i].sf;
		return 0;
	}
	return ERR_NOTFOUND;
}

bool
aaf_obj_has(const struct aaf_obj *obj, uint16_t pid)
{
	return aaf_obj_raw(obj, pid, NULL, NULL, NULL) == 0;
}

static int
data_value(struct aaf_file *f, const struct aaf_obj *obj, uint16_t pid,
    const uint8_t **val, size_t *len)
{
	uint16_t sf;
	int rc = aaf_obj_raw(obj, pid, val, len, &sf);

	if (rc != 0)
		return rc;
	if (sf != AAF_SF_DATA)
		return aaf_obj_fault(f, obj, ERR_PARSE,
		    "property 0x%04x has stored form 0x%02x, not data", pid, sf);
	return 0;
}

/* A data property of exactly size bytes (what names it in the error). */
static int
fixed_value(struct aaf_file *f, const struct aaf_obj *obj, uint16_t pid,
    size_t size, const char *what, const uint8_t **val)
{
	size_t n;
	int rc = data_value(f, obj, pid, val, &n);

	if (rc != 0)
		return rc;
	if (n != size)
		return aaf_obj_fault(f, obj, ERR_PARSE,
		    "%s property 0x%04x of %zu bytes", what, pid, n);
	return 0;
}

/* An integer property of 1, 2, 4 or 8 bytes, unsigned, and its width. */
static int
int_value(struct aaf_file *f, const struct aaf_obj *obj, uint16_t pid,
    uint64_t *out, size_t *width)
{
	const uint8_t *v;
	size_t n;
	int rc = data_value(f, obj, pid, &v, &n);

	if (rc != 0)
		return rc;
	if (n != 1 && n != 2 && n != 4 && n != 8)
		return aaf_obj_fault(f, obj, ERR_PARSE,
		    "integer property 0x%04x of %zu bytes", pid, n);
	*out = get_uint(v, n, obj->be);
	*width = n;
	return 0;
}

int
aaf_obj_uint(struct aaf_file *f, const struct aaf_obj *obj, uint16_t pid,
    uint64_t *out)
{
	size_t n;

	return int_value(f, obj, pid, out, &n);
}

int
aaf_obj_int(struct aaf_file *f, const struct aaf_obj *obj, uint16_t pid,
    int64_t *out)
{
	size_t n;
	uint64_t u;
	int rc = int_value(f, obj, pid, &u, &n);

	if (rc != 0)
		return rc;
	if (n < 8 && (u >> (8 * n - 1)) & 1)
		u |= ~(uint64_t)0 << (8 * n);      /* sign-extend */
	memcpy(out, &u, sizeof *out);
	return 0;
}

int
aaf_obj_rat(struct aaf_file *f, const struct aaf_obj *obj, uint16_t pid,
    struct aaf_rat *out)
{
	const uint8_t *v;
	int rc = fixed_value(f, obj, pid, 8, "rational", &v);

	if (rc != 0)
		return rc;
	out->num = (int32_t)(uint32_t)get_uint(v, 4, obj->be);
	out->den = (int32_t)(uint32_t)get_uint(v + 4, 4, obj->be);
	return 0;
}

int
aaf_obj_uid(struct aaf_file *f, const struct aaf_obj *obj, uint16_t pid,
    struct aaf_uid *out)
{
	const uint8_t *v;
	int rc = fixed_value(f, obj, pid, 16, "AUID", &v);

	if (rc != 0)
		return rc;
	*out = aaf_uid_read(v, obj->be);
	return 0;
}

int
aaf_obj_mobid(struct aaf_file *f, const struct aaf_obj *obj, uint16_t pid,
    struct aaf_mobid *out)
{
	const uint8_t *v;
	int rc = fixed_value(f, obj, pid, 32, "MobID", &v);

	if (rc != 0)
		return rc;
	memcpy(out->b, v, 32);
	return 0;
}

int
aaf_obj_timestamp(struct aaf_file *f, const struct aaf_obj *obj, uint16_t pid,
    struct aaf_timestamp *out)
{
	const uint8_t *v;
	int rc = fixed_value(f, obj, pid, 8, "timestamp", &v);

	if (rc != 0)
		return rc;
	out->year = (int16_t)(uint16_t)get_uint(v, 2, obj->be);
	out->month = v[2];
	out->day = v[3];
	out->hour = v[4];
	out->minute = v[5];
	out->second = v[6];
	out->centis = v[7];
	return 0;
}

int
aaf_obj_string(struct aaf_file *f, const struct aaf_obj *obj, uint16_t pid,
    char **out)
{
	const uint8_t *v;
	size_t n;
	int rc = data_value(f, obj, pid, &v, &n);

	if (rc != 0)
		return rc;
	*out = aaf_utf16_to_utf8(v, n, obj->be);
	return *out ? 0 : ERR_NOMEM;
}

int
aaf_obj_indirect(struct aaf_file *f, const struct aaf_obj *obj, uint16_t pid,
    struct aaf_indirect *out)
{
	const uint8_t *v;
	size_t n;
	int rc = data_value(f, obj, pid, &v, &n);

	if (rc != 0)
		return rc;
	if (n < 17 || (v[0] != 'L' && v[0] != 'B'))
		return aaf_obj_fault(f, obj, ERR_PARSE,
		    "indirect property 0x%04x of %zu bytes is malformed", pid, n);
	out->be = v[0] == 'B';
	out->type = aaf_uid_read(v + 1, out->be);
	out->val = v + 17;
	out->len = n - 17;
	return 0;
}

int
aaf_ind_rat(const struct aaf_indirect *v, struct aaf_rat *out)
{
	if (!aaf_uid_eq(&v->type, &AAF_TYPE_RATIONAL) || v->len != 8)
		return ERR_PARSE;
	out->num = (int32_t)(uint32_t)get_uint(v->val, 4, v->be);
	out->den = (int32_t)(uint32_t)get_uint(v->val + 4, 4, v->be);
	return 0;
}

int
aaf_ind_int(const struct aaf_indirect *v, int64_t *out)
{
	static const struct {
		const struct aaf_uid *type;
		size_t size;
		bool sign;
	} ints[] = {
		{&AAF_TYPE_INT8, 1, true}, {&AAF_TYPE_INT16, 2, true},
		{&AAF_TYPE_INT32, 4, true}, {&AAF_TYPE_INT64, 8, true},
		{&AAF_TYPE_UINT8, 1, false}, {&AAF_TYPE_UINT16, 2, false},
		{&AAF_TYPE_UINT32, 4, false}, {&AAF_TYPE_UINT64, 8, false},
		{&AAF_TYPE_BOOLEAN, 1, false},
	};

	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		uint64_t u;

		if (!aaf_uid_eq(&v->type, ints[i].type))
			continue;
		if (v->len != ints[i].size)
			return ERR_PARSE;
		u = get_uint(v->val, v->len, v->be);
		if (ints[i].sign && v->len < 8 && (u >> (8 * v->len - 1)) & 1)
			u |= ~(uint64_t)0 << (8 * v->len);
		memcpy(out, &u, sizeof *out);
		return 0;
	}
	return ERR_PARSE;
}

int
aaf_ind_string(const struct aaf_indirect *v, char **out)
{
	if (!aaf_uid_eq(&v->type, &AAF_TYPE_STRING))
		return ERR_PARSE;
	*out = aaf_utf16_to_utf8(v->val, v->len, v->be);
	return *out ? 0 : ERR_NOMEM;
}

/* ---- references ---- */

/* The storage or stream name a reference property holds, UTF-8 into buf.
 * 0, ERR_NOTFOUND, ERR_PARSE. */
static int
ref_name(struct aaf_file *f, const struct aaf_obj *obj, uint16_t pid,
    uint16_t want1, uint16_t want2, char *buf, size_t size, uint16_t *sf_out)
{
	const uint8_t *v;
	size_t n;
	uint16_t sf;
	char *s;
	int rc = aaf_obj_raw(obj, pid, &v, &n, &sf);

	if (rc != 0)
		return rc;
	if (sf != want1 && sf != want2)
		return aaf_obj_fault(f, obj, ERR_PARSE,
		    "property 0x%04x has stored form 0x%02x, not a reference",
		    pid, sf);
	if (sf == AAF_SF_STREAM) {                 /* byte order, then name */
		if (n < 1)
			return aaf_obj_fault(f, obj, ERR_PARSE,
			    "empty stream reference 0x%04x", pid);
		v++;
		n--;
	}
	s = aaf_utf16_to_utf8(v, n, obj->be);
	if (s == NULL)
		return ERR_NOMEM;
	if (s[0] == '\0' || strlen(s) + sizeof INDEX_SUFFIX + 12 > size) {
		free(s);
		return aaf_obj_fault(f, obj, ERR_PARSE,
		    "reference 0x%04x names no usable storage", pid);
	}
	snprintf(buf, size, "%s", s);
	free(s);
	if (sf_out != NULL)
		*sf_out = sf;
	return 0;
}

int
aaf_obj_strong(struct aaf_file *f, struct aaf_obj *obj, uint16_t pid,
    struct aaf_obj **out)
{
	char name[256];
	uint32_t dir;
	int rc = ref_name(f, obj, pid, AAF_SF_STRONG, AAF_SF_STRONG, name,
	    sizeof name, NULL);

	if (rc != 0)
		return rc;
	if (cfb_find(f->cfb, obj->dir, name, &dir) != 0)
		return aaf_obj_fault(f, obj, ERR_PARSE,
		    "strong reference 0x%04x names missing storage '%s'", pid, name);
	return load(f, dir, obj, out);
}

int
aaf_obj_stream(struct aaf_file *f, const struct aaf_obj *obj, uint16_t pid,
    uint32_t *stream)
{
	char name[256];
	struct cfb_entry e;
	int rc = ref_name(f, obj, pid, AAF_SF_STREAM, AAF_SF_STREAM, name,
	    sizeof name, NULL);

	if (rc != 0)
		return rc;
	if (cfb_find(f->cfb, obj->dir, name, stream) != 0 ||
	    cfb_entry(f->cfb, *stream, &e) != 0 || e.type != CFB_STREAM)
		return aaf_obj_fault(f, obj, ERR_PARSE,
		    "data stream property 0x%04x names missing stream '%s'",
		    pid, name);
	return 0;
}

/* Reads collection pid's index: its kind, element count, local keys
 * (malloc'd, caller frees) and, for a set, key size and a pointer to each
 * element's key inside *raw (caller frees *raw). */
struct index {
	uint8_t *raw;
	size_t size;
	bool set;
	uint32_t count;
	size_t keysize;               /* sets */
	size_t entry0, entrysize;     /* where entries start, and their size */
	char name[256];
};

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* An index naming one element twice would let a small file describe an
 * exponentially large tree: refused. */
static int
unique_keys(struct aaf_file *f, const struct aaf_obj *obj,
    const struct index *ix)
{
	uint32_t *keys;
	int rc = 0;

	if (ix->count < 2)
		return 0;
	if ((keys = malloc(ix->count * sizeof *keys)) == NULL)
		return ERR_NOMEM;
	for (uint32_t i = 0; i < ix->count; i++)
		keys[i] = (uint32_t)get_uint(ix->raw + ix->entry0 +
		    (size_t)i * ix->entrysize, 4, obj->be);
	qsort(keys, ix->count, sizeof *keys, cmp_u32);
	for (uint32_t i = 1; i < ix->count && rc == 0; i++)
		if (keys[i] == keys[i - 1])
			rc = aaf_obj_fault(f, obj, ERR_PARSE,
			    "index '%s' lists element {%x} twice", ix->name,
			    (unsigned)keys[i]);
	free(keys);
	return rc;
}

static int
read_index(struct aaf_file *f, const struct aaf_obj *obj, uint16_t pid,
    struct index *ix)
{
	char iname[300];
	uint32_t dir;
	uint16_t sf;
	int rc = ref_name(f, obj, pid, AAF_SF_STRONG_VECTOR, AAF_SF_STRONG_SET,
	    ix->name, sizeof ix->name, &sf);

	if (rc != 0)
		return rc;
	ix->set = sf == AAF_SF_STRONG_SET;
	snprintf(iname, sizeof iname, "%s%s", ix->name, INDEX_SUFFIX);
	if (cfb_find(f->cfb, obj->dir, iname, &dir) != 0)
		return aaf_obj_fault(f, obj, ERR_PARSE, "missing stream '%s'", iname);
	rc = cfb_read_stream(f->cfb, dir, &ix->raw, &ix->size,
	    f->faulted ? NULL : f->d);
	if (rc != 0) {
		if (rc == ERR_PARSE)
			f->faulted = true;
		return rc;
	}
	if (ix->size < (ix->set ? 15u : 12u))
		goto short_index;
	ix->count = (uint32_t)get_uint(ix->raw, 4, obj->be);
	if (ix->set) {
		ix->keysize = ix->raw[14];
		ix->entry0 = 15;
		ix->entrysize = 8 + ix->keysize;
	} else {
		ix->keysize = 0;
		ix->entry0 = 12;
		ix->entrysize = 4;
	}
	if (ix->count > (ix->size - ix->entry0) / ix->entrysize)
		goto short_index;
	if ((rc = unique_keys(f, obj, ix)) != 0) {
		free(ix->raw);
		ix->raw = NULL;
	}
	return rc;
short_index:
	rc = aaf_obj_fault(f, obj, ERR_PARSE,
	    "index '%s' of %zu bytes is too short", iname, ix->size);
	free(ix->raw);
	ix->raw = NULL;
	return rc;
}

static int
load_element(struct aaf_file *f, struct aaf_obj *obj, const struct index *ix,
    uint32_t i, struct aaf_obj **out)
{
	char ename[300];
	uint32_t dir;
	uint32_t key = (uint32_t)get_uint(ix->raw + ix->entry0 +
	    (size_t)i * ix->entrysize, 4, obj->be);

	snprintf(ename, sizeof ename, "%s{%x}", ix->name, (unsigned)key);
	if (cfb_find(f->cfb, obj->dir, ename, &dir) != 0)
		return aaf_obj_fault(f, obj, ERR_PARSE,
		    "index of '%s' lists missing element '%s'", ix->name, ename);
	return load(f, dir, obj, out);
}

int
aaf_obj_list(struct aaf_file *f, struct aaf_obj *obj, uint16_t pid,
    struct aaf_obj ***out, size_t *count)
{
	struct index ix = {0};
	struct aaf_obj **items;
	int rc = read_index(f, obj, pid, &ix);

	*out = NULL;
	*count = 0;
	if (rc != 0)
		return rc;
	items = calloc(ix.count ? ix.count : 1, sizeof *items);
	if (items == NULL) {
		free(ix.raw);
		return ERR_NOMEM;
	}
	for (uint32_t i = 0; i < ix.count; i++) {
		if ((rc = load_element(f, obj, &ix, i, &items[i])) != 0) {
			free(items);
			free(ix.raw);
			return rc;
		}
	}
	free(ix.raw);
	*out = items;
	*count = ix.count;
	return 0;
}

int
aaf_obj_set_find(struct aaf_file *f, struct aaf_obj *obj, uint16_t pid,
    const void *key, size_t keylen, struct aaf_obj **out)
{
	struct index ix = {0};
	int rc = read_index(f, obj, pid, &ix);

	if (rc != 0)
		return rc;
	rc = ERR_NOTFOUND;
	if (ix.set && ix.keysize == keylen) {
		for (uint32_t i = 0; i < ix.count; i++) {
			const uint8_t *k = ix.raw + ix.entry0 +
			    (size_t)i * ix.entrysize + 8;

			if (memcmp(k, key, keylen) == 0) {
				rc = load_element(f, obj, &ix, i, out);
				break;
			}
		}
	}
	free(ix.raw);
	return rc;
}

/* A weak reference: { u16 tag, u16 key pid, u8 key size, key }. */
static int
weak_value(struct aaf_file *f, const struct aaf_obj *obj, uint16_t pid,
    uint16_t *tag, const uint8_t **key, size_t *keylen)
{
	const uint8_t *v;
	size_t n;
	uint16_t sf;
	int rc = aaf_obj_raw(obj, pid, &v, &n, &sf);

	if (rc != 0)
		return rc;
	if (sf == AAF_SF_DATA && n == 16) {        /* stored as its key */
		*tag = 0xffff;
		*key = v;
		*keylen = 16;
		return 0;
	}
	if (sf != AAF_SF_WEAK || n < 5 || (size_t)v[4] + 5 != n)
		return aaf_obj_fault(f, obj, ERR_PARSE,
		    "weak reference 0x%04x is malformed", pid);
	*tag = (uint16_t)get_uint(v, 2, obj->be);
	*key = v + 5;
	*keylen = v[4];
	return 0;
}

int
aaf_obj_weak_uid(struct aaf_file *f, const struct aaf_obj *obj, uint16_t pid,
    struct aaf_uid *out)
{
	uint16_t tag;
	const uint8_t *key;
	size_t keylen;
	int rc = weak_value(f, obj, pid, &tag, &key, &keylen);

	if (rc != 0)
		return rc;
	if (keylen != 16)
		return aaf_obj_fault(f, obj, ERR_PARSE,
		    "weak reference 0x%04x has a %zu-byte key, not an AUID",
		    pid, keylen);
	*out = aaf_uid_read(key, obj->be);
	return 0;
}

int
aaf_obj_weak(struct aaf_file *f, const struct aaf_obj *obj, uint16_t pid,
    struct aaf_obj **out)
{
	uint16_t tag;
	const uint8_t *key;
	size_t keylen;
	struct aaf_obj *cur = f->root;
	const struct refpath *rp;
	int rc = weak_value(f, obj, pid, &tag, &key, &keylen);

	if (rc != 0)
		return rc;
	if (tag >= f->nrefs || f->refs[tag].count == 0)
		return ERR_NOTFOUND;
	rp = &f->refs[tag];
	for (size_t i = 0; i + 1 < rp->count; i++)
		if ((rc = aaf_obj_strong(f, cur, f->refpids[rp->first + i], &cur)) != 0)
			return rc;
	return aaf_obj_set_find(f, cur, f->refpids[rp->first + rp->count - 1],
	    key, keylen, out);
}

/* ---- the file ---- */

uint16_t
aaf_file_pid(const struct aaf_file *f, const char *name)
{
	for (size_t i = 0; i < f->nprops; i++)
		if (f->props[i].name != NULL && strcmp(f->props[i].name, name) == 0)
			return f->props[i].pid;
	return 0;
}

const struct cfb *
aaf_file_cfb(const struct aaf_file *f)
{
	return f->cfb;
}

int
aaf_file_header(struct aaf_file *f, struct aaf_obj **out)
{
	int rc = aaf_obj_strong(f, f->root, PID_ROOT_HEADER, out);

	if (rc == ERR_NOTFOUND)
		return aaf_obj_fault(f, f->root, ERR_PARSE, "no Header object");
	return rc;
}

static int
read_class(struct aaf_file *f, struct aaf_obj *cd)
{
	struct classdef *c = &f->classes[f->nclasses];
	struct aaf_obj **pd = NULL;
	size_t npd = 0;
	int rc = aaf_obj_uid(f, cd, PID_META_IDENTIFICATION, &c->id);

	if (rc == ERR_NOTFOUND)
		return 0;                       /* nothing to learn from it */
	if (rc != 0)
		return rc;
	rc = aaf_obj_weak_uid(f, cd, PID_CLASSDEF_PARENT, &c->parent);
	if (rc != 0 && rc != ERR_NOTFOUND)
		return rc;
	c->has_parent = rc == 0;
	f->nclasses++;
	rc = aaf_obj_list(f, cd, PID_CLASSDEF_PROPERTIES, &pd, &npd);
	if (rc == ERR_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < npd && rc == 0; i++) {
		uint64_t pid;
		char *name = NULL;
		struct propdef *np;

		if (aaf_obj_uint(f, pd[i], PID_PROPDEF_LOCALID, &pid) != 0 ||
		    pid < 0x8000 || pid > 0xffff)
			continue;                   /* static ids are in aaf_ids.h */
		if ((rc = aaf_obj_string(f, pd[i], PID_META_NAME, &name)) != 0) {
			if (rc == ERR_NOTFOUND)
				rc = 0;
			continue;
		}
		np = realloc(f->props, (f->nprops + 1) * sizeof *f->props);
		if (np == NULL) {
			free(name);
			rc = ERR_NOMEM;
			break;
		}
		f->props = np;
		f->props[f->nprops].pid = (uint16_t)pid;
		f->props[f->nprops].name = name;
		f->nprops++;
	}
	free(pd);
	return rc;
}

static int
read_metadictionary(struct aaf_file *f)
{
	struct aaf_obj *md, **cds = NULL;
	size_t ncd = 0;
	int rc = aaf_obj_strong(f, f->root, PID_ROOT_METADICTIONARY, &md);

	if (rc == ERR_NOTFOUND)
		return 0;            /* no extensions described: standard classes only */
	if (rc != 0)
		return rc;
	rc = aaf_obj_list(f, md, PID_METADICT_CLASSES, &cds, &ncd);
	if (rc == ERR_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	f->classes = calloc(ncd ? ncd : 1, sizeof *f->classes);
	if (f->classes == NULL) {
		free(cds);
		return ERR_NOMEM;
	}
	for (size_t i = 0; i < ncd && rc == 0; i++)
		rc = read_class(f, cds[i]);
	free(cds);
	if (rc != 0)
		return rc;
	/* objects loaded so far were classified without the extensions */
	for (size_t i = 0; i < f->nslot; i++)
		if (f->slot[i] != NULL)
			f->slot[i]->kind = resolve_class(f, &f->slot[i]->cls);
	return 0;
}

/* "referenced properties": u8 byte order, u16 path count, u32 pid count,
 * then the pids, each path ended by a 0. */
static int
read_refs(struct aaf_file *f)
{
	uint32_t dir;
	uint8_t *raw = NULL;
	size_t size = 0, npid, first = 0;
	bool be;
	int rc;

	if (cfb_find(f->cfb, cfb_root(f->cfb), "referenced properties", &dir) != 0)
		return 0;                        /* no weak references */
	if ((rc = cfb_read_stream(f->cfb, dir, &raw, &size, f->d)) != 0) {
		f->faulted = rc == ERR_PARSE;
		return rc;
	}
	if (size < 7 || (raw[0] != 'L' && raw[0] != 'B')) {
		free(raw);
		return aaf_obj_fault(f, NULL, ERR_PARSE,
		    "'referenced properties' stream is malformed");
	}
	be = raw[0] == 'B';
	npid = (size_t)get_uint(raw + 3, 4, be);
	if (npid > (size - 7) / 2) {
		free(raw);
		return aaf_obj_fault(f, NULL, ERR_PARSE,
		    "'referenced properties' lists %zu ids in %zu bytes", npid, size);
	}
	f->refpids = calloc(npid ? npid : 1, sizeof *f->refpids);
	f->refs = calloc(npid ? npid : 1, sizeof *f->refs);
	if (f->refpids == NULL || f->refs == NULL) {
		free(raw);
		return ERR_NOMEM;
	}
	for (size_t i = 0; i < npid; i++) {
		f->refpids[i] = (uint16_t)get_uint(raw + 7 + 2 * i, 2, be);
		if (f->refpids[i] == 0) {
			f->refs[f->nrefs].first = first;
			f->refs[f->nrefs].count = i - first;
			f->nrefs++;
			first = i + 1;
		}
	}
	free(raw);
	return 0;
}

static int
file_setup(struct aaf_file *f)
{
	int rc = load(f, cfb_root(f->cfb), NULL, &f->root);

	if (rc != 0)
		return rc;
	if (!aaf_obj_has(f->root, PID_ROOT_HEADER))
		return aaf_obj_fault(f, NULL, ERR_PARSE,
		    "not an AAF file: the root object has no Header");
	if ((rc = read_refs(f)) != 0)
		return rc;
	return read_metadictionary(f);
}

static struct aaf_file *
file_new(const char *path, struct diag *d)
{
	struct aaf_file *f = calloc(1, sizeof *f);

	if (f == NULL)
		return NULL;
	f->d = d;
	snprintf(f->path, sizeof f->path, "%s", path ? path : "");
	return f;
}

int
aaf_file_open_memory(const void *data, size_t size, struct aaf_file **out,
    struct diag *d)
{
	struct aaf_file *f = file_new(NULL, d);
	int rc;

	*out = NULL;
	if (f == NULL)
		return ERR_NOMEM;
	rc = cfb_open_memory(data, size, &f->cfb, d);
	if (rc == 0)
		rc = file_setup(f);
	if (rc != 0) {
		aaf_file_close(f);
		return rc;
	}
	*out = f;
	return 0;
}

int
aaf_file_open(const char *path, struct aaf_file **out, struct diag *d)
{
	struct aaf_file *f = file_new(path, d);
	int rc;

	*out = NULL;
	if (f == NULL)
		return ERR_NOMEM;
	rc = cfb_open_file(path, &f->cfb, d);
	if (rc == 0)
		rc = file_setup(f);
	if (rc != 0) {
		aaf_file_close(f);
		return rc;
	}
	*out = f;
	return 0;
}

void
aaf_file_close(struct aaf_file *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->nslot; i++)
		obj_free(f->slot[i]);
	free(f->slot);
	for (size_t i = 0; i < f->nprops; i++)
		free(f->props[i].name);
	free(f->props);
	free(f->classes);
	free(f->refpids);
	free(f->refs);
	cfb_close(f->cfb);
	free(f);
}
