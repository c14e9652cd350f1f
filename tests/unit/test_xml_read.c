/* Unit tests for the XML source reader and the libxml2 adapter. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/doc.h"
#include "import/source.h"
#include "model/xml_read.h"
#include "util/utf8.h"
#include "util/xml.h"

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define NS "xmlns=\"urn:folio:document:1\""
#define META_MIN "<meta><title>标题</title>" \
	"<issuer>某市人民政府</issuer>" \
	"<date>2020-04-27</date></meta>"

static const char full_doc[] =
	HEAD
	"<document " NS " id=\"yk-2020-63\">\n" /* line 2 */
	"  <meta>\n"
	"    <title>关于印发《营口市政策解读工作实施办法》"
	"的通知</title>\n"
	"    <subtitle>（试行）</subtitle>\n"
	"    <issuer>营口市人民政府办公室</issuer>\n"
	"    <doc-number>营政办发〔2020〕63号</doc-number>\n"
	"    <date> 2020-04-27 </date>\n"
	"    <category>通知</category>\n"
	"    <security>公开</security>\n" /* 10 */
	"    <retention>定期30年</retention>\n"
	"    <keywords><keyword>政务公开</keyword>"
	"<keyword>政策解读</keyword></keywords>\n"
	"    <recipients><recipient>各县（市）区人民政府</recipient>"
	"<recipient>市政府各部门</recipient></recipients>\n"
	"    <cc><recipient>市委办公室</recipient></cc>\n"
	"    <printed-by>营口市人民政府办公室</printed-by>\n"
	"    <printed-date>2020-04-28</printed-date>\n"
	"    <url>http://www.yingkou.gov.cn/a/1.html</url>\n"
	"  </meta>\n"
	"  <body>\n"
	"    <p>为做好政策解读工作，现通知如下。</p>\n" /* 20 */
	"    <section><heading>总体要求</heading>\n"
	"      <p>坚持<!-- note -->正确导向。</p>\n"
	"      <section><heading>工作目标</heading>\n"
	"        <section><heading>细化任务</heading>\n"
	"          <list type=\"ordered\"><item>一项</item>"
	"<item>二项</item></list>\n"
	"        </section>\n"
	"      </section>\n"
	"    </section>\n"
	"    <list><item>要点</item></list>\n"
	"    <article><p>第一款。</p><p>第二款。</p></article>\n" /* 30 */
	"  </body>\n"
	"  <closing><date>2020-04-29</date></closing>\n"
	"  <attachment><title>政策解读模板</title><p>附件正文。</p>"
	"</attachment>\n"
	"  <attachment><title>联系人</title></attachment>\n"
	"</document>\n";

static folio_doc *read_ok(const char *src)
{
	folio_error err = {0};
	folio_doc *doc = NULL;
	int rc = folio_xml_read_memory(&doc, src, strlen(src), "t.xml", &err);

	if (rc != 0)
		fail_msg("unexpected failure %d: %s", rc, err.msg);
	assert_non_null(doc);
	return doc;
}

/* Reads src, expects failure with code and a message containing want. */
static void read_bad(const char *src, size_t len, int code,
	const char *want)
{
	folio_error err = {0};
	folio_doc *doc = (folio_doc *)1;
	int rc = folio_xml_read_memory(&doc, src, len, "t.xml", &err);

	assert_null(doc);
	if (rc != code || strstr(err.msg, want) == NULL)
		fail_msg("expected %d with \"%s\", got %d: %s", code, want, rc,
			err.msg);
}

