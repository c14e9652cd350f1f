/* Markup of a book, over the one XML writer (util/xml_writer.h): every
 * byte of markup in a book comes from here, so escaping lives in one
 * place. What this layer adds is the book's: text refused with the
 * source position of the block it came from, and the characters used
 * marked for the font subset. */
#include "epub/epub_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"
#include "util/xml_writer.h"

struct epub_xml {
	folio_xmlw *w;
	folio_buf buf;
	int rc;
	folio_error *err;
	char name[64];
	const char *path;      /* source position for refused text */
	unsigned line, col;
	uint8_t *used;
};

int xw_new(epub_xml **out, const char *name, int indent, uint8_t *used,
	folio_error *err)
{
	epub_xml *x;
	int rc;

	*out = NULL;
	x = calloc(1, sizeof(*x));
	if (x == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	x->err = err;
	x->used = used;
	snprintf(x->name, sizeof(x->name), "%s", name);
	x->buf.limit = EPUB_MAX_PART;
	if ((rc = folio_xmlw_new_buf(&x->w, &x->buf, name,
		indent ? "  " : NULL, err)) < 0) {
		xw_free(x);
		return rc;
	}
	x->rc = folio_xmlw_status(x->w);
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

/* The writer's first failure becomes ours. */
static void sync(epub_xml *x)
{
	if (x->rc == 0)
		x->rc = folio_xmlw_status(x->w);
}

void xw_doctype_html(epub_xml *x)
{
	if (x->rc == 0)
		folio_xmlw_doctype(x->w, "html");
	sync(x);
}

void xw_start(epub_xml *x, const char *element)
{
	if (x->rc == 0)
		folio_xmlw_start(x->w, element);
	sync(x);
}

/* Refuse what XML cannot carry instead of writing a book no reader
 * opens, naming the source position; mark the characters used for the
 * font subset. */
static int check_text(epub_xml *x, const char *s)
{
	size_t n = strlen(s), i = 0, len, off;
	uint32_t cp;

	if (!folio_xml_text_ok(s, n, &cp, &off)) {
		if (x->path != NULL)
			return x->rc = folio_error_set(x->err, FOLIO_EINPUT,
				"%s:%u:%u: expected text characters, found %s "
				"U+%04X", x->path, x->line, x->col,
				cp != 0xFFFFFFFFu ? "control character" :
				"invalid UTF-8", cp != 0xFFFFFFFFu ?
				(unsigned)cp : 0u);
		return x->rc = folio_error_set(x->err, FOLIO_EINPUT,
			"%s: expected text characters, found U+%04X",
			x->name, cp != 0xFFFFFFFFu ? (unsigned)cp : 0u);
	}
	if (x->used == NULL)
		return 0;
	while (i < n) {
		len = folio_utf8_decode(s + i, n - i, &cp);
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
	folio_xmlw_attr(x->w, name, value);
	sync(x);
}

void xw_text(epub_xml *x, const char *text)
{
	if (x->rc != 0 || check_text(x, text) < 0)
		return;
	folio_xmlw_text(x->w, text);
	sync(x);
}

void xw_text_n(epub_xml *x, const char *text, size_t n)
{
	char *copy;

	if (x->rc != 0 || n == 0)
		return;
	/* Checked and marked as a whole string, like xw_text. */
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
	if (x->rc == 0)
		folio_xmlw_end(x->w);
	sync(x);
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

	if (x->rc == 0)
		x->rc = folio_xmlw_close(x->w);
	if (x->rc == 0 && folio_buf_append(dest, x->buf.data ? x->buf.data :
		"", x->buf.len) < 0)
		x->rc = folio_error_set(x->err, FOLIO_ENOMEM,
			"%s: out of memory", x->name);
	rc = x->rc;
	xw_free(x);
	return rc;
}

void xw_free(epub_xml *x)
{
	if (x == NULL)
		return;
	folio_xmlw_free(x->w);
	folio_buf_free(&x->buf);
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
