/* Unit tests for src/site/: the QR adapter's module matrix, base URLs,
 * download names, escaping, the summary and outline taken from a
 * document, the page renderer and the site cache. The whole site (links,
 * feeds against schemas/opds.rng, feedparser, Chromium, zbarimg) is
 * judged by tests/e2e/site.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "epub/epub.h"
#include "model/xml_read.h"
#include "util/digest.h"
#include "util/qr.h"
#include "site/site.h"
#include "site/site_impl.h"
#include "util/utf8.h"
#include "util/xml.h"

#define URL "https://docs.example.org/j012/2024/docs/J012-2024-D30-0001.html"

/* ---- QR ---- */

/* The 7x7 finder pattern with its top-left module at (x, y): a dark
 * ring, a light ring, a dark 3x3 centre (ISO/IEC 18004 6.3.3). */
static void assert_finder(const folio_qr *q, int x0, int y0)
{
	int x, y;

	for (y = 0; y < 7; y++)
		for (x = 0; x < 7; x++) {
			int ring = x == 0 || y == 0 || x == 6 || y == 6;
			int centre = x >= 2 && x <= 4 && y >= 2 && y <= 4;
			assert_int_equal(q->dark[(y0 + y) * q->size + x0 + x],
				ring || centre);
		}
}

static void qr_matrix_has_the_symbol_structure(void **state)
{
	folio_error err = {0};
	folio_qr *q = NULL;
	int i;

	(void)state;
	assert_int_equal(folio_qr_encode(&q, URL, &err), 0);
	assert_non_null(q);
	/* Version v is 17 + 4v modules wide; 68 bytes at level M need v5. */
	assert_int_equal(q->size, 17 + 4 * q->version);
	assert_true(q->version >= 4 && q->version <= 6);
	assert_finder(q, 0, 0);
	assert_finder(q, q->size - 7, 0);
	assert_finder(q, 0, q->size - 7);
	/* Timing patterns: row and column 6 alternate between finders. */
	for (i = 8; i < q->size - 8; i++) {
		assert_int_equal(q->dark[6 * q->size + i], i % 2 == 0);
		assert_int_equal(q->dark[i * q->size + 6], i % 2 == 0);
	}
	/* Only 0 and 1: no libqrencode flag bit leaks out. */
	for (i = 0; i < q->size * q->size; i++)
		assert_true(q->dark[i] == 0 || q->dark[i] == 1);
	folio_qr_free(q);
	folio_qr_free(NULL);
}

static void qr_is_deterministic_and_grows_with_text(void **state)
{
	folio_error err = {0};
	folio_qr *a = NULL, *b = NULL, *c = NULL;
	char long_url[600];

	(void)state;
	assert_int_equal(folio_qr_encode(&a, URL, &err), 0);
	assert_int_equal(folio_qr_encode(&b, URL, &err), 0);
	assert_int_equal(a->size, b->size);
	assert_memory_equal(a->dark, b->dark, (size_t)(a->size * a->size));
	memset(long_url, 'a', sizeof(long_url) - 1);
	memcpy(long_url, "https://", 8);
	long_url[sizeof(long_url) - 1] = '\0';
	assert_int_equal(folio_qr_encode(&c, long_url, &err), 0);
	assert_true(c->version > a->version);
	folio_qr_free(a);
	folio_qr_free(b);
	folio_qr_free(c);
}

static void qr_refuses_what_it_cannot_carry(void **state)
{
	folio_error err = {0};
	folio_qr *q = NULL;
	char *big;

	(void)state;
	assert_int_equal(folio_qr_encode(&q, "", &err), FOLIO_EUSAGE);
	assert_null(q);
	err.msg[0] = '\0';
	assert_int_equal(folio_qr_encode(&q, "https://例子.cn/", &err),
		FOLIO_EUSAGE);
	assert_non_null(strstr(err.msg, "printable ASCII"));
	err.msg[0] = '\0';
	assert_int_equal(folio_qr_encode(&q, "a b", &err), FOLIO_EUSAGE);
	big = malloc(FOLIO_QR_MAX_TEXT + 2);
	assert_non_null(big);
	memset(big, 'a', FOLIO_QR_MAX_TEXT + 1);
	big[FOLIO_QR_MAX_TEXT + 1] = '\0';
	err.msg[0] = '\0';
	assert_int_equal(folio_qr_encode(&q, big, &err), FOLIO_ELIMIT);
	free(big);
	assert_null(q);
}

/* ---- base URL ---- */

