/*
 * breaker.c - greedy CJK line breaking with clreq rules, compression and
 * justification (see breaker.h).
 *
 * Greedy first-fit is what print shops expect of 公文 (and what Word
 * does): the grid stays visible, every line but the last is full. Widths
 * are recomputed per line because compression depends on neighbours
 * inside the same line only; within a line they are carried from one
 * candidate end to the next (folio_lb_fit_end), so breaking is linear
 * in the paragraph however hostile it is.
 */
#include "layout/breaker.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EPS 1e-6

/* Items visited by the width computations on this thread: a count of
 * work, not of time, so a test can tell linear from quadratic
 * behaviour on any machine. */
static _Thread_local size_t work;

size_t folio_lb_work(void)
{
	return work;
}

folio_lb_class folio_lb_classify(uint32_t cp)
{
	switch (cp) {
	case 0x3001: case 0xFF0C: case 0x3002: case 0xFF1A: case 0xFF1B:
	case 0xFF01: case 0xFF1F: case 0xFF0E:
		return FOLIO_LB_STOP;
	case 0x201D: case 0x2019: case 0xFF09: case 0x3015: case 0x3011:
	case 0x300B: case 0x3009: case 0x300D: case 0x300F: case 0x3017:
	case 0xFF3D: case 0xFF5D:
		return FOLIO_LB_CLOSE;
	case 0x201C: case 0x2018: case 0xFF08: case 0x3014: case 0x3010:
	case 0x300A: case 0x3008: case 0x300C: case 0x300E: case 0x3016:
	case 0xFF3B: case 0xFF5B:
		return FOLIO_LB_OPEN;
	case 0x2014: case 0x2026: case 0x2E3A:
		return FOLIO_LB_INSEP;
	case 0x0020: case 0x2002: case 0x2003: case 0x2009:
		return FOLIO_LB_SPACE;
	case 0x00B7: case 0x30FB: case 0x2027:
		return FOLIO_LB_OTHER;
	default:
		break;
	}
	if (cp < 0x2000)
		return FOLIO_LB_LATIN;  /* Latin, Greek, Cyrillic, digits */
	if (cp >= 0x2E80)
		return FOLIO_LB_HAN;
	return FOLIO_LB_OTHER;
}

int folio_lb_no_start(uint32_t cp)
{
	folio_lb_class c = folio_lb_classify(cp);

	if (c == FOLIO_LB_STOP || c == FOLIO_LB_CLOSE)
		return 1;
	switch (cp) {
	case ',': case '.': case ';': case ':': case '!': case '?':
	case ')': case ']': case '}': case 0x30FC: case 0x3005:
		return 1;
	default:
		return 0;
	}
}

int folio_lb_no_end(uint32_t cp)
{
	return folio_lb_classify(cp) == FOLIO_LB_OPEN || cp == '(' ||
		cp == '[' || cp == '{';
}

static int full_width_mark(const folio_lb_item *it)
{
	return (it->cls == FOLIO_LB_OPEN || it->cls == FOLIO_LB_CLOSE ||
		it->cls == FOLIO_LB_STOP) && it->width >= 0.9 * it->em;
}

/* Compression of the pair (i, i+1) when both are in one line: 1 when the
 * first mark loses its blank right half, 2 when the second (an opening
 * mark) loses its blank left half, 0 when neither can. */
static int pair_compression(const folio_lb_item *a, const folio_lb_item *b)
{
	if (!full_width_mark(a) || !full_width_mark(b) || a->no_pair ||
	    b->no_pair)
		return 0;
	if (a->cls == FOLIO_LB_STOP || a->cls == FOLIO_LB_CLOSE)
		return 1;
	if (b->cls == FOLIO_LB_OPEN)
		return 2;
	return 0;
}

static int latinish(const folio_lb_item *it)
{
	return it->cls == FOLIO_LB_LATIN;
}

/* Quarter-em gap between Han and Latin/digits. */
static double script_gap(const folio_lb_item *a, const folio_lb_item *b)
{
	if (a->cls == FOLIO_LB_HAN && b->cls == FOLIO_LB_LATIN && !b->no_gap)
		return 0.25 * a->em;
	if (a->cls == FOLIO_LB_LATIN && b->cls == FOLIO_LB_HAN && !a->no_gap)
		return 0.25 * b->em;
	return 0;
}

