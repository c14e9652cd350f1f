/* XHTML content documents: title page, main text split at level-1
 * sections, closing 落款 and 版记, attachments.
 *
 * Text the style generates (heading numbers, labels such as 附件1 and
 * 抄送：, separators, dates written out in Chinese) is wrapped in
 * class="gen", so a reader of the spine can tell source text from
 * generated text; the completeness test relies on it.
 *
 * The spine follows the print's order, so the page-break markers of
 * pages.c come out in page order: title page, main text, 附件说明, 落款,
 * the attachments, and the 版记 last, where GB/T 9704 and the PDF put
 * it. */
#include "epub/epub_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/page.h"

typedef struct content {
	folio_epub_book *b;
	const folio_doc *doc;
	folio_error *err;
	epub_xml *x;            /* document being written, or NULL */
	int part;               /* its index in b->parts */
	char href[32];          /* its name relative to EPUB/ */
	int articles;           /* 第N条 count through the body */
	int n_sections;         /* level-1 documents so far */
	int rank;               /* rank of the last heading (h1 = 1) */
} content;

void epub_date_cn(char *out, size_t outsz, const char *date)
{
	if (date == NULL || !folio_date_valid(date)) {
		snprintf(out, outsz, "%s", date ? date : "");
		return;
	}
	snprintf(out, outsz, "%d年%d月%d日", atoi(date), atoi(date + 5),
		atoi(date + 8));
}

static int open_doc(content *c, const char *file, const char *id,
	const char *title, const char *epub_type)
{
	char name[64];
	epub_part *p;
	epub_xml *x;
	int rc;

	snprintf(name, sizeof(name), EPUB_DIR "%s", file);
	rc = epub_part_add(&p, c->b, name, id, "application/xhtml+xml",
		c->err);
	if (rc < 0)
		return rc;
	p->spine = 1;
	c->part = (int)(p - c->b->parts);
	snprintf(c->href, sizeof(c->href), "%s", file);
	rc = xw_new(&x, name, 0, c->b->used, c->err);
	if (rc < 0)
		return rc;
	c->x = x;
	xw_xhtml_open(x, title, c->b->used != NULL, epub_lang(c->doc));
	xw_start(x, "section");
	epub_type_attr(x, epub_type);
	/* Every document but the title page continues the outline under
	 * the title's h1. */
	c->rank = 1;
	return 0;
}

static int close_doc(content *c)
{
	int rc;

	if (c->x == NULL)
		return 0;
	xw_end(c->x);  /* section */
	xw_end(c->x);  /* body */
	xw_end(c->x);  /* html */
	rc = xw_finish(c->x, &c->b->parts[c->part].data);
	c->x = NULL;
	return rc;
}

static void at(content *c, unsigned line, unsigned col)
{
	xw_position(c->x, c->doc->source_path, line, col);
}

static void gen(content *c, const char *text)
{
	xw_leaf(c->x, "span", "gen", text);
}

/* Page markers ahead of part/key's element (pages.c). */
static void mark_before(content *c, folio_source_part part,
	const void *key)
{
	epub_mark_before(c->b, c->x, c->href, (int)part, key);
}

/* part/key's source text, page markers inside it. */
static int marked_text(content *c, folio_source_part part, const void *key,
	const char *text)
{
	return epub_mark_text(c->b, c->x, c->href, (int)part, key, text,
		c->err);
}

/* <element class="cls">text</element> with its page markers. */
static int marked_leaf(content *c, const char *element, const char *cls,
	folio_source_part part, const void *key, const char *text)
{
	int rc;

	xw_start(c->x, element);
	if (cls != NULL)
		xw_attr(c->x, "class", cls);
	rc = marked_text(c, part, key, text);
	xw_end(c->x);
	return rc;
}

static int write_blocks(content *c, const folio_block *first, int hbase,
	int tbase);

