/*
 * aaf_obj.h - the AAF object layer: objects stored in a compound file
 * (internal to src/interchange/aaf*.c).
 *
 * The AAF Low-Level Container Specification stores each object in a CFB
 * storage whose CLSID is the object's class AUID. The storage holds a
 * "properties" stream:
 *
 *     header   u8 byte order ('L' 0x4c or 'B' 0x42), u8 version, u16 count
 *     entries  count x { u16 pid, u16 stored form, u16 length }
 *     values   the entries' values, one after the other
 *
 * A value's stored form says how to read it: plain data; a strong
 * reference (the value is the UTF-16 name of a child storage); a strong
 * reference vector or set (the value names a collection: "<name> index" is
 * a stream listing the elements' local keys, each element is the storage
 * "<name>{<key in hex>}"; a set's index also holds each element's unique
 * key); a weak reference (a tag into the root "referenced properties"
 * stream naming the set that holds the target, plus the target's key); a
 * data stream (the value names a stream beside "properties").
 *
 * The MetaDictionary describes the classes and properties a file uses:
 * extension classes (Avid's, Pro Tools') name their parent class, so an
 * unknown class is walked as its nearest known ancestor, and dynamic
 * property ids (0x8000 and up) are looked up by name.
 *
 * Defensive: every length, count and index is checked against its stream;
 * objects are loaded at most once (cached by CFB entry) and never deeper
 * than AAF_MAX_DEPTH; a structural fault (a reference to a storage that is
 * not there, a value running past its stream) is ERR_PARSE and the diag
 * names the object's path. A missing property is ERR_NOTFOUND: real files
 * omit "required" properties all the time, callers decide.
 *
 * Not thread-safe per handle. Never prints.
 */
#ifndef DUBSTAGE_INTERCHANGE_AAF_OBJ_H
#define DUBSTAGE_INTERCHANGE_AAF_OBJ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define AAF_MAX_DEPTH 64          /* storages below the root */

/* An AUID (class, definition, type ids) in the conventional GUID layout. */
struct aaf_uid {
	uint32_t d1;
	uint16_t d2, d3;
	uint8_t d4[8];
};

/* A MobID (SMPTE UMID), 32 bytes as stored. */
struct aaf_mobid {
	uint8_t b[32];
};

struct aaf_rat {
	int32_t num, den;
};

/* The classes the reader knows; an object of another class is seen as its
 * nearest known ancestor (from the MetaDictionary), or AAF_C_UNKNOWN. */
enum aaf_class {
	AAF_C_UNKNOWN = 0,
	AAF_C_INTERCHANGE,
	AAF_C_COMPONENT, AAF_C_SEGMENT, AAF_C_TRANSITION, AAF_C_SEQUENCE,
	AAF_C_FILLER, AAF_C_SOURCEREF, AAF_C_SOURCECLIP, AAF_C_OPGROUP,
	AAF_C_NESTEDSCOPE, AAF_C_SELECTOR, AAF_C_TIMECODE, AAF_C_EVENT,
	AAF_C_COMMENTMARKER, AAF_C_DESCMARKER, AAF_C_ESSENCEGROUP,
	AAF_C_SCOPEREF, AAF_C_PULLDOWN, AAF_C_EDGECODE, AAF_C_GPITRIGGER,
	AAF_C_TIMECODESTREAM, AAF_C_TEXTCLIP,
	AAF_C_MOB, AAF_C_COMPMOB, AAF_C_MASTERMOB, AAF_C_SOURCEMOB,
	AAF_C_MOBSLOT, AAF_C_TIMELINESLOT, AAF_C_EVENTSLOT, AAF_C_STATICSLOT,
	AAF_C_ESSDESC, AAF_C_FILEDESC, AAF_C_SOUNDDESC, AAF_C_PCMDESC,
	AAF_C_WAVEDESC, AAF_C_AIFCDESC, AAF_C_MULTIDESC, AAF_C_DIGIMAGEDESC,
	AAF_C_PHYSDESC, AAF_C_IMPORTDESC, AAF_C_TAPEDESC,
	AAF_C_LOCATOR, AAF_C_NETLOCATOR, AAF_C_TEXTLOCATOR,
	AAF_C_PARAMETER, AAF_C_CONSTVALUE, AAF_C_VARYVALUE, AAF_C_CONTROLPOINT,
	AAF_C_TAGGEDVALUE, AAF_C_ESSENCEDATA, AAF_C_CONTENTSTORAGE,
	AAF_C_HEADER, AAF_C_IDENTIFICATION, AAF_C_DICTIONARY,
	AAF_C_DEFOBJECT, AAF_C_KLVDATA,
	AAF_C_COUNT
};

