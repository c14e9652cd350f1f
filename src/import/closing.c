/* The end of the main text, read upwards: 附注 lines, the 落款 (issuer
 * lines over the 成文日期, or the date over a signature as under a
 * 批示), and above it the 附件说明 listing the attachments. Download
 * links of attachments at the foot of a page are listed the same way
 * when the text has no 附件说明 of its own. */
#include <stdio.h>
#include <string.h>

#include "import/import_impl.h"
#include "util/utf8.h"

#define MAX_ISSUER_LINES 3
#define NOTE_MAX_CHARS 120
#define ITEM_MAX_CHARS 120
#define MAX_ITEMS IMP_MAX_ATTACHMENTS

int imp_add_attachment(importer *im, const uint32_t *v, size_t n,
	const imp_para *p)
{
	imp_att *a;

	if (im->n_att >= IMP_MAX_ATTACHMENTS)
		return 0;
	a = &im->att[im->n_att++];
	a->title = v;
	a->title_n = n;
	a->line = p->line;
	a->col = p->vcol;
	a->has_body = 0;
	return 0;
}

/* ---- 附注 and 落款 ---------------------------------------------------------- */

/* （此件公开发布）, (联系人：…): a whole line in brackets; `strong` when
 * its words say it is a 附注 wherever it stands. */
int imp_is_note(const imp_para *p, int *strong)
{
	const uint32_t *v = p->v;
	size_t n = p->n, k = 0;

	*strong = 0;
	if (n < 3 || n > NOTE_MAX_CHARS)
		return 0;
	if ((v[0] == 0xFF08 || v[0] == '(') &&
	    (v[n - 1] == 0xFF09 || v[n - 1] == ')'))
		k = 1;
	else if (n > 20)
		return 0;
	if (imp_match(v, n, k, "此件") || imp_match(v, n, k, "本件") ||
	    imp_match(v, n, k, "此文") || imp_match(v, n, k, "联系人") ||
	    imp_match(v, n, k, "聯絡人"))
		*strong = 1;
	return k == 1 || *strong;
}

/* A date line ending the text: the date alone, or with the act it
 * dates (二零二五年五月十二日制定。). */
static int closing_date(importer *im, size_t i, char d[16])
{
	static const char *const acts[] = {"制定", "发布", "發布", "通过",
		"通過", "公布", "公佈", "签发", "簽發", NULL};
	const imp_para *p = &im->p[i];
	size_t s, e, k, j;

	if (p->n > 40)
		return 0;
	if (imp_line_date(d, im, p->v, p->n))
		return folio_date_valid(d);
	if (!imp_find_date(d, im, p->v, p->n, 0, &s, &e) || s != 0)
		return 0;
	e = imp_skip_spaces(p->v, p->n, e);
	for (j = 0; acts[j]; j++)
		if ((k = imp_match(p->v, p->n, e, acts[j])) != 0) {
			e += k;
			if (e < p->n && p->v[e] == 0x3002)
				e++;
			return e == p->n && folio_date_valid(d);
		}
	return 0;
}

/* 命令公佈。: the promulgation formula between a Macao regulation's date
 * and its signature. */
static int formula(const imp_para *p)
{
	size_t k = imp_match(p->v, p->n, 0, "命令公佈");

	if (k == 0)
		k = imp_match(p->v, p->n, 0, "命令公布");
	if (k && k < p->n && p->v[k] == 0x3002)
		k++;
	return k != 0 && k == p->n;
}

int imp_is_signer(const imp_para *p)
{
	return imp_is_org(p->v, p->n) || imp_is_signature(p->v, p->n);
}

/* An issuer line over the 成文日期: a name or signature, or a short line
 * the reader saw pushed to the right (a Word paragraph aligned right, a
 * pasted line behind 16 or more blank columns), as 落款 are set. */
static int issuer_line(const imp_para *p)
{
	size_t i;

	if (imp_is_signer(p))
		return 1;
	if (!(p->align == IMP_ALIGN_RIGHT || p->indent >= 16) || p->n > 20 ||
	    imp_han_count(p->v, p->n) < 2)
		return 0;
	for (i = 0; i < p->n; i++)
		if (imp_is_sentence_end(p->v[i]) || imp_is_colon(p->v[i]))
			return 0;
	return 1;
}

