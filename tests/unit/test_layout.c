/* Geometry tests on the layout output with the shipped fonts and the
 * gbt9704 style: measure, grid, first baseline, page numbers, clreq
 * line starts and ends, headings and widows/orphans across pages,
 * balanced titles, missing glyphs, code point sets for subsetting.
 * Expected values are derived here from GB/T 9704 numbers (mm), not
 * from the layout's own helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/breaker.h"
#include "layout/layout.h"
#include "import/source.h"
#include "style/style_read.h"
#include "util/paths.h"
#include "util/utf8.h"
#include "util/xml.h"

#define MM (72.0 / 25.4)
#define LEFT (28 * MM)
#define RIGHT ((28 + 156) * MM)
#define PAGE_H (297 * MM)
#define PITCH_X (156.0 / 28 * MM)
#define PITCH_Y (225.0 / 22 * MM)
/* 16 pt line centred in its band, baseline 0.12 em over the box bottom. */
#define FIRST_BASELINE_MM (37 + (225.0 / 22 + 16 / MM) / 2 - 0.12 * 16 / MM)

#include "layout_fixture.h"

/* ---- a view of the output by line ---------------------------------- */

typedef struct vline {
	size_t page;
	int band;
	folio_run_kind kind;
	double x0, x1;          /* layout box */
	double glyph_end;       /* last glyph's advance end */
	double y, size;
	uint32_t first, last;
	char text[1024];
	size_t ng;              /* glyph boxes, from the runs */
	uint32_t gcp[160];
	double gx0[160], gx1[160];
} vline;

typedef struct view {
	vline *l;
	size_t n;
} view;

static double last_char_x(const folio_run *r, uint32_t *last)
{
	size_t len = strlen(r->text), off = 0, i = 0;
	double x = r->x;

	while (off < len) {
		uint32_t cp;
		size_t l = folio_utf8_decode(r->text + off, len - off, &cp);
		off += l;
		if (r->positions)
			x = r->positions[i];
		*last = cp;
		if (off < len && !r->positions)
			x += folio_face_advance(r->face, cp) * r->size +
				r->char_spacing;
		i++;
	}
	return x;
}

/* Every character's box (x, x + advance) in run r, appended to l. */
static void add_glyphs(vline *l, const folio_run *r)
{
	size_t len = strlen(r->text), off = 0, i = 0;
	double x = r->x;

	while (off < len) {
		uint32_t cp;
		size_t k = folio_utf8_decode(r->text + off, len - off, &cp);
		double adv = folio_face_advance(r->face, cp) * r->size;

		off += k;
		if (r->positions)
			x = r->positions[i];
		if (l->ng < sizeof(l->gcp) / sizeof(l->gcp[0])) {
			l->gcp[l->ng] = cp;
			l->gx0[l->ng] = x;
			l->gx1[l->ng] = x + adv;
			l->ng++;
		}
		if (!r->positions)
			x += adv + r->char_spacing;
		i++;
	}
}

static void build_view(view *v, const folio_layout *lay)
{
	size_t p, i;

	v->l = calloc(4096, sizeof(*v->l));
	v->n = 0;
	for (p = 0; p < lay->n_pages; p++)
		for (i = 0; i < lay->pages[p].n_runs; i++) {
			const folio_run *r = &lay->pages[p].runs[i];
			vline *l = v->n ? &v->l[v->n - 1] : NULL;
			uint32_t first = 0, last = 0;
			double lx;

			if (r->line_index < 0)
				continue;
			if (l == NULL || l->page != p ||
			    l->band != r->line_index) {
				assert_true(v->n < 4096);
				l = &v->l[v->n++];
				l->page = p;
				l->band = r->line_index;
				l->kind = r->kind;
				l->x0 = r->x;
				l->y = r->y;
				l->size = r->size;
				folio_utf8_decode(r->text, strlen(r->text),
					&first);
				l->first = first;
			}
			add_glyphs(l, r);
			lx = last_char_x(r, &last);
			l->last = last;
			l->x1 = r->x + r->width;
			l->glyph_end = lx +
				folio_face_advance(r->face, last) * r->size;
			strncat(l->text, r->text,
				sizeof(l->text) - strlen(l->text) - 1);
		}
}

static int is_continuation(const vline *l)
{
	return l->kind == FOLIO_RUN_BODY && fabs(l->x0 - LEFT) < 0.1;
}

static int is_para_start(const vline *l)
{
	return l->kind == FOLIO_RUN_BODY &&
		fabs(l->x0 - (LEFT + 2 * PITCH_X)) < 0.1;
}