static int end_shrinkable(const folio_lb_item *it)
{
	return full_width_mark(it) &&
		(it->cls == FOLIO_LB_STOP || it->cls == FOLIO_LB_CLOSE);
}

/* Width of [s, e) with in-line compression and gaps; trailing spaces do
 * not count. */
static double natural_width(const folio_lb_item *it, size_t s, size_t e)
{
	double w = 0;
	size_t i;

	while (e > s && it[e - 1].cls == FOLIO_LB_SPACE) {
		e--;
		work++;
	}
	for (i = s; i < e; i++) {
		work++;
		w += it[i].width;
		if (i + 1 < e) {
			int c = pair_compression(&it[i], &it[i + 1]);
			if (c == 1)
				w -= 0.5 * it[i].em;
			else if (c == 2)
				w -= 0.5 * it[i + 1].em;
			w += script_gap(&it[i], &it[i + 1]);
		}
	}
	return w;
}

/* Width of [s, e) when it ends a line: the last mark may shrink. */
static double fit_width(const folio_lb_item *it, size_t s, size_t e,
	int *shrunk)
{
	double w = natural_width(it, s, e);
	size_t last = e;

	while (last > s && it[last - 1].cls == FOLIO_LB_SPACE)
		last--;
	*shrunk = 0;
	if (last > s && end_shrinkable(&it[last - 1])) {
		*shrunk = 1;
		return w - 0.5 * it[last - 1].em;
	}
	return w;
}

double folio_lb_fit_width(const folio_lb_item *items, size_t s, size_t e)
{
	int shrunk;

	return fit_width(items, s, e, &shrunk);
}

/* The same sums as fit_width(s, e) for e = s+1, s+2, ..., carried from
 * one e to the next instead of restarted, so a line costs what it holds
 * rather than its square (trailing spaces and zero-width characters
 * never overflow, so without this a paragraph of them was quadratic).
 * The additions are made in natural_width's order, so every value is
 * bit-identical to fit_width and so is every break decision: `fin` is
 * the sum over [s, f) with every pair's compression and gap, f the last
 * non-space end; a space leaves the width as it was (trailing spaces do
 * not count). */
size_t folio_lb_fit_end(const folio_lb_item *it, size_t n, size_t s,
	double width)
{
	size_t best = s, e, f = s;
	double fin = 0, w = 0;

	for (e = s + 1; e <= n; e++) {
		const folio_lb_item *c = &it[e - 1];

		work++;
		if (c->cls != FOLIO_LB_SPACE) {
			for (; f < e - 1; f++) {
				int p = pair_compression(&it[f], &it[f + 1]);

				work++;
				fin += it[f].width;
				if (p == 1)
					fin -= 0.5 * it[f].em;
				else if (p == 2)
					fin -= 0.5 * it[f + 1].em;
				fin += script_gap(&it[f], &it[f + 1]);
			}
			w = fin + c->width;
			if (end_shrinkable(c))
				w = w - 0.5 * c->em;
		}
		if (w > width + EPS)
			break;
		best = e;
	}
	return best;
}

static int clreq_ok(const folio_lb_item *it, size_t e)
{
	if (it[e - 1].keep_next)
		return 0;
	if (folio_lb_no_end(it[e - 1].cp) || folio_lb_no_start(it[e].cp))
		return 0;
	if (it[e - 1].cls == FOLIO_LB_INSEP && it[e].cp == it[e - 1].cp)
		return 0;
	return 1;
}

static int break_ok(const folio_lb_item *it, size_t e, int tier)
{
	switch (tier) {
	case 1:
		return it[e - 1].icu_break && clreq_ok(it, e) &&
			!(latinish(&it[e - 1]) && latinish(&it[e]));
	case 2:
		return it[e - 1].icu_break && clreq_ok(it, e);
	default:
		return clreq_ok(it, e);
	}
}

/* Justification space goes between characters, not inside a Latin
 * word or a doubled dash/ellipsis, not beside a typed ideographic
 * space (a form's blank keeps its width). */
static int gap_stretches(const folio_lb_item *a, const folio_lb_item *b)
{
	if (latinish(a) && latinish(b))
		return 0;
	if (a->cls == FOLIO_LB_INSEP && b->cp == a->cp)
		return 0;
	if (a->fixed || b->fixed)
		return 0;
	return 1;
}

