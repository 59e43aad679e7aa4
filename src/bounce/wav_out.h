/*
 * wav_out.h - the master/stem file writer of the offline bounce: Broadcast
 * WAVE files (24-bit PCM with TPDF dither, or 32-bit float) with a
 * WAVE_FORMAT_EXTENSIBLE channel mask and a `bext` time reference, in RF64
 * when they would pass the 4 GiB RIFF limit.
 *
 * Model. The bounce knows how many frames it will render, so the container
 * is chosen when the file is opened: RF64 (EBU Tech 3306) when the
 * predicted size (header room + frames * channels * bytes per sample)
 * exceeds the threshold (default WAV_OUT_RIFF_LIMIT_BYTES), else RIFF. The
 * file is "<final_path>.tmp-XXXXXX" in the same folder. libsndfile writes
 * the header; float audio goes through libsndfile too, while 24-bit audio
 * is packed here and streamed after the header with direct I/O where the
 * file system allows it (data_writer.h), and its sizes are patched in at
 * the end. wav_out_finish() completes it, checks and if needed repairs the header
 * (see wav_out_repair_header), fsyncs it, renames it to final_path and
 * fsyncs the folder. Until that rename, final_path is untouched (an existing
 * file stays intact); on any failure or wav_out_abort() the temp file is
 * removed. (A crash or kill can leave a stale .tmp-XXXXXX file, never a
 * partial file under the final name.)
 *
 * Channel order. Callers pass channels in the session's order (enum
 * chan_format): 5.1 = L R C LFE Ls Rs; 7.1 = L R C LFE Lss Rss Lrs Rrs;
 * 7.1.2 = 7.1 + Ltm Rtm. WAVE_FORMAT_EXTENSIBLE requires the channels in the
 * file to be in the order of their mask bits, so the file stores:
 *
 *   layout  dwChannelMask  channels in the file (mask bit)
 *   mono    0x4            C (FRONT_CENTER)
 *   stereo  0x3            L R
 *   5.1     0x3F           L R C LFE Ls(BACK_LEFT 0x10) Rs(BACK_RIGHT 0x20)
 *   7.1     0x63F          L R C LFE Lrs(0x10) Rrs(0x20) Lss(SIDE_LEFT 0x200)
 *                          Rss(SIDE_RIGHT 0x400)
 *   7.1.2   0x563F         7.1 as above + Ltm(TOP_FRONT_LEFT 0x1000)
 *                          Rtm(TOP_FRONT_RIGHT 0x4000)
 *
 * i.e. for 7.1 the writer swaps the side and rear pairs relative to the
 * session order. 5.1 surrounds use the BACK bits (Microsoft's
 * KSAUDIO_SPEAKER_5POINT1, what libsndfile, ffmpeg and Pro Tools write).
 * WAVE_FORMAT_EXTENSIBLE has no "top middle" speakers; Ltm/Rtm are marked
 * TOP_FRONT_LEFT/RIGHT, the common practice for 7.1.2 beds (ffmpeg's 7.1.2
 * layout does the same). Readers that honour the mask therefore see the
 * right speakers; libsndfile reports them through SFC_GET_CHANNEL_MAP_INFO.
 *
 * Determinism. The same input and options give byte-identical files: the
 * dither is seeded from options.dither_seed per channel, nothing depends on
 * the clock (the bext date/time come from the options, empty by default;
 * the timestamp libsndfile puts into a PEAK chunk is zeroed), and the temp
 * name never reaches the file. libsndfile appends its own coding-history
 * line ("A=PCM,F=48000,W=24,M=...,T=libsndfile-<version>"), so files are
 * identical for the same libsndfile version.
 *
 * Threads: one handle is used by one non-RT thread at a time (the bounce
 * thread or the main thread); calls block on disk I/O. Nothing prints.
 */
#ifndef DUBSTAGE_BOUNCE_WAV_OUT_H
#define DUBSTAGE_BOUNCE_WAV_OUT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"

/* Largest predicted file size (bytes) that is still written as RIFF/WAVE:
 * the RIFF size field is 32 bits. */
#define WAV_OUT_RIFF_LIMIT_BYTES 0xFFFFFFFFull

/* Bytes reserved for everything before the audio when predicting the file
 * size (RIFF/ds64, fmt, fact, bext with coding history, PEAK, data header
 * come to well under 1 KiB). */
#define WAV_OUT_HEADER_ROOM_BYTES 4096u

/* Lengths of the bext text fields (bytes, no terminator needed). */
#define WAV_OUT_BEXT_DESCRIPTION_MAX 256
#define WAV_OUT_BEXT_ORIGINATOR_MAX 32
#define WAV_OUT_BEXT_ORIGINATOR_REF_MAX 32

/* Speaker layouts, in the order of enum chan_format (session/session.h),
 * so (enum wav_layout)format converts a session format. */
enum wav_layout {
	WAV_LAYOUT_MONO,
	WAV_LAYOUT_STEREO,
	WAV_LAYOUT_5_1,
	WAV_LAYOUT_7_1,
	WAV_LAYOUT_7_1_2,
	WAV_LAYOUT_COUNT
};

