/* The bounce's WAV/BWF/RF64 writer: what comes back through libsndfile and
 * what the bytes say (channel masks, bext, RF64/ds64), byte-identical
 * repeats, and that a failed or abandoned bounce leaves nothing behind. */
#include "test.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sndfile.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bounce/wav_out.h"
#include "bounce/riff.h"
#include "dsp/dither.h"

#define MAXCH 10

/* ---- helpers ---- */

static struct wav_out_options
default_options(enum wav_layout layout, enum wav_sample_format format,
    int64_t frames)
{
	struct wav_out_options o;

	memset(&o, 0, sizeof o);
	o.layout = layout;
	o.sample_rate_hz = 48000;
	o.format = format;
	o.total_frames = frames;
	o.bext_time_reference = 172800000;   /* 01:00:00:00 at 48 kHz */
	o.bext_description = "dubstage test";
	o.bext_originator = "dubstage";
	o.dither_seed = 1;
	return o;
}

/* A deterministic test signal: planar, channel c different from the
 * others, with values beyond full scale when hot. */
struct signal {
	int channels, frames;
	float *data[MAXCH];
};

static void
signal_make(struct signal *s, int channels, int frames, bool hot)
{
	s->channels = channels;
	s->frames = frames;
	for (int c = 0; c < channels; c++) {
		s->data[c] = malloc(sizeof(float) * (size_t)(frames > 0 ? frames : 1));
		for (int i = 0; i < frames; i++) {
			double v = 0.5 * sin(0.001 * (i + 1) * (c + 1)) +
			    0.01 * cos(0.37 * i + c);

			if (hot && i % 97 == 0)
				v = (i / 97) % 2 ? 1.75 : -3.5;
			s->data[c][i] = (float)v;
		}
	}
}

static void
signal_free(struct signal *s)
{
	for (int c = 0; c < s->channels; c++)
		free(s->data[c]);
}

/* Writes s in blocks of block frames (0: all at once) and finishes. */
static int
write_file(const char *path, const struct wav_out_options *o,
    const struct signal *s, int block, struct diag *d)
{
	struct wav_out *w;
	const float *ptr[MAXCH];
	int rc;

	if ((rc = wav_out_open(&w, path, o, d)) != 0)
		return rc;
	for (int done = 0; done < s->frames;) {
		int n = block <= 0 || s->frames - done < block ? s->frames - done : block;

		for (int c = 0; c < s->channels; c++)
			ptr[c] = s->data[c] + done;
		if ((rc = wav_out_write(w, ptr, n, d)) != 0) {
			wav_out_abort(w);
			return rc;
		}
		done += n;
	}
	return wav_out_finish(w, d);
}

/* ---- tests ---- */

static void
test_float_null(void)
{
	const char *path = test_path("null.wav");
	struct wav_out_options o = default_options(WAV_LAYOUT_STEREO, WAV_FLOAT32,
	    10000);
	struct signal s;
	struct diag d;
	SF_INFO info;
	SNDFILE *sf;
	float *back;
	bool exact = true;
	size_t n;
	unsigned char *b;

	signal_make(&s, 2, 10000, true);
	REQUIRE(write_file(path, &o, &s, 777, &d) == 0);
	memset(&info, 0, sizeof info);
	sf = sf_open(path, SFM_READ, &info);
	REQUIRE(sf != NULL);
	CHECK_INT_EQ(info.format, SF_FORMAT_WAVEX | SF_FORMAT_FLOAT);
	CHECK_INT_EQ(info.channels, 2);
	CHECK_INT_EQ(info.samplerate, 48000);
	CHECK_INT_EQ(info.frames, 10000);
	back = malloc(sizeof(float) * 2 * 10000);
	CHECK_INT_EQ(sf_readf_float(sf, back, 10000), 10000);
	sf_close(sf);
	/* Bit-exact, including the samples beyond full scale (no clipping). */
	for (int i = 0; i < 10000; i++)
		for (int c = 0; c < 2; c++)
			exact = exact && memcmp(&back[i * 2 + c], &s.data[c][i],
			    sizeof(float)) == 0;
	CHECK(exact);
	CHECK(back[0] != 0.0f && fabsf(back[97 * 2 * 2]) > 1.0f);
	free(back);
	/* RIFF float: libsndfile's PEAK chunk (it holds a timestamp) is off. */
	b = slurp(path, &n);
	REQUIRE(b != NULL);
	CHECK(memcmp(b, "RIFF", 4) == 0);
	CHECK_INT_EQ(find_chunk(b, n, "PEAK"), -1);
	free(b);
	signal_free(&s);
}

