/* The print page list: a marker where each page of the PDF begins, and
 * the page-list nav that lists them.
 *
 * Layout knows where every printed page begins (layout/page.h: a part
 * of the document, the block or attachment, a character offset, and
 * whether generated text such as a heading number stands above it).
 * The content writer calls in here at every place such a start can
 * name: before an element (a page beginning with its generated number
 * or label, or with a generated paragraph) and for the source text
 * itself (a page beginning mid-paragraph or mid-heading gets its marker
 * between two characters). Lookups go through an index sorted by
 * (part, key, page), so a book of thousands of pages costs a binary
 * search per block. */
#include "epub/epub_impl.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/page.h"
#include "util/utf8.h"

static const void *key_of(const folio_page_start *s)
{
	switch (s->part) {
	case FOLIO_SOURCE_BLOCK:
		return s->block;
	case FOLIO_SOURCE_ATTACHMENT:
	case FOLIO_SOURCE_ATTACHMENT_NOTE:
		return s->attachment;
	default:
		return NULL;
	}
}

static int generated(int part)
{
	return part >= FOLIO_SOURCE_RECIPIENTS;
}

/* Order of the index: part, key, page. */
static int cmp_key(const epub_page_key *a, int part, const void *key,
	size_t page)
{
	uintptr_t ka = (uintptr_t)a->key, kb = (uintptr_t)key;

	if (a->part != part)
		return a->part < part ? -1 : 1;
	if (ka != kb)
		return ka < kb ? -1 : 1;
	return a->page < page ? -1 : a->page > page;
}

static int cmp_index(const void *x, const void *y)
{
	const epub_page_key *b = y;

	return cmp_key(x, b->part, b->key, b->page);
}

