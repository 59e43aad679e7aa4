/*
 * xml_safe.c - reading and parsing session files without trusting them.
 *
 * The DOCTYPE defence: every SAX callback through which a DTD can act
 * (internalSubset, externalSubset, entityDecl and the other declarations,
 * resolveEntity) is replaced by one that records "unsafe" and calls
 * xmlStopParser. libxml2 reports the DOCTYPE to internalSubset before it
 * reads a single declaration, so a billion-laughs document is stopped
 * before its first entity exists, and an external entity is never
 * resolved. The options never include NOENT, DTDLOAD, DTDVALID, XINCLUDE
 * or HUGE, and the context's inherited defaults for entity substitution and
 * subset loading are cleared explicitly (they come from process globals
 * another library could have changed).
 */
#include "session/xml_safe.h"
#include "session/session_xml.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>

#define SNIFF_BYTES 4096

/* ---- error capture ------------------------------------------------------ */

static void
capture_set(struct xml_capture *c, int line, const char *msg)
{
	size_t n;

	if (c->have)
		return;
	c->have = true;
	c->line = line > 0 ? line : 0;
	snprintf(c->message, sizeof c->message, "%s", msg != NULL ? msg : "");
	n = strlen(c->message);
	while (n > 0 && (c->message[n - 1] == '\n' || c->message[n - 1] == ' '))
		c->message[--n] = '\0';
}

#if LIBXML_VERSION >= 21200
void
xml_capture_structured(void *ctx, const xmlError *err)
#else
void
xml_capture_structured(void *ctx, xmlErrorPtr err)
#endif
{
	struct xml_capture *c = ctx;
	int line;

	if (c == NULL || err == NULL || err->level == XML_ERR_WARNING)
		return;
	line = err->line;
	if (err->node != NULL &&
	    ((xmlNode *)err->node)->type == XML_ELEMENT_NODE) {
		int l = xml_safe_line(err->node);

		if (l > 0)
			line = l;
	}
	capture_set(c, line, err->message);
}

/* libxml2 still has a few direct xmlGenericError() calls; keep them quiet
 * and use them only if nothing structured was reported. */
static void
capture_generic(void *ctx, const char *fmt, ...)
{
	struct xml_capture *c = ctx;
	char buf[512];
	va_list ap;

	if (c == NULL || c->have)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (buf[0] != '\0' && strcmp(buf, "\n") != 0)
		capture_set(c, 0, buf);
}

void
xml_capture_begin(struct xml_capture *c)
{
	memset(c, 0, sizeof *c);
	c->saved_structured = xmlStructuredError;
	c->saved_structured_ctx = xmlStructuredErrorContext;
	c->saved_generic = xmlGenericError;
	c->saved_generic_ctx = xmlGenericErrorContext;
	xmlSetStructuredErrorFunc(c, xml_capture_structured);
	xmlSetGenericErrorFunc(c, capture_generic);
}

void
xml_capture_end(struct xml_capture *c)
{
	xmlSetStructuredErrorFunc(c->saved_structured_ctx, c->saved_structured);
	xmlSetGenericErrorFunc(c->saved_generic_ctx, c->saved_generic);
}

/* ---- byte-level checks -------------------------------------------------- */

static int
line_at(const char *data, size_t off)
{
	int line = 1;

	for (size_t i = 0; i < off; i++)
		if (data[i] == '\n' && line < 0x7fffffff)
			line++;
	return line;
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when invalid:
 * overlong forms, surrogates and code points above U+10FFFF included. */
static size_t
utf8_seq(const unsigned char *p, size_t avail)
{
	unsigned c = p[0];
	size_t n;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

/* The bytes must be UTF-8 without NULs. */
static int
check_bytes(const char *data, size_t size, const char *name, struct diag *d)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t i = 0, n;

	while (i < size) {
		if (p[i] == 0)
			return diag_set(d, ERR_PARSE, name, line_at(data, i),
			    "NUL byte at offset %zu: not a text file", i);
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_seq(p + i, size - i)) == 0)
			return diag_set(d, ERR_PARSE, name, line_at(data, i),
			    "invalid UTF-8 (byte 0x%02X at offset %zu): session "
			    "files must be UTF-8", p[i], i);
		i += n;
	}
	return 0;
}

