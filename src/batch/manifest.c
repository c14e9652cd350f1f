#include "batch/manifest.h"

#include <fnmatch.h>
#include <glob.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch/pool.h"
#include "site/site.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/paths.h"
#include "util/xml.h"
#include "util/xml_tree.h"

#define BATCH_NS "urn:folio:batch:1"
#define MAX_EXCLUDES 1024
/* Sources whose files are looked at together, by the workers: a stat
 * is most of what reading a manifest of 100,000 sources costs. */
#define CHECK_BATCH 4096
#define CHECK_SLICE 256

typedef struct reader {
	folio_batch_manifest *m;
	folio_error *err;
	size_t cap;
	/* Open-addressing set of indices into m->sources, by rel: a glob
	 * over 70,000 files must not compare every pair. */
	size_t *seen;
	size_t seen_cap;
	char *real_dir;         /* the manifest's folder, symlinks resolved */
	int workers;            /* threads for the files' stats */
	/* Sources [checked, n_sources) are listed but their files not yet
	 * looked at: each one's element, and its stat key when the file is
	 * a plain one named straight in the folder (0: look again). */
	size_t checked;
	const folio_xml_node *nodes[CHECK_BATCH];
	uint64_t plain[CHECK_BATCH];
} reader;

static uint64_t hash_of(const char *s)
{
	uint64_t h = 1469598103934665603u;  /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/* Slot for rel: the index + 1 of an equal source, or 0 where it goes. */
static size_t *seen_slot(reader *r, const char *rel)
{
	size_t mask = r->seen_cap - 1, i = (size_t)hash_of(rel) & mask;

	while (r->seen[i] != 0 &&
	    strcmp(r->m->sources[r->seen[i] - 1].rel, rel) != 0)
		i = (i + 1) & mask;
	return &r->seen[i];
}

/* Keep the set at most half full. */
static int seen_grow(reader *r)
{
	size_t *old = r->seen, old_cap = r->seen_cap, i;

	if (r->seen != NULL && 2 * (r->m->n_sources + 1) <= r->seen_cap)
		return 0;
	r->seen_cap = old_cap ? 2 * old_cap : 256;
	r->seen = calloc(r->seen_cap, sizeof(*r->seen));
	if (r->seen == NULL) {
		r->seen = old;
		r->seen_cap = old_cap;
		return -1;
	}
	for (i = 0; i < old_cap; i++)
		if (old[i] != 0)
			*seen_slot(r, r->m->sources[old[i] - 1].rel) = old[i];
	free(old);
	return 0;
}

static int at(reader *r, const folio_xml_node *n, int code,
	const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int at(reader *r, const folio_xml_node *n, int code,
	const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = folio_xml_verror(r->err, code, r->m->path, n, 0, fmt, ap);
	va_end(ap);
	return rc;
}

static const folio_xml_node *child(const folio_xml_node *n,
	const char *name)
{
	return folio_xml_child(n, BATCH_NS, name);
}

static char *join(const char *dir, const char *rel)
{
	size_t n;
	char *s;

	if (rel[0] == '/' || strcmp(dir, ".") == 0)
		return strdup(rel);
	n = strlen(dir) + strlen(rel) + 2;
	s = malloc(n);
	if (s != NULL)
		snprintf(s, n, "%s/%s", dir, rel);
	return s;
}

/* Required element text into *out; the schema already checked presence,
 * this only guards against a missing schema file. */
static int take(reader *r, char **out, const folio_xml_node *parent,
	const char *name)
{
	const folio_xml_node *n = child(parent, name);

	if (n == NULL)
		return at(r, parent, FOLIO_EINPUT,
			"expected <%s>, found none", name);
	*out = folio_xml_text_trimmed(n);
	if (*out == NULL)
		return folio_error_set(r->err, FOLIO_ENOMEM, "out of memory");
	if ((*out)[0] == '\0')
		return at(r, n, FOLIO_EINPUT, "expected text in <%s>, found "
			"nothing", name);
	return 0;
}

static int take_path(reader *r, char **out, const folio_xml_node *parent,
	const char *name)
{
	char *rel = NULL;
	int rc;

	if ((rc = take(r, &rel, parent, name)) < 0)
		return rc;
	*out = join(r->m->dir, rel);
	free(rel);
	if (*out == NULL)
		return folio_error_set(r->err, FOLIO_ENOMEM, "out of memory");
	return 0;
}

/* A style file: left out, the installed one; given, next to the
 * manifest, else in the data folder, else in its styles/ folder (so
 * "gbt9704.xml" names the installed style). The first that exists. */
static int take_style(reader *r, char **out, const folio_xml_node *style,
	const char *name, const char *installed)
{
	const folio_xml_node *n = style ? child(style, name) : NULL;
	char path[4096], rel[1100];
	char *given = NULL;
	int rc;

	if (n == NULL) {
		snprintf(rel, sizeof(rel), "styles/%s", installed);
		if ((rc = folio_data_path(path, sizeof(path), rel, r->err)) < 0)
			return rc;
		*out = strdup(path);
		goto done;
	}
	if ((rc = take(r, &given, style, name)) < 0)
		return rc;
	*out = join(r->m->dir, given);
	if (*out == NULL || given[0] == '/' || access(*out, F_OK) == 0)
		goto done;
	if (strlen(given) < 1000 &&
	    (folio_data_path(path, sizeof(path), given, NULL) == 0 ||
	     (snprintf(rel, sizeof(rel), "styles/%s", given),
	      folio_data_path(path, sizeof(path), rel, NULL) == 0))) {
		free(*out);
		*out = strdup(path);
		goto done;
	}
	rc = at(r, n, FOLIO_EINPUT, "<%s>: expected a file, found none "
		"at %s (next to the manifest), nor as %s or styles/%s in the "
		"data folder", name, *out, given, given);
	free(given);
	return rc;
done:
	free(given);
	if (*out == NULL)
		return folio_error_set(r->err, FOLIO_ENOMEM, "out of memory");
	return 0;
}

/* A source path must stay inside the manifest's folder. */
static int path_inside(const char *rel)
{
	const char *p = rel;

	if (rel[0] == '\0' || rel[0] == '/' || strchr(rel, '\\') != NULL)
		return 0;
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 0 || p[0] == '.')
			return 0;
		p += n;
		if (*p == '/')
			p++;
	}
	return 1;
}

