/*
 * test.h - the tiny assert header every C test uses.
 *
 * CHECK* macros record a failure (with file:line and the values) and carry
 * on, so one run shows every broken expectation. A test program ends with
 * `return test_report();`, which prints "N passed, N failed" and returns
 * non-zero when anything failed. test_tmpdir() gives a fresh folder per
 * test program under the build tree (TEST_TMPDIR from CTest).
 */
#ifndef DUBSTAGE_TESTS_TEST_H
#define DUBSTAGE_TESTS_TEST_H

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int test_passed_count;
static int test_failed_count;

#define TEST_FAIL_(...) do { \
	test_failed_count++; \
	fprintf(stderr, "%s:%d: FAIL: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); \
	fputc('\n', stderr); \
} while (0)

#define CHECK(cond) do { \
	if (cond) test_passed_count++; \
	else TEST_FAIL_("%s", #cond); \
} while (0)

#define CHECK_INT_EQ(a, b) do { \
	long long a_ = (long long)(a), b_ = (long long)(b); \
	if (a_ == b_) test_passed_count++; \
	else TEST_FAIL_("%s == %s (%lld != %lld)", #a, #b, a_, b_); \
} while (0)

#define CHECK_STR_EQ(a, b) do { \
	const char *a_ = (a), *b_ = (b); \
	if (a_ != NULL && b_ != NULL && strcmp(a_, b_) == 0) test_passed_count++; \
	else TEST_FAIL_("%s == %s (\"%s\" != \"%s\")", #a, #b, \
	    a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
} while (0)

#define CHECK_NEAR(a, b, eps) do { \
	double a_ = (a), b_ = (b); \
	if (fabs(a_ - b_) <= (eps)) test_passed_count++; \
	else TEST_FAIL_("%s ~= %s (%.17g vs %.17g, eps %g)", #a, #b, a_, b_, \
	    (double)(eps)); \
} while (0)

/* Leaves the current (void) test function: for preconditions the rest of
 * that test cannot run without. The failure is recorded; other test
 * functions still run. */
#define REQUIRE(cond) do { \
	if (cond) test_passed_count++; \
	else { TEST_FAIL_("required: %s", #cond); return; } \
} while (0)

static inline int
test_report(void)
{
	printf("%d passed, %d failed\n", test_passed_count, test_failed_count);
	return test_failed_count == 0 && test_passed_count > 0 ? 0 : 1;
}

/* mkdir -p: makes path and any missing parents (errors are ignored; the
 * test's own file operations report them). */
static inline void
test_mkdir_p(const char *path)
{
	char buf[4096];

	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(buf, 0777);
		*p = '/';
	}
	mkdir(buf, 0777);
}

/* A folder for this test's files (created, not emptied). Never NULL. */
static inline const char *
test_tmpdir(void)
{
	static char made[4096];
	const char *d = getenv("TEST_TMPDIR");

	if (d == NULL || *d == '\0')
		d = "/tmp/dubstage-test";
	if (strcmp(made, d) != 0) {
		test_mkdir_p(d);   /* CTest gives a path whose parents may not exist */
		snprintf(made, sizeof made, "%s", d);
	}
	return d;
}

/* A path inside test_tmpdir(): static buffer, valid until the next call. */
static inline const char *
test_path(const char *name)
{
	static char buf[2][4096];
	static int which;

	which ^= 1;
	snprintf(buf[which], sizeof buf[which], "%s/%s", test_tmpdir(), name);
	return buf[which];
}

#endif
