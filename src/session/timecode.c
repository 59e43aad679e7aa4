/*
 * timecode.c - SMPTE timecode labels, video frame counts and audio frames.
 *
 * Three number spaces meet here:
 *
 *   label   HH:MM:SS:FF as printed on screen and in EDLs;
 *   count   video frames since 00:00:00:00 (the n-th frame, no gaps);
 *   frames  audio frames at the session's sample rate.
 *
 * label <-> count depends only on the nominal label rate and the drop-frame
 * flag; count <-> frames depends only on the exact rational rate num/den
 * and the sample rate. Keeping the two steps apart is what lets Media
 * Composer's "30 DF" (30/1 frames per second, but drop-frame labels) work
 * with the same code as 29.97 DF: the labels skip numbers, the frames do
 * not care.
 *
 * Drop-frame with d = nominal / 15 dropped labels per minute: in every
 * ten-minute block the first minute keeps all 60 * nominal labels, the
 * other nine start at FF = d. A block therefore holds 600 * nominal - 9 * d
 * counts and each dropped minute 60 * nominal - d.
 *
 * count <-> frames multiplies three 31-bit-ish numbers before dividing
 * (count * rate_hz * den), which does not fit 64 bits for long positions
 * at 1001-rates, so the products are formed in 128 bits; only the quotient
 * has to fit an int64_t, and the functions report ERR_INVALID when it does
 * not rather than wrap. No floating point anywhere: 29.97 is 30000/1001,
 * and 119.88 as written by Media Composer (11988/100) stays its own exact
 * value, 2997/25, never snapped to 120000/1001.
 */
#include "session/timecode.h"

#include "base/error.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#ifndef __SIZEOF_INT128__
#error "timecode.c needs a compiler with __int128 (gcc or clang)"
#endif
__extension__ typedef __int128 tc_wide;

/* Labels per second above this are not timecode (and keep every product in
 * label_count below 2^63 even with hours = INT32_MAX). */
#define TC_NOMINAL_MAX 1000

/*
 * The named rates, as the people who type them say them. Order does not
 * matter: lookups go by exact name one way and by exact fraction the other.
 */
static const struct {
	const char *name;
	int32_t num;
	int32_t den;
} tc_named_rates[] = {
	{ "23.976", 24000, 1001 },
	{ "24", 24, 1 },
	{ "25", 25, 1 },
	{ "29.97", 30000, 1001 },
	{ "30", 30, 1 },
	{ "47.952", 48000, 1001 },
	{ "48", 48, 1 },
	{ "50", 50, 1 },
	{ "59.94", 60000, 1001 },
	{ "60", 60, 1 },
	{ "100", 100, 1 },
	{ "119.88", 120000, 1001 },
	{ "120", 120, 1 },
};

