/*
 * aaf_model.c - the composition walk: Header -> ContentStorage -> the
 * top-level CompositionMob -> its slots -> segments, into a struct
 * aaf_timeline in edit units.
 *
 * A composition's timeline slots are tracks. An audio slot's segment is a
 * Sequence of components laid end to end: SourceClips (clips), Fillers
 * (gaps) and Transitions, which overlap their neighbours (so the position
 * steps back by their length): between a Filler and a clip a Transition is
 * a fade, between two clips a crossfade. OperationGroups wrap segments
 * with an effect: audio gain (a constant or an envelope) applies to every
 * clip inside, and when the group wraps a whole slot it is the track's
 * volume or pan; an audio channel combiner makes one multichannel clip
 * out of one source clip a channel. A SourceClip points through a
 * MasterMob (possibly first through sub-clip and adjusted-clip
 * CompositionMobs) to a SourceMob slot: that is the essence, whose
 * descriptor and locators aaf_essence.c reads.
 *
 * Timecode slots give the composition's start; event slots and
 * descriptive timeline slots hold markers.
 */
#include <stdlib.h>
#include <string.h>

#include "interchange/aaf_ids.h"
#include "interchange/aaf_internal.h"

static int walk_segment(struct aaf_walk *w, struct aaf_obj *seg,
    bool track_level);

/* ---- small helpers ---- */

static bool
dd_is(const struct aaf_uid *dd, const struct aaf_uid *a, const struct aaf_uid *b)
{
	return aaf_uid_eq(dd, a) || (b != NULL && aaf_uid_eq(dd, b));
}

static bool
is_sound(const struct aaf_uid *dd)
{
	return dd_is(dd, &AAF_DD_SOUND, &AAF_DD_LEGACY_SOUND);
}

static bool
is_picture(const struct aaf_uid *dd)
{
	return dd_is(dd, &AAF_DD_PICTURE, &AAF_DD_LEGACY_PICTURE);
}

static bool
is_timecode(const struct aaf_uid *dd)
{
	struct aaf_uid u = *dd;

	/* SMPTE timecode data definitions differ in their second word */
	if (aaf_uid_eq(dd, &AAF_DD_LEGACY_TIMECODE))
		return true;
	u.d2 = AAF_DD_TIMECODE.d2;
	return aaf_uid_eq(&u, &AAF_DD_TIMECODE) && dd->d2 >= 0x0100 &&
	    dd->d2 <= 0x0300;
}

static struct aaf_rational
rat(struct aaf_rat r)
{
	struct aaf_rational o = {r.num, r.den};

	return o;
}

static bool
rate_ok(struct aaf_rational r)
{
	return r.num > 0 && r.den > 0;
}

static int64_t
gcd64(int64_t a, int64_t b)
{
	if (a < 0)
		a = -a;
	if (b < 0)
		b = -b;
	while (b != 0) {
		int64_t t = a % b;

		a = b;
		b = t;
	}
	return a ? a : 1;
}

/* a x b, reduced; kept within 32 bits by dropping precision if it must. */
static struct aaf_rational
rat_mul(struct aaf_rational a, struct aaf_rational b)
{
	int64_t n = (int64_t)a.num * b.num, d = (int64_t)a.den * b.den, g;
	struct aaf_rational o;

	if (d == 0) {
		o.num = 0;
		o.den = 0;
		return o;
	}
	g = gcd64(n, d);
	n /= g;
	d /= g;
	while (n > INT32_MAX || n < -INT32_MAX || d > INT32_MAX) {
		n /= 2;
		d /= 2;
	}
	if (d == 0)
		d = 1;
	o.num = (int32_t)n;
	o.den = (int32_t)d;
	return o;
}

static int64_t
length_of(struct aaf_walk *w, const struct aaf_obj *obj)
{
	int64_t len = 0;

	if (aaf_obj_int(w->f, obj, PID_COMPONENT_LENGTH, &len) != 0)
		return 0;
	return len;
}

static bool
datadef_of(struct aaf_walk *w, const struct aaf_obj *obj, struct aaf_uid *dd)
{
	return aaf_obj_weak_uid(w->f, obj, PID_COMPONENT_DATADEF, dd) == 0;
}

/* The stored-as-fault state: the object layer records structural faults
 * in the diag and a walk stops at the first one. */
static int
soft(int rc)
{
	return rc == ERR_NOTFOUND ? 0 : rc;
}

/* Counts work: mob references let a small file ask for a great deal of
 * walking, which is cut short. */
static int
step(struct aaf_walk *w, struct aaf_obj *obj)
{
	if (++w->steps > AAF_MAX_STEPS)
		return aaf_obj_fault(w->f, obj, ERR_PARSE,
		    "the composition asks for more than %ld steps to read",
		    AAF_MAX_STEPS);
	return 0;
}

static int
push(struct aaf_walk *w, struct aaf_obj *obj)
{
	if (step(w, obj) != 0)
		return ERR_PARSE;
	if (w->depth >= AAF_MAX_WALK)
		return aaf_obj_fault(w->f, obj, ERR_PARSE,
		    "segments and references nested deeper than %d", AAF_MAX_WALK);
	for (int i = 0; i < w->depth; i++)
		if (w->stack[i] == obj)
			return aaf_obj_fault(w->f, obj, ERR_PARSE,
			    "reference cycle: the object refers back to itself");
	w->stack[w->depth++] = obj;
	return 0;
}

static void
pop(struct aaf_walk *w)
{
	w->depth--;
}

static struct aaf_track *
cur_track(struct aaf_walk *w)
{
	return w->track >= 0 ? &w->t->tracks[w->track] : NULL;
}

static const char *
track_label(struct aaf_walk *w, char *buf, size_t size)
{
	struct aaf_track *tr = cur_track(w);

	snprintf(buf, size, "track %u", tr ? tr->number : 0);
	return buf;
}

/* ---- parameters: gain, pan, fade curves ---- */

static enum aaf_curve
curve_of(const struct aaf_uid *interp)
{
	if (aaf_uid_eq(interp, &AAF_INTERP_POWER))
		return AAF_CURVE_POWER;
	if (aaf_uid_eq(interp, &AAF_INTERP_LOG))
		return AAF_CURVE_LOG;
	if (aaf_uid_eq(interp, &AAF_INTERP_CONSTANT))
		return AAF_CURVE_CONSTANT;
	if (aaf_uid_eq(interp, &AAF_INTERP_BSPLINE))
		return AAF_CURVE_BSPLINE;
	if (aaf_uid_eq(interp, &AAF_INTERP_NONE))
		return AAF_CURVE_CONSTANT;
	return AAF_CURVE_LINEAR;
}

