/*
 * epub.h - EPUB 3 books from the document model.
 *
 * folio_epub_build turns a folio_doc into the parts of an EPUB 3.3
 * container, all in memory: META-INF/container.xml, the package document
 * (Dublin Core metadata, zh-CN, a urn:uuid identifier derived from the
 * document id, dcterms:modified, EPUB Accessibility 1.1 metadata with a
 * WCAG 2.1 AA conformance claim), the navigation
 * document and an NCX (heading tree numbered as in print), a title page,
 * one XHTML content document per level-1 section (plus one for the text
 * before the first section), the closing 落款 and 版记 at the end of the
 * main text, one document per attachment, the stylesheet, and optionally
 * a subset of the body font. Every XML part is written with libxml2's
 * writer, so any text survives escaping. Each epub:type comes with its
 * DPUB-ARIA role, runs of Latin words with lang="en", and runs of
 * ideographic spaces (a form's blanks) with class="blank". Given the
 * print layout (options.print), page-break markers sit at the first
 * character of every printed page, and the navigation document carries
 * a page-list (pages.c).
 *
 * folio_epub_save writes the parts into a ZIP (util/zip.h): mimetype
 * first and stored, the rest deflated in a fixed order, entry times from
 * `modified` in UTC. Same document + same options = same bytes.
 *
 * Errors: text holding a character XML cannot carry (C0 controls other
 * than tab and newline, U+FFFE, U+FFFF) fails with FOLIO_EINPUT naming
 * source:line:col; a missing stylesheet or font with FOLIO_EIO/FOLIO_EFONT.
 * The book does not keep pointers into the document after build.
 * Limits: FOLIO_EPUB_MAX_PARTS parts, FOLIO_EPUB_MAX_CSS bytes of CSS.
 */
#ifndef FOLIO_EPUB_EPUB_H
#define FOLIO_EPUB_EPUB_H

#include <stddef.h>
#include <stdint.h>

#include "model/doc.h"
#include "util/error.h"

#define FOLIO_EPUB_MAX_PARTS 4096u
#define FOLIO_EPUB_MAX_CSS ((size_t)1024 * 1024)

struct folio_fontset;
struct folio_layout;

typedef struct folio_epub_options {
	/* Stylesheet file; NULL: styles/epub.css found by folio_data_path. */
	const char *css_path;
	/* Seconds since the epoch for dcterms:modified and the ZIP entry
	 * times (the CLI passes SOURCE_DATE_EPOCH); < 0: the document's
	 * date at 00:00:00Z. */
	int64_t modified;
	/* Non-NULL: embed a subset of the body font (family 仿宋 in this
	 * fontset) holding exactly the characters of the book. */
	const struct folio_fontset *embed_fonts;
	/* a11y:certifiedBy: who evaluated the book's accessibility; NULL:
	 * the issuer, declaring conformance itself. Credential (text) and
	 * report (an http(s) URL) are written only when given. */
	const char *a11y_certifier;
	const char *a11y_credential;
	const char *a11y_report;
	/* The print layout of the same document (layout/page.h), laid out
	 * with the style and fonts of its PDF, or NULL. With it the book
	 * marks where every printed page begins (epub:type="pagebreak",
	 * role="doc-pagebreak", aria-label the printed page number) and
	 * lists the pages in a page-list nav, and the package names the
	 * PDF as the source of its pagination. Must outlive the build. */
	const struct folio_layout *print;
	/* How the package names that PDF (dc:source refined by source-of
	 * "pagination"): its file name or identifier; NULL: "print". */
	const char *page_source;
} folio_epub_options;

typedef struct folio_epub_book folio_epub_book;

int folio_epub_build(folio_epub_book **out, const folio_doc *doc,
	const folio_epub_options *opts, folio_error *err);
/* Write the container to path atomically. */
int folio_epub_save(const folio_epub_book *book, const char *path,
	folio_error *err);
void folio_epub_book_free(folio_epub_book *book);

/* Build and save in one call. */
int folio_epub_write(const char *path, const folio_doc *doc,
	const folio_epub_options *opts, folio_error *err);

/* Parts in container order: name inside the ZIP and bytes (valid while
 * the book lives). Returns NULL when i is out of range. */
size_t folio_epub_part_count(const folio_epub_book *book);
const char *folio_epub_part(const folio_epub_book *book, size_t i,
	const char **out_data, size_t *out_len);
/* The part called name, or NULL. */
const char *folio_epub_find(const folio_epub_book *book, const char *name,
	size_t *out_len);

/* "urn:uuid:xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx" (46 bytes with NUL),
 * a name-based UUID (version 5, SHA-1) of the document id or, without
 * one, of title, date and 文号. */
int folio_epub_uuid(char *out, size_t outsz, const folio_meta *meta,
	folio_error *err);

/* Seconds since the epoch of YYYY-MM-DD at 00:00:00Z (-1 if invalid). */
int64_t folio_epub_date_epoch(const char *date);

#endif
