#include "util/utf8.h"

size_t folio_utf8_decode(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c, min;
	size_t len, i;

	*cp = 0xFFFD;
	if (n == 0)
		return 0;
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		len = 2; c &= 0x1F; min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3; c &= 0x0F; min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4; c &= 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

size_t folio_utf8_encode(char out[4], uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t folio_utf8_check(const char *s, size_t n)
{
	size_t off = 0, len;
	uint32_t cp;

	while (off < n) {
		len = folio_utf8_decode(s + off, n - off, &cp);
		if (len == 0)
			return off;
		off += len;
	}
	return n;
}

size_t folio_utf8_incomplete_tail(const char *s, size_t n)
{
	size_t back, need;
	unsigned char c;

	/* Walk back over at most 3 continuation bytes to a lead byte. */
	for (back = 1; back <= 4 && back <= n; back++) {
		c = (unsigned char)s[n - back];
		if ((c & 0xC0) != 0x80)
			break;
	}
	if (back > 4 || back > n)
		return 0;
	c = (unsigned char)s[n - back];
	need = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 :
		(c & 0xF8) == 0xF0 ? 4 : 1;
	return need > back ? back : 0;
}

size_t folio_utf8_count(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

void folio_utf8_position(const char *s, size_t off, unsigned *line,
	unsigned *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n') {
			(*line)++;
			*col = 1;
		} else if ((c & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

int folio_is_han(uint32_t cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) ||   /* URO */
		(cp >= 0x3400 && cp <= 0x4DBF) ||  /* Ext A */
		(cp >= 0x20000 && cp <= 0x3134F) || /* Ext B-G */
		(cp >= 0xF900 && cp <= 0xFAFF) ||  /* compatibility */
		cp == 0x3007;                      /* 〇 */
}

int folio_is_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' ||
		cp == 0x0B || cp == 0x0C || cp == 0xA0 || cp == 0x3000 ||
		(cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F ||
		cp == 0x205F || cp == 0xFEFF;
}
