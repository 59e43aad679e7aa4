/*
 * streamer.c - the media reader thread and its per-voice rings.
 *
 * Each voice has a ring of interleaved frames (voice channels wide) and a
 * reader state the streamer thread alone touches: the next timeline frame
 * to produce (fill_pos), the clip it is in, and that clip's open files and
 * resampler. The thread fills whichever voices have room, a chunk at a
 * time, round-robin, and sleeps briefly when all are full. With a loop, a
 * voice that reaches loop_end seeks itself back to loop_start (closing its
 * reader, so a resampler starts afresh) and fills on.
 *
 * Underruns are the consumer's business: it zero-fills what it misses and
 * keeps a debt per voice (consumer-owned, no atomics needed) that it pays
 * off by discarding that many frames from the data that arrives next.
 */
#include "engine/streamer.h"
#include "engine/pcm_decode.h"
#include "base/ring.h"
#include "base/strutil.h"

#include <pthread.h>
#include <samplerate.h>
#include <sndfile.h>
#include <stdatomic.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHUNK_FRAMES 8192       /* frames read per voice per turn */
#define IDLE_WAIT_NS 2000000L   /* sleep when all rings are full */

/* The open files and resampler of the clip a voice is in. */
struct clip_reader {
	const struct stream_clip *clip;
	int file_count;
	SNDFILE *files[STREAM_MAX_CHANNELS];
	int file_channels[STREAM_MAX_CHANNELS];
	int chan_file[STREAM_MAX_CHANNELS];   /* voice channel -> file index */
	int chan_pick[STREAM_MAX_CHANNELS];   /* voice channel -> file channel */
	enum pcm_kind file_kind[STREAM_MAX_CHANNELS];  /* PCM_NONE: libsndfile decodes */
	int64_t src_pos;          /* next source frame to read from the files */
	SRC_STATE *src;           /* NULL when the rates match */
	double ratio;             /* session rate / source rate */
	float *in;                /* voice-interleaved source frames, CHUNK_FRAMES */
	float *file_buf;          /* one file's interleaved frames (or their bytes) */
	int file_buf_channels;
};

struct stream_voice {
	struct streamer *owner;
	int channels;
	struct stream_clip *clips;
	size_t clip_count;
	char **paths;             /* owned copies the clips' inputs point to */
	size_t path_count;
	struct ring *ring;
	_Atomic uint64_t underruns;
	_Atomic uint64_t underrun_frames;

	/* consumer only */
	int64_t debt;             /* frames zero-filled, still to discard */

	/* streamer thread only */
	int64_t fill_pos;
	int64_t loop_start, loop_end;   /* loop_end <= loop_start: none */
	size_t cursor;
	struct clip_reader rd;
	float *out;               /* CHUNK_FRAMES interleaved frames */
};

struct streamer {
	struct stream_config cfg;
	struct stream_voice **voices;
	size_t voice_count;
	pthread_t thread;
	bool started;

	pthread_mutex_t lock;     /* guards the condition variables only */
	pthread_cond_t wake;      /* streamer: work to do */
	pthread_cond_t data;      /* offline consumer: data arrived */
	atomic_bool quit;

	_Atomic uint64_t locate_gen;     /* asked for by the control thread */
	_Atomic int64_t locate_pos;
	_Atomic int64_t locate_loop_start, locate_loop_end;
	_Atomic uint64_t ack_gen;        /* acknowledged by the consumer */
	_Atomic uint64_t ready_gen;      /* refilled by the streamer */
	uint64_t done_gen;               /* streamer thread only */

	_Atomic int error;
	struct diag error_diag;          /* written once, before error is set */
};

/* ---- clip readers (streamer thread) ------------------------------------- */

static void
reader_close(struct clip_reader *rd)
{
	for (int i = 0; i < rd->file_count; i++)
		sf_close(rd->files[i]);
	if (rd->src != NULL)
		src_delete(rd->src);
	free(rd->in);
	free(rd->file_buf);
	memset(rd, 0, sizeof *rd);
}

static void
set_error(struct streamer *st, int code, const char *path, const char *msg)
{
	int expected = 0;

	/* the first error wins; its diag is written before it is published */
	if (atomic_load(&st->error) != 0)
		return;
	diag_set(&st->error_diag, code, path, 0, "%s", msg);
	atomic_compare_exchange_strong(&st->error, &expected, code);
}

