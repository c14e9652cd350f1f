/*
 * report.h - what a batch run did, per document and in total, as data
 * and as the JSON report (out/<batch>/report.json, `--json`).
 *
 * The batch engine fills one folio_doc_result per source while workers
 * run (each worker writes only its own documents' entries; totals are
 * summed afterwards), then folio_report_json renders the whole report.
 *
 * JSON shape (keys always present, in this order):
 *   {"folio": VERSION, "batch": ID, "manifest": PATH, "out": DIR,
 *    "workers": N, "stopped": BOOL, "wall_ms": F, "docs_per_s": F,
 *    "totals": {"documents", "built", "skipped", "failed", "pages",
 *               "pdf_bytes", "epub_bytes",
 *               "ms": {"read", "layout", "pdf", "epub"}},
 *    "archive": {"status": "built|skipped|not written|failed",
 *                "path", "bytes", "ms", "error", "partial"},
 *    "documents": [{"index", "source", "code", "id", "status":
 *                   "built|skipped|failed|not run", "pages", "pdf_bytes",
 *                   "epub_bytes", "ms": {"read", "layout", "pdf", "epub"},
 *                   "error": MSG|null, "error_kind": NAME|null,
 *                   "archive_code": CODE|null}, ...],
 *    "site": {"status": "built|skipped|not written|failed", "path",
 *             "documents", "sources_read", "pages_written",
 *             "files_written", "qr", "ms", "error"}}
 * Strings are escaped for JSON; missing values are null.
 *
 * Ownership: a folio_batch_report owns its docs array and every char *
 * in it and in its documents (malloc'd); folio_report_free releases
 * them (NULL is a no-op).
 */
#ifndef FOLIO_BATCH_REPORT_H
#define FOLIO_BATCH_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/error.h"

#define FOLIO_REPORT_CODE_MAX 64

typedef enum folio_doc_status {
	FOLIO_DOC_NOT_RUN = 0, /* stopped before its turn */
	FOLIO_DOC_BUILT,
	FOLIO_DOC_SKIPPED,     /* inputs unchanged, outputs in place */
	FOLIO_DOC_FAILED
} folio_doc_status;

typedef enum folio_archive_status {
	FOLIO_ARCHIVE_NOT_WRITTEN = 0,
	FOLIO_ARCHIVE_BUILT,
	FOLIO_ARCHIVE_SKIPPED,   /* no record changed, archive in place */
	FOLIO_ARCHIVE_FAILED
} folio_archive_status;

/* The site step (site/site.h). */
typedef enum folio_site_status {
	FOLIO_SITE_NOT_WRITTEN = 0,   /* --no-site, stopped, or no run */
	FOLIO_SITE_BUILT,             /* some file of the site changed */
	FOLIO_SITE_UP_TO_DATE,        /* nothing to write ("skipped") */
	FOLIO_SITE_FAILED
} folio_site_status;

typedef struct folio_doc_result {
	char *source;                  /* manifest-relative path */
	char code[FOLIO_REPORT_CODE_MAX]; /* 档号, "" when unknown */
	char *id;                      /* document id, malloc'd or NULL */
	folio_doc_status status;
	size_t pages;
	uint64_t pdf_bytes, epub_bytes;
	double read_ms, layout_ms, pdf_ms, epub_ms;
	int error_code;                /* FOLIO_E* when failed */
	char *error;                   /* malloc'd message or NULL */
	/* 档号 inside a partial archive, whose 件号 count only the
	 * documents it holds; "" when equal to code. */
	char archive_code[FOLIO_REPORT_CODE_MAX];
} folio_doc_result;

typedef struct folio_batch_report {
	char *batch_id;
	char *manifest;
	char *out_dir;                 /* malloc'd: out/<batch> */
	int workers;
	int stopped;                   /* interrupted by a signal */
	double wall_ms;
	folio_doc_result *docs;        /* n entries, malloc'd */
	size_t n;
	/* Totals, filled by folio_report_sum. */
	size_t built, skipped, failed, not_run;
	size_t pages;
	uint64_t pdf_bytes, epub_bytes;
	double read_ms, layout_ms, pdf_ms, epub_ms;
	/* The archive step. */
	folio_archive_status archive;
	char *archive_path;            /* malloc'd or NULL */
	uint64_t archive_bytes;
	double archive_ms;
	char *archive_error;           /* malloc'd or NULL */
	int archive_partial;           /* written with failed documents */
	/* The site step. */
	folio_site_status site;
	char *site_path;               /* malloc'd: out/<batch>/site, or NULL */
	size_t site_documents, site_sources_read, site_pages_written;
	size_t site_files_written;
	int site_qr;                   /* pages carry QR codes */
	double site_ms;
	char *site_error;              /* malloc'd or NULL */
} folio_batch_report;

/* Allocate docs for n sources (all "not run"). */
int folio_report_init(folio_batch_report *r, size_t n, folio_error *err);
/* Sum the per-document figures into the totals. */
void folio_report_sum(folio_batch_report *r);
/* Append the JSON report (one object, newline-terminated) to out. */
int folio_report_json(folio_buf *out, const folio_batch_report *r,
	folio_error *err);
const char *folio_doc_status_name(folio_doc_status s);
const char *folio_archive_status_name(folio_archive_status s);
const char *folio_site_status_name(folio_site_status s);
void folio_report_free(folio_batch_report *r);

#endif