static void test_full_document(void **state)
{
	folio_doc *doc = read_ok(full_doc);
	const folio_meta *m = &doc->meta;
	const folio_block *b, *s1, *s2, *s3;

	(void)state;
	assert_string_equal(m->id, "yk-2020-63");
	assert_string_equal(m->title,
		"关于印发《营口市政策解读工作实施办法》"
		"的通知");
	assert_string_equal(m->subtitle, "（试行）");
	assert_string_equal(m->doc_number, "营政办发〔2020〕63号");
	assert_string_equal(m->date, "2020-04-27"); /* trimmed */
	assert_string_equal(m->security, "公开");
	assert_string_equal(m->retention, "定期30年");
	assert_int_equal(m->keywords.count, 2);
	assert_string_equal(m->keywords.items[1], "政策解读");
	assert_int_equal(m->recipients.count, 2);
	assert_string_equal(m->recipients.items[0],
		"各县（市）区人民政府");
	assert_int_equal(m->cc.count, 1);
	assert_string_equal(m->cc.items[0], "市委办公室");
	assert_string_equal(m->printed_date, "2020-04-28");
	assert_string_equal(m->url, "http://www.yingkou.gov.cn/a/1.html");
	assert_int_equal(doc->numbering, FOLIO_NUMBERING_GBT9704);

	b = doc->body;
	assert_int_equal(b->kind, FOLIO_BLOCK_PARA);
	assert_string_equal(b->text,
		"为做好政策解读工作，现通知如下。");
	assert_int_equal(b->line, 20);
	assert_int_equal(b->col, 5);
	s1 = b->next;
	assert_int_equal(s1->kind, FOLIO_BLOCK_SECTION);
	assert_int_equal(s1->level, 1);
	assert_string_equal(s1->text, "总体要求");
	assert_string_equal(s1->children->text, "坚持正确导向。");
	s2 = s1->children->next;
	assert_int_equal(s2->level, 2);
	assert_string_equal(s2->text, "工作目标");
	s3 = s2->children;
	assert_int_equal(s3->level, 3);
	assert_int_equal(s3->line, 24);
	assert_int_equal(s3->col, 9);
	assert_int_equal(s3->children->kind, FOLIO_BLOCK_LIST);
	assert_int_equal(s3->children->ordered, 1);
	assert_string_equal(s3->children->children->next->text, "二项");
	assert_null(s3->children->children->next->next);
	/* Column counts code points: <item> after 一项</item>. */
	assert_int_equal(s3->children->children->next->col, 47);

	b = s1->next;
	assert_int_equal(b->kind, FOLIO_BLOCK_LIST);
	assert_int_equal(b->ordered, 0);
	b = b->next;
	assert_int_equal(b->kind, FOLIO_BLOCK_ARTICLE);
	assert_string_equal(b->children->next->text, "第二款。");
	assert_null(b->next);

	assert_true(doc->has_closing);
	assert_string_equal(doc->closing.issuer,
		"营口市人民政府办公室");
	assert_string_equal(doc->closing.date, "2020-04-29");
	assert_non_null(doc->attachments);
	assert_string_equal(doc->attachments->title, "政策解读模板");
	assert_string_equal(doc->attachments->body->text, "附件正文。");
	assert_int_equal(doc->attachments->line, 33);
	assert_string_equal(doc->attachments->next->title, "联系人");
	assert_null(doc->attachments->next->body);
	assert_null(doc->attachments->next->next);
	folio_doc_free(doc);
}

static void test_nfc_and_trim(void **state)
{
	/* "Cafe" + U+0301 COMBINING ACUTE, U+3000 around the issuer. */
	folio_doc *doc = read_ok(HEAD "<document " NS "><meta>"
		"<title>Cafe\xCC\x81 通知</title>"
		"<issuer>\xE3\x80\x80某市人民政府\xE3\x80\x80</issuer>"
		"<date>2020-04-27</date></meta>"
		"<body><p>A\xCC\x8A 与 \xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB"
		"</p></body></document>");

	(void)state;
	assert_string_equal(doc->meta.title, "Caf\xC3\xA9 通知");
	assert_string_equal(doc->meta.issuer, "某市人民政府");
	/* A + ring above -> U+00C5; conjoining jamo -> U+D55C. */
	assert_string_equal(doc->body->text, "\xC3\x85 与 \xED\x95\x9C");
	assert_false(doc->has_closing);
	folio_doc_free(doc);
}

