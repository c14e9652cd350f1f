/* The head of a page: 份号/密级/紧急程度, 版头, 文号, the title (chosen
 * in title.c) and what the title itself tells, what stands between the
 * title and the body (dates, the title again, subtitle, 题注, a
 * regulation's 目录) and the 主送 line that opens the body. Everything
 * above the title is site header: dropped, with its reason. */
#include <string.h>

#include "import/import_impl.h"
#include "util/utf8.h"

#define HEAD_LINES 60          /* the title is among the first lines */
#define HEADER_ZONE_LINES 40
#define TOC_MAX_LINES 200

/* ---- small recognisers -------------------------------------------------- */

/* One token of the 份号 / 密级 / 紧急程度 line: 1 urgency, 2 密级
 * (秘密★1年, 机密★长期), 3 份号 (six digits, GB/T 9704 7.2.1). */
static int security_token(const uint32_t *v, size_t n)
{
	static const char *const urgency[] = {"特急", "加急", "特提", "平急",
		"急件", "特急件", "最速件", "速件", "普通件", NULL};
	size_t j, k, i;

	for (j = 0; urgency[j]; j++)
		if (imp_match(v, n, 0, urgency[j]) == n)
			return 1;
	if (imp_security_word(v, n, &k) && k == 2 && (k == n ||
	    v[k] == 0x2605 || v[k] == 0x2606 || v[k] == '*'))
		return v[0] == 0x516C || v[0] == 0x5185 ? 0 : 2;  /* not 公开 内部 */
	for (i = 0; i < n && imp_is_digit(v[i]); i++)
		;
	return i == n && n == 6 ? 3 : 0;
}

/* A line of 份号, 密级 and 紧急程度 tokens. */
static int security_line(importer *im, imp_para *p)
{
	size_t i = 0, a, k;
	int kind, any = 0;

	if (p->n > 40)
		return 0;
	while (i < p->n) {
		i = imp_skip_spaces(p->v, p->n, i);
		if (i >= p->n)
			break;
		a = i;
		while (i < p->n && !imp_is_inline_space(p->v[i]))
			i++;
		kind = security_token(p->v + a, i - a);
		if (kind == 0)
			return 0;
		if (kind == 2)
			imp_offer_fixed(im, F_SECURITY, 2,
				imp_security_word(p->v + a, i - a, &k), p);
		any = 1;
	}
	return any;
}

/* 版头: "…文件" or "…令" after organisation names; *issuer_n is the
 * length of the organisation part. `plain`: a bare organisation name
 * counts too (above a 文号 line). */
static int masthead(const imp_para *p, size_t *issuer_n, int plain)
{
	size_t n = p->n;

	if (n < 3 || n > 60)
		return 0;
	if (imp_ends_with(p->v, n, "文件")) {
		size_t k = n - 2;
		while (k > 0 && imp_is_inline_space(p->v[k - 1]))
			k--;
		if (imp_is_org(p->v, k)) {
			*issuer_n = k;
			return 1;
		}
	}
	if (imp_ends_with(p->v, n, "令") && imp_is_org(p->v, n - 1)) {
		*issuer_n = n - 1;
		return 1;
	}
	if (plain && imp_is_org(p->v, n)) {
		*issuer_n = n;
		return 1;
	}
	return 0;
}

/* A decree's number under its 版头: 第15号. */
static int decree_number(const imp_para *p)
{
	size_t i;
	int x;

	if (p->n < 3 || p->n > 12 || p->v[0] != 0x7B2C)
		return 0;
	i = imp_skip_spaces(p->v, p->n, 1);
	if (imp_read_digits(p->v, p->n, &i, 6, &x) == 0 &&
	    !imp_read_cn_number(p->v, p->n, &i, &x))
		return 0;
	i = imp_skip_spaces(p->v, p->n, i);
	return i + 1 == p->n && (p->v[i] == 0x53F7 || p->v[i] == 0x865F);
}

/* What a title says besides itself: a Macao number (第87/2025號行政長官
 * 批示) is its 文号; "臺南縣政府文化處　函" names its issuer; a short
 * title (政府公告, …令) may have its number on the next line. */
