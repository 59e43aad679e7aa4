/*
 * dubstage info: what a session holds, for people (a summary) and for
 * scripts (--json, a stable documented view: see dubstage(1)). Keys are only
 * ever added, never renamed or removed, so scripts keep working.
 */
#include "cli/cli.h"
#include "base/error.h"
#include "base/json.h"
#include "interchange/media.h"
#include "session/check.h"
#include "session/session.h"
#include "session/session_xml.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void
json_id(struct json *j, const char *key, struct id id)
{
	char b[16];

	json_key(j, key);
	if (id.num == 0 && id.kind != ID_BUS)
		json_null(j);
	else
		json_string(j, id_format(id, b, sizeof b));
}

static void
json_lane_summary(struct json *j, const struct auto_lane *l)
{
	json_object_begin(j);
	json_key(j, "param");
	json_string(j, auto_param_name(l->param));
	json_id(j, "target", l->target);
	if (l->param == AUTO_INSERT) {
		json_key(j, "insert");
		json_int(j, l->insert + 1);
		json_key(j, "name");
		json_string(j, l->insert_param);
	}
	json_key(j, "points");
	json_int(j, (int64_t)l->count);
	json_object_end(j);
}

static void
json_fade(struct json *j, const char *key, const struct fade *f)
{
	json_key(j, key);
	json_object_begin(j);
	json_key(j, "length_frames");
	json_int(j, f->length_frames);
	json_key(j, "shape");
	json_string(j, fade_shape_name(f->shape));
	json_object_end(j);
}

/* The fields tracks and buses share. */
static void
json_strip(struct json *j, const struct strip *st)
{
	json_key(j, "name");
	json_string(j, st->name);
	json_key(j, "format");
	json_string(j, chan_format_name(st->format));
	json_key(j, "gain_db");
	json_double(j, st->gain_db);
	json_key(j, "pan");
	json_double(j, st->pan.x);
	json_key(j, "pan_fb");
	json_double(j, st->pan.y);
	json_key(j, "divergence");
	json_double(j, st->pan.divergence);
	json_key(j, "lfe_db");
	json_double(j, st->pan.lfe_db);
	json_key(j, "mute");
	json_bool(j, st->mute);
	json_key(j, "solo");
	json_bool(j, st->solo);
	json_id(j, "output", st->output);
	json_key(j, "sends");
	json_array_begin(j);
	for (size_t i = 0; i < st->send_count; i++) {
		json_object_begin(j);
		json_id(j, "bus", st->sends[i].bus);
		json_key(j, "level_db");
		json_double(j, st->sends[i].level_db);
		json_key(j, "pre_fader");
		json_bool(j, st->sends[i].pre_fader);
		json_key(j, "mute");
		json_bool(j, st->sends[i].mute);
		json_object_end(j);
	}
	json_array_end(j);
	json_key(j, "inserts");
	json_array_begin(j);
	for (size_t i = 0; i < st->insert_count; i++) {
		json_object_begin(j);
		json_key(j, "kind");
		json_string(j, st->inserts[i].kind);
		json_key(j, "bypass");
		json_bool(j, st->inserts[i].bypass);
		json_object_end(j);
	}
	json_array_end(j);
	json_key(j, "automation");
	json_array_begin(j);
	for (size_t i = 0; i < st->lane_count; i++)
		json_lane_summary(j, &st->lanes[i]);
	json_array_end(j);
}

