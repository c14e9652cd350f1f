/*
 * sitepages.c - the documents' pages, written by the worker pool, and
 * files/, the outputs linked into the site.
 *
 * A worker asks for its record (the source serves each worker on its
 * own), reads the source, renders and writes the page, and appends the
 * document's line to the spool under the run's lock; its key then says
 * where the line is. Nothing of the document stays in memory after its
 * job.
 */
#include "site/site_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch/pool.h"
#include "import/source.h"

/* ---- document pages ---- */

typedef struct page_run {
	site_ctx *c;
	const folio_site_source *src;
	/* The documents whose page is not current, in order: 4 bytes
	 * each in a util/recarray, on disk past its budget. */
	folio_recarray *todo;
	char (*code)[SITE_CODE_MAX];   /* each worker's record's 档号 */
	pthread_mutex_t lock;      /* the spool, the keys, the 文种s */
	int rc;                    /* first failure */
	folio_error *err;
} page_run;

/* Record i for this worker: its strings last until the worker asks for
 * its next record, so through the job. */
static int take_record(folio_site_record *r, page_run *s, int worker,
	size_t i, folio_error *err)
{
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = s->src->get(s->src->ctx, worker, i, r, err)) == 0 &&
	    (rc = site_code(s->c, i, s->code[worker], err)) == 0)
		r->code = s->code[worker];   /* the same 档号, kept */
	return rc;
}

/* Keep what the feeds need of a document and where its line is. */
int site_key_set(site_types *types, site_key *k, const site_doc *d,
	uint64_t at, size_t len, uint32_t flags, folio_error *err)
{
	uint32_t date = site_date_key(d->date);

	if (date == 0)
		return folio_error_set(err, FOLIO_EINPUT, "expected a date "
			"YYYY-MM-DD, found '%s'", d->date ? d->date : "");
	if (site_types_intern(types, d->category ? d->category :
		SITE_NO_TYPE, &k->type) < 0)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	k->at = at;
	k->len = (uint32_t)len;
	k->date = date;
	k->flags = flags | (d->category ? 0 : SITE_KEY_NO_TYPE);
	return 0;
}

static int page_job(void *ctx, size_t k, int worker)
{
	page_run *s = ctx;
	site_ctx *c = s->c;
	char path[SITE_PATH_MAX];
	folio_error err = {0};
	folio_buf page = {0}, line = {0};
	folio_doc *doc = NULL;
	site_doc d;
	folio_site_record o;
	int64_t mtime = 0;
	uint64_t size = 0, at = 0;
	uint32_t flags = SITE_KEY_CURRENT | SITE_KEY_READ, i;
	site_key key;
	int rc, wrote = 0;

	memset(&d, 0, sizeof(d));
	if ((rc = folio_recarray_get(s->todo, k, &i, &err)) < 0) {
		pthread_mutex_lock(&s->lock);
		if (s->rc == 0)
			s->rc = folio_error_set(s->err, rc, "site: %s",
				err.msg);
		pthread_mutex_unlock(&s->lock);
		return rc;
	}
	rc = take_record(&o, s, worker, i, &err);
	if (rc == 0)
		rc = folio_source_read(&doc, o.source_path, NULL, &err);
	if (rc == 0)
		rc = site_doc_from_model(&d, doc, &err);
	folio_doc_free(doc);
	d.rec = &o;
	if (rc == 0)
		rc = site_render_page(&page, c, &d, &err);
	if (rc == 0)
		rc = site_join(path, sizeof(path), &err, "%s/docs/%s.html",
			c->dir, o.code);
	if (rc == 0)
		rc = site_write_if_changed(path, page.data, page.len, &wrote,
			&err);
	folio_buf_free(&page);
	if (rc == 0 && site_stat(&mtime, &size, path) < 0)
		rc = folio_error_set(&err, FOLIO_EIO, "%s: page vanished "
			"after writing", path);
	if (rc == 0)
		rc = site_cache_line(&line, &o, &d, size, mtime, &err);
	if (wrote)
		flags |= SITE_KEY_WROTE;
	if (o.sha256 == NULL || strlen(o.sha256) != 64)
		flags |= SITE_KEY_NO_CACHE;
	if (rc == 0) {
		pthread_mutex_lock(&s->lock);
		rc = site_spool_append(&c->spool, line.data, line.len, &at,
			&err);
		if (rc == 0)
			rc = site_key_get(c, i, &key, &err);
		if (rc == 0)
			rc = site_key_set(&c->types, &key, &d,
				SITE_AT_SPOOL | at,
				line.len, flags, &err);
		if (rc == 0)
			rc = site_key_put(c, i, &key, &err);
		pthread_mutex_unlock(&s->lock);
	}
	folio_buf_free(&line);
	site_doc_clear(&d);
	if (rc < 0) {
		folio_error ignored = {0};
		pthread_mutex_lock(&s->lock);
		/* No line: not cached, redone. (Should even this fail, the
		 * run fails with the first error below.) */
		if (site_key_get(c, i, &key, &ignored) == 0) {
			key.len = 0;
			(void)site_key_put(c, i, &key, &ignored);
		}
		if (s->rc == 0)
			s->rc = folio_error_set(s->err, rc, "site: %s: %s",
				o.source_rel ? o.source_rel : o.code ? o.code :
				"?", err.msg[0] ? err.msg :
				folio_error_name(rc));
		pthread_mutex_unlock(&s->lock);
	}
	return rc;
}

