/* Character classes and small matchers every recogniser uses. */
#include <string.h>

#include "import/import_impl.h"
#include "util/utf8.h"

int imp_is_cjk_punct(uint32_t c)
{
	return (c > 0x3000 && c <= 0x303F) || (c >= 0xFF01 && c <= 0xFF60) ||
		(c >= 0xFE30 && c <= 0xFE4F) || (c >= 0x2018 && c <= 0x201F) ||
		c == 0x2014 || c == 0x2026 || c == 0x2E3A || c == 0xFF5E;
}

int imp_is_cjk(uint32_t c)
{
	return folio_is_han(c) || imp_is_cjk_punct(c);
}

int imp_is_alnum(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		(c >= 'a' && c <= 'z');
}

int imp_is_digit(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);
}

int imp_digit_value(uint32_t c)
{
	return c >= 0xFF10 ? (int)(c - 0xFF10) : (int)(c - '0');
}

/* 〇 一 二 ... 九 (and 零 ○, the letter O typed for 〇, 两). */
int imp_cn_digit(uint32_t c)
{
	static const uint32_t d[] = {0x3007, 0x4E00, 0x4E8C, 0x4E09, 0x56DB,
		0x4E94, 0x516D, 0x4E03, 0x516B, 0x4E5D};
	int i;

	if (c == 0x96F6 || c == 0x25CB || c == 0xFF2F || c == 'O')
		return 0;
	if (c == 0x4E24 || c == 0x5169)
		return 2;  /* 两 兩 */
	for (i = 0; i < 10; i++)
		if (d[i] == c)
			return i;
	return -1;
}

/* Characters a Chinese ordinal is written with: digits, 十 百 千. */
int imp_is_cn_numeral(uint32_t c)
{
	if (c < 0x80)
		return 0;
	return imp_cn_digit(c) >= 0 || c == 0x5341 || c == 0x767E ||
		c == 0x5343;
}

int imp_is_inline_space(uint32_t c)
{
	return c == ' ' || c == '\t' || c == 0x3000 || c == 0xA0 ||
		(c >= 0x2000 && c <= 0x200B) || c == 0x202F || c == 0xFEFF;
}

int imp_is_colon(uint32_t c)
{
	return c == ':' || c == 0xFF1A || c == 0xFE55;
}

int imp_is_open_bracket(uint32_t c)
{
	return c == 0x3014 || c == '[' || c == 0xFF3B || c == 0x3010 ||
		c == '(' || c == 0xFF08 || c == 0x3016;
}

int imp_is_close_bracket(uint32_t c)
{
	return c == 0x3015 || c == ']' || c == 0xFF3D || c == 0x3011 ||
		c == ')' || c == 0xFF09 || c == 0x3017;
}

/* Marks that end a sentence or a clause: a line ending in one is prose,
 * not a title, heading, name or label. */
int imp_is_sentence_end(uint32_t c)
{
	return c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0xFF1B ||
		c == 0xFF0C || c == 0x3001 || c == ';' || c == ',' ||
		c == 0xFF0E || c == 0xFE52;
}

/* One code point of a literal of our own (valid UTF-8, so no checks:
 * the recognisers compare literals at every position of every line). */
static uint32_t lit_cp(const char *s, size_t *len)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c;

	if (u[0] < 0x80) {
		*len = 1;
		return u[0];
	}
	if ((u[0] & 0xF0) == 0xE0) {
		*len = 3;
		return (uint32_t)(u[0] & 0x0F) << 12 |
			(uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3Fu);
	}
	*len = folio_utf8_decode(s, 4, &c);
	if (*len == 0)
		*len = 1;
	return c;
}

/* Does v[at..] start with the UTF-8 literal? Returns its length in code
 * points, or 0. */
size_t imp_match(const uint32_t *v, size_t n, size_t at, const char *lit)
{
	size_t k = 0, off = 0, len;

	while (lit[off] != '\0') {
		if (at + k >= n || v[at + k] != lit_cp(lit + off, &len))
			return 0;
		off += len;
		k++;
	}
	return k;
}

/* Like imp_match, but blanks may stand between the literal's characters
 * ("索 引 号", "标　　题"); returns code points consumed. */
size_t imp_match_spaced(const uint32_t *v, size_t n, size_t at,
	const char *lit)
{
	size_t k = at, len, off = 0;

	while (lit[off] != '\0') {
		if (off > 0)
			while (k < n && imp_is_inline_space(v[k]))
				k++;
		if (k >= n || v[k] != lit_cp(lit + off, &len))
			return 0;
		off += len;
		k++;
	}
	return k - at;
}

