/*
 * blocks.c - the model's blocks as paragraphs: headings with generated
 * numbers, lists, articles, the title, 落款 and attachments.
 */
#include "layout/layout_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

/* ---- text helpers ---------------------------------------------------- */

/* "{cn}" -> Chinese numeral, "{n}" -> Arabic, "{issuer}" -> issuer. */
const char *expand(ctx *c, const char *fmt, int n, const char *issuer)
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

const char *concat(ctx *c, const char *a, const char *b)
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
const char *cn_date(ctx *c, const char *iso)
{
	char out[64];
	int y = 0, m = 0, d = 0;

	if (iso == NULL || sscanf(iso, "%d-%d-%d", &y, &m, &d) != 3)
		return iso;
	snprintf(out, sizeof(out), "%d年%d月%d日", y, m, d);
	return folio_arena_strdup(c->a, out);
}

const char *join(ctx *c, const folio_strlist *l, const char *sep,
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

para_opts body_opts(ctx *c, const folio_block *b)
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

int add_blocks(ctx *c, const folio_block *b, int *article);

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
int add_blocks(ctx *c, const folio_block *b, int *article)
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

int add_centred(ctx *c, const char *text, folio_role_id role,
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
int add_closing(ctx *c)
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

int add_attachment(ctx *c, const folio_attachment *at, int index,
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
