#include "base/ring.h"

#include <stdlib.h>
#include <string.h>

struct ring *
ring_create(size_t elem_size, size_t min_elems)
{
	struct ring *r;
	size_t cap = 1;

	if (elem_size == 0 || min_elems == 0 || min_elems > (SIZE_MAX >> 2) / elem_size)
		return NULL;
	while (cap < min_elems)
		cap <<= 1;
	r = aligned_alloc(64, sizeof *r);
	if (r == NULL)
		return NULL;
	memset(r, 0, sizeof *r);
	/* calloc touches nothing; memset does, so the RT side never faults */
	r->data = malloc(cap * elem_size);
	if (r->data == NULL) {
		free(r);
		return NULL;
	}
	memset(r->data, 0, cap * elem_size);
	r->elem_size = elem_size;
	r->capacity = cap;
	r->mask = cap - 1;
	atomic_init(&r->write_pos, 0);
	atomic_init(&r->read_pos, 0);
	return r;
}

void
ring_destroy(struct ring *r)
{
	if (r == NULL)
		return;
	free(r->data);
	free(r);
}

size_t
ring_read_space(const struct ring *r)
{
	uint64_t w = atomic_load_explicit(&((struct ring *)r)->write_pos,
	    memory_order_acquire);
	uint64_t rd = atomic_load_explicit(&((struct ring *)r)->read_pos,
	    memory_order_relaxed);

	return (size_t)(w - rd);
}

size_t
ring_write_space(const struct ring *r)
{
	uint64_t w = atomic_load_explicit(&((struct ring *)r)->write_pos,
	    memory_order_relaxed);
	uint64_t rd = atomic_load_explicit(&((struct ring *)r)->read_pos,
	    memory_order_acquire);

	return r->capacity - (size_t)(w - rd);
}

static void
span_at(const struct ring *r, uint64_t pos, size_t avail, struct ring_span *s)
{
	size_t start = (size_t)(pos & r->mask);
	size_t first = r->capacity - start;

	if (first > avail)
		first = avail;
	s->p1 = r->data + start * r->elem_size;
	s->n1 = first;
	s->p2 = r->data;
	s->n2 = avail - first;
}

void
ring_write_span(struct ring *r, struct ring_span *s)
{
	span_at(r, atomic_load_explicit(&r->write_pos, memory_order_relaxed),
	    ring_write_space(r), s);
}

void
ring_write_advance(struct ring *r, size_t n)
{
	uint64_t w = atomic_load_explicit(&r->write_pos, memory_order_relaxed);

	atomic_store_explicit(&r->write_pos, w + n, memory_order_release);
}

void
ring_read_span(const struct ring *r, struct ring_span *s)
{
	span_at(r, atomic_load_explicit(&((struct ring *)r)->read_pos,
	    memory_order_relaxed), ring_read_space(r), s);
}

void
ring_read_advance(struct ring *r, size_t n)
{
	uint64_t rd = atomic_load_explicit(&r->read_pos, memory_order_relaxed);

	atomic_store_explicit(&r->read_pos, rd + n, memory_order_release);
}

size_t
ring_write(struct ring *r, const void *elems, size_t n)
{
	struct ring_span s;
	const unsigned char *src = elems;

	ring_write_span(r, &s);
	if (n > s.n1 + s.n2)
		n = s.n1 + s.n2;
	if (n <= s.n1) {
		memcpy(s.p1, src, n * r->elem_size);
	} else {
		memcpy(s.p1, src, s.n1 * r->elem_size);
		memcpy(s.p2, src + s.n1 * r->elem_size, (n - s.n1) * r->elem_size);
	}
	ring_write_advance(r, n);
	return n;
}

size_t
ring_read(struct ring *r, void *elems, size_t n)
{
	struct ring_span s;
	unsigned char *dst = elems;

	ring_read_span(r, &s);
	if (n > s.n1 + s.n2)
		n = s.n1 + s.n2;
	if (n <= s.n1) {
		memcpy(dst, s.p1, n * r->elem_size);
	} else {
		memcpy(dst, s.p1, s.n1 * r->elem_size);
		memcpy(dst + s.n1 * r->elem_size, s.p2, (n - s.n1) * r->elem_size);
	}
	ring_read_advance(r, n);
	return n;
}

void
ring_reset(struct ring *r)
{
	atomic_store_explicit(&r->write_pos, 0, memory_order_relaxed);
	atomic_store_explicit(&r->read_pos, 0, memory_order_relaxed);
}
