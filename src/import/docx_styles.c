/* Word styles (heading levels, captions, numbering linked to a style,
 * through basedOn) and numbering.xml (the auto-number text Word shows). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import/docx_impl.h"
#include "util/utf8.h"
#include "util/xml.h"
#include "util/xml_tree.h"

int docx_val_int(const folio_xml_node *node, const char *name, int dflt)
{
	char v[32];
	long x;
	char *end;

	if (!folio_xml_attr_get(v, sizeof(v), node, name) || v[0] == '\0')
		return dflt;
	x = strtol(v, &end, 10);
	if (*end != '\0' || x < -1000000 || x > 1000000)
		return dflt;
	return (int)x;
}

static char *dup(docx *d, const char *s)
{
	char *c = strdup(s);

	if (c == NULL)
		folio_error_set(d->im->err, FOLIO_ENOMEM, "%s: out of memory",
			d->path);
	return c;
}

/* ---- styles ------------------------------------------------------------ */

/* "heading 3", "Heading3", "标题 3", "标题3" -> 3. */
static int heading_name(const char *s)
{
	const char *rest = NULL;

	if (strncasecmp(s, "heading", 7) == 0)
		rest = s + 7;
	else if (strncmp(s, "标题", 6) == 0)
		rest = s + 6;
	if (rest == NULL)
		return 0;
	while (*rest == ' ')
		rest++;
	if (rest[0] >= '1' && rest[0] <= '9' && rest[1] == '\0')
		return rest[0] - '0';
	return 0;
}

static int caption_name(const char *s)
{
	return strcasecmp(s, "caption") == 0 || strcmp(s, "题注") == 0 ||
		strcasecmp(s, "image caption") == 0 ||
		strcasecmp(s, "imagecaption") == 0 ||
		strcasecmp(s, "figure") == 0;
}

int docx_read_styles(docx *d)
{
	folio_buf b = {0};
	void *xml = NULL;
	const folio_xml_node *root, *s, *ppr, *np, *c;
	const char *w;
	char v[128];
	size_t count = 0;
	int rc;

	if ((rc = docx_read_part(&b, d, "word/styles.xml", DOCX_MAX_PART,
	    0)) <= 0)
		goto done;
	if ((rc = docx_parse(&xml, d, "word/styles.xml", &b)) < 0)
		goto done;
	root = folio_xml_root(xml);
	w = d->w;
	for (s = folio_xml_child(root, w, "style"); s != NULL;
	    s = folio_xml_next(s, w, "style"))
		count++;
	if (count > DOCX_MAX_STYLES) {
		rc = docx_fail(d, root, FOLIO_ELIMIT, "word/styles.xml: "
			"expected at most %d styles, found %zu",
			DOCX_MAX_STYLES, count);
		goto done;
	}
	d->styles = calloc(count ? count : 1, sizeof(*d->styles));
	if (d->styles == NULL) {
		rc = folio_error_set(d->im->err, FOLIO_ENOMEM,
			"%s: out of memory", d->path);
		goto done;
	}
	for (s = folio_xml_child(root, w, "style"); s != NULL;
	    s = folio_xml_next(s, w, "style")) {
		docx_style *st = &d->styles[d->n_styles++];
		folio_xml_attr_get(v, sizeof(v), s, "styleId");
		if ((st->id = dup(d, v)) == NULL) {
			rc = FOLIO_ENOMEM;
			goto done;
		}
		if ((c = folio_xml_child(s, w, "name")) != NULL) {
			folio_xml_attr_get(v, sizeof(v), c, "val");
			st->outline = heading_name(v);
			st->caption = caption_name(v);
		}
		if (st->outline == 0)
			st->outline = heading_name(st->id);
		if ((c = folio_xml_child(s, w, "basedOn")) != NULL) {
			folio_xml_attr_get(v, sizeof(v), c, "val");
			if ((st->based_on = dup(d, v)) == NULL) {
				rc = FOLIO_ENOMEM;
				goto done;
			}
		}
		st->num_id = -1;
		st->ilvl = -1;
		if ((ppr = folio_xml_child(s, w, "pPr")) != NULL) {
			if ((c = folio_xml_child(ppr, w, "outlineLvl")) !=
			    NULL) {
				int lv = docx_val_int(c, "val", 9);
				/* 9 is "body text" */
				st->outline = lv >= 0 && lv < 9 ? lv + 1 : 0;
			}
			if ((np = folio_xml_child(ppr, w, "numPr")) != NULL) {
				st->num_id = docx_val_int(folio_xml_child(np,
					w, "numId"), "val", -1);
				st->ilvl = docx_val_int(folio_xml_child(np, w,
					"ilvl"), "val", -1);
			}
		}
	}
	rc = 0;
done:
	if (xml != NULL)
		folio_xml_free(xml);
	folio_buf_free(&b);
	return rc;
}

