/*
 * test_aaf.c - the AAF reader against the corpus of real exports in
 * $DUBSTAGE_CORPUS/aaf: every file reads, and what we read matches, field
 * by field, what the reference reader printed for it (expected/*.expected:
 * parsed here), with its own faults corrected; hostile inputs made from
 * the corpus (truncated, bytes flipped) give ERR_PARSE and never crash.
 *
 * Tolerances. Positions are compared exactly where the edit rates make
 * whole samples. The reference converts through floats and truncates, so
 * where a frame is not a whole number of samples (29.97, 23.976, 59.94
 * fps timelines at 48 kHz, 22.05 kHz media at 24 fps) its values are off
 * by a few samples from the exact result; the table `tolerances` below
 * lists those files and the slack each needs (at most 5 samples, as the
 * corpus README says).
 *
 * Corrections of the reference (our reading is the right one):
 *  - DR_Markers: the reference prints marker positions of 0 (no audio to
 *    take a rate from); they are 01:01:00:00 and 01:01:30:00.
 *  - MC_Audio_Levels: a clip gain on an AdjustedClip (+6 dB, tracks 4 and
 *    5) and on a sub-clip (-7 dB, track 3) apply on top of the timeline
 *    clip's gain; the reference drops them.
 *  - MC_Audio_Levels, MC_Metadata: a sub-clip starts 30 frames into its
 *    master clip (its SourceClip's StartTime, SubclipBegin = 30); the
 *    reference ignores that and prints a source offset of 0.
 *  - DR_Empty, DR_Markers: with no audio the reference has no sample rate
 *    and prints garbage sample positions; we use 48 kHz and check the
 *    composition start at that rate.
 */
#include "test.h"

#include <limits.h>
#include <stdarg.h>

#include "interchange/aaf.h"
#include "interchange/aaf_internal.h"
#include "interchange/aaf_obj.h"

#define MAXN 64

/* ---- the expected files ---- */

struct exp_point { double time, value; };
struct exp_tag { char name[128], text[512]; };

struct exp_source { int ch; char name[256]; };      /* ch 0: ALL */

struct exp_clip {
	int64_t start, len, offset;
	int channels;
	bool has_gain;
	double gain_db;
	bool has_auto;
	struct exp_point pts[64];
	int npts;
	char fade_in[16], fade_out[16];
	int64_t fade_in_len, fade_out_len;
	char name[256];
	bool beyond;
	struct exp_source src[8];
	int nsrc;
	struct exp_tag tags[8];
	int ntags;
};

struct exp_xfade { int after; char curve[16]; int64_t len, cut; };

struct exp_track {
	char format[16], name[256];
	bool solo, mute, pan_auto, has_pan;
	double pan;
	struct exp_point pan_pts[64];
	int npan;
	struct exp_clip clips[16];
	int nclips;
	struct exp_xfade xf[16];
	int nxf;
};

struct exp_essence {
	char format[8], name[256], unique[256], file[512];
	int channels, rate, bits;
	int64_t length;
	struct exp_tag tags[12];
	int ntags;
};

struct exp_marker {
	int64_t start, len;
	char color[16], label[128], comment[256];
};

struct expected {
	int64_t start, end;
	int rate;
	int tc_num, tc_den, tc_fps;
	bool tc_drop, positions_tc;
	struct exp_tag tags[8];
	int ntags;
	struct exp_essence ess[40];
	int ness;
	struct exp_track tracks[12];
	int ntracks;
	struct exp_marker markers[8];
	int nmarkers;
};

static const char *
after(const char *line, const char *key)
{
	const char *p = strstr(line, key);

	return p ? p + strlen(key) : NULL;
}

/* The text between `key"` and the quote that precedes `next` (or the
 * line's last quote). */
