/* Unit tests for src/import/ (pasted text) and src/model/xml_write.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>

#include "model/doc.h"
#include "import/import.h"
#include "model/xml_write.h"
#include "util/buf.h"
#include "util/utf8.h"

#define NO_META NULL

static folio_doc *import_ok(const char *text, const folio_import_options *o)
{
	folio_doc *doc = NULL;
	folio_error err = {0};
	int rc = folio_text_import_memory(&doc, "t.txt", text, strlen(text),
		o, NULL, &err);

	if (rc != 0)
		fail_msg("import failed: %s", err.msg);
	assert_non_null(doc);
	return doc;
}

static int import_err(const char *text, size_t len,
	const folio_import_options *o, folio_error *err)
{
	folio_doc *doc = NULL;
	int rc = folio_text_import_memory(&doc, "t.txt", text, len, o, NULL,
		err);

	assert_null(doc);
	return rc;
}

static folio_doc *import_report(const char *text, folio_import_report *r,
	const folio_import_options *o);
static const folio_import_entry *entry(const folio_import_report *r,
	unsigned line);

/* Issuer comes from --meta in every test that is not about it. */
static const folio_meta_override issuer_only[] = {{"issuer", "某市某局"}};
static const folio_import_options with_issuer = {issuer_only, 1, NULL};
static const folio_meta_override issuer_date[] = {{"issuer", "某市某局"},
	{"date", "2023-03-01"}};
static const folio_import_options with_date = {issuer_date, 2, NULL};

/* Append every text of the body, paragraphs and headings, in order,
 * with the generated heading numbers in front of headings. */
static void flatten(folio_buf *b, const folio_doc *doc, const folio_block *blk)
{
	char num[64];
	int idx = 0;

	for (; blk; blk = blk->next) {
		if (blk->kind == FOLIO_BLOCK_SECTION) {
			folio_doc_heading_number(num, sizeof(num),
				doc->numbering, blk->kind, blk->level, ++idx);
			folio_buf_puts(b, num);
			folio_buf_puts(b, blk->text);
			folio_buf_putc(b, '\n');
		} else if (blk->kind == FOLIO_BLOCK_PARA) {
			folio_buf_puts(b, blk->text);
			folio_buf_putc(b, '\n');
		}
		flatten(b, doc, blk->children);
	}
}

static void han_only(folio_buf *out, const char *s)
{
	size_t off = 0, n = strlen(s), len;
	uint32_t c;

	while (off < n) {
		len = folio_utf8_decode(s + off, n - off, &c);
		assert_true(len > 0);
		if (folio_is_han(c))
			folio_buf_put_utf8(out, c);
		off += len;
	}
	if (out->data == NULL)
		folio_buf_puts(out, "");
}

static const folio_block *nth(const folio_block *b, int n)
{
	while (b && n-- > 0)
		b = b->next;
	assert_non_null(b);
	return b;
}

static int count(const folio_block *b)
{
	int n = 0;

	for (; b; b = b->next)
		n++;
	return n;
}

/* Does any text in the body contain s? */
static int body_has(const folio_doc *doc, const char *s)
{
	folio_buf b = {0};
	int found;

	flatten(&b, doc, doc->body);
	found = b.data && strstr(b.data, s) != NULL;
	folio_buf_free(&b);
	return found;
}

/* ---- chrome and spam ---------------------------------------------------- */

static void chrome_is_dropped(void **state)
{
	const char *text =
		"当前位置：首页 > 信息公开 > 通知公告\n"
		"\n"
		"关于做好冬季供暖工作的通知\n"
		"发布时间：2021-11-02\n"
		"【字号：大 中 小】\n"
		"分享：\n"
		"各供热单位要确保居民室温达标,及时处理报修。\n"
		"  • 附件:\n"
		"  • 视频：\n"
		"【打印本页】 【关闭窗口】\n"
		"扫一扫在手机打开当前页\n";
	folio_doc *doc = import_ok(text, &with_issuer);

	(void)state;
	assert_string_equal(doc->meta.title, "关于做好冬季供暖工作的通知");
	assert_string_equal(doc->meta.date, "2021-11-02");
	assert_string_equal(doc->meta.category, "通知");
	assert_int_equal(count(doc->body), 1);
	assert_string_equal(doc->body->text,
		"各供热单位要确保居民室温达标，及时处理报修。");
	assert_int_equal(doc->body->line, 7);
	assert_false(body_has(doc, "字号"));
	assert_false(body_has(doc, "附件"));
	assert_false(body_has(doc, "扫一扫"));
	folio_doc_free(doc);
}

/* An attachment label with a name after it is a 附件说明, not chrome:
 * the attachment is listed (its body is not on the page). */
static void attachment_with_text_is_listed(void **state)
{
	const char *text =
		"关于开展安全检查的通知\n"
		"日期：2022.03.15\n"
		"请各单位认真组织自查。\n"
		"附件：安全检查登记表\n";
	folio_doc *doc = import_ok(text, &with_issuer);

	(void)state;
	assert_string_equal(doc->meta.date, "2022-03-15");
	assert_int_equal(count(doc->body), 1);
	assert_non_null(doc->attachments);
	assert_string_equal(doc->attachments->title, "安全检查登记表");
	assert_null(doc->attachments->body);
	assert_null(doc->attachments->next);
	folio_doc_free(doc);
}

/* An invented keyword line, unlike the seed's: the importer must judge
 * by unrelatedness, not by a list of words. No date line here, so the
 * title is "the first substantial line" and the spam must be skipped. */
