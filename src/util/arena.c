#include "util/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_MIN ((size_t)64 * 1024)
#define ALIGN 16

typedef struct chunk {
	struct chunk *prev;
	size_t size;
	size_t used;
	/* Payload follows, aligned by the header's size rounding below. */
} chunk;

struct folio_arena {
	chunk *head;
	size_t limit;
	size_t total;
};

static size_t header_size(void)
{
	return (sizeof(chunk) + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

folio_arena *folio_arena_new(size_t limit)
{
	folio_arena *a = calloc(1, sizeof(*a));
	if (a == NULL)
		return NULL;
	a->limit = limit ? limit : FOLIO_ARENA_DEFAULT_LIMIT;
	return a;
}

void folio_arena_free(folio_arena *a)
{
	chunk *c, *prev;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = prev) {
		prev = c->prev;
		free(c);
	}
	free(a);
}

void *folio_arena_alloc(folio_arena *a, size_t size)
{
	chunk *c = a->head;
	size_t need = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	void *p;

	if (need < size || need > a->limit || a->total > a->limit - need)
		return NULL;
	if (need == 0)
		need = ALIGN;
	if (c == NULL || c->size - c->used < need) {
		size_t sz = need > CHUNK_MIN ? need : CHUNK_MIN;
		chunk *n = malloc(header_size() + sz);
		if (n == NULL)
			return NULL;
		n->prev = c;
		n->size = sz;
		n->used = 0;
		a->head = c = n;
	}
	p = (char *)c + header_size() + c->used;
	c->used += need;
	a->total += need;
	memset(p, 0, need);
	return p;
}

char *folio_arena_strndup(folio_arena *a, const char *s, size_t n)
{
	char *p = folio_arena_alloc(a, n + 1);
	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *folio_arena_strdup(folio_arena *a, const char *s)
{
	return folio_arena_strndup(a, s, strlen(s));
}

size_t folio_arena_used(const folio_arena *a)
{
	return a->total;
}
