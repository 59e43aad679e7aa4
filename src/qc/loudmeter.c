/*
 * loudmeter.c - the console's live loudness meter: dsp/loudness.h fed in
 * pieces that end on 100 ms boundaries, so that the history takes M and S
 * exactly at each boundary whatever the feeds' sizes.
 */
#include "qc/loudmeter.h"
#include "qc/layout.h"
#include "qc/spec.h"
#include "dsp/loudness.h"
#include "dsp/speech.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_FRAMES 1024   /* deinterleaved per piece (8 ch: 32 KiB) */

struct loudmeter {
	struct loudness *meter;
	int rate, channels;
	int64_t frames;                  /* fed since reset */
	int64_t next_hop;                /* the next history point's number */
	int64_t next_hop_frame;          /* floor(next_hop * rate / 10) */
	/* the history ring */
	float *hist_s, *hist_m;
	int hist_cap, hist_len, hist_head;   /* head: where the next one goes */
	int64_t hist_total;
	/* loudness_get's result, valid while frames == cached_frames */
	struct loudness_result cached;
	int64_t cached_frames;
	bool have_cached;
	/* dialogue gating (NULL without cfg.speech) */
	struct speech *speech;
	struct qc_layout lay;            /* whose voice channel it listens to */
	float *mono;
	float *planes[LOUDMETER_MAX_CHANNELS];
	float *arena;
};

static int64_t
hop_frame(const struct loudmeter *m, int64_t hop)
{
	return hop * m->rate / LOUDMETER_HISTORY_HZ;
}

void
loudmeter_config_init(struct loudmeter_config *c, int rate_hz, int channels)
{
	memset(c, 0, sizeof *c);
	c->rate_hz = rate_hz;
	c->channels = channels;
	c->history_seconds = LOUDMETER_HISTORY_DEFAULT_S;
}

static void
clear(struct loudmeter *m)
{
	m->frames = 0;
	m->next_hop = 1;
	m->next_hop_frame = hop_frame(m, 1);
	m->hist_len = m->hist_head = 0;
	m->hist_total = 0;
	m->have_cached = false;
}

int
loudmeter_create(const struct loudmeter_config *cfg, struct loudmeter **out)
{
	struct loudness_config lc;
	struct qc_layout lay;
	struct loudmeter *m;
	int rc;
	double hs = cfg->history_seconds == 0 ? LOUDMETER_HISTORY_DEFAULT_S :
	    cfg->history_seconds;
	int nch = cfg->channels;

	*out = NULL;
	if (cfg->rate_hz < 8000 || cfg->rate_hz > 384000 || nch < 1 ||
	    nch > LOUDMETER_MAX_CHANNELS || !(hs > 0) ||
	    hs > LOUDMETER_HISTORY_MAX_S)
		return ERR_INVALID;
	loudness_config_init(&lc, cfg->rate_hz, nch, LOUDNESS_LAYOUT_CUSTOM);
	if (qc_layout_of(NULL, nch, cfg->layout, &lay, NULL) != 0) {
		if (cfg->weights == NULL || cfg->layout != NULL)
			return ERR_INVALID;
		/* explicit weights for a count without a usual layout: no
		 * speaker is known, the detector listens to channel 0 */
		memset(&lay, 0, sizeof lay);
		lay.channels = nch;
		for (int c = 0; c < nch; c++)
			lay.speaker[c] = SPK_OTHER;
	}
	for (int c = 0; c < nch; c++) {
		const double w = cfg->weights != NULL ? cfg->weights[c] :
		    lay.weight[c];

		if (!(w >= 0) || !isfinite(w))
			return ERR_INVALID;
		lc.weights[c] = w;
	}
	lc.true_peak = cfg->true_peak_accurate ? LOUDNESS_TP_ACCURATE :
	    LOUDNESS_TP_ANNEX2;
	if ((m = calloc(1, sizeof *m)) == NULL)
		return ERR_NOMEM;
	m->rate = cfg->rate_hz;
	m->channels = nch;
	m->lay = lay;
	m->hist_cap = (int)ceil(hs * LOUDMETER_HISTORY_HZ - 1e-9);
	if (m->hist_cap < 1)
		m->hist_cap = 1;
	m->hist_s = malloc((size_t)m->hist_cap * sizeof *m->hist_s);
	m->hist_m = malloc((size_t)m->hist_cap * sizeof *m->hist_m);
	m->arena = malloc((size_t)CHUNK_FRAMES * (size_t)nch * sizeof *m->arena);
	if (m->hist_s == NULL || m->hist_m == NULL || m->arena == NULL) {
		loudmeter_destroy(m);
		return ERR_NOMEM;
	}
	if (cfg->speech) {
		m->mono = malloc((size_t)CHUNK_FRAMES * sizeof *m->mono);
		if (m->mono == NULL || speech_create(&m->speech, cfg->rate_hz) != 0) {
			loudmeter_destroy(m);
			return ERR_NOMEM;
		}
		/* a hop's decision arrives latency hops after it; the feed stops
		 * at every hop's end, so one more hop covers the order of the
		 * meter's and the detector's work within a feed */
		lc.speech_delay_hops = speech_get_latency_steps(m->speech) + 1;
		if (lc.speech_delay_hops > LOUDNESS_MAX_SPEECH_DELAY_HOPS)
			lc.speech_delay_hops = LOUDNESS_MAX_SPEECH_DELAY_HOPS;
	}
	rc = loudness_create(&lc, &m->meter);
	if (rc != 0) {
		loudmeter_destroy(m);
		return rc == LOUDNESS_ERR_NOMEM ? ERR_NOMEM : ERR_INVALID;
	}
	for (int c = 0; c < nch; c++)
		m->planes[c] = m->arena + (size_t)c * CHUNK_FRAMES;
	clear(m);
	*out = m;
	return 0;
}