static int64_t
tc_gcd(int64_t a, int64_t b)
{
	while (b != 0) {
		int64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* num/den rounded to the nearest integer (halves up); num, den > 0. */
static int64_t
tc_round_ratio(int64_t num, int64_t den)
{
	return (num + den / 2) / den;
}

/* Labels dropped at the start of each dropped minute; 0 for NDF. */
static int64_t
tc_drop(const struct tc_rate *rate)
{
	return rate->drop_frame ? rate->nominal / 15 : 0;
}

/*
 * The count of a label, without checking that the label exists. Fields must
 * be >= 0 and hours <= INT32_MAX, so with nominal <= TC_NOMINAL_MAX the
 * result is below 2^31 * 3600 * 1000 < 2^53: no overflow.
 */
static int64_t
tc_label_count(const struct tc_rate *rate, const struct tc_label *label)
{
	int64_t	minutes, labels;

	minutes = (int64_t)label->hours * 60 + label->minutes;
	labels = (minutes * 60 + label->seconds) * rate->nominal +
	    label->frames;
	return labels - tc_drop(rate) * (minutes - minutes / 10);
}

/* The largest count that has a label (hours = INT32_MAX, the rest at max). */
static int64_t
tc_max_count(const struct tc_rate *rate)
{
	struct tc_label	last = { INT32_MAX, 59, 59, rate->nominal - 1 };

	return tc_label_count(rate, &last);
}

int
timecode_rate_from_fraction(int32_t num, int32_t den, bool drop_frame,
    struct tc_rate *out)
{
	int64_t	g, n, d, nominal;

	if (num <= 0 || den <= 0)
		return ERR_INVALID;
	g = tc_gcd(num, den);
	n = num / g;
	d = den / g;
	nominal = tc_round_ratio(n, d);
	if (nominal < 1 || nominal > TC_NOMINAL_MAX)
		return ERR_INVALID;
	if (drop_frame && nominal % 30 != 0)
		return ERR_INVALID;
	out->num = (int32_t)n;
	out->den = (int32_t)d;
	out->nominal = (int32_t)nominal;
	out->drop_frame = drop_frame;
	return 0;
}

bool
timecode_rate_is_valid(const struct tc_rate *rate)
{
	int64_t	nominal;

	if (rate == NULL || rate->num <= 0 || rate->den <= 0)
		return false;
	if (tc_gcd(rate->num, rate->den) != 1)
		return false;
	nominal = tc_round_ratio(rate->num, rate->den);
	if (nominal < 1 || nominal > TC_NOMINAL_MAX || rate->nominal != nominal)
		return false;
	if (rate->drop_frame && rate->nominal % 30 != 0)
		return false;
	return true;
}

/*
 * Reads an unsigned decimal of at least min_digits (and at most max_digits
 * when max_digits > 0) from *sp, advancing it. No sign, no spaces: those
 * are junk in a timecode or a fraction. ERR_PARSE when the digits are
 * missing, too many, or the value does not fit an int32_t.
 */
static int
tc_read_uint(const char **sp, int min_digits, int max_digits, int32_t *value)
{
	const char	*s = *sp;
	int64_t		 v = 0;
	int		 digits = 0;

	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (*s - '0');
		if (v > INT32_MAX)
			return ERR_PARSE;
		s++;
		digits++;
	}
	if (digits < min_digits || (max_digits > 0 && digits > max_digits))
		return ERR_PARSE;
	*value = (int32_t)v;
	*sp = s;
	return 0;
}

int
timecode_rate_parse(const char *name, bool drop_frame, struct tc_rate *out)
{
	const char	*s;
	int32_t		 num, den;
	size_t		 i;

	if (name == NULL)
		return ERR_PARSE;
	for (i = 0; i < sizeof tc_named_rates / sizeof tc_named_rates[0]; i++) {
		if (strcmp(name, tc_named_rates[i].name) == 0)
			return timecode_rate_from_fraction(tc_named_rates[i].num,
			    tc_named_rates[i].den, drop_frame, out);
	}

	s = name;
	if (tc_read_uint(&s, 1, 0, &num) != 0 || *s++ != '/')
		return ERR_PARSE;
	if (tc_read_uint(&s, 1, 0, &den) != 0 || *s != '\0')
		return ERR_PARSE;
	return timecode_rate_from_fraction(num, den, drop_frame, out);
}

char *
timecode_rate_name(const struct tc_rate *rate, char *buf, size_t size)
{
	size_t	i;

	if (size == 0)
		return buf;
	for (i = 0; i < sizeof tc_named_rates / sizeof tc_named_rates[0]; i++) {
		if (rate->num == tc_named_rates[i].num &&
		    rate->den == tc_named_rates[i].den) {
			snprintf(buf, size, "%s", tc_named_rates[i].name);
			return buf;
		}
	}
	snprintf(buf, size, "%" PRId32 "/%" PRId32, rate->num, rate->den);
	return buf;
}

int
timecode_label_to_count(const struct tc_rate *rate,
    const struct tc_label *label, int64_t *count)
{
	if (!timecode_rate_is_valid(rate))
		return ERR_INVALID;
	if (label->hours < 0 ||
	    label->minutes < 0 || label->minutes >= 60 ||
	    label->seconds < 0 || label->seconds >= 60 ||
	    label->frames < 0 || label->frames >= rate->nominal)
		return ERR_INVALID;
	if (label->minutes % 10 != 0 && label->seconds == 0 &&
	    label->frames < tc_drop(rate))
		return ERR_INVALID;
	*count = tc_label_count(rate, label);
	return 0;
}

void
timecode_count_to_label(const struct tc_rate *rate, int64_t count,
    struct tc_label *label)
{
	int64_t	nominal, drop, minute, block, rem, labels, secs;

	memset(label, 0, sizeof *label);
	if (!timecode_rate_is_valid(rate))
		return;
	if (count < 0)
		count = 0;
	if (count > tc_max_count(rate))
		count = tc_max_count(rate);

	nominal = rate->nominal;
	drop = tc_drop(rate);
	labels = count;
	if (drop != 0) {
		/* Put the dropped label numbers back in. */
		minute = 60 * nominal;
		block = 600 * nominal - 9 * drop;
		rem = count % block;
		labels = count / block * 600 * nominal;
		if (rem < minute)
			labels += rem;
		else {
			rem -= minute;
			labels += (1 + rem / (minute - drop)) * minute +
			    drop + rem % (minute - drop);
		}
	}
	secs = labels / nominal;
	label->frames = (int32_t)(labels % nominal);
	label->seconds = (int32_t)(secs % 60);
	label->minutes = (int32_t)(secs / 60 % 60);
	label->hours = (int32_t)(secs / 3600);
}

int64_t
timecode_count_to_frames(const struct tc_rate *rate, int32_t sample_rate_hz,
    int64_t count)
{
	tc_wide	q;

	if (!timecode_rate_is_valid(rate) || sample_rate_hz <= 0 || count < 0)
		return ERR_INVALID;
	/* < 2^63 * 2^31 * 2^31: fits 128 bits, and so does + num - 1. */
	q = ((tc_wide)count * sample_rate_hz * rate->den + rate->num - 1) /
	    rate->num;
	if (q > INT64_MAX)
		return ERR_INVALID;
	return (int64_t)q;
}

int64_t
timecode_frames_to_count(const struct tc_rate *rate, int32_t sample_rate_hz,
    int64_t frames)
{
	tc_wide	q;

	if (!timecode_rate_is_valid(rate) || sample_rate_hz <= 0 || frames < 0)
		return ERR_INVALID;
	q = (tc_wide)frames * rate->num /
	    ((tc_wide)sample_rate_hz * rate->den);
	if (q > INT64_MAX)
		return ERR_INVALID;
	return (int64_t)q;
}

int
timecode_parse(const struct tc_rate *rate, int32_t sample_rate_hz,
    const char *text, int64_t *frames)
{
	struct tc_label	 label;
	const char	*s = text;
	int64_t		 count, f;
	int		 error;

	if (s == NULL)
		return ERR_PARSE;
	if (tc_read_uint(&s, 1, 0, &label.hours) != 0 || *s++ != ':')
		return ERR_PARSE;
	if (tc_read_uint(&s, 2, 2, &label.minutes) != 0 || *s++ != ':')
		return ERR_PARSE;
	if (tc_read_uint(&s, 2, 2, &label.seconds) != 0)
		return ERR_PARSE;
	if (*s != ':' && *s != ';' && *s != '.')
		return ERR_PARSE;
	s++;
	if (tc_read_uint(&s, 2, 0, &label.frames) != 0 || *s != '\0')
		return ERR_PARSE;

	if ((error = timecode_label_to_count(rate, &label, &count)) != 0)
		return error;
	if ((f = timecode_count_to_frames(rate, sample_rate_hz, count)) < 0)
		return ERR_INVALID;
	*frames = f;
	return 0;
}

void
timecode_format(const struct tc_rate *rate, int32_t sample_rate_hz,
    int64_t frames, char *buf, size_t size)
{
	struct tc_label	label;
	int64_t		count;

	if (size == 0)
		return;
	if (!timecode_rate_is_valid(rate) || sample_rate_hz <= 0) {
		snprintf(buf, size, "--:--:--:--");
		return;
	}
	if (frames < 0)
		frames = 0;
	/* Only an absurd rate/sample rate pair overflows here: clamp to the
	 * last label, as count_to_label does for counts past it. */
	if ((count = timecode_frames_to_count(rate, sample_rate_hz, frames)) < 0)
		count = INT64_MAX;
	timecode_count_to_label(rate, count, &label);
	snprintf(buf, size, "%02" PRId32 ":%02" PRId32 ":%02" PRId32 "%c%02"
	    PRId32, label.hours, label.minutes, label.seconds,
	    rate->drop_frame ? ';' : ':', label.frames);
}
