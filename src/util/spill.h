/*
 * spill.h - an append-only temporary file of records, where varlist and
 * extsort put what passes their budget.
 *
 * A record is its length (FOLIO_SPILL_HDR bytes) then its bytes, alike
 * in memory and in the file. Appends gather in a buffer of cap bytes,
 * allocated when first needed and written when full; what is larger
 * than the buffer goes straight to the file. An append that fails
 * leaves the spill as it was: nothing counts as written until all of
 * it is. One thread at a time; reads see only what was written.
 */
#ifndef FOLIO_UTIL_SPILL_H
#define FOLIO_UTIL_SPILL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/error.h"

#define FOLIO_SPILL_HDR 4                 /* bytes of a record's length */

typedef struct folio_spill {
	int fd;                    /* -1: no file made */
	uint64_t written;          /* bytes in the file */
	unsigned char *buf;        /* appended, not yet written */
	size_t len, cap;
	const char *beside;        /* the owner's, for messages */
} folio_spill;

/* A spill with no file yet. beside is kept, not copied: it outlives
 * s. folio_spill_close frees what s comes to hold. */
void folio_spill_init(folio_spill *s, const char *beside, size_t cap);
/* Make the file, unlinked, in the folder of beside: FOLIO_EIO when
 * none can be made there (the owner may then stay in memory). */
int folio_spill_open(folio_spill *s, const char *tag, folio_error *err);
/* n bytes of whole records, or one record of len bytes, appended. */
int folio_spill_append(folio_spill *s, const void *p, size_t n,
	folio_error *err);
int folio_spill_put(folio_spill *s, const void *rec, size_t len,
	folio_error *err);
/* Write what the buffer holds, and free it. */
int folio_spill_flush(folio_spill *s, folio_error *err);
/* n bytes at off, all within what was written. */
int folio_spill_read(const folio_spill *s, void *p, size_t n, uint64_t off,
	folio_error *err);
/* Empty it, buffer and file (the space comes back); it stays open. */
int folio_spill_truncate(folio_spill *s, folio_error *err);
/* Close the file, free the buffer: a spill as init left it. */
void folio_spill_close(folio_spill *s);

/* Bytes appended: written or waiting in the buffer. */
static inline uint64_t folio_spill_size(const folio_spill *s)
{
	return s->written + s->len;
}

/* The length the header at rec gives; a header for len at rec. */
static inline size_t folio_spill_len(const unsigned char *rec)
{
	uint32_t n;

	memcpy(&n, rec, sizeof(n));
	return n;
}

static inline void folio_spill_head(unsigned char *rec, size_t len)
{
	uint32_t n = (uint32_t)len;

	memcpy(rec, &n, sizeof(n));
}

#endif
