/*
 * test_cfb.c - the Compound File Binary reader against the AAF corpus,
 * files this test writes itself, and hostile variants of both.
 *
 * 1. Every AAF file of ../shared/corpus/aaf/aaf opens and its whole tree reads:
 *    stream sizes equal the bytes read, every AAF "properties" stream has
 *    the AAF property-stream header (byte order 0x4C 'L', version 0x20,
 *    entry count, 6-byte entries whose lengths add up to the stream size),
 *    children come in [MS-CFB] order, and known counts, names, sizes and
 *    checksums (computed independently of this reader) match.
 * 2. Files written here by a small CFB writer: v3 and v4, names with
 *    non-Latin and astral characters, streams at the mini-stream cutoff,
 *    a DIFAT chain (more than 109 FAT sectors), writer quirks that must be
 *    tolerated (Resolve/Premiere's DIFAT start, v3 size high bits).
 * 3. Hostile files made from both: chopped, bytes flipped, FAT loops,
 *    directory cycles, absurd sizes, a DIFAT loop, bad header fields. Each
 *    gives ERR_PARSE with a message (or, for harmless flips, success),
 *    never a crash or a hang (the sanitizer build runs this too).
 */
#include "interchange/cfb.h"

#include "test.h"

#define ENDOFCHAIN 0xFFFFFFFEu
#define FREESECT 0xFFFFFFFFu
#define FATSECT 0xFFFFFFFDu
#define DIFSECT 0xFFFFFFFCu

/* ---- bytes ---- */

