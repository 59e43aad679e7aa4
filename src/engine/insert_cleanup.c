/*
 * insert_cleanup.c - the dialogue-cleanup kernels (dsp/declick.h ...
 * dsp/leveller.h) as insert kinds, so a track can run them live and
 * `dubstage clean` runs the very same code offline.
 *
 * Each kind is described once by an X-macro list of its parameters: the
 * session name, the field of the kernel's params struct, its type and its
 * range. From that list come the insert's parameter table and the
 * conversion from the insert's values to the kernel's params struct; the
 * defaults come from the kernel's own X_params_default(), so there is one
 * source of truth for them.
 *
 * State: the kernel object (created at compile, on the control thread) and
 * a delay line of the kernel's latency, which a bypassed insert runs so
 * that bypass does not move the track in time (the plan compensates the
 * latency whether the insert is bypassed or not).
 */
#include "engine/inserts.h"
#include "engine/inserts_internal.h"
#include "engine/noise_print.h"
#include "dsp/declick.h"
#include "dsp/deplosive.h"
#include "dsp/deess.h"
#include "dsp/dehum.h"
#include "dsp/denoise.h"
#include "dsp/leveller.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* F_NONE: a parameter of the insert that is not one of the kernel's
 * (denoise's "profile", which the plan binds; its field is ignored). */
enum field_type { F_DOUBLE, F_INT, F_BOOL, F_NONE };

struct field {
	enum field_type type;
	size_t offset;
};

static void
field_set(void *params, const struct field *f, double v)
{
	char *at = (char *)params + f->offset;

	switch (f->type) {
	case F_DOUBLE: *(double *)at = v; break;
	case F_INT: *(int *)at = (int)lround(v); break;
	case F_BOOL: *(bool *)at = v >= 0.5; break;
	case F_NONE: break;
	}
}

static double
field_get(const void *params, const struct field *f)
{
	const char *at = (const char *)params + f->offset;

	switch (f->type) {
	case F_DOUBLE: return *(const double *)at;
	case F_INT: return *(const int *)at;
	case F_BOOL: return *(const bool *)at ? 1.0 : 0.0;
	case F_NONE: break;
	}
	return 0.0;
}

/* What every cleanup insert holds. */
struct cleanup_state {
	void *kernel;
	int channels;
	int latency;
	float *delay;          /* channels * latency frames, for bypass */
	int delay_pos;
};

static int
state_init(struct cleanup_state *st, void *kernel, int latency, int channels)
{
	st->kernel = kernel;
	st->channels = channels;
	st->latency = latency;
	if (latency > 0) {
		st->delay = calloc((size_t)latency * (size_t)channels, sizeof(float));
		if (st->delay == NULL)
			return ERR_NOMEM;
	}
	return 0;
}

static int
state_latency(const void *state)
{
	return ((const struct cleanup_state *)state)->latency;
}

/* A bypassed insert delays by its latency (a ring per channel). RT-safe. */
static void
state_bypass(void *state, float *const *buf, int channels, int frames)
{
	struct cleanup_state *st = state;
	const int L = st->latency;

	if (L == 0)
		return;
	for (int i = 0; i < frames; i++) {
		for (int c = 0; c < channels && c < st->channels; c++) {
			float *slot = &st->delay[(size_t)c * (size_t)L + (size_t)st->delay_pos];
			float x = buf[c][i];

			buf[c][i] = *slot;
			*slot = x;
		}
		if (++st->delay_pos == L)
			st->delay_pos = 0;
	}
}

/*
 * CLEANUP_KIND(prefix, kind name, params struct, parameter list):
 * defines insert_kind_<kind> from the kernel prefix_* functions. The list
 * is X(name, field, type, min, max).
 */
#define DEF_ENTRY(name, field, type, lo, hi) { name, 0, lo, hi },
#define CLEANUP_KIND(PFX, KIND, PS, LIST) \
	static const struct param_def PFX##_defs[] = { LIST(DEF_ENTRY) }; \
	_Static_assert(sizeof PFX##_defs / sizeof PFX##_defs[0] <= MAX_PARAMS, \
	    #PFX); \
	static const struct field PFX##_fields[] = { LIST(PFX##_FIELD) }; \
	enum { PFX##_count = sizeof PFX##_defs / sizeof PFX##_defs[0] }; \
	static void PFX##_params_from(const double *v, struct PS *p) \
	{ \
		PFX##_params_default(p); \
		for (int i = 0; i < PFX##_count; i++) \
			field_set(p, &PFX##_fields[i], v[i]); \
	} \
	static void PFX##_kind_defaults(double *v) \
	{ \
		struct PS p; \
		PFX##_params_default(&p); \
		for (int i = 0; i < PFX##_count; i++) \
			v[i] = field_get(&p, &PFX##_fields[i]); \
	} \
	static int PFX##_kind_init(void *state, const double *v, int ch, int rate) \
	{ \
		struct PS p; \
		struct PFX *k; \
		int rc; \
		PFX##_params_from(v, &p); \
		if (PFX##_params_check(&p) != NULL) \
			return ERR_INVALID; \
		if ((k = PFX##_create(ch, rate, &p)) == NULL) \
			return ERR_NOMEM; \
		if ((rc = state_init(state, k, PFX##_latency(k), ch)) != 0) \
			PFX##_destroy(k); \
		return rc; \
	} \
	static void PFX##_kind_fini(void *state) \
	{ \
		struct cleanup_state *st = state; \
		PFX##_destroy(st->kernel); \
		free(st->delay); \
	} \
	static void PFX##_kind_apply(void *state, const double *v, int rate) \
	{ \
		struct PS p; \
		(void)rate; \
		PFX##_params_from(v, &p); \
		PFX##_set_params(((struct cleanup_state *)state)->kernel, &p); \
	} \
	static void PFX##_kind_process(void *state, float *const *buf, int ch, \
	    const float *const *key, int key_ch, int frames) \
	{ \
		(void)ch; (void)key; (void)key_ch; \
		PFX##_process(((struct cleanup_state *)state)->kernel, buf, frames); \
	} \
	static void PFX##_kind_reset(void *state) \
	{ \
		struct cleanup_state *st = state; \
		PFX##_reset(st->kernel); \
		if (st->delay != NULL) \
			memset(st->delay, 0, (size_t)st->latency * \
			    (size_t)st->channels * sizeof(float)); \
		st->delay_pos = 0; \
	} \
	const struct insert_kind insert_kind_##KIND = { \
		.name = #KIND, \
		.params = PFX##_defs, \
		.param_count = PFX##_count, \
		.state_size = sizeof(struct cleanup_state), \
		.defaults = PFX##_kind_defaults, \
		.init = PFX##_kind_init, \
		.fini = PFX##_kind_fini, \
		.apply = PFX##_kind_apply, \
		.process = PFX##_kind_process, \
		.reset = PFX##_kind_reset, \
		.latency = state_latency, \
		.bypass = state_bypass, \
	};

#define FIELD_OF(PS, field, type) { type, offsetof(struct PS, field) },

/* ---- the kinds ------------------------------------------------------------ */

#define DECLICK_LIST(X) \
	X("sensitivity", sensitivity, F_DOUBLE, 0, 1) \
	X("max-click-ms", max_click_ms, F_DOUBLE, 0.1, 5)
#define declick_FIELD(name, field, type, lo, hi) FIELD_OF(declick_params, field, type)
CLEANUP_KIND(declick, declick, declick_params, DECLICK_LIST)

#define DEPLOSIVE_LIST(X) \
	X("freq-hz", freq_hz, F_DOUBLE, 60, 300) \
	X("threshold-db", threshold_db, F_DOUBLE, 3, 30) \
	X("reduction-db", reduction_db, F_DOUBLE, 0, 40)
#define deplosive_FIELD(name, field, type, lo, hi) FIELD_OF(deplosive_params, field, type)
CLEANUP_KIND(deplosive, deplosive, deplosive_params, DEPLOSIVE_LIST)

#define DENOISE_LIST(X) \
	X("reduction-db", reduction_db, F_DOUBLE, 0, 40) \
	X("tonal-reduction-db", tonal_reduction_db, F_DOUBLE, 0, 60) \
	X("adaptive", adaptive, F_BOOL, 0, 1) \
	X("profile", adaptive, F_NONE, 0, 4294967295.0)
#define denoise_FIELD(name, field, type, lo, hi) FIELD_OF(denoise_params, field, type)
CLEANUP_KIND(denoise, denoise, denoise_params, DENOISE_LIST)

#define DEHUM_LIST(X) \
	X("mains-hz", mains_hz, F_DOUBLE, 0, 70) \
	X("harmonics", harmonics, F_INT, 1, DEHUM_MAX_HARMONICS) \
	X("amount", amount, F_DOUBLE, 0, 1) \
	X("settle-ms", settle_ms, F_DOUBLE, 50, 5000)
#define dehum_FIELD(name, field, type, lo, hi) FIELD_OF(dehum_params, field, type)
CLEANUP_KIND(dehum, dehum, dehum_params, DEHUM_LIST)

#define DEESS_LIST(X) \
	X("freq-hz", freq_hz, F_DOUBLE, 2000, 16000) \
	X("threshold-db", threshold_db, F_DOUBLE, -30, 20) \
	X("ratio", ratio, F_DOUBLE, 1, 1000) \
	X("range-db", range_db, F_DOUBLE, 0, 40) \
	X("attack-ms", attack_ms, F_DOUBLE, 0, 100) \
	X("release-ms", release_ms, F_DOUBLE, 1, 1000) \
	X("floor-db", floor_db, F_DOUBLE, -120, 0)
#define deess_FIELD(name, field, type, lo, hi) FIELD_OF(deess_params, field, type)
CLEANUP_KIND(deess, deess, deess_params, DEESS_LIST)

#define LEVELLER_LIST(X) \
	X("target-lufs", target_lufs, F_DOUBLE, -50, -5) \
	X("max-boost-db", max_boost_db, F_DOUBLE, 0, 40) \
	X("max-cut-db", max_cut_db, F_DOUBLE, 0, 40) \
	X("slew-db-per-s", slew_db_per_s, F_DOUBLE, 1, 200) \
	X("lookahead-ms", lookahead_ms, F_DOUBLE, 10, 2000) \
	X("gate-db", gate_db, F_DOUBLE, 3, 40) \
	X("gap-ms", gap_ms, F_DOUBLE, 50, 2000)
#define leveller_FIELD(name, field, type, lo, hi) FIELD_OF(leveller_params, field, type)
CLEANUP_KIND(leveller, leveller, leveller_params, LEVELLER_LIST)

/* ---- profiles -------------------------------------------------------------- */

/* The noise print number insert i's "profile" names, 0 for none. */
static uint32_t
profile_ref(const struct pl_insert *chain, size_t i)
{
	if (chain[i].kind != &insert_kind_denoise)
		return 0;
	return (uint32_t)chain[i].v[denoise_count - 1];
}

int
inserts_bind_profiles(struct pl_insert *chain, size_t n,
    const struct session *s, struct id strip, struct diag *d)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t ref = profile_ref(chain, i);
		const struct noise_print *np;
		struct noise_profile prof;
		char b[16];

		if (ref == 0)
			continue;
		np = session_noise_print(s, (struct id){ ID_PRINT, ref });
		if (np == NULL || noise_print_to_profile(np, &prof) != 0 ||
		    inserts_set_profile(chain, i, &prof) != 0)
			return diag_set(d, ERR_SEMANTIC, NULL, 0, "%s: insert %zu "
			    "uses noise profile N%u, which %s", id_format(strip, b,
			    sizeof b), i + 1, (unsigned)ref, np == NULL ?
			    "the session does not have" : np->sample_rate_hz !=
			    s->sample_rate_hz ? "is from another sample rate" :
			    "is damaged");
	}
	return 0;
}

int
inserts_set_profile(struct pl_insert *chain, size_t i,
    const struct noise_profile *p)
{
	struct cleanup_state *st = chain[i].state;

	if (chain[i].kind != &insert_kind_denoise)
		return ERR_INVALID;
	return denoise_set_profile(st->kernel, p) == 0 ? 0 : ERR_INVALID;
}
