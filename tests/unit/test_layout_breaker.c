/* Unit tests for src/layout/breaker.c on synthetic advances (no fonts):
 * Han 1 em, Latin 0.5 em, em = 10 pt, measure 28 em unless said. ICU
 * opportunities come from src/layout/linebreak.c, or are all set to
 * "allowed" to check that the clreq rules hold by themselves. */
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
#include "layout/linebreak.h"
#include "util/utf8.h"

#define EM 10.0
#define MAX 4096

typedef struct para {
	folio_lb_item it[MAX];
	double x[MAX];
	folio_lb_line ln[MAX];
	size_t n, n_lines;
} para;

/* Items for UTF-8 text; icu: 1 = ask ICU, 0 = every break allowed. */
static void items(para *p, const char *s, int icu)
{
	size_t len = strlen(s), off = 0;
	uint32_t cps[MAX];
	uint8_t brk[MAX];

	p->n = 0;
	while (off < len && p->n < MAX) {
		uint32_t cp;
		size_t l = folio_utf8_decode(s + off, len - off, &cp);
		folio_lb_item *it = &p->it[p->n];
		assert_true(l > 0);
		off += l;
		it->cp = cp;
		it->em = EM;
		it->cls = (uint8_t)folio_lb_classify(cp);
		it->width = (it->cls == FOLIO_LB_LATIN ||
			it->cls == FOLIO_LB_SPACE) ? EM / 2 : EM;
		it->icu_break = 1;
		cps[p->n++] = cp;
	}
	if (icu) {
		folio_linebreaker *lb;
		folio_error err = {0};
		size_t i;
		assert_int_equal(folio_linebreaker_new(&lb, &err), 0);
		assert_int_equal(folio_linebreak_opportunities(brk, lb, cps,
			p->n, &err), 0);
		for (i = 0; i < p->n; i++)
			p->it[i].icu_break = brk[i];
		folio_linebreaker_free(lb);
	}
}

static void brk(para *p, double first, double width)
{
	folio_lb_break(p->ln, &p->n_lines, p->x, p->it, p->n, first, width,
		FOLIO_LB_JUSTIFY);
}

/* s repeated n times, in one of four rotating static buffers. */
static char *repeat(const char *s, int n)
{
	static char bufs[4][1024];
	static int next;
	char *r = bufs[next++ % 4];
	size_t l = strlen(s);
	int i;

	assert_true((size_t)n * l < sizeof(bufs[0]));
	for (i = 0; i < n; i++)
		memcpy(r + (size_t)i * l, s, l);
	r[(size_t)n * l] = '\0';
	return r;
}

/* Every line but the last fills the measure; nothing overflows. */
static void assert_full_lines(const para *p, double first, double width)
{
	size_t i;

	for (i = 0; i < p->n_lines; i++) {
		double w = i == 0 ? first : width;
		if (i + 1 < p->n_lines && fabs(p->ln[i].width - w) > 1e-6)
			fail_msg("line %zu of %zu: width %g, measure %g", i,
				p->n_lines, p->ln[i].width, w);
		else
			assert_true(p->ln[i].width <= w + 1e-6);
	}
}

static void assert_clreq(const para *p)
{
	size_t i;

	for (i = 0; i < p->n_lines; i++) {
		const folio_lb_line *l = &p->ln[i];
		assert_true(l->end > l->start);
		if (i > 0 && folio_lb_no_start(p->it[l->start].cp)) {
			print_error("line %zu starts with U+%04X\n", i,
				(unsigned)p->it[l->start].cp);
			fail();
		}
		if (l->end < p->n && folio_lb_no_end(p->it[l->end - 1].cp))
			fail_msg("line %zu ends with an opening mark", i);
		if (l->end < p->n && p->it[l->end - 1].cls == FOLIO_LB_INSEP
		    && p->it[l->end].cp == p->it[l->end - 1].cp)
			fail_msg("line %zu splits a doubled — or …", i);
		if (i + 1 < p->n_lines)
			assert_int_equal(p->ln[i + 1].start, l->end);
	}
}

