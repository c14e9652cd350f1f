/*
 * html.c - index.html and the document pages.
 *
 * Plain HTML5 that works without script, styles or network: every link
 * is relative, the QR code is inline SVG, site.css and site.js come
 * from the site's own folder. site.js only adds filtering and sorting
 * to the index (the form is `hidden` until the script shows it).
 */
#include "site/site_impl.h"

#include <stdio.h>
#include <string.h>

#include "util/qr.h"

#define OPDS_ACQ "application/atom+xml;profile=opds-catalog;kind=acquisition"

/* <title>: title, " - ", the fonds. */
static void head(site_w *w, const site_ctx *c, int depth, const char *title,
	const char *canonical)
{
	char href[SITE_HREF_MAX];

	w_raw(w, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
		"<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
		"content=\"width=device-width, initial-scale=1\">\n<title>");
	w_text(w, title);
	w_raw(w, " - ");
	w_text(w, c->opts->fonds_name ? c->opts->fonds_name : "");
	w_raw(w, "</title>\n<meta name=\"generator\" content=\"folio "
		FOLIO_VERSION "\">\n<link rel=\"stylesheet\"");
	site_href(href, sizeof(href), c, depth, 0, "site.css");
	w_attr(w, "href", href);
	w_raw(w, ">\n<link rel=\"alternate\" type=\"" OPDS_ACQ "\" "
		"title=\"OPDS 书目\"");
	site_href(href, sizeof(href), c, depth, 0, "opds.xml");
	w_attr(w, "href", href);
	w_raw(w, ">\n");
	if (canonical != NULL && c->base[0]) {
		site_href(href, sizeof(href), c, depth, 1, canonical);
		w_raw(w, "<link rel=\"canonical\"");
		w_attr(w, "href", href);
		w_raw(w, ">\n");
	}
}

static void meta_row(site_w *w, const char *label, const char *value)
{
	if (value == NULL || value[0] == '\0')
		return;
	w_raw(w, "<div><dt>");
	w_text(w, label);
	w_raw(w, "</dt><dd>");
	w_text(w, value);
	w_raw(w, "</dd></div>\n");
}

static void date_row(site_w *w, const char *label, const char *date)
{
	char cn[32];

	site_date_cn(cn, sizeof(cn), date);
	w_raw(w, "<div><dt>");
	w_text(w, label);
	w_raw(w, "</dt><dd><time");
	w_attr(w, "datetime", date);
	w_raw(w, ">");
	w_text(w, cn);
	w_raw(w, "</time></dd></div>\n");
}

/* <a href download type>TEXT<span class="vh">：title</span> ...: the
 * hidden title tells a screen reader which book each link fetches. */
static void download_link(site_w *w, const site_ctx *c, const site_doc *d,
	int depth, const char *kind, const char *type, const char *text)
{
	char href[SITE_HREF_MAX], rel[256], name[SITE_NAME_MAX + 8];
	size_t len;

	snprintf(rel, sizeof(rel), "files/%s.%s", d->rec->code, kind);
	site_href(href, sizeof(href), c, depth, 0, rel);
	site_download_name(name, SITE_NAME_MAX, d->rec->code, d->title);
	len = strlen(name);
	snprintf(name + len, sizeof(name) - len, ".%s", kind);
	w_raw(w, "<a class=\"dl\"");
	w_attr(w, "href", href);
	w_attr(w, "type", type);
	w_attr(w, "download", name);
	w_raw(w, ">");
	w_text(w, text);
	w_raw(w, "<span class=\"vh\">：");
	w_text(w, d->title);
	w_raw(w, "</span></a>");
}

static void footer(site_w *w, const site_ctx *c, int depth)
{
	char href[SITE_HREF_MAX];

	w_raw(w, "<footer class=\"site\">\n<p>");
	w_text(w, c->opts->fonds_name ? c->opts->fonds_name : "");
	w_raw(w, " · 批次 ");
	w_text(w, c->opts->batch_id ? c->opts->batch_id : "");
	w_raw(w, " · <a");
	site_href(href, sizeof(href), c, depth, 0, "opds.xml");
	w_attr(w, "href", href);
	w_raw(w, " type=\"" OPDS_ACQ "\">OPDS 书目</a>（供阅读器订阅）</p>\n"
		"</footer>\n</body>\n</html>\n");
}

/* ---- the document page ---- */

/* The symbol as one path of horizontal runs; the quiet zone is the
 * white rectangle around it. */
static void qr_svg(site_w *w, const folio_qr *qr, const char *url)
{
	int total = qr->size + 2 * FOLIO_QR_QUIET, x, y, run;
	char label[SITE_HREF_MAX + 32];

	snprintf(label, sizeof(label), "本页地址的二维码：%s", url);
	w_printf(w, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
		"class=\"qr-code\" viewBox=\"0 0 %d %d\" width=\"%d\" "
		"height=\"%d\" shape-rendering=\"crispEdges\" role=\"img\"",
		total, total, total * 5, total * 5);
	w_attr(w, "aria-label", label);
	w_printf(w, "><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
		"<path fill=\"#000\" d=\"", total, total);
	for (y = 0; y < qr->size; y++)
		for (x = 0; x < qr->size; x += run) {
			run = 0;
			while (x + run < qr->size &&
			    qr->dark[y * qr->size + x + run])
				run++;
			if (run == 0) {
				run = 1;
				continue;
			}
			w_printf(w, "M%d %dh%dv1h-%dz", x + FOLIO_QR_QUIET,
				y + FOLIO_QR_QUIET, run, run);
		}
	w_raw(w, "\"/></svg>");
}

