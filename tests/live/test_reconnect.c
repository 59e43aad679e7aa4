/*
 * The JACK server dies mid-play and comes back: the engine goes offline
 * with a message, keeps its session and playhead, reconnects by itself
 * when a server with the same name is back, and plays on from where it
 * stopped, with the right media. Uses a private server (tests/jack/jackd.sh)
 * so killing it disturbs no other test.
 */
#include "live/live.h"

#include <jack/jack.h>

static char server[64];

static int
jackd(const char *verb)
{
	const char *sh = getenv("DUBSTAGE_JACKD_SH");
	char cmd[4096];

	if (sh == NULL)
		return -1;
	snprintf(cmd, sizeof cmd, "bash '%s' %s '%s' >&2", sh, verb, server);
	return system(cmd);
}

/* The engine's ports as the server lists them. */
static void
check_ports(void)
{
	jack_status_t status;
	jack_client_t *c = jack_client_open("porttest",
	    JackNoStartServer | JackServerName, &status, server);
	const char **ports;
	int n = 0;

	REQUIRE(c != NULL);
	ports = jack_get_ports(c, "^dubstage:", NULL, JackPortIsOutput);
	for (int i = 0; ports != NULL && ports[i] != NULL; i++)
		n++;
	CHECK_INT_EQ(n, 2);
	if (n == 2) {
		CHECK_STR_EQ(ports[0], "dubstage:L");
		CHECK_STR_EQ(ports[1], "dubstage:R");
	}
	jack_free(ports);
	jack_client_close(c);
}

static void
test_server_restart(void)
{
	struct session *s = lt_session(CHAN_STEREO, 2);
	struct live_options o;
	struct live *e;
	struct live_status st;
	struct lt_capture cap;
	float **ref;
	int64_t len = 6 * LT_RATE, frozen, bad = 0, heard = 0;
	bool offline = false, back = false;

	REQUIRE(s != NULL);
	snprintf(server, sizeof server, "dstest-restart-%d", (int)getpid());
	REQUIRE(jackd("start") == 0);
	live_options_default(&o);
	o.server_name = server;
	e = lt_engine(s, &o);
	REQUIRE(e != NULL);
	check_ports();
	lt_capture_init(&cap, 2, 0, len);
	live_play(e);
	lt_capture_until(e, &cap, LT_RATE, 10000);

	CHECK_INT_EQ(jackd("stop"), 0);
	for (int t = 0; t < 10000 && !offline; t += 10) {
		live_poll(e);
		live_status(e, &st);
		offline = !st.online;
		lt_sleep_ms(10);
	}
	CHECK(offline);
	CHECK(st.message[0] != '\0');
	printf("offline: %s\n", st.message);
	lt_capture_drain(e, &cap);
	frozen = st.position;
	lt_sleep_ms(500);
	live_poll(e);
	live_status(e, &st);
	CHECK_INT_EQ(st.position, frozen);     /* nothing moves while offline */

	REQUIRE(jackd("start") == 0);
	for (int t = 0; t < 15000 && !back; t += 10) {
		live_poll(e);
		live_status(e, &st);
		back = st.online;
		lt_sleep_ms(10);
	}
	CHECK(back);
	CHECK_INT_EQ(st.reconnects, 1);
	lt_capture_until(e, &cap, cap.frames + 2 * LT_RATE, 15000);
	live_status(e, &st);
	CHECK(st.position > frozen + LT_RATE);
	live_stop(e);

	/* everything the ports carried, before and after, is the session */
	ref = alloc_planes(2, len);
	REQUIRE(render_range(s, NULL, 0, len, 4096, -1, ref) == 2);
	for (int64_t i = 0; i < len && i < st.position; i++) {
		if (cap.out[0][i] != ref[0][i] || cap.out[1][i] != ref[1][i])
			bad++;
		else
			heard++;
	}
	CHECK_INT_EQ(bad, 0);
	CHECK(heard > frozen + LT_RATE);
	free_planes(ref, 2);
	lt_capture_free(&cap);
	live_destroy(e);
	jackd("stop");
	session_destroy(s);
}

int
main(void)
{
	test_server_restart();
	return test_report();
}
