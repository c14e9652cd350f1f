/* Layout of what the importer puts in the model besides body text, with
 * the shipped fonts and the gbt9704 style: the 附注 (GB/T 9704 7.3.6),
 * sections without a number, 第N部分 parts, traditional-Chinese numbers
 * and faces, attachments that are only listed, a joint 落款 (7.3.5),
 * and a form's trailing blanks. Positions are checked in characters of
 * the grid from GB/T 9704 numbers (mm), not from the layout's helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/layout.h"
#include "style/style_read.h"
#include "util/paths.h"
#include "util/xml.h"

#define MM (72.0 / 25.4)
#define LEFT (28 * MM)
#define RIGHT ((28 + 156) * MM)
#define PITCH_X (156.0 / 28 * MM)

#include "layout_fixture.h"

/* ---- the output as lines of text ------------------------------------ */

typedef struct tline {
	size_t page;
	int band;
	folio_run_kind kind;
	double x0, x1;
	char text[512];
	const folio_face *face;  /* of the line's first run */
} tline;

typedef struct lines {
	tline l[256];
	size_t n;
	size_t pages;
} lines;

static void read_lines(lines *v, const folio_layout *lay)
{
	size_t p, i;

	memset(v, 0, sizeof(*v));
	v->pages = lay->n_pages;
	for (p = 0; p < lay->n_pages; p++)
		for (i = 0; i < lay->pages[p].n_runs; i++) {
			const folio_run *r = &lay->pages[p].runs[i];
			tline *l = v->n ? &v->l[v->n - 1] : NULL;
			if (r->line_index < 0)
				continue;
			if (l == NULL || l->page != p ||
			    l->band != r->line_index) {
				assert_true(v->n < 256);
				l = &v->l[v->n++];
				l->page = p;
				l->band = r->line_index;
				l->kind = r->kind;
				l->x0 = r->x;
				l->face = r->face;
			}
			if (r->x < l->x0)
				l->x0 = r->x;
			if (r->x + r->width > l->x1)
				l->x1 = r->x + r->width;
			strncat(l->text, r->text,
				sizeof(l->text) - strlen(l->text) - 1);
		}
}

/* The line whose text starts with s, or NULL. */
static const tline *find(const lines *v, const char *s)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strncmp(v->l[i].text, s, strlen(s)) == 0)
			return &v->l[i];
	return NULL;
}

static void lay_out(lines *v, const folio_doc *d, const folio_style *st)
{
	folio_layout_options o = {FOLIO_MISSING_GLYPH_ERROR};
	folio_error err = {0};
	folio_layout lay;

	if (folio_layout_document(&lay, d, st, fs, o, &err) < 0)
		fail_msg("layout: %s", err.msg);
	read_lines(v, &lay);
	if (getenv("LAYOUT_DUMP"))
		for (size_t i = 0; i < v->n; i++)
			printf("p%zu b%02d k%d %7.2f-%7.2f %s\n",
				v->l[i].page + 1, v->l[i].band, v->l[i].kind,
				v->l[i].x0, v->l[i].x1, v->l[i].text);
}

/* ---- documents ------------------------------------------------------- */

static const char *text(folio_doc *d, const char *s)
{
	folio_error err = {0};
	const char *t;

	assert_int_equal(folio_doc_text(&t, d, s, strlen(s), &err), 0);
	return t;
}

static folio_block *block(folio_doc *d, folio_block_kind kind, int level,
	const char *s)
{
	folio_block *b = folio_doc_block(d, kind);

	assert_non_null(b);
	b->level = level;
	b->text = s ? text(d, s) : NULL;
	return b;
}

static folio_doc *new_doc(void)
{
	folio_error err = {0};
	folio_doc *d;

	assert_int_equal(folio_doc_new(&d, "model.xml", &err), 0);
	d->meta.title = text(d, "关于做好档案工作的通知");
	d->meta.issuer = "江临市档案局";
	d->meta.date = "2024-03-05";
	return d;
}

/* 附注: on the line right under the 成文日期, two characters in, in
 * parentheses; without a 落款, on the line under the text. */
static void note_under_the_date(void **state)
{
	folio_doc *d = new_doc();
	const tline *date, *note;
	lines v;

	(void)state;
	d->body = block(d, FOLIO_BLOCK_PARA, 0, "请遵照执行。");
	d->has_closing = 1;
	d->note = text(d, "此件公开发布");
	lay_out(&v, d, gbt);
	date = find(&v, "2024年3月5日");
	note = find(&v, "（此件公开发布）");
	assert_non_null(date);
	assert_non_null(note);
	assert_int_equal(note->page, date->page);
	assert_int_equal(note->band, date->band + 1);
	assert_true(fabs(note->x0 - (LEFT + 2 * PITCH_X)) < 0.01);
	assert_ptr_equal(note, &v.l[v.n - 1 - (v.l[v.n - 1].kind ==
		FOLIO_RUN_PAGE_NUMBER)]);
	/* two notes (one text, 此件公开发布）（联系人…): a line each */
	d->note = text(d, "此件公开发布）（联系人：王敏，电话：2830017");
	lay_out(&v, d, gbt);
	note = find(&v, "（此件公开发布）");
	assert_non_null(note);
	assert_string_equal(note->text, "（此件公开发布）");
	assert_int_equal(find(&v, "（联系人：王敏")->band, note->band + 1);
	assert_true(fabs(find(&v, "（联系人：王敏")->x0 - (LEFT + 2 * PITCH_X))
		< 0.01);
	d->note = text(d, "此件公开发布");
	/* no 落款: under the text */
	d->has_closing = 0;
	lay_out(&v, d, gbt);
	note = find(&v, "（此件公开发布）");
	assert_non_null(note);
	assert_int_equal(note->band, find(&v, "请遵照执行。")->band + 1);
	folio_doc_free(d);
}

