/* folio import - a page of pasted text to a reviewable XML source. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "import/import.h"
#include "model/doc.h"
#include "model/xml_write.h"
#include "util/buf.h"
#include "util/file.h"

static int cmd_import(int argc, char **argv);

enum { O_OUTPUT, O_REPORT, O_ENCODING, O_META };

static const cli_opt import_opts[] = {
	[O_OUTPUT] = {"output", 'o', "SOURCE.xml", CLI_OPT_FILE,
		"where the XML source goes ('-': standard output)"},
	[O_REPORT] = {"report", 0, "REPORT.json", CLI_OPT_FILE,
		"list every line that is not body text (JSON: line, text, "
		"what happened, why)"},
	[O_ENCODING] = {"encoding", 0, "NAME", 0,
		"the page's encoding, when detection cannot tell"},
	[O_META] = CLI_OPT_META,
	{NULL, 0, NULL, 0, NULL}
};

const cli_command cli_cmd_import = {
	"import", cmd_import,
	"turn a pasted web page (text) into an XML source",
	"[OPTIONS] PAGE.txt|FILE.docx -o SOURCE.xml",
	"Reads a page copied from a web site or a 公文 as text ('-': standard\n"
	"input; UTF-8, UTF-16 or UTF-32 with a byte order mark, GB18030/GBK\n"
	"or Big5, detected; --encoding names another), recognises its title,\n"
	"metadata table, 文号, 主送, headings, 附件说明, 落款, 附注 and 版记,\n"
	"drops site chrome and spam lines above the title, converts ASCII\n"
	"punctuation between Han characters to full-width forms, and writes\n"
	"an XML source for review. Every line that is not body text is\n"
	"listed in --report and summed up on stderr. A Word file (.docx) is\n"
	"read the same way; its images are written to SOURCE-media/ beside\n"
	"SOURCE.xml (so a .docx with images needs -o FILE, not standard\n"
	"output).\n"
	"\n"
	"Exit status 0 written, 1 when the page cannot become a source (no\n"
	"title, no date or no issuer found: give them with --meta), 2 usage\n"
	"or I/O trouble.",
	import_opts, "file"
};

/* The page from a file (text or Word), or from standard input (text)
 * with the same cap. */
static int import_page(folio_doc **out, folio_import_media *media,
	const char *in, const char *media_dir,
	const folio_import_options *opts, folio_import_report *report,
	folio_error *err)
{
	char *data = NULL;
	size_t n = 0;
	int rc;

	if (strcmp(in, "-") != 0)
		return folio_import_file(out, media, in, media_dir, opts,
			report, err);
	*out = NULL;
	if ((rc = cli_read_stdin(&data, &n, FOLIO_MAX_SOURCE_BYTES, err)) < 0)
		return rc;
	rc = folio_text_import_memory(out, "stdin", data, n, opts, report,
		err);
	free(data);
	return rc;
}

static int cmd_import(int argc, char **argv)
{
	folio_import_report report = {0};
	const char *in, *report_path = NULL;
	folio_error err = {0};
	folio_doc *doc = NULL;
	folio_buf json = {0};
	folio_import_media media = {0};
	char media_dir[160];
	const char *v;
	cli_source_args sa;
	cli_args args;
	cli_out output;
	int k, st, rc;

	memset(&sa, 0, sizeof(sa));
	cli_args_init(&args, &cli_cmd_import, argc, argv);
	while ((k = cli_next(&args, &v)) != CLI_END) {
		switch (k) {
		case O_REPORT: report_path = v; break;
		case O_ENCODING: sa.import.encoding = v; break;
		default:
			if ((st = cli_source_arg(&sa, &cli_cmd_import, k, v,
				O_OUTPUT, O_META)) >= 0)
				return st;
		}
	}
	if ((st = cli_source_args_done(&sa, &cli_cmd_import)) >= 0)
		return st;
	in = sa.in;
	if ((rc = cli_out_begin(&output, sa.out, "source.xml", &err)) < 0)
		return cli_report(&err);
	folio_import_media_dir(media_dir, sizeof(media_dir),
		output.to_stdout ? "source.xml" : sa.out);
	rc = import_page(&doc, &media, in, media_dir, &sa.import, &report,
		&err);
	if (rc == 0 && media.n > 0 && output.to_stdout)
		rc = folio_error_set(&err, FOLIO_EUSAGE, "%s: the document has "
			"%zu images, written beside the source: give -o "
			"SOURCE.xml, not standard output", in, media.n);
	if (rc == 0)
		rc = folio_import_media_write(&media, sa.out, &err);
	if (rc == 0 && (rc = folio_xml_write_file(output.path, doc,
		&err)) < 0)
		folio_import_media_remove(&media, sa.out);
	rc = cli_out_end(&output, rc, &err);
	if (rc == 0 && report_path != NULL) {
		rc = folio_import_report_json(&json, &report,
			strcmp(in, "-") ? in : "stdin");
		if (rc < 0)
			rc = folio_error_set(&err, rc, "%s: the report exceeds "
				"the output limit", report_path);
		else
			rc = folio_file_write_atomic(report_path, json.data,
				json.len, &err);
	}
	if (rc == 0)
		cli_import_notice(strcmp(in, "-") ? in : "stdin", &report, report_path ? report_path :
			"--report");
	folio_buf_free(&json);
	folio_import_report_free(&report);
	folio_import_media_free(&media);
	folio_doc_free(doc);
	if (rc < 0)
		return cli_report(&err);
	return EXIT_OK;
}
