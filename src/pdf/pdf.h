/*
 * pdf.h - draw a laid-out page list into a print-ready PDF (libharu).
 *
 * This is the only module that calls libharu. It makes no layout
 * decisions: every run is drawn where src/layout/ put it, in the face it
 * chose. What it adds is what only a PDF needs:
 *   - for every face used, a true HarfBuzz subset holding exactly the code
 *     points drawn with it (page numbers and generated heading numbers
 *     included, since they are runs like any other), embedded as a CID
 *     TrueType font with a Unicode map, so text can be copied and
 *     searched (libharu's own ToUnicode stream is malformed and is
 *     replaced by a bfrange map of exactly those code points);
 *   - characters the layout reports as substitutions (missing-glyph
 *     mode "box") are drawn with the face's .notdef glyph and keep their
 *     code point in the text; any other character without a glyph is an
 *     error, never a silent blank;
 *   - bookmarks for the layout's outline entries, nested by level (a
 *     skipped level hangs under the nearest shallower entry), shown when
 *     the file opens;
 *   - document information in Chinese: title, author (the issuer),
 *     subject (category, else subtitle), keywords, creator "folio",
 *     creation and modification dates;
 *   - the layout's images: each file read once (figure->path, at most
 *     FOLIO_MAX_IMAGE_BYTES) and embedded once however often it is drawn,
 *     JPEG as its DCT stream, PNG decoded by libpng to 8-bit gray or RGB
 *     with a soft mask for transparency (images.c, png_decode.c);
 *   - compression, and one libharu document per PDF (a font loaded into
 *     two documents, or twice into one, is unreliable in libharu 2.3.0).
 *
 * Ownership: nothing passed in is kept after the call returns.
 *
 * Errors: 0, or a negative FOLIO_E* code with err set:
 *   FOLIO_EFONT   a run holds a character its face has no glyph for (the
 *                 writer never draws a silent blank), a character outside
 *                 the Basic Multilingual Plane (libharu's UTF-8 encoding is
 *                 16-bit), or two faces with one PostScript name;
 *   FOLIO_ELIMIT  more pages, runs or characters than the limits below;
 *   FOLIO_ELIB    libharu refused something: the message carries its
 *                 error code in hex and its detail number;
 *   FOLIO_EIO     the output could not be written or renamed, or an
 *                 image file could not be read;
 *   FOLIO_EINPUT  an image file is no longer the PNG or JPEG the reader
 *                 found, or libpng refuses it (the message names its src);
 *   FOLIO_EUSAGE  an empty layout or a NULL argument.
 * On failure no file exists under `path` (nor a temporary one); a file
 * already there is left untouched. Output is written to a temporary
 * sibling and renamed.
 *
 * Reproducibility: with a fixed date (SOURCE_DATE_EPOCH), identical
 * input gives a byte-identical file; libharu writes no time-based /ID
 * outside encryption and PDF/A mode, neither of which is used.
 *
 * Thread safety: independent calls may run in parallel (each builds its
 * own libharu document); faces are only read.
 */
#ifndef FOLIO_PDF_PDF_H
#define FOLIO_PDF_PDF_H

#include <stddef.h>
#include <stdint.h>

#include "layout/page.h"
#include "model/doc.h"
#include "util/error.h"

#define FOLIO_PDF_MAX_PAGES 10000
#define FOLIO_PDF_MAX_FACES 64
#define FOLIO_PDF_MAX_RUN_CHARS 100000
#define FOLIO_PDF_MAX_CHARS ((size_t)8 * 1024 * 1024) /* whole layout */

/* Time spent per stage of one write, in nanoseconds, and the result. */
typedef struct folio_pdf_stats {
	long long subset_ns;   /* collecting code points, HarfBuzz subsets */
	long long build_ns;    /* libharu: fonts, pages, outline, info */
	long long save_ns;     /* libharu serialisation, fsync, rename */
	size_t bytes;          /* size of the PDF written */
	size_t font_bytes;     /* sum of the subset font files embedded */
	size_t n_fonts;
} folio_pdf_stats;

typedef struct folio_pdf_options {
	/* Creation and modification date, seconds since 1970-01-01 UTC,
	 * used when has_epoch is set; otherwise the document's date
	 * (meta.date, 00:00:00 UTC). */
	int has_epoch;
	long long epoch;
	/* 0: compress every stream (default); 1: leave streams plain (for
	 * debugging the drawing operators). */
	int uncompressed;
	/* When not NULL, filled in on success. */
	folio_pdf_stats *stats;
	/* The document's page on the site, or NULL: drawn as a QR code
	 * (ECC level M, black squares on the white page, four modules of
	 * quiet zone) in the square layout kept for it (folio_page.qr_*,
	 * style <qr>); nothing is drawn without a URL or a square. A URL
	 * whose modules would come out smaller than FOLIO_PDF_QR_MIN_MODULE
	 * points (too long for the square to scan) is FOLIO_EUSAGE. */
	const char *qr_url;
} folio_pdf_options;

/* 0.25 mm: the smallest module print shops and phone cameras handle. */
#define FOLIO_PDF_QR_MIN_MODULE (0.25 * 72.0 / 25.4)

/* Defaults, with has_epoch/epoch taken from SOURCE_DATE_EPOCH when it is
 * set to a plain non-negative decimal number. Returns FOLIO_EUSAGE (with
 * a message) when SOURCE_DATE_EPOCH is set but malformed. */
int folio_pdf_options_init(folio_pdf_options *out, folio_error *err);

/* Write layout (with doc's metadata) to path. opts may be NULL
 * (defaults, without reading the environment). doc may be NULL (no
 * document information; dates from opts only). */
int folio_pdf_write(const char *path, const folio_layout *layout,
	const folio_doc *doc, const folio_pdf_options *opts,
	folio_error *err);

#endif