static void base_url_is_normalised_or_refused(void **state)
{
	static const struct { const char *url, *why; } bad[] = {
		{"ftp://example.org/", "https://"},
		{"example.org/", "https://"},
		{"https:///x/", "host name"},
		{"https://-x.org/", "host name"},
		{"https://x.org:/", "port number"},
		{"https://x.org/a b/", "byte 0x20 at position 16"},
		{"https://x.org/a\"b/", "found '\"'"},
		{"https://x.org/<script>/", "found '<'"},
		{"https://x.org/?q=1", "found '?'"},
		{"https://x.org/#top", "found '#'"},
		{"https://x.org/%zz/", "two hex"},
		{"https://x.org/a/../b/", "'..' segments"},
		{"https://x.org/./", "'..' segments"},
		{"https://x.org/\xe6\x96\x87/", "byte 0xe6"},
		{"https://x.org\\a/", "after the host"},
	};
	char out[FOLIO_SITE_URL_MAX + 2], *big;
	folio_error err = {0};
	size_t i;

	(void)state;
	assert_int_equal(folio_site_base_url(out, sizeof(out),
		"https://docs.example.org/j012/2024", &err), 0);
	assert_string_equal(out, "https://docs.example.org/j012/2024/");
	assert_int_equal(folio_site_base_url(out, sizeof(out),
		"http://192.168.1.10:8080/", &err), 0);
	assert_string_equal(out, "http://192.168.1.10:8080/");
	assert_int_equal(folio_site_base_url(out, sizeof(out),
		"https://x.org", &err), 0);
	assert_string_equal(out, "https://x.org/");
	assert_int_equal(folio_site_base_url(out, sizeof(out),
		"https://x.org/%E6%96%87%E4%BB%B6/..a/", &err), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(folio_site_base_url(out, sizeof(out),
			bad[i].url, &err), FOLIO_EUSAGE);
		if (strstr(err.msg, bad[i].why) == NULL)
			fail_msg("%s: expected \"%s\" in \"%s\"", bad[i].url,
				bad[i].why, err.msg);
	}
	big = malloc(FOLIO_SITE_URL_MAX + 2);
	assert_non_null(big);
	memset(big, 'a', FOLIO_SITE_URL_MAX + 1);
	memcpy(big, "https://x.org/", 14);
	big[FOLIO_SITE_URL_MAX + 1] = '\0';
	memset(&err, 0, sizeof(err));
	assert_int_equal(folio_site_base_url(out, sizeof(out), big, &err),
		FOLIO_EUSAGE);
	assert_non_null(strstr(err.msg, "at most 1024 bytes"));
	free(big);
}

/* ---- names, escaping ---- */

static void download_names_are_safe(void **state)
{
	char out[SITE_NAME_MAX], title[1024];
	size_t i;

	(void)state;
	site_download_name(out, sizeof(out), "J012-2024-Y-0002",
		"关于《办法》的通知");
	assert_string_equal(out, "J012-2024-Y-0002-关于《办法》的通知");
	site_download_name(out, sizeof(out), "C", "a/b\\c:d*e?f\"g<h>i|j");
	assert_string_equal(out, "C-a_b_c_d_e_f_g_h_i_j");
	/* Runs of unsafe characters and spaces become one '_'; none at
	 * either end; no trailing dot. */
	site_download_name(out, sizeof(out), "C", "  ..a \t\n b  ?? .");
	assert_string_equal(out, "C-..a_b");
	/* Bidi overrides and zero widths could disguise a name. */
	site_download_name(out, sizeof(out), "C",
		"x\xe2\x80\xaegpj.exe\xe2\x80\x8b");
	assert_string_equal(out, "C-x_gpj.exe");
	site_download_name(out, sizeof(out), "C", "???");
	assert_string_equal(out, "C");
	/* A long title is cut on a character boundary. */
	title[0] = '\0';
	for (i = 0; i < 100; i++)
		strcat(title, "档");
	site_download_name(out, sizeof(out), "C", title);
	assert_true(strlen(out) <= 2 + FOLIO_SITE_TITLE_BYTES);
	assert_int_equal(folio_utf8_check(out, strlen(out)), strlen(out));
	assert_int_equal((strlen(out) - 2) % 3, 0);
}

static void markup_escapes_user_text(void **state)
{
	folio_error err = {0};
	site_w w;

	(void)state;
	w_init(&w, "t", &err);
	w_text(&w, "<script>alert(\"x\")</script> & '标题'");
	w_attr(&w, "title", "a\"b<c>&d\te\nf");
	assert_int_equal(w.rc, 0);
	assert_string_equal(w.b.data, "&lt;script&gt;alert(\"x\")&lt;/script"
		"&gt; &amp; '标题' title=\"a&quot;b&lt;c&gt;&amp;d&#9;e&#10;f\"");
	w_free(&w);
	/* What XML cannot carry is refused, never dropped. */
	w_init(&w, "page.html", &err);
	w_text(&w, "a\x01" "b");
	assert_int_equal(w.rc, FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "page.html"));
	w_raw(&w, "more");   /* no-op after a failure */
	w_free(&w);
	memset(&err, 0, sizeof(err));
	w_init(&w, "t", &err);
	w_text(&w, "\xef\xbf\xbe");   /* U+FFFE */
	assert_int_equal(w.rc, FOLIO_EINPUT);
	w_free(&w);
}

/* ---- from the model ---- */

static folio_doc *doc_from(const char *body, const char *numbering)
{
	char xml[8192];
	folio_error err = {0};
	folio_doc *d = NULL;

	snprintf(xml, sizeof(xml), "<?xml version=\"1.0\" encoding="
		"\"UTF-8\"?>\n<document xmlns=\"urn:folio:document:1\" "
		"id=\"t-1\"%s><meta><title>测试&lt;标题&gt;</title>"
		"<issuer>江临市档案局</issuer><date>2024-05-06</date>"
		"<category>通知</category></meta><body>%s</body></document>",
		numbering, body);
	if (folio_xml_read_memory(&d, xml, strlen(xml), "t.xml", &err) != 0)
		fail_msg("%s", err.msg);
	return d;
}