/* numbered="no": no number, and its numbered siblings count without
 * it; in parts numbering level 1 is 第N部分, centred, and the levels
 * below take 一、 （一）. */
static void unnumbered_and_parts(void **state)
{
	folio_doc *d = new_doc();
	folio_block *pre, *s1, *s2, *sub;
	lines v;

	(void)state;
	pre = block(d, FOLIO_BLOCK_SECTION, 1, "前言");
	pre->unnumbered = 1;
	pre->children = block(d, FOLIO_BLOCK_PARA, 0, "为此制定本计划。");
	s1 = block(d, FOLIO_BLOCK_SECTION, 1, "总体要求");
	sub = block(d, FOLIO_BLOCK_SECTION, 2, "指导思想");
	sub->children = block(d, FOLIO_BLOCK_SECTION, 3, "基本原则");
	s1->children = sub;
	s2 = block(d, FOLIO_BLOCK_SECTION, 1, "主要任务");
	s2->children = block(d, FOLIO_BLOCK_PARA, 0, "完善设施。");
	d->body = pre;
	pre->next = s1;
	s1->next = s2;
	lay_out(&v, d, gbt);
	assert_non_null(find(&v, "前言"));
	assert_non_null(find(&v, "一、总体要求"));
	assert_non_null(find(&v, "二、主要任务"));
	d->numbering = FOLIO_NUMBERING_PARTS;
	lay_out(&v, d, gbt);
	assert_non_null(find(&v, "前言"));
	assert_non_null(find(&v, "第一部分　总体要求"));
	assert_non_null(find(&v, "一、指导思想"));
	assert_non_null(find(&v, "（一）基本原则"));
	assert_non_null(find(&v, "第二部分　主要任务"));
	/* part headings and the unnumbered one centred in the measure */
	assert_true(fabs((find(&v, "第二部分")->x0 + find(&v,
		"第二部分")->x1) / 2 - (LEFT + RIGHT) / 2) < 1);
	assert_true(fabs((find(&v, "前言")->x0 + find(&v, "前言")->x1) / 2 -
		(LEFT + RIGHT) / 2) < 1);
	folio_doc_free(d);
}

/* A traditional-Chinese regulation: 第一章, 第一節, 第一條 and every
 * character of a role in one face (the -Hant faces of fonts.xml). */
static void traditional_numbers_and_faces(void **state)
{
	folio_doc *d = new_doc();
	folio_block *ch, *sec, *art;
	const tline *l;
	lines v;
	size_t i;

	(void)state;
	d->lang = "zh-Hant";
	d->numbering = FOLIO_NUMBERING_CHAPTERS;
	d->meta.title = text(d, "臺南縣社區營造補助自治條例");
	ch = block(d, FOLIO_BLOCK_SECTION, 1, "總則");
	sec = block(d, FOLIO_BLOCK_SECTION, 2, "補助對象");
	art = block(d, FOLIO_BLOCK_ARTICLE, 0, NULL);
	art->children = block(d, FOLIO_BLOCK_PARA, 0,
		"為推動社區營造，鼓勵居民參與公共事務，特制定本條例。");
	sec->children = art;
	ch->children = sec;
	d->body = ch;
	lay_out(&v, d, gbt);
	assert_non_null(find(&v, "第一章　總則"));
	assert_non_null(find(&v, "第一節　補助對象"));
	l = find(&v, "第一條　為推動");
	assert_non_null(l);
	/* the article's body text: one face for the whole line */
	for (i = 0; i < v.n; i++)
		if (v.l[i].kind == FOLIO_RUN_BODY &&
		    strstr(v.l[i].text, "社區") != NULL)
			break;
	assert_true(i < v.n);
	{
		folio_layout_options o = {FOLIO_MISSING_GLYPH_ERROR};
		folio_error err = {0};
		folio_layout lay;
		size_t p, k, body_faces = 0;
		const folio_face *seen[8];
		assert_int_equal(folio_layout_document(&lay, d, gbt, fs, o,
			&err), 0);
		for (p = 0; p < lay.n_pages; p++)
			for (k = 0; k < lay.pages[p].n_runs; k++) {
				const folio_run *r = &lay.pages[p].runs[k];
				size_t s;
				if (r->kind != FOLIO_RUN_BODY ||
				    strstr(r->text, "為推動") == NULL)
					continue;
				for (s = 0; s < body_faces && seen[s] !=
				    r->face; s++)
					;
				if (s == body_faces && body_faces < 8)
					seen[body_faces++] = r->face;
			}
		assert_int_equal(body_faces, 1);
		/* Noto Serif CJK TC, the map's 仿宋-Hant */
		assert_non_null(strstr(folio_face_name(seen[0]), "CJKtc"));
	}
	folio_doc_free(d);
}

