/*
 * test_speech.c - the speech-activity detector on mixes built here: dialogue
 * from espeak-ng (four voices, with pauses) over music, drums, room tone and
 * sustained tones made in code, at speech-to-bed ratios of +20, +10, +5 and
 * 0 dB, scored per 100 ms step against the dialogue stem; the speech-gated
 * loudness of each mix against its loudness over the truly active blocks;
 * then the contract: alignment and latency, split invariance, reset,
 * finish, silence, DC, one-sample input, NaN/inf, sample rates.
 *
 * SPEECH_TEST_VERBOSE=1 prints every step (truth, decision, score).
 */
#include "test.h"

#include <samplerate.h>
#include <sndfile.h>
#include <stdint.h>

#include "dsp/loudness.h"
#include "dsp/speech.h"
#include "dsp/signals.h"

#define PI 3.14159265358979323846

static bool verbose;

/* ---- material ---------------------------------------------------------- */

struct buf {
	float *x;
	long n;
};

static void
buf_free(struct buf *b)
{
	free(b->x);
	b->x = NULL;
	b->n = 0;
}

/* espeak-ng says text with voice into a WAV, read back and resampled to
 * rate; empty on failure. */
static struct buf
speak(const char *voice, const char *text, double rate, int idx)
{
	struct buf out = { NULL, 0 };
	char path[4096], cmd[8192];
	SF_INFO info;
	SNDFILE *f;
	float *raw;
	SRC_DATA src;

	snprintf(path, sizeof path, "%s", test_path(idx % 2 ? "utt_b.wav" : "utt_a.wav"));
	snprintf(cmd, sizeof cmd, "espeak-ng -v %s -s 160 -w '%s' \"%s\"", voice, path, text);
	if (system(cmd) != 0)
		return out;
	memset(&info, 0, sizeof info);
	f = sf_open(path, SFM_READ, &info);
	if (f == NULL)
		return out;
	raw = malloc(sizeof *raw * (size_t)info.frames * (size_t)info.channels);
	if (raw == NULL || sf_readf_float(f, raw, info.frames) != info.frames ||
	    info.channels != 1) {
		free(raw);
		sf_close(f);
		return out;
	}
	sf_close(f);
	out.n = (long)ceil(info.frames * rate / info.samplerate) + 16;
	out.x = calloc((size_t)out.n, sizeof *out.x);
	memset(&src, 0, sizeof src);
	src.data_in = raw;
	src.input_frames = info.frames;
	src.data_out = out.x;
	src.output_frames = out.n;
	src.src_ratio = rate / info.samplerate;
	if (src_simple(&src, SRC_SINC_MEDIUM_QUALITY, 1) != 0)
		out.n = 0;
	else
		out.n = src.output_frames_gen;
	free(raw);
	return out;
}

static const struct {
	const char *voice, *text;
	double gap_s; /* bed-only time before it */
} script[] = {
	{ "en", "The package arrived this morning, but nobody signed for it. "
	  "I left a note at the front desk.", 3.0 },
	{ "en-us+f3", "Where were you last night? I waited at the station for an hour, "
	  "and then I took a taxi home.", 2.5 },
	{ "de", "Der Zug nach Berlin hat heute leider zwanzig Minuten Verspaetung. "
	  "Bitte achten Sie auf die Durchsagen.", 3.5 },
	{ "fr", "Nous avons rendez-vous demain matin a neuf heures, devant la gare. "
	  "N'oublie pas les billets.", 2.0 },
	{ "en-us+f3", "Put the bag down, slowly. Step away from the door, "
	  "and nobody gets hurt.", 4.0 },
	{ "en", "Sixty six seconds. That is all it took to lose everything we had.", 1.5 },
	{ "de", "Ich habe keine Ahnung, wovon du sprichst. Lass mich bitte in Ruhe.", 3.0 },
	{ "fr", "Il pleut depuis trois jours, et la riviere commence a deborder.", 2.5 },
};
#define SCRIPT_N (int)(sizeof script / sizeof script[0])
#define TAIL_S 3.0

