/* Reading a source from the command line: pages of text say on stderr
 * what the importer did with them (encoding, dropped lines). */
#include <stdio.h>

#include "cli/cli.h"
#include "import/source.h"
#include "util/buf.h"

void cli_import_notice(const char *path, const folio_import_report *r,
	const char *see)
{
	folio_buf b = {0};

	if (r->encoding.how == FOLIO_CHARSET_DETECTED)
		fprintf(stderr, "folio: %s: read as %s (detected, confidence "
			"%d%%)\n", path, r->encoding.name,
			r->encoding.confidence);
	else if (r->encoding.how == FOLIO_CHARSET_BOM)
		fprintf(stderr, "folio: %s: read as %s (byte order mark)\n",
			path, r->encoding.name);
	else if (r->encoding.how == FOLIO_CHARSET_GIVEN)
		fprintf(stderr, "folio: %s: read as %s (--encoding)\n", path,
			r->encoding.name);
	if (folio_import_report_summary(&b, r) == 0 && b.len > 0)
		fprintf(stderr, "folio: %s: %s%s%s\n", path, b.data,
			see ? "; see " : "", see ? see : "");
	folio_buf_free(&b);
}

int cli_read_source(folio_doc **out, const char *path,
	const folio_import_options *import, folio_error *err)
{
	folio_import_report report = {0};
	folio_source_options opts = {import, &report};
	int rc = folio_source_read(out, path, &opts, err);

	if (rc == 0 && report.lines > 0)
		cli_import_notice(path, &report, "folio import --report FILE");
	folio_import_report_free(&report);
	return rc;
}
