/* Field values the recognisers offered -> the document's meta, then the
 * user's --meta overrides, defaults (category, id, language) and the
 * checks for what a source must have (date, issuer). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/import_impl.h"
#include "util/utf8.h"

#define MAX_LIST_ITEMS 256

static void trim(const uint32_t **v, size_t *n)
{
	while (*n > 0 && imp_is_inline_space((*v)[0])) {
		(*v)++;
		(*n)--;
	}
	while (*n > 0 && imp_is_inline_space((*v)[*n - 1]))
		(*n)--;
}

void imp_offer_value(importer *im, int field, int prio, const uint32_t *v,
	size_t n, const imp_para *p)
{
	imp_offer *o = &im->offer[field];

	trim(&v, &n);
	if (n == 0 || (o->prio != 0 && o->prio <= prio))
		return;
	o->v = v;
	o->n = n;
	o->prio = prio;
	o->line = p ? p->line : 1;
	o->col = p ? p->vcol : 1;
}

void imp_offer_fixed(importer *im, int field, int prio, const char *value,
	const imp_para *p)
{
	imp_offer *o = &im->offer[field];

	if (o->prio != 0 && o->prio <= prio)
		return;
	snprintf(o->fixed, sizeof(o->fixed), "%s", value);
	o->v = NULL;
	o->n = 0;
	o->prio = prio;
	o->line = p ? p->line : 1;
	o->col = p ? p->vcol : 1;
}

static int text_in(const char **out, importer *im, const uint32_t *v,
	size_t n, const imp_para *p, int para)
{
	size_t i;

	folio_buf_reset(&im->out);
	for (i = 0; i < n; i++)
		if (folio_buf_put_utf8(&im->out, v[i]) < 0)
			return folio_error_set(im->err, FOLIO_ELIMIT,
				"%s:%u:%u: expected a paragraph of at most %zu "
				"bytes, found a longer one", im->name,
				p ? p->line : 1, p ? p->vcol : 1,
				FOLIO_MAX_TEXT_BYTES);
	return (para ? folio_doc_para_text : folio_doc_text)(out, im->doc,
		im->out.data ? im->out.data : "", im->out.len, im->err);
}

int imp_text(const char **out, importer *im, const uint32_t *v, size_t n,
	const imp_para *p)
{
	return text_in(out, im, v, n, p, 0);
}

int imp_para_text(const char **out, importer *im, const uint32_t *v,
	size_t n, const imp_para *p)
{
	return text_in(out, im, v, n, p, 1);
}

static int set_text(const char **field, importer *im, const char *s)
{
	return folio_doc_text(field, im->doc, s, strlen(s), im->err);
}

static int offered(const char **field, importer *im, int f)
{
	const imp_offer *o = &im->offer[f];
	imp_para at;

	if (o->prio == 0)
		return 0;
	if (o->v == NULL)
		return set_text(field, im, o->fixed);
	memset(&at, 0, sizeof(at));
	at.line = o->line;
	at.vcol = o->col;
	return imp_text(field, im, o->v, o->n, &at);
}

/* Title, subtitle and 附注 get the body's punctuation rules: ASCII
 * marks between Chinese made full width. */
static int offered_prose(const char **field, importer *im, int f)
{
	const imp_offer *o = &im->offer[f];
	imp_para tmp;
	int changed = 0, rc;

	if (o->prio == 0 || o->v == NULL)
		return offered(field, im, f);
	memset(&tmp, 0, sizeof(tmp));
	tmp.line = o->line;
	tmp.vcol = o->col;
	tmp.n = o->n;
	tmp.v = malloc((o->n + 1) * sizeof(*tmp.v));
	if (tmp.v == NULL)
		return folio_error_set(im->err, FOLIO_ENOMEM,
			"%s: out of memory", im->name);
	memcpy(tmp.v, o->v, o->n * sizeof(*tmp.v));
	rc = imp_fix_punctuation(im, &tmp, &changed);
	if (rc == 0)
		rc = imp_text(field, im, tmp.v, tmp.n, &tmp);
	free(tmp.v);
	return rc;
}

