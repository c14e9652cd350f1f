/* w:tbl -> a TABLE block: grid columns from w:tblGrid, gridSpan ->
 * colspan, vMerge restart/continue -> rowspan, tblHeader -> header rows,
 * gridBefore/gridAfter and short rows -> empty cells. A layout table
 * (one row or one column, or holding 抄送/印发 lines of a 版记) is read
 * as the paragraphs it holds, so the recognisers see them. */
#include <stdlib.h>
#include <string.h>

#include "import/docx_impl.h"
#include "util/xml_tree.h"

typedef struct tc_info {
	size_t first, end;      /* its paragraphs in d->paras */
	int span;
	int vmerge;             /* 0 none, 1 restart, 2 continue */
	unsigned line, col;
} tc_info;

typedef struct tr_info {
	tc_info *tcs;
	size_t n_tcs;
	int before, after;
	int header;
	unsigned line, col;
} tr_info;

typedef struct tbl {
	tr_info *rows;
	size_t n_rows, cap_rows;
	unsigned widths[FOLIO_MAX_TABLE_COLS];
	size_t n_grid;
	size_t first_para;      /* d->paras before the table */
	size_t first_text;      /* d->text.len before it */
} tbl;

static int on(const folio_xml_node *n)
{
	char v[16];

	if (n == NULL)
		return 0;
	if (!folio_xml_attr_get(v, sizeof(v), n, "val"))
		return 1;
	return strcmp(v, "0") != 0 && strcmp(v, "false") != 0 &&
		strcmp(v, "off") != 0;
}

static void set_pos(unsigned *line, unsigned *col, const folio_xml_node *n)
{
	*line = folio_xml_line(n);
	*col = folio_xml_col(n);
}

static int read_cell(docx *d, tc_info *tc, const folio_xml_node *c)
{
	const folio_xml_node *pr = folio_xml_child(c, d->w, "tcPr");
	const folio_xml_node *k, *vm, *sc;
	char v[32];
	int rc = 0;

	set_pos(&tc->line, &tc->col, c);
	tc->span = 1;
	if (pr != NULL) {
		tc->span = docx_val_int(folio_xml_child(pr, d->w,
			"gridSpan"), "val", 1);
		if (tc->span < 1 || tc->span > FOLIO_MAX_TABLE_COLS)
			tc->span = 1;
		if ((vm = folio_xml_child(pr, d->w, "vMerge")) != NULL) {
			folio_xml_attr_get(v, sizeof(v), vm, "val");
			tc->vmerge = strcmp(v, "restart") == 0 ? 1 : 2;
		}
		if ((vm = folio_xml_child(pr, d->w, "hMerge")) != NULL) {
			folio_xml_attr_get(v, sizeof(v), vm, "val");
			if (strcmp(v, "restart") != 0)
				tc->vmerge = 3;     /* joins the cell left */
		}
	}
	tc->first = d->n_paras;
	for (k = folio_xml_child(c, d->w, NULL); k != NULL && rc == 0;
	    k = folio_xml_next(k, d->w, NULL)) {
		if (folio_xml_is(k, d->w, "p"))
			rc = docx_read_paragraph(d, k, 1);
		else if (folio_xml_is(k, d->w, "tbl"))
			rc = docx_read_table(d, k);
		else if (folio_xml_is(k, d->w, "sdt") &&
		    (sc = folio_xml_child(k, d->w, "sdtContent")) != NULL)
			rc = docx_read_body(d, sc);
	}
	tc->end = d->n_paras;
	return rc;
}