static void grid_line_is_exact(void **state)
{
	para *p = calloc(1, sizeof(*p));
	char *t28 = repeat("字", 28), *t29 = repeat("字", 29);
	size_t i;

	(void)state;
	items(p, t28, 1);
	brk(p, 28 * EM, 28 * EM);
	assert_int_equal(p->n_lines, 1);
	for (i = 0; i < 28; i++)  /* on the grid */
		assert_true(fabs(p->x[i] - (double)i * EM) < 1e-9);
	items(p, t29, 1);
	brk(p, 28 * EM, 28 * EM);
	assert_int_equal(p->n_lines, 2);
	assert_int_equal(p->ln[0].end, 28);
	free(p);
}

/* 。” takes 1.5 em (。 loses its blank half) anywhere, a line's end
 * included, where the last mark may shrink too: 26 Han + 。” = 27 em
 * fits a 27 em line, 27 Han + 。” fits 28 em, 28 Han + 。” (29 em) does
 * not, so a Han character goes down with the pair. */
static void compression_before_pushing(void **state)
{
	para *p = calloc(1, sizeof(*p));
	char buf[512];

	(void)state;
	snprintf(buf, sizeof(buf), "%s。”后文", repeat("字", 26));
	items(p, buf, 1);
	brk(p, 27 * EM, 28 * EM);
	assert_int_equal(p->n_lines, 2);
	assert_int_equal(p->ln[0].end, 28);
	assert_true(fabs(p->ln[0].width - 27 * EM) < 1e-6);
	assert_true(fabs(p->x[27] - p->x[26] - EM / 2) < 1e-6);
	snprintf(buf, sizeof(buf), "%s。”后文", repeat("字", 27));
	items(p, buf, 1);
	brk(p, 28 * EM, 28 * EM);
	assert_int_equal(p->ln[0].end, 29);
	assert_full_lines(p, 28 * EM, 28 * EM);
	snprintf(buf, sizeof(buf), "%s。”后文", repeat("字", 28));
	items(p, buf, 1);
	brk(p, 28 * EM, 28 * EM);
	assert_int_equal(p->ln[0].end, 27);
	assert_full_lines(p, 28 * EM, 28 * EM);
	/* Mid-line the same pair is compressed. */
	snprintf(buf, sizeof(buf), "%s。”后文", repeat("字", 10));
	items(p, buf, 1);
	brk(p, 28 * EM, 28 * EM);
	assert_true(fabs(p->x[11] - p->x[10] - EM / 2) < 1e-6);
	/* A lone mark at a line end shrinks: 27 Han + ， = 27.5 em. */
	snprintf(buf, sizeof(buf), "%s，后文", repeat("字", 27));
	items(p, buf, 1);
	brk(p, 27.5 * EM, 28 * EM);
	assert_int_equal(p->ln[0].end, 28);
	assert_true(fabs(p->ln[0].width - 27.5 * EM) < 1e-6);
	assert_true(fabs(p->x[27] - 27 * EM) < 1e-6);
	/* Without a pair to compress, a 29th mark cannot fit: the 28th
	 * character goes down with it (推出). */
	snprintf(buf, sizeof(buf), "%s，后文", repeat("字", 28));
	items(p, buf, 1);
	brk(p, 28 * EM, 28 * EM);
	assert_int_equal(p->ln[0].end, 27);
	assert_int_equal(p->it[p->ln[1].start].cp, 0x5B57);
	assert_full_lines(p, 28 * EM, 28 * EM);
	/* Mid-line pairs take 1.5 em: ，“ */
	items(p, "字，“字”。", 1);
	brk(p, 28 * EM, 28 * EM);
	assert_true(fabs(p->x[2] - p->x[1] - EM / 2) < 1e-6);
	free(p);
}

/* A paragraph's last line keeps natural spacing but compresses its
 * marks like any other line: "号）。" takes 2.5 em, "’”）。" 2.5 em
 * (not 3 and 4), on one line and at the end of a longer paragraph. */