static int is_sep(uint32_t c, int spaces)
{
	return c == ',' || c == 0xFF0C || c == 0x3001 || c == ';' ||
		c == 0xFF1B || (spaces && imp_is_inline_space(c));
}

/* Addressee lists split at ， and ；, and at 、 only where every part
 * names an addressee of its own: 各学校、各社区 are two, 各省、自治区、
 * 直辖市人民政府 is one class of organs sharing its suffix. */
static int splits_at_dun(const uint32_t *v, size_t n)
{
	size_t i, a = 0;

	for (i = 0; i <= n; i++)
		if (i == n || v[i] == 0x3001) {
			if (!imp_is_recipient(v + a, i - a))
				return 0;
			a = i + 1;
		}
	return 1;
}

/* Split a list value into its items (the arena array is made once). The
 * list's own closing mark (。 or ：) is not part of the last item.
 * `addressees`: 、 splits only where splits_at_dun says so. */
static int set_list(folio_strlist *list, importer *im, const uint32_t *v,
	size_t n, int spaces, int addressees)
{
	const char *items[MAX_LIST_ITEMS];
	size_t i = 0, k = 0, a, e;
	int rc, dun = !addressees;

	while (n > 0 && (v[n - 1] == 0x3002 || imp_is_colon(v[n - 1]) ||
	    v[n - 1] == '.' || imp_is_inline_space(v[n - 1])))
		n--;
	while (i < n && k < MAX_LIST_ITEMS) {
		a = i;
		if (addressees) {
			/* the group up to the next ， decides about its 、 */
			for (e = i; e < n && v[e] != 0xFF0C && v[e] != ',' &&
			    v[e] != 0xFF1B && v[e] != ';'; e++)
				;
			dun = splits_at_dun(v + i, e - i);
		}
		/* Past the cap the rest is one item: nothing is lost. */
		while (i < n && (k + 1 == MAX_LIST_ITEMS ||
		    !(is_sep(v[i], spaces) && (dun || v[i] != 0x3001))))
			i++;
		if (i > a) {
			if ((rc = imp_text(&items[k], im, v + a, i - a,
			    NULL)) < 0)
				return rc;
			if (items[k][0])
				k++;
		}
		i++;
	}
	list->items = folio_arena_alloc(im->doc->arena,
		(k ? k : 1) * sizeof(*items));
	if (list->items == NULL)
		return folio_error_set(im->err, FOLIO_ELIMIT,
			"%s: document exceeds the memory limit", im->name);
	memcpy(list->items, items, k * sizeof(*items));
	list->count = k;
	return 0;
}

static int offered_list(folio_strlist *list, importer *im, int f,
	int spaces)
{
	const imp_offer *o = &im->offer[f];

	if (o->prio == 0 || o->v == NULL)
		return 0;
	return set_list(list, im, o->v, o->n, spaces, f != F_KEYWORDS);
}

/* Category from the title: a 【政策解读】 mark or a title ending in 解读
 * makes it a 政策解读, else the kind of document its last words name. */
static const char *title_category(const uint32_t *v, size_t n)
{
	const char *kind;
	size_t i;

	for (i = 0; i + 5 < n + 1; i++)
		if ((v[i] == 0x3010 || v[i] == 0xFF3B) &&
		    (imp_match(v, n, i + 1, "政策解读") ||
		    imp_match(v, n, i + 1, "政策解讀")))
			return v[i + 4] == 0x8BFB ? "政策解读" : "政策解讀";
	/* 图解 and 一图读懂 pages explain a policy in pictures */
	if (imp_match(v, n, 0, "图解") || imp_match(v, n, 0, "圖解") ||
	    imp_match(v, n, 0, "一图读懂") || imp_match(v, n, 0, "一圖讀懂"))
		return v[0] == 0x56FE || v[1] == 0x56FE ? "政策解读" :
			"政策解讀";
	kind = imp_title_kind(v, n);
	if (kind && strcmp(kind, "解读") == 0)
		return "政策解读";
	if (kind && strcmp(kind, "解讀") == 0)
		return "政策解讀";
	return kind;
}

