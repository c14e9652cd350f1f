/* Unit tests for src/layout/qr_place.c: where the style's QR code goes
 * on the last page of real documents (the examples), which side the
 * page number leaves free, and the refusal of a square over the page
 * number. tests/e2e/pdf_qr.sh reads the drawn codes with zbarimg. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "font/font.h"
#include "import/source.h"
#include "layout/layout.h"
#include "style/style_read.h"
#include "util/paths.h"
#include "util/xml.h"

#define MM (72.0 / 25.4)

#include "layout_fixture.h"

static folio_doc *example(const char *name)
{
	folio_error err = {0};
	folio_doc *d = NULL;
	char path[4096];

	assert_int_equal(folio_data_path(path, sizeof(path), name, &err), 0);
	if (folio_source_read(&d, path, NULL, &err) < 0)
		fail_msg("%s: %s", name, err.msg);
	return d;
}

static folio_style with_qr(folio_qr_side side)
{
	folio_style st = *gbt;

	st.qr = 1;
	st.qr_size = 24 * MM;
	st.qr_below = 4 * MM;
	st.qr_side = side;
	return st;
}

/* The square: on the last page only, its top 4 mm under the text
 * block, nothing drawn inside it. */
static void check_square(const folio_layout *lay, const folio_style *st)
{
	const folio_page *p = &lay->pages[lay->n_pages - 1];
	double block_bottom = st->page_height - st->margin_top -
		st->block_height;
	size_t i;

	for (i = 0; i + 1 < lay->n_pages; i++)
		assert_true(lay->pages[i].qr_size == 0);
	assert_true(fabs(p->qr_size - 24 * MM) < 1e-9);
	assert_true(fabs(p->qr_y + p->qr_size - (block_bottom - 4 * MM)) <
		1e-9);
	assert_true(p->qr_y >= 0);
	for (i = 0; i < p->n_runs; i++) {
		const folio_run *r = &p->runs[i];
		int apart = r->x + r->width <= p->qr_x ||
			r->x >= p->qr_x + p->qr_size ||
			r->y + 0.88 * r->size <= p->qr_y ||
			r->y - 0.12 * r->size >= p->qr_y + p->qr_size;
		assert_true(apart);
	}
}

static void auto_side(void **state)
{
	folio_layout_options o = {FOLIO_MISSING_GLYPH_ERROR};
	folio_error err = {0};
	folio_layout lay;
	folio_style st = with_qr(FOLIO_QR_AUTO);
	folio_doc *odd = example("examples/notice.xml");
	folio_doc *even = example("examples/interpretation.xml");

	(void)state;
	/* Odd last page: the number is on the right, the code left. */
	assert_int_equal(folio_layout_document(&lay, odd, &st, fs, o, &err),
		0);
	assert_int_equal(lay.n_pages % 2, 1);
	check_square(&lay, &st);
	assert_true(fabs(lay.pages[lay.n_pages - 1].qr_x - st.margin_left) <
		1e-9);
	/* Even last page: the number is on the left, the code right. */
	assert_int_equal(folio_layout_document(&lay, even, &st, fs, o, &err),
		0);
	assert_int_equal(lay.n_pages % 2, 0);
	check_square(&lay, &st);
	assert_true(fabs(lay.pages[lay.n_pages - 1].qr_x + 24 * MM -
		(st.margin_left + st.block_width)) < 1e-9);
	/* Without the style's <qr>, no square. */
	assert_int_equal(folio_layout_document(&lay, even, gbt, fs, o, &err),
		0);
	assert_true(lay.pages[lay.n_pages - 1].qr_size == 0);
	folio_doc_free(odd);
	folio_doc_free(even);
}

static void over_the_page_number(void **state)
{
	folio_layout_options o = {FOLIO_MISSING_GLYPH_ERROR};
	folio_error err = {0};
	folio_layout lay;
	folio_style st = with_qr(FOLIO_QR_RIGHT);
	folio_doc *odd = example("examples/notice.xml");

	(void)state;
	assert_int_equal(folio_layout_document(&lay, odd, &st, fs, o, &err),
		FOLIO_EUSAGE);
	assert_non_null(strstr(err.msg, "would cover the page number"));
	/* Left is free there. */
	st.qr_side = FOLIO_QR_LEFT;
	folio_error_clear(&err);
	assert_int_equal(folio_layout_document(&lay, odd, &st, fs, o, &err),
		0);
	check_square(&lay, &st);
	folio_doc_free(odd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(auto_side),
		cmocka_unit_test(over_the_page_number),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
