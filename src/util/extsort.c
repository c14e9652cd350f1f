/* extsort.c - records sorted in bounded memory: sorted runs written by
 * level, merged sixteen at a time (see extsort.h). */
#include "util/extsort.h"

#include <stdlib.h>
#include <string.h>

#include "util/spill.h"

#define HDR FOLIO_SPILL_HDR
#define FANIN FOLIO_EXTSORT_FANIN
#define SLOT sizeof(unsigned char *)
/* The fewest bytes a buffer reads or writes at a time. */
#define CHUNK_MIN ((size_t)4096)
/* A block takes at least one record of the largest size. */
#define BLOCK_MIN ((HDR + FOLIO_EXTSORT_MAX + 2 * SLOT - 1) / SLOT * SLOT)
/* A run of level k holds at least FANIN^k records: below 2^53 records
 * no run climbs past level 13. */
#define LEVELS 14
#define MAX_RECORDS (UINT64_C(1) << 53)

typedef struct run {
	uint64_t off, len;         /* bytes of a file */
} run;

/* Runs of about one size, in one file: when FANIN of them are there,
 * they are merged into one of the next level and the file emptied. */
typedef struct level {
	folio_spill file;
	run runs[FANIN];
	size_t n;
} level;

typedef struct run_ref {
	folio_spill *file;
	run r;
} run_ref;

/* A run being read through buf: a whole record at at, unless at == len
 * (the run has ended); its bytes from off to end not read yet. */
typedef struct cursor {
	const folio_spill *file;
	uint64_t off, end;
	unsigned char *buf;
	size_t cap, len, at;
} cursor;

enum { ADDING, READING, FAILED };

struct folio_extsort {
	char *beside;
	size_t chunk;              /* bytes a read or write buffer */
	/* The records gathered: their bytes from the front of the block,
	 * pointers to them from its back, both within the budget. */
	unsigned char *block;
	size_t block_size, used, n_mem;
	uint64_t n;
	level levels[LEVELS];
	folio_spill last;          /* runs merged by finish */
	cursor cur[FANIN];         /* the runs next reads */
	size_t n_cur;
	cursor *taken;             /* its record was handed out last */
	size_t next_mem;           /* in memory: the next record to hand */
	int spilled;
	int in_memory;             /* no file could be made */
	int state;
};

static int rec_cmp(const unsigned char *a, const unsigned char *b)
{
	size_t la = folio_spill_len(a), lb = folio_spill_len(b);
	int c = memcmp(a + HDR, b + HDR, la < lb ? la : lb);

	if (c != 0)
		return c;
	return la < lb ? -1 : la > lb;
}

static int by_bytes(const void *pa, const void *pb)
{
	return rec_cmp(*(unsigned char *const *)pa,
		*(unsigned char *const *)pb);
}

static int by_length(const void *pa, const void *pb)
{
	const run_ref *a = pa, *b = pb;

	return a->r.len < b->r.len ? -1 : a->r.len > b->r.len;
}

/* The pointers to the records held, at the back of the block: the
 * last added first, until a sort orders them. */
static unsigned char **slots(const folio_extsort *s)
{
	return (unsigned char **)(void *)(s->block + s->block_size) -
		s->n_mem;
}

