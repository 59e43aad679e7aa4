/*
 * ring.h - a single-producer/single-consumer lock-free ring of fixed-size
 * elements (C11 atomics, acquire/release).
 *
 * Exactly one thread writes and exactly one thread reads; both sides are
 * RT-safe (no allocation, no locks, no syscalls). Capacity is a power of two
 * elements. The writer publishes with a release store of its position after
 * copying; the reader observes it with an acquire load, so element contents
 * are visible before their position is. Positions count elements ever
 * written/read (64-bit, never wrap in practice).
 *
 * The storage is allocated by ring_create (off the RT thread) and touched
 * there, so the first RT write does not page-fault.
 */
#ifndef DUBSTAGE_BASE_RING_H
#define DUBSTAGE_BASE_RING_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct ring {
	unsigned char *data;
	size_t elem_size;             /* bytes per element */
	size_t capacity;              /* elements, a power of two */
	size_t mask;
	_Alignas(64) _Atomic uint64_t write_pos;  /* owned by the writer */
	_Alignas(64) _Atomic uint64_t read_pos;   /* owned by the reader */
};

/* Creates a ring of at least min_elems elements of elem_size bytes. NULL on
 * allocation failure. Not RT-safe. */
struct ring *ring_create(size_t elem_size, size_t min_elems);
void ring_destroy(struct ring *r);     /* NULL is a no-op; not RT-safe */

/* Elements the reader may read now / the writer may write now. RT-safe. */
size_t ring_read_space(const struct ring *r);
size_t ring_write_space(const struct ring *r);

/* Copies up to n elements in/out; returns how many. RT-safe. */
size_t ring_write(struct ring *r, const void *elems, size_t n);
size_t ring_read(struct ring *r, void *elems, size_t n);

/* Zero-copy access: up to two contiguous regions (the second after the
 * wrap). Sizes are in elements. After using them, commit with
 * ring_write_advance / ring_read_advance. RT-safe. */
struct ring_span {
	void *p1; size_t n1;
	void *p2; size_t n2;
};
void ring_write_span(struct ring *r, struct ring_span *s);
void ring_write_advance(struct ring *r, size_t n);
void ring_read_span(const struct ring *r, struct ring_span *s);
void ring_read_advance(struct ring *r, size_t n);

/* Empties the ring. Only safe when neither side is running (e.g. the
 * reader is paused while the writer resets after a locate). */
void ring_reset(struct ring *r);

#endif
