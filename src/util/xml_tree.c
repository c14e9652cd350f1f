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
