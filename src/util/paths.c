#include "util/paths.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef FOLIO_DATADIR
#define FOLIO_DATADIR "/usr/local/share/folio"
#endif

static int try_dir(char *out, size_t outsz, const char *dir, const char *rel)
{
	int n = snprintf(out, outsz, "%s/%s", dir, rel);
	return n > 0 && (size_t)n < outsz && access(out, R_OK) == 0;
}

int folio_data_path(char *out, size_t outsz, const char *rel,
	folio_error *err)
{
	const char *env = getenv("FOLIO_DATADIR");
	char exe[PATH_MAX];
	ssize_t n;

	if (env != NULL && env[0] && try_dir(out, outsz, env, rel))
		return 0;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		int up;
		exe[n] = '\0';
		/* An installed tree moved elsewhere (or staged with DESTDIR):
		 * <prefix>/bin/folio next to <prefix>/share/folio. */
		{
			char *slash = strrchr(exe, '/');
			char share[PATH_MAX];
			if (slash != NULL) {
				int k = snprintf(share, sizeof(share),
					"%.*s/../share/folio", (int)(slash - exe),
					exe);
				if (k > 0 && (size_t)k < sizeof(share) &&
				    try_dir(out, outsz, share, rel))
					return 0;
			}
		}
		/* Strip "folio", then up to two folders (build/<variant>),
		 * looking for the source tree; unit tests live one deeper. */
		for (up = 0; up < 4; up++) {
			char *slash = strrchr(exe, '/');
			if (slash == NULL)
				break;
			*slash = '\0';
			if (try_dir(out, outsz, exe, rel))
				return 0;
		}
	}
	if (try_dir(out, outsz, FOLIO_DATADIR, rel))
		return 0;
	return folio_error_set(err, FOLIO_EIO,
		"cannot find %s (set FOLIO_DATADIR to the folder holding "
		"schemas/, styles/ and fonts/)", rel);
}

int folio_relative_path_valid(const char *s, size_t max)
{
	size_t i, n = s ? strlen(s) : 0;
	int start = 1;
	unsigned char c;

	if (n == 0 || n > max)
		return 0;
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '/') {
			if (start)
				return 0;       /* leading or double slash */
			start = 1;
			continue;
		}
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		    (c == '.' && !start)))
			return 0;
		start = 0;
	}
	return !start;
}
