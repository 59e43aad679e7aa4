/*
 * engine_link.c - the console's engine handle: live engine, snapshot and
 * edit synchronisation.
 *
 * Sync keeps a copy of the session the engine plays. To tell a parameter
 * ride from a structural edit, it copies the new session, writes the old
 * faders, mutes, solos, pans and send levels into the copy and compares
 * the two serialised: equal means only those parameters moved, and they go
 * as ramped commands; anything else recompiles. Comparing the serialised
 * form keeps this honest as the model grows: a new field is "structural"
 * until someone decides otherwise.
 */
#include "ui/engine_link.h"

#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "engine/live.h"
#include "session/session_xml.h"
#include "ui/console.h"

struct engine_link {
	struct live *live;            /* NULL when disabled */
	struct session *played;       /* what the engine plays (a copy) */
	int rate;
};

int
engine_link_open(struct engine_link **out, const struct session *s,
    const struct engine_link_options *o, char *msg, size_t msg_size)
{
	struct engine_link *el = calloc(1, sizeof *el);
	struct live_options lo;
	struct diag d;
	int rc;

	*out = NULL;
	msg[0] = '\0';
	if (el == NULL)
		return ERR_NOMEM;
	el->rate = s->sample_rate_hz;
	if (o->disabled) {
		*out = el;
		return 0;
	}
	el->played = session_clone(s);
	if (el->played == NULL) {
		free(el);
		return ERR_NOMEM;
	}
	live_options_default(&lo);
	lo.server_name = o->server_name;
	lo.connect = o->connect;
	lo.start_offline = true;
	lo.tap_frames = (size_t)s->sample_rate_hz;   /* 1 s for the meter */
	rc = live_create(s, &lo, &el->live, &d);
	if (rc != 0) {
		diag_format(&d, msg, msg_size);
		engine_link_close(el);
		return rc;
	}
	*out = el;
	return 0;
}

void
engine_link_close(struct engine_link *el)
{
	if (el == NULL)
		return;
	live_destroy(el->live);
	session_destroy(el->played);
	free(el);
}

void
engine_link_poll(struct engine_link *el, struct console_snapshot *snap)
{
	struct live_status st;

	if (el->live == NULL) {
		snap->online = false;
		snap->rolling = false;
		snprintf(snap->message, sizeof snap->message,
		    "engine disabled (--no-engine)");
		return;
	}
	live_poll(el->live);
	live_status(el->live, &st);
	snap->online = st.online;
	snap->rolling = st.rolling;
	snap->position = st.position;
	snap->xruns = st.xruns;
	snap->underruns = st.underruns;
	snprintf(snap->message, sizeof snap->message, "%s", st.message);
}

void
engine_link_play(struct engine_link *el)
{
	if (el->live != NULL)
		live_play(el->live);
}

void
engine_link_stop(struct engine_link *el)
{
	if (el->live != NULL)
		live_stop(el->live);
}

void
engine_link_locate(struct engine_link *el, int64_t frame)
{
	if (el->live != NULL)
		live_locate(el->live, frame);
}

/* The parameters that travel as commands, copied from one strip to another. */
static void
copy_params(struct strip *to, const struct strip *from)
{
	to->gain_db = from->gain_db;
	to->mute = from->mute;
	to->solo = from->solo;
	to->pan = from->pan;
	for (size_t i = 0; i < to->send_count; i++)
		for (size_t j = 0; j < from->send_count; j++)
			if (to->sends[i].bus.num == from->sends[j].bus.num)
				to->sends[i].level_db = from->sends[j].level_db;
}

/* True when s differs from old only in the commanded parameters. */
static bool
params_only(const struct session *old, const struct session *s)
{
	struct session *probe;
	char *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	bool same = false;
	struct diag d;

	if (old->track_count != s->track_count || old->bus_count != s->bus_count)
		return false;
	probe = session_clone(s);
	if (probe == NULL)
		return false;
	for (size_t i = 0; i < probe->track_count; i++)
		copy_params(&probe->tracks[i].strip, &old->tracks[i].strip);
	for (size_t i = 0; i < probe->bus_count; i++)
		copy_params(&probe->buses[i].strip, &old->buses[i].strip);
	if (session_xml_write_memory(probe, &a, &na, &d) == 0 &&
	    session_xml_write_memory(old, &b, &nb, &d) == 0)
		same = na == nb && memcmp(a, b, na) == 0;
	free(a);
	free(b);
	session_destroy(probe);
	return same;
}

static void
send_params(struct live *e, struct id id, const struct strip *o,
    const struct strip *n, bool *mutes)
{
	if (o->gain_db != n->gain_db)
		live_set_gain(e, id, n->gain_db);
	if (memcmp(&o->pan, &n->pan, sizeof o->pan) != 0)
		live_set_pan(e, id, &n->pan);
	if (o->mute != n->mute || o->solo != n->solo)
		*mutes = true;
	for (size_t i = 0; i < n->send_count && i < o->send_count; i++)
		if (o->sends[i].level_db != n->sends[i].level_db)
			live_set_send_level(e, id, n->sends[i].bus,
			    n->sends[i].level_db);
}

int
engine_link_sync(struct engine_link *el, const struct session *s, char *msg,
    size_t msg_size)
{
	struct session *copy;
	bool mutes = false;
	struct diag d;
	int rc = 0;

	msg[0] = '\0';
	if (el->live == NULL)
		return 0;
	copy = session_clone(s);
	if (copy == NULL)
		return ERR_NOMEM;
	if (params_only(el->played, s)) {
		for (size_t i = 0; i < s->track_count; i++)
			send_params(el->live, s->tracks[i].id,
			    &el->played->tracks[i].strip, &s->tracks[i].strip,
			    &mutes);
		for (size_t i = 0; i < s->bus_count; i++)
			send_params(el->live, s->buses[i].id,
			    &el->played->buses[i].strip, &s->buses[i].strip,
			    &mutes);
		if (mutes)
			live_update_mutes(el->live, s);
	} else {
		rc = live_update_session(el->live, s, &d);
		if (rc != 0) {
			diag_format(&d, msg, msg_size);
			session_destroy(copy);
			return rc;
		}
	}
	session_destroy(el->played);
	el->played = copy;
	return rc;
}

int
engine_link_meter(struct engine_link *el, struct id id, float *peak,
    float *rms, int max_channels)
{
	if (el->live == NULL)
		return 0;
	return live_meter(el->live, id, peak, rms, max_channels);
}

int
engine_link_tap(struct engine_link *el, float *buf, int max_frames)
{
	int64_t first;

	if (el->live == NULL)
		return 0;
	return live_tap_read(el->live, buf, max_frames, &first);
}

int
engine_link_channels(const struct engine_link *el)
{
	return el->live != NULL ? live_output_channels(el->live) : 0;
}

enum chan_format
engine_link_format(const struct engine_link *el)
{
	return el->live != NULL ? live_output_format(el->live) :
	    CHAN_FORMAT_COUNT;
}

int
engine_link_rate(const struct engine_link *el)
{
	return el->rate;
}
