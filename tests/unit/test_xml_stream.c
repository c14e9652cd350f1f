/* Unit tests for the byte guard in front of libxml2 (attribute caps,
 * declarations, UTF-8 in pieces), the streaming reader, and opening
 * regular files only. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file.h"
#include "util/xml.h"
#include "util/xml_impl.h"

/* Pull from a string in pieces of `step` bytes (to split every token
 * somewhere). */
typedef struct piece_src {
	const char *s;
	size_t len, at, step;
} piece_src;

static int pull_pieces(void *ctx, char *buf, size_t len, size_t *out_n,
	folio_error *err)
{
	piece_src *p = ctx;
	size_t n = p->len - p->at;

	(void)err;
	if (n > p->step)
		n = p->step;
	if (n > len)
		n = len;
	memcpy(buf, p->s + p->at, n);
	p->at += n;
	*out_n = n;
	return 0;
}

static char *attrs_doc(size_t n)
{
	size_t cap = 64 + n * 16, i;
	char *s = malloc(cap), *p = s;

	assert_non_null(s);
	p += sprintf(p, "<r>\n  <e");
	for (i = 0; i < n; i++)
		p += sprintf(p, " a%zu=\"%zu\"", i, i);
	sprintf(p, "/>\n</r>\n");
	return s;
}

static void test_guard(void **state)
{
	static const char *const ok[] = {
		"<r a='1' b=\"x=y\"><!-- <x a=1 b=2 c=3> --><![CDATA[<y "
			"a=b c=d>]]><?pi q=1 r=2 s=3?></r>",
		"<r>a &gt; b = c</r>",
		"<r>\xe6\x94\xbf\xf0\x9f\x98\x80</r>",
	};
	xml_guard g;
	char *doc;
	size_t i, step;

	(void)state;
	for (i = 0; i < 3; i++)
		for (step = 1; step < 8; step++) {
			size_t at, n = strlen(ok[i]);
			xml_guard_init(&g, 2);
			for (at = 0; at < n; at += step)
				assert_int_equal(xml_guard_feed(&g, ok[i] + at,
					n - at < step ? n - at : step), 0);
			assert_int_equal(xml_guard_end(&g), 0);
		}
	/* Three attributes where two are allowed: named and located. */
	xml_guard_init(&g, 2);
	assert_int_equal(xml_guard_feed(&g, "<r>\n <e a='1' b='2' c='3'/>",
		27), FOLIO_ELIMIT);
	assert_int_equal(g.fail_line, 2);
	assert_int_equal(g.fail_col, 2);
	assert_non_null(strstr(g.what, "<e>: attribute limit exceeded"));
	/* Declarations. */
	xml_guard_init(&g, 2);
	assert_int_equal(xml_guard_feed(&g, "<!DOCTYPE r [<!ENTITY x 'y'>]>",
		30), FOLIO_EINPUT);
	assert_non_null(strstr(g.what, "found <!D"));
	xml_guard_init(&g, 2);
	assert_int_equal(xml_guard_feed(&g, "<r><!ENTITY x 'y'></r>", 22),
		FOLIO_EINPUT);
	/* UTF-8 split across pieces, and cut short. */
	xml_guard_init(&g, 2);
	assert_int_equal(xml_guard_feed(&g, "<r>\xe6\x94", 5), 0);
	assert_int_equal(xml_guard_feed(&g, "\xbf</r>", 5), 0);
	assert_int_equal(xml_guard_end(&g), 0);
	xml_guard_init(&g, 2);
	assert_int_equal(xml_guard_feed(&g, "<r>\xe6\x94", 5), 0);
	assert_int_equal(xml_guard_end(&g), FOLIO_EINPUT);
	xml_guard_init(&g, 2);
	assert_int_equal(xml_guard_feed(&g, "<r>\xed\xa0\x80</r>", 10),
		FOLIO_EINPUT);  /* a surrogate */
	assert_non_null(strstr(g.what, "invalid UTF-8 at byte 4"));
	xml_guard_init(&g, 2);
	assert_int_equal(xml_guard_feed(&g, "<r>\0</r>", 8), FOLIO_EINPUT);
	assert_non_null(strstr(g.what, "NUL byte (byte 3)"));

	/* The whole-document parser applies the same cap: 100,000
	 * attributes are refused before libxml2 spends minutes on them. */
	doc = attrs_doc(100000);
	{
		folio_error err = {0};
		void *x = NULL;
		assert_int_equal(folio_xml_parse_memory(&x, doc, strlen(doc),
			"a.xml", NULL, &err), FOLIO_ELIMIT);
		assert_non_null(strstr(err.msg, "a.xml:2:3: <e>: attribute "
			"limit exceeded: expected at most 64 attributes"));
	}
	free(doc);
	doc = attrs_doc(64);
	{
		folio_error err = {0};
		void *x = NULL;
		assert_int_equal(folio_xml_parse_memory(&x, doc, strlen(doc),
			"a.xml", NULL, &err), 0);
		folio_xml_free(x);
	}
	free(doc);
}

