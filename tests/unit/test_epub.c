/* Unit tests for src/epub/ and src/util/zip.c: identifiers, times, the
 * structure of package/nav/NCX, escaping, bad text, determinism, and the
 * ZIP writer's fixed fields (read back through the reader and as raw
 * bytes). No Java: epubcheck runs in tests/e2e/epub.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "epub/epub.h"
#include "layout/page.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/zip.h"

#define TITLE "标题&<]]>\"'"

static char tmpdir[64];
static char css_path[128];

static const char *S(folio_doc *d, const char *s)
{
	const char *t = NULL;
	folio_error err = {0};

	assert_int_equal(folio_doc_text(&t, d, s, strlen(s), &err), 0);
	return t;
}

static folio_block *block(folio_doc *d, folio_block_kind k, const char *text,
	int level, unsigned line)
{
	folio_block *b = folio_doc_block(d, k);

	assert_non_null(b);
	b->text = text ? S(d, text) : NULL;
	b->level = level;
	b->line = line;
	b->col = 3;
	return b;
}

/* A document with everything the writer handles: recipients, a preface
 * paragraph, two level-1 sections (one nested), a list, closing, 版记 and
 * one attachment with a section. */
static folio_doc *sample_doc(void)
{
	folio_error err = {0};
	folio_doc *d;
	folio_block *p0, *s1, *s11, *p11, *s2, *list, *i1, *i2;
	folio_attachment *a;

	assert_int_equal(folio_doc_new(&d, "t.xml", &err), 0);
	d->meta.title = S(d, TITLE);
	d->meta.issuer = S(d, "江临市人民政府办公室");
	d->meta.date = S(d, "2024-03-18");
	d->meta.doc_number = S(d, "江政办发〔2024〕12号");
	assert_int_equal(folio_strlist_push(&d->meta.keywords, d,
		S(d, "档案"), &err), 0);
	assert_int_equal(folio_strlist_push(&d->meta.keywords, d,
		S(d, "A&B"), &err), 0);
	assert_int_equal(folio_strlist_push(&d->meta.recipients, d,
		S(d, "各区人民政府"), &err), 0);
	assert_int_equal(folio_strlist_push(&d->meta.cc, d,
		S(d, "市档案馆"), &err), 0);
	d->meta.printed_by = S(d, "江临市人民政府办公室");
	d->meta.printed_date = S(d, "2024-03-19");

	p0 = block(d, FOLIO_BLOCK_PARA, "导语<p>&amp;", 0, 5);
	s1 = block(d, FOLIO_BLOCK_SECTION, "第一部分", 1, 6);
	s11 = block(d, FOLIO_BLOCK_SECTION, "子标题", 2, 7);
	p11 = block(d, FOLIO_BLOCK_PARA, "正文]]>结束", 0, 8);
	s2 = block(d, FOLIO_BLOCK_SECTION, "第二部分", 1, 9);
	list = block(d, FOLIO_BLOCK_LIST, NULL, 0, 10);
	i1 = block(d, FOLIO_BLOCK_PARA, "甲", 0, 11);
	i2 = block(d, FOLIO_BLOCK_PARA, "乙", 0, 12);
	list->ordered = 1;
	list->children = i1;
	i1->next = i2;
	d->body = p0;
	p0->next = s1;
	s1->next = s2;
	s1->children = s11;
	s11->children = p11;
	s2->children = list;
	d->has_closing = 1;

	a = folio_arena_alloc(d->arena, sizeof(*a));
	assert_non_null(a);
	a->title = S(d, "附件名");
	a->body = block(d, FOLIO_BLOCK_SECTION, "附件节", 1, 20);
	a->body->children = block(d, FOLIO_BLOCK_PARA, "附件正文", 0, 21);
	d->attachments = a;
	return d;
}

static folio_epub_book *build(const folio_doc *d, int64_t modified)
{
	folio_epub_options o = {0};
	folio_epub_book *b = NULL;
	folio_error err = {0};

	o.css_path = css_path;
	o.modified = modified;
	if (folio_epub_build(&b, d, &o, &err) != 0)
		fail_msg("build: %s", err.msg);
	return b;
}

