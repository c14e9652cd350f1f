/*
 * paginate.c - lines into the bands of pages: headings kept with the next
 * line, no single line of a paragraph alone at a page's top or bottom.
 */
#include "layout/layout_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

/* ---- pagination ------------------------------------------------------ */

static int page_first_band(const ctx *c, size_t page)
{
	return page == 0 ? c->first_band : 0;
}

/* May the page end between lines b-1 and b? */
static int page_break_ok(const fline *l, size_t b)
{
	const fline *a = &l[b - 1], *n = &l[b];

	if (a->keep_next)
		return 0;
	if (a->para_id == n->para_id && a->n_lines >= 2 &&
	    (a->line_no == 0 || n->line_no == n->n_lines - 1))
		return 0;
	return 1;
}

int paginate(ctx *c)
{
	fline *l = c->lines.data;
	size_t n = c->lines.n, i = 0, page = 0;
	int lines = c->st->lines;

	while (i < n) {
		int band = page_first_band(c, page), k;
		size_t m = 0, b;

		/* A page never starts with an empty line. */
		while (i < n && l[i].blank) {
			l[i].page = (size_t)-1;
			i++;
		}
		if (i == n)
			break;
		/* A table going on from the page before repeats its
		 * header rows first. */
		if ((k = table_page_start(c, &l[i], page, band, lines - band))
			< 0)
			return k;
		band += k;
		while (i + m < n && band + (int)m < lines &&
		       (m == 0 || !l[i + m].break_before))
			m++;
		b = i + m;
		if (b < n && !l[b].break_before) {
			while (b > i && !page_break_ok(l, b))
				b--;
			if (b == i)
				b = i + m;  /* nothing legal: keep it full */
		}
		for (; i < b; i++) {
			l[i].page = page;
			l[i].band = band++;
		}
		page++;
		if (page > MAX_PAGES)
			return folio_error_set(c->err, FOLIO_ELIMIT,
				"%s: more than %d pages", c->doc->source_path,
				MAX_PAGES);
	}
	c->n_pages = page ? page : 1;
	return 0;
}
