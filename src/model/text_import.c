#include "model/text_import.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/file.h"
#include "util/utf8.h"

/* A heading is a short line; anything longer is a numbered paragraph. */
#define HEADING_MAX_CHARS 40
/* Title and date are looked for among the first lines only: a date line
 * deep in the body is a sentence, not page metadata. */
#define HEADER_SEARCH_LINES 40
/* Spam candidates examined (each costs one pass over the text). */
#define SPAM_MAX_CANDIDATES 16
#define SPAM_MAX_BIGRAMS 256
/* Nesting: 4 heading levels, an article, the body itself. */
#define STACK_MAX 8
/* Lines kept in memory per page (blank ones included): 32 MB of index. */
#define MAX_LINES ((size_t)1000000)

enum line_kind {
	K_BLANK,
	K_TEXT,
	K_CHROME,   /* site widgets: breadcrumbs, share, font size ... */
	K_SPAM,     /* SEO keyword line unrelated to the document */
	K_HEADER,   /* page metadata dropped from the body (date line) */
	K_DOCNUM,   /* 文号 line, moved to meta */
	K_DATE,     /* stand-alone date line, moved to meta */
	K_TITLE,
	K_CLOSING   /* 落款 issuer or date, moved to closing */
};

typedef struct src_line {
	const char *s;   /* first non-space byte */
	size_t n;        /* bytes up to the last non-space one */
	unsigned line;   /* 1-based */
	unsigned col;    /* code-point column of s, 1-based */
	int kind;
} src_line;

/* Code points of one line, reused from line to line. */
typedef struct cpline {
	uint32_t *v;
	size_t n, cap;
} cpline;

typedef struct frame {
	folio_block *block;   /* NULL for the body */
	folio_block **tail;   /* where the next child goes */
	int level;            /* 0 body, 1..4 sections, 99 article */
} frame;

typedef struct importer {
	folio_doc *doc;
	const char *name;
	const char *text;
	size_t len;
	src_line *lines;
	size_t n_lines;
	cpline cp;
	folio_buf out;        /* scratch UTF-8 */
	frame stack[STACK_MAX];
	int depth;
	folio_error *err;
} importer;

/* ---- character classes ------------------------------------------------ */

static int is_cjk_punct(uint32_t c)
{
	return (c > 0x3000 && c <= 0x303F) || (c >= 0xFF01 && c <= 0xFF60) ||
		(c >= 0xFE30 && c <= 0xFE4F) || (c >= 0x2018 && c <= 0x201F) ||
		c == 0x2014 || c == 0x2026 || c == 0x2E3A || c == 0xFF5E;
}

static int is_cjk(uint32_t c)
{
	return folio_is_han(c) || is_cjk_punct(c);
}

static int is_alnum(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		(c >= 'a' && c <= 'z');
}

static int is_digit(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);
}

static int digit_value(uint32_t c)
{
	return c >= 0xFF10 ? (int)(c - 0xFF10) : (int)(c - '0');
}

static int cn_digit(uint32_t c)
{
	static const uint32_t d[] = {0x3007, 0x4E00, 0x4E8C, 0x4E09, 0x56DB,
		0x4E94, 0x516D, 0x4E03, 0x516B, 0x4E5D};
	int i;

	if (c == 0x96F6 || c == 0x25CB || c == 0xFF2F || c == 'O')
		return 0;  /* 零 ○ and the letter O typed for 〇 */
	if (c == 0x4E24)
		return 2;  /* 两 */
	for (i = 0; i < 10; i++)
		if (d[i] == c)
			return i;
	return -1;
}

/* Characters a Chinese ordinal is written with: digits, 十 百 千. */
static int is_cn_numeral(uint32_t c)
{
	if (c < 0x80)
		return 0;
	return cn_digit(c) >= 0 || c == 0x5341 || c == 0x767E || c == 0x5343;
}

static int is_inline_space(uint32_t c)
{
	return c == ' ' || c == '\t' || c == 0x3000 || c == 0xA0;
}

/* Does v[at..] start with the UTF-8 literal? Returns its length in code
 * points, or 0. */
static size_t match_lit(const uint32_t *v, size_t n, size_t at,
	const char *lit)
{
	size_t k = 0, len, ln = strlen(lit), off = 0;
	uint32_t c;

	while (off < ln) {
		len = folio_utf8_decode(lit + off, ln - off, &c);
		if (len == 0 || at + k >= n || v[at + k] != c)
			return 0;
		off += len;
		k++;
	}
	return k;
}

static int is_colon(uint32_t c)
{
	return c == ':' || c == 0xFF1A;
}

/* ---- lines --------------------------------------------------------------- */

static int decode_line(importer *im, const src_line *l)
{
	size_t off = 0, len;
	uint32_t c;

	if (l->n + 1 > im->cp.cap) {
		uint32_t *v = realloc(im->cp.v, (l->n + 1) * sizeof(*v));
		if (v == NULL)
			return folio_error_set(im->err, FOLIO_ENOMEM,
				"%s: out of memory", im->name);
		im->cp.v = v;
		im->cp.cap = l->n + 1;
	}
	im->cp.n = 0;
	while (off < l->n) {
		len = folio_utf8_decode(l->s + off, l->n - off, &c);
		if (len == 0)
			len = 1;  /* cannot happen: the text was checked */
		/* Form feeds and vertical tabs are not XML characters. */
		if (c == '\f' || c == '\v')
			c = ' ';
		im->cp.v[im->cp.n++] = c;
		off += len;
	}
	return 0;
}

static int split_lines(importer *im)
{
	size_t count = 1, i, start = 0, k = 0;
	const char *t = im->text;

	for (i = 0; i < im->len; i++)
		if (t[i] == '\n')
			count++;
	if (count > MAX_LINES)
		return folio_error_set(im->err, FOLIO_ELIMIT,
			"%s: %zu lines, the limit is %zu lines", im->name,
			count, MAX_LINES);
	im->lines = calloc(count, sizeof(*im->lines));
	if (im->lines == NULL)
		return folio_error_set(im->err, FOLIO_ENOMEM,
			"%s: out of memory", im->name);
	for (i = 0; i <= im->len; i++) {
		size_t a, b;
		uint32_t c;
		unsigned col = 1;

		if (i < im->len && t[i] != '\n')
			continue;
		a = start;
		b = i;
		/* Trim white space, counting the columns skipped. */
		while (a < b) {
			size_t len = folio_utf8_decode(t + a, b - a, &c);
			if (len == 0 || !folio_is_space(c))
				break;
			a += len;
			col++;
		}
		while (b > a) {
			size_t p = b - 1;
			while (p > a && ((unsigned char)t[p] & 0xC0) == 0x80)
				p--;
			folio_utf8_decode(t + p, b - p, &c);
			if (!folio_is_space(c))
				break;
			b = p;
		}
		im->lines[k].s = t + a;
		im->lines[k].n = b - a;
		im->lines[k].line = (unsigned)(k + 1);
		im->lines[k].col = col;
		im->lines[k].kind = b > a ? K_TEXT : K_BLANK;
		k++;
		start = i + 1;
	}
	im->n_lines = k;
	return 0;
}

