/*
 * xml_write.h - document model -> XML source (schemas/document.rng).
 *
 * The inverse of the XML reader: what the text importer produces is
 * written here for a clerk to review, correct and keep as the source.
 * Output is UTF-8, indented two spaces, one element per line, fields in
 * schema order, and deterministic (the same model gives the same bytes).
 * Markup is produced by libxml2's xmlTextWriter, which escapes text.
 *
 * Errors: FOLIO_EINPUT when the model cannot give a schema-valid source
 * (a required field missing or empty, an empty paragraph, an article
 * without text, a character XML 1.0 forbids), naming the source path and
 * the node's line:col; FOLIO_ELIB if libxml2 fails; FOLIO_ELIMIT when out
 * reaches its limit; FOLIO_EIO from the file variant.
 * Thread-safe: no global state.
 */
#ifndef FOLIO_MODEL_XML_WRITE_H
#define FOLIO_MODEL_XML_WRITE_H

#include "model/doc.h"
#include "util/buf.h"
#include "util/error.h"

/* Append the XML source of doc to out. On failure out keeps what it had
 * before the call. */
int folio_xml_write(folio_buf *out, const folio_doc *doc, folio_error *err);

/* Write the XML source to path atomically (temporary file + rename):
 * on failure nothing appears under path. */
int folio_xml_write_file(const char *path, const folio_doc *doc,
	folio_error *err);

#endif
