/* qr_place.c - where the QR code goes (style <qr>): in the bottom
 * margin of the last page, under the text block and so under the 版记,
 * on the side the page number leaves free. Placed on the finished
 * pages, it checks itself against everything drawn there. */
#include "layout/layout_impl.h"

typedef struct box {
	double x0, y0, x1, y1;
} box;

static int overlaps(box a, box b)
{
	return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/* A run's em boxes: 0.88 em above the baseline, 0.12 em below. */
static box run_box(const folio_run *r)
{
	box b = {r->x, r->y - 0.12 * r->size, r->x + r->width,
		r->y + 0.88 * r->size};
	return b;
}

static box rule_box(const folio_rule *r)
{
	double h = r->width / 2;
	box b = {(r->x0 < r->x1 ? r->x0 : r->x1) - h,
		(r->y0 < r->y1 ? r->y0 : r->y1) - h,
		(r->x0 > r->x1 ? r->x0 : r->x1) + h,
		(r->y0 > r->y1 ? r->y0 : r->y1) + h};
	return b;
}

/* What on the page the square would cover: a run's kind, "a rule", or
 * NULL for nothing. */
static const char *covers(const folio_page *p, box q)
{
	size_t i;

	for (i = 0; i < p->n_runs; i++)
		if (overlaps(q, run_box(&p->runs[i])))
			return p->runs[i].kind == FOLIO_RUN_PAGE_NUMBER ?
				"the page number" : "text";
	for (i = 0; i < p->n_rules; i++)
		if (overlaps(q, rule_box(&p->rules[i])))
			return "a rule";
	return NULL;
}

int place_qr(folio_layout *out, const folio_style *st, folio_error *err)
{
	folio_page *p;
	double top, s = st->qr_size;
	box left, right, q;
	const char *hit;

	if (!st->qr || out->n_pages == 0)
		return 0;
	p = &out->pages[out->n_pages - 1];
	top = st->page_height - st->margin_top - st->block_height -
		st->qr_below;
	left.x0 = st->margin_left;
	right.x0 = st->margin_left + st->block_width - s;
	left.x1 = left.x0 + s;
	right.x1 = right.x0 + s;
	left.y0 = right.y0 = top - s;
	left.y1 = right.y1 = top;
	if (st->qr_side == FOLIO_QR_LEFT)
		q = left;
	else if (st->qr_side == FOLIO_QR_RIGHT || covers(p, right) == NULL)
		q = right;
	else
		q = left;
	if ((hit = covers(p, q)) != NULL)
		return folio_error_set(err, FOLIO_EUSAGE, "%s: <qr>: the QR "
			"code (%.1fmm square, %.1fmm under the text block) "
			"would cover %s on page %zu; change its size, below "
			"or side", st->path ? st->path : "style",
			s / FOLIO_MM_TO_PT, st->qr_below / FOLIO_MM_TO_PT, hit,
			out->n_pages);
	p->qr_x = q.x0;
	p->qr_y = q.y0;
	p->qr_size = s;
	return 0;
}
