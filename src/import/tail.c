/* The foot of a page, read from the bottom up: 版记 (抄送 with its
 * continuation lines, 印发), metadata tables, related links, download
 * links of attachments, chrome; and, above it, the attachments whose
 * bodies follow the main text (附件1, its title, its text). */
#include <string.h>

#include "import/import_impl.h"
#include "util/utf8.h"

#define TAIL_MAX_CHARS 300
#define LINK_MAX_CHARS 120

/* "江临市人民政府办公室　　2024年11月22日印发", or the date alone with
 * 印发 (the organisation on the line above). *org_n: length of the
 * organisation part, 0 if none. */
static int imprint(importer *im, imp_para *p, size_t *org_n)
{
	char d[16];
	size_t s, e, k, n = p->n;

	if (n > 80)
		return 0;
	if (imp_ends_with(p->v, n, "印发") || imp_ends_with(p->v, n, "印發"))
		k = n - 2;
	else
		return 0;
	while (k > 0 && imp_is_inline_space(p->v[k - 1]))
		k--;
	if (!imp_find_date(d, im, p->v, k, 0, &s, &e) || e != k)
		return 0;
	if (!folio_date_valid(d))
		return imp_date_error(im, p, s, d);
	*org_n = s;
	while (*org_n > 0 && imp_is_inline_space(p->v[*org_n - 1]))
		(*org_n)--;
	if (*org_n && !imp_is_org(p->v, *org_n))
		return 0;
	imp_offer_fixed(im, F_PRINTED_DATE, 1, d, p);
	if (*org_n)
		imp_offer_value(im, F_PRINTED_BY, 1, p->v, *org_n, p);
	return 1;
}

/* （共印30份）: how many copies were printed (版记). */
static int copies(const imp_para *p)
{
	size_t i = 0, k;
	int x;

	if (p->n > 20)
		return 0;
	if (p->v[0] == 0xFF08 || p->v[0] == '(')
		i = 1;
	if ((k = imp_match(p->v, p->n, i, "共印")) == 0)
		return 0;
	i = imp_skip_spaces(p->v, p->n, i + k);
	if (imp_read_digits(p->v, p->n, &i, 6, &x) == 0 &&
	    !imp_read_cn_number(p->v, p->n, &i, &x))
		return 0;
	i = imp_skip_spaces(p->v, p->n, i);
	if (i >= p->n || p->v[i] != 0x4EFD)  /* 份 */
		return 0;
	i++;
	if (i < p->n && (p->v[i] == 0xFF09 || p->v[i] == ')'))
		i++;
	if (i < p->n && p->v[i] == 0x3002)
		i++;
	return i == p->n;
}

/* 抄送：…， continued on the next lines: items of the list, ending with
 * ， 、 or 。 */
static int list_continuation(const imp_para *p)
{
	size_t i, a = 0;

	if (p->n > TAIL_MAX_CHARS)
		return 0;
	for (i = 0; i <= p->n; i++)
		if (i == p->n || p->v[i] == 0xFF0C || p->v[i] == 0x3001 ||
		    p->v[i] == 0x3002) {
			if (i > a && (i - a > 30 || !imp_is_org(p->v + a,
			    i - a)))
				return 0;
			a = i + 1;
		}
	return 1;
}

static int starts_cc(const imp_para *p)
{
	size_t k = 0;

	if ((k = imp_match_spaced(p->v, p->n, 0, "抄送")) == 0 &&
	    (k = imp_match_spaced(p->v, p->n, 0, "分送")) == 0)
		return 0;
	k = imp_skip_spaces(p->v, p->n, k);
	return k < p->n && imp_is_colon(p->v[k]);
}

/* 抄送 spread over lines i..end: one list made of all of them. */
static int cc_lines(importer *im, size_t i, size_t last)
{
	size_t j, total = 0, k;
	uint32_t *v;

	for (j = i; j <= last; j++)
		total += im->p[j].n + 1;
	v = folio_arena_alloc(im->doc->arena, total * sizeof(*v));
	if (v == NULL)
		return folio_error_set(im->err, FOLIO_ELIMIT,
			"%s: document exceeds the memory limit", im->name);
	total = 0;
	k = imp_match_spaced(im->p[i].v, im->p[i].n, 0, "抄送");
	if (k == 0)
		k = imp_match_spaced(im->p[i].v, im->p[i].n, 0, "分送");
	k = imp_skip_spaces(im->p[i].v, im->p[i].n, k) + 1;
	for (j = i; j <= last; j++) {
		imp_para *p = &im->p[j];
		size_t from = j == i ? k : 0;
		if (p->role == R_BLANK)
			continue;
		memcpy(v + total, p->v + from, (p->n - from) * sizeof(*v));
		total += p->n - from;
		p->role = R_IMPRINT;
	}
	imp_offer_value(im, F_CC, 1, v, total, &im->p[i]);
	return 0;
}