/* Serialised by the pool. */
static void page_done(void *ctx, size_t k, int worker, int rc)
{
	page_run *s = ctx;
	folio_error ignored = {0};
	site_key key;

	(void)worker;
	if (rc < 0)
		return;
	uint32_t i;

	pthread_mutex_lock(&s->lock);
	rc = folio_recarray_get(s->todo, k, &i, &ignored);
	if (rc == 0)
		rc = site_key_get(s->c, i, &key, &ignored);
	pthread_mutex_unlock(&s->lock);
	if (rc < 0)
		return;   /* only counts: the job itself said how it went */
	s->c->stats->sources_read += (key.flags & SITE_KEY_READ) != 0;
	s->c->stats->pages_written += (key.flags & SITE_KEY_WROTE) != 0;
}

int site_write_pages(site_ctx *c, const folio_site_source *src,
	folio_error *err)
{
	folio_pool_job job;
	page_run s;
	site_key key;
	size_t i, n = 0;
	int rc;

	memset(&s, 0, sizeof(s));
	s.c = c;
	s.src = src;
	s.err = err;
	for (i = 0; i < c->n; i++) {
		if ((rc = site_key_get(c, i, &key, err)) < 0)
			return rc;
		n += !(key.flags & SITE_KEY_CURRENT);
	}
	if (n == 0)
		return 0;
	if ((rc = folio_recarray_new(&s.todo, c->cache_path,
		sizeof(uint32_t), n, 0, 0, err)) < 0)
		return rc;
	s.code = calloc((size_t)site_workers(c, src), sizeof(*s.code));
	if (s.code == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0, n = 0; i < c->n; i++) {
		uint32_t at = (uint32_t)i;
		if ((rc = site_key_get(c, i, &key, err)) < 0 ||
		    (!(key.flags & SITE_KEY_CURRENT) &&
		     (rc = folio_recarray_put(s.todo, n++, &at, err)) < 0))
			goto done;
	}
	if ((rc = site_spool_open(&c->spool, c->dir, err)) < 0)
		goto done;
	pthread_mutex_init(&s.lock, NULL);
	memset(&job, 0, sizeof(job));
	job.run = page_job;
	job.done = page_done;
	job.ctx = &s;
	job.n_jobs = n;
	job.n_workers = site_workers(c, src);
	job.stop = c->opts->stop;
	rc = folio_pool_run(&job, err);
	pthread_mutex_destroy(&s.lock);
	if (rc == FOLIO_EUSAGE && c->opts->stop && *c->opts->stop) {
		folio_error_clear(err);
		c->stats->stopped = 1;
		rc = 0;
	}
	if (rc == 0)
		rc = s.rc;
done:
	folio_recarray_free(s.todo);
	free(s.code);
	return rc;
}

