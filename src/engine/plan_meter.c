/*
 * plan_meter.c - reading a plan's meters by strip index (the live engine
 * copies them into its snapshot every period) or by id.
 */
#include "engine/plan_internal.h"

int
plan_strip_meter(const struct plan *p, int strip, float *peak, float *rms,
    int max_channels)
{
	const struct pl_strip *ps;
	int n;

	if (strip < 0 || (size_t)strip >= p->strip_count)
		return 0;
	ps = &p->strips[strip];
	n = ps->channels < max_channels ? ps->channels : max_channels;
	for (int c = 0; c < n; c++) {
		peak[c] = (float)meter_get_peak_lin(&ps->meter, c);
		rms[c] = (float)meter_get_rms_lin(&ps->meter, c);
	}
	return n;
}

int
plan_meter(const struct plan *p, struct id id, float *peak, float *rms,
    int max_channels)
{
	return plan_strip_meter(p, plan_strip_index(p, id), peak, rms,
	    max_channels);
}