static int read_row(docx *d, tbl *t, const folio_xml_node *r)
{
	const folio_xml_node *pr = folio_xml_child(r, d->w, "trPr"), *c;
	tr_info *row;
	size_t count = 0;
	int rc = 0;

	if (t->n_rows == t->cap_rows) {
		size_t cap = t->cap_rows ? 2 * t->cap_rows : 16;
		tr_info *x;
		if (t->n_rows >= FOLIO_MAX_TABLE_ROWS)
			return docx_fail(d, r, FOLIO_ELIMIT, "table limit "
				"exceeded: expected at most %d rows, found more",
				FOLIO_MAX_TABLE_ROWS);
		x = realloc(t->rows, cap * sizeof(*x));
		if (x == NULL)
			return folio_error_set(d->im->err, FOLIO_ENOMEM,
				"%s: out of memory", d->path);
		t->rows = x;
		t->cap_rows = cap;
	}
	row = &t->rows[t->n_rows++];
	memset(row, 0, sizeof(*row));
	set_pos(&row->line, &row->col, r);
	if (pr != NULL) {
		row->header = on(folio_xml_child(pr, d->w, "tblHeader"));
		row->before = docx_val_int(folio_xml_child(pr, d->w,
			"gridBefore"), "val", 0);
		row->after = docx_val_int(folio_xml_child(pr, d->w,
			"gridAfter"), "val", 0);
		if (row->before < 0 || row->before > FOLIO_MAX_TABLE_COLS)
			row->before = 0;
		if (row->after < 0 || row->after > FOLIO_MAX_TABLE_COLS)
			row->after = 0;
	}
	for (c = folio_xml_child(r, d->w, "tc"); c != NULL;
	    c = folio_xml_next(c, d->w, "tc"))
		count++;
	if (count > FOLIO_MAX_TABLE_COLS)
		return docx_fail(d, r, FOLIO_ELIMIT, "table limit exceeded: "
			"expected at most %d cells in a row, found %zu",
			FOLIO_MAX_TABLE_COLS, count);
	row->tcs = calloc(count ? count : 1, sizeof(*row->tcs));
	if (row->tcs == NULL)
		return folio_error_set(d->im->err, FOLIO_ENOMEM,
			"%s: out of memory", d->path);
	for (c = folio_xml_child(r, d->w, "tc"); c != NULL && rc == 0;
	    c = folio_xml_next(c, d->w, "tc"))
		rc = read_cell(d, &row->tcs[row->n_tcs++], c);
	return rc;
}

static void free_tbl(tbl *t)
{
	size_t i;

	for (i = 0; i < t->n_rows; i++)
		free(t->rows[i].tcs);
	free(t->rows);
}

/* Does any paragraph of the table start a 版记 line? */
static int holds_imprint(const docx *d, const tbl *t)
{
	size_t i;

	for (i = t->first_para; i < d->n_paras; i++) {
		const docx_para *q = &d->paras[i];
		const char *s = d->text.data ? d->text.data + q->text_at : "";
		while (q->text_n > 0 && (*s == ' '))
			s++;
		if (q->text_n >= 6 && (strncmp(s, "抄送", 6) == 0 ||
		    strncmp(s, "印发", 6) == 0 || strncmp(s, "主送", 6) == 0))
			return 1;
	}
	return 0;
}

/* Paragraphs [first, end) of d->paras -> PARA blocks of a cell; figures
 * among them are lifted out to follow the table (kept in *lifted). */
static int cell_paras(docx *d, folio_cell *cell, const tc_info *tc,
	folio_block ***tailp, folio_block **lifted, size_t *n_lifted)
{
	folio_block *b;
	size_t i;
	int rc;

	for (i = tc->first; i < tc->end; i++) {
		const docx_para *q = &d->paras[i];
		if (q->object != NULL) {
			lifted[(*n_lifted)++] = q->object;
			continue;
		}
		if (q->text_n == 0)
			continue;
		b = folio_doc_block(d->im->doc, FOLIO_BLOCK_PARA);
		if (b == NULL)
			return folio_error_set(d->im->err, FOLIO_ELIMIT,
				"%s: document exceeds the memory limit",
				d->path);
		b->line = q->line;
		b->col = q->col;
		if ((rc = folio_doc_text(&b->text, d->im->doc,
		    d->text.data + q->text_at, q->text_n, d->im->err)) < 0)
			return rc;
		if (b->text[0] == '\0')
			continue;
		if (cell->paras == NULL)
			*tailp = &cell->paras;
		**tailp = b;
		*tailp = &b->next;
	}
	return 0;
}

static int count_cols(const tbl *t)
{
	size_t r, i;
	int w, most = (int)t->n_grid;

	for (r = 0; r < t->n_rows; r++) {
		w = t->rows[r].before + t->rows[r].after;
		/* A legacy hMerge cell still stands on its grid column. */
		for (i = 0; i < t->rows[r].n_tcs; i++)
			w += t->rows[r].tcs[i].span;
		if (w > most)
			most = w;
	}
	return most;
}

