/*
 * records.h - from a batch's documents to archive records.
 *
 * The batch engine knows a document by its place in the manifest; the
 * archive writer (archive/archive.h) knows only the records it is given.
 * This is the one place that turns the first into the second: the 档号
 * of a source, the DA/T 46 metadata kept of it (the manifest's defaults
 * applied), and, for a whole batch, the records with their files under
 * the output folder.
 *
 * Documents come as folio_doc_result (report.h), one per manifest source,
 * asked for one at a time in manifest order (folio_doc_list), whoever
 * made them: the document phase of a run, the shards' reports read back
 * by the merge, the report `folio archive` reads, or the sources
 * themselves (a sources-only archive). What one of them says is what
 * the archive says: nothing is laid out again. The records go to the
 * archive writer one by one as they are made: memory does not grow
 * with the batch.
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

/* The documents an archive is made of, one per manifest source, asked
 * for one at a time so that nobody holds them all: get fills document i
 * (0-based manifest place; the caller clears it after use; on failure
 * it holds nothing), status says how it went without reading it. */
typedef struct folio_doc_list {
	int (*get)(void *ctx, size_t i, folio_doc_result *out,
		folio_error *err);
	folio_doc_status (*status)(void *ctx, size_t i);
	void *ctx;
} folio_doc_list;

/* The documents whose lines are in l (batch/doclines.h). */
struct folio_doc_lines;
void folio_doc_list_of_lines(folio_doc_list *out, struct folio_doc_lines *t);

/* The sources of m themselves, each read for its metadata, 档号 and
 * figures when asked for (no outputs, no 页数), status built. A source
 * that cannot be read fails the whole (an archive must be complete),
 * naming it with file:line:col. */
void folio_doc_list_of_sources(folio_doc_list *out,
	const folio_batch_manifest *m);

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

/* Archive the m->n_sources documents of docs: the ones that built (or
 * were up to date) as records numbered by their manifest place, with
 * their source's digest checked, handed to the writer one at a time.
 * A document that was not run, or failed without allow_partial, refuses
 * the archive before any work (FOLIO_EINPUT, naming how many and the
 * first). */
int folio_records_archive(folio_archive_stats *out,
	const folio_records_job *job, const folio_doc_list *docs,
	folio_error *err);

#endif
