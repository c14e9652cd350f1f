/*
 * keyindex.h - a map from 64-bit keys to fixed-size values that keeps
 * a bounded amount of memory, whatever the number of records.
 *
 * The caches of a batch run are looked up by a hash of a document's
 * source: one record per document. Held in memory, such an index grows
 * by 24 bytes a document (2.4 MB at 100,000, 24 MB at a million), and a
 * run's peak memory should not depend on the size of its batch. So
 * records are gathered in memory up to half a budget; past it they go
 * through util/extsort (the other half its budget: runs sorted and
 * written to an unlinked temporary file, merged), and finishing writes
 * them in order to one file, of which memory keeps only the first key
 * of every block of FOLIO_KEYINDEX_BLOCK records. A lookup is then a
 * binary search of those keys and one pread of a block. An index that
 * stays within half its budget is never written; one
 * whose folder takes no file (`folio check` of a tree it may only
 * read) stays in memory whole.
 *
 * Use: new, add (one thread), finish, then seek/next from any number of
 * threads, each with its own iterator. Records are ordered by key, then
 * a, then b; a lookup yields the records of a key in that order.
 */
#ifndef FOLIO_UTIL_KEYINDEX_H
#define FOLIO_UTIL_KEYINDEX_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define FOLIO_KEYINDEX_BLOCK 64                      /* records a read */
#define FOLIO_KEYINDEX_BUDGET ((size_t)1024 * 1024)  /* bytes in memory */
#define FOLIO_KEYINDEX_SHARED 4096    /* keys of several records known */

typedef struct folio_key_rec {
	uint64_t key;
	uint64_t a, b;             /* the caller's */
} folio_key_rec;

typedef struct folio_keyindex folio_keyindex;

/* An empty index whose spill files, if it needs them, are made in the
 * folder of the file beside (which need not exist): the caches index
 * themselves next to where they are written. budget: bytes of records
 * held before a run is written (0: the default; tests make it small). */
int folio_keyindex_new(folio_keyindex **out, const char *beside,
	size_t budget, folio_error *err);
int folio_keyindex_add(folio_keyindex *x, const folio_key_rec *r,
	folio_error *err);
/* Sort (and merge what was spilled); after it, only lookups. */
int folio_keyindex_finish(folio_keyindex *x, folio_error *err);
uint64_t folio_keyindex_count(const folio_keyindex *x);
/* 1 when no two records of the finished index share key, known without
 * reading the disk (finishing keeps the keys held by several records,
 * up to FOLIO_KEYINDEX_SHARED of them; past that it answers 0). A
 * caller that found a record of key by other means (the next line of a
 * file it reads in order) then knows it found all of them. */
int folio_keyindex_single(const folio_keyindex *x, uint64_t key);
/* 1 when the records went to disk (a test's question). */
int folio_keyindex_spilled(const folio_keyindex *x);
void folio_keyindex_free(folio_keyindex *x);

/* Where a lookup is: on the caller's stack, one a thread. */
typedef struct folio_keyindex_iter {
	const folio_keyindex *x;
	uint64_t key;
	uint64_t pos;              /* the next record's place */
	uint64_t block;            /* which block buf holds, UINT64_MAX none */
	folio_key_rec buf[FOLIO_KEYINDEX_BLOCK];
} folio_keyindex_iter;

/* Start at the first record whose key is key. */
void folio_keyindex_seek(folio_keyindex_iter *it, const folio_keyindex *x,
	uint64_t key);
/* The next record of the key into *out: 1, 0 when there is none left,
 * FOLIO_EIO when the spill file cannot be read. */
int folio_keyindex_next(folio_keyindex_iter *it, folio_key_rec *out,
	folio_error *err);

#endif
