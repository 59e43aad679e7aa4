/*
 * aaf_dump.c - a plain-text listing of what the AAF reader found, for
 * `dubstage import --dump FILE.aaf` and bug reports: the composition,
 * each track with its clips, fades and crossfades, gains and pans, the
 * media with their locators, markers, and what was repaired or skipped.
 * Positions are printed as frames from 00:00:00:00 and as timecode.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "interchange/aaf.h"

static double
ratio(struct aaf_rational r)
{
	return r.den ? (double)r.num / r.den : 0.0;
}

static void
put_db(FILE *out, struct aaf_rational r)
{
	double v = ratio(r);

	if (v <= 0)
		fprintf(out, "-inf dB");
	else
		fprintf(out, "%+.1f dB", 20 * log10(v));
}

/* frames -> hh:mm:ss:ff at the composition's timecode rate, to the
 * nearest timecode frame (drop-frame counted and shown with ';'). */
static void
put_tc(FILE *out, const struct aaf_timeline *t, int64_t frames)
{
	unsigned fps = t->tc_fps ? t->tc_fps : 25;
	int64_t f, s;

	if (t->sample_rate_hz <= 0 || t->tc_rate.num <= 0 || t->tc_rate.den <= 0) {
		fprintf(out, "--:--:--:--");
		return;
	}
	/* frames of timecode: frames x tc_rate / sample rate */
	f = llroundl((long double)frames * t->tc_rate.num /
	    ((long double)t->tc_rate.den * t->sample_rate_hz));
	if (t->tc_drop && fps % 30 == 0) {
		int64_t drop = fps / 15, per10 = (int64_t)fps * 600 - drop * 9;
		int64_t d = f / per10, m = f % per10;

		f += drop * 9 * d + (m > drop ? drop * ((m - drop) /
		    ((int64_t)fps * 60 - drop)) : 0);
	}
	s = f / fps;
	fprintf(out, "%02" PRId64 ":%02" PRId64 ":%02" PRId64 "%c%02" PRId64,
	    s / 3600, s / 60 % 60, s % 60, t->tc_drop ? ';' : ':', f % fps);
}

static void
put_str(FILE *out, const char *label, const char *s)
{
	if (s != NULL)
		fprintf(out, "%s\"%s\"", label, s);
}

static void
put_tags(FILE *out, const char *indent, const struct aaf_tag *tags, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%s = \"%s\"\n", indent, tags[i].name, tags[i].text);
}

static void
put_points(FILE *out, const char *what, const struct aaf_automation *a,
    bool db)
{
	if (a->count == 0)
		return;
	fprintf(out, "      %s (%s, %zu points):\n", what,
	    aaf_curve_name(a->interp), a->count);
	for (size_t i = 0; i < a->count; i++) {
		const struct aaf_point *p = &a->points[i];

		fprintf(out, "        at %.6f (+%" PRId64 ")  %.6f", ratio(p->time),
		    p->offset_frames, ratio(p->value));
		if (db) {
			fprintf(out, "  ");
			put_db(out, p->value);
		}
		fputc('\n', out);
	}
}

static void
put_clip(FILE *out, const struct aaf_timeline *t, size_t k,
    const struct aaf_clip *c)
{
	fprintf(out, "    C%zu  ", k + 1);
	put_tc(out, t, c->position_frames);
	fprintf(out, "  at %" PRId64 " len %" PRId64 " end %" PRId64 " src %" PRId64
	    "  %d ch", c->position_frames, c->length_frames,
	    c->position_frames + c->length_frames, c->source_offset_frames,
	    c->channels);
	if (c->has_gain) {
		fprintf(out, "  gain ");
		put_db(out, c->gain);
	}
	if (c->fade_in_frames)
		fprintf(out, "  fade-in %s %" PRId64, aaf_curve_name(c->fade_in_curve),
		    c->fade_in_frames);
	if (c->fade_out_frames)
		fprintf(out, "  fade-out %s %" PRId64,
		    aaf_curve_name(c->fade_out_curve), c->fade_out_frames);
	if (c->mute)
		fprintf(out, "  MUTED");
	if (c->beyond_source)
		fprintf(out, "  BEYOND-MEDIA");
	put_str(out, "  name ", c->name);
	fputc('\n', out);
	if (c->nchans == 0)
		fprintf(out, "      (no media: offline)\n");
	for (size_t i = 0; i < c->nchans; i++) {
		const struct aaf_channel *ch = &c->chans[i];
		const char *name = ch->essence < t->nessences ?
		    t->essences[ch->essence].unique_name : "?";

		if (ch->channel)
			fprintf(out, "      E%zu \"%s\" channel %d\n", ch->essence + 1,
			    name, ch->channel);
		else
			fprintf(out, "      E%zu \"%s\" all channels\n",
			    ch->essence + 1, name);
	}
	put_points(out, "gain envelope", &c->gain_auto, true);
	put_tags(out, "      ", c->tags, c->ntags);
}

