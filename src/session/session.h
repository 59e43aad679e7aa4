/*
 * session.h - the session model: plain documented structs.
 *
 * A session is a tree the session owns: sources, tracks (with their clips,
 * sends, inserts and automation lanes), buses, markers. Read it freely from
 * the main thread; change a live session only through session/edit.h so
 * every change is undoable. Builders that construct a brand-new session (the
 * XML loader, importers) use the session_add_* primitives below before the
 * session is handed to an editor.
 *
 * Identity: every object has a stable typed id, a kind sigil plus a number
 * (T3 track, C12 clip, B1 bus, S4 source, M2 marker, N1 noise print).
 * Numbers are never reused
 * within a session (the next free number per kind is part of the session and
 * saved with it), so ids in scripts, reports and journals stay meaningful.
 * Arrays are ordered (tracks and buses in mixer order, clips by position,
 * markers by position, noise prints by id); look objects up by id, never
 * keep an index or a
 * pointer across an edit.
 *
 * Time: every position and length is an integer count of frames at the
 * session sample rate, counted from timecode 00:00:00:00. A session starting
 * at 01:00:00:00 at 48 kHz has timecode.start_frames = 172800000.
 * Exception: clip source offsets are in frames of the clip's source, at the
 * source's own sample rate (exact for the media; the engine resamples).
 *
 * Levels are in dB (gain_db, level_db); -inf is not stored: a level at or
 * below SESSION_GAIN_MIN_DB means silence.
 */
#ifndef DUBSTAGE_SESSION_SESSION_H
#define DUBSTAGE_SESSION_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session/timecode.h"

#define SESSION_FORMAT_VERSION 1
#define SESSION_GAIN_MIN_DB (-144.0)
#define SESSION_GAIN_MAX_DB 24.0

/* ---- ids ---------------------------------------------------------------- */

enum id_kind {
	ID_TRACK,   /* T */
	ID_CLIP,    /* C */
	ID_BUS,     /* B */
	ID_SOURCE,  /* S */
	ID_MARKER,  /* M */
	ID_PRINT,   /* N: a learned noise profile (struct noise_print) */
	ID_KIND_COUNT
};

/* A typed id. num 0 means "none" (e.g. a track routed to the master has
 * output.num == 0). */
struct id {
	enum id_kind kind;
	uint32_t num;
};

char id_sigil(enum id_kind kind);
/* Formats "T3" into buf (>= 16 bytes); "master" for a none-id of ID_BUS,
 * "-" for other none-ids. Returns buf. */
char *id_format(struct id id, char *buf, size_t size);
/* Parses "T3" (sigil case-insensitive). 0, or ERR_PARSE. */
int id_parse(const char *text, struct id *out);

/* ---- channel formats ---------------------------------------------------- */

enum chan_format {
	CHAN_MONO,
	CHAN_STEREO,
	CHAN_5_1,     /* L R C LFE Ls Rs */
	CHAN_7_1,     /* L R C LFE Lss Rss Lrs Rrs */
	CHAN_7_1_2,   /* 7.1 + Ltm Rtm (top middle) */
	CHAN_FORMAT_COUNT
};

int chan_format_channels(enum chan_format f);
const char *chan_format_name(enum chan_format f);       /* "mono", "5.1" */
int chan_format_parse(const char *name, enum chan_format *out);
/* Short speaker label of channel ch of format f ("L", "LFE", "Lrs"). */
const char *chan_format_label(enum chan_format f, int ch);

/* ---- fades and automation ----------------------------------------------- */

enum fade_shape {
	FADE_LINEAR,
	FADE_EQUAL_POWER,  /* sin/cos quarter wave: constant power on uncorrelated material */
	FADE_S_CURVE,      /* raised cosine: smooth start and end, constant voltage */
	FADE_LOG,          /* fast start, slow end (in: quick rise) */
	FADE_EXP,          /* slow start, fast end */
	FADE_SHAPE_COUNT
};

const char *fade_shape_name(enum fade_shape s);  /* "linear", "equal-power", "s-curve", "log", "exp" */
int fade_shape_parse(const char *name, enum fade_shape *out);

struct fade {
	int64_t length_frames;   /* 0 = no fade */
	enum fade_shape shape;
};

