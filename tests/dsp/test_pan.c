/*
 * test_pan.c - pan laws (stereo and surround), divergence, LFE send,
 * balance, bed routing, and the de-zippered matrix mixer.
 */
#include "test.h"

#include "dsp/downmix.h"
#include "dsp/gain.h"
#include "dsp/pan.h"

#define SQRT1_2 0.70710678118654752440
#define PI 3.14159265358979323846

static struct pan_params
at(double x, double y, double div)
{
	struct pan_params p;

	pan_params_init(&p);
	p.x = x;
	p.y = y;
	p.divergence = div;
	return p;
}

/* Sum of squares of input row i over the outputs, LFE excluded. */
static double
row_power(const struct pan_matrix *m, int i, int skip_lfe)
{
	double s = 0.0;

	for (int o = 0; o < m->out_channels; o++)
		if (!(skip_lfe && o == PAN_CH_LFE))
			s += (double)m->gain[i][o] * m->gain[i][o];
	return s;
}

/* Checks that row 0 has `gain` in channel ch and 0 elsewhere. */
static int
only_in(const struct pan_matrix *m, int ch)
{
	for (int o = 0; o < m->out_channels; o++) {
		double want = o == ch ? 1.0 : 0.0;

		if (fabs(m->gain[0][o] - want) > 1e-6)
			return 0;
	}
	return 1;
}

static void
test_layouts(void)
{
	CHECK_INT_EQ(pan_layout_channels(PAN_LAYOUT_MONO), 1);
	CHECK_INT_EQ(pan_layout_channels(PAN_LAYOUT_STEREO), 2);
	CHECK_INT_EQ(pan_layout_channels(PAN_LAYOUT_5_1), 6);
	CHECK_INT_EQ(pan_layout_channels(PAN_LAYOUT_7_1), 8);
	CHECK_INT_EQ(pan_layout_channels(PAN_LAYOUT_7_1_2), 10);
	CHECK_INT_EQ(pan_layout_channels(PAN_LAYOUT_COUNT), 0);

	struct pan_matrix m;

	CHECK_INT_EQ(pan_compute_matrix(&m, PAN_LAYOUT_COUNT, PAN_LAYOUT_STEREO,
	    NULL, NULL), DSP_ERR_INVALID);
	CHECK_INT_EQ(pan_compute_matrix(&m, PAN_LAYOUT_MONO, (enum pan_layout)-1,
	    NULL, NULL), DSP_ERR_INVALID);
}

static void
test_mono_to_stereo(void)
{
	struct pan_matrix m;
	struct pan_params p = at(0.0, 1.0, 0.0);

	REQUIRE(pan_compute_matrix(&m, PAN_LAYOUT_MONO, PAN_LAYOUT_STEREO, &p,
	    NULL) == 0);
	CHECK_INT_EQ(m.in_channels, 1);
	CHECK_INT_EQ(m.out_channels, 2);
	CHECK_NEAR(m.gain[0][0], SQRT1_2, 1e-7);
	CHECK_NEAR(m.gain[0][1], SQRT1_2, 1e-7);
	CHECK_NEAR(gain_lin_to_db(m.gain[0][0]), -3.0103, 1e-4);

	p = at(-1.0, 1.0, 0.0);
	pan_compute_matrix(&m, PAN_LAYOUT_MONO, PAN_LAYOUT_STEREO, &p, NULL);
	CHECK(m.gain[0][0] == 1.0f);
	CHECK_NEAR(m.gain[0][1], 0.0, 1e-7);
	p = at(1.0, 1.0, 0.0);
	pan_compute_matrix(&m, PAN_LAYOUT_MONO, PAN_LAYOUT_STEREO, &p, NULL);
	CHECK_NEAR(m.gain[0][0], 0.0, 1e-7);
	CHECK(m.gain[0][1] == 1.0f);
	/* x = 0.5: theta = 3 pi / 8 */
	p = at(0.5, 1.0, 0.0);
	pan_compute_matrix(&m, PAN_LAYOUT_MONO, PAN_LAYOUT_STEREO, &p, NULL);
	CHECK_NEAR(m.gain[0][0], cos(3.0 * PI / 8.0), 1e-7);
	CHECK_NEAR(m.gain[0][1], sin(3.0 * PI / 8.0), 1e-7);

	/* constant power across the sweep, divergence 0 and 1 */
	for (int k = -20; k <= 20; k++) {
		p = at(k / 20.0, 0.0, 0.0);
		pan_compute_matrix(&m, PAN_LAYOUT_MONO, PAN_LAYOUT_STEREO, &p, NULL);
		CHECK_NEAR(row_power(&m, 0, 0), 1.0, 1e-6);
		p.divergence = 1.0;
		pan_compute_matrix(&m, PAN_LAYOUT_MONO, PAN_LAYOUT_STEREO, &p, NULL);
		CHECK_NEAR(m.gain[0][0], SQRT1_2, 1e-6);
		CHECK_NEAR(m.gain[0][1], SQRT1_2, 1e-6);
	}

	/* mono -> mono */
	pan_compute_matrix(&m, PAN_LAYOUT_MONO, PAN_LAYOUT_MONO, &p, NULL);
	CHECK(m.gain[0][0] == 1.0f);
	CHECK_INT_EQ(m.out_channels, 1);
}

