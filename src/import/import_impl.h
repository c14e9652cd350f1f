/*
 * import_impl.h - what the files of src/import/ share (private).
 *
 * The contract between a reader and the recognisers is a page: a
 * sequence of paragraphs (imp_para), each the code points of one line of
 * pasted text (text.c) or, later, of one Word paragraph, with where it
 * was read and what the reader knows about its look (indent, alignment,
 * outline level, list item). Readers fill paragraphs; the recognisers
 * (recognise.c, in pipeline order) decide each paragraph's role and
 * offer field values; body.c builds the blocks from the body paragraphs,
 * meta.c settles the fields into the model and report.c lists every
 * paragraph that is not body text.
 *
 *   reader (text.c [+ markdown.c, web.c])  ->  paragraphs
 *   recognisers: labels.c, head.c + title.c, tail.c, closing.c, wrap.c
 *                ->  roles, offers
 *   body.c -> blocks;  meta.c -> folio_meta;  report.c -> report
 *
 * A reader plugs in by filling im->p (v, n, src, line, col, vcol and the
 * hints it knows: a Word reader sets align from the paragraph's
 * justification, outline from its Heading N style, item from its
 * numbering; the text reader sets indent from leading blanks and the
 * markdown hints), setting im->web when the page is a web page (chrome
 * and spam are looked for only then), and calling imp_recognise, then
 * imp_report_fill. Hints steer the recognisers, never replace them: a
 * right-aligned short line over a date is a 落款 issuer, a Heading 2 is
 * a heading whatever its words.
 *
 * Recognisers look only at paragraphs up to a length cap each (a title,
 * a date, a label line are short), so work stays linear in the input
 * however hostile it is.
 */
#ifndef FOLIO_IMPORT_IMPORT_IMPL_H
#define FOLIO_IMPORT_IMPORT_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "import/import.h"
#include "model/doc.h"
#include "util/buf.h"

#define IMP_NONE ((size_t)-1)

/* What a paragraph is. Roles below R_FIRST_MOVED are dropped from the
 * source, the others moved into the model outside the body. */
enum imp_role {
	R_BODY = 0,        /* body text (main document or an attachment) */
	R_BLANK,           /* empty line */
	R_CHROME,          /* site widget: breadcrumb, share, print ... */
	R_SPAM,            /* SEO keyword line above the title */
	R_ABOVE_TITLE,     /* site header text above the title */
	R_REPEATED_TITLE,  /* the title again */
	R_PAGE_NUMBER,     /* — 2 —, 第2页 共5页 ... */
	R_RULE,            /* a line of ─ — - _ = */
	R_RELATED,         /* related-links block at the foot */
	R_TOC,             /* 目录 of a regulation (regenerated) */
	R_UNKEPT,          /* page metadata with no field (有效性 ...) */
	R_FIRST_MOVED,
	R_TITLE = R_FIRST_MOVED,
	R_SUBTITLE,        /* ——subtitle, （…通过） 题注 */
	R_META,            /* metadata table line */
	R_DATE,            /* a date line near the title */
	R_DOCNUM,          /* 文号 */
	R_MASTHEAD,        /* 版头 发文机关标志 */
	R_SECURITY,        /* 份号, 密级, 紧急程度 */
	R_RECIPIENTS,      /* 主送 */
	R_ATT_LIST,        /* 附件说明, attachment links */
	R_ATT_HEAD,        /* 附件N label and attachment title */
	R_CLOSING,         /* 落款: issuer, signature or 成文日期 */
	R_NOTE,            /* 附注 (此件公开发布) */
	R_IMPRINT,         /* 版记: 抄送, 印发, 主题词 */
	R_COUNT
};

/* Reader hints. */
enum { IMP_ALIGN_NONE, IMP_ALIGN_LEFT, IMP_ALIGN_CENTER, IMP_ALIGN_RIGHT };
enum { IMP_ITEM_NONE, IMP_ITEM_BULLET, IMP_ITEM_ORDERED };

typedef struct imp_para {
	uint32_t *v;            /* code points, trimmed, markers removed */
	size_t n;
	const char *src;        /* the paragraph as read, trimmed (UTF-8) */
	size_t src_n;
	unsigned line, col;     /* where src starts (1-based) */
	unsigned vcol;          /* column of v[0] (markers skipped) */
	unsigned indent;        /* hint: blank columns before the text */
	unsigned trail;         /* ideographic spaces after the text (a
	                         * form's blanks), not in v */
	unsigned char align;    /* hint: IMP_ALIGN_* */
	unsigned char outline;  /* hint: heading depth (# count), 0 none */
	unsigned char item;     /* hint: IMP_ITEM_* */
	unsigned char role;     /* enum imp_role */
	unsigned att;           /* 0 main body, k: attachment k (1-based) */
	const char *detail;     /* for the report, or NULL */
	const char *typed;      /* a typed heading number the style ... */
	const char *generated;  /* ... generates differently (report) */
	folio_block *object;    /* a TABLE or FIGURE from a Word reader
	                         * (role R_BLANK, no text): body.c puts it
	                         * where it stood */
} imp_para;