/* ---- files/: the outputs, linked ---- */

static int copy_file(const char *from, const char *to,
	const struct stat *st, folio_error *err)
{
	struct timespec times[2];
	folio_outfile f;
	char chunk[65536];
	size_t n;
	FILE *in;
	int rc;

	in = fopen(from, "rb");
	if (in == NULL)
		return folio_error_set(err, FOLIO_EIO, "%s: cannot open: %s",
			from, strerror(errno));
	if ((rc = folio_outfile_open(&f, to, err)) < 0) {
		fclose(in);
		return rc;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
		if (fwrite(chunk, 1, n, f.fp) != n)
			break;
	if (ferror(in) || ferror(f.fp)) {
		fclose(in);
		folio_outfile_abort(&f);
		return folio_error_set(err, FOLIO_EIO, "cannot copy %s to %s",
			from, to);
	}
	fclose(in);
	if ((rc = folio_outfile_commit(&f, err)) < 0)
		return rc;
	/* The copy carries the output's time: that is how the next run
	 * knows it is current where no link can say so. */
	times[0] = st->st_atim;
	times[1] = st->st_mtim;
	(void)utimensat(AT_FDCWD, to, times, 0);
	return 0;
}

/* files/<code>.<kind> made the output: 1 when it is a hard link of
 * it, 0 a copy (or an entry of the output's size and time), or an
 * error. */
static int link_output(site_ctx *c, const char *code, const char *kind,
	folio_error *err)
{
	char from[SITE_PATH_MAX], to[SITE_PATH_MAX];
	struct stat src, dst;
	folio_outfile tmp;
	int rc;

	if ((rc = site_join(from, sizeof(from), err, "%s/%s/%s.%s",
		c->opts->batch_dir, kind, code, kind)) < 0 ||
	    (rc = site_join(to, sizeof(to), err, "%s/files/%s.%s", c->dir, code,
		kind)) < 0)
		return rc;
	if (stat(from, &src) != 0 || !S_ISREG(src.st_mode))
		return folio_error_set(err, FOLIO_EIO, "site: expected the "
			"output %s, found none", from);
	if (lstat(to, &dst) == 0 && S_ISREG(dst.st_mode) &&
	    dst.st_dev == src.st_dev && dst.st_ino == src.st_ino)
		return 1;
	if (lstat(to, &dst) == 0 && S_ISREG(dst.st_mode) &&
	    dst.st_size == src.st_size &&
	    dst.st_mtim.tv_sec == src.st_mtim.tv_sec &&
	    dst.st_mtim.tv_nsec == src.st_mtim.tv_nsec)
		return 0;
	c->stats->links_made++;
	/* A unique temporary name, then link and rename over: readers
	 * see the old file or the new one. */
	if ((rc = folio_outfile_reserve(&tmp, to, err)) < 0)
		return rc;
	(void)unlink(tmp.temp_path);
	if (link(from, tmp.temp_path) == 0) {
		if (rename(tmp.temp_path, to) != 0) {
			rc = folio_error_set(err, FOLIO_EIO, "%s: rename "
				"failed: %s", to, strerror(errno));
			folio_outfile_abort(&tmp);
			return rc;
		}
		free(tmp.temp_path);
		free(tmp.final_path);
		return 1;
	}
	folio_outfile_abort(&tmp);
	return copy_file(from, to, &src, err);
}

int site_link_outputs(site_ctx *c, folio_error *err)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		char code[SITE_CODE_MAX];
		site_key key;
		int epub, pdf, rc;
		if ((rc = site_key_get(c, i, &key, err)) < 0)
			return rc;
		if (key.flags & SITE_KEY_LINKED)
			continue;
		if ((rc = site_code(c, i, code, err)) < 0)
			return rc;
		if ((epub = link_output(c, code, "epub", err)) < 0)
			return epub;
		if ((pdf = link_output(c, code, "pdf", err)) < 0)
			return pdf;
		key.flags |= SITE_KEY_LINKED | (epub && pdf ? SITE_KEY_HARD : 0);
		if ((rc = site_key_put(c, i, &key, err)) < 0)
			return rc;
	}
	return 0;
}