static void
test_surround_speaker_positions(void)
{
	static const struct { double x, y; int ch; } pos51[] = {
		{ 0, 1, PAN_CH_C }, { -1, 1, PAN_CH_L }, { 1, 1, PAN_CH_R },
		{ -1, -1, PAN_CH_LS }, { 1, -1, PAN_CH_RS },
	};
	static const struct { double x, y; int ch; } pos71[] = {
		{ 0, 1, PAN_CH_C }, { -1, 1, PAN_CH_L }, { 1, 1, PAN_CH_R },
		{ -1, 0, PAN_CH_LSS }, { 1, 0, PAN_CH_RSS },
		{ -1, -1, PAN_CH_LRS }, { 1, -1, PAN_CH_RRS },
	};
	struct pan_matrix m;
	struct pan_params p;

	for (int k = 0; k < 5; k++) {
		p = at(pos51[k].x, pos51[k].y, 0.0);
		REQUIRE(pan_compute_matrix(&m, PAN_LAYOUT_MONO, PAN_LAYOUT_5_1, &p,
		    NULL) == 0);
		CHECK_INT_EQ(m.out_channels, 6);
		CHECK(only_in(&m, pos51[k].ch));
	}
	for (int k = 0; k < 7; k++) {
		p = at(pos71[k].x, pos71[k].y, 0.0);
		pan_compute_matrix(&m, PAN_LAYOUT_MONO, PAN_LAYOUT_7_1, &p, NULL);
		CHECK_INT_EQ(m.out_channels, 8);
		CHECK(only_in(&m, pos71[k].ch));
		pan_compute_matrix(&m, PAN_LAYOUT_MONO, PAN_LAYOUT_7_1_2, &p, NULL);
		CHECK_INT_EQ(m.out_channels, 10);
		CHECK(only_in(&m, pos71[k].ch));
	}

	/* Straight behind: half power in each rear speaker. */
	p = at(0.0, -1.0, 0.0);
	pan_compute_matrix(&m, PAN_LAYOUT_MONO, PAN_LAYOUT_5_1, &p, NULL);
	CHECK_NEAR(m.gain[0][PAN_CH_LS], SQRT1_2, 1e-6);
	CHECK_NEAR(m.gain[0][PAN_CH_RS], SQRT1_2, 1e-6);
	CHECK_NEAR(m.gain[0][PAN_CH_C], 0.0, 1e-7);
	pan_compute_matrix(&m, PAN_LAYOUT_MONO, PAN_LAYOUT_7_1, &p, NULL);
	CHECK_NEAR(m.gain[0][PAN_CH_LRS], SQRT1_2, 1e-6);
	CHECK_NEAR(m.gain[0][PAN_CH_RRS], SQRT1_2, 1e-6);

	/* Half-way between C (0 deg) and R (30 deg): square angle 22.5 deg
	 * warps to 15 deg, where the tangent law gives equal gains. */
	p = at(tan(22.5 * PI / 180.0), 1.0, 0.0);
	pan_compute_matrix(&m, PAN_LAYOUT_MONO, PAN_LAYOUT_5_1, &p, NULL);
	CHECK_NEAR(m.gain[0][PAN_CH_C], SQRT1_2, 1e-6);
	CHECK_NEAR(m.gain[0][PAN_CH_R], SQRT1_2, 1e-6);
	CHECK_NEAR(m.gain[0][PAN_CH_L], 0.0, 1e-7);

	/* 5.1 side middle (phi 90) warps to 70 deg, between R (30) and Rs
	 * (110): VBAP with span 80, d 40 -> equal gains. */
	p = at(1.0, 0.0, 0.0);
	pan_compute_matrix(&m, PAN_LAYOUT_MONO, PAN_LAYOUT_5_1, &p, NULL);
	CHECK_NEAR(m.gain[0][PAN_CH_R], SQRT1_2, 1e-6);
	CHECK_NEAR(m.gain[0][PAN_CH_RS], SQRT1_2, 1e-6);

	/* Off the midpoint: 7.1, phi = 56.25 warps to az 45, between R (30)
	 * and Rss (90): tangent law g1 = sin 45, g2 = sin 15, normalised. */
	p = at(1.0, 1.0 / tan(56.25 * PI / 180.0), 0.0);
	pan_compute_matrix(&m, PAN_LAYOUT_MONO, PAN_LAYOUT_7_1, &p, NULL);
	{
		double g1 = sin(45.0 * PI / 180.0), g2 = sin(15.0 * PI / 180.0);
		double n = sqrt(g1 * g1 + g2 * g2);

		CHECK_NEAR(m.gain[0][PAN_CH_R], g1 / n, 1e-6);
		CHECK_NEAR(m.gain[0][PAN_CH_RSS], g2 / n, 1e-6);
	}
}