int epub_pages_init(folio_epub_book *b, folio_error *err)
{
	const folio_layout *lay = b->opts ? b->opts->print : NULL;
	const char *src = b->opts ? b->opts->page_source : NULL;
	size_t i;

	if (lay == NULL || lay->n_pages == 0)
		return 0;
	if (src != NULL && strlen(src) >= sizeof(b->page_source))
		return folio_error_set(err, FOLIO_EUSAGE,
			"page source: expected a name of at most %zu bytes, "
			"found %zu", sizeof(b->page_source) - 1, strlen(src));
	b->pages = calloc(lay->n_pages, sizeof(*b->pages));
	b->page_keys = malloc(lay->n_pages * sizeof(*b->page_keys));
	if (b->pages == NULL || b->page_keys == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	b->n_pages = lay->n_pages;
	for (i = 0; i < lay->n_pages; i++) {
		const folio_page_start *s = &lay->pages[i].start;
		epub_page *p = &b->pages[i];
		p->part = (int)s->part;
		p->key = key_of(s);
		p->offset = s->offset;
		p->lead = s->lead;
		/* A style without page numbers still counts its pages. */
		p->number = lay->pages[i].number > 0 ? lay->pages[i].number :
			(int)i + 1;
		b->page_keys[i].part = p->part;
		b->page_keys[i].key = p->key;
		b->page_keys[i].page = i;
	}
	qsort(b->page_keys, b->n_pages, sizeof(*b->page_keys), cmp_index);
	snprintf(b->page_source, sizeof(b->page_source), "%s",
		src != NULL && src[0] != '\0' ? src : "print");
	return 0;
}

/* First entry of page_keys with (part, key), or n_pages. */
static size_t first_of(const folio_epub_book *b, int part, const void *key)
{
	size_t lo = 0, hi = b->n_pages;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_key(&b->page_keys[mid], part, key, 0) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int same(const folio_epub_book *b, size_t at, int part,
	const void *key)
{
	return at < b->n_pages && b->page_keys[at].part == part &&
		b->page_keys[at].key == key;
}

static void marker(folio_epub_book *b, epub_xml *x, const char *href,
	size_t i)
{
	char id[32], label[16];

	snprintf(id, sizeof(id), "page-%zu", i + 1);
	snprintf(label, sizeof(label), "%d", b->pages[i].number);
	xw_start(x, "span");
	epub_type_attr(x, "pagebreak");
	xw_attr(x, "id", id);
	xw_attr(x, "aria-label", label);
	xw_end(x);
	snprintf(b->pages[i].href, sizeof(b->pages[i].href), "%s", href);
}

void epub_mark_page(folio_epub_book *b, epub_xml *x, const char *href,
	size_t i)
{
	if (i >= b->n_pages || i < b->next_page)
		return;  /* out already, as an earlier page's neighbour */
	while (b->next_page <= i)
		marker(b, x, href, b->next_page++);
}

void epub_mark_before(folio_epub_book *b, epub_xml *x, const char *href,
	int part, const void *key)
{
	size_t at;

	if (b->n_pages == 0)
		return;
	for (at = first_of(b, part, key); same(b, at, part, key); at++) {
		size_t i = b->page_keys[at].page;
		if (b->pages[i].lead || generated(part))
			epub_mark_page(b, x, href, i);
	}
}

typedef struct text_marks {
	folio_epub_book *b;
	epub_xml *x;
	const char *href;
	const size_t *page;
} text_marks;

static void emit_text_mark(void *arg, size_t i)
{
	text_marks *t = arg;

	epub_mark_page(t->b, t->x, t->href, t->page[i]);
}

int epub_mark_text(folio_epub_book *b, epub_xml *x, const char *href,
	int part, const void *key, const char *text, folio_error *err)
{
	size_t first, at, n = 0, k, cp = 0, byte = 0, len = strlen(text);
	size_t *bytes = NULL, *page = NULL;
	text_marks t;
	epub_marks m;

	first = b->n_pages ? first_of(b, part, key) : 0;
	for (at = first; same(b, at, part, key); at++)
		n += !b->pages[b->page_keys[at].page].lead;
	if (n == 0) {
		epub_inline(x, text);
		return 0;
	}
	bytes = malloc(n * sizeof(*bytes));
	page = malloc(n * sizeof(*page));
	if (bytes == NULL || page == NULL) {
		free(bytes);
		free(page);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	/* Pages of one key sort in page order, hence in offset order:
	 * code point offsets become byte offsets in one pass. */
	for (k = 0, at = first; same(b, at, part, key); at++) {
		size_t i = b->page_keys[at].page;
		if (b->pages[i].lead)
			continue;
		while (cp < b->pages[i].offset && byte < len) {
			uint32_t c;
			size_t l = folio_utf8_decode(text + byte, len - byte, &c);
			byte += l ? l : 1;
			cp++;
		}
		bytes[k] = byte;
		page[k++] = i;
	}
	t.b = b;
	t.x = x;
	t.href = href;
	t.page = page;
	m.at = bytes;
	m.n = n;
	m.emit = emit_text_mark;
	m.arg = &t;
	epub_inline_marked(x, text, &m);
	free(bytes);
	free(page);
	return 0;
}

int epub_page_starts_in(const folio_epub_book *b, int part,
	const void *key)
{
	return b->n_pages > 0 && same(b, first_of(b, part, key), part, key);
}

void epub_mark_rest(folio_epub_book *b, epub_xml *x, const char *href)
{
	if (b->n_pages > 0)
		epub_mark_page(b, x, href, b->n_pages - 1);
}

void epub_write_page_list(const folio_epub_book *b, epub_xml *x)
{
	char href[64], label[16];
	size_t i;

	if (b->n_pages == 0)
		return;
	xw_start(x, "nav");
	epub_type_attr(x, "page-list");
	xw_attr(x, "id", "page-list");
	xw_attr(x, "hidden", "hidden");
	xw_leaf(x, "h2", NULL, "页码");
	xw_start(x, "ol");
	for (i = 0; i < b->n_pages; i++) {
		snprintf(href, sizeof(href), "%s#page-%zu", b->pages[i].href,
			i + 1);
		snprintf(label, sizeof(label), "%d", b->pages[i].number);
		xw_start(x, "li");
		xw_start(x, "a");
		xw_attr(x, "href", href);
		xw_text(x, label);
		xw_end(x);
		xw_end(x);
	}
	xw_end(x);
	xw_end(x);
}
