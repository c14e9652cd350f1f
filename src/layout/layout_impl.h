/*
 * layout_impl.h - what the passes of src/layout/ share (private).
 *
 * The layout runs in passes over one context: blocks.c turns the model
 * into paragraphs, paragraphs.c gives every character its face and
 * advance and breaks paragraphs into lines (breaker.c), paginate.c puts
 * lines into the grid's bands, runs.c turns lines into positioned runs,
 * title_words.c says where a title may break,
 * table.c and figure.c put tables and images on the grid,
 * furniture.c adds the red header, page numbers and 版记, and layout.c
 * drives them and assembles the result (page.h). Helpers are named
 * without a prefix: nothing here leaves src/layout/.
 */
#ifndef FOLIO_LAYOUT_IMPL_H
#define FOLIO_LAYOUT_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "layout/breaker.h"
#include "layout/layout.h"
#include "layout/linebreak.h"

#define MAX_CHAIN 32
#define MAX_FACES 64
#define MAX_PAGES 20000
#define MAX_SEGS 4
#define EM_BOX_ASCENT 0.88  /* ideographic em box above the baseline */

typedef struct role_ctx {
	const folio_face *chain[MAX_CHAIN];
	size_t n;
	double size, tracking;
	folio_rgb color;
	const char *family;
} role_ctx;

/* One paragraph's items, kept until its lines are drawn. */
typedef struct para {
	folio_lb_item *items;
	const folio_face **faces;
	uint8_t *roles;
	double *x;
	size_t *src;            /* character offset in the source block's
	                           text, FOLIO_NO_SOURCE for generated text */
	size_t n;
} para;

typedef struct fline {
	const para *p;
	size_t start, end;
	double left;            /* from the text block's left edge */
	double width;
	folio_run_kind kind;
	int blank;
	int keep_next;          /* the page must not end after this line */
	int break_before;       /* start a new page here */
	int para_id, line_no, n_lines;
	int outline_level;      /* 0: none */
	const char *outline_title;
	size_t page;
	int band;
	folio_page_start src;   /* part NONE: no source character */
	struct table_lay *table;   /* a band of a table (table.c), p NULL */
	int table_band;            /* which band of the table */
	struct figure_lay *figure; /* first band of a figure (figure.c) */
} fline;

typedef struct run_rec {
	folio_run run;
	size_t page;
} run_rec;

typedef struct rule_rec {
	folio_rule rule;
	size_t page;
} rule_rec;

typedef struct image_rec {
	folio_image image;
	size_t page;
} image_rec;

typedef struct cp_use {
	uint32_t cp;
	uint16_t face;
} cp_use;

#define FOLIO_NO_SOURCE ((size_t)-1)
#define BMP_WORDS (0x10000 / 64)

typedef struct vec {
	void *data;
	size_t n, cap;
} vec;

typedef struct ctx {
	const folio_doc *doc;
	const folio_style *st;
	folio_arena *a;
	folio_error *err;
	folio_layout_options opts;
	folio_linebreaker *lb;
	role_ctx roles[FOLIO_ROLE_COUNT];
	double measure, cpitch, lpitch;
	vec lines;      /* fline */
	vec runs;       /* run_rec */
	vec rules;      /* rule_rec */
	uint64_t *bmp[MAX_FACES]; /* BMP code points drawn, per face */
	vec uses;       /* cp_use beyond the BMP (rare) */
	vec subs;       /* folio_substitution, one per (cp, family) */
	vec sub_counts; /* size_t, parallel to subs */
	size_t *sub_slots; /* hash of subs: index + 1, 0 = free */
	size_t sub_cap;    /* slots, a power of two > 2 * subs.n */
	vec outline;    /* folio_outline_entry */
	const folio_face *faces[MAX_FACES];
	size_t n_faces;
	int para_id;
	const folio_attachment *attachment; /* being laid out, or NULL */
	int first_band;   /* first band of page 1 (after the red header) */
	size_t n_pages;
	vec images;       /* image_rec */
	vec repeats;      /* header_repeat: a table's header on a page */
	uint32_t *cps;    /* scratch for ICU */
	uint8_t *brk;
	size_t scratch_cap;
} ctx;

