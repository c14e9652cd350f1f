/* Body paragraphs -> blocks: sections from typed heading numbers (and
 * reader hints: markdown #, list items), 第N条 articles, lists; the main
 * text and each attachment's text. Typed numbers are removed (the style
 * generates them); one the style would generate differently is reported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/import_impl.h"
#include "util/utf8.h"

#define ARTICLE_LEVEL 99
#define TYPED_MAX 24

/* Numbered sections so far under each open frame, and articles. */
typedef struct builder {
	importer *im;
	int counts[IMP_STACK_MAX];
	int articles;
	int base_outline;       /* smallest markdown # depth in the body */
	folio_block *list;      /* open list, or NULL */
	folio_block **item_tail;   /* where its next item goes */
	uint32_t typed[TYPED_MAX];  /* the line's start as typed, before
	                             * its punctuation was made full width */
	size_t n_typed;
} builder;

static folio_block *new_block(importer *im, folio_block_kind kind,
	const imp_para *p)
{
	folio_block *b = folio_doc_block(im->doc, kind);

	if (b == NULL) {
		folio_error_set(im->err, FOLIO_ELIMIT,
			"%s:%u:%u: document exceeds the memory limit",
			im->name, p->line, p->col);
		return NULL;
	}
	b->line = p->line;
	b->col = p->vcol;
	return b;
}

static void append(importer *im, folio_block *b)
{
	imp_frame *f = &im->stack[im->depth];

	*f->tail = b;
	f->tail = &b->next;
}

static void push(builder *bd, folio_block *b, int level)
{
	importer *im = bd->im;

	append(im, b);
	bd->list = NULL;
	if (im->depth + 1 >= IMP_STACK_MAX)
		return;  /* cannot happen: levels are bounded */
	im->depth++;
	im->stack[im->depth].block = b;
	im->stack[im->depth].tail = &b->children;
	im->stack[im->depth].level = level;
	bd->counts[im->depth] = 0;
}

static int close_article(builder *bd, const imp_para *p)
{
	importer *im = bd->im;
	imp_frame *f = &im->stack[im->depth];

	if (f->level != ARTICLE_LEVEL)
		return 0;
	if (f->block->children == NULL)
		return folio_error_set(im->err, FOLIO_EINPUT,
			"%s:%u:%u: expected the text of an article (第…条), "
			"found none", im->name, p ? p->line : f->block->line,
			p ? p->col : f->block->col);
	im->depth--;
	return 0;
}

/* The text of a paragraph that ends where its line does, with the
 * line's trailing ideographic spaces (a form's blanks) put back. */
static int with_blanks(const char **out, importer *im, const uint32_t *v,
	size_t n, const imp_para *p)
{
	uint32_t *w = malloc((n + p->trail) * sizeof(*w));
	size_t i;
	int rc;

	if (w == NULL)
		return folio_error_set(im->err, FOLIO_ENOMEM,
			"%s: out of memory", im->name);
	memcpy(w, v, n * sizeof(*w));
	for (i = 0; i < p->trail; i++)
		w[n + i] = 0x3000;
	rc = imp_para_text(out, im, w, n + p->trail, p);
	free(w);
	return rc;
}

static int add_para(builder *bd, const uint32_t *v, size_t n,
	const imp_para *p)
{
	importer *im = bd->im;
	folio_block *b = new_block(im, FOLIO_BLOCK_PARA, p), *list;
	int rc;

	if (b == NULL)
		return FOLIO_ELIMIT;
	if (v + n == p->v + p->n && p->trail > 0)
		rc = with_blanks(&b->text, im, v, n, p);
	else
		rc = imp_text(&b->text, im, v, n, p);
	if (rc < 0)
		return rc;
	if (b->text[0] == '\0')
		return 0;
	if (p->item == IMP_ITEM_NONE || im->stack[im->depth].level ==
	    ARTICLE_LEVEL) {
		bd->list = NULL;
		append(im, b);
		return 0;
	}
	list = bd->list;
	if (list == NULL || list->ordered != (p->item == IMP_ITEM_ORDERED)) {
		list = new_block(im, FOLIO_BLOCK_LIST, p);
		if (list == NULL)
			return FOLIO_ELIMIT;
		list->ordered = p->item == IMP_ITEM_ORDERED;
		append(im, list);
		bd->list = list;
		bd->item_tail = &list->children;
	}
	*bd->item_tail = b;
	bd->item_tail = &b->next;
	return 0;
}

