/*
 * Noise profiles: the FFT size per rate, the learned level and shape of
 * white noise, tonal bins, and every refusal (too short, digital silence,
 * speech-like content, a burst), compatibility across rates. Signals are
 * made here.
 */
#include "test.h"

#include <stdint.h>
#include <stdlib.h>

#include "dsp/dsp.h"
#include "dsp/noiseprofile.h"
#include "dsp/signals.h"

#define SR 48000

static uint64_t rng = 0x2545f4914f6cdd1dull;

static float gauss(void)
{
	double u1 = rand_unit(&rng) + 1e-12, u2 = rand_unit(&rng);

	return (float)(sqrt(-2.0 * log(u1)) * cos(2 * M_PI * u2));
}

static struct noise_profile prof;

static int
learn(const float *x, long n, const char **why)
{
	const float *ch[1] = { x };

	return noise_profile_learn(ch, 1, n, SR, &prof, why);
}

static void
test_sizes(void)
{
	CHECK_INT_EQ(noise_profile_fft_size(8000), 256);
	CHECK_INT_EQ(noise_profile_fft_size(16000), 512);
	CHECK_INT_EQ(noise_profile_fft_size(44100), 2048);
	CHECK_INT_EQ(noise_profile_fft_size(48000), 2048);
	CHECK_INT_EQ(noise_profile_fft_size(96000), 4096);
	CHECK_INT_EQ(noise_profile_fft_size(192000), 8192);
	CHECK(noise_profile_fft_size(192000) / 2 + 1 <= NOISE_PROFILE_MAX_BINS);
	CHECK_INT_EQ(noise_profile_fft_size(7999), 0);
	CHECK_INT_EQ(noise_profile_fft_size(192001), 0);
}

static void
test_white(void)
{
	const long n = SR; /* 1 s */
	float *x = malloc(sizeof(float) * n);
	const char *why = "unset";
	double worst = 0, mean = 0;

	for (long i = 0; i < n; i++)
		x[i] = 0.01f * gauss(); /* -40 dBFS */
	REQUIRE(learn(x, n, &why) == 0);
	CHECK(why == NULL);
	CHECK_INT_EQ(prof.rate_hz, SR);
	CHECK_INT_EQ(prof.fft_size, 2048);
	CHECK_INT_EQ(prof.bins, 1025);
	CHECK_NEAR(prof.level_db, -40.0, 0.3);
	/* expected bin power: s2 * sum(w^2) = 1e-4 * 1024; octave-band means
	 * within 1 dB (one bin's mean of ~90 frames is within ~+-1.5 dB) */
	for (int lo = 16; lo < 1024; lo *= 2) {
		double s = 0;

		for (int k = lo; k < 2 * lo && k < 1024; k++)
			s += prof.power[k];
		s /= (2 * lo < 1024 ? lo : 1024 - lo);
		mean = 10 * log10(s / (1e-4 * 1024));
		if (fabs(mean) > worst)
			worst = fabs(mean);
	}
	CHECK(worst < 1.0);
	for (int k = 1; k < prof.bins; k++)
		if (prof.tonal[k])
			TEST_FAIL_("white noise bin %d marked tonal", k);
	CHECK(noise_profile_compatible(&prof, SR));
	CHECK(!noise_profile_compatible(&prof, 44100));
	prof.power[3] = NAN;
	CHECK(!noise_profile_compatible(&prof, SR));
	prof.power[3] = 1.0f;
	prof.bins = 5000;
	CHECK(!noise_profile_compatible(&prof, SR));
	CHECK(!noise_profile_compatible(NULL, SR));
	free(x);
}

static void
test_tonal(void)
{
	const long n = SR;
	float *x = malloc(sizeof(float) * n);
	const int kt = (int)lround(1000.0 * 2048 / SR);
	int far = 0;

	for (long i = 0; i < n; i++)
		x[i] = 0.001f * gauss() + 0.01f * (float)sin(2 * M_PI * 1000.0 * i / SR);
	REQUIRE(learn(x, n, NULL) == 0);
	CHECK(prof.tonal[kt]);
	for (int k = 1; k < prof.bins; k++)
		if (prof.tonal[k] && abs(k - kt) > 2)
			far++;
	CHECK_INT_EQ(far, 0);
	free(x);
}

