#include "util/unicode.h"

#include <stdlib.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

/* Convert UTF-8 -> UTF-16 -> NFC -> UTF-8. ICU works on UTF-16; texts
 * here are at most FOLIO_MAX_TEXT_BYTES, so two heap passes are fine. */
int folio_nfc_append(folio_buf *out, const char *s, size_t n,
	folio_error *err)
{
	UErrorCode st = U_ZERO_ERROR;
	const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
	UChar *u16 = NULL, *norm = NULL;
	char *u8 = NULL;
	int32_t u16len = 0, normlen, u8len = 0;
	int rc = 0;

	if (U_FAILURE(st))
		return folio_error_set(err, FOLIO_ELIB, "ICU: no NFC data: %s",
			u_errorName(st));
	if (n > (size_t)INT32_MAX / 2)
		return folio_error_set(err, FOLIO_ELIMIT, "text too long");
	/* Fast path: ASCII needs no normalisation. */
	{
		size_t i;
		for (i = 0; i < n && (unsigned char)s[i] < 0x80; i++)
			;
		if (i == n)
			return folio_buf_append(out, s, n);
	}
	u16 = malloc((n + 1) * sizeof(UChar));
	norm = malloc((2 * n + 8) * sizeof(UChar));
	if (u16 == NULL || norm == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	u_strFromUTF8(u16, (int32_t)n + 1, &u16len, s, (int32_t)n, &st);
	if (U_FAILURE(st)) {
		rc = folio_error_set(err, FOLIO_EINPUT,
			"text is not valid UTF-8 (%s)", u_errorName(st));
		goto done;
	}
	normlen = unorm2_normalize(nfc, u16, u16len, norm, (int32_t)(2 * n + 8),
		&st);
	if (U_FAILURE(st)) {
		rc = folio_error_set(err, FOLIO_ELIB, "ICU NFC failed: %s",
			u_errorName(st));
		goto done;
	}
	/* Preflight the UTF-8 length. */
	u_strToUTF8(NULL, 0, &u8len, norm, normlen, &st);
	if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st)) {
		rc = folio_error_set(err, FOLIO_ELIB, "ICU: %s",
			u_errorName(st));
		goto done;
	}
	st = U_ZERO_ERROR;
	u8 = malloc((size_t)u8len + 1);
	if (u8 == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	u_strToUTF8(u8, u8len + 1, NULL, norm, normlen, &st);
	if (U_FAILURE(st)) {
		rc = folio_error_set(err, FOLIO_ELIB, "ICU: %s",
			u_errorName(st));
		goto done;
	}
	rc = folio_buf_append(out, u8, (size_t)u8len);
	if (rc < 0)
		rc = folio_error_set(err, rc, "text too long");
done:
	free(u8);
	free(u16);
	free(norm);
	return rc;
}

int folio_fold_append(folio_buf *out, const char *s, size_t n,
	folio_error *err)
{
	folio_buf nfc = {0};
	UErrorCode st = U_ZERO_ERROR;
	UChar *u16 = NULL, *folded = NULL;
	char *u8 = NULL;
	int32_t u16len = 0, flen, u8len = 0;
	size_t i;
	int rc;

	for (i = 0; i < n && (unsigned char)s[i] < 0x80; i++)
		;
	if (i == n) {
		/* ASCII: fold to lower case without ICU. */
		for (i = 0; i < n; i++) {
			char c = s[i];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if ((rc = folio_buf_putc(out, c)) < 0)
				return folio_error_set(err, rc, "name too long");
		}
		return 0;
	}
	nfc.limit = 16 * n + 64;
	if ((rc = folio_nfc_append(&nfc, s, n, err)) < 0)
		goto done;
	/* Full case folding may grow a string up to three times. */
	u16 = malloc((nfc.len + 1) * sizeof(UChar));
	folded = malloc((3 * nfc.len + 8) * sizeof(UChar));
	if (u16 == NULL || folded == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	u_strFromUTF8(u16, (int32_t)nfc.len + 1, &u16len, nfc.data,
		(int32_t)nfc.len, &st);
	flen = U_SUCCESS(st) ? u_strFoldCase(folded, (int32_t)(3 * nfc.len +
		8), u16, u16len, U_FOLD_CASE_DEFAULT, &st) : 0;
	if (U_FAILURE(st)) {
		rc = folio_error_set(err, FOLIO_ELIB, "ICU case folding: %s",
			u_errorName(st));
		goto done;
	}
	u_strToUTF8(NULL, 0, &u8len, folded, flen, &st);
	st = U_ZERO_ERROR;
	if ((u8 = malloc((size_t)u8len + 1)) == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	u_strToUTF8(u8, u8len + 1, NULL, folded, flen, &st);
	if (U_FAILURE(st)) {
		rc = folio_error_set(err, FOLIO_ELIB, "ICU: %s",
			u_errorName(st));
		goto done;
	}
	if ((rc = folio_buf_append(out, u8, (size_t)u8len)) < 0)
		rc = folio_error_set(err, rc, "name too long");
done:
	folio_buf_free(&nfc);
	free(u8);
	free(u16);
	free(folded);
	return rc;
}