/* The read_delay_us throttle: a slow disk, for tests. */
static void
read_delay(const struct streamer *st)
{
	struct timespec ts;

	if (st->cfg.read_delay_us <= 0)
		return;
	ts.tv_sec = st->cfg.read_delay_us / 1000000;
	ts.tv_nsec = (long)(st->cfg.read_delay_us % 1000000) * 1000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Reads up to n source frames into rd->in (voice-interleaved); frames past
 * the end of a file are zeros. Returns n. */
static long
read_source(struct stream_voice *v, long n)
{
	struct clip_reader *rd = &v->rd;
	int ch = v->channels;

	memset(rd->in, 0, (size_t)n * (size_t)ch * sizeof *rd->in);
	for (int f = 0; f < rd->file_count; f++) {
		int fc = rd->file_channels[f];
		enum pcm_kind kind = rd->file_kind[f];
		int bytes = pcm_kind_bytes(kind);
		sf_count_t got;

		read_delay(v->owner);
		if (sf_seek(rd->files[f], rd->src_pos, SEEK_SET) < 0)
			continue;   /* past the end: stays silent */
		if (kind != PCM_NONE)
			got = sf_read_raw(rd->files[f], rd->file_buf,
			    (sf_count_t)n * fc * bytes) / (fc * bytes);
		else
			got = sf_readf_float(rd->files[f], rd->file_buf, n);
		for (int c = 0; c < ch; c++) {
			if (rd->chan_file[c] != f)
				continue;
			if (kind != PCM_NONE)
				pcm_decode(kind, (const unsigned char *)rd->file_buf +
				    rd->chan_pick[c] * bytes, fc * bytes, rd->in + c, ch,
				    (long)got);
			else
				for (sf_count_t i = 0; i < got; i++)
					rd->in[i * ch + c] =
					    rd->file_buf[i * fc + rd->chan_pick[c]];
		}
	}
	rd->src_pos += n;
	return n;
}

static long
src_input_cb(void *arg, float **data)
{
	struct stream_voice *v = arg;

	*data = v->rd.in;
	return read_source(v, CHUNK_FRAMES);
}

/* Opens the files of clip c for reading from timeline frame pos on. */
static int
reader_open(struct stream_voice *v, const struct stream_clip *c, int64_t pos)
{
	struct streamer *st = v->owner;
	struct clip_reader *rd = &v->rd;
	int max_fc = 1, err;
	int src_rate = c->inputs[0].sample_rate_hz;

	memset(rd, 0, sizeof *rd);
	rd->clip = c;
	for (int ch = 0; ch < v->channels; ch++) {
		const struct stream_input *in = &c->inputs[ch];
		int f;

		/* one open file per distinct path */
		for (f = 0; f < ch; f++)
			if (strcmp(c->inputs[f].path, in->path) == 0)
				break;
		if (in->path == NULL || in->path[0] == '\0') {
			rd->chan_file[ch] = -1;   /* offline media: silence */
			continue;
		} else if (f < ch) {
			rd->chan_file[ch] = rd->chan_file[f];
		} else {
			SF_INFO info = { 0 };
			SNDFILE *sf = sf_open(in->path, SFM_READ, &info);

			if (sf == NULL) {
				set_error(st, ERR_IO, in->path, sf_strerror(NULL));
				rd->chan_file[ch] = -1;
				continue;
			}
			rd->files[rd->file_count] = sf;
			rd->file_channels[rd->file_count] = info.channels;
			rd->file_kind[rd->file_count] = pcm_kind_of(info.format);
			if (info.channels > max_fc)
				max_fc = info.channels;
			rd->chan_file[ch] = rd->file_count++;
		}
		rd->chan_pick[ch] = in->source_channel;
		if (rd->chan_file[ch] >= 0 &&
		    in->source_channel >= rd->file_channels[rd->chan_file[ch]]) {
			set_error(st, ERR_IO, in->path, "has fewer channels than "
			    "the session expects");
			rd->chan_file[ch] = -1;
		}
	}
	rd->in = malloc((size_t)CHUNK_FRAMES * (size_t)v->channels * sizeof *rd->in);
	rd->file_buf = malloc((size_t)CHUNK_FRAMES * (size_t)max_fc *
	    sizeof *rd->file_buf);
	if (rd->in == NULL || rd->file_buf == NULL) {
		reader_close(rd);
		return ERR_NOMEM;
	}
	if (src_rate <= 0 || src_rate == st->cfg.sample_rate_hz) {
		rd->src_pos = c->source_offset_frames + (pos - c->start_frames);
		return 0;
	}
	rd->ratio = (double)st->cfg.sample_rate_hz / src_rate;
	rd->src_pos = c->source_offset_frames + (int64_t)((double)(pos -
	    c->start_frames) / rd->ratio + 0.5);
	rd->src = src_callback_new(src_input_cb,
	    st->cfg.quality == STREAM_QUALITY_BEST ? SRC_SINC_BEST_QUALITY :
	    SRC_SINC_MEDIUM_QUALITY, v->channels, &err, v);
	if (rd->src == NULL) {
		reader_close(rd);
		return ERR_NOMEM;
	}
	return 0;
}

/* Produces n frames of clip audio (the reader is open) into out. */
static void
reader_produce(struct stream_voice *v, float *out, long n)
{
	struct clip_reader *rd = &v->rd;

	if (rd->src == NULL) {
		read_source(v, n);
		memcpy(out, rd->in, (size_t)n * (size_t)v->channels * sizeof *out);
		return;
	}
	while (n > 0) {
		long got = src_callback_read(rd->src, rd->ratio, n, out);

		if (got <= 0) {  /* should not happen: input never ends */
			memset(out, 0, (size_t)n * (size_t)v->channels * sizeof *out);
			return;
		}
		out += got * v->channels;
		n -= got;
	}
}

/* ---- filling (streamer thread) ------------------------------------------ */

/* Moves a voice's reader to timeline frame pos. */
static void
voice_seek(struct stream_voice *v, int64_t pos)
{
	reader_close(&v->rd);
	v->fill_pos = pos;
	v->cursor = 0;
	while (v->cursor < v->clip_count && v->clips[v->cursor].end_frames <= pos)
		v->cursor++;
}

/* Fills up to max frames of v's ring; returns how many were written. */
static long
voice_fill(struct stream_voice *v, long max)
{
	long space = (long)ring_write_space(v->ring), done = 0;

	if (space > max)
		space = max;
	while (done < space) {
		long n = space - done;
		const struct stream_clip *c = v->cursor < v->clip_count ?
		    &v->clips[v->cursor] : NULL;
		bool looping = v->loop_end > v->loop_start &&
		    v->fill_pos < v->loop_end;

		if (n > CHUNK_FRAMES)
			n = CHUNK_FRAMES;
		if (looping && v->loop_end - v->fill_pos < n)
			n = (long)(v->loop_end - v->fill_pos);
		if (c == NULL || c->start_frames > v->fill_pos) {
			/* a gap: silence up to the next clip */
			if (c != NULL && c->start_frames - v->fill_pos < n)
				n = (long)(c->start_frames - v->fill_pos);
			memset(v->out, 0, (size_t)n * (size_t)v->channels * sizeof *v->out);
		} else {
			if (c->end_frames - v->fill_pos < n)
				n = (long)(c->end_frames - v->fill_pos);
			if (v->rd.clip != c && reader_open(v, c, v->fill_pos) != 0) {
				set_error(v->owner, ERR_NOMEM, NULL, "out of memory");
				memset(v->out, 0, (size_t)n * (size_t)v->channels *
				    sizeof *v->out);
			} else {
				reader_produce(v, v->out, n);
			}
		}
		ring_write(v->ring, v->out, (size_t)n);
		v->fill_pos += n;
		done += n;
		if (c != NULL && v->fill_pos >= c->end_frames) {
			reader_close(&v->rd);
			v->cursor++;
		}
		if (looping && v->fill_pos == v->loop_end)
			voice_seek(v, v->loop_start);
	}
	return done;
}

static void
wait_ns(struct streamer *st, long ns)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += ns;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&st->lock);
	if (!atomic_load(&st->quit))
		pthread_cond_timedwait(&st->wake, &st->lock, &ts);
	pthread_mutex_unlock(&st->lock);
}

