/* The pasted-text reader: bytes -> UTF-8 -> one paragraph per line. */
#include <stdlib.h>
#include <string.h>

#include "import/import_impl.h"
#include "util/charset.h"
#include "util/utf8.h"

/* Lines kept per page (blank ones included): about 100 bytes of index
 * each, so 100 MB at most. */
#define MAX_LINES ((size_t)1000000)

static int check_controls(importer *im)
{
	const unsigned char *t = (const unsigned char *)im->text;
	size_t i;
	unsigned line, col;

	for (i = 0; i < im->len; i++) {
		if (t[i] >= 0x20 || t[i] == '\n' || t[i] == '\r' ||
		    t[i] == '\t' || t[i] == '\f' || t[i] == '\v')
			continue;
		folio_utf8_position(im->text, i, &line, &col);
		return folio_error_set(im->err, FOLIO_EINPUT,
			"%s:%u:%u: expected text, found control byte 0x%02X at "
			"byte %zu%s", im->name, line, col, t[i], i,
			t[i] == 0 ? " (is the file UTF-16?)" : "");
	}
	return 0;
}

/* Blank columns of leading white space: a hint of alignment (a 落款
 * pushed right with spaces, a title centred with them). */
static unsigned width_of(uint32_t c)
{
	return c == '\t' ? 4 : c == 0x3000 ? 2 : 1;
}

static int split(importer *im)
{
	const char *t = im->text;
	size_t count = 1, i, start = 0, k = 0, cp = 0;

	for (i = 0; i < im->len; i++)
		if (t[i] == '\n' || (t[i] == '\r' && (i + 1 == im->len ||
		    t[i + 1] != '\n')))
			count++;
	if (count > MAX_LINES)
		return folio_error_set(im->err, FOLIO_ELIMIT,
			"%s: %zu lines, the limit is %zu lines", im->name,
			count, MAX_LINES);
	im->p = calloc(count, sizeof(*im->p));
	/* At most one code point per byte. */
	im->cps = malloc((im->len + 1) * sizeof(*im->cps));
	if (im->p == NULL || im->cps == NULL)
		return folio_error_set(im->err, FOLIO_ENOMEM,
			"%s: out of memory", im->name);
	for (i = 0; i <= im->len; i++) {
		imp_para *p;
		size_t a, b, off, len;
		uint32_t c;
		unsigned col = 1, indent = 0;

		if (i < im->len && t[i] != '\n' && t[i] != '\r')
			continue;
		a = start;
		b = i;
		while (a < b) {
			len = folio_utf8_decode(t + a, b - a, &c);
			if (len == 0 || !folio_is_space(c))
				break;
			indent += width_of(c);
			a += len;
			col++;
		}
		while (b > a) {
			size_t q = b - 1;
			while (q > a && ((unsigned char)t[q] & 0xC0) == 0x80)
				q--;
			folio_utf8_decode(t + q, b - q, &c);
			if (!folio_is_space(c))
				break;
			b = q;
		}
		p = &im->p[k];
		p->src = t + a;
		p->src_n = b - a;
		p->line = (unsigned)(k + 1);
		p->col = col;
		p->vcol = col;
		p->indent = indent;
		p->v = im->cps + cp;
		for (off = a; off < b; off += len) {
			len = folio_utf8_decode(t + off, b - off, &c);
			if (len == 0)
				len = 1;  /* cannot happen: the text was checked */
			/* Form feeds and vertical tabs are not XML characters. */
			if (c == '\f' || c == '\v')
				c = ' ';
			im->cps[cp++] = c;
		}
		p->n = (size_t)(im->cps + cp - p->v);
		p->role = p->n ? R_BODY : R_BLANK;
		/* Ideographic spaces right after the text are a form's
		 * blanks (填表人：　　　　): counted for the body paragraph,
		 * out of the recognisers' sight. */
		while (p->n > 0 && i - b >= 3 && memcmp(t + b, "\u3000", 3) == 0) {
			p->trail++;
			b += 3;
		}
		k++;
		/* \r\n is one line end. */
		if (i < im->len && t[i] == '\r' && i + 1 < im->len &&
		    t[i + 1] == '\n')
			i++;
		start = i + 1;
	}
	im->n = k;
	return 0;
}

int imp_text_read(importer *im, const char *data, size_t len)
{
	folio_charset cs;
	size_t i;
	int rc;

	rc = folio_charset_decode(&im->text, &im->len, &cs, data, len,
		im->opts ? im->opts->encoding : NULL, im->name, im->err);
	if (im->report != NULL)
		im->report->encoding = cs;
	if (rc < 0)
		return rc;
	if ((rc = check_controls(im)) < 0 || (rc = split(im)) < 0)
		return rc;
	if (im->report != NULL)
		im->report->lines = im->n;
	for (i = 0; i < im->n; i++)
		if (im->p[i].role == R_BODY)
			return 0;
	return folio_error_set(im->err, FOLIO_EINPUT,
		"%s:1:1: expected the text of a document, found %s", im->name,
		len ? "only white space" : "an empty file");
}
