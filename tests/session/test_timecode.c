/*
 * test_timecode.c - timecode labels, counts and audio frames, every rate.
 *
 * The sweeps check each count against an oracle that does not share code
 * with timecode.c: a label "odometer" that steps FF/SS/MM/HH by hand and
 * skips the dropped labels, and the definition of ceil/floor written as
 * inequalities in 128 bits. Sweep failures are counted per rate and
 * sample rate (the first few are printed) so one broken rate shows as one
 * failed check rather than a million.
 */
#include "session/timecode.h"

#include "base/error.h"

#include "test.h"

#include <limits.h>
#include <stdarg.h>

static const char *const rate_names[] = {
	"23.976", "24", "25", "29.97", "30", "47.952", "48", "50", "59.94",
	"60", "100", "119.88", "120",
	"11988/100",    /* Media Composer's 119.88: 2997/25, not 120000/1001 */
};
#define RATE_NAME_COUNT (sizeof rate_names / sizeof rate_names[0])

__extension__ typedef __int128 wide;

static const int32_t sample_rates[] = { 44100, 48000, 96000 };
#define SAMPLE_RATE_COUNT (sizeof sample_rates / sizeof sample_rates[0])

/* Failures inside a sweep: counted, the first few printed. */
static int sweep_bad;

static void sweep_fail(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static void
sweep_fail(const char *fmt, ...)
{
	va_list	ap;

	if (sweep_bad++ >= 5)
		return;
	fprintf(stderr, "  sweep: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static struct tc_rate
rate_named(const char *name, bool df)
{
	struct tc_rate	r = { 0, 0, 0, false };

	if (timecode_rate_parse(name, df, &r) != 0)
		fprintf(stderr, "cannot parse rate %s%s\n", name, df ? " DF" : "");
	return r;
}

static const char *
rate_desc(const struct tc_rate *r)
{
	static char	buf[64];
	char		name[32];

	snprintf(buf, sizeof buf, "%s %s", timecode_rate_name(r, name,
	    sizeof name), r->drop_frame ? "DF" : "NDF");
	return buf;
}

static bool
label_eq(const struct tc_label *a, const struct tc_label *b)
{
	return a->hours == b->hours && a->minutes == b->minutes &&
	    a->seconds == b->seconds && a->frames == b->frames;
}

/* The oracle: the label after l, by hand, skipping dropped DF labels. */
static void
label_step(const struct tc_rate *r, struct tc_label *l)
{
	if (++l->frames < r->nominal)
		return;
	l->frames = 0;
	if (++l->seconds == 60) {
		l->seconds = 0;
		if (++l->minutes == 60) {
			l->minutes = 0;
			l->hours++;
		}
	}
	if (r->drop_frame && l->seconds == 0 && l->minutes % 10 != 0)
		l->frames = r->nominal / 15;
}

static void
label_print(const struct tc_rate *r, const struct tc_label *l, char *buf,
    size_t size)
{
	snprintf(buf, size, "%02d:%02d:%02d%c%02d", (int)l->hours,
	    (int)l->minutes, (int)l->seconds, r->drop_frame ? ';' : ':',
	    (int)l->frames);
}

/*
 * Walks n consecutive labels from `start`, comparing label <-> count both
 * ways with the odometer. Returns the number of failures.
 */
static int
sweep_labels(const struct tc_rate *r, struct tc_label start, int64_t n)
{
	struct tc_label	l = start, got;
	int64_t		c0, c, i;

	sweep_bad = 0;
	if (timecode_label_to_count(r, &start, &c0) != 0) {
		sweep_fail("%s: start label does not exist", rate_desc(r));
		return sweep_bad;
	}
	for (i = 0; i < n; i++, label_step(r, &l)) {
		timecode_count_to_label(r, c0 + i, &got);
		if (!label_eq(&got, &l))
			sweep_fail("%s: count %" PRId64 " -> %d:%d:%d:%d, "
			    "odometer %d:%d:%d:%d", rate_desc(r), c0 + i,
			    (int)got.hours, (int)got.minutes, (int)got.seconds,
			    (int)got.frames, (int)l.hours, (int)l.minutes,
			    (int)l.seconds, (int)l.frames);
		if (timecode_label_to_count(r, &l, &c) != 0 || c != c0 + i)
			sweep_fail("%s: odometer label %d:%d:%d:%d -> count "
			    "%" PRId64 ", want %" PRId64, rate_desc(r),
			    (int)l.hours, (int)l.minutes, (int)l.seconds,
			    (int)l.frames, c, c0 + i);
	}
	return sweep_bad;
}

/*
 * One count through audio frames and text: the audio frame is the exact
 * ceiling, the next video frame starts strictly later, every audio frame
 * of this video frame formats as the label and maps back to the count, and
 * the label parses back to the first audio frame.
 */
static void
check_count(const struct tc_rate *r, int32_t hz, int64_t count)
{
	struct tc_label	l;
	char		want[32], got[32];
	int64_t		a, next, parsed;
	wide		exact;

	a = timecode_count_to_frames(r, hz, count);
	next = timecode_count_to_frames(r, hz, count + 1);
	exact = (wide)count * hz * r->den;
	/* a = ceil(exact / num)  <=>  a*num >= exact > (a-1)*num */
	if (a < 0 || (wide)a * r->num < exact ||
	    (wide)(a - 1) * r->num >= exact) {
		sweep_fail("%s @%d: count %" PRId64 " -> frames %" PRId64
		    " is not the ceiling", rate_desc(r), (int)hz, count, a);
		return;
	}
	if (next <= a)
		sweep_fail("%s @%d: count %" PRId64 " -> %" PRId64 ", next %"
		    PRId64 ": not increasing", rate_desc(r), (int)hz, count, a,
		    next);
	if (timecode_frames_to_count(r, hz, a) != count ||
	    timecode_frames_to_count(r, hz, next - 1) != count ||
	    timecode_frames_to_count(r, hz, next) != count + 1)
		sweep_fail("%s @%d: frames_to_count does not invert count %"
		    PRId64, rate_desc(r), (int)hz, count);

	timecode_count_to_label(r, count, &l);
	label_print(r, &l, want, sizeof want);
	timecode_format(r, hz, a, got, sizeof got);
	if (strcmp(got, want) != 0)
		sweep_fail("%s @%d: frames %" PRId64 " formats as %s, want %s",
		    rate_desc(r), (int)hz, a, got, want);
	timecode_format(r, hz, next - 1, got, sizeof got);
	if (strcmp(got, want) != 0)
		sweep_fail("%s @%d: last frame %" PRId64 " formats as %s, "
		    "want %s", rate_desc(r), (int)hz, next - 1, got, want);
	parsed = -1;
	if (timecode_parse(r, hz, want, &parsed) != 0 || parsed != a)
		sweep_fail("%s @%d: %s parses to %" PRId64 ", want %" PRId64,
		    rate_desc(r), (int)hz, want, parsed, a);
}

/* Every count for the first minutes, then a stride out to 24 h and past. */
static int
sweep_audio(const struct tc_rate *r, int32_t hz)
{
	int64_t	c, per_hour = (int64_t)r->nominal * 3600;

	sweep_bad = 0;
	for (c = 0; c < (int64_t)r->nominal * 180; c++)
		check_count(r, hz, c);
	for (c = r->nominal * 180; c <= 24 * per_hour + 1000; c += 997)
		check_count(r, hz, c);
	return sweep_bad;
}

static void
test_sweeps(void)
{
	size_t	i, j;
	int	df;

	for (i = 0; i < RATE_NAME_COUNT; i++) {
		for (df = 0; df <= 1; df++) {
			struct tc_rate		r = rate_named(rate_names[i],
			    false);
			struct tc_label		zero = { 0, 0, 0, 0 };
			struct tc_label		w1 = { 9, 58, 30, 0 };
			struct tc_label		w2 = { 23, 58, 30, 0 };
			struct tc_label		w3 = { 99, 59, 30, 0 };
			int			bad;

			if (df && r.nominal % 30 != 0) {
				CHECK_INT_EQ(timecode_rate_parse(rate_names[i],
				    true, &r), ERR_INVALID);
				continue;
			}
			CHECK_INT_EQ(timecode_rate_parse(rate_names[i], df,
			    &r), 0);
			bad = sweep_labels(&r, zero, (int64_t)r.nominal * 720);
			bad += sweep_labels(&r, w1, (int64_t)r.nominal * 120);
			bad += sweep_labels(&r, w2, (int64_t)r.nominal * 120);
			bad += sweep_labels(&r, w3, (int64_t)r.nominal * 60);
			if (bad != 0)
				fprintf(stderr, "label sweep %s\n",
				    rate_desc(&r));
			CHECK_INT_EQ(bad, 0);
			for (j = 0; j < SAMPLE_RATE_COUNT; j++) {
				bad = sweep_audio(&r, sample_rates[j]);
				if (bad != 0)
					fprintf(stderr, "audio sweep %s @%d\n",
					    rate_desc(&r),
					    (int)sample_rates[j]);
				CHECK_INT_EQ(bad, 0);
			}
		}
	}
}

/* text at rate/df parses to `want` audio frames at 48 kHz, and back. */
static void
check_known(const char *rate, bool df, const char *text, int64_t count,
    int64_t frames)
{
	struct tc_rate	r = rate_named(rate, df);
	struct tc_label	l;
	int64_t		got = -1, c = -1;
	char		buf[32];

	CHECK_INT_EQ(timecode_parse(&r, 48000, text, &got), 0);
	CHECK_INT_EQ(got, frames);
	timecode_count_to_label(&r, count, &l);
	CHECK_INT_EQ(timecode_label_to_count(&r, &l, &c), 0);
	CHECK_INT_EQ(c, count);
	CHECK_INT_EQ(timecode_count_to_frames(&r, 48000, count), frames);
	timecode_format(&r, 48000, frames, buf, sizeof buf);
	CHECK_STR_EQ(buf, text);
}

static void
test_known_values(void)
{
	check_known("24", false, "01:00:00:00", 86400, 172800000);
	check_known("25", false, "01:00:00:00", 90000, 172800000);
	check_known("30", false, "01:00:00:00", 108000, 172800000);
	check_known("29.97", false, "01:00:00:00", 108000, 172972800);
	check_known("23.976", false, "01:00:00:00", 86400, 172972800);
	/* 107892 * 1601.6 = 172799827.2, rounded up */
	check_known("29.97", true, "01:00:00;00", 107892, 172799828);
	/* Media Composer "30 DF": 30/1 frames, DF labels: 107892 * 1600 */
	check_known("30", true, "01:00:00;00", 107892, 172627200);
	check_known("60", true, "01:00:00;00", 215784, 172627200);
	/* 119.88 exact (11988/100) with DF labels is exactly one hour */
	check_known("11988/100", true, "01:00:00;00", 431568, 172800000);
	check_known("25", false, "00:00:00:00", 0, 0);
	check_known("29.97", true, "10:00:00;00", 1078920,
	    1727998272);   /* 1078920 * 1601.6, exact */
}

/* label a at rate/df is followed by label b. */
static void
check_next(const char *rate, bool df, const char *a, const char *b)
{
	struct tc_rate	r = rate_named(rate, df);
	int64_t		fa = -1, fb = -1, ca, cb;

	CHECK_INT_EQ(timecode_parse(&r, 48000, a, &fa), 0);
	CHECK_INT_EQ(timecode_parse(&r, 48000, b, &fb), 0);
	ca = timecode_frames_to_count(&r, 48000, fa);
	cb = timecode_frames_to_count(&r, 48000, fb);
	CHECK_INT_EQ(cb, ca + 1);
}

static void
check_label(const char *rate, bool df, const char *text, int want)
{
	struct tc_rate	r = rate_named(rate, df);
	int64_t		f = -1;
	int		rc = timecode_parse(&r, 48000, text, &f);

	if (rc != want)
		fprintf(stderr, "  %s at %s: %d, want %d\n", text,
		    rate_desc(&r), rc, want);
	CHECK_INT_EQ(rc, want);
	if (want != 0)
		CHECK_INT_EQ(f, -1);    /* not written on failure */
}

static void
test_drop_frame_boundaries(void)
{
	check_next("29.97", true, "00:00:59;29", "00:01:00;02");
	check_next("29.97", true, "00:09:59;29", "00:10:00;00");
	check_next("29.97", true, "00:10:59;29", "00:11:00;02");
	check_next("29.97", true, "00:59:59;29", "01:00:00;00");
	check_next("29.97", false, "00:00:59:29", "00:01:00:00");
	check_next("30", true, "00:00:59;29", "00:01:00;02");
	check_next("59.94", true, "00:00:59;59", "00:01:00;04");
	check_next("60", true, "00:00:59;59", "00:01:00;04");
	check_next("59.94", true, "00:09:59;59", "00:10:00;00");
	check_next("119.88", true, "00:00:59;119", "00:01:00;08");
	check_next("120", true, "00:00:59;119", "00:01:00;08");
	check_next("11988/100", true, "00:00:59;119", "00:01:00;08");
	check_next("119.88", true, "00:19:59;119", "00:20:00;00");

	/* dropped labels do not exist; the tenth minute keeps them */
	check_label("29.97", true, "00:01:00;00", ERR_INVALID);
	check_label("29.97", true, "00:01:00;01", ERR_INVALID);
	check_label("29.97", true, "00:01:00;02", 0);
	check_label("29.97", true, "00:01:01;00", 0);
	check_label("29.97", true, "00:11:00;01", ERR_INVALID);
	check_label("29.97", true, "01:59:00;00", ERR_INVALID);
	check_label("29.97", true, "00:10:00;00", 0);
	check_label("29.97", true, "00:00:00;00", 0);
	check_label("29.97", true, "01:00:00;00", 0);
	check_label("29.97", false, "00:01:00:00", 0);
	check_label("30", true, "00:01:00;01", ERR_INVALID);
	check_label("59.94", true, "00:01:00;03", ERR_INVALID);
	check_label("59.94", true, "00:01:00;04", 0);
	check_label("60", true, "00:02:00;03", ERR_INVALID);
	check_label("119.88", true, "00:01:00;07", ERR_INVALID);
	check_label("119.88", true, "00:01:00;08", 0);
	check_label("120", true, "00:01:00;00", ERR_INVALID);
	check_label("11988/100", true, "00:03:00;07", ERR_INVALID);
}

static void
test_invalid_labels(void)
{
	struct tc_rate	r = rate_named("25", false);
	struct tc_label	bad[] = {
		{ 0, 0, 0, 25 }, { 0, 60, 0, 0 }, { 0, 0, 60, 0 },
		{ -1, 0, 0, 0 }, { 0, -1, 0, 0 }, { 0, 0, -1, 0 },
		{ 0, 0, 0, -1 },
	};
	struct tc_label	ok = { 2000, 59, 59, 24 };
	struct tc_rate	broken = { 60000, 2002, 30, false };
	int64_t		c = 12345;
	size_t		i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK_INT_EQ(timecode_label_to_count(&r, &bad[i], &c),
		    ERR_INVALID);
	CHECK_INT_EQ(c, 12345);
	CHECK_INT_EQ(timecode_label_to_count(&r, &ok, &c), 0);
	CHECK_INT_EQ(c, ((2000LL * 60 + 59) * 60 + 59) * 25 + 24);
	CHECK_INT_EQ(timecode_label_to_count(&broken, &ok, &c), ERR_INVALID);

	check_label("25", false, "01:00:00:25", ERR_INVALID);
	check_label("25", false, "01:00:00:24", 0);
	check_label("29.97", false, "01:00:00:30", ERR_INVALID);
	check_label("120", false, "01:00:00:120", ERR_INVALID);
	check_label("120", false, "01:00:00:119", 0);
	check_label("24", false, "01:60:00:00", ERR_INVALID);
	check_label("24", false, "01:00:60:00", ERR_INVALID);
	check_label("24", false, "01:99:00:00", ERR_INVALID);
}

static void
test_parse_syntax(void)
{
	static const char *const junk[] = {
		"", "junk", "1:2:3", "1:2:3:4", "01:00:00", "01:00:00:",
		":00:00:00", "01::00:00", "01:00::00", "01:0:00:00",
		"01:000:00:00", "01:00:0:00", "01:00:00:0", "01:00:00:00x",
		" 01:00:00:00", "01:00:00:00 ", "01:00:00:00\n", "-1:00:00:00",
		"01:-1:00:00", "01:00:-1:00", "01:00:00:-1", "+1:00:00:00",
		"01:00:00:+1", "01;00;00;00", "01.00.00.00", "01:00:00,00",
		"01:00:00/00", "a1:00:00:00", "01:00:00:00:00",
		"2147483648:00:00:00", "99999999999999999999:00:00:00",
		"01:00:00:99999999999",
	};
	struct tc_rate	r = rate_named("25", false);
	struct tc_rate	df = rate_named("29.97", true);
	int64_t		f = 77, a, b, c;
	size_t		i;

	for (i = 0; i < sizeof junk / sizeof junk[0]; i++) {
		int	rc = timecode_parse(&r, 48000, junk[i], &f);

		if (rc != ERR_PARSE)
			fprintf(stderr, "  \"%s\": %d\n", junk[i], rc);
		CHECK_INT_EQ(rc, ERR_PARSE);
	}
	CHECK_INT_EQ(timecode_parse(&r, 48000, NULL, &f), ERR_PARSE);
	CHECK_INT_EQ(f, 77);

	/* any of the three last separators, at either kind of rate */
	CHECK_INT_EQ(timecode_parse(&df, 48000, "01:00:00;00", &a), 0);
	CHECK_INT_EQ(timecode_parse(&df, 48000, "01:00:00:00", &b), 0);
	CHECK_INT_EQ(timecode_parse(&df, 48000, "01:00:00.00", &c), 0);
	CHECK_INT_EQ(a, 172799828);
	CHECK_INT_EQ(b, a);
	CHECK_INT_EQ(c, a);
	CHECK_INT_EQ(timecode_parse(&r, 48000, "01:00:00;00", &a), 0);
	CHECK_INT_EQ(a, 172800000);

	/* hours: any number of digits, never wrapped */
	CHECK_INT_EQ(timecode_parse(&r, 48000, "1:00:00:00", &a), 0);
	CHECK_INT_EQ(a, 172800000);
	CHECK_INT_EQ(timecode_parse(&r, 48000, "0001:00:00:00", &a), 0);
	CHECK_INT_EQ(a, 172800000);
	CHECK_INT_EQ(timecode_parse(&r, 48000, "24:00:00:00", &a), 0);
	CHECK_INT_EQ(a, 24LL * 172800000);
	CHECK_INT_EQ(timecode_parse(&r, 48000, "100:00:00:01", &a), 0);
	CHECK_INT_EQ(a, 100LL * 172800000 + 1920);
	/* FF with more than two digits when it fits the rate */
	CHECK_INT_EQ(timecode_parse(&r, 48000, "00:00:00:024", &a), 0);
	CHECK_INT_EQ(a, 24 * 1920);
}

static void
test_format(void)
{
	struct tc_rate	r25 = rate_named("25", false);
	struct tc_rate	df = rate_named("29.97", true);
	struct tc_rate	r120 = rate_named("120", false);
	struct tc_rate	broken = { 25, 2, 12, false };  /* 12.5 is 13 */
	char		buf[32];

	timecode_format(&r25, 48000, 0, buf, sizeof buf);
	CHECK_STR_EQ(buf, "00:00:00:00");
	timecode_format(&r25, 48000, 1919, buf, sizeof buf);
	CHECK_STR_EQ(buf, "00:00:00:00");
	timecode_format(&r25, 48000, 1920, buf, sizeof buf);
	CHECK_STR_EQ(buf, "00:00:00:01");
	timecode_format(&r25, 48000, 24LL * 172800000, buf, sizeof buf);
	CHECK_STR_EQ(buf, "24:00:00:00");
	timecode_format(&r25, 48000, 123LL * 172800000 - 1, buf, sizeof buf);
	CHECK_STR_EQ(buf, "122:59:59:24");
	timecode_format(&df, 48000, 172799828, buf, sizeof buf);
	CHECK_STR_EQ(buf, "01:00:00;00");
	timecode_format(&df, 48000, 172799827, buf, sizeof buf);
	CHECK_STR_EQ(buf, "00:59:59;29");
	timecode_format(&r120, 48000, 119 * 400, buf, sizeof buf);
	CHECK_STR_EQ(buf, "00:00:00:119");
	timecode_format(&r25, 48000, -1, buf, sizeof buf);
	CHECK_STR_EQ(buf, "00:00:00:00");
	timecode_format(&broken, 48000, 0, buf, sizeof buf);
	CHECK_STR_EQ(buf, "--:--:--:--");
	timecode_format(&r25, 0, 0, buf, sizeof buf);
	CHECK_STR_EQ(buf, "--:--:--:--");

	/* short buffers truncate, never overrun (ASan watches) */
	timecode_format(&r25, 48000, 172800000, buf, 4);
	CHECK_STR_EQ(buf, "01:");
	buf[0] = 'x';
	timecode_format(&r25, 48000, 172800000, buf, 0);
	CHECK(buf[0] == 'x');
}

static void
check_rate(const char *name, bool df, int32_t num, int32_t den,
    int32_t nominal, const char *canon)
{
	struct tc_rate	r, back;
	char		buf[32];
	int		rc = timecode_rate_parse(name, df, &r);

	CHECK_INT_EQ(rc, 0);
	if (rc != 0)
		return;
	CHECK_INT_EQ(r.num, num);
	CHECK_INT_EQ(r.den, den);
	CHECK_INT_EQ(r.nominal, nominal);
	CHECK(r.drop_frame == df);
	CHECK(timecode_rate_is_valid(&r));
	CHECK_STR_EQ(timecode_rate_name(&r, buf, sizeof buf), canon);
	CHECK_INT_EQ(timecode_rate_parse(buf, df, &back), 0);
	CHECK(back.num == r.num && back.den == r.den &&
	    back.nominal == r.nominal && back.drop_frame == r.drop_frame);
}

static void
test_rates(void)
{
	struct tc_rate	r = { 1, 2, 3, true };
	char		buf[32];
	size_t		i;

	check_rate("23.976", false, 24000, 1001, 24, "23.976");
	check_rate("24", false, 24, 1, 24, "24");
	check_rate("25", false, 25, 1, 25, "25");
	check_rate("29.97", false, 30000, 1001, 30, "29.97");
	check_rate("29.97", true, 30000, 1001, 30, "29.97");
	check_rate("30", false, 30, 1, 30, "30");
	check_rate("30", true, 30, 1, 30, "30");
	check_rate("47.952", false, 48000, 1001, 48, "47.952");
	check_rate("48", false, 48, 1, 48, "48");
	check_rate("50", false, 50, 1, 50, "50");
	check_rate("59.94", false, 60000, 1001, 60, "59.94");
	check_rate("59.94", true, 60000, 1001, 60, "59.94");
	check_rate("60", true, 60, 1, 60, "60");
	check_rate("100", false, 100, 1, 100, "100");
	check_rate("119.88", false, 120000, 1001, 120, "119.88");
	check_rate("119.88", true, 120000, 1001, 120, "119.88");
	check_rate("120", true, 120, 1, 120, "120");
	/* exact fractions: reduced, kept exact, named when they are a named rate */
	check_rate("11988/100", false, 2997, 25, 120, "2997/25");
	check_rate("11988/100", true, 2997, 25, 120, "2997/25");
	check_rate("60000/2002", true, 30000, 1001, 30, "29.97");
	check_rate("24000/1001", false, 24000, 1001, 24, "23.976");
	check_rate("25/1", false, 25, 1, 25, "25");
	check_rate("15/1", false, 15, 1, 15, "15/1");
	check_rate("2997/100", true, 2997, 100, 30, "2997/100");

	/* no DF form */
	static const char *const no_df[] = {
		"23.976", "24", "25", "47.952", "48", "50", "100", "15/1",
	};
	for (i = 0; i < sizeof no_df / sizeof no_df[0]; i++)
		CHECK_INT_EQ(timecode_rate_parse(no_df[i], true, &r),
		    ERR_INVALID);
	CHECK_INT_EQ(r.num, 1);    /* untouched on failure */

	static const char *const junk[] = {
		"", "29.970", "29,97", "30fps", " 25", "25 ", "/1", "30/",
		"30//1", "-30/1", "30/-1", "+30/1", "30/1x", "30 /1",
		"99999999999/1", "30/99999999999", "DF", "1/2/3",
	};
	for (i = 0; i < sizeof junk / sizeof junk[0]; i++) {
		int	rc = timecode_rate_parse(junk[i], false, &r);

		if (rc != ERR_PARSE)
			fprintf(stderr, "  rate \"%s\": %d\n", junk[i], rc);
		CHECK_INT_EQ(rc, ERR_PARSE);
	}
	CHECK_INT_EQ(timecode_rate_parse(NULL, false, &r), ERR_PARSE);
	CHECK_INT_EQ(timecode_rate_parse("30/0", false, &r), ERR_INVALID);
	CHECK_INT_EQ(timecode_rate_parse("0/1", false, &r), ERR_INVALID);
	CHECK_INT_EQ(timecode_rate_parse("1001/1", false, &r), ERR_INVALID);

	/* from_fraction */
	CHECK_INT_EQ(timecode_rate_from_fraction(60000, 2002, false, &r), 0);
	CHECK_INT_EQ(r.num, 30000);
	CHECK_INT_EQ(r.den, 1001);
	CHECK_INT_EQ(r.nominal, 30);
	CHECK_INT_EQ(timecode_rate_from_fraction(11988, 100, true, &r), 0);
	CHECK_INT_EQ(r.num, 2997);
	CHECK_INT_EQ(r.den, 25);
	CHECK(r.num != 120000);    /* not snapped to the 1001 rate */
	CHECK_INT_EQ(timecode_rate_from_fraction(3, 2, false, &r), 0);
	CHECK_INT_EQ(r.nominal, 2);    /* 1.5 rounds to nearest, halves up */
	CHECK_INT_EQ(timecode_rate_from_fraction(1000, 1, false, &r), 0);
	CHECK_INT_EQ(timecode_rate_from_fraction(INT32_MAX, INT32_MAX, false,
	    &r), 0);
	CHECK_INT_EQ(r.num, 1);
	CHECK_INT_EQ(r.den, 1);
	CHECK_INT_EQ(timecode_rate_from_fraction(0, 1, false, &r), ERR_INVALID);
	CHECK_INT_EQ(timecode_rate_from_fraction(1, 0, false, &r), ERR_INVALID);
	CHECK_INT_EQ(timecode_rate_from_fraction(-30, 1, false, &r),
	    ERR_INVALID);
	CHECK_INT_EQ(timecode_rate_from_fraction(30, -1, false, &r),
	    ERR_INVALID);
	CHECK_INT_EQ(timecode_rate_from_fraction(1, 3, false, &r), ERR_INVALID);
	CHECK_INT_EQ(timecode_rate_from_fraction(1001, 1, false, &r),
	    ERR_INVALID);
	CHECK_INT_EQ(timecode_rate_from_fraction(INT32_MAX, 1, false, &r),
	    ERR_INVALID);
	CHECK_INT_EQ(timecode_rate_from_fraction(25, 1, true, &r), ERR_INVALID);
	CHECK_INT_EQ(timecode_rate_from_fraction(24, 1, true, &r), ERR_INVALID);
	CHECK_INT_EQ(timecode_rate_from_fraction(50, 1, true, &r), ERR_INVALID);

	/* is_valid */
	struct tc_rate	unreduced = { 60000, 2002, 30, false };
	struct tc_rate	wrong_nominal = { 30000, 1001, 29, false };
	struct tc_rate	df25 = { 25, 1, 25, true };
	struct tc_rate	zero = { 0, 1, 0, false };
	struct tc_rate	good = { 30000, 1001, 30, true };
	CHECK(!timecode_rate_is_valid(&unreduced));
	CHECK(!timecode_rate_is_valid(&wrong_nominal));
	CHECK(!timecode_rate_is_valid(&df25));
	CHECK(!timecode_rate_is_valid(&zero));
	CHECK(!timecode_rate_is_valid(NULL));
	CHECK(timecode_rate_is_valid(&good));

	/* name: a zero-size buffer is left alone */
	buf[0] = 'x';
	CHECK(timecode_rate_name(&good, buf, 0) == buf);
	CHECK(buf[0] == 'x');
}

static void
test_limits(void)
{
	struct tc_rate	df = rate_named("29.97", true);
	struct tc_rate	r30 = rate_named("30", false);
	struct tc_rate	one, broken = { 30000, 1001, 29, false };
	struct tc_label	l;
	int64_t		f = -7, c;
	char		buf[32];

	CHECK_INT_EQ(timecode_rate_from_fraction(1, 1, false, &one), 0);

	CHECK_INT_EQ(timecode_count_to_frames(&df, 48000, -1), ERR_INVALID);
	CHECK_INT_EQ(timecode_frames_to_count(&df, 48000, -1), ERR_INVALID);
	CHECK_INT_EQ(timecode_count_to_frames(&df, 0, 10), ERR_INVALID);
	CHECK_INT_EQ(timecode_frames_to_count(&df, -48000, 10), ERR_INVALID);
	CHECK_INT_EQ(timecode_count_to_frames(&broken, 48000, 10),
	    ERR_INVALID);
	CHECK_INT_EQ(timecode_frames_to_count(&broken, 48000, 10),
	    ERR_INVALID);
	/* results that do not fit int64_t are refused, not wrapped */
	CHECK_INT_EQ(timecode_count_to_frames(&df, 48000, INT64_MAX),
	    ERR_INVALID);
	CHECK_INT_EQ(timecode_count_to_frames(&one, INT32_MAX, INT64_MAX / 2),
	    ERR_INVALID);
	/* a count whose audio frame lands just below INT64_MAX */
	c = INT64_MAX / 48048 * 30;
	CHECK(timecode_count_to_frames(&df, 48000, c) > 0);
	CHECK_INT_EQ(timecode_frames_to_count(&df, 48000,
	    timecode_count_to_frames(&df, 48000, c)), c);
	CHECK_INT_EQ(timecode_frames_to_count(&df, 48000, INT64_MAX),
	    (int64_t)((wide)INT64_MAX * 30000 / (48000LL * 1001)));
	/* a frame rate above the sample rate is absurd but still defined */
	CHECK_INT_EQ(timecode_frames_to_count(&r30, 1, INT64_MAX), ERR_INVALID);

	/* the last label: hours at INT32_MAX, reachable and round-tripping */
	CHECK_INT_EQ(timecode_parse(&df, 48000, "2147483647:59:59;29", &f), 0);
	timecode_format(&df, 48000, f, buf, sizeof buf);
	CHECK_STR_EQ(buf, "2147483647:59:59;29");
	CHECK_INT_EQ(timecode_parse(&one, INT32_MAX, "2147483647:00:00:00",
	    &f), ERR_INVALID);
	CHECK_INT_EQ(timecode_parse(&one, INT32_MAX, "01:00:00:00", &f), 0);
	CHECK_INT_EQ(f, 3600LL * INT32_MAX);

	/* count_to_label clamps */
	timecode_count_to_label(&r30, INT64_MAX, &l);
	CHECK_INT_EQ(l.hours, INT32_MAX);
	CHECK_INT_EQ(l.minutes, 59);
	CHECK_INT_EQ(l.seconds, 59);
	CHECK_INT_EQ(l.frames, 29);
	timecode_count_to_label(&r30, -5, &l);
	CHECK(l.hours == 0 && l.minutes == 0 && l.seconds == 0 &&
	    l.frames == 0);
	timecode_count_to_label(&broken, 100, &l);
	CHECK(l.hours == 0 && l.minutes == 0 && l.seconds == 0 &&
	    l.frames == 0);
	timecode_format(&r30, 48000, INT64_MAX, buf, sizeof buf);
	CHECK_STR_EQ(buf, "2147483647:59:59:29");
}

int
main(void)
{
	test_rates();
	test_known_values();
	test_drop_frame_boundaries();
	test_invalid_labels();
	test_parse_syntax();
	test_format();
	test_limits();
	test_sweeps();
	return test_report();
}