static uint32_t
get16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void
put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t
fnv1a(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static uint8_t *
dup_bytes(const uint8_t *p, size_t n)
{
	uint8_t *q = malloc(n > 0 ? n : 1);

	if (q != NULL && n > 0)
		memcpy(q, p, n);
	return q;
}

/* ---- names in [MS-CFB] order ---- */

/* UTF-8 to UTF-16 units (the test's own, for valid input); count or -1. */
static int
u8_to_u16(const char *s, uint16_t *u, int max)
{
	const uint8_t *p = (const uint8_t *)s;
	int n = 0;

	while (*p != '\0') {
		uint32_t cp;
		int more = *p < 0x80 ? 0 : *p < 0xE0 ? 1 : *p < 0xF0 ? 2 : 3;

		cp = more == 0 ? *p : more == 1 ? (*p & 0x1Fu) :
		    more == 2 ? (*p & 0x0Fu) : (*p & 0x07u);
		p++;
		for (int k = 0; k < more && *p != '\0'; k++)
			cp = cp << 6 | (*p++ & 0x3Fu);
		if (cp >= 0x10000) {
			if (n + 2 > max)
				return -1;
			u[n++] = (uint16_t)(0xD800 + ((cp - 0x10000) >> 10));
			u[n++] = (uint16_t)(0xDC00 + ((cp - 0x10000) & 0x3FF));
		} else {
			if (n + 1 > max)
				return -1;
			u[n++] = (uint16_t)cp;
		}
	}
	return n;
}

static uint16_t
up(uint16_t u)
{
	return u >= 'a' && u <= 'z' ? (uint16_t)(u - 32) : u;
}

/* [MS-CFB] 2.6.4: shorter names first, then unit by unit, upper-cased. */
static int
name_cmp(const char *a, const char *b)
{
	uint16_t ua[40], ub[40];
	int na = u8_to_u16(a, ua, 40), nb = u8_to_u16(b, ub, 40);

	if (na != nb)
		return na < nb ? -1 : 1;
	for (int i = 0; i < na; i++)
		if (up(ua[i]) != up(ub[i]))
			return up(ua[i]) < up(ub[i]) ? -1 : 1;
	return 0;
}

/* ---- walking a whole file ---- */

/* AAF's structured-storage property stream: byte order 'L', version 32,
 * a 16-bit count, then count (pid, stored form, length) triples of 16-bit
 * values, then the values, whose lengths fill the stream exactly. */
static bool
aaf_properties_ok(const uint8_t *p, size_t n)
{
	size_t count, total;

	if (n < 4 || p[0] != 0x4C || p[1] != 0x20)
		return false;
	count = get16(p + 2);
	total = 4 + 6 * count;
	if (total > n)
		return false;
	for (size_t i = 0; i < count; i++)
		total += get16(p + 4 + 6 * i + 4);
	return total == n;
}

struct walk {
	size_t streams, storages;     /* below the root */
	uint64_t bytes;               /* read from all streams */
	size_t props, props_bad;      /* AAF "properties" streams */
	size_t unsorted;              /* storages not in [MS-CFB] order */
	size_t size_mismatch;         /* entry size != bytes read */
	size_t failures;              /* calls that failed */
	size_t bad_codes;             /* ... with a code other than ERR_PARSE */
	size_t silent;                /* ERR_PARSE without a message */
	int first_rc;
	char first_msg[1024];
};

static void
walk_fail(struct walk *w, int rc, const struct diag *d)
{
	w->failures++;
	if (rc != ERR_PARSE)
		w->bad_codes++;
	else if (d != NULL && d->message[0] == '\0')
		w->silent++;
	if (w->first_rc == 0) {
		w->first_rc = rc;
		snprintf(w->first_msg, sizeof w->first_msg, "%s",
		    d != NULL ? d->message : "");
	}
}

/* Reads the whole tree of c, every stream, carrying on after errors. */
static void
walk_tree(struct cfb *c, struct walk *w)
{
	size_t cap = 256, sp = 0;
	uint32_t *stack = malloc(cap * sizeof *stack);

	if (stack == NULL)
		return;
	stack[sp++] = cfb_root(c);
	while (sp > 0) {
		uint32_t s = stack[--sp], *ids;
		size_t n = 0, n2 = 0;
		char prev[128] = "";
		int rc = cfb_children(c, s, NULL, 0, &n);

		if (rc != 0) {
			walk_fail(w, rc, NULL);
			continue;
		}
		if ((ids = malloc((n + 1) * sizeof *ids)) == NULL)
			break;
		rc = cfb_children(c, s, ids, n, &n2);
		if (rc != 0 || n2 != n) {
			walk_fail(w, rc != 0 ? rc : ERR_INVALID, NULL);
			free(ids);
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			struct cfb_entry e;
			struct diag d;
			uint8_t *data = NULL;
			size_t size = 0;

			if ((rc = cfb_entry(c, ids[i], &e)) != 0) {
				walk_fail(w, rc, NULL);
				continue;
			}
			if (i > 0 && name_cmp(prev, e.name) >= 0)
				w->unsorted++;
			snprintf(prev, sizeof prev, "%s", e.name);
			if (e.type == CFB_STORAGE) {
				w->storages++;
				if (sp == cap) {
					uint32_t *ns = realloc(stack, 2 * cap * sizeof *ns);

					if (ns == NULL)
						continue;
					stack = ns;
					cap *= 2;
				}
				stack[sp++] = ids[i];
				continue;
			}
			w->streams++;
			rc = cfb_read_stream(c, ids[i], &data, &size, &d);
			if (rc != 0) {
				walk_fail(w, rc, &d);
				continue;
			}
			w->bytes += size;
			if (size != e.size)
				w->size_mismatch++;
			if (strcmp(e.name, "properties") == 0) {
				w->props++;
				if (!aaf_properties_ok(data, size))
					w->props_bad++;
			}
			free(data);
		}
		free(ids);
	}
	free(stack);
}

/*
 * Opens size bytes at p and walks everything. The outcome: 0 when all
 * went well, else the first failure's code; *w (optional) the details.
 * Any failure must be ERR_PARSE with a message: counted in bad_codes.
 */
static int
try_buffer(const uint8_t *p, size_t size, struct walk *out)
{
	struct walk w = { 0 };
	struct cfb *c = NULL;
	struct diag d;
	int rc = cfb_open_memory(p, size, &c, &d);

	if (rc != 0) {
		walk_fail(&w, rc, &d);
	} else {
		walk_tree(c, &w);
		cfb_close(c);
	}
	if (out != NULL)
		*out = w;
	if (w.bad_codes != 0 || w.silent != 0)
		return ERR_INVALID;   /* a code or a silence the contract forbids */
	return w.first_rc;
}

/* Follows a path of names ("Header-2/properties") from the root. */
static int
find_path(const struct cfb *c, const char *path, uint32_t *id)
{
	char buf[512], *save = NULL;
	uint32_t cur = cfb_root(c);

	snprintf(buf, sizeof buf, "%s", path);
	for (char *t = strtok_r(buf, "/", &save); t != NULL;
	    t = strtok_r(NULL, "/", &save))
		if (cfb_find(c, cur, t, &cur) != 0)
			return ERR_NOTFOUND;
	*id = cur;
	return 0;
}

/* ---- the corpus ---- */

static char aaf_dir[4096];

static bool
corpus_ready(void)
{
	const char *corpus = getenv("DUBSTAGE_CORPUS");

	if (corpus == NULL || *corpus == '\0') {
		fprintf(stderr, "DUBSTAGE_CORPUS is not set: run through CTest, or "
		    "set it to the shared corpus folder (../shared/corpus)\n");
		return false;
	}
	snprintf(aaf_dir, sizeof aaf_dir, "%s/aaf/aaf", corpus);
	return true;
}

static uint8_t *
corpus_file(const char *name, size_t *size)
{
	char path[4200];

	snprintf(path, sizeof path, "%s/%s", aaf_dir, name);
	return (uint8_t *)test_read_file(path, size);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of aaf_dir's *.aaf files, sorted; caller frees each and the
 * array. */
static char **
corpus_list(size_t *count)
{
	DIR *dir = opendir(aaf_dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;

	*count = 0;
	if (dir == NULL)
		return NULL;
	while ((e = readdir(dir)) != NULL) {
		size_t len = strlen(e->d_name);
		char **nn;

		if (len < 4 || strcmp(e->d_name + len - 4, ".aaf") != 0)
			continue;
		if ((nn = realloc(names, (n + 1) * sizeof *nn)) == NULL)
			break;
		names = nn;
		names[n++] = strdup(e->d_name);
	}
	closedir(dir);
	qsort(names, n, sizeof *names, cmp_str);
	*count = n;
	return names;
}

static void
test_corpus_all(void)
{
	size_t n = 0, total_streams = 0, total_props = 0;
	char **names;

	REQUIRE(corpus_ready());
	names = corpus_list(&n);
	/* 54 exports; a reader test on an empty folder would prove nothing */
	CHECK_INT_EQ(n, 54);
	for (size_t i = 0; i < n; i++) {
		char path[4200];
		struct walk w = { 0 };
		struct cfb *c = NULL;
		struct diag d;
		uint32_t rid[8];
		size_t nroot = 0;
		struct cfb_entry root;
		int rc;

		snprintf(path, sizeof path, "%s/%s", aaf_dir, names[i]);
		rc = cfb_open_file(path, &c, &d);
		if (rc != 0) {
			TEST_FAIL_("%s: open: %s", names[i], d.message);
			free(names[i]);
			continue;
		}
		walk_tree(c, &w);
		if (w.failures != 0)
			TEST_FAIL_("%s: %zu failures, first: %s", names[i],
			    w.failures, w.first_msg);
		else
			test_passed_count++;
		CHECK_INT_EQ(w.size_mismatch, 0);
		CHECK_INT_EQ(w.unsorted, 0);
		CHECK(w.props > 100);
		CHECK_INT_EQ(w.props_bad, 0);
		total_streams += w.streams;
		total_props += w.props;

		/* every AAF file: the root entry, and its four children in order */
		CHECK_INT_EQ(cfb_entry(c, cfb_root(c), &root), 0);
		CHECK_INT_EQ(root.type, CFB_ROOT);
		CHECK_STR_EQ(root.name, "Root Entry");
		CHECK_INT_EQ(cfb_children(c, cfb_root(c), rid, 8, &nroot), 0);
		if (nroot == 4) {
			static const char *want[4] = { "Header-2", "properties",
			    "MetaDictionary-1", "referenced properties" };
			static const enum cfb_type wtype[4] = { CFB_STORAGE, CFB_STREAM,
			    CFB_STORAGE, CFB_STREAM };

			for (int k = 0; k < 4; k++) {
				struct cfb_entry e;

				CHECK_INT_EQ(cfb_entry(c, rid[k], &e), 0);
				CHECK_STR_EQ(e.name, want[k]);
				CHECK_INT_EQ(e.type, wtype[k]);
			}
		} else {
			TEST_FAIL_("%s: root has %zu children, want 4", names[i],
			    nroot);
		}
		cfb_close(c);
		free(names[i]);
	}
	free(names);
	printf("corpus: %zu files, %zu streams, %zu AAF property streams\n", n,
	    total_streams, total_props);
}

/* Facts about some files computed by an independent script. */
static void
test_corpus_facts(void)
{
	static const struct {
		const char *file;
		size_t streams, storages;
		uint64_t bytes;
	} facts[] = {
		{ "DR_Audio_Levels.aaf", 992, 833, 102787 },     /* v4, Resolve */
		{ "MC_Fades.aaf", 1336, 1159, 157870 },         /* v4, Avid */
		{ "PT_Fades.aaf", 1454, 1170, 296133 },         /* v3, Pro Tools */
		{ "PR_WAV_Internal.aaf", 599, 515, 180435 },    /* v3, Premiere */
		{ "PT_PCM_Internal.aaf", 741, 645, 160036 },
		{ "PR_AIFF_Internal.aaf", 599, 515, 180489 },
	};
	static const struct {
		const char *file;
		const char *path;
		size_t size;
		uint64_t fnv;
		const char *magic;
	} essence[] = {
		{ "PR_WAV_Internal.aaf",
		  "Header-2/Content-3b03/EssenceData-1902{0}/Data-2702", 102548,
		  0xac74afbcf4039b25ull, "RIFF" },
		{ "PT_PCM_Internal.aaf",
		  "Header-2/Content-3b03/EssenceData-1902{0}/Data-2702", 64000,
		  0xfef280d1731fa736ull, NULL },
		{ "PR_AIFF_Internal.aaf",
		  "Header-2/Content-3b03/EssenceData-1902{0}/Data-2702", 102586,
		  0x0e51d288fdb69c43ull, "FORM" },
	};
	static const uint8_t root_clsid[16] = { 0xa5, 0x98, 0xb3, 0xb3, 0x90,
	    0x1c, 0xd4, 0x11, 0x80, 0x53, 0x08, 0x00, 0x36, 0x21, 0x08, 0x04 };

	REQUIRE(corpus_ready());
	for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++) {
		size_t size;
		uint8_t *buf = corpus_file(facts[i].file, &size);
		struct walk w;

		if (buf == NULL) {
			TEST_FAIL_("cannot read %s", facts[i].file);
			continue;
		}
		CHECK_INT_EQ(try_buffer(buf, size, &w), 0);
		CHECK_INT_EQ(w.streams, facts[i].streams);
		CHECK_INT_EQ(w.storages, facts[i].storages);
		CHECK_INT_EQ(w.bytes, facts[i].bytes);
		free(buf);
	}
	for (size_t i = 0; i < sizeof essence / sizeof essence[0]; i++) {
		size_t size, got = 0;
		uint8_t *buf = corpus_file(essence[i].file, &size), *data = NULL;
		struct cfb *c = NULL;
		struct cfb_entry e;
		struct diag d;
		uint32_t id;

		REQUIRE(buf != NULL);
		REQUIRE(cfb_open_memory(buf, size, &c, &d) == 0);
		CHECK_INT_EQ(cfb_entry(c, cfb_root(c), &e), 0);
		CHECK(memcmp(e.clsid, root_clsid, 16) == 0);
		CHECK_INT_EQ(find_path(c, essence[i].path, &id), 0);
		CHECK_INT_EQ(cfb_read_stream(c, id, &data, &got, &d), 0);
		CHECK_INT_EQ(got, essence[i].size);
		if (data != NULL && got == essence[i].size) {
			CHECK_INT_EQ(fnv1a(data, got), essence[i].fnv);
			if (essence[i].magic != NULL)
				CHECK(memcmp(data, essence[i].magic, 4) == 0);
			if (essence[i].magic != NULL &&
			    strcmp(essence[i].magic, "RIFF") == 0)
				CHECK_INT_EQ(get32(data + 4) + 8, got);
		}
		free(data);
		cfb_close(c);
		free(buf);
	}
}

/* Lookups, bounds and the file opener on one corpus file. */
static void
test_corpus_api(void)
{
	char path[4200];
	struct cfb *c = NULL, *m = NULL;
	struct cfb_entry e;
	struct diag d;
	uint32_t id, id2, ids[2];
	size_t size, count;
	uint8_t *buf, *data;

	REQUIRE(corpus_ready());
	snprintf(path, sizeof path, "%s/MC_Fades.aaf", aaf_dir);
	REQUIRE(cfb_open_file(path, &c, &d) == 0);
	buf = corpus_file("MC_Fades.aaf", &size);
	REQUIRE(buf != NULL);
	REQUIRE(cfb_open_memory(buf, size, &m, &d) == 0);

	CHECK_INT_EQ(cfb_find(c, cfb_root(c), "Header-2", &id), 0);
	CHECK_INT_EQ(cfb_find(c, cfb_root(c), "header-2", &id2), 0);
	CHECK_INT_EQ(id, id2);
	CHECK_INT_EQ(cfb_find(c, cfb_root(c), "HEADER-2", &id2), 0);
	CHECK_INT_EQ(id, id2);
	CHECK_INT_EQ(cfb_find(c, cfb_root(c), "Header-", &id2), ERR_NOTFOUND);
	CHECK_INT_EQ(cfb_find(c, cfb_root(c), "Header-22", &id2), ERR_NOTFOUND);
	CHECK_INT_EQ(cfb_find(c, cfb_root(c), "", &id2), ERR_NOTFOUND);
	CHECK_INT_EQ(cfb_find(c, cfb_root(c), "\xff\xfe", &id2), ERR_NOTFOUND);
	CHECK_INT_EQ(cfb_find(c, cfb_root(c), "properties", &id2), 0);
	CHECK_INT_EQ(cfb_find(c, id2, "x", &id), ERR_NOTFOUND); /* a stream */
	CHECK_INT_EQ(cfb_children(c, id2, ids, 2, &count), ERR_NOTFOUND);
	CHECK_INT_EQ(cfb_read_stream(c, cfb_root(c), &data, &size, &d),
	    ERR_NOTFOUND);
	CHECK_INT_EQ(cfb_entry(c, 0xFFFFFFF0u, &e), ERR_NOTFOUND);
	CHECK_INT_EQ(cfb_entry(c, CFB_NOSTREAM, &e), ERR_NOTFOUND);
	CHECK_INT_EQ(cfb_children(c, 0xFFFFFFF0u, ids, 2, &count), ERR_NOTFOUND);
	CHECK_INT_EQ(cfb_read_stream(c, 0xFFFFFFF0u, &data, &size, &d),
	    ERR_NOTFOUND);
	/* a short array: the first max ids, the whole count */
	CHECK_INT_EQ(cfb_children(c, cfb_root(c), ids, 2, &count), 0);
	CHECK_INT_EQ(count, 4);
	CHECK_INT_EQ(cfb_find(c, cfb_root(c), "Header-2", &id), 0);
	CHECK_INT_EQ(ids[0], id);
	/* the same file through memory and through the file system */
	{
		struct walk wc, wm;

		memset(&wc, 0, sizeof wc);
		memset(&wm, 0, sizeof wm);
		walk_tree(c, &wc);
		walk_tree(m, &wm);
		CHECK_INT_EQ(wc.bytes, wm.bytes);
		CHECK_INT_EQ(wc.streams, wm.streams);
	}
	cfb_close(c);
	cfb_close(m);
	cfb_close(NULL);
	free(buf);

	CHECK_INT_EQ(cfb_open_file(test_path("no-such.aaf"), &c, &d), ERR_IO);
	CHECK(c == NULL);
	CHECK(strstr(d.file, "no-such.aaf") != NULL);
	CHECK_INT_EQ(cfb_open_file(test_tmpdir(), &c, &d), ERR_IO);
	test_write_text(test_path("text.aaf"), "not a compound file at all\n");
	CHECK_INT_EQ(cfb_open_file(test_path("text.aaf"), &c, &d), ERR_PARSE);
	CHECK(strstr(d.message, "not a compound file") != NULL);
	CHECK_INT_EQ(cfb_open_memory("", 0, &c, &d), ERR_PARSE);
}

/* ---- a small CFB writer ---- */

struct syn {
	const char *name;   /* UTF-8 */
	int type;           /* CFB_ROOT (entry 0 only), CFB_STORAGE, CFB_STREAM */
	int parent;         /* entry index */
	size_t size;        /* stream bytes */
};

struct syn_opts {
	int major;            /* 3 or 4 */
	uint32_t min_fat;     /* at least this many FAT sectors (forces a DIFAT) */
	uint32_t difat_start; /* header's first DIFAT sector when none is used */
	bool size_junk;       /* v3: garbage in the high 32 bits of sizes */
};

struct syn_layout {
	uint32_t ss;          /* sector size */
	uint32_t nfat, ndif;  /* FAT and DIFAT sectors */
	uint32_t first_dif, first_dir;
	uint32_t start[64];   /* each entry's first (mini) sector */
};

static uint8_t
syn_byte(int entry, size_t j)
{
	return (uint8_t)(entry * 131 + j * 7 + (j >> 8));
}

static uint32_t
div_up(uint64_t a, uint64_t b)
{
	return (uint32_t)((a + b - 1) / b);
}

static int syn_sort_n;
static const struct syn *syn_sort_e;

static int
syn_child_cmp(const void *a, const void *b)
{
	return name_cmp(syn_sort_e[*(const int *)a].name,
	    syn_sort_e[*(const int *)b].name);
}

/* A balanced tree over sorted[lo .. hi]; its root, or -1. */
static int
syn_tree(const int *sorted, int lo, int hi, int32_t *left, int32_t *right)
{
	int mid;

	if (lo > hi)
		return -1;
	mid = (lo + hi) / 2;
	left[sorted[mid]] = syn_tree(sorted, lo, mid - 1, left, right);
	right[sorted[mid]] = syn_tree(sorted, mid + 1, hi, left, right);
	return sorted[mid];
}

/*
 * Writes a compound file holding entries e[0 .. n-1] (e[0] the root),
 * stream data from syn_byte(). Layout: FAT sectors, DIFAT sectors, the
 * directory, the mini FAT, the mini stream, then each big stream, every
 * chain contiguous. Caller frees.
 */
static uint8_t *
syn_build(const struct syn *e, int n, const struct syn_opts *o,
    size_t *out_size, struct syn_layout *lay)
{
	uint32_t ss = o->major == 3 ? 512 : 4096, per = ss / 4;
	uint32_t nmini = 0, mini_sects, minifat_sects, dir_sects, reg = 0;
	uint32_t F, X, D, T, next;
	int32_t left[64], right[64], child[64];
	uint32_t *fat, *minifat;
	uint8_t *buf, *h;

	memset(lay, 0, sizeof *lay);
	lay->ss = ss;
	for (int i = 0; i < n; i++) {
		left[i] = right[i] = child[i] = -1;
		if (e[i].type != CFB_STREAM)
			continue;
		if (e[i].size > 0 && e[i].size < 4096) {
			lay->start[i] = nmini;
			nmini += div_up(e[i].size, 64);
		} else if (e[i].size >= 4096) {
			reg += div_up(e[i].size, ss);
		} else {
			lay->start[i] = ENDOFCHAIN;
		}
	}
	mini_sects = div_up((uint64_t)nmini * 64, ss);
	minifat_sects = div_up((uint64_t)nmini * 4, ss);
	dir_sects = div_up((uint64_t)n * 128, ss);
	D = dir_sects + minifat_sects + mini_sects + reg;
	for (F = o->min_fat > 0 ? o->min_fat : 1;; F++) {
		X = F > 109 ? div_up(F - 109, per - 1) : 0;
		if ((uint64_t)F * per >= (uint64_t)F + X + D)
			break;
	}
	T = F + X + D;
	lay->nfat = F;
	lay->ndif = X;
	lay->first_dif = X > 0 ? F : ENDOFCHAIN;
	*out_size = ((size_t)T + 1) * ss;
	buf = calloc(*out_size, 1);
	fat = malloc((size_t)F * per * sizeof *fat);
	minifat = malloc(((size_t)minifat_sects * per + 1) * sizeof *minifat);
	if (buf == NULL || fat == NULL || minifat == NULL) {
		free(buf);
		free(fat);
		free(minifat);
		return NULL;
	}
	for (size_t i = 0; i < (size_t)F * per; i++)
		fat[i] = FREESECT;
	for (size_t i = 0; i < (size_t)minifat_sects * per; i++)
		minifat[i] = FREESECT;
	for (uint32_t i = 0; i < F; i++)
		fat[i] = FATSECT;
	for (uint32_t i = 0; i < X; i++)
		fat[F + i] = DIFSECT;
	next = F + X;
#define CHAIN(first, count) do { \
	for (uint32_t k_ = 0; k_ < (count); k_++) \
		fat[(first) + k_] = k_ + 1 < (count) ? (first) + k_ + 1 : ENDOFCHAIN; \
} while (0)
	lay->first_dir = next;
	CHAIN(next, dir_sects);
	next += dir_sects;
	uint32_t first_minifat = minifat_sects > 0 ? next : ENDOFCHAIN;
	CHAIN(next, minifat_sects);
	next += minifat_sects;
	uint32_t first_mini = mini_sects > 0 ? next : ENDOFCHAIN;
	CHAIN(next, mini_sects);
	next += mini_sects;
	for (int i = 0; i < n; i++) {
		uint32_t k;

		if (e[i].type != CFB_STREAM || e[i].size == 0)
			continue;
		if (e[i].size < 4096) {
			k = div_up(e[i].size, 64);
			for (uint32_t j = 0; j < k; j++) {
				uint32_t m = lay->start[i] + j;

				minifat[m] = j + 1 < k ? m + 1 : ENDOFCHAIN;
				for (uint32_t b = 0; b < 64 && j * 64 + b < e[i].size; b++)
					buf[((size_t)first_mini + 1) * ss + (size_t)m * 64 +
					    b] = syn_byte(i, j * 64 + b);
			}
		} else {
			k = div_up(e[i].size, ss);
			lay->start[i] = next;
			CHAIN(next, k);
			for (size_t j = 0; j < e[i].size; j++)
				buf[((size_t)next + 1) * ss + j] = syn_byte(i, j);
			next += k;
		}
	}
#undef CHAIN
	/* the trees: each storage's children, sorted, as a balanced tree */
	for (int s = 0; s < n; s++) {
		int kids[64], nk = 0;

		if (e[s].type == CFB_STREAM)
			continue;
		for (int i = 1; i < n; i++)
			if (e[i].parent == s)
				kids[nk++] = i;
		syn_sort_e = e;
		syn_sort_n = n;
		qsort(kids, (size_t)nk, sizeof kids[0], syn_child_cmp);
		child[s] = syn_tree(kids, 0, nk - 1, left, right);
	}
	for (uint32_t i = 0; i < dir_sects * (ss / 128); i++) {
		uint8_t *p = buf + ((size_t)lay->first_dir + 1) * ss + (size_t)i * 128;
		uint16_t u[40];
		int nu;

		if ((int)i >= n) {   /* unused: empty, links NOSTREAM */
			put32(p + 68, FREESECT);
			put32(p + 72, FREESECT);
			put32(p + 76, FREESECT);
			continue;
		}
		nu = u8_to_u16(e[i].name, u, 31);
		for (int k = 0; k < nu; k++)
			put16(p + 2 * k, u[k]);
		put16(p + 64, (uint32_t)(nu + 1) * 2);
		p[66] = (uint8_t)e[i].type;
		p[67] = 1;   /* black */
		put32(p + 68, left[i] < 0 ? FREESECT : (uint32_t)left[i]);
		put32(p + 72, right[i] < 0 ? FREESECT : (uint32_t)right[i]);
		put32(p + 76, child[i] < 0 ? FREESECT : (uint32_t)child[i]);
		if (i == 0) {
			put32(p + 116, first_mini);
			put64(p + 120, (uint64_t)nmini * 64);
		} else if (e[i].type == CFB_STREAM) {
			put32(p + 116, lay->start[i]);
			put64(p + 120, e[i].size |
			    (o->size_junk ? 0xDEADBEEF00000000ull : 0));
		}
	}
	for (uint32_t m = 0; m < minifat_sects * per; m++)
		put32(buf + ((size_t)first_minifat + 1) * ss + 4 * (size_t)m,
		    minifat[m]);
	for (size_t i = 0; i < (size_t)F * per; i++)
		put32(buf + (i / per + 1) * ss + 4 * (i % per), fat[i]);
	/* the header, and the DIFAT */
	h = buf;
	memcpy(h, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
	put16(h + 24, 0x3E);
	put16(h + 26, (uint32_t)o->major);
	put16(h + 28, 0xFFFE);
	put16(h + 30, o->major == 3 ? 9 : 12);
	put16(h + 32, 6);
	put32(h + 40, o->major == 3 ? 0 : dir_sects);
	put32(h + 44, F);
	put32(h + 48, lay->first_dir);
	put32(h + 56, 4096);
	put32(h + 60, first_minifat);
	put32(h + 64, minifat_sects);
	put32(h + 68, X > 0 ? F : o->difat_start);
	put32(h + 72, X);
	for (uint32_t i = 0; i < 109; i++)
		put32(h + 76 + 4 * i, i < F ? i : FREESECT);
	for (uint32_t j = 0; j < X; j++) {
		uint8_t *p = buf + ((size_t)F + j + 1) * ss;

		for (uint32_t t = 0; t < per - 1; t++) {
			uint32_t idx = 109 + j * (per - 1) + t;

			put32(p + 4 * t, idx < F ? idx : FREESECT);
		}
		put32(p + 4 * (per - 1), j + 1 < X ? F + j + 1 : ENDOFCHAIN);
	}
	free(fat);
	free(minifat);
	return buf;
}

/* A tree with a bit of everything. */
static const struct syn syn_tree_entries[] = {
	{ "Root Entry", CFB_ROOT, -1, 0 },
	{ "empty", CFB_STREAM, 0, 0 },
	{ "small", CFB_STREAM, 0, 100 },
	{ "edge4095", CFB_STREAM, 0, 4095 },
	{ "edge4096", CFB_STREAM, 0, 4096 },
	{ "big", CFB_STREAM, 0, 70001 },
	{ "Ünïcödé 花", CFB_STORAGE, 0, 0 },
	{ "\xF0\x9D\x84\x9E clef", CFB_STREAM, 6, 10 },  /* U+1D11E, astral */
	{ "deep", CFB_STORAGE, 0, 0 },
	{ "deeper", CFB_STORAGE, 8, 0 },
	{ "leaf", CFB_STREAM, 9, 5000 },
	{ "abcdefghijklmnopqrstuvwxyz01234", CFB_STREAM, 0, 64 }, /* 31 units */
	{ "s07", CFB_STREAM, 0, 1 }, { "S03", CFB_STREAM, 0, 2 },
	{ "s11", CFB_STREAM, 0, 3 }, { "s01", CFB_STREAM, 0, 63 },
	{ "s05", CFB_STREAM, 0, 65 }, { "s09", CFB_STREAM, 0, 128 },
	{ "s02", CFB_STREAM, 0, 129 }, { "s10", CFB_STREAM, 0, 200 },
	{ "s04", CFB_STREAM, 0, 300 }, { "s06", CFB_STREAM, 0, 4000 },
	{ "s08", CFB_STREAM, 0, 4100 }, { "s00", CFB_STREAM, 0, 8192 },
};
#define SYN_N ((int)(sizeof syn_tree_entries / sizeof syn_tree_entries[0]))

/* Checks that c holds exactly syn_tree_entries. */
static void
check_syn(struct cfb *c, const char *label)
{
	uint32_t id[SYN_N];
	struct walk w = { 0 };

	id[0] = cfb_root(c);
	for (int i = 1; i < SYN_N; i++) {
		struct cfb_entry e;
		uint8_t *data = NULL;
		size_t size = 0;
		struct diag d;
		int par = syn_tree_entries[i].parent;

		if (cfb_find(c, id[par], syn_tree_entries[i].name, &id[i]) != 0) {
			TEST_FAIL_("%s: %s not found", label, syn_tree_entries[i].name);
			id[i] = CFB_NOSTREAM;
			continue;
		}
		CHECK_INT_EQ(cfb_entry(c, id[i], &e), 0);
		CHECK_STR_EQ(e.name, syn_tree_entries[i].name);
		CHECK_INT_EQ(e.type, syn_tree_entries[i].type);
		if (e.type != CFB_STREAM)
			continue;
		CHECK_INT_EQ(e.size, syn_tree_entries[i].size);
		CHECK_INT_EQ(cfb_read_stream(c, id[i], &data, &size, &d), 0);
		CHECK_INT_EQ(size, syn_tree_entries[i].size);
		if (data != NULL && size == syn_tree_entries[i].size) {
			size_t bad = 0;

			for (size_t j = 0; j < size; j++)
				bad += data[j] != syn_byte(i, j);
			if (bad != 0)
				TEST_FAIL_("%s: %s: %zu bytes differ", label,
				    syn_tree_entries[i].name, bad);
			else
				test_passed_count++;
		}
		CHECK(data != NULL);   /* also for the empty stream */
		free(data);
	}
	walk_tree(c, &w);
	CHECK_INT_EQ(w.failures, 0);
	CHECK_INT_EQ(w.unsorted, 0);
	CHECK_INT_EQ(w.streams + w.storages, SYN_N - 1);
}

static void
test_synthetic(void)
{
	static const struct syn_opts variants[] = {
		{ .major = 3, .difat_start = ENDOFCHAIN },
		{ .major = 4, .difat_start = ENDOFCHAIN },
		/* Resolve and Premiere: FREESECT as the unused DIFAT start */
		{ .major = 3, .difat_start = FREESECT },
		{ .major = 4, .difat_start = 0x12345 },
		/* v3 sizes: only the low 32 bits count */
		{ .major = 3, .difat_start = ENDOFCHAIN, .size_junk = true },
		/* more FAT sectors than the header lists: a DIFAT chain of 2 */
		{ .major = 3, .difat_start = ENDOFCHAIN, .min_fat = 109 + 127 + 5 },
		{ .major = 4, .difat_start = ENDOFCHAIN, .min_fat = 110 },
	};

	for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
		struct syn_layout lay;
		size_t size;
		uint8_t *buf = syn_build(syn_tree_entries, SYN_N, &variants[v],
		    &size, &lay);
		struct cfb *c = NULL;
		struct diag d;
		char label[64];

		REQUIRE(buf != NULL);
		snprintf(label, sizeof label, "variant %zu (v%d)", v,
		    variants[v].major);
		if (variants[v].min_fat > 109)
			CHECK(lay.ndif >= 1);
		if (cfb_open_memory(buf, size, &c, &d) != 0) {
			TEST_FAIL_("%s: %s", label, d.message);
		} else {
			check_syn(c, label);
			cfb_close(c);
		}
		/* through the file system too (the files stay: small seeds
		 * for bench/fuzz_cfb.sh) */
		char name[32];

		snprintf(name, sizeof name, "syn-%zu.cfb", v);
		test_write_file(test_path(name), buf, size);
		if (cfb_open_file(test_path(name), &c, &d) != 0) {
			TEST_FAIL_("%s (file): %s", label, d.message);
		} else {
			check_syn(c, label);
			cfb_close(c);
		}
		free(buf);
	}
}

/* The DIFAT chain damaged: a loop, an early end, a sector past the end. */
static void
test_synthetic_difat(void)
{
	struct syn_opts o = { .major = 3, .difat_start = ENDOFCHAIN,
	    .min_fat = 109 + 127 + 5 };
	struct syn_layout lay;
	size_t size;
	uint8_t *good = syn_build(syn_tree_entries, SYN_N, &o, &size, &lay);
	struct diag d;
	struct cfb *c = NULL;
	uint8_t *b;
	size_t last;

	REQUIRE(good != NULL);
	REQUIRE(lay.ndif == 2);
	last = ((size_t)lay.first_dif + 1) * lay.ss + lay.ss - 4;
	CHECK_INT_EQ(get32(good + last), lay.first_dif + 1);

	b = dup_bytes(good, size);
	put32(b + last, lay.first_dif);   /* first DIFAT sector -> itself */
	CHECK_INT_EQ(cfb_open_memory(b, size, &c, &d), ERR_PARSE);
	CHECK(strstr(d.message, "DIFAT") != NULL && strstr(d.message, "loop"));
	put32(b + last, ENDOFCHAIN);      /* ends with FAT sectors unlisted */
	CHECK_INT_EQ(cfb_open_memory(b, size, &c, &d), ERR_PARSE);
	CHECK(strstr(d.message, "DIFAT") != NULL);
	put32(b + last, 0x7FFFFFF0u);     /* far past the end */
	CHECK_INT_EQ(cfb_open_memory(b, size, &c, &d), ERR_PARSE);
	CHECK(strstr(d.message, "beyond") != NULL);
	put32(b + last, FATSECT);
	CHECK_INT_EQ(cfb_open_memory(b, size, &c, &d), ERR_PARSE);
	memcpy(b, good, size);
	put32(b + 68, 0);                 /* the DIFAT start: a FAT sector */
	CHECK_INT_EQ(try_buffer(b, size, NULL), ERR_PARSE);
	memcpy(b, good, size);
	/* a FAT sector listed in the DIFAT pointing at the header's own */
	put32(b + ((size_t)lay.first_dif + 1) * lay.ss, 3);
	CHECK_INT_EQ(cfb_open_memory(b, size, &c, &d), ERR_PARSE);
	CHECK(strstr(d.message, "twice") != NULL);
	memcpy(b, good, size);
	put32(b + 44, 0xFFFFFFFFu);       /* absurd FAT count: refused early */
	CHECK_INT_EQ(cfb_open_memory(b, size, &c, &d), ERR_PARSE);
	CHECK(strstr(d.message, "FAT sectors") != NULL);
	free(b);
	free(good);
}

/* ---- hostile variants of corpus files ---- */

/* The raw structure, read by the test itself (files with <= 109 FAT
 * sectors): where sector s's FAT entry and directory entry id are. */
static uint32_t
raw_ss(const uint8_t *b)
{
	return 1u << get16(b + 30);
}

static size_t
raw_fat_off(const uint8_t *b, uint32_t s)
{
	uint32_t ss = raw_ss(b), per = ss / 4;
	uint32_t fs = get32(b + 76 + 4 * (s / per));

	return ((size_t)fs + 1) * ss + (size_t)(s % per) * 4;
}

static uint32_t
raw_next(const uint8_t *b, uint32_t s)
{
	return get32(b + raw_fat_off(b, s));
}

static size_t
raw_dir_off(const uint8_t *b, uint32_t id)
{
	uint32_t ss = raw_ss(b), per = ss / 128, s = get32(b + 48);

	for (uint32_t k = id / per; k > 0; k--)
		s = raw_next(b, s);
	return ((size_t)s + 1) * ss + (size_t)(id % per) * 128;
}

/* Opens p, finds path's id and reads it; the code, with d filled. */
static int
read_path(const uint8_t *p, size_t size, const char *path, struct diag *d)
{
	struct cfb *c = NULL;
	uint8_t *data = NULL;
	size_t got;
	uint32_t id;
	int rc = cfb_open_memory(p, size, &c, d);

	if (rc != 0)
		return rc;
	if ((rc = find_path(c, path, &id)) == 0)
		rc = cfb_read_stream(c, id, &data, &got, d);
	free(data);
	cfb_close(c);
	return rc;
}

static uint32_t
id_of(const uint8_t *p, size_t size, const char *path)
{
	struct cfb *c = NULL;
	struct diag d;
	uint32_t id = CFB_NOSTREAM;

	if (cfb_open_memory(p, size, &c, &d) == 0)
		find_path(c, path, &id);
	cfb_close(c);
	return id;
}

#define ESSENCE "Header-2/Content-3b03/EssenceData-1902{0}/Data-2702"

static void
test_hostile_chains(void)
{
	size_t size;
	uint8_t *good, *b;
	struct diag d;
	struct cfb *c = NULL;
	uint32_t ess, start, s, dir0, nsect;
	size_t eoff;

	REQUIRE(corpus_ready());
	good = corpus_file("PT_PCM_Internal.aaf", &size);   /* v3 */
	REQUIRE(good != NULL);
	nsect = (uint32_t)(size / raw_ss(good) - 1);
	ess = id_of(good, size, ESSENCE);
	REQUIRE(ess != CFB_NOSTREAM);
	eoff = raw_dir_off(good, ess);
	start = get32(good + eoff + 116);
	CHECK_INT_EQ(get32(good + eoff + 120), 64000);
	CHECK_INT_EQ(read_path(good, size, ESSENCE, &d), 0);
	b = dup_bytes(good, size);
	REQUIRE(b != NULL);

	/* the essence chain: a sector pointing to itself */
	put32(b + raw_fat_off(b, start), start);
	CHECK_INT_EQ(read_path(b, size, ESSENCE, &d), ERR_PARSE);
	CHECK(strstr(d.message, "Data-2702") != NULL);
	CHECK(strstr(d.message, "loop") != NULL);
	/* ... and back to its start from the middle */
	memcpy(b, good, size);
	s = start;
	for (int k = 0; k < 60; k++)
		s = raw_next(good, s);
	put32(b + raw_fat_off(b, s), start);
	CHECK_INT_EQ(read_path(b, size, ESSENCE, &d), ERR_PARSE);
	CHECK(strstr(d.message, "loop") != NULL);
	/* ... outside the file, at FREESECT, at ENDOFCHAIN too early */
	put32(b + raw_fat_off(b, s), nsect + 7);
	CHECK_INT_EQ(read_path(b, size, ESSENCE, &d), ERR_PARSE);
	CHECK(strstr(d.message, "beyond the end") != NULL);
	put32(b + raw_fat_off(b, s), 0xFFFFFFF0u);
	CHECK_INT_EQ(read_path(b, size, ESSENCE, &d), ERR_PARSE);
	put32(b + raw_fat_off(b, s), FREESECT);
	CHECK_INT_EQ(read_path(b, size, ESSENCE, &d), ERR_PARSE);
	put32(b + raw_fat_off(b, s), ENDOFCHAIN);
	CHECK_INT_EQ(read_path(b, size, ESSENCE, &d), ERR_PARSE);
	CHECK(strstr(d.message, "ends") != NULL);
	/* the stream's start outside the file */
	memcpy(b, good, size);
	put32(b + eoff + 116, 0x40000000u);
	CHECK_INT_EQ(read_path(b, size, ESSENCE, &d), ERR_PARSE);

	/* the directory chain looping on itself: open refuses */
	memcpy(b, good, size);
	dir0 = get32(b + 48);
	put32(b + raw_fat_off(b, dir0), dir0);
	CHECK_INT_EQ(cfb_open_memory(b, size, &c, &d), ERR_PARSE);
	CHECK(strstr(d.message, "directory") != NULL &&
	    strstr(d.message, "loop") != NULL);
	memcpy(b, good, size);
	put32(b + 48, ENDOFCHAIN);
	CHECK_INT_EQ(cfb_open_memory(b, size, &c, &d), ERR_PARSE);
	memcpy(b, good, size);
	put32(b + 48, nsect + 100);
	CHECK_INT_EQ(cfb_open_memory(b, size, &c, &d), ERR_PARSE);

	/* the mini FAT chain looping: open works, small streams fail */
	memcpy(b, good, size);
	s = get32(b + 60);
	put32(b + raw_fat_off(b, s), s);
	CHECK_INT_EQ(read_path(b, size, "Header-2/properties", &d), ERR_PARSE);
	CHECK(strstr(d.message, "mini") != NULL);
	CHECK_INT_EQ(read_path(b, size, ESSENCE, &d), 0);
	/* the mini stream (the root's chain) looping */
	memcpy(b, good, size);
	s = get32(b + raw_dir_off(b, 0) + 116);
	put32(b + raw_fat_off(b, s), s);
	CHECK_INT_EQ(read_path(b, size, "Header-2/properties", &d), ERR_PARSE);
	CHECK(strstr(d.message, "mini stream") != NULL);
	/* a mini sector chain looping */
	memcpy(b, good, size);
	{
		uint32_t pid = id_of(good, size, "Header-2/properties");
		size_t poff = raw_dir_off(good, pid);
		uint32_t ms = get32(good + poff + 116);
		uint32_t mf0 = get32(good + 60);
		/* mini FAT entry ms: in mini FAT sector ms / (ss/4) */
		uint32_t per = raw_ss(good) / 4, fs = mf0;

		for (uint32_t k = ms / per; k > 0; k--)
			fs = raw_next(good, fs);
		CHECK(get32(good + poff + 120) > 64);   /* at least 2 mini sectors */
		put32(b + ((size_t)fs + 1) * raw_ss(b) + 4 * (ms % per), ms);
		CHECK_INT_EQ(read_path(b, size, "Header-2/properties", &d),
		    ERR_PARSE);
		CHECK(strstr(d.message, "loop") != NULL);
		put32(b + ((size_t)fs + 1) * raw_ss(b) + 4 * (ms % per), 99999);
		CHECK_INT_EQ(read_path(b, size, "Header-2/properties", &d),
		    ERR_PARSE);
	}

	/* cross-linked chains: a second stream sharing the essence's
	 * sectors, a stream inside the directory, two small streams sharing
	 * mini sectors. One owner keeps its data; the other is refused. */
	memcpy(b, good, size);
	{
		uint32_t pid = id_of(good, size, "Header-2/properties");
		uint32_t rid = id_of(good, size, "properties");
		size_t poff = raw_dir_off(good, pid), roff = raw_dir_off(good, rid);
		struct walk w;
		int r1, r2;

		put32(b + poff + 116, start);        /* properties -> essence */
		put64(b + poff + 120, 8192);
		r1 = read_path(b, size, ESSENCE, &d);
		r2 = read_path(b, size, "Header-2/properties", &d);
		CHECK((r1 == 0) != (r2 == 0));
		CHECK(r1 == ERR_PARSE || r2 == ERR_PARSE);
		CHECK(strstr(d.message, "cross-linked") != NULL || r2 == 0);
		CHECK_INT_EQ(try_buffer(b, size, &w), ERR_PARSE);
		CHECK_INT_EQ(w.failures, 1);
		CHECK(w.bytes <= size);

		memcpy(b, good, size);
		put32(b + eoff + 116, get32(b + 48));   /* essence -> directory */
		CHECK_INT_EQ(read_path(b, size, ESSENCE, &d), ERR_PARSE);
		CHECK(strstr(d.message, "the directory") != NULL);

		memcpy(b, good, size);
		put32(b + poff + 116, get32(b + roff + 116));
		put64(b + poff + 120, get32(b + roff + 120));
		r1 = read_path(b, size, "properties", &d);
		r2 = read_path(b, size, "Header-2/properties", &d);
		CHECK((r1 == 0) != (r2 == 0));
		CHECK_INT_EQ(try_buffer(b, size, &w), ERR_PARSE);
		CHECK(strstr(w.first_msg, "mini sector") != NULL &&
		    strstr(w.first_msg, "cross-linked") != NULL);
	}
	free(b);
	free(good);
}

static void
test_hostile_tree_and_sizes(void)
{
	static const char *files[] = { "PT_PCM_Internal.aaf", "MC_Fades.aaf",
	    "DR_Audio_Levels.aaf" };

	REQUIRE(corpus_ready());
	for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
		size_t size, hoff, koff, poff;
		uint8_t *good = corpus_file(files[f], &size), *b;
		uint32_t hdr, kid, props;
		struct cfb *c = NULL;
		struct diag d;
		bool v3;

		REQUIRE(good != NULL);
		v3 = get16(good + 26) == 3;
		hdr = id_of(good, size, "Header-2");
		props = id_of(good, size, "Header-2/properties");
		REQUIRE(hdr != CFB_NOSTREAM && props != CFB_NOSTREAM);
		hoff = raw_dir_off(good, hdr);
		kid = get32(good + hoff + 76);   /* Header-2's tree root */
		koff = raw_dir_off(good, kid);
		poff = raw_dir_off(good, props);
		b = dup_bytes(good, size);
		REQUIRE(b != NULL);

		/* directory cycles: to itself, to an ancestor, to the root */
		put32(b + koff + 68, kid);
		CHECK_INT_EQ(cfb_open_memory(b, size, &c, &d), ERR_PARSE);
		CHECK(strstr(d.message, "cycle") != NULL);
		memcpy(b, good, size);
		put32(b + koff + 72, hdr);
		CHECK_INT_EQ(cfb_open_memory(b, size, &c, &d), ERR_PARSE);
		CHECK(strstr(d.message, "cycle") != NULL);
		memcpy(b, good, size);
		put32(b + koff + 68, 0);
		CHECK_INT_EQ(cfb_open_memory(b, size, &c, &d), ERR_PARSE);
		memcpy(b, good, size);
		put32(b + hoff + 76, 0);         /* Header-2's child: the root */
		CHECK_INT_EQ(cfb_open_memory(b, size, &c, &d), ERR_PARSE);
		memcpy(b, good, size);
		put32(b + koff + 72, 0xFFFFFF00u);   /* past the directory */
		CHECK_INT_EQ(cfb_open_memory(b, size, &c, &d), ERR_PARSE);
		CHECK(strstr(d.message, "beyond") != NULL);
		/* types: unallocated, unknown, a second root; the root itself */
		memcpy(b, good, size);
		b[koff + 66] = 0;
		CHECK_INT_EQ(cfb_open_memory(b, size, &c, &d), ERR_PARSE);
		CHECK(strstr(d.message, "unallocated") != NULL);
		b[koff + 66] = 3;
		CHECK_INT_EQ(cfb_open_memory(b, size, &c, &d), ERR_PARSE);
		b[koff + 66] = 5;
		CHECK_INT_EQ(cfb_open_memory(b, size, &c, &d), ERR_PARSE);
		memcpy(b, good, size);
		b[raw_dir_off(b, 0) + 66] = 1;
		CHECK_INT_EQ(cfb_open_memory(b, size, &c, &d), ERR_PARSE);
		CHECK(strstr(d.message, "root") != NULL);

		/* sizes: 2^31 and 2^63 on a stream, 2^31 on the mini stream */
		memcpy(b, good, size);
		put64(b + poff + 120, 1ull << 31);
		CHECK_INT_EQ(read_path(b, size, "Header-2/properties", &d),
		    ERR_PARSE);
		CHECK(strstr(d.message, "2147483648") != NULL);
		CHECK(strstr(d.message, "Header-2/properties") != NULL);
		CHECK_INT_EQ(try_buffer(b, size, NULL), ERR_PARSE);
		put64(b + poff + 120, 1ull << 63);
		if (v3) {
			/* [MS-CFB]: a v3 size is its low 32 bits: here 0 */
			struct cfb_entry e;

			CHECK_INT_EQ(read_path(b, size, "Header-2/properties", &d),
			    0);
			REQUIRE(cfb_open_memory(b, size, &c, &d) == 0);
			CHECK_INT_EQ(cfb_entry(c, props, &e), 0);
			CHECK_INT_EQ(e.size, 0);
			cfb_close(c);
		} else {
			CHECK_INT_EQ(read_path(b, size, "Header-2/properties", &d),
			    ERR_PARSE);
		}
		put64(b + poff + 120, 0xFFFFFFFFull);
		CHECK_INT_EQ(read_path(b, size, "Header-2/properties", &d),
		    ERR_PARSE);
		memcpy(b, good, size);
		put64(b + raw_dir_off(b, 0) + 120, 1ull << 31);
		CHECK_INT_EQ(read_path(b, size, "Header-2/properties", &d),
		    ERR_PARSE);
		CHECK(strstr(d.message, "mini stream") != NULL);
		CHECK_INT_EQ(try_buffer(b, size, NULL), ERR_PARSE);
		/* a small stream grown past its mini chain */
		memcpy(b, good, size);
		put64(b + poff + 120, 4000);
		CHECK_INT_EQ(read_path(b, size, "Header-2/properties", &d),
		    ERR_PARSE);

		/* header fields */
		static const struct { size_t off; int bytes; uint32_t v; } bad[] = {
			{ 30, 2, 20 }, { 30, 2, 0 }, { 30, 2, 7 }, { 30, 2, 13 },
			{ 30, 2, 0xFFFF }, { 32, 2, 7 }, { 32, 2, 12 },
			{ 26, 2, 5 }, { 26, 2, 2 }, { 28, 2, 0xFEFF }, { 0, 1, 0 },
			{ 56, 4, 0 }, { 56, 4, 0xFFFFFFFFu }, { 44, 4, 0 },
			{ 44, 4, 0xFFFFFFFFu }, { 44, 4, 0x10000 },
			{ 76, 4, FREESECT }, { 76, 4, FATSECT }, { 76, 4, 0x7FFFFFFFu },
		};
		for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
			memcpy(b, good, size);
			if (bad[k].bytes == 1)
				b[bad[k].off] = (uint8_t)bad[k].v;
			else if (bad[k].bytes == 2)
				put16(b + bad[k].off, bad[k].v);
			else
				put32(b + bad[k].off, bad[k].v);
			if (cfb_open_memory(b, size, &c, &d) != ERR_PARSE) {
				TEST_FAIL_("%s: header offset %zu = 0x%x not refused",
				    files[f], bad[k].off, bad[k].v);
				cfb_close(c);
			} else {
				test_passed_count++;
			}
			CHECK(d.message[0] != '\0');
		}
		memcpy(b, good, size);
		put16(b + 30, 20);
		CHECK_INT_EQ(cfb_open_memory(b, size, &c, &d), ERR_PARSE);
		CHECK(strstr(d.message, "sector shift 20") != NULL);

		/* a DIFAT loop: more FAT sectors claimed than the header and
		 * one DIFAT sector list, the DIFAT chain from a sector whose
		 * last word names itself */
		memcpy(b, good, size);
		{
			uint32_t ss = raw_ss(b), x = (uint32_t)(size / ss) - 2;
			uint32_t claim = 109 + ss / 4 - 1 + 10;

			put32(b + 44, claim);
			put32(b + 68, x);
			put32(b + 72, 1);
			put32(b + ((size_t)x + 1) * ss + ss - 4, x);
			if (size / ss - 1 >= claim) {
				CHECK_INT_EQ(cfb_open_memory(b, size, &c, &d), ERR_PARSE);
				CHECK(strstr(d.message, "loop") != NULL);
			} else {   /* a small file: refused for the count already */
				CHECK_INT_EQ(cfb_open_memory(b, size, &c, &d), ERR_PARSE);
			}
		}

		/* tolerated: a first DIFAT sector of anything, no DIFAT used;
		 * a non-zero transaction signature; junk in the header CLSID */
		memcpy(b, good, size);
		put32(b + 68, 0x31337);
		put32(b + 72, 3);
		put32(b + 52, 77);
		memset(b + 8, 0xAB, 16);
		CHECK_INT_EQ(try_buffer(b, size, NULL), 0);
		free(b);
		free(good);
	}
}

