/*
 * render.c - the offline cleanup render: input file (or a range of it)
 * through the chain into a new file, written atomically.
 *
 * Passes. 1: stream the range through the chain into a 32-bit float temp
 * file beside the output (memory stays bounded whatever the length).
 * 2: room-tone fills, in place on that temp file (the tone is learned from
 * the processed output, which is only known after pass 1). 3: for 24-bit
 * output, the float temp file is dithered into a second temp file. Only
 * then is the result renamed to the final name: a failure or an interrupt
 * at any point leaves nothing under out_path (and an older file there
 * intact).
 */
#include "clean/clean.h"
#include "base/atomic_file.h"
#include "base/path.h"
#include "dsp/dither.h"
#include "dsp/roomtone.h"

#include <errno.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK 4096
/* A sample this close to full scale counts as clipped (a 16-bit file's
 * largest positive value is 32767/32768 = 0.99997). */
#define CLIP_LEVEL 0.9999f
/* The most of a selection a profile is learned from (a longer one is
 * cut: a minute of room tone says all there is to say about it). */
#define PROFILE_MAX_SECONDS 60
/* Equal-power crossfade at each edge of a fill, outside the gap. */
#define FILL_XFADE_MS 20
/* Length of the window searched for as the quietest stretch when no
 * range is given for the fill's room tone. */
#define FILL_AUTO_SECONDS 1

/* Planar buffers of BLOCK frames per channel, plus an interleaved one. */
struct buffers {
	int channels;
	float *plane[DSP_MAX_CHANNELS];
	float *inter;
};

static void
buffers_free(struct buffers *b)
{
	for (int c = 0; c < b->channels; c++)
		free(b->plane[c]);
	free(b->inter);
	memset(b, 0, sizeof *b);
}

static int
buffers_alloc(struct buffers *b, int channels, int64_t frames, struct diag *d)
{
	memset(b, 0, sizeof *b);
	b->channels = channels;
	for (int c = 0; c < channels; c++)
		if ((b->plane[c] = calloc((size_t)frames, sizeof(float))) == NULL)
			goto fail;
	if ((b->inter = calloc((size_t)frames * (size_t)channels,
	    sizeof(float))) != NULL)
		return 0;
fail:
	buffers_free(b);
	return diag_set(d, ERR_NOMEM, NULL, 0, "out of memory");
}

static void
deinterleave(struct buffers *b, int64_t at, int frames)
{
	for (int i = 0; i < frames; i++)
		for (int c = 0; c < b->channels; c++)
			b->plane[c][at + i] = b->inter[(size_t)i * (size_t)b->channels + (size_t)c];
}

static void
interleave(struct buffers *b, int64_t at, int frames)
{
	for (int i = 0; i < frames; i++)
		for (int c = 0; c < b->channels; c++)
			b->inter[(size_t)i * (size_t)b->channels + (size_t)c] = b->plane[c][at + i];
}

/* Replaces NaN and infinities by 0 and returns how many; adds the samples
 * at full scale to *clipped when it is not NULL. */
static int64_t
sanitise(struct buffers *b, int64_t at, int frames, int64_t *clipped)
{
	int64_t n = 0;

	for (int c = 0; c < b->channels; c++)
		for (int i = 0; i < frames; i++) {
			float x = b->plane[c][at + i];

			if (!isfinite(x)) {
				b->plane[c][at + i] = 0.0f;
				n++;
			} else if (clipped != NULL && fabsf(x) >= CLIP_LEVEL) {
				(*clipped)++;
			}
		}
	return n;
}

/* Reads frames [start, start+n) of f into planes from offset 0; frames
 * past the end of the file read as silence. */
static int
read_range(SNDFILE *f, const char *path, struct buffers *b, int64_t start,
    int64_t n, struct diag *d)
{
	int64_t done = 0;

	if (sf_seek(f, start, SEEK_SET) < 0)
		return diag_set(d, ERR_IO, path, 0, "cannot seek: %s",
		    sf_strerror(f));
	while (done < n) {
		int want = n - done < BLOCK ? (int)(n - done) : BLOCK;
		sf_count_t got = sf_readf_float(f, b->inter, want);

		if (got < 0)
			got = 0;
		memset(b->inter + got * b->channels, 0,
		    (size_t)(want - got) * (size_t)b->channels * sizeof(float));
		deinterleave(b, done, want);
		done += want;
	}
	return 0;
}