enum auto_param {
	AUTO_VOLUME,      /* value in dB */
	AUTO_PAN,         /* left/right position, -1 (L) .. +1 (R) */
	AUTO_PAN_FB,      /* front/back position, -1 (rear) .. +1 (front) */
	AUTO_MUTE,        /* 0 or 1 (always stepped) */
	AUTO_SEND_LEVEL,  /* send to lane.target bus, value in dB */
	AUTO_CLIP_GAIN,   /* on a clip: gain in dB, frames relative to the clip start */
	AUTO_INSERT,      /* parameter lane.insert_param of insert lane.insert, in
	                     that parameter's own unit */
	AUTO_PARAM_COUNT
};

const char *auto_param_name(enum auto_param p); /* "volume", "pan", "pan-fb", "mute", "send-level", "clip-gain", "insert" */
int auto_param_parse(const char *name, enum auto_param *out);

enum auto_interp {
	INTERP_LINEAR,    /* straight line to the next point */
	INTERP_STEP,      /* hold this value until the next point */
	INTERP_COUNT
};

const char *auto_interp_name(enum auto_interp i); /* "linear", "step" */
int auto_interp_parse(const char *name, enum auto_interp *out);

struct auto_point {
	int64_t frame;              /* session frames (clip-relative for clip gain) */
	double value;               /* in the lane's unit */
	enum auto_interp interp;    /* how to reach the next point */
};

/* Points are sorted by frame, frames unique. Before the first point the lane
 * holds the first value, after the last the last value. */
struct auto_lane {
	enum auto_param param;
	struct id target;           /* AUTO_SEND_LEVEL: the send's bus; else none */
	int insert;                 /* AUTO_INSERT: 0-based index in the chain */
	char *insert_param;         /* AUTO_INSERT: the parameter's name; else NULL */
	struct auto_point *points;
	size_t count, cap;
};

/* ---- sources ------------------------------------------------------------ */

struct source {
	struct id id;
	char *name;                 /* display name (file name when unset) */
	char *path;                 /* as stored: relative to the session file's folder, or absolute */
	int channels;
	int sample_rate_hz;
	int64_t length_frames;      /* in the source's own frames; 0 = unknown
	                               (clips are then not checked against it) */
	char *format;               /* container, e.g. "wav", "aiff", "flac" (informational) */
	bool embedded;              /* came embedded in an interchange file (extracted into media/) */
	bool online;                /* media found and readable; set by load/probe, not saved */
	char *scene, *take, *tape, *comment;  /* production metadata; NULL when unknown */
};

/* ---- clips -------------------------------------------------------------- */

/* One channel of a clip taken from a different source (multi-source
 * multichannel clips, e.g. a 5.1 clip made of six mono files). */
struct clip_channel {
	struct id source;
	int source_channel;         /* 0-based */
};

/*
 * A clip plays frames [source_offset, source_offset + length) of its source
 * at timeline frames [position, position + length). Channel c of the track
 * takes source channel source_channel + c, unless channel_map is set, in
 * which case channel c takes channel_map[c] (channel_map_count equals the
 * track's channel count).
 *
 * Crossfades: clips on one track may overlap. Where they do, the earlier
 * clip's fade-out and the later clip's fade-in play together: a crossfade is
 * exactly such an overlap with both fades covering it (see
 * session_track_crossfades).
 */
struct clip {
	struct id id;
	char *name;
	struct id source;
	int source_channel;         /* 0-based first channel */
	struct clip_channel *channel_map;
	int channel_map_count;
	int64_t position_frames;
	int64_t length_frames;      /* > 0 */
	int64_t source_offset_frames;  /* source frames, >= 0 */
	double gain_db;
	bool mute;
	struct fade fade_in, fade_out;
	struct auto_lane *gain_lane;   /* AUTO_CLIP_GAIN or NULL */
};

/* ---- routing ------------------------------------------------------------ */

/* A send from a track or bus to an aux/stem bus. At most one per bus. */
struct send {
	struct id bus;
	double level_db;
	bool pre_fader;
	bool mute;
};

/* A processor in an insert chain: kind names the dsp kernel ("eq",
 * "dynamics", ...); parameters are name/value pairs in the kernel's units. */
struct insert_param {
	char *name;
	double value;
};

struct insert {
	char *kind;
	bool bypass;
	struct insert_param *params;
	size_t param_count;
};

/* Panner state shared by tracks and buses. */
struct pan {
	double x;            /* left/right: -1 hard left, 0 centre, +1 hard right */
	double y;            /* front/back (surround): +1 front, -1 rear */
	double divergence;   /* 0 = a point source, 1 = spread to all speakers */
	double lfe_db;       /* send to LFE (surround masters), SESSION_GAIN_MIN_DB = off */
};

