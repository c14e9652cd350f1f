/* Unit tests: the libxml2 adapter's writer (util/xml_writer.h), tree
 * helpers (util/xml_tree.h) and streaming validation (util/xml.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xml.h"
#include "util/xml_tree.h"
#include "util/xml_writer.h"

#define DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

/* Escaping, namespaces, optional elements, indentation: the bytes. */
static void test_writer_bytes(void **state)
{
	folio_buf b = {0};
	folio_error err = {0};
	folio_xmlw *w = NULL;

	(void)state;
	assert_int_equal(folio_xmlw_new_buf(&w, &b, "t.xml", "  ", &err), 0);
	folio_xmlw_start_ns(w, NULL, "文件", "urn:x");
	folio_xmlw_attr(w, "a", "x<\"&\n");
	folio_xmlw_element(w, "题名", "A & B <c> 中文");
	folio_xmlw_element(w, "absent", NULL);
	folio_xmlw_start_ns(w, "p", "q", "urn:p");
	folio_xmlw_attr_ns(w, "p", "r", NULL, "1");
	folio_xmlw_text_n(w, "abcdef", 3);
	folio_xmlw_end(w);
	folio_xmlw_start(w, "empty");
	folio_xmlw_end(w);
	assert_int_equal(folio_xmlw_close(w), 0);
	assert_string_equal(b.data, DECL
		"<文件 a=\"x&lt;&quot;&amp;&#10;\" xmlns=\"urn:x\">\n"
		"  <题名>A &amp; B &lt;c&gt; 中文</题名>\n"
		"  <p:q p:r=\"1\" xmlns:p=\"urn:p\">abc</p:q>\n"
		"  <empty/>\n"
		"</文件>\n");
	assert_int_equal(folio_xmlw_bytes(w), b.len);
	folio_xmlw_free(w);
	folio_xmlw_free(NULL);
	folio_buf_free(&b);
}

/* A file sink gets the same bytes as a buffer; close ends what is
 * still open. */
static void test_writer_file(void **state)
{
	folio_buf b = {0}, f = {0};
	folio_error err = {0};
	folio_xmlw *w = NULL;
	FILE *fp = tmpfile();
	char chunk[256];
	size_t n;
	int k;

	(void)state;
	assert_non_null(fp);
	for (k = 0; k < 2; k++) {
		if (k == 0)
			assert_int_equal(folio_xmlw_new_buf(&w, &b, "t", NULL,
				&err), 0);
		else
			assert_int_equal(folio_xmlw_new_file(&w, fp, "t", NULL,
				&err), 0);
		folio_xmlw_start(w, "root");
		folio_xmlw_start(w, "open");
		folio_xmlw_text(w, "text\r");
		assert_int_equal(folio_xmlw_close(w), 0);
		folio_xmlw_free(w);
	}
	rewind(fp);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		assert_int_equal(folio_buf_append(&f, chunk, n), 0);
	fclose(fp);
	assert_int_equal(f.len, b.len);
	assert_memory_equal(f.data, b.data, b.len);
	assert_non_null(strstr(b.data, "<root><open>text&#13;</open></root>"));
	folio_buf_free(&b);
	folio_buf_free(&f);
}

/* Text XML cannot carry is refused, not dropped; the first failure
 * sticks and later calls write nothing. */
