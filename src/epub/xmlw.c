/* The libxml2 xmlTextWriter adapter for src/epub/: every byte of markup in
 * a book comes from here, so escaping lives in one place. */
#include "epub/epub_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "util/utf8.h"

/* libxml2 takes unsigned chars; BAD_CAST would drop const. */
#define XC (const xmlChar *)

struct epub_xml {
	xmlBufferPtr buf;
	xmlTextWriterPtr w;
	int rc;
	folio_error *err;
	char name[64];
	const char *path;      /* source position for refused text */
	unsigned line, col;
	uint8_t *used;
};

static void fail(epub_xml *x, const char *what)
{
	if (x->rc == 0)
		x->rc = folio_error_set(x->err, FOLIO_ELIB,
			"%s: libxml2 writer failed (%s)", x->name, what);
}

int xw_new(epub_xml **out, const char *name, int indent, uint8_t *used,
	folio_error *err)
{
	epub_xml *x;

	*out = NULL;
	x = calloc(1, sizeof(*x));
	if (x == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	x->err = err;
	x->used = used;
	snprintf(x->name, sizeof(x->name), "%s", name);
	x->buf = xmlBufferCreate();
	if (x->buf != NULL)
		x->w = xmlNewTextWriterMemory(x->buf, 0);
	if (x->w == NULL) {
		xw_free(x);
		return folio_error_set(err, FOLIO_ENOMEM,
			"%s: cannot start an XML writer", name);
	}
	if (indent && (xmlTextWriterSetIndent(x->w, 1) < 0 ||
	    xmlTextWriterSetIndentString(x->w, XC "  ") < 0))
		fail(x, "indent");
	if (xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL) < 0)
		fail(x, "start");
	*out = x;
	return 0;
}

void xw_position(epub_xml *x, const char *path, unsigned line,
	unsigned col)
{
	x->path = path;
	x->line = line;
	x->col = col;
}

void xw_doctype_html(epub_xml *x)
{
	if (x->rc == 0 &&
	    xmlTextWriterWriteDTD(x->w, XC "html", NULL, NULL, NULL) < 0)
		fail(x, "doctype");
}

void xw_start(epub_xml *x, const char *element)
{
	if (x->rc == 0 &&
	    xmlTextWriterStartElement(x->w, XC element) < 0)
		fail(x, element);
}

/* XML 1.0 Char: tab, LF, CR, U+0020..U+D7FF, U+E000..U+FFFD, >= U+10000.
 * Valid UTF-8 already excludes surrogates. */
static int xml_char(uint32_t cp)
{
	if (cp < 0x20)
		return cp == 0x09 || cp == 0x0A || cp == 0x0D;
	return cp != 0xFFFE && cp != 0xFFFF;
}

/* Refuse what XML cannot carry instead of writing a book no reader
 * opens; mark the characters used for the font subset. */
static int check_text(epub_xml *x, const char *s)
{
	size_t n = strlen(s), i = 0, len;
	uint32_t cp;

	while (i < n) {
		len = folio_utf8_decode(s + i, n - i, &cp);
		if (len == 0 || !xml_char(cp)) {
			if (x->path != NULL)
				return x->rc = folio_error_set(x->err,
					FOLIO_EINPUT, "%s:%u:%u: expected text "
					"characters, found %s U+%04X",
					x->path, x->line, x->col,
					len ? "control character" :
					"invalid UTF-8", (unsigned)cp);
			return x->rc = folio_error_set(x->err, FOLIO_EINPUT,
				"%s: expected text characters, found U+%04X",
				x->name, (unsigned)cp);
		}
		if (x->used != NULL)
			x->used[cp >> 3] = (uint8_t)(x->used[cp >> 3] |
				(1u << (cp & 7)));
		i += len;
	}
	return 0;
}

void xw_attr(epub_xml *x, const char *name, const char *value)
{
	if (x->rc != 0 || check_text(x, value) < 0)
		return;
	if (xmlTextWriterWriteAttribute(x->w, XC name,
		XC value) < 0)
		fail(x, name);
}

void xw_text(epub_xml *x, const char *text)
{
	if (x->rc != 0 || check_text(x, text) < 0)
		return;
	if (xmlTextWriterWriteString(x->w, XC text) < 0)
		fail(x, "text");
}

void xw_text_n(epub_xml *x, const char *text, size_t n)
{
	char *copy;

	if (x->rc != 0 || n == 0)
		return;
	/* libxml2's writer escapes only NUL-terminated strings. */
	copy = malloc(n + 1);
	if (copy == NULL) {
		x->rc = folio_error_set(x->err, FOLIO_ENOMEM, "%s: out of memory",
			x->name);
		return;
	}
	memcpy(copy, text, n);
	copy[n] = '\0';
	xw_text(x, copy);
	free(copy);
}

void xw_end(epub_xml *x)
{
	if (x->rc == 0 && xmlTextWriterEndElement(x->w) < 0)
		fail(x, "end");
}

void xw_leaf(epub_xml *x, const char *element, const char *cls,
	const char *text)
{
	xw_start(x, element);
	if (cls != NULL)
		xw_attr(x, "class", cls);
	xw_text(x, text);
	xw_end(x);
}

int xw_finish(epub_xml *x, folio_buf *dest)
{
	int rc;

	if (x->rc == 0 && xmlTextWriterEndDocument(x->w) < 0)
		fail(x, "end document");
	/* Freeing the writer flushes it into the buffer. */
	xmlFreeTextWriter(x->w);
	x->w = NULL;
	if (x->rc == 0) {
		size_t len = (size_t)xmlBufferLength(x->buf);
		if (len > EPUB_MAX_PART)
			x->rc = folio_error_set(x->err, FOLIO_ELIMIT,
				"%s: %zu bytes exceeds the limit of %zu",
				x->name, len, EPUB_MAX_PART);
		else if (folio_buf_append(dest, xmlBufferContent(x->buf),
			len) < 0)
			x->rc = folio_error_set(x->err, FOLIO_ENOMEM,
				"%s: out of memory", x->name);
	}
	rc = x->rc;
	xw_free(x);
	return rc;
}

void xw_free(epub_xml *x)
{
	if (x == NULL)
		return;
	if (x->w != NULL)
		xmlFreeTextWriter(x->w);
	if (x->buf != NULL)
		xmlBufferFree(x->buf);
	free(x);
}

void xw_xhtml_open(epub_xml *x, const char *title, int with_font,
	const char *lang)
{
	static const char *const sheets[] = {EPUB_CSS, EPUB_FONT_CSS};
	int i;

	xw_doctype_html(x);
	xw_start(x, "html");
	xw_attr(x, "xmlns", "http://www.w3.org/1999/xhtml");
	xw_attr(x, "xmlns:epub", "http://www.idpf.org/2007/ops");
	xw_attr(x, "lang", lang);
	xw_attr(x, "xml:lang", lang);
	xw_start(x, "head");
	xw_start(x, "meta");
	xw_attr(x, "charset", "UTF-8");
	xw_end(x);
	xw_leaf(x, "title", NULL, title);
	for (i = 0; i < (with_font ? 2 : 1); i++) {
		xw_start(x, "link");
		xw_attr(x, "rel", "stylesheet");
		xw_attr(x, "type", "text/css");
		xw_attr(x, "href", sheets[i]);
		xw_end(x);
	}
	xw_end(x);
	xw_start(x, "body");
}
