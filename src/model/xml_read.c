#include "model/xml_read.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "util/buf.h"
#include "util/xml.h"

#define SCHEMA "document"
#define FOLIO_NS "urn:folio:document:1"

typedef struct reader {
	folio_doc *doc;
	const char *name;
	folio_error *err;
} reader;

static int at(reader *r, const xmlNode *n, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Set the error at n's start tag: "file:line:col: <name>: ...". */
static int at(reader *r, const xmlNode *n, int code, const char *fmt, ...)
{
	char text[FOLIO_ERROR_MSG_MAX];
	va_list ap;
	long line = folio_xml_node_line(n);

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return folio_error_set(r->err, code, "%s:%ld:%u: <%s>: %s", r->name,
		line > 0 ? line : 1, folio_xml_node_col(n),
		(const char *)n->name, text);
}

static void set_position(folio_block *b, const xmlNode *n)
{
	long line = folio_xml_node_line(n);

	b->line = line > 0 ? (unsigned)line : 1;
	b->col = folio_xml_node_col(n);
}

static int is(const xmlNode *n, const char *local)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
		strcmp((const char *)n->name, local) == 0;
}

static xmlNode *child(const xmlNode *parent, const char *local)
{
	xmlNode *c;

	for (c = parent ? parent->children : NULL; c != NULL; c = c->next)
		if (is(c, local))
			return c;
	return NULL;
}

/* The text of a leaf element (the schema allows only text there; a
 * comment may split it into several nodes). */
static int text_in(const char **out, reader *r, const xmlNode *n,
	int para)
{
	folio_buf b = {0};
	const xmlNode *c, *only = NULL;
	size_t total = 0, parts = 0;
	int rc;

	*out = NULL;
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_TEXT_NODE &&
		    c->type != XML_CDATA_SECTION_NODE)
			continue;
		total += strlen((const char *)c->content);
		only = c;
		parts++;
	}
	/* Checked here rather than left to folio_doc_text so the message
	 * carries the element's position. */
	if (total > FOLIO_MAX_TEXT_BYTES)
		return at(r, n, FOLIO_ELIMIT, "text limit exceeded: expected "
			"at most %zu bytes in one text, found %zu bytes",
			FOLIO_MAX_TEXT_BYTES, total);
	if (parts == 1) {
		rc = (para ? folio_doc_para_text : folio_doc_text)(out, r->doc,
			(const char *)only->content, total, r->err);
	} else {
		b.limit = FOLIO_MAX_TEXT_BYTES + 1;
		for (c = n->children; c != NULL; c = c->next)
			if ((c->type == XML_TEXT_NODE ||
			    c->type == XML_CDATA_SECTION_NODE) &&
			    folio_buf_puts(&b, (const char *)c->content) < 0) {
				folio_buf_free(&b);
				return folio_error_set(r->err, FOLIO_ENOMEM,
					"%s: out of memory", r->name);
			}
		rc = (para ? folio_doc_para_text : folio_doc_text)(out, r->doc,
			b.data ? b.data : "", b.len, r->err);
		folio_buf_free(&b);
	}
	if (rc < 0)
		return rc;
	if ((*out)[0] == '\0')
		return at(r, n, FOLIO_EINPUT, "expected text, found %s",
			parts ? "only white space" : "nothing");
	return 0;
}

static int text_of(const char **out, reader *r, const xmlNode *n)
{
	return text_in(out, r, n, 0);
}

/* A paragraph's text keeps a form's trailing blanks. */
static int para_text_of(const char **out, reader *r, const xmlNode *n)
{
	return text_in(out, r, n, 1);
}

static folio_block *new_block(reader *r, folio_block_kind kind,
	const xmlNode *n)
{
	folio_block *b = folio_doc_block(r->doc, kind);

	if (b == NULL) {
		folio_error_set(r->err, FOLIO_ELIMIT,
			"%s: document exceeds the memory limit", r->name);
		return NULL;
	}
	set_position(b, n);
	return b;
}

static int read_paras(folio_block **out, reader *r, const xmlNode *first,
	const char *local)
{
	const xmlNode *n;
	folio_block *b;
	int rc;

	for (n = first; n != NULL; n = n->next) {
		if (!is(n, local))
			continue;
		if ((b = new_block(r, FOLIO_BLOCK_PARA, n)) == NULL)
			return FOLIO_ELIMIT;
		if ((rc = para_text_of(&b->text, r, n)) < 0)
			return rc;
		*out = b;
		out = &b->next;
	}
	return 0;
}