static void last_line_compression(void **state)
{
	para *p = calloc(1, sizeof(*p));
	char buf[512];
	size_t n;

	(void)state;
	items(p, "号）。", 1);
	brk(p, 28 * EM, 28 * EM);
	assert_int_equal(p->n_lines, 1);
	assert_true(fabs(p->ln[0].width - 2.5 * EM) < 1e-6);
	assert_true(fabs(p->x[2] - p->x[1] - EM / 2) < 1e-6);
	items(p, "’”）。", 1);
	brk(p, 28 * EM, 28 * EM);
	assert_true(fabs(p->ln[0].width - 2.5 * EM) < 1e-6);
	snprintf(buf, sizeof(buf), "%s“号”’”）。", repeat("字", 40));
	items(p, buf, 1);
	brk(p, 28 * EM, 28 * EM);
	assert_int_equal(p->n_lines, 2);
	n = p->n;
	assert_false(p->ln[1].justified);
	/* 12 Han, “ 号 then ”’”） at half an em each, 。 whole */
	assert_true(fabs(p->x[n - 1] - p->x[n - 5] - 2 * EM) < 1e-6);
	assert_true(fabs(p->ln[1].width - (12 + 1 + 1 + 2 + 1) * EM) < 1e-6);
	/* The style can turn pair compression off. */
	items(p, "号）。", 1);
	p->it[1].no_pair = 1;
	brk(p, 28 * EM, 28 * EM);
	assert_true(fabs(p->ln[0].width - 3 * EM) < 1e-6);
	free(p);
}

/* A closing mark at every column, with ICU breaks forced everywhere:
 * the breaker alone must keep 、，。 etc. off line starts and opening
 * marks off line ends, and lines must stay full. */
static void clreq_at_every_column(void **state)
{
	static const char *const marks[] = {
		"、", "，", "。", "：", "；", "！", "？", "”", "’", "）", "〕",
		"】", "》", "〉", "」", "』", "。”", "）。", "』」，", "“", "‘",
		"（", "〔", "【", "《", "〈", "「", "『", "——", "……", "（“"
	};
	para *p = calloc(1, sizeof(*p));
	size_t m;
	int col, icu;

	(void)state;
	for (icu = 0; icu <= 1; icu++)
		for (m = 0; m < sizeof(marks) / sizeof(marks[0]); m++)
			for (col = 0; col < 30; col++) {
				char buf[1024];
				char *pre = repeat("汉", col);
				snprintf(buf, sizeof(buf), "%s%s%s%s后文字",
					pre, marks[m], pre, marks[m]);
				items(p, buf, icu);
				brk(p, 26 * EM, 28 * EM);
				assert_clreq(p);
				assert_full_lines(p, 26 * EM, 28 * EM);
			}
	free(p);
}

/* Latin runs are not split unless longer than a line; Han-Latin gets
 * a quarter em. */
static void latin_runs(void **state)
{
	para *p = calloc(1, sizeof(*p));
	char buf[1024];
	size_t i;

	(void)state;
	items(p, "中a", 1);
	brk(p, 28 * EM, 28 * EM);
	assert_true(fabs(p->x[1] - 1.25 * EM) < 1e-6);
	/* "abcdefghij" (5 em) would cross the end at column 25. */
	snprintf(buf, sizeof(buf), "%sabcdefghij后文", repeat("字", 25));
	items(p, buf, 1);
	brk(p, 28 * EM, 28 * EM);
	assert_int_equal(p->n_lines, 2);
	assert_int_equal(p->ln[0].end, 25);
	assert_int_equal(p->it[p->ln[1].start].cp, 'a');
	assert_full_lines(p, 28 * EM, 28 * EM);
	/* Inside a justified line the word's letters keep their spacing. */
	for (i = 26; i < 34; i++)
		assert_true(fabs(p->x[i + 1] - p->x[i] - EM / 2) < 1e-6);
	/* A URL longer than the line breaks at ICU opportunities (after
	 * "/"), and lines stay full. */
	items(p, "见https://www.example.gov.cn/zwgk/2024/a-very-long-"
		"document-name-that-keeps-going-on-and-on.html。", 1);
	brk(p, 26 * EM, 28 * EM);
	assert_true(p->n_lines >= 2);
	assert_clreq(p);
	assert_full_lines(p, 26 * EM, 28 * EM);
	/* No opportunity at all inside: cut anyway, lines full. */
	memset(buf, 'x', 200);
	buf[200] = '\0';
	items(p, buf, 1);
	brk(p, 28 * EM, 28 * EM);
	assert_int_equal(p->n_lines, 4);
	assert_int_equal(p->ln[0].end, 56);
	free(p);
}

