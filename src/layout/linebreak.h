/*
 * linebreak.h - the ICU adapter: line-break opportunities (UAX #14,
 * tailored by ICU's "zh" locale rules).
 *
 * The only file that calls ICU's break iterator. One iterator per
 * document (not thread-safe; each batch worker makes its own); opening
 * costs more than using, so reuse it for every paragraph.
 */
#ifndef FOLIO_LAYOUT_LINEBREAK_H
#define FOLIO_LAYOUT_LINEBREAK_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

typedef struct folio_linebreaker folio_linebreaker;

/* FOLIO_ELIB if ICU cannot open a line iterator for "zh". */
int folio_linebreaker_new(folio_linebreaker **out, folio_error *err);
void folio_linebreaker_free(folio_linebreaker *lb);

/* out[i] = 1 when ICU allows a line break between cps[i] and cps[i+1]
 * (out[n-1] = 1: the end of the text), else 0. n <= 1 << 24
 * (FOLIO_ELIMIT past it). */
int folio_linebreak_opportunities(uint8_t *out, folio_linebreaker *lb,
	const uint32_t *cps, size_t n, folio_error *err);

/* out[i] = 1 when a word ends after cps[i] (ICU's dictionary word
 * break for zh: 办公室, 高质量 stay whole), out[n-1] = 1. For titles,
 * which break only between words. Same limits as above. */
int folio_wordbreak_opportunities(uint8_t *out, folio_linebreaker *lb,
	const uint32_t *cps, size_t n, folio_error *err);

#endif