static xmlDocPtr parse_part(const folio_epub_book *b, const char *name)
{
	size_t len = 0;
	const char *data = folio_epub_find(b, name, &len);
	xmlDocPtr x;

	assert_non_null(data);
	x = xmlReadMemory(data, (int)len, name, NULL,
		XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (x == NULL)
		fail_msg("%s is not well-formed XML", name);
	return x;
}

/* Text of the nodes an XPath selects, joined with "|". */
static char *xpath_text(xmlDocPtr x, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(x);
	xmlXPathObjectPtr r;
	folio_buf out = {0};
	int i;

	assert_non_null(ctx);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"opf",
		(const xmlChar *)"http://www.idpf.org/2007/opf");
	xmlXPathRegisterNs(ctx, (const xmlChar *)"dc",
		(const xmlChar *)"http://purl.org/dc/elements/1.1/");
	xmlXPathRegisterNs(ctx, (const xmlChar *)"h",
		(const xmlChar *)"http://www.w3.org/1999/xhtml");
	xmlXPathRegisterNs(ctx, (const xmlChar *)"epub",
		(const xmlChar *)"http://www.idpf.org/2007/ops");
	xmlXPathRegisterNs(ctx, (const xmlChar *)"n",
		(const xmlChar *)"http://www.daisy.org/z3986/2005/ncx/");
	r = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	assert_non_null(r);
	folio_buf_puts(&out, "");
	if (r->nodesetval != NULL)
		for (i = 0; i < r->nodesetval->nodeNr; i++) {
			xmlChar *s = xmlNodeGetContent(
				r->nodesetval->nodeTab[i]);
			if (i > 0)
				folio_buf_puts(&out, "|");
			folio_buf_puts(&out, s ? (const char *)s : "");
			xmlFree(s);
		}
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(ctx);
	return out.data;
}

static void assert_xpath(xmlDocPtr x, const char *expr, const char *want)
{
	char *got = xpath_text(x, expr);

	if (strcmp(got, want) != 0)
		fail_msg("%s: got '%s', want '%s'", expr, got, want);
	free(got);
}

