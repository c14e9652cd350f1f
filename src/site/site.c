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
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/digest.h"
#include "util/extsort.h"
#include "util/paths.h"

static const char *const site_dirs[] = {"docs", "files", "opds"};

int site_join(char *out, size_t n, folio_error *err, const char *fmt,
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

	if ((rc = site_join(path, sizeof(path), err, "%s/%s", c->dir, rel)) < 0)
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

	if ((rc = site_join(c->dir, sizeof(c->dir), err, "%s/site",
		c->opts->batch_dir)) < 0 ||
	    (rc = folio_mkdirs(c->dir, err)) < 0)
		return rc;
	sweep_temps(c->dir);
	for (k = 0; k < sizeof(site_dirs) / sizeof(site_dirs[0]); k++) {
		int *fd = strcmp(site_dirs[k], "docs") == 0 ? &c->docs_fd :
			strcmp(site_dirs[k], "files") == 0 ? &c->files_fd :
			NULL;
		if ((rc = site_join(sub, sizeof(sub), err, "%s/%s", c->dir,
			site_dirs[k])) < 0 || (rc = folio_mkdirs(sub, err)) < 0)
			return rc;
		sweep_temps(sub);
		if (fd != NULL && (*fd = open(sub, O_PATH | O_DIRECTORY |
			O_CLOEXEC)) < 0)
			return folio_error_set(err, FOLIO_EIO, "%s: cannot "
				"open: %s", sub, strerror(errno));
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

/* ---- orphans ---- */

static int by_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The 档号 in a document's page or file name (below site/): docs/<档号>
 * .html, files/<档号>.epub or .pdf; its length, or 0 for any other
 * name. */
static size_t doc_file_code(const char *name, const char **code)
{
	static const char *const kind[] = {"docs/", ".html", "files/", ".epub",
		"files/", ".pdf"};
	size_t k, len = strlen(name);

	for (k = 0; k < 3; k++) {
		size_t pre = strlen(kind[2 * k]), suf = strlen(kind[2 * k + 1]);
		if (len <= pre + suf || strncmp(name, kind[2 * k], pre) != 0 ||
		    strcmp(name + len - suf, kind[2 * k + 1]) != 0)
			continue;
		*code = name + pre;
		return len - pre - suf;
	}
	return 0;
}

/* Bytewise, then the shorter first: the order of util/extsort.h. */
static int code_cmp(const void *a, size_t alen, const void *b, size_t blen)
{
	int k = memcmp(a, b, alen < blen ? alen : blen);

	return k ? k : (alen > blen) - (alen < blen);
}

static void unlink_below(const site_ctx *c, const char *name)
{
	char path[SITE_PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", c->dir, name) <
	    sizeof(path))
		(void)unlink(path);
}

/* The names of docs/, files/ and opds/ that are not aggregates this run
 * wrote (keep, sorted): those of no document's kind go now; the others
 * into names, by 档号 (档号, a 0, the name). */
static int list_names(const site_ctx *c, char **keep, folio_extsort *names,
	folio_error *err)
{
	char path[SITE_PATH_MAX], name[SITE_PATH_MAX + 1];
	struct dirent *de;
	const char *code;
	size_t k, len;
	DIR *dp;
	int rc = 0;

	for (k = 0; rc == 0 && k < sizeof(site_dirs) / sizeof(site_dirs[0]);
		k++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", c->dir,
			site_dirs[k]) >= sizeof(path) ||
		    (dp = opendir(path)) == NULL)
			continue;
		while (rc == 0 && (de = readdir(dp)) != NULL) {
			const char *key = name;
			char rec[2 * SITE_PATH_MAX];
			if (de->d_name[0] == '.' ||
			    (size_t)snprintf(name, sizeof(name), "%s/%s",
				site_dirs[k], de->d_name) >= sizeof(name) ||
			    bsearch(&key, keep, c->n_files, sizeof(*keep),
				by_str))
				continue;
			if ((len = doc_file_code(name, &code)) == 0 ||
			    len >= SITE_CODE_MAX) {
				unlink_below(c, name);
				continue;
			}
			memcpy(rec, code, len);
			rec[len] = '\0';
			memcpy(rec + len + 1, name, strlen(name));
			rc = folio_extsort_add(names, rec, len + 1 +
				strlen(name), err);
		}
		closedir(dp);
	}
	return rc;
}

/* Remove from docs/, files/ and opds/ every file this run did not
 * make: pages and files of documents gone from the batch, feed pages of
 * a year or 文种 no document has any more. The documents' 档号s and the
 * folders' names are both sorted (on disk past a budget) and walked
 * side by side: memory does not grow with the batch. */
