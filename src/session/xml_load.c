/*
 * xml_load.c - builds a session from a session file (format 1).
 *
 * The walk is strict and single-pass over the parsed tree: every element is
 * taken from a cursor in the order the format fixes, so an unknown or
 * misplaced element is found where it stands; every element's attributes
 * are checked against its list before any is read. Values are parsed with
 * the strict strutil parsers. Errors carry the line of the element at
 * fault.
 *
 * Semantic checks run while building, because everything a reference can
 * point at is defined earlier in the file: sources before tracks, and
 * buses before tracks (noise prints come right after the sources, so
 * strips may one day refer to them). Buses may route to later buses, so <buses> is
 * walked twice (define all ids, then read their contents), and the bus
 * graph (outputs and sends) is checked for loops afterwards.
 *
 * Ids are checked for uniqueness with a hash table. Objects are appended
 * with session_add_*(num 0) and then given their id from the file: the
 * builders' own duplicate check scans the session, which would make a load
 * quadratic in the number of objects; here every id is known to be unique.
 * The next-id counters are set at the end (never below max used + 1).
 */
#include "session/session_xml.h"
#include "session/xml_safe.h"
#include "base/path.h"
#include "base/strutil.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a small hash table: 64-bit key (never 0) -> 32-bit value ----------- */

struct idx {
	uint64_t *keys;
	uint32_t *vals;
	size_t cap, count;
};

static size_t
idx_hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return (size_t)k;
}

static void
idx_free(struct idx *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

static int idx_put(struct idx *m, uint64_t key, uint32_t val);

static int
idx_grow(struct idx *m)
{
	struct idx bigger = { 0 };
	size_t ncap = m->cap == 0 ? 64 : m->cap * 2;

	if (ncap > SIZE_MAX / sizeof *m->keys)
		return ERR_NOMEM;
	bigger.keys = calloc(ncap, sizeof *bigger.keys);
	bigger.vals = calloc(ncap, sizeof *bigger.vals);
	if (bigger.keys == NULL || bigger.vals == NULL) {
		idx_free(&bigger);
		return ERR_NOMEM;
	}
	bigger.cap = ncap;
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i] != 0)
			(void)idx_put(&bigger, m->keys[i], m->vals[i]);
	idx_free(m);
	*m = bigger;
	return 0;
}

/* 0, ERR_EXISTS (key already there, value unchanged) or ERR_NOMEM. */
static int
idx_put(struct idx *m, uint64_t key, uint32_t val)
{
	size_t i;

	if ((m->count + 1) * 2 > m->cap && idx_grow(m) != 0)
		return ERR_NOMEM;
	for (i = idx_hash(key) & (m->cap - 1); m->keys[i] != 0;
	    i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == key)
			return ERR_EXISTS;
	m->keys[i] = key;
	m->vals[i] = val;
	m->count++;
	return 0;
}

static bool
idx_get(const struct idx *m, uint64_t key, uint32_t *val)
{
	if (m->cap == 0)
		return false;
	for (size_t i = idx_hash(key) & (m->cap - 1); m->keys[i] != 0;
	    i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key) {
			if (val != NULL)
				*val = m->vals[i];
			return true;
		}
	}
	return false;
}

static uint64_t
id_key(struct id id)
{
	return (uint64_t)(id.kind + 1) << 32 | id.num;
}

/* ---- the loader --------------------------------------------------------- */

#define SCRATCH_SLOTS 4

struct loader {
	const char *name;           /* file name for diagnostics */
	const char *base_dir;       /* relative media paths resolve here */
	struct diag *d;
	struct session *s;
	struct idx ids;             /* every id defined so far -> array index */
	uint32_t max_num[ID_KIND_COUNT];
	xmlChar *scratch[SCRATCH_SLOTS];  /* attribute values that needed a copy */
	int scratch_next;
	char elbuf[256];            /* for messages: see elname, idstr */
	char idbuf[4][16];
	int idnext;
};

static int
line_of(const xmlNode *n)
{
	return xml_safe_line(n);
}

static int fail(struct loader *L, int code, const xmlNode *n,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
fail(struct loader *L, int code, const xmlNode *n, const char *fmt, ...)
{
	char msg[sizeof L->d->message];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return diag_set(L->d, code, L->name, line_of(n), "%s", msg);
}

static int
nomem(struct loader *L, const xmlNode *n)
{
	return fail(L, ERR_NOMEM, n, "out of memory");
}

/* "<name>" or "<prefix:name>" of an element or attribute, for messages. */
static const char *
qname(const xmlNs *ns, const xmlChar *name, char *buf, size_t size)
{
	if (ns != NULL && ns->prefix != NULL)
		snprintf(buf, size, "%s:%s", (const char *)ns->prefix,
		    (const char *)name);
	else if (ns != NULL && ns->href != NULL)
		snprintf(buf, size, "%s (namespace %s)", (const char *)name,
		    (const char *)ns->href);
	else
		snprintf(buf, size, "%s", (const char *)name);
	return buf;
}

/* Names for messages, in buffers of the loader (a message uses at most
 * one element name and four ids). */
static const char *
elname(struct loader *L, const xmlNode *n)
{
	return qname(n->ns, n->name, L->elbuf, sizeof L->elbuf);
}

static bool
is(const xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && n->ns == NULL &&
	    strcmp((const char *)n->name, name) == 0;
}

static const char *
idstr(struct loader *L, struct id id)
{
	L->idnext = (L->idnext + 1) % 4;
	return id_format(id, L->idbuf[L->idnext], sizeof L->idbuf[0]);
}

/* ---- attributes --------------------------------------------------------- */

/* Refuses attributes not in allowed (NULL-terminated). */
static int
check_attrs(struct loader *L, const xmlNode *n, const char *const *allowed)
{
	char buf[256];

	for (const xmlAttr *a = n->properties; a != NULL; a = a->next) {
		bool ok = false;

		if (a->ns == NULL)
			for (size_t i = 0; allowed[i] != NULL && !ok; i++)
				ok = strcmp((const char *)a->name, allowed[i]) == 0;
		if (!ok)
			return fail(L, ERR_SCHEMA, n,
			    "unknown attribute '%s' on <%s>",
			    qname(a->ns, a->name, buf, sizeof buf), elname(L, n));
	}
	return 0;
}

/* The value of attribute name (no namespace): *out is NULL when absent
 * (ERR_SCHEMA when required). The string lives until a few more calls. */
static int
attr(struct loader *L, const xmlNode *n, const char *name, bool required,
    const char **out)
{
	const xmlAttr *a;
	xmlChar *v;

	*out = NULL;
	for (a = n->properties; a != NULL; a = a->next)
		if (a->ns == NULL && strcmp((const char *)a->name, name) == 0)
			break;
	if (a == NULL) {
		if (required)
			return fail(L, ERR_SCHEMA, n,
			    "<%s> needs the attribute '%s'", elname(L, n), name);
		return 0;
	}
	if (a->children == NULL) {
		*out = "";
		return 0;
	}
	if (a->children->next == NULL && a->children->type == XML_TEXT_NODE &&
	    a->children->content != NULL) {
		*out = (const char *)a->children->content;
		return 0;
	}
	if ((v = xmlNodeListGetString(n->doc, a->children, 1)) == NULL)
		return nomem(L, n);
	xmlFree(L->scratch[L->scratch_next]);
	L->scratch[L->scratch_next] = v;
	L->scratch_next = (L->scratch_next + 1) % SCRATCH_SLOTS;
	*out = (const char *)v;
	return 0;
}

static int
bad_value(struct loader *L, const xmlNode *n, const char *name,
    const char *v, const char *expected)
{
	return fail(L, ERR_PARSE, n, "attribute '%s' of <%s> is \"%.64s\": %s",
	    name, elname(L, n), v, expected);
}

/* Copies a string attribute into *out (which must be NULL). */
static int
get_str(struct loader *L, const xmlNode *n, const char *name, bool required,
    char **out)
{
	const char *v;
	int rc = attr(L, n, name, required, &v);

	if (rc != 0 || v == NULL)
		return rc;
	if ((*out = str_dup(v)) == NULL)
		return nomem(L, n);
	return 0;
}

static int
get_i64(struct loader *L, const xmlNode *n, const char *name, bool required,
    int64_t *out)
{
	const char *v;
	int rc = attr(L, n, name, required, &v);

	if (rc != 0 || v == NULL)
		return rc;
	if (v[0] == '+' || str_to_i64(v, out) != 0)
		return bad_value(L, n, name, v, "expected a whole number");
	return 0;
}

/* Out of [min, max] is a semantic error (the number itself is fine). */
static int
get_int(struct loader *L, const xmlNode *n, const char *name, bool required,
    int min, int max, int *out)
{
	const char *v;
	int64_t x;
	int rc = attr(L, n, name, required, &v);

	if (rc != 0 || v == NULL)
		return rc;
	if (v[0] == '+' || str_to_i64(v, &x) != 0)
		return bad_value(L, n, name, v, "expected a whole number");
	if (x < min || x > max)
		return fail(L, ERR_SEMANTIC, n,
		    "attribute '%s' of <%s> is %" PRId64 ", outside %d..%d",
		    name, elname(L, n), x, min, max);
	*out = (int)x;
	return 0;
}

static int
get_double(struct loader *L, const xmlNode *n, const char *name,
    bool required, double *out)
{
	const char *v;
	int rc = attr(L, n, name, required, &v);

	if (rc != 0 || v == NULL)
		return rc;
	/* Decimal only: strtod would also take hex floats and "infinity". */
	if (v[strspn(v, "0123456789+-.eE")] != '\0' || str_to_double(v, out) != 0)
		return bad_value(L, n, name, v, "expected a finite decimal number");
	return 0;
}

static int
get_bool(struct loader *L, const xmlNode *n, const char *name, bool required,
    bool *out)
{
	const char *v;
	int rc = attr(L, n, name, required, &v);

	if (rc != 0 || v == NULL)
		return rc;
	if (str_to_bool(v, out) != 0)
		return bad_value(L, n, name, v, "expected true or false");
	return 0;
}

static int
get_id(struct loader *L, const xmlNode *n, const char *name, bool required,
    enum id_kind kind, struct id *out)
{
	static const char *const kinds[ID_KIND_COUNT] = {
		[ID_TRACK] = "a track", [ID_CLIP] = "a clip", [ID_BUS] = "a bus",
		[ID_SOURCE] = "a source", [ID_MARKER] = "a marker",
		[ID_PRINT] = "a noise print"
	};
	const char *v;
	struct id id;
	int rc = attr(L, n, name, required, &v);

	if (rc != 0 || v == NULL)
		return rc;
	if (id_parse(v, &id) != 0)
		return bad_value(L, n, name, v,
		    "expected an id such as T3, C12, B1, S4, M2 or N1");
	if (id.kind != kind)
		return fail(L, ERR_SEMANTIC, n,
		    "attribute '%s' of <%s> is %s, which is not %s id (%c...)",
		    name, elname(L, n), v, kinds[kind], id_sigil(kind));
	if (id.num == UINT32_MAX)
		return fail(L, ERR_SEMANTIC, n, "id %s is too large", v);
	*out = id;
	return 0;
}

/* An enum attribute through its parse function (adapted to int). */
typedef int (*enum_parse_fn)(const char *text, int *out);

static int
get_enum(struct loader *L, const xmlNode *n, const char *name, bool required,
    enum_parse_fn parse, const char *expected, int *out)
{
	const char *v;
	int rc = attr(L, n, name, required, &v);

	if (rc != 0 || v == NULL)
		return rc;
	if (parse(v, out) != 0)
		return bad_value(L, n, name, v, expected);
	return 0;
}

#define ENUM_ADAPTER(fn, type) \
	static int fn##_int(const char *text, int *out) { \
		type v; \
		int rc = fn(text, &v); \
		if (rc == 0) \
			*out = (int)v; \
		return rc; \
	}
