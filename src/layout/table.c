/*
 * table.c - ruled tables on the grid.
 *
 * A table is laid out in the same bands as the text around it: every
 * line of cell text takes one band, a row is as many bands as its
 * tallest cell needs, and the rules run along band edges, halfway
 * between the em boxes of neighbouring lines, so the grid of the page
 * goes on through the table. Cell text goes through the same font layer
 * and clreq breaker as paragraphs, at the cell's inner width.
 *
 * In the flow a table is one line per band (p NULL, `table` set), kept
 * together within a row group (rows joined by a rowspan) and with the
 * header rows before the first body row: pagination may end a page only
 * between row groups, or inside one taller than a page. A page that
 * starts inside the body reserves bands for the header rows
 * (table_page_start), which emit_table_line draws there again.
 */
#include "layout/layout_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Text keeps a quarter character from the rules on either side. */
#define PAD_CHARS 0.25
#define RULE_OUTER 1.0   /* points: the frame */
#define RULE_INNER 0.5   /* points: between rows and columns */

typedef struct tcell {
	const folio_cell *cell;
	int row, rowspan, col, colspan;
	int header;
	para **paras;           /* one per paragraph of the cell */
	const folio_block **blocks;
	size_t n_paras;
	double natural;         /* widest paragraph on one line, points */
	fline *lines;           /* text lines, left from the block's edge */
	size_t n_lines;
} tcell;

typedef struct table_lay {
	const folio_block *block;
	const folio_table *t;
	int n_rows, n_cols;
	double *edge;           /* n_cols + 1 column edges from the left */
	int *row_band;          /* n_rows + 1: first band of each row */
	int *slot;              /* n_rows * n_cols: cell index covering it */
	tcell *cells;
	size_t n_cells;
	size_t *row_cell;       /* n_rows + 1: first cell starting in row r */
	int max_span;           /* largest rowspan */
	int header_bands;       /* bands repeated on continuation pages */
	int n_bands;
} table_lay;

typedef struct header_repeat {
	table_lay *tl;
	size_t page;
	int band;               /* page band of the first header band */
} header_repeat;

/* ---- layout of cells ------------------------------------------------- */

/* Column widths: the model's proportions of the measure, or, without
 * them, what the text asks for: every column gets its widest one-line
 * cell when all fit, else the room beyond the minimum goes to the
 * columns in proportion to what they lack (an auto-sized HTML table
 * does the same); none narrower than the minimum. */
static int column_edges(ctx *c, table_lay *tl)
{
	const folio_table *t = tl->t;
	int n = tl->n_cols, i;
	/* (plus a hair, so two characters fit whatever the rounding) */
	double pad = 2 * PAD_CHARS * c->cpitch + 0.01;
	double min = c->cpitch + pad, sum = 0, total = 0, room = 0;
	double excess, *w, *want;
	size_t k;

	/* Two characters a column when the measure has room: a one-
	 * character column sets 序号 as 序 over 号. */
	if ((2 * c->cpitch + pad) * n <= c->measure)
		min = 2 * c->cpitch + pad;
	if (min * n > c->measure + 1e-6)
		return folio_error_set(c->err, FOLIO_EINPUT, "%s:%u:%u: "
			"expected a table of at most %d columns (one "
			"character each fits the %.0f mm measure), found %d",
			c->doc->source_path, tl->block->line ? tl->block->line :
			1, tl->block->col ? tl->block->col : 1,
			(int)(c->measure / min), c->measure * 25.4 / 72, n);
	w = folio_arena_alloc(c->a, (size_t)n * sizeof(*w));
	want = folio_arena_alloc(c->a, (size_t)n * sizeof(*want));
	tl->edge = folio_arena_alloc(c->a, (size_t)(n + 1) * sizeof(*w));
	if (w == NULL || want == NULL || tl->edge == NULL)
		return nomem(c);
	for (i = 0; i < n; i++)
		want[i] = min;
	for (k = 0; k < tl->n_cells; k++) {
		const tcell *tc = &tl->cells[k];
		if (tc->colspan == 1 && tc->natural + pad > want[tc->col])
			want[tc->col] = tc->natural + pad;
	}
	for (i = 0; i < n; i++)
		sum += t->widths ? (double)t->widths[i] : want[i];
	if (t->widths == NULL && sum <= c->measure) {
		/* Everything fits on one line: the spare room goes to the
		 * columns in proportion, so the table fills the measure. */
		for (i = 0; i < n; i++)
			w[i] = want[i] * c->measure / sum;
	} else if (t->widths == NULL) {
		for (i = 0; i < n; i++)
			room += want[i] - min;
		for (i = 0; i < n; i++)
			w[i] = min + (c->measure - min * n) *
				(room > 0 ? (want[i] - min) / room : 1.0 / n);
	} else {
		for (i = 0; i < n; i++) {
			w[i] = c->measure * (double)t->widths[i] / sum;
			if (w[i] < min)
				w[i] = min;
			total += w[i];
		}
		/* Columns raised to the minimum take their width from the
		 * others. */
		excess = total - c->measure;
		room = 0;
		for (i = 0; i < n; i++)
			room += w[i] - min;
		for (i = 0; i < n && excess > 1e-9 && room > 0; i++)
			w[i] -= excess * (w[i] - min) / room;
	}
	tl->edge[0] = 0;
	for (i = 0; i < n; i++)
		tl->edge[i + 1] = tl->edge[i] + w[i];
	tl->edge[n] = c->measure;
	return 0;
}

