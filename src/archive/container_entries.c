/* container_entries.c - the archive's files spooled and sorted on disk
 * (see container_impl.h). */
#include "archive/container_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/file.h"

/* A run: this many bytes of groups sorted in memory, then written. */
#define RUN_BYTES ((size_t)1024 * 1024)
/* No record has a group this large (9,999 images with long paths stay
 * far below it): a cap on what one read may allocate. */
#define MAX_GROUP ((size_t)256 * 1024 * 1024)

/*
 * On disk, a group is
 *   u32 bytes (of the whole group), u32 files, key NUL,
 *   per file: u64 off, u64 size, sha256[32], name NUL, path NUL
 * with its files in name order. Integers in host order: the files
 * live only as long as the process.
 */
#define FILE_FIXED (8u + 8u + FOLIO_SHA256_LEN)

typedef struct run {
	uint64_t off, len;
} run;

struct entry_sort {
	folio_outfile runs;     /* sorted runs, one after the other */
	folio_outfile sorted;   /* the merged groups */
	uint64_t runs_len, sorted_len, count;
	unsigned char *chunk;   /* the run being filled */
	size_t chunk_len, chunk_cap;
	/* The chunk's groups; it is never moved while it holds any (it
	 * grows only when empty). */
	unsigned char **groups;
	size_t n_groups, groups_cap;
	run *run;
	size_t n_runs, runs_cap, run_bytes;
	int finished;
};

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

