/*
 * The session lock: one holder at a time, the refusal names the holder,
 * and the kernel frees the lock when the holding process dies (kill -9).
 */
#include "test.h"

#include "base/error.h"
#include "base/lockfile.h"

#include <signal.h>

static void
test_self(void)
{
	const char *session = test_path("self.dubstage");
	char lockpath[4200], holder[256], want[64];
	struct lockfile a, b;
	size_t n;
	char *text;

	test_join(lockpath, sizeof lockpath, session, LOCKFILE_SUFFIX);
	REQUIRE(lockfile_acquire(session, &a, holder, sizeof holder) == 0);
	text = test_read_file(lockpath, &n);
	snprintf(want, sizeof want, "%ld ", (long)getpid());
	CHECK(text != NULL && strncmp(text, want, strlen(want)) == 0);
	free(text);
	/* a second open file description conflicts even in one process */
	CHECK_INT_EQ(lockfile_acquire(session, &b, holder, sizeof holder),
	    ERR_BUSY);
	CHECK(strncmp(holder, want, strlen(want)) == 0);
	CHECK_INT_EQ(b.fd, -1);
	lockfile_release(&b);   /* not held: a no-op */
	lockfile_release(&a);
	CHECK(access(lockpath, F_OK) != 0);
	CHECK_INT_EQ(lockfile_acquire(session, &b, NULL, 0), 0);
	lockfile_release(&b);
	lockfile_release(NULL);
}

static void
test_other_process(void)
{
	const char *session = test_path("other.dubstage");
	char holder[256], want[64], c;
	struct lockfile l;
	int ready[2], status;
	pid_t pid;

	REQUIRE(pipe(ready) == 0);
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		struct lockfile mine;

		close(ready[0]);
		if (lockfile_acquire(session, &mine, NULL, 0) != 0)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	REQUIRE(read(ready[0], &c, 1) == 1);
	close(ready[0]);
	CHECK_INT_EQ(lockfile_acquire(session, &l, holder, sizeof holder),
	    ERR_BUSY);
	snprintf(want, sizeof want, "%ld ", (long)pid);
	CHECK(strncmp(holder, want, strlen(want)) == 0);
	if (strncmp(holder, want, strlen(want)) != 0)
		fprintf(stderr, "holder: '%s'\n", holder);
	CHECK(strlen(holder) > strlen(want));   /* and a host name */
	/* a crash: nobody releases, the kernel does */
	kill(pid, SIGKILL);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK_INT_EQ(lockfile_acquire(session, &l, holder, sizeof holder), 0);
	lockfile_release(&l);
}

static void
test_io_error(void)
{
	char holder[256];
	struct lockfile l;

	CHECK_INT_EQ(lockfile_acquire(test_path("no/such/dir/x.dubstage"), &l,
	    holder, sizeof holder), ERR_IO);
	CHECK(strstr(holder, "x.dubstage.lock") != NULL);
	CHECK_INT_EQ(l.fd, -1);
}

int
main(void)
{
	test_self();
	test_other_process();
	test_io_error();
	return test_report();
}
