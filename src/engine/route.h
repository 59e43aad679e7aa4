/*
 * route.h - the gain matrices that connect strips: a strip's panner into its
 * output or send destination, and the fold-down of a master or stem into a
 * smaller delivery format. Thin adapters from the session's types to the
 * dsp/pan and dsp/downmix kernels (whose layouts share chan_format's order).
 * RT-safe (bounded, no allocation): the engine recomputes matrices from pan
 * automation while rendering.
 */
#ifndef DUBSTAGE_ENGINE_ROUTE_H
#define DUBSTAGE_ENGINE_ROUTE_H

#include <stdbool.h>

#include "engine/plan.h"

/* m[in][out] for a strip of format `from` panned with `pan` into a
 * destination of format `to`. RT-safe. */
void route_matrix(enum chan_format from, enum chan_format to,
    const struct pan *pan, float m[PLAN_MAX_CHANNELS][PLAN_MAX_CHANNELS]);

/* m[in][out] folding `from` down to `to` (ITU-R BS.775): centre and
 * surrounds at the given levels, the LFE dropped unless lfe (then -3 dB). */
void fold_matrix(enum chan_format from, enum chan_format to, double centre_db,
    double surround_db, bool lfe,
    float m[PLAN_MAX_CHANNELS][PLAN_MAX_CHANNELS]);

#endif
