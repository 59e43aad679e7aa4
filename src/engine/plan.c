/*
 * plan.c - compiling a session into a plan (control thread).
 *
 * Order of work: decide who is audible (solo-in-place), sort the buses so
 * every bus comes after everything that feeds it, build one strip per
 * track, bus and the master, split each track's clips into voices that
 * never overlap (crossfades need two voices), compute the routing matrices,
 * copy the automation, then allocate and touch every audio buffer at once.
 */
#include "engine/plan_internal.h"
#include "engine/route.h"
#include "session/routing.h"
#include "session/session_xml.h"
#include "base/strutil.h"
#include "dsp/downmix.h"
#include "dsp/gain.h"

#include <stdlib.h>
#include <string.h>

void
plan_options_default(struct plan_options *o)
{
	memset(o, 0, sizeof *o);
	o->max_block_frames = 1024;
	o->output_format = CHAN_FORMAT_COUNT;
	o->downmix_centre_db = DOWNMIX_MINUS_3DB;
	o->downmix_surround_db = DOWNMIX_MINUS_3DB;
	o->downmix_lfe = false;
	o->stream_ring_seconds = 2.0;
	o->stream_quality = STREAM_QUALITY_BEST;
	o->stream_read_delay_us = 0;
	o->meters = true;
}

/* ---- solo-in-place ------------------------------------------------------ */

/* True when strip `from` (track or bus) feeds bus `to`, directly or not. */
static bool
feeds(const struct session *s, const struct strip *from, struct id to)
{
	if (from->output.num != 0 && routing_bus_reaches(s, from->output, to))
		return true;
	for (size_t i = 0; i < from->send_count; i++)
		if (routing_bus_reaches(s, from->sends[i].bus, to))
			return true;
	return false;
}

static bool
any_solo(const struct session *s)
{
	for (size_t i = 0; i < s->track_count; i++)
		if (s->tracks[i].strip.solo)
			return true;
	for (size_t i = 0; i < s->bus_count; i++)
		if (s->buses[i].strip.solo)
			return true;
	return false;
}

/*
 * Solo-in-place: with anything soloed, a strip is heard when it is soloed,
 * feeds a soloed bus (its sources must reach it), or is a bus fed by a
 * soloed strip (so the soloed signal reaches the master).
 */
static bool
audible(const struct session *s, struct id id, const struct strip *st)
{
	if (!any_solo(s) || st->solo)
		return true;
	for (size_t i = 0; i < s->bus_count; i++)
		if (s->buses[i].strip.solo && feeds(s, st, s->buses[i].id))
			return true;
	if (id.kind != ID_BUS)
		return false;
	for (size_t i = 0; i < s->track_count; i++)
		if (s->tracks[i].strip.solo && feeds(s, &s->tracks[i].strip, id))
			return true;
	for (size_t i = 0; i < s->bus_count; i++)
		if (s->buses[i].strip.solo && s->buses[i].id.num != id.num &&
		    feeds(s, &s->buses[i].strip, id))
			return true;
	return false;
}

/* ---- lanes -------------------------------------------------------------- */

static int
lane_copy(struct pl_lane *dst, const struct auto_lane *src)
{
	memset(dst, 0, sizeof *dst);
	if (src == NULL || src->count == 0)
		return 0;
	dst->points = malloc(src->count * sizeof *dst->points);
	if (dst->points == NULL)
		return ERR_NOMEM;
	memcpy(dst->points, src->points, src->count * sizeof *dst->points);
	dst->count = src->count;
	return 0;
}

/* ---- voices ------------------------------------------------------------- */

/* Builds the streamer description of clip c on a track of `channels`. */
static int
stream_clip_for(const struct session *s, const struct clip *c, int channels,
    int64_t early, struct stream_clip *out, char **paths)
{
	memset(out, 0, sizeof *out);
	out->start_frames = c->position_frames - early;
	out->end_frames = c->position_frames + c->length_frames - early;
	out->source_offset_frames = c->source_offset_frames;
	for (int ch = 0; ch < channels; ch++) {
		struct id sid = c->channel_map_count > 0 ?
		    c->channel_map[ch].source : c->source;
		int sch = c->channel_map_count > 0 ?
		    c->channel_map[ch].source_channel : c->source_channel + ch;
		const struct source *src = session_source(s, sid);

		if (src == NULL)
			return ERR_SEMANTIC;
		/* offline media plays as silence (an empty path) */
		paths[ch] = src->online ? session_source_resolved_path(s, src) :
		    str_dup("");
		if (paths[ch] == NULL)
			return ERR_NOMEM;
		out->inputs[ch].path = paths[ch];
		out->inputs[ch].source_channel = sch;
		out->inputs[ch].sample_rate_hz = src->sample_rate_hz;
	}
	return 0;
}

