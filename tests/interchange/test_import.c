/*
 * import_aaf: the session says what the AAF reader read (which
 * test_aaf.c compares with the reference reader's expected files), for
 * every export of the corpus: timecode, tracks, clips (positions, lengths,
 * source offsets, fades, crossfades, gains, mute), markers; and the
 * session it builds loads back from its own file.
 */
#include "test.h"

#include "interchange/aaf.h"
#include "interchange/import.h"
#include "session/session_xml.h"

#include <dirent.h>

static double
lin_db(struct aaf_rational r)
{
	double v = r.den != 0 ? (double)r.num / r.den : 0;

	return v > 0 ? 20 * log10(v) : SESSION_GAIN_MIN_DB;
}

static void
compare(const char *name, const struct aaf_timeline *t, const struct session *s)
{
	char what[256];

	snprintf(what, sizeof what, "%s", name);
	CHECK_INT_EQ(s->sample_rate_hz, t->sample_rate_hz);
	CHECK_INT_EQ(s->timecode.start_frames, t->start_frames);
	CHECK(s->timecode.rate.drop_frame == t->tc_drop);
	CHECK_INT_EQ(s->track_count, t->ntracks);
	CHECK_INT_EQ(s->marker_count, t->nmarkers);
	for (size_t i = 0; i < t->ntracks && i < s->track_count; i++) {
		const struct aaf_track *at = &t->tracks[i];
		const struct track *tr = &s->tracks[i];

		if (tr->clip_count != at->nclips) {
			TEST_FAIL_("%s track %zu: %zu clips, the AAF has %zu", what, i + 1,
			    tr->clip_count, at->nclips);
			continue;
		}
		CHECK(tr->strip.mute == at->mute && tr->strip.solo == at->solo);
		if (at->has_volume)
			CHECK_NEAR(tr->strip.gain_db, lin_db(at->volume), 1e-9);
		for (size_t k = 0; k < at->nclips; k++) {
			const struct aaf_clip *ac = &at->clips[k];
			const struct clip *c = &tr->clips[k];
			const struct source *src = session_source(s, c->source);

			CHECK_INT_EQ(c->position_frames, ac->position_frames);
			CHECK_INT_EQ(c->length_frames, ac->length_frames > 0 ?
			    ac->length_frames : 1);
			CHECK(c->mute == ac->mute);
			if (ac->has_gain)
				CHECK_NEAR(c->gain_db, lin_db(ac->gain), 1e-9);
			if (ac->nchans > 0 && src != NULL &&
			    src->sample_rate_hz == t->sample_rate_hz)
				CHECK_INT_EQ(c->source_offset_frames,
				    ac->source_offset_frames);
			/* a fade is the clip's own or a crossfade's */
			CHECK(c->fade_in.length_frames == ac->fade_in_frames ||
			    c->fade_in.length_frames > 0);
			CHECK(c->fade_out.length_frames == ac->fade_out_frames ||
			    c->fade_out.length_frames > 0);
			CHECK((c->gain_lane != NULL) == (ac->gain_auto.count > 0));
		}
		for (size_t x = 0; x < at->nxfades; x++) {
			const struct aaf_xfade *af = &at->xfades[x];

			if (af->before + 1 >= tr->clip_count)
				continue;
			CHECK_INT_EQ(tr->clips[af->before].fade_out.length_frames,
			    af->length_frames);
			CHECK_INT_EQ(tr->clips[af->before + 1].fade_in.length_frames,
			    af->length_frames);
			/* the clips overlap by exactly the crossfade */
			CHECK_INT_EQ(tr->clips[af->before].position_frames +
			    tr->clips[af->before].length_frames -
			    tr->clips[af->before + 1].position_frames, af->length_frames);
		}
	}
	for (size_t m = 0; m < t->nmarkers && m < s->marker_count; m++) {
		bool found = false;

		for (size_t k = 0; k < s->marker_count && !found; k++)
			found = s->markers[k].position_frames ==
			    t->markers[m].position_frames &&
			    s->markers[k].length_frames == t->markers[m].length_frames;
		CHECK(found);
	}
}

int
main(void)
{
	const char *corpus = getenv("DUBSTAGE_CORPUS");
	char dir[1024], path[2048], out[2048];
	const char *media[1];
	struct dirent *e;
	DIR *d;
	int files = 0;

	if (corpus == NULL) {
		fprintf(stderr, "DUBSTAGE_CORPUS is not set\n");
		return 1;
	}
	snprintf(dir, sizeof dir, "%s/aaf/aaf", corpus);
	snprintf(path, sizeof path, "%s/aaf/res", corpus);
	media[0] = strdup(path);
	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "no AAF corpus at %s\n", dir);
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		struct aaf_options ao = { .media_dirs = media, .nmedia_dirs = 1 };
		struct import_options io = { .media_dirs = media, .nmedia_dirs = 1 };
		struct aaf_timeline *t = NULL;
		struct session *s = NULL, *back = NULL;
		struct import_report rep;
		struct diag dg;
		size_t n = strlen(e->d_name);

		if (n < 5 || strcmp(e->d_name + n - 4, ".aaf") != 0)
			continue;
		files++;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		snprintf(out, 1800, "%s/%.*s", test_tmpdir(), (int)(n - 4),
		    e->d_name);
		test_mkdir_p(out);
		strcat(out, "/session.dubstage");
		io.session_path = out;
		if (aaf_read(path, &ao, &t, &dg) != 0) {
			TEST_FAIL_("%s: %s", e->d_name, dg.message);
			continue;
		}
		if (import_aaf(path, &io, &s, &rep, &dg) != 0) {
			TEST_FAIL_("%s: import: %s", e->d_name, dg.message);
			aaf_timeline_free(t);
			continue;
		}
		compare(e->d_name, t, s);
		/* it is a session like any other: saved, it loads back */
		if (session_xml_save(s, out, &dg) != 0)
			TEST_FAIL_("%s: save: %s", e->d_name, dg.message);
		else if (session_xml_load(out, &back, &dg) != 0)
			TEST_FAIL_("%s: load: %s", e->d_name, dg.message);
		else
			CHECK_INT_EQ(back->track_count, s->track_count);
		session_destroy(back);
		session_destroy(s);
		aaf_timeline_free(t);
		import_report_fini(&rep);
	}
	closedir(d);
	free((char *)media[0]);
	CHECK_INT_EQ(files, 54);
	return test_report();
}
