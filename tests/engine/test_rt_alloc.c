/*
 * process_run allocates nothing: malloc, calloc, realloc, free and friends
 * are interposed for this program and count calls made on the render
 * thread while it is armed, across thousands of blocks of a session with
 * automation, fades, sends and a fold-down. (The streamer thread allocates
 * freely: it is not the render thread.)
 *
 * Built only without sanitizers: ASan interposes malloc itself.
 */
#include "test.h"
#include "engine/render.h"

#include <stdatomic.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static _Thread_local volatile int armed;  /* volatile: malloc is a builtin */
static atomic_long rt_calls;

void *
malloc(size_t n)
{
	if (armed)
		atomic_fetch_add(&rt_calls, 1);
	return __libc_malloc(n);
}

void *
calloc(size_t a, size_t b)
{
	if (armed)
		atomic_fetch_add(&rt_calls, 1);
	return __libc_calloc(a, b);
}

void *
realloc(void *p, size_t n)
{
	if (armed)
		atomic_fetch_add(&rt_calls, 1);
	return __libc_realloc(p, n);
}

void *
aligned_alloc(size_t al, size_t n)
{
	if (armed)
		atomic_fetch_add(&rt_calls, 1);
	return __libc_memalign(al, n);
}

int
posix_memalign(void **out, size_t al, size_t n)
{
	if (armed)
		atomic_fetch_add(&rt_calls, 1);
	*out = __libc_memalign(al, n);
	return *out == NULL ? 12 : 0;
}

void
free(void *p)
{
	if (armed && p != NULL)
		atomic_fetch_add(&rt_calls, 1);
	__libc_free(p);
}

static float
noise(int64_t i, int c)
{
	uint32_t x = (uint32_t)(i * 2654435761u) ^ (uint32_t)(c * 40503u + 1u);

	x ^= x >> 15;
	return (float)(x & 0xFFFF) / 65536.0f - 0.5f;
}

int
main(void)
{
	const char *wav = test_path("noise.wav");
	struct session *s = new_session(48000, CHAN_7_1);
	struct source *src;
	struct track *t;
	struct bus *b;
	struct clip *c;
	struct plan_options po;
	struct plan *p;
	struct diag d;
	struct id none = { ID_BUS, 0 };
	long before;
	int blocks = 0;

	if (write_wav(wav, 1, 44100, 400000, noise) != 0 || s == NULL) {
		fprintf(stderr, "setup failed\n");
		return 1;
	}
	src = add_source(s, wav, 1, 44100, 400000);
	b = session_add_bus(s, none, NULL);
	b->kind = BUS_STEM;
	b->strip.format = CHAN_7_1;
	for (int k = 0; k < 8; k++) {
		t = add_track(s, "T", CHAN_MONO);
		c = add_clip(s, t, src->id, 1000 * k, 200000, 0);
		c->fade_in = (struct fade){ 5000, FADE_EQUAL_POWER };
		c->fade_out = (struct fade){ 7000, FADE_S_CURVE };
		c = add_clip(s, t, src->id, 150000 + 1000 * k, 200000, 100);
		c->fade_in = (struct fade){ 60000, FADE_EQUAL_POWER };
		add_point(&t->strip, AUTO_VOLUME, none, 0, -6, INTERP_LINEAR);
		add_point(&t->strip, AUTO_VOLUME, none, 300000, 0, INTERP_LINEAR);
		add_point(&t->strip, AUTO_PAN, none, 0, -1, INTERP_LINEAR);
		add_point(&t->strip, AUTO_PAN, none, 300000, 1, INTERP_LINEAR);
		t->strip.output = b->id;
		t->strip.sends = calloc(1, sizeof *t->strip.sends);
		t->strip.send_count = 1;
		t->strip.sends[0] = (struct send){ .bus = b->id, .level_db = -12 };
		b = &s->buses[0];
	}
	plan_options_default(&po);
	po.max_block_frames = 64;
	po.output_format = CHAN_STEREO;
	if (plan_compile(s, &po, &p, &d) != 0) {
		fprintf(stderr, "plan_compile: %s\n", d.message);
		return 1;
	}
	plan_locate(p, 0);
	streamer_start(plan_streamer(p), 0);
	before = atomic_load(&rt_calls);
	for (int64_t pos = 0; pos < 380000; pos += 64, blocks++) {
		streamer_consumer_sync(plan_streamer(p));
		streamer_wait_available(plan_streamer(p), 64);
		armed = 1;
		process_run(p, 64);
		armed = 0;
	}
	CHECK(blocks > 5000);
	CHECK_INT_EQ(atomic_load(&rt_calls) - before, 0);
	/* the trap itself works: an allocation while armed is counted */
	armed = 1;
	void *volatile probe = malloc(16);   /* volatile: not elided */
	free(probe);
	armed = 0;
	CHECK_INT_EQ(atomic_load(&rt_calls) - before, 2);
	plan_destroy(p);
	session_destroy(s);
	return test_report();
}