static void
test_pcm24(void)
{
	const char *path = test_path("pcm24.wav");
	struct wav_out_options o = default_options(WAV_LAYOUT_5_1, WAV_PCM24, 20000);
	struct signal s;
	struct diag d;
	SF_INFO info;
	SNDFILE *sf;
	int32_t *back;
	double worst = 0, sum = 0;
	long count = 0, clipped_ok = 0, clipped = 0;
	bool low_byte_zero = true;

	signal_make(&s, 6, 20000, true);
	REQUIRE(write_file(path, &o, &s, 0, &d) == 0);
	memset(&info, 0, sizeof info);
	sf = sf_open(path, SFM_READ, &info);
	REQUIRE(sf != NULL);
	CHECK_INT_EQ(info.format, SF_FORMAT_WAVEX | SF_FORMAT_PCM_24);
	CHECK_INT_EQ(info.frames, 20000);
	back = malloc(sizeof(int32_t) * 6 * 20000);
	CHECK_INT_EQ(sf_readf_int(sf, back, 20000), 20000);
	sf_close(sf);
	for (int i = 0; i < 20000; i++)
		for (int c = 0; c < 6; c++) {
			int32_t v = back[i * 6 + c];
			double x = (double)s.data[c][i] * 8388608.0;
			double q = v / 256;

			low_byte_zero = low_byte_zero && (v & 0xFF) == 0;
			if (x >= 8388607.0 || x <= -8388608.0) {
				clipped++;
				clipped_ok += x > 0 ? q >= 8388606 : q <= -8388607;
				continue;
			}
			/* within 1/2 LSB rounding + 1 LSB of dither */
			worst = fabs(q - x) > worst ? fabs(q - x) : worst;
			sum += q - x;
			count++;
		}
	CHECK(low_byte_zero);
	CHECK(worst <= 1.5);
	CHECK(worst > 0.5);            /* the dither is there */
	CHECK_NEAR(sum / (double)count, 0.0, 0.01);
	CHECK(clipped > 0);
	CHECK_INT_EQ(clipped_ok, clipped);
	free(back);
	signal_free(&s);
}

static void
test_deterministic(void)
{
	char a[4096], b[4096];
	struct wav_out_options o = default_options(WAV_LAYOUT_7_1, WAV_PCM24, 30000);
	struct signal s;
	struct diag d;
	size_t na, nb, diffs = 0;
	unsigned char *pa, *pb;

	signal_make(&s, 8, 30000, false);
	o.bext_origination_date = "2024-05-01";
	o.bext_origination_time = "10:20:30";
	snprintf(a, sizeof a, "%s", test_path("det_a.wav"));
	snprintf(b, sizeof b, "%s", test_path("det_b.wav"));
	REQUIRE(write_file(a, &o, &s, 0, &d) == 0);
	sleep(1);       /* nothing in the file may follow the clock */
	REQUIRE(write_file(b, &o, &s, 1001, &d) == 0);
	CHECK(same_file(a, b));

	/* Another seed: same header, other dither in the audio. */
	o.dither_seed = 2;
	REQUIRE(write_file(b, &o, &s, 0, &d) == 0);
	pa = slurp(a, &na);
	pb = slurp(b, &nb);
	REQUIRE(pa != NULL && pb != NULL && na == nb);
	{
		long data = find_chunk(pa, na, "data");

		REQUIRE(data > 0);
		CHECK(memcmp(pa, pb, (size_t)data) == 0);
		for (size_t i = (size_t)data; i < na; i++)
			diffs += pa[i] != pb[i];
		CHECK(diffs > 1000);
	}
	free(pa);
	free(pb);

	/* Float RF64 (where libsndfile 1.2.0 always writes a PEAK chunk with
	 * time(NULL) in it): also identical, the timestamp zeroed. */
	o = default_options(WAV_LAYOUT_7_1, WAV_FLOAT32, 30000);
	o.rf64_threshold_bytes = 4096;
	REQUIRE(write_file(a, &o, &s, 0, &d) == 0);
	sleep(1);
	REQUIRE(write_file(b, &o, &s, 4096, &d) == 0);
	CHECK(same_file(a, b));
	pa = slurp(a, &na);
	REQUIRE(pa != NULL);
	CHECK(memcmp(pa, "RF64", 4) == 0);
	{
		long peak = find_chunk(pa, na, "PEAK");

		if (peak > 0)
			CHECK_INT_EQ(le32(pa + peak + 12), 0);
	}
	free(pa);
	signal_free(&s);
}

/* Writes one frame per layout, channel c (session order) holding
 * (c + 1) / 16, and checks the fmt bytes, libsndfile's channel map and
 * where each channel landed. */
static void
check_layout(enum wav_layout layout, uint32_t want_mask,
    enum wav_sample_format format, uint64_t rf64_threshold)
{
	static const int map_71[8] = { SF_CHANNEL_MAP_LEFT, SF_CHANNEL_MAP_RIGHT,
	    SF_CHANNEL_MAP_CENTER, SF_CHANNEL_MAP_LFE, SF_CHANNEL_MAP_REAR_LEFT,
	    SF_CHANNEL_MAP_REAR_RIGHT, SF_CHANNEL_MAP_SIDE_LEFT,
	    SF_CHANNEL_MAP_SIDE_RIGHT };
	const char *path = test_path("layout.wav");
	struct wav_out_options o = default_options(layout, format, 64);
	int ch = wav_layout_channels(layout);
	float values[MAXCH][64];
	const float *ptr[MAXCH];
	struct wav_out *w;
	struct diag d;
	SF_INFO info;
	SNDFILE *sf;
	int map[MAXCH];
	float back[MAXCH * 64];
	unsigned char *b;
	size_t n;
	long fmt;

	o.rf64_threshold_bytes = rf64_threshold;
	for (int c = 0; c < ch; c++) {
		for (int i = 0; i < 64; i++)
			values[c][i] = (float)(c + 1) / 16.0f;
		ptr[c] = values[c];
	}
	REQUIRE(wav_out_open(&w, path, &o, &d) == 0);
	CHECK(wav_out_is_rf64(w) == (rf64_threshold != 0));
	REQUIRE(wav_out_write(w, ptr, 64, &d) == 0);
	REQUIRE(wav_out_finish(w, &d) == 0);