/* The cell's paragraphs through the font layer, and the width the
 * widest needs on one line. */
static int cell_paras(ctx *c, tcell *tc)
{
	const folio_block *pb;
	size_t n = 0, k;
	int rc;

	for (pb = tc->cell->paras; pb != NULL; pb = pb->next)
		n += pb->kind == FOLIO_BLOCK_PARA;
	if (n == 0)
		return 0;
	tc->paras = folio_arena_alloc(c->a, n * sizeof(*tc->paras));
	tc->blocks = folio_arena_alloc(c->a, n * sizeof(*tc->blocks));
	if (tc->paras == NULL || tc->blocks == NULL)
		return nomem(c);
	for (pb = tc->cell->paras; pb != NULL; pb = pb->next) {
		para_opts o = body_opts(c, pb);
		seg s[1] = {{0}};
		para *p;
		double w = 0;

		if (pb->kind != FOLIO_BLOCK_PARA)
			continue;
		if ((p = folio_arena_alloc(c->a, sizeof(*p))) == NULL)
			return nomem(c);
		s[0].text = pb->text ? pb->text : "";
		s[0].role = FOLIO_ROLE_BODY;
		s[0].source = 1;
		if ((rc = build_para(c, p, s, 1, &o)) < 0)
			return rc;
		for (k = 0; k < p->n; k++)
			w += p->items[k].width;
		if (w > tc->natural)
			tc->natural = w;
		tc->blocks[tc->n_paras] = pb;
		tc->paras[tc->n_paras++] = p;
	}
	return 0;
}

/* One paragraph of a cell broken at the cell's inner width: header
 * cells and one-line cells centred, longer text justified. */
static int cell_para(ctx *c, tcell *tc, para *p, const folio_block *pb,
	double left, double width, vec *out)
{
	folio_lb_line *ls;
	size_t i, n = 0;

	if (p->n == 0)
		return 0;
	if ((ls = malloc(p->n * sizeof(*ls))) == NULL)
		return nomem(c);
	folio_lb_break(ls, &n, p->x, p->items, p->n, width, width,
		tc->header ? FOLIO_LB_NATURAL : FOLIO_LB_JUSTIFY);
	if (n == 1 && !tc->header)  /* a short cell: natural, centred */
		folio_lb_break(ls, &n, p->x, p->items, p->n, width, width,
			FOLIO_LB_NATURAL);
	for (i = 0; i < n; i++) {
		fline *l = vec_push(c, out, sizeof(*l));
		if (l == NULL) {
			free(ls);
			return FOLIO_ENOMEM;
		}
		l->p = p;
		l->start = ls[i].start;
		l->end = ls[i].end;
		l->width = ls[i].width;
		l->kind = FOLIO_RUN_BODY;
		l->left = left + (tc->header || n == 1 ?
			(width - ls[i].width) / 2 : 0);
		l->src.part = FOLIO_SOURCE_BLOCK;
		l->src.block = pb;
		l->src.attachment = c->attachment;
		l->src.offset = p->src[ls[i].start];
	}
	free(ls);
	return 0;
}

