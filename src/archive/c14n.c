/* c14n.c - exclusive canonicalization of a streamed subtree (see
 * c14n.h). Output is batched in a small buffer before the sink. */
#include "archive/c14n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/limits.h"

/* One namespace rendered on an output element; the stack holds those
 * of the current element's ancestors (and its own), innermost last. */
typedef struct rendered {
	const char *prefix;     /* reader strings: dictionary-owned */
	char *uri;              /* owned: reader values do not last */
	int depth;
} rendered;

struct folio_c14n {
	folio_c14n_sink sink;
	void *ctx;
	const char *name;
	int apex_depth;         /* reader depth of the apex, 0 before */
	rendered stack[FOLIO_MAX_DEPTH + 1];
	int n;
	unsigned char out[4096];
	size_t len;
};

int folio_c14n_new(folio_c14n **out, folio_c14n_sink sink, void *ctx,
	const char *name, folio_error *err)
{
	folio_c14n *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (c == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	c->sink = sink;
	c->ctx = ctx;
	c->name = name;
	*out = c;
	return 0;
}

static int flush(folio_c14n *c)
{
	int rc = 0;

	if (c->len > 0)
		rc = c->sink(c->ctx, c->out, c->len);
	c->len = 0;
	return rc;
}

static int put(folio_c14n *c, const char *s, size_t n)
{
	int rc;

	while (n > 0) {
		size_t k = sizeof(c->out) - c->len;
		if (k == 0) {
			if ((rc = flush(c)) < 0)
				return rc;
			continue;
		}
		if (k > n)
			k = n;
		memcpy(c->out + c->len, s, k);
		c->len += k;
		s += k;
		n -= k;
	}
	return 0;
}

static int puts_(folio_c14n *c, const char *s)
{
	return put(c, s, strlen(s));
}

/* Canonical XML 1.0, 2.3: text escapes &, <, > and #xD; attribute
 * values escape &, <, " and #x9, #xA, #xD. */
static int escaped(folio_c14n *c, const char *s, size_t n, int attr)
{
	size_t i, from = 0;
	int rc;

	for (i = 0; i < n; i++) {
		const char *rep = NULL;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = attr ? NULL : "&gt;"; break;
		case '"': rep = attr ? "&quot;" : NULL; break;
		case '\t': rep = attr ? "&#x9;" : NULL; break;
		case '\n': rep = attr ? "&#xA;" : NULL; break;
		case '\r': rep = "&#xD;"; break;
		default: break;
		}
		if (rep == NULL)
			continue;
		if ((rc = put(c, s + from, i - from)) < 0 ||
		    (rc = puts_(c, rep)) < 0)
			return rc;
		from = i + 1;
	}
	return put(c, s + from, n - from);
}

static int outside(folio_c14n *c, const folio_xml_item *it,
	folio_error *err, const char *what)
{
	return folio_error_set(err, FOLIO_EINPUT, "%s:%u: expected XML that "
		"folio can canonicalise exactly, found %s", c->name, it->line,
		what);
}

/* Is prefix already rendered with uri by an output ancestor? */
static int in_scope(const folio_c14n *c, const char *prefix,
	const char *uri)
{
	int i;

	for (i = c->n - 1; i >= 0; i--)
		if (strcmp(c->stack[i].prefix, prefix) == 0)
			return strcmp(c->stack[i].uri, uri) == 0;
	return 0;
}

static int qname(folio_c14n *c, const folio_xml_item *it)
{
	int rc;

	if ((rc = puts_(c, it->prefix)) < 0 || (rc = put(c, ":", 1)) < 0)
		return rc;
	return puts_(c, it->name);
}

