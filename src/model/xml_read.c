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
		} else {
			/* The schema admits nothing else; say so anyway. */
			return at(r, n, FOLIO_EINPUT, "expected <p>, <list>, "
				"<section> or <article>, found <%s>",
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
