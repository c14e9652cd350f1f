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
 * index ("wqy-zenhei.ttc#0"). The system font folders are searched
 * recursively (/usr/share/fonts, /usr/local/share/fonts,
 * ~/.local/share/fonts, ~/.fonts); a relative path with a slash is taken
 * relative to the folder of fonts.xml. The root may name a fallback
 * family (<fonts fallback="后备">): folio_fontset_chain appends its faces
 * to every chain, so rare characters still find a glyph.
 *
 * Limits: fonts.xml <= 1 MiB, <= 64 families, <= 16 files per family,
 * <= FOLIO_FONT_MAX_FACES distinct faces, font files <= 256 MiB
 * (FOLIO_ELIMIT past them).
 *
 * Each file is mapped once per fontset (folio_fontset_load; a file named
 * by several families is one face) and then only read: a fontset is shared read-only by all batch workers. Faces whose
 * OS/2 fsType forbids embedding (restricted 0x0002, bitmap-only 0x0200)
 * are refused at load with a message naming the file, and so are faces
 * that forbid subsetting (0x0100). Faces have TrueType (glyf) or CFF
 * ('CFF ', CID-keyed or name-keyed) outlines; CFF2 (variable) fonts are
 * refused with a message saying so. Errors at load:
 * FOLIO_EINPUT (fonts.xml malformed or not schema-valid, message
 * file:line:col), FOLIO_EFONT (a named file is not a usable font),
 * FOLIO_EIO, FOLIO_ELIMIT, FOLIO_ENOMEM.
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

/* Distinct faces one fontset can hold: a chain array of this capacity
 * never fails with FOLIO_ELIMIT. */
#define FOLIO_FONT_MAX_FACES 64

typedef struct folio_fontset folio_fontset;
typedef struct folio_face folio_face;

typedef enum folio_outlines {
	FOLIO_OUTLINES_TRUETYPE,  /* 'glyf' */
	FOLIO_OUTLINES_CFF        /* 'CFF ' (OpenType with PostScript outlines) */
} folio_outlines;

/* Load the map at fonts_xml (NULL: fonts/fonts.xml via folio_data_path)
 * and every existing file it names. */
int folio_fontset_load(folio_fontset **out, const char *fonts_xml,
	folio_error *err);
void folio_fontset_free(folio_fontset *fs);

/* Resolve a chain of family names (a style role's font chain, first
 * preferred) into the ordered faces of those families, then the fallback
 * family's faces; a face already in the chain is not repeated. out is a
 * caller array of capacity max whose pointers stay valid while fs lives.
 * Errors: FOLIO_EFONT for a family not in the map or with no usable file
 * (the message names the family and the files looked for; a fallback
 * family with no file is skipped), FOLIO_ELIMIT when max is too small. */
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
/* Vertical extent of cp's ink (its glyph's bounding box) in em above
 * the baseline: *top and *bottom; 0 (and both 0) when the face has no
 * such glyph or it draws nothing. */
int folio_face_ink(const folio_face *face, uint32_t cp, double *top,
	double *bottom);
/* Typographic ascender and descender in em (descender is negative). */
double folio_face_ascender(const folio_face *face);
double folio_face_descender(const folio_face *face);
/* PostScript name (unique per face, used as the PDF font key), path and
 * index of the file it came from. */
const char *folio_face_name(const folio_face *face);
const char *folio_face_path(const folio_face *face);
unsigned folio_face_index(const folio_face *face);
folio_outlines folio_face_outlines(const folio_face *face);

/* A true subset of face holding exactly the glyphs of cps[0..n) (plus
 * .notdef and any composite-glyph components), with only the tables an
 * embedding needs (cmap, head, hhea, hmtx, maxp, post, name, OS/2 and the
 * outlines: glyf + loca, or CFF), no hinting, as an OpenType file
 * appended to out (TrueType or CFF-flavoured, like the face). Glyph ids
 * are renumbered; the cmap maps each code point of cps that the face has
 * (others are left out: check coverage first). The PostScript name is
 * kept, so it equals folio_face_name. Thread-safe on a shared face.
 * Errors: FOLIO_ELIB (HarfBuzz failed), FOLIO_ELIMIT (out's limit),
 * FOLIO_ENOMEM. */
int folio_face_subset(folio_buf *out, const folio_face *face,
	const uint32_t *cps, size_t n, folio_error *err);

/* A subset as a PDF embeds it, with what a PDF font dictionary says of
 * it. `program` is the whole TrueType file (FontFile2) or the bare CFF
 * table (FontFile3 /Subtype /CIDFontType0C). `cids[i]` is the CID that
 * draws cps[i]: the subset's glyph id for TrueType (with an identity
 * CIDToGIDMap) and for name-keyed CFF (whose CIDs are glyph ids, PDF
 * 32000 9.7.4.2), the CID its charset gives for CID-keyed CFF; 0 when
 * the face lacks cps[i] (.notdef). Metrics are in 1/1000 em; `widths[i]`
 * is cps[i]'s advance rounded to an integer (1000 for .notdef), the
 * value the PDF's W array and the writer's text positions both use. Free with
 * folio_font_program_free (zeroed struct: no-op).
 * Thread-safe on a shared face; each face keeps the programs of up to
 * 64 sets of at most 16 code points (page numbers recur in nearly every
 * document) and gives copies of them again. A CID-keyed CFF program is
 * assembled from charstrings flattened once per face and process (at
 * most 64 MiB of them over all faces; past that they are flattened per
 * call): the same cps give the same bytes whatever was cached.
 * Errors: as folio_face_subset, and FOLIO_ELIB for a CFF table the
 * subsetter produced that cannot be read back. */
typedef struct folio_font_program {
	folio_buf program;
	folio_outlines outlines;
	int cid_keyed;            /* CFF with a ROS operator */
	uint16_t *cids;           /* n entries */
	int *widths;              /* n entries, 1/1000 em */
	size_t n;
	int bbox[4];              /* xMin yMin xMax yMax */
	int ascent, descent, cap_height;
	double italic_angle;      /* degrees */
	int fixed_pitch;
} folio_font_program;

int folio_face_pdf_program(folio_font_program *out, const folio_face *face,
	const uint32_t *cps, size_t n, folio_error *err);
void folio_font_program_free(folio_font_program *p);

/* Append one line per loaded face ("path#index size mtime_ns name"), in
 * load order, then one per family with its faces and the fallback family:
 * a cheap fingerprint of the fonts in use, for the batch cache (a changed
 * font file, or a changed fonts.xml mapping, changes it). */
int folio_fontset_describe(folio_buf *out, const folio_fontset *fs,
	folio_error *err);

#endif