static int write_section(content *c, const folio_block *s, int index,
	int hbase, int tbase)
{
	char num[64], id[16], h[16], *label, href[64];
	size_t n;
	int level = s->level < 1 ? 1 : s->level, outer = c->rank, rank, rc;
	const char *text = s->text ? s->text : "";

	num[0] = '\0';
	if (!s->unnumbered)
		folio_doc_number(num, sizeof(num), c->doc,
			FOLIO_BLOCK_SECTION, level, index);
	/* 第一章　总则: chapter and section numbers are words and take an
	 * ideographic space before the heading, as in print; 一、 does not. */
	n = strlen(num);
	if (n >= 3 && (strcmp(num + n - 3, "章") == 0 ||
	    strcmp(num + n - 3, "节") == 0 || strcmp(num + n - 3, "節") == 0 ||
	    strcmp(num + n - 3, "分") == 0))
		strncat(num, "\xe3\x80\x80", sizeof(num) - n - 1);
	snprintf(id, sizeof(id), "h%d", ++c->b->heading_seq);
	/* Heading ranks never skip one (WCAG 1.3.1; Ace's heading-order):
	 * a level-3 section straight under a level-1 one takes the next
	 * rank, as in the nav. */
	rank = level + hbase;
	if (rank > outer + 1)
		rank = outer + 1;
	if (rank > 6)
		rank = 6;
	c->rank = rank;
	snprintf(h, sizeof(h), "h%d", rank);
	if (hbase > 1 || level > 1)
		xw_start(c->x, "section");
	at(c, s->line, s->col);
	/* A page that begins with the heading's number: marked ahead of
	 * the heading, out of its accessible name. */
	mark_before(c, FOLIO_SOURCE_BLOCK, s);
	xw_start(c->x, h);
	xw_attr(c->x, "id", id);
	if (num[0])
		xw_leaf(c->x, "span", "num gen", num);
	if ((rc = marked_text(c, FOLIO_SOURCE_BLOCK, s, text)) < 0)
		return rc;
	xw_end(c->x);
	n = strlen(num) + strlen(text) + 1;
	label = malloc(n);
	if (label == NULL)
		return folio_error_set(c->err, FOLIO_ENOMEM, "out of memory");
	snprintf(label, n, "%s%s", num, text);
	snprintf(href, sizeof(href), "%s#%s", c->href, id);
	rc = epub_toc_add(c->b, level + tbase, label, href, c->err);
	free(label);
	if (rc < 0)
		return rc;
	rc = write_blocks(c, s->children, hbase, tbase);
	c->rank = outer;
	if (hbase > 1 || level > 1)
		xw_end(c->x);
	return rc;
}

static int write_block(content *c, const folio_block *bl, int index,
	int hbase, int tbase)
{
	const folio_block *ch;
	char num[64];
	int rc = 0;

	switch (bl->kind) {
	case FOLIO_BLOCK_PARA:
		at(c, bl->line, bl->col);
		mark_before(c, FOLIO_SOURCE_BLOCK, bl);
		rc = marked_leaf(c, "p", NULL, FOLIO_SOURCE_BLOCK, bl,
			bl->text ? bl->text : "");
		break;
	case FOLIO_BLOCK_SECTION:
		rc = write_section(c, bl, index, hbase, tbase);
		break;
	case FOLIO_BLOCK_LIST:
		/* An item's number is drawn ahead of its content: a page
		 * beginning with it is marked at the end of the item before,
		 * or ahead of the list for the first. */
		if (bl->children && bl->children->kind == FOLIO_BLOCK_PARA)
			mark_before(c, FOLIO_SOURCE_BLOCK, bl->children);
		xw_start(c->x, bl->ordered ? "ol" : "ul");
		for (ch = bl->children; ch != NULL && rc == 0; ch = ch->next) {
			xw_start(c->x, "li");
			if (ch->kind == FOLIO_BLOCK_PARA) {
				at(c, ch->line, ch->col);
				rc = marked_text(c, FOLIO_SOURCE_BLOCK, ch,
					ch->text ? ch->text : "");
			} else {
				rc = write_block(c, ch, 1, hbase, tbase);
			}
			if (ch->next && ch->next->kind == FOLIO_BLOCK_PARA)
				mark_before(c, FOLIO_SOURCE_BLOCK, ch->next);
			xw_end(c->x);
		}
		xw_end(c->x);
		break;
	case FOLIO_BLOCK_ARTICLE:
		folio_doc_number(num, sizeof(num), c->doc,
			FOLIO_BLOCK_ARTICLE, 0, ++c->articles);
		/* The ideographic space after 第N条 is the print layout's. */
		strncat(num, "\xe3\x80\x80", sizeof(num) - strlen(num) - 1);
		at(c, bl->line, bl->col);
		ch = bl->children;
		if (ch != NULL && ch->kind == FOLIO_BLOCK_PARA)
			mark_before(c, FOLIO_SOURCE_BLOCK, ch);
		xw_start(c->x, "p");
		xw_attr(c->x, "class", "article");
		xw_leaf(c->x, "span", "num gen", num);
		if (ch != NULL && ch->kind == FOLIO_BLOCK_PARA) {
			at(c, ch->line, ch->col);
			rc = marked_text(c, FOLIO_SOURCE_BLOCK, ch,
				ch->text ? ch->text : "");
			ch = ch->next;
		}
		xw_end(c->x);
		for (; ch != NULL && rc == 0; ch = ch->next)
			rc = write_block(c, ch, 1, hbase, tbase);
		break;
	case FOLIO_BLOCK_TABLE:
		epub_write_table(c->x, c->b, c->doc, bl);
		break;
	case FOLIO_BLOCK_FIGURE:
		rc = epub_write_figure(c->x, c->b, c->doc, bl, c->err);
		break;
	}
	return rc;
}