static void test_writer_refuses(void **state)
{
	static const char *const bad[] = {"a\x01z", "a\xff", "\xef\xbf\xbe",
		"ok\x7f\x0b"};
	folio_buf b = {0};
	folio_error err = {0};
	folio_xmlw *w = NULL;
	size_t i, len;

	(void)state;
	for (i = 0; i < 4; i++) {
		folio_error_clear(&err);
		folio_buf_reset(&b);
		assert_int_equal(folio_xmlw_new_buf(&w, &b, "bad.xml", NULL,
			&err), 0);
		folio_xmlw_start(w, "r");
		if (i % 2)
			folio_xmlw_attr(w, "v", bad[i]);
		else
			folio_xmlw_text(w, bad[i]);
		assert_int_equal(folio_xmlw_status(w), FOLIO_EINPUT);
		len = b.len;
		folio_xmlw_element(w, "more", "text");
		assert_int_equal(folio_xmlw_close(w), FOLIO_EINPUT);
		assert_true(b.len <= len + 64);
		assert_null(strstr(b.data ? b.data : "", "more"));
		assert_non_null(strstr(err.msg, "bad.xml: expected text "
			"characters"));
		folio_xmlw_free(w);
	}
	assert_non_null(strstr(err.msg, "U+000B"));
	folio_buf_free(&b);
}

/* A buffer's limit is a FOLIO_ELIMIT with the writer's name. */
static void test_writer_limit(void **state)
{
	folio_buf b = {0};
	folio_error err = {0};
	folio_xmlw *w = NULL;
	int i;

	(void)state;
	b.limit = 4096;
	assert_int_equal(folio_xmlw_new_buf(&w, &b, "big.xml", NULL, &err), 0);
	folio_xmlw_start(w, "r");
	for (i = 0; i < 1000; i++)
		folio_xmlw_element(w, "e", "0123456789");
	assert_int_equal(folio_xmlw_close(w), FOLIO_ELIMIT);
	assert_non_null(strstr(err.msg, "big.xml: larger than the limit of "
		"4096 bytes"));
	assert_true(b.len <= 4096);
	folio_xmlw_free(w);
	folio_buf_free(&b);
}

