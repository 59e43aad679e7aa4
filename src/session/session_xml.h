/*
 * session_xml.h - the .dubstage session file: load, save, schema check.
 *
 * The file format (version SESSION_FORMAT_VERSION) is documented in
 * man/dubstage-session.5 and described by the RELAX NG schema
 * sessions/dubstage-session.rng, which is compiled into the program.
 *
 * Safety: parsing never touches the network, never loads or expands
 * external entities, and refuses any document with a DTD (no entity bombs).
 * Every error fills the diag with the file and, when known, the line.
 *
 * All functions run on the main thread (libxml2 is not used elsewhere).
 */
#ifndef DUBSTAGE_SESSION_SESSION_XML_H
#define DUBSTAGE_SESSION_SESSION_XML_H

#include <stddef.h>

#include "base/error.h"
#include "session/session.h"

/* Largest session file we read; anything bigger is refused before parsing. */
#define SESSION_XML_MAX_BYTES (256u * 1024 * 1024)

/*
 * Loads path into a new session (caller frees with session_destroy).
 * s->path is set to path; sources' online flags are set by whether their
 * resolved path names a readable file (media is not probed here).
 * Returns 0, or ERR_IO, ERR_PARSE, ERR_UNSAFE, ERR_VERSION, ERR_SCHEMA,
 * ERR_SEMANTIC, ERR_NOMEM with *out untouched and d filled.
 */
int session_xml_load(const char *path, struct session **out, struct diag *d);

/* The same from memory; name is used in diagnostics, base_dir resolves
 * relative media paths (NULL = current directory). */
int session_xml_load_memory(const char *data, size_t size, const char *name,
    const char *base_dir, struct session **out, struct diag *d);

/*
 * Saves s to path atomically: writes path.tmp-XXXXXX in the same folder,
 * fsyncs it, renames the existing file (if any) to path.bak, renames the
 * temp file to path and fsyncs the folder. On any failure the temp file is
 * removed and the previous file is left as it was. Sets s->path on success.
 */
int session_xml_save(struct session *s, const char *path, struct diag *d);

/* Serialises s into a malloc'd NUL-terminated buffer (caller frees). */
int session_xml_write_memory(const struct session *s, char **out,
    size_t *size, struct diag *d);

/* Validates the file against the compiled-in RELAX NG schema (after the
 * same safe parse as load). 0 or ERR_SCHEMA (first error and its line in d),
 * or the parse errors of load. */
int session_xml_validate_schema(const char *path, struct diag *d);
int session_xml_validate_schema_memory(const char *data, size_t size,
    const char *name, struct diag *d);

/* Resolves a source's stored path against the session file's folder.
 * Caller frees; NULL on allocation failure. */
char *session_source_resolved_path(const struct session *s,
    const struct source *src);

#endif