/* Writes planes [at, at+n) of b at the current position of f. */
static int
write_range(SNDFILE *f, const char *path, struct buffers *b, int64_t at,
    int64_t n, struct diag *d)
{
	for (int64_t done = 0; done < n; ) {
		int k = n - done < BLOCK ? (int)(n - done) : BLOCK;

		interleave(b, at + done, k);
		if (sf_writef_float(f, b->inter, k) != k)
			return diag_set(d, ERR_IO, path, 0, "write failed (disk "
			    "full?): %s", sf_strerror(f));
		done += k;
	}
	return 0;
}

/* Runs planes [0, n) of b through a fresh chain of spec's stages before
 * `until`, compensating its latency, in place. */
static int
run_prechain(const struct clean_spec *spec, enum clean_stage_kind until,
    struct buffers *b, int64_t n, int rate_hz, struct diag *d)
{
	struct clean_chain *c;
	float *tail[DSP_MAX_CHANNELS];
	int rc, lat;

	rc = clean_chain_create(&c, spec, b->channels, rate_hz, until, d);
	if (rc != 0)
		return rc;
	lat = clean_chain_latency(c);
	clean_chain_process(c, b->plane, (int)n);
	if (lat > 0) {
		/* flush: the last lat frames come out of lat zeros */
		for (int ch = 0; ch < b->channels; ch++)
			if ((tail[ch] = calloc((size_t)lat, sizeof(float))) == NULL) {
				for (int k = 0; k < ch; k++)
					free(tail[k]);
				clean_chain_destroy(c);
				return diag_set(d, ERR_NOMEM, NULL, 0, "out of memory");
			}
		clean_chain_process(c, tail, lat);
		for (int ch = 0; ch < b->channels; ch++) {
			float *p = b->plane[ch];

			if (n > lat) {
				memmove(p, p + lat, (size_t)(n - lat) * sizeof(float));
				memcpy(p + n - lat, tail[ch], (size_t)lat * sizeof(float));
			} else {
				memcpy(p, tail[ch] + (lat - n), (size_t)n * sizeof(float));
			}
			free(tail[ch]);
		}
	}
	clean_chain_destroy(c);
	return 0;
}

static int64_t
clamp_selection(struct clean_range r, int rate_hz)
{
	int64_t n = r.end - r.start, max = (int64_t)PROFILE_MAX_SECONDS * rate_hz;

	return n < max ? n : max;
}

/* Learns a noise profile from frames [from.start, from.end) of f (at most
 * PROFILE_MAX_SECONDS), after the stages of spec before `until` (none when
 * spec is NULL). what names the selection in messages. */
static int
learn_range(SNDFILE *f, const char *path, int channels, int rate_hz,
    struct clean_range from, const struct clean_spec *spec,
    enum clean_stage_kind until, const char *what, struct noise_profile *out,
    struct diag *d)
{
	struct buffers b;
	int64_t n = clamp_selection(from, rate_hz);
	const char *why = NULL;
	int rc;

	if ((rc = buffers_alloc(&b, channels, n > BLOCK ? n : BLOCK, d)) != 0)
		return rc;
	rc = read_range(f, path, &b, from.start, n, d);
	if (rc == 0)
		sanitise(&b, 0, (int)n, NULL);
	if (rc == 0 && spec != NULL)
		rc = run_prechain(spec, until, &b, n, rate_hz, d);
	if (rc == 0 && noise_profile_learn((const float *const *)b.plane,
	    channels, n, rate_hz, out, &why) != 0)
		rc = diag_set(d, ERR_INVALID, NULL, 0, "%s: %s", what,
		    why != NULL ? why : "cannot learn a noise profile");
	buffers_free(&b);
	return rc;
}

/* ---- pass 1: the chain ----------------------------------------------------- */

struct render {
	const struct clean_job *job;
	const struct clean_spec *spec;
	SNDFILE *in, *out;
	SF_INFO info;
	int64_t start, frames;       /* the rendered range of the input */
	struct clean_chain *chain;
	struct buffers b;
	struct clean_result r;
};

