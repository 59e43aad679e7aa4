/* The SPSC ring: wrap-around, spans, and a two-thread stress that checks
 * every element arrives once, in order. */
#include "test.h"

#include "base/ring.h"

#include <pthread.h>

#define STRESS_COUNT 2000000u

static void *
producer(void *arg)
{
	struct ring *r = arg;
	uint32_t next = 0, batch[37];

	while (next < STRESS_COUNT) {
		size_t n = 0;

		while (n < 37 && next + n < STRESS_COUNT) {
			batch[n] = next + (uint32_t)n;
			n++;
		}
		n = ring_write(r, batch, n);
		next += (uint32_t)n;
	}
	return NULL;
}

static void
test_stress(void)
{
	struct ring *r = ring_create(sizeof(uint32_t), 1000);
	pthread_t t;
	uint32_t expect = 0, buf[53];
	int bad = 0;

	REQUIRE(r != NULL);
	CHECK_INT_EQ(r->capacity, 1024);
	REQUIRE(pthread_create(&t, NULL, producer, r) == 0);
	while (expect < STRESS_COUNT) {
		size_t n = ring_read(r, buf, 53);

		for (size_t i = 0; i < n; i++)
			bad += buf[i] != expect++;
	}
	pthread_join(t, NULL);
	CHECK_INT_EQ(bad, 0);
	CHECK_INT_EQ(ring_read_space(r), 0);
	ring_destroy(r);
}

static void
test_spans(void)
{
	struct ring *r = ring_create(2 * sizeof(float), 8);
	float in[20], out[20];
	struct ring_span s;

	REQUIRE(r != NULL);
	for (int i = 0; i < 20; i++)
		in[i] = (float)i;
	CHECK_INT_EQ(ring_write(r, in, 6), 6);
	CHECK_INT_EQ(ring_read(r, out, 5), 5);
	CHECK_INT_EQ(ring_write_space(r), 7);
	/* 6 more: wraps after 2 */
	ring_write_span(r, &s);
	CHECK_INT_EQ(s.n1, 2);
	CHECK_INT_EQ(s.n2, 5);
	CHECK_INT_EQ(ring_write(r, in, 10), 7);   /* only 7 fit */
	CHECK_INT_EQ(ring_read_space(r), 8);
	ring_read_span(r, &s);
	CHECK_INT_EQ(s.n1 + s.n2, 8);
	CHECK_INT_EQ(ring_read(r, out, 8), 8);
	CHECK_NEAR(out[0], 10.0f, 0);  /* element 5 of the first write */
	CHECK_NEAR(out[2], 0.0f, 0);   /* then the second write from 0 */
	CHECK_NEAR(out[15], 13.0f, 0);
	ring_destroy(r);
	ring_destroy(NULL);
}

int
main(void)
{
	test_spans();
	test_stress();
	return test_report();
}
