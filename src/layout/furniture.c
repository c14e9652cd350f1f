/*
 * furniture.c - what is on a page besides the flow: the red header (版头),
 * page numbers and the 版记 at the foot of the last page.
 */
#include "layout/layout_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

/* ---- red header ---------------------------------------------------- */

double text_width(const role_ctx *r, const char *s, double size)
{
	size_t len = strlen(s), off = 0;
	double w = 0;

	while (off < len) {
		uint32_t cp;
		size_t l = folio_utf8_decode(s + off, len - off, &cp);
		const folio_face *f = folio_font_pick(r->chain, r->n, cp);
		off += l ? l : 1;
		w += (f ? folio_face_advance(f, cp) : 1.0) * size;
	}
	return w;
}

int emit_text(ctx *c, size_t page, const char *text,
	folio_role_id role, double size, double x, double y,
	folio_run_kind kind, unsigned line, unsigned col);

/* 发文机关标志 35 mm below the block top, 文号 two lines below it, the
 * red rule 4 mm under the 文号; the title starts two lines below the
 * rule. Returns the title's band through c->first_band. */
int add_red_header(ctx *c)
{
	const folio_style *st = c->st;
	const role_ctx *hr = &c->roles[FOLIO_ROLE_HEADER];
	const role_ctx *dr = &c->roles[FOLIO_ROLE_DOC_NUMBER];
	const char *text = expand(c, st->header_text, 0, c->doc->meta.issuer);
	double size = hr->size, w, top, bottom, y_rule, page_top;
	int band, rc;
	rule_rec *r;

	if (text == NULL)
		return nomem(c);
	w = text_width(hr, text, size);
	if (w > c->measure)  /* a long name is set smaller to fit */
		size = size * c->measure / w, w = c->measure;
	page_top = st->page_height - st->margin_top;
	top = st->header_top;
	if ((rc = emit_text(c, 0, text, FOLIO_ROLE_HEADER, size,
		st->margin_left + (c->measure - w) / 2,
		page_top - top - EM_BOX_ASCENT * size, FOLIO_RUN_HEADER, 0,
		0)) < 0)
		return rc;
	bottom = top + size;
	band = (int)ceil(bottom / c->lpitch - 1e-9) + 2;
	if (c->doc->meta.doc_number) {
		double dw = text_width(dr, c->doc->meta.doc_number, dr->size);
		if ((rc = emit_text(c, 0, c->doc->meta.doc_number,
			FOLIO_ROLE_DOC_NUMBER, dr->size,
			st->margin_left + (c->measure - dw) / 2,
			page_top - folio_style_band_baseline(st, band,
			dr->size), FOLIO_RUN_DOC_NUMBER, 0, 0)) < 0)
			return rc;
	}
	y_rule = (double)band * c->lpitch + (c->lpitch + dr->size) / 2 +
		st->rule_below;
	if ((r = vec_push(c, &c->rules, sizeof(*r))) == NULL)
		return FOLIO_ENOMEM;
	r->page = 0;
	r->rule.x0 = st->margin_left;
	r->rule.x1 = st->margin_left + c->measure;
	r->rule.y0 = r->rule.y1 = page_top - y_rule;
	r->rule.width = st->rule_width;
	r->rule.color = st->rule_color;
	c->first_band = (int)ceil(y_rule / c->lpitch - 1e-9) + 2;
	if (c->first_band >= st->lines)
		return folio_error_set(c->err, FOLIO_EINPUT,
			"%s:1:1: expected a red header that leaves room for "
			"the title, found one reaching band %d of %d",
			st->path ? st->path : "style", c->first_band,
			st->lines);
	return 0;
}

/* Page numbers (GB/T 9704 7.5): the 一字线 (the dashes' ink) 7 mm below
 * the text block, odd pages right and even pages left, one character
 * in. The baseline follows from the dash glyph's own ink, so any face
 * puts its dashes at the same height. */
int emit_page_numbers(ctx *c)
{
	const folio_style *st = c->st;
	const role_ctx *r = &c->roles[FOLIO_ROLE_PAGE_NUMBER];
	const folio_face *dash = folio_font_pick(r->chain, r->n, 0x2014);
	double top = 0, bottom = 0, mid, y;
	size_t pg;
	int rc;

	if (!st->page_number)
		return 0;
	if (dash != NULL && folio_face_ink(dash, 0x2014, &top, &bottom))
		mid = (top + bottom) / 2;
	else
		mid = EM_BOX_ASCENT / 2 - 0.12;  /* the em box's middle */
	y = st->page_height - st->margin_top - st->block_height -
		st->page_number_below - mid * r->size;
	for (pg = 0; pg < c->n_pages; pg++) {
		const char *text = expand(c, st->page_number_format,
			(int)pg + 1, NULL);
		double w, x, inset = st->page_number_inset_em * r->size;
		if (text == NULL)
			return nomem(c);
		w = text_width(r, text, r->size);
		/* Odd pages (1, 3 ...) on the right, even on the left. */
		x = pg % 2 == 0 ? st->margin_left + c->measure - inset - w :
			st->margin_left + inset;
		if ((rc = emit_text(c, pg, text, FOLIO_ROLE_PAGE_NUMBER,
			r->size, x, y, FOLIO_RUN_PAGE_NUMBER, 0, 0)) < 0)
			return rc;
	}
	return 0;
}

