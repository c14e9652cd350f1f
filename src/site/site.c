/*
 * site.c - the site's run (see site.h): which pages to write, the
 * outputs linked into files/, the feeds and the index, orphans, cache.
 *
 * The order of the run is what keeps a killed run harmless: document
 * pages and files/ first, then the feeds, index.html last, orphans
 * after it; every file is renamed into place whole.
 */
#include "site/site_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch/pool.h"
#include "import/source.h"
#include "util/clock.h"
#include "util/digest.h"
#include "util/paths.h"

static const char *const site_dirs[] = {"docs", "files", "opds"};

static int join(char *out, size_t n, folio_error *err, const char *fmt,
	...) __attribute__((format(printf, 4, 5)));
static int join(char *out, size_t n, folio_error *err, const char *fmt,
	...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(out, n, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= n)
		return folio_error_set(err, FOLIO_ELIMIT,
			"path longer than %zu bytes", n - 1);
	return 0;
}

/* ---- base URL ---- */

static int url_path_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		(ch >= '0' && ch <= '9') || strchr("-._~!$&+,;=:@/%", ch);
}

static int is_hex(unsigned char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
		(ch >= 'A' && ch <= 'F');
}

static int bad_url(folio_error *err, const char *url, size_t at,
	const char *expected)
{
	unsigned char ch = (unsigned char)url[at];

	if (ch == '\0')
		return folio_error_set(err, FOLIO_EUSAGE, "base URL '%s': "
			"expected %s, found the end", url, expected);
	if (ch < 0x21 || ch > 0x7e)
		return folio_error_set(err, FOLIO_EUSAGE, "base URL '%s': "
			"expected %s, found byte 0x%02x at position %zu",
			url, expected, ch, at + 1);
	return folio_error_set(err, FOLIO_EUSAGE, "base URL '%s': expected "
		"%s, found '%c' at position %zu", url, expected, ch, at + 1);
}

int folio_site_base_url(char *out, size_t outsz, const char *url,
	folio_error *err)
{
	size_t n = strlen(url), i, start;

	if (outsz < FOLIO_SITE_URL_MAX + 2)
		return folio_error_set(err, FOLIO_EUSAGE,
			"base URL buffer too small");
	if (n > FOLIO_SITE_URL_MAX)
		return folio_error_set(err, FOLIO_EUSAGE, "base URL: expected "
			"at most %d bytes, found %zu", FOLIO_SITE_URL_MAX, n);
	if (strncmp(url, "https://", 8) == 0)
		i = 8;
	else if (strncmp(url, "http://", 7) == 0)
		i = 7;
	else
		return folio_error_set(err, FOLIO_EUSAGE, "base URL '%s': "
			"expected it to start with https:// or http://", url);
	start = i;
	while ((url[i] >= 'a' && url[i] <= 'z') ||
	    (url[i] >= 'A' && url[i] <= 'Z') ||
	    (url[i] >= '0' && url[i] <= '9') ||
	    ((url[i] == '.' || url[i] == '-') && i > start))
		i++;
	if (i == start)
		return bad_url(err, url, i, "a host name");
	if (url[i] == ':') {
		size_t p = ++i;
		while (url[i] >= '0' && url[i] <= '9' && i - p < 5)
			i++;
		if (i == p)
			return bad_url(err, url, i, "a port number");
	}
	if (url[i] != '\0' && url[i] != '/')
		return bad_url(err, url, i, "'/' or the end after the host");
	for (; url[i] != '\0'; i++) {
		unsigned char ch = (unsigned char)url[i];
		if (!url_path_char(ch))
			return bad_url(err, url, i, "a path character "
				"(letters, digits, - . _ ~ ! $ & + , ; = : @ / "
				"%XX; no query or fragment)");
		if (ch == '%' && (!is_hex((unsigned char)url[i + 1]) ||
		    !is_hex((unsigned char)url[i + 2])))
			return bad_url(err, url, i, "'%' followed by two hex "
				"digits");
		/* A "." or ".." segment would make links climb out. */
		if (ch == '/' && url[i + 1] == '.' && (url[i + 2] == '/' ||
		    url[i + 2] == '\0' || (url[i + 2] == '.' &&
		    (url[i + 3] == '/' || url[i + 3] == '\0'))))
			return bad_url(err, url, i + 1, "a path without '.' "
				"or '..' segments");
	}
	memcpy(out, url, n + 1);
	if (n == 0 || out[n - 1] != '/') {
		out[n] = '/';
		out[n + 1] = '\0';
	}
	return 0;
}

