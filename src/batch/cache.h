/*
 * cache.h - what the last run built, so the next one can skip it
 * (out/<batch>/.cache).
 *
 * A document is up to date when its source bytes have the SHA-256 the
 * cache holds, the run's environment digest (folio version, style and
 * stylesheet bytes, font fingerprint, SOURCE_DATE_EPOCH, options) equals
 * the cached one, its 档号 is unchanged, and both outputs are on disk with
 * the size and modification time recorded when they were written (a
 * missing, truncated or replaced output is rebuilt). The archive is up to
 * date when the digest of everything it is made from equals the cached
 * one and the ZIP is on disk.
 *
 * The file is text, one record a line, fields separated by tabs:
 *   folio-cache 1
 *   env <hex sha256>
 *   archive <hex sha256 or ->
 *   doc <src sha256> <档号> <pages> <pdf size> <pdf mtime ns>
 *       <epub size> <epub mtime ns> <id or -> <source path>
 * It is a hint, never trusted for correctness of outputs beyond the
 * checks above: a missing, malformed or foreign cache file reads as an
 * empty cache (everything is rebuilt), never as an error. It is written
 * atomically (temp + rename) so a killed run leaves the old or the new
 * one. Sources whose path holds a tab or newline are not cached.
 *
 * Limits: FOLIO_CACHE_MAX_BYTES per file, FOLIO_BATCH_MAX_SOURCES records.
 * Ownership: the cache owns its entries and strings;
 * folio_cache_free(NULL) is a no-op. Not thread-safe: the batch engine
 * updates it under the pool's done-callback lock.
 */
#ifndef FOLIO_BATCH_CACHE_H
#define FOLIO_BATCH_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/error.h"

#define FOLIO_CACHE_MAX_BYTES ((size_t)256 * 1024 * 1024)
#define FOLIO_CACHE_HEX 65           /* 64 hex digits and NUL */
#define FOLIO_CACHE_CODE_MAX 64

typedef struct folio_cache_entry {
	char *source;                    /* manifest-relative path */
	char sha256[FOLIO_CACHE_HEX];    /* of the source bytes */
	char code[FOLIO_CACHE_CODE_MAX]; /* 档号 its outputs are named by */
	char *id;                        /* document id or NULL */
	size_t pages;
	uint64_t pdf_size, epub_size;
	int64_t pdf_mtime_ns, epub_mtime_ns;
} folio_cache_entry;

typedef struct folio_cache {
	char env[FOLIO_CACHE_HEX];       /* "" when unknown */
	char archive[FOLIO_CACHE_HEX];   /* "" when no archive recorded */
	folio_cache_entry *entries;      /* sorted by source after read */
	size_t n, cap;
} folio_cache;

/* An empty cache. */
int folio_cache_new(folio_cache **out, folio_error *err);
/* Read path; a missing or unusable file gives an empty cache. Fails
 * only for FOLIO_ENOMEM. */
int folio_cache_read(folio_cache **out, const char *path, folio_error *err);
/* The entry for source, or NULL (binary search; call folio_cache_sort
 * after adding entries). */
const folio_cache_entry *folio_cache_find(const folio_cache *c,
	const char *source);
/* Copy e (and its strings) into c. Entries whose source holds a tab or
 * newline are silently not kept. */
int folio_cache_add(folio_cache *c, const folio_cache_entry *e,
	folio_error *err);
void folio_cache_sort(folio_cache *c);
/* The file's text (entries in their current order). */
int folio_cache_format(folio_buf *out, const folio_cache *c,
	folio_error *err);
/* Format and write atomically. */
int folio_cache_write(const folio_cache *c, const char *path,
	folio_error *err);
void folio_cache_free(folio_cache *c);

/* Modification time of a file in nanoseconds and its size; FOLIO_EIO
 * (no message: absence is an answer, not a fault) when it is not a
 * regular file. */
int folio_cache_stat(int64_t *out_mtime_ns, uint64_t *out_size,
	const char *path);

#endif
