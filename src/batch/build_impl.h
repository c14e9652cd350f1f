/*
 * build_impl.h - what the parts of a batch run share: build.c (set-up,
 * locks, the archive step, the report), documents.c (the document
 * phase) and merge.c (shards' reports back into one batch). Not for
 * other modules: build.h is the contract.
 */
#ifndef FOLIO_BATCH_BUILD_IMPL_H
#define FOLIO_BATCH_BUILD_IMPL_H

#include <stdio.h>

#include "batch/build.h"
#include "batch/cache.h"
#include "batch/doclines.h"
#include "batch/manifest.h"
#include "epub/epub.h"
#include "pdf/pdf.h"
#include "site/site.h"
#include "util/digest.h"

#define PATH_MAX_LEN 4096

typedef struct run {
	const folio_build_options *opts;
	folio_batch_manifest *m;       /* its list goes after the documents */
	folio_batch_report *rep;
	folio_shard shard;             /* count 0: the whole batch */
	char dir[PATH_MAX_LEN];        /* out_root/<batch> */
	char shards_dir[PATH_MAX_LEN]; /* dir/shards */
	char cache_path[PATH_MAX_LEN]; /* this run's cache file */
	folio_build_inputs inputs;
	char env[FOLIO_CACHE_HEX];     /* the cache's key (cache.h) */
	/* Document phase. */
	const struct folio_style *style;
	const struct folio_fontset *fonts;
	folio_pdf_options pdf;
	/* The site's base URL, checked, when the style draws QR codes on
	 * the PDFs (each points at docs/<档号>.html); "" otherwise. */
	char qr_base[FOLIO_SITE_URL_MAX + 2];
	folio_epub_options epub;
	int src_dir_fd;                /* the manifest's folder */
	int pdf_dir_fd, epub_dir_fd;   /* dir/pdf, dir/epub (O_PATH) */
	folio_cache *old;              /* read-only while workers run */
	folio_cache_writer *journal;   /* under the pool's done lock */
	FILE *documents;               /* the report's "documents" array */
	uint64_t documents_len;        /* bytes written to it */
	/* Where each document's line is (in documents, or in the merge's
	 * spool): the archive and site steps read them from there. */
	struct folio_doc_lines *table;
	size_t n_jobs;                 /* documents in the slice */
	/* run -> done: per worker, FOLIO_POOL_MAX_BATCH slots (pool.h) */
	struct finished **working;
	folio_read_window *windows;    /* per worker: reads of r->old */
	int n_windows;
	/* Done, waiting for their turn: job j at j % cap_parked, for
	 * next_out <= j < next_out + cap_parked (a ring as long as the
	 * furthest job done ahead of its turn, not one slot a job). */
	struct finished **parked;
	size_t cap_parked;
	struct finished **pending;     /* built, waiting for a group commit */
	size_t n_pending;
	size_t group_docs;             /* documents per group commit */
	long long pending_t0;          /* when the first of them was done */
	size_t next_out;               /* first job not streamed out */
	folio_buf line;                /* one document's JSON (merge) */
	/* Per manifest source: 1 + index in folio_retentions of the 档号
	 * its outputs carry, 0 when it owns none. */
	unsigned char *owned;
	folio_sha256_ctx *digest;      /* what the archive is made of */
	int stream_rc;                 /* first error streaming out */
	folio_error stream_err;
	int journal_rc;                /* first error writing the cache */
	folio_error journal_err;
	long long t0;
	folio_progress progress;
	int cache_refreshed;           /* a skipped document's entry changed */
} run;

/* documents.c: the document phase over the run's slice; fills rep's
 * totals and r->documents, r->owned, r->digest. */
int folio_run_documents(run *r, folio_error *err);
/* documents.c: remove outputs no document owns (only the slice's
 * numbers in a shard). */
void folio_run_remove_orphans(const run *r);
/* documents.c: remove the temporary files ("*.tmp.*") a killed run
 * left: all of them, or in a shard only those of its own documents and
 * its own files in shards/. */
void folio_run_sweep(const run *r);

/* build.c: one document's line of the archive digest. */
int folio_run_digest_doc(run *r, const folio_doc_result *d,
	folio_error *err);
/* build.c: the archive step from the run's documents (r->table). */
int folio_run_archive(run *r, folio_error *err);
/* site_step.c: the site (site/site.h) of the documents with outputs,
 * from the run's documents (r->table); nothing with opts->no_site. A
 * failure is recorded in the report and returned. */
int folio_run_site(run *r, folio_error *err);
/* build.c: snprintf into a path buffer; FOLIO_ELIMIT when cut. */
int folio_run_join(char *out, size_t n, folio_error *err, const char *fmt,
	...) __attribute__((format(printf, 4, 5)));
/* build.c: milliseconds since a folio_now_ns() time. */
double folio_run_ms_since(long long t);
/* build.c: SHA-256 hex of a file's bytes. */
int folio_run_file_digest(char out[FOLIO_REPORT_HEX], const char *path,
	size_t limit, folio_error *err);
/* build.c: the manifest, style, stylesheet and SOURCE_DATE_EPOCH parts
 * of the inputs (fonts: by whoever loads them). */
int folio_run_inputs(folio_build_inputs *in, const folio_batch_manifest *m,
	folio_error *err);
/* build.c: flock(2) path, shared or exclusive, without waiting; the fd
 * (held for the life of the process, released at exit, also when
 * killed), or FOLIO_EIO with `busy` as the message. */
int folio_run_lock(const char *path, int exclusive, const char *busy,
	folio_error *err);
/* build.c: an anonymous temporary file in dir. */
int folio_run_spool(FILE **out, const char *dir, folio_error *err);

/* build.c: freed memory back to the system between steps. */
void folio_run_trim(void);
/* build.c: the manifest, with a batch id that names one folder ("",
 * ".", ".." and "/" do not). */
int folio_run_manifest_read(folio_batch_manifest **out, const char *path,
	int workers, folio_error *err);
/* build.c: the signing key and certificate (the manifest's or
 * --key/--cert) readable, a matching pair, and the certificate valid
 * at the signing time, when this run signs; a message with a hint to
 * run `folio keygen` otherwise. */
int folio_run_signer_check(const run *r, folio_error *err);
/* build.c: PDF/EPUB options, the style and the fonts (owned by the
 * caller: *style, *fonts), the fonts' identity and the cache key. */
int folio_run_shared_load(run *r, struct folio_style **style,
	struct folio_fontset **fonts, folio_error *err);
/* documents.c: the cache entry e makes document i with source digest
 * sha up to date (its outputs in place, as recorded, and its figures'
 * files unchanged: folio_run_figures_current). */
int folio_run_up_to_date(const run *r, folio_doc_result *e,
	const char *sha, size_t i, const folio_batch_source *src);

/* documents.c: every figure file entry e lists is as it was: the same
 * stat stamp (no read), or the same bytes (read and hashed; e then
 * carries the new stamp). 0 when one changed, is gone, or e does not
 * list its figures. */
int folio_run_figures_current(const run *r, folio_doc_result *e,
	const folio_batch_source *src);

/* merge.c: the merge step (build.h). */
int folio_run_merge(run *r, folio_error *err);

#endif