static void
json_clip(struct json *j, const struct clip *c)
{
	json_object_begin(j);
	json_id(j, "id", c->id);
	json_key(j, "name");
	json_string(j, c->name);
	json_id(j, "source", c->channel_map_count > 0 ? c->channel_map[0].source :
	    c->source);
	json_key(j, "source_channel");
	json_int(j, c->channel_map_count > 0 ? c->channel_map[0].source_channel :
	    c->source_channel);
	if (c->channel_map_count > 0) {
		json_key(j, "channel_map");
		json_array_begin(j);
		for (int k = 0; k < c->channel_map_count; k++) {
			json_object_begin(j);
			json_id(j, "source", c->channel_map[k].source);
			json_key(j, "source_channel");
			json_int(j, c->channel_map[k].source_channel);
			json_object_end(j);
		}
		json_array_end(j);
	}
	json_key(j, "position_frames");
	json_int(j, c->position_frames);
	json_key(j, "length_frames");
	json_int(j, c->length_frames);
	json_key(j, "source_offset_frames");
	json_int(j, c->source_offset_frames);
	json_key(j, "gain_db");
	json_double(j, c->gain_db);
	json_key(j, "mute");
	json_bool(j, c->mute);
	json_fade(j, "fade_in", &c->fade_in);
	json_fade(j, "fade_out", &c->fade_out);
	json_key(j, "automation");
	json_array_begin(j);
	if (c->gain_lane != NULL)
		json_lane_summary(j, c->gain_lane);
	json_array_end(j);
	json_object_end(j);
}