/* Largest gap between two items of justified lines, in em, beyond the
 * quarter em allowed between Han and Latin. */
static double widest_gap(const para *p)
{
	double worst = 0;
	size_t l, i;

	for (l = 0; l < p->n_lines; l++) {
		if (!p->ln[l].justified)
			continue;
		for (i = p->ln[l].start; i + 1 < p->ln[l].end; i++) {
			const folio_lb_item *a = &p->it[i], *b = &p->it[i + 1];
			double gap = p->x[i + 1] - p->x[i] - a->width;
			if ((a->cls == FOLIO_LB_HAN) != (b->cls == FOLIO_LB_HAN)
			    && (a->cls == FOLIO_LB_LATIN ||
			    b->cls == FOLIO_LB_LATIN))
				gap -= 0.25 * EM;
			if (gap / EM > worst)
				worst = gap / EM;
		}
	}
	return worst;
}

/* A URL, an e-mail address, a long word or number at every column: no
 * gap of a justified line past half an em (GB/T 9704 has no
 * letter-spaced lines), and the run broken only where it must be. */
static void half_em_at_every_column(void **state)
{
	static const char *const runs[] = {
		"https://www.example.gov.cn/zwgk/2024/jlzbf-2024-12.html",
		"dang.an-ke@jiangling.gov.cn",
		"Supercalifragilisticexpialidocious",
		"62830017629501846633",
		"ISO 9001:2015",
	};
	para *p = calloc(1, sizeof(*p));
	size_t r;
	int col;

	(void)state;
	for (r = 0; r < sizeof(runs) / sizeof(runs[0]); r++)
		for (col = 0; col < 28; col++) {
			char buf[1024];
			snprintf(buf, sizeof(buf), "%s%s%s", repeat("汉", col),
				runs[r], repeat("后文", 14));
			items(p, buf, 1);
			brk(p, 26 * EM, 28 * EM);
			assert_clreq(p);
			assert_full_lines(p, 26 * EM, 28 * EM);
			if (widest_gap(p) > 0.5 + 1e-9)
				fail_msg("%s at column %d: a gap of %.2f em",
					runs[r], col, widest_gap(p));
		}
	free(p);
}

static void justification_spreads_evenly(void **state)
{
	para *p = calloc(1, sizeof(*p));
	char buf[512];
	double gap;
	size_t i;

	(void)state;
	/* 27 Han + ， + 字: the last Han is pushed, 27 fill 28 em. */
	snprintf(buf, sizeof(buf), "%s字，字", repeat("字", 27));
	items(p, buf, 1);
	brk(p, 28 * EM, 28 * EM);
	assert_int_equal(p->ln[0].end, 27);
	gap = p->x[1] - p->x[0];
	for (i = 1; i < 27; i++)
		assert_true(fabs(p->x[i] - p->x[i - 1] - gap) < 1e-9);
	assert_true(fabs(gap - (EM + EM / 26)) < 1e-9);
	/* The last line keeps natural spacing. */
	assert_true(fabs(p->x[29] - p->x[28] - EM) < 1e-9);
	free(p);
}

/* Widths of the lines, in em, of a title just broken. */
static void title_widths(const para *p, double *w)
{
	size_t i;

	for (i = 0; i < p->n_lines; i++)
		w[i] = p->ln[i].width / EM;
}

/* Items of `s` with breaks allowed only after the characters marked
 * '|' (removed from the text): the words of a title. */
static void title_items(para *p, const char *marked)
{
	char text[1024];
	size_t i = 0, k = 0, brk[256], n_brk = 0;

	for (; marked[i] && k + 1 < sizeof(text); i++) {
		if (marked[i] == '|') {
			brk[n_brk++] = k;
			continue;
		}
		text[k++] = marked[i];
	}
	text[k] = '\0';
	items(p, text, 0);
	for (i = 0; i < p->n; i++)
		p->it[i].icu_break = 0;
	/* byte offsets to item indexes */
	for (i = 0; i < n_brk; i++) {
		size_t b, item = 0;
		for (b = 0; b < brk[i]; b++)
			if (((unsigned char)text[b] & 0xC0) != 0x80)
				item++;
		p->it[item - 1].icu_break = 1;
	}
}

