/* folio import - pasted web page text to a reviewable XML source. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "model/doc.h"
#include "model/text_import.h"
#include "model/xml_write.h"

#define MAX_META 32

static void import_usage(FILE *fp)
{
	fprintf(fp,
		"usage: folio import PAGE.txt -o SOURCE.xml [--meta KEY=VALUE]...\n"
		"\n"
		"Reads text copied from a web page, finds the title, date, 文号 and\n"
		"numbered headings, drops site chrome, and writes an XML source for\n"
		"review. --meta fills or overrides a field: title, subtitle, issuer,\n"
		"doc-number, date, category, security, retention, keywords, recipients,\n"
		"cc, printed-by, printed-date, url, id (lists comma-separated).\n");
}

int cli_parse_meta(folio_meta_override *out, size_t max, size_t *n,
	const char *arg)
{
	const char *eq = strchr(arg, '=');

	if (eq == NULL || eq == arg) {
		fprintf(stderr, "folio: --meta expects KEY=VALUE, found '%s'\n",
			arg);
		return -1;
	}
	if (*n >= max) {
		fprintf(stderr, "folio: at most %zu --meta options\n", max);
		return -1;
	}
	/* The key is cut in place: argv strings are ours to modify. */
	*(char *)(uintptr_t)eq = '\0';
	out[*n].key = arg;
	out[*n].value = eq + 1;
	(*n)++;
	return 0;
}

int cmd_import(int argc, char **argv)
{
	folio_meta_override meta[MAX_META];
	folio_import_options opts = {0};
	const char *in = NULL, *out = NULL;
	folio_error err = {0};
	folio_doc *doc = NULL;
	size_t n_meta = 0;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			import_usage(stdout);
			return EXIT_OK;
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (strcmp(argv[i], "--meta") == 0 && i + 1 < argc) {
			if (cli_parse_meta(meta, MAX_META, &n_meta, argv[++i]) < 0)
				return EXIT_USAGE;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "folio import: unknown option '%s'\n",
				argv[i]);
			import_usage(stderr);
			return EXIT_USAGE;
		} else if (in == NULL) {
			in = argv[i];
		} else {
			fprintf(stderr, "folio import: one input file only\n");
			return EXIT_USAGE;
		}
	}
	if (in == NULL || out == NULL) {
		import_usage(stderr);
		return EXIT_USAGE;
	}
	opts.meta = meta;
	opts.n_meta = n_meta;
	rc = folio_text_import(&doc, in, &opts, &err);
	if (rc == 0)
		rc = folio_xml_write_file(out, doc, &err);
	folio_doc_free(doc);
	if (rc < 0)
		return cli_report(&err);
	return EXIT_OK;
}