ENUM_ADAPTER(chan_format_parse, enum chan_format)
ENUM_ADAPTER(fade_shape_parse, enum fade_shape)
ENUM_ADAPTER(auto_param_parse, enum auto_param)
ENUM_ADAPTER(auto_interp_parse, enum auto_interp)
ENUM_ADAPTER(bus_kind_parse, enum bus_kind)

static int
get_format(struct loader *L, const xmlNode *n, bool required,
    enum chan_format *f)
{
	int v = (int)*f;
	int rc = get_enum(L, n, "format", required, chan_format_parse_int,
	    "expected mono, stereo, 5.1, 7.1 or 7.1.2", &v);

	*f = (enum chan_format)v;
	return rc;
}

/* A frame count attribute that must be >= min. */
static int
get_frames(struct loader *L, const xmlNode *n, const char *name,
    bool required, int64_t min, int64_t *out)
{
	int rc = get_i64(L, n, name, required, out);

	if (rc == 0 && *out < min)
		return fail(L, ERR_SEMANTIC, n,
		    "attribute '%s' of <%s> is %" PRId64 "; it must be %s",
		    name, elname(L, n), *out, min > 0 ? "positive" : "0 or more");
	return rc;
}

/* ---- children ----------------------------------------------------------- */

static bool
blank(const xmlChar *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

/* Walks the element children of parent in order. Comments and processing
 * instructions are skipped; text that is not white space is an error. */
struct cursor {
	struct loader *L;
	const xmlNode *parent;
	xmlNode *cur;
	int rc;
};

static void
cur_skip(struct cursor *c)
{
	while (c->cur != NULL && c->cur->type != XML_ELEMENT_NODE) {
		xmlNode *n = c->cur;

		if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE ||
		    ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) &&
		    blank(n->content))) {
			c->cur = n->next;
			continue;
		}
		if (c->rc == 0)
			c->rc = fail(c->L, ERR_SCHEMA,
			    n->type == XML_TEXT_NODE ? n : c->parent,
			    "unexpected text in <%s>", elname(c->L, c->parent));
		c->cur = NULL;
	}
}

static void
cur_init(struct cursor *c, struct loader *L, const xmlNode *parent)
{
	c->L = L;
	c->parent = parent;
	c->cur = parent->children;
	c->rc = 0;
	cur_skip(c);
}

/* The next element if it is called name (and steps past it), else NULL. */
static xmlNode *
cur_take(struct cursor *c, const char *name)
{
	xmlNode *n = c->cur;

	if (c->rc != 0 || !is(n, name))
		return NULL;
	c->cur = n->next;
	cur_skip(c);
	return n;
}

/* How many elements called name follow in a row. */
static size_t
cur_count(const struct cursor *c, const char *name)
{
	size_t k = 0;

	for (const xmlNode *n = c->cur; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!is(n, name))
			break;
		k++;
	}
	return k;
}

static bool
known_element(const xmlNode *n)
{
	static const char *const names[] = {
		"dubstage-session", "name", "timecode", "master", "next-ids",
		"sources", "source", "metadata", "buses", "bus", "tracks",
		"track", "markers", "marker", "comment", "pan", "send",
		"insert", "param", "automation", "point", "clip", "channel",
		"fade-in", "fade-out", "noise-prints", "noise-print", "power",
		"tonal", NULL
	};

	if (n->ns != NULL)
		return false;
	for (size_t i = 0; names[i] != NULL; i++)
		if (strcmp((const char *)n->name, names[i]) == 0)
			return true;
	return false;
}

static int
unexpected(struct loader *L, const xmlNode *n, const xmlNode *parent)
{
	if (known_element(n))
		return fail(L, ERR_SCHEMA, n,
		    "element <%s> is not allowed here in <%s> (wrong place or "
		    "order)", elname(L, n), (const char *)parent->name);
	return fail(L, ERR_SCHEMA, n, "unknown element <%s> in <%s>",
	    elname(L, n), (const char *)parent->name);
}

/* Nothing may be left. */
static int
cur_end(struct cursor *c)
{
	if (c->rc != 0)
		return c->rc;
	if (c->cur != NULL)
		return unexpected(c->L, c->cur, c->parent);
	return 0;
}

