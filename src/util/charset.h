/*
 * charset.h - the ICU adapter for text in other encodings than UTF-8.
 *
 * The only file that calls ICU's charset detector (ucsdet) and its
 * converters (ucnv). Pages saved from Chinese government sites arrive in
 * UTF-8, UTF-16 with a byte order mark, GB18030/GBK/GB2312 or Big5;
 * folio_charset_decode turns any of them into UTF-8 and says which it
 * read and how it knew.
 *
 * How the encoding is decided, first match wins:
 *   1. `given` (the user's --encoding): any name ICU knows; the bytes
 *      must convert without a single invalid sequence.
 *   2. A byte order mark: UTF-8, UTF-16LE/BE, UTF-32LE/BE.
 *   3. Valid UTF-8.
 *   4. Text that is nearly UTF-8 (valid multi-byte sequences outnumber
 *      the broken ones four to one) is broken UTF-8, not another
 *      encoding: refused with the first bad byte's position.
 *   5. NUL bytes mean UTF-16 without a byte order mark (refused with the
 *      --encoding to give) or a binary file (refused as invalid UTF-8).
 *   6. The detector, among the Chinese encodings only (GB18030, which
 *      reads GBK and GB2312, and Big5 or Big5-HKSCS): a candidate must
 *      convert cleanly (no invalid sequence, no private-use character)
 *      and, when both do, the detector must prefer one by a clear margin.
 *      Otherwise the text is undecidable and the error names the
 *      candidates and the --encoding option.
 *
 * Output: *out is malloc'd, NUL-terminated UTF-8 without a byte order
 * mark, owned by the caller (free). Line breaks and every character are
 * kept, so line numbers and columns (in characters) of the output are
 * those of the input.
 * Errors: FOLIO_EINPUT "name:line:col: ..." (line and column of the
 * first byte that does not convert), FOLIO_EUSAGE for an encoding name
 * ICU does not know, FOLIO_ELIMIT, FOLIO_ENOMEM, FOLIO_ELIB.
 * Thread-safe: every call opens its own detector and converters.
 */
#ifndef FOLIO_UTIL_CHARSET_H
#define FOLIO_UTIL_CHARSET_H

#include <stddef.h>

#include "util/error.h"

typedef enum folio_charset_how {
	FOLIO_CHARSET_PLAIN = 0, /* valid UTF-8, nothing to convert */
	FOLIO_CHARSET_BOM,       /* named by a byte order mark */
	FOLIO_CHARSET_DETECTED,  /* chosen by the detector */
	FOLIO_CHARSET_GIVEN      /* named by the caller */
} folio_charset_how;

typedef struct folio_charset {
	char name[48];           /* "UTF-8", "UTF-16LE", "GB18030", "Big5" ... */
	folio_charset_how how;
	int confidence;          /* detector's 0-100; 100 unless detected */
} folio_charset;

int folio_charset_decode(char **out, size_t *out_len, folio_charset *cs,
	const char *data, size_t len, const char *given, const char *name,
	folio_error *err);

#endif