static int
stream(struct render *R, struct diag *d)
{
	const int ch = R->info.channels;
	const int lat = clean_chain_latency(R->chain);
	int64_t fed = 0, written = 0, skip = lat;
	const int64_t total_in = R->frames + lat;

	if (sf_seek(R->in, R->start, SEEK_SET) < 0)
		return diag_set(d, ERR_IO, R->job->in_path, 0, "cannot seek: %s",
		    sf_strerror(R->in));
	while (fed < total_in) {
		int n = total_in - fed < BLOCK ? (int)(total_in - fed) : BLOCK;
		int got = 0, out_from, out_n;

		if (fed < R->frames) {
			int want = R->frames - fed < n ? (int)(R->frames - fed) : n;
			sf_count_t g = sf_readf_float(R->in, R->b.inter, want);

			if (g < want)
				return diag_set(d, ERR_IO, R->job->in_path, 0,
				    "read failed after %lld of %lld frames: %s",
				    (long long)(fed + (g > 0 ? g : 0)),
				    (long long)R->frames, sf_strerror(R->in));
			got = want;
		}
		memset(R->b.inter + (size_t)got * (size_t)ch, 0,
		    (size_t)(n - got) * (size_t)ch * sizeof(float));
		deinterleave(&R->b, 0, n);
		R->r.nonfinite_samples += sanitise(&R->b, 0, got,
		    &R->r.clipped_samples);
		clean_chain_process(R->chain, R->b.plane, n);
		fed += n;
		out_from = skip < n ? (int)skip : n;
		skip -= out_from;
		out_n = n - out_from;
		if (written + out_n > R->frames)
			out_n = (int)(R->frames - written);
		if (out_n > 0) {
			int rc;

			sanitise(&R->b, out_from, out_n, NULL);
			rc = write_range(R->out, R->job->out_path, &R->b, out_from,
			    out_n, d);
			if (rc != 0)
				return rc;
			written += out_n;
		}
		if (R->job->progress != NULL)
			R->job->progress(R->job->progress_ctx,
			    fed < R->frames ? fed : R->frames, R->frames);
		if (R->job->cancel != NULL && *R->job->cancel)
			return diag_set(d, ERR_NOTHING, NULL, 0, "interrupted");
	}
	R->r.frames = written;
	R->r.latency = lat;
	return 0;
}

/* ---- pass 2: room-tone fills ----------------------------------------------- */

/* The quietest FILL_AUTO_SECONDS of the output that is neither digital
 * silence nor inside a gap (10 Hz grid), or a zero-length range. */
static int
quietest_stretch(struct render *R, struct clean_range *out, struct diag *d)
{
	const int rate = R->info.samplerate, ch = R->info.channels;
	const int64_t step = rate / 10, win = (int64_t)FILL_AUTO_SECONDS * rate;
	const int64_t nsteps = R->frames / step;
	struct clean_range best = { 0, 0 };
	double *e = calloc((size_t)(nsteps > 0 ? nsteps : 1), sizeof(double));
	double best_e = INFINITY;

	*out = best;
	if (e == NULL) {
		free(e);
		return diag_set(d, ERR_NOMEM, NULL, 0, "out of memory");
	}
	if (nsteps * step < win) {
		free(e);
		return 0;
	}
	sf_seek(R->out, 0, SEEK_SET);
	for (int64_t s = 0; s < nsteps; s++) {
		int64_t left = step;

		while (left > 0) {
			int n = left < BLOCK ? (int)left : BLOCK;

			if (sf_readf_float(R->out, R->b.inter, n) != n) {
				free(e);
				return diag_set(d, ERR_IO, R->job->out_path, 0,
				    "cannot read back the output: %s",
				    sf_strerror(R->out));
			}
			for (int i = 0; i < n * ch; i++)
				e[s] += (double)R->b.inter[i] * R->b.inter[i];
			left -= n;
		}
	}
	for (int64_t s = 0; s + win / step <= nsteps; s++) {
		double sum = 0;
		bool usable = true;
		int64_t a = R->start + s * step, z = a + win;

		for (int64_t k = s; k < s + win / step; k++) {
			/* a step of digital silence is a hole, not room tone */
			if (e[k] < 1e-14 * (double)step)
				usable = false;
			sum += e[k];
		}
		for (int g = 0; g < R->spec->fill_count; g++)
			if (a < R->spec->fills[g].end && z > R->spec->fills[g].start)
				usable = false;
		if (usable && sum < best_e) {
			best_e = sum;
			best.start = a;
			best.end = z;
		}
	}
	free(e);
	*out = best;
	return 0;
}

