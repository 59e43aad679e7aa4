#include "interchange/locate.h"
#include "base/path.h"
#include "base/strutil.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define SEARCH_DEPTH 8           /* folders below a media folder */
#define SEARCH_ENTRIES 200000    /* entries looked at per search, at most */

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
locate_uri_to_path(const char *uri)
{
	const char *p = uri;
	char *out, *w;

	if (strncasecmp(p, "file://", 7) == 0) {
		p += 7;
		if (strncasecmp(p, "localhost/", 10) == 0)
			p += 9;
		else if (*p != '/') {
			/* file://host/share/...: keep it as //host/share (UNC) */
			p -= 2;
		}
	}
	out = malloc(strlen(p) + 1);
	if (out == NULL)
		return NULL;
	for (w = out; *p != '\0'; p++) {
		int hi, lo;

		if (*p == '%' && (hi = hexval(p[1])) >= 0 && (lo = hexval(p[2])) >= 0) {
			*w++ = (char)(hi << 4 | lo);
			p += 2;
		} else {
			*w++ = *p == '\\' ? '/' : *p;
		}
	}
	*w = '\0';
	/* "/C:/..." (a Windows drive in a URL) -> "C:/..." */
	if (out[0] == '/' && ((out[1] >= 'A' && out[1] <= 'Z') ||
	    (out[1] >= 'a' && out[1] <= 'z')) && out[2] == ':')
		memmove(out, out + 1, strlen(out));
	for (w = out; *w != '\0'; w++)
		if (*w == '\\')
			*w = '/';
	return out;
}

static bool
is_windows_absolute(const char *p)
{
	return ((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) &&
	    p[1] == ':';
}

/* Takes ownership of candidate: returns 1 and sets *found when it is a
 * readable file, else frees it and returns 0 (-1 on NULL: out of memory). */
static int
try(char *candidate, char **found)
{
	if (candidate == NULL)
		return -1;
	if (path_is_readable_file(candidate)) {
		*found = candidate;
		return 1;
	}
	free(candidate);
	return 0;
}

/* The trailing components of path under dir, longest first. */
static int
try_tails(const char *path, const char *dir, char **found)
{
	for (const char *p = path; p != NULL && *p != '\0'; ) {
		const char *slash = strchr(p, '/');
		int r;

		if (*p != '/' && !is_windows_absolute(p) && strncmp(p, "..", 2) != 0) {
			if ((r = try(path_resolve(dir, p), found)) != 0)
				return r;
		}
		p = slash != NULL ? slash + 1 : NULL;
	}
	return 0;
}

struct search {
	const char *name;
	bool nocase;
	long budget;
	char *found;
};

static void
search_dir(struct search *s, const char *dir, int depth)
{
	DIR *d;
	struct dirent *e;

	if (depth > SEARCH_DEPTH || s->found != NULL || (d = opendir(dir)) == NULL)
		return;
	while (s->found == NULL && s->budget-- > 0 && (e = readdir(d)) != NULL) {
		char *full;
		struct stat st;

		if (e->d_name[0] == '.' && (e->d_name[1] == '\0' ||
		    (e->d_name[1] == '.' && e->d_name[2] == '\0')))
			continue;
		if ((full = path_resolve(dir, e->d_name)) == NULL)
			break;
		if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
			search_dir(s, full, depth + 1);   /* no symlinks: no loops */
		} else if ((s->nocase ? strcasecmp(e->d_name, s->name) :
		    strcmp(e->d_name, s->name)) == 0 && path_is_readable_file(full)) {
			s->found = full;
			full = NULL;
		}
		free(full);
	}
	closedir(d);
}

int
locate_media(const char *uri, const char *base_dir, const char *const *dirs,
    size_t ndirs, char **found)
{
	char *path = locate_uri_to_path(uri);
	const char *name;
	int r = 0;

	*found = NULL;
	if (path == NULL)
		return ERR_NOMEM;
	if (path[0] == '\0') {
		free(path);
		return ERR_NOTFOUND;
	}
	if (path[0] == '/')
		r = try(str_dup(path), found);
	if (r == 0 && path[0] != '/' && !is_windows_absolute(path)) {
		const char *rel = path;

		while (rel[0] == '.' && rel[1] == '/')
			rel += 2;
		r = try(path_resolve(base_dir ? base_dir : ".", rel), found);
	}
	if (r == 0)
		r = try_tails(path, base_dir ? base_dir : ".", found);
	for (size_t i = 0; r == 0 && i < ndirs; i++)
		r = try_tails(path, dirs[i], found);
	name = path_basename(path);
	for (int nocase = 0; r == 0 && nocase < 2; nocase++)
		for (size_t i = 0; r == 0 && i < ndirs; i++) {
			struct search s = { name, nocase, SEARCH_ENTRIES, NULL };

			search_dir(&s, dirs[i], 0);
			if (s.found != NULL) {
				*found = s.found;
				r = 1;
			}
		}
	free(path);
	if (r < 0)
		return ERR_NOMEM;
	return r == 1 ? 0 : ERR_NOTFOUND;
}
