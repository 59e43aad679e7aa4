#include "interchange/media.h"
#include "session/session_xml.h"

#include <ctype.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/path.h"

static void
format_name(int sf_format, char *buf, size_t size)
{
	SF_FORMAT_INFO info = { .format = sf_format & SF_FORMAT_TYPEMASK };

	if (sf_command(NULL, SFC_GET_FORMAT_MAJOR, &info, sizeof info) == 0 &&
	    info.extension != NULL) {
		snprintf(buf, size, "%s", info.extension);
		for (char *p = buf; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
	} else {
		snprintf(buf, size, "unknown");
	}
}

int
media_probe(const char *path, struct media_info *out, struct diag *d)
{
	SF_INFO info = { 0 };
	SNDFILE *f;

	if (!path_is_readable_file(path))
		return diag_set(d, ERR_NOTFOUND, path, 0, "no such file");
	f = sf_open(path, SFM_READ, &info);
	if (f == NULL)
		return diag_set(d, ERR_IO, path, 0, "not readable as audio: %s",
		    sf_strerror(NULL));
	out->channels = info.channels;
	out->sample_rate_hz = info.samplerate;
	out->length_frames = (int64_t)info.frames;
	format_name(info.format, out->format, sizeof out->format);
	sf_close(f);
	return 0;
}

int
media_refresh(struct session *s, struct check_list *report)
{
	struct check_list scratch = { 0 };
	struct check_list *l = report != NULL ? report : &scratch;
	int rc = 0;

	for (size_t i = 0; i < s->source_count && rc == 0; i++) {
		struct source *src = &s->sources[i];
		struct media_info mi;
		struct diag d;
		char *path = session_source_resolved_path(s, src);

		if (path == NULL) {
			rc = ERR_NOMEM;
			break;
		}
		src->online = media_probe(path, &mi, &d) == 0;
		if (!src->online)
			rc = check_list_add(l, CHECK_ERROR, src->id, "%s: %s",
			    src->path, d.message);
		else if (mi.channels != src->channels)
			rc = check_list_add(l, CHECK_ERROR, src->id, "%s has %d "
			    "channels, the session expects %d", src->path,
			    mi.channels, src->channels);
		else if (mi.sample_rate_hz != src->sample_rate_hz)
			rc = check_list_add(l, CHECK_ERROR, src->id, "%s is %d Hz, "
			    "the session expects %d Hz", src->path,
			    mi.sample_rate_hz, src->sample_rate_hz);
		else if (mi.length_frames != src->length_frames)
			rc = check_list_add(l, CHECK_ERROR, src->id, "%s is %lld "
			    "frames long, the session expects %lld", src->path,
			    (long long)mi.length_frames,
			    (long long)src->length_frames);
		free(path);
	}
	check_list_fini(&scratch);
	return rc;
}
