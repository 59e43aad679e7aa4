/*
 * xml_schema.c - checks a session file against the compiled-in RELAX NG
 * schema. The document goes through the same safe parse as a load; the
 * schema itself is our own text and is parsed as is.
 */
#include "session/schema.h"
#include "session/session_xml.h"
#include "session/xml_safe.h"

#include <stdlib.h>

#include <libxml/relaxng.h>

static int
validate_doc(xmlDoc *doc, const char *name, struct diag *d)
{
	xmlRelaxNGParserCtxtPtr pctxt = NULL;
	xmlRelaxNGValidCtxtPtr vctxt = NULL;
	xmlRelaxNGPtr schema = NULL;
	struct xml_capture cap;
	int rc = 0, r;

	xml_capture_begin(&cap);
	pctxt = xmlRelaxNGNewMemParserCtxt((const char *)session_schema_rng,
	    (int)session_schema_rng_size);
	if (pctxt == NULL) {
		rc = diag_set(d, ERR_NOMEM, name, 0, "out of memory");
		goto out;
	}
	xmlRelaxNGSetParserStructuredErrors(pctxt, xml_capture_structured, &cap);
	if ((schema = xmlRelaxNGParse(pctxt)) == NULL) {
		rc = diag_set(d, ERR_INVALID, name, 0,
		    "the built-in session schema does not compile: %s",
		    cap.have ? cap.message : "unknown error");
		goto out;
	}
	if ((vctxt = xmlRelaxNGNewValidCtxt(schema)) == NULL) {
		rc = diag_set(d, ERR_NOMEM, name, 0, "out of memory");
		goto out;
	}
	xmlRelaxNGSetValidStructuredErrors(vctxt, xml_capture_structured, &cap);
	r = xmlRelaxNGValidateDoc(vctxt, doc);
	if (r > 0)
		rc = diag_set(d, ERR_SCHEMA, name, cap.line,
		    "does not match the session schema: %s",
		    cap.have ? cap.message : "invalid document");
	else if (r < 0)
		rc = diag_set(d, ERR_NOMEM, name, 0,
		    "schema validation failed internally");
out:
	xmlRelaxNGFreeValidCtxt(vctxt);
	xmlRelaxNGFree(schema);
	xmlRelaxNGFreeParserCtxt(pctxt);
	xml_capture_end(&cap);
	return rc;
}

int
session_xml_validate_schema_memory(const char *data, size_t size,
    const char *name, struct diag *d)
{
	xmlDoc *doc;
	int rc;

	if (name == NULL)
		name = "(memory)";
	diag_clear(d);
	if ((rc = xml_safe_parse(data, size, name, &doc, d)) != 0)
		return rc;
	rc = validate_doc(doc, name, d);
	xmlFreeDoc(doc);
	return rc;
}

int
session_xml_validate_schema(const char *path, struct diag *d)
{
	char *data;
	size_t size;
	int rc;

	diag_clear(d);
	if ((rc = xml_safe_read_file(path, &data, &size, d)) != 0)
		return rc;
	rc = session_xml_validate_schema_memory(data, size, path, d);
	free(data);
	return rc;
}
