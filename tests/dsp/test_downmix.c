/*
 * test_downmix.c - the BS.775 fold-down coefficients, exactly, and a 5.1
 * centre-only signal folded to stereo through the mixer.
 */
#include "test.h"

#include "dsp/downmix.h"
#include "dsp/gain.h"
#include "dsp/pan.h"

#define H 0.70710678118654752440     /* -3.01 dB */
#define EPS 1e-7

static int
matrix_equals(const struct pan_matrix *m, const double want[][PAN_MAX_CHANNELS])
{
	for (int i = 0; i < m->in_channels; i++)
		for (int o = 0; o < m->out_channels; o++)
			if (fabs(m->gain[i][o] - want[i][o]) > EPS) {
				fprintf(stderr, "  gain[%d][%d] = %.9g, want %.9g\n", i, o,
				    m->gain[i][o], want[i][o]);
				return 0;
			}
	return 1;
}

static void
test_defaults(void)
{
	struct downmix_opts o;

	downmix_opts_init(&o);
	CHECK_NEAR(gain_db_to_lin(o.centre_db), H, 1e-15);
	CHECK_NEAR(gain_db_to_lin(o.surround_db), H, 1e-15);
	CHECK(gain_db_to_lin(o.lfe_db) == 0.0);
	CHECK_NEAR(gain_db_to_lin(o.side_rear_db), H, 1e-15);
	CHECK_NEAR(gain_db_to_lin(o.height_db), H, 1e-15);
	CHECK_NEAR(gain_db_to_lin(o.mono_db), H, 1e-15);
}

static void
test_5_1_to_stereo(void)
{
	/* rows: L R C LFE Ls Rs; columns: Lo Ro */
	static const double want[6][PAN_MAX_CHANNELS] = {
		{ 1, 0 }, { 0, 1 }, { H, H }, { 0, 0 }, { H, 0 }, { 0, H },
	};
	struct pan_matrix m;
	struct downmix_opts o;

	REQUIRE(downmix_compute_matrix(&m, PAN_LAYOUT_5_1, PAN_LAYOUT_STEREO,
	    NULL) == 0);
	CHECK_INT_EQ(m.in_channels, 6);
	CHECK_INT_EQ(m.out_channels, 2);
	CHECK(matrix_equals(&m, want));

	/* configurable: centre -6 dB, surrounds 0 dB, LFE in at -10 dB */
	downmix_opts_init(&o);
	o.centre_db = -6.0;
	o.surround_db = 0.0;
	o.lfe_db = -10.0;
	downmix_compute_matrix(&m, PAN_LAYOUT_5_1, PAN_LAYOUT_STEREO, &o);
	CHECK_NEAR(m.gain[PAN_CH_C][0], 0.50118723, EPS);
	CHECK_NEAR(m.gain[PAN_CH_C][1], 0.50118723, EPS);
	CHECK(m.gain[PAN_CH_LS][0] == 1.0f);
	CHECK(m.gain[PAN_CH_LS][1] == 0.0f);
	CHECK_NEAR(m.gain[PAN_CH_LFE][0], 0.31622777, EPS);
	CHECK_NEAR(m.gain[PAN_CH_LFE][1], 0.31622777, EPS);
	/* surrounds off */
	o.surround_db = GAIN_SILENCE_DB;
	downmix_compute_matrix(&m, PAN_LAYOUT_5_1, PAN_LAYOUT_STEREO, &o);
	CHECK(m.gain[PAN_CH_LS][0] == 0.0f && m.gain[PAN_CH_RS][1] == 0.0f);
}

static void
test_centre_only_signal(void)
{
	enum { N = 32 };
	static float ch[6][N], lo[N], ro[N];
	const float *in[6];
	float *out[2] = { lo, ro };
	struct pan_matrix m;
	struct pan_state st;

	for (int c = 0; c < 6; c++) {
		in[c] = ch[c];
		for (int i = 0; i < N; i++)
			ch[c][i] = c == PAN_CH_C ? 1.0f : 0.0f;
	}
	downmix_compute_matrix(&m, PAN_LAYOUT_5_1, PAN_LAYOUT_STEREO, NULL);
	pan_init(&st, &m);
	pan_process(&st, &m, in, out, N);
	CHECK_NEAR(gain_lin_to_db(lo[0]), -3.0103, 1e-4);
	CHECK_NEAR(gain_lin_to_db(ro[N - 1]), -3.0103, 1e-4);
	CHECK(lo[5] == ro[5]);
	/* and the LFE really is dropped */
	for (int i = 0; i < N; i++)
		ch[PAN_CH_LFE][i] = 1.0f;
	memset(lo, 0, sizeof lo);
	pan_process(&st, &m, in, out, N);
	CHECK_NEAR(lo[3], H, EPS);
}

