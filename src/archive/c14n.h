/*
 * c14n.h - Exclusive XML Canonicalization 1.0 (W3C, without comments, no
 * InclusiveNamespaces prefix list) of one element and its content,
 * computed from the items of the streaming reader (util/xml.h), so a
 * signature's SignedInfo or SignedProperties can be hashed however long
 * it is without building a tree.
 *
 * It renders what the recommendation says for a whole subtree: start and
 * end tags for every element (empty ones too); a namespace declaration
 * on an element only for the prefix the element uses, when no output
 * ancestor declared that prefix with the same URI; attributes sorted by
 * local name; the escapes of section 2.3 of Canonical XML in text
 * (& < > #xD) and attribute values (& < " #x9 #xA #xD); processing
 * instructions as <?target data?>; comments dropped.
 *
 * Profile (FOLIO_EINPUT otherwise, naming the line): every element has a
 * prefix bound to a namespace, attributes have no prefix, nothing is
 * declared as the default namespace. Signatures folio writes, and those
 * the xmlsec1 tool writes from folio's template, are inside it; outside
 * it the canonical form would need rules this code does not implement,
 * so refusing is the only safe answer.
 *
 * Output goes to `sink` in pieces. Not thread-safe per instance.
 */
#ifndef FOLIO_ARCHIVE_C14N_H
#define FOLIO_ARCHIVE_C14N_H

#include <stddef.h>

#include "util/error.h"
#include "util/xml.h"

typedef int (*folio_c14n_sink)(void *ctx, const void *p, size_t n);
typedef struct folio_c14n folio_c14n;

/* `name` is used in messages. */
int folio_c14n_new(folio_c14n **out, folio_c14n_sink sink, void *ctx,
	const char *name, folio_error *err);
/* Feed the apex element's START first, then every item up to and
 * including its END. Returns 1 once the apex has ended, 0 to go on, or
 * a negative code (the sink's own, or FOLIO_EINPUT outside the profile,
 * FOLIO_ELIMIT past FOLIO_MAX_DEPTH). */
int folio_c14n_feed(folio_c14n *c, const folio_xml_item *it,
	folio_error *err);
void folio_c14n_free(folio_c14n *c);

#endif