static void outline(site_w *w, const site_doc *d)
{
	int depth = 0;
	size_t i;

	for (i = 0; i < d->n_outline; i++) {
		int level = d->outline[i].level;
		if (level > depth + 1)
			level = depth + 1;   /* a skipped level nests once */
		if (level > depth) {
			w_raw(w, depth == 0 ? "<ul class=\"outline\">\n" :
				"\n<ul>\n");
			depth = level;
		} else {
			w_raw(w, "</li>\n");
			for (; depth > level; depth--)
				w_raw(w, "</ul></li>\n");
		}
		w_raw(w, "<li>");
		w_text(w, d->outline[i].label);
	}
	if (depth == 0)
		return;
	w_raw(w, "</li>\n");
	for (; depth > 1; depth--)
		w_raw(w, "</ul></li>\n");
	w_raw(w, "</ul>\n");
}

int site_render_page(folio_buf *page, const site_ctx *c, const site_doc *d,
	folio_error *err)
{
	char href[SITE_HREF_MAX], rel[256], size[32], num[64];
	folio_qr *qr = NULL;
	site_w w;
	int rc = 0;

	snprintf(rel, sizeof(rel), "docs/%s.html", d->rec->code);
	w_init(&w, rel, err);
	if (c->base[0]) {
		/* The same address the PDF's code carries. */
		if ((rc = folio_site_doc_url(href, sizeof(href), c->base,
			d->rec->code, err)) < 0 ||
		    (rc = folio_qr_encode(&qr, href, err)) < 0)
			goto done;
	}
	head(&w, c, 1, d->title, rel);
	w_raw(&w, "</head>\n<body>\n<a class=\"skip\" href=\"#main\">"
		"跳到正文</a>\n<header class=\"site\">\n<nav aria-label=\"位置"
		"\"><a");
	site_href(href, sizeof(href), c, 1, 0, "index.html");
	w_attr(&w, "href", href);
	w_raw(&w, ">← 文件目录</a></nav>\n<p class=\"fonds\">");
	w_text(&w, c->opts->fonds_name ? c->opts->fonds_name : "");
	w_raw(&w, "</p>\n</header>\n<main id=\"main\">\n<article "
		"class=\"doc-page\">\n<h1>");
	w_text(&w, d->title);
	w_raw(&w, "</h1>\n");
	if (d->subtitle) {
		w_raw(&w, "<p class=\"subtitle\">");
		w_text(&w, d->subtitle);
		w_raw(&w, "</p>\n");
	}
	w_raw(&w, "<dl class=\"meta\">\n");
	meta_row(&w, "文号", d->doc_number);
	meta_row(&w, "发文机关", d->issuer);
	date_row(&w, "成文日期", d->date);
	meta_row(&w, "文种", d->category);
	meta_row(&w, "档号", d->rec->code);
	snprintf(num, sizeof(num), "%zu", d->rec->pages);
	meta_row(&w, "页数", num);
	w_raw(&w, "</dl>\n");
	if (d->summary) {
		w_raw(&w, "<section class=\"summary\" aria-labelledby=\"s-sum\">"
			"\n<h2 id=\"s-sum\">摘要</h2>\n<p>");
		w_text(&w, d->summary);
		w_raw(&w, "</p>\n</section>\n");
	}
	w_raw(&w, "<section aria-labelledby=\"s-get\">\n<h2 id=\"s-get\">"
		"下载</h2>\n<ul class=\"get\">\n<li>");
	download_link(&w, c, d, 1, "epub", "application/epub+zip",
		"EPUB 电子书");
	site_size(size, sizeof(size), d->rec->epub_bytes);
	w_printf(&w, " <span class=\"note\">%s，适合手机阅读</span></li>\n"
		"<li>", size);
	download_link(&w, c, d, 1, "pdf", "application/pdf", "PDF 版式文件");
	site_size(size, sizeof(size), d->rec->pdf_bytes);
	w_printf(&w, " <span class=\"note\">%zu 页，%s，适合打印</span>"
		"</li>\n</ul>\n</section>\n", d->rec->pages, size);
	/* The code goes before the outline, which can run long, so it stays
	 * near the downloads. */
	if (qr != NULL) {
		folio_site_doc_url(href, sizeof(href), c->base, d->rec->code,
			err);
		w_raw(&w, "<section class=\"qr\" aria-labelledby=\"s-qr\">\n"
			"<h2 id=\"s-qr\">二维码</h2>\n<figure>");
		qr_svg(&w, qr, href);
		w_raw(&w, "<figcaption>用手机扫码打开本页：<span "
			"class=\"url\">");
		w_text(&w, href);
		w_raw(&w, "</span></figcaption></figure>\n</section>\n");
	}
	if (d->n_outline > 0) {
		w_raw(&w, "<section aria-labelledby=\"s-toc\">\n<h2 "
			"id=\"s-toc\">目录</h2>\n");
		outline(&w, d);
		w_raw(&w, "</section>\n");
	}
	w_raw(&w, "</article>\n</main>\n");
	footer(&w, c, 1);
	rc = w.rc;
done:
	folio_qr_free(qr);
	if (rc == 0) {
		*page = w.b;   /* the bytes move to the caller */
		memset(&w.b, 0, sizeof(w.b));
	}
	w_free(&w);
	return rc;
}

