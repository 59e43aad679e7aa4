/*
 * rt_scope.h - marks the real-time JACK process callback.
 *
 * The contract: the process callback calls rt_scope_enter() first and
 * rt_scope_exit() last, on every path out of it. Everything between them
 * runs on the RT thread and must not block: no malloc/free, no locks, no
 * stdio or logging, no syscalls, no sleeping (ARCHITECTURE.md, "The RT
 * contract"). The scope nests: a depth counter per thread, so a helper may
 * open its own scope inside the callback's.
 *
 * Two things check the contract:
 *   - built with -DDUBSTAGE_RTSAN=ON (clang's RealtimeSanitizer,
 *     -fsanitize=realtime), enter/exit also tell RTSan that the thread is
 *     in a real-time context, and RTSan reports any blocking call made
 *     inside (malloc, free, pthread_mutex_lock, read/write, printf, sleep,
 *     ...) as "ERROR: RealtimeSanitizer: unsafe-library-call" with a stack;
 *   - tests' counting allocators (tests/engine/test_rt_alloc.c) interpose
 *     malloc and friends and count calls made while rt_scope_active().
 *
 * The functions are RT-safe themselves: a thread-local counter (static TLS
 * in the program, no allocation on first use) and, under RTSan, one call
 * into its runtime.
 */
#ifndef DUBSTAGE_BASE_RT_SCOPE_H
#define DUBSTAGE_BASE_RT_SCOPE_H

#include <stdbool.h>

#ifdef DUBSTAGE_RTSAN
#  if defined(__has_feature)
#    if !__has_feature(realtime_sanitizer)
#      error "DUBSTAGE_RTSAN needs -fsanitize=realtime (configure with -DDUBSTAGE_RTSAN=ON)"
#    endif
#  endif
/* Exported by the RTSan runtime; <sanitizer/rtsan_interface.h> (LLVM 22)
 * declares only __rtsan_disable/__rtsan_enable, so declare these here. The
 * runtime keeps its own nesting depth. */
void __rtsan_realtime_enter(void);
void __rtsan_realtime_exit(void);
#endif

/* Depth of open RT scopes on this thread; defined in rt_scope.c. Read it
 * through rt_scope_active(). */
extern _Thread_local volatile unsigned rt_scope_depth;

/* Opens an RT scope on the calling thread. Call first thing in the JACK
 * process callback. */
static inline void
rt_scope_enter(void)
{
	rt_scope_depth++;
#ifdef DUBSTAGE_RTSAN
	__rtsan_realtime_enter();
#endif
}

/* Closes the scope opened by the matching rt_scope_enter(). */
static inline void
rt_scope_exit(void)
{
#ifdef DUBSTAGE_RTSAN
	__rtsan_realtime_exit();
#endif
	rt_scope_depth--;
}

/* True between rt_scope_enter() and the matching rt_scope_exit() on the
 * calling thread. */
static inline bool
rt_scope_active(void)
{
	return rt_scope_depth != 0;
}

#endif
