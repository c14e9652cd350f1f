/*
 * xml_writer.h - the writing half of the libxml2 adapter: every XML
 * document folio writes (EPUB parts, record and catalogue metadata, the
 * ODF manifest, the archive's signature, model sources) goes through one
 * folio_xmlw, so escaping, the XML declaration and the error model live
 * in one place.
 *
 * A writer sends its bytes either to a folio_buf (appended, within the
 * buffer's own limit) or to an open FILE (not closed here; for
 * documents too large to hold, such as a catalogue of 100,000 records
 * or a signature with one Reference per file). The document starts
 * with <?xml version="1.0" encoding="UTF-8"?>; `indent` (NULL for none)
 * turns on libxml2's indentation with that string per level.
 *
 * Calls after a failure do nothing; the first failure is kept and
 * returned by folio_xmlw_status and folio_xmlw_close, its message set
 * once: FOLIO_EINPUT for text XML cannot carry (invalid UTF-8, control
 * characters, U+FFFE/U+FFFF: refused, never dropped), FOLIO_ELIMIT when
 * the buffer's limit is reached, FOLIO_EIO when the file cannot be
 * written, FOLIO_ELIB when libxml2 refuses a call, FOLIO_ENOMEM.
 * Messages start with the `name` given at creation.
 *
 * close is fallible (it ends the open elements and flushes), free is
 * not; free(NULL) is a no-op. No libxml2 type appears here.
 */
#ifndef FOLIO_UTIL_XML_WRITER_H
#define FOLIO_UTIL_XML_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/buf.h"
#include "util/error.h"

typedef struct folio_xmlw folio_xmlw;

/* `name` is copied (messages). */
int folio_xmlw_new_buf(folio_xmlw **out, folio_buf *dest, const char *name,
	const char *indent, folio_error *err);
int folio_xmlw_new_file(folio_xmlw **out, FILE *fp, const char *name,
	const char *indent, folio_error *err);

/* <!DOCTYPE name> (HTML). */
void folio_xmlw_doctype(folio_xmlw *w, const char *name);
void folio_xmlw_start(folio_xmlw *w, const char *name);
/* prefix:name, declaring prefix (or the default namespace when prefix is
 * NULL) as ns when ns is not NULL. */
void folio_xmlw_start_ns(folio_xmlw *w, const char *prefix,
	const char *name, const char *ns);
/* Written as given: "xmlns:epub" or "xml:lang" are plain names here. */
void folio_xmlw_attr(folio_xmlw *w, const char *name, const char *value);
/* prefix:name="value", declaring prefix as ns when ns is not NULL. */
void folio_xmlw_attr_ns(folio_xmlw *w, const char *prefix,
	const char *name, const char *ns, const char *value);
void folio_xmlw_text(folio_xmlw *w, const char *text);
void folio_xmlw_text_n(folio_xmlw *w, const char *text, size_t n);
/* <name>text</name>; nothing at all when text is NULL (optional
 * metadata). */
void folio_xmlw_element(folio_xmlw *w, const char *name, const char *text);
void folio_xmlw_element_ns(folio_xmlw *w, const char *prefix,
	const char *name, const char *text);
void folio_xmlw_end(folio_xmlw *w);

/* The first failure (0 if none). */
int folio_xmlw_status(const folio_xmlw *w);
/* Bytes handed to the buffer or file so far (all of them after close). */
uint64_t folio_xmlw_bytes(const folio_xmlw *w);
/* End every open element and the document, flush. */
int folio_xmlw_close(folio_xmlw *w);
void folio_xmlw_free(folio_xmlw *w);

/* Does s[0..n) hold only characters XML 1.0 can carry (valid UTF-8, no
 * control character other than tab, LF, CR, no U+FFFE/U+FFFF)? 1 if so;
 * else 0 with *bad_cp the first offender (0xFFFFFFFF for invalid UTF-8)
 * and *bad_off its byte offset. */
int folio_xml_text_ok(const char *s, size_t n, uint32_t *bad_cp,
	size_t *bad_off);

#endif
