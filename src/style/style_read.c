/*
 * style_read.c - styles/NAME.xml -> folio_style.
 *
 * The schema checks shape and lexical form; this file checks meaning
 * (signs, fit, grid), since only here can the message say which value
 * is wrong and why.
 */
#include "style/style_read.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/xml.h"
#include "util/xml_tree.h"

#define SCHEMA "style"
#define STYLE_ARENA_LIMIT ((size_t)1024 * 1024)

/* The style first, so a folio_style * is also a holder *. */
typedef struct holder {
	folio_style style;
	folio_arena *arena;
} holder;

typedef struct reader {
	holder *h;
	const char *name;
	folio_error *err;
} reader;

static const char *const role_names[FOLIO_ROLE_COUNT] = {
	"title", "subtitle", "body", "h1", "h2", "h3", "h4", "page-number",
	"header", "doc-number", "imprint", "label"
};

static int at(reader *r, const folio_xml_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int at(reader *r, const folio_xml_node *n, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = folio_xml_verror(r->err, FOLIO_EINPUT, r->name, n, 1, fmt, ap);
	va_end(ap);
	return rc;
}

static const folio_xml_node *child(const folio_xml_node *parent,
	const char *local)
{
	return folio_xml_child(parent, NULL, local);
}

/* Attribute value copied into the style's arena ("" when absent: the
 * schema makes required ones present). */
static const char *attr(reader *r, const folio_xml_node *n,
	const char *name)
{
	char *v = folio_xml_attr_copy(n, name, NULL);
	char *s;

	if (v == NULL)
		return NULL;
	s = folio_arena_strdup(r->h->arena, v);
	free(v);
	return s;
}

static int length(double *out, reader *r, const folio_xml_node *n,
	const char *name, int allow_zero)
{
	const char *v = attr(r, n, name);
	char *end;
	double x;

	if (v == NULL)
		return at(r, n, "expected a %s length, found none", name);
	x = strtod(v, &end);
	if (end == v)
		end = (char *)"?";  /* no number at all */
	if (strcmp(end, "mm") == 0)
		x *= FOLIO_MM_TO_PT;
	else if (strcmp(end, "cm") == 0)
		x *= 10 * FOLIO_MM_TO_PT;
	else if (strcmp(end, "in") == 0)
		x *= 72;
	else if (strcmp(end, "pt") != 0)
		return at(r, n, "expected %s as a length with unit mm, cm, "
			"in or pt, found '%s'", name, v);
	if (!(x >= 0) || (!allow_zero && x == 0))
		return at(r, n, "expected %s as a %s length, found '%s'", name,
			allow_zero ? "non-negative" : "positive", v);
	if (x > 10000 * FOLIO_MM_TO_PT)
		return at(r, n, "expected %s up to 10 m, found '%s'", name, v);
	*out = x;
	return 0;
}

static int number(double *out, reader *r, const folio_xml_node *n,
	const char *name, double max)
{
	const char *v = attr(r, n, name);
	char *end;
	double x;

	if (v == NULL)
		return at(r, n, "expected a %s value, found none", name);
	x = strtod(v, &end);
	if (end == v || *end != '\0' || !(x >= 0 && x <= max))
		return at(r, n, "expected %s as a number from 0 to %g, found "
			"'%s'", name, max, v);
	*out = x;
	return 0;
}

static int color(folio_rgb *out, reader *r, const folio_xml_node *n,
	const char *name)
{
	const char *v = attr(r, n, name);
	unsigned long x;

	if (v == NULL)
		return 0;  /* keep the default */
	if (v[0] != '#' || strlen(v) != 7 ||
	    strspn(v + 1, "0123456789abcdefABCDEF") != 6)
		return at(r, n, "expected %s as #RRGGBB, found '%s'", name, v);
	x = strtoul(v + 1, NULL, 16);
	out->r = (double)((x >> 16) & 0xFF) / 255.0;
	out->g = (double)((x >> 8) & 0xFF) / 255.0;
	out->b = (double)(x & 0xFF) / 255.0;
	return 0;
}

static int boolean(const char *v, int dflt)
{
	if (v == NULL)
		return dflt;
	return strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
}

static int read_role(reader *r, const folio_xml_node *n)
{
	folio_style_role *role = NULL;
	const char *name = attr(r, n, "name");
	const folio_xml_node *c;
	int i, rc;

	for (i = 0; i < FOLIO_ROLE_COUNT; i++)
		if (name && strcmp(name, role_names[i]) == 0)
			role = &r->h->style.roles[i];
	if (role == NULL)
		return at(r, n, "expected a role name, found '%s'",
			name ? name : "");
	if (role->defined)
		return at(r, n, "expected one definition of role '%s', found "
			"a second", name);
	if ((rc = length(&role->size, r, n, "size", 0)) < 0 ||
	    (rc = color(&role->color, r, n, "color")) < 0)
		return rc;
	if (role->size > 200)
		return at(r, n, "expected a size up to 200pt, found %.1fpt",
			role->size);
	for (c = child(n, "family"); c != NULL;
		c = folio_xml_next(c, NULL, "family")) {
		char *t;
		if (role->n_families == FOLIO_STYLE_MAX_CHAIN)
			return at(r, c, "expected at most %d families in a "
				"chain, found more", FOLIO_STYLE_MAX_CHAIN);
		t = folio_xml_text(c);
		role->families[role->n_families] = t == NULL ? NULL :
			folio_arena_strdup(r->h->arena, t);
		free(t);
		if (role->families[role->n_families] == NULL)
			return folio_error_set(r->err, FOLIO_ENOMEM,
				"out of memory");
		role->n_families++;
	}
	role->defined = 1;
	return 0;
}

static int read_block(reader *r, const folio_xml_node *root)
{
	folio_style *s = &r->h->style;
	const folio_xml_node *page = child(root, "page");
	const folio_xml_node *tb = child(root, "text-block");
	double lines, chars;
	int rc;

	if ((rc = length(&s->page_width, r, page, "width", 0)) < 0 ||
	    (rc = length(&s->page_height, r, page, "height", 0)) < 0 ||
	    (rc = length(&s->margin_top, r, tb, "top", 1)) < 0 ||
	    (rc = length(&s->margin_left, r, tb, "left", 1)) < 0 ||
	    (rc = length(&s->block_width, r, tb, "width", 0)) < 0 ||
	    (rc = length(&s->block_height, r, tb, "height", 0)) < 0 ||
	    (rc = number(&lines, r, tb, "lines", FOLIO_STYLE_MAX_LINES)) < 0 ||
	    (rc = number(&chars, r, tb, "chars", FOLIO_STYLE_MAX_CHARS)) < 0)
		return rc;
	if (s->margin_left + s->block_width > s->page_width + 1e-6)
		return at(r, tb, "expected the text block to fit the page "
			"width, found left %.1fmm + width %.1fmm > %.1fmm",
			s->margin_left / FOLIO_MM_TO_PT,
			s->block_width / FOLIO_MM_TO_PT,
			s->page_width / FOLIO_MM_TO_PT);
	if (s->margin_top + s->block_height > s->page_height + 1e-6)
		return at(r, tb, "expected the text block to fit the page "
			"height, found top %.1fmm + height %.1fmm > %.1fmm",
			s->margin_top / FOLIO_MM_TO_PT,
			s->block_height / FOLIO_MM_TO_PT,
			s->page_height / FOLIO_MM_TO_PT);
	if (lines < 1 || chars < 1)
		return at(r, tb, "expected at least one line and one "
			"character in the grid, found %g lines x %g chars",
			lines, chars);
	s->lines = (int)lines;
	s->chars = (int)chars;
	return 0;
}

/* Every role placed on the grid must fit its band, and the body's
 * characters must not overlap by more than a quarter. */
static int check_grid(reader *r, const folio_xml_node *root)
{
	static const folio_role_id on_grid[] = {
		FOLIO_ROLE_TITLE, FOLIO_ROLE_SUBTITLE, FOLIO_ROLE_BODY,
		FOLIO_ROLE_H1, FOLIO_ROLE_H2, FOLIO_ROLE_H3, FOLIO_ROLE_H4,
		FOLIO_ROLE_DOC_NUMBER, FOLIO_ROLE_IMPRINT, FOLIO_ROLE_LABEL
	};
	const folio_style *s = &r->h->style;
	const folio_xml_node *tb = child(root, "text-block");
	double pitch = folio_style_line_pitch(s);
	size_t i;

	for (i = 0; i < sizeof(on_grid) / sizeof(on_grid[0]); i++) {
		const folio_style_role *role = &s->roles[on_grid[i]];
		if (role->size > pitch + 1e-6)
			return at(r, tb, "expected a line pitch (%.2fmm / %d "
				"lines = %.2fpt) of at least the %.1fpt %s "
				"size, found a grid that cannot fit it",
				s->block_height / FOLIO_MM_TO_PT, s->lines,
				pitch, role->size, role_names[on_grid[i]]);
	}
	if (folio_style_char_pitch(s) <
	    0.75 * s->roles[FOLIO_ROLE_BODY].size)
		return at(r, tb, "expected a character pitch (%.2fmm / %d "
			"chars = %.2fpt) of at least 3/4 of the %.1fpt body "
			"size, found a grid that cannot fit it",
			s->block_width / FOLIO_MM_TO_PT, s->chars,
			folio_style_char_pitch(s),
			s->roles[FOLIO_ROLE_BODY].size);
	return 0;
}

/* The QR code's square must fit the bottom margin and be large
 * enough to scan once printed (the writer checks the module size). */
static int read_qr(reader *r, const folio_xml_node *n)
{
	folio_style *s = &r->h->style;
	const char *side = attr(r, n, "side");
	double margin = s->page_height - s->margin_top - s->block_height;
	int rc;

	s->qr = boolean(attr(r, n, "enabled"), 1);
	if ((rc = length(&s->qr_size, r, n, "size", 0)) < 0 ||
	    (rc = length(&s->qr_below, r, n, "below", 1)) < 0)
		return rc;
	s->qr_side = side == NULL || strcmp(side, "auto") == 0 ?
		FOLIO_QR_AUTO : strcmp(side, "left") == 0 ? FOLIO_QR_LEFT :
		FOLIO_QR_RIGHT;
	if (s->qr_size < 10 * FOLIO_MM_TO_PT)
		return at(r, n, "expected a QR code size of at least 10mm, "
			"found %.1fmm", s->qr_size / FOLIO_MM_TO_PT);
	if (s->qr_size > s->block_width / 2)
		return at(r, n, "expected a QR code at most half the text "
			"block wide (%.1fmm), found %.1fmm",
			s->block_width / 2 / FOLIO_MM_TO_PT,
			s->qr_size / FOLIO_MM_TO_PT);
	if (s->qr_below + s->qr_size > margin)
		return at(r, n, "expected the QR code (below + size = %.1fmm) "
			"to fit the bottom margin of %.1fmm",
			(s->qr_below + s->qr_size) / FOLIO_MM_TO_PT,
			margin / FOLIO_MM_TO_PT);
	return 0;
}

static int read_layout(reader *r, const folio_xml_node *root)
{
	folio_style *s = &r->h->style;
	const folio_xml_node *n, *c;
	double v;
	int rc;

	n = child(root, "paragraph");
	if ((rc = number(&s->indent_chars, r, n, "indent", 20)) < 0)
		return rc;
	s->pair_compression = boolean(attr(r, n, "pair-compression"), 1);
	s->digit_gap = boolean(attr(r, n, "digit-gap"), 1);
	s->counters = attr(r, n, "counters");
	if (s->counters == NULL || s->counters[0] == '\0')
		s->counters = "号年月日时分秒条款项章节个名次元角万亿%‰";
	n = child(root, "title");
	s->title_balanced = boolean(attr(r, n, "balanced"), 1);
	if ((rc = number(&v, r, n, "space-after", 10)) < 0)
		return rc;
	s->title_space_after = (int)v;
	n = child(root, "headings");
	if ((rc = number(&s->heading_indent_chars, r, n, "indent", 20)) < 0)
		return rc;
	for (c = child(n, "level"); c != NULL;
		c = folio_xml_next(c, NULL, "level")) {
		const char *lv;
		lv = attr(r, c, "n");
		if (lv == NULL || lv[0] < '1' || lv[0] > '4')
			return at(r, c, "expected n from 1 to 4, found '%s'",
				lv ? lv : "");
		s->heading_format[lv[0] - '1'] = attr(r, c, "format");
	}
	if ((n = child(root, "list")) != NULL)
		s->list_format = attr(r, n, "format");
	if ((n = child(root, "page-number")) != NULL) {
		s->page_number = boolean(attr(r, n, "enabled"), 1);
		s->page_number_format = attr(r, n, "format");
		if ((rc = length(&s->page_number_below, r, n, "below",
			1)) < 0 ||
		    (rc = number(&s->page_number_inset_em, r, n, "inset",
			20)) < 0)
			return rc;
		if (s->page_number_format == NULL)
			return folio_error_set(r->err, FOLIO_ENOMEM,
				"out of memory");
		if (strstr(s->page_number_format, "{n}") == NULL)
			return at(r, n, "expected a format holding {n}, found "
				"'%s'", s->page_number_format);
	}
	if ((n = child(root, "red-header")) != NULL) {
		s->red_header = boolean(attr(r, n, "enabled"), 1);
		s->header_text = attr(r, n, "text");
		if ((rc = length(&s->header_top, r, n, "top", 1)) < 0 ||
		    (rc = length(&s->rule_below, r, n, "rule-below", 1)) < 0 ||
		    (rc = length(&s->rule_width, r, n, "rule-width", 1)) < 0 ||
		    (rc = color(&s->rule_color, r, n, "rule-color")) < 0)
			return rc;
	}
	if ((n = child(root, "closing")) != NULL) {
		const char *rule = attr(r, n, "rule");
		if ((rc = number(&s->closing_inset_chars, r, n, "inset",
			20)) < 0)
			return rc;
		s->closing_sealed = rule != NULL && strcmp(rule, "sealed") == 0;
	}
	if ((n = child(root, "imprint")) != NULL) {
		s->imprint = boolean(attr(r, n, "enabled"), 1);
		if ((rc = length(&s->imprint_thick, r, n, "thick", 1)) < 0 ||
		    (rc = length(&s->imprint_thin, r, n, "thin", 1)) < 0)
			return rc;
	}
	if ((n = child(root, "qr")) != NULL)
		return read_qr(r, n);
	return 0;
}

static void set_defaults(folio_style *s)
{
	static const char *const formats[4] = {
		"{cn}、", "（{cn}）", "{n}.", "（{n}）"
	};
	int i;

	for (i = 0; i < 4; i++)
		if (s->heading_format[i] == NULL)
			s->heading_format[i] = formats[i];
	if (s->list_format == NULL)
		s->list_format = "{n}.";
	if (s->header_text == NULL)
		s->header_text = "{issuer}文件";
	/* Roles a style leaves out take the body's face and size. */
	for (i = 0; i < FOLIO_ROLE_COUNT; i++)
		if (!s->roles[i].defined)
			s->roles[i] = s->roles[FOLIO_ROLE_BODY];
}

int folio_style_read(folio_style **out, const char *path, folio_error *err)
{
	void *xdoc = NULL;
	const folio_xml_node *root, *c;
	reader r;
	holder *h;
	int rc;

	*out = NULL;
	h = calloc(1, sizeof(*h));
	if (h == NULL || (h->arena = folio_arena_new(STYLE_ARENA_LIMIT)) ==
	    NULL) {
		free(h);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	r.h = h;
	r.name = path;
	r.err = err;
	h->style.path = folio_arena_strdup(h->arena, path);
	if ((rc = folio_xml_parse_file(&xdoc, path, NULL, err)) < 0 ||
	    (rc = folio_xml_validate(xdoc, SCHEMA, path, err)) < 0)
		goto done;
	root = folio_xml_root(xdoc);
	h->style.name = attr(&r, root, "name");
	for (c = child(root, "role"); c != NULL;
		c = folio_xml_next(c, NULL, "role"))
		if ((rc = read_role(&r, c)) < 0)
			goto done;
	if (!h->style.roles[FOLIO_ROLE_BODY].defined) {
		rc = at(&r, root, "expected a role named body, found none");
		goto done;
	}
	if ((rc = read_block(&r, root)) < 0 ||
	    (rc = read_layout(&r, root)) < 0)
		goto done;
	set_defaults(&h->style);
	if ((rc = check_grid(&r, root)) < 0)
		goto done;
	*out = &h->style;
done:
	folio_xml_free(xdoc);
	if (rc < 0)
		folio_style_free(&h->style);
	return rc;
}

void folio_style_free(folio_style *style)
{
	holder *h = (holder *)style;

	if (h == NULL)
		return;
	folio_arena_free(h->arena);
	free(h);
}
