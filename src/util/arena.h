/*
 * arena.h - one bump allocator per document.
 *
 * The model and the layout of a document live in one arena and are freed
 * together by folio_arena_free(). Allocations are 16-byte aligned and never
 * freed one by one. Every arena has a byte limit: past it, allocation
 * fails and the caller reports FOLIO_ELIMIT (a hostile source cannot make
 * a worker eat the machine).
 */
#ifndef FOLIO_UTIL_ARENA_H
#define FOLIO_UTIL_ARENA_H

#include <stddef.h>

typedef struct folio_arena folio_arena;

/* Default limit for one document's model + layout. */
#define FOLIO_ARENA_DEFAULT_LIMIT ((size_t)256 * 1024 * 1024)

/* NULL on allocation failure. limit 0 means the default. */
folio_arena *folio_arena_new(size_t limit);
void folio_arena_free(folio_arena *a);

/* Zeroed memory, or NULL when out of memory or over the limit. */
void *folio_arena_alloc(folio_arena *a, size_t size);
char *folio_arena_strdup(folio_arena *a, const char *s);
char *folio_arena_strndup(folio_arena *a, const char *s, size_t n);

/* Bytes handed out so far (for benchmarks and limits). */
size_t folio_arena_used(const folio_arena *a);

#endif