/* After an optional UTF-8 BOM and white space, XML starts with '<'.
 * complete: data is the whole document (else only its start). */
static int
sniff(const char *data, size_t size, bool complete, const char *name,
    struct diag *d)
{
	size_t i = 0;

	if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < size && (data[i] == ' ' || data[i] == '\t' ||
	    data[i] == '\r' || data[i] == '\n'))
		i++;
	if (i == size)
		return complete ? diag_set(d, ERR_PARSE, name, 0,
		    "empty file: no XML document") : 0;
	if (data[i] != '<')
		return diag_set(d, ERR_PARSE, name, line_at(data, i),
		    "not an XML document (byte 0x%02X at offset %zu where '<' "
		    "should be)", (unsigned char)data[i], i);
	return 0;
}

/* ---- reading ------------------------------------------------------------ */

static int
read_full(int fd, char *buf, size_t want, size_t *got)
{
	*got = 0;
	while (*got < want) {
		ssize_t r = read(fd, buf + *got, want - *got);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		*got += (size_t)r;
	}
	return 0;
}

int
xml_safe_read_file(const char *path, char **data, size_t *size,
    struct diag *d)
{
	struct stat st;
	size_t want, got, more;
	char *buf = NULL;
	int fd, rc = 0;

	*data = NULL;
	*size = 0;
	/* O_NONBLOCK: opening a FIFO must not hang; cleared for reading. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return diag_set(d, ERR_IO, path, 0, "cannot open: %s",
		    strerror(errno));
	if (fstat(fd, &st) != 0) {
		rc = diag_set(d, ERR_IO, path, 0, "cannot stat: %s",
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = diag_set(d, ERR_IO, path, 0, "not a regular file");
		goto out;
	}
	if ((uintmax_t)st.st_size > SESSION_XML_MAX_BYTES) {
		rc = diag_set(d, ERR_UNSAFE, path, 0,
		    "file is %jd bytes; session files may be at most %u bytes",
		    (intmax_t)st.st_size, (unsigned)SESSION_XML_MAX_BYTES);
		goto out;
	}
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	want = (size_t)st.st_size;
	if ((buf = malloc(want + 1)) == NULL) {
		rc = diag_set(d, ERR_NOMEM, path, 0, "out of memory");
		goto out;
	}
	/* Read the start first, so that garbage is refused without reading
	 * (and waiting for) the rest. */
	if (read_full(fd, buf, want < SNIFF_BYTES ? want : SNIFF_BYTES, &got) != 0) {
		rc = diag_set(d, ERR_IO, path, 0, "cannot read: %s",
		    strerror(errno));
		goto out;
	}
	if ((rc = sniff(buf, got, got == want, path, d)) != 0)
		goto out;
	if (got == SNIFF_BYTES && want > got) {
		if (read_full(fd, buf + got, want - got, &more) != 0) {
			rc = diag_set(d, ERR_IO, path, 0, "cannot read: %s",
			    strerror(errno));
			goto out;
		}
		got += more;
	}
	buf[got] = '\0';
	*data = buf;
	*size = got;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return rc;
}

/* ---- parsing ------------------------------------------------------------ */

/* Element lines past 65535 are kept in the node's psvi field (which only
 * XML Schema validation uses; session files never meet that). */
static void
start_element(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	xmlParserCtxtPtr ctxt = ctx;

	xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_namespaces,
	    namespaces, nb_attributes, nb_defaulted, attributes);
	if (ctxt->node != NULL && ctxt->input != NULL &&
	    ctxt->input->line >= 65535)
		ctxt->node->psvi = (void *)(intptr_t)ctxt->input->line;
}

int
xml_safe_line(const xmlNode *n)
{
	long l;

	if (n == NULL)
		return 0;
	if (n->type == XML_ELEMENT_NODE && n->line == 65535 && n->psvi != NULL)
		l = (long)(intptr_t)n->psvi;
	else
		l = xmlGetLineNo(n);
	return l > 0 && l < 0x7fffffff ? (int)l : 0;
}

struct parse_state {
	bool unsafe;
	int line;
};

static void
refuse(void *ctx)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct parse_state *st = ctxt->_private;

	if (!st->unsafe) {
		st->unsafe = true;
		st->line = ctxt->input != NULL ? ctxt->input->line : 0;
	}
	xmlStopParser(ctxt);
}