static int title_facts(importer *im, size_t *dn)
{
		const imp_para *p = &im->p[im->title_at];
	size_t k, j;

	if (im->title_end != im->title_at + 1)
		return 0;
	if ((k = imp_title_docnum(p->v, p->n)) != 0 && k < p->n) {
		imp_offer_value(im, F_DOCNUM, 3, p->v, k, p);
		im->macao_title = 1;
	}
	/* The organ a title names: 江临市医疗保障局关于…, 臺南縣政府公告,
	 * 某處　函 */
	for (k = 0; k + 1 < p->n; k++)
		if (imp_match(p->v, p->n, k, "关于") ||
		    imp_match(p->v, p->n, k, "關於"))
			break;
	if (k + 1 >= p->n) {
		const char *kind = imp_title_kind(p->v, p->n);
		k = kind && imp_ends_with(p->v, p->n, kind) ? p->n -
			folio_utf8_count(kind) : 0;
	}
	while (k > 0 && imp_is_inline_space(p->v[k - 1]))
		k--;
	/* (a bare 政府 in 政府公告 names nobody) */
	if (k > 2 && imp_is_org(p->v, k))
		imp_offer_value(im, F_ISSUER, 4, p->v, k, p);
	j = imp_next_text(im, im->title_end, im->n);
	if (*dn == IMP_NONE && j != IMP_NONE && j <= im->title_end + 1 &&
	    p->n <= 12 && decree_number(&im->p[j])) {
		size_t n1 = p->n, n2 = im->p[j].n;
		uint32_t *v = folio_arena_alloc(im->doc->arena,
			(n1 + n2) * sizeof(*v));
		if (v == NULL)
			return folio_error_set(im->err, FOLIO_ELIMIT,
				"%s: document exceeds the memory limit",
				im->name);
		memcpy(v, p->v, n1 * sizeof(*v));
		memcpy(v + n1, im->p[j].v, n2 * sizeof(*v));
		im->p[j].role = R_DOCNUM;
		imp_offer_value(im, F_DOCNUM, 1, v, n1 + n2, &im->p[j]);
		*dn = j;
	}
	return 0;
}

/* A gazette's running head above the title: 《澳門特別行政區公報》——第
 * 一組　第37期——2025年9月10日. Its date is the publication's. */
static int gazette_head(importer *im, imp_para *p)
{
	char d[16];
	size_t i, s, e;

	if (p->n > 80)
		return 0;
	for (i = 0; i + 1 < p->n; i++)
		if (imp_match(p->v, p->n, i, "公報") ||
		    imp_match(p->v, p->n, i, "公报") ||
		    imp_match(p->v, p->n, i, "憲報") ||
		    imp_match(p->v, p->n, i, "宪报"))
			break;
	if (i + 1 >= p->n || !imp_find_date(d, im, p->v, p->n, 0, &s, &e) ||
	    !folio_date_valid(d))
		return 0;
	imp_offer_fixed(im, F_DATE, 6, d, p);
	p->role = R_META;
	if (imp_detail(im, p, "gazette issue -> date (publication)") < 0)
		return FOLIO_ENOMEM;
	return 1;
}

/* ---- between the title and the body -------------------------------------- */

/* ——在全市…会议上的讲话; （2023年12月20日…通过） */
static int subtitle(importer *im, imp_para *p)
{
	char d[16];
	size_t s, e;

	if (p->n > 200)
		return 0;
	if (p->v[0] == 0x2014 || (p->v[0] == '-' && p->n > 1 &&
	    p->v[1] == '-') || p->v[0] == 0x2015) {
		imp_offer_value(im, F_SUBTITLE, 1, p->v, p->n, p);
		return 1;
	}
	if ((p->v[0] == 0xFF08 || p->v[0] == '(') &&
	    (p->v[p->n - 1] == 0xFF09 || p->v[p->n - 1] == ')') &&
	    imp_find_date(d, im, p->v, p->n, 0, &s, &e)) {
		if (!folio_date_valid(d))
			return imp_date_error(im, p, s, d);
		imp_offer_value(im, F_SUBTITLE, 2, p->v, p->n, p);
		imp_offer_date(im, F_DATE, 3, d, p);
		return 1;
	}
	return 0;
}

static int toc_label(const imp_para *p)
{
	static const uint32_t ml[] = {0x76EE, 0x5F55};   /* 目录 */
	static const uint32_t mt[] = {0x76EE, 0x9304};   /* 目錄 */

	return imp_equal_loose(p->v, p->n, ml, 2) ||
		imp_equal_loose(p->v, p->n, mt, 2);
}

/* A regulation's 目录: the chapter lines after it until the first one
 * comes round again (the body's own). Returns the index after the
 * table, or IMP_NONE if it is not one. */
