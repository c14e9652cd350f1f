/*
 * style.h - a print style, as pure data (read by src/style/style_read.c
 * from styles/NAME.xml, schema schemas/style.rng).
 *
 * All lengths are PostScript points (1/72 in), converted from the mm/pt
 * given in the style file. Page geometry follows GB/T 9704-2012 in the
 * shipped gbt9704.xml: the text block (版心) is divided into `lines`
 * equal bands (line pitch = block_height / lines) and `chars` equal
 * cells (character pitch = block_width / chars). Text in 16 pt with a
 * 156/28 mm pitch is laid out on that pitch, not on its own em, so 28
 * full-width characters fill a line exactly.
 *
 * Vertical position on the grid (the same rule for every role that sits
 * on it): a line's em box (size points tall) is centred in its band and
 * the baseline lies 0.12 em above the em box's bottom (the ideographic em
 * box of CJK fonts: 0.88 em above, 0.12 em below the baseline). For the
 * gbt9704 body (16 pt, band 28.99 pt) the first baseline is therefore
 * 20.58 pt (7.26 mm) below the top of the text block, 57.26 mm from the
 * top of the page. folio_style_band_baseline() computes it.
 *
 * A style owns no memory of its own: strings point into the arena it was
 * read into (or into static storage for built-in values).
 */
#ifndef FOLIO_STYLE_STYLE_H
#define FOLIO_STYLE_STYLE_H

#include <stddef.h>

#define FOLIO_STYLE_MAX_CHAIN 8     /* families in one role's chain */
#define FOLIO_STYLE_MAX_LINES 200   /* grid lines per page */
#define FOLIO_STYLE_MAX_CHARS 200   /* grid characters per line */
#define FOLIO_MM_TO_PT (72.0 / 25.4)

typedef struct folio_rgb {
	double r, g, b; /* 0..1 */
} folio_rgb;

/* Font roles a style defines. */
typedef enum folio_role_id {
	FOLIO_ROLE_TITLE,        /* 标题, also attachment titles */
	FOLIO_ROLE_SUBTITLE,
	FOLIO_ROLE_BODY,         /* 正文, 主送, 落款, list items */
	FOLIO_ROLE_H1,           /* 一、 */
	FOLIO_ROLE_H2,           /* （一） */
	FOLIO_ROLE_H3,           /* 1. */
	FOLIO_ROLE_H4,           /* （1） */
	FOLIO_ROLE_PAGE_NUMBER,  /* — N — */
	FOLIO_ROLE_HEADER,       /* 发文机关标志 (red header) */
	FOLIO_ROLE_DOC_NUMBER,   /* 文号 */
	FOLIO_ROLE_IMPRINT,      /* 版记: 抄送, 印发 */
	FOLIO_ROLE_LABEL,        /* "附件" label on attachment pages */
	FOLIO_ROLE_COUNT
} folio_role_id;

typedef struct folio_style_role {
	const char *families[FOLIO_STYLE_MAX_CHAIN]; /* chain, first wins */
	size_t n_families;
	double size;        /* points */
	folio_rgb color;
	int defined;        /* 0: not in the file (roles fall back to body) */
} folio_style_role;

/* Side of the page's QR code: AUTO is the side the page number is
 * not on (right when there is none). */
typedef enum folio_qr_side {
	FOLIO_QR_AUTO, FOLIO_QR_LEFT, FOLIO_QR_RIGHT
} folio_qr_side;

typedef enum folio_align {
	FOLIO_ALIGN_JUSTIFY, FOLIO_ALIGN_LEFT, FOLIO_ALIGN_CENTER,
	FOLIO_ALIGN_RIGHT
} folio_align;

typedef struct folio_style {
	const char *name;
	const char *path;             /* file it was read from */

	double page_width, page_height;
	double margin_top, margin_left; /* top-left corner of the text block */
	double block_width, block_height;
	int lines, chars;             /* grid */

	folio_style_role roles[FOLIO_ROLE_COUNT];

	double indent_chars;          /* first-line indent of paragraphs */
	/* Compress adjacent full-width marks to 1.5 em (clreq). Off: each
	 * keeps its em (no overlapping glyph boxes, which poppler's text
	 * extraction splits into separate lines); line-end marks still
	 * shrink into the margin. */
	int pair_compression;
	/* A quarter-em gap between Han and digits (Latin letters always
	 * get one). GB/T 9704 sets dates and numbers without it. */
	int digit_gap;
	/* Characters that stay on the line of the number before them
	 * (号 年 月 日 条 款 项 ... %), UTF-8: "〔2018〕2号" never breaks
	 * between 2 and 号. */
	const char *counters;
	int title_balanced;           /* split the title into even lines */
	int title_space_after;        /* blank grid lines after the title */

	/* Heading number format per level 1..4: "{cn}" is the Chinese
	 * numeral, "{n}" the Arabic one ("{cn}、", "（{cn}）", "{n}.",
	 * "（{n}）"). Documents numbered in chapters use 第N章/第N节. */
	const char *heading_format[4];
	double heading_indent_chars;  /* indent of heading lines */
	const char *list_format;      /* ordered list items, e.g. "{n}." */

	/* Page numbers: format with "{n}", e.g. "— {n} —". */
	int page_number;              /* on/off */
	const char *page_number_format;
	double page_number_below;     /* text block bottom -> em box top */
	double page_number_inset_em;  /* odd: right, even: left, in em */

	/* Red header (版头): 发文机关标志 text ("{issuer}" is replaced),
	 * its em box top `header_top` below the text block top, 文号 two
	 * lines below it, red rule `rule_below` under the 文号's em box. */
	int red_header;
	const char *header_text;
	double header_top;
	double rule_below;
	double rule_width;
	folio_rgb rule_color;

	/* 落款 (GB/T 9704 7.3.5). Unsealed (7.3.5.2): the issuer ends
	 * `closing_inset_chars` (2) characters in from the right edge, the
	 * date starts two characters right of the issuer's first character,
	 * or, when that would push it past the issuer's right edge, ends
	 * there and the issuer moves left to keep the two characters.
	 * Sealed (7.3.5.1): the date ends `closing_inset_chars` (4) in, the
	 * issuer is centred over it. */
	double closing_inset_chars;
	int closing_sealed;

	/* 版记 at the foot of the last page. */
	int imprint;
	double imprint_thick, imprint_thin; /* rule widths */

	/* QR code of the document's page on the site, in the bottom
	 * margin of the last page (under the 版记): a square of qr_size
	 * points, its quiet zone included, its top qr_below under the
	 * text block. Layout keeps the square (folio_page.qr_*); the PDF
	 * writer draws the code when it is given the URL. */
	int qr;
	double qr_size, qr_below;
	folio_qr_side qr_side;
} folio_style;

/* Band geometry: pitch in points, and the distance from the text block
 * top to the baseline of a `size`-point line in band k (0-based). */
double folio_style_line_pitch(const folio_style *s);
double folio_style_char_pitch(const folio_style *s);
double folio_style_band_baseline(const folio_style *s, int k, double size);

#endif