static void
test_7_1_to_5_1_and_stereo(void)
{
	/* rows: L R C LFE Lss Rss Lrs Rrs; columns: L R C LFE Ls Rs */
	static const double want51[8][PAN_MAX_CHANNELS] = {
		{ 1, 0, 0, 0, 0, 0 }, { 0, 1, 0, 0, 0, 0 }, { 0, 0, 1, 0, 0, 0 },
		{ 0, 0, 0, 1, 0, 0 }, { 0, 0, 0, 0, H, 0 }, { 0, 0, 0, 0, 0, H },
		{ 0, 0, 0, 0, H, 0 }, { 0, 0, 0, 0, 0, H },
	};
	/* 7.1 -> 2.0: sides and rears reach Lo/Ro at -3 -3 = -6.02 dB */
	static const double want20[8][PAN_MAX_CHANNELS] = {
		{ 1, 0 }, { 0, 1 }, { H, H }, { 0, 0 },
		{ 0.5, 0 }, { 0, 0.5 }, { 0.5, 0 }, { 0, 0.5 },
	};
	struct pan_matrix m;

	REQUIRE(downmix_compute_matrix(&m, PAN_LAYOUT_7_1, PAN_LAYOUT_5_1,
	    NULL) == 0);
	CHECK_INT_EQ(m.in_channels, 8);
	CHECK_INT_EQ(m.out_channels, 6);
	CHECK(matrix_equals(&m, want51));
	REQUIRE(downmix_compute_matrix(&m, PAN_LAYOUT_7_1, PAN_LAYOUT_STEREO,
	    NULL) == 0);
	CHECK(matrix_equals(&m, want20));
}

static void
test_7_1_2(void)
{
	struct pan_matrix m;

	REQUIRE(downmix_compute_matrix(&m, PAN_LAYOUT_7_1_2, PAN_LAYOUT_7_1,
	    NULL) == 0);
	CHECK_INT_EQ(m.in_channels, 10);
	CHECK_INT_EQ(m.out_channels, 8);
	for (int c = 0; c < 8; c++)
		CHECK(m.gain[c][c] == 1.0f);
	CHECK_NEAR(m.gain[PAN_CH_LTM][PAN_CH_L], H, EPS);
	CHECK_NEAR(m.gain[PAN_CH_LTM][PAN_CH_LSS], H, EPS);
	CHECK_NEAR(m.gain[PAN_CH_RTM][PAN_CH_R], H, EPS);
	CHECK_NEAR(m.gain[PAN_CH_RTM][PAN_CH_RSS], H, EPS);
	CHECK(m.gain[PAN_CH_LTM][PAN_CH_R] == 0.0f);
	CHECK(m.gain[PAN_CH_LTM][PAN_CH_LRS] == 0.0f);
	/* power of a height channel is kept */
	CHECK_NEAR(m.gain[PAN_CH_LTM][PAN_CH_L] * m.gain[PAN_CH_LTM][PAN_CH_L] +
	    m.gain[PAN_CH_LTM][PAN_CH_LSS] * m.gain[PAN_CH_LTM][PAN_CH_LSS], 1.0,
	    1e-6);

	/* composed to stereo: Ltm -> Lo directly via L (H) and via
	 * Lss -> Ls -> Lo (H * H * H) */
	downmix_compute_matrix(&m, PAN_LAYOUT_7_1_2, PAN_LAYOUT_STEREO, NULL);
	CHECK_NEAR(m.gain[PAN_CH_LTM][0], H + H * H * H, EPS);
	CHECK(m.gain[PAN_CH_LTM][1] == 0.0f);
	CHECK_NEAR(m.gain[PAN_CH_RRS][1], 0.5, EPS);
}

static void
test_mono(void)
{
	struct pan_matrix m;

	REQUIRE(downmix_compute_matrix(&m, PAN_LAYOUT_STEREO, PAN_LAYOUT_MONO,
	    NULL) == 0);
	CHECK_INT_EQ(m.out_channels, 1);
	CHECK_NEAR(m.gain[0][0], H, EPS);
	CHECK_NEAR(m.gain[1][0], H, EPS);

	/* 5.1 -> 1.0 is BS.775's M = 0.7071 (L + R) + C + 0.5 (Ls + Rs) */
	downmix_compute_matrix(&m, PAN_LAYOUT_5_1, PAN_LAYOUT_MONO, NULL);
	CHECK_NEAR(m.gain[PAN_CH_L][0], H, EPS);
	CHECK_NEAR(m.gain[PAN_CH_R][0], H, EPS);
	CHECK_NEAR(m.gain[PAN_CH_C][0], 1.0, EPS);
	CHECK(m.gain[PAN_CH_LFE][0] == 0.0f);
	CHECK_NEAR(m.gain[PAN_CH_LS][0], 0.5, EPS);
	CHECK_NEAR(m.gain[PAN_CH_RS][0], 0.5, EPS);

	/* mono -> mono: identity */
	downmix_compute_matrix(&m, PAN_LAYOUT_MONO, PAN_LAYOUT_MONO, NULL);
	CHECK(m.gain[0][0] == 1.0f);
}

static void
test_identity_and_errors(void)
{
	struct pan_matrix m;

	REQUIRE(downmix_compute_matrix(&m, PAN_LAYOUT_7_1_2, PAN_LAYOUT_7_1_2,
	    NULL) == 0);
	int ident = 1;
	for (int i = 0; i < 10; i++)
		for (int o = 0; o < 10; o++)
			if (m.gain[i][o] != (i == o ? 1.0f : 0.0f))
				ident = 0;
	CHECK(ident);

	CHECK_INT_EQ(downmix_compute_matrix(&m, PAN_LAYOUT_STEREO,
	    PAN_LAYOUT_5_1, NULL), DSP_ERR_INVALID);
	CHECK_INT_EQ(m.in_channels, 1);
	CHECK(m.gain[0][0] == 0.0f);
	CHECK_INT_EQ(downmix_compute_matrix(&m, PAN_LAYOUT_COUNT,
	    PAN_LAYOUT_MONO, NULL), DSP_ERR_INVALID);
}

int
main(void)
{
	test_defaults();
	test_5_1_to_stereo();
	test_centre_only_signal();
	test_7_1_to_5_1_and_stereo();
	test_7_1_2();
	test_mono();
	test_identity_and_errors();
	return test_report();
}
