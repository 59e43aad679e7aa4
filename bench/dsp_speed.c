/*
 * dsp_speed.c - rough throughput of the insert kernels (biquad, EQ,
 * dynamics) at 48 kHz in 256-frame blocks, as the RT thread would call
 * them. Not a test: it prints figures and asserts nothing.
 *
 * Not built by CMake (bench/CMakeLists.txt lists its programs by hand);
 * from the project root, with the flags of a RelWithDebInfo build:
 *
 *   cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I. \
 *      bench/dsp_speed.c dsp/biquad.c dsp/eq.c dsp/dynamics.c -lm -o /tmp/dsp_speed
 *   /tmp/dsp_speed
 *
 * "Mframes/s/ch" is millions of frames per second per channel; "x RT" is
 * how many 48 kHz channels one core could run.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dsp/biquad.h"
#include "dsp/dynamics.h"
#include "dsp/eq.h"

#define BLOCK 256
#define SR 48000.0
#define SECONDS 20 /* of audio per measurement */

static float buf[EQ_MAX_CHANNELS][BLOCK];
static struct eq eq_state;
static struct dynamics dyn;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Fills the buffers with a fresh block of noise-like signal at -12 dBFS
 * (so compressors work and nothing decays into the flush floor). */
static void
refill(int channels, unsigned *seed)
{
	int k, i;

	for (k = 0; k < channels; k++)
		for (i = 0; i < BLOCK; i++) {
			*seed = *seed * 1664525u + 1013904223u;
			buf[k][i] = (float)((int)(*seed >> 8) - (1 << 23)) / (float)(1 << 23) * 0.25f;
		}
}

static void
report(const char *what, int channels, double seconds_cpu, double fill_cpu)
{
	const double frames = SECONDS * SR;
	const double t = seconds_cpu - fill_cpu;
	const double rate = frames * channels / t;

	printf("%-44s %2d ch  %7.1f Mframes/s/ch  %6.0f x RT  %5.2f ns/frame/ch\n", what,
	    channels, rate / 1e6, rate / SR, 1e9 / rate);
}

/* Time of refilling alone, subtracted from each figure. */
static double
fill_time(int channels)
{
	const int blocks = (int)(SECONDS * SR / BLOCK);
	unsigned seed = 1;
	double t0 = now();
	int b;

	for (b = 0; b < blocks; b++)
		refill(channels, &seed);
	return now() - t0;
}

static void
bench_biquad(void)
{
	const int blocks = (int)(SECONDS * SR / BLOCK);
	struct biquad_design d;
	struct biquad_coefs c;
	struct biquad_state st;
	unsigned seed = 1;
	double t0, f = fill_time(1);
	int b;

	biquad_design(BIQUAD_BELL, 1000, 1.0, 6.0, SR, &d);
	biquad_coefs_from_design(&d, &c);
	biquad_reset(&st);
	t0 = now();
	for (b = 0; b < blocks; b++) {
		refill(1, &seed);
		biquad_process(&c, &st, buf[0], BLOCK);
	}
	report("one biquad section", 1, now() - t0, f);
}

static void
bench_eq(const char *what, const struct eq_params *p, int channels, bool automate)
{
	const int blocks = (int)(SECONDS * SR / BLOCK);
	float *ch[EQ_MAX_CHANNELS];
	struct eq_coefs c[2];
	struct eq_params q = *p;
	unsigned seed = 1;
	double t0, f = fill_time(channels);
	int b, k;

	for (k = 0; k < channels; k++)
		ch[k] = buf[k];
	eq_design(p, SR, &c[0]);
	q.band[0].gain_db += 3;
	eq_design(&q, SR, &c[1]);
	eq_init(&eq_state, SR);
	eq_set_coefs(&eq_state, &c[0]);
	eq_reset(&eq_state);
	t0 = now();
	for (b = 0; b < blocks; b++) {
		refill(channels, &seed);
		if (automate)
			eq_set_coefs(&eq_state, &c[b & 1]);
		eq_process(&eq_state, ch, channels, BLOCK);
	}
	report(what, channels, now() - t0, f);
}

static void
bench_dynamics(const char *what, const struct dynamics_params *p, int channels)
{
	const int blocks = (int)(SECONDS * SR / BLOCK);
	float *ch[EQ_MAX_CHANNELS];
	struct dynamics_coefs c;
	unsigned seed = 1;
	double t0, f = fill_time(channels);
	int b, k;

	for (k = 0; k < channels; k++)
		ch[k] = buf[k];
	dynamics_design(p, SR, &c);
	dynamics_init(&dyn, &c);
	t0 = now();
	for (b = 0; b < blocks; b++) {
		refill(channels, &seed);
		dynamics_process(&dyn, ch, channels, NULL, 0, BLOCK);
	}
	report(what, channels, now() - t0, f);
}

int
main(void)
{
	struct eq_params p;
	struct dynamics_params d;
	int i;

	bench_biquad();

	memset(&p, 0, sizeof p);
	for (i = 0; i < 4; i++) {
		p.band[i].enabled = true;
		p.band[i].type = BIQUAD_BELL;
		p.band[i].freq_hz = 100.0 * pow(4.0, i);
		p.band[i].gain_db = i & 1 ? -4 : 3;
		p.band[i].q = 1.2;
	}
	bench_eq("EQ, 4 bells", &p, 1, false);
	bench_eq("EQ, 4 bells", &p, 2, false);
	bench_eq("EQ, 4 bells, a coefficient change every block", &p, 2, true);
	p.hpf.enabled = true;
	p.hpf.freq_hz = 80;
	p.hpf.slope_db_per_oct = 24;
	p.lpf.enabled = true;
	p.lpf.freq_hz = 16000;
	p.lpf.slope_db_per_oct = 12;
	p.lpf.q = M_SQRT1_2;
	bench_eq("EQ, 4 bells + HPF 24 + LPF 12 (7 sections)", &p, 2, false);
	bench_eq("EQ, 4 bells + HPF 24 + LPF 12 (7 sections)", &p, 10, false);

	memset(&d, 0, sizeof d);
	d.mode = DYNAMICS_COMPRESSOR;
	d.detector = DYNAMICS_PEAK;
	d.link = true;
	d.threshold_db = -20;
	d.ratio = 4;
	d.knee_db = 6;
	d.attack_ms = 5;
	d.release_ms = 100;
	d.rms_ms = 20;
	bench_dynamics("compressor, peak, linked", &d, 1);
	bench_dynamics("compressor, peak, linked", &d, 2);
	d.detector = DYNAMICS_RMS;
	bench_dynamics("compressor, RMS, linked", &d, 2);
	d.link = false;
	bench_dynamics("compressor, RMS, unlinked", &d, 2);
	d.link = true;
	bench_dynamics("compressor, RMS, linked", &d, 10);
	d.mode = DYNAMICS_GATE;
	d.range_db = 60;
	d.hold_ms = 20;
	d.detector = DYNAMICS_PEAK;
	bench_dynamics("gate, peak, linked", &d, 2);
	return 0;
}
