/*
 * The media streamer on its own, with real files: loop playback (a voice
 * wraps from loop_end to loop_start seamlessly, clip boundaries and gaps
 * inside the loop, a resampled source restarting at each wrap), underruns
 * under a slow disk (read_delay_us) counted and paid off so the voice stays
 * on the timeline, locates clearing the debt, and the loop arguments'
 * checks.
 */
#include "test.h"
#include "engine/render.h"

#include <time.h>

#define RATE 48000

static float
noise(int64_t i, int c)
{
	return hash_noise(i, c, 4242u);
}

static float
sine44k(int64_t i, int c)
{
	return 0.5f * (float)sin(2.0 * M_PI * (440.0 + 100.0 * c) *
	    (double)i / 44100.0);
}

static const char *stereo_wav, *sine_wav, *long_wav;

static void
sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };

	nanosleep(&ts, NULL);
}

/* A streamer with one voice of `channels` channels over clips (their
 * inputs all read `path`, channel c from the file's channel c). */
static struct streamer *
make_streamer(int ring_frames, int read_delay_us, struct stream_clip *clips,
    size_t n, int channels, const char *path, int rate,
    struct stream_voice **v)
{
	struct stream_config cfg = {
		.sample_rate_hz = RATE,
		.ring_seconds = (double)ring_frames / RATE,
		.quality = STREAM_QUALITY_MEDIUM,
		.read_delay_us = read_delay_us,
	};
	struct streamer *st;

	if (streamer_create(&cfg, &st) != 0)
		return NULL;
	for (size_t k = 0; k < n; k++)
		for (int c = 0; c < channels; c++)
			clips[k].inputs[c] = (struct stream_input){ path, c, rate };
	if (streamer_add_voice(st, channels, clips, n, v) != 0) {
		streamer_destroy(st);
		return NULL;
	}
	return st;
}

/* ---- loops -------------------------------------------------------------- */

/* The timeline of the loop test's voice: A [1000, 5000) from source 300,
 * a gap, B [6000, 20000) from source 50000. */
static float
loop_timeline(int64_t t, int c)
{
	if (t >= 1000 && t < 5000)
		return noise(300 + t - 1000, c);
	if (t >= 6000 && t < 20000)
		return noise(50000 + t - 6000, c);
	return 0.0f;
}

