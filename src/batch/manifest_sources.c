/* manifest_sources.c - a manifest's <sources>: patterns expanded, files
 * looked at, duplicates and excludes taken out, the list kept in bounded
 * memory (see manifest.h). */
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "batch/manifest_impl.h"
#include "batch/pool.h"
#include "util/bytes.h"
#include "util/extsort.h"
#include "util/pathexpand.h"
#include "util/varlist.h"

#define MAX_EXCLUDES 1024
#define CHECK_SLICE 256
/* Matches a manifest may list, those of a file matched again counted:
 * the duplicates go only once the list is whole. */
#define MAX_LISTED (4 * (size_t)FOLIO_BATCH_MAX_SOURCES)

/* A source in the list: its stamp, the ordinal of its element among
 * the children of <sources>, then its path relative to the manifest's
 * folder (not 0-ended). */
#define REC_HEAD 12
#define REC_MAX (REC_HEAD + FOLIO_BATCH_PATH_MAX)

typedef manifest_reader reader;

static const char *pending_path(const reader *r, size_t k)
{
	return r->names.data + r->names_at[k];
}

/* Where a source's path leaves the manifest's folder. */
static size_t dir_len(const folio_batch_manifest *m)
{
	return strcmp(m->dir, ".") == 0 ? 0 : strlen(m->dir) + 1;
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

/* The path rules keep the names inside the folder; a symbolic link
 * (the file or a folder on its way) could still lead anywhere, and the
 * archive would carry that file under the source's name. */
static int inside_folder(reader *r, const folio_xml_node *n,
	const char *path, const char *rel)
{
	char *real;
	size_t len;
	int inside;

	if (r->real_dir == NULL &&
	    (r->real_dir = realpath(r->m->dir, NULL)) == NULL)
		return folio_manifest_at(r, n, FOLIO_EIO, "cannot resolve the "
			"manifest's folder %s", r->m->dir);
	if ((real = realpath(path, NULL)) == NULL)
		return folio_manifest_at(r, n, FOLIO_EIO, "cannot resolve %s",
			rel);
	len = strlen(r->real_dir);
	inside = strncmp(real, r->real_dir, len) == 0 &&
		(real[len] == '/' || (len == 1 && r->real_dir[0] == '/'));
	if (!inside) {
		int rc = folio_manifest_at(r, n, FOLIO_EINPUT, "expected a "
			"source inside the manifest's folder, found %s, a "
			"symbolic link to %s", rel, real);
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
		dl = dir_len(r->m);
	struct stat st;

	(void)worker;
	for (; k < r->n_pending && k < end; k++) {
		const char *path = pending_path(r, k);
		r->plain[k] = strchr(path + dl, '/') == NULL &&
			lstat(path, &st) == 0 && S_ISREG(st.st_mode) ?
			stat_key(&st) : 0;
	}
	return 0;
}

static int add_record(reader *r, uint64_t stamp, uint32_t elem,
	const char *rel)
{
	unsigned char rec[REC_MAX];
	size_t len = strlen(rel);

	memcpy(rec, &stamp, 8);
	memcpy(rec + 8, &elem, 4);
	memcpy(rec + REC_HEAD, rel, len);   /* fits: push_source checked */
	return folio_varlist_add(r->m->sources, rec, REC_HEAD + len, r->err);
}

/* Look at the files of the sources listed since the last check, the
 * plain ones on the workers, the rest in order here, and add them to
 * the list; the first source in manifest order that is missing, not a
 * file or leads out of the folder is the error. Every error of the
 * list's reading checks first, so that the message is the one of the
 * earliest fault. */
static int check_files(reader *r)
{
	size_t n = r->n_pending, k, dl = dir_len(r->m);
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
		const char *path = pending_path(r, k), *rel = path + dl;
		const folio_xml_node *node = r->nodes[k];
		uint64_t stamp = r->plain[k];
		if (stamp == 0 && stat(path, &st) != 0)
			rc = folio_manifest_at(r, node, FOLIO_EINPUT,
				"expected an existing file, found no %s", rel);
		else if (stamp == 0 && !S_ISREG(st.st_mode))
			rc = folio_manifest_at(r, node, FOLIO_EINPUT,
				"expected a regular file, found %s, which is "
				"not one", rel);
		else if (stamp == 0 &&
		    (rc = inside_folder(r, node, path, rel)) == 0)
			stamp = stat_key(&st);
		if (rc == 0)
			rc = add_record(r, stamp, r->elems[k], rel);
	}
	r->n_pending = 0;
	folio_buf_reset(&r->names);
	r->m->n_sources = (size_t)folio_varlist_count(r->m->sources);
	return rc;
}

static int push_source(reader *r, const folio_xml_node *n, uint32_t elem,
	const char *rel, size_t limit)
{
	folio_batch_manifest *m = r->m;
	char path[FOLIO_BATCH_PATH_MAX];
	int rc;

	if (m->n_sources + r->n_pending >= limit)
		return (rc = check_files(r)) < 0 ? rc : folio_manifest_at(r, n,
			FOLIO_ELIMIT, "expected at most %u sources, found more",
			FOLIO_BATCH_MAX_SOURCES);
	/* The one rule for a source's path. */
	if (folio_batch_source_join(path, sizeof(path), m, rel) < 0)
		return (rc = check_files(r)) < 0 ? rc : folio_manifest_at(r, n,
			FOLIO_ELIMIT, "expected a path of at most %zu bytes, "
			"found %s", sizeof(path) - 1, rel);
	r->nodes[r->n_pending] = n;
	r->elems[r->n_pending] = elem;
	r->names_at[r->n_pending] = r->names.len;
	if (folio_buf_append(&r->names, path, strlen(path) + 1) < 0)
		return folio_error_set(r->err, FOLIO_ENOMEM, "out of memory");
	return ++r->n_pending == CHECK_BATCH ? check_files(r) : 0;
}

typedef struct expansion {
	reader *r;
	const folio_xml_node *n;
	uint32_t elem;
	size_t limit;
	int failed;        /* push_source said no: its error stands */
} expansion;

static int push_match(void *ctx, const char *rel, folio_error *err)
{
	expansion *x = ctx;
	int rc = push_source(x->r, x->n, x->elem, rel, x->limit);

	(void)err;
	x->failed = rc < 0;
	return rc;
}

/* A pattern's matches, walked relative to the manifest folder. */
static int expand(reader *r, const folio_xml_node *n, uint32_t elem,
	const char *pattern, size_t limit)
{
	expansion x = {r, n, elem, limit, 0};
	folio_error e = {0};
	long got;
	int rc;

	/* push_source's errors are r->err's already; the walk's are e. */
	got = folio_path_expand(r->m->dir, pattern, r->beside, push_match,
		&x, &e);
	if (got < 0 && x.failed)
		return (int)got;
	if (got <= 0 && (rc = check_files(r)) < 0)
		return rc;
	if (got == 0)
		return folio_manifest_at(r, n, FOLIO_EINPUT, "expected files "
			"matching %s, found none", pattern);
	if (got < 0)
		return folio_manifest_at(r, n, (int)got, "cannot expand %s: %s",
			pattern, e.msg);
	return 0;
}

/* The child of <sources> at ordinal k (elements only). */
static const folio_xml_node *nth_child(const folio_xml_node *sources,
	uint32_t k)
{
	const folio_xml_node *c = folio_xml_child(sources, BATCH_NS, NULL);

	while (c != NULL && k-- > 0)
		c = folio_xml_next(c, BATCH_NS, NULL);
	return c ? c : sources;
}

/* The places of sources whose file an earlier place already lists, in
 * order, as big-endian numbers in *out: the list sorted by path then
 * place, every place after the first of its path. */
static int find_duplicates(reader *r, folio_varlist *list,
	folio_extsort **out)
{
	unsigned char rec[REC_MAX + 9], prev[REC_MAX];
	folio_extsort *by_path = NULL;
	size_t len, prev_len = SIZE_MAX;
	const void *p;
	uint64_t i, n = folio_varlist_count(list);
	int rc;

	if ((rc = folio_extsort_new(&by_path, r->beside, 0, r->err)) < 0 ||
	    (rc = folio_extsort_new(out, r->beside, 0, r->err)) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		if ((rc = folio_varlist_get(list, i, rec, REC_MAX, &len,
			r->err)) < 0)
			goto done;
		len -= REC_HEAD;
		memmove(rec, rec + REC_HEAD, len);
		rec[len] = '\0';
		folio_put_be64(rec + len + 1, i);
		if ((rc = folio_extsort_add(by_path, rec, len + 9, r->err)) < 0)
			goto done;
	}
	if ((rc = folio_extsort_finish(by_path, r->err)) < 0)
		goto done;
	while ((rc = folio_extsort_next(by_path, &p, &len, r->err)) == 1) {
		const unsigned char *q = p;
		if (len - 9 == prev_len && memcmp(q, prev, prev_len) == 0) {
			if ((rc = folio_extsort_add(*out, q + len - 8, 8,
				r->err)) < 0)
				goto done;
			continue;
		}
		prev_len = len - 9;
		memcpy(prev, q, prev_len);
	}
	if (rc == 0)
		rc = folio_extsort_finish(*out, r->err);
done:
	folio_extsort_free(by_path);
	return rc;
}

/* The list again without the duplicates (dedupe) and what an exclude
 * matches. The distinct sources are counted before the excludes, as
 * the limit says. */
static int rebuild(reader *r, const char *const *excludes, size_t n_ex,
	int dedupe)
{
	unsigned char rec[REC_MAX + 1];
	folio_varlist *old = r->m->sources;
	folio_extsort *drops = NULL;
	uint64_t i, n = folio_varlist_count(old), next_drop = UINT64_MAX;
	size_t len, distinct = 0, j;
	const void *p;
	int rc;

	r->m->sources = NULL;
	if ((dedupe && (rc = find_duplicates(r, old, &drops)) < 0) ||
	    (rc = folio_varlist_new(&r->m->sources, r->beside, 0,
		r->err)) < 0)
		goto done;
	if (drops && (rc = folio_extsort_next(drops, &p, &len, r->err)) == 1)
		next_drop = folio_get_be64(p);
	for (i = 0; rc >= 0 && i < n; i++) {
		uint32_t elem;
		if (i == next_drop) {
			rc = folio_extsort_next(drops, &p, &len, r->err);
			next_drop = rc == 1 ? folio_get_be64(p) : UINT64_MAX;
			continue;
		}
		if ((rc = folio_varlist_get(old, i, rec, REC_MAX, &len,
			r->err)) < 0)
			break;
		memcpy(&elem, rec + 8, 4);
		if (++distinct > FOLIO_BATCH_MAX_SOURCES) {
			rc = folio_manifest_at(r, nth_child(r->sources, elem),
				FOLIO_ELIMIT, "expected at most %u sources, "
				"found more", FOLIO_BATCH_MAX_SOURCES);
			break;
		}
		rec[len] = '\0';
		for (j = 0; j < n_ex; j++)
			if (fnmatch(excludes[j], (char *)rec + REC_HEAD,
				FNM_PATHNAME | FNM_PERIOD) == 0)
				break;
		if (j == n_ex)
			rc = folio_varlist_add(r->m->sources, rec, len, r->err);
	}
done:
	if (rc >= 0)
		rc = 0;
	r->m->n_sources = r->m->sources ?
		(size_t)folio_varlist_count(r->m->sources) : 0;
	folio_extsort_free(drops);
	folio_varlist_free(old);
	return rc;
}

static size_t count_sources(const folio_xml_node *sources)
{
	const folio_xml_node *c;
	size_t n = 0;

	for (c = folio_xml_child(sources, BATCH_NS, "source"); c;
		c = folio_xml_next(c, BATCH_NS, "source"))
		n++;
	return n;
}

int folio_manifest_read_sources(reader *r, const folio_xml_node *sources)
{
	const char *excludes[MAX_EXCLUDES];
	char *texts[MAX_EXCLUDES];
	size_t n_ex = 0, i, n_src = count_sources(sources), limit;
	const folio_xml_node *c;
	uint32_t elem = 0;
	int rc;

	r->sources = sources;
	/* One <source> lists no file twice: the limit is exact as the
	 * files are listed. */
	limit = n_src > 1 ? MAX_LISTED : FOLIO_BATCH_MAX_SOURCES;
	if ((rc = folio_varlist_new(&r->m->sources, r->beside, 0,
		r->err)) < 0)
		return rc;
	for (c = folio_xml_child(sources, BATCH_NS, NULL); c && rc == 0;
		c = folio_xml_next(c, BATCH_NS, NULL), elem++) {
		char *t;
		if (!folio_xml_is(c, BATCH_NS, "source") &&
		    !folio_xml_is(c, BATCH_NS, "exclude"))
			continue;
		t = folio_xml_text_trimmed(c);
		if (t == NULL) {
			rc = folio_error_set(r->err, FOLIO_ENOMEM,
				"out of memory");
			break;
		}
		if (!path_inside(t)) {
			if ((rc = check_files(r)) == 0)
				rc = folio_manifest_at(r, c, FOLIO_EINPUT,
					"expected a path inside the "
					"manifest's folder, found %s", t);
		} else if (folio_xml_is(c, BATCH_NS, "exclude")) {
			if (n_ex == MAX_EXCLUDES) {
				if ((rc = check_files(r)) == 0)
					rc = folio_manifest_at(r, c,
						FOLIO_ELIMIT, "expected at "
						"most %d excludes, found more",
						MAX_EXCLUDES);
			} else {
				texts[n_ex] = t;
				excludes[n_ex++] = t;
				t = NULL;
			}
		} else if (folio_path_is_pattern(t)) {
			rc = expand(r, c, elem, t, limit);
		} else {
			rc = push_source(r, c, elem, t, limit);
		}
		free(t);
	}
	if (rc == 0)
		rc = check_files(r);
	/* Excludes apply to the whole list, wherever they appear. */
	if (rc == 0 && (n_src > 1 || n_ex > 0))
		rc = rebuild(r, excludes, n_ex, n_src > 1);
	if (rc == 0 && r->m->n_sources == 0)
		rc = folio_manifest_at(r, sources, FOLIO_EINPUT, "expected at "
			"least one source file, found none after excludes");
	for (i = 0; i < n_ex; i++)
		free(texts[i]);
	return rc;
}

int folio_batch_source_get(const folio_batch_manifest *m, size_t i,
	folio_batch_source *out, folio_error *err)
{
	unsigned char rec[REC_MAX];
	size_t len, dl = dir_len(m);
	int rc;

	if (m->sources == NULL || i >= m->n_sources)
		return folio_error_set(err, FOLIO_EUSAGE, "source %zu of %zu%s",
			i + 1, m->n_sources, m->sources ? "" :
			" (the list was dropped)");
	if ((rc = folio_varlist_get(m->sources, i, rec, sizeof(rec), &len,
		err)) < 0)
		return rc;
	memcpy(&out->stamp, rec, 8);
	len -= REC_HEAD;
	if (dl + len + 1 > sizeof(out->path))   /* push_source checked */
		return folio_error_set(err, FOLIO_ELIMIT, "source %zu: a "
			"path of more than %zu bytes", i + 1,
			sizeof(out->path) - 1);
	if (dl > 0) {
		memcpy(out->path, m->dir, dl - 1);
		out->path[dl - 1] = '/';
	}
	memcpy(out->path + dl, rec + REC_HEAD, len);
	out->path[dl + len] = '\0';
	out->rel = out->path + dl;
	return 0;
}
