/* interrupt.c - stopping long commands cleanly on a signal (interrupt.h). */
#include "cli/interrupt.h"

#include <string.h>

volatile sig_atomic_t cli_interrupted;

static void
on_signal(int sig)
{
	(void)sig;
	cli_interrupted = 1;
}

void
cli_interrupt_catch(struct cli_interrupt *ci, bool hangup)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	cli_interrupted = 0;
	ci->hangup = hangup;
	sigaction(SIGINT, &sa, &ci->old_int);
	sigaction(SIGTERM, &sa, &ci->old_term);
	if (hangup)
		sigaction(SIGHUP, &sa, &ci->old_hup);
}

void
cli_interrupt_release(struct cli_interrupt *ci)
{
	sigaction(SIGINT, &ci->old_int, NULL);
	sigaction(SIGTERM, &ci->old_term, NULL);
	if (ci->hangup)
		sigaction(SIGHUP, &ci->old_hup, NULL);
}