static void remove_orphans(site_ctx *c)
{
	char **keep, code[SITE_CODE_MAX];
	folio_extsort *codes = NULL, *names = NULL;
	folio_error err = {0};
	const void *have = NULL, *rec;
	size_t i, have_len = 0, len;
	int more = 1, rc;

	keep = malloc((c->n_files ? c->n_files : 1) * sizeof(*keep));
	if (keep == NULL ||
	    folio_extsort_new(&codes, c->cache_path, 0, &err) < 0 ||
	    folio_extsort_new(&names, c->cache_path, 0, &err) < 0)
		goto done;   /* orphans only cost disk until the next run */
	memcpy(keep, c->files, c->n_files * sizeof(*keep));
	qsort(keep, c->n_files, sizeof(*keep), by_str);
	for (i = 0; i < c->n; i++)
		if (site_code(c, i, code, &err) < 0 ||
		    folio_extsort_add(codes, code, strlen(code), &err) < 0)
			goto done;
	if (list_names(c, keep, names, &err) < 0 ||
	    folio_extsort_finish(codes, &err) < 0 ||
	    folio_extsort_finish(names, &err) < 0)
		goto done;
	while ((rc = folio_extsort_next(names, &rec, &len, &err)) == 1) {
		const char *r = rec;
		size_t clen = strlen(r);      /* the 档号 ends at its 0 */
		char name[SITE_PATH_MAX + 1];
		while (more && (have == NULL ||
		    code_cmp(have, have_len, r, clen) < 0))
			more = folio_extsort_next(codes, &have, &have_len,
				&err) == 1;
		if (more && code_cmp(have, have_len, r, clen) == 0)
			continue;
		memcpy(name, r + clen + 1, len - clen - 1);
		name[len - clen - 1] = '\0';
		unlink_below(c, name);
	}
done:
	folio_extsort_free(codes);
	folio_extsort_free(names);
	free(keep);
}

/* ---- the run ---- */

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

int folio_site_build(folio_site_stats *out, const folio_site_source *src,
	const folio_site_options *opts, folio_error *err)
{
	char env[65], state[65];
	long long t0 = folio_now_ns();
	site_cache cache;
	assets a;
	site_ctx c;
	size_t n = src->n;
	int rc, env_same;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	memset(&cache, 0, sizeof(cache));
	memset(&a, 0, sizeof(a));
	c.opts = opts;
	c.stats = out;
	c.spool.fd = -1;
	c.cache_fd = -1;
	c.docs_fd = -1;
	c.files_fd = -1;
	state[0] = '\0';
	if (opts->base_url != NULL && opts->base_url[0] != '\0' &&
	    (rc = folio_site_base_url(c.base, sizeof(c.base), opts->base_url,
		err)) < 0)
		goto done;
	out->qr = c.base[0] != '\0';
	if (n > UINT32_MAX - 1) {
		rc = folio_error_set(err, FOLIO_ELIMIT, "site: %zu documents, "
			"over the limit of %lu", n, (unsigned long)UINT32_MAX - 1);
		goto done;
	}
	if ((rc = site_join(c.cache_path, sizeof(c.cache_path), err,
		"%s/.site-cache", opts->batch_dir)) < 0 ||
	    (rc = prepare_dirs(&c, err)) < 0 ||
	    (rc = read_asset(&a.css, &a.css_len, "styles/site.css",
		err)) < 0 ||
	    (rc = read_asset(&a.js, &a.js_len, "styles/site.js", err)) < 0 ||
	    (rc = env_digest(env, &c, &a, err)) < 0 ||
	    (rc = site_cache_read(&cache, c.cache_path, 0, err)) < 0)
		goto done;
	c.cache_fd = cache.fp != NULL ? fileno(cache.fp) : -1;
	/* Keys are read in batch order but for the feeds: small pages. */
	if ((rc = folio_recarray_new(&c.keys, c.cache_path, sizeof(site_key),
		n, 0, FOLIO_RECARRAY_MIN_PAGE, err)) < 0)
		goto done;
	if ((rc = folio_varlist_new(&c.codes, c.cache_path, 0, err)) < 0)
		goto done;
	c.n = n;
	out->documents = n;
	env_same = strcmp(cache.env, env) == 0 &&
		strcmp(cache.version, FOLIO_VERSION) == 0;
	rc = site_scan(&c, src, &cache, env_same, env, state, err);
	site_cache_drop_index(&cache);
	if (rc < 0) {
		state[0] = '\0';
		goto done;
	}
	if ((rc = site_write_pages(&c, src, err)) < 0 || out->stopped)
		goto save;
	if ((rc = site_link_outputs(&c, err)) < 0)
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
		if (site_cache_write(c.cache_path, &c, env, rc == 0 &&
			!out->stopped ? state : "", &ignored) < 0 && rc == 0)
			rc = folio_error_set(err, ignored.code, "%s",
				ignored.msg);
	}
done:
	if (c.docs_fd >= 0)
		close(c.docs_fd);
	if (c.files_fd >= 0)
		close(c.files_fd);
	folio_recarray_free(c.keys);
	free(c.links);
	folio_varlist_free(c.codes);
	site_types_free(&c.types);
	site_spool_close(&c.spool);
	free_files(&c);
	site_cache_free(&cache);
	free(a.css);
	free(a.js);
	out->ms = (double)(folio_now_ns() - t0) / 1e6;
	return rc;
}
