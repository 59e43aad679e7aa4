/*
 * make_session - builds the engine-load benchmark's session and media.
 *
 *   make_session DIR TRACKS [SECONDS]      (default 64 s; at least 60)
 *
 * DIR/media/NAME.wav: six distinct mono 24-bit 48 kHz files of MEDIA_SECONDS,
 * written once (kept when already there) and shared by every track and
 * every session in DIR, so the streamer reads a few tens of megabytes from
 * the page cache, not one file per track: three
 * speech-like voices (a glottal pulse train with gliding pitch through
 * moving formant resonators, syllables, phrases and pauses, fricative
 * noise), a room-tone ambience, a chord pad and Foley-like bursts.
 * DIR/engine-load-TRACKS.dubstage: TRACKS mono tracks, 48 kHz, a 7.1
 * master. Each track plays back-to-back clips (12-30 s, from the shared files at random
 * offsets, short fades) covering the whole SECONDS; has an `eq` insert with
 * four bell bands (frequencies, gains and Qs differ per track), a
 * `dynamics` compressor (threshold -20 dB, ratio 3, knee 6 dB, attack 5 ms,
 * release 80 ms; peak detector on even tracks, RMS on odd ones), volume
 * automation (a breakpoint every ~8 s), pan automation (left/right every
 * ~4 s and front/back every ~6 s, across the front and surround field) and
 * outputs to the master. Deterministic (fixed seeds). Not a test: a load
 * generator for bench/engine-load/run.sh.
 */
#include "session/session.h"
#include "session/session_xml.h"

