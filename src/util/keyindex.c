/* keyindex.c - a key index of bounded memory: past its budget the
 * records go through util/extsort, and the sorted ones to a file read a
 * block at a time (see keyindex.h). */
#include "util/keyindex.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/bytes.h"
#include "util/extsort.h"
#include "util/file.h"

#define REC sizeof(folio_key_rec)
/* A record as extsort holds it: key, a, b big-endian, so that bytewise
 * order is the index's order. */
#define KEY_BYTES 24
/* Blocks past this would not fit an off_t of records: 2^58 bytes. */
#define MAX_RECORDS (UINT64_C(1) << 53)

struct folio_keyindex {
	char *beside;             /* spill files go to its folder */
	/* Records held before they go to sort: half the budget, the sort
	 * the other half, so that while the first are copied into the
	 * sort the two together stay within it. */
	size_t budget;
	folio_key_rec *mem;        /* the records, while within the budget;
	                            * the whole index when it never spilled */
	size_t n_mem, cap_mem;
	folio_extsort *sort;       /* past the budget: every record */
	int fd;                    /* the sorted records, -1 in memory */
	uint64_t *first;           /* first key of each block of fd */
	uint64_t n, n_blocks;
	/* Keys held by more than one record, ascending; too_many when
	 * there were more than FOLIO_KEYINDEX_SHARED. */
	uint64_t *shared;
	size_t n_shared;
	int too_many;
	int in_memory;             /* no spill file could be made */
	int finished;
};

static int by_rec(const void *pa, const void *pb)
{
	const folio_key_rec *a = pa, *b = pb;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return a->b < b->b ? -1 : a->b > b->b;
}

static void encode(unsigned char p[KEY_BYTES], const folio_key_rec *r)
{
	folio_put_be64(p, r->key);
	folio_put_be64(p + 8, r->a);
	folio_put_be64(p + 16, r->b);
}

static void decode(folio_key_rec *r, const unsigned char *p)
{
	r->key = folio_get_be64(p);
	r->a = folio_get_be64(p + 8);
	r->b = folio_get_be64(p + 16);
}

static int write_error(const folio_keyindex *x, folio_error *err)
{
	return folio_error_set(err, FOLIO_EIO, "cannot write a temporary "
		"index file beside %s: %s", x->beside,
		errno ? strerror(errno) : "no space");
}

