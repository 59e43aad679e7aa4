#include "base/json.h"
#include "base/atomic_file.h"
#include "base/error.h"
#include "base/strutil.h"

#include <math.h>
#include <stdlib.h>

void
json_init(struct json *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->first[0] = true;
	j->after_key = false;
}

static void
indent(struct json *j)
{
	fputc('\n', j->out);
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->out);
}

/* Writes the separator that must come before a new value or key. */
static void
before_value(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth == 0)
		return;
	if (!j->first[j->depth])
		fputc(',', j->out);
	j->first[j->depth] = false;
	indent(j);
}

static void
container_open(struct json *j, char c)
{
	before_value(j);
	fputc(c, j->out);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->first[j->depth] = true;
}

static void
container_close(struct json *j, char c)
{
	bool empty = j->first[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (!empty)
		indent(j);
	fputc(c, j->out);
}

void json_object_begin(struct json *j) { container_open(j, '{'); }
void json_object_end(struct json *j) { container_close(j, '}'); }
void json_array_begin(struct json *j) { container_open(j, '['); }
void json_array_end(struct json *j) { container_close(j, ']'); }

/* Length of the valid UTF-8 sequence at s, or 0 if it is not valid. */
static int
utf8_valid_len(const unsigned char *s)
{
	int n;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xE0) == 0xC0) { n = 2; cp = s[0] & 0x1F; }
	else if ((s[0] & 0xF0) == 0xE0) { n = 3; cp = s[0] & 0x0F; }
	else if ((s[0] & 0xF8) == 0xF0) { n = 4; cp = s[0] & 0x07; }
	else return 0;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

static void
write_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', out);
	while (*p != '\0') {
		int n;

		if (*p == '"' || *p == '\\') {
			fputc('\\', out);
			fputc(*p++, out);
			continue;
		}
		if (*p < 0x20) {
			switch (*p) {
			case '\n': fputs("\\n", out); break;
			case '\t': fputs("\\t", out); break;
			case '\r': fputs("\\r", out); break;
			default: fprintf(out, "\\u%04x", *p); break;
			}
			p++;
			continue;
		}
		n = utf8_valid_len(p);
		if (n == 0) {
			fputs("\xEF\xBF\xBD", out);
			p++;
			continue;
		}
		fwrite(p, 1, (size_t)n, out);
		p += n;
	}
	fputc('"', out);
}

void
json_key(struct json *j, const char *key)
{
	before_value(j);
	write_string(j->out, key);
	fputs(": ", j->out);
	j->after_key = true;
}

void
json_string(struct json *j, const char *s)
{
	before_value(j);
	if (s == NULL)
		fputs("null", j->out);
	else
		write_string(j->out, s);
}

void
json_int(struct json *j, int64_t v)
{
	before_value(j);
	fprintf(j->out, "%lld", (long long)v);
}

void
json_double(struct json *j, double v)
{
	char buf[40];

	before_value(j);
	if (!isfinite(v)) {
		fputs("null", j->out);
		return;
	}
	str_from_double(v, buf, sizeof buf);
	fputs(buf, j->out);
}

void
json_bool(struct json *j, bool v)
{
	before_value(j);
	fputs(v ? "true" : "false", j->out);
}

void
json_null(struct json *j)
{
	before_value(j);
	fputs("null", j->out);
}

void
json_key_double(struct json *j, const char *key, double v)
{
	json_key(j, key);
	json_double(j, v);
}

void
json_finish(struct json *j)
{
	fputc('\n', j->out);
}

int
json_save(const char *path, void (*fill)(struct json *j, void *ctx),
    void *ctx, struct diag *d)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&buf, &size);
	struct json j;
	int rc;

	if (mem == NULL)
		return diag_set(d, ERR_NOMEM, path, 0, "out of memory");
	json_init(&j, mem);
	fill(&j, ctx);
	json_finish(&j);
	if (fclose(mem) != 0) {
		free(buf);
		return diag_set(d, ERR_NOMEM, path, 0, "out of memory");
	}
	rc = atomic_file_write(path, buf, size, false, d);
	free(buf);
	return rc;
}