/* The checks every document must pass under gbt9704. */
static void check_layout(const folio_layout *lay, const char *name)
{
	view v;
	size_t i, p;

	build_view(&v, lay);
	assert_true(v.n > 0);
	if (getenv("LAYOUT_DUMP"))
		for (i = 0; i < v.n; i++)
			printf("%s p%zu b%02d k%d %7.2f-%7.2f %s\n", name,
				v.l[i].page + 1, v.l[i].band, v.l[i].kind,
				v.l[i].x0, v.l[i].x1, v.l[i].text);
	for (i = 0; i < v.n; i++) {
		const vline *l = &v.l[i];
		const vline *next = i + 1 < v.n ? &v.l[i + 1] : NULL;
		int cont = next && is_continuation(next);

		/* Grid: baselines of 16 pt lines on the 22-line grid. */
		if (fabs(l->size - 16) < 1e-9) {
			double want = PAGE_H - (FIRST_BASELINE_MM * MM +
				l->band * PITCH_Y);
			if (fabs(l->y - want) > 0.5 * MM)
				fail_msg("%s p%zu band %d: baseline %.2f, want "
					"%.2f", name, l->page + 1, l->band,
					l->y, want);
		}
		assert_true(l->band >= 0 && l->band < 22);
		/* clreq at every line break inside a paragraph. */
		if (cont && folio_lb_no_start(next->first))
			fail_msg("%s p%zu: line starts with a forbidden mark: "
				"%s", name, next->page + 1, next->text);
		if (cont && folio_lb_no_end(l->last))
			fail_msg("%s p%zu: line ends with an opening mark: %s",
				name, l->page + 1, l->text);
		if (cont && (l->last == 0x2014 || l->last == 0x2026) &&
		    next->first == l->last)
			fail_msg("%s p%zu: ——/…… split: %s", name,
				l->page + 1, l->text);
		/* No gap between two glyphs of a justified line wider than
		 * half an em past the quarter em allowed between Han and
		 * Latin (GB/T 9704: no letter-spaced lines). */
		if (l->kind == FOLIO_RUN_BODY && cont) {
			size_t g;
			for (g = 0; g + 1 < l->ng; g++) {
				uint32_t a = l->gcp[g], b = l->gcp[g + 1];
				double extra = l->gx0[g + 1] - l->gx1[g];
				if ((a >= 0x2E80 && b < 0x80) ||
				    (a < 0x80 && b >= 0x2E80))
					extra -= 0.25 * l->size;
				if (extra > 0.5 * l->size + 1e-6)
					fail_msg("%s p%zu band %d: gap of %.2f em "
						"after glyph %zu (%.2f-%.2f, %.2f): %s",
						name, l->page + 1, l->band,
						extra / l->size, g, l->gx0[g],
						l->gx1[g], l->gx0[g + 1], l->text);
			}
		}
		/* A number never ends a line whose next starts with its
		 * counter (〔2018〕2 / 号). */
		if (cont && l->last < 0x80 && l->last >= '0' && l->last <= '9'
		    && gbt->counters != NULL) {
			char u[5] = {0};
			folio_utf8_encode(u, next->first);
			if (strstr(gbt->counters, u) != NULL)
				fail_msg("%s p%zu: number split from its counter: "
					"%s / %s", name, l->page + 1, l->text,
					next->text);
		}
		/* Full body lines span the measure. */
		if (l->kind == FOLIO_RUN_BODY && cont) {
			int mark = folio_lb_no_start(l->last);
			if (fabs(l->x1 - RIGHT) > 0.1)
				fail_msg("%s p%zu band %d: line ends at %.3f, "
					"measure ends at %.3f: %s", name,
					l->page + 1, l->band, l->x1, RIGHT,
					l->text);
			if (l->glyph_end > RIGHT + (mark ? 8.5 : 0.3) ||
			    l->glyph_end < RIGHT - (mark ? 8.5 : 0.3))
				fail_msg("%s p%zu band %d: last glyph ends at "
					"%.2f: %s", name, l->page + 1, l->band,
					l->glyph_end, l->text);
		}
	}
	/* Pages: no heading last, no orphan, no widow. */
	for (i = 0; i + 1 < v.n; i++) {
		const vline *l = &v.l[i], *n = &v.l[i + 1];
		if (n->page == l->page)
			continue;
		if (l->kind == FOLIO_RUN_HEADING && l->band > 0)
			fail_msg("%s p%zu: ends with a heading: %s", name,
				l->page + 1, l->text);
		if (is_para_start(l) && is_continuation(n))
			fail_msg("%s p%zu: orphan line at the bottom: %s",
				name, l->page + 1, l->text);
		if (is_continuation(n) && (i + 2 >= v.n ||
		    v.l[i + 2].page != n->page ||
		    !is_continuation(&v.l[i + 2])) &&
		    l->kind == FOLIO_RUN_BODY && !is_para_start(n))
			fail_msg("%s p%zu: widow line at the top: %s", name,
				n->page + 1, n->text);
	}
	/* Page numbers: — N —, 7 mm under the block, odd right, even left,
	 * one 14 pt character in. */
	for (p = 0; p < lay->n_pages; p++) {
		const folio_page *pg = &lay->pages[p];
		int found = 0;
		for (i = 0; i < pg->n_runs; i++) {
			const folio_run *r = &pg->runs[i];
			char want[32];
			double y, top, bottom;
			if (r->kind != FOLIO_RUN_PAGE_NUMBER)
				continue;
			/* the dash's ink centred 7 mm below the block */
			assert_true(folio_face_ink(r->face, 0x2014, &top,
				&bottom));
			y = (297 - 37 - 225 - 7) * MM -
				(top + bottom) / 2 * 14;
			found++;
			snprintf(want, sizeof(want), "— %zu —", p + 1);
			assert_string_equal(r->text, want);
			assert_true(fabs(r->y - y) < 0.5 * MM);
			if ((p + 1) % 2 == 1)
				assert_true(fabs(r->x + r->width -
					(RIGHT - 14)) < 0.5 * MM);
			else
				assert_true(fabs(r->x - (LEFT + 14)) <
					0.5 * MM);
		}
		assert_int_equal(found, 1);
		assert_int_equal(pg->number, (int)p + 1);
	}
	free(v.l);
}

