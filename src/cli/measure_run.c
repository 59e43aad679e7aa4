#include "cli/measure_run.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#define WORKERS 2

struct pool {
	struct measured_file *files;
	int n;
	atomic_int next;
	const struct qc_measure_options *o;
	/* progress: frames done per worker, summed for the bar */
	_Atomic int64_t done[WORKERS];
	_Atomic int64_t total[WORKERS];
};

struct worker {
	struct pool *pool;
	int index;
};

static void
on_progress(void *ctx, int64_t done, int64_t total)
{
	struct worker *w = ctx;

	atomic_store(&w->pool->done[w->index], done);
	atomic_store(&w->pool->total[w->index], total);
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->pool;
	int i;

	while ((i = atomic_fetch_add(&p->next, 1)) < p->n) {
		struct qc_measure_options o = *p->o;

		/* one file: both cores for its meter; several: a core each */
		if (p->n > 1)
			o.threads = 1;
		o.progress = on_progress;
		o.progress_ctx = w;
		p->files[i].rc = qc_measure_file(p->files[i].path, &o,
		    &p->files[i].r, &p->files[i].d);
	}
	return NULL;
}

void
measure_files(struct measured_file *files, int n,
    const struct qc_measure_options *o, FILE *err, bool quiet)
{
	struct pool p = { .files = files, .n = n, .o = o };
	struct worker w[WORKERS];
	pthread_t t[WORKERS];
	int started = 0;
	bool bar = !quiet && isatty(fileno(err));

	atomic_init(&p.next, 0);
	for (int k = 0; k < WORKERS; k++) {
		atomic_init(&p.done[k], 0);
		atomic_init(&p.total[k], 0);
	}
	/* a plot's series is filled by one measurement: one worker then */
	for (int k = 0; k < WORKERS && k < n && (k == 0 || o->series == NULL); k++) {
		w[k].pool = &p;
		w[k].index = k;
		if (pthread_create(&t[k], NULL, work, &w[k]) != 0)
			break;
		started++;
	}
	if (started == 0) {
		w[0].pool = &p;
		w[0].index = 0;
		work(&w[0]);
	}
	while (bar && atomic_load(&p.next) < n + started) {
		int64_t done = 0, total = 0;
		int finished = atomic_load(&p.next) - started;

		for (int k = 0; k < started; k++) {
			done += atomic_load(&p.done[k]);
			total += atomic_load(&p.total[k]);
		}
		fprintf(err, "\rmeasuring: %d of %d files done, current %3.0f%%",
		    finished < 0 ? 0 : finished, n,
		    total > 0 ? 100.0 * (double)done / (double)total : 0.0);
		fflush(err);
		usleep(100000);
	}
	for (int k = 0; k < started; k++)
		pthread_join(t[k], NULL);
	if (bar)
		fprintf(err, "\r%60s\r", "");
}

void
measure_json(struct json *j, const struct measured_file *f)
{
	const struct qc_file_result *r = &f->r;

	json_object_begin(j);
	json_key(j, "file");
	json_string(j, f->path);
	if (f->rc != 0) {
		json_key(j, "error");
		json_string(j, f->d.message);
		json_object_end(j);
		return;
	}
	json_key(j, "channels");
	json_int(j, r->channels);
	json_key(j, "layout");
	json_string(j, r->layout);
	json_key(j, "sample_rate");
	json_int(j, r->sample_rate_hz);
	json_key(j, "duration_s");
	json_double(j, (double)r->frames / r->sample_rate_hz);
	json_key_double(j, "integrated_lufs", r->m.integrated_lufs);
	json_key_double(j, "lra_lu", r->m.lra_lu);
	json_key_double(j, "momentary_max_lufs", r->m.momentary_max_lufs);
	json_key_double(j, "short_term_max_lufs", r->m.short_term_max_lufs);
	json_key_double(j, "true_peak_dbtp", r->m.true_peak_dbtp);
	json_key_double(j, "sample_peak_dbfs", r->sample_peak_dbfs);
	json_key_double(j, "speech_gated_lufs", r->m.speech_gated_lufs);
	json_key_double(j, "speech_percent", r->m.speech_percent);
	json_key(j, "true_peak_per_channel_dbtp");
	json_object_begin(j);
	for (int c = 0; c < r->channels; c++)
		json_key_double(j, r->channel_names[c], r->true_peak_ch_dbtp[c]);
	json_object_end(j);
	json_key(j, "sample_peak_per_channel_dbfs");
	json_object_begin(j);
	for (int c = 0; c < r->channels; c++)
		json_key_double(j, r->channel_names[c], r->sample_peak_ch_dbfs[c]);
	json_object_end(j);
	json_object_end(j);
}

const char *
measure_db(double v, char *buf, size_t size)
{
	if (isnan(v))
		snprintf(buf, size, "n/a");
	else if (!isfinite(v))
		snprintf(buf, size, "%s", v < 0 ? "-inf" : "+inf");
	else
		snprintf(buf, size, "%.1f", v);
	return buf;
}
