#include "base/strutil.h"
#include "base/error.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *
str_dup(const char *s)
{
	size_t n;
	char *p;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	p = malloc(n);
	if (p != NULL)
		memcpy(p, s, n);
	return p;
}

int
str_replace(char **dst, const char *src)
{
	char *copy = str_dup(src);

	if (src != NULL && copy == NULL)
		return ERR_NOMEM;
	free(*dst);
	*dst = copy;
	return 0;
}

int
str_to_i64(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0' || (*s != '-' && *s != '+' && (*s < '0' || *s > '9')))
		return ERR_PARSE;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0')
		return ERR_PARSE;
	if (errno == ERANGE)
		return ERR_INVALID;
	*out = (int64_t)v;
	return 0;
}

int
str_to_int(const char *s, int min, int max, int *out)
{
	int64_t v;
	int rc = str_to_i64(s, &v);

	if (rc != 0)
		return rc;
	if (v < min || v > max)
		return ERR_INVALID;
	*out = (int)v;
	return 0;
}

int
str_to_double(const char *s, double *out)
{
	char *end;
	double v;

	if (s == NULL || *s == '\0' || *s == ' ' || *s == '\t' || *s == '\n')
		return ERR_PARSE;
	errno = 0;
	v = strtod(s, &end);
	if (*end != '\0')
		return ERR_PARSE;
	if (!isfinite(v))
		return ERR_INVALID;
	*out = v;
	return 0;
}

int
str_to_bool(const char *s, bool *out)
{
	if (s == NULL)
		return ERR_PARSE;
	if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0) {
		*out = true;
		return 0;
	}
	if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0) {
		*out = false;
		return 0;
	}
	return ERR_PARSE;
}

void
str_from_double(double v, char *buf, size_t size)
{
	if (v == 0.0)
		v = 0.0; /* no "-0" in files */
	snprintf(buf, size, "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, size, "%.17g", v);
}