static void
pl_clip_from(struct pl_clip *pc, const struct clip *c, int64_t early)
{
	pc->start = c->position_frames - early;
	pc->end = c->position_frames + c->length_frames - early;
	pc->gain_lin = c->mute ? 0.0f : (float)gain_db_to_lin(c->gain_db);
	pc->fade_in_frames = c->fade_in.length_frames;
	pc->fade_out_frames = c->fade_out.length_frames;
	pc->fade_in_shape = c->fade_in.shape;
	pc->fade_out_shape = c->fade_out.shape;
}

/*
 * Splits a track's clips (sorted by position) into voices: each clip goes
 * to the first voice whose last clip has ended, so overlapping clips (a
 * crossfade) land on different voices and each voice is a plain sequence.
 *
 * Latency compensation: a track whose inserts delay by st->latency frames
 * plays its clips (audio, gain envelope and fades together) that many
 * frames early, so what leaves the insert chain at frame f is the
 * session's frame f: the track stays in sync with every other track and
 * nothing else is delayed.
 */
static int
build_voices(struct plan *p, const struct session *s, const struct track *t,
    struct pl_strip *st)
{
	size_t n = t->clip_count, nv = 0;
	size_t *voice_of;
	int64_t *voice_end;
	int rc = 0;

	if (n == 0)
		return 0;
	voice_of = malloc(n * sizeof *voice_of);
	voice_end = malloc(n * sizeof *voice_end);
	if (voice_of == NULL || voice_end == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct clip *c = &t->clips[i];
		size_t v;

		for (v = 0; v < nv && voice_end[v] > c->position_frames; v++)
			;
		if (v == nv)
			nv++;
		voice_of[i] = v;
		voice_end[v] = c->position_frames + c->length_frames;
	}
	st->voices = calloc(nv, sizeof *st->voices);
	if (st->voices == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	st->voice_count = nv;
	for (size_t v = 0; v < nv && rc == 0; v++) {
		struct pl_voice *pv = &st->voices[v];
		struct stream_clip *sc;
		char **paths;
		size_t k = 0, count = 0;

		for (size_t i = 0; i < n; i++)
			count += voice_of[i] == v;
		pv->channels = st->channels;
		pv->clips = calloc(count, sizeof *pv->clips);
		sc = calloc(count, sizeof *sc);
		paths = calloc(count * (size_t)st->channels, sizeof *paths);
		if (pv->clips == NULL || sc == NULL || paths == NULL)
			rc = ERR_NOMEM;
		for (size_t i = 0; i < n && rc == 0; i++) {
			if (voice_of[i] != v)
				continue;
			pl_clip_from(&pv->clips[k], &t->clips[i], st->latency);
			rc = lane_copy(&pv->clips[k].gain_lane, t->clips[i].gain_lane);
			if (rc == 0)
				rc = stream_clip_for(s, &t->clips[i], st->channels,
				    st->latency, &sc[k],
				    paths + k * (size_t)st->channels);
			k++;
		}
		pv->clip_count = k;
		if (rc == 0)
			rc = streamer_add_voice(p->streamer, st->channels, sc, k,
			    &pv->stream);
		for (size_t i = 0; paths != NULL && i < count * (size_t)st->channels; i++)
			free(paths[i]);
		free(paths);
		free(sc);
	}
out:
	free(voice_of);
	free(voice_end);
	return rc;
}

/* ---- strips and routes -------------------------------------------------- */

/* The strip's insert-parameter lanes, resolved to parameter indexes. */
static int
insert_lanes(struct pl_strip *ps, const struct strip *st, struct diag *d)
{
	size_t n = 0;

	for (size_t i = 0; i < st->lane_count; i++)
		n += st->lanes[i].param == AUTO_INSERT;
	if (n == 0)
		return 0;
	ps->insert_lanes = calloc(n, sizeof *ps->insert_lanes);
	if (ps->insert_lanes == NULL)
		return ERR_NOMEM;
	for (size_t i = 0; i < st->lane_count; i++) {
		const struct auto_lane *l = &st->lanes[i];
		struct pl_insert_lane *il;
		char b[16];

		if (l->param != AUTO_INSERT)
			continue;
		il = &ps->insert_lanes[ps->insert_lane_count++];
		il->insert = (size_t)l->insert;
		il->param = l->insert < 0 || (size_t)l->insert >= ps->insert_count ?
		    -1 : inserts_param_index(ps->inserts, il->insert,
		    l->insert_param);
		if (il->param < 0)
			return diag_set(d, ERR_SEMANTIC, NULL, 0, "%s: insert %d has "
			    "no parameter '%s' to automate", id_format(ps->id, b,
			    sizeof b), l->insert + 1, l->insert_param);
		if (lane_copy(&il->lane, l) != 0)
			return ERR_NOMEM;
	}
	return 0;
}

static int
strip_common(struct plan *p, const struct session *s, struct pl_strip *ps,
    const struct strip *st, struct id id, bool heard, struct diag *d)
{
	int rc;

	ps->id = id;
	ps->format = st->format;
	ps->channels = chan_format_channels(st->format);
	ps->gain_db = st->gain_db;
	ps->mute = st->mute || !heard;
	ps->pan = st->pan;
	if ((ps->name = str_dup(st->name ? st->name : "")) == NULL)
		return ERR_NOMEM;
	if (lane_copy(&ps->volume, strip_lane(st, AUTO_VOLUME, (struct id){ ID_BUS, 0 })) ||
	    lane_copy(&ps->mute_lane, strip_lane(st, AUTO_MUTE, (struct id){ ID_BUS, 0 })) ||
	    lane_copy(&ps->pan_x, strip_lane(st, AUTO_PAN, (struct id){ ID_BUS, 0 })) ||
	    lane_copy(&ps->pan_y, strip_lane(st, AUTO_PAN_FB, (struct id){ ID_BUS, 0 })))
		return ERR_NOMEM;
	rc = inserts_compile(st->inserts, st->insert_count, ps->channels,
	    p->sample_rate_hz, &ps->inserts, &ps->insert_count, d);
	if (rc != 0)
		return rc;
	if ((rc = inserts_bind_profiles(ps->inserts, ps->insert_count, s, id,
	    d)) != 0)
		return rc;
	ps->latency = inserts_latency(ps->inserts, ps->insert_count);
	if (ps->latency > p->preroll)
		p->preroll = ps->latency;
	if (ps->latency > 0 && id.kind != ID_TRACK) {
		char b[16];

		/* only a track's clips can play early: a bus would be late */
		return diag_set(d, ERR_SEMANTIC, NULL, 0, "%s: its inserts add "
		    "%d frames of latency, which only tracks compensate; put "
		    "them on the tracks that feed it", id_format(id, b,
		    sizeof b), ps->latency);
	}
	return insert_lanes(ps, st, d);
}

static struct pl_strip *
strip_for_bus(struct plan *p, struct id bus)
{
	if (bus.num == 0)
		return p->master;
	for (size_t i = 0; i < p->strip_count; i++)
		if (p->strips[i].kind == PL_BUS && p->strips[i].id.num == bus.num)
			return &p->strips[i];
	return NULL;
}

static int
routes_for(struct plan *p, const struct strip *st, struct pl_strip *ps)
{
	ps->out.dest = strip_for_bus(p, st->output);
	ps->out.level_lin = 1.0f;
	ps->out.follows_pan = true;
	route_matrix(ps->format, ps->out.dest->format, &ps->pan, ps->out.matrix);
	if (st->send_count == 0)
		return 0;
	ps->sends = calloc(st->send_count, sizeof *ps->sends);
	if (ps->sends == NULL)
		return ERR_NOMEM;
	ps->send_count = st->send_count;
	for (size_t i = 0; i < st->send_count; i++) {
		const struct send *sd = &st->sends[i];
		struct pl_route *r = &ps->sends[i];

		r->dest = strip_for_bus(p, sd->bus);
		if (r->dest == NULL)
			return ERR_SEMANTIC;
		r->is_send = true;
		r->pre_fader = sd->pre_fader;
		r->follows_pan = true;
		r->mute = sd->mute;
		r->level_lin = sd->mute ? 0.0f : (float)gain_db_to_lin(sd->level_db);
		route_matrix(ps->format, r->dest->format, &ps->pan, r->matrix);
		if (lane_copy(&r->level_lane, strip_lane(st, AUTO_SEND_LEVEL, sd->bus)))
			return ERR_NOMEM;
	}
	return 0;
}

/*
 * Buses in signal order: Kahn's algorithm over bus -> bus edges (outputs
 * and sends). Writes bus indexes into order; ERR_SEMANTIC on a loop.
 */
static int
sort_buses(const struct session *s, size_t *order)
{
	size_t n = s->bus_count, done = 0;
	bool *placed = calloc(n ? n : 1, sizeof *placed);

	if (placed == NULL)
		return ERR_NOMEM;
	while (done < n) {
		bool progress = false;

		for (size_t i = 0; i < n; i++) {
			bool ready = true;

			if (placed[i])
				continue;
			/* every unplaced bus that feeds i must come first */
			for (size_t j = 0; j < n && ready; j++) {
				const struct strip *sj = &s->buses[j].strip;

				if (j == i || placed[j])
					continue;
				if (sj->output.num == s->buses[i].id.num)
					ready = false;
				for (size_t k = 0; k < sj->send_count && ready; k++)
					if (sj->sends[k].bus.num == s->buses[i].id.num)
						ready = false;
			}
			if (ready) {
				placed[i] = true;
				order[done++] = i;
				progress = true;
			}
		}
		if (!progress) {
			free(placed);
			return ERR_SEMANTIC;
		}
	}
	free(placed);
	return 0;
}

/* ---- sidechain keys ----------------------------------------------------- */

static struct pl_strip *
key_strip(struct plan *p, size_t ntracks, uint32_t track)
{
	for (size_t i = 0; i < ntracks; i++)
		if (p->strips[i].id.num == track)
			return &p->strips[i];
	return NULL;
}

/* True when every track that strip ps keys from is among the placed. */
static bool
keys_placed(struct plan *p, const struct pl_strip *ps, const bool *placed,
    size_t ntracks)
{
	for (size_t i = 0; i < ps->insert_count; i++) {
		uint32_t k = inserts_key_track(ps->inserts, i);

		for (size_t t = 0; k != 0 && t < ntracks; t++)
			if (p->strips[t].id.num == k && !placed[t])
				return false;
	}
	return true;
}

/*
 * Sidechains: a strip keyed by a track must run after it, so the tracks
 * (strips 0 .. ntracks-1, in session order) are reordered so every key
 * track comes first (stable otherwise). Marks the key tracks. ERR_SEMANTIC
 * for a key that is not a track, or tracks that key each other in a loop.
 */
static int
order_tracks(struct plan *p, size_t ntracks, struct diag *d)
{
	struct pl_strip *sorted;
	bool *placed;
	size_t done = 0;
	char b[16];

	for (size_t i = 0; i < p->strip_count; i++)
		for (size_t k = 0; k < p->strips[i].insert_count; k++) {
			uint32_t key = inserts_key_track(p->strips[i].inserts, k);
			struct pl_strip *ks = key != 0 ? key_strip(p, ntracks, key) : NULL;

			if (key != 0 && ks == NULL)
				return diag_set(d, ERR_SEMANTIC, NULL, 0, "%s: insert %zu "
				    "keys from T%u, which is not a track",
				    id_format(p->strips[i].id, b, sizeof b), k + 1, key);
			if (ks != NULL)
				ks->is_key = true;
		}
	if (ntracks < 2)
		return 0;
	sorted = malloc(ntracks * sizeof *sorted);
	placed = calloc(ntracks, sizeof *placed);
	if (sorted == NULL || placed == NULL) {
		free(sorted);
		free(placed);
		return ERR_NOMEM;
	}
	while (done < ntracks) {
		bool progress = false;

		for (size_t i = 0; i < ntracks; i++) {
			if (placed[i] || !keys_placed(p, &p->strips[i], placed, ntracks))
				continue;
			sorted[done++] = p->strips[i];
			placed[i] = progress = true;
		}
		if (!progress) {
			free(sorted);
			free(placed);
			return diag_set(d, ERR_SEMANTIC, NULL, 0, "tracks key each "
			    "other's dynamics in a loop");
		}
	}
	memcpy(p->strips, sorted, ntracks * sizeof *sorted);
	free(sorted);
	free(placed);
	return 0;
}

/* Points every keyed insert at its key track's copy (after allocation). */
static void
connect_keys(struct plan *p, size_t ntracks)
{
	for (size_t i = 0; i < p->strip_count; i++)
		for (size_t k = 0; k < p->strips[i].insert_count; k++) {
			uint32_t key = inserts_key_track(p->strips[i].inserts, k);
			struct pl_strip *ks = key != 0 ? key_strip(p, ntracks, key) : NULL;

			if (ks != NULL)
				inserts_set_key(p->strips[i].inserts, k, ks->key_buf,
				    ks->channels);
		}
}

/* A mono track whose inserts hear only itself, with no automated insert
 * parameter, and that no insert keys from: it can render its inserts stage
 * by stage alongside its neighbours. */
static bool
groupable(const struct pl_strip *ps)
{
	if (ps->kind != PL_TRACK || ps->channels != 1 || ps->is_key ||
	    ps->insert_count == 0 || ps->insert_lane_count != 0)
		return false;
	for (size_t k = 0; k < ps->insert_count; k++)
		if (inserts_key_track(ps->inserts, k) != 0)
			return false;
	return true;
}

/* Whether b's insert chain has a's kinds in a's order. */
static bool
same_chain(const struct pl_strip *a, const struct pl_strip *b)
{
	return a->insert_count == b->insert_count &&
	    inserts_same_kinds(a->inserts, b->inserts, a->insert_count);
}

/* Runs of up to INSERTS_GROUP_MAX neighbouring groupable tracks with the
 * same chain: the first strip of a run gets its length (process_run's
 * render_group), the others 0; a strip alone gets 1. After connect_keys. */
static void
plan_group_tracks(struct plan *p)
{
	for (size_t i = 0; i < p->strip_count;) {
		struct pl_strip *ps = &p->strips[i];
		int count = 1;

		if (groupable(ps))
			while (count < INSERTS_GROUP_MAX &&
			    i + (size_t)count < p->strip_count &&
			    groupable(&p->strips[i + (size_t)count]) &&
			    same_chain(ps, &p->strips[i + (size_t)count]))
				p->strips[i + (size_t)count++].group = 0;
		ps->group = count;
		i += (size_t)count;
	}
}

/* ---- buffers ------------------------------------------------------------ */

static int
allocate_buffers(struct plan *p)
{
	size_t planes = PLAN_MAX_CHANNELS + (size_t)p->out_channels, k = 0;
	size_t bytes, stride;
	float *arena;

	for (size_t i = 0; i < p->strip_count; i++)
		planes += (size_t)p->strips[i].channels *
		    (p->strips[i].is_key ? 2 : 1);
	planes += 1;   /* env */
	for (int i = 0; i < p->stem_count; i++)
		planes += p->stem_fold[i] != NULL ? (size_t)p->out_channels : 0;
	/* planes 64 bytes further apart than the block: planes at equal 4 KiB
	 * offsets make loads and stores alias in the CPU's buffers */
	stride = (size_t)p->max_block + 16;
	bytes = planes * stride * sizeof(float);
	arena = aligned_alloc(64, (bytes + 63) / 64 * 64);
	if (arena == NULL)
		return ERR_NOMEM;
	memset(arena, 0, bytes);   /* touch every page now, not on the RT thread */
	p->arena = arena;
#define NEXT() (arena + (k++) * stride)
	for (int c = 0; c < PLAN_MAX_CHANNELS; c++)
		p->scratch[c] = NEXT();
	p->env = NEXT();
	for (size_t i = 0; i < p->strip_count; i++)
		for (int c = 0; c < p->strips[i].channels; c++) {
			p->strips[i].buf[c] = NEXT();
			if (p->strips[i].is_key)
				p->strips[i].key_buf[c] = NEXT();
		}
	for (int c = 0; c < p->out_channels; c++)
		p->out[c] = p->fold ? NEXT() : p->master->buf[c];
	for (int i = 0; i < p->stem_count; i++)
		for (int c = 0; c < PLAN_MAX_CHANNELS; c++) {
			bool folded = p->stem_fold[i] != NULL;

			if (c >= (folded ? p->out_channels : p->stems[i]->channels))
				p->stem_out[i][c] = NULL;
			else
				p->stem_out[i][c] = folded ? NEXT() : p->stems[i]->buf[c];
		}
#undef NEXT
	return 0;
}

/* ---- compile ------------------------------------------------------------ */

int
plan_compile(const struct session *s, const struct plan_options *opt,
    struct plan **out, struct diag *d)
{
	struct stream_config scfg;
	struct plan *p;
	size_t *order = NULL, k = 0;
	int rc;

