/*
 * opds.c - the OPDS 1.2 catalogue: Atom feeds (RFC 4287) with the OPDS
 * link relations and Dublin Core terms (schemas/opds.rng).
 *
 *   opds.xml                 root: acquisition feed of every document
 *   opds/all-N.xml           its further pages (RFC 5005 paging)
 *   opds/years.xml           navigation: one entry per year
 *   opds/year-YYYY[-N].xml   acquisition feed of one year
 *   opds/types.xml           navigation: one entry per 文种
 *   opds/type-<hex>[-N].xml  acquisition feed of one 文种 (<hex>: the
 *                            first 16 hex digits of the SHA-256 of its
 *                            name, so a name never becomes a path)
 *
 * Entries run newest first (date, then 档号). Each carries the EPUB's
 * urn:uuid as dc:identifier and an Atom id of its own (OPDS 1.2 5.1.1:
 * dc:identifier names the publication, never the entry), an alternate
 * link to the document's page and acquisition links to the EPUB and the
 * PDF. Every acquisition feed offers the years and the 文种 as facets.
 */
#include "site/site_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "epub/epub.h"
#include "util/bytes.h"
#include "util/digest.h"
#include "util/extsort.h"

#define ATOM_TYPE "application/atom+xml;profile=opds-catalog"
#define ACQ ATOM_TYPE ";kind=acquisition"
#define NAV ATOM_TYPE ";kind=navigation"
#define REL_ACQ "http://opds-spec.org/acquisition"
#define REL_FACET "http://opds-spec.org/facet"

/* A group of documents: a year or a 文种. */
typedef struct group {
	const char *name;       /* the 文种 (borrowed), or year */
	char year[8];           /* "2024" for a year */
	char path[64];          /* page 1, below site/ */
	char stem[64];          /* pages 2..: stem-N.xml */
	folio_recarray *docs;   /* [first, first + n): its documents, */
	uint64_t first;         /* feed order (borrowed) */
	size_t n;
	int64_t updated;
} group;

/* The feeds are made from what they need of the documents' keys (date
 * and 文种) and their 档号s: sorted on disk past a budget (a record a
 * document, util/extsort.h), then read once in feed order to fill the
 * order and group the years; sorted again by 文种 (and place in the
 * order) for the order by 文种. Each order is 4 bytes a document in a
 * util/recarray written and read in runs (two pages in memory); each
 * entry's text is read back from disk as it is written. */
#define FEED_ORDER_BUDGET (2 * FOLIO_RECARRAY_PAGE)
#define FEED_SORT_BUDGET ((size_t)256 * 1024)

typedef struct feeds {
	site_ctx *c;
	folio_error *err;
	folio_recarray *order;    /* every document, feed order */
	folio_recarray *by_type;  /* every document, by 文种, feed order */
	size_t *type_count;       /* documents of each 文种 */
	group *years, *types;
	size_t n_years, n_types, cap_years;
	uint32_t last_year;       /* of the last document placed */
	int64_t updated;        /* newest of all */
	site_item it;           /* the entry being written */
} feeds;

static int depth_of(const char *path)
{
	int d = 0;

	for (; *path; path++)
		d += *path == '/';
	return d;
}

static void page_path(char *out, size_t outsz, const char *path,
	const char *stem, size_t page)
{
	if (page <= 1)
		snprintf(out, outsz, "%s", path);
	else
		snprintf(out, outsz, "%s-%zu.xml", stem, page);
}

/* A document's place in the feeds, as bytes that sort in feed order:
 * newest first (the date's complement, big-endian), then by 档号, then
 * in batch order for equal 档号s, as a stable sort would leave them;
 * its 文种 follows (not a key: the places differ before it). */
#define TYPE_NONE UINT32_C(0x80000000)   /* in a type: no 文种 given */

size_t site_feed_key(unsigned char *out, uint32_t date, const char *code,
	uint32_t i, uint32_t type)
{
	size_t len = strlen(code);

	folio_put_be32(out, UINT32_MAX - date);
	memcpy(out + 4, code, len + 1);
	folio_put_be32(out + 5 + len, i);
	folio_put_be32(out + 9 + len, type);
	return 13 + len;
}

