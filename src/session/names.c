/*
 * names.c - the text names of the model's enums and ids, as used in the
 * session file, the CLI and JSON. Each family is one table so that the
 * name and parse functions can never disagree.
 */
#include "session/session.h"
#include "base/error.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
table_parse(const char *const *table, int count, const char *name, int *out)
{
	if (name == NULL)
		return ERR_PARSE;
	for (int i = 0; i < count; i++) {
		if (strcmp(table[i], name) == 0) {
			*out = i;
			return 0;
		}
	}
	return ERR_PARSE;
}

static const char *
table_name(const char *const *table, int count, int value)
{
	return value >= 0 && value < count ? table[value] : "?";
}

#define ENUM_NAMES(prefix, type, ...) \
	static const char *const prefix##_names[] = { __VA_ARGS__ }; \
	enum { prefix##_count = sizeof prefix##_names / sizeof prefix##_names[0] }; \
	const char *prefix##_name(type v) { \
		return table_name(prefix##_names, prefix##_count, (int)v); \
	} \
	int prefix##_parse(const char *name, type *out) { \
		int i, rc = table_parse(prefix##_names, prefix##_count, name, &i); \
		if (rc == 0) \
			*out = (type)i; \
		return rc; \
	}

ENUM_NAMES(chan_format, enum chan_format, "mono", "stereo", "5.1", "7.1", "7.1.2")
ENUM_NAMES(fade_shape, enum fade_shape, "linear", "equal-power", "s-curve", "log", "exp")
ENUM_NAMES(auto_param, enum auto_param, "volume", "pan", "pan-fb", "mute",
    "send-level", "clip-gain", "insert")
ENUM_NAMES(auto_interp, enum auto_interp, "linear", "step")
ENUM_NAMES(bus_kind, enum bus_kind, "aux", "stem")

int
chan_format_channels(enum chan_format f)
{
	static const int channels[CHAN_FORMAT_COUNT] = { 1, 2, 6, 8, 10 };

	return f >= 0 && f < CHAN_FORMAT_COUNT ? channels[f] : 0;
}

const char *
chan_format_label(enum chan_format f, int ch)
{
	static const char *const layout[] = {
		"L", "R", "C", "LFE", "Lss", "Rss", "Lrs", "Rrs", "Ltm", "Rtm"
	};
	static const char *const surround51[] = { "L", "R", "C", "LFE", "Ls", "Rs" };

	if (ch < 0 || ch >= chan_format_channels(f))
		return "?";
	switch (f) {
	case CHAN_MONO: return "M";
	case CHAN_5_1: return surround51[ch];
	default: return layout[ch];
	}
}

static const char id_sigils[ID_KIND_COUNT] = { 'T', 'C', 'B', 'S', 'M', 'N' };

char
id_sigil(enum id_kind kind)
{
	return kind >= 0 && kind < ID_KIND_COUNT ? id_sigils[kind] : '?';
}

char *
id_format(struct id id, char *buf, size_t size)
{
	if (id.num == 0)
		snprintf(buf, size, "%s", id.kind == ID_BUS ? "master" : "-");
	else
		snprintf(buf, size, "%c%u", id_sigil(id.kind), (unsigned)id.num);
	return buf;
}

int
id_parse(const char *text, struct id *out)
{
	char *end;
	unsigned long n;

	if (text == NULL || text[0] == '\0' || !isdigit((unsigned char)text[1]))
		return ERR_PARSE;
	for (int k = 0; k < ID_KIND_COUNT; k++) {
		if (toupper((unsigned char)text[0]) != id_sigils[k])
			continue;
		n = strtoul(text + 1, &end, 10);
		if (*end != '\0' || n == 0 || n > UINT32_MAX)
			return ERR_PARSE;
		out->kind = (enum id_kind)k;
		out->num = (uint32_t)n;
		return 0;
	}
	return ERR_PARSE;
}
