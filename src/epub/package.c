/* container.xml, the package document, the navigation document and the
 * NCX, written from the parts and the table of contents collected by
 * content.c. */
#include "epub/epub_impl.h"

#include <stdio.h>
#include <string.h>

/* A part reserved by folio_epub_build and filled in here. */
static epub_part *find_part(folio_epub_book *b, const char *name)
{
	size_t i;

	for (i = 0; i < b->n_parts; i++)
		if (strcmp(b->parts[i].name, name) == 0)
			return &b->parts[i];
	return NULL;
}

static int finish_into(folio_epub_book *b, epub_xml *x, const char *name,
	folio_error *err)
{
	epub_part *p = find_part(b, name);

	if (p == NULL) {
		xw_free(x);
		return folio_error_set(err, FOLIO_EUSAGE,
			"%s: part not reserved", name);
	}
	folio_buf_reset(&p->data);
	return xw_finish(x, &p->data);
}

int epub_write_container(folio_epub_book *b, folio_error *err)
{
	epub_xml *x;
	int rc = xw_new(&x, "META-INF/container.xml", 1, NULL, err);

	if (rc < 0)
		return rc;
	xw_start(x, "container");
	xw_attr(x, "version", "1.0");
	xw_attr(x, "xmlns", "urn:oasis:names:tc:opendocument:xmlns:container");
	xw_start(x, "rootfiles");
	xw_start(x, "rootfile");
	xw_attr(x, "full-path", EPUB_DIR EPUB_OPF);
	xw_attr(x, "media-type", "application/oebps-package+xml");
	xw_end(x);
	xw_end(x);
	xw_end(x);
	return finish_into(b, x, "META-INF/container.xml", err);
}

/* Nested <ol>/<li> (nav) or <navPoint> (NCX) from the flat toc, whose
 * depths never rise by more than one from one entry to the next. */
static void write_nav_tree(folio_epub_book *b, epub_xml *x)
{
	size_t i;
	int d, depth = 0;

	for (i = 0; i < b->n_toc; i++) {
		const epub_toc *t = &b->toc[i];
		if (t->depth > depth) {
			xw_start(x, "ol");
			depth = t->depth;
		} else {
			xw_end(x);  /* li of the previous entry */
			for (d = depth; d > t->depth; d--) {
				xw_end(x);  /* ol */
				xw_end(x);  /* li */
			}
			depth = t->depth;
		}
		xw_start(x, "li");
		xw_start(x, "a");
		xw_attr(x, "href", t->href);
		epub_inline(x, t->label);
		xw_end(x);
	}
	for (d = depth; d > 0; d--) {
		xw_end(x);  /* li */
		xw_end(x);  /* ol */
	}
}

static void landmark(epub_xml *x, const char *type, const char *href,
	const char *label)
{
	xw_start(x, "li");
	xw_start(x, "a");
	xw_attr(x, "epub:type", type);
	xw_attr(x, "href", href);
	xw_text(x, label);
	xw_end(x);
	xw_end(x);
}

int epub_write_nav(folio_epub_book *b, folio_error *err)
{
	epub_xml *x;
	int rc = xw_new(&x, EPUB_DIR EPUB_NAV, 0, b->used, err);
	size_t i;

	if (rc < 0)
		return rc;
	xw_xhtml_open(x, "目录", 0, epub_lang(b->doc));
	xw_start(x, "nav");
	epub_type_attr(x, "toc");
	xw_attr(x, "id", "toc");
	xw_leaf(x, "h1", NULL, "目录");
	write_nav_tree(b, x);
	xw_end(x);
	epub_write_page_list(b, x);
	xw_start(x, "nav");
	xw_attr(x, "epub:type", "landmarks");
	xw_attr(x, "hidden", "hidden");
	xw_leaf(x, "h2", NULL, "导航");
	xw_start(x, "ol");
	/* No landmark for the toc itself: the nav document is not in the
	 * spine, and epubcheck refuses links to non-spine documents. */
	landmark(x, "titlepage", EPUB_TITLE, "标题页");
	/* The first document after the title page starts the main text. */
	for (i = 0; i < b->n_parts; i++) {
		const epub_part *p = &b->parts[i];
		if (p->spine && strcmp(p->name, EPUB_DIR EPUB_TITLE) != 0) {
			landmark(x, "bodymatter",
				p->name + strlen(EPUB_DIR), "正文");
			break;
		}
	}
	xw_end(x);
	xw_end(x);
	xw_end(x);
	xw_end(x);
	return finish_into(b, x, EPUB_DIR EPUB_NAV, err);
}