/* Fields the recognisers offer values for; the best offer (lowest
 * priority number) wins in meta.c. */
enum imp_field {
	F_TITLE, F_SUBTITLE, F_ISSUER, F_DOCNUM, F_DATE, F_CATEGORY,
	F_SUBJECT, F_INDEX, F_URL, F_KEYWORDS, F_SECURITY, F_RECIPIENTS,
	F_CC, F_PRINTED_BY, F_PRINTED_DATE, F_NOTE, F_COUNT
};

typedef struct imp_offer {
	const uint32_t *v;      /* text (not owned), or NULL */
	size_t n;
	char fixed[16];         /* or a value of our own: YYYY-MM-DD, 机密 */
	int prio;               /* 0 = no offer; lower wins */
	unsigned line, col;
} imp_offer;

/* An attachment: listed in 附件说明 and/or with a body. */
typedef struct imp_att {
	const uint32_t *title;
	size_t title_n;
	unsigned line, col;
	int has_body;
} imp_att;

#define IMP_MAX_ATTACHMENTS 64
#define IMP_STACK_MAX 8

typedef struct imp_frame {
	folio_block *block;     /* NULL for the body */
	folio_block **tail;
	int level;              /* 0 body, 1..4 sections, 99 article */
} imp_frame;

typedef struct importer {
	folio_doc *doc;
	const char *name;
	const folio_import_options *opts;
	folio_import_report *report;
	folio_error *err;

	/* the page */
	char *text;             /* UTF-8 (owned) */
	size_t len;
	uint32_t *cps;          /* every paragraph's code points (owned) */
	imp_para *p;            /* (owned) */
	size_t n;

	/* facts about the page */
	int web;                /* a pasted web page: chrome, spam passes */
	int markdown;           /* '#' headings seen */
	int roc;                /* the page says 民國: years count from 1912 */
	int traditional;        /* traditional characters dominate */
	int macao_title;        /* the title starts with 第N/YYYY號 */
	int spam_checks;        /* lines looked at for spam so far */

	/* where the passes put the boundaries */
	size_t title_at, title_end;   /* title lines [title_at, title_end) */
	size_t body_start;            /* first body paragraph */
	size_t main_end;              /* end of the main text (closing incl.) */
	size_t tail_start;            /* 版记, page foot */
	size_t links_first, links_last; /* attachment links at the foot */

	imp_offer offer[F_COUNT];
	imp_att att[IMP_MAX_ATTACHMENTS];
	size_t n_att;
	int has_closing;
	imp_offer closing_issuer, closing_date;

	/* body building */
	imp_frame stack[IMP_STACK_MAX];
	int depth;
	int chapters;           /* numbering chosen for the body */
	folio_buf out;          /* scratch UTF-8 */
	int paragraphs;         /* the reader gives real paragraphs (Word):
	                         * no unwrapping of hard-wrapped lines */
} importer;

/* ---- chars.c: character classes and small matchers ---- */
int imp_is_cjk_punct(uint32_t c);
int imp_is_cjk(uint32_t c);
int imp_is_alnum(uint32_t c);
int imp_is_digit(uint32_t c);
int imp_digit_value(uint32_t c);
int imp_cn_digit(uint32_t c);
int imp_is_cn_numeral(uint32_t c);
int imp_is_inline_space(uint32_t c);
int imp_is_colon(uint32_t c);
int imp_is_open_bracket(uint32_t c);
int imp_is_close_bracket(uint32_t c);
int imp_is_sentence_end(uint32_t c);
size_t imp_match(const uint32_t *v, size_t n, size_t at, const char *lit);
size_t imp_match_spaced(const uint32_t *v, size_t n, size_t at,
	const char *lit);
int imp_ends_with(const uint32_t *v, size_t n, const char *lit);
size_t imp_skip_spaces(const uint32_t *v, size_t n, size_t i);
size_t imp_han_count(const uint32_t *v, size_t n);
int imp_read_digits(const uint32_t *v, size_t n, size_t *i, int max,
	int *val);
int imp_read_cn_number(const uint32_t *v, size_t n, size_t *i, int *val);
int imp_equal_loose(const uint32_t *a, size_t an, const uint32_t *b,
	size_t bn);
size_t imp_decode(uint32_t *out, size_t max, const char *s);

/* ---- text.c: the pasted-text reader ---- */
int imp_text_read(importer *im, const char *data, size_t len);

/* ---- markdown.c: markdown-like markers and bullets ---- */
int imp_markers(importer *im);

/* ---- web.c: site chrome, SEO spam, page numbers, related links ---- */
int imp_chrome(importer *im);
int imp_is_chrome(const uint32_t *v, size_t n);
int imp_is_spam(importer *im, size_t i);
int imp_is_page_number(const uint32_t *v, size_t n);
int imp_is_rule(const uint32_t *v, size_t n);

/* ---- script.c: facts about the whole page ---- */
int imp_page_facts(importer *im);

/* ---- dates.c ---- */
int imp_find_date(char out[16], const importer *im, const uint32_t *v,
	size_t n, size_t from, size_t *start, size_t *end);
