/*
 * pathexpand.h - the files a pattern names under a folder, in order,
 * in bounded memory.
 *
 * glob(3) returns every match at once, sorted: a pattern over a folder
 * of 100,000 sources costs some 5 MB while the list is read, whatever
 * the run does with it. Here the folders a pattern walks are read one
 * entry at a time and the matches go through util/extsort, so memory
 * stays within the sort's budget, spilled beside the given path.
 *
 * The pattern is relative and made of '/'-separated parts with no
 * empty part; a part with * ? or [ is matched against each name of its
 * folder by fnmatch(3) with FNM_PERIOD (a leading '.' is matched only
 * by a '.'), names "." and ".." never; a part without is taken as
 * it is. A match is a path whose parts all exist (the last one looked
 * at with lstat, as glob(3) does: a dangling link is a match the
 * caller then finds wanting). Matches come in bytewise order of their
 * relative path, the order of glob(3) in the C locale. Backslash is
 * not an escape: the caller refuses it in a pattern.
 */
#ifndef FOLIO_UTIL_PATHEXPAND_H
#define FOLIO_UTIL_PATHEXPAND_H

#include <stddef.h>

#include "util/error.h"

#define FOLIO_PATHEXPAND_MAX 4096       /* bytes of a relative match */
#define FOLIO_PATHEXPAND_DEPTH 64       /* parts of a pattern */

/* 1 when s (a pattern or one part of it) has a * ? or [ to match. */
int folio_path_is_pattern(const char *s);

/* Called once a match, in order, with the path relative to dir; a
 * negative return stops the walk and is returned. */
typedef int (*folio_pathexpand_fn)(void *ctx, const char *rel,
	folio_error *err);

/* Expand pattern under dir (spill files beside the path beside): the
 * number of matches (>= 0), or FOLIO_EIO when a folder on the way
 * cannot be read (but for one that is missing or not a folder: no
 * match there), FOLIO_ELIMIT for a pattern of too many parts or a match
 * too long, or what each returned. */
long folio_path_expand(const char *dir, const char *pattern,
	const char *beside, folio_pathexpand_fn each, void *ctx,
	folio_error *err);

#endif