void
loudmeter_destroy(struct loudmeter *m)
{
	if (m == NULL)
		return;
	loudness_destroy(m->meter);
	speech_destroy(m->speech);
	free(m->mono);
	free(m->hist_s);
	free(m->hist_m);
	free(m->arena);
	free(m);
}

static void
history_add(struct loudmeter *m)
{
	double mom, st;

	loudness_get_live(m->meter, &mom, &st);
	m->hist_s[m->hist_head] = (float)st;
	m->hist_m[m->hist_head] = (float)mom;
	m->hist_head = m->hist_head + 1 == m->hist_cap ? 0 : m->hist_head + 1;
	if (m->hist_len < m->hist_cap)
		m->hist_len++;
	m->hist_total++;
}

void
loudmeter_feed(struct loudmeter *m, const float *interleaved, int frames)
{
	const int nch = m->channels;

	while (frames > 0) {
		int n = frames < CHUNK_FRAMES ? frames : CHUNK_FRAMES;
		const int64_t to_hop = m->next_hop_frame - m->frames;

		if (to_hop < n)
			n = (int)to_hop;   /* >= 1: next_hop_frame > frames */
		for (int c = 0; c < nch; c++) {
			float *restrict dst = m->planes[c];
			const float *src = interleaved + c;

			for (int i = 0; i < n; i++)
				dst[i] = src[(size_t)i * (size_t)nch];
		}
		if (m->speech != NULL) {
			struct speech_step st;

			qc_speech_signal(&m->lay, (const float *const *)m->planes, n,
			    m->mono);
			speech_process(m->speech, m->mono, n);
			loudness_process(m->meter, (const float *const *)m->planes, n);
			while (speech_pop(m->speech, &st) == 1)
				loudness_set_speech_hop(m->meter, st.step, st.active);
		} else {
			loudness_process(m->meter, (const float *const *)m->planes, n);
		}
		interleaved += (size_t)n * (size_t)nch;
		frames -= n;
		m->frames += n;
		if (m->frames == m->next_hop_frame) {
			history_add(m);
			m->next_hop++;
			m->next_hop_frame = hop_frame(m, m->next_hop);
		}
	}
}

void
loudmeter_read(struct loudmeter *m, struct loudmeter_reading *r)
{
	const struct loudness_result *c = &m->cached;

	if (!m->have_cached || m->cached_frames != m->frames) {
		loudness_get(m->meter, &m->cached);
		m->cached_frames = m->frames;
		m->have_cached = true;
	}
	memset(r, 0, sizeof *r);
	r->momentary_lufs = c->momentary_lufs;
	r->short_term_lufs = c->short_term_lufs;
	r->integrated_lufs = c->integrated_lufs;
	r->lra_lu = c->lra_lu;
	r->momentary_max_lufs = c->momentary_max_lufs;
	r->short_term_max_lufs = c->short_term_max_lufs;
	r->true_peak_dbtp = c->true_peak_dbtp;
	r->sample_peak_dbfs = c->sample_peak_dbfs;
	r->speech_gated_lufs = m->speech != NULL ? c->speech_gated_lufs : NAN;
	r->speech_percent = m->speech != NULL ? c->speech_percent : NAN;
	r->channels = m->channels;
	for (int i = 0; i < m->channels; i++)
		r->true_peak_ch_dbtp[i] = c->true_peak_ch_dbtp[i];
	r->frames = m->frames;
	r->seconds = (double)m->frames / m->rate;
	r->history_total = m->hist_total;
	r->invalid_samples = c->invalid_samples;
}

int
loudmeter_history(const struct loudmeter *m, float *out_short_term,
    float *out_momentary, int max_points)
{
	int n = max_points < m->hist_len ? max_points : m->hist_len;
	int at;

	if (n <= 0)
		return 0;
	at = m->hist_head - n;
	if (at < 0)
		at += m->hist_cap;
	for (int i = 0; i < n; i++) {
		if (out_short_term != NULL)
			out_short_term[i] = m->hist_s[at];
		if (out_momentary != NULL)
			out_momentary[i] = m->hist_m[at];
		at = at + 1 == m->hist_cap ? 0 : at + 1;
	}
	return n;
}

int
loudmeter_history_capacity(const struct loudmeter *m)
{
	return m->hist_cap;
}

void
loudmeter_reset(struct loudmeter *m)
{
	loudness_reset(m->meter);
	if (m->speech != NULL)
		speech_reset(m->speech);
	clear(m);
}

int
loudmeter_spec_targets(const char *spec_name, struct loudmeter_targets *t)
{
	const struct qc_spec *s = qc_spec_find(spec_name);

	if (s == NULL)
		return ERR_NOTFOUND;
	memset(t, 0, sizeof *t);
	t->name = s->name;
	t->title = s->title;
	t->dialogue = s->basis == QC_DIALOGUE;
	t->target_lufs = s->target_lufs;
	t->tolerance_lu = s->tolerance_lu;
	t->low_lufs = s->target_lufs - s->tolerance_lu;
	t->high_lufs = s->target_lufs + s->tolerance_lu;
	t->true_peak_max_dbtp = s->true_peak_max_dbtp;
	t->short_term_max_lufs = s->short_term_max_lufs;
	t->momentary_max_lufs = s->momentary_max_lufs;
	t->lra_max_lu = s->lra_max_lu;
	return 0;
}