/* The dialogue stem at rate: the script's lines with their gaps. */
static struct buf
make_stem(double rate)
{
	struct buf utt[SCRIPT_N], stem = { NULL, 0 };
	long total = (long)(TAIL_S * rate), pos = 0;

	for (int i = 0; i < SCRIPT_N; i++) {
		utt[i] = speak(script[i].voice, script[i].text, rate, i);
		if (utt[i].n == 0) {
			for (int j = 0; j <= i; j++)
				buf_free(&utt[j]);
			return stem;
		}
		total += (long)(script[i].gap_s * rate) + utt[i].n;
	}
	stem.x = calloc((size_t)total, sizeof *stem.x);
	stem.n = total;
	for (int i = 0; i < SCRIPT_N; i++) {
		pos += (long)(script[i].gap_s * rate);
		memcpy(stem.x + pos, utt[i].x, sizeof *utt[i].x * (size_t)utt[i].n);
		pos += utt[i].n;
		buf_free(&utt[i]);
	}
	return stem;
}

/* A harmonic wavetable: harmonics 1..nh with amplitude roll^(h-1). */
#define WT 4096
static void
make_table(float *t, int nh, double roll)
{
	for (int i = 0; i < WT; i++) {
		double v = 0, a = 1;

		for (int h = 1; h <= nh; h++, a *= roll)
			v += a * sin(2 * PI * h * i / WT);
		t[i] = (float)v;
	}
	t[WT] = t[0];
}

static float
table_at(const float *t, double phase)
{
	double p = (phase - floor(phase)) * WT;
	int i = (int)p;

	return t[i] + (float)(p - i) * (t[i + 1] - t[i]);
}

/* One note: a wavetable voice at hz from t0 for dur seconds with attack and
 * release (s), vibrato (rate Hz, depth as a fraction), added to out. */
static void
add_note(float *out, long n, double rate, const float *table, double hz,
    double t0, double dur, double att, double rel, double vib_hz,
    double vib_depth, double amp, double vib_phase)
{
	long i0 = (long)(t0 * rate), i1 = (long)((t0 + dur + rel) * rate);
	double phase = 0;

	if (i1 > n)
		i1 = n;
	for (long i = i0 < 0 ? 0 : i0; i < i1; i++) {
		double t = (i - i0) / rate, env;

		if (t < att)
			env = t / att;
		else if (t < dur)
			env = 1;
		else
			env = exp(-(t - dur) / (rel / 4));
		out[i] += (float)(amp * env * table_at(table, phase));
		phase += hz * (1 + vib_depth * sin(2 * PI * vib_hz * t + vib_phase)) / rate;
	}
}

/* Music: a pad of four-note chords (8 harmonics, vibrato), changing every
 * 2.4 s, under a melody of short notes (6 harmonics, vibrato). */
static void
make_music(float *out, long n, double rate)
{
	static float pad[WT + 1], lead[WT + 1];
	static const double chords[4][4] = {
		{ 110.00, 220.00, 261.63, 329.63 }, { 87.31, 174.61, 220.00, 261.63 },
		{ 130.81, 196.00, 261.63, 329.63 }, { 98.00, 196.00, 246.94, 293.66 },
	};
	static const double mel[] = { 440, 523.25, 587.33, 659.26, 783.99, 659.26,
		587.33, 523.25, 440, 392, 440, 523.25, 659.26, 587.33 };
	static const double mdur[] = { 0.4, 0.2, 0.2, 0.6, 0.4, 0.2, 0.8, 0.4,
		0.3, 0.3, 0.6, 0.4, 0.2, 1.0 };
	const double len = n / rate;
	double t = 0;
	int c = 0, m = 0;

	make_table(pad, 8, 0.7);
	make_table(lead, 6, 0.6);
	for (t = 0; t < len; t += 2.4, c++)
		for (int k = 0; k < 4; k++)
			add_note(out, n, rate, pad, chords[c % 4][k], t, 2.4, 0.08, 0.3,
			    5.5, 0.004, 0.25, k * 1.3 + c);
	for (t = 0.3; t < len; m++) {
		double d = mdur[m % 14];

		add_note(out, n, rate, lead, mel[m % 14], t, d * 0.9, 0.02, 0.1,
		    5.5, 0.015, 0.35, m * 0.7);
		t += d;
	}
}