#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define RATE 48000
#define MEDIA_SECONDS 90
#define MEDIA_COUNT 6

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static double
uniform(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

static double
between(double lo, double hi)
{
	return lo + (hi - lo) * uniform();
}

/* A two-pole resonator at f Hz with bandwidth bw Hz (unity-ish gain). */
struct reso {
	double y1, y2;
};

static double
reso_run(struct reso *r, double x, double f, double bw)
{
	double rad = exp(-M_PI * bw / RATE), y;

	y = (1.0 - rad) * x + 2.0 * rad * cos(2.0 * M_PI * f / RATE) * r->y1 -
	    rad * rad * r->y2;
	r->y2 = r->y1;
	r->y1 = y;
	return y;
}

/* Vowel formants (F1, F2, F3) in Hz for a speech-like source. */
static const double vowels[][3] = {
	{ 730, 1090, 2440 }, { 270, 2290, 3010 }, { 530, 1840, 2480 },
	{ 570, 840, 2410 }, { 300, 870, 2240 }, { 660, 1720, 2410 },
	{ 440, 1020, 2240 },
};

/* A speech-like voice: f0 around f0_hz, phrases of syllables. */
static void
gen_speech(float *out, int64_t frames, double f0_hz, double scale)
{
	struct reso r[3] = { { 0 } };
	struct reso fric = { 0 };
	double phase = 0, f0 = f0_hz, f0_target = f0_hz, cur[3], tgt[3];
	int64_t syl_left = 0, syl_len = 1, phrase_left = (int64_t)(2.5 * RATE);
	bool pause = false, fricative = false;

	memcpy(cur, vowels[0], sizeof cur);
	memcpy(tgt, vowels[0], sizeof tgt);
	for (int64_t i = 0; i < frames; i++) {
		double glottal, env, x, y;

		if (--phrase_left <= 0) {
			pause = !pause;
			phrase_left = (int64_t)((pause ? between(0.25, 0.9) :
			    between(1.2, 3.5)) * RATE);
		}
		if (--syl_left <= 0) {
			int v = (int)(uniform() * 7);

			syl_len = syl_left = (int64_t)(between(0.12, 0.3) * RATE);
			memcpy(tgt, vowels[v], sizeof tgt);
			f0_target = f0_hz * between(0.8, 1.3);
			fricative = uniform() < 0.3;
		}
		for (int k = 0; k < 3; k++)
			cur[k] += (tgt[k] - cur[k]) * 0.002;
		f0 += (f0_target - f0) * 0.0005;
		phase += f0 / RATE;
		if (phase >= 1.0)
			phase -= 1.0;
		/* Rosenberg-like pulse: open phase, then closed */
		glottal = phase < 0.6 ? sin(M_PI * phase / 0.6) * sin(M_PI * phase / 0.6) : 0.0;
		glottal -= 0.3;
		/* syllable envelope: a raised sine, none in pauses */
		env = pause ? 0.0 :
		    sin(M_PI * (double)(syl_len - syl_left) / (double)syl_len);
		x = glottal * env;
		y = reso_run(&r[0], x, cur[0], 80) * 4.0 +
		    reso_run(&r[1], x, cur[1], 100) * 3.0 +
		    reso_run(&r[2], x, cur[2], 150) * 2.0;
		if (fricative && !pause) {
			double t = (double)(syl_len - syl_left) / (double)syl_len;

			y += reso_run(&fric, (uniform() * 2 - 1), 5500, 3000) *
			    (t < 0.3 ? 1.5 : 0.0);
		}
		y += (uniform() * 2 - 1) * 0.0005;   /* room tone */
		out[i] = (float)(y * scale);
	}
}

static void
gen_ambience(float *out, int64_t frames)
{
	double b0 = 0, b1 = 0, b2 = 0;

	for (int64_t i = 0; i < frames; i++) {
		double w = uniform() * 2 - 1, swell;

		/* Paul Kellet's economical pink filter */
		b0 = 0.99765 * b0 + w * 0.0990460;
		b1 = 0.96300 * b1 + w * 0.2965164;
		b2 = 0.57000 * b2 + w * 1.0526913;
		swell = 0.6 + 0.4 * sin(2 * M_PI * (double)i / (7.3 * RATE));
		out[i] = (float)((b0 + b1 + b2 + w * 0.1848) * 0.02 * swell);
	}
}

static void
gen_pad(float *out, int64_t frames)
{
	static const double roots[] = { 110, 146.83, 130.81, 98, 164.81, 123.47 };
	static const double chord[] = { 1, 1.25, 1.5, 2, 2.5, 3 };
	double ph[6] = { 0 };
	int64_t seg = 2 * RATE;

	for (int64_t i = 0; i < frames; i++) {
		int c = (int)((i / seg) % 6);
		double pos = (double)(i % seg) / (double)seg, y = 0;
		double env = pos < 0.05 ? pos / 0.05 : 1.0 - 0.5 * pos;

		for (int k = 0; k < 6; k++) {
			ph[k] += roots[c] * chord[k] / RATE;
			ph[k] -= floor(ph[k]);
			y += sin(2 * M_PI * ph[k]) / (1 + k);
		}
		out[i] = (float)(y * env * 0.12);
	}
}

static void
gen_foley(float *out, int64_t frames)
{
	struct reso r = { 0 };
	double env = 0, f = 1000, decay = 0.999;
	int64_t next = 0;

	for (int64_t i = 0; i < frames; i++) {
		if (i >= next) {
			env = between(0.2, 0.9);
			f = between(200, 6000);
			decay = exp(-1.0 / (between(0.01, 0.15) * RATE));
			next = i + (int64_t)(between(0.08, 0.7) * RATE);
		}
		env *= decay;
		out[i] = (float)(reso_run(&r, (uniform() * 2 - 1) * env, f, f * 0.3) * 0.8 +
		    (uniform() * 2 - 1) * 0.0003);
	}
}

static const char *const media_names[MEDIA_COUNT] = {
	"media/speech_a.wav", "media/speech_b.wav", "media/speech_c.wav",
	"media/ambience.wav", "media/pad.wav", "media/foley.wav",
};

static int
write_media(const char *dir, int which, int64_t frames)
{
	SF_INFO info = { .samplerate = RATE, .channels = 1,
	    .format = SF_FORMAT_WAV | SF_FORMAT_PCM_24 };
	char path[4096];
	float *buf = malloc((size_t)frames * sizeof *buf);
	float peak = 0;
	SNDFILE *f;

	if (buf == NULL)
		return -1;
	rng ^= (uint64_t)(which + 1) * 0x2545F4914F6CDD1Dull;
	switch (which) {
	case 0: gen_speech(buf, frames, 115, 1.0); break;
	case 1: gen_speech(buf, frames, 210, 1.0); break;
	case 2: gen_speech(buf, frames, 140, 1.0); break;
	case 3: gen_ambience(buf, frames); break;
	case 4: gen_pad(buf, frames); break;
	default: gen_foley(buf, frames); break;
	}
	for (int64_t i = 0; i < frames; i++)
		peak = fabsf(buf[i]) > peak ? fabsf(buf[i]) : peak;
	if (which <= 2 && peak > 0)   /* speech peaks at -6 dBFS */
		for (int64_t i = 0; i < frames; i++)
			buf[i] *= 0.5f / peak;
	for (int64_t i = 0; i < frames; i++)   /* never clip */
		buf[i] = buf[i] > 0.99f ? 0.99f : buf[i] < -0.99f ? -0.99f : buf[i];
	snprintf(path, sizeof path, "%s/%s", dir, media_names[which]);
	f = sf_open(path, SFM_WRITE, &info);
	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", path, sf_strerror(NULL));
		free(buf);
		return -1;
	}
	if (sf_writef_float(f, buf, frames) != frames) {
		fprintf(stderr, "%s: write failed (disk full?)\n", path);
		sf_close(f);
		free(buf);
		return -1;
	}
	sf_close(f);
	free(buf);
	return 0;
}

