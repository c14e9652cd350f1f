/* Typed heading numbers: 一、 （一） 1. （1）, 第一部分, 第一章, 第一节 /
 * 第一節, 第一条 / 第一條 (also 第 1 條 with Arabic digits and blanks,
 * and inserted articles 第5-1條, 第五条之一, which no generated number
 * can reproduce). */
#include "import/import_impl.h"
#include "util/utf8.h"

/* A heading is a short line; anything longer is a numbered paragraph. */
#define HEADING_MAX_CHARS 40

/* The number after 第: Chinese or Arabic, blanks allowed around it. A
 * trailing -1 or 之一 makes it irregular (*value = -1). */
static size_t ordinal(const uint32_t *v, size_t n, size_t i, int *value)
{
	int x;

	i = imp_skip_spaces(v, n, i);
	if (i < n && imp_is_digit(v[i])) {
		if (imp_read_digits(v, n, &i, 5, value) == 0)
			return 0;
		if (i + 1 < n && (v[i] == '-' || v[i] == 0x2013 ||
		    v[i] == 0xFF0D) && imp_is_digit(v[i + 1])) {
			i++;
			imp_read_digits(v, n, &i, 3, &x);
			*value = -1;
		}
	} else if (!imp_read_cn_number(v, n, &i, value)) {
		return 0;
	}
	return imp_skip_spaces(v, n, i);
}

int imp_number_form(const uint32_t *v, size_t n, size_t *rest, int *value)
{
	size_t i = 0, k;
	int form = NF_NONE, val = 0, x;

	*value = 0;
	if (n == 0)
		return NF_NONE;
	if (v[0] == 0x7B2C) {  /* 第 */
		i = ordinal(v, n, 1, &val);
		if (i == 0 || i >= n)
			return NF_NONE;
		if (v[i] == 0x7AE0)
			form = NF_CHAPTER;                  /* 章 */
		else if (v[i] == 0x8282 || v[i] == 0x7BC0)
			form = NF_SECTION;                  /* 节 節 */
		else if (v[i] == 0x6761 || v[i] == 0x689D)
			form = NF_ARTICLE;                  /* 条 條 */
		else if ((k = imp_match(v, n, i, "部分")) != 0 ||
		    (k = imp_match(v, n, i, "部份")) != 0) {
			form = NF_PART;
			i += k - 1;
		}
		if (form == NF_NONE)
			return NF_NONE;
		i++;
		/* 第五条之一 */
		if (form == NF_ARTICLE && i < n && v[i] == 0x4E4B) {
			size_t j = i + 1;
			if (imp_read_cn_number(v, n, &j, &x)) {
				i = j;
				val = -1;
			}
		}
	} else if (imp_is_cn_numeral(v[0])) {
		size_t j = 0;
		if (!imp_read_cn_number(v, n, &j, &val))
			return NF_NONE;
		i = j;
		if (i < n && (v[i] == 0x3001 || ((v[i] == '.' ||
		    v[i] == 0xFF0E) && (i + 1 >= n || !imp_is_digit(v[i + 1]))))) {
			form = NF_CN_DUN;
			i++;
		}
	} else if (imp_is_digit(v[0])) {
		if (imp_read_digits(v, n, &i, 4, &val) == 0)
			return NF_NONE;
		if (i < n && (v[i] == '.' || v[i] == 0xFF0E ||
		    v[i] == 0x3001) && (i + 1 >= n || !imp_is_digit(v[i + 1]))) {
			form = NF_DIGIT_DOT;
			i++;
		}
	} else if (v[0] == 0xFF08 || v[0] == '(') {
		size_t j = imp_skip_spaces(v, n, 1);
		if (j < n && imp_is_cn_numeral(v[j]) &&
		    imp_read_cn_number(v, n, &j, &val)) {
			j = imp_skip_spaces(v, n, j);
			if (j < n && (v[j] == 0xFF09 || v[j] == ')')) {
				form = NF_CN_PAREN;
				i = j + 1;
			}
		} else if (j < n && imp_is_digit(v[j]) &&
		    imp_read_digits(v, n, &j, 4, &val)) {
			j = imp_skip_spaces(v, n, j);
			if (j < n && (v[j] == 0xFF09 || v[j] == ')')) {
				form = NF_DIGIT_PAREN;
				i = j + 1;
			}
		}
		/* "（一）、" is a common slip. */
		if (form != NF_NONE && i < n && v[i] == 0x3001)
			i++;
	}
	if (form == NF_NONE)
		return NF_NONE;
	*rest = imp_skip_spaces(v, n, i);
	*value = val;
	return form;
}

/* Short, and no sentence ends in it. */
int imp_heading_like(const uint32_t *v, size_t n, size_t rest)
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

/* Headings a plan or a report carries without a number. */
int imp_unnumbered_heading(const uint32_t *v, size_t n)
{
	static const char *const words[] = {"前言", "引言", "序言", "导言",
		"導言", "结束语", "結束語", "结语", "結語", "后记", "後記",
		NULL};
	uint32_t w[8];
	size_t j;

	if (n > 12)
		return 0;
	for (j = 0; words[j]; j++)
		if (imp_equal_loose(v, n, w, imp_decode(w, 8, words[j])))
			return 1;
	return 0;
}
