/*
 * source.h - read any folio source (XML or a page of text) into the model.
 *
 * folio_source_read decides the kind by content first: after an optional
 * UTF-8 byte order mark and white space, a '<' means XML; otherwise a
 * name ending in ".xml" still means XML (so a blank or broken .xml file
 * gets XML messages); anything else is plain text for the importer.
 *
 * Before dispatching it refuses, with "file:line:col: expected ...,
 * found ..." messages, what no reader can take: a file over
 * FOLIO_MAX_SOURCE_BYTES (checked with stat, before reading: FOLIO_ELIMIT,
 * "size limit"), an XML source in UTF-16 or UTF-32 ("expected UTF-8,
 * found UTF-16"), an empty file, and a Word file (a ZIP or OLE2 file by
 * its first bytes: "import it first" / "convert it with soffice"). Text pages in other encodings go to
 * the importer, which converts them (util/charset.h). A missing file or a
 * directory is FOLIO_EIO.
 *
 * Ownership: on success *out is a new document owned by the caller
 * (folio_doc_free); on failure *out is NULL and err holds the message.
 * Thread-safe (batch workers call it in parallel).
 */
#ifndef FOLIO_IMPORT_SOURCE_H
#define FOLIO_IMPORT_SOURCE_H

#include "import/import.h"
#include "model/doc.h"
#include "util/error.h"

typedef struct folio_source_options {
	const folio_import_options *import; /* text sources; may be NULL */
	folio_import_report *report;        /* text sources: what the
	                                     * importer dropped; may be NULL */
} folio_source_options;

typedef enum folio_source_kind {
	FOLIO_SOURCE_XML,
	FOLIO_SOURCE_TEXT
} folio_source_kind;

/* opts may be NULL. */
int folio_source_read(folio_doc **out, const char *path,
	const folio_source_options *opts, folio_error *err);

/* The same for bytes already read (standard input); name stands for
 * the file in messages and, like a path, decides the kind when the
 * bytes do not. The --meta overrides of opts->import apply to XML
 * sources too (folio_import_apply_meta). */
int folio_source_read_memory(folio_doc **out, const char *name,
	const char *data, size_t n, const folio_source_options *opts,
	folio_error *err);

/* The kind folio_source_read would choose for these leading bytes of a
 * file called `path` (exposed for the batch scheduler and tests). */
folio_source_kind folio_source_kind_of(const char *path, const char *head,
	size_t n);

#endif
