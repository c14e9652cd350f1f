/* table.c - table nodes and the proof that their grid is whole. */
#include "model/doc.h"

#include <stdio.h>
#include <string.h>

folio_table *folio_doc_table(folio_doc *doc, size_t n_rows)
{
	folio_table *t;

	if (n_rows == 0 || n_rows > FOLIO_MAX_TABLE_ROWS)
		return NULL;
	t = folio_arena_alloc(doc->arena, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->rows = folio_arena_alloc(doc->arena, n_rows * sizeof(*t->rows));
	if (t->rows == NULL)
		return NULL;
	memset(t->rows, 0, n_rows * sizeof(*t->rows));
	t->n_rows = n_rows;
	return t;
}

folio_cell *folio_doc_cells(folio_doc *doc, size_t n_cells)
{
	folio_cell *c;
	size_t i;

	if (n_cells == 0 || n_cells > FOLIO_MAX_TABLE_CELLS)
		return NULL;
	c = folio_arena_alloc(doc->arena, n_cells * sizeof(*c));
	if (c == NULL)
		return NULL;
	memset(c, 0, n_cells * sizeof(*c));
	for (i = 0; i < n_cells; i++)
		c[i].colspan = c[i].rowspan = 1;
	return c;
}

static int at(const folio_doc *doc, folio_error *err, int code,
	unsigned line, unsigned col, const char *what)
{
	return folio_error_set(err, code, "%s:%u:%u: %s", doc->source_path,
		line ? line : 1, col ? col : 1, what);
}

/* Rows are walked top to bottom with, per grid column, the number of
 * rows below the current one that a cell from above still covers: a
 * row's cells fill the free columns left to right. Memory is one int
 * per column, whatever the number of rows. */
int folio_table_check(const folio_doc *doc, folio_table *t,
	unsigned line, unsigned col, folio_error *err)
{
	int covered[FOLIO_MAX_TABLE_COLS];
	int header_below[FOLIO_MAX_TABLE_COLS];
	char msg[256];
	size_t r, i, cells = 0, header_rows = 0;
	int ncols, c, k;

	if (t->n_rows == 0)
		return at(doc, err, FOLIO_EINPUT, line, col,
			"expected at least one <row> in a table, found none");
	if (t->n_rows > FOLIO_MAX_TABLE_ROWS) {
		snprintf(msg, sizeof(msg), "table limit exceeded: expected at "
			"most %d rows, found %zu", FOLIO_MAX_TABLE_ROWS,
			t->n_rows);
		return at(doc, err, FOLIO_ELIMIT, line, col, msg);
	}
	if (t->n_cols == 0 || t->n_cols > FOLIO_MAX_TABLE_COLS) {
		snprintf(msg, sizeof(msg), "expected 1 to %d grid columns, "
			"found %zu", FOLIO_MAX_TABLE_COLS, t->n_cols);
		return at(doc, err, t->n_cols ? FOLIO_ELIMIT : FOLIO_EINPUT,
			line, col, msg);
	}
	ncols = (int)t->n_cols;
	memset(covered, 0, sizeof(covered));
	memset(header_below, 0, sizeof(header_below));
	for (r = 0; r < t->n_rows; r++) {
		folio_row *row = &t->rows[r];

		if (row->header && header_rows != r)
			return at(doc, err, FOLIO_EINPUT, row->line, row->col,
				"expected header rows only at the top of the "
				"table, found one after a body row");
		if (row->header)
			header_rows++;
		cells += row->n_cells;
		if (cells > FOLIO_MAX_TABLE_CELLS) {
			snprintf(msg, sizeof(msg), "table limit exceeded: "
				"expected at most %d cells, found more",
				FOLIO_MAX_TABLE_CELLS);
			return at(doc, err, FOLIO_ELIMIT, row->line, row->col,
				msg);
		}
		/* A header cell spanning into this body row would be cut by
		 * the header's repetition on the next page. */
		if (!row->header)
			for (c = 0; c < ncols; c++)
				if (header_below[c] > 0)
					return at(doc, err, FOLIO_EINPUT,
						row->line, row->col, "expected "
						"header cells to end with the "
						"header rows, found one "
						"spanning into the body");
		c = 0;
		for (i = 0; i < row->n_cells; i++) {
			folio_cell *cell = &row->cells[i];

			while (c < ncols && covered[c] > 0)
				c++;
			if (cell->colspan < 1 || cell->rowspan < 1)
				return at(doc, err, FOLIO_EINPUT, cell->line,
					cell->col, "expected colspan and "
					"rowspan of at least 1");
			if (c + cell->colspan > ncols) {
				snprintf(msg, sizeof(msg), "expected the row "
					"to fit the table's %d columns, found "
					"this cell reaching column %d", ncols,
					c + cell->colspan);
				return at(doc, err, FOLIO_EINPUT, cell->line,
					cell->col, msg);
			}
			if ((size_t)cell->rowspan > t->n_rows - r) {
				snprintf(msg, sizeof(msg), "expected rowspan "
					"to stay inside the table, found %d "
					"with %zu rows left", cell->rowspan,
					t->n_rows - r);
				return at(doc, err, FOLIO_EINPUT, cell->line,
					cell->col, msg);
			}
			for (k = c; k < c + cell->colspan; k++) {
				if (covered[k] > 0) {
					snprintf(msg, sizeof(msg), "expected "
						"grid column %d free, found "
						"it covered by a rowspan from "
						"above", k + 1);
					return at(doc, err, FOLIO_EINPUT,
						cell->line, cell->col, msg);
				}
				covered[k] = cell->rowspan;
				header_below[k] = row->header ?
					cell->rowspan : 0;
			}
			cell->column = c;
			c += cell->colspan;
		}
		for (c = 0; c < ncols; c++) {
			if (covered[c] == 0) {
				snprintf(msg, sizeof(msg), "expected cells "
					"covering all %d columns, found grid "
					"column %d empty (add an empty <cell/>)",
					ncols, c + 1);
				return at(doc, err, FOLIO_EINPUT, row->line,
					row->col, msg);
			}
			covered[c]--;
			if (header_below[c] > 0)
				header_below[c]--;
		}
	}
	t->header_rows = header_rows;
	return 0;
}