int folio_extsort_new(folio_extsort **out, const char *beside,
	size_t budget, folio_error *err)
{
	folio_extsort *s = calloc(1, sizeof(*s));
	size_t k;

	*out = NULL;
	if (s == NULL || (s->beside = strdup(beside)) == NULL) {
		free(s);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	if (budget == 0)
		budget = FOLIO_EXTSORT_BUDGET;
	/* Gathering holds the block and a write buffer; merging, FANIN
	 * read buffers and a write buffer: either fits the budget. */
	s->chunk = budget / (FANIN + 1);
	if (s->chunk < CHUNK_MIN)
		s->chunk = CHUNK_MIN;
	s->block_size = budget > s->chunk ?
		(budget - s->chunk) / SLOT * SLOT : 0;
	if (s->block_size < BLOCK_MIN)
		s->block_size = BLOCK_MIN;
	for (k = 0; k < LEVELS; k++)
		folio_spill_init(&s->levels[k].file, s->beside, s->chunk);
	folio_spill_init(&s->last, s->beside, s->chunk);
	*out = s;
	return 0;
}

/* ---- reading runs ---- */

/* Read on until a whole record is at c->at or the run has ended; a
 * record longer than the buffer grows it. */
static int cursor_load(cursor *c, folio_error *err)
{
	for (;;) {
		size_t have = c->len - c->at, need = HDR, n;
		int rc;

		if (have >= HDR)
			need += folio_spill_len(c->buf + c->at);
		if (have >= need || (have == 0 && c->off == c->end))
			return 0;
		if (c->off == c->end)
			return folio_error_set(err, FOLIO_EIO, "a temporary "
				"file beside %s ends within a record",
				c->file->beside);
		memmove(c->buf, c->buf + c->at, have);
		c->len = have;
		c->at = 0;
		if (need > c->cap) {
			unsigned char *p = realloc(c->buf, need);
			if (p == NULL)
				return folio_error_set(err, FOLIO_ENOMEM,
					"out of memory");
			c->buf = p;
			c->cap = need;
		}
		n = c->cap - have;
		if (n > c->end - c->off)
			n = (size_t)(c->end - c->off);
		if ((rc = folio_spill_read(c->file, c->buf + have, n, c->off,
			err)) < 0)
			return rc;
		c->off += n;
		c->len += n;
	}
}

static int cursor_next(cursor *c, folio_error *err)
{
	c->at += HDR + folio_spill_len(c->buf + c->at);
	return cursor_load(c, err);
}

/* Cursors on in[0..n), each with its first record; on failure too,
 * close_cursors frees them. */
static int open_cursors(cursor *cur, const run_ref *in, size_t n,
	size_t cap, folio_error *err)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < n; i++)
		cur[i].buf = NULL;
	for (i = 0; i < n && rc == 0; i++) {
		cursor *c = &cur[i];
		c->file = in[i].file;
		c->off = in[i].r.off;
		c->end = in[i].r.off + in[i].r.len;
		c->len = c->at = 0;
		c->cap = cap;
		if ((c->buf = malloc(cap)) == NULL)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		rc = cursor_load(c, err);
	}
	return rc;
}

static void close_cursors(cursor *cur, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(cur[i].buf);
		cur[i].buf = NULL;
	}
}

/* The cursor whose record comes first, NULL when all runs ended. A
 * scan: of at most FANIN, a heap would save a few comparisons. */
static cursor *smallest(cursor *cur, size_t n)
{
	cursor *best = NULL;
	size_t i;

	for (i = 0; i < n; i++)
		if (cur[i].at < cur[i].len && (best == NULL ||
		    rec_cmp(cur[i].buf + cur[i].at, best->buf + best->at) < 0))
			best = &cur[i];
	return best;
}

/* ---- writing and merging runs ---- */

/* in[0..n) merged into one run appended to out, *made. Memory: a
 * buffer of chunk bytes a run read and one for out. */
static int merge(const folio_extsort *s, const run_ref *in, size_t n,
	folio_spill *out, run *made, folio_error *err)
{
	cursor cur[FANIN];
	cursor *c;
	uint64_t start = folio_spill_size(out);
	int rc;

	if ((rc = open_cursors(cur, in, n, s->chunk, err)) < 0)
		goto done;
	while ((c = smallest(cur, n)) != NULL)
		if ((rc = folio_spill_append(out, c->buf + c->at, HDR +
			folio_spill_len(c->buf + c->at), err)) < 0 ||
		    (rc = cursor_next(c, err)) < 0)
			goto done;
	if ((rc = folio_spill_flush(out, err)) < 0)
		goto done;
	made->off = start;
	made->len = out->written - start;
done:
	close_cursors(cur, n);
	return rc;
}

/* FANIN runs of a level merged into one of the next, upwards: a level
 * holds fewer than FANIN runs, whatever the number of records. */
