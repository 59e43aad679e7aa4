/* atomic_file_write: replace, keep .bak, and leave everything as it was
 * on failure (no temp files left behind). */
#include "test.h"

#include "base/atomic_file.h"
#include "base/error.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>


/* A fresh, empty folder dir/name; its path in out. */
static void
fresh_dir(const char *name, char *out, size_t size)
{
	char cmd[4200];

	snprintf(out, size, "%s/%s", test_tmpdir(), name);
	chmod(out, 0755);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", out);
	if (system(cmd) != 0)
		fprintf(stderr, "could not clean %s\n", out);
	test_mkdir_p(out);
}

/* The file's content equals text. */
static bool
has(const char *path, const char *text)
{
	FILE *f = fopen(path, "rb");
	char buf[256];
	size_t n;

	if (f == NULL)
		return false;
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	return n == strlen(text) && memcmp(buf, text, n) == 0;
}

static void
test_replace_and_backup(void)
{
	char dir[4096], path[4200], bak[4300];
	struct stat st;
	struct diag d;
	mode_t um;

	fresh_dir("basic", dir, sizeof dir);
	test_join(path, sizeof path, dir, "/f.txt");
	test_join(bak, sizeof bak, path, ATOMIC_FILE_BAK_SUFFIX);

	CHECK_INT_EQ(atomic_file_write(path, "one", 3, true, &d), 0);
	CHECK(has(path, "one"));
	CHECK(access(bak, F_OK) != 0);
	um = umask(022);
	umask(um);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == (0666 & ~um));

	CHECK_INT_EQ(atomic_file_write(path, "two", 3, true, &d), 0);
	CHECK(has(path, "two"));
	CHECK(has(bak, "one"));

	/* without keep_backup the old .bak stays as it was */
	CHECK_INT_EQ(atomic_file_write(path, "three", 5, false, NULL), 0);
	CHECK(has(path, "three"));
	CHECK(has(bak, "one"));

	/* permissions of the replaced file are kept */
	chmod(path, 0640);
	CHECK_INT_EQ(atomic_file_write(path, "four", 4, true, &d), 0);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640);
	CHECK(has(bak, "three"));

	CHECK_INT_EQ(atomic_file_write(path, "", 0, true, &d), 0);
	CHECK(has(path, ""));
	CHECK_INT_EQ(test_count_files(dir, ".tmp-"), 0);
	CHECK_INT_EQ(test_count_files(dir, ""), 2);
}

static void
test_big(void)
{
	char dir[4096], path[4200];
	size_t n = 8u << 20;
	char *data = malloc(n), *back = malloc(n);
	struct diag d;
	FILE *f;

	REQUIRE(data != NULL && back != NULL);
	fresh_dir("big", dir, sizeof dir);
	test_join(path, sizeof path, dir, "/big.bin");
	for (size_t i = 0; i < n; i++)
		data[i] = (char)(i * 2654435761u >> 13);
	CHECK_INT_EQ(atomic_file_write(path, data, n, true, &d), 0);
	f = fopen(path, "rb");
	CHECK(f != NULL && fread(back, 1, n, f) == n && fgetc(f) == EOF);
	if (f != NULL)
		fclose(f);
	CHECK(memcmp(data, back, n) == 0);
	free(data);
	free(back);
}

static void
test_symlink(void)
{
	char dir[4096], real[4200], link_path[4200], bak[4300];
	struct stat st;
	struct diag d;

	fresh_dir("link", dir, sizeof dir);
	test_join(real, sizeof real, dir, "/real.txt");
	test_join(link_path, sizeof link_path, dir, "/link.txt");
	test_join(bak, sizeof bak, real, ATOMIC_FILE_BAK_SUFFIX);
	CHECK_INT_EQ(atomic_file_write(real, "old", 3, true, &d), 0);
	CHECK_INT_EQ(symlink("real.txt", link_path), 0);
	CHECK_INT_EQ(atomic_file_write(link_path, "new", 3, true, &d), 0);
	CHECK(lstat(link_path, &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(has(real, "new"));
	CHECK(has(bak, "old"));
}

static void
test_failures(void)
{
	char dir[4096], path[4200], bak[4300], inner[4400], sub[4200];
	struct diag d;

	fresh_dir("fail", dir, sizeof dir);
	test_join(path, sizeof path, dir, "/f.txt");
	test_join(bak, sizeof bak, path, ATOMIC_FILE_BAK_SUFFIX);
	test_join(inner, sizeof inner, bak, "/x");
	test_join(sub, sizeof sub, dir, "/no/such/folder/f.txt");

	CHECK_INT_EQ(atomic_file_write(sub, "x", 1, true, &d), ERR_IO);
	CHECK_STR_EQ(d.file, sub);
	CHECK(strstr(d.message, "temporary") != NULL);

	CHECK_INT_EQ(atomic_file_write(dir, "x", 1, true, &d), ERR_IO);
	CHECK(strstr(d.message, "not a regular file") != NULL);

	CHECK_INT_EQ(atomic_file_write("", "x", 1, true, &d), ERR_IO);

	/* The backup cannot be made: the old file stays, the temp goes. */
	CHECK_INT_EQ(atomic_file_write(path, "old", 3, true, &d), 0);
	test_mkdir_p(bak);
	CHECK_INT_EQ(atomic_file_write(inner, "x", 1, false, &d), 0);
	CHECK_INT_EQ(atomic_file_write(path, "new", 3, true, &d), ERR_IO);
	CHECK(strstr(d.message, ".bak") != NULL);
	CHECK(has(path, "old"));
	CHECK_INT_EQ(test_count_files(dir, ".tmp-"), 0);
	/* ... but a save that does not keep a backup goes through */
	CHECK_INT_EQ(atomic_file_write(path, "new", 3, false, &d), 0);
	CHECK(has(path, "new"));
	CHECK_INT_EQ(test_count_files(dir, ".tmp-"), 0);
}

/* 0 when writing "new" to path fails for want of a temporary file. */
static int
write_new_refused(const void *path)
{
	struct diag d;
	int rc = atomic_file_write(path, "new", 3, true, &d);

	return rc == ERR_IO && strstr(d.message, "temporary") != NULL ? 0 : 1;
}

/* Root ignores folder permissions: as root the write is tried by a child
 * that has dropped to nobody. */
static void
test_read_only_folder(void)
{
	char dir[4096], path[4200];
	struct diag d;

	fresh_dir("ro", dir, sizeof dir);
	test_join(path, sizeof path, dir, "/f.txt");
	CHECK_INT_EQ(atomic_file_write(path, "old", 3, true, &d), 0);
	chmod(dir, 0555);
	if (!test_as_nobody(dir, write_new_refused, path))
		CHECK_INT_EQ(atomic_file_write(path, "new", 3, true, &d), ERR_IO);
	chmod(dir, 0755);
	CHECK(has(path, "old"));
	CHECK_INT_EQ(test_count_files(dir, ""), 1);
}

int
main(void)
{
	test_replace_and_backup();
	test_big();
	test_symlink();
	test_failures();
	test_read_only_folder();
	return test_report();
}
