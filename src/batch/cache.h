/*
 * cache.h - what earlier runs built, so the next one can skip it.
 *
 * A cache file (out/<batch>/.cache for a whole-batch run, shards/K-of-N.cache
 * for a shard) is JSON lines: a header {"folio_cache": 2, "env": HEX}, then
 * one document object per line (the report's, report.h) for each document
 * whose outputs a run left in place. A document is up to date when an
 * entry for its source has the SHA-256 of the source's bytes, the file's
 * env (folio version, style and stylesheet bytes, font fingerprint,
 * SOURCE_DATE_EPOCH, manifest defaults) is the run's, its 档号 still
 * fits its place, both outputs are on disk with the size and
 * modification time recorded (a missing, truncated or replaced output is
 * rebuilt), and every image its figures show (the line's "figures") is
 * as recorded: the same stat stamp, or else the same SHA-256 (an image
 * changed, removed or, through a changed source, added is rebuilt). The entry also carries what the archive needs (pages, the
 * record's metadata), so a skipped document is never read again.
 *
 * Memory does not grow with the batch: opening indexes each line by a
 * 64-bit hash of its source in a util/keyindex.h index (in memory up to
 * a megabyte, past it sorted on disk beside the first cache file), and
 * a lookup reads the one line back; several files can be indexed at once
 * (a shard looks in every shard's cache and the whole-batch one, so
 * changing the shard count or going back to one machine rebuilds
 * nothing).
 *
 * Writing: a run appends one line per finished document to
 * <path>.journal, flushed as it goes (every 50 ms at most: a write per
 * document would serialise the workers on 100,000 skips), and renames
 * it over <path> at the end. A run killed outright leaves the journal; folio_cache_recover
 * folds it into <path> before the next run reads it, so work done before
 * the kill is kept.
 *
 * The cache is a hint, never trusted for the correctness of outputs
 * beyond the checks above: a missing, foreign or malformed file, a line
 * cut short, reads as no entry (a rebuild), never as an error.
 *
 * Limits: FOLIO_CACHE_MAX_FILES files are indexed (more are ignored),
 * FOLIO_CACHE_MAX_LINE bytes a line. Lookups are thread-safe; a writer
 * is used by one thread at a time (the batch engine calls it under the
 * pool's done-callback lock).
 */
#ifndef FOLIO_BATCH_CACHE_H
#define FOLIO_BATCH_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "batch/report.h"
#include "util/error.h"
#include "util/readwin.h"

#define FOLIO_CACHE_HEX 65           /* 64 hex digits and NUL */
#define FOLIO_CACHE_MAX_FILES 256
#define FOLIO_CACHE_MAX_LINE ((size_t)8 * 1024 * 1024)
#define FOLIO_CACHE_FLUSH_NS 50000000LL

typedef struct folio_cache folio_cache;

/* Index the cache files paths[0..n), earlier ones first when a source
 * has entries in several. Files that are missing or unreadable, not a
 * folio cache, or of another env are skipped. Fails for FOLIO_ENOMEM,
 * or FOLIO_EIO when an index past its budget cannot be written in the
 * first file's folder. */
int folio_cache_open(folio_cache **out, const char *const *paths, size_t n,
	const char *env, folio_error *err);
/* The same with the index's memory budget in bytes (0: the default;
 * tests make it small to see lookups on disk). */
int folio_cache_open_budget(folio_cache **out, const char *const *paths,
	size_t n, const char *env, size_t budget, folio_error *err);
/* The k-th entry (k = 0, 1, ...) for source into *out (release it with
 * folio_doc_result_clear): 1 when there is one, 0 when not. */
int folio_cache_find(const folio_cache *c, const char *source, size_t k,
	folio_doc_result *out);
/* folio_cache_find reading through w (util/readwin.h: entries are
 * mostly looked up in the order they were written), which one thread
 * at a time uses. */
int folio_cache_find_in(const folio_cache *c, folio_read_window *w,
	const char *source, size_t k, folio_doc_result *out);
/* Entries indexed. */
size_t folio_cache_entries(const folio_cache *c);
void folio_cache_free(folio_cache *c);

typedef struct folio_cache_writer folio_cache_writer;

/* Start the next version of the cache at path: <path>.journal with the
 * header for env. */
int folio_cache_writer_open(folio_cache_writer **out, const char *path,
	const char *env, folio_error *err);
/* One document's line (built or skipped documents; others are not
 * cached). Lines reach the file at least every FOLIO_CACHE_FLUSH_NS:
 * a run killed outright loses no more than that of its work. */
int folio_cache_writer_add(folio_cache_writer *w, const folio_doc_result *d,
	folio_error *err);
/* The same with the document's JSON already made (report.h; one line,
 * no newline). */
int folio_cache_writer_add_json(folio_cache_writer *w, const char *json,
	size_t len, folio_error *err);
/* fsync the journal and rename it over path. */
int folio_cache_writer_commit(folio_cache_writer *w, folio_error *err);
/* Remove the journal instead: path stays as it is (for a run whose
 * every document was up to date with an entry of path, which holds
 * nothing else; see folio_cache_is_only). No fsync, no rename of a
 * file as big as the batch's cache. */
int folio_cache_writer_discard(folio_cache_writer *w, folio_error *err);
/* 1 when c indexes the one file at path and it has n entries, so that
 * n documents each up to date with one of them leave nothing else. */
int folio_cache_is_only(const folio_cache *c, const char *path, size_t n);
/* Close; without a commit the journal stays for folio_cache_recover. */
void folio_cache_writer_free(folio_cache_writer *w);

/* Fold a journal left at <path>.journal into path (its lines first,
 * then path's lines for other sources when both have the same env) and
 * remove it. Nothing to do without a journal. */
int folio_cache_recover(const char *path, folio_error *err);

/* Modification time of a file in nanoseconds and its size; FOLIO_EIO
 * (no message: absence is an answer, not a fault) when it is not a
 * regular file. */
int folio_cache_stat(int64_t *out_mtime_ns, uint64_t *out_size,
	const char *path);

#endif