	b = slurp(path, &n);
	REQUIRE(b != NULL);
	fmt = find_chunk(b, n, "fmt ");
	REQUIRE(fmt > 0);
	CHECK_INT_EQ(le16(b + fmt + 8), 0xFFFE);              /* WAVE_FORMAT_EXTENSIBLE */
	CHECK_INT_EQ(le16(b + fmt + 10), ch);
	CHECK_INT_EQ(le16(b + fmt + 24), 22);                 /* cbSize */
	CHECK_INT_EQ(le16(b + fmt + 26), format == WAV_PCM24 ? 24 : 32);
	CHECK_INT_EQ(le32(b + fmt + 28), want_mask);          /* dwChannelMask */
	CHECK_INT_EQ(le16(b + fmt + 32), format == WAV_PCM24 ? 1 : 3);  /* subformat GUID */
	CHECK_INT_EQ(wav_layout_channel_mask(layout), want_mask);
	free(b);

	memset(&info, 0, sizeof info);
	sf = sf_open(path, SFM_READ, &info);
	REQUIRE(sf != NULL);
	CHECK_INT_EQ(info.channels, ch);
	REQUIRE(sf_command(sf, SFC_GET_CHANNEL_MAP_INFO, map,
	    (int)sizeof(int) * ch) == SF_TRUE);
	CHECK_INT_EQ(sf_readf_float(sf, back, 64), 64);
	sf_close(sf);
	for (int j = 0; j < ch; j++) {
		int src = wav_layout_source_channel(layout, j);

		REQUIRE(src >= 0);
		CHECK_NEAR(back[j], (src + 1) / 16.0, format == WAV_PCM24 ? 2e-7 : 0);
	}
	if (layout == WAV_LAYOUT_7_1 || layout == WAV_LAYOUT_7_1_2) {
		/* Our 7.1 is L R C LFE Lss Rss Lrs Rrs: the side surrounds (session
		 * channels 4, 5) must be the file's SIDE channels, the rears the
		 * BACK ones. */
		for (int j = 0; j < 8; j++)
			CHECK_INT_EQ(map[j], map_71[j]);
		CHECK_NEAR(back[6], 5 / 16.0, 2e-7);     /* SIDE_LEFT = Lss */
		CHECK_NEAR(back[7], 6 / 16.0, 2e-7);     /* SIDE_RIGHT = Rss */
		CHECK_NEAR(back[4], 7 / 16.0, 2e-7);     /* REAR_LEFT = Lrs */
		CHECK_NEAR(back[5], 8 / 16.0, 2e-7);     /* REAR_RIGHT = Rrs */
	}
	if (layout == WAV_LAYOUT_7_1_2) {
		CHECK_INT_EQ(map[8], SF_CHANNEL_MAP_TOP_FRONT_LEFT);
		CHECK_INT_EQ(map[9], SF_CHANNEL_MAP_TOP_FRONT_RIGHT);
	}
	if (layout == WAV_LAYOUT_MONO)
		CHECK_INT_EQ(map[0], SF_CHANNEL_MAP_CENTER);
}

static void
test_channel_masks(void)
{
	static const struct {
		enum wav_layout layout;
		uint32_t mask;
	} cases[] = {
		{ WAV_LAYOUT_MONO, 0x4 },
		{ WAV_LAYOUT_STEREO, 0x3 },
		{ WAV_LAYOUT_5_1, 0x3F },
		{ WAV_LAYOUT_7_1, 0x63F },
		{ WAV_LAYOUT_7_1_2, 0x563F },
	};

	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		check_layout(cases[k].layout, cases[k].mask, WAV_PCM24, 0);
		check_layout(cases[k].layout, cases[k].mask, WAV_FLOAT32, 0);
		check_layout(cases[k].layout, cases[k].mask, WAV_PCM24, 1024);
		check_layout(cases[k].layout, cases[k].mask, WAV_FLOAT32, 1024);
	}
	CHECK_INT_EQ(wav_layout_channels(WAV_LAYOUT_7_1_2), 10);
	CHECK_INT_EQ(wav_layout_channels(WAV_LAYOUT_COUNT), 0);
	CHECK_INT_EQ(wav_layout_channel_mask(WAV_LAYOUT_COUNT), 0);
	CHECK_INT_EQ(wav_layout_source_channel(WAV_LAYOUT_5_1, 6), -1);
	CHECK_INT_EQ(wav_layout_source_channel(WAV_LAYOUT_7_1, 4), 6);
	CHECK_INT_EQ(wav_layout_source_channel(WAV_LAYOUT_7_1, 6), 4);
}

