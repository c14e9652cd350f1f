/*
 * layout.c - document model -> pages (see layout.h): the driver.
 *
 * Passes (layout_impl.h): (1) every block becomes paragraphs of items
 * (code point, face, advance) broken into lines by breaker.c, each line
 * one band of the style's grid (blocks.c, paragraphs.c); (2) pagination
 * puts lines into bands, moving breaks earlier where a heading would end
 * a page or a paragraph would leave a single line behind (paginate.c);
 * (3) lines become runs (runs.c), plus page furniture: red header, page
 * numbers, 版记 (furniture.c). The thin font layer (pick, advance) lives
 * in build_para; everything below it works on numbers.
 */
#include "layout/layout_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

int nomem(ctx *c)
{
	return folio_error_set(c->err, FOLIO_ENOMEM,
		"%s: out of memory laying out the document (arena limit)",
		c->doc->source_path);
}

/* Growable arrays in malloc memory (copied into the arena at the end). */
void *vec_push(ctx *c, vec *v, size_t elem)
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

void *arena_copy(ctx *c, const void *src, size_t n, size_t elem)
{
	void *d;

	if (n == 0)
		return NULL;
	d = folio_arena_alloc(c->a, n * elem);
	if (d != NULL)
		memcpy(d, src, n * elem);
	return d;
}

int face_index(ctx *c, const folio_face *f)
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
	image_rec *images = c->images.data;
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
	for (i = 0; i < c->images.n; i++)
		out->pages[images[i].page].n_images++;
	for (pg = 0; pg < c->n_pages; pg++) {
		folio_page *p = &out->pages[pg];
		p->width = st->page_width;
		p->height = st->page_height;
		p->number = st->page_number ? (int)pg + 1 : 0;
		p->runs = p->n_runs ? folio_arena_alloc(c->a,
			p->n_runs * sizeof(*p->runs)) : NULL;
		p->rules = p->n_rules ? folio_arena_alloc(c->a,
			p->n_rules * sizeof(*p->rules)) : NULL;
		p->images = p->n_images ? folio_arena_alloc(c->a,
			p->n_images * sizeof(*p->images)) : NULL;
		if ((p->n_runs && !p->runs) || (p->n_rules && !p->rules) ||
		    (p->n_images && !p->images))
			return nomem(c);
		p->n_runs = p->n_rules = p->n_images = 0;
	}
	for (i = 0; i < c->images.n; i++) {
		folio_page *p = &out->pages[images[i].page];
		p->images[p->n_images++] = images[i].image;
	}
	for (i = 0; i < c->runs.n; i++) {
		folio_page *p = &out->pages[runs[i].page];
		p->runs[p->n_runs++] = runs[i].run;
	}
	/* Each page begins where its first line with a start does; lines
	 * printed above it without one (an attachment's label) make it a
	 * lead: `lead` marks them while the page has no start yet. */
	for (i = 0; i < c->lines.n; i++) {
		const fline *l = &((const fline *)c->lines.data)[i];
		folio_page_start *s;
		if (l->blank || l->p == NULL || l->page >= c->n_pages)
			continue;
		s = &out->pages[l->page].start;
		if (s->part != FOLIO_SOURCE_NONE)
			continue;
		if (l->src.part == FOLIO_SOURCE_NONE) {
			s->lead = 1;
			continue;
		}
		*s = (folio_page_start){ l->src.part, l->src.block,
			l->src.attachment, l->src.offset,
			s->lead || l->src.lead };
	}
	for (pg = 0; pg < c->n_pages; pg++)
		if (out->pages[pg].start.part == FOLIO_SOURCE_NONE)
			out->pages[pg].start.lead = 0;
	/* A page of nothing but the 版记 begins with it. */
	for (i = 0; i < c->runs.n; i++)
		if (runs[i].run.kind == FOLIO_RUN_IMPRINT &&
		    out->pages[runs[i].page].start.part == FOLIO_SOURCE_NONE)
			out->pages[runs[i].page].start.part =
				FOLIO_SOURCE_IMPRINT;
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

/* A traditional-Chinese document (xml:lang zh-Hant, zh-TW, zh-HK,
 * zh-MO) is set in faces drawn for traditional characters when the font
 * map names them: family "仿宋-Hant" goes before "仿宋", and so on. The
 * simplified faces lack most traditional characters, so without this a
 * line of 條例 mixed 仿宋 with whatever face of the chain had the rest.
 * A map without such families keeps the role's own chain. */