int folio_keyindex_new(folio_keyindex **out, const char *beside,
	size_t budget, folio_error *err)
{
	folio_keyindex *x = calloc(1, sizeof(*x));

	*out = NULL;
	if (x == NULL || (x->beside = strdup(beside)) == NULL) {
		free(x);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	x->budget = (budget ? budget : FOLIO_KEYINDEX_BUDGET) / 2 / REC;
	if (x->budget < FOLIO_KEYINDEX_BLOCK)
		x->budget = FOLIO_KEYINDEX_BLOCK;
	x->fd = -1;
	*out = x;
	return 0;
}

static int sort_add(folio_keyindex *x, const folio_key_rec *r,
	folio_error *err)
{
	unsigned char p[KEY_BYTES];

	encode(p, r);
	return folio_extsort_add(x->sort, p, sizeof(p), err);
}

/* Past the budget: the file the sorted records will go to, made now
 * (FOLIO_EIO: none can be made there), and the records so far into a
 * sort of the same budget. */
static int to_sort(folio_keyindex *x, folio_error *err)
{
	size_t i;
	int rc;

	if ((rc = folio_file_temp_beside(&x->fd, x->beside, "keyindex",
		err)) < 0 ||
	    (rc = folio_extsort_new(&x->sort, x->beside, x->budget * REC,
		err)) < 0)
		return rc;
	for (i = 0; i < x->n_mem; i++)
		if ((rc = sort_add(x, &x->mem[i], err)) < 0)
			return rc;
	free(x->mem);
	x->mem = NULL;
	x->n_mem = x->cap_mem = 0;
	return 0;
}

int folio_keyindex_add(folio_keyindex *x, const folio_key_rec *r,
	folio_error *err)
{
	int rc;

	if (x->finished)
		return folio_error_set(err, FOLIO_EUSAGE, "a record added to "
			"a finished index");
	if (x->n >= MAX_RECORDS)
		return folio_error_set(err, FOLIO_ELIMIT, "an index of more "
			"than 2^53 records");
	if (x->sort == NULL && x->n_mem == x->budget && !x->in_memory &&
	    (rc = to_sort(x, err)) < 0) {
		if (rc != FOLIO_EIO || x->fd >= 0)
			return rc;
		/* No file can be made beside it (a folder the caller may
		 * only read, as `folio check` may): the index stays in
		 * memory, as large as it is. */
		folio_error_clear(err);
		x->in_memory = 1;
	}
	if (x->sort != NULL) {
		if ((rc = sort_add(x, r, err)) < 0)
			return rc;
		x->n++;
		return 0;
	}
	if (x->n_mem == x->cap_mem) {
		size_t cap = x->cap_mem ? 2 * x->cap_mem : 256;
		folio_key_rec *p;
		if (cap > x->budget && !x->in_memory)
			cap = x->budget;
		if ((p = realloc(x->mem, cap * REC)) == NULL)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		x->mem = p;
		x->cap_mem = cap;
	}
	x->mem[x->n_mem++] = *r;
	x->n++;
	return 0;
}

/* Records come out of finishing in order: note each key that repeats. */
static int note_key(folio_keyindex *x, uint64_t key, uint64_t prev,
	uint64_t done)
{
	if (done == 0 || key != prev || x->too_many ||
	    (x->n_shared > 0 && x->shared[x->n_shared - 1] == key))
		return 0;
	if (x->n_shared == FOLIO_KEYINDEX_SHARED) {
		x->too_many = 1;
		return 0;
	}
	if (x->shared == NULL && (x->shared = malloc(FOLIO_KEYINDEX_SHARED *
		sizeof(*x->shared))) == NULL)
		return FOLIO_ENOMEM;
	x->shared[x->n_shared++] = key;
	return 0;
}

/* Block out[0..n), the one after `written` records, to x->fd; its
 * first key kept. */
static int put_block(folio_keyindex *x, const folio_key_rec *out, size_t n,
	uint64_t written, folio_error *err)
{
	x->first[written / FOLIO_KEYINDEX_BLOCK] = out[0].key;
	errno = 0;
	if (folio_pwrite_all(x->fd, out, n * REC, written * REC) < 0)
		return write_error(x, err);
	return 0;
}

/* The sorted records into x->fd, a block at a time, keeping each
 * block's first key. */
static int write_sorted(folio_keyindex *x, folio_error *err)
{
	folio_key_rec out[FOLIO_KEYINDEX_BLOCK];
	uint64_t written = 0, prev = 0;
	size_t out_len = 0, len;
	const void *p;
	int rc;

	x->n_blocks = (x->n + FOLIO_KEYINDEX_BLOCK - 1) / FOLIO_KEYINDEX_BLOCK;
	x->first = malloc((size_t)(x->n_blocks ? x->n_blocks : 1) *
		sizeof(*x->first));
	if (x->first == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	if ((rc = folio_extsort_finish(x->sort, err)) < 0)
		return rc;
	while ((rc = folio_extsort_next(x->sort, &p, &len, err)) == 1) {
		folio_key_rec *r = &out[out_len];
		decode(r, p);
		if (note_key(x, r->key, prev, written + out_len) < 0)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		prev = r->key;
		if (++out_len == FOLIO_KEYINDEX_BLOCK) {
			if ((rc = put_block(x, out, out_len, written, err)) < 0)
				return rc;
			written += out_len;
			out_len = 0;
		}
	}
	if (rc == 0 && out_len > 0)
		rc = put_block(x, out, out_len, written, err);
	return rc;
}

int folio_keyindex_finish(folio_keyindex *x, folio_error *err)
{
	int rc;

	if (x->finished)
		return 0;
	x->finished = 1;
	if (x->sort == NULL) {
		/* Within the budget: sorted in memory, fitted to its size. */
		size_t i;
		if (x->n_mem > 1)
			qsort(x->mem, x->n_mem, REC, by_rec);
		for (i = 1; i < x->n_mem; i++)
			if (note_key(x, x->mem[i].key, x->mem[i - 1].key,
				i) < 0)
				return folio_error_set(err, FOLIO_ENOMEM,
					"out of memory");
		if (x->n_mem > 0 && x->n_mem < x->cap_mem) {
			folio_key_rec *p = realloc(x->mem, x->n_mem * REC);
			if (p != NULL)
				x->mem = p;
		}
		x->cap_mem = x->n_mem;
		return 0;
	}
	rc = write_sorted(x, err);
	folio_extsort_free(x->sort);
	x->sort = NULL;
	if (rc < 0) {
		x->n = 0;   /* nothing can be looked up */
		x->too_many = 1;
	}
	return rc;
}

uint64_t folio_keyindex_count(const folio_keyindex *x)
{
	return x ? x->n : 0;
}

int folio_keyindex_single(const folio_keyindex *x, uint64_t key)
{
	size_t lo = 0, hi;

	if (x == NULL || !x->finished || x->too_many)
		return 0;
	hi = x->n_shared;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x->shared[mid] == key)
			return 0;
		if (x->shared[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 1;
}

int folio_keyindex_spilled(const folio_keyindex *x)
{
	return x != NULL && x->fd >= 0;
}

void folio_keyindex_free(folio_keyindex *x)
{
	if (x == NULL)
		return;
	folio_extsort_free(x->sort);
	if (x->fd >= 0)
		close(x->fd);
	free(x->mem);
	free(x->first);
	free(x->shared);
	free(x->beside);
	free(x);
}

/* ---- lookups ---- */

void folio_keyindex_seek(folio_keyindex_iter *it, const folio_keyindex *x,
	uint64_t key)
{
	uint64_t lo = 0, hi;

	it->x = x;
	it->key = key;
	it->block = UINT64_MAX;
	it->pos = x != NULL && x->finished ? 0 : UINT64_MAX;
	if (it->pos != 0)
		return;
	if (x->fd < 0) {
		/* In memory: the first record not below key. */
		hi = x->n;
		while (lo < hi) {
			uint64_t mid = lo + (hi - lo) / 2;
			if (x->mem[mid].key < key)
				lo = mid + 1;
			else
				hi = mid;
		}
		it->pos = lo;
		return;
	}
	/* On disk: the last block that begins below key holds the first
	 * record not below it, or it is the next block's first. */
	hi = x->n_blocks;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (x->first[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	it->pos = (lo > 0 ? lo - 1 : 0) * FOLIO_KEYINDEX_BLOCK;
}

/* The record at it->pos, its block read into it->buf when on disk. */
static int record_at(folio_keyindex_iter *it, const folio_key_rec **out,
	folio_error *err)
{
	const folio_keyindex *x = it->x;
	uint64_t b = it->pos / FOLIO_KEYINDEX_BLOCK, start, n;

	if (x->fd < 0) {
		*out = &x->mem[it->pos];
		return 0;
	}
	if (b != it->block) {
		start = b * FOLIO_KEYINDEX_BLOCK;
		n = x->n - start < FOLIO_KEYINDEX_BLOCK ? x->n - start :
			FOLIO_KEYINDEX_BLOCK;
		if (folio_pread_all(x->fd, it->buf, (size_t)n * REC,
			start * REC) < 0)
			return folio_error_set(err, FOLIO_EIO, "cannot read "
				"back a temporary index file beside %s",
				x->beside);
		it->block = b;
	}
	*out = &it->buf[it->pos % FOLIO_KEYINDEX_BLOCK];
	return 0;
}

int folio_keyindex_next(folio_keyindex_iter *it, folio_key_rec *out,
	folio_error *err)
{
	const folio_keyindex *x = it->x;
	const folio_key_rec *r = NULL;
	int rc;

	while (x != NULL && it->pos < x->n) {
		if ((rc = record_at(it, &r, err)) < 0)
			return rc;
		it->pos++;
		if (r->key < it->key)
			continue;
		if (r->key > it->key) {
			it->pos = x->n;
			return 0;
		}
		*out = *r;
		return 1;
	}
	return 0;
}