/* A VaryingValue's control points and interpolation. */
static int
read_points(struct aaf_walk *w, struct aaf_obj *param, struct aaf_automation *a)
{
	struct aaf_obj **pts = NULL;
	struct aaf_uid interp;
	size_t n = 0;
	int rc;

	memset(a, 0, sizeof *a);
	a->interp = AAF_CURVE_LINEAR;
	if (aaf_obj_weak_uid(w->f, param, PID_VARYING_INTERPOLATION, &interp) == 0)
		a->interp = curve_of(&interp);
	rc = aaf_obj_list(w->f, param, PID_VARYING_POINTS, &pts, &n);
	if (rc != 0)
		return soft(rc);            /* Pro Tools may leave the list out */
	a->points = calloc(n ? n : 1, sizeof *a->points);
	if (a->points == NULL) {
		free(pts);
		return ERR_NOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct aaf_rat time, val;
		struct aaf_indirect v;

		if (aaf_obj_rat(w->f, pts[i], PID_CONTROLPOINT_TIME, &time) != 0 ||
		    aaf_obj_indirect(w->f, pts[i], PID_CONTROLPOINT_VALUE, &v) != 0 ||
		    aaf_ind_rat(&v, &val) != 0)
			continue;
		a->points[a->count].time = rat(time);
		a->points[a->count].value = rat(val);
		a->count++;
	}
	free(pts);
	return 0;
}

/* A ConstantValue's rational value. */
static bool
const_rat(struct aaf_walk *w, struct aaf_obj *param, struct aaf_rational *out)
{
	struct aaf_indirect v;
	struct aaf_rat r;

	if (aaf_obj_indirect(w->f, param, PID_CONSTANT_VALUE, &v) != 0 ||
	    aaf_ind_rat(&v, &r) != 0)
		return false;
	*out = rat(r);
	return true;
}

/* Two control points of one value are a constant. */
static bool
flat(const struct aaf_automation *a, struct aaf_rational *value)
{
	if (a->count != 2 || a->points[0].value.num != a->points[1].value.num ||
	    a->points[0].value.den != a->points[1].value.den)
		return false;
	*value = a->points[0].value;
	return true;
}

static bool
is_unity(struct aaf_rational r)
{
	return r.den != 0 && r.num == r.den;
}

/* ---- markers ---- */

static int
read_marker(struct aaf_walk *w, struct aaf_obj *ev)
{
	struct aaf_marker *m;
	int64_t pos, len = 0;
	const uint8_t *col;
	size_t ncol;
	uint16_t pid;
	int rc;

	rc = aaf_obj_int(w->f, ev, PID_EVENT_POSITION, &pos);
	if (rc == ERR_NOTFOUND)
		pos = w->pos;                /* in a timeline slot: where it sits */
	else if (rc != 0)
		return rc;
	if (aaf_obj_int(w->f, ev, PID_COMPONENT_LENGTH, &len) != 0)
		len = 0;
	if ((m = aaf_marker_add(w->t)) == NULL)
		return ERR_NOMEM;
	m->position_eu = pos;
	m->length_eu = len;
	m->edit_rate = w->marker_rate;
	if ((rc = soft(aaf_obj_string(w->f, ev, PID_EVENT_COMMENT, &m->comment))))
		return rc;
	pid = aaf_file_pid(w->f, "CommentMarkerUser");
	if (pid == 0 || aaf_obj_has(ev, pid) == false)
		pid = aaf_file_pid(w->f, "CommentMarkerUSer");   /* Media Composer */
	if (pid != 0 && (rc = soft(aaf_obj_string(w->f, ev, pid, &m->name))))
		return rc;
	pid = aaf_file_pid(w->f, "CommentMarkerColor");
	if (pid != 0 && aaf_obj_raw(ev, pid, &col, &ncol, NULL) == 0 && ncol == 6) {
		m->has_color = true;         /* three big-endian 16-bit values */
		for (int i = 0; i < 3; i++)
			m->rgb[i] = (uint16_t)(col[2 * i] << 8 | col[2 * i + 1]);
	}
	return 0;
}

/* ---- transitions ---- */

static enum aaf_curve
transition_curve(struct aaf_walk *w, struct aaf_obj *og)
{
	enum aaf_curve curve = AAF_CURVE_LINEAR;
	struct aaf_obj **params = NULL;
	size_t n = 0;
	int64_t avid;

	if (aaf_obj_list(w->f, og, PID_OPGROUP_PARAMETERS, &params, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			struct aaf_uid def, interp;

			if (aaf_obj_is(params[i], AAF_C_VARYVALUE) &&
			    aaf_obj_uid(w->f, params[i], PID_PARAMETER_DEFINITION, &def) == 0 &&
			    aaf_uid_eq(&def, &AAF_PARAM_LEVEL) &&
			    aaf_obj_weak_uid(w->f, params[i], PID_VARYING_INTERPOLATION,
			    &interp) == 0)
				curve = curve_of(&interp);
		}
	}
	free(params);
	/* Media Composer always says linear there and keeps the real curve in
	 * an attribute: 0 linear, 1 equal power */
	if (aaf_tagged_int(w->f, og, aaf_file_pid(w->f, "ComponentAttributeList"),
	    "_ATN_AUDIO_DISSOLVE_CURVETYPE", &avid) == 0) {
		if (avid == 0)
			curve = AAF_CURVE_LINEAR;
		else if (avid == 1)
			curve = AAF_CURVE_POWER;
	}
	return curve;
}

static int
walk_transition(struct aaf_walk *w, struct aaf_obj *tn, struct aaf_obj *prev,
    struct aaf_obj *next)
{
	struct aaf_track *tr = cur_track(w);
	struct aaf_obj *og = NULL;
	enum aaf_curve curve = AAF_CURVE_LINEAR;
	int64_t len = length_of(w, tn), cut;
	char lab[32];
	int rc;

	if (w->slot_kind != SLOT_AUDIO || tr == NULL) {
		w->pos -= len;
		return 0;
	}
	if (aaf_obj_int(w->f, tn, PID_TRANSITION_CUTPOINT, &cut) != 0)
		cut = len / 2;
	rc = aaf_obj_strong(w->f, tn, PID_TRANSITION_OPGROUP, &og);
	if (rc == 0)
		curve = transition_curve(w, og);
	else if (rc != ERR_NOTFOUND)
		return rc;
	w->pos -= len;
	/* after silence (or first) a fade in, before silence (or last) a fade
	 * out, between two clips a crossfade */
	if (prev == NULL || aaf_obj_is(prev, AAF_C_FILLER)) {
		w->pending_fade_in = len;            /* applies to the next clip */
		w->pending_fade_in_curve = curve;
	} else if (next == NULL || aaf_obj_is(next, AAF_C_FILLER)) {
		if (w->clip >= 0) {
			tr->clips[w->clip].fade_out_eu = len;
			tr->clips[w->clip].fade_out_curve = curve;
		}
	} else if (prev != NULL && next != NULL && w->clip >= 0) {
		struct aaf_xfade *x = aaf_xfade_add(tr);

		if (x == NULL)
			return ERR_NOMEM;
		x->before = (size_t)w->clip;
		x->length_eu = len;
		x->cut_eu = cut;
		x->curve = curve;
	} else {
		aaf_warn(w->t, "%s: a transition with no clip beside it was dropped",
		    track_label(w, lab, sizeof lab));
	}
	return 0;
}

/* ---- source references ---- */

/* The SourceClip at offset off (edit units) inside segment seg of a mob
 * slot, and the offset inside it; constant gains on the way (an adjusted
 * clip's level) multiply *gain. NULL when nothing plays there. */
static struct aaf_obj *
locate(struct aaf_walk *w, struct aaf_obj *seg, int64_t off, int64_t *rel,
    struct aaf_rational *gain, bool *has_gain, int depth)
{
	struct aaf_obj **items = NULL, *found = NULL;
	size_t n = 0;

