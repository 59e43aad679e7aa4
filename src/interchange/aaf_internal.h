/*
 * aaf_internal.h - what the files of the AAF reader share (internal to
 * src/interchange/aaf*.c): the walk's state, timeline building helpers,
 * the essence, Pro Tools and frame-conversion passes.
 *
 * The reader works in three passes: aaf_model.c walks the composition and
 * fills a struct aaf_timeline in edit units (position_eu...), reading
 * media descriptors through aaf_essence.c; aaf_protools.c repairs Pro
 * Tools' rendered fades and sample-accurate-edit clips, still in edit
 * units; aaf_frames.c picks the timeline's sample rate and converts every
 * edit-unit value to frames.
 */
#ifndef DUBSTAGE_INTERCHANGE_AAF_INTERNAL_H
#define DUBSTAGE_INTERCHANGE_AAF_INTERNAL_H

#include "interchange/aaf.h"
#include "interchange/aaf_obj.h"

#define AAF_MAX_WALK 48           /* nested segments and mob references */
#define AAF_MAX_STEPS 20000000L   /* segments visited, all told */

/* Per-clip context the enclosing operation groups set. */
struct aaf_clipctx {
	bool has_gain;
	struct aaf_rational gain;
	struct aaf_automation gain_auto;   /* borrowed from the op group */
	bool mute;
};

/* The walk of one composition (aaf_model.c). */
struct aaf_walk {
	struct aaf_file *f;
	struct aaf_timeline *t;
	const struct aaf_options *opt;
	const char *aaf_dir;              /* folder of the AAF, for media */
	bool edit_protocol;               /* Header::OperationalPattern says so */
	bool resolve;                     /* DaVinci Resolve export */
	bool protools;                    /* Pro Tools export */
	struct aaf_obj *content;          /* ContentStorage: mobs, essence data */
	struct aaf_obj *top;              /* the composition */
	enum { SLOT_OTHER, SLOT_AUDIO, SLOT_VIDEO, SLOT_MARKERS } slot_kind;
	struct aaf_rational slot_rate;    /* edit rate of the slot being read */
	bool tc_found;
	int64_t video_eu;                 /* longest picture track */
	struct aaf_rational video_rate;

	long track;                       /* current audio track index, -1 none */
	int64_t pos;                      /* current position, track edit units */
	int64_t pending_fade_in;          /* edit units; next clip fades in */
	enum aaf_curve pending_fade_in_curve;
	long clip;                        /* last clip of the current track, -1 */

	struct aaf_clipctx ctx;
	bool op_affects_track;
	bool combining;                   /* inside an audio channel combiner */
	int combine_channel;              /* 0-based channel being read */
	int64_t combine_length;           /* Resolve: the combiner's length */
	bool combine_first_set;           /* the first channel's master mob slot */
	struct aaf_mobid combine_first_mob;
	uint32_t combine_first_slot;
	struct aaf_rational warp_rate;    /* Avid audio warp: 0/0 none */

	struct aaf_rational marker_rate;  /* of the event slot being read */
	struct aaf_obj *stack[AAF_MAX_WALK];  /* mobs and segments being read */
	int depth;
	long steps;                       /* work done, against AAF_MAX_STEPS */
};

/* ---- timeline building (aaf_timeline.c) ---- */

/* Appends a formatted warning to t (dropped if memory runs out). */
void aaf_warn(struct aaf_timeline *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends a tag; takes ownership of name and text (freed on failure). */
int aaf_tag_add(struct aaf_tag **tags, size_t *n, char *name, char *text);
void aaf_tags_free(struct aaf_tag *tags, size_t n);
/* Reads a TaggedValue vector or set (pid of obj) whose values are strings
 * into tags; other value types are skipped. 0, or ERR_PARSE/ERR_NOMEM. */
int aaf_tags_read(struct aaf_file *f, struct aaf_obj *obj, uint16_t pid,
    struct aaf_tag **tags, size_t *n);
/* The TaggedValue called name in the list pid of obj, as an integer or a
 * string. 0, ERR_NOTFOUND, ERR_PARSE, ERR_NOMEM. */
int aaf_tagged_int(struct aaf_file *f, struct aaf_obj *obj, uint16_t pid,
    const char *name, int64_t *out);
int aaf_tagged_string(struct aaf_file *f, struct aaf_obj *obj, uint16_t pid,
    const char *name, char **out);

struct aaf_track *aaf_track_add(struct aaf_timeline *t);
struct aaf_clip *aaf_clip_add(struct aaf_track *tr);
struct aaf_xfade *aaf_xfade_add(struct aaf_track *tr);
struct aaf_marker *aaf_marker_add(struct aaf_timeline *t);
struct aaf_essence *aaf_essence_add(struct aaf_timeline *t);
int aaf_channel_add(struct aaf_clip *c, size_t essence, int channel);
int aaf_automation_copy(struct aaf_automation *dst,
    const struct aaf_automation *src);
void aaf_clip_fini(struct aaf_clip *c);

/* ---- essences (aaf_essence.c) ---- */

/*
 * The essence that source mob src, slot src_slot holds, as master (the
 * master clip naming it; may be NULL) uses it: found among t->essences by
 * source mob and slot, or read (source mob, descriptor, locators, embedded
 * data) and added. *index is its index. 0, ERR_PARSE, ERR_NOMEM. A source
 * mob that is not in the file still gives an essence, with no media.
 */
int aaf_essence_find(struct aaf_walk *w, struct aaf_obj *master,
    const struct aaf_mobid *src, uint32_t src_slot, size_t *index);

/* ---- Pro Tools (aaf_protools.c) ---- */

/* Turns rendered fade clips into fades and crossfades and merges
 * sample-accurate-edit clips into their neighbours, as opt allows. */
int aaf_protools_repair(struct aaf_timeline *t, const struct aaf_options *opt);
bool aaf_protools_is_fade_name(const char *name);
bool aaf_protools_is_sae_name(const char *name);

/* ---- frames (aaf_frames.c) ---- */

/* v x num / den, floored, exactly; ERR_INVALID on overflow or den 0. */
int aaf_rescale(int64_t v, int64_t num, int64_t den, int64_t *out);
/* Converts an edit-unit count at rate to frames at rate_hz (floored). */
int aaf_eu_to_frames(int64_t eu, struct aaf_rational rate, int rate_hz,
    int64_t *out);
/* Converts edit units of one rate to another (floored). */
int aaf_eu_convert(int64_t eu, struct aaf_rational from,
    struct aaf_rational to, int64_t *out);
/* Picks t->sample_rate_hz and fills every *_frames value; the end is the
 * longest audio track or the picture track (video_eu at video_rate). */
int aaf_frames_fill(struct aaf_timeline *t, const struct aaf_options *opt,
    int64_t video_eu, struct aaf_rational video_rate);

#endif
