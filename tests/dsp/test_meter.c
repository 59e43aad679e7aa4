/*
 * test_meter.c - peak and RMS readings on sines and DC, the RMS time
 * constant, peak hold and release, reset, non-finite input.
 */
#include "test.h"

#include "dsp/gain.h"
#include "dsp/meter.h"

#define PI 3.14159265358979323846
#define RATE 48000.0
#define BLOCK 256

/* Feeds `seconds` of amp * sin(2 pi f t) to channel 0 and amp2 * the same
 * to channel 1, in blocks; phase continues across calls through *n0. */
static void
feed_sine(struct meter *m, double f, double amp, double amp2, double seconds,
    long *n0)
{
	float a[BLOCK], b[BLOCK];
	const float *ch[2] = { a, b };
	long total = (long)(seconds * RATE);

	for (long done = 0; done < total; done += BLOCK) {
		for (int i = 0; i < BLOCK; i++) {
			double s = sin(2.0 * PI * f * (double)(*n0 + i) / RATE);

			a[i] = (float)(amp * s);
			b[i] = (float)(amp2 * s);
		}
		*n0 += BLOCK;
		meter_process(m, ch, 2, BLOCK);
	}
}

static void
feed_const(struct meter *m, float v, int frames, int block)
{
	float a[4096];
	const float *ch[1] = { a };

	for (int i = 0; i < block; i++)
		a[i] = v;
	for (int done = 0; done < frames; done += block)
		meter_process(m, ch, 1, block);
}

static void
test_sine(void)
{
	struct meter m;
	long n = 0;

	REQUIRE(meter_init(&m, 2, RATE, 300.0) == 0);
	feed_sine(&m, 1000.0, 1.0, 0.5, 3.0, &n);
	/* 1 kHz at 48 kHz hits the crest exactly (sample 12 of 48). */
	CHECK_NEAR(meter_get_peak_lin(&m, 0), 1.0, 1e-6);
	CHECK_NEAR(meter_get_peak_db(&m, 0), 0.0, 1e-5);
	CHECK_NEAR(meter_get_rms_db(&m, 0), -3.0103, 0.02);
	CHECK_NEAR(meter_get_rms_lin(&m, 0), 1.0 / sqrt(2.0), 0.002);
	CHECK_NEAR(meter_get_peak_max_db(&m, 0), 0.0, 1e-5);
	/* channel 1 at half scale: -6.02 peak, -9.03 RMS */
	CHECK_NEAR(meter_get_peak_db(&m, 1), -6.0206, 1e-4);
	CHECK_NEAR(meter_get_rms_db(&m, 1), -9.0309, 0.02);

	/* A frequency that never lands on the crest reads just under. */
	struct meter m2;
	n = 0;
	meter_init(&m2, 2, RATE, 300.0);
	feed_sine(&m2, 997.0, 1.0, 1.0, 2.0, &n);
	CHECK(meter_get_peak_lin(&m2, 0) <= 1.0);
	CHECK(meter_get_peak_lin(&m2, 0) > 0.999);
	CHECK_NEAR(meter_get_rms_db(&m2, 0), -3.0103, 0.02);
}

static void
test_rms_time_constant(void)
{
	struct meter m;

	/* A step from silence to DC 1.0: after one time constant the mean
	 * square is 1 - 1/e (block granularity is exact for a constant). */
	REQUIRE(meter_init(&m, 1, RATE, 100.0) == 0);
	feed_const(&m, 1.0f, 4800, 48);
	CHECK_NEAR(meter_get_rms_lin(&m, 0), sqrt(1.0 - exp(-1.0)), 1e-9);
	/* and it converges to the DC level */
	feed_const(&m, 1.0f, 48000 * 2, 480);
	CHECK_NEAR(meter_get_rms_lin(&m, 0), 1.0, 1e-6);
	meter_reset(&m);
	feed_const(&m, 0.5f, 48000 * 2, 512);
	CHECK_NEAR(meter_get_rms_lin(&m, 0), 0.5, 1e-5);
	CHECK_NEAR(meter_get_peak_lin(&m, 0), 0.5, 1e-9);

	/* Silence decays to exactly 0, not to denormals. */
	feed_const(&m, 0.0f, 48000 * 60, 4096);
	CHECK(meter_get_rms_lin(&m, 0) == 0.0);
	CHECK(meter_get_peak_lin(&m, 0) == 0.0);
	CHECK(meter_get_rms_db(&m, 0) == GAIN_SILENCE_DB);
	CHECK_NEAR(meter_get_peak_max_lin(&m, 0), 0.5, 1e-9);
}