/* Drums at 110 BPM: kick on 1 and 3 (a falling sine), snare on 2 and 4
 * (a noise burst over 190 Hz), hi-hat on every eighth (high-passed noise). */
static void
make_drums(float *out, long n, double rate)
{
	const double beat = 60.0 / 110.0;
	uint64_t rng = 0x2545f4914f6cdd1dull;
	double prev = 0;

	for (long i = 0; i < n; i++) {
		double t = i / rate, tb = fmod(t, 2 * beat), th = fmod(t, beat / 2);
		double w = rand_signed(&rng), v = 0, hp = w - prev;

		prev = w;
		/* kick at 0 and beat... */
		{
			double tk = fmod(t, beat * 2);

			if (tk < 0.25) {
				double f = 50 + 70 * exp(-tk / 0.03);

				v += 0.9 * exp(-tk / 0.08) * sin(2 * PI * f * tk);
			}
		}
		if (tb >= beat && tb - beat < 0.2) {
			double ts = tb - beat;

			v += exp(-ts / 0.045) * (0.5 * w + 0.3 * sin(2 * PI * 190 * ts));
		}
		if (th < 0.06)
			v += 0.25 * exp(-th / 0.015) * hp;
		out[i] += (float)(0.6 * v);
	}
}

/* Pink noise (Paul Kellet's filter) at amp. */
static void
make_pink(float *out, long n, double amp, uint64_t seed)
{
	double b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
	uint64_t rng = seed;

	for (long i = 0; i < n; i++) {
		double w = rand_signed(&rng), p;

		b0 = 0.99886 * b0 + w * 0.0555179;
		b1 = 0.99332 * b1 + w * 0.0750759;
		b2 = 0.96900 * b2 + w * 0.1538520;
		b3 = 0.86650 * b3 + w * 0.3104856;
		b4 = 0.55000 * b4 + w * 0.5329522;
		b5 = -0.7616 * b5 - w * 0.0168980;
		p = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362;
		b6 = w * 0.115926;
		out[i] += (float)(amp * p * 0.11);
	}
}

/* Sustained tones: an organ note at 220 Hz (10 harmonics) and 1 kHz. */
static void
make_tone(float *out, long n, double rate)
{
	static float organ[WT + 1];

	make_table(organ, 10, 0.8);
	add_note(out, n, rate, organ, 220.0, 0, n / rate, 0.05, 0.0, 0, 0, 0.3, 0);
	for (long i = 0; i < n; i++)
		out[i] += (float)(0.1 * sin(2 * PI * 1000.0 * i / rate));
}

enum bed { BED_MUSIC, BED_DRUMS, BED_NOISE, BED_TONE, BED_FULL, BED_N };
static const char *const bed_name[BED_N] = { "music", "drums", "room tone",
	"tones", "full mix" };

/* Scales x[0..n) to an RMS of rms. */
static void
scale_to(float *x, long n, double rms)
{
	double g = rms / sqrt(mean_power(x, (int)n) + 1e-30);

	for (long i = 0; i < n; i++)
		x[i] = (float)(x[i] * g);
}

static struct buf
make_bed(enum bed b, long n, double rate)
{
	struct buf out = { calloc((size_t)n, sizeof(float)), n };

	switch (b) {
	case BED_MUSIC:
		make_music(out.x, n, rate);
		break;
	case BED_DRUMS:
		make_drums(out.x, n, rate);
		break;
	case BED_NOISE:
		make_pink(out.x, n, 1.0, 0x9e3779b97f4a7c15ull);
		break;
	case BED_TONE:
		make_tone(out.x, n, rate);
		break;
	case BED_FULL: {
		/* the three at equal power, room tone 12 dB under */
		struct buf part = { calloc((size_t)n, sizeof(float)), n };

		make_music(out.x, n, rate);
		scale_to(out.x, n, 0.1);
		make_drums(part.x, n, rate);
		scale_to(part.x, n, 0.1);
		for (long i = 0; i < n; i++)
			out.x[i] += part.x[i];
		memset(part.x, 0, sizeof(float) * (size_t)n);
		make_pink(part.x, n, 1.0, 0x1234567ull);
		scale_to(part.x, n, 0.025);
		for (long i = 0; i < n; i++)
			out.x[i] += part.x[i];
		buf_free(&part);
		break;
	}
	default:
		break;
	}
	return out;
}

