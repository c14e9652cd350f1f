/*
 * xml_tree.h - reading a parsed document (util/xml.h's folio_xml_parse_*)
 * without touching libxml2: elements by name, attributes, text, and
 * messages located at an element. The small documents folio reads whole
 * (batch manifests, styles, font maps, sources) walk their tree through
 * these; large ones use the streaming reader (util/xml.h).
 *
 * A folio_xml_node is an element of the document (an xmlNode inside);
 * it lives as long as the document. Names are matched on the local
 * name; `ns` is the namespace URI the element must be in, or NULL for
 * any (documents already validated against a schema need no more).
 *
 * Strings returned as char * are malloc'd copies the caller frees with
 * free(); NULL means absent (attributes) or out of memory (text), as
 * each says.
 *
 * Messages: "file:line:col: ..." at the element's start tag (line and
 * column as util/xml.h records them), with folio_xml_error_in adding the
 * element's name: "file:line:col: <name>: ...".
 */
#ifndef FOLIO_UTIL_XML_TREE_H
#define FOLIO_UTIL_XML_TREE_H

#include <stdarg.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/error.h"

typedef struct folio_xml_node folio_xml_node;

/* The root element of a document from folio_xml_parse_*, or NULL. */
const folio_xml_node *folio_xml_root(const void *doc);

/* Is n an element called local (any name when local is NULL), in ns
 * when ns is not NULL? NULL n is no element. */
int folio_xml_is(const folio_xml_node *n, const char *ns, const char *local);
/* First child element of parent that folio_xml_is(ns, local); NULL if
 * none (or parent is NULL). */
const folio_xml_node *folio_xml_child(const folio_xml_node *parent,
	const char *ns, const char *local);
/* The next sibling element after n that folio_xml_is(ns, local). */
const folio_xml_node *folio_xml_next(const folio_xml_node *n,
	const char *ns, const char *local);
/* Local name of the element. */
const char *folio_xml_name(const folio_xml_node *n);
/* Source line (at least 1) and column (code points, from 1). */
unsigned folio_xml_line(const folio_xml_node *n);
unsigned folio_xml_col(const folio_xml_node *n);

/* Namespace URI of the element, NULL if none (or n is NULL). */
const char *folio_xml_ns(const folio_xml_node *n);
/* The first element below n, in document order, that folio_xml_is(ns,
 * local), looking at most max_depth levels down (1: children only);
 * NULL if none. */
const folio_xml_node *folio_xml_find(const folio_xml_node *n,
	const char *ns, const char *local, int max_depth);

/* Value of the attribute `name` matched on its local name (the first
 * such, whatever its prefix: w:val and val alike), or NULL if absent;
 * with *out_nomem set when the copy failed (out_nomem may be NULL). */
char *folio_xml_attr_copy(const folio_xml_node *n, const char *name,
	int *out_nomem);
/* The attribute `name` in namespace ns exactly (xml:lang is
 * folio_xml_attr_ns_copy(n, FOLIO_XML_NS, "lang", ...)). */
#define FOLIO_XML_NS "http://www.w3.org/XML/1998/namespace"
char *folio_xml_attr_ns_copy(const folio_xml_node *n, const char *ns,
	const char *name, int *out_nomem);
/* The same as folio_xml_attr_copy without allocating: the value into out,
 * cut to outsz - 1 bytes at a character boundary; 1 when present, 0
 * (out "") when absent or n is NULL. */
int folio_xml_attr_get(char *out, size_t outsz, const folio_xml_node *n,
	const char *name);
/* All text inside n, descendants included; NULL when n is NULL or
 * out of memory. */
char *folio_xml_text(const folio_xml_node *n);
/* The same without leading and trailing white space (space, tab, CR,
 * LF). */
char *folio_xml_text_trimmed(const folio_xml_node *n);
/* Append n's own text (its text and CDATA children, not descendants:
 * a comment may split a leaf's text in several) to out; 0, or -1 when
 * out's limit or memory runs out. *out_parts gets how many pieces. */
int folio_xml_own_text(folio_buf *out, size_t *out_parts,
	const folio_xml_node *n);

/* Set err to "file:line:col: " + the formatted message and return code.
 * With _in, "<name>: " comes after the position. */
int folio_xml_error_at(folio_error *err, int code, const char *file,
	const folio_xml_node *n, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
int folio_xml_error_in(folio_error *err, int code, const char *file,
	const folio_xml_node *n, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
int folio_xml_verror(folio_error *err, int code, const char *file,
	const folio_xml_node *n, int with_name, const char *fmt, va_list ap)
	__attribute__((format(printf, 6, 0)));

#endif