static void title_shapes(void **state)
{
	para *p = calloc(1, sizeof(*p));
	double w[16];
	size_t i;

	(void)state;
	/* Breaks everywhere: 30 characters are 14/16, not the rectangle
	 * 15/15; 57 are 18/19/20, not 19/19/19. */
	items(p, repeat("题", 30), 1);
	folio_lb_break_title(p->ln, &p->n_lines, p->x, p->it, p->n, 28 * EM);
	assert_int_equal(p->n_lines, 2);
	assert_int_equal(p->ln[0].end, 14);
	items(p, repeat("题", 57), 1);
	folio_lb_break_title(p->ln, &p->n_lines, p->x, p->it, p->n, 28 * EM);
	assert_int_equal(p->n_lines, 3);
	title_widths(p, w);
	assert_true(fabs(w[0] - 18) < 1e-6 && fabs(w[1] - 19) < 1e-6 &&
		fabs(w[2] - 20) < 1e-6);
	/* Words: the even split 营口市|人民政府|办公室 / 关于… would put
	 * the longer line on top; the 梯形 takes the shorter top line. */
	title_items(p, "营口市|人民政府|办公室|关于|印发|营口市|2024年|"
		"高质量|发展|实施|方案|的|通知");
	folio_lb_break_title(p->ln, &p->n_lines, p->x, p->it, p->n, 28 * EM);
	assert_int_equal(p->n_lines, 2);
	title_widths(p, w);
	assert_true(w[0] + 0.5 <= w[1]);
	for (i = 0; i + 1 < p->n_lines; i++)  /* never inside a word */
		assert_int_equal(p->it[p->ln[i].end - 1].icu_break, 1);
	/* Words of 3|8|9|5|9 at 18 em: three lines, the evenest 11/9/14
	 * is a V; the 菱形 11/14/9 beats the lopsided 3/17/14. */
	title_items(p, "一二三|一二三四五六七八|一二三四五六七八九|一二三四五|"
		"一二三四五六七八九");
	folio_lb_break_title(p->ln, &p->n_lines, p->x, p->it, p->n, 18 * EM);
	assert_int_equal(p->n_lines, 3);
	title_widths(p, w);
	assert_true(fabs(w[0] - 11) < 1e-6 && fabs(w[1] - 14) < 1e-6 &&
		fabs(w[2] - 9) < 1e-6);
	/* The even split 14/10 puts the longer line on top: 6/18. */
	title_items(p, "一二三四五六|一二三四五六七八|一二三四五六七八九十");
	folio_lb_break_title(p->ln, &p->n_lines, p->x, p->it, p->n, 18 * EM);
	assert_int_equal(p->n_lines, 2);
	assert_int_equal(p->ln[0].end, 6);
	/* One break only: 16/8 is the only way, the upper line longer. */
	title_items(p, "一二三四五六七八一二三四五六七八|一二三四五六七八");
	folio_lb_break_title(p->ln, &p->n_lines, p->x, p->it, p->n, 20 * EM);
	assert_int_equal(p->n_lines, 2);
	assert_int_equal(p->ln[0].end, 16);
	/* Words of 9|4|6|4|4|8 at 13 em: three lines can only be 13/10/12
	 * (a V, neither shape); four give the 菱形 9/10/8/8. */
	title_items(p, "一二三四五六七八九|一二三四|一二三四五六|一二三四|"
		"一二三四|一二三四五六七八");
	folio_lb_break_title(p->ln, &p->n_lines, p->x, p->it, p->n, 13 * EM);
	assert_int_equal(p->n_lines, 4);
	title_widths(p, w);
	assert_true(fabs(w[0] - 9) < 1e-6 && fabs(w[1] - 10) < 1e-6 &&
		fabs(w[2] - 8) < 1e-6 && fabs(w[3] - 8) < 1e-6);
	free(p);
}