/* The 抄送 line that line i continues, at most four lines up. */
static size_t cc_start(const importer *im, size_t i)
{
	size_t j = i;
	int steps;

	for (steps = 0; steps < 4; steps++) {
		j = imp_prev_nonblank(im, j);
		if (j == IMP_NONE || j < im->body_start ||
		    im->p[j].role != R_BODY)
			return IMP_NONE;
		if (starts_cc(&im->p[j]))
			return j;
		if (!list_continuation(&im->p[j]))
			return IMP_NONE;
	}
	return IMP_NONE;
}

static int related_label(const imp_para *p)
{
	static const char *const labels[] = {"相关链接", "相关文件",
		"相关解读", "相关稿件", "相关阅读", "延伸阅读", "相关新闻",
		"相关政策", "相关附件", "相關連結", "相關文件", "相關閱讀",
		"相關新聞", "关联文件", "關聯文件", NULL};
	size_t i = 0, j, k;

	if (p->n > 12)
		return 0;
	if (p->v[0] == 0x3010 || p->v[0] == '[')
		i = 1;
	for (j = 0; labels[j]; j++)
		if ((k = imp_match(p->v, p->n, i, labels[j])) != 0) {
			k += i;
			if (k < p->n && (p->v[k] == 0x3011 || p->v[k] == ']'))
				k++;
			if (k < p->n && imp_is_colon(p->v[k]))
				k++;
			return k == p->n;
		}
	return 0;
}

/* Related-links blocks: a label, then lines that are link titles. */
static void related(importer *im)
{
	size_t i, j;

	for (i = im->body_start; i < im->n; i++) {
		if ((im->p[i].role != R_BODY && im->p[i].role != R_CHROME) ||
		    im->p[i].n == 0 || !related_label(&im->p[i]))
			continue;
		im->p[i].role = R_RELATED;
		for (j = i + 1; j < im->n; j++) {
			imp_para *p = &im->p[j];
			if (p->role != R_BODY)
				continue;
			if (p->n > LINK_MAX_CHARS ||
			    imp_is_sentence_end(p->v[p->n - 1]))
				break;
			p->role = R_RELATED;
		}
		i = j - 1;
	}
}

/* Line j starts with an imprint label (抄送, 正本, 副本). */
static int starts_label(const importer *im, size_t j)
{
	const imp_para *p = &im->p[j];
	static const char *const labels[] = {"抄送", "正本", "副本", "分送",
		NULL};
	size_t k, x;

	for (x = 0; labels[x]; x++)
		if ((k = imp_match_spaced(p->v, p->n, 0, labels[x])) != 0) {
			k = imp_skip_spaces(p->v, p->n, k);
			return k < p->n && imp_is_colon(p->v[k]);
		}
	return 0;
}

int imp_tail(importer *im)
{
	size_t i = im->n, tail = im->n, org_n = 0, j, first;
	int rc;

	related(im);
	while (i > im->body_start) {
		imp_para *p = &im->p[--i];
		if (p->role == R_BLANK)
			continue;
		if (p->role != R_BODY) {
			tail = i;
			continue;
		}
		/* a signature under the 版记 (a Taiwan letter's 處長 ○○○ under
		 * 正本 and 副本) */
		if (!im->has_closing && tail == im->n &&
		    imp_is_signature(p->v, p->n)) {
			j = imp_prev_text(im, i, im->body_start);
			if (j != IMP_NONE && im->p[j].n > 0 &&
			    starts_label(im, j)) {
				p->role = R_CLOSING;
				im->has_closing = 1;
				im->closing_issuer.v = p->v;
				im->closing_issuer.n = p->n;
				im->closing_issuer.prio = 5;
				im->closing_issuer.line = p->line;
				im->closing_issuer.col = p->vcol;
				imp_offer_value(im, F_ISSUER, 5, p->v, p->n, p);
				tail = i;
				continue;
			}
		}
		if (copies(p)) {
			p->role = R_IMPRINT;
			if ((rc = imp_detail(im, p, "印数: no field")) < 0)
				return rc;
			tail = i;
			continue;
		}
		if ((rc = imprint(im, p, &org_n)) != 0) {
			if (rc < 0)
				return rc;
			p->role = R_IMPRINT;
			tail = i;
			j = imp_prev_text(im, i, im->body_start);
			if (org_n == 0 && j != IMP_NONE && j + 2 >= i &&
			    imp_is_org(im->p[j].v, im->p[j].n)) {
				imp_offer_value(im, F_PRINTED_BY, 1,
					im->p[j].v, im->p[j].n, &im->p[j]);
				im->p[j].role = R_IMPRINT;
				tail = i = j;
			}
			continue;
		}
		/* 抄送 continued on this line (and maybe the ones above) */
		if (list_continuation(p) && (j = cc_start(im, i)) != IMP_NONE) {
			if ((rc = cc_lines(im, j, i)) < 0)
				return rc;
			tail = i = j;
			continue;
		}
		if ((rc = imp_meta_line(im, i, LC_TAIL)) < 0)
			return rc;
		if (p->role != R_BODY) {
			tail = i;
			continue;
		}
		if ((first = imp_attachment_links(im, i)) != IMP_NONE) {
			tail = i = first;
			continue;
		}
		break;
	}
	im->tail_start = tail;
	im->main_end = tail;
	return 0;
}

/* ---- attachments with bodies ---------------------------------------------- */

