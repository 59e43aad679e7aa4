/*
 * scmd_clean.c - the session command `clean C12 [options]` (console,
 * `dubstage edit`, `dubstage clean SESSION --clip C12`): cleans a clip
 * non-destructively.
 *
 * The clip's source frames, with a second of handle on each side where the
 * source has them (so the clip can still be trimmed or slipped), go
 * through the cleanup chain into a new file in the session's media folder
 * ("media/<source>-C12-clean<N>.wav"); one undo step then adds that file as
 * a source and points the clip at it (and, with --save-profile, stores the
 * learned noise profile). Undo plays the original again; the original file
 * is never touched.
 *
 * Times: seconds count from the clip's start ("0-0.8"); a timecode is a
 * position on the session's timeline. Ranges must lie inside the clip's
 * source file (handles included).
 */
#include "cli/scmd_internal.h"
#include "base/path.h"
#include "base/strutil.h"
#include "clean/clean.h"
#include "clean/options.h"
#include "engine/noise_print.h"
#include "session/session_xml.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HANDLE_SECONDS 1

struct clip_view {
	const struct session *s;
	const struct clip *clip;
	const struct source *src;
};

/* A time of the clean request as a frame of the clip's source, or -1. */
static int64_t
source_time(const struct clip_view *v, const char *text)
{
	int h, m, sec, f;
	double seconds;
	int64_t pos;

	if (clean_parse_timecode(text, &h, &m, &sec, &f) == 0) {
		if (cli_parse_position(v->s, text, &pos) != 0)
			return -1;
		/* timeline -> source frames, exact integer maths */
		return v->clip->source_offset_frames +
		    (pos - v->clip->position_frames) *
		    (int64_t)v->src->sample_rate_hz / v->s->sample_rate_hz;
	}
	if (clean_parse_seconds(text, &seconds) != 0 || seconds > 1e6)
		return -1;
	return v->clip->source_offset_frames +
	    (int64_t)llround(seconds * v->src->sample_rate_hz);
}

static int
source_range(struct scmd_ctx *ctx, const struct clip_view *v,
    const char *option, const char *text, struct clean_range *r)
{
	char a[64], b[64];

	if (clean_split_range(text, a, b, sizeof a) != 0 ||
	    (r->start = source_time(v, a)) < 0 ||
	    (r->end = source_time(v, b)) < 0 || r->end <= r->start)
		return scmd_usage(ctx, &scmd_clean, "%s %s: expected START-END, "
		    "seconds from the clip's start or timeline timecodes", option,
		    text);
	if (r->end > v->src->length_frames)
		return scmd_error(ctx, CLI_FAILED, "clean", "%s %s is beyond the "
		    "end of the clip's media", option, text);
	return 0;
}

/* The saved profile called text ("N2" or a name). */
static int
find_profile(struct scmd_ctx *ctx, const char *text, struct noise_profile *out)
{
	const struct session *s = scmd_session(ctx);
	const struct noise_print *np = NULL;
	struct id id;

	if (id_parse(text, &id) == 0 && id.kind == ID_PRINT)
		np = session_noise_print(s, id);
	if (np == NULL)
		np = session_noise_print_by_name(s, text);
	if (np == NULL)
		return scmd_error(ctx, CLI_FAILED, "clean", "no noise profile "
		    "'%s' in the session", text);
	if (noise_print_to_profile(np, out) != 0)
		return scmd_error(ctx, CLI_FAILED, "clean", "noise profile '%s' "
		    "is damaged; learn it again", text);
	return 0;
}

/* "media/<stem>-C12-clean<N>.wav" beside the session (absolute when the
 * session was never saved: then beside the source). *stored gets the form
 * kept in the session. Both allocated. */
static int
output_path(struct scmd_ctx *ctx, const struct clip_view *v,
    const char *src_path, char **full, char **stored)
{
	const char *base = path_basename(src_path);
	const char *dot = strrchr(base, '.');
	int stem = dot != NULL && dot != base ? (int)(dot - base) : (int)strlen(base);
	char *dir, *media, name[512], idb[16];

	*full = *stored = NULL;
	dir = path_dirname(ctx->session_path != NULL ? ctx->session_path : src_path);
	if (dir == NULL)
		return ERR_NOMEM;
	media = ctx->session_path != NULL ? path_resolve(dir, "media") : str_dup(dir);
	free(dir);
	if (media == NULL)
		return ERR_NOMEM;
	if (mkdir(media, 0777) != 0 && errno != EEXIST) {
		free(media);
		return ERR_IO;
	}
	for (int n = 1; n < 10000; n++) {
		snprintf(name, sizeof name, "%.*s-%s-clean%d.wav", stem > 200 ? 200 : stem,
		    base, scmd_format_id(v->clip->id, idb, sizeof idb), n);
		*full = path_resolve(media, name);
		if (*full == NULL)
			break;
		if (access(*full, F_OK) != 0)
			break;
		free(*full);
		*full = NULL;
	}
	free(media);
	if (*full == NULL)
		return ERR_NOMEM;
	if (ctx->session_path != NULL) {
		char rel[600];

		snprintf(rel, sizeof rel, "media/%s", name);
		*stored = str_dup(rel);
	} else {
		*stored = str_dup(*full);
	}
	return *stored != NULL ? 0 : ERR_NOMEM;
}

