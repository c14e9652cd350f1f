/*
 * page.h - the output of layout: pages of positioned glyph runs.
 *
 * This is the whole contract between layout and the PDF writer: layout
 * decides every line break, position and font; the writer only draws.
 * Coordinates are in PostScript points (1/72 in) from the page's
 * bottom-left corner, as PDF uses; `y` is a baseline. Every string lives
 * in the layout's arena (the document's), freed with the document.
 *
 * A run is drawn with one face at one size in one colour; characters of
 * a run are placed at x, x + advance_0 + spacing, ... : the writer must
 * place each character at x_i = x + sum(advance_k * size + char_spacing)
 * for k < i, i.e. HPDF_Page_SetCharSpace(char_spacing) over the run
 * (justification spreads space over inter-character gaps this way). A run
 * with `positions` set gives every character's x explicitly instead
 * (used after punctuation compression), and char_spacing is ignored.
 */
#ifndef FOLIO_LAYOUT_PAGE_H
#define FOLIO_LAYOUT_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "font/font.h"
#include "model/doc.h"
#include "style/style.h"

typedef enum folio_run_kind {
	FOLIO_RUN_TITLE, FOLIO_RUN_SUBTITLE, FOLIO_RUN_HEADING,
	FOLIO_RUN_BODY, FOLIO_RUN_PAGE_NUMBER, FOLIO_RUN_HEADER,
	FOLIO_RUN_DOC_NUMBER, FOLIO_RUN_SIGNATURE, FOLIO_RUN_IMPRINT
} folio_run_kind;

typedef struct folio_run {
	const folio_face *face;
	double size;            /* points */
	folio_rgb color;
	double x, y;            /* start of first character, baseline */
	double char_spacing;    /* extra points after each character */
	const char *text;       /* UTF-8, NUL-terminated */
	size_t n_chars;         /* code points in text */
	const double *positions;/* NULL, or n_chars absolute x values */
	folio_run_kind kind;
	int line_index;         /* body line number on its page (0-based), -1 */
	double width;           /* layout extent from x to the end of the
	                           last character's box (points; added by
	                           layout, informative for the writer) */
} folio_run;

/* A straight line (red rule under the header, 版记 rules, table rules). */
typedef struct folio_rule {
	double x0, y0, x1, y1;
	double width;
	folio_rgb color;
} folio_rule;

/* An image (a figure of the model) drawn into a box: (x, y) is the
 * box's bottom-left corner, width x height its size in points, the
 * image's own proportions kept. The writer reads the file at
 * figure->path (format figure->format); layout only used its size. */
typedef struct folio_image {
	double x, y, width, height;
	const folio_figure *figure;
} folio_image;

/* A bookmark: heading text with its generated number, on `page`. */
typedef struct folio_outline_entry {
	int level;        /* 1 .. 4 */
	const char *title;
	size_t page;      /* 0-based */
	double y;         /* top of the heading line */
} folio_outline_entry;

/* Where a page begins in the source, for page lists (EPUB page-list,
 * search hits): the part of the document that holds the first character
 * printed on the page (furniture aside: 版头, page numbers), and that
 * character's offset. For source parts the offset is in code points into
 * the part's text (model text, NFC; a collapsed run of ASCII blanks
 * still counts every blank); generated text (heading numbers, 附件说明,
 * dates, page numbers, 版记) is never a source start. Generated parts
 * name the generated paragraph the page begins with; their offset counts
 * the printed paragraph's characters (0: the page begins with it). A
 * page with nothing but furniture has part NONE.
 *   TITLE       doc->meta.title
 *   BLOCK       `block`'s text: a PARA (paragraph, list item, article
 *               paragraph) or a SECTION's heading; `attachment` is the
 *               attachment holding it, NULL in the main body
 *   ATTACHMENT  `attachment`'s title
 *   CLOSING     the 落款 issuer (doc->closing.issuer, else meta.issuer)
 * generated:
 *   RECIPIENTS  the 主送 line
 *   ATTACHMENT_NOTE  the 附件说明 line naming `attachment`
 *   DATE        the 落款 date
 *   IMPRINT     the 版记 (a page holding only it)
 * `lead` is set when generated text is printed on the page above the
 * start, in the same flow (a heading's or list item's number on its
 * line, an attachment's 附件N label above its title): the page then
 * begins with that generated text, not at the start itself.
 * Pointers are into the document model. Filled by pagination. */
typedef enum folio_source_part {
	FOLIO_SOURCE_NONE, FOLIO_SOURCE_TITLE, FOLIO_SOURCE_BLOCK,
	FOLIO_SOURCE_ATTACHMENT, FOLIO_SOURCE_CLOSING,
	FOLIO_SOURCE_RECIPIENTS, FOLIO_SOURCE_ATTACHMENT_NOTE,
	FOLIO_SOURCE_DATE, FOLIO_SOURCE_IMPRINT
} folio_source_part;

typedef struct folio_page_start {
	folio_source_part part;
	const folio_block *block;
	const folio_attachment *attachment;
	size_t offset;          /* see above */
	int lead;               /* generated text above it on the page */
} folio_page_start;

typedef struct folio_page {
	double width, height;  /* points */
	folio_run *runs;
	size_t n_runs;
	folio_rule *rules;
	size_t n_rules;
	int number;            /* printed page number (1-based), 0 = none */
	folio_page_start start; /* where the page begins in the source */
	/* A square kept free for a QR code (style <qr>, last page only):
	 * bottom-left corner and side, quiet zone included; qr_size 0 =
	 * none. Nothing else on the page touches it. The PDF writer draws
	 * the code in it when it is given a URL. */
	double qr_x, qr_y, qr_size;
	folio_image *images;   /* drawn before the runs and rules */
	size_t n_images;
} folio_page;

/* Code points drawn with one face (sorted, distinct): subset these. */
typedef struct folio_face_usage {
	const folio_face *face;
	const uint32_t *cps;
	size_t n_cps;
} folio_face_usage;

/* A character no face of its chain has, drawn as .notdef (box mode):
 * one entry per distinct (code point, family), at its first occurrence,
 * so a document full of one missing character stays one entry. */
typedef struct folio_substitution {
	uint32_t cp;
	unsigned line, col;     /* of the first source block holding it */
	const char *family;     /* first family of the role's chain */
} folio_substitution;

typedef struct folio_layout {
	folio_page *pages;
	size_t n_pages;
	folio_outline_entry *outline;
	size_t n_outline;
	folio_face_usage *faces;       /* every face drawn with */
	size_t n_faces;
	folio_substitution *substitutions;
	size_t n_substitutions;
	size_t *substitution_counts;   /* NULL, or per substitution: how
	                                  many characters it drew */
} folio_layout;

#endif