/* A positive whole number attribute (schema-checked shape), capped so
 * later arithmetic cannot overflow. */
static int number_attr(int *out, reader *r, const xmlNode *n,
	const char *name, long max)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	const char *s = (const char *)v;
	long value = 0;
	int digits = 0;

	if (v == NULL)
		return 0;
	for (; *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'; s++)
		;
	for (; *s >= '0' && *s <= '9' && value <= max; s++, digits++)
		value = value * 10 + (*s - '0');
	xmlFree(v);
	if (digits == 0 || value < 1 || value > max)
		return at(r, n, FOLIO_EINPUT, "expected %s from 1 to %ld",
			name, max);
	*out = (int)value;
	return 0;
}

static int count_children(const xmlNode *n, const char *local)
{
	const xmlNode *c;
	int k = 0;

	for (c = n->children; c != NULL; c = c->next)
		if (is(c, local))
			k++;
	return k;
}

/* widths="2 3 3": relative column widths, which also fix the number of
 * grid columns; without them the first row's spans do. */
static int read_widths(folio_table *t, reader *r, const xmlNode *n)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)"widths");
	const char *s = (const char *)v;
	unsigned w[FOLIO_MAX_TABLE_COLS], *copy;
	size_t count = 0;
	unsigned long value;
	int rc = 0;

	if (v == NULL)
		return 0;
	while (*s) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			s++;
			continue;
		}
		value = 0;
		while (*s >= '0' && *s <= '9' && value < 1000000)
			value = value * 10 + (unsigned long)(*s++ - '0');
		if (value == 0 || value >= 1000000 || (*s && *s != ' ' &&
		    *s != '\t' && *s != '\n' && *s != '\r')) {
			rc = at(r, n, FOLIO_EINPUT, "expected widths as whole "
				"numbers from 1 to 999999, found '%s'",
				(const char *)v);
			goto done;
		}
		if (count == FOLIO_MAX_TABLE_COLS) {
			rc = at(r, n, FOLIO_ELIMIT, "table limit exceeded: "
				"expected at most %d columns", FOLIO_MAX_TABLE_COLS);
			goto done;
		}
		w[count++] = (unsigned)value;
	}
	copy = folio_arena_alloc(r->doc->arena, count * sizeof(*copy) + 1);
	if (copy == NULL) {
		rc = folio_error_set(r->err, FOLIO_ELIMIT, "%s: document "
			"exceeds the memory limit", r->name);
		goto done;
	}
	memcpy(copy, w, count * sizeof(*copy));
	t->widths = copy;
	t->n_cols = count;
done:
	xmlFree(v);
	return rc;
}

/* A cell holds text, or <p> paragraphs, or nothing. */
static int read_cell(folio_cell *cell, reader *r, const xmlNode *n)
{
	const xmlNode *c;
	int rc, paras = count_children(n, "p");

	cell->line = (unsigned)folio_xml_node_line(n);
	cell->col = folio_xml_node_col(n);
	if ((rc = number_attr(&cell->colspan, r, n, "colspan",
	    FOLIO_MAX_TABLE_COLS)) < 0 ||
	    (rc = number_attr(&cell->rowspan, r, n, "rowspan",
	    FOLIO_MAX_TABLE_ROWS)) < 0)
		return rc;
	if (paras > FOLIO_MAX_CELL_PARAS)
		return at(r, n, FOLIO_ELIMIT, "cell limit exceeded: expected "
			"at most %d paragraphs, found %d", FOLIO_MAX_CELL_PARAS,
			paras);
	if (paras > 0)
		return read_paras(&cell->paras, r, n->children, "p");
	for (c = n->children; c != NULL; c = c->next)
		if ((c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE) && c->content != NULL &&
		    strspn((const char *)c->content, " \t\r\n") !=
		    strlen((const char *)c->content))
			break;
	if (c == NULL)
		return 0;       /* an empty cell */
	if ((cell->paras = new_block(r, FOLIO_BLOCK_PARA, n)) == NULL)
		return FOLIO_ELIMIT;
	return text_of(&cell->paras->text, r, n);
}

