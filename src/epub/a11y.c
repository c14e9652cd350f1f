/* Accessibility of the book: the ARIA role that goes with each epub:type
 * folio writes, and the package metadata of EPUB Accessibility 1.1.
 *
 * The conformance claim (dcterms:conformsTo "EPUB Accessibility 1.1 -
 * WCAG 2.1 Level AA") holds for every book this writer makes: text only,
 * in source order; lang on every document and on Latin runs (inline.c);
 * headings whose ranks never skip (content.c clamps them); nav links
 * named by their headings; colours left to the reader (black on white by
 * default), sizes in em. README.md ("Accessibility") goes through the
 * WCAG criteria one by one and says how each is checked; tests/e2e/
 * epub_a11y.sh runs Ace by DAISY on every book. A writer of a new kind of
 * content (tables, figures) must keep that list true. */
#include "epub/epub_impl.h"

#include <string.h>

/* DPUB-ARIA roles for the epub:type values folio writes. Types without
 * a role (titlepage, bodymatter, landmarks) are left without one. */
static const struct {
	const char *type, *role;
} type_roles[] = {
	{"chapter", "doc-chapter"},
	{"appendix", "doc-appendix"},
	{"toc", "doc-toc"},
	{"page-list", "doc-pagelist"},
	{"pagebreak", "doc-pagebreak"},
};

const char *epub_role_of(const char *epub_type)
{
	size_t i;

	for (i = 0; i < sizeof(type_roles) / sizeof(type_roles[0]); i++)
		if (strcmp(type_roles[i].type, epub_type) == 0)
			return type_roles[i].role;
	return NULL;
}

void epub_type_attr(epub_xml *x, const char *epub_type)
{
	const char *role = epub_role_of(epub_type);

	xw_attr(x, "epub:type", epub_type);
	if (role != NULL)
		xw_attr(x, "role", role);
}

static void meta(epub_xml *x, const char *property, const char *id,
	const char *refines, const char *value)
{
	xw_start(x, "meta");
	xw_attr(x, "property", property);
	if (id != NULL)
		xw_attr(x, "id", id);
	if (refines != NULL)
		xw_attr(x, "refines", refines);
	xw_text(x, value);
	xw_end(x);
}

void epub_write_a11y_metadata(epub_xml *x, const folio_epub_book *b)
{
	static const char *const features[] = {
		"structuralNavigation", "tableOfContents", "readingOrder",
		"displayTransformability",
	};
	const folio_epub_options *o = b->opts;
	const char *certifier = o && o->a11y_certifier ? o->a11y_certifier :
		b->doc->meta.issuer;
	size_t i;

	meta(x, "schema:accessMode", NULL, NULL, "textual");
	meta(x, "schema:accessModeSufficient", NULL, NULL, "textual");
	for (i = 0; i < sizeof(features) / sizeof(features[0]); i++)
		meta(x, "schema:accessibilityFeature", NULL, NULL, features[i]);
	if (b->n_pages > 0) {
		/* Page markers and a page list after the PDF (pages.c):
		 * printPageNumbers, pageNavigation, and the source of the
		 * pagination. EPUB Accessibility 1.1 names it with the
		 * pageBreakSource property, but EPUBCheck 4.2.6 (Debian 12)
		 * refuses that property (OPF-027); dc:source refined by
		 * source-of "pagination" is the EPUB 3 form it replaces, and
		 * Ace reads either. */
		meta(x, "schema:accessibilityFeature", NULL, NULL,
			"printPageNumbers");
		meta(x, "schema:accessibilityFeature", NULL, NULL,
			"pageNavigation");
		xw_start(x, "dc:source");
		xw_attr(x, "id", "page-source");
		xw_text(x, b->page_source);
		xw_end(x);
		meta(x, "source-of", NULL, "#page-source", "pagination");
	}
	meta(x, "schema:accessibilityHazard", NULL, NULL, "none");
	meta(x, "schema:accessibilitySummary", NULL, NULL,
		"本书为纯文字出版物，无图片、音频和视频；正文按原文顺序排列，"
		"标题层级与印刷版编号一致，并提供目录导航；外文词语标注了语言；"
		"字号、字体和颜色可由阅读器调整，窄屏下自动重排。"
		"本书符合 EPUB 无障碍 1.1 和 WCAG 2.1 AA 级要求。");
	meta(x, "dcterms:conformsTo", NULL, NULL,
		"EPUB Accessibility 1.1 - WCAG 2.1 Level AA");
	/* The publisher declares conformance itself unless an outside
	 * evaluator is named; a credential or a report is written only when
	 * one was given: folio cannot vouch for either. */
	meta(x, "a11y:certifiedBy", "certifier", NULL, certifier);
	if (o && o->a11y_credential)
		meta(x, "a11y:certifierCredential", NULL, "#certifier",
			o->a11y_credential);
	if (o && o->a11y_report) {
		xw_start(x, "link");
		xw_attr(x, "rel", "a11y:certifierReport");
		xw_attr(x, "refines", "#certifier");
		xw_attr(x, "href", o->a11y_report);
		xw_end(x);
	}
}
