#include "model/xml_write.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/file.h"
#include "util/xml_writer.h"

#define FOLIO_NS "urn:folio:document:1"

/* The folio_xmlw keeps its first failure (and its message); the steps
 * below return it so a walk stops there. */
typedef struct writer {
	folio_xmlw *w;
	const folio_doc *doc;
	folio_error *err;
} writer;

/* The writer would refuse such text too, but this message names the
 * source position and the element a clerk has to fix. */
static int check_text(writer *wr, const char *s, const char *what,
	unsigned line, unsigned col)
{
	uint32_t c;
	size_t off;

	if (s == NULL || s[0] == '\0')
		return folio_error_set(wr->err, FOLIO_EINPUT,
			"%s:%u:%u: expected text in %s, found none",
			wr->doc->source_path, line ? line : 1, col ? col : 1,
			what);
	if (!folio_xml_text_ok(s, strlen(s), &c, &off))
		return folio_error_set(wr->err, FOLIO_EINPUT,
			"%s:%u:%u: expected characters XML allows in "
			"%s, found %s U+%04X", wr->doc->source_path,
			line ? line : 1, col ? col : 1, what,
			c != 0xFFFFFFFFu ? "character" : "invalid UTF-8 near",
			c != 0xFFFFFFFFu ? (unsigned)c : 0xFFFDu);
	return 0;
}

static int element(writer *wr, const char *name, const char *text,
	unsigned line, unsigned col)
{
	int rc = check_text(wr, text, name, line, col);

	if (rc < 0)
		return rc;
	folio_xmlw_element(wr->w, name, text);
	return folio_xmlw_status(wr->w);
}

static int optional(writer *wr, const char *name, const char *text)
{
	return text != NULL ? element(wr, name, text, 1, 1) : 0;
}

static int start(writer *wr, const char *name)
{
	folio_xmlw_start(wr->w, name);
	return folio_xmlw_status(wr->w);
}

static int end(writer *wr)
{
	folio_xmlw_end(wr->w);
	return folio_xmlw_status(wr->w);
}

static int list(writer *wr, const char *outer, const char *inner,
	const folio_strlist *l)
{
	size_t i;
	int rc;

	if (l->count == 0)
		return 0;
	if ((rc = start(wr, outer)) < 0)
		return rc;
	for (i = 0; i < l->count; i++)
		if ((rc = element(wr, inner, l->items[i], 1, 1)) < 0)
			return rc;
	return end(wr);
}

static int meta(writer *wr)
{
	const folio_meta *m = &wr->doc->meta;
	int rc;

	if ((rc = start(wr, "meta")) < 0 ||
	    (rc = element(wr, "title", m->title, 1, 1)) < 0 ||
	    (rc = optional(wr, "subtitle", m->subtitle)) < 0 ||
	    (rc = element(wr, "issuer", m->issuer, 1, 1)) < 0 ||
	    (rc = optional(wr, "doc-number", m->doc_number)) < 0 ||
	    (rc = element(wr, "date", m->date, 1, 1)) < 0 ||
	    (rc = optional(wr, "category", m->category)) < 0 ||
	    (rc = optional(wr, "subject", m->subject)) < 0 ||
	    (rc = optional(wr, "index-number", m->index_number)) < 0 ||
	    (rc = optional(wr, "security", m->security)) < 0 ||
	    (rc = optional(wr, "retention", m->retention)) < 0 ||
	    (rc = list(wr, "keywords", "keyword", &m->keywords)) < 0 ||
	    (rc = list(wr, "recipients", "recipient", &m->recipients)) < 0 ||
	    (rc = list(wr, "cc", "recipient", &m->cc)) < 0 ||
	    (rc = optional(wr, "printed-by", m->printed_by)) < 0 ||
	    (rc = optional(wr, "printed-date", m->printed_date)) < 0 ||
	    (rc = optional(wr, "url", m->url)) < 0)
		return rc;
	return end(wr);
}

static int blocks(writer *wr, const folio_block *b, int depth);

static int attr(writer *wr, const char *name, const char *value)
{
	folio_xmlw_attr(wr->w, name, value);
	return folio_xmlw_status(wr->w);
}

static int number_attr(writer *wr, const char *name, unsigned long v)
{
	char s[32];

	snprintf(s, sizeof(s), "%lu", v);
	return attr(wr, name, s);
}

/* One paragraph is written as the cell's text, several as <p>s, none
 * as an empty <cell/>. */
