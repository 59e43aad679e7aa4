/*
 * make_session - builds the bounce benchmark's session and media.
 *
 *   make_session DIR [TRACKS] [SECONDS]      (defaults: 64 tracks, 600 s)
 *
 * DIR/media/src_NN.wav: one mono 24-bit 48 kHz source per track, as long
 * as the session (deterministic noise shaped into phrases, so the files do
 * not compress into nothing and clips have something to fade).
 * DIR/bench.dubstage: TRACKS mono tracks; each track plays its source as a
 * run of clips (20-40 s with 0.5-2 s gaps, fades of every shape), has
 * volume automation (a breakpoint every ~4 s) and pan automation (every
 * ~6 s, sweeping the room), outputs to one of three 7.1 stem buses (DIA,
 * MUS, FX, round-robin) and sends post-fader at -12 dB to the next one; the
 * stems feed a 7.1 master. Not a test: a load generator (bench/bounce/run.sh).
 */
#include "session/session.h"
#include "session/session_xml.h"

#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define RATE 48000

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static double
uniform(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

static int
write_source(const char *path, int64_t frames, int seed)
{
	SF_INFO info = { .samplerate = RATE, .channels = 1,
	    .format = SF_FORMAT_WAV | SF_FORMAT_PCM_24 };
	SNDFILE *f = sf_open(path, SFM_WRITE, &info);
	static float buf[65536];
	double lp = 0, env = 0;

	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", path, sf_strerror(NULL));
		return -1;
	}
	rng ^= (uint64_t)seed * 0x2545F4914F6CDD1Dull;
	for (int64_t i = 0; i < frames; ) {
		int n = frames - i < 65536 ? (int)(frames - i) : 65536;

		for (int k = 0; k < n; k++) {
			/* phrases: an envelope that swells every ~1.3 s */
			double ph = (double)((i + k) % 62400) / 62400.0;

			env = ph < 0.8 ? 0.25 : 0.02;
			lp += 0.2 * ((uniform() * 2 - 1) - lp);
			buf[k] = (float)(lp * env);
		}
		if (sf_writef_float(f, buf, n) != n) {
			fprintf(stderr, "%s: write failed (disk full?)\n", path);
			sf_close(f);
			return -1;
		}
		i += n;
	}
	sf_close(f);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *dir;
	int tracks = argc > 2 ? atoi(argv[2]) : 64;
	double seconds = argc > 3 ? atof(argv[3]) : 600.0;
	int64_t frames;
	struct tc_rate tc;
	struct session *s;
	struct diag d;
	struct id stems[3];
	const char *stem_names[3] = { "DIA", "MUS", "FX" };
	char path[4096];

	if (argc < 2 || tracks < 1 || tracks > 4096 || !(seconds > 10)) {
		fprintf(stderr, "usage: make_session DIR [TRACKS] [SECONDS>10]\n");
		return 2;
	}
	dir = argv[1];
	frames = (int64_t)(seconds * RATE);
	snprintf(path, sizeof path, "%s/media", dir);
	mkdir(dir, 0777);
	mkdir(path, 0777);
	timecode_rate_parse("24", false, &tc);
	s = session_create(RATE, &tc);
	s->name = strdup("bounce benchmark");
	s->master.format = CHAN_7_1;
	s->timecode.start_frames = 172800000;
	for (int b = 0; b < 3; b++) {
		struct bus *bus = session_add_bus(s, (struct id){ ID_BUS, 0 }, NULL);

		bus->kind = BUS_STEM;
		bus->strip.format = CHAN_7_1;
		bus->strip.name = strdup(stem_names[b]);
		stems[b] = bus->id;
	}
	for (int t = 0; t < tracks; t++) {
		struct source *src;
		struct track *tr;
		struct auto_lane *lanes;
		int64_t pos = 0;
		char name[64];

		snprintf(name, sizeof name, "media/src_%02d.wav", t);
		snprintf(path, sizeof path, "%s/%s", dir, name);
		if (write_source(path, frames, t + 1) != 0)
			return 1;
		src = session_add_source(s, (struct id){ ID_SOURCE, 0 }, NULL);
		src->path = strdup(name);
		src->channels = 1;
		src->sample_rate_hz = RATE;
		src->length_frames = frames;
		src->format = strdup("wav");

		tr = session_add_track(s, (struct id){ ID_TRACK, 0 }, NULL);
		snprintf(name, sizeof name, "track %d", t + 1);
		tr->strip.name = strdup(name);
		tr->strip.format = CHAN_MONO;
		tr->strip.output = stems[t % 3];
		tr->strip.sends = calloc(1, sizeof *tr->strip.sends);
		tr->strip.send_count = 1;
		tr->strip.sends[0] = (struct send){ .bus = stems[(t + 1) % 3],
		    .level_db = -12 };
		pos = (int64_t)(uniform() * 2 * RATE);
		while (pos < frames - RATE) {
			int64_t len = (int64_t)((20 + 20 * uniform()) * RATE);
			struct id srcid = src->id;
			struct clip *c;

			if (pos + len > frames)
				len = frames - pos;
			c = session_add_clip(s, tr, (struct id){ ID_CLIP, 0 }, NULL);
			c->source = srcid;
			c->position_frames = s->timecode.start_frames + pos;
			c->length_frames = len;
			c->source_offset_frames = pos;
			c->fade_in = (struct fade){ RATE / 10 + (int64_t)(uniform() * RATE),
			    (enum fade_shape)(t % FADE_SHAPE_COUNT) };
			c->fade_out = (struct fade){ RATE / 5 + (int64_t)(uniform() * RATE),
			    (enum fade_shape)((t + 2) % FADE_SHAPE_COUNT) };
			c->gain_db = -3 + 6 * uniform();
			pos += len + (int64_t)((0.5 + 1.5 * uniform()) * RATE);
			src = &s->sources[s->source_count - 1];
		}
		lanes = calloc(2, sizeof *lanes);
		lanes[0].param = AUTO_VOLUME;
		lanes[1].param = AUTO_PAN;
		lanes[0].target = lanes[1].target = (struct id){ ID_BUS, 0 };
		for (int l = 0; l < 2; l++) {
			double step = l == 0 ? 4.0 : 6.0;
			size_t n = (size_t)(seconds / step) + 1;

			lanes[l].points = calloc(n, sizeof *lanes[l].points);
			for (size_t k = 0; k < n; k++) {
				lanes[l].points[k].frame = s->timecode.start_frames +
				    (int64_t)(k * step * RATE);
				lanes[l].points[k].value = l == 0 ? -10 * uniform() :
				    2 * uniform() - 1;
				lanes[l].points[k].interp = INTERP_LINEAR;
			}
			lanes[l].count = lanes[l].cap = n;
		}
		tr->strip.lanes = lanes;
		tr->strip.lane_count = 2;
	}
	snprintf(path, sizeof path, "%s/bench.dubstage", dir);
	if (session_xml_save(s, path, &d) != 0) {
		fprintf(stderr, "%s: %s\n", path, d.message);
		return 1;
	}
	printf("%s: %d tracks, %.0f s, 3 stems, 7.1 master\n", path, tracks, seconds);
	session_destroy(s);
	return 0;
}
