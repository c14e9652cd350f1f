/* Name-based UUIDs (RFC 4122 version 5) for dc:identifier; SHA-1 comes
 * from the digest adapter in util/. */
#include "epub/epub.h"

#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/digest.h"

/* RFC 4122 name space for URLs; the name is a folio URN, so the same
 * document id always gives the same book identifier. */
static const unsigned char ns_url[16] = {
	0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
	0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8
};

int folio_epub_uuid(char *out, size_t outsz, const folio_meta *meta,
	folio_error *err)
{
	unsigned char md[FOLIO_SHA1_LEN];
	folio_buf name = {0};
	int rc = 0;

	if (outsz < 46)
		return folio_error_set(err, FOLIO_EUSAGE,
			"uuid buffer too small");
	name.limit = 64 * 1024;
	if (folio_buf_append(&name, ns_url, sizeof(ns_url)) < 0 ||
	    folio_buf_puts(&name, "urn:folio:document:") < 0)
		goto nomem;
	if (meta->id != NULL && meta->id[0] != '\0') {
		if (folio_buf_puts(&name, meta->id) < 0)
			goto nomem;
	} else {
		/* No id: title, date and 文号 together name the document;
		 * newlines keep "ab"+"c" apart from "a"+"bc". */
		if (folio_buf_printf(&name, "%s\n%s\n%s",
			meta->title ? meta->title : "",
			meta->date ? meta->date : "",
			meta->doc_number ? meta->doc_number : "") < 0)
			goto nomem;
	}
	if ((rc = folio_sha1(md, name.data, name.len, err)) < 0)
		goto done;
	md[6] = (unsigned char)((md[6] & 0x0F) | 0x50);
	md[8] = (unsigned char)((md[8] & 0x3F) | 0x80);
	snprintf(out, outsz, "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-"
		"%02x%02x-%02x%02x%02x%02x%02x%02x", md[0], md[1], md[2],
		md[3], md[4], md[5], md[6], md[7], md[8], md[9], md[10],
		md[11], md[12], md[13], md[14], md[15]);
	goto done;
nomem:
	rc = folio_error_set(err, FOLIO_ELIMIT,
		"document name too long for an identifier");
done:
	folio_buf_free(&name);
	return rc;
}