static size_t toc(importer *im, size_t i)
{
	size_t j, first = IMP_NONE, rest, count = 0;
	int val, form;

	for (j = i + 1; j < im->n && count < TOC_MAX_LINES; j++) {
		imp_para *p = &im->p[j];
		if (!imp_is_text(p))
			continue;
		form = imp_number_form(p->v, p->n, &rest, &val);
		if ((form != NF_CHAPTER && form != NF_SECTION &&
		    form != NF_PART) || !imp_heading_like(p->v, p->n, rest))
			return IMP_NONE;
		if (first == IMP_NONE)
			first = j;
		else if (imp_equal_loose(p->v, p->n, im->p[first].v,
		    im->p[first].n))
			break;
		count++;
	}
	if (first == IMP_NONE || j >= im->n || count >= TOC_MAX_LINES)
		return IMP_NONE;
	for (count = i; count < j; count++)
		if (im->p[count].role == R_BODY)
			im->p[count].role = R_TOC;
	return j;
}

static int header_zone(importer *im, size_t from, size_t *dn)
{
		size_t i, seen = 0, k, end;
	char d[16];
	int rc;

	for (i = from; i < im->n && seen < HEADER_ZONE_LINES; i++) {
		imp_para *p = &im->p[i];
		if (p->role != R_BODY)
			continue;
		seen++;
		if ((rc = imp_meta_line(im, i, LC_HEADER)) < 0)
			return rc;
		if (rc > 0 && p->role != R_BODY)
			continue;
		if (*dn == IMP_NONE && imp_line_docnum(&im->out, p->v, p->n)) {
			p->role = R_DOCNUM;
			imp_offer_value(im, F_DOCNUM, 1, p->v, p->n, p);
			*dn = i;
		} else if (imp_line_date(d, im, p->v, p->n)) {
			if (!folio_date_valid(d))
				return imp_date_error(im, p, 0, d);
			p->role = R_DATE;
			imp_offer_date(im, F_DATE, 5, d, p);
		} else if ((k = imp_repeats_title(im, i, im->n)) != 0) {
			for (end = i + k; i < end; i++)
				if (im->p[i].role == R_BODY)
					im->p[i].role = R_REPEATED_TITLE;
			i--;
		} else if ((rc = subtitle(im, p)) != 0) {
			if (rc < 0)
				return rc;
			p->role = R_SUBTITLE;
		} else if (masthead(p, &k, 0)) {
			p->role = R_MASTHEAD;
			imp_offer_value(im, F_ISSUER, 3, p->v, k, p);
		} else if (im->macao_title && imp_title_kind(p->v, p->n) &&
		    p->n <= 40 && !imp_is_sentence_end(p->v[p->n - 1])) {
			/* 第15/2025號行政法規 over 公共圖書館服務規章 */
			p->role = R_SUBTITLE;
			imp_offer_value(im, F_SUBTITLE, 3, p->v, p->n, p);
		} else if (imp_is_org(p->v, p->n)) {
			/* the organ the page credits, under the title */
			p->role = R_META;
			imp_offer_value(im, F_ISSUER, 4, p->v, p->n, p);
			if ((rc = imp_detail(im, p, "organisation under the "
			    "title -> issuer")) < 0)
				return rc;
		} else if (security_line(im, p)) {
			p->role = R_SECURITY;
		} else if (toc_label(p) && (end = toc(im, i)) != IMP_NONE) {
			i = end - 1;
		} else {
			break;
		}
	}
	im->body_start = i;
	return 0;
}