static void summary_is_the_opening_cut_at_a_sentence(void **state)
{
	folio_doc *d;
	char *s = NULL, para[2048];
	size_t i;

	(void)state;
	d = doc_from("<p>短的开头。</p><p>第二段也收进来，凑够六十个字以后就"
		"停下，这里再写一些字，让两段合起来超过六十个字，看看摘要是不是"
		"把两段都收进来了。</p><p>第三段不该出现。</p>", "");
	assert_int_equal(site_summary(&s, d), 0);
	assert_non_null(strstr(s, "短的开头。第二段"));
	assert_null(strstr(s, "第三段"));
	free(s);
	folio_doc_free(d);

	/* Over SITE_SUMMARY_CHARS: cut after the last 。 in range. */
	strcpy(para, "<p>");
	for (i = 0; i < 10; i++)
		strcat(para, "这是一个十五个字的完整句子。");
	strcat(para, "</p>");
	d = doc_from(para, "");
	assert_int_equal(site_summary(&s, d), 0);
	assert_int_equal(folio_utf8_count(s), 112);   /* 8 sentences of 14 */
	assert_int_equal(strcmp(s + strlen(s) - 3, "。"), 0);
	free(s);
	folio_doc_free(d);

	/* No sentence end: cut at the limit and marked. */
	strcpy(para, "<p>");
	for (i = 0; i < 150; i++)
		strcat(para, "字");
	strcat(para, "</p>");
	d = doc_from(para, "");
	assert_int_equal(site_summary(&s, d), 0);
	assert_int_equal(folio_utf8_count(s), SITE_SUMMARY_CHARS + 2);
	assert_int_equal(strcmp(s + strlen(s) - 6, "……"), 0);
	free(s);
	folio_doc_free(d);

	d = doc_from("<section><heading>只有标题</heading></section>", "");
	assert_int_equal(site_summary(&s, d), 0);
	assert_null(s);
	folio_doc_free(d);
}

static void meta_reuses_the_epub_identifier(void **state)
{
	char uuid[64];
	folio_error err = {0};
	site_doc sd;
	folio_doc *d;

	(void)state;
	memset(&sd, 0, sizeof(sd));
	d = doc_from("<p>正文。</p><section><heading>总则</heading>"
		"<section><heading>目的</heading><p>一。</p></section>"
		"</section><section><heading>附则</heading><p>二。</p>"
		"</section>", " numbering=\"chapters\"");
	assert_int_equal(site_doc_from_model(&sd, d, &err), 0);
	assert_int_equal(folio_epub_uuid(uuid, sizeof(uuid), &d->meta, &err),
		0);
	assert_string_equal(sd.uuid, uuid);
	assert_string_equal(sd.title, "测试<标题>");
	assert_int_equal(sd.n_outline, 3);
	assert_string_equal(sd.outline[0].label, "第一章　总则");
	assert_int_equal(sd.outline[1].level, 2);
	assert_string_equal(sd.outline[1].label, "第一节　目的");
	assert_string_equal(sd.outline[2].label, "第二章　附则");
	site_doc_clear(&sd);
	folio_doc_free(d);
}

/* ---- pages ---- */

static void page_escapes_and_carries_qr_only_with_base(void **state)
{
	folio_site_record rec = {"t.xml", "t.xml", "", "J012-2024-D30-0001",
		3, 1000, 2000, 0, 0};
	folio_site_options o;
	folio_site_stats st;
	folio_error err = {0};
	folio_buf page = {0};
	site_ctx c;
	site_doc sd;
	folio_doc *d;

	(void)state;
	memset(&o, 0, sizeof(o));
	memset(&c, 0, sizeof(c));
	memset(&sd, 0, sizeof(sd));
	o.fonds_name = "江临市<人民政府>";
	o.batch_id = "B1";
	o.epoch = -1;
	c.opts = &o;
	c.stats = &st;
	d = doc_from("<p>正文。</p>", "");
	assert_int_equal(site_doc_from_model(&sd, d, &err), 0);
	sd.rec = &rec;
	assert_int_equal(site_render_page(&page, &c, &sd, &err), 0);
	assert_non_null(strstr(page.data, "<html lang=\"zh-CN\">"));
	assert_non_null(strstr(page.data, "<h1>测试&lt;标题&gt;</h1>"));
	assert_non_null(strstr(page.data, "江临市&lt;人民政府&gt;"));
	assert_null(strstr(page.data, "<标题>"));
	assert_non_null(strstr(page.data, "download=\"J012-2024-D30-0001-"
		"测试_标题.epub\""));
	assert_null(strstr(page.data, "<svg"));
	assert_null(strstr(page.data, "canonical"));
	folio_buf_free(&page);
	assert_int_equal(folio_site_base_url(c.base, sizeof(c.base),
		"https://x.org/s", &err), 0);
	assert_int_equal(site_render_page(&page, &c, &sd, &err), 0);
	assert_non_null(strstr(page.data, "<svg"));
	assert_non_null(strstr(page.data, "<link rel=\"canonical\" href=\""
		"https://x.org/s/docs/J012-2024-D30-0001.html\">"));
	/* Relative links stay relative with a base. */
	assert_non_null(strstr(page.data,
		"href=\"../files/J012-2024-D30-0001.pdf\""));
	folio_buf_free(&page);
	site_doc_clear(&sd);
	folio_doc_free(d);
}

static void download_name_in_page_is_sanitised(void **state)
{
	char out[SITE_NAME_MAX];

	(void)state;
	/* The title of doc_from() holds < and >: both become '_'. */
	site_download_name(out, sizeof(out), "J012-2024-D30-0001",
		"测试<标题>");
	assert_string_equal(out, "J012-2024-D30-0001-测试_标题");
}

