/* noise_print.c - session noise prints <-> denoiser profiles (noise_print.h). */
#include "engine/noise_print.h"
#include "base/error.h"
#include "base/strutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int
noise_print_to_profile(const struct noise_print *np, struct noise_profile *out)
{
	if (np->bins < 1 || np->bins > NOISE_PROFILE_MAX_BINS ||
	    np->bins != np->fft_size / 2 + 1 || np->power == NULL ||
	    np->tonal == NULL)
		return ERR_INVALID;
	memset(out, 0, sizeof *out);
	out->rate_hz = np->sample_rate_hz;
	out->fft_size = np->fft_size;
	out->bins = np->bins;
	out->frames = np->frames;
	out->level_db = (float)np->level_db;
	memcpy(out->power, np->power, (size_t)np->bins * sizeof *out->power);
	memcpy(out->tonal, np->tonal, (size_t)np->bins * sizeof *out->tonal);
	return noise_profile_compatible(out, out->rate_hz) ? 0 : ERR_INVALID;
}

int
noise_print_from_profile(const struct noise_profile *p, const char *name,
    const char *origin, struct noise_print *out)
{
	memset(out, 0, sizeof *out);
	out->name = str_dup(name);
	out->origin = origin != NULL ? str_dup(origin) : NULL;
	out->power = malloc((size_t)p->bins * sizeof *out->power);
	out->tonal = malloc((size_t)p->bins * sizeof *out->tonal);
	if (out->name == NULL || (origin != NULL && out->origin == NULL) ||
	    out->power == NULL || out->tonal == NULL) {
		noise_print_fini(out);
		return ERR_NOMEM;
	}
	out->sample_rate_hz = p->rate_hz;
	out->fft_size = p->fft_size;
	out->bins = p->bins;
	out->frames = p->frames;
	out->level_db = p->level_db;
	memcpy(out->power, p->power, (size_t)p->bins * sizeof *out->power);
	memcpy(out->tonal, p->tonal, (size_t)p->bins * sizeof *out->tonal);
	return 0;
}