/* site_doc_updated from a key's date. */
static int64_t key_updated(uint32_t key_date, int64_t epoch)
{
	char date[32];
	int64_t t;

	if (epoch >= 0)
		return epoch;
	snprintf(date, sizeof(date), "%04u-%02u-%02u", key_date / 10000,
		key_date / 100 % 100, key_date % 100);
	t = folio_epub_date_epoch(date);
	return t < 0 ? 0 : t;
}

/* <link rel type href [title] [length]/>; length 0 leaves it out. */
static void feed_link(site_w *w, const site_ctx *c, int depth, const char *rel,
	const char *type, const char *path, const char *title,
	uint64_t length)
{
	char href[SITE_HREF_MAX];

	site_href(href, sizeof(href), c, depth, 1, path);
	w_raw(w, "<link");
	w_attr(w, "rel", rel);
	w_attr(w, "type", type);
	w_attr(w, "href", href);
	if (title)
		w_attr(w, "title", title);
	if (length)
		w_printf(w, " length=\"%llu\"", (unsigned long long)length);
	w_raw(w, "/>\n");
}

static int feed_id(char out[SITE_UUID_MAX], const site_ctx *c,
	const char *what, folio_error *err)
{
	char name[512];

	snprintf(name, sizeof(name), "urn:folio:site:%s:%s",
		c->opts->batch_id ? c->opts->batch_id : "", what);
	return site_uuid(out, name, err);
}

/* The feed's head; its title is title + suffix. */
static int feed_open(site_w *w, const site_ctx *c, const char *what,
	const char *title, const char *suffix, int64_t updated,
	folio_error *err)
{
	char id[SITE_UUID_MAX], t[32];
	int rc;

	if ((rc = feed_id(id, c, what, err)) < 0)
		return rc;
	site_atom_time(t, sizeof(t), updated);
	w_raw(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<feed xmlns=\"http://www.w3.org/2005/Atom\" "
		"xmlns:dc=\"http://purl.org/dc/terms/\" "
		"xmlns:opds=\"http://opds-spec.org/2010/catalog\" "
		"xmlns:thr=\"http://purl.org/syndication/thread/1.0\" "
		"xml:lang=\"zh-CN\">\n  <id>");
	w_text(w, id);
	w_raw(w, "</id>\n  <title>");
	w_text(w, title);
	w_text(w, suffix);
	w_printf(w, "</title>\n  <updated>%s</updated>\n  <author><name>", t);
	w_text(w, c->opts->fonds_name ? c->opts->fonds_name : "folio");
	w_raw(w, "</name></author>\n");
	return 0;
}

/* One OPDS catalogue entry (an acquisition feed's). */
static int entry(site_w *w, const site_ctx *c, const site_doc *d,
	int depth, folio_error *err)
{
	char id[SITE_UUID_MAX], name[SITE_UUID_MAX + 32], t[32], rel[256];
	int rc;

	snprintf(name, sizeof(name), "urn:folio:site:entry:%s", d->uuid);
	if ((rc = site_uuid(id, name, err)) < 0)
		return rc;
	site_atom_time(t, sizeof(t), site_doc_updated(d, c->opts->epoch));
	w_raw(w, "  <entry>\n    <title>");
	w_text(w, d->title);
	w_printf(w, "</title>\n    <id>%s</id>\n    <updated>%s</updated>\n"
		"    <author><name>", id, t);
	w_text(w, d->issuer);
	w_printf(w, "</name></author>\n    <dc:identifier>%s</dc:identifier>"
		"\n    <dc:language>zh-CN</dc:language>\n    <dc:issued>",
		d->uuid);
	w_text(w, d->date);
	w_raw(w, "</dc:issued>\n");
	if (d->category) {
		w_raw(w, "    <category");
		w_attr(w, "term", d->category);
		w_attr(w, "label", d->category);
		w_raw(w, "/>\n");
	}
	if (d->summary) {
		w_raw(w, "    <summary type=\"text\">");
		w_text(w, d->summary);
		w_raw(w, "</summary>\n");
	}
	w_raw(w, "    <content type=\"text\">");
	if (d->doc_number) {
		w_raw(w, "文号：");
		w_text(w, d->doc_number);
		w_raw(w, "；");
	}
	w_raw(w, "档号：");
	w_text(w, d->rec->code);
	w_printf(w, "；页数：%zu</content>\n", d->rec->pages);
	snprintf(rel, sizeof(rel), "docs/%s.html", d->rec->code);
	w_raw(w, "    ");
	feed_link(w, c, depth, "alternate", "text/html", rel, "网页", 0);
	snprintf(rel, sizeof(rel), "files/%s.epub", d->rec->code);
	w_raw(w, "    ");
	feed_link(w, c, depth, REL_ACQ, "application/epub+zip", rel, "EPUB 电子书",
		d->rec->epub_bytes);
	snprintf(rel, sizeof(rel), "files/%s.pdf", d->rec->code);
	w_raw(w, "    ");
	feed_link(w, c, depth, REL_ACQ, "application/pdf", rel, "PDF 版式文件",
		d->rec->pdf_bytes);
	w_raw(w, "  </entry>\n");
	return 0;
}