/* ---- cache ---- */

/* A site_ctx over one document whose line is in a fresh spool. */
/* c's keys: a fresh array of n (budget 1: on disk, pages of 4 KiB). */
static void keys_new(site_ctx *c, size_t n, size_t budget)
{
	folio_error err = {0};

	folio_recarray_free(c->keys);
	assert_int_equal(folio_recarray_new(&c->keys, "/tmp/k",
		sizeof(site_key), n, budget, FOLIO_RECARRAY_MIN_PAGE, &err), 0);
	folio_varlist_free(c->codes);
	assert_int_equal(folio_varlist_new(&c->codes, "/tmp/k", budget,
		&err), 0);
}

static void key_put(site_ctx *c, size_t i, const site_key *k)
{
	folio_error err = {0};

	assert_int_equal(site_key_put(c, i, k, &err), 0);
}

static void keys_free(site_ctx *c)
{
	folio_recarray_free(c->keys);
	c->keys = NULL;
	folio_varlist_free(c->codes);
	c->codes = NULL;
}

static void spool_one(site_ctx *c, site_key *k, const folio_site_record *r,
	const site_doc *d)
{
	folio_error err = {0};
	folio_buf line = {0};
	uint64_t at;

	memset(c, 0, sizeof(*c));
	memset(k, 0, sizeof(*k));
	c->cache_fd = -1;
	strcpy(c->dir, "/nonexistent");
	assert_int_equal(site_spool_open(&c->spool, "/tmp", &err), 0);
	assert_int_equal(site_cache_line(&line, r, d, 99, 123456789, &err),
		0);
	/* Something before it, so its offset is not 0. */
	assert_int_equal(site_spool_append(&c->spool, "x\n", 2, &at, &err),
		0);
	assert_int_equal(site_spool_append(&c->spool, line.data, line.len,
		&at, &err), 0);
	assert_int_equal(at, 2);
	k->at = SITE_AT_SPOOL | at;
	k->len = (uint32_t)line.len;
	keys_new(c, 1, 0);
	key_put(c, 0, k);
	c->n = 1;
	folio_buf_free(&line);
}

static void spool_round_trips_a_document(void **state)
{
	folio_site_record rec = {"/x/a.xml", "a.xml", "", "J-1", 2, 3, 4, 0, 0};
	folio_error err = {0};
	site_item it;
	site_ctx c;
	site_key k;
	site_doc sd;

	(void)state;
	memset(&sd, 0, sizeof(sd));
	site_item_init(&it);
	strcpy(sd.uuid, "urn:uuid:00000000-0000-5000-8000-000000000001");
	sd.title = "题名\\t";
	sd.issuer = "机关";
	sd.date = "2024-02-29";
	sd.category = "通知";
	spool_one(&c, &k, &rec, &sd);
	assert_int_equal(site_item_read(&it, &c, 0, &err), 0);
	assert_string_equal(it.doc.title, "题名\\t");
	assert_string_equal(it.doc.category, "通知");
	assert_null(it.doc.subtitle);
	assert_null(it.doc.summary);
	assert_string_equal(it.rec.code, "J-1");
	assert_string_equal(it.rec.source_rel, "a.xml");
	/* An unknown digest is spooled as zeros (and kept out of the
	 * cache by the key's flag). */
	assert_string_equal(it.rec.sha256, "0000000000000000000000000000000000000000000000000000000000000000");
	assert_int_equal(it.rec.pages, 2);
	assert_int_equal(it.rec.pdf_bytes, 3);
	assert_int_equal(it.rec.epub_bytes, 4);
	assert_int_equal(it.page_size, 99);
	assert_int_equal(it.page_mtime_ns, 123456789);
	assert_ptr_equal(it.doc.rec, &it.rec);
	/* A record read at the wrong place is refused, not misread. */
	k.at = SITE_AT_SPOOL | 1;
	key_put(&c, 0, &k);
	assert_int_equal(site_item_read(&it, &c, 0, &err), FOLIO_EIO);
	site_item_free(&it);
	site_spool_close(&c.spool);
	keys_free(&c);
}

/* Lines read back in batch order, backwards and strided across the
 * read window's edges all come back whole and right. */
