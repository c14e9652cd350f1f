/* Tables and figures in the content documents.
 *
 * A table reads on a 360 px phone by scrolling inside itself: it sits
 * in a <div class="table-wrap"> that the stylesheet lets overflow
 * sideways, so the page around it never scrolls. A scrolling region
 * must be reachable from the keyboard (WCAG 2.1.1), hence tabindex="0",
 * and a focusable region needs a name, hence role="region" with an
 * aria-label. Header rows go to <thead> with <th scope="col"> (or
 * "colgroup" over several columns), so a screen reader announces the
 * column of every cell; spans carry over as colspan and rowspan.
 *
 * A figure's image becomes a part of the book (EPUB/images/figN.png or
 * .jpg, in the manifest with its media type), one per file however
 * often it is shown; <img alt> takes the figure's alt text, else its
 * caption, and the caption is the <figcaption>. */
#include "epub/epub_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/file.h"

static void cell_text(epub_xml *x, const folio_doc *doc,
	const folio_cell *cell)
{
	const folio_block *p;
	int n = 0;

	for (p = cell->paras; p != NULL; p = p->next)
		n += p->kind == FOLIO_BLOCK_PARA;
	for (p = cell->paras; p != NULL; p = p->next) {
		if (p->kind != FOLIO_BLOCK_PARA)
			continue;
		xw_position(x, doc->source_path, p->line, p->col);
		/* One paragraph is the cell's text; several keep theirs. */
		if (n == 1)
			epub_inline(x, p->text ? p->text : "");
		else
			epub_inline_leaf(x, "p", NULL, p->text ? p->text : "");
	}
}

static void span_attr(epub_xml *x, const char *name, int n)
{
	char num[16];

	if (n <= 1)
		return;
	snprintf(num, sizeof(num), "%d", n);
	xw_attr(x, name, num);
}

void epub_write_table(epub_xml *x, folio_epub_book *b, const folio_doc *doc,
	const folio_block *bl)
{
	const folio_table *t = bl->table;
	char label[32];
	size_t r, i;

	if (t == NULL)
		return;
	snprintf(label, sizeof(label), "表格%d", ++b->table_seq);
	xw_position(x, doc->source_path, bl->line, bl->col);
	xw_start(x, "div");
	xw_attr(x, "class", "table-wrap");
	xw_attr(x, "role", "region");
	xw_attr(x, "aria-label", label);
	xw_attr(x, "tabindex", "0");
	xw_start(x, "table");
	for (r = 0; r < t->n_rows; r++) {
		const folio_row *row = &t->rows[r];
		if (r == 0 && row->header)
			xw_start(x, "thead");
		if (r == t->header_rows)
			xw_start(x, "tbody");
		xw_start(x, "tr");
		for (i = 0; i < row->n_cells; i++) {
			const folio_cell *cell = &row->cells[i];
			xw_start(x, row->header ? "th" : "td");
			if (row->header)
				xw_attr(x, "scope", cell->colspan > 1 ?
					"colgroup" : "col");
			span_attr(x, "colspan", cell->colspan);
			span_attr(x, "rowspan", cell->rowspan);
			cell_text(x, doc, cell);
			xw_end(x);
		}
		xw_end(x);  /* tr */
		if (row->header && r + 1 == t->header_rows)
			xw_end(x);  /* thead */
	}
	if (t->header_rows < t->n_rows)
		xw_end(x);  /* tbody */
	xw_end(x);  /* table */
	xw_end(x);  /* div */
}

/* The part holding the figure's file, added on its first use. */
static int image_part(const char **out, folio_epub_book *b,
	const folio_figure *f, folio_error *err)
{
	char name[64], id[32], *data = NULL;
	const char *ext;
	epub_part *p;
	size_t i, len = 0;
	int rc;

	for (i = 0; i < b->n_images; i++)
		if (strcmp(b->images[i].path, f->path) == 0) {
			*out = b->images[i].href;
			return 0;
		}
	if (b->n_images == b->cap_images) {
		size_t cap = b->cap_images ? 2 * b->cap_images : 8;
		epub_image *ni = realloc(b->images, cap * sizeof(*ni));
		if (ni == NULL)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		b->images = ni;
		b->cap_images = cap;
	}
	ext = f->format == FOLIO_IMAGE_PNG ? "png" : "jpg";
	snprintf(id, sizeof(id), "img%zu", b->n_images + 1);
	snprintf(name, sizeof(name), EPUB_DIR "images/fig%zu.%s",
		b->n_images + 1, ext);
	if ((rc = folio_file_read(&data, &len, f->path, FOLIO_MAX_IMAGE_BYTES,
		err)) < 0)
		return rc;
	rc = epub_part_add(&p, b, name, id, f->format == FOLIO_IMAGE_PNG ?
		"image/png" : "image/jpeg", err);
	if (rc == 0 && folio_buf_append(&p->data, data, len) < 0)
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	free(data);
	if (rc < 0)
		return rc;
	b->images[b->n_images].path = f->path;
	snprintf(b->images[b->n_images].href,
		sizeof(b->images[b->n_images].href), "%s",
		name + strlen(EPUB_DIR));
	*out = b->images[b->n_images++].href;
	return 0;
}

int epub_write_figure(epub_xml *x, folio_epub_book *b, const folio_doc *doc,
	const folio_block *bl, folio_error *err)
{
	const folio_figure *f = bl->figure;
	const char *href = NULL, *alt;
	int rc;

	if (f == NULL || f->path == NULL)
		return 0;
	if ((rc = image_part(&href, b, f, err)) < 0)
		return rc;
	alt = f->alt ? f->alt : f->caption ? f->caption : "";
	xw_position(x, doc->source_path, bl->line, bl->col);
	xw_start(x, "figure");
	xw_start(x, "img");
	xw_attr(x, "src", href);
	xw_attr(x, "alt", alt);
	xw_end(x);
	if (f->caption)
		epub_inline_leaf(x, "figcaption", NULL, f->caption);
	xw_end(x);
	return 0;
}