/* Stored forms of property values. */
enum {
	AAF_SF_DATA = 0x82,
	AAF_SF_STREAM = 0x42,
	AAF_SF_STRONG = 0x22,
	AAF_SF_STRONG_VECTOR = 0x32,
	AAF_SF_STRONG_SET = 0x3a,
	AAF_SF_WEAK = 0x02,
	AAF_SF_WEAK_VECTOR = 0x12,
	AAF_SF_WEAK_SET = 0x1a,
};

struct aaf_file;

struct aaf_obj {
	uint32_t dir;                 /* CFB entry of the object's storage */
	struct aaf_uid cls;           /* class as stored */
	enum aaf_class kind;          /* nearest known class */
	bool be;                      /* values stored big-endian */
	int depth;                    /* storages below the root */
	struct aaf_obj *parent;       /* owning object (NULL for the root) */
	const uint8_t *props;         /* the "properties" stream */
	size_t props_size;            /* bytes */
	uint16_t nprop;
	struct aaf_prop {
		uint16_t pid, sf, len;
		uint32_t off;             /* of the value in props */
	} *prop;
};

/* A value of a property of type Indirect: its type and bytes. */
struct aaf_indirect {
	struct aaf_uid type;
	bool be;
	const uint8_t *val;
	size_t len;
};

/*
 * Opens an AAF file (or a compound file image in memory, borrowed until
 * close) and reads its MetaDictionary. d (borrowed until close, may be
 * NULL) receives the first structural fault any later call meets.
 * 0, ERR_IO, ERR_PARSE (not a compound file, or not AAF), ERR_NOMEM.
 */
int aaf_file_open(const char *path, struct aaf_file **out, struct diag *d);
int aaf_file_open_memory(const void *data, size_t size, struct aaf_file **out,
    struct diag *d);
void aaf_file_close(struct aaf_file *f);          /* NULL is a no-op */

/* The CFB container (borrowed; for essence streams). */
const struct cfb *aaf_file_cfb(const struct aaf_file *f);

/* The Header object. 0, ERR_PARSE. */
int aaf_file_header(struct aaf_file *f, struct aaf_obj **out);

/* The dynamic property id the MetaDictionary gives the property called
 * name (any class), or 0. */
uint16_t aaf_file_pid(const struct aaf_file *f, const char *name);

/* Whether obj is (a subclass of) cls. */
bool aaf_obj_is(const struct aaf_obj *obj, enum aaf_class cls);

/* obj's path from the root, "/Header-2/Content-3b03/Mobs-1901{3}", for
 * messages; written into buf (always terminated). Returns buf. */
const char *aaf_obj_path(const struct aaf_file *f, const struct aaf_obj *obj,
    char *buf, size_t size);

/* Records a fault about obj in the file's diag (the first one wins) and
 * returns code. */