static docx_style *find(docx *d, const char *id)
{
	size_t i;

	for (i = 0; id && i < d->n_styles; i++)
		if (strcmp(d->styles[i].id, id) == 0)
			return &d->styles[i];
	return NULL;
}

/* Fold the basedOn chain in once: a style without its own outline or
 * numbering takes its parent's (chains are cut at 32, loops too). */
const docx_style *docx_style_find(docx *d, const char *id)
{
	docx_style *st = find(d, id), *up;
	int hops = 0;

	if (st == NULL || st->resolved)
		return st;
	st->resolved = 1;
	for (up = find(d, st->based_on); up != NULL && hops < 32;
	    up = find(d, up->based_on), hops++) {
		if (st->outline == 0)
			st->outline = up->outline;
		if (st->num_id < 0) {
			st->num_id = up->num_id;
			if (st->ilvl < 0)
				st->ilvl = up->ilvl;
		}
	}
	return st;
}

/* ---- numbering --------------------------------------------------------- */

static int read_level(docx_level *l, const char *w,
	const folio_xml_node *lvl)
{
	const folio_xml_node *c;
	char v[64];

	l->start = docx_val_int(folio_xml_child(lvl, w, "start"), "val", 1);
	l->restart = docx_val_int(folio_xml_child(lvl, w, "lvlRestart"),
		"val", -1);
	if ((c = folio_xml_child(lvl, w, "numFmt")) != NULL)
		folio_xml_attr_get(l->fmt, sizeof(l->fmt), c, "val");
	else
		snprintf(l->fmt, sizeof(l->fmt), "decimal");
	if ((c = folio_xml_child(lvl, w, "lvlText")) != NULL)
		folio_xml_attr_get(l->text, sizeof(l->text), c, "val");
	l->suff = 0;
	if ((c = folio_xml_child(lvl, w, "suff")) != NULL) {
		folio_xml_attr_get(v, sizeof(v), c, "val");
		l->suff = strcmp(v, "space") == 0 ? 1 :
			strcmp(v, "nothing") == 0 ? 2 : 0;
	}
	return 0;
}

