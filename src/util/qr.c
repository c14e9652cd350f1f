/*
 * qr.c - the libqrencode adapter (see qr.h).
 *
 * libqrencode reports failures through errno (EINVAL, ENOMEM, ERANGE
 * when the data does not fit version 40) and marks each module with
 * flag bits besides "dark"; only bit 0 is copied out, so callers never
 * see its encoding.
 */
#include "util/qr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

int folio_qr_encode(folio_qr **out, const char *text, folio_error *err)
{
	size_t len = strlen(text), i, cells;
	folio_qr *qr = NULL;
	QRcode *code;
	int rc = 0;

	*out = NULL;
	if (len == 0)
		return folio_error_set(err, FOLIO_EUSAGE,
			"QR code: expected text, found an empty string");
	if (len > FOLIO_QR_MAX_TEXT)
		return folio_error_set(err, FOLIO_ELIMIT, "QR code: expected "
			"at most %d bytes, found %zu", FOLIO_QR_MAX_TEXT, len);
	for (i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x21 ||
		    (unsigned char)text[i] > 0x7e)
			return folio_error_set(err, FOLIO_EUSAGE, "QR code: "
				"expected printable ASCII, found byte 0x%02x at "
				"%zu", (unsigned char)text[i], i);
	errno = 0;
	/* Version 0: the smallest that fits; case matters in URLs. */
	code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (code == NULL) {
		if (errno == ENOMEM)
			return folio_error_set(err, FOLIO_ENOMEM,
				"QR code: out of memory");
		return folio_error_set(err, errno == ERANGE ? FOLIO_ELIMIT :
			FOLIO_ELIB, "QR code: libqrencode cannot encode %zu "
			"bytes (%s)", len, strerror(errno ? errno : EINVAL));
	}
	cells = (size_t)code->width * (size_t)code->width;
	qr = calloc(1, sizeof(*qr));
	if (qr == NULL || (qr->dark = malloc(cells)) == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM,
			"QR code: out of memory");
		goto done;
	}
	qr->size = code->width;
	qr->version = code->version;
	for (i = 0; i < cells; i++)
		qr->dark[i] = code->data[i] & 1;
	*out = qr;
	qr = NULL;
done:
	QRcode_free(code);
	folio_qr_free(qr);
	return rc;
}

void folio_qr_free(folio_qr *qr)
{
	if (qr == NULL)
		return;
	free(qr->dark);
	free(qr);
}
