/*
 * inserts.c - compiling and running insert chains.
 *
 * Each kind is a descriptor (name, compile, process, reset, free) in one
 * table; a compiled insert is its descriptor plus the kernel state the
 * descriptor allocated. Parameters come from the session as name/value
 * pairs in the kernel's units; an unknown name is an error, not ignored, so
 * a typo in a session file does not silently mix wrong.
 */
#include "engine/inserts.h"
#include "base/error.h"

#include <stdlib.h>
#include <string.h>

struct insert_kind {
	const char *name;
	/* allocates and configures the state; d names a bad parameter */
	int (*compile)(const struct insert *ins, int channels, int rate_hz,
	    void **state, struct diag *d);
	void (*process)(void *state, float *const *buf, int channels, int frames);
	void (*reset)(void *state);
	void (*free)(void *state);
};

struct pl_insert {
	const struct insert_kind *kind;
	void *state;
	bool bypass;
};

static const struct insert_kind *const kinds[] = {
	NULL
};

const char *const inserts_kinds[] = {
	NULL
};

static const struct insert_kind *
find_kind(const char *name)
{
	for (size_t i = 0; kinds[i] != NULL; i++)
		if (strcmp(kinds[i]->name, name) == 0)
			return kinds[i];
	return NULL;
}

int
inserts_compile(const struct insert *ins, size_t n, int channels,
    int sample_rate_hz, struct pl_insert **out, size_t *count, struct diag *d)
{
	struct pl_insert *chain;
	int rc = 0;

	*out = NULL;
	*count = 0;
	if (n == 0)
		return 0;
	chain = calloc(n, sizeof *chain);
	if (chain == NULL)
		return ERR_NOMEM;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct insert_kind *k = find_kind(ins[i].kind ? ins[i].kind : "");

		if (k == NULL) {
			rc = diag_set(d, ERR_SEMANTIC, NULL, 0,
			    "unknown insert kind '%s'", ins[i].kind ? ins[i].kind : "");
			break;
		}
		chain[i].kind = k;
		chain[i].bypass = ins[i].bypass;
		rc = k->compile(&ins[i], channels, sample_rate_hz, &chain[i].state, d);
		if (rc == 0)
			*count = i + 1;
	}
	if (rc != 0) {
		inserts_free(chain, *count);
		*count = 0;
		return rc;
	}
	*out = chain;
	return 0;
}

void
inserts_free(struct pl_insert *chain, size_t n)
{
	for (size_t i = 0; chain != NULL && i < n; i++)
		chain[i].kind->free(chain[i].state);
	free(chain);
}

void
inserts_process(struct pl_insert *chain, size_t n, float *const *buf,
    int channels, int frames)
{
	for (size_t i = 0; i < n; i++)
		if (!chain[i].bypass)
			chain[i].kind->process(chain[i].state, buf, channels, frames);
}

void
inserts_reset(struct pl_insert *chain, size_t n)
{
	for (size_t i = 0; i < n; i++)
		chain[i].kind->reset(chain[i].state);
}
