/*
 * interrupt.h - how long commands (bounce, clean, play) stop cleanly: while
 * caught, SIGINT and SIGTERM (and SIGHUP, a dropped SSH link, when asked)
 * only set cli_interrupted, which the command's loop polls (bounce and
 * clean pass it as their cancel flag and leave nothing half-written).
 */
#ifndef DUBSTAGE_CLI_INTERRUPT_H
#define DUBSTAGE_CLI_INTERRUPT_H

#include <signal.h>
#include <stdbool.h>

extern volatile sig_atomic_t cli_interrupted;

struct cli_interrupt {
	struct sigaction old_int, old_term, old_hup;
	bool hangup;
};

/* Clears cli_interrupted and installs the handler (SIGHUP too when
 * hangup). */
void cli_interrupt_catch(struct cli_interrupt *ci, bool hangup);
/* Puts back the handlers that were there before. */
void cli_interrupt_release(struct cli_interrupt *ci);

#endif
