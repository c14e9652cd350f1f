/*
 * unicode.h - the ICU adapter for normalisation (NFC) and case folding.
 *
 * The only file that calls ICU's normaliser. Thread-safe: the NFC
 * instance ICU hands out is shared and immutable.
 */
#ifndef FOLIO_UTIL_UNICODE_H
#define FOLIO_UTIL_UNICODE_H

#include <stddef.h>

#include "util/buf.h"
#include "util/error.h"

/* Append the NFC form of the valid UTF-8 s[0..n) to out. */
int folio_nfc_append(folio_buf *out, const char *s, size_t n,
	folio_error *err);

/* Append the case-folded NFC form of the valid UTF-8 s[0..n) (Unicode
 * full case folding): two names with the same folded form are one file
 * on a case-insensitive or normalising file system. */
int folio_fold_append(folio_buf *out, const char *s, size_t n,
	folio_error *err);

#endif
