/*
 * text_import.h - plain text copied from a web page -> document model.
 *
 * Real documents arrive as text pasted from government web pages. The
 * importer recovers what it can and leaves the rest to a clerk who reviews
 * the XML source it leads to:
 *   - the title: the line before a 发布时间:/日期: line, else the first
 *     substantial line; site chrome (breadcrumbs, font-size and share
 *     widgets, empty 附件/视频 labels, print/close links) and SEO spam
 *     lines (keyword chunks unrelated to the body) are dropped;
 *   - the date (2020-04-27, 2020年4月27日, 2020.04.27) as YYYY-MM-DD;
 *   - a 文号 standing on its own line near the top (stray spaces removed);
 *   - heading levels 一、 / （一） / 1. / （1）, 第一章 / 第一节 and 第一条
 *     articles; the typed numbers are stripped (styles generate them);
 *   - ASCII , : ; ( ) ? ! used in Chinese text become full-width.
 * Body characters are otherwise kept as typed, in order.
 *
 * Ownership: on success *out is a new document owned by the caller
 * (folio_doc_free); on failure *out is NULL.
 * Errors: FOLIO_EINPUT with "name:line:col: expected ..., found ..." for
 * bad text (invalid UTF-8, UTF-16, NUL or control bytes, empty file, no
 * body, impossible date, missing issuer); FOLIO_EUSAGE for an unknown or
 * malformed --meta override; FOLIO_ELIMIT past FOLIO_MAX_SOURCE_BYTES or
 * FOLIO_MAX_TEXT_BYTES for one paragraph; FOLIO_EIO/FOLIO_ENOMEM.
 * Thread-safe: no global state.
 */
#ifndef FOLIO_MODEL_TEXT_IMPORT_H
#define FOLIO_MODEL_TEXT_IMPORT_H

#include <stddef.h>

#include "model/doc.h"
#include "util/error.h"

/* One --meta KEY=VALUE. Keys: title subtitle issuer doc-number date
 * category security retention keywords recipients cc printed-by
 * printed-date url id. List keys (keywords, recipients, cc) split the
 * value on , ， and 、. Overrides win over what the importer found. */
typedef struct folio_meta_override {
	const char *key;
	const char *value;
} folio_meta_override;

typedef struct folio_import_options {
	const folio_meta_override *meta;
	size_t n_meta;
} folio_import_options;

/* Import the text file at path (read with a FOLIO_MAX_SOURCE_BYTES cap).
 * opts may be NULL. Calls folio_doc_validate last. */
int folio_text_import(folio_doc **out, const char *path,
	const folio_import_options *opts, folio_error *err);

/* Same, from memory; `name` stands for the file in messages and for the
 * default document id. */
int folio_text_import_memory(folio_doc **out, const char *name,
	const char *text, size_t len, const folio_import_options *opts,
	folio_error *err);

#endif