	if (seg == NULL || depth > AAF_MAX_WALK || step(w, seg) != 0)
		return NULL;
	if (aaf_obj_is(seg, AAF_C_SOURCECLIP)) {
		*rel = off;
		return seg;
	}
	if (aaf_obj_is(seg, AAF_C_SEQUENCE)) {
		int64_t at = 0;

		if (aaf_obj_list(w->f, seg, PID_SEQUENCE_COMPONENTS, &items, &n) != 0)
			return NULL;
		for (size_t i = 0; i < n && found == NULL; i++) {
			int64_t len = length_of(w, items[i]);

			if (aaf_obj_is(items[i], AAF_C_TRANSITION)) {
				at -= len;
				continue;
			}
			if ((off >= at && off < at + len) || i + 1 == n)
				found = locate(w, items[i], off - at, rel, gain,
				    has_gain, depth + 1);
			at += len;
		}
		free(items);
		return found;
	}
	if (aaf_obj_is(seg, AAF_C_OPGROUP)) {
		struct aaf_uid op;

		if (aaf_obj_weak_uid(w->f, seg, PID_OPGROUP_OPERATION, &op) == 0 &&
		    aaf_uid_eq(&op, &AAF_OP_MONO_GAIN) &&
		    aaf_obj_list(w->f, seg, PID_OPGROUP_PARAMETERS, &items, &n) == 0) {
			for (size_t i = 0; i < n; i++) {
				struct aaf_uid def;
				struct aaf_rational g;

				if (aaf_obj_is(items[i], AAF_C_CONSTVALUE) &&
				    aaf_obj_uid(w->f, items[i], PID_PARAMETER_DEFINITION,
				    &def) == 0 && aaf_uid_eq(&def, &AAF_PARAM_AMPLITUDE) &&
				    const_rat(w, items[i], &g)) {
					*gain = *has_gain ? rat_mul(*gain, g) : g;
					*has_gain = true;
				}
			}
			free(items);
			items = NULL;
		}
		if (aaf_obj_list(w->f, seg, PID_OPGROUP_INPUTS, &items, &n) == 0 &&
		    n > 0)
			found = locate(w, items[0], off, rel, gain, has_gain, depth + 1);
		free(items);
		return found;
	}
	if (aaf_obj_is(seg, AAF_C_SELECTOR)) {
		struct aaf_obj *sel;

		if (aaf_obj_strong(w->f, seg, PID_SELECTOR_SELECTED, &sel) == 0)
			return locate(w, sel, off, rel, gain, has_gain, depth + 1);
	}
	return NULL;
}

static int
find_slot(struct aaf_walk *w, struct aaf_obj *mob, uint64_t slot_id,
    struct aaf_obj **out)
{
	struct aaf_obj **slots = NULL;
	size_t n = 0;
	int rc = aaf_obj_list(w->f, mob, PID_MOB_SLOTS, &slots, &n);

	*out = NULL;
	if (rc != 0)
		return soft(rc);
	for (size_t i = 0; i < n; i++) {
		uint64_t id;

		if (aaf_obj_uint(w->f, slots[i], PID_SLOT_ID, &id) == 0 && id == slot_id) {
			*out = slots[i];
			break;
		}
	}
	free(slots);
	return 0;
}

static bool
mobid_zero(const struct aaf_mobid *id)
{
	for (int i = 0; i < 32; i++)
		if (id->b[i] != 0)
			return false;
	return true;
}

/* extra += eu converted from rate to the track's rate; exact for 0. */
static void
add_extra(struct aaf_walk *w, int64_t eu, struct aaf_rational rate,
    int64_t *extra)
{
	int64_t v;

	if (eu != 0 && aaf_eu_convert(eu, rate, cur_track(w)->edit_rate, &v) == 0)
		*extra += v;
}

/*
 * Follows source clip sc to the essence it plays, adding a channel to clip
 * ci of the current track: through sub-clip and adjusted-clip compositions
 * (the clip gets their name, comments and level) and a master clip to a
 * source mob. off is where in sc the clip starts (edit units at rate);
 * *extra collects, in the track's edit units, how much further into the
 * media the clip starts than its own StartTime says (a sub-clip's start,
 * a master clip's): each such value is converted once, so the usual
 * zero costs no rounding.
 */
static int
follow(struct aaf_walk *w, size_t ci, struct aaf_obj *sc, int64_t off,
    struct aaf_rational rate, bool first, bool top, int64_t *extra)
{
	struct aaf_track *tr = cur_track(w);
	struct aaf_mobid id;
	struct aaf_obj *mob = NULL, *slot = NULL, *seg = NULL, *sc2;
	struct aaf_rational slot_rate = rate, gain = {1, 1};
	bool has_gain = false;
	uint64_t slot_id = 1;
	int64_t start = 0, rel = 0, eu;
	struct aaf_rat r;
	char lab[32];
	int rc;

	if (aaf_obj_mobid(w->f, sc, PID_SOURCEREF_SOURCEID, &id) != 0 ||
	    mobid_zero(&id))
		return 0;                   /* the clip's own mob: nothing further */
	if ((rc = soft(aaf_obj_uint(w->f, sc, PID_SOURCEREF_SLOTID, &slot_id))))
		return rc;
	if ((rc = soft(aaf_obj_int(w->f, sc, PID_SOURCECLIP_STARTTIME, &start))))
		return rc;
	if (!top)
		add_extra(w, start, rate, extra);
	off += start;
	rc = aaf_obj_set_find(w->f, w->content, PID_CONTENT_MOBS, id.b, 32, &mob);
	if (rc == ERR_NOTFOUND) {
		aaf_warn(w->t, "%s: a clip's source is not in the file",
		    track_label(w, lab, sizeof lab));
		return 0;
	}
	if (rc != 0)
		return rc;
	for (int i = 0; i < w->depth; i++)
		if (w->stack[i] == mob) {
			aaf_warn(w->t, "%s: a clip's source refers back to itself; "
			    "left offline", track_label(w, lab, sizeof lab));
			return 0;
		}
	if ((rc = push(w, mob)) != 0)
		return rc;
	if ((rc = find_slot(w, mob, slot_id, &slot)) != 0)
		goto out;
	if (slot == NULL && !aaf_obj_is(mob, AAF_C_SOURCEMOB)) {
		aaf_warn(w->t, "%s: a clip names slot %llu of a mob that lacks it",
		    track_label(w, lab, sizeof lab), (unsigned long long)slot_id);
		goto out;
	}
	if (aaf_obj_is(mob, AAF_C_SOURCEMOB)) {
		size_t ei;                 /* a file mob named directly */

		if ((rc = aaf_essence_find(w, NULL, &id, (uint32_t)slot_id, &ei)) == 0)
			rc = aaf_channel_add(&tr->clips[ci], ei, 0);
		goto out;
	}
	if (aaf_obj_rat(w->f, slot, PID_TIMELINESLOT_EDITRATE, &r) == 0 &&
	    rate_ok(rat(r))) {
		slot_rate = rat(r);
		if (aaf_eu_convert(off, rate, slot_rate, &eu) == 0)
			off = eu;
	}
	if ((rc = aaf_obj_strong(w->f, slot, PID_SLOT_SEGMENT, &seg)) != 0) {
		rc = soft(rc);
		goto out;
	}
	sc2 = locate(w, seg, off, &rel, &gain, &has_gain, 0);
	if (sc2 != NULL)
		add_extra(w, -(off - rel), slot_rate, extra);  /* where sc2 sits */
	if (aaf_obj_is(mob, AAF_C_MASTERMOB)) {
		struct aaf_mobid src;
		uint64_t src_slot = 1, track_no = 0;
		int64_t s2 = 0;
		size_t ei;

		if (sc2 == NULL ||
		    aaf_obj_mobid(w->f, sc2, PID_SOURCEREF_SOURCEID, &src) != 0) {
			aaf_warn(w->t, "%s: a master clip with no source", track_label(w,
			    lab, sizeof lab));
			goto out;
		}
		if ((rc = soft(aaf_obj_uint(w->f, sc2, PID_SOURCEREF_SLOTID, &src_slot))) ||
		    (rc = soft(aaf_obj_int(w->f, sc2, PID_SOURCECLIP_STARTTIME, &s2))) ||
		    (rc = soft(aaf_obj_uint(w->f, slot, PID_SLOT_PHYSTRACK, &track_no))))
			goto out;
		add_extra(w, s2, slot_rate, extra);
		if ((rc = aaf_essence_find(w, mob, &src, (uint32_t)src_slot, &ei)) != 0)
			goto out;
		rc = aaf_channel_add(&tr->clips[ci], ei, (int)track_no);
		goto out;
	}
	if (aaf_obj_is(mob, AAF_C_COMPMOB)) {
		struct aaf_uid usage;
		struct aaf_clip *c = &tr->clips[ci];

		if (aaf_obj_uid(w->f, mob, PID_MOB_USAGECODE, &usage) == 0 &&
		    aaf_uid_eq(&usage, &AAF_USAGE_SUBCLIP) && first) {
			if (c->name == NULL &&
			    (rc = soft(aaf_obj_string(w->f, mob, PID_MOB_NAME, &c->name))))
				goto out;
			if ((rc = aaf_tags_read(w->f, mob, PID_MOB_USERCOMMENTS,
			    &c->tags, &c->ntags)) != 0)
				goto out;
		}
		if (has_gain && first) {
			c->gain = c->has_gain ? rat_mul(c->gain, gain) : gain;
			c->has_gain = true;
		}
		if (sc2 != NULL)
			rc = follow(w, ci, sc2, rel, slot_rate, first, false, extra);
	}
out:
	pop(w);
	return rc;
}