static int read_table(folio_block *b, reader *r, const xmlNode *n)
{
	const xmlNode *rn, *cn;
	folio_table *t;
	folio_row *row;
	xmlChar *v;
	int rows = count_children(n, "row"), cells, k, rc, span;

	if (rows > FOLIO_MAX_TABLE_ROWS)
		return at(r, n, FOLIO_ELIMIT, "table limit exceeded: expected "
			"at most %d rows, found %d", FOLIO_MAX_TABLE_ROWS, rows);
	if (rows == 0)
		return at(r, n, FOLIO_EINPUT, "expected at least one <row>, "
			"found none");
	if ((t = folio_doc_table(r->doc, (size_t)rows)) == NULL)
		return folio_error_set(r->err, FOLIO_ELIMIT, "%s: document "
			"exceeds the memory limit", r->name);
	b->table = t;
	if ((rc = read_widths(t, r, n)) < 0)
		return rc;
	row = t->rows;
	for (rn = n->children; rn != NULL; rn = rn->next) {
		if (!is(rn, "row"))
			continue;
		row->line = (unsigned)folio_xml_node_line(rn);
		row->col = folio_xml_node_col(rn);
		v = xmlGetProp(rn, (const xmlChar *)"header");
		row->header = v != NULL && strcmp((const char *)v, "yes") == 0;
		xmlFree(v);
		cells = count_children(rn, "cell");
		if (cells > FOLIO_MAX_TABLE_COLS)
			return at(r, rn, FOLIO_ELIMIT, "table limit exceeded: "
				"expected at most %d cells in a row, found %d",
				FOLIO_MAX_TABLE_COLS, cells);
		if (cells > 0 && (row->cells = folio_doc_cells(r->doc,
		    (size_t)cells)) == NULL)
			return folio_error_set(r->err, FOLIO_ELIMIT, "%s: "
				"document exceeds the memory limit", r->name);
		k = 0;
		for (cn = rn->children; cn != NULL; cn = cn->next) {
			if (!is(cn, "cell"))
				continue;
			if ((rc = read_cell(&row->cells[k++], r, cn)) < 0)
				return rc;
		}
		row->n_cells = (size_t)cells;
		row++;
	}
	/* Without widths the first row's spans count the columns. */
	if (t->widths == NULL) {
		span = 0;
		for (k = 0; k < (int)t->rows[0].n_cells; k++)
			span += t->rows[0].cells[k].colspan;
		t->n_cols = (size_t)span;
	}
	return folio_table_check(r->doc, t, b->line, b->col, r->err);
}

/* width="120mm" or "80.5mm": kept in 1/100 mm, parsed without the
 * locale's decimal point. */
static int read_figure(folio_block *b, reader *r, const xmlNode *n)
{
	folio_figure *f = folio_doc_figure(r->doc);
	const xmlNode *caption = child(n, "caption"), *alt = child(n, "alt");
	xmlChar *v;
	const char *s;
	unsigned long whole = 0, frac = 0;
	int digits = 0, fdigits = 0, rc;

	if (f == NULL)
		return folio_error_set(r->err, FOLIO_ELIMIT, "%s: document "
			"exceeds the memory limit", r->name);
	b->figure = f;
	v = xmlGetProp(n, (const xmlChar *)"src");
	f->src = v ? folio_arena_strdup(r->doc->arena, (const char *)v) :
		NULL;
	xmlFree(v);
	if ((v = xmlGetProp(n, (const xmlChar *)"width")) != NULL) {
		for (s = (const char *)v; *s >= '0' && *s <= '9' &&
		    digits < 5; s++, digits++)
			whole = whole * 10 + (unsigned long)(*s - '0');
		if (*s == '.')
			for (s++; *s >= '0' && *s <= '9' && fdigits < 2;
			    s++, fdigits++)
				frac = frac * 10 + (unsigned long)(*s - '0');
		if (fdigits == 1)
			frac *= 10;
		rc = digits == 0 || digits > 4 || strcmp(s, "mm") != 0 ||
			whole * 100 + frac == 0;
		xmlFree(v);
		if (rc)
			return at(r, n, FOLIO_EINPUT, "expected width as "
				"millimetres, e.g. \"120mm\" or \"80.5mm\"");
		f->width_mm100 = (unsigned)(whole * 100 + frac);
	}
	if ((caption != NULL && (rc = text_of(&f->caption, r, caption)) < 0) ||
	    (alt != NULL && (rc = text_of(&f->alt, r, alt)) < 0))
		return rc;
	return folio_figure_load(r->doc, f, b->line, b->col, r->err);
}