/* The typed number (what stood before `rest`) as UTF-8. */
static void typed_number(char *out, size_t outsz, const uint32_t *v,
	size_t rest)
{
	size_t i, w = 0;
	char u[4];

	while (rest > 0 && imp_is_inline_space(v[rest - 1]))
		rest--;
	for (i = 0; i < rest; i++) {
		size_t k = folio_utf8_encode(u, v[i]);
		if (w + k + 1 > outsz)
			break;
		memcpy(out + w, u, k);
		w += k;
	}
	out[w] = '\0';
}

/* Han characters and digits of a number, digits folded to ASCII: what
 * the style's number must reproduce (1． and 1. are the same number,
 * 第 1 條 and 第一條 are not the same text). */
static size_t essence(uint32_t *out, size_t max, const char *s)
{
	size_t n = imp_decode(out, max, s), i, k = 0;

	for (i = 0; i < n; i++) {
		if (imp_is_digit(out[i]))
			out[k++] = (uint32_t)('0' + imp_digit_value(out[i]));
		else if (folio_is_han(out[i]))
			out[k++] = out[i];
	}
	return k;
}

/* `moved`: the heading sits at another level than its typed number's
 * (（一） with no 一、 above it is printed as 一、). */
static int check_number(builder *bd, imp_para *p, folio_block_kind kind,
	int level, int index, size_t rest, int moved)
{
	char gen[64], had[64];
	uint32_t a[32], b[32];
	size_t na, nb;

	folio_doc_number(gen, sizeof(gen), bd->im->doc, kind, level, index);
	typed_number(had, sizeof(had), rest <= bd->n_typed ? bd->typed :
		p->v, rest);
	na = essence(a, 32, had);
	nb = essence(b, 32, gen);
	if (!moved && na == nb && memcmp(a, b, na * sizeof(*a)) == 0)
		return 0;
	return imp_report_renumbered(bd->im, p, had, gen);
}

static int level_of(const builder *bd, int form)
{
	switch (bd->im->doc->numbering) {
	case FOLIO_NUMBERING_CHAPTERS:
		switch (form) {
		case NF_CHAPTER: return 1;
		case NF_SECTION: return 2;
		case NF_CN_DUN: return 3;
		case NF_CN_PAREN: return 4;
		default: return 0;
		}
	case FOLIO_NUMBERING_PARTS:
		switch (form) {
		case NF_PART: return 1;
		case NF_CN_DUN: return 2;
		case NF_CN_PAREN: return 3;
		case NF_DIGIT_DOT: return 4;
		default: return 0;
		}
	default:
		switch (form) {
		case NF_CN_DUN: return 1;
		case NF_CN_PAREN: return 2;
		case NF_DIGIT_DOT: return 3;
		case NF_DIGIT_PAREN: return 4;
		default: return 0;
		}
	}
}

/* 第一章 standing alone, its heading on the next line (as Macao and
 * Taiwan pages print them). */
static int bare_number(const imp_para *p)
{
	size_t rest;
	int val, form = imp_number_form(p->v, p->n, &rest, &val);

	return rest >= p->n && (form == NF_CHAPTER || form == NF_SECTION ||
		form == NF_PART);
}

static int heading_text(const imp_para *q)
{
	size_t rest;
	int val;

	return q != NULL && q->item == IMP_ITEM_NONE &&
		imp_number_form(q->v, q->n, &rest, &val) == NF_NONE &&
		imp_heading_like(q->v, q->n, 0) && q->n <= 20 &&
		!imp_is_sentence_end(q->v[q->n - 1]);
}

/* Adds line p; `named` is the next line when it may be p's heading
 * text (see bare_number). Returns 1 when named was taken as such. */
