/*
 * aaf_protools.c - undoing what Pro Tools does to fades and edits on AAF
 * export.
 *
 * Pro Tools renders every fade and crossfade to a media file and places
 * it as an ordinary clip, named "Fade " in the language Pro Tools ran in,
 * between the clips it joins. Where an edit falls between two video
 * frames it also cuts one-frame "Sample accurate edit" clips around it.
 * A mixer wants the opposite: clips with real fades, so that they can be
 * changed. This pass, on edit units and before frames are computed:
 *
 *  - merges a sample-accurate-edit clip into the clip that touches it on
 *    the left (lengthened) when that clip's media reaches far enough, else
 *    into the one on its right (started earlier);
 *  - replaces a rendered fade clip by a fade in (only a clip after it), a
 *    fade out (only one before) or a crossfade (both), lengthening the
 *    neighbours over the fade's span when their media allows; the edits
 *    around a fade are merged first, whatever the option for the others.
 *
 * Both can be turned off (aaf_options.keep_rendered_fades, keep_sae_clips).
 * The clip names Pro Tools uses are matched in every language it ships.
 */
#include <stdlib.h>
#include <string.h>

#include "interchange/aaf_internal.h"

static const char *const fade_names[] = {
	"Fade ",                                  /* English, German, Japanese */
	"Fondu ",                                 /* French */
	"Fundido ",                               /* Spanish */
	"\xed\x8e\x98\xec\x9d\xb4\xeb\x93\x9c",   /* Korean */
	"\xe6\xb7\xa1\xe5\x8f\x98 ",              /* Chinese, simplified */
	"\xe6\xb7\xa1\xe8\xae\x8a ",              /* Chinese, traditional */
};

static const char *const sae_names[] = {
	"Sample accurate edit",
	"Samplegenaue Bearbeitung",
	"Edici\xc3\xb3n con precisi\xc3\xb3n de muestra",
	"Modification \xc3\xa0 l'\xc3\xa9" "chantillon pr\xc3\xa8s",
	"\xe3\x82\xb5\xe3\x83\xb3\xe3\x83\x97\xe3\x83\xab\xe7\xb2\xbe\xe5\xba\xa6"
	    "\xe7\xb7\xa8\xe9\x9b\x86",               /* Japanese */
	"\xec\x83\x98\xed\x94\x8c \xeb\x8b\xa8\xec\x9c\x84 \xec\xa0\x95\xeb\xb0\x80 "
	    "\xed\x8e\xb8\xec\xa7\x91",               /* Korean */
	"\xe7\xb2\xbe\xe7\xa1\xae\xe9\x87\x87\xe6\xa0\xb7\xe7\xbc\x96\xe8\xbe\x91",
	"\xe7\xb2\xbe\xe7\xa2\xba\xe5\x8f\x96\xe6\xa8\xa3\xe7\xb7\xa8\xe8\xbc\xaf",
};

static bool
in_list(const char *name, const char *const *list, size_t n)
{
	if (name == NULL)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, list[i]) == 0)
			return true;
	return false;
}

bool
aaf_protools_is_fade_name(const char *name)
{
	return in_list(name, fade_names, sizeof fade_names / sizeof fade_names[0]);
}

bool
aaf_protools_is_sae_name(const char *name)
{
	return in_list(name, sae_names, sizeof sae_names / sizeof sae_names[0]);
}

struct pass {
	struct aaf_timeline *t;
	struct aaf_track *tr;
	bool *gone;                   /* removed clips */
	size_t removed;
};

static const char *
clip_media_name(const struct pass *p, size_t i)
{
	const struct aaf_clip *c = &p->tr->clips[i];

	if (c->nchans == 0 || c->chans[0].essence >= p->t->nessences)
		return NULL;
	return p->t->essences[c->chans[0].essence].name;
}

static long
prev_of(const struct pass *p, long i)
{
	while (--i >= 0)
		if (!p->gone[i])
			return i;
	return -1;
}

static long
next_of(const struct pass *p, long i)
{
	while (i >= 0 && (size_t)++i < p->tr->nclips)
		if (!p->gone[i])
			return i;
	return -1;
}

static bool
touch(const struct pass *p, long a, long b)
{
	const struct aaf_clip *ca, *cb;

	if (a < 0 || b < 0)
		return false;
	ca = &p->tr->clips[a];
	cb = &p->tr->clips[b];
	return ca->position_eu + ca->length_eu == cb->position_eu;
}

/* How much more media there is after clip i's end, in edit units. */
static int64_t
right_handle(const struct pass *p, long i)
{
	const struct aaf_clip *c = &p->tr->clips[i];
	struct aaf_rational rate = {0, 1};
	int64_t len = 0;

	if (c->nchans == 0 || c->chans[0].essence >= p->t->nessences)
		return 0;
	rate.num = p->t->essences[c->chans[0].essence].sample_rate_hz;
	if (aaf_eu_convert(p->t->essences[c->chans[0].essence].length_frames, rate,
	    p->tr->edit_rate, &len) != 0)
		return 0;
	return len - c->source_offset_eu - c->length_eu;
}

static void
extend_left(struct aaf_clip *c, int64_t by)
{
	c->position_eu -= by;
	c->length_eu += by;
	c->source_offset_eu -= by;
}

static void
drop(struct pass *p, long i)
{
	p->gone[i] = true;
	p->removed++;
}

