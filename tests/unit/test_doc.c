/* Unit tests for src/model/doc.c: text intake, dates, numbering. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "model/doc.h"

static void text_is_trimmed_and_normalised(void **state)
{
	folio_error err = {0};
	folio_doc *doc;
	const char *t;
	const char *in = "\xe3\x80\x80 e\xcc\x81\xe6\x96\x87 \n";

	(void)state;
	assert_int_equal(folio_doc_new(&doc, "x.xml", &err), 0);
	assert_int_equal(folio_doc_text(&t, doc, in, strlen(in), &err), 0);
	assert_string_equal(t, "\xc3\xa9\xe6\x96\x87");
	folio_doc_free(doc);
}

/* In a paragraph, a form's blanks typed after the text stay (填表人：
 * 　　); white space around them (an XML source's line end, an ASCII
 * blank before them) does not, and a text of blanks alone is empty. */
static void text_keeps_trailing_form_blanks(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{"\u3000\u3000填表人：\u3000\u3000\n  ", "填表人：\u3000\u3000"},
		{"姓名：\u3000\u3000\u3000", "姓名：\u3000\u3000\u3000"},
		{"日期 \u3000\u3000", "日期"},
		{"\u3000\u3000\u3000", ""},
		{"\n  正文。\n", "正文。"},
	};
	const char *name = "\u3000某市人民政府\u3000\u3000";
	folio_error err = {0};
	folio_doc *doc;
	const char *t;
	size_t i;

	(void)state;
	assert_int_equal(folio_doc_new(&doc, "x.xml", &err), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(folio_doc_para_text(&t, doc, cases[i].in,
			strlen(cases[i].in), &err), 0);
		assert_string_equal(t, cases[i].want);
	}
	/* other texts (names, titles): blanks around them go */
	assert_int_equal(folio_doc_text(&t, doc, name, strlen(name), &err),
		0);
	assert_string_equal(t, "某市人民政府");
	assert_int_equal(folio_doc_text(&t, doc, cases[1].in,
		strlen(cases[1].in), &err), 0);
	assert_string_equal(t, "姓名：");
	folio_doc_free(doc);
}

static void text_rejects_bad_utf8_and_limit(void **state)
{
	folio_error err = {0};
	folio_doc *doc;
	const char *t;
	char *big;

	(void)state;
	assert_int_equal(folio_doc_new(&doc, "x.xml", &err), 0);
	assert_int_equal(folio_doc_text(&t, doc, "ab\xfe", 3, &err),
		FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "byte 2"));
	folio_error_clear(&err);
	big = malloc(FOLIO_MAX_TEXT_BYTES + 1);
	memset(big, 'a', FOLIO_MAX_TEXT_BYTES + 1);
	assert_int_equal(folio_doc_text(&t, doc, big, FOLIO_MAX_TEXT_BYTES + 1,
		&err), FOLIO_ELIMIT);
	free(big);
	folio_doc_free(doc);
}

static void dates(void **state)
{
	(void)state;
	assert_true(folio_date_valid("2020-04-27"));
	assert_true(folio_date_valid("2020-02-29"));
	assert_true(folio_date_valid("2000-02-29"));
	assert_false(folio_date_valid("1900-02-29"));
	assert_false(folio_date_valid("2020-02-30"));
	assert_false(folio_date_valid("2021-13-01"));
	assert_false(folio_date_valid("2020/04/27"));
	assert_false(folio_date_valid("2020-4-27"));
	assert_false(folio_date_valid(NULL));
}

static void chinese_numerals(void **state)
{
	char b[64];

	(void)state;
	folio_cn_numeral(b, sizeof(b), 1);
	assert_string_equal(b, "一");
	folio_cn_numeral(b, sizeof(b), 10);
	assert_string_equal(b, "十");
	folio_cn_numeral(b, sizeof(b), 11);
	assert_string_equal(b, "十一");
	folio_cn_numeral(b, sizeof(b), 20);
	assert_string_equal(b, "二十");
	folio_cn_numeral(b, sizeof(b), 105);
	assert_string_equal(b, "一百零五");
	folio_cn_numeral(b, sizeof(b), 110);
	assert_string_equal(b, "一百一十");
	folio_cn_numeral(b, sizeof(b), 1001);
	assert_string_equal(b, "一千零一");
}