/* ---- truth and scoring --------------------------------------------------- */

/* Per 100 ms step: is the dialogue stem active? A 10 ms frame is speech
 * when within 35 dB of the stem's loud frames; a step is active when 3 of
 * its 10 frames are; pauses of up to 3 steps between active steps count as
 * speech (the detector bridges them on purpose: dialogue gating measures
 * sentences, not syllables). */
static bool *
make_truth(const struct buf *stem, double rate, long *steps_out)
{
	const long step = (long)(rate / 10), fr = step / 10;
	const long steps = (stem->n + step - 1) / step;
	const long nf = stem->n / fr;
	float *lv = malloc(sizeof *lv * (size_t)nf);
	bool *t = calloc((size_t)steps, sizeof *t);
	float thr;
	long last = -100;

	for (long f = 0; f < nf; f++)
		lv[f] = (float)(10 * log10(mean_power(stem->x + f * fr, (int)fr) + 1e-20));
	{
		/* the 98th percentile of the frame levels stands for the loud
		 * frames: found by bisection */
		const long k = (long)(nf * 0.98);
		float hi = -1000, lo = 1000;

		for (long f = 0; f < nf; f++) {
			hi = lv[f] > hi ? lv[f] : hi;
			lo = lv[f] < lo ? lv[f] : lo;
		}
		for (int it = 0; it < 40; it++) {
			float mid = (hi + lo) / 2;
			long below = 0;

			for (long f = 0; f < nf; f++)
				below += lv[f] < mid;
			if (below < k)
				lo = mid;
			else
				hi = mid;
		}
		thr = lo - 35.0f;
	}
	for (long s = 0; s < steps; s++) {
		int on = 0;

		for (long f = s * 10; f < s * 10 + 10 && f < nf; f++)
			on += lv[f] > thr;
		t[s] = on >= 3;
	}
	for (long s = 0; s < steps; s++) {
		if (!t[s])
			continue;
		if (s - last > 1 && s - last <= 4)
			for (long g = last + 1; g < s; g++)
				t[g] = true;
		last = s;
	}
	free(lv);
	*steps_out = steps;
	return t;
}

/* Runs the detector over x in calls of `block` frames; returns the
 * decisions (one per step, caller frees) and their count in *steps. */
static bool *
detect(const float *x, long n, double rate, int block, long *steps,
    float **scores)
{
	struct speech *s = NULL;
	struct speech_step st;
	long cap = (long)(n / (rate / 10)) + 4, got = 0;
	bool *d = calloc((size_t)cap, sizeof *d);
	float *sc = calloc((size_t)cap, sizeof *sc);

	if (speech_create(&s, rate) != 0) {
		*steps = 0;
		return d;
	}
	for (long i = 0; i < n; i += block) {
		speech_process(s, x + i, (int)(n - i < block ? n - i : block));
		while (speech_pop(s, &st) == 1 && got < cap) {
			CHECK_INT_EQ(st.step, got);
			sc[got] = st.score;
			d[got++] = st.active;
		}
	}
	speech_finish(s);
	while (speech_pop(s, &st) == 1 && got < cap) {
		CHECK_INT_EQ(st.step, got);
		sc[got] = st.score;
		d[got++] = st.active;
	}
	speech_destroy(s);
	*steps = got;
	if (scores != NULL)
		*scores = sc;
	else
		free(sc);
	return d;
}

struct score {
	long scored, correct, speech, missed, quiet, false_pos;
	double gated_lu_err; /* speech-gated minus truly-active loudness */
};

/*
 * Speech-gated loudness of x (mono) by the project's BS.1770-5 meter
 * (dsp/loudness: K-weighting, 400 ms blocks, absolute and relative gates)
 * with the speech flag of every 100 ms hop taken from flag[] -- the
 * detector's decisions or the dialogue stem's truth. This is the issue's
 * criterion: the detector's reading against the mix's loudness over the
 * blocks where the dialogue really is. -INFINITY when no block qualifies.
 */