static void test_chapters_and_bom(void **state)
{
	folio_doc *doc = read_ok("\xEF\xBB\xBF" HEAD "<document " NS
		" numbering=\"chapters\">" META_MIN "<body><section><heading>"
		"总则</heading><article><p>为了规范。</p></article>"
		"</section>"
		"</body><closing><issuer>某局</issuer></closing></document>");

	(void)state;
	assert_int_equal(doc->numbering, FOLIO_NUMBERING_CHAPTERS);
	assert_int_equal(doc->body->children->kind, FOLIO_BLOCK_ARTICLE);
	assert_string_equal(doc->closing.issuer, "某局");
	assert_string_equal(doc->closing.date, "2020-04-27");
	folio_doc_free(doc);
}

static void test_heading_levels(void **state)
{
	const char *four = HEAD "<document " NS ">" META_MIN "<body>"
		"<section><heading>一</heading><section><heading>二</heading>"
		"<section><heading>三</heading><section><heading>四</heading>"
		"<p>x</p></section></section></section></section>"
		"</body></document>";
	const char *five = HEAD "<document " NS ">" META_MIN "<body>\n"
		"<section><heading>一</heading><section><heading>二</heading>"
		"\n<section><heading>三</heading>"
		"<section><heading>四</heading>"
		"\n  <section><heading>五</heading></section>"
		"</section></section></section></section></body></document>";
	folio_doc *doc = read_ok(four);

	(void)state;
	assert_int_equal(doc->body->children->children->children->level, 4);
	folio_doc_free(doc);
	read_bad(five, strlen(five), FOLIO_EINPUT,
		"t.xml:5:3: <section>: expected sections nested at most 4 "
		"deep");
}

static void test_schema_errors(void **state)
{
	const char *no_title = HEAD "<document " NS ">\n<meta><issuer>x"
		"</issuer><date>2020-04-27</date></meta><body/></document>";
	const char *unknown = HEAD "<document " NS ">" META_MIN
		"<body>\n  <p>x</p><chart/></body></document>";
	const char *wrong_ns = HEAD "<document xmlns=\"urn:x\">" META_MIN
		"<body/></document>";
	const char *retention = HEAD "<document " NS "><meta><title>t</title>"
		"<issuer>i</issuer><date>2020-04-27</date>\n"
		"<retention>长期</retention></meta><body/></document>";
	const char *bad_day = HEAD "<document " NS "><meta><title>t</title>"
		"<issuer>i</issuer><date>2020-02-30</date></meta><body/>"
		"</document>";
	const char *attr = HEAD "<document " NS " colour=\"red\">" META_MIN
		"<body/></document>";
	const char *blank = HEAD "<document " NS "><meta><title> \xE3\x80\x80"
		"</title><issuer>i</issuer><date>2020-04-27</date></meta>"
		"<body/></document>";

	(void)state;
	read_bad(no_title, strlen(no_title), FOLIO_EINPUT,
		"t.xml:3:1: <meta>: expected element <title>, found none");
	read_bad(unknown, strlen(unknown), FOLIO_EINPUT,
		"t.xml:3:11: <body>: expected an element the schema allows "
		"here, found <chart>");
	read_bad(wrong_ns, strlen(wrong_ns), FOLIO_EINPUT,
		"t.xml:2:1: <document>: expected namespace "
		"urn:folio:document:1, found urn:x");
	read_bad(retention, strlen(retention), FOLIO_EINPUT,
		"t.xml:3:1: <retention>: expected retention (保管期限) "
		"永久, "
		"定期30年 or 定期10年, found '长期'");
	read_bad(bad_day, strlen(bad_day), FOLIO_EINPUT,
		"t.xml:2:80: <date>: expected a calendar date YYYY-MM-DD, "
		"found '2020-02-30'");
	read_bad(attr, strlen(attr), FOLIO_EINPUT,
		"<document>: expected only the attributes the schema allows, "
		"found attribute 'colour'");
	read_bad(blank, strlen(blank), FOLIO_EINPUT,
		"<title>: expected text, found only white space");
}