static void invented_spam_line_is_skipped(void **state)
{
	const char *text =
		"k8凯发娱乐_幸运飞艇开奖直播_pk10全天计划官网\n"
		"首页 > 政务公开 > 政策文件\n"
		"关于加强城市绿化养护管理的实施意见\n"
		"为加强城市绿化养护管理,提升城市绿化水平,现提出如下实施意见。\n"
		"一、明确养护责任\n"
		"各区要落实城市绿化养护责任,建立养护管理台账。\n";
	folio_doc *doc = import_ok(text, &with_date);
	folio_error err = {0};

	(void)state;
	assert_string_equal(doc->meta.title,
		"关于加强城市绿化养护管理的实施意见");
	assert_string_equal(doc->meta.category, "实施意见");
	assert_false(body_has(doc, "飞艇"));
	assert_false(body_has(doc, "凯发"));
	assert_int_equal(count(doc->body), 2);
	folio_doc_free(doc);
	/* No date anywhere: a clear error that says how to give one. */
	assert_int_equal(import_err(text, strlen(text), NO_META, &err),
		FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "t.txt:1:1: no date found"));
	assert_non_null(strstr(err.msg, "--meta date=YYYY-MM-DD"));
}

/* The same shape (chunks joined by _) but about the document: kept. */
static void related_keyword_line_is_not_spam(void **state)
{
	const char *text =
		"垃圾分类工作方案_市城管局_2023\n"
		"为推进垃圾分类工作,制定本方案。\n"
		"各街道要落实垃圾分类工作方案,市城管局负责督导。\n";
	folio_doc *doc = import_ok(text, &with_date);

	(void)state;
	assert_string_equal(doc->meta.title, "垃圾分类工作方案_市城管局_2023");
	assert_int_equal(count(doc->body), 2);
	folio_doc_free(doc);
}

/* ---- dates --------------------------------------------------------------- */

static void date_forms(void **state)
{
	static const struct { const char *line, *want; } cases[] = {
		{"发布时间:2020-04-27", "2020-04-27"},
		{"发布时间：2020年4月27日", "2020-04-27"},
		{"日期:2020.04.27", "2020-04-27"},
		{"日期：2019/12/5", "2019-12-05"},
		{"发布时间：2021-01-05 10:30", "2021-01-05"},
		{"来源：市政府办公室 发布时间：2018年11月9日 浏览次数：", "2018-11-09"},
		{"2020年4月27日", "2020-04-27"},
		{"（2016年2月29日）", "2016-02-29"},
	};
	char text[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		folio_doc *doc;
		snprintf(text, sizeof(text),
			"关于调整公交线路的通告\n%s\n即日起调整部分公交线路。\n",
			cases[i].line);
		doc = import_ok(text, &with_issuer);
		assert_string_equal(doc->meta.date, cases[i].want);
		assert_string_equal(doc->meta.title, "关于调整公交线路的通告");
		assert_int_equal(count(doc->body), 1);
		assert_string_equal(doc->body->text, "即日起调整部分公交线路。");
		folio_doc_free(doc);
	}
}

static void impossible_date_is_located(void **state)
{
	const char *text = "标题一行文字\n\n发布时间：2020-02-30\n正文。\n";
	folio_error err = {0};

	(void)state;
	assert_int_equal(import_err(text, strlen(text), &with_issuer, &err),
		FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "t.txt:3:6:"));
	assert_non_null(strstr(err.msg, "2020-02-30"));
}

/* 落款: the organisation and a date in Chinese numerals at the end. */
static void closing_date_and_issuer(void **state)
{
	const char *text =
		"关于表彰先进集体的决定\n"
		"经研究,决定对以下单位予以表彰。\n"
		"希望受表彰单位再接再厉。\n"
		"某某市人民政府\n"
		"二〇二〇年四月二十七日\n";
	folio_doc *doc = import_ok(text, NO_META);

	(void)state;
	assert_true(doc->has_closing);
	assert_string_equal(doc->closing.date, "2020-04-27");
	assert_string_equal(doc->closing.issuer, "某某市人民政府");
	assert_string_equal(doc->meta.date, "2020-04-27");
	assert_string_equal(doc->meta.issuer, "某某市人民政府");
	assert_string_equal(doc->meta.category, "决定");
	assert_int_equal(count(doc->body), 2);
	folio_doc_free(doc);
}

/* ---- 文号 ------------------------------------------------------------------ */

static void doc_number_line_and_citation(void **state)
{
	const char *text =
		"营委办发〔2017〕 63号\n"
		"关于印发园区管理办法的通知\n"
		"发布时间：2017-06-01\n"
		"根据营委办发〔2017〕 63号文件精神,现印发本办法。\n"
		"另见辽政发[2019] 26号。\n";
	folio_doc *doc = import_ok(text, &with_issuer);

	(void)state;
	assert_string_equal(doc->meta.doc_number, "营委办发〔2017〕63号");
	assert_int_equal(count(doc->body), 2);
	/* The citation keeps its characters; only the stray space goes. */
	assert_string_equal(doc->body->text,
		"根据营委办发〔2017〕63号文件精神，现印发本办法。");
	assert_string_equal(doc->body->next->text, "另见辽政发[2019]26号。");
	folio_doc_free(doc);
}

static void doc_number_below_title(void **state)
{
	const char *text =
		"关于开展消防演练的通知\n"
		"市应急发[2021] 8 号\n"
		"发布时间：2021-05-06\n"
		"各单位于本月底前完成演练。\n";
	folio_doc *doc;

	(void)state;
	/* Here the line before the date is the 文号: the title is above. */
	doc = import_ok(text, &with_issuer);
	assert_string_equal(doc->meta.title, "关于开展消防演练的通知");
	assert_string_equal(doc->meta.doc_number, "市应急发〔2021〕8号");
	assert_int_equal(count(doc->body), 1);
	folio_doc_free(doc);
}

/* ---- headings ------------------------------------------------------------ */

