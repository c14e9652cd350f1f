/*
 * font.h - fonts: the role map, loaded faces, coverage, metrics, subsets.
 *
 * The HarfBuzz adapter. fonts/fonts.xml (schema schemas/fonts.rng) maps
 * family names used by styles (仿宋, 宋体, 黑体, 楷体, 小标宋 ...) to an
 * ordered list of font files. A bare file name is looked up first in the
 * project's fonts/ folder (a site's licensed fonts win), then in the
 * system font folders; absolute paths are taken as they are; files that do
 * not exist are skipped (a site font is optional), but a family with no
 * usable file is an error when a style asks for it. ".ttc" entries take an
 * index ("wqy-zenhei.ttc#0").
 *
 * Each file is loaded once per process (folio_fontset_load) and then only
 * read: a fontset is shared read-only by all batch workers. Faces whose
 * OS/2 fsType forbids embedding (restricted 0x0002, bitmap-only 0x0200)
 * are refused at load with a message naming the file. CFF-outline fonts
 * are refused too (libharu cannot embed them).
 *
 * Metrics are in em (advance / unitsPerEm), so callers multiply by the
 * point size.
 */
#ifndef FOLIO_FONT_FONT_H
#define FOLIO_FONT_FONT_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/error.h"

typedef struct folio_fontset folio_fontset;
typedef struct folio_face folio_face;

/* Load the map at fonts_xml (NULL: fonts/fonts.xml via folio_data_path)
 * and every existing file it names. */
int folio_fontset_load(folio_fontset **out, const char *fonts_xml,
	folio_error *err);
void folio_fontset_free(folio_fontset *fs);

/* Resolve a chain of family names (a style role's font chain, first
 * preferred) into the ordered faces of those families. *out points into
 * fs (valid while fs lives) via a caller array of capacity max. */
int folio_fontset_chain(const folio_face **out, size_t max, size_t *out_n,
	const folio_fontset *fs, const char *const *families, size_t n_families,
	folio_error *err);

/* First face of chain[0..n) that has a glyph for cp, or NULL. */
const folio_face *folio_font_pick(const folio_face *const *chain, size_t n,
	uint32_t cp);

/* Whether any face loaded in fs has a glyph for cp (for `folio check`). */
int folio_fontset_covers(const folio_fontset *fs, uint32_t cp);

int folio_face_has_glyph(const folio_face *face, uint32_t cp);
/* Horizontal advance of cp in em (0 if no glyph). */
double folio_face_advance(const folio_face *face, uint32_t cp);
/* Typographic ascender and descender in em (descender is negative). */
double folio_face_ascender(const folio_face *face);
double folio_face_descender(const folio_face *face);
/* PostScript name (unique per face, used as the PDF font key), path and
 * index of the file it came from. */
const char *folio_face_name(const folio_face *face);
const char *folio_face_path(const folio_face *face);
unsigned folio_face_index(const folio_face *face);

/* A true subset of face holding exactly the glyphs of cps[0..n) (plus
 * .notdef), with only the tables a PDF or EPUB embedding needs (cmap,
 * glyf, loca, head, hhea, hmtx, maxp, post, name, OS/2; cvt/fpgm/prep are
 * dropped along with hinting), as a TrueType file appended to out. */
int folio_face_subset(folio_buf *out, const folio_face *face,
	const uint32_t *cps, size_t n, folio_error *err);

#endif