/* ---- site chrome --------------------------------------------------------- */

/* Skip list bullets ("  • 附件:") before looking at a widget label. */
static size_t skip_bullets(const uint32_t *v, size_t n)
{
	size_t i = 0;

	while (i < n && (is_inline_space(v[i]) || v[i] == 0x2022 ||
	    v[i] == 0x00B7 || v[i] == 0x25CF || v[i] == 0x25AA ||
	    v[i] == 0x25A0 || v[i] == '*' || v[i] == '-'))
		i++;
	return i;
}

static int is_chrome(const uint32_t *v, size_t n)
{
	/* Labels of page widgets that carry no text when scraped. */
	static const char *const empty_labels[] = {"附件", "视频", "图片",
		"音频", "相关附件", "相关文件", "相关链接", "分享到", NULL};
	/* Links that only make sense on the page. */
	static const char *const links[] = {"打印本页", "关闭窗口", "返回顶部",
		"保存本页", "打印", "关闭", "收藏", "顶部", NULL};
	size_t i = skip_bullets(v, n), k, j;
	int any;

	if (i >= n)
		return 0;
	if (((k = match_lit(v, n, i, "当前位置")) ||
	    (k = match_lit(v, n, i, "您现在的位置")) ||
	    (k = match_lit(v, n, i, "分享"))) &&
	    i + k < n && is_colon(v[i + k]))
		return 1;
	/* A bare breadcrumb: 首页 > 政务公开 > 通知公告. */
	if (match_lit(v, n, i, "首页"))
		for (j = i; j < n; j++)
			if (v[j] == '>' || v[j] == 0xFF1E || v[j] == 0x00BB)
				return 1;
	if (match_lit(v, n, i, "【字号") || match_lit(v, n, i, "[字号") ||
	    (match_lit(v, n, i, "字号") && i + 2 < n && is_colon(v[i + 2])))
		return 1;
	for (j = 0; j < n; j++)
		if (match_lit(v, n, j, "扫一扫在手机打开") ||
		    match_lit(v, n, j, "手机扫一扫"))
			return 1;
	for (j = 0; empty_labels[j]; j++) {
		k = match_lit(v, n, i, empty_labels[j]);
		if (k && ((i + k == n) ||
		    (i + k + 1 == n && is_colon(v[i + k]))))
			return 1;
	}
	/* A line made only of page links, maybe in 【】 or [] brackets. */
	any = 0;
	while (i < n) {
		if (is_inline_space(v[i]) || v[i] == 0x3010 || v[i] == 0x3011 ||
		    v[i] == '[' || v[i] == ']' || v[i] == '|') {
			i++;
			continue;
		}
		for (j = 0; links[j]; j++)
			if ((k = match_lit(v, n, i, links[j])) != 0)
				break;
		if (links[j] == NULL)
			return 0;
		i += k;
		any = 1;
	}
	return any;
}

/* ---- SEO spam ------------------------------------------------------------ */

/* Structure of a keyword-stuffed page title: chunks joined by _ or |,
 * or a Latin brand token glued to Han text ("abc123手机版"). Ordinary
 * prose has neither, and the signal is only used together with the
 * line being unrelated to the rest of the document. */
static int spam_shape(const uint32_t *v, size_t n)
{
	size_t i, chunks = 0, seps = 0;
	int han_in_chunk = 0;

	for (i = 0; i <= n; i++) {
		if (i == n || v[i] == '_' || v[i] == '|' || v[i] == 0xFF3F ||
		    v[i] == 0xFF5C) {
			if (han_in_chunk)
				chunks++;
			if (i < n)
				seps++;
			han_in_chunk = 0;
		} else if (folio_is_han(v[i])) {
			han_in_chunk = 1;
		}
	}
	if (seps >= 1 && chunks >= 2)
		return 1;
	for (i = 0; i < n; i++) {
		size_t a = i, letters = 0, digits = 0;
		while (i < n && is_alnum(v[i])) {
			if (v[i] >= '0' && v[i] <= '9')
				digits++;
			else
				letters++;
			i++;
		}
		if (letters && digits && ((a > 0 && folio_is_han(v[a - 1])) ||
		    (i < n && folio_is_han(v[i]))))
			return 1;
	}
	return 0;
}

static int bigram_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Fraction (in percent) of the candidate line's distinct Han bigrams that
 * occur anywhere else in the document; -1 if the line has too few. */
static int bigram_overlap(importer *im, size_t cand)
{
	uint64_t grams[SPAM_MAX_BIGRAMS];
	unsigned char seen[SPAM_MAX_BIGRAMS];
	size_t ng = 0, i, j, shared = 0;
	uint32_t prev;

	if (decode_line(im, &im->lines[cand]) < 0)
		return -1;
	for (i = 1; i < im->cp.n && ng < SPAM_MAX_BIGRAMS; i++)
		if (folio_is_han(im->cp.v[i - 1]) && folio_is_han(im->cp.v[i]))
			grams[ng++] = (uint64_t)im->cp.v[i - 1] << 32 |
				im->cp.v[i];
	qsort(grams, ng, sizeof(grams[0]), bigram_cmp);
	for (i = j = 0; i < ng; i++)
		if (j == 0 || grams[j - 1] != grams[i])
			grams[j++] = grams[i];
	ng = j;
	if (ng < 3)
		return -1;
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < im->n_lines; i++) {
		const src_line *l = &im->lines[i];
		size_t off = 0, len;
		uint32_t c;

		if (i == cand || l->kind != K_TEXT)
			continue;
		prev = 0;
		while (off < l->n) {
			len = folio_utf8_decode(l->s + off, l->n - off, &c);
			off += len ? len : 1;
			if (folio_is_han(prev) && folio_is_han(c)) {
				uint64_t g = (uint64_t)prev << 32 | c;
				uint64_t *hit = bsearch(&g, grams, ng,
					sizeof(grams[0]), bigram_cmp);
				if (hit != NULL)
					seen[hit - grams] = 1;
			}
			prev = c;
		}
	}
	for (i = 0; i < ng; i++)
		shared += seen[i];
	return (int)(shared * 100 / ng);
}

static int mark_spam(importer *im)
{
	size_t i, tested = 0;
	int overlap;

	for (i = 0; i < im->n_lines && tested < SPAM_MAX_CANDIDATES; i++) {
		if (im->lines[i].kind != K_TEXT)
			continue;
		if (decode_line(im, &im->lines[i]) < 0)
			return FOLIO_ENOMEM;
		if (!spam_shape(im->cp.v, im->cp.n))
			continue;
		tested++;
		overlap = bigram_overlap(im, i);
		/* A real title or heading shares most of its word pairs with
		 * the body; stuffed keywords share next to none. */
		if (overlap >= 0 && overlap <= 25)
			im->lines[i].kind = K_SPAM;
	}
	return 0;
}