/* Chopped files: every 1/16 and around the header. */
static void
test_hostile_chopped(void)
{
	static const char *files[] = { "PT_Fades.aaf", "MC_Fades.aaf",
	    "DR_Audio_Levels.aaf", "PR_WAV_Internal.aaf" };
	size_t tried = 0;

	REQUIRE(corpus_ready());
	for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
		size_t size;
		uint8_t *good = corpus_file(files[f], &size);
		uint32_t ss;

		REQUIRE(good != NULL);
		ss = raw_ss(good);
		for (size_t k = 0; k < 16; k++) {
			size_t len = size * k / 16;
			uint8_t *b = dup_bytes(good, len);   /* exact size: ASan sees */
			int rc = try_buffer(b, len, NULL);

			if (rc != ERR_PARSE)
				TEST_FAIL_("%s chopped at %zu/16 (%zu bytes): %d",
				    files[f], k, len, rc);
			else
				test_passed_count++;
			free(b);
			tried++;
		}
		size_t near[] = { 1, 7, 8, 75, 76, 300, 511, 512, 513, ss - 1, ss,
		    ss + 1, ss + 100, 2 * ss - 1, 2 * ss, 3 * ss + 5 };
		for (size_t k = 0; k < sizeof near / sizeof near[0]; k++) {
			uint8_t *b = dup_bytes(good, near[k]);

			CHECK_INT_EQ(try_buffer(b, near[k], NULL), ERR_PARSE);
			free(b);
			tried++;
		}
		/* near the end a cut may fall in a last sector's unused tail */
		for (size_t cut = 1; cut <= 2 * ss; cut += ss / 4) {
			uint8_t *b = dup_bytes(good, size - cut);
			int rc = try_buffer(b, size - cut, NULL);

			CHECK(rc == 0 || rc == ERR_PARSE);
			free(b);
			tried++;
		}
		free(good);
	}
	printf("chopped: %zu cuts\n", tried);
}