static void
test_peak_ballistics(void)
{
	struct meter m;

	/* Default: no hold, 20 dB/s release. One block at full scale, then
	 * one second of silence: -20 dB. */
	REQUIRE(meter_init(&m, 1, RATE, 300.0) == 0);
	feed_const(&m, -1.0f, 480, 480);
	CHECK_NEAR(meter_get_peak_db(&m, 0), 0.0, 1e-6);
	feed_const(&m, 0.0f, 48000, 480);
	CHECK_NEAR(meter_get_peak_db(&m, 0), -20.0, 1e-3);

	/* 500 ms hold then 20 dB/s: after 1 s about -10 dB. */
	meter_reset(&m);
	REQUIRE(meter_set_peak_release(&m, 500.0, 20.0) == 0);
	feed_const(&m, 1.0f, 480, 480);
	feed_const(&m, 0.0f, 24000, 480);
	CHECK_NEAR(meter_get_peak_db(&m, 0), 0.0, 1e-6);    /* still held */
	feed_const(&m, 0.0f, 24000, 480);
	CHECK_NEAR(meter_get_peak_db(&m, 0), -10.0, 0.25);

	/* INFINITY release: just the last block's peak. */
	REQUIRE(meter_set_peak_release(&m, 0.0, INFINITY) == 0);
	feed_const(&m, 0.25f, 480, 480);
	feed_const(&m, 0.125f, 480, 480);
	CHECK_NEAR(meter_get_peak_lin(&m, 0), 0.125, 1e-9);
	CHECK_NEAR(meter_get_peak_max_lin(&m, 0), 1.0, 1e-9);

	/* a bigger peak always shows at once */
	meter_set_peak_release(&m, 1000.0, 1.0);
	feed_const(&m, 0.75f, 64, 64);
	CHECK_NEAR(meter_get_peak_lin(&m, 0), 0.75, 1e-9);

	meter_reset(&m);
	CHECK(meter_get_peak_lin(&m, 0) == 0.0);
	CHECK(meter_get_peak_max_lin(&m, 0) == 0.0);
	CHECK(meter_get_rms_lin(&m, 0) == 0.0);
}

static void
test_arguments_and_nonfinite(void)
{
	struct meter m;
	float a[16], b[16];
	const float *ch[2] = { a, b };

	CHECK_INT_EQ(meter_init(&m, 0, RATE, 300.0), DSP_ERR_INVALID);
	CHECK_INT_EQ(meter_init(&m, METER_MAX_CHANNELS + 1, RATE, 300.0), DSP_ERR_INVALID);
	CHECK_INT_EQ(meter_init(&m, 1, 0.0, 300.0), DSP_ERR_INVALID);
	CHECK_INT_EQ(meter_init(&m, 1, RATE, 0.0), DSP_ERR_INVALID);
	CHECK_INT_EQ(meter_init(&m, 1, RATE, NAN), DSP_ERR_INVALID);
	REQUIRE(meter_init(&m, 1, RATE, 300.0) == 0);
	CHECK_INT_EQ(meter_set_peak_release(&m, -1.0, 20.0), DSP_ERR_INVALID);
	CHECK_INT_EQ(meter_set_peak_release(&m, 0.0, 0.0), DSP_ERR_INVALID);

	/* extra channels are ignored, odd frame counts work */
	for (int i = 0; i < 16; i++) {
		a[i] = 0.5f;
		b[i] = 1.0f;
	}
	meter_process(&m, ch, 2, 13);
	CHECK_NEAR(meter_get_peak_lin(&m, 0), 0.5, 1e-9);
	CHECK(meter_get_peak_lin(&m, 1) == 0.0);      /* out of range */
	CHECK(meter_get_rms_lin(&m, -1) == 0.0);
	meter_process(&m, ch, 1, 0);

	/* NaN shows as an over and does not poison the RMS. */
	double before = meter_get_rms_lin(&m, 0);
	a[3] = NAN;
	meter_process(&m, ch, 1, 16);
	CHECK(isinf(meter_get_peak_lin(&m, 0)));
	CHECK(isinf(meter_get_peak_max_lin(&m, 0)));
	CHECK(meter_get_rms_lin(&m, 0) == before);
	a[3] = 0.5f;
	meter_process(&m, ch, 1, 16);
	CHECK(isfinite(meter_get_rms_lin(&m, 0)));
	CHECK_NEAR(meter_get_peak_lin(&m, 0), 0.5, 1e-9);   /* no hold: over ends */
	CHECK(isinf(meter_get_peak_max_lin(&m, 0)));
}

int
main(void)
{
	test_sine();
	test_rms_time_constant();
	test_peak_ballistics();
	test_arguments_and_nonfinite();
	return test_report();
}