int imp_line_date(char out[16], const importer *im, const uint32_t *v,
	size_t n);
int imp_date_error(importer *im, const imp_para *p, size_t at,
	const char *date);

/* ---- docnum.c: 文号 ---- */
int imp_docnum_tail(const uint32_t *v, size_t n, size_t i, size_t *end);
int imp_line_docnum(folio_buf *out, const uint32_t *v, size_t n);
size_t imp_title_docnum(const uint32_t *v, size_t n);
void imp_fix_docnum_spacing(imp_para *p);

/* ---- names.c: organisations, signatures, document kinds ---- */
int imp_is_org(const uint32_t *v, size_t n);
int imp_is_signature(const uint32_t *v, size_t n);
const char *imp_title_kind(const uint32_t *v, size_t n);
const char *imp_security_word(const uint32_t *v, size_t n, size_t *len);
int imp_is_recipient(const uint32_t *v, size_t n);

/* ---- labels.c: the 政务公开 metadata table ---- */
enum imp_label_ctx { LC_ANY, LC_TABLE, LC_HEADER, LC_TAIL };
int imp_metadata(importer *im);
int imp_meta_line(importer *im, size_t i, int ctx);
int imp_label_line(const imp_para *p);

/* ---- title.c: which lines are the title ---- */
int imp_title_candidate(importer *im, size_t i);
int imp_title_score(const imp_para *p);
int imp_title_spam(importer *im, size_t i);
size_t imp_title_after(importer *im, size_t from, size_t limit, int span,
	int min_score);
size_t imp_title_before(importer *im, size_t at, int span);
size_t imp_title_best(importer *im, size_t limit);
size_t imp_repeats_title(importer *im, size_t i, size_t limit);
int imp_set_title(importer *im, size_t t);
int imp_table_line(const imp_para *p);
int imp_starts_about(const uint32_t *v, size_t n);
int imp_contains_about(const uint32_t *v, size_t n);

/* ---- head.c: 份号/密级, 版头, 文号, header zone, 主送 ---- */
int imp_header(importer *im);
int imp_recipients(importer *im);

/* ---- tail.c: 版记, the foot of the page, attachment bodies ---- */
int imp_tail(importer *im);
int imp_attachment_bodies(importer *im);

/* ---- closing.c: 落款, 附注, 附件说明 ---- */
int imp_closing(importer *im);
int imp_attachment_list(importer *im);
int imp_add_attachment(importer *im, const uint32_t *v, size_t n,
	const imp_para *p);
size_t imp_attachment_links(importer *im, size_t last);
int imp_is_note(const imp_para *p, int *strong);
int imp_is_signer(const imp_para *p);

/* ---- numbers.c: typed heading numbers ---- */
enum imp_form {
	NF_NONE, NF_CN_DUN, NF_CN_PAREN, NF_DIGIT_DOT, NF_DIGIT_PAREN,
	NF_PART, NF_CHAPTER, NF_SECTION, NF_ARTICLE
};
int imp_number_form(const uint32_t *v, size_t n, size_t *rest,
	int *value);
int imp_heading_like(const uint32_t *v, size_t n, size_t rest);
int imp_unnumbered_heading(const uint32_t *v, size_t n);

/* ---- punct.c ---- */
int imp_fix_punctuation(importer *im, imp_para *p, int *changed);

/* ---- wrap.c: lines of a page copied from a PDF ---- */
int imp_unwrap(importer *im);

/* ---- body.c ---- */
int imp_build_body(importer *im);

/* ---- meta.c ---- */
void imp_offer_value(importer *im, int field, int prio, const uint32_t *v,
	size_t n, const imp_para *p);
void imp_offer_fixed(importer *im, int field, int prio, const char *value,
	const imp_para *p);
#define imp_offer_date imp_offer_fixed
int imp_text(const char **out, importer *im, const uint32_t *v, size_t n,
	const imp_para *p);
/* The same for a body paragraph: keeps a form's trailing blanks. */
int imp_para_text(const char **out, importer *im, const uint32_t *v,
	size_t n, const imp_para *p);
int imp_settle(importer *im);
int imp_apply_overrides(importer *im);

/* ---- report.c ---- */
int imp_detail(importer *im, imp_para *p, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int imp_report_fill(importer *im);
int imp_report_renumbered(importer *im, imp_para *p,
	const char *typed, const char *generated);
/* Content a Word reader did not take (SKIPPED), after imp_report_fill. */
int imp_report_skipped(importer *im, unsigned line, unsigned col,
	const char *text, const char *reason, const char *detail);

/* ---- recognise.c: the shared recognisers, in order ---- */
int imp_recognise(importer *im);

/* Helpers every pass uses. */
static inline int imp_is_text(const imp_para *p)
{
	return p->role == R_BODY && p->n > 0;
}
size_t imp_next_text(const importer *im, size_t i, size_t end);
size_t imp_prev_text(const importer *im, size_t i, size_t start);
size_t imp_next_nonblank(const importer *im, size_t i);
size_t imp_prev_nonblank(const importer *im, size_t i);

#endif