int folio_site_doc_url(char *out, size_t outsz, const char *url,
	const char *code, folio_error *err)
{
	char base[FOLIO_SITE_URL_MAX + 2];
	int rc, n;

	if ((rc = folio_site_base_url(base, sizeof(base), url, err)) < 0)
		return rc;
	n = snprintf(out, outsz, "%sdocs/%s.html", base, code);
	if (n < 0 || (size_t)n >= outsz)
		return folio_error_set(err, FOLIO_ELIMIT, "the page URL of %s "
			"is longer than %zu bytes", code, outsz - 1);
	return 0;
}

void site_href(char *out, size_t outsz, const site_ctx *c, int depth,
	int absolute, const char *path)
{
	size_t len = 0;

	out[0] = '\0';
	if (absolute && c->base[0]) {
		snprintf(out, outsz, "%s%s", c->base, path);
		return;
	}
	while (depth-- > 0 && len + 4 < outsz) {
		memcpy(out + len, "../", 4);
		len += 3;
	}
	snprintf(out + len, outsz - len, "%s", path);
}

/* ---- files of the run ---- */

int site_file_open(site_w *w, site_ctx *c, const char *rel,
	folio_error *err)
{
	char path[SITE_PATH_MAX];
	int rc;

	if ((rc = join(path, sizeof(path), err, "%s/%s", c->dir, rel)) < 0)
		return rc;
	return w_open_file(w, path, rel, err);
}

int site_file_commit(site_w *w, site_ctx *c, const char *rel)
{
	folio_error *err = w->err;
	int wrote, rc = w_commit(w, &wrote);
	char **f;

	if (rc < 0)
		return rc;
	c->stats->files_written += (size_t)wrote;
	if (c->n_files == c->cap_files) {
		size_t cap = c->cap_files ? 2 * c->cap_files : 32;
		f = realloc(c->files, cap * sizeof(*f));
		if (f == NULL)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		c->files = f;
		c->cap_files = cap;
	}
	if ((c->files[c->n_files] = strdup(rel)) == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	c->n_files++;
	return 0;
}

static void free_files(site_ctx *c)
{
	size_t i;

	for (i = 0; i < c->n_files; i++)
		free(c->files[i]);
	free(c->files);
	c->files = NULL;
	c->n_files = c->cap_files = 0;
}

/* Remove the temporary files a killed run left (".tmp." in the name). */
static void sweep_temps(const char *dir)
{
	char path[SITE_PATH_MAX];
	struct dirent *de;
	DIR *dp = opendir(dir);

	if (dp == NULL)
		return;
	while ((de = readdir(dp)) != NULL)
		if (strstr(de->d_name, ".tmp.") != NULL &&
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
			de->d_name) < sizeof(path))
			(void)unlink(path);
	closedir(dp);
}

static int prepare_dirs(site_ctx *c, folio_error *err)
{
	char sub[SITE_PATH_MAX];
	size_t k;
	int rc;

	if ((rc = join(c->dir, sizeof(c->dir), err, "%s/site",
		c->opts->batch_dir)) < 0 ||
	    (rc = folio_mkdirs(c->dir, err)) < 0)
		return rc;
	sweep_temps(c->dir);
	for (k = 0; k < sizeof(site_dirs) / sizeof(site_dirs[0]); k++) {
		if ((rc = join(sub, sizeof(sub), err, "%s/%s", c->dir,
			site_dirs[k])) < 0 || (rc = folio_mkdirs(sub, err)) < 0)
			return rc;
		sweep_temps(sub);
	}
	return 0;
}

/* ---- what decides the bytes ---- */

typedef struct assets {
	char *css, *js;
	size_t css_len, js_len;
} assets;

