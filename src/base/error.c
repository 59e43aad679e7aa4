#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *
err_string(int code)
{
	switch (code) {
	case ERR_OK: return "success";
	case ERR_NOMEM: return "out of memory";
	case ERR_INVALID: return "invalid argument";
	case ERR_IO: return "input/output error";
	case ERR_PARSE: return "malformed input";
	case ERR_NOTFOUND: return "not found";
	case ERR_EXISTS: return "already exists";
	case ERR_VERSION: return "unsupported format version";
	case ERR_SCHEMA: return "does not match the schema";
	case ERR_UNSAFE: return "refused as unsafe";
	case ERR_SEMANTIC: return "inconsistent content";
	case ERR_NOTHING: return "nothing to do";
	case ERR_BUSY: return "in use by another process";
	}
	return "unknown error";
}

void
diag_clear(struct diag *d)
{
	if (d == NULL)
		return;
	d->file[0] = '\0';
	d->line = 0;
	d->message[0] = '\0';
}

int
diag_set(struct diag *d, int code, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;

	if (d == NULL)
		return code;
	snprintf(d->file, sizeof d->file, "%s", file != NULL ? file : "");
	d->line = line;
	va_start(ap, fmt);
	vsnprintf(d->message, sizeof d->message, fmt, ap);
	va_end(ap);
	return code;
}

void
diag_format(const struct diag *d, char *buf, size_t size)
{
	if (size == 0)
		return;
	if (d->file[0] != '\0' && d->line > 0)
		snprintf(buf, size, "%s:%d: %s", d->file, d->line, d->message);
	else if (d->file[0] != '\0')
		snprintf(buf, size, "%s: %s", d->file, d->message);
	else
		snprintf(buf, size, "%s", d->message);
}
