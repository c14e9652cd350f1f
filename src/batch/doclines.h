/*
 * doclines.h - a batch's documents by manifest place, kept on disk.
 *
 * A run learns about its documents in the order they finish (or, in a
 * merge, shard by shard), and its later steps want them in manifest
 * order, several times: the archive's records, the site, the merged
 * report. Held in memory a document is about a kilobyte (its metadata,
 * figures, import summary); at a million documents that is a gigabyte.
 * Instead each document's line of JSON (report.h's document
 * object) where it already is, in a spool file, and only where it is
 * (12 bytes a document, past half a megabyte kept in a temporary file
 * beside the run's outputs: util/recarray.h) and its status (a byte).
 * A document is parsed again each time a step asks for it.
 *
 * The spool is the caller's (a file opened for reading and writing,
 * usually folio_run_spool's); lines are either written there by the
 * caller (folio_doc_lines_set says where) or appended here
 * (folio_doc_lines_append). Reading flushes the stream first.
 *
 * Errors: FOLIO_ENOMEM; FOLIO_EIO when the spool cannot be read back;
 * FOLIO_EINPUT when a line does not parse (a spool is ours: that is a
 * bug or a damaged disk, and the message names the document).
 */
#ifndef FOLIO_BATCH_DOCLINES_H
#define FOLIO_BATCH_DOCLINES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "batch/report.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/readwin.h"

typedef struct folio_doc_lines folio_doc_lines;

/* Lines of n documents (none known yet) in spool (borrowed); where
 * they are is kept, past its budget, in a temporary file in dir. */
int folio_doc_lines_new(folio_doc_lines **out, size_t n, FILE *spool,
	const char *dir, folio_error *err);
void folio_doc_lines_free(folio_doc_lines *t);
size_t folio_doc_lines_size(const folio_doc_lines *t);
/* 1 when where the lines are is kept on disk (a test's question). */
int folio_doc_lines_on_disk(const folio_doc_lines *t);

/* Document `index`'s line is the len bytes the spool holds at off. */
int folio_doc_lines_set(folio_doc_lines *t, size_t index, uint64_t off,
	size_t len, folio_doc_status status, folio_error *err);
/* d's line appended to the spool (scratch: a buffer the caller reuses),
 * and set for d->index. */
int folio_doc_lines_append(folio_doc_lines *t, const folio_doc_result *d,
	folio_buf *scratch, folio_error *err);

/* 1 when document i's line is known. */
int folio_doc_lines_has(const folio_doc_lines *t, size_t i);
/* Document i's status as set (FOLIO_DOC_NOT_RUN when unknown). */
folio_doc_status folio_doc_lines_status(const folio_doc_lines *t, size_t i);
/* Document i's line into line (replacing its contents). */
int folio_doc_lines_line(folio_doc_lines *t, size_t i, folio_buf *line,
	folio_error *err);
/* Document i parsed into out (overwritten: clear it after use with
 * folio_doc_result_clear). The record is decoded (out->meta), not kept
 * as JSON. One caller at a time (the table's read window, so lines
 * asked for in the order they were written cost a read for many). */
int folio_doc_lines_get(folio_doc_lines *t, size_t i, folio_doc_result *out,
	folio_error *err);
/* What was written to the spool, flushed. After it, and until the next
 * set or append, folio_doc_lines_read may run on several threads. */
int folio_doc_lines_sync(folio_doc_lines *t, folio_error *err);
/* folio_doc_lines_get through the caller's window (util/readwin.h):
 * lines read about in the order they were written cost a read for many
 * of them. */
int folio_doc_lines_read(const folio_doc_lines *t, size_t i,
	folio_read_window *w, folio_doc_result *out, folio_error *err);

#endif