static int add_line(builder *bd, imp_para *p, const imp_para *named)
{
	importer *im = bd->im;
	folio_numbering nb = im->doc->numbering;
	const uint32_t *v = p->v;
	size_t n = p->n, rest = 0;
	int val = 0, form = imp_number_form(v, n, &rest, &val), level = 0;
	int unnumbered = 0, rc;
	folio_block *b;

	if (form == NF_ARTICLE && p->item == IMP_ITEM_NONE) {
		if ((rc = close_article(bd, p)) < 0)
			return rc;
		b = new_block(im, FOLIO_BLOCK_ARTICLE, p);
		if (b == NULL)
			return FOLIO_ELIMIT;
		bd->articles++;
		if ((rc = check_number(bd, p, FOLIO_BLOCK_ARTICLE, 0,
		    bd->articles, rest, 0)) < 0)
			return rc;
		push(bd, b, ARTICLE_LEVEL);
		return rest < n ? add_para(bd, v + rest, n - rest, p) : 0;
	}
	if (p->item == IMP_ITEM_NONE && (imp_heading_like(v, n, rest) ||
	    named != NULL))
		level = level_of(bd, form);
	if (p->item == IMP_ITEM_NONE && form == NF_NONE &&
	    imp_unnumbered_heading(v, n)) {
		level = 1;
		unnumbered = 1;
	}
	/* A markdown heading: its typed number if any, else its depth. */
	if (p->outline && level == 0 && p->item == IMP_ITEM_NONE) {
		level = p->outline - bd->base_outline + 1;
		if (level < 1)
			level = 1;
		if (level > FOLIO_MAX_HEADING_LEVEL)
			level = FOLIO_MAX_HEADING_LEVEL;
		unnumbered = 1;
		rest = 0;
		form = NF_NONE;
	}
	/* Inside an article only 第…章/节/条 (or 一、 outside regulations)
	 * end it: its （一） and 1. items are part of the clause. */
	if (im->stack[im->depth].level == ARTICLE_LEVEL &&
	    form != NF_CHAPTER && form != NF_SECTION && form != NF_PART &&
	    !(form == NF_CN_DUN && nb == FOLIO_NUMBERING_GBT9704) &&
	    !unnumbered)
		level = 0;
	if (level == 0)
		return add_para(bd, v, n, p);
	if ((rc = close_article(bd, p)) < 0)
		return rc;
	/* Close deeper or equal sections; a level that skips one simply
	 * nests under whatever is open. The section's level is its depth:
	 * that is what the XML source keeps and what styles number. */
	while (im->depth > 0 && im->stack[im->depth].level >= level)
		im->depth--;
	b = new_block(im, FOLIO_BLOCK_SECTION, p);
	if (b == NULL)
		return FOLIO_ELIMIT;
	b->level = im->depth + 1;
	b->unnumbered = unnumbered;
	if (!unnumbered) {
		int index = ++bd->counts[im->depth];
		if ((rc = check_number(bd, p, FOLIO_BLOCK_SECTION, b->level,
		    index, rest, b->level != level)) < 0)
			return rc;
	}
	if (named != NULL)
		rc = imp_text(&b->text, im, named->v, named->n, named);
	else
		rc = imp_text(&b->text, im, v + rest, n - rest, p);
	if (rc < 0)
		return rc;
	push(bd, b, level);
	return named != NULL;
}

/* Regulations number chapters (第一章), plans parts (第一部分). */
static folio_numbering numbering(const importer *im)
{
	size_t i, rest;
	int val, form, parts = 0;

	for (i = im->body_start; i < im->n; i++) {
		const imp_para *p = &im->p[i];
		if (p->role != R_BODY || p->n == 0)
			continue;
		form = imp_number_form(p->v, p->n, &rest, &val);
		if (!imp_heading_like(p->v, p->n, rest) && !bare_number(p))
			continue;
		if (form == NF_CHAPTER)
			return FOLIO_NUMBERING_CHAPTERS;
		if (form == NF_PART)
			parts = 1;
	}
	return parts ? FOLIO_NUMBERING_PARTS : FOLIO_NUMBERING_GBT9704;
}

static void start(builder *bd, folio_block **head)
{
	importer *im = bd->im;

	im->depth = 0;
	im->stack[0].block = NULL;
	im->stack[0].tail = head;
	im->stack[0].level = 0;
	memset(bd->counts, 0, sizeof(bd->counts));
	bd->articles = 0;
	bd->list = NULL;
}