static void icu_zh_quotes(void **state)
{
	para *p = calloc(1, sizeof(*p));

	(void)state;
	/* zh tailoring: “ opens, ” closes, so breaks sit outside them. */
	items(p, "字“字”字", 1);
	assert_int_equal(p->it[0].icu_break, 1);  /* before “ */
	assert_int_equal(p->it[1].icu_break, 0);  /* after “ */
	assert_int_equal(p->it[2].icu_break, 0);  /* before ” */
	assert_int_equal(p->it[3].icu_break, 1);  /* after ” */
	free(p);
}

/* Items, lines and positions for n items (hostile-size tests). */
static void big_arrays(folio_lb_item **it, folio_lb_line **ln, double **x,
	size_t n)
{
	*it = calloc(n, sizeof(**it));
	*ln = calloc(n, sizeof(**ln));
	*x = calloc(n, sizeof(**x));
	assert_non_null(*it);
	assert_non_null(*ln);
	assert_non_null(*x);
}

static void big_free(folio_lb_item *it, folio_lb_line *ln, double *x)
{
	free(it);
	free(ln);
	free(x);
}

/* Hostile paragraphs (a document of 200k spaces, or of zero-width
 * characters, never overflows until its end) must cost work linear in
 * their length: the breaker once restarted the line's width sum at
 * every item, ~n*n/2 visits (2e10 here: minutes). Counted, not timed. */
static void linear_work(void **state)
{
	const size_t n = 200000;
	const uint32_t fill[] = {0x20, 0x200B, 0xFF0C};
	folio_lb_item *it;
	folio_lb_line *ln;
	double *x;
	size_t k, i, n_lines, before;

	(void)state;
	big_arrays(&it, &ln, &x, n);
	for (k = 0; k < sizeof(fill) / sizeof(fill[0]); k++) {
		for (i = 0; i < n; i++) {
			it[i].cp = i == 0 ? 0x5B57 : fill[k];
			it[i].em = EM;
			it[i].cls = (uint8_t)folio_lb_classify(it[i].cp);
			/* zero-width marks too: the run of marks ending a
			 * line never grows wide enough to overflow */
			it[i].width = i == 0 ? EM : 0;
			it[i].icu_break = 1;
		}
		if (fill[k] == 0xFF0C)
			for (i = 1; i < n; i++)
				it[i].em = 0;  /* width 0 >= 0.9 em: a mark */
		before = folio_lb_work();
		folio_lb_break(ln, &n_lines, x, it, n, 28 * EM, 28 * EM,
			FOLIO_LB_JUSTIFY);
		assert_int_equal(n_lines, 1);
		assert_int_equal(ln[0].end, n);
		assert_true(folio_lb_work() - before < 10 * n);
	}
	big_free(it, ln, x);
}

/* A Latin run (a pasted hash, a URL) many lines long is broken inside
 * at every line; deciding that must not measure the whole run again at
 * each line (that was ~n*n/112 visits here). */
static void long_latin_run_linear(void **state)
{
	const size_t n = 100000;
	folio_lb_item *it;
	folio_lb_line *ln;
	double *x;
	size_t i, n_lines, before;

	(void)state;
	big_arrays(&it, &ln, &x, n);
	for (i = 0; i < n; i++) {
		it[i].cp = 'a' + (uint32_t)(i % 26);
		it[i].em = EM;
		it[i].cls = FOLIO_LB_LATIN;
		it[i].width = EM / 2;
		it[i].icu_break = 1;
	}
	before = folio_lb_work();
	folio_lb_break(ln, &n_lines, x, it, n, 28 * EM, 28 * EM,
		FOLIO_LB_JUSTIFY);
	assert_true(folio_lb_work() - before < 10 * n);
	assert_int_equal(n_lines, (n + 55) / 56);
	for (i = 0; i + 1 < n_lines; i++)
		assert_int_equal(ln[i].end - ln[i].start, 56);
	assert_int_equal(ln[n_lines - 1].end, n);
	big_free(it, ln, x);
}