static void slug(char *out, size_t outsz, const char *name)
{
	const char *base = strrchr(name, '/'), *dot;
	size_t i, n, w = 0;
	uint32_t h = 2166136261u;
	int dash = 0;

	base = base ? base + 1 : name;
	dot = strrchr(base, '.');
	n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	for (i = 0; i < n && w + 1 < outsz && w < 64; i++) {
		unsigned char c = (unsigned char)base[i];
		h = (h ^ c) * 16777619u;
		if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		    (c >= 'a' && c <= 'z') || ((c == '.' || c == '_') && w)) {
			if (dash && w)
				out[w++] = '-';
			if (w + 1 < outsz && w < 64)
				out[w++] = (char)c;
			dash = 0;
		} else {
			dash = 1;
		}
	}
	for (; i < n; i++)
		h = (h ^ (unsigned char)base[i]) * 16777619u;
	out[w] = '\0';
	/* A name with no ASCII letters (a Chinese file name) still gets a
	 * stable id. */
	if (w == 0)
		snprintf(out, outsz, "doc-%08x", (unsigned)h);
}

static int id_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 64 || !imp_is_alnum((unsigned char)s[0]))
		return 0;
	for (i = 1; i < n; i++)
		if (!imp_is_alnum((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '_' && s[i] != '-')
			return 0;
	return 1;
}

/* The code points of a UTF-8 override value, malloc'd. */
static uint32_t *decode(const char *s, size_t *n)
{
	uint32_t *v = malloc((strlen(s) + 1) * sizeof(*v));

	if (v != NULL)
		*n = imp_decode(v, strlen(s) + 1, s);
	return v;
}

static int override_list(folio_strlist *list, importer *im, const char *s)
{
	size_t n;
	uint32_t *v = decode(s, &n);
	int rc;

	if (v == NULL)
		return folio_error_set(im->err, FOLIO_ENOMEM,
			"%s: out of memory", im->name);
	rc = set_list(list, im, v, n, 0, 0);
	free(v);
	return rc;
}

static int override_date(const char **field, importer *im, const char *key,
	const char *s)
{
	char date[16];
	size_t n;
	uint32_t *v = decode(s, &n);
	int ok;

	if (v == NULL)
		return folio_error_set(im->err, FOLIO_ENOMEM,
			"%s: out of memory", im->name);
	ok = imp_line_date(date, im, v, n) && folio_date_valid(date);
	free(v);
	if (!ok)
		return folio_error_set(im->err, FOLIO_EUSAGE, "--meta %s: "
			"expected a calendar date such as 2020-04-27, found "
			"'%s'", key, s);
	return set_text(field, im, date);
}

static int apply_override(importer *im, const folio_meta_override *o)
{
	folio_meta *m = &im->doc->meta;
	const char *v = o->value ? o->value : "";
	const char **field = NULL;

	if (o->key == NULL)
		return folio_error_set(im->err, FOLIO_EUSAGE,
			"--meta: expected KEY=VALUE, found no key");
	if (folio_utf8_check(v, strlen(v)) != strlen(v))
		return folio_error_set(im->err, FOLIO_EUSAGE,
			"--meta %s: expected UTF-8 text, found invalid bytes",
			o->key);
	if (strspn(v, " \t") == strlen(v))
		return folio_error_set(im->err, FOLIO_EUSAGE,
			"--meta %s: expected a value, found none", o->key);
	if (strcmp(o->key, "title") == 0) field = &m->title;
	else if (strcmp(o->key, "subtitle") == 0) field = &m->subtitle;
	else if (strcmp(o->key, "issuer") == 0) field = &m->issuer;
	else if (strcmp(o->key, "doc-number") == 0) field = &m->doc_number;
	else if (strcmp(o->key, "category") == 0) field = &m->category;
	else if (strcmp(o->key, "subject") == 0) field = &m->subject;
	else if (strcmp(o->key, "index-number") == 0)
		field = &m->index_number;
	else if (strcmp(o->key, "printed-by") == 0) field = &m->printed_by;
	else if (strcmp(o->key, "url") == 0) field = &m->url;
	else if (strcmp(o->key, "note") == 0) field = &im->doc->note;
	else if (strcmp(o->key, "keywords") == 0)
		return override_list(&m->keywords, im, v);
	else if (strcmp(o->key, "recipients") == 0)
		return override_list(&m->recipients, im, v);
	else if (strcmp(o->key, "cc") == 0)
		return override_list(&m->cc, im, v);
	if (field != NULL)
		return set_text(field, im, v);
	if (strcmp(o->key, "date") == 0)
		return override_date(&m->date, im, o->key, v);
	if (strcmp(o->key, "printed-date") == 0)
		return override_date(&m->printed_date, im, o->key, v);
	if (strcmp(o->key, "security") == 0) {
		if (!folio_security_valid(v))
			return folio_error_set(im->err, FOLIO_EUSAGE,
				"--meta security: expected 公开, 内部, 秘密, 机密 "
				"or 绝密, found '%s'", v);
		return set_text(&m->security, im, v);
	}
	if (strcmp(o->key, "retention") == 0) {
		if (!folio_retention_valid(v))
			return folio_error_set(im->err, FOLIO_EUSAGE,
				"--meta retention: expected 永久, 定期30年 or "
				"定期10年, found '%s'", v);
		return set_text(&m->retention, im, v);
	}
	if (strcmp(o->key, "id") == 0) {
		if (!id_valid(v))
			return folio_error_set(im->err, FOLIO_EUSAGE,
				"--meta id: expected 1-64 ASCII letters, "
				"digits, '.', '_' or '-' starting with a "
				"letter or digit, found '%s'", v);
		return set_text(&m->id, im, v);
	}
	return folio_error_set(im->err, FOLIO_EUSAGE,
		"--meta: unknown key '%s'; expected one of title, subtitle, "
		"issuer, doc-number, date, category, subject, index-number, "
		"security, retention, keywords, recipients, cc, printed-by, "
		"printed-date, url, note, id", o->key);
}

/* --meta KEY=VALUE checked before anything is read: a typo in a key is
 * a usage error whatever the page holds. */
int imp_apply_overrides(importer *im)
{
	size_t i;
	int rc;

	if (im->opts == NULL)
		return 0;
	for (i = 0; i < im->opts->n_meta; i++)
		if ((rc = apply_override(im, &im->opts->meta[i])) < 0)
			return rc;
	return 0;
}

int folio_import_apply_meta(folio_doc *doc, const char *name,
	const folio_import_options *opts, folio_error *err)
{
	importer im;
	int rc;

	/* The same checks and field rules as an import's overrides, on a
	 * document read from XML; then the model's own checks again. */
	memset(&im, 0, sizeof(im));
	im.doc = doc;
	im.name = name;
	im.opts = opts;
	im.err = err;
	im.out.limit = FOLIO_MAX_TEXT_BYTES + 8;
	rc = imp_apply_overrides(&im);
	folio_buf_free(&im.out);
	if (rc == 0)
		rc = folio_doc_validate(doc, err);
	return rc;
}

static int docnum(importer *im)
{
	const imp_offer *o = &im->offer[F_DOCNUM];
	size_t i;

	if (o->prio == 0 || o->v == NULL)
		return 0;

	if (!imp_line_docnum(&im->out, o->v, o->n)) {
		/* blanks inside a 文号 are never part of it */
		folio_buf_reset(&im->out);
		for (i = 0; i < o->n; i++)
			if (!imp_is_inline_space(o->v[i]) &&
			    folio_buf_put_utf8(&im->out, o->v[i]) < 0)
				return folio_error_set(im->err, FOLIO_ELIMIT,
					"%s: 文号 too long", im->name);
	}
	return folio_doc_text(&im->doc->meta.doc_number, im->doc,
		im->out.data ? im->out.data : "", im->out.len, im->err);
}

static int closing(importer *im)
{
	folio_doc *doc = im->doc;
	imp_para at;
	int rc = 0;

	if (!im->has_closing)
		return 0;
	doc->has_closing = 1;
	memset(&at, 0, sizeof(at));
	if (im->closing_issuer.prio) {
		at.line = im->closing_issuer.line;
		at.vcol = im->closing_issuer.col;
		rc = imp_text(&doc->closing.issuer, im, im->closing_issuer.v,
			im->closing_issuer.n, &at);
	}
	if (rc == 0 && im->closing_date.prio)
		rc = set_text(&doc->closing.date, im, im->closing_date.fixed);
	return rc;
}

int imp_settle(importer *im)
{
	folio_doc *doc = im->doc;
	folio_meta *m = &doc->meta;
	const imp_offer *t = &im->offer[F_TITLE];
	char id[72];
	int rc;

	if ((rc = offered_prose(&m->title, im, F_TITLE)) < 0 ||
	    (rc = offered_prose(&m->subtitle, im, F_SUBTITLE)) < 0 ||
	    (rc = offered(&m->issuer, im, F_ISSUER)) < 0 ||
	    (rc = docnum(im)) < 0 ||
	    (rc = offered(&m->date, im, F_DATE)) < 0 ||
	    (rc = offered(&m->category, im, F_CATEGORY)) < 0 ||
	    (rc = offered(&m->subject, im, F_SUBJECT)) < 0 ||
	    (rc = offered(&m->index_number, im, F_INDEX)) < 0 ||
	    (rc = offered(&m->url, im, F_URL)) < 0 ||
	    (rc = offered(&m->security, im, F_SECURITY)) < 0 ||
	    (rc = offered(&m->printed_by, im, F_PRINTED_BY)) < 0 ||
	    (rc = offered(&m->printed_date, im, F_PRINTED_DATE)) < 0 ||
	    (rc = offered_prose(&doc->note, im, F_NOTE)) < 0 ||
	    (rc = offered_list(&m->keywords, im, F_KEYWORDS, 1)) < 0 ||
	    (rc = offered_list(&m->recipients, im, F_RECIPIENTS, 0)) < 0 ||
	    (rc = offered_list(&m->cc, im, F_CC, 0)) < 0 ||
	    (rc = closing(im)) < 0)
		return rc;
	if (m->category == NULL && t->prio && t->v) {
		const char *cat = title_category(t->v, t->n);
		if (cat != NULL && (rc = set_text(&m->category, im, cat)) < 0)
			return rc;
	}
	if (im->traditional && (rc = set_text(&doc->lang, im, "zh-Hant")) < 0)
		return rc;
	if ((rc = imp_apply_overrides(im)) < 0)
		return rc;
	if (m->id == NULL) {
		slug(id, sizeof(id), im->name);
		if ((rc = set_text(&m->id, im, id)) < 0)
			return rc;
	}
	if (m->title == NULL)
		return folio_error_set(im->err, FOLIO_EINPUT,
			"%s:1:1: expected a title line, found none", im->name);
	if (m->date == NULL)
		return folio_error_set(im->err, FOLIO_EINPUT,
			"%s:1:1: no date found (expected a 成文日期 or 发布日期, "
			"a 落款 date or a date line such as 2020年4月27日); add "
			"--meta date=YYYY-MM-DD", im->name);
	if (m->issuer == NULL)
		return folio_error_set(im->err, FOLIO_EINPUT,
			"%s:1:1: expected an issuer (责任者: a 发文机关, 发布机构 "
			"or 落款), found none; add --meta issuer=NAME",
			im->name);
	return folio_doc_validate(doc, im->err);
}