static void every_heading_form(void **state)
{
	const char *text =
		"某项工作方案\n"
		"发布时间：2020-01-02\n"
		"一、总体要求\n"
		"(一)指导思想\n"
		"1.坚持问题导向\n"
		"(1)摸清底数\n"
		"（2）建立台账\n"
		"2．突出重点\n"
		"3、稳步推进\n"
		"（二） 工作目标\n"
		"二、主要任务\n"
		"一是加强统筹。二是压实责任。\n"
		"1.各单位要按照本方案要求,结合实际制定具体措施,确保各项任务落到实处。\n"
		"1.5亿元资金由市财政安排\n";
	folio_doc *doc = import_ok(text, &with_issuer);
	const folio_block *s1, *s11, *s111, *s2;

	(void)state;
	assert_int_equal(doc->numbering, FOLIO_NUMBERING_GBT9704);
	assert_int_equal(count(doc->body), 2);
	s1 = doc->body;
	assert_int_equal(s1->kind, FOLIO_BLOCK_SECTION);
	assert_int_equal(s1->level, 1);
	assert_string_equal(s1->text, "总体要求");
	assert_int_equal(count(s1->children), 2);
	s11 = s1->children;
	assert_int_equal(s11->level, 2);
	assert_string_equal(s11->text, "指导思想");
	assert_int_equal(count(s11->children), 3);
	s111 = s11->children;
	assert_int_equal(s111->level, 3);
	assert_string_equal(s111->text, "坚持问题导向");
	assert_int_equal(count(s111->children), 2);
	assert_int_equal(s111->children->level, 4);
	assert_string_equal(s111->children->text, "摸清底数");
	assert_string_equal(s111->children->next->text, "建立台账");
	assert_string_equal(nth(s11->children, 1)->text, "突出重点");
	assert_string_equal(nth(s11->children, 2)->text, "稳步推进");
	assert_int_equal(nth(s11->children, 2)->level, 3);
	assert_string_equal(s11->next->text, "工作目标");
	assert_int_equal(s11->next->level, 2);
	s2 = s1->next;
	assert_string_equal(s2->text, "主要任务");
	/* 一是 is not a heading; long or sentence lines are paragraphs,
	 * and 1.5 is a number, not a heading. */
	assert_int_equal(count(s2->children), 3);
	assert_int_equal(s2->children->kind, FOLIO_BLOCK_PARA);
	assert_string_equal(s2->children->text, "一是加强统筹。二是压实责任。");
	assert_int_equal(nth(s2->children, 1)->kind, FOLIO_BLOCK_PARA);
	assert_true(strncmp(nth(s2->children, 1)->text, "1.各单位", 11) == 0);
	assert_int_equal(nth(s2->children, 2)->kind, FOLIO_BLOCK_PARA);
	assert_string_equal(nth(s2->children, 2)->text, "1.5亿元资金由市财政安排");
	folio_doc_free(doc);
}

static void odd_heading_orders_nest(void **state)
{
	const char *text =
		"标题文字\n"
		"2020年1月2日\n"
		"（一）没有一级标题\n"
		"段落。\n"
		"（1）跳过三级\n"
		"一、一级标题\n"
		"（3）四级直接在一级下\n"
		"（二）二级\n";
	folio_import_report r;
	folio_doc *doc = import_report(text, &r, &with_issuer);
	const folio_block *a, *b;

	(void)state;
	/* Levels are depths, as the XML source keeps them and styles
	 * number them: a heading that skips a level is printed with its
	 * depth's number, and the report says so. */
	assert_int_equal(count(doc->body), 2);
	a = doc->body;
	assert_int_equal(a->level, 1);
	assert_int_equal(count(a->children), 2);
	assert_int_equal(nth(a->children, 1)->level, 2);
	b = a->next;
	assert_int_equal(b->level, 1);
	assert_int_equal(count(b->children), 2);
	assert_int_equal(b->children->level, 2);
	assert_int_equal(b->children->next->level, 2);
	assert_string_equal(entry(&r, 3)->typed, "（一）");
	assert_string_equal(entry(&r, 3)->generated, "一、");
	assert_string_equal(entry(&r, 5)->generated, "（一）");
	assert_string_equal(entry(&r, 6)->generated, "二、");
	assert_string_equal(entry(&r, 7)->generated, "（一）");
	assert_null(entry(&r, 8));  /* （二） is the second at depth 2 */
	assert_int_equal(r.renumbered, 4);
	folio_import_report_free(&r);
	folio_doc_free(doc);
}

static void chapters_and_articles(void **state)
{
	const char *text =
		"某市档案管理办法\n"
		"发布时间：2019-09-09\n"
		"第一章 总则\n"
		"第一条 为加强档案管理,制定本办法。\n"
		"第二条 本办法适用于:\n"
		"（一）机关;\n"
		"（二）事业单位。\n"
		"第二章 管理\n"
		"第一节 收集\n"
		"第三条 档案应当及时收集。\n";
	folio_doc *doc = import_ok(text, &with_issuer);
	const folio_block *ch1, *art2, *ch2;

	(void)state;
	assert_int_equal(doc->numbering, FOLIO_NUMBERING_CHAPTERS);
	assert_string_equal(doc->meta.category, "办法");
	assert_int_equal(count(doc->body), 2);
	ch1 = doc->body;
	assert_int_equal(ch1->level, 1);
	assert_string_equal(ch1->text, "总则");
	assert_int_equal(count(ch1->children), 2);
	assert_int_equal(ch1->children->kind, FOLIO_BLOCK_ARTICLE);
	assert_string_equal(ch1->children->children->text,
		"为加强档案管理，制定本办法。");
	art2 = ch1->children->next;
	assert_int_equal(art2->kind, FOLIO_BLOCK_ARTICLE);
	assert_int_equal(count(art2->children), 3);
	assert_string_equal(art2->children->text, "本办法适用于：");
	assert_string_equal(nth(art2->children, 1)->text, "（一）机关；");
	ch2 = ch1->next;
	assert_string_equal(ch2->text, "管理");
	assert_int_equal(ch2->children->level, 2);
	assert_string_equal(ch2->children->text, "收集");
	assert_int_equal(ch2->children->children->kind, FOLIO_BLOCK_ARTICLE);
	folio_doc_free(doc);
}

/* ---- punctuation --------------------------------------------------------- */

