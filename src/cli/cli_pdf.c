/* folio pdf - one source to a print-ready PDF (GB/T 9704 by default). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "util/clock.h"
#include "font/font.h"
#include "layout/layout.h"
#include "import/source.h"
#include "style/style_read.h"
#include "pdf/pdf.h"
#include "util/paths.h"
#include "util/utf8.h"

/* Also declared in cli/cli.h once the command table lists it; repeated
 * here so this file compiles warning-free on its own. */

static void pdf_usage(FILE *fp)
{
	fprintf(fp,
		"usage: folio pdf SOURCE -o OUT.pdf [--style FILE.xml] "
		"[--missing-glyph=error|box]\n"
		"                 [--stats]\n"
		"\n"
		"Lays out an XML or text source and writes a PDF with "
		"embedded font\n"
		"subsets, bookmarks and document information.\n"
		"  --style FILE         print style (default: "
		"styles/gbt9704.xml)\n"
		"  --missing-glyph=error  a character no font of its role has "
		"is an\n"
		"                       error naming it and its place "
		"(default)\n"
		"  --missing-glyph=box  draw it as a box and report it on "
		"stderr\n"
		"  --stats              print the time of each stage as JSON "
		"on stdout\n"
		"SOURCE_DATE_EPOCH, when set, gives the PDF's dates (and "
		"makes the output\n"
		"byte-identical); otherwise the document's date is used.\n");
}

static int parse_missing_glyph(folio_missing_glyph *out, const char *v)
{
	if (strcmp(v, "error") == 0)
		*out = FOLIO_MISSING_GLYPH_ERROR;
	else if (strcmp(v, "box") == 0)
		*out = FOLIO_MISSING_GLYPH_BOX;
	else
		return -1;
	return 0;
}

/* The clerk must see every box that will be printed: one line per
 * missing character and family, with how often and where it is first. */
static void report_substitutions(const folio_layout *lay, const char *src)
{
	size_t i;

	for (i = 0; i < lay->n_substitutions; i++) {
		const folio_substitution *s = &lay->substitutions[i];
		size_t n = lay->substitution_counts ?
			lay->substitution_counts[i] : 1;
		char ch[5] = {0};

		if (s->cp < 0x110000 && (s->cp < 0xD800 || s->cp > 0xDFFF))
			folio_utf8_encode(ch, s->cp);
		fprintf(stderr, "folio: warning: %s:%u:%u: no font in the "
			"%s chain has U+%04X '%s'; printed as a box (%zu "
			"time%s, first at %s:%u:%u)\n", src, s->line, s->col,
			s->family ? s->family : "?", (unsigned)s->cp, ch, n,
			n == 1 ? "" : "s", src, s->line, s->col);
	}
}

int cmd_pdf(int argc, char **argv)
{
	folio_layout_options lopts = {FOLIO_MISSING_GLYPH_ERROR};
	const char *in = NULL, *out = NULL, *style_path = NULL;
	folio_pdf_options popts;
	folio_pdf_stats stats;
	folio_fontset *fonts = NULL;
	folio_style *style = NULL;
	folio_error err = {0};
	folio_doc *doc = NULL;
	folio_layout lay;
	long long t0 = 0, t1 = 0;
	int i, rc, want_stats = 0;

	memset(&lay, 0, sizeof(lay));
	memset(&stats, 0, sizeof(stats));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			pdf_usage(stdout);
			return EXIT_OK;
		} else if (strcmp(a, "-o") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (strcmp(a, "--style") == 0 && i + 1 < argc) {
			style_path = argv[++i];
		} else if (strncmp(a, "--missing-glyph=", 16) == 0 ||
			(strcmp(a, "--missing-glyph") == 0 && i + 1 < argc)) {
			const char *v = a[15] == '=' ? a + 16 : argv[++i];
			if (parse_missing_glyph(&lopts.missing_glyph, v) < 0) {
				fprintf(stderr, "folio pdf: --missing-glyph: "
					"expected error or box, found '%s'\n",
					v);
				return EXIT_USAGE;
			}
		} else if (strcmp(a, "--stats") == 0) {
			want_stats = 1;
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "folio pdf: unknown option '%s'\n", a);
			pdf_usage(stderr);
			return EXIT_USAGE;
		} else if (in == NULL) {
			in = a;
		} else {
			fprintf(stderr, "folio pdf: one source file only\n");
			return EXIT_USAGE;
		}
	}
	if (in == NULL || out == NULL) {
		pdf_usage(stderr);
		return EXIT_USAGE;
	}
	rc = folio_pdf_options_init(&popts, &err);
	popts.stats = &stats;
	if (rc == 0)
		rc = cli_print_inputs(&style, &fonts, style_path, &err);
	if (rc == 0)
		rc = cli_read_source(&doc, in, NULL, &err);
	if (rc == 0) {
		t0 = folio_now_ns();
		rc = folio_layout_document(&lay, doc, style, fonts, lopts,
			&err);
		t1 = folio_now_ns();
	}
	if (rc == 0) {
		report_substitutions(&lay, in);
		rc = folio_pdf_write(out, &lay, doc, &popts, &err);
	}
	if (rc == 0 && want_stats)
		printf("{\"pages\":%zu,\"layout_ms\":%.3f,\"subset_ms\":%.3f,"
			"\"build_ms\":%.3f,\"save_ms\":%.3f,\"bytes\":%zu,"
			"\"fonts\":%zu,\"font_bytes\":%zu}\n", lay.n_pages,
			(double)(t1 - t0) / 1e6,
			(double)stats.subset_ns / 1e6,
			(double)stats.build_ns / 1e6,
			(double)stats.save_ns / 1e6, stats.bytes,
			stats.n_fonts, stats.font_bytes);
	folio_doc_free(doc);
	folio_fontset_free(fonts);
	folio_style_free(style);
	if (rc < 0)
		return cli_report(&err);
	return EXIT_OK;
}
