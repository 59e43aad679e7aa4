/*
 * render.h - helpers for engine tests: test signals, write test media with
 * libsndfile, build small sessions in code, and render a range through
 * plan_compile + process_run exactly as the bounce does (the streamer
 * thread included).
 */
#ifndef DUBSTAGE_TESTS_ENGINE_RENDER_H
#define DUBSTAGE_TESTS_ENGINE_RENDER_H

#include <sndfile.h>

#include "engine/plan.h"
#include "engine/process.h"
#include "engine/streamer.h"
#include "session/session.h"

/* White noise in [-0.5, 0.5): a hash of (frame i, channel c, salt), so any
 * sample can be recomputed on its own to compare a render against the
 * media it played; another salt gives an unrelated signal. A test wraps it
 * as the gen() of write_wav with the salt of its choice. */
static inline float
hash_noise(int64_t i, int c, uint32_t salt)
{
	uint32_t x = (uint32_t)(i * 2654435761u) ^ (uint32_t)(c * 40503u + salt);

	x ^= x >> 13;
	x *= 0x5bd1e995u;
	x ^= x >> 15;
	return ((float)(x & 0xFFFFFF) / 8388608.0f - 1.0f) * 0.5f;
}

/* Writes a float WAV of `frames` frames whose sample (frame i, channel c)
 * is gen(i, c). Returns 0 on success. */