	diag_clear(d);
	if (opt->max_block_frames < 1 || opt->max_block_frames > 1 << 20)
		return diag_set(d, ERR_INVALID, NULL, 0, "block size out of range");
	p = calloc(1, sizeof *p);
	if (p == NULL)
		return diag_set(d, ERR_NOMEM, NULL, 0, "out of memory");
	p->sample_rate_hz = s->sample_rate_hz;
	p->max_block = opt->max_block_frames;
	p->position = s->timecode.start_frames;
	p->meters = opt->meters;

	memset(&scfg, 0, sizeof scfg);
	scfg.sample_rate_hz = s->sample_rate_hz;
	scfg.ring_seconds = opt->stream_ring_seconds;
	scfg.quality = opt->stream_quality;
	scfg.read_delay_us = opt->stream_read_delay_us;
	rc = streamer_create(&scfg, &p->streamer);
	if (rc != 0)
		goto fail;

	p->strip_count = s->track_count + s->bus_count + 1;
	p->strips = calloc(p->strip_count, sizeof *p->strips);
	order = malloc((s->bus_count ? s->bus_count : 1) * sizeof *order);
	if (p->strips == NULL || order == NULL) {
		rc = ERR_NOMEM;
		goto fail;
	}
	if ((rc = sort_buses(s, order)) != 0) {
		diag_set(d, rc, NULL, 0, "the buses form a routing loop");
		goto fail;
	}