static int read_blocks(folio_block **out, reader *r, const xmlNode *first,
	int level)
{
	const xmlNode *n, *heading;
	folio_block *b;
	xmlChar *type;
	int rc;

	for (n = first; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (is(n, "p")) {
			if ((b = new_block(r, FOLIO_BLOCK_PARA, n)) == NULL)
				return FOLIO_ELIMIT;
			rc = para_text_of(&b->text, r, n);
		} else if (is(n, "list")) {
			if ((b = new_block(r, FOLIO_BLOCK_LIST, n)) == NULL)
				return FOLIO_ELIMIT;
			type = xmlGetProp(n, (const xmlChar *)"type");
			b->ordered = type != NULL &&
				strcmp((const char *)type, "ordered") == 0;
			xmlFree(type);
			rc = read_paras(&b->children, r, n->children, "item");
		} else if (is(n, "section")) {
			if (level > FOLIO_MAX_HEADING_LEVEL)
				return at(r, n, FOLIO_EINPUT, "expected "
					"sections nested at most %d deep "
					"(一、 （一） 1. （1）), found a "
					"level-%d section",
					FOLIO_MAX_HEADING_LEVEL, level);
			if ((b = new_block(r, FOLIO_BLOCK_SECTION, n)) == NULL)
				return FOLIO_ELIMIT;
			b->level = level;
			type = xmlGetProp(n, (const xmlChar *)"numbered");
			b->unnumbered = type != NULL &&
				strcmp((const char *)type, "no") == 0;
			xmlFree(type);
			heading = child(n, "heading");
			if (heading == NULL)
				return at(r, n, FOLIO_EINPUT, "expected a "
					"<heading>, found none");
			if ((rc = text_of(&b->text, r, heading)) < 0)
				return rc;
			rc = read_blocks(&b->children, r, heading->next,
				level + 1);
		} else if (is(n, "article")) {
			if ((b = new_block(r, FOLIO_BLOCK_ARTICLE, n)) == NULL)
				return FOLIO_ELIMIT;
			rc = read_paras(&b->children, r, n->children, "p");
		} else if (is(n, "table")) {
			if ((b = new_block(r, FOLIO_BLOCK_TABLE, n)) == NULL)
				return FOLIO_ELIMIT;
			rc = read_table(b, r, n);
		} else if (is(n, "figure")) {
			if ((b = new_block(r, FOLIO_BLOCK_FIGURE, n)) == NULL)
				return FOLIO_ELIMIT;
			rc = read_figure(b, r, n);
		} else {
			/* The schema admits nothing else; say so anyway. */
			return at(r, n, FOLIO_EINPUT, "expected <p>, <list>, "
				"<section>, <article>, <table> or <figure>, "
				"found <%s>",
				(const char *)n->name);
		}
		if (rc < 0)
			return rc;
		*out = b;
		out = &b->next;
	}
	return 0;
}

static int read_list(folio_strlist *list, reader *r, const xmlNode *n,
	const char *item)
{
	const xmlNode *c;
	const char *s;
	int rc;

	for (c = n->children; c != NULL; c = c->next) {
		if (!is(c, item))
			continue;
		if ((rc = text_of(&s, r, c)) < 0 ||
		    (rc = folio_strlist_push(list, r->doc, s, r->err)) < 0)
			return rc;
	}
	return 0;
}

static int read_meta(reader *r, const xmlNode *meta)
{
	folio_meta *m = &r->doc->meta;
	const xmlNode *n;
	const char **field;
	int rc;

	for (n = meta->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		field = NULL;
		if (is(n, "title")) field = &m->title;
		else if (is(n, "subtitle")) field = &m->subtitle;
		else if (is(n, "issuer")) field = &m->issuer;
		else if (is(n, "doc-number")) field = &m->doc_number;
		else if (is(n, "date")) field = &m->date;
		else if (is(n, "category")) field = &m->category;
		else if (is(n, "subject")) field = &m->subject;
		else if (is(n, "index-number")) field = &m->index_number;
		else if (is(n, "security")) field = &m->security;
		else if (is(n, "retention")) field = &m->retention;
		else if (is(n, "printed-by")) field = &m->printed_by;
		else if (is(n, "printed-date")) field = &m->printed_date;
		else if (is(n, "url")) field = &m->url;
		if (field != NULL)
			rc = text_of(field, r, n);
		else if (is(n, "keywords"))
			rc = read_list(&m->keywords, r, n, "keyword");
		else if (is(n, "recipients"))
			rc = read_list(&m->recipients, r, n, "recipient");
		else if (is(n, "cc"))
			rc = read_list(&m->cc, r, n, "recipient");
		else
			rc = at(r, n, FOLIO_EINPUT, "expected a meta field, "
				"found <%s>", (const char *)n->name);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Leading/trailing ASCII white space removed, as the schema's token and
 * date types do, into a bounded copy for checks and messages. */
static void value_of(char *out, size_t outsz, const xmlNode *n)
{
	xmlChar *v = xmlNodeGetContent(n);
	const char *s = v ? (const char *)v : "";
	size_t len;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
	    s[len - 1] == '\r' || s[len - 1] == '\n'))
		len--;
	if (len >= outsz)
		len = outsz - 1;
	/* Do not cut a UTF-8 sequence in half in the message. */
	while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
		len--;
	memcpy(out, s, len);
	out[len] = '\0';
	xmlFree(v);
}