static int cell(writer *wr, const folio_cell *c)
{
	const folio_block *p;
	int rc;

	if ((rc = start(wr, "cell")) < 0 ||
	    (c->colspan > 1 && (rc = number_attr(wr, "colspan",
	    (unsigned long)c->colspan)) < 0) ||
	    (c->rowspan > 1 && (rc = number_attr(wr, "rowspan",
	    (unsigned long)c->rowspan)) < 0))
		return rc;
	if (c->paras != NULL && c->paras->next == NULL) {
		if ((rc = check_text(wr, c->paras->text, "cell",
		    c->paras->line, c->paras->col)) < 0)
			return rc;
		folio_xmlw_text(wr->w, c->paras->text);
		if ((rc = folio_xmlw_status(wr->w)) < 0)
			return rc;
	} else {
		for (p = c->paras; p != NULL; p = p->next)
			if ((rc = element(wr, "p", p->text, p->line,
			    p->col)) < 0)
				return rc;
	}
	return end(wr);
}

static int table(writer *wr, const folio_block *b)
{
	const folio_table *t = b->table;
	char widths[FOLIO_MAX_TABLE_COLS * 8];
	size_t r, i, len = 0;
	int rc;

	if (t == NULL || t->n_rows == 0)
		return folio_error_set(wr->err, FOLIO_EINPUT, "%s:%u:%u: "
			"expected rows in this table, found none",
			wr->doc->source_path, b->line, b->col);
	if ((rc = start(wr, "table")) < 0)
		return rc;
	if (t->widths != NULL && t->n_cols <= FOLIO_MAX_TABLE_COLS) {
		for (i = 0; i < t->n_cols; i++)
			len += (size_t)snprintf(widths + len,
				sizeof(widths) - len, "%s%u", i ? " " : "",
				t->widths[i] % 1000000);
		if ((rc = attr(wr, "widths", widths)) < 0)
			return rc;
	}
	for (r = 0; r < t->n_rows; r++) {
		const folio_row *row = &t->rows[r];

		if (row->n_cells == 0)
			return folio_error_set(wr->err, FOLIO_EINPUT,
				"%s:%u:%u: expected cells in this row, found "
				"none", wr->doc->source_path, row->line,
				row->col);
		if ((rc = start(wr, "row")) < 0 ||
		    (row->header && (rc = attr(wr, "header", "yes")) < 0))
			return rc;
		for (i = 0; i < row->n_cells; i++)
			if ((rc = cell(wr, &row->cells[i])) < 0)
				return rc;
		if ((rc = end(wr)) < 0)
			return rc;
	}
	return end(wr);
}

static int figure(writer *wr, const folio_block *b)
{
	const folio_figure *f = b->figure;
	char width[32];
	int rc;

	if (f == NULL || !folio_figure_src_valid(f->src))
		return folio_error_set(wr->err, FOLIO_EINPUT, "%s:%u:%u: "
			"expected a figure with a relative image path, found "
			"'%s'", wr->doc->source_path, b->line, b->col,
			f && f->src ? f->src : "");
	if ((rc = start(wr, "figure")) < 0 ||
	    (rc = attr(wr, "src", f->src)) < 0)
		return rc;
	if (f->width_mm100 > 0) {
		if (f->width_mm100 % 100 == 0)
			snprintf(width, sizeof(width), "%umm",
				f->width_mm100 / 100 % 10000);
		else
			snprintf(width, sizeof(width), "%u.%02umm",
				f->width_mm100 / 100 % 10000,
				f->width_mm100 % 100);
		if ((rc = attr(wr, "width", width)) < 0)
			return rc;
	}
	if ((rc = optional(wr, "caption", f->caption)) < 0 ||
	    (rc = optional(wr, "alt", f->alt)) < 0)
		return rc;
	return end(wr);
}

static int block(writer *wr, const folio_block *b, int depth)
{
	const folio_block *c;
	int rc, n = 0;

	switch (b->kind) {
	case FOLIO_BLOCK_PARA:
		return element(wr, "p", b->text, b->line, b->col);
	case FOLIO_BLOCK_SECTION:
		if ((rc = start(wr, "section")) < 0)
			return rc;
		if (b->unnumbered && (rc = attr(wr, "numbered", "no")) < 0)
			return rc;
		if ((rc = element(wr, "heading", b->text, b->line,
		    b->col)) < 0 ||
		    (rc = blocks(wr, b->children, depth + 1)) < 0)
			return rc;
		return end(wr);
	case FOLIO_BLOCK_LIST:
		if ((rc = start(wr, "list")) < 0)
			return rc;
		if ((rc = attr(wr, "type", b->ordered ? "ordered" :
		    "unordered")) < 0)
			return rc;
		for (c = b->children; c; c = c->next, n++)
			if ((rc = element(wr, "item", c->text, c->line,
			    c->col)) < 0)
				return rc;
		break;
	case FOLIO_BLOCK_ARTICLE:
		if ((rc = start(wr, "article")) < 0)
			return rc;
		if (b->text != NULL) {
			if ((rc = element(wr, "p", b->text, b->line,
			    b->col)) < 0)
				return rc;
			n++;
		}
		for (c = b->children; c; c = c->next, n++) {
			if (c->kind != FOLIO_BLOCK_PARA)
				return folio_error_set(wr->err, FOLIO_EINPUT,
					"%s:%u:%u: expected only paragraphs "
					"in an article, found a %s",
					wr->doc->source_path, c->line,
					c->col, c->kind == FOLIO_BLOCK_LIST ?
					"list" : "section or article");
			if ((rc = element(wr, "p", c->text, c->line,
			    c->col)) < 0)
				return rc;
		}
		break;
	case FOLIO_BLOCK_TABLE:
		return table(wr, b);
	case FOLIO_BLOCK_FIGURE:
		return figure(wr, b);
	default:
		return folio_error_set(wr->err, FOLIO_EINPUT,
			"%s:%u:%u: expected a paragraph, section, list, "
			"article, table or figure, found block kind %d", wr->doc->source_path,
			b->line, b->col, (int)b->kind);
	}
	/* Lists and articles need at least one child in the schema. */
	if (n == 0)
		return folio_error_set(wr->err, FOLIO_EINPUT,
			"%s:%u:%u: expected text in this %s, found none",
			wr->doc->source_path, b->line, b->col,
			b->kind == FOLIO_BLOCK_LIST ? "list" : "article");
	return end(wr);
}

