/*
 * inserts_internal.h - what the insert kinds share: the descriptor every
 * kind fills in (inserts.c for eq and dynamics, insert_cleanup.c for the
 * dialogue-cleanup kernels) and the compiled insert. Not for use outside
 * src/engine/.
 */
#ifndef DUBSTAGE_ENGINE_INSERTS_INTERNAL_H
#define DUBSTAGE_ENGINE_INSERTS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAX_PARAMS 40

struct param_def {
	const char *name;
	double def, min, max;
};

struct insert_kind {
	const char *name;
	const struct param_def *params;
	int param_count;
	size_t state_size;
	/* optional: the defaults, when they come from the kernel rather than
	 * params[].def (v has param_count values) */
	void (*defaults)(double *v);
	/* fresh state from values (control thread): 0, or ERR_NOMEM /
	 * ERR_INVALID (values the kernel refuses) */
	int (*init)(void *state, const double *v, int channels, int rate_hz);
	/* optional: frees what init allocated (control thread) */
	void (*fini)(void *state);
	/* values changed: redesign (RT-safe) */
	void (*apply)(void *state, const double *v, int rate_hz);
	void (*process)(void *state, float *const *buf, int channels,
	    const float *const *key, int key_channels, int frames);
	void (*reset)(void *state);
	/* optional: the delay in frames the kernel adds (constant after init) */
	int (*latency)(const void *state);
	/* optional, for kinds with latency: what a bypassed insert does (delay
	 * the audio by the same latency, so bypass never moves a track in
	 * time); without it a bypassed insert is skipped */
	void (*bypass)(void *state, float *const *buf, int channels, int frames);
};

struct pl_insert {
	const struct insert_kind *kind;
	void *state;
	double v[MAX_PARAMS];
	bool bypass;
	int rate_hz;
	uint32_t key_track;
	float *const *key;
	int key_channels;
};

/* The dialogue-cleanup kinds (insert_cleanup.c). */
extern const struct insert_kind insert_kind_declick, insert_kind_deplosive, insert_kind_dehum, insert_kind_denoise, insert_kind_deess,
    insert_kind_leveller;

#endif
