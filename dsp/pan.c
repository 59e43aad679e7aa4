/*
 * pan.c - panner matrices (the model is described in pan.h) and the
 * de-zippered matrix mixer.
 *
 * Gains are computed in double and stored as float. A mono source's gains
 * are built in three steps: (x, y) -> square angle phi -> speaker azimuth
 * (piecewise-linear warp) -> the VBAP pair around it; then the point gains
 * are blended in power with the equal spread by s = 1 - (1 - div) * r.
 */
#include "dsp/pan.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "dsp/downmix.h"
#include "dsp/gain.h"
#include "dsp/ramp.h"

#define PI 3.14159265358979323846
#define DEG (PI / 180.0)

/* Speakers of the horizontal ring, sorted by azimuth (degrees, 0 front,
 * positive right) over (-180, 180]. */
struct ring_speaker {
	int ch;
	double az_deg;
};

static const struct ring_speaker ring_5_1[] = {
	{ PAN_CH_LS, -110.0 }, { PAN_CH_L, -30.0 }, { PAN_CH_C, 0.0 },
	{ PAN_CH_R, 30.0 }, { PAN_CH_RS, 110.0 },
};

/* 7.1 and the ear-level layer of 7.1.2. */
static const struct ring_speaker ring_7_1[] = {
	{ PAN_CH_LRS, -135.0 }, { PAN_CH_LSS, -90.0 }, { PAN_CH_L, -30.0 },
	{ PAN_CH_C, 0.0 }, { PAN_CH_R, 30.0 }, { PAN_CH_RSS, 90.0 },
	{ PAN_CH_RRS, 135.0 },
};

/* Square angle phi (degrees, 0 .. 180) -> azimuth, per layout. */
#define WARP_KNOTS 5
static const double warp_phi[WARP_KNOTS] = { 0.0, 45.0, 90.0, 135.0, 180.0 };
static const double warp_az_5_1[WARP_KNOTS] = { 0.0, 30.0, 70.0, 110.0, 180.0 };
static const double warp_az_7_1[WARP_KNOTS] = { 0.0, 30.0, 90.0, 135.0, 180.0 };

int
pan_layout_channels(enum pan_layout l)
{
	switch (l) {
	case PAN_LAYOUT_MONO: return 1;
	case PAN_LAYOUT_STEREO: return 2;
	case PAN_LAYOUT_5_1: return 6;
	case PAN_LAYOUT_7_1: return 8;
	case PAN_LAYOUT_7_1_2: return 10;
	default: return 0;
	}
}

void
pan_params_init(struct pan_params *p)
{
	p->x = 0.0;
	p->y = 1.0;
	p->divergence = 0.0;
	p->lfe_db = GAIN_SILENCE_DB;
	p->width = 1.0;
}

void
pan_matrix_identity(struct pan_matrix *m, int in_channels, int out_channels)
{
	if (in_channels < 1)
		in_channels = 1;
	if (in_channels > PAN_MAX_CHANNELS)
		in_channels = PAN_MAX_CHANNELS;
	if (out_channels < 1)
		out_channels = 1;
	if (out_channels > PAN_MAX_CHANNELS)
		out_channels = PAN_MAX_CHANNELS;
	memset(m, 0, sizeof *m);
	m->in_channels = in_channels;
	m->out_channels = out_channels;
	for (int c = 0; c < in_channels && c < out_channels; c++)
		m->gain[c][c] = 1.0f;
}

static double
clamp(double v, double lo, double hi)
{
	if (!(v >= lo))      /* NaN too */
		return lo;
	return v > hi ? hi : v;
}

static double
warp(const double *az, double phi_deg)
{
	double a = fabs(phi_deg), sign = phi_deg < 0.0 ? -1.0 : 1.0;

	for (int k = 0; k < WARP_KNOTS - 1; k++)
		if (a <= warp_phi[k + 1]) {
			double f = (a - warp_phi[k]) / (warp_phi[k + 1] - warp_phi[k]);

			return sign * (az[k] + f * (az[k + 1] - az[k]));
		}
	return sign * az[WARP_KNOTS - 1];
}

/* Unit-power VBAP pair gains for azimuth az_deg into g[ch] (zeroed first). */
static void
vbap_ring(double *g, const struct ring_speaker *ring, int n, double az_deg)
{
	for (int i = 0; i < n; i++) {
		const struct ring_speaker *s1 = &ring[i], *s2 = &ring[(i + 1) % n];
		double span = s2->az_deg - s1->az_deg;
		double d = az_deg - s1->az_deg;

		if (span <= 0.0)
			span += 360.0;
		while (d < 0.0)
			d += 360.0;
		while (d >= 360.0)
			d -= 360.0;
		if (d <= span) {
			double g1 = sin((span - d) * DEG), g2 = sin(d * DEG);
			double norm = sqrt(g1 * g1 + g2 * g2);

			g[s1->ch] = g1 / norm;
			g[s2->ch] = g2 / norm;
			return;
		}
	}
}

/*
 * Gains of one mono source at (x, y) into the speakers of dst (g has
 * PAN_MAX_CHANNELS entries, LFE and heights left 0).
 */