static void
test_surround_constant_power(void)
{
	static const enum pan_layout dsts[] = { PAN_LAYOUT_5_1, PAN_LAYOUT_7_1,
		PAN_LAYOUT_7_1_2 };
	struct pan_matrix m;
	struct pan_params p;

	for (int d = 0; d < 3; d++) {
		int pair_ok = 1;

		/* the walls, divergence 0: constant power, at most 2 speakers */
		for (int k = 0; k < 400; k++) {
			double u = k / 100.0, x, y;
			int nonzero = 0;

			if (u < 1.0) { x = -1.0 + 2.0 * u; y = 1.0; }
			else if (u < 2.0) { x = 1.0; y = 1.0 - 2.0 * (u - 1.0); }
			else if (u < 3.0) { x = 1.0 - 2.0 * (u - 2.0); y = -1.0; }
			else { x = -1.0; y = -1.0 + 2.0 * (u - 3.0); }
			p = at(x, y, 0.0);
			pan_compute_matrix(&m, PAN_LAYOUT_MONO, dsts[d], &p, NULL);
			CHECK_NEAR(row_power(&m, 0, 1), 1.0, 1e-6);
			for (int o = 0; o < m.out_channels; o++)
				if (m.gain[0][o] > 1e-6f)
					nonzero++;
			if (nonzero > 2)
				pair_ok = 0;
		}
		CHECK(pair_ok);

		/* anywhere in the room, any divergence */
		for (int ix = -4; ix <= 4; ix++)
			for (int iy = -4; iy <= 4; iy++)
				for (int id = 0; id <= 4; id++) {
					p = at(ix / 4.0, iy / 4.0, id / 4.0);
					pan_compute_matrix(&m, PAN_LAYOUT_MONO, dsts[d], &p,
					    NULL);
					CHECK_NEAR(row_power(&m, 0, 1), 1.0, 1e-6);
				}
	}
}

