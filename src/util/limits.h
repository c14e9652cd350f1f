/*
 * limits.h - the caps every reader applies to its input.
 *
 * In util/ because the XML adapter enforces them before any model
 * exists; the model and the readers share the same numbers.
 */
#ifndef FOLIO_UTIL_LIMITS_H
#define FOLIO_UTIL_LIMITS_H

#include <stddef.h>

#define FOLIO_MAX_SOURCE_BYTES ((size_t)16 * 1024 * 1024) /* one file */
#define FOLIO_MAX_TEXT_BYTES ((size_t)1024 * 1024)   /* one text node */
#define FOLIO_MAX_DEPTH 64                           /* XML nesting */
/* Attributes (namespace declarations included) on one XML start tag:
 * folio's formats use at most 4; libxml2's cost grows with the square. */
#define FOLIO_MAX_ATTRIBUTES 64

#endif