static int cascade(folio_extsort *s, folio_error *err)
{
	size_t k, i;
	int rc;

	for (k = 0; s->levels[k].n == FANIN; k++) {
		level *from = &s->levels[k], *to;
		run_ref in[FANIN];

		if (k + 1 == LEVELS)
			return folio_error_set(err, FOLIO_ELIMIT, "a sort of "
				"more levels than %d", LEVELS);
		to = &s->levels[k + 1];
		if (to->file.fd < 0 &&
		    (rc = folio_spill_open(&to->file, "extsort", err)) < 0)
			return rc;
		for (i = 0; i < FANIN; i++) {
			in[i].file = &from->file;
			in[i].r = from->runs[i];
		}
		/* The block is empty: its room is the merge's buffers'. */
		free(s->block);
		s->block = NULL;
		if ((rc = merge(s, in, FANIN, &to->file, &to->runs[to->n],
			err)) < 0)
			return rc;
		to->n++;
		from->n = 0;
		if ((rc = folio_spill_truncate(&from->file, err)) < 0)
			return rc;
	}
	return 0;
}

/* Sort the records held and write them as a run of level 0. */
static int spill_run(folio_extsort *s, folio_error *err)
{
	level *l = &s->levels[0];
	unsigned char **p = slots(s);
	uint64_t start;
	size_t i;
	int rc;

	if (l->file.fd < 0) {
		if ((rc = folio_spill_open(&l->file, "extsort", err)) < 0)
			return rc;
		s->spilled = 1;
	}
	qsort(p, s->n_mem, SLOT, by_bytes);
	start = folio_spill_size(&l->file);
	for (i = 0; i < s->n_mem; i++)
		if ((rc = folio_spill_append(&l->file, p[i], HDR +
			folio_spill_len(p[i]), err)) < 0)
			return rc;
	if ((rc = folio_spill_flush(&l->file, err)) < 0)
		return rc;
	l->runs[l->n].off = start;
	l->runs[l->n].len = l->file.written - start;
	l->n++;
	s->used = s->n_mem = 0;
	return cascade(s, err);
}

/* No file could be made: a block twice as large, the records and their
 * pointers moved over. */