static int blocks(writer *wr, const folio_block *b, int depth)
{
	int rc;

	if (depth > FOLIO_MAX_DEPTH)
		return folio_error_set(wr->err, FOLIO_ELIMIT,
			"%s:%u:%u: sections nest deeper than %d levels",
			wr->doc->source_path, b ? b->line : 1, b ? b->col : 1,
			FOLIO_MAX_DEPTH);
	for (; b != NULL; b = b->next)
		if ((rc = block(wr, b, depth)) < 0)
			return rc;
	return 0;
}

static int document(writer *wr)
{
	const folio_doc *doc = wr->doc;
	const folio_attachment *a;
	int rc;

	folio_xmlw_start_ns(wr->w, NULL, "document", FOLIO_NS);
	if ((rc = folio_xmlw_status(wr->w)) < 0 ||
	    (doc->meta.id != NULL && (rc = attr(wr, "id",
	    doc->meta.id)) < 0) ||
	    (doc->numbering != FOLIO_NUMBERING_GBT9704 && (rc = attr(wr,
	    "numbering", doc->numbering == FOLIO_NUMBERING_PARTS ? "parts" :
	    "chapters")) < 0) ||
	    (doc->lang != NULL && (rc = attr(wr, "xml:lang", doc->lang)) < 0))
		return rc;
	if ((rc = meta(wr)) < 0 || (rc = start(wr, "body")) < 0 ||
	    (rc = blocks(wr, doc->body, 1)) < 0 || (rc = end(wr)) < 0)
		return rc;
	if (doc->has_closing) {
		if ((rc = start(wr, "closing")) < 0 ||
		    (rc = optional(wr, "issuer", doc->closing.issuer)) < 0 ||
		    (rc = optional(wr, "date", doc->closing.date)) < 0 ||
		    (rc = end(wr)) < 0)
			return rc;
	}
	if ((rc = optional(wr, "note", doc->note)) < 0)
		return rc;
	for (a = doc->attachments; a; a = a->next) {
		if ((rc = start(wr, "attachment")) < 0 ||
		    (rc = element(wr, "title", a->title, a->line,
		    a->col)) < 0 ||
		    (rc = blocks(wr, a->body, 1)) < 0 ||
		    (rc = end(wr)) < 0)
			return rc;
	}
	return 0;
}

int folio_xml_write(folio_buf *out, const folio_doc *doc, folio_error *err)
{
	writer wr = {NULL, doc, err};
	size_t before = out->len;
	int rc;

	if ((rc = folio_xmlw_new_buf(&wr.w, out, doc->source_path, "  ",
	    err)) < 0)
		return rc;
	if ((rc = document(&wr)) == 0)
		rc = folio_xmlw_close(wr.w);
	folio_xmlw_free(wr.w);
	/* Text files end with a newline (the indenting writer ends the
	 * root element with one; this keeps the rule if that changes). */
	if (rc == 0 && out->len > before && out->data[out->len - 1] != '\n')
		rc = folio_buf_putc(out, '\n');
	if (rc < 0) {
		/* Nothing half-written stays in out. */
		out->len = before;
		if (out->data)
			out->data[before] = '\0';
	}
	if (rc == FOLIO_ELIMIT || rc == FOLIO_ENOMEM)
		rc = folio_error_set(err, rc, "%s: the XML source exceeds "
			"the output limit", doc->source_path);
	return rc;
}

int folio_xml_write_file(const char *path, const folio_doc *doc,
	folio_error *err)
{
	folio_buf b = {0};
	int rc;

	b.limit = FOLIO_MAX_SOURCE_BYTES * 4;
	rc = folio_xml_write(&b, doc, err);
	if (rc == 0)
		rc = folio_file_write_atomic(path, b.data, b.len, err);
	folio_buf_free(&b);
	return rc;
}