/* bext through libsndfile and in the raw bytes (EBU Tech 3285 offsets). */
static void
check_bext(const char *path, uint64_t time_ref, bool rf64)
{
	SF_BROADCAST_INFO bi;
	SF_INFO info;
	SNDFILE *sf;
	unsigned char *b;
	size_t n;
	long bext;

	memset(&info, 0, sizeof info);
	sf = sf_open(path, SFM_READ, &info);
	REQUIRE(sf != NULL);
	memset(&bi, 0, sizeof bi);
	CHECK(sf_command(sf, SFC_GET_BROADCAST_INFO, &bi, sizeof bi) == SF_TRUE);
	sf_close(sf);
	CHECK_INT_EQ(bi.time_reference_low, (uint32_t)time_ref);
	CHECK_INT_EQ(bi.time_reference_high, (uint32_t)(time_ref >> 32));
	CHECK(strncmp(bi.description, "dubstage test", sizeof bi.description) == 0);
	CHECK(strncmp(bi.originator, "dubstage", sizeof bi.originator) == 0);
	CHECK(memcmp(bi.origination_date, "2024-05-01", 10) == 0);
	CHECK(memcmp(bi.origination_time, "10:20:30", 8) == 0);

	b = slurp(path, &n);
	REQUIRE(b != NULL);
	CHECK(memcmp(b, rf64 ? "RF64" : "RIFF", 4) == 0);
	bext = find_chunk(b, n, "bext");
	REQUIRE(bext > 0 && (size_t)bext + 8 + 602 <= n);
	CHECK(le32(b + bext + 4) >= 602);
	CHECK(memcmp(b + bext + 8, "dubstage test", 14) == 0);       /* NUL padded */
	CHECK(memcmp(b + bext + 8 + 256, "dubstage", 8) == 0);
	CHECK(memcmp(b + bext + 8 + 320, "2024-05-01", 10) == 0);
	CHECK(memcmp(b + bext + 8 + 330, "10:20:30", 8) == 0);
	CHECK(le64(b + bext + 8 + 338) == time_ref);                 /* TimeReference */
	CHECK_INT_EQ(le16(b + bext + 8 + 346), 2);                   /* Version */
	for (int k = 0; k < 5; k++)                                   /* loudness unset */
		CHECK_INT_EQ(le16(b + bext + 8 + 412 + 2 * k), 0x7FFF);
	free(b);
}

static void
test_bext(void)
{
	const char *path = test_path("bext.wav");
	struct wav_out_options o = default_options(WAV_LAYOUT_STEREO, WAV_PCM24, 480);
	struct signal s;
	struct diag d;

	signal_make(&s, 2, 480, false);
	o.bext_origination_date = "2024-05-01";
	o.bext_origination_time = "10:20:30";
	REQUIRE(write_file(path, &o, &s, 0, &d) == 0);
	check_bext(path, 172800000, false);
	/* 25:00:00:00 at 192 kHz needs the high 32 bits; and the chunk in RF64. */
	o.bext_time_reference = 25ull * 3600 * 192000;
	o.sample_rate_hz = 192000;
	o.rf64_threshold_bytes = 1000;
	REQUIRE(write_file(path, &o, &s, 0, &d) == 0);
	check_bext(path, 25ull * 3600 * 192000, true);
	signal_free(&s);

	/* No date/time given: the fields stay empty, no clock is read. */
	{
		struct wav_out *w;
		unsigned char *b;
		size_t n;
		long bext;
		static const char zeros[18];

		o = default_options(WAV_LAYOUT_MONO, WAV_PCM24, 0);
		REQUIRE(wav_out_open(&w, path, &o, &d) == 0);
		REQUIRE(wav_out_finish(w, &d) == 0);
		b = slurp(path, &n);
		REQUIRE(b != NULL);
		bext = find_chunk(b, n, "bext");
		REQUIRE(bext > 0);
		CHECK(memcmp(b + bext + 8 + 320, zeros, 18) == 0);
		free(b);
	}
}

static void
test_rf64(void)
{
	const char *path = test_path("big.wav");
	const int frames = 200000;    /* 1.2 MB of 24-bit stereo */
	struct wav_out_options o = default_options(WAV_LAYOUT_STEREO, WAV_PCM24,
	    frames);
	struct signal s;
	struct wav_out *w;
	struct diag d;
	SF_INFO info;
	SNDFILE *sf;
	int32_t *back;
	unsigned char *b;
	size_t n;
	long ds64, data;
	double worst = 0;

	signal_make(&s, 2, frames, false);
	o.rf64_threshold_bytes = 1 << 20;
	REQUIRE(write_file(path, &o, &s, 65536, &d) == 0);
	b = slurp(path, &n);
	REQUIRE(b != NULL && n > 100);
	CHECK(memcmp(b, "RF64", 4) == 0);
	CHECK_INT_EQ(le32(b + 4), 0xFFFFFFFF);
	CHECK(memcmp(b + 8, "WAVE", 4) == 0);
	ds64 = find_chunk(b, n, "ds64");
	CHECK_INT_EQ(ds64, 12);                     /* first chunk, as RF64 requires */
	REQUIRE(ds64 > 0);
	CHECK(le64(b + ds64 + 8) == n - 8);         /* RIFF size */
	CHECK(le64(b + ds64 + 16) == (uint64_t)frames * 6);  /* data size */
	CHECK(le64(b + ds64 + 24) == (uint64_t)frames);      /* sample count */
	data = find_chunk(b, n, "data");
	REQUIRE(data > 0);
	CHECK_INT_EQ(le32(b + data + 4), 0xFFFFFFFF);
	CHECK((size_t)data + 8 + (size_t)frames * 6 <= n);
	CHECK(find_chunk(b, n, "bext") > 0);
	free(b);

	memset(&info, 0, sizeof info);
	sf = sf_open(path, SFM_READ, &info);
	REQUIRE(sf != NULL);
	CHECK_INT_EQ(info.format, SF_FORMAT_RF64 | SF_FORMAT_PCM_24);
	CHECK_INT_EQ(info.frames, frames);
	back = malloc(sizeof(int32_t) * 2 * (size_t)frames);
	CHECK_INT_EQ(sf_readf_int(sf, back, frames), frames);
	sf_close(sf);
	for (int i = 0; i < frames; i++)
		for (int c = 0; c < 2; c++) {
			double e = fabs(back[i * 2 + c] / 256 -
			    (double)s.data[c][i] * 8388608.0);

			worst = e > worst ? e : worst;
		}
	CHECK(worst <= 1.5);
	free(back);

	/* Below the threshold it stays RIFF with true sizes. */
	s.frames = 1000;
	o.total_frames = 1000;
	REQUIRE(write_file(path, &o, &s, 0, &d) == 0);
	b = slurp(path, &n);
	REQUIRE(b != NULL);
	CHECK(memcmp(b, "RIFF", 4) == 0);
	CHECK(le32(b + 4) == n - 8);
	CHECK_INT_EQ(find_chunk(b, n, "ds64"), -1);
	data = find_chunk(b, n, "data");
	REQUIRE(data > 0);
	CHECK_INT_EQ(le32(b + data + 4), 6000);
	free(b);
	s.frames = frames;
	signal_free(&s);

	/* The default decision: a 2-hour 24-bit 5.1 master (6.2 GB) is RF64,
	 * an hour of stereo (1 GB) is not; the edge is the 32-bit RIFF size
	 * with WAV_OUT_HEADER_ROOM_BYTES to spare. */
	o = default_options(WAV_LAYOUT_5_1, WAV_PCM24, 2LL * 3600 * 48000);
	REQUIRE(wav_out_open(&w, path, &o, &d) == 0);
	CHECK(wav_out_is_rf64(w));
	wav_out_abort(w);
	o = default_options(WAV_LAYOUT_STEREO, WAV_PCM24, 3600LL * 48000);
	REQUIRE(wav_out_open(&w, path, &o, &d) == 0);
	CHECK(!wav_out_is_rf64(w));
	wav_out_abort(w);
	o.total_frames = (int64_t)((WAV_OUT_RIFF_LIMIT_BYTES -
	    WAV_OUT_HEADER_ROOM_BYTES) / 6);
	REQUIRE(wav_out_open(&w, path, &o, &d) == 0);
	CHECK(!wav_out_is_rf64(w));
	wav_out_abort(w);
	o.total_frames++;
	REQUIRE(wav_out_open(&w, path, &o, &d) == 0);
	CHECK(wav_out_is_rf64(w));
	wav_out_abort(w);
	o.total_frames = INT64_MAX;
	REQUIRE(wav_out_open(&w, path, &o, &d) == 0);
	CHECK(wav_out_is_rf64(w));
	wav_out_abort(w);
	CHECK_INT_EQ(count_temps("big.wav"), 0);
}