int aaf_obj_fault(struct aaf_file *f, const struct aaf_obj *obj, int code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The raw value of property pid: 0 (and *val, *len, *sf), or ERR_NOTFOUND.
 * val/sf may be NULL. */
int aaf_obj_raw(const struct aaf_obj *obj, uint16_t pid, const uint8_t **val,
    size_t *len, uint16_t *sf);
bool aaf_obj_has(const struct aaf_obj *obj, uint16_t pid);

/*
 * Typed data values: 0, ERR_NOTFOUND (absent), or ERR_PARSE (present but
 * of the wrong size or form; recorded in the diag). Integers are read in
 * the object's byte order; a narrower stored integer is widened (some
 * writers store a UInt8 where the spec says UInt32).
 */
int aaf_obj_uint(struct aaf_file *f, const struct aaf_obj *obj, uint16_t pid,
    uint64_t *out);
int aaf_obj_int(struct aaf_file *f, const struct aaf_obj *obj, uint16_t pid,
    int64_t *out);
int aaf_obj_rat(struct aaf_file *f, const struct aaf_obj *obj, uint16_t pid,
    struct aaf_rat *out);
int aaf_obj_uid(struct aaf_file *f, const struct aaf_obj *obj, uint16_t pid,
    struct aaf_uid *out);
int aaf_obj_mobid(struct aaf_file *f, const struct aaf_obj *obj, uint16_t pid,
    struct aaf_mobid *out);
/* A TimeStamp: { i16 year, u8 month, day } { u8 hour, minute, second,
 * 1/100 s }. */
struct aaf_timestamp {
	int year;
	unsigned month, day, hour, minute, second, centis;
};
int aaf_obj_timestamp(struct aaf_file *f, const struct aaf_obj *obj,
    uint16_t pid, struct aaf_timestamp *out);
/* A UTF-16 string as malloc'd UTF-8 (caller frees). */
int aaf_obj_string(struct aaf_file *f, const struct aaf_obj *obj, uint16_t pid,
    char **out);
int aaf_obj_indirect(struct aaf_file *f, const struct aaf_obj *obj,
    uint16_t pid, struct aaf_indirect *out);

/* The key of a weak reference (the target's unique identifier, e.g. a
 * definition's AUID). 0, ERR_NOTFOUND, ERR_PARSE. */
int aaf_obj_weak_uid(struct aaf_file *f, const struct aaf_obj *obj,
    uint16_t pid, struct aaf_uid *out);
/* Resolves a weak reference to its target through the referenced
 * property path and the target set's index. 0, ERR_NOTFOUND, ERR_PARSE. */
int aaf_obj_weak(struct aaf_file *f, const struct aaf_obj *obj, uint16_t pid,
    struct aaf_obj **out);

/* The object a strong reference names. 0, ERR_NOTFOUND, ERR_PARSE. */
int aaf_obj_strong(struct aaf_file *f, struct aaf_obj *obj, uint16_t pid,
    struct aaf_obj **out);
/* The elements of a strong reference vector or set, in index order, as a
 * malloc'd array (caller frees the array, not the objects). An absent
 * property gives ERR_NOTFOUND. */
int aaf_obj_list(struct aaf_file *f, struct aaf_obj *obj, uint16_t pid,
    struct aaf_obj ***out, size_t *count);
/* The element of strong reference set pid whose key is key (keylen
 * bytes, e.g. a MobID). 0, ERR_NOTFOUND, ERR_PARSE. */
int aaf_obj_set_find(struct aaf_file *f, struct aaf_obj *obj, uint16_t pid,
    const void *key, size_t keylen, struct aaf_obj **out);
/* The CFB stream a data-stream property names. 0, ERR_NOTFOUND, ERR_PARSE. */
int aaf_obj_stream(struct aaf_file *f, const struct aaf_obj *obj, uint16_t pid,
    uint32_t *stream);

/* Indirect values. */
int aaf_ind_rat(const struct aaf_indirect *v, struct aaf_rat *out);
int aaf_ind_int(const struct aaf_indirect *v, int64_t *out);
int aaf_ind_string(const struct aaf_indirect *v, char **out);

/* UTF-16 (len bytes, stops at a NUL) to malloc'd UTF-8; NULL on OOM. */
char *aaf_utf16_to_utf8(const uint8_t *p, size_t len, bool be);

bool aaf_uid_eq(const struct aaf_uid *a, const struct aaf_uid *b);
/* Reads an AUID from 16 stored bytes. */
struct aaf_uid aaf_uid_read(const uint8_t *p, bool be);

#endif