/* ---- documents ------------------------------------------------------- */

static folio_block *para(folio_doc *d, const char *text)
{
	folio_error err = {0};
	folio_block *b = folio_doc_block(d, FOLIO_BLOCK_PARA);

	assert_non_null(b);
	assert_int_equal(folio_doc_text(&b->text, d, text, strlen(text),
		&err), 0);
	b->line = 7;
	b->col = 5;
	return b;
}

static folio_doc *new_doc(const char *title)
{
	folio_error err = {0};
	folio_doc *d;

	assert_int_equal(folio_doc_new(&d, "stress.xml", &err), 0);
	assert_int_equal(folio_doc_text(&d->meta.title, d, title,
		strlen(title), &err), 0);
	d->meta.issuer = "江临市人民政府办公室";
	d->meta.date = "2024-03-05";
	return d;
}

static void append(char *buf, size_t sz, const char *s, int times)
{
	while (times-- > 0)
		strncat(buf, s, sz - strlen(buf) - 1);
}

/* Paragraphs that put every kind of trouble at every column, under
 * headings of all levels so that some land near page ends. */
static folio_doc *stress_doc(void)
{
	static const char *const trouble[] = {
		"。”", "，“", "）。", "》、", "：“", "——", "……", "』」，",
		"（见附件1）", "2024年3月5日", "30%。",
		"https://www.example.gov.cn/zwgk/2024/jlzbf-2024-12.html",
		"Supercalifragilisticexpialidocious", "（〔【《〈「『",
		"』」〉》】〕）", "ISO 9001:2015", "！？", "；：",
		"dang.an-ke@jiangling.gov.cn", "〔2018〕2号",
		"62830017629501846633", "（可另附页）：　　　　　　　　；",
		"’”）。"
	};
	folio_doc *d = new_doc("压力测试：标点、数字、网址与长词的排版");
	folio_block **tail = &d->body, *sec = NULL, **stail = NULL;
	size_t t;
	int col, k = 0;

	for (t = 0; t < sizeof(trouble) / sizeof(trouble[0]); t++) {
		for (col = 0; col < 28; col += 1) {
			char buf[4096] = "";
			folio_block *b;
			append(buf, sizeof(buf), "汉", col);
			append(buf, sizeof(buf), trouble[t], 1);
			append(buf, sizeof(buf), "字", (col * 7) % 30 + 3);
			append(buf, sizeof(buf), trouble[t], 1);
			append(buf, sizeof(buf), "文", col % 5);
			if (k % 9 == 0) {
				folio_error err = {0};
				sec = folio_doc_block(d, FOLIO_BLOCK_SECTION);
				sec->level = 1 + (k / 9) % 4;
				assert_int_equal(folio_doc_text(&sec->text, d,
					"检查范围和内容", 21, &err), 0);
				*tail = sec;
				tail = &sec->next;
				stail = &sec->children;
			}
			b = para(d, buf);
			*stail = b;
			stail = &b->next;
			k++;
		}
	}
	return d;
}

static void stress_document(void **state)
{
	folio_layout_options o = {FOLIO_MISSING_GLYPH_ERROR};
	folio_error err = {0};
	folio_layout lay;
	folio_doc *d = stress_doc();
	folio_style st = *gbt;

	(void)state;
	if (folio_layout_document(&lay, d, gbt, fs, o, &err) < 0)
		fail_msg("%s", err.msg);
	assert_true(lay.n_pages > 20);
	check_layout(&lay, "stress");
	assert_true(lay.n_outline > 50);
	/* The same rules hold without pair compression. */
	st.pair_compression = 0;
	if (folio_layout_document(&lay, d, &st, fs, o, &err) < 0)
		fail_msg("%s", err.msg);
	check_layout(&lay, "stress without pair compression");
	folio_doc_free(d);
}

/* Without a red header, a long paragraph fills every page but the
 * first and last with exactly 22 lines. */
static void full_pages_have_22_lines(void **state)
{
	folio_layout_options o = {FOLIO_MISSING_GLYPH_ERROR};
	folio_error err = {0};
	folio_layout lay;
	folio_style st = *gbt;
	folio_doc *d = new_doc("标题");
	char *buf = calloc(1, 60000);
	size_t p, i;

	(void)state;
	st.red_header = 0;
	for (i = 0; i < 400; i++)
		strcat(buf, i % 7 == 3 ? "，2024年，" : "档案安全检查工作，");
	d->body = para(d, buf);
	assert_int_equal(folio_layout_document(&lay, d, &st, fs, o, &err),
		0);
	assert_true(lay.n_pages >= 4);
	check_layout(&lay, "long");
	for (p = 1; p + 1 < lay.n_pages; p++) {
		int seen[22] = {0}, n = 0, k;
		for (i = 0; i < lay.pages[p].n_runs; i++) {
			int b = lay.pages[p].runs[i].line_index;
			if (b >= 0 && b < 22)
				seen[b] = 1;
		}
		for (k = 0; k < 22; k++)
			n += seen[k];
		assert_int_equal(n, 22);
	}
	/* Page 1 without header: the title on the first band. */
	assert_int_equal(lay.pages[0].runs[0].kind, FOLIO_RUN_TITLE);
	assert_int_equal(lay.pages[0].runs[0].line_index, 0);
	free(buf);
	folio_doc_free(d);
}

