/*
 * lane.c - automation lanes on the render thread: evaluation with a
 * forward-moving cursor, so a block costs O(points crossed), not a search.
 * Interpolation matches auto_lane_value_at() in the session model exactly
 * (linear between points, or held for INTERP_STEP), so the engine renders
 * what the model says.
 */
#include "engine/plan_internal.h"

void
pl_lane_seek(struct pl_lane *l, int64_t frame)
{
	size_t lo = 0, hi = l->count;

	/* first point with frame > `frame` */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->points[mid].frame <= frame)
			lo = mid + 1;
		else
			hi = mid;
	}
	l->cursor = lo;
}

double
pl_lane_eval(struct pl_lane *l, int64_t frame)
{
	const struct auto_point *p = l->points;
	size_t c = l->cursor;

	if (l->count == 0)
		return 0.0;
	if (c > 0 && p[c - 1].frame > frame) {
		pl_lane_seek(l, frame);     /* went backwards: rare, after a locate */
		c = l->cursor;
	}
	while (c < l->count && p[c].frame <= frame)
		c++;
	l->cursor = c;
	if (c == 0)
		return p[0].value;
	if (c == l->count || p[c - 1].interp == INTERP_STEP)
		return p[c - 1].value;
	return p[c - 1].value + (p[c].value - p[c - 1].value) *
	    (double)(frame - p[c - 1].frame) /
	    (double)(p[c].frame - p[c - 1].frame);
}

int64_t
pl_lane_next_point(const struct pl_lane *l, int64_t frame)
{
	size_t c = l->cursor;

	if (c > 0 && l->points[c - 1].frame > frame)
		c = 0;
	while (c < l->count && l->points[c].frame <= frame)
		c++;
	return c < l->count ? l->points[c].frame : INT64_MAX;
}

double
pl_lane_eval_left(struct pl_lane *l, int64_t frame)
{
	double v = pl_lane_eval(l, frame - 1);
	size_t c = l->cursor;   /* first point after frame - 1 */

	/* continuous unless a held (step) value ends exactly here */
	if (c > 0 && c < l->count && l->points[c - 1].interp == INTERP_STEP)
		return v;
	return pl_lane_eval(l, frame);
}
