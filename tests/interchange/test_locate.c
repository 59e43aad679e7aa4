/* Finding media from interchange locators: URL decoding, relative paths,
 * paths from other machines, searching media folders (UTF-8 names). */
#include "test.h"

#include "interchange/locate.h"

#include <unistd.h>

static void
touch(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f != NULL) {
		fputs("x", f);
		fclose(f);
	}
}

int
main(void)
{
	char *p, *found;
	char aaf_dir[2048], media[2048], deep[2048], file[8192];
	const char *dirs[1];

	p = locate_uri_to_path("file:///C%3A/Users/u/Media/take%201.wav");
	CHECK_STR_EQ(p, "C:/Users/u/Media/take 1.wav");
	free(p);
	p = locate_uri_to_path("file:///c%3a/x/%D8%A7.wav");   /* UTF-8 escapes */
	CHECK_STR_EQ(p, "c:/x/\xd8\xa7.wav");
	free(p);
	p = locate_uri_to_path("file://localhost/Volumes/Media/a.wav");
	CHECK_STR_EQ(p, "/Volumes/Media/a.wav");
	free(p);
	p = locate_uri_to_path("file:///home/u/a.wav");
	CHECK_STR_EQ(p, "/home/u/a.wav");
	free(p);
	p = locate_uri_to_path("C:\\Media\\b.wav");
	CHECK_STR_EQ(p, "C:/Media/b.wav");
	free(p);
	p = locate_uri_to_path("./sub/c.wav");
	CHECK_STR_EQ(p, "./sub/c.wav");
	free(p);
	p = locate_uri_to_path("file:///bad%zzescape");
	CHECK_STR_EQ(p, "/bad%zzescape");
	free(p);

	/* a project folder with the interchange file and media around it */
	snprintf(aaf_dir, sizeof aaf_dir, "%s/project", test_tmpdir());
	snprintf(media, sizeof media, "%s/media", test_tmpdir());
	snprintf(deep, sizeof deep, "%s/media/day 2/\xe8\x8a\xb1", test_tmpdir());
	test_mkdir_p(aaf_dir);
	test_mkdir_p(deep);
	snprintf(file, sizeof file, "%s/near.wav", aaf_dir);
	touch(file);
	snprintf(file, sizeof file, "%s/Audio", aaf_dir);
	test_mkdir_p(file);
	snprintf(file, sizeof file, "%s/Audio/tail.wav", aaf_dir);
	touch(file);
	snprintf(file, sizeof file, "%s/Take \xd9\x81.WAV", deep);
	touch(file);
	dirs[0] = media;

	/* relative to the interchange file */
	CHECK_INT_EQ(locate_media("./near.wav", aaf_dir, NULL, 0, &found), 0);
	CHECK(found != NULL && strstr(found, "project/near.wav") != NULL);
	free(found);
	/* another machine's absolute path: found by its tail */
	CHECK_INT_EQ(locate_media("file:///D%3A/Old/Film/Audio/tail.wav", aaf_dir,
	    NULL, 0, &found), 0);
	CHECK(found != NULL && strstr(found, "project/Audio/tail.wav") != NULL);
	free(found);
	/* by name in a media folder, deep, UTF-8, and then ignoring case */
	CHECK_INT_EQ(locate_media("file:///C:/x/Take%20%D9%81.WAV", aaf_dir, dirs,
	    1, &found), 0);
	CHECK(found != NULL && strstr(found, "\xe8\x8a\xb1/Take") != NULL);
	free(found);
	CHECK_INT_EQ(locate_media("C:/y/take \xd9\x81.wav", aaf_dir, dirs, 1,
	    &found), 0);
	free(found);
	/* not anywhere */
	CHECK_INT_EQ(locate_media("file:///C:/nowhere/none.wav", aaf_dir, dirs, 1,
	    &found), ERR_NOTFOUND);
	CHECK(found == NULL);
	CHECK_INT_EQ(locate_media("", aaf_dir, dirs, 1, &found), ERR_NOTFOUND);
	return test_report();
}