/* ---- the index ---- */

static void index_entry(site_w *w, const site_ctx *c, const site_doc *d)
{
	char href[SITE_HREF_MAX], rel[256], size[32], num[64];

	snprintf(rel, sizeof(rel), "docs/%s.html", d->rec->code);
	site_href(href, sizeof(href), c, 0, 0, rel);
	w_raw(w, "<li class=\"doc\"");
	w_attr(w, "data-date", d->date);
	w_raw(w, ">\n<h2><a");
	w_attr(w, "href", href);
	w_raw(w, ">");
	w_text(w, d->title);
	w_raw(w, "</a></h2>\n");
	if (d->subtitle) {
		w_raw(w, "<p class=\"subtitle\">");
		w_text(w, d->subtitle);
		w_raw(w, "</p>\n");
	}
	w_raw(w, "<dl class=\"meta\">\n");
	meta_row(w, "文号", d->doc_number);
	meta_row(w, "发文机关", d->issuer);
	date_row(w, "成文日期", d->date);
	snprintf(num, sizeof(num), "%zu", d->rec->pages);
	meta_row(w, "页数", num);
	/* Each link with its size, so they wrap together on a phone. */
	w_raw(w, "</dl>\n<p class=\"get\"><span class=\"item\">");
	download_link(w, c, d, 0, "epub", "application/epub+zip", "EPUB");
	site_size(size, sizeof(size), d->rec->epub_bytes);
	w_printf(w, " <span class=\"note\">%s</span></span> "
		"<span class=\"item\">", size);
	download_link(w, c, d, 0, "pdf", "application/pdf", "PDF");
	site_size(size, sizeof(size), d->rec->pdf_bytes);
	w_printf(w, " <span class=\"note\">%s</span></span></p>\n</li>\n",
		size);
}

int site_write_index(site_ctx *c, folio_error *err)
{
	const folio_site_options *o = c->opts;
	site_item it;
	size_t i;
	site_w w;
	int rc;

	if ((rc = site_file_open(&w, c, "index.html", err)) < 0)
		return rc;
	head(&w, c, 0, "文件目录", "index.html");
	w_raw(&w, "<script src=\"site.js\" defer></script>\n</head>\n<body>\n"
		"<a class=\"skip\" href=\"#main\">跳到正文</a>\n"
		"<header class=\"site\">\n<p class=\"fonds\">");
	w_text(&w, o->fonds_name ? o->fonds_name : "");
	w_raw(&w, "</p>\n<h1>文件目录</h1>\n");
	if (o->description) {
		w_raw(&w, "<p class=\"lede\">");
		w_text(&w, o->description);
		w_raw(&w, "</p>\n");
	}
	w_raw(&w, "<p class=\"batch\">批次 ");
	w_text(&w, o->batch_id ? o->batch_id : "");
	w_printf(&w, " · 共 %zu 份文件</p>\n</header>\n<main id=\"main\">\n",
		c->n);
	w_raw(&w, "<form class=\"tools\" role=\"search\" hidden>\n"
		"<div class=\"field\"><label for=\"q\">筛选</label>"
		"<input id=\"q\" type=\"search\" autocomplete=\"off\" "
		"placeholder=\"题名、文号或发文机关\"></div>\n"
		"<div class=\"field\"><label for=\"sort\">排序</label>"
		"<select id=\"sort\"><option value=\"code\">按档号</option>"
		"<option value=\"new\">日期：新到旧</option>"
		"<option value=\"old\">日期：旧到新</option>"
		"<option value=\"title\">按题名</option></select></div>\n"
		"<p id=\"count\" class=\"count\" aria-live=\"polite\"></p>\n"
		"</form>\n<ol class=\"docs\" id=\"docs\">\n");
	site_item_init(&it);
	for (i = 0; i < c->n && w.rc == 0; i++) {
		/* One document in memory at a time, read back from disk. */
		if ((rc = site_item_read(&it, c, i, err)) < 0) {
			site_item_free(&it);
			w_abort(&w);
			return rc;
		}
		index_entry(&w, c, &it.doc);
		w_drain(&w);
	}
	site_item_free(&it);
	w_raw(&w, "</ol>\n</main>\n");
	footer(&w, c, 0);
	return site_file_commit(&w, c, "index.html");
}
