/* documents.c - the document phase of a batch run (see build.h): each
 * document of the run's slice to a PDF and an EPUB, or skipped when a
 * cache entry says its outputs are current; every result streamed out
 * (report, cache journal, archive digest) as soon as its turn comes, so
 * the run holds only the documents in flight. */
#include "batch/build_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "batch/pool.h"
#include "batch/records.h"
#include "layout/layout.h"
#include "import/source.h"
#include "util/clock.h"
#include "util/file.h"

/* A finished document and its line of JSON, made by the worker, outside
 * the pool's lock: the serialised part only counts and writes bytes. */
typedef struct finished {
	folio_doc_result d;
	folio_buf json;
	size_t job;                 /* its place in the slice */
	/* Its PDF and EPUB, written and closed under temporary names until
	 * the group they belong to is synced (group commit, file.h). */
	folio_commit_group files;
	/* Up to date, but its cache entry gains a stamp (a source or an
	 * image touched, its bytes the same): the cache is written. */
	int refreshed;
} finished;

static void finished_free(finished *f)
{
	if (f == NULL)
		return;
	folio_commit_group_free(&f->files);
	folio_doc_result_clear(&f->d);
	folio_buf_free(&f->json);
	free(f);
}

/* Built documents whose files wait for one syncfs together: at most this
 * many, and at most an eighth of the run's documents (a small run or
 * shard keeps what it finished, one by one, when killed), for at most
 * this long (a run killed meanwhile builds them again; their temporary
 * files are swept). 16 documents are 2-4 % of the 400 fsyncs of a
 * 200-document batch. */
#define COMMIT_GROUP_DOCS 16
#define COMMIT_GROUP_NS 500000000LL

/* 1 + the index in folio_retentions of the retention that makes code the
 * 档号 of document `number` (FONDS-YEAR-CODE-NNNN, as folio_archive_code
 * writes it); 0 when none does. A cached code stays valid while the
 * document keeps its place. Compared in place: it runs for every
 * document of every run. */
static unsigned char retention_slot(const run *r, const char *code,
	unsigned number)
{
	size_t fl = strlen(r->m->fonds_code), yl = strlen(r->m->year), k;
	const char *p = code + fl + yl + 2, *dash;
	char digits[16];

	if (strncmp(code, r->m->fonds_code, fl) != 0 || code[fl] != '-' ||
	    strncmp(code + fl + 1, r->m->year, yl) != 0 ||
	    code[fl + 1 + yl] != '-' || (dash = strchr(p, '-')) == NULL)
		return 0;
	{
		/* "%04u", by hand: snprintf was a tenth of a no-op run. */
		size_t n = 0, k2;
		char rev[12];
		unsigned v = number;
		do {
			rev[n++] = (char)('0' + v % 10);
			v /= 10;
		} while (v > 0);
		while (n < 4)
			rev[n++] = '0';
		for (k2 = 0; k2 < n; k2++)
			digits[k2] = rev[n - 1 - k2];
		digits[n] = '\0';
	}
	if (strcmp(dash + 1, digits) != 0)
		return 0;
	for (k = 0; folio_retentions[k] != NULL; k++) {
		const char *c = folio_retention_code(folio_retentions[k]);
		if (strlen(c) == (size_t)(dash - p) &&
		    strncmp(c, p, (size_t)(dash - p)) == 0)
			return (unsigned char)(k + 1);
	}
	return 0;
}

/* An output is current when it is where the entry says, with the size
 * and modification time it had when a run of this folio wrote it. Looked
 * up from the open folder: on a no-op rebuild these lookups are most of
 * the work, and a whole path costs a walk per component. */
static int output_current(int dir_fd, const char *code, const char *ext,
	uint64_t size, int64_t mtime)
{
	char name[FOLIO_ARCHIVE_CODE_MAX + 8];
	struct stat st;

	snprintf(name, sizeof(name), "%s%s", code, ext);
	return fstatat(dir_fd, name, &st, 0) == 0 && S_ISREG(st.st_mode) &&
		(uint64_t)st.st_size == size &&
		(int64_t)st.st_mtim.tv_sec * 1000000000LL +
		st.st_mtim.tv_nsec == mtime;
}

/* A source changed within this long of being hashed may share its time
 * stamps with the content hashed (file times tick coarsely): its stamp
 * is not kept, so the next run reads it again. */
#define STAMP_SETTLE_NS 2000000000LL