static void facets(site_w *w, const feeds *f, int depth, const group *active)
{
	static const char *const labels[] = {"年度", "文种"};
	char count[32];
	size_t k, i;

	for (k = 0; k < 2; k++) {
		const group *g = k == 0 ? f->years : f->types;
		size_t n = k == 0 ? f->n_years : f->n_types;
		for (i = 0; i < n; i++) {
			char href[SITE_HREF_MAX];
			site_href(href, sizeof(href), f->c, depth, 1,
				g[i].path);
			w_raw(w, "  <link rel=\"" REL_FACET "\" type=\"" ACQ "\"");
			w_attr(w, "href", href);
			w_attr2(w, "title", g[i].name, k == 0 ? "年" : "");
			w_attr(w, "opds:facetGroup", labels[k]);
			if (&g[i] == active)
				w_raw(w, " opds:activeFacet=\"true\"");
			snprintf(count, sizeof(count), "%zu", g[i].n);
			w_attr(w, "thr:count", count);
			w_raw(w, "/>\n");
		}
	}
}

/* An acquisition feed over docs[0..n), in pages of FOLIO_SITE_FEED_PAGE:
 * path/stem name the pages, title + suffix the feed, up the feed above
 * (NULL for the root). */
static int acquisition_feed(feeds *f, const char *path, const char *stem,
	const char *title, const char *suffix, const group *docs,
	int64_t updated, const char *up, const group *active)
{
	size_t n = docs->n;

	site_ctx *c = f->c;
	size_t pages = n ? (n + FOLIO_SITE_FEED_PAGE - 1) /
		FOLIO_SITE_FEED_PAGE : 1, p, i;
	int depth, rc;

	for (p = 1; p <= pages; p++) {
		char rel[96], other[96];
		site_w w;
		size_t from = (p - 1) * FOLIO_SITE_FEED_PAGE;
		size_t to = from + FOLIO_SITE_FEED_PAGE < n ?
			from + FOLIO_SITE_FEED_PAGE : n;

		page_path(rel, sizeof(rel), path, stem, p);
		depth = depth_of(rel);
		if ((rc = site_file_open(&w, c, rel, f->err)) < 0)
			return rc;
		if ((rc = feed_open(&w, c, path, title, suffix, updated,
			f->err)) < 0) {
			w_abort(&w);
			return rc;
		}
		w_raw(&w, "  ");
		feed_link(&w, c, depth, "self", ACQ, rel, NULL, 0);
		w_raw(&w, "  ");
		feed_link(&w, c, depth, "start", ACQ, "opds.xml", "全部文件", 0);
		if (up) {
			w_raw(&w, "  ");
			feed_link(&w, c, depth, "up", NAV, up, NULL, 0);
		}
		if (pages > 1) {
			page_path(other, sizeof(other), path, stem, 1);
			w_raw(&w, "  ");
			feed_link(&w, c, depth, "first", ACQ, other, NULL, 0);
			if (p > 1) {
				page_path(other, sizeof(other), path, stem,
					p - 1);
				w_raw(&w, "  ");
				feed_link(&w, c, depth, "previous", ACQ, other,
					NULL, 0);
			}
			if (p < pages) {
				page_path(other, sizeof(other), path, stem,
					p + 1);
				w_raw(&w, "  ");
				feed_link(&w, c, depth, "next", ACQ, other, NULL, 0);
			}
			page_path(other, sizeof(other), path, stem, pages);
			w_raw(&w, "  ");
			feed_link(&w, c, depth, "last", ACQ, other, NULL, 0);
		}
		w_raw(&w, "  ");
		feed_link(&w, c, depth, "related", NAV, "opds/years.xml",
			"按年度浏览", 0);
		w_raw(&w, "  ");
		feed_link(&w, c, depth, "related", NAV, "opds/types.xml",
			"按文种浏览", 0);
		w_raw(&w, "  ");
		feed_link(&w, c, depth, "alternate", "text/html", "index.html",
			"文件目录（网页）", 0);
		facets(&w, f, depth, active);
		for (i = from; i < to && w.rc == 0; i++) {
			uint32_t doc;
			if ((rc = folio_recarray_get(docs->docs, docs->first +
				i, &doc, f->err)) < 0 ||
			    (rc = site_item_read(&f->it, c, doc, f->err)) < 0 ||
			    (rc = entry(&w, c, &f->it.doc, depth,
				f->err)) < 0) {
				w_abort(&w);
				return rc;
			}
			w_drain(&w);
		}
		w_raw(&w, "</feed>\n");
		if ((rc = site_file_commit(&w, c, rel)) < 0)
			return rc;
	}
	return 0;
}

