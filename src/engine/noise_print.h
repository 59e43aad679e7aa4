/*
 * noise_print.h - a session's stored noise profile (struct noise_print,
 * session.h) to and from the denoiser's (struct noise_profile,
 * dsp/noiseprofile.h). The session keeps plain numbers; these two
 * functions are the only place that knows both forms.
 */
#ifndef DUBSTAGE_ENGINE_NOISE_PRINT_H
#define DUBSTAGE_ENGINE_NOISE_PRINT_H

#include "dsp/noiseprofile.h"
#include "session/session.h"

/* 0, or ERR_INVALID when np does not make a well-formed profile (too many
 * bins for the kernel, counts that disagree). */
int noise_print_to_profile(const struct noise_print *np,
    struct noise_profile *out);

/* Fills *out (arrays allocated: free with noise_print_fini; id left 0)
 * from p with a copy of name and origin (origin may be NULL). 0 or
 * ERR_NOMEM. */
int noise_print_from_profile(const struct noise_profile *p, const char *name,
    const char *origin, struct noise_print *out);

#endif
