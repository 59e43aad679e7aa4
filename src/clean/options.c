/* options.c - parsing the words of a cleanup request (options.h). */
#include "clean/options.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *flag;
	enum clean_stage_kind stage;
} stage_flags[] = {
	{ "--declick", CLEAN_DECLICK }, { "--deplosive", CLEAN_DEPLOSIVE },
	{ "--dehum", CLEAN_DEHUM }, { "--denoise", CLEAN_DENOISE },
	{ "--deess", CLEAN_DEESS }, { "--level", CLEAN_LEVEL },
};

static int
fail(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return -1;
}

static bool
parse_number(const char *text, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(text, &end);
	return end != text && *end == '\0' && errno == 0 && isfinite(*out);
}

/* Adds NAME=VALUE to a stage's settings. */
static int
add_setting(struct clean_stage *st, const char *stage, char *word, char *err,
    size_t size)
{
	char *eq = strchr(word, '=');
	double v;

	if (eq == NULL || eq == word)
		return fail(err, size, "'%s': a %s setting is NAME=VALUE", word,
		    stage);
	if (!parse_number(eq + 1, &v))
		return fail(err, size, "'%s': the value is not a number", word);
	if (st->param_count == CLEAN_MAX_SETTINGS)
		return fail(err, size, "too many %s settings", stage);
	*eq = '\0';   /* argv is ours to cut: the name ends here */
	st->params[st->param_count].name = word;
	st->params[st->param_count].value = v;
	st->param_count++;
	return 0;
}

/* The value of an option that takes one: "--opt V" or "--opt=V". */
static int
take_value(int argc, char **argv, int *i, const char *opt, const char **out,
    char *err, size_t size)
{
	size_t n = strlen(opt);
	const char *w = argv[*i];

	if (strncmp(w, opt, n) == 0 && w[n] == '=') {
		*out = w + n + 1;
		return 1;
	}
	if (strcmp(w, opt) != 0)
		return 0;
	if (*i + 1 >= argc)
		return fail(err, size, "%s needs a value", opt);
	*out = argv[++*i];
	return 1;
}

int
clean_args_parse(int argc, char **argv, struct clean_args *a, char *err,
    size_t size)
{
	static const char *const valued[] = { "--profile-from", "--fill-from",
	    "--profile", "--save-profile", "--output", "-o", "--clip", "--fps",
	    "--fill" };
	struct clean_stage *current = NULL;
	const char *current_name = NULL;

	memset(a, 0, sizeof *a);
	clean_spec_init(&a->spec);
	for (int i = 1; i < argc; i++) {
		char *w = argv[i];
		const char *v = NULL;
		bool matched = false;
		int r;

		for (size_t k = 0; k < sizeof stage_flags / sizeof stage_flags[0]; k++) {
			size_t n = strlen(stage_flags[k].flag);
			double target;

			if (strncmp(w, stage_flags[k].flag, n) != 0 ||
			    (w[n] != '\0' && w[n] != '='))
				continue;
			current = &a->spec.stage[stage_flags[k].stage];
			current_name = stage_flags[k].flag + 2;
			if (current->on)
				return fail(err, size, "%s given twice", stage_flags[k].flag);
			current->on = true;
			matched = true;
			if (stage_flags[k].stage != CLEAN_LEVEL)
				break;
			/* --level TARGET, --level=TARGET */
			if (w[n] == '=')
				v = w + n + 1;
			else if (i + 1 < argc && parse_number(argv[i + 1], &target))
				v = argv[++i];
			if (v != NULL) {
				if (!parse_number(v, &target))
					return fail(err, size, "--level %s: the target is "
					    "not a number (LUFS)", v);
				current->params[0].name = "target-lufs";
				current->params[0].value = target;
				current->param_count = 1;
			}
			break;
		}
		if (matched)
			continue;
		if (w[0] != '-' && strchr(w, '=') != NULL && current != NULL) {
			if (add_setting(current, current_name, w, err, size) != 0)
				return -1;
			continue;
		}
		current = NULL;
		if (strcmp(w, "--pcm24") == 0) {
			a->pcm24 = true;
			continue;
		}
		if (strcmp(w, "-q") == 0 || strcmp(w, "--quiet") == 0) {
			a->quiet = true;
			continue;
		}
		for (size_t k = 0; k < sizeof valued / sizeof valued[0] && !matched; k++) {
			if ((r = take_value(argc, argv, &i, valued[k], &v, err, size)) < 0)
				return -1;
			if (r == 0)
				continue;
			matched = true;
			switch (k) {
			case 0: a->profile_from = v; break;
			case 1: a->fill_from = v; break;
			case 2: a->profile = v; break;
			case 3: a->save_profile = v; break;
			case 4: case 5: a->output = v; break;
			case 6: a->clip = v; break;
			case 7: a->fps = v; break;
			case 8:
				if (a->fill_count == CLEAN_MAX_FILLS)
					return fail(err, size, "at most %d --fill ranges",
					    CLEAN_MAX_FILLS);
				a->fills[a->fill_count++] = v;
				break;
			}
		}
		if (matched)
			continue;
		if (w[0] == '-' && w[1] != '\0')
			return fail(err, size, "unknown option '%s'", w);
		if (a->operand_count == CLEAN_MAX_OPERANDS)
			return fail(err, size, "too many arguments ('%s')", w);
		a->operands[a->operand_count++] = w;
	}
	return 0;
}

