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

/* A heading with its generated number. Chapters (第一章, 第一节) and parts
 * (第一部分) are words: centred, an ideographic space before the text,
 * numbered by folio_doc_number in the document's script; the levels
 * below them, and all levels of plain GB/T 9704 numbering, take the
 * style's formats one level up. A section marked numbered="no" (前言)
 * has index 0: no number, set like its numbered siblings. */
static int add_heading(ctx *c, const folio_block *b, int index)
{
	char num[64];
	const char *number = "", *text, *sep = "";
	folio_numbering numbering = c->doc->numbering;
	folio_role_id role;
	para_opts o = body_opts(c, b);
	int level = b->level < 1 ? 1 : b->level > 4 ? 4 : b->level;
	int words = numbering == FOLIO_NUMBERING_CHAPTERS ? 2 :
		numbering == FOLIO_NUMBERING_PARTS ? 1 : 0;
	seg s[2] = {{0}};

	if (level <= words) {
		if (index > 0) {
			folio_doc_number(num, sizeof(num), c->doc,
				FOLIO_BLOCK_SECTION, level, index);
			number = folio_arena_strdup(c->a, num);
			sep = "\u3000";
		}
		o.align = FOLIO_ALIGN_CENTER;
		role = FOLIO_ROLE_H1;
	} else {
		if (index > 0)
			number = expand(c, c->st->heading_format[level -
				words - 1], index, NULL);
		role = (folio_role_id)(FOLIO_ROLE_H1 + level - words - 1);
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
	return add_para(c, s[0].text[0] ? s : s + 1, s[0].text[0] ? 2 : 1,
		&o);
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

	folio_doc_number(num, sizeof(num), c->doc, FOLIO_BLOCK_ARTICLE, 0,
		number);
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
			rc = add_heading(c, b, b->unnumbered ? 0 :
				++section);
			if (rc == 0)
				rc = add_blocks(c, b->children, article);
			break;
		case FOLIO_BLOCK_LIST:
			rc = add_list(c, b);
			break;
		case FOLIO_BLOCK_ARTICLE:
			rc = add_article(c, b, ++*article);
			break;
		case FOLIO_BLOCK_TABLE:
			rc = add_table(c, b);
			break;
		case FOLIO_BLOCK_FIGURE:
			rc = add_figure(c, b);
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

/* The issuing organs of a 落款. The model carries them as one string;
 * the importer joins a 联合行文's organs, one a line on the page, with
 * an ideographic space, and a source may do the same: each run of
 * U+3000 separates two organs. At most MAX_ISSUERS; the rest stay with
 * the last. */
#define MAX_ISSUERS 8

static size_t split_issuers(ctx *c, const char *issuer,
	const char **names)
{
	const char *p = issuer, *q;
	size_t n = 0;

	while (*p != '\0') {
		while (strncmp(p, "\u3000", 3) == 0)
			p += 3;
		if (*p == '\0')
			break;
		q = n + 1 < MAX_ISSUERS ? strstr(p, "\u3000") : NULL;
		if (q == NULL)
			q = p + strlen(p);
		names[n] = folio_arena_strndup(c->a, p, (size_t)(q - p));
		if (names[n] == NULL)
			return 0;
		n++;
		p = q;
	}
	return n;
}

/* Width of a line of body text as the breaker measures full-width
 * characters (advance plus the grid's tracking). */
static double body_width(ctx *c, const char *s)
{
	const role_ctx *r = &c->roles[FOLIO_ROLE_BODY];
	size_t len = strlen(s), off = 0;
	double w = 0;

	while (off < len) {
		uint32_t cp;
		size_t l = folio_utf8_decode(s + off, len - off, &cp);
		const folio_face *f = folio_font_pick(r->chain, r->n, cp);
		double adv = f ? folio_face_advance(f, cp) : 1.0;
		off += l ? l : 1;
		w += adv * r->size + (adv >= 0.9 ? r->tracking : 0);
	}
	return w;
}

/* 落款 after GB/T 9704 7.3.5, one blank line below the text (or the
 * 附件说明), measured in characters of the grid:
 *   unsealed (7.3.5.2): the issuer ends `inset` (2) characters in from
 *     the right; the date, on the next line, starts two characters right
 *     of the issuer's first character, and when that would carry it past
 *     the issuer's right edge it ends there instead and the issuer moves
 *     left to keep the two characters. Several organs (联合行文) stand
 *     one a line, the lead organ first, right-aligned together; the
 *     widest of them plays the single issuer's part;
 *   sealed (7.3.5.1): the date ends `inset` (4) characters in, the
 *     issuer is centred over it. Several organs stand side by side in
 *     their order, two characters apart, the last centred over the date
 *     (its seal presses on name and date); when they do not fit on one
 *     line they are stacked, each centred over the date. */
int add_closing(ctx *c)
{
	const folio_meta *m = &c->doc->meta;
	const char *issuer = c->doc->closing.issuer ? c->doc->closing.issuer :
		m->issuer;
	const char *date = cn_date(c, c->doc->closing.date ?
		c->doc->closing.date : m->date);
	const char *names[MAX_ISSUERS];
	para_opts o = body_opts(c, NULL);
	size_t first, k, n_names = 0, ends[MAX_ISSUERS], ld = 0;
	double ch = c->cpitch, right, wi = 0, wd = 0, xi, xd, w, last = 0;
	int row = 0, rc;
	fline *l;
	seg s[2 * MAX_ISSUERS] = {{0}};

	if ((rc = blank_line(c, 0)) < 0)
		return rc;
	if (issuer != NULL && (n_names = split_issuers(c, issuer, names)) == 0
	    && issuer[0] != '\0')
		return nomem(c);
	first = c->lines.n;
	o.kind = FOLIO_RUN_SIGNATURE;
	o.align = FOLIO_ALIGN_LEFT;
	o.first_indent = 0;
	o.keep_next = 1;
	o.part = FOLIO_SOURCE_CLOSING;
	if (c->st->closing_sealed && n_names > 1) {
		/* side by side, when the names fit on one line */
		for (k = 0, w = 0; k < n_names; k++)
			w += body_width(c, names[k]) + (k ? 2 * ch : 0);
		row = w <= c->measure;
	}
	if (row) {
		for (k = 0; k < n_names; k++) {
			if (k > 0) {
				s[2 * k - 1].text = "\u3000\u3000";
				s[2 * k - 1].role = FOLIO_ROLE_BODY;
			}
			s[2 * k].text = names[k];
			s[2 * k].role = FOLIO_ROLE_BODY;
			s[2 * k].source = 1;
		}
		last = body_width(c, names[n_names - 1]);
		if ((rc = add_para(c, s, 2 * n_names - 1, &o)) < 0)
			return rc;
		ends[0] = c->lines.n;
		n_names = 1;
	} else {
		for (k = 0; k < n_names; k++) {
			s[0].text = names[k];
			s[0].role = FOLIO_ROLE_BODY;
			s[0].source = 1;
			if ((rc = add_para(c, s, 1, &o)) < 0)
				return rc;
			ends[k] = c->lines.n;
			o.part = FOLIO_SOURCE_NONE;
		}
	}
	if (date) {
		o.keep_next = 0;
		o.part = FOLIO_SOURCE_DATE;
		s[0].text = date;
		s[0].role = FOLIO_ROLE_BODY;
		s[0].source = 0;
		if ((rc = add_para(c, s, 1, &o)) < 0)
			return rc;
		ld = c->lines.n;
	}
	l = c->lines.data;
	/* A name longer than a line wraps: place its last line. */
	for (k = 0; k < n_names; k++)
		if (l[ends[k] - 1].width > wi)
			wi = l[ends[k] - 1].width;
	if (ld > 0)
		wd = l[ld - 1].width;
	right = c->measure - c->st->closing_inset_chars * ch;
	if (c->st->closing_sealed) {
		xd = right - wd;
		xi = xd + wd / 2 - wi / 2;
		if (row)  /* the last organ centred over the date */
			xi = xd + wd / 2 - (wi - last / 2);
	} else {
		xi = right - wi;
		xd = xi + 2 * ch;
		if (xd + wd > right) {
			xd = right - wd;
			xi = xd - 2 * ch;
		}
	}
	for (k = 0; k < n_names; k++) {
		double wk = l[ends[k] - 1].width;
		double x = c->st->closing_sealed ? xi + (wi - wk) / 2 :
			xi + wi - wk;
		l[ends[k] - 1].left = x < 0 ? 0 : x;
	}
	if (ld > 0)
		l[ld - 1].left = xd < 0 ? 0 : xd;
	for (; first < c->lines.n; first++)
		l[first].keep_next = first + 1 < c->lines.n;
	return 0;
}

/* 附注 (GB/T 9704 7.3.6): on the line under the 成文日期, two characters
 * in, in parentheses (the style's, as the source holds the note bare).
 * Without a 落款 it follows the text the same way. It stays on the page
 * of the line above it. Several notes come as one text, 此件公开发布）（
 * 联系人：… (the model holds one note): each starts a line of its own. */
int add_note(ctx *c)
{
	const char *note = c->doc->note, *cut;
	para_opts o = body_opts(c, NULL);
	int first = 1, rc;
	fline *l;

	if (note == NULL)
		return 0;
	o.align = FOLIO_ALIGN_LEFT;
	o.first_indent = c->st->indent_chars * c->cpitch;
	o.keep_next = 1;
	while (*note != '\0') {
		seg s[3] = {{0}};
		size_t n = 0;

		if (c->lines.n > 0) {
			l = c->lines.data;
			l[c->lines.n - 1].keep_next = 1;
		}
		cut = strstr(note, "）（");
		if (first) {
			s[n].text = "（";
			s[n++].role = FOLIO_ROLE_BODY;
		}
		/* up to and with the "）" of "）（" (the source's own marks) */
		s[n].text = cut ? folio_arena_strndup(c->a, note,
			(size_t)(cut - note) + strlen("）")) : note;
		if (s[n].text == NULL)
			return nomem(c);
		s[n].source = 1;
		s[n++].role = FOLIO_ROLE_BODY;
		if (cut == NULL) {
			s[n].text = "）";
			s[n++].role = FOLIO_ROLE_BODY;
		}
		o.keep_next = cut != NULL;
		if ((rc = add_para(c, s, n, &o)) < 0)
			return rc;
		if (cut == NULL)
			break;
		note = cut + strlen("）");
		first = 0;
	}
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