static int is_pattern(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* The path rules keep the names inside the folder; a symbolic link
 * (the file or a folder on its way) could still lead anywhere, and the
 * archive would carry that file under the source's name. */
static int inside_folder(reader *r, const folio_xml_node *n,
	const folio_batch_source *s)
{
	char *real;
	size_t len;
	int inside;

	if (r->real_dir == NULL &&
	    (r->real_dir = realpath(r->m->dir, NULL)) == NULL)
		return at(r, n, FOLIO_EIO, "cannot resolve the manifest's "
			"folder %s", r->m->dir);
	if ((real = realpath(s->path, NULL)) == NULL)
		return at(r, n, FOLIO_EIO, "cannot resolve %s", s->rel);
	len = strlen(r->real_dir);
	inside = strncmp(real, r->real_dir, len) == 0 &&
		(real[len] == '/' || (len == 1 && r->real_dir[0] == '/'));
	if (!inside) {
		int rc = at(r, n, FOLIO_EINPUT, "expected a source inside the "
			"manifest's folder, found %s, a symbolic link to %s",
			s->rel, real);
		free(real);
		return rc;
	}
	free(real);
	return 0;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	/* splitmix64's finaliser over the running value and the next. */
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

uint64_t folio_batch_stamp_key(uint64_t ino, uint64_t size, int64_t mtime_ns,
	int64_t ctime_ns)
{
	uint64_t h = mix(mix(mix(mix(0, ino), size), (uint64_t)mtime_ns),
		(uint64_t)ctime_ns);

	return h ? h : 1;
}

static uint64_t stat_key(const struct stat *st)
{
	return folio_batch_stamp_key((uint64_t)st->st_ino,
		(uint64_t)st->st_size,
		(int64_t)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec,
		(int64_t)st->st_ctim.tv_sec * 1000000000LL +
		st->st_ctim.tv_nsec);
}

/* A worker's share of the batch: the plain files' stats. A regular
 * file named straight in the folder, not a link, cannot lead out of it:
 * one lstat, no resolving of its path (realpath costs a readlink per
 * component and a getcwd, per source). */
static int plain_job(void *ctx, size_t j, int worker)
{
	reader *r = ctx;
	size_t k = j * CHECK_SLICE, end = k + CHECK_SLICE,
		n = r->m->n_sources - r->checked;
	struct stat st;

	(void)worker;
	for (; k < n && k < end; k++) {
		const folio_batch_source *s = &r->m->sources[r->checked + k];
		r->plain[k] = strchr(s->rel, '/') == NULL &&
			lstat(s->path, &st) == 0 && S_ISREG(st.st_mode) ?
			stat_key(&st) : 0;
	}
	return 0;
}

/* Look at the files of the sources listed since the last check, the
 * plain ones on the workers, the rest in order here; the first source
 * in manifest order that is missing, not a file or leads out of the
 * folder is the error. Every error of the list's reading checks first,
 * so that the message is the one of the earliest fault. */
static int check_files(reader *r)
{
	folio_batch_manifest *m = r->m;
	size_t n = m->n_sources - r->checked, k;
	folio_error perr = {0};
	folio_pool_job job;
	struct stat st;
	int rc = 0;

	if (n == 0)
		return 0;
	memset(&job, 0, sizeof(job));
	job.run = plain_job;
	job.ctx = r;
	job.n_jobs = (n + CHECK_SLICE - 1) / CHECK_SLICE;
	job.n_workers = r->workers;
	if (folio_pool_run(&job, &perr) < 0)   /* no thread: one at a time */
		for (k = 0; k < job.n_jobs; k++)
			(void)plain_job(r, k, 0);
	for (k = 0; k < n && rc == 0; k++) {
		folio_batch_source *s = &m->sources[r->checked + k];
		const folio_xml_node *node = r->nodes[k];
		if ((s->stamp = r->plain[k]) != 0)
			continue;
		if (stat(s->path, &st) != 0)
			rc = at(r, node, FOLIO_EINPUT, "expected an existing "
				"file, found no %s", s->rel);
		else if (!S_ISREG(st.st_mode))
			rc = at(r, node, FOLIO_EINPUT, "expected a regular "
				"file, found %s, which is not one", s->rel);
		else if ((rc = inside_folder(r, node, s)) == 0)
			s->stamp = stat_key(&st);
	}
	r->checked = m->n_sources;
	return rc;
}

static int push_source(reader *r, const folio_xml_node *n, const char *rel)
{
	folio_batch_manifest *m = r->m;
	folio_batch_source *s;
	size_t *slot;

	if (seen_grow(r) < 0)
		return folio_error_set(r->err, FOLIO_ENOMEM, "out of memory");
	slot = seen_slot(r, rel);
	if (*slot != 0)
		return 0;  /* first match wins */
	if (m->n_sources >= FOLIO_BATCH_MAX_SOURCES) {
		int rc = check_files(r);
		return rc < 0 ? rc : at(r, n, FOLIO_ELIMIT, "expected at "
			"most %u sources, found more", FOLIO_BATCH_MAX_SOURCES);
	}
	if (m->n_sources == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;
		s = realloc(m->sources, cap * sizeof(*s));
		if (s == NULL)
			return folio_error_set(r->err, FOLIO_ENOMEM,
				"out of memory");
		m->sources = s;
		r->cap = cap;
	}
	s = &m->sources[m->n_sources];
	{
		size_t dl = strcmp(m->dir, ".") == 0 ? 0 : strlen(m->dir) + 1;
		size_t rl = strlen(rel);
		char *p = m->names ? folio_arena_alloc(m->names, dl + rl + 1) :
			NULL;
		if (p == NULL)
			return folio_error_set(r->err, FOLIO_ENOMEM,
				"out of memory");
		/* The one rule for a source's path (it fits: sized so). */
		(void)folio_batch_source_join(p, dl + rl + 1, m, rel);
		s->path = p;
		s->rel = p + dl;
	}
	r->nodes[m->n_sources - r->checked] = n;
	m->n_sources++;
	*slot = m->n_sources;
	return m->n_sources - r->checked == CHECK_BATCH ? check_files(r) : 0;
}

/* glob(3) runs relative to the manifest folder: prefix the folder, then
 * strip it again from each match. */
static int expand(reader *r, const folio_xml_node *n, const char *pattern)
{
	folio_batch_manifest *m = r->m;
	char *full = join(m->dir, pattern);
	size_t skip = strcmp(m->dir, ".") == 0 ? 0 : strlen(m->dir) + 1;
	glob_t g;
	size_t i;
	int rc = 0, grc;

	if (full == NULL)
		return folio_error_set(r->err, FOLIO_ENOMEM, "out of memory");
	memset(&g, 0, sizeof(g));
	/* glob sorts its matches (no GLOB_NOSORT), in the C locale order
	 * that we fix with LC_COLLATE unset: bytewise. */
	grc = glob(full, GLOB_ERR, NULL, &g);
	if (grc != 0 && (rc = check_files(r)) < 0)
		goto done;
	if (grc == GLOB_NOMATCH) {
		rc = at(r, n, FOLIO_EINPUT, "expected files matching %s, "
			"found none", pattern);
		goto done;
	}
	if (grc != 0) {
		rc = at(r, n, FOLIO_EIO, "cannot expand %s%s", pattern,
			grc == GLOB_NOSPACE ? ": out of memory" : "");
		goto done;
	}
	for (i = 0; i < g.gl_pathc && rc == 0; i++)
		rc = push_source(r, n, g.gl_pathv[i] + skip);
done:
	globfree(&g);
	free(full);
	return rc;
}

static int read_sources(reader *r, const folio_xml_node *sources)
{
	const char *excludes[MAX_EXCLUDES];
	char *texts[MAX_EXCLUDES];
	size_t n_ex = 0, i, j, kept;
	const folio_xml_node *c;
	int rc = 0;

	for (c = folio_xml_child(sources, BATCH_NS, NULL); c && rc == 0;
		c = folio_xml_next(c, BATCH_NS, NULL)) {
		char *t;
		if (!folio_xml_is(c, BATCH_NS, "source") &&
		    !folio_xml_is(c, BATCH_NS, "exclude"))
			continue;
		t = folio_xml_text_trimmed(c);
		if (t == NULL)
			return folio_error_set(r->err, FOLIO_ENOMEM,
				"out of memory");
		if (!path_inside(t)) {
			if ((rc = check_files(r)) == 0)
				rc = at(r, c, FOLIO_EINPUT, "expected a path "
					"inside the manifest's folder, found "
					"%s", t);
		} else if (folio_xml_is(c, BATCH_NS, "exclude")) {
			if (n_ex == MAX_EXCLUDES) {
				if ((rc = check_files(r)) == 0)
					rc = at(r, c, FOLIO_ELIMIT, "expected "
						"at most %d excludes, found "
						"more", MAX_EXCLUDES);
			} else {
				texts[n_ex] = t;
				excludes[n_ex++] = t;
				t = NULL;
			}
		} else if (is_pattern(t)) {
			rc = expand(r, c, t);
		} else {
			rc = push_source(r, c, t);
		}
		free(t);
	}
	if (rc == 0)
		rc = check_files(r);
	/* Excludes apply to the whole list, wherever they appear. */
	for (i = kept = 0; rc == 0 && i < r->m->n_sources; i++) {
		folio_batch_source s = r->m->sources[i];
		for (j = 0; j < n_ex; j++)
			if (fnmatch(excludes[j], s.rel,
				FNM_PATHNAME | FNM_PERIOD) == 0)
				break;
		if (j == n_ex)
			r->m->sources[kept++] = s;
	}
	if (rc == 0)
		r->m->n_sources = kept;
	/* The list lives as long as the run: not a slot more than it
	 * holds. */
	if (rc == 0 && kept > 0 && kept < r->cap) {
		folio_batch_source *fit = realloc(r->m->sources,
			kept * sizeof(*fit));
		if (fit != NULL) {
			r->m->sources = fit;
			r->cap = kept;
		}
	}
	if (rc == 0 && kept == 0)
		rc = at(r, sources, FOLIO_EINPUT, "expected at least one "
			"source file, found none after excludes");
	for (i = 0; i < n_ex; i++)
		free(texts[i]);
	return rc;
}

/* <publish><base-url>: the schema checked its shape; folio_site_base_url
 * also refuses what a pattern cannot say ("." segments, bad %XX). */
static int read_publish(reader *r, const folio_xml_node *publish)
{
	const folio_xml_node *n = child(publish, "base-url");
	char url[FOLIO_SITE_URL_MAX + 2];
	folio_error e = {0};

	if (n == NULL)
		return 0;
	if ((r->m->base_url = folio_xml_text_trimmed(n)) == NULL)
		return folio_error_set(r->err, FOLIO_ENOMEM, "out of memory");
	if (folio_site_base_url(url, sizeof(url), r->m->base_url, &e) < 0)
		return at(r, n, FOLIO_EINPUT, "<base-url>: %s", e.msg);
	return 0;
}

int folio_batch_manifest_read(folio_batch_manifest **out, const char *path,
	folio_error *err)
{
	return folio_batch_manifest_read_on(out, path, 0, err);
}

int folio_batch_manifest_read_on(folio_batch_manifest **out,
	const char *path, int workers, folio_error *err)
{
	folio_batch_manifest *m;
	void *doc = NULL;
	const folio_xml_node *root, *n;
	const char *slash;
	reader r;
	int rc;

	*out = NULL;
	memset(&r, 0, sizeof(r));
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	m->path = strdup(path);
	m->names = folio_arena_new(0);
	slash = strrchr(path, '/');
	m->dir = slash == NULL ? strdup(".") : slash == path ? strdup("/") :
		strndup(path, (size_t)(slash - path));
	if (m->path == NULL || m->dir == NULL || m->names == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	r.m = m;
	r.err = err;
	r.workers = workers;
	if ((rc = folio_xml_parse_file(&doc, path, NULL, err)) < 0)
		goto done;
	if ((rc = folio_xml_validate(doc, "batch", path, err)) < 0)
		goto done;
	root = folio_xml_root(doc);
	if (!folio_xml_is(root, BATCH_NS, "batch")) {
		rc = folio_error_set(err, FOLIO_EINPUT, "%s:1:1: expected "
			"<batch> in %s, found another root", path, BATCH_NS);
		goto done;
	}
	n = child(root, "fonds");
	if ((rc = take(&r, &m->fonds_code, n ? n : root, "code")) < 0 ||
	    (rc = take(&r, &m->fonds_name, n ? n : root, "name")) < 0 ||
	    (rc = take(&r, &m->year, root, "year")) < 0 ||
	    (rc = take(&r, &m->batch_id, root, "batch-id")) < 0)
		goto done;
	m->description = folio_xml_text_trimmed(child(root, "description"));
	n = child(root, "defaults");
	if ((rc = take(&r, &m->retention, n ? n : root, "retention")) < 0 ||
	    (rc = take(&r, &m->security, n ? n : root, "security")) < 0)
		goto done;
	n = child(root, "style");
	if ((rc = take_style(&r, &m->style_pdf, n, "pdf", "gbt9704.xml")) <
		0 ||
	    (rc = take_style(&r, &m->style_css, n, "epub-css", "epub.css")) <
		0)
		goto done;
	n = child(root, "signer");
	if ((rc = take_path(&r, &m->signer_key, n ? n : root, "key")) < 0 ||
	    (rc = take_path(&r, &m->signer_cert, n ? n : root,
		"certificate")) < 0)
		goto done;
	if ((rc = read_sources(&r, child(root, "sources"))) < 0 ||
	    (rc = read_publish(&r, child(root, "publish"))) < 0)
		goto done;
	*out = m;
	m = NULL;
done:
	free(r.seen);
	free(r.real_dir);
	folio_xml_free(doc);
	folio_batch_manifest_free(m);
	return rc;
}

int folio_batch_source_join(char *out, size_t outsz,
	const folio_batch_manifest *m, const char *rel)
{
	int k = strcmp(m->dir, ".") == 0 ? snprintf(out, outsz, "%s", rel) :
		snprintf(out, outsz, "%s/%s", m->dir, rel);

	return k >= 0 && (size_t)k < outsz ? 0 : FOLIO_ELIMIT;
}

void folio_batch_manifest_drop_sources(folio_batch_manifest *m)
{
	folio_arena_free(m->names);
	m->names = NULL;
	free(m->sources);
	m->sources = NULL;
}

void folio_batch_manifest_free(folio_batch_manifest *m)
{
	if (m == NULL)
		return;
	folio_arena_free(m->names);
	free(m->sources);
	free(m->path);
	free(m->dir);
	free(m->fonds_code);
	free(m->fonds_name);
	free(m->year);
	free(m->batch_id);
	free(m->description);
	free(m->retention);
	free(m->security);
	free(m->style_pdf);
	free(m->style_css);
	free(m->signer_key);
	free(m->signer_cert);
	free(m->base_url);
	free(m);
}
