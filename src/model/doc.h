/*
 * doc.h - the document model every stage reads.
 *
 * A folio_doc owns one arena; every string and node below lives in it and
 * dies with folio_doc_free(). All text is NFC-normalised, valid UTF-8,
 * without leading/trailing white space (except, in paragraphs, ideographic
 * spaces right after the last character: a form's blanks). Heading
 * numbers (一、 （一） 1. （1） 第一章 第一条) are NOT part of the text:
 * styles generate them from the level and the position
 * (folio_doc_heading_number).
 *
 * Structure (GB/T 9704 order): meta, body blocks, closing signature 落款,
 * the 附注 note, then attachments 附件, each with its own title and
 * blocks. An attachment without blocks is only listed (in the 附件说明):
 * its body is not part of the source (a spreadsheet linked from a page).
 *
 * Every node keeps the line and column where it was read, so later stages
 * can report "file:line:col" for problems they find (a glyph no font has).
 */
#ifndef FOLIO_MODEL_DOC_H
#define FOLIO_MODEL_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/error.h"
#include "util/limits.h"

/* Limits applied by every reader (sizes in util/limits.h). */
#define FOLIO_MAX_HEADING_LEVEL 4                    /* 一、 to （1） */
#define FOLIO_MAX_TABLE_ROWS 5000                    /* one table */
#define FOLIO_MAX_TABLE_COLS 64                      /* grid columns */
#define FOLIO_MAX_TABLE_CELLS 50000                  /* one table */
#define FOLIO_MAX_CELL_PARAS 64                      /* one cell */
#define FOLIO_MAX_IMAGE_BYTES ((size_t)16 * 1024 * 1024) /* one file */
#define FOLIO_MAX_IMAGE_SIDE 20000                   /* pixels */
#define FOLIO_MAX_IMAGE_PIXELS 50000000              /* width * height */
#define FOLIO_MAX_FIGURE_PATH 200                    /* bytes of src */

typedef enum folio_block_kind {
	FOLIO_BLOCK_PARA,     /* text */
	FOLIO_BLOCK_SECTION,  /* heading + children */
	FOLIO_BLOCK_LIST,     /* items (PARA blocks) in children */
	FOLIO_BLOCK_ARTICLE,  /* 第N条: numbered clause; children are PARA */
	FOLIO_BLOCK_TABLE,    /* rows of cells in `table` */
	FOLIO_BLOCK_FIGURE    /* an image file with caption in `figure` */
} folio_block_kind;

typedef struct folio_block folio_block;
typedef struct folio_table folio_table;
typedef struct folio_figure folio_figure;
struct folio_block {
	folio_block_kind kind;
	folio_block *next;      /* sibling */
	folio_block *children;  /* SECTION, LIST, ARTICLE */
	const char *text;       /* PARA text; SECTION heading text */
	int level;              /* SECTION: 1..FOLIO_MAX_HEADING_LEVEL */
	int unnumbered;         /* SECTION: no generated number (前言);
	                         * numbered siblings count without it */
	int ordered;            /* LIST: 1 = ordered, 0 = bullets */
	unsigned line, col;     /* where it was read (0 if generated) */
	folio_table *table;     /* TABLE */
	folio_figure *figure;   /* FIGURE */
};

/* A table on a grid of n_cols columns. Each row lists only the cells that
 * start in it; a cell with rowspan > 1 also covers the same columns of
 * the rows below, which list no cell there. folio_table_check (readers
 * call it) proves the grid: every row covers every column exactly once,
 * spans stay inside the table, header rows come first and no header cell
 * reaches into the body; it also fills folio_cell.column. */
typedef struct folio_cell {
	folio_block *paras;     /* PARA blocks; NULL for an empty cell */
	int colspan, rowspan;   /* >= 1 */
	int column;             /* 0-based grid column it starts in */
	unsigned line, col;
} folio_cell;

typedef struct folio_row {
	folio_cell *cells;
	size_t n_cells;
	int header;             /* repeated after a page break */
	unsigned line, col;
} folio_row;