/* A gap inside a Latin word, stretched only when the line has no
 * other way to stay under half an em a gap. */
static int word_gap(const folio_lb_item *a, const folio_lb_item *b)
{
	return latinish(a) && latinish(b) && !a->fixed && !b->fixed;
}

/* Would justifying [s, e) to `width` widen some gap past half an em?
 * (A line of one stretchable gap or none is judged by the space left.) */
static int gaps_too_wide(const folio_lb_item *it, size_t s, size_t e,
	double width)
{
	size_t i, n_gaps = 0, last = e;
	double nat, em = it[s].em;
	int shrunk;

	while (last > s && it[last - 1].cls == FOLIO_LB_SPACE)
		last--;
	nat = fit_width(it, s, e, &shrunk);
	for (i = s; i + 1 < last; i++) {
		work++;
		if (gap_stretches(&it[i], &it[i + 1]))
			n_gaps++;
	}
	return width - nat > 0.5 * em * (double)(n_gaps ? n_gaps : 1) + EPS;
}

/* The break in (lo, best] nearest best allowed at `tier`, 0 if none. */
static size_t nearest_break(const folio_lb_item *it, size_t lo, size_t best,
	int tier)
{
	size_t e;

	for (e = best; e > lo; e--)
		if (break_ok(it, e, tier))
			return e;
	return 0;
}

/* End of the line starting at s. */
static size_t line_end(const folio_lb_item *it, size_t n, size_t s,
	double width, int nonneg, int justify)
{
	size_t best = folio_lb_fit_end(it, n, s, width), e;
	int tier, longer;

	if (best == n)
		return n;
	if (best == s)
		return s + 1;  /* one item wider than the line */
	/* A Latin run longer than a whole line cannot be pushed down
	 * whole: break it here, at an ICU opportunity or anywhere. */
	if (latinish(&it[best - 1]) && latinish(&it[best])) {
		size_t rs = best - 1, re = best;
		while (rs > s && latinish(&it[rs - 1]))
			rs--;
		/* A run filling the line from its start is longer than
		 * the line: items s..best alone overflowed it (that is
		 * why best stopped), and with no negative widths the
		 * run's sum from wherever it began is at least theirs,
		 * rounding included. Measuring the run again from its
		 * first item at every line made a long one quadratic. */
		if (rs == s && nonneg) {
			longer = 1;
		} else {
			while (rs > 0 && latinish(&it[rs - 1]))
				rs--;
			while (re < n && latinish(&it[re]))
				re++;
			longer = natural_width(it, rs, re) > width + EPS;
		}
		if (longer) {
			size_t lo = rs > s ? rs : s;
			size_t e2 = nearest_break(it, lo, best, 2);
			size_t e3 = nearest_break(it, lo, best, 3);

			if (e2 && (!justify || !gaps_too_wide(it, s, e2,
			    width)))
				return e2;
			if (e3)
				return e3;
			if (e2)
				return e2;
		}
	}
	for (e = best; e > s; e--)
		if (break_ok(it, e, 1))
			break;
	/* Pushing a whole Latin run (a URL, an e-mail address, a long
	 * word) or a run ICU keeps whole (a form's blanks 　　　；) down
	 * would spread this line's gaps past half an em (or leave it more
	 * than half empty): break inside the run at its own break points
	 * instead, or anywhere the clreq rules allow as a last resort. */
	if (e > s && e < n &&
	    (justify ? gaps_too_wide(it, s, e, width) :
	    latinish(&it[e]) && natural_width(it, s, e) < 0.5 * width)) {
		/* The break nearest the line end, first among the run's
		 * own break points, then anywhere; a shorter line only
		 * has wider gaps, so when the nearest one leaves a gap too
		 * wide the run goes down whole. One check per tier keeps
		 * this linear (checking every candidate was quadratic on a
		 * long run of zero-width marks). */
		for (tier = 2; tier <= 3; tier++) {
			size_t e2 = nearest_break(it, e, best, tier);
			if (e2 && (!justify ||
			    !gaps_too_wide(it, s, e2, width)))
				return e2;
		}
	}
	if (e > s)
		return e;
	for (tier = 2; tier <= 3; tier++) {
		for (e = best; e > s; e--)
			if (break_ok(it, e, tier))
				return e;
	}
	return best;
}


