/*
 * aaf.h - reading an AAF composition (the picture editor's timeline, as
 * Media Composer, Premiere, Resolve and Pro Tools export it) into a plain
 * description of its audio: tracks, clips, fades and crossfades, gains and
 * pans, markers and the media the clips play. The importer turns that into
 * a session; aaf_dump() prints it for `dubstage import --dump` and bug
 * reports.
 *
 * Units. Every *_frames value is a count of sample frames at
 * t->sample_rate_hz, and positions are counted from timecode 00:00:00:00:
 * a clip at 01:00:10:00 in a 48 kHz timeline is at 172,800,000 + 480,000.
 * Edit units (*_eu) are the file's own, at the owning track's edit rate.
 * Edit units become frames with exact rational integer arithmetic: a
 * position is floor(seconds x rate), and a length is the difference of
 * its end and start positions, so adjacent clips stay adjacent. Gains are
 * linear amplitude ratios as stored (rationals); pan is 0 (left) to 1
 * (right), 0.5 centre.
 *
 * Vendor quirks handled here: the composition is the real top-level one
 * (Premiere flags every composition top-level, so one not used by another
 * is preferred); the first timecode of the composition sets its start
 * (Media Composer writes several); Resolve's multichannel clips take their
 * length from the channel combiner; Avid "audio warp" rates; Pro Tools'
 * rendered fade clips become real fades and crossfades and its "sample
 * accurate edit" clips are merged into their neighbours, whatever language
 * Pro Tools ran in (both can be turned off). What was repaired or skipped
 * is listed in t->warnings.
 *
 * Main thread (or any non-RT thread); reads files; never prints except
 * aaf_dump().
 */
#ifndef DUBSTAGE_INTERCHANGE_AAF_H
#define DUBSTAGE_INTERCHANGE_AAF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/error.h"

struct aaf_rational {
	int32_t num, den;
};

/* Fade and automation curves. */
enum aaf_curve {
	AAF_CURVE_NONE = 0,           /* no fade */
	AAF_CURVE_LINEAR,
	AAF_CURVE_POWER,              /* equal power */
	AAF_CURVE_LOG,
	AAF_CURVE_CONSTANT,           /* steps */
	AAF_CURVE_BSPLINE,
};

enum aaf_format {
	AAF_FORMAT_UNKNOWN = 0,       /* no clip says */
	AAF_FORMAT_MONO,
	AAF_FORMAT_STEREO,
	AAF_FORMAT_5_1,
	AAF_FORMAT_7_1,
};

enum aaf_essence_kind {
	AAF_ESSENCE_UNKNOWN = 0,
	AAF_ESSENCE_PCM,              /* PCMDescriptor (raw PCM, or MXF outside) */
	AAF_ESSENCE_WAVE,
	AAF_ESSENCE_AIFC,
};

/* A name and text: user comments, tagged metadata (scene, take, tape...). */
struct aaf_tag {
	char *name;
	char *text;
};

struct aaf_point {
	struct aaf_rational time;     /* fraction of the owner's length, 0..1 */
	struct aaf_rational value;    /* linear gain, or pan 0..1 */
	int64_t offset_frames;        /* time from the owner's start, frames */
};

struct aaf_automation {
	struct aaf_point *points;     /* count == 0: none */
	size_t count;
	enum aaf_curve interp;
};

struct aaf_essence {
	char *name;                   /* the master clip's name (UTF-8) */
	char *unique_name;            /* name, or "name_N" when names repeat */
	enum aaf_essence_kind kind;
	int channels;
	int sample_rate_hz;
	int bits;
	int64_t length_frames;        /* at sample_rate_hz; 0 unknown */
	char *uri;                    /* first locator as stored; NULL: none */
	char *path;                   /* file found on disk for it; NULL: not found */
	bool embedded;                /* the audio is inside the AAF */
	uint32_t stream;              /* embedded: CFB entry of its data stream */
	int64_t data_offset;          /* embedded: bytes before the first sample */
	bool big_endian;              /* embedded AIFC: samples are big-endian */
	int64_t origin_frames;        /* source timecode origin (BWF time ref) */
	char created[20];             /* "YYYY-MM-DD HH:MM:SS" of the source; "" */
	uint8_t source_mob_id[32];    /* SMPTE UMID of the source (file) mob */
	uint32_t source_slot_id;      /* and its slot */
	struct aaf_tag *tags;         /* master clip user comments */
	size_t ntags;
};

/* One channel a clip plays: channel `channel` (1-based; 0 = all channels,
 * in order) of essences[essence]. */
struct aaf_channel {
	size_t essence;
	int channel;
};

struct aaf_clip {
	int64_t position_frames;      /* from 00:00:00:00 */
	int64_t length_frames;
	int64_t source_offset_frames; /* into the source, at the timeline rate */
	int64_t position_eu, length_eu, source_offset_eu;
	int channels;                 /* channels the clip plays */
	struct aaf_channel *chans;    /* one a channel; none when the file names
	                                 no source (media not found on disk is
	                                 an essence with path NULL) */
	size_t nchans;
	bool has_gain;                /* constant clip gain */
	struct aaf_rational gain;     /* linear */
	struct aaf_automation gain_auto;  /* clip gain envelope (times: clip) */
	int64_t fade_in_frames;       /* 0: none */
	enum aaf_curve fade_in_curve;
	int64_t fade_out_frames;
	enum aaf_curve fade_out_curve;
	int64_t fade_in_eu, fade_out_eu;
	bool mute;
	bool beyond_source;           /* runs past the end of its media */
	char *name;                   /* sub-clip name; NULL */
	struct aaf_tag *tags;         /* clip notes and sub-clip comments */
	size_t ntags;
};

