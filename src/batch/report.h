/*
 * report.h - what a batch run did, per document and in total, as data
 * and as JSON: the run's report (out/<batch>/report.json, `--json`), a
 * shard's report (out/<batch>/shards/K-of-N.json), and the lines of the
 * batch cache (cache.h) are all made of the same document objects.
 *
 * A document object is one line of JSON, keys in this order:
 *   {"source", "index", "sha256", "source_stat", "code", "id", "status":
 *    "built|skipped|failed|not run", "pages", "pdf_bytes", "epub_bytes",
 *    "pdf_mtime_ns", "epub_mtime_ns", "ms": {"read", "layout", "pdf",
 *    "epub"}, "error": MSG|null, "error_kind": NAME|null,
 *    "record": {"title", "issuer", "doc_number", "date", "security",
 *               "retention", "category", "keywords"}|null,
 *    "import": {...}|null (see folio_doc_import),
 *    "figures": [{"src", "format": "png|jpg", "sha256", "stat"}, ...]}
 * "index" is 1-based in the manifest; "sha256" is the source's digest
 * and "source_stat" ("inode:size:mtime_ns:ctime_ns" or null) the file as
 * it was when hashed;
 * "figures" lists the image files the document's <figure>s show, each
 * once in reading order (see folio_doc_image), for documents that
 * built or were up to date; [] when none; absent otherwise;
 * "record" is the DA/T 46 metadata the archive writes (the manifest's
 * defaults applied; keywords joined by spaces), present for documents
 * that built or were up to date. The merge step and `folio archive`
 * make the archive from these objects alone: nothing is laid out again.
 *
 * The report (keys always present, in this order):
 *   {"folio": VERSION, "batch": ID, "manifest": PATH, "out": DIR,
 *    "shard": "K/N"|null, "merged_shards": N,
 *    "inputs": {"manifest", "style", "css", "fonts": SHA256 hex,
 *               "epoch": N|null},
 *    "workers": N, "stopped": BOOL, "wall_ms": F, "docs_per_s": F,
 *    "totals": {"documents", "built", "skipped", "failed", "not_run",
 *               "pages", "pdf_bytes", "epub_bytes",
 *               "ms": {"read", "layout", "pdf", "epub"},
 *               "imported", "dropped_lines"},
 *    "archive": {"status": "built|skipped|not written|failed",
 *                "path", "bytes", "ms", "error", "partial"},
 *    "site": {"status": "built|skipped|not written|failed", "path",
 *             "documents", "sources_read", "pages_written",
 *             "files_written", "qr", "ms", "error"},
 *    "documents": [document object, ...]}
 * A shard's report lists the documents of its slice; a merged report
 * lists every document as the shards reported it.
 *
 * Reading back (folio_report_read) is strict (util/json.h): a report
 * that is not one of ours, or is cut short, is FOLIO_EINPUT with
 * file:line:col. Unknown keys are skipped, so a newer folio's report
 * with more fields still reads.
 *
 * Ownership: folio_doc_result and folio_batch_report own their char *
 * fields (malloc'd); the _clear/_free functions release them (NULL is a
 * no-op).
 */
#ifndef FOLIO_BATCH_REPORT_H
#define FOLIO_BATCH_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"

#define FOLIO_REPORT_CODE_MAX 64
#define FOLIO_REPORT_HEX 65            /* 64 hex digits and NUL */
/* Reports grow by about 700 bytes a document. */
#define FOLIO_REPORT_MAX_BYTES ((size_t)2 * 1024 * 1024 * 1024)

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

/* A document's DA/T 46 metadata as the archive writes it. */
typedef struct folio_doc_meta {
	char *title, *issuer, *doc_number, *date, *security, *retention;
	char *category;
	char *keywords;                /* joined by spaces, or NULL */
} folio_doc_meta;

/* A source file as stat(2) saw it when its SHA-256 was taken: while all
 * four are the same the bytes are (a user cannot set ctime back). */
typedef struct folio_source_stamp {
	int set;
	uint64_t ino, size;
	int64_t mtime_ns, ctime_ns;
} folio_source_stamp;

/* The site step (site/site.h). */
typedef enum folio_site_status {
	FOLIO_SITE_NOT_WRITTEN = 0,   /* --no-site, stopped, or no run */
	FOLIO_SITE_BUILT,             /* some file of the site changed */
	FOLIO_SITE_UP_TO_DATE,        /* nothing to write ("skipped") */
	FOLIO_SITE_FAILED
} folio_site_status;