static void place(folio_lb_line *ln, double *x, const folio_lb_item *it,
	size_t s, size_t e, double width, int justify)
{
	size_t i, last = e, n_gaps = 0, n_all = 0, n_words = 0;
	double pos = 0, extra = 0, per_gap = 0;
	int shrunk = 0, use_all = 0, use_words = 0;
	double nat;

	while (last > s && it[last - 1].cls == FOLIO_LB_SPACE)
		last--;
	nat = natural_width(it, s, e);
	if (nat > width + EPS)
		nat = fit_width(it, s, e, &shrunk);
	ln->natural = nat;
	if (justify && nat < width - EPS && last > s + 1) {
		extra = width - nat;
		for (i = s; i + 1 < last; i++) {
			n_all++;
			if (gap_stretches(&it[i], &it[i + 1]))
				n_gaps++;
			else if (word_gap(&it[i], &it[i + 1]))
				n_words++;
		}
		/* A line no break could fill better (a URL and one
		 * character after it) letter-spaces its Latin words a
		 * little rather than open a gap past half an em. */
		if (n_words > 0 && (n_gaps == 0 ||
		    extra / (double)n_gaps > 0.5 * it[s].em + EPS)) {
			use_words = 1;
			n_gaps += n_words;
		}
		if (n_gaps == 0) {
			use_all = 1;
			n_gaps = n_all;
		}
		per_gap = extra / (double)n_gaps;
	}
	for (i = s; i < e; i++) {
		double w = it[i].width, off = 0;
		int c;

		if (i >= last) {
			x[i] = pos;  /* trailing space: no width */
			continue;
		}
		if (i > s && pair_compression(&it[i - 1], &it[i]) == 2) {
			w -= 0.5 * it[i].em;
			off = -0.5 * it[i].em;
		}
		if (i + 1 < last) {
			c = pair_compression(&it[i], &it[i + 1]);
			if (c == 1)
				w -= 0.5 * it[i].em;
		} else if (shrunk) {
			w -= 0.5 * it[i].em;
		}
		x[i] = pos + off;
		pos += w;
		if (i + 1 < last) {
			pos += script_gap(&it[i], &it[i + 1]);
			if (per_gap > 0 &&
			    (use_all || gap_stretches(&it[i], &it[i + 1]) ||
			    (use_words && word_gap(&it[i], &it[i + 1]))))
				pos += per_gap;
		}
	}
	ln->width = pos;
	ln->justified = per_gap > 0;
}

void folio_lb_break(folio_lb_line *lines, size_t *n_lines, double *x,
	const folio_lb_item *items, size_t n, double first_width,
	double width, folio_lb_mode mode)
{
	size_t s = 0, count = 0, i;
	int nonneg = 1;

	for (i = 0; i < n; i++)
		if (!(items[i].width >= 0))
			nonneg = 0;
	*n_lines = 0;
	while (s < n) {
		double w = count == 0 ? first_width : width;
		size_t e;

		if (count > 0)
			while (s < n && items[s].cls == FOLIO_LB_SPACE)
				s++;
		if (s == n)
			break;
		e = line_end(items, n, s, w, nonneg, mode == FOLIO_LB_JUSTIFY);
		lines[count].start = s;
		lines[count].end = e;
		place(&lines[count], x, items, s, e, w,
			mode == FOLIO_LB_JUSTIFY && e < n);
		count++;
		s = e;
	}
	*n_lines = count;
}

/* Even lines by widening the measure from the even share until the text
 * fits in as few lines as the full measure needs: for titles the
 * shaper cannot take (too long, or breaks only inside Latin runs). */
static void break_even(folio_lb_line *lines, size_t *n_lines, double *x,
	const folio_lb_item *items, size_t n, double width, size_t want)
{
	size_t got;
	double total, target, step;

	total = natural_width(items, 0, n);
	step = items[0].em > 0 ? 0.25 * items[0].em : 1.0;
	for (target = total / (double)want; target < width; target += step) {
		folio_lb_break(lines, &got, x, items, n, target, target,
			FOLIO_LB_NATURAL);
		if (got <= want) {
			*n_lines = got;
			return;
		}
	}
	folio_lb_break(lines, n_lines, x, items, n, width, width,
		FOLIO_LB_NATURAL);
}

