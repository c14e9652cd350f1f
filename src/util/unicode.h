/*
 * unicode.h - the ICU adapter for normalisation (NFC).
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

#endif
