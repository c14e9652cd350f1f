/* uri.c - entry names as Reference URIs (see uri.h). */
#include "archive/uri.h"

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		(c >= 'A' && c <= 'F');
}

static int hex_val(char c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

int folio_uri_decode(char *out, size_t outsz, const char *uri)
{
	size_t o = 0;
	const char *p;

	for (p = uri; *p; p++) {
		char c = *p;
		if (c == '%') {
			if (!is_hex(p[1]) || !is_hex(p[2]))
				return -1;
			c = (char)(hex_val(p[1]) * 16 + hex_val(p[2]));
			if (c == '\0')
				return -1;
			p += 2;
		}
		if (o + 1 >= outsz)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

int folio_uri_encode(char *out, size_t outsz, const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	size_t o = 0;

	for (p = (const unsigned char *)name; *p; p++) {
		int keep = (*p >= 'A' && *p <= 'Z') ||
			(*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			*p == '-' || *p == '.' || *p == '_' || *p == '~' ||
			*p == '/';
		if (o + (keep ? 1 : 3) >= outsz)
			return -1;
		if (keep) {
			out[o++] = (char)*p;
		} else {
			out[o++] = '%';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 15];
		}
	}
	out[o] = '\0';
	return 0;
}
