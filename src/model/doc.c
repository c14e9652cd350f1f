#include "model/doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/unicode.h"
#include "util/utf8.h"

int folio_doc_new(folio_doc **out, const char *source_path, folio_error *err)
{
	folio_doc *doc;
	folio_arena *a = folio_arena_new(0);

	*out = NULL;
	if (a == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	doc = folio_arena_alloc(a, sizeof(*doc));
	if (doc == NULL) {
		folio_arena_free(a);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	doc->arena = a;
	doc->source_path = folio_arena_strdup(a, source_path ? source_path : "-");
	if (doc->source_path == NULL) {
		folio_arena_free(a);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	*out = doc;
	return 0;
}

void folio_doc_free(folio_doc *doc)
{
	if (doc != NULL)
		folio_arena_free(doc->arena);
}

/* The end of s[start, end) without its trailing white space; with
 * `blanks`, with the ideographic spaces that directly follow the last
 * character. */
static size_t trim_end(const char *s, size_t start, size_t end, int blanks)
{
	size_t content = end, k;
	uint32_t cp;

	while (content > start) {
		k = content - 1;
		while (k > start && ((unsigned char)s[k] & 0xC0) == 0x80)
			k--;
		folio_utf8_decode(s + k, content - k, &cp);
		if (!folio_is_space(cp))
			break;
		content = k;
	}
	if (!blanks || content == start)
		return content;
	while (end - content >= 3 && memcmp(s + content, "\u3000", 3) == 0)
		content += 3;
	return content;
}

static int text_in(const char **out, folio_doc *doc, const char *s,
	size_t n, int blanks, folio_error *err)
{
	folio_buf b = {0};
	size_t start = 0, end = n, len, bad;
	uint32_t cp;
	char *copy;
	int rc;

	*out = NULL;
	if (n > FOLIO_MAX_TEXT_BYTES)
		return folio_error_set(err, FOLIO_ELIMIT,
			"%s: a text of %zu bytes exceeds the limit of %zu bytes",
			doc->source_path, n, FOLIO_MAX_TEXT_BYTES);
	bad = folio_utf8_check(s, n);
	if (bad != n)
		return folio_error_set(err, FOLIO_EINPUT,
			"%s: invalid UTF-8 at text byte %zu", doc->source_path,
			bad);
	/* Trim white space at both ends: an XML source's indentation and
	 * line ends around an element's text, ideographic spaces typed
	 * before a pasted paragraph as its indent (the style indents), and
	 * blanks padding a name or a title. In a paragraph, ideographic
	 * spaces right after the last character stay: typed there they are
	 * a form's blank (填表人：　　　　), content whose width print and
	 * EPUB keep. */
	while (start < end) {
		len = folio_utf8_decode(s + start, end - start, &cp);
		if (!folio_is_space(cp))
			break;
		start += len;
	}
	end = trim_end(s, start, end, blanks);
	b.limit = FOLIO_MAX_TEXT_BYTES * 2;
	rc = folio_nfc_append(&b, s + start, end - start, err);
	if (rc < 0)
		goto done;
	copy = folio_arena_strndup(doc->arena, b.data ? b.data : "", b.len);
	if (copy == NULL) {
		rc = folio_error_set(err, FOLIO_ELIMIT,
			"%s: document exceeds the memory limit",
			doc->source_path);
		goto done;
	}
	*out = copy;
done:
	folio_buf_free(&b);
	return rc;
}

int folio_doc_text(const char **out, folio_doc *doc, const char *s,
	size_t n, folio_error *err)
{
	return text_in(out, doc, s, n, 0, err);
}

int folio_doc_para_text(const char **out, folio_doc *doc, const char *s,
	size_t n, folio_error *err)
{
	return text_in(out, doc, s, n, 1, err);
}

folio_block *folio_doc_block(folio_doc *doc, folio_block_kind kind)
{
	folio_block *b = folio_arena_alloc(doc->arena, sizeof(*b));
	if (b != NULL)
		b->kind = kind;
	return b;
}

int folio_strlist_push(folio_strlist *list, folio_doc *doc, const char *s,
	folio_error *err)
{
	const char **items;

	/* Arena memory is not reallocated: copy into a larger array. Lists
	 * (keywords, recipients) are short, so the quadratic cost is nil. */
	items = folio_arena_alloc(doc->arena, (list->count + 1) * sizeof(*items));
	if (items == NULL)
		return folio_error_set(err, FOLIO_ELIMIT,
			"%s: document exceeds the memory limit",
			doc->source_path);
	if (list->count)
		memcpy(items, list->items, list->count * sizeof(*items));
	items[list->count++] = s;
	list->items = items;
	return 0;
}

const char *const folio_retentions[] = {"永久", "定期30年", "定期10年",
	NULL};

const char *const folio_securities[] = {"公开", "内部", "秘密", "机密",
	"绝密", NULL};

static int one_of(const char *s, const char *const *values)
{
	size_t i;

	for (i = 0; s != NULL && values[i] != NULL; i++)
		if (strcmp(s, values[i]) == 0)
			return 1;
	return 0;
}

int folio_retention_valid(const char *s)
{
	return one_of(s, folio_retentions);
}

int folio_security_valid(const char *s)
{
	return one_of(s, folio_securities);
}

int folio_date_valid(const char *s)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31};
	int y, m, d, i, leap;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1000 || m < 1 || m > 12 || d < 1)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

void folio_cn_numeral(char *out, size_t outsz, int n)
{
	static const char *digit[] = {"零", "一", "二", "三", "四", "五", "六",
		"七", "八", "九"};
	static const char *unit[] = {"", "十", "百", "千", "万"};
	int d[5], i, top, zero = 0;
	size_t len = 0;

	out[0] = '\0';
	if (n <= 0 || n > 99999) {
		snprintf(out, outsz, "%d", n);
		return;
	}
	for (i = 0; i < 5; i++) {
		d[i] = n % 10;
		n /= 10;
	}
	for (top = 4; top > 0 && d[top] == 0; top--)
		;
	for (i = top; i >= 0; i--) {
		if (d[i] == 0) {
			zero = 1;
			continue;
		}
		if (zero) {
			len += (size_t)snprintf(out + len, outsz - len, "%s", digit[0]);
			zero = 0;
		}
		/* 十一 not 一十一 when the number starts with the tens digit. */
		if (!(i == 1 && d[i] == 1 && top == 1))
			len += (size_t)snprintf(out + len, outsz - len, "%s",
				digit[d[i]]);
		len += (size_t)snprintf(out + len, outsz - len, "%s", unit[i]);
		if (len >= outsz)
			return;
	}
}

void folio_doc_heading_number(char *out, size_t outsz,
	folio_numbering numbering, folio_block_kind kind, int level, int index)
{
	char cn[64];

	folio_cn_numeral(cn, sizeof(cn), index);
	if (kind == FOLIO_BLOCK_ARTICLE) {
		snprintf(out, outsz, "第%s条", cn);
		return;
	}
	if (numbering == FOLIO_NUMBERING_CHAPTERS && level <= 2) {
		snprintf(out, outsz, "第%s%s", cn, level == 1 ? "章" : "节");
		return;
	}
	if (numbering == FOLIO_NUMBERING_PARTS && level == 1) {
		snprintf(out, outsz, "第%s部分", cn);
		return;
	}
	if (numbering == FOLIO_NUMBERING_CHAPTERS)
		level -= 2;
	else if (numbering == FOLIO_NUMBERING_PARTS)
		level -= 1;
	switch (level) {
	case 1: snprintf(out, outsz, "%s、", cn); break;
	case 2: snprintf(out, outsz, "（%s）", cn); break;
	case 3: snprintf(out, outsz, "%d.", index); break;
	default: snprintf(out, outsz, "（%d）", index); break;
	}
}

int folio_doc_traditional(const folio_doc *doc)
{
	const char *l = doc ? doc->lang : NULL;

	return l != NULL && (strcmp(l, "zh-Hant") == 0 ||
		strncmp(l, "zh-Hant-", 8) == 0 || strcmp(l, "zh-TW") == 0 ||
		strcmp(l, "zh-HK") == 0 || strcmp(l, "zh-MO") == 0);
}

void folio_doc_number(char *out, size_t outsz, const folio_doc *doc,
	folio_block_kind kind, int level, int index)
{
	char *p;

	folio_doc_heading_number(out, outsz, doc->numbering, kind, level,
		index);
	if (!folio_doc_traditional(doc))
		return;
	/* 条 -> 條, 节 -> 節: the only characters of generated numbers
	 * that differ between the scripts. */
	if ((p = strstr(out, "条")) != NULL)
		memcpy(p, "條", 3);
	if ((p = strstr(out, "节")) != NULL)
		memcpy(p, "節", 3);
}

static int require(const folio_doc *doc, const char *value, const char *name,
	folio_error *err)
{
	if (value == NULL || value[0] == '\0')
		return folio_error_set(err, FOLIO_EINPUT,
			"%s:1:1: expected a %s, found none", doc->source_path,
			name);
	return 0;
}

int folio_doc_validate(const folio_doc *doc, folio_error *err)
{
	const folio_meta *m = &doc->meta;
	int rc;

	if ((rc = require(doc, m->title, "title", err)) < 0 ||
	    (rc = require(doc, m->issuer, "issuer (责任者)", err)) < 0 ||
	    (rc = require(doc, m->date, "date", err)) < 0)
		return rc;
	if (!folio_date_valid(m->date))
		return folio_error_set(err, FOLIO_EINPUT,
			"%s:1:1: expected a calendar date YYYY-MM-DD, found '%s'",
			doc->source_path, m->date);
	if (m->printed_date && !folio_date_valid(m->printed_date))
		return folio_error_set(err, FOLIO_EINPUT,
			"%s:1:1: expected a printed-date YYYY-MM-DD, found '%s'",
			doc->source_path, m->printed_date);
	if (m->retention && !folio_retention_valid(m->retention))
		return folio_error_set(err, FOLIO_EINPUT,
			"%s:1:1: expected retention 永久, 定期30年 or 定期10年, "
			"found '%s'", doc->source_path, m->retention);
	return 0;
}
