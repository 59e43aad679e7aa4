/*
 * json.h - a streaming JSON writer for machine-readable CLI output.
 *
 * The writer tracks nesting and commas so callers only say what comes next.
 * Output is compact-with-newlines-per-member, indented by two spaces, UTF-8
 * passed through, control characters and quotes escaped. Keys and strings
 * must be NUL-terminated UTF-8; invalid bytes are replaced by U+FFFD so the
 * output is always valid JSON.
 */
#ifndef DUBSTAGE_BASE_JSON_H
#define DUBSTAGE_BASE_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json {
	FILE *out;        /* borrowed */
	int depth;
	bool first[JSON_MAX_DEPTH]; /* no member written yet at this level */
	bool after_key;   /* the next value completes a "key": pair */
};

void json_init(struct json *j, FILE *out);
void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);
/* Writes a key inside an object; the next call writes its value. */
void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s); /* NULL writes null */
void json_int(struct json *j, int64_t v);
void json_double(struct json *j, double v);      /* non-finite writes null */
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* A "key": number member (non-finite writes null). */
void json_key_double(struct json *j, const char *key, double v);
/* Ends the document with a newline. */
void json_finish(struct json *j);

struct diag;

/* Writes a JSON document to path atomically (base/atomic_file.h): fill
 * writes the document's one top-level value into j. 0, or ERR_NOMEM /
 * ERR_IO with d filled. */
int json_save(const char *path, void (*fill)(struct json *j, void *ctx),
    void *ctx, struct diag *d);

#endif