static void
print_json(const struct session *s, const char *path,
    const struct check_list *problems, FILE *out)
{
	struct json j;
	char buf[64];

	json_init(&j, out);
	json_object_begin(&j);
	json_key(&j, "file");
	json_string(&j, path);
	json_key(&j, "name");
	json_string(&j, s->name);
	json_key(&j, "sample_rate");
	json_int(&j, s->sample_rate_hz);
	json_key(&j, "timecode");
	json_object_begin(&j);
	json_key(&j, "rate");
	json_string(&j, timecode_rate_name(&s->timecode.rate, buf, sizeof buf));
	json_key(&j, "drop_frame");
	json_bool(&j, s->timecode.rate.drop_frame);
	json_key(&j, "start_frames");
	json_int(&j, s->timecode.start_frames);
	json_key(&j, "start");
	timecode_format(&s->timecode.rate, s->sample_rate_hz,
	    s->timecode.start_frames, buf, sizeof buf);
	json_string(&j, buf);
	json_object_end(&j);
	json_key(&j, "duration_frames");
	json_int(&j, session_duration_frames(s));
	json_key(&j, "master_format");
	json_string(&j, chan_format_name(s->master.format));
	json_key(&j, "master_gain_db");
	json_double(&j, s->master.gain_db);

	json_key(&j, "sources");
	json_array_begin(&j);
	for (size_t i = 0; i < s->source_count; i++) {
		const struct source *src = &s->sources[i];
		char *resolved = session_source_resolved_path(s, src);

		json_object_begin(&j);
		json_id(&j, "id", src->id);
		json_key(&j, "name");
		json_string(&j, src->name);
		json_key(&j, "path");
		json_string(&j, src->path);
		json_key(&j, "resolved_path");
		json_string(&j, resolved);
		json_key(&j, "channels");
		json_int(&j, src->channels);
		json_key(&j, "sample_rate");
		json_int(&j, src->sample_rate_hz);
		json_key(&j, "length_frames");
		json_int(&j, src->length_frames);
		json_key(&j, "format");
		json_string(&j, src->format);
		json_key(&j, "embedded");
		json_bool(&j, src->embedded);
		json_key(&j, "online");
		json_bool(&j, src->online);
		json_object_end(&j);
		free(resolved);
	}
	json_array_end(&j);

	json_key(&j, "tracks");
	json_array_begin(&j);
	for (size_t i = 0; i < s->track_count; i++) {
		const struct track *t = &s->tracks[i];
		struct crossfade xf[64];
		size_t nxf = session_track_crossfades(t, xf, 64);

		json_object_begin(&j);
		json_id(&j, "id", t->id);
		json_strip(&j, &t->strip);
		json_key(&j, "clips");
		json_array_begin(&j);
		for (size_t c = 0; c < t->clip_count; c++)
			json_clip(&j, &t->clips[c]);
		json_array_end(&j);
		json_key(&j, "crossfades");
		json_array_begin(&j);
		for (size_t k = 0; k < nxf && k < 64; k++) {
			json_object_begin(&j);
			json_id(&j, "clip_out", xf[k].clip_out);
			json_id(&j, "clip_in", xf[k].clip_in);
			json_key(&j, "position_frames");
			json_int(&j, xf[k].position_frames);
			json_key(&j, "length_frames");
			json_int(&j, xf[k].length_frames);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);

	json_key(&j, "buses");
	json_array_begin(&j);
	for (size_t i = 0; i < s->bus_count; i++) {
		json_object_begin(&j);
		json_id(&j, "id", s->buses[i].id);
		json_key(&j, "kind");
		json_string(&j, bus_kind_name(s->buses[i].kind));
		json_strip(&j, &s->buses[i].strip);
		json_object_end(&j);
	}
	json_array_end(&j);

	json_key(&j, "markers");
	json_array_begin(&j);
	for (size_t i = 0; i < s->marker_count; i++) {
		const struct marker *m = &s->markers[i];

		json_object_begin(&j);
		json_id(&j, "id", m->id);
		json_key(&j, "name");
		json_string(&j, m->name);
		json_key(&j, "position_frames");
		json_int(&j, m->position_frames);
		json_key(&j, "length_frames");
		json_int(&j, m->length_frames);
		json_key(&j, "comment");
		json_string(&j, m->comment);
		json_key(&j, "colour");
		json_string(&j, m->colour);
		json_object_end(&j);
	}
	json_array_end(&j);

	json_key(&j, "noise_prints");
	json_array_begin(&j);
	for (size_t i = 0; i < s->noise_print_count; i++) {
		const struct noise_print *np = &s->noise_prints[i];

		json_object_begin(&j);
		json_id(&j, "id", np->id);
		json_key(&j, "name");
		json_string(&j, np->name);
		json_key(&j, "origin");
		json_string(&j, np->origin);
		json_key(&j, "sample_rate_hz");
		json_int(&j, np->sample_rate_hz);
		json_key(&j, "fft_size");
		json_int(&j, np->fft_size);
		json_object_end(&j);
	}
	json_array_end(&j);

	json_key(&j, "problems");
	json_array_begin(&j);
	for (size_t i = 0; i < problems->count; i++) {
		json_object_begin(&j);
		json_key(&j, "level");
		json_string(&j, problems->items[i].level == CHECK_ERROR ?
		    "error" : "warning");
		json_id(&j, "id", problems->items[i].id);
		json_key(&j, "message");
		json_string(&j, problems->items[i].message);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

static size_t
clip_total(const struct session *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->track_count; i++)
		n += s->tracks[i].clip_count;
	return n;
}

static void
print_strip_line(FILE *out, struct id id, const struct strip *st,
    const char *extra)
{
	char b[16], o[16];

	fprintf(out, "  %-4s %-16.16s %-6s %+6.1f dB  pan %+5.2f%s%s  -> %s%s\n",
	    id_format(id, b, sizeof b), st->name ? st->name : "",
	    chan_format_name(st->format), st->gain_db, st->pan.x,
	    st->mute ? "  MUTE" : "", st->solo ? "  SOLO" : "",
	    id_format(st->output, o, sizeof o), extra);
}

static void
print_summary(const struct session *s, const char *path,
    const struct check_list *problems, FILE *out)
{
	char start[32], end[32], rate[32], b[16];
	int64_t dur = session_duration_frames(s);
	size_t missing = 0;

	timecode_format(&s->timecode.rate, s->sample_rate_hz,
	    s->timecode.start_frames, start, sizeof start);
	timecode_format(&s->timecode.rate, s->sample_rate_hz,
	    session_end_frames(s), end, sizeof end);
	fprintf(out, "%s  (%s)\n", s->name ? s->name : "(unnamed)", path);
	fprintf(out, "  %d Hz, timecode %s %s, %s to %s, %.3f s (%lld frames)\n",
	    s->sample_rate_hz,
	    timecode_rate_name(&s->timecode.rate, rate, sizeof rate),
	    s->timecode.rate.drop_frame ? "DF" : "NDF", start, end,
	    (double)dur / s->sample_rate_hz, (long long)dur);
	fprintf(out, "  master %s %+.1f dB; %zu tracks, %zu clips, %zu buses, "
	    "%zu sources, %zu markers\n", chan_format_name(s->master.format),
	    s->master.gain_db, s->track_count, clip_total(s), s->bus_count,
	    s->source_count, s->marker_count);

	if (s->track_count > 0)
		fprintf(out, "Tracks\n");
	for (size_t i = 0; i < s->track_count; i++) {
		char extra[48];

		snprintf(extra, sizeof extra, "  %zu clips",
		    s->tracks[i].clip_count);
		print_strip_line(out, s->tracks[i].id, &s->tracks[i].strip, extra);
	}
	if (s->bus_count > 0)
		fprintf(out, "Buses\n");
	for (size_t i = 0; i < s->bus_count; i++) {
		char extra[16];

		snprintf(extra, sizeof extra, "  (%s)",
		    bus_kind_name(s->buses[i].kind));
		print_strip_line(out, s->buses[i].id, &s->buses[i].strip, extra);
	}
	if (s->marker_count > 0)
		fprintf(out, "Markers\n");
	for (size_t i = 0; i < s->marker_count; i++) {
		const struct marker *m = &s->markers[i];
		char tc[32];

		timecode_format(&s->timecode.rate, s->sample_rate_hz,
		    m->position_frames, tc, sizeof tc);
		fprintf(out, "  %-4s %s  %s%s%s\n", id_format(m->id, b, sizeof b),
		    tc, m->name ? m->name : "", m->comment ? "  - " : "",
		    m->comment ? m->comment : "");
	}
	if (s->noise_print_count > 0)
		fprintf(out, "Noise prints\n");
	for (size_t i = 0; i < s->noise_print_count; i++) {
		const struct noise_print *np = &s->noise_prints[i];

		fprintf(out, "  %-4s %s  (%d Hz%s%s)\n", id_format(np->id, b,
		    sizeof b), np->name, np->sample_rate_hz,
		    np->origin ? ", from " : "", np->origin ? np->origin : "");
	}
	for (size_t i = 0; i < s->source_count; i++)
		missing += !s->sources[i].online;
	if (missing == 0)
		fprintf(out, "Media: all %zu sources online\n", s->source_count);
	else
		fprintf(out, "Media: %zu of %zu sources MISSING\n", missing,
		    s->source_count);
	for (size_t i = 0; i < problems->count; i++)
		fprintf(out, "  %s %s: %s\n",
		    problems->items[i].level == CHECK_ERROR ? "error" : "warning",
		    id_format(problems->items[i].id, b, sizeof b),
		    problems->items[i].message);
}

static int
run(int argc, char **argv, FILE *out, FILE *err)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct session *s;
	struct check_list problems = { 0 };
	bool json = false;
	int opt, rc;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "j", options, NULL)) != -1) {
		if (opt != 'j')
			return cli_usage_error(&cmd_info, err, "unknown option '%s'",
			    argv[optind - 1]);
		json = true;
	}
	if (argc - optind != 1)
		return cli_usage_error(&cmd_info, err, "expects one SESSION file");
	rc = cli_load_session("info", argv[optind], &s, err);
	if (rc != CLI_OK)
		return rc;
	if (media_refresh(s, &problems) != 0 ||
	    session_check(s, &problems) != 0) {
		fprintf(err, "dubstage info: out of memory\n");
		rc = CLI_FAILED;
	} else if (json) {
		print_json(s, argv[optind], &problems, out);
	} else {
		print_summary(s, argv[optind], &problems, out);
	}
	check_list_fini(&problems);
	session_destroy(s);
	return rc;
}

const struct cli_command cmd_info = {
	.name = "info",
	.args = "[--json] SESSION",
	.summary = "describe a session: tracks, clips, buses, timecode, media",
	.help =
	    "  -j, --json   print the machine-readable view (documented in\n"
	    "               dubstage(1); keys are only ever added)\n"
	    "\n"
	    "Media is probed: missing or changed files are listed as problems.\n"
	    "info succeeds (exit 0) even when media is missing; use 'validate'\n"
	    "to fail on problems.\n",
	.run = run,
};