int docx_read_numbering(docx *d)
{
	folio_buf b = {0};
	void *xml = NULL;
	const folio_xml_node *root, *n, *c;
	const char *w;
	size_t na = 0, nn = 0, i;
	int rc, k, aid;

	if ((rc = docx_read_part(&b, d, "word/numbering.xml", DOCX_MAX_PART,
	    0)) <= 0)
		goto done;
	if ((rc = docx_parse(&xml, d, "word/numbering.xml", &b)) < 0)
		goto done;
	root = folio_xml_root(xml);
	w = d->w;
	for (n = folio_xml_child(root, w, NULL); n != NULL;
	    n = folio_xml_next(n, w, NULL)) {
		na += folio_xml_is(n, w, "abstractNum") ? 1 : 0;
		nn += folio_xml_is(n, w, "num") ? 1 : 0;
	}
	if (na > DOCX_MAX_NUMS || nn > DOCX_MAX_NUMS) {
		rc = docx_fail(d, root, FOLIO_ELIMIT, "word/numbering.xml: "
			"expected at most %d lists, found %zu", DOCX_MAX_NUMS,
			na > nn ? na : nn);
		goto done;
	}
	d->abstracts = calloc(na ? na : 1, sizeof(*d->abstracts));
	d->nums = calloc(nn ? nn : 1, sizeof(*d->nums));
	if (d->abstracts == NULL || d->nums == NULL) {
		rc = folio_error_set(d->im->err, FOLIO_ENOMEM,
			"%s: out of memory", d->path);
		goto done;
	}
	for (n = folio_xml_child(root, w, NULL); n != NULL;
	    n = folio_xml_next(n, w, NULL)) {
		if (folio_xml_is(n, w, "abstractNum")) {
			docx_abstract *a = &d->abstracts[d->n_abstracts++];
			a->id = docx_val_int(n, "abstractNumId", -1);
			a->last_num = -1;
			for (k = 0; k < 9; k++) {
				a->lvl[k].start = 1;
				a->lvl[k].restart = -1;
				snprintf(a->lvl[k].fmt, sizeof(a->lvl[k].fmt),
					"decimal");
			}
			for (c = folio_xml_child(n, w, "lvl"); c != NULL;
			    c = folio_xml_next(c, w, "lvl")) {
				int il = docx_val_int(c, "ilvl", -1);
				if (il >= 0 && il < 9)
					read_level(&a->lvl[il], w, c);
			}
		} else if (folio_xml_is(n, w, "num")) {
			docx_num *m = &d->nums[d->n_nums++];
			m->id = docx_val_int(n, "numId", -1);
			m->abstract = -1;
			aid = docx_val_int(folio_xml_child(n, w,
				"abstractNumId"), "val", -1);
			for (k = 0; k < 9; k++)
				m->override[k] = -1;
			for (c = folio_xml_child(n, w, "lvlOverride");
			    c != NULL; c = folio_xml_next(c, w,
			    "lvlOverride")) {
				int il = docx_val_int(c, "ilvl", -1);
				const folio_xml_node *so;
				if (il < 0 || il > 8)
					continue;
				if ((so = folio_xml_child(c, w,
				    "startOverride")) != NULL)
					m->override[il] = docx_val_int(so,
						"val", 1);
			}
			for (i = 0; i < d->n_abstracts; i++)
				if (d->abstracts[i].id == aid)
					m->abstract = (int)i;
			/* abstractNums may follow the nums that use them. */
			if (m->abstract < 0)
				m->abstract = -2 - aid;
		}
	}
	for (i = 0; i < d->n_nums; i++) {
		docx_num *m = &d->nums[i];
		size_t j;
		if (m->abstract >= -1)
			continue;
		aid = -2 - m->abstract;
		m->abstract = -1;
		for (j = 0; j < d->n_abstracts; j++)
			if (d->abstracts[j].id == aid)
				m->abstract = (int)j;
	}
	rc = 0;
done:
	if (xml != NULL)
		folio_xml_free(xml);
	folio_buf_free(&b);
	return rc;
}

static void put(folio_buf *out, const char *s)
{
	folio_buf_puts(out, s);
}

/* One counter value in a numFmt (ECMA-376 17.18.59). Formats we do not
 * know are written as decimal: the number is kept, its look is not. */
