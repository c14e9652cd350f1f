/* xml_reader.c - streaming XML through libxml2's xmlTextReader (see
 * xml.h). The raw bytes pass the guard (xml_impl.h) in the reader's own
 * input callback, so libxml2 never sees a piece the guard refused. */
#include "util/xml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlreader.h>

#include "util/buf.h"
#include "util/xml_impl.h"

#define XMLNS_URI "http://www.w3.org/2000/xmlns/"

struct folio_xml_reader {
	xmlTextReaderPtr tr;
	folio_xml_pull pull;
	void *ctx;
	char *name;
	size_t max_bytes;
	int max_depth;
	uint64_t total;
	int validating;
	xml_guard guard;
	/* First failure, reported by the next call to _next. */
	int failed;
	folio_xml_failure why;
	char msg[FOLIO_ERROR_MSG_MAX];
	folio_buf strings;      /* the current item's attribute values */
};

static void set_failure(folio_xml_reader *r, int code, folio_xml_failure why,
	unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void set_failure(folio_xml_reader *r, int code, folio_xml_failure why,
	unsigned line, unsigned col, const char *fmt, ...)
{
	char text[FOLIO_ERROR_MSG_MAX - 64];
	va_list ap;

	if (r->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	r->failed = code;
	r->why = why;
	snprintf(r->msg, sizeof(r->msg), "%s:%u:%u: %s", r->name,
		line ? line : 1, col ? col : 1, text);
}

/* libxml2's input callback: pull, cap, guard. -1 stops the parser; the
 * reason is kept in r. */
static int io_read(void *ctx, char *buf, int len)
{
	folio_xml_reader *r = ctx;
	folio_error perr = {0};
	size_t n = 0;
	int rc;

	if (r->failed || len <= 0)
		return r->failed ? -1 : 0;
	if ((rc = r->pull(r->ctx, buf, (size_t)len, &n, &perr)) < 0) {
		r->failed = rc;
		r->why = FOLIO_XML_SOURCE;
		snprintf(r->msg, sizeof(r->msg), "%s", perr.msg);
		return -1;
	}
	r->total += n;
	if (r->total > r->max_bytes) {
		set_failure(r, FOLIO_ELIMIT, FOLIO_XML_LIMIT, r->guard.line,
			r->guard.col, "size limit exceeded: expected at most "
			"%zu bytes, found more", r->max_bytes);
		return -1;
	}
	if ((n > 0 && xml_guard_feed(&r->guard, buf, n) < 0) ||
	    (n == 0 && xml_guard_end(&r->guard) < 0)) {
		set_failure(r, r->guard.failed, r->guard.failed ==
			FOLIO_ELIMIT ? FOLIO_XML_LIMIT : FOLIO_XML_SYNTAX,
			r->guard.fail_line, r->guard.fail_col, "%s",
			r->guard.what);
		return -1;
	}
	return (int)n;
}

static int io_close(void *ctx)
{
	(void)ctx;
	return 0;
}

static void on_error(void *arg, xmlErrorPtr e)
{
	folio_xml_reader *r = arg;
	char msg[512];

	if (r == NULL || e == NULL || e->level < XML_ERR_ERROR || r->failed)
		return;
	if (e->domain == XML_FROM_RELAXNGV) {
		xml_rng_message(msg, sizeof(msg), e);
		set_failure(r, FOLIO_EINPUT, FOLIO_XML_SCHEMA,
			e->line > 0 ? (unsigned)e->line : 1, 1, "%s", msg);
		return;
	}
	xml_message_text(msg, sizeof(msg), e->message);
	set_failure(r, FOLIO_EINPUT, FOLIO_XML_SYNTAX,
		e->line > 0 ? (unsigned)e->line : 1,
		e->int2 > 0 ? (unsigned)e->int2 : 1,
		"expected well-formed XML, found an error: %s", msg);
}

static void relay_error(void *arg, xmlErrorPtr e)
{
	on_error(arg, e);
}

int folio_xml_reader_open(folio_xml_reader **out, folio_xml_pull pull,
	void *ctx, const char *name, const char *schema_name,
	const folio_xml_limits *limits, folio_error *err)
{
	folio_xml_reader *r;
	xmlRelaxNGPtr schema = NULL;
	int rc;

	*out = NULL;
	folio_xml_init();
	if (schema_name != NULL &&
	    (rc = xml_cached_schema(&schema, schema_name, err)) < 0)
		return rc;
	r = calloc(1, sizeof(*r));
	if (r == NULL || (r->name = strdup(name ? name : "-")) == NULL) {
		free(r);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	r->pull = pull;
	r->ctx = ctx;
	r->max_bytes = limits && limits->max_bytes ? limits->max_bytes :
		FOLIO_MAX_SOURCE_BYTES;
	r->max_depth = limits && limits->max_depth > 0 ? limits->max_depth :
		FOLIO_MAX_DEPTH;
	xml_guard_init(&r->guard, FOLIO_MAX_ATTRIBUTES);
	/* As for whole documents: nothing fetched or expanded; the bytes
	 * are UTF-8 (checked by the guard) whatever they declare. */
	/* CDATA sections stay nodes of their own (no XML_PARSE_NOCDATA):
	 * see line_ends. */
	r->tr = xmlReaderForIO(io_read, io_close, r, r->name, NULL,
		XML_PARSE_NONET | XML_PARSE_IGNORE_ENC | XML_PARSE_NOWARNING);
	if (r->tr == NULL) {
		folio_xml_reader_free(r);
		return folio_error_set(err, FOLIO_ENOMEM, "%s: out of memory",
			name);
	}
	xmlTextReaderSetStructuredErrorHandler(r->tr, relay_error, r);
	if (schema != NULL) {
		if (xmlTextReaderRelaxNGSetSchema(r->tr, schema) != 0) {
			folio_xml_reader_free(r);
			return folio_error_set(err, FOLIO_ELIB, "%s: cannot "
				"validate against %s.rng while streaming", name,
				schema_name);
		}
		r->validating = 1;
	}
	*out = r;
	return 0;
}

folio_xml_failure folio_xml_reader_failure(const folio_xml_reader *r)
{
	return r->why;
}

static const char *nz(const xmlChar *s)
{
	return s != NULL && s[0] != '\0' ? (const char *)s : NULL;
}

/* Copy the start tag's attributes; pointers are fixed once every value
 * is in r->strings (appending may move it). */
static int take_attributes(folio_xml_item *out, folio_xml_reader *r)
{
	size_t offs[FOLIO_XML_MAX_ITEM_ATTRS], i, n = 0;
	xmlTextReaderPtr tr = r->tr;
	int more;

	folio_buf_reset(&r->strings);
	for (more = xmlTextReaderMoveToFirstAttribute(tr); more == 1;
		more = xmlTextReaderMoveToNextAttribute(tr)) {
		folio_xml_attr *a;
		const char *qname = (const char *)xmlTextReaderConstName(tr);
		const char *v = (const char *)xmlTextReaderConstValue(tr);
		if (n == FOLIO_XML_MAX_ITEM_ATTRS) {
			/* The guard counted them already; defaulted
			 * attributes cannot exist without a DTD. */
			set_failure(r, FOLIO_ELIMIT, FOLIO_XML_LIMIT, out->line,
				out->col, "<%s>: attribute limit exceeded",
				out->name);
			return -1;
		}
		a = &out->attrs[n];
		memset(a, 0, sizeof(*a));
		offs[n] = r->strings.len;
		if (folio_buf_append(&r->strings, v ? v : "",
			v ? strlen(v) + 1 : 1) < 0) {
			set_failure(r, FOLIO_ELIMIT, FOLIO_XML_LIMIT, out->line,
				out->col, "<%s>: attribute values too long",
				out->name);
			return -1;
		}
		if (qname != NULL && strcmp(qname, "xmlns") == 0) {
			a->is_ns_decl = 1;
			a->name = "";
		} else if (qname != NULL && strncmp(qname, "xmlns:", 6) == 0) {
			a->is_ns_decl = 1;
			a->name = qname + 6;
		} else {
			a->prefix = nz(xmlTextReaderConstPrefix(tr));
			a->name = (const char *)xmlTextReaderConstLocalName(tr);
			a->ns = nz(xmlTextReaderConstNamespaceUri(tr));
		}
		n++;
	}
	xmlTextReaderMoveToElement(tr);
	if (more < 0)
		return -1;
	for (i = 0; i < n; i++)
		out->attrs[i].value = r->strings.data + offs[i];
	out->n_attrs = n;
	return 0;
}

/* XML turns CR LF and a lone CR into LF before parsing (XML 1.0, 2.11),
 * and libxml2 does, except in CDATA sections when it parses in pieces,
 * as this reader does: their text still holds CRs a whole-document
 * parse would not see (found by fuzzing against libxml2's own c14n).
 * Normalise them here, so a streamed document reads as a whole one. */
static const char *line_ends(folio_xml_reader *r, const char *text,
	size_t *len)
{
	size_t i, o = 0;
	char *p;

	if (memchr(text, '\r', *len) == NULL)
		return text;
	folio_buf_reset(&r->strings);
	if (folio_buf_append(&r->strings, text, *len) < 0)
		return NULL;
	p = r->strings.data;
	for (i = 0; i < *len; i++) {
		if (p[i] == '\r') {
			p[o++] = '\n';
			if (i + 1 < *len && p[i + 1] == '\n')
				i++;
		} else {
			p[o++] = p[i];
		}
	}
	p[o] = '\0';
	*len = o;
	return p;
}

static int report(folio_xml_reader *r, folio_error *err)
{
	if (!r->failed)
		set_failure(r, FOLIO_EINPUT, FOLIO_XML_SYNTAX,
			(unsigned)xmlTextReaderGetParserLineNumber(r->tr),
			(unsigned)xmlTextReaderGetParserColumnNumber(r->tr),
			"expected well-formed XML, found an error");
	return folio_error_set(err, r->failed, "%s", r->msg);
}

int folio_xml_reader_next(folio_xml_item *out, folio_xml_reader *r,
	folio_error *err)
{
	xmlTextReaderPtr tr = r->tr;
	int ret, type;

	memset(out, 0, offsetof(folio_xml_item, attrs));
	out->n_attrs = 0;
	if (r->failed)
		return folio_error_set(err, r->failed, "%s", r->msg);
	for (;;) {
		xml_errors_to(r, on_error);
		ret = xmlTextReaderRead(tr);
		xml_errors_to(NULL, NULL);
		if (r->failed || ret < 0)
			return report(r, err);
		if (ret == 0) {
			if (r->validating && xmlTextReaderIsValid(tr) != 1) {
				set_failure(r, FOLIO_EINPUT, FOLIO_XML_SCHEMA,
					(unsigned)
					xmlTextReaderGetParserLineNumber(tr),
					1, "expected content valid under the "
					"schema, found an error");
				return report(r, err);
			}
			return 0;
		}
		type = xmlTextReaderNodeType(tr);
		out->depth = xmlTextReaderDepth(tr) + 1;
		out->line = (unsigned)xmlTextReaderGetParserLineNumber(tr);
		out->col = (unsigned)xmlTextReaderGetParserColumnNumber(tr);
		switch (type) {
		case XML_READER_TYPE_ELEMENT:
		case XML_READER_TYPE_END_ELEMENT:
			out->kind = type == XML_READER_TYPE_ELEMENT ?
				FOLIO_XML_START : FOLIO_XML_END;
			out->prefix = nz(xmlTextReaderConstPrefix(tr));
			out->name = (const char *)
				xmlTextReaderConstLocalName(tr);
			out->ns = nz(xmlTextReaderConstNamespaceUri(tr));
			if (out->kind == FOLIO_XML_END)
				return 1;
			if (out->depth > r->max_depth) {
				set_failure(r, FOLIO_ELIMIT, FOLIO_XML_LIMIT,
					out->line, out->col, "<%s>: nesting "
					"limit exceeded: expected elements "
					"nested at most %d deep, found depth %d",
					out->name, r->max_depth, out->depth);
				return report(r, err);
			}
			out->empty = xmlTextReaderIsEmptyElement(tr) == 1;
			if (take_attributes(out, r) < 0)
				return report(r, err);
			return 1;
		case XML_READER_TYPE_TEXT:
		case XML_READER_TYPE_CDATA:
		case XML_READER_TYPE_WHITESPACE:
		case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
		case XML_READER_TYPE_COMMENT:
		case XML_READER_TYPE_PROCESSING_INSTRUCTION:
			out->kind = type == XML_READER_TYPE_COMMENT ?
				FOLIO_XML_COMMENT : type ==
				XML_READER_TYPE_PROCESSING_INSTRUCTION ?
				FOLIO_XML_PI : FOLIO_XML_TEXT;
			if (out->kind == FOLIO_XML_PI)
				out->name = (const char *)
					xmlTextReaderConstName(tr);
			out->text = (const char *)xmlTextReaderConstValue(tr);
			if (out->text == NULL)
				out->text = "";
			out->text_len = strlen(out->text);
			if (type == XML_READER_TYPE_CDATA &&
			    (out->text = line_ends(r, out->text,
				&out->text_len)) == NULL) {
				set_failure(r, FOLIO_ELIMIT, FOLIO_XML_LIMIT,
					out->line, out->col, "a CDATA section "
					"too long");
				return report(r, err);
			}
			return 1;
		default:
			/* Entity references cannot occur (no DTD, no
			 * substitution); nothing else carries content. */
			continue;
		}
	}
}

void folio_xml_reader_free(folio_xml_reader *r)
{
	if (r == NULL)
		return;
	if (r->tr != NULL)
		xmlFreeTextReader(r->tr);
	folio_buf_free(&r->strings);
	free(r->name);
	free(r);
}

int folio_xml_validate_stream(folio_xml_pull pull, void *ctx,
	const char *name, const char *schema_name,
	const folio_xml_limits *limits, folio_error *err)
{
	folio_xml_reader *r = NULL;
	folio_xml_item it;
	int rc;

	if ((rc = folio_xml_reader_open(&r, pull, ctx, name, schema_name,
		limits, err)) < 0)
		return rc;
	while ((rc = folio_xml_reader_next(&it, r, err)) > 0)
		;
	folio_xml_reader_free(r);
	return rc;
}

typedef struct memory_source {
	const char *data;
	size_t len, off;
} memory_source;

static int pull_memory(void *ctx, char *buf, size_t len, size_t *out_n,
	folio_error *err)
{
	memory_source *m = ctx;
	size_t n = m->len - m->off;

	(void)err;
	if (n > len)
		n = len;
	memcpy(buf, m->data + m->off, n);
	m->off += n;
	*out_n = n;
	return 0;
}

int folio_xml_validate_memory(const char *data, size_t len,
	const char *name, const char *schema_name,
	const folio_xml_limits *limits, folio_error *err)
{
	memory_source m = {data, len, 0};

	return folio_xml_validate_stream(pull_memory, &m, name, schema_name,
		limits, err);
}