/* A navigation feed with one entry per group. */
static int navigation_feed(feeds *f, const char *path, const char *title,
	const group *g, size_t n, const char *suffix)
{
	site_ctx *c = f->c;
	int depth = depth_of(path), rc;
	size_t i;
	site_w w;

	if ((rc = site_file_open(&w, c, path, f->err)) < 0)
		return rc;
	if ((rc = feed_open(&w, c, path, title, "", f->updated,
		f->err)) < 0) {
		w_abort(&w);
		return rc;
	}
	w_raw(&w, "  ");
	feed_link(&w, c, depth, "self", NAV, path, NULL, 0);
	w_raw(&w, "  ");
	feed_link(&w, c, depth, "start", ACQ, "opds.xml", "全部文件", 0);
	w_raw(&w, "  ");
	feed_link(&w, c, depth, "up", ACQ, "opds.xml", "全部文件", 0);
	w_raw(&w, "  ");
	feed_link(&w, c, depth, "alternate", "text/html", "index.html",
		"文件目录（网页）", 0);
	for (i = 0; i < n && w.rc == 0; i++) {
		char id[SITE_UUID_MAX], what[128], t[32], href[SITE_HREF_MAX];
		snprintf(what, sizeof(what), "nav:%s", g[i].path);
		if ((rc = feed_id(id, c, what, f->err)) < 0) {
			w_abort(&w);
			return rc;
		}
		site_atom_time(t, sizeof(t), g[i].updated);
		w_raw(&w, "  <entry>\n    <title>");
		w_text(&w, g[i].name);
		w_text(&w, suffix);
		w_printf(&w, "</title>\n    <id>%s</id>\n    <updated>%s"
			"</updated>\n    <content type=\"text\">%zu 份文件"
			"</content>\n    <link rel=\"subsection\" type=\"" ACQ
			"\"", id, t, g[i].n);
		site_href(href, sizeof(href), c, depth, 1, g[i].path);
		w_attr(&w, "href", href);
		w_attr2(&w, "title", g[i].name, suffix);
		w_raw(&w, "/>\n  </entry>\n");
	}
	w_raw(&w, "</feed>\n");
	return site_file_commit(&w, c, path);
}

/* ---- grouping ---- */

/* Document i, of date date, next in feed order: a new year opens
 * a group (the years come newest first, each once). */
static int add_to_year(feeds *f, size_t place, uint32_t date, int64_t t)
{
	group *y;

	if (f->n_years == 0 || f->last_year != date / 10000) {
		if (f->n_years == f->cap_years) {
			size_t cap = f->cap_years ? 2 * f->cap_years : 8;
			group *g = realloc(f->years, cap * sizeof(*g));
			if (g == NULL)
				return FOLIO_ENOMEM;
			f->years = g;
			f->cap_years = cap;
		}
		y = &f->years[f->n_years++];
		memset(y, 0, sizeof(*y));
		snprintf(y->year, sizeof(y->year), "%04u", date / 10000);
		snprintf(y->path, sizeof(y->path), "opds/year-%s.xml", y->year);
		snprintf(y->stem, sizeof(y->stem), "opds/year-%s", y->year);
		y->docs = f->order;
		y->first = place;
		f->last_year = date / 10000;
	}
	y = &f->years[f->n_years - 1];
	y->n++;
	if (t > y->updated)
		y->updated = t;
	return 0;
}