static void format_number(folio_buf *out, const char *fmt, int v)
{
	static const char *circled[] = {"①", "②", "③", "④", "⑤", "⑥", "⑦",
		"⑧", "⑨", "⑩", "⑪", "⑫", "⑬", "⑭", "⑮", "⑯", "⑰", "⑱",
		"⑲", "⑳"};
	static const char *tiangan[] = {"甲", "乙", "丙", "丁", "戊", "己",
		"庚", "辛", "壬", "癸"};
	static const char *dizhi[] = {"子", "丑", "寅", "卯", "辰", "巳",
		"午", "未", "申", "酉", "戌", "亥"};
	char cn[64];
	int i;

	if (strcmp(fmt, "none") == 0)
		return;
	if (v < 0)
		v = 0;
	if (strncmp(fmt, "chineseCounting", 15) == 0 ||
	    strcmp(fmt, "japaneseCounting") == 0 ||
	    strcmp(fmt, "taiwaneseCounting") == 0 ||
	    strcmp(fmt, "ideographDigital") == 0 ||
	    strcmp(fmt, "taiwaneseCountingThousand") == 0 ||
	    strcmp(fmt, "chineseLegalSimplified") == 0) {
		if (v == 0) {
			put(out, "〇");
			return;
		}
		folio_cn_numeral(cn, sizeof(cn), v);
		put(out, cn);
		return;
	}
	if (strcmp(fmt, "decimalEnclosedCircle") == 0 ||
	    strcmp(fmt, "decimalEnclosedCircleChinese") == 0) {
		if (v >= 1 && v <= 20) {
			put(out, circled[v - 1]);
			return;
		}
	}
	if (strcmp(fmt, "ideographTraditional") == 0 && v >= 1 && v <= 10) {
		put(out, tiangan[v - 1]);
		return;
	}
	if (strcmp(fmt, "ideographZodiac") == 0 && v >= 1 && v <= 12) {
		put(out, dizhi[v - 1]);
		return;
	}
	if ((strcmp(fmt, "upperLetter") == 0 ||
	    strcmp(fmt, "lowerLetter") == 0) && v >= 1) {
		char c = (char)((fmt[0] == 'u' ? 'A' : 'a') + (v - 1) % 26);
		for (i = 0; i <= (v - 1) / 26 && i < 10; i++)
			folio_buf_putc(out, c);
		return;
	}
	if ((strcmp(fmt, "upperRoman") == 0 ||
	    strcmp(fmt, "lowerRoman") == 0) && v >= 1 && v < 4000) {
		static const int val[] = {1000, 900, 500, 400, 100, 90, 50,
			40, 10, 9, 5, 4, 1};
		static const char *up[] = {"M", "CM", "D", "CD", "C", "XC",
			"L", "XL", "X", "IX", "V", "IV", "I"};
		static const char *lo[] = {"m", "cm", "d", "cd", "c", "xc",
			"l", "xl", "x", "ix", "v", "iv", "i"};
		for (i = 0; i < 13; i++)
			while (v >= val[i]) {
				put(out, fmt[0] == 'u' ? up[i] : lo[i]);
				v -= val[i];
			}
		return;
	}
	if (strcmp(fmt, "decimalFullWidth") == 0 ||
	    strcmp(fmt, "decimalFullWidth2") == 0) {
		snprintf(cn, sizeof(cn), "%d", v);
		for (i = 0; cn[i]; i++)
			folio_buf_put_utf8(out, 0xFF10 + (uint32_t)(cn[i] -
				'0'));
		return;
	}
	if (strcmp(fmt, "decimalZero") == 0 && v < 10) {
		folio_buf_printf(out, "0%d", v);
		return;
	}
	folio_buf_printf(out, "%d", v);
}

int docx_number_text(folio_buf *out, docx *d, int num_id, int ilvl,
	int *bullet, int *suffix)
{
	docx_num *m = NULL;
	docx_abstract *a;
	const char *t;
	size_t i;
	int k;

	*bullet = 0;
	*suffix = 2;
	if (num_id <= 0 || ilvl < 0 || ilvl > 8)
		return 0;
	for (i = 0; i < d->n_nums; i++)
		if (d->nums[i].id == num_id)
			m = &d->nums[i];
	if (m == NULL || m->abstract < 0)
		return 0;
	a = &d->abstracts[m->abstract];
	/* A num restarting the list (startOverride) starts from its value
	 * the first time it is used; nums sharing an abstractNum otherwise
	 * continue one count, as Word does. */
	if (!m->used) {
		m->used = 1;
		for (k = 0; k < 9; k++)
			if (m->override[k] >= 0) {
				a->count[k] = 0;
				a->lvl[k].start = m->override[k];
			}
	}
	a->last_num = m->id;
	a->count[ilvl] = a->count[ilvl] == 0 ? a->lvl[ilvl].start :
		a->count[ilvl] + 1;
	/* Deeper levels restart when a shallower one moves on. */
	for (k = ilvl + 1; k < 9; k++)
		if (a->lvl[k].restart != 0)
			a->count[k] = 0;
	*suffix = a->lvl[ilvl].suff;
	if (strcmp(a->lvl[ilvl].fmt, "bullet") == 0) {
		*bullet = 1;
		return 0;
	}
	for (t = a->lvl[ilvl].text; *t; t++) {
		if (t[0] == '%' && t[1] >= '1' && t[1] <= '9') {
			k = t[1] - '1';
			format_number(out, a->lvl[k].fmt, a->count[k] ?
				a->count[k] : a->lvl[k].start);
			t++;
			continue;
		}
		folio_buf_putc(out, *t);
	}
	return 0;
}