/* ---- times ------------------------------------------------------------------ */

int
clean_parse_seconds(const char *text, double *seconds)
{
	double part[3], total = 0;
	int n = 0;
	const char *p = text;

	while (n < 3) {
		char *end;

		errno = 0;
		part[n] = strtod(p, &end);
		if (end == p || errno != 0 || !isfinite(part[n]) || part[n] < 0)
			return ERR_PARSE;
		n++;
		if (*end == '\0')
			break;
		if (*end != ':')
			return ERR_PARSE;
		p = end + 1;
		if (n == 3)
			return ERR_PARSE;
	}
	for (int i = 0; i < n; i++) {
		/* minutes and seconds after a colon are below 60 */
		if (i > 0 && part[i] >= 60)
			return ERR_PARSE;
		total = total * 60 + part[i];
	}
	*seconds = total;
	return 0;
}

int
clean_parse_timecode(const char *text, int *h, int *m, int *s, int *f)
{
	char sep1, sep2, sep3, tail;

	if (sscanf(text, "%d%c%d%c%d%c%d%c", h, &sep1, m, &sep2, s, &sep3, f,
	    &tail) != 7 || sep1 != ':' || sep2 != ':' ||
	    (sep3 != ':' && sep3 != ';') || *h < 0 || *m < 0 || *m > 59 ||
	    *s < 0 || *s > 59 || *f < 0)
		return ERR_PARSE;
	return 0;
}

int
clean_split_range(const char *text, char *a, char *b, size_t size)
{
	const char *dash = strchr(text, '-');
	size_t n;

	if (dash == NULL || dash == text || dash[1] == '\0' ||
	    strchr(dash + 1, '-') != NULL)
		return ERR_PARSE;
	n = (size_t)(dash - text);
	if (n >= size || strlen(dash + 1) >= size)
		return ERR_PARSE;
	memcpy(a, text, n);
	a[n] = '\0';
	strcpy(b, dash + 1);
	return 0;
}

/* A time of a file in frames, or -1 when malformed. */
static int64_t
clean_file_time(const char *text, int rate_hz, double fps)
{
	int h, m, s, f;
	double sec;

	if (clean_parse_timecode(text, &h, &m, &s, &f) == 0) {
		if (f >= (int)ceil(fps))
			return -1;
		return ((int64_t)h * 3600 + m * 60 + s) * rate_hz +
		    (int64_t)llround(f * (double)rate_hz / fps);
	}
	if (clean_parse_seconds(text, &sec) != 0 || sec > 1e7)
		return -1;
	return (int64_t)llround(sec * rate_hz);
}

int
clean_file_range(const char *text, int rate_hz, double fps,
    struct clean_range *r)
{
	char a[64], b[64];

	if (clean_split_range(text, a, b, sizeof a) != 0 ||
	    (r->start = clean_file_time(a, rate_hz, fps)) < 0 ||
	    (r->end = clean_file_time(b, rate_hz, fps)) < 0)
		return ERR_PARSE;
	return r->end > r->start ? 0 : ERR_INVALID;
}