	/* strips: tracks, buses in signal order, master last */
	for (size_t i = 0; i < s->track_count; i++, k++) {
		const struct track *t = &s->tracks[i];

		p->strips[k].kind = PL_TRACK;
		if ((rc = strip_common(p, s, &p->strips[k], &t->strip, t->id,
		    audible(s, t->id, &t->strip), d)) != 0)
			goto fail;
	}
	for (size_t i = 0; i < s->bus_count; i++, k++) {
		const struct bus *b = &s->buses[order[i]];

		p->strips[k].kind = PL_BUS;
		p->strips[k].is_stem = b->kind == BUS_STEM;
		if ((rc = strip_common(p, s, &p->strips[k], &b->strip, b->id,
		    audible(s, b->id, &b->strip), d)) != 0)
			goto fail;
	}
	p->master = &p->strips[k];
	p->master->kind = PL_MASTER;
	p->master->id = (struct id){ ID_BUS, 0 };
	p->master->format = s->master.format;
	p->master->channels = chan_format_channels(s->master.format);
	p->master->gain_db = s->master.gain_db;
	if ((p->master->name = str_dup("master")) == NULL) {
		rc = ERR_NOMEM;
		goto fail;
	}

	if ((rc = order_tracks(p, s->track_count, d)) != 0)
		goto fail;

