/*
 * layout.c - document model -> pages (see layout.h).
 *
 * Three passes: (1) every block becomes paragraphs of items (code point,
 * face, advance) broken into lines by breaker.c, each line one band of
 * the style's grid; (2) pagination puts lines into bands, moving breaks
 * earlier where a heading would end a page or a paragraph would leave a
 * single line behind; (3) lines become runs, plus page furniture (red
 * header, page numbers, 版记). The thin font layer (pick, advance) lives
 * in build_para; everything below it works on numbers.
 */
#include "layout/layout.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/breaker.h"
#include "layout/linebreak.h"
#include "util/utf8.h"

#define MAX_CHAIN 32
#define MAX_FACES 64
#define MAX_PAGES 20000
#define MAX_SEGS 4
#define EM_BOX_ASCENT 0.88  /* ideographic em box above the baseline */

typedef struct role_ctx {
	const folio_face *chain[MAX_CHAIN];
	size_t n;
	double size, tracking;
	folio_rgb color;
	const char *family;
} role_ctx;

/* One paragraph's items, kept until its lines are drawn. */
typedef struct para {
	folio_lb_item *items;
	const folio_face **faces;
	uint8_t *roles;
	double *x;
	size_t n;
} para;

typedef struct fline {
	const para *p;
	size_t start, end;
	double left;            /* from the text block's left edge */
	double width;
	folio_run_kind kind;
	int blank;
	int keep_next;          /* the page must not end after this line */
	int break_before;       /* start a new page here */
	int para_id, line_no, n_lines;
	int outline_level;      /* 0: none */
	const char *outline_title;
	size_t page;
	int band;
} fline;

typedef struct run_rec {
	folio_run run;
	size_t page;
} run_rec;

typedef struct rule_rec {
	folio_rule rule;
	size_t page;
} rule_rec;

typedef struct cp_use {
	uint32_t cp;
	uint16_t face;
} cp_use;

#define BMP_WORDS (0x10000 / 64)

typedef struct vec {
	void *data;
	size_t n, cap;
} vec;

typedef struct ctx {
	const folio_doc *doc;
	const folio_style *st;
	folio_arena *a;
	folio_error *err;
	folio_layout_options opts;
	folio_linebreaker *lb;
	role_ctx roles[FOLIO_ROLE_COUNT];
	double measure, cpitch, lpitch;
	vec lines;      /* fline */
	vec runs;       /* run_rec */
	vec rules;      /* rule_rec */
	uint64_t *bmp[MAX_FACES]; /* BMP code points drawn, per face */
	vec uses;       /* cp_use beyond the BMP (rare) */
	vec subs;       /* folio_substitution, one per (cp, family) */
	vec sub_counts; /* size_t, parallel to subs */
	size_t *sub_slots; /* hash of subs: index + 1, 0 = free */
	size_t sub_cap;    /* slots, a power of two > 2 * subs.n */
	vec outline;    /* folio_outline_entry */
	const folio_face *faces[MAX_FACES];
	size_t n_faces;
	int para_id;
	int first_band;   /* first band of page 1 (after the red header) */
	size_t n_pages;
	uint32_t *cps;    /* scratch for ICU */
	uint8_t *brk;
	size_t scratch_cap;
} ctx;

typedef struct seg {
	const char *text;
	folio_role_id role;
} seg;

typedef struct para_opts {
	folio_run_kind kind;
	folio_align align;
	double first_indent, indent, measure;
	int balanced, keep_next, break_before, outline_level;
	const char *outline_title;
	unsigned line, col;
} para_opts;

static int nomem(ctx *c)
{
	return folio_error_set(c->err, FOLIO_ENOMEM,
		"%s: out of memory laying out the document (arena limit)",
		c->doc->source_path);
}

/* Growable arrays in malloc memory (copied into the arena at the end). */
static void *vec_push(ctx *c, vec *v, size_t elem)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		void *d = realloc(v->data, cap * elem);
		if (d == NULL) {
			nomem(c);
			return NULL;
		}
		v->data = d;
		v->cap = cap;
	}
	memset((char *)v->data + v->n * elem, 0, elem);
	return (char *)v->data + v->n++ * elem;
}