static int read_asset(char **out, size_t *len, const char *rel,
	folio_error *err)
{
	char path[SITE_PATH_MAX];
	int rc;

	if ((rc = folio_data_path(path, sizeof(path), rel, err)) < 0)
		return rc;
	return folio_file_read(out, len, path, SITE_MAX_ASSET, err);
}

static int hex_of(char out[65], const void *data, size_t len,
	folio_error *err)
{
	unsigned char d[FOLIO_SHA256_LEN];
	int rc = folio_sha256(d, data, len, err);

	if (rc == 0)
		folio_sha256_hex(out, d);
	return rc;
}

/* Everything site-wide that decides the bytes of a page or feed. */
static int env_digest(char out[65], const site_ctx *c, const assets *a,
	folio_error *err)
{
	const folio_site_options *o = c->opts;
	char css[65], js[65];
	folio_buf b = {0};
	int rc;

	if ((rc = hex_of(css, a->css, a->css_len, err)) < 0 ||
	    (rc = hex_of(js, a->js, a->js_len, err)) < 0)
		return rc;
	b.limit = (size_t)1024 * 1024;
	if (folio_buf_printf(&b, "folio-site 1\nfolio %s\nbase %s\nepoch "
		"%lld\ncss %s\njs %s\n", FOLIO_VERSION, c->base,
		(long long)o->epoch, css, js) < 0 ||
	    folio_buf_put_json(&b, o->fonds_name ? o->fonds_name : "") < 0 ||
	    folio_buf_putc(&b, '\n') < 0 ||
	    folio_buf_put_json(&b, o->batch_id ? o->batch_id : "") < 0 ||
	    folio_buf_putc(&b, '\n') < 0 ||
	    folio_buf_put_json(&b, o->description ? o->description : "") < 0) {
		folio_buf_free(&b);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	rc = hex_of(out, b.data, b.len, err);
	folio_buf_free(&b);
	return rc;
}

/* The aggregates (index, feeds) depend on env and on every record; a
 * record whose source digest is unknown makes the state unknown (""),
 * which never matches. */
static int state_digest(char out[65], const site_ctx *c, const char *env,
	folio_error *err)
{
	folio_buf b = {0};
	size_t i;
	int rc;

	out[0] = '\0';
	b.limit = (size_t)512 * 1024 * 1024;
	if (folio_buf_printf(&b, "%s\n", env) < 0)
		goto nomem;
	for (i = 0; i < c->n; i++) {
		const folio_site_record *r = c->docs[i].rec;
		if (r->sha256 == NULL || strlen(r->sha256) != 64)
			goto done;
		if (folio_buf_printf(&b, "%s\t%s\t%zu\t%llu\t%llu\n", r->code,
			r->sha256, r->pages, (unsigned long long)r->pdf_bytes,
			(unsigned long long)r->epub_bytes) < 0)
			goto nomem;
	}
	rc = hex_of(out, b.data, b.len, err);
	folio_buf_free(&b);
	return rc;
nomem:
	folio_buf_free(&b);
	return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
done:
	folio_buf_free(&b);
	return 0;
}

/* ---- document pages ---- */

typedef struct page_run {
	site_ctx *c;
	size_t *todo;              /* indices into c->docs */
	pthread_mutex_t lock;
	int rc;                    /* first failure */
	folio_error *err;
} page_run;

static int page_job(void *ctx, size_t k, int worker)
{
	page_run *s = ctx;
	site_doc *d = &s->c->docs[s->todo[k]];
	char path[SITE_PATH_MAX];
	folio_error err = {0};
	folio_buf page = {0};
	folio_doc *doc = NULL;
	int rc, wrote = 0;

	(void)worker;
	rc = folio_source_read(&doc, d->rec->source_path, NULL, &err);
	if (rc == 0)
		rc = site_doc_from_model(d, doc, &err);
	folio_doc_free(doc);
	if (rc == 0)
		rc = site_render_page(&page, s->c, d, &err);
	if (rc == 0)
		rc = join(path, sizeof(path), &err, "%s/docs/%s.html",
			s->c->dir, d->rec->code);
	if (rc == 0)
		rc = site_write_if_changed(path, page.data, page.len, &wrote,
			&err);
	folio_buf_free(&page);
	if (rc == 0 && site_stat(&d->page_mtime_ns, &d->page_size,
		path) < 0)
		rc = folio_error_set(&err, FOLIO_EIO, "%s: page vanished "
			"after writing", path);
	if (rc == 0) {
		d->page_current = 1;
		d->page_wrote = wrote;
		return 0;
	}
	d->page_size = 0;
	pthread_mutex_lock(&s->lock);
	if (s->rc == 0)
		s->rc = folio_error_set(s->err, rc, "site: %s: %s",
			d->rec->source_rel, err.msg[0] ? err.msg :
			folio_error_name(rc));
	pthread_mutex_unlock(&s->lock);
	return rc;
}

/* Serialised by the pool. */
static void page_done(void *ctx, size_t k, int worker, int rc)
{
	page_run *s = ctx;
	const site_doc *d = &s->c->docs[s->todo[k]];

	(void)worker;
	(void)rc;
	s->c->stats->sources_read += (size_t)d->read;
	s->c->stats->pages_written += (size_t)d->page_wrote;
}

static int write_pages(site_ctx *c, folio_error *err)
{
	folio_pool_job job;
	page_run s;
	size_t i, n = 0;
	int rc;

	memset(&s, 0, sizeof(s));
	s.c = c;
	s.err = err;
	s.todo = malloc((c->n ? c->n : 1) * sizeof(*s.todo));
	if (s.todo == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	for (i = 0; i < c->n; i++)
		if (!c->docs[i].page_current)
			s.todo[n++] = i;
	pthread_mutex_init(&s.lock, NULL);
	memset(&job, 0, sizeof(job));
	job.run = page_job;
	job.done = page_done;
	job.ctx = &s;
	job.n_jobs = n;
	job.n_workers = c->opts->workers;
	job.stop = c->opts->stop;
	rc = n ? folio_pool_run(&job, err) : 0;
	pthread_mutex_destroy(&s.lock);
	free(s.todo);
	if (rc == FOLIO_EUSAGE && c->opts->stop && *c->opts->stop) {
		folio_error_clear(err);
		c->stats->stopped = 1;
		rc = 0;
	}
	return rc < 0 ? rc : s.rc;
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

static int link_output(site_ctx *c, const char *code, const char *kind,
	folio_error *err)
{
	char from[SITE_PATH_MAX], to[SITE_PATH_MAX];
	struct stat src, dst;
	folio_outfile tmp;
	int rc;

	if ((rc = join(from, sizeof(from), err, "%s/%s/%s.%s",
		c->opts->batch_dir, kind, code, kind)) < 0 ||
	    (rc = join(to, sizeof(to), err, "%s/files/%s.%s", c->dir, code,
		kind)) < 0)
		return rc;
	if (stat(from, &src) != 0 || !S_ISREG(src.st_mode))
		return folio_error_set(err, FOLIO_EIO, "site: expected the "
			"output %s, found none", from);
	if (lstat(to, &dst) == 0 && S_ISREG(dst.st_mode) &&
	    ((dst.st_dev == src.st_dev && dst.st_ino == src.st_ino) ||
	     (dst.st_size == src.st_size &&
	      dst.st_mtim.tv_sec == src.st_mtim.tv_sec &&
	      dst.st_mtim.tv_nsec == src.st_mtim.tv_nsec)))
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
		return 0;
	}
	folio_outfile_abort(&tmp);
	return copy_file(from, to, &src, err);
}

static int link_outputs(site_ctx *c, folio_error *err)
{
	size_t i;
	int rc;

	for (i = 0; i < c->n; i++)
		if ((rc = link_output(c, c->docs[i].rec->code, "epub",
			err)) < 0 ||
		    (rc = link_output(c, c->docs[i].rec->code, "pdf", err)) < 0)
			return rc;
	return 0;
}

/* ---- orphans ---- */

static int by_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Remove from docs/, files/ and opds/ every file this run did not
 * make: pages and files of documents gone from the batch, feed pages of
 * a year or 文种 no document has any more. */
static void remove_orphans(site_ctx *c)
{
	static const char *const kind[] = {"docs/", ".html", "files/", ".epub",
		"files/", ".pdf"};
	char **keep, path[SITE_PATH_MAX], name[SITE_PATH_MAX];
	size_t n = 0, i, k;
	struct dirent *de;
	DIR *dp;

	keep = calloc(3 * c->n + c->n_files + 1, sizeof(*keep));
	if (keep == NULL)
		return;   /* orphans only cost disk until the next run */
	for (i = 0; i < c->n_files; i++)
		if ((keep[n] = strdup(c->files[i])) == NULL)
			goto done;
		else
			n++;
	for (i = 0; i < c->n; i++)
		for (k = 0; k < 3; k++) {
			snprintf(name, sizeof(name), "%s%s%s", kind[2 * k],
				c->docs[i].rec->code, kind[2 * k + 1]);
			if ((keep[n] = strdup(name)) == NULL)
				goto done;
			n++;
		}
	qsort(keep, n, sizeof(*keep), by_str);
	for (k = 0; k < sizeof(site_dirs) / sizeof(site_dirs[0]); k++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", c->dir,
			site_dirs[k]) >= sizeof(path) ||
		    (dp = opendir(path)) == NULL)
			continue;
		while ((de = readdir(dp)) != NULL) {
			const char *key = name;
			if (de->d_name[0] == '.' ||
			    (size_t)snprintf(name, sizeof(name), "%s/%s",
				site_dirs[k], de->d_name) >= sizeof(name) ||
			    bsearch(&key, keep, n, sizeof(*keep), by_str))
				continue;
			if ((size_t)snprintf(path, sizeof(path), "%s/%s",
				c->dir, name) < sizeof(path))
				(void)unlink(path);
		}
		closedir(dp);
	}
done:
	for (i = 0; i < n; i++)
		free(keep[i]);
	free(keep);
}

