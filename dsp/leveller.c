/*
 * leveller.c - the dialogue leveller of leveller.h.
 *
 * Stream layout. Frames are handled in stretches that never cross a block
 * boundary. For each stretch: sanitise the input in place; K-weight a copy
 * of each channel into scratch and add its squares, frame by frame in
 * stream order, to that channel's block sum; then swap each channel through
 * the delay line, multiplying the delayed samples by the ramping gain. The
 * delay line holds latency = lookahead_blocks * block frames, a whole
 * number of blocks, so a stretch never wraps it either.
 *
 * At the end of input block k (block_end), with everything up to k
 * measured: the block's level, activity, phrase bookkeeping and tag; then
 * the gain for the next block to be played, which is input block
 * k + 1 - lookahead_blocks, from its tag (see resolve()).
 *
 * Tags. Each block is tagged with the phrase it belongs to, or as a gap
 * after phrase id (id -1: before the first phrase). When a phrase ends
 * (gap_ms of non-dialogue), its trailing non-dialogue blocks that are still
 * waiting to be played are retagged as gap, so the gain may start moving
 * for the next phrase as soon as the previous one is over. Phrase loudness
 * lives in a ring of PHRASES entries by id; the lookahead window can hold
 * at most 2000 ms / (gap_ms 50 + one block) < PHRASES phrases.
 */
#include "dsp/leveller.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/biquad.h"
#include "dsp/dsp.h"
#include "dsp/loudness.h"

#define MAX_SAMPLE 1e6f
#define PHRASES 64
#define LUFS_OFFSET (-0.691f)
#define ABS_GATE_LUFS (-70.0f)
#define REL_GATE_DB (-20.0f)
#define SILENCE_LUFS (-150.0f)

struct tag {
	int32_t id; /* phrase id, or the phrase before the gap */
	bool gap;
};

struct phrase {
	float lufs;  /* loudness as measured so far */
	bool known;  /* LEVELLER_MIN_SPEECH_MS of dialogue measured */
};

struct leveller {
	int channels;
	int rate_hz;
	int block;        /* frames per block */
	int la_blocks;    /* lookahead in blocks, >= 1 */
	int latency;      /* la_blocks * block */
	struct leveller_params p;
	/* designed from p */
	float slew_step_db;  /* most gain change per block */
	float rise_db;       /* floor rise per block */
	int gap_blocks, min_blocks;
	float memory_blocks;
	struct biquad_coefs kw[2];
	/* meter state */
	struct biquad_state ks[DSP_MAX_CHANNELS][2];
	float acc[DSP_MAX_CHANNELS]; /* this block's sum of squares, per channel */
	float prev_pow[2];           /* the two blocks before: mean square */
	float floor_lufs;
	bool floor_set;
	/* phrases */
	bool in_phrase;
	int32_t id;                  /* the current or last phrase, -1: none yet */
	int inactive_run;            /* blocks since the last dialogue block */
	double sum, count;           /* the current phrase's energy sum and weight */
	float lo, hi;                /* its lowest and highest block level, first block aside */
	int blocks;                  /* its blocks so far */
	struct phrase ph[PHRASES];
	struct tag *tags;            /* ring, tag_len entries, by block index */
	int tag_len;
	int64_t in_block;            /* blocks fully measured since reset */
	/* gain */
	float gain_db;               /* at the end of the block being played */
	float g_from, g_step;        /* linear ramp: frame i of the block: g_from + (i+1) g_step */
	/* stream position */
	int block_pos;               /* frames into the current block */
	int wp;                      /* delay-line write position */
	float *delay[DSP_MAX_CHANNELS];
	float *scratch;              /* one block */
	float *gbuf;                 /* one block of gains */
};

void
leveller_params_default(struct leveller_params *p)
{
	p->target_lufs = -23;
	p->max_boost_db = 12;
	p->max_cut_db = 12;
	p->slew_db_per_s = 40;
	p->lookahead_ms = 500;
	p->gate_db = 10;
	p->gap_ms = 200;
}

