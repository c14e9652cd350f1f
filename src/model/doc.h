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

typedef enum folio_block_kind {
	FOLIO_BLOCK_PARA,     /* text */
	FOLIO_BLOCK_SECTION,  /* heading + children */
	FOLIO_BLOCK_LIST,     /* items (PARA blocks) in children */
	FOLIO_BLOCK_ARTICLE   /* 第N条: numbered clause; children are PARA */
} folio_block_kind;

typedef struct folio_block folio_block;
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

/* Validate required fields and dates; message names path and what is
 * missing. Readers call it last. */
int folio_doc_validate(const folio_doc *doc, folio_error *err);

#endif
