/*
 * downmix.h - fold-down matrices for masters and beds (ITU-R BS.775).
 *
 * Each step, with levels from struct downmix_opts (defaults in brackets;
 * -3.01 dB is 1/sqrt(2) = 0.70710678 exactly as BS.775 writes it):
 *
 *   7.1.2 -> 7.1  the top-middle heights fold into the front and side
 *                 speakers on their own side, at height_db [-3.01 dB] into
 *                 each: L += h*Ltm, Lss += h*Ltm, R += h*Rtm, Rss += h*Rtm.
 *                 Top middle is overhead at about +-90 degrees, between
 *                 the front and the side; two -3 dB feeds keep its power.
 *                 The other eight channels pass unchanged.
 *
 *   7.1 -> 5.1    L R C LFE unchanged; each surround is the sum of the side
 *                 and rear surround on its side at side_rear_db [-3.01 dB]:
 *                 Ls = k*Lss + k*Lrs, Rs = k*Rss + k*Rrs. At -3 dB the
 *                 power of uncorrelated side and rear content is kept, and
 *                 a source panned constant-power between side and rear
 *                 comes out between -3.01 dB and 0 dB (never above).
 *                 (BS.775 covers 3/2 -> fewer channels; this step is the
 *                 usual 3/4 -> 3/2 fold for BS.2051 system I. Some
 *                 monitor controllers sum at 0 dB instead: set
 *                 side_rear_db to 0.)
 *
 *   5.1 -> 2.0    BS.775's 3/2 -> 2/0 downmix (Lo/Ro):
 *                 Lo = L + c*C + s*Ls (+ lfe*LFE)
 *                 Ro = R + c*C + s*Rs (+ lfe*LFE)
 *                 c = centre_db [-3.01 dB], s = surround_db [-3.01 dB],
 *                 LFE dropped by default (lfe_db [off]). A 5.1 signal with
 *                 only C gives L = R = -3.01 dB (constant power).
 *
 *   2.0 -> 1.0    M = m*L + m*R, m = mono_db [-3.01 dB]: a mono source
 *                 panned centre by the -3 dB pan law comes back at unity;
 *                 composed with 5.1 -> 2.0 it gives BS.775's 3/2 -> 1/0,
 *                 M = 0.7071 (L + R) + C + 0.5 (Ls + Rs).
 *
 * 7.1 -> 2.0, 7.1.2 -> 5.1 and so on are the products of the steps. The
 * fold is not normalised: a full-scale fold-down can exceed 0 dBFS (BS.775
 * leaves headroom to the user); the bounce's true-peak limiter handles it.
 */
#ifndef DUBSTAGE_DSP_DOWNMIX_H
#define DUBSTAGE_DSP_DOWNMIX_H

#include "dsp/pan.h"

/* 20 log10(1/sqrt 2): the -3 dB of BS.775, exactly 0.70710678 linear. */
#define DOWNMIX_MINUS_3DB (-3.0102999566398120)

/* Fold-down levels, dB; GAIN_SILENCE_DB (-144) or below is off. */
struct downmix_opts {
	double centre_db;      /* C into Lo and Ro (5.1 -> 2.0) */
	double surround_db;    /* Ls into Lo, Rs into Ro (5.1 -> 2.0) */
	double lfe_db;         /* LFE into Lo and Ro (5.1 -> 2.0); off by default */
	double side_rear_db;   /* Lss and Lrs into Ls, likewise right (7.1 -> 5.1) */
	double height_db;      /* Ltm into L and Lss, likewise right (7.1.2 -> 7.1) */
	double mono_db;        /* L and R into M (2.0 -> 1.0) */
};

/* The defaults above: every level DOWNMIX_MINUS_3DB, LFE off. Pure. */
void downmix_opts_init(struct downmix_opts *o);

/*
 * Fills m with the fold-down from src to a smaller or equal layout dst
 * (equal: the identity), with options o (NULL: defaults). Mono is the
 * smallest layout; a 7.1.2 bed folds to 7.1, 5.1, stereo or mono. Returns
 * 0, or DSP_ERR_INVALID when dst has more channels than src or a layout is
 * invalid (m is then the 1x1 zero matrix). Bounded time, no allocation:
 * RT-safe. m is for pan_process.
 */
int downmix_compute_matrix(struct pan_matrix *m, enum pan_layout src,
    enum pan_layout dst, const struct downmix_opts *o);

#endif
