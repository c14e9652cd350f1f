/*
 * deflate.h - zlib-format (RFC 1950) compression for PDF FlateDecode
 * streams, the libdeflate adapter.
 *
 * One call compresses a whole buffer held in memory: every stream the PDF
 * writer compresses (page contents, CMaps, font programs) is complete
 * before it is written, so nothing streams. libdeflate spends about a
 * third of zlib's instructions at the same level for output a little
 * smaller (see BENCHMARKS.md, "Writer speed"). The level is the caller's,
 * per kind of stream: FOLIO_DEFLATE_* below, chosen by measurement.
 *
 * Thread-safe: each call has its own compressor. Output is a function of
 * the input and the level alone (reproducible builds).
 * Errors: FOLIO_ENOMEM, FOLIO_ELIMIT (out's limit), FOLIO_EUSAGE (level
 * outside 1..12).
 */
#ifndef FOLIO_UTIL_DEFLATE_H
#define FOLIO_UTIL_DEFLATE_H

#include <stddef.h>

#include "util/buf.h"
#include "util/error.h"

/* Font programs: CFF charstrings and glyf outlines barely compress
 * (79-81 % and 70 %); higher levels save under 1 % for twice the work. */
#define FOLIO_DEFLATE_FONT 1
/* Page content streams and CMaps: text operators, which compress to
 * 20-30 % at any level. Level 6 made them 8-10 % smaller than level 1,
 * which is 0.44 % of a batch's PDF bytes, for 4 % of the batch's
 * instructions (30 documents of make bench: 1,288 M against 1,237 M,
 * 4,554,795 against 4,574,624 bytes). */
#define FOLIO_DEFLATE_TEXT 1

/* Append the zlib stream of data[0..len) at level to out. */
int folio_deflate(folio_buf *out, const void *data, size_t len, int level,
	folio_error *err);

#endif