/* ---- the run ---- */

/* A document's page is current when nothing it is made of changed since
 * the cache was written and the page is on disk as written then; its
 * text fields are then taken from the cache (moved: the entry is not
 * used again) and its source is not read. */
static void reuse_cached(site_ctx *c, site_doc *d, site_cache_doc *e,
	int env_same)
{
	const folio_site_record *r = d->rec;
	char path[SITE_PATH_MAX];
	int64_t mtime;
	uint64_t size;

	if (e == NULL || !env_same || r->sha256 == NULL ||
	    strcmp(e->sha256, r->sha256) != 0 || strcmp(e->code, r->code) ||
	    e->pages != r->pages || e->pdf_bytes != r->pdf_bytes ||
	    e->epub_bytes != r->epub_bytes ||
	    (size_t)snprintf(path, sizeof(path), "%s/docs/%s.html", c->dir,
		r->code) >= sizeof(path) ||
	    site_stat(&mtime, &size, path) < 0 || size != e->page_size ||
	    mtime != e->page_mtime_ns)
		return;
	memcpy(d->uuid, e->meta.uuid, sizeof(d->uuid));
	d->title = e->meta.title;
	d->subtitle = e->meta.subtitle;
	d->doc_number = e->meta.doc_number;
	d->issuer = e->meta.issuer;
	d->date = e->meta.date;
	d->category = e->meta.category;
	d->summary = e->meta.summary;
	memset(&e->meta, 0, sizeof(e->meta));
	d->page_size = size;
	d->page_mtime_ns = mtime;
	d->page_current = 1;
}

