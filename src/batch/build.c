/* build.c - the batch run (see build.h). */
#include "batch/build.h"

#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/clock.h"
#include "archive/archive.h"
#include "archive/crypto.h"  /* FOLIO_CRYPTO_MAX_PEM for the signer files */
#include "batch/cache.h"
#include "batch/manifest.h"
#include "batch/pool.h"
#include "epub/epub.h"
#include "font/font.h"
#include "layout/layout.h"
#include "model/source.h"
#include "model/style_read.h"
#include "pdf/pdf.h"
#include "site/site.h"
#include "util/buf.h"
#include "util/epoch.h"
#include "util/digest.h"
#include "util/file.h"

#define PATH_MAX_LEN 4096
/* How often the cache is saved while documents complete: a run killed
 * outright loses at most this much work. */
#define CACHE_SAVE_NS 250000000LL

typedef struct run {
	const folio_build_options *opts;
	const folio_batch_manifest *m;
	folio_batch_report *rep;
	const folio_style *style;
	const folio_fontset *fonts;
	folio_pdf_options pdf;
	folio_epub_options epub;
	const folio_cache *old;        /* read-only while workers run */
	folio_cache *next;             /* updated in done(), under the lock */
	char env[FOLIO_CACHE_HEX];
	char dir[PATH_MAX_LEN];        /* out_root/<batch> */
	char cache_path[PATH_MAX_LEN];
	folio_cache_entry *fresh;      /* per document, filled by the job */
	long long t0, last_save, last_save_cost;
	folio_progress progress;
} run;

static double ms_since(long long t)
{
	return (double)(folio_now_ns() - t) / 1e6;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int hex_digest(char out[FOLIO_CACHE_HEX], const void *data,
	size_t len, folio_error *err)
{
	unsigned char d[FOLIO_SHA256_LEN];
	int rc = folio_sha256(d, data, len, err);

	if (rc == 0)
		folio_sha256_hex(out, d);
	return rc;
}

/* "name <sha256 of the file>\n" into b. */
static int digest_file_line(folio_buf *b, const char *name,
	const char *path, size_t limit, folio_error *err)
{
	char hex[FOLIO_CACHE_HEX];
	char *data = NULL;
	size_t len = 0;
	int rc;

	if ((rc = folio_file_read(&data, &len, path, limit, err)) < 0)
		return rc;
	rc = hex_digest(hex, data, len, err);
	free(data);
	if (rc == 0 && folio_buf_printf(b, "%s %s\n", name, hex) < 0)
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	return rc;
}

/* Everything besides a source that decides its outputs' bytes. */
static int env_digest(run *r, folio_error *err)
{
	const folio_batch_manifest *m = r->m;
	folio_buf b = {0};
	int rc;

	if (folio_buf_printf(&b, "folio %s\nfonds %s\nyear %s\n"
		"retention %s\nepoch %lld %lld\nmissing-glyph error\n",
		FOLIO_VERSION, m->fonds_code, m->year, m->retention,
		r->pdf.has_epoch ? r->pdf.epoch : -1LL,
		(long long)r->epub.modified) < 0) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = digest_file_line(&b, "style", m->style_pdf,
		(size_t)16 * 1024 * 1024, err)) < 0 ||
	    (rc = digest_file_line(&b, "css", m->style_css,
		FOLIO_EPUB_MAX_CSS, err)) < 0 ||
	    (rc = folio_fontset_describe(&b, r->fonts, err)) < 0)
		goto done;
	rc = hex_digest(r->env, b.data, b.len, err);
done:
	folio_buf_free(&b);
	return rc;
}

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

/* Whether code is the 档号 of document `number` under any retention:
 * a cached code stays valid while the document keeps its place. */
static int code_fits(const run *r, const char *code, unsigned number)
{
	char c[FOLIO_ARCHIVE_CODE_MAX];
	size_t k;

	for (k = 0; folio_retentions[k] != NULL; k++)
		if (folio_archive_code(c, r->m->fonds_code, r->m->year,
			folio_retentions[k], number, NULL) == 0 &&
		    strcmp(c, code) == 0)
			return 1;
	return 0;
}

/* An output is current when it is where the cache says, same size and
 * modification time as when this folio wrote it. */