/* A required element called name is next. */
static xmlNode *
cur_need(struct cursor *c, const char *name)
{
	xmlNode *n = cur_take(c, name);

	if (n != NULL || c->rc != 0)
		return n;
	if (c->cur != NULL && !known_element(c->cur))
		c->rc = unexpected(c->L, c->cur, c->parent);
	else if (c->cur != NULL)
		c->rc = fail(c->L, ERR_SCHEMA, c->cur,
		    "expected <%s> in <%s> before <%s>", name,
		    (const char *)c->parent->name, elname(c->L, c->cur));
	else
		c->rc = fail(c->L, ERR_SCHEMA, c->parent, "<%s> needs a <%s>",
		    (const char *)c->parent->name, name);
	return NULL;
}

static const char *const no_attrs[] = { NULL };

/* An element with no element content (white space and comments only). */
static int
leaf(struct loader *L, const xmlNode *n)
{
	struct cursor c;

	cur_init(&c, L, n);
	return cur_end(&c);
}

/* A text-only element (<name>, <comment>) into *out (NULL before). */
static int
get_text(struct loader *L, const xmlNode *n, char **out)
{
	xmlChar *v;
	int rc;

	if ((rc = check_attrs(L, n, no_attrs)) != 0)
		return rc;
	for (const xmlNode *k = n->children; k != NULL; k = k->next)
		if (k->type != XML_TEXT_NODE && k->type != XML_CDATA_SECTION_NODE &&
		    k->type != XML_COMMENT_NODE && k->type != XML_PI_NODE)
			return fail(L, ERR_SCHEMA, k, "<%s> may only hold text",
			    elname(L, n));
	if ((v = xmlNodeGetContent(n)) == NULL)
		return nomem(L, n);
	*out = str_dup((const char *)v);
	xmlFree(v);
	return *out == NULL ? nomem(L, n) : 0;
}

/* ---- ids ---------------------------------------------------------------- */

/* Records that the element n defines id, found at index in its array. */
static int
define_id(struct loader *L, const xmlNode *n, struct id id, size_t index)
{
	int rc;

	if (index > UINT32_MAX)
		return fail(L, ERR_SEMANTIC, n, "too many objects");
	rc = idx_put(&L->ids, id_key(id), (uint32_t)index);
	if (rc == ERR_EXISTS)
		return fail(L, ERR_SEMANTIC, n, "duplicate id %s", idstr(L, id));
	if (rc != 0)
		return nomem(L, n);
	if (id.num > L->max_num[id.kind])
		L->max_num[id.kind] = id.num;
	return 0;
}

/* The array index of a defined id, or a semantic error naming the
 * attribute that refers to it. */
static int
resolve(struct loader *L, const xmlNode *n, const char *attr_name,
    struct id id, uint32_t *index)
{
	if (idx_get(&L->ids, id_key(id), index))
		return 0;
	return fail(L, ERR_SEMANTIC, n,
	    "attribute '%s' of <%s> refers to %s, which does not exist",
	    attr_name, elname(L, n), idstr(L, id));
}

static struct id
none(enum id_kind kind)
{
	struct id id = { kind, 0 };

	return id;
}

/* ---- automation --------------------------------------------------------- */

static int
load_points(struct loader *L, const xmlNode *n, struct auto_lane *lane)
{
	static const char *const attrs[] = { "frame", "value", "interp", NULL };
	struct cursor c;
	xmlNode *p;
	size_t k;
	int rc;

	cur_init(&c, L, n);
	if ((k = cur_count(&c, "point")) > 0) {
		if ((lane->points = calloc(k, sizeof *lane->points)) == NULL)
			return nomem(L, n);
		lane->cap = k;
	}
	while ((p = cur_take(&c, "point")) != NULL) {
		struct auto_point *pt = &lane->points[lane->count];
		int interp = INTERP_LINEAR;

		if ((rc = check_attrs(L, p, attrs)) != 0 ||
		    (rc = get_frames(L, p, "frame", true, 0, &pt->frame)) != 0 ||
		    (rc = get_double(L, p, "value", true, &pt->value)) != 0 ||
		    (rc = get_enum(L, p, "interp", false, auto_interp_parse_int,
		    "expected linear or step", &interp)) != 0 ||
		    (rc = leaf(L, p)) != 0)
			return rc;
		pt->interp = (enum auto_interp)interp;
		if (lane->count > 0 && pt->frame <= lane->points[lane->count - 1].frame)
			return fail(L, ERR_SEMANTIC, p,
			    "automation point at frame %" PRId64 " follows one at "
			    "frame %" PRId64 ": frames must strictly increase",
			    pt->frame, lane->points[lane->count - 1].frame);
		lane->count++;
	}
	return cur_end(&c);
}

/* ---- mixer strips ------------------------------------------------------- */

/* name, format, gain-db, mute, solo, output of a track or bus. */
static int
load_strip_attrs(struct loader *L, const xmlNode *n, struct strip *st,
    struct id self)
{
	const char *v;
	uint32_t ix;
	int rc;

	if ((rc = get_str(L, n, "name", false, &st->name)) != 0 ||
	    (rc = get_format(L, n, true, &st->format)) != 0 ||
	    (rc = get_double(L, n, "gain-db", false, &st->gain_db)) != 0 ||
	    (rc = get_bool(L, n, "mute", false, &st->mute)) != 0 ||
	    (rc = get_bool(L, n, "solo", false, &st->solo)) != 0 ||
	    (rc = attr(L, n, "output", false, &v)) != 0)
		return rc;
	st->output = none(ID_BUS);
	if (v != NULL && strcmp(v, "master") != 0) {
		if ((rc = get_id(L, n, "output", true, ID_BUS, &st->output)) != 0 ||
		    (rc = resolve(L, n, "output", st->output, &ix)) != 0)
			return rc;
		if (st->output.num == self.num && self.kind == ID_BUS)
			return fail(L, ERR_SEMANTIC, n, "bus %s is routed to itself",
			    idstr(L, self));
	}
	return 0;
}

static int
load_pan(struct loader *L, const xmlNode *n, struct pan *pan)
{
	static const char *const attrs[] = { "x", "y", "divergence", "lfe-db",
	    NULL };
	int rc;

	if ((rc = check_attrs(L, n, attrs)) != 0 ||
	    (rc = get_double(L, n, "x", false, &pan->x)) != 0 ||
	    (rc = get_double(L, n, "y", false, &pan->y)) != 0 ||
	    (rc = get_double(L, n, "divergence", false, &pan->divergence)) != 0 ||
	    (rc = get_double(L, n, "lfe-db", false, &pan->lfe_db)) != 0)
		return rc;
	return leaf(L, n);
}

static int
load_sends(struct loader *L, struct cursor *c, struct strip *st,
    struct id self)
{
	static const char *const attrs[] = { "bus", "level-db", "pre-fader",
	    "mute", NULL };
	struct idx seen = { 0 };
	xmlNode *n;
	uint32_t ix;
	size_t k;
	int rc = 0;

	if ((k = cur_count(c, "send")) == 0)
		return 0;
	if ((st->sends = calloc(k, sizeof *st->sends)) == NULL)
		return nomem(L, c->cur);
	while (rc == 0 && (n = cur_take(c, "send")) != NULL) {
		struct send *sd = &st->sends[st->send_count];

		if ((rc = check_attrs(L, n, attrs)) != 0 ||
		    (rc = get_id(L, n, "bus", true, ID_BUS, &sd->bus)) != 0 ||
		    (rc = resolve(L, n, "bus", sd->bus, &ix)) != 0 ||
		    (rc = get_double(L, n, "level-db", false, &sd->level_db)) != 0 ||
		    (rc = get_bool(L, n, "pre-fader", false, &sd->pre_fader)) != 0 ||
		    (rc = get_bool(L, n, "mute", false, &sd->mute)) != 0 ||
		    (rc = leaf(L, n)) != 0)
			break;
		if (self.kind == ID_BUS && sd->bus.num == self.num) {
			rc = fail(L, ERR_SEMANTIC, n, "bus %s sends to itself",
			    idstr(L, self));
			break;
		}
		rc = idx_put(&seen, sd->bus.num, 0);
		if (rc == ERR_EXISTS)
			rc = fail(L, ERR_SEMANTIC, n, "%s has two sends to %s",
			    idstr(L, self), idstr(L, sd->bus));
		else if (rc != 0)
			rc = nomem(L, n);
		if (rc == 0)
			st->send_count++;
	}
	idx_free(&seen);
	return rc;
}