static void
test_divergence_and_centre_of_room(void)
{
	struct pan_matrix m;
	struct pan_params p = at(0.7, -0.3, 1.0);

	pan_compute_matrix(&m, PAN_LAYOUT_MONO, PAN_LAYOUT_5_1, &p, NULL);
	for (int o = 0; o < 6; o++)
		CHECK_NEAR(m.gain[0][o], o == PAN_CH_LFE ? 0.0 : 1.0 / sqrt(5.0),
		    1e-6);
	pan_compute_matrix(&m, PAN_LAYOUT_MONO, PAN_LAYOUT_7_1_2, &p, NULL);
	for (int o = 0; o < 10; o++)
		CHECK_NEAR(m.gain[0][o],
		    o == PAN_CH_LFE || o >= PAN_CH_LTM ? 0.0 : 1.0 / sqrt(7.0), 1e-6);

	/* The middle of the room has no direction: spread equally. */
	p = at(0.0, 0.0, 0.0);
	pan_compute_matrix(&m, PAN_LAYOUT_MONO, PAN_LAYOUT_7_1, &p, NULL);
	for (int o = 0; o < 8; o++)
		CHECK_NEAR(m.gain[0][o], o == PAN_CH_LFE ? 0.0 : 1.0 / sqrt(7.0),
		    1e-6);

	/* Half divergence at C: power blend of point and spread. */
	p = at(0.0, 1.0, 0.5);
	pan_compute_matrix(&m, PAN_LAYOUT_MONO, PAN_LAYOUT_5_1, &p, NULL);
	CHECK_NEAR(m.gain[0][PAN_CH_C], sqrt(0.5 + 0.5 / 5.0), 1e-6);
	CHECK_NEAR(m.gain[0][PAN_CH_L], sqrt(0.5 / 5.0), 1e-6);
	CHECK_NEAR(m.gain[0][PAN_CH_RS], sqrt(0.5 / 5.0), 1e-6);
}

static void
test_lfe_send(void)
{
	struct pan_matrix m;
	struct pan_params p = at(0.0, 1.0, 0.0);

	p.lfe_db = -10.0;
	pan_compute_matrix(&m, PAN_LAYOUT_MONO, PAN_LAYOUT_5_1, &p, NULL);
	CHECK_NEAR(m.gain[0][PAN_CH_LFE], 0.31622777, 1e-7);
	CHECK_NEAR(m.gain[0][PAN_CH_C], 1.0, 1e-7);     /* outside the power sum */
	p.lfe_db = 0.0;
	pan_compute_matrix(&m, PAN_LAYOUT_MONO, PAN_LAYOUT_7_1_2, &p, NULL);
	CHECK(m.gain[0][PAN_CH_LFE] == 1.0f);
	pan_compute_matrix(&m, PAN_LAYOUT_STEREO, PAN_LAYOUT_7_1, &p, NULL);
	CHECK(m.gain[0][PAN_CH_LFE] == 1.0f);
	CHECK(m.gain[1][PAN_CH_LFE] == 1.0f);
	p.lfe_db = GAIN_SILENCE_DB;
	pan_compute_matrix(&m, PAN_LAYOUT_MONO, PAN_LAYOUT_5_1, &p, NULL);
	CHECK(m.gain[0][PAN_CH_LFE] == 0.0f);
	/* no LFE in stereo: the send is ignored, power unchanged */
	p.lfe_db = 0.0;
	pan_compute_matrix(&m, PAN_LAYOUT_MONO, PAN_LAYOUT_STEREO, &p, NULL);
	CHECK_NEAR(row_power(&m, 0, 0), 1.0, 1e-6);
}