static void
test_empty_file(void)
{
	const char *path = test_path("empty.wav");
	struct wav_out_options o = default_options(WAV_LAYOUT_5_1, WAV_PCM24, 0);
	struct wav_out *w;
	struct diag d;
	SF_INFO info;
	SNDFILE *sf;

	REQUIRE(wav_out_open(&w, path, &o, &d) == 0);
	CHECK_INT_EQ(wav_out_write(w, NULL, 0, &d), 0);
	CHECK_INT_EQ(wav_out_frames(w), 0);
	REQUIRE(wav_out_finish(w, &d) == 0);
	memset(&info, 0, sizeof info);
	sf = sf_open(path, SFM_READ, &info);
	REQUIRE(sf != NULL);
	CHECK_INT_EQ(info.frames, 0);
	CHECK_INT_EQ(info.channels, 6);
	sf_close(sf);

	/* An odd number of audio bytes (5 mono 24-bit frames) in RIFF and RF64:
	 * the chunk padding passes finish's size checks. */
	for (int rf64 = 0; rf64 < 2; rf64++) {
		static const float x[5] = { 0.1f, -0.2f, 0.3f, -0.4f, 0.5f };
		const float *ptr[1] = { x };

		o = default_options(WAV_LAYOUT_MONO, WAV_PCM24, 5);
		o.rf64_threshold_bytes = rf64 ? 100 : 0;
		REQUIRE(wav_out_open(&w, path, &o, &d) == 0);
		CHECK(wav_out_is_rf64(w) == (rf64 != 0));
		REQUIRE(wav_out_write(w, ptr, 5, &d) == 0);
		CHECK_INT_EQ(wav_out_finish(w, &d), 0);
		memset(&info, 0, sizeof info);
		sf = sf_open(path, SFM_READ, &info);
		REQUIRE(sf != NULL);
		CHECK_INT_EQ(info.frames, 5);
		sf_close(sf);
	}
}

