/*
 * docmeta.c - what the site shows of a document, taken from the model.
 *
 * The identifier is the EPUB's own (folio_epub_uuid), so the feed's
 * dc:identifier and the book's can never disagree. Heading labels carry
 * the generated numbers exactly as the EPUB's navigation does.
 */
#include "site/site_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "epub/epub.h"
#include "util/digest.h"
#include "util/utf8.h"

/* The summary keeps collecting paragraphs until it has this many code
 * points, so a one-line opening ("现将有关事项通知如下：") is not all
 * a reader sees. */
#define SUMMARY_MIN_CHARS 60
/* A sentence end this early or later is a good place to stop. */
#define SUMMARY_MIN_CUT 40

static char *dup_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? strdup(s) : NULL;
}

void site_doc_clear(site_doc *d)
{
	size_t i;

	free(d->title);
	free(d->subtitle);
	free(d->doc_number);
	free(d->issuer);
	free(d->date);
	free(d->category);
	free(d->summary);
	for (i = 0; i < d->n_outline; i++)
		free(d->outline[i].label);
	free(d->outline);
	d->title = d->subtitle = d->doc_number = d->issuer = d->date = NULL;
	d->category = d->summary = NULL;
	d->outline = NULL;
	d->n_outline = 0;
}

/* ---- outline ---- */

typedef struct outline {
	site_heading *items;
	size_t n, cap;
	folio_numbering numbering;
} outline;

static int outline_add(outline *o, int level, const char *num,
	const char *text)
{
	size_t len = strlen(num) + strlen(text) + 4;
	site_heading *h;
	char *label;

	if (o->n == o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 16;
		h = realloc(o->items, cap * sizeof(*h));
		if (h == NULL)
			return FOLIO_ENOMEM;
		o->items = h;
		o->cap = cap;
	}
	label = malloc(len);
	if (label == NULL)
		return FOLIO_ENOMEM;
	/* 第一章　总则: chapter and section words take an ideographic space,
	 * as in print and in the EPUB's navigation; 一、 does not. */
	len = strlen(num);
	snprintf(label, strlen(num) + strlen(text) + 4, "%s%s%s", num,
		len >= 3 && (strcmp(num + len - 3, "章") == 0 ||
		strcmp(num + len - 3, "节") == 0) ? "\xe3\x80\x80" : "", text);
	o->items[o->n].level = level;
	o->items[o->n].label = label;
	o->n++;
	return 0;
}

static int outline_walk(outline *o, const folio_block *b)
{
	char num[64];
	int index = 0, rc;

	for (; b != NULL; b = b->next) {
		if (b->kind != FOLIO_BLOCK_SECTION)
			continue;
		index++;
		folio_doc_heading_number(num, sizeof(num), o->numbering,
			FOLIO_BLOCK_SECTION, b->level, index);
		if ((rc = outline_add(o, b->level < 1 ? 1 : b->level, num,
			b->text ? b->text : "")) < 0 ||
		    (rc = outline_walk(o, b->children)) < 0)
			return rc;
	}
	return 0;
}

/* ---- summary ---- */

/* Paragraph texts in reading order, appended to b until it holds at
 * least SUMMARY_MIN_CHARS code points. */
static int collect(folio_buf *b, size_t *chars, const folio_block *bl)
{
	int rc;

	for (; bl != NULL && *chars < SUMMARY_MIN_CHARS; bl = bl->next) {
		if (bl->kind == FOLIO_BLOCK_PARA && bl->text != NULL &&
		    bl->text[0] != '\0') {
			if ((rc = folio_buf_puts(b, bl->text)) < 0)
				return rc;
			*chars += folio_utf8_count(bl->text);
		} else if (bl->children != NULL &&
			(rc = collect(b, chars, bl->children)) < 0) {
			return rc;
		}
	}
	return 0;
}

static int sentence_end(uint32_t cp)
{
	return cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F; /* 。！？ */
}

int site_summary(char **out, const folio_doc *doc)
{
	const folio_attachment *a;
	folio_buf b = {0};
	size_t chars = 0, i = 0, k, cut = 0, count = 0;
	uint32_t cp;
	int rc;

	*out = NULL;
	b.limit = (size_t)4 * 1024 * 1024;
	rc = collect(&b, &chars, doc->body);
	for (a = doc->attachments; rc == 0 && chars == 0 && a; a = a->next)
		rc = collect(&b, &chars, a->body);
	if (rc < 0 || b.len == 0) {
		folio_buf_free(&b);
		return rc;
	}
	if (chars <= SITE_SUMMARY_CHARS) {
		*out = b.data;   /* the whole text: nothing left out */
		return 0;
	}
	while (i < b.len && count < SITE_SUMMARY_CHARS) {
		k = folio_utf8_decode(b.data + i, b.len - i, &cp);
		if (k == 0)
			break;
		i += k;
		count++;
		if (sentence_end(cp) && count >= SUMMARY_MIN_CUT)
			cut = i;
	}
	if (cut > 0) {
		b.len = cut;
	} else {
		b.len = i;
		/* Cut mid-sentence: say so. */
		b.data[b.len] = '\0';
		if ((rc = folio_buf_puts(&b, "……")) < 0) {
			folio_buf_free(&b);
			return rc;
		}
	}
	b.data[b.len] = '\0';
	*out = b.data;
	return 0;
}

