/*
 * inserts.c - compiling and running insert chains.
 *
 * Each kind is a descriptor: its parameter table (name, default, range)
 * and the functions that turn a value array into kernel state. A compiled
 * insert holds its values, so an automation change just sets one value and
 * redesigns. Parameters come from the session as name/value pairs; an
 * unknown name or a value out of range is an error when compiling, not
 * ignored, so a typo in a session file does not silently mix wrong.
 * Automation values are clamped instead (the render thread cannot fail).
 */
#include "engine/inserts.h"
#include "engine/inserts_internal.h"
#include "dsp/dynamics.h"
#include "dsp/eq.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- eq ----------------------------------------------------------------- */

enum { EQ_HPF_HZ, EQ_HPF_SLOPE, EQ_HPF_Q, EQ_LPF_HZ, EQ_LPF_SLOPE, EQ_LPF_Q,
    EQ_BAND0 };
#define BAND(n) \
	{ "band" #n "-hz", 0, 0, 96000 }, \
	{ "band" #n "-gain-db", 0, -BIQUAD_GAIN_DB_MAX, BIQUAD_GAIN_DB_MAX }, \
	{ "band" #n "-q", 1.0, BIQUAD_Q_MIN, BIQUAD_Q_MAX }, \
	{ "band" #n "-type", 0, 0, 5 }

static const struct param_def eq_params[] = {
	{ "hpf-hz", 0, 0, 96000 }, { "hpf-slope", 12, 12, 24 },
	{ "hpf-q", 0.7071067811865476, BIQUAD_Q_MIN, BIQUAD_Q_MAX },
	{ "lpf-hz", 0, 0, 96000 }, { "lpf-slope", 12, 12, 24 },
	{ "lpf-q", 0.7071067811865476, BIQUAD_Q_MIN, BIQUAD_Q_MAX },
	BAND(1), BAND(2), BAND(3), BAND(4), BAND(5), BAND(6), BAND(7), BAND(8),
};
#undef BAND

static const enum biquad_type band_types[] = { BIQUAD_BELL, BIQUAD_LOWSHELF,
    BIQUAD_HIGHSHELF, BIQUAD_NOTCH, BIQUAD_LOWPASS, BIQUAD_HIGHPASS };

/* Frequencies at or above Nyquist are pulled inside by the kernel. */
static void
eq_params_from(const double *v, struct eq_params *p)
{
	memset(p, 0, sizeof *p);
	p->hpf.enabled = v[EQ_HPF_HZ] > 0;
	p->hpf.freq_hz = v[EQ_HPF_HZ];
	p->hpf.slope_db_per_oct = v[EQ_HPF_SLOPE] >= 18 ? 24 : 12;
	p->hpf.q = v[EQ_HPF_Q];
	p->lpf.enabled = v[EQ_LPF_HZ] > 0;
	p->lpf.freq_hz = v[EQ_LPF_HZ];
	p->lpf.slope_db_per_oct = v[EQ_LPF_SLOPE] >= 18 ? 24 : 12;
	p->lpf.q = v[EQ_LPF_Q];
	for (int b = 0; b < EQ_MAX_BANDS; b++) {
		const double *bv = v + EQ_BAND0 + 4 * b;
		int type = (int)lround(bv[3]);

		p->band[b].enabled = bv[0] > 0;
		p->band[b].freq_hz = bv[0];
		p->band[b].gain_db = bv[1];
		p->band[b].q = bv[2];
		p->band[b].type = band_types[type < 0 ? 0 : type > 5 ? 5 : type];
	}
}

static void
eq_kind_apply(void *state, const double *v, int rate_hz)
{
	struct eq_params p;
	struct eq_coefs c;

	eq_params_from(v, &p);
	if (eq_design(&p, rate_hz, &c) == 0)
		eq_set_coefs(state, &c);
}

static int
eq_kind_init(void *state, const double *v, int channels, int rate_hz)
{
	(void)channels;
	eq_init(state, rate_hz);
	eq_kind_apply(state, v, rate_hz);
	eq_reset(state);   /* start settled: no ramp from flat */
	return 0;
}

static void
eq_kind_process(void *state, float *const *buf, int channels,
    const float *const *key, int key_channels, int frames)
{
	(void)key;
	(void)key_channels;
	eq_process(state, buf, channels, frames);
}

static const struct insert_kind kind_eq = {
	.name = "eq",
	.params = eq_params,
	.param_count = sizeof eq_params / sizeof eq_params[0],
	.state_size = sizeof(struct eq),
	.init = eq_kind_init,
	.apply = eq_kind_apply,
	.process = eq_kind_process,
	.reset = (void (*)(void *))eq_reset,
};

/* ---- dynamics ----------------------------------------------------------- */

enum { DY_MODE, DY_DETECTOR, DY_LINK, DY_THRESHOLD, DY_RATIO, DY_KNEE,
    DY_ATTACK, DY_RELEASE, DY_HOLD, DY_RANGE, DY_MAKEUP, DY_RMS, DY_KEY };

static const struct param_def dyn_params[] = {
	{ "mode", 0, 0, 2 }, { "detector", 0, 0, 1 }, { "link", 1, 0, 1 },
	{ "threshold-db", -20, -144, 24 }, { "ratio", 4, 1, 1000 },
	{ "knee-db", 6, 0, 48 }, { "attack-ms", 10, 0, 2000 },
	{ "release-ms", 100, 0, 10000 }, { "hold-ms", 0, 0, 10000 },
	{ "range-db", 40, 0, 144 }, { "makeup-db", 0, -48, 48 },
	{ "rms-ms", 10, 0.1, 1000 }, { "key-track", 0, 0, 4294967295.0 },
};

static void
dyn_params_from(const double *v, struct dynamics_params *p)
{
	memset(p, 0, sizeof *p);
	p->mode = (enum dynamics_mode)lround(v[DY_MODE]);
	p->detector = v[DY_DETECTOR] >= 0.5 ? DYNAMICS_RMS : DYNAMICS_PEAK;
	p->link = v[DY_LINK] >= 0.5;
	p->threshold_db = v[DY_THRESHOLD];
	p->ratio = p->mode == DYNAMICS_EXPANDER && v[DY_RATIO] > 100 ? 100 :
	    v[DY_RATIO];
	p->knee_db = v[DY_KNEE];
	p->attack_ms = v[DY_ATTACK];
	p->release_ms = v[DY_RELEASE];
	p->hold_ms = v[DY_HOLD];
	p->range_db = v[DY_RANGE];
	p->makeup_db = v[DY_MAKEUP];
	p->rms_ms = v[DY_RMS];
}

static void
dyn_kind_apply(void *state, const double *v, int rate_hz)
{
	struct dynamics_params p;
	struct dynamics_coefs c;

	dyn_params_from(v, &p);
	if (dynamics_design(&p, rate_hz, &c) == 0)
		dynamics_set_coefs(state, &c);
}

static int
dyn_kind_init(void *state, const double *v, int channels, int rate_hz)
{
	struct dynamics_params p;
	struct dynamics_coefs c;

	(void)channels;
	dyn_params_from(v, &p);
	if (dynamics_design(&p, rate_hz, &c) != 0) {
		/* ranges were checked at compile; keep a neutral kernel anyway */
		p.mode = DYNAMICS_COMPRESSOR;
		p.ratio = 1;
		dynamics_design(&p, rate_hz, &c);
	}
	dynamics_init(state, &c);
	return 0;
}

static void
dyn_kind_process(void *state, float *const *buf, int channels,
    const float *const *key, int key_channels, int frames)
{
	dynamics_process(state, buf, channels, key, key_channels, frames);
}

static const struct insert_kind kind_dynamics = {
	.name = "dynamics",
	.params = dyn_params,
	.param_count = sizeof dyn_params / sizeof dyn_params[0],
	.state_size = sizeof(struct dynamics),
	.init = dyn_kind_init,
	.apply = dyn_kind_apply,
	.process = dyn_kind_process,
	.reset = (void (*)(void *))dynamics_reset,
};

/* ---- the table ---------------------------------------------------------- */

static const struct insert_kind *const kinds[] = {
	&kind_eq,
	&kind_dynamics,
	&insert_kind_declick,
	&insert_kind_deplosive,
	&insert_kind_dehum,
	&insert_kind_denoise,
	&insert_kind_deess,
	&insert_kind_leveller,
	NULL
};

const char *
inserts_kind_name(size_t i)
{
	return i < sizeof kinds / sizeof kinds[0] - 1 ? kinds[i]->name : NULL;
}

_Static_assert(sizeof eq_params / sizeof eq_params[0] <= MAX_PARAMS, "eq");
_Static_assert(sizeof dyn_params / sizeof dyn_params[0] <= MAX_PARAMS, "dyn");

static const struct insert_kind *
find_kind(const char *name)
{
	for (size_t i = 0; kinds[i] != NULL; i++)
		if (strcmp(kinds[i]->name, name) == 0)
			return kinds[i];
	return NULL;
}

static int
param_find(const struct insert_kind *k, const char *name)
{
	for (int i = 0; i < k->param_count; i++)
		if (strcmp(k->params[i].name, name) == 0)
			return i;
	return -1;
}

/* Values from the defaults and the session's parameters. */
static int
values_from(const struct insert_kind *k, const struct insert *ins,
    double *v, struct diag *d)
{
	if (k->defaults != NULL)
		k->defaults(v);
	else
		for (int i = 0; i < k->param_count; i++)
			v[i] = k->params[i].def;
	for (size_t i = 0; i < ins->param_count; i++) {
		const struct insert_param *ip = &ins->params[i];
		int at = param_find(k, ip->name ? ip->name : "");

		if (at < 0)
			return diag_set(d, ERR_SEMANTIC, NULL, 0, "%s has no "
			    "parameter '%s'", k->name, ip->name ? ip->name : "");
		if (!(ip->value >= k->params[at].min &&
		    ip->value <= k->params[at].max))
			return diag_set(d, ERR_SEMANTIC, NULL, 0, "%s %s = %g is "
			    "outside %g .. %g", k->name, ip->name, ip->value,
			    k->params[at].min, k->params[at].max);
		v[at] = ip->value;
	}
	return 0;
}

int
inserts_compile(const struct insert *ins, size_t n, int channels,
    int sample_rate_hz, struct pl_insert **out, size_t *count, struct diag *d)
{
	struct pl_insert *chain;
	int rc = 0;

	*out = NULL;
	*count = 0;
	if (n == 0)
		return 0;
	chain = calloc(n, sizeof *chain);
	if (chain == NULL)
		return ERR_NOMEM;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct insert_kind *k = find_kind(ins[i].kind ? ins[i].kind : "");
		struct pl_insert *pi = &chain[i];

		if (k == NULL) {
			rc = diag_set(d, ERR_SEMANTIC, NULL, 0,
			    "unknown insert kind '%s'", ins[i].kind ? ins[i].kind : "");
			break;
		}
		if ((rc = values_from(k, &ins[i], pi->v, d)) != 0)
			break;
		/* the kernels' states hold float arrays: align for vectors */
		pi->state = aligned_alloc(64, (k->state_size + 63) / 64 * 64);
		if (pi->state == NULL) {
			rc = ERR_NOMEM;
			break;
		}
		memset(pi->state, 0, k->state_size);
		pi->kind = k;
		pi->bypass = ins[i].bypass;
		pi->rate_hz = sample_rate_hz;
		if (k == &kind_dynamics)
			pi->key_track = (uint32_t)pi->v[DY_KEY];
		*count = i + 1;
		if ((rc = k->init(pi->state, pi->v, channels, sample_rate_hz)) != 0) {
			/* nothing to fini: init failed as a whole */
			pi->kind = NULL;
			rc = diag_set(d, rc, NULL, 0, rc == ERR_NOMEM ?
			    "out of memory for a %s insert" :
			    "%s: the kernel refuses these settings", k->name);
		}
	}
	if (rc != 0) {
		inserts_free(chain, n);
		*count = 0;
		return rc;
	}
	*out = chain;
	return 0;
}

void
inserts_free(struct pl_insert *chain, size_t n)
{
	for (size_t i = 0; chain != NULL && i < n; i++) {
		if (chain[i].kind != NULL && chain[i].kind->fini != NULL)
			chain[i].kind->fini(chain[i].state);
		free(chain[i].state);
	}
	free(chain);
}

int
inserts_param_index(const struct pl_insert *chain, size_t i, const char *name)
{
	return param_find(chain[i].kind, name);
}

void
inserts_set_param(struct pl_insert *chain, size_t i, int param, double value)
{
	struct pl_insert *pi = &chain[i];
	const struct param_def *def = &pi->kind->params[param];

	if (!(value >= def->min))
		value = def->min;   /* NaN too */
	else if (value > def->max)
		value = def->max;
	if (pi->v[param] == value)
		return;
	pi->v[param] = value;
	pi->kind->apply(pi->state, pi->v, pi->rate_hz);
}

uint32_t
inserts_key_track(const struct pl_insert *chain, size_t i)
{
	return chain[i].key_track;
}

void
inserts_set_key(struct pl_insert *chain, size_t i, float *const *planes,
    int channels)
{
	chain[i].key = planes;
	chain[i].key_channels = channels;
}

void
inserts_process(struct pl_insert *chain, size_t n, float *const *buf,
    int channels, int off, int frames)
{
	for (size_t i = 0; i < n; i++) {
		struct pl_insert *pi = &chain[i];
		const float *key[16];

		if (pi->bypass) {
			if (pi->kind->bypass != NULL)
				pi->kind->bypass(pi->state, buf, channels, frames);
			continue;
		}
		for (int c = 0; pi->key != NULL && c < pi->key_channels; c++)
			key[c] = pi->key[c] + off;
		pi->kind->process(pi->state, buf, channels,
		    pi->key != NULL ? key : NULL, pi->key_channels, frames);
	}
}

bool
inserts_same_kinds(const struct pl_insert *a, const struct pl_insert *b,
    size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].kind != b[i].kind)
			return false;
	return true;
}

void
inserts_process_stage(struct pl_insert *const *chain, size_t stage,
    float *const *buf, int count, int frames)
{
	struct dynamics *dyn[INSERTS_GROUP_MAX];
	float *dbuf[INSERTS_GROUP_MAX];
	bool done[INSERTS_GROUP_MAX] = { false };
	int nd = 0;

	for (int k = 0; k < count; k++) {
		struct pl_insert *pi = &chain[k][stage];

		if (!pi->bypass && pi->kind == &kind_dynamics && pi->key == NULL) {
			dyn[nd] = pi->state;
			dbuf[nd++] = buf[k];
		} else {
			inserts_process(pi, 1, &buf[k], 1, 0, frames);
		}
	}
	/* the dynamics in batches of those that can run together */
	for (int a = 0; a < nd; a++) {
		struct dynamics *bd[DYNAMICS_BATCH_MAX] = { dyn[a] };
		float *bb[DYNAMICS_BATCH_MAX] = { dbuf[a] };
		int nb = 1;

		if (done[a])
			continue;
		for (int b = a + 1; b < nd && nb < DYNAMICS_BATCH_MAX; b++) {
			if (done[b])
				continue;
			bd[nb] = dyn[b];
			if (dynamics_batchable(bd, nb + 1)) {
				bb[nb++] = dbuf[b];
				done[b] = true;
			}
		}
		dynamics_process_batch(bd, bb, nb, frames);
	}
}

void
inserts_reset(struct pl_insert *chain, size_t n)
{
	for (size_t i = 0; i < n; i++)
		chain[i].kind->reset(chain[i].state);
}

int
inserts_latency(const struct pl_insert *chain, size_t n)
{
	int total = 0;

	for (size_t i = 0; i < n; i++)
		if (chain[i].kind->latency != NULL)
			total += chain[i].kind->latency(chain[i].state);
	return total;
}

int
insert_kind_latency(const char *kind, int rate_hz)
{
	struct insert ins = { .kind = (char *)kind };
	struct pl_insert *chain = NULL;
	size_t count = 0;
	int latency;

	if (find_kind(kind) == NULL)
		return -1;
	if (inserts_compile(&ins, 1, 1, rate_hz, &chain, &count, NULL) != 0)
		return 0;
	latency = inserts_latency(chain, count);
	inserts_free(chain, count);
	return latency;
}
