/*
 * deplosive.h - plosive pop removal (draft; the model is described in
 * deplosive.c until it settles).
 */
#ifndef DUBSTAGE_DSP_DEPLOSIVE_H
#define DUBSTAGE_DSP_DEPLOSIVE_H

struct deplosive_params {
	double freq_hz;      /* top of the plosive band, [60, 300]; default 150 */
	double threshold_db; /* excess over the expected level, [3, 30] dB; default 9 */
	double reduction_db; /* most reduction, [0, 40] dB; default 30 */
};

struct deplosive;

void deplosive_params_default(struct deplosive_params *p);
const char *deplosive_params_check(const struct deplosive_params *p);
struct deplosive *deplosive_create(int channels, int rate_hz, const struct deplosive_params *p);
void deplosive_destroy(struct deplosive *k);
void deplosive_set_params(struct deplosive *k, const struct deplosive_params *p);
void deplosive_process(struct deplosive *k, float *const *buf, int frames);
void deplosive_reset(struct deplosive *k);
int deplosive_latency(const struct deplosive *k);
float deplosive_gain_db(const struct deplosive *k);

#endif