/* An attachment without a body is listed in the 附件说明 and has no page:
 * 附件2, which has one, keeps its number. */
static void bodiless_attachment(void **state)
{
	folio_doc *d = new_doc();
	folio_attachment at[2];
	lines v, with;
	size_t i;

	(void)state;
	memset(at, 0, sizeof(at));
	at[0].title = text(d, "认定名单.xlsx");
	at[0].next = &at[1];
	at[1].title = text(d, "申报指南");
	at[1].body = block(d, FOLIO_BLOCK_PARA, 0, "按指南申报。");
	d->attachments = at;
	d->body = block(d, FOLIO_BLOCK_PARA, 0, "现予公布。");
	lay_out(&v, d, gbt);
	assert_non_null(find(&v, "附件：1．认定名单.xlsx"));
	assert_non_null(find(&v, "2．申报指南"));
	for (i = 0; i < v.n; i++)
		assert_true(strcmp(v.l[i].text, "附件1") != 0);
	assert_non_null(find(&v, "附件2"));
	assert_int_equal(find(&v, "附件2")->page, v.pages - 1);
	/* main text, then one page for 附件2 */
	assert_int_equal(v.pages, 2);
	/* with a body, 附件1 gets its page too */
	at[0].body = block(d, FOLIO_BLOCK_PARA, 0, "名单。");
	lay_out(&with, d, gbt);
	assert_int_equal(with.pages, 3);
	assert_non_null(find(&with, "附件1"));
	folio_doc_free(d);
}

/* A joint 落款 (the organs joined by an ideographic space): unsealed,
 * one organ a line, the lead first, right-aligned two characters in,
 * the date two characters right of the widest; sealed, side by side,
 * the last centred over the date that ends four characters in. */
static void joint_closing(void **state)
{
	folio_doc *d = new_doc();
	folio_style st = *gbt;
	const tline *a, *b, *date;
	lines v;

	(void)state;
	d->body = block(d, FOLIO_BLOCK_PARA, 0, "请遵照执行。");
	d->has_closing = 1;
	d->closing.issuer = text(d, "中共江临市委办公室　江临市政府办公室");
	d->closing.date = "2023-08-09";
	lay_out(&v, d, gbt);
	a = find(&v, "中共江临市委办公室");
	b = find(&v, "江临市政府办公室");
	date = find(&v, "2023年8月9日");
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(date);
	assert_string_equal(a->text, "中共江临市委办公室");
	assert_int_equal(b->band, a->band + 1);
	assert_int_equal(date->band, b->band + 1);
	assert_true(fabs(RIGHT - a->x1 - 2 * PITCH_X) < 0.01);
	assert_true(fabs(RIGHT - b->x1 - 2 * PITCH_X) < 0.01);
	assert_true(fabs(date->x0 - a->x0 - 2 * PITCH_X) < 0.01);
	st.closing_sealed = 1;
	st.closing_inset_chars = 4;
	lay_out(&v, d, &st);
	a = find(&v, "中共江临市委办公室");
	date = find(&v, "2023年8月9日");
	assert_non_null(a);
	assert_non_null(date);
	assert_non_null(strstr(a->text, "江临市政府办公室"));
	assert_int_equal(date->band, a->band + 1);
	assert_true(fabs(RIGHT - date->x1 - 4 * PITCH_X) < 0.01);
	/* the last organ (8 characters) centred over the date */
	assert_true(fabs((a->x1 - 4 * PITCH_X) - (date->x0 + date->x1) / 2)
		< 0.6);
	folio_doc_free(d);
}

/* A form's blanks at the end of a line keep their width. */
static void trailing_blanks_keep_width(void **state)
{
	folio_doc *d = new_doc();
	const tline *l;
	lines v;

	(void)state;
	{
		folio_error err = {0};
		const char *form = "填表人：\xe3\x80\x80\xe3\x80\x80"
			"\xe3\x80\x80\xe3\x80\x80";
		d->body = block(d, FOLIO_BLOCK_PARA, 0, NULL);
		assert_int_equal(folio_doc_para_text(&d->body->text, d, form,
			strlen(form), &err), 0);
	}
	lay_out(&v, d, gbt);
	l = find(&v, "填表人：");
	assert_non_null(l);
	/* two characters in, four of text, four blanks */
	assert_true(fabs(l->x1 - (LEFT + 10 * PITCH_X)) < 0.6);
	folio_doc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(note_under_the_date),
		cmocka_unit_test(unnumbered_and_parts),
		cmocka_unit_test(traditional_numbers_and_faces),
		cmocka_unit_test(bodiless_attachment),
		cmocka_unit_test(joint_closing),
		cmocka_unit_test(trailing_blanks_keep_width),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