static double
gated_loudness(const float *x, long n, double rate, const bool *flag, long steps)
{
	const long step = (long)(rate / 10);
	struct loudness_config cfg;
	struct loudness *m = NULL;
	struct loudness_result r;

	loudness_config_init(&cfg, rate, 1, LOUDNESS_LAYOUT_MONO);
	cfg.true_peak = LOUDNESS_TP_NONE;
	cfg.speech_delay_hops = 2;
	if (loudness_create(&cfg, &m) != 0)
		return NAN;
	for (long h = 0; h * step < n; h++) {
		const float *p = x + h * step;
		long k = n - h * step < step ? n - h * step : step;

		loudness_process(m, &p, (int)k);
		loudness_set_speech_hop(m, h, h < steps && flag[h]);
	}
	loudness_get(m, &r);
	loudness_destroy(m);
	return r.speech_gated_lufs;
}

/* Scores decisions against truth; steps next to a truth change (a 100 ms
 * collar) are not scored. */
static struct score
score_run(const bool *truth, const bool *det, long steps)
{
	struct score r = { 0 };

	for (long s = 1; s + 1 < steps; s++) {
		if (truth[s - 1] != truth[s] || truth[s + 1] != truth[s])
			continue;
		r.scored++;
		r.correct += det[s] == truth[s];
		if (truth[s]) {
			r.speech++;
			r.missed += !det[s];
		} else {
			r.quiet++;
			r.false_pos += det[s];
		}
	}
	return r;
}

/* ---- the accuracy table ------------------------------------------------------ */

static double
pct(long a, long b)
{
	return b > 0 ? 100.0 * a / b : 0.0;
}

/* Mixes stem at snr_db (stem power over its active steps against the bed's
 * mean power) over bed, runs the detector, scores it. */
static struct score
run_mix(const struct buf *stem, const struct buf *bed, const bool *truth,
    long tsteps, double rate, double snr_db, const char *label)
{
	const long step = (long)(rate / 10);
	double sp = 0, bp = mean_power(bed->x, (int)bed->n), g;
	long act = 0, steps = 0;
	float *mix = malloc(sizeof *mix * (size_t)stem->n), *scores = NULL;
	bool *det;
	struct score r;
	double l_det, l_true;

	for (long s = 0; s < tsteps && (s + 1) * step <= stem->n; s++)
		if (truth[s]) {
			sp += mean_power(stem->x + s * step, (int)step);
			act++;
		}
	sp /= act > 0 ? act : 1;
	g = sqrt(bp / sp * pow(10, snr_db / 10));
	for (long i = 0; i < stem->n; i++)
		mix[i] = (float)(g * stem->x[i] + bed->x[i]);
	det = detect(mix, stem->n, rate, 4800, &steps, &scores);
	CHECK_INT_EQ(steps, tsteps);
	if (steps > tsteps)
		steps = tsteps;
	r = score_run(truth, det, steps);
	l_det = gated_loudness(mix, stem->n, rate, det, steps);
	l_true = gated_loudness(mix, stem->n, rate, truth, steps);
	r.gated_lu_err = l_det - l_true;
	if (verbose) {
		printf("-- %s at %+.0f dB\n", label, snr_db);
		for (long s = 0; s < steps; s++)
			printf("%5.1f %c %c %.2f\n", s / 10.0, truth[s] ? 'S' : '.',
			    det[s] ? 'S' : '.', scores[s]);
	}
	free(scores);
	free(det);
	free(mix);
	return r;
}

/* Steps flagged as speech on the bed alone (no dialogue at all). */
static double
bed_alone_false_pct(const struct buf *bed, double rate)
{
	long steps = 0, on = 0;
	bool *det = detect(bed->x, bed->n, rate, 4800, &steps, NULL);

	for (long s = 0; s < steps; s++)
		on += det[s];
	free(det);
	return pct(on, steps);
}

/*
 * The table: every bed alone, then the script over it at four ratios.
 * Requirements: at most 5 % of steps flagged on any bed alone; at least
 * 90 % of steps right at +20, +10 and +5 dB and 75 % at 0 dB; the
 * speech-gated loudness within 1 LU of the truly active blocks' loudness
 * at every ratio (it is within 0.3 LU here).
 */