/* ---- clips ---- */

static int
walk_sourceclip(struct aaf_walk *w, struct aaf_obj *sc)
{
	struct aaf_track *tr = cur_track(w);
	struct aaf_clip *c;
	int64_t len = 0, start = 0, eu;
	struct aaf_mobid id;
	uint64_t slot_id = 0;
	int64_t extra = 0;
	char *note = NULL;
	size_t ci;
	int rc;

	if (w->slot_kind != SLOT_AUDIO || tr == NULL) {
		w->pos += length_of(w, sc);
		return 0;
	}
	len = length_of(w, sc);
	if ((rc = soft(aaf_obj_int(w->f, sc, PID_SOURCECLIP_STARTTIME, &start))))
		return rc;
	if (rate_ok(w->warp_rate)) {
		/* Avid audio warp: StartTime and Length count at the warp rate */
		if (aaf_eu_convert(start, w->warp_rate, tr->edit_rate, &eu) == 0)
			start = eu;
		if (aaf_eu_convert(len, w->warp_rate, tr->edit_rate, &eu) == 0)
			len = eu;
	}
	if (aaf_obj_mobid(w->f, sc, PID_SOURCEREF_SOURCEID, &id) != 0)
		memset(&id, 0, sizeof id);
	(void)aaf_obj_uint(w->f, sc, PID_SOURCEREF_SLOTID, &slot_id);

	if (w->combining && w->combine_channel > 0) {
		/* another channel of the clip the combiner began */
		if (w->clip < 0)
			return 0;
		ci = (size_t)w->clip;
		if (w->combine_first_set &&
		    memcmp(&id, &w->combine_first_mob, sizeof id) == 0 &&
		    slot_id == w->combine_first_slot) {
			/* every channel from one multichannel file (Resolve) */
			if (tr->clips[ci].nchans > 0)
				tr->clips[ci].chans[0].channel = 0;
			return 0;
		}
		return follow(w, ci, sc, 0, rate_ok(w->warp_rate) ? w->warp_rate :
		    tr->edit_rate, false, true, &extra);
	}

	if ((c = aaf_clip_add(tr)) == NULL)
		return ERR_NOMEM;
	ci = tr->nclips - 1;
	c->position_eu = w->pos;
	c->length_eu = w->combining && w->combine_length > 0 ? w->combine_length : len;
	c->source_offset_eu = start;
	c->has_gain = w->ctx.has_gain;
	c->gain = w->ctx.gain;
	c->mute = w->ctx.mute;
	if ((rc = aaf_automation_copy(&c->gain_auto, &w->ctx.gain_auto)) != 0)
		return rc;
	if (w->pending_fade_in > 0) {
		c->fade_in_eu = w->pending_fade_in;
		c->fade_in_curve = w->pending_fade_in_curve;
		w->pending_fade_in = 0;
	}
	rc = aaf_tagged_string(w->f, sc, aaf_file_pid(w->f, "ComponentAttributeList"),
	    "_COMMENT", &note);
	if (rc == 0) {
		char *name = strdup("_COMMENT");

		if (name == NULL) {
			free(note);
			return ERR_NOMEM;
		}
		if ((rc = aaf_tag_add(&c->tags, &c->ntags, name, note)) != 0)
			return rc;
	} else if (rc != ERR_NOTFOUND && rc != ERR_PARSE) {
		return rc;
	}
	w->pos += c->length_eu;
	w->clip = (long)ci;
	if (w->combining) {
		w->combine_first_set = true;
		w->combine_first_mob = id;
		w->combine_first_slot = (uint32_t)slot_id;
	}
	rc = follow(w, ci, sc, 0, rate_ok(w->warp_rate) ? w->warp_rate :
	    tr->edit_rate, true, true, &extra);
	tr->clips[ci].source_offset_eu += extra;
	return rc;
}

/* ---- operation groups ---- */

/* An operation's inputs play at the same time: each starts where the
 * group starts; the group ends where the longest ends. */
static int
walk_inputs(struct aaf_walk *w, struct aaf_obj *og, bool track_level)
{
	struct aaf_obj **in = NULL;
	size_t n = 0;
	int64_t start = w->pos, end = w->pos;
	int rc = aaf_obj_list(w->f, og, PID_OPGROUP_INPUTS, &in, &n);

	if (rc != 0)
		return soft(rc);
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (i > 0 && !w->combining)
			w->pos = start;
		rc = walk_segment(w, in[i], track_level);
		if (w->pos > end)
			end = w->pos;
	}
	if (!w->combining)
		w->pos = end;
	free(in);
	return rc;
}