static void
put_track(FILE *out, const struct aaf_timeline *t, const struct aaf_track *tr)
{
	size_t x = 0;

	fprintf(out, "  T%u  %s  rate %d/%d", tr->number,
	    aaf_format_name(tr->format), tr->edit_rate.num, tr->edit_rate.den);
	put_str(out, "  ", tr->name);
	if (tr->mute)
		fprintf(out, "  MUTE");
	if (tr->solo)
		fprintf(out, "  SOLO");
	if (tr->has_volume) {
		fprintf(out, "  volume ");
		put_db(out, tr->volume);
	}
	if (tr->has_pan)
		fprintf(out, "  pan %.2f", ratio(tr->pan));
	fprintf(out, "  %zu clips\n", tr->nclips);
	put_points(out, "volume automation", &tr->volume_auto, true);
	put_points(out, "pan automation", &tr->pan_auto, false);
	for (size_t k = 0; k < tr->nclips; k++) {
		put_clip(out, t, k, &tr->clips[k]);
		for (; x < tr->nxfades && tr->xfades[x].before <= k; x++) {
			const struct aaf_xfade *xf = &tr->xfades[x];

			fprintf(out, "    X   crossfade C%zu/C%zu  %s  at %" PRId64
			    " len %" PRId64 " cut %" PRId64 "\n", xf->before + 1,
			    xf->before + 2, aaf_curve_name(xf->curve),
			    xf->position_frames, xf->length_frames, xf->cut_frames);
		}
	}
}

static const char *
kind_name(enum aaf_essence_kind k)
{
	switch (k) {
	case AAF_ESSENCE_PCM: return "PCM";
	case AAF_ESSENCE_WAVE: return "WAVE";
	case AAF_ESSENCE_AIFC: return "AIFC";
	case AAF_ESSENCE_UNKNOWN: break;
	}
	return "unknown";
}

void
aaf_dump(const struct aaf_timeline *t, FILE *out)
{
	fprintf(out, "AAF composition");
	put_str(out, " ", t->name);
	fputc('\n', out);
	if (t->product || t->company) {
		fprintf(out, "  exported by");
		put_str(out, " ", t->company);
		put_str(out, " ", t->product);
		put_str(out, " version ", t->version);
		fputc('\n', out);
	}
	fprintf(out, "  %d Hz, %d bits; timecode %u fps%s at %d/%d, start %" PRId64
	    " eu\n", t->sample_rate_hz, t->bits, t->tc_fps, t->tc_drop ? " drop" : "",
	    t->tc_rate.num, t->tc_rate.den, t->tc_start_eu);
	fprintf(out, "  start ");
	put_tc(out, t, t->start_frames);
	fprintf(out, " (%" PRId64 ")  end ", t->start_frames);
	put_tc(out, t, t->end_frames);
	fprintf(out, " (%" PRId64 ")\n", t->end_frames);
	put_tags(out, "  ", t->tags, t->ntags);

	fprintf(out, "\nTracks: %zu audio, %zu video\n", t->ntracks, t->nvideo_tracks);
	for (size_t i = 0; i < t->ntracks; i++)
		put_track(out, t, &t->tracks[i]);

	fprintf(out, "\nMedia: %zu\n", t->nessences);
	for (size_t i = 0; i < t->nessences; i++) {
		const struct aaf_essence *e = &t->essences[i];

		fprintf(out, "  E%zu \"%s\"  %s %d ch %d Hz %d bits  %" PRId64
		    " frames", i + 1, e->unique_name ? e->unique_name : "",
		    kind_name(e->kind), e->channels, e->sample_rate_hz, e->bits,
		    e->length_frames);
		if (e->embedded)
			fprintf(out, "  embedded (stream %u, data at %" PRId64 ")",
			    (unsigned)e->stream, e->data_offset);
		fputc('\n', out);
		if (e->created[0] != '\0')
			fprintf(out, "      created %s\n", e->created);
		put_str(out, "      uri ", e->uri);
		if (e->uri)
			fputc('\n', out);
		put_str(out, "      file ", e->path);
		if (e->path)
			fputc('\n', out);
		else if (!e->embedded)
			fprintf(out, "      file not found\n");
		put_tags(out, "      ", e->tags, e->ntags);
	}

	if (t->nmarkers > 0)
		fprintf(out, "\nMarkers: %zu\n", t->nmarkers);
	for (size_t i = 0; i < t->nmarkers; i++) {
		const struct aaf_marker *m = &t->markers[i];

		fprintf(out, "  M%zu  ", i + 1);
		put_tc(out, t, m->position_frames);
		fprintf(out, "  at %" PRId64 " len %" PRId64, m->position_frames,
		    m->length_frames);
		if (m->has_color)
			fprintf(out, "  colour #%04x%04x%04x", m->rgb[0], m->rgb[1],
			    m->rgb[2]);
		put_str(out, "  ", m->name);
		put_str(out, "  comment ", m->comment);
		fputc('\n', out);
	}
	if (t->nwarnings > 0)
		fprintf(out, "\nWarnings: %zu\n", t->nwarnings);
	for (size_t i = 0; i < t->nwarnings; i++)
		fprintf(out, "  %s\n", t->warnings[i]);
}