static void punctuation_rules(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{"中文,中文", "中文，中文"},
		{"如下:其次;再次", "如下：其次；再次"},
		{"是吗?是的!", "是吗？是的！"},
		{"分为2020年,2022年", "分为2020年，2022年"},
		{"共3,000元,合计", "共3,000元，合计"},
		{"会议于10:30开始", "会议于10:30开始"},
		{"时间:10:30", "时间：10:30"},
		{"各县(市)区", "各县（市）区"},
		{"意见稿)》(以下简称)", "意见稿）》（以下简称）"},
		{"使用Windows(操作系统)办公", "使用Windows（操作系统）办公"},
		{"函数f(x)的值", "函数f(x)的值"},
		{"版本v1.2(beta)发布", "版本v1.2(beta)发布"},
		{"Hello, world: ok (yes)!", "Hello, world: ok (yes)!"},
		{"详见http://www.example.gov.cn/a,b?x=1:2查询",
		 "详见http://www.example.gov.cn/a,b?x=1:2查询"},
		{"邮箱:office@example.cn,电话", "邮箱：office@example.cn,电话"},
		{"(见www.example.cn/p(1))", "（见www.example.cn/p(1)）"},
		{"五个“新”(新成效、新优势)。", "五个“新”（新成效、新优势）。"},
		/* nested: a full-width pair inside makes its parent Chinese;
		 * a sibling's does not */
		{"a(b(中)c)d", "a（b（中）c）d"},
		{"x((a))y", "x((a))y"},
		{"字((a))字", "字（(a)）字"},
		{"x(((中)))x", "x（（（中）））x"},
		{"x((a)(中))x", "x（(a)（中））x"},
		{"x(中)(a)x", "x（中）(a)x"},
		{"(a)(中)x", "(a)（中）x"},
	};
	char text[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		folio_doc *doc;
		snprintf(text, sizeof(text),
			"关于测试标点的通知\n发布时间：2020-01-01\n%s\n",
			cases[i].in);
		doc = import_ok(text, &with_issuer);
		assert_int_equal(count(doc->body), 1);
		if (strcmp(doc->body->text, cases[i].want) != 0)
			fail_msg("'%s' gave '%s', expected '%s'", cases[i].in,
				doc->body->text, cases[i].want);
		folio_doc_free(doc);
	}
}

/* 20000 nested pairs: all Latin stays ASCII, one Han character at the
 * centre makes every level full width (the importer once rescanned each
 * pair's content, quadratic in the depth). */
static void deep_brackets(void **state)
{
	enum { DEPTH = 20000 };
	static const char *const centre[] = {"a", "中"};
	const char *head = "关于测试标点的通知\n发布时间：2020-01-01\nx";
	size_t hl = strlen(head), k, i;
	char *text = malloc(hl + 2 * DEPTH + 8);

	(void)state;
	assert_non_null(text);
	for (k = 0; k < 2; k++) {
		folio_doc *doc;
		const char *t, *cp;
		size_t opens = 0, closes = 0, full = 0;

		memcpy(text, head, hl);
		memset(text + hl, '(', DEPTH);
		strcpy(text + hl + DEPTH, centre[k]);
		i = strlen(text);
		memset(text + i, ')', DEPTH);
		strcpy(text + i + DEPTH, "x\n");
		doc = import_ok(text, &with_issuer);
		t = doc->body->text;
		for (cp = t; *cp; cp++) {
			opens += *cp == '(';
			closes += *cp == ')';
		}
		for (cp = t; (cp = strstr(cp, "（")) != NULL; cp += 3)
			full++;
		for (cp = t; (cp = strstr(cp, "）")) != NULL; cp += 3)
			full++;
		if (k == 0) {
			assert_int_equal(opens, DEPTH);
			assert_int_equal(closes, DEPTH);
		} else {
			assert_int_equal(opens + closes, 0);
			assert_int_equal(full, 2 * DEPTH);
		}
		folio_doc_free(doc);
	}
	free(text);
}

/* Every Han character of the body region survives, in order (heading
 * numbers are regenerated by the model and compared as well). */
static void han_characters_preserved(void **state)
{
	const char *body =
		"一、出台背景(依据)\n"
		"2019年5月8日,国务院下发了《意见》(国发〔2019〕 11号)。\n"
		"(一)县(市)区:任务\n"
		"一是强调方向:即五个“新”(新成效、新优势)。二是明确目标。\n"
		"1.第一项\n"
		"(1)细目一\n"
		"(2)细目二\n"
		"二、保障措施\n"
		"加强领导,落实责任;强化考核!完善机制?\n";
	char text[2048];
	folio_buf want = {0}, got = {0}, flat = {0};
	folio_doc *doc;

	(void)state;
	snprintf(text, sizeof(text), "某方案\n发布时间:2020-04-27\n%s", body);
	doc = import_ok(text, &with_issuer);
	flatten(&flat, doc, doc->body);
	han_only(&want, body);
	han_only(&got, flat.data);
	assert_string_equal(got.data, want.data);
	assert_false(body_has(doc, ","));
	assert_false(body_has(doc, "("));
	folio_buf_free(&want);
	folio_buf_free(&got);
	folio_buf_free(&flat);
	folio_doc_free(doc);
}

/* ---- --meta -------------------------------------------------------------- */