static void spool_reads_lines_in_any_order(void **state)
{
	enum { N = 4000 };
	folio_site_record rec = {"/x/a.xml", "a.xml", "", "J-1", 1, 1, 1, 0, 0};
	folio_error err = {0};
	folio_buf line = {0};
	char title[64];
	site_key *keys;
	site_item it;
	site_ctx c;
	site_doc sd;
	size_t i, k;

	(void)state;
	keys = calloc(N, sizeof(*keys));
	assert_non_null(keys);
	memset(&c, 0, sizeof(c));
	keys_new(&c, N, 1);   /* on disk, read in every order */
	memset(&sd, 0, sizeof(sd));
	site_item_init(&it);
	c.cache_fd = -1;
	assert_int_equal(site_spool_open(&c.spool, "/tmp", &err), 0);
	strcpy(sd.uuid, "urn:uuid:00000000-0000-5000-8000-000000000001");
	sd.issuer = "机关";
	sd.date = "2024-01-02";
	sd.title = title;
	for (i = 0; i < N; i++) {
		uint64_t at;
		/* Lines of different lengths, so the edges fall anywhere. */
		snprintf(title, sizeof(title), "题名%zu%.*s", i, (int)(i % 37),
			"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
		folio_buf_reset(&line);
		assert_int_equal(site_cache_line(&line, &rec, &sd, 1, 1, &err),
			0);
		assert_int_equal(site_spool_append(&c.spool, line.data,
			line.len, &at, &err), 0);
		keys[i].at = SITE_AT_SPOOL | at;
		keys[i].len = (uint32_t)line.len;
	}
	assert_true(c.spool.end > 2 * SITE_WINDOW);
	for (i = 0; i < N; i++)
		key_put(&c, i, &keys[i]);
	assert_true(folio_recarray_on_disk(c.keys));
	c.n = N;
	for (k = 0; k < 3 * N; k++) {
		i = k < N ? k : k < 2 * N ? 2 * N - 1 - k : (k * 7919) % N;
		assert_int_equal(site_item_read(&it, &c, i, &err), 0);
		snprintf(title, sizeof(title), "题名%zu%.*s", i, (int)(i % 37),
			"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
		assert_string_equal(it.doc.title, title);
	}
	site_item_free(&it);
	site_spool_close(&c.spool);
	folio_buf_free(&line);
	free(keys);
	keys_free(&c);
}

static void spool_refuses_a_record_past_its_cap(void **state)
{
	folio_site_record rec = {"/x/a.xml", "a.xml", "", "J-1", 1, 1, 1, 0, 0};
	folio_error err = {0};
	folio_buf line = {0};
	site_spool sp;
	site_doc sd;
	uint64_t at = 7;
	char *big;

	(void)state;
	big = malloc(SITE_LINE_MAX + 1);
	assert_non_null(big);
	memset(big, 'a', SITE_LINE_MAX);
	big[SITE_LINE_MAX] = '\0';
	memset(&sd, 0, sizeof(sd));
	strcpy(sd.uuid, "urn:uuid:00000000-0000-5000-8000-000000000001");
	sd.title = big;
	sd.issuer = "机关";
	sd.date = "2024-01-02";
	assert_int_equal(site_cache_line(&line, &rec, &sd, 1, 1, &err),
		FOLIO_ELIMIT);
	assert_non_null(strstr(err.msg, "over the limit"));
	assert_int_equal(site_spool_open(&sp, "/tmp", &err), 0);
	assert_int_equal(site_spool_append(&sp, big, SITE_LINE_MAX + 1, &at,
		&err), FOLIO_ELIMIT);
	assert_int_equal(at, 7);
	assert_int_equal(sp.end, 0);
	site_spool_close(&sp);
	folio_buf_free(&line);
	free(big);
}

/* Feed keys in the order util/extsort gives them: bytewise, then the
 * shorter first. */
typedef struct feed_rec {
	unsigned char b[64];
	size_t len;
} feed_rec;

static int by_feed_bytes(const void *x, const void *y)
{
	const feed_rec *a = x, *b = y;
	int k = memcmp(a->b, b->b, a->len < b->len ? a->len : b->len);

	return k ? k : (a->len > b->len) - (a->len < b->len);
}

static void feed_order_is_newest_first_then_code_then_batch(void **state)
{
	/* "A" and "AB": a 档号 that begins another sorts first. */
	static const char *const codes[] = {"B", "A", "C", "A", "Z", "AB",
		"A"};
	static const uint32_t dates[] = {20240101, 20240101, 20231231,
		20240101, 20250101, 20240101, 20240101};
	static const uint32_t want[] = {4, 1, 3, 6, 5, 0, 2};
	feed_rec r[7];
	size_t i, k;

	(void)state;
	/* From any order of making the keys: ties end in batch order. */
	for (k = 0; k < 2; k++) {
		for (i = 0; i < 7; i++) {
			size_t at = k ? 6 - i : i;
			r[i].len = site_feed_key(r[i].b, dates[at], codes[at],
				(uint32_t)at, (uint32_t)(7 - at));
		}
		qsort(r, 7, sizeof(r[0]), by_feed_bytes);
		for (i = 0; i < 7; i++) {
			const unsigned char *p = r[i].b + r[i].len - 8;
			uint32_t at = (uint32_t)p[0] << 24 | (uint32_t)p[1] <<
				16 | (uint32_t)p[2] << 8 | p[3];
			assert_int_equal(at, want[i]);
			/* The 文种 rides along, after the place. */
			assert_int_equal(p[7], 7 - at);
		}
	}
	assert_int_equal(site_date_key("2024-02-29"), 20240229);
	assert_int_equal(site_date_key("2023-02-29"), 0);
	assert_int_equal(site_date_key("2024-1-02"), 0);
}

static void types_are_interned_once(void **state)
{
	site_types t;
	uint32_t id, a, b;
	char name[32];
	int i;

	(void)state;
	memset(&t, 0, sizeof(t));
	assert_int_equal(site_types_intern(&t, "通知", &a), 0);
	assert_int_equal(site_types_intern(&t, "决定", &b), 0);
	assert_int_not_equal(a, b);
	/* Enough names to grow the table. */
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "类%d", i);
		assert_int_equal(site_types_intern(&t, name, &id), 0);
		assert_int_equal(id, (uint32_t)i + 2);
	}
	assert_int_equal(site_types_intern(&t, "通知", &id), 0);
	assert_int_equal(id, a);
	assert_int_equal(site_types_intern(&t, "类150", &id), 0);
	assert_int_equal(id, 152);
	assert_int_equal(t.n, 202);
	site_types_free(&t);
}