static void
signal_data(struct streamer *st)
{
	pthread_mutex_lock(&st->lock);
	pthread_cond_broadcast(&st->data);
	pthread_mutex_unlock(&st->lock);
}

static void *
streamer_main(void *arg)
{
	struct streamer *st = arg;

	while (!atomic_load(&st->quit)) {
		uint64_t gen = atomic_load_explicit(&st->locate_gen,
		    memory_order_acquire);
		long did = 0;

		if (gen != st->done_gen) {
			/* wait for the consumer to stop reading the old stream */
			if (atomic_load_explicit(&st->ack_gen,
			    memory_order_acquire) != gen) {
				wait_ns(st, IDLE_WAIT_NS / 4);
				continue;
			}
			int64_t pos = atomic_load(&st->locate_pos);
			int64_t ls = atomic_load(&st->locate_loop_start);
			int64_t le = atomic_load(&st->locate_loop_end);

			for (size_t i = 0; i < st->voice_count; i++) {
				ring_reset(st->voices[i]->ring);
				voice_seek(st->voices[i], pos);
				st->voices[i]->loop_start = ls;
				st->voices[i]->loop_end = le;
			}
			/* prefill half of every ring before saying ready */
			for (size_t i = 0; i < st->voice_count; i++)
				voice_fill(st->voices[i],
				    (long)(st->voices[i]->ring->capacity / 2));
			st->done_gen = gen;
			atomic_store_explicit(&st->ready_gen, gen,
			    memory_order_release);
			signal_data(st);
			continue;
		}
		for (size_t i = 0; i < st->voice_count; i++)
			if (ring_write_space(st->voices[i]->ring) >= CHUNK_FRAMES / 2)
				did += voice_fill(st->voices[i], CHUNK_FRAMES);
		if (did > 0)
			signal_data(st);
		else
			wait_ns(st, IDLE_WAIT_NS);
	}
	return NULL;
}

