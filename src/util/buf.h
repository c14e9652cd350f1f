/*
 * buf.h - growable byte buffer with a hard limit.
 *
 * Always NUL-terminated after a successful append. Growth past `limit`
 * fails with FOLIO_ELIMIT and leaves the contents as they were, so the
 * caller can still report what it had. Zero-initialise, set limit (0 means
 * 64 MiB), append, then folio_buf_free(). Not thread-safe.
 */
#ifndef FOLIO_UTIL_BUF_H
#define FOLIO_UTIL_BUF_H

#include <stddef.h>
#include <stdint.h>

#define FOLIO_BUF_DEFAULT_LIMIT ((size_t)64 * 1024 * 1024)

typedef struct folio_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t limit;
} folio_buf;

int folio_buf_append(folio_buf *b, const void *p, size_t n);
int folio_buf_puts(folio_buf *b, const char *s);
int folio_buf_putc(folio_buf *b, char c);
/* Append one code point as UTF-8. */
int folio_buf_put_utf8(folio_buf *b, uint32_t cp);
int folio_buf_printf(folio_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append s escaped as a JSON string body (no surrounding quotes). */
int folio_buf_put_json(folio_buf *b, const char *s);
void folio_buf_reset(folio_buf *b);
void folio_buf_free(folio_buf *b);

#endif
