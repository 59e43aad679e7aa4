/*
 * fuzz_cfb.c - libFuzzer harness for the compound-file reader: open the
 * input as a compound file, walk the whole tree (every storage's children,
 * every entry's description, a name lookup), read every stream, close.
 * The reader must never crash, hang, leak or read outside the input; any
 * failure must be ERR_PARSE (or ERR_NOMEM) with a message. Build and run:
 * see fuzz/README.md and bench/fuzz_cfb.sh.
 */
#include <stdint.h>
#include <stdlib.h>

#include "interchange/cfb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A failure that breaks the contract stops the run as a crash. */
static void
check_failure(int rc, const struct diag *d)
{
	if (rc != ERR_PARSE && rc != ERR_NOMEM)
		abort();
	if (rc == ERR_PARSE && d != NULL && d->message[0] == '\0')
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfb *c = NULL;
	struct diag d;
	uint32_t stack[4096], ids[512];
	size_t sp = 0, total = 0;
	int rc = cfb_open_memory(data, size, &c, &d);

	if (rc != 0) {
		check_failure(rc, &d);
		return 0;
	}
	stack[sp++] = cfb_root(c);
	while (sp > 0) {
		uint32_t s = stack[--sp], found;
		size_t n = 0;

		if (cfb_children(c, s, ids, sizeof ids / sizeof ids[0], &n) != 0)
			abort();   /* a storage reached from the root */
		if (n > sizeof ids / sizeof ids[0])
			n = sizeof ids / sizeof ids[0];
		for (size_t i = 0; i < n; i++) {
			struct cfb_entry e, other;
			uint8_t *buf = NULL;
			size_t got = 0;

			if (cfb_entry(c, ids[i], &e) != 0)
				abort();
			/* an entry's own name finds it, or an entry of an equal
			 * name (duplicates are not refused), unless the name held
			 * a lone surrogate, decoded as U+FFFD */
			if (cfb_find(c, s, e.name, &found) == 0 &&
			    cfb_entry(c, found, &other) != 0)
				abort();
			if (e.type == CFB_STORAGE) {
				if (sp < sizeof stack / sizeof stack[0])
					stack[sp++] = ids[i];
				continue;
			}
			rc = cfb_read_stream(c, ids[i], &buf, &got, &d);
			if (rc != 0) {
				check_failure(rc, &d);
				continue;
			}
			total += got;
			/* a stream is its entry's size, and as every sector
			 * belongs to one chain, all of them fit in the input */
			if (got != e.size || total > size)
				abort();
			free(buf);
		}
	}
	cfb_close(c);
	return 0;
}