static const char stream_doc[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<a:root xmlns:a=\"urn:a\" xmlns=\"urn:d\" k=\"v&amp;w\">\n"
	"  <b x=\"1\"/><!--c--><?p d?>t&lt;<![CDATA[<z>]]>\n"
	"</a:root>\n";

static void test_reader_items(void **state)
{
	piece_src src = {stream_doc, sizeof(stream_doc) - 1, 0, 7};
	folio_xml_reader *r = NULL;
	folio_xml_item it;
	folio_error err = {0};
	int kinds = 0;

	(void)state;
	assert_int_equal(folio_xml_reader_open(&r, pull_pieces, &src, "s.xml",
		NULL, NULL, &err), 0);
	assert_int_equal(folio_xml_reader_next(&it, r, &err), 1);
	assert_int_equal(it.kind, FOLIO_XML_START);
	assert_int_equal(it.depth, 1);
	assert_string_equal(it.name, "root");
	assert_string_equal(it.prefix, "a");
	assert_string_equal(it.ns, "urn:a");
	assert_int_equal(it.n_attrs, 3);
	{
		size_t i, decls = 0;
		for (i = 0; i < it.n_attrs; i++) {
			if (it.attrs[i].is_ns_decl) {
				decls++;
				continue;
			}
			assert_string_equal(it.attrs[i].name, "k");
			assert_string_equal(it.attrs[i].value, "v&w");
			assert_null(it.attrs[i].ns);
		}
		assert_int_equal(decls, 2);
	}
	assert_int_equal(folio_xml_reader_next(&it, r, &err), 1);
	assert_int_equal(it.kind, FOLIO_XML_TEXT);
	assert_string_equal(it.text, "\n  ");
	assert_int_equal(folio_xml_reader_next(&it, r, &err), 1);
	assert_int_equal(it.kind, FOLIO_XML_START);
	assert_string_equal(it.name, "b");
	assert_string_equal(it.ns, "urn:d");
	assert_true(it.empty);
	assert_int_equal(it.depth, 2);
	while (folio_xml_reader_next(&it, r, &err) == 1) {
		if (it.kind == FOLIO_XML_COMMENT)
			kinds |= 1, assert_string_equal(it.text, "c");
		if (it.kind == FOLIO_XML_PI)
			kinds |= 2, assert_string_equal(it.name, "p");
		if (it.kind == FOLIO_XML_TEXT && strstr(it.text, "t<") == it.text)
			kinds |= 4;
		if (it.kind == FOLIO_XML_TEXT && strcmp(it.text, "<z>") == 0)
			kinds |= 8;
		if (it.kind == FOLIO_XML_END)
			kinds |= 16, assert_string_equal(it.name, "root");
	}
	assert_int_equal(err.code, 0);
	assert_true((kinds & 19) == 19);
	assert_true(kinds & 12);
	folio_xml_reader_free(r);
}

static int read_all(const char *doc, size_t step, const char *schema,
	const folio_xml_limits *lim, folio_error *err,
	folio_xml_failure *why)
{
	piece_src src = {doc, strlen(doc), 0, step};
	folio_xml_reader *r = NULL;
	folio_xml_item it;
	int rc;

	if ((rc = folio_xml_reader_open(&r, pull_pieces, &src, "s.xml",
		schema, lim, err)) < 0)
		return rc;
	while ((rc = folio_xml_reader_next(&it, r, err)) == 1)
		;
	*why = rc < 0 ? folio_xml_reader_failure(r) : 0;
	folio_xml_reader_free(r);
	return rc;
}

static void test_reader_refusals(void **state)
{
	folio_error err = {0};
	folio_xml_failure why;
	folio_xml_limits small = {64, 3};
	char *doc;

	(void)state;
	assert_int_equal(read_all("<r><x></r>", 3, NULL, NULL, &err, &why),
		FOLIO_EINPUT);
	assert_int_equal(why, FOLIO_XML_SYNTAX);
	assert_non_null(strstr(err.msg, "s.xml:1:"));
	folio_error_clear(&err);
	assert_int_equal(read_all("<!DOCTYPE r SYSTEM \"file:///etc/passwd\">"
		"<r/>", 5, NULL, NULL, &err, &why), FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "expected no DTD"));
	folio_error_clear(&err);
	/* Size cap (from the limits), nesting cap. */
	doc = attrs_doc(20);
	assert_int_equal(read_all(doc, 100, NULL, &small, &err, &why),
		FOLIO_ELIMIT);
	assert_int_equal(why, FOLIO_XML_LIMIT);
	assert_non_null(strstr(err.msg, "size limit exceeded"));
	free(doc);
	folio_error_clear(&err);
	assert_int_equal(read_all("<a><b><c><d/></c></b></a>", 4, NULL,
		&small, &err, &why), FOLIO_ELIMIT);
	assert_non_null(strstr(err.msg, "<d>: nesting limit exceeded"));
	folio_error_clear(&err);
	/* 100,000 attributes: refused by the guard, located. */
	doc = attrs_doc(100000);
	assert_int_equal(read_all(doc, 65536, NULL, NULL, &err, &why),
		FOLIO_ELIMIT);
	assert_non_null(strstr(err.msg, "s.xml:2:3: <e>: attribute limit"));
	free(doc);
	folio_error_clear(&err);
	/* Invalid UTF-8 in the 3rd piece. */
	assert_int_equal(read_all("<r>abcdef\xff</r>", 4, NULL, NULL, &err,
		&why), FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "invalid UTF-8 at byte 9"));
}