static inline int
write_wav(const char *path, int channels, int rate, int64_t frames,
    float (*gen)(int64_t i, int c))
{
	SF_INFO info = { .samplerate = rate, .channels = channels,
	    .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
	SNDFILE *f = sf_open(path, SFM_WRITE, &info);
	float buf[4096 * 8];

	if (f == NULL)
		return -1;
	for (int64_t i = 0; i < frames; ) {
		int64_t n = frames - i < 4096 ? frames - i : 4096;

		for (int64_t k = 0; k < n; k++)
			for (int c = 0; c < channels; c++)
				buf[k * channels + c] = gen(i + k, c);
		sf_writef_float(f, buf, n);
		i += n;
	}
	sf_close(f);
	return 0;
}

static inline struct session *
new_session(int rate, enum chan_format master)
{
	struct tc_rate r;
	struct session *s;

	timecode_rate_parse("25", false, &r);
	s = session_create(rate, &r);
	if (s != NULL)
		s->master.format = master;
	return s;
}

static inline struct source *
add_source(struct session *s, const char *path, int channels, int rate,
    int64_t frames)
{
	struct source *src = session_add_source(s, (struct id){ ID_SOURCE, 0 }, NULL);

	if (src == NULL)
		return NULL;
	src->path = strdup(path);
	src->channels = channels;
	src->sample_rate_hz = rate;
	src->length_frames = frames;
	src->online = true;
	return src;
}

static inline struct track *
add_track(struct session *s, const char *name, enum chan_format fmt)
{
	struct track *t = session_add_track(s, (struct id){ ID_TRACK, 0 }, NULL);

	if (t != NULL) {
		t->strip.name = strdup(name);
		t->strip.format = fmt;
	}
	return t;
}

static inline struct clip *
add_clip(struct session *s, struct track *t, struct id src, int64_t pos,
    int64_t len, int64_t off)
{
	struct clip *c = session_add_clip(s, t, (struct id){ ID_CLIP, 0 }, NULL);

	if (c != NULL) {
		c->source = src;
		c->position_frames = pos;
		c->length_frames = len;
		c->source_offset_frames = off;
		c->fade_in.length_frames = c->fade_out.length_frames = 0;
	}
	return c;
}

/* Appends an insert of `kind` with no parameters to a strip. */
static inline struct insert *
add_insert(struct strip *st, const char *kind)
{
	st->inserts = realloc(st->inserts, (st->insert_count + 1) *
	    sizeof *st->inserts);
	memset(&st->inserts[st->insert_count], 0, sizeof *st->inserts);
	st->inserts[st->insert_count].kind = strdup(kind);
	return &st->inserts[st->insert_count++];
}

/* Appends a parameter to an insert. */
static inline void
set_param(struct insert *ins, const char *name, double v)
{
	ins->params = realloc(ins->params, (ins->param_count + 1) *
	    sizeof *ins->params);
	ins->params[ins->param_count].name = strdup(name);
	ins->params[ins->param_count++].value = v;
}

/* Makes st's only lane one automating parameter `param` of its insert
 * `index`, with `count` zeroed points for the caller to fill in. */
static inline struct auto_lane *
insert_lane(struct strip *st, int index, const char *param, size_t count)
{
	struct auto_lane *l;

	st->lanes = calloc(1, sizeof *st->lanes);
	st->lane_count = 1;
	l = &st->lanes[0];
	l->param = AUTO_INSERT;
	l->insert = index;
	l->insert_param = strdup(param);
	l->points = calloc(count, sizeof *l->points);
	l->count = l->cap = count;
	return l;
}

/* Appends a point to a strip lane (creating the lane). */
static inline void
add_point(struct strip *st, enum auto_param param, struct id target,
    int64_t frame, double value, enum auto_interp interp)
{
	struct auto_lane *l = strip_lane(st, param, target);

	if (l == NULL) {
		st->lanes = realloc(st->lanes, (st->lane_count + 1) * sizeof *st->lanes);
		l = &st->lanes[st->lane_count++];
		memset(l, 0, sizeof *l);
		l->param = param;
		l->target = target;
	}
	l->points = realloc(l->points, (l->count + 1) * sizeof *l->points);
	l->points[l->count++] = (struct auto_point){ frame, value, interp };
}

/*
 * Renders frames [start, start + frames) of s with blocks of `block` frames
 * (varying block sizes when block < 0: a fixed pseudo-random sequence of
 * sizes up to -block) into out[c] (caller-allocated, output channels).
 * stem >= 0 renders that stem's output instead of the master. Returns the
 * output channel count, or -1.
 */
static inline int
render_range(const struct session *s, const struct plan_options *popt,
    int64_t start, int64_t frames, int block, int stem, float **out)
{
	struct plan_options po;
	struct plan *p;
	struct diag d;
	int channels;
	uint32_t rnd = 12345;

	if (popt != NULL)
		po = *popt;
	else
		plan_options_default(&po);
	po.max_block_frames = block > 0 ? block : -block;
	if (plan_compile(s, &po, &p, &d) != 0) {
		fprintf(stderr, "plan_compile: %s\n", d.message);
		return -1;
	}
	/* from the pre-roll on, as a bounce does, discarding it */
	plan_locate(p, start - plan_preroll_frames(p));
	streamer_start(plan_streamer(p), start - plan_preroll_frames(p));
	channels = stem >= 0 ? plan_stem_channels(p, stem) : plan_output_channels(p);
	for (int64_t pre = plan_preroll_frames(p); pre > 0; ) {
		int n = pre < po.max_block_frames ? (int)pre : po.max_block_frames;

		streamer_consumer_sync(plan_streamer(p));
		streamer_wait_available(plan_streamer(p), n);
		process_run(p, n);
		pre -= n;
	}
	for (int64_t done = 0; done < frames; ) {
		int n = block > 0 ? block : 1 + (int)((rnd = rnd * 1103515245u + 12345u) >> 16) % -block;
		const float *const *o;

		if (n > frames - done)
			n = (int)(frames - done);
		streamer_consumer_sync(plan_streamer(p));
		streamer_wait_available(plan_streamer(p), n);
		process_run(p, n);
		o = stem >= 0 ? plan_stem_output(p, stem) : plan_output(p);
		for (int c = 0; c < channels; c++)
			memcpy(out[c] + done, o[c], (size_t)n * sizeof(float));
		done += n;
	}
	plan_destroy(p);
	return channels;
}

static inline float **
alloc_planes(int channels, int64_t frames)
{
	float **p = calloc((size_t)channels, sizeof *p);

	for (int c = 0; c < channels; c++)
		p[c] = calloc((size_t)frames, sizeof(float));
	return p;
}

static inline void
free_planes(float **p, int channels)
{
	for (int c = 0; c < channels; c++)
		free(p[c]);
	free(p);
}

#endif
