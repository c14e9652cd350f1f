/*
 * paragraphs.c - one paragraph: every character its face (the first of its role's
 * chain that has it) and advance, ICU's break opportunities, lines
 * from the breaker, appended to the flow; box-mode substitutions.
 */
#include "layout/layout_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

/* ---- paragraphs ---------------------------------------------------- */

int scratch(ctx *c, size_t n)
{
	if (n <= c->scratch_cap)
		return 0;
	free(c->cps);
	free(c->brk);
	c->cps = malloc(n * sizeof(*c->cps));
	c->brk = malloc(n);
	c->scratch_cap = n;
	if (c->cps == NULL || c->brk == NULL) {
		c->scratch_cap = 0;
		return nomem(c);
	}
	return 0;
}

static size_t sub_hash(uint32_t cp, const char *family)
{
	size_t h = (size_t)cp * 2654435761u;

	while (family != NULL && *family)
		h = (h ^ (unsigned char)*family++) * 16777619u;
	return h;
}

static int sub_same(const folio_substitution *s, uint32_t cp,
	const char *family)
{
	if (s->cp != cp)
		return 0;
	if (s->family == NULL || family == NULL)
		return s->family == family;
	return strcmp(s->family, family) == 0;
}

/* The slot of (cp, family) in the hash: its entry's, or the free one
 * where it goes. */
static size_t *sub_slot(ctx *c, uint32_t cp, const char *family)
{
	const folio_substitution *subs = c->subs.data;
	size_t mask = c->sub_cap - 1, i = sub_hash(cp, family) & mask;

	while (c->sub_slots[i] != 0 &&
	    !sub_same(&subs[c->sub_slots[i] - 1], cp, family))
		i = (i + 1) & mask;
	return &c->sub_slots[i];
}

/* Keeps the hash under half full, so probes stay short. */
static int sub_grow(ctx *c)
{
	const folio_substitution *subs = c->subs.data;
	size_t cap = c->sub_cap ? c->sub_cap * 2 : 64, i;
	size_t *old = c->sub_slots;

	if (2 * (c->subs.n + 1) < c->sub_cap)
		return 0;
	c->sub_slots = calloc(cap, sizeof(*c->sub_slots));
	if (c->sub_slots == NULL) {
		c->sub_slots = old;
		return nomem(c);
	}
	c->sub_cap = cap;
	for (i = 0; i < c->subs.n; i++)
		*sub_slot(c, subs[i].cp, subs[i].family) = i + 1;
	free(old);
	return 0;
}

/* Box mode records each missing character once, with its first place
 * and a count: a document of 100k of them made the writer's lookups and
 * the warnings quadratic when every occurrence was an entry. */
int missing_glyph(ctx *c, const role_ctx *r, uint32_t cp,
	const para_opts *o, const folio_face **face)
{
	char utf8[5] = {0};
	folio_substitution *s;
	size_t *slot, *count;
	int rc;

	if (c->opts.missing_glyph == FOLIO_MISSING_GLYPH_ERROR || r->n == 0) {
		folio_utf8_encode(utf8, cp);
		return folio_error_set(c->err, FOLIO_EFONT,
			"%s:%u:%u: no font in the %s chain has U+%04X '%s'",
			c->doc->source_path, o->line ? o->line : 1,
			o->col ? o->col : 1, r->family, (unsigned)cp, utf8);
	}
	*face = r->chain[r->n - 1];
	if ((rc = sub_grow(c)) < 0)
		return rc;
	slot = sub_slot(c, cp, r->family);
	if (*slot != 0) {
		((size_t *)c->sub_counts.data)[*slot - 1]++;
		return 0;
	}
	if ((s = vec_push(c, &c->subs, sizeof(*s))) == NULL ||
	    (count = vec_push(c, &c->sub_counts, sizeof(*count))) == NULL)
		return FOLIO_ENOMEM;
	s->cp = cp;
	s->line = o->line;
	s->col = o->col;
	s->family = r->family;
	*count = 1;
	*slot = c->subs.n;
	return 0;
}

int is_digit(uint32_t cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19);
}

