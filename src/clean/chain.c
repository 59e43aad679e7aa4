/*
 * chain.c - the cleanup stages as an insert chain: the same compiled
 * inserts (engine/inserts.h) a track runs live, so what `dubstage clean`
 * writes is what the insert plays.
 */
#include "clean/clean.h"
#include "engine/inserts.h"

#include <stdlib.h>
#include <string.h>

/* The insert kind that runs each stage (engine/inserts.h lists their
 * parameters). */
static const char *const stage_kinds[CLEAN_STAGE_COUNT] = {
	[CLEAN_DECLICK] = "declick",
	[CLEAN_DEPLOSIVE] = "deplosive",
	[CLEAN_DEHUM] = "dehum",
	[CLEAN_DENOISE] = "denoise",
	[CLEAN_DEESS] = "deess",
	[CLEAN_LEVEL] = "leveller",
};

struct clean_chain {
	struct pl_insert *inserts;
	size_t count;
	int channels;
	int latency;
};

void
clean_spec_init(struct clean_spec *s)
{
	memset(s, 0, sizeof *s);
}

bool
clean_spec_any(const struct clean_spec *s)
{
	for (int k = 0; k < CLEAN_STAGE_COUNT; k++)
		if (s->stage[k].on)
			return true;
	return s->fill_count > 0;
}

void
clean_chain_destroy(struct clean_chain *c)
{
	if (c == NULL)
		return;
	inserts_free(c->inserts, c->count);
	free(c);
}

int
clean_chain_create(struct clean_chain **out, const struct clean_spec *spec,
    int channels, int rate_hz, enum clean_stage_kind until, struct diag *d)
{
	struct insert ins[CLEAN_STAGE_COUNT];
	struct clean_chain *c;
	size_t n = 0;
	int denoise_at = -1, rc;

	*out = NULL;
	if (channels < 1 || channels > DSP_MAX_CHANNELS)
		return diag_set(d, ERR_INVALID, NULL, 0,
		    "%d channels: cleanup handles 1 to %d", channels,
		    DSP_MAX_CHANNELS);
	if (rate_hz < 8000 || rate_hz > 192000)
		return diag_set(d, ERR_INVALID, NULL, 0,
		    "%d Hz: cleanup handles 8 to 192 kHz", rate_hz);
	memset(ins, 0, sizeof ins);
	for (int k = 0; k < (int)until; k++) {
		if (!spec->stage[k].on)
			continue;
		if (k == CLEAN_DENOISE)
			denoise_at = (int)n;
		ins[n].kind = (char *)stage_kinds[k];
		ins[n].params = (struct insert_param *)spec->stage[k].params;
		ins[n].param_count = (size_t)spec->stage[k].param_count;
		n++;
	}
	if (denoise_at >= 0 && spec->have_profile &&
	    !noise_profile_compatible(&spec->profile, rate_hz))
		return diag_set(d, ERR_INVALID, NULL, 0,
		    "the noise profile was learned at %d Hz and this audio is "
		    "at %d Hz: learn a profile from this material",
		    spec->profile.rate_hz, rate_hz);
	if ((c = calloc(1, sizeof *c)) == NULL)
		return diag_set(d, ERR_NOMEM, NULL, 0, "out of memory");
	c->channels = channels;
	rc = inserts_compile(ins, n, channels, rate_hz, &c->inserts, &c->count, d);
	if (rc != 0) {
		free(c);
		return rc == ERR_SEMANTIC ? ERR_INVALID : rc;
	}
	if (denoise_at >= 0 && spec->have_profile)
		inserts_set_profile(c->inserts, (size_t)denoise_at, &spec->profile);
	c->latency = inserts_latency(c->inserts, c->count);
	*out = c;
	return 0;
}

int
clean_chain_latency(const struct clean_chain *c)
{
	return c->latency;
}

void
clean_chain_process(struct clean_chain *c, float *const *buf, int frames)
{
	inserts_process(c->inserts, c->count, buf, c->channels, 0, frames);
}