/* ---- title shapes (GB/T 9704 7.3.1) --------------------------------
 * A title of several lines is set as a 梯形 (each line no longer than
 * the one below) or a 菱形 (lines grow to a middle line, then shrink),
 * never as a rectangle when the breaks allow otherwise, with lines as
 * even as the shape permits (长短适宜). Breaks are only where
 * the caller allows them at the first tier (between words, outside
 * brackets and numbers). A dynamic programme over the allowed breaks
 * finds the cheapest shape: line widths squared (evenness), a penalty
 * per pair of lines equal within half an em (a rectangle), larger ones
 * per doubtful break (item.break_cost) and per line shorter than the
 * one above outside a 菱形's lower half, or longer than the one above
 * inside it. Work is cubic in the breaks,
 * so titles past TITLE_MAX_BREAKS breaks or TITLE_MAX_LINES lines (no
 * real title) are set by break_even instead. */

#define TITLE_MAX_BREAKS 64
#define TITLE_MAX_LINES 6
#define TITLE_MAX_ITEMS 2048
#define COST_EQUAL 0.1     /* of the measure squared, per pair of equal
                              lines: at 20 em, 14/14 loses to 10/18 and
                              wins over 8/20 */
#define COST_DIAMOND 1.0   /* em^2: a 梯形 wins a tie with a 菱形 */
#define COST_WRONG 1e7     /* em^2: a line against the shape */
/* em^2, per break_cost 1 and 2 used: a break beside a one-character
 * word (often a good one: 办公室|关于) loses to any other break of the
 * right shape, a break between two of them (印|发) to anything. */
static const double break_costs[] = {0, 1e5, 1e8};

enum { RISING_FLAT, RISING, FALLING, N_PHASES };

typedef struct title_state {
	double cost;
	int prev;              /* point where this line started, -1: none */
	int from_phase;
} title_state;

/* Cost of a line of width w below one of width up (em, on a measure
 * `measure` em wide) in phase `ph`; *to receives the phase after it.
 * Only penalties, nothing forbidden: a title always gets its lines. */
static double shape_cost(double up, double w, int ph, double measure,
	int *to)
{
	double d = w - up;

	if (d > -0.5 && d < 0.5) {
		*to = ph;
		return COST_EQUAL * measure * measure;
	}
	if (d >= 0.5) {
		*to = ph == FALLING ? FALLING : RISING;
		return ph == FALLING ? COST_WRONG : 0;
	}
	if (ph == RISING) {
		*to = FALLING;
		return COST_DIAMOND;
	}
	*to = ph;
	return ph == FALLING ? 0 : COST_WRONG;
}

/* Lines [pt[a], pt[b]) of the title; the width (em) or -1 when the
 * line does not fit. */
static double title_line(const folio_lb_item *it, const size_t *pt,
	size_t a, size_t b, double width, double em)
{
	size_t s = pt[a];
	int shrunk;
	double w;

	while (s < pt[b] && it[s].cls == FOLIO_LB_SPACE)
		s++;
	if (s == pt[b])
		return -1;
	w = natural_width(it, s, pt[b]);
	if (w > width + EPS)
		w = fit_width(it, s, pt[b], &shrunk);
	return w > width + EPS ? -1 : w / em;
}

/* Cheapest shape in exactly `want` lines over the points pt[0..k)
 * (pt[0] = 0, pt[k-1] = n); 0 and the line ends in ends[] when one
 * exists, -1 otherwise. *flawed: it goes against the shape somewhere
 * or breaks between two one-character words. */