static int cell_lines(ctx *c, table_lay *tl, tcell *tc)
{
	double pad = PAD_CHARS * c->cpitch;
	double left = tl->edge[tc->col] + pad;
	double width = tl->edge[tc->col + tc->colspan] - tl->edge[tc->col] -
		2 * pad;
	vec v = {0};
	size_t k;
	int rc = 0;

	for (k = 0; k < tc->n_paras && rc == 0; k++)
		rc = cell_para(c, tc, tc->paras[k], tc->blocks[k], left, width,
			&v);
	if (rc == 0 && v.n > 0) {
		tc->lines = arena_copy(c, v.data, v.n, sizeof(fline));
		tc->n_lines = v.n;
		if (tc->lines == NULL)
			rc = nomem(c);
	}
	free(v.data);
	return rc;
}

/* Band counts: a row is as tall as the tallest cell starting in it;
 * a cell spanning rows that needs more than they give makes the last
 * of them taller. */
static int row_bands(ctx *c, table_lay *tl)
{
	int *h = calloc((size_t)tl->n_rows, sizeof(*h)), r;
	size_t *end = calloc((size_t)tl->n_rows + 1, sizeof(*end));
	size_t *order = calloc(tl->n_cells + 1, sizeof(*order));
	size_t i, k;

	if (h == NULL || end == NULL || order == NULL) {
		free(h);
		free(end);
		free(order);
		return nomem(c);
	}
	for (r = 0; r < tl->n_rows; r++)
		h[r] = 1;
	for (i = 0; i < tl->n_cells; i++) {
		const tcell *tc = &tl->cells[i];
		if (tc->rowspan == 1 && (int)tc->n_lines > h[tc->row])
			h[tc->row] = (int)tc->n_lines;
	}
	/* Spanning cells in the order of the row they end in (a counting
	 * sort: a table of 50,000 cells must not take cells x rows). */
	for (i = 0; i < tl->n_cells; i++)
		if (tl->cells[i].rowspan > 1)
			end[tl->cells[i].row + tl->cells[i].rowspan]++;
	for (r = 0; r < tl->n_rows; r++)
		end[r + 1] += end[r];
	for (i = 0; i < tl->n_cells; i++)
		if (tl->cells[i].rowspan > 1)
			order[end[tl->cells[i].row + tl->cells[i].rowspan - 1]++] =
				i;
	for (k = 0; k < end[tl->n_rows - 1]; k++) {
		const tcell *tc = &tl->cells[order[k]];
		int last = tc->row + tc->rowspan - 1, have = 0, j;
		for (j = tc->row; j <= last; j++)
			have += h[j];
		if ((int)tc->n_lines > have)
			h[last] += (int)tc->n_lines - have;
	}
	tl->row_band[0] = 0;
	for (r = 0; r < tl->n_rows; r++)
		tl->row_band[r + 1] = tl->row_band[r] + h[r];
	tl->n_bands = tl->row_band[tl->n_rows];
	free(h);
	free(end);
	free(order);
	return 0;
}

