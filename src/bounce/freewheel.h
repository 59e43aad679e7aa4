/*
 * freewheel.h - a bounce's blocks rendered by the live engine in JACK's
 * freewheel mode instead of by the offline loop. The engine never
 * underruns in freewheel (it waits for media and for room), and the plan
 * renders independently of block sizes, so the file is the offline
 * bounce's, sample for sample. Master only (no stems).
 */
#ifndef DUBSTAGE_BOUNCE_FREEWHEEL_H
#define DUBSTAGE_BOUNCE_FREEWHEEL_H

#include "bounce/bounce.h"

struct freewheel;

/* Connects to the JACK server (o->jack_server, NULL = default), and starts
 * rendering s from frame start as fast as the server turns. 0 or ERR_*. */
int freewheel_open(const struct session *s, const struct bounce_options *o,
    int64_t start, struct freewheel **out, struct diag *d);
enum chan_format freewheel_format(const struct freewheel *fw);
int freewheel_channels(const struct freewheel *fw);
/* The next n frames (n <= the block size of the options), planar, valid
 * until the next call. 0 or ERR_IO (the server went away). */
int freewheel_next(struct freewheel *fw, int n, const float *const **planes,
    struct diag *d);
/* Leaves freewheel and disconnects (NULL is a no-op). */
void freewheel_close(struct freewheel *fw);

#endif
