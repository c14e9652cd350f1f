/* Markdown-like markers, bullets, rule lines and page numbers of pasted
 * text. Markers become reader hints (outline level, list item) and are
 * removed from the text; their count goes to the report. */
#include <string.h>

#include "import/import_impl.h"

static int is_bullet(uint32_t c)
{
	return c == 0x2022 || c == 0x25CF || c == 0x25C6 || c == 0x25C7 ||
		c == 0x25A0 || c == 0x25A1 || c == 0x25AA || c == 0x25B6 ||
		c == 0x25BA || c == 0x2023 || c == 0x2043 || c == 0x25E6;
}

/* A line drawn with one repeated mark: ─────, ———, -----, ___, ===,
 * ***. */
int imp_is_rule(const uint32_t *v, size_t n)
{
	size_t i, marks = 0;
	uint32_t m = 0;

	for (i = 0; i < n; i++) {
		uint32_t c = v[i];
		if (imp_is_inline_space(c))
			continue;
		if (!(c == '-' || c == '_' || c == '=' || c == '*' ||
		    c == 0x2014 || c == 0x2015 || c == 0x2500 || c == 0x2501 ||
		    c == 0x2013 || c == 0xFF1D || c == 0xFF3F || c == 0x2550 ||
		    c == 0x2212 || c == 0x30FC || c == 0xFE4D || c == 0xFFE3))
			return 0;
		if (m == 0)
			m = c;
		marks++;
	}
	return marks >= 3;
}

/* Printed page numbers: — 2 —, -3-, 第2页, 第 2 页 共 5 页, 2/5. */
int imp_is_page_number(const uint32_t *v, size_t n)
{
	size_t i = imp_skip_spaces(v, n, 0), k;
	int num, dash = 0;

	if (i < n && (v[i] == '-' || v[i] == 0x2014 || v[i] == 0x2013 ||
	    v[i] == 0x2212)) {
		while (i < n && (v[i] == '-' || v[i] == 0x2014 ||
		    v[i] == 0x2013 || v[i] == 0x2212))
			i++;
		dash = 1;
	}
	i = imp_skip_spaces(v, n, i);
	if ((k = imp_match(v, n, i, "第")) != 0) {
		i = imp_skip_spaces(v, n, i + k);
		if (imp_read_digits(v, n, &i, 5, &num) == 0)
			return 0;
		i = imp_skip_spaces(v, n, i);
		if (i >= n || (v[i] != 0x9875 && v[i] != 0x9801))  /* 页 頁 */
			return 0;
		i = imp_skip_spaces(v, n, i + 1);
		if (i < n && (k = imp_match(v, n, i, "共")) != 0) {
			i = imp_skip_spaces(v, n, i + k);
			if (imp_read_digits(v, n, &i, 5, &num) == 0)
				return 0;
			i = imp_skip_spaces(v, n, i);
			if (i >= n || (v[i] != 0x9875 && v[i] != 0x9801))
				return 0;
			i++;
		}
		return imp_skip_spaces(v, n, i) == n;
	}
	if (imp_read_digits(v, n, &i, 5, &num) == 0)
		return 0;
	i = imp_skip_spaces(v, n, i);
	if (dash) {
		if (i >= n || !(v[i] == '-' || v[i] == 0x2014 ||
		    v[i] == 0x2013 || v[i] == 0x2212))
			return 0;
		while (i < n && (v[i] == '-' || v[i] == 0x2014 ||
		    v[i] == 0x2013 || v[i] == 0x2212))
			i++;
		return imp_skip_spaces(v, n, i) == n;
	}
	/* 2/5: page 2 of 5 */
	if (i < n && v[i] == '/') {
		i = imp_skip_spaces(v, n, i + 1);
		if (imp_read_digits(v, n, &i, 5, &num) == 0)
			return 0;
		return imp_skip_spaces(v, n, i) == n;
	}
	return 0;
}

