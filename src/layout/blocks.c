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
	o.part = b ? FOLIO_SOURCE_BLOCK : FOLIO_SOURCE_NONE;
	o.block = b;
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
	seg s[2] = {{0}};

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
	s[0].text = text;
	s[0].role = role;
	s[1].text = b->text ? b->text : "";
	s[1].role = role;
	s[1].source = 1;
	text = text ? concat(c, text, s[1].text) : NULL;
	if (text == NULL)
		return nomem(c);
	o.kind = FOLIO_RUN_HEADING;
	o.first_indent = o.align == FOLIO_ALIGN_CENTER ? 0 :
		c->st->heading_indent_chars * c->cpitch;
	o.keep_next = 1;
	o.outline_level = level;
	o.outline_title = text;
	return add_para(c, s, 2, &o);
}

static int add_list(ctx *c, const folio_block *list)
{
	const folio_block *it;
	int i = 0, rc;

	for (it = list->children; it != NULL; it = it->next) {
		para_opts o = body_opts(c, it);
		seg s[2] = {{0}};
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
		s[n].source = 1;
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
		seg s[2] = {{0}};
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
		s[n].source = 1;
		s[n++].role = FOLIO_ROLE_BODY;
		if ((rc = add_para(c, s, n, &o)) < 0)
			return rc;
		first = 0;
	}
	if (first) {  /* an article with no paragraph: its number alone */
		para_opts o = body_opts(c, b);
		seg s[1] = {{0}};
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
			seg s[1] = {{0}};
			s[0].text = b->text;
			s[0].role = FOLIO_ROLE_BODY;
			s[0].source = 1;
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
	folio_run_kind kind, int balanced, unsigned line, unsigned col,
	folio_source_part part)
{
	para_opts o;
	seg s[1] = {{0}};

	memset(&o, 0, sizeof(o));
	o.kind = kind;
	o.align = FOLIO_ALIGN_CENTER;
	o.balanced = balanced;
	o.keep_next = 1;
	o.line = line;
	o.col = col;
	o.part = part;
	s[0].text = text;
	s[0].role = role;
	s[0].source = part != FOLIO_SOURCE_NONE;
	return add_para(c, s, 1, &o);
}

/* 落款 after GB/T 9704 7.3.5, one blank line below the text (or the
 * 附件说明), measured in characters of the grid:
 *   unsealed (7.3.5.2): the issuer ends `inset` (2) characters in from
 *     the right; the date, on the next line, starts two characters right
 *     of the issuer's first character, and when that would carry it past
 *     the issuer's right edge it ends there instead and the issuer moves
 *     left to keep the two characters;
 *   sealed (7.3.5.1): the date ends `inset` (4) characters in, the issuer
 *     is centred over it. */
int add_closing(ctx *c)
{
	const folio_meta *m = &c->doc->meta;
	const char *issuer = c->doc->closing.issuer ? c->doc->closing.issuer :
		m->issuer;
	const char *date = cn_date(c, c->doc->closing.date ?
		c->doc->closing.date : m->date);
	para_opts o = body_opts(c, NULL);
	size_t first, li = 0, ld = 0;
	double ch = c->cpitch, right, wi = 0, wd = 0, xi, xd;
	fline *l;
	seg s[1] = {{0}};
	int rc;

	if ((rc = blank_line(c, 0)) < 0)
		return rc;
	first = c->lines.n;
	o.kind = FOLIO_RUN_SIGNATURE;
	o.align = FOLIO_ALIGN_LEFT;
	o.first_indent = 0;
	o.keep_next = 1;
	s[0].role = FOLIO_ROLE_BODY;
	if (issuer) {
		o.part = FOLIO_SOURCE_CLOSING;
		s[0].text = issuer;
		s[0].source = 1;
		if ((rc = add_para(c, s, 1, &o)) < 0)
			return rc;
		li = c->lines.n;
	}
	if (date) {
		o.keep_next = 0;
		o.part = FOLIO_SOURCE_DATE;
		s[0].text = date;
		s[0].source = 0;
		if ((rc = add_para(c, s, 1, &o)) < 0)
			return rc;
		ld = c->lines.n;
	}
	l = c->lines.data;
	/* A name longer than a line wraps: place its last line. */
	if (li > first)
		wi = l[li - 1].width;
	if (ld > li)
		wd = l[ld - 1].width;
	right = c->measure - c->st->closing_inset_chars * ch;
	if (c->st->closing_sealed) {
		xd = right - wd;
		xi = xd + wd / 2 - wi / 2;
	} else {
		xi = right - wi;
		xd = xi + 2 * ch;
		if (xd + wd > right) {
			xd = right - wd;
			xi = xd - 2 * ch;
		}
	}
	if (xi < 0)
		xi = 0;
	if (xd < 0)
		xd = 0;
	if (li > first)
		l[li - 1].left = xi;
	if (ld > li)
		l[ld - 1].left = xd;
	for (; first < c->lines.n; first++)
		l[first].keep_next = first + 1 < c->lines.n;
	return 0;
}

/* Whether the body already ends with a typed 附件说明 ("附件：..."). */
static int has_typed_note(const folio_block *b)
{
	const folio_block *last = NULL;

	for (; b != NULL; b = b->next)
		last = b;
	return last != NULL && last->kind == FOLIO_BLOCK_PARA && last->text &&
		(strncmp(last->text, "附件：", strlen("附件：")) == 0 ||
		strncmp(last->text, "附件:", strlen("附件:")) == 0);
}

/* 附件说明 (GB/T 9704 7.3.4): one blank line below the text, two
 * characters in, "附件：" and the attachments' names, numbered "1．"
 * when there are several, no punctuation after a name; a name that
 * wraps aligns with its own first character. */
int add_attachment_note(ctx *c)
{
	const folio_attachment *at;
	double ch = c->cpitch, indent = c->st->indent_chars * ch;
	int n = 0, i = 0, rc;

	for (at = c->doc->attachments; at != NULL; at = at->next)
		n++;
	if (n == 0 || has_typed_note(c->doc->body))
		return 0;
	if ((rc = blank_line(c, 1)) < 0)
		return rc;
	for (at = c->doc->attachments; at != NULL; at = at->next) {
		para_opts o = body_opts(c, NULL);
		seg s[2] = {{0}};
		char num[32];
		double hang;

		i++;
		if (n > 1)
			snprintf(num, sizeof(num), "%s%d．", i == 1 ? "附件：" :
				"", i);
		else
			snprintf(num, sizeof(num), "附件：");
		s[0].text = folio_arena_strdup(c->a, num);
		s[0].role = FOLIO_ROLE_BODY;
		s[1].text = at->title ? at->title : "";
		s[1].role = FOLIO_ROLE_BODY;
		if (s[0].text == NULL)
			return nomem(c);
		/* "附件：" is three characters; "1．" two more. */
		hang = indent + 3 * ch;
		o.align = FOLIO_ALIGN_LEFT;
		o.first_indent = i == 1 ? indent : hang;
		o.indent = hang + (n > 1 ? 2 * ch : 0);
		o.keep_next = 1;
		o.line = at->line;
		o.col = at->col;
		o.part = FOLIO_SOURCE_ATTACHMENT_NOTE;
		o.attachment = at;
		if ((rc = add_para(c, s, 2, &o)) < 0)
			return rc;
	}
	return 0;
}

int add_attachment(ctx *c, const folio_attachment *at, int index,
	int count)
{
	para_opts o;
	char label[32];
	const char *t;
	seg s[1] = {{0}};
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
			at->col, FOLIO_SOURCE_ATTACHMENT)) < 0 ||
		    (rc = blank_line(c, 1)) < 0)
			return rc;
	}
	return add_blocks(c, at->body, &art);
}
