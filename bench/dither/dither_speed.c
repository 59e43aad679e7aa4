/*
 * dither_speed.c - throughput of the 24-bit dither (dsp/dither.c) in the
 * shapes the callers use: the bounce writer's 4096-frame chunks of 8
 * channels into an interleaved s24le buffer (one dither_to_s24le call per
 * channel, stride 3 * 8, or one dither_planar_to_s24le call per chunk),
 * the clean renderer's interleaved int32 (dither_to_i24, stride 8), and a
 * contiguous mono stream of each. Not a test: it prints figures and
 * asserts nothing.
 *
 * Built by CMake as bench_dither_speed (use a Release build):
 *
 *   build/bench/bench_dither_speed [chunks [frames [channels]]]
 *
 * chunks (default 3000) is the number of chunks per figure, of frames
 * (default 4096) frames of channels (default 8, at most 10) channels:
 * 3000 x 4096 x 8 is 98 M samples (393 MB of float). The input cycles
 * through 16 chunks of noise at up to -1 dBFS (as the mixer's buffers
 * would be: recently written, mostly cached). Each figure is the best of
 * three runs, in nanoseconds per sample.
 *
 * To time another dither.c (an older one, say) with the same program:
 *
 *   cc -std=c11 -O3 -D_POSIX_C_SOURCE=200809L -DBENCH_NO_PLANAR -I. bench/dither/dither_speed.c \
 *      old_dither.c -o /tmp/dither_speed_old
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsp/dither.h"

#define CH 10     /* at most */
#define FRAMES 4096
#define POOL 16

static float pool[POOL][CH][FRAMES];
static unsigned char s24[FRAMES * CH * 3];
static int32_t i24[FRAMES * CH];
static int frames = FRAMES;      /* per chunk: argv[2] */
static int ch = 8;               /* channels: argv[3] */
static struct dither dth[CH];
static unsigned long sink;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

enum mode { S24_PER_CH, S24_PLANAR, I24_PER_CH, S24_MONO, I24_MONO };

static void
run_chunk(enum mode m, int k)
{
	const float *const in[CH] = { pool[k][0], pool[k][1], pool[k][2],
	    pool[k][3], pool[k][4], pool[k][5], pool[k][6], pool[k][7],
	    pool[k][8], pool[k][9] };

	switch (m) {
	case S24_PER_CH:
		for (int c = 0; c < ch; c++)
			dither_to_s24le(&dth[c], in[c], s24 + 3 * c, frames, 3 * ch);
		break;
	case S24_PLANAR:
#ifndef BENCH_NO_PLANAR
		dither_planar_to_s24le(dth, in, ch, s24, frames);
#endif
		break;
	case I24_PER_CH:
		for (int c = 0; c < ch; c++)
			dither_to_i24(&dth[c], in[c], i24 + c, frames, ch);
		break;
	case S24_MONO:
		dither_to_s24le(&dth[0], pool[k][0], s24, frames * ch, 3);
		break;
	case I24_MONO:
		dither_to_i24(&dth[0], pool[k][0], i24, frames * ch, 1);
		break;
	}
	sink += s24[k * 7] + (unsigned long)i24[k * 5];
}

static void
bench(const char *what, enum mode m, long chunks)
{
	double best = 1e30;

	for (int rep = 0; rep < 3; rep++) {
		double t0;

		for (int c = 0; c < ch; c++)
			dither_init(&dth[c], dither_seed_for_channel(1, c));
		t0 = now();
		for (long k = 0; k < chunks; k++)
			run_chunk(m, (int)(k % POOL));
		t0 = now() - t0;
		best = t0 < best ? t0 : best;
	}
	printf("%-40s %6.3f ns/sample  %7.1f Msamples/s\n", what,
	    best * 1e9 / ((double)chunks * ch * frames),
	    (double)chunks * ch * frames / best / 1e6);
}

int
main(int argc, char **argv)
{
	long chunks = argc > 1 ? atol(argv[1]) : 3000;
	uint64_t s = 88172645463325252ull;

	if (chunks < 1)
		chunks = 1;
	if (argc > 2 && atoi(argv[2]) >= 1 && atoi(argv[2]) <= FRAMES)
		frames = atoi(argv[2]);
	if (argc > 3 && atoi(argv[3]) >= 1 && atoi(argv[3]) <= CH)
		ch = atoi(argv[3]);
	printf("%d channels, %d-frame chunks, %ld chunks a figure\n", ch, frames,
	    chunks);
	for (int k = 0; k < POOL; k++)
		for (int c = 0; c < ch; c++)
			for (int i = 0; i < FRAMES; i++) {
				s ^= s << 13;
				s ^= s >> 7;
				s ^= s << 17;
				pool[k][c][i] = (float)((double)(int32_t)(s >> 32) /
				    2147483648.0 * 0.89);
			}
	bench("s24le, per channel (wav_out)", S24_PER_CH, chunks);
#ifndef BENCH_NO_PLANAR
	bench("s24le, dither_planar_to_s24le", S24_PLANAR, chunks);
#endif
	bench("i24, per channel (render.c)", I24_PER_CH, chunks);
	bench("s24le, mono (stride 3)", S24_MONO, chunks);
	bench("i24, mono (stride 1)", I24_MONO, chunks);
	fprintf(stderr, "(%lu)\n", sink);
	return 0;
}