static void
test_accuracy(void)
{
	const double rate = 48000;
	const double snrs[4] = { 20, 10, 5, 0 };
	struct buf stem = make_stem(rate);
	long tsteps;
	bool *truth;

	REQUIRE(stem.n > 0);
	truth = make_truth(&stem, rate, &tsteps);
	{
		long on = 0;

		for (long i = 0; i < tsteps; i++)
			on += truth[i];
		printf("48 kHz, %ld steps of 100 ms, dialogue in %ld\n", tsteps, on);
	}
	printf("%-10s %6s %5s %8s %8s %8s %9s\n", "bed", "alone", "S/B",
	    "correct", "false", "missed", "gated");
	for (int b = 0; b < BED_N; b++) {
		struct buf bed = make_bed((enum bed)b, stem.n, rate);
		double alone = bed_alone_false_pct(&bed, rate);

		CHECK(alone <= 5.0);
		for (int k = 0; k < 4; k++) {
			struct score r = run_mix(&stem, &bed, truth, tsteps, rate,
			    snrs[k], bed_name[b]);
			double correct = pct(r.correct, r.scored);

			printf("%-10s %5.1f%% %+4.0f %7.1f%% %7.1f%% %7.1f%% %+6.2f LU\n",
			    bed_name[b], alone, snrs[k], correct,
			    pct(r.false_pos, r.quiet), pct(r.missed, r.speech),
			    r.gated_lu_err);
			if (snrs[k] > 0) {
				if (!(correct >= 90.0))
					TEST_FAIL_("%s at %+.0f dB: %.1f%% correct", bed_name[b],
					    snrs[k], correct);
			} else if (!(correct >= 75.0)) {
				TEST_FAIL_("%s at 0 dB: %.1f%% correct", bed_name[b], correct);
			}
			CHECK(fabs(r.gated_lu_err) <= 1.0);
			CHECK(r.scored > 400 && r.speech > 150 && r.quiet > 150);
		}
		buf_free(&bed);
	}
	free(truth);
	buf_free(&stem);
}

/* The full mix at +10 dB at other rates: same accuracy. */
static void
test_rates(void)
{
	const double rates[] = { 44100, 96000 };

	for (int i = 0; i < 2; i++) {
		struct buf stem = make_stem(rates[i]), bed;
		long tsteps;
		bool *truth;
		struct score r;

		REQUIRE(stem.n > 0);
		truth = make_truth(&stem, rates[i], &tsteps);
		bed = make_bed(BED_FULL, stem.n, rates[i]);
		r = run_mix(&stem, &bed, truth, tsteps, rates[i], 10, "full mix");
		printf("full mix at +10 dB, %.1f kHz: %.1f%% correct, %.1f%% false, "
		    "%.1f%% missed, %+.2f LU\n", rates[i] / 1000,
		    pct(r.correct, r.scored), pct(r.false_pos, r.quiet),
		    pct(r.missed, r.speech), r.gated_lu_err);
		CHECK(pct(r.correct, r.scored) >= 90.0);
		CHECK(fabs(r.gated_lu_err) <= 1.0);
		free(truth);
		buf_free(&bed);
		buf_free(&stem);
	}
}

/* ---- the contract ------------------------------------------------------------ */

/* A 20 s stand-in for a mix: a line of dialogue over the full bed. */
static struct buf
short_mix(double rate)
{
	struct buf sp = speak("en-us+f3", "Where were you last night? I waited "
	    "at the station for an hour.", rate, 0);
	struct buf mix = { NULL, 0 };

	if (sp.n == 0)
		return mix;
	mix = make_bed(BED_FULL, (long)(20 * rate), rate);
	for (long i = 0; i < mix.n; i++)
		mix.x[i] *= 0.3f;
	for (long i = 0; i < sp.n && (long)(6 * rate) + i < mix.n; i++)
		mix.x[(long)(6 * rate) + i] += sp.x[i];
	buf_free(&sp);
	return mix;
}

/* Decisions do not depend on how the stream is cut into calls; reset
 * gives the same decisions as a fresh detector. */
