/*
 * extsort.h - records sorted by their bytes in bounded memory.
 *
 * A run orders things by the document: a folder's names matched by a
 * pattern, the documents of a feed by date, the site's files by name.
 * Held in memory and sorted by qsort, each such list grows with the
 * batch. Here records are gathered in memory up to a budget; past it
 * each full run is sorted and written to an unlinked temporary file,
 * and reading merges the runs (at most FOLIO_EXTSORT_FANIN at once,
 * each through a buffer of its own; more runs are first merged into
 * fewer). A sort that stays within its budget is never written; one
 * whose folder takes no file stays in memory whole.
 *
 * Order: bytewise (memcmp) over the shorter record, then the shorter
 * first; a caller makes its key bytes sort the way it wants (numbers
 * big-endian, strings ended by a 0 byte). Equal records all come back.
 *
 * Use: new, add, finish, then next until it says 0; one thread.
 */
#ifndef FOLIO_UTIL_EXTSORT_H
#define FOLIO_UTIL_EXTSORT_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define FOLIO_EXTSORT_BUDGET ((size_t)512 * 1024)    /* bytes in memory */
#define FOLIO_EXTSORT_MAX ((size_t)16 * 1024)        /* bytes a record */
#define FOLIO_EXTSORT_FANIN 16              /* runs merged at once */

typedef struct folio_extsort folio_extsort;

/* An empty sort whose runs, if it spills, go to a file made in the
 * folder of the file beside (which need not exist). budget: bytes of
 * records (and their bookkeeping) held before a run is written (0: the
 * default; tests make it small). */
int folio_extsort_new(folio_extsort **out, const char *beside,
	size_t budget, folio_error *err);
/* A record of len bytes (0 to FOLIO_EXTSORT_MAX). */
int folio_extsort_add(folio_extsort *s, const void *rec, size_t len,
	folio_error *err);
/* No more adds: sort what is held, merge runs down to the fan-in. */
int folio_extsort_finish(folio_extsort *s, folio_error *err);
uint64_t folio_extsort_count(const folio_extsort *s);
/* The next record in order: 1 with *rec and *len set (the bytes stay
 * valid until the next call or free), 0 when all were read,
 * FOLIO_EIO when a run cannot be read. */
int folio_extsort_next(folio_extsort *s, const void **rec, size_t *len,
	folio_error *err);
/* 1 when records went to disk (a test's question). */
int folio_extsort_spilled(const folio_extsort *s);
void folio_extsort_free(folio_extsort *s);

#endif