/* Whether the aggregates of the last run are all on disk as written. */
static int aggregates_current(const site_ctx *c, const site_cache *cache,
	const char *state)
{
	char path[SITE_PATH_MAX];
	int64_t mtime;
	uint64_t size;
	size_t i;

	if (state[0] == '\0' || strcmp(state, cache->state) != 0 ||
	    cache->n_files == 0)
		return 0;
	for (i = 0; i < cache->n_files; i++)
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", c->dir,
			cache->files[i].path) >= sizeof(path) ||
		    site_stat(&mtime, &size, path) < 0 ||
		    size != cache->files[i].size ||
		    mtime != cache->files[i].mtime_ns)
			return 0;
	return 1;
}

static int write_asset(site_ctx *c, const char *rel, const char *data,
	size_t len, folio_error *err)
{
	site_w w;
	int rc;

	if ((rc = site_file_open(&w, c, rel, err)) < 0)
		return rc;
	w_bytes(&w, data, len);
	return site_file_commit(&w, c, rel);
}

static int write_aggregates(site_ctx *c, const assets *a, folio_error *err)
{
	int rc;

	if ((rc = site_write_feeds(c, err)) < 0 ||
	    (rc = write_asset(c, "site.css", a->css, a->css_len, err)) < 0 ||
	    (rc = write_asset(c, "site.js", a->js, a->js_len, err)) < 0 ||
	    (rc = site_write_index(c, err)) < 0)
		return rc;
	remove_orphans(c);
	return 0;
}