static void
test_loop(void)
{
	struct stream_clip clips[2] = {
		{ .start_frames = 1000, .end_frames = 5000,
		  .source_offset_frames = 300 },
		{ .start_frames = 6000, .end_frames = 20000,
		  .source_offset_frames = 50000 },
	};
	struct stream_voice *v;
	struct streamer *st = make_streamer(16384, 0, clips, 2, 2, stereo_wav,
	    RATE, &v);
	float *buf[2] = { malloc(777 * sizeof(float)),
	    malloc(777 * sizeof(float)) };
	int64_t ls = 3000, le = 9000, t = 4000, done = 0;
	int bad = 0, wraps = 0;

	REQUIRE(st != NULL);
	REQUIRE(streamer_start_loop(st, t, ls, le) == 0);
	CHECK_INT_EQ(streamer_start_loop(st, t, ls, le), ERR_INVALID);
	/* the ring (16384) holds more than two passes of the loop (6000) */
	while (done < 8 * (le - ls)) {
		int n = le - t < 777 ? (int)(le - t) : 777;

		streamer_consumer_sync(st);
		REQUIRE(streamer_wait_available(st, n) == 0);
		CHECK_INT_EQ(stream_voice_read(v, buf, n), n);
		for (int c = 0; c < 2; c++)
			for (int i = 0; i < n; i++)
				bad += buf[c][i] != loop_timeline(t + i, c);
		t += n;
		done += n;
		if (t == le) {
			t = ls;
			wraps++;
		}
	}
	CHECK_INT_EQ(bad, 0);
	CHECK(wraps >= 7);
	CHECK_INT_EQ(streamer_underruns(st), 0);

	/* a locate with a new loop, from a position past its end: clamped to
	 * the loop start */
	streamer_locate_loop(st, 30000, 5500, 7000);
	streamer_consumer_sync(st);
	REQUIRE(streamer_wait_available(st, 700) == 0);
	t = 5500;
	for (done = 0; done < 5 * 1500; done += 500) {
		REQUIRE(streamer_wait_available(st, 500) == 0);
		CHECK_INT_EQ(stream_voice_read(v, buf, 500), 500);
		for (int c = 0; c < 2; c++)
			for (int i = 0; i < 500; i++)
				bad += buf[c][i] != loop_timeline(t + i, c);
		t += 500;
		if (t == 7000)
			t = 5500;
	}
	CHECK_INT_EQ(bad, 0);

	/* and back to no loop: streams on past the old loop end */
	streamer_locate_loop(st, 6500, 7000, 7000);
	streamer_consumer_sync(st);
	t = 6500;
	for (done = 0; done < 4000; done += 500) {
		REQUIRE(streamer_wait_available(st, 500) == 0);
		CHECK_INT_EQ(stream_voice_read(v, buf, 500), 500);
		for (int c = 0; c < 2; c++)
			for (int i = 0; i < 500; i++)
				bad += buf[c][i] != loop_timeline(t + i, c);
		t += 500;
	}
	CHECK_INT_EQ(bad, 0);
	streamer_destroy(st);

	/* a start position at or past the loop end is refused */
	st = make_streamer(16384, 0, clips, 2, 2, stereo_wav, RATE, &v);
	REQUIRE(st != NULL);
	CHECK_INT_EQ(streamer_start_loop(st, 9000, 3000, 9000), ERR_INVALID);
	CHECK_INT_EQ(streamer_start_loop(st, 2000, 3000, 9000), 0); /* pre-roll */
	streamer_destroy(st);
	free(buf[0]);
	free(buf[1]);
}

/* Reads `frames` frames of a fresh, unlooped streamer from position on. */
static void
read_fresh(struct stream_clip *clip, int64_t position, int frames, float **out)
{
	struct stream_voice *v;
	struct streamer *st = make_streamer(16384, 0, clip, 1, 2, sine_wav,
	    44100, &v);

	REQUIRE(st != NULL);
	REQUIRE(streamer_start(st, position) == 0);
	for (int done = 0; done < frames; done += 1000) {
		int n = frames - done < 1000 ? frames - done : 1000;
		float *o[2] = { out[0] + done, out[1] + done };

		REQUIRE(streamer_wait_available(st, n) == 0);
		CHECK_INT_EQ(stream_voice_read(v, o, n), n);
	}
	streamer_destroy(st);
}

/* A 44.1 kHz source in a 48 kHz session: every pass of the loop is what a
 * fresh streamer located at the loop start gives (the resampler restarts
 * at the wrap). */
static void
test_loop_resampled(void)
{
	struct stream_clip clip = { .start_frames = 0, .end_frames = 40000,
	    .source_offset_frames = 0 };
	int64_t ls = 10000, le = 17000, t = 12000;
	float **first = alloc_planes(2, 5000), **pass = alloc_planes(2, 7000);
	float **got = alloc_planes(2, 7000);
	struct stream_voice *v;
	struct streamer *st;
	double e = 0;

	read_fresh(&clip, 12000, 5000, first);
	read_fresh(&clip, ls, 7000, pass);
	st = make_streamer(16384, 0, &clip, 1, 2, sine_wav, 44100, &v);
	REQUIRE(st != NULL);
	REQUIRE(streamer_start_loop(st, t, ls, le) == 0);
	for (int k = 0; k < 6; k++) {
		int len = k == 0 ? 5000 : 7000;
		float **want = k == 0 ? first : pass;

		for (int done = 0; done < len; ) {
			int n = len - done < 613 ? len - done : 613;
			float *o[2] = { got[0] + done, got[1] + done };

			REQUIRE(streamer_wait_available(st, n) == 0);
			CHECK_INT_EQ(stream_voice_read(v, o, n), n);
			done += n;
		}
		for (int c = 0; c < 2; c++)
			for (int i = 0; i < len; i++)
				if (fabs(got[c][i] - want[c][i]) > e)
					e = fabs(got[c][i] - want[c][i]);
	}
	CHECK(e < 1e-6);
	/* and it is the sine, not silence */
	CHECK(fabs(got[0][100]) + fabs(got[0][200]) + fabs(got[0][300]) > 0.1);
	streamer_destroy(st);
	free_planes(first, 2);
	free_planes(pass, 2);
	free_planes(got, 2);
}