/* The code point at character offset `off` of a UTF-8 text. */
static uint32_t cp_at(const char *t, size_t off)
{
	size_t len = strlen(t), o = 0, i = 0;
	uint32_t cp = 0;

	while (o < len) {
		size_t k = folio_utf8_decode(t + o, len - o, &cp);
		if (i++ == off)
			return cp;
		o += k ? k : 1;
	}
	return 0;
}

/* Every page says where it begins in the source: page 1 with the
 * title, the others with a paragraph (or the attachment's title) at
 * the offset of the first character the page prints from it. */
static void page_starts_in_the_source(void **state)
{
	folio_layout_options o = {FOLIO_MISSING_GLYPH_ERROR};
	folio_error err = {0};
	folio_layout lay;
	folio_style st = *gbt;
	folio_doc *d = new_doc("页面起点");
	folio_attachment at;
	folio_block **tail = &d->body;
	char *buf = calloc(1, 4000);
	size_t p, i, k;
	int n_att = 0;

	(void)state;
	st.red_header = 0;
	for (k = 0; k < 12; k++) {
		buf[0] = '\0';
		for (i = 0; i < 90; i++)
			strcat(buf, (i + k) % 3 ? "档案安全检查工作" : "甲乙丙丁");
		*tail = para(d, buf);
		tail = &(*tail)->next;
	}
	memset(&at, 0, sizeof(at));
	at.title = "附件标题";
	at.body = para(d, "附件正文。");
	d->attachments = &at;
	assert_int_equal(folio_layout_document(&lay, d, &st, fs, o, &err),
		0);
	assert_true(lay.n_pages >= 4);
	assert_int_equal(lay.pages[0].start.part, FOLIO_SOURCE_TITLE);
	assert_int_equal(lay.pages[0].start.offset, 0);
	for (p = 1; p < lay.n_pages; p++) {
		const folio_page_start *s0 = &lay.pages[p].start;
		const folio_run *first = NULL;

		for (i = 0; i < lay.pages[p].n_runs; i++) {
			const folio_run *r = &lay.pages[p].runs[i];
			if (r->kind == FOLIO_RUN_PAGE_NUMBER ||
			    r->kind == FOLIO_RUN_HEADING)
				continue;
			if (first == NULL || r->y > first->y + 0.1 ||
			    (fabs(r->y - first->y) < 0.1 && r->x < first->x))
				first = r;
		}
		assert_non_null(first);
		if (s0->part == FOLIO_SOURCE_ATTACHMENT) {
			n_att++;
			assert_ptr_equal(s0->attachment, &at);
			assert_int_equal(s0->offset, 0);
			/* its 附件 label is printed above the title */
			assert_true(s0->lead);
			continue;
		}
		assert_int_equal(s0->part, FOLIO_SOURCE_BLOCK);
		assert_false(s0->lead);
		assert_non_null(s0->block);
		assert_true(s0->attachment == NULL ||
			s0->attachment == &at);
		/* The page's first printed character is that one. */
		assert_int_equal(cp_at(first->text, 0),
			cp_at(s0->block->text, s0->offset));
		/* and a page that starts mid-paragraph starts past 0 */
		if (first->x < st.margin_left + 1)
			assert_true(s0->offset > 0);
	}
	assert_int_equal(n_att, 1);
	free(buf);
	folio_doc_free(d);
}

/* The title's lines as text, joined by '/'. */
static void title_lines(char *out, size_t sz, const char *title)
{
	folio_layout_options o = {FOLIO_MISSING_GLYPH_ERROR};
	folio_error err = {0};
	folio_layout lay;
	folio_doc *d = new_doc(title);
	size_t i;
	int band = -1;

	d->body = para(d, "正文。");
	assert_int_equal(folio_layout_document(&lay, d, gbt, fs, o, &err),
		0);
	out[0] = '\0';
	for (i = 0; i < lay.pages[0].n_runs; i++) {
		const folio_run *r = &lay.pages[0].runs[i];
		if (r->kind != FOLIO_RUN_TITLE)
			continue;
		if (band >= 0 && r->line_index != band)
			strncat(out, "/", sz - strlen(out) - 1);
		band = r->line_index;
		strncat(out, r->text, sz - strlen(out) - 1);
	}
	folio_doc_free(d);
}

/* Titles at 22 pt (20 characters a line) break between words and come
 * out as a 梯形 (GB/T 9704 7.3.1), ICU's finer cuts (开发|区, 高|质量,
 * 办公|室, 印|发) avoided. */
static void title_is_a_trapezoid(void **state)
{
	static const struct { const char *title, *want; } cases[] = {
		/* 28 characters: 12 + 16, not the rectangle 14 + 14 (…全市档案
		 * / 安全…) nor 20 + 8. */
		{"关于进一步加强和改进全市档案安全工作推进高质量发展的通知",
		 "关于进一步加强和改进全市/档案安全工作推进高质量发展的通知"},
		/* After 开发区 the top line (11) would be the longer; 开发|区
		 * and 高|质量 are never cut: 8 + 13. */
		{"关于推进全市经济开发区高质量发展的实施方案",
		 "关于推进全市经济/开发区高质量发展的实施方案"},
		/* 印发 is 印|发 to ICU, 办公室 办公|室, 营口市 营口|市: the break
		 * falls after 印发, where a print shop puts it. */
		{"营口市人民政府办公室关于印发营口市2024年度高质量发展实施方案的"
		 "通知", "营口市人民政府办公室关于印发/营口市2024年度高质量发展"
		 "实施方案的通知"},
		/* Never inside brackets: the book title stays whole, and 印|发
		 * (two one-character words) is one word at its edges. */
		{"江临市人民政府关于印发《江临市电子档案管理办法》的通知",
		 "江临市人民政府关于印发/《江临市电子档案管理办法》的通知"},
	};
	char got[1024];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		title_lines(got, sizeof(got), cases[i].title);
		assert_string_equal(got, cases[i].want);
	}
}

