/*
 * zip.h - ZIP: a deterministic writer (libzip, zip.c: EPUBs) and a
 * strict, bounded reader of its own (zip_read.c, zip_layout.c,
 * zip_stream.c; zlib). The signed archive, whose entries run to
 * hundreds of thousands, is written by the streaming writer of
 * zip_write.h instead (libzip holds every entry until it closes).
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
 * Reader (zip_read.c, zip_layout.c, zip_stream.c). libzip is not used
 * to read: it picks one of several end records, hides local headers,
 * and cannot say whether a deflate stream ends where the entry says. folio_zip_open_read
 * reads the raw bytes itself and accepts only a container with exactly
 * one reading, the one every extractor gets, whether it starts from the
 * central directory (unzip, Python, Java's ZipFile) or streams the local
 * headers from byte 0 (Java's ZipInputStream, bsdtar):
 *   - one end of central directory record, ending the file, with no
 *     comment (folio writes none: a comment can hide a second directory)
 *     and no other end record whose comment runs to the end of the file;
 *     a ZIP64 locator and record, when present, right before it and
 *     consistent with it; the central directory ends where they start;
 *   - exactly as many central records as the end record says, filling
 *     the central directory to its last byte; no file comments; disk 0;
 *   - every entry: a name of 1 to FOLIO_ZIP_MAX_NAME bytes with no NUL
 *     (non-ASCII names valid UTF-8 and flagged so, APPNOTE bit 11);
 *     stored or deflated; no encryption or other flags (bit 3, a data
 *     descriptor, only with deflate); version needed at most 4.5;
 *     external attributes of a plain file (MS-DOS or Unix host; no
 *     directory, symlink, device, FIFO, setuid, setgid or sticky bit);
 *     extra fields: none, or one ZIP64 field holding exactly the values
 *     its header marks as 0xFFFFFFFF (central) or both sizes (local);
 *   - at the entry's offset a local header equal to the central record
 *     (name, flags, method, time, CRC, sizes; a data descriptor, if any,
 *     equal too), and the local headers and data tile the file from
 *     byte 0 to the central directory: no gap, no overlap, no byte that
 *     belongs to no entry.
 * Reading an entry (in pieces to a callback, through a pull-style
 * stream, or whole into a buffer) inflates with zlib and checks that the
 * deflate stream ends exactly at the compressed size, that it gives
 * exactly the stated size (never inflating past it, so a bomb stops
 * there) and that the CRC matches. Entries over a caller's limit fail
 * with FOLIO_ELIMIT before anything is read. Memory: one record per
 * entry plus the names; reads are positioned (pread), so several
 * streams of one reader may be open at once.
 *
 * A refusal is FOLIO_EINPUT with the message "archive: entry: rule ..."
 * and, for folio_zip_open_read, a folio_zip_fault naming the entry (as
 * printable text), the offset and the rule; a file with no end record at
 * all is marked not_zip. FOLIO_EIO: the file cannot be opened or read,
 * or is not a regular file.
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
	const char *name;      /* as stored (no NUL inside); valid until
	                          the reader is freed */
	size_t name_len;
	uint64_t size;         /* uncompressed */
	uint64_t comp_size;
	uint64_t offset;       /* of the local header */
	uint32_t crc;
	uint16_t method;       /* 0 stored, 8 deflated */
	int stored;
	uint32_t mode;         /* Unix permission bits, 0 if none given */
} folio_zip_entry;

/* Where and why an archive was refused. */
typedef struct folio_zip_fault {
	char entry[4 * FOLIO_ZIP_MAX_NAME + 1];  /* printable; "" if none */
	uint64_t offset;       /* in the file */
	const char *rule;      /* "end-record", "zip64", "central-directory",
	                          "name", "flags", "method", "attributes",
	                          "extra-field", "local-header", "descriptor",
	                          "layout" */
	int not_zip;           /* no end record anywhere: not a ZIP */
} folio_zip_fault;

/* fault may be NULL. */
int folio_zip_open_read(folio_zip_reader **out, const char *path,
	folio_zip_fault *fault, folio_error *err);
size_t folio_zip_count(const folio_zip_reader *r);
/* Entry i (0-based, central directory order = file order). */
int folio_zip_stat(folio_zip_entry *out, folio_zip_reader *r, size_t i,
	folio_error *err);
/* Append the uncompressed bytes of entry i to out; entries larger than
 * limit fail with FOLIO_ELIMIT before anything is read. */
int folio_zip_read(folio_buf *out, folio_zip_reader *r, size_t i,
	size_t limit, folio_error *err);

/* Stream entry i in pieces: sink gets every piece in order and returns 0
 * to go on, or a negative FOLIO_E* code that stops the read and is
 * returned unchanged (the sink sets its own message). Memory does not
 * depend on the entry's size. */
typedef int (*folio_zip_sink)(void *ctx, const void *p, size_t n);
int folio_zip_read_cb(folio_zip_reader *r, size_t i, uint64_t limit,
	folio_zip_sink sink, void *ctx, folio_error *err);

/* Pull-style streaming of entry i (for readers that ask for bytes).
 * _read stores in *out how many bytes it put in buf (0 at the end, after
 * the CRC, the size and the end of the deflate stream were checked). */
typedef struct folio_zip_stream folio_zip_stream;
int folio_zip_stream_open(folio_zip_stream **out, folio_zip_reader *r,
	size_t i, uint64_t limit, folio_error *err);
int folio_zip_stream_read(size_t *out, folio_zip_stream *s, void *buf,
	size_t len, folio_error *err);
void folio_zip_stream_close(folio_zip_stream *s);
void folio_zip_reader_free(folio_zip_reader *r);

/* An entry name as printable UTF-8 for messages: control bytes and bytes
 * that are not UTF-8 become \xNN. */
void folio_zip_printable(char *out, size_t outsz, const char *name,
	size_t len);

#endif
