/* folio_text_import: a page of pasted text through the text reader, the
 * web-page passes and the shared recognisers. */
#include <stdlib.h>
#include <string.h>

#include "import/import_impl.h"
#include "util/file.h"

static void free_importer(importer *im)
{
	free(im->p);
	free(im->cps);
	free(im->text);
	folio_buf_free(&im->out);
}

int folio_text_import_memory(folio_doc **out, const char *name,
	const char *text, size_t len, const folio_import_options *opts,
	folio_import_report *report, folio_error *err)
{
	importer im;
	int rc, rc2;

	*out = NULL;
	memset(&im, 0, sizeof(im));
	im.name = name ? name : "-";
	im.opts = opts;
	im.report = report;
	im.err = err;
	im.web = 1;
	im.links_first = im.links_last = IMP_NONE;
	im.out.limit = FOLIO_MAX_TEXT_BYTES + 8;
	if (len > FOLIO_MAX_SOURCE_BYTES)
		return folio_error_set(err, FOLIO_ELIMIT,
			"%s: text is %zu bytes, the size limit is %zu bytes",
			im.name, len, FOLIO_MAX_SOURCE_BYTES);
	if ((rc = folio_doc_new(&im.doc, im.name, err)) < 0)
		return rc;
	if ((rc = imp_text_read(&im, text, len)) < 0 ||
	    (rc = imp_markers(&im)) < 0 ||
	    (rc = imp_chrome(&im)) < 0 ||
	    (rc = imp_recognise(&im)) < 0)
		goto done;
done:
	/* The report says what happened to each line as far as the import
	 * got, failed or not. */
	rc2 = imp_report_fill(&im);
	if (rc == 0)
		rc = rc2;
	free_importer(&im);
	if (rc < 0) {
		folio_doc_free(im.doc);
		return rc;
	}
	*out = im.doc;
	return 0;
}

int folio_text_import(folio_doc **out, const char *path,
	const folio_import_options *opts, folio_import_report *report,
	folio_error *err)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	rc = folio_file_read(&text, &len, path, FOLIO_MAX_SOURCE_BYTES, err);
	if (rc == 0)
		rc = folio_text_import_memory(out, path, text, len, opts,
			report, err);
	free(text);
	return rc;
}