static int
walk_gain(struct aaf_walk *w, struct aaf_obj *og, struct aaf_obj **params,
    size_t n, bool track_level)
{
	struct aaf_track *tr = cur_track(w);
	struct aaf_clipctx saved = w->ctx;
	struct aaf_automation envelope = {0};
	char lab[32];
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		struct aaf_uid def;
		struct aaf_rational g;

		if (aaf_obj_uid(w->f, params[i], PID_PARAMETER_DEFINITION, &def) != 0)
			continue;
		if (aaf_obj_is(params[i], AAF_C_CONSTVALUE)) {
			if (!aaf_uid_eq(&def, &AAF_PARAM_AMPLITUDE) || !const_rat(w, params[i], &g))
				continue;
			if (track_level && tr != NULL) {
				if (!tr->has_volume) {
					tr->has_volume = true;
					tr->volume = g;
				}
			} else {
				w->ctx.gain = w->ctx.has_gain ? rat_mul(w->ctx.gain, g) : g;
				w->ctx.has_gain = true;
			}
			continue;
		}
		if (!aaf_obj_is(params[i], AAF_C_VARYVALUE))
			continue;
		/* Avid also writes a clip-gain ratio under its own definition */
		if (!aaf_uid_eq(&def, &AAF_PARAM_AMPLITUDE) &&
		    !aaf_uid_eq(&def, &AAF_PARAM_AVID_CLIP_RATIO))
			continue;
		free(envelope.points);
		if ((rc = read_points(w, params[i], &envelope)) != 0)
			break;
		if (envelope.count == 0)
			continue;
		if (flat(&envelope, &g)) {
			free(envelope.points);
			memset(&envelope, 0, sizeof envelope);
			if (is_unity(g))
				continue;        /* a flat 0 dB envelope says nothing */
			if (track_level && tr != NULL) {
				if (!tr->has_volume) {
					tr->has_volume = true;
					tr->volume = g;
				}
			} else {
				w->ctx.gain = w->ctx.has_gain ? rat_mul(w->ctx.gain, g) : g;
				w->ctx.has_gain = true;
			}
			continue;
		}
		if (track_level && tr != NULL) {
			if (tr->volume_auto.count == 0) {
				tr->volume_auto = envelope;
				memset(&envelope, 0, sizeof envelope);
			}
		} else if (w->ctx.gain_auto.count == 0) {
			w->ctx.gain_auto = envelope;
			memset(&envelope, 0, sizeof envelope);
		} else {
			aaf_warn(w->t, "%s: a second clip gain envelope was dropped",
			    track_label(w, lab, sizeof lab));
		}
	}
	if (rc == 0)
		rc = walk_inputs(w, og, track_level);
	if (w->ctx.gain_auto.points != saved.gain_auto.points)
		free(w->ctx.gain_auto.points);
	free(envelope.points);
	w->ctx = saved;
	return rc;
}

static int
walk_pan(struct aaf_walk *w, struct aaf_obj *og, struct aaf_obj **params,
    size_t n, bool track_level)
{
	struct aaf_track *tr = cur_track(w);
	char lab[32];
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		struct aaf_uid def;
		struct aaf_rational p;

		if (aaf_obj_uid(w->f, params[i], PID_PARAMETER_DEFINITION, &def) != 0 ||
		    !aaf_uid_eq(&def, &AAF_PARAM_PAN) || tr == NULL)
			continue;
		if (!track_level) {
			aaf_warn(w->t, "%s: clip pan is not supported, dropped",
			    track_label(w, lab, sizeof lab));
			continue;
		}
		if (aaf_obj_is(params[i], AAF_C_CONSTVALUE)) {
			if (const_rat(w, params[i], &p)) {
				tr->has_pan = true;
				tr->pan = p;
			}
		} else if (aaf_obj_is(params[i], AAF_C_VARYVALUE) &&
		    tr->pan_auto.count == 0 && !tr->has_pan) {
			struct aaf_automation a;

			if ((rc = read_points(w, params[i], &a)) != 0)
				break;
			if (flat(&a, &p)) {
				tr->has_pan = true;
				tr->pan = p;
				free(a.points);
			} else {
				tr->pan_auto = a;
			}
		}
	}
	return rc ? rc : walk_inputs(w, og, track_level);
}

static int
walk_combiner(struct aaf_walk *w, struct aaf_obj *og, bool track_level)
{
	struct aaf_track *tr = cur_track(w);
	struct aaf_obj **in = NULL;
	size_t n = 0;
	bool was = w->combining;
	int64_t was_len = w->combine_length;
	enum aaf_format fmt = AAF_FORMAT_UNKNOWN;
	char lab[32];
	int rc;

	if (w->combining || tr == NULL)
		return walk_inputs(w, og, track_level);
	rc = aaf_obj_list(w->f, og, PID_OPGROUP_INPUTS, &in, &n);
	if (rc != 0)
		return soft(rc);
	w->combining = true;
	w->combine_first_set = false;
	/* Resolve writes frame-rounded source clip lengths inside the
	 * combiner; the combiner's own length is the right one */
	w->combine_length = w->resolve ? length_of(w, og) : 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		w->combine_channel = (int)i;       /* one input a channel */
		rc = walk_segment(w, in[i], track_level);
	}
	free(in);
	w->combining = was;
	w->combine_length = was_len;
	if (rc != 0)
		return rc;
	switch (n) {
	case 1: fmt = AAF_FORMAT_MONO; break;
	case 2: fmt = AAF_FORMAT_STEREO; break;
	case 6: fmt = AAF_FORMAT_5_1; break;
	case 8: fmt = AAF_FORMAT_7_1; break;
	default:
		aaf_warn(w->t, "%s: a %zu-channel clip, not a known track format",
		    track_label(w, lab, sizeof lab), n);
		return 0;
	}
	if (tr->format != AAF_FORMAT_UNKNOWN && tr->format != fmt)
		aaf_warn(w->t, "%s: clips of different channel formats",
		    track_label(w, lab, sizeof lab));
	else
		tr->format = fmt;
	return 0;
}

static int
walk_opgroup(struct aaf_walk *w, struct aaf_obj *og, bool track_level)
{
	struct aaf_obj **params = NULL;
	struct aaf_uid op;
	size_t n = 0;
	int rc;

	if (aaf_obj_weak_uid(w->f, og, PID_OPGROUP_OPERATION, &op) != 0)
		return walk_inputs(w, og, track_level);
	if (aaf_uid_eq(&op, &AAF_OP_CHANNEL_COMBINER))
		return walk_combiner(w, og, track_level);
	rc = aaf_obj_list(w->f, og, PID_OPGROUP_PARAMETERS, &params, &n);
	if (rc != 0 && rc != ERR_NOTFOUND)
		return rc;
	if (aaf_uid_eq(&op, &AAF_OP_MONO_GAIN))
		rc = walk_gain(w, og, params, n, track_level);
	else if (aaf_uid_eq(&op, &AAF_OP_MONO_PAN))
		rc = walk_pan(w, og, params, n, track_level);
	else
		rc = walk_inputs(w, og, track_level);   /* effects we do not model */
	free(params);
	return rc;
}

/* ---- sequences and segments ---- */