typedef struct seg {
	const char *text;
	folio_role_id role;
	int source;             /* text is the source part's own text */
} seg;

typedef struct para_opts {
	folio_run_kind kind;
	folio_align align;
	double first_indent, indent, measure;
	int balanced, keep_next, break_before, outline_level;
	const char *outline_title;
	unsigned line, col;
	folio_source_part part;         /* what segs marked source are */
	const folio_block *block;
	const folio_attachment *attachment;
} para_opts;

/* layout.c: shared helpers */
int nomem(ctx *c);
void *vec_push(ctx *c, vec *v, size_t elem);
void *arena_copy(ctx *c, const void *src, size_t n, size_t elem);
int face_index(ctx *c, const folio_face *f);

/* paragraphs.c: the font layer and the line breaker over one paragraph */
int scratch(ctx *c, size_t n);
int missing_glyph(ctx *c, const role_ctx *r, uint32_t cp,
	const para_opts *o, const folio_face **face);
int build_para(ctx *c, para *p, const seg *segs, size_t n_segs,
	const para_opts *o);
int is_digit(uint32_t cp);
int is_counter(const ctx *c, uint32_t cp);
fline *push_line(ctx *c);
int blank_line(ctx *c, int keep_next);
int add_para(ctx *c, const seg *segs, size_t n_segs, const para_opts *o);

/* title_words.c: where a title may break, and at what cost */
int title_breaks(ctx *c, para *p);

/* blocks.c: the model's blocks as paragraphs */
const char *expand(ctx *c, const char *fmt, int n, const char *issuer);
const char *concat(ctx *c, const char *a, const char *b);
const char *cn_date(ctx *c, const char *iso);
const char *join(ctx *c, const folio_strlist *l, const char *sep,
	const char *end);
para_opts body_opts(ctx *c, const folio_block *b);
int add_blocks(ctx *c, const folio_block *b, int *article);
int add_centred(ctx *c, const char *text, folio_role_id role,
	folio_run_kind kind, int balanced, unsigned line, unsigned col,
	folio_source_part part);
int add_closing(ctx *c);
int add_note(ctx *c);
int add_attachment_note(ctx *c);
int add_attachment(ctx *c, const folio_attachment *at, int index,
	int count);

/* furniture.c: red header, page numbers, 版记 */
double text_width(const role_ctx *r, const char *s, double size);
int add_red_header(ctx *c);
int emit_page_numbers(ctx *c);
int push_rule(ctx *c, size_t page, double y, double width);
int add_imprint(ctx *c);
/* qr_place.c: the QR code's square on the finished layout's last
 * page (style <qr>); FOLIO_EUSAGE when it would cover something. */
int place_qr(folio_layout *out, const folio_style *st, folio_error *err);

/* paginate.c */
int paginate(ctx *c);

/* table.c: ruled tables on the grid, one band per line of cell text */
int add_table(ctx *c, const folio_block *b);
/* Bands a page starting with line l reserves for its table's repeated
 * header rows (0 when none), noted for drawing. */
int table_page_start(ctx *c, const fline *l, size_t page, int band,
	int bands_left);
int emit_table_line(ctx *c, const fline *l);

/* figure.c: images scaled to the measure, kept with their caption */
int add_figure(ctx *c, const folio_block *b);
int emit_figures(ctx *c);

/* runs.c: lines and strings as positioned runs */
int note_use(ctx *c, const folio_face *f, const char *text);
const char *utf8_of(ctx *c, const uint32_t *cps, size_t n);
run_rec *new_run(ctx *c, size_t page, const folio_face *f,
	folio_role_id role, double size, folio_run_kind kind);
int emit_text(ctx *c, size_t page, const char *text,
	folio_role_id role, double size, double x, double y,
	folio_run_kind kind, unsigned line, unsigned col);
int emit_line(ctx *c, const fline *ln);
int box_outline(ctx *c, size_t page, double x, double baseline,
	double size);

#endif