static bool
in_range(double v, double lo, double hi)
{
	return v >= lo && v <= hi; /* false for NaN */
}

const char *
leveller_params_check(const struct leveller_params *p)
{
	if (p == NULL)
		return "leveller: no parameters";
	if (!in_range(p->target_lufs, -50, -5))
		return "leveller: target_lufs must be in [-50, -5]";
	if (!in_range(p->max_boost_db, 0, 40))
		return "leveller: max_boost_db must be in [0, 40]";
	if (!in_range(p->max_cut_db, 0, 40))
		return "leveller: max_cut_db must be in [0, 40]";
	if (!in_range(p->slew_db_per_s, 1, 200))
		return "leveller: slew_db_per_s must be in [1, 200]";
	if (!in_range(p->lookahead_ms, 10, 2000))
		return "leveller: lookahead_ms must be in [10, 2000]";
	if (!in_range(p->gate_db, 3, 40))
		return "leveller: gate_db must be in [3, 40]";
	if (!in_range(p->gap_ms, 50, 2000))
		return "leveller: gap_ms must be in [50, 2000]";
	return NULL;
}

/* Everything from p but the lookahead. libm, not per frame. */
static void
design(struct leveller *l, const struct leveller_params *p)
{
	const double block_s = (double)l->block / l->rate_hz;
	const double la = l->p.lookahead_ms;

	l->p = *p;
	l->p.lookahead_ms = la;
	l->slew_step_db = (float)(p->slew_db_per_s * block_s);
	l->rise_db = (float)(LEVELLER_FLOOR_RISE_DB_PER_S * block_s);
	l->gap_blocks = (int)ceil(p->gap_ms / 1000.0 / block_s - 1e-9);
	l->min_blocks = (int)ceil(LEVELLER_MIN_SPEECH_MS / 1000.0 / block_s - 1e-9);
	l->memory_blocks = (float)(LEVELLER_MEMORY_S / block_s);
}

struct leveller *
leveller_create(int channels, int rate_hz, const struct leveller_params *p)
{
	struct leveller *l;
	double b[2][3], a[2][3];

	if (!dsp_stream_ok(channels, rate_hz) || leveller_params_check(p) != NULL)
		return NULL;
	l = calloc(1, sizeof *l);
	if (l == NULL)
		return NULL;
	l->channels = channels;
	l->rate_hz = rate_hz;
	l->block = (int)lround(rate_hz * LEVELLER_BLOCK_MS / 1000.0);
	l->la_blocks = (int)ceil(p->lookahead_ms / 1000.0 * rate_hz / l->block - 1e-9);
	if (l->la_blocks < 1)
		l->la_blocks = 1;
	l->latency = l->la_blocks * l->block;
	l->tag_len = l->la_blocks + 2;
	l->p.lookahead_ms = p->lookahead_ms;
	design(l, p);
	if (loudness_kweighting_design(rate_hz, b, a) != 0)
		goto fail;
	for (int s = 0; s < 2; s++) {
		struct biquad_design d = { b[s][0], b[s][1], b[s][2], a[s][1], a[s][2] };

		if (biquad_coefs_from_design(&d, &l->kw[s]) != 0)
			goto fail;
	}
	l->tags = calloc((size_t)l->tag_len, sizeof *l->tags);
	l->scratch = calloc((size_t)l->block, sizeof *l->scratch);
	l->gbuf = calloc((size_t)l->block, sizeof *l->gbuf);
	if (l->tags == NULL || l->scratch == NULL || l->gbuf == NULL)
		goto fail;
	for (int c = 0; c < channels; c++) {
		l->delay[c] = calloc((size_t)l->latency, sizeof *l->delay[c]);
		if (l->delay[c] == NULL)
			goto fail;
	}
	leveller_reset(l);
	return l;
fail:
	leveller_destroy(l);
	return NULL;
}

void
leveller_destroy(struct leveller *l)
{
	if (l == NULL)
		return;
	for (int c = 0; c < l->channels; c++)
		free(l->delay[c]);
	free(l->gbuf);
	free(l->scratch);
	free(l->tags);
	free(l);
}

