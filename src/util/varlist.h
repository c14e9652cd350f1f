/*
 * varlist.h - a list of variable-length records of bounded memory:
 * appended one after another, then read back by their place.
 *
 * A manifest names up to 200,000 sources, each a path and a stamp. In
 * memory such a list grows with the batch (about 40 bytes a source),
 * and a run's peak memory should not. So the records' bytes are held
 * in memory up to a budget; past it they go on to an unlinked temporary
 * file, memory keeping where every FOLIO_VARLIST_BLOCK-th record starts
 * (8 bytes a block) and a few blocks last read. Records are asked for
 * in about the order they were added, so one read serves a block.
 * A list whose folder takes no file (a tree it may only read) stays in
 * memory whole.
 *
 * Use: add from one thread; get from any number of threads, but not
 * while an add runs (a lock guards the blocks held). A record is copied
 * out, never lent.
 */
#ifndef FOLIO_UTIL_VARLIST_H
#define FOLIO_UTIL_VARLIST_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define FOLIO_VARLIST_BLOCK 64                       /* records a read */
#define FOLIO_VARLIST_BUDGET ((size_t)256 * 1024)    /* bytes in memory */
#define FOLIO_VARLIST_MAX ((size_t)64 * 1024)        /* bytes a record */

typedef struct folio_varlist folio_varlist;

/* An empty list whose file, if it needs one, is made in the folder of
 * the file beside (which need not exist). budget: bytes held in memory
 * (0: the default; tests make it small). */
int folio_varlist_new(folio_varlist **out, const char *beside,
	size_t budget, folio_error *err);
/* Record len bytes (0 to FOLIO_VARLIST_MAX) at place count(l). */
int folio_varlist_add(folio_varlist *l, const void *rec, size_t len,
	folio_error *err);
uint64_t folio_varlist_count(const folio_varlist *l);
/* Record i into buf (bufsz bytes), its length into *len: 0;
 * FOLIO_ELIMIT when it does not fit (*len says how much it needs),
 * FOLIO_EUSAGE past the end, FOLIO_EIO when the file cannot be read. */
int folio_varlist_get(folio_varlist *l, uint64_t i, void *buf,
	size_t bufsz, size_t *len, folio_error *err);
/* 1 when the records went to disk (a test's question). */
int folio_varlist_on_disk(const folio_varlist *l);
void folio_varlist_free(folio_varlist *l);

#endif
