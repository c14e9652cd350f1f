/* xml_writer.c - xmlTextWriter behind folio_xmlw (see xml_writer.h).
 * libxml2's output buffer calls back here for every chunk, so a
 * document bound for a file never exists whole in memory. */
#include "util/xml_writer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlIO.h>
#include <libxml/xmlwriter.h>

#include "util/utf8.h"

/* xmlChar is unsigned char; this keeps const (BAD_CAST drops it). */
#define XC (const xmlChar *)

struct folio_xmlw {
	xmlTextWriterPtr w;
	folio_buf *dest;        /* one of dest and fp */
	FILE *fp;
	uint64_t bytes;
	int rc;
	int sink_rc;            /* why the sink refused, for the message */
	folio_error *err;
	char name[128];
};

int folio_xml_text_ok(const char *s, size_t n, uint32_t *bad_cp,
	size_t *bad_off)
{
	size_t off = 0, len;
	uint32_t c;

	while (off < n) {
		/* ASCII above the controls is the common case. */
		if ((unsigned char)s[off] >= 0x20 &&
		    (unsigned char)s[off] < 0x80) {
			off++;
			continue;
		}
		len = folio_utf8_decode(s + off, n - off, &c);
		if (len == 0 || (c < 0x20 && c != '\t' && c != '\n' &&
		    c != '\r') || c == 0xFFFE || c == 0xFFFF) {
			*bad_cp = len == 0 ? 0xFFFFFFFFu : c;
			*bad_off = off;
			return 0;
		}
		off += len;
	}
	return 1;
}

static size_t limit_of(const folio_buf *b)
{
	return b->limit ? b->limit : FOLIO_BUF_DEFAULT_LIMIT;
}

