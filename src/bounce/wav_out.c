/*
 * wav_out.c - BWF/RF64 master and stem writer on top of libsndfile.
 *
 * What libsndfile (1.2.0) does and what we add:
 *
 * - Channel mask: SFC_SET_CHANNEL_MAP_INFO is accepted only when the map is
 *   in mask-bit order and uses SF_CHANNEL_MAP_LEFT/RIGHT/CENTER (not the
 *   FRONT_* or MONO values, which have no bit in its table). Otherwise it
 *   silently keeps its default mask: 0x4, 0x3, 0x3F for 1, 2, 6 channels,
 *   0xFF (L R C LFE BL BR FLC FRC: wrong for 7.1) for 8, and 0 for 10. So
 *   we store the channels in mask-bit order (the 7.1 side/rear swap of
 *   wav_out.h) and give it that map; it then writes 0x63F and 0x563F. After
 *   closing we read the fmt chunk back and patch the mask if it still
 *   differs, so a libsndfile that refuses the map cannot give us a file
 *   with the wrong speakers.
 * - bext: SFC_SET_BROADCAST_INFO writes the chunk into RIFF and RF64 alike
 *   (version 2; it appends its own coding-history line). BWF v2 says
 *   loudness fields that were not measured hold 0x7FFF, so we set that.
 * - RF64: SF_FORMAT_RF64 writes RF64 + ds64 (64-bit RIFF and data sizes and
 *   the frame count) with 0xFFFFFFFF in the 32-bit size fields. Plain WAV
 *   past 4 GiB is silently wrong, hence the decision at open time.
 * - PEAK: for float files SFC_SET_ADD_PEAK_CHUNK(false) removes the chunk
 *   from RIFF files, but 1.2.0 refuses the command for RF64 and writes a
 *   PEAK chunk whose timestamp is time(NULL); we zero that timestamp.
 *
 * We open the temp file ourselves (O_EXCL, beside the target) and hand the
 * descriptor to sf_open_fd so that we can fsync it, patch it and rename it.
 *
 * 24-bit audio does not go through libsndfile: libsndfile writes the header
 * of an empty file, we pack the dithered samples ourselves and stream them
 * after it (data_writer: direct I/O, no page-cache copy), and at the end
 * patch the sizes (RIFF, data and fact, or ds64) and check the whole header
 * again. Float audio goes through libsndfile as before.
 */
#include "bounce/wav_out.h"
#include "base/atomic_file.h"
#include "base/fd_io.h"
#include "bounce/data_writer.h"

#include "base/path.h"
#include "base/strutil.h"
#include "dsp/dither.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sndfile.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define WAV_OUT_MAX_CHANNELS 10
#define CHUNK_FRAMES 4096           /* frames interleaved per sf_writef call */
#define WAVE_FORMAT_EXTENSIBLE_TAG 0xFFFEu
#define BEXT_LOUDNESS_UNSET 0x7FFF

/* Where the size fields of a header are (0: no such chunk). */
struct chunk_map {
	bool rf64;
	uint64_t ds64_off;          /* of the ds64 chunk's payload */
	uint64_t fact_off;          /* of the fact chunk's payload */
	uint64_t data_off;          /* of the audio: the data chunk's payload */
};

struct wav_out {
	SNDFILE *sf;                /* NULL once closed (24-bit: after the header) */
	int fd;                     /* the temp file; -1 once closed */
	char *target;               /* final file (a symbolic link resolved) */
	char *temp;                 /* "<target>.tmp-XXXXXX"; NULL once renamed or removed */
	char *dir;                  /* folder of both, fsync'd after the rename */

	enum wav_layout layout;
	enum wav_sample_format format;
	int channels;
	int bytes_per_sample;       /* 3 or 4 */
	bool rf64;
	int64_t frames;             /* written so far */

	int failed;                 /* 0, or the ERR_* of a failed write */
	struct diag fail_diag;      /* why, repeated by wav_out_finish */

	struct dither dither[WAV_OUT_MAX_CHANNELS];  /* per file channel */
	void *buf;                  /* float: CHUNK_FRAMES interleaved frames */
	struct data_writer *dw;     /* 24-bit: the audio after the header */
	struct chunk_map map;       /* 24-bit: the header's size fields */
};