static int output_current(const run *r, const char *kind, const char *code,
	uint64_t size, int64_t mtime)
{
	char path[PATH_MAX_LEN];
	uint64_t s;
	int64_t t;

	if (snprintf(path, sizeof(path), "%s/%s/%s.%s", r->dir, kind, code,
		kind) >= (int)sizeof(path))
		return 0;
	return folio_cache_stat(&t, &s, path) == 0 && s == size &&
		t == mtime;
}

static int up_to_date(const run *r, const folio_cache_entry *e,
	const char *sha, size_t i)
{
	return e != NULL && strcmp(e->sha256, sha) == 0 &&
		code_fits(r, e->code, (unsigned)(i + 1)) &&
		output_current(r, "pdf", e->code, e->pdf_size,
			e->pdf_mtime_ns) &&
		output_current(r, "epub", e->code, e->epub_size,
			e->epub_mtime_ns);
}

/* read -> layout -> PDF -> EPUB for one document. */
static int build_doc(run *r, size_t i, folio_doc_result *d,
	folio_cache_entry *fresh, folio_error *err)
{
	const folio_batch_manifest *m = r->m;
	folio_layout_options lopts = {FOLIO_MISSING_GLYPH_ERROR};
	char pdf_path[PATH_MAX_LEN], epub_path[PATH_MAX_LEN];
	folio_pdf_options popts = r->pdf;
	folio_pdf_stats pstats;
	folio_layout lay;
	folio_doc *doc = NULL;
	long long t;
	int rc;

	memset(&lay, 0, sizeof(lay));
	memset(&pstats, 0, sizeof(pstats));
	popts.stats = &pstats;
	t = folio_now_ns();
	rc = folio_source_read(&doc, m->sources[i].path, NULL, err);
	d->read_ms += ms_since(t);
	if (rc < 0)
		goto done;
	d->id = dup_or_null(doc->meta.id);
	if ((rc = folio_archive_record_code(d->code, doc, m,
		(unsigned)(i + 1), err)) < 0) {
		/* The reader checked the value; say which file all the same. */
		d->code[0] = '\0';
		goto done;
	}
	if ((rc = join(pdf_path, sizeof(pdf_path), err, "%s/pdf/%s.pdf",
		r->dir, d->code)) < 0 ||
	    (rc = join(epub_path, sizeof(epub_path), err,
		"%s/epub/%s.epub", r->dir, d->code)) < 0)
		goto done;
	t = folio_now_ns();
	rc = folio_layout_document(&lay, doc, r->style, r->fonts, lopts, err);
	d->layout_ms = ms_since(t);
	if (rc < 0)
		goto done;
	d->pages = lay.n_pages;
	t = folio_now_ns();
	rc = folio_pdf_write(pdf_path, &lay, doc, &popts, err);
	d->pdf_ms = ms_since(t);
	if (rc < 0)
		goto done;
	t = folio_now_ns();
	rc = folio_epub_write(epub_path, doc, &r->epub, err);
	d->epub_ms = ms_since(t);
	if (rc < 0)
		goto done;
	if (folio_cache_stat(&fresh->pdf_mtime_ns, &fresh->pdf_size,
		pdf_path) < 0 ||
	    folio_cache_stat(&fresh->epub_mtime_ns, &fresh->epub_size,
		epub_path) < 0) {
		rc = folio_error_set(err, FOLIO_EIO,
			"%s: output vanished after writing", d->code);
		goto done;
	}
	d->pdf_bytes = fresh->pdf_size;
	d->epub_bytes = fresh->epub_size;
	fresh->pages = d->pages;
done:
	folio_doc_free(doc);
	return rc;
}