/* The common mixer-strip part of tracks and buses. */
struct strip {
	char *name;
	enum chan_format format;
	double gain_db;              /* fader */
	struct pan pan;
	bool mute, solo;
	struct id output;            /* ID_BUS; num 0 = the master */
	struct send *sends;
	size_t send_count;
	struct insert *inserts;
	size_t insert_count;
	struct auto_lane *lanes;     /* one per (param, target) */
	size_t lane_count;
};

struct track {
	struct id id;
	struct strip strip;
	struct clip *clips;          /* sorted by position, then id */
	size_t clip_count, clip_cap;
};

enum bus_kind {
	BUS_AUX,   /* effects returns, groups */
	BUS_STEM,  /* a delivered stem (dialogue, music, effects ...) */
};

const char *bus_kind_name(enum bus_kind k);  /* "aux", "stem" */
int bus_kind_parse(const char *name, enum bus_kind *out);

struct bus {
	struct id id;
	enum bus_kind kind;
	struct strip strip;
};

struct marker {
	struct id id;
	char *name;
	int64_t position_frames;
	int64_t length_frames;      /* 0 = a point marker */
	char *comment;              /* NULL when none */
	char *colour;               /* "#rrggbb" or NULL */
};

/* ---- noise prints ------------------------------------------------------- */

/*
 * A learned noise profile ("noise print"): the mean power spectrum of a
 * stretch of room tone, kept so that dialogue cleanup can reuse it on other
 * clips. dsp/noiseprofile.h computes it; the session only keeps the numbers
 * and never interprets them. Valid when noise_print_validate() says so.
 */
#define NOISE_PRINT_RATE_MIN_HZ 8000
#define NOISE_PRINT_RATE_MAX_HZ 192000
#define NOISE_PRINT_FFT_MIN 16
#define NOISE_PRINT_FFT_MAX 65536

struct noise_print {
	struct id id;            /* ID_PRINT, sigil 'N': N1, N2 ... */
	char *name;              /* the user's name, e.g. "room 12A"; non-empty */
	char *origin;            /* where it was learned, free text, e.g. "C12 01:00:05:00-01:00:06:00"; may be NULL */
	int sample_rate_hz;      /* NOISE_PRINT_RATE_MIN_HZ..NOISE_PRINT_RATE_MAX_HZ */
	int fft_size;            /* power of two, NOISE_PRINT_FFT_MIN..NOISE_PRINT_FFT_MAX */
	int bins;                /* == fft_size / 2 + 1 */
	int frames;              /* analysis frames averaged, >= 1 */
	double level_db;         /* mean level of the selection, dBFS; finite (clamp silence to SESSION_GAIN_MIN_DB) */
	float *power;            /* bins values, finite, >= 0 (mean power per bin) */
	unsigned char *tonal;    /* bins values, 0 or 1 */
};

/* 0 when np is a valid noise print (its id is not checked), else
 * ERR_INVALID with the first reason in why (may be NULL; why_size >= 64
 * gives whole messages). The editor, the writer and (with its own
 * line-numbered messages) the loader all hold prints to these rules. */
int noise_print_validate(const struct noise_print *np, char *why,
    size_t why_size);

struct master {
	enum chan_format format;
	double gain_db;
};

/* ---- the session -------------------------------------------------------- */

struct session {
	char *name;
	char *path;                 /* the file it was loaded from / saved to, or NULL */
	int sample_rate_hz;
	struct {
		struct tc_rate rate;
		int64_t start_frames;   /* audio frame of the session's start timecode */
	} timecode;
	struct master master;

	struct source *sources; size_t source_count, source_cap;
	struct track *tracks;   size_t track_count, track_cap;
	struct bus *buses;      size_t bus_count, bus_cap;
	struct marker *markers; size_t marker_count, marker_cap;
	struct noise_print *noise_prints;   /* in id order */
	size_t noise_print_count, noise_print_cap;

	uint32_t next_id[ID_KIND_COUNT];  /* next number to hand out per kind */
};

/* Creates an empty session: no tracks, stereo master, start 00:00:00:00.
 * sample_rate_hz in 8000..768000. Caller frees with session_destroy. NULL on
 * invalid rate or allocation failure. */
struct session *session_create(int sample_rate_hz, const struct tc_rate *rate);
void session_destroy(struct session *s);      /* NULL is a no-op */

