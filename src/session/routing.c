#include "session/routing.h"

#include <stdlib.h>

static size_t
bus_index(const struct session *s, struct id id)
{
	for (size_t i = 0; i < s->bus_count; i++)
		if (s->buses[i].id.num == id.num)
			return i;
	return s->bus_count;
}

/*
 * Breadth-first walk over bus -> bus edges with a visited set, so shared
 * sub-graphs are walked once. On allocation failure it answers "reaches":
 * the callers use it to refuse loops, and refusing is the safe mistake.
 */
static bool
reaches(const struct session *s, struct id from, struct id to)
{
	size_t n = s->bus_count, head = 0, tail = 0, start;
	size_t *queue;
	bool *seen, found = false;

	if (from.num == to.num)
		return true;
	start = bus_index(s, from);
	if (start == n)
		return false;
	queue = malloc(n * sizeof *queue);
	seen = calloc(n, sizeof *seen);
	if (queue == NULL || seen == NULL) {
		free(queue);
		free(seen);
		return true;
	}
	queue[tail++] = start;
	seen[start] = true;
	while (head < tail && !found) {
		const struct strip *st = &s->buses[queue[head++]].strip;

		for (size_t k = 0; k <= st->send_count && !found; k++) {
			struct id next = k < st->send_count ? st->sends[k].bus :
			    st->output;
			size_t ni;

			if (next.num == 0)
				continue;
			if (next.num == to.num) {
				found = true;
				break;
			}
			ni = bus_index(s, next);
			if (ni < n && !seen[ni]) {
				seen[ni] = true;
				queue[tail++] = ni;
			}
		}
	}
	free(queue);
	free(seen);
	return found;
}

bool
routing_bus_reaches(const struct session *s, struct id from, struct id to)
{
	if (from.kind != ID_BUS || to.kind != ID_BUS || from.num == 0 ||
	    to.num == 0)
		return false;
	return reaches(s, from, to);
}

bool
routing_would_loop(const struct session *s, struct id from, struct id to)
{
	if (from.kind != ID_BUS || to.num == 0)
		return false;  /* tracks cannot be fed, so cannot close a loop */
	return routing_bus_reaches(s, to, from);
}

bool
routing_find_loop(const struct session *s, struct id *culprit)
{
	for (size_t i = 0; i < s->bus_count; i++) {
		const struct strip *st = &s->buses[i].strip;
		struct id self = s->buses[i].id;

		if (st->output.num != 0 &&
		    routing_bus_reaches(s, st->output, self))
			goto found;
		for (size_t k = 0; k < st->send_count; k++)
			if (routing_bus_reaches(s, st->sends[k].bus, self))
				goto found;
		continue;
found:
		*culprit = self;
		return true;
	}
	return false;
}