/* ---- underruns ---------------------------------------------------------- */

static float
long_timeline(int64_t t, int c)
{
	return t < 2000000 ? noise(t, c) : 0.0f;
}

/*
 * A slow disk (each 8192-frame read takes 20 ms: about 8 times real time)
 * and a consumer that first reads much faster than that, then at about 3
 * times real time: it underruns, owes what it missed, and once the
 * streamer has caught up it reads the timeline frames due at its position
 * again. Whatever a read returns as available is always the right frames.
 */
static void
test_underruns(void)
{
	struct stream_clip clip = { .start_frames = 0, .end_frames = 2000000,
	    .source_offset_frames = 0 };
	struct stream_voice *v;
	struct streamer *st = make_streamer(16384, 20000, &clip, 1, 1, long_wav,
	    RATE, &v);
	float *buf[1] = { malloc(4096 * sizeof(float)) };
	int64_t t = 0, missed = 0;
	uint64_t reads_short = 0;
	int bad = 0, full_run = 0, i;

	REQUIRE(st != NULL);
	REQUIRE(streamer_start(st, 0) == 0);
	/* the control thread waits for the prefill (as a driver does for a
	 * new plan's streamer) */
	for (i = 0; i < 5000 && !streamer_ready(st); i++)
		sleep_us(1000);
	REQUIRE(streamer_ready(st));

	/* a burst far faster than the disk */
	for (i = 0; i < 40; i++) {
		int got;

		streamer_consumer_sync(st);
		got = stream_voice_read(v, buf, 4096);
		for (int k = 0; k < got; k++)
			bad += buf[0][k] != long_timeline(t + k, 0);
		for (int k = got; k < 4096; k++)
			bad += buf[0][k] != 0.0f;
		missed += 4096 - got;
		reads_short += got < 4096;
		t += 4096;
	}
	CHECK(reads_short > 10);
	CHECK_INT_EQ(streamer_underruns(st), reads_short);
	CHECK_INT_EQ(streamer_underrun_frames(st), missed);

	/* then slower than the disk until it has caught up: 20 full reads
	 * in a row (at most about 10 s) */
	for (i = 0; i < 400 && full_run < 20; i++) {
		int got;

		sleep_us(25000);
		streamer_consumer_sync(st);
		got = stream_voice_read(v, buf, 4096);
		for (int k = 0; k < got; k++)
			bad += buf[0][k] != long_timeline(t + k, 0);
		missed += 4096 - got;
		reads_short += got < 4096;
		full_run = got == 4096 ? full_run + 1 : 0;
		t += 4096;
	}
	CHECK_INT_EQ(full_run, 20);
	CHECK_INT_EQ(bad, 0);
	CHECK(t > 16384 * 4);   /* well past anything the prefill held */
	CHECK_INT_EQ(streamer_underruns(st), reads_short);
	CHECK_INT_EQ(streamer_underrun_frames(st), missed);
	CHECK_INT_EQ(streamer_error(st, NULL), 0);

	/* owe frames again, then locate: the debt is forgotten, the new
	 * stream starts on the spot */
	while (stream_voice_read(v, buf, 4096) == 4096)
		t += 4096;
	streamer_locate(st, 1000000);
	CHECK(!streamer_ready(st));
	streamer_consumer_sync(st);
	for (i = 0; i < 5000 && !streamer_ready(st); i++)
		sleep_us(1000);
	REQUIRE(streamer_ready(st));
	CHECK_INT_EQ(stream_voice_read(v, buf, 4096), 4096);
	for (int k = 0; k < 4096; k++)
		bad += buf[0][k] != long_timeline(1000000 + k, 0);
	CHECK_INT_EQ(bad, 0);
	streamer_destroy(st);
	free(buf[0]);
}

