#include "bounce/write_queue.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* 32 render blocks (2.7 s of audio at the default 4096 frames): enough for
 * the mixer to ride over a burst of direct writes, when every file fills
 * its 4 MiB block at the same time (see data_writer.h). */
#define SLOTS 32

struct slot {
	float *planes;          /* all files' channels, block_frames each */
	int frames;
};

struct write_queue {
	struct wav_out *const *files;
	int nfiles;
	int *channels;
	int *first_plane;       /* index of each file's first plane */
	int total_planes;
	int block;
	size_t stride;          /* floats between planes: block + 16, so equal
	                           4 KiB offsets do not make them alias */

	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct slot slots[SLOTS];
	int head, count;        /* filled slots: head .. head+count-1 */
	bool quit;
	int error;
	struct diag error_diag;
};

static void *
writer_main(void *arg)
{
	struct write_queue *q = arg;

	pthread_mutex_lock(&q->lock);
	for (;;) {
		struct slot *s;
		int rc = 0;
		bool skip;
		struct diag d;

		while (q->count == 0 && !q->quit)
			pthread_cond_wait(&q->changed, &q->lock);
		if (q->count == 0)
			break;
		s = &q->slots[q->head];
		skip = q->error != 0;   /* failed or abandoned: drop, don't write */
		pthread_mutex_unlock(&q->lock);
		for (int f = 0; f < q->nfiles && rc == 0 && !skip; f++) {
			const float *ch[16];

			for (int c = 0; c < q->channels[f]; c++)
				ch[c] = s->planes + (size_t)(q->first_plane[f] + c) *
				    q->stride;
			rc = wav_out_write(q->files[f], ch, s->frames, &d);
		}
		pthread_mutex_lock(&q->lock);
		if (rc != 0 && q->error == 0) {
			q->error = rc;
			q->error_diag = d;
		}
		q->head = (q->head + 1) % SLOTS;
		q->count--;
		pthread_cond_broadcast(&q->changed);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

int
write_queue_create(struct write_queue **out, struct wav_out *const *files,
    const int *channels, int nfiles, int block_frames)
{
	struct write_queue *q = calloc(1, sizeof *q);

	if (q == NULL)
		return ERR_NOMEM;
	q->files = files;
	q->nfiles = nfiles;
	q->block = block_frames;
	q->stride = (size_t)block_frames + 16;
	q->channels = malloc((size_t)nfiles * sizeof *q->channels);
	q->first_plane = malloc((size_t)nfiles * sizeof *q->first_plane);
	if (q->channels == NULL || q->first_plane == NULL)
		goto nomem;
	for (int f = 0; f < nfiles; f++) {
		q->channels[f] = channels[f];
		q->first_plane[f] = q->total_planes;
		q->total_planes += channels[f];
	}
	for (int i = 0; i < SLOTS; i++) {
		q->slots[i].planes = malloc((size_t)q->total_planes * q->stride *
		    sizeof(float));
		if (q->slots[i].planes == NULL)
			goto nomem;
	}
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->changed, NULL);
	if (pthread_create(&q->thread, NULL, writer_main, q) != 0) {
		pthread_cond_destroy(&q->changed);
		pthread_mutex_destroy(&q->lock);
		goto nomem;
	}
	*out = q;
	return 0;
nomem:
	for (int i = 0; i < SLOTS; i++)
		free(q->slots[i].planes);
	free(q->channels);
	free(q->first_plane);
	free(q);
	return ERR_NOMEM;
}

int
write_queue_push(struct write_queue *q, const float *const *const *planes,
    int frames, struct diag *d)
{
	struct slot *s;
	int rc;

	pthread_mutex_lock(&q->lock);
	while (q->count == SLOTS && q->error == 0)
		pthread_cond_wait(&q->changed, &q->lock);
	if ((rc = q->error) != 0) {
		*d = q->error_diag;
		pthread_mutex_unlock(&q->lock);
		return rc;
	}
	s = &q->slots[(q->head + q->count) % SLOTS];
	pthread_mutex_unlock(&q->lock);

	/* the writer never touches a free slot: copy without the lock */
	for (int f = 0; f < q->nfiles; f++)
		for (int c = 0; c < q->channels[f]; c++)
			memcpy(s->planes + (size_t)(q->first_plane[f] + c) * q->stride,
			    planes[f][c], (size_t)frames * sizeof(float));
	s->frames = frames;

	pthread_mutex_lock(&q->lock);
	q->count++;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
	return 0;
}

static void
stop(struct write_queue *q, bool drain)
{
	pthread_mutex_lock(&q->lock);
	if (!drain && q->error == 0)
		q->error = ERR_NOTHING;   /* the writer drops what is queued */
	q->quit = true;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->thread, NULL);
	for (int i = 0; i < SLOTS; i++)
		free(q->slots[i].planes);
	pthread_cond_destroy(&q->changed);
	pthread_mutex_destroy(&q->lock);
	free(q->channels);
	free(q->first_plane);
}

int
write_queue_finish(struct write_queue *q, struct diag *d)
{
	int rc;

	stop(q, true);
	rc = q->error;
	if (rc != 0)
		*d = q->error_diag;
	free(q);
	return rc;
}

void
write_queue_destroy(struct write_queue *q)
{
	if (q == NULL)
		return;
	stop(q, false);
	free(q);
}