static void stamp_of(folio_source_stamp *out, const struct stat *st)
{
	out->set = 1;
	out->ino = (uint64_t)st->st_ino;
	out->size = (uint64_t)st->st_size;
	out->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000LL +
		st->st_mtim.tv_nsec;
	out->ctime_ns = (int64_t)st->st_ctim.tv_sec * 1000000000LL +
		st->st_ctim.tv_nsec;
}

static int same_stamp(const folio_source_stamp *a,
	const folio_source_stamp *b)
{
	return a->set && b->set && a->ino == b->ino && a->size == b->size &&
		a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns;
}

/* SHA-256 hex of the file at path (and its stamp, unset when it changed
 * too recently to be told apart by time stamps). */
static int hash_file(char hex[FOLIO_REPORT_HEX], folio_source_stamp *stamp,
	const char *path, size_t limit, folio_error *err)
{
	unsigned char sha[FOLIO_SHA256_LEN];
	struct stat st, after;
	struct timespec now;
	char *bytes = NULL;
	size_t len = 0;
	int rc;

	memset(stamp, 0, sizeof(*stamp));
	if (stat(path, &st) != 0)
		memset(&st, 0, sizeof(st));
	if ((rc = folio_file_read(&bytes, &len, path, limit, err)) < 0)
		return rc;
	rc = folio_sha256(sha, bytes, len, err);
	free(bytes);
	if (rc < 0)
		return rc;
	folio_sha256_hex(hex, sha);
	clock_gettime(CLOCK_REALTIME, &now);
	if (stat(path, &after) == 0 && after.st_ino == st.st_ino &&
	    after.st_ctim.tv_sec == st.st_ctim.tv_sec &&
	    after.st_ctim.tv_nsec == st.st_ctim.tv_nsec &&
	    (long long)now.tv_sec * 1000000000LL + now.tv_nsec -
	    ((long long)st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec)
	    >= STAMP_SETTLE_NS)
		stamp_of(stamp, &st);
	return 0;
}

/* The source's SHA-256 and stamp. */
static int hash_source(const folio_batch_source *src, folio_doc_result *d,
	folio_error *err)
{
	return hash_file(d->sha256, &d->stamp, src->path,
		FOLIO_MAX_SOURCE_BYTES, err);
}

/* A figure's file as the manifest's folder sees it (rel: the source's
 * manifest-relative path) into out; 0 when it does not fit. */
static int figure_rel(char *out, size_t n, const char *rel, const char *src)
{
	const char *slash = strrchr(rel, '/');
	int dir = slash ? (int)(slash - rel) + 1 : 0;
	int k = snprintf(out, n, "%.*s%s", dir, rel, src);

	return k > 0 && (size_t)k < n;
}

int folio_run_figures_current(const run *r, folio_doc_result *e,
	const folio_batch_source *src)
{
	char rel[PATH_MAX_LEN], path[PATH_MAX_LEN];
	folio_source_stamp now;
	struct stat st;
	size_t k;

	if (!e->figures_set)
		return 0;      /* a line of a folio that did not list them */
	for (k = 0; k < e->n_figures; k++) {
		folio_doc_image *f = &e->figures[k];
		char hex[FOLIO_REPORT_HEX];
		folio_error ignored = {0};
		/* A stat per figure: unchanged files are never read. */
		if (!figure_rel(rel, sizeof(rel), src->rel, f->src) ||
		    fstatat(r->src_dir_fd, rel, &st, 0) != 0 ||
		    !S_ISREG(st.st_mode))
			return 0;  /* removed: the build says where */
		stamp_of(&now, &st);
		if (same_stamp(&f->stamp, &now))
			continue;
		/* Touched, copied back, or stamped too recently to trust:
		 * the bytes decide, and the entry carries the new stamp. */
		if (!figure_rel(path, sizeof(path), src->path, f->src) ||
		    hash_file(hex, &now, path, FOLIO_MAX_IMAGE_BYTES,
			&ignored) < 0 || strcmp(hex, f->sha256) != 0)
			return 0;
		f->stamp = now;
	}
	return 1;
}

int folio_run_up_to_date(const run *r, folio_doc_result *e,
	const char *sha, size_t i, const folio_batch_source *src)
{
	return e->has_meta && strcmp(e->sha256, sha) == 0 &&
		retention_slot(r, e->code, (unsigned)(i + 1)) != 0 &&
		output_current(r->pdf_dir_fd, e->code, ".pdf", e->pdf_bytes,
			e->pdf_mtime_ns) &&
		output_current(r->epub_dir_fd, e->code, ".epub",
			e->epub_bytes, e->epub_mtime_ns) &&
		folio_run_figures_current(r, e, src);
}