static int grow_block(folio_extsort *s, folio_error *err)
{
	size_t size = 2 * s->block_size, i;
	unsigned char **from = slots(s), **to, *b;

	if (size < s->block_size || (b = malloc(size)) == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	memcpy(b, s->block, s->used);
	to = (unsigned char **)(void *)(b + size) - s->n_mem;
	for (i = 0; i < s->n_mem; i++)
		to[i] = b + (from[i] - s->block);
	free(s->block);
	s->block = b;
	s->block_size = size;
	return 0;
}

/* Room in the block for need bytes more: a run written when it is
 * full, or where no file can be made, a larger block. */
static int make_room(folio_extsort *s, size_t need, folio_error *err)
{
	int rc;

	if (s->block != NULL &&
	    s->used + s->n_mem * SLOT + need > s->block_size) {
		if (s->in_memory)
			return grow_block(s, err);
		if ((rc = spill_run(s, err)) < 0) {
			if (rc != FOLIO_EIO || s->spilled) {
				/* Runs half written or merged: no more
				 * adds, nothing to read. */
				s->state = FAILED;
				return rc;
			}
			/* No file can be made beside it (a folder the
			 * caller may only read): the sort stays in
			 * memory, as large as it is. */
			folio_error_clear(err);
			s->in_memory = 1;
			return grow_block(s, err);
		}
	}
	if (s->block == NULL && (s->block = malloc(s->block_size)) == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	return 0;
}

int folio_extsort_add(folio_extsort *s, const void *rec, size_t len,
	folio_error *err)
{
	unsigned char *at;
	int rc;

	if (s->state != ADDING)
		return folio_error_set(err, FOLIO_EUSAGE, "a record added to "
			"a sort %s", s->state == READING ? "finished" :
			"that failed");
	if (len > FOLIO_EXTSORT_MAX)
		return folio_error_set(err, FOLIO_ELIMIT, "a record of %zu "
			"bytes to sort (at most %zu)", len, FOLIO_EXTSORT_MAX);
	if (s->n >= MAX_RECORDS)
		return folio_error_set(err, FOLIO_ELIMIT, "a sort of more "
			"than 2^53 records");
	if ((rc = make_room(s, HDR + len + SLOT, err)) < 0)
		return rc;
	at = s->block + s->used;
	folio_spill_head(at, len);
	if (len > 0)
		memcpy(at + HDR, rec, len);
	s->used += HDR + len;
	s->n_mem++;
	slots(s)[0] = at;
	s->n++;
	return 0;
}

/* The runs left merged, shortest first, until FANIN remain; those
 * opened for next. */
static int merge_down(folio_extsort *s, folio_error *err)
{
	run_ref refs[LEVELS * FANIN], made;
	size_t n = 0, k, i, take;
	int rc;

	for (k = 0; k < LEVELS; k++)
		for (i = 0; i < s->levels[k].n; i++) {
			refs[n].file = &s->levels[k].file;
			refs[n++].r = s->levels[k].runs[i];
		}
	qsort(refs, n, sizeof(*refs), by_length);
	if (n > FANIN && (rc = folio_spill_open(&s->last, "extsort", err)) < 0)
		return rc;
	while (n > FANIN) {
		take = n - FANIN + 1 < FANIN ? n - FANIN + 1 : FANIN;
		if ((rc = merge(s, refs, take, &s->last, &made.r, err)) < 0)
			return rc;
		made.file = &s->last;
		n -= take;
		memmove(refs, refs + take, n * sizeof(*refs));
		for (i = n; i > 0 && refs[i - 1].r.len > made.r.len; i--)
			refs[i] = refs[i - 1];
		refs[i] = made;
		n++;
	}
	s->n_cur = n;
	return open_cursors(s->cur, refs, n, s->chunk, err);
}

int folio_extsort_finish(folio_extsort *s, folio_error *err)
{
	int rc = 0;

	if (s->state == READING)
		return 0;
	if (s->state == FAILED)
		return folio_error_set(err, FOLIO_EUSAGE, "a sort finished "
			"after it failed");
	if (!s->spilled) {
		/* Within the budget, or nowhere to write: in memory. */
		if (s->n_mem > 1)
			qsort(slots(s), s->n_mem, SLOT, by_bytes);
		s->state = READING;
		return 0;
	}
	if (s->n_mem > 0)
		rc = spill_run(s, err);
	free(s->block);
	s->block = NULL;
	s->used = s->n_mem = 0;
	if (rc == 0)
		rc = merge_down(s, err);
	s->state = rc == 0 ? READING : FAILED;
	return rc;
}

uint64_t folio_extsort_count(const folio_extsort *s)
{
	return s ? s->n : 0;
}

int folio_extsort_next(folio_extsort *s, const void **rec, size_t *len,
	folio_error *err)
{
	const unsigned char *p;
	cursor *c;
	int rc;

	if (s->state != READING)
		return folio_error_set(err, FOLIO_EUSAGE, "a sort read %s",
			s->state == ADDING ? "before it was finished" :
			"after it failed");
	if (!s->spilled) {
		if (s->next_mem == s->n_mem)
			return 0;
		p = slots(s)[s->next_mem++];
	} else {
		/* The record handed out last stayed in its buffer until
		 * now. */
		if ((c = s->taken) != NULL) {
			s->taken = NULL;
			if ((rc = cursor_next(c, err)) < 0) {
				s->state = FAILED;
				return rc;
			}
		}
		if ((c = smallest(s->cur, s->n_cur)) == NULL)
			return 0;
		s->taken = c;
		p = c->buf + c->at;
	}
	*rec = p + HDR;
	*len = folio_spill_len(p);
	return 1;
}

int folio_extsort_spilled(const folio_extsort *s)
{
	return s != NULL && s->spilled;
}

void folio_extsort_free(folio_extsort *s)
{
	size_t k;

	if (s == NULL)
		return;
	for (k = 0; k < LEVELS; k++)
		folio_spill_close(&s->levels[k].file);
	folio_spill_close(&s->last);
	close_cursors(s->cur, s->n_cur);
	free(s->block);
	free(s->beside);
	free(s);
}
