/* Unit tests for <table> and <figure>: grid proof, image probe, XML
 * reader and writer round trip. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/doc.h"
#include "model/xml_read.h"
#include "model/xml_write.h"
#include "util/buf.h"

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<document xmlns=\"urn:folio:document:1\">\n" \
	"<meta><title>标题</title><issuer>某市统计局</issuer>" \
	"<date>2026-03-01</date></meta>\n<body>\n"
#define TAIL "</body>\n</document>\n"

static char dir[64];

/* A valid 2x1 RGB PNG, made here so no binary sits in the tree. */
static const unsigned char tiny_png[] = {
	0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n',
	0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 2, 0, 0, 0, 1, 8, 2, 0, 0,
	0, 0x7B, 0x40, 0xE8, 0xDD,
	0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};

/* SOI, APP0 stub, SOF0 300x200 3 components, SOS, EOI. */
static const unsigned char tiny_jpeg[] = {
	0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 'J', 'F',
	0xFF, 0xC0, 0, 17, 8, 0, 200, 1, 44, 3, 1, 0x11, 0, 2, 0x11, 0, 3,
	0x11, 0,
	0xFF, 0xDA, 0, 2, 0xFF, 0xD9};

static void write_file(const char *name, const void *data, size_t n)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, n, fp), n);
	fclose(fp);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/folio-tables-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	write_file("a.png", tiny_png, sizeof(tiny_png));
	write_file("b.jpg", tiny_jpeg, sizeof(tiny_jpeg));
	write_file("c.png", "GIF89a\1\0\1\0", 10);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int read_body(folio_doc **doc, const char *body, folio_error *err)
{
	char name[128];
	folio_buf b = {0};
	int rc;

	snprintf(name, sizeof(name), "%s/doc.xml", dir);
	assert_int_equal(folio_buf_puts(&b, HEAD), 0);
	assert_int_equal(folio_buf_puts(&b, body), 0);
	assert_int_equal(folio_buf_puts(&b, TAIL), 0);
	rc = folio_xml_read_memory(doc, b.data, b.len, name, err);
	folio_buf_free(&b);
	return rc;
}

static void expect_error(const char *body, int code, const char *where,
	const char *what)
{
	folio_error err = {0};
	folio_doc *doc = NULL;

	assert_int_equal(read_body(&doc, body, &err), code);
	assert_null(doc);
	if (strstr(err.msg, where) == NULL || strstr(err.msg, what) == NULL)
		fail_msg("message '%s' lacks '%s' or '%s'", err.msg, where,
			what);
}

static void test_table_read(void **state)
{
	folio_error err = {0};
	folio_doc *doc = NULL;
	const folio_table *t;

	(void)state;
	assert_int_equal(read_body(&doc,
		"<table widths=\"2 3 3\">\n"                          /* 5 */
		"<row header=\"yes\"><cell>项目</cell>"
		"<cell colspan=\"2\">责任单位</cell></row>\n"
		"<row><cell rowspan=\"2\">一</cell><cell>财政局</cell>"
		"<cell>审计局</cell></row>\n"
		"<row><cell><p>第一段</p><p>第二段</p></cell>"
		"<cell>  </cell></row>\n"
		"</table>\n", &err), 0);
	assert_int_equal(doc->body->kind, FOLIO_BLOCK_TABLE);
	assert_int_equal(doc->body->line, 5);
	t = doc->body->table;
	assert_int_equal(t->n_rows, 3);
	assert_int_equal(t->n_cols, 3);
	assert_int_equal(t->header_rows, 1);
	assert_int_equal(t->widths[1], 3);
	assert_int_equal(t->rows[0].cells[1].colspan, 2);
	assert_int_equal(t->rows[0].cells[1].column, 1);
	assert_int_equal(t->rows[1].cells[0].rowspan, 2);
	/* Row 3 starts at column 1: column 0 is covered from above. */
	assert_int_equal(t->rows[2].cells[0].column, 1);
	assert_int_equal(t->rows[2].cells[1].column, 2);
	assert_string_equal(t->rows[2].cells[0].paras->next->text, "第二段");
	assert_null(t->rows[2].cells[1].paras);
	assert_string_equal(t->rows[0].cells[0].paras->text, "项目");
	folio_doc_free(doc);
}

