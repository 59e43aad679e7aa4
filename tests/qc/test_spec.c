/* Delivery specs: the table is complete and judging is right at the edges. */
#include "test.h"

#include "qc/spec.h"

static struct qc_measured
measured(double integrated, double speech, double tp)
{
	struct qc_measured m = {
		.integrated_lufs = integrated, .speech_gated_lufs = speech,
		.speech_percent = 40, .lra_lu = 8, .short_term_max_lufs = -17,
		.momentary_max_lufs = -12, .true_peak_dbtp = tp,
	};
	return m;
}

int
main(void)
{
	size_t n;
	const struct qc_spec *all = qc_specs(&n), *r128, *nf, *s1;
	struct qc_verdict v;
	struct qc_measured m;
	const char *names[] = { "ebu-r128", "ebu-r128-s1", "atsc-a85", "netflix",
	    "amazon", "arib-tr-b32", "op-59", "streaming-14", "streaming-16" };

	CHECK(n >= 9);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		CHECK(qc_spec_find(names[i]) != NULL);
	for (size_t i = 0; i < n; i++) {
		CHECK(all[i].source != NULL && strlen(all[i].source) > 20);
		CHECK(all[i].tolerance_lu > 0);
		CHECK(all[i].true_peak_max_dbtp <= 0);
	}
	CHECK(qc_spec_find("EBU-R128") == qc_spec_find("ebu-r128"));
	CHECK(qc_spec_find("nope") == NULL);

	r128 = qc_spec_find("ebu-r128");
	m = measured(-23.4, -30, -1.2);
	qc_judge(r128, &m, &v);
	CHECK(v.pass);
	CHECK_INT_EQ(v.count, 2);
	CHECK_NEAR(v.c[0].margin, 0.1, 1e-9);      /* -23.4 is 0.1 inside -23.5 */
	CHECK_NEAR(v.c[1].margin, 0.2, 1e-9);      /* -1.2 under -1 */
	m = measured(-22.4, -30, -1.2);            /* too loud */
	qc_judge(r128, &m, &v);
	CHECK(!v.pass && !v.c[0].pass && v.c[1].pass);
	CHECK_NEAR(v.c[0].margin, -0.1, 1e-9);
	m = measured(-23.0, -30, -0.9);            /* peak over */
	qc_judge(r128, &m, &v);
	CHECK(!v.pass && v.c[0].pass && !v.c[1].pass);
	m = measured(-INFINITY, -INFINITY, -INFINITY);   /* silence: nothing passes */
	qc_judge(r128, &m, &v);
	CHECK(!v.pass);

	/* dialogue-gated specs judge the speech-gated value */
	nf = qc_spec_find("netflix");
	m = measured(-20, -27.5, -2.5);
	qc_judge(nf, &m, &v);
	CHECK(v.pass);
	CHECK_STR_EQ(v.c[0].name, "dialogue-loudness");
	m = measured(-27, -20, -2.5);
	qc_judge(nf, &m, &v);
	CHECK(!v.pass);
	m = measured(-27, -INFINITY, -2.5);        /* no speech found */
	qc_judge(nf, &m, &v);
	CHECK(!v.pass);
	CHECK(v.c[0].note != NULL);

	/* R 128 s1 also limits the short-term maximum */
	s1 = qc_spec_find("ebu-r128-s1");
	m = measured(-23, -30, -3);
	m.short_term_max_lufs = -19;
	qc_judge(s1, &m, &v);
	CHECK_INT_EQ(v.count, 3);
	CHECK(v.pass);
	m.short_term_max_lufs = -17.5;
	qc_judge(s1, &m, &v);
	CHECK(!v.pass);
	return test_report();
}
