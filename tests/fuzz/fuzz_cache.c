/* fuzz_cache.c - a damaged build cache and site cache, read as the next
 * run reads them: indexed with the least memory budget (so the index
 * of more than 64 lines is sorted on disk and merged), then the sources
 * the bytes name looked up in order, through a window (the lookups that
 * guess the next line) and alone, backwards and again. A cache is a
 * hint: any bytes give entries or none, never a crash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "batch/cache.h"
#include "site/site_impl.h"

#define MAX_NAMES 16

static char dir[64], cache_path[128], site_path[128];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "/tmp/folio-fuzz-cache-XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(cache_path, sizeof(cache_path), "%s/.cache", dir);
	snprintf(site_path, sizeof(site_path), "%s/.site-cache", dir);
	return 0;
}

static void put(const char *path, const uint8_t *data, size_t size)
{
	FILE *fp = fopen(path, "wb");

	if (fp == NULL || fwrite(data, 1, size, fp) != size)
		abort();
	fclose(fp);
}

/* Up to MAX_NAMES names that follow `start` in the bytes, to the next
 * `end` byte: what the lookups ask for. */
static size_t names_after(char names[][64], const uint8_t *data,
	size_t size, const char *start, char end)
{
	size_t n = 0, at = 0, len = strlen(start);

	while (n < MAX_NAMES && at + len < size) {
		const uint8_t *p = memmem(data + at, size - at, start, len);
		size_t k = 0;
		if (p == NULL)
			break;
		at = (size_t)(p - data) + len;
		while (at + k < size && data[at + k] != (uint8_t)end &&
		    data[at + k] != '\0' && k < 63) {
			names[n][k] = (char)data[at + k];
			k++;
		}
		names[n][k] = '\0';
		n++;
	}
	return n;
}

static void build_cache(const char names[][64], size_t n)
{
	const char *paths[2] = {cache_path, cache_path};
	folio_read_window w = {0};
	folio_error err = {0};
	folio_doc_result d;
	folio_cache *c = NULL;
	size_t i, k;

	/* The same file twice: every source has two entries. */
	if (folio_cache_open_budget(&c, paths, 1 + (n & 1), NULL, 1,
		&err) < 0)
		return;
	for (k = 0; k < 3; k++)
		for (i = 0; i < n; i++) {
			const char *s = names[k == 1 ? n - 1 - i : i];
			if (folio_cache_find_in(c, k == 2 ? NULL : &w, s,
				k == 2, &d) == 1)
				folio_doc_result_clear(&d);
		}
	folio_read_window_free(&w);
	folio_cache_free(c);
}

static void read_site_cache(const char names[][64], size_t n)
{
	folio_error err = {0};
	site_cache c;
	site_item it;
	uint64_t off;
	uint32_t len;
	size_t i, k;

	if (site_cache_read(&c, site_path, 1, &err) < 0)
		return;
	site_item_init(&it);
	for (k = 0; k < 2; k++)
		for (i = 0; i < n; i++)
			(void)site_cache_find(&c, names[k ? n - 1 - i : i], &it,
				&off, &len, &err);
	site_item_free(&it);
	site_cache_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char names[MAX_NAMES][64];
	size_t n;

	put(cache_path, data, size);
	put(site_path, data, size);
	n = names_after(names, data, size, "{\"source\": \"", '"');
	build_cache((const char (*)[64])names, n);
	n = names_after(names, data, size, "\ndoc\t", '\t');
	read_site_cache((const char (*)[64])names, n);
	return 0;
}
