/*
 * aaf_frames.c - edit units to sample frames, exactly.
 *
 * AAF positions are integers at rational edit rates (30000/1001, 24/1,
 * 48000/1...). A frame position is floor(seconds x rate), computed in
 * 128-bit integers from the exact rational: the composition's timecode
 * start (at the timecode rate) plus the position (at the track's rate),
 * so 23.976 and 29.97 timelines land on the same frames as a sum of
 * seconds would, with no float anywhere. Lengths are differences of
 * positions, so clips that touch in the file touch in frames.
 */
#include <limits.h>
#include <stdlib.h>

#include "interchange/aaf_internal.h"

#ifndef __SIZEOF_INT128__
#error "the AAF reader needs a 128-bit integer type"
#endif

typedef __int128 i128;

static i128
floordiv(i128 a, i128 b)
{
	i128 q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static int
fit(i128 v, int64_t *out)
{
	if (v > INT64_MAX || v < INT64_MIN)
		return ERR_INVALID;
	*out = (int64_t)v;
	return 0;
}

int
aaf_rescale(int64_t v, int64_t num, int64_t den, int64_t *out)
{
	if (den == 0)
		return ERR_INVALID;
	return fit(floordiv((i128)v * num, den), out);
}

static bool
rate_ok(struct aaf_rational r)
{
	return r.num > 0 && r.den > 0;
}

int
aaf_eu_to_frames(int64_t eu, struct aaf_rational rate, int rate_hz,
    int64_t *out)
{
	if (!rate_ok(rate) || rate_hz <= 0)
		return ERR_INVALID;
	return fit(floordiv((i128)eu * rate.den * rate_hz, rate.num), out);
}

int
aaf_eu_convert(int64_t eu, struct aaf_rational from, struct aaf_rational to,
    int64_t *out)
{
	if (!rate_ok(from) || !rate_ok(to))
		return ERR_INVALID;
	return fit(floordiv((i128)eu * from.den * to.num,
	    (i128)from.num * to.den), out);
}

/* The frame of position eu (at rate) counted from 00:00:00:00: the
 * composition's timecode start plus eu, as one exact sum. */
static int64_t
abs_frames(const struct aaf_timeline *t, struct aaf_rational rate, int64_t eu)
{
	struct aaf_rational tc = t->tc_rate;
	i128 num, den;
	int64_t out = 0;

	if (!rate_ok(rate))
		return t->start_frames;
	if (!rate_ok(tc) || t->tc_start_eu == 0) {
		if (aaf_eu_to_frames(eu, rate, t->sample_rate_hz, &out) != 0)
			return 0;
		return t->start_frames + out;
	}
	/* tc_start x tc.den / tc.num + eu x rate.den / rate.num, in seconds */
	num = (i128)t->tc_start_eu * tc.den * rate.num +
	    (i128)eu * rate.den * tc.num;
	den = (i128)tc.num * rate.num;
	if (fit(floordiv(num * t->sample_rate_hz, den), &out) != 0)
		return 0;
	return out;
}

static int64_t
span_frames(int64_t eu, struct aaf_rational rate, int hz)
{
	int64_t out = 0;

	if (aaf_eu_to_frames(eu, rate, hz, &out) != 0)
		return 0;
	return out;
}

static void
fill_points(struct aaf_automation *a, int64_t length_frames)
{
	for (size_t i = 0; i < a->count; i++) {
		struct aaf_point *p = &a->points[i];
		int64_t off = 0;

		if (p->time.den != 0 &&
		    aaf_rescale(length_frames, p->time.num, p->time.den, &off) == 0)
			p->offset_frames = off;
	}
}

/* The most used sample rate (and size) of the audio essences: ties go to
 * the one found last, as the reference reader lists them first. */
static void
dominant_rate(struct aaf_timeline *t)
{
	size_t best = 0;

	t->sample_rate_hz = 0;
	t->bits = 0;
	for (size_t i = 0; i < t->nessences; i++) {
		const struct aaf_essence *e = &t->essences[i];
		size_t count = 0;

		if (e->sample_rate_hz <= 0)
			continue;
		for (size_t k = 0; k < t->nessences; k++)
			if (t->essences[k].sample_rate_hz == e->sample_rate_hz &&
			    t->essences[k].bits == e->bits)
				count++;
		if (count >= best) {
			best = count;
			t->sample_rate_hz = e->sample_rate_hz;
			t->bits = e->bits;
		}
	}
}

static void
fill_clip(struct aaf_timeline *t, const struct aaf_track *tr,
    struct aaf_clip *c)
{
	int hz = t->sample_rate_hz;
	int64_t end;

	c->position_frames = abs_frames(t, tr->edit_rate, c->position_eu);
	end = abs_frames(t, tr->edit_rate, c->position_eu + c->length_eu);
	c->length_frames = end - c->position_frames;
	c->source_offset_frames = span_frames(c->source_offset_eu, tr->edit_rate, hz);
	c->fade_in_frames = span_frames(c->fade_in_eu, tr->edit_rate, hz);
	c->fade_out_frames = span_frames(c->fade_out_eu, tr->edit_rate, hz);
	fill_points(&c->gain_auto, c->length_frames);

	/* does the clip ask for more than its media holds? */
	for (size_t k = 0; k < c->nchans; k++) {
		const struct aaf_essence *e;
		int64_t need;

		if (c->chans[k].essence >= t->nessences)
			continue;
		e = &t->essences[c->chans[k].essence];
		if (e->length_frames <= 0 || e->sample_rate_hz <= 0)
			continue;
		if (aaf_eu_to_frames(c->source_offset_eu + c->length_eu,
		    tr->edit_rate, e->sample_rate_hz, &need) == 0 &&
		    need > e->length_frames)
			c->beyond_source = true;
	}
}

int
aaf_frames_fill(struct aaf_timeline *t, const struct aaf_options *opt,
    int64_t video_eu, struct aaf_rational video_rate)
{
	int64_t longest = 0;

	dominant_rate(t);
	if (opt != NULL && opt->sample_rate_hz > 0)
		t->sample_rate_hz = opt->sample_rate_hz;
	if (t->sample_rate_hz <= 0)
		t->sample_rate_hz = 48000;
	t->start_frames = 0;
	if (rate_ok(t->tc_rate) &&
	    aaf_eu_to_frames(t->tc_start_eu, t->tc_rate, t->sample_rate_hz,
	    &t->start_frames) != 0)
		t->start_frames = 0;

	for (size_t i = 0; i < t->ntracks; i++) {
		struct aaf_track *tr = &t->tracks[i];
		int64_t len = span_frames(tr->end_eu, tr->edit_rate, t->sample_rate_hz);

		if (len > longest)
			longest = len;
		for (size_t k = 0; k < tr->nclips; k++)
			fill_clip(t, tr, &tr->clips[k]);
		for (size_t k = 0; k < tr->nxfades; k++) {
			struct aaf_xfade *x = &tr->xfades[k];
			int64_t at = 0, end;

			if (x->before + 1 < tr->nclips)
				at = tr->clips[x->before + 1].position_eu;
			x->position_frames = abs_frames(t, tr->edit_rate, at);
			end = abs_frames(t, tr->edit_rate, at + x->length_eu);
			x->length_frames = end - x->position_frames;
			x->cut_frames = span_frames(x->cut_eu, tr->edit_rate,
			    t->sample_rate_hz);
		}
		fill_points(&tr->volume_auto, len);
		fill_points(&tr->pan_auto, len);
	}
	for (size_t i = 0; i < t->nmarkers; i++) {
		struct aaf_marker *m = &t->markers[i];

		m->position_frames = abs_frames(t, m->edit_rate, m->position_eu);
		m->length_frames = abs_frames(t, m->edit_rate,
		    m->position_eu + m->length_eu) - m->position_frames;
	}
	if (rate_ok(video_rate)) {
		int64_t v = span_frames(video_eu, video_rate, t->sample_rate_hz);

		if (v > longest)
			longest = v;
	}
	t->end_frames = t->start_frames + longest;
	return 0;
}