static int write_blocks(content *c, const folio_block *first, int hbase,
	int tbase)
{
	const folio_block *bl;
	int sections = 0, rc = 0;

	for (bl = first; bl != NULL && rc == 0; bl = bl->next)
		rc = write_block(c, bl, bl->kind == FOLIO_BLOCK_SECTION &&
			!bl->unnumbered ? ++sections : 0, hbase, tbase);
	return rc;
}

/* "A，B，C" + end, with the separators marked as generated. */
static void write_list_line(content *c, const folio_strlist *l,
	const char *end)
{
	size_t i;

	for (i = 0; i < l->count; i++) {
		if (i > 0)
			gen(c, "，");
		epub_inline(c->x, l->items[i]);
	}
	gen(c, end);
}

static int write_title_page(content *c)
{
	const folio_meta *m = &c->doc->meta;
	char date[64];
	int rc;

	rc = open_doc(c, EPUB_TITLE, "titlepage", m->title, "titlepage");
	if (rc < 0)
		return rc;
	xw_attr(c->x, "class", "titlepage");
	xw_position(c->x, c->doc->source_path, 1, 1);
	/* Page 1 begins the book: its 版头 is the title page's 文号 and
	 * issuer, below the title. */
	epub_mark_page(c->b, c->x, c->href, 0);
	if ((rc = marked_leaf(c, "h1", "title", FOLIO_SOURCE_TITLE, NULL,
		m->title)) < 0)
		return rc;
	if (m->subtitle)
		epub_inline_leaf(c->x, "p", "subtitle", m->subtitle);
	if (m->doc_number)
		epub_inline_leaf(c->x, "p", "docnum", m->doc_number);
	epub_inline_leaf(c->x, "p", "issuer", m->issuer ? m->issuer : "");
	epub_date_cn(date, sizeof(date), m->date);
	xw_leaf(c->x, "p", "date gen", date);
	rc = epub_toc_add(c->b, 1, m->title, EPUB_TITLE, c->err);
	if (rc < 0)
		return rc;
	return close_doc(c);
}

static int open_front(content *c)
{
	int rc = open_doc(c, "front.xhtml", "front", c->doc->meta.title,
		"bodymatter");

	if (rc < 0)
		return rc;
	xw_attr(c->x, "class", "front");
	return epub_toc_add(c->b, 1, "正文", "front.xhtml", c->err);
}