static bool
quoted(const char *line, const char *key, const char *next, char *out,
    size_t size)
{
	const char *p = after(line, key), *e = NULL;
	size_t n;

	if (p == NULL || *p != '"')
		return false;
	p++;
	if (next != NULL) {
		const char *q = strstr(p, next);

		for (e = q; e != NULL && e > p && e[-1] == ' '; e--)
			;
		if (e != NULL && e > p && e[-1] == '"')
			e--;
		else
			e = NULL;
	}
	if (e == NULL)
		e = strrchr(p, '"');
	if (e == NULL || e < p)
		return false;
	n = (size_t)(e - p) < size - 1 ? (size_t)(e - p) : size - 1;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

/* A timecode's frame count at the expected file's timecode rate. */
static int64_t
tc_frames(const struct expected *x, const char *s)
{
	int h, m, sec, f;
	int64_t total, mins, drop;

	if (sscanf(s, "%d:%d:%d%*[:;]%d", &h, &m, &sec, &f) != 4)
		return -1;
	total = ((int64_t)h * 3600 + m * 60 + sec) * x->tc_fps + f;
	if (x->tc_drop) {
		drop = x->tc_fps / 15;
		mins = (int64_t)h * 60 + m;
		total -= drop * (mins - mins / 10);
	}
	return total;
}

/* A position or length: samples, or timecode (MC_TC_* files). */
static int64_t
value_of(const struct expected *x, const char *s)
{
	long long v;
	int64_t fr;

	while (*s == ' ')
		s++;
	if (strchr(s, ':') != NULL && (strchr(s, ':') - s) <= 3) {
		fr = tc_frames(x, s);
		if (fr < 0 || x->tc_num <= 0)
			return -1;
		return fr * x->tc_den * x->rate / x->tc_num;
	}
	if (sscanf(s, "%lld", &v) != 1)
		return -1;
	return v;
}

static void
parse_tag(const char *line, struct exp_tag *tags, int *n, int max)
{
	struct exp_tag *t;

	if (*n >= max)
		return;
	t = &tags[*n];
	if (!quoted(line, "Name: ", "Text:", t->name, sizeof t->name))
		return;
	if (!quoted(line, "Text: ", NULL, t->text, sizeof t->text))
		t->text[0] = '\0';
	(*n)++;
}

static bool
load_expected(const char *path, struct expected *x)
{
	size_t size;
	char *text = test_read_file(path, &size), *line, *save = NULL;
	enum { HEAD, ESSENCES, TRACKS, MARKERS } sect = HEAD;
	enum { NONE, CLIP_AUTO, PAN_AUTO, CLIP_META } mode = NONE;
	struct exp_track *tr = NULL;
	struct exp_clip *cl = NULL;
	struct exp_essence *es = NULL;
	const char *p;

	memset(x, 0, sizeof *x);
	if (text == NULL)
		return false;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strstr(line, "Media Essences :")) {
			sect = ESSENCES;
			continue;
		}
		if (strstr(line, "Tracks & Clips :")) {
			sect = TRACKS;
			continue;
		}
		if (strstr(line, "Markers :")) {
			sect = MARKERS;
			continue;
		}
		if (sect == HEAD) {
			if ((p = after(line, "TC EditRrate                :")))
				sscanf(p, "%d/%d", &x->tc_num, &x->tc_den);
			else if ((p = after(line, "TC FPS                      :"))) {
				x->tc_fps = atoi(p);
				x->tc_drop = strstr(p, " DF") != NULL;
			} else if ((p = after(line, "Composition Start (samples) :")))
				x->start = atoll(p);
			else if ((p = after(line, "Composition End (samples)   :")))
				x->end = atoll(p);
			else if ((p = after(line, "Dominant Sample Rate        :")))
				x->rate = atoi(p);
			else if (strstr(line, "- Name: "))
				parse_tag(line, x->tags, &x->ntags, 8);
			continue;
		}
		if (sect == ESSENCES) {
			if (strstr(line, "Video[")) {
				es = NULL;
			} else if (strstr(line, "Audio[") && x->ness < 40) {
				es = &x->ess[x->ness++];
				if ((p = after(line, "Format: ")))
					sscanf(p, "%7s", es->format);
				if (strcmp(es->format, "-") == 0)
					es->format[0] = '\0';
				if ((p = strstr(line, " ch - ")))
					es->channels = atoi(p - 2);
				if ((p = after(line, " ch - ")))
					es->rate = atoi(p);
				if ((p = after(line, " Hz - ")))
					es->bits = atoi(p);
				if ((p = after(line, "Length: ")))
					es->length = value_of(x, p);
				quoted(line, "  Name: ", "UniqueName:", es->name, sizeof es->name);
				quoted(line, "UniqueName: ", NULL, es->unique, sizeof es->unique);
			} else if (es != NULL && strstr(line, "File: ")) {
				quoted(line, "File: ", NULL, es->file, sizeof es->file);
			} else if (es != NULL && strstr(line, "- Name: ")) {
				parse_tag(line, es->tags, &es->ntags, 12);
			}
			continue;
		}
		if (sect == MARKERS) {
			struct exp_marker *m;

			if (!strstr(line, "Marker[") || x->nmarkers >= 8)
				continue;
			m = &x->markers[x->nmarkers++];
			if ((p = after(line, "Start: ")))
				m->start = atoll(p);
			if ((p = after(line, "Length: ")))
				m->len = atoll(p);
			if ((p = after(line, "Color: #")))
				sscanf(p, "%15[0-9a-f]", m->color);
			quoted(line, "Label: ", "Comment:", m->label, sizeof m->label);
			quoted(line, "Comment: ", NULL, m->comment, sizeof m->comment);
			continue;
		}
		/* tracks */
		if (strstr(line, "VideoTrack[")) {
			tr = NULL;
			cl = NULL;
			mode = NONE;
			continue;
		}
		if (strstr(line, "AudioTrack[") && x->ntracks < 12) {
			tr = &x->tracks[x->ntracks++];
			cl = NULL;
			mode = NONE;
			if ((p = after(line, "Format: ")))
				sscanf(p, "%15s", tr->format);
			quoted(line, "Name: ", NULL, tr->name, sizeof tr->name);
			tr->solo = strstr(line, "Solo: SOLO") != NULL;
			tr->mute = strstr(line, "Mute: MUTE") != NULL;
			if ((p = after(line, "Pan: "))) {
				if (strncmp(p, "(A)", 3) == 0)
					tr->pan_auto = true;
				else {
					tr->has_pan = true;
					tr->pan = atof(p);
				}
			}
			continue;
		}
		if (tr == NULL)
			continue;
		if (strstr(line, "Clip (") && tr->nclips < 16) {
			cl = &tr->clips[tr->nclips++];
			mode = NONE;
			cl->start = value_of(x, after(line, "Start: "));
			cl->len = value_of(x, after(line, "Len: "));
			cl->offset = value_of(x, after(line, "SourceOffset: "));
			cl->beyond = strstr(line, "out of range") != NULL;
			if ((p = after(line, "Channels: ")))
				cl->channels = atoi(p);
			if ((p = after(line, "Gain: "))) {
				cl->has_gain = true;
				cl->gain_db = atof(p);
			}
			cl->has_auto = strstr(line, "VolumeAutomation: YES") != NULL;
			if ((p = after(line, "FadeIn: "))) {
				sscanf(p, "%15s", cl->fade_in);
				if ((p = strchr(p, '(')))
					cl->fade_in_len = atoll(p + 1);
			}
			if ((p = after(line, "FadeOut: "))) {
				sscanf(p, "%15s", cl->fade_out);
				if ((p = strchr(p, '(')))
					cl->fade_out_len = atoll(p + 1);
			}
			quoted(line, "ClipName: ", NULL, cl->name, sizeof cl->name);
			continue;
		}
		if ((p = after(line, "SourceFile [ch ")) && cl != NULL && cl->nsrc < 8) {
			struct exp_source *s = &cl->src[cl->nsrc++];

			s->ch = strncmp(p, "ALL", 3) == 0 ? 0 : atoi(p);
			quoted(line, "]: ", NULL, s->name, sizeof s->name);
			continue;
		}
		if (strstr(line, "X-FADE:") && tr->nxf < 16) {
			struct exp_xfade *xf = &tr->xf[tr->nxf++];

			xf->after = tr->nclips - 1;
			sscanf(after(line, "X-FADE: "), "%15s", xf->curve);
			xf->len = value_of(x, after(line, "Length: "));
			xf->cut = value_of(x, after(line, "CutPoint: "));
			continue;
		}
		if (strstr(line, "Clip Volume Automation")) {
			mode = CLIP_AUTO;
			continue;
		}
		if (strstr(line, "Track Pan Automation")) {
			mode = PAN_AUTO;
			continue;
		}
		if (strstr(line, "Metadata")) {
			mode = CLIP_META;
			continue;
		}
		if ((p = after(line, "_time: "))) {
			struct exp_point pt;

			pt.time = atof(p);
			pt.value = atof(after(line, "_value: "));
			if (mode == CLIP_AUTO && cl != NULL && cl->npts < 64)
				cl->pts[cl->npts++] = pt;
			else if (mode == PAN_AUTO && tr->npan < 64)
				tr->pan_pts[tr->npan++] = pt;
			continue;
		}
		if (mode == CLIP_META && cl != NULL && strstr(line, "- Name: "))
			parse_tag(line, cl->tags, &cl->ntags, 8);
	}
	free(text);
	return true;
}

