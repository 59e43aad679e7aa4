/*
 * routing.h - questions about the signal graph of a session: which buses
 * feed which, whether a route would make a loop. Tracks feed buses (output
 * or sends), buses feed buses or the master; the graph must stay acyclic so
 * the engine can sort it into a flat list.
 */
#ifndef DUBSTAGE_SESSION_ROUTING_H
#define DUBSTAGE_SESSION_ROUTING_H

#include <stdbool.h>

#include "session/session.h"

/* True when signal entering bus `from` reaches bus `to` (through outputs
 * and sends, any depth; from == to counts). Unknown ids reach nothing. */
bool routing_bus_reaches(const struct session *s, struct id from, struct id to);

/* True when routing strip `from` (a track or bus) into bus `to` (as its
 * output or a send) would create a loop. */
bool routing_would_loop(const struct session *s, struct id from, struct id to);

/* Finds a bus that is part of a loop; returns true and sets *culprit. */
bool routing_find_loop(const struct session *s, struct id *culprit);

#endif
