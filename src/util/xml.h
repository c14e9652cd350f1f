/*
 * xml.h - the libxml2 adapter: safe parsing, schema validation, errors.
 *
 * Every XML input folio reads (sources, styles, font maps, batch
 * manifests, archive metadata during verify) goes through here, so the
 * safety rules live in one place:
 *   - no network access (XML_PARSE_NONET), ever;
 *   - no external entities expanded, no DTD loaded: a document with a
 *     DOCTYPE is refused outright (that also stops billion-laughs);
 *   - size capped before parsing, nesting depth capped (max_depth);
 *   - the bytes are checked before libxml2 sees them: UTF-16/UTF-32
 *     ("expected UTF-8, found UTF-16"), invalid UTF-8 ("invalid UTF-8 at
 *     byte N", N counted from 0), NUL bytes, an encoding declaration
 *     other than UTF-8, an empty or blank file;
 *   - libxml2's structured errors become one folio_error message
 *     "file:line:col: expected ..., found ..." (the first error wins),
 *     with libxml2's own line and column for well-formedness errors;
 *   - libxml2 never prints: its generic and structured error channels
 *     are silenced for every thread.
 * Codes: FOLIO_EINPUT bad input, FOLIO_ELIMIT size or depth over the
 * limit, FOLIO_EIO file missing / not a regular file, FOLIO_ENOMEM,
 * FOLIO_ELIB schema missing or not compilable.
 *
 * folio_xml_init() must be called once per process before threads start
 * (libxml2 requires xmlInitParser on the main thread); it is idempotent,
 * and may run again after folio_xml_cleanup (which frees cached schemas).
 *
 * The returned document pointer is an opaque libxml2 xmlDoc* passed as
 * void* so no libxml2 type leaks into other modules' headers; modules
 * that walk the tree include <libxml/tree.h> in their .c file.
 */
#ifndef FOLIO_UTIL_XML_H
#define FOLIO_UTIL_XML_H

#include <stddef.h>

#include "util/error.h"

void folio_xml_init(void);
void folio_xml_cleanup(void);

typedef struct folio_xml_limits {
	size_t max_bytes;  /* 0: FOLIO_MAX_SOURCE_BYTES */
	int max_depth;     /* 0: FOLIO_MAX_DEPTH */
} folio_xml_limits;

/* Parse a file (or, with folio_xml_parse_memory, a buffer whose errors
 * are reported under `name`). On success *out is an xmlDoc* owned by the
 * caller (free with folio_xml_free). */
int folio_xml_parse_file(void **out, const char *path,
	const folio_xml_limits *limits, folio_error *err);
int folio_xml_parse_memory(void **out, const char *data, size_t len,
	const char *name, const folio_xml_limits *limits, folio_error *err);
void folio_xml_free(void *doc);

/* Validate against a RELAX NG schema file (schemas/NAME.rng, found with
 * folio_data_path). Error: "file:line:col: <libxml2 says>" with the
 * element and what was expected where libxml2 tells it. Compiled schemas
 * are cached per process (thread-safe). */
int folio_xml_validate(void *doc, const char *schema_name, const char *name,
	folio_error *err);

/* Source line and column of an xmlNode* (for messages from tree
 * walkers). For elements of a document parsed here, both point at the
 * '<' of the start tag (column in code points, from 1); for other nodes
 * the line is libxml2's and the column is 1. The position is kept in
 * the node's _private field, which callers must leave alone. */
long folio_xml_node_line(const void *node);
unsigned folio_xml_node_col(const void *node);

#endif
