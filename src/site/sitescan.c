/*
 * sitescan.c - the site's first pass over the records: each document's
 * 档号, whether its page is current (its line in the last run's cache
 * still describes it and the page is on disk as written), whether its
 * files/ entries are the outputs, and the state digest of all records,
 * which says whether the index and the feeds can stay as they are.
 *
 * A rebuild that changed nothing spends most of its site time here: per
 * document a record and a cache line read back and parsed, a stat of
 * the page and of two files/ entries. So the workers check the
 * documents in chunks. The chunks are merged in batch order, so the
 * state digest, the first error reported and everything else come out
 * as one thread would make them, whatever the number of workers.
 */
#include "site/site_impl.h"

#include <stdlib.h>
#include <string.h>

#include "batch/pool.h"
#include "util/digest.h"

/* Documents a job checks: enough that taking a job costs little next
 * to it, few enough that the workers share the end of the run. */
#define SCAN_CHUNK 512

typedef struct scan_chunk {
	folio_buf codes;          /* the chunk's 档号s, NUL-terminated */
	folio_buf state;          /* its lines of the state digest */
	/* Its 文种s: its keys hold these numbers until the merge. */
	site_types types;
	int unknown;              /* a record without a source digest */
	int done;
	int rc;
	folio_error err;
} scan_chunk;

typedef struct scan_run {
	site_ctx *c;
	const folio_site_source *src;
	site_cache *cache;
	int env_same;
	site_item *items;         /* one per worker */
	scan_chunk *chunks;
	size_t n_chunks;
	size_t merged;            /* chunks merged, in order */
	folio_sha256_ctx *sha;
	int unknown;
	int rc;                   /* the first failure, in batch order */
	folio_error *err;
	volatile sig_atomic_t stop;
} scan_run;

int site_workers(const site_ctx *c, const folio_site_source *src)
{
	int w = c->opts->workers > 0 ? c->opts->workers :
		folio_pool_default_workers();
	int most = src->workers > 0 ? src->workers : 1;

	return w < most ? w : most;
}

/* A document's page is current when nothing it is made of changed since
 * the cache was written and the page is on disk as written then: its
 * line in the old cache then serves the index, feeds and new cache, and
 * its source is not read. */
static int reuse_cached(scan_run *s, scan_chunk *ch, site_item *it,
	size_t i, const folio_site_record *r)
{
	char path[SITE_PATH_MAX];
	uint64_t off, size;
	uint32_t len;
	int64_t mtime;
	int rc;

	if (r->sha256 == NULL || strlen(r->sha256) != 64 ||
	    r->source_rel == NULL)
		return 0;
	if ((rc = site_cache_find(s->cache, r->source_rel, it, &off, &len,
		&ch->err)) <= 0)
		return rc;
	if (strcmp(it->rec.sha256, r->sha256) != 0 ||
	    strcmp(it->rec.code, r->code) != 0 ||
	    it->rec.pages != r->pages || it->rec.pdf_bytes != r->pdf_bytes ||
	    it->rec.epub_bytes != r->epub_bytes ||
	    (size_t)snprintf(path, sizeof(path), "%s.html", r->code) >=
		sizeof(path) ||
	    site_stat_at(&mtime, &size, s->c->docs_fd, path) < 0 ||
	    size != it->page_size || mtime != it->page_mtime_ns)
		return 0;
	return site_key_set(&ch->types, &s->c->keys[i], &it->doc, off, len,
		SITE_KEY_CURRENT, &ch->err);
}

/* Both of r's files/ entries are the outputs as the run recorded them
 * (size and time: a hard link shares them): nothing to link. */
static int outputs_linked(const site_ctx *c, const folio_site_record *r)
{
	char name[SITE_PATH_MAX];
	int64_t mtime;
	uint64_t size;

	if (r->pdf_mtime_ns == 0 || r->epub_mtime_ns == 0)
		return 0;
	if ((size_t)snprintf(name, sizeof(name), "%s.pdf", r->code) >=
		sizeof(name) ||
	    site_stat_at(&mtime, &size, c->files_fd, name) < 0 ||
	    size != r->pdf_bytes || mtime != r->pdf_mtime_ns)
		return 0;
	memcpy(name + strlen(r->code) + 1, "epub", 5);
	return site_stat_at(&mtime, &size, c->files_fd, name) == 0 &&
		size == r->epub_bytes && mtime == r->epub_mtime_ns;
}

/* The record's line of the state digest. A record whose source digest
 * is unknown makes the state unknown (""), which never matches. */
static int state_line(scan_chunk *ch, const folio_site_record *r)
{
	if (ch->unknown)
		return 0;
	if (r->sha256 == NULL || strlen(r->sha256) != 64) {
		ch->unknown = 1;
		return 0;
	}
	if (folio_buf_printf(&ch->state, "%s\t%s\t%zu\t%llu\t%llu\n", r->code,
		r->sha256, r->pages, (unsigned long long)r->pdf_bytes,
		(unsigned long long)r->epub_bytes) < 0)
		return folio_error_set(&ch->err, FOLIO_ENOMEM,
			"out of memory");
	return 0;
}

static int scan_one(scan_run *s, scan_chunk *ch, int worker, size_t i)
{
	site_key *k = &s->c->keys[i];
	folio_site_record r;
	int rc;

	memset(&r, 0, sizeof(r));
	if ((rc = s->src->get(s->src->ctx, worker, i, &r, &ch->err)) < 0)
		return rc;
	if (r.code == NULL || r.code[0] == '\0')
		return folio_error_set(&ch->err, FOLIO_EINPUT, "site: "
			"document %zu has no 档号", i + 1);
	k->code = (uint32_t)ch->codes.len;
	if (folio_buf_append(&ch->codes, r.code, strlen(r.code) + 1) < 0)
		return folio_error_set(&ch->err, FOLIO_ENOMEM, "site: out of "
			"memory for the 档号s");
	if ((rc = state_line(ch, &r)) < 0)
		return rc;
	if (s->env_same &&
	    (rc = reuse_cached(s, ch, &s->items[worker], i, &r)) < 0)
		return rc;
	if (outputs_linked(s->c, &r))
		k->flags |= SITE_KEY_LINKED;
	return 0;
}