static int
load_insert(struct loader *L, const xmlNode *n, struct insert *ins)
{
	static const char *const attrs[] = { "kind", "bypass", NULL };
	static const char *const pattrs[] = { "name", "value", NULL };
	struct cursor c;
	xmlNode *p;
	size_t k;
	int rc;

	if ((rc = check_attrs(L, n, attrs)) != 0 ||
	    (rc = get_str(L, n, "kind", true, &ins->kind)) != 0 ||
	    (rc = get_bool(L, n, "bypass", false, &ins->bypass)) != 0)
		return rc;
	if (ins->kind[0] == '\0')
		return fail(L, ERR_SEMANTIC, n, "<insert> has an empty kind");
	cur_init(&c, L, n);
	if ((k = cur_count(&c, "param")) > 0 &&
	    (ins->params = calloc(k, sizeof *ins->params)) == NULL)
		return nomem(L, n);
	while ((p = cur_take(&c, "param")) != NULL) {
		struct insert_param *ip = &ins->params[ins->param_count++];

		if ((rc = check_attrs(L, p, pattrs)) != 0 ||
		    (rc = get_str(L, p, "name", true, &ip->name)) != 0 ||
		    (rc = get_double(L, p, "value", true, &ip->value)) != 0 ||
		    (rc = leaf(L, p)) != 0)
			return rc;
		if (ip->name[0] == '\0')
			return fail(L, ERR_SEMANTIC, p, "<param> has an empty name");
	}
	return cur_end(&c);
}

static int
load_strip_lanes(struct loader *L, struct cursor *c, struct strip *st)
{
	static const char *const attrs[] = { "param", "target", "insert", "name",
	    NULL };
	struct idx seen = { 0 };
	const char *target, *iattr, *nattr;
	xmlNode *n;
	uint32_t ix;
	size_t k;
	int rc = 0;

	if ((k = cur_count(c, "automation")) == 0)
		return 0;
	if ((st->lanes = calloc(k, sizeof *st->lanes)) == NULL)
		return nomem(L, c->cur);
	while (rc == 0 && (n = cur_take(c, "automation")) != NULL) {
		struct auto_lane *lane = &st->lanes[st->lane_count++];
		int param = 0;

		if ((rc = check_attrs(L, n, attrs)) != 0 ||
		    (rc = get_enum(L, n, "param", true, auto_param_parse_int,
		    "expected volume, pan, pan-fb, mute, send-level or insert",
		    &param)) != 0 ||
		    (rc = attr(L, n, "target", false, &target)) != 0 ||
		    (rc = attr(L, n, "insert", false, &iattr)) != 0 ||
		    (rc = attr(L, n, "name", false, &nattr)) != 0)
			break;
		lane->param = (enum auto_param)param;
		if (lane->param == AUTO_CLIP_GAIN) {
			rc = fail(L, ERR_SCHEMA, n,
			    "clip-gain automation belongs inside a <clip>");
			break;
		}
		if ((iattr != NULL || nattr != NULL) != (lane->param == AUTO_INSERT)) {
			rc = fail(L, ERR_SCHEMA, n, "attributes 'insert' and 'name' "
			    "are for param=\"insert\", and it needs both");
			break;
		}
		if (lane->param == AUTO_INSERT) {
			int insert;

			if ((rc = get_int(L, n, "insert", true, 1,
			    st->insert_count > 0 ? (int)st->insert_count : 1,
			    &insert)) != 0 ||
			    (rc = get_str(L, n, "name", true, &lane->insert_param)) != 0)
				break;
			if (st->insert_count == 0) {
				rc = fail(L, ERR_SEMANTIC, n, "automation of an insert "
				    "on a strip without inserts");
				break;
			}
			lane->insert = insert - 1;
			if (lane->insert_param[0] == '\0' ||
			    strip_insert_lane(st, lane->insert,
			    lane->insert_param) != lane) {
				rc = fail(L, ERR_SEMANTIC, n, "a second or unnamed "
				    "automation lane for insert %d", insert);
				break;
			}
		}
		if (lane->param == AUTO_SEND_LEVEL) {
			if ((rc = get_id(L, n, "target", true, ID_BUS,
			    &lane->target)) != 0 ||
			    (rc = resolve(L, n, "target", lane->target, &ix)) != 0)
				break;
		} else if (target != NULL) {
			rc = fail(L, ERR_SCHEMA, n, "attribute 'target' is only for "
			    "param=\"send-level\"");
			break;
		}
		if (lane->param != AUTO_INSERT) {
			rc = idx_put(&seen, (uint64_t)(param + 1) << 32 |
			    lane->target.num, 0);
			if (rc == ERR_EXISTS) {
				rc = fail(L, ERR_SEMANTIC, n, "a second %s automation "
				    "lane%s%s", auto_param_name(lane->param),
				    lane->target.num != 0 ? " for " : "",
				    lane->target.num != 0 ? idstr(L, lane->target) : "");
				break;
			}
			if (rc != 0) {
				rc = nomem(L, n);
				break;
			}
		}
		rc = load_points(L, n, lane);
	}
	idx_free(&seen);
	return rc;
}

/* pan? send* insert* automation* from c. */
static int
load_strip_content(struct loader *L, struct cursor *c, struct strip *st,
    struct id self)
{
	xmlNode *n;
	size_t k;
	int rc;

	if ((n = cur_take(c, "pan")) != NULL && (rc = load_pan(L, n, &st->pan)) != 0)
		return rc;
	if ((rc = load_sends(L, c, st, self)) != 0)
		return rc;
	if ((k = cur_count(c, "insert")) > 0 &&
	    (st->inserts = calloc(k, sizeof *st->inserts)) == NULL)
		return nomem(L, c->cur);
	while ((n = cur_take(c, "insert")) != NULL)
		if ((rc = load_insert(L, n, &st->inserts[st->insert_count++])) != 0)
			return rc;
	if ((rc = load_strip_lanes(L, c, st)) != 0)
		return rc;
	return c->rc;
}

/* ---- sources ------------------------------------------------------------ */

static int
load_source(struct loader *L, const xmlNode *n)
{
	static const char *const attrs[] = { "id", "name", "path", "channels",
	    "sample-rate", "length-frames", "format", "embedded", NULL };
	static const char *const mattrs[] = { "scene", "take", "tape",
	    "comment", NULL };
	struct session *s = L->s;
	struct source *src;
	struct cursor c;
	struct id id;
	xmlNode *m;
	char *resolved;
	int rc, err = 0;

	if ((rc = check_attrs(L, n, attrs)) != 0 ||
	    (rc = get_id(L, n, "id", true, ID_SOURCE, &id)) != 0 ||
	    (rc = define_id(L, n, id, s->source_count)) != 0)
		return rc;
	if ((src = session_add_source(s, none(ID_SOURCE), &err)) == NULL)
		return nomem(L, n);
	src->id = id;
	if ((rc = get_str(L, n, "name", false, &src->name)) != 0 ||
	    (rc = get_str(L, n, "path", true, &src->path)) != 0 ||
	    (rc = get_int(L, n, "channels", true, 1, 65535, &src->channels)) != 0 ||
	    (rc = get_int(L, n, "sample-rate", true, 8000, 768000,
	    &src->sample_rate_hz)) != 0 ||
	    (rc = get_frames(L, n, "length-frames", true, 0,
	    &src->length_frames)) != 0 ||
	    (rc = get_str(L, n, "format", false, &src->format)) != 0 ||
	    (rc = get_bool(L, n, "embedded", false, &src->embedded)) != 0)
		return rc;
	if (src->path[0] == '\0')
		return fail(L, ERR_SEMANTIC, n, "source %s has an empty path",
		    idstr(L, id));
	cur_init(&c, L, n);
	if ((m = cur_take(&c, "metadata")) != NULL) {
		if ((rc = check_attrs(L, m, mattrs)) != 0 ||
		    (rc = get_str(L, m, "scene", false, &src->scene)) != 0 ||
		    (rc = get_str(L, m, "take", false, &src->take)) != 0 ||
		    (rc = get_str(L, m, "tape", false, &src->tape)) != 0 ||
		    (rc = get_str(L, m, "comment", false, &src->comment)) != 0 ||
		    (rc = leaf(L, m)) != 0)
			return rc;
	}
	if ((rc = cur_end(&c)) != 0)
		return rc;
	if ((resolved = path_resolve(L->base_dir, src->path)) == NULL)
		return nomem(L, n);
	src->online = path_is_readable_file(resolved);
	free(resolved);
	return 0;
}

