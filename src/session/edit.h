/*
 * edit.h - the one way a live session changes, with undo and redo.
 *
 * An editor owns a session. Every editor_* change validates its arguments
 * first (nothing changes on error), then records an undo step and applies
 * the change. Undo steps are snapshots (mementos) of the whole model taken
 * before the change: sessions hold no audio, so a snapshot of even a large
 * session is small, and a snapshot cannot drift out of step with the code
 * the way hand-written inverse operations can. Several changes can be made
 * one undo step with editor_group_begin/end (e.g. an import or a cleanup
 * render).
 *
 * The session pointer from editor_session() stays the same object for the
 * editor's life (undo swaps contents, not the pointer), but pointers INTO it
 * (to a track, a clip) are invalid after any editor call: keep ids.
 *
 * Main thread only. The engine never sees the model: it compiles plans from
 * it (ARCHITECTURE.md).
 */
#ifndef DUBSTAGE_SESSION_EDIT_H
#define DUBSTAGE_SESSION_EDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "session/session.h"

struct editor;

/* Creates an editor that takes ownership of s. NULL on allocation failure
 * (s is then still the caller's). */
struct editor *editor_create(struct session *s);
void editor_destroy(struct editor *ed);   /* frees the session too; NULL ok */

/* The edited session (borrowed; read freely, change only through editor_*). */
struct session *editor_session(const struct editor *ed);

/* Increments on every change, undo and redo: a cheap "did anything change"
 * for redraws and plan recompiles. */
uint64_t editor_generation(const struct editor *ed);
/* True when the session differs from what was last marked saved. */
bool editor_is_dirty(const struct editor *ed);
void editor_mark_saved(struct editor *ed);

/* How many undo steps are kept (oldest dropped first); default 200. */
void editor_set_undo_limit(struct editor *ed, size_t steps);

/* ---- undo --------------------------------------------------------------- */

bool editor_can_undo(const struct editor *ed);
bool editor_can_redo(const struct editor *ed);
/* Label of the step undo/redo would revert/reapply ("set gain T3"), or NULL. */
const char *editor_undo_label(const struct editor *ed);
const char *editor_redo_label(const struct editor *ed);
/* 0, or ERR_NOTHING when there is nothing to undo/redo. */
int editor_undo(struct editor *ed);
int editor_redo(struct editor *ed);

/* Groups the following changes into one undo step named label. Groups nest;
 * the outermost label wins. If a group changes nothing, no step is kept. */
int editor_group_begin(struct editor *ed, const char *label);
void editor_group_end(struct editor *ed);

/* ---- session-wide ------------------------------------------------------- */

int editor_set_name(struct editor *ed, const char *name);
/* start_frames >= 0 at the session rate (usually a timecode label's frame). */
int editor_set_timecode(struct editor *ed, const struct tc_rate *rate,
    int64_t start_frames);
int editor_set_master(struct editor *ed, enum chan_format format,
    double gain_db);

/* ---- objects by id ------------------------------------------------------ */

/* Renames a track, bus, clip, source, marker or noise print (a noise
 * print's name may not be empty: ERR_INVALID). */
int editor_rename(struct editor *ed, struct id id, const char *name);
/* Fader of a track or bus, gain of a clip; dB within
 * [SESSION_GAIN_MIN_DB, SESSION_GAIN_MAX_DB]. */
int editor_set_gain(struct editor *ed, struct id id, double gain_db);
/* Mute of a track, bus or clip; solo of a track or bus. */
int editor_set_mute(struct editor *ed, struct id id, bool mute);
int editor_set_solo(struct editor *ed, struct id id, bool solo);
/* Panner of a track or bus: x, y in [-1, 1], divergence in [0, 1]. */
int editor_set_pan(struct editor *ed, struct id id, const struct pan *pan);
/* Output of a track or bus: a bus id, or {ID_BUS, 0} for the master.
 * ERR_SEMANTIC when the route would make a loop. */
int editor_set_output(struct editor *ed, struct id id, struct id bus);
/* Removes a track (with its clips), bus (whatever fed it is rerouted to the
 * master, sends and lanes to it are dropped), clip, marker, noise print, or
 * unused source (ERR_SEMANTIC while a clip plays it). Ids are never handed
 * out again, so a removed N3 stays unused. */
int editor_remove(struct editor *ed, struct id id);

/* ---- sources ------------------------------------------------------------ */

/* Adds a copy of *src (strings copied; id ignored, a new one handed out). */
int editor_add_source(struct editor *ed, const struct source *src,
    struct id *out);
/* Points a source at another file (relinking); path stored as given. */
int editor_relink_source(struct editor *ed, struct id source,
    const char *path);

/* ---- noise prints ------------------------------------------------------- */

/* Adds a copy of *np (name, origin, power and tonal copied; id ignored, the
 * next N id handed out into *out when out != NULL). ERR_INVALID, with
 * nothing changed, unless noise_print_validate(np) accepts it (call that
 * for the reason). A power of -0 is stored as 0 (files have no "-0"), so
 * every stored value survives a save and load bit for bit. */
int editor_add_noise_print(struct editor *ed, const struct noise_print *np,
    struct id *out);

/* ---- tracks and buses --------------------------------------------------- */

int editor_add_track(struct editor *ed, const char *name,
    enum chan_format format, struct id *out);
