/*
 * docx_impl.h - what the files of the Word reader share (private).
 *
 *   docx.c         the package: sniffing, parts, relationships, media,
 *                  the run through the shared recognisers
 *   docx_styles.c  styles.xml (heading levels, numbering through basedOn)
 *                  and numbering.xml (auto-numbers as the text Word shows)
 *   docx_body.c    document.xml: paragraphs, runs, fields, tracked
 *                  changes, drawings -> imp_para; footnotes, comments
 *   docx_table.c   w:tbl -> a TABLE block (or paragraphs, for a layout
 *                  table holding 版记 lines)
 *
 * The reader turns every Word paragraph into one imp_para (a line break
 * inside it starts another) with the hints it knows: align from w:jc,
 * outline from the outline level or a Heading N / 标题 N style, item for
 * bullets; an auto-number is put in front of the text as Word shows it,
 * so the recognisers see "一、总体要求" exactly as if it were typed.
 * Tables and figures travel as object paragraphs (imp_para.object, role
 * R_BLANK, no text): the recognisers see a break there and body.c puts
 * the block where it stood.
 */
#ifndef FOLIO_IMPORT_DOCX_IMPL_H
#define FOLIO_IMPORT_DOCX_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "import/import_impl.h"
#include "util/buf.h"
#include "util/xml_tree.h"
#include "util/zip_package.h"

#define DOCX_MAX_PARAS ((size_t)1000000)
#define DOCX_MAX_RELS 10000
#define DOCX_MAX_STYLES 10000
#define DOCX_MAX_NUMS 10000
#define DOCX_MAX_IMAGES 1000
#define DOCX_MAX_SKIPPED 100000
/* Parts read whole: the main document larger than a source may be. */
#define DOCX_MAX_DOCUMENT ((size_t)64 * 1024 * 1024)
#define DOCX_MAX_PART ((size_t)16 * 1024 * 1024)
#define DOCX_XML_DEPTH 256

/* WordprocessingML's namespace: Transitional (what Word, WPS, pandoc and
 * LibreOffice write) and Strict name the same elements. */
#define DOCX_W_TRANSITIONAL \
	"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define DOCX_W_STRICT "http://purl.oclc.org/ooxml/wordprocessingml/main"

typedef struct docx_rel {
	char *id;
	char *target;           /* resolved part name, or the URL */
	int external;           /* TargetMode="External": never fetched */
	int image;              /* type .../image */
	int header_footer;      /* type .../header or .../footer */
} docx_rel;

typedef struct docx_style {
	char *id;
	char *based_on;
	int outline;            /* 1..9 from Heading N / outlineLvl, 0 */
	int caption;            /* Caption / 题注 */
	int num_id, ilvl;       /* numbering linked to the style, 0 none */
	int resolved;           /* basedOn chain folded in */
} docx_style;

typedef struct docx_level {
	int start;
	char fmt[32];           /* numFmt: decimal, chineseCounting ... */
	char text[64];          /* lvlText: "%1、" */
	int suff;               /* 0 tab, 1 space, 2 nothing */
	int restart;            /* lvlRestart (-1: default) */
} docx_level;

typedef struct docx_abstract {
	int id;
	docx_level lvl[9];
	int count[9];           /* counters, shared by its nums */
	int last_num;           /* num that used it last */
} docx_abstract;

typedef struct docx_num {
	int id;
	int abstract;           /* index into abstracts, -1 none */
	int override[9];        /* startOverride, -1 none */
	int used;
} docx_num;

/* A paragraph under construction: offsets into the reader's buffers,
 * made into pointers once reading ends (the buffers move as they grow). */
typedef struct docx_para {
	size_t text_at, text_n; /* UTF-8 in d->text */
	unsigned line, col;
	unsigned char align, outline, item;
	int caption;            /* a caption style: goes to a figure */
	folio_block *object;
} docx_para;

typedef struct docx_skip {
	unsigned line, col;
	const char *text;
	const char *reason;
	const char *detail;
} docx_skip;

typedef struct docx_image {
	char *name;             /* figure src */
	const char *part;       /* the media part it came from (a rel's) */
	folio_image_format format;
	unsigned px_width, px_height;
	unsigned char *data;
	size_t len;
} docx_image;

typedef struct docx {
	importer *im;
	folio_package *pkg;
	const char *path;       /* the .docx */
	char part[1024];        /* the part being read */
	const char *w;          /* its WordprocessingML namespace */
	const char *media_dir;

	docx_rel *rels;
	size_t n_rels;
	docx_style *styles;
	size_t n_styles;
	docx_abstract *abstracts;
	size_t n_abstracts;
	docx_num *nums;
	size_t n_nums;

	folio_buf text;         /* UTF-8 of every paragraph */
	docx_para *paras;
	size_t n_paras, cap_paras;
	docx_skip *skips;
	size_t n_skips, cap_skips;
	docx_image *images;
	size_t n_images;

	/* footnotes: id -> text, and the ones referenced, in order */
	char **footnotes;
	int *footnote_ids;
	size_t n_footnotes;
	int *notes_used;
	size_t n_notes_used;

	/* the paragraph being read */
	folio_buf cur;
	unsigned cur_line, cur_col;
	int field_depth;        /* complex fields open */
	int field_code;         /* inside a field's instructions */
	folio_buf instr;        /* instructions of the outermost field */
	unsigned tables;        /* nesting */
} docx;

/* docx.c */
/* "file.docx:part:line:col: ..." at node (util/xml_tree.h), or
 * "file.docx: ..." when node is NULL. */
int docx_fail(docx *d, const folio_xml_node *node, int code,
	const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int docx_skip_add(docx *d, const folio_xml_node *node, const char *text,
	const char *reason, const char *detail);
int docx_read_part(folio_buf *out, docx *d, const char *name, size_t limit,
	int required);
/* Parse a part read by docx_read_part; sets d->part, and d->w from the
 * root element (Strict if it is in Strict's namespace, else
 * Transitional). */
int docx_parse(void **out, docx *d, const char *name, const folio_buf *b);
const docx_rel *docx_rel_find(const docx *d, const char *id);
int docx_add_image(const char **out_src, docx *d, const docx_rel *rel,
	const folio_xml_node *node, folio_figure *f);

/* docx_styles.c */
/* A whole-number attribute (w:val="3"), or dflt when absent, not a
 * number or beyond +-1,000,000; node may be NULL. */
int docx_val_int(const folio_xml_node *node, const char *name, int dflt);
int docx_read_styles(docx *d);
int docx_read_numbering(docx *d);
const docx_style *docx_style_find(docx *d, const char *id);
/* The number text of paragraph numbering (numId, ilvl), advancing the
 * counters; *bullet set for bullet levels. Empty text: none shown. */
int docx_number_text(folio_buf *out, docx *d, int num_id, int ilvl,
	int *bullet, int *suffix);

/* docx_body.c */
int docx_read_body(docx *d, const folio_xml_node *body);
int docx_read_paragraph(docx *d, const folio_xml_node *p, int in_cell);
int docx_read_footnotes(docx *d);
int docx_read_comments(docx *d);
int docx_para_new(docx *d, const folio_xml_node *node);
int docx_para_end(docx *d);
int docx_object(docx *d, folio_block *b, const folio_xml_node *node);
/* Text of every w:t below node (for cells and the report). */
int docx_plain_text(folio_buf *out, docx *d, const folio_xml_node *node,
	int depth);

/* docx_table.c */
int docx_read_table(docx *d, const folio_xml_node *tbl);

#endif