/* Bytes flipped at random everywhere, and in the structures. */
static void
test_hostile_flips(void)
{
	static const char *files[] = { "PT_PCM_Internal.aaf", "MC_Fades.aaf",
	    "DR_Audio_Levels.aaf", "PR_WAV_Internal.aaf" };
	uint64_t seed = 0x5eed0cfb12345ull;
	size_t ok = 0, refused = 0, header_refused = 0;

	REQUIRE(corpus_ready());
	for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
		size_t size;
		uint8_t *good = corpus_file(files[f], &size), *b;
		uint32_t ss, fat0, dir0;

		REQUIRE(good != NULL);
		b = malloc(size);
		REQUIRE(b != NULL);
		ss = raw_ss(good);
		fat0 = get32(good + 76);
		dir0 = get32(good + 48);
		for (int it = 0; it < 400; it++) {
			int region = it % 4, nflip = 1 + it % 5, rc;
			size_t base, span;

			memcpy(b, good, size);
			switch (region) {
			case 0: base = 0; span = size; break;           /* anywhere */
			case 1: base = 0; span = 512; break;            /* header */
			case 2: base = ((size_t)fat0 + 1) * ss; span = ss; break;
			default:                                        /* directory */
				base = ((size_t)dir0 + 1) * ss;
				span = ss;
				break;
			}
			for (int k = 0; k < nflip; k++) {
				size_t at = base + test_xorshift64(&seed) % span;

				b[at] ^= (uint8_t)(1 + test_xorshift64(&seed) % 255);
			}
			rc = try_buffer(b, size, NULL);
			if (rc == 0) {
				ok++;
			} else if (rc == ERR_PARSE) {
				refused++;
				header_refused += region == 1;
			} else {
				TEST_FAIL_("%s flip %d: code %d (or a silent error)",
				    files[f], it, rc);
			}
		}
		free(b);
		free(good);
	}
	CHECK(refused > 0 && ok > 0);
	CHECK(header_refused > 0);
	CHECK_INT_EQ(ok + refused, 4 * 400);
	printf("flips: %zu harmless, %zu refused\n", ok, refused);
}

int
main(void)
{
	test_corpus_all();
	test_corpus_facts();
	test_corpus_api();
	test_synthetic();
	test_synthetic_difat();
	test_hostile_chains();
	test_hostile_tree_and_sizes();
	test_hostile_chopped();
	test_hostile_flips();
	return test_report();
}