static void
test_split_and_reset(void)
{
	const double rate = 48000;
	struct buf mix = short_mix(rate);
	struct speech_step ref[256], got;
	struct speech *s = NULL;
	int nref = 0, active = 0;

	REQUIRE(mix.n > 0);
	REQUIRE(speech_create(&s, rate) == 0);
	speech_process(s, mix.x, (int)mix.n);
	speech_finish(s);
	while (nref < 256 && speech_pop(s, &ref[nref]) == 1)
		active += ref[nref++].active;
	CHECK_INT_EQ(nref, 200);
	CHECK(active >= 20); /* the line is found ... */
	CHECK(active <= 50); /* ... and not the bed around it */
	for (int m = SPLIT_UNIFORM; m < SPLIT_MODES; m++) {
		uint64_t rng = 0x5eed0000ull + (uint64_t)m;
		int k = 0, same = 1;

		speech_reset(s);
		for (long i = 0; i < mix.n; ) {
			int len = split_next(&rng, (enum split_mode)m, (int)(mix.n - i));

			speech_process(s, mix.x + i, len);
			i += len;
			while (speech_pop(s, &got) == 1) {
				if (k >= nref || got.step != ref[k].step ||
				    got.active != ref[k].active ||
				    memcmp(&got.score, &ref[k].score, sizeof got.score) != 0)
					same = 0;
				k++;
			}
		}
		speech_finish(s);
		while (speech_pop(s, &got) == 1) {
			if (k >= nref || got.step != ref[k].step ||
			    got.active != ref[k].active ||
			    memcmp(&got.score, &ref[k].score, sizeof got.score) != 0)
				same = 0;
			k++;
		}
		CHECK_INT_EQ(k, nref);
		if (!same)
			TEST_FAIL_("split mode %d changed the decisions", m);
		else
			test_passed_count++;
	}
	speech_destroy(s);
	buf_free(&mix);
}

/* Step n's decision is out once the input reaches the end of step
 * n + latency, at every rate; and steps cover rate/10 frames each. */
static void
test_latency(void)
{
	const double rates[] = { 8000, 44100, 48000, 88200, 96000, 176400, 192000 };

	for (int r = 0; r < 7; r++) {
		const double rate = rates[r];
		struct buf bed = make_bed(BED_NOISE, (long)(5 * rate), rate);
		struct speech *s = NULL;
		struct speech_step st;
		int64_t popped = 0, lat, worst = -1000; /* least slack */

		REQUIRE(speech_create(&s, rate) == 0);
		lat = speech_get_latency_steps(s);
		CHECK(lat >= 1 && lat <= 12);
		CHECK_INT_EQ(speech_step_first_frame(s, 1), (int64_t)(rate / 10));
		CHECK_INT_EQ(speech_step_first_frame(s, 30), (int64_t)(3 * rate));
		for (int64_t k = 0; k < 50; k++) {
			int64_t a = speech_step_first_frame(s, k);
			int64_t b = speech_step_first_frame(s, k + 1);

			speech_process(s, bed.x + a, (int)(b - a));
			while (speech_pop(s, &st) == 1) {
				CHECK_INT_EQ(st.step, popped);
				popped++;
			}
			/* input now ends with step k: steps 0 .. k - lat are out */
			if (k - lat + 1 > popped)
				TEST_FAIL_("%.0f Hz: after step %lld only %lld decisions",
				    rate, (long long)k, (long long)popped);
			if (k >= lat && (worst < -999 || popped - (k + 1 - lat) < worst))
				worst = popped - (k + 1 - lat);
		}
		CHECK_INT_EQ(worst, 0); /* and the stated latency is not padded */
		speech_destroy(s);
		buf_free(&bed);
	}
}

/* Finish releases every step that holds input, the partial last one too,
 * and nothing after it; process after finish is ignored. */
static void
test_finish(void)
{
	static float x[12345];
	struct speech *s = NULL;
	struct speech_step st;
	int n = 0;

	REQUIRE(speech_create(&s, 48000) == 0);
	speech_process(s, x, 12345); /* 2.57 steps */
	speech_finish(s);
	speech_process(s, x, 12345);
	speech_finish(s);
	while (speech_pop(s, &st) == 1) {
		CHECK_INT_EQ(st.step, n);
		CHECK(!st.active);
		n++;
	}
	CHECK_INT_EQ(n, 3);
	/* one frame: one step */
	speech_reset(s);
	speech_process(s, x, 1);
	speech_finish(s);
	n = 0;
	while (speech_pop(s, &st) == 1)
		n++;
	CHECK_INT_EQ(n, 1);
	/* nothing at all: no step */
	speech_reset(s);
	speech_process(s, x, 0);
	speech_finish(s);
	CHECK_INT_EQ(speech_pop(s, &st), 0);
	speech_destroy(s);
}

