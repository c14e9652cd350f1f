/* The title of a page: which line it is (the one the metadata table
 * names, the one after the 文号 or 版头, the one next to the date line,
 * else the likeliest of the first lines), the lines it spans, and the
 * lines that repeat it. */
#include <string.h>

#include "import/import_impl.h"
#include "util/utf8.h"

#define TITLE_MAX_CHARS 120
#define SPAM_MAX_CHECKS 16     /* each costs a pass over the page */
#define LOOSE_MAX 320

int imp_starts_about(const uint32_t *v, size_t n)
{
	return imp_match(v, n, 0, "关于") || imp_match(v, n, 0, "關於");
}

int imp_contains_about(const uint32_t *v, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i++)
		if (imp_match(v, n, i, "关于") || imp_match(v, n, i, "關於"))
			return 1;
	return 0;
}

/* ---- the title ---------------------------------------------------------- */

int imp_table_line(const imp_para *p)
{
	return p->role == R_META || p->role == R_UNKEPT ||
		(p->role == R_CHROME && p->n < 40);
}

/* Spam is looked for above the title only, and for a bounded number of
 * lines: each look is a pass over the page. */
int imp_title_spam(importer *im, size_t i)
{
	if (im->spam_checks >= SPAM_MAX_CHECKS)
		return 0;
	im->spam_checks++;
	return imp_is_spam(im, i);
}

/* Could this line be a title? Some Chinese, not a sentence, not a date,
 * a 文号, a numbered heading or spam. */
int imp_title_candidate(importer *im, size_t i)
{
		imp_para *p = &im->p[i];
	char d[16];
	size_t rest;
	int val;

	if (!imp_is_text(p) || p->n > TITLE_MAX_CHARS ||
	    imp_han_count(p->v, p->n) < 2)
		return 0;
	if (imp_is_sentence_end(p->v[p->n - 1]) ||
	    imp_is_colon(p->v[p->n - 1]))
		return 0;
	if (imp_line_date(d, im, p->v, p->n) ||
	    imp_line_docnum(&im->out, p->v, p->n) || imp_label_line(p))
		return 0;
	switch (imp_number_form(p->v, p->n, &rest, &val)) {
	case NF_NONE:
		break;
	case NF_CHAPTER: case NF_SECTION: case NF_ARTICLE: case NF_PART:
		return 0;
	default:
		if (imp_heading_like(p->v, p->n, rest))
			return 0;
	}
	/* the site's own name: 江临市人民政府门户网站, 江临新闻网 */
	if ((p->n <= 10 && (imp_ends_with(p->v, p->n, "网") ||
	    imp_ends_with(p->v, p->n, "網"))) ||
	    imp_ends_with(p->v, p->n, "网站") ||
	    imp_ends_with(p->v, p->n, "網站") ||
	    imp_ends_with(p->v, p->n, "政府网") ||
	    imp_ends_with(p->v, p->n, "官网"))
		return 0;
	return !imp_title_spam(im, i);
}

int imp_title_score(const imp_para *p)
{
	int s = 0;

	if (imp_title_kind(p->v, p->n))
		s += 4;
	if (imp_starts_about(p->v, p->n))
		s += 2;
	else if (imp_contains_about(p->v, p->n))
		s += 1;
	if (imp_is_org(p->v, p->n) || imp_is_signature(p->v, p->n))
		s -= 3;
	if (p->n > 60)
		s -= 2;
	return s;
}

/* First title candidate in (from, limit), looking at most `span` text
 * lines. */
size_t imp_title_after(importer *im, size_t from, size_t limit,
	int span, int min_score)
{
	size_t i;

	for (i = from + 1; i < limit && span > 0; i++) {
		const imp_para *p = &im->p[i];
		if (!imp_is_text(p))
			continue;
		/* a 主送 line: the body has begun */
		if (imp_is_colon(p->v[p->n - 1]))
			return IMP_NONE;
		span--;
		if (imp_title_candidate(im, i))
			return imp_title_score(&im->p[i]) >= min_score ? i : IMP_NONE;
	}
	return IMP_NONE;
}

size_t imp_title_before(importer *im, size_t at, int span)
{
	size_t i = at;

	while (i > 0 && span > 0) {
		i--;
		if (!imp_is_text(&im->p[i]))
			continue;
		span--;
		if (imp_title_candidate(im, i))
			return i;
	}
	return IMP_NONE;
}

/* The best-scoring candidate among the first ones, stopping at prose. */
size_t imp_title_best(importer *im, size_t limit)
{
	size_t i, best = IMP_NONE;
	int best_s = -100, seen = 0;

	for (i = 0; i < limit && seen < 12; i++) {
		imp_para *p = &im->p[i];
		int s;
		if (!imp_is_text(p))
			continue;
		if (!imp_title_candidate(im, i)) {
			/* prose after a candidate: the body has begun */
			if (best != IMP_NONE && p->n > 20 &&
			    imp_is_sentence_end(p->v[p->n - 1]))
				break;
			continue;
		}
		seen++;
		s = imp_title_score(p);
		if (s > best_s) {
			best_s = s;
			best = i;
		}
	}
	return best;
}

/* Loose copies for comparing titles: no blanks, ASCII marks full width
 * folded to ASCII. */
