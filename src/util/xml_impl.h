/*
 * xml_impl.h - internals shared by the files of the libxml2 adapter
 * (xml.c: whole documents and schema validation; xml_guard.c: the byte
 * checks made before libxml2 sees anything; xml_reader.c: streaming;
 * xml_tree.c: walking a parsed tree; xml_writer.c: writing).
 * Private to src/util/xml*.c.
 */
#ifndef FOLIO_UTIL_XML_IMPL_H
#define FOLIO_UTIL_XML_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>

#include "util/error.h"

/*
 * The guard reads the raw bytes, in as many pieces as they come, before
 * libxml2 does, and refuses in one linear pass what libxml2 would spend
 * too long on or should never see:
 *   - invalid UTF-8 (overlongs, surrogates, > U+10FFFF) and NUL bytes;
 *   - more than max_attrs attributes (namespace declarations included) on
 *     one start tag: libxml2's duplicate check is quadratic in them
 *     (40,000 attributes: 2 s; 200,000: minutes);
 *   - any "<!" other than a comment or a CDATA section: DOCTYPE, ENTITY
 *     and other declarations (no DTD is ever read).
 * It tracks line and column (code points, from 1) so its refusals are
 * located like libxml2's own errors.
 */
typedef struct xml_guard {
	unsigned max_attrs;
	uint64_t off;
	unsigned line, col;
	/* UTF-8: continuation bytes still expected, and the range of the
	 * next one (narrower after E0, ED, F0, F4). */
	unsigned need;
	unsigned char lo, hi;
	/* Markup lexer. */
	int state;
	char quote;
	unsigned attrs, run;
	unsigned tag_line, tag_col;
	char tag[48];
	size_t tag_len, bang_len;
	char bang[8];
	/* First refusal. */
	int failed;
	unsigned fail_line, fail_col;
	char what[400];
} xml_guard;

void xml_guard_init(xml_guard *g, unsigned max_attrs);
/* 0, or FOLIO_EINPUT / FOLIO_ELIMIT with g->what and its position. */
int xml_guard_feed(xml_guard *g, const char *p, size_t n);
/* At the end of the input: a UTF-8 sequence cut short is refused. */
int xml_guard_end(xml_guard *g);

/* libxml2's error channels: silenced, or routed to handler for the
 * duration of one call (xml.c). */
void xml_errors_to(void *data, xmlStructuredErrorFunc handler);

/* The compiled RELAX NG schema schemas/NAME.rng, cached per process. */
int xml_cached_schema(xmlRelaxNGPtr *out, const char *schema_name,
	folio_error *err);
/* One libxml2 RELAX NG error as "expected ..., found ..." into out. */
void xml_rng_message(char *out, size_t outsz, const xmlError *e);
/* libxml2's message without its trailing newline. */
void xml_message_text(char *out, size_t outsz, const char *msg);

#endif
