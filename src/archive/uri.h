/*
 * uri.h - entry names in Reference URIs of the archive's signature.
 *
 * A Reference names an entry of the archive by a relative URI: the name
 * percent-encoded (RFC 3986: unreserved characters and '/' kept). Both
 * return -1 when the result does not fit in outsz bytes; decoding also
 * refuses a malformed escape and an encoded NUL.
 */
#ifndef FOLIO_ARCHIVE_URI_H
#define FOLIO_ARCHIVE_URI_H

#include <stddef.h>

int folio_uri_decode(char *out, size_t outsz, const char *uri);
int folio_uri_encode(char *out, size_t outsz, const char *name);

#endif