/* ---- dates --------------------------------------------------------------- */

static int read_digits(const uint32_t *v, size_t n, size_t *i, int max,
	int *val)
{
	int k = 0;

	*val = 0;
	while (*i < n && is_digit(v[*i]) && k < max) {
		*val = *val * 10 + digit_value(v[*i]);
		(*i)++;
		k++;
	}
	return k;
}

/* 一 .. 三十一 written with 十. */
static int read_cn_number(const uint32_t *v, size_t n, size_t *i, int *val)
{
	int tens = 0, units = -1, seen = 0, d;

	while (*i < n) {
		if (v[*i] == 0x5341) {  /* 十 */
			tens = units > 0 ? units : 1;
			units = -1;
		} else if ((d = cn_digit(v[*i])) > 0 && v[*i] >= 0x80) {
			units = d;
		} else {
			break;
		}
		(*i)++;
		seen++;
	}
	*val = tens * 10 + (units > 0 ? units : 0);
	return seen > 0 && *val > 0;
}

/* First date in v[from..n): ISO-ish 2020-04-27 / 2020.4.27 / 2020/4/27,
 * 2020年4月27日, or 二〇二〇年四月二十七日. Writes YYYY-MM-DD (not yet
 * checked against the calendar) and the span it covered. */
static int find_date(char out[32], const uint32_t *v, size_t n, size_t from,
	size_t *start, size_t *end)
{
	size_t i, p;
	int y, m, d, k, cn;

	for (i = from; i < n; i++) {
		if (i > 0 && (is_digit(v[i - 1]) || cn_digit(v[i - 1]) >= 0))
			continue;
		p = i;
		y = 0;
		cn = 0;
		if (is_digit(v[p])) {
			if (read_digits(v, n, &p, 4, &y) != 4 ||
			    (p < n && is_digit(v[p])))
				continue;
		} else {
			for (k = 0; k < 4 && p < n && cn_digit(v[p]) >= 0; k++)
				y = y * 10 + cn_digit(v[p++]);
			if (k != 4)
				continue;
			cn = 1;
		}
		if (p >= n)
			continue;
		if (v[p] == 0x5E74) {  /* 年 */
			p++;
			if (cn ? !read_cn_number(v, n, &p, &m) :
			    !read_digits(v, n, &p, 2, &m))
				continue;
			if (p >= n || v[p] != 0x6708)  /* 月 */
				continue;
			p++;
			if (cn ? !read_cn_number(v, n, &p, &d) :
			    !read_digits(v, n, &p, 2, &d))
				continue;
			if (p < n && (v[p] == 0x65E5 || v[p] == 0x53F7))
				p++;  /* 日 号 */
		} else if (!cn && (v[p] == '-' || v[p] == '.' || v[p] == '/' ||
		    v[p] == 0xFF0D || v[p] == 0xFF0E || v[p] == 0xFF0F)) {
			uint32_t sep = v[p++];
			if (!read_digits(v, n, &p, 2, &m) || p >= n ||
			    v[p] != sep)
				continue;
			p++;
			if (!read_digits(v, n, &p, 2, &d))
				continue;
		} else {
			continue;
		}
		if (p < n && is_digit(v[p]))
			continue;
		if (y > 9999 || m > 99 || d > 99)
			continue;
		snprintf(out, 32, "%04u-%02u-%02u", (unsigned)y % 10000u,
			(unsigned)m % 100u, (unsigned)d % 100u);
		*start = i;
		*end = p;
		return 1;
	}
	return 0;
}

/* A line that is only a date, maybe in brackets: （2020年4月27日）. */
static int whole_line_date(char out[32], const uint32_t *v, size_t n)
{
	size_t a = 0, b = n, s, e;

	while (a < b && (v[a] == '(' || v[a] == 0xFF08 ||
	    is_inline_space(v[a])))
		a++;
	while (b > a && (v[b - 1] == ')' || v[b - 1] == 0xFF09 ||
	    is_inline_space(v[b - 1])))
		b--;
	return a < b && find_date(out, v, b, a, &s, &e) && s == a && e == b;
}

/* "发布时间:2020-04-27", also inside "来源:xx 发布时间:..." lines. Returns
 * the index after the label's colon, or 0. */
static size_t date_label(const uint32_t *v, size_t n)
{
	static const char *const labels[] = {"发布时间", "发布日期", "成文日期",
		"日期", NULL};
	size_t i, j, k;

	for (i = 0; i < n; i++) {
		if (i > 0 && !is_inline_space(v[i - 1]) &&
		    !is_cjk_punct(v[i - 1]))
			continue;
		for (j = 0; labels[j]; j++) {
			k = match_lit(v, n, i, labels[j]);
			if (k == 0)
				continue;
			k += i;
			while (k < n && is_inline_space(v[k]))
				k++;
			if (k < n && is_colon(v[k]))
				return k + 1;
		}
	}
	return 0;
}

/* ---- 文号 ------------------------------------------------------------------ */

static int is_open_bracket(uint32_t c)
{
	return c == 0x3014 || c == '[' || c == 0xFF3B || c == 0x3010 ||
		c == '(' || c == 0xFF08;
}

static int is_close_bracket(uint32_t c)
{
	return c == 0x3015 || c == ']' || c == 0xFF3D || c == 0x3011 ||
		c == ')' || c == 0xFF09;
}

/* Match 〔2019〕11号 (with any stray spaces) at v[i]; on success *end is
 * the index after 号 and year/num are the numbers. */
static int match_docnum_tail(const uint32_t *v, size_t n, size_t i,
	size_t *end, int *year, int *num)
{
	if (i >= n || !is_open_bracket(v[i]))
		return 0;
	i++;
	while (i < n && is_inline_space(v[i]))
		i++;
	if (read_digits(v, n, &i, 4, year) != 4)
		return 0;
	while (i < n && is_inline_space(v[i]))
		i++;
	if (i >= n || !is_close_bracket(v[i]))
		return 0;
	i++;
	while (i < n && is_inline_space(v[i]))
		i++;
	if (read_digits(v, n, &i, 6, num) == 0)
		return 0;
	while (i < n && is_inline_space(v[i]))
		i++;
	if (i >= n || v[i] != 0x53F7)  /* 号 */
		return 0;
	*end = i + 1;
	return 1;
}

/* A whole line that is a 文号: up to 20 Han characters, then 〔year〕N号.
 * Writes the normalised form (〔〕 brackets, no spaces) to out. */
static int whole_line_docnum(folio_buf *out, const uint32_t *v, size_t n)
{
	size_t i = 0, end;
	int year, num;

	while (i < n && i < 20 && folio_is_han(v[i]))
		i++;
	if (i == 0 || !match_docnum_tail(v, n, i, &end, &year, &num) ||
	    end != n)
		return 0;
	folio_buf_reset(out);
	for (end = 0; end < i; end++)
		if (folio_buf_put_utf8(out, v[end]) < 0)
			return 0;
	return folio_buf_printf(out, "〔%d〕%d号", year, num) == 0;
}