/* 附件说明 (GB/T 9704 7.3.3): 附件：1．title … under the text. */
static void write_attachment_list(content *c)
{
	const folio_attachment *a;
	char num[16];
	int n = 0, count = 0;

	for (a = c->doc->attachments; a != NULL; a = a->next)
		count++;
	if (count == 0)
		return;
	xw_start(c->x, "div");
	xw_attr(c->x, "class", "attachment-list");
	for (a = c->doc->attachments; a != NULL; a = a->next) {
		mark_before(c, FOLIO_SOURCE_ATTACHMENT_NOTE, a);
		xw_start(c->x, "p");
		gen(c, ++n == 1 ? "附件：" : "\xe3\x80\x80\xe3\x80\x80\xe3\x80\x80");
		if (count > 1) {
			snprintf(num, sizeof(num), "%d．", n);
			gen(c, num);
		}
		/* generated when the attachment's page has its title; an
		 * attachment without a body is listed here only, so here its
		 * title is the source's text */
		if (a->body != NULL)
			gen(c, a->title ? a->title : "");
		else
			epub_inline(c->x, a->title ? a->title : "");
		xw_end(c->x);
	}
	xw_end(c->x);
}

/* The 落款's organs, one a line as in print (GB/T 9704 7.3.5.2): a joint
 * 落款 holds them joined by ideographic spaces. */
static int write_signers(content *c, const char *issuer)
{
	const char *p = issuer ? issuer : "", *q;
	char *name;
	int rc, first = 1;

	for (;;) {
		while (strncmp(p, "\xe3\x80\x80", 3) == 0)
			p += 3;
		if (*p == '\0')
			return 0;
		q = strstr(p, "\xe3\x80\x80");
		if ((name = strndup(p, q ? (size_t)(q - p) : strlen(p))) ==
		    NULL)
			return folio_error_set(c->err, FOLIO_ENOMEM,
				"out of memory");
		/* A page can begin only at the lead organ (print keeps the
		 * closing block together): its markers go in its text. */
		if (first)
			rc = marked_leaf(c, "p", "signer",
				FOLIO_SOURCE_CLOSING, NULL, name);
		else
			rc = (epub_inline_leaf(c->x, "p", "signer", name), 0);
		free(name);
		if (rc < 0)
			return rc;
		first = 0;
		if (q == NULL)
			return 0;
		p = q;
	}
}

static int write_closing(content *c)
{
	const folio_doc *d = c->doc;
	const folio_meta *m = &d->meta;
	char date[64];
	int rc;

	xw_position(c->x, d->source_path, 1, 1);
	write_attachment_list(c);
	if (d->has_closing) {
		xw_start(c->x, "div");
		xw_attr(c->x, "class", "closing");
		mark_before(c, FOLIO_SOURCE_CLOSING, NULL);
		if ((rc = write_signers(c, d->closing.issuer ?
		    d->closing.issuer : m->issuer)) < 0)
			return rc;
		epub_date_cn(date, sizeof(date), d->closing.date ?
			d->closing.date : m->date);
		mark_before(c, FOLIO_SOURCE_DATE, NULL);
		xw_leaf(c->x, "p", "date gen", date);
		xw_end(c->x);
	}
	if (d->note) {
		xw_start(c->x, "p");
		xw_attr(c->x, "class", "note");
		gen(c, "（");
		xw_text(c->x, d->note);
		gen(c, "）");
		xw_end(c->x);
	}
	return 0;
}

/* 版记 (GB/T 9704 7.4): the end of the document, after the attachments,
 * as in print. */
static void write_imprint(content *c)
{
	const folio_meta *m = &c->doc->meta;
	char date[64];

	if (m->cc.count == 0 && m->printed_by == NULL &&
	    m->printed_date == NULL)
		return;
	xw_position(c->x, c->doc->source_path, 1, 1);
	mark_before(c, FOLIO_SOURCE_IMPRINT, NULL);
	xw_start(c->x, "div");
	xw_attr(c->x, "class", "imprint");
	if (m->cc.count) {
		xw_start(c->x, "p");
		xw_attr(c->x, "class", "cc");
		gen(c, "抄送：");
		write_list_line(c, &m->cc, "。");
		xw_end(c->x);
	}
	if (m->printed_by || m->printed_date) {
		xw_start(c->x, "p");
		xw_attr(c->x, "class", "printed");
		if (m->printed_by)
			epub_inline(c->x, m->printed_by);
		if (m->printed_date) {
			epub_date_cn(date, sizeof(date), m->printed_date);
			strncat(date, "印发", sizeof(date) - strlen(date) - 1);
			gen(c, date);
		}
		xw_end(c->x);
	}
	xw_end(c->x);
}

