/*
 * session_guard.h - never lose work: the autosave journal and recovery.
 *
 * (The lock, <session>.lock, is taken by cmd_console.c before loading, so
 * a second console or a `dubstage edit` is kept off the session.)
 *
 * If a journal from an earlier console is found (it ended by a dropped
 * link, a signal or a crash), the console asks whether to recover: yes
 * replays the journal's commands on a copy of the session and, when all
 * of them apply, adopts it and keeps the journal growing from there; no
 * sets the journal aside as <session>.journal.discarded. A journal made
 * for another version of the file, or damaged, is set aside too (.stale,
 * .damaged), never replayed. Every command that changed the session is
 * appended (and synced to disk) before the next key is read; a save
 * starts a fresh journal; a clean quit removes it.
 */
#ifndef DUBSTAGE_UI_SESSION_GUARD_H
#define DUBSTAGE_UI_SESSION_GUARD_H

#include <stdbool.h>

struct console;
struct scmd;

/* After loading: offers recovery when a journal is pending (the question
 * is asked on the message line), else starts journaling. */
void session_guard_start(struct console *c);
/* Command line `line` (command cmd) changed the session: journal it. */
void session_guard_changed(struct console *c, const struct scmd *cmd,
    const char *line);
/* A save ran: when the session file now holds the session, start a fresh
 * journal. */
void session_guard_saved(struct console *c);
/* Quitting. clean: the session is saved (or the person chose to drop the
 * edits), so the journal goes; otherwise it stays for the next start. */
void session_guard_stop(struct console *c, bool clean);

#endif
