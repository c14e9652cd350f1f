/* The shared recognisers, in the order each depends on the last. A
 * reader (pasted text now, Word later) fills the paragraphs and calls
 * imp_recognise; everything from here on is the same for every reader.
 *
 *   page facts      民國 years, traditional script
 *   metadata        政务公开 table lines with strong labels, and their
 *                   table neighbours
 *   header          份号/密级, 版头, 文号, title, repeated titles, what
 *                   stands between title and body; above it: site header
 *   recipients      主送
 *   tail            from the bottom: 版记, foot metadata, links, chrome
 *   bodies          附件1 + title + text after the main text
 *   closing         附注, 落款 (issuer + 成文日期, or date + signature)
 *   attachment list 附件说明 (or the foot's download links)
 *   unwrap          lines of a page copied from a PDF, joined
 *   body            blocks from what is left
 *   settle          offers -> meta, overrides, required fields
 */
#include "import/import_impl.h"

int imp_recognise(importer *im)
{
	int rc;

	if ((rc = imp_page_facts(im)) < 0 ||
	    (rc = imp_metadata(im)) < 0 ||
	    (rc = imp_header(im)) < 0 ||
	    (rc = imp_recipients(im)) < 0 ||
	    (rc = imp_tail(im)) < 0 ||
	    (rc = imp_attachment_bodies(im)) < 0 ||
	    (rc = imp_closing(im)) < 0 ||
	    (rc = imp_attachment_list(im)) < 0 ||
	    (rc = imp_unwrap(im)) < 0 ||
	    (rc = imp_build_body(im)) < 0 ||
	    (rc = imp_settle(im)) < 0)
		return rc;
	return 0;
}