static void test_reader_schema(void **state)
{
	const char *good =
		"<文件目录 xmlns=\"urn:folio:catalogue:1\" version=\"1\">"
		"<全宗号>J012</全宗号><全宗名称>江临市</全宗名称>"
		"<年度>2024</年度><批次号>B1</批次号>"
		"<条目><顺序号>1</顺序号><档号>J012-2024-Y-0001</档号>"
		"<责任者>办公室</责任者><题名>通知</题名><日期>20240101</日期>"
		"<密级>公开</密级><保管期限>永久</保管期限>"
		"<计算机文件名>a.pdf</计算机文件名></条目></文件目录>";
	char *bad = strdup(good), *at;
	folio_error err = {0};
	folio_xml_failure why;

	(void)state;
	assert_int_equal(read_all(good, 13, "catalogue", NULL, &err, &why), 0);
	at = strstr(bad, "20240101");
	memcpy(at, "20241301", 8);
	assert_int_equal(read_all(bad, 13, "catalogue", NULL, &err, &why),
		FOLIO_EINPUT);
	assert_int_equal(why, FOLIO_XML_SCHEMA);
	assert_non_null(strstr(err.msg, "日期"));
	free(bad);
}

static void test_regular_files(void **state)
{
	char dir[] = "/tmp/folio-xs-XXXXXX", path[64];
	folio_error err = {0};
	char *data = NULL;
	size_t n;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	/* No writer: a blocking open would never return. */
	assert_int_equal(folio_file_read(&data, &n, path, 100, &err),
		FOLIO_EIO);
	assert_non_null(strstr(err.msg, "expected a regular file, found a "
		"FIFO"));
	folio_error_clear(&err);
	assert_int_equal(folio_file_open_regular(&fd, "/dev/null", &err),
		FOLIO_EIO);
	assert_non_null(strstr(err.msg, "found a device"));
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guard),
		cmocka_unit_test(test_reader_items),
		cmocka_unit_test(test_reader_refusals),
		cmocka_unit_test(test_reader_schema),
		cmocka_unit_test(test_regular_files),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	folio_xml_cleanup();
	return rc;
}