static void
test_balance(void)
{
	struct pan_matrix m;
	struct pan_params p = at(0.0, 1.0, 0.0);

	pan_compute_matrix(&m, PAN_LAYOUT_STEREO, PAN_LAYOUT_STEREO, &p, NULL);
	CHECK(m.gain[0][0] == 1.0f && m.gain[1][1] == 1.0f);
	CHECK(m.gain[0][1] == 0.0f && m.gain[1][0] == 0.0f);

	p.x = 1.0;
	pan_compute_matrix(&m, PAN_LAYOUT_STEREO, PAN_LAYOUT_STEREO, &p, NULL);
	CHECK(m.gain[0][0] == 0.0f);
	CHECK(m.gain[1][1] == 1.0f);
	CHECK(m.gain[0][1] == 0.0f && m.gain[1][0] == 0.0f);

	p.x = 0.5;
	pan_compute_matrix(&m, PAN_LAYOUT_STEREO, PAN_LAYOUT_STEREO, &p, NULL);
	CHECK_NEAR(m.gain[0][0], SQRT1_2, 1e-7);
	CHECK(m.gain[1][1] == 1.0f);

	p.x = -0.25;
	pan_compute_matrix(&m, PAN_LAYOUT_STEREO, PAN_LAYOUT_STEREO, &p, NULL);
	CHECK(m.gain[0][0] == 1.0f);
	CHECK_NEAR(m.gain[1][1], cos(0.25 * PI / 2.0), 1e-7);

	p.x = -1.0;
	pan_compute_matrix(&m, PAN_LAYOUT_STEREO, PAN_LAYOUT_STEREO, &p, NULL);
	CHECK(m.gain[0][0] == 1.0f && m.gain[1][1] == 0.0f);
}

static void
test_stereo_sources(void)
{
	struct pan_matrix m;
	struct pan_params p = at(0.0, 1.0, 0.0);

	/* Front centre, full width: L in L, R in R. */
	REQUIRE(pan_compute_matrix(&m, PAN_LAYOUT_STEREO, PAN_LAYOUT_5_1, &p,
	    NULL) == 0);
	CHECK_INT_EQ(m.in_channels, 2);
	CHECK_NEAR(m.gain[0][PAN_CH_L], 1.0, 1e-6);
	CHECK_NEAR(m.gain[1][PAN_CH_R], 1.0, 1e-6);
	CHECK_NEAR(m.gain[0][PAN_CH_C], 0.0, 1e-6);
	CHECK_NEAR(m.gain[1][PAN_CH_C], 0.0, 1e-6);

	/* Width 0: both inputs at the position (C). */
	p.width = 0.0;
	pan_compute_matrix(&m, PAN_LAYOUT_STEREO, PAN_LAYOUT_7_1, &p, NULL);
	CHECK_NEAR(m.gain[0][PAN_CH_C], 1.0, 1e-6);
	CHECK_NEAR(m.gain[1][PAN_CH_C], 1.0, 1e-6);

	/* Rear, full width: L in Lrs, R in Rrs (no left/right swap). */
	p = at(0.0, -1.0, 0.0);
	pan_compute_matrix(&m, PAN_LAYOUT_STEREO, PAN_LAYOUT_7_1, &p, NULL);
	CHECK_NEAR(m.gain[0][PAN_CH_LRS], 1.0, 1e-6);
	CHECK_NEAR(m.gain[1][PAN_CH_RRS], 1.0, 1e-6);
	CHECK_NEAR(row_power(&m, 0, 1), 1.0, 1e-6);
	CHECK_NEAR(row_power(&m, 1, 1), 1.0, 1e-6);

	/* Hard right front: L at C, R clamped to R. */
	p = at(1.0, 1.0, 0.0);
	pan_compute_matrix(&m, PAN_LAYOUT_STEREO, PAN_LAYOUT_5_1, &p, NULL);
	CHECK_NEAR(m.gain[0][PAN_CH_C], 1.0, 1e-6);
	CHECK_NEAR(m.gain[1][PAN_CH_R], 1.0, 1e-6);

	/* Stereo -> mono is the downmix. */
	pan_compute_matrix(&m, PAN_LAYOUT_STEREO, PAN_LAYOUT_MONO, &p, NULL);
	CHECK_INT_EQ(m.out_channels, 1);
	CHECK_NEAR(m.gain[0][0], SQRT1_2, 1e-7);
	CHECK_NEAR(m.gain[1][0], SQRT1_2, 1e-7);
}

