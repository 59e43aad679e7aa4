/*
 * loudness_speed.c - how long the loudness kernel (dsp/loudness.h) takes
 * for 2 hours of 48 kHz 5.1, the case of issue 4's benchmark, without the
 * file reading. Not a test: it prints figures and asserts nothing.
 *
 * The signal is 60 s of noise per channel (sum of three uniforms, level
 * moving slowly between -32 and -14 dBFS RMS, LFE low-passed, a -1 dBFS
 * click every 9.7 s), looped: 5.1 planar float, 4096-frame calls as the
 * measure command would make them. Rows:
 *
 *   K only            K-weighting, M/S/I/LRA, sample peak; no true peak
 *   full              + Annex 2 true peak (the default)
 *   full exhaustive   + every true-peak value computed (the work the skip
 *                     saves; the worst case for material whose level keeps
 *                     rising to new peaks)
 *   accurate          TRUEPEAK_ACCURATE instead of Annex 2
 *   ... 2 threads     the same with parts = 2, one thread per part, a
 *                     commit after every call (pthread barrier)
 *
 * Not built by CMake (bench/CMakeLists.txt lists its programs by hand);
 * from the project root, with the flags of a RelWithDebInfo build:
 *
 *   cc -std=c11 -O2 -fvect-cost-model=dynamic -D_POSIX_C_SOURCE=200809L \
 *      -D_DEFAULT_SOURCE -I. bench/loudness_speed.c dsp/loudness.c \
 *      dsp/truepeak.c -lm -lpthread -o /tmp/loudness_speed
 *   /tmp/loudness_speed [seconds-of-audio]     (default 7200)
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsp/loudness.h"

#define RATE 48000
#define CH 6
#define LOOP_S 60
#define CALL 32768

static float *sig[CH];
static long loop_frames;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void
make_signal(void)
{
	uint64_t s = 0x9E3779B97F4A7C15ull;

	loop_frames = (long)LOOP_S * RATE;
	for (int c = 0; c < CH; c++) {
		float lp = 0.0f;

		sig[c] = malloc(sizeof(float) * (size_t)loop_frames);
		for (long i = 0; i < loop_frames; i++) {
			double u = 0.0, lvl;

			for (int k = 0; k < 3; k++) {
				s ^= s << 13;
				s ^= s >> 7;
				s ^= s << 17;
				u += (double)(s >> 11) / 9007199254740992.0 - 0.5;
			}
			lvl = pow(10.0, (-37.0 + 9.0 * sin(2.0 * M_PI * i / (RATE * 17.0) + c)) / 20.0);
			float v = (float)(u * 2.0 * lvl);

			if (c == 3) { /* LFE: one-pole low-pass */
				lp += 0.01f * (v * 4.0f - lp);
				v = lp;
			}
			if (i % (RATE * 97 / 10) == 1000 + c * 7)
				v = 0.89f;
			sig[c][i] = v;
		}
	}
}

struct job {
	struct loudness *m;
	int part;
	const float *const *ch;
	int frames;
	pthread_barrier_t *start, *done;
	int quit;
};

static void *
worker(void *arg)
{
	struct job *j = arg;

	for (;;) {
		pthread_barrier_wait(j->start);
		if (j->quit)
			return NULL;
		loudness_process_part(j->m, j->part, j->ch, j->frames);
		pthread_barrier_wait(j->done);
	}
}

static void
run(const char *name, enum loudness_true_peak tp, bool exhaustive, int parts,
    double seconds)
{
	struct loudness_config cfg;
	struct loudness *m;
	struct loudness_result r;
	const long total = (long)(seconds * RATE);
	pthread_barrier_t start, done;
	pthread_t th;
	struct job job;
	double t0, t1;
	long pos = 0;

	loudness_config_init(&cfg, RATE, CH, LOUDNESS_LAYOUT_5_1);
	cfg.true_peak = tp;
	cfg.tp_exhaustive = exhaustive;
	cfg.parts = parts;
	if (loudness_create(&cfg, &m) != 0) {
		fprintf(stderr, "create failed\n");
		exit(1);
	}
	if (parts == 2) {
		pthread_barrier_init(&start, NULL, 2);
		pthread_barrier_init(&done, NULL, 2);
		memset(&job, 0, sizeof job);
		job.m = m;
		job.part = 1;
		job.start = &start;
		job.done = &done;
		pthread_create(&th, NULL, worker, &job);
	}
	t0 = now();
	while (pos < total) {
		const long in_loop = pos % loop_frames;
		long n = total - pos < CALL ? total - pos : CALL;
		const float *ch[CH];

		if (n > loop_frames - in_loop)
			n = loop_frames - in_loop;
		for (int c = 0; c < CH; c++)
			ch[c] = sig[c] + in_loop;
		if (parts == 2) {
			job.ch = ch;
			job.frames = (int)n;
			pthread_barrier_wait(&start);
			loudness_process_part(m, 0, ch, (int)n);
			pthread_barrier_wait(&done);
			loudness_commit(m);
		} else {
			loudness_process(m, ch, (int)n);
		}
		pos += n;
	}
	loudness_get(m, &r);
	t1 = now();
	if (parts == 2) {
		job.quit = 1;
		pthread_barrier_wait(&start);
		pthread_join(th, NULL);
	}
	printf("%-28s %7.2f s  (%5.0fx real time)  I %.2f LUFS  LRA %.2f LU  "
	    "TP %.2f dBTP\n", name, t1 - t0, seconds / (t1 - t0),
	    r.integrated_lufs, r.lra_lu, r.true_peak_dbtp);
	loudness_destroy(m);
}

int
main(int argc, char **argv)
{
	const double seconds = argc > 1 ? atof(argv[1]) : 7200.0;

	make_signal();
	printf("%.0f s of 48 kHz 5.1 (%ld-frame calls)\n", seconds, (long)CALL);
	run("K only", LOUDNESS_TP_NONE, false, 1, seconds);
	run("full (Annex 2 TP)", LOUDNESS_TP_ANNEX2, false, 1, seconds);
	run("full exhaustive", LOUDNESS_TP_ANNEX2, true, 1, seconds);
	run("accurate TP", LOUDNESS_TP_ACCURATE, false, 1, seconds);
	run("accurate exhaustive", LOUDNESS_TP_ACCURATE, true, 1, seconds);
	run("K only, 2 threads", LOUDNESS_TP_NONE, false, 2, seconds);
	run("full, 2 threads", LOUDNESS_TP_ANNEX2, false, 2, seconds);
	run("full exhaustive, 2 threads", LOUDNESS_TP_ANNEX2, true, 2, seconds);
	run("accurate exh., 2 threads", LOUDNESS_TP_ACCURATE, true, 2, seconds);
	return 0;
}
