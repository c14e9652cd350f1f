/*
 * records.h - from a batch's documents to archive records.
 *
 * The batch engine knows a document by its place in the manifest; the
 * archive writer (archive/archive.h) knows only the records it is given.
 * This is the one place that turns the first into the second: the 档号
 * of a source, the DA/T 46 metadata kept of it (the manifest's defaults
 * applied), and, for a whole batch, the list of records with their files
 * under the output folder.
 *
 * Documents come as folio_doc_result (report.h), one per manifest source
 * in manifest order, whoever made them: the document phase of a run, the
 * shards' reports read back by the merge, the report `folio archive`
 * reads, or the sources themselves (a sources-only archive). What one of
 * them says is what the archive says: nothing is laid out again.
 */
#ifndef FOLIO_BATCH_RECORDS_H
#define FOLIO_BATCH_RECORDS_H

#include <stdint.h>

#include "archive/archive.h"
#include "batch/manifest.h"
#include "batch/report.h"
#include "model/doc.h"
#include "util/error.h"

/* 档号 of the document that is source `number` (1-based) of m: its own
 * 保管期限 if it has one, else the manifest's default. */
int folio_batch_code(char *out, const folio_doc *doc,
	const folio_batch_manifest *m, unsigned number, folio_error *err);

/* The record metadata of doc (strings malloc'd into out; 密级 and
 * 保管期限 fall back to the manifest's defaults; keywords joined by
 * spaces). */
int folio_doc_meta_fill(folio_doc_meta *out, const folio_doc *doc,
	const folio_batch_manifest *m, folio_error *err);

/* The image files doc's figures show into d->figures (replacing what
 * was there), each once, in reading order: src as written, the format
 * and SHA-256 of the bytes the reader took, no stamp (the batch stats
 * the files itself). d->figures_set becomes 1. */
int folio_doc_figures_from(folio_doc_result *d, const folio_doc *doc,
	folio_error *err);

/* Every source of m read for its metadata, 档号 and figures (no
 * outputs, no 页数): docs[i] for source i, status built. A source that cannot be
 * read fails the whole (an archive must be complete), naming it with
 * file:line:col. Free with folio_records_free(docs, n). */
int folio_records_from_sources(folio_doc_result **out,
	const folio_batch_manifest *m, folio_error *err);
void folio_records_free(folio_doc_result *docs, size_t n);

typedef struct folio_records_job {
	const folio_batch_manifest *m;
	const char *outputs_dir;   /* DIR/pdf/<档号>.pdf, DIR/epub/<档号>.epub;
	                              NULL: sources alone */
	const char *zip_path;
	const char *key_path;      /* NULL: the manifest's signer */
	const char *cert_path;
	int64_t time;
	/* Leave documents that failed out (bag-info.txt names each one);
	 * else one failed document refuses the archive. */
	int allow_partial;
} folio_records_job;

/* Archive docs[0..m->n_sources): the ones that built (or were up to
 * date) as records numbered by their manifest place, with their
 * source's digest checked. A document that was not run, or failed
 * without allow_partial, refuses the archive (FOLIO_EINPUT, naming how
 * many and the first). */
int folio_records_archive(folio_archive_stats *out,
	const folio_records_job *job, const folio_doc_result *docs,
	folio_error *err);

#endif
