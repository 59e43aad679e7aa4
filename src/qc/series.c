#include "qc/series.h"
#include "base/error.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define W 1000              /* plot size, user units */
#define H 420
#define LEFT 60
#define RIGHT 20
#define TOP 40
#define BOTTOM 40
#define DB_TOP 0.0          /* the loudness axis, LUFS */
#define DB_BOTTOM (-60.0)

void
qc_series_init(struct qc_series *s, double step_s)
{
	memset(s, 0, sizeof *s);
	s->step_s = step_s;
}

void
qc_series_fini(struct qc_series *s)
{
	free(s->momentary);
	free(s->short_term);
	free(s->integrated);
	free(s->true_peak);
	memset(s, 0, sizeof *s);
}

static int
grow(float **a, size_t cap)
{
	float *p = realloc(*a, cap * sizeof *p);

	if (p == NULL)
		return ERR_NOMEM;
	*a = p;
	return 0;
}

int
qc_series_add(struct qc_series *s, float momentary, float short_term,
    float integrated, float true_peak)
{
	if (s->count == s->cap) {
		size_t cap = s->cap == 0 ? 1024 : s->cap * 2;

		if (grow(&s->momentary, cap) || grow(&s->short_term, cap) ||
		    grow(&s->integrated, cap) || grow(&s->true_peak, cap))
			return ERR_NOMEM;
		s->cap = cap;
	}
	s->momentary[s->count] = momentary;
	s->short_term[s->count] = short_term;
	s->integrated[s->count] = integrated;
	s->true_peak[s->count] = true_peak;
	s->count++;
	return 0;
}

static double
x_of(const struct qc_series *s, size_t i)
{
	return LEFT + (double)(W - LEFT - RIGHT) * (double)i /
	    (double)(s->count > 1 ? s->count - 1 : 1);
}

static double
y_of(double db)
{
	if (!(db > DB_BOTTOM))
		db = DB_BOTTOM;
	if (db > DB_TOP)
		db = DB_TOP;
	return TOP + (H - TOP - BOTTOM) * (DB_TOP - db) / (DB_TOP - DB_BOTTOM);
}

static void
escape(FILE *out, const char *t)
{
	for (; t != NULL && *t != '\0'; t++) {
		switch (*t) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		default: fputc(*t, out);
		}
	}
}

/* A polyline of one value array, decimated to at most ~2 points per unit of
 * width (a 2-hour programme has 72,000 steps). Each drawn point is the
 * maximum of the steps it covers, so short peaks stay visible. */
static void
polyline(FILE *out, const struct qc_series *s, const float *v,
    const char *style)
{
	size_t stride = s->count / (2 * (W - LEFT - RIGHT)) + 1;

	fprintf(out, "<polyline fill=\"none\" %s points=\"", style);
	for (size_t i = 0; i < s->count; i += stride) {
		float m = -INFINITY;

		for (size_t k = i; k < i + stride && k < s->count; k++)
			if (v[k] > m)
				m = v[k];
		fprintf(out, "%.1f,%.1f ", x_of(s, i), y_of(m));
	}
	fputs("\"/>\n", out);
}

static void
hline(FILE *out, double db, const char *style, const char *label)
{
	fprintf(out, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" %s/>\n",
	    LEFT, W - RIGHT, y_of(db), y_of(db), style);
	if (label != NULL) {
		fprintf(out, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" "
		    "text-anchor=\"end\">", W - RIGHT - 4, y_of(db) - 3);
		escape(out, label);
		fputs("</text>\n", out);
	}
}