int imp_header(importer *im)
{
	size_t i, limit, dn = IMP_NONE, mh = IMP_NONE, t = IMP_NONE, dl;
	size_t seen, k, mh_n = 0;
	int rc, meta_title = 0;

	im->title_at = im->title_end = IMP_NONE;
	for (i = 0, seen = 0; i < im->n && seen < HEAD_LINES; i++)
		seen += imp_is_text(&im->p[i]) ? 1 : 0;
	limit = i;

	/* 份号/密级/紧急程度 and the 文号 line */
	for (i = 0; i < limit; i++) {
		imp_para *p = &im->p[i];
		if (!imp_is_text(p))
			continue;
		if (t == IMP_NONE && dn == IMP_NONE && security_line(im, p))
			p->role = R_SECURITY;
		else if (dn == IMP_NONE && imp_line_docnum(&im->out, p->v,
		    p->n))
			dn = i;
	}
	/* 版头: above the 文号, else a "…文件" / "…令" first line */
	if (dn != IMP_NONE) {
		k = imp_prev_text(im, dn, 0);
		if (k != IMP_NONE && k + 3 >= dn && masthead(&im->p[k], &mh_n,
		    1))
			mh = k;
	} else {
		k = imp_next_text(im, 0, limit);
		if (k != IMP_NONE && masthead(&im->p[k], &mh_n, 0)) {
			mh = k;
			/* 政府令 then 第15号 */
			i = imp_next_text(im, k + 1, limit);
			if (i != IMP_NONE && decree_number(&im->p[i]))
				dn = i;
		}
	}
	if (dn != IMP_NONE) {
		im->p[dn].role = R_DOCNUM;
		if (decree_number(&im->p[dn]) && mh != IMP_NONE) {
			/* 某市人民政府令第15号 */
			size_t n1 = im->p[mh].n, n2 = im->p[dn].n;
			uint32_t *v = folio_arena_alloc(im->doc->arena,
				(n1 + n2) * sizeof(*v));
			if (v == NULL)
				return folio_error_set(im->err, FOLIO_ELIMIT,
					"%s: document exceeds the memory "
					"limit", im->name);
			memcpy(v, im->p[mh].v, n1 * sizeof(*v));
			memcpy(v + n1, im->p[dn].v, n2 * sizeof(*v));
			imp_offer_value(im, F_DOCNUM, 1, v, n1 + n2, &im->p[dn]);
		} else {
			imp_offer_value(im, F_DOCNUM, 1, im->p[dn].v,
				im->p[dn].n, &im->p[dn]);
		}
		for (i = 0; i < im->p[dn].n; i++)
			if (imp_match(im->p[dn].v, im->p[dn].n, i, "签发人") ||
			    imp_match(im->p[dn].v, im->p[dn].n, i, "簽發人"))
				break;
		if (i < im->p[dn].n && (rc = imp_detail(im, &im->p[dn],
		    "签发人 has no field: not kept")) < 0)
			return rc;
	}
	if (mh != IMP_NONE) {
		im->p[mh].role = R_MASTHEAD;
		imp_offer_value(im, F_ISSUER, 3, im->p[mh].v, mh_n,
			&im->p[mh]);
		/* a joint 版头: one organ a line above the last */
		for (i = mh, k = 0; k < 3; k++) {
			i = imp_prev_text(im, i, 0);
			if (i == IMP_NONE || i + 2 < mh - k ||
			    !imp_is_org(im->p[i].v, im->p[i].n))
				break;
			im->p[i].role = R_MASTHEAD;
		}
	}

	/* the title: the line the metadata table names, else the one
	 * after the 文号 or 版头, else the first markdown heading, else the
	 * one next to the date line, else the likeliest first line */
	if (im->offer[F_TITLE].prio) {
		const imp_offer *o = &im->offer[F_TITLE];
		for (i = 0; i < limit && t == IMP_NONE; i++)
			if (imp_is_text(&im->p[i]) && imp_equal_loose(
			    im->p[i].v, im->p[i].n, o->v, o->n))
				t = i;
		/* the page's own form of it: with the organ in front, or
		 * without */
		for (i = 0; i < limit && t == IMP_NONE; i++)
			if (imp_is_text(&im->p[i]) && imp_title_candidate(im, i) &&
			    imp_repeats_title(im, i, limit) == 1)
				t = i;
		meta_title = 1;
	}
	/* After the 文号 (版头, 文号, title), or before it when the page
	 * puts its title first and the body follows the 文号. */
	if (t == IMP_NONE && dn != IMP_NONE) {
		size_t after = imp_title_after(im, dn, limit, 3, 0);
		size_t before = imp_title_before(im, dn, 2);
		t = after;
		if (before != IMP_NONE && im->p[before].role == R_BODY &&
		    imp_title_score(&im->p[before]) >= 2 && (after ==
		    IMP_NONE || imp_title_score(&im->p[after]) < 2))
			t = before;
	}
	if (t == IMP_NONE && mh != IMP_NONE)
		t = imp_title_after(im, mh, limit, 3, 0);
	/* A decree (…令, 第N号) is its own title; what it promulgates
	 * follows its 落款 (tail.c reads that as an attachment). */
	if (t == IMP_NONE && mh != IMP_NONE && dn != IMP_NONE &&
	    imp_ends_with(im->p[mh].v, im->p[mh].n, "令")) {
		im->p[mh].role = R_BODY;
		t = mh;
	}
	if (t == IMP_NONE && im->markdown)
		for (i = 0; i < limit && t == IMP_NONE; i++)
			if (imp_is_text(&im->p[i]) && im->p[i].outline)
				t = i;
	/* a date line counts above the body only: no prose before it */
	dl = IMP_NONE;
	for (i = 0; i < limit && dl == IMP_NONE; i++) {
		imp_para *p = &im->p[i];
		if (imp_is_text(p) && p->n > 20 &&
		    imp_is_sentence_end(p->v[p->n - 1]))
			break;
		if (p->role == R_META && p->detail &&
		    strstr(p->detail, "-> date"))
			dl = i;
	}
	if (t == IMP_NONE && dl != IMP_NONE) {
		/* a table of several lines: the title follows it, a single
		 * 发布时间 line: the title is above it */
		size_t tf = dl, tl = dl;
		while ((k = imp_prev_nonblank(im, tf)) != IMP_NONE &&
		    imp_table_line(&im->p[k]))
			tf = k;
		while ((k = imp_next_nonblank(im, tl)) != IMP_NONE &&
		    imp_table_line(&im->p[k]))
			tl = k;
		if (tf == tl || (t = imp_title_after(im, tl, limit, 2,
		    0)) == IMP_NONE)
			t = imp_title_before(im, tf, 8);
		if (t == IMP_NONE)
			t = imp_title_after(im, tl, limit, 3, -100);
	}
	if (t == IMP_NONE && !meta_title)
		t = imp_title_best(im, limit);
	if (t != IMP_NONE && ((rc = imp_set_title(im, t)) < 0 ||
	    (rc = title_facts(im, &dn)) < 0))
		return rc;
	if (t == IMP_NONE && im->offer[F_TITLE].prio == 0)
		return folio_error_set(im->err, FOLIO_EINPUT,
			"%s:1:1: expected a title line, found none", im->name);

	/* Above the title: site header, spam, the title again, or a Taiwan
	 * letter's header fields. */
	for (i = 0; i < (t != IMP_NONE ? im->title_at : 0); i++) {
		imp_para *p = &im->p[i];
		if (p->role != R_BODY)
			continue;
		if ((rc = imp_meta_line(im, i, LC_HEADER)) < 0)
			return rc;
		if (p->role != R_BODY)
			continue;
		if ((rc = gazette_head(im, p)) != 0) {
			if (rc < 0)
				return rc;
		} else if (imp_title_spam(im, i))
			p->role = R_SPAM;
		else if (imp_repeats_title(im, i, im->title_at) == 1)
			p->role = R_REPEATED_TITLE;
		else
			p->role = R_ABOVE_TITLE;
	}
	return header_zone(im, t != IMP_NONE ? im->title_end : 0, &dn);
}