static void
test_bad_places(void)
{
	struct wav_out_options o = default_options(WAV_LAYOUT_STEREO, WAV_PCM24, 10);
	struct wav_out *w = (struct wav_out *)&o;     /* must be set to NULL */
	struct diag d;
	char path[2048];
	int rc;

	/* A folder that does not exist. */
	diag_clear(&d);
	rc = wav_out_open(&w, test_path("no-such-folder/x.wav"), &o, &d);
	CHECK_INT_EQ(rc, ERR_IO);
	CHECK(w == NULL);
	CHECK(strstr(d.message, "No such file or directory") != NULL);
	CHECK(strstr(d.message, "no-such-folder") != NULL);
	CHECK(!exists(test_path("no-such-folder")));

	/* A "folder" that is a file. */
	test_write_text(test_path("plain.txt"), "x");
	rc = wav_out_open(&w, test_path("plain.txt/x.wav"), &o, &d);
	CHECK_INT_EQ(rc, ERR_IO);
	CHECK(strstr(d.message, "Not a directory") != NULL);

	/* The target is a folder. */
	mkdir(test_path("adir.wav"), 0777);
	rc = wav_out_open(&w, test_path("adir.wav"), &o, &d);
	CHECK_INT_EQ(rc, ERR_IO);
	CHECK(strstr(d.message, "not a regular file") != NULL);
	CHECK_INT_EQ(count_temps("adir.wav"), 0);

	/* A read-only folder (root ignores the mode: then there is nothing to
	 * test). */
	snprintf(path, sizeof path, "%s", test_path("ro"));
	mkdir(path, 0777);
	chmod(path, 0555);
	{
		char probe[4096], target[4096];
		int fd;

		snprintf(probe, sizeof probe, "%s/probe", path);
		snprintf(target, sizeof target, "%s/x.wav", path);
		fd = open(probe, O_WRONLY | O_CREAT, 0666);
		if (fd >= 0) {
			close(fd);
			unlink(probe);
			printf("note: running with permission to write a read-only "
			    "folder; its check is skipped\n");
		} else {
			rc = wav_out_open(&w, target, &o, &d);
			CHECK_INT_EQ(rc, ERR_IO);
			CHECK(strstr(d.message, "Permission denied") != NULL);
			CHECK(!exists(target));
		}
	}
	chmod(path, 0777);

	/* Invalid options: nothing is created. */
	{
		const char *p = test_path("invalid.wav");
		struct wav_out_options bad;
		char longtext[300];

		memset(longtext, 'a', sizeof longtext - 1);
		longtext[sizeof longtext - 1] = '\0';
		bad = o;
		bad.layout = WAV_LAYOUT_COUNT;
		CHECK_INT_EQ(wav_out_open(&w, p, &bad, &d), ERR_INVALID);
		bad = o;
		bad.sample_rate_hz = 0;
		CHECK_INT_EQ(wav_out_open(&w, p, &bad, &d), ERR_INVALID);
		bad = o;
		bad.format = (enum wav_sample_format)7;
		CHECK_INT_EQ(wav_out_open(&w, p, &bad, &d), ERR_INVALID);
		bad = o;
		bad.total_frames = -1;
		CHECK_INT_EQ(wav_out_open(&w, p, &bad, &d), ERR_INVALID);
		bad = o;
		bad.bext_description = longtext;
		CHECK_INT_EQ(wav_out_open(&w, p, &bad, &d), ERR_INVALID);
		CHECK(strstr(d.message, "description") != NULL);
		longtext[256] = '\0';           /* exactly 256 bytes is allowed */
		REQUIRE(wav_out_open(&w, p, &bad, &d) == 0);
		wav_out_abort(w);
		bad = o;
		bad.bext_origination_date = "2024/5/1";
		CHECK_INT_EQ(wav_out_open(&w, p, &bad, &d), ERR_INVALID);
		bad = o;
		bad.bext_origination_time = "10:20";
		CHECK_INT_EQ(wav_out_open(&w, p, &bad, &d), ERR_INVALID);
		CHECK_INT_EQ(wav_out_open(&w, "", &o, &d), ERR_INVALID);
		CHECK_INT_EQ(wav_out_open(&w, p, NULL, &d), ERR_INVALID);
		CHECK(!exists(p));
		CHECK_INT_EQ(count_temps("invalid.wav"), 0);
	}
	CHECK_INT_EQ(wav_out_finish(NULL, &d), ERR_INVALID);
	wav_out_abort(NULL);
}

static void
test_abort_and_replace(void)
{
	const char *path = test_path("replace.wav");
	struct wav_out_options o = default_options(WAV_LAYOUT_STEREO, WAV_PCM24, 5000);
	struct signal s;
	const float *ptr[2];
	struct wav_out *w;
	struct diag d;
	char temp[4096];
	size_t n;
	unsigned char *b;

	signal_make(&s, 2, 5000, false);
	ptr[0] = s.data[0];
	ptr[1] = s.data[1];

	/* Abort with no file there: nothing at all is left. */
	unlink(path);
	REQUIRE(wav_out_open(&w, path, &o, &d) == 0);
	snprintf(temp, sizeof temp, "%s", wav_out_temp_path(w));
	CHECK(strncmp(temp, path, strlen(path)) == 0);
	CHECK(strncmp(temp + strlen(path), ".tmp-", 5) == 0);
	CHECK(exists(temp));
	CHECK(!exists(path));
	REQUIRE(wav_out_write(w, ptr, 5000, &d) == 0);
	CHECK_INT_EQ(wav_out_frames(w), 5000);
	wav_out_abort(w);
	CHECK(!exists(path));
	CHECK(!exists(temp));
	CHECK_INT_EQ(count_temps("replace.wav"), 0);

	/* An existing file survives an abort and is replaced by finish only. */
	test_write_text(path, "the previous master");
	chmod(path, 0640);
	REQUIRE(wav_out_open(&w, path, &o, &d) == 0);
	REQUIRE(wav_out_write(w, ptr, 5000, &d) == 0);
	wav_out_abort(w);
	b = slurp(path, &n);
	CHECK(b != NULL && n == 19 && memcmp(b, "the previous master", 19) == 0);
	free(b);
	REQUIRE(wav_out_open(&w, path, &o, &d) == 0);
	REQUIRE(wav_out_write(w, ptr, 5000, &d) == 0);
	b = slurp(path, &n);
	CHECK(b != NULL && n == 19);            /* still the old one before finish */
	free(b);
	REQUIRE(wav_out_finish(w, &d) == 0);
	b = slurp(path, &n);
	CHECK(b != NULL && n > 30000 && memcmp(b, "RIFF", 4) == 0);
	free(b);
	{
		struct stat st;

		CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640);
	}
	CHECK_INT_EQ(count_temps("replace.wav"), 0);

	/* A symbolic link at the target: the file it names is replaced. */
	{
		const char *link_path = test_path("link.wav");
		char real[4096];
		struct stat st;

		snprintf(real, sizeof real, "%s", test_path("real.wav"));
		unlink(link_path);
		test_write_text(real, "old");
		CHECK(symlink(real, link_path) == 0);
		REQUIRE(write_file(link_path, &o, &s, 0, &d) == 0);
		CHECK(lstat(link_path, &st) == 0 && S_ISLNK(st.st_mode));
		b = slurp(real, &n);
		CHECK(b != NULL && memcmp(b, "RIFF", 4) == 0);
		free(b);
	}
	signal_free(&s);
}