int push_rule(ctx *c, size_t page, double y, double width)
{
	rule_rec *r = vec_push(c, &c->rules, sizeof(*r));

	if (r == NULL)
		return FOLIO_ENOMEM;
	r->page = page;
	r->rule.x0 = c->st->margin_left;
	r->rule.x1 = c->st->margin_left + c->measure;
	r->rule.y0 = r->rule.y1 = y;
	r->rule.width = width;
	return 0;
}

/* 版记 at the foot of the last page (GB/T 9704 7.4): 抄送 wrapped with a
 * hanging indent after "抄送：", 印发机关 left and 印发日期 right, one
 * character in; thick rules first and last (the last on the block's
 * bottom edge), thin between. A page with no room gets a new page. */
int add_imprint(ctx *c)
{
	const folio_style *st = c->st;
	const folio_meta *m = &c->doc->meta;
	const role_ctx *r = &c->roles[FOLIO_ROLE_IMPRINT];
	const fline *l = c->lines.data;
	double em = r->size, top = st->page_height - st->margin_top;
	double inset = em, measure = c->measure - 2 * em;
	size_t i, page = c->n_pages - 1, n_cc = 0;
	folio_lb_line ls[64];
	double hang = 0;
	int used = 0, k, band, rc;
	para cc;
	const char *cc_text = NULL, *printed = NULL;

	if (!st->imprint || (m->cc.count == 0 && !m->printed_by))
		return 0;
	memset(&cc, 0, sizeof(cc));
	if (m->cc.count > 0) {
		para_opts o;
		seg s[1] = {{0}};
		memset(&o, 0, sizeof(o));
		cc_text = join(c, &m->cc, "，", "。");
		s[0].text = cc_text ? concat(c, "抄送：", cc_text) : NULL;
		s[0].role = FOLIO_ROLE_IMPRINT;
		if (s[0].text == NULL)
			return nomem(c);
		if ((rc = build_para(c, &cc, s, 1, &o)) < 0)
			return rc;
		if (cc.n > 0) {
			folio_lb_line *all = malloc(cc.n * sizeof(*all));
			if (all == NULL)
				return nomem(c);
			hang = text_width(r, "抄送：", r->size);
			folio_lb_break(all, &n_cc, cc.x, cc.items, cc.n,
				measure, measure - hang, FOLIO_LB_JUSTIFY);
			if (n_cc + 2 > (size_t)st->lines ||
			    n_cc > sizeof(ls) / sizeof(ls[0])) {
				free(all);
				return folio_error_set(c->err, FOLIO_ELIMIT,
					"%s: the 抄送 list takes %zu lines, more "
					"than a page holds", c->doc->source_path,
					n_cc);
			}
			memcpy(ls, all, n_cc * sizeof(*ls));
			free(all);
		}
	}
	if (m->printed_by)
		printed = m->printed_by;
	k = (int)n_cc + (printed ? 1 : 0);
	for (i = 0; i < c->lines.n; i++)
		if (l[i].page == page && !l[i].blank && l[i].band + 1 > used)
			used = l[i].band + 1;
	if (used + 1 + k > st->lines) {
		page = c->n_pages++;
	}
	band = st->lines - k;
	if ((rc = push_rule(c, page, top - (double)band * c->lpitch,
		st->imprint_thick)) < 0)
		return rc;
	for (i = 0; i < n_cc; i++, band++) {
		fline fl;
		memset(&fl, 0, sizeof(fl));
		fl.p = &cc;
		fl.start = ls[i].start;
		fl.end = ls[i].end;
		fl.width = ls[i].width;
		fl.left = inset + (i > 0 ? hang : 0);
		fl.kind = FOLIO_RUN_IMPRINT;
		fl.page = page;
		fl.band = band;
		if ((rc = emit_line(c, &fl)) < 0)
			return rc;
	}
	if (printed) {
		const char *date = m->printed_date ?
			concat(c, cn_date(c, m->printed_date), "印发") : NULL;
		double y = top - folio_style_band_baseline(st, band, r->size);
		if (n_cc > 0 && (rc = push_rule(c, page,
			top - (double)band * c->lpitch, st->imprint_thin)) < 0)
			return rc;
		if ((rc = emit_text(c, page, printed, FOLIO_ROLE_IMPRINT,
			r->size, st->margin_left + inset, y, FOLIO_RUN_IMPRINT,
			0, 0)) < 0)
			return rc;
		if (date && (rc = emit_text(c, page, date, FOLIO_ROLE_IMPRINT,
			r->size, st->margin_left + c->measure - inset -
			text_width(r, date, r->size), y, FOLIO_RUN_IMPRINT, 0,
			0)) < 0)
			return rc;
	}
	return push_rule(c, page, top - st->block_height, st->imprint_thick);
}