static void meta_overrides(void **state)
{
	static const folio_meta_override m[] = {
		{"title", "新标题"}, {"subtitle", "副标题"},
		{"issuer", "某市人民政府"}, {"doc-number", "某政发〔2020〕1号"},
		{"date", "2020年5月6日"}, {"category", "通报"},
		{"security", "公开"}, {"retention", "定期30年"},
		{"keywords", "开发区, 高质量，发展、方案"},
		{"recipients", "各区人民政府,市政府各部门"}, {"cc", "市委办公室"},
		{"printed-by", "某市人民政府办公室"},
		{"printed-date", "2020-05-07"},
		{"url", "http://www.example.gov.cn/a.html"},
		{"id", "doc-2020.1"},
	};
	folio_import_options o = {m, sizeof(m) / sizeof(m[0]), NULL};
	const char *text = "旧标题的通知\n发布时间：2020-04-27\n正文。\n";
	folio_doc *doc = import_ok(text, &o);

	(void)state;
	assert_string_equal(doc->meta.title, "新标题");
	assert_string_equal(doc->meta.subtitle, "副标题");
	assert_string_equal(doc->meta.issuer, "某市人民政府");
	assert_string_equal(doc->meta.doc_number, "某政发〔2020〕1号");
	assert_string_equal(doc->meta.date, "2020-05-06");
	assert_string_equal(doc->meta.category, "通报");
	assert_string_equal(doc->meta.security, "公开");
	assert_string_equal(doc->meta.retention, "定期30年");
	assert_int_equal(doc->meta.keywords.count, 4);
	assert_string_equal(doc->meta.keywords.items[1], "高质量");
	assert_string_equal(doc->meta.keywords.items[3], "方案");
	assert_int_equal(doc->meta.recipients.count, 2);
	assert_int_equal(doc->meta.cc.count, 1);
	assert_string_equal(doc->meta.printed_by, "某市人民政府办公室");
	assert_string_equal(doc->meta.printed_date, "2020-05-07");
	assert_string_equal(doc->meta.url, "http://www.example.gov.cn/a.html");
	assert_string_equal(doc->meta.id, "doc-2020.1");
	folio_doc_free(doc);
}

static void meta_errors(void **state)
{
	static const struct { const char *key, *value, *msg; } cases[] = {
		{"colour", "red", "unknown key 'colour'"},
		{"date", "2020-02-30", "expected a calendar date"},
		{"date", "昨天", "expected a calendar date"},
		{"security", "保密", "expected 公开"},
		{"retention", "五年", "expected 永久"},
		{"id", "中文", "expected 1-64 ASCII"},
		{"title", "  ", "expected a value"},
	};
	const char *text = "某通知\n发布时间：2020-04-27\n正文。\n";
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		folio_meta_override m[2] = {{"issuer", "某局"},
			{cases[i].key, cases[i].value}};
		folio_import_options o = {m, 2, NULL};
		folio_error err = {0};
		assert_int_equal(import_err(text, strlen(text), &o, &err),
			FOLIO_EUSAGE);
		if (strstr(err.msg, cases[i].msg) == NULL)
			fail_msg("%s=%s: '%s'", cases[i].key, cases[i].value,
				err.msg);
	}
}

static void default_id_and_category(void **state)
{
	const char *text = "某市城市管理办法（试行）\n发布时间：2020-04-27\n正文。\n";
	folio_doc *doc = NULL, *doc2 = NULL;
	folio_error err = {0};

	(void)state;
	assert_int_equal(folio_text_import_memory(&doc,
		"in/Report 2020 (v2).txt", text, strlen(text), &with_issuer,
		NULL, &err), 0);
	assert_string_equal(doc->meta.id, "Report-2020-v2");
	assert_string_equal(doc->meta.category, "办法");
	assert_int_equal(folio_text_import_memory(&doc2, "材料/政策解读.txt",
		text, strlen(text), &with_issuer, NULL, &err), 0);
	assert_int_equal(strncmp(doc2->meta.id, "doc-", 4), 0);
	assert_int_equal(strlen(doc2->meta.id), 12);
	folio_doc_free(doc);
	folio_doc_free(doc2);
}

static void missing_issuer_says_how(void **state)
{
	const char *text = "某通知\n发布时间：2020-04-27\n正文。\n";
	folio_error err = {0};

	(void)state;
	assert_int_equal(import_err(text, strlen(text), NO_META, &err),
		FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "--meta issuer="));
}

/* ---- bad input ----------------------------------------------------------- */

static void bad_inputs(void **state)
{
	folio_error err;
	const char bad_utf8[] = "标题\n发布时间：2020-01-01\n正文\xC3\x28错\n";
	const char nul[] = "标题\n正\0文\n";
	/* UTF-16 with a byte order mark is read, but not a lone surrogate */
	const char utf16[] = "\xFF\xFE\x07\x68\x00\xD8\x41\x00";

	(void)state;
	memset(&err, 0, sizeof(err));
	assert_int_equal(import_err("", 0, &with_issuer, &err), FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "t.txt:1:1: expected the text"));
	assert_non_null(strstr(err.msg, "empty file"));
	memset(&err, 0, sizeof(err));
	assert_int_equal(import_err(" \n\t\n\xE3\x80\x80\n", 8, &with_issuer,
		&err), FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "only white space"));
	memset(&err, 0, sizeof(err));
	assert_int_equal(import_err(bad_utf8, sizeof(bad_utf8) - 1,
		&with_issuer, &err), FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "t.txt:3:3: invalid UTF-8 at byte"));
	memset(&err, 0, sizeof(err));
	assert_int_equal(import_err(nul, sizeof(nul) - 1, &with_issuer, &err),
		FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "t.txt:2:2:"));
	memset(&err, 0, sizeof(err));
	assert_int_equal(import_err(utf16, sizeof(utf16) - 1, &with_issuer,
		&err), FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "t.txt:1:2: expected UTF-16LE text"));
	memset(&err, 0, sizeof(err));
	assert_int_equal(import_err("标题一\n发布时间：2020-01-01\n\n分享：\n",
		strlen("标题一\n发布时间：2020-01-01\n\n分享：\n"), &with_issuer,
		&err), FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "t.txt:3:1: expected body text"));
	memset(&err, 0, sizeof(err));
	/* the title as the last line, no newline after it (found by
	 * fuzzing: the message read past the lines) */
	memset(&err, 0, sizeof(err));
	assert_int_equal(import_err("关于某事的通知", strlen("关于某事的通知"),
		&with_issuer, &err), FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "t.txt:1:1: expected body text"));
	memset(&err, 0, sizeof(err));
	assert_int_equal(import_err("标题\n第一条\n", 17, &with_issuer, &err),
		FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "t.txt:2:1: expected the text of an "
		"article"));
}