/*
 * 24-bit audio streams after the header with direct I/O where the file
 * system allows it, or through the page cache: the files must be the same
 * bytes, hold exactly the dithered samples, and carry the right sizes.
 * Cases: several of the data writer's 4 MiB blocks (7.1, RF64 and RIFF), an
 * odd-sized data chunk (mono, odd frame count: the pad byte), and calls of
 * awkward sizes.
 */
static void
test_direct_and_buffered(void)
{
	static const struct {
		enum wav_layout layout;
		int frames, block;
		uint64_t rf64_threshold;
	} cases[] = {
		{ WAV_LAYOUT_7_1, 400001, 4093, 0 },
		{ WAV_LAYOUT_7_1, 400001, 0, 1 << 20 },
		{ WAV_LAYOUT_MONO, 1234567, 65537, 0 },
		{ WAV_LAYOUT_STEREO, 7, 3, 0 },
	};

	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		int ch = wav_layout_channels(cases[k].layout);
		int frames = cases[k].frames;
		struct wav_out_options o = default_options(cases[k].layout, WAV_PCM24,
		    frames);
		uint64_t bytes = (uint64_t)frames * (uint64_t)ch * 3;
		char a[4096], b[4096];
		struct signal s;
		struct dither dth;
		struct diag d;
		unsigned char *fa, *want;
		size_t n;
		long data;
		bool rf64 = cases[k].rf64_threshold != 0;

		signal_make(&s, ch, frames, true);
		o.rf64_threshold_bytes = cases[k].rf64_threshold;
		snprintf(a, sizeof a, "%s", test_path("direct.wav"));
		snprintf(b, sizeof b, "%s", test_path("buffered.wav"));
		REQUIRE(write_file(a, &o, &s, cases[k].block, &d) == 0);
		o.buffered_io = true;
		REQUIRE(write_file(b, &o, &s, cases[k].block, &d) == 0);
		CHECK(same_file(a, b));

		fa = slurp(a, &n);
		REQUIRE(fa != NULL);
		data = find_chunk(fa, n, "data");
		REQUIRE(data > 0);
		/* the file ends with the audio and its pad byte */
		CHECK(n == (size_t)data + 8 + bytes + (bytes & 1));
		if (bytes & 1)
			CHECK_INT_EQ(fa[n - 1], 0);
		CHECK(memcmp(fa, rf64 ? "RF64" : "RIFF", 4) == 0);
		if (rf64) {
			long ds64 = find_chunk(fa, n, "ds64");

			REQUIRE(ds64 > 0);
			CHECK(le64(fa + ds64 + 8) == n - 8);
			CHECK(le64(fa + ds64 + 16) == bytes);
			CHECK(le64(fa + ds64 + 24) == (uint64_t)frames);
		} else {
			long fact = find_chunk(fa, n, "fact");

			CHECK(le32(fa + 4) == n - 8);
			CHECK(le32(fa + data + 4) == bytes);
			if (fact > 0)
				CHECK(le32(fa + fact + 8) == (uint32_t)frames);
		}
		/* the samples: each channel dithered with its own seed */
		want = malloc((size_t)bytes);
		REQUIRE(want != NULL);
		for (int c = 0; c < ch; c++) {
			int src = wav_layout_source_channel(cases[k].layout, c);

			dither_init(&dth, dither_seed_for_channel(o.dither_seed, c));
			dither_to_s24le(&dth, s.data[src], want + 3 * c, frames, 3 * ch);
		}
		CHECK(memcmp(fa + data + 8, want, (size_t)bytes) == 0);
		free(want);
		free(fa);
		signal_free(&s);
	}
	CHECK_INT_EQ(count_temps("direct.wav"), 0);
	CHECK_INT_EQ(count_temps("buffered.wav"), 0);
}