static int write_main_text(content *c)
{
	const folio_doc *d = c->doc;
	const folio_block *bl;
	char file[32], id[16];
	int sections = 0, rc = 0;

	if (d->meta.recipients.count) {
		if ((rc = open_front(c)) < 0)
			return rc;
		xw_position(c->x, d->source_path, 1, 1);
		mark_before(c, FOLIO_SOURCE_RECIPIENTS, NULL);
		xw_start(c->x, "p");
		xw_attr(c->x, "class", "recipients");
		write_list_line(c, &d->meta.recipients, "：");
		xw_end(c->x);
	}
	for (bl = d->body; bl != NULL && rc == 0; bl = bl->next) {
		if (bl->kind == FOLIO_BLOCK_SECTION) {
			if ((rc = close_doc(c)) < 0)
				return rc;
			snprintf(id, sizeof(id), "s%d", ++c->n_sections);
			snprintf(file, sizeof(file), "%s.xhtml", id);
			rc = open_doc(c, file, id, bl->text && bl->text[0] ?
				bl->text : d->meta.title, "chapter");
			if (rc < 0)
				return rc;
			rc = write_block(c, bl, bl->unnumbered ? 0 :
				++sections, 1, 0);
			continue;
		}
		if (c->x == NULL && (rc = open_front(c)) < 0)
			return rc;
		rc = write_block(c, bl, 0, 1, 0);
	}
	if (rc < 0)
		return rc;
	if (c->x == NULL && (rc = open_front(c)) < 0)
		return rc;
	return write_closing(c);  /* the document stays open */
}

static int write_attachments(content *c)
{
	const folio_attachment *a;
	char file[32], id[16], label[64], *toc;
	int n = 0, count = 0, rc;
	size_t len;

	for (a = c->doc->attachments; a != NULL; a = a->next)
		count++;
	for (a = c->doc->attachments; a != NULL; a = a->next) {
		const char *title = a->title ? a->title : "";
		n++;
		/* Listed only: its body is not part of the source. When the
		 * print still gives it a page (label and title), so does the
		 * book, for that page's marker to have its place. */
		if (a->body == NULL && !epub_page_starts_in(c->b,
			FOLIO_SOURCE_ATTACHMENT, a))
			continue;
		snprintf(id, sizeof(id), "a%d", n);
		snprintf(file, sizeof(file), "%s.xhtml", id);
		if (count > 1)
			snprintf(label, sizeof(label), "附件%d", n);
		else
			snprintf(label, sizeof(label), "附件");
		if ((rc = close_doc(c)) < 0)
			return rc;
		rc = open_doc(c, file, id, title[0] ? title : label,
			"appendix");
		if (rc < 0)
			return rc;
		xw_attr(c->x, "class", "attachment");
		mark_before(c, FOLIO_SOURCE_ATTACHMENT, a);
		xw_leaf(c->x, "p", "att-label gen", label);
		at(c, a->line, a->col);
		if ((rc = marked_leaf(c, "h2", "att-title",
			FOLIO_SOURCE_ATTACHMENT, a, title)) < 0)
			return rc;
		c->rank = 2;
		len = strlen(label) + strlen(title) + 4;
		if ((toc = malloc(len)) == NULL)
			return folio_error_set(c->err, FOLIO_ENOMEM,
				"out of memory");
		snprintf(toc, len, "%s\xe3\x80\x80%s", label, title);
		rc = epub_toc_add(c->b, 1, toc, file, c->err);
		free(toc);
		if (rc < 0)
			return rc;
		/* Numbering of clauses restarts in each attachment. */
		c->articles = 0;
		if ((rc = write_blocks(c, a->body, 2, 1)) < 0)
			return rc;
	}
	return 0;  /* the last document stays open */
}

int epub_write_content(folio_epub_book *b, folio_error *err)
{
	content c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.b = b;
	c.doc = b->doc;
	c.err = err;
	if ((rc = write_title_page(&c)) < 0 ||
	    (rc = write_main_text(&c)) < 0 ||
	    (rc = write_attachments(&c)) < 0) {
		xw_free(c.x);
		return rc;
	}
	/* The book ends with the 版记, on the last page; a page the spine
	 * had no place for is marked there. */
	epub_mark_rest(b, c.x, c.href);
	write_imprint(&c);
	return close_doc(&c);
}
