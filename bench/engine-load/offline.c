/*
 * offline - an offline proxy of the live engine's callback cost (no JACK).
 *
 *   offline SESSION [--seconds S] [--warmup S] [--cpu N] [--fifo] [--paced]
 *           [--ftz] [--phases K]
 *
 * Compiles SESSION as a live player would (plan_options defaults with
 * max_block_frames 64, meters on, medium-quality resampling), starts its
 * streamer at the session start, runs --warmup seconds (default 2) of
 * 64-frame periods untimed, then times each process_run(p, 64) call of the
 * next --seconds (default 20) with CLOCK_MONOTONIC. Before each period it
 * waits for the streamer (streamer_wait_available), outside the timed
 * region, so disk reads never count. --cpu pins the timing thread to a CPU
 * (the streamer thread, started earlier, is left free), --fifo asks for
 * SCHED_FIFO (as a JACK client's RT thread has; ignored with a note when
 * not permitted; a SCHED_FIFO thread that never sleeps is throttled by
 * the kernel for 50 ms of every second, so use it with --paced), --paced
 * sleeps until each period's deadline as a driver would (periods then
 * start every 1333 us of wall time, and caches cool between them as they
 * do live), --ftz sets the SSE flush-to-zero and denormals-are-zero
 * flags on the timing thread (what a JACK RT thread may or may not have;
 * off by default: the kernels do not rely on it).
 *
 * Prints one line per run:
 *   tracks N periods P median X us p99 Y us max Z us mean M us load L %
 * where load is p99 / (64 / 48000 s) (1333 us at 48 kHz); with --phases K,
 * then the median and p99 of the periods of each phase (the period's index
 * from the session start, mod K: 4 shows the periods that start a
 * 256-frame routing segment, PLAN_QUANTUM, apart from the others). Not a
 * test.
 */
#define _GNU_SOURCE   /* pthread_setaffinity_np */
#include "engine/plan.h"
#include "engine/process.h"
#include "engine/streamer.h"
#include "session/session.h"
#include "session/session_xml.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

#define PERIOD 64

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile (0..1) of sorted v[0..n), nearest rank. */
static int64_t
quantile(const int64_t *v, size_t n, double q)
{
	size_t k = (size_t)(q * (double)n + 0.999999);

	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1];
}

int
main(int argc, char **argv)
{
	const char *path = NULL;
	double seconds = 20, warmup = 2;
	int cpu = -1;
	bool fifo = false, ftz = false, paced = false;
	int phases = 0;
	struct session *s;
	struct plan_options po;
	struct plan *p;
	struct diag d;
	struct streamer *st;
	int64_t start, end, *t, *ph, deadline;
	size_t warm_periods, periods, n = 0;
	double sum = 0, period_us;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (strcmp(argv[i], "--warmup") == 0 && i + 1 < argc)
			warmup = atof(argv[++i]);
		else if (strcmp(argv[i], "--cpu") == 0 && i + 1 < argc)
			cpu = atoi(argv[++i]);
		else if (strcmp(argv[i], "--fifo") == 0)
			fifo = true;
		else if (strcmp(argv[i], "--paced") == 0)
			paced = true;
		else if (strcmp(argv[i], "--ftz") == 0)
			ftz = true;
		else if (strcmp(argv[i], "--phases") == 0 && i + 1 < argc)
			phases = atoi(argv[++i]);
		else if (argv[i][0] != '-' && path == NULL)
			path = argv[i];
		else {
			path = NULL;
			break;
		}
	}
	if (path == NULL || !(seconds > 0) || !(warmup >= 0)) {
		fprintf(stderr, "usage: offline SESSION [--seconds S] [--warmup S] "
		    "[--cpu N] [--fifo] [--paced] [--ftz] [--phases K]\n");
		return 2;
	}
	if (session_xml_load(path, &s, &d) != 0) {
		fprintf(stderr, "%s: %s\n", path, d.message);
		return 1;
	}
	for (size_t i = 0; i < s->source_count; i++)
		if (!s->sources[i].online) {
			fprintf(stderr, "%s: media missing: %s\n", path, s->sources[i].path);
			return 1;
		}
	plan_options_default(&po);
	po.max_block_frames = PERIOD;
	po.meters = true;
	po.stream_quality = STREAM_QUALITY_MEDIUM;
	if (plan_compile(s, &po, &p, &d) != 0) {
		fprintf(stderr, "%s: %s\n", path, d.message);
		return 1;
	}
	period_us = 1e6 * PERIOD / s->sample_rate_hz;
	start = s->timecode.start_frames;
	end = session_end_frames(s);
	warm_periods = (size_t)(warmup * s->sample_rate_hz / PERIOD);
	periods = (size_t)(seconds * s->sample_rate_hz / PERIOD);
	if ((int64_t)((warm_periods + periods) * PERIOD) > end - start) {
		fprintf(stderr, "%s: only %.1f s long; measuring less\n", path,
		    (double)(end - start) / s->sample_rate_hz);
		periods = (size_t)((end - start) / PERIOD) > warm_periods ?
		    (size_t)((end - start) / PERIOD) - warm_periods : 0;
	}
	t = calloc(periods + 1, sizeof *t);
	ph = calloc(periods + 1, sizeof *ph);
	st = plan_streamer(p);
	plan_locate(p, start);
	if (streamer_start(st, start) != 0) {
		fprintf(stderr, "cannot start the streamer\n");
		return 1;
	}

	/* The timing thread: after the streamer thread exists, so these
	 * settings are not inherited by it. */
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) != 0)
			fprintf(stderr, "note: cannot pin to CPU %d\n", cpu);
	}
	if (fifo) {
		struct sched_param sp = { .sched_priority = 70 };

		if (pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp) != 0)
			fprintf(stderr, "note: SCHED_FIFO not permitted; timing at "
			    "normal priority\n");
	}