int
qc_series_svg(const struct qc_series *s, const struct qc_spec *spec,
    const char *title, FILE *out)
{
	double seconds = s->step_s * (double)s->count;
	char label[96];

	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n"
	    "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", W, H, W, H);
	fputs("<text x=\"60\" y=\"24\" font-size=\"15\">", out);
	escape(out, title);
	fputs("</text>\n", out);
	/* grid: every 6 dB, and time ticks */
	for (double db = DB_TOP; db >= DB_BOTTOM; db -= 6) {
		snprintf(label, sizeof label, "%.0f", db);
		fprintf(out, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
		    "stroke=\"#ddd\"/>\n<text x=\"%d\" y=\"%.1f\" font-size=\"11\" "
		    "text-anchor=\"end\">%s</text>\n", LEFT, W - RIGHT, y_of(db),
		    y_of(db), LEFT - 6, y_of(db) + 4, label);
	}
	for (int k = 0; k <= 10; k++) {
		double t = seconds * k / 10.0;
		double x = LEFT + (W - LEFT - RIGHT) * k / 10.0;

		fprintf(out, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" "
		    "text-anchor=\"middle\">%d:%02d:%02d</text>\n", x, H - BOTTOM + 16,
		    (int)(t / 3600), (int)fmod(t / 60, 60), (int)fmod(t, 60));
	}
	fprintf(out, "<text x=\"14\" y=\"%d\" font-size=\"11\" "
	    "transform=\"rotate(-90 14 %d)\">LUFS</text>\n", H / 2, H / 2);
	if (spec != NULL) {
		snprintf(label, sizeof label, "%s target %.0f LUFS%s", spec->title,
		    spec->target_lufs, spec->basis == QC_DIALOGUE ?
		    " (dialogue)" : "");
		fprintf(out, "<rect x=\"%d\" width=\"%d\" y=\"%.1f\" height=\"%.1f\" "
		    "fill=\"#2a7\" fill-opacity=\"0.12\"/>\n", LEFT, W - LEFT - RIGHT,
		    y_of(spec->target_lufs + spec->tolerance_lu),
		    y_of(spec->target_lufs - spec->tolerance_lu) -
		    y_of(spec->target_lufs + spec->tolerance_lu));
		hline(out, spec->target_lufs, "stroke=\"#2a7\" stroke-width=\"1.5\"",
		    label);
		snprintf(label, sizeof label, "true peak ceiling %.1f dBTP",
		    spec->true_peak_max_dbtp);
		hline(out, spec->true_peak_max_dbtp,
		    "stroke=\"#c33\" stroke-dasharray=\"6 4\"", label);
	}
	if (s->count > 0) {
		polyline(out, s, s->momentary,
		    "stroke=\"#89b\" stroke-width=\"0.6\"");
		polyline(out, s, s->short_term,
		    "stroke=\"#135\" stroke-width=\"1.6\"");
		polyline(out, s, s->integrated,
		    "stroke=\"#e80\" stroke-width=\"1.6\"");
		/* true-peak overs against the spec's ceiling (or 0 dBTP): one
		 * mark per drawn column, at its highest over */
		double ceiling = spec != NULL ? spec->true_peak_max_dbtp : 0.0;
		size_t stride = s->count / (W - LEFT - RIGHT) + 1;

		for (size_t i = 0; i < s->count; i += stride) {
			size_t at = i;
			bool rose = false;

			/* true_peak is the running maximum: an over is a step
			 * where it rises while above the ceiling */
			for (size_t k = i; k < i + stride && k < s->count; k++)
				if (s->true_peak[k] > ceiling && (k == 0 ||
				    s->true_peak[k] > s->true_peak[k - 1])) {
					rose = true;
					at = k;
				}
			if (rose)
				fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
				    "fill=\"#c33\"><title>true peak %.2f dBTP at "
				    "%.1f s</title></circle>\n", x_of(s, at),
				    y_of(ceiling), s->true_peak[at],
				    s->step_s * (double)at);
		}
	}
	fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\">"
	    "<tspan fill=\"#89b\">momentary</tspan>  "
	    "<tspan fill=\"#135\">short-term</tspan>  "
	    "<tspan fill=\"#e80\">integrated</tspan>  "
	    "<tspan fill=\"#c33\">true-peak overs</tspan></text>\n</svg>\n",
	    LEFT, H - 8);
	return ferror(out) ? ERR_IO : 0;
}