static int check_date(reader *r, const xmlNode *n)
{
	char v[64];
	int i, shape = 1;

	value_of(v, sizeof(v), n);
	for (i = 0; i < 10 && v[i]; i++)
		if ((i == 4 || i == 7) ? v[i] != '-' :
		    (v[i] < '0' || v[i] > '9'))
			shape = 0;
	if (!shape || strlen(v) != 10)
		return at(r, n, FOLIO_EINPUT, "expected a date YYYY-MM-DD, "
			"found '%s'", v);
	if (!folio_date_valid(v))
		return at(r, n, FOLIO_EINPUT, "expected a calendar date "
			"YYYY-MM-DD, found '%s' (no such date)", v);
	return 0;
}

static int check_choice(reader *r, const xmlNode *n, const char *what,
	const char *const *allowed)
{
	char v[128], list[256] = "";
	size_t i, len = 0;

	value_of(v, sizeof(v), n);
	for (i = 0; allowed[i] != NULL; i++)
		if (strcmp(v, allowed[i]) == 0)
			return 0;
	for (i = 0; allowed[i] != NULL && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len,
			"%s%s", i == 0 ? "" : allowed[i + 1] ? ", " : " or ",
			allowed[i]);
	return at(r, n, FOLIO_EINPUT, "expected %s %s, found '%s'", what,
		list, v);
}

/* A figure's src names a file beside the source: say what is wrong
 * with it before the schema's "failed to validate attributes". */
static int check_figures(reader *r, const xmlNode *n, int depth)
{
	const xmlNode *c;
	xmlChar *src;
	int rc = 0, ok;

	for (c = n->children; c != NULL && rc == 0 && depth < FOLIO_MAX_DEPTH;
	    c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!is(c, "figure")) {
			rc = check_figures(r, c, depth + 1);
			continue;
		}
		src = xmlGetProp(c, (const xmlChar *)"src");
		ok = src == NULL || folio_figure_src_valid((const char *)src);
		if (!ok)
			rc = at(r, c, FOLIO_EINPUT, "expected src as a relative "
				"path of ASCII letters, digits, '.', '_', '-' "
				"and '/' (no '..', nothing absolute), found "
				"'%.200s'", (const char *)src);
		xmlFree(src);
	}
	return rc;
}

/* Values a clerk types by hand get their own precise messages before
 * the schema's generic ones. */
static int check_values(reader *r, const xmlNode *root)
{
	const xmlNode *meta = child(root, "meta"), *n;
	const xmlNode *closing = child(root, "closing");
	int rc = 0;

	/* Outside our namespace the schema's message is the useful one. */
	if (root->ns == NULL || root->ns->href == NULL ||
	    strcmp((const char *)root->ns->href, FOLIO_NS) != 0)
		return 0;

	for (n = meta ? meta->children : NULL; n != NULL && rc == 0;
	    n = n->next) {
		if (is(n, "date") || is(n, "printed-date"))
			rc = check_date(r, n);
		else if (is(n, "retention"))
			rc = check_choice(r, n, "retention (保管期限)",
				folio_retentions);
		else if (is(n, "security"))
			rc = check_choice(r, n, "security (密级)",
				folio_securities);
	}
	for (n = closing ? closing->children : NULL; n != NULL && rc == 0;
	    n = n->next)
		if (is(n, "date"))
			rc = check_date(r, n);
	if (rc == 0)
		rc = check_figures(r, root, 0);
	return rc;
}