/* ---- buses -------------------------------------------------------------- */

static const char *const strip_attr_names[] = { "id", "kind", "name",
    "format", "gain-db", "mute", "solo", "output", NULL };

/* First pass: define every bus id, so routing can point forward. */
static int
define_bus(struct loader *L, const xmlNode *n)
{
	struct id id;
	struct bus *b;
	int rc, err = 0;

	if ((rc = check_attrs(L, n, strip_attr_names)) != 0 ||
	    (rc = get_id(L, n, "id", true, ID_BUS, &id)) != 0 ||
	    (rc = define_id(L, n, id, L->s->bus_count)) != 0)
		return rc;
	if ((b = session_add_bus(L->s, none(ID_BUS), &err)) == NULL)
		return nomem(L, n);
	b->id = id;
	return 0;
}

static int
load_bus(struct loader *L, const xmlNode *n, struct bus *b)
{
	struct cursor c;
	int kind = (int)b->kind, rc;

	if ((rc = get_enum(L, n, "kind", false, bus_kind_parse_int,
	    "expected aux or stem", &kind)) != 0)
		return rc;
	b->kind = (enum bus_kind)kind;
	if ((rc = load_strip_attrs(L, n, &b->strip, b->id)) != 0)
		return rc;
	cur_init(&c, L, n);
	if ((rc = load_strip_content(L, &c, &b->strip, b->id)) != 0)
		return rc;
	return cur_end(&c);
}

/*
 * Buses feed buses through their output and their sends; the graph must
 * have no loop. Iterative depth-first search (a hostile file may chain a
 * million buses): on a grey node, the loop is the stack from it to the top.
 */
static int
check_bus_loops(struct loader *L, xmlNode *const *nodes)
{
	struct session *s = L->s;
	size_t nb = s->bus_count, top = 0;
	unsigned char *colour = NULL;   /* 0 new, 1 on the stack, 2 done */
	struct frame { size_t bus, edge; } *stack = NULL;
	int rc = 0;

	if (nb == 0)
		return 0;
	colour = calloc(nb, 1);
	stack = malloc(nb * sizeof *stack);
	if (colour == NULL || stack == NULL) {
		rc = nomem(L, nodes[0]);
		goto out;
	}
	for (size_t root = 0; root < nb && rc == 0; root++) {
		if (colour[root] != 0)
			continue;
		colour[root] = 1;
		stack[0].bus = root;
		stack[0].edge = 0;
		top = 1;
		while (top > 0 && rc == 0) {
			struct frame *f = &stack[top - 1];
			const struct strip *st = &s->buses[f->bus].strip;
			struct id to;
			uint32_t next;

			if (f->edge > st->send_count) {
				colour[f->bus] = 2;
				top--;
				continue;
			}
			to = f->edge == 0 ? st->output : st->sends[f->edge - 1].bus;
			f->edge++;
			if (to.num == 0 || !idx_get(&L->ids, id_key(to), &next))
				continue;
			if (colour[next] == 0) {
				colour[next] = 1;
				stack[top].bus = next;
				stack[top].edge = 0;
				top++;
			} else if (colour[next] == 1) {
				char path[512];
				size_t len = 0, from = top;

				while (from > 0 && stack[from - 1].bus != next)
					from--;
				path[0] = '\0';
				for (size_t i = from - 1; i < top && len < sizeof path; i++)
					len += (size_t)snprintf(path + len, sizeof path - len,
					    "%s -> ", idstr(L, s->buses[stack[i].bus].id));
				if (len < sizeof path)
					snprintf(path + len, sizeof path - len, "%s",
					    idstr(L, s->buses[next].id));
				rc = fail(L, ERR_SEMANTIC, nodes[f->bus],
				    "buses are routed in a loop: %s", path);
			}
		}
	}
out:
	free(colour);
	free(stack);
	return rc;
}

static int
load_buses(struct loader *L, const xmlNode *parent)
{
	struct cursor c;
	xmlNode *n, **nodes = NULL;
	size_t first = L->s->bus_count, i = 0;
	int rc;

	if ((rc = check_attrs(L, parent, no_attrs)) != 0)
		return rc;
	cur_init(&c, L, parent);
	while ((n = cur_take(&c, "bus")) != NULL)
		if ((rc = define_bus(L, n)) != 0)
			return rc;
	if ((rc = cur_end(&c)) != 0)
		return rc;
	if (L->s->bus_count == first)
		return 0;
	if ((nodes = calloc(L->s->bus_count, sizeof *nodes)) == NULL)
		return nomem(L, parent);
	cur_init(&c, L, parent);
	while (rc == 0 && (n = cur_take(&c, "bus")) != NULL) {
		nodes[first + i] = n;
		rc = load_bus(L, n, &L->s->buses[first + i]);
		i++;
	}
	if (rc == 0)
		rc = check_bus_loops(L, nodes);
	free(nodes);
	return rc;
}

/* ---- tracks and clips --------------------------------------------------- */

static int
load_fade(struct loader *L, const xmlNode *n, struct fade *f)
{
	static const char *const attrs[] = { "length", "shape", NULL };
	int shape = (int)f->shape, rc;

	if ((rc = check_attrs(L, n, attrs)) != 0 ||
	    (rc = get_frames(L, n, "length", true, 0, &f->length_frames)) != 0 ||
	    (rc = get_enum(L, n, "shape", false, fade_shape_parse_int,
	    "expected linear, equal-power, s-curve, log or exp", &shape)) != 0)
		return rc;
	f->shape = (enum fade_shape)shape;
	return leaf(L, n);
}

/* The clip's <channel> map: one entry per track channel, indexes 0..n-1
 * each once. */
static int
load_channel_map(struct loader *L, struct cursor *c, const xmlNode *clip_node,
    struct clip *cl, int channels)
{
	static const char *const attrs[] = { "index", "source",
	    "source-channel", NULL };
	bool seen[64] = { false };
	size_t k = cur_count(c, "channel");
	xmlNode *n;
	uint32_t ix;
	int rc;

	if (k == 0)
		return 0;
	if (k != (size_t)channels)
		return fail(L, ERR_SEMANTIC, clip_node,
		    "clip %s maps %zu channels but its track has %d", idstr(L, cl->id),
		    k, channels);
	if (channels > (int)(sizeof seen / sizeof seen[0]))
		return fail(L, ERR_SEMANTIC, clip_node, "too many channels");
	if ((cl->channel_map = calloc(k, sizeof *cl->channel_map)) == NULL)
		return nomem(L, clip_node);
	while ((n = cur_take(c, "channel")) != NULL) {
		struct clip_channel cc = { none(ID_SOURCE), 0 };
		int index = 0;

		if ((rc = check_attrs(L, n, attrs)) != 0 ||
		    (rc = get_int(L, n, "index", true, 0, channels - 1, &index)) != 0 ||
		    (rc = get_id(L, n, "source", true, ID_SOURCE, &cc.source)) != 0 ||
		    (rc = resolve(L, n, "source", cc.source, &ix)) != 0 ||
		    (rc = get_int(L, n, "source-channel", false, 0,
		    L->s->sources[ix].channels - 1, &cc.source_channel)) != 0 ||
		    (rc = leaf(L, n)) != 0)
			return rc;
		if (seen[index])
			return fail(L, ERR_SEMANTIC, n,
			    "channel %d of clip %s is mapped twice", index,
			    idstr(L, cl->id));
		seen[index] = true;
		cl->channel_map[index] = cc;
	}
	cl->channel_map_count = channels;
	return 0;
}

