/*
 * cmd_console.c - `dubstage console SESSION` (also `dubstage SESSION`):
 * opens a session, or an AAF through the importer, in the console.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/error.h"
#include "base/lockfile.h"
#include "base/strutil.h"
#include "cli/cli.h"
#include "interchange/import.h"
#include "qc/loudmeter.h"
#include "session/edit.h"
#include "session/session_xml.h"
#include "ui/console.h"
#include "ui/draw.h"
#include "ui/engine_link.h"
#include "ui/session_guard.h"
#include "ui/ui.h"
#include "ui/view.h"

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/*
 * An AAF opens as the session "<name>.dubstage" beside it: imported and
 * saved the first time, reopened (with its edits) after that.
 */
static int
session_for_aaf(const char *aaf, char **path_out, FILE *out, FILE *err)
{
	size_t n = strlen(aaf) - 4;
	char *path = malloc(n + sizeof ".dubstage");
	struct import_options io = { 0 };
	struct import_report rep;
	struct session *s = NULL;
	struct stat st;
	struct diag d;
	int rc;

	if (path == NULL)
		return CLI_FAILED;
	memcpy(path, aaf, n);
	strcpy(path + n, ".dubstage");
	*path_out = path;
	if (stat(path, &st) == 0) {
		fprintf(out, "dubstage: opening %s (imported from %s earlier)\n",
		    path, aaf);
		return CLI_OK;
	}
	io.session_path = path;
	rc = import_aaf(aaf, &io, &s, &rep, &d);
	if (rc == 0)
		rc = session_xml_save(s, path, &d);
	session_destroy(s);
	import_report_fini(&rep);
	if (rc != 0) {
		char msg[1024];

		diag_format(&d, msg, sizeof msg);
		fprintf(err, "dubstage console: %s\n", msg);
		return cli_exit_for_error(rc);
	}
	return CLI_OK;
}

struct console_args {
	bool list_keys;
	const char *keys_file;
	const char *spec;
	struct engine_link_options eo;
	int meter_hz;
};

