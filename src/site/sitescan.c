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
 *
 * The files/ entries need no look at all when nothing can have changed
 * them: files/ has the stamp (inode and times) the last run recorded
 * once the folder had settled, and the chunk's link digest (its 档号s
 * and the outputs' sizes and times) is the one recorded then, when
 * every entry of the chunk was a hard link of its output. Entries are
 * only added, removed or replaced through the folder, which changes
 * its times; writing into a hard link changes the output, so its
 * record and the digest. A copy (a file system without links) can be
 * written in place, so a chunk with one is never recorded.
 */
#include "site/site_impl.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "batch/pool.h"
#include "util/digest.h"

/* Documents a job checks: enough that taking a job costs little next
 * to it, few enough that the workers share the end of the run. */
#define SCAN_CHUNK SITE_SCAN_CHUNK

typedef struct scan_chunk {
	folio_buf codes;          /* the chunk's 档号s, NUL-terminated */
	folio_buf state;          /* its lines of the state digest */
	folio_buf links;          /* its lines of the link digest */
	int unlinkable;           /* a record without its outputs' times */
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
	/* files/ is as the last run left it: a chunk whose records are
	 * the ones it recorded as hard-linked needs no look inside. */
	int files_same;
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
	site_key *k, const folio_site_record *r)
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
	return site_key_set(&ch->types, k, &it->doc, off, len,
		SITE_KEY_CURRENT, &ch->err);
}

