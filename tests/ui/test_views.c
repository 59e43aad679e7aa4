/*
 * Each view rendered off-screen (curses on /dev/null, an 80x21 window, as
 * the console gives a view on an 80x24 terminal) from fixed state: the
 * demo session, set meter levels, a loudness meter fed a known tone, the
 * playhead and a selected clip. The text is compared with golden files in
 * tests/ui/golden/<view>.txt; DUBSTAGE_UPDATE_GOLDEN=1 rewrites them (then
 * read the diff before committing: the golden files are the review).
 * ASCII mode, so the files are plain text.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qc/loudmeter.h"
#include "session/edit.h"
#include "session/session_xml.h"
#include "test.h"
#include "ui/console.h"
#include "ui/draw.h"
#include "ui/engine_link.h"
#include "ui/view.h"

#define ROWS 21
#define COLS_ 80

static char *
render(struct console *c, const struct view *v)
{
	WINDOW *w = newwin(ROWS, COLS_, 0, 0);
	static char text[ROWS * (COLS_ + 1) + 1];
	char line[COLS_ + 1];
	size_t len = 0;

	c->view = v;
	werase(w);
	v->draw(c, w);
	text[0] = '\0';
	for (int y = 0; y < ROWS; y++) {
		int n = mvwinnstr(w, y, 0, line, COLS_);

		if (n < 0)
			n = 0;
		line[n] = '\0';
		while (n > 0 && line[n - 1] == ' ')
			line[--n] = '\0';
		len += (size_t)snprintf(text + len, sizeof text - len, "%s\n", line);
	}
	delwin(w);
	return text;
}

static void
check_golden(struct console *c, const struct view *v)
{
	const char *src = getenv("DUBSTAGE_SOURCE_DIR");
	char path[4096], want[8192];
	const char *got = render(c, v);
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "%s/tests/ui/golden/%s.txt",
	    src != NULL ? src : ".", v->name);
	if (getenv("DUBSTAGE_UPDATE_GOLDEN") != NULL) {
		f = fopen(path, "w");
		REQUIRE(f != NULL);
		fputs(got, f);
		fclose(f);
	}
	f = fopen(path, "r");
	REQUIRE(f != NULL);
	n = fread(want, 1, sizeof want - 1, f);
	want[n] = '\0';
	fclose(f);
	if (strcmp(got, want) != 0) {
		printf("--- %s: got\n%s--- wanted\n%s", v->name, got, want);
		CHECK(!"the view differs from its golden file");
	} else {
		CHECK(1);
	}
}

/* 10 s of a -20 dBFS 1 kHz tone on L and R of a 5.1 master. */
static void
tone_meter(struct loudmeter **out)
{
	struct loudmeter_config cfg;
	struct loudmeter *m = NULL;
	static float buf[4800 * 6];
	double amp = pow(10.0, -20.0 / 20.0);

	loudmeter_config_init(&cfg, 48000, 6);
	cfg.layout = "5.1";
	REQUIRE(loudmeter_create(&cfg, &m) == 0);
	for (int block = 0; block < 100; block++) {
		for (int i = 0; i < 4800; i++) {
			float x = (float)(amp * sin(2 * M_PI * 1000.0 *
			    (block * 4800 + i) / 48000.0));

			memset(&buf[i * 6], 0, 6 * sizeof(float));
			buf[i * 6] = buf[i * 6 + 1] = x;
		}
		loudmeter_feed(m, buf, 4800);
	}
	*out = m;
}

static void
run(void)
{
	const char *src = getenv("DUBSTAGE_SOURCE_DIR");
	struct engine_link_options eo = { .disabled = true };
	struct console c;
	struct session *s;
	struct diag d;
	char path[4096], msg[256];
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	SCREEN *scr;

	setenv("TERM", "vt100", 1);
	setenv("DUBSTAGE_ASCII", "1", 1);
	scr = newterm(NULL, out, in);
	REQUIRE(scr != NULL);
	memset(&c, 0, sizeof c);
	draw_setup(&c.colour, &c.utf8);
	CHECK(!c.utf8);
	snprintf(path, sizeof path, "%s/sessions/demo/demo.dubstage",
	    src != NULL ? src : ".");
	REQUIRE(session_xml_load(path, &s, &d) == 0);
	REQUIRE((c.ed = editor_create(s)) != NULL);
	REQUIRE(keymap_init_defaults(&c.keys) == 0);
	REQUIRE(engine_link_open(&c.engine, s, &eo, msg, sizeof msg) == 0);
	engine_link_poll(c.engine, &c.snap);
	snprintf(c.spec, sizeof c.spec, "ebu-r128");
	c.meter_hz = 30;
	c.playhead = s->timecode.start_frames + 5 * s->sample_rate_hz;
	c.tl_start = s->timecode.start_frames;
	c.tl_frames_per_col = s->sample_rate_hz / 4;
	c.clip_sel.kind = ID_CLIP;
	c.clip_sel.num = 1;
	c.strip_sel = 1;

	/* meters: strip i peaks at -6 i dB, RMS 10 dB lower, every channel */
	c.meter_count = console_strip_count(&c) + 1;
	c.meters = calloc((size_t)c.meter_count, sizeof *c.meters);
	REQUIRE(c.meters != NULL);
	for (int i = 0; i < c.meter_count; i++) {
		c.meters[i].channels = CONSOLE_METER_CH;
		for (int ch = 0; ch < CONSOLE_METER_CH; ch++) {
			c.meters[i].peak[ch] = (float)pow(10.0, -6.0 * i / 20.0);
			c.meters[i].rms[ch] = (float)pow(10.0, (-6.0 * i - 10) / 20.0);
		}
	}

	check_golden(&c, &view_mixer);
	check_golden(&c, &view_timeline);
	tone_meter(&c.loud);
	check_golden(&c, &view_loudness);
	check_golden(&c, &view_help);

	/* the selection moves with the state, not with the golden file */
	c.strip_sel = 0;
	c.view = &view_mixer;
	CHECK(strstr(render(&c, &view_mixer), ">T1") != NULL);
	CHECK(strstr(render(&c, &view_mixer), ">T2") == NULL);

	loudmeter_destroy(c.loud);
	engine_link_close(c.engine);
	editor_destroy(c.ed);
	keymap_free(&c.keys);
	free(c.meters);
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
}

int
main(void)
{
	run();
	return test_report();
}