static int
resolve_ranges(struct scmd_ctx *ctx, const struct clip_view *v,
    struct clean_args *a)
{
	int rc;

	if (a->profile_from != NULL) {
		if ((rc = source_range(ctx, v, "--profile-from", a->profile_from,
		    &a->spec.profile_from)) != 0)
			return rc;
		a->spec.have_profile_from = true;
	}
	if (a->fill_from != NULL) {
		if ((rc = source_range(ctx, v, "--fill-from", a->fill_from,
		    &a->spec.fill_from)) != 0)
			return rc;
		a->spec.have_fill_from = true;
	}
	for (int i = 0; i < a->fill_count; i++)
		if ((rc = source_range(ctx, v, "--fill", a->fills[i],
		    &a->spec.fills[i])) != 0)
			return rc;
	a->spec.fill_count = a->fill_count;
	return 0;
}

/* Adds the rendered file as a source, points the clip at it and keeps the
 * learned profile: one undo step. */
static int
apply(struct scmd_ctx *ctx, const struct clip_view *v, const char *stored,
    const struct clean_range *range, const struct clean_result *r,
    const char *save_profile, struct id *sid, struct id *pid)
{
	struct source ns;
	struct id cid = v->clip->id;
	int64_t offset = v->clip->source_offset_frames - range->start;
	char name[300];
	int rc;

	memset(&ns, 0, sizeof ns);
	snprintf(name, sizeof name, "%s (clean)",
	    v->src->name != NULL ? v->src->name : path_basename(stored));
	ns.name = name;
	ns.path = (char *)stored;
	ns.channels = r->channels;
	ns.sample_rate_hz = r->rate_hz;
	ns.length_frames = r->frames;
	ns.format = "wav";
	ns.online = true;
	uint64_t gen0 = editor_generation(ctx->ed);

	pid->num = 0;
	if ((rc = editor_group_begin(ctx->ed, "clean")) != 0)
		return rc;
	rc = editor_add_source(ctx->ed, &ns, sid);
	if (rc == 0)
		rc = editor_set_clip_source(ctx->ed, cid, *sid, offset);
	if (rc == 0 && save_profile != NULL && r->learned_profile) {
		struct noise_print np;
		char origin[128], idb[16];

		snprintf(origin, sizeof origin, "%s", scmd_format_id(cid, idb,
		    sizeof idb));
		rc = noise_print_from_profile(&r->profile, save_profile, origin, &np);
		if (rc == 0) {
			rc = editor_add_noise_print(ctx->ed, &np, pid);
			noise_print_fini(&np);
		}
	}
	editor_group_end(ctx->ed);
	/* all or nothing: a group that failed half-way is undone as a whole */
	if (rc != 0 && editor_generation(ctx->ed) != gen0)
		editor_undo(ctx->ed);
	return rc;
}

