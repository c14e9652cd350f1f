/*
 * streams.h - PDF streams deflated by folio, not by libharu (src/pdf
 * only).
 *
 * libharu deflates every stream of a document at zlib's default level
 * when compression is on. The writer turns that off and compresses each
 * stream itself, at the level its kind calls for (util/deflate.h), with
 * libdeflate. The stream dictionary then says /Filter /FlateDecode
 * through its write_fn, since libharu drops a /Filter it did not apply.
 */
#ifndef FOLIO_PDF_STREAMS_H
#define FOLIO_PDF_STREAMS_H

#include <stddef.h>

#include <hpdf.h>

/* Write data[0..len), deflated at level, as the data of stream
 * dictionary d (empty, with no write_fn of its own). The bytes are kept
 * outside libharu's memory streams, behind a reader stream that
 * replaces d's and is freed with the document; nothing may be written
 * to d's stream afterwards. HPDF_OK, or HPDF_FAILD_TO_ALLOC_MEM /
 * HPDF_ZLIB_ERROR / HPDF_INVALID_OBJECT. */
HPDF_STATUS folio_pdf_put_deflated(HPDF_Dict d, const void *data, size_t len,
	int level);

/* Replace the content stream libharu drew for page by its deflated
 * bytes at level. Same returns. */
HPDF_STATUS folio_pdf_deflate_contents(HPDF_Page page, int level);

#endif