/* Whether cp is in the style's table of counters (号 年 月 日 ... %). */
int is_counter(const ctx *c, uint32_t cp)
{
	const char *t = c->st->counters;
	size_t len = t ? strlen(t) : 0, off = 0;

	while (off < len) {
		uint32_t x;
		size_t l = folio_utf8_decode(t + off, len - off, &x);
		if (x == cp)
			return 1;
		off += l ? l : 1;
	}
	return 0;
}

/* The thin font layer: every character gets the first face of its
 * role's chain that has it, and that face's advance. */
int build_para(ctx *c, para *p, const seg *segs, size_t n_segs,
	const para_opts *o)
{
	size_t i, k = 0, total = 0;
	int rc;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < n_segs; i++)
		if (segs[i].text)
			total += folio_utf8_count(segs[i].text);
	if (total == 0)
		return 0;
	p->items = folio_arena_alloc(c->a, total * sizeof(*p->items));
	p->faces = folio_arena_alloc(c->a, total * sizeof(*p->faces));
	p->roles = folio_arena_alloc(c->a, total);
	p->x = folio_arena_alloc(c->a, total * sizeof(*p->x));
	p->src = folio_arena_alloc(c->a, total * sizeof(*p->src));
	if (!p->items || !p->faces || !p->roles || !p->x || !p->src)
		return nomem(c);
	if ((rc = scratch(c, total)) < 0)
		return rc;
	for (i = 0; i < n_segs; i++) {
		const role_ctx *r = &c->roles[segs[i].role];
		const char *s = segs[i].text;
		size_t len = s ? strlen(s) : 0, off = 0;

		size_t ci = 0;  /* characters of this segment read */

		while (off < len) {
			uint32_t cp;
			size_t l = folio_utf8_decode(s + off, len - off, &cp);
			const folio_face *f;
			double adv;
			folio_lb_item *it = &p->items[k];

			if (l == 0)
				l = 1;  /* the model holds valid UTF-8 */
			off += l;
			ci++;
			/* Runs of ASCII blanks (pasted text) are one blank;
			 * typed ideographic spaces keep their width. */
			if ((cp == ' ' || cp == '\t') && k > 0 &&
			    p->items[k - 1].cp == ' ')
				continue;
			if (cp == '\t')
				cp = ' ';
			/* libharu encodes text in 16 bits: refuse here, where
			 * the source position is known, not in the writer. */
			if (cp > 0xFFFF) {
				char u8[5] = {0};
				folio_utf8_encode(u8, cp);
				return folio_error_set(c->err, FOLIO_EFONT,
					"%s:%u:%u: expected a character in "
					"U+0000..U+FFFF (the PDF writer encodes "
					"16 bits), found U+%05X '%s'",
					c->doc->source_path, o->line ? o->line : 1,
					o->col ? o->col : 1, (unsigned)cp, u8);
			}
			f = folio_font_pick(r->chain, r->n, cp);
			if (f == NULL) {
				if ((rc = missing_glyph(c, r, cp, o, &f)) < 0)
					return rc;
				adv = 1.0;
			} else {
				adv = folio_face_advance(f, cp);
			}
			it->cp = cp;
			it->em = r->size + r->tracking;
			it->width = adv * r->size +
				(adv >= 0.9 ? r->tracking : 0);
			it->cls = (uint8_t)folio_lb_classify(cp);
			it->no_pair = !c->st->pair_compression;
			it->fixed = cp == 0x3000;
			it->no_gap = !c->st->digit_gap && is_digit(cp);
			p->src[k] = segs[i].source ? ci - 1 : FOLIO_NO_SOURCE;
			p->faces[k] = f;
			p->roles[k] = (uint8_t)segs[i].role;
			c->cps[k] = cp;
			k++;
		}
	}
	p->n = k;
	if ((rc = folio_linebreak_opportunities(c->brk, c->lb, c->cps, k,
		c->err)) < 0)
		return rc;
	for (i = 0; i < k; i++)
		p->items[i].icu_break = c->brk[i];
	/* A title breaks only between words (title_words.c). */
	if (o->balanced && (rc = title_breaks(c, p)) < 0)
		return rc;
	for (i = 0; i < k; i++) {
		folio_lb_item *it = &p->items[i];

		if (i + 1 == k)
			continue;
		/* A URL, an e-mail address or a path breaks after its own
		 * separators when it must break at all (UAX #14 keeps
		 * "www.example" whole); the breaker uses these only inside
		 * a Latin run that cannot stay whole. */
		if (it->cls == FOLIO_LB_LATIN && strchr("/.-_?&=@", (int)it->cp)
		    && it->cp != 0 && p->items[i + 1].cls == FOLIO_LB_LATIN)
			it->icu_break = 1;
		/* A number stays with its counter: 2 | 号, 2024 | 年. */
		if (is_digit(it->cp) && is_counter(c, p->items[i + 1].cp))
			it->keep_next = 1;
	}
	return 0;
}