static int fail(folio_xmlw *w, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(folio_xmlw *w, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (w->rc != 0)
		return w->rc;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return w->rc = folio_error_set(w->err, code, "%s: %s", w->name, msg);
}

/* A libxml2 call returned < 0: the sink's reason if it refused,
 * libxml2's otherwise. */
static void lib_failed(folio_xmlw *w, const char *what)
{
	if (w->sink_rc == FOLIO_ELIMIT)
		fail(w, FOLIO_ELIMIT, "larger than the limit of %zu bytes",
			limit_of(w->dest));
	else if (w->sink_rc == FOLIO_EIO)
		fail(w, FOLIO_EIO, "cannot write: %m");
	else if (w->sink_rc == FOLIO_ENOMEM)
		fail(w, FOLIO_ENOMEM, "out of memory");
	else
		fail(w, FOLIO_ELIB, "libxml2 could not write (%s)", what);
}

static int sink_write(void *ctx, const char *p, int len)
{
	folio_xmlw *w = ctx;

	if (len <= 0)
		return 0;
	if (w->fp != NULL) {
		if (fwrite(p, 1, (size_t)len, w->fp) != (size_t)len) {
			w->sink_rc = FOLIO_EIO;
			return -1;
		}
	} else if (folio_buf_append(w->dest, p, (size_t)len) < 0) {
		w->sink_rc = w->dest->len + (size_t)len > limit_of(w->dest) ?
			FOLIO_ELIMIT : FOLIO_ENOMEM;
		return -1;
	}
	w->bytes += (uint64_t)len;
	return len;
}

static int sink_close(void *ctx)
{
	(void)ctx;
	return 0;
}

static int open_writer(folio_xmlw **out, folio_buf *dest, FILE *fp,
	const char *name, const char *indent, folio_error *err)
{
	xmlOutputBufferPtr ob;
	folio_xmlw *w;

	*out = NULL;
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	w->dest = dest;
	w->fp = fp;
	w->err = err;
	snprintf(w->name, sizeof(w->name), "%s", name);
	ob = xmlOutputBufferCreateIO(sink_write, sink_close, w, NULL);
	/* The writer owns ob from here, even when it fails. */
	if (ob == NULL || (w->w = xmlNewTextWriter(ob)) == NULL) {
		free(w);
		return folio_error_set(err, FOLIO_ENOMEM,
			"%s: cannot start an XML writer", name);
	}
	if (indent != NULL && (xmlTextWriterSetIndent(w->w, 1) < 0 ||
	    xmlTextWriterSetIndentString(w->w, XC indent) < 0))
		lib_failed(w, "indent");
	if (xmlTextWriterStartDocument(w->w, "1.0", "UTF-8", NULL) < 0)
		lib_failed(w, "declaration");
	*out = w;
	return 0;
}

int folio_xmlw_new_buf(folio_xmlw **out, folio_buf *dest, const char *name,
	const char *indent, folio_error *err)
{
	return open_writer(out, dest, NULL, name, indent, err);
}

int folio_xmlw_new_file(folio_xmlw **out, FILE *fp, const char *name,
	const char *indent, folio_error *err)
{
	return open_writer(out, NULL, fp, name, indent, err);
}

/* Refuse what XML cannot carry instead of writing a file no parser
 * reopens. */
static int checked(folio_xmlw *w, const char *s, size_t n)
{
	uint32_t cp;
	size_t off;

	if (w->rc != 0)
		return 0;
	if (folio_xml_text_ok(s, n, &cp, &off))
		return 1;
	if (cp == 0xFFFFFFFFu)
		fail(w, FOLIO_EINPUT, "expected text characters, found "
			"invalid UTF-8 at byte %zu of \"%.40s\"", off, s);
	else
		fail(w, FOLIO_EINPUT, "expected text characters, found "
			"U+%04X at byte %zu", (unsigned)cp, off);
	return 0;
}

void folio_xmlw_doctype(folio_xmlw *w, const char *name)
{
	if (w->rc == 0 &&
	    xmlTextWriterWriteDTD(w->w, XC name, NULL, NULL, NULL) < 0)
		lib_failed(w, "doctype");
}

void folio_xmlw_start(folio_xmlw *w, const char *name)
{
	if (w->rc == 0 && xmlTextWriterStartElement(w->w, XC name) < 0)
		lib_failed(w, name);
}

void folio_xmlw_start_ns(folio_xmlw *w, const char *prefix,
	const char *name, const char *ns)
{
	if (w->rc == 0 && xmlTextWriterStartElementNS(w->w, XC prefix,
		XC name, XC ns) < 0)
		lib_failed(w, name);
}

void folio_xmlw_attr(folio_xmlw *w, const char *name, const char *value)
{
	if (checked(w, value, strlen(value)) &&
	    xmlTextWriterWriteAttribute(w->w, XC name, XC value) < 0)
		lib_failed(w, name);
}

void folio_xmlw_attr_ns(folio_xmlw *w, const char *prefix,
	const char *name, const char *ns, const char *value)
{
	if (checked(w, value, strlen(value)) &&
	    xmlTextWriterWriteAttributeNS(w->w, XC prefix, XC name, XC ns,
		XC value) < 0)
		lib_failed(w, name);
}

void folio_xmlw_text(folio_xmlw *w, const char *text)
{
	if (checked(w, text, strlen(text)) &&
	    xmlTextWriterWriteString(w->w, XC text) < 0)
		lib_failed(w, "text");
}

void folio_xmlw_text_n(folio_xmlw *w, const char *text, size_t n)
{
	char *copy;

	if (w->rc != 0 || n == 0)
		return;
	/* libxml2's writer escapes only NUL-terminated strings. */
	copy = malloc(n + 1);
	if (copy == NULL) {
		fail(w, FOLIO_ENOMEM, "out of memory");
		return;
	}
	memcpy(copy, text, n);
	copy[n] = '\0';
	if (memchr(text, '\0', n) != NULL)
		fail(w, FOLIO_EINPUT, "expected text characters, found "
			"U+0000");
	else
		folio_xmlw_text(w, copy);
	free(copy);
}

void folio_xmlw_element(folio_xmlw *w, const char *name, const char *text)
{
	if (text != NULL && checked(w, text, strlen(text)) &&
	    xmlTextWriterWriteElement(w->w, XC name, XC text) < 0)
		lib_failed(w, name);
}

void folio_xmlw_element_ns(folio_xmlw *w, const char *prefix,
	const char *name, const char *text)
{
	if (text != NULL && checked(w, text, strlen(text)) &&
	    xmlTextWriterWriteElementNS(w->w, XC prefix, XC name, NULL,
		XC text) < 0)
		lib_failed(w, name);
}

void folio_xmlw_end(folio_xmlw *w)
{
	if (w->rc == 0 && xmlTextWriterEndElement(w->w) < 0)
		lib_failed(w, "end");
}

int folio_xmlw_status(const folio_xmlw *w)
{
	return w->rc;
}

uint64_t folio_xmlw_bytes(const folio_xmlw *w)
{
	return w->bytes;
}

int folio_xmlw_close(folio_xmlw *w)
{
	if (w->w == NULL)
		return w->rc;
	if (w->rc == 0 && xmlTextWriterEndDocument(w->w) < 0)
		lib_failed(w, "end of document");
	if (w->rc == 0 && xmlTextWriterFlush(w->w) < 0)
		lib_failed(w, "flush");
	/* Freeing the writer closes its output buffer (flushing what the
	 * flush above already sent when nothing failed). */
	xmlFreeTextWriter(w->w);
	w->w = NULL;
	if (w->rc == 0 && w->sink_rc != 0)
		lib_failed(w, "close");
	return w->rc;
}

void folio_xmlw_free(folio_xmlw *w)
{
	if (w == NULL)
		return;
	if (w->w != NULL)
		xmlFreeTextWriter(w->w);
	free(w);
}
