#include "model/xml_write.h"

#include <stdio.h>
#include <string.h>

#include <libxml/xmlstring.h>
#include <libxml/xmlwriter.h>

#include "util/file.h"
#include "util/utf8.h"

#define FOLIO_NS "urn:folio:document:1"

/* xmlChar is unsigned char; this keeps const (BAD_CAST drops it). */
static const xmlChar *X(const char *s)
{
	return (const xmlChar *)s;
}

typedef struct writer {
	xmlTextWriterPtr w;
	const folio_doc *doc;
	folio_error *err;
} writer;

/* libxml2 would write any byte it is given; a source a clerk cannot
 * reopen is worse than a refusal, so text is checked first. */
static int check_text(writer *wr, const char *s, const char *what,
	unsigned line, unsigned col)
{
	size_t n, off = 0, len;
	uint32_t c;

	if (s == NULL || s[0] == '\0')
		return folio_error_set(wr->err, FOLIO_EINPUT,
			"%s:%u:%u: expected text in %s, found none",
			wr->doc->source_path, line ? line : 1, col ? col : 1,
			what);
	n = strlen(s);
	while (off < n) {
		len = folio_utf8_decode(s + off, n - off, &c);
		if (len == 0 || (c < 0x20 && c != '\t' && c != '\n' &&
		    c != '\r') || c == 0xFFFE || c == 0xFFFF)
			return folio_error_set(wr->err, FOLIO_EINPUT,
				"%s:%u:%u: expected characters XML allows in "
				"%s, found %s U+%04X", wr->doc->source_path,
				line ? line : 1, col ? col : 1, what,
				len ? "character" : "invalid UTF-8 near",
				(unsigned)c);
		off += len;
	}
	return 0;
}

static int lib_failed(writer *wr)
{
	return folio_error_set(wr->err, FOLIO_ELIB,
		"%s: libxml2 could not write the XML source",
		wr->doc->source_path);
}

static int element(writer *wr, const char *name, const char *text,
	unsigned line, unsigned col)
{
	int rc = check_text(wr, text, name, line, col);

	if (rc < 0)
		return rc;
	if (xmlTextWriterWriteElement(wr->w, X(name),
	    X(text)) < 0)
		return lib_failed(wr);
	return 0;
}

static int optional(writer *wr, const char *name, const char *text)
{
	return text != NULL ? element(wr, name, text, 1, 1) : 0;
}

static int start(writer *wr, const char *name)
{
	return xmlTextWriterStartElement(wr->w, X(name)) < 0 ?
		lib_failed(wr) : 0;
}

static int end(writer *wr)
{
	return xmlTextWriterEndElement(wr->w) < 0 ? lib_failed(wr) : 0;
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
	return xmlTextWriterWriteAttribute(wr->w, X(name), X(value)) < 0 ?
		lib_failed(wr) : 0;
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
		if (xmlTextWriterWriteString(wr->w, X(c->paras->text)) < 0)
			return lib_failed(wr);
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
		if (b->unnumbered && xmlTextWriterWriteAttribute(wr->w,
		    X("numbered"), X("no")) < 0)
			return lib_failed(wr);
		if ((rc = element(wr, "heading", b->text, b->line,
		    b->col)) < 0 ||
		    (rc = blocks(wr, b->children, depth + 1)) < 0)
			return rc;
		return end(wr);
	case FOLIO_BLOCK_LIST:
		if ((rc = start(wr, "list")) < 0)
			return rc;
		if (xmlTextWriterWriteAttribute(wr->w, X("type"),
		    X(b->ordered ? "ordered" : "unordered")) < 0)
			return lib_failed(wr);
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

	if (xmlTextWriterStartDocument(wr->w, NULL, "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElementNS(wr->w, NULL, X("document"),
	    X(FOLIO_NS)) < 0)
		return lib_failed(wr);
	if (doc->meta.id != NULL && xmlTextWriterWriteAttribute(wr->w,
	    X("id"), X(doc->meta.id)) < 0)
		return lib_failed(wr);
	if (doc->numbering != FOLIO_NUMBERING_GBT9704 &&
	    xmlTextWriterWriteAttribute(wr->w, X("numbering"),
	    X(doc->numbering == FOLIO_NUMBERING_PARTS ? "parts" :
	    "chapters")) < 0)
		return lib_failed(wr);
	if (doc->lang != NULL && xmlTextWriterWriteAttribute(wr->w,
	    X("xml:lang"), X(doc->lang)) < 0)
		return lib_failed(wr);
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
	if (xmlTextWriterEndDocument(wr->w) < 0)
		return lib_failed(wr);
	return 0;
}

int folio_xml_write(folio_buf *out, const folio_doc *doc, folio_error *err)
{
	writer wr = {NULL, doc, err};
	xmlBufferPtr xb = xmlBufferCreate();
	size_t before = out->len;
	int rc;

	if (xb == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "%s: out of memory",
			doc->source_path);
	wr.w = xmlNewTextWriterMemory(xb, 0);
	if (wr.w == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "%s: out of memory",
			doc->source_path);
		goto done;
	}
	if (xmlTextWriterSetIndent(wr.w, 1) < 0 ||
	    xmlTextWriterSetIndentString(wr.w, X("  ")) < 0) {
		rc = lib_failed(&wr);
		goto done;
	}
	rc = document(&wr);
	/* Freeing the writer flushes into the buffer. */
	xmlFreeTextWriter(wr.w);
	wr.w = NULL;
	if (rc < 0)
		goto done;
	rc = folio_buf_append(out, xmlBufferContent(xb),
		(size_t)xmlBufferLength(xb));
	/* Text files end with a newline; libxml2's memory writer omits it. */
	if (rc == 0 && out->len > before && out->data[out->len - 1] != '\n')
		rc = folio_buf_putc(out, '\n');
	if (rc < 0) {
		out->len = before;
		if (out->data)
			out->data[before] = '\0';
		rc = folio_error_set(err, rc, "%s: the XML source exceeds "
			"the output limit", doc->source_path);
	}
done:
	if (wr.w != NULL)
		xmlFreeTextWriter(wr.w);
	xmlBufferFree(xb);
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