/* ---- punctuation --------------------------------------------------------- */

static uint32_t full_width(uint32_t c)
{
	switch (c) {
	case ',': return 0xFF0C;
	case ':': return 0xFF1A;
	case ';': return 0xFF1B;
	case '(': return 0xFF08;
	case ')': return 0xFF09;
	case '?': return 0xFF1F;
	case '!': return 0xFF01;
	default: return c;
	}
}

/* URLs and e-mail addresses are ASCII runs holding "://", "www." or '@';
 * nothing inside them is touched. Parentheses end a run, so a URL in
 * Chinese brackets still gets its brackets converted. */
static void mark_protected(const uint32_t *v, size_t n, unsigned char *prot)
{
	size_t i = 0, a, k;
	int url;

	while (i < n) {
		if (!(v[i] > 0x20 && v[i] < 0x7F) || v[i] == '(' ||
		    v[i] == ')') {
			i++;
			continue;
		}
		a = i;
		url = 0;
		while (i < n && v[i] > 0x20 && v[i] < 0x7F && v[i] != '(' &&
		    v[i] != ')') {
			if (v[i] == '@' || match_lit(v, n, i, "://") ||
			    match_lit(v, n, i, "www.") ||
			    match_lit(v, n, i, "WWW."))
				url = 1;
			i++;
		}
		/* Sentence punctuation around an address is not part of it. */
		k = i;
		while (k > a && strchr(".,;:!?", (int)v[k - 1]) != NULL)
			k--;
		while (a < k && strchr(".,;:!?", (int)v[a]) != NULL)
			a++;
		if (url)
			while (k-- > a)
				prot[k] = 1;
	}
}

/* Convert ASCII , : ; ( ) ? ! used in Chinese text to full width, in
 * place. Brackets go by pairs: a pair whose content has Chinese, or that
 * stands between Chinese (or the line's ends) on both sides, is Chinese.
 * Other marks follow the character before them (a comma belongs to the
 * text it ends), or the one after when nothing Latin precedes. Numbers
 * (3,000 10:30), Latin words and URLs are left alone. */
/* An open bracket waiting for its pair: where it is, how many Chinese
 * characters the text held up to it, and whether a pair inside it has
 * already been made full width (a full-width bracket is Chinese too). */
typedef struct open_bracket {
	size_t at, cjk;
	int inner;
} open_bracket;

static int fix_punctuation(importer *im)
{
	uint32_t *v = im->cp.v;
	size_t n = im->cp.n, i, top = 0, seen = 0;
	unsigned char *prot = calloc(n + 1, 1);
	open_bracket *open = malloc((n + 1) * sizeof(*open));
	unsigned char *paired = calloc(n + 1, 1);
	int rc = 0;

	if (prot == NULL || open == NULL || paired == NULL) {
		rc = folio_error_set(im->err, FOLIO_ENOMEM, "%s: out of memory",
			im->name);
		goto done;
	}
	mark_protected(v, n, prot);
	/* Whether a pair's content has Chinese comes from running counts,
	 * not from rescanning the content at each ')': nested brackets
	 * made that quadratic (160k of them took 18 s). */
	for (i = 0; i < n; i++) {
		size_t before = seen;

		/* v[i] as read: this loop changes brackets only at or
		 * before the ')' being looked at */
		seen += (size_t)is_cjk(v[i]);
		if (prot[i])
			continue;
		if (v[i] == '(') {
			open[top].at = i;
			open[top].cjk = seen;
			open[top].inner = 0;
			top++;
		} else if (v[i] == ')' && top > 0) {
			open_bracket b = open[--top];
			size_t a = b.at;
			int chinese = before > b.cjk || b.inner, made = 0;
			int left = a == 0 || is_cjk(v[a - 1]);
			int right = i + 1 == n || is_cjk(v[i + 1]);

			paired[a] = paired[i] = 1;
			if (chinese || (left && right && i > a + 1)) {
				v[a] = full_width('(');
				v[i] = full_width(')');
				made = 1;
			}
			if (top > 0 && (made || b.inner))
				open[top - 1].inner = 1;
		}
	}
	for (i = 0; i < n; i++) {
		uint32_t c = v[i], prev = i ? v[i - 1] : 0;
		uint32_t next = i + 1 < n ? v[i + 1] : 0;

		if (prot[i] || full_width(c) == c)
			continue;
		if (c == '(' || c == ')') {
			if (paired[i])
				continue;
			/* A stray bracket: Chinese if it touches Chinese and
			 * no Latin. */
			if ((is_cjk(prev) || is_cjk(next)) && !is_alnum(prev) &&
			    !is_alnum(next))
				v[i] = full_width(c);
			continue;
		}
		if (is_cjk(prev) || (is_cjk(next) && !is_alnum(prev)))
			v[i] = full_width(c);
	}
done:
	free(prot);
	free(open);
	free(paired);
	return rc;
}

/* 营委办发〔2017〕 63号 -> 营委办发〔2017〕63号 inside body text: only the
 * spaces within a 文号 go; its characters are kept. */
static void fix_docnum_spacing(importer *im)
{
	uint32_t *v = im->cp.v;
	size_t n = im->cp.n, i, j, w = 0, end;
	int year, num;

	for (i = 0; i < n;) {
		if (i > 0 && folio_is_han(v[i - 1]) &&
		    match_docnum_tail(v, n, i, &end, &year, &num)) {
			for (j = i; j < end; j++)
				if (!is_inline_space(v[j]))
					v[w++] = v[j];
			i = end;
			continue;
		}
		v[w++] = v[i++];
	}
	im->cp.n = w;
}

/* ---- headings ------------------------------------------------------------ */

enum number_form {
	F_NONE,
	F_CN_DUN,      /* 一、 */
	F_CN_PAREN,    /* （一） */
	F_DIGIT_DOT,   /* 1. 1． 1、 */
	F_DIGIT_PAREN, /* （1） */
	F_CHAPTER,     /* 第一章 */
	F_PART,        /* 第一节 */
	F_ARTICLE      /* 第一条 */
};

/* The typed number at the start of a line; *rest is where its text
 * starts (after spaces). */
