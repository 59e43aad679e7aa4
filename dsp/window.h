/*
 * window.h - window functions shared by the kernels' filter designs.
 * Pure; used on the control side (designs), not per sample.
 */
#ifndef DUBSTAGE_DSP_WINDOW_H
#define DUBSTAGE_DSP_WINDOW_H

/* The modified Bessel function of the first kind, order 0 (the Kaiser
 * window's kernel), by its power series to double precision. */
double window_bessel_i0(double x);

#endif