int entry_sort_new(entry_sort **out, const char *zip_path, folio_error *err)
{
	entry_sort *s = calloc(1, sizeof(*s));
	int rc;

	*out = NULL;
	if (s == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	s->run_bytes = RUN_BYTES;
	if ((rc = folio_outfile_open(&s->runs, zip_path, err)) < 0 ||
	    (rc = folio_outfile_open(&s->sorted, zip_path, err)) < 0) {
		entry_sort_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void entry_sort_set_run_bytes(entry_sort *s, size_t bytes)
{
	if (bytes > 0 && s->chunk == NULL)
		s->run_bytes = bytes;
}

uint64_t entry_sort_count(const entry_sort *s)
{
	return s->count;
}

static const char *group_key(const unsigned char *g)
{
	return (const char *)g + 8;
}

static int by_key(const void *a, const void *b)
{
	return strcmp(group_key(*(unsigned char *const *)a),
		group_key(*(unsigned char *const *)b));
}

/* Sort the groups in the chunk by key and write them as one run. */
static int flush_run(entry_sort *s, folio_error *err)
{
	size_t i;

	if (s->n_groups == 0)
		return 0;
	if (s->n_runs == s->runs_cap) {
		size_t cap = s->runs_cap ? 2 * s->runs_cap : 16;
		run *r = realloc(s->run, cap * sizeof(*r));
		if (r == NULL)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		s->run = r;
		s->runs_cap = cap;
	}
	qsort(s->groups, s->n_groups, sizeof(*s->groups), by_key);
	for (i = 0; i < s->n_groups; i++) {
		const unsigned char *g = s->groups[i];
		if (fwrite(g, 1, get32(g), s->runs.fp) != get32(g))
			return folio_error_set(err, FOLIO_EIO, "%s: cannot "
				"write: %s", s->runs.temp_path,
				strerror(errno));
	}
	s->run[s->n_runs].off = s->runs_len;
	s->run[s->n_runs].len = s->chunk_len;
	s->n_runs++;
	s->runs_len += s->chunk_len;
	s->chunk_len = 0;
	s->n_groups = 0;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp((*(const arch_file *const *)a)->name,
		(*(const arch_file *const *)b)->name);
}

int entry_sort_add(entry_sort *s, const char *key, const arch_file *files,
	size_t n, folio_error *err)
{
	const arch_file **order = NULL;
	size_t klen = strlen(key) + 1, need = 8 + klen, i;
	unsigned char *g;
	int rc = 0;

	for (i = 0; i < n; i++)
		need += FILE_FIXED + strlen(files[i].name) + 1 +
			strlen(files[i].path) + 1;
	if (need > MAX_GROUP)
		return folio_error_set(err, FOLIO_ELIMIT, "%s: %zu files too "
			"many to archive in one record", key, n);
	if (s->chunk_len + need > s->run_bytes &&
	    (rc = flush_run(s, err)) < 0)
		return rc;
	if (s->chunk_len + need > s->chunk_cap) {
		size_t cap = s->chunk_len + need > s->run_bytes ?
			s->chunk_len + need : s->run_bytes;
		unsigned char *c = realloc(s->chunk, cap);
		if (c == NULL)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		s->chunk = c;
		s->chunk_cap = cap;
	}
	if (s->n_groups == s->groups_cap) {
		size_t cap = s->groups_cap ? 2 * s->groups_cap : 1024;
		unsigned char **x = realloc(s->groups, cap * sizeof(*x));
		if (x == NULL)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		s->groups = x;
		s->groups_cap = cap;
	}
	if ((order = malloc((n ? n : 1) * sizeof(*order))) == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		order[i] = &files[i];
	qsort(order, n, sizeof(*order), by_name);
	g = s->chunk + s->chunk_len;
	s->groups[s->n_groups++] = g;
	memcpy(g, &(uint32_t){(uint32_t)need}, 4);
	memcpy(g + 4, &(uint32_t){(uint32_t)n}, 4);
	memcpy(g + 8, key, klen);
	g += 8 + klen;
	for (i = 0; i < n; i++) {
		size_t nl = strlen(order[i]->name) + 1;
		size_t pl = strlen(order[i]->path) + 1;
		memcpy(g, &order[i]->off, 8);
		memcpy(g + 8, &order[i]->size, 8);
		memcpy(g + 16, order[i]->sha256, FOLIO_SHA256_LEN);
		g += FILE_FIXED;
		memcpy(g, order[i]->name, nl);
		memcpy(g + nl, order[i]->path, pl);
		g += nl + pl;
	}
	s->chunk_len += need;
	s->count += n;
	free(order);
	return 0;
}

/* ---- merging the runs ---------------------------------------------- */

typedef struct cursor {
	uint64_t pos, end;
	unsigned char *g;       /* the group at pos */
	size_t cap;
} cursor;

/* Read the group at c->pos (1), or 0 past the run's end. */
static int cursor_load(cursor *c, int fd, const char *path,
	folio_error *err)
{
	unsigned char head[4];
	uint32_t len;

	if (c->pos >= c->end)
		return 0;
	if (pread(fd, head, 4, (off_t)c->pos) != 4)
		return folio_error_set(err, FOLIO_EIO, "%s: cannot read",
			path);
	len = get32(head);
	if (len < 9 || len > MAX_GROUP || c->pos + len > c->end)
		return folio_error_set(err, FOLIO_EIO, "%s: a group of %u "
			"bytes at %llu does not fit", path, len,
			(unsigned long long)c->pos);
	if (len > c->cap) {
		unsigned char *g = realloc(c->g, len);
		if (g == NULL)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		c->g = g;
		c->cap = len;
	}
	if (pread(fd, c->g, len, (off_t)c->pos) != (ssize_t)len)
		return folio_error_set(err, FOLIO_EIO, "%s: cannot read",
			path);
	return 1;
}

static int cursor_less(const cursor *a, const cursor *b)
{
	return strcmp(group_key(a->g), group_key(b->g)) < 0;
}

static void sift_down(cursor **h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		cursor *t;
		if (l < n && cursor_less(h[l], h[m]))
			m = l;
		if (l + 1 < n && cursor_less(h[l + 1], h[m]))
			m = l + 1;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

int entry_sort_finish(entry_sort *s, folio_error *err)
{
	cursor *cs = NULL, **heap = NULL;
	char *last = NULL;
	size_t n = 0, i;
	int fd, rc;

	if ((rc = flush_run(s, err)) < 0)
		return rc;
	free(s->chunk);
	free(s->groups);
	s->chunk = NULL;
	s->groups = NULL;
	s->chunk_cap = s->groups_cap = 0;
	if (fflush(s->runs.fp) != 0)
		return folio_error_set(err, FOLIO_EIO, "%s: cannot write: %s",
			s->runs.temp_path, strerror(errno));
	fd = fileno(s->runs.fp);
	cs = calloc(s->n_runs ? s->n_runs : 1, sizeof(*cs));
	heap = calloc(s->n_runs ? s->n_runs : 1, sizeof(*heap));
	if (cs == NULL || heap == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < s->n_runs; i++) {
		cs[i].pos = s->run[i].off;
		cs[i].end = s->run[i].off + s->run[i].len;
		if ((rc = cursor_load(&cs[i], fd, s->runs.temp_path, err)) < 0)
			goto done;
		if (rc == 1)
			heap[n++] = &cs[i];
	}
	for (i = n; i-- > 0;)
		sift_down(heap, n, i);
	rc = 0;
	while (n > 0) {
		cursor *c = heap[0];
		uint32_t len = get32(c->g);
		if (last != NULL && strcmp(last, group_key(c->g)) == 0) {
			rc = folio_error_set(err, FOLIO_EUSAGE, "two records "
				"would both be archived in %s (the same 档号)",
				last);
			goto done;
		}
		free(last);
		if ((last = strdup(group_key(c->g))) == NULL) {
			rc = folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
			goto done;
		}
		if (fwrite(c->g, 1, len, s->sorted.fp) != len) {
			rc = folio_error_set(err, FOLIO_EIO, "%s: cannot "
				"write: %s", s->sorted.temp_path,
				strerror(errno));
			goto done;
		}
		s->sorted_len += len;
		c->pos += len;
		if ((rc = cursor_load(c, fd, s->runs.temp_path, err)) < 0)
			goto done;
		if (rc == 0)
			heap[0] = heap[--n];
		rc = 0;
		sift_down(heap, n, 0);
	}
	if (fflush(s->sorted.fp) != 0)
		rc = folio_error_set(err, FOLIO_EIO, "%s: cannot write: %s",
			s->sorted.temp_path, strerror(errno));
	s->finished = rc == 0;
	/* The runs are not needed any more. */
	folio_outfile_abort(&s->runs);
done:
	for (i = 0; cs != NULL && i < s->n_runs; i++)
		free(cs[i].g);
	free(cs);
	free(heap);
	free(last);
	return rc;
}

void entry_sort_free(entry_sort *s)
{
	if (s == NULL)
		return;
	folio_outfile_abort(&s->runs);
	folio_outfile_abort(&s->sorted);
	free(s->chunk);
	free(s->groups);
	free(s->run);
	free(s);
}

/* ---- reading the sorted file ---------------------------------------- */

struct entry_walk {
	entry_sort *s;
	int fd;
	cursor c;
	size_t left;            /* files of the group not yet returned */
	const unsigned char *at;
	arch_file file;
};

int entry_walk_open(entry_walk **out, entry_sort *s, folio_error *err)
{
	entry_walk *w;

	*out = NULL;
	if (!s->finished)
		return folio_error_set(err, FOLIO_EUSAGE, "the archive's "
			"files were not sorted");
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	w->s = s;
	w->fd = fileno(s->sorted.fp);
	w->c.end = s->sorted_len;
	*out = w;
	return 0;
}

int entry_walk_next(entry_walk *w, const arch_file **out, folio_error *err)
{
	int rc;

	*out = NULL;
	while (w->left == 0) {
		if (w->at != NULL)
			w->c.pos += get32(w->c.g);
		if ((rc = cursor_load(&w->c, w->fd, w->s->sorted.temp_path,
			err)) <= 0)
			return rc;
		w->left = get32(w->c.g + 4);
		w->at = w->c.g + 8 + strlen(group_key(w->c.g)) + 1;
	}
	memcpy(&w->file.off, w->at, 8);
	memcpy(&w->file.size, w->at + 8, 8);
	memcpy(w->file.sha256, w->at + 16, FOLIO_SHA256_LEN);
	w->file.name = (const char *)w->at + FILE_FIXED;
	w->file.path = w->file.name + strlen(w->file.name) + 1;
	w->at = (const unsigned char *)w->file.path + strlen(w->file.path) + 1;
	w->left--;
	*out = &w->file;
	return 0;
}

void entry_walk_free(entry_walk *w)
{
	if (w == NULL)
		return;
	free(w->c.g);
	free(w);
}