static int
load_clip(struct loader *L, const xmlNode *n, size_t track_index)
{
	static const char *const attrs[] = { "id", "name", "source",
	    "source-channel", "position", "length", "source-offset", "gain-db",
	    "mute", NULL };
	static const char *const lattrs[] = { "param", "target", NULL };
	struct track *t = &L->s->tracks[track_index];
	int channels = track_channels(t);
	struct cursor c;
	struct clip *cl;
	struct id id;
	xmlNode *k;
	const char *param;
	uint32_t six;
	int rc, err = 0;

	if ((rc = check_attrs(L, n, attrs)) != 0 ||
	    (rc = get_id(L, n, "id", true, ID_CLIP, &id)) != 0 ||
	    (rc = define_id(L, n, id, track_index)) != 0)
		return rc;
	if ((cl = session_add_clip(L->s, t, none(ID_CLIP), &err)) == NULL)
		return nomem(L, n);
	cl->id = id;
	if ((rc = get_str(L, n, "name", false, &cl->name)) != 0 ||
	    (rc = get_id(L, n, "source", true, ID_SOURCE, &cl->source)) != 0 ||
	    (rc = resolve(L, n, "source", cl->source, &six)) != 0 ||
	    (rc = get_int(L, n, "source-channel", false, 0,
	    L->s->sources[six].channels - 1, &cl->source_channel)) != 0 ||
	    (rc = get_frames(L, n, "position", true, 0, &cl->position_frames)) != 0 ||
	    (rc = get_frames(L, n, "length", true, 1, &cl->length_frames)) != 0 ||
	    (rc = get_frames(L, n, "source-offset", false, 0,
	    &cl->source_offset_frames)) != 0 ||
	    (rc = get_double(L, n, "gain-db", false, &cl->gain_db)) != 0 ||
	    (rc = get_bool(L, n, "mute", false, &cl->mute)) != 0)
		return rc;
	if (cl->position_frames > INT64_MAX - cl->length_frames ||
	    cl->source_offset_frames > INT64_MAX - cl->length_frames)
		return fail(L, ERR_SEMANTIC, n, "clip %s ends past the last frame",
		    idstr(L, id));

	cur_init(&c, L, n);
	if ((rc = load_channel_map(L, &c, n, cl, channels)) != 0)
		return rc;
	if ((k = cur_take(&c, "fade-in")) != NULL &&
	    (rc = load_fade(L, k, &cl->fade_in)) != 0)
		return rc;
	if ((k = cur_take(&c, "fade-out")) != NULL &&
	    (rc = load_fade(L, k, &cl->fade_out)) != 0)
		return rc;
	if (cl->fade_in.length_frames > cl->length_frames -
	    cl->fade_out.length_frames)
		return fail(L, ERR_SEMANTIC, n,
		    "the fades of clip %s (%" PRId64 " + %" PRId64 " frames) are "
		    "longer than the clip (%" PRId64 ")", idstr(L, id),
		    cl->fade_in.length_frames, cl->fade_out.length_frames,
		    cl->length_frames);
	if ((k = cur_take(&c, "automation")) != NULL) {
		if ((rc = check_attrs(L, k, lattrs)) != 0 ||
		    (rc = attr(L, k, "param", true, &param)) != 0)
			return rc;
		if (strcmp(param, "clip-gain") != 0)
			return fail(L, ERR_SCHEMA, k, "a clip's <automation> must have "
			    "param=\"clip-gain\", not \"%.32s\"", param);
		if ((rc = attr(L, k, "target", false, &param)) != 0)
			return rc;
		if (param != NULL)
			return fail(L, ERR_SCHEMA, k, "attribute 'target' is only for "
			    "param=\"send-level\"");
		if ((cl->gain_lane = calloc(1, sizeof *cl->gain_lane)) == NULL)
			return nomem(L, k);
		cl->gain_lane->param = AUTO_CLIP_GAIN;
		if ((rc = load_points(L, k, cl->gain_lane)) != 0)
			return rc;
	}
	return cur_end(&c);
}

static int
load_track(struct loader *L, const xmlNode *n)
{
	static const char *const attrs[] = { "id", "name", "format", "gain-db",
	    "mute", "solo", "output", NULL };
	struct track *t;
	struct cursor c;
	struct id id;
	xmlNode *k;
	size_t ti;
	int rc, err = 0;

	if ((rc = check_attrs(L, n, attrs)) != 0 ||
	    (rc = get_id(L, n, "id", true, ID_TRACK, &id)) != 0 ||
	    (rc = define_id(L, n, id, L->s->track_count)) != 0)
		return rc;
	if ((t = session_add_track(L->s, none(ID_TRACK), &err)) == NULL)
		return nomem(L, n);
	t->id = id;
	ti = L->s->track_count - 1;
	if ((rc = load_strip_attrs(L, n, &t->strip, id)) != 0)
		return rc;
	cur_init(&c, L, n);
	if ((rc = load_strip_content(L, &c, &t->strip, id)) != 0)
		return rc;
	while ((k = cur_take(&c, "clip")) != NULL)
		if ((rc = load_clip(L, k, ti)) != 0)
			return rc;
	return cur_end(&c);
}

/* ---- markers ------------------------------------------------------------ */

static bool
colour_ok(const char *v)
{
	if (v[0] != '#' || strlen(v) != 7)
		return false;
	return strspn(v + 1, "0123456789abcdefABCDEF") == 6;
}

static int
load_marker(struct loader *L, const xmlNode *n)
{
	static const char *const attrs[] = { "id", "name", "position", "length",
	    "colour", NULL };
	struct marker *m;
	struct cursor c;
	struct id id;
	xmlNode *k;
	int rc, err = 0;

	if ((rc = check_attrs(L, n, attrs)) != 0 ||
	    (rc = get_id(L, n, "id", true, ID_MARKER, &id)) != 0 ||
	    (rc = define_id(L, n, id, L->s->marker_count)) != 0)
		return rc;
	if ((m = session_add_marker(L->s, none(ID_MARKER), &err)) == NULL)
		return nomem(L, n);
	m->id = id;
	if ((rc = get_str(L, n, "name", false, &m->name)) != 0 ||
	    (rc = get_frames(L, n, "position", true, 0, &m->position_frames)) != 0 ||
	    (rc = get_frames(L, n, "length", false, 0, &m->length_frames)) != 0 ||
	    (rc = get_str(L, n, "colour", false, &m->colour)) != 0)
		return rc;
	if (m->colour != NULL && !colour_ok(m->colour))
		return bad_value(L, n, "colour", m->colour, "expected #rrggbb");
	if (m->position_frames > INT64_MAX - m->length_frames)
		return fail(L, ERR_SEMANTIC, n, "marker %s ends past the last frame",
		    idstr(L, id));
	cur_init(&c, L, n);
	if ((k = cur_take(&c, "comment")) != NULL &&
	    (rc = get_text(L, k, &m->comment)) != 0)
		return rc;
	return cur_end(&c);
}

/* ---- noise prints ------------------------------------------------------- */

/*
 * The text of a list element (<power>, <tonal>): its text content (no
 * child elements), in *out (caller frees with xmlFree), and how many
 * white-space separated items it holds.
 */
static int
list_text(struct loader *L, const xmlNode *n, xmlChar **out, size_t *count)
{
	const char *p;
	int rc;

	*out = NULL;
	*count = 0;
	if ((rc = check_attrs(L, n, no_attrs)) != 0)
		return rc;
	for (const xmlNode *k = n->children; k != NULL; k = k->next)
		if (k->type != XML_TEXT_NODE && k->type != XML_CDATA_SECTION_NODE &&
		    k->type != XML_COMMENT_NODE && k->type != XML_PI_NODE)
			return fail(L, ERR_SCHEMA, k, "<%s> may only hold numbers",
			    elname(L, n));
	if ((*out = xmlNodeGetContent(n)) == NULL)
		return nomem(L, n);
	for (p = (const char *)*out; *p != '\0';) {
		p += strspn(p, " \t\r\n");
		if (*p == '\0')
			break;
		(*count)++;
		p += strcspn(p, " \t\r\n");
	}
	return 0;
}