int site_doc_from_model(site_doc *d, const folio_doc *doc, folio_error *err)
{
	const folio_meta *m = &doc->meta;
	outline o;
	int rc;

	memset(&o, 0, sizeof(o));
	o.numbering = doc->numbering;
	site_doc_clear(d);
	if ((rc = folio_epub_uuid(d->uuid, sizeof(d->uuid), m, err)) < 0)
		return rc;
	d->title = dup_or_null(m->title);
	d->issuer = dup_or_null(m->issuer);
	d->date = dup_or_null(m->date);
	d->subtitle = dup_or_null(m->subtitle);
	d->doc_number = dup_or_null(m->doc_number);
	d->category = dup_or_null(m->category);
	if (d->title == NULL || d->issuer == NULL || d->date == NULL ||
	    (m->subtitle && m->subtitle[0] && d->subtitle == NULL) ||
	    (m->doc_number && m->doc_number[0] && d->doc_number == NULL) ||
	    (m->category && m->category[0] && d->category == NULL) ||
	    site_summary(&d->summary, doc) < 0 ||
	    outline_walk(&o, doc->body) < 0) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "%s: out of memory "
			"(or a required title, issuer or date is missing)",
			doc->source_path ? doc->source_path : "source");
		d->outline = o.items;
		d->n_outline = o.n;
		site_doc_clear(d);
		return rc;
	}
	d->outline = o.items;
	d->n_outline = o.n;
	d->read = 1;
	return 0;
}

/* ---- names, dates, sizes ---- */

/* Characters a download name must not carry: what Windows, macOS or
 * Linux refuse in a file name, controls, and invisible format
 * characters that could disguise a name (bidi overrides, zero widths). */
static int unsafe_in_name(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) ||
		(cp < 0x80 && strchr("/\\:*?\"<>|", (int)cp) != NULL) ||
		(cp >= 0x200B && cp <= 0x200F) ||
		(cp >= 0x2028 && cp <= 0x202E) ||
		(cp >= 0x2060 && cp <= 0x206F) || cp == 0xFEFF ||
		folio_is_space(cp);
}

void site_download_name(char *out, size_t outsz, const char *code,
	const char *title)
{
	size_t n = strlen(title), i = 0, k, len, max;
	int last_sub = 1;     /* no '_' right after the '-' */
	uint32_t cp;

	len = (size_t)snprintf(out, outsz, "%s-", code);
	if (len >= outsz) {
		out[outsz - 1] = '\0';
		return;
	}
	max = len + FOLIO_SITE_TITLE_BYTES;
	if (max > outsz - 1)
		max = outsz - 1;
	while (i < n) {
		k = folio_utf8_decode(title + i, n - i, &cp);
		if (k == 0) {
			k = 1;
			cp = 0;   /* invalid byte: treated as unsafe */
		}
		if (unsafe_in_name(cp)) {
			if (!last_sub && len + 1 <= max)
				out[len++] = '_';
			last_sub = 1;
		} else {
			if (len + k > max)
				break;
			memcpy(out + len, title + i, k);
			len += k;
			last_sub = 0;
		}
		i += k;
	}
	/* No trailing '_', '.' or '-': some systems drop or refuse them. */
	while (len > 0 && (out[len - 1] == '_' || out[len - 1] == '.' ||
		out[len - 1] == '-'))
		len--;
	out[len] = '\0';
}

void site_date_cn(char *out, size_t outsz, const char *date)
{
	int y, m, d;

	if (date != NULL && sscanf(date, "%4d-%2d-%2d", &y, &m, &d) == 3)
		snprintf(out, outsz, "%d年%d月%d日", y, m, d);
	else
		snprintf(out, outsz, "%s", date ? date : "");
}

void site_size(char *out, size_t outsz, uint64_t bytes)
{
	if (bytes >= 1024ULL * 1024)
		snprintf(out, outsz, "%.1f MB",
			(double)bytes / (1024.0 * 1024.0));
	else if (bytes >= 1024)
		snprintf(out, outsz, "%.1f KB", (double)bytes / 1024.0);
	else
		snprintf(out, outsz, "%llu B", (unsigned long long)bytes);
}

/* RFC 4122 name space for URLs (the same as the EPUB's identifiers); the
 * names hashed here are folio URNs of feeds and entries. */
static const unsigned char ns_url[16] = {
	0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
	0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8
};

int site_uuid(char out[SITE_UUID_MAX], const char *name, folio_error *err)
{
	unsigned char md[FOLIO_SHA1_LEN];
	folio_buf b = {0};
	int rc;

	b.limit = (size_t)64 * 1024;
	if (folio_buf_append(&b, ns_url, sizeof(ns_url)) < 0 ||
	    folio_buf_puts(&b, name) < 0) {
		folio_buf_free(&b);
		return folio_error_set(err, FOLIO_ELIMIT,
			"feed name too long for an identifier");
	}
	rc = folio_sha1(md, b.data, b.len, err);
	folio_buf_free(&b);
	if (rc < 0)
		return rc;
	md[6] = (unsigned char)((md[6] & 0x0F) | 0x50);
	md[8] = (unsigned char)((md[8] & 0x3F) | 0x80);
	snprintf(out, SITE_UUID_MAX, "urn:uuid:%02x%02x%02x%02x-%02x%02x-"
		"%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", md[0], md[1],
		md[2], md[3], md[4], md[5], md[6], md[7], md[8], md[9], md[10],
		md[11], md[12], md[13], md[14], md[15]);
	return 0;
}

void site_atom_time(char *out, size_t outsz, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int64_t site_doc_updated(const site_doc *d, int64_t epoch)
{
	int64_t t;

	if (epoch >= 0)
		return epoch;
	t = d->date ? folio_epub_date_epoch(d->date) : -1;
	return t < 0 ? 0 : t;
}
