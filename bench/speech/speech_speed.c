/*
 * speech_speed.c - throughput of the speech-activity detector (dsp/speech.c)
 * on one mono channel, as `dubstage measure` runs it: large blocks, one
 * core. Not a test: prints figures, asserts nothing.
 *
 * Not built by CMake; from the project root, with the flags of a
 * RelWithDebInfo build:
 *
 *   cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I. \
 *      bench/speech/speech_speed.c dsp/speech.c -lfftw3f -lm -o /tmp/speech_speed
 *   /tmp/speech_speed
 *
 * The signal is 60 s of a busy mix stand-in (harmonic tone with moving
 * pitch, noise bursts, pink-ish noise) repeated; "x RT" is seconds of audio
 * per second of CPU, and the 2-hour line what one programme's centre
 * channel costs.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dsp/speech.h"

#define BLOCK 65536
#define SECONDS 600 /* of audio per measurement */

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int
main(void)
{
	static const double rates[] = { 44100, 48000, 96000, 192000 };

	for (size_t r = 0; r < sizeof rates / sizeof rates[0]; r++) {
		const double rate = rates[r];
		const long n = (long)(60 * rate);
		float *x = malloc(sizeof *x * (size_t)n);
		struct speech *s = NULL;
		struct speech_step st;
		uint32_t seed = 1;
		double ph = 0, t0, t1, b = 0;
		long steps = 0, active = 0;

		if (x == NULL || speech_create(&s, rate) != 0)
			return 1;
		for (long i = 0; i < n; i++) {
			double t = i / rate, f0 = 150 + 40 * sin(2 * M_PI * 0.7 * t);

			seed = seed * 1664525u + 1013904223u;
			b = 0.98 * b + ((double)(seed >> 8) / (1 << 24) - 0.5) * 0.1;
			ph += f0 / rate;
			x[i] = (float)(0.2 * sin(2 * M_PI * ph) + 0.1 * sin(6 * M_PI * ph) +
			    (fmod(t, 0.5) < 0.05 ? 0.3 : 0.05) * b);
		}
		t0 = cpu_now();
		for (long done = 0; done < (long)(SECONDS * rate); ) {
			for (long i = 0; i < n; i += BLOCK) {
				int len = (int)(n - i < BLOCK ? n - i : BLOCK);

				speech_process(s, x + i, len);
				while (speech_pop(s, &st) == 1) {
					steps++;
					active += st.active;
				}
			}
			done += n;
		}
		t1 = cpu_now();
		printf("%6.0f Hz: %7.0f x RT on one core (%.1f ns/frame); "
		    "2-hour channel %.2f s; %ld steps, %ld active\n", rate,
		    SECONDS / (t1 - t0), (t1 - t0) / (SECONDS * rate) * 1e9,
		    7200.0 * (t1 - t0) / SECONDS, steps, active);
		speech_destroy(s);
		free(x);
	}
	return 0;
}
