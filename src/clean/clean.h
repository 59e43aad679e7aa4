/*
 * clean.h - dialogue cleanup as a chain of dsp/ kernels: what the user
 * asked for (struct clean_spec), the chain that runs it on a stream, and
 * the offline render of an audio file (or a range of one) to a new file.
 *
 * Order. Whatever order the options come in, the processors run in the
 * order a dialogue editor works: de-click (clicks confuse every detector
 * after it), de-plosive, de-hum (tonal, before the broadband denoiser so
 * the denoiser's noise estimate is not dominated by mains lines), denoise,
 * de-ess, then the leveller (on the cleaned voice, so it rides speech and
 * not noise), then room-tone fill of the given gaps (on the finished
 * output, so the fill matches the room as it now sounds).
 *
 * Latency. The chain's latency is the sum of its kernels' latencies; the
 * render drops that many frames at the start and flushes as many at the
 * end, so the output is sample-aligned with the input (a cleaned clip
 * stays in sync with picture).
 *
 * Noise profile. With spec.profile_from set, the denoiser's profile is
 * learned from that range of the input after the stages that run before
 * the denoiser (so a de-hummed selection teaches a de-hummed profile).
 * With spec.profile set, that profile is used. With neither, the
 * denoiser tracks the noise by itself.
 *
 * Threads: main thread; the chain itself is RT-safe once created (the
 * engine runs the same kernels as inserts, not this chain).
 */
#ifndef DUBSTAGE_CLEAN_CLEAN_H
#define DUBSTAGE_CLEAN_CLEAN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "dsp/noiseprofile.h"
#include "session/session.h"

#define CLEAN_MAX_FILLS 64
#define CLEAN_MAX_SETTINGS 16

/* A range of input frames [start, end). */
struct clean_range {
	int64_t start, end;
};

/* The stages, in the order they run. */
enum clean_stage_kind {
	CLEAN_DECLICK,
	CLEAN_DEPLOSIVE,
	CLEAN_DEHUM,
	CLEAN_DENOISE,
	CLEAN_DEESS,
	CLEAN_LEVEL,
	CLEAN_STAGE_COUNT
};

/* A stage: on or off, and the parameters given (insert parameter names
 * and values; the rest keep the kernel's defaults). */
struct clean_stage {
	bool on;
	struct insert_param params[CLEAN_MAX_SETTINGS];  /* names borrowed */
	int param_count;
};

struct clean_spec {
	struct clean_stage stage[CLEAN_STAGE_COUNT];

	/* the denoiser's profile: learned from profile_from (input frames),
	 * or given, or neither (it tracks the noise by itself) */
	bool have_profile_from;
	struct clean_range profile_from;
	bool have_profile;
	struct noise_profile profile;

	/* room-tone fill: gaps in input frames, filled with tone learned from
	 * fill_from (input frames) of the processed output, or, when unset,
	 * from profile_from, or else from the quietest second of the output */
	struct clean_range fills[CLEAN_MAX_FILLS];
	int fill_count;
	bool have_fill_from;
	struct clean_range fill_from;
};

/* Every stage off. */
void clean_spec_init(struct clean_spec *s);
/* True when the spec does anything at all. */
bool clean_spec_any(const struct clean_spec *s);

/* ---- the chain ------------------------------------------------------------ */

struct clean_chain;

/* The stages of spec that are on, in the order above, up to (not
 * including) stage `until` (CLEAN_STAGE_COUNT = all). The profile, when
 * spec has one, is handed to the denoiser. 0, ERR_INVALID (a parameter out
 * of range or a profile from another rate: d says which), ERR_NOMEM. */
int clean_chain_create(struct clean_chain **out, const struct clean_spec *spec,
    int channels, int rate_hz, enum clean_stage_kind until, struct diag *d);
void clean_chain_destroy(struct clean_chain *c);
/* Total latency in frames. */
int clean_chain_latency(const struct clean_chain *c);
/* In place, planar. */
void clean_chain_process(struct clean_chain *c, float *const *buf, int frames);

/* ---- the offline render ---------------------------------------------------- */

enum clean_out_format {
	CLEAN_OUT_FLOAT32,   /* 32-bit float WAV: nothing lost */
	CLEAN_OUT_PCM24,     /* 24-bit PCM WAV, TPDF dither */
};

struct clean_job {
	const char *in_path;
	const char *out_path;        /* written atomically (temp + rename) */
	struct clean_range range;    /* input frames to render; end 0 = to the end */
	enum clean_out_format format;
	/* progress (frames done of total), may be NULL */
	void (*progress)(void *ctx, int64_t done, int64_t total);
	void *progress_ctx;
	/* set non-zero (a signal handler) to abandon the render; may be NULL */
	volatile sig_atomic_t *cancel;
};

struct clean_result {
	int channels;
	int rate_hz;
	int64_t frames;              /* written */
	int latency;                 /* of the chain, compensated */
	int64_t clipped_samples;     /* input samples at or above full scale */
	int64_t nonfinite_samples;   /* input samples that were NaN or infinite (read as 0) */
	bool learned_profile;        /* profile below is valid */
	struct noise_profile profile;/* as learned from profile_from */
};

/* Opens an audio file for its rate, channels and length (each may be
 * NULL). 0 or ERR_IO (d says why). */
int clean_probe(const char *path, int *rate_hz, int *channels,
    int64_t *frames, struct diag *d);

/*
 * Renders job->range of job->in_path through spec into job->out_path.
 * Ranges in spec are in frames of the input file (absolute, not relative
 * to job->range). Returns 0; ERR_IO (cannot read/write: d says which file
 * and why; nothing is left under out_path), ERR_INVALID (bad spec, range
 * outside the file, a profile range that is not room tone: d says why),
 * ERR_NOMEM, ERR_NOTHING (cancelled: nothing written). r may be NULL.
 */
int clean_render(const struct clean_job *job, const struct clean_spec *spec,
    struct clean_result *r, struct diag *d);

#endif