/* The grid: returns 1 when built, 0 when the table is to be read as
 * paragraphs (a check failed: reported), < 0 on error. */
static int build(docx *d, tbl *t, const folio_xml_node *node, folio_block **out,
	folio_block **lifted, size_t *n_lifted)
{
	folio_cell *origin[FOLIO_MAX_TABLE_COLS];
	int origin_hdr[FOLIO_MAX_TABLE_COLS];
	folio_table *ft;
	folio_block *b;
	folio_error inner = {0};
	size_t r, i, k, header_end = 0;
	int ncols = count_cols(t), c, j, rc;

	*out = NULL;
	if (ncols < 1 || ncols > FOLIO_MAX_TABLE_COLS)
		return ncols < 1 ? 0 : docx_skip_add(d, node, "",
			"table read as paragraphs",
			"more columns than a table may have");
	while (header_end < t->n_rows && t->rows[header_end].header)
		header_end++;
	ft = folio_doc_table(d->im->doc, t->n_rows);
	b = folio_doc_block(d->im->doc, FOLIO_BLOCK_TABLE);
	if (ft == NULL || b == NULL)
		return folio_error_set(d->im->err, FOLIO_ELIMIT,
			"%s: document exceeds the memory limit", d->path);
	b->table = ft;
	ft->n_cols = (size_t)ncols;
	if (t->n_grid == (size_t)ncols) {
		unsigned *w = folio_arena_alloc(d->im->doc->arena,
			(size_t)ncols * sizeof(*w));
		int ok = w != NULL;
		for (j = 0; ok && j < ncols; j++)
			ok = (w[j] = t->widths[j]) > 0;
		ft->widths = ok ? w : NULL;
	}
	memset(origin, 0, sizeof(origin));
	memset(origin_hdr, 0, sizeof(origin_hdr));
	for (r = 0; r < t->n_rows; r++) {
		const tr_info *tr = &t->rows[r];
		folio_row *row = &ft->rows[r];
		folio_block **tail = NULL;

		row->line = tr->line;
		row->col = tr->col;
		row->header = r < header_end;
		row->cells = folio_doc_cells(d->im->doc, tr->n_tcs + 2);
		if (row->cells == NULL)
			return folio_error_set(d->im->err, FOLIO_ELIMIT,
				"%s: document exceeds the memory limit",
				d->path);
		c = 0;
		if (tr->before > 0) {
			row->cells[row->n_cells].colspan = tr->before;
			row->cells[row->n_cells].line = tr->line;
			row->cells[row->n_cells++].col = tr->col;
			for (j = 0; j < tr->before; j++)
				origin[j] = NULL;
			c = tr->before;
		}
		for (i = 0; i < tr->n_tcs; i++) {
			const tc_info *tc = &tr->tcs[i];
			folio_cell *cell, *o = c < ncols ? origin[c] : NULL;
			if (tc->vmerge == 3 && row->n_cells > 0) {
				/* legacy horizontal merge */
				cell = &row->cells[row->n_cells - 1];
				cell->colspan += tc->span;
				for (j = 0; j < tc->span && c + j < ncols; j++)
					origin[c + j] = NULL;
				c += tc->span;
				tail = NULL;
				rc = cell_paras(d, cell, tc, &tail, lifted,
					n_lifted);
				if (rc < 0)
					return rc;
				continue;
			}
			/* A continued merge extends the cell above, unless
			 * that would carry a header cell into the body. */
			if (tc->vmerge == 2 && o != NULL &&
			    o->colspan == tc->span &&
			    !(origin_hdr[c] && r >= header_end)) {
				o->rowspan++;
				for (tail = &o->paras; *tail; tail = &(*tail)->next)
					;
				rc = cell_paras(d, o, tc, &tail, lifted,
					n_lifted);
				if (rc < 0)
					return rc;
				c += tc->span;
				continue;
			}
			cell = &row->cells[row->n_cells++];
			cell->colspan = tc->span;
			cell->line = tc->line;
			cell->col = tc->col;
			tail = NULL;
			if ((rc = cell_paras(d, cell, tc, &tail, lifted,
			    n_lifted)) < 0)
				return rc;
			for (j = 0; j < tc->span && c + j < ncols; j++) {
				origin[c + j] = tc->vmerge == 1 && j == 0 ?
					cell : NULL;
				origin_hdr[c + j] = row->header;
			}
			c += tc->span;
		}
		if (c < ncols) {
			row->cells[row->n_cells].colspan = ncols - c;
			row->cells[row->n_cells].line = tr->line;
			row->cells[row->n_cells++].col = tr->col;
			for (j = c; j < ncols; j++)
				origin[j] = NULL;
		}
	}
	/* Whatever Word allowed, the model's grid must hold; a table that
	 * does not fit it is kept as its paragraphs, and reported. */
	rc = folio_table_check(d->im->doc, ft, 0, 0, &inner);
	if (rc == FOLIO_EINPUT) {
		k = strlen(d->path);
		return docx_skip_add(d, node, "", "table read as paragraphs",
			strncmp(inner.msg, d->path, k) == 0 ? inner.msg + k :
			inner.msg) < 0 ? FOLIO_ENOMEM : 0;
	}
	if (rc < 0)
		return folio_error_set(d->im->err, rc, "%s", inner.msg);
	*out = b;
	return 1;
}

