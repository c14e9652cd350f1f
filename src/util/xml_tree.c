/* xml_tree.c - walking a parsed document (see xml_tree.h). The only
 * file outside the parser that reads libxml2's node structures. */
#include "util/xml_tree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "util/xml.h"

/* folio_xml_node is never defined: it is xmlNode by another name. */
static const xmlNode *X(const folio_xml_node *n)
{
	return (const xmlNode *)(const void *)n;
}

static const folio_xml_node *F(const xmlNode *n)
{
	return (const folio_xml_node *)(const void *)n;
}

const folio_xml_node *folio_xml_root(const void *doc)
{
	return doc ? F(xmlDocGetRootElement((const xmlDoc *)doc)) : NULL;
}

int folio_xml_is(const folio_xml_node *node, const char *ns,
	const char *local)
{
	const xmlNode *n = X(node);

	if (n == NULL || n->type != XML_ELEMENT_NODE)
		return 0;
	if (local != NULL && strcmp((const char *)n->name, local) != 0)
		return 0;
	return ns == NULL || (n->ns != NULL && n->ns->href != NULL &&
		strcmp((const char *)n->ns->href, ns) == 0);
}

static const folio_xml_node *first_from(const xmlNode *c, const char *ns,
	const char *local)
{
	for (; c != NULL; c = c->next)
		if (folio_xml_is(F(c), ns, local))
			return F(c);
	return NULL;
}

const folio_xml_node *folio_xml_child(const folio_xml_node *parent,
	const char *ns, const char *local)
{
	return parent ? first_from(X(parent)->children, ns, local) : NULL;
}

const folio_xml_node *folio_xml_next(const folio_xml_node *n,
	const char *ns, const char *local)
{
	return n ? first_from(X(n)->next, ns, local) : NULL;
}

const char *folio_xml_name(const folio_xml_node *n)
{
	return (const char *)X(n)->name;
}

unsigned folio_xml_line(const folio_xml_node *n)
{
	long line = folio_xml_node_line(n);

	return line > 0 ? (unsigned)line : 1;
}

unsigned folio_xml_col(const folio_xml_node *n)
{
	return folio_xml_node_col(n);
}

const char *folio_xml_ns(const folio_xml_node *node)
{
	const xmlNode *n = X(node);

	return n != NULL && n->ns != NULL ? (const char *)n->ns->href : NULL;
}

const folio_xml_node *folio_xml_find(const folio_xml_node *n,
	const char *ns, const char *local, int max_depth)
{
	const xmlNode *c;
	const folio_xml_node *hit;

	if (n == NULL || max_depth < 1)
		return NULL;
	for (c = X(n)->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (folio_xml_is(F(c), ns, local))
			return F(c);
		if ((hit = folio_xml_find(F(c), ns, local,
		    max_depth - 1)) != NULL)
			return hit;
	}
	return NULL;
}

/* libxml2 allocates with its own allocator: copy into ours so callers
 * free with free(). */
static char *ours(xmlChar *v)
{
	char *s;

	if (v == NULL)
		return NULL;
	s = strdup((const char *)v);
	xmlFree(v);
	return s;
}

char *folio_xml_attr_copy(const folio_xml_node *n, const char *name,
	int *out_nomem)
{
	char *s;

	if (out_nomem != NULL)
		*out_nomem = 0;
	if (xmlHasProp(X(n), (const xmlChar *)name) == NULL)
		return NULL;
	s = ours(xmlGetProp(X(n), (const xmlChar *)name));
	if (s == NULL && out_nomem != NULL)
		*out_nomem = 1;
	return s;
}

char *folio_xml_attr_ns_copy(const folio_xml_node *n, const char *ns,
	const char *name, int *out_nomem)
{
	char *s;

	if (out_nomem != NULL)
		*out_nomem = 0;
	if (n == NULL || xmlHasNsProp(X(n), (const xmlChar *)name,
	    (const xmlChar *)ns) == NULL)
		return NULL;
	s = ours(xmlGetNsProp(X(n), (const xmlChar *)name,
		(const xmlChar *)ns));
	if (s == NULL && out_nomem != NULL)
		*out_nomem = 1;
	return s;
}

static void copy_cut(char *out, size_t outsz, const char *v)
{
	size_t len = strlen(v);

	if (len >= outsz)
		len = outsz - 1;
	/* Never cut a UTF-8 sequence. */
	while (len > 0 && ((unsigned char)v[len] & 0xC0) == 0x80)
		len--;
	memcpy(out, v, len);
	out[len] = '\0';
}

int folio_xml_attr_get(char *out, size_t outsz, const folio_xml_node *n,
	const char *name)
{
	const xmlAttr *a;
	xmlChar *v;

	out[0] = '\0';
	if (n == NULL || (a = xmlHasProp(X(n), (const xmlChar *)name)) ==
	    NULL)
		return 0;
	if (a->children == NULL)
		return 1;
	/* One text node is the parsed case; anything else is joined. */
	if (a->children->next == NULL && a->children->type == XML_TEXT_NODE) {
		copy_cut(out, outsz, a->children->content ?
			(const char *)a->children->content : "");
		return 1;
	}
	v = xmlNodeListGetString(a->doc, a->children, 1);
	copy_cut(out, outsz, v ? (const char *)v : "");
	xmlFree(v);
	return 1;
}

char *folio_xml_text(const folio_xml_node *n)
{
	xmlChar *t;

	if (n == NULL)
		return NULL;
	t = xmlNodeGetContent(X(n));

	return t ? ours(t) : strdup("");
}

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

char *folio_xml_text_trimmed(const folio_xml_node *n)
{
	char *t = folio_xml_text(n), *start, *end, *s;

	if (t == NULL)
		return NULL;
	for (start = t; blank(*start); start++)
		;
	end = start + strlen(start);
	while (end > start && blank(end[-1]))
		end--;
	s = strndup(start, (size_t)(end - start));
	free(t);
	return s;
}

int folio_xml_own_text(folio_buf *out, size_t *out_parts,
	const folio_xml_node *n)
{
	const xmlNode *c;

	*out_parts = 0;
	for (c = X(n)->children; c != NULL; c = c->next) {
		if (c->type != XML_TEXT_NODE &&
		    c->type != XML_CDATA_SECTION_NODE)
			continue;
		if (folio_buf_puts(out, (const char *)c->content) < 0)
			return -1;
		(*out_parts)++;
	}
	return 0;
}

int folio_xml_verror(folio_error *err, int code, const char *file,
	const folio_xml_node *n, int with_name, const char *fmt, va_list ap)
{
	char text[FOLIO_ERROR_MSG_MAX];

	vsnprintf(text, sizeof(text), fmt, ap);
	if (with_name)
		return folio_error_set(err, code, "%s:%u:%u: <%s>: %s", file,
			folio_xml_line(n), folio_xml_col(n), folio_xml_name(n),
			text);
	return folio_error_set(err, code, "%s:%u:%u: %s", file,
		folio_xml_line(n), folio_xml_col(n), text);
}

int folio_xml_error_at(folio_error *err, int code, const char *file,
	const folio_xml_node *n, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = folio_xml_verror(err, code, file, n, 0, fmt, ap);
	va_end(ap);
	return rc;
}

int folio_xml_error_in(folio_error *err, int code, const char *file,
	const folio_xml_node *n, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = folio_xml_verror(err, code, file, n, 1, fmt, ap);
	va_end(ap);
	return rc;
}