#if defined(__x86_64__) || defined(__i386__)
	if (ftz)
		_mm_setcsr(_mm_getcsr() | 0x8040);   /* FTZ | DAZ */
#else
	if (ftz)
		fprintf(stderr, "note: --ftz is x86 only; ignored\n");
#endif

	deadline = now_ns();
	for (size_t k = 0; k < warm_periods + periods; k++) {
		int64_t a, b;

		if (paced) {
			struct timespec ts;

			deadline += (int64_t)(period_us * 1e3);
			ts.tv_sec = deadline / 1000000000;
			ts.tv_nsec = deadline % 1000000000;
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		}
		streamer_consumer_sync(st);
		if (streamer_wait_available(st, PERIOD) != 0) {
			streamer_error(st, &d);
			fprintf(stderr, "streamer: %s\n", d.message);
			return 1;
		}
		a = now_ns();
		process_run(p, PERIOD);
		b = now_ns();
		if (k >= warm_periods)
			t[n++] = b - a;
	}
	if (streamer_underruns(st) != 0)
		fprintf(stderr, "note: %llu underruns\n",
		    (unsigned long long)streamer_underruns(st));
	for (size_t k = 0; k < n; k++)
		sum += (double)t[k];
	for (int q = 0; q < phases; q++) {
		size_t m = 0;

		for (size_t k = 0; k < n; k++)
			if ((warm_periods + k) % (size_t)phases == (size_t)q)
				ph[m++] = t[k];
		qsort(ph, m, sizeof *ph, cmp_i64);
		if (m > 0)
			fprintf(stderr, "phase %d/%d: periods %zu median %.1f us p99 %.1f us\n",
			    q, phases, m, (double)quantile(ph, m, 0.5) / 1e3,
			    (double)quantile(ph, m, 0.99) / 1e3);
	}
	qsort(t, n, sizeof *t, cmp_i64);
	if (n == 0) {
		fprintf(stderr, "nothing measured\n");
		return 1;
	}
	printf("tracks %zu periods %zu median %.1f us p99 %.1f us max %.1f us "
	    "mean %.1f us load %.1f %%\n", s->track_count, n,
	    (double)quantile(t, n, 0.5) / 1e3, (double)quantile(t, n, 0.99) / 1e3,
	    (double)t[n - 1] / 1e3, sum / (double)n / 1e3,
	    100.0 * (double)quantile(t, n, 0.99) / 1e3 / period_us);
	free(t);
	free(ph);
	plan_destroy(p);
	session_destroy(s);
	return 0;
}