void
leveller_set_params(struct leveller *l, const struct leveller_params *p)
{
	if (leveller_params_check(p) == NULL)
		design(l, p);
}

void
leveller_reset(struct leveller *l)
{
	for (int c = 0; c < l->channels; c++) {
		biquad_reset(&l->ks[c][0]);
		biquad_reset(&l->ks[c][1]);
		memset(l->delay[c], 0, (size_t)l->latency * sizeof *l->delay[c]);
		l->acc[c] = 0;
	}
	l->prev_pow[0] = l->prev_pow[1] = 0;
	l->floor_lufs = 0;
	l->floor_set = false;
	l->in_phrase = false;
	l->id = -1;
	l->inactive_run = 0;
	l->sum = 0;
	l->count = 0;
	l->blocks = 0;
	l->lo = l->hi = 0;
	memset(l->ph, 0, sizeof l->ph);
	for (int i = 0; i < l->tag_len; i++)
		l->tags[i] = (struct tag){ -1, true };
	l->in_block = 0;
	l->gain_db = 0;
	l->g_from = 1.0f;
	l->g_step = 0.0f;
	l->block_pos = 0;
	l->wp = 0;
}

int
leveller_latency(const struct leveller *l)
{
	return l->latency;
}

float
leveller_gain_db(const struct leveller *l)
{
	return l->gain_db;
}

static float
pow_to_lufs(float pw)
{
	return pw > 1e-15f ? LUFS_OFFSET + 0.5f * DSP_DB_PER_LOG2 * dsp_fast_log2f(pw) : SILENCE_LUFS;
}

/* The gain target (dB) for a block tagged t, or NAN to hold. */
static float
resolve(const struct leveller *l, struct tag t)
{
	int32_t id = t.gap ? t.id + 1 : t.id;
	const struct phrase *ph;
	float g;

	if (id < 0 || id > l->id)
		return NAN;
	ph = &l->ph[id & (PHRASES - 1)];
	if (!ph->known)
		return NAN;
	g = (float)l->p.target_lufs - ph->lufs;
	if (g > (float)l->p.max_boost_db)
		g = (float)l->p.max_boost_db;
	if (g < -(float)l->p.max_cut_db)
		g = -(float)l->p.max_cut_db;
	return g;
}

