/* Tables and figures on the page (src/layout/table.c, figure.c), judged
 * on the page list: header rows at the top of every page a table goes
 * on to, rows kept whole unless taller than a page, rules inside the
 * text block, figures at their natural size (96 dpi), never enlarged,
 * shrunk to the measure and the page, kept on one page with their
 * caption. Sources and PNG files are written to a temporary folder. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "layout/layout.h"
#include "import/source.h"
#include "style/style_read.h"
#include "util/buf.h"
#include "util/paths.h"
#include "util/utf8.h"
#include "util/xml.h"

#define MM (72.0 / 25.4)
#define LEFT (28 * MM)
#define MEASURE (156 * MM)
#define BLOCK_TOP ((297 - 37) * MM)
#define BLOCK_BOTTOM ((297 - 37 - 225) * MM)

static folio_fontset *fs;
static folio_style *gbt;
static char dir[64];

/* Forty distinct, common characters: one per table row. */
static const char *const ROW_CHARS = "天地玄黄宇宙洪荒日月盈辰宿列张寒来暑"
	"往秋收冬藏闰余成岁律吕调阳云腾致雨露结为霜金生丽";

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void chunk(FILE *f, const char *kind, const unsigned char *d,
	size_t n)
{
	unsigned char len[4], crc[4];
	uLong c = crc32(0, (const Bytef *)kind, 4);

	c = crc32(c, d, (uInt)n);
	put32(len, (uint32_t)n);
	put32(crc, (uint32_t)c);
	fwrite(len, 1, 4, f);
	fwrite(kind, 1, 4, f);
	fwrite(d, 1, n, f);
	fwrite(crc, 1, 4, f);
}

/* A gray 8-bit PNG of w x h pixels in the test folder. */
static void write_png(const char *name, unsigned w, unsigned h)
{
	char path[128];
	size_t raw_len = (size_t)(w + 1) * h;
	unsigned char ihdr[13] = {0}, *raw = calloc(raw_len, 1);
	uLongf zlen = compressBound((uLong)raw_len);
	unsigned char *z = malloc(zlen);
	FILE *f;

	assert_non_null(raw);
	assert_non_null(z);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	put32(ihdr, w);
	put32(ihdr + 4, h);
	ihdr[8] = 8;
	assert_int_equal(compress(z, &zlen, raw, (uLong)raw_len), Z_OK);
	f = fopen(path, "wb");
	assert_non_null(f);
	fwrite("\x89PNG\r\n\x1a\n", 1, 8, f);
	chunk(f, "IHDR", ihdr, sizeof(ihdr));
	chunk(f, "IDAT", z, zlen);
	chunk(f, "IEND", (const unsigned char *)"", 0);
	fclose(f);
	free(raw);
	free(z);
}