int imp_ends_with(const uint32_t *v, size_t n, const char *lit)
{
	size_t k = folio_utf8_count(lit);

	return k <= n && imp_match(v, n, n - k, lit) == k;
}

size_t imp_skip_spaces(const uint32_t *v, size_t n, size_t i)
{
	while (i < n && imp_is_inline_space(v[i]))
		i++;
	return i;
}

size_t imp_han_count(const uint32_t *v, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += folio_is_han(v[i]) ? 1 : 0;
	return k;
}

/* Up to max ASCII or full-width digits at v[*i]; returns how many. */
int imp_read_digits(const uint32_t *v, size_t n, size_t *i, int max,
	int *val)
{
	int k = 0;

	*val = 0;
	while (*i < n && imp_is_digit(v[*i]) && k < max) {
		*val = *val * 10 + imp_digit_value(v[*i]);
		(*i)++;
		k++;
	}
	return k;
}

/* A Chinese number 1..9999 written with 十 百 千 (一百一十三, 二十七,
 * 十, 一百零五) or digit by digit (一一三). Returns 1 and advances *i
 * when there is one. */
int imp_read_cn_number(const uint32_t *v, size_t n, size_t *i, int *val)
{
	size_t k = *i, end;
	int total = 0, digit = 0, has_unit = 0, count = 0;

	while (k < n && count < 9 && imp_is_cn_numeral(v[k])) {
		if (v[k] == 0x5341 || v[k] == 0x767E || v[k] == 0x5343)
			has_unit = 1;
		k++;
		count++;
	}
	if (count == 0)
		return 0;
	end = k;
	for (k = *i; k < end; k++) {
		uint32_t c = v[k];
		int unit = c == 0x5341 ? 10 : c == 0x767E ? 100 :
			c == 0x5343 ? 1000 : 0;
		if (!has_unit) {
			total = total * 10 + imp_cn_digit(c);
		} else if (unit) {
			total += (digit ? digit : 1) * unit;
			digit = 0;
		} else {
			digit = imp_cn_digit(c);  /* 零 keeps 0 */
		}
	}
	total += digit;
	if (total <= 0)
		return 0;
	*i = end;
	*val = total;
	return 1;
}

/* Equal when blanks are ignored and ASCII ( ) : , match their full-width
 * forms: the same title typed twice on one page rarely matches byte for
 * byte. */
int imp_equal_loose(const uint32_t *a, size_t an, const uint32_t *b,
	size_t bn)
{
	size_t i = 0, j = 0;

	for (;;) {
		uint32_t x, y;
		while (i < an && imp_is_inline_space(a[i]))
			i++;
		while (j < bn && imp_is_inline_space(b[j]))
			j++;
		if (i == an || j == bn)
			return i == an && j == bn;
		x = a[i] >= 0xFF01 && a[i] <= 0xFF5E ? a[i] - 0xFEE0 : a[i];
		y = b[j] >= 0xFF01 && b[j] <= 0xFF5E ? b[j] - 0xFEE0 : b[j];
		if (x != y)
			return 0;
		i++;
		j++;
	}
}

size_t imp_next_text(const importer *im, size_t i, size_t end)
{
	while (i < end && !imp_is_text(&im->p[i]))
		i++;
	return i < end ? i : IMP_NONE;
}

size_t imp_prev_text(const importer *im, size_t i, size_t start)
{
	while (i > start) {
		i--;
		if (imp_is_text(&im->p[i]))
			return i;
	}
	return IMP_NONE;
}

size_t imp_next_nonblank(const importer *im, size_t i)
{
	for (i++; i < im->n; i++)
		if (im->p[i].role != R_BLANK)
			return i;
	return IMP_NONE;
}

size_t imp_prev_nonblank(const importer *im, size_t i)
{
	while (i-- > 0)
		if (im->p[i].role != R_BLANK)
			return i;
	return IMP_NONE;
}

/* The code points of the UTF-8 string s, at most max of them. */
size_t imp_decode(uint32_t *out, size_t max, const char *s)
{
	size_t off = 0, n = strlen(s), len, k = 0;

	while (off < n && k < max) {
		len = folio_utf8_decode(s + off, n - off, &out[k]);
		if (len == 0)
			break;
		off += len;
		k++;
	}
	return k;
}