/* One paragraph laid out alone; its first line's view. */
static void one_line(vline *out, const folio_style *st, const char *text)
{
	folio_layout_options o = {FOLIO_MISSING_GLYPH_ERROR};
	folio_error err = {0};
	folio_layout lay;
	folio_doc *d = new_doc("标题");
	view v;
	size_t i;

	d->body = para(d, text);
	assert_int_equal(folio_layout_document(&lay, d, st, fs, o, &err), 0);
	build_view(&v, &lay);
	for (i = 0; i < v.n && v.l[i].kind != FOLIO_RUN_BODY; i++)
		;
	assert_true(i < v.n);
	*out = v.l[i];
	free(v.l);
	folio_doc_free(d);
}

/* Index of the first glyph `cp` in l at or after `from`. */
static size_t glyph(const vline *l, uint32_t cp, size_t from)
{
	size_t g;

	for (g = from; g < l->ng; g++)
		if (l->gcp[g] == cp)
			return g;
	fail_msg("U+%04X not on the line: %s", (unsigned)cp, l->text);
	return 0;
}

/* The line rules the style and the source decide: blanks, digits. */
static void blanks_and_digits(void **state)
{
	folio_style st = *gbt;
	vline *l = calloc(1, sizeof(*l));
	size_t g, a, b;
	char buf[512];

	(void)state;
	assert_non_null(l);
	/* Pasted runs of ASCII blanks and tabs are one blank. */
	one_line(l, gbt, "甲   \t  乙");
	assert_string_equal(l->text, "甲 乙");
	/* Typed ideographic spaces keep their width (a form's blank), even
	 * on a justified line: 26 characters (six of them blanks) and a
	 * comma, so the 26th goes down with it and 25 fill the line. */
	snprintf(buf, sizeof(buf), "填表人：　　　　　　联系电话：%s字，后文",
		"档案安全检查工作档案");
	one_line(l, gbt, buf);
	a = glyph(l, 0x3000, 0);
	for (g = a; g < a + 6; g++) {
		assert_int_equal(l->gcp[g], 0x3000);
		/* never stretched: one grid pitch each (16 pt glyphs
		 * tracked to 156/28 mm) */
		assert_true(fabs(l->gx0[g + 1] - l->gx0[g] - PITCH_X) < 1e-6);
	}
	/* ... while the other gaps of that full line did stretch */
	assert_true(fabs(l->x1 - RIGHT) < 0.1);
	b = glyph(l, 0x8054, 0);  /* 联 */
	assert_true(l->gx0[b + 1] - l->gx0[b] > PITCH_X + 0.01);
	/* gbt9704 sets digits against Han with no gap (2019年5月8日) ... */
	one_line(l, gbt, "于2019年5月8日印发PDF版。");
	a = glyph(l, '9', 0);
	b = glyph(l, 0x5E74, 0);  /* 年 */
	assert_int_equal(b, a + 1);
	assert_true(fabs(l->gx0[b] - l->gx1[a]) < 1e-6);
	a = glyph(l, 0x4E8E, 0);  /* 于 before 2 */
	assert_true(fabs(l->gx0[a + 1] - l->gx0[a] - PITCH_X) < 1e-6);
	/* ... but Latin words keep their quarter em (发 PDF 版) */
	a = glyph(l, 0x53D1, 0);  /* 发 */
	assert_true(fabs(l->gx0[a + 1] - l->gx0[a] - 1.25 * PITCH_X) <
		1e-6);
	a = glyph(l, 'F', 0);
	assert_true(fabs(l->gx0[a + 1] - l->gx1[a] - PITCH_X / 4) < 1e-6);
	/* A style that asks for the digit gap gets a quarter em. */
	st.digit_gap = 1;
	one_line(l, &st, "于2019年5月8日印发PDF版。");
	a = glyph(l, '9', 0);
	assert_true(fabs(l->gx0[a + 1] - l->gx1[a] - PITCH_X / 4) < 1e-6);
	free(l);
}

/* A number never leaves its counter, wherever the line ends: 〔2018〕2号
 * and 30% at every column. */
static void numbers_keep_their_counters(void **state)
{
	folio_layout_options o = {FOLIO_MISSING_GLYPH_ERROR};
	folio_error err = {0};
	folio_layout lay;
	int col, k;

	(void)state;
	for (k = 0; k < 3; k++)
		for (col = 20; col < 34; col++) {
			static const char *const pairs[] = {
				"〔2018〕2号", "增长30%", "第12条"
			};
			folio_doc *d = new_doc("标题");
			char buf[1024] = "";
			view v;
			size_t i;

			append(buf, sizeof(buf), "字", col);
			append(buf, sizeof(buf), pairs[k], 1);
			append(buf, sizeof(buf), "后文", 10);
			d->body = para(d, buf);
			assert_int_equal(folio_layout_document(&lay, d, gbt, fs,
				o, &err), 0);
			build_view(&v, &lay);
			for (i = 0; i + 1 < v.n; i++) {
				const vline *l = &v.l[i];
				if (l->kind != FOLIO_RUN_BODY ||
				    v.l[i + 1].kind != FOLIO_RUN_BODY)
					continue;
				if (l->last >= '0' && l->last <= '9')
					fail_msg("column %d: %s / %s", col,
						l->text, v.l[i + 1].text);
			}
			check_layout(&lay, pairs[k]);
			free(v.l);
			folio_doc_free(d);
		}
}