static int number_form(const uint32_t *v, size_t n, size_t *rest)
{
	size_t i = 0, a;
	int form = F_NONE;

	if (n == 0)
		return F_NONE;
	if (v[0] == 0x7B2C) {  /* 第 */
		for (i = 1; i < n && (is_cn_numeral(v[i]) || is_digit(v[i]));)
			i++;
		if (i > 1 && i < n) {
			if (v[i] == 0x7AE0)
				form = F_CHAPTER;
			else if (v[i] == 0x8282)
				form = F_PART;
			else if (v[i] == 0x6761)
				form = F_ARTICLE;
			i++;
		}
	} else if (is_cn_numeral(v[0])) {
		while (i < n && is_cn_numeral(v[i]))
			i++;
		if (i < n && v[i] == 0x3001) {  /* 、 */
			form = F_CN_DUN;
			i++;
		}
	} else if (is_digit(v[0])) {
		while (i < n && is_digit(v[i]))
			i++;
		if (i < n && (v[i] == '.' || v[i] == 0xFF0E ||
		    v[i] == 0x3001) && (i + 1 >= n || !is_digit(v[i + 1]))) {
			form = F_DIGIT_DOT;
			i++;
		}
	} else if (v[0] == 0xFF08 || v[0] == '(') {
		a = 1;
		for (i = 1; i < n && is_cn_numeral(v[i]); i++)
			;
		if (i > a && i < n && (v[i] == 0xFF09 || v[i] == ')')) {
			form = F_CN_PAREN;
			i++;
		} else {
			for (i = 1; i < n && is_digit(v[i]); i++)
				;
			if (i > a && i < n && (v[i] == 0xFF09 || v[i] == ')')) {
				form = F_DIGIT_PAREN;
				i++;
			}
		}
		/* "（一）、" is a common slip. */
		if (form != F_NONE && i < n && v[i] == 0x3001)
			i++;
	}
	if (form == F_NONE)
		return F_NONE;
	while (i < n && is_inline_space(v[i]))
		i++;
	*rest = i;
	return form;
}

/* Short, and no sentence ends in it. */
static int heading_like(const uint32_t *v, size_t n, size_t rest)
{
	size_t i;

	if (rest >= n || n - rest > HEADING_MAX_CHARS)
		return 0;
	for (i = rest; i < n; i++)
		if (v[i] == 0x3002 || v[i] == 0xFF01 || v[i] == 0xFF1F ||
		    v[i] == 0xFF1B || v[i] == '.' || v[i] == ';')
			return 0;
	return 1;
}

/* ---- building the model -------------------------------------------------- */

static int text_from_cps(const char **out, importer *im, const uint32_t *v,
	size_t n, const src_line *l)
{
	size_t i;

	folio_buf_reset(&im->out);
	for (i = 0; i < n; i++)
		if (folio_buf_put_utf8(&im->out, v[i]) < 0)
			return folio_error_set(im->err, FOLIO_ELIMIT,
				"%s:%u:%u: expected a paragraph of at most %zu "
				"bytes, found a longer one", im->name, l->line,
				l->col, FOLIO_MAX_TEXT_BYTES);
	return folio_doc_text(out, im->doc, im->out.data ? im->out.data : "",
		im->out.len, im->err);
}

static folio_block *new_block(importer *im, folio_block_kind kind,
	const src_line *l)
{
	folio_block *b = folio_doc_block(im->doc, kind);

	if (b == NULL) {
		folio_error_set(im->err, FOLIO_ELIMIT,
			"%s:%u:%u: document exceeds the memory limit",
			im->name, l->line, l->col);
		return NULL;
	}
	b->line = l->line;
	b->col = l->col;
	return b;
}

static void append(importer *im, folio_block *b)
{
	frame *f = &im->stack[im->depth];

	*f->tail = b;
	f->tail = &b->next;
}

static int push(importer *im, folio_block *b, int level)
{
	append(im, b);
	if (im->depth + 1 >= STACK_MAX)
		return 0;  /* cannot happen: levels are bounded */
	im->depth++;
	im->stack[im->depth].block = b;
	im->stack[im->depth].tail = &b->children;
	im->stack[im->depth].level = level;
	return 0;
}

static int close_article(importer *im, const src_line *l)
{
	frame *f = &im->stack[im->depth];

	if (f->level != 99)
		return 0;
	if (f->block->children == NULL)
		return folio_error_set(im->err, FOLIO_EINPUT,
			"%s:%u:%u: expected the text of an article (第…条), "
			"found none", im->name, l ? l->line : f->block->line,
			l ? l->col : f->block->col);
	im->depth--;
	return 0;
}

static int add_para(importer *im, const uint32_t *v, size_t n,
	const src_line *l)
{
	folio_block *b = new_block(im, FOLIO_BLOCK_PARA, l);
	int rc;

	if (b == NULL)
		return FOLIO_ELIMIT;
	if ((rc = text_from_cps(&b->text, im, v, n, l)) < 0)
		return rc;
	if (b->text[0] == '\0')
		return 0;
	append(im, b);
	return 0;
}

static int add_line(importer *im, const src_line *l, int chapters)
{
	const uint32_t *v = im->cp.v;
	size_t n = im->cp.n, rest = 0;
	int form = number_form(v, n, &rest), level = 0, rc;
	folio_block *b;

	if (form == F_ARTICLE) {
		if ((rc = close_article(im, l)) < 0)
			return rc;
		b = new_block(im, FOLIO_BLOCK_ARTICLE, l);
		if (b == NULL)
			return FOLIO_ELIMIT;
		push(im, b, 99);
		return rest < n ? add_para(im, v + rest, n - rest, l) : 0;
	}
	if (heading_like(v, n, rest)) {
		switch (form) {
		case F_CHAPTER: level = chapters ? 1 : 0; break;
		case F_PART: level = chapters ? 2 : 0; break;
		case F_CN_DUN: level = chapters ? 3 : 1; break;
		case F_CN_PAREN: level = chapters ? 4 : 2; break;
		case F_DIGIT_DOT: level = chapters ? 0 : 3; break;
		case F_DIGIT_PAREN: level = chapters ? 0 : 4; break;
		default: break;
		}
	}
	/* Inside an article only 第…章/节/条 (or 一、 outside regulations)
	 * end it: its （一） and 1. items are part of the clause. */
	if (im->stack[im->depth].level == 99 && form != F_CHAPTER &&
	    form != F_PART && (form != F_CN_DUN || chapters))
		level = 0;
	if (level == 0)
		return add_para(im, v, n, l);
	if ((rc = close_article(im, l)) < 0)
		return rc;
	/* Close deeper or equal sections; a level that skips one simply
	 * nests under whatever is open. */
	while (im->depth > 0 && im->stack[im->depth].level >= level)
		im->depth--;
	b = new_block(im, FOLIO_BLOCK_SECTION, l);
	if (b == NULL)
		return FOLIO_ELIMIT;
	b->level = level;
	if ((rc = text_from_cps(&b->text, im, v + rest, n - rest, l)) < 0)
		return rc;
	return push(im, b, level);
}

/* ---- meta ---------------------------------------------------------------- */

static int set_text(const char **field, importer *im, const char *s,
	size_t n)
{
	return folio_doc_text(field, im->doc, s, n, im->err);
}

/* Category from the title: 【政策解读】 suffix, else the document kind
 * its last words name (longest match). Trailing （试行） and the like are
 * ignored. */
