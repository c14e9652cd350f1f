/* folio epub - one source to an EPUB 3 book for phones. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "epub/epub.h"
#include "font/font.h"
#include "import/source.h"
#include "layout/layout.h"
#include "style/style_read.h"
#include "util/epoch.h"

/* Also declared in cli/cli.h once the command table lists it; repeated
 * here so this file compiles warning-free on its own. */

static void epub_usage(FILE *fp)
{
	fprintf(fp,
		"usage: folio epub SOURCE -o OUT.epub [--style FILE.css] "
		"[--embed-font]\n"
		"       [--print-style FILE.xml] [--page-source NAME]\n"
		"       [--a11y-certifier NAME] [--a11y-credential TEXT] "
		"[--a11y-report URL]\n"
		"\n"
		"Builds an EPUB 3 book (title page, one chapter per level-1 "
		"section,\n"
		"attachments, navigation and NCX) from an XML or text source.\n"
		"  --style FILE   stylesheet (default: styles/epub.css)\n"
		"  --embed-font   embed a subset of the body font (仿宋 role) "
		"holding\n"
		"                 exactly the characters of the book\n"
		"  --a11y-certifier NAME   who evaluated the book's "
		"accessibility\n"
		"                 (a11y:certifiedBy; default: the issuer)\n"
		"  --a11y-credential TEXT  that evaluator's credential\n"
		"  --a11y-report URL       where the evaluation report is "
		"published\n"
		"  --print-style FILE.xml  print style the page list follows "
		"(default:\n"
		"                 styles/gbt9704.xml, as folio pdf): give the "
		"--style\n"
		"                 the PDF was made with\n"
		"  --page-source NAME      how the book names that PDF "
		"(default: the\n"
		"                 SOURCE's name with .pdf for its extension)\n"
		"The book marks where each page of the PDF begins and lists "
		"the pages\n"
		"(page-list), from a layout made as folio pdf makes it.\n"
		"SOURCE_DATE_EPOCH, when set, gives dcterms:modified and the "
		"ZIP times;\n"
		"otherwise the document's date at 00:00:00 UTC is used.\n");
}

int cmd_epub(int argc, char **argv)
{
	folio_epub_options opts = {0};
	/* A character no font has is no reason to refuse a book: lay out
	 * as folio pdf --missing-glyph box does (same pages otherwise). */
	folio_layout_options lopts = {FOLIO_MISSING_GLYPH_BOX};
	const char *in = NULL, *out = NULL, *style_path = NULL;
	char source[4096];
	folio_style *style = NULL;
	folio_layout lay;
	folio_fontset *fonts = NULL;
	folio_error err = {0};
	folio_doc *doc = NULL;
	int i, embed = 0, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			epub_usage(stdout);
			return EXIT_OK;
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (strcmp(argv[i], "--style") == 0 && i + 1 < argc) {
			opts.css_path = argv[++i];
		} else if (strcmp(argv[i], "--a11y-certifier") == 0 &&
		    i + 1 < argc) {
			opts.a11y_certifier = argv[++i];
		} else if (strcmp(argv[i], "--a11y-credential") == 0 &&
		    i + 1 < argc) {
			opts.a11y_credential = argv[++i];
		} else if (strcmp(argv[i], "--a11y-report") == 0 &&
		    i + 1 < argc) {
			opts.a11y_report = argv[++i];
		} else if (strcmp(argv[i], "--print-style") == 0 &&
		    i + 1 < argc) {
			style_path = argv[++i];
		} else if (strcmp(argv[i], "--page-source") == 0 &&
		    i + 1 < argc) {
			opts.page_source = argv[++i];
		} else if (strcmp(argv[i], "--embed-font") == 0) {
			embed = 1;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "folio epub: unknown option '%s'\n",
				argv[i]);
			epub_usage(stderr);
			return EXIT_USAGE;
		} else if (in == NULL) {
			in = argv[i];
		} else {
			fprintf(stderr, "folio epub: one source file only\n");
			return EXIT_USAGE;
		}
	}
	if (in == NULL || out == NULL) {
		epub_usage(stderr);
		return EXIT_USAGE;
	}
	if (opts.page_source == NULL) {
		/* notice.xml gives notice.pdf, whatever the book is called:
		 * the same source makes the same book. */
		const char *base = strrchr(in, '/'), *dot;
		size_t n;
		base = base ? base + 1 : in;
		dot = strrchr(base, '.');
		n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
		snprintf(source, sizeof(source), "%.*s.pdf", (int)n, base);
		opts.page_source = source;
	}
	memset(&lay, 0, sizeof(lay));
	rc = folio_source_date_epoch(&opts.modified, &err);
	if (rc == 0)
		rc = cli_print_inputs(&style, &fonts, style_path, &err);
	if (rc == 0 && embed)
		opts.embed_fonts = fonts;
	if (rc == 0)
		rc = cli_read_source(&doc, in, NULL, &err);
	if (rc == 0)
		rc = folio_layout_document(&lay, doc, style, fonts, lopts,
			&err);
	if (rc == 0) {
		opts.print = &lay;
		rc = folio_epub_write(out, doc, &opts, &err);
	}
	folio_doc_free(doc);
	folio_fontset_free(fonts);
	folio_style_free(style);
	if (rc < 0)
		return cli_report(&err);
	return EXIT_OK;
}
