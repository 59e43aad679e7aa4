/*
 * options.h - the words of a cleanup request, shared by `dubstage clean`
 * on a file and the session command `clean C12 ...` (console and script):
 *
 *   --declick | --deplosive | --dehum | --denoise | --deess   a stage on
 *   --level [TARGET]               the leveller on (TARGET in LUFS)
 *   NAME=VALUE ...                 after a stage: its insert parameters
 *                                  (e.g. --denoise reduction-db=12)
 *   --profile-from A-B             learn the denoiser's profile there
 *   --profile NAME|N1              (sessions) a saved profile
 *   --save-profile NAME            (sessions) keep the learned profile
 *   --fill A-B (repeatable)        room-tone fill of the gap A-B
 *   --fill-from A-B                room tone for the fills from there
 *   --pcm24                        24-bit output (default 32-bit float)
 *   -o FILE, --clip C12, --fps N, -q/--quiet
 *
 * Options are matched by hand (not getopt): "--level -20" takes a negative
 * number, and settings follow their stage. Times stay text here: a file
 * and a session read them differently (clean_parse_*).
 */
#ifndef DUBSTAGE_CLEAN_OPTIONS_H
#define DUBSTAGE_CLEAN_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clean/clean.h"

#define CLEAN_MAX_OPERANDS 4

struct clean_args {
	struct clean_spec spec;   /* stages and settings (names borrow argv) */
	const char *profile_from, *fill_from;     /* "A-B" or NULL */
	const char *fills[CLEAN_MAX_FILLS];
	int fill_count;
	const char *profile;      /* --profile */
	const char *save_profile; /* --save-profile */
	const char *output;       /* -o */
	const char *clip;         /* --clip */
	const char *fps;          /* --fps */
	bool pcm24, quiet;
	const char *operands[CLEAN_MAX_OPERANDS];
	int operand_count;
};

/* Parses argv[1..argc). 0, or -1 with a message in err. The result
 * borrows argv. */
int clean_args_parse(int argc, char **argv, struct clean_args *a,
    char *err, size_t err_size);

/* "12.5", "1:02.5", "0:01:02.5" (seconds); 0 or ERR_PARSE. */
int clean_parse_seconds(const char *text, double *seconds);
/* "01:00:05:12" (or ';' before the frames) into h, m, s, f; 0 or
 * ERR_PARSE. */
int clean_parse_timecode(const char *text, int *h, int *m, int *s, int *f);
/* Splits "A-B" at the '-' between the two times into a and b (each
 * < size bytes). 0 or ERR_PARSE. */
int clean_split_range(const char *text, char *a, char *b, size_t size);

/* A range "A-B" of times of a file at rate_hz into r: seconds, or
 * timecodes counted from the file's start at fps frames per second; 0, ERR_PARSE, or ERR_INVALID when
 * B <= A. */
int clean_file_range(const char *text, int rate_hz, double fps,
    struct clean_range *r);

#endif