/* The stamps of e's figures, folded: whether a check refreshed one. */
static uint64_t figure_stamps(const folio_doc_result *e)
{
	uint64_t h = 0;
	size_t k;

	for (k = 0; k < e->n_figures; k++) {
		const folio_source_stamp *t = &e->figures[k].stamp;
		h = h * 31 + folio_batch_stamp_key(t->ino, t->size,
			t->mtime_ns, t->ctime_ns) + (uint64_t)t->set;
	}
	return h;
}

/* The cached document e, up to date, becomes d (its strings move). */
static void take_cached(folio_doc_result *d, folio_doc_result *e)
{
	snprintf(d->code, sizeof(d->code), "%s", e->code);
	memcpy(d->sha256, e->sha256, sizeof(d->sha256));
	if (!d->stamp.set)
		d->stamp = e->stamp;
	d->id = e->id;
	e->id = NULL;
	d->meta = e->meta;
	memset(&e->meta, 0, sizeof(e->meta));
	d->meta_json = e->meta_json;
	e->meta_json = NULL;
	d->import = e->import;
	memset(&e->import, 0, sizeof(e->import));
	d->figures = e->figures;
	d->n_figures = e->n_figures;
	d->figures_set = e->figures_set;
	e->figures = NULL;
	e->n_figures = 0;
	d->has_meta = 1;
	d->pages = e->pages;
	d->pdf_bytes = e->pdf_bytes;
	d->epub_bytes = e->epub_bytes;
	d->pdf_mtime_ns = e->pdf_mtime_ns;
	d->epub_mtime_ns = e->epub_mtime_ns;
	d->status = FOLIO_DOC_SKIPPED;
}

/* The stamps of the figures' files of a document just built from bytes
 * read at read_ns (real time): kept for files last changed well before
 * that, so their bytes are the ones the outputs show; a file changed
 * since gets none and is read again by the next run. */
static void figures_stamp(const run *r, const folio_batch_source *src,
	folio_doc_result *d, long long read_ns)
{
	char rel[PATH_MAX_LEN];
	struct stat st;
	size_t k;

	for (k = 0; k < d->n_figures; k++)
		if (figure_rel(rel, sizeof(rel), src->rel, d->figures[k].src) &&
		    fstatat(r->src_dir_fd, rel, &st, 0) == 0 &&
		    (long long)st.st_ctim.tv_sec * 1000000000LL +
		    st.st_ctim.tv_nsec + STAMP_SETTLE_NS <= read_ns)
			stamp_of(&d->figures[k].stamp, &st);
}

/* What folio_cache_stat says of final_path's file, written but perhaps
 * not yet renamed (files). */
static int written_stat(int64_t *mtime_ns, uint64_t *bytes,
	const folio_commit_group *files, const char *final_path)
{
	const char *tmp = folio_commit_group_temp(files, final_path);

	return folio_cache_stat(mtime_ns, bytes, tmp ? tmp : final_path);
}

/* read -> layout -> PDF -> EPUB for document i; the outputs go into
 * files (the caller routes this thread's commits there). */
