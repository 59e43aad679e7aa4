/*
 * Room tone: the synthesis matches the profile it was made from (level and
 * shape, by learning a profile back from it), does not pulse at the frame
 * rate, does not repeat, is deterministic for a seed and split-invariant;
 * roomtone_fill changes exactly the gap with equal-power fades.
 */
#include "test.h"

#include <stdint.h>
#include <stdlib.h>

#include "dsp/dsp.h"
#include "dsp/noiseprofile.h"
#include "dsp/roomtone.h"
#include "dsp/signals.h"

#define SR 48000

static uint64_t rng = 0xdeadbeefcafef00dull;
static struct noise_profile prof, back;

static float gauss(void)
{
	double u1 = rand_unit(&rng) + 1e-12, u2 = rand_unit(&rng);

	return (float)(sqrt(-2.0 * log(u1)) * cos(2 * M_PI * u2));
}

static void
make_profile(void)
{
	const long n = 2 * SR;
	float *x = malloc(sizeof(float) * n), lp = 0;
	const float *ch[1] = { x };

	for (long i = 0; i < n; i++) {
		float w = gauss();

		lp += 0.05f * (w - lp);
		x[i] = 0.02f * (lp * 3.0f + 0.2f * w);
	}
	if (noise_profile_learn(ch, 1, n, SR, &prof, NULL) != 0)
		TEST_FAIL_("learn");
	free(x);
}

static void
test_matches_profile(void)
{
	const long n = 20 * SR; /* long enough that the pulsing check's own noise is ~0.2 dB */
	float *y = malloc(sizeof(float) * n);
	const float *ch[1] = { y };
	struct roomtone *r = roomtone_create(1, SR, &prof, 42);
	double worst = 0;

	REQUIRE(r != NULL);
	roomtone_generate(r, (float *const[]){ y }, (int)n);
	REQUIRE(noise_profile_learn(ch, 1, n, SR, &back, NULL) == 0);
	CHECK_NEAR(back.level_db, prof.level_db, 0.3);
	/* octave bands from 47 Hz up: within 1 dB */
	for (int lo = 2; lo < 1024; lo *= 2) {
		double a = 0, b = 0;

		for (int k = lo; k < 2 * lo && k < 1024; k++) {
			a += prof.power[k];
			b += back.power[k];
		}
		if (fabs(10 * log10(b / a)) > worst)
			worst = fabs(10 * log10(b / a));
	}
	CHECK(worst < 1.0);

	/* no frame-rate pulsing: mean square per position within the hop */
	{
		const int hop = 512;
		double ms[512] = { 0 }, mn = 1e30, mx = 0;

		for (long i = 0; i < n; i++)
			ms[i % hop] += (double)y[i] * y[i];
		for (int j = 0; j < hop; j += 32) { /* 32-sample groups */
			double s = 0;

			for (int q = 0; q < 32; q++)
				s += ms[j + q];
			mn = fmin(mn, s);
			mx = fmax(mx, s);
		}
		CHECK(10 * log10(mx / mn) < 0.5);
	}
	/* no repetition: normalised autocorrelation at lags 0.05..1 s stays small */
	{
		double e = 0, worst_r = 0;

		for (long i = 0; i < SR; i++)
			e += (double)y[i] * y[i];
		for (long lag = SR / 20; lag <= SR; lag += 997) {
			double s = 0;

			for (long i = 0; i < SR; i++)
				s += (double)y[i] * y[i + lag];
			worst_r = fmax(worst_r, fabs(s / e));
		}
		CHECK(worst_r < 0.1);
	}
	roomtone_destroy(r);
	free(y);
}

static void
test_determinism(void)
{
	const int n = SR;
	float *a = malloc(sizeof(float) * n), *b = malloc(sizeof(float) * n), *c2 = malloc(sizeof(float) * n);
	struct roomtone *r = roomtone_create(2, SR, &prof, 7);
	uint64_t s = 5;

	REQUIRE(r != NULL);
	roomtone_generate(r, (float *const[]){ a, c2 }, n);
	roomtone_reset(r);
	for (int i = 0; i < n;) {
		int m = split_next(&s, SPLIT_LOG, n - i);
		float *o[2] = { b + i, c2 + i };

		roomtone_generate(r, o, m);
		i += m;
	}
	CHECK(same_bits(a, b, n));
	CHECK(!same_bits(a, c2, n)); /* channels have their own streams */
	roomtone_destroy(r);
	r = roomtone_create(1, SR, &prof, 8);
	REQUIRE(r != NULL);
	roomtone_generate(r, (float *const[]){ b }, n);
	CHECK(!same_bits(a, b, n));
	roomtone_destroy(r);
	CHECK(roomtone_create(1, 44100, &prof, 1) == NULL);
	CHECK(roomtone_create(0, SR, &prof, 1) == NULL);
	roomtone_destroy(NULL);
	free(a);
	free(b);
	free(c2);
}

static void
test_fill(void)
{
	const long n = 2 * SR, g = SR / 2, len = SR / 2;
	const int x = 480;
	float *buf = malloc(sizeof(float) * n), *orig = malloc(sizeof(float) * n), *tone = malloc(sizeof(float) * len);
	struct roomtone *r = roomtone_create(1, SR, &prof, 99), *r2 = roomtone_create(1, SR, &prof, 99);
	long changed_out = 0, mid_diff = 0;

	REQUIRE(r != NULL && r2 != NULL);
	for (long i = 0; i < n; i++)
		buf[i] = orig[i] = 0.25f; /* a constant marks what changed */
	CHECK_INT_EQ(roomtone_fill(r, (float *const[]){ buf }, 1, n, g, len, x), 0);
	roomtone_generate(r2, (float *const[]){ tone }, (int)len);
	for (long i = 0; i < n; i++)
		if ((i < g || i >= g + len) && buf[i] != orig[i])
			changed_out++;
	CHECK_INT_EQ(changed_out, 0);
	for (long i = x; i < len - x; i++)
		if (buf[g + i] != tone[i])
			mid_diff++;
	CHECK_INT_EQ(mid_diff, 0);
	/* the fades: orig*cos + tone*sin at the start, tone*cos + orig*sin at the end */
	CHECK_NEAR(buf[g], 0.25 * cos(M_PI_2 * 0.5 / x) + tone[0] * sin(M_PI_2 * 0.5 / x), 1e-6);
	CHECK_NEAR(buf[g + len - 1], tone[len - 1] * cos(M_PI_2 * (x - 0.5) / x) + 0.25 * sin(M_PI_2 * (x - 0.5) / x), 1e-6);
	/* level in the gap: the profile's */
	CHECK_NEAR(10 * log10(mean_power(buf + g + x, (int)(len - 2 * x))), prof.level_db, 1.0);
	/* bad arguments; a gap beyond the end is clipped */
	CHECK_INT_EQ(roomtone_fill(r, (float *const[]){ buf, buf }, 2, n, g, len, x), DSP_ERR_INVALID);
	CHECK_INT_EQ(roomtone_fill(r, (float *const[]){ buf }, 1, n, n - 10, 100, 4), 0);
	for (long i = 0; i < n; i++)
		if (!isfinite(buf[i]))
			TEST_FAIL_("non-finite at %ld", i);
	roomtone_destroy(r);
	roomtone_destroy(r2);
	free(buf);
	free(orig);
	free(tone);
}

int
main(void)
{
	make_profile();
	test_matches_profile();
	test_determinism();
	test_fill();
	return test_report();
}