static const char doc_text[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<r xmlns=\"urn:a\" xmlns:b=\"urn:b\" top=\"1\">\n"
	"  <x n=\"1\">  one  </x>\n"
	"  <b:x n=\"2\"/>\n"
	"  <y>a<!-- split -->b<![CDATA[<c>]]><z>deep</z></y>\n"
	"  <x n=\"3\" v=\"&amp;&#x4E2D;\"/>\n"
	"</r>\n";

/* Children and siblings by name and namespace, attributes, text. */
static void test_tree_walk(void **state)
{
	const folio_xml_node *root, *x, *y;
	folio_error err = {0};
	folio_buf own = {0};
	void *doc = NULL;
	char *s;
	size_t parts;
	int nomem = 1, count = 0;

	(void)state;
	assert_int_equal(folio_xml_parse_memory(&doc, doc_text,
		strlen(doc_text), "t.xml", NULL, &err), 0);
	root = folio_xml_root(doc);
	assert_true(folio_xml_is(root, "urn:a", "r"));
	assert_false(folio_xml_is(root, "urn:b", "r"));
	assert_false(folio_xml_is(NULL, NULL, NULL));
	assert_string_equal(folio_xml_name(root), "r");
	for (x = folio_xml_child(root, NULL, "x"); x != NULL;
		x = folio_xml_next(x, NULL, "x"))
		count++;
	assert_int_equal(count, 3);
	count = 0;
	for (x = folio_xml_child(root, "urn:a", "x"); x != NULL;
		x = folio_xml_next(x, "urn:a", "x"))
		count++;
	assert_int_equal(count, 2);
	x = folio_xml_child(root, "urn:b", NULL);
	assert_non_null(x);
	s = folio_xml_attr_copy(x, "n", &nomem);
	assert_string_equal(s, "2");
	assert_int_equal(nomem, 0);
	free(s);
	assert_null(folio_xml_attr_copy(x, "missing", &nomem));
	assert_int_equal(nomem, 0);
	assert_null(folio_xml_attr_copy(NULL, "n", NULL));
	x = folio_xml_child(root, "urn:a", "x");
	s = folio_xml_text(x);
	assert_string_equal(s, "  one  ");
	free(s);
	s = folio_xml_text_trimmed(x);
	assert_string_equal(s, "one");
	free(s);
	assert_null(folio_xml_text(NULL));
	x = folio_xml_next(x, "urn:a", "x");
	s = folio_xml_attr_copy(x, "v", NULL);
	assert_string_equal(s, "&中");
	free(s);
	y = folio_xml_child(root, NULL, "y");
	s = folio_xml_text(y);
	assert_string_equal(s, "ab<c>deep");
	free(s);
	assert_int_equal(folio_xml_own_text(&own, &parts, y), 0);
	assert_string_equal(own.data, "ab<c>");
	/* The comment splits the text; the parser merges CDATA into the
	 * text beside it. */
	assert_int_equal(parts, 2);
	assert_null(folio_xml_child(NULL, NULL, "x"));
	assert_null(folio_xml_next(NULL, NULL, "x"));
	assert_null(folio_xml_root(NULL));
	folio_buf_free(&own);
	folio_xml_free(doc);
}

/* Namespaces, descendants, attributes by namespace and into a buffer
 * (what the Word reader needs). */
static void test_tree_find(void **state)
{
	static const char text[] =
		"<w:d xmlns:w=\"urn:w\" xmlns:r=\"urn:r\" xml:lang=\"zh-CN\""
		" lang=\"plain\">\n"
		"  <w:p><w:r><w:t w:val=\"中文字\">x</w:t></w:r></w:p>\n"
		"  <w:p><q><blip r:embed=\"rId7\" e=\"\"/></q></w:p>\n"
		"</w:d>\n";
	const folio_xml_node *root, *p, *t;
	folio_error err = {0};
	void *doc = NULL;
	char out[8], *s;
	int nomem = 1;

	(void)state;
	assert_int_equal(folio_xml_parse_memory(&doc, text, strlen(text),
		"f.xml", NULL, &err), 0);
	root = folio_xml_root(doc);
	assert_string_equal(folio_xml_ns(root), "urn:w");
	assert_null(folio_xml_ns(NULL));
	/* Depth-first, in document order, within max_depth levels. */
	t = folio_xml_find(root, "urn:w", "t", 3);
	assert_non_null(t);
	assert_int_equal(folio_xml_line(t), 2);
	assert_null(folio_xml_find(root, "urn:w", "t", 2));
	assert_null(folio_xml_find(root, "urn:x", "t", 9));
	p = folio_xml_next(folio_xml_child(root, NULL, "p"), NULL, "p");
	assert_null(folio_xml_ns(folio_xml_find(p, NULL, "blip", 9)));
	assert_true(folio_xml_find(root, NULL, "blip", 9) ==
		folio_xml_find(p, NULL, "blip", 2));
	assert_null(folio_xml_find(NULL, NULL, "blip", 9));
	/* Any prefix; cut at a character boundary; present but empty. */
	assert_int_equal(folio_xml_attr_get(out, sizeof(out), t, "val"), 1);
	assert_string_equal(out, "中文");
	assert_int_equal(folio_xml_attr_get(out, sizeof(out),
		folio_xml_find(p, NULL, "blip", 9), "embed"), 1);
	assert_string_equal(out, "rId7");
	assert_int_equal(folio_xml_attr_get(out, sizeof(out),
		folio_xml_find(p, NULL, "blip", 9), "e"), 1);
	assert_string_equal(out, "");
	assert_int_equal(folio_xml_attr_get(out, sizeof(out), t, "no"), 0);
	assert_string_equal(out, "");
	assert_int_equal(folio_xml_attr_get(out, sizeof(out), NULL, "v"), 0);
	/* xml:lang by its namespace, not the plain lang beside it. */
	s = folio_xml_attr_ns_copy(root, FOLIO_XML_NS, "lang", &nomem);
	assert_string_equal(s, "zh-CN");
	assert_int_equal(nomem, 0);
	free(s);
	assert_null(folio_xml_attr_ns_copy(root, "urn:r", "lang", &nomem));
	assert_int_equal(nomem, 0);
	assert_null(folio_xml_attr_ns_copy(NULL, FOLIO_XML_NS, "lang", NULL));
	folio_xml_free(doc);
}

/* Messages are located at the element's start tag. */
static void test_tree_errors(void **state)
{
	const folio_xml_node *y;
	folio_error err = {0};
	void *doc = NULL;

	(void)state;
	assert_int_equal(folio_xml_parse_memory(&doc, doc_text,
		strlen(doc_text), "t.xml", NULL, &err), 0);
	y = folio_xml_child(folio_xml_root(doc), NULL, "y");
	assert_int_equal(folio_xml_line(y), 5);
	assert_int_equal(folio_xml_col(y), 3);
	assert_int_equal(folio_xml_error_at(&err, FOLIO_EINPUT, "t.xml", y,
		"expected %s, found %d", "z", 2), FOLIO_EINPUT);
	assert_string_equal(err.msg, "t.xml:5:3: expected z, found 2");
	folio_error_clear(&err);
	assert_int_equal(folio_xml_error_in(&err, FOLIO_ELIMIT, "t.xml", y,
		"too many"), FOLIO_ELIMIT);
	assert_string_equal(err.msg, "t.xml:5:3: <y>: too many");
	folio_xml_free(doc);
}

/* Streaming validation: what the schema accepts passes, what it does
 * not is located, what is not XML says so. */
static void test_validate_stream(void **state)
{
	static const char ok[] = DECL
		"<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:"
		"opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\"/>";
	char good[2048], bad[2048];
	folio_error err = {0};

	(void)state;
	snprintf(good, sizeof(good), DECL
		"<文件目录 xmlns=\"urn:folio:catalogue:1\" version=\"1\">\n"
		"  <全宗号>J012</全宗号>\n  <全宗名称>市政府</全宗名称>\n"
		"  <年度>2024</年度>\n  <批次号>B1</批次号>\n"
		"  <条目>\n    <顺序号>1</顺序号>\n"
		"    <档号>J012-2024-Y-0001</档号>\n    <责任者>市政府</责任者>\n"
		"    <题名>通知</题名>\n    <日期>20240102</日期>\n"
		"    <密级>公开</密级>\n    <保管期限>永久</保管期限>\n"
		"    <计算机文件名>J012-2024-Y-0001.xml</计算机文件名>\n"
		"  </条目>\n</文件目录>\n");
	assert_int_equal(folio_xml_validate_memory(good, strlen(good), "c.xml",
		"catalogue", NULL, &err), 0);
	/* No 题名: invalid, at the line of the entry. */
	snprintf(bad, sizeof(bad), "%s", good);
	{
		char *at = strstr(bad, "<题名>通知</题名>");
		size_t n = strlen("<题名>通知</题名>");
		memset(at, 'x', n);
		memcpy(at, "<!--", 4);
		memcpy(at + n - 3, "-->", 3);
	}
	assert_int_equal(folio_xml_validate_memory(bad, strlen(bad), "c.xml",
		"catalogue", NULL, &err), FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "c.xml:"));
	folio_error_clear(&err);
	assert_int_equal(folio_xml_validate_memory(good, strlen(good) - 12,
		"c.xml", "catalogue", NULL, &err), FOLIO_EINPUT);
	folio_error_clear(&err);
	/* Well-formedness alone without a schema. */
	assert_int_equal(folio_xml_validate_memory(ok, strlen(ok), "m.xml",
		NULL, NULL, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writer_bytes),
		cmocka_unit_test(test_writer_file),
		cmocka_unit_test(test_writer_refuses),
		cmocka_unit_test(test_writer_limit),
		cmocka_unit_test(test_tree_walk),
		cmocka_unit_test(test_tree_find),
		cmocka_unit_test(test_tree_errors),
		cmocka_unit_test(test_validate_stream),
	};
	int rc;

	folio_xml_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	folio_xml_cleanup();
	return rc;
}
