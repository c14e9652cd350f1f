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

static int cmd_pdf(int argc, char **argv);

enum { O_OUTPUT, O_STYLE, O_MISSING_GLYPH, O_STATS, O_META };

static const cli_opt pdf_opts[] = {
	[O_OUTPUT] = {"output", 'o', "OUT.pdf", CLI_OPT_FILE,
		"where the PDF goes ('-': standard output)"},
	[O_STYLE] = {"style", 0, "FILE.xml", CLI_OPT_FILE,
		"print style (default: the installed styles/gbt9704.xml)"},
	[O_MISSING_GLYPH] = {"missing-glyph", 0, "error|box", 0,
		"a character no font of its role has: an error naming it and "
		"its place (default), or drawn as a box and reported on "
		"stderr"},
	[O_STATS] = {"stats", 0, NULL, 0,
		"print the time of each stage as JSON on stdout"},
	[O_META] = CLI_OPT_META,
	{NULL, 0, NULL, 0, NULL}
};

const cli_command cli_cmd_pdf = {
	"pdf", cmd_pdf, "lay out a source and write a print-ready PDF",
	"[OPTIONS] SOURCE -o OUT.pdf",
	"Lays out an XML or text source ('-': standard input) and writes a\n"
	"PDF with embedded font subsets, bookmarks and document information.\n"
	"\n"
	"SOURCE_DATE_EPOCH, when set, gives the PDF's dates (and makes the\n"
	"output byte-identical); otherwise the document's date is used.\n"
	"Exit status 0 written, 1 invalid source, 2 usage or I/O trouble.",
	pdf_opts, "file"
};

/* --stats goes to stdout, unless the PDF itself does. */
static FILE *want_stats_fp(const char *out)
{
	return strcmp(out, "-") == 0 ? stderr : stdout;
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

static int cmd_pdf(int argc, char **argv)
{
	cli_source_args sa;
	cli_args args;
	cli_out output;
	const char *v, *in, *out;
	int k, st;
	folio_layout_options lopts = {FOLIO_MISSING_GLYPH_ERROR};
	const char *style_path = NULL;
	folio_pdf_options popts;
	folio_pdf_stats stats;
	folio_fontset *fonts = NULL;
	folio_style *style = NULL;
	folio_error err = {0};
	folio_doc *doc = NULL;
	folio_layout lay;
	long long t0 = 0, t1 = 0;
	int rc, want_stats = 0;

	memset(&lay, 0, sizeof(lay));
	memset(&stats, 0, sizeof(stats));
	memset(&sa, 0, sizeof(sa));
	cli_args_init(&args, &cli_cmd_pdf, argc, argv);
	while ((k = cli_next(&args, &v)) != CLI_END) {
		switch (k) {
		case O_STYLE: style_path = v; break;
		case O_MISSING_GLYPH:
			(void)parse_missing_glyph(&lopts.missing_glyph, v);
			break;
		case O_STATS: want_stats = 1; break;
		default:
			if ((st = cli_source_arg(&sa, &cli_cmd_pdf, k, v,
				O_OUTPUT, O_META)) >= 0)
				return st;
		}
	}
	if ((st = cli_source_args_done(&sa, &cli_cmd_pdf)) >= 0)
		return st;
	in = sa.in;
	out = sa.out;
	if (cli_out_begin(&output, out, "out.pdf", &err) < 0)
		return cli_report(&err);
	rc = folio_pdf_options_init(&popts, &err);
	popts.stats = &stats;
	if (rc == 0)
		rc = cli_print_inputs(&style, &fonts, style_path, &err);
	if (rc == 0)
		rc = cli_read_source(&doc, in, &sa.import, &err);
	if (rc == 0) {
		t0 = folio_now_ns();
		rc = folio_layout_document(&lay, doc, style, fonts, lopts,
			&err);
		t1 = folio_now_ns();
	}
	if (rc == 0) {
		report_substitutions(&lay, strcmp(in, "-") ? in : "stdin");
		rc = folio_pdf_write(output.path, &lay, doc, &popts, &err);
	}
	rc = cli_out_end(&output, rc, &err);
	if (rc == 0 && want_stats)
		fprintf(want_stats_fp(out), "{\"pages\":%zu,"
			"\"layout_ms\":%.3f,\"subset_ms\":%.3f,"
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