static int start_tag(folio_c14n *c, const folio_xml_item *it,
	folio_error *err)
{
	const folio_xml_attr *sorted[FOLIO_XML_MAX_ITEM_ATTRS];
	size_t i, j, n = 0;
	int rc;

	if (it->prefix == NULL || it->ns == NULL)
		return outside(c, it, err, "an element without a namespace "
			"prefix");
	for (i = 0; i < it->n_attrs; i++) {
		const folio_xml_attr *a = &it->attrs[i];
		if (a->is_ns_decl) {
			if (a->name[0] == '\0')
				return outside(c, it, err, "a default "
					"namespace declaration");
			continue;  /* rendered only where utilised */
		}
		if (a->prefix != NULL || a->ns != NULL)
			return outside(c, it, err, "a prefixed attribute");
		/* Insertion sort: at most FOLIO_MAX_ATTRIBUTES. */
		for (j = n; j > 0 && strcmp(sorted[j - 1]->name, a->name) > 0;
			j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = a;
		n++;
	}
	if ((rc = put(c, "<", 1)) < 0 || (rc = qname(c, it)) < 0)
		return rc;
	if (!in_scope(c, it->prefix, it->ns)) {
		rendered *r;
		if (c->n > FOLIO_MAX_DEPTH)
			return folio_error_set(err, FOLIO_ELIMIT, "%s:%u: "
				"nested too deep", c->name, it->line);
		r = &c->stack[c->n];
		if ((r->uri = strdup(it->ns)) == NULL)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		r->prefix = it->prefix;
		r->depth = it->depth;
		c->n++;
		if ((rc = puts_(c, " xmlns:")) < 0 ||
		    (rc = puts_(c, it->prefix)) < 0 ||
		    (rc = puts_(c, "=\"")) < 0 ||
		    (rc = escaped(c, it->ns, strlen(it->ns), 1)) < 0 ||
		    (rc = put(c, "\"", 1)) < 0)
			return rc;
	}
	for (i = 0; i < n; i++)
		if ((rc = put(c, " ", 1)) < 0 ||
		    (rc = puts_(c, sorted[i]->name)) < 0 ||
		    (rc = puts_(c, "=\"")) < 0 ||
		    (rc = escaped(c, sorted[i]->value,
			strlen(sorted[i]->value), 1)) < 0 ||
		    (rc = put(c, "\"", 1)) < 0)
			return rc;
	return put(c, ">", 1);
}

static int end_tag(folio_c14n *c, const folio_xml_item *it, int depth)
{
	int rc;

	if ((rc = puts_(c, "</")) < 0 || (rc = qname(c, it)) < 0 ||
	    (rc = put(c, ">", 1)) < 0)
		return rc;
	/* Declarations rendered on this element go out of scope. */
	while (c->n > 0 && c->stack[c->n - 1].depth >= depth) {
		free(c->stack[c->n - 1].uri);
		c->n--;
	}
	return 0;
}

int folio_c14n_feed(folio_c14n *c, const folio_xml_item *it,
	folio_error *err)
{
	int rc;

	if (c->apex_depth == 0) {
		if (it->kind != FOLIO_XML_START)
			return folio_error_set(err, FOLIO_EUSAGE, "%s: c14n "
				"starts at an element", c->name);
		c->apex_depth = it->depth;
	}
	switch (it->kind) {
	case FOLIO_XML_START:
		if ((rc = start_tag(c, it, err)) < 0)
			return rc;
		if (!it->empty)
			return 0;
		rc = end_tag(c, it, it->depth);
		break;
	case FOLIO_XML_END:
		rc = end_tag(c, it, it->depth);
		break;
	case FOLIO_XML_TEXT:
		rc = escaped(c, it->text, it->text_len, 0);
		break;
	case FOLIO_XML_PI:
		if ((rc = puts_(c, "<?")) < 0 || (rc = puts_(c, it->name)) < 0 ||
		    (it->text_len > 0 && ((rc = put(c, " ", 1)) < 0 ||
		     (rc = put(c, it->text, it->text_len)) < 0)))
			return rc;
		rc = puts_(c, "?>");
		break;
	default:
		rc = 0;  /* comments are not part of the canonical form */
		break;
	}
	if (rc < 0)
		return rc;
	if ((it->kind == FOLIO_XML_END || (it->kind == FOLIO_XML_START &&
	    it->empty)) && it->depth == c->apex_depth) {
		if ((rc = flush(c)) < 0)
			return rc;
		return 1;
	}
	return 0;
}

void folio_c14n_free(folio_c14n *c)
{
	if (c == NULL)
		return;
	while (c->n > 0)
		free(c->stack[--c->n].uri);
	free(c);
}