static bool
remove_sae(struct pass *p, long i)
{
	struct aaf_clip *sae = &p->tr->clips[i];
	long l = prev_of(p, i), r = next_of(p, i);

	if (touch(p, l, i) && right_handle(p, l) >= sae->length_eu) {
		p->tr->clips[l].length_eu += sae->length_eu;
		drop(p, i);
		return true;
	}
	if (touch(p, i, r) && p->tr->clips[r].source_offset_eu >= sae->length_eu) {
		extend_left(&p->tr->clips[r], sae->length_eu);
		drop(p, i);
		return true;
	}
	return false;
}

static int
replace_fade(struct pass *p, long i)
{
	struct aaf_clip *fade = &p->tr->clips[i];
	long p1 = prev_of(p, i), p2 = p1 >= 0 ? prev_of(p, p1) : -1;
	long n1 = next_of(p, i), n2 = n1 >= 0 ? next_of(p, n1) : -1;
	long before = -1, after = -1;
	int64_t len;

	if (touch(p, p1, i)) {
		if (aaf_protools_is_sae_name(clip_media_name(p, p1))) {
			remove_sae(p, p1);
			if (touch(p, p2, i))
				before = p2;
		} else {
			before = p1;
		}
	}
	if (touch(p, i, n1)) {
		if (aaf_protools_is_sae_name(clip_media_name(p, n1))) {
			remove_sae(p, n1);
			if (touch(p, i, n2))
				after = n2;
		} else {
			after = n1;
		}
	}
	len = fade->length_eu;
	if (before < 0 && after < 0)
		return 0;
	if (before >= 0 && right_handle(p, before) < len) {
		aaf_warn(p->t, "track %u: not enough media to turn a rendered fade "
		    "into a fade", p->tr->number);
		return 0;
	}
	if (after >= 0 && p->tr->clips[after].source_offset_eu < len) {
		aaf_warn(p->t, "track %u: not enough media to turn a rendered fade "
		    "into a fade", p->tr->number);
		return 0;
	}
	if (before >= 0 && after >= 0) {
		struct aaf_xfade *x = aaf_xfade_add(p->tr);

		if (x == NULL)
			return ERR_NOMEM;
		p->tr->clips[before].length_eu += len;
		extend_left(&p->tr->clips[after], len);
		x->before = (size_t)before;       /* remapped when clips go */
		x->length_eu = len;
		x->cut_eu = len / 2;
		x->curve = AAF_CURVE_LINEAR;
	} else if (before >= 0) {
		p->tr->clips[before].length_eu += len;
		p->tr->clips[before].fade_out_eu = len;
		p->tr->clips[before].fade_out_curve = AAF_CURVE_LINEAR;
	} else {
		extend_left(&p->tr->clips[after], len);
		p->tr->clips[after].fade_in_eu = len;
		p->tr->clips[after].fade_in_curve = AAF_CURVE_LINEAR;
	}
	drop(p, i);
	return 0;
}

static int
cmp_xfade(const void *a, const void *b)
{
	const struct aaf_xfade *x = a, *y = b;

	return (x->before > y->before) - (x->before < y->before);
}

static int
repair_track(struct aaf_timeline *t, struct aaf_track *tr,
    const struct aaf_options *opt)
{
	struct pass p = {t, tr, calloc(tr->nclips ? tr->nclips : 1, sizeof(bool)), 0};
	size_t *map, k = 0;
	bool again = true;
	int rc = 0;

	if (p.gone == NULL)
		return ERR_NOMEM;
	while (again && rc == 0) {
		again = false;
		for (size_t i = 0; i < tr->nclips && !again && rc == 0; i++) {
			const char *name = clip_media_name(&p, (long)i);
			size_t was = p.removed;

			if (p.gone[i])
				continue;
			if (!opt->keep_rendered_fades && aaf_protools_is_fade_name(name))
				rc = replace_fade(&p, (long)i);
			else if (!opt->keep_sae_clips && aaf_protools_is_sae_name(name))
				remove_sae(&p, (long)i);
			again = p.removed != was;      /* start over, as neighbours moved */
		}
	}
	if (rc != 0 || p.removed == 0) {
		free(p.gone);
		return rc;
	}
	map = calloc(tr->nclips, sizeof *map);
	if (map == NULL) {
		free(p.gone);
		return ERR_NOMEM;
	}
	for (size_t i = 0; i < tr->nclips; i++) {
		map[i] = k;
		if (p.gone[i]) {
			aaf_clip_fini(&tr->clips[i]);
			continue;
		}
		if (k != i)
			tr->clips[k] = tr->clips[i];
		k++;
	}
	tr->nclips = k;
	for (size_t i = 0; i < tr->nxfades; i++)
		tr->xfades[i].before = map[tr->xfades[i].before];
	if (tr->nxfades > 1)
		qsort(tr->xfades, tr->nxfades, sizeof *tr->xfades, cmp_xfade);
	aaf_warn(t, "track %u: %zu Pro Tools rendered-fade and sample-accurate-edit "
	    "clips turned back into fades and longer clips", tr->number, p.removed);
	free(map);
	free(p.gone);
	return 0;
}

int
aaf_protools_repair(struct aaf_timeline *t, const struct aaf_options *opt)
{
	int rc = 0;

	if (opt->keep_rendered_fades && opt->keep_sae_clips)
		return 0;
	for (size_t i = 0; i < t->ntracks && rc == 0; i++)
		rc = repair_track(t, &t->tracks[i], opt);
	return rc;
}