static int hant_chain(ctx *c, role_ctx *r, const folio_fontset *fs,
	const folio_style_role *sr)
{
	const char *fam[2 * FOLIO_STYLE_MAX_CHAIN];
	char name[2 * FOLIO_STYLE_MAX_CHAIN][96];
	folio_error ignored = {0};
	size_t i, n = 0;

	for (i = 0; i < sr->n_families; i++) {
		snprintf(name[i], sizeof(name[i]), "%s-Hant", sr->families[i]);
		fam[n++] = name[i];
		fam[n++] = sr->families[i];
	}
	/* A family the map lacks is no error here: try the chain with the
	 * -Hant families, then without. */
	if (folio_fontset_chain(r->chain, MAX_CHAIN, &r->n, fs, fam, n,
	    &ignored) == 0)
		return 0;
	n = 0;
	for (i = 0; i < sr->n_families; i++) {
		if (folio_fontset_chain(r->chain, MAX_CHAIN, &r->n, fs,
		    (const char *const *)&fam[2 * i], 1, &ignored) == 0)
			fam[n++] = fam[2 * i];
		fam[n++] = sr->families[i];
	}
	return folio_fontset_chain(r->chain, MAX_CHAIN, &r->n, fs, fam, n,
		c->err);
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
		rc = folio_doc_traditional(c->doc) ? hant_chain(c, r, fs, sr) :
			folio_fontset_chain(r->chain, MAX_CHAIN, &r->n, fs,
			sr->families, sr->n_families, c->err);
		if (rc < 0)
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
		FOLIO_RUN_TITLE, c->st->title_balanced, 0, 0,
		FOLIO_SOURCE_TITLE)) < 0)
		return rc;
	if (m->subtitle && (rc = add_centred(c, m->subtitle,
		FOLIO_ROLE_SUBTITLE, FOLIO_RUN_SUBTITLE, c->st->title_balanced, 0,
		0, FOLIO_SOURCE_NONE)) < 0)
		return rc;
	if (!red && m->doc_number && (rc = add_centred(c,
		m->doc_number, FOLIO_ROLE_DOC_NUMBER, FOLIO_RUN_DOC_NUMBER, 0,
		0, 0, FOLIO_SOURCE_NONE)) < 0)
		return rc;
	for (k = 0; k < c->st->title_space_after; k++)
		if ((rc = blank_line(c, 0)) < 0)
			return rc;
	if (m->recipients.count > 0) {
		para_opts o = body_opts(c, NULL);
		seg s[1] = {{0}};
		o.first_indent = 0;
		o.part = FOLIO_SOURCE_RECIPIENTS;
		s[0].text = join(c, &m->recipients, "、", "：");
		s[0].role = FOLIO_ROLE_BODY;
		if (s[0].text == NULL)
			return nomem(c);
		if ((rc = add_para(c, s, 1, &o)) < 0)
			return rc;
	}
	if ((rc = add_blocks(c, d->body, &art)) < 0)
		return rc;
	if ((rc = add_attachment_note(c)) < 0)
		return rc;
	if (d->has_closing && (rc = add_closing(c)) < 0)
		return rc;
	if ((rc = add_note(c)) < 0)
		return rc;
	for (at = d->attachments; at != NULL; at = at->next)
		n_att++;
	/* An attachment without a body is only listed in the 附件说明 (its
	 * body is not part of the source): no page of its own, but its
	 * number is kept, so 附件2 is 附件2 in the list and on its page. */
	for (at = d->attachments; at != NULL; at = at->next) {
		c->attachment = at;
		i++;
		if (at->body != NULL &&
		    (rc = add_attachment(c, at, i, n_att)) < 0)
			return rc;
	}
	c->attachment = NULL;
	if ((rc = paginate(c)) < 0)
		return rc;
	for (j = 0; j < c->lines.n; j++) {
		const fline *l = &((const fline *)c->lines.data)[j];
		if (l->table != NULL && (rc = emit_table_line(c, l)) < 0)
			return rc;
		if (l->blank || l->p == NULL || l->page == (size_t)-1)
			continue;
		if ((rc = emit_line(c, l)) < 0)
			return rc;
	}
	if ((rc = emit_figures(c)) < 0)
		return rc;
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
	if ((rc = lay_out(&c)) < 0 || (rc = finish(&c, out)) < 0 ||
	    (rc = place_qr(out, style, err)) < 0)
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
	free(c.images.data);
	free(c.repeats.data);
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