/* A Latin run whose width sits at its end (a letter, 100k zero-width
 * combining marks, one very wide letter) after one Han character: every
 * break inside the run would spread the line's one gap past half an em,
 * so the run goes down whole; deciding that once checked the gaps at
 * every candidate (~n*n/2 visits). */
static void zero_width_run_linear(void **state)
{
	const size_t n = 100003;
	folio_lb_item *it;
	folio_lb_line *ln;
	double *x;
	size_t i, n_lines, before;

	(void)state;
	big_arrays(&it, &ln, &x, n);
	for (i = 0; i < n; i++) {
		it[i].cp = i == 0 ? 0x5B57 : i == 1 ? 'a' : i + 1 == n ? 'W' :
			0x0301;
		it[i].em = EM;
		it[i].cls = (uint8_t)folio_lb_classify(it[i].cp);
		it[i].width = i == 0 ? EM : i == 1 ? EM / 2 : i + 1 == n ?
			27 * EM : 0;
		it[i].icu_break = i == 0;
	}
	assert_int_equal(it[2].cls, FOLIO_LB_LATIN);
	before = folio_lb_work();
	folio_lb_break(ln, &n_lines, x, it, n, 28 * EM, 28 * EM,
		FOLIO_LB_JUSTIFY);
	assert_true(folio_lb_work() - before < 10 * n);
	assert_int_equal(n_lines, 2);
	assert_int_equal(ln[0].end, 1);
	big_free(it, ln, x);
}

/* folio_lb_fit_end carries the line width from one end to the next;
 * it must take exactly the decisions of the from-scratch sum, on mixes
 * of every class, spaces, zero widths, tracking and narrow marks. */
static void fit_end_matches_reference(void **state)
{
	static const uint32_t pool[] = {
		0x5B57, 0x5B57, 'a', 'b', '1', ' ', ' ', 0x3001, 0xFF0C,
		0x3002, 0x201C, 0x201D, 0xFF08, 0xFF09, 0x300A, 0x300B,
		0x2014, 0x2026, 0x00B7, 0x200B, 0x3000
	};
	enum { N = 300 };
	folio_lb_item *it = calloc(N, sizeof(*it));
	unsigned seed = 12345;
	size_t round, i, s, checked = 0;

	(void)state;
	assert_non_null(it);
	for (round = 0; round < 200; round++) {
		double width = (double)(1 + round % 40) * EM * 0.73;

		for (i = 0; i < N; i++) {
			unsigned r;

			seed = seed * 1103515245u + 12345u;
			r = (seed >> 8) % 1000;
			it[i].cp = pool[r % (sizeof(pool) / sizeof(pool[0]))];
			it[i].cls = (uint8_t)folio_lb_classify(it[i].cp);
			it[i].em = EM + (double)(r % 7) * 0.1;
			it[i].width = it[i].cls == FOLIO_LB_LATIN ?
				EM * 0.55 : it[i].cp == 0x200B ? 0 :
				it[i].cls == FOLIO_LB_SPACE ? EM / 3 :
				r % 5 == 0 ? 0.5 * it[i].em : it[i].em;
			it[i].no_pair = r % 11 == 0;
			it[i].icu_break = 1;
		}
		for (s = 0; s < N; s += 1 + round % 3) {
			size_t e, best = s;

			for (e = s + 1; e <= N; e++) {
				if (folio_lb_fit_width(it, s, e) > width + 1e-6)
					break;
				best = e;
			}
			assert_int_equal(folio_lb_fit_end(it, N, s, width),
				best);
			checked++;
		}
	}
	assert_true(checked > 10000);
	free(it);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grid_line_is_exact),
		cmocka_unit_test(compression_before_pushing),
		cmocka_unit_test(last_line_compression),
		cmocka_unit_test(clreq_at_every_column),
		cmocka_unit_test(latin_runs),
		cmocka_unit_test(half_em_at_every_column),
		cmocka_unit_test(justification_spreads_evenly),
		cmocka_unit_test(title_shapes),
		cmocka_unit_test(icu_zh_quotes),
		cmocka_unit_test(linear_work),
		cmocka_unit_test(long_latin_run_linear),
		cmocka_unit_test(zero_width_run_linear),
		cmocka_unit_test(fit_end_matches_reference),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
