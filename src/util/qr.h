/*
 * qr.h - QR code symbols as a plain module matrix (the libqrencode
 * adapter).
 *
 * folio_qr_encode turns text (a URL: printable ASCII, at most
 * FOLIO_QR_MAX_TEXT bytes) into the symbol's modules: `size` x `size`
 * cells, row-major from the top left, dark[y * size + x] = 1 for a dark
 * module. Error correction level M (15% of the symbol may be lost), the
 * smallest version that holds the text, byte mode where needed. The quiet
 * zone (FOLIO_QR_QUIET light modules on every side, ISO/IEC 18004) is not
 * part of the matrix: whoever draws the symbol leaves it, so the same
 * matrix serves an SVG on the site and rectangles drawn in a PDF.
 *
 * No libqrencode type leaves qr.c. Errors: FOLIO_EUSAGE for empty text
 * or a byte outside printable ASCII, FOLIO_ELIMIT for text over the cap
 * or too long for any symbol, FOLIO_ENOMEM. Thread-safe (libqrencode is
 * built with its mutex in Debian). folio_qr_free(NULL) is a no-op.
 */
#ifndef FOLIO_UTIL_QR_H
#define FOLIO_UTIL_QR_H

#include <stddef.h>

#include "util/error.h"

#define FOLIO_QR_MAX_TEXT 1024
#define FOLIO_QR_QUIET 4

typedef struct folio_qr {
	int size;              /* modules per side (21 for version 1) */
	int version;           /* 1..40 */
	unsigned char *dark;   /* size * size bytes, 1 = dark, malloc'd */
} folio_qr;

int folio_qr_encode(folio_qr **out, const char *text, folio_error *err);
void folio_qr_free(folio_qr *qr);

#endif