/* ---- source encodings ---------------------------------------------------- */

/* Noise with full-scale extremes, for the encoding test. */
static float
edgy(int64_t i, int c)
{
	if (i % 1000 == 7)
		return c == 1 ? 1.0f : -1.0f;
	if (i % 1000 == 8)
		return c == 1 ? -1.0f : 0.99999994f;
	return noise(i, c) * 1.9f;
}

/* Writes frames of edgy() with the given libsndfile format. */
static void
write_encoded(const char *path, int format, int channels, int64_t frames)
{
	SF_INFO info = { .samplerate = RATE, .channels = channels,
	    .format = format };
	SNDFILE *f = sf_open(path, SFM_WRITE, &info);
	float buf[1000 * 3];

	REQUIRE(f != NULL);
	for (int64_t i = 0; i < frames; i += 1000) {
		for (int k = 0; k < 1000; k++)
			for (int c = 0; c < channels; c++)
				buf[k * channels + c] = edgy(i + k, c);
		sf_writef_float(f, buf, 1000);
	}
	sf_close(f);
}

/* Writes frames of edgy() with the given format and reads them back with
 * libsndfile into want (frames * channels interleaved). */
static void
encode_and_read_back(const char *path, int format, int channels, int frames,
    float *want)
{
	SF_INFO info = { 0 };
	SNDFILE *f;

	write_encoded(path, format, channels, frames);
	f = sf_open(path, SFM_READ, &info);
	REQUIRE(f != NULL);
	CHECK_INT_EQ(sf_readf_float(f, want, frames), frames);
	sf_close(f);
}

/* Plays clip (channels wide, from timeline frame 0) through a streamer of
 * its own into got[c][0 .. len), in reads of `step` frames. */
static void
stream_clip_through(const struct stream_clip *clip, int channels, int len,
    int step, float *const *got)
{
	struct stream_config cfg = { .sample_rate_hz = RATE,
	    .ring_seconds = 1.0, .quality = STREAM_QUALITY_MEDIUM };
	struct stream_voice *v;
	struct streamer *st;

	REQUIRE(streamer_create(&cfg, &st) == 0);
	REQUIRE(streamer_add_voice(st, channels, clip, 1, &v) == 0);
	REQUIRE(streamer_start(st, 0) == 0);
	for (int t = 0; t < len;) {
		int n = len - t < step ? len - t : step;
		float *part[STREAM_MAX_CHANNELS];

		for (int c = 0; c < channels; c++)
			part[c] = got[c] + t;
		streamer_consumer_sync(st);
		REQUIRE(streamer_wait_available(st, n) == 0);
		CHECK_INT_EQ(stream_voice_read(v, part, n), n);
		t += n;
	}
	streamer_destroy(st);
}

/*
 * Every source encoding gives through the streamer exactly what libsndfile
 * reads from the file: the little-endian PCM and float WAV kinds, which the
 * streamer decodes itself (pcm_decode), and the ones libsndfile decodes
 * (big-endian AIFF, FLAC). The voice picks file channels 2 and 0 of three,
 * from a source offset, across several of the streamer's reads. Then a mono
 * 24-bit file into a mono voice: the contiguous (vector) path, with reads
 * that do not end on a multiple of four samples.
 */