static int
run_clean(struct scmd_ctx *ctx, int argc, char **argv)
{
	const struct scmd *cmd = &scmd_clean;
	struct session *s = scmd_session(ctx);
	struct clean_args a;
	struct clip_view v;
	struct clean_job job = { 0 };
	struct clean_result r;
	struct clean_range range;
	struct id cid, sid = { ID_SOURCE, 0 }, pid = { ID_PRINT, 0 };
	struct diag d;
	char msg[512], *src_path = NULL, *full = NULL, *stored = NULL;
	char b1[16], b2[16], b3[16];
	int64_t handle, clip_src_len;
	int rc;

	if (clean_args_parse(argc, argv, &a, msg, sizeof msg) != 0)
		return scmd_usage(ctx, cmd, "%s", msg);
	if (a.clip != NULL && a.operand_count == 0)
		a.operands[a.operand_count++] = a.clip;
	if (a.operand_count != 1)
		return scmd_usage(ctx, cmd, "expects the clip to clean (C12)");
	if (a.output != NULL || a.fps != NULL)
		return scmd_usage(ctx, cmd, "-o and --fps are for files; a clip's "
		    "file goes to the session's media folder");
	if (!clean_spec_any(&a.spec) && a.fill_count == 0)
		return scmd_usage(ctx, cmd, "nothing to do: give at least one of "
		    "--denoise --dehum --declick --deess --deplosive --level --fill");
	if ((rc = scmd_parse_id(ctx, cmd, a.operands[0], SCMD_K(ID_CLIP), &cid)) != 0)
		return rc;
	v.s = s;
	v.clip = session_clip(s, cid, NULL);
	v.src = v.clip != NULL ? session_source(s, v.clip->source) : NULL;
	if (v.clip == NULL || v.src == NULL)
		return scmd_error(ctx, CLI_FAILED, cmd->name, "%s has no source",
		    a.operands[0]);
	if (v.clip->channel_map_count > 0)
		return scmd_error(ctx, CLI_FAILED, cmd->name, "%s plays several "
		    "files (a channel map); clean its sources one by one",
		    a.operands[0]);
	if (!v.src->online)
		return scmd_error(ctx, CLI_FAILED, cmd->name, "%s's media (%s) is "
		    "offline; relink it first", a.operands[0],
		    scmd_format_id(v.src->id, b1, sizeof b1));
	if (a.profile != NULL) {
		if (a.profile_from != NULL)
			return scmd_usage(ctx, cmd, "--profile and --profile-from "
			    "exclude each other");
		if ((rc = find_profile(ctx, a.profile, &a.spec.profile)) != 0)
			return rc;
		a.spec.have_profile = true;
	}
	if (a.save_profile != NULL && a.profile_from == NULL)
		return scmd_usage(ctx, cmd, "--save-profile keeps the profile "
		    "learned with --profile-from");
	if ((rc = resolve_ranges(ctx, &v, &a)) != 0)
		return rc;

	/* the clip's frames in its source, plus handles */
	handle = (int64_t)HANDLE_SECONDS * v.src->sample_rate_hz;
	clip_src_len = (v.clip->length_frames * (int64_t)v.src->sample_rate_hz +
	    s->sample_rate_hz - 1) / s->sample_rate_hz;
	range.start = v.clip->source_offset_frames - handle;
	if (range.start < 0)
		range.start = 0;
	range.end = v.clip->source_offset_frames + clip_src_len + handle;
	if (v.src->length_frames > 0 && range.end > v.src->length_frames)
		range.end = v.src->length_frames;

	src_path = session_source_resolved_path(s, v.src);
	if (src_path == NULL || output_path(ctx, &v, src_path, &full, &stored) != 0) {
		rc = scmd_error(ctx, CLI_FAILED, cmd->name, "cannot make a file in "
		    "the session's media folder");
		goto out;
	}
	job.in_path = src_path;
	job.out_path = full;
	job.range = range;
	job.format = a.pcm24 ? CLEAN_OUT_PCM24 : CLEAN_OUT_FLOAT32;
	diag_clear(&d);
	if ((rc = clean_render(&job, &a.spec, &r, &d)) != 0) {
		char m[2200];

		diag_format(&d, m, sizeof m);
		rc = scmd_error(ctx, CLI_FAILED, cmd->name, "%s: %s", a.operands[0], m);
		goto out;
	}
	if ((rc = apply(ctx, &v, stored, &range, &r, a.save_profile, &sid, &pid)) != 0) {
		unlink(full);
		rc = scmd_edit_failed(ctx, cmd->name, rc, a.operands[0]);
		goto out;
	}
	fprintf(ctx->out, "%s cleaned into %s (%s)", scmd_format_id(cid, b1,
	    sizeof b1), stored, scmd_format_id(sid, b2, sizeof b2));
	if (pid.num != 0)
		fprintf(ctx->out, "; noise profile %s \"%s\"",
		    scmd_format_id(pid, b3, sizeof b3), a.save_profile);
	if (r.clipped_samples > 0)
		fprintf(ctx->out, "; warning: %lld clipped samples in the media",
		    (long long)r.clipped_samples);
	fputc('\n', ctx->out);
	rc = CLI_OK;
out:
	free(src_path);
	free(full);
	free(stored);
	return rc;
}

const struct scmd scmd_clean = {
	.name = "clean",
	.args = "CLIP [--denoise|--dehum|--declick|--deess|--deplosive|--level [LUFS] "
	    "[NAME=VALUE...]]... [--profile-from A-B|--profile N] "
	    "[--save-profile NAME] [--fill A-B]... [--fill-from A-B] [--pcm24]",
	.summary = "clean a clip's dialogue into a new file the clip then plays "
	    "(undoable)",
	.flags = SCMD_CHANGES,
	.run = run_clean,
};
