/*
 * figure.c - images on the grid, kept on one page with their caption.
 *
 * An image takes whole bands: as many as its height needs, centred in
 * them, so the text after it stays on the grid. Its size: the width the
 * source gives, else its natural size at 96 pixels per inch (a picture
 * made for the screen prints at the size it had there, never enlarged),
 * scaled down to the measure and to what a page holds beside the
 * caption, proportions kept. The caption (图题) follows, centred; all
 * bands and caption lines are kept together, so a figure that does not
 * fit moves to the next page whole.
 *
 * Only the size from the model is used here (px_width, px_height, read
 * from the file's header by the reader): the writer reads the bytes.
 */
#include "layout/layout_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SCREEN_DPI 96.0
#define MM 2.834645669  /* points per millimetre */

typedef struct figure_lay {
	const folio_figure *fig;
	double width, height;   /* points */
	int bands;
} figure_lay;

/* The caption's lines, appended to the flow, centred; returns their
 * count through *n. */
static int add_caption(ctx *c, const folio_block *b, size_t *n)
{
	para_opts o = body_opts(c, b);
	size_t before = c->lines.n;
	seg s[1] = {{0}};
	int rc;

	*n = 0;
	if (b->figure->caption == NULL || b->figure->caption[0] == '\0')
		return 0;
	o.align = FOLIO_ALIGN_CENTER;
	o.first_indent = 0;
	o.keep_next = 0;
	s[0].text = b->figure->caption;
	s[0].role = FOLIO_ROLE_BODY;
	s[0].source = 0;  /* the caption is not a block's text */
	if ((rc = add_para(c, s, 1, &o)) < 0)
		return rc;
	*n = c->lines.n - before;
	return 0;
}

int add_figure(ctx *c, const folio_block *b)
{
	const folio_figure *f = b->figure;
	figure_lay *fl;
	size_t n_cap, i;
	double room;
	fline *l;
	int rc, k, max_bands;

	if (f == NULL || f->px_width == 0 || f->px_height == 0)
		return 0;
	if ((fl = folio_arena_alloc(c->a, sizeof(*fl))) == NULL)
		return nomem(c);
	fl->fig = f;
	/* Caption first, to know what room the image has beside it; its
	 * lines move behind the image's bands below. */
	if ((rc = add_caption(c, b, &n_cap)) < 0)
		return rc;
	fl->width = f->width_mm100 > 0 ? f->width_mm100 / 100.0 * MM :
		f->px_width * 72.0 / SCREEN_DPI;
	if (fl->width > c->measure)
		fl->width = c->measure;
	fl->height = fl->width * f->px_height / f->px_width;
	max_bands = c->st->lines - (int)n_cap;
	if (max_bands < 1)
		max_bands = 1;
	/* A little air above and below, inside the bands. */
	room = max_bands * c->lpitch - c->lpitch / 4;
	if (fl->height > room) {
		fl->width *= room / fl->height;
		fl->height = room;
	}
	fl->bands = (int)ceil((fl->height + c->lpitch / 4) / c->lpitch -
		1e-9);
	if (fl->bands < 1)
		fl->bands = 1;
	for (k = 0; k < fl->bands; k++) {
		if ((l = push_line(c)) == NULL)
			return FOLIO_ENOMEM;
		l->kind = FOLIO_RUN_BODY;
		l->para_id = ++c->para_id;
		l->n_lines = 1;
		l->keep_next = k + 1 < fl->bands || n_cap > 0;
		l->figure = k == 0 ? fl : NULL;
	}
	/* Image bands before the caption: rotate the tail of the flow. */
	if (n_cap > 0) {
		fline *all = c->lines.data, *tmp;
		size_t start = c->lines.n - n_cap - (size_t)fl->bands;

		tmp = malloc(n_cap * sizeof(*tmp));
		if (tmp == NULL)
			return nomem(c);
		memcpy(tmp, all + start, n_cap * sizeof(*tmp));
		memmove(all + start, all + start + n_cap,
			(size_t)fl->bands * sizeof(*tmp));
		memcpy(all + start + fl->bands, tmp, n_cap * sizeof(*tmp));
		free(tmp);
		for (i = 0; i + 1 < n_cap; i++)
			all[start + (size_t)fl->bands + i].keep_next = 1;
	}
	return 0;
}

int emit_figures(ctx *c)
{
	const folio_style *st = c->st;
	const fline *l = c->lines.data;
	double top = st->page_height - st->margin_top;
	size_t i;

	for (i = 0; i < c->lines.n; i++) {
		const figure_lay *fl = l[i].figure;
		image_rec *im;
		double span;
		int bands;

		if (fl == NULL || l[i].page == (size_t)-1)
			continue;
		/* Kept together, the bands are all on this page; a figure
		 * opening a page 1 shortened by the red header is the only
		 * one pagination may have to cut: it draws in what is left. */
		bands = fl->bands;
		if (l[i].band + bands > st->lines)
			bands = st->lines - l[i].band;
		span = bands * c->lpitch;
		if ((im = vec_push(c, &c->images, sizeof(*im))) == NULL)
			return FOLIO_ENOMEM;
		im->page = l[i].page;
		im->image.figure = fl->fig;
		im->image.width = fl->width;
		im->image.height = fl->height;
		if (im->image.height > span) {
			im->image.width *= span / im->image.height;
			im->image.height = span;
		}
		im->image.x = st->margin_left + (c->measure -
			im->image.width) / 2;
		im->image.y = top - (double)l[i].band * c->lpitch -
			(span + im->image.height) / 2;
	}
	return 0;
}