#define LIST_SPACE " \t\r\n"

/* Steps *p to the next item of a list; its length in *len. The item is
 * copied (shortened) into show, for messages. */
static void
list_next(const char **p, size_t *len, char show[40])
{
	*p += strspn(*p, LIST_SPACE);
	*len = strcspn(*p, LIST_SPACE);
	snprintf(show, 40, "%.*s%s", *len > 32 ? 32 : (int)*len, *p,
	    *len > 32 ? "..." : "");
}

static int
load_power(struct loader *L, const xmlNode *n, struct noise_print *np)
{
	xmlChar *text;
	const char *p;
	size_t k;
	int rc;

	if ((rc = list_text(L, n, &text, &k)) != 0)
		return rc;
	if (k != (size_t)np->bins) {
		rc = fail(L, ERR_SEMANTIC, n, "<power> of noise print %s holds %zu "
		    "values; fft %d needs %d (fft / 2 + 1)", idstr(L, np->id), k,
		    np->fft_size, np->bins);
		goto out;
	}
	p = (const char *)text;
	for (int i = 0; i < np->bins; i++) {
		char show[40], *end = NULL;
		float v = NAN;
		size_t len;

		list_next(&p, &len, show);
		/* Decimal only: strtof would also take hex floats, "nan" and
		 * "infinity". Underflow to 0 or a subnormal is fine; overflow
		 * (infinity) is not. */
		if (strspn(p, "0123456789+-.eE") >= len)
			v = strtof(p, &end);
		if (isnan(v) || isinf(v) || end != p + len) {
			rc = fail(L, ERR_PARSE, n, "value %d of <power> of noise print "
			    "%s is \"%s\": expected a finite decimal number",
			    i + 1, idstr(L, np->id), show);
			goto out;
		}
		if (v < 0.0f) {
			rc = fail(L, ERR_SEMANTIC, n, "value %d of <power> of noise "
			    "print %s is %.9g: powers must be 0 or more", i + 1,
			    idstr(L, np->id), (double)v);
			goto out;
		}
		np->power[i] = v == 0.0f ? 0.0f : v;   /* "-0" reads as 0 */
		p += len;
	}
out:
	xmlFree(text);
	return rc;
}

static int
load_tonal(struct loader *L, const xmlNode *n, struct noise_print *np)
{
	xmlChar *text;
	const char *p;
	long long last = -1;
	size_t k;
	int rc;

	if ((rc = list_text(L, n, &text, &k)) != 0)
		return rc;
	p = (const char *)text;
	for (size_t i = 0; i < k; i++) {
		char show[40], *end = NULL;
		long long bin = 0;
		size_t len;

		list_next(&p, &len, show);
		errno = 0;
		if (strspn(p, "-0123456789") >= len)
			bin = strtoll(p, &end, 10);
		if (end != p + len || errno != 0) {
			rc = fail(L, ERR_PARSE, n, "item %zu of <tonal> of noise print "
			    "%s is \"%s\": expected a bin number", i + 1,
			    idstr(L, np->id), show);
			break;
		}
		if (bin < 0 || bin >= np->bins) {
			rc = fail(L, ERR_SEMANTIC, n, "<tonal> of noise print %s lists "
			    "bin %lld, outside 0..%d (fft %d)", idstr(L, np->id),
			    bin, np->bins - 1, np->fft_size);
			break;
		}
		if (bin <= last) {
			rc = fail(L, ERR_SEMANTIC, n, "<tonal> of noise print %s lists "
			    "bin %lld after bin %lld: bins must strictly increase",
			    idstr(L, np->id), bin, last);
			break;
		}
		np->tonal[bin] = 1;
		last = bin;
		p += len;
	}
	xmlFree(text);
	return rc;
}

static int
load_noise_print(struct loader *L, const xmlNode *n)
{
	static const char *const attrs[] = { "id", "name", "origin", "rate",
	    "fft", "frames", "level-db", NULL };
	struct noise_print *np;
	struct cursor c;
	struct id id;
	xmlNode *k;
	int rc, err = 0;

	if ((rc = check_attrs(L, n, attrs)) != 0 ||
	    (rc = get_id(L, n, "id", true, ID_PRINT, &id)) != 0 ||
	    (rc = define_id(L, n, id, L->s->noise_print_count)) != 0)
		return rc;
	if ((np = session_add_noise_print(L->s, none(ID_PRINT), &err)) == NULL)
		return nomem(L, n);
	np->id = id;
	if ((rc = get_str(L, n, "name", true, &np->name)) != 0 ||
	    (rc = get_str(L, n, "origin", false, &np->origin)) != 0 ||
	    (rc = get_int(L, n, "rate", true, NOISE_PRINT_RATE_MIN_HZ,
	    NOISE_PRINT_RATE_MAX_HZ, &np->sample_rate_hz)) != 0 ||
	    (rc = get_int(L, n, "fft", true, NOISE_PRINT_FFT_MIN,
	    NOISE_PRINT_FFT_MAX, &np->fft_size)) != 0 ||
	    (rc = get_int(L, n, "frames", true, 1, INT_MAX, &np->frames)) != 0 ||
	    (rc = get_double(L, n, "level-db", true, &np->level_db)) != 0)
		return rc;
	if (np->name[0] == '\0')
		return fail(L, ERR_SEMANTIC, n, "noise print %s has an empty name",
		    idstr(L, id));
	if ((np->fft_size & (np->fft_size - 1)) != 0)
		return fail(L, ERR_SEMANTIC, n, "attribute 'fft' of <noise-print> "
		    "is %d: it must be a power of two from %d to %d", np->fft_size,
		    NOISE_PRINT_FFT_MIN, NOISE_PRINT_FFT_MAX);
	np->bins = np->fft_size / 2 + 1;
	if ((np->power = calloc((size_t)np->bins, sizeof *np->power)) == NULL ||
	    (np->tonal = calloc((size_t)np->bins, sizeof *np->tonal)) == NULL)
		return nomem(L, n);
	cur_init(&c, L, n);
	if ((k = cur_need(&c, "power")) == NULL)
		return c.rc;
	if ((rc = load_power(L, k, np)) != 0)
		return rc;
	if ((k = cur_take(&c, "tonal")) != NULL &&
	    (rc = load_tonal(L, k, np)) != 0)
		return rc;
	return cur_end(&c);
}

/* ---- the document ------------------------------------------------------- */

/* A container (<sources>, <tracks>, <markers>) of one repeated element. */
static int
load_list(struct loader *L, const xmlNode *parent, const char *item,
    int (*load)(struct loader *, const xmlNode *))
{
	struct cursor c;
	xmlNode *n;
	int rc;

	if ((rc = check_attrs(L, parent, no_attrs)) != 0)
		return rc;
	cur_init(&c, L, parent);
	while ((n = cur_take(&c, item)) != NULL)
		if ((rc = load(L, n)) != 0)
			return rc;
	return cur_end(&c);
}

static int
load_next_ids(struct loader *L, const xmlNode *n, uint32_t next[ID_KIND_COUNT])
{
	static const char *const names[ID_KIND_COUNT] = {
		[ID_TRACK] = "track", [ID_CLIP] = "clip", [ID_BUS] = "bus",
		[ID_SOURCE] = "source", [ID_MARKER] = "marker",
		[ID_PRINT] = "noise-print"
	};
	static const char *const attrs[] = { "track", "clip", "bus", "source",
	    "marker", "noise-print", NULL };
	int rc;

	if ((rc = check_attrs(L, n, attrs)) != 0)
		return rc;
	for (int k = 0; k < ID_KIND_COUNT; k++) {
		const char *present;
		int64_t v = 0;

		if ((rc = attr(L, n, names[k], false, &present)) != 0)
			return rc;
		if (present == NULL)
			continue;
		if ((rc = get_i64(L, n, names[k], true, &v)) != 0)
			return rc;
		if (v < 1 || v > (int64_t)UINT32_MAX)
			return fail(L, ERR_SEMANTIC, n,
			    "attribute '%s' of <next-ids> is %" PRId64
			    ", outside 1..%" PRIu32, names[k], v, UINT32_MAX);
		next[k] = (uint32_t)v;
	}
	return leaf(L, n);
}

