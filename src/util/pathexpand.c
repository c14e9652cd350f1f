/* pathexpand.c - a pattern's files, walked a folder entry at a time and
 * sorted in bounded memory (see pathexpand.h). */
#include "util/pathexpand.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/extsort.h"

typedef struct walk {
	char *pattern;                       /* a copy, cut into parts */
	const char *part[FOLIO_PATHEXPAND_DEPTH];
	size_t n_parts;
	/* The folder, a '/', then the relative path walked so far: one
	 * buffer, so a folder is opened by its full path without copying
	 * the relative one. */
	char full[2 * FOLIO_PATHEXPAND_MAX + 2];
	char *rel;
	folio_extsort *sort;
	folio_error *err;
} walk;

int folio_path_is_pattern(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* rel[0, len) + "/" + name, or FOLIO_ELIMIT. */
static long append(walk *w, size_t len, const char *name, size_t *out)
{
	size_t n = strlen(name), at = len ? len + 1 : 0;

	if (at + n >= FOLIO_PATHEXPAND_MAX)
		return folio_error_set(w->err, FOLIO_ELIMIT, "a match of "
			"more than %d bytes: %.*s/%s", FOLIO_PATHEXPAND_MAX,
			(int)len, w->rel, name);
	if (len)
		w->rel[len] = '/';
	memcpy(w->rel + at, name, n + 1);
	*out = at + n;
	return 0;
}

/* The path so far, rel[0, len), takes part k on; exists: the walk saw
 * it in its folder (no lstat needed to know it is there). */
static long step(walk *w, size_t k, size_t len, int exists)
{
	const char *part;
	struct dirent *de;
	struct stat st;
	size_t next;
	DIR *dp;
	long rc = 0;

	if (k == w->n_parts) {
		if (!exists && lstat(w->full, &st) != 0)
			return 0;
		return folio_extsort_add(w->sort, w->rel, len, w->err);
	}
	part = w->part[k];
	if (!folio_path_is_pattern(part))
		return (rc = append(w, len, part, &next)) < 0 ? rc :
			step(w, k + 1, next, 0);
	w->rel[len] = '\0';
	if ((dp = opendir(len ? w->full : w->full[0] ? w->full : ".")) ==
	    NULL) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return folio_error_set(w->err, FOLIO_EIO, "cannot read the "
			"folder %s: %s", len ? w->rel : ".", strerror(errno));
	}
	errno = 0;
	while (rc >= 0 && (de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    fnmatch(part, de->d_name, FNM_PERIOD) != 0)
			continue;
		if ((rc = append(w, len, de->d_name, &next)) == 0)
			rc = step(w, k + 1, next, 1);
		w->rel[len] = '\0';
		errno = 0;
	}
	if (rc >= 0 && errno != 0)
		rc = folio_error_set(w->err, FOLIO_EIO, "cannot read the "
			"folder %s: %s", len ? w->rel : ".", strerror(errno));
	closedir(dp);
	return rc;
}

static long split(walk *w, const char *dir, const char *pattern)
{
	size_t dl = strcmp(dir, ".") == 0 ? 0 : strlen(dir);
	char *p;

	if (dl + 1 > FOLIO_PATHEXPAND_MAX)
		return folio_error_set(w->err, FOLIO_ELIMIT, "a folder of "
			"more than %d bytes", FOLIO_PATHEXPAND_MAX);
	memcpy(w->full, dir, dl);
	if (dl)
		w->full[dl++] = '/';
	w->rel = w->full + dl;
	w->rel[0] = '\0';
	if ((w->pattern = strdup(pattern)) == NULL)
		return folio_error_set(w->err, FOLIO_ENOMEM, "out of memory");
	for (p = w->pattern; p != NULL; ) {
		char *slash = strchr(p, '/');
		if (w->n_parts == FOLIO_PATHEXPAND_DEPTH)
			return folio_error_set(w->err, FOLIO_ELIMIT, "a "
				"pattern of more than %d parts: %s",
				FOLIO_PATHEXPAND_DEPTH, pattern);
		if (slash != NULL)
			*slash = '\0';
		if (*p == '\0')
			return folio_error_set(w->err, FOLIO_EUSAGE, "an empty "
				"part in the pattern %s", pattern);
		w->part[w->n_parts++] = p;
		p = slash ? slash + 1 : NULL;
	}
	return 0;
}

long folio_path_expand(const char *dir, const char *pattern,
	const char *beside, folio_pathexpand_fn each, void *ctx,
	folio_error *err)
{
	char rel[FOLIO_PATHEXPAND_MAX];
	const void *rec;
	size_t len;
	long rc, n = 0;
	walk w;

	memset(&w, 0, sizeof(w));
	w.err = err;
	if ((rc = split(&w, dir, pattern)) < 0 ||
	    (rc = folio_extsort_new(&w.sort, beside, 0, err)) < 0 ||
	    (rc = step(&w, 0, 0, 0)) < 0 ||
	    (rc = folio_extsort_finish(w.sort, err)) < 0)
		goto done;
	while ((rc = folio_extsort_next(w.sort, &rec, &len, err)) == 1) {
		memcpy(rel, rec, len);   /* < FOLIO_PATHEXPAND_MAX: added so */
		rel[len] = '\0';
		if ((rc = each(ctx, rel, err)) < 0)
			goto done;
		n++;
	}
	if (rc == 0)
		rc = n;
done:
	folio_extsort_free(w.sort);
	free(w.pattern);
	return rc;
}