int imp_build_body(importer *im)
{
	folio_doc *doc = im->doc;
	folio_attachment **tail = &doc->attachments, *a = NULL;
	builder bd;
	const imp_para *named;
	size_t i, j = 0;
	unsigned cur = 0;
	int rc;

	memset(&bd, 0, sizeof(bd));
	bd.im = im;
	bd.base_outline = 100;
	if (im->traditional &&
	    (doc->lang = folio_arena_strdup(doc->arena, "zh-Hant")) == NULL)
		return folio_error_set(im->err, FOLIO_ELIMIT,
			"%s: document exceeds the memory limit", im->name);
	doc->numbering = numbering(im);
	for (i = im->body_start; i < im->n; i++)
		if (im->p[i].role == R_BODY && im->p[i].outline &&
		    im->p[i].outline < bd.base_outline)
			bd.base_outline = im->p[i].outline;
	start(&bd, &doc->body);
	/* A table or figure above the title still belongs to the text. */
	for (i = 0; i < im->body_start && i < im->n; i++)
		if (im->p[i].object != NULL)
			append(im, im->p[i].object);
	for (i = im->body_start; i < im->n; i++) {
		imp_para *p = &im->p[i];
		int changed = 0;

		if (p->object == NULL && (p->role != R_BODY || p->n == 0))
			continue;
		while (p->att > cur && cur < im->n_att) {
			const imp_att *at = &im->att[cur];
			if ((rc = close_article(&bd, NULL)) < 0)
				return rc;
			a = folio_arena_alloc(doc->arena, sizeof(*a));
			if (a == NULL)
				return folio_error_set(im->err, FOLIO_ELIMIT,
					"%s: document exceeds the memory "
					"limit", im->name);
			a->line = at->line;
			a->col = at->col;
			if ((rc = imp_text(&a->title, im, at->title,
			    at->title_n, p)) < 0)
				return rc;
			*tail = a;
			tail = &a->next;
			start(&bd, &a->body);
			cur++;
		}
		if (p->object != NULL) {
			/* Articles hold paragraphs only. */
			if ((rc = close_article(&bd, p)) < 0)
				return rc;
			bd.list = NULL;
			append(im, p->object);
			continue;
		}
		bd.n_typed = p->n < TYPED_MAX ? p->n : TYPED_MAX;
		memcpy(bd.typed, p->v, bd.n_typed * sizeof(*bd.typed));
		if ((rc = imp_fix_punctuation(im, p, &changed)) < 0)
			return rc;
		if (changed && im->report != NULL)
			im->report->punctuation_lines++;
		imp_fix_docnum_spacing(p);
		named = NULL;
		if (bare_number(p)) {
			j = imp_next_text(im, i + 1, im->n);
			if (j != IMP_NONE && im->p[j].att == p->att &&
			    heading_text(&im->p[j]))
				named = &im->p[j];
		}
		if ((rc = add_line(&bd, p, named)) < 0)
			return rc;
		if (rc == 1)
			i = j;
	}
	if ((rc = close_article(&bd, NULL)) < 0)
		return rc;
	/* Attachments only listed (no body on the page). */
	for (; cur < im->n_att; cur++) {
		const imp_att *at = &im->att[cur];
		imp_para pos;
		a = folio_arena_alloc(doc->arena, sizeof(*a));
		if (a == NULL)
			return folio_error_set(im->err, FOLIO_ELIMIT,
				"%s: document exceeds the memory limit",
				im->name);
		memset(&pos, 0, sizeof(pos));
		pos.line = at->line;
		pos.vcol = at->col;
		a->line = at->line;
		a->col = at->col;
		if ((rc = imp_text(&a->title, im, at->title, at->title_n,
		    &pos)) < 0)
			return rc;
		*tail = a;
		tail = &a->next;
	}
	if (doc->body == NULL) {
		/* the line after the title and what was read with it */
		i = im->title_end != IMP_NONE ? im->title_end : 0;
		while (i + 1 < im->n && im->p[i].role >= R_FIRST_MOVED)
			i++;
		if (i >= im->n)
			i = im->n - 1;
		return folio_error_set(im->err, FOLIO_EINPUT,
			"%s:%u:1: expected body text after the title, found "
			"nothing", im->name, im->p[i].line);
	}
	return 0;
}
