/*
 * ebu_set.h - the EBU loudness test set (EBU Tech 3341/3342 files in
 * $DUBSTAGE_CORPUS/ebu-loudness, with expected.tsv and regenerate.sh) for
 * the tests that check a meter against it. Include after test.h.
 */
#ifndef DUBSTAGE_TESTS_EBU_SET_H
#define DUBSTAGE_TESTS_EBU_SET_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* v within [expect - tol_minus, expect + tol_plus]. */
static inline bool
within(double v, double expect, double tol_minus, double tol_plus)
{
	return v >= expect - tol_minus - 1e-9 && v <= expect + tol_plus + 1e-9;
}

/* The set's folder, or NULL (a failure is recorded). */
static inline const char *
ebu_corpus_dir(void)
{
	static char dir[4096];
	const char *c = getenv("DUBSTAGE_CORPUS");
	struct stat st;

	if (c == NULL || *c == '\0') {
		TEST_FAIL_("DUBSTAGE_CORPUS is not set: the EBU test set cannot be read "
		    "(CTest sets it; by hand: DUBSTAGE_CORPUS=../shared/corpus)");
		return NULL;
	}
	snprintf(dir, sizeof dir, "%s/ebu-loudness", c);
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		TEST_FAIL_("the EBU test set is missing: no folder %s", dir);
		return NULL;
	}
	return dir;
}

/* Runs the set's regenerate.sh into this test's folder; the folder with
 * the rebuilt files, or NULL (a failure is recorded). */
static inline const char *
ebu_regenerate(const char *corpus)
{
	static char out[4096];
	char cmd[16384];
	int rc;

	snprintf(out, sizeof out, "%s", test_path("ebu"));
	test_mkdir_p(out);
	snprintf(cmd, sizeof cmd, "sh '%s/regenerate.sh' '%s' > '%s/regenerate.log' 2>&1",
	    corpus, out, out);
	rc = system(cmd);
	if (rc != 0) {
		TEST_FAIL_("%s/regenerate.sh failed (status %d): see %s/regenerate.log",
		    corpus, rc, out);
		return NULL;
	}
	return out;
}

/*
 * One line of expected.tsv ("file<TAB>quantity expect tol_minus tol_plus")
 * into file[file_size] and quantity[64]: 1 for a row, 0 for the header, a
 * blank line or a file name too long, -1 (a failure recorded) for a row
 * that does not read.
 */
static inline int
ebu_row_parse(const char *line, char *file, size_t file_size,
    char quantity[64], double *expect, double *tol_m, double *tol_p)
{
	const char *tab;

	if (strncmp(line, "file\t", 5) == 0 || line[0] == '\n')
		return 0;
	tab = strchr(line, '\t');
	if (tab == NULL || (size_t)(tab - line) >= file_size)
		return 0;
	memcpy(file, line, (size_t)(tab - line));
	file[tab - line] = '\0';
	if (sscanf(tab + 1, "%63s %lf %lf %lf", quantity, expect, tol_m,
	    tol_p) != 4) {
		TEST_FAIL_("expected.tsv: cannot read the row for %s", file);
		return -1;
	}
	return 1;
}

#endif