/* A crossfade between clips[before] (fading out) and clips[before + 1]. */
struct aaf_xfade {
	size_t before;
	int64_t position_frames;      /* start of the overlap */
	int64_t length_frames;
	int64_t cut_frames;           /* the cut, from position_frames */
	int64_t length_eu, cut_eu;
	enum aaf_curve curve;
};

struct aaf_track {
	unsigned number;              /* 1-based, as the editor numbered it */
	char *name;                   /* NULL: unnamed */
	enum aaf_format format;
	int channels;                 /* of the format; 0 unknown */
	struct aaf_rational edit_rate;
	bool mute, solo;
	bool has_volume;              /* constant track volume */
	struct aaf_rational volume;   /* linear */
	struct aaf_automation volume_auto;  /* times: the composition */
	bool has_pan;                 /* constant pan */
	struct aaf_rational pan;      /* 0 left .. 1 right */
	struct aaf_automation pan_auto;
	int64_t end_eu;               /* the track's length, edit units */
	struct aaf_clip *clips;       /* in timeline order */
	size_t nclips;
	struct aaf_xfade *xfades;
	size_t nxfades;
};

struct aaf_marker {
	int64_t position_frames;      /* from 00:00:00:00 */
	int64_t length_frames;        /* 0: a point */
	struct aaf_rational edit_rate;
	int64_t position_eu, length_eu;
	char *name;                   /* NULL */
	char *comment;                /* NULL */
	bool has_color;
	uint16_t rgb[3];              /* 16 bits a channel */
};

struct aaf_timeline {
	char *name;                   /* the composition's name */
	char *company, *product, *version;   /* the exporting application */
	int sample_rate_hz;           /* of every *_frames value */
	int bits;                     /* the dominant sample size */
	struct aaf_rational tc_rate;  /* timecode edit rate */
	unsigned tc_fps;              /* frames a second as timecode counts */
	bool tc_drop;                 /* drop-frame */
	int64_t tc_start_eu;          /* composition start, at tc_rate */
	int64_t start_frames;         /* composition start (its timecode) */
	int64_t end_frames;           /* start + the longest track */
	struct aaf_track *tracks;     /* audio tracks */
	size_t ntracks;
	size_t nvideo_tracks;
	struct aaf_essence *essences;
	size_t nessences;
	struct aaf_marker *markers;
	size_t nmarkers;
	struct aaf_tag *tags;         /* composition user comments */
	size_t ntags;
	char **warnings;              /* what was repaired, skipped, missing */
	size_t nwarnings;
};

struct aaf_options {
	int sample_rate_hz;           /* 0: the audio's dominant rate (48000 if none) */
	bool keep_rendered_fades;     /* Pro Tools: keep rendered fade clips */
	bool keep_sae_clips;          /* Pro Tools: keep sample-accurate-edit clips */
	const char *const *media_dirs;    /* more folders to find media in */
	size_t nmedia_dirs;
	bool no_media_search;         /* do not look for external media */
};

/*
 * Reads the AAF file at path (or an image in memory, borrowed for the
 * call) with options opt (NULL: defaults). On success *out is the timeline
 * (caller frees with aaf_timeline_free). 0, ERR_IO (unreadable), ERR_PARSE
 * (not AAF, or damaged: d names the object path), ERR_SEMANTIC (no
 * composition in it), ERR_NOMEM.
 */
int aaf_read(const char *path, const struct aaf_options *opt,
    struct aaf_timeline **out, struct diag *d);
int aaf_read_memory(const void *data, size_t size,
    const struct aaf_options *opt, struct aaf_timeline **out, struct diag *d);
void aaf_timeline_free(struct aaf_timeline *t);   /* NULL is a no-op */

/* The bytes of an embedded essence's stream from the AAF at path (caller
 * frees *data); e->data_offset bytes of header come first. 0, ERR_IO,
 * ERR_PARSE, ERR_NOTFOUND (not embedded), ERR_NOMEM. */
int aaf_essence_read(const char *path, const struct aaf_essence *e,
    uint8_t **data, size_t *size, struct diag *d);

/* Writes embedded essence e of the AAF at path as a PCM WAV file at
 * wav_path (replaced atomically): its frames, channels, rate and bits as
 * read, AIFC samples made little-endian. 0, ERR_NOTFOUND (not embedded),
 * ERR_INVALID (not PCM of 8 to 32 bits), ERR_IO, ERR_PARSE, ERR_NOMEM. */
int aaf_essence_extract(const char *path, const struct aaf_essence *e,
    const char *wav_path, struct diag *d);

/* Prints a plain-text listing of t to out. */
void aaf_dump(const struct aaf_timeline *t, FILE *out);

/* Short names: "linear", "power"...; "mono", "stereo", "5.1"... */
const char *aaf_curve_name(enum aaf_curve c);
const char *aaf_format_name(enum aaf_format f);

#endif