enum wav_sample_format {
	WAV_PCM24,      /* 24-bit integer PCM, TPDF-dithered from float */
	WAV_FLOAT32,    /* 32-bit IEEE float, samples stored as given (no clipping) */
};

struct wav_out_options {
	enum wav_layout layout;
	int sample_rate_hz;                 /* 1 .. 768000 */
	enum wav_sample_format format;
	int64_t total_frames;               /* frames the bounce will write (>= 0), for the RF64 decision */

	/* bext (EBU Tech 3285). Strings are borrowed, NULL means empty. */
	uint64_t bext_time_reference;       /* samples since midnight: the session's start timecode in frames */
	const char *bext_description;       /* <= 256 bytes */
	const char *bext_originator;        /* <= 32 bytes, e.g. "dubstage" */
	const char *bext_originator_reference; /* <= 32 bytes */
	const char *bext_origination_date;  /* "yyyy-mm-dd" or NULL (left empty: no clock is read) */
	const char *bext_origination_time;  /* "hh:mm:ss" or NULL */

	uint64_t dither_seed;               /* per file; each channel derives its own */
	uint64_t rf64_threshold_bytes;      /* 0 = WAV_OUT_RIFF_LIMIT_BYTES; tests lower it */
	bool buffered_io;                   /* 24-bit audio through the page cache
	                                       only, never O_DIRECT (tests compare) */
};

/* Opaque writer. */
struct wav_out;

/* Channels of a layout (1, 2, 6, 8, 10); 0 for an invalid layout. Pure. */
int wav_layout_channels(enum wav_layout layout);

/* The layout's WAVE_FORMAT_EXTENSIBLE dwChannelMask (table above); 0 for an
 * invalid layout. Pure. */
uint32_t wav_layout_channel_mask(enum wav_layout layout);

/* The session-order channel stored at position file_ch of the file (the
 * identity except 7.1/7.1.2, where file channels 4..7 hold session channels
 * 6 7 4 5); -1 when out of range. Pure. */
int wav_layout_source_channel(enum wav_layout layout, int file_ch);

/*
 * Validates opt, creates "<final_path>.tmp-XXXXXX" beside final_path and
 * writes the header. On success *out owns the temp file; finish or abort
 * it. Returns 0, ERR_INVALID (bad options: d names the field), ERR_IO (the
 * folder does not exist or is not writable, final_path is a folder, ...: d
 * says which and why) or ERR_NOMEM. On failure nothing is left on disk and
 * *out is NULL. final_path and opt are borrowed (opt's strings are copied).
 */
int wav_out_open(struct wav_out **out, const char *final_path,
    const struct wav_out_options *opt, struct diag *d);

/*
 * Appends frames frames (>= 0) of planar float audio: channels[c][i] for
 * c < wav_layout_channels(layout), in session channel order, full scale
 * +-1.0. Borrowed. Returns 0 or ERR_IO (write failed: "disk full?"; the temp
 * file is removed at once and every later call fails) or ERR_INVALID (a
 * RIFF file would pass 4 GiB because more frames came than announced).
 */
int wav_out_write(struct wav_out *w, const float *const *channels, int frames,
    struct diag *d);

/*
 * Completes the file: closes it, repairs the header, fsyncs, renames it to
 * final_path (replacing any file there) and fsyncs the folder. Destroys w
 * in every case (NULL is ERR_INVALID). Returns 0, or the error of an earlier
 * failed write, or ERR_IO; on failure before the rename final_path is left
 * as it was and the temp file is removed.
 */
int wav_out_finish(struct wav_out *w, struct diag *d);

/* Abandons the file: closes and removes the temp file; final_path is not
 * touched. Destroys w; NULL is a no-op. */
void wav_out_abort(struct wav_out *w);

/* Frames written so far. */
int64_t wav_out_frames(const struct wav_out *w);

/* True when the file is being written as RF64. */
bool wav_out_is_rf64(const struct wav_out *w);

/* The temp file's path while w is open (borrowed; for progress reports and
 * tests). */
const char *wav_out_temp_path(const struct wav_out *w);

/*
 * The header fix wav_out_finish applies to its temp file, for any finished
 * WAVE_FORMAT_EXTENSIBLE RIFF or RF64 file at path: sets dwChannelMask to
 * wav_layout_channel_mask(layout) when it differs (libsndfile falls back to
 * its own default mask -- 0xFF for 8 channels, 0 for 10 -- whenever it does
 * not accept a channel map) and zeroes the timestamp of a PEAK chunk
 * (libsndfile 1.2.0 always writes one, holding time(NULL), into RF64 float
 * files). Does not change the size of anything. Returns 0, ERR_IO (cannot
 * open/read/write) or ERR_PARSE (not a RIFF/RF64 WAVE file with an
 * extensible fmt chunk of layout's channel count).
 */
int wav_out_repair_header(const char *path, enum wav_layout layout,
    struct diag *d);

#endif