static void test_table_errors(void **state)
{
	(void)state;
	expect_error("<table><row><cell>一</cell><cell>二</cell></row>\n"
		"<row><cell>三</cell></row></table>", FOLIO_EINPUT, ":6:",
		"grid column 2 empty");
	expect_error("<table><row><cell>一</cell></row>\n"
		"<row><cell>三</cell><cell>四</cell></row></table>",
		FOLIO_EINPUT, ":6:", "reaching column 2");
	expect_error("<table><row><cell rowspan=\"3\">一</cell></row>\n"
		"<row/></table>", FOLIO_EINPUT, "doc.xml:6:",
		"<row>");
	expect_error("<table><row><cell rowspan=\"2\">一</cell></row>"
		"</table>", FOLIO_EINPUT, ":5:", "rowspan to stay inside");
	expect_error("<table><row><cell>一</cell></row>\n"
		"<row header=\"yes\"><cell>二</cell></row></table>",
		FOLIO_EINPUT, ":6:", "header rows only at the top");
	expect_error("<table><row header=\"yes\"><cell rowspan=\"2\">一"
		"</cell><cell>二</cell></row>\n"
		"<row><cell>三</cell></row></table>", FOLIO_EINPUT, ":6:",
		"header cells to end with the header rows");
	expect_error("<table widths=\"1 1\"><row><cell>一</cell></row>"
		"</table>", FOLIO_EINPUT, ":5:", "grid column 2 empty");
	expect_error("<table><row><cell colspan=\"65\">一</cell></row>"
		"</table>", FOLIO_EINPUT, ":5:", "colspan from 1 to 64");
	expect_error("<table><row><cell>\x01</cell></row></table>",
		FOLIO_EINPUT, "doc.xml", "");
}

static void test_table_limits(void **state)
{
	folio_buf b = {0};
	int i;

	(void)state;
	b.limit = 4 * 1024 * 1024;
	folio_buf_puts(&b, "<table>");
	for (i = 0; i <= FOLIO_MAX_TABLE_ROWS; i++)
		folio_buf_puts(&b, "<row><cell/></row>");
	folio_buf_puts(&b, "</table>");
	expect_error(b.data, FOLIO_ELIMIT, ":5:", "at most 5000 rows");
	folio_buf_free(&b);
}

static void test_figure_read(void **state)
{
	folio_error err = {0};
	folio_doc *doc = NULL;
	const folio_figure *f;
	folio_buf out = {0};
	folio_doc *again = NULL;
	char name[128];

	(void)state;
	assert_int_equal(read_body(&doc,
		"<figure src=\"a.png\" width=\"80.5mm\"><caption>图1 统计"
		"</caption><alt>柱状图</alt></figure>\n"
		"<figure src=\"b.jpg\"/>\n"
		"<table><row><cell>甲</cell><cell colspan=\"2\">乙</cell>"
		"</row><row><cell><p>丙</p><p>丁</p></cell><cell/>"
		"<cell>戊</cell></row></table>\n", &err), 0);
	f = doc->body->figure;
	assert_int_equal(f->format, FOLIO_IMAGE_PNG);
	assert_int_equal(f->px_width, 2);
	assert_int_equal(f->px_height, 1);
	assert_int_equal(f->width_mm100, 8050);
	assert_string_equal(f->caption, "图1 统计");
	assert_string_equal(f->alt, "柱状图");
	assert_non_null(strstr(f->path, dir));
	f = doc->body->next->figure;
	assert_int_equal(f->format, FOLIO_IMAGE_JPEG);
	assert_int_equal(f->px_width, 300);
	assert_int_equal(f->px_height, 200);
	assert_int_equal(f->width_mm100, 0);
	assert_null(f->caption);

	/* Written and read again: the same tree. */
	assert_int_equal(folio_xml_write(&out, doc, &err), 0);
	assert_non_null(strstr(out.data, "<figure src=\"a.png\" "
		"width=\"80.50mm\">"));
	assert_non_null(strstr(out.data, "<cell colspan=\"2\">乙</cell>"));
	assert_non_null(strstr(out.data, "<cell/>"));
	snprintf(name, sizeof(name), "%s/again.xml", dir);
	assert_int_equal(folio_xml_read_memory(&again, out.data, out.len,
		name, &err), 0);
	assert_int_equal(again->body->figure->width_mm100, 8050);
	assert_string_equal(again->body->next->next->table->rows[1]
		.cells[0].paras->next->text, "丁");
	assert_int_equal(again->body->next->next->table->rows[0]
		.cells[1].colspan, 2);
	folio_doc_free(again);
	folio_buf_free(&out);
	folio_doc_free(doc);
}