static int scan_job(void *ctx, size_t j, int worker)
{
	scan_run *s = ctx;
	scan_chunk *ch = &s->chunks[j];
	size_t i = j * SCAN_CHUNK, end = i + SCAN_CHUNK;
	int rc = 0;

	if (end > s->c->n)
		end = s->c->n;
	for (; i < end && rc == 0; i++)
		rc = scan_one(s, ch, worker, i);
	ch->rc = rc;
	return rc;
}

static void chunk_free(scan_chunk *ch)
{
	folio_buf_free(&ch->codes);
	folio_buf_free(&ch->state);
	site_types_free(&ch->types);
}

/* Chunk j into the run: its 档号s into c->codes, its 文种s into
 * c->types, its lines into the digest. */
static int merge_chunk(scan_run *s, size_t j)
{
	site_ctx *c = s->c;
	scan_chunk *ch = &s->chunks[j];
	size_t i, first = j * SCAN_CHUNK, end = first + SCAN_CHUNK, base;
	uint32_t *ids = NULL, t;
	int rc = 0;

	if (end > c->n)
		end = c->n;
	if (ch->rc < 0) {
		*s->err = ch->err;
		rc = ch->rc;
		goto done;
	}
	base = c->codes.len;
	if (folio_buf_append(&c->codes, ch->codes.data, ch->codes.len) < 0) {
		rc = folio_error_set(s->err, FOLIO_ENOMEM, "site: out of "
			"memory for the 档号s");
		goto done;
	}
	if (ch->types.n > 0 &&
	    (ids = malloc(ch->types.n * sizeof(*ids))) == NULL) {
		rc = folio_error_set(s->err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	for (t = 0; t < ch->types.n; t++)
		if (site_types_intern(&c->types, ch->types.names[t],
			&ids[t]) < 0) {
			rc = folio_error_set(s->err, FOLIO_ENOMEM,
				"out of memory");
			goto done;
		}
	for (i = first; i < end; i++) {
		c->keys[i].code += (uint32_t)base;
		if (c->keys[i].flags & SITE_KEY_CURRENT)
			c->keys[i].type = ids[c->keys[i].type];
	}
	s->unknown |= ch->unknown;
	if (!s->unknown)
		rc = folio_sha256_update(s->sha, ch->state.data,
			ch->state.len, s->err);
done:
	free(ids);
	chunk_free(ch);
	return rc;
}

/* Serialised by the pool: merge every chunk whose turn has come. */
static void scan_done(void *ctx, size_t j, int worker, int rc)
{
	scan_run *s = ctx;

	(void)worker;
	(void)rc;
	s->chunks[j].done = 1;
	while (s->rc == 0 && s->merged < s->n_chunks &&
	    s->chunks[s->merged].done)
		s->rc = merge_chunk(s, s->merged++);
	if (s->rc < 0)
		s->stop = 1;   /* the rest would be thrown away */
}

int site_scan(site_ctx *c, const folio_site_source *src, site_cache *cache,
	int env_same, const char *env, char state[65], folio_error *err)
{
	unsigned char md[FOLIO_SHA256_LEN];
	folio_pool_job job;
	folio_error perr = {0};
	scan_run s;
	size_t j;
	int w, n_workers = site_workers(c, src), rc;

	state[0] = '\0';
	memset(&s, 0, sizeof(s));
	s.c = c;
	s.src = src;
	s.cache = cache;
	s.env_same = env_same;
	s.err = err;
	s.n_chunks = (c->n + SCAN_CHUNK - 1) / SCAN_CHUNK;
	c->codes.limit = (size_t)UINT32_MAX;
	s.chunks = calloc(s.n_chunks ? s.n_chunks : 1, sizeof(*s.chunks));
	s.items = calloc((size_t)n_workers, sizeof(*s.items));
	if (s.chunks == NULL || s.items == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	for (w = 0; w < n_workers; w++)
		site_item_init(&s.items[w]);
	if ((rc = folio_sha256_begin(&s.sha, err)) < 0 ||
	    (rc = folio_sha256_update(s.sha, env, strlen(env), err)) < 0 ||
	    (rc = folio_sha256_update(s.sha, "\n", 1, err)) < 0)
		goto done;
	if (s.n_chunks > 0) {
		memset(&job, 0, sizeof(job));
		job.run = scan_job;
		job.done = scan_done;
		job.ctx = &s;
		job.n_jobs = s.n_chunks;
		job.n_workers = n_workers;
		job.stop = &s.stop;
		rc = folio_pool_run(&job, &perr);
		if (s.rc < 0) {
			rc = s.rc;
			goto done;
		}
		if (rc < 0) {
			rc = folio_error_set(err, rc, "site: %s", perr.msg);
			goto done;
		}
	}
	if (!s.unknown) {
		rc = folio_sha256_end(md, s.sha, err);
		s.sha = NULL;
		if (rc == 0)
			folio_sha256_hex(state, md);
	}
done:
	folio_sha256_free(s.sha);
	for (j = 0; s.chunks != NULL && j < s.n_chunks; j++)
		chunk_free(&s.chunks[j]);
	for (w = 0; s.items != NULL && w < n_workers; w++)
		site_item_free(&s.items[w]);
	free(s.chunks);
	free(s.items);
	return rc;
}
