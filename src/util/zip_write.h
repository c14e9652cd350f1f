/*
 * zip_write.h - a streaming ZIP writer of folio's own (zlib) for the
 * signed archive, whose memory does not depend on the number of
 * entries.
 *
 * libzip (zip.h, folio_zip_*) keeps a record, a name and a source per
 * entry until zip_close, about 500 bytes an entry: 200 MB at 400,000
 * entries. Here each entry is written when it is added: its local
 * header, its data (stored, or deflated as it is read), then the header
 * completed in place with the CRC-32 and sizes; its central record goes
 * to a temporary file beside the archive, appended at close with the end
 * records. Memory: the buffers and one deflate state (about 400 KB).
 *
 * The bytes are those libzip writes for the same entries in the same
 * order with folio_zip_* (checked by tests/unit/test_zip_write.c), and
 * what the strict reader of zip.h accepts:
 *   - version made by 6.3 on Unix, external attributes of a regular
 *     file 0644, no extra fields, no comment, no data descriptor;
 *   - the DOS time of `mtime` in UTC (folio_zip_dostime);
 *   - names flagged UTF-8 (bit 11) when they hold a non-ASCII byte;
 *   - deflate: raw zlib stream, level 9, memory level 9 (flag bit 1,
 *     "maximum compression"), version needed 2.0; stored: 1.0;
 *   - ZIP64 (version needed 4.5) where a value reaches zip64_at
 *     (0xFFFFFFFF unless a test lowers it): in the local header both
 *     sizes whenever the entry might need them, in the central record
 *     exactly the values that reach it (size, compressed size,
 *     offset), and the ZIP64 end record and locator when an entry, the
 *     directory's offset or size, or the count (65,535 or more) needs
 *     them.
 * Names are not checked for uniqueness (that would hold every name):
 * the caller adds each name once.
 *
 * Entries from a file are read once, in pieces; with a SHA-256 given,
 * the bytes are hashed as they are read and an entry whose bytes are not
 * those signed fails ("changed while being archived", FOLIO_EIO). After
 * any failure the writer refuses further calls; folio_zipw_free removes
 * the temporary files. Not thread-safe per handle.
 */
#ifndef FOLIO_UTIL_ZIP_WRITE_H
#define FOLIO_UTIL_ZIP_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/zip.h"

typedef struct folio_zipw folio_zipw;

/* Start an archive that becomes path at folio_zipw_close; mtime as in
 * folio_zip_create. */
int folio_zipw_create(folio_zipw **out, const char *path, int64_t mtime,
	folio_error *err);
/* Values at or above limit are written as ZIP64 (default 0xFFFFFFFF);
 * for tests of the ZIP64 layout without 4 GB of data. */
void folio_zipw_set_zip64_at(folio_zipw *w, uint64_t limit);
/* An entry holding data[0..len). FOLIO_ZIP_AUTO as in zip.h. */
int folio_zipw_add_mem(folio_zipw *w, const char *name, const void *data,
	size_t len, folio_zip_method method, folio_error *err);
/* An entry holding bytes [offset, offset + len) of the file at path,
 * read now; sha256 (or NULL) is what those bytes must hash to. */
int folio_zipw_add_file(folio_zipw *w, const char *name, const char *path,
	uint64_t offset, uint64_t len, const unsigned char *sha256,
	folio_zip_method method, folio_error *err);
/* Entries so far and bytes written so far. */
uint64_t folio_zipw_count(const folio_zipw *w);
/* Append the central directory and end records, sync, rename into
 * place. w is freed either way. */
int folio_zipw_close(folio_zipw *w, folio_error *err);
/* Discard an unclosed archive; NULL is fine. */
void folio_zipw_free(folio_zipw *w);

#endif
