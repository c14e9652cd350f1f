/*
 * json.h - a strict, streaming JSON reader (RFC 8259).
 *
 * folio writes JSON (batch reports, the batch cache) and reads some of it
 * back: the merge step of a sharded build reads the shards' reports, and
 * a run reads the cache the last one left. Those files grow with the
 * batch (hundreds of bytes a document), so the reader is a pull parser:
 * it hands out one token at a time from a 64 KiB window and never holds
 * the document, only the current string.
 *
 * Strict: one top-level value and nothing but white space after it; no
 * comments, trailing commas, single quotes, leading zeros, NaN; strings
 * are valid UTF-8 with valid escapes (a lone surrogate and \u0000 are
 * refused: every string is a C string). Refusals are FOLIO_EINPUT with
 * "name:line:col: expected ..., found ..." (columns count characters).
 *
 * Limits: FOLIO_JSON_MAX_DEPTH nested containers, FOLIO_JSON_MAX_STRING
 * bytes per decoded string, `max_bytes` of input (given at open);
 * FOLIO_ELIMIT past them, with the position.
 *
 * Ownership: a reader opened on a path owns its FILE; one opened on a
 * stream or memory borrows it (it must outlive the reader);
 * folio_json_free(NULL) is a no-op. Not thread-safe: one reader per
 * thread.
 */
#ifndef FOLIO_UTIL_JSON_H
#define FOLIO_UTIL_JSON_H

#include <stddef.h>
#include <stdio.h>

#include "util/error.h"

#define FOLIO_JSON_MAX_DEPTH 64
#define FOLIO_JSON_MAX_STRING ((size_t)4 * 1024 * 1024)

typedef enum folio_json_kind {
	FOLIO_JSON_END = 0,     /* after the top-level value: no more tokens */
	FOLIO_JSON_OBJECT,      /* { */
	FOLIO_JSON_OBJECT_END,  /* } */
	FOLIO_JSON_ARRAY,       /* [ */
	FOLIO_JSON_ARRAY_END,   /* ] */
	FOLIO_JSON_KEY,         /* a member name (folio_json_text) */
	FOLIO_JSON_STRING,      /* folio_json_text: decoded UTF-8 */
	FOLIO_JSON_NUMBER,      /* folio_json_text: as written */
	FOLIO_JSON_TRUE,
	FOLIO_JSON_FALSE,
	FOLIO_JSON_NULL
} folio_json_kind;

typedef struct folio_json folio_json;

/* Read the file at path (FOLIO_EIO when it cannot be opened; messages
 * name it). */
int folio_json_open(folio_json **out, const char *path, size_t max_bytes,
	folio_error *err);
/* Read fp from where it stands (borrowed: not closed by the reader);
 * `name` is used in messages. */
int folio_json_open_stream(folio_json **out, FILE *fp, const char *name,
	size_t max_bytes, folio_error *err);
/* Read data[0..len); `name` is used in messages. */
int folio_json_open_memory(folio_json **out, const char *data, size_t len,
	const char *name, folio_error *err);
void folio_json_free(folio_json *j);

/* The next token into *out. */
int folio_json_next(folio_json *j, folio_json_kind *out, folio_error *err);
/* Text of the last KEY, STRING or NUMBER token (NUL-terminated, valid
 * until the next call); "" for other tokens. len may be NULL. */
const char *folio_json_text(const folio_json *j, size_t *len);
/* Skip the rest of a value whose first token was `first` (an object or
 * array is read to its end; a scalar needs nothing more). */
int folio_json_skip(folio_json *j, folio_json_kind first, folio_error *err);
/* A reader on memory only: read the next value whole and give its text
 * as written (*out points into the reader's memory); FOLIO_EUSAGE on a
 * file or stream. first is its first token's kind. */
int folio_json_raw_value(folio_json *j, const char **out, size_t *len,
	folio_json_kind *first, folio_error *err);
/* Next token must be `want`; else FOLIO_EINPUT naming both. */
int folio_json_expect(folio_json *j, folio_json_kind want, folio_error *err);
/* Inside an object whose '{' was read: 1 with the next member's name in
 * folio_json_text, 0 at its '}', or a located error for anything else. */
int folio_json_next_key(folio_json *j, folio_error *err);
/* FOLIO_EINPUT "name:line:col: expected <what>, found <the last token>"
 * at the last token: for readers that check values, not syntax. */
int folio_json_fail(const folio_json *j, const char *what, folio_error *err);
/* Name of a token kind for messages ("a string", "'{'" ...). */
const char *folio_json_kind_name(folio_json_kind k);

#endif
