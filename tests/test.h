/*
 * test.h - the tiny assert header every C test uses.
 *
 * CHECK* macros record a failure (with file:line and the values) and carry
 * on, so one run shows every broken expectation. A test program ends with
 * `return test_report();`, which prints "N passed, N failed" and returns
 * non-zero when anything failed. test_tmpdir() gives a fresh folder per
 * test program under the build tree (TEST_TMPDIR from CTest); the file
 * helpers below (join, read, write, count, run as nobody) are for tests
 * that check what ends up on disk. test_xorshift64() is the deterministic pseudo-random
 * sequence the tests build their noise and fuzzing from.
 */
#ifndef DUBSTAGE_TESTS_TEST_H
#define DUBSTAGE_TESTS_TEST_H

#include <dirent.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* out = a + b; empty when it does not fit (the test's file operation on ""
 * then fails and reports it). */
static inline void
test_join(char *out, size_t size, const char *a, const char *b)
{
	if ((size_t)snprintf(out, size, "%s%s", a, b) >= size)
		out[0] = '\0';
}

/* The whole file in a malloc'd buffer with a '\0' after the last byte
 * (free it), its length in *size; NULL and *size 0 when it cannot be read. */
static inline char *
test_read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n = -1;

	*size = 0;
	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) != NULL &&
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf != NULL) {
		buf[n] = '\0';
		*size = (size_t)n;
	}
	return buf;
}

/* Creates or replaces path with size bytes of data (errors are ignored;
 * the test's own checks of the file report them). */
static inline void
test_write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	if (f != NULL) {
		fwrite(data, 1, size, f);
		fclose(f);
	}
}

/* test_write_file() of a string, without its '\0'. */
static inline void
test_write_text(const char *path, const char *text)
{
	test_write_file(path, text, strlen(text));
}

/* How many entries of folder dir (not "." and "..") have part in their
 * name ("" counts them all); -1 when dir cannot be read. */
static inline int
test_count_files(const char *dir, const char *part)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		    strstr(e->d_name, part) != NULL)
			n++;
	closedir(d);
	return n;
}

/*
 * For a test of what happens where the user may not write: root ignores
 * folder permissions, so as root this gives folder dir to nobody (only its
 * mode then stands in the way) and runs fn(arg) in a child that has
 * dropped to nobody, checking the chown, the child's exit, and that fn
 * returned 0. Not root, it does nothing and returns false: the caller
 * then makes its own check directly.
 */
static inline bool
test_as_nobody(const char *dir, int (*fn)(const void *arg), const void *arg)
{
	int status = -1;
	pid_t pid;

	if (geteuid() != 0)
		return false;
	CHECK_INT_EQ(chown(dir, 65534, 65534), 0);
	pid = fork();
	if (pid == 0) {
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(2);
		_exit(fn(arg));
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return true;
}

/* The next value of the xorshift64 sequence (13, 7, 17) in *state, which
 * must not start at 0: fast, deterministic, and the same on every
 * platform, so a seed always gives the same test signal or fuzz case. */
static inline uint64_t
test_xorshift64(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

#endif