/* The files of the last run stay the files of this one. */
static int keep_cached_files(site_ctx *c, const site_cache *cache,
	folio_error *err)
{
	size_t i;

	c->files = calloc(cache->n_files ? cache->n_files : 1,
		sizeof(*c->files));
	if (c->files == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	c->cap_files = cache->n_files;
	for (i = 0; i < cache->n_files; i++) {
		if ((c->files[i] = strdup(cache->files[i].path)) == NULL)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		c->n_files++;
	}
	return 0;
}

int folio_site_build(folio_site_stats *out, const folio_site_record *recs,
	size_t n, const folio_site_options *opts, folio_error *err)
{
	char cache_path[SITE_PATH_MAX], env[65], state[65];
	long long t0 = folio_now_ns();
	site_cache cache;
	assets a;
	site_ctx c;
	size_t i;
	int rc, env_same;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	memset(&cache, 0, sizeof(cache));
	memset(&a, 0, sizeof(a));
	c.opts = opts;
	c.stats = out;
	state[0] = '\0';
	if (opts->base_url != NULL && opts->base_url[0] != '\0' &&
	    (rc = folio_site_base_url(c.base, sizeof(c.base), opts->base_url,
		err)) < 0)
		goto done;
	out->qr = c.base[0] != '\0';
	if ((rc = join(cache_path, sizeof(cache_path), err,
		"%s/.site-cache", opts->batch_dir)) < 0 ||
	    (rc = prepare_dirs(&c, err)) < 0 ||
	    (rc = read_asset(&a.css, &a.css_len, "styles/site.css",
		err)) < 0 ||
	    (rc = read_asset(&a.js, &a.js_len, "styles/site.js", err)) < 0 ||
	    (rc = env_digest(env, &c, &a, err)) < 0 ||
	    (rc = site_cache_read(&cache, cache_path, err)) < 0)
		goto done;
	c.docs = calloc(n ? n : 1, sizeof(*c.docs));
	if (c.docs == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	c.n = n;
	out->documents = n;
	env_same = strcmp(cache.env, env) == 0 &&
		strcmp(cache.version, FOLIO_VERSION) == 0;
	for (i = 0; i < n; i++) {
		c.docs[i].rec = &recs[i];
		reuse_cached(&c, &c.docs[i],
			site_cache_find(&cache, recs[i].source_rel), env_same);
	}
	if ((rc = write_pages(&c, err)) < 0 || out->stopped)
		goto save;
	if ((rc = link_outputs(&c, err)) < 0 ||
	    (rc = state_digest(state, &c, env, err)) < 0)
		goto save;
	if (aggregates_current(&c, &cache, state))
		rc = keep_cached_files(&c, &cache, err);
	else
		rc = write_aggregates(&c, &a, err);
	if (rc < 0)
		state[0] = '\0';   /* the next run writes them again */
save:
	/* Pages written so far are kept either way: a failed or stopped
	 * run resumes from them. */
	{
		folio_error ignored = {0};
		if (site_cache_write(cache_path, &c, env, rc == 0 &&
			!out->stopped ? state : "", &ignored) < 0 && rc == 0)
			rc = folio_error_set(err, ignored.code, "%s",
				ignored.msg);
	}
done:
	for (i = 0; i < c.n; i++)
		site_doc_clear(&c.docs[i]);
	free(c.docs);
	free_files(&c);
	site_cache_free(&cache);
	free(a.css);
	free(a.js);
	out->ms = (double)(folio_now_ns() - t0) / 1e6;
	return rc;
}
