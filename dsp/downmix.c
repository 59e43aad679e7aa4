/*
 * downmix.c - fold-down matrices: one step per layout (7.1.2 -> 7.1 ->
 * 5.1 -> 2.0 -> 1.0), composed in double and rounded to float once.
 */
#include "dsp/downmix.h"

#include <string.h>

#include "dsp/gain.h"

struct dmat {
	int in, out;
	double g[PAN_MAX_CHANNELS][PAN_MAX_CHANNELS];   /* [in][out], linear */
};

void
downmix_opts_init(struct downmix_opts *o)
{
	o->centre_db = DOWNMIX_MINUS_3DB;
	o->surround_db = DOWNMIX_MINUS_3DB;
	o->lfe_db = GAIN_SILENCE_DB;
	o->side_rear_db = DOWNMIX_MINUS_3DB;
	o->height_db = DOWNMIX_MINUS_3DB;
	o->mono_db = DOWNMIX_MINUS_3DB;
}

/* The step from layout l to layout l - 1 (l > PAN_LAYOUT_MONO). */
static void
step_matrix(struct dmat *s, enum pan_layout l, const struct downmix_opts *o)
{
	memset(s, 0, sizeof *s);
	s->in = pan_layout_channels(l);
	s->out = pan_layout_channels((enum pan_layout)(l - 1));
	switch (l) {
	case PAN_LAYOUT_7_1_2: {
		double h = gain_db_to_lin(o->height_db);

		for (int c = 0; c < 8; c++)
			s->g[c][c] = 1.0;
		s->g[PAN_CH_LTM][PAN_CH_L] = h;
		s->g[PAN_CH_LTM][PAN_CH_LSS] = h;
		s->g[PAN_CH_RTM][PAN_CH_R] = h;
		s->g[PAN_CH_RTM][PAN_CH_RSS] = h;
		break;
	}
	case PAN_LAYOUT_7_1: {
		double k = gain_db_to_lin(o->side_rear_db);

		for (int c = 0; c < 4; c++)
			s->g[c][c] = 1.0;
		s->g[PAN_CH_LSS][PAN_CH_LS] = k;
		s->g[PAN_CH_LRS][PAN_CH_LS] = k;
		s->g[PAN_CH_RSS][PAN_CH_RS] = k;
		s->g[PAN_CH_RRS][PAN_CH_RS] = k;
		break;
	}
	case PAN_LAYOUT_5_1: {
		double c = gain_db_to_lin(o->centre_db);
		double sur = gain_db_to_lin(o->surround_db);
		double lfe = gain_db_to_lin(o->lfe_db);

		s->g[PAN_CH_L][PAN_CH_L] = 1.0;
		s->g[PAN_CH_R][PAN_CH_R] = 1.0;
		s->g[PAN_CH_C][PAN_CH_L] = c;
		s->g[PAN_CH_C][PAN_CH_R] = c;
		s->g[PAN_CH_LFE][PAN_CH_L] = lfe;
		s->g[PAN_CH_LFE][PAN_CH_R] = lfe;
		s->g[PAN_CH_LS][PAN_CH_L] = sur;
		s->g[PAN_CH_RS][PAN_CH_R] = sur;
		break;
	}
	case PAN_LAYOUT_STEREO: {
		double m = gain_db_to_lin(o->mono_db);

		s->g[PAN_CH_L][0] = m;
		s->g[PAN_CH_R][0] = m;
		break;
	}
	case PAN_LAYOUT_MONO:
	default:
		break;
	}
}

/* a = a followed by b (a->out == b->in). */
static void
compose(struct dmat *a, const struct dmat *b)
{
	struct dmat r;

	memset(&r, 0, sizeof r);
	r.in = a->in;
	r.out = b->out;
	for (int i = 0; i < a->in; i++)
		for (int o = 0; o < b->out; o++) {
			double sum = 0.0;

			for (int k = 0; k < a->out; k++)
				sum += a->g[i][k] * b->g[k][o];
			r.g[i][o] = sum;
		}
	*a = r;
}

int
downmix_compute_matrix(struct pan_matrix *m, enum pan_layout src,
    enum pan_layout dst, const struct downmix_opts *o)
{
	struct downmix_opts defaults;
	struct dmat acc, step;
	int n;

	memset(m, 0, sizeof *m);
	m->in_channels = 1;
	m->out_channels = 1;
	if (pan_layout_channels(src) == 0 || pan_layout_channels(dst) == 0 ||
	    dst > src)
		return DSP_ERR_INVALID;
	if (o == NULL) {
		downmix_opts_init(&defaults);
		o = &defaults;
	}
	n = pan_layout_channels(src);
	memset(&acc, 0, sizeof acc);
	acc.in = acc.out = n;
	for (int c = 0; c < n; c++)
		acc.g[c][c] = 1.0;
	for (int l = src; l > (int)dst; l--) {
		step_matrix(&step, (enum pan_layout)l, o);
		compose(&acc, &step);
	}
	m->in_channels = acc.in;
	m->out_channels = acc.out;
	for (int i = 0; i < acc.in; i++)
		for (int c = 0; c < acc.out; c++)
			m->gain[i][c] = (float)acc.g[i][c];
	return 0;
}
