/* Dates in the forms government pages use: 2020-04-27, 2020.4.27,
 * 2020/4/27, 2020年4月27日 (also with blanks: 2020 年 4 月 27 日),
 * 二〇二〇年四月二十七日, 二零二四年九月十日, and 民國/中華民國 years
 * (民國113年5月1日, 中華民國一百一十三年五月一日; a bare 113年5月1日
 * only on a page that says 民國 somewhere). */
#include <stdio.h>

#include "import/import_impl.h"

#define ROC_OFFSET 1911

static int is_dash(uint32_t c)
{
	return c == '-' || c == '.' || c == '/' || c == 0xFF0D ||
		c == 0xFF0E || c == 0xFF0F || c == 0x2212;
}

static int day_mark(uint32_t c)
{
	return c == 0x65E5 || c == 0x53F7 || c == 0x865F;  /* 日 号 號 */
}

/* 民國 / 民国 / 中華民國 / 中华民国 at v[i]: length, or 0. */
static size_t roc_prefix(const uint32_t *v, size_t n, size_t i)
{
	static const char *const p[] = {"中華民國", "中华民国", "民國",
		"民国", NULL};
	size_t j, k;

	for (j = 0; p[j]; j++)
		if ((k = imp_match(v, n, i, p[j])) != 0)
			return k;
	return 0;
}

/* Month and day after 年: digits or Chinese numerals, blanks allowed
 * around the marks. */
static int month_day(const uint32_t *v, size_t n, size_t *p, int cn,
	int *m, int *d)
{
	size_t i = imp_skip_spaces(v, n, *p);

	if (cn ? !imp_read_cn_number(v, n, &i, m) :
	    imp_read_digits(v, n, &i, 2, m) == 0)
		return 0;
	i = imp_skip_spaces(v, n, i);
	if (i >= n || v[i] != 0x6708)  /* 月 */
		return 0;
	i = imp_skip_spaces(v, n, i + 1);
	if (cn ? !imp_read_cn_number(v, n, &i, d) :
	    imp_read_digits(v, n, &i, 2, d) == 0)
		return 0;
	if (i < n && imp_is_digit(v[i]))
		return 0;
	{
		size_t j = imp_skip_spaces(v, n, i);
		if (j < n && day_mark(v[j]))
			i = j + 1;
	}
	*p = i;
	return 1;
}

/* First date in v[from..n), or only one starting at `from` when
 * `anchored`. */
static int find_date(char out[16], const importer *im, const uint32_t *v,
	size_t n, size_t from, int anchored, size_t *start, size_t *end)
{
	size_t i, p, k;
	int y, m, d, roc;

	for (i = from; i < n && (!anchored || i == from); i++) {
		uint32_t c = v[i];
		int cn = 0;

		roc = 0;
		p = i;
		if ((k = roc_prefix(v, n, i)) != 0) {
			roc = 1;
			p = imp_skip_spaces(v, n, i + k);
		} else if (!imp_is_digit(c) && imp_cn_digit(c) < 0) {
			continue;
		}
		if (p > 0 && p == i && (imp_is_digit(v[p - 1]) ||
		    imp_cn_digit(v[p - 1]) >= 0))
			continue;
		if (p >= n)
			continue;
		if (imp_is_digit(v[p])) {
			int digits = imp_read_digits(v, n, &p, 4, &y);
			if (p < n && imp_is_digit(v[p]))
				continue;
			if (digits != 4 && !(digits <= 3 && (roc || im->roc)))
				continue;
			if (digits <= 3)
				roc = 1;
		} else if (roc) {
			if (!imp_read_cn_number(v, n, &p, &y))
				continue;
			cn = 1;
		} else {
			int kk;
			/* the letter O typed for 〇, but not first */
			for (kk = 0, y = 0; kk < 4 && p < n &&
			    imp_cn_digit(v[p]) >= 0 && (kk > 0 ||
			    v[p] >= 0x80); kk++)
				y = y * 10 + imp_cn_digit(v[p++]);
			if (kk != 4 || (p < n && imp_cn_digit(v[p]) >= 0))
				continue;
			cn = 1;
		}
		p = imp_skip_spaces(v, n, p);
		if (p >= n)
			continue;
		if (v[p] == 0x5E74) {  /* 年 */
			p++;
			if (!month_day(v, n, &p, cn, &m, &d))
				continue;
		} else if (!cn && !roc && is_dash(v[p])) {
			uint32_t sep = v[p++];
			if (imp_read_digits(v, n, &p, 2, &m) == 0 || p >= n ||
			    v[p] != sep)
				continue;
			p++;
			if (imp_read_digits(v, n, &p, 2, &d) == 0 ||
			    (p < n && imp_is_digit(v[p])))
				continue;
		} else {
			continue;
		}
		if (roc)
			y += ROC_OFFSET;
		if (y > 9999 || m > 99 || d > 99 || y < 1)
			continue;
		snprintf(out, 16, "%04d-%02d-%02d", y % 10000, m % 100,
			d % 100);
		*start = i;
		*end = p;
		return 1;
	}
	return 0;
}