int docx_read_table(docx *d, const folio_xml_node *n)
{
	const folio_xml_node *g, *c;
	folio_block *b = NULL, **lifted = NULL;
	size_t n_lifted = 0, i, figures = 0;
	tbl t;
	int rc = 0;

	memset(&t, 0, sizeof(t));
	t.first_para = d->n_paras;
	t.first_text = d->text.len;
	/* A table inside a table cell: its paragraphs join the cell. */
	if (d->tables > 0) {
		rc = docx_skip_add(d, n, "", "nested table read as "
			"paragraphs of its cell", NULL);
		for (g = folio_xml_child(n, d->w, "tr"); g && rc == 0;
		    g = folio_xml_next(g, d->w, "tr"))
			for (c = folio_xml_child(g, d->w, "tc"); c && rc == 0;
			    c = folio_xml_next(c, d->w, "tc")) {
				tc_info tc;
				memset(&tc, 0, sizeof(tc));
				rc = read_cell(d, &tc, c);
			}
		return rc;
	}
	if ((g = folio_xml_child(n, d->w, "tblGrid")) != NULL)
		for (c = folio_xml_child(g, d->w, "gridCol"); c != NULL;
		    c = folio_xml_next(c, d->w, "gridCol"))
			if (t.n_grid < FOLIO_MAX_TABLE_COLS) {
				int w = docx_val_int(c, "w", 0);
				t.widths[t.n_grid++] = w > 0 ? (unsigned)w : 0;
			}
	d->tables++;
	for (c = folio_xml_child(n, d->w, "tr"); c != NULL && rc == 0;
	    c = folio_xml_next(c, d->w, "tr"))
		rc = read_row(d, &t, c);
	d->tables--;
	if (rc < 0)
		goto done;
	if (t.n_rows == 0)
		goto done;
	/* Layout tables stay paragraphs for the recognisers. */
	if (t.n_rows == 1 || count_cols(&t) == 1 || holds_imprint(d, &t))
		goto done;
	for (i = t.first_para; i < d->n_paras; i++)
		figures += d->paras[i].object != NULL ? 1 : 0;
	lifted = calloc(figures ? figures : 1, sizeof(*lifted));
	if (lifted == NULL) {
		rc = folio_error_set(d->im->err, FOLIO_ENOMEM,
			"%s: out of memory", d->path);
		goto done;
	}
	rc = build(d, &t, n, &b, lifted, &n_lifted);
	if (rc <= 0)
		goto done;
	/* The cells' paragraphs now live in the table: take them out of the
	 * page, put the table (and any images of its cells) in their place. */
	d->n_paras = t.first_para;
	d->text.len = t.first_text;
	if (d->text.data)
		d->text.data[d->text.len] = '\0';
	rc = docx_object(d, b, n);
	for (i = 0; i < n_lifted && rc == 0; i++)
		rc = docx_object(d, lifted[i], n);
	if (rc == 0 && n_lifted > 0)
		rc = docx_skip_add(d, n, "", "image in a table cell (placed "
			"after the table)", NULL);
done:
	free(lifted);
	free_tbl(&t);
	return rc < 0 ? rc : 0;
}
