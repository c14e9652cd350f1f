/* Unit tests for the Word reader (src/import/docx*.c) and the bounded
 * package reader (util/zip_package.c), on packages written here. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import/import.h"
#include "model/doc.h"
#include "util/buf.h"
#include "util/xml.h"
#include "util/zip.h"
#include "util/zip_package.h"

#define W_NS "xmlns:w=\"http://schemas.openxmlformats.org/" \
	"wordprocessingml/2006/main\""

static char dir[64];

static void path_of(char *out, size_t outsz, const char *name)
{
	snprintf(out, outsz, "%s/%s", dir, name);
}

/* name, content pairs ending with NULL. */
static void make_zip(const char *name, ...)
{
	char path[256];
	folio_error err = {0};
	folio_zip *z = NULL;
	const char *entry, *data;
	va_list ap;

	path_of(path, sizeof(path), name);
	assert_int_equal(folio_zip_create(&z, path, 1600000000, &err), 0);
	va_start(ap, name);
	while ((entry = va_arg(ap, const char *)) != NULL) {
		data = va_arg(ap, const char *);
		assert_int_equal(folio_zip_add_mem(z, entry, data,
			strlen(data), FOLIO_ZIP_DEFLATE, &err), 0);
	}
	va_end(ap);
	assert_int_equal(folio_zip_close(z, &err), 0);
}

static char *document(const char *body)
{
	folio_buf b = {0};

	folio_buf_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
		"<w:document " W_NS "><w:body>%s</w:body></w:document>", body);
	return b.data;
}

#define HEAD "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:t>" \
	"关于做好档案整理工作的通知</w:t></w:r></w:p>" \
	"<w:p><w:r><w:t>各科室：</w:t></w:r></w:p>"
#define FOOT "<w:p><w:pPr><w:jc w:val=\"right\"/></w:pPr><w:r><w:t>" \
	"某某县档案馆</w:t></w:r></w:p><w:p><w:pPr><w:jc w:val=\"right\"/>" \
	"</w:pPr><w:r><w:t>2026年5月6日</w:t></w:r></w:p>"
#define P(t) "<w:p><w:r><w:t>" t "</w:t></w:r></w:p>"

static folio_doc *import(const char *name, folio_import_report *rep,
	int expect, folio_error *err)
{
	char path[256];
	folio_doc *doc = NULL;
	folio_import_media media;
	int rc;

	path_of(path, sizeof(path), name);
	rc = folio_docx_import(&doc, &media, path, "m", NULL, rep, err);
	if (rc != expect)
		fail_msg("import %s: rc %d, expected %d: %s", name, rc, expect,
			err->msg);
	folio_import_media_free(&media);
	return doc;
}