/* ---- the first pass on the workers ---- */

#define SCAN_DOCS 1500              /* three chunks of the pass */
#define SCAN_SHA "0123456789abcdef0123456789abcdef" \
	"0123456789abcdef0123456789abcdef"

typedef struct fake_src {
	int workers;
	size_t no_code[2];              /* records without a 档号 (+1) */
	size_t no_sha;                  /* a record without a digest (+1) */
	char code[8][32];               /* per worker */
} fake_src;

static int fake_get(void *ctx, int worker, size_t i,
	folio_site_record *out, folio_error *err)
{
	fake_src *f = ctx;

	(void)err;
	assert_true(worker >= 0 && worker < f->workers);
	memset(out, 0, sizeof(*out));
	snprintf(f->code[worker], sizeof(f->code[worker]),
		"J012-2024-D30-%04zu", i + 1);
	out->source_path = out->source_rel = "a.xml";
	out->code = i + 1 == f->no_code[0] || i + 1 == f->no_code[1] ? "" :
		f->code[worker];
	out->sha256 = i + 1 == f->no_sha ? "" : SCAN_SHA;
	out->pages = i % 5 + 1;
	out->pdf_bytes = 1000 + i;
	out->epub_bytes = 2000 + i;
	return 0;
}

/* site_scan over SCAN_DOCS records with n workers: rc, state, codes. */
static int scan_with(int workers, fake_src *f, char state[65],
	folio_error *err)
{
	folio_site_source src = {SCAN_DOCS, 0, fake_get, NULL};
	folio_site_options o;
	folio_site_stats st;
	site_cache cache;
	site_ctx c;
	size_t i;
	int rc;

	memset(&o, 0, sizeof(o));
	memset(&st, 0, sizeof(st));
	memset(&cache, 0, sizeof(cache));
	memset(&c, 0, sizeof(c));
	o.workers = workers;
	f->workers = workers;
	src.workers = workers;
	src.ctx = f;
	c.opts = &o;
	c.stats = &st;
	c.docs_fd = c.files_fd = c.cache_fd = -1;
	c.n = SCAN_DOCS;
	keys_new(&c, SCAN_DOCS, 1);   /* on disk: the workers share it */
	rc = site_scan(&c, &src, &cache, 0, "ENV", state, err);
	if (rc == 0)
		for (i = 0; i < SCAN_DOCS; i++) {
			char want[32], code[SITE_CODE_MAX];
			site_key k;
			snprintf(want, sizeof(want), "J012-2024-D30-%04zu",
				i + 1);
			assert_int_equal(site_code(&c, i, code, err), 0);
			assert_string_equal(code, want);
			/* No page or files/ entry to find: none current. */
			assert_int_equal(site_key_get(&c, i, &k, err), 0);
			assert_int_equal(k.flags, 0);
		}
	assert_int_equal(folio_varlist_count(c.codes),
		rc == 0 ? SCAN_DOCS : folio_varlist_count(c.codes));
	assert_true(rc < 0 || folio_varlist_on_disk(c.codes));
	keys_free(&c);
	free(c.links);
	site_types_free(&c.types);
	return rc;
}

/* The pass runs in chunks on the workers and merges them in batch
 * order: every 档号 where it belongs, the state digest of env and every
 * record in order whatever the number of workers, the first bad record
 * in batch order named, a record without a digest making the state
 * unknown. */
static void first_pass_is_the_same_on_any_number_of_workers(void **state)
{
	folio_buf text = {0};
	unsigned char md[FOLIO_SHA256_LEN];
	char want[65], got[65];
	folio_error err = {0};
	fake_src f;
	size_t i;
	int workers;

	(void)state;
	assert_int_equal(folio_buf_printf(&text, "ENV\n"), 0);
	for (i = 0; i < SCAN_DOCS; i++)
		assert_int_equal(folio_buf_printf(&text,
			"J012-2024-D30-%04zu\t%s\t%zu\t%zu\t%zu\n", i + 1,
			SCAN_SHA, i % 5 + 1, 1000 + i, 2000 + i), 0);
	assert_int_equal(folio_sha256(md, text.data, text.len, &err), 0);
	folio_sha256_hex(want, md);
	folio_buf_free(&text);
	for (workers = 1; workers <= 4; workers++) {
		memset(&f, 0, sizeof(f));
		assert_int_equal(scan_with(workers, &f, got, &err), 0);
		assert_string_equal(got, want);

		memset(&f, 0, sizeof(f));
		f.no_sha = 1201;
		assert_int_equal(scan_with(workers, &f, got, &err), 0);
		assert_string_equal(got, "");

		memset(&f, 0, sizeof(f));
		f.no_code[0] = 1300;
		f.no_code[1] = 700;
		memset(&err, 0, sizeof(err));
		assert_int_equal(scan_with(workers, &f, got, &err),
			FOLIO_EINPUT);
		assert_non_null(strstr(err.msg, "document 700 has no"));
		assert_string_equal(got, "");
	}
}

/* The recorded files/ stamp and link digests read back; a cache whose
 * such lines are damaged (out of order, short, not hex, a field too
 * many or too few, not a number) is ignored whole, as any torn cache. */