static void uuid_is_rfc4122_v5_and_deterministic(void **state)
{
	folio_meta m;
	char a[64], b[64];
	folio_error err = {0};

	(void)state;
	memset(&m, 0, sizeof(m));
	/* Known answers from Python: uuid.uuid5(uuid.NAMESPACE_URL,
	 * "urn:folio:document:" + name). */
	m.id = "jlzbf-2024-12";
	assert_int_equal(folio_epub_uuid(a, sizeof(a), &m, &err), 0);
	assert_string_equal(a,
		"urn:uuid:c59ed24f-59ed-52f6-a79e-4fc80a0eb1aa");
	m.id = NULL;
	m.title = "标题&<]]>";
	m.date = "2024-03-18";
	assert_int_equal(folio_epub_uuid(a, sizeof(a), &m, &err), 0);
	assert_string_equal(a,
		"urn:uuid:54b34cfd-6526-5715-b382-5e2582fa91b0");
	assert_int_equal(folio_epub_uuid(b, sizeof(b), &m, &err), 0);
	assert_string_equal(a, b);
	m.doc_number = "江政办发〔2024〕12号";
	assert_int_equal(folio_epub_uuid(b, sizeof(b), &m, &err), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(b[9 + 14], '5');
	assert_non_null(strchr("89ab", b[9 + 19]));
	assert_int_equal(folio_epub_uuid(b, 20, &m, &err), FOLIO_EUSAGE);
}

static void dates_and_dos_times_are_utc(void **state)
{
	uint16_t t, d;

	(void)state;
	assert_int_equal(folio_epub_date_epoch("1970-01-01"), 0);
	assert_int_equal(folio_epub_date_epoch("2020-04-27"), 1587945600);
	assert_int_equal(folio_epub_date_epoch("2000-02-29"), 951782400);
	assert_int_equal(folio_epub_date_epoch("2023-02-29"), -1);
	assert_int_equal(folio_epub_date_epoch("2024-3-1"), -1);

	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	/* 2020-04-27 23:59:59 UTC is already the 28th in Shanghai. */
	folio_zip_dostime(&t, &d, 1587945600 + 86399);
	assert_int_equal(d, (40 << 9) | (4 << 5) | 27);
	assert_int_equal(t, (23 << 11) | (59 << 5) | 29);
	unsetenv("TZ");
	tzset();
	folio_zip_dostime(&t, &d, 0);  /* before 1980: clamped */
	assert_int_equal(d, (0 << 9) | (1 << 5) | 1);
	assert_int_equal(t, 0);
	folio_zip_dostime(&t, &d, INT64_C(5000000000));  /* 2128: clamped */
	assert_int_equal(d, (127 << 9) | (12 << 5) | 31);
}

static void package_document_structure(void **state)
{
	folio_doc *d = sample_doc();
	folio_epub_book *b = build(d, -1);
	char uuid[64];
	folio_error err = {0};
	const char *name;
	xmlDocPtr x;

	(void)state;
	assert_int_equal(folio_epub_uuid(uuid, sizeof(uuid), &d->meta, &err),
		0);
	assert_string_equal(folio_epub_part(b, 0, NULL, NULL), "mimetype");
	assert_string_equal(folio_epub_part(b, 1, NULL, NULL),
		"META-INF/container.xml");
	assert_null(folio_epub_part(b, folio_epub_part_count(b), NULL, NULL));
	x = parse_part(b, "META-INF/container.xml");
	assert_xpath(x, "//*[local-name()='rootfile']/@full-path",
		"EPUB/package.opf");
	xmlFreeDoc(x);

	x = parse_part(b, "EPUB/package.opf");
	assert_xpath(x, "/opf:package/@version", "3.0");
	assert_xpath(x, "/opf:package/@unique-identifier", "uid");
	assert_xpath(x, "//dc:identifier[@id='uid']", uuid);
	assert_xpath(x, "//dc:title", TITLE);
	assert_xpath(x, "//dc:language", "zh-CN");
	assert_xpath(x, "//dc:creator", "江临市人民政府办公室");
	assert_xpath(x, "//dc:date", "2024-03-18");
	assert_xpath(x, "//dc:subject", "档案|A&B");
	/* No SOURCE_DATE_EPOCH: the document date at midnight UTC. */
	assert_xpath(x, "//opf:meta[@property='dcterms:modified']",
		"2024-03-18T00:00:00Z");
	assert_xpath(x, "//opf:meta[@property='schema:accessMode']",
		"textual");
	assert_xpath(x, "//opf:meta[@property='schema:accessibilityFeature']",
		"structuralNavigation|tableOfContents|readingOrder|"
		"displayTransformability");
	assert_xpath(x, "//opf:meta[@property='schema:accessibilityHazard']",
		"none");
	assert_xpath(x, "//opf:item[@properties='nav']/@href", "nav.xhtml");
	assert_xpath(x, "//opf:spine/@toc", "ncx");
	assert_xpath(x, "//opf:spine/opf:itemref/@idref",
		"titlepage|front|s1|s2|a1");
	xmlFreeDoc(x);
	/* Every part in the manifest exists in the book. */
	for (size_t i = 0; (name = folio_epub_part(b, i, NULL, NULL)); i++)
		assert_int_equal(strncmp(name, i < 2 ? name : "EPUB/", 5), 0);
	folio_epub_book_free(b);
	folio_doc_free(d);
}

static void nav_and_ncx_follow_headings(void **state)
{
	folio_doc *d = sample_doc();
	folio_epub_book *b = build(d, 1587945600);
	char uuid[64];
	folio_error err = {0};
	xmlDocPtr x;

	(void)state;
	assert_int_equal(folio_epub_uuid(uuid, sizeof(uuid), &d->meta, &err),
		0);
	x = parse_part(b, "EPUB/nav.xhtml");
	assert_xpath(x, "/h:html/@lang", "zh-CN");
	assert_xpath(x, "//h:nav[@epub:type='toc']/h:ol/h:li/h:a",
		TITLE "|正文|一、第一部分|二、第二部分|附件\xe3\x80\x80附件名");
	assert_xpath(x, "//h:nav[@epub:type='toc']/h:ol/h:li/h:ol/h:li/h:a",
		"（一）子标题|一、附件节");
	assert_xpath(x,
		"//h:nav[@epub:type='toc']//h:a[.='（一）子标题']/@href",
		"s1.xhtml#h2");
	xmlFreeDoc(x);

	x = parse_part(b, "EPUB/toc.ncx");
	assert_xpath(x, "//n:meta[@name='dtb:uid']/@content", uuid);
	assert_xpath(x, "//n:navPoint/@playOrder", "1|2|3|4|5|6|7");
	assert_xpath(x,
		"/n:ncx/n:navMap/n:navPoint[3]/n:navPoint/n:navLabel/n:text",
		"（一）子标题");
	xmlFreeDoc(x);

	x = parse_part(b, "EPUB/package.opf");
	assert_xpath(x, "//opf:meta[@property='dcterms:modified']",
		"2020-04-27T00:00:00Z");
	xmlFreeDoc(x);
	folio_epub_book_free(b);
	folio_doc_free(d);
}

static void content_is_escaped_and_complete(void **state)
{
	folio_doc *d = sample_doc();
	folio_epub_book *b = build(d, 0);
	const char *data;
	size_t len;
	xmlDocPtr x;

	(void)state;
	data = folio_epub_find(b, "EPUB/title.xhtml", &len);
	assert_non_null(data);
	/* Raw bytes: markup characters of the title are escaped. */
	assert_non_null(strstr(data, "标题&amp;&lt;]]&gt;"));
	assert_null(strstr(data, "]]>"));
	x = parse_part(b, "EPUB/title.xhtml");
	assert_xpath(x, "//h:h1", TITLE);
	assert_xpath(x, "//h:p[@class='docnum']", "江政办发〔2024〕12号");
	assert_xpath(x, "//h:p[@class='date gen']", "2024年3月18日");
	assert_xpath(x, "/h:html/@xml:lang", "zh-CN");
	xmlFreeDoc(x);

	x = parse_part(b, "EPUB/front.xhtml");
	assert_xpath(x, "//h:p[@class='recipients']", "各区人民政府：");
	assert_xpath(x, "//h:body//h:p[not(@class)]", "导语<p>&amp;");
	xmlFreeDoc(x);

	x = parse_part(b, "EPUB/s1.xhtml");
	assert_xpath(x, "//h:h2", "一、第一部分");
	assert_xpath(x, "//h:h3", "（一）子标题");
	assert_xpath(x, "//h:section/h:section/h:p", "正文]]>结束");
	xmlFreeDoc(x);

	/* The closing ends the main text, after the last section. */
	x = parse_part(b, "EPUB/s2.xhtml");
	assert_xpath(x, "//h:ol/h:li", "甲|乙");
	assert_xpath(x, "//h:div[@class='closing']/h:p",
		"江临市人民政府办公室|2024年3月18日");
	assert_xpath(x, "//h:p[@class='cc']", "");
	xmlFreeDoc(x);

	/* The 版记 ends the book, after the attachments, as in print. */
	x = parse_part(b, "EPUB/a1.xhtml");
	assert_xpath(x, "//h:p[@class='att-label gen']", "附件");
	assert_xpath(x, "//h:h2", "附件名");
	assert_xpath(x, "//h:h3", "一、附件节");
	assert_xpath(x, "//h:p[@class='cc']", "抄送：市档案馆。");
	assert_xpath(x, "//h:p[@class='printed']",
		"江临市人民政府办公室2024年3月19日印发");
	xmlFreeDoc(x);
	folio_epub_book_free(b);
	folio_doc_free(d);
}

static void control_characters_are_refused(void **state)
{
	folio_doc *d = sample_doc();
	folio_epub_options o = {0};
	folio_epub_book *b = NULL;
	folio_error err = {0};
	folio_block *bad = folio_doc_block(d, FOLIO_BLOCK_PARA);

	(void)state;
	bad->text = "a\x01z";
	bad->line = 42;
	bad->col = 7;
	bad->next = d->body;
	d->body = bad;
	o.css_path = css_path;
	o.modified = 0;
	assert_int_equal(folio_epub_build(&b, d, &o, &err), FOLIO_EINPUT);
	assert_null(b);
	assert_non_null(strstr(err.msg, "t.xml:42:7:"));
	assert_non_null(strstr(err.msg, "U+0001"));
	folio_doc_free(d);
}

/* DPUB-ARIA roles next to epub:type, the EPUB Accessibility 1.1 claim
 * and its certifier fields (the issuer unless someone else is named). */
static void roles_and_accessibility_metadata(void **state)
{
	folio_doc *d = sample_doc();
	folio_epub_options o = {0};
	folio_epub_book *b = build(d, 0);
	folio_error err = {0};
	xmlDocPtr x;

	(void)state;
	x = parse_part(b, "EPUB/package.opf");
	assert_xpath(x, "//opf:meta[@property='dcterms:conformsTo']",
		"EPUB Accessibility 1.1 - WCAG 2.1 Level AA");
	assert_xpath(x, "//opf:meta[@property='a11y:certifiedBy']",
		"江临市人民政府办公室");
	assert_xpath(x, "//opf:meta[@property='a11y:certifierCredential']",
		"");
	assert_xpath(x, "//opf:link/@rel", "");
	xmlFreeDoc(x);
	x = parse_part(b, "EPUB/s1.xhtml");
	assert_xpath(x, "//h:section[@epub:type='chapter']/@role",
		"doc-chapter");
	xmlFreeDoc(x);
	x = parse_part(b, "EPUB/a1.xhtml");
	assert_xpath(x, "//h:section[@epub:type='appendix']/@role",
		"doc-appendix");
	xmlFreeDoc(x);
	x = parse_part(b, "EPUB/nav.xhtml");
	assert_xpath(x, "//h:nav[@epub:type='toc']/@role", "doc-toc");
	assert_xpath(x, "//h:nav[@epub:type='landmarks']/@role", "");
	xmlFreeDoc(x);
	x = parse_part(b, "EPUB/title.xhtml");
	assert_xpath(x, "//@role", "");  /* titlepage has no ARIA role */
	xmlFreeDoc(x);
	folio_epub_book_free(b);

	o.css_path = css_path;
	o.modified = 0;
	o.a11y_certifier = "江临市残疾人联合会";
	o.a11y_credential = "无障碍评估资质 A-01";
	o.a11y_report = "https://www.example.gov.cn/a11y/report.html";
	assert_int_equal(folio_epub_build(&b, d, &o, &err), 0);
	x = parse_part(b, "EPUB/package.opf");
	assert_xpath(x, "//opf:meta[@property='a11y:certifiedBy' and "
		"@id='certifier']", "江临市残疾人联合会");
	assert_xpath(x, "//opf:meta[@property='a11y:certifierCredential' "
		"and @refines='#certifier']", "无障碍评估资质 A-01");
	assert_xpath(x, "//opf:link[@rel='a11y:certifierReport' and "
		"@refines='#certifier']/@href",
		"https://www.example.gov.cn/a11y/report.html");
	xmlFreeDoc(x);
	folio_epub_book_free(b);
	folio_doc_free(d);
}

/* Latin runs carry lang="en" (WCAG 3.1.2); digits alone, single letters
 * and "V3.0" do not. Runs of two or more ideographic spaces are blanks;
 * one is a separator. The text itself is unchanged. */
static void latin_runs_and_form_blanks(void **state)
{
	static const char text[] =
		"平台V3.0支持IPv6与HarmonyOS 4.0，访问https://a.example.cn/x?"
		"y=1或写信至a-b@example.cn；5G网络A级。"
		"填表人：\u3000\u3000\u3000\u3000联系电话：\u3000\u3000\u3000"
		"\u3000\u3000日期：2024年\u3000月";
	folio_doc *d = sample_doc();
	folio_block *p = block(d, FOLIO_BLOCK_PARA, text, 0, 4);
	folio_epub_book *b;
	xmlDocPtr x;

	(void)state;
	p->next = d->body;
	d->body = p;
	b = build(d, 0);
	x = parse_part(b, "EPUB/front.xhtml");
	/* (The sample's other paragraph has a Latin run too: "amp".) */
	assert_xpath(x, "(//h:body//h:p[not(@class)])[1]/h:span[@lang='en']",
		"IPv6|HarmonyOS 4.0|https://a.example.cn/x?y=1|a-b@example.cn");
	assert_xpath(x, "(//h:body//h:p[not(@class)])[1]/h:span/@xml:lang",
		"en|en|en|en");
	assert_xpath(x, "//h:span[@class='blank']",
		"\u3000\u3000\u3000\u3000|\u3000\u3000\u3000\u3000\u3000");
	assert_xpath(x, "//h:body//h:p[not(@class)][1]", text);
	xmlFreeDoc(x);
	folio_epub_book_free(b);

	/* Ends of runs: a trailing joiner stays outside, two spaces split
	 * words, a joiner run must reach a word character. */
	p->text = S(d, "见Annex A.与GB/T 9704—2012及Digital  Government；"
		"C# 与 x--y、ok:。");
	b = build(d, 0);
	x = parse_part(b, "EPUB/front.xhtml");
	assert_xpath(x, "(//h:body//h:p[not(@class)])[1]/h:span",
		"Annex A|GB/T 9704|Digital|Government|x--y|ok");
	xmlFreeDoc(x);
	folio_epub_book_free(b);
	folio_doc_free(d);
}

/* A section two levels below its parent (possible in the model, not in
 * a valid source) takes the next heading rank, as in the nav. */
static void heading_ranks_never_skip(void **state)
{
	folio_error err = {0};
	folio_doc *d;
	folio_block *s1, *s3, *s4, *s5, *s6;
	folio_epub_book *b;
	xmlDocPtr x;

	(void)state;
	assert_int_equal(folio_doc_new(&d, "t.xml", &err), 0);
	d->meta.title = S(d, "标题");
	d->meta.issuer = S(d, "发文机关");
	d->meta.date = S(d, "2024-03-18");
	s1 = block(d, FOLIO_BLOCK_SECTION, "甲", 1, 2);
	s3 = block(d, FOLIO_BLOCK_SECTION, "乙", 3, 3);
	s4 = block(d, FOLIO_BLOCK_SECTION, "丙", 4, 4);
	s5 = block(d, FOLIO_BLOCK_SECTION, "丁", 2, 5);
	s6 = block(d, FOLIO_BLOCK_SECTION, "戊", 4, 6);
	d->body = s1;
	s1->children = s3;
	s3->children = s4;
	s3->next = s5;
	s5->next = s6;
	b = build(d, 0);
	x = parse_part(b, "EPUB/s1.xhtml");
	assert_xpath(x, "//h:h2", "一、甲");
	assert_xpath(x, "//h:h3", "1.乙|（二）丁|（3）戊");
	assert_xpath(x, "//h:h4", "（1）丙");
	assert_xpath(x, "//h:h5", "");
	xmlFreeDoc(x);
	folio_epub_book_free(b);
	folio_doc_free(d);
}

static char *slurp(const char *path, size_t *len)
{
	char *data = NULL;
	folio_error err = {0};

	assert_int_equal(folio_file_read(&data, len, path, 1 << 26, &err), 0);
	return data;
}

static void saved_books_are_byte_identical(void **state)
{
	folio_doc *d = sample_doc();
	folio_epub_book *b = build(d, 1587945600);
	char p1[160], p2[160];
	folio_error err = {0};
	char *a, *c;
	size_t la, lc;

	(void)state;
	snprintf(p1, sizeof(p1), "%s/one.epub", tmpdir);
	snprintf(p2, sizeof(p2), "%s/two.epub", tmpdir);
	assert_int_equal(folio_epub_save(b, p1, &err), 0);
	folio_epub_book_free(b);
	setenv("TZ", "America/Los_Angeles", 1);
	tzset();
	b = build(d, 1587945600);
	assert_int_equal(folio_epub_save(b, p2, &err), 0);
	unsetenv("TZ");
	tzset();
	a = slurp(p1, &la);
	c = slurp(p2, &lc);
	assert_int_equal(la, lc);
	assert_memory_equal(a, c, la);
	/* mimetype: stored (method 0), no extra field, bare content. */
	assert_memory_equal(a, "PK\x03\x04", 4);
	assert_int_equal(a[8] | a[9], 0);
	assert_int_equal(a[28] | a[29], 0);
	assert_memory_equal(a + 30, "mimetypeapplication/epub+zip", 28);
	free(a);
	free(c);
	folio_epub_book_free(b);
	folio_doc_free(d);
	unlink(p1);
	unlink(p2);
}

static void zip_round_trip(void **state)
{
	char path[160], src[160], bad[160];
	const char *name = "数据/记录.txt";
	folio_zip_reader *r;
	folio_zip_entry e;
	folio_error err = {0};
	folio_buf out = {0};
	folio_zip *z;
	char *raw, *cd;
	size_t len, i;

	(void)state;
	snprintf(path, sizeof(path), "%s/t.zip", tmpdir);
	snprintf(src, sizeof(src), "%s/src.txt", tmpdir);
	assert_int_equal(folio_file_write_atomic(src, "streamed\n", 9, &err),
		0);
	assert_int_equal(folio_zip_create(&z, path, 1700000000, &err), 0);
	assert_int_equal(folio_zip_add_mem(z, "mimetype", "x/y", 3,
		FOLIO_ZIP_AUTO, &err), 0);
	assert_int_equal(folio_zip_add_mem(z, name, "内容内容内容内容", 24,
		FOLIO_ZIP_AUTO, &err), 0);
	assert_int_equal(folio_zip_add_file(z, "f.txt", src, FOLIO_ZIP_STORE,
		&err), 0);
	assert_int_equal(access(path, F_OK), -1);  /* not before close */
	assert_int_equal(folio_zip_close(z, &err), 0);

	assert_int_equal(folio_zip_open_read(&r, path, NULL, &err), 0);
	assert_int_equal(folio_zip_count(r), 3);
	assert_int_equal(folio_zip_stat(&e, r, 0, &err), 0);
	assert_string_equal(e.name, "mimetype");
	assert_true(e.stored);
	assert_int_equal(folio_zip_stat(&e, r, 1, &err), 0);
	assert_string_equal(e.name, name);
	assert_false(e.stored);
	assert_int_equal(folio_zip_read(&out, r, 1, 100, &err), 0);
	assert_int_equal(out.len, 24);
	assert_memory_equal(out.data, "内容内容内容内容", 24);
	folio_buf_reset(&out);
	assert_int_equal(folio_zip_read(&out, r, 2, 100, &err), 0);
	assert_string_equal(out.data, "streamed\n");
	folio_buf_reset(&out);
	assert_int_equal(folio_zip_read(&out, r, 1, 10, &err), FOLIO_ELIMIT);
	assert_non_null(strstr(err.msg, "limit"));
	folio_error_clear(&err);
	assert_int_equal(folio_zip_stat(&e, r, 3, &err), FOLIO_EUSAGE);
	folio_error_clear(&err);
	folio_zip_reader_free(r);
	folio_buf_free(&out);

	/* Central directory: the non-ASCII name carries the UTF-8 flag
	 * (bit 11), every entry is Unix 0644 with no extra field. */
	raw = slurp(path, &len);
	for (i = 0, cd = NULL; i + 46 < len; i++) {
		if (memcmp(raw + i, "PK\x01\x02", 4) != 0)
			continue;
		cd = raw + i;
		assert_int_equal((unsigned char)cd[5], 3);        /* Unix */
		assert_int_equal(cd[30] | cd[31], 0);             /* extra */
		assert_int_equal((unsigned char)cd[40], 0xa4);    /* 0644 */
		assert_int_equal((unsigned char)cd[41], 0x81);    /* S_IFREG */
		if (memcmp(cd + 46, name, strlen(name)) == 0)
			assert_true(cd[9] & 0x08);
	}
	assert_non_null(cd);
	free(raw);

	/* Errors: an unreadable archive, an empty one, an unclosed one. */
	snprintf(bad, sizeof(bad), "%s/none.zip", tmpdir);
	assert_int_equal(folio_zip_open_read(&r, bad, NULL, &err), FOLIO_EIO);
	assert_non_null(strstr(err.msg, "none.zip"));
	folio_error_clear(&err);
	assert_int_equal(folio_zip_create(&z, bad, 0, &err), 0);
	assert_int_equal(folio_zip_close(z, &err), FOLIO_EUSAGE);
	folio_error_clear(&err);
	assert_int_equal(folio_zip_create(&z, bad, 0, &err), 0);
	assert_int_equal(folio_zip_add_mem(z, "a", "b", 1, FOLIO_ZIP_AUTO,
		&err), 0);
	assert_int_equal(folio_zip_add_mem(z, "", "b", 1, FOLIO_ZIP_AUTO,
		&err), FOLIO_EUSAGE);
	folio_zip_free(z);
	assert_int_equal(access(bad, F_OK), -1);
	unlink(path);
	unlink(src);
}

static int setup(void **state)
{
	folio_error err = {0};
	const char *css = "body { line-height: 1.8; }\n";

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_epub.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(css_path, sizeof(css_path), "%s/t.css", tmpdir);
	return folio_file_write_atomic(css_path, css, strlen(css), &err);
}

static int teardown(void **state)
{
	(void)state;
	unlink(css_path);
	/* Fails (harmlessly) if a test left files behind: rmdir shows it. */
	return rmdir(tmpdir);
}

/* The part's bytes hold `a` and, after it, `b` (NULL: any). */
static void assert_in_order(const folio_epub_book *bk, const char *part,
	const char *a, const char *b)
{
	size_t len = 0;
	const char *data = folio_epub_find(bk, part, &len), *pa, *pb;

	assert_non_null(data);
	pa = strstr(data, a);
	if (pa == NULL)
		fail_msg("%s: no '%s'", part, a);
	if (b != NULL && ((pb = strstr(data, b)) == NULL || pb < pa))
		fail_msg("%s: '%s' not after '%s'", part, b, a);
}

#define MARK(n) "<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" " \
	"id=\"page-" #n "\" aria-label=\"" #n "\"/>"

/* Page starts as layout gives them (layout/page.h) become markers at
 * the right characters, in page order: mid-paragraph at the offset in
 * code points, ahead of a heading whose number begins the page, at the
 * end of the item before a list item whose number does, before an
 * attachment's label and the 版记; a page with no start just before the
 * next page's marker. */
static void page_markers_follow_the_print(void **state)
{
	folio_doc *d = sample_doc();
	folio_page pages[7];
	folio_layout lay;
	folio_epub_options o = {0};
	folio_epub_book *b = NULL;
	folio_error err = {0};
	const folio_block *p0 = d->body, *s1 = p0->next,
		*i2 = s1->next->children->children->next;
	xmlDocPtr x;
	size_t i;

	(void)state;
	memset(pages, 0, sizeof(pages));
	memset(&lay, 0, sizeof(lay));
	for (i = 0; i < 7; i++)
		pages[i].number = (int)i + 1;
	pages[0].start.part = FOLIO_SOURCE_TITLE;
	pages[1].start = (folio_page_start){FOLIO_SOURCE_BLOCK, p0, NULL, 2,
		0};
	pages[2].start = (folio_page_start){FOLIO_SOURCE_BLOCK, s1, NULL, 0,
		1};
	pages[3].start.part = FOLIO_SOURCE_NONE;
	pages[4].start = (folio_page_start){FOLIO_SOURCE_BLOCK, i2, NULL, 0,
		1};
	pages[5].start = (folio_page_start){FOLIO_SOURCE_ATTACHMENT, NULL,
		d->attachments, 0, 1};
	pages[6].start.part = FOLIO_SOURCE_IMPRINT;
	lay.pages = pages;
	lay.n_pages = 7;
	o.css_path = css_path;
	o.modified = 0;
	o.print = &lay;
	o.page_source = "x.pdf";
	assert_int_equal(folio_epub_build(&b, d, &o, &err), 0);

	assert_in_order(b, "EPUB/title.xhtml", MARK(1), "<h1");
	assert_in_order(b, "EPUB/front.xhtml", "导语" MARK(2) "&lt;p&gt;",
		NULL);
	assert_in_order(b, "EPUB/s1.xhtml", MARK(3), "<h2");
	assert_in_order(b, "EPUB/s2.xhtml",
		"甲" MARK(4) MARK(5) "</li><li>乙", NULL);
	assert_in_order(b, "EPUB/a1.xhtml", MARK(6),
		"<p class=\"att-label gen\">");
	assert_in_order(b, "EPUB/a1.xhtml", MARK(7), "<div class=\"imprint\">");

	x = parse_part(b, "EPUB/nav.xhtml");
	assert_xpath(x, "//h:nav[@epub:type='page-list']/@role",
		"doc-pagelist");
	assert_xpath(x, "//h:nav[@epub:type='page-list']//h:a/@href",
		"title.xhtml#page-1|front.xhtml#page-2|s1.xhtml#page-3|"
		"s2.xhtml#page-4|s2.xhtml#page-5|a1.xhtml#page-6|"
		"a1.xhtml#page-7");
	assert_xpath(x, "//h:nav[@epub:type='page-list']//h:a",
		"1|2|3|4|5|6|7");
	xmlFreeDoc(x);
	x = parse_part(b, "EPUB/package.opf");
	assert_xpath(x, "//dc:source[@id='page-source']", "x.pdf");
	assert_xpath(x, "//opf:meta[@property='source-of']"
		"[@refines='#page-source']", "pagination");
	assert_xpath(x, "//opf:meta[@property='schema:accessibilityFeature']"
		"[.='printPageNumbers']", "printPageNumbers");
	xmlFreeDoc(x);
	folio_epub_book_free(b);

	/* Without a print layout: no markers, no page list, no source. */
	b = build(d, 0);
	x = parse_part(b, "EPUB/nav.xhtml");
	assert_xpath(x, "//h:nav[@epub:type='page-list']", "");
	xmlFreeDoc(x);
	x = parse_part(b, "EPUB/package.opf");
	assert_xpath(x, "//dc:source", "");
	xmlFreeDoc(x);
	folio_epub_book_free(b);
	folio_doc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uuid_is_rfc4122_v5_and_deterministic),
		cmocka_unit_test(dates_and_dos_times_are_utc),
		cmocka_unit_test(package_document_structure),
		cmocka_unit_test(nav_and_ncx_follow_headings),
		cmocka_unit_test(content_is_escaped_and_complete),
		cmocka_unit_test(control_characters_are_refused),
		cmocka_unit_test(roles_and_accessibility_metadata),
		cmocka_unit_test(latin_runs_and_form_blanks),
		cmocka_unit_test(heading_ranks_never_skip),
		cmocka_unit_test(saved_books_are_byte_identical),
		cmocka_unit_test(zip_round_trip),
		cmocka_unit_test(page_markers_follow_the_print),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
