/* varlist.c - variable-length records in memory, or in a file read a
 * block at a time (see varlist.h). */
#include "util/varlist.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/spill.h"

#define HDR FOLIO_SPILL_HDR
#define BLOCK FOLIO_VARLIST_BLOCK
/* Windows kept: a few readers at different places each keep theirs. */
#define WINDOWS 4
/* The fewest bytes a buffer reads or writes at a time. */
#define CHUNK_MIN ((size_t)4096)
#define MAX_RECORDS (UINT64_C(1) << 53)
#define NONE UINT64_MAX

/* Records of one block read from the file: the whole block, or as many
 * as fit when its records are larger than a window. With count 0, a
 * mark: first starts at base, after a record read straight out. */
typedef struct window {
	uint64_t first;            /* place of its first record, NONE none */
	size_t count;              /* whole records it holds */
	size_t at[BLOCK + 1];      /* where each starts; the last ends */
	uint64_t base;             /* where bytes starts in the file */
	uint64_t used;             /* when last read from */
	unsigned char *bytes;      /* win_cap bytes */
} window;

struct folio_varlist {
	char *beside;
	size_t budget;
	uint64_t n;
	uint64_t *starts;          /* where record k * BLOCK starts */
	size_t cap_starts;
	unsigned char *mem;        /* all records, while in memory */
	size_t mem_len, mem_cap;
	folio_spill file;          /* else all records, fd -1 in memory */
	window win[WINDOWS];
	size_t win_cap;
	uint64_t clock;
	int in_memory;             /* no file could be made */
	pthread_mutex_t lock;
};