int epub_write_ncx(folio_epub_book *b, folio_error *err)
{
	epub_xml *x;
	char buf[32];
	int rc = xw_new(&x, EPUB_DIR EPUB_NCX, 1, NULL, err);
	int d, depth = 0, max_depth = 1;
	size_t i;

	if (rc < 0)
		return rc;
	for (i = 0; i < b->n_toc; i++)
		if (b->toc[i].depth > max_depth)
			max_depth = b->toc[i].depth;
	xw_start(x, "ncx");
	xw_attr(x, "xmlns", "http://www.daisy.org/z3986/2005/ncx/");
	xw_attr(x, "version", "2005-1");
	xw_attr(x, "xml:lang", epub_lang(b->doc));
	xw_start(x, "head");
	xw_start(x, "meta");
	xw_attr(x, "name", "dtb:uid");
	xw_attr(x, "content", b->uuid);
	xw_end(x);
	snprintf(buf, sizeof(buf), "%d", max_depth);
	xw_start(x, "meta");
	xw_attr(x, "name", "dtb:depth");
	xw_attr(x, "content", buf);
	xw_end(x);
	xw_start(x, "meta");
	xw_attr(x, "name", "dtb:totalPageCount");
	xw_attr(x, "content", "0");
	xw_end(x);
	xw_start(x, "meta");
	xw_attr(x, "name", "dtb:maxPageNumber");
	xw_attr(x, "content", "0");
	xw_end(x);
	xw_end(x);
	xw_start(x, "docTitle");
	xw_leaf(x, "text", NULL, b->doc->meta.title);
	xw_end(x);
	xw_start(x, "navMap");
	for (i = 0; i < b->n_toc; i++) {
		const epub_toc *t = &b->toc[i];
		for (d = depth; d >= t->depth; d--)
			xw_end(x);  /* navPoint */
		depth = t->depth;
		xw_start(x, "navPoint");
		snprintf(buf, sizeof(buf), "np%zu", i + 1);
		xw_attr(x, "id", buf);
		snprintf(buf, sizeof(buf), "%zu", i + 1);
		xw_attr(x, "playOrder", buf);
		xw_start(x, "navLabel");
		xw_leaf(x, "text", NULL, t->label);
		xw_end(x);
		xw_start(x, "content");
		xw_attr(x, "src", t->href);
		xw_end(x);
	}
	for (d = depth; d > 0; d--)
		xw_end(x);
	xw_end(x);
	xw_end(x);
	return finish_into(b, x, EPUB_DIR EPUB_NCX, err);
}

static void meta_property(epub_xml *x, const char *property,
	const char *value)
{
	xw_start(x, "meta");
	xw_attr(x, "property", property);
	xw_text(x, value);
	xw_end(x);
}

int epub_write_package(folio_epub_book *b, folio_error *err)
{
	const folio_meta *m = &b->doc->meta;
	epub_xml *x;
	int rc = xw_new(&x, EPUB_DIR EPUB_OPF, 1, NULL, err);
	size_t i;

	if (rc < 0)
		return rc;
	xw_start(x, "package");
	xw_attr(x, "xmlns", "http://www.idpf.org/2007/opf");
	xw_attr(x, "version", "3.0");
	xw_attr(x, "unique-identifier", "uid");
	xw_attr(x, "xml:lang", epub_lang(b->doc));
	xw_start(x, "metadata");
	xw_attr(x, "xmlns:dc", "http://purl.org/dc/elements/1.1/");
	xw_start(x, "dc:identifier");
	xw_attr(x, "id", "uid");
	xw_text(x, b->uuid);
	xw_end(x);
	xw_leaf(x, "dc:title", NULL, m->title);
	xw_leaf(x, "dc:language", NULL, epub_lang(b->doc));
	xw_leaf(x, "dc:creator", NULL, m->issuer ? m->issuer : "");
	xw_leaf(x, "dc:publisher", NULL, m->issuer ? m->issuer : "");
	xw_leaf(x, "dc:date", NULL, m->date);
	for (i = 0; i < m->keywords.count; i++)
		xw_leaf(x, "dc:subject", NULL, m->keywords.items[i]);
	if (m->subtitle)
		xw_leaf(x, "dc:description", NULL, m->subtitle);
	meta_property(x, "dcterms:modified", b->modified);
	epub_write_a11y_metadata(x, b);
	xw_end(x);
	xw_start(x, "manifest");
	for (i = 0; i < b->n_parts; i++) {
		const epub_part *p = &b->parts[i];
		if (p->media_type == NULL)
			continue;
		xw_start(x, "item");
		xw_attr(x, "id", p->id);
		xw_attr(x, "href", p->name + strlen(EPUB_DIR));
		xw_attr(x, "media-type", p->media_type);
		if (p->properties)
			xw_attr(x, "properties", p->properties);
		xw_end(x);
	}
	xw_end(x);
	xw_start(x, "spine");
	xw_attr(x, "toc", "ncx");
	for (i = 0; i < b->n_parts; i++) {
		if (!b->parts[i].spine)
			continue;
		xw_start(x, "itemref");
		xw_attr(x, "idref", b->parts[i].id);
		xw_end(x);
	}
	xw_end(x);
	xw_end(x);
	return finish_into(b, x, EPUB_DIR EPUB_OPF, err);
}
