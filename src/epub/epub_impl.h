/*
 * epub_impl.h - what the files of src/epub/ share (private).
 *
 * A book is a list of parts (one per container entry, in container
 * order) and the table of contents collected while the content documents
 * are written; the package, nav and NCX are written from both.
 *
 * XML is written through epub_xml (xmlw.c, the only file here that calls
 * libxml2): a sticky-error writer. After the first failure every call is
 * a no-op and xw_finish returns the code; the message is set once, where
 * the failure happened, naming the part (or the source position for bad
 * text).
 */
#ifndef FOLIO_EPUB_EPUB_IMPL_H
#define FOLIO_EPUB_EPUB_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "epub/epub.h"
#include "util/buf.h"

#define EPUB_DIR "EPUB/"
#define EPUB_CSS "style.css"
#define EPUB_FONT_CSS "font.css"
#define EPUB_FONT "body.ttf"
#define EPUB_FONT_OTF "body.otf"  /* the subset of a CFF face */
#define EPUB_NAV "nav.xhtml"
#define EPUB_NCX "toc.ncx"
#define EPUB_OPF "package.opf"
#define EPUB_TITLE "title.xhtml"

/* Largest single part we generate (an XHTML document or the package). */
#define EPUB_MAX_PART ((size_t)64 * 1024 * 1024)

typedef struct epub_part {
	char name[64];           /* entry name in the container */
	char id[32];             /* manifest id; "" if not in the manifest */
	const char *media_type;  /* NULL if not in the manifest */
	const char *properties;  /* manifest properties or NULL */
	int spine;               /* 1: in the reading order */
	folio_buf data;
} epub_part;

/* Where printed page `page` (0-based) begins: layout/page.h's start,
 * its key the block or attachment it names (NULL for parts the document
 * has once), and where the marker went. */
typedef struct epub_page {
	int part;                /* folio_source_part */
	const void *key;
	size_t offset;
	int lead;
	int number;              /* printed page number */
	char href[32];           /* document holding its marker; "" not yet */
} epub_page;

typedef struct epub_page_key {
	int part;
	const void *key;
	size_t page;
} epub_page_key;

typedef struct epub_toc {
	int depth;               /* 1 = top level */
	char *label;             /* malloc'd, e.g. "一、总体要求" */
	char href[96];           /* relative to EPUB/ */
} epub_toc;

typedef struct epub_image {
	const char *path;        /* the figure's file (document's memory,
	                            only while building) */
	char href[64];           /* relative to EPUB/, e.g. images/fig1.png */
} epub_image;

struct folio_epub_book {
	epub_part *parts;
	size_t n_parts, cap_parts;
	epub_toc *toc;
	size_t n_toc, cap_toc;
	char uuid[64];           /* urn:uuid:... */
	char modified[32];       /* CCYY-MM-DDThh:mm:ssZ */
	int64_t mtime;
	uint8_t *used;           /* code point bitmap when embedding */
	int has_font;
	int heading_seq;         /* ids h1, h2 ... across the book */
	epub_page *pages;        /* printed pages, in order; none: no list */
	size_t n_pages;
	epub_page_key *page_keys; /* pages sorted by (part, key, page) */
	size_t next_page;        /* first page whose marker is not out */
	char page_source[256];   /* dc:source of the page list */
	const folio_doc *doc;    /* only during folio_epub_build */
	const folio_epub_options *opts;  /* likewise; may be NULL */
	epub_image *images;      /* image files added as parts */
	size_t n_images, cap_images;
	int table_seq;           /* tables so far, for their labels */
};

/* New empty part appended to the book (FOLIO_ELIMIT past MAX_PARTS). */
int epub_part_add(epub_part **out, folio_epub_book *b, const char *name,
	const char *id, const char *media_type, folio_error *err);
int epub_toc_add(folio_epub_book *b, int depth, const char *label,
	const char *href, folio_error *err);

/* Content documents: title page, main text, attachments (content.c). */
int epub_write_content(folio_epub_book *b, folio_error *err);
/* container.xml, package document, nav, NCX (package.c). */
int epub_write_container(folio_epub_book *b, folio_error *err);
int epub_write_nav(folio_epub_book *b, folio_error *err);
int epub_write_ncx(folio_epub_book *b, folio_error *err);
int epub_write_package(folio_epub_book *b, folio_error *err);

/* "2024年3月18日" from "2024-03-18" (out >= 32 bytes). */
void epub_date_cn(char *out, size_t outsz, const char *date);

/* The sticky-error XML writer (xmlw.c). */
typedef struct epub_xml epub_xml;