int folio_varlist_new(folio_varlist **out, const char *beside,
	size_t budget, folio_error *err)
{
	folio_varlist *l = calloc(1, sizeof(*l));
	size_t i, cap;

	*out = NULL;
	if (l == NULL || (l->beside = strdup(beside)) == NULL) {
		free(l);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	if (pthread_mutex_init(&l->lock, NULL) != 0) {
		free(l->beside);
		free(l);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	l->budget = budget ? budget : FOLIO_VARLIST_BUDGET;
	/* On disk, half the budget gathers appends, half holds windows. */
	cap = l->budget / 2 < CHUNK_MIN ? CHUNK_MIN : l->budget / 2;
	folio_spill_init(&l->file, l->beside, cap);
	l->win_cap = l->budget / (2 * WINDOWS);
	if (l->win_cap < CHUNK_MIN)
		l->win_cap = CHUNK_MIN;
	for (i = 0; i < WINDOWS; i++)
		l->win[i].first = NONE;
	*out = l;
	return 0;
}

static uint64_t stream_size(const folio_varlist *l)
{
	return l->file.fd >= 0 ? folio_spill_size(&l->file) : l->mem_len;
}

/* Where the block that record n opens starts. */
static int note_block(folio_varlist *l, folio_error *err)
{
	size_t b = (size_t)(l->n / BLOCK);

	if (b == l->cap_starts) {
		size_t cap = l->cap_starts ? 2 * l->cap_starts : 64;
		uint64_t *p = realloc(l->starts, cap * sizeof(*p));
		if (p == NULL)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		l->starts = p;
		l->cap_starts = cap;
	}
	l->starts[b] = stream_size(l);
	return 0;
}

/* Past the budget: the records so far to a file, the next after them;
 * or where no file can be made, memory as large as the list grows. */
static int to_disk(folio_varlist *l, folio_error *err)
{
	int rc = folio_spill_open(&l->file, "varlist", err);

	if (rc < 0) {
		if (rc != FOLIO_EIO)
			return rc;
		/* No file can be made beside it (a folder the caller may
		 * only read): the list stays in memory, as large as it
		 * is. */
		folio_error_clear(err);
		l->in_memory = 1;
		return 0;
	}
	if ((rc = folio_spill_append(&l->file, l->mem, l->mem_len, err)) < 0) {
		folio_spill_close(&l->file);   /* still whole in memory */
		return rc;
	}
	free(l->mem);
	l->mem = NULL;
	l->mem_len = l->mem_cap = 0;
	return 0;
}

static int mem_put(folio_varlist *l, const void *rec, size_t len,
	folio_error *err)
{
	size_t need = l->mem_len + HDR + len;

	if (need > l->mem_cap) {
		size_t cap = l->mem_cap ? 2 * l->mem_cap : 4096;
		unsigned char *p;
		while (cap < need)
			cap *= 2;
		if (cap > l->budget && !l->in_memory)
			cap = l->budget;    /* need fits it: to_disk saw */
		if ((p = realloc(l->mem, cap)) == NULL)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		l->mem = p;
		l->mem_cap = cap;
	}
	folio_spill_head(l->mem + l->mem_len, len);
	if (len > 0)
		memcpy(l->mem + l->mem_len + HDR, rec, len);
	l->mem_len = need;
	return 0;
}

int folio_varlist_add(folio_varlist *l, const void *rec, size_t len,
	folio_error *err)
{
	int rc;

	if (len > FOLIO_VARLIST_MAX)
		return folio_error_set(err, FOLIO_ELIMIT, "a record of %zu "
			"bytes (at most %zu)", len, FOLIO_VARLIST_MAX);
	if (l->n >= MAX_RECORDS)
		return folio_error_set(err, FOLIO_ELIMIT, "a list of more "
			"than 2^53 records");
	if (l->n % BLOCK == 0 && (rc = note_block(l, err)) < 0)
		return rc;
	if (l->file.fd < 0 && !l->in_memory &&
	    l->mem_len + HDR + len > l->budget && (rc = to_disk(l, err)) < 0)
		return rc;
	if (l->file.fd >= 0)
		rc = folio_spill_put(&l->file, rec, len, err);
	else
		rc = mem_put(l, rec, len, err);
	if (rc == 0)
		l->n++;
	return rc;
}

uint64_t folio_varlist_count(const folio_varlist *l)
{
	return l ? l->n : 0;
}

int folio_varlist_on_disk(const folio_varlist *l)
{
	return l != NULL && l->file.fd >= 0;
}

/* *len is the record's length; FOLIO_ELIMIT when bufsz is less. */
static int fits(size_t rec_len, size_t bufsz, size_t *len,
	folio_error *err)
{
	*len = rec_len;
	if (rec_len > bufsz)
		return folio_error_set(err, FOLIO_ELIMIT, "a record of %zu "
			"bytes for a buffer of %zu", rec_len, bufsz);
	return 0;
}

static int copy_out(const unsigned char *rec, void *buf, size_t bufsz,
	size_t *len, folio_error *err)
{
	int rc = fits(folio_spill_len(rec), bufsz, len, err);

	if (rc == 0 && *len > 0)
		memcpy(buf, rec + HDR, *len);
	return rc;
}

/* w filled from pos, where record rec starts, up to end (its block's)
 * or its size: the whole records it then holds. */
static int fill(folio_varlist *l, window *w, uint64_t rec, uint64_t pos,
	uint64_t end, folio_error *err)
{
	size_t n = end - pos < l->win_cap ? (size_t)(end - pos) : l->win_cap;
	size_t p = 0;
	int rc;

	w->first = NONE;
	if (n < HDR)
		return folio_error_set(err, FOLIO_EIO, "a temporary file "
			"beside %s ends within a block", l->beside);
	if ((rc = folio_spill_read(&l->file, w->bytes, n, pos, err)) < 0)
		return rc;
	w->count = 0;
	w->at[0] = 0;
	while (w->count < BLOCK && n - p >= HDR &&
	       n - p - HDR >= folio_spill_len(w->bytes + p)) {
		p += HDR + folio_spill_len(w->bytes + p);
		w->at[++w->count] = p;
	}
	w->first = rec;
	w->base = pos;
	return 0;
}

/* Where to read on for record i, from *rec at *pos (its block's first):
 * past a window of the block that ends before i, if one does. */
static void resume(const folio_varlist *l, uint64_t i, uint64_t *rec,
	uint64_t *pos)
{
	size_t k;

	for (k = 0; k < WINDOWS; k++) {
		const window *v = &l->win[k];
		uint64_t next = v->first + v->count;
		if (v->first != NONE && next > *rec && next <= i) {
			*rec = next;
			*pos = v->base + v->at[v->count];
		}
	}
}

/* Where block b ends, written out first if it is not all in the file. */
static int block_end(folio_varlist *l, uint64_t b, uint64_t *end,
	folio_error *err)
{
	*end = b + 1 < (l->n + BLOCK - 1) / BLOCK ? l->starts[b + 1] :
		folio_spill_size(&l->file);
	return *end > l->file.written ? folio_spill_flush(&l->file, err) : 0;
}

/* Read i's block into w until w holds record i: 0. A record larger
 * than a window is read straight into buf instead (w marks where the
 * next starts): 1. */
static int read_window(folio_varlist *l, window *w, uint64_t i, void *buf,
	size_t bufsz, size_t *len, folio_error *err)
{
	uint64_t b = i / BLOCK, rec = b * BLOCK, pos = l->starts[b], end;
	size_t rec_len;
	int rc;

	if ((rc = block_end(l, b, &end, err)) < 0)
		return rc;
	resume(l, i, &rec, &pos);
	if (w->bytes == NULL && (w->bytes = malloc(l->win_cap)) == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	for (;;) {
		if ((rc = fill(l, w, rec, pos, end, err)) < 0)
			return rc;
		if (i - rec < w->count)
			return 0;
		if (w->count > 0) {
			rec += w->count;
			pos += w->at[w->count];
			continue;
		}
		rec_len = folio_spill_len(w->bytes);
		w->first = rec + 1;
		w->base = pos + HDR + rec_len;
		if (rec == i)
			break;
		rec++;
		pos = w->base;
	}
	if ((rc = fits(rec_len, bufsz, len, err)) < 0 ||
	    (rc = folio_spill_read(&l->file, buf, rec_len, pos + HDR, err)) < 0)
		return rc;
	return 1;
}

/* Record i from a window, or read into the least recently used one:
 * the lock held. */
static int get_on_disk(folio_varlist *l, uint64_t i, void *buf,
	size_t bufsz, size_t *len, folio_error *err)
{
	window *w = NULL, *oldest = &l->win[0];
	size_t k;
	int rc = 0;

	for (k = 0; k < WINDOWS; k++) {
		window *v = &l->win[k];
		if (v->first != NONE && i >= v->first &&
		    i - v->first < v->count)
			w = v;
		if (v->used < oldest->used)
			oldest = v;
	}
	if (w == NULL) {
		w = oldest;
		rc = read_window(l, w, i, buf, bufsz, len, err);
	}
	w->used = ++l->clock;
	if (rc != 0)    /* failed, or read straight into buf */
		return rc < 0 ? rc : 0;
	return copy_out(w->bytes + w->at[i - w->first], buf, bufsz, len,
		err);
}

int folio_varlist_get(folio_varlist *l, uint64_t i, void *buf,
	size_t bufsz, size_t *len, folio_error *err)
{
	const unsigned char *p;
	uint64_t k;
	int rc;

	if (i >= l->n)
		return folio_error_set(err, FOLIO_EUSAGE, "record %llu of "
			"%llu", (unsigned long long)i + 1,
			(unsigned long long)l->n);
	if (l->file.fd < 0) {
		/* In memory: nothing changes while gets run, no lock. */
		p = l->mem + l->starts[i / BLOCK];
		for (k = i % BLOCK; k > 0; k--)
			p += HDR + folio_spill_len(p);
		return copy_out(p, buf, bufsz, len, err);
	}
	pthread_mutex_lock(&l->lock);
	rc = get_on_disk(l, i, buf, bufsz, len, err);
	pthread_mutex_unlock(&l->lock);
	return rc;
}

void folio_varlist_free(folio_varlist *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < WINDOWS; i++)
		free(l->win[i].bytes);
	folio_spill_close(&l->file);
	free(l->mem);
	free(l->starts);
	free(l->beside);
	pthread_mutex_destroy(&l->lock);
	free(l);
}