static void heading_numbers(void **state)
{
	char b[64];

	(void)state;
	folio_doc_heading_number(b, sizeof(b), FOLIO_NUMBERING_GBT9704,
		FOLIO_BLOCK_SECTION, 1, 3);
	assert_string_equal(b, "三、");
	folio_doc_heading_number(b, sizeof(b), FOLIO_NUMBERING_GBT9704,
		FOLIO_BLOCK_SECTION, 2, 12);
	assert_string_equal(b, "（十二）");
	folio_doc_heading_number(b, sizeof(b), FOLIO_NUMBERING_GBT9704,
		FOLIO_BLOCK_SECTION, 3, 2);
	assert_string_equal(b, "2.");
	folio_doc_heading_number(b, sizeof(b), FOLIO_NUMBERING_GBT9704,
		FOLIO_BLOCK_SECTION, 4, 10);
	assert_string_equal(b, "（10）");
	folio_doc_heading_number(b, sizeof(b), FOLIO_NUMBERING_CHAPTERS,
		FOLIO_BLOCK_SECTION, 1, 2);
	assert_string_equal(b, "第二章");
	folio_doc_heading_number(b, sizeof(b), FOLIO_NUMBERING_CHAPTERS,
		FOLIO_BLOCK_ARTICLE, 0, 21);
	assert_string_equal(b, "第二十一条");
	/* plans: 第N部分, then 一、 （一） 1. one level down */
	folio_doc_heading_number(b, sizeof(b), FOLIO_NUMBERING_PARTS,
		FOLIO_BLOCK_SECTION, 1, 3);
	assert_string_equal(b, "第三部分");
	folio_doc_heading_number(b, sizeof(b), FOLIO_NUMBERING_PARTS,
		FOLIO_BLOCK_SECTION, 2, 2);
	assert_string_equal(b, "二、");
	folio_doc_heading_number(b, sizeof(b), FOLIO_NUMBERING_PARTS,
		FOLIO_BLOCK_SECTION, 3, 11);
	assert_string_equal(b, "（十一）");
	folio_doc_heading_number(b, sizeof(b), FOLIO_NUMBERING_PARTS,
		FOLIO_BLOCK_SECTION, 4, 5);
	assert_string_equal(b, "5.");
}

/* A traditional-Chinese document: 條 and 節; 章 and 部分 are the same in
 * both scripts. */
static void heading_numbers_traditional(void **state)
{
	folio_error err = {0};
	folio_doc *doc;
	char b[64];

	(void)state;
	assert_int_equal(folio_doc_new(&doc, "x.xml", &err), 0);
	doc->numbering = FOLIO_NUMBERING_CHAPTERS;
	doc->lang = "zh-Hant";
	folio_doc_number(b, sizeof(b), doc, FOLIO_BLOCK_ARTICLE, 0, 12);
	assert_string_equal(b, "第十二條");
	folio_doc_number(b, sizeof(b), doc, FOLIO_BLOCK_SECTION, 2, 1);
	assert_string_equal(b, "第一節");
	folio_doc_number(b, sizeof(b), doc, FOLIO_BLOCK_SECTION, 1, 3);
	assert_string_equal(b, "第三章");
	doc->lang = "zh-TW";
	folio_doc_number(b, sizeof(b), doc, FOLIO_BLOCK_ARTICLE, 0, 1);
	assert_string_equal(b, "第一條");
	doc->lang = "zh-CN";
	folio_doc_number(b, sizeof(b), doc, FOLIO_BLOCK_ARTICLE, 0, 1);
	assert_string_equal(b, "第一条");
	doc->lang = "zh-Hant";
	doc->numbering = FOLIO_NUMBERING_PARTS;
	folio_doc_number(b, sizeof(b), doc, FOLIO_BLOCK_SECTION, 1, 2);
	assert_string_equal(b, "第二部分");
	folio_doc_free(doc);
}

static void validate_names_missing_field(void **state)
{
	folio_error err = {0};
	folio_doc *doc;

	(void)state;
	assert_int_equal(folio_doc_new(&doc, "a.xml", &err), 0);
	doc->meta.title = "标题";
	doc->meta.issuer = "某局";
	assert_int_equal(folio_doc_validate(doc, &err), FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "date"));
	folio_error_clear(&err);
	doc->meta.date = "2020-02-30";
	assert_int_equal(folio_doc_validate(doc, &err), FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "2020-02-30"));
	folio_error_clear(&err);
	doc->meta.date = "2020-02-29";
	doc->meta.retention = "定期5年";
	assert_int_equal(folio_doc_validate(doc, &err), FOLIO_EINPUT);
	doc->meta.retention = "永久";
	assert_int_equal(folio_doc_validate(doc, &err), 0);
	folio_doc_free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_is_trimmed_and_normalised),
		cmocka_unit_test(text_keeps_trailing_form_blanks),
		cmocka_unit_test(text_rejects_bad_utf8_and_limit),
		cmocka_unit_test(dates),
		cmocka_unit_test(chinese_numerals),
		cmocka_unit_test(heading_numbers),
		cmocka_unit_test(heading_numbers_traditional),
		cmocka_unit_test(validate_names_missing_field),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