static void
test_disk_full(void)
{
	/* more than one of the data writer's blocks, so a write fails on
	 * the way and not only at the end */
	enum { FRAMES = 1000000 };
	const char *path = test_path("full.wav");
	struct wav_out_options o = default_options(WAV_LAYOUT_STEREO, WAV_PCM24,
	    FRAMES);
	struct signal s;
	const float *ptr[2];
	struct wav_out *w;
	struct rlimit old, small;
	struct diag d;
	size_t n;
	unsigned char *b;
	int rc;

	signal_make(&s, 2, FRAMES, false);
	ptr[0] = s.data[0];
	ptr[1] = s.data[1];
	test_write_text(path, "keep me");

	/* A file size limit stands in for a full disk: write(2) fails with
	 * EFBIG part way through, as it would with ENOSPC. */
	REQUIRE(getrlimit(RLIMIT_FSIZE, &old) == 0);
	signal(SIGXFSZ, SIG_IGN);
	small = old;
	small.rlim_cur = 256 * 1024;
	REQUIRE(setrlimit(RLIMIT_FSIZE, &small) == 0);

	rc = wav_out_open(&w, path, &o, &d);
	if (rc == 0) {
		rc = wav_out_write(w, ptr, FRAMES, &d);
		CHECK_INT_EQ(rc, ERR_IO);
		CHECK(strstr(d.message, "disk full?") != NULL);
		CHECK_INT_EQ(count_temps("full.wav"), 0);     /* removed at once */
		diag_clear(&d);
		CHECK_INT_EQ(wav_out_write(w, ptr, 10, &d), ERR_IO);
		CHECK(strstr(d.message, "disk full?") != NULL);
		diag_clear(&d);
		CHECK_INT_EQ(wav_out_finish(w, &d), ERR_IO);
		CHECK(strstr(d.message, "disk full?") != NULL);
	}
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, SIG_DFL);
	CHECK_INT_EQ(rc, ERR_IO);
	b = slurp(path, &n);
	CHECK(b != NULL && n == 7 && memcmp(b, "keep me", 7) == 0);
	free(b);
	CHECK_INT_EQ(count_temps("full.wav"), 0);

	/* Abort after a failed write is fine too. */
	REQUIRE(setrlimit(RLIMIT_FSIZE, &small) == 0);
	signal(SIGXFSZ, SIG_IGN);
	rc = wav_out_open(&w, path, &o, &d);
	if (rc == 0) {
		CHECK_INT_EQ(wav_out_write(w, ptr, FRAMES, &d), ERR_IO);
		wav_out_abort(w);
	}
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, SIG_DFL);
	CHECK_INT_EQ(count_temps("full.wav"), 0);
	signal_free(&s);
}

/* Files straight from libsndfile, to show what repair fixes. */
static void
raw_sndfile(const char *path, int format, int channels)
{
	SF_INFO info;
	SNDFILE *sf;
	float frame[MAXCH * 16] = { 0 };

	memset(&info, 0, sizeof info);
	info.channels = channels;
	info.samplerate = 48000;
	info.format = format;
	sf = sf_open(path, SFM_WRITE, &info);
	if (sf == NULL)
		return;
	sf_writef_float(sf, frame, 16);
	sf_close(sf);
}

/* WAVE_FORMAT_EXTENSIBLE's dwChannelMask (fmt offset 20); 0xDEAD without
 * a fmt chunk. */
static uint32_t
file_mask(const char *path)
{
	return (uint32_t)chunk_field(path, "fmt ", 20, 4, 0xDEAD);
}

static void
test_repair_header(void)
{
	const char *path = test_path("raw.wav");
	struct diag d;
	SF_INFO info;
	SNDFILE *sf;
	int map[MAXCH];
	size_t n;
	unsigned char *b;
	long peak;

	/* libsndfile's own 8-channel mask is 0xFF (FLC/FRC, not sides). */
	raw_sndfile(path, SF_FORMAT_WAVEX | SF_FORMAT_PCM_24, 8);
	CHECK_INT_EQ(file_mask(path), 0xFF);
	CHECK_INT_EQ(wav_out_repair_header(path, WAV_LAYOUT_7_1, &d), 0);
	CHECK_INT_EQ(file_mask(path), 0x63F);
	memset(&info, 0, sizeof info);
	sf = sf_open(path, SFM_READ, &info);
	REQUIRE(sf != NULL);
	CHECK_INT_EQ(info.frames, 16);
	CHECK(sf_command(sf, SFC_GET_CHANNEL_MAP_INFO, map, (int)sizeof(int) * 8));
	CHECK_INT_EQ(map[6], SF_CHANNEL_MAP_SIDE_LEFT);
	CHECK_INT_EQ(map[7], SF_CHANNEL_MAP_SIDE_RIGHT);
	sf_close(sf);

	/* ... and for 10 channels none at all. */
	raw_sndfile(path, SF_FORMAT_WAVEX | SF_FORMAT_PCM_24, 10);
	CHECK_INT_EQ(file_mask(path), 0);
	CHECK_INT_EQ(wav_out_repair_header(path, WAV_LAYOUT_7_1_2, &d), 0);
	CHECK_INT_EQ(file_mask(path), 0x563F);

	/* RF64 float: a PEAK chunk stamped with the time; repair zeroes it. */
	raw_sndfile(path, SF_FORMAT_RF64 | SF_FORMAT_FLOAT, 2);
	b = slurp(path, &n);
	REQUIRE(b != NULL);
	peak = find_chunk(b, n, "PEAK");
	free(b);
	if (peak > 0) {
		CHECK_INT_EQ(wav_out_repair_header(path, WAV_LAYOUT_STEREO, &d), 0);
		b = slurp(path, &n);
		REQUIRE(b != NULL);
		CHECK_INT_EQ(le32(b + peak + 12), 0);
		free(b);
	}

	/* Refusals. */
	raw_sndfile(path, SF_FORMAT_WAVEX | SF_FORMAT_PCM_24, 6);
	CHECK_INT_EQ(wav_out_repair_header(path, WAV_LAYOUT_7_1, &d), ERR_PARSE);
	CHECK_INT_EQ(file_mask(path), 0x3F);
	test_write_text(path, "not a wave file at all");
	CHECK_INT_EQ(wav_out_repair_header(path, WAV_LAYOUT_STEREO, &d), ERR_PARSE);
	CHECK_INT_EQ(wav_out_repair_header(test_path("missing.wav"),
	    WAV_LAYOUT_STEREO, &d), ERR_NOTFOUND);
}

int
main(void)
{
	test_float_null();
	test_pcm24();
	test_deterministic();
	test_channel_masks();
	test_bext();
	test_rf64();
	test_empty_file();
	test_bad_places();
	test_abort_and_replace();
	test_direct_and_buffered();
	test_disk_full();
	test_repair_header();
	return test_report();
}