static void *arena_copy(ctx *c, const void *src, size_t n, size_t elem)
{
	void *d;

	if (n == 0)
		return NULL;
	d = folio_arena_alloc(c->a, n * elem);
	if (d != NULL)
		memcpy(d, src, n * elem);
	return d;
}

static int face_index(ctx *c, const folio_face *f)
{
	size_t i;

	for (i = 0; i < c->n_faces; i++)
		if (c->faces[i] == f)
			return (int)i;
	if (c->n_faces == MAX_FACES)
		return folio_error_set(c->err, FOLIO_ELIMIT,
			"more than %d font faces in one document", MAX_FACES);
	c->faces[c->n_faces] = f;
	return (int)c->n_faces++;
}

/* ---- paragraphs ---------------------------------------------------- */

static int scratch(ctx *c, size_t n)
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
static int missing_glyph(ctx *c, const role_ctx *r, uint32_t cp,
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

/* The thin font layer: every character gets the first face of its
 * role's chain that has it, and that face's advance. */
static int build_para(ctx *c, para *p, const seg *segs, size_t n_segs,
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
	if (!p->items || !p->faces || !p->roles || !p->x)
		return nomem(c);
	if ((rc = scratch(c, total)) < 0)
		return rc;
	for (i = 0; i < n_segs; i++) {
		const role_ctx *r = &c->roles[segs[i].role];
		const char *s = segs[i].text;
		size_t len = s ? strlen(s) : 0, off = 0;

		while (off < len) {
			uint32_t cp;
			size_t l = folio_utf8_decode(s + off, len - off, &cp);
			const folio_face *f;
			double adv;
			folio_lb_item *it = &p->items[k];

			if (l == 0)
				l = 1;  /* the model holds valid UTF-8 */
			off += l;
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
	return 0;
}

static fline *push_line(ctx *c)
{
	return vec_push(c, &c->lines, sizeof(fline));
}

static int blank_line(ctx *c, int keep_next)
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
static int add_para(ctx *c, const seg *segs, size_t n_segs,
	const para_opts *o)
{
	para *p;
	folio_lb_line *ls;
	size_t i, n_lines = 0;
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
		folio_lb_break_balanced(ls, &n_lines, p->x, p->items, p->n,
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
	}
	free(ls);
	return 0;
}

/* ---- text helpers ---------------------------------------------------- */

/* "{cn}" -> Chinese numeral, "{n}" -> Arabic, "{issuer}" -> issuer. */
static const char *expand(ctx *c, const char *fmt, int n, const char *issuer)
{
	char out[512], cn[64];
	size_t len = 0;
	const char *s;

	folio_cn_numeral(cn, sizeof(cn), n);
	for (s = fmt; *s && len < sizeof(out) - 1; ) {
		const char *rep = NULL;
		char num[16];
		if (strncmp(s, "{cn}", 4) == 0) {
			rep = cn;
			s += 4;
		} else if (strncmp(s, "{n}", 3) == 0) {
			snprintf(num, sizeof(num), "%d", n);
			rep = num;
			s += 3;
		} else if (strncmp(s, "{issuer}", 8) == 0) {
			rep = issuer ? issuer : "";
			s += 8;
		}
		if (rep) {
			len += (size_t)snprintf(out + len, sizeof(out) - len,
				"%s", rep);
			if (len >= sizeof(out))
				len = sizeof(out) - 1;
		} else {
			out[len++] = *s++;
		}
	}
	out[len] = '\0';
	return folio_arena_strdup(c->a, out);
}

static const char *concat(ctx *c, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = folio_arena_alloc(c->a, la + lb + 1);

	if (s == NULL)
		return NULL;
	memcpy(s, a, la);
	memcpy(s + la, b, lb + 1);
	return s;
}

/* 2024-03-05 -> 2024年3月5日 (GB/T 9704: Arabic numerals, no padding). */
static const char *cn_date(ctx *c, const char *iso)
{
	char out[64];
	int y = 0, m = 0, d = 0;

	if (iso == NULL || sscanf(iso, "%d-%d-%d", &y, &m, &d) != 3)
		return iso;
	snprintf(out, sizeof(out), "%d年%d月%d日", y, m, d);
	return folio_arena_strdup(c->a, out);
}

static const char *join(ctx *c, const folio_strlist *l, const char *sep,
	const char *end)
{
	size_t i, len = strlen(end) + 1;
	char *s;

	for (i = 0; i < l->count; i++)
		len += strlen(l->items[i]) + strlen(sep);
	s = folio_arena_alloc(c->a, len);
	if (s == NULL)
		return NULL;
	for (i = 0; i < l->count; i++) {
		if (i > 0)
			strcat(s, sep);
		strcat(s, l->items[i]);
	}
	strcat(s, end);
	return s;
}

/* ---- blocks ---------------------------------------------------------- */

static para_opts body_opts(ctx *c, const folio_block *b)
{
	para_opts o;

	memset(&o, 0, sizeof(o));
	o.kind = FOLIO_RUN_BODY;
	o.align = FOLIO_ALIGN_JUSTIFY;
	o.first_indent = c->st->indent_chars * c->cpitch;
	o.line = b ? b->line : 0;
	o.col = b ? b->col : 0;
	return o;
}

static int add_blocks(ctx *c, const folio_block *b, int *article);

static int add_heading(ctx *c, const folio_block *b, int index)
{
	char num[64];
	const char *number, *text, *sep = "";
	folio_role_id role;
	para_opts o = body_opts(c, b);
	int level = b->level < 1 ? 1 : b->level > 4 ? 4 : b->level;
	seg s[1];

	if (c->doc->numbering == FOLIO_NUMBERING_CHAPTERS) {
		folio_doc_heading_number(num, sizeof(num), c->doc->numbering,
			FOLIO_BLOCK_SECTION, level, index);
		number = folio_arena_strdup(c->a, num);
		if (level <= 2) {
			sep = "\u3000";
			o.align = FOLIO_ALIGN_CENTER;
		}
		role = level <= 2 ? FOLIO_ROLE_H1 :
			(folio_role_id)(FOLIO_ROLE_H1 + level - 3);
	} else {
		number = expand(c, c->st->heading_format[level - 1], index,
			NULL);
		role = (folio_role_id)(FOLIO_ROLE_H1 + level - 1);
	}
	if (number == NULL)
		return nomem(c);
	text = concat(c, number, sep);
	text = text ? concat(c, text, b->text ? b->text : "") : NULL;
	if (text == NULL)
		return nomem(c);
	s[0].text = text;
	s[0].role = role;
	o.kind = FOLIO_RUN_HEADING;
	o.first_indent = o.align == FOLIO_ALIGN_CENTER ? 0 :
		c->st->heading_indent_chars * c->cpitch;
	o.keep_next = 1;
	o.outline_level = level;
	o.outline_title = text;
	return add_para(c, s, 1, &o);
}

static int add_list(ctx *c, const folio_block *list)
{
	const folio_block *it;
	int i = 0, rc;

	for (it = list->children; it != NULL; it = it->next) {
		para_opts o = body_opts(c, it);
		seg s[2];
		size_t n = 0;

		i++;
		if (list->ordered) {
			s[n].text = expand(c, c->st->list_format, i, NULL);
			if (s[n].text == NULL)
				return nomem(c);
			s[n++].role = FOLIO_ROLE_BODY;
		}
		if (it->kind != FOLIO_BLOCK_PARA) {
			int art = 0;
			if ((rc = add_blocks(c, it, &art)) < 0)
				return rc;
			continue;
		}
		s[n].text = it->text;
		s[n++].role = FOLIO_ROLE_BODY;
		if ((rc = add_para(c, s, n, &o)) < 0)
			return rc;
	}
	return 0;
}

static int add_article(ctx *c, const folio_block *b, int number)
{
	char num[64];
	const folio_block *ch;
	int first = 1, rc;

	folio_doc_heading_number(num, sizeof(num), c->doc->numbering,
		FOLIO_BLOCK_ARTICLE, 0, number);
	for (ch = b->children; ch != NULL; ch = ch->next) {
		para_opts o = body_opts(c, ch);
		seg s[2];
		size_t n = 0;

		if (first) {
			s[n].text = concat(c, num, "\u3000");
			if (s[n].text == NULL)
				return nomem(c);
			s[n++].role = FOLIO_ROLE_H1;
			o.line = b->line;
			o.col = b->col;
		}
		s[n].text = ch->text;
		s[n++].role = FOLIO_ROLE_BODY;
		if ((rc = add_para(c, s, n, &o)) < 0)
			return rc;
		first = 0;
	}
	if (first) {  /* an article with no paragraph: its number alone */
		para_opts o = body_opts(c, b);
		seg s[1];
		s[0].text = folio_arena_strdup(c->a, num);
		s[0].role = FOLIO_ROLE_H1;
		return add_para(c, s, 1, &o);
	}
	return 0;
}

/* Blocks of one level; *article counts 第N条 through the whole body. */
static int add_blocks(ctx *c, const folio_block *b, int *article)
{
	int section = 0, rc = 0;

	for (; b != NULL && rc == 0; b = b->next) {
		switch (b->kind) {
		case FOLIO_BLOCK_PARA: {
			para_opts o = body_opts(c, b);
			seg s[1];
			s[0].text = b->text;
			s[0].role = FOLIO_ROLE_BODY;
			rc = add_para(c, s, 1, &o);
			break;
		}
		case FOLIO_BLOCK_SECTION:
			rc = add_heading(c, b, ++section);
			if (rc == 0)
				rc = add_blocks(c, b->children, article);
			break;
		case FOLIO_BLOCK_LIST:
			rc = add_list(c, b);
			break;
		case FOLIO_BLOCK_ARTICLE:
			rc = add_article(c, b, ++*article);
			break;
		}
	}
	return rc;
}

static int add_centred(ctx *c, const char *text, folio_role_id role,
	folio_run_kind kind, int balanced, unsigned line, unsigned col)
{
	para_opts o;
	seg s[1];

	memset(&o, 0, sizeof(o));
	o.kind = kind;
	o.align = FOLIO_ALIGN_CENTER;
	o.balanced = balanced;
	o.keep_next = 1;
	o.line = line;
	o.col = col;
	s[0].text = text;
	s[0].role = role;
	return add_para(c, s, 1, &o);
}

/* 落款 (GB/T 9704 7.3.5.3): the longer of issuer and date ends `inset`
 * characters in from the right, the shorter is centred on it. */
static int add_closing(ctx *c)
{
	const folio_meta *m = &c->doc->meta;
	const char *issuer = c->doc->closing.issuer ? c->doc->closing.issuer :
		m->issuer;
	const char *date = cn_date(c, c->doc->closing.date ?
		c->doc->closing.date : m->date);
	para_opts o = body_opts(c, NULL);
	size_t first = c->lines.n, i;
	double right, longest = 0;
	fline *l;
	seg s[1];
	int rc;

	if ((rc = blank_line(c, 0)) < 0)
		return rc;
	o.kind = FOLIO_RUN_SIGNATURE;
	o.align = FOLIO_ALIGN_LEFT;
	o.first_indent = 0;
	o.keep_next = 1;
	s[0].role = FOLIO_ROLE_BODY;
	if (issuer) {
		s[0].text = issuer;
		if ((rc = add_para(c, s, 1, &o)) < 0)
			return rc;
	}
	if (date) {
		o.keep_next = 0;
		s[0].text = date;
		if ((rc = add_para(c, s, 1, &o)) < 0)
			return rc;
	}
	l = c->lines.data;
	for (i = first + 1; i < c->lines.n; i++)
		if (l[i].width > longest)
			longest = l[i].width;
	right = c->measure - c->st->closing_inset_chars * c->cpitch;
	if (right < longest)
		right = c->measure;
	for (i = first + 1; i < c->lines.n; i++) {
		l[i].left = right - longest / 2 - l[i].width / 2;
		l[i].keep_next = i + 1 < c->lines.n;
	}
	return 0;
}

static int add_attachment(ctx *c, const folio_attachment *at, int index,
	int count)
{
	para_opts o;
	char label[32];
	const char *t;
	seg s[1];
	int art = 0, rc;

	if (count > 1)
		snprintf(label, sizeof(label), "附件%d", index);
	else
		snprintf(label, sizeof(label), "附件");
	memset(&o, 0, sizeof(o));
	o.kind = FOLIO_RUN_HEADING;
	o.align = FOLIO_ALIGN_LEFT;
	o.keep_next = 1;
	o.break_before = 1;
	o.line = at->line;
	o.col = at->col;
	o.outline_level = 1;
	t = concat(c, label, "\u3000");
	o.outline_title = t ? concat(c, t, at->title ? at->title : "") : NULL;
	s[0].text = folio_arena_strdup(c->a, label);
	s[0].role = FOLIO_ROLE_LABEL;
	if (s[0].text == NULL || o.outline_title == NULL)
		return nomem(c);
	if ((rc = add_para(c, s, 1, &o)) < 0 ||
	    (rc = blank_line(c, 1)) < 0)
		return rc;
	if (at->title) {
		if ((rc = add_centred(c, at->title, FOLIO_ROLE_TITLE,
			FOLIO_RUN_TITLE, c->st->title_balanced, at->line,
			at->col)) < 0 ||
		    (rc = blank_line(c, 1)) < 0)
			return rc;
	}
	return add_blocks(c, at->body, &art);
}

/* ---- red header ---------------------------------------------------- */

static double text_width(const role_ctx *r, const char *s, double size)
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

static int emit_text(ctx *c, size_t page, const char *text,
	folio_role_id role, double size, double x, double y,
	folio_run_kind kind, unsigned line, unsigned col);

/* 发文机关标志 35 mm below the block top, 文号 two lines below it, the
 * red rule 4 mm under the 文号; the title starts two lines below the
 * rule. Returns the title's band through c->first_band. */
static int add_red_header(ctx *c)
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

/* ---- pagination ------------------------------------------------------ */

static int page_first_band(const ctx *c, size_t page)
{
	return page == 0 ? c->first_band : 0;
}

/* May the page end between lines b-1 and b? */
static int page_break_ok(const fline *l, size_t b)
{
	const fline *a = &l[b - 1], *n = &l[b];

	if (a->keep_next)
		return 0;
	if (a->para_id == n->para_id && a->n_lines >= 2 &&
	    (a->line_no == 0 || n->line_no == n->n_lines - 1))
		return 0;
	return 1;
}

static int paginate(ctx *c)
{
	fline *l = c->lines.data;
	size_t n = c->lines.n, i = 0, page = 0;
	int lines = c->st->lines;

	while (i < n) {
		int band = page_first_band(c, page);
		size_t m = 0, b;

		/* A page never starts with an empty line. */
		while (i < n && l[i].blank) {
			l[i].page = (size_t)-1;
			i++;
		}
		if (i == n)
			break;
		while (i + m < n && band + (int)m < lines &&
		       (m == 0 || !l[i + m].break_before))
			m++;
		b = i + m;
		if (b < n && !l[b].break_before) {
			while (b > i && !page_break_ok(l, b))
				b--;
			if (b == i)
				b = i + m;  /* nothing legal: keep it full */
		}
		for (; i < b; i++) {
			l[i].page = page;
			l[i].band = band++;
		}
		page++;
		if (page > MAX_PAGES)
			return folio_error_set(c->err, FOLIO_ELIMIT,
				"%s: more than %d pages", c->doc->source_path,
				MAX_PAGES);
	}
	c->n_pages = page ? page : 1;
	return 0;
}

/* ---- runs ------------------------------------------------------------ */

static int note_use(ctx *c, const folio_face *f, const char *text)
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

static const char *utf8_of(ctx *c, const uint32_t *cps, size_t n)
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

static run_rec *new_run(ctx *c, size_t page, const folio_face *f,
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
static int emit_text(ctx *c, size_t page, const char *text,
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
static int box_outline(ctx *c, size_t page, double x, double baseline,
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
static int emit_line(ctx *c, const fline *ln)
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

static int emit_page_numbers(ctx *c)
{
	const folio_style *st = c->st;
	const role_ctx *r = &c->roles[FOLIO_ROLE_PAGE_NUMBER];
	size_t pg;
	int rc;

	if (!st->page_number)
		return 0;
	for (pg = 0; pg < c->n_pages; pg++) {
		const char *text = expand(c, st->page_number_format,
			(int)pg + 1, NULL);
		double w, x, y, inset = st->page_number_inset_em * r->size;
		if (text == NULL)
			return nomem(c);
		w = text_width(r, text, r->size);
		/* Odd pages (1, 3 ...) on the right, even on the left. */
		x = pg % 2 == 0 ? st->margin_left + c->measure - inset - w :
			st->margin_left + inset;
		y = st->page_height - st->margin_top - st->block_height -
			st->page_number_below - EM_BOX_ASCENT * r->size;
		if ((rc = emit_text(c, pg, text, FOLIO_ROLE_PAGE_NUMBER,
			r->size, x, y, FOLIO_RUN_PAGE_NUMBER, 0, 0)) < 0)
			return rc;
	}
	return 0;
}

static int push_rule(ctx *c, size_t page, double y, double width)
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
static int add_imprint(ctx *c)
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
		seg s[1];
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

/* ---- assembly -------------------------------------------------------- */

static int cmp_use(const void *a, const void *b)
{
	const cp_use *x = a, *y = b;

	if (x->face != y->face)
		return x->face < y->face ? -1 : 1;
	return x->cp < y->cp ? -1 : x->cp > y->cp;
}

static int finish(ctx *c, folio_layout *out)
{
	const folio_style *st = c->st;
	run_rec *runs = c->runs.data;
	rule_rec *rules = c->rules.data;
	cp_use *u = c->uses.data;
	size_t i, j, pg;

	out->n_pages = c->n_pages;
	out->pages = folio_arena_alloc(c->a, c->n_pages * sizeof(*out->pages));
	if (out->pages == NULL)
		return nomem(c);
	for (i = 0; i < c->runs.n; i++)
		out->pages[runs[i].page].n_runs++;
	for (i = 0; i < c->rules.n; i++)
		out->pages[rules[i].page].n_rules++;
	for (pg = 0; pg < c->n_pages; pg++) {
		folio_page *p = &out->pages[pg];
		p->width = st->page_width;
		p->height = st->page_height;
		p->number = st->page_number ? (int)pg + 1 : 0;
		p->runs = p->n_runs ? folio_arena_alloc(c->a,
			p->n_runs * sizeof(*p->runs)) : NULL;
		p->rules = p->n_rules ? folio_arena_alloc(c->a,
			p->n_rules * sizeof(*p->rules)) : NULL;
		if ((p->n_runs && !p->runs) || (p->n_rules && !p->rules))
			return nomem(c);
		p->n_runs = p->n_rules = 0;
	}
	for (i = 0; i < c->runs.n; i++) {
		folio_page *p = &out->pages[runs[i].page];
		p->runs[p->n_runs++] = runs[i].run;
	}
	for (i = 0; i < c->rules.n; i++) {
		folio_page *p = &out->pages[rules[i].page];
		p->rules[p->n_rules++] = rules[i].rule;
	}
	out->outline = arena_copy(c, c->outline.data, c->outline.n,
		sizeof(folio_outline_entry));
	out->n_outline = c->outline.n;
	out->substitutions = arena_copy(c, c->subs.data, c->subs.n,
		sizeof(folio_substitution));
	out->n_substitutions = c->subs.n;
	out->substitution_counts = arena_copy(c, c->sub_counts.data,
		c->sub_counts.n, sizeof(size_t));
	if ((c->outline.n && !out->outline) || (c->subs.n &&
	    (!out->substitutions || !out->substitution_counts)))
		return nomem(c);
	/* Code points per face, sorted and distinct. */
	if (c->uses.n > 0)
		qsort(u, c->uses.n, sizeof(*u), cmp_use);
	out->faces = folio_arena_alloc(c->a, (c->n_faces ? c->n_faces : 1) *
		sizeof(*out->faces));
	if (out->faces == NULL)
		return nomem(c);
	out->n_faces = c->n_faces;
	for (i = 0; i < c->n_faces; i++)
		out->faces[i].face = c->faces[i];
	for (i = 0; i < c->n_faces; i++) {
		folio_face_usage *fu = &out->faces[i];
		size_t n = 0, w, b;
		uint32_t *cps;

		for (w = 0; w < BMP_WORDS; w++)
			n += (size_t)__builtin_popcountll(c->bmp[i][w]);
		for (j = 0; j < c->uses.n; j++)
			n += u[j].face == i;
		cps = folio_arena_alloc(c->a, (n ? n : 1) * sizeof(*cps));
		if (cps == NULL)
			return nomem(c);
		n = 0;
		for (w = 0; w < BMP_WORDS; w++)
			for (b = 0; c->bmp[i][w] != 0 && b < 64; b++)
				if (c->bmp[i][w] >> b & 1)
					cps[n++] = (uint32_t)(w * 64 + b);
		/* Astral code points sort after the BMP; duplicates go. */
		for (j = 0; j < c->uses.n; j++)
			if (u[j].face == i &&
			    (n == 0 || cps[n - 1] != u[j].cp))
				cps[n++] = u[j].cp;
		fu->cps = cps;
		fu->n_cps = n;
	}
	return 0;
}

static int setup_roles(ctx *c, const folio_fontset *fs)
{
	const folio_style *st = c->st;
	double body = st->roles[FOLIO_ROLE_BODY].size;
	double scale = body > 0 ? c->cpitch / body : 1.0;
	int i, rc;

	for (i = 0; i < FOLIO_ROLE_COUNT; i++) {
		const folio_style_role *sr = &st->roles[i];
		role_ctx *r = &c->roles[i];
		if ((rc = folio_fontset_chain(r->chain, MAX_CHAIN, &r->n, fs,
			sr->families, sr->n_families, c->err)) < 0)
			return rc;
		if (r->n == 0)
			return folio_error_set(c->err, FOLIO_EFONT,
				"%s: no font file found for the %s chain",
				st->path ? st->path : "style",
				sr->n_families ? sr->families[0] : "(empty)");
		r->size = sr->size;
		r->color = sr->color;
		r->family = sr->n_families ? sr->families[0] : "?";
		/* Full-width characters of text roles sit on the grid's
		 * character pitch (15.79 pt for 16 pt in gbt9704). */
		r->tracking = (i == FOLIO_ROLE_PAGE_NUMBER ||
			i == FOLIO_ROLE_HEADER) ? 0 : sr->size * (scale - 1);
	}
	return 0;
}

static int add_outline_entries(ctx *c)
{
	const fline *l = c->lines.data;
	size_t i;

	for (i = 0; i < c->lines.n; i++) {
		folio_outline_entry *e;
		if (!l[i].outline_level || l[i].page == (size_t)-1)
			continue;
		if ((e = vec_push(c, &c->outline, sizeof(*e))) == NULL)
			return FOLIO_ENOMEM;
		e->level = l[i].outline_level;
		e->title = l[i].outline_title;
		e->page = l[i].page;
		e->y = c->st->page_height - c->st->margin_top -
			(double)l[i].band * c->lpitch;
	}
	return 0;
}

static int lay_out(ctx *c)
{
	const folio_doc *d = c->doc;
	const folio_meta *m = &d->meta;
	const folio_attachment *at;
	int n_att = 0, i = 0, art = 0, rc, k, red;
	size_t j;

	/* GB/T 9704's 版头 is the issuing organ's mark over its 发文字号: a
	 * document without a 文号 (a 政策解读, a web notice) is not a 红头
	 * 文件, so it gets no red header even when the style enables one. */
	red = c->st->red_header && m->doc_number != NULL;
	if (red && (rc = add_red_header(c)) < 0)
		return rc;
	if (m->title && (rc = add_centred(c, m->title, FOLIO_ROLE_TITLE,
		FOLIO_RUN_TITLE, c->st->title_balanced, 0, 0)) < 0)
		return rc;
	if (m->subtitle && (rc = add_centred(c, m->subtitle,
		FOLIO_ROLE_SUBTITLE, FOLIO_RUN_SUBTITLE, c->st->title_balanced, 0,
		0)) < 0)
		return rc;
	if (!red && m->doc_number && (rc = add_centred(c,
		m->doc_number, FOLIO_ROLE_DOC_NUMBER, FOLIO_RUN_DOC_NUMBER, 0,
		0, 0)) < 0)
		return rc;
	for (k = 0; k < c->st->title_space_after; k++)
		if ((rc = blank_line(c, 0)) < 0)
			return rc;
	if (m->recipients.count > 0) {
		para_opts o = body_opts(c, NULL);
		seg s[1];
		o.first_indent = 0;
		s[0].text = join(c, &m->recipients, "、", "：");
		s[0].role = FOLIO_ROLE_BODY;
		if (s[0].text == NULL)
			return nomem(c);
		if ((rc = add_para(c, s, 1, &o)) < 0)
			return rc;
	}
	if ((rc = add_blocks(c, d->body, &art)) < 0)
		return rc;
	if (d->has_closing && (rc = add_closing(c)) < 0)
		return rc;
	for (at = d->attachments; at != NULL; at = at->next)
		n_att++;
	for (at = d->attachments; at != NULL; at = at->next)
		if ((rc = add_attachment(c, at, ++i, n_att)) < 0)
			return rc;
	if ((rc = paginate(c)) < 0)
		return rc;
	for (j = 0; j < c->lines.n; j++) {
		const fline *l = &((const fline *)c->lines.data)[j];
		if (l->blank || l->p == NULL || l->page == (size_t)-1)
			continue;
		if ((rc = emit_line(c, l)) < 0)
			return rc;
	}
	if ((rc = add_imprint(c)) < 0 ||
	    (rc = emit_page_numbers(c)) < 0 ||
	    (rc = add_outline_entries(c)) < 0)
		return rc;
	return 0;
}

int folio_layout_document(folio_layout *out, const folio_doc *doc,
	const folio_style *style, const folio_fontset *fs,
	folio_layout_options opts, folio_error *err)
{
	ctx c;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.doc = doc;
	c.st = style;
	c.a = doc->arena;
	c.err = err;
	c.opts = opts;
	c.measure = style->block_width;
	c.cpitch = folio_style_char_pitch(style);
	c.lpitch = folio_style_line_pitch(style);
	if ((rc = setup_roles(&c, fs)) < 0 ||
	    (rc = folio_linebreaker_new(&c.lb, err)) < 0)
		goto done;
	if ((rc = lay_out(&c)) < 0 || (rc = finish(&c, out)) < 0)
		goto done;
done:
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	folio_linebreaker_free(c.lb);
	free(c.lines.data);
	free(c.runs.data);
	free(c.rules.data);
	free(c.uses.data);
	for (size_t f = 0; f < MAX_FACES; f++)
		free(c.bmp[f]);
	free(c.subs.data);
	free(c.sub_counts.data);
	free(c.sub_slots);
	free(c.outline.data);
	free(c.cps);
	free(c.brk);
	return rc;
}

void folio_layout_used_codepoints(const uint32_t **out, size_t *out_n,
	const folio_layout *lay, const folio_face *face)
{
	size_t i;

	*out = NULL;
	*out_n = 0;
	for (i = 0; i < lay->n_faces; i++)
		if (lay->faces[i].face == face) {
			*out = lay->faces[i].cps;
			*out_n = lay->faces[i].n_cps;
			return;
		}
}