static int
walk_sequence(struct aaf_walk *w, struct aaf_obj *seq)
{
	struct aaf_obj **items = NULL;
	struct aaf_rational was_warp = w->warp_rate;
	uint16_t attrs = aaf_file_pid(w->f, "ComponentAttributeList");
	int64_t num, den;
	size_t n = 0;
	int rc = aaf_obj_list(w->f, seq, PID_SEQUENCE_COMPONENTS, &items, &n);

	if (rc != 0)
		return soft(rc);
	/* Avid "audio warp": a clip linked at another frame rate counts its
	 * start and length at that rate */
	if (aaf_tagged_int(w->f, seq, attrs, "_MIXMATCH_RATE_NUM", &num) == 0 &&
	    aaf_tagged_int(w->f, seq, attrs, "_MIXMATCH_RATE_DENOM", &den) == 0 &&
	    num > 0 && den > 0 && num <= INT32_MAX && den <= INT32_MAX) {
		w->warp_rate.num = (int32_t)num;
		w->warp_rate.den = (int32_t)den;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (aaf_obj_is(items[i], AAF_C_TRANSITION))
			rc = walk_transition(w, items[i], i > 0 ? items[i - 1] : NULL,
			    i + 1 < n ? items[i + 1] : NULL);
		else
			rc = walk_segment(w, items[i], false);
	}
	w->pending_fade_in = 0;
	w->warp_rate = was_warp;
	free(items);
	return rc;
}

static int
walk_selector(struct aaf_walk *w, struct aaf_obj *sel, bool track_level)
{
	struct aaf_obj *seg = NULL, **alt = NULL;
	size_t nalt = 0;
	int64_t disabled = 0;
	bool was_mute = w->ctx.mute;
	int rc;

	/* Media Composer and Resolve keep a disabled (muted) clip as the
	 * alternate of a selector whose selected segment is silence */
	if (aaf_tagged_int(w->f, sel, aaf_file_pid(w->f, "ComponentAttributeList"),
	    "_DISABLE_CLIP_FLAG", &disabled) == 0 && disabled &&
	    aaf_obj_list(w->f, sel, PID_SELECTOR_ALTERNATES, &alt, &nalt) == 0 &&
	    nalt > 0) {
		w->ctx.mute = true;
		rc = walk_segment(w, alt[0], track_level);
		w->ctx.mute = was_mute;
		free(alt);
		return rc;
	}
	free(alt);
	rc = aaf_obj_strong(w->f, sel, PID_SELECTOR_SELECTED, &seg);
	if (rc != 0)
		return soft(rc);
	return walk_segment(w, seg, track_level);
}

static int
walk_timecode(struct aaf_walk *w, struct aaf_obj *tc)
{
	int64_t start = 0;
	uint64_t fps = 0, drop = 0;
	int rc;

	if (w->tc_found || w->slot_kind != SLOT_OTHER)
		return 0;                    /* the first timecode wins */
	if ((rc = aaf_obj_int(w->f, tc, PID_TIMECODE_START, &start)) != 0 ||
	    (rc = aaf_obj_uint(w->f, tc, PID_TIMECODE_FPS, &fps)) != 0)
		return soft(rc);
	if ((rc = soft(aaf_obj_uint(w->f, tc, PID_TIMECODE_DROP, &drop))))
		return rc;
	w->tc_found = true;
	w->t->tc_start_eu = start;
	w->t->tc_fps = (unsigned)fps;
	w->t->tc_drop = drop != 0;
	w->t->tc_rate = w->slot_rate;
	return 0;
}

static int
walk_segment(struct aaf_walk *w, struct aaf_obj *seg, bool track_level)
{
	char lab[32];
	int rc;

	if ((rc = push(w, seg)) != 0)
		return rc;
	if (aaf_obj_is(seg, AAF_C_SEQUENCE))
		rc = walk_sequence(w, seg);
	else if (aaf_obj_is(seg, AAF_C_SOURCECLIP))
		rc = walk_sourceclip(w, seg);
	else if (aaf_obj_is(seg, AAF_C_FILLER))
		w->pos += length_of(w, seg);
	else if (aaf_obj_is(seg, AAF_C_OPGROUP))
		rc = walk_opgroup(w, seg, track_level);
	else if (aaf_obj_is(seg, AAF_C_SELECTOR))
		rc = walk_selector(w, seg, track_level);
	else if (aaf_obj_is(seg, AAF_C_TIMECODE))
		rc = walk_timecode(w, seg);
	else if (aaf_obj_is(seg, AAF_C_EVENT)) {
		if (w->slot_kind == SLOT_MARKERS)
			rc = read_marker(w, seg);
		w->pos += length_of(w, seg);
	} else if (aaf_obj_is(seg, AAF_C_ESSENCEGROUP)) {
		struct aaf_obj **choices = NULL;
		size_t n = 0;

		/* alternative renderings of one source: play the first */
		rc = aaf_obj_list(w->f, seg, PID_ESSENCEGROUP_CHOICES, &choices, &n);
		if (rc == 0 && n > 0)
			rc = walk_segment(w, choices[0], track_level);
		else if (soft(rc) == 0)
			w->pos += length_of(w, seg);
		rc = soft(rc);
		free(choices);
	} else if (aaf_obj_is(seg, AAF_C_NESTEDSCOPE)) {
		struct aaf_obj **slots = NULL;
		size_t n = 0;

		/* a nested scope's value is its last slot */
		rc = aaf_obj_list(w->f, seg, PID_NESTEDSCOPE_SLOTS, &slots, &n);
		if (rc == 0 && n > 0)
			rc = walk_segment(w, slots[n - 1], track_level);
		rc = soft(rc);
		free(slots);
	} else {
		if (w->slot_kind == SLOT_AUDIO)
			aaf_warn(w->t, "%s: a %s was skipped", track_label(w, lab,
			    sizeof lab), aaf_class_name(seg->kind));
		w->pos += length_of(w, seg);
	}
	pop(w);
	return rc;
}

/* ---- slots and the composition ---- */

static int
walk_audio_slot(struct aaf_walk *w, struct aaf_obj *slot, struct aaf_obj *seg)
{
	struct aaf_track *tr = aaf_track_add(w->t);
	uint16_t attrs = aaf_file_pid(w->f, "TimelineMobAttributeList");
	uint64_t number = 0;
	int64_t v;
	int rc;

	if (tr == NULL)
		return ERR_NOMEM;
	w->track = (long)w->t->ntracks - 1;
	if (aaf_obj_uint(w->f, slot, PID_SLOT_PHYSTRACK, &number) != 0 ||
	    number == 0 || number > 100000)
		number = w->t->ntracks;
	tr->number = (unsigned)number;
	tr->edit_rate = w->slot_rate;
	if ((rc = soft(aaf_obj_string(w->f, slot, PID_SLOT_NAME, &tr->name))))
		return rc;
	if (tr->name != NULL && tr->name[0] == '\0') {
		free(tr->name);
		tr->name = NULL;
	}
	/* Media Composer's mixer state */
	if (aaf_tagged_int(w->f, slot, attrs, "AudioMixerCompSolo", &v) == 0 && v)
		tr->solo = true;
	if (aaf_tagged_int(w->f, slot, attrs, "AudioMixerCompMute", &v) == 0 && v)
		tr->mute = true;
	w->slot_kind = SLOT_AUDIO;
	w->pos = 0;
	w->clip = -1;
	w->pending_fade_in = 0;
	memset(&w->ctx, 0, sizeof w->ctx);
	rc = walk_segment(w, seg, true);
	tr = &w->t->tracks[w->track];
	tr->end_eu = w->pos;
	if (tr->format == AAF_FORMAT_UNKNOWN && tr->nclips > 0)
		tr->format = AAF_FORMAT_MONO;
	switch (tr->format) {
	case AAF_FORMAT_MONO: tr->channels = 1; break;
	case AAF_FORMAT_STEREO: tr->channels = 2; break;
	case AAF_FORMAT_5_1: tr->channels = 6; break;
	case AAF_FORMAT_7_1: tr->channels = 8; break;
	default: tr->channels = 0; break;
	}
	for (size_t i = 0; i < tr->nclips; i++) {
		struct aaf_clip *c = &tr->clips[i];

		c->channels = (int)c->nchans;
		if (c->nchans == 1 && c->chans[0].channel == 0 &&
		    c->chans[0].essence < w->t->nessences)
			c->channels = w->t->essences[c->chans[0].essence].channels;
		if (c->channels == 0)
			c->channels = tr->channels ? tr->channels : 1;
	}
	w->track = -1;
	return rc;
}

