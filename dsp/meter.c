/*
 * meter.c - block peak and mean square with chunked partial accumulators
 * (RAMP_CHUNK lanes, vectorised by GCC at -O2 like ramp.c), then the
 * per-block ballistics in double.
 */
#include "dsp/meter.h"

#include <math.h>
#include <string.h>

#include "dsp/gain.h"
#include "dsp/ramp.h"

#define MS_FLOOR 1e-20      /* -200 dB in power */
#define PEAK_FLOOR 1e-10f   /* -200 dB */

int
meter_init(struct meter *m, int channels, double rate_hz,
    double rms_window_ms)
{
	if (channels < 1 || channels > METER_MAX_CHANNELS ||
	    !(rate_hz > 0.0) || !(rms_window_ms > 0.0) || isinf(rate_hz) ||
	    isinf(rms_window_ms))
		return DSP_ERR_INVALID;
	memset(m, 0, sizeof *m);
	m->channels = channels;
	m->rate_hz = rate_hz;
	m->rms_tau_frames = rms_window_ms * rate_hz / 1000.0;
	meter_set_peak_release(m, 0.0, METER_DEFAULT_RELEASE_DB_PER_S);
	return 0;
}

int
meter_set_peak_release(struct meter *m, double hold_ms,
    double release_db_per_s)
{
	if (!(hold_ms >= 0.0) || !(release_db_per_s > 0.0))
		return DSP_ERR_INVALID;
	m->hold_frames = hold_ms * m->rate_hz / 1000.0;
	/* dB/s -> nepers per frame: ln(10)/20 per dB. */
	m->release_per_frame = release_db_per_s * (log(10.0) / 20.0) / m->rate_hz;
	return 0;
}

void
meter_reset(struct meter *m)
{
	memset(m->ms, 0, sizeof m->ms);
	memset(m->hold_left, 0, sizeof m->hold_left);
	memset(m->peak, 0, sizeof m->peak);
	memset(m->peak_max, 0, sizeof m->peak_max);
}

/* max |x| and sum x^2 over n samples. */
static void
block_stats(const float *restrict x, int n, float *peak_out, double *sum_out)
{
	float pk[RAMP_CHUNK] = { 0 }, sq[RAMP_CHUNK] = { 0 };
	float peak = 0.0f;
	double sum = 0.0;
	int i = 0;

	for (; i + RAMP_CHUNK <= n; i += RAMP_CHUNK)
		for (int k = 0; k < RAMP_CHUNK; k++) {
			float v = x[i + k], a = fabsf(v);

			pk[k] = a > pk[k] ? a : pk[k];
			sq[k] += v * v;
		}
	for (int k = 0; k < RAMP_CHUNK; k++) {
		peak = pk[k] > peak ? pk[k] : peak;
		sum += sq[k];
	}
	for (; i < n; i++) {
		float a = fabsf(x[i]);

		peak = a > peak ? a : peak;
		sum += (double)x[i] * x[i];
	}
	*peak_out = peak;
	*sum_out = sum;
}

void
meter_process(struct meter *m, const float *const *ch, int channels,
    int frames)
{
	double a, fall;

	if (frames <= 0)
		return;
	if (channels > m->channels)
		channels = m->channels;
	a = exp(-(double)frames / m->rms_tau_frames);
	fall = exp(-m->release_per_frame * frames);
	for (int c = 0; c < channels; c++) {
		float peak;
		double sum;

		block_stats(ch[c], frames, &peak, &sum);
		if (!isfinite(sum)) {
			/* NaN/inf in the block (|x| compares false with NaN). */
			m->peak[c] = m->peak_max[c] = INFINITY;
			m->hold_left[c] = m->hold_frames;
			continue;
		}
		m->ms[c] = a * m->ms[c] + (1.0 - a) * (sum / frames);
		if (m->ms[c] < MS_FLOOR)
			m->ms[c] = 0.0;

		/* An over shows for its hold, then metering starts afresh. */
		if (isinf(m->peak[c]) && m->hold_left[c] <= 0.0)
			m->peak[c] = 0.0f;
		if (peak >= m->peak[c]) {
			m->peak[c] = peak;
			m->hold_left[c] = m->hold_frames;
		} else if (m->hold_left[c] > 0.0) {
			m->hold_left[c] -= frames;
		} else {
			float fallen = (float)(m->peak[c] * fall);

			m->peak[c] = fallen > peak ? fallen : peak;
		}
		if (m->peak[c] < PEAK_FLOOR)
			m->peak[c] = 0.0f;
		if (peak > m->peak_max[c])
			m->peak_max[c] = peak;
	}
}

static int
valid(const struct meter *m, int ch)
{
	return ch >= 0 && ch < m->channels;
}

double
meter_get_peak_lin(const struct meter *m, int ch)
{
	return valid(m, ch) ? m->peak[ch] : 0.0;
}

double
meter_get_peak_db(const struct meter *m, int ch)
{
	return gain_lin_to_db(meter_get_peak_lin(m, ch));
}

double
meter_get_peak_max_lin(const struct meter *m, int ch)
{
	return valid(m, ch) ? m->peak_max[ch] : 0.0;
}

double
meter_get_peak_max_db(const struct meter *m, int ch)
{
	return gain_lin_to_db(meter_get_peak_max_lin(m, ch));
}

double
meter_get_rms_lin(const struct meter *m, int ch)
{
	return valid(m, ch) ? sqrt(m->ms[ch]) : 0.0;
}

double
meter_get_rms_db(const struct meter *m, int ch)
{
	return gain_lin_to_db(meter_get_rms_lin(m, ch));
}