/* The lines of runs of `kind` on the last page of a layout, top first:
 * each line's extent (x0, x1) and baseline. */
static size_t lines_of_kind(double (*out)[3], size_t max,
	const folio_layout *lay, folio_run_kind kind)
{
	const folio_page *pg = &lay->pages[lay->n_pages - 1];
	size_t i, k, n = 0;

	for (i = 0; i < pg->n_runs; i++) {
		const folio_run *r = &pg->runs[i];
		if (r->kind != kind)
			continue;
		for (k = 0; k < n && fabs(out[k][2] - r->y) > 0.01; k++)
			;
		if (k == n) {
			if (n == max)
				continue;
			out[n][0] = r->x;
			out[n][1] = r->x + r->width;
			out[n++][2] = r->y;
		}
		if (r->x < out[k][0])
			out[k][0] = r->x;
		if (r->x + r->width > out[k][1])
			out[k][1] = r->x + r->width;
	}
	return n;
}

/* 落款 (GB/T 9704 7.3.5), measured in characters of the grid:
 * unsealed, the issuer ends two characters in and the date starts two
 * right of the issuer's start (or, when longer, ends two in and pushes
 * the issuer left); sealed, the date ends four in and the issuer is
 * centred over it. */
static void closing_block(void **state)
{
	static const struct {
		const char *issuer, *date;
		int sealed;
	} cases[] = {
		{"江临市人民政府办公室", "2024-03-18", 0},
		{"江临市档案馆", "2024-12-18", 0},
		{"江临市人民政府办公室", "2024-03-18", 1},
	};
	folio_layout_options o = {FOLIO_MISSING_GLYPH_ERROR};
	folio_error err = {0};
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		folio_style st = *gbt;
		folio_layout lay;
		folio_doc *d = new_doc("标题");
		double l[4][3], ri, rd, li, ld;

		d->meta.issuer = cases[k].issuer;
		d->meta.date = cases[k].date;
		d->has_closing = 1;
		d->closing.issuer = cases[k].issuer;
		d->closing.date = cases[k].date;
		d->body = para(d, "正文。");
		st.closing_sealed = cases[k].sealed;
		st.closing_inset_chars = cases[k].sealed ? 4 : 2;
		assert_int_equal(folio_layout_document(&lay, d, &st, fs, o,
			&err), 0);
		assert_int_equal(lines_of_kind(l, 4, &lay,
			FOLIO_RUN_SIGNATURE), 2);
		li = l[0][0];
		ri = l[0][1];
		ld = l[1][0];
		rd = l[1][1];
		assert_true(l[1][2] < l[0][2]);  /* date below */
		if (cases[k].sealed) {
			assert_true(fabs(RIGHT - rd - 4 * PITCH_X) < 0.01);
			assert_true(fabs((li + ri) / 2 - (ld + rd) / 2) < 0.01);
		} else if (rd - ld <= ri - li - 2 * PITCH_X) {
			assert_true(fabs(RIGHT - ri - 2 * PITCH_X) < 0.01);
			assert_true(fabs(ld - li - 2 * PITCH_X) < 0.01);
		} else {
			/* the date is the longer: it ends two characters in */
			assert_true(fabs(RIGHT - rd - 2 * PITCH_X) < 0.01);
			assert_true(fabs(ld - li - 2 * PITCH_X) < 0.01);
			assert_true(ri < RIGHT - 2 * PITCH_X);
		}
		folio_doc_free(d);
	}
}

/* 附件说明 (GB/T 9704 7.3.4): generated from the attachments, one blank
 * line below the text, "附件：" two characters in, numbers "1．" "2．"
 * aligned, a wrapped name aligned with its own first character. */
static void attachment_note(void **state)
{
	folio_layout_options o = {FOLIO_MISSING_GLYPH_ERROR};
	folio_error err = {0};
	folio_layout lay;
	folio_doc *d = new_doc("标题");
	folio_attachment at[2];
	view v;
	size_t i, first = 0;

	(void)state;
	memset(at, 0, sizeof(at));
	at[0].title = "档案安全检查内容清单";
	at[0].body = para(d, "清单。");
	at[0].next = &at[1];
	at[1].title = "江临市各区、各部门和各直属单位档案安全自查情况统计表及"
		"填报说明";
	at[1].body = para(d, "统计表。");
	d->attachments = at;
	d->body = para(d, "正文。");
	assert_int_equal(folio_layout_document(&lay, d, gbt, fs, o, &err), 0);
	build_view(&v, &lay);
	for (i = 0; i < v.n; i++)
		if (strncmp(v.l[i].text, "附件：", strlen("附件：")) == 0) {
			first = i;
			break;
		}
	assert_true(i < v.n);
	assert_string_equal(v.l[first].text, "附件：1．档案安全检查内容清单");
	assert_int_equal(v.l[first].band, v.l[first - 1].band + 2);
	assert_true(fabs(v.l[first].x0 - (LEFT + 2 * PITCH_X)) < 0.01);
	/* "2．" under "1．", five characters in; the wrapped rest of the
	 * second name under its first character, seven in */
	assert_true(strncmp(v.l[first + 1].text, "2．", strlen("2．")) == 0);
	assert_true(fabs(v.l[first + 1].x0 - (LEFT + 5 * PITCH_X)) < 0.01);
	assert_int_equal(v.l[first + 2].band, v.l[first + 1].band + 1);
	assert_true(fabs(v.l[first + 2].x0 - (LEFT + 7 * PITCH_X)) < 0.01);
	free(v.l);
	/* One attachment: "附件：" and its name, no number. */
	at[0].next = NULL;
	assert_int_equal(folio_layout_document(&lay, d, gbt, fs, o, &err), 0);
	build_view(&v, &lay);
	for (i = 0; i < v.n; i++)
		if (strncmp(v.l[i].text, "附件：", strlen("附件：")) == 0)
			break;
	assert_true(i < v.n);
	assert_string_equal(v.l[i].text, "附件：档案安全检查内容清单");
	free(v.l);
	folio_doc_free(d);
}