static int read_tree(reader *r, const xmlNode *root)
{
	folio_doc *doc = r->doc;
	folio_attachment **tail = &doc->attachments, *a;
	const xmlNode *n, *title;
	xmlChar *v;
	int rc;

	if ((v = xmlGetProp(root, (const xmlChar *)"id")) != NULL) {
		doc->meta.id = folio_arena_strdup(doc->arena,
			(const char *)v);
		xmlFree(v);
		if (doc->meta.id == NULL)
			return folio_error_set(r->err, FOLIO_ELIMIT,
				"%s: document exceeds the memory limit",
				r->name);
	}
	v = xmlGetProp(root, (const xmlChar *)"numbering");
	doc->numbering = v && strcmp((const char *)v, "chapters") == 0 ?
		FOLIO_NUMBERING_CHAPTERS : v && strcmp((const char *)v,
		"parts") == 0 ? FOLIO_NUMBERING_PARTS :
		FOLIO_NUMBERING_GBT9704;
	xmlFree(v);
	if ((v = xmlNodeGetLang(root)) != NULL) {
		doc->lang = folio_arena_strdup(doc->arena, (const char *)v);
		xmlFree(v);
		if (doc->lang == NULL)
			return folio_error_set(r->err, FOLIO_ELIMIT,
				"%s: document exceeds the memory limit",
				r->name);
	}

	for (n = root->children; n != NULL; n = n->next) {
		if (is(n, "meta")) {
			rc = read_meta(r, n);
		} else if (is(n, "body")) {
			rc = read_blocks(&doc->body, r, n->children, 1);
		} else if (is(n, "closing")) {
			const xmlNode *issuer = child(n, "issuer");
			const xmlNode *date = child(n, "date");
			doc->has_closing = 1;
			rc = 0;
			if (issuer != NULL)
				rc = text_of(&doc->closing.issuer, r, issuer);
			if (rc == 0 && date != NULL)
				rc = text_of(&doc->closing.date, r, date);
		} else if (is(n, "note")) {
			rc = text_of(&doc->note, r, n);
		} else if (is(n, "attachment")) {
			a = folio_arena_alloc(doc->arena, sizeof(*a));
			if (a == NULL)
				return folio_error_set(r->err, FOLIO_ELIMIT,
					"%s: document exceeds the memory "
					"limit", r->name);
			a->line = (unsigned)folio_xml_node_line(n);
			a->col = folio_xml_node_col(n);
			title = child(n, "title");
			if (title == NULL)
				return at(r, n, FOLIO_EINPUT, "expected a "
					"<title>, found none");
			rc = text_of(&a->title, r, title);
			if (rc == 0)
				rc = read_blocks(&a->body, r, title->next, 1);
			*tail = a;
			tail = &a->next;
		} else {
			rc = 0;
		}
		if (rc < 0)
			return rc;
	}
	/* 落款 defaults to the issuer and date of the document. */
	if (doc->has_closing && doc->closing.issuer == NULL)
		doc->closing.issuer = doc->meta.issuer;
	if (doc->has_closing && doc->closing.date == NULL)
		doc->closing.date = doc->meta.date;
	return 0;
}

static int read_parsed(folio_doc **out, void *xml, const char *name,
	folio_error *err)
{
	reader r = {NULL, name, err};
	const xmlNode *root;
	int rc;

	*out = NULL;
	root = xmlDocGetRootElement(xml);
	if (root == NULL)
		return folio_error_set(err, FOLIO_EINPUT, "%s:1:1: expected a "
			"<document> element, found none", name);
	if ((rc = folio_doc_new(&r.doc, name, err)) < 0)
		return rc;
	if ((rc = check_values(&r, root)) < 0 ||
	    (rc = folio_xml_validate(xml, SCHEMA, name, err)) < 0 ||
	    (rc = read_tree(&r, root)) < 0 ||
	    (rc = folio_doc_validate(r.doc, err)) < 0) {
		folio_doc_free(r.doc);
		return rc;
	}
	*out = r.doc;
	return 0;
}

int folio_xml_read(folio_doc **out, const char *path, folio_error *err)
{
	void *xml = NULL;
	int rc;

	*out = NULL;
	if ((rc = folio_xml_parse_file(&xml, path, NULL, err)) < 0)
		return rc;
	rc = read_parsed(out, xml, path, err);
	folio_xml_free(xml);
	return rc;
}

int folio_xml_read_memory(folio_doc **out, const char *data, size_t len,
	const char *name, folio_error *err)
{
	void *xml = NULL;
	int rc;

	*out = NULL;
	if ((rc = folio_xml_parse_memory(&xml, data, len, name, NULL,
	    err)) < 0)
		return rc;
	rc = read_parsed(out, xml, name, err);
	folio_xml_free(xml);
	return rc;
}
