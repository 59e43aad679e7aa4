/*
 * The voice read fast path of process.c: a track with one voice playing one
 * clip at a constant gain, outside its fades, over the whole block reads
 * the ring straight into the track buffer (stream_voice_read_sum) instead
 * of read, scale, clear and add. Both must give the same bits, -0.0 (which
 * the add into a cleared buffer turns into +0.0) included: the media holds
 * -0.0 and +0.0 samples, and the same session with a flat 0 dB clip-gain
 * lane on every clip (which forces the general path everywhere) is the
 * reference. Compared bit for bit: the track buffers after every block
 * (they hold the voices' sum under a 0 dB fader), and the master output,
 * for fixed and varying block sizes; mono and stereo tracks.
 */
#include "test.h"
#include "engine/render.h"
#include "engine/plan_internal.h"

#include <math.h>

#define RATE 48000
#define LEN 60000

static float
signed_zeros(int64_t i, int c)
{
	if (i % 5 == 0)
		return -0.0f;
	if (i % 7 == 0)
		return 0.0f;
	return hash_noise(i, c, 91u);
}

static const char *mono_wav, *stereo_wav;

static void
flat_gain_lane(struct clip *c)
{
	c->gain_lane = calloc(1, sizeof *c->gain_lane);
	c->gain_lane->param = AUTO_CLIP_GAIN;
	c->gain_lane->points = calloc(1, sizeof *c->gain_lane->points);
	c->gain_lane->points[0] = (struct auto_point){ 0, 0.0, INTERP_LINEAR };
	c->gain_lane->count = c->gain_lane->cap = 1;
}

/* Two tracks (mono, stereo) of adjacent clips: unity gain, -3.5 dB with
 * fades, +2 dB; with lanes, each clip gets a flat 0 dB gain lane. */
static struct session *
make_session(bool lanes)
{
	struct session *s = new_session(RATE, CHAN_STEREO);
	struct source *m = add_source(s, mono_wav, 1, RATE, LEN);
	struct source *st = add_source(s, stereo_wav, 2, RATE, LEN);
	struct track *t[2] = { add_track(s, "M", CHAN_MONO),
	    add_track(s, "S", CHAN_STEREO) };
	struct id src[2] = { m->id, st->id };

	for (int k = 0; k < 2; k++) {
		struct clip *a = add_clip(s, t[k], src[k], 100, 9000, 0);
		struct clip *b = add_clip(s, t[k], src[k], 9100, 20000, 9000);
		struct clip *c = add_clip(s, t[k], src[k], 29100, 15000, 31000);

		b->gain_db = -3.5;
		b->fade_in.length_frames = 700;
		b->fade_out.length_frames = 1300;
		c->gain_db = 2.0;
		if (lanes) {
			flat_gain_lane(a);
			flat_gain_lane(b);
			flat_gain_lane(c);
		}
	}
	return s;
}

/* Renders [0, LEN) with the given block (varying when < 0) into the
 * tracks' buffers after each block (trk[k][c]) and the master output. */
static void
render(const struct session *s, int block, float **trk[2], float **out)
{
	struct plan_options po;
	struct plan *p;
	struct diag d;
	uint32_t rnd = 777;

	plan_options_default(&po);
	po.max_block_frames = block > 0 ? block : -block;
	REQUIRE(plan_compile(s, &po, &p, &d) == 0);
	plan_locate(p, 0);
	streamer_start(plan_streamer(p), 0);
	for (int64_t done = 0; done < LEN; ) {
		int n = block > 0 ? block :
		    1 + (int)((rnd = rnd * 1103515245u + 12345u) >> 16) % -block;
		const float *const *o;

		if (n > LEN - done)
			n = (int)(LEN - done);
		streamer_consumer_sync(plan_streamer(p));
		streamer_wait_available(plan_streamer(p), n);
		process_run(p, n);
		for (int k = 0; k < 2; k++)
			for (int c = 0; c < p->strips[k].channels; c++)
				memcpy(trk[k][c] + done, p->strips[k].buf[c],
				    (size_t)n * sizeof(float));
		o = plan_output(p);
		for (int c = 0; c < 2; c++)
			memcpy(out[c] + done, o[c], (size_t)n * sizeof(float));
		done += n;
	}
	plan_destroy(p);
}

static bool
same_bits(float **a, float **b, int channels)
{
	bool same = true;

	for (int c = 0; c < channels; c++)
		same &= memcmp(a[c], b[c], LEN * sizeof(float)) == 0;
	return same;
}

static void
test_fast_path_bit_identical(int block)
{
	struct session *fast = make_session(false), *ref = make_session(true);
	float **ft[2] = { alloc_planes(1, LEN), alloc_planes(2, LEN) };
	float **rt[2] = { alloc_planes(1, LEN), alloc_planes(2, LEN) };
	float **fo = alloc_planes(2, LEN), **ro = alloc_planes(2, LEN);
	int neg_zero = 0, pos_zero = 0;

	render(fast, block, ft, fo);
	render(ref, block, rt, ro);
	CHECK(same_bits(ft[0], rt[0], 1));
	CHECK(same_bits(ft[1], rt[1], 2));
	CHECK(same_bits(fo, ro, 2));
	/* the media's -0.0 reached the track as +0.0, as an add gives */
	for (int64_t i = 0; i < LEN; i++) {
		neg_zero += ft[0][0][i] == 0.0f && signbit(ft[0][0][i]);
		pos_zero += i >= 200 && i < 9000 && ft[0][0][i] == 0.0f &&
		    !signbit(ft[0][0][i]);
	}
	CHECK_INT_EQ(neg_zero, 0);
	CHECK(pos_zero > 1000);
	/* and the unity-gain clip is the media itself */
	CHECK(ft[0][0][1000] == signed_zeros(900, 0) + 0.0f);
	for (int k = 0; k < 2; k++) {
		free_planes(ft[k], k + 1);
		free_planes(rt[k], k + 1);
	}
	free_planes(fo, 2);
	free_planes(ro, 2);
	session_destroy(fast);
	session_destroy(ref);
}

int
main(void)
{
	mono_wav = strdup(test_path("zeros_mono.wav"));
	stereo_wav = strdup(test_path("zeros_stereo.wav"));
	write_wav(mono_wav, 1, RATE, LEN + 40000, signed_zeros);
	write_wav(stereo_wav, 2, RATE, LEN + 40000, signed_zeros);
	test_fast_path_bit_identical(64);
	test_fast_path_bit_identical(1);
	test_fast_path_bit_identical(1000);
	test_fast_path_bit_identical(-300);
	return test_report();
}
