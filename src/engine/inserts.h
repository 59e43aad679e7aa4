/*
 * inserts.h - a strip's insert chain as the engine runs it: each session
 * insert (kind + named parameters) compiled into its dsp kernel's state.
 *
 * Kinds and their parameters (names and units as stored in the session
 * file; man/dubstage-session.5 lists them):
 *   eq        hpf-hz (0 = off), hpf-slope (12 or 24 dB/oct), hpf-q,
 *             lpf-hz, lpf-slope, lpf-q, and for N = 1..8: bandN-hz (0 = off),
 *             bandN-gain-db, bandN-q, bandN-type (0 bell, 1 low shelf,
 *             2 high shelf, 3 notch, 4 low-pass, 5 high-pass)
 *   dynamics  mode (0 compressor, 1 expander, 2 gate), detector (0 peak,
 *             1 RMS), link (0/1), threshold-db, ratio, knee-db, attack-ms,
 *             release-ms, hold-ms, range-db, makeup-db, rms-ms, key-track
 *             (N: key from track TN's pre-fader signal; 0 = own input)
 *   declick, deplosive, dehum, denoise, deess, leveller: the dialogue
 *             cleanup kernels (dsp/<kind>.h), parameters as listed in
 *             insert_cleanup.c; denoise's "profile" N uses the session's
 *             noise print NN (0 = track the noise). These add latency,
 *             which the plan compensates on tracks (a track's clips play
 *             that much early); buses refuse them.
 *
 * Compile/free on the control thread; process/reset/set_param are RT-safe.
 */
#ifndef DUBSTAGE_ENGINE_INSERTS_H
#define DUBSTAGE_ENGINE_INSERTS_H

#include <stddef.h>

#include "base/error.h"
#include "session/session.h"

struct pl_insert;

/* Compiles n session inserts for a strip of `channels` at sample_rate_hz.
 * 0, ERR_NOMEM, or ERR_SEMANTIC for an unknown kind, an unknown parameter
 * or a value out of range (d names it). *out is NULL when n == 0. */
int inserts_compile(const struct insert *ins, size_t n, int channels,
    int sample_rate_hz, struct pl_insert **out, size_t *count,
    struct diag *d);
void inserts_free(struct pl_insert *chain, size_t n);

/* The index of parameter `name` of insert i for set_param, or -1. */
int inserts_param_index(const struct pl_insert *chain, size_t i,
    const char *name);
/* Sets a parameter (an automation value) from the render thread: redesigns
 * the kernel (values out of range are clamped). RT-safe. */
void inserts_set_param(struct pl_insert *chain, size_t i, int param,
    double value);

/* The track number insert i keys from (its "key-track"), 0 for none. */
uint32_t inserts_key_track(const struct pl_insert *chain, size_t i);
/* Gives insert i its key signal: channels planes that hold the key's
 * frames of the current block (borrowed from the plan). */
void inserts_set_key(struct pl_insert *chain, size_t i,
    float *const *planes, int channels);

/* Runs the chain in place over frames of buf[0..channels-1]; off is the
 * offset of buf[0] in the block (for the key planes). RT-safe. */
void inserts_process(struct pl_insert *chain, size_t n, float *const *buf,
    int channels, int off, int frames);
/* Clears every kernel's history (after a locate). RT-safe. */
/*
 * Insert `stage` of count (<= INSERTS_GROUP_MAX) mono chains, chain[k] over
 * buf[k][0..frames), none keyed: what inserts_process would do to each, in
 * the same bits. Dynamics inserts that can run together do
 * (dynamics_process_batch); the rest run one by one. RT-safe.
 */
#define INSERTS_GROUP_MAX 8
/* Whether chains a and b (n inserts each) hold the same kinds in order. */
bool inserts_same_kinds(const struct pl_insert *a, const struct pl_insert *b,
    size_t n);
void inserts_process_stage(struct pl_insert *const *chain, size_t stage,
    float *const *buf, int count, int frames);

void inserts_reset(struct pl_insert *chain, size_t n);

/* The frames of delay the chain adds (its kernels' latencies, bypassed
 * ones included: a bypassed insert delays by the same amount, so bypass
 * never moves a track in time). Constant for a compiled chain. */
int inserts_latency(const struct pl_insert *chain, size_t n);

/* The latency in frames an insert of `kind` with default parameters adds
 * at rate_hz (compiles one, mono), 0 for kinds without; -1 for an unknown
 * kind. Control thread. */
int insert_kind_latency(const char *kind, int rate_hz);

struct noise_profile;
/* Gives each denoise insert of a compiled chain of strip `strip` the
 * session noise print its "profile" parameter names (N<value>; 0 = none).
 * 0, or ERR_SEMANTIC when the session has no such print or it is damaged
 * or from another sample rate (d names the strip, the insert and the
 * print). Control thread. */
int inserts_bind_profiles(struct pl_insert *chain, size_t n,
    const struct session *s, struct id strip, struct diag *d);
/* Gives denoise insert i its noise profile (copied). Control thread,
 * before the chain is handed to the render thread. ERR_INVALID when insert
 * i is not a denoiser or the profile is from another sample rate. */
int inserts_set_profile(struct pl_insert *chain, size_t i,
    const struct noise_profile *p);

/* The name of the i-th kind the engine knows (from 0), NULL past the last
 * (for help and validation). */
const char *inserts_kind_name(size_t i);

#endif