static void test_figure_errors(void **state)
{
	(void)state;
	expect_error("<figure src=\"none.png\"/>", FOLIO_EIO, "doc.xml:5:",
		"none.png");
	expect_error("<figure src=\"c.png\"/>", FOLIO_EINPUT, "doc.xml:5:",
		"found a GIF file");
	expect_error("<figure src=\"../a.png\"/>", FOLIO_EINPUT, ":5:", "");
	expect_error("<figure src=\"a.png\" width=\"0mm\"/>", FOLIO_EINPUT,
		":5:", "expected width as millimetres");
}

static void test_probe(void **state)
{
	unsigned char buf[64];
	folio_image_format fmt;
	folio_error err = {0};
	unsigned w, h;

	(void)state;
	assert_int_equal(folio_image_probe(&fmt, &w, &h, tiny_png,
		sizeof(tiny_png), "x", &err), 0);
	/* Cut short: IEND not at the end. */
	memcpy(buf, tiny_png, sizeof(tiny_png));
	memcpy(buf + sizeof(tiny_png) - 12, "\0\0\0\5IDAT", 8);
	assert_int_equal(folio_image_probe(&fmt, &w, &h, buf,
		sizeof(tiny_png) + 6, "x", &err), FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "cut short"));
	/* A huge declared size is refused before anyone decodes it. */
	memcpy(buf, tiny_png, sizeof(tiny_png));
	buf[16] = 0x7F;
	folio_error_clear(&err);
	assert_int_equal(folio_image_probe(&fmt, &w, &h, buf,
		sizeof(tiny_png), "x", &err), FOLIO_ELIMIT);
	/* Bad bit depth for RGB. */
	memcpy(buf, tiny_png, sizeof(tiny_png));
	buf[24] = 4;
	assert_int_equal(folio_image_probe(&fmt, &w, &h, buf,
		sizeof(tiny_png), "x", &err), FOLIO_EINPUT);
	/* JPEG without its scan. */
	assert_int_equal(folio_image_probe(&fmt, &w, &h, tiny_jpeg, 27,
		"x", &err), FOLIO_EINPUT);
	/* Lossless JPEG (SOF3). */
	memcpy(buf, tiny_jpeg, sizeof(tiny_jpeg));
	buf[9] = 0xC3;
	assert_int_equal(folio_image_probe(&fmt, &w, &h, buf,
		sizeof(tiny_jpeg), "x", &err), FOLIO_EINPUT);
	assert_int_equal(folio_image_probe(&fmt, &w, &h,
		(const unsigned char *)"", 0, "x", &err), FOLIO_EINPUT);
}

static void test_src_valid(void **state)
{
	(void)state;
	assert_true(folio_figure_src_valid("a.png"));
	assert_true(folio_figure_src_valid("media/img-1_a.jpeg"));
	assert_false(folio_figure_src_valid("../a.png"));
	assert_false(folio_figure_src_valid("a/../b.png"));
	assert_false(folio_figure_src_valid("/etc/a.png"));
	assert_false(folio_figure_src_valid("a//b.png"));
	assert_false(folio_figure_src_valid("a/"));
	assert_false(folio_figure_src_valid(".hidden.png"));
	assert_false(folio_figure_src_valid("图.png"));
	assert_false(folio_figure_src_valid(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_read),
		cmocka_unit_test(test_table_errors),
		cmocka_unit_test(test_table_limits),
		cmocka_unit_test(test_figure_read),
		cmocka_unit_test(test_figure_errors),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_src_valid),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
