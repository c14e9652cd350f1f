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

/* Start of the run of full-width marks that ends a line at e (e when
 * the line ends otherwise). Pairs inside that run are not compressed:
 * a compressed mark's glyph box overlaps its neighbour's by half an
 * em, and text extractors (poppler) then put a short overlapping word
 * at a line end on a line of its own. The last mark still shrinks into
 * the margin when needed, so the run takes 1.5 em for two marks. */
static size_t tail_run(const folio_lb_item *it, size_t s, size_t e)
{
	while (e > s && full_width_mark(&it[e - 1])) {
		e--;
		work++;
	}
	return e;
}

/* Width of [s, e) with in-line compression and gaps; trailing spaces do
 * not count. */
static double natural_width(const folio_lb_item *it, size_t s, size_t e)
{
	double w = 0;
	size_t i, t;

	while (e > s && it[e - 1].cls == FOLIO_LB_SPACE) {
		e--;
		work++;
	}
	t = tail_run(it, s, e);
	for (i = s; i < e; i++) {
		work++;
		w += it[i].width;
		if (i + 1 < e) {
			int c = i < t ? pair_compression(&it[i],
				&it[i + 1]) : 0;
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
 * The additions are made in fit_width's order, so every value is
 * bit-identical to it and so is every break decision:
 *   - natural_width ignores trailing spaces: a space leaves the value
 *     as it was at the last non-space end;
 *   - it compresses pairs only before the run of marks ending the line
 *     (tail_run): items before that run never join a later one, so
 *     their sum (`fin`, over [s, f)) is final and grows monotonically;
 *   - the items from f to the end are summed without compression in
 *     `tv` (over [f, k)), extended while f stays, restarted when it
 *     moves (f only grows, so each item enters each sum once). */
size_t folio_lb_fit_end(const folio_lb_item *it, size_t n, size_t s,
	double width)
{
	size_t best = s, e, run = s, f = s, k = s, g;
	double fin = 0, tv = 0, w = 0;

	for (e = s + 1; e <= n; e++) {
		const folio_lb_item *c = &it[e - 1];

		work++;
		if (!full_width_mark(c))
			run = e;  /* tail_run(it, s, e) */
		if (c->cls != FOLIO_LB_SPACE) {
			g = run < e - 1 ? run : e - 1;
			if (g > f) {
				for (; f < g; f++) {
					int p = pair_compression(&it[f],
						&it[f + 1]);

					work++;
					fin += it[f].width;
					if (p == 1)
						fin -= 0.5 * it[f].em;
					else if (p == 2)
						fin -= 0.5 * it[f + 1].em;
					fin += script_gap(&it[f], &it[f + 1]);
				}
				k = f;
				tv = fin;
			}
			for (; k < e - 1; k++) {
				work++;
				tv += it[k].width;
				tv += script_gap(&it[k], &it[k + 1]);
			}
			w = tv + c->width;
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
		if (longer)
			for (tier = 2; tier <= 3; tier++)
				for (e = best; e > s && e > rs; e--)
					if (break_ok(it, e, tier))
						return e;
	}
	for (e = best; e > s; e--)
		if (break_ok(it, e, 1))
			break;
	/* Pushing a whole Latin run (a URL, an e-mail address, a long
	 * word) down would spread this line's gaps past half an em (or
	 * leave it more than half empty): break inside the run at its own
	 * break points instead, or anywhere as a last resort. */
	if (e > s && e < n && latinish(&it[e]) &&
	    (justify ? gaps_too_wide(it, s, e, width) :
	    natural_width(it, s, e) < 0.5 * width)) {
		size_t e2;
		for (tier = 2; tier <= 3; tier++)
			for (e2 = best; e2 > e; e2--)
				if (break_ok(it, e2, tier) &&
				    (tier == 2 || !justify ||
				    !gaps_too_wide(it, s, e2, width)))
					return e2;
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
	size_t i, last = e, n_gaps = 0, n_all = 0, t;
	double pos = 0, extra = 0, per_gap = 0;
	int shrunk = 0, use_all = 0;
	double nat;

	while (last > s && it[last - 1].cls == FOLIO_LB_SPACE)
		last--;
	t = tail_run(it, s, last);
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
		if (i > s && i - 1 < t &&
		    pair_compression(&it[i - 1], &it[i]) == 2) {
			w -= 0.5 * it[i].em;
			off = -0.5 * it[i].em;
		}
		if (i + 1 < last) {
			c = i < t ? pair_compression(&it[i], &it[i + 1]) : 0;
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
			    (use_all || gap_stretches(&it[i], &it[i + 1])))
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

void folio_lb_break_balanced(folio_lb_line *lines, size_t *n_lines,
	double *x, const folio_lb_item *items, size_t n, double width)
{
	size_t want, got;
	double total, target, step;

	folio_lb_break(lines, &want, x, items, n, width, width,
		FOLIO_LB_NATURAL);
	if (want <= 1) {
		*n_lines = want;
		return;
	}
	total = natural_width(items, 0, n);
	step = items[0].em > 0 ? 0.25 * items[0].em : 1.0;
	/* Widen from the even share until the text fits in as few lines
	 * as the full measure needs; the result is as even as the break
	 * rules allow. */
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