/* A deep copy (NULL on allocation failure). Caller frees. */
struct session *session_clone(const struct session *s);

/* Lookups: NULL when there is no such object. Pointers are valid until the
 * next change to the session. */
struct source *session_source(const struct session *s, struct id id);
struct track *session_track(const struct session *s, struct id id);
struct bus *session_bus(const struct session *s, struct id id);
struct marker *session_marker(const struct session *s, struct id id);
struct noise_print *session_noise_print(const struct session *s,
    struct id id);
/* The first noise print (in id order) whose name is exactly name
 * (case-sensitive), or NULL. */
struct noise_print *session_noise_print_by_name(const struct session *s,
    const char *name);
/* Finds a clip and the track that holds it (track_out may be NULL). */
struct clip *session_clip(const struct session *s, struct id id,
    struct track **track_out);
/* The strip of a track or bus id; NULL otherwise. */
struct strip *session_strip(const struct session *s, struct id id);

/* Hands out the next id of a kind. */
struct id session_next_id(struct session *s, enum id_kind kind);
/* Records that an id is used (so it is never handed out again). */
void session_reserve_id(struct session *s, struct id id);

/*
 * Builder primitives: append a zero-initialised object with the given id
 * (num 0 = hand out the next one) and return it, or NULL on allocation
 * failure or when the id is already used (*err says which when err != NULL).
 * Strings in the returned object are NULL; the session owns whatever the
 * caller stores in it (malloc'd strings, arrays) and frees it.
 */
struct source *session_add_source(struct session *s, struct id id, int *err);
struct track *session_add_track(struct session *s, struct id id, int *err);
struct bus *session_add_bus(struct session *s, struct id id, int *err);
struct marker *session_add_marker(struct session *s, struct id id, int *err);
/* Appends; with an explicit id lower than an existing print's, call
 * session_sort_noise_prints afterwards to restore id order. */
struct noise_print *session_add_noise_print(struct session *s, struct id id,
    int *err);
struct clip *session_add_clip(struct session *s, struct track *t,
    struct id id, int *err);
/* Sorts a track's clips by position (call after changing positions). */
void session_track_sort_clips(struct track *t);
void session_sort_markers(struct session *s);
void session_sort_noise_prints(struct session *s);

/* Automation lanes of a strip: the lane for (param, target), or NULL. */
struct auto_lane *strip_lane(const struct strip *st, enum auto_param param,
    struct id target);
/* The lane automating parameter `name` of insert `insert`, or NULL. */
struct auto_lane *strip_insert_lane(const struct strip *st, int insert,
    const char *name);
/* The send to bus, or NULL. */
struct send *strip_send(const struct strip *st, struct id bus);

/* Frees what an object owns (not the object itself). */
void source_fini(struct source *src);
void clip_fini(struct clip *c);
void strip_fini(struct strip *st);
void marker_fini(struct marker *m);
void noise_print_fini(struct noise_print *np);
/* Deep copy of src into dst (dst's previous contents are not freed).
 * 0, or ERR_NOMEM with dst left destroyable by noise_print_fini. */
int noise_print_copy(struct noise_print *dst, const struct noise_print *src);
void auto_lane_fini(struct auto_lane *lane);
void insert_fini(struct insert *ins);
/* The parameter of ins called name, or NULL when it has none (the
 * kernel's default is in force). */
struct insert_param *insert_param_find(const struct insert *ins,
    const char *name);

/* Value of a lane at frame (interpolated as the points say). The lane must
 * have at least one point. */
double auto_lane_value_at(const struct auto_lane *lane, int64_t frame);

/* A crossfade: the overlap of two clips on one track. */
struct crossfade {
	struct id clip_out, clip_in;
	int64_t position_frames;
	int64_t length_frames;
};

/* Lists the overlaps of t's clips into out (up to max); returns how many
 * there are in total. */
size_t session_track_crossfades(const struct track *t, struct crossfade *out,
    size_t max);

/* The source frame just past the last one the clip plays: the source offset
 * plus its length converted to the source's rate (rounded up). The source
 * must exist; without it, offset + length. */
int64_t session_clip_source_end(const struct session *s, const struct clip *c);

/* Number of channels a track carries. */
int track_channels(const struct track *t);

/* End of the last clip or marker, in session frames; the session start when
 * there are none. Duration = session_end_frames - timecode.start_frames
 * (never negative). */
int64_t session_end_frames(const struct session *s);
int64_t session_duration_frames(const struct session *s);

#endif
