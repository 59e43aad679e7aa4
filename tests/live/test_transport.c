/*
 * JACK transport: an engine that follows it starts, locates and stops
 * when another client moves the transport (through JACK's slow-sync, so it
 * starts only when its media is ready, exactly where asked); an engine that
 * drives it moves the transport for everyone.
 */
#include "live/live.h"

#include <jack/jack.h>
#include <jack/transport.h>

static jack_client_t *
other_client(void)
{
	jack_status_t status;

	return jack_client_open("transport-test", JackNoStartServer, &status);
}

static jack_transport_state_t
transport_state(jack_client_t *c, jack_nframes_t *frame)
{
	jack_position_t pos;
	jack_transport_state_t st = jack_transport_query(c, &pos);

	if (frame != NULL)
		*frame = pos.frame;
	return st;
}

static void
test_follow(void)
{
	struct session *s = lt_session(CHAN_STEREO, 2);
	struct live_options o;
	struct live *e;
	struct lt_capture cap;
	struct live_status st;
	jack_client_t *c = other_client();
	float **ref;
	int64_t at = 2 * LT_RATE + 480, len = LT_RATE;
	uint64_t played;

	REQUIRE(s != NULL && c != NULL);
	live_options_default(&o);
	o.transport = LIVE_TRANSPORT_FOLLOW;
	e = lt_engine(s, &o);
	REQUIRE(e != NULL);
	lt_capture_init(&cap, 2, at, len);
	jack_transport_locate(c, (jack_nframes_t)(at - s->timecode.start_frames));
	jack_transport_start(c);
	lt_capture_until(e, &cap, len, 20000);
	CHECK_INT_EQ(cap.first_run_start, at);
	ref = alloc_planes(2, len);
	REQUIRE(render_range(s, NULL, at, len, 1024, -1, ref) == 2);
	CHECK_INT_EQ(lt_count_diff(cap.out, ref, 2, 0, len), 0);

	jack_transport_stop(c);
	lt_sleep_ms(300);
	live_poll(e);
	live_status(e, &st);
	played = st.frames_played;
	CHECK(!st.rolling);
	lt_sleep_ms(300);
	live_status(e, &st);
	CHECK_INT_EQ(st.frames_played, played);
	free_planes(ref, 2);
	lt_capture_free(&cap);
	live_destroy(e);
	jack_client_close(c);
	session_destroy(s);
}

static void
test_drive(void)
{
	struct session *s = lt_session(CHAN_STEREO, 1);
	struct live_options o;
	struct live *e;
	struct lt_capture cap;
	jack_client_t *c = other_client();
	jack_nframes_t frame = 0;
	int64_t at = 3 * LT_RATE;
	bool rolling = false;

	REQUIRE(s != NULL && c != NULL);
	live_options_default(&o);
	o.transport = LIVE_TRANSPORT_DRIVE;
	e = lt_engine(s, &o);
	REQUIRE(e != NULL);
	lt_capture_init(&cap, 2, at, LT_RATE);
	live_locate(e, at);
	live_play(e);
	for (int t = 0; t < 10000 && !rolling; t += 10) {
		live_poll(e);
		rolling = transport_state(c, &frame) == JackTransportRolling;
		lt_sleep_ms(10);
	}
	CHECK(rolling);
	CHECK(frame >= (jack_nframes_t)at);
	lt_capture_until(e, &cap, LT_RATE / 2, 20000);
	CHECK_INT_EQ(cap.first_run_start, at);
	live_stop(e);
	lt_sleep_ms(200);
	CHECK(transport_state(c, NULL) == JackTransportStopped);
	lt_capture_free(&cap);
	live_destroy(e);
	jack_client_close(c);
	session_destroy(s);
}

int
main(void)
{
	test_follow();
	test_drive();
	return test_report();
}