int editor_add_bus(struct editor *ed, const char *name, enum bus_kind kind,
    enum chan_format format, struct id *out);
/* Moves a track or bus to position index (0-based) in mixer order. */
int editor_move_strip(struct editor *ed, struct id id, size_t index);

/* Adds or updates the send of a track/bus to bus. ERR_SEMANTIC on a loop. */
int editor_set_send(struct editor *ed, struct id from, struct id bus,
    double level_db, bool pre_fader, bool mute);
int editor_remove_send(struct editor *ed, struct id from, struct id bus);

/* Appends an insert of kind (e.g. "eq") at the end of the chain. */
int editor_add_insert(struct editor *ed, struct id strip, const char *kind,
    size_t *index_out);
int editor_remove_insert(struct editor *ed, struct id strip, size_t index);
int editor_set_insert_param(struct editor *ed, struct id strip, size_t index,
    const char *param, double value);
int editor_set_insert_bypass(struct editor *ed, struct id strip, size_t index,
    bool bypass);

/* ---- clips -------------------------------------------------------------- */

/* Adds a copy of *clip (name and channel map copied, gain lane copied; id
 * ignored) to a track. The source must exist; source_offset + length must not
 * pass the source's known length; channel_map_count must be 0 or the
 * track's channel count. */
int editor_add_clip(struct editor *ed, struct id track,
    const struct clip *clip, struct id *out);
/* Moves a clip to position, optionally to another track (track.num 0 = stay). */
int editor_move_clip(struct editor *ed, struct id clip, int64_t position_frames,
    struct id track);
/* Moves the clip's start and end on the timeline, keeping its audio where it
 * is (the source offset follows the start). start < end, and the audio must
 * exist: source_offset >= 0 and not past the source end. */
int editor_trim_clip(struct editor *ed, struct id clip, int64_t start_frames,
    int64_t end_frames);
/* Splits a clip at a timeline frame strictly inside it; the right part gets
 * a new id (in *right_out), the fade-out moves to it. */
int editor_split_clip(struct editor *ed, struct id clip, int64_t at_frames,
    struct id *right_out);
/*
 * Points a clip at another source (e.g. a cleanup render: a new file whose
 * frame source_offset_frames holds the clip's first frame), keeping its
 * place, length, fades and gain; non-destructive (the old source stays in
 * the session). Undo restores the old source, channel and offset exactly.
 *   ERR_NOTFOUND  no such clip, or source is not an existing source
 *   ERR_SEMANTIC  the clip has a channel map (multi-source clips cannot be
 *                 repointed as a whole; remove and re-add it instead)
 *   ERR_INVALID   source_offset_frames < 0; the clip's audio does not fit
 *                 in the new source (source_offset + length, converted to
 *                 the new source's rate, must not pass its length when the
 *                 length is known); the new source has fewer than
 *                 source_channel + track channels channels (when known);
 *                 the new source's rate differs from the old source's and
 *                 the new source's length is unknown (the fit could not be
 *                 checked)
 * editor_set_clip_source keeps the clip's source_channel;
 * editor_set_clip_source_channel also sets it (>= 0), for a render that
 * holds only the track's channels (source_channel 0) of a clip that played
 * channels 3.. of a polyphonic file.
 */
int editor_set_clip_source(struct editor *ed, struct id clip, struct id source,
    int64_t source_offset_frames);
int editor_set_clip_source_channel(struct editor *ed, struct id clip,
    struct id source, int source_channel, int64_t source_offset_frames);
/* Sets the fade in (in = true) or out of a clip; fade length within the clip. */
int editor_set_fade(struct editor *ed, struct id clip, bool in,
    const struct fade *fade);

/* ---- markers ------------------------------------------------------------ */

int editor_add_marker(struct editor *ed, const char *name,
    int64_t position_frames, int64_t length_frames, struct id *out);
int editor_move_marker(struct editor *ed, struct id marker,
    int64_t position_frames);
int editor_set_marker_comment(struct editor *ed, struct id marker,
    const char *comment);

/* ---- automation --------------------------------------------------------- */

/*
 * Sets (adds or replaces) the point at frame of lane (param, target) on a
 * track or bus, or of a clip's gain lane (id a clip, param AUTO_CLIP_GAIN,
 * frame relative to the clip start). Values are range-checked for the
 * param: dB within the gain range, pan in [-1, 1], mute 0 or 1.
 */
int editor_set_auto_point(struct editor *ed, struct id id,
    enum auto_param param, struct id target, const struct auto_point *point);
/* Removes the point at exactly frame; ERR_NOTFOUND if there is none. */
int editor_remove_auto_point(struct editor *ed, struct id id,
    enum auto_param param, struct id target, int64_t frame);
/* Sets / removes a point of the lane automating parameter `name` of
 * insert `insert` (0-based) of a track or bus; the value is in the
 * parameter's unit (the engine clamps it to the parameter's range).
 * Removing an insert removes its lanes. */
int editor_set_insert_auto_point(struct editor *ed, struct id id,
    size_t insert, const char *name, const struct auto_point *point);
int editor_remove_insert_auto_point(struct editor *ed, struct id id,
    size_t insert, const char *name, int64_t frame);

/* Removes a whole lane (not for AUTO_INSERT lanes). */
int editor_clear_lane(struct editor *ed, struct id id, enum auto_param param,
    struct id target);

#endif