static int
walk_slot(struct aaf_walk *w, struct aaf_obj *slot)
{
	struct aaf_obj *seg = NULL;
	struct aaf_uid dd;
	struct aaf_rat r = {0, 0};
	int rc;

	if ((rc = aaf_obj_strong(w->f, slot, PID_SLOT_SEGMENT, &seg)) != 0)
		return soft(rc);
	w->slot_kind = SLOT_OTHER;
	w->pos = 0;
	if (aaf_obj_is(slot, AAF_C_EVENTSLOT)) {
		if (aaf_obj_rat(w->f, slot, PID_EVENTSLOT_EDITRATE, &r) == 0)
			w->marker_rate = rat(r);
		w->slot_rate = rat(r);
		w->slot_kind = SLOT_MARKERS;
		return walk_segment(w, seg, true);
	}
	if (!aaf_obj_is(slot, AAF_C_TIMELINESLOT))
		return 0;                    /* static slots hold no timeline */
	if (aaf_obj_rat(w->f, slot, PID_TIMELINESLOT_EDITRATE, &r) != 0)
		return 0;
	w->slot_rate = rat(r);
	if (!datadef_of(w, seg, &dd))
		return 0;
	if (is_sound(&dd))
		return rate_ok(w->slot_rate) ? walk_audio_slot(w, slot, seg) : 0;
	if (is_timecode(&dd))
		return walk_segment(w, seg, true);
	if (is_picture(&dd)) {
		int64_t len;

		/* only its length matters: it can make the composition longer */
		w->t->nvideo_tracks++;
		w->slot_kind = SLOT_VIDEO;
		if ((rc = walk_segment(w, seg, true)) != 0 || !rate_ok(w->slot_rate))
			return rc;
		if (!rate_ok(w->video_rate) ||
		    (aaf_eu_convert(w->pos, w->slot_rate, w->video_rate, &len) == 0 &&
		    len > w->video_eu)) {
			w->video_eu = w->pos;
			w->video_rate = w->slot_rate;
		}
		return 0;
	}
	if (aaf_uid_eq(&dd, &AAF_DD_DESCRIPTIVE)) {
		w->marker_rate = w->slot_rate;
		w->slot_kind = SLOT_MARKERS;
		return walk_segment(w, seg, true);
	}
	return 0;
}

/* ---- choosing the composition ---- */

/* Marks, in refd[], the mobs of mobs[] that segment seg refers to. */
static void
mark_refs(struct aaf_walk *w, struct aaf_obj *seg, struct aaf_obj **mobs,
    size_t n, const struct aaf_mobid *ids, bool *refd, int depth)
{
	static const uint16_t lists[] = {
		PID_SEQUENCE_COMPONENTS, PID_OPGROUP_INPUTS, PID_SELECTOR_ALTERNATES,
		PID_NESTEDSCOPE_SLOTS,
	};
	struct aaf_mobid id;
	struct aaf_obj *sel;

	if (seg == NULL || depth > AAF_MAX_WALK || step(w, seg) != 0)
		return;
	if (aaf_obj_is(seg, AAF_C_SOURCECLIP) &&
	    aaf_obj_mobid(w->f, seg, PID_SOURCEREF_SOURCEID, &id) == 0) {
		for (size_t i = 0; i < n; i++)
			if (memcmp(&ids[i], &id, sizeof id) == 0)
				refd[i] = true;
		return;
	}
	for (size_t k = 0; k < sizeof lists / sizeof lists[0]; k++) {
		struct aaf_obj **items = NULL;
		size_t m = 0;

		if (aaf_obj_list(w->f, seg, lists[k], &items, &m) != 0)
			continue;
		for (size_t i = 0; i < m; i++)
			mark_refs(w, items[i], mobs, n, ids, refd, depth + 1);
		free(items);
	}
	if (aaf_obj_strong(w->f, seg, PID_SELECTOR_SELECTED, &sel) == 0)
		mark_refs(w, sel, mobs, n, ids, refd, depth + 1);
}

static bool
has_audio(struct aaf_walk *w, struct aaf_obj *mob)
{
	struct aaf_obj **slots = NULL, *seg;
	struct aaf_uid dd;
	size_t n = 0;
	bool yes = false;

	if (aaf_obj_list(w->f, mob, PID_MOB_SLOTS, &slots, &n) != 0)
		return false;
	for (size_t i = 0; i < n && !yes; i++)
		yes = aaf_obj_strong(w->f, slots[i], PID_SLOT_SEGMENT, &seg) == 0 &&
		    datadef_of(w, seg, &dd) && is_sound(&dd);
	free(slots);
	return yes;
}

/*
 * The composition to read: a top-level CompositionMob (or, in files that
 * do not follow the Edit Protocol, one without a usage code). Premiere
 * marks every composition top-level, so among several the ones no other
 * composition uses are preferred, then those with audio, then the first.
 */
static int
choose_composition(struct aaf_walk *w, struct aaf_obj **mobs, size_t n,
    struct aaf_obj **out)
{
	struct aaf_obj **comp = calloc(n ? n : 1, sizeof *comp);
	struct aaf_mobid *ids = calloc(n ? n : 1, sizeof *ids);
	bool *cand = calloc(n ? n : 1, sizeof *cand);
	bool *refd = calloc(n ? n : 1, sizeof *refd);
	size_t nc = 0, ncand = 0, best = 0;
	int best_score = -1;

	*out = NULL;
	if (comp == NULL || ids == NULL || cand == NULL || refd == NULL) {
		free(comp);
		free(ids);
		free(cand);
		free(refd);
		return ERR_NOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct aaf_uid usage;
		bool has_usage;

		if (!aaf_obj_is(mobs[i], AAF_C_COMPMOB))
			continue;
		has_usage = aaf_obj_uid(w->f, mobs[i], PID_MOB_USAGECODE, &usage) == 0;
		comp[nc] = mobs[i];
		if (aaf_obj_mobid(w->f, mobs[i], PID_MOB_MOBID, &ids[nc]) != 0)
			memset(&ids[nc], 0, sizeof ids[nc]);
		cand[nc] = (has_usage && aaf_uid_eq(&usage, &AAF_USAGE_TOPLEVEL)) ||
		    (!has_usage && !w->edit_protocol);
		ncand += cand[nc];
		nc++;
	}
	if (ncand == 0)              /* nothing flagged: any composition will do */
		for (size_t i = 0; i < nc; i++) {
			struct aaf_uid usage;

			cand[i] = aaf_obj_uid(w->f, comp[i], PID_MOB_USAGECODE, &usage) != 0 ||
			    !(aaf_uid_eq(&usage, &AAF_USAGE_SUBCLIP) ||
			    aaf_uid_eq(&usage, &AAF_USAGE_ADJUSTEDCLIP));
			ncand += cand[i];
		}
	if (ncand > 1) {
		for (size_t i = 0; i < nc; i++) {
			struct aaf_obj **slots = NULL, *seg;
			size_t ns = 0;

			if (aaf_obj_list(w->f, comp[i], PID_MOB_SLOTS, &slots, &ns) != 0)
				continue;
			for (size_t k = 0; k < ns; k++)
				if (aaf_obj_strong(w->f, slots[k], PID_SLOT_SEGMENT, &seg) == 0)
					mark_refs(w, seg, comp, nc, ids, refd, 0);
			free(slots);
		}
	}
	for (size_t i = 0; i < nc; i++) {
		int score;

		if (!cand[i])
			continue;
		score = (refd[i] ? 0 : 2) + (ncand > 1 && has_audio(w, comp[i]) ? 1 : 0);
		if (score > best_score) {
			best_score = score;
			best = i;
		}
	}
	if (best_score >= 0) {
		*out = comp[best];
		if (ncand > 1)
			aaf_warn(w->t, "%zu compositions are marked top-level; read the "
			    "one no other uses", ncand);
	}
	free(comp);
	free(ids);
	free(cand);
	free(refd);
	return 0;
}