static int job_run(void *ctx, size_t i, int worker)
{
	run *r = ctx;
	const folio_batch_source *src = &r->m->sources[i];
	folio_doc_result *d = &r->rep->docs[i];
	folio_cache_entry *fresh = &r->fresh[i];
	const folio_cache_entry *e;
	folio_error err = {0};     /* one per job, so one per worker */
	char *bytes = NULL;
	size_t len = 0;
	long long t = folio_now_ns();
	int rc;

	(void)worker;
	rc = folio_file_read(&bytes, &len, src->path, FOLIO_MAX_SOURCE_BYTES,
		&err);
	if (rc == 0)
		rc = hex_digest(fresh->sha256, bytes, len, &err);
	free(bytes);
	d->read_ms = ms_since(t);
	if (rc < 0)
		goto done;
	e = r->old ? folio_cache_find(r->old, src->rel) : NULL;
	if (up_to_date(r, e, fresh->sha256, i)) {
		snprintf(d->code, sizeof(d->code), "%s", e->code);
		d->id = dup_or_null(e->id);
		d->pages = e->pages;
		d->pdf_bytes = e->pdf_size;
		d->epub_bytes = e->epub_size;
		d->status = FOLIO_DOC_SKIPPED;
		*fresh = *e;   /* strings are re-pointed in done() */
		return 0;
	}
	rc = build_doc(r, i, d, fresh, &err);
done:
	if (rc < 0) {
		d->status = FOLIO_DOC_FAILED;
		d->error_code = rc;
		d->error = strdup(err.msg[0] ? err.msg :
			folio_error_name(rc));
	} else {
		d->status = FOLIO_DOC_BUILT;
	}
	return rc;
}

/* Serialised by the pool: cache bookkeeping and progress. */
static void job_done(void *ctx, size_t i, int rc)
{
	run *r = ctx;
	folio_doc_result *d = &r->rep->docs[i];
	folio_cache_entry *f = &r->fresh[i];
	folio_error ignored = {0};
	long long t = folio_now_ns();

	(void)rc;
	if (d->status == FOLIO_DOC_BUILT || d->status == FOLIO_DOC_SKIPPED) {
		f->source = r->m->sources[i].rel;
		f->id = d->id;
		snprintf(f->code, sizeof(f->code), "%s", d->code);
		/* A cache that misses an entry only costs a rebuild. */
		(void)folio_cache_add(r->next, f, &ignored);
		memset(f, 0, sizeof(*f));
	}
	r->progress.done++;
	if (d->status == FOLIO_DOC_FAILED)
		r->progress.failed++;
	if (d->status == FOLIO_DOC_SKIPPED)
		r->progress.skipped++;
	r->progress.elapsed = (double)(t - r->t0) / 1e9;
	/* Saved as work goes on so a killed run resumes; the pool's lock is
	 * held here, so the interval grows with the cost of a save (20x its
	 * last duration): a 70,000-entry cache takes ~56 ms to write, and
	 * saving it every 250 ms would stall every worker a fifth of the
	 * time. */
	if (t - r->last_save >= CACHE_SAVE_NS &&
	    t - r->last_save >= 20 * r->last_save_cost) {
		(void)folio_cache_write(r->next, r->cache_path, &ignored);
		r->last_save = folio_now_ns();
		r->last_save_cost = r->last_save - t;
	}
	if (r->opts->progress != NULL)
		r->opts->progress(r->opts->progress_ctx, &r->progress, d);
}

/* Unlink the files of dir: only the temporary siblings a killed run left
 * (".tmp." in the name, see util/file.h) when temps_only, else all. */