static void
test_source_encodings(void)
{
	static const struct {
		int format;
		const char *name;
	} kinds[] = {
		{ SF_FORMAT_WAV | SF_FORMAT_PCM_16, "pcm16.wav" },
		{ SF_FORMAT_WAV | SF_FORMAT_PCM_24, "pcm24.wav" },
		{ SF_FORMAT_WAV | SF_FORMAT_PCM_32, "pcm32.wav" },
		{ SF_FORMAT_WAV | SF_FORMAT_FLOAT, "float.wav" },
		{ SF_FORMAT_WAVEX | SF_FORMAT_PCM_24, "pcm24x.wav" },
		{ SF_FORMAT_RF64 | SF_FORMAT_PCM_24, "pcm24.rf64" },
		{ SF_FORMAT_W64 | SF_FORMAT_PCM_16, "pcm16.w64" },
		{ SF_FORMAT_AIFF | SF_FORMAT_PCM_24, "pcm24.aiff" },
		{ SF_FORMAT_FLAC | SF_FORMAT_PCM_24, "pcm24.flac" },
	};
	enum { FRAMES = 40000, OFFSET = 1234, LEN = 30000 };
	float *want = malloc(sizeof(float) * FRAMES * 3);
	float *got[2] = { malloc(sizeof(float) * LEN),
	    malloc(sizeof(float) * LEN) };
	int bad = 0;

	REQUIRE(want != NULL && got[0] != NULL && got[1] != NULL);
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		const char *path = test_path(kinds[k].name);
		struct stream_clip clip = { .start_frames = 0, .end_frames = LEN,
		    .source_offset_frames = OFFSET };
		int quiet = 0;

		bad = 0;
		encode_and_read_back(path, kinds[k].format, 3, FRAMES, want);
		clip.inputs[0] = (struct stream_input){ path, 2, RATE };
		clip.inputs[1] = (struct stream_input){ path, 0, RATE };
		stream_clip_through(&clip, 2, LEN, 1000, got);
		for (int i = 0; i < LEN; i++) {
			bad += memcmp(&got[0][i], &want[(OFFSET + i) * 3 + 2],
			    sizeof(float)) != 0;
			bad += memcmp(&got[1][i], &want[(OFFSET + i) * 3 + 0],
			    sizeof(float)) != 0;
			quiet += got[0][i] == 0.0f;
		}
		if (bad != 0 || quiet > LEN / 100)
			fprintf(stderr, "%s: %d samples differ, %d zeros\n",
			    kinds[k].name, bad, quiet);
		CHECK_INT_EQ(bad, 0);
		CHECK(quiet < LEN / 100);       /* it did read something */
	}

	{
		const char *path = test_path("mono24.wav");
		struct stream_clip clip = { .start_frames = 0, .end_frames = LEN - 1,
		    .source_offset_frames = OFFSET + 1 };

		bad = 0;
		encode_and_read_back(path, SF_FORMAT_WAV | SF_FORMAT_PCM_24, 1,
		    FRAMES, want);
		clip.inputs[0] = (struct stream_input){ path, 0, RATE };
		stream_clip_through(&clip, 1, LEN - 1, 997, got);
		for (int i = 0; i < LEN - 1; i++)
			bad += memcmp(&got[0][i], &want[OFFSET + 1 + i],
			    sizeof(float)) != 0;
		CHECK_INT_EQ(bad, 0);
	}
	free(want);
	free(got[0]);
	free(got[1]);
}

int
main(void)
{
	stereo_wav = strdup(test_path("streamer_stereo.wav"));
	sine_wav = strdup(test_path("streamer_sine44k.wav"));
	long_wav = strdup(test_path("streamer_long.wav"));
	write_wav(stereo_wav, 2, RATE, 100000, noise);
	write_wav(sine_wav, 2, 44100, 44100, sine44k);
	write_wav(long_wav, 1, RATE, 2000000, noise);
	test_loop();
	test_loop_resampled();
	test_underruns();
	test_source_encodings();
	return test_report();
}
