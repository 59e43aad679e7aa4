/*
 * The live engine's process callback allocates nothing: malloc and friends
 * are interposed for this program and count calls made while the calling
 * thread is inside rt_scope (which the callback enters for its whole run),
 * across a play with locates, a loop, mixer commands, a solo and a routing
 * change (to a plan with the dialogue-cleanup inserts, then pre-rolled by
 * a locate) on a real JACK server.
 *
 * Built only without sanitizers: ASan interposes malloc itself.
 */
#include "live/live.h"
#include "base/rt_scope.h"

#include <stdatomic.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static atomic_long rt_calls;

static inline void
count(void)
{
	if (rt_scope_active())
		atomic_fetch_add(&rt_calls, 1);
}

void *
malloc(size_t n)
{
	count();
	return __libc_malloc(n);
}

void *
calloc(size_t a, size_t b)
{
	count();
	return __libc_calloc(a, b);
}

void *
realloc(void *p, size_t n)
{
	count();
	return __libc_realloc(p, n);
}

void *
aligned_alloc(size_t al, size_t n)
{
	count();
	return __libc_memalign(al, n);
}

int
posix_memalign(void **out, size_t al, size_t n)
{
	count();
	*out = __libc_memalign(al, n);
	return *out == NULL ? 12 : 0;
}

void
free(void *p)
{
	if (p != NULL)
		count();
	__libc_free(p);
}

/* The hook counts what it should: an allocation inside the scope. */
static void
test_hook_counts(void)
{
	void *volatile p;

	rt_scope_enter();
	p = malloc(16);
	rt_scope_exit();
	free(p);
	CHECK_INT_EQ(atomic_load(&rt_calls), 1);
	atomic_store(&rt_calls, 0);
}

static void
test_play_allocates_nothing(void)
{
	struct session *s = lt_session(CHAN_5_1, 2);
	struct session *b = lt_session(CHAN_5_1, 2);
	struct live *e;
	struct live_status st;
	struct pan pan = { .x = 0.3, .y = -0.5 };
	struct diag d;
	struct id t1, t2;
	int64_t f;

	REQUIRE(s != NULL && b != NULL);
	t1 = s->tracks[0].id;
	t2 = s->tracks[1].id;
	b->tracks[1].strip.gain_db = -10.0;
	/* the routing change brings every cleanup insert in: their process
	 * and (by the locate after it) reset and pre-roll run in the callback */
	add_insert(&b->tracks[0].strip, "dehum");
	add_insert(&b->tracks[0].strip, "denoise");
	add_insert(&b->tracks[0].strip, "leveller");
	add_insert(&b->tracks[1].strip, "declick");
	add_insert(&b->tracks[1].strip, "deplosive");
	add_insert(&b->tracks[1].strip, "deess");
	e = lt_engine(s, NULL);
	REQUIRE(e != NULL);
	live_play(e);
	lt_sleep_ms(500);
	lt_wait_command(e, live_set_gain(e, t1, -3.0), &f);
	lt_wait_command(e, live_set_pan(e, t2, &pan), &f);
	lt_wait_command(e, live_set_mute(e, t2, true), &f);
	lt_wait_command(e, live_set_mute(e, t2, false), &f);
	s->tracks[0].strip.solo = true;
	lt_wait_command(e, live_update_mutes(e, s), &f);
	live_locate(e, 5 * LT_RATE);
	lt_sleep_ms(500);
	live_set_loop(e, LT_RATE, LT_RATE + LT_RATE / 5);
	lt_sleep_ms(800);
	live_set_loop(e, 0, 0);
	CHECK_INT_EQ(live_update_session(e, b, &d), 0);
	lt_sleep_ms(1000);
	live_locate(e, 2 * LT_RATE);
	lt_sleep_ms(1500);
	live_poll(e);
	live_stop(e);
	live_status(e, &st);
	CHECK(st.frames_played > (uint64_t)LT_RATE * 2);
	CHECK(st.periods > 100);
	CHECK_INT_EQ(atomic_load(&rt_calls), 0);
	printf("%llu periods, %ld allocations in the callback\n",
	    (unsigned long long)st.periods, atomic_load(&rt_calls));
	live_destroy(e);
	session_destroy(s);
	session_destroy(b);
}

int
main(void)
{
	test_hook_counts();
	test_play_allocates_nothing();
	return test_report();
}