/* ---- 主送 --------------------------------------------------------------- */

/* The first body line, when it names who the document is sent to and
 * ends with a colon: 各区人民政府，市政府各部门，各直属机构：  A long 主送
 * runs on over two or three lines, each but the last ending with ， or 、. */
int imp_recipients(importer *im)
{
	size_t i = imp_next_text(im, im->body_start, im->n), a, k, j;
	size_t lines[3], n_lines = 0, total = 0;
	uint32_t *v;

	while (i != IMP_NONE && n_lines < 3) {
		imp_para *p = &im->p[i];
		uint32_t last = p->n ? p->v[p->n - 1] : 0;
		if (p->n < 2 || p->n > 200)
			return 0;
		lines[n_lines++] = i;
		total += p->n;
		if (imp_is_colon(last))
			break;
		if (last != 0xFF0C && last != 0x3001 && last != ',')
			return 0;
		i = imp_next_text(im, i + 1, im->n);
	}
	if (i == IMP_NONE || !imp_is_colon(im->p[lines[n_lines - 1]].v[
	    im->p[lines[n_lines - 1]].n - 1]))
		return 0;
	if (n_lines == 1) {
		v = im->p[lines[0]].v;
	} else {
		v = folio_arena_alloc(im->doc->arena, total * sizeof(*v));
		if (v == NULL)
			return folio_error_set(im->err, FOLIO_ELIMIT,
				"%s: document exceeds the memory limit",
				im->name);
		for (j = 0, total = 0; j < n_lines; j++) {
			memcpy(v + total, im->p[lines[j]].v,
				im->p[lines[j]].n * sizeof(*v));
			total += im->p[lines[j]].n;
		}
	}
	/* groups between ， or ；; within one, 、 may share a suffix:
	 * 各省、自治区、直辖市人民政府 */
	for (k = 0, a = 0; k < total - 1; k++) {
		uint32_t c = v[k];
		if (c == 0xFF0C || c == ',' || c == 0xFF1B) {
			if (!imp_is_recipient(v + a, k - a))
				return 0;
			a = k + 1;
		}
	}
	if (!imp_is_recipient(v + a, total - 1 - a))
		return 0;
	for (j = 0; j < n_lines; j++)
		im->p[lines[j]].role = R_RECIPIENTS;
	imp_offer_value(im, F_RECIPIENTS, 1, v, total, &im->p[lines[0]]);
	im->body_start = lines[n_lines - 1] + 1;
	return 0;
}
