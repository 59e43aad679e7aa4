#include "base/path.h"
#include "base/strutil.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *
path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	size_t n;

	if (slash == NULL)
		return str_dup(".");
	if (slash == path)
		return str_dup("/");
	n = (size_t)(slash - path);
	dir = malloc(n + 1);
	if (dir == NULL)
		return NULL;
	memcpy(dir, path, n);
	dir[n] = '\0';
	return dir;
}

const char *
path_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

bool
path_is_absolute(const char *path)
{
	return path[0] == '/';
}

char *
path_resolve(const char *dir, const char *rel)
{
	size_t dn, rn;
	char *out;

	if (path_is_absolute(rel) || dir == NULL || dir[0] == '\0' ||
	    strcmp(dir, ".") == 0)
		return str_dup(rel);
	dn = strlen(dir);
	rn = strlen(rel);
	out = malloc(dn + rn + 2);
	if (out == NULL)
		return NULL;
	memcpy(out, dir, dn);
	if (dn > 0 && dir[dn - 1] != '/')
		out[dn++] = '/';
	memcpy(out + dn, rel, rn + 1);
	return out;
}

bool
path_is_readable_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(path, R_OK) == 0;
}
