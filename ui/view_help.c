/*
 * view_help.c - the help, printed from the key table (so it always says
 * what the keys do now, rebindings included), then every command a ':'
 * prompt takes. Scrolls with the help table's keys.
 */
#include <stdio.h>
#include <string.h>

#include "cli/scmd.h"
#include "ui/console.h"
#include "ui/dispatch.h"
#include "ui/draw.h"
#include "ui/view.h"

static const char *const tables[] = { "global", "mixer", "timeline",
	"loudness", "help" };

/* Calls line(i, text, look) for every help line; returns the count. */
static int
help_lines(const struct console *c,
    void (*line)(void *ctx, int i, const char *text, enum look look),
    void *ctx)
{
	char text[256], key[16];
	int n = 0;

	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
		snprintf(text, sizeof text, "%s keys", tables[t]);
		line(ctx, n++, text, LOOK_SELECTED);
		for (size_t i = 0; i < c->keys.count; i++) {
			const struct binding *b = &c->keys.b[i];

			if (strcmp(b->table, tables[t]) != 0)
				continue;
			snprintf(text, sizeof text, "  %-8s %-38s %s",
			    keys_name(b->key, key, sizeof key),
			    b->note != NULL ? b->note : "", b->command);
			line(ctx, n++, text, LOOK_NORMAL);
		}
	}
	line(ctx, n++, "commands (type : then the command)", LOOK_SELECTED);
	for (size_t i = 0; console_cmds[i] != NULL; i++) {
		snprintf(text, sizeof text, "  %-14s %-30s %s",
		    console_cmds[i]->name, console_cmds[i]->args,
		    console_cmds[i]->summary);
		line(ctx, n++, text, LOOK_NORMAL);
	}
	for (size_t i = 0; scmd_table[i] != NULL; i++) {
		snprintf(text, sizeof text, "  %-14s %-30s %s",
		    scmd_table[i]->name, scmd_table[i]->args,
		    scmd_table[i]->summary);
		line(ctx, n++, text, LOOK_NORMAL);
	}
	line(ctx, n++, "  and bounce, info, validate, measure, qc as on the "
	    "command line (bounce and info get the session as on screen)",
	    LOOK_NORMAL);
	return n;
}

struct paint {
	WINDOW *w;
	int first, rows;
};

static void
paint_line(void *ctx, int i, const char *text, enum look look)
{
	struct paint *p = ctx;
	int y = i - p->first;

	if (y < 0 || y >= p->rows)
		return;
	wattrset(p->w, draw_look(look));
	draw_text(p->w, y, 0, getmaxx(p->w), text);
	wattrset(p->w, A_NORMAL);
}

static void
count_line(void *ctx, int i, const char *text, enum look look)
{
}

int
view_help_line_count(const struct console *c)
{
	return help_lines(c, count_line, NULL);
}

static void
draw(struct console *c, WINDOW *w)
{
	struct paint p = { w, 0, getmaxy(w) };
	int n = view_help_line_count(c);

	if (c->help_first > n - p.rows)
		c->help_first = n - p.rows;
	if (c->help_first < 0)
		c->help_first = 0;
	p.first = c->help_first;
	help_lines(c, paint_line, &p);
}

const struct view view_help = {
	.name = "help",
	.title = "?:help",
	.draw = draw,
	.shows_meters = false,
};