/* Start a document for the part called name; indent only for documents
 * without mixed content (package, NCX). used: code point bitmap to mark
 * every character of text written, or NULL. */
int xw_new(epub_xml **out, const char *name, int indent, uint8_t *used,
	folio_error *err);
/* Source position reported when text is refused. */
void xw_position(epub_xml *x, const char *path, unsigned line,
	unsigned col);
void xw_doctype_html(epub_xml *x);
/* Doctype, <html> with the zh-CN language, and a <head> with the title
 * and the book's stylesheet (plus the embedded-font one when with_font);
 * leaves <body> open for the caller. */
void xw_xhtml_open(epub_xml *x, const char *title, int with_font,
	const char *lang);

/* The book's language: the document's xml:lang, else zh-CN. */
static inline const char *epub_lang(const folio_doc *doc)
{
	return doc->lang != NULL ? doc->lang : "zh-CN";
}
void xw_start(epub_xml *x, const char *element);
void xw_attr(epub_xml *x, const char *name, const char *value);
void xw_text(epub_xml *x, const char *text);
/* The first n bytes of text. */
void xw_text_n(epub_xml *x, const char *text, size_t n);
void xw_end(epub_xml *x);
/* <element class="cls">text</element>; cls may be NULL. */
void xw_leaf(epub_xml *x, const char *element, const char *cls,
	const char *text);
/* End the document, move its bytes to dest, free x; returns the first
 * failure of any call on x, or 0. */
int xw_finish(epub_xml *x, folio_buf *dest);
void xw_free(epub_xml *x);

/* Accessibility (a11y.c): the DPUB-ARIA role of an epub:type or NULL;
 * epub:type plus its role on the open element; the package metadata. */
const char *epub_role_of(const char *epub_type);
void epub_type_attr(epub_xml *x, const char *epub_type);
void epub_write_a11y_metadata(epub_xml *x, const folio_epub_book *b);

/* Page-break markers (pages.c). Markers go out in page order, each
 * once: a page whose start the writer never reaches (it has no place in
 * the spine) is marked just before the next page's marker, or at the
 * end of the book.
 *   epub_pages_init      the pages of options.print (none without it)
 *   epub_mark_page       marker of page i here (page 1: the book's start)
 *   epub_mark_before     markers of the pages that begin with the
 *                        generated text ahead of part/key's own text, or
 *                        with a generated part itself: before its element
 *   epub_mark_text       part/key's source text, with the markers of the
 *                        pages beginning inside it at their characters
 *   epub_mark_rest       every marker not yet out (end of the book)
 *   epub_page_starts_in  whether a page begins in part/key
 * href: the document being written, relative to EPUB/. */
int epub_pages_init(folio_epub_book *b, folio_error *err);
void epub_mark_page(folio_epub_book *b, epub_xml *x, const char *href,
	size_t i);
void epub_mark_before(folio_epub_book *b, epub_xml *x, const char *href,
	int part, const void *key);
int epub_mark_text(folio_epub_book *b, epub_xml *x, const char *href,
	int part, const void *key, const char *text, folio_error *err);
void epub_mark_rest(folio_epub_book *b, epub_xml *x, const char *href);
/* Does a printed page begin in part/key? */
int epub_page_starts_in(const folio_epub_book *b, int part,
	const void *key);
/* The page-list nav of the navigation document (none without pages). */
void epub_write_page_list(const folio_epub_book *b, epub_xml *x);

/* Inline text (inline.c): Latin runs in <span lang="en">, runs of two
 * or more ideographic spaces in <span class="blank">, the rest as is. */
void epub_inline(epub_xml *x, const char *text);
/* epub_inline with markers: emit(arg, i) writes marker i where byte
 * at[i] of the text begins (at ascending; one past the end: at the end),
 * inside a span when the character opens one. */
typedef struct epub_marks {
	const size_t *at;
	size_t n;
	void (*emit)(void *arg, size_t i);
	void *arg;
} epub_marks;
void epub_inline_marked(epub_xml *x, const char *text,
	const epub_marks *m);
/* <element class="cls">text</element> with inline markup; cls may be
 * NULL. */
void epub_inline_leaf(epub_xml *x, const char *element, const char *cls,
	const char *text);

/* Tables and figures in the open content document (tables.c); a
 * figure adds its image file as a part on first use. */
void epub_write_table(epub_xml *x, folio_epub_book *b, const folio_doc *doc,
	const folio_block *bl);
int epub_write_figure(epub_xml *x, folio_epub_book *b, const folio_doc *doc,
	const folio_block *bl, folio_error *err);

#endif
