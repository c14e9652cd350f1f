/* 文号 (发文字号) in the forms pages use:
 *   营委办发〔2017〕63号, 国办发明电〔2015〕18号, 市应急发[2021] 8 号,
 *   某政府令〔2010〕第15号, 院臺法字第1130012345號 (Taiwan),
 *   第166/2024號 (Macao), and a 签发人 after it on the same line. */
#include <string.h>

#include "import/import_impl.h"
#include "util/utf8.h"

#define PREFIX_MAX 24

static int is_hao(uint32_t c)
{
	return c == 0x53F7 || c == 0x865F;  /* 号 號 */
}

/* 〔2019〕11号 (stray blanks allowed) at v[i]; *end is after 号. */
int imp_docnum_tail(const uint32_t *v, size_t n, size_t i, size_t *end)
{
	int year, num;

	if (i >= n || !imp_is_open_bracket(v[i]))
		return 0;
	i = imp_skip_spaces(v, n, i + 1);
	if (imp_read_digits(v, n, &i, 4, &year) != 4)
		return 0;
	i = imp_skip_spaces(v, n, i);
	if (i >= n || !imp_is_close_bracket(v[i]))
		return 0;
	i = imp_skip_spaces(v, n, i + 1);
	if (i < n && v[i] == 0x7B2C)  /* 第 */
		i = imp_skip_spaces(v, n, i + 1);
	if (imp_read_digits(v, n, &i, 6, &num) == 0)
		return 0;
	i = imp_skip_spaces(v, n, i);
	if (i >= n || !is_hao(v[i]))
		return 0;
	*end = i + 1;
	return 1;
}

/* 第1130012345號 at v[i] (after a Han prefix ending in 字). */
static int tw_tail(const uint32_t *v, size_t n, size_t i, size_t *end)
{
	size_t d;

	i = imp_skip_spaces(v, n, i);
	if (i >= n || v[i] != 0x7B2C)  /* 第 */
		return 0;
	i = imp_skip_spaces(v, n, i + 1);
	for (d = 0; i < n && d < 16 && imp_is_digit(v[i]); d++)
		i++;
	if (d == 0)
		return 0;
	i = imp_skip_spaces(v, n, i);
	if (i >= n || !is_hao(v[i]))
		return 0;
	*end = i + 1;
	return 1;
}

/* 第166/2024號 at v[i]. */
static int macao_number(const uint32_t *v, size_t n, size_t i, size_t *end)
{
	int num, year;

	if (i >= n || v[i] != 0x7B2C)
		return 0;
	i = imp_skip_spaces(v, n, i + 1);
	if (imp_read_digits(v, n, &i, 6, &num) == 0 || i >= n ||
	    (v[i] != '/' && v[i] != 0xFF0F))
		return 0;
	i++;
	if (imp_read_digits(v, n, &i, 4, &year) != 4)
		return 0;
	i = imp_skip_spaces(v, n, i);
	if (i >= n || !is_hao(v[i]))
		return 0;
	*end = i + 1;
	return 1;
}

/* After the number, only a 签发人 (上行文) may stand on the line. */
static int rest_is_signer(const uint32_t *v, size_t n, size_t i)
{
	size_t k;

	i = imp_skip_spaces(v, n, i);
	if (i == n)
		return 1;
	if ((k = imp_match(v, n, i, "签发人")) == 0 &&
	    (k = imp_match(v, n, i, "簽發人")) == 0)
		return 0;
	i = imp_skip_spaces(v, n, i + k);
	return i < n && imp_is_colon(v[i]) && n - i <= 20;
}

/* A whole line that is a 文号. Writes the normalised form (〔〕 brackets,
 * no blanks, the 号 as typed) to out. */
int imp_line_docnum(folio_buf *out, const uint32_t *v, size_t n)
{
	size_t i = 0, pre, end, k;

	if (n > 80)
		return 0;
	folio_buf_reset(out);
	if (macao_number(v, n, 0, &end) && end == n) {
		for (k = 0; k < end; k++)
			if (!imp_is_inline_space(v[k]) &&
			    folio_buf_put_utf8(out, v[k]) < 0)
				return 0;
		return 1;
	}
	/* the prefix ends before 第 or a bracket; Taiwan's ends in 字 */
	while (i < n && i < PREFIX_MAX && folio_is_han(v[i]) &&
	    !(v[i] == 0x7B2C && i > 0 && v[i - 1] == 0x5B57))
		i++;
	pre = i;
	if (pre == 0)
		return 0;
	if (v[pre - 1] == 0x5B57 && tw_tail(v, n, pre, &end) &&   /* 字 */
	    rest_is_signer(v, n, end)) {
		for (k = 0; k < end; k++)
			if (!imp_is_inline_space(v[k]) &&
			    folio_buf_put_utf8(out, v[k]) < 0)
				return 0;
		return 1;
	}
	i = imp_skip_spaces(v, n, pre);
	if (!imp_docnum_tail(v, n, i, &end) || !rest_is_signer(v, n, end))
		return 0;
	for (k = 0; k < pre; k++)
		if (folio_buf_put_utf8(out, v[k]) < 0)
			return 0;
	/* Brackets normalised to 〔〕, the rest as typed without blanks. */
	for (k = i; k < end; k++) {
		uint32_t c = v[k];
		if (imp_is_inline_space(c))
			continue;
		if (imp_is_open_bracket(c))
			c = 0x3014;
		else if (imp_is_close_bracket(c))
			c = 0x3015;
		else if (c >= 0xFF10 && c <= 0xFF19)
			c = c - 0xFF10 + '0';
		if (folio_buf_put_utf8(out, c) < 0)
			return 0;
	}
	return 1;
}

/* 营委办发〔2017〕 63号 -> 营委办发〔2017〕63号 inside body text: only the
 * blanks within a 文号 go; its characters are kept. */
void imp_fix_docnum_spacing(imp_para *p)
{
	uint32_t *v = p->v;
	size_t n = p->n, i, j, w = 0, end;

	for (i = 0; i < n;) {
		if (i > 0 && folio_is_han(v[i - 1]) &&
		    imp_docnum_tail(v, n, i, &end)) {
			for (j = i; j < end; j++)
				if (!imp_is_inline_space(v[j]))
					v[w++] = v[j];
			i = end;
			continue;
		}
		v[w++] = v[i++];
	}
	p->n = w;
}

/* A title that starts with its number (Macao: 第87/2025號行政長官批示):
 * the number's length, or 0. */
size_t imp_title_docnum(const uint32_t *v, size_t n)
{
	size_t end;

	return macao_number(v, n, 0, &end) ? end : 0;
}
