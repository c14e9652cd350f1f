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
 * reads one entry into a buffer, or streams it in pieces to a callback or
 * through a folio_zip_stream, failing with FOLIO_ELIMIT past a caller's
 * limit (a hostile archive cannot make us inflate a bomb); the CRC and
 * the stated size are checked when an entry ends. Besides libzip's view,
 * the reader walks the central directory and every local header itself
 * (bounded: fixed records, APPNOTE 4.3.7, 4.3.12, 4.3.14-16) to report
 * what libzip hides: the raw length of each name and where a NUL in it
 * falls (libzip turns it into a space) and the extra fields of each
 * header.
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
/* Add an entry streamed from bytes [offset, offset + len) of the file
 * at path (read when closing); len may be 0. */
int folio_zip_add_file_part(folio_zip *z, const char *name,
	const char *path, uint64_t offset, uint64_t len,
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
	/* The name as stored in the central directory (name_len bytes and
	 * a NUL; valid until the reader is freed) and how many of its bytes
	 * come before its first NUL (name_len if none). `name` is libzip's
	 * view: a NUL shown as a space, an Info-ZIP Unicode path extra
	 * field (0x7075) used instead of the stored name. */
	const char *stored_name;
	size_t name_len, name_clen;
	/* Bytes of extra fields other than a ZIP64 one (0x0001) in the
	 * local header and in the central directory; a malformed extra
	 * block counts whole. */
	uint32_t extra_local, extra_central;
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

/* Stream entry i in pieces: sink gets every piece in order and returns 0
 * to go on, or a negative FOLIO_E* code that stops the read and is
 * returned unchanged (the sink sets its own message). Memory does not
 * depend on the entry's size. Entries over limit fail with FOLIO_ELIMIT
 * before anything is inflated past it. */
typedef int (*folio_zip_sink)(void *ctx, const void *p, size_t n);
int folio_zip_read_cb(folio_zip_reader *r, size_t i, uint64_t limit,
	folio_zip_sink sink, void *ctx, folio_error *err);

/* Pull-style streaming of entry i (for readers that ask for bytes, like
 * xmlsec's IO callbacks). _read stores in *out how many bytes it put in
 * buf (0 at the end, after the CRC and size were checked). Several
 * streams of one reader may be open at once; close each (NULL is ok). */
typedef struct folio_zip_stream folio_zip_stream;
int folio_zip_stream_open(folio_zip_stream **out, folio_zip_reader *r,
	size_t i, uint64_t limit, folio_error *err);
int folio_zip_stream_read(size_t *out, folio_zip_stream *s, void *buf,
	size_t len, folio_error *err);
void folio_zip_stream_close(folio_zip_stream *s);
void folio_zip_reader_free(folio_zip_reader *r);

#endif
