/*
 * title_words.c - where a title may break (GB/T 9704 7.3.1: 词意完整),
 * and how much each break costs the title shaper (breaker.c).
 *
 * Breaks are ICU's dictionary word boundaries for Chinese, never inside
 * a bracketed group or a number. ICU's dictionary cuts finer than a
 * reader: compounds it does not list come out as a word plus one
 * character (开发|区, 办公|室, 营口|市, 高|质量, 大|数据) or as single
 * characters (印|发, 江|临|市, 提|质|增|效). A one-character word is
 * therefore judged by what it usually is:
 *   - a suffix (区 市 局 室 生 …) closes the word before it: no break
 *     before it, a clean one after;
 *   - a prefix (高 新 大 总 …) opens the word after it: the reverse;
 *   - a function word (的 和 与 …) stands alone: clean breaks beside
 *     it, except before 的 之 等, which lean on the word before;
 *   - anything else may be either: a break beside it is doubtful
 *     (break_cost 1), a break between two of them likely splits a word
 *     (break_cost 2), and a run of them is a compound of its own,
 *     clean at its edges (关于|印|发|营口).
 * The affix lists hold common bound morphemes of official titles; they
 * only rank breaks ICU already allows, so a character missing from them
 * costs evenness, never a word.
 */
#include "layout/layout_impl.h"

#include <string.h>

#include "util/utf8.h"

enum single_kind { MULTI, SUFFIX, PREFIX, LEANS_BACK, FUNCTION, OTHER };

static int ideograph(uint32_t cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF);
}

static int listed(const char *list, uint32_t cp)
{
	char u[5] = {0};

	folio_utf8_encode(u, cp);
	return strstr(list, u) != NULL;
}

/* What the word items[s..e] (inclusive) is, as far as breaks go. */
static enum single_kind word_kind(const folio_lb_item *items, size_t s,
	size_t e)
{
	static const char suffix[] = "区市省县镇乡村局厅室处科部委办院馆站所"
		"会组队生员者家师性化型式率度法类业长点界期制费权证表书网";
	static const char prefix[] = "高新大小总副全非超多老准反各本该每某";
	static const char leans[] = "的之等";
	static const char function[] = "和与及或并暨对在为于以将把被从向";
	uint32_t cp = items[s].cp;

	if (s != e || !ideograph(cp))
		return MULTI;
	if (listed(leans, cp))
		return LEANS_BACK;
	if (listed(function, cp))
		return FUNCTION;
	if (listed(suffix, cp))
		return SUFFIX;
	if (listed(prefix, cp))
		return PREFIX;
	return OTHER;
}

/* Cost of a break between word a and word b; a_run: a ends a run of
 * two or more OTHER words, b_run: b starts one. Such a run is a
 * compound of its own (印|发, 江|临): clean at its edges, split inside. */
static uint8_t boundary_cost(enum single_kind a, enum single_kind b,
	int a_run, int b_run)
{
	if (b == SUFFIX && (a == MULTI || a == OTHER))
		return 2;
	if (a == PREFIX && (b == MULTI || b == OTHER))
		return 2;
	if (b == LEANS_BACK)
		return 1;
	if (a == SUFFIX || b == PREFIX)
		return 0;
	if (a == OTHER && b == OTHER)
		return 2;
	if ((a == OTHER && !a_run) || (b == OTHER && !b_run))
		return 1;
	return 0;
}

int title_breaks(ctx *c, para *p)
{
	size_t i, k, n_words = 0, *end;
	uint8_t *kind;
	int depth = 0, rc;

	if ((rc = folio_wordbreak_opportunities(c->brk, c->lb, c->cps, p->n,
		c->err)) < 0)
		return rc;
	end = folio_arena_alloc(c->a, p->n * sizeof(*end));
	kind = folio_arena_alloc(c->a, p->n);
	if (end == NULL || kind == NULL)
		return nomem(c);
	for (i = 0; i < p->n; i++) {
		folio_lb_item *it = &p->items[i];

		if (it->cls == FOLIO_LB_OPEN)
			depth++;
		else if (it->cls == FOLIO_LB_CLOSE && depth > 0)
			depth--;
		if (!c->brk[i] || depth > 0)
			it->icu_break = 0;
		if (i + 1 < p->n && is_digit(it->cp) &&
		    (is_digit(p->items[i + 1].cp) ||
		    is_counter(c, p->items[i + 1].cp)))
			it->keep_next = 1;
		/* Words are the runs between ICU's boundaries. */
		if (c->brk[i] || i + 1 == p->n) {
			size_t s = n_words ? end[n_words - 1] + 1 : 0;
			kind[n_words] = (uint8_t)word_kind(p->items, s, i);
			end[n_words++] = i;
		}
	}
	for (k = 1; k < n_words; k++) {
		int a_run = kind[k - 1] == OTHER && k >= 2 &&
			kind[k - 2] == OTHER;
		int b_run = kind[k] == OTHER && k + 1 < n_words &&
			kind[k + 1] == OTHER;

		p->items[end[k - 1]].break_cost = boundary_cost(
			(enum single_kind)kind[k - 1], (enum single_kind)kind[k],
			a_run, b_run);
	}
	return 0;
}
