/*
 * xml_safe.h - internal to src/session: the one way a session file is read
 * and parsed, shared by the loader and the schema check.
 *
 * Whatever the bytes are, parsing stays small and local: files above
 * SESSION_XML_MAX_BYTES are refused before they are read, anything that
 * does not start like XML is refused after its first few kilobytes, the
 * bytes must be UTF-8 without NULs, the network is never used, and a
 * document with a DOCTYPE (hence any entity declaration) stops the parser
 * the moment the DOCTYPE is seen, so entities are never declared, loaded
 * or expanded.
 *
 * libxml2's own messages are captured (never printed) and the first one,
 * with its line, goes into the diag.
 */
#ifndef DUBSTAGE_SESSION_XML_SAFE_H
#define DUBSTAGE_SESSION_XML_SAFE_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "base/error.h"

/* Reads the file at path into a malloc'd, NUL-terminated buffer (caller
 * frees). 0, or ERR_IO (missing, unreadable, not a regular file),
 * ERR_UNSAFE (too big), ERR_PARSE (empty, or not XML), ERR_NOMEM. */
int xml_safe_read_file(const char *path, char **data, size_t *size,
    struct diag *d);

/* Parses data (borrowed) into a tree (caller frees with xmlFreeDoc). name
 * is used in diagnostics. 0, or ERR_PARSE, ERR_UNSAFE, ERR_NOMEM. */
int xml_safe_parse(const char *data, size_t size, const char *name,
    xmlDoc **out, struct diag *d);

/* The line of a node. Unlike xmlGetLineNo it is exact for elements past
 * line 65535 of documents parsed by xml_safe_parse (libxml2 2.9 keeps
 * element lines in 16 bits and guesses from the neighbours above that). */
int xml_safe_line(const xmlNode *n);

/* Collects libxml2's messages while installed: routes this thread's
 * structured and generic error handlers here, and restores them after. */
struct xml_capture {
	bool have;              /* an error has been captured */
	int line;               /* its line, 0 when unknown */
	char message[768];      /* the first error's message, no newline */
	xmlStructuredErrorFunc saved_structured;
	void *saved_structured_ctx;
	xmlGenericErrorFunc saved_generic;
	void *saved_generic_ctx;
};

void xml_capture_begin(struct xml_capture *c);
void xml_capture_end(struct xml_capture *c);

/* The structured handler (ctx is the struct xml_capture), for libxml2
 * APIs that take one explicitly (RELAX NG). */
#if LIBXML_VERSION >= 21200
void xml_capture_structured(void *ctx, const xmlError *err);
#else
void xml_capture_structured(void *ctx, xmlErrorPtr err);
#endif

#endif