struct folio_table {
	folio_row *rows;
	size_t n_rows;          /* >= 1 */
	size_t n_cols;          /* >= 1, grid columns */
	const unsigned *widths; /* n_cols relative widths (> 0), or NULL:
	                         * equal columns */
	size_t header_rows;     /* rows[0 .. header_rows) have header = 1 */
};

typedef enum folio_image_format {
	FOLIO_IMAGE_PNG = 1,
	FOLIO_IMAGE_JPEG
} folio_image_format;

/* An image file beside the source. src is a relative '/'-separated path
 * whose segments start with a letter, digit, '_' or '-' (no "..", no
 * absolute path): it names the file in archive records too. The reader
 * resolves it against the source's folder into path and reads the
 * format and pixel size from the file (folio_figure_load). */
struct folio_figure {
	const char *src;        /* as written, e.g. "images/chart.png" */
	const char *path;       /* src joined to the source's folder */
	folio_image_format format;
	unsigned px_width, px_height;
	unsigned width_mm100;   /* printed width in 1/100 mm; 0: not given
	                         * (layout picks, at most the measure) */
	const char *caption;    /* 图题, may be NULL */
	const char *alt;        /* text alternative, may be NULL (then the
	                         * caption stands for it) */
	unsigned char sha256[32]; /* SHA-256 of the bytes read and probed:
	                         * a batch rebuilds the document when they
	                         * change */
};

/* Numbering scheme for the body. GBT9704: levels 一、 （一） 1. （1）.
 * CHAPTERS (regulations 办法/条例): level 1 第一章, level 2 第一节, and
 * ARTICLE blocks 第一条 counted through the whole body. PARTS (plans):
 * level 1 第一部分, then 一、 （一） 1. */
typedef enum folio_numbering {
	FOLIO_NUMBERING_GBT9704,
	FOLIO_NUMBERING_CHAPTERS,
	FOLIO_NUMBERING_PARTS
} folio_numbering;

typedef struct folio_strlist {
	const char **items;
	size_t count;
} folio_strlist;

typedef struct folio_meta {
	const char *id;           /* stable document id (ASCII), may be NULL */
	const char *title;        /* required */
	const char *subtitle;
	const char *issuer;       /* 责任者, required */
	const char *doc_number;   /* 文号, e.g. 营委办发〔2017〕63号 */
	const char *date;         /* required, YYYY-MM-DD, a real date */
	const char *category;     /* 文种: 通知, 实施意见, 政策解读 ... */
	const char *subject;      /* 主题分类 of the publishing site */
	const char *index_number; /* 索引号 of a 政务公开 page */
	const char *security;     /* 密级: 公开 内部 秘密 机密 绝密 */
	const char *retention;    /* 保管期限: 永久 定期30年 定期10年 */
	folio_strlist keywords;   /* 主题词 */
	folio_strlist recipients; /* 主送 */
	folio_strlist cc;         /* 抄送 */
	const char *printed_by;   /* 印发机关 */
	const char *printed_date; /* 印发日期, YYYY-MM-DD */
	const char *url;          /* online version */
} folio_meta;

typedef struct folio_attachment folio_attachment;
struct folio_attachment {
	folio_attachment *next;
	const char *title;
	folio_block *body;
	unsigned line, col;
};

typedef struct folio_closing {
	const char *issuer;  /* 落款 organisation (defaults to meta.issuer) */
	const char *date;    /* YYYY-MM-DD (defaults to meta.date) */
} folio_closing;

typedef struct folio_doc {
	folio_arena *arena;
	const char *source_path;  /* as given to the reader */
	folio_meta meta;
	folio_numbering numbering;
	folio_block *body;
	int has_closing;
	folio_closing closing;
	const char *note;         /* 附注, e.g. 此件公开发布 (no brackets) */
	const char *lang;         /* BCP 47; NULL means zh-CN. zh-Hant:
	                           * numbers are generated as 第一條 第一節 */
	folio_attachment *attachments;
} folio_doc;

/* New empty document with its own arena; source_path is copied. */
int folio_doc_new(folio_doc **out, const char *source_path, folio_error *err);
void folio_doc_free(folio_doc *doc);