/* The 文种 groups, empty, in 文种 number order (those of some
 * document), each where its documents start in by_type;
 * type_count[t] becomes the group of 文种 t. */
static int open_types(feeds *f)
{
	const site_ctx *c = f->c;
	size_t nt = c->types.n, t;
	uint64_t start = 0;

	if ((f->types = calloc(nt ? nt : 1, sizeof(*f->types))) == NULL)
		return FOLIO_ENOMEM;
	for (t = 0; t < nt; t++) {
		group *g = &f->types[f->n_types];
		if (f->type_count[t] == 0)
			continue;
		g->name = c->types.names[t];
		g->docs = f->by_type;
		g->first = start;
		start += f->type_count[t];
		f->type_count[t] = f->n_types++;
	}
	return 0;
}

/* A document of 文种 type (| TYPE_NONE when it gave none) next in feed
 * order, counted in its 文种's group: the first names the group's path
 * (its 文种's hash; no 文种: "none"). */
static int add_to_type(feeds *f, uint32_t type, int64_t t)
{
	group *g = &f->types[f->type_count[type & ~TYPE_NONE]];

	if (g->n++ == 0) {
		unsigned char md[FOLIO_SHA256_LEN];
		char hex[65];   /* 16 digits are used */
		if (type & TYPE_NONE)
			snprintf(hex, sizeof(hex), "none");
		else if (folio_sha256(md, g->name, strlen(g->name), NULL) == 0)
			folio_sha256_hex(hex, md);
		else
			return FOLIO_ENOMEM;
		snprintf(g->path, sizeof(g->path), "opds/type-%.16s.xml", hex);
		snprintf(g->stem, sizeof(g->stem), "opds/type-%.16s", hex);
	}
	if (t > g->updated)
		g->updated = t;
	return 0;
}

/* Pass one: every document's feed key into sort, the 文种s counted,
 * the newest date kept. */
static int gather(feeds *f, folio_extsort *sort)
{
	site_ctx *c = f->c;
	unsigned char rec[13 + SITE_CODE_MAX];
	char code[SITE_CODE_MAX];
	size_t i;
	int rc;

	for (i = 0; i < c->n; i++) {
		site_key k;
		int64_t t;
		if ((rc = site_key_get(c, i, &k, f->err)) < 0 ||
		    (rc = site_code(c, i, code, f->err)) < 0 ||
		    (rc = folio_extsort_add(sort, rec, site_feed_key(rec, k.date,
			code, (uint32_t)i, k.type | (k.flags &
			SITE_KEY_NO_TYPE ? TYPE_NONE : 0)), f->err)) < 0)
			return rc;
		if (k.type >= c->types.n)
			return folio_error_set(f->err, FOLIO_EIO, "site: "
				"document %zu: 文种 %u of %zu", i + 1,
				(unsigned)k.type, c->types.n);
		f->type_count[k.type]++;
		t = key_updated(k.date, c->opts->epoch);
		if (t > f->updated)
			f->updated = t;
	}
	return 0;
}

/* Pass two: the documents in feed order into the order, the groups,
 * and by (文种, place, document) into sort_types. */
static int place(feeds *f, folio_extsort *sort, folio_extsort *sort_types)
{
	unsigned char key[12];
	const void *rec;
	size_t len, p;
	int rc;

	if ((rc = open_types(f)) < 0)
		return folio_error_set(f->err, rc, "out of memory");
	for (p = 0; (rc = folio_extsort_next(sort, &rec, &len, f->err)) == 1;
		p++) {
		const unsigned char *r = rec;
		uint32_t date = UINT32_MAX - folio_get_be32(r);
		uint32_t type = folio_get_be32(r + len - 4);
		int64_t t = key_updated(date, f->c->opts->epoch);
		uint32_t i = folio_get_be32(r + len - 8);
		folio_put_be32(key, type & ~TYPE_NONE);
		folio_put_be32(key + 4, (uint32_t)p);
		folio_put_be32(key + 8, i);
		if ((rc = folio_recarray_put(f->order, p, &i, f->err)) < 0 ||
		    (rc = folio_extsort_add(sort_types, key, 12, f->err)) < 0)
			return rc;
		if (add_to_type(f, type, t) < 0 ||
		    add_to_year(f, p, date, t) < 0)
			return folio_error_set(f->err, FOLIO_ENOMEM,
				"out of memory");
	}
	return rc;
}