static void file_errors(void **state)
{
	folio_doc *doc = NULL;
	folio_error err = {0};

	(void)state;
	assert_int_equal(folio_text_import(&doc, "/nonexistent/x.txt", NULL,
		NULL, &err), FOLIO_EIO);
	assert_null(doc);
	assert_non_null(strstr(err.msg, "/nonexistent/x.txt"));
}

/* ---- XML writer ---------------------------------------------------------- */

static int schema_valid(const char *xml, size_t len)
{
	char exe[PATH_MAX], schema[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	xmlRelaxNGParserCtxtPtr pc;
	xmlRelaxNGPtr rng;
	xmlRelaxNGValidCtxtPtr vc;
	xmlDocPtr x;
	int ok, i;

	assert_true(n > 0);
	exe[n] = '\0';
	/* <top>/build/<variant>/tests/<test>: up four levels. */
	for (i = 0; i < 4; i++)
		dirname(exe);
	snprintf(schema, sizeof(schema), "%s/schemas/document.rng", exe);
	pc = xmlRelaxNGNewParserCtxt(schema);
	assert_non_null(pc);
	rng = xmlRelaxNGParse(pc);
	if (rng == NULL)
		fail_msg("cannot load %s", schema);
	vc = xmlRelaxNGNewValidCtxt(rng);
	x = xmlReadMemory(xml, (int)len, "out.xml", NULL, XML_PARSE_NONET);
	assert_non_null(x);
	ok = xmlRelaxNGValidateDoc(vc, x) == 0;
	xmlFreeDoc(x);
	xmlRelaxNGFreeValidCtxt(vc);
	xmlRelaxNGFree(rng);
	xmlRelaxNGFreeParserCtxt(pc);
	return ok;
}

static void writer_output_is_valid_and_stable(void **state)
{
	const char *text =
		"某市档案管理办法\n"
		"某档发〔2019〕3号\n"
		"发布时间：2019-09-09\n"
		"第一章 总则\n"
		"第一条 为加强档案管理,制定本办法。\n"
		"第二条 本办法所称档案 <含电子> & “纸质”。\n"
		"某市档案局\n"
		"2019年9月9日\n";
	static const folio_meta_override m[] = {{"keywords", "档案,管理"},
		{"cc", "市委办公室"}, {"security", "公开"}};
	folio_import_options o = {m, 3, NULL};
	folio_doc *doc = import_ok(text, &o);
	folio_buf a = {0}, b = {0};
	folio_error err = {0};

	(void)state;
	assert_int_equal(folio_xml_write(&a, doc, &err), 0);
	assert_int_equal(folio_xml_write(&b, doc, &err), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	assert_true(schema_valid(a.data, a.len));
	assert_non_null(strstr(a.data, "numbering=\"chapters\""));
	assert_non_null(strstr(a.data, "<doc-number>某档发〔2019〕3号</doc-number>"));
	assert_non_null(strstr(a.data, "&lt;含电子&gt; &amp; “纸质”"));
	assert_non_null(strstr(a.data, "    <keywords>\n      <keyword>档案"));
	assert_non_null(strstr(a.data, "<closing>\n    <issuer>某市档案局"));
	assert_int_equal(a.data[a.len - 1], '\n');
	folio_buf_free(&a);
	folio_buf_free(&b);
	folio_doc_free(doc);
}

static void writer_refuses_invalid_models(void **state)
{
	folio_doc *doc = import_ok("某通知\n日期：2020-01-01\n正文。\n",
		&with_issuer);
	folio_buf out = {0};
	folio_error err = {0};
	folio_block *list;

	(void)state;
	/* An empty list cannot be written as a valid source. */
	list = folio_doc_block(doc, FOLIO_BLOCK_LIST);
	list->line = 9;
	list->col = 2;
	doc->body->next = list;
	assert_int_equal(folio_xml_write(&out, doc, &err), FOLIO_EINPUT);
	assert_non_null(strstr(err.msg,
		"t.txt:9:2: expected text in this list"));
	assert_int_equal(out.len, 0);
	/* A control character XML forbids. */
	memset(&err, 0, sizeof(err));
	doc->body->next = NULL;
	doc->body->text = "a\x01z";
	assert_int_equal(folio_xml_write(&out, doc, &err), FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "U+0001"));
	memset(&err, 0, sizeof(err));
	doc->body->text = "ok";
	doc->meta.issuer = NULL;
	assert_int_equal(folio_xml_write(&out, doc, &err), FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "issuer"));
	folio_buf_free(&out);
	folio_doc_free(doc);
}

static void write_file_is_atomic(void **state)
{
	char dir[] = "/tmp/folio-xmlw-XXXXXX", path[64];
	folio_doc *doc = import_ok("某通知\n日期：2020-01-01\n正文。\n",
		&with_issuer);
	folio_error err = {0};
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out.xml", dir);
	assert_int_equal(folio_xml_write_file(path, doc, &err), 0);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	fclose(fp);
	/* A failed write leaves nothing under the final name. */
	doc->meta.title = NULL;
	snprintf(path, sizeof(path), "%s/bad.xml", dir);
	memset(&err, 0, sizeof(err));
	assert_int_equal(folio_xml_write_file(path, doc, &err), FOLIO_EINPUT);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/out.xml", dir);
	unlink(path);
	rmdir(dir);
	folio_doc_free(doc);
}

/* ---- the page's parts ----------------------------------------------------- */

static folio_doc *import_report(const char *text, folio_import_report *r,
	const folio_import_options *o)
{
	folio_doc *doc = NULL;
	folio_error err = {0};

	memset(r, 0, sizeof(*r));
	if (folio_text_import_memory(&doc, "t.txt", text, strlen(text), o, r,
	    &err) != 0)
		fail_msg("import failed: %s", err.msg);
	return doc;
}

static const folio_import_entry *entry(const folio_import_report *r,
	unsigned line)
{
	size_t i;

	for (i = 0; i < r->n_entries; i++)
		if (r->entries[i].line == line)
			return &r->entries[i];
	return NULL;
}