/* 附件, 附件1, 附件 2, 附件一, 附件3： standing alone. */
static int att_label(const imp_para *p)
{
	size_t i, k;
	int x;

	if (p->n > 10 || (k = imp_match(p->v, p->n, 0, "附件")) == 0)
		return 0;
	i = imp_skip_spaces(p->v, p->n, k);
	if (i < p->n && imp_is_digit(p->v[i]))
		imp_read_digits(p->v, p->n, &i, 3, &x);
	else if (i < p->n && imp_is_cn_numeral(p->v[i]))
		imp_read_cn_number(p->v, p->n, &i, &x);
	i = imp_skip_spaces(p->v, p->n, i);
	if (i < p->n && imp_is_colon(p->v[i]))
		i++;
	return i == p->n;
}

static int att_title(const imp_para *p)
{
	size_t rest;
	int val;

	return p->n <= 80 && imp_han_count(p->v, p->n) >= 2 &&
		!imp_is_sentence_end(p->v[p->n - 1]) &&
		!imp_is_colon(p->v[p->n - 1]) &&
		imp_number_form(p->v, p->n, &rest, &val) == NF_NONE;
}

/* An attachment's body starts here: its label, a title line, and some
 * text after the title. *title is the title line. */
static int body_starts(const importer *im, size_t i, size_t *title)
{
	size_t t, after;

	if (!imp_is_text(&im->p[i]) || !att_label(&im->p[i]))
		return 0;
	t = imp_next_text(im, i + 1, im->tail_start);
	if (t == IMP_NONE || !att_title(&im->p[t]))
		return 0;
	after = imp_next_text(im, t + 1, im->tail_start);
	if (after == IMP_NONE || att_label(&im->p[after]))
		return 0;
	*title = t;
	return 1;
}

/* A document printed after the 落款 of the one that issues it (a
 * 印发 notice, a decree): issuer lines, the date (maybe a signature
 * after it, 附注 lines), then a title naming a kind of document and its
 * text. Returns the title line, or IMP_NONE. */
static size_t inner_document(const importer *im)
{
	size_t i, j, after;
	char d[16];
	int strong;

	for (i = im->body_start; i < im->tail_start; i++) {
		const imp_para *p = &im->p[i];
		if (!imp_is_text(p) || p->n > 40 || !imp_line_date(d, im, p->v,
		    p->n) || !folio_date_valid(d))
			continue;
		j = imp_prev_text(im, i, im->body_start);
		if (j == IMP_NONE || imp_prev_text(im, j, im->body_start) ==
		    IMP_NONE)
			continue;
		after = imp_next_text(im, i + 1, im->tail_start);
		if (!imp_is_signer(&im->p[j]) && (after == IMP_NONE ||
		    !imp_is_signature(im->p[after].v, im->p[after].n)))
			continue;
		if (after != IMP_NONE && imp_is_signature(im->p[after].v,
		    im->p[after].n))
			after = imp_next_text(im, after + 1, im->tail_start);
		while (after != IMP_NONE && imp_is_note(&im->p[after], &strong))
			after = imp_next_text(im, after + 1, im->tail_start);
		if (after == IMP_NONE || !att_title(&im->p[after]) ||
		    !imp_title_kind(im->p[after].v, im->p[after].n) ||
		    imp_next_text(im, after + 1, im->tail_start) == IMP_NONE)
			return IMP_NONE;
		return after;
	}
	return IMP_NONE;
}

int imp_attachment_bodies(importer *im)
{
	size_t i, t, first = IMP_NONE, inner = inner_document(im);
	unsigned k = 0;
	int rc;

	for (i = im->body_start; i < im->tail_start; i++) {
		if (i == inner && im->n_att < IMP_MAX_ATTACHMENTS) {
			first = i;
			im->p[i].role = R_ATT_HEAD;
			if ((rc = imp_add_attachment(im, im->p[i].v,
			    im->p[i].n, &im->p[i])) < 0)
				return rc;
			im->att[im->n_att - 1].has_body = 1;
			im->p[i].att = k = (unsigned)im->n_att;
			continue;
		}
		if (!body_starts(im, i, &t)) {
			im->p[i].att = k;
			continue;
		}
		/* the main text must come first */
		if (first == IMP_NONE && imp_prev_text(im, i,
		    im->body_start) == IMP_NONE)
			return 0;
		if (im->n_att >= IMP_MAX_ATTACHMENTS)
			break;
		if (first == IMP_NONE)
			first = i;
		im->p[i].role = R_ATT_HEAD;
		im->p[t].role = R_ATT_HEAD;
		if ((rc = imp_add_attachment(im, im->p[t].v, im->p[t].n,
		    &im->p[t])) < 0)
			return rc;
		im->att[im->n_att - 1].has_body = 1;
		k = (unsigned)im->n_att;
		for (; i <= t; i++)
			im->p[i].att = k;
		i = t;
	}
	/* Past the cap, the rest stays in the last attachment. */
	for (; i < im->tail_start; i++)
		im->p[i].att = k;
	if (first != IMP_NONE)
		im->main_end = first;
	return 0;
}
