/*
 * pan.h - panners as gain matrices, and the de-zippered matrix mixer.
 *
 * Everything that routes channels of one layout onto channels of another
 * (a mono or stereo track's panner, a 5.1 bed into a 7.1 bus, a 7.1 master
 * folded down to stereo by downmix.h) is a struct pan_matrix: a gain per
 * (input channel, output channel). pan_process mixes a block through one,
 * ramping every gain linearly from the matrix of the previous block so pan
 * automation and fold-down changes do not zipper.
 *
 * Layouts (the project's channel orders, same order as the session model's
 * enum chan_format so the engine may cast):
 *   mono    M
 *   stereo  L R
 *   5.1     L R C LFE Ls Rs
 *   7.1     L R C LFE Lss Rss Lrs Rrs
 *   7.1.2   L R C LFE Lss Rss Lrs Rrs Ltm Rtm   (Ltm/Rtm: top middle)
 *
 * Position. x in [-1 (left), +1 (right)], y in [-1 (rear), +1 (front)]: a
 * point in a square room seen from above, the listener in the middle.
 * Values outside are clamped.
 *
 * Mono -> mono: gain 1 (position ignored).
 *
 * Mono -> stereo: constant-power sine/cosine law on x only,
 *   theta = (x + 1) * pi/4,  gL = cos(theta),  gR = sin(theta):
 * centre 0.7071 each (-3.01 dB), hard left (1, 0), hard right (0, 1),
 * gL^2 + gR^2 = 1 everywhere.
 *
 * Mono -> 5.1 / 7.1 / 7.1.2: pairwise constant-power panning on the ring of
 * ear-level speakers, VBAP 2D style (Pulkki 1997): between the two speakers
 * either side of the source azimuth a, at azimuths a1 < a < a2,
 *   g1 = sin(a2 - a) / sin(a2 - a1),  g2 = sin(a - a1) / sin(a2 - a1)
 * (the tangent law), normalised so g1^2 + g2^2 = 1; other speakers get 0.
 * Speaker azimuths (degrees, 0 = front, positive = right):
 *   5.1   C 0, L/R -+30, Ls/Rs -+110           ITU-R BS.775 / BS.2051
 *                                               system B (0+5+0)
 *   7.1   C 0, L/R -+30, Lss/Rss -+90,          ITU-R BS.2051 system I
 *         Lrs/Rrs -+135                         (0+7+0)
 *   7.1.2 as 7.1 on the ring. The top-middle pair is above the listener and
 *         this panner has no height parameter: mono and stereo sources feed
 *         the heights nothing (objects with a height are rendered elsewhere).
 * The LFE channel is not on the ring.
 *
 * (x, y) -> azimuth. The square's own angle phi = atan2(x, y) (0 front,
 * +90 right, +-180 rear) is warped piecewise-linearly so the square's
 * landmarks land on the layout's speakers:
 *   phi    0    45    90    135    180
 *   5.1    0    30    70    110    180     (front corner = L/R,
 *                                           rear corner = Ls/Rs)
 *   7.1    0    30    90    135    180     (front corner = L/R,
 *                                           side middle = Lss/Rss,
 *                                           rear corner = Lrs/Rrs)
 * (negative phi mirrored). So C is at (0, 1), R at (1, 1), Rs (5.1) and
 * Rrs (7.1) at (1, -1), Rss (7.1) at (1, 0), and (0, -1) is behind the
 * listener, half in each rear speaker.
 *
 * Distance and divergence. r = max(|x|, |y|): 1 on the walls, 0 in the
 * middle of the room. The spread is s = 1 - (1 - divergence) * r: a source
 * on a wall with divergence 0 is a point source (the VBAP pair); divergence
 * 1, or a source in the very middle of the room (where it has no
 * direction), plays equally from all N ring speakers, 1/sqrt(N) each. In
 * between the two are blended in power:
 *   g = sqrt((1 - s) * g_point^2 + s / N)
 * so the sum of squares over the speakers stays exactly 1 for every x, y
 * and divergence. For a stereo destination s = divergence (no distance: y
 * is ignored) and the spread gains are 0.7071 each.
 *
 * LFE send: an input channel also feeds LFE at lfe_db (linear
 * gain_db_to_lin(lfe_db); <= GAIN_SILENCE_DB is off). It is outside the
 * constant-power sum. Destinations without LFE ignore it.
 *
 * Stereo sources. Stereo -> stereo is a balance control, not a panner:
 * x = 0 is the identity; for x > 0 the left input is attenuated by
 * cos(x * pi/2) and the right passes at unity (x < 0 mirrored), so the
 * attenuated side is at -3.01 dB at |x| = 0.5 and silent at |x| = 1, and
 * channels never cross. Stereo -> mono is the downmix (downmix.h).
 * Stereo -> surround pans the two inputs as two mono sources at
 * (x - width, y) and (x + width, y) (x clamped afterwards) with the same
 * divergence and LFE send each: at x = 0, y = 1, width 1 the left input is
 * exactly in L and the right in R. The session has no width parameter; the
 * engine passes 1.
 *
 * Multichannel sources (5.1, 7.1, 7.1.2) are beds: position, divergence and
 * LFE send are ignored. The same layout is the identity; a smaller
 * destination gets the fold-down of downmix.h; a larger one maps channels
 * through: 5.1 -> 7.1 sends Ls/Rs to the side surrounds Lss/Rss (Dolby's
 * 5.1-in-7.1 convention), and 7.1 -> 7.1.2 leaves the heights silent.
 */