/* The case: body lines with Latin+digit tokens next to Han (G20,
 * 5G) look like keyword spam, but below the title nothing is spam. */
static void spam_only_above_the_title(void **state)
{
	const char *text =
		"abc88娱乐_abc88官网_手机版下载\n"
		"江临市数字经济发展报告\n"
		"发布时间：2024-01-18\n"
		"G20峰会期间形成的数字贸易合作成果在我市落地。\n"
		"全市5G基站达到3200个_覆盖率99%。\n";
	folio_import_report r;
	folio_doc *doc = import_report(text, &r, &with_issuer);
	folio_buf sum = {0};

	(void)state;
	assert_string_equal(doc->meta.title, "江临市数字经济发展报告");
	assert_int_equal(count(doc->body), 2);
	assert_non_null(entry(&r, 1));
	assert_string_equal(entry(&r, 1)->reason, "SEO spam");
	assert_int_equal(entry(&r, 1)->action, FOLIO_IMPORT_DROPPED);
	assert_null(entry(&r, 4));
	assert_null(entry(&r, 5));
	assert_int_equal(r.dropped, 1);
	assert_int_equal(folio_import_report_summary(&sum, &r), 0);
	assert_string_equal(sum.data, "dropped 1 line: 1 SEO spam; 2 lines "
		"became title, metadata, 落款 or 版记");
	folio_buf_free(&sum);
	folio_import_report_free(&r);
	folio_doc_free(doc);
}

static void metadata_table_fields(void **state)
{
	const char *text =
		"索 引 号：000014349/2024-00123    主题分类：城乡建设\\其他\n"
		"发文机关: 某市人民政府　　成文日期: 2024年11月20日\n"
		"发文字号：某政发 〔2024〕 5 号    发布日期：2024年11月25日\n"
		"有 效 性：有效\n"
		"某市人民政府关于加强某项工作的通知\n"
		"各区人民政府：\n"
		"现就有关事项通知如下。\n";
	folio_import_report r;
	folio_doc *doc = import_report(text, &r, NULL);

	(void)state;
	assert_string_equal(doc->meta.index_number, "000014349/2024-00123");
	assert_string_equal(doc->meta.subject, "城乡建设\\其他");
	assert_string_equal(doc->meta.issuer, "某市人民政府");
	assert_string_equal(doc->meta.doc_number, "某政发〔2024〕5号");
	/* 成文日期 before 发布日期 */
	assert_string_equal(doc->meta.date, "2024-11-20");
	assert_string_equal(doc->meta.recipients.items[0], "各区人民政府");
	assert_int_equal(entry(&r, 4)->action, FOLIO_IMPORT_DROPPED);
	assert_non_null(strstr(entry(&r, 4)->detail, "有效性: no field"));
	assert_int_equal(entry(&r, 1)->action, FOLIO_IMPORT_MOVED);
	assert_int_equal(count(doc->body), 1);
	folio_import_report_free(&r);
	folio_doc_free(doc);
}