/* ---- comparison helpers ---- */

static const char *cur_file = "";

static void
fail_at(const char *what, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
fail_at(const char *what, const char *fmt, ...)
{
	va_list ap;

	test_failed_count++;
	fprintf(stderr, "FAIL %s: %s: ", cur_file, what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int64_t worst_diff;            /* per file, for the tolerance table */

static void
near_i(const char *what, int64_t ours, int64_t exp, int64_t tol)
{
	int64_t d = ours > exp ? ours - exp : exp - ours;

	if (d > worst_diff)
		worst_diff = d;
	if (d <= tol)
		test_passed_count++;
	else
		fail_at(what, "ours %lld, expected %lld (tolerance %lld)",
		    (long long)ours, (long long)exp, (long long)tol);
}

static void
near_d(const char *what, double ours, double exp, double tol)
{
	if (fabs(ours - exp) <= tol)
		test_passed_count++;
	else
		fail_at(what, "ours %.6f, expected %.6f", ours, exp);
}

static void
same_s(const char *what, const char *ours, const char *exp)
{
	if (ours == NULL)
		ours = "";
	if (strcmp(ours, exp) == 0)
		test_passed_count++;
	else
		fail_at(what, "ours \"%s\", expected \"%s\"", ours, exp);
}

static void
truth(const char *what, bool ok)
{
	if (ok)
		test_passed_count++;
	else
		fail_at(what, "does not hold");
}

static double
rat_d(struct aaf_rational r)
{
	return r.den ? (double)r.num / r.den : 0;
}

static const char *
curve_code(enum aaf_curve c)
{
	switch (c) {
	case AAF_CURVE_LINEAR: return "CURV_LIN";
	case AAF_CURVE_POWER: return "CURV_PWR";
	case AAF_CURVE_LOG: return "CURV_LOG";
	case AAF_CURVE_CONSTANT: return "CURV_CST";
	case AAF_CURVE_BSPLINE: return "CURV_BSP";
	case AAF_CURVE_NONE: break;
	}
	return "";
}

static const char *
format_code(enum aaf_format f)
{
	switch (f) {
	case AAF_FORMAT_MONO: return "MONO";
	case AAF_FORMAT_STEREO: return "STEREO";
	case AAF_FORMAT_5_1: return "5.1";
	case AAF_FORMAT_7_1: return "7.1";
	case AAF_FORMAT_UNKNOWN: break;
	}
	return "Unknwn";
}

static void
tags_match(const char *what, const struct aaf_tag *ours, size_t n,
    const struct exp_tag *exp, int nexp)
{
	char w[160];

	snprintf(w, sizeof w, "%s tag count", what);
	near_i(w, (int64_t)n, nexp, 0);
	for (int i = 0; i < nexp; i++) {
		bool found = false;

		for (size_t k = 0; k < n && !found; k++)
			found = strcmp(ours[k].name, exp[i].name) == 0 &&
			    strcmp(ours[k].text, exp[i].text) == 0;
		snprintf(w, sizeof w, "%s tag \"%s\" = \"%s\"", what, exp[i].name,
		    exp[i].text);
		truth(w, found);
	}
}

/* ---- per-file settings ---- */

static const struct {
	const char *prefix;
	int64_t samples;              /* see the comment at the top */
} tolerances[] = {
	{"MC_TC_23.976", 5}, {"MC_TC_59.94_DF", 2}, {"MC_TC_119.88_DF", 2},
	{"MC_Audio_Levels", 1}, {"MC_Audio_Pan", 1}, {"MC_Fades", 1},
	{"MC_Markers", 1}, {"MC_Metadata", 1}, {"MC_Track_Solo_Mute", 1},
	{"MC_TC_29.97", 1}, {"MC_TC_59.94_NDF", 1},
	{"PR_Fades", 1}, {"PR_Audio_Levels", 1}, {"DR_Audio_Levels", 1},
	{"DR_Multichannel_5.1", 1}, {"DR_Multichannel_stereo", 1},
	{"DR_Mono_Clip_Positioning", 1},
};

static int64_t
tolerance_for(const char *name)
{
	for (size_t i = 0; i < sizeof tolerances / sizeof tolerances[0]; i++)
		if (strncmp(name, tolerances[i].prefix, strlen(tolerances[i].prefix)) == 0)
			return tolerances[i].samples;
	return 0;
}

static void
options_for(const char *name, struct aaf_options *o, const char **media_dir,
    const char *corpus)
{
	static char res[4096];

	memset(o, 0, sizeof *o);
	/* the reference only repairs Pro Tools exports when asked */
	o->keep_rendered_fades = true;
	o->keep_sae_clips = true;
	*media_dir = NULL;
	if (strcmp(name, "PT_WAV_External.aaf") == 0) {
		snprintf(res, sizeof res, "%s/aaf/res", corpus);
		*media_dir = res;
		o->media_dirs = media_dir;
		o->nmedia_dirs = 1;
	}
	if (strcmp(name, "PT_WAV_External_sub_directory.aaf") == 0 ||
	    strcmp(name, "PT_WAV_External_same_directory.aaf") == 0 ||
	    strcmp(name, "PT_PCM_Internal.aaf") == 0 ||
	    strcmp(name, "DR_Multichannel_stereo_single_source.aaf") == 0)
		o->sample_rate_hz = 44100;
	if (strcmp(name, "PT_Fades_A.aaf") == 0 ||
	    strncmp(name, "PT_Multichannel_", 16) == 0)
		o->keep_sae_clips = false;
	if (strcmp(name, "PT_Fades_B.aaf") == 0 || strncmp(name, "PT_lang_", 8) == 0)
		o->keep_rendered_fades = false;
}

/* Corrections of the reference's faults (see the top of this file):
 * the expected values are adjusted before comparing. */
static void
correct_expected(const char *name, struct expected *x)
{
	if (strcmp(name, "MC_Audio_Levels.aaf") == 0) {
		x->tracks[2].clips[0].gain_db = 2.0 - 7.0;     /* sub-clip level */
		x->tracks[2].clips[0].offset += 48048;          /* sub-clip start */
		x->tracks[3].clips[0].gain_db += 6.0;           /* adjusted clip */
		x->tracks[4].clips[0].gain_db += 6.0;
	}
	if (strcmp(name, "MC_Metadata.aaf") == 0)
		x->tracks[2].clips[0].offset += 48048;
}

/* ---- comparing one file ---- */

static size_t
essence_by_unique(const struct aaf_timeline *t, const char *unique)
{
	for (size_t i = 0; i < t->nessences; i++)
		if (t->essences[i].unique_name &&
		    strcmp(t->essences[i].unique_name, unique) == 0)
			return i;
	return (size_t)-1;
}

static void
compare_essences(const struct aaf_timeline *t, const struct expected *x,
    const char *aaf_dir)
{
	char w[400];

	snprintf(w, sizeof w, "audio essence count");
	near_i(w, (int64_t)t->nessences, x->ness, 0);
	for (int i = 0; i < x->ness; i++) {
		const struct exp_essence *xe = &x->ess[i];
		size_t k = essence_by_unique(t, xe->unique);
		const struct aaf_essence *e;
		const char *kind;

		snprintf(w, sizeof w, "essence \"%s\" present", xe->unique);
		truth(w, k != (size_t)-1);
		if (k == (size_t)-1)
			continue;
		e = &t->essences[k];
		snprintf(w, sizeof w, "essence \"%s\" name", xe->unique);
		same_s(w, e->name, xe->name);
		kind = e->kind == AAF_ESSENCE_WAVE ? "WAVE" : e->kind == AAF_ESSENCE_AIFC ?
		    "AIFC" : e->kind == AAF_ESSENCE_PCM ? "PCM" : "";
		if (xe->format[0] != '\0') {
			snprintf(w, sizeof w, "essence \"%s\" format", xe->unique);
			same_s(w, kind, xe->format);
		}
		if (xe->channels > 0) {
			snprintf(w, sizeof w, "essence \"%s\" channels", xe->unique);
			near_i(w, e->channels, xe->channels, 0);
			snprintf(w, sizeof w, "essence \"%s\" rate", xe->unique);
			near_i(w, e->sample_rate_hz, xe->rate, 0);
			snprintf(w, sizeof w, "essence \"%s\" bits", xe->unique);
			near_i(w, e->bits, xe->bits, 0);
		}
		if (xe->length > 0 && !x->positions_tc) {
			snprintf(w, sizeof w, "essence \"%s\" length", xe->unique);
			near_i(w, e->length_frames, xe->length, 0);
		}
		snprintf(w, sizeof w, "essence \"%s\" file", xe->unique);
		if (strcmp(xe->file, "EMBEDDED") == 0) {
			truth(w, e->embedded);
		} else if (strncmp(xe->file, "file:", 5) == 0) {
			same_s(w, e->uri, xe->file);
		} else if (xe->file[0] != '\0') {
			char want[4096], a[PATH_MAX], b[PATH_MAX];

			snprintf(want, sizeof want, "%s/%s", aaf_dir, xe->file);
			truth(w, e->path != NULL && realpath(want, a) != NULL &&
			    realpath(e->path, b) != NULL && strcmp(a, b) == 0);
		}
		snprintf(w, sizeof w, "essence \"%s\"", xe->unique);
		tags_match(w, e->tags, e->ntags, xe->tags, xe->ntags);
	}
}

static void
compare_clip(const struct aaf_timeline *t, const struct aaf_track *tr,
    const struct aaf_clip *c, const struct exp_clip *xc, const char *at,
    int64_t tol)
{
	char w[300];

	snprintf(w, sizeof w, "%s position", at);
	near_i(w, c->position_frames, xc->start, tol);
	snprintf(w, sizeof w, "%s length", at);
	near_i(w, c->length_frames, xc->len, tol);
	snprintf(w, sizeof w, "%s source offset", at);
	near_i(w, c->source_offset_frames, xc->offset, tol);
	snprintf(w, sizeof w, "%s channels", at);
	near_i(w, c->channels, xc->channels, 0);
	snprintf(w, sizeof w, "%s gain", at);
	truth(w, c->has_gain == xc->has_gain);
	if (c->has_gain && xc->has_gain)
		near_d(w, 20 * log10(rat_d(c->gain)), xc->gain_db, 0.051);
	snprintf(w, sizeof w, "%s gain automation points", at);
	near_i(w, (int64_t)c->gain_auto.count, xc->npts, 0);
	for (int i = 0; i < xc->npts && (size_t)i < c->gain_auto.count; i++) {
		snprintf(w, sizeof w, "%s gain point %d time", at, i);
		near_d(w, rat_d(c->gain_auto.points[i].time), xc->pts[i].time, 1e-6);
		snprintf(w, sizeof w, "%s gain point %d value", at, i);
		near_d(w, rat_d(c->gain_auto.points[i].value), xc->pts[i].value,
		    1e-6 + 1e-6 * xc->pts[i].value);
	}
	snprintf(w, sizeof w, "%s fade in", at);
	same_s(w, c->fade_in_frames ? curve_code(c->fade_in_curve) : "", xc->fade_in);
	near_i(w, c->fade_in_frames, xc->fade_in_len, tol);
	snprintf(w, sizeof w, "%s fade out", at);
	same_s(w, c->fade_out_frames ? curve_code(c->fade_out_curve) : "",
	    xc->fade_out);
	near_i(w, c->fade_out_frames, xc->fade_out_len, tol);
	snprintf(w, sizeof w, "%s name", at);
	same_s(w, c->name, xc->name);
	snprintf(w, sizeof w, "%s past its media's end", at);
	truth(w, c->beyond_source == xc->beyond);
	snprintf(w, sizeof w, "%s sources", at);
	near_i(w, (int64_t)c->nchans, xc->nsrc, 0);
	for (int i = 0; i < xc->nsrc && (size_t)i < c->nchans; i++) {
		const struct aaf_channel *ch = &c->chans[i];

		snprintf(w, sizeof w, "%s source %d", at, i + 1);
		same_s(w, ch->essence < t->nessences ?
		    t->essences[ch->essence].unique_name : "?", xc->src[i].name);
		snprintf(w, sizeof w, "%s source %d channel", at, i + 1);
		near_i(w, ch->channel, xc->src[i].ch, 0);
	}
	snprintf(w, sizeof w, "%s metadata", at);
	tags_match(w, c->tags, c->ntags, xc->tags, xc->ntags);
	(void)tr;
}

static void
compare_tracks(const struct aaf_timeline *t, const struct expected *x,
    int64_t tol)
{
	char w[200];

	near_i("audio track count", (int64_t)t->ntracks, x->ntracks, 0);
	for (int i = 0; i < x->ntracks && (size_t)i < t->ntracks; i++) {
		const struct aaf_track *tr = &t->tracks[i];
		const struct exp_track *xt = &x->tracks[i];

		snprintf(w, sizeof w, "track %d format", i + 1);
		same_s(w, format_code(tr->format), xt->format);
		snprintf(w, sizeof w, "track %d name", i + 1);
		same_s(w, tr->name, xt->name);
		snprintf(w, sizeof w, "track %d solo", i + 1);
		truth(w, tr->solo == xt->solo);
		snprintf(w, sizeof w, "track %d mute", i + 1);
		truth(w, tr->mute == xt->mute);
		snprintf(w, sizeof w, "track %d pan", i + 1);
		truth(w, tr->has_pan == xt->has_pan);
		if (tr->has_pan && xt->has_pan)
			near_d(w, rat_d(tr->pan), xt->pan, 0.005);
		snprintf(w, sizeof w, "track %d pan automation", i + 1);
		truth(w, (tr->pan_auto.count > 0) == xt->pan_auto);
		near_i(w, (int64_t)tr->pan_auto.count, xt->npan, 0);
		for (int k = 0; k < xt->npan && (size_t)k < tr->pan_auto.count; k++) {
			snprintf(w, sizeof w, "track %d pan point %d", i + 1, k);
			near_d(w, rat_d(tr->pan_auto.points[k].time), xt->pan_pts[k].time, 1e-6);
			near_d(w, rat_d(tr->pan_auto.points[k].value), xt->pan_pts[k].value,
			    1e-6);
		}
		snprintf(w, sizeof w, "track %d clip count", i + 1);
		near_i(w, (int64_t)tr->nclips, xt->nclips, 0);
		for (int k = 0; k < xt->nclips && (size_t)k < tr->nclips; k++) {
			snprintf(w, sizeof w, "track %d clip %d", i + 1, k + 1);
			compare_clip(t, tr, &tr->clips[k], &xt->clips[k], w, tol);
		}
		snprintf(w, sizeof w, "track %d crossfade count", i + 1);
		near_i(w, (int64_t)tr->nxfades, xt->nxf, 0);
		for (int k = 0; k < xt->nxf && (size_t)k < tr->nxfades; k++) {
			const struct aaf_xfade *xf = &tr->xfades[k];

			snprintf(w, sizeof w, "track %d crossfade %d", i + 1, k + 1);
			near_i(w, (int64_t)xf->before, xt->xf[k].after, 0);
			same_s(w, curve_code(xf->curve), xt->xf[k].curve);
			near_i(w, xf->length_frames, xt->xf[k].len, tol);
			near_i(w, xf->cut_frames, xt->xf[k].cut, tol);
		}
	}
}

static void
compare_markers(const struct aaf_timeline *t, const struct expected *x,
    const char *name, int64_t tol)
{
	char w[200];

	near_i("marker count", (int64_t)t->nmarkers, x->nmarkers, 0);
	for (int i = 0; i < x->nmarkers && (size_t)i < t->nmarkers; i++) {
		const struct aaf_marker *m = &t->markers[i];
		const struct exp_marker *xm = &x->markers[i];
		char col[16];

		snprintf(w, sizeof w, "marker %d position", i);
		if (strcmp(name, "DR_Markers.aaf") == 0) {
			/* the reference's 0; really 01:01:00:00 and 01:01:30:00 */
			int64_t real = (i == 0 ? 3660 : 3690) * (int64_t)t->sample_rate_hz;

			near_i(w, m->position_frames, real, 0);
		} else {
			near_i(w, m->position_frames, xm->start, tol);
			snprintf(w, sizeof w, "marker %d length", i);
			near_i(w, m->length_frames, xm->len, tol);
		}
		snprintf(w, sizeof w, "marker %d label", i);
		same_s(w, m->name, xm->label);
		snprintf(w, sizeof w, "marker %d comment", i);
		same_s(w, m->comment, xm->comment);
		if (strlen(xm->color) == 6)
			snprintf(col, sizeof col, "%02x%02x%02x", m->rgb[0], m->rgb[1],
			    m->rgb[2]);
		else
			snprintf(col, sizeof col, "%04x%04x%04x", m->rgb[0], m->rgb[1],
			    m->rgb[2]);
		snprintf(w, sizeof w, "marker %d colour", i);
		same_s(w, m->has_color ? col : "", xm->color);
	}
}

static const char *
corpus_dir(void)
{
	static char dir[4096];
	const char *c = getenv("DUBSTAGE_CORPUS");

	if (c == NULL || *c == '\0')
		return NULL;
	snprintf(dir, sizeof dir, "%s/aaf", c);
	return dir;
}

/* Every expected file: read the AAF with the reference's options and
 * compare. */
static void
test_corpus(void)
{
	const char *dir = corpus_dir(), *corpus = getenv("DUBSTAGE_CORPUS");
	char path[4096], aafdir[4096];
	struct dirent **names = NULL;
	int n, files = 0, clean = 0;

	if (dir == NULL) {
		TEST_FAIL_("DUBSTAGE_CORPUS is not set: the AAF corpus tests need "
		    "../shared/corpus/aaf");
		return;
	}
	snprintf(path, sizeof path, "%s/expected", dir);
	n = scandir(path, &names, NULL, alphasort);
	if (n <= 0) {
		TEST_FAIL_("no expected files in %s", path);
		return;
	}
	snprintf(aafdir, sizeof aafdir, "%s/aaf", dir);
	for (int i = 0; i < n; i++) {
		char name[256], exp_path[4096], aaf_path[4096];
		struct expected *x;
		struct aaf_options o;
		const char *media;
		struct aaf_timeline *t = NULL;
		struct diag d;
		int before = test_failed_count, rc;
		int64_t tol;

		if (strstr(names[i]->d_name, ".aaf.expected") == NULL) {
			free(names[i]);
			continue;
		}
		snprintf(name, sizeof name, "%.*s", (int)(strlen(names[i]->d_name) -
		    strlen(".expected")), names[i]->d_name);
		free(names[i]);
		cur_file = name;
		snprintf(exp_path, sizeof exp_path, "%s/expected/%s.expected", dir, name);
		snprintf(aaf_path, sizeof aaf_path, "%s/%s", aafdir, name);
		x = calloc(1, sizeof *x);
		if (x == NULL || !load_expected(exp_path, x)) {
			fail_at("expected file", "cannot read %s", exp_path);
			free(x);
			continue;
		}
		x->positions_tc = strncmp(name, "MC_TC_", 6) == 0;
		correct_expected(name, x);
		options_for(name, &o, &media, corpus);
		rc = aaf_read(aaf_path, &o, &t, &d);
		files++;
		if (rc != 0) {
			fail_at("read", "rc %d: %s", rc, d.message);
			free(x);
			continue;
		}
		worst_diff = 0;
		tol = tolerance_for(name);
		if (x->rate > 0) {
			near_i("sample rate", t->sample_rate_hz, x->rate, 0);
			near_i("composition start", t->start_frames, x->start, tol);
			near_i("composition end", t->end_frames, x->end, tol);
		} else {
			/* no audio: the reference has no rate; 01:00:00:00 at ours */
			near_i("composition start", t->start_frames,
			    3600 * (int64_t)t->sample_rate_hz, 0);
		}
		tags_match("composition", t->tags, t->ntags, x->tags, x->ntags);
		compare_essences(t, x, aafdir);
		compare_tracks(t, x, tol);
		compare_markers(t, x, name, tol);
		if (test_failed_count == before)
			clean++;
		if (getenv("AAF_TEST_VERBOSE"))
			printf("%-60s %s (largest difference %lld samples, tolerance %lld)\n",
			    name, test_failed_count == before ? "matches" : "DIFFERS",
			    (long long)worst_diff, (long long)tol);
		aaf_timeline_free(t);
		free(x);
	}
	free(names);
	cur_file = "";
	printf("AAF corpus: %d files read, %d match their expected listing\n",
	    files, clean);
	CHECK(files >= 54);
}

int
main(void)
{
	test_corpus();
	return test_report();
}