static int build_doc(run *r, size_t i, const folio_batch_source *src,
	folio_doc_result *d, const folio_commit_group *files, folio_error *err)
{
	const folio_batch_manifest *m = r->m;
	folio_layout_options lopts = {FOLIO_MISSING_GLYPH_ERROR};
	char pdf_path[PATH_MAX_LEN], epub_path[PATH_MAX_LEN];
	char qr_url[FOLIO_SITE_URL_MAX + FOLIO_ARCHIVE_CODE_MAX + 16];
	folio_pdf_options popts = r->pdf;
	folio_epub_options eopts;
	char pdf_name[sizeof(d->code) + 8];
	folio_pdf_stats pstats;
	folio_layout lay;
	folio_doc *doc = NULL;
	folio_import_report irep;
	folio_source_options sopts = {NULL, &irep};
	struct timespec read_at;
	long long t;
	int rc, rc2;

	memset(&irep, 0, sizeof(irep));
	memset(&lay, 0, sizeof(lay));
	memset(&pstats, 0, sizeof(pstats));
	popts.stats = &pstats;
	clock_gettime(CLOCK_REALTIME, &read_at);
	t = folio_now_ns();
	rc = folio_source_read(&doc, src->path, &sopts, err);
	d->read_ms += folio_run_ms_since(t);
	/* A page of text went through the importer: what it dropped goes
	 * into the report with the document, built or not. */
	if (irep.lines > 0 && (rc2 = folio_doc_import_from(&d->import, &irep,
	    err)) < 0 && rc == 0)
		rc = rc2;
	if (rc < 0)
		goto done;
	if (doc->meta.id != NULL && (d->id = strdup(doc->meta.id)) == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = folio_batch_code(d->code, doc, m, (unsigned)(i + 1), err))
		< 0) {
		/* The reader checked the value; say which file all the same. */
		d->code[0] = '\0';
		goto done;
	}
	if ((rc = folio_doc_meta_fill(&d->meta, doc, m, err)) < 0 ||
	    (rc = folio_run_join(pdf_path, sizeof(pdf_path), err,
		"%s/pdf/%s.pdf", r->dir, d->code)) < 0 ||
	    (rc = folio_run_join(epub_path, sizeof(epub_path), err,
		"%s/epub/%s.epub", r->dir, d->code)) < 0 ||
	    (r->qr_base[0] && (rc = folio_site_doc_url(qr_url,
		sizeof(qr_url), r->qr_base, d->code, err)) < 0))
		goto done;
	if (r->qr_base[0])
		popts.qr_url = qr_url;
	t = folio_now_ns();
	rc = folio_layout_document(&lay, doc, r->style, r->fonts, lopts, err);
	d->layout_ms = folio_run_ms_since(t);
	if (rc < 0)
		goto done;
	d->pages = lay.n_pages;
	t = folio_now_ns();
	rc = folio_pdf_write(pdf_path, &lay, doc, &popts, err);
	d->pdf_ms = folio_run_ms_since(t);
	if (rc < 0)
		goto done;
	/* The EPUB's page list follows the PDF just written: same layout,
	 * named by the PDF's file name in the batch. */
	eopts = r->epub;
	eopts.print = &lay;
	snprintf(pdf_name, sizeof(pdf_name), "%s.pdf", d->code);
	eopts.page_source = pdf_name;
	t = folio_now_ns();
	rc = folio_epub_write(epub_path, doc, &eopts, err);
	d->epub_ms = folio_run_ms_since(t);
	if (rc < 0)
		goto done;
	/* A rename keeps size and modification time: these are the
	 * outputs' once the group is published. */
	if (written_stat(&d->pdf_mtime_ns, &d->pdf_bytes, files, pdf_path) <
		0 || written_stat(&d->epub_mtime_ns, &d->epub_bytes, files,
		epub_path) < 0) {
		rc = folio_error_set(err, FOLIO_EIO,
			"%s: output vanished after writing", d->code);
		goto done;
	}
	if ((rc = folio_doc_figures_from(d, doc, err)) < 0)
		goto done;
	figures_stamp(r, src, d, (long long)read_at.tv_sec * 1000000000LL +
		read_at.tv_nsec);
	d->has_meta = 1;
done:
	folio_import_report_free(&irep);
	folio_doc_free(doc);
	return rc;
}

/* Where job j leaves its document for job_done (pool.h: a worker runs
 * up to FOLIO_POOL_MAX_BATCH jobs before their done calls). */
static size_t slot_of(int worker, size_t j)
{
	return (size_t)worker * FOLIO_POOL_MAX_BATCH +
		j % FOLIO_POOL_MAX_BATCH;
}