/* Issuer lines joined by an ideographic space (联合行文: one organ a
 * line). */
static int offer_issuer(importer *im, size_t *lines, size_t count,
	int prio)
{
	size_t i, total = 0;
	uint32_t *v;

	if (count == 1) {
		const imp_para *p = &im->p[lines[0]];
		im->closing_issuer.v = p->v;
		im->closing_issuer.n = p->n;
	} else {
		for (i = 0; i < count; i++)
			total += im->p[lines[i]].n + 1;
		v = folio_arena_alloc(im->doc->arena, total * sizeof(*v));
		if (v == NULL)
			return folio_error_set(im->err, FOLIO_ELIMIT,
				"%s: document exceeds the memory limit",
				im->name);
		total = 0;
		for (i = count; i-- > 0;) {
			const imp_para *p = &im->p[lines[i]];
			if (total)
				v[total++] = 0x3000;
			memcpy(v + total, p->v, p->n * sizeof(*v));
			total += p->n;
		}
		im->closing_issuer.v = v;
		im->closing_issuer.n = total;
	}
	im->closing_issuer.prio = prio;
	im->closing_issuer.line = im->p[lines[count - 1]].line;
	im->closing_issuer.col = im->p[lines[count - 1]].vcol;
	imp_offer_value(im, F_ISSUER, prio, im->closing_issuer.v,
		im->closing_issuer.n, &im->p[lines[count - 1]]);
	return 0;
}

/* The 附注 lines (read upwards into notes[]) as one note, top first: the
 * model carries one note, whose brackets the style adds, so two lines
 * (（此件公开发布） over （联系人：…）) become 此件公开发布）（联系人：…
 * and print as they stood, one after the other; keeping only one of them
 * lost the other without a word. */
static int offer_notes(importer *im, const size_t *notes, size_t n_notes)
{
	const imp_para *top = NULL;
	size_t i, total = 0, k, a, b;
	uint32_t *v;
	int strong;

	for (i = 0; i < n_notes; i++) {
		imp_para *p = &im->p[notes[i]];
		imp_is_note(p, &strong);
		if (!im->has_closing && !strong)
			continue;
		p->role = R_NOTE;
		total += p->n + 2;
	}
	if (total == 0)
		return 0;
	v = folio_arena_alloc(im->doc->arena, total * sizeof(*v));
	if (v == NULL)
		return folio_error_set(im->err, FOLIO_ELIMIT,
			"%s: document exceeds the memory limit", im->name);
	k = 0;
	for (i = n_notes; i-- > 0;) {
		const imp_para *p = &im->p[notes[i]];
		if (p->role != R_NOTE)
			continue;
		/* the brackets are the style's, as heading numbers are */
		a = 0;
		b = p->n;
		if (p->v[0] == 0xFF08 || p->v[0] == '(') {
			a = 1;
			b = p->n - 1;
		}
		if (top != NULL) {
			v[k++] = 0xFF09;
			v[k++] = 0xFF08;
		} else {
			top = p;
		}
		memcpy(v + k, p->v + a, (b - a) * sizeof(*v));
		k += b - a;
	}
	imp_offer_value(im, F_NOTE, 1, v, k, top);
	return 0;
}

