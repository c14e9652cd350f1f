/*
 * paths.h - where folio finds its shipped data (schemas/, styles/, fonts/),
 * and the one rule for a relative path a document gives (a figure's src).
 *
 * Search order: $FOLIO_DATADIR; <bindir>/../share/folio (an installed
 * tree, wherever it was moved); the source tree the binary was built in
 * (binary at <top>/build/<variant>/folio); the compiled-in FOLIO_DATADIR
 * (PREFIX/share/folio). The first folder holding `rel` wins.
 */
#ifndef FOLIO_UTIL_PATHS_H
#define FOLIO_UTIL_PATHS_H

#include <stddef.h>

#include "util/error.h"

/* Full path of rel (e.g. "schemas/document.rng") into out. */
int folio_data_path(char *out, size_t outsz, const char *rel,
	folio_error *err);

/* Whether s is a relative path of 1 to max bytes: '/'-separated names
 * of ASCII letters, digits, '.', '_' and '-', none empty or starting
 * with '.' (so no "..", no hidden file, no absolute path). A figure's
 * src follows it in the source, the report and record.xml. */
int folio_relative_path_valid(const char *s, size_t max);

#endif