/* Silence, DC and full-scale square waves are not speech. */
static void
test_not_speech(void)
{
	const double rate = 48000;
	const long n = (long)(10 * rate);
	float *x = malloc(sizeof *x * (size_t)n);
	const char *what[3] = { "silence", "DC", "square" };

	REQUIRE(x != NULL);
	for (int w = 0; w < 3; w++) {
		long steps = 0, on = 0;
		bool *det;
		float *sc = NULL;
		int finite = 1;

		for (long i = 0; i < n; i++)
			x[i] = w == 0 ? 0.0f : w == 1 ? 0.5f : ((i / 100) % 2 ? 1.0f : -1.0f);
		det = detect(x, n, rate, 1000, &steps, &sc);
		CHECK_INT_EQ(steps, 100);
		for (long s = 0; s < steps; s++) {
			on += det[s];
			finite &= sc[s] >= 0.0f && sc[s] <= 1.0f;
		}
		if (on != 0)
			TEST_FAIL_("%s: %ld steps flagged", what[w], on);
		CHECK(finite);
		free(det);
		free(sc);
	}
	free(x);
}

/* NaN and infinite samples read as 0: same decisions as the mix with
 * zeros there, finite scores, no crash. */
static void
test_non_finite(void)
{
	const double rate = 48000;
	struct buf mix = short_mix(rate);
	float *bad, *zeroed, *sc_bad = NULL, *sc_zero = NULL;
	long nb = 0, nz = 0;
	bool *db, *dz;
	int same = 1;

	REQUIRE(mix.n > 0);
	bad = malloc(sizeof *bad * (size_t)mix.n);
	zeroed = malloc(sizeof *zeroed * (size_t)mix.n);
	for (long i = 0; i < mix.n; i++) {
		bad[i] = zeroed[i] = mix.x[i];
		if (i % 997 == 0 || (i > 300000 && i < 300100)) {
			bad[i] = i % 3 == 0 ? NAN : i % 3 == 1 ? INFINITY : -INFINITY;
			zeroed[i] = 0.0f;
		}
	}
	db = detect(bad, mix.n, rate, 4096, &nb, &sc_bad);
	dz = detect(zeroed, mix.n, rate, 4096, &nz, &sc_zero);
	CHECK_INT_EQ(nb, nz);
	for (long s = 0; s < nb && s < nz; s++) {
		same &= db[s] == dz[s] && sc_bad[s] == sc_zero[s];
		same &= isfinite(sc_bad[s]);
	}
	CHECK(same);
	free(db);
	free(dz);
	free(sc_bad);
	free(sc_zero);
	free(bad);
	free(zeroed);
	buf_free(&mix);
}

/* Bad rates are refused; destroy(NULL) is a no-op; a caller that never
 * pops loses the oldest decisions, counted, and keeps the order. */
static void
test_api(void)
{
	struct speech *s = (struct speech *)&s;
	struct speech_step st;
	static float x[8000];
	const double bad[] = { 0, -48000, 7999, 384001, NAN, INFINITY };

	for (int i = 0; i < 6; i++) {
		CHECK_INT_EQ(speech_create(&s, bad[i]), DSP_ERR_INVALID);
		CHECK(s == NULL);
	}
	speech_destroy(NULL);
	REQUIRE(speech_create(&s, 8000) == 0);
	for (int i = 0; i < 420; i++) /* 420 s: 4200 steps, ring 4096 */
		speech_process(s, x, 8000);
	CHECK(speech_get_dropped(s) > 0);
	CHECK(speech_pop(s, &st) == 1);
	CHECK_INT_EQ(st.step, speech_get_dropped(s));
	speech_destroy(s);
}

int
main(void)
{
	verbose = getenv("SPEECH_TEST_VERBOSE") != NULL;
	test_api();
	test_finish();
	test_latency();
	test_not_speech();
	test_non_finite();
	test_split_and_reset();
	test_accuracy();
	test_rates();
	return test_report();
}