static int title_shape(size_t *ends, int *flawed, const folio_lb_item *it,
	const size_t *pt, size_t k, double width, size_t want)
{
	/* st[line][b][a][phase]: line `line` is [pt[a], pt[b]) */
	size_t line, a, b, c, sz = k * k * N_PHASES;
	title_state *st = NULL;
	double *w = NULL, em = it[0].em > 0 ? it[0].em : 1;
	double best = HUGE_VAL;
	int ph, to, rc = -1, ba = -1, bb, bp = 0;

#define ST(l, b_, a_, p_) \
	st[(l) * sz + ((b_) * k + (a_)) * N_PHASES + (size_t)(p_)]
	st = malloc(want * sz * sizeof(*st));
	w = malloc(k * k * sizeof(*w));
	if (st == NULL || w == NULL)
		goto done;
	for (a = 0; a < k; a++)
		for (b = 0; b < k; b++) {
			work++;
			w[a * k + b] = b > a ?
				title_line(it, pt, a, b, width, em) : -1;
		}
	for (c = 0; c < want * sz; c++) {
		st[c].cost = HUGE_VAL;
		st[c].prev = -1;
		st[c].from_phase = 0;
	}
	for (b = 1; b < k; b++)
		if (w[b] >= 0)
			ST(0, b, 0, RISING_FLAT).cost = w[b] * w[b];
	for (line = 1; line < want; line++)
		for (b = 1; b < k; b++)
			for (a = 0; a < b; a++)
				for (ph = 0; ph < N_PHASES; ph++) {
					const title_state *from =
						&ST(line - 1, b, a, ph);
					double up = w[a * k + b];

					if (from->cost == HUGE_VAL)
						continue;
					for (c = b + 1; c < k; c++) {
						double wc = w[b * k + c], cost;
						title_state *t;

						work++;
						if (wc < 0)
							continue;
						cost = from->cost + wc * wc +
							shape_cost(up, wc, ph,
							width / em, &to) +
							break_costs[it[pt[b] - 1].
							break_cost > 2 ? 2 :
							it[pt[b] - 1].break_cost];
						t = &ST(line, c, b, to);
						if (cost < t->cost) {
							t->cost = cost;
							t->prev = (int)a;
							t->from_phase = ph;
						}
					}
				}
	for (a = 0; a + 1 < k; a++)
		for (ph = 0; ph < N_PHASES; ph++)
			if (ST(want - 1, k - 1, a, ph).cost < best) {
				best = ST(want - 1, k - 1, a, ph).cost;
				ba = (int)a;
				bp = ph;
			}
	if (ba < 0)
		goto done;
	*flawed = best >= COST_WRONG;
	bb = (int)k - 1;
	for (line = want; line-- > 0;) {
		const title_state *t = &ST(line, (size_t)bb, (size_t)ba, bp);
		ends[line] = pt[bb];
		bb = ba;
		ba = t->prev;
		bp = t->from_phase;
	}
	rc = 0;
done:
#undef ST
	free(st);
	free(w);
	return rc;
}

void folio_lb_break_title(folio_lb_line *lines, size_t *n_lines,
	double *x, const folio_lb_item *items, size_t n, double width)
{
	size_t want, pt[TITLE_MAX_BREAKS + 2], k = 0, e, i, got = 0;
	size_t ends[TITLE_MAX_LINES], more[TITLE_MAX_LINES];
	int flawed = 1, flawed2 = 1;

	folio_lb_break(lines, &want, x, items, n, width, width,
		FOLIO_LB_NATURAL);
	if (want <= 1) {
		*n_lines = want;
		return;
	}
	pt[k++] = 0;
	for (e = 1; e < n && k <= TITLE_MAX_BREAKS; e++)
		if (break_ok(items, e, 1))
			pt[k++] = e;
	pt[k++] = n;
	if (want > TITLE_MAX_LINES || k > TITLE_MAX_BREAKS + 1 ||
	    n > TITLE_MAX_ITEMS ||
	    title_shape(ends, &flawed, items, pt, k, width, want) < 0) {
		break_even(lines, n_lines, x, items, n, width, want);
		return;
	}
	got = want;
	/* No good shape in the fewest lines: one line more may have one. */
	if (flawed && want < TITLE_MAX_LINES &&
	    title_shape(more, &flawed2, items, pt, k, width, want + 1) == 0 &&
	    !flawed2) {
		memcpy(ends, more, (want + 1) * sizeof(*ends));
		got = want + 1;
	}
	for (i = 0, e = 0; i < got; i++) {
		size_t s = e;

		while (s < ends[i] && items[s].cls == FOLIO_LB_SPACE)
			s++;
		lines[i].start = s;
		lines[i].end = ends[i];
		place(&lines[i], x, items, s, ends[i], width, 0);
		e = ends[i];
	}
	*n_lines = got;
}