static int job_run(void *ctx, size_t j, int worker)
{
	run *r = ctx;
	size_t i = folio_shard_at(&r->shard, j);
	folio_batch_source source, *src = &source;
	finished *f = calloc(1, sizeof(*f));
	folio_doc_result *d = f ? &f->d : NULL, e;
	folio_error err = {0};     /* one per job, so one per worker */
	folio_source_stamp now;
	struct stat st;
	size_t k;
	long long t = folio_now_ns();
	int rc = 0, current = 0, hashed = 0;

	r->working[slot_of(worker, j)] = f;
	if (f == NULL)
		return FOLIO_ENOMEM;
	if ((rc = folio_batch_source_get(r->m, i, src, &err)) < 0) {
		/* The list's file could not be read: the document fails,
		 * named by its place since its name is what was lost. */
		snprintf(src->path, sizeof(src->path), "(source %zu)", i + 1);
		src->rel = src->path;
		src->stamp = 0;
	}
	if ((d->source = strdup(src->rel)) == NULL)
		return FOLIO_ENOMEM;
	f->job = j;
	d->index = i;
	memset(&now, 0, sizeof(now));
	if (rc == 0 && src->stamp == 0 &&
	    fstatat(r->src_dir_fd, src->rel, &st, 0) == 0)
		stamp_of(&now, &st);
	for (k = 0; rc == 0 && !current && !r->opts->force &&
		folio_cache_find_in(r->old, &r->windows[worker], src->rel, k,
			&e); k++) {
		/* The same file as when the entry was made: the same bytes,
		 * no need to read them again. The manifest's stat of it
		 * serves when there is one. */
		int same = src->stamp != 0 ? e.stamp.set &&
			folio_batch_stamp_key(e.stamp.ino, e.stamp.size,
			e.stamp.mtime_ns, e.stamp.ctime_ns) == src->stamp :
			same_stamp(&e.stamp, &now);
		if (!same && !hashed) {
			rc = hash_source(src, d, &err);
			hashed = 1;
		}
		uint64_t stamps = figure_stamps(&e);
		current = rc == 0 && folio_run_up_to_date(r, &e, same ?
			e.sha256 : d->sha256, i, src);
		if (current) {
			f->refreshed = hashed || figure_stamps(&e) != stamps;
			take_cached(d, &e);
		}
		folio_doc_result_clear(&e);
		if (rc < 0)
			break;
	}
	if (rc == 0 && !current && !hashed)
		rc = hash_source(src, d, &err);
	d->read_ms = folio_run_ms_since(t);
	if (rc == 0 && !current) {
		folio_commit_group_use(&f->files);
		rc = build_doc(r, i, src, d, &f->files, &err);
		folio_commit_group_use(NULL);
	}
	if (rc < 0) {
		folio_commit_group_abort(&f->files);
		d->status = FOLIO_DOC_FAILED;
		d->error_code = rc;
		d->error = strdup(err.msg[0] ? err.msg :
			folio_error_name(rc));
	} else if (!current) {
		d->status = FOLIO_DOC_BUILT;
	}
	f->json.limit = FOLIO_CACHE_MAX_LINE;
	/* An empty line tells job_done the line could not be made. */
	(void)folio_report_doc_json(&f->json, d, &err);
	return rc;
}

/* The report's documents array, the totals, the outputs each document
 * owns, and the archive digest, in slice order. */
static void stream_out(run *r, const folio_doc_result *d, const char *json,
	size_t len, int first)
{
	folio_error *err = &r->stream_err;
	int rc = 0;

	if (folio_report_count(r->rep, d, err) < 0)
		rc = FOLIO_ENOMEM;
	if (d->status == FOLIO_DOC_BUILT || d->status == FOLIO_DOC_SKIPPED)
		r->owned[d->index] = retention_slot(r, d->code,
			(unsigned)(d->index + 1));
	if (rc == 0 && r->digest != NULL)
		rc = folio_run_digest_doc(r, d, err);
	if (rc == 0 && len == 0)
		rc = folio_error_set(err, FOLIO_ENOMEM, "%s: out of memory "
			"writing its report line", d->source);
	if (rc == 0) {
		/* The later steps find the line where it is (doclines.h);
		 * the spool started empty, so its length is the offset. */
		const char *sep = first ? "[\n    " : ",\n    ";
		uint64_t at = r->documents_len + strlen(sep);
		if (fputs(sep, r->documents) < 0 ||
		    fwrite(json, 1, len, r->documents) != len)
			rc = folio_error_set(err, FOLIO_EIO, "%s: cannot write "
				"the report's documents", r->dir);
		else
			rc = folio_doc_lines_set(r->table, d->index, at, len,
				d->status, err);
		r->documents_len = at + len;
	}
	if (rc < 0 && r->stream_rc == 0)
		r->stream_rc = rc;
}

/* The ring's slot of job j, NULL when j is past its end. */
static finished **parked_slot(const run *r, size_t j)
{
	if (j < r->next_out || j - r->next_out >= r->cap_parked)
		return NULL;
	return &r->parked[j % r->cap_parked];
}

/* Park f until its turn, the ring grown to reach it. */
static int park(run *r, finished *f)
{
	size_t ahead = f->job - r->next_out, cap = r->cap_parked, j;
	finished **ring;

	if (ahead >= cap) {
		while (cap <= ahead)
			cap = cap ? 2 * cap : 64;
		if ((ring = calloc(cap, sizeof(*ring))) == NULL)
			return FOLIO_ENOMEM;
		for (j = r->next_out; j < r->next_out + r->cap_parked; j++)
			ring[j % cap] = r->parked[j % r->cap_parked];
		free(r->parked);
		r->parked = ring;
		r->cap_parked = cap;
	}
	*parked_slot(r, f->job) = f;
	return 0;
}