static void
test_beds(void)
{
	struct pan_matrix m, d;
	struct pan_params p = at(1.0, -1.0, 1.0);   /* ignored for beds */

	p.lfe_db = 0.0;
	REQUIRE(pan_compute_matrix(&m, PAN_LAYOUT_5_1, PAN_LAYOUT_5_1, &p,
	    NULL) == 0);
	CHECK_INT_EQ(m.in_channels, 6);
	CHECK_INT_EQ(m.out_channels, 6);
	int ident = 1;
	for (int i = 0; i < 6; i++)
		for (int o = 0; o < 6; o++)
			if (m.gain[i][o] != (i == o ? 1.0f : 0.0f))
				ident = 0;
	CHECK(ident);

	/* smaller destination: exactly the downmix */
	pan_compute_matrix(&m, PAN_LAYOUT_7_1, PAN_LAYOUT_STEREO, &p, NULL);
	downmix_compute_matrix(&d, PAN_LAYOUT_7_1, PAN_LAYOUT_STEREO, NULL);
	CHECK(memcmp(&m, &d, sizeof m) == 0);

	/* 5.1 -> 7.1: Ls/Rs to the side surrounds */
	pan_compute_matrix(&m, PAN_LAYOUT_5_1, PAN_LAYOUT_7_1, &p, NULL);
	CHECK_INT_EQ(m.out_channels, 8);
	CHECK(m.gain[PAN_CH_LS][PAN_CH_LSS] == 1.0f);
	CHECK(m.gain[PAN_CH_RS][PAN_CH_RSS] == 1.0f);
	CHECK(m.gain[PAN_CH_C][PAN_CH_C] == 1.0f);
	CHECK(m.gain[PAN_CH_LFE][PAN_CH_LFE] == 1.0f);
	CHECK(m.gain[PAN_CH_LS][PAN_CH_LRS] == 0.0f);

	/* 7.1 -> 7.1.2: heights silent */
	pan_compute_matrix(&m, PAN_LAYOUT_7_1, PAN_LAYOUT_7_1_2, &p, NULL);
	CHECK(m.gain[PAN_CH_RRS][PAN_CH_RRS] == 1.0f);
	for (int i = 0; i < 8; i++)
		CHECK(m.gain[i][PAN_CH_LTM] == 0.0f && m.gain[i][PAN_CH_RTM] == 0.0f);
}

