/*
 * layout.h - lay a document out into pages (see page.h for the output).
 *
 * Entry point for the PDF writer and the CLI:
 *
 *   folio_layout lay;
 *   folio_layout_options opts = { FOLIO_MISSING_GLYPH_ERROR };
 *   rc = folio_layout_document(&lay, doc, style, fs, opts, &err);
 *
 * Pure computation: no file I/O, no libharu. Everything the result points
 * to (pages, runs, strings, positions, outline, code point sets,
 * substitutions) is allocated in doc->arena and lives until
 * folio_doc_free(doc). `fs` must outlive the result too (runs point to
 * its faces). Thread-safe for distinct documents sharing one read-only
 * fontset and style.
 *
 * What it does: heading numbers from the style (一、 （一） 1. （1）),
 * title in balanced centred lines, 主送, body paragraphs indented and
 * justified to the measure, 落款, attachments on new pages, optional red
 * header and 版记, page numbers, and line breaking after ICU (locale zh)
 * with the clreq basic rules (see linebreak.h), pagination on the style's
 * grid with headings kept with the next line and no widow/orphan lines.
 *
 * Errors:
 *   FOLIO_EFONT  a character no face of its role's chain has (mode
 *                FOLIO_MISSING_GLYPH_ERROR): "file:line:col: no font in
 *                the 仿宋 chain has U+XXXX 'c'", line/col of the block; a
 *                role whose chain resolves to no face.
 *   FOLIO_ENOMEM / FOLIO_ELIMIT  arena exhausted.
 *   FOLIO_ELIB   ICU failed.
 * On error *out is zeroed; partial allocations stay in the arena.
 */
#ifndef FOLIO_LAYOUT_LAYOUT_H
#define FOLIO_LAYOUT_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "font/font.h"
#include "layout/page.h"
#include "style/style.h"
#include "model/doc.h"
#include "util/error.h"

typedef enum folio_missing_glyph {
	FOLIO_MISSING_GLYPH_ERROR = 0, /* default: fail with FOLIO_EFONT */
	FOLIO_MISSING_GLYPH_BOX        /* draw .notdef of the chain's last
	                                  face, record a substitution */
} folio_missing_glyph;

typedef struct folio_layout_options {
	folio_missing_glyph missing_glyph;
} folio_layout_options;

int folio_layout_document(folio_layout *out, const folio_doc *doc,
	const folio_style *style, const folio_fontset *fs,
	folio_layout_options opts, folio_error *err);

/* Sorted, distinct code points drawn with `face` anywhere in the layout
 * (page numbers and generated heading numbers included), for subsetting.
 * *out is NULL and *out_n 0 for a face the layout does not use. */
void folio_layout_used_codepoints(const uint32_t **out, size_t *out_n,
	const folio_layout *lay, const folio_face *face);

#endif