static void examples_and_seed(void **state)
{
	static const char *const files[] = {
		"examples/notice.xml", "examples/opinion.xml",
		"examples/interpretation.xml", "examples/long-plan.xml",
		"examples/mixed.xml",
		"../shared/corpus/seed-policy-interpretation.txt"
	};
	size_t i, done = 0;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		static const folio_meta_override issuer[] = {
			{"issuer", "营口市商务局"}
		};
		folio_import_options io = {.meta = issuer, .n_meta = 1};
		folio_source_options so = {.import = &io};
		folio_layout_options o = {FOLIO_MISSING_GLYPH_ERROR};
		folio_error err = {0};
		folio_layout lay;
		folio_doc *d;
		char path[4096];

		if (folio_data_path(path, sizeof(path), files[i], &err) < 0) {
			/* The corpus sits beside the tree, not in it. */
			printf("skip - layout of %s: missing\n", files[i]);
			continue;
		}
		if (folio_source_read(&d, path, &so, &err) < 0)
			fail_msg("%s", err.msg);
		if (folio_layout_document(&lay, d, gbt, fs, o, &err) < 0)
			fail_msg("%s", err.msg);
		check_layout(&lay, files[i]);
		folio_doc_free(d);
		done++;
	}
	assert_true(done >= 3);
}

static void missing_glyph(void **state)
{
	folio_layout_options o = {FOLIO_MISSING_GLYPH_ERROR};
	folio_error err = {0};
	folio_layout lay;
	folio_doc *d = new_doc("标题");

	(void)state;
	d->body = para(d, "字\xee\x80\x80字");  /* U+E000, private use */
	assert_int_equal(folio_layout_document(&lay, d, gbt, fs, o, &err),
		FOLIO_EFONT);
	assert_non_null(strstr(err.msg, "stress.xml:7:5: no font in the "
		"仿宋 chain has U+E000"));
	assert_int_equal(lay.n_pages, 0);
	o.missing_glyph = FOLIO_MISSING_GLYPH_BOX;
	folio_error_clear(&err);
	assert_int_equal(folio_layout_document(&lay, d, gbt, fs, o, &err), 0);
	assert_int_equal(lay.n_substitutions, 1);
	assert_int_equal(lay.substitutions[0].cp, 0xE000);
	assert_int_equal(lay.substitutions[0].line, 7);
	assert_string_equal(lay.substitutions[0].family, "仿宋");
	assert_non_null(lay.substitution_counts);
	assert_int_equal(lay.substitution_counts[0], 1);
	/* The box is drawn (four thin rules), not left as a blank: this
	 * document has no 文号, hence no red rule, and no 版记. */
	assert_int_equal(lay.pages[0].n_rules, 4);
	folio_doc_free(d);
}

/* Box mode records a missing character once per family, with its
 * count: every occurrence is still drawn, but the list (which the PDF
 * writer searches and the CLI prints) grows with the distinct
 * characters only, not with the document. */
static void missing_glyph_counted(void **state)
{
	folio_layout_options o = {FOLIO_MISSING_GLYPH_BOX};
	folio_error err = {0};
	folio_layout lay;
	folio_doc *d = new_doc("标题");
	static char text[60000];
	size_t i, rules = 0;

	(void)state;
	text[0] = '\0';
	append(text, sizeof(text), "字\xee\x80\x80", 3000);
	append(text, sizeof(text), "\xee\x80\x81字", 2000);
	d->body = para(d, text);
	assert_int_equal(folio_layout_document(&lay, d, gbt, fs, o, &err), 0);
	assert_int_equal(lay.n_substitutions, 2);
	assert_int_equal(lay.substitutions[0].cp, 0xE000);
	assert_int_equal(lay.substitutions[1].cp, 0xE001);
	assert_int_equal(lay.substitution_counts[0], 3000);
	assert_int_equal(lay.substitution_counts[1], 2000);
	assert_int_equal(lay.substitutions[1].line, 7);
	assert_int_equal(lay.substitutions[1].col, 5);
	for (i = 0; i < lay.n_pages; i++)
		rules += lay.pages[i].n_rules;
	assert_true(rules >= 4 * 5000);  /* each one still drawn */
	folio_doc_free(d);
}

/* U+20BB7 (𠮷) is in some fonts, but libharu encodes 16 bits: layout
 * refuses it with the source position instead of the writer failing. */
