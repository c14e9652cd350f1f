/*
 * breaker.h - the CJK line breaker, over plain arrays (no fonts, no ICU).
 *
 * Input: one paragraph as items, each a code point with its natural
 * advance in points, its em (points, the size full-width marks are
 * compressed against), its class and whether ICU allows a break after it.
 * Output: lines (item ranges) and every item's x relative to its line's
 * start, so the caller only adds the line's left edge.
 *
 * Rules (W3C clreq, "basic" level):
 *   - no line starts with 、，。：；！？ or a closing mark ”’）〕】》〉」』,
 *     none ends with an opening mark “‘（〔【《〈「『;
 *   - —— and …… are never split; Latin/digit runs are not broken unless a
 *     run is longer than the line (then at ICU opportunities, and as a
 *     last resort anywhere);
 *   - two adjacent full-width marks take 1.5 em (the blank half of the
 *     first, or of an opening second, is dropped); a mark at line end may
 *     shrink to half width (its blank half hangs into the margin): both
 *     are tried before a character is pushed down to the next line.
 *     Pairs are compressed on every line, the last of a paragraph and
 *     a line's end included ("号）。" takes 2.5 em, "’”）。" 2.5 em);
 *     item.no_pair turns pair compression off;
 *   - a quarter-em gap between Han and Latin (and digits, unless
 *     item.no_gap); no break after an item marked keep_next;
 *   - justification spreads the remaining space over the gaps between
 *     characters (not inside Latin words, not inside ——/……, not beside
 *     a `fixed` item) so the line fills the measure exactly; the last
 *     line keeps natural spacing. No gap may grow past half an em: a
 *     line that would need more breaks inside the run that follows it
 *     (a URL, e-mail address, long word or number, a form's blanks),
 *     at the run's own break points (ICU's, and after / . - _ ? & = @ :
 *     the caller marks them as icu_break) and as a last resort anywhere
 *     the clreq rules allow; a line no break can help (a Latin run and
 *     one character) spreads the rest inside its Latin words too.
 *
 * Limits: the caller sizes `lines` for n entries (one per item at most).
 * Work is linear in n (a paragraph of spaces or zero-width characters,
 * which never overflows, once made it quadratic); folio_lb_work counts
 * it for tests.
 */
#ifndef FOLIO_LAYOUT_BREAKER_H
#define FOLIO_LAYOUT_BREAKER_H

#include <stddef.h>
#include <stdint.h>

typedef enum folio_lb_class {
	FOLIO_LB_HAN,    /* ideographs, kana, full-width forms, U+3000 */
	FOLIO_LB_LATIN,  /* letters, digits, ASCII symbols: unbreakable runs */
	FOLIO_LB_SPACE,  /* breakable spaces */
	FOLIO_LB_OPEN,   /* “‘（〔【《〈「『〖［｛ */
	FOLIO_LB_CLOSE,  /* ”’）〕】》〉」』〗］｝ */
	FOLIO_LB_STOP,   /* 、，。：；！？． */
	FOLIO_LB_INSEP,  /* — … (never split when doubled) */
	FOLIO_LB_OTHER   /* anything else: middle dot, symbols */
} folio_lb_class;

typedef struct folio_lb_item {
	uint32_t cp;
	double width;        /* natural advance, points */
	double em;           /* full-width size, points */
	uint8_t cls;         /* folio_lb_class */
	uint8_t icu_break;   /* break allowed after this item */
	uint8_t no_pair;     /* 1: never compressed against a neighbour
	                        mark (the line-end shrink still applies) */
	uint8_t keep_next;   /* 1: never break after this item (a number
	                        before its counter: 2 | 号) */
	uint8_t fixed;       /* 1: keeps its width, justification never
	                        widens the gaps beside it (U+3000 typed as a
	                        form's blank) */
	uint8_t no_gap;      /* 1: no quarter-em gap to Han (a digit when
	                        the style says so) */
	uint8_t break_cost;  /* titles only: 0 a clean word boundary, 1 one
	                        beside a one-character word (开发|区, 高|质量:
	                        maybe inside a compound ICU cuts), 2 one
	                        between two of them (印|发, 江|临|市) */
} folio_lb_item;

typedef struct folio_lb_line {
	size_t start, end;   /* items [start, end); leading spaces skipped */
	double width;        /* extent after placement (== measure if
	                        justified) */
	double natural;      /* extent before justification */
	int justified;
} folio_lb_line;

typedef enum folio_lb_mode {
	FOLIO_LB_JUSTIFY,    /* every line but the last fills the measure */
	FOLIO_LB_NATURAL     /* natural spacing (titles, centred lines) */
} folio_lb_mode;

/* Class of a code point. */
folio_lb_class folio_lb_classify(uint32_t cp);

/* Forbidden at line start / line end (clreq basic). */
int folio_lb_no_start(uint32_t cp);
int folio_lb_no_end(uint32_t cp);

/* Break items[0..n) into lines: the first line is first_width wide, the
 * others width (points). x[i] receives item i's drawing position
 * relative to its line's start (compressed opening marks draw left of
 * their box). *n_lines >= 1 when n > 0. */
void folio_lb_break(folio_lb_line *lines, size_t *n_lines, double *x,
	const folio_lb_item *items, size_t n, double first_width,
	double width, folio_lb_mode mode);

/* Title lines (GB/T 9704 7.3.1): the fewest lines the text needs at
 * `width` (one more when only that avoids a bad shape or a break of
 * cost 2), broken only where items allow a first-tier break (icu_break,
 * clreq, not inside a Latin run), cheapest break_cost first, shaped as
 * a 梯形 (no line longer than the one below) or a 菱形 (growing to a
 * middle line, then shrinking), never two lines of equal width when a
 * break avoids it, and otherwise as even as possible; natural spacing. Titles with more than 64 such breaks or 6 lines are
 * set in even lines instead. */
void folio_lb_break_title(folio_lb_line *lines, size_t *n_lines,
	double *x, const folio_lb_item *items, size_t n, double width);

/* The longest line start..e that fits `width` (points) when it ends at
 * e, the last mark shrunk if it must (s when not even one item fits);
 * the greedy breaker then steps back from there to a legal break.
 * Linear in the items it passes. */
size_t folio_lb_fit_end(const folio_lb_item *items, size_t n, size_t s,
	double width);

/* Width of items[s..e) as a line end, computed from scratch: the
 * reference folio_lb_fit_end must agree with bit for bit (tests). */
double folio_lb_fit_width(const folio_lb_item *items, size_t s, size_t e);

/* Items visited by this thread's width computations so far: lets a test
 * check the breaker stays linear without timing it. */
size_t folio_lb_work(void);

#endif