/* Pass three: the order by 文种, each 文种's documents in feed order
 * (sort_types: 文种, place in the order, document). */
static int place_types(feeds *f, folio_extsort *sort_types)
{
	const void *rec;
	size_t len;
	uint64_t k;
	int rc;

	for (k = 0; (rc = folio_extsort_next(sort_types, &rec, &len,
		f->err)) == 1; k++) {
		uint32_t doc = folio_get_be32((const unsigned char *)rec + 8);
		if ((rc = folio_recarray_put(f->by_type, k, &doc, f->err)) < 0)
			return rc;
	}
	return rc;
}

/* Both orders and the groups. */
static int sort_feeds(feeds *f)
{
	site_ctx *c = f->c;
	const char *beside = c->cache_path;
	folio_extsort *sort = NULL, *sort_types = NULL;
	size_t n = c->n;
	int rc;

	if ((rc = folio_recarray_new(&f->order, beside, sizeof(uint32_t), n,
		FEED_ORDER_BUDGET, 0, f->err)) < 0 ||
	    (rc = folio_recarray_new(&f->by_type, beside, sizeof(uint32_t), n,
		FEED_ORDER_BUDGET, 0, f->err)) < 0 ||
	    (rc = folio_extsort_new(&sort, beside, FEED_SORT_BUDGET,
		f->err)) < 0 ||
	    (rc = folio_extsort_new(&sort_types, beside, FEED_SORT_BUDGET,
		f->err)) < 0)
		goto done;
	f->type_count = calloc(c->types.n + 1, sizeof(*f->type_count));
	if (f->type_count == NULL) {
		rc = folio_error_set(f->err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = gather(f, sort)) < 0 ||
	    (rc = folio_extsort_finish(sort, f->err)) < 0 ||
	    (rc = place(f, sort, sort_types)) < 0)
		goto done;
	folio_extsort_free(sort);
	sort = NULL;
	if ((rc = folio_extsort_finish(sort_types, f->err)) < 0 ||
	    (rc = place_types(f, sort_types)) < 0)
		goto done;
	/* g never moves from here: names point into it. */
	for (n = 0; n < f->n_years; n++)
		f->years[n].name = f->years[n].year;
done:
	folio_extsort_free(sort);
	folio_extsort_free(sort_types);
	return rc;
}

static int by_count_then_name(const void *a, const void *b)
{
	const group *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->name, y->name);
}

int site_write_feeds(site_ctx *c, folio_error *err)
{
	group all;
	feeds f;
	size_t i;
	int rc = 0;

	memset(&f, 0, sizeof(f));
	site_item_init(&f.it);
	f.c = c;
	f.err = err;
	if (c->n == 0 && c->opts->epoch >= 0)
		f.updated = c->opts->epoch;
	if ((rc = sort_feeds(&f)) < 0)
		goto done;
	memset(&all, 0, sizeof(all));
	all.docs = f.order;
	all.n = c->n;
	qsort(f.types, f.n_types, sizeof(*f.types), by_count_then_name);
	if ((rc = acquisition_feed(&f, "opds.xml", "opds/all",
		c->opts->fonds_name ? c->opts->fonds_name : "", " 文件目录",
		&all, f.updated, NULL, NULL)) < 0 ||
	    (rc = navigation_feed(&f, "opds/years.xml", "按年度浏览",
		f.years, f.n_years, "年")) < 0 ||
	    (rc = navigation_feed(&f, "opds/types.xml", "按文种浏览",
		f.types, f.n_types, "")) < 0)
		goto done;
	for (i = 0; i < f.n_years; i++)
		if ((rc = acquisition_feed(&f, f.years[i].path,
			f.years[i].stem, f.years[i].name, "年", &f.years[i],
			f.years[i].updated,
			"opds/years.xml", &f.years[i])) < 0)
			goto done;
	for (i = 0; i < f.n_types; i++)
		if ((rc = acquisition_feed(&f, f.types[i].path,
			f.types[i].stem, f.types[i].name, "", &f.types[i],
			f.types[i].updated,
			"opds/types.xml", &f.types[i])) < 0)
			goto done;
done:
	free(f.years);
	free(f.types);
	free(f.type_count);
	folio_recarray_free(f.order);
	folio_recarray_free(f.by_type);
	site_item_free(&f.it);
	return rc;
}