static void
mono_gains(double *g, enum pan_layout dst, double x, double y,
    double divergence)
{
	double div = clamp(divergence, 0.0, 1.0);
	double point[PAN_MAX_CHANNELS] = { 0 };
	const struct ring_speaker *ring;
	const double *az;
	double r, s;
	int n;

	memset(g, 0, PAN_MAX_CHANNELS * sizeof *g);
	x = clamp(x, -1.0, 1.0);
	y = clamp(y, -1.0, 1.0);
	switch (dst) {
	case PAN_LAYOUT_MONO:
		g[0] = 1.0;
		return;
	case PAN_LAYOUT_STEREO: {
		double theta = (x + 1.0) * (PI / 4.0);
		double gl = cos(theta), gr = sin(theta);

		g[PAN_CH_L] = sqrt((1.0 - div) * gl * gl + div * 0.5);
		g[PAN_CH_R] = sqrt((1.0 - div) * gr * gr + div * 0.5);
		return;
	}
	case PAN_LAYOUT_5_1:
		ring = ring_5_1;
		n = (int)(sizeof ring_5_1 / sizeof ring_5_1[0]);
		az = warp_az_5_1;
		break;
	case PAN_LAYOUT_7_1:
	case PAN_LAYOUT_7_1_2:
	default:
		ring = ring_7_1;
		n = (int)(sizeof ring_7_1 / sizeof ring_7_1[0]);
		az = warp_az_7_1;
		break;
	}
	r = fmax(fabs(x), fabs(y));
	s = 1.0 - (1.0 - div) * r;
	if (r > 0.0)
		vbap_ring(point, ring, n, warp(az, atan2(x, y) / DEG));
	for (int i = 0; i < n; i++) {
		int ch = ring[i].ch;

		g[ch] = sqrt((1.0 - s) * point[ch] * point[ch] + s / n);
	}
}

static void
store_row(struct pan_matrix *m, int in_ch, const double *g)
{
	for (int o = 0; o < m->out_channels; o++)
		m->gain[in_ch][o] = (float)g[o];
}

int
pan_compute_matrix(struct pan_matrix *m, enum pan_layout src,
    enum pan_layout dst, const struct pan_params *p,
    const struct downmix_opts *dm)
{
	struct pan_params defaults;
	double g[PAN_MAX_CHANNELS];
	int nin = pan_layout_channels(src), nout = pan_layout_channels(dst);
	bool has_lfe = dst >= PAN_LAYOUT_5_1;

	if (nin == 0 || nout == 0) {
		memset(m, 0, sizeof *m);
		m->in_channels = m->out_channels = 1;
		return DSP_ERR_INVALID;
	}
	if (p == NULL) {
		pan_params_init(&defaults);
		p = &defaults;
	}
	if (src >= PAN_LAYOUT_5_1) {
		/* A bed: identity, fold-down or channel embedding. */
		if (dst < src)
			return downmix_compute_matrix(m, src, dst, dm);
		pan_matrix_identity(m, nin, nout);
		return 0;
	}
	if (src == PAN_LAYOUT_STEREO && dst == PAN_LAYOUT_MONO)
		return downmix_compute_matrix(m, src, dst, dm);

	memset(m, 0, sizeof *m);
	m->in_channels = nin;
	m->out_channels = nout;
	if (src == PAN_LAYOUT_STEREO && dst == PAN_LAYOUT_STEREO) {
		/* Balance: the side away from x is attenuated by cos(|x| pi/2). */
		double x = clamp(p->x, -1.0, 1.0);
		double att = cos(fabs(x) * (PI / 2.0));

		if (fabs(x) >= 1.0)
			att = 0.0;
		m->gain[PAN_CH_L][PAN_CH_L] = (float)(x > 0.0 ? att : 1.0);
		m->gain[PAN_CH_R][PAN_CH_R] = (float)(x < 0.0 ? att : 1.0);
		return 0;
	}
	if (src == PAN_LAYOUT_MONO) {
		mono_gains(g, dst, p->x, p->y, p->divergence);
		store_row(m, 0, g);
	} else {
		/* Stereo into surround: two mono sources width apart in x. */
		double w = clamp(p->width, 0.0, 1.0);

		mono_gains(g, dst, p->x - w, p->y, p->divergence);
		store_row(m, PAN_CH_L, g);
		mono_gains(g, dst, p->x + w, p->y, p->divergence);
		store_row(m, PAN_CH_R, g);
	}
	if (has_lfe)
		for (int i = 0; i < nin; i++)
			m->gain[i][PAN_CH_LFE] = (float)gain_db_to_lin(p->lfe_db);
	return 0;
}

void
pan_init(struct pan_state *st, const struct pan_matrix *m)
{
	st->cur = *m;
}

void
pan_reset(struct pan_state *st, const struct pan_matrix *m)
{
	st->cur = *m;
}

void
pan_process(struct pan_state *st, const struct pan_matrix *target,
    const float *const *in, float *const *out, int frames)
{
	bool jump = st->cur.in_channels != target->in_channels ||
	    st->cur.out_channels != target->out_channels;

	if (frames > 0)
		for (int o = 0; o < target->out_channels; o++)
			for (int i = 0; i < target->in_channels; i++) {
				float g1 = target->gain[i][o];
				float g0 = jump ? g1 : st->cur.gain[i][o];

				if (g0 != g1)
					ramp_mix(out[o], in[i], frames, g0, g1);
				else if (g1 == 1.0f)
					ramp_mix_unity(out[o], in[i], frames);
				else if (g1 != 0.0f)
					ramp_mix_gain(out[o], in[i], frames, g1);
			}
	if (target != &st->cur)
		st->cur = *target;
}
