/*
 * zip.h - the libzip adapter: deterministic ZIP writer, bounded reader.
 *
 * Writer. folio_zip_create reserves a temporary sibling of the final path
 * (util/file.h); entries are written in the order they are added;
 * folio_zip_close writes the archive and renames it over the final name,
 * folio_zip_free without close removes everything. Every entry gets:
 *   - the DOS time of `mtime` computed in UTC (never local time, so the
 *     bytes do not depend on TZ); times before 1980 are clamped to
 *     1980-01-01 00:00:00, times after 2107 to the last DOS time;
 *   - external attributes of a Unix regular file, mode 0644;
 *   - no extra fields (local and central);
 *   - its name flagged UTF-8.
 * The method FOLIO_ZIP_AUTO stores the first entry (an EPUB or ASiC
 * `mimetype`) and deflates the others. Data added from memory is copied;
 * files added by path are streamed at close time, so they must stay in
 * place until then. ZIP64 is written by libzip when needed.
 *
 * Reader. folio_zip_open_read lists entries in central-directory order and
 * reads one entry into a buffer, failing with FOLIO_ELIMIT past a caller's
 * limit (a hostile archive cannot make us inflate a bomb).
 *
 * Errors: libzip's zip_error_t becomes a folio_error naming the archive
 * and, where known, the entry. Not thread-safe per handle; separate
 * handles may be used by separate threads.
 */
#ifndef FOLIO_UTIL_ZIP_H
#define FOLIO_UTIL_ZIP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "util/buf.h"
#include "util/error.h"

/* Maximum entries in an archive we write or read. */
#define FOLIO_ZIP_MAX_ENTRIES 1000000u
/* Longest entry name accepted. */
#define FOLIO_ZIP_MAX_NAME 1024u

typedef enum folio_zip_method {
	FOLIO_ZIP_AUTO,     /* first entry stored, the others deflated */
	FOLIO_ZIP_STORE,
	FOLIO_ZIP_DEFLATE
} folio_zip_method;

typedef struct folio_zip folio_zip;

/* Start an archive that will be named path once folio_zip_close succeeds.
 * mtime is the time stamped on every entry (seconds since the epoch). */
int folio_zip_create(folio_zip **out, const char *path, int64_t mtime,
	folio_error *err);
/* Add an entry with a copy of data[0..len). */
int folio_zip_add_mem(folio_zip *z, const char *name, const void *data,
	size_t len, folio_zip_method method, folio_error *err);
/* Add an entry streamed from the file at path (read when closing). */
int folio_zip_add_file(folio_zip *z, const char *name, const char *path,
	folio_zip_method method, folio_error *err);
/* Write the archive and rename it into place. z is freed either way. */
int folio_zip_close(folio_zip *z, folio_error *err);
/* Discard an unclosed archive (removes the temporary file); NULL is ok. */
void folio_zip_free(folio_zip *z);

/* DOS date and time (UTC) of t, clamped to the DOS range. */
void folio_zip_dostime(uint16_t *out_time, uint16_t *out_date, int64_t t);

/* Reader. */
typedef struct folio_zip_reader folio_zip_reader;

typedef struct folio_zip_entry {
	const char *name;      /* valid until the reader is freed */
	uint64_t size;         /* uncompressed */
	uint64_t comp_size;
	int stored;            /* 1: method 0 (stored), 0: other */
	uint16_t method;       /* raw compression method */
} folio_zip_entry;

int folio_zip_open_read(folio_zip_reader **out, const char *path,
	folio_error *err);
size_t folio_zip_count(const folio_zip_reader *r);
/* Entry i (0-based, central directory order). */
int folio_zip_stat(folio_zip_entry *out, folio_zip_reader *r, size_t i,
	folio_error *err);
/* Append the uncompressed bytes of entry i to out; entries larger than
 * limit fail with FOLIO_ELIMIT before anything is inflated past it. */
int folio_zip_read(folio_buf *out, folio_zip_reader *r, size_t i,
	size_t limit, folio_error *err);
void folio_zip_reader_free(folio_zip_reader *r);

#endif