static int place_cells(ctx *c, table_lay *tl)
{
	const folio_table *t = tl->t;
	size_t n = 0, r, i;
	int k, j;

	for (r = 0; r < t->n_rows; r++)
		n += t->rows[r].n_cells;
	tl->cells = folio_arena_alloc(c->a, (n ? n : 1) * sizeof(*tl->cells));
	tl->slot = folio_arena_alloc(c->a, (size_t)tl->n_rows *
		(size_t)tl->n_cols * sizeof(*tl->slot));
	tl->row_band = folio_arena_alloc(c->a, (size_t)(tl->n_rows + 1) *
		sizeof(*tl->row_band));
	if (tl->cells == NULL || tl->slot == NULL || tl->row_band == NULL)
		return nomem(c);
	tl->row_cell = folio_arena_alloc(c->a, (size_t)(tl->n_rows + 1) *
		sizeof(*tl->row_cell));
	if (tl->row_cell == NULL)
		return nomem(c);
	tl->max_span = 1;
	for (i = 0; i < (size_t)tl->n_rows * (size_t)tl->n_cols; i++)
		tl->slot[i] = -1;
	/* folio_table_check proved the grid; spans are clamped all the
	 * same, so a model built otherwise cannot index past it. */
	for (r = 0; r < t->n_rows; r++) {
		tl->row_cell[r] = tl->n_cells;
		for (i = 0; i < t->rows[r].n_cells; i++) {
			const folio_cell *cell = &t->rows[r].cells[i];
			tcell *tc = &tl->cells[tl->n_cells];
			tc->cell = cell;
			tc->row = (int)r;
			tc->col = cell->column < 0 ? 0 :
				cell->column >= tl->n_cols ? tl->n_cols - 1 :
				cell->column;
			tc->colspan = cell->colspan < 1 ? 1 : cell->colspan;
			if (tc->col + tc->colspan > tl->n_cols)
				tc->colspan = tl->n_cols - tc->col;
			tc->rowspan = cell->rowspan < 1 ? 1 : cell->rowspan;
			if (tc->row + tc->rowspan > tl->n_rows)
				tc->rowspan = tl->n_rows - tc->row;
			tc->header = t->rows[r].header;
			if (tc->rowspan > tl->max_span)
				tl->max_span = tc->rowspan;
			for (k = tc->row; k < tc->row + tc->rowspan; k++)
				for (j = tc->col; j < tc->col + tc->colspan;
				     j++)
					tl->slot[k * tl->n_cols + j] =
						(int)tl->n_cells;
			tl->n_cells++;
		}
	}
	tl->row_cell[t->n_rows] = tl->n_cells;
	return 0;
}