int imp_closing(importer *im)
{
	size_t notes[4], issuers[MAX_ISSUER_LINES], n_notes = 0, n_iss = 0;
	size_t k, d = IMP_NONE, s = IMP_NONE, j, first_body, i, fm = IMP_NONE;
	char date[16];
	int strong, org = 1, rc;

	first_body = imp_next_text(im, im->body_start, im->main_end);
	if (first_body == IMP_NONE)
		return 0;
	k = imp_prev_text(im, im->main_end, im->body_start);
	while (k != IMP_NONE && k > first_body && n_notes < 4 &&
	    imp_is_note(&im->p[k], &strong)) {
		notes[n_notes++] = k;
		k = imp_prev_text(im, k, im->body_start);
	}
	if (k == IMP_NONE || k <= first_body)
		return 0;
	if (closing_date(im, k, date)) {
		d = k;
	} else if (imp_is_signer(&im->p[k])) {
		j = imp_prev_text(im, k, im->body_start);
		if (j != IMP_NONE && formula(&im->p[j])) {
			fm = j;
			j = imp_prev_text(im, j, im->body_start);
		}
		if (j != IMP_NONE && j > first_body && closing_date(im, j,
		    date)) {
			s = k;
			d = j;
			if (fm != IMP_NONE) {
				im->p[fm].role = R_CLOSING;
				if ((rc = imp_detail(im, &im->p[fm], "formula "
				    "of promulgation: no field")) < 0)
					return rc;
			}
		}
	}
	if (d != IMP_NONE) {
		if (s != IMP_NONE) {
			issuers[n_iss++] = s;
			org = imp_is_org(im->p[s].v, im->p[s].n);
		}
		for (j = imp_prev_text(im, d, im->body_start);
		    s == IMP_NONE && j != IMP_NONE && j > first_body &&
		    n_iss < MAX_ISSUER_LINES && issuer_line(&im->p[j]);
		    j = imp_prev_text(im, j, im->body_start)) {
			issuers[n_iss++] = j;
			if (!imp_is_org(im->p[j].v, im->p[j].n))
				org = 0;
		}
		im->has_closing = 1;
		im->p[d].role = R_CLOSING;
		imp_offer_fixed(im, F_DATE, 2, date, &im->p[d]);
		snprintf(im->closing_date.fixed, sizeof(im->closing_date.fixed),
			"%s", date);
		im->closing_date.prio = 2;
		im->closing_date.line = im->p[d].line;
	} else if (imp_is_signer(&im->p[k]) && k > first_body) {
		/* an organisation or a signature alone under the last
		 * sentence */
		j = imp_prev_text(im, k, im->body_start);
		if (j != IMP_NONE && imp_is_sentence_end(im->p[j].v[
		    im->p[j].n - 1])) {
			issuers[n_iss++] = k;
			org = imp_is_org(im->p[k].v, im->p[k].n);
			im->has_closing = 1;
		}
	}
	if (n_iss > 0) {
		for (i = 0; i < n_iss; i++)
			im->p[issuers[i]].role = R_CLOSING;
		if ((rc = offer_issuer(im, issuers, n_iss, org ? 2 : 5)) < 0)
			return rc;
	}
	return offer_notes(im, notes, n_notes);
}

/* ---- 附件说明 and attachment links ------------------------------------------ */

/* "附件：", "附件1：", "附件 2:" at the start of a line: its length, or
 * 0. The number, when there is one, is the attachment's. */
static size_t att_prefix(const uint32_t *v, size_t n)
{
	size_t i, k;
	int x;

	if ((k = imp_match(v, n, 0, "附件")) == 0)
		return 0;
	i = imp_skip_spaces(v, n, k);
	if (i < n && imp_is_digit(v[i]))
		imp_read_digits(v, n, &i, 3, &x);
	else if (i < n && imp_is_cn_numeral(v[i]))
		imp_read_cn_number(v, n, &i, &x);
	i = imp_skip_spaces(v, n, i);
	if (i >= n || !imp_is_colon(v[i]))
		return 0;
	return imp_skip_spaces(v, n, i + 1);
}

/* The typed number of a listed item: 1． 1. 1、 1) （1） (1) 一、. A
 * title may start with digits itself (1.2024年度名单): in a listing the
 * first dot ends the number. */
static size_t item_number(const uint32_t *v, size_t n)
{
	size_t i = 0, rest;
	int val;

	if (n > 0 && imp_is_digit(v[0])) {
		imp_read_digits(v, n, &i, 3, &val);
		if (i < n && (v[i] == '.' || v[i] == 0xFF0E || v[i] == 0x3001 ||
		    v[i] == ')' || v[i] == 0xFF09))
			return imp_skip_spaces(v, n, i + 1);
		return 0;
	}
	switch (imp_number_form(v, n, &rest, &val)) {
	case NF_DIGIT_PAREN:
	case NF_CN_DUN:
	case NF_CN_PAREN:
		return rest;
	default:
		return 0;
	}
}