static void
block_end(struct leveller *l)
{
	const int64_t k = l->in_block;
	float pw = 0.0f, lvl, lvl3, target, next;
	struct tag *tg = &l->tags[k % l->tag_len];
	bool active;

	for (int c = 0; c < l->channels; c++) {
		pw += l->acc[c];
		l->acc[c] = 0.0f;
	}
	pw /= (float)l->block;
	lvl = pow_to_lufs(pw);
	lvl3 = pow_to_lufs((pw + l->prev_pow[0] + l->prev_pow[1]) * (1.0f / 3.0f));
	l->prev_pow[1] = l->prev_pow[0];
	l->prev_pow[0] = pw;

	/* activity against the floor as it was, then the floor */
	if (!l->floor_set) {
		l->floor_lufs = lvl3;
		l->floor_set = true;
	}
	active = lvl3 > l->floor_lufs + (float)l->p.gate_db && lvl3 > ABS_GATE_LUFS;
	if (lvl3 < l->floor_lufs)
		l->floor_lufs = lvl3;
	else
		l->floor_lufs += l->rise_db;

	if (active) {
		struct phrase *ph;

		if (!l->in_phrase) {
			l->in_phrase = true;
			l->id++;
			l->sum = 0;
			l->count = 0;
			l->blocks = 0;
			l->lo = -SILENCE_LUFS;
			l->hi = SILENCE_LUFS;
			l->ph[l->id & (PHRASES - 1)] = (struct phrase){ SILENCE_LUFS, false };
		}
		l->inactive_run = 0;
		ph = &l->ph[l->id & (PHRASES - 1)];
		if (l->count == 0 || lvl > ph->lufs + REL_GATE_DB) {
			if (l->count >= l->memory_blocks) {
				l->sum *= 1.0 - 1.0 / l->memory_blocks;
				l->count = l->memory_blocks;
			} else {
				l->count += 1;
			}
			l->sum += pw;
			ph->lufs = pow_to_lufs((float)(l->sum / l->count));
		}
	} else if (l->in_phrase && ++l->inactive_run >= l->gap_blocks) {
		/* the phrase ended: its trailing blocks not yet played become gap */
		const int64_t first_unplayed = k + 1 - l->la_blocks;

		l->in_phrase = false;
		for (int64_t j = k - l->inactive_run + 1; j < k; j++)
			if (j >= first_unplayed && j >= 0)
				l->tags[j % l->tag_len].gap = true;
	}
	if (l->in_phrase) {
		struct phrase *ph = &l->ph[l->id & (PHRASES - 1)];

		/* syllabic modulation: what tells speech from a step in the room */
		if (l->blocks++ > 0) {
			l->lo = lvl < l->lo ? lvl : l->lo;
			l->hi = lvl > l->hi ? lvl : l->hi;
		}
		if (l->count >= l->min_blocks && l->hi - l->lo >= LEVELLER_MIN_MOD_DB)
			ph->known = true;
	}
	*tg = (struct tag){ l->id, !l->in_phrase };

	/* the gain for the next block to be played: input block k + 1 - la */
	next = l->gain_db;
	if (k + 1 - l->la_blocks >= 0) {
		target = resolve(l, l->tags[(k + 1 - l->la_blocks) % l->tag_len]);
		if (target == target) { /* not NaN: move towards it */
			float d = target - l->gain_db;

			if (d > l->slew_step_db)
				d = l->slew_step_db;
			if (d < -l->slew_step_db)
				d = -l->slew_step_db;
			next = l->gain_db + d;
		}
	}
	l->g_from = l->g_from + (float)l->block * l->g_step; /* where the last ramp ended */
	if (next != l->gain_db) {
		l->g_step = (dsp_fast_db_to_lin(next) - l->g_from) / (float)l->block;
		l->gain_db = next;
	} else {
		l->g_from = dsp_fast_db_to_lin(next);
		l->g_step = 0.0f;
	}
	l->in_block++;
}

/* One stretch of n frames inside one block. */
static void
stretch(struct leveller *l, float *const *buf, int off, int n)
{
	float *restrict gb = l->gbuf;
	const float g0 = l->g_from, gs = l->g_step;
	const int pos = l->block_pos;

	for (int i = 0; i < n; i++)
		gb[i] = g0 + (float)(pos + i + 1) * gs;
	for (int c = 0; c < l->channels; c++) {
		float *restrict x = buf[c] + off;
		float *restrict d = l->delay[c] + l->wp;
		float *restrict s = l->scratch;
		const struct biquad_coefs *kc[2] = { &l->kw[0], &l->kw[1] };
		struct biquad_state *st[2] = { &l->ks[c][0], &l->ks[c][1] };
		float acc = l->acc[c];

		for (int i = 0; i < n; i++) {
			const float v = x[i];

			s[i] = fabsf(v) <= MAX_SAMPLE ? v : 0.0f; /* NaN too */
		}
		for (int i = 0; i < n; i++) {
			const float y = d[i] * gb[i];

			d[i] = s[i];
			x[i] = y;
		}
		biquad_cascade_process(kc, st, 2, s, n);
		for (int i = 0; i < n; i++)
			acc += s[i] * s[i];
		l->acc[c] = acc;
	}
	l->block_pos += n;
	l->wp += n;
	if (l->wp >= l->latency)
		l->wp = 0;
}

void
leveller_process(struct leveller *l, float *const *buf, int frames)
{
	int done = 0;

	while (done < frames) {
		int n = l->block - l->block_pos;

		if (n > frames - done)
			n = frames - done;
		stretch(l, buf, done, n);
		done += n;
		if (l->block_pos == l->block) {
			l->block_pos = 0;
			block_end(l);
		}
	}
}