static int
parse_args(int argc, char **argv, struct console_args *a, FILE *err)
{
	static const struct option options[] = {
		{ "keys", required_argument, NULL, 'k' },
		{ "server", required_argument, NULL, 's' },
		{ "no-engine", no_argument, NULL, 'E' },
		{ "no-connect", no_argument, NULL, 'C' },
		{ "meter-hz", required_argument, NULL, 'r' },
		{ "spec", required_argument, NULL, 'p' },
		{ "list-keys", no_argument, NULL, 'K' },
		{ NULL, 0, NULL, 0 }
	};
	int opt;

	memset(a, 0, sizeof *a);
	a->eo.connect = true;
	a->meter_hz = 30;
	a->spec = "ebu-r128";
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "k:s:", options, NULL)) != -1) {
		switch (opt) {
		case 'k': a->keys_file = optarg; break;
		case 's': a->eo.server_name = optarg; break;
		case 'E': a->eo.disabled = true; break;
		case 'C': a->eo.connect = false; break;
		case 'p': a->spec = optarg; break;
		case 'K': a->list_keys = true; break;
		case 'r':
			if (str_to_int(optarg, 1, 60, &a->meter_hz) != 0)
				return cli_usage_error(&cmd_console, err,
				    "--meter-hz takes 1..60");
			break;
		default:
			return cli_usage_error(&cmd_console, err,
			    "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != (a->list_keys ? 0 : 1))
		return cli_usage_error(&cmd_console, err, a->list_keys ?
		    "--list-keys takes no SESSION" : "expects one SESSION");
	return CLI_OK;
}

static int
load_keys(struct console *c, const char *file, FILE *err)
{
	char *path = file != NULL ? str_dup(file) : keymap_default_file();
	char msg[512];
	int rc = 0;

	if (keymap_init_defaults(&c->keys) != 0) {
		free(path);
		return CLI_FAILED;
	}
	if (path != NULL && keymap_load_file(&c->keys, path, msg,
	    sizeof msg) != 0) {
		fprintf(err, "dubstage console: keys file %s\n", msg);
		rc = CLI_BAD_INPUT;
	}
	free(path);
	return rc;
}

/* --list-keys: the key table, as the help view shows it, one binding a
 * line: table, key, note, command (tab-separated). */
static int
list_keys(const char *keys_file, FILE *out, FILE *err)
{
	struct console c;
	char name[16];
	int rc;

	memset(&c, 0, sizeof c);
	rc = load_keys(&c, keys_file, err);
	for (size_t i = 0; rc == 0 && i < c.keys.count; i++) {
		const struct binding *b = &c.keys.b[i];

		fprintf(out, "%s\t%s\t%s\t%s\n", b->table,
		    keys_name(b->key, name, sizeof name),
		    b->note != NULL ? b->note : "", b->command);
	}
	keymap_free(&c.keys);
	return rc;
}

static void
curses_start(struct console *c)
{
	initscr();
	raw();          /* C-z, C-s, C-c reach the key table */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	draw_setup(&c->colour, &c->utf8);
}

static int
run(int argc, char **argv, FILE *out, FILE *err)
{
	struct console_args a;
	struct console c;
	struct lockfile lock;
	struct session *s = NULL;
	char *path = NULL, msg[512];
	int rc, sig;

	if ((rc = parse_args(argc, argv, &a, err)) != CLI_OK)
		return rc;
	if (a.list_keys)
		return list_keys(a.keys_file, out, err);
	memset(&c, 0, sizeof c);
	lockfile_init(&lock);
	if (ends_with(argv[optind], ".aaf")) {
		if ((rc = session_for_aaf(argv[optind], &path, out, err)) != 0) {
			free(path);
			return rc;
		}
	} else if ((path = str_dup(argv[optind])) == NULL) {
		return CLI_FAILED;
	}
	if ((rc = lockfile_acquire(path, &lock, msg, sizeof msg)) != 0) {
		if (rc == ERR_BUSY)
			fprintf(err, "dubstage console: %s is open in another "
			    "console (%s); close that one first\n", path, msg);
		else
			fprintf(err, "dubstage console: cannot lock %s: %s\n",
			    path, msg);
		free(path);
		return CLI_FAILED;
	}
	if ((rc = cli_load_session("console", path, &s, err)) != CLI_OK ||
	    (rc = load_keys(&c, a.keys_file, err)) != CLI_OK)
		goto done;
	c.ed = editor_create(s);
	if (c.ed == NULL) {
		rc = CLI_FAILED;
		goto done;
	}
	s = NULL;
	if (engine_link_open(&c.engine, editor_session(c.ed), &a.eo, msg,
	    sizeof msg) != 0) {
		fprintf(err, "dubstage console: %s\n", msg);
		rc = CLI_BAD_INPUT;
		goto done;
	}
	c.session_path = path;
	c.meter_hz = a.meter_hz;
	c.view = &view_mixer;
	c.playhead = editor_session(c.ed)->timecode.start_frames;
	c.tl_start = c.playhead;
	c.tl_frames_per_col = editor_session(c.ed)->sample_rate_hz / 4;
	snprintf(c.spec, sizeof c.spec, "%s", a.spec);
	curses_start(&c);
	session_guard_start(&c);
	sig = console_loop(&c);
	endwin();
	if (sig != 0)
		fprintf(err, "dubstage console: stopped by signal %d; %s\n", sig,
		    editor_is_dirty(c.ed) ? "unsaved edits are in the journal "
		    "and will be offered at the next start" : "nothing unsaved");
	rc = CLI_OK;
done:
	engine_link_close(c.engine);
	loudmeter_destroy(c.loud);
	editor_destroy(c.ed);
	session_destroy(s);
	keymap_free(&c.keys);
	free(c.meters);
	lockfile_release(&lock);
	free(path);
	return rc;
}

const struct cli_command cmd_console = {
	.name = "console",
	.args = "[options] SESSION | FILE.aaf | --list-keys",
	.summary = "the mix console (also: dubstage SESSION)",
	.help =
	    "Opens the session in the ncurses console: mixer, timeline,\n"
	    "loudness and help views. Every key runs a command line (press ?\n"
	    "for the keys, : to type a command). Edits are journaled as they\n"
	    "happen; after a dropped connection or a crash the next start\n"
	    "offers to recover them. An .aaf opens as NAME.dubstage beside it\n"
	    "(imported the first time).\n"
	    "\n"
	    "  -k, --keys FILE      keys file (default $DUBSTAGE_KEYS, else\n"
	    "                       ~/.config/dubstage/keys)\n"
	    "  -s, --server NAME    JACK server (default $JACK_DEFAULT_SERVER)\n"
	    "      --no-engine      never connect to JACK (editing only)\n"
	    "      --no-connect     do not connect to the playback ports\n"
	    "      --meter-hz N     meter refresh, 1..60 (default 30)\n"
	    "      --spec NAME      delivery spec for the loudness view\n"
	    "                       (default ebu-r128)\n"
	    "      --list-keys      print the key table (with the keys file)\n"
	    "\n"
	    "Environment: NO_COLOR (no colours), DUBSTAGE_ASCII (no UTF-8).\n",
	.run = run,
};
