/*
 * timecode.h - exact conversions between SMPTE timecode and audio frames.
 *
 * Model: a timecode rate is an exact rational frame rate (num/den video
 * frames per second, reduced), a nominal integer count of frame labels per
 * second (24, 25, 30, 50, 60, 100, 120 ...) and a drop-frame flag. Drop-frame
 * labelling is valid whenever the nominal is a multiple of 30 (29.97, 59.94,
 * 119.88, and also 30, 60, 120, which Media Composer exports label as DF):
 * it skips nominal/15 frame labels at the start of every minute except each
 * tenth minute. Rates from interchange files keep their exact value, only
 * reduced (Media Composer writes 119.88 as 11988/100: that is 2997/25, and
 * is not snapped to 120000/1001).
 *
 * Audio positions are integer frames at the session's sample rate counted
 * from timecode 00:00:00:00. Video frame N starts at the first audio frame
 * at or after its true start time:  ceil(N * rate_hz * den / num).  Going
 * back, an audio frame belongs to video frame floor(a * num / (rate_hz * den)).
 * Both directions use integer arithmetic only (128-bit intermediates, no
 * floating point), so tc -> frames -> tc is the identity for every rate.
 *
 * All functions are pure and thread-safe.
 */
#ifndef DUBSTAGE_SESSION_TIMECODE_H
#define DUBSTAGE_SESSION_TIMECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tc_rate {
	int32_t num;        /* exact video frames per second = num/den */
	int32_t den;        /* 1, 1001, or as read (2997/25 for 11988/100) */
	int32_t nominal;    /* frame labels per timecode second (FF runs 0..nominal-1) */
	bool drop_frame;
};

/* A broken-down timecode label. frames < nominal. hours may exceed 23 for
 * positions past 24 h (we never wrap). */
struct tc_label {
	int32_t hours, minutes, seconds, frames;
};

/*
 * Looks up a rate by its usual name: "23.976", "24", "25", "29.97", "30",
 * "47.952", "48", "50", "59.94", "60", "100", "119.88", "120", or an exact
 * fraction "NUM/DEN" (e.g. "11988/100"). drop_frame selects DF; it is an
 * error (ERR_INVALID) for rates that have no DF form (nominal not a multiple
 * of 30). Returns 0, ERR_PARSE for an unknown name or a malformed fraction
 * (signs, spaces, numbers beyond int32), ERR_INVALID for a fraction that
 * timecode_rate_from_fraction refuses. *out is written only on success.
 */
int timecode_rate_parse(const char *name, bool drop_frame, struct tc_rate *out);

/* The rate's usual name ("29.97") when it is exactly one of the named rates,
 * else "NUM/DEN"; without the DF/NDF mark. Parses back with
 * timecode_rate_parse to the same rate. buf >= 32 bytes; returns buf. */
char *timecode_rate_name(const struct tc_rate *rate, char *buf, size_t size);

/* True when the rate is well formed: num, den > 0 and reduced, nominal
 * consistent with num/den, drop_frame only where allowed. */
bool timecode_rate_is_valid(const struct tc_rate *rate);

/* The rate with the given exact fraction (e.g. 30000/1001 from an AAF file),
 * reduced; nominal is num/den rounded to the nearest integer; 0 or
 * ERR_INVALID for non-positive input, absurd rates (nominal outside 1..1000)
 * or a drop_frame request the rate cannot honour. *out is written only on
 * success. */
int timecode_rate_from_fraction(int32_t num, int32_t den, bool drop_frame,
    struct tc_rate *out);

/* Label <-> video frame count since 00:00:00:00. label_to_count fails with
 * ERR_INVALID for an invalid rate or a label that does not exist (a negative
 * field, frames >= nominal, minutes or seconds >= 60, a dropped DF label
 * such as 00:01:00;00 at 29.97 DF); hours may be anything up to INT32_MAX.
 * count_to_label clamps count into 0 .. the count of the last label
 * (hours = INT32_MAX) and gives 00:00:00:00 for an invalid rate. */
int timecode_label_to_count(const struct tc_rate *rate,
    const struct tc_label *label, int64_t *count);
void timecode_count_to_label(const struct tc_rate *rate, int64_t count,
    struct tc_label *label);

/* Video frame count <-> audio frames at sample_rate_hz (see the model above).
 * count and frames must be >= 0 and sample_rate_hz > 0. The products are
 * formed in 128 bits, so the only limit is that the result fits int64_t
 * (about 1.5 million years of 23.976 at 192 kHz); both return ERR_INVALID
 * (negative) for an invalid rate, a negative argument, or a result that
 * does not fit. When sample_rate_hz >= num/den (any real audio rate)
 * consecutive counts give strictly increasing frames and
 * frames_to_count(count_to_frames(n)) == n. */
int64_t timecode_count_to_frames(const struct tc_rate *rate,
    int32_t sample_rate_hz, int64_t count);
int64_t timecode_frames_to_count(const struct tc_rate *rate,
    int32_t sample_rate_hz, int64_t frames);

/* Parses "HH:MM:SS:FF" into the first audio frame of that video frame.
 * HH is 1 or more digits (up to INT32_MAX), MM and SS exactly 2, FF 2 or
 * more; the last separator may be ':', ';' or '.' at any rate (the rate, not
 * the text, decides DF). No signs, spaces or trailing characters. Returns 0,
 * ERR_PARSE on syntax (including numbers beyond int32), ERR_INVALID on a
 * label that does not exist at this rate or whose position does not fit
 * int64_t. *frames is written only on success. */
int timecode_parse(const struct tc_rate *rate, int32_t sample_rate_hz,
    const char *text, int64_t *frames);

/* Formats the label of the video frame that contains audio frame `frames`
 * as "HH:MM:SS:FF", or "HH:MM:SS;FF" for drop-frame; fields are at least two
 * digits and hours are not wrapped at 24. Negative frames format as
 * 00:00:00:00; an invalid rate or sample rate as "--:--:--:--". 16 bytes
 * hold any label below 10000 hours; longer output is truncated. */
void timecode_format(const struct tc_rate *rate, int32_t sample_rate_hz,
    int64_t frames, char *buf, size_t size);

#endif