/* Builders used by readers: NFC-normalise and trim text into the arena.
 * Return NULL-free results or FOLIO_ENOMEM/FOLIO_ELIMIT/FOLIO_EINPUT. */
int folio_doc_text(const char **out, folio_doc *doc, const char *s,
	size_t n, folio_error *err);
/* The same for a paragraph's text (p, list item): ideographic spaces
 * right after its last character are kept (填表人：　　　　). */
int folio_doc_para_text(const char **out, folio_doc *doc, const char *s,
	size_t n, folio_error *err);
folio_block *folio_doc_block(folio_doc *doc, folio_block_kind kind);
int folio_strlist_push(folio_strlist *list, folio_doc *doc, const char *s,
	folio_error *err);

/* 保管期限 values a document may carry (DA/T 22): 永久, 定期30年, 定期10年,
 * NULL-terminated; folio_retention_valid says whether s is one. */
extern const char *const folio_retentions[];
int folio_retention_valid(const char *s);

/* 密级 values: 公开 内部 秘密 机密 绝密, NULL-terminated. */
extern const char *const folio_securities[];
int folio_security_valid(const char *s);

/* Calendar check for YYYY-MM-DD (years 1000..9999, Gregorian leap years). */
int folio_date_valid(const char *s);

/* The generated number of a heading or article, e.g. "一、", "（三）",
 * "2.", "（10）", "第三章", "第十二条", "第二部分", into out (>= 32
 * bytes). `index` is 1-based among its numbered siblings (articles:
 * through the body). */
void folio_doc_heading_number(char *out, size_t outsz,
	folio_numbering numbering, folio_block_kind kind, int level, int index);

/* The same in the document's script: 第十二條 and 第一節 when doc->lang
 * is a traditional-Chinese tag (zh-Hant, zh-TW, zh-HK, zh-MO). */
void folio_doc_number(char *out, size_t outsz, const folio_doc *doc,
	folio_block_kind kind, int level, int index);

/* Whether doc->lang asks for traditional characters. */
int folio_doc_traditional(const folio_doc *doc);

/* Chinese numeral for 1..99999 (一, 十, 十一, 二十, 一百零五 ...). */
void folio_cn_numeral(char *out, size_t outsz, int n);

/* Table and figure nodes in the document's arena (zeroed; cell spans
 * set to 1). NULL when the arena is full. */
folio_table *folio_doc_table(folio_doc *doc, size_t n_rows);
folio_cell *folio_doc_cells(folio_doc *doc, size_t n_cells);
folio_figure *folio_doc_figure(folio_doc *doc);

/* Prove a TABLE block's grid (see folio_cell) against the limits above
 * and fill each cell's column. Errors: FOLIO_EINPUT / FOLIO_ELIMIT as
 * "file:line:col: ..." at the offending row or cell. */
int folio_table_check(const folio_doc *doc, folio_table *t,
	unsigned line, unsigned col, folio_error *err);

/* Format and pixel size of an image held in memory: PNG (IHDR, ending
 * IEND) or baseline/progressive JPEG (SOF). FOLIO_EINPUT with a message
 * naming `what` when the bytes are neither, are cut short or exceed
 * FOLIO_MAX_IMAGE_SIDE / FOLIO_MAX_IMAGE_PIXELS. */
int folio_image_probe(folio_image_format *out_format, unsigned *out_w,
	unsigned *out_h, const unsigned char *data, size_t len,
	const char *what, folio_error *err);

/* Whether s is an acceptable figure src (see folio_figure). */
int folio_figure_src_valid(const char *s);

/* Resolve f->src against doc->source_path's folder into f->path, then
 * read the file (at most FOLIO_MAX_IMAGE_BYTES) and probe it. Errors
 * are located at line:col of the <figure>: missing file (FOLIO_EIO),
 * not PNG/JPEG (FOLIO_EINPUT), too large (FOLIO_ELIMIT). */
int folio_figure_load(folio_doc *doc, folio_figure *f, unsigned line,
	unsigned col, folio_error *err);

/* Validate required fields and dates; message names path and what is
 * missing. Readers call it last. */
int folio_doc_validate(const folio_doc *doc, folio_error *err);

#endif