static int
load_root(struct loader *L, xmlDoc *doc)
{
	static const char *const root_attrs[] = { "version", "sample-rate", NULL };
	static const char *const tc_attrs[] = { "rate", "drop-frame", "start",
	    NULL };
	static const char *const master_attrs[] = { "format", "gain-db", NULL };
	uint32_t next[ID_KIND_COUNT] = { 0 };
	xmlNode *root = xmlDocGetRootElement(doc), *n;
	const char *v, *rate_name, *start;
	struct tc_rate rate;
	struct cursor c;
	char *name = NULL;
	bool df = false;
	int sr = 0, rc;
	int64_t x;

	if (root == NULL)
		return fail(L, ERR_SCHEMA, NULL, "no root element");
	if (!is(root, "dubstage-session"))
		return fail(L, ERR_SCHEMA, root, "not a dubstage session file: the "
		    "root element is <%s>, not <dubstage-session>", elname(L, root));
	/* The version decides how to read everything else: check it first. */
	if ((rc = attr(L, root, "version", false, &v)) != 0)
		return rc;
	if (v == NULL)
		return fail(L, ERR_SCHEMA, root, "<dubstage-session> has no "
		    "version attribute");
	if (str_to_i64(v, &x) != 0)
		return bad_value(L, root, "version", v, "expected a whole number");
	if (x > SESSION_FORMAT_VERSION)
		return fail(L, ERR_VERSION, root, "written by a newer dubstage: "
		    "format %" PRId64 ", this one reads %d", x,
		    SESSION_FORMAT_VERSION);
	if (x < 1)
		return fail(L, ERR_VERSION, root, "unknown session format version %"
		    PRId64 " (this dubstage reads %d)", x, SESSION_FORMAT_VERSION);
	if ((rc = check_attrs(L, root, root_attrs)) != 0 ||
	    (rc = get_int(L, root, "sample-rate", true, 8000, 768000, &sr)) != 0)
		return rc;

	cur_init(&c, L, root);
	if ((n = cur_take(&c, "name")) != NULL && (rc = get_text(L, n, &name)) != 0)
		return rc;
	if ((n = cur_need(&c, "timecode")) == NULL) {
		free(name);
		return c.rc;
	}
	if ((rc = check_attrs(L, n, tc_attrs)) != 0 ||
	    (rc = attr(L, n, "rate", true, &rate_name)) != 0 ||
	    (rc = get_bool(L, n, "drop-frame", false, &df)) != 0)
		goto fail_name;
	rc = timecode_rate_parse(rate_name, df, &rate);
	if (rc == ERR_PARSE) {
		rc = bad_value(L, n, "rate", rate_name, "expected a frame rate such "
		    "as 24, 25, 29.97 or NUM/DEN");
		goto fail_name;
	}
	if (rc != 0) {
		rc = fail(L, ERR_SEMANTIC, n, "timecode rate %.32s %s", rate_name,
		    df ? "has no drop-frame form" : "is not usable");
		goto fail_name;
	}
	if ((rc = leaf(L, n)) != 0)
		goto fail_name;
	if ((L->s = session_create(sr, &rate)) == NULL) {
		rc = nomem(L, root);
		goto fail_name;
	}
	L->s->name = name;
	if ((rc = attr(L, n, "start", false, &start)) != 0)
		return rc;
	if (start != NULL) {
		rc = timecode_parse(&rate, sr, start, &L->s->timecode.start_frames);
		if (rc == ERR_PARSE)
			return bad_value(L, n, "start", start,
			    "expected a timecode HH:MM:SS:FF");
		if (rc != 0)
			return fail(L, ERR_SEMANTIC, n, "start timecode %.32s does not "
			    "exist at %s fps%s", start, rate_name, df ? " drop-frame" : "");
	}

	if ((n = cur_need(&c, "master")) == NULL)
		return c.rc;
	if ((rc = check_attrs(L, n, master_attrs)) != 0 ||
	    (rc = get_format(L, n, true, &L->s->master.format)) != 0 ||
	    (rc = get_double(L, n, "gain-db", false, &L->s->master.gain_db)) != 0 ||
	    (rc = leaf(L, n)) != 0)
		return rc;
	if ((n = cur_take(&c, "next-ids")) != NULL &&
	    (rc = load_next_ids(L, n, next)) != 0)
		return rc;
	if ((n = cur_take(&c, "sources")) != NULL &&
	    (rc = load_list(L, n, "source", load_source)) != 0)
		return rc;
	if ((n = cur_take(&c, "noise-prints")) != NULL &&
	    (rc = load_list(L, n, "noise-print", load_noise_print)) != 0)
		return rc;
	if ((n = cur_take(&c, "buses")) != NULL && (rc = load_buses(L, n)) != 0)
		return rc;
	if ((n = cur_take(&c, "tracks")) != NULL &&
	    (rc = load_list(L, n, "track", load_track)) != 0)
		return rc;
	if ((n = cur_take(&c, "markers")) != NULL &&
	    (rc = load_list(L, n, "marker", load_marker)) != 0)
		return rc;
	if ((rc = cur_end(&c)) != 0)
		return rc;

	for (int k = 0; k < ID_KIND_COUNT; k++) {
		uint32_t want = L->max_num[k] + 1;

		L->s->next_id[k] = next[k] > want ? next[k] : want;
	}
	for (size_t i = 0; i < L->s->track_count; i++)
		session_track_sort_clips(&L->s->tracks[i]);
	session_sort_markers(L->s);
	session_sort_noise_prints(L->s);
	return 0;
fail_name:
	free(name);
	return rc;
}

int
session_xml_load_memory(const char *data, size_t size, const char *name,
    const char *base_dir, struct session **out, struct diag *d)
{
	struct loader L;
	xmlDoc *doc;
	int rc;

	if (name == NULL)
		name = "(memory)";
	diag_clear(d);
	if ((rc = xml_safe_parse(data, size, name, &doc, d)) != 0)
		return rc;
	memset(&L, 0, sizeof L);
	L.name = name;
	L.base_dir = base_dir;
	L.d = d;
	rc = load_root(&L, doc);
	for (int i = 0; i < SCRATCH_SLOTS; i++)
		xmlFree(L.scratch[i]);
	idx_free(&L.ids);
	xmlFreeDoc(doc);
	if (rc != 0) {
		session_destroy(L.s);
		return rc;
	}
	*out = L.s;
	return 0;
}

int
session_xml_load(const char *path, struct session **out, struct diag *d)
{
	struct session *s = NULL;
	char *data = NULL, *dir = NULL;
	size_t size;
	int rc;

	diag_clear(d);
	if ((rc = xml_safe_read_file(path, &data, &size, d)) != 0)
		return rc;
	if ((dir = path_dirname(path)) == NULL) {
		free(data);
		return diag_set(d, ERR_NOMEM, path, 0, "out of memory");
	}
	rc = session_xml_load_memory(data, size, path, dir, &s, d);
	free(data);
	free(dir);
	if (rc != 0)
		return rc;
	if ((s->path = str_dup(path)) == NULL) {
		session_destroy(s);
		return diag_set(d, ERR_NOMEM, path, 0, "out of memory");
	}
	*out = s;
	return 0;
}

char *
session_source_resolved_path(const struct session *s,
    const struct source *src)
{
	char *dir, *out;

	if (src == NULL || src->path == NULL)
		return NULL;
	if (s == NULL || s->path == NULL || path_is_absolute(src->path))
		return str_dup(src->path);
	if ((dir = path_dirname(s->path)) == NULL)
		return NULL;
	out = path_resolve(dir, src->path);
	free(dir);
	return out;
}