int imp_find_date(char out[16], const importer *im, const uint32_t *v,
	size_t n, size_t from, size_t *start, size_t *end)
{
	return find_date(out, im, v, n, from, 0, start, end);
}

/* What may follow a date on a date line: a time (10:30, 10:30:00,
 * 10时30分) and a weekday (星期一, 周一, 禮拜一). */
static size_t after_date(const uint32_t *v, size_t n, size_t i)
{
	int x;
	size_t k;

	i = imp_skip_spaces(v, n, i);
	if (i < n && imp_is_digit(v[i])) {
		size_t j = i;
		if (imp_read_digits(v, n, &j, 2, &x) && j < n &&
		    (imp_is_colon(v[j]) || v[j] == 0x65F6)) {  /* : 时 */
			j++;
			if (imp_read_digits(v, n, &j, 2, &x) == 0)
				return i;
			if (j < n && v[j] == 0x5206)  /* 分 */
				j++;
			if (j < n && imp_is_colon(v[j])) {
				j++;
				imp_read_digits(v, n, &j, 2, &x);
			}
			i = imp_skip_spaces(v, n, j);
		}
	}
	if ((k = imp_match(v, n, i, "星期")) || (k = imp_match(v, n, i,
	    "礼拜")) || (k = imp_match(v, n, i, "禮拜")) ||
	    (k = imp_match(v, n, i, "周")) || (k = imp_match(v, n, i, "週"))) {
		if (i + k < n && (imp_cn_digit(v[i + k]) > 0 ||
		    v[i + k] == 0x65E5 || v[i + k] == 0x5929))  /* 日 天 */
			i = imp_skip_spaces(v, n, i + k + 1);
	}
	return i;
}

/* A line that is only a date, maybe in brackets, maybe with a time or a
 * weekday after it: （2020年4月27日）, 2021-01-05 10:30. */
int imp_line_date(char out[16], const importer *im, const uint32_t *v,
	size_t n)
{
	size_t a = 0, b = n, s, e;

	while (a < b && (v[a] == '(' || v[a] == 0xFF08 ||
	    imp_is_inline_space(v[a])))
		a++;
	while (b > a && (v[b - 1] == ')' || v[b - 1] == 0xFF09 ||
	    imp_is_inline_space(v[b - 1])))
		b--;
	if (a >= b || n > 64)
		return 0;
	return find_date(out, im, v, b, a, 1, &s, &e) &&
		after_date(v, b, e) == b;
}

int imp_date_error(importer *im, const imp_para *p, size_t at,
	const char *date)
{
	return folio_error_set(im->err, FOLIO_EINPUT, "%s:%u:%u: expected a "
		"calendar date, found '%s'", im->name, p->line,
		p->vcol + (unsigned)at, date);
}
