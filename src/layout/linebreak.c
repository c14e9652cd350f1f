/*
 * linebreak.c - ICU line-break iterator behind folio_linebreak_*.
 *
 * The "zh" locale matters: ICU's root rules never break next to “ ”
 * (they are ambiguous quotation marks in UAX #14), zh treats them as
 * opening/closing punctuation.
 */
#include "layout/linebreak.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/utypes.h>

#define MAX_CODE_POINTS ((size_t)1 << 24)

struct folio_linebreaker {
	UBreakIterator *it;
	UBreakIterator *words;   /* opened on first use (titles only) */
	UChar *u16;        /* scratch: the text in UTF-16 */
	int32_t *cp_at;    /* scratch: UTF-16 index -> code point index */
	size_t cap;        /* capacity in UTF-16 units */
};

int folio_linebreaker_new(folio_linebreaker **out, folio_error *err)
{
	UErrorCode status = U_ZERO_ERROR;
	folio_linebreaker *lb;

	*out = NULL;
	lb = calloc(1, sizeof(*lb));
	if (lb == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	lb->it = ubrk_open(UBRK_LINE, "zh", NULL, 0, &status);
	if (U_FAILURE(status) || lb->it == NULL) {
		free(lb);
		return folio_error_set(err, FOLIO_ELIB,
			"ICU cannot open a line break iterator for zh: %s",
			u_errorName(status));
	}
	*out = lb;
	return 0;
}

void folio_linebreaker_free(folio_linebreaker *lb)
{
	if (lb == NULL)
		return;
	ubrk_close(lb->it);
	if (lb->words)
		ubrk_close(lb->words);
	free(lb->u16);
	free(lb->cp_at);
	free(lb);
}

static int reserve(folio_linebreaker *lb, size_t units, folio_error *err)
{
	UChar *u;
	int32_t *m;
	size_t cap;

	if (units <= lb->cap)
		return 0;
	cap = lb->cap ? lb->cap : 256;
	while (cap < units)
		cap *= 2;
	u = realloc(lb->u16, cap * sizeof(*u));
	if (u == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	lb->u16 = u;
	m = realloc(lb->cp_at, (cap + 1) * sizeof(*m));
	if (m == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	lb->cp_at = m;
	lb->cap = cap;
	return 0;
}

/* The text as UTF-16 in lb->u16 with the code point index of every
 * unit in lb->cp_at; returns the length in units. */
static int to_utf16(folio_linebreaker *lb, const uint32_t *cps, size_t n,
	int32_t *len_out, folio_error *err)
{
	size_t i, len = 0;
	int rc;

	if (n > MAX_CODE_POINTS)
		return folio_error_set(err, FOLIO_ELIMIT,
			"paragraph of %zu characters exceeds the limit of %zu",
			n, MAX_CODE_POINTS);
	if ((rc = reserve(lb, 2 * n, err)) < 0)
		return rc;
	for (i = 0; i < n; i++) {
		uint32_t c = cps[i];
		lb->cp_at[len] = (int32_t)i;
		if (c >= 0x10000 && c <= 0x10FFFF) {
			c -= 0x10000;
			lb->u16[len++] = (UChar)(0xD800 + (c >> 10));
			lb->cp_at[len] = (int32_t)i;
			lb->u16[len++] = (UChar)(0xDC00 + (c & 0x3FF));
		} else {
			lb->u16[len++] = (UChar)(c > 0xFFFF ? 0xFFFD : c);
		}
	}
	lb->cp_at[len] = (int32_t)n;
	*len_out = (int32_t)len;
	return 0;
}

static int boundaries(uint8_t *out, folio_linebreaker *lb,
	UBreakIterator *it, const uint32_t *cps, size_t n, folio_error *err)
{
	UErrorCode status = U_ZERO_ERROR;
	int32_t b, len = 0;
	int rc;

	if (n == 0)
		return 0;
	if ((rc = to_utf16(lb, cps, n, &len, err)) < 0)
		return rc;
	memset(out, 0, n);
	ubrk_setText(it, lb->u16, len, &status);
	if (U_FAILURE(status))
		return folio_error_set(err, FOLIO_ELIB,
			"ICU break iteration failed: %s", u_errorName(status));
	for (b = ubrk_following(it, 0); b != UBRK_DONE; b = ubrk_next(it)) {
		/* A boundary at code point k allows a break after k - 1. */
		int32_t k = lb->cp_at[b];
		if (k > 0)
			out[k - 1] = 1;
	}
	out[n - 1] = 1;
	return 0;
}

int folio_linebreak_opportunities(uint8_t *out, folio_linebreaker *lb,
	const uint32_t *cps, size_t n, folio_error *err)
{
	return boundaries(out, lb, lb->it, cps, n, err);
}

int folio_wordbreak_opportunities(uint8_t *out, folio_linebreaker *lb,
	const uint32_t *cps, size_t n, folio_error *err)
{
	if (lb->words == NULL) {
		UErrorCode status = U_ZERO_ERROR;
		lb->words = ubrk_open(UBRK_WORD, "zh", NULL, 0, &status);
		if (U_FAILURE(status) || lb->words == NULL) {
			lb->words = NULL;
			return folio_error_set(err, FOLIO_ELIB,
				"ICU cannot open a word break iterator for zh: "
				"%s", u_errorName(status));
		}
	}
	return boundaries(out, lb, lb->words, cps, n, err);
}