/* "# 标题": number of '#' then a blank, or 0. */
static size_t atx_heading(const imp_para *p, size_t *skip)
{
	size_t i = 0;

	while (i < p->n && i < 7 && (p->v[i] == '#' || p->v[i] == 0xFF03))
		i++;
	if (i == 0 || i > 6 || i >= p->n || !imp_is_inline_space(p->v[i]))
		return 0;
	*skip = imp_skip_spaces(p->v, p->n, i);
	return *skip < p->n ? i : 0;
}

static void drop_prefix(imp_para *p, size_t k)
{
	p->v += k;
	p->n -= k;
	p->vcol += (unsigned)k;
}

/* **bold** and __bold__ markers go; the text between stays. */
static int strip_emphasis(imp_para *p)
{
	size_t i, w = 0;
	int changed = 0;

	for (i = 0; i < p->n; i++) {
		if (i + 1 < p->n && ((p->v[i] == '*' && p->v[i + 1] == '*') ||
		    (p->v[i] == '_' && p->v[i + 1] == '_'))) {
			i++;
			changed = 1;
			continue;
		}
		p->v[w++] = p->v[i];
	}
	p->n = w;
	return changed;
}

int imp_markers(importer *im)
{
	size_t i, k, skip;

	for (i = 0; i < im->n; i++)
		if (im->p[i].role == R_BODY && atx_heading(&im->p[i], &skip)) {
			im->markdown = 1;
			break;
		}
	for (i = 0; i < im->n; i++) {
		imp_para *p = &im->p[i];
		int marked = 0;

		if (p->role != R_BODY)
			continue;
		if (imp_is_page_number(p->v, p->n)) {
			p->role = R_PAGE_NUMBER;
			continue;
		}
		if (imp_is_rule(p->v, p->n)) {
			p->role = R_RULE;
			continue;
		}
		if (im->markdown && p->n >= 3 && (imp_match(p->v, p->n, 0,
		    "```") || imp_match(p->v, p->n, 0, "~~~"))) {
			p->role = R_RULE;
			p->detail = "markdown code fence";
			continue;
		}
		if (im->markdown && (k = atx_heading(p, &skip)) != 0) {
			p->outline = (unsigned char)k;
			drop_prefix(p, skip);
			marked = 1;
		} else if (im->markdown && p->n >= 2 && p->v[0] == '>') {
			drop_prefix(p, imp_skip_spaces(p->v, p->n, 1));
			marked = 1;
		}
		/* Bullets: - * + need a blank after them, symbols do not. */
		if (p->n >= 2 && (((p->v[0] == '-' || p->v[0] == '*' ||
		    p->v[0] == '+' || p->v[0] == 0x00B7 || p->v[0] == 0x30FB) &&
		    imp_is_inline_space(p->v[1])) || is_bullet(p->v[0]))) {
			skip = imp_skip_spaces(p->v, p->n, 1);
			if (skip < p->n) {
				p->item = IMP_ITEM_BULLET;
				drop_prefix(p, skip);
				marked = 1;
			}
		} else if (im->markdown && p->n >= 3 &&
		    p->v[0] >= '0' && p->v[0] <= '9') {
			for (k = 0; k < p->n && k < 4 && p->v[k] >= '0' &&
			    p->v[k] <= '9'; k++)
				;
			if (k + 1 < p->n && (p->v[k] == '.' || p->v[k] == ')') &&
			    imp_is_inline_space(p->v[k + 1])) {
				skip = imp_skip_spaces(p->v, p->n, k + 1);
				if (skip < p->n) {
					p->item = IMP_ITEM_ORDERED;
					drop_prefix(p, skip);
					marked = 1;
				}
			}
		}
		if (im->markdown && strip_emphasis(p))
			marked = 1;
		if (p->n == 0)
			p->role = R_BLANK;
		if (marked && im->report != NULL)
			im->report->marker_lines++;
	}
	return 0;
}