static int
fill_profile(struct render *R, struct noise_profile *out, struct diag *d)
{
	struct clean_range from = { 0, 0 };
	const char *what = "--fill-from";
	int rc;

	if (R->spec->have_fill_from) {
		from = R->spec->fill_from;
	} else if (R->spec->have_profile_from) {
		from = R->spec->profile_from;
		what = "--profile-from (room tone for --fill)";
	} else {
		if ((rc = quietest_stretch(R, &from, d)) != 0)
			return rc;
		what = "the quietest second of the output (room tone for --fill)";
		if (from.end <= from.start)
			return diag_set(d, ERR_INVALID, NULL, 0, "--fill: no room "
			    "tone to learn from (give --fill-from START-END)");
	}
	if (from.start < R->start || from.end > R->start + R->frames)
		return diag_set(d, ERR_INVALID, NULL, 0, "%s is outside the "
		    "rendered range", what);
	/* output frames count from the start of the rendered range */
	from.start -= R->start;
	from.end -= R->start;
	return learn_range(R->out, R->job->out_path, R->info.channels,
	    R->info.samplerate, from, NULL, CLEAN_DECLICK, what, out, d);
}

/* Fills output frames [g.start, g.end) (input coordinates) with tone:
 * roomtone_fill over the gap widened by FILL_XFADE_MS on each side, so its
 * equal-power crossfades lie just outside the gap (in the good audio
 * around it) and the gap itself is all tone; at the ends of the rendered
 * range the widening is clipped. */
static int
fill_gap(struct render *R, struct roomtone *tone, struct clean_range g,
    struct diag *d)
{
	const int64_t xf = (int64_t)R->info.samplerate * FILL_XFADE_MS / 1000;
	int64_t a = g.start - R->start - xf, z = g.end - R->start + xf;
	int64_t lo = a < 0 ? 0 : a, hi = z > R->frames ? R->frames : z;
	struct buffers b;
	int rc;

	if ((rc = buffers_alloc(&b, R->info.channels, hi - lo, d)) != 0)
		return rc;
	rc = read_range(R->out, R->job->out_path, &b, lo, hi - lo, d);
	if (rc == 0 && roomtone_fill(tone, b.plane, b.channels, (long)(hi - lo),
	    (long)(a - lo), (long)(z - a), (int)xf) != 0)
		rc = diag_set(d, ERR_NOMEM, NULL, 0, "out of memory");
	if (rc == 0 && sf_seek(R->out, lo, SEEK_SET) < 0)
		rc = diag_set(d, ERR_IO, R->job->out_path, 0, "cannot seek: %s",
		    sf_strerror(R->out));
	if (rc == 0)
		rc = write_range(R->out, R->job->out_path, &b, 0, hi - lo, d);
	buffers_free(&b);
	return rc;
}

