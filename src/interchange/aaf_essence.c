/*
 * aaf_essence.c - the media a clip plays: a SourceMob slot, described by
 * the mob's EssenceDescriptor and found through its locators or, when the
 * audio is inside the AAF, an EssenceData object's stream.
 *
 * PCMDescriptors give channels, rate, bits and length as properties.
 * WAVEDescriptor and AIFCDescriptor carry a "summary": the head of the
 * file (RIFF fmt/data chunks, or FORM COMM/SSND chunks), which is parsed
 * here. Writers leave gaps (Premiere's summaries have no data size), so
 * what the summary lacks is read from the embedded stream, or from the
 * external file once found on disk.
 *
 * Essences are keyed by source mob and slot, as clips name them; each
 * gets a unique name (its master clip's name, "_1", "_2"... when names
 * repeat) that dumps and reports use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/atomic_file.h"
#include "interchange/aaf_ids.h"
#include "interchange/aaf_internal.h"
#include "interchange/cfb.h"
#include "interchange/locate.h"

#define HEAD_BYTES 65536          /* of an external file, for its header */

struct audio_head {
	int channels, rate, bits;
	int64_t frames;               /* 0 unknown */
	int64_t data_offset;          /* -1 unknown */
	bool big_endian;
};

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
	    (uint32_t)p[3];
}

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* An IEEE 754 80-bit extended (AIFF's sample rate) as an integer. */
static int
ext80_to_int(const uint8_t *p)
{
	int exp = ((p[0] & 0x7f) << 8 | p[1]) - 16383 - 63;
	uint64_t mant = 0;

	for (int i = 0; i < 8; i++)
		mant = mant << 8 | p[2 + i];
	if (p[0] & 0x80 || mant == 0)
		return 0;
	while (exp < 0 && mant != 0) {
		mant >>= 1;
		exp++;
	}
	if (exp > 0 || mant > 10000000)
		return 0;                /* not an audio rate */
	return (int)mant;
}

/* Parses the head of a WAVE (RIFF) or AIFF/AIFC (FORM) file. Every field
 * it cannot find is left 0 (data_offset -1). 0, or ERR_PARSE when the
 * bytes are neither. */
static int
parse_head(const uint8_t *p, size_t n, struct audio_head *h)
{
	size_t at = 12;
	bool riff;

	memset(h, 0, sizeof *h);
	h->data_offset = -1;
	if (n < 12)
		return ERR_PARSE;
	riff = memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WAVE", 4) == 0;
	if (!riff && !(memcmp(p, "FORM", 4) == 0 &&
	    (memcmp(p + 8, "AIFF", 4) == 0 || memcmp(p + 8, "AIFC", 4) == 0)))
		return ERR_PARSE;
	h->big_endian = !riff;
	while (at + 8 <= n) {
		const uint8_t *c = p + at;
		uint32_t size = riff ? le32(c + 4) : be32(c + 4);
		size_t body = at + 8, have = n - body;

		if (riff && memcmp(c, "fmt ", 4) == 0 && have >= 16) {
			h->channels = le16(c + 10);
			h->rate = (int)le32(c + 12);
			h->bits = le16(c + 22);
		} else if (riff && memcmp(c, "data", 4) == 0) {
			h->data_offset = (int64_t)body;
			if (h->channels > 0 && h->bits > 0)
				h->frames = size / ((uint32_t)h->channels *
				    (((uint32_t)h->bits + 7) / 8));
			break;
		} else if (!riff && memcmp(c, "COMM", 4) == 0 && have >= 18) {
			h->channels = be16(c + 8);
			h->frames = be32(c + 10);
			h->bits = be16(c + 14);
			h->rate = ext80_to_int(c + 16);
			/* AIFC "sowt": little-endian samples */
			if (have >= 22 && size >= 22 && memcmp(c + 26, "sowt", 4) == 0)
				h->big_endian = false;
		} else if (!riff && memcmp(c, "SSND", 4) == 0 && have >= 8) {
			h->data_offset = (int64_t)body + 8 + be32(c + 8);
			/* Pro Tools leaves COMM's frame count 0 in summaries; the
			 * chunk's size counts its 8-byte offset and block size too */
			if (h->frames == 0 && h->channels > 0 && h->bits > 0 && size >= 8)
				h->frames = (size - 8 - be32(c + 8)) /
				    ((uint32_t)h->channels * (((uint32_t)h->bits + 7) / 8));
			break;
		}
		if (size > n)            /* a summary stops where the data starts */
			break;
		at = body + size + (size & 1);
	}
	return 0;
}

static void
apply_head(struct aaf_essence *e, const struct audio_head *h, bool trust)
{
	if (h->channels > 0 && (trust || e->channels <= 0))
		e->channels = h->channels;
	if (h->rate > 0 && (trust || e->sample_rate_hz <= 0))
		e->sample_rate_hz = h->rate;
	if (h->bits > 0 && (trust || e->bits <= 0))
		e->bits = h->bits;
	if (h->frames > 0 && (trust || e->length_frames <= 0))
		e->length_frames = h->frames;
}

static bool
complete(const struct aaf_essence *e)
{
	return e->channels > 0 && e->sample_rate_hz > 0 && e->bits > 0 &&
	    e->length_frames > 0;
}

/* ---- descriptors ---- */

static int
read_sound_props(struct aaf_walk *w, struct aaf_obj *d, struct aaf_essence *e)
{
	uint64_t u;
	int64_t len;
	struct aaf_rat r, audio;
	bool have_rate = aaf_obj_rat(w->f, d, PID_FILEDESC_SAMPLERATE, &r) == 0 &&
	    r.num > 0 && r.den > 0;

	if (aaf_obj_uint(w->f, d, PID_SOUNDDESC_CHANNELS, &u) == 0 && u < 1024)
		e->channels = (int)u;
	if (aaf_obj_uint(w->f, d, PID_SOUNDDESC_BITS, &u) == 0 && u < 1024)
		e->bits = (int)u;
	if (have_rate && r.den == 1)
		e->sample_rate_hz = r.num;
	else if (aaf_obj_rat(w->f, d, PID_SOUNDDESC_SAMPLINGRATE, &audio) == 0 &&
	    audio.den > 0 && audio.num > 0 && audio.num % audio.den == 0)
		e->sample_rate_hz = audio.num / audio.den;
	/* the length counts the descriptor's sample rate; WAVE and AIFC files
	 * say it better in their own header (Premiere gives video frames) */
	if (e->kind != AAF_ESSENCE_PCM ||
	    aaf_obj_int(w->f, d, PID_FILEDESC_LENGTH, &len) != 0 || len <= 0)
		return 0;
	if (have_rate && r.den == 1 && r.num == e->sample_rate_hz) {
		e->length_frames = len;
	} else if (have_rate && e->sample_rate_hz > 0) {
		struct aaf_rational from = {r.num, r.den};

		if (aaf_eu_to_frames(len, from, e->sample_rate_hz, &len) == 0)
			e->length_frames = len;
	}
	return 0;
}

/* What a descriptor says; *summary points at a WAVE/AIFC summary (in the
 * object's properties) when there is one. */
static int
read_descriptor(struct aaf_walk *w, struct aaf_obj *d, struct aaf_essence *e,
    const uint8_t **summary, size_t *nsummary)
{
	*summary = NULL;
	*nsummary = 0;
	if (aaf_obj_is(d, AAF_C_MULTIDESC))
		return 0;                /* one descriptor a track: not audio here */
	if (aaf_obj_is(d, AAF_C_WAVEDESC)) {
		e->kind = AAF_ESSENCE_WAVE;
		(void)aaf_obj_raw(d, PID_WAVEDESC_SUMMARY, summary, nsummary, NULL);
	} else if (aaf_obj_is(d, AAF_C_AIFCDESC)) {
		e->kind = AAF_ESSENCE_AIFC;
		(void)aaf_obj_raw(d, PID_AIFCDESC_SUMMARY, summary, nsummary, NULL);
	} else if (aaf_obj_is(d, AAF_C_SOUNDDESC)) {
		e->kind = AAF_ESSENCE_PCM;
	}
	if (aaf_obj_is(d, AAF_C_FILEDESC))
		return read_sound_props(w, d, e);
	return 0;
}

static int
read_locator(struct aaf_walk *w, struct aaf_obj *d, struct aaf_essence *e)
{
	struct aaf_obj **locs = NULL;
	size_t n = 0;
	int rc = aaf_obj_list(w->f, d, PID_ESSDESC_LOCATOR, &locs, &n);

	if (rc != 0)
		return rc == ERR_NOTFOUND ? 0 : rc;
	for (size_t i = 0; i < n && e->uri == NULL && rc == 0; i++) {
		if (aaf_obj_is(locs[i], AAF_C_NETLOCATOR))
			rc = aaf_obj_string(w->f, locs[i], PID_NETLOCATOR_URL, &e->uri);
		else if (aaf_obj_is(locs[i], AAF_C_TEXTLOCATOR))
			rc = aaf_obj_string(w->f, locs[i], PID_TEXTLOCATOR_NAME, &e->uri);
		if (rc == ERR_NOTFOUND)
			rc = 0;
		if (e->uri != NULL && e->uri[0] == '\0') {
			free(e->uri);
			e->uri = NULL;
		}
	}
	free(locs);
	return rc;
}

/* ---- embedded and external data ---- */

static int
read_embedded(struct aaf_walk *w, const struct aaf_mobid *src,
    struct aaf_essence *e)
{
	struct aaf_obj *data = NULL;
	uint8_t *bytes = NULL;
	size_t size = 0;
	struct audio_head h;
	int rc = aaf_obj_set_find(w->f, w->content, PID_CONTENT_ESSENCEDATA,
	    src->b, 32, &data);

	if (rc != 0)
		return rc == ERR_NOTFOUND ? 0 : rc;
	if ((rc = aaf_obj_stream(w->f, data, PID_ESSENCEDATA_DATA, &e->stream)) != 0)
		return rc == ERR_NOTFOUND ? 0 : rc;
	e->embedded = true;
	e->data_offset = 0;
	if (e->kind == AAF_ESSENCE_PCM && complete(e))
		return 0;                /* raw samples, described already */
	rc = cfb_read_stream(aaf_file_cfb(w->f), e->stream, &bytes, &size, NULL);
	if (rc == ERR_NOMEM)
		return rc;
	if (rc != 0) {
		aaf_warn(w->t, "embedded media of \"%s\" cannot be read",
		    e->name ? e->name : "?");
		e->embedded = false;
		return 0;
	}
	if (parse_head(bytes, size, &h) == 0) {
		apply_head(e, &h, false);
		if (h.data_offset >= 0)
			e->data_offset = h.data_offset;
		e->big_endian = h.big_endian;
		if (h.frames <= 0 && h.data_offset >= 0 && e->channels > 0 &&
		    e->bits > 0 && e->length_frames <= 0)
			e->length_frames = (int64_t)(size - (size_t)h.data_offset) /
			    (e->channels * ((e->bits + 7) / 8));
	} else if (e->length_frames <= 0 && e->channels > 0 && e->bits > 0) {
		e->length_frames = (int64_t)size / (e->channels * ((e->bits + 7) / 8));
	}
	free(bytes);
	return 0;
}

static void
probe_external(struct aaf_essence *e)
{
	uint8_t *buf;
	size_t n;
	struct audio_head h;
	FILE *fp = fopen(e->path, "rb");

	if (fp == NULL)
		return;
	buf = malloc(HEAD_BYTES);
	if (buf != NULL) {
		n = fread(buf, 1, HEAD_BYTES, fp);
		if (parse_head(buf, n, &h) == 0) {
			if (h.frames <= 0 && h.data_offset >= 0 && h.channels > 0 &&
			    h.bits > 0 && fseek(fp, 0, SEEK_END) == 0) {
				long end = ftell(fp);

				if (end > h.data_offset)
					h.frames = (end - h.data_offset) /
					    (h.channels * ((h.bits + 7) / 8));
			}
			apply_head(e, &h, true);    /* the file itself is the truth */
		}
		free(buf);
	}
	fclose(fp);
}

static int
find_media(struct aaf_walk *w, struct aaf_essence *e)
{
	const char *const *dirs = w->opt->media_dirs;
	int rc;

	if (e->embedded || e->uri == NULL || w->opt->no_media_search)
		return 0;
	rc = locate_media(e->uri, w->aaf_dir, dirs, dirs ? w->opt->nmedia_dirs : 0,
	    &e->path);
	if (rc == ERR_NOMEM)
		return rc;
	if (rc != 0) {
		e->path = NULL;
		return 0;
	}
	if (!complete(e) || e->kind != AAF_ESSENCE_PCM)
		probe_external(e);
	return 0;
}

/* ---- names ---- */

static int
unique_name(struct aaf_timeline *t, size_t self)
{
	struct aaf_essence *e = &t->essences[self];
	const char *base = e->name ? e->name : "unknown";
	size_t size = strlen(base) + 16;
	int index = 0;

	e->unique_name = strdup(base);
	if (e->unique_name == NULL)
		return ERR_NOMEM;
	for (size_t i = 0; i < t->nessences; i++) {
		if (i == self || t->essences[i].unique_name == NULL ||
		    strcmp(t->essences[i].unique_name, e->unique_name) != 0)
			continue;
		free(e->unique_name);
		if ((e->unique_name = malloc(size)) == NULL)
			return ERR_NOMEM;
		snprintf(e->unique_name, size, "%s_%d", base, ++index);
		i = (size_t)-1;          /* check the new name against all */
	}
	return 0;
}

/* ---- the essence ---- */

static int
read_source(struct aaf_walk *w, const struct aaf_mobid *src, uint32_t src_slot,
    struct aaf_essence *e)
{
	struct aaf_obj *mob = NULL, *desc = NULL, **slots = NULL;
	const uint8_t *summary;
	size_t nsummary, nslots = 0;
	struct audio_head h;
	int rc = aaf_obj_set_find(w->f, w->content, PID_CONTENT_MOBS, src->b, 32,
	    &mob);

	if (rc == ERR_NOTFOUND) {
		aaf_warn(w->t, "the source of \"%s\" is not in the file",
		    e->name ? e->name : "?");
		return 0;
	}
	if (rc != 0)
		return rc;
	rc = aaf_obj_strong(w->f, mob, PID_SOURCEMOB_ESSDESC, &desc);
	if (rc == ERR_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	if ((rc = read_descriptor(w, desc, e, &summary, &nsummary)) != 0)
		return rc;
	if (summary != NULL && parse_head(summary, nsummary, &h) == 0)
		apply_head(e, &h, true);
	if ((rc = read_locator(w, desc, e)) != 0)
		return rc;
	{
		struct aaf_timestamp ts;

		if (aaf_obj_timestamp(w->f, mob, PID_MOB_CREATIONTIME, &ts) == 0 &&
		    ts.year > 0 && ts.year < 10000 && ts.month <= 12 && ts.day <= 31 &&
		    ts.hour < 24 && ts.minute < 60 && ts.second < 61)
			snprintf(e->created, sizeof e->created,
			    "%04d-%02u-%02u %02u:%02u:%02u", ts.year, ts.month, ts.day,
			    ts.hour, ts.minute, ts.second);
	}
	/* the slot's origin: where the file starts in source timecode */
	if (aaf_obj_list(w->f, mob, PID_MOB_SLOTS, &slots, &nslots) == 0) {
		for (size_t i = 0; i < nslots; i++) {
			uint64_t id;
			int64_t origin;
			struct aaf_rat r;
			struct aaf_rational rate;

			if (aaf_obj_uint(w->f, slots[i], PID_SLOT_ID, &id) != 0 ||
			    id != src_slot ||
			    aaf_obj_int(w->f, slots[i], PID_TIMELINESLOT_ORIGIN, &origin) != 0 ||
			    aaf_obj_rat(w->f, slots[i], PID_TIMELINESLOT_EDITRATE, &r) != 0 ||
			    e->sample_rate_hz <= 0)
				continue;
			rate.num = r.num;
			rate.den = r.den;
			if (aaf_eu_to_frames(origin, rate, e->sample_rate_hz,
			    &e->origin_frames) != 0)
				e->origin_frames = 0;
		}
		free(slots);
	}
	if ((rc = read_embedded(w, src, e)) != 0)
		return rc;
	return find_media(w, e);
}

int
aaf_essence_find(struct aaf_walk *w, struct aaf_obj *master,
    const struct aaf_mobid *src, uint32_t src_slot, size_t *index)
{
	struct aaf_timeline *t = w->t;
	struct aaf_essence *e;
	size_t self;
	int rc;

	for (size_t i = 0; i < t->nessences; i++)
		if (memcmp(t->essences[i].source_mob_id, src->b, 32) == 0 &&
		    t->essences[i].source_slot_id == src_slot) {
			*index = i;
			return 0;
		}
	if ((e = aaf_essence_add(t)) == NULL)
		return ERR_NOMEM;
	self = t->nessences - 1;
	memcpy(e->source_mob_id, src->b, 32);
	e->source_slot_id = src_slot;
	e->stream = CFB_NOSTREAM;
	if (master != NULL) {
		rc = aaf_obj_string(w->f, master, PID_MOB_NAME, &e->name);
		if (rc != 0 && rc != ERR_NOTFOUND)
			return rc;
		if ((rc = aaf_tags_read(w->f, master, PID_MOB_USERCOMMENTS, &e->tags,
		    &e->ntags)) != 0)
			return rc;
	}
	if ((rc = read_source(w, src, src_slot, &t->essences[self])) != 0)
		return rc;
	e = &t->essences[self];
	if ((rc = unique_name(t, self)) != 0)
		return rc;
	if (!e->embedded && e->path == NULL && !w->opt->no_media_search)
		aaf_warn(t, "media of \"%s\" not found%s%s", e->unique_name,
		    e->uri ? ": " : "", e->uri ? e->uri : "");
	*index = self;
	return 0;
}

int
aaf_essence_read(const char *path, const struct aaf_essence *e, uint8_t **data,
    size_t *size, struct diag *d)
{
	struct cfb *c;
	int rc;

	*data = NULL;
	*size = 0;
	if (!e->embedded)
		return ERR_NOTFOUND;
	if ((rc = cfb_open_file(path, &c, d)) != 0)
		return rc;
	rc = cfb_read_stream(c, e->stream, data, size, d);
	cfb_close(c);
	return rc;
}

static void
put_le(uint8_t *p, uint32_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

int
aaf_essence_extract(const char *path, const struct aaf_essence *e,
    const char *wav_path, struct diag *d)
{
	uint8_t *data = NULL, *wav;
	size_t size = 0, block, frames, bytes;
	int bps = (e->bits + 7) / 8, rc;

	if (!e->embedded)
		return ERR_NOTFOUND;
	if (e->channels <= 0 || e->channels > 64 || e->sample_rate_hz <= 0 ||
	    e->bits < 8 || e->bits > 32)
		return diag_set(d, ERR_INVALID, path, 0,
		    "\"%s\": not PCM the reader can write (%d ch, %d Hz, %d bits)",
		    e->unique_name ? e->unique_name : "?", e->channels,
		    e->sample_rate_hz, e->bits);
	if ((rc = aaf_essence_read(path, e, &data, &size, d)) != 0)
		return rc;
	if (e->data_offset < 0 || (size_t)e->data_offset > size) {
		free(data);
		return diag_set(d, ERR_PARSE, path, 0,
		    "\"%s\": its audio starts past its stream", e->unique_name);
	}
	block = (size_t)e->channels * (size_t)bps;
	frames = (size - (size_t)e->data_offset) / block;
	if (e->length_frames > 0 && (uint64_t)e->length_frames < frames)
		frames = (size_t)e->length_frames;
	bytes = frames * block;
	if (bytes > UINT32_MAX - 44) {
		free(data);
		return diag_set(d, ERR_INVALID, path, 0, "\"%s\" is too long for WAV",
		    e->unique_name);
	}
	if ((wav = malloc(44 + bytes)) == NULL) {
		free(data);
		return ERR_NOMEM;
	}
	memcpy(wav, "RIFF", 4);
	put_le(wav + 4, (uint32_t)(36 + bytes), 4);
	memcpy(wav + 8, "WAVEfmt ", 8);
	put_le(wav + 16, 16, 4);
	put_le(wav + 20, 1, 2);                           /* PCM */
	put_le(wav + 22, (uint32_t)e->channels, 2);
	put_le(wav + 24, (uint32_t)e->sample_rate_hz, 4);
	put_le(wav + 28, (uint32_t)((size_t)e->sample_rate_hz * block), 4);
	put_le(wav + 32, (uint32_t)block, 2);
	put_le(wav + 34, (uint32_t)(bps * 8), 2);
	memcpy(wav + 36, "data", 4);
	put_le(wav + 40, (uint32_t)bytes, 4);
	memcpy(wav + 44, data + e->data_offset, bytes);
	if (e->big_endian) {                 /* AIFC: big-endian, 8 bits signed */
		for (size_t i = 0; i < bytes; i += (size_t)bps) {
			uint8_t *smp = wav + 44 + i;

			if (bps == 1) {
				smp[0] ^= 0x80;
				continue;
			}
			for (int a = 0, b = bps - 1; a < b; a++, b--) {
				uint8_t tmp = smp[a];

				smp[a] = smp[b];
				smp[b] = tmp;
			}
		}
	}
	free(data);
	rc = atomic_file_write(wav_path, wav, 44 + bytes, false, d);
	free(wav);
	return rc;
}
