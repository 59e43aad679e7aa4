/*
 * schema.h - the RELAX NG schema of the session file (sessions/
 * dubstage-session.rng), compiled into the program by cmake/embed.cmake.
 * The array is NUL-terminated; the size excludes the NUL.
 */
#ifndef DUBSTAGE_SESSION_SCHEMA_H
#define DUBSTAGE_SESSION_SCHEMA_H

#include <stddef.h>

extern const unsigned char session_schema_rng[];
extern const size_t session_schema_rng_size;

#endif