static int item_text(const uint32_t *v, size_t n)
{
	return n > 0 && n <= ITEM_MAX_CHARS && imp_han_count(v, n) >= 1 &&
		v[n - 1] != 0x3002 && v[n - 1] != 0xFF1B &&
		v[n - 1] != 0xFF0C;
}

/* A listing that ends at line `last`: its first line starts with 附件：
 * (alone, or with the first item), the other lines are numbered items.
 * Returns the first line, or IMP_NONE. */
static size_t listing(const importer *im, size_t last, size_t floor)
{
	size_t j = last, count = 0, k;

	while (j != IMP_NONE && j >= floor && count < MAX_ITEMS) {
		const imp_para *p = &im->p[j];
		if (!imp_is_text(p))
			return IMP_NONE;
		if ((k = att_prefix(p->v, p->n)) != 0 || imp_match(p->v, p->n,
		    0, "附件")) {
			if (k == 0)
				return IMP_NONE;
			if (k < p->n && !item_text(p->v + k, p->n - k))
				return IMP_NONE;
			if (k == p->n && count == 0)
				return IMP_NONE;
			return j;
		}
		k = item_number(p->v, p->n);
		if (k == 0 || !item_text(p->v + k, p->n - k))
			return IMP_NONE;
		count++;
		j = imp_prev_text(im, j, floor);
	}
	return IMP_NONE;
}

/* Mark the listing [first, last] and, when `add`, list its items as
 * attachments (matched to bodies already found, in order). */
static int take_listing(importer *im, size_t first, size_t last, int add,
	const char *why)
{
	size_t j, k, listed = 0;
	int rc;

	for (j = first; j <= last; j++) {
		imp_para *p = &im->p[j];
		const uint32_t *v;
		size_t n;
		if (!imp_is_text(p) && p->role != R_ATT_LIST)
			continue;
		p->role = R_ATT_LIST;
		k = j == first ? att_prefix(p->v, p->n) : 0;
		v = p->v + k;
		n = p->n - k;
		if (n == 0)
			continue;
		k = item_number(v, n);
		v += k;
		n -= k;
		listed++;
		if (why && (rc = imp_detail(im, p, "%s", why)) < 0)
			return rc;
		if (!add)
			continue;
		/* a body found for this attachment already holds it */
		if (listed <= im->n_att && im->att[listed - 1].has_body)
			continue;
		if ((rc = imp_add_attachment(im, v, n, p)) < 0)
			return rc;
	}
	return 0;
}

/* Download links at the foot of a page, as found by tail.c; listed as
 * attachments later, when the text has no 附件说明. */
size_t imp_attachment_links(importer *im, size_t last)
{
	size_t first = listing(im, last, im->body_start);

	if (first == IMP_NONE)
		return IMP_NONE;
	im->links_first = first;
	im->links_last = last;
	take_listing(im, first, last, 0, NULL);
	return first;
}

int imp_attachment_list(importer *im)
{
	size_t last, first, i;
	int rc;

	/* the 附件说明 stands right above the 落款 (or ends the text) */
	for (i = im->body_start; i < im->main_end; i++)
		if (im->p[i].role == R_CLOSING || im->p[i].role == R_NOTE)
			break;
	last = imp_prev_text(im, i, im->body_start);
	first = last == IMP_NONE ? IMP_NONE : listing(im, last,
		im->body_start);
	if (first != IMP_NONE && imp_prev_text(im, first,
	    im->body_start) != IMP_NONE) {
		if ((rc = take_listing(im, first, last, 1, NULL)) < 0)
			return rc;
		if (im->links_first != IMP_NONE)
			return take_listing(im, im->links_first,
				im->links_last, 0, "download link of an "
				"attachment the 附件说明 lists");
		return 0;
	}
	if (im->links_first != IMP_NONE)
		return take_listing(im, im->links_first, im->links_last, 1,
			"download link");
	return 0;
}