/* The row band b belongs to (row_band is increasing). */
static int row_of_band(const table_lay *tl, int b)
{
	int lo = 0, hi = tl->n_rows - 1;

	while (lo < hi) {
		int mid = lo + (hi - lo + 1) / 2;
		if (tl->row_band[mid] <= b)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* Whether a page may end after band b: only where no cell spans
 * across (every column's cell ends there), never inside the header
 * rows or right after them. */
static int band_ends_group(const table_lay *tl, int b)
{
	int r, j;

	if (b + 1 >= tl->n_bands)
		return 1;
	if (tl->t->header_rows > 0 && tl->t->header_rows <
	    (size_t)tl->n_rows && b + 1 <= tl->row_band[tl->t->header_rows])
		return 0;  /* the header stays with the first body row */
	r = row_of_band(tl, b + 1);
	if (r == 0 || tl->row_band[r] != b + 1)
		return 0;  /* inside a row */
	for (j = 0; j < tl->n_cols; j++)
		if (tl->slot[r * tl->n_cols + j] ==
		    tl->slot[(r - 1) * tl->n_cols + j])
			return 0;
	return 1;
}

int add_table(ctx *c, const folio_block *b)
{
	const folio_table *t = b->table;
	table_lay *tl;
	fline *first;
	size_t i, k;
	int band, rc;

	if (t == NULL || t->n_rows == 0 || t->n_cols == 0)
		return 0;
	tl = folio_arena_alloc(c->a, sizeof(*tl));
	if (tl == NULL)
		return nomem(c);
	tl->block = b;
	tl->t = t;
	tl->n_rows = (int)t->n_rows;
	tl->n_cols = (int)t->n_cols;
	if ((rc = place_cells(c, tl)) < 0)
		return rc;
	for (i = 0; i < tl->n_cells; i++)
		if ((rc = cell_paras(c, &tl->cells[i])) < 0)
			return rc;
	if ((rc = column_edges(c, tl)) < 0)
		return rc;
	for (i = 0; i < tl->n_cells; i++)
		if ((rc = cell_lines(c, tl, &tl->cells[i])) < 0)
			return rc;
	if ((rc = row_bands(c, tl)) < 0)
		return rc;
	/* A header taller than half a page is not repeated: the rows
	 * under it would get too little of each page. */
	tl->header_bands = t->header_rows > 0 && t->header_rows <=
		t->n_rows ? tl->row_band[t->header_rows] : 0;
	if (tl->header_bands * 2 > c->st->lines)
		tl->header_bands = 0;
	for (band = 0; band < tl->n_bands; band++) {
		fline *l = push_line(c);
		if (l == NULL)
			return FOLIO_ENOMEM;
		l->kind = FOLIO_RUN_BODY;
		l->para_id = ++c->para_id;
		l->n_lines = 1;
		l->table = tl;
		l->table_band = band;
		l->keep_next = !band_ends_group(tl, band);
	}
	/* A page that starts inside the table starts at the first cell
	 * text of its first band (page lists, search hits). */
	first = (fline *)c->lines.data + c->lines.n - (size_t)tl->n_bands;
	for (i = 0; i < tl->n_cells; i++) {
		const tcell *tc = &tl->cells[i];
		int span = tl->row_band[tc->row + tc->rowspan] -
			tl->row_band[tc->row];
		int off = span > (int)tc->n_lines ?
			(span - (int)tc->n_lines) / 2 : 0;
		for (k = 0; k < tc->n_lines; k++) {
			fline *l = &first[tl->row_band[tc->row] + off + (int)k];
			if (l->src.part == FOLIO_SOURCE_NONE)
				l->src = tc->lines[k].src;
		}
	}
	return 0;
}

/* ---- pagination ------------------------------------------------------ */

int table_page_start(ctx *c, const fline *l, size_t page, int band,
	int bands_left)
{
	header_repeat *h;
	const table_lay *tl = l->table;

	if (tl == NULL || tl->header_bands == 0 ||
	    l->table_band < tl->header_bands ||
	    tl->header_bands >= bands_left)
		return 0;
	if ((h = vec_push(c, &c->repeats, sizeof(*h))) == NULL)
		return FOLIO_ENOMEM;
	h->tl = l->table;
	h->page = page;
	h->band = band;
	return tl->header_bands;
}

/* ---- drawing --------------------------------------------------------- */

static int rule(ctx *c, size_t page, double x0, double y0, double x1,
	double y1, double width)
{
	rule_rec *r = vec_push(c, &c->rules, sizeof(*r));

	if (r == NULL)
		return FOLIO_ENOMEM;
	r->page = page;
	r->rule.x0 = x0;
	r->rule.y0 = y0;
	r->rule.x1 = x1;
	r->rule.y1 = y1;
	r->rule.width = width;
	return 0;
}


/* Table bands [b0, b1) drawn on `page` from page band pb: frame, row
 * rules where no cell spans across, column rules where no cell spans
 * across, and the text lines of every cell that fall in the range. */
static int draw_bands(ctx *c, const table_lay *tl, size_t page, int b0,
	int b1, int pb)
{
	const folio_style *st = c->st;
	double top = st->page_height - st->margin_top;
	double x0 = st->margin_left;
	int b, j, r, r0, r1, rc;
	size_t i, k;

#define Y(band) (top - (double)(pb + (band) - b0) * c->lpitch)
	/* Frame top and bottom: the table's own or a page's cut. */
	if ((rc = rule(c, page, x0, Y(b0), x0 + c->measure, Y(b0),
		RULE_OUTER)) < 0 ||
	    (rc = rule(c, page, x0, Y(b1), x0 + c->measure, Y(b1),
		RULE_OUTER)) < 0)
		return rc;
	/* Rules between rows, interrupted where a cell spans across;
	 * the rule under the header is the frame's width. */
	r0 = row_of_band(tl, b0);
	r1 = row_of_band(tl, b1 - 1);
	for (r = r0 + 1; r <= r1; r++) {
		int yb = tl->row_band[r], start = -1;
		double w = (size_t)r == tl->t->header_rows ? RULE_OUTER :
			RULE_INNER;
		if (yb <= b0 || yb >= b1)
			continue;
		for (j = 0; j <= tl->n_cols; j++) {
			int cut = j < tl->n_cols &&
				tl->slot[r * tl->n_cols + j] !=
				tl->slot[(r - 1) * tl->n_cols + j];
			if (cut && start < 0)
				start = j;
			if (!cut && start >= 0) {
				if ((rc = rule(c, page, x0 + tl->edge[start],
					Y(yb), x0 + tl->edge[j], Y(yb), w)) < 0)
					return rc;
				start = -1;
			}
		}
	}
	/* Column edges, band by band, joined where they continue. */
	for (j = 0; j <= tl->n_cols; j++) {
		int start = -1;
		for (b = b0; b <= b1; b++) {
			int on = 0;
			if (b < b1) {
				r = row_of_band(tl, b);
				on = j == 0 || j == tl->n_cols ||
					tl->slot[r * tl->n_cols + j - 1] !=
					tl->slot[r * tl->n_cols + j];
			}
			if (on && start < 0)
				start = b;
			if (!on && start >= 0) {
				if ((rc = rule(c, page, x0 + tl->edge[j],
					Y(start), x0 + tl->edge[j], Y(b),
					j == 0 || j == tl->n_cols ? RULE_OUTER :
					RULE_INNER)) < 0)
					return rc;
				start = -1;
			}
		}
	}
#undef Y
	/* Text: a cell's lines centred in its bands, top down. */
	/* Only cells that can reach the range: starting in it, or above
	 * it by less than the longest span. */
	for (i = tl->row_cell[r0 + 1 > tl->max_span ? r0 + 1 - tl->max_span :
	     0]; i < tl->row_cell[r1 + 1]; i++) {
		const tcell *tc = &tl->cells[i];
		int first = tl->row_band[tc->row];
		int span = tl->row_band[tc->row + tc->rowspan] - first;
		int off = (span - (int)tc->n_lines) / 2;

		if (off < 0)
			off = 0;
		for (k = 0; k < tc->n_lines; k++) {
			fline ln = tc->lines[k];
			b = first + off + (int)k;
			if (b < b0 || b >= b1)
				continue;
			ln.page = page;
			ln.band = pb + b - b0;
			if ((rc = emit_line(c, &ln)) < 0)
				return rc;
		}
	}
	return 0;
}

/* Called for each table band of the flow, in flow order, so the text
 * of a table lands in the content stream where the table stands (text
 * extraction in stream order, `pdftotext -raw`, reads it in place, row
 * by row): the first band of each page's stretch draws the stretch,
 * after the header rows repeated above it. */
int emit_table_line(ctx *c, const fline *l)
{
	const table_lay *tl = l->table;
	const header_repeat *h = c->repeats.data;
	const fline *end = l + 1;
	const fline *last = (const fline *)c->lines.data + c->lines.n;
	size_t lo = 0, hi = c->repeats.n;
	int rc;

	if (l->page == (size_t)-1 || (l->table_band > 0 &&
	    l[-1].table == tl && l[-1].page == l->page))
		return 0;
	/* Repeats are in page order, at most one a page. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (h[mid].page < l->page)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->repeats.n && h[lo].tl == tl && h[lo].page == l->page &&
	    (rc = draw_bands(c, tl, l->page, 0, tl->header_bands,
		h[lo].band)) < 0)
		return rc;
	while (end < last && end->table == tl && end->page == l->page)
		end++;
	return draw_bands(c, tl, l->page, l->table_band,
		l->table_band + (int)(end - l), l->band);
}