static void sweep_dir(const char *dir, int temps_only)
{
	char path[PATH_MAX_LEN];
	struct dirent *de;
	DIR *dp = opendir(dir);

	if (dp == NULL)
		return;
	while ((de = readdir(dp)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0 &&
		    (!temps_only || strstr(de->d_name, ".tmp.") != NULL) &&
		    snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) <
			(int)sizeof(path))
			(void)unlink(path);
	closedir(dp);
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether name (CODE + ext) belongs to a document of this run; codes is
 * sorted. Files of other kinds are left alone. */
static int keep_output(const char *const *codes, size_t n, const char *name,
	const char *ext)
{
	char stem[FOLIO_REPORT_CODE_MAX];
	const char *key = stem;
	size_t len = strlen(name), e = strlen(ext);

	if (len <= e || strcmp(name + len - e, ext) != 0)
		return 1;
	if (len - e >= sizeof(stem))
		return 0;
	memcpy(stem, name, len - e);
	stem[len - e] = '\0';
	return bsearch(&key, codes, n, sizeof(*codes), by_str) != NULL;
}

/* Outputs no current document owns (a failed one, a source removed or
 * moved to another 件号) would be archived under a wrong name. */
static void remove_orphans(const run *r)
{
	static const char *const kinds[] = {"pdf", "epub"};
	static const char *const exts[] = {".pdf", ".epub"};
	char dir[PATH_MAX_LEN], path[PATH_MAX_LEN];
	const char **codes;
	struct dirent *de;
	size_t i, n = 0, k;
	DIR *dp;

	codes = calloc(r->rep->n ? r->rep->n : 1, sizeof(*codes));
	if (codes == NULL)
		return; /* orphans only cost disk until the next run */
	for (i = 0; i < r->rep->n; i++) {
		const folio_doc_result *d = &r->rep->docs[i];
		if (d->status == FOLIO_DOC_BUILT ||
		    d->status == FOLIO_DOC_SKIPPED)
			codes[n++] = d->code;
	}
	qsort(codes, n, sizeof(*codes), by_str);
	for (k = 0; k < 2; k++) {
		if (snprintf(dir, sizeof(dir), "%s/%s", r->dir, kinds[k]) >=
			(int)sizeof(dir) || (dp = opendir(dir)) == NULL)
			continue;
		while ((de = readdir(dp)) != NULL)
			if (de->d_name[0] != '.' &&
			    !keep_output(codes, n, de->d_name, exts[k]) &&
			    snprintf(path, sizeof(path), "%s/%s", dir,
				de->d_name) < (int)sizeof(path))
				(void)unlink(path);
		closedir(dp);
	}
	free(codes);
}

/* What the archive is made of: manifest, signer, environment and each
 * document's source and outputs. */
static int archive_digest(char out[FOLIO_CACHE_HEX], const run *r,
	const char *key, const char *cert, int partial, folio_error *err)
{
	folio_buf b = {0};
	size_t i;
	int rc;

	b.limit = (size_t)512 * 1024 * 1024;
	if ((rc = digest_file_line(&b, "manifest", r->m->path,
		(size_t)64 * 1024 * 1024, err)) < 0 ||
	    (rc = digest_file_line(&b, "key", key, FOLIO_CRYPTO_MAX_PEM,
		err)) < 0 ||
	    (rc = digest_file_line(&b, "cert", cert, FOLIO_CRYPTO_MAX_PEM,
		err)) < 0)
		goto done;
	if (folio_buf_printf(&b, "env %s\npartial %d\n", r->env, partial) < 0)
		goto nomem;
	for (i = 0; i < r->rep->n; i++) {
		const folio_doc_result *d = &r->rep->docs[i];
		const folio_cache_entry *e = folio_cache_find(r->next,
			r->m->sources[i].rel);
		/* Built now or before: the same record either way. */
		int in = d->status == FOLIO_DOC_BUILT ||
			d->status == FOLIO_DOC_SKIPPED;
		if (folio_buf_printf(&b, "%zu %s %s %s %s\n", i,
			in ? "in" : "out", d->code,
			e ? e->sha256 : "-", r->m->sources[i].rel) < 0)
			goto nomem;
	}
	rc = hex_digest(out, b.data, b.len, err);
	goto done;
nomem:
	rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
done:
	folio_buf_free(&b);
	return rc;
}

/* bag-info.txt lines for a partial archive: how many documents it leaves
 * out and, for each, its source and error, so the bag itself says it is
 * incomplete (the report says it too). One line per label: line breaks
 * in a message become spaces. */
static int partial_bag_info(folio_buf *out, const folio_batch_report *rep)
{
	size_t i;
	char *p;

	if (folio_buf_printf(out, "Folio-Partial: %zu of %zu documents failed "
		"and are not in this bag\n", rep->failed, rep->n) < 0)
		return FOLIO_ENOMEM;
	for (i = 0; i < rep->n; i++) {
		const folio_doc_result *d = &rep->docs[i];
		size_t at = out->len;
		if (d->status != FOLIO_DOC_FAILED)
			continue;
		if (folio_buf_printf(out, "Folio-Failed: %s: %s\n", d->source,
			d->error ? d->error : "failed") < 0)
			return FOLIO_ENOMEM;
		for (p = out->data + at; p < out->data + out->len - 1; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
	}
	return 0;
}

/* A partial archive holds the documents that built, renumbered 1..k
 * with the same 全宗号-年度-期限; the report gives each its 档号 in the
 * archive where it differs from its output name. Done before the archive
 * is found up to date, so a skipped archive still reports the mapping. */
static void number_partial(const run *r)
{
	size_t i, k = 0;

	for (i = 0; i < r->rep->n; i++) {
		folio_doc_result *d = &r->rep->docs[i];
		const char *dash = strrchr(d->code, '-');

		d->archive_code[0] = '\0';
		if (d->status != FOLIO_DOC_BUILT &&
		    d->status != FOLIO_DOC_SKIPPED)
			continue;
		k++;
		snprintf(d->archive_code, sizeof(d->archive_code),
			"%.*s-%04zu", dash ? (int)(dash - d->code) : 0,
			d->code, k);
		if (strcmp(d->archive_code, d->code) == 0)
			d->archive_code[0] = '\0';
	}
}

/* The documents that built, renumbered 1..k, with their outputs linked
 * under the new 档号 in dir/.partial (see build.h). sub->sources is
 * malloc'd; the strings stay the manifest's. */
static int partial_manifest(folio_batch_manifest *sub, const run *r,
	char *staging, size_t staging_n, folio_error *err)
{
	static const char *const kinds[] = {"pdf", "epub"};
	char from[PATH_MAX_LEN], to[PATH_MAX_LEN], sub_dir[PATH_MAX_LEN];
	size_t i, k = 0, j;
	int rc;

	*sub = *r->m;
	sub->sources = calloc(r->m->n_sources ? r->m->n_sources : 1,
		sizeof(*sub->sources));
	if (sub->sources == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	if ((rc = join(staging, staging_n, err, "%s/.partial", r->dir)) < 0)
		return rc;
	for (j = 0; j < 2; j++) {
		if ((rc = join(sub_dir, sizeof(sub_dir), err, "%s/%s",
			staging, kinds[j])) < 0 ||
		    (rc = folio_mkdirs(sub_dir, err)) < 0)
			return rc;
		sweep_dir(sub_dir, 0);
	}
	for (i = 0; i < r->rep->n; i++) {
		folio_doc_result *d = &r->rep->docs[i];
		const char *code = d->archive_code[0] ? d->archive_code :
			d->code;

		if (d->status != FOLIO_DOC_BUILT &&
		    d->status != FOLIO_DOC_SKIPPED)
			continue;
		sub->sources[k] = r->m->sources[i];
		k++;
		for (j = 0; j < 2; j++) {
			if ((rc = join(from, sizeof(from), err, "%s/%s/%s.%s",
				r->dir, kinds[j], d->code, kinds[j])) < 0 ||
			    (rc = join(to, sizeof(to), err, "%s/%s/%s.%s",
				staging, kinds[j], code, kinds[j])) < 0)
				return rc;
			if (link(from, to) != 0)
				return folio_error_set(err, FOLIO_EIO,
					"cannot link %s to %s: %s", from, to,
					strerror(errno));
		}
	}
	sub->n_sources = k;
	return 0;
}

/* The links are only needed while the archive is written. */
static void remove_staging(const char *staging)
{
	static const char *const kinds[] = {"pdf", "epub"};
	char d[PATH_MAX_LEN];
	size_t k;

	for (k = 0; k < 2; k++)
		if (join(d, sizeof(d), NULL, "%s/%s", staging, kinds[k]) ==
			0) {
			sweep_dir(d, 0);
			(void)rmdir(d);
		}
	(void)rmdir(staging);
}

static void archive_fail(folio_batch_report *rep, const folio_error *e,
	int rc)
{
	rep->archive = FOLIO_ARCHIVE_FAILED;
	free(rep->archive_error);
	rep->archive_error = strdup(e->msg[0] ? e->msg : folio_error_name(rc));
}

static int make_archive(run *r, folio_error *err)
{
	const folio_build_options *o = r->opts;
	folio_batch_report *rep = r->rep;
	const char *key = o->key_path ? o->key_path : r->m->signer_key;
	const char *cert = o->cert_path ? o->cert_path : r->m->signer_cert;
	char zip[PATH_MAX_LEN], staging[PATH_MAX_LEN] = "";
	char digest[FOLIO_CACHE_HEX];
	folio_archive_options aopts;
	folio_archive_stats stats;
	folio_batch_manifest sub;
	folio_error aerr = {0};
	int partial = rep->failed > 0;
	unsigned *pages = NULL;
	folio_buf bag_extra = {0};
	size_t i, k;
	uint64_t size;
	int64_t mtime;
	long long t = folio_now_ns();
	int rc;

	memset(&sub, 0, sizeof(sub));
	if ((rc = join(zip, sizeof(zip), err, "%s/%s.zip", r->dir,
		r->m->batch_id)) < 0)
		return rc;
	free(rep->archive_path);
	rep->archive_path = strdup(zip);
	if (o->no_archive)
		return 0;
	if (partial && !o->allow_partial) {
		/* A ZIP of an earlier, complete run no longer describes the
		 * batch; never leave it under the final name. */
		(void)unlink(zip);
		r->next->archive[0] = '\0';
		rep->archive_error = strdup("not written: documents failed "
			"(--allow-partial writes it without them)");
		return 0;
	}
	if (partial)
		number_partial(r);
	rc = archive_digest(digest, r, key, cert, partial, &aerr);
	if (rc == 0 && !o->force && strcmp(digest, r->next->archive) == 0 &&
	    folio_cache_stat(&mtime, &size, zip) == 0) {
		rep->archive = FOLIO_ARCHIVE_SKIPPED;
		rep->archive_bytes = size;
		rep->archive_partial = partial;
		return 0;
	}
	memset(&aopts, 0, sizeof(aopts));
	aopts.key_path = key;
	aopts.cert_path = cert;
	aopts.outputs_dir = r->dir;
	if (rc == 0)
		rc = folio_archive_now(&aopts.time, &aerr);
	if (rc == 0 && partial) {
		rc = partial_manifest(&sub, r, staging, sizeof(staging),
			&aerr);
		aopts.outputs_dir = staging;
	}
	/* 页数 from layout, in the order of the manifest archived (the
	 * partial one keeps the built documents in their order). */
	pages = calloc(rep->n ? rep->n : 1, sizeof(*pages));
	if (rc == 0 && pages == NULL)
		rc = folio_error_set(&aerr, FOLIO_ENOMEM, "out of memory");
	for (i = 0, k = 0; rc == 0 && i < rep->n; i++)
		if (!partial || rep->docs[i].status == FOLIO_DOC_BUILT ||
		    rep->docs[i].status == FOLIO_DOC_SKIPPED)
			pages[k++] = (unsigned)rep->docs[i].pages;
	aopts.pages = pages;
	if (rc == 0 && partial) {
		if (partial_bag_info(&bag_extra, rep) < 0)
			rc = folio_error_set(&aerr, FOLIO_ENOMEM,
				"out of memory");
		aopts.bag_info_extra = bag_extra.data;
	}
	if (rc == 0)
		rc = folio_archive_write(&stats, partial ? &sub : r->m, zip,
			&aopts, &aerr);
	free(pages);
	folio_buf_free(&bag_extra);
	if (staging[0])
		remove_staging(staging);
	free(sub.sources);
	rep->archive_ms = ms_since(t);
	if (rc < 0) {
		archive_fail(rep, &aerr, rc);
		folio_error_set(err, rc, "%s", aerr.msg);
		return rc;
	}
	rep->archive = FOLIO_ARCHIVE_BUILT;
	rep->archive_partial = partial;
	if (folio_cache_stat(&mtime, &size, zip) == 0)
		rep->archive_bytes = size;
	memcpy(r->next->archive, digest, FOLIO_CACHE_HEX);
	return 0;
}

/* The site (site/site.h), a step of its own after the archive, fed from
 * the report: every document with outputs, its 档号, pages and sizes,
 * and its source digest from the cache. err may be NULL (an earlier
 * step already failed and keeps its message). */
static int publish_site(run *r, folio_error *err)
{
	const folio_build_options *o = r->opts;
	folio_batch_report *rep = r->rep;
	folio_site_record *recs;
	folio_site_options so;
	folio_site_stats st;
	folio_error serr = {0};
	size_t i, n = 0;
	char path[PATH_MAX_LEN];
	int rc;

	if ((rc = join(path, sizeof(path), err, "%s/site", r->dir)) < 0)
		return rc;
	free(rep->site_path);
	rep->site_path = strdup(path);
	recs = calloc(rep->n ? rep->n : 1, sizeof(*recs));
	if (recs == NULL || rep->site_path == NULL) {
		free(recs);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	for (i = 0; i < rep->n; i++) {
		const folio_doc_result *d = &rep->docs[i];
		const folio_cache_entry *e;
		if (d->status != FOLIO_DOC_BUILT &&
		    d->status != FOLIO_DOC_SKIPPED)
			continue;
		e = folio_cache_find(r->next, r->m->sources[i].rel);
		recs[n].source_path = r->m->sources[i].path;
		recs[n].source_rel = r->m->sources[i].rel;
		recs[n].sha256 = e ? e->sha256 : "";
		recs[n].code = d->code;
		recs[n].pages = d->pages;
		recs[n].pdf_bytes = d->pdf_bytes;
		recs[n].epub_bytes = d->epub_bytes;
		n++;
	}
	memset(&so, 0, sizeof(so));
	so.batch_dir = r->dir;
	so.base_url = o->base_url ? o->base_url : r->m->base_url;
	so.fonds_name = r->m->fonds_name;
	so.batch_id = r->m->batch_id;
	so.description = r->m->description;
	so.epoch = r->epub.modified;   /* SOURCE_DATE_EPOCH or -1 */
	so.workers = o->workers;
	so.stop = o->stop;
	rc = folio_site_build(&st, recs, n, &so, &serr);
	free(recs);
	rep->site_documents = st.documents;
	rep->site_sources_read = st.sources_read;
	rep->site_pages_written = st.pages_written;
	rep->site_files_written = st.files_written;
	rep->site_qr = st.qr;
	rep->site_ms = st.ms;
	if (rc < 0) {
		rep->site = FOLIO_SITE_FAILED;
		rep->site_error = strdup(serr.msg[0] ? serr.msg :
			folio_error_name(rc));
		return folio_error_set(err, rc, "site: %s", serr.msg);
	}
	if (st.stopped)
		rep->stopped = 1;   /* the pages so far are kept */
	else
		rep->site = st.pages_written || st.files_written ||
			st.links_made ? FOLIO_SITE_BUILT :
			FOLIO_SITE_UP_TO_DATE;
	return 0;
}

static int write_report(const run *r, folio_error *err)
{
	char path[PATH_MAX_LEN];
	folio_buf b = {0};
	int rc;

	b.limit = (size_t)1024 * 1024 * 1024;
	if ((rc = join(path, sizeof(path), err, "%s/report.json", r->dir)) <
		0 ||
	    (rc = folio_report_json(&b, r->rep, err)) < 0 ||
	    (rc = folio_file_write_atomic(path, b.data, b.len, err)) < 0) {
		folio_buf_free(&b);
		return rc;
	}
	folio_buf_free(&b);
	return 0;
}

static int safe_batch_id(const char *id)
{
	return id[0] != '\0' && strchr(id, '/') == NULL &&
		strcmp(id, ".") != 0 && strcmp(id, "..") != 0;
}

/* Hold dir/.lock for the life of the process (released at exit, also
 * when killed). */
static int take_lock(int *out_fd, const char *dir, folio_error *err)
{
	char path[PATH_MAX_LEN];
	int fd, rc;

	if ((rc = join(path, sizeof(path), err, "%s/.lock", dir)) < 0)
		return rc;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return folio_error_set(err, FOLIO_EIO, "%s: %s", path,
			strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return folio_error_set(err, FOLIO_EIO, "%s: another folio "
			"build is using this folder", dir);
	}
	*out_fd = fd;
	return 0;
}

static int prepare_dir(run *r, int *lock_fd, folio_error *err)
{
	char sub[PATH_MAX_LEN];
	int rc;

	if ((rc = join(r->dir, sizeof(r->dir), err, "%s/%s",
		r->opts->out_root ? r->opts->out_root : "out",
		r->m->batch_id)) < 0 ||
	    (rc = join(r->cache_path, sizeof(r->cache_path), err,
		"%s/.cache", r->dir)) < 0 ||
	    (rc = folio_mkdirs(r->dir, err)) < 0 ||
	    (rc = take_lock(lock_fd, r->dir, err)) < 0)
		return rc;
	sweep_dir(r->dir, 1);
	if ((rc = join(sub, sizeof(sub), err, "%s/pdf", r->dir)) < 0 ||
	    (rc = folio_mkdirs(sub, err)) < 0)
		return rc;
	sweep_dir(sub, 1);
	if ((rc = join(sub, sizeof(sub), err, "%s/epub", r->dir)) < 0 ||
	    (rc = folio_mkdirs(sub, err)) < 0)
		return rc;
	sweep_dir(sub, 1);
	return 0;
}

int folio_build_run(folio_batch_report *out, const char *manifest_path,
	const folio_build_options *opts, folio_error *err)
{
	folio_batch_manifest *m = NULL;
	folio_style *style = NULL;
	folio_fontset *fonts = NULL;
	folio_cache *old = NULL;
	folio_error ignored = {0};
	folio_pool_job job;
	int lock_fd = -1, rc;
	size_t i;
	run r;

	memset(&r, 0, sizeof(r));
	memset(out, 0, sizeof(*out));
	r.opts = opts;
	r.rep = out;
	r.t0 = r.last_save = folio_now_ns();
	if ((rc = folio_batch_manifest_read(&m, manifest_path, err)) < 0)
		goto done;
	r.m = m;
	if (!safe_batch_id(m->batch_id)) {
		rc = folio_error_set(err, FOLIO_EINPUT, "%s: batch-id: "
			"expected a folder name, found '%s'", manifest_path,
			m->batch_id);
		goto done;
	}
	if ((rc = folio_report_init(out, m->n_sources, err)) < 0)
		goto done;
	out->batch_id = strdup(m->batch_id);
	out->manifest = strdup(manifest_path);
	for (i = 0; i < m->n_sources; i++)
		out->docs[i].source = strdup(m->sources[i].rel);
	r.fresh = calloc(m->n_sources ? m->n_sources : 1, sizeof(*r.fresh));
	if (r.fresh == NULL || out->batch_id == NULL ||
	    out->manifest == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = prepare_dir(&r, &lock_fd, err)) < 0)
		goto done;
	out->out_dir = strdup(r.dir);
	/* Shared, read-only inputs: loaded once, before any worker. */
	if ((rc = folio_pdf_options_init(&r.pdf, err)) < 0 ||
	    (rc = folio_source_date_epoch(&r.epub.modified, err)) < 0 ||
	    (rc = folio_style_read(&style, m->style_pdf, err)) < 0 ||
	    (rc = folio_fontset_load(&fonts, NULL, err)) < 0)
		goto done;
	r.epub.css_path = m->style_css;
	r.style = style;
	r.fonts = fonts;
	if ((rc = env_digest(&r, err)) < 0 ||
	    (rc = folio_cache_read(&old, r.cache_path, err)) < 0 ||
	    (rc = folio_cache_new(&r.next, err)) < 0)
		goto done;
	memcpy(r.next->env, r.env, FOLIO_CACHE_HEX);
	/* The archive digest stays valid for the ZIP on disk until a
	 * new archive replaces it. */
	memcpy(r.next->archive, old->archive, FOLIO_CACHE_HEX);
	if (!opts->force && strcmp(old->env, r.env) == 0)
		r.old = old;
	r.progress.total = m->n_sources;
	r.progress.color = 0;
	job.run = job_run;
	job.done = job_done;
	job.ctx = &r;
	job.n_jobs = m->n_sources;
	job.n_workers = opts->workers > 0 ? opts->workers :
		folio_pool_default_workers();
	job.stop = opts->stop;
	out->workers = (size_t)job.n_workers > m->n_sources ?
		(int)(m->n_sources ? m->n_sources : 1) : job.n_workers;
	rc = folio_pool_run(&job, err);
	if (rc == FOLIO_EUSAGE && opts->stop && *opts->stop) {
		folio_error_clear(err);
		out->stopped = 1;
		rc = 0;
	}
	folio_cache_sort(r.next);
	folio_report_sum(out);
	if (rc < 0)
		goto save;
	if (!out->stopped) {
		remove_orphans(&r);
		rc = make_archive(&r, err);
		if (!opts->no_site) {
			int site_rc = publish_site(&r, rc < 0 ? NULL : err);
			if (rc == 0)
				rc = site_rc;
		}
	}
save:
	out->wall_ms = ms_since(r.t0);
	/* Keep the first error; these only lose speed next time. */
	if (folio_cache_write(r.next, r.cache_path, &ignored) < 0 && rc == 0)
		rc = folio_error_set(err, ignored.code, "%s", ignored.msg);
	ignored.code = 0;
	ignored.msg[0] = '\0';
	if (write_report(&r, &ignored) < 0 && rc == 0)
		rc = folio_error_set(err, ignored.code, "%s", ignored.msg);
done:
	if (lock_fd >= 0)
		close(lock_fd);
	folio_cache_free(r.next);
	folio_cache_free(old);
	free(r.fresh);
	folio_fontset_free(fonts);
	folio_style_free(style);
	folio_batch_manifest_free(m);
	return rc;
}