static void cache_reads_files_stamp_and_links(void **state)
{
	static const char *const bad[] = {
		"links\t3\t00112233445566778899aabbccddeeff\n"
		"links\t3\t00112233445566778899aabbccddeeff\n",
		"links\t0\t00112233445566778899aabbccddee\n",
		"links\t0\t00112233445566778899aabbccddeefg\n",
		"links\t0\t00112233445566778899AABBCCDDEEFF\n",
		"links\tx\t00112233445566778899aabbccddeeff\n",
		"files\t1\t2\t3\n",
		"files\t1\t2\t3\t4\t5\n",
		"files\t1\t2\t-3\t4\n",
	};
	char path[] = "/tmp/folio-site-cache-XXXXXX";
	folio_error err = {0};
	site_cache cache;
	const unsigned char *d;
	FILE *fp;
	size_t i;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("folio-site-cache 1\nversion\t" FOLIO_VERSION "\n"
		"files\t65024\t77\t1700000000000000001\t1700000000000000002\n"
		"links\t0\t00112233445566778899aabbccddeeff\n"
		"links\t2\tffeeddccbbaa99887766554433221100\n", fp);
	fclose(fp);
	assert_int_equal(site_cache_read(&cache, path, 0, &err), 0);
	assert_true(cache.files_dir.set);
	assert_true(cache.files_dir.dev == 65024 && cache.files_dir.ino == 77);
	assert_true(cache.files_dir.mtime_ns == 1700000000000000001LL);
	assert_true(cache.files_dir.ctime_ns == 1700000000000000002LL);
	assert_int_equal(cache.n_links, 2);
	assert_non_null(d = site_cache_links_of(&cache, 0));
	assert_int_equal(d[0], 0x00);
	assert_int_equal(d[15], 0xff);
	assert_null(site_cache_links_of(&cache, 1));
	assert_non_null(d = site_cache_links_of(&cache, 2));
	assert_int_equal(d[0], 0xff);
	assert_null(site_cache_links_of(&cache, 3));
	site_cache_free(&cache);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fp = fopen(path, "w");
		assert_non_null(fp);
		fputs("folio-site-cache 1\nversion\t" FOLIO_VERSION "\n"
			"links\t1\t00112233445566778899aabbccddeeff\n", fp);
		fputs(bad[i], fp);
		fclose(fp);
		assert_int_equal(site_cache_read(&cache, path, 0, &err), 0);
		assert_false(cache.files_dir.set);
		assert_int_equal(cache.n_links, 0);
		assert_string_equal(cache.version, "");
		site_cache_free(&cache);
	}
	unlink(path);
}

