/*
 * fade.c - fade curves and the in-place block fade.
 *
 * fade_gain is the reference (double). fade_apply splits a block into the
 * part before the fade (constant start value), the inside (0 < k < L-1:
 * the curve, computed in float per frame into a small stack chunk and then
 * multiplied into every channel) and the part after it (constant end
 * value). Both ends come from the constant parts, which is what makes them
 * exact whatever sinf/expf round to.
 */
#include "dsp/fade.h"

#include <math.h>
#include <string.h>

#include "dsp/ramp.h"

/* Frames of gain computed at a time (stack scratch: 256 bytes). */
#define FADE_CHUNK 64

#define HALF_PI 1.57079632679489661923
#define PI 3.14159265358979323846
/* EXP/LOG: 60 dB of range, ln(10^3) = 3 ln 10. */
#define DB60_K 6.90775527898213705205
#define DB60_FLOOR 1e-3

float
fade_gain(enum fade_curve shape, double t)
{
	double g;

	if (!(t > 0.0))
		return 0.0f;
	if (t >= 1.0)
		return 1.0f;
	switch (shape) {
	case FADE_CURVE_EQUAL_POWER:
		g = sin(t * HALF_PI);
		break;
	case FADE_CURVE_S_CURVE:
		g = 0.5 - 0.5 * cos(t * PI);
		break;
	case FADE_CURVE_EXP:
		g = (exp(DB60_K * (t - 1.0)) - DB60_FLOOR) / (1.0 - DB60_FLOOR);
		break;
	case FADE_CURVE_LOG:
		g = (1.0 - exp(-DB60_K * t)) / (1.0 - DB60_FLOOR);
		break;
	case FADE_CURVE_LINEAR:
	default:
		g = t;
		break;
	}
	if (g < 0.0)
		g = 0.0;
	if (g > 1.0)
		g = 1.0;
	return (float)g;
}

/* g[j] = fade-in gain at u = (idx0 + step_sign * j) * inv, 0 < u < 1. */
static void
fill_gains(float *restrict g, int n, enum fade_curve shape, int64_t idx0,
    int step_sign, double inv)
{
	const float half_pi = (float)HALF_PI;
	const float k60 = (float)DB60_K;
	const float floor60 = (float)DB60_FLOOR;
	const float scale60 = (float)(1.0 / (1.0 - DB60_FLOOR));

	/* u in double first: fades may be longer than float's 2^24 frames. */
	for (int j = 0; j < n; j++)
		g[j] = (float)((double)(idx0 + step_sign * j) * inv);

	switch (shape) {
	case FADE_CURVE_EQUAL_POWER:
		for (int j = 0; j < n; j++)
			g[j] = sinf(g[j] * half_pi);
		break;
	case FADE_CURVE_S_CURVE:
		for (int j = 0; j < n; j++) {
			float s = sinf(g[j] * half_pi);

			g[j] = s * s;
		}
		break;
	case FADE_CURVE_EXP:
		for (int j = 0; j < n; j++) {
			float v = (expf(k60 * (g[j] - 1.0f)) - floor60) * scale60;

			g[j] = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
		}
		break;
	case FADE_CURVE_LOG:
		for (int j = 0; j < n; j++) {
			float v = (1.0f - expf(-k60 * g[j])) * scale60;

			g[j] = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
		}
		break;
	case FADE_CURVE_LINEAR:
	default:
		break;
	}
}

/* Multiplies frames [f0, f0 + n) of every channel by the constant g. */
static void
scale_const(float *const *ch, int channels, int f0, int n, float g)
{
	if (n <= 0 || g == 1.0f)
		return;
	for (int c = 0; c < channels; c++) {
		if (g == 0.0f)
			memset(ch[c] + f0, 0, (size_t)n * sizeof(float));
		else
			ramp_apply_gain(ch[c] + f0, n, g);
	}
}

void
fade_apply(float *const *ch, int channels, int frames, enum fade_curve shape,
    enum fade_dir dir, int64_t pos_frames, int64_t length_frames)
{
	const float start = dir == FADE_DIR_OUT ? 1.0f : 0.0f;
	const int64_t last = length_frames - 1;   /* the frame at the end value */
	float g[FADE_CHUNK];
	double inv;
	int f = 0;

	if (frames <= 0 || channels <= 0 || length_frames <= 1)
		return;
	inv = 1.0 / (double)last;

	/* Frames at or before the fade's first frame (pos_frames + f <= 0). */
	if (pos_frames <= 0) {
		int64_t head = 1 - pos_frames;

		f = head > frames ? frames : (int)head;
		scale_const(ch, channels, 0, f, start);
	}
	/* Inside: 0 < k < last. */
	while (f < frames && pos_frames + f < last) {
		int64_t k = pos_frames + f;
		int n = frames - f;

		if (n > FADE_CHUNK)
			n = FADE_CHUNK;
		if ((int64_t)n > last - k)
			n = (int)(last - k);
		if (dir == FADE_DIR_OUT)
			fill_gains(g, n, shape, last - k, -1, inv);
		else
			fill_gains(g, n, shape, k, 1, inv);
		for (int c = 0; c < channels; c++)
			ramp_apply_curve(ch[c] + f, g, n);
		f += n;
	}
	/* At or after the last frame. */
	scale_const(ch, channels, f, frames - f, 1.0f - start);
}
