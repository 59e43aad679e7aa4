/*
 * path.h - file path helpers (POSIX paths, UTF-8 bytes passed through).
 */
#ifndef DUBSTAGE_BASE_PATH_H
#define DUBSTAGE_BASE_PATH_H

#include <stdbool.h>

/* The folder part of path ("." when there is none). Caller frees; NULL on
 * allocation failure. */
char *path_dirname(const char *path);

/* The last component of path (no allocation: points into path). */
const char *path_basename(const char *path);

/* If rel is absolute, a copy of it; else dir/rel. Caller frees; NULL on OOM. */
char *path_resolve(const char *dir, const char *rel);

bool path_is_absolute(const char *path);

/* True when path names an existing regular file we may read. */
bool path_is_readable_file(const char *path);

#endif