static size_t loose(uint32_t *out, const uint32_t *v, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n && k < LOOSE_MAX; i++) {
		uint32_t c = v[i];
		if (imp_is_inline_space(c))
			continue;
		out[k++] = c >= 0xFF01 && c <= 0xFF5E ? c - 0xFEE0 : c;
	}
	return k;
}

static int has_sub(const uint32_t *a, size_t an, const uint32_t *b,
	size_t bn)
{
	size_t i;

	if (bn == 0 || bn > an)
		return 0;
	for (i = 0; i + bn <= an; i++)
		if (memcmp(a + i, b, bn * sizeof(*a)) == 0)
			return 1;
	return 0;
}

/* How many lines from i on repeat the title: one line equal to it,
 * holding it (a site's "title_site name"), or a good part of it, or
 * several lines that spell it out together. 0 if none. */
size_t imp_repeats_title(importer *im, size_t i, size_t limit)
{
	const imp_offer *t = &im->offer[F_TITLE];
	uint32_t tl[LOOSE_MAX], ll[LOOSE_MAX];
	size_t tn, ln, k = 0, lines = 0, j;

	if (t->prio == 0 || t->v == NULL || im->p[i].n > LOOSE_MAX)
		return 0;
	tn = loose(tl, t->v, t->n);
	ln = loose(ll, im->p[i].v, im->p[i].n);
	if (tn == 0 || ln == 0)
		return 0;
	if (has_sub(ll, ln, tl, tn))
		return 1;
	if (ln >= 6 && 2 * ln >= tn && has_sub(tl, tn, ll, ln))
		return 1;
	/* spelled over lines: each line continues the title */
	for (j = i; j < limit && lines < 4; j++) {
		if (im->p[j].role == R_BLANK)
			continue;
		if (!imp_is_text(&im->p[j]) || im->p[j].n > LOOSE_MAX)
			return 0;
		ln = loose(ll, im->p[j].v, im->p[j].n);
		if (ln == 0 || k + ln > tn || memcmp(tl + k, ll,
		    ln * sizeof(*ll)) != 0)
			return 0;
		k += ln;
		lines = j - i + 1;
		if (k == tn)
			return lines > 1 ? lines : 0;
	}
	return 0;
}

/* A title split over lines: join the neighbours that complete it (关于
 * … on one line, …的通知 on the next). Returns the first and end line. */
static void title_lines(importer *im, size_t t, size_t *first, size_t *end)
{
		size_t a = t, b = t + 1, j;

	/* downwards: the title does not yet name its kind */
	while (b - a < 3 && !imp_title_kind(im->p[b - 1].v, im->p[b - 1].n)
	    && imp_contains_about(im->p[a].v, im->p[a].n)) {
		j = imp_next_text(im, b, im->n);
		if (j == IMP_NONE || j > b + 1 || im->p[j].n > 40 ||
		    !imp_title_candidate(im, j) || imp_contains_about(im->p[j].v,
		    im->p[j].n) || !imp_title_kind(im->p[j].v, im->p[j].n))
			break;
		b = j + 1;
	}
	/* upwards: the line above starts what this one ends, or names the
	 * issuing organs of a 关于 title (发文机关 + 关于 + 事由 + 文种) */
	if (b == t + 1 && imp_title_kind(im->p[t].v, im->p[t].n) && t > 0) {
		j = imp_prev_text(im, t, 0);
		if (j != IMP_NONE && j + 2 >= t && imp_title_candidate(im, j) &&
		    !imp_title_kind(im->p[j].v, im->p[j].n) &&
		    ((imp_contains_about(im->p[j].v, im->p[j].n) &&
		    !imp_contains_about(im->p[t].v, im->p[t].n)) ||
		    (imp_is_org(im->p[j].v, im->p[j].n) &&
		    imp_starts_about(im->p[t].v, im->p[t].n))))
			a = j;
	}
	*first = a;
	*end = b;
}

int imp_set_title(importer *im, size_t t)
{
		size_t a, b, i, total = 0;
	uint32_t *v;

	title_lines(im, t, &a, &b);
	for (i = a; i < b; i++)
		if (im->p[i].role == R_BODY)
			total += im->p[i].n;
	if (b - a == 1) {
		imp_offer_value(im, F_TITLE, 1, im->p[a].v, im->p[a].n,
			&im->p[a]);
	} else {
		v = folio_arena_alloc(im->doc->arena, total * sizeof(*v));
		if (v == NULL)
			return folio_error_set(im->err, FOLIO_ELIMIT,
				"%s: document exceeds the memory limit",
				im->name);
		for (i = a, total = 0; i < b; i++)
			if (im->p[i].role == R_BODY) {
				memcpy(v + total, im->p[i].v,
					im->p[i].n * sizeof(*v));
				total += im->p[i].n;
			}
		/* a line-broken title is one title: any offer so far (a
		 * metadata 标题) yields to it */
		im->offer[F_TITLE].prio = 0;
		imp_offer_value(im, F_TITLE, 1, v, total, &im->p[a]);
	}
	for (i = a; i < b; i++)
		if (im->p[i].role == R_BODY)
			im->p[i].role = R_TITLE;
	im->title_at = a;
	im->title_end = b;
	return 0;
}

