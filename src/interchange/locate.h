/*
 * locate.h - finding the media an interchange file points at.
 *
 * Editors store a locator as a URL ("file:///C%3A/Media/take%201.wav",
 * "file://localhost/Volumes/Media/x.wav") or as a plain path, often from
 * another machine. locate_media() tries, in order: the decoded path as it
 * stands; relative to the interchange file's folder; the path's trailing
 * components under that folder and under each media folder (so
 * C:/Projects/Film/Audio/a.wav is found as <dir>/Audio/a.wav); and last a
 * search by file name through each media folder, recursively (bounded
 * depth and entries). Names are compared as UTF-8 bytes, then ignoring
 * ASCII case.
 *
 * Main thread; touches the file system; never prints.
 */
#ifndef DUBSTAGE_INTERCHANGE_LOCATE_H
#define DUBSTAGE_INTERCHANGE_LOCATE_H

#include <stddef.h>

#include "base/error.h"

/* The path a locator names, as written: the scheme and host dropped,
 * percent-escapes decoded, backslashes made slashes, "/C:/x" made "C:/x".
 * Caller frees; NULL on allocation failure. */
char *locate_uri_to_path(const char *uri);

/*
 * Finds the file locator uri names. base_dir is the interchange file's
 * folder (NULL: current); dirs are extra folders to search (may be NULL
 * when ndirs is 0). On success *found is a malloc'd path to an existing
 * regular file. 0, ERR_NOTFOUND, ERR_NOMEM.
 */
int locate_media(const char *uri, const char *base_dir,
    const char *const *dirs, size_t ndirs, char **found);

#endif
