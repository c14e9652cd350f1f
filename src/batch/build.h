/*
 * build.h - one batch run: every source of a manifest to a PDF and an
 * EPUB, in parallel and incrementally, then the signed archive.
 *
 * Layout of the output folder (out_root/<batch id>/):
 *   pdf/<档号>.pdf  epub/<档号>.epub  <batch id>.zip  report.json
 *   .cache (see cache.h)  .lock (held while a run is going on)
 *
 * A run: read the manifest; take the folder's lock (a second run on the
 * same folder fails with FOLIO_EIO rather than racing the first); remove
 * temporary files a killed run left ("*.tmp.*"); read the style and the
 * fonts once (shared read-only by the workers); then each worker takes
 * the next source: hash its bytes, skip it when the cache says its
 * outputs are current, else read -> lay out -> PDF -> EPUB, each output
 * written to a temporary sibling and renamed, and the document freed
 * before the next. After the workers: outputs no source names any more
 * are removed, the archive is written when every document built (or
 * allow_partial is set), unless no_archive, and only when something it
 * is made of changed or it is missing; then the site (out/<batch>/site/,
 * see site/site.h) of the documents that have outputs, unless no_site;
 * last the cache and report.json.
 *
 * Failure isolation: a document that fails is recorded in the report
 * (FOLIO_E* code and its message, file:line:col for bad input) and the
 * others go on. A stale archive of an earlier run is removed when the
 * batch now has failures and no archive is written, so the ZIP under the
 * final name always describes the batch as it is.
 *
 * Partial archives (allow_partial with failures): the archive writer
 * numbers 件号 by position in the manifest it is given, so the archive is
 * made from the documents that built, renumbered 1..k, through hard links
 * in .partial/; the report gives each document's archive_code.
 *
 * Interrupts: when *stop becomes non-zero no new document starts; the
 * documents in progress finish, the cache and report are written, no
 * archive is made, and the report says "stopped". A run killed outright
 * leaves only complete files under final names, and the next run builds
 * what is missing.
 *
 * Returns 0 when the run went through (documents may still have failed:
 * see out->failed), or a negative FOLIO_E* for what stops a run as a
 * whole (manifest, style, fonts, output folder, lock) or a failed
 * archive (the report is still written then). `out` is filled as far as
 * the run got; release it with folio_report_free.
 *
 * Library code: never prints. Progress goes through the callback, which
 * the pool calls serialised, from whichever thread finished a document.
 */
#ifndef FOLIO_BATCH_BUILD_H
#define FOLIO_BATCH_BUILD_H

#include <signal.h>

#include "batch/progress.h"
#include "batch/report.h"
#include "util/error.h"

typedef struct folio_build_options {
	const char *out_root;          /* NULL: "out" */
	int workers;                   /* <= 0: online CPUs */
	int no_archive;
	int force;                     /* ignore the cache */
	int allow_partial;
	const char *key_path;          /* NULL: the manifest's signer */
	const char *cert_path;
	int no_site;                   /* skip the site (site/site.h) */
	const char *base_url;          /* NULL: the manifest's <base-url> */
	volatile sig_atomic_t *stop;   /* may be NULL */
	void (*progress)(void *ctx, const folio_progress *p,
		const folio_doc_result *doc);
	void *progress_ctx;
} folio_build_options;

int folio_build_run(folio_batch_report *out, const char *manifest_path,
	const folio_build_options *opts, folio_error *err);

#endif
