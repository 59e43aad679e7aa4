/*
 * progress.h - the progress bar long commands (bounce, clean) draw on
 * stderr when it is a terminal: "[#####     ]  42.0%  3.1 s", redrawn only
 * when the permille changes, ended with a newline at 100 %.
 */
#ifndef DUBSTAGE_CLI_PROGRESS_H
#define DUBSTAGE_CLI_PROGRESS_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

struct cli_progress {
	FILE *err;
	struct timespec t0;
	int last_permille;
};

/* Starts the clock; the bar goes to err. */
void cli_progress_start(struct cli_progress *pr, FILE *err);
/* A progress callback (ctx is the struct cli_progress). */
void cli_progress_show(void *ctx, int64_t done, int64_t total);
/* Seconds since cli_progress_start. */
double cli_progress_seconds(const struct cli_progress *pr);

#endif
