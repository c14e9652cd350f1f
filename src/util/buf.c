#include "util/buf.h"
#include "util/error.h"
#include "util/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int grow(folio_buf *b, size_t extra)
{
	size_t limit = b->limit ? b->limit : FOLIO_BUF_DEFAULT_LIMIT;
	size_t need, cap;
	char *p;

	if (extra > limit || b->len > limit - extra)
		return FOLIO_ELIMIT;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (p == NULL)
		return FOLIO_ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int folio_buf_append(folio_buf *b, const void *p, size_t n)
{
	int rc = grow(b, n);
	if (rc < 0)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int folio_buf_puts(folio_buf *b, const char *s)
{
	return folio_buf_append(b, s, strlen(s));
}

int folio_buf_putc(folio_buf *b, char c)
{
	return folio_buf_append(b, &c, 1);
}

int folio_buf_put_utf8(folio_buf *b, uint32_t cp)
{
	char tmp[4];
	size_t n = folio_utf8_encode(tmp, cp);
	return folio_buf_append(b, tmp, n);
}

int folio_buf_printf(folio_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return FOLIO_EUSAGE;
	rc = grow(b, (size_t)n);
	if (rc < 0)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int folio_buf_put_json(folio_buf *b, const char *s)
{
	int rc = 0;

	while (*s && rc == 0) {
		/* Runs that need no escape go in whole (reports write every
		 * document's title twice a run). */
		const char *run = s;
		while ((unsigned char)*s >= 0x20 && *s != '"' && *s != '\\') {
			if ((unsigned char)*s >= 0x80) {
				uint32_t cp;
				size_t len = folio_utf8_decode(s, 4, &cp);
				if (len == 0)
					break;
				s += len;
			} else {
				s++;
			}
		}
		if (s > run && (rc = folio_buf_append(b, run,
			(size_t)(s - run))) < 0)
			break;
		if (*s == '\0')
			break;
		switch (*s) {
		case '"': rc = folio_buf_puts(b, "\\\""); break;
		case '\\': rc = folio_buf_puts(b, "\\\\"); break;
		case '\n': rc = folio_buf_puts(b, "\\n"); break;
		case '\r': rc = folio_buf_puts(b, "\\r"); break;
		case '\t': rc = folio_buf_puts(b, "\\t"); break;
		default:
			if ((unsigned char)*s < 0x20)
				rc = folio_buf_printf(b, "\\u%04x",
					(unsigned)(unsigned char)*s);
			else
				/* A stray byte would make the whole document
				 * unreadable as JSON. */
				rc = folio_buf_puts(b, "\\ufffd");
		}
		s++;
	}
	return rc;
}

void folio_buf_reset(folio_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void folio_buf_free(folio_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
