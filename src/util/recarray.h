/*
 * recarray.h - an array of n fixed-size records of bounded memory.
 *
 * A batch run keeps a few things per document by its place in the
 * manifest (where its report line is, its status). As arrays in memory
 * they grow with the batch; past a budget they are kept in an unlinked
 * file beside the run's outputs instead, and read and written through
 * a few pages held in memory (direct-mapped, written back when another
 * page takes their place). Records are asked for in about the order of
 * their places, so a page read serves thousands of them.
 *
 * Records start zeroed. get and put may run on several threads at
 * once (a lock guards the pages); a record is copied in and out, never
 * lent.
 */
#ifndef FOLIO_UTIL_RECARRAY_H
#define FOLIO_UTIL_RECARRAY_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define FOLIO_RECARRAY_PAGE ((size_t)64 * 1024)       /* bytes a read */
#define FOLIO_RECARRAY_MIN_PAGE ((size_t)4096)
#define FOLIO_RECARRAY_BUDGET ((size_t)128 * 1024)    /* bytes in memory */

typedef struct folio_recarray folio_recarray;

/* n records of size bytes (1 to the page), all zero, in memory when
 * they fit budget bytes (0: the default), else in a file made in the
 * folder of the file beside, read page bytes at a time (0: the default;
 * at least FOLIO_RECARRAY_MIN_PAGE; a small page suits records asked
 * for out of order). Where no file can be made there (a tree the caller
 * may only read) they stay in memory, all of them. */
int folio_recarray_new(folio_recarray **out, const char *beside,
	size_t size, uint64_t n, size_t budget, size_t page,
	folio_error *err);
uint64_t folio_recarray_count(const folio_recarray *a);
/* 1 when the records are on disk (a test's question). */
int folio_recarray_on_disk(const folio_recarray *a);
/* Record i into rec / from rec. FOLIO_EUSAGE past the end, FOLIO_EIO
 * when the file cannot be read or written. */
int folio_recarray_get(folio_recarray *a, uint64_t i, void *rec,
	folio_error *err);
int folio_recarray_put(folio_recarray *a, uint64_t i, const void *rec,
	folio_error *err);
void folio_recarray_free(folio_recarray *a);

#endif