static void test_parse_errors(void **state)
{
	static const char utf16[] = "\xFF\xFE<\0d\0";
	static const char bad_utf8[] = HEAD "<document " NS ">\n<p>\xE4\xB8"
		"x</p></document>";
	static const char nul[] = HEAD "<document " NS ">\n<p>a\0b</p>"
		"</document>";
	const char *mismatch = HEAD "<document " NS ">\n  <meta></body>"
		"</document>";
	const char *doctype = HEAD "<!-- c -->\n<!DOCTYPE document [\n"
		"<!ENTITY a \"b\">]>\n<document " NS "/>";
	const char *gbk = "<?xml version=\"1.0\" encoding=\"GB2312\"?>"
		"<document " NS "/>";

	(void)state;
	read_bad(utf16, sizeof(utf16) - 1, FOLIO_EINPUT,
		"t.xml:1:1: expected UTF-8, found UTF-16");
	read_bad(bad_utf8, sizeof(bad_utf8) - 1, FOLIO_EINPUT,
		"t.xml:3:4: invalid UTF-8 at byte 82 (expected UTF-8 text, "
		"found byte 0xE4)");
	read_bad(nul, sizeof(nul) - 1, FOLIO_EINPUT,
		"t.xml:3:5: expected an XML character, found a NUL byte");
	read_bad(mismatch, strlen(mismatch), FOLIO_EINPUT,
		"t.xml:3:16: expected </meta> (closing <meta> from line 3), "
		"found </body>");
	read_bad(doctype, strlen(doctype), FOLIO_EINPUT,
		"t.xml:3:1: expected no DTD (DOCTYPE is not allowed in folio "
		"sources), found <!DOCTYPE document [...]>");
	read_bad(gbk, strlen(gbk), FOLIO_EINPUT,
		"t.xml:1:21: expected encoding=\"UTF-8\", found "
		"encoding=\"GB2312\"");
	read_bad("", 0, FOLIO_EINPUT,
		"t.xml:1:1: expected an XML document, found an empty file");
	read_bad(" \n\t", 3, FOLIO_EINPUT, "found only white space");
}

static char *repeat(const char *head, const char *unit, size_t times,
	const char *tail)
{
	size_t hn = strlen(head), un = strlen(unit), tn = strlen(tail), i;
	char *s = malloc(hn + un * times + tn + 1), *p = s;

	assert_non_null(s);
	memcpy(p, head, hn);
	p += hn;
	for (i = 0; i < times; i++, p += un)
		memcpy(p, unit, un);
	memcpy(p, tail, tn + 1);
	return s;
}