static void
set_param(struct insert *ins, const char *name, double value)
{
	ins->params = realloc(ins->params, (ins->param_count + 1) * sizeof *ins->params);
	ins->params[ins->param_count].name = strdup(name);
	ins->params[ins->param_count].value = value;
	ins->param_count++;
}

static void
add_lane(struct strip *st, enum auto_param param, int64_t start, double seconds,
    double step, double lo, double hi)
{
	struct auto_lane *l;
	size_t n = (size_t)(seconds / step) + 2;

	st->lanes = realloc(st->lanes, (st->lane_count + 1) * sizeof *st->lanes);
	l = &st->lanes[st->lane_count++];
	memset(l, 0, sizeof *l);
	l->param = param;
	l->target = (struct id){ ID_BUS, 0 };
	l->points = calloc(n, sizeof *l->points);
	for (size_t k = 0; k < n; k++) {
		/* jittered, strictly increasing breakpoints */
		double t = (double)k * step + (k > 0 ? between(-0.3, 0.3) * step : 0);

		l->points[k].frame = start + (int64_t)(t * RATE);
		l->points[k].value = between(lo, hi);
		l->points[k].interp = INTERP_LINEAR;
	}
	l->count = l->cap = n;
}

int
main(int argc, char **argv)
{
	const char *dir;
	int tracks = argc > 2 ? atoi(argv[2]) : 0;
	double seconds = argc > 3 ? atof(argv[3]) : 64.0;
	int64_t frames, media_frames = (int64_t)MEDIA_SECONDS * RATE;
	struct tc_rate tc;
	struct session *s;
	struct diag d;
	struct id media[MEDIA_COUNT];
	char path[4096];
	struct stat sb;

	if (argc < 3 || tracks < 1 || tracks > 4096 || !(seconds >= 60) ||
	    seconds > MEDIA_SECONDS * 8) {
		fprintf(stderr, "usage: make_session DIR TRACKS [SECONDS>=60]\n");
		return 2;
	}
	dir = argv[1];
	frames = (int64_t)(seconds * RATE);
	snprintf(path, sizeof path, "%s/media", dir);
	mkdir(dir, 0777);
	mkdir(path, 0777);
	/* media once per folder: the same seeds give the same files */
	for (int m = 0; m < MEDIA_COUNT; m++) {
		snprintf(path, sizeof path, "%s/%s", dir, media_names[m]);
		if (stat(path, &sb) == 0 && sb.st_size > media_frames * 3)
			continue;
		if (write_media(dir, m, media_frames) != 0)
			return 1;
	}
	rng = 0x9E3779B97F4A7C15ull;

	timecode_rate_parse("24", false, &tc);
	s = session_create(RATE, &tc);
	s->name = strdup("engine-load benchmark");
	s->master.format = CHAN_7_1;
	s->timecode.start_frames = 172800000;   /* 01:00:00:00 */
	for (int m = 0; m < MEDIA_COUNT; m++) {
		struct source *src = session_add_source(s, (struct id){ ID_SOURCE, 0 }, NULL);

		src->path = strdup(media_names[m]);
		src->channels = 1;
		src->sample_rate_hz = RATE;
		src->length_frames = media_frames;
		src->format = strdup("wav");
		media[m] = src->id;
	}
	for (int t = 0; t < tracks; t++) {
		static const double band_lo[4] = { 60, 250, 1500, 6000 };
		static const double band_hi[4] = { 250, 1500, 6000, 16000 };
		struct track *tr = session_add_track(s, (struct id){ ID_TRACK, 0 }, NULL);
		struct insert *ins;
		int64_t pos = 0;
		char name[64];
		int k = 0;

		snprintf(name, sizeof name, "track %d", t + 1);
		tr->strip.name = strdup(name);
		tr->strip.format = CHAN_MONO;
		tr->strip.output = (struct id){ ID_BUS, 0 };
		tr->strip.gain_db = between(-6, 0);

		while (pos < frames) {
			int64_t len = (int64_t)(between(12, 30) * RATE);
			struct clip *c;

			if (frames - pos - len < 5 * RATE)   /* no stub at the end */
				len = frames - pos;
			c = session_add_clip(s, tr, (struct id){ ID_CLIP, 0 }, NULL);
			c->source = media[(t * 7 + k++) % MEDIA_COUNT];
			c->position_frames = s->timecode.start_frames + pos;
			c->length_frames = len;
			c->source_offset_frames = (int64_t)(uniform() *
			    (double)(media_frames - len));
			c->fade_in = (struct fade){ (int64_t)(between(0.005, 0.05) * RATE),
			    (enum fade_shape)(t % FADE_SHAPE_COUNT) };
			c->fade_out = (struct fade){ (int64_t)(between(0.005, 0.05) * RATE),
			    (enum fade_shape)((t + 1) % FADE_SHAPE_COUNT) };
			c->gain_db = between(-3, 3);
			pos += len;
		}

		tr->strip.inserts = calloc(2, sizeof *tr->strip.inserts);
		tr->strip.insert_count = 2;
		ins = &tr->strip.inserts[0];
		ins->kind = strdup("eq");
		for (int b = 0; b < 4; b++) {
			char pn[32];
			double g = between(1, 6) * (uniform() < 0.5 ? -1 : 1);

			snprintf(pn, sizeof pn, "band%d-hz", b + 1);
			set_param(ins, pn, round(band_lo[b] * pow(band_hi[b] / band_lo[b], uniform())));
			snprintf(pn, sizeof pn, "band%d-gain-db", b + 1);
			set_param(ins, pn, round(g * 10) / 10);
			snprintf(pn, sizeof pn, "band%d-q", b + 1);
			set_param(ins, pn, round(between(0.5, 4) * 100) / 100);
			snprintf(pn, sizeof pn, "band%d-type", b + 1);
			set_param(ins, pn, 0);
		}
		ins = &tr->strip.inserts[1];
		ins->kind = strdup("dynamics");
		set_param(ins, "mode", 0);
		set_param(ins, "detector", t % 2);
		set_param(ins, "threshold-db", -20);
		set_param(ins, "ratio", 3);
		set_param(ins, "knee-db", 6);
		set_param(ins, "attack-ms", 5);
		set_param(ins, "release-ms", 80);
		set_param(ins, "makeup-db", 3);

		add_lane(&tr->strip, AUTO_VOLUME, s->timecode.start_frames, seconds,
		    8.0, -12, 0);
		add_lane(&tr->strip, AUTO_PAN, s->timecode.start_frames, seconds,
		    4.0, -1, 1);
		add_lane(&tr->strip, AUTO_PAN_FB, s->timecode.start_frames, seconds,
		    6.0, -1, 1);
	}
	snprintf(path, sizeof path, "%s/engine-load-%d.dubstage", dir, tracks);
	if (session_xml_save(s, path, &d) != 0) {
		fprintf(stderr, "%s: %s\n", path, d.message);
		return 1;
	}
	printf("%s: %d tracks, %.0f s, eq + compressor + volume/pan automation, "
	    "7.1 master\n", path, tracks, seconds);
	session_destroy(s);
	return 0;
}