static int
fill_all(struct render *R, struct diag *d)
{
	struct noise_profile prof;
	int rc;

	if (R->spec->fill_count == 0)
		return 0;
	if ((rc = fill_profile(R, &prof, d)) != 0)
		return rc;
	for (int g = 0; g < R->spec->fill_count; g++) {
		struct clean_range gap = R->spec->fills[g];
		struct roomtone *tone;

		if (gap.start < R->start || gap.end > R->start + R->frames ||
		    gap.end <= gap.start)
			return diag_set(d, ERR_INVALID, NULL, 0,
			    "--fill %d is outside the rendered range", g + 1);
		/* the seed depends only on the gap: same input, same output */
		tone = roomtone_create(R->info.channels, R->info.samplerate, &prof,
		    0x9e3779b97f4a7c15ull ^ (uint64_t)gap.start);
		if (tone == NULL)
			return diag_set(d, ERR_NOMEM, NULL, 0, "out of memory");
		rc = fill_gap(R, tone, gap, d);
		roomtone_destroy(tone);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* ---- pass 3 and the final rename ------------------------------------------- */

static SNDFILE *
open_temp(const char *target, SF_INFO *info, int *fd, char **tmp,
    struct diag *d)
{
	SNDFILE *f;

	*fd = atomic_file_open_temp(target, 0666, tmp);
	if (*fd < 0) {
		diag_set(d, ERR_IO, target, 0, "cannot create a file beside it: %s",
		    strerror(errno));
		return NULL;
	}
	f = sf_open_fd(*fd, SFM_RDWR, info, 0);
	if (f == NULL) {
		diag_set(d, ERR_IO, target, 0, "cannot write: %s", sf_strerror(NULL));
		close(*fd);
		unlink(*tmp);
		free(*tmp);
		*tmp = NULL;
		*fd = -1;
	}
	return f;
}

/* Copies the float temp file into a dithered 24-bit temp file. */
static int
to_pcm24(struct render *R, SNDFILE **out, int *fd, char **tmp, struct diag *d)
{
	const int ch = R->info.channels;
	SF_INFO info = R->info;
	struct dither dth[DSP_MAX_CHANNELS];
	int32_t *ibuf;
	int fd2;
	char *tmp2 = NULL;
	SNDFILE *f2;
	int rc = 0;

	info.format = (R->info.format & SF_FORMAT_TYPEMASK) | SF_FORMAT_PCM_24;
	if ((ibuf = malloc((size_t)BLOCK * (size_t)ch * sizeof *ibuf)) == NULL)
		return diag_set(d, ERR_NOMEM, NULL, 0, "out of memory");
	if ((f2 = open_temp(R->job->out_path, &info, &fd2, &tmp2, d)) == NULL) {
		free(ibuf);
		return ERR_IO;
	}
	for (int c = 0; c < ch; c++)
		dither_init(&dth[c], dither_seed_for_channel(0x64756273ull, c));
	sf_seek(*out, 0, SEEK_SET);
	for (int64_t done = 0; rc == 0 && done < R->r.frames; ) {
		int k = R->r.frames - done < BLOCK ? (int)(R->r.frames - done) : BLOCK;

		if (sf_readf_float(*out, R->b.inter, k) != k) {
			rc = diag_set(d, ERR_IO, R->job->out_path, 0,
			    "cannot read back the output: %s", sf_strerror(*out));
			break;
		}
		deinterleave(&R->b, 0, k);
		for (int c = 0; c < ch; c++)
			dither_to_i24(&dth[c], R->b.plane[c], ibuf + c, k, ch);
		if (sf_writef_int(f2, ibuf, k) != k)
			rc = diag_set(d, ERR_IO, R->job->out_path, 0,
			    "write failed (disk full?): %s", sf_strerror(f2));
		done += k;
	}
	free(ibuf);
	/* the float temp file goes either way */
	sf_close(*out);
	close(*fd);
	unlink(*tmp);
	free(*tmp);
	*out = f2;
	*fd = fd2;
	*tmp = tmp2;
	return rc;
}

static int
finish(struct render *R, SNDFILE *out, int fd, char *tmp, struct diag *d)
{
	char *dir;
	int rc = 0;

	sf_write_sync(out);
	if (sf_close(out) != 0)
		rc = diag_set(d, ERR_IO, R->job->out_path, 0, "write failed: %s",
		    sf_strerror(NULL));
	if (rc == 0 && fsync(fd) != 0)
		rc = diag_set(d, ERR_IO, R->job->out_path, 0, "fsync failed: %s",
		    strerror(errno));
	close(fd);
	if (rc == 0 && rename(tmp, R->job->out_path) != 0)
		rc = diag_set(d, ERR_IO, R->job->out_path, 0, "cannot rename "
		    "'%s' to it: %s", tmp, strerror(errno));
	if (rc != 0) {
		unlink(tmp);
	} else if ((dir = path_dirname(R->job->out_path)) != NULL) {
		atomic_file_sync_dir(dir);
		free(dir);
	}
	free(tmp);
	return rc;
}

int
clean_probe(const char *path, int *rate_hz, int *channels, int64_t *frames,
    struct diag *d)
{
	SF_INFO info;
	SNDFILE *f;

	memset(&info, 0, sizeof info);
	if ((f = sf_open(path, SFM_READ, &info)) == NULL)
		return diag_set(d, ERR_IO, path, 0, "cannot read: %s",
		    sf_strerror(NULL));
	sf_close(f);
	if (rate_hz != NULL)
		*rate_hz = info.samplerate;
	if (channels != NULL)
		*channels = info.channels;
	if (frames != NULL)
		*frames = info.frames;
	return 0;
}

int
clean_render(const struct clean_job *job, const struct clean_spec *spec,
    struct clean_result *r, struct diag *d)
{
	struct render R;
	SF_INFO oinfo;
	int fd = -1, rc;
	char *tmp = NULL;

	memset(&R, 0, sizeof R);
	R.job = job;
	R.spec = spec;
	R.in = sf_open(job->in_path, SFM_READ, &R.info);
	if (R.in == NULL)
		return diag_set(d, ERR_IO, job->in_path, 0, "cannot read: %s",
		    sf_strerror(NULL));
	R.r.channels = R.info.channels;
	R.r.rate_hz = R.info.samplerate;
	R.start = job->range.start;
	R.frames = (job->range.end > 0 ? job->range.end : R.info.frames) - R.start;
	if (R.start < 0 || R.frames < 0 || R.start + R.frames > R.info.frames) {
		rc = diag_set(d, ERR_INVALID, job->in_path, 0, "the range "
		    "%lld-%lld is outside the file's %lld frames",
		    (long long)R.start, (long long)(R.start + R.frames),
		    (long long)R.info.frames);
		goto out;
	}
	if (spec->have_profile_from && spec->stage[CLEAN_DENOISE].on) {
		if (spec->profile_from.start < 0 ||
		    spec->profile_from.end > R.info.frames ||
		    spec->profile_from.end <= spec->profile_from.start) {
			rc = diag_set(d, ERR_INVALID, job->in_path, 0,
			    "--profile-from is outside the file");
			goto out;
		}
		rc = learn_range(R.in, job->in_path, R.info.channels,
		    R.info.samplerate, spec->profile_from, spec, CLEAN_DENOISE,
		    "--profile-from", &R.r.profile, d);
		if (rc != 0)
			goto out;
		R.r.learned_profile = true;
	}
	{
		struct clean_spec s = *spec;

		if (R.r.learned_profile) {
			s.profile = R.r.profile;
			s.have_profile = true;
		}
		rc = clean_chain_create(&R.chain, &s, R.info.channels,
		    R.info.samplerate, CLEAN_STAGE_COUNT, d);
		if (rc != 0)
			goto out;
	}
	if ((rc = buffers_alloc(&R.b, R.info.channels, BLOCK, d)) != 0)
		goto out;
	memset(&oinfo, 0, sizeof oinfo);
	oinfo.samplerate = R.info.samplerate;
	oinfo.channels = R.info.channels;
	oinfo.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
	/* RF64 past the 4 GiB a RIFF size field can say */
	if (R.frames * R.info.channels * 4 > 0xFFFFF000ll)
		oinfo.format = SF_FORMAT_RF64 | SF_FORMAT_FLOAT;
	R.info.format = oinfo.format;
	if ((R.out = open_temp(job->out_path, &oinfo, &fd, &tmp, d)) == NULL) {
		rc = ERR_IO;
		goto out;
	}
	rc = stream(&R, d);
	if (rc == 0)
		rc = fill_all(&R, d);
	if (rc == 0 && job->format == CLEAN_OUT_PCM24)
		rc = to_pcm24(&R, &R.out, &fd, &tmp, d);
	if (rc == 0) {
		rc = finish(&R, R.out, fd, tmp, d);
		R.out = NULL;
		tmp = NULL;
	}
out:
	if (R.out != NULL) {
		sf_close(R.out);
		close(fd);
		unlink(tmp);
	}
	free(tmp);
	clean_chain_destroy(R.chain);
	buffers_free(&R.b);
	sf_close(R.in);
	if (r != NULL)
		*r = R.r;
	return rc;
}
