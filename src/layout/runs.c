/*
 * runs.c - laid-out lines and strings as runs of one face, role and
 * spacing, and the code points each face draws.
 */
#include "layout/layout_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

/* ---- runs ------------------------------------------------------------ */

int note_use(ctx *c, const folio_face *f, const char *text)
{
	size_t len = strlen(text), off = 0;
	int fi = face_index(c, f);

	if (fi < 0)
		return fi;
	if (c->bmp[fi] == NULL &&
	    (c->bmp[fi] = calloc(BMP_WORDS, sizeof(uint64_t))) == NULL)
		return nomem(c);
	while (off < len) {
		uint32_t cp;
		size_t l = folio_utf8_decode(text + off, len - off, &cp);
		cp_use *u;
		off += l ? l : 1;
		if (cp < 0x10000) {
			c->bmp[fi][cp >> 6] |= (uint64_t)1 << (cp & 63);
			continue;
		}
		if ((u = vec_push(c, &c->uses, sizeof(*u))) == NULL)
			return FOLIO_ENOMEM;
		u->cp = cp;
		u->face = (uint16_t)fi;
	}
	return 0;
}

const char *utf8_of(ctx *c, const uint32_t *cps, size_t n)
{
	char *s = folio_arena_alloc(c->a, 4 * n + 1);
	size_t i, len = 0;

	if (s == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		len += folio_utf8_encode(s + len, cps[i]);
	s[len] = '\0';
	return s;
}

run_rec *new_run(ctx *c, size_t page, const folio_face *f,
	folio_role_id role, double size, folio_run_kind kind)
{
	run_rec *r = vec_push(c, &c->runs, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->page = page;
	r->run.face = f;
	r->run.size = size;
	r->run.color = c->roles[role].color;
	r->run.kind = kind;
	r->run.line_index = -1;
	return r;
}

/* A whole string in one role, natural spacing, split per face. */
int emit_text(ctx *c, size_t page, const char *text,
	folio_role_id role, double size, double x, double y,
	folio_run_kind kind, unsigned line, unsigned col)
{
	const role_ctx *rc_ = &c->roles[role];
	size_t len = strlen(text), off = 0;
	uint32_t cps[256];
	size_t n = 0;
	const folio_face *cur = NULL;
	double start = x;
	para_opts o;
	int rc;

	memset(&o, 0, sizeof(o));
	o.line = line;
	o.col = col;
	while (off <= len) {
		uint32_t cp = 0;
		const folio_face *f = NULL;
		size_t l = 0;

		if (off < len) {
			l = folio_utf8_decode(text + off, len - off, &cp);
			f = folio_font_pick(rc_->chain, rc_->n, cp);
			if (f == NULL && (rc = missing_glyph(c, rc_, cp, &o,
				&f)) < 0)
				return rc;
		}
		if (n > 0 && (off == len || f != cur || n == 256)) {
			run_rec *r = new_run(c, page, cur, role, size, kind);
			if (r == NULL)
				return FOLIO_ENOMEM;
			r->run.x = start;
			r->run.y = y;
			r->run.n_chars = n;
			r->run.text = utf8_of(c, cps, n);
			r->run.width = x - start;
			if (r->run.text == NULL)
				return nomem(c);
			if ((rc = note_use(c, cur, r->run.text)) < 0)
				return rc;
			n = 0;
			start = x;
		}
		if (off == len)
			break;
		off += l ? l : 1;
		cur = f;
		cps[n++] = cp;
		x += (folio_face_has_glyph(f, cp) ?
			folio_face_advance(f, cp) : 1.0) * size;
	}
	return 0;
}

/* Space after item k of a line beyond its glyph's advance: up to the
 * next item, or for the last item up to the end of the line's box. */
static double gap_after(const para *p, const fline *ln, size_t k,
	size_t end, double size)
{
	double next = k + 1 < end ? p->x[k + 1] : ln->width;

	return next - p->x[k] -
		folio_face_advance(p->faces[k], p->items[k].cp) * size;
}

/* A substituted character (--missing-glyph=box) draws its face's
 * .notdef, which in several CJK fonts is an empty glyph: outline the em
 * box with thin rules as well, so the gap is never a silent blank. */
int box_outline(ctx *c, size_t page, double x, double baseline,
	double size)
{
	double lo = baseline - (1.0 - EM_BOX_ASCENT) * size + 0.1 * size;
	double hi = baseline + EM_BOX_ASCENT * size - 0.1 * size;
	double l = x + 0.1 * size, r = x + 0.9 * size;
	const double edge[4][4] = {{l, lo, r, lo}, {r, lo, r, hi},
		{r, hi, l, hi}, {l, hi, l, lo}};
	int i;

	for (i = 0; i < 4; i++) {
		rule_rec *rr = vec_push(c, &c->rules, sizeof(*rr));
		if (rr == NULL)
			return FOLIO_ENOMEM;
		rr->page = page;
		rr->rule.x0 = edge[i][0];
		rr->rule.y0 = edge[i][1];
		rr->rule.x1 = edge[i][2];
		rr->rule.y1 = edge[i][3];
		rr->rule.width = 0.5;
	}
	return 0;
}

/* One laid-out line: runs of one face and role with uniform spacing
 * use char_spacing; anything irregular gets explicit positions. */
int emit_line(ctx *c, const fline *ln)
{
	const folio_style *st = c->st;
	const para *p = ln->p;
	double x0 = st->margin_left + ln->left;
	double top = st->page_height - st->margin_top;
	size_t i = ln->start, end = ln->end;
	uint32_t *cps;
	int rc;

	while (end > i && p->items[end - 1].cls == FOLIO_LB_SPACE)
		end--;
	cps = malloc((end - i + 1) * sizeof(*cps));
	if (cps == NULL)
		return nomem(c);
	while (i < end) {
		folio_role_id role = (folio_role_id)p->roles[i];
		const role_ctx *r = &c->roles[role];
		const folio_face *f = p->faces[i];
		double cs = 0, *pos;
		int uniform = 1;
		size_t j = i + 1, g = i + 1, k;
		run_rec *rr;

		/* A face without the glyph draws .notdef at its own width:
		 * such a group gets explicit positions. */
		while (g < end && p->faces[g] == f && p->roles[g] == role)
			g++;
		for (k = i; k < g; k++)
			if (!folio_face_has_glyph(f, p->items[k].cp))
				uniform = 0;
		if (!uniform) {
			j = g;
		} else {
			/* Char spacing is the gap after each character, the
			 * last one included: a run ends where the gap
			 * changes, so every character's advance (what text
			 * extraction sees as its box) ends exactly where the
			 * next character starts, compressed marks too. */
			cs = gap_after(p, ln, i, end, r->size);
			while (j < g && fabs(gap_after(p, ln, j, end,
				r->size) - cs) <= 1e-3)
				j++;
		}
		rr = new_run(c, ln->page, f, role, r->size, ln->kind);
		if (rr == NULL) {
			free(cps);
			return FOLIO_ENOMEM;
		}
		for (k = i; k < j; k++)
			cps[k - i] = p->items[k].cp;
		rr->run.text = utf8_of(c, cps, j - i);
		rr->run.n_chars = j - i;
		rr->run.x = x0 + p->x[i];
		rr->run.y = top - folio_style_band_baseline(st, ln->band,
			r->size);
		rr->run.char_spacing = cs;
		rr->run.line_index = ln->band;
		rr->run.width = (j < end ? p->x[j] : ln->width) - p->x[i];
		if (rr->run.text == NULL) {
			free(cps);
			return nomem(c);
		}
		if (!uniform) {
			pos = folio_arena_alloc(c->a, (j - i) * sizeof(*pos));
			if (pos == NULL) {
				free(cps);
				return nomem(c);
			}
			for (k = i; k < j; k++) {
				pos[k - i] = x0 + p->x[k];
				if (folio_face_has_glyph(f, p->items[k].cp))
					continue;
				rc = box_outline(c, ln->page, pos[k - i],
					rr->run.y, r->size);
				if (rc < 0) {
					free(cps);
					return rc;
				}
			}
			rr->run.positions = pos;
		}
		if ((rc = note_use(c, f, rr->run.text)) < 0) {
			free(cps);
			return rc;
		}
		i = j;
	}
	free(cps);
	return 0;
}