/* ---- control side ------------------------------------------------------- */

int
streamer_create(const struct stream_config *cfg, struct streamer **out)
{
	struct streamer *st;

	if (cfg->sample_rate_hz <= 0 || !(cfg->ring_seconds > 0.0))
		return ERR_INVALID;
	st = calloc(1, sizeof *st);
	if (st == NULL)
		return ERR_NOMEM;
	st->cfg = *cfg;
	pthread_mutex_init(&st->lock, NULL);
	pthread_cond_init(&st->wake, NULL);
	pthread_cond_init(&st->data, NULL);
	*out = st;
	return 0;
}

static void
voice_free(struct stream_voice *v)
{
	if (v == NULL)
		return;
	reader_close(&v->rd);
	for (size_t i = 0; i < v->path_count; i++)
		free(v->paths[i]);
	free(v->paths);
	free(v->clips);
	free(v->out);
	ring_destroy(v->ring);
	free(v);
}

int
streamer_add_voice(struct streamer *st, int channels,
    const struct stream_clip *clips, size_t clip_count,
    struct stream_voice **out)
{
	struct stream_voice *v, **vs;
	size_t ring_frames;

	if (st->started || channels < 1 || channels > STREAM_MAX_CHANNELS)
		return ERR_INVALID;
	v = calloc(1, sizeof *v);
	if (v == NULL)
		return ERR_NOMEM;
	v->owner = st;
	v->channels = channels;
	ring_frames = (size_t)(st->cfg.ring_seconds * st->cfg.sample_rate_hz);
	if (ring_frames < 2 * CHUNK_FRAMES)
		ring_frames = 2 * CHUNK_FRAMES;
	v->ring = ring_create((size_t)channels * sizeof(float), ring_frames);
	v->out = malloc((size_t)CHUNK_FRAMES * (size_t)channels * sizeof *v->out);
	v->clips = clip_count > 0 ? malloc(clip_count * sizeof *v->clips) : NULL;
	v->paths = clip_count > 0 ? calloc(clip_count * (size_t)channels,
	    sizeof *v->paths) : NULL;
	if (v->ring == NULL || v->out == NULL ||
	    (clip_count > 0 && (v->clips == NULL || v->paths == NULL)))
		goto nomem;
	for (size_t i = 0; i < clip_count; i++) {
		v->clips[i] = clips[i];
		v->clip_count = i + 1;
		for (int c = 0; c < channels; c++) {
			char *p = str_dup(clips[i].inputs[c].path ?
			    clips[i].inputs[c].path : "");

			if (p == NULL)
				goto nomem;
			v->paths[v->path_count++] = p;
			v->clips[i].inputs[c].path = p;
		}
	}
	vs = realloc(st->voices, (st->voice_count + 1) * sizeof *vs);
	if (vs == NULL)
		goto nomem;
	st->voices = vs;
	st->voices[st->voice_count++] = v;
	*out = v;
	return 0;
nomem:
	voice_free(v);
	return ERR_NOMEM;
}