/* What the importer did with a text source (import/import.h): its
 * counts, its one-line summary and every line it dropped, so a batch
 * loses no line without saying so. Written as the document's "import"
 * (null for an XML source):
 *   {"lines", "dropped", "moved", "renumbered", "summary": STR|null,
 *    "drops": [{"line", "col", "text", "reason"}, ...]} */
typedef struct folio_import_drop {
	unsigned line, col;
	char *text, *reason;
} folio_import_drop;

typedef struct folio_doc_import {
	int set;                       /* the source was a page of text */
	size_t lines, dropped, moved, renumbered;
	char *summary;                 /* "dropped 2 lines: ..." or NULL */
	folio_import_drop *drops;      /* the dropped lines, in order */
	size_t n_drops;
} folio_doc_import;

/* A file besides the source that a document's outputs are made of: a
 * figure's image. src is as the source writes it (relative to the
 * source's folder: archive records name it so); format "png" or "jpg"
 * as probed; sha256 of the bytes the document was built from; stamp as
 * stat(2) saw the file then (unset when it changed too recently to be
 * told apart by its time stamps: the next run reads it again). */
typedef struct folio_doc_image {
	char *src;
	char format[4];
	char sha256[FOLIO_REPORT_HEX];
	folio_source_stamp stamp;
} folio_doc_image;

typedef struct folio_doc_result {
	char *source;                  /* manifest-relative path */
	size_t index;                  /* 0-based in the manifest */
	char sha256[FOLIO_REPORT_HEX]; /* of the source bytes, "" unknown */
	folio_source_stamp stamp;      /* of the source when hashed */
	char code[FOLIO_REPORT_CODE_MAX]; /* 档号, "" when unknown */
	char *id;                      /* document id or NULL */
	folio_doc_status status;
	size_t pages;
	uint64_t pdf_bytes, epub_bytes;
	int64_t pdf_mtime_ns, epub_mtime_ns;
	double read_ms, layout_ms, pdf_ms, epub_ms;
	int error_code;                /* FOLIO_E* when failed */
	char *error;                   /* message or NULL */
	int has_meta;                  /* meta is filled (built/skipped) */
	folio_doc_meta meta;
	/* Or the record as the JSON it was read from, kept as it is: a
	 * document found up to date only passes it on (cache.c). */
	char *meta_json;
	folio_doc_import import;       /* text sources only */
	/* The figures' files (built or skipped documents); figures_set
	 * says the list is known (a line without "figures" leaves it 0). */
	folio_doc_image *figures;
	size_t n_figures;
	int figures_set;
} folio_doc_result;

/* Fingerprints of what decides the outputs besides each source: the
 * shards of one batch must agree on them, and the merge checks that
 * they still hold. Hex SHA-256 of the file bytes; fonts: the files
 * and family map in use, without time stamps (the same fonts installed
 * on two machines are the same fonts). */
typedef struct folio_build_inputs {
	char manifest[FOLIO_REPORT_HEX];
	char style[FOLIO_REPORT_HEX];
	char css[FOLIO_REPORT_HEX];
	char fonts[FOLIO_REPORT_HEX];
	long long epoch;               /* SOURCE_DATE_EPOCH, -1 unset */
} folio_build_inputs;

/* A failed document as the CLI lists it. */
typedef struct folio_doc_failure {
	char *source;
	char *error;
} folio_doc_failure;

