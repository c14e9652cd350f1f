/*
 * font_objects.h - PDF font dictionaries for folio's subsets, built with
 * libharu's object layer (src/pdf only).
 *
 * libharu 2.3.0 can embed TrueType only, through its own parser, and
 * walks all 65,536 code points of every font it loads. folio builds the
 * objects itself instead, for TrueType and CFF alike:
 *
 *   Type0 /Encoding <CMap stream: code point -> CID> /ToUnicode <identity>
 *     CIDFontType2 /CIDToGIDMap /Identity, FontFile2 (TrueType), or
 *     CIDFontType0, FontFile3 /Subtype /CIDFontType0C (bare CFF table)
 *     W: the advance of every CID drawn
 *
 * A character code is the code point (2 bytes, Basic Multilingual Plane),
 * as libharu's UTF-8 encoder writes it, so the text the page shows maps
 * back to Unicode through an identity ToUnicode map even when two code
 * points share a glyph; the Encoding CMap sends each code to the CID the
 * font program draws it with (folio_font_program.cids).
 *
 * The returned font works with HPDF_Page_SetFontAndSize and
 * HPDF_Page_TextOut on UTF-8 text of the code points it was built for;
 * its text widths are the W array's, so libharu's text position and a
 * viewer's agree. It lives in (and is freed with) the libharu document.
 * NULL on failure: libharu's error handler has the reason, or, when it
 * has none, memory ran out.
 */
#ifndef FOLIO_PDF_FONT_OBJECTS_H
#define FOLIO_PDF_FONT_OBJECTS_H

#include <stddef.h>
#include <stdint.h>

#include <hpdf.h>

#include "font/font.h"

/* cps[0..prog->n) sorted and distinct, all < 0x10000; ps_name the face's
 * PostScript name; `tag` six upper-case letters (the subset prefix). */
HPDF_Font folio_pdf_font_new(HPDF_Doc pdf, const folio_font_program *prog,
	const uint32_t *cps, const char *ps_name, const char *tag,
	int compress);

#endif
