/* keyindex.c - a key index of bounded memory, spilled to disk in sorted
 * runs and merged (see keyindex.h). */
#include "util/keyindex.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/file.h"

#define REC sizeof(folio_key_rec)
/* The merge reads each run this many records at a time (at least). */
#define MERGE_MIN 256
/* Blocks past this would not fit an off_t of records: 2^58 bytes. */
#define MAX_RECORDS (UINT64_C(1) << 53)

typedef struct run {
	uint64_t start, n;         /* records in the runs file */
} run;

struct folio_keyindex {
	char *beside;             /* spill files go to its folder */
	size_t budget;             /* records held before a run is written */
	folio_key_rec *mem;        /* the run being filled; the whole index
	                            * when it never spilled */
	size_t n_mem, cap_mem;
	int runs_fd;               /* spilled runs, one after the other */
	run *runs;
	size_t n_runs, cap_runs;
	int fd;                    /* the merged records, -1 in memory */
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

static int rec_less(const folio_key_rec *a, const folio_key_rec *b)
{
	return by_rec(a, b) < 0;
}

static int temp_file(folio_keyindex *x, int *fd, folio_error *err)
{
	return folio_file_temp_beside(fd, x->beside, "keyindex", err);
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
	x->budget = (budget ? budget : FOLIO_KEYINDEX_BUDGET) / REC;
	if (x->budget < FOLIO_KEYINDEX_BLOCK)
		x->budget = FOLIO_KEYINDEX_BLOCK;
	x->runs_fd = -1;
	x->fd = -1;
	*out = x;
	return 0;
}

/* Sort the records held and append them to the runs file. */
static int spill(folio_keyindex *x, folio_error *err)
{
	uint64_t start = x->n_runs ? x->runs[x->n_runs - 1].start +
		x->runs[x->n_runs - 1].n : 0;
	int rc;

	if (x->runs_fd < 0 && (rc = temp_file(x, &x->runs_fd, err)) < 0)
		return rc;
	if (x->n_runs == x->cap_runs) {
		size_t cap = x->cap_runs ? 2 * x->cap_runs : 16;
		run *p = realloc(x->runs, cap * sizeof(*p));
		if (p == NULL)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		x->runs = p;
		x->cap_runs = cap;
	}
	qsort(x->mem, x->n_mem, REC, by_rec);
	errno = 0;
	if (folio_pwrite_all(x->runs_fd, x->mem, x->n_mem * REC,
		start * REC) < 0)
		return write_error(x, err);
	x->runs[x->n_runs].start = start;
	x->runs[x->n_runs].n = x->n_mem;
	x->n_runs++;
	x->n_mem = 0;
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
	if (x->n_mem == x->budget && !x->in_memory &&
	    (rc = spill(x, err)) < 0) {
		if (rc != FOLIO_EIO || x->runs_fd >= 0)
			return rc;
		/* No file can be made beside it (a folder the caller may
		 * only read, as `folio check` may): the index stays in
		 * memory, as large as it is. */
		folio_error_clear(err);
		x->in_memory = 1;
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

/* ---- merging the runs ---- */

typedef struct cursor {
	const run *r;
	uint64_t done;             /* records of the run consumed */
	folio_key_rec *buf;
	size_t len, at;
} cursor;

static int cursor_fill(cursor *c, int fd, size_t per)
{
	uint64_t left = c->r->n - c->done;
	size_t n = left < per ? (size_t)left : per;

	c->at = 0;
	c->len = n;
	if (n == 0)
		return 0;
	if (folio_pread_all(fd, c->buf, n * REC,
		(c->r->start + c->done) * REC) < 0)
		return -1;
	c->done += n;
	return 0;
}

static void sift_down(cursor **h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		cursor *t;
		if (l < n && rec_less(&h[l]->buf[h[l]->at],
			&h[m]->buf[h[m]->at]))
			m = l;
		if (l + 1 < n && rec_less(&h[l + 1]->buf[h[l + 1]->at],
			&h[m]->buf[h[m]->at]))
			m = l + 1;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
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

/* Merge the runs into x->fd, a block at a time, keeping each block's
 * first key. Memory: the budget, shared by the runs' read buffers. */
static int merge(folio_keyindex *x, folio_error *err)
{
	size_t per = x->budget / x->n_runs, i, n_heap = 0, out_len = 0;
	cursor *cur = calloc(x->n_runs, sizeof(*cur));
	cursor **heap = calloc(x->n_runs, sizeof(*heap));
	folio_key_rec out[FOLIO_KEYINDEX_BLOCK];
	uint64_t written = 0, prev = 0;
	int rc = 0;

	if (per < MERGE_MIN)
		per = MERGE_MIN;
	x->n_blocks = (x->n + FOLIO_KEYINDEX_BLOCK - 1) / FOLIO_KEYINDEX_BLOCK;
	x->first = malloc((size_t)x->n_blocks * sizeof(*x->first));
	if (cur == NULL || heap == NULL || x->first == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = temp_file(x, &x->fd, err)) < 0)
		goto done;
	for (i = 0; i < x->n_runs; i++) {
		cur[i].r = &x->runs[i];
		if ((cur[i].buf = malloc(per * REC)) == NULL) {
			rc = folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
			goto done;
		}
		if (cursor_fill(&cur[i], x->runs_fd, per) < 0)
			goto read_failed;
		if (cur[i].len > 0)
			heap[n_heap++] = &cur[i];
	}
	for (i = n_heap; i-- > 0;)
		sift_down(heap, n_heap, i);
	while (n_heap > 0) {
		cursor *c = heap[0];
		if (note_key(x, c->buf[c->at].key, prev, written + out_len)
			< 0) {
			rc = folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
			goto done;
		}
		prev = c->buf[c->at].key;
		out[out_len++] = c->buf[c->at++];
		if (out_len == FOLIO_KEYINDEX_BLOCK) {
			if ((rc = put_block(x, out, out_len, written, err)) < 0)
				goto done;
			written += out_len;
			out_len = 0;
		}
		if (c->at == c->len && cursor_fill(c, x->runs_fd, per) < 0)
			goto read_failed;
		if (c->len == 0)
			heap[0] = heap[--n_heap];
		sift_down(heap, n_heap, 0);
	}
	if (out_len > 0)
		rc = put_block(x, out, out_len, written, err);
	goto done;
read_failed:
	rc = folio_error_set(err, FOLIO_EIO, "cannot read back a "
		"temporary index file beside %s: %s", x->beside,
		errno ? strerror(errno) : "it ends too soon");
done:
	if (cur != NULL)
		for (i = 0; i < x->n_runs; i++)
			free(cur[i].buf);
	free(cur);
	free(heap);
	return rc;
}

int folio_keyindex_finish(folio_keyindex *x, folio_error *err)
{
	int rc;

	if (x->finished)
		return 0;
	x->finished = 1;
	if (x->runs_fd < 0) {
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
	if (x->n_mem > 0 && (rc = spill(x, err)) < 0)
		return rc;
	free(x->mem);
	x->mem = NULL;
	x->cap_mem = 0;
	rc = merge(x, err);
	close(x->runs_fd);
	x->runs_fd = -1;
	free(x->runs);
	x->runs = NULL;
	x->n_runs = x->cap_runs = 0;
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
	if (x->runs_fd >= 0)
		close(x->runs_fd);
	if (x->fd >= 0)
		close(x->fd);
	free(x->runs);
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