static int setup(void **state)
{
	(void)state;
	folio_xml_init();
	snprintf(dir, sizeof(dir), "/tmp/folio-docx-XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_kinds(void **state)
{
	char media[128];

	(void)state;
	assert_int_equal(folio_input_kind_of("PK\3\4xxxx", 8), FOLIO_INPUT_ZIP);
	assert_int_equal(folio_input_kind_of("\xD0\xCF\x11\xE0\xA1\xB1\x1A"
		"\xE1", 8), FOLIO_INPUT_OLE);
	assert_int_equal(folio_input_kind_of("<?xml", 5), FOLIO_INPUT_TEXT);
	assert_int_equal(folio_input_kind_of("PK", 2), FOLIO_INPUT_TEXT);
	folio_import_media_dir(media, sizeof(media), "out/notice.xml");
	assert_string_equal(media, "notice-media");
	folio_import_media_dir(media, sizeof(media), "通知.xml");
	assert_int_equal(strncmp(media, "media-", 6), 0);
}

/* Numbering: chineseCounting headings through a style's numPr and its
 * basedOn chain, a startOverride restarting a shared list, bullets, a
 * multi-level decimal "%1.%2", circled numbers. */
static void test_numbering(void **state)
{
	static const char styles[] = "<w:styles " W_NS ">"
		"<w:style w:styleId=\"H\"><w:name w:val=\"标题 1\"/>"
		"<w:pPr><w:numPr><w:numId w:val=\"1\"/><w:ilvl w:val=\"0\"/>"
		"</w:numPr></w:pPr></w:style>"
		"<w:style w:styleId=\"H2\"><w:name w:val=\"x\"/>"
		"<w:basedOn w:val=\"H\"/></w:style></w:styles>";
	static const char numbering[] = "<w:numbering " W_NS ">"
		"<w:num w:numId=\"1\"><w:abstractNumId w:val=\"3\"/></w:num>"
		"<w:num w:numId=\"2\"><w:abstractNumId w:val=\"4\"/></w:num>"
		"<w:num w:numId=\"3\"><w:abstractNumId w:val=\"4\"/>"
		"<w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"1\"/>"
		"</w:lvlOverride></w:num>"
		"<w:num w:numId=\"4\"><w:abstractNumId w:val=\"5\"/></w:num>"
		"<w:abstractNum w:abstractNumId=\"3\"><w:lvl w:ilvl=\"0\">"
		"<w:numFmt w:val=\"chineseCounting\"/><w:lvlText w:val=\"%1、\"/>"
		"<w:suff w:val=\"nothing\"/></w:lvl></w:abstractNum>"
		"<w:abstractNum w:abstractNumId=\"4\"><w:lvl w:ilvl=\"0\">"
		"<w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.\"/></w:lvl>"
		"<w:lvl w:ilvl=\"1\"><w:numFmt w:val=\"decimal\"/>"
		"<w:lvlText w:val=\"%1.%2\"/></w:lvl></w:abstractNum>"
		"<w:abstractNum w:abstractNumId=\"5\"><w:lvl w:ilvl=\"0\">"
		"<w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"•\"/></w:lvl>"
		"</w:abstractNum></w:numbering>";
#define NUM(id, lvl, t) "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"" #lvl \
	"\"/><w:numId w:val=\"" #id "\"/></w:numPr></w:pPr><w:r><w:t>" t \
	"</w:t></w:r></w:p>"
	char *doc_xml = document(HEAD
		"<w:p><w:pPr><w:pStyle w:val=\"H\"/></w:pPr><w:r><w:t>总体要求"
		"</w:t></w:r></w:p>" P("坚持依法依规整理。")
		NUM(2, 0, "第一项工作安排。") NUM(2, 1, "第一项工作的细节说明。")
		NUM(2, 0, "第二项工作安排。")
		"<w:p><w:pPr><w:pStyle w:val=\"H2\"/></w:pPr><w:r><w:t>工作步骤"
		"</w:t></w:r></w:p>"
		NUM(3, 0, "重新编号的事项。") NUM(4, 0, "要点甲") NUM(4, 0, "要点乙")
		FOOT);
	folio_error err = {0};
	folio_doc *doc;
	const folio_block *b, *c;

	(void)state;
	make_zip("num.docx", "word/document.xml", doc_xml, "word/styles.xml",
		styles, "word/numbering.xml", numbering, (char *)NULL);
	free(doc_xml);
	doc = import("num.docx", NULL, 0, &err);
	b = doc->body;
	assert_int_equal(b->kind, FOLIO_BLOCK_SECTION);
	assert_string_equal(b->text, "总体要求");
	assert_string_equal(b->children->text, "坚持依法依规整理。");
	c = b->children->next;
	assert_string_equal(c->text, "1. 第一项工作安排。");
	assert_string_equal(c->next->text, "1.1 第一项工作的细节说明。");
	assert_string_equal(c->next->next->text, "2. 第二项工作安排。");
	b = b->next;
	assert_int_equal(b->kind, FOLIO_BLOCK_SECTION);
	assert_string_equal(b->text, "工作步骤");
	/* startOverride: the shared list starts again at 1. */
	assert_string_equal(b->children->text, "1. 重新编号的事项。");
	c = b->children->next;
	assert_int_equal(c->kind, FOLIO_BLOCK_LIST);
	assert_int_equal(c->ordered, 0);
	assert_string_equal(c->children->text, "要点甲");
	folio_doc_free(doc);
}

/* Tables: a header cell's vMerge stops at the header, gridBefore and
 * short rows get empty cells, a legacy hMerge joins, a nested table's
 * text stays in its cell, an image in a cell follows the table. */
static void test_tables(void **state)
{
#define TC(t) "<w:tc><w:p><w:r><w:t>" t "</w:t></w:r></w:p></w:tc>"
#define TCV(v, t) "<w:tc><w:tcPr><w:vMerge w:val=\"" v "\"/></w:tcPr>" \
	"<w:p><w:r><w:t>" t "</w:t></w:r></w:p></w:tc>"
	char *doc_xml = document(HEAD P("现将分工表印发如下。")
		"<w:tbl><w:tblGrid><w:gridCol w:w=\"100\"/>"
		"<w:gridCol w:w=\"200\"/><w:gridCol w:w=\"300\"/></w:tblGrid>"
		"<w:tr><w:trPr><w:tblHeader/></w:trPr>" TCV("restart", "类别")
		TC("单位") TC("时限") "</w:tr>"
		"<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>"
		TC("甲单位") TC("五月") "</w:tr>"
		"<w:tr><w:trPr><w:gridBefore w:val=\"1\"/></w:trPr>"
		TC("乙单位") "</w:tr>"
		"<w:tr>" TC("丙") "<w:tc><w:tbl><w:tr>" TC("内表一") TC("内表二")
		"</w:tr></w:tbl><w:p/></w:tc>" TC("六月") "</w:tr>"
		"<w:tr>" TC("丁") TC("戊") "<w:tc><w:tcPr><w:hMerge/></w:tcPr>"
		"<w:p/></w:tc></w:tr>"
		"</w:tbl>" P("请遵照执行。") FOOT);
	folio_error err = {0};
	folio_import_report rep = {0};
	folio_doc *doc;
	const folio_table *t;
	const folio_block *b;

	(void)state;
	make_zip("tbl.docx", "word/document.xml", doc_xml, (char *)NULL);
	free(doc_xml);
	doc = import("tbl.docx", &rep, 0, &err);
	b = doc->body->next;
	assert_int_equal(b->kind, FOLIO_BLOCK_TABLE);
	t = b->table;
	assert_int_equal(t->n_cols, 3);
	assert_int_equal(t->n_rows, 5);
	assert_int_equal(t->header_rows, 1);
	assert_int_equal(t->widths[2], 300);
	/* The header's vMerge did not reach into the body. */
	assert_int_equal(t->rows[0].cells[0].rowspan, 1);
	assert_int_equal(t->rows[1].n_cells, 3);
	/* gridBefore: an empty cell first, then 乙单位, then padding. */
	assert_null(t->rows[2].cells[0].paras);
	assert_string_equal(t->rows[2].cells[1].paras->text, "乙单位");
	assert_int_equal(t->rows[2].cells[2].colspan, 1);
	/* Nested table: its text in the cell. */
	assert_string_equal(t->rows[3].cells[1].paras->text, "内表一");
	assert_string_equal(t->rows[3].cells[1].paras->next->text, "内表二");
	/* hMerge continue joined 戊 and the cell right of it. */
	assert_int_equal(t->rows[4].n_cells, 2);
	assert_int_equal(t->rows[4].cells[1].colspan, 2);
	assert_string_equal(b->next->text, "请遵照执行。");
	assert_int_equal(rep.skipped, 1);
	assert_string_equal(rep.entries[rep.n_entries - 1].reason,
		"nested table read as paragraphs of its cell");
	folio_import_report_free(&rep);
	folio_doc_free(doc);
}

/* Fields inside fields, a deleted paragraph mark, moveFrom/moveTo,
 * a symbol, no-break spaces, an sdt. */
static void test_runs(void **state)
{
	char *doc_xml = document(HEAD
		"<w:p><w:r><w:t>请登录</w:t></w:r>"
		"<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
		"<w:r><w:instrText>HYPERLINK \"x\"</w:instrText></w:r>"
		"<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>"
		"<w:r><w:t>档案网</w:t></w:r>"
		"<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
		"<w:r><w:instrText>PAGE</w:instrText></w:r>"
		"<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>"
		"<w:r><w:t>3</w:t></w:r>"
		"<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
		"<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
		"<w:moveFrom><w:r><w:t>旧位置</w:t></w:r></w:moveFrom>"
		"<w:r><w:t>查询\xC2\xA0目录。</w:t></w:r></w:p>"
		"<w:sdt><w:sdtContent>" P("控件里的文字。") "</w:sdtContent></w:sdt>"
		"<w:p><w:r><w:sym w:font=\"Wingdings\" w:char=\"F0FC\"/></w:r>"
		"<w:moveTo><w:r><w:t>新位置的文字。</w:t></w:r></w:moveTo></w:p>"
		FOOT);
	folio_error err = {0};
	folio_import_report rep = {0};
	folio_doc *doc;
	const folio_block *b;
	size_t i, fields = 0, moved = 0, sym = 0;

	(void)state;
	make_zip("runs.docx", "word/document.xml", doc_xml, (char *)NULL);
	free(doc_xml);
	doc = import("runs.docx", &rep, 0, &err);
	b = doc->body;
	assert_string_equal(b->text, "请登录档案网3查询 目录。");
	assert_string_equal(b->next->text, "控件里的文字。");
	assert_string_equal(b->next->next->text, "新位置的文字。");
	for (i = 0; i < rep.n_entries; i++) {
		const folio_import_entry *e = &rep.entries[i];
		if (e->action != FOLIO_IMPORT_SKIPPED)
			continue;
		fields += strstr(e->reason, "field") != NULL;
		moved += strcmp(e->text, "旧位置") == 0;
		sym += strcmp(e->text, "F0FC") == 0;
	}
	/* The outer field is reported once, with its own code. */
	assert_int_equal(fields, 1);
	assert_int_equal(moved, 1);
	assert_int_equal(sym, 1);
	folio_import_report_free(&rep);
	folio_doc_free(doc);
}

/* Drawings: a DrawingML picture with extent and descr, a caption
 * paragraph, a text box in mc:AlternateContent whose paragraph follows
 * its anchor, a VML picture, a GIF reported and left out. */
static void test_drawings(void **state)
{
	static const unsigned char png[] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n',
		0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 4, 0, 0, 0, 2, 8, 2,
		0, 0, 0, 1, 2, 3, 4,
		0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};
	static const char rels[] = "<Relationships xmlns=\"http://schemas."
		"openxmlformats.org/package/2006/relationships\">"
		"<Relationship Id=\"i1\" Type=\"x/image\" "
		"Target=\"media/a.png\"/>"
		"<Relationship Id=\"i2\" Type=\"x/image\" "
		"Target=\"/word/media/b.gif\"/></Relationships>";
	static const char styles[] = "<w:styles " W_NS ">"
		"<w:style w:styleId=\"c\"><w:name w:val=\"题注\"/></w:style>"
		"</w:styles>";
	char *doc_xml = document(HEAD
		"<w:p><w:r><w:t>见下图。</w:t></w:r><w:r><w:drawing>"
		"<wp:inline xmlns:wp=\"urn:wp\"><wp:extent cx=\"1800000\" "
		"cy=\"900000\"/><wp:docPr id=\"1\" descr=\"示意\"/>"
		"<a:blip xmlns:a=\"urn:a\" xmlns:r=\"urn:r\" r:embed=\"i1\"/>"
		"</wp:inline></w:drawing></w:r></w:p>"
		"<w:p><w:pPr><w:pStyle w:val=\"c\"/></w:pPr><w:r><w:t>图1 示意图"
		"</w:t></w:r></w:p>"
		"<w:p><w:r><mc:AlternateContent xmlns:mc=\"urn:mc\"><mc:Choice>"
		"<w:drawing><w:txbxContent>" P("框中的文字。")
		"</w:txbxContent></w:drawing></mc:Choice><mc:Fallback>"
		"<w:pict><w:txbxContent>" P("框中的文字。") "</w:txbxContent>"
		"</w:pict></mc:Fallback></mc:AlternateContent></w:r>"
		"<w:r><w:t>锚定段落。</w:t></w:r></w:p>"
		"<w:p><w:r><w:pict><v:imagedata xmlns:v=\"urn:v\" "
		"xmlns:r=\"urn:r\" r:id=\"i1\"/></w:pict></w:r></w:p>"
		"<w:p><w:r><w:drawing><a:blip xmlns:a=\"urn:a\" "
		"xmlns:r=\"urn:r\" r:embed=\"i2\"/></w:drawing></w:r></w:p>"
		FOOT);
	char path[256];
	folio_error err = {0};
	folio_import_report rep = {0};
	folio_import_media media;
	folio_zip *z = NULL;
	folio_doc *doc = NULL;
	const folio_block *b;

	(void)state;
	path_of(path, sizeof(path), "draw.docx");
	assert_int_equal(folio_zip_create(&z, path, 1600000000, &err), 0);
	assert_int_equal(folio_zip_add_mem(z, "word/document.xml", doc_xml,
		strlen(doc_xml), FOLIO_ZIP_DEFLATE, &err), 0);
	assert_int_equal(folio_zip_add_mem(z, "word/_rels/document.xml.rels",
		rels, strlen(rels), FOLIO_ZIP_DEFLATE, &err), 0);
	assert_int_equal(folio_zip_add_mem(z, "word/styles.xml", styles,
		strlen(styles), FOLIO_ZIP_DEFLATE, &err), 0);
	assert_int_equal(folio_zip_add_mem(z, "word/media/a.png", png,
		sizeof(png), FOLIO_ZIP_STORE, &err), 0);
	assert_int_equal(folio_zip_add_mem(z, "word/media/b.gif", "GIF89a..",
		8, FOLIO_ZIP_STORE, &err), 0);
	assert_int_equal(folio_zip_close(z, &err), 0);
	free(doc_xml);
	if (folio_docx_import(&doc, &media, path, "m", NULL, &rep, &err) != 0)
		fail_msg("%s", err.msg);
	b = doc->body;
	assert_string_equal(b->text, "见下图。");
	b = b->next;
	assert_int_equal(b->kind, FOLIO_BLOCK_FIGURE);
	assert_string_equal(b->figure->src, "m/image1.png");
	assert_int_equal(b->figure->width_mm100, 5000);
	assert_int_equal(b->figure->px_width, 4);
	assert_string_equal(b->figure->alt, "示意");
	assert_string_equal(b->figure->caption, "图1 示意图");
	b = b->next;
	assert_string_equal(b->text, "锚定段落。");
	assert_string_equal(b->next->text, "框中的文字。");
	b = b->next->next;
	assert_int_equal(b->kind, FOLIO_BLOCK_FIGURE);
	assert_string_equal(b->figure->src, "m/image2.png");
	assert_int_equal(media.n, 2);
	assert_int_equal(media.images[0].len, sizeof(png));
	assert_int_equal(rep.skipped, 1);
	assert_string_equal(rep.entries[rep.n_entries - 1].reason,
		"image not in PNG or JPEG");
	folio_import_media_free(&media);
	folio_import_report_free(&rep);
	folio_doc_free(doc);
}

static void test_package_errors(void **state)
{
	char path[256], *big, *doc_xml;
	folio_error err = {0};
	folio_package *p = NULL;
	folio_buf b = {0};
	size_t n = 3 * 1024 * 1024;

	(void)state;
	/* No main document part: said so. */
	make_zip("none.docx", "word/other.xml", "<x/>", (char *)NULL);
	import("none.docx", NULL, FOLIO_EINPUT, &err);
	assert_non_null(strstr(err.msg, "without a Word document"));
	/* A part that inflates 1000:1 is a bomb, whatever its size cap. */
	big = malloc(n + 1);
	assert_non_null(big);
	memset(big, ' ', n);
	big[n] = '\0';
	make_zip("ratio.zip", "a.xml", big, (char *)NULL);
	free(big);
	path_of(path, sizeof(path), "ratio.zip");
	assert_int_equal(folio_package_open(&p, path, &err), 0);
	folio_error_clear(&err);
	b.limit = 64 * 1024 * 1024;
	assert_int_equal(folio_package_read(&b, p,
		(size_t)folio_package_find(p, "A.XML"), 64 * 1024 * 1024, &err),
		FOLIO_ELIMIT);
	assert_non_null(strstr(err.msg, "compression ratio"));
	assert_null(b.data);
	folio_package_free(p);
	/* Not a ZIP at all. */
	folio_error_clear(&err);
	path_of(path, sizeof(path), "junk.docx");
	{
		FILE *fp = fopen(path, "wb");
		assert_non_null(fp);
		fputs("PK\3\4 this is not really a zip file", fp);
		fclose(fp);
	}
	import("junk.docx", NULL, FOLIO_EINPUT, &err);
	assert_non_null(strstr(err.msg, "junk.docx"));
	/* A document with no text. */
	folio_error_clear(&err);
	doc_xml = document("<w:p/><w:p/>");
	make_zip("empty.docx", "word/document.xml", doc_xml, (char *)NULL);
	free(doc_xml);
	import("empty.docx", NULL, FOLIO_EINPUT, &err);
	assert_non_null(strstr(err.msg, "found no text"));
	/* Malformed XML: located in its part. */
	folio_error_clear(&err);
	make_zip("bad.docx", "word/document.xml", "<w:document " W_NS
		"><w:body><w:p></w:body></w:document>", (char *)NULL);
	import("bad.docx", NULL, FOLIO_EINPUT, &err);
	assert_non_null(strstr(err.msg, "bad.docx:word/document.xml:1:"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_numbering),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_runs),
		cmocka_unit_test(test_drawings),
		cmocka_unit_test(test_package_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
