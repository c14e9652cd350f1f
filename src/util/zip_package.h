/*
 * zip_package.h - reading ZIP packages made by other programs (Office
 * Open XML: .docx), through libzip.
 *
 * The strict reader of zip.h accepts only the one reading folio's own
 * archives have; office suites write data descriptors, deflate option
 * flags and other harmless variations it refuses. This reader takes
 * what libzip takes (with its consistency check, ZIP_CHECKCONS) and
 * bounds the work instead:
 *   - at most FOLIO_PACKAGE_MAX_ENTRIES entries;
 *   - an entry is read only if its stated size is within the caller's
 *     limit (checked before anything is inflated or allocated), and
 *     inflating stops at the limit whatever the header said;
 *   - an entry over FOLIO_PACKAGE_RATIO_FLOOR bytes inflating more than
 *     FOLIO_PACKAGE_MAX_RATIO times its compressed size is refused
 *     (a zip bomb), as is reading more than FOLIO_PACKAGE_MAX_TOTAL
 *     bytes from one package;
 *   - encrypted entries are refused.
 * Names are compared case-insensitively (OPC part names are).
 *
 * Errors: FOLIO_EINPUT "FILE: ..." for a file that is not a ZIP, is cut
 * short or inconsistent, or an encrypted entry; FOLIO_ELIMIT
 * "FILE: ENTRY: ..." past a limit; FOLIO_EIO. Not thread-safe per handle.
 */
#ifndef FOLIO_UTIL_ZIP_PACKAGE_H
#define FOLIO_UTIL_ZIP_PACKAGE_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/error.h"

#define FOLIO_PACKAGE_MAX_ENTRIES 10000
#define FOLIO_PACKAGE_MAX_RATIO 200
#define FOLIO_PACKAGE_RATIO_FLOOR ((uint64_t)1024 * 1024)
#define FOLIO_PACKAGE_MAX_TOTAL ((uint64_t)512 * 1024 * 1024)

typedef struct folio_package folio_package;

int folio_package_open(folio_package **out, const char *path,
	folio_error *err);
size_t folio_package_count(const folio_package *p);
/* Name of entry i (valid until free), NULL past the end. */
const char *folio_package_name(const folio_package *p, size_t i);
/* Index of the entry called name (case-insensitive), or -1. */
long folio_package_find(const folio_package *p, const char *name);
/* Stated uncompressed size of entry i. */
uint64_t folio_package_size(const folio_package *p, size_t i);
/* Append entry i's bytes to out (NUL-terminated after). */
int folio_package_read(folio_buf *out, folio_package *p, size_t i,
	size_t limit, folio_error *err);
void folio_package_free(folio_package *p);

#endif