static void beyond_bmp_is_located(void **state)
{
	folio_layout_options o = {FOLIO_MISSING_GLYPH_BOX};
	folio_error err = {0};
	folio_layout lay;
	folio_doc *d = new_doc("标题");

	(void)state;
	d->body = para(d, "吉\xf0\xa0\xae\xb7祥");
	assert_int_equal(folio_layout_document(&lay, d, gbt, fs, o, &err),
		FOLIO_EFONT);
	assert_non_null(strstr(err.msg, "stress.xml:7:5: expected a character "
		"in U+0000..U+FFFF"));
	assert_non_null(strstr(err.msg, "found U+20BB7"));
	folio_doc_free(d);
}

static size_t count_runs(const folio_layout *lay, folio_run_kind kind)
{
	size_t p, r, n = 0;

	for (p = 0; p < lay->n_pages; p++)
		for (r = 0; r < lay->pages[p].n_runs; r++)
			n += lay->pages[p].runs[r].kind == kind;
	return n;
}

/* The red header (版头) is the organ's mark over its 发文字号: only a
 * document with a 文号 gets one. */
static void red_header_needs_doc_number(void **state)
{
	folio_layout_options o = {FOLIO_MISSING_GLYPH_ERROR};
	folio_error err = {0};
	folio_layout lay;
	folio_doc *d = new_doc("关于开展检查工作的通知");

	(void)state;
	d->body = para(d, "现将有关事项通知如下。");
	assert_int_equal(folio_layout_document(&lay, d, gbt, fs, o, &err), 0);
	assert_int_equal(count_runs(&lay, FOLIO_RUN_HEADER), 0);
	assert_int_equal(lay.pages[0].n_rules, 0);
	d->meta.doc_number = "江政办发〔2024〕12号";
	assert_int_equal(folio_layout_document(&lay, d, gbt, fs, o, &err), 0);
	assert_true(count_runs(&lay, FOLIO_RUN_HEADER) >= 1);
	assert_int_equal(count_runs(&lay, FOLIO_RUN_DOC_NUMBER), 1);
	assert_int_equal(lay.pages[0].n_rules, 1);
	folio_doc_free(d);
}

static int has_cp(const folio_layout *lay, const folio_face *f, uint32_t cp)
{
	const uint32_t *cps;
	size_t n, i;

	folio_layout_used_codepoints(&cps, &n, lay, f);
	for (i = 0; i < n; i++) {
		if (i > 0)
			assert_true(cps[i - 1] < cps[i]); /* sorted, distinct */
		if (cps[i] == cp)
			return 1;
	}
	return 0;
}

/* Generated text (heading numbers, page numbers, 落款 date) is in the
 * code point sets the PDF writer subsets. */
static void used_codepoints(void **state)
{
	folio_layout_options o = {FOLIO_MISSING_GLYPH_ERROR};
	folio_error err = {0};
	folio_layout lay;
	folio_doc *d = new_doc("标题");
	folio_block *s = folio_doc_block(d, FOLIO_BLOCK_SECTION);
	const folio_run *pn = NULL, *h = NULL;
	char sig[256] = "";
	size_t i;

	(void)state;
	s->level = 1;
	s->text = "总体要求";
	s->children = para(d, "正文。");
	d->body = s;
	d->has_closing = 1;
	assert_int_equal(folio_layout_document(&lay, d, gbt, fs, o, &err),
		0);
	for (i = 0; i < lay.pages[0].n_runs; i++) {
		if (lay.pages[0].runs[i].kind == FOLIO_RUN_PAGE_NUMBER)
			pn = &lay.pages[0].runs[i];
		if (lay.pages[0].runs[i].kind == FOLIO_RUN_HEADING && !h)
			h = &lay.pages[0].runs[i];
	}
	assert_non_null(pn);
	assert_non_null(h);
	assert_string_equal(h->text, "一、总体要求");
	assert_true(has_cp(&lay, pn->face, 0x2014));
	assert_true(has_cp(&lay, pn->face, '1'));
	assert_true(has_cp(&lay, h->face, 0x4E00));  /* 一 */
	assert_true(has_cp(&lay, h->face, 0x3001));  /* 、 */
	assert_int_equal(lay.n_outline, 1);
	assert_string_equal(lay.outline[0].title, "一、总体要求");
	/* 落款 date in 2024年3月5日 form. */
	for (i = 0; i < lay.pages[0].n_runs; i++)
		if (lay.pages[0].runs[i].kind == FOLIO_RUN_SIGNATURE)
			strcat(sig, lay.pages[0].runs[i].text);
	assert_string_equal(sig, "江临市人民政府办公室2024年3月5日");
	folio_doc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stress_document),
		cmocka_unit_test(full_pages_have_22_lines),
		cmocka_unit_test(title_is_a_trapezoid),
		cmocka_unit_test(page_starts_in_the_source),
		cmocka_unit_test(blanks_and_digits),
		cmocka_unit_test(numbers_keep_their_counters),
		cmocka_unit_test(closing_block),
		cmocka_unit_test(attachment_note),
		cmocka_unit_test(examples_and_seed),
		cmocka_unit_test(missing_glyph),
		cmocka_unit_test(missing_glyph_counted),
		cmocka_unit_test(red_header_needs_doc_number),
		cmocka_unit_test(beyond_bmp_is_located),
		cmocka_unit_test(used_codepoints),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
