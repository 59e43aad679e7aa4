/*
 * inserts.h - a strip's insert chain as the engine runs it: each session
 * insert (kind + named parameters) compiled into its dsp kernel's state.
 * Compile/free on the control thread; process/reset are RT-safe.
 */
#ifndef DUBSTAGE_ENGINE_INSERTS_H
#define DUBSTAGE_ENGINE_INSERTS_H

#include <stddef.h>

#include "base/error.h"
#include "session/session.h"

struct pl_insert;

/* Compiles n session inserts for a strip of `channels` at sample_rate_hz.
 * 0, ERR_NOMEM, or ERR_SEMANTIC for an unknown kind or parameter (d names
 * it). *out may be NULL when n == 0. */
int inserts_compile(const struct insert *ins, size_t n, int channels,
    int sample_rate_hz, struct pl_insert **out, size_t *count,
    struct diag *d);
void inserts_free(struct pl_insert *chain, size_t n);

/* Runs the chain in place over frames of buf[0..channels-1]. RT-safe. */
void inserts_process(struct pl_insert *chain, size_t n, float *const *buf,
    int channels, int frames);
/* Clears every kernel's history (after a locate). RT-safe. */
void inserts_reset(struct pl_insert *chain, size_t n);

/* The insert kinds the engine knows, NULL-terminated (for validation and
 * help texts). */
extern const char *const inserts_kinds[];

#endif