static void cache_round_trips_text_with_tabs_and_newlines(void **state)
{
	folio_site_record rec = {"a\tb.xml", "a\tb.xml",
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"J012-2024-Y-0002", 7, 11, 13, 0, 0};
	char path[] = "/tmp/folio-site-cache-XXXXXX";
	folio_error err = {0};
	site_cache cache;
	site_item it;
	site_ctx c;
	site_key k;
	site_doc sd;
	uint64_t off;
	uint32_t len;
	struct stat st1, st2;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	memset(&sd, 0, sizeof(sd));
	site_item_init(&it);
	strcpy(sd.uuid, "urn:uuid:00000000-0000-5000-8000-000000000000");
	sd.title = "题\t名\n第二行\\反斜杠";
	sd.issuer = "机关";
	sd.date = "2024-01-02";
	sd.summary = "摘要\r";
	spool_one(&c, &k, &rec, &sd);
	assert_int_equal(site_cache_write(path, &c,
		"1111111111111111111111111111111111111111111111111111111111111111",
		"2222222222222222222222222222222222222222222222222222222222222222",
		&err), 0);
	assert_int_equal(site_cache_read(&cache, path, 0, &err), 0);
	assert_string_equal(cache.version, FOLIO_VERSION);
	assert_string_equal(cache.state,
		"2222222222222222222222222222222222222222222222222222222222222222");
	assert_int_equal(cache.n_docs, 1);
	/* Found by its source, read back from where the index says. */
	assert_int_equal(site_cache_find(&cache, "a\tb.xml", &it, &off, &len,
		&err), 1);
	assert_true(off > 0);
	assert_int_equal(len, k.len);
	assert_string_equal(it.doc.title, sd.title);
	assert_string_equal(it.doc.summary, "摘要\r");
	assert_null(it.doc.subtitle);
	assert_string_equal(it.rec.code, "J012-2024-Y-0002");
	assert_string_equal(it.rec.sha256, rec.sha256);
	assert_int_equal(it.rec.pages, 7);
	assert_int_equal(it.page_size, 99);
	assert_int_equal(it.page_mtime_ns, 123456789);
	assert_int_equal(site_cache_find(&cache, "other.xml", &it, &off, &len,
		&err), 0);
	/* The same cache again from the old file's line: not rewritten. */
	assert_int_equal(stat(path, &st1), 0);
	site_spool_close(&c.spool);
	assert_int_equal(site_cache_find(&cache, "a\tb.xml", &it, &off, &len,
		&err), 1);
	k.at = off;
	k.len = len;
	key_put(&c, 0, &k);
	c.cache_fd = fileno(cache.fp);
	assert_int_equal(site_cache_write(path, &c,
		"1111111111111111111111111111111111111111111111111111111111111111",
		"2222222222222222222222222222222222222222222222222222222222222222",
		&err), 0);
	assert_int_equal(stat(path, &st2), 0);
	assert_int_equal(st1.st_ino, st2.st_ino);
	/* A different state: written anew (a new file renamed in). */
	assert_int_equal(site_cache_write(path, &c,
		"1111111111111111111111111111111111111111111111111111111111111111",
		"3333333333333333333333333333333333333333333333333333333333333333",
		&err), 0);
	assert_int_equal(stat(path, &st2), 0);
	assert_int_not_equal(st1.st_ino, st2.st_ino);
	site_cache_free(&cache);
	assert_int_equal(site_cache_read(&cache, path, 0, &err), 0);
	assert_int_equal(cache.n_docs, 1);
	assert_string_equal(cache.state,
		"3333333333333333333333333333333333333333333333333333333333333333");
	site_cache_free(&cache);
	/* Past its memory budget (here the least, 64 entries), the index
	 * of doc lines goes to disk: 300 more lines, each found again. */
	{
		FILE *fp = fopen(path, "rb");
		char src[32], line[4096], *tail = NULL;
		size_t i;
		assert_non_null(fp);
		while (tail == NULL && fgets(line, sizeof(line), fp) != NULL)
			if (strncmp(line, "doc\t", 4) == 0)
				tail = strchr(line + 4, '\t');
		fclose(fp);
		assert_non_null(tail);   /* the fields after the source */
		fp = fopen(path, "ab");
		assert_non_null(fp);
		uint64_t off10 = 0;
		for (i = 0; i < 300; i++)
			fprintf(fp, "doc\tx-%03zu.xml%s", i, tail);
		fprintf(fp, "doc\tx-010.xml%s", tail);   /* twice */
		fclose(fp);
		assert_int_equal(site_cache_read(&cache, path, 1, &err), 0);
		assert_int_equal(cache.n_docs, 302);
		assert_true(folio_keyindex_spilled(cache.docs));
		/* In order (the next line, as a rule) and every 7th. */
		for (i = 0; i < 300 + 43; i += i < 300 ? 1 : 7) {
			snprintf(src, sizeof(src), "x-%03zu.xml", i % 300);
			assert_int_equal(site_cache_find(&cache, src, &it, &off,
				&len, &err), 1);
			assert_string_equal(it.rec.source_rel, src);
			assert_string_equal(it.doc.title, sd.title);
			if (i == 10)
				off10 = off;
		}
		/* The line after x-299 is x-010's second: the first is the
		 * answer, where the index has it. */
		assert_int_equal(site_cache_find(&cache, "x-299.xml", &it,
			&off, &len, &err), 1);
		assert_int_equal(site_cache_find(&cache, "x-010.xml", &it,
			&off, &len, &err), 1);
		assert_int_equal(off, off10);
		assert_int_equal(site_cache_find(&cache, "a\tb.xml", &it, &off,
			&len, &err), 1);
		assert_int_equal(site_cache_find(&cache, "x-300.xml", &it,
			&off, &len, &err), 0);
		site_cache_free(&cache);
	}
	/* A torn or foreign file reads as an empty cache. */
	assert_int_equal(truncate(path, 100), 0);
	assert_int_equal(site_cache_read(&cache, path, 0, &err), 0);
	assert_int_equal(cache.n_docs, 0);
	assert_null(cache.fp);
	site_cache_free(&cache);
	/* So does one with a well-formed line one byte longer than any
	 * the run writes (its summary padded). */
	{
		folio_buf line = {0};
		FILE *fp = fopen(path, "wb");
		assert_non_null(fp);
		assert_int_equal(site_cache_line(&line, &rec, &sd, 99, 1,
			&err), 0);
		line.len--;   /* the '\n' */
		while (line.len < SITE_LINE_MAX)
			assert_int_equal(folio_buf_putc(&line, 'a'), 0);
		assert_int_equal(folio_buf_putc(&line, '\n'), 0);
		fputs("folio-site-cache 1\n", fp);
		assert_int_equal(fwrite(line.data, 1, line.len, fp),
			line.len);
		fclose(fp);
		folio_buf_free(&line);
	}
	assert_int_equal(site_cache_read(&cache, path, 0, &err), 0);
	assert_int_equal(cache.n_docs, 0);
	assert_null(cache.fp);
	site_cache_free(&cache);
	unlink(path);
	site_item_free(&it);
	keys_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(qr_matrix_has_the_symbol_structure),
		cmocka_unit_test(qr_is_deterministic_and_grows_with_text),
		cmocka_unit_test(qr_refuses_what_it_cannot_carry),
		cmocka_unit_test(base_url_is_normalised_or_refused),
		cmocka_unit_test(download_names_are_safe),
		cmocka_unit_test(markup_escapes_user_text),
		cmocka_unit_test(summary_is_the_opening_cut_at_a_sentence),
		cmocka_unit_test(meta_reuses_the_epub_identifier),
		cmocka_unit_test(page_escapes_and_carries_qr_only_with_base),
		cmocka_unit_test(download_name_in_page_is_sanitised),
		cmocka_unit_test(cache_round_trips_text_with_tabs_and_newlines),
		cmocka_unit_test(spool_round_trips_a_document),
		cmocka_unit_test(spool_reads_lines_in_any_order),
		cmocka_unit_test(spool_refuses_a_record_past_its_cap),
		cmocka_unit_test(feed_order_is_newest_first_then_code_then_batch),
		cmocka_unit_test(types_are_interned_once),
		cmocka_unit_test(first_pass_is_the_same_on_any_number_of_workers),
		cmocka_unit_test(cache_reads_files_stamp_and_links),
	};
	int rc;

	folio_xml_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	folio_xml_cleanup();
	return rc;
}
