/*
 * xml.h - the libxml2 adapter: safe parsing, schema validation, errors.
 *
 * Every XML input folio reads (sources, styles, font maps, batch
 * manifests, archive metadata during verify) goes through here, so the
 * safety rules live in one place:
 *   - no network access (XML_PARSE_NONET), ever;
 *   - no external entities expanded, no DTD loaded: a document with a
 *     DOCTYPE is refused outright (that also stops billion-laughs);
 *   - size capped before parsing, nesting depth capped (max_depth),
 *     attributes per start tag capped (FOLIO_MAX_ATTRIBUTES, counted on
 *     the raw bytes: libxml2's own check is quadratic in them);
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
 * walk the tree with util/xml_tree.h and write XML with
 * util/xml_writer.h, never with libxml2 itself.
 */
#ifndef FOLIO_UTIL_XML_H
#define FOLIO_UTIL_XML_H

#include <stddef.h>

#include "util/error.h"
#include "util/limits.h"

#define FOLIO_XML_MAX_ITEM_ATTRS FOLIO_MAX_ATTRIBUTES

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

/*
 * Streaming reader, for documents too large to hold as a tree (archive
 * metadata: a signature with one Reference per file, the catalogue).
 * Bytes are pulled from `pull` in pieces; each piece passes the same
 * byte checks as a whole document (UTF-8, NUL, no DTD or declaration,
 * attributes per tag) before libxml2 sees it, and the total is capped by
 * limits->max_bytes. With a schema name, the document is validated
 * against schemas/NAME.rng while it streams (libxml2 expands only the
 * small elements that need it). Memory does not grow with the document:
 * only the current item is held.
 *
 * folio_xml_reader_next fills *out with the next item and returns 1, 0
 * at the end of a well-formed (and, with a schema, valid) document, or a
 * negative code with a located message "name:line:col: ...". The item's
 * strings stay valid until the next call. Comments and processing
 * instructions are items too (callers decide whether to allow them);
 * CDATA sections arrive as text, line ends normalised as in a whole
 * document.
 */
typedef struct folio_xml_reader folio_xml_reader;

/* Fill buf with up to len bytes; *out_n = 0 at the end. 0 or a negative
 * code (with its message set). */
typedef int (*folio_xml_pull)(void *ctx, char *buf, size_t len,
	size_t *out_n, folio_error *err);

typedef enum folio_xml_kind {
	FOLIO_XML_START = 1,    /* start tag (empty: no END follows) */
	FOLIO_XML_END,
	FOLIO_XML_TEXT,         /* character data, white space included */
	FOLIO_XML_COMMENT,
	FOLIO_XML_PI
} folio_xml_kind;

typedef struct folio_xml_attr {
	const char *prefix;     /* NULL if none */
	const char *name;       /* local name */
	const char *ns;         /* namespace URI, NULL if none */
	const char *value;
	/* A namespace declaration xmlns:prefix="value" (name is the
	 * declared prefix) or xmlns="value" (name is ""). */
	int is_ns_decl;
} folio_xml_attr;

typedef struct folio_xml_item {
	folio_xml_kind kind;
	int depth;              /* the root element is at depth 1 */
	const char *prefix;     /* START/END: NULL if none */
	const char *name;       /* START/END: local name; PI: target */
	const char *ns;         /* START/END: namespace URI or NULL */
	int empty;              /* START: written <x/> */
	const char *text;       /* TEXT, COMMENT, PI: the characters */
	size_t text_len;
	folio_xml_attr attrs[FOLIO_XML_MAX_ITEM_ATTRS];
	size_t n_attrs;         /* START: attributes and declarations */
	unsigned line, col;     /* where libxml2 was when it gave the item */
} folio_xml_item;

/* Why a reader stopped (after next returned < 0). */
typedef enum folio_xml_failure {
	FOLIO_XML_SYNTAX = 1,   /* not well-formed, or refused bytes */
	FOLIO_XML_SCHEMA,       /* well-formed but not valid */
	FOLIO_XML_LIMIT,        /* a cap was reached */
	FOLIO_XML_SOURCE        /* pull failed (its own message) */
} folio_xml_failure;

int folio_xml_reader_open(folio_xml_reader **out, folio_xml_pull pull,
	void *ctx, const char *name, const char *schema_name,
	const folio_xml_limits *limits, folio_error *err);
int folio_xml_reader_next(folio_xml_item *out, folio_xml_reader *r,
	folio_error *err);
folio_xml_failure folio_xml_reader_failure(const folio_xml_reader *r);
void folio_xml_reader_free(folio_xml_reader *r);

/* Stream a whole document through a reader and drop its items: 0 when
 * it is well-formed and (with schema_name) valid against
 * schemas/NAME.rng, else the reader's located error. Memory does not
 * grow with the document: this is how folio checks what it wrote
 * (record.xml, a catalogue of 100,000 records) without a tree. */
int folio_xml_validate_stream(folio_xml_pull pull, void *ctx,
	const char *name, const char *schema_name,
	const folio_xml_limits *limits, folio_error *err);
int folio_xml_validate_memory(const char *data, size_t len,
	const char *name, const char *schema_name,
	const folio_xml_limits *limits, folio_error *err);

#endif