	/* routes and voices */
	for (size_t i = 0; i < s->track_count; i++) {
		const struct track *t = session_track(s, p->strips[i].id);

		if ((rc = routes_for(p, &t->strip, &p->strips[i])) != 0 ||
		    (rc = build_voices(p, s, t, &p->strips[i])) != 0)
			goto fail;
	}
	for (size_t i = 0; i < s->bus_count; i++) {
		struct pl_strip *ps = &p->strips[s->track_count + i];

		if ((rc = routes_for(p, &session_bus(s, ps->id)->strip, ps)) != 0)
			goto fail;
	}

	/* output and stems */
	p->out_format = opt->output_format < CHAN_FORMAT_COUNT ?
	    opt->output_format : s->master.format;
	p->out_channels = chan_format_channels(p->out_format);
	p->fold = p->out_format != s->master.format;
	if (p->fold)
		fold_matrix(s->master.format, p->out_format, opt->downmix_centre_db,
		    opt->downmix_surround_db, opt->downmix_lfe, p->fold_matrix);
	for (size_t i = 0; i < p->strip_count; i++)
		p->stem_count += p->strips[i].is_stem;
	if (p->stem_count > 0) {
		p->stems = calloc((size_t)p->stem_count, sizeof *p->stems);
		p->stem_out = calloc((size_t)p->stem_count, sizeof *p->stem_out);
		p->stem_fold = calloc((size_t)p->stem_count, sizeof *p->stem_fold);
		if (p->stems == NULL || p->stem_out == NULL || p->stem_fold == NULL) {
			rc = ERR_NOMEM;
			goto fail;
		}
		/* session order, not signal order, so stem files are predictable */
		int n = 0;
		for (size_t b = 0; b < s->bus_count; b++)
			for (size_t i = 0; i < p->strip_count; i++)
				if (p->strips[i].is_stem &&
				    p->strips[i].id.num == s->buses[b].id.num)
					p->stems[n++] = &p->strips[i];
		/* a stem wider than the output is folded down like the master */
		for (int i = 0; i < n; i++) {
			if (p->stems[i]->channels <= p->out_channels)
				continue;
			p->stem_fold[i] = malloc(sizeof *p->stem_fold[i]);
			if (p->stem_fold[i] == NULL) {
				rc = ERR_NOMEM;
				goto fail;
			}
			fold_matrix(p->stems[i]->format, p->out_format,
			    opt->downmix_centre_db, opt->downmix_surround_db,
			    opt->downmix_lfe, p->stem_fold[i]->m);
		}
	}
	if ((rc = allocate_buffers(p)) != 0)
		goto fail;
	connect_keys(p, s->track_count);
	plan_group_tracks(p);
	for (size_t i = 0; i < p->strip_count; i++)
		meter_init(&p->strips[i].meter, p->strips[i].channels,
		    p->sample_rate_hz, PLAN_METER_RMS_MS);
	free(order);
	plan_locate(p, s->timecode.start_frames);
	*out = p;
	return 0;
fail:
	free(order);
	plan_destroy(p);
	if (d != NULL && d->message[0] == '\0')
		diag_set(d, rc, NULL, 0, "%s", rc == ERR_SEMANTIC ?
		    "the session's routing or clips do not resolve" : err_string(rc));
	return rc;
}

static void
lane_free(struct pl_lane *l)
{
	free(l->points);
}

void
plan_destroy(struct plan *p)
{
	if (p == NULL)
		return;
	streamer_destroy(p->streamer);
	for (size_t i = 0; i < p->strip_count; i++) {
		struct pl_strip *ps = &p->strips[i];

		for (size_t v = 0; v < ps->voice_count; v++) {
			for (size_t c = 0; c < ps->voices[v].clip_count; c++)
				lane_free(&ps->voices[v].clips[c].gain_lane);
			free(ps->voices[v].clips);
		}
		free(ps->voices);
		inserts_free(ps->inserts, ps->insert_count);
		for (size_t l = 0; l < ps->insert_lane_count; l++)
			lane_free(&ps->insert_lanes[l].lane);
		free(ps->insert_lanes);
		lane_free(&ps->volume);
		lane_free(&ps->mute_lane);
		lane_free(&ps->pan_x);
		lane_free(&ps->pan_y);
		for (size_t r = 0; r < ps->send_count; r++)
			lane_free(&ps->sends[r].level_lane);
		free(ps->sends);
		free(ps->name);
	}
	free(p->strips);
	for (int i = 0; p->stem_fold != NULL && i < p->stem_count; i++)
		free(p->stem_fold[i]);
	free(p->stem_fold);
	free(p->stems);
	free(p->stem_out);
	free(p->arena);
	free(p);
}

/* ---- accessors ---------------------------------------------------------- */

struct streamer *plan_streamer(struct plan *p) { return p->streamer; }
int64_t plan_position(const struct plan *p) { return p->position; }
int plan_preroll_frames(const struct plan *p) { return p->preroll; }
int plan_output_channels(const struct plan *p) { return p->out_channels; }
enum chan_format plan_output_format(const struct plan *p) { return p->out_format; }

const float *const *
plan_output(const struct plan *p)
{
	return (const float *const *)p->out;
}

int plan_stem_count(const struct plan *p) { return p->stem_count; }
struct id plan_stem_id(const struct plan *p, int i) { return p->stems[i]->id; }
const char *plan_stem_name(const struct plan *p, int i) { return p->stems[i]->name; }

int
plan_stem_channels(const struct plan *p, int i)
{
	return p->stem_fold[i] != NULL ? p->out_channels : p->stems[i]->channels;
}

enum chan_format
plan_stem_format(const struct plan *p, int i)
{
	return p->stem_fold[i] != NULL ? p->out_format : p->stems[i]->format;
}

const float *const *
plan_stem_output(const struct plan *p, int i)
{
	return (const float *const *)p->stem_out[i];
}

static void
seek_strip(struct pl_strip *ps, int64_t pos)
{
	pl_lane_seek(&ps->volume, pos);
	pl_lane_seek(&ps->mute_lane, pos);
	pl_lane_seek(&ps->pan_x, pos);
	pl_lane_seek(&ps->pan_y, pos);
	for (size_t r = 0; r < ps->send_count; r++)
		pl_lane_seek(&ps->sends[r].level_lane, pos);
	for (size_t l = 0; l < ps->insert_lane_count; l++) {
		struct pl_insert_lane *il = &ps->insert_lanes[l];

		pl_lane_seek(&il->lane, pos);
		/* in force from here until the next segment start */
		inserts_set_param(ps->inserts, il->insert, il->param,
		    pl_lane_eval(&il->lane, pos));
	}
	ps->pan_keys[0].format = ps->pan_keys[1].format = CHAN_FORMAT_COUNT;
	/* a live ramp belongs to the frames it started at: the new values
	 * hold from here */
	ps->live_from = PL_LIVE_NONE;
	ps->out.live_from = PL_LIVE_NONE;
	for (size_t r = 0; r < ps->send_count; r++)
		ps->sends[r].live_from = PL_LIVE_NONE;
	pl_strip_forget_segment(ps);
	for (size_t v = 0; v < ps->voice_count; v++) {
		struct pl_voice *pv = &ps->voices[v];

		pv->cursor = 0;
		while (pv->cursor < pv->clip_count && pv->clips[pv->cursor].end <= pos)
			pv->cursor++;
	}
	inserts_reset(ps->inserts, ps->insert_count);
}

void
plan_seek(struct plan *p, int64_t position_frames)
{
	p->position = position_frames;
	for (size_t i = 0; i < p->strip_count; i++)
		seek_strip(&p->strips[i], position_frames);
}

void
plan_locate(struct plan *p, int64_t position_frames)
{
	plan_seek(p, position_frames);
	streamer_locate(p->streamer, position_frames);
}

/* ---- strips by id ------------------------------------------------------- */

int plan_strip_count(const struct plan *p) { return (int)p->strip_count; }
struct id plan_strip_id(const struct plan *p, int i) { return p->strips[i].id; }

int
plan_strip_index(const struct plan *p, struct id id)
{
	for (size_t i = 0; i < p->strip_count; i++)
		if (p->strips[i].id.kind == id.kind &&
		    p->strips[i].id.num == id.num)
			return (int)i;
	return -1;
}

int
plan_send_index(const struct plan *p, int strip, struct id send)
{
	const struct pl_strip *ps;

	if (strip < 0 || (size_t)strip >= p->strip_count || send.kind != ID_BUS)
		return -1;
	ps = &p->strips[strip];
	for (size_t r = 0; r < ps->send_count; r++)
		if (ps->sends[r].dest->id.num == send.num)
			return (int)r;
	return -1;
}

void
plan_session_mutes(const struct plan *p, const struct session *s,
    bool *mutes)
{
	for (size_t i = 0; i < p->strip_count; i++) {
		const struct pl_strip *ps = &p->strips[i];
		const struct strip *st = NULL;

		if (ps->kind == PL_MASTER) {
			mutes[i] = false;
			continue;
		}
		if (ps->kind == PL_TRACK) {
			const struct track *t = session_track(s, ps->id);

			st = t != NULL ? &t->strip : NULL;
		} else {
			const struct bus *b = session_bus(s, ps->id);

			st = b != NULL ? &b->strip : NULL;
		}
		mutes[i] = st == NULL || st->mute || !audible(s, ps->id, st);
	}
}