static void
test_process_constant_and_ramp(void)
{
	enum { N = 100 };
	static float inL[N], inR[N], o0[N], o1[N], o2[N];
	const float *in[2] = { inL, inR };
	float *out[3] = { o0, o1, o2 };
	struct pan_matrix a, b;
	struct pan_state st;

	for (int i = 0; i < N; i++) {
		inL[i] = (float)sin(i * 0.1);
		inR[i] = (float)cos(i * 0.07);
		o0[i] = 0.5f;      /* out is summed into */
		o1[i] = o2[i] = 0.0f;
	}
	memset(&a, 0, sizeof a);
	a.in_channels = 2;
	a.out_channels = 3;
	a.gain[0][0] = 1.0f;
	a.gain[1][1] = 0.5f;
	a.gain[0][2] = 0.25f;
	b = a;
	b.gain[0][0] = 0.0f;     /* ramp down */
	b.gain[1][2] = 1.0f;     /* ramp up */

	pan_init(&st, &a);
	pan_process(&st, &a, in, out, N);
	int ok = 1;
	for (int i = 0; i < N; i++) {
		if (o0[i] != 0.5f + inL[i] || o1[i] != inR[i] * 0.5f ||
		    o2[i] != inL[i] * 0.25f)
			ok = 0;
	}
	CHECK(ok);

	/* Now a ramp from a to b: sample i gets g0 + (g1-g0) i/N. */
	for (int i = 0; i < N; i++)
		o0[i] = o1[i] = o2[i] = 0.0f;
	pan_process(&st, &b, in, out, N);
	CHECK(o0[0] == inL[0]);                 /* previous gain at sample 0 */
	CHECK(o2[0] == inL[0] * 0.25f);         /* 0 -> 1 ramp starts at 0 */
	double maxerr = 0.0;
	for (int i = 0; i < N; i++) {
		double g00 = 1.0 - (double)i / N, g12 = (double)i / N;
		double e0 = fabs(o0[i] - inL[i] * g00);
		double e2 = fabs(o2[i] - (inL[i] * 0.25 + inR[i] * g12));
		double e1 = fabs(o1[i] - inR[i] * 0.5);

		if (e0 > maxerr) maxerr = e0;
		if (e1 > maxerr) maxerr = e1;
		if (e2 > maxerr) maxerr = e2;
	}
	CHECK(maxerr < 1e-6);

	/* The next block with the same target is constant b. */
	for (int i = 0; i < N; i++)
		o0[i] = o1[i] = o2[i] = 0.0f;
	pan_process(&st, &b, in, out, N);
	ok = 1;
	for (int i = 0; i < N; i++)
		if (o0[i] != 0.0f || o2[i] != inL[i] * 0.25f + inR[i])
			ok = 0;
	CHECK(ok);

	/* A shape change jumps without a ramp. */
	struct pan_matrix c;

	pan_matrix_identity(&c, 2, 2);
	for (int i = 0; i < N; i++)
		o0[i] = o1[i] = 0.0f;
	pan_process(&st, &c, in, out, N);
	CHECK(o0[0] == inL[0] && o1[0] == inR[0]);
	CHECK(o0[N - 1] == inL[N - 1]);

	/* reset: no ramp from the old matrix */
	pan_reset(&st, &a);
	CHECK(st.cur.gain[0][0] == 1.0f);
	CHECK_INT_EQ(st.cur.out_channels, 3);
}

static void
test_process_pan_sweep_no_zipper(void)
{
	/* Panning a constant mono signal across stereo in blocks: the
	 * output changes by a small step each sample, never jumps. */
	enum { N = 64, BLOCKS = 50 };
	float in0[N], l[N], r[N];
	const float *in[1] = { in0 };
	float *out[2] = { l, r };
	struct pan_matrix m;
	struct pan_state st;
	struct pan_params p = at(-1.0, 1.0, 0.0);
	float prev_l = 1.0f;
	double worst = 0.0;

	for (int i = 0; i < N; i++)
		in0[i] = 1.0f;
	pan_compute_matrix(&m, PAN_LAYOUT_MONO, PAN_LAYOUT_STEREO, &p, NULL);
	pan_init(&st, &m);
	for (int b = 1; b <= BLOCKS; b++) {
		p.x = -1.0 + 2.0 * b / BLOCKS;
		pan_compute_matrix(&m, PAN_LAYOUT_MONO, PAN_LAYOUT_STEREO, &p, NULL);
		memset(l, 0, sizeof l);
		memset(r, 0, sizeof r);
		pan_process(&st, &m, in, out, N);
		for (int i = 0; i < N; i++) {
			if (fabs(l[i] - prev_l) > worst)
				worst = fabs(l[i] - prev_l);
			prev_l = l[i];
		}
	}
	CHECK(worst < 0.002);
	CHECK_NEAR(prev_l, 0.0, 2e-3);
}

int
main(void)
{
	test_layouts();
	test_mono_to_stereo();
	test_surround_speaker_positions();
	test_surround_constant_power();
	test_divergence_and_centre_of_room();
	test_lfe_send();
	test_balance();
	test_stereo_sources();
	test_beds();
	test_process_constant_and_ramp();
	test_process_pan_sweep_no_zipper();
	return test_report();
}