typedef struct folio_batch_report {
	char *batch_id;
	char *manifest;
	char *out_dir;                 /* out/<batch> */
	char *path;                    /* where this report is written */
	int written;                   /* ... and it was */
	unsigned shard_index, shard_count; /* 1-based; 0/0: whole batch */
	unsigned merged_shards;        /* the merge step: shards merged */
	folio_build_inputs inputs;
	int workers;
	int stopped;                   /* interrupted by a signal */
	double wall_ms;
	size_t n;                      /* documents this run is about */
	/* Totals, summed with folio_report_count. */
	size_t built, skipped, failed, not_run;
	size_t pages;
	uint64_t pdf_bytes, epub_bytes;
	double read_ms, layout_ms, pdf_ms, epub_ms;
	/* Failed documents, in the order they were counted. */
	folio_doc_failure *failures;
	size_t n_failures;
	/* Text sources, the lines their import dropped, and the documents
	 * built this run that dropped some, with the importer's summary
	 * line (error = "dropped 2 lines: ..."). */
	size_t imported, dropped_lines;
	folio_doc_failure *drops;
	size_t n_drops;
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

/* The import report of a text source, as a document keeps it
 * (report_import.c); folio_doc_import_json appends the "import" value
 * (object or null), folio_doc_import_read reads it back. */
struct folio_import_report;
int folio_doc_import_from(folio_doc_import *out,
	const struct folio_import_report *r, folio_error *err);
void folio_doc_import_clear(folio_doc_import *im);
int folio_doc_import_copy(folio_doc_import *dst,
	const folio_doc_import *src);
int folio_doc_import_json(folio_buf *out, const folio_doc_import *im);
int folio_doc_import_read(folio_json *j, folio_doc_import *out,
	folio_error *err);

/* A document's figures (report_figures.c): folio_doc_figures_json
 * appends `, "figures": [...]` (nothing when the list is not set),
 * folio_doc_figures_read reads the value after the key. */
int folio_doc_figures_json(folio_buf *out, const folio_doc_result *d);
int folio_doc_figures_read(folio_json *j, folio_doc_result *d,
	folio_error *err);
void folio_doc_figures_clear(folio_doc_result *d);
int folio_doc_figures_copy(folio_doc_result *dst,
	const folio_doc_result *src);
/* One more figure at the end of d->figures (src copied); NULL when out
 * of memory. */
folio_doc_image *folio_doc_figures_add(folio_doc_result *d,
	const char *src);
/* "inode:size:mtime_ns:ctime_ns" of a stamp into out (at least 96
 * bytes) and back (-1 when s is not one). */
void folio_stamp_format(char *out, size_t n, const folio_source_stamp *st);
int folio_stamp_parse(folio_source_stamp *out, const char *s);

void folio_doc_result_clear(folio_doc_result *d);
/* Copy src's strings into dst (dst is overwritten). */
int folio_doc_result_copy(folio_doc_result *dst, const folio_doc_result *src,
	folio_error *err);

/* Add one document's figures to the totals (and its failure to the
 * list). */
int folio_report_count(folio_batch_report *r, const folio_doc_result *d,
	folio_error *err);
/* One document object (one line, no newline) appended to out. */
int folio_report_doc_json(folio_buf *out, const folio_doc_result *d,
	folio_error *err);
/* The report up to and including `"documents": ` appended to out; the
 * caller then writes the array and "}\n". */
int folio_report_head_json(folio_buf *out, const folio_batch_report *r,
	folio_error *err);
/* The whole report to r->path, atomically: the head, then the
 * documents array copied from `documents` (a stream holding "[...]",
 * read from its start), then the end. */
int folio_report_write(const folio_batch_report *r, FILE *documents,
	folio_error *err);

/* Read one document object; the reader is just before its '{'. With
 * keep_record (a reader on memory), the record is kept as its JSON text
 * in meta_json rather than decoded. */
int folio_report_doc_read(folio_json *j, folio_doc_result *out,
	int keep_record, folio_error *err);

/* Reading a report: the fields a merge checks, then each document in
 * turn through on_doc (which takes ownership of nothing: copy what you
 * keep). Unknown keys are skipped. */
typedef struct folio_report_head {
	char batch[128];
	unsigned shard_index, shard_count;
	unsigned merged_shards;
	folio_build_inputs inputs;
	int stopped;
	size_t documents;              /* totals.documents */
} folio_report_head;

int folio_report_read(folio_report_head *out, const char *path,
	int (*on_doc)(void *ctx, const folio_doc_result *d, folio_json *j),
	void *ctx, folio_error *err);
/* Just a documents array ("[...]", as folio_report_write takes it). */
int folio_report_read_documents(folio_json *j,
	int (*on_doc)(void *ctx, const folio_doc_result *d, folio_json *j),
	void *ctx, folio_error *err);

const char *folio_doc_status_name(folio_doc_status s);
const char *folio_archive_status_name(folio_archive_status s);
const char *folio_site_status_name(folio_site_status s);
void folio_report_free(folio_batch_report *r);

#endif