/* ---- layouts ---- */

static const struct layout_desc {
	int channels;
	uint32_t mask;
	int sf_map[WAV_OUT_MAX_CHANNELS];     /* libsndfile ids, file order */
	int source[WAV_OUT_MAX_CHANNELS];     /* session channel per file channel */
} layouts[WAV_LAYOUT_COUNT] = {
	[WAV_LAYOUT_MONO] = { 1, 0x4, { SF_CHANNEL_MAP_CENTER }, { 0 } },
	[WAV_LAYOUT_STEREO] = { 2, 0x3,
	    { SF_CHANNEL_MAP_LEFT, SF_CHANNEL_MAP_RIGHT }, { 0, 1 } },
	[WAV_LAYOUT_5_1] = { 6, 0x3F,
	    { SF_CHANNEL_MAP_LEFT, SF_CHANNEL_MAP_RIGHT, SF_CHANNEL_MAP_CENTER,
	      SF_CHANNEL_MAP_LFE, SF_CHANNEL_MAP_REAR_LEFT,
	      SF_CHANNEL_MAP_REAR_RIGHT },
	    { 0, 1, 2, 3, 4, 5 } },
	[WAV_LAYOUT_7_1] = { 8, 0x63F,
	    { SF_CHANNEL_MAP_LEFT, SF_CHANNEL_MAP_RIGHT, SF_CHANNEL_MAP_CENTER,
	      SF_CHANNEL_MAP_LFE, SF_CHANNEL_MAP_REAR_LEFT,
	      SF_CHANNEL_MAP_REAR_RIGHT, SF_CHANNEL_MAP_SIDE_LEFT,
	      SF_CHANNEL_MAP_SIDE_RIGHT },
	    { 0, 1, 2, 3, 6, 7, 4, 5 } },
	[WAV_LAYOUT_7_1_2] = { 10, 0x563F,
	    { SF_CHANNEL_MAP_LEFT, SF_CHANNEL_MAP_RIGHT, SF_CHANNEL_MAP_CENTER,
	      SF_CHANNEL_MAP_LFE, SF_CHANNEL_MAP_REAR_LEFT,
	      SF_CHANNEL_MAP_REAR_RIGHT, SF_CHANNEL_MAP_SIDE_LEFT,
	      SF_CHANNEL_MAP_SIDE_RIGHT, SF_CHANNEL_MAP_TOP_FRONT_LEFT,
	      SF_CHANNEL_MAP_TOP_FRONT_RIGHT },
	    { 0, 1, 2, 3, 6, 7, 4, 5, 8, 9 } },
};

static bool
layout_valid(enum wav_layout layout)
{
	return (int)layout >= 0 && layout < WAV_LAYOUT_COUNT;
}

int
wav_layout_channels(enum wav_layout layout)
{
	return layout_valid(layout) ? layouts[layout].channels : 0;
}

uint32_t
wav_layout_channel_mask(enum wav_layout layout)
{
	return layout_valid(layout) ? layouts[layout].mask : 0;
}

int
wav_layout_source_channel(enum wav_layout layout, int file_ch)
{
	if (!layout_valid(layout) || file_ch < 0 ||
	    file_ch >= layouts[layout].channels)
		return -1;
	return layouts[layout].source[file_ch];
}

/* ---- little helpers ---- */

