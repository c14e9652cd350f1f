/*
 * style_read.h - read a print style (styles/NAME.xml) into a folio_style.
 *
 * The file is parsed through the XML adapter (no network, no DTD, size
 * and depth limits) and validated against schemas/style.rng; then values
 * are checked for sense: non-negative margins and lengths, a text block
 * that fits on the page, a grid whose line pitch holds every role on it
 * and whose character pitch is at least 3/4 of the body size.
 *
 * Errors: FOLIO_EINPUT "file:line:col: <element>: expected ..., found
 * ..."; FOLIO_EIO for an unreadable file; FOLIO_ENOMEM.
 *
 * The style owns its strings; free it with folio_style_free (NULL is a
 * no-op). A style is read-only once read and may be shared by threads.
 */
#ifndef FOLIO_STYLE_STYLE_READ_H
#define FOLIO_STYLE_STYLE_READ_H

#include "style/style.h"
#include "util/error.h"

int folio_style_read(folio_style **out, const char *path, folio_error *err);
void folio_style_free(folio_style *style);

#endif
