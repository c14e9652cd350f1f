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

static int cmd_epub(int argc, char **argv);

enum { O_OUTPUT, O_STYLE, O_EMBED_FONT, O_CERTIFIER, O_CREDENTIAL, O_REPORT,
	O_META, O_PRINT_STYLE, O_PAGE_SOURCE };

static const cli_opt epub_opts[] = {
	[O_OUTPUT] = {"output", 'o', "OUT.epub", CLI_OPT_FILE,
		"where the EPUB goes ('-': standard output)"},
	[O_STYLE] = {"style", 0, "FILE.css", CLI_OPT_FILE,
		"stylesheet (default: the installed styles/epub.css)"},
	[O_EMBED_FONT] = {"embed-font", 0, NULL, 0,
		"embed a subset of the body font (仿宋 role) holding exactly "
		"the characters of the book"},
	[O_CERTIFIER] = {"a11y-certifier", 0, "NAME", 0,
		"who evaluated the book's accessibility (a11y:certifiedBy; "
		"default: the issuer)"},
	[O_CREDENTIAL] = {"a11y-credential", 0, "TEXT", 0,
		"that evaluator's credential"},
	[O_REPORT] = {"a11y-report", 0, "URL", 0,
		"where the evaluation report is published"},
	[O_META] = CLI_OPT_META,
	[O_PRINT_STYLE] = {"print-style", 0, "FILE.xml", CLI_OPT_FILE,
		"print style the page list follows (default: the installed "
		"styles/gbt9704.xml, as folio pdf): give the --style the PDF "
		"was made with"},
	[O_PAGE_SOURCE] = {"page-source", 0, "NAME", 0,
		"how the book names that PDF (default: the SOURCE's name with "
		".pdf for its extension)"},
	{NULL, 0, NULL, 0, NULL}
};

const cli_command cli_cmd_epub = {
	"epub", cmd_epub, "build an EPUB 3 book from a source",
	"[OPTIONS] SOURCE -o OUT.epub",
	"Builds an EPUB 3 book (title page, one chapter per level-1\n"
	"section, attachments, navigation and NCX) from an XML or text\n"
	"source ('-': standard input). The book meets EPUB Accessibility 1.1\n"
	"at WCAG 2.1 AA and says so in its metadata. The book marks where\n"
	"each page of the PDF begins and lists the pages (page-list), from\n"
	"a layout made as folio pdf makes it.\n"
	"\n"
	"SOURCE_DATE_EPOCH, when set, gives dcterms:modified and the ZIP\n"
	"times; otherwise the document's date at 00:00:00 UTC is used.\n"
	"Exit status 0 written, 1 invalid source, 2 usage or I/O trouble.",
	epub_opts, "file"
};

static int cmd_epub(int argc, char **argv)
{
	folio_epub_options opts = {0};
	/* A character no font has is no reason to refuse a book: lay out
	 * as folio pdf --missing-glyph box does (same pages otherwise). */
	folio_layout_options lopts = {FOLIO_MISSING_GLYPH_BOX};
	const char *style_path = NULL;
	char source[4096];
	folio_style *style = NULL;
	folio_layout lay;
	folio_fontset *fonts = NULL;
	folio_error err = {0};
	folio_doc *doc = NULL;
	const char *v;
	cli_source_args sa;
	cli_args args;
	cli_out output;
	int k, st, embed = 0, rc;

	memset(&sa, 0, sizeof(sa));
	cli_args_init(&args, &cli_cmd_epub, argc, argv);
	while ((k = cli_next(&args, &v)) != CLI_END) {
		switch (k) {
		case O_STYLE: opts.css_path = v; break;
		case O_EMBED_FONT: embed = 1; break;
		case O_CERTIFIER: opts.a11y_certifier = v; break;
		case O_CREDENTIAL: opts.a11y_credential = v; break;
		case O_REPORT: opts.a11y_report = v; break;
		case O_PRINT_STYLE: style_path = v; break;
		case O_PAGE_SOURCE: opts.page_source = v; break;
		default:
			if ((st = cli_source_arg(&sa, &cli_cmd_epub, k, v,
				O_OUTPUT, O_META)) >= 0)
				return st;
		}
	}
	if ((st = cli_source_args_done(&sa, &cli_cmd_epub)) >= 0)
		return st;
	if (cli_out_begin(&output, sa.out, "out.epub", &err) < 0)
		return cli_report(&err);
	if (opts.page_source == NULL && strcmp(sa.in, "-") != 0) {
		/* notice.xml gives notice.pdf, whatever the book is called:
		 * the same source makes the same book. (From standard input:
		 * the document's id, below.) */
		const char *in = sa.in;
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
		rc = cli_read_source(&doc, sa.in, &sa.import, &err);
	if (rc == 0 && opts.page_source == NULL) {
		snprintf(source, sizeof(source), "%s.pdf", doc->meta.id && doc->meta.id[0] ?
			doc->meta.id : "source");
		opts.page_source = source;
	}
	if (rc == 0)
		rc = folio_layout_document(&lay, doc, style, fonts, lopts,
			&err);
	if (rc == 0) {
		opts.print = &lay;
		rc = folio_epub_write(output.path, doc, &opts, &err);
	}
	rc = cli_out_end(&output, rc, &err);
	folio_doc_free(doc);
	folio_fontset_free(fonts);
	folio_style_free(style);
	if (rc < 0)
		return cli_report(&err);
	return EXIT_OK;
}