static int setup(void **state)
{
	folio_error err = {0};
	char path[4096];

	(void)state;
	folio_xml_init();
	snprintf(dir, sizeof(dir), "/tmp/folio-tables-XXXXXX");
	if (mkdtemp(dir) == NULL ||
	    folio_fontset_load(&fs, NULL, &err) < 0 ||
	    folio_data_path(path, sizeof(path), "styles/gbt9704.xml",
		&err) < 0 ||
	    folio_style_read(&gbt, path, &err) < 0) {
		print_error("setup: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	folio_style_free(gbt);
	folio_fontset_free(fs);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Lay out a body (XML blocks) in a minimal document. */
static void lay(folio_doc **doc, folio_layout *out, const char *body)
{
	folio_layout_options o = {FOLIO_MISSING_GLYPH_ERROR};
	folio_error err = {0};
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/doc.xml", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<document xmlns=\"urn:folio:document:1\"><meta>"
		"<title>表格测试</title><issuer>江临市档案局</issuer>"
		"<date>2024-04-02</date></meta><body>%s</body></document>\n",
		body);
	fclose(f);
	if (folio_source_read(doc, path, NULL, &err) < 0 ||
	    folio_layout_document(out, *doc, gbt, fs, o, &err) < 0) {
		print_error("%s\n", err.msg);
		fail();
	}
}

/* The page each character of s is drawn on, or -1 when it is drawn on
 * more than one page (or none). */
static long page_of_char(const folio_layout *l, uint32_t cp)
{
	long page = -1;
	size_t p, i;

	for (p = 0; p < l->n_pages; p++)
		for (i = 0; i < l->pages[p].n_runs; i++) {
			const char *t = l->pages[p].runs[i].text;
			size_t len = strlen(t), off = 0;
			while (off < len) {
				uint32_t c;
				off += folio_utf8_decode(t + off, len - off, &c);
				if (c != cp)
					continue;
				if (page >= 0 && page != (long)p)
					return -2;
				page = (long)p;
			}
		}
	return page;
}

/* The body run highest on page p. */
static const folio_run *top_run(const folio_layout *l, size_t p)
{
	const folio_run *top = NULL;
	size_t i;

	for (i = 0; i < l->pages[p].n_runs; i++) {
		const folio_run *r = &l->pages[p].runs[i];
		if (r->kind == FOLIO_RUN_BODY && (top == NULL || r->y > top->y))
			top = r;
	}
	return top;
}

/* A table of 40 rows: 序号, then a cell of one repeated character,
 * some long enough to take two or three lines. */
static void long_table(folio_buf *b)
{
	size_t off = 0, k = 0, len = strlen(ROW_CHARS);

	assert_int_equal(folio_buf_puts(b, "<p>前言。</p><table widths=\"1 5\">"
		"<row header=\"yes\"><cell>序号</cell><cell>内容说明</cell>"
		"</row>"), 0);
	while (off < len) {
		uint32_t cp;
		size_t n = folio_utf8_decode(ROW_CHARS + off, len - off, &cp);
		int reps = 4 + (int)(k % 3) * 25, i;

		assert_int_equal(folio_buf_printf(b, "<row><cell>%zu</cell>"
			"<cell>", k + 1), 0);
		for (i = 0; i < reps; i++)
			assert_int_equal(folio_buf_append(b, ROW_CHARS + off,
				n), 0);
		assert_int_equal(folio_buf_puts(b, "</cell></row>"), 0);
		off += n;
		k++;
	}
	assert_int_equal(folio_buf_puts(b, "</table>"), 0);
}

static void test_header_repeats_rows_whole(void **state)
{
	folio_buf b = {0};
	folio_doc *doc = NULL;
	folio_layout l;
	size_t off = 0, len = strlen(ROW_CHARS), p, first = SIZE_MAX, i;
	int continued = 0;

	(void)state;
	long_table(&b);
	lay(&doc, &l, b.data);
	assert_true(l.n_pages >= 3);
	/* No row shorter than a page is cut: each row's character is on
	 * one page. */
	while (off < len) {
		uint32_t cp;
		long pg;
		off += folio_utf8_decode(ROW_CHARS + off, len - off, &cp);
		pg = page_of_char(&l, cp);
		assert_true(pg >= 0);
		if ((size_t)pg < first)
			first = (size_t)pg;
	}
	/* Every page after the first the table is on starts with the
	 * header row, 序号 and 内容说明 on one baseline. */
	for (p = first + 1; p < l.n_pages; p++) {
		const folio_run *top = top_run(&l, p);
		int both = 0;
		if (top == NULL)
			continue;
		assert_string_equal(top->text, "序号");
		for (i = 0; i < l.pages[p].n_runs; i++)
			both += strcmp(l.pages[p].runs[i].text, "内容说明") == 0 &&
				fabs(l.pages[p].runs[i].y - top->y) < 0.01;
		assert_int_equal(both, 1);
		continued++;
	}
	assert_true(continued >= 2);
	/* Rules stay inside the text block. */
	for (p = 0; p < l.n_pages; p++)
		for (i = 0; i < l.pages[p].n_rules; i++) {
			const folio_rule *r = &l.pages[p].rules[i];
			assert_true(r->x0 >= LEFT - 0.01 &&
				r->x1 <= LEFT + MEASURE + 0.01);
			assert_true(r->y0 <= BLOCK_TOP + 0.01 &&
				r->y1 >= BLOCK_BOTTOM - 0.01);
		}
	folio_doc_free(doc);
	folio_buf_free(&b);
}

/* A row taller than a page is split (the one thing that is), and the
 * table goes on with its header on the next page. */
static void test_tall_row_splits(void **state)
{
	folio_buf b = {0};
	folio_doc *doc = NULL;
	folio_layout l;
	int i;

	(void)state;
	assert_int_equal(folio_buf_puts(&b, "<table><row header=\"yes\">"
		"<cell>序号</cell><cell>内容</cell></row><row><cell>1</cell>"
		"<cell>"), 0);
	for (i = 0; i < 600; i++)
		assert_int_equal(folio_buf_puts(&b, "天"), 0);
	assert_int_equal(folio_buf_puts(&b, "</cell></row></table>"), 0);
	lay(&doc, &l, b.data);
	assert_true(l.n_pages >= 2);
	assert_int_equal(page_of_char(&l, 0x5929), -2);  /* 天 on 2+ pages */
	assert_string_equal(top_run(&l, 1)->text, "序号");
	folio_doc_free(doc);
	folio_buf_free(&b);
}

static const folio_image *only_image(const folio_layout *l, size_t *page)
{
	const folio_image *im = NULL;
	size_t p;

	for (p = 0; p < l->n_pages; p++)
		if (l->pages[p].n_images > 0) {
			assert_null(im);
			assert_int_equal(l->pages[p].n_images, 1);
			im = &l->pages[p].images[0];
			*page = p;
		}
	assert_non_null(im);
	return im;
}

static void figure_size(const char *file, unsigned w, unsigned h,
	const char *width, double want_w, double want_h)
{
	char body[256];
	folio_doc *doc = NULL;
	folio_layout l;
	const folio_image *im;
	size_t page;

	write_png(file, w, h);
	snprintf(body, sizeof(body), "<p>图。</p><figure src=\"%s\"%s%s%s>"
		"<caption>图1　测试</caption></figure>", file,
		width ? " width=\"" : "", width ? width : "", width ? "\"" : "");
	lay(&doc, &l, body);
	im = only_image(&l, &page);
	assert_true(fabs(im->width - want_w) < 0.05);
	assert_true(fabs(im->height - want_h) < 0.05);
	/* Centred on the measure, inside the text block. */
	assert_true(fabs(im->x + im->width / 2 - (LEFT + MEASURE / 2)) < 0.05);
	assert_true(im->y >= BLOCK_BOTTOM - 0.01 &&
		im->y + im->height <= BLOCK_TOP + 0.01);
	folio_doc_free(doc);
}

static void test_figure_sizes(void **state)
{
	(void)state;
	/* Natural size at 96 dpi: 200 px = 150 pt, never enlarged. */
	figure_size("small.png", 200, 100, NULL, 150, 75);
	/* Wider than the measure: shrunk to it. */
	figure_size("wide.png", 2000, 1000, NULL, MEASURE, MEASURE / 2);
	/* A width from the source wins. */
	figure_size("given.png", 200, 100, "60mm", 60 * MM, 30 * MM);
	/* Taller than a page: shrunk so image and caption share one. */
	{
		double h = 21 * (225.0 / 22 * MM) - (225.0 / 22 * MM) / 4;
		figure_size("tall.png", 100, 4000, NULL, h / 40, h);
	}
}

/* A figure that does not fit under the text moves to the next page
 * with its caption. */
static void test_figure_kept_with_caption(void **state)
{
	folio_buf b = {0};
	folio_doc *doc = NULL;
	folio_layout l;
	const folio_image *im;
	size_t page;
	int i;

	(void)state;
	write_png("photo.png", 400, 600);  /* 300 x 450 pt: 16 bands */
	for (i = 0; i < 12; i++)
		assert_int_equal(folio_buf_puts(&b, "<p>正文一行。</p>"), 0);
	assert_int_equal(folio_buf_puts(&b, "<figure src=\"photo.png\">"
		"<caption>图2　照片说明</caption></figure>"), 0);
	lay(&doc, &l, b.data);
	im = only_image(&l, &page);
	assert_int_equal(page, 1);
	assert_true(im->y >= BLOCK_BOTTOM - 0.01);
	assert_int_equal(page_of_char(&l, 0x7167), 1);  /* 照 of the caption */
	folio_doc_free(doc);
	folio_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_repeats_rows_whole),
		cmocka_unit_test(test_tall_row_splits),
		cmocka_unit_test(test_figure_sizes),
		cmocka_unit_test(test_figure_kept_with_caption),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