static const char *title_category(const char *title)
{
	static const char *const kinds[] = {"实施意见", "指导意见", "实施方案",
		"实施细则", "意见", "方案",
		"细则", "办法", "规定", "条例", "通知", "通报", "通告", "公告",
		"公报", "决定", "决议", "命令", "批复", "报告", "请示", "纪要",
		"规划", "计划", "函", NULL};
	size_t n = strlen(title), k, best = 0, i;
	const char *found = NULL;

	if (n >= strlen("政策解读") + 3 && (strstr(title, "【政策解读】") ||
	    strstr(title, "［政策解读］")))
		return "政策解读";
	if (n >= strlen("解读") &&
	    strcmp(title + n - strlen("解读"), "解读") == 0)
		return "政策解读";
	/* Drop one trailing bracketed remark: （试行） (征求意见稿). */
	if (n > 3 && strcmp(title + n - 3, "）") == 0) {
		const char *p = strstr(title, "（");
		const char *last = NULL;
		while (p != NULL) {
			last = p;
			p = strstr(p + 3, "（");
		}
		if (last != NULL)
			n = (size_t)(last - title);
	}
	for (i = 0; kinds[i]; i++) {
		k = strlen(kinds[i]);
		if (k <= n && k > best &&
		    memcmp(title + n - k, kinds[i], k) == 0) {
			best = k;
			found = kinds[i];
		}
	}
	return found;
}

static void slug(char *out, size_t outsz, const char *name)
{
	const char *base = strrchr(name, '/'), *dot;
	size_t i, n, w = 0;
	uint32_t h = 2166136261u;
	int dash = 0;

	base = base ? base + 1 : name;
	dot = strrchr(base, '.');
	n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	for (i = 0; i < n && w + 1 < outsz && w < 64; i++) {
		unsigned char c = (unsigned char)base[i];
		h = (h ^ c) * 16777619u;
		if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		    (c >= 'a' && c <= 'z') || ((c == '.' || c == '_') && w)) {
			if (dash && w)
				out[w++] = '-';
			if (w + 1 < outsz && w < 64)
				out[w++] = (char)c;
			dash = 0;
		} else {
			dash = 1;
		}
	}
	for (; i < n; i++)
		h = (h ^ (unsigned char)base[i]) * 16777619u;
	out[w] = '\0';
	/* A name with no ASCII letters (a Chinese file name) still gets a
	 * stable id. */
	if (w == 0)
		snprintf(out, outsz, "doc-%08x", (unsigned)h);
}