static void more_date_forms(void **state)
{
	static const struct { const char *page, *want; } cases[] = {
		/* 民國 years, with and without the word on the line */
		{"某縣政府公告\n發布日期：民國113年5月1日\n本府公告如下。\n",
		 "2024-05-01"},
		{"某縣政府公告\n發布日期：中華民國一百一十三年五月一日\n"
		 "本府公告如下。\n", "2024-05-01"},
		{"某縣政府公告\n本案依民國法規辦理。\n本府公告如下。\n"
		 "某縣政府\n113年7月8日\n", "2024-07-08"},
		/* Chinese numerals with 零, blanks, full-width digits */
		{"某局通知\n正文一。\n某市某局\n二零二四年九月十日\n",
		 "2024-09-10"},
		{"某局通知\n正文一。\n某市某局\n2024 年 5 月 6 日\n",
		 "2024-05-06"},
		{"某局通知\n正文一。\n某市某局\n２０２４年５月６日\n",
		 "2024-05-06"},
		{"某局通知\n日期：2020.4.27\n正文一。\n", "2020-04-27"},
		{"某局通知\n2021-01-05 10:30:00 星期二\n正文一。\n",
		 "2021-01-05"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		folio_doc *doc = import_ok(cases[i].page, &with_issuer);
		if (strcmp(doc->meta.date, cases[i].want) != 0)
			fail_msg("case %zu: %s, expected %s", i,
				doc->meta.date, cases[i].want);
		folio_doc_free(doc);
	}
	/* 113年 means nothing on a page that never says 民國 */
	{
		folio_error err = {0};
		const char *t = "某局通知\n正文一。\n某市某局\n113年7月8日\n";
		assert_int_equal(import_err(t, strlen(t), &with_issuer, &err),
			FOLIO_EINPUT);
		assert_non_null(strstr(err.msg, "no date found"));
	}
}

static void doc_number_forms(void **state)
{
	static const struct { const char *line, *want; } cases[] = {
		{"国办发明电〔2015〕18号", "国办发明电〔2015〕18号"},
		{"某市政府令〔2010〕第15号", "某市政府令〔2010〕第15号"},
		{"某政办函［2023］ 41号", "某政办函〔2023〕41号"},
		{"院臺法字第1130012345號", "院臺法字第1130012345號"},
		{"某政发〔2024〕3号　　　签发人：张某", "某政发〔2024〕3号"},
	};
	char page[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		folio_doc *doc;
		snprintf(page, sizeof(page), "某某市人民政府文件\n%s\n"
			"关于某项工作的通知\n正文。\n某某市人民政府\n"
			"2024年1月2日\n", cases[i].line);
		doc = import_ok(page, NULL);
		assert_string_equal(doc->meta.doc_number, cases[i].want);
		assert_string_equal(doc->meta.issuer, "某某市人民政府");
		assert_string_equal(doc->meta.title, "关于某项工作的通知");
		folio_doc_free(doc);
	}
}

/* A typed number the style would write otherwise is reported with both
 * forms; one it writes alike (1． for 1.) is not. */
static void renumbered_headings_are_reported(void **state)
{
	const char *text =
		"某方案\n发布时间：2020-01-02\n"
		"一、总体要求\n正文。\n"
		"三、主要任务\n"
		"（一）甲\n"
		"1．第一项\n";
	folio_import_report r;
	folio_doc *doc = import_report(text, &r, &with_issuer);
	const folio_import_entry *e = entry(&r, 5);

	(void)state;
	assert_non_null(e);
	assert_int_equal(e->action, FOLIO_IMPORT_RENUMBERED);
	assert_string_equal(e->typed, "三、");
	assert_string_equal(e->generated, "二、");
	assert_null(entry(&r, 3));
	assert_null(entry(&r, 6));
	assert_null(entry(&r, 7));
	assert_int_equal(r.renumbered, 1);
	folio_import_report_free(&r);
	folio_doc_free(doc);
}

static void traditional_numbers(void **state)
{
	const char *text =
		"某某規章\n發布日期：2024年1月2日\n"
		"第一章　總則\n第一條　為規範管理，制定本規章。\n"
		"第二條　本規章自公佈翌日起生效。\n";
	folio_doc *doc = import_ok(text, &with_issuer);
	char num[32];

	(void)state;
	assert_string_equal(doc->lang, "zh-Hant");
	assert_int_equal(doc->numbering, FOLIO_NUMBERING_CHAPTERS);
	folio_doc_number(num, sizeof(num), doc, FOLIO_BLOCK_ARTICLE, 0, 2);
	assert_string_equal(num, "第二條");
	folio_doc_number(num, sizeof(num), doc, FOLIO_BLOCK_SECTION, 2, 1);
	assert_string_equal(num, "第一節");
	folio_doc_free(doc);
}

/* "1.坚持" is a heading in plain text; "1. item" a list item once the
 * page is markdown. */
static void markdown_markers(void **state)
{
	const char *text =
		"# 某项工作方案\n发布时间：2020-01-02\n"
		"## 一、总体要求\n"
		"- 第一点\n- **第二点**\n"
		"1. 甲项\n2. 乙项\n";
	folio_import_report r;
	folio_doc *doc = import_report(text, &r, &with_issuer);
	const folio_block *s;

	(void)state;
	assert_string_equal(doc->meta.title, "某项工作方案");
	s = doc->body;
	assert_int_equal(s->kind, FOLIO_BLOCK_SECTION);
	assert_string_equal(s->text, "总体要求");
	assert_int_equal(s->unnumbered, 0);
	assert_int_equal(s->children->kind, FOLIO_BLOCK_LIST);
	assert_int_equal(s->children->ordered, 0);
	assert_string_equal(nth(s->children->children, 1)->text, "第二点");
	assert_int_equal(s->children->next->ordered, 1);
	assert_int_equal(count(s->children->next->children), 2);
	assert_int_equal(r.marker_lines, 6);
	folio_import_report_free(&r);
	folio_doc_free(doc);
}

/* Hostile shapes end in a clean error or a document, never in a stall:
 * the recognisers look at short lines only and each pass is linear. */
static void hostile_pages(void **state)
{
	enum { LINES = 20000 };
	static const char *const shapes[] = {"索引号：", "附件1\n某表", "第1条",
		"抄送：甲，", "（此件公开发布）", "二〇二四年一月一日",
		"一、", "某某市人民政府", "【字号：大 中 小】", "# 标题"};
	size_t k, i;

	(void)state;
	for (k = 0; k < sizeof(shapes) / sizeof(shapes[0]); k++) {
		folio_buf b = {0};
		folio_doc *doc = NULL;
		folio_error err = {0};
		int rc;
		folio_buf_puts(&b, "关于测试的通知\n发布时间：2020-01-01\n");
		for (i = 0; i < LINES; i++) {
			folio_buf_puts(&b, shapes[k]);
			folio_buf_putc(&b, '\n');
		}
		rc = folio_text_import_memory(&doc, "h.txt", b.data, b.len,
			&with_issuer, NULL, &err);
		assert_true(rc == 0 || rc == FOLIO_EINPUT);
		assert_true(rc == 0 ? doc != NULL : err.msg[0] != '\0');
		folio_doc_free(doc);
		folio_buf_free(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spam_only_above_the_title),
		cmocka_unit_test(metadata_table_fields),
		cmocka_unit_test(more_date_forms),
		cmocka_unit_test(doc_number_forms),
		cmocka_unit_test(renumbered_headings_are_reported),
		cmocka_unit_test(traditional_numbers),
		cmocka_unit_test(markdown_markers),
		cmocka_unit_test(hostile_pages),
		cmocka_unit_test(chrome_is_dropped),
		cmocka_unit_test(attachment_with_text_is_listed),
		cmocka_unit_test(invented_spam_line_is_skipped),
		cmocka_unit_test(related_keyword_line_is_not_spam),
		cmocka_unit_test(date_forms),
		cmocka_unit_test(impossible_date_is_located),
		cmocka_unit_test(closing_date_and_issuer),
		cmocka_unit_test(doc_number_line_and_citation),
		cmocka_unit_test(doc_number_below_title),
		cmocka_unit_test(every_heading_form),
		cmocka_unit_test(odd_heading_orders_nest),
		cmocka_unit_test(chapters_and_articles),
		cmocka_unit_test(punctuation_rules),
		cmocka_unit_test(deep_brackets),
		cmocka_unit_test(han_characters_preserved),
		cmocka_unit_test(meta_overrides),
		cmocka_unit_test(meta_errors),
		cmocka_unit_test(default_id_and_category),
		cmocka_unit_test(missing_issuer_says_how),
		cmocka_unit_test(bad_inputs),
		cmocka_unit_test(file_errors),
		cmocka_unit_test(writer_output_is_valid_and_stable),
		cmocka_unit_test(writer_refuses_invalid_models),
		cmocka_unit_test(write_file_is_atomic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