int
streamer_start(struct streamer *st, int64_t position_frames)
{
	return streamer_start_loop(st, position_frames, 0, 0);
}

int
streamer_start_loop(struct streamer *st, int64_t position_frames,
    int64_t loop_start, int64_t loop_end)
{
	if (st->started)
		return ERR_INVALID;
	if (loop_end <= loop_start)
		loop_start = loop_end = 0;
	else if (position_frames >= loop_end)
		return ERR_INVALID;
	atomic_store(&st->locate_pos, position_frames);
	atomic_store(&st->locate_loop_start, loop_start);
	atomic_store(&st->locate_loop_end, loop_end);
	atomic_store(&st->locate_gen, 1);
	atomic_store(&st->ack_gen, 1);   /* no consumer is reading yet */
	if (pthread_create(&st->thread, NULL, streamer_main, st) != 0)
		return ERR_NOMEM;
	st->started = true;
	return 0;
}

void
streamer_destroy(struct streamer *st)
{
	if (st == NULL)
		return;
	if (st->started) {
		atomic_store(&st->quit, true);
		pthread_mutex_lock(&st->lock);
		pthread_cond_broadcast(&st->wake);
		pthread_mutex_unlock(&st->lock);
		pthread_join(st->thread, NULL);
	}
	for (size_t i = 0; i < st->voice_count; i++)
		voice_free(st->voices[i]);
	free(st->voices);
	pthread_cond_destroy(&st->wake);
	pthread_cond_destroy(&st->data);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

void
streamer_locate(struct streamer *st, int64_t position_frames)
{
	streamer_locate_loop(st, position_frames, 0, 0);
}

void
streamer_locate_loop(struct streamer *st, int64_t position_frames,
    int64_t loop_start, int64_t loop_end)
{
	if (loop_end <= loop_start)
		loop_start = loop_end = 0;
	else if (position_frames >= loop_end)
		position_frames = loop_start;
	/* published by the generation's release below; a streamer that reads
	 * them mixed with an older locate's sees the new generation next and
	 * refills again */
	atomic_store(&st->locate_pos, position_frames);
	atomic_store(&st->locate_loop_start, loop_start);
	atomic_store(&st->locate_loop_end, loop_end);
	atomic_fetch_add_explicit(&st->locate_gen, 1, memory_order_release);
	pthread_mutex_lock(&st->lock);
	pthread_cond_broadcast(&st->wake);
	pthread_mutex_unlock(&st->lock);
}

/* ---- consumer side (RT-safe) -------------------------------------------- */

void
streamer_consumer_sync(struct streamer *st)
{
	uint64_t gen = atomic_load_explicit(&st->locate_gen, memory_order_acquire);

	if (atomic_load_explicit(&st->ack_gen, memory_order_relaxed) == gen)
		return;
	for (size_t i = 0; i < st->voice_count; i++)
		st->voices[i]->debt = 0;
	atomic_store_explicit(&st->ack_gen, gen, memory_order_release);
}

bool
streamer_ready(const struct streamer *st)
{
	struct streamer *m = (struct streamer *)st;

	return atomic_load_explicit(&m->ready_gen, memory_order_acquire) ==
	    atomic_load_explicit(&m->locate_gen, memory_order_acquire);
}

/* With sum, every delivered frame is written as x * gain + 0.0f: what
 * scaling it and summing it into a zeroed buffer gives (-0 becomes +0),
 * bit for bit. */
static int
voice_read(struct stream_voice *v, float *const *out, int frames, bool sum,
    float gain)
{
	struct ring_span s;
	int ch = v->channels, got;
	size_t k = 0;

	if (v->debt > 0) {
		/* frames that were due while the ring was short: drop them */
		size_t avail = ring_read_space(v->ring);
		size_t skip = (uint64_t)v->debt < avail ? (size_t)v->debt : avail;

		ring_read_advance(v->ring, skip);
		v->debt -= (int64_t)skip;
	}
	ring_read_span(v->ring, &s);
	got = frames;
	if (v->debt > 0)
		got = 0;
	else if ((size_t)got > s.n1 + s.n2)
		got = (int)(s.n1 + s.n2);
	/* deinterleave the two contiguous parts */
	for (int part = 0; part < 2 && (int)k < got; part++) {
		const float *src = part == 0 ? s.p1 : s.p2;
		size_t n = part == 0 ? s.n1 : s.n2;

		if (n > (size_t)got - k)
			n = (size_t)got - k;
		if (ch == 1 && sum) {
			float *restrict dst = out[0] + k;

			for (size_t i = 0; i < n; i++) {
				float y = src[i] * gain;   /* two roundings, */

				dst[i] = y + 0.0f;         /* never an fma */
			}
			k += n;
			continue;
		}
		if (ch == 1) {
			memcpy(out[0] + k, src, n * sizeof *src);
			k += n;
			continue;
		}
		for (int c = 0; c < ch; c++) {
			float *restrict dst = out[c] + k;

			if (sum)
				for (size_t i = 0; i < n; i++) {
					float y = src[i * (size_t)ch + (size_t)c] *
					    gain;

					dst[i] = y + 0.0f;
				}
			else
				for (size_t i = 0; i < n; i++)
					dst[i] = src[i * (size_t)ch + (size_t)c];
		}
		k += n;
	}
	ring_read_advance(v->ring, (size_t)got);
	if (got < frames) {
		for (int c = 0; c < ch; c++)
			memset(out[c] + got, 0, (size_t)(frames - got) * sizeof(float));
		v->debt += frames - got;
		atomic_fetch_add_explicit(&v->underruns, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&v->underrun_frames,
		    (uint64_t)(frames - got), memory_order_relaxed);
	}
	return got;
}

int
stream_voice_read(struct stream_voice *v, float *const *out, int frames)
{
	return voice_read(v, out, frames, false, 1.0f);
}

int
stream_voice_read_sum(struct stream_voice *v, float *const *out, int frames,
    float gain)
{
	return voice_read(v, out, frames, true, gain);
}

void
stream_voice_prefetch(const struct stream_voice *v, int frames)
{
	const struct ring *r = v->ring;
	uint64_t rd = atomic_load_explicit(&((struct ring *)r)->read_pos,
	    memory_order_relaxed);
	size_t at = (size_t)rd & r->mask, n = (size_t)frames;
	size_t first = n < r->capacity - at ? n : r->capacity - at;
	const unsigned char *p = r->data + at * r->elem_size;
	size_t bytes = first * r->elem_size;

	/* a hint only: reading past the written frames is harmless */
	__builtin_prefetch(&r->write_pos, 0, 3);
	for (size_t b = 0; b < bytes; b += 64)
		__builtin_prefetch(p + b, 0, 3);
	for (size_t b = 0; b < (n - first) * r->elem_size; b += 64)
		__builtin_prefetch(r->data + b, 0, 3);
}

int64_t
streamer_available_frames(const struct streamer *st)
{
	int64_t min = INT64_MAX;

	for (size_t i = 0; i < st->voice_count; i++) {
		int64_t n = (int64_t)ring_read_space(st->voices[i]->ring);

		if (n < min)
			min = n;
	}
	return st->voice_count == 0 ? INT64_MAX : min;
}

int
streamer_wait_available(struct streamer *st, int frames)
{
	pthread_mutex_lock(&st->lock);
	while (!(streamer_ready(st) && streamer_available_frames(st) >= frames) &&
	    atomic_load(&st->error) == 0) {
		pthread_cond_broadcast(&st->wake);
		pthread_cond_wait(&st->data, &st->lock);
	}
	pthread_mutex_unlock(&st->lock);
	return atomic_load(&st->error);
}

uint64_t
streamer_underruns(const struct streamer *st)
{
	uint64_t n = 0;

	for (size_t i = 0; i < st->voice_count; i++)
		n += atomic_load(&st->voices[i]->underruns);
	return n;
}

uint64_t
streamer_underrun_frames(const struct streamer *st)
{
	uint64_t n = 0;

	for (size_t i = 0; i < st->voice_count; i++)
		n += atomic_load(&st->voices[i]->underrun_frames);
	return n;
}

int
streamer_error(const struct streamer *st, struct diag *d)
{
	int code = atomic_load(&((struct streamer *)st)->error);

	if (code != 0 && d != NULL)
		*d = st->error_diag;
	return code;
}