static void
refuse_subset(void *ctx, const xmlChar *name, const xmlChar *external_id,
    const xmlChar *system_id)
{
	refuse(ctx);
}

static void
refuse_entity_decl(void *ctx, const xmlChar *name, int type,
    const xmlChar *public_id, const xmlChar *system_id, xmlChar *content)
{
	refuse(ctx);
}

static void
refuse_notation_decl(void *ctx, const xmlChar *name, const xmlChar *public_id,
    const xmlChar *system_id)
{
	refuse(ctx);
}

static void
refuse_attribute_decl(void *ctx, const xmlChar *elem, const xmlChar *fullname,
    int type, int def, const xmlChar *default_value, xmlEnumerationPtr tree)
{
	xmlFreeEnumeration(tree);    /* the callback owns it */
	refuse(ctx);
}

static void
refuse_element_decl(void *ctx, const xmlChar *name, int type,
    xmlElementContentPtr content)
{
	refuse(ctx);
}

static void
refuse_unparsed_entity_decl(void *ctx, const xmlChar *name,
    const xmlChar *public_id, const xmlChar *system_id,
    const xmlChar *notation_name)
{
	refuse(ctx);
}

static xmlParserInputPtr
refuse_resolve(void *ctx, const xmlChar *public_id, const xmlChar *system_id)
{
	refuse(ctx);
	return NULL;
}

int
xml_safe_parse(const char *data, size_t size, const char *name,
    xmlDoc **out, struct diag *d)
{
	struct parse_state st = { false, 0 };
	struct xml_capture cap;
	xmlParserCtxtPtr ctxt;
	xmlDoc *doc;
	int rc, well_formed;

	*out = NULL;
	if (size > SESSION_XML_MAX_BYTES)
		return diag_set(d, ERR_UNSAFE, name, 0,
		    "document is %zu bytes; session files may be at most %u bytes",
		    size, (unsigned)SESSION_XML_MAX_BYTES);
	if ((rc = sniff(data, size, true, name, d)) != 0)
		return rc;
	if ((rc = check_bytes(data, size, name, d)) != 0)
		return rc;

	xml_capture_begin(&cap);
	xmlInitParser();
	ctxt = xmlCreateMemoryParserCtxt(data, (int)size);
	if (ctxt == NULL) {
		xml_capture_end(&cap);
		return diag_set(d, ERR_NOMEM, name, 0, "out of memory");
	}
	xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOCDATA |
	    XML_PARSE_BIG_LINES | XML_PARSE_IGNORE_ENC);
	ctxt->replaceEntities = 0;
	ctxt->loadsubset = 0;
	ctxt->validate = 0;
	ctxt->_private = &st;
	ctxt->sax->internalSubset = refuse_subset;
	ctxt->sax->externalSubset = refuse_subset;
	ctxt->sax->entityDecl = refuse_entity_decl;
	ctxt->sax->notationDecl = refuse_notation_decl;
	ctxt->sax->attributeDecl = refuse_attribute_decl;
	ctxt->sax->elementDecl = refuse_element_decl;
	ctxt->sax->unparsedEntityDecl = refuse_unparsed_entity_decl;
	ctxt->sax->resolveEntity = refuse_resolve;
	if (ctxt->sax->startElementNs == xmlSAX2StartElementNs)
		ctxt->sax->startElementNs = start_element;

	xmlParseDocument(ctxt);
	doc = ctxt->myDoc;
	ctxt->myDoc = NULL;
	well_formed = ctxt->wellFormed;
	xmlFreeParserCtxt(ctxt);
	xml_capture_end(&cap);

	if (!st.unsafe && doc != NULL &&
	    (doc->intSubset != NULL || doc->extSubset != NULL)) {
		st.unsafe = true;
		st.line = 1;
	}
	if (st.unsafe) {
		xmlFreeDoc(doc);
		return diag_set(d, ERR_UNSAFE, name, st.line,
		    "DTDs and entities are not allowed in session files");
	}
	if (doc == NULL || !well_formed) {
		xmlFreeDoc(doc);
		if (cap.have)
			return diag_set(d, ERR_PARSE, name, cap.line,
			    "not well-formed XML: %s", cap.message);
		return diag_set(d, ERR_PARSE, name, 0, "not well-formed XML");
	}
	*out = doc;
	return 0;
}