static uint32_t entry_linked(int dirfd, const char *name, uint64_t size,
	int64_t mtime_ns)
{
	struct stat st;

	if (dirfd < 0 || fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
	    !S_ISREG(st.st_mode) || (uint64_t)st.st_size != size ||
	    (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec !=
	    mtime_ns)
		return 0;
	return st.st_nlink > 1 ? SITE_KEY_LINKED | SITE_KEY_HARD :
		SITE_KEY_LINKED;
}

/* Both of r's files/ entries are the outputs as the run recorded them
 * (size and time: a hard link shares them): SITE_KEY_LINKED, with
 * SITE_KEY_HARD when both are links (a copy has one name), else 0. */
static uint32_t outputs_linked(const site_ctx *c, const folio_site_record *r)
{
	char name[SITE_PATH_MAX];
	uint32_t pdf;

	if (r->pdf_mtime_ns == 0 || r->epub_mtime_ns == 0)
		return 0;
	if ((size_t)snprintf(name, sizeof(name), "%s.pdf", r->code) >=
		sizeof(name) ||
	    (pdf = entry_linked(c->files_fd, name, r->pdf_bytes,
		r->pdf_mtime_ns)) == 0)
		return 0;
	memcpy(name + strlen(r->code) + 1, "epub", 5);
	return pdf & entry_linked(c->files_fd, name, r->epub_bytes,
		r->epub_mtime_ns);
}

/* The record's line of the link digest: what its files/ entries must
 * be (its 档号 names them; the outputs' sizes and times). */
static int links_line(scan_chunk *ch, const folio_site_record *r)
{
	if (r->pdf_mtime_ns == 0 || r->epub_mtime_ns == 0)
		ch->unlinkable = 1;
	if (folio_buf_printf(&ch->links, "%s\t%llu\t%lld\t%llu\t%lld\n",
		r->code, (unsigned long long)r->pdf_bytes,
		(long long)r->pdf_mtime_ns, (unsigned long long)r->epub_bytes,
		(long long)r->epub_mtime_ns) < 0)
		return folio_error_set(&ch->err, FOLIO_ENOMEM,
			"out of memory");
	return 0;
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

static int scan_one(scan_run *s, scan_chunk *ch, int worker, size_t i,
	int look)
{
	site_key key, *k = &key;
	folio_site_record r;
	int rc;

	memset(&key, 0, sizeof(key));   /* a key is made here, once */
	memset(&r, 0, sizeof(r));
	if ((rc = s->src->get(s->src->ctx, worker, i, &r, &ch->err)) < 0)
		return rc;
	if (r.code == NULL || r.code[0] == '\0')
		return folio_error_set(&ch->err, FOLIO_EINPUT, "site: "
			"document %zu has no 档号", i + 1);
	if (strlen(r.code) >= SITE_CODE_MAX)
		return folio_error_set(&ch->err, FOLIO_ELIMIT, "site: "
			"document %zu: a 档号 of more than %d bytes", i + 1,
			SITE_CODE_MAX - 1);
	if (folio_buf_append(&ch->codes, r.code, strlen(r.code) + 1) < 0)
		return folio_error_set(&ch->err, FOLIO_ENOMEM, "site: out of "
			"memory for the 档号s");
	if ((rc = state_line(ch, &r)) < 0 || (rc = links_line(ch, &r)) < 0)
		return rc;
	if (s->env_same &&
	    (rc = reuse_cached(s, ch, &s->items[worker], k, &r)) < 0)
		return rc;
	if (look)
		k->flags |= outputs_linked(s->c, &r);
	return site_key_put(s->c, i, k, &ch->err);
}

/* The chunk's files/ entries, once its records are read: as the last
 * run recorded them when its link digest is the same and files/ has
 * not changed since; else each one looked at. */
static int chunk_links(scan_run *s, scan_chunk *ch, size_t j, int worker,
	int looked)
{
	site_ctx *c = s->c;
	unsigned char md[FOLIO_SHA256_LEN];
	const unsigned char *was = site_cache_links_of(s->cache, j);
	folio_site_record r;
	size_t i = j * SCAN_CHUNK, end = i + SCAN_CHUNK;
	int rc;

	if (end > c->n)
		end = c->n;
	memset(c->links[j], 0, SITE_LINKS_LEN);   /* none */
	if (!ch->unlinkable) {
		if ((rc = folio_sha256(md, ch->links.data, ch->links.len,
			&ch->err)) < 0)
			return rc;
		memcpy(c->links[j], md, SITE_LINKS_LEN);
	}
	if (looked)
		return 0;
	if (!ch->unlinkable && was != NULL &&
	    memcmp(was, c->links[j], SITE_LINKS_LEN) == 0) {
		for (; i < end; i++)
			if ((rc = site_key_flag(c, i, SITE_KEY_LINKED |
				SITE_KEY_HARD, &ch->err)) < 0)
				return rc;
		return 0;
	}
	for (; i < end; i++) {
		if ((rc = s->src->get(s->src->ctx, worker, i, &r,
			&ch->err)) < 0)
			return rc;
		if ((rc = site_key_flag(c, i, outputs_linked(c, &r),
			&ch->err)) < 0)
			return rc;
	}
	return 0;
}

static int scan_job(void *ctx, size_t j, int worker)
{
	scan_run *s = ctx;
	scan_chunk *ch = &s->chunks[j];
	size_t i = j * SCAN_CHUNK, end = i + SCAN_CHUNK;
	/* Look at each files/ entry as the records come, unless the last
	 * run's record of the chunk may spare it. */
	int look = !s->files_same ||
		site_cache_links_of(s->cache, j) == NULL, rc = 0;

	if (end > s->c->n)
		end = s->c->n;
	for (; i < end && rc == 0; i++)
		rc = scan_one(s, ch, worker, i, look);
	if (rc == 0)
		rc = chunk_links(s, ch, j, worker, look);
	ch->rc = rc;
	return rc;
}

static void chunk_free(scan_chunk *ch)
{
	folio_buf_free(&ch->codes);
	folio_buf_free(&ch->state);
	folio_buf_free(&ch->links);
	site_types_free(&ch->types);
}

/* Chunk j into the run (chunks come in order): its 档号s onto
 * c->codes, its 文种s into c->types, its lines into the digest. */
static int merge_chunk(scan_run *s, size_t j)
{
	site_ctx *c = s->c;
	scan_chunk *ch = &s->chunks[j];
	size_t i, first = j * SCAN_CHUNK, end = first + SCAN_CHUNK, at;
	uint32_t *ids = NULL, t;
	int rc = 0;

	if (end > c->n)
		end = c->n;
	if (ch->rc < 0) {
		*s->err = ch->err;
		rc = ch->rc;
		goto done;
	}
	for (at = 0; at < ch->codes.len; at += strlen(ch->codes.data + at) +
		1)
		if ((rc = folio_varlist_add(c->codes, ch->codes.data + at,
			strlen(ch->codes.data + at), s->err)) < 0)
			goto done;
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
		site_key k;
		if ((rc = site_key_get(c, i, &k, s->err)) < 0)
			goto done;
		if (!(k.flags & SITE_KEY_CURRENT))
			continue;
		k.type = ids[k.type];
		if ((rc = site_key_put(c, i, &k, s->err)) < 0)
			goto done;
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
	s.chunks = calloc(s.n_chunks ? s.n_chunks : 1, sizeof(*s.chunks));
	s.items = calloc((size_t)n_workers, sizeof(*s.items));
	free(c->links);
	c->links = calloc(s.n_chunks ? s.n_chunks : 1, sizeof(*c->links));
	c->n_links = c->links != NULL ? s.n_chunks : 0;
	if (s.chunks == NULL || s.items == NULL || c->links == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	for (w = 0; w < n_workers; w++)
		site_item_init(&s.items[w]);
	{
		site_dir_stamp now;
		const site_dir_stamp *was = &cache->files_dir;
		struct timespec ts;
		c->scan_at_ns = clock_gettime(CLOCK_REALTIME, &ts) == 0 ?
			(int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec : 0;
		site_dir_stamp_of(&now, c->files_fd);
		s.files_same = was->set && now.set && now.dev == was->dev &&
			now.ino == was->ino && now.mtime_ns == was->mtime_ns &&
			now.ctime_ns == was->ctime_ns;
	}
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