fline *push_line(ctx *c)
{
	return vec_push(c, &c->lines, sizeof(fline));
}

int blank_line(ctx *c, int keep_next)
{
	fline *l = push_line(c);

	if (l == NULL)
		return FOLIO_ENOMEM;
	l->blank = 1;
	l->keep_next = keep_next;
	l->para_id = ++c->para_id;
	l->n_lines = 1;
	return 0;
}

/* Break a paragraph and append its lines to the flow. */
int add_para(ctx *c, const seg *segs, size_t n_segs,
	const para_opts *o)
{
	para *p;
	folio_lb_line *ls;
	size_t i, k, n_lines = 0;
	double measure = o->measure > 0 ? o->measure : c->measure;
	int rc, id = ++c->para_id;

	p = folio_arena_alloc(c->a, sizeof(*p));
	if (p == NULL)
		return nomem(c);
	if ((rc = build_para(c, p, segs, n_segs, o)) < 0)
		return rc;
	if (p->n == 0)
		return 0;
	ls = malloc(p->n * sizeof(*ls));
	if (ls == NULL)
		return nomem(c);
	if (o->balanced)
		folio_lb_break_title(ls, &n_lines, p->x, p->items, p->n,
			measure);
	else
		folio_lb_break(ls, &n_lines, p->x, p->items, p->n,
			measure - o->first_indent, measure - o->indent,
			o->align == FOLIO_ALIGN_JUSTIFY ? FOLIO_LB_JUSTIFY :
			FOLIO_LB_NATURAL);
	for (i = 0; i < n_lines; i++) {
		fline *l = push_line(c);
		double ind = i == 0 ? o->first_indent : o->indent;

		if (l == NULL) {
			free(ls);
			return FOLIO_ENOMEM;
		}
		l->p = p;
		l->start = ls[i].start;
		l->end = ls[i].end;
		l->width = ls[i].width;
		l->kind = o->kind;
		switch (o->align) {
		case FOLIO_ALIGN_CENTER:
			l->left = (c->measure - ls[i].width) / 2;
			break;
		case FOLIO_ALIGN_RIGHT:
			l->left = c->measure - ind - ls[i].width;
			break;
		default:
			l->left = ind;
			break;
		}
		l->keep_next = o->keep_next;
		l->break_before = i == 0 && o->break_before;
		l->para_id = id;
		l->line_no = (int)i;
		l->n_lines = (int)n_lines;
		if (i == 0) {
			l->outline_level = o->outline_level;
			l->outline_title = o->outline_title;
		}
		/* A generated paragraph starts at its first character; a
		 * source one at its first source character, after any
		 * generated number before it on the line (lead). */
		for (k = ls[i].start; o->part != FOLIO_SOURCE_NONE &&
		     k < ls[i].end; k++)
			if (p->src[k] != FOLIO_NO_SOURCE ||
			    o->part >= FOLIO_SOURCE_RECIPIENTS) {
				l->src.part = o->part;
				l->src.block = o->block;
				l->src.attachment = o->attachment ? o->attachment :
					c->attachment;
				l->src.offset = p->src[k] != FOLIO_NO_SOURCE ?
					p->src[k] : k;
				l->src.lead = k > ls[i].start;
				break;
			}
	}
	free(ls);
	return 0;
}
