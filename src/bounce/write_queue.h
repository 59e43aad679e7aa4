/*
 * write_queue.h - a writer thread for the bounce: the render loop copies
 * each block's outputs into a free slot and goes on rendering while the
 * writer thread dithers and writes the files, so mixing and file I/O
 * overlap on the two cores (with the media reader in between).
 *
 * Control: one producer (the bounce loop) and the writer thread; both may
 * block (neither is real-time). The files stay owned by the caller; the
 * queue only writes to them.
 */
#ifndef DUBSTAGE_BOUNCE_WRITE_QUEUE_H
#define DUBSTAGE_BOUNCE_WRITE_QUEUE_H

#include "base/error.h"
#include "bounce/wav_out.h"

struct write_queue;

/* Starts the writer for nfiles files (borrowed until write_queue_finish or
 * destroy), file i having channels[i] channels, blocks of at most
 * block_frames. 0 or ERR_NOMEM. */
int write_queue_create(struct write_queue **out, struct wav_out *const *files,
    const int *channels, int nfiles, int block_frames);

/*
 * Queues one block: copies frames of planes[file][channel] for every file
 * and returns at once unless all slots are full (then it waits). Returns 0,
 * or the writer's first error (d filled) — after which nothing more is
 * written.
 */
int write_queue_push(struct write_queue *q, const float *const *const *planes,
    int frames, struct diag *d);

/* Waits until everything queued is written, stops the thread and frees the
 * queue. Returns 0 or the writer's first error. */
int write_queue_finish(struct write_queue *q, struct diag *d);

/* Stops at once, dropping what is queued (NULL is a no-op). */
void write_queue_destroy(struct write_queue *q);

#endif
