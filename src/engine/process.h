/*
 * process.h - the one render function, run by the JACK driver on the
 * real-time thread and by the offline bounce.
 */
#ifndef DUBSTAGE_ENGINE_PROCESS_H
#define DUBSTAGE_ENGINE_PROCESS_H

#include "engine/plan.h"

/*
 * Renders the next `frames` frames (1 .. max_block_frames) from the plan's
 * position and advances it. Reads media from the plan's streamer (the caller
 * has synced it and knows it is ready; missing media frames play as silence
 * and count as underruns). Output is read with plan_output/plan_stem_output.
 *
 * RT-safe: no allocation, locks, I/O, logging or syscalls.
 */
void process_run(struct plan *p, int frames);

#endif
