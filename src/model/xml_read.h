/*
 * xml_read.h - a folio XML source (schemas/document.rng) -> document model.
 *
 * Steps: safe parse (util/xml.h: no DTD, no network, size and depth
 * limits, UTF-8 only), calendar and vocabulary checks on the meta values
 * (so a bad date or retention is named with its own position), RELAX NG
 * validation, then a walk into folio_doc. Every text goes through
 * folio_doc_text (NFC, trimmed, FOLIO_MAX_TEXT_BYTES); blocks keep the
 * line and column of their element's start tag.
 *
 * Beyond the schema: sections nest at most FOLIO_MAX_HEADING_LEVEL
 * deep (一、 （一） 1. （1）), a text that is only white space is
 * refused, and a text over FOLIO_MAX_TEXT_BYTES is FOLIO_ELIMIT with
 * its position.
 * <list> without type= is a bullet list; numbering="chapters" selects
 * FOLIO_NUMBERING_CHAPTERS.
 *
 * Ownership: on success *out is a new document owned by the caller
 * (folio_doc_free); on failure *out is NULL. Errors: FOLIO_EINPUT
 * ("file:line:col: expected ..., found ..."), FOLIO_ELIMIT, FOLIO_EIO,
 * FOLIO_ENOMEM, FOLIO_ELIB (schema missing). Thread-safe.
 */
#ifndef FOLIO_MODEL_XML_READ_H
#define FOLIO_MODEL_XML_READ_H

#include "model/doc.h"
#include "util/error.h"

int folio_xml_read(folio_doc **out, const char *path, folio_error *err);

/* Same from memory; `name` stands for the file in messages. */
int folio_xml_read_memory(folio_doc **out, const char *data, size_t len,
	const char *name, folio_error *err);

#endif