static void flush_ready(run *r)
{
	finished **slot;

	while (r->next_out < r->n_jobs &&
	    (slot = parked_slot(r, r->next_out)) != NULL && *slot != NULL) {
		finished *f = *slot;
		*slot = NULL;
		stream_out(r, &f->d, f->json.data, f->json.len,
			r->next_out == 0);
		finished_free(f);
		r->next_out++;
	}
}

/* The document's outputs are in place (or it has none): its journal
 * line, then its turn in the report. */
static void settle(run *r, finished *f)
{
	folio_doc_result *d = &f->d;

	/* At once, not in turn: a run killed now keeps this document. */
	if (r->journal_rc == 0 && (d->status == FOLIO_DOC_BUILT ||
	    d->status == FOLIO_DOC_SKIPPED) && f->json.len > 0)
		r->journal_rc = folio_cache_writer_add_json(r->journal,
			f->json.data, f->json.len, &r->journal_err);
	if (park(r, f) < 0) {
		if (r->stream_rc == 0)
			r->stream_rc = folio_error_set(&r->stream_err,
				FOLIO_ENOMEM, "%s: out of memory", d->source);
		finished_free(f);
		return;
	}
	flush_ready(r);
}

/* A built document whose outputs could not be put in place fails after
 * all; its line says why. */
static void publish_failed(run *r, finished *f, int rc, const char *why)
{
	folio_doc_result *d = &f->d;
	folio_error err = {0};

	d->status = FOLIO_DOC_FAILED;
	d->error_code = rc;
	free(d->error);
	d->error = strdup(why[0] ? why : folio_error_name(rc));
	d->has_meta = 0;
	folio_buf_reset(&f->json);
	(void)folio_report_doc_json(&f->json, d, &err);
	r->progress.failed++;
}

/* The group commit: one syncfs for the pending documents' temporary
 * files, then their renames, then their journal lines, so a journal
 * line never names an output that is not on disk, whole. */
static void commit_pending(run *r)
{
	folio_error err = {0};
	size_t k;
	int fd, rc = 0;

	if (r->n_pending == 0)
		return;
	fd = open(r->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	rc = fd < 0 ? folio_error_set(&err, FOLIO_EIO, "%s: cannot open: %s",
		r->dir, strerror(errno)) : folio_file_syncfs(fd, r->dir, &err);
	if (fd >= 0)
		close(fd);
	for (k = 0; k < r->n_pending; k++) {
		finished *f = r->pending[k];
		int rc2 = rc;
		if (rc == 0)
			rc2 = folio_commit_group_publish(&f->files, -1, &err);
		else
			folio_commit_group_abort(&f->files);
		if (rc2 < 0)
			publish_failed(r, f, rc2, err.msg);
		settle(r, f);
	}
	r->n_pending = 0;
}

/* Serialised by the pool, on the thread that ran job j. */
static void job_done(void *ctx, size_t j, int worker, int rc)
{
	run *r = ctx;
	finished *f = r->working[slot_of(worker, j)];
	folio_doc_result *d;
	long long now;

	(void)rc;
	r->working[slot_of(worker, j)] = NULL;
	if (f == NULL || f->d.source == NULL) {
		/* Out of memory before the document had a name: the run
		 * cannot account for it. */
		finished_free(f);
		if (r->stream_rc == 0)
			r->stream_rc = folio_error_set(&r->stream_err,
				FOLIO_ENOMEM, "source %zu of the manifest: out "
				"of memory", folio_shard_at(&r->shard, j) + 1);
		return;
	}
	d = &f->d;
	(void)j;
	now = folio_now_ns();
	r->progress.done++;
	if (d->status == FOLIO_DOC_FAILED)
		r->progress.failed++;
	if (d->status == FOLIO_DOC_SKIPPED)
		r->progress.skipped++;
	r->cache_refreshed |= f->refreshed;
	r->progress.elapsed = (double)(now - r->t0) / 1e9;
	if (r->opts->progress != NULL)
		r->opts->progress(r->opts->progress_ctx, &r->progress, d);
	if (f->files.n == 0) {
		settle(r, f);
		return;
	}
	if (r->n_pending == 0)
		r->pending_t0 = now;
	r->pending[r->n_pending++] = f;
	if (r->n_pending >= r->group_docs ||
	    now - r->pending_t0 >= COMMIT_GROUP_NS)
		commit_pending(r);
}

/* dir/sub (or dir when sub is NULL), open for lookups relative to it. */
static int open_dir_at(int *out, const char *dir, const char *sub,
	folio_error *err)
{
	char path[PATH_MAX_LEN];
	int rc = sub ? folio_run_join(path, sizeof(path), err, "%s/%s", dir,
		sub) : folio_run_join(path, sizeof(path), err, "%s", dir);

	if (rc < 0)
		return rc;
	*out = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*out < 0)
		return folio_error_set(err, FOLIO_EIO, "%s: cannot open: %s",
			path, strerror(errno));
	return 0;
}

