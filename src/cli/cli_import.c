/* folio import - a page of pasted text to a reviewable XML source. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "import/import.h"
#include "model/doc.h"
#include "model/xml_write.h"
#include "util/buf.h"
#include "util/file.h"

#define MAX_META 32

static void import_usage(FILE *fp)
{
	fprintf(fp,
		"usage: folio import PAGE.txt|FILE.docx -o SOURCE.xml [--report REPORT.json]\n"
		"                    [--encoding NAME] [--meta KEY=VALUE]...\n"
		"\n"
		"Reads a page copied from a web site or a 公文 as text (UTF-8, UTF-16\n"
		"with a byte order mark, GB18030/GBK or Big5, detected; --encoding\n"
		"names another), recognises its title, metadata table, 文号, 主送,\n"
		"headings, 附件说明, 落款, 附注 and 版记, drops site chrome, and writes\n"
		"an XML source for review. Every line that is not body text is\n"
		"listed in --report (JSON: line, text, what happened, why); stderr\n"
		"says how many. --meta fills or overrides a field: title, subtitle,\n"
		"issuer, doc-number, date, category, subject, index-number, security,\n"
		"retention, keywords, recipients, cc, printed-by, printed-date, url,\n"
		"note, id (lists comma-separated). A Word file (.docx) is read the\n"
		"same way; its images are written to SOURCE-media/ beside SOURCE.xml.\n");
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
	folio_import_report report = {0};
	const char *in = NULL, *out = NULL, *report_path = NULL;
	folio_error err = {0};
	folio_doc *doc = NULL;
	folio_buf json = {0};
	folio_import_media media = {0};
	char media_dir[160];
	size_t n_meta = 0;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			import_usage(stdout);
			return EXIT_OK;
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (strcmp(argv[i], "--report") == 0 && i + 1 < argc) {
			report_path = argv[++i];
		} else if (strcmp(argv[i], "--encoding") == 0 && i + 1 < argc) {
			opts.encoding = argv[++i];
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
	folio_import_media_dir(media_dir, sizeof(media_dir), out);
	rc = folio_import_file(&doc, &media, in, media_dir, &opts, &report,
		&err);
	if (rc == 0)
		rc = folio_import_media_write(&media, out, &err);
	if (rc == 0 && (rc = folio_xml_write_file(out, doc, &err)) < 0)
		folio_import_media_remove(&media, out);
	if (rc == 0 && report_path != NULL) {
		rc = folio_import_report_json(&json, &report, in);
		if (rc < 0)
			rc = folio_error_set(&err, rc, "%s: the report exceeds "
				"the output limit", report_path);
		else
			rc = folio_file_write_atomic(report_path, json.data,
				json.len, &err);
	}
	if (rc == 0)
		cli_import_notice(in, &report, report_path ? report_path :
			"--report");
	folio_buf_free(&json);
	folio_import_report_free(&report);
	folio_import_media_free(&media);
	folio_doc_free(doc);
	if (rc < 0)
		return cli_report(&err);
	return EXIT_OK;
}