/* ---- the file ---- */

static int
read_identification(struct aaf_walk *w, struct aaf_obj *header)
{
	struct aaf_obj **ids = NULL;
	size_t n = 0;
	int rc = aaf_obj_list(w->f, header, PID_HEADER_IDENTLIST, &ids, &n);

	if (rc != 0)
		return soft(rc);
	if (n > 0) {
		struct aaf_obj *id = ids[n - 1];      /* the latest writer */

		if ((rc = soft(aaf_obj_string(w->f, id, PID_IDENT_COMPANY,
		    &w->t->company))) == 0 &&
		    (rc = soft(aaf_obj_string(w->f, id, PID_IDENT_PRODUCT,
		    &w->t->product))) == 0)
			rc = soft(aaf_obj_string(w->f, id, PID_IDENT_VERSIONSTRING,
			    &w->t->version));
	}
	free(ids);
	if (rc == 0) {
		const char *p = w->t->product ? w->t->product : "";
		const char *c = w->t->company ? w->t->company : "";

		w->protools = strcmp(c, "Digidesign, Inc.") == 0 &&
		    strcmp(p, "ProTools") == 0;
		w->resolve = strstr(p, "Resolve") != NULL;
	}
	return rc;
}

static int
walk_file(struct aaf_walk *w)
{
	struct aaf_obj *header, **mobs = NULL, **slots = NULL;
	struct aaf_uid op;
	size_t nmobs = 0, nslots = 0;
	int rc;

	if ((rc = aaf_file_header(w->f, &header)) != 0)
		return rc;
	if ((rc = read_identification(w, header)) != 0)
		return rc;
	w->edit_protocol = aaf_obj_uid(w->f, header, PID_HEADER_OPPATTERN, &op) == 0 &&
	    aaf_uid_eq(&op, &AAF_OP_PATTERN_EDIT_PROTOCOL);
	rc = aaf_obj_strong(w->f, header, PID_HEADER_CONTENT, &w->content);
	if (rc == ERR_NOTFOUND)
		return aaf_obj_fault(w->f, header, ERR_SEMANTIC,
		    "the file has no content storage");
	if (rc != 0)
		return rc;
	rc = aaf_obj_list(w->f, w->content, PID_CONTENT_MOBS, &mobs, &nmobs);
	if (rc != 0 && rc != ERR_NOTFOUND)
		return rc;
	rc = choose_composition(w, mobs, nmobs, &w->top);
	free(mobs);
	if (rc == 0 && w->steps > AAF_MAX_STEPS)
		rc = ERR_PARSE;
	if (rc != 0)
		return rc;
	if (w->top == NULL)
		return aaf_obj_fault(w->f, w->content, ERR_SEMANTIC,
		    "the file holds no composition");
	if ((rc = soft(aaf_obj_string(w->f, w->top, PID_MOB_NAME, &w->t->name))))
		return rc;
	if ((rc = aaf_tags_read(w->f, w->top, PID_MOB_USERCOMMENTS, &w->t->tags,
	    &w->t->ntags)) != 0)
		return rc;
	if ((rc = push(w, w->top)) != 0)
		return rc;
	rc = aaf_obj_list(w->f, w->top, PID_MOB_SLOTS, &slots, &nslots);
	rc = soft(rc);
	for (size_t i = 0; i < nslots && rc == 0; i++)
		rc = walk_slot(w, slots[i]);
	free(slots);
	pop(w);
	if (rc == 0 && w->steps > AAF_MAX_STEPS)
		rc = ERR_PARSE;
	if (rc != 0)
		return rc;
	if (!w->tc_found) {
		w->t->tc_rate.num = 25;         /* as other readers assume */
		w->t->tc_rate.den = 1;
		w->t->tc_fps = 25;
		aaf_warn(w->t, "the composition has no timecode: starting at 00:00:00:00");
	}
	return 0;
}

static char *
dir_of(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;
	char *d;

	if (slash == NULL)
		return strdup(".");
	d = strndup(path, (size_t)(slash - path));
	if (d != NULL && d[0] == '\0') {
		free(d);
		d = strdup("/");
	}
	return d;
}

static int
read_timeline(struct aaf_file *f, const char *path,
    const struct aaf_options *opt, struct aaf_timeline **out)
{
	static const struct aaf_options defaults;
	struct aaf_walk w;
	char *dir = dir_of(path);
	int rc;

	memset(&w, 0, sizeof w);
	w.f = f;
	w.opt = opt ? opt : &defaults;
	w.track = -1;
	w.clip = -1;
	w.aaf_dir = dir;
	w.t = calloc(1, sizeof *w.t);
	if (w.t == NULL || dir == NULL) {
		free(dir);
		free(w.t);
		return ERR_NOMEM;
	}
	rc = walk_file(&w);
	if (rc == 0 && w.protools)
		rc = aaf_protools_repair(w.t, w.opt);
	if (rc == 0)
		rc = aaf_frames_fill(w.t, w.opt, w.video_eu, w.video_rate);
	free(dir);
	if (rc != 0) {
		aaf_timeline_free(w.t);
		return rc;
	}
	*out = w.t;
	return 0;
}

int
aaf_read(const char *path, const struct aaf_options *opt,
    struct aaf_timeline **out, struct diag *d)
{
	struct aaf_file *f;
	int rc;

	*out = NULL;
	diag_clear(d);
	if ((rc = aaf_file_open(path, &f, d)) != 0)
		return rc;
	rc = read_timeline(f, path, opt, out);
	aaf_file_close(f);
	return rc;
}

int
aaf_read_memory(const void *data, size_t size, const struct aaf_options *opt,
    struct aaf_timeline **out, struct diag *d)
{
	struct aaf_options o = opt ? *opt : (struct aaf_options){0};
	struct aaf_file *f;
	int rc;

	*out = NULL;
	diag_clear(d);
	o.no_media_search = true;          /* no folder to look from */
	if ((rc = aaf_file_open_memory(data, size, &f, d)) != 0)
		return rc;
	rc = read_timeline(f, NULL, &o, out);
	aaf_file_close(f);
	return rc;
}