static uint32_t
get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
get_le64(const unsigned char *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static void
put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void
put_le64(unsigned char *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

/* ---- header check and repair ---- */

/*
 * Walks the chunks of the WAVE file on fd up to "data": patches the fmt
 * chunk's dwChannelMask to layout's, zeroes a PEAK timestamp, and when
 * expect_data_bytes >= 0 checks that the data chunk (or ds64) records that
 * many bytes and the file holds them. Fills *map when map is not NULL.
 * name is for messages.
 */
static int
repair_fd(int fd, const char *name, enum wav_layout layout,
    int64_t expect_data_bytes, struct chunk_map *map, struct diag *d)
{
	unsigned char h[40];
	uint64_t ds64_riff = 0, ds64_data = 0, data_bytes = 0, data_off = 0;
	bool rf64, have_ds64 = false, have_fmt = false, have_data = false;
	uint64_t off = 12, file_size;
	struct chunk_map found = { 0 };
	struct stat st;

	if (fstat(fd, &st) != 0)
		return diag_set(d, ERR_IO, name, 0, "cannot read: %s",
		    strerror(errno));
	file_size = (uint64_t)st.st_size;
	if (file_size < 12 || fd_pread_all(fd, h, 12, 0) != 0)
		return diag_set(d, ERR_PARSE, name, 0, "not a WAVE file (too short)");
	rf64 = memcmp(h, "RF64", 4) == 0;
	if ((!rf64 && memcmp(h, "RIFF", 4) != 0) || memcmp(h + 8, "WAVE", 4) != 0)
		return diag_set(d, ERR_PARSE, name, 0, "not a RIFF or RF64 WAVE file");
	if (!rf64 && get_le32(h + 4) != file_size - 8)
		return diag_set(d, ERR_PARSE, name, 0,
		    "RIFF size %u does not match the file size %llu",
		    (unsigned)get_le32(h + 4), (unsigned long long)file_size);

	for (int n = 0; n < 64 && off + 8 <= file_size && !have_data; n++) {
		uint32_t size;

		if (fd_pread_all(fd, h, 8, (off_t)off) != 0)
			return diag_set(d, ERR_IO, name, 0, "cannot read: %s",
			    strerror(errno));
		size = get_le32(h + 4);
		if (memcmp(h, "ds64", 4) == 0 && size >= 24) {
			if (fd_pread_all(fd, h, 24, (off_t)off + 8) != 0)
				return diag_set(d, ERR_IO, name, 0, "cannot read: %s",
				    strerror(errno));
			ds64_riff = get_le64(h);
			ds64_data = get_le64(h + 8);
			have_ds64 = true;
			found.ds64_off = off + 8;
		} else if (memcmp(h, "fact", 4) == 0 && size >= 4) {
			found.fact_off = off + 8;
		} else if (memcmp(h, "fmt ", 4) == 0) {
			uint32_t mask, want = wav_layout_channel_mask(layout);

			if (size < 40 || fd_pread_all(fd, h, 40, (off_t)off + 8) != 0 ||
			    (h[0] | h[1] << 8) != WAVE_FORMAT_EXTENSIBLE_TAG ||
			    (h[16] | h[17] << 8) < 22)
				return diag_set(d, ERR_PARSE, name, 0,
				    "the fmt chunk is not WAVE_FORMAT_EXTENSIBLE");
			if ((h[2] | h[3] << 8) != wav_layout_channels(layout))
				return diag_set(d, ERR_PARSE, name, 0,
				    "has %d channels, the layout %d", h[2] | h[3] << 8,
				    wav_layout_channels(layout));
			mask = get_le32(h + 20);
			if (mask != want) {
				put_le32(h, want);
				if (fd_pwrite_all(fd, h, 4, (off_t)off + 8 + 20) != 0)
					return diag_set(d, ERR_IO, name, 0,
					    "cannot write: %s", strerror(errno));
			}
			have_fmt = true;
		} else if (memcmp(h, "PEAK", 4) == 0 && size >= 8) {
			static const unsigned char zero[4];

			if (fd_pwrite_all(fd, zero, 4, (off_t)off + 8 + 4) != 0)
				return diag_set(d, ERR_IO, name, 0, "cannot write: %s",
				    strerror(errno));
		} else if (memcmp(h, "data", 4) == 0) {
			data_off = off + 8;
			data_bytes = rf64 ? ds64_data : size;
			have_data = true;
			break;
		}
		off += 8 + (uint64_t)size + (size & 1);
	}
	if (!have_fmt || !have_data || (rf64 && !have_ds64))
		return diag_set(d, ERR_PARSE, name, 0, "no %s chunk before the audio",
		    !have_fmt ? "fmt" : !have_data ? "data" : "ds64");
	if (rf64 && ds64_riff != file_size - 8)
		return diag_set(d, ERR_PARSE, name, 0,
		    "ds64 RIFF size %llu does not match the file size %llu",
		    (unsigned long long)ds64_riff, (unsigned long long)file_size);
	if (data_off + data_bytes > file_size)
		return diag_set(d, ERR_PARSE, name, 0,
		    "the data chunk (%llu bytes) runs past the end of the file",
		    (unsigned long long)data_bytes);
	if (expect_data_bytes >= 0 && data_bytes != (uint64_t)expect_data_bytes)
		return diag_set(d, ERR_IO, name, 0,
		    "holds %llu bytes of audio, %lld were written",
		    (unsigned long long)data_bytes, (long long)expect_data_bytes);
	found.rf64 = rf64;
	found.data_off = data_off;
	if (map != NULL)
		*map = found;
	return 0;
}

int
wav_out_repair_header(const char *path, enum wav_layout layout,
    struct diag *d)
{
	int fd, rc;

	if (path == NULL || !layout_valid(layout))
		return diag_set(d, ERR_INVALID, path ? path : "", 0,
		    "no file or no valid layout");
	if ((fd = open(path, O_RDWR | O_CLOEXEC)) < 0)
		return diag_set(d, errno == ENOENT ? ERR_NOTFOUND : ERR_IO, path, 0,
		    "cannot open: %s", strerror(errno));
	rc = repair_fd(fd, path, layout, -1, NULL, d);
	if (close(fd) != 0 && rc == 0)
		rc = diag_set(d, ERR_IO, path, 0, "cannot write: %s", strerror(errno));
	return rc;
}

/* ---- options ---- */

/* An EBU date or time: digits with a separator from "-_:. " at the two
 * given positions, len characters in all. */
static bool
bext_stamp_ok(const char *s, size_t len, size_t sep1, size_t sep2)
{
	if (strlen(s) != len)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (i == sep1 || i == sep2) {
			if (strchr("-_:. ", s[i]) == NULL || s[i] == '\0')
				return false;
		} else if (s[i] < '0' || s[i] > '9') {
			return false;
		}
	}
	return true;
}

static int
check_options(const struct wav_out_options *opt, const char *path,
    struct diag *d)
{
	const struct {
		const char *value, *what;
		size_t max;
	} texts[] = {
		{ opt->bext_description, "bext description",
		    WAV_OUT_BEXT_DESCRIPTION_MAX },
		{ opt->bext_originator, "bext originator",
		    WAV_OUT_BEXT_ORIGINATOR_MAX },
		{ opt->bext_originator_reference, "bext originator reference",
		    WAV_OUT_BEXT_ORIGINATOR_REF_MAX },
	};

	if (!layout_valid(opt->layout))
		return diag_set(d, ERR_INVALID, path, 0, "unknown channel layout %d",
		    (int)opt->layout);
	if (opt->sample_rate_hz < 1 || opt->sample_rate_hz > 768000)
		return diag_set(d, ERR_INVALID, path, 0,
		    "sample rate %d Hz is out of range (1..768000)",
		    opt->sample_rate_hz);
	if (opt->format != WAV_PCM24 && opt->format != WAV_FLOAT32)
		return diag_set(d, ERR_INVALID, path, 0, "unknown sample format %d",
		    (int)opt->format);
	if (opt->total_frames < 0)
		return diag_set(d, ERR_INVALID, path, 0,
		    "negative predicted length %lld frames",
		    (long long)opt->total_frames);
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (texts[i].value != NULL && strlen(texts[i].value) > texts[i].max)
			return diag_set(d, ERR_INVALID, path, 0,
			    "%s is longer than %zu bytes", texts[i].what, texts[i].max);
	if (opt->bext_origination_date != NULL &&
	    opt->bext_origination_date[0] != '\0' &&
	    !bext_stamp_ok(opt->bext_origination_date, 10, 4, 7))
		return diag_set(d, ERR_INVALID, path, 0,
		    "bext origination date '%s' is not yyyy-mm-dd",
		    opt->bext_origination_date);
	if (opt->bext_origination_time != NULL &&
	    opt->bext_origination_time[0] != '\0' &&
	    !bext_stamp_ok(opt->bext_origination_time, 8, 2, 5))
		return diag_set(d, ERR_INVALID, path, 0,
		    "bext origination time '%s' is not hh:mm:ss",
		    opt->bext_origination_time);
	return 0;
}

/* Copies s (may be NULL) into a fixed bext field, zero-padded, no
 * terminator when it fills the field. Lengths were checked. */
static void
bext_text(char *field, size_t size, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	memset(field, 0, size);
	if (n > 0)
		memcpy(field, s, n < size ? n : size);
}

/* ---- the writer ---- */

/* Closes libsndfile and the descriptor and removes the temp file. */
static void
discard(struct wav_out *w)
{
	data_writer_free(w->dw);
	w->dw = NULL;
	if (w->sf != NULL)
		sf_close(w->sf);
	w->sf = NULL;
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	if (w->temp != NULL)
		(void)unlink(w->temp);
	free(w->temp);
	w->temp = NULL;
}

static void
destroy(struct wav_out *w)
{
	discard(w);
	free(w->buf);
	free(w->target);
	free(w->dir);
	free(w);
}

/*
 * 24-bit audio bypasses libsndfile, which would push it through the page
 * cache (see data_writer.h): libsndfile completes the header of an empty
 * file now, the packed samples stream in after it, and finish_pcm24_data()
 * patches the sizes. (Float files keep libsndfile's path: its PEAK chunk
 * is computed from the samples it writes.)
 */
static int
start_pcm24_data(struct wav_out *w, bool allow_direct, struct diag *d)
{
	struct stat st;
	int e = sf_close(w->sf), rc;

	w->sf = NULL;
	if (e != 0)
		return diag_set(d, ERR_IO, w->target, 0, "cannot start '%s': %s",
		    w->temp, sf_error_number(e));
	if ((rc = repair_fd(w->fd, w->temp, w->layout, 0, &w->map, d)) != 0)
		return rc;
	if (fstat(w->fd, &st) != 0 || (uint64_t)st.st_size != w->map.data_off)
		return diag_set(d, ERR_IO, w->target, 0,
		    "cannot start '%s': the header is not where the audio starts",
		    w->temp);
	if (data_writer_open(&w->dw, w->fd, w->temp, w->map.data_off,
	    (size_t)CHUNK_FRAMES * (size_t)w->channels * 3, allow_direct) != 0)
		return errno == ENOMEM ?
		    diag_set(d, ERR_NOMEM, w->target, 0, "out of memory") :
		    diag_set(d, ERR_IO, w->target, 0, "cannot read '%s': %s",
		    w->temp, strerror(errno));
	return 0;
}

/* Writes the rest of the audio, the pad byte an odd-sized chunk needs, and
 * the sizes the empty file's header left at 0: RIFF size, data size and
 * fact, or RF64's ds64. */
static int
finish_pcm24_data(struct wav_out *w, struct diag *d)
{
	static const unsigned char pad[1];
	uint64_t bytes = data_writer_bytes(w->dw);
	uint64_t end = w->map.data_off + bytes + (bytes & 1);
	uint64_t frames = (uint64_t)w->frames;
	unsigned char b[24];
	int e = 0;

	if (data_writer_finish(w->dw) != 0 || ((bytes & 1) &&
	    fd_pwrite_all(w->fd, pad, 1, (off_t)(end - 1)) != 0))
		return diag_set(d, ERR_IO, w->target, 0,
		    "cannot write '%s' (disk full?): %s", w->temp, strerror(errno));
	if (w->map.rf64) {
		put_le64(b, end - 8);
		put_le64(b + 8, bytes);
		put_le64(b + 16, frames);
		e |= fd_pwrite_all(w->fd, b, 24, (off_t)w->map.ds64_off);
	} else {
		put_le32(b, (uint32_t)(end - 8));
		e |= fd_pwrite_all(w->fd, b, 4, 4);
		put_le32(b, (uint32_t)bytes);
		e |= fd_pwrite_all(w->fd, b, 4, (off_t)w->map.data_off - 4);
	}
	if (w->map.fact_off != 0) {
		put_le32(b, frames > UINT32_MAX ? UINT32_MAX : (uint32_t)frames);
		e |= fd_pwrite_all(w->fd, b, 4, (off_t)w->map.fact_off);
	}
	if (e != 0)
		return diag_set(d, ERR_IO, w->target, 0, "cannot write '%s': %s",
		    w->temp, strerror(errno));
	return 0;
}

int
wav_out_open(struct wav_out **out, const char *final_path,
    const struct wav_out_options *opt, struct diag *d)
{
	const struct layout_desc *ld;
	struct wav_out *w;
	SF_BROADCAST_INFO bi;
	SF_INFO info;
	struct stat st;
	bool have_old = false;
	uint64_t frame_bytes, threshold;
	int rc, e;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || opt == NULL || final_path == NULL ||
	    final_path[0] == '\0')
		return diag_set(d, ERR_INVALID, final_path ? final_path : "", 0,
		    "no file name or no options");
	if ((rc = check_options(opt, final_path, d)) != 0)
		return rc;
	ld = &layouts[opt->layout];

	if ((w = calloc(1, sizeof *w)) == NULL)
		return diag_set(d, ERR_NOMEM, final_path, 0, "out of memory");
	w->fd = -1;
	w->layout = opt->layout;
	w->format = opt->format;
	w->channels = ld->channels;
	w->bytes_per_sample = opt->format == WAV_PCM24 ? 3 : 4;

	if (lstat(final_path, &st) == 0 && S_ISLNK(st.st_mode)) {
		if ((w->target = realpath(final_path, NULL)) == NULL) {
			rc = diag_set(d, ERR_IO, final_path, 0,
			    "cannot follow the symbolic link: %s", strerror(errno));
			goto fail;
		}
	} else if ((w->target = str_dup(final_path)) == NULL) {
		rc = diag_set(d, ERR_NOMEM, final_path, 0, "out of memory");
		goto fail;
	}
	if ((w->dir = path_dirname(w->target)) == NULL) {
		rc = diag_set(d, ERR_NOMEM, final_path, 0, "out of memory");
		goto fail;
	}
	if (stat(w->target, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			rc = diag_set(d, ERR_IO, final_path, 0,
			    "exists and is not a regular file");
			goto fail;
		}
		have_old = true;
	}
	w->fd = atomic_file_open_temp(w->target, have_old ? 0600 : 0666, &w->temp);
	if (w->fd < 0) {
		e = errno;
		rc = e == ENOMEM ? diag_set(d, ERR_NOMEM, final_path, 0,
		    "out of memory") : diag_set(d, ERR_IO, final_path, 0,
		    "cannot create a file in the folder '%s': %s", w->dir,
		    strerror(e));
		goto fail;
	}
	if (have_old && fchmod(w->fd, st.st_mode & 07777) != 0) {
		rc = diag_set(d, ERR_IO, final_path, 0,
		    "cannot set permissions of '%s': %s", w->temp, strerror(errno));
		goto fail;
	}

	/* RF64 or RIFF, decided once from the announced length. */
	threshold = opt->rf64_threshold_bytes ? opt->rf64_threshold_bytes :
	    WAV_OUT_RIFF_LIMIT_BYTES;
	frame_bytes = (uint64_t)(w->channels * w->bytes_per_sample);
	if ((uint64_t)opt->total_frames >
	    (UINT64_MAX - WAV_OUT_HEADER_ROOM_BYTES) / frame_bytes)
		w->rf64 = true;
	else
		w->rf64 = (uint64_t)opt->total_frames * frame_bytes +
		    WAV_OUT_HEADER_ROOM_BYTES > threshold;

	memset(&info, 0, sizeof info);
	info.channels = w->channels;
	info.samplerate = opt->sample_rate_hz;
	info.format = (w->rf64 ? SF_FORMAT_RF64 : SF_FORMAT_WAVEX) |
	    (opt->format == WAV_PCM24 ? SF_FORMAT_PCM_24 : SF_FORMAT_FLOAT);
	if (!sf_format_check(&info)) {
		rc = diag_set(d, ERR_INVALID, final_path, 0,
		    "libsndfile cannot write this format");
		goto fail;
	}
	if ((w->sf = sf_open_fd(w->fd, SFM_WRITE, &info, SF_FALSE)) == NULL) {
		rc = diag_set(d, ERR_IO, final_path, 0, "cannot start '%s': %s",
		    w->temp, sf_strerror(NULL));
		goto fail;
	}
	/* A refused map is caught and patched by repair_fd in finish. */
	(void)sf_command(w->sf, SFC_SET_CHANNEL_MAP_INFO, (void *)ld->sf_map,
	    (int)(sizeof ld->sf_map[0] * (size_t)w->channels));
	if (opt->format == WAV_FLOAT32)
		(void)sf_command(w->sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
	(void)sf_command(w->sf, SFC_SET_NORM_FLOAT, NULL, SF_TRUE);

	memset(&bi, 0, sizeof bi);
	bext_text(bi.description, sizeof bi.description, opt->bext_description);
	bext_text(bi.originator, sizeof bi.originator, opt->bext_originator);
	bext_text(bi.originator_reference, sizeof bi.originator_reference,
	    opt->bext_originator_reference);
	bext_text(bi.origination_date, sizeof bi.origination_date,
	    opt->bext_origination_date);
	bext_text(bi.origination_time, sizeof bi.origination_time,
	    opt->bext_origination_time);
	bi.time_reference_low = (uint32_t)opt->bext_time_reference;
	bi.time_reference_high = (uint32_t)(opt->bext_time_reference >> 32);
	bi.version = 2;
	bi.loudness_value = BEXT_LOUDNESS_UNSET;
	bi.loudness_range = BEXT_LOUDNESS_UNSET;
	bi.max_true_peak_level = BEXT_LOUDNESS_UNSET;
	bi.max_momentary_loudness = BEXT_LOUDNESS_UNSET;
	bi.max_shortterm_loudness = BEXT_LOUDNESS_UNSET;
	if (sf_command(w->sf, SFC_SET_BROADCAST_INFO, &bi, sizeof bi) != SF_TRUE) {
		rc = diag_set(d, ERR_IO, final_path, 0,
		    "cannot write the bext chunk: %s", sf_strerror(w->sf));
		goto fail;
	}

	if (w->format == WAV_PCM24) {
		if ((rc = start_pcm24_data(w, !opt->buffered_io, d)) != 0)
			goto fail;
	} else if ((w->buf = malloc((size_t)CHUNK_FRAMES *
	    (size_t)w->channels * 4)) == NULL) {
		rc = diag_set(d, ERR_NOMEM, final_path, 0, "out of memory");
		goto fail;
	}
	for (int c = 0; c < w->channels; c++)
		dither_init(&w->dither[c],
		    dither_seed_for_channel(opt->dither_seed, c));
	*out = w;
	return 0;
fail:
	destroy(w);
	return rc;
}

/* Records the write failure already described in w->fail_diag: the temp
 * file goes at once (a full disk gets its space back) and later calls
 * repeat the error. */
static int
fail_write(struct wav_out *w, int code, struct diag *d)
{
	discard(w);
	w->failed = code;
	if (d != NULL)
		*d = w->fail_diag;
	return code;
}

int
wav_out_write(struct wav_out *w, const float *const *channels, int frames,
    struct diag *d)
{
	const int *source;
	int ch;

	if (w == NULL || frames < 0 || (frames > 0 && channels == NULL))
		return diag_set(d, ERR_INVALID, w ? w->target : "", 0,
		    "bad arguments to wav_out_write");
	if (w->failed) {
		if (d != NULL)
			*d = w->fail_diag;
		return w->failed;
	}
	ch = w->channels;
	source = layouts[w->layout].source;
	for (int done = 0; done < frames;) {
		int n = frames - done < CHUNK_FRAMES ? frames - done : CHUNK_FRAMES;
		sf_count_t put;

		if (!w->rf64 && (uint64_t)(w->frames + n) *
		    (uint64_t)(ch * w->bytes_per_sample) +
		    WAV_OUT_HEADER_ROOM_BYTES > WAV_OUT_RIFF_LIMIT_BYTES) {
			diag_set(&w->fail_diag, ERR_INVALID, w->target, 0,
			    "more frames than announced: the file would pass the "
			    "4 GiB limit of a RIFF WAVE file");
			return fail_write(w, ERR_INVALID, d);
		}
		if (w->format == WAV_PCM24) {
			/* packed straight into the data writer's block */
			size_t bytes = (size_t)n * (size_t)ch * 3;
			unsigned char *bb = data_writer_reserve(w->dw, bytes);
			const float *src[WAV_OUT_MAX_CHANNELS];

			for (int c = 0; c < ch; c++)
				src[c] = channels[source[c]] + done;
			dither_planar_to_s24le(w->dither, src, ch, bb, n);
			if (data_writer_commit(w->dw, bytes) != 0) {
				diag_set(&w->fail_diag, ERR_IO, w->target, 0,
				    "cannot write '%s' (disk full?): %s", w->temp,
				    strerror(errno));
				return fail_write(w, ERR_IO, d);
			}
			put = n;
		} else {
			float *fb = w->buf;

			for (int c = 0; c < ch; c++) {
				const float *src = channels[source[c]] + done;

				for (int i = 0; i < n; i++)
					fb[(size_t)i * (size_t)ch + (size_t)c] = src[i];
			}
			put = sf_writef_float(w->sf, fb, n);
		}
		if (put != n) {
			diag_set(&w->fail_diag, ERR_IO, w->target, 0,
			    "cannot write '%s' (disk full?): %s", w->temp,
			    sf_strerror(w->sf));
			return fail_write(w, ERR_IO, d);
		}
		w->frames += n;
		done += n;
	}
	return 0;
}

int
wav_out_finish(struct wav_out *w, struct diag *d)
{
	int rc = 0, e;

	if (w == NULL)
		return diag_set(d, ERR_INVALID, "", 0, "no file to finish");
	if (w->failed) {
		rc = w->failed;
		if (d != NULL)
			*d = w->fail_diag;
		goto out;
	}
	if (w->dw != NULL) {
		if ((rc = finish_pcm24_data(w, d)) != 0)
			goto out;
	} else {
		e = sf_close(w->sf);
		w->sf = NULL;
		if (e != 0) {
			rc = diag_set(d, ERR_IO, w->target, 0,
			    "cannot complete '%s': %s", w->temp, sf_error_number(e));
			goto out;
		}
	}
	if ((rc = repair_fd(w->fd, w->temp, w->layout,
	    w->frames * w->channels * w->bytes_per_sample, NULL, d)) != 0)
		goto out;
	if (fsync(w->fd) != 0) {
		rc = diag_set(d, ERR_IO, w->target, 0, "cannot write '%s': %s",
		    w->temp, strerror(errno));
		goto out;
	}
	e = close(w->fd);
	w->fd = -1;
	if (e != 0) {
		rc = diag_set(d, ERR_IO, w->target, 0, "cannot write '%s': %s",
		    w->temp, strerror(errno));
		goto out;
	}
	if (rename(w->temp, w->target) != 0) {
		rc = diag_set(d, ERR_IO, w->target, 0, "cannot rename '%s' to '%s': %s",
		    w->temp, w->target, strerror(errno));
		goto out;
	}
	free(w->temp);
	w->temp = NULL;     /* it is the real file now: never unlink it */
	if (atomic_file_sync_dir(w->dir) != 0)
		rc = diag_set(d, ERR_IO, w->target, 0,
		    "written, but syncing the folder '%s' failed: %s", w->dir,
		    strerror(errno));
out:
	destroy(w);
	return rc;
}

void
wav_out_abort(struct wav_out *w)
{
	if (w != NULL)
		destroy(w);
}

int64_t
wav_out_frames(const struct wav_out *w)
{
	return w ? w->frames : 0;
}

bool
wav_out_is_rf64(const struct wav_out *w)
{
	return w != NULL && w->rf64;
}

const char *
wav_out_temp_path(const struct wav_out *w)
{
	return w ? w->temp : NULL;
}