static void
test_refusals(void)
{
	const long n = 2 * SR;
	float *x = calloc(n, sizeof(float));
	const char *why = NULL;
	struct noise_profile keep;

	/* digital silence */
	memset(&prof, 0x5a, sizeof prof);
	keep = prof;
	CHECK_INT_EQ(learn(x, n, &why), DSP_ERR_INVALID);
	CHECK_STR_EQ(why, "no room tone: the selection is digital silence");
	CHECK(memcmp(&keep, &prof, sizeof prof) == 0); /* out untouched */

	/* too short: 249 ms of noise */
	for (long i = 0; i < n; i++)
		x[i] = 0.01f * gauss();
	CHECK_INT_EQ(learn(x, SR * 249 / 1000, &why), DSP_ERR_INVALID);
	CHECK(why != NULL && strstr(why, "at least 250 ms") != NULL);
	CHECK_INT_EQ(learn(x, SR * 250 / 1000, &why), 0);

	/* a slow 8 dB level swing of steady noise is still room tone */
	for (long i = 0; i < n; i++)
		x[i] = 0.01f * gauss() * (float)(1.0 + 0.6 * sin(2 * M_PI * 0.5 * i / SR));
	CHECK_INT_EQ(learn(x, n, &why), 0);

	/* speech-like: a 130 Hz voice whose formant moves at syllable rate and
	 * whose level follows syllables, over quiet noise */
	for (long i = 0; i < n; i++) {
		double t = (double)i / SR, f1 = 500 + 1500 * (0.5 + 0.5 * sin(2 * M_PI * 3 * t));
		double env = 0.5 + 0.5 * sin(2 * M_PI * 4 * t), v = 0;

		for (int h = 1; h * 130 < 6000; h++) {
			double fh = h * 130.0, a = exp(-((fh - f1) * (fh - f1)) / (2 * 300.0 * 300.0));

			v += a * sin(2 * M_PI * fh * t);
		}
		x[i] = (float)(0.1 * env * env * v) + 0.0003f * gauss();
	}
	CHECK_INT_EQ(learn(x, n, &why), DSP_ERR_INVALID);
	CHECK(why != NULL && strstr(why, "no room tone") != NULL);

	/* a burst (a door) 30 dB over the tone for 0.3 s */
	for (long i = 0; i < n; i++)
		x[i] = 0.001f * gauss() * (i > SR / 2 && i < SR / 2 + SR * 3 / 10 ? 31.6f : 1.0f);
	CHECK_INT_EQ(learn(x, n, &why), DSP_ERR_INVALID);
	CHECK(why != NULL && strstr(why, "no room tone") != NULL);

	/* bad arguments */
	{
		const float *ch[1] = { x };

		CHECK_INT_EQ(noise_profile_learn(ch, 1, n, 4000, &prof, &why), DSP_ERR_INVALID);
		CHECK_INT_EQ(noise_profile_learn(ch, 0, n, SR, &prof, &why), DSP_ERR_INVALID);
		CHECK_INT_EQ(noise_profile_learn(NULL, 1, n, SR, &prof, NULL), DSP_ERR_INVALID);
	}
	free(x);
}

static void
test_bad_samples(void)
{
	const long n = SR;
	float *x = malloc(sizeof(float) * n);

	for (long i = 0; i < n; i++)
		x[i] = 0.01f * gauss();
	x[100] = NAN;
	x[5000] = INFINITY;
	REQUIRE(learn(x, n, NULL) == 0);
	for (int k = 0; k < prof.bins; k++)
		if (!isfinite(prof.power[k]))
			TEST_FAIL_("bin %d not finite", k);
	CHECK(noise_profile_compatible(&prof, SR));
	free(x);
}

int
main(void)
{
	test_sizes();
	test_white();
	test_tonal();
	test_refusals();
	test_bad_samples();
	return test_report();
}