#ifndef DUBSTAGE_DSP_PAN_H
#define DUBSTAGE_DSP_PAN_H

#include "dsp/dsp.h"

/* The most channels of any layout (7.1.2). */
#define PAN_MAX_CHANNELS 10


/* Same order as enum chan_format in src/session/session.h. */
enum pan_layout {
	PAN_LAYOUT_MONO,
	PAN_LAYOUT_STEREO,
	PAN_LAYOUT_5_1,
	PAN_LAYOUT_7_1,
	PAN_LAYOUT_7_1_2,
	PAN_LAYOUT_COUNT
};

/* Channel indexes within the layouts (stereo uses L R; 5.1 uses up to
 * Rs; 7.1 uses Lss..Rrs; 7.1.2 adds Ltm Rtm). */
enum {
	PAN_CH_L = 0,
	PAN_CH_R = 1,
	PAN_CH_C = 2,
	PAN_CH_LFE = 3,
	PAN_CH_LS = 4,     /* 5.1 */
	PAN_CH_RS = 5,     /* 5.1 */
	PAN_CH_LSS = 4,    /* 7.1, 7.1.2 */
	PAN_CH_RSS = 5,
	PAN_CH_LRS = 6,
	PAN_CH_RRS = 7,
	PAN_CH_LTM = 8,    /* 7.1.2 */
	PAN_CH_RTM = 9
};

/* Channels of layout l (1, 2, 6, 8, 10), or 0 for an invalid layout. Pure. */
int pan_layout_channels(enum pan_layout l);

/* A routing matrix: gain[i][o] is the linear gain from input channel i to
 * output channel o. Entries beyond in_channels x out_channels are 0. */
struct pan_matrix {
	int in_channels;                                    /* 1 .. PAN_MAX_CHANNELS */
	int out_channels;                                   /* 1 .. PAN_MAX_CHANNELS */
	float gain[PAN_MAX_CHANNELS][PAN_MAX_CHANNELS];     /* [in][out], linear */
};

/* Panner parameters (see the model above). */
struct pan_params {
	double x;            /* -1 left .. +1 right */
	double y;            /* -1 rear .. +1 front */
	double divergence;   /* 0 point source .. 1 all ring speakers equally */
	double lfe_db;       /* LFE send, dB; <= GAIN_SILENCE_DB (-144) is off */
	double width;        /* stereo sources into surround: 0 .. 1 (x units
	                        each side of x) */
};

/* Front centre (x 0, y 1), divergence 0, LFE off, width 1. Pure. */
void pan_params_init(struct pan_params *p);

struct downmix_opts;

/*
 * Fills m with the matrix from layout src to layout dst for parameters p
 * (NULL: pan_params_init defaults), using downmix options dm (NULL:
 * downmix_opts_init defaults) when a bed is folded down. Returns 0, or
 * DSP_ERR_INVALID for an invalid layout (m is then the zero matrix 1x1).
 * Bounded time, no allocation: RT-safe (the engine may recompute it per
 * block from pan automation).
 */
int pan_compute_matrix(struct pan_matrix *m, enum pan_layout src,
    enum pan_layout dst, const struct pan_params *p,
    const struct downmix_opts *dm);

/* Fills m with the identity in x out (gain 1 on the diagonal). channels
 * are clamped to 1 .. PAN_MAX_CHANNELS. RT-safe. */
void pan_matrix_identity(struct pan_matrix *m, int in_channels,
    int out_channels);

/* The de-zippering mixer: caller-allocated, fields private. */
struct pan_state {
	struct pan_matrix cur;   /* the matrix the last block ended on */
};

/* Starts at m (copied) with no ramp. RT-safe. */
void pan_init(struct pan_state *st, const struct pan_matrix *m);

/* Jumps to m (copied) with no ramp, e.g. after a locate. RT-safe. */
void pan_reset(struct pan_state *st, const struct pan_matrix *m);

/*
 * Mixes in[0 .. target->in_channels-1] into out[0 .. target->out_channels-1]
 * over frames frames: out[o][t] += sum_i g_io(t) * in[i][t], where g_io
 * ramps linearly (ramp.h: g0 + (g1 - g0) * t / frames) from the gain of
 * the previous block's matrix to target's, which becomes the current
 * matrix. An unchanged gain is applied as a constant and a gain that is 0
 * on both ends is skipped. If target's shape differs from the current one
 * the mixer jumps to target without a ramp. Buffers are borrowed, at least
 * frames floats each, and no input may alias an output. The caller clears
 * out first if it wants a plain product. RT-safe.
 */
void pan_process(struct pan_state *st, const struct pan_matrix *target,
    const float *const *in, float *const *out, int frames);

#endif
