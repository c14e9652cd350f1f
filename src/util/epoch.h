/*
 * epoch.h - SOURCE_DATE_EPOCH, the one switch for reproducible outputs.
 *
 * When set, every time stamp folio writes (PDF dates, EPUB modified,
 * ZIP entry times, signing and bagging time) comes from it, so the same
 * inputs give the same bytes. Accepted: decimal seconds since 1970, from
 * 0 to 253402300799 (the last second of year 9999, so dates stay four
 * digits and nothing overflows).
 */
#ifndef FOLIO_UTIL_EPOCH_H
#define FOLIO_UTIL_EPOCH_H

#include <stdint.h>

#include "util/error.h"

#define FOLIO_EPOCH_MAX 253402300799LL

/* *out = the value, or -1 when the variable is unset or empty. A value
 * that is not such a number is FOLIO_EUSAGE, naming what was found. */
int folio_source_date_epoch(int64_t *out, folio_error *err);

#endif
