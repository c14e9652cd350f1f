#include "model/xml_read.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xml.h"
#include "util/xml_tree.h"

#define SCHEMA "document"
#define FOLIO_NS "urn:folio:document:1"

typedef struct reader {
	folio_doc *doc;
	const char *name;
	folio_error *err;
} reader;

static int at(reader *r, const folio_xml_node *n, int code,
	const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Set the error at n's start tag: "file:line:col: <name>: ...". */
static int at(reader *r, const folio_xml_node *n, int code,
	const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = folio_xml_verror(r->err, code, r->name, n, 1, fmt, ap);
	va_end(ap);
	return rc;
}

static void set_position(folio_block *b, const folio_xml_node *n)
{
	b->line = folio_xml_line(n);
	b->col = folio_xml_col(n);
}

static int nomem(reader *r)
{
	return folio_error_set(r->err, FOLIO_ENOMEM, "%s: out of memory",
		r->name);
}

/* The text of a leaf element (the schema allows only text there; a
 * comment may split it into several nodes). The copy is bounded by the
 * source's own size. */
static int text_in(const char **out, reader *r, const folio_xml_node *n,
	int para)
{
	folio_buf b = {0};
	size_t parts = 0;
	int rc;

	*out = NULL;
	b.limit = FOLIO_MAX_SOURCE_BYTES + 1;
	if (folio_xml_own_text(&b, &parts, n) < 0) {
		folio_buf_free(&b);
		return nomem(r);
	}
	/* Checked here rather than left to folio_doc_text so the message
	 * carries the element's position. */
	if (b.len > FOLIO_MAX_TEXT_BYTES) {
		rc = at(r, n, FOLIO_ELIMIT, "text limit exceeded: expected "
			"at most %zu bytes in one text, found %zu bytes",
			FOLIO_MAX_TEXT_BYTES, b.len);
		folio_buf_free(&b);
		return rc;
	}
	rc = (para ? folio_doc_para_text : folio_doc_text)(out, r->doc,
		b.data ? b.data : "", b.len, r->err);
	folio_buf_free(&b);
	if (rc < 0)
		return rc;
	if ((*out)[0] == '\0')
		return at(r, n, FOLIO_EINPUT, "expected text, found %s",
			parts ? "only white space" : "nothing");
	return 0;
}

static int text_of(const char **out, reader *r, const folio_xml_node *n)
{
	return text_in(out, r, n, 0);
}

/* A paragraph's text keeps a form's trailing blanks. */
static int para_text_of(const char **out, reader *r, const folio_xml_node *n)
{
	return text_in(out, r, n, 1);
}

static folio_block *new_block(reader *r, folio_block_kind kind,
	const folio_xml_node *n)
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

/* Every <local> child of parent as a paragraph. */
static int read_paras(folio_block **out, reader *r,
	const folio_xml_node *parent, const char *local)
{
	const folio_xml_node *n;
	folio_block *b;
	int rc;

	for (n = folio_xml_child(parent, NULL, local); n != NULL;
	    n = folio_xml_next(n, NULL, local)) {
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
static int number_attr(int *out, reader *r, const folio_xml_node *n,
	const char *name, long max)
{
	char *v = folio_xml_attr_copy(n, name, NULL);
	const char *s = v;
	long value = 0;
	int digits = 0;

	if (v == NULL)
		return 0;
	for (; *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'; s++)
		;
	for (; *s >= '0' && *s <= '9' && value <= max; s++, digits++)
		value = value * 10 + (*s - '0');
	free(v);
	if (digits == 0 || value < 1 || value > max)
		return at(r, n, FOLIO_EINPUT, "expected %s from 1 to %ld",
			name, max);
	*out = (int)value;
	return 0;
}

static int count_children(const folio_xml_node *n, const char *local)
{
	const folio_xml_node *c;
	int k = 0;

	for (c = folio_xml_child(n, NULL, local); c != NULL;
	    c = folio_xml_next(c, NULL, local))
		k++;
	return k;
}

/* widths="2 3 3": relative column widths, which also fix the number of
 * grid columns; without them the first row's spans do. */
static int read_widths(folio_table *t, reader *r, const folio_xml_node *n)
{
	char *v = folio_xml_attr_copy(n, "widths", NULL);
	const char *s = v;
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
				"numbers from 1 to 999999, found '%s'", v);
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
	free(v);
	return rc;
}

/* A cell holds text, or <p> paragraphs, or nothing. */
static int read_cell(folio_cell *cell, reader *r, const folio_xml_node *n)
{
	folio_buf own = {0};
	size_t parts;
	int rc, blank, paras = count_children(n, "p");

	cell->line = folio_xml_line(n);
	cell->col = folio_xml_col(n);
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
		return read_paras(&cell->paras, r, n, "p");
	own.limit = FOLIO_MAX_SOURCE_BYTES + 1;
	if (folio_xml_own_text(&own, &parts, n) < 0) {
		folio_buf_free(&own);
		return nomem(r);
	}
	blank = own.data == NULL || strspn(own.data, " \t\r\n") == own.len;
	folio_buf_free(&own);
	if (blank)
		return 0;       /* an empty cell */
	if ((cell->paras = new_block(r, FOLIO_BLOCK_PARA, n)) == NULL)
		return FOLIO_ELIMIT;
	return text_of(&cell->paras->text, r, n);
}

static int read_table(folio_block *b, reader *r, const folio_xml_node *n)
{
	const folio_xml_node *rn, *cn;
	folio_table *t;
	folio_row *row;
	char header[8];
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
	for (rn = folio_xml_child(n, NULL, "row"); rn != NULL;
	    rn = folio_xml_next(rn, NULL, "row")) {
		row->line = folio_xml_line(rn);
		row->col = folio_xml_col(rn);
		row->header = folio_xml_attr_get(header, sizeof(header), rn,
			"header") && strcmp(header, "yes") == 0;
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
		for (cn = folio_xml_child(rn, NULL, "cell"); cn != NULL;
		    cn = folio_xml_next(cn, NULL, "cell")) {
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
static int read_figure(folio_block *b, reader *r, const folio_xml_node *n)
{
	folio_figure *f = folio_doc_figure(r->doc);
	const folio_xml_node *caption = folio_xml_child(n, NULL, "caption");
	const folio_xml_node *alt = folio_xml_child(n, NULL, "alt");
	char *v;
	const char *s;
	unsigned long whole = 0, frac = 0;
	int digits = 0, fdigits = 0, rc;

	if (f == NULL)
		return folio_error_set(r->err, FOLIO_ELIMIT, "%s: document "
			"exceeds the memory limit", r->name);
	b->figure = f;
	v = folio_xml_attr_copy(n, "src", NULL);
	f->src = v ? folio_arena_strdup(r->doc->arena, v) : NULL;
	free(v);
	if ((v = folio_xml_attr_copy(n, "width", NULL)) != NULL) {
		for (s = v; *s >= '0' && *s <= '9' &&
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
		free(v);
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

/* Blocks from first (an element, or NULL) to the last element sibling. */
static int read_blocks(folio_block **out, reader *r,
	const folio_xml_node *first, int level)
{
	const folio_xml_node *n, *heading;
	folio_block *b;
	char type[16];
	int rc;

	for (n = first; n != NULL; n = folio_xml_next(n, NULL, NULL)) {
		if (folio_xml_is(n, NULL, "p")) {
			if ((b = new_block(r, FOLIO_BLOCK_PARA, n)) == NULL)
				return FOLIO_ELIMIT;
			rc = para_text_of(&b->text, r, n);
		} else if (folio_xml_is(n, NULL, "list")) {
			if ((b = new_block(r, FOLIO_BLOCK_LIST, n)) == NULL)
				return FOLIO_ELIMIT;
			b->ordered = folio_xml_attr_get(type, sizeof(type), n,
				"type") && strcmp(type, "ordered") == 0;
			rc = read_paras(&b->children, r, n, "item");
		} else if (folio_xml_is(n, NULL, "section")) {
			if (level > FOLIO_MAX_HEADING_LEVEL)
				return at(r, n, FOLIO_EINPUT, "expected "
					"sections nested at most %d deep "
					"(一、 （一） 1. （1）), found a "
					"level-%d section",
					FOLIO_MAX_HEADING_LEVEL, level);
			if ((b = new_block(r, FOLIO_BLOCK_SECTION, n)) == NULL)
				return FOLIO_ELIMIT;
			b->level = level;
			b->unnumbered = folio_xml_attr_get(type, sizeof(type),
				n, "numbered") && strcmp(type, "no") == 0;
			heading = folio_xml_child(n, NULL, "heading");
			if (heading == NULL)
				return at(r, n, FOLIO_EINPUT, "expected a "
					"<heading>, found none");
			if ((rc = text_of(&b->text, r, heading)) < 0)
				return rc;
			rc = read_blocks(&b->children, r,
				folio_xml_next(heading, NULL, NULL), level + 1);
		} else if (folio_xml_is(n, NULL, "article")) {
			if ((b = new_block(r, FOLIO_BLOCK_ARTICLE, n)) == NULL)
				return FOLIO_ELIMIT;
			rc = read_paras(&b->children, r, n, "p");
		} else if (folio_xml_is(n, NULL, "table")) {
			if ((b = new_block(r, FOLIO_BLOCK_TABLE, n)) == NULL)
				return FOLIO_ELIMIT;
			rc = read_table(b, r, n);
		} else if (folio_xml_is(n, NULL, "figure")) {
			if ((b = new_block(r, FOLIO_BLOCK_FIGURE, n)) == NULL)
				return FOLIO_ELIMIT;
			rc = read_figure(b, r, n);
		} else {
			/* The schema admits nothing else; say so anyway. */
			return at(r, n, FOLIO_EINPUT, "expected <p>, <list>, "
				"<section>, <article>, <table> or <figure>, "
				"found <%s>", folio_xml_name(n));
		}
		if (rc < 0)
			return rc;
		*out = b;
		out = &b->next;
	}
	return 0;
}

static int read_list(folio_strlist *list, reader *r, const folio_xml_node *n,
	const char *item)
{
	const folio_xml_node *c;
	const char *s;
	int rc;

	for (c = folio_xml_child(n, NULL, item); c != NULL;
	    c = folio_xml_next(c, NULL, item)) {
		if ((rc = text_of(&s, r, c)) < 0 ||
		    (rc = folio_strlist_push(list, r->doc, s, r->err)) < 0)
			return rc;
	}
	return 0;
}

/* The text field of folio_meta an element of <meta> fills, or NULL. */
static const char **meta_field(folio_meta *m, const folio_xml_node *n)
{
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
		{"title", offsetof(folio_meta, title)},
		{"subtitle", offsetof(folio_meta, subtitle)},
		{"issuer", offsetof(folio_meta, issuer)},
		{"doc-number", offsetof(folio_meta, doc_number)},
		{"date", offsetof(folio_meta, date)},
		{"category", offsetof(folio_meta, category)},
		{"subject", offsetof(folio_meta, subject)},
		{"index-number", offsetof(folio_meta, index_number)},
		{"security", offsetof(folio_meta, security)},
		{"retention", offsetof(folio_meta, retention)},
		{"printed-by", offsetof(folio_meta, printed_by)},
		{"printed-date", offsetof(folio_meta, printed_date)},
		{"url", offsetof(folio_meta, url)},
	};
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strcmp(folio_xml_name(n), fields[i].name) == 0)
			return (const char **)(void *)((char *)m +
				fields[i].off);
	return NULL;
}

static int read_meta(reader *r, const folio_xml_node *meta)
{
	folio_meta *m = &r->doc->meta;
	const folio_xml_node *n;
	const char **field;
	int rc;

	for (n = folio_xml_child(meta, NULL, NULL); n != NULL;
	    n = folio_xml_next(n, NULL, NULL)) {
		if ((field = meta_field(m, n)) != NULL)
			rc = text_of(field, r, n);
		else if (folio_xml_is(n, NULL, "keywords"))
			rc = read_list(&m->keywords, r, n, "keyword");
		else if (folio_xml_is(n, NULL, "recipients"))
			rc = read_list(&m->recipients, r, n, "recipient");
		else if (folio_xml_is(n, NULL, "cc"))
			rc = read_list(&m->cc, r, n, "recipient");
		else
			rc = at(r, n, FOLIO_EINPUT, "expected a meta field, "
				"found <%s>", folio_xml_name(n));
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Leading/trailing ASCII white space removed, as the schema's token and
 * date types do, into a bounded copy for checks and messages. */
static void value_of(char *out, size_t outsz, const folio_xml_node *n)
{
	char *v = folio_xml_text_trimmed(n);
	const char *s = v ? v : "";
	size_t len = strlen(s);

	if (len >= outsz)
		len = outsz - 1;
	/* Do not cut a UTF-8 sequence in half in the message. */
	while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
		len--;
	memcpy(out, s, len);
	out[len] = '\0';
	free(v);
}

static int check_date(reader *r, const folio_xml_node *n)
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

static int check_choice(reader *r, const folio_xml_node *n, const char *what,
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
static int check_figures(reader *r, const folio_xml_node *n, int depth)
{
	const folio_xml_node *c;
	char *src;
	int rc = 0, ok;

	for (c = folio_xml_child(n, NULL, NULL); c != NULL && rc == 0 &&
	    depth < FOLIO_MAX_DEPTH; c = folio_xml_next(c, NULL, NULL)) {
		if (!folio_xml_is(c, NULL, "figure")) {
			rc = check_figures(r, c, depth + 1);
			continue;
		}
		src = folio_xml_attr_copy(c, "src", NULL);
		ok = src == NULL || folio_figure_src_valid(src);
		if (!ok)
			rc = at(r, c, FOLIO_EINPUT, "expected src as a relative "
				"path of ASCII letters, digits, '.', '_', '-' "
				"and '/' (no '..', nothing absolute), found "
				"'%.200s'", src);
		free(src);
	}
	return rc;
}

/* Values a clerk types by hand get their own precise messages before
 * the schema's generic ones. */
static int check_values(reader *r, const folio_xml_node *root)
{
	const folio_xml_node *meta = folio_xml_child(root, NULL, "meta");
	const folio_xml_node *closing = folio_xml_child(root, NULL, "closing");
	const folio_xml_node *n;
	int rc = 0;

	/* Outside our namespace the schema's message is the useful one. */
	if (!folio_xml_is(root, FOLIO_NS, NULL))
		return 0;

	for (n = folio_xml_child(meta, NULL, NULL); n != NULL && rc == 0;
	    n = folio_xml_next(n, NULL, NULL)) {
		if (folio_xml_is(n, NULL, "date") ||
		    folio_xml_is(n, NULL, "printed-date"))
			rc = check_date(r, n);
		else if (folio_xml_is(n, NULL, "retention"))
			rc = check_choice(r, n, "retention (保管期限)",
				folio_retentions);
		else if (folio_xml_is(n, NULL, "security"))
			rc = check_choice(r, n, "security (密级)",
				folio_securities);
	}
	for (n = folio_xml_child(closing, NULL, "date"); n != NULL && rc == 0;
	    n = folio_xml_next(n, NULL, "date"))
		rc = check_date(r, n);
	if (rc == 0)
		rc = check_figures(r, root, 0);
	return rc;
}

static int read_tree(reader *r, const folio_xml_node *root)
{
	folio_doc *doc = r->doc;
	folio_attachment **tail = &doc->attachments, *a;
	const folio_xml_node *n, *title;
	char *v;
	int rc;

	if ((v = folio_xml_attr_copy(root, "id", NULL)) != NULL) {
		doc->meta.id = folio_arena_strdup(doc->arena, v);
		free(v);
		if (doc->meta.id == NULL)
			return folio_error_set(r->err, FOLIO_ELIMIT,
				"%s: document exceeds the memory limit",
				r->name);
	}
	v = folio_xml_attr_copy(root, "numbering", NULL);
	doc->numbering = v && strcmp(v, "chapters") == 0 ?
		FOLIO_NUMBERING_CHAPTERS : v && strcmp(v, "parts") == 0 ?
		FOLIO_NUMBERING_PARTS : FOLIO_NUMBERING_GBT9704;
	free(v);
	if ((v = folio_xml_attr_ns_copy(root, FOLIO_XML_NS, "lang",
	    NULL)) != NULL) {
		doc->lang = folio_arena_strdup(doc->arena, v);
		free(v);
		if (doc->lang == NULL)
			return folio_error_set(r->err, FOLIO_ELIMIT,
				"%s: document exceeds the memory limit",
				r->name);
	}

	for (n = folio_xml_child(root, NULL, NULL); n != NULL;
	    n = folio_xml_next(n, NULL, NULL)) {
		if (folio_xml_is(n, NULL, "meta")) {
			rc = read_meta(r, n);
		} else if (folio_xml_is(n, NULL, "body")) {
			rc = read_blocks(&doc->body, r,
				folio_xml_child(n, NULL, NULL), 1);
		} else if (folio_xml_is(n, NULL, "closing")) {
			const folio_xml_node *issuer = folio_xml_child(n,
				NULL, "issuer");
			const folio_xml_node *date = folio_xml_child(n, NULL,
				"date");
			doc->has_closing = 1;
			rc = 0;
			if (issuer != NULL)
				rc = text_of(&doc->closing.issuer, r, issuer);
			if (rc == 0 && date != NULL)
				rc = text_of(&doc->closing.date, r, date);
		} else if (folio_xml_is(n, NULL, "note")) {
			rc = text_of(&doc->note, r, n);
		} else if (folio_xml_is(n, NULL, "attachment")) {
			a = folio_arena_alloc(doc->arena, sizeof(*a));
			if (a == NULL)
				return folio_error_set(r->err, FOLIO_ELIMIT,
					"%s: document exceeds the memory "
					"limit", r->name);
			a->line = folio_xml_line(n);
			a->col = folio_xml_col(n);
			title = folio_xml_child(n, NULL, "title");
			if (title == NULL)
				return at(r, n, FOLIO_EINPUT, "expected a "
					"<title>, found none");
			rc = text_of(&a->title, r, title);
			if (rc == 0)
				rc = read_blocks(&a->body, r,
					folio_xml_next(title, NULL, NULL), 1);
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
	const folio_xml_node *root;
	int rc;

	*out = NULL;
	root = folio_xml_root(xml);
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