int folio_run_documents(run *r, folio_error *err)
{
	folio_pool_job job;
	int workers = r->opts->workers > 0 ? r->opts->workers :
		folio_pool_default_workers();
	size_t i;
	int rc;

	r->n_jobs = folio_shard_size(&r->shard, r->m->n_sources);
	r->rep->n = r->n_jobs;
	r->working = calloc((size_t)workers * FOLIO_POOL_MAX_BATCH,
		sizeof(*r->working));
	r->windows = calloc((size_t)workers, sizeof(*r->windows));
	r->n_windows = r->windows != NULL ? workers : 0;
	r->pending = calloc(COMMIT_GROUP_DOCS, sizeof(*r->pending));
	r->group_docs = r->n_jobs / 8 < 1 ? 1 : r->n_jobs / 8 >
		COMMIT_GROUP_DOCS ? COMMIT_GROUP_DOCS : r->n_jobs / 8;
	if (r->working == NULL || r->windows == NULL || r->pending == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	if ((rc = folio_run_spool(&r->documents, r->dir, err)) < 0 ||
	    (rc = folio_doc_lines_new(&r->table, r->m->n_sources,
		r->documents, r->dir, err)) < 0 ||
	    (rc = open_dir_at(&r->src_dir_fd, r->m->dir, NULL, err)) < 0 ||
	    (rc = open_dir_at(&r->pdf_dir_fd, r->dir, "pdf", err)) < 0 ||
	    (rc = open_dir_at(&r->epub_dir_fd, r->dir, "epub", err)) < 0)
		return rc;
	r->line.limit = FOLIO_CACHE_MAX_LINE;
	r->progress.total = r->n_jobs;
	job.run = job_run;
	job.done = job_done;
	job.ctx = r;
	job.n_jobs = r->n_jobs;
	job.n_workers = workers;
	job.stop = r->opts->stop;
	r->rep->workers = (size_t)workers > r->n_jobs ?
		(int)(r->n_jobs ? r->n_jobs : 1) : workers;
	rc = folio_pool_run(&job, err);
	/* The last group, also when stopped: those documents are done. */
	commit_pending(r);
	if (rc == FOLIO_EUSAGE && r->opts->stop && *r->opts->stop) {
		folio_error_clear(err);
		r->rep->stopped = 1;
		rc = 0;
	}
	/* Documents never started (stopped) are listed as not run. */
	for (; rc == 0 && r->next_out < r->n_jobs; r->next_out++) {
		folio_batch_source src;
		folio_doc_result d;
		memset(&d, 0, sizeof(d));
		d.index = folio_shard_at(&r->shard, r->next_out);
		if ((rc = folio_batch_source_get(r->m, d.index, &src,
			err)) < 0)
			break;
		/* rel as the char * a result holds (only read here). */
		d.source = src.path + (src.rel - src.path);
		folio_buf_reset(&r->line);
		(void)folio_report_doc_json(&r->line, &d, &r->stream_err);
		stream_out(r, &d, r->line.data, r->line.len,
			r->next_out == 0);
	}
	if (fputs(r->n_jobs ? "\n  ]" : "[]", r->documents) < 0 &&
	    r->stream_rc == 0)
		r->stream_rc = folio_error_set(&r->stream_err, FOLIO_EIO,
			"%s: cannot write the report's documents", r->dir);
	if (rc == 0 && r->stream_rc < 0)
		rc = folio_error_set(err, r->stream_rc, "%s",
			r->stream_err.msg);
	/* Left only when the pool failed or was stopped. */
	for (i = 0; i < r->cap_parked; i++) {
		finished_free(r->parked[i]);
		r->parked[i] = NULL;
	}
	return rc;
}

/* The number of a file name "<fonds>-<year>-<Y|D30|D10>-<n>.<ext>" of
 * this batch, 0 when it is not one. */
static unsigned output_number(const run *r, const char *name, size_t len)
{
	size_t fl = strlen(r->m->fonds_code), yl = strlen(r->m->year);
	const char *p = name + fl + yl + 2, *end = name + len;
	unsigned long v = 0;

	if (len <= fl + yl + 2 || strncmp(name, r->m->fonds_code, fl) != 0 ||
	    name[fl] != '-' || strncmp(name + fl + 1, r->m->year, yl) != 0 ||
	    name[fl + 1 + yl] != '-')
		return 0;
	while (p < end && *p != '-')
		p++;
	if (p == end || ++p == end)
		return 0;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9' || v > 100000000)
			return 0;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	return (unsigned)v;
}

/* Whether name (CODE + ext) is an output a document of this batch owns;
 * in a shard, names of other shards' documents count as owned. */
static int owned_output(const run *r, const char *name, const char *ext)
{
	size_t len = strlen(name), e = strlen(ext);
	char code[FOLIO_ARCHIVE_CODE_MAX];
	unsigned number;
	unsigned char slot;

	if (len <= e || strcmp(name + len - e, ext) != 0)
		return 1;      /* not an output: a temporary file, say */
	number = output_number(r, name, len - e);
	if (number == 0)
		return r->shard.count != 0;
	if (!folio_shard_has(&r->shard, number - 1))
		return 1;
	if (number > r->m->n_sources || (slot = r->owned[number - 1]) == 0)
		return 0;
	if (folio_archive_code(code, r->m->fonds_code, r->m->year,
		folio_retentions[slot - 1], number, NULL) < 0)
		return 0;
	return strlen(code) == len - e && strncmp(code, name, len - e) == 0;
}

/* Outputs no current document owns (a failed one, a source removed or
 * moved to another 件号) would be archived under a wrong name. */
void folio_run_remove_orphans(const run *r)
{
	static const char *const kinds[] = {"pdf", "epub"};
	static const char *const exts[] = {".pdf", ".epub"};
	char dir[PATH_MAX_LEN], path[PATH_MAX_LEN];
	struct dirent *de;
	size_t k;
	DIR *dp;

	for (k = 0; k < 2; k++) {
		if (snprintf(dir, sizeof(dir), "%s/%s", r->dir, kinds[k]) >=
			(int)sizeof(dir) || (dp = opendir(dir)) == NULL)
			continue;
		while ((de = readdir(dp)) != NULL)
			if (de->d_name[0] != '.' &&
			    !owned_output(r, de->d_name, exts[k]) &&
			    snprintf(path, sizeof(path), "%s/%s", dir,
				de->d_name) < (int)sizeof(path))
				(void)unlink(path);
		closedir(dp);
	}
}

/* Whether a temporary file's final name (before ".tmp.") is for one of
 * this shard's documents, or one of its own files. */
static int own_temp(const run *r, const char *name, int in_shards_dir)
{
	const char *tmp = strstr(name, ".tmp.");
	const char *dot;
	char prefix[48];

	if (tmp == NULL)
		return 0;
	if (r->shard.count == 0)
		return 1;
	if (in_shards_dir) {
		folio_shard_name(prefix, sizeof(prefix), r->shard.index,
			r->shard.count);
		return strncmp(name, prefix, strlen(prefix)) == 0 &&
			name[strlen(prefix)] == '.';
	}
	/* "<档号>.pdf.tmp.XXXXXX": the number is before the first dot. */
	dot = strchr(name, '.');
	if (dot == NULL || dot > tmp)
		return 0;
	{
		unsigned n = output_number(r, name, (size_t)(dot - name));
		return n > 0 && folio_shard_has(&r->shard, n - 1);
	}
}

static void sweep_dir(const run *r, const char *dir, int in_shards_dir)
{
	char path[PATH_MAX_LEN];
	struct dirent *de;
	DIR *dp = opendir(dir);

	if (dp == NULL)
		return;
	while ((de = readdir(dp)) != NULL)
		if (own_temp(r, de->d_name, in_shards_dir) &&
		    snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) <
			(int)sizeof(path))
			(void)unlink(path);
	closedir(dp);
}

void folio_run_sweep(const run *r)
{
	char sub[PATH_MAX_LEN];

	if (r->shard.count == 0)
		sweep_dir(r, r->dir, 0);
	if (snprintf(sub, sizeof(sub), "%s/pdf", r->dir) < (int)sizeof(sub))
		sweep_dir(r, sub, 0);
	if (snprintf(sub, sizeof(sub), "%s/epub", r->dir) < (int)sizeof(sub))
		sweep_dir(r, sub, 0);
	sweep_dir(r, r->shards_dir, 1);
}