static int id_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 64 || !is_alnum((unsigned char)s[0]))
		return 0;
	for (i = 1; i < n; i++)
		if (!is_alnum((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '_' && s[i] != '-')
			return 0;
	return 1;
}

static int date_value(char out[32], importer *im, const char *s)
{
	size_t off = 0, len, n = strlen(s);
	uint32_t c;

	im->cp.n = 0;
	if (n + 1 > im->cp.cap) {
		uint32_t *v = realloc(im->cp.v, (n + 1) * sizeof(*v));
		if (v == NULL)
			return 0;
		im->cp.v = v;
		im->cp.cap = n + 1;
	}
	while (off < n) {
		len = folio_utf8_decode(s + off, n - off, &c);
		if (len == 0)
			return 0;
		im->cp.v[im->cp.n++] = c;
		off += len;
	}
	return whole_line_date(out, im->cp.v, im->cp.n) &&
		folio_date_valid(out);
}

static int set_list(folio_strlist *list, importer *im, const char *value)
{
	const char *p = value, *q;
	const char *item;
	int rc;

	list->items = NULL;
	list->count = 0;
	while (*p) {
		size_t sep = 0;
		for (q = p; *q; q++) {
			if (*q == ',') {
				sep = 1;
				break;
			}
			if (strncmp(q, "，", 3) == 0 ||
			    strncmp(q, "、", 3) == 0) {
				sep = 3;
				break;
			}
		}
		if ((rc = set_text(&item, im, p, (size_t)(q - p))) < 0)
			return rc;
		if (item[0] && (rc = folio_strlist_push(list, im->doc, item,
		    im->err)) < 0)
			return rc;
		p = q + sep;
	}
	return 0;
}

static int apply_override(importer *im, const folio_meta_override *o)
{
	folio_meta *m = &im->doc->meta;
	const char *v = o->value ? o->value : "";
	const char **field = NULL;
	char date[32];

	if (o->key == NULL)
		return folio_error_set(im->err, FOLIO_EUSAGE,
			"--meta: expected KEY=VALUE, found no key");
	if (folio_utf8_check(v, strlen(v)) != strlen(v))
		return folio_error_set(im->err, FOLIO_EUSAGE,
			"--meta %s: expected UTF-8 text, found invalid bytes",
			o->key);
	if (strspn(v, " \t") == strlen(v))
		return folio_error_set(im->err, FOLIO_EUSAGE,
			"--meta %s: expected a value, found none", o->key);
	if (strcmp(o->key, "title") == 0) field = &m->title;
	else if (strcmp(o->key, "subtitle") == 0) field = &m->subtitle;
	else if (strcmp(o->key, "issuer") == 0) field = &m->issuer;
	else if (strcmp(o->key, "doc-number") == 0) field = &m->doc_number;
	else if (strcmp(o->key, "category") == 0) field = &m->category;
	else if (strcmp(o->key, "printed-by") == 0) field = &m->printed_by;
	else if (strcmp(o->key, "url") == 0) field = &m->url;
	else if (strcmp(o->key, "keywords") == 0)
		return set_list(&m->keywords, im, v);
	else if (strcmp(o->key, "recipients") == 0)
		return set_list(&m->recipients, im, v);
	else if (strcmp(o->key, "cc") == 0)
		return set_list(&m->cc, im, v);
	if (field != NULL)
		return set_text(field, im, v, strlen(v));
	if (strcmp(o->key, "date") == 0 ||
	    strcmp(o->key, "printed-date") == 0) {
		if (!date_value(date, im, v))
			return folio_error_set(im->err, FOLIO_EUSAGE,
				"--meta %s: expected a calendar date such as "
				"2020-04-27, found '%s'", o->key, v);
		field = o->key[0] == 'd' ? &m->date : &m->printed_date;
		return set_text(field, im, date, strlen(date));
	}
	if (strcmp(o->key, "security") == 0) {
		if (!folio_security_valid(v))
			return folio_error_set(im->err, FOLIO_EUSAGE,
				"--meta security: expected 公开, 内部, 秘密, 机密 "
				"or 绝密, found '%s'", v);
		return set_text(&m->security, im, v, strlen(v));
	}
	if (strcmp(o->key, "retention") == 0) {
		if (!folio_retention_valid(v))
			return folio_error_set(im->err, FOLIO_EUSAGE,
				"--meta retention: expected 永久, 定期30年 or "
				"定期10年, found '%s'", v);
		return set_text(&m->retention, im, v, strlen(v));
	}
	if (strcmp(o->key, "id") == 0) {
		if (!id_valid(v))
			return folio_error_set(im->err, FOLIO_EUSAGE,
				"--meta id: expected 1-64 ASCII letters, "
				"digits, '.', '_' or '-' starting with a "
				"letter or digit, found '%s'", v);
		return set_text(&m->id, im, v, strlen(v));
	}
	return folio_error_set(im->err, FOLIO_EUSAGE,
		"--meta: unknown key '%s'; expected one of title, subtitle, "
		"issuer, doc-number, date, category, security, retention, "
		"keywords, recipients, cc, printed-by, printed-date, url, id",
		o->key);
}

/* ---- the input itself ---------------------------------------------------- */

static int check_text(importer *im)
{
	const unsigned char *t = (const unsigned char *)im->text;
	size_t n = im->len, bad, i;
	unsigned line, col;

	if (n >= 2 && ((t[0] == 0xFF && t[1] == 0xFE) ||
	    (t[0] == 0xFE && t[1] == 0xFF)))
		return folio_error_set(im->err, FOLIO_EINPUT,
			"%s:1:1: expected UTF-8 text, found UTF-16 (byte order "
			"mark %02X %02X); save the page as UTF-8", im->name,
			t[0], t[1]);
	bad = folio_utf8_check(im->text, n);
	if (bad != n) {
		folio_utf8_position(im->text, bad, &line, &col);
		return folio_error_set(im->err, FOLIO_EINPUT,
			"%s:%u:%u: invalid UTF-8 at byte %zu (0x%02X); "
			"expected UTF-8 text", im->name, line, col, bad,
			t[bad]);
	}
	for (i = 0; i < n; i++) {
		if (t[i] >= 0x20 || t[i] == '\n' || t[i] == '\r' ||
		    t[i] == '\t' || t[i] == '\f' || t[i] == '\v')
			continue;
		folio_utf8_position(im->text, i, &line, &col);
		return folio_error_set(im->err, FOLIO_EINPUT,
			"%s:%u:%u: expected text, found control byte 0x%02X at "
			"byte %zu%s", im->name, line, col, t[i], i,
			t[i] == 0 ? " (is the file UTF-16?)" : "");
	}
	return 0;
}

static size_t next_text(const importer *im, size_t i)
{
	while (i < im->n_lines && im->lines[i].kind != K_TEXT)
		i++;
	return i;
}

/* A title has some Chinese and is neither a 文号 nor a bare date. */
static int title_candidate(importer *im, size_t i)
{
	char date[32];
	size_t k, han = 0;

	if (im->lines[i].kind != K_TEXT)
		return 0;
	if (decode_line(im, &im->lines[i]) < 0)
		return FOLIO_ENOMEM;
	if (whole_line_docnum(&im->out, im->cp.v, im->cp.n) ||
	    whole_line_date(date, im->cp.v, im->cp.n))
		return 0;
	for (k = 0; k < im->cp.n; k++)
		han += folio_is_han(im->cp.v[k]) ? 1 : 0;
	return han >= 2;
}

static int import(importer *im, const folio_import_options *opts)
{
	folio_doc *doc = im->doc;
	size_t i, rest, body_start, title_idx = (size_t)-1, date_idx;
	size_t last = (size_t)-1, first_body, seen;
	char date[32], id[72];
	int rc, chapters = 0, found_date = 0, form;
	const src_line *l;

	if ((rc = check_text(im)) < 0)
		return rc;
	/* A UTF-8 byte order mark is noise. */
	if (im->len >= 3 && memcmp(im->text, "\xEF\xBB\xBF", 3) == 0) {
		im->text += 3;
		im->len -= 3;
	}
	if ((rc = split_lines(im)) < 0)
		return rc;
	if (next_text(im, 0) == im->n_lines)
		return folio_error_set(im->err, FOLIO_EINPUT,
			"%s:1:1: expected the text of a document, found %s",
			im->name, im->len ? "only white space" :
			"an empty file");
	for (i = 0; i < im->n_lines; i++) {
		if (im->lines[i].kind != K_TEXT)
			continue;
		if ((rc = decode_line(im, &im->lines[i])) < 0)
			return rc;
		if (is_chrome(im->cp.v, im->cp.n))
			im->lines[i].kind = K_CHROME;
	}
	if ((rc = mark_spam(im)) < 0)
		return rc;

	/* The date line: 发布时间/日期 among the first lines. */
	date_idx = (size_t)-1;
	for (i = 0, seen = 0; i < im->n_lines && seen < HEADER_SEARCH_LINES;
	    i++) {
		size_t at, s, e;
		l = &im->lines[i];
		if (l->kind != K_TEXT)
			continue;
		seen++;
		if ((rc = decode_line(im, l)) < 0)
			return rc;
		at = date_label(im->cp.v, im->cp.n);
		if (at == 0)
			continue;
		if (!find_date(date, im->cp.v, im->cp.n, at, &s, &e)) {
			im->lines[i].kind = K_HEADER;  /* label, no date */
			continue;
		}
		if (!folio_date_valid(date))
			return folio_error_set(im->err, FOLIO_EINPUT,
				"%s:%u:%u: expected a calendar date, "
				"found '%s'", im->name, l->line,
				l->col + (unsigned)s, date);
		if ((rc = set_text(&doc->meta.date, im, date, 10)) < 0)
			return rc;
		im->lines[i].kind = K_HEADER;
		date_idx = i;
		found_date = 1;
		break;
	}

	/* The title: the line before the date line, else the first line
	 * with some Chinese in it. A 文号 or bare date is never the title. */
	if (found_date) {
		for (i = date_idx; i > 0;) {
			if ((rc = title_candidate(im, --i)) < 0)
				return rc;
			if (rc) {
				title_idx = i;
				break;
			}
		}
	} else {
		for (i = 0; i < im->n_lines; i++) {
			if ((rc = title_candidate(im, i)) < 0)
				return rc;
			if (rc) {
				title_idx = i;
				break;
			}
		}
	}
	if (title_idx == (size_t)-1 && found_date) {
		/* Date first, title after it. */
		for (i = date_idx + 1; i < im->n_lines; i++)
			if (im->lines[i].kind == K_TEXT) {
				title_idx = i;
				break;
			}
	}
	if (title_idx == (size_t)-1)
		return folio_error_set(im->err, FOLIO_EINPUT,
			"%s:1:1: expected a title line, found none", im->name);
	l = &im->lines[title_idx];
	im->lines[title_idx].kind = K_TITLE;
	if ((rc = decode_line(im, l)) < 0 || (rc = fix_punctuation(im)) < 0 ||
	    (rc = text_from_cps(&doc->meta.title, im, im->cp.v, im->cp.n,
	    l)) < 0)
		return rc;
	body_start = (found_date && date_idx > title_idx ? date_idx :
		title_idx) + 1;
	for (i = 0; i < body_start; i++)
		if (im->lines[i].kind == K_TEXT)
			im->lines[i].kind = K_HEADER;

	/* 文号 and a bare date just above or below the title block. */
	for (i = 0, seen = 0; i < im->n_lines && seen < 3; i++) {
		int k = im->lines[i].kind;
		if (k != K_TEXT && k != K_HEADER)
			continue;
		if (i >= body_start)
			seen++;
		if ((rc = decode_line(im, &im->lines[i])) < 0)
			return rc;
		if (doc->meta.doc_number == NULL &&
		    whole_line_docnum(&im->out, im->cp.v, im->cp.n)) {
			if ((rc = set_text(&doc->meta.doc_number, im,
			    im->out.data, im->out.len)) < 0)
				return rc;
			im->lines[i].kind = K_DOCNUM;
		} else if (!found_date &&
		    whole_line_date(date, im->cp.v, im->cp.n)) {
			if (!folio_date_valid(date))
				return folio_error_set(im->err, FOLIO_EINPUT,
					"%s:%u:%u: expected a calendar date, "
					"found '%s'", im->name,
					im->lines[i].line, im->lines[i].col,
					date);
			if ((rc = set_text(&doc->meta.date, im, date,
			    10)) < 0)
				return rc;
			im->lines[i].kind = K_DATE;
			found_date = 1;
		}
	}

	/* Closing 落款: a bare date as the last line, and the short
	 * organisation name above it. */
	for (i = body_start; i < im->n_lines; i++)
		if (im->lines[i].kind == K_TEXT)
			last = i;
	first_body = next_text(im, body_start);
	if (last != (size_t)-1 && last > first_body) {
		if ((rc = decode_line(im, &im->lines[last])) < 0)
			return rc;
		if (whole_line_date(date, im->cp.v, im->cp.n) &&
		    folio_date_valid(date)) {
			size_t prev = last;
			doc->has_closing = 1;
			if ((rc = set_text(&doc->closing.date, im, date,
			    10)) < 0)
				return rc;
			im->lines[last].kind = K_CLOSING;
			if (!found_date && (rc = set_text(&doc->meta.date, im,
			    date, 10)) < 0)
				return rc;
			while (prev > first_body &&
			    im->lines[--prev].kind != K_TEXT)
				;
			if (prev > first_body &&
			    im->lines[prev].kind == K_TEXT &&
			    (rc = decode_line(im, &im->lines[prev])) == 0 &&
			    im->cp.n <= 30 &&
			    number_form(im->cp.v, im->cp.n, &rest) == F_NONE) {
				int plain = 1;
				for (rest = 0; rest < im->cp.n; rest++)
					if (!folio_is_han(im->cp.v[rest]) &&
					    im->cp.v[rest] != 0xFF08 &&
					    im->cp.v[rest] != 0xFF09 &&
					    !is_inline_space(im->cp.v[rest]))
						plain = 0;
				if (plain) {
					if ((rc = text_from_cps(
					    &doc->closing.issuer, im, im->cp.v,
					    im->cp.n, &im->lines[prev])) < 0)
						return rc;
					im->lines[prev].kind = K_CLOSING;
				}
			}
			if (rc < 0)
				return rc;
		}
	}

	/* Regulations number chapters: 第一章 switches the scheme. */
	for (i = body_start; i < im->n_lines; i++) {
		if (im->lines[i].kind != K_TEXT)
			continue;
		if ((rc = decode_line(im, &im->lines[i])) < 0)
			return rc;
		form = number_form(im->cp.v, im->cp.n, &rest);
		if ((form == F_CHAPTER || form == F_PART) &&
		    heading_like(im->cp.v, im->cp.n, rest)) {
			chapters = 1;
			break;
		}
	}
	doc->numbering = chapters ? FOLIO_NUMBERING_CHAPTERS :
		FOLIO_NUMBERING_GBT9704;

	im->depth = 0;
	im->stack[0].block = NULL;
	im->stack[0].tail = &doc->body;
	im->stack[0].level = 0;
	for (i = body_start; i < im->n_lines; i++) {
		l = &im->lines[i];
		if (l->kind != K_TEXT)
			continue;
		if ((rc = decode_line(im, l)) < 0 ||
		    (rc = fix_punctuation(im)) < 0)
			return rc;
		fix_docnum_spacing(im);
		if ((rc = add_line(im, l, chapters)) < 0)
			return rc;
	}
	if ((rc = close_article(im, NULL)) < 0)
		return rc;
	if (doc->body == NULL) {
		l = &im->lines[body_start < im->n_lines ? body_start :
			im->n_lines - 1];
		return folio_error_set(im->err, FOLIO_EINPUT,
			"%s:%u:1: expected body text after the title, found "
			"nothing", im->name, l->line);
	}

	if (opts != NULL)
		for (i = 0; i < opts->n_meta; i++)
			if ((rc = apply_override(im, &opts->meta[i])) < 0)
				return rc;
	if (doc->meta.category == NULL && doc->meta.title != NULL) {
		const char *cat = title_category(doc->meta.title);
		if (cat != NULL &&
		    (rc = set_text(&doc->meta.category, im, cat,
		    strlen(cat))) < 0)
			return rc;
	}
	if (doc->meta.issuer == NULL && doc->closing.issuer != NULL)
		doc->meta.issuer = doc->closing.issuer;
	if (doc->meta.id == NULL) {
		slug(id, sizeof(id), im->name);
		if ((rc = set_text(&doc->meta.id, im, id, strlen(id))) < 0)
			return rc;
	}
	if (doc->meta.date == NULL)
		return folio_error_set(im->err, FOLIO_EINPUT,
			"%s:1:1: expected a date (a 发布时间: line or a date "
			"such as 2020年4月27日), found none; add --meta "
			"date=YYYY-MM-DD", im->name);
	if (doc->meta.issuer == NULL)
		return folio_error_set(im->err, FOLIO_EINPUT,
			"%s:1:1: expected an issuer (责任者), found none; add "
			"--meta issuer=NAME", im->name);
	return folio_doc_validate(doc, im->err);
}

int folio_text_import_memory(folio_doc **out, const char *name,
	const char *text, size_t len, const folio_import_options *opts,
	folio_error *err)
{
	importer im;
	int rc;

	*out = NULL;
	memset(&im, 0, sizeof(im));
	im.name = name ? name : "-";
	im.text = text;
	im.len = len;
	im.err = err;
	im.out.limit = FOLIO_MAX_TEXT_BYTES + 8;
	if (len > FOLIO_MAX_SOURCE_BYTES)
		return folio_error_set(err, FOLIO_ELIMIT,
			"%s: text is %zu bytes, the limit is %zu bytes",
			im.name, len, FOLIO_MAX_SOURCE_BYTES);
	if ((rc = folio_doc_new(&im.doc, im.name, err)) < 0)
		return rc;
	rc = import(&im, opts);
	free(im.lines);
	free(im.cp.v);
	folio_buf_free(&im.out);
	if (rc < 0) {
		folio_doc_free(im.doc);
		return rc;
	}
	*out = im.doc;
	return 0;
}

int folio_text_import(folio_doc **out, const char *path,
	const folio_import_options *opts, folio_error *err)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	rc = folio_file_read(&text, &len, path, FOLIO_MAX_SOURCE_BYTES, err);
	if (rc == 0)
		rc = folio_text_import_memory(out, path, text, len, opts, err);
	free(text);
	return rc;
}
