/* progress.c - the progress bar on stderr (progress.h). */
#include "cli/progress.h"

void
cli_progress_start(struct cli_progress *pr, FILE *err)
{
	pr->err = err;
	pr->last_permille = -1;
	clock_gettime(CLOCK_MONOTONIC, &pr->t0);
}

double
cli_progress_seconds(const struct cli_progress *pr)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - pr->t0.tv_sec) +
	    (double)(t.tv_nsec - pr->t0.tv_nsec) * 1e-9;
}

void
cli_progress_show(void *ctx, int64_t done, int64_t total)
{
	struct cli_progress *pr = ctx;
	int permille = (int)(done * 1000 / (total > 0 ? total : 1));
	int bar = permille * 40 / 1000;

	if (permille == pr->last_permille)
		return;
	pr->last_permille = permille;
	fprintf(pr->err, "\r[%.*s%*s] %5.1f%%  %.1f s", bar,
	    "########################################", 40 - bar, "",
	    permille / 10.0, cli_progress_seconds(pr));
	if (done == total)
		fputc('\n', pr->err);
	fflush(pr->err);
}