static void test_limits(void **state)
{
	char *deep_ok, *deep_bad, *big, *tail;
	size_t i;
	folio_error err = {0};
	void *xml = NULL;

	(void)state;
	/* 64 nested elements parse (the schema then rejects them), 65 do
	 * not parse at all. */
	tail = repeat("", "</x>", 63, "</document>");
	deep_ok = repeat("<document " NS ">", "<x>", 63, tail);
	assert_int_equal(folio_xml_parse_memory(&xml, deep_ok,
		strlen(deep_ok), "d.xml", NULL, &err), 0);
	folio_xml_free(xml);
	free(tail);
	tail = repeat("", "</x>", 64, "</document>");
	deep_bad = repeat("<document " NS ">", "<x>", 64, tail);
	read_bad(deep_bad, strlen(deep_bad), FOLIO_ELIMIT,
		"t.xml:1:229: <x>: nesting limit exceeded: expected elements "
		"nested at most 64 deep, found depth 65");
	free(tail);
	free(deep_ok);
	free(deep_bad);

	big = repeat(HEAD "<document " NS ">" META_MIN "<body>\n<p>", "政",
		FOLIO_MAX_TEXT_BYTES / 3 + 1, "</p></body></document>");
	read_bad(big, strlen(big), FOLIO_ELIMIT,
		"t.xml:3:1: <p>: text limit exceeded: expected at most "
		"1048576 bytes in one text, found 1048578 bytes");
	free(big);

	/* A caller's smaller cap applies before parsing. */
	{
		folio_xml_limits lim = {10, 0};
		assert_int_equal(folio_xml_parse_memory(&xml, full_doc,
			strlen(full_doc), "c.xml", &lim, &err), FOLIO_ELIMIT);
		assert_non_null(strstr(err.msg, "c.xml:1:1: size limit"));
	}
	/* Cursor-based columns stay right across many elements. */
	big = repeat(HEAD "<document " NS ">" META_MIN "<body>", "<p>段</p>",
		20000, "<p>末</p></body></document>");
	{
		folio_doc *doc = read_ok(big);
		const folio_block *b = doc->body;
		for (i = 0; b->next != NULL; i++)
			b = b->next;
		assert_int_equal(i, 20000);
		assert_int_equal(b->line, 2);
		assert_int_equal(b->col, strlen("<document " NS ">") +
			folio_utf8_count(META_MIN) + 6 + 20000 * 8 + 1);
		folio_doc_free(doc);
	}
	free(big);
}

static void test_files(void **state)
{
	char dir[] = "/tmp/folio-xr-XXXXXX", path[64];
	folio_error err = {0};
	folio_doc *doc = NULL;
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/a.xml", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(full_doc, fp);
	fclose(fp);
	assert_int_equal(folio_source_read(&doc, path, NULL, &err), 0);
	assert_string_equal(doc->source_path, path);
	assert_int_equal(doc->meta.keywords.count, 2);
	folio_doc_free(doc);

	assert_int_equal(folio_xml_read(&doc, dir, &err), FOLIO_EIO);
	assert_non_null(strstr(err.msg, "expected a regular file, found a "
		"directory"));
	folio_error_clear(&err);
	snprintf(path, sizeof(path), "%s/missing.xml", dir);
	assert_int_equal(folio_source_read(&doc, path, NULL, &err),
		FOLIO_EIO);
	assert_non_null(strstr(err.msg, "cannot open"));
	snprintf(path, sizeof(path), "%s/a.xml", dir);
	unlink(path);
	rmdir(dir);

	assert_int_equal(folio_source_kind_of("a.txt", "\xEF\xBB\xBF \n<d",
		6), FOLIO_SOURCE_XML);
	assert_int_equal(folio_source_kind_of("a.txt", "标题", 6),
		FOLIO_SOURCE_TEXT);
	assert_int_equal(folio_source_kind_of("a.XML", "  ", 2),
		FOLIO_SOURCE_XML);
}

/* Batch workers validate in parallel against the one cached schema. */
static void *worker(void *arg)
{
	int i, *failures = arg;

	for (i = 0; i < 40; i++) {
		folio_error err = {0};
		folio_doc *doc = NULL;
		if (folio_xml_read_memory(&doc, full_doc, strlen(full_doc),
		    "w.xml", &err) != 0 ||
		    strcmp(doc->meta.cc.items[0], "市委办公室") != 0)
			(*failures)++;
		folio_doc_free(doc);
	}
	return NULL;
}

static void test_threads(void **state)
{
	pthread_t t[4];
	int failures[4] = {0}, i;

	(void)state;
	folio_xml_cleanup(); /* first compile happens under contention */
	folio_xml_init();
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker,
			&failures[i]), 0);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(failures[i], 0);
	}
}

static int setup(void **state)
{
	(void)state;
	folio_xml_init();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	folio_xml_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_document),
		cmocka_unit_test(test_nfc_and_trim),
		cmocka_unit_test(test_chapters_and_bom),
		cmocka_unit_test(test_heading_levels),
		cmocka_unit_test(test_schema_errors),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
