/*
 * strutil.h - small string and number helpers shared by parsers and writers.
 * All functions are thread-safe and never print.
 */
#ifndef DUBSTAGE_BASE_STRUTIL_H
#define DUBSTAGE_BASE_STRUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* strdup that accepts NULL (returns NULL). Caller frees. On allocation failure
 * returns NULL: check when s != NULL. */
char *str_dup(const char *s);

/* Replaces *dst with a copy of src (NULL allowed). Returns 0 or ERR_NOMEM, in
 * which case *dst is unchanged. */
int str_replace(char **dst, const char *src);

/* Strict parsers: the whole string must be the number (no trailing junk, no
 * empty string, no overflow). Return 0 or ERR_PARSE / ERR_INVALID. */
int str_to_i64(const char *s, int64_t *out);
int str_to_int(const char *s, int min, int max, int *out);
int str_to_double(const char *s, double *out); /* finite values only */
int str_to_bool(const char *s, bool *out);      /* "true"/"false"/"1"/"0" */

/* Formats a finite double with the fewest digits that read back to the exact
 * same value ("%.15g" when that round-trips, else "%.17g"). buf >= 32 bytes. */
void str_from_double(double v, char *buf, size_t size);

#endif
