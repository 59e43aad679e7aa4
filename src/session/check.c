#include "session/check.h"
#include "session/routing.h"
#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int
check_list_add(struct check_list *l, enum check_level level, struct id id,
    const char *fmt, ...)
{
	va_list ap;

	if (l->count == l->cap) {
		size_t ncap = l->cap == 0 ? 16 : l->cap * 2;
		struct check_item *p = realloc(l->items, ncap * sizeof *p);

		if (p == NULL)
			return ERR_NOMEM;
		l->items = p;
		l->cap = ncap;
	}
	l->items[l->count].level = level;
	l->items[l->count].id = id;
	va_start(ap, fmt);
	vsnprintf(l->items[l->count].message, sizeof l->items[0].message, fmt, ap);
	va_end(ap);
	l->count++;
	return 0;
}

static bool
source_used(const struct session *s, struct id src)
{
	for (size_t t = 0; t < s->track_count; t++)
		for (size_t c = 0; c < s->tracks[t].clip_count; c++) {
			const struct clip *cl = &s->tracks[t].clips[c];

			if (cl->source.num == src.num)
				return true;
			for (int k = 0; k < cl->channel_map_count; k++)
				if (cl->channel_map[k].source.num == src.num)
					return true;
		}
	return false;
}

static bool
already_reported(const struct check_list *l, struct id id)
{
	for (size_t i = 0; i < l->count; i++)
		if (l->items[i].id.kind == id.kind && l->items[i].id.num == id.num)
			return true;
	return false;
}

static int
check_sources(const struct session *s, struct check_list *out)
{
	int rc = 0;

	for (size_t i = 0; i < s->source_count && rc == 0; i++) {
		const struct source *src = &s->sources[i];

		/* a media probe may have said why already (see media_refresh) */
		if (!src->online && already_reported(out, src->id))
			continue;
		if (!src->online)
			rc = check_list_add(out, CHECK_ERROR, src->id, "media missing: %s",
			    src->path);
		else if (src->sample_rate_hz != s->sample_rate_hz)
			rc = check_list_add(out, CHECK_WARNING, src->id,
			    "%s is %d Hz in a %d Hz session: it will be resampled",
			    src->path, src->sample_rate_hz, s->sample_rate_hz);
		if (rc == 0 && !source_used(s, src->id))
			rc = check_list_add(out, CHECK_WARNING, src->id,
			    "%s is not used by any clip", src->path);
	}
	return rc;
}

static int
check_clip(const struct session *s, const struct track *t,
    const struct clip *c, struct check_list *out)
{
	const struct source *src = session_source(s, c->source);
	int channels = track_channels(t);
	int64_t end;

	if (c->channel_map_count == 0 && src == NULL)
		return check_list_add(out, CHECK_ERROR, c->id, "plays source S%u, which "
		    "does not exist", (unsigned)c->source.num);
	if (src != NULL && src->length_frames > 0) {
		end = session_clip_source_end(s, c);
		if (end > src->length_frames)
			return check_list_add(out, CHECK_ERROR, c->id, "plays past the end of "
			    "S%u: needs source frames up to %lld, the source "
			    "has %lld", (unsigned)src->id.num, (long long)end,
			    (long long)src->length_frames);
	}
	if (c->channel_map_count == 0 && src != NULL && src->channels > 0 &&
	    c->source_channel + channels > src->channels)
		return check_list_add(out, CHECK_ERROR, c->id, "needs source channels %d-%d "
		    "on a %s track, S%u has %d", c->source_channel + 1,
		    c->source_channel + channels, chan_format_name(t->strip.format),
		    (unsigned)src->id.num, src->channels);
	if (c->position_frames < s->timecode.start_frames)
		return check_list_add(out, CHECK_WARNING, c->id,
		    "starts before the session start");
	return 0;
}

int
session_check(const struct session *s, struct check_list *out)
{
	struct id loop;
	int rc = check_sources(s, out);

	for (size_t t = 0; t < s->track_count && rc == 0; t++)
		for (size_t c = 0; c < s->tracks[t].clip_count && rc == 0; c++)
			rc = check_clip(s, &s->tracks[t], &s->tracks[t].clips[c],
			    out);
	if (rc == 0 && routing_find_loop(s, &loop))
		rc = check_list_add(out, CHECK_ERROR, loop, "bus B%u is part of a routing "
		    "loop", (unsigned)loop.num);
	return rc;
}

size_t
check_list_count(const struct check_list *l, enum check_level level)
{
	size_t n = 0;

	for (size_t i = 0; i < l->count; i++)
		n += l->items[i].level == level;
	return n;
}

void
check_list_fini(struct check_list *l)
{
	free(l->items);
	l->items = NULL;
	l->count = l->cap = 0;
}
