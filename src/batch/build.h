/*
 * build.h - one batch run: every source of a manifest (or one shard's
 * slice of them) to a PDF and an EPUB, in parallel and incrementally,
 * then the signed archive; or the merge of the shards' work into the
 * archive.
 *
 * Layout of the output folder (out_root/<batch id>/):
 *   pdf/<档号>.pdf  epub/<档号>.epub     every run and shard writes here
 *   <batch id>.zip  report.json          a whole-batch run or the merge
 *   .cache  .archive  .lock              (cache.h; what the ZIP was made
 *                                         of; held while a run goes on)
 *   shards/K-of-N.json  .cache  .lock    one shard's report, cache, lock
 *
 * A whole-batch run: read the manifest; take the folder's lock
 * (exclusive: a second run, a shard or a merge fails at once rather than
 * race); remove the temporary files a killed run left ("*.tmp.*"); read
 * the style and the fonts once (shared read-only by the workers); then
 * each worker takes the next source: hash its bytes, skip it when a cache
 * entry says its outputs are current, else read -> lay out -> PDF ->
 * EPUB, each output written to a temporary sibling and renamed, and the
 * document freed before the next. Finished documents stream out as they
 * come (report, cache journal): memory does not grow with the batch.
 * After the workers: outputs no source owns are removed, the archive is
 * written from the documents' records when every document built (or
 * allow_partial is set), unless no_archive, and only when what it is
 * made of changed or it is missing; then the site (out/<batch>/site/,
 * see site/site.h) of the documents that have outputs, unless no_site;
 * last the cache and report.json.
 *
 * A shard (opts->shard.count > 0) does the same for its slice (shard.h)
 * under the folder's lock taken shared (shards run side by side) and its
 * own lock taken exclusive (the same shard twice fails at once). It
 * removes its report first, so a shard killed midway has none; writes
 * no archive; ends with shards/K-of-N.json. Temporary files and stale
 * outputs are cleared only for its own documents.
 *
 * The merge (opts->merge) takes the folder's lock exclusive (no shard
 * may be running), reads shards/K-of-N.json for K = 1..N, and refuses
 * with FOLIO_EINPUT naming the shards when one is missing, was stopped,
 * or was made from other inputs (manifest, style, stylesheet, fonts,
 * SOURCE_DATE_EPOCH) than the others or than the manifest now; checks
 * that each output is still the one its shard recorded; then writes the
 * archive, the site and report.json from the records the shards
 * reported, laying nothing out: the ZIP is byte-identical to a whole-batch run's.
 *
 * Failure isolation: a document that fails is recorded in the report
 * (FOLIO_E* code and its message, file:line:col for bad input) and the
 * others go on. A stale archive of an earlier run is removed when the
 * batch now has failures and no archive is written, so the ZIP under the
 * final name always describes the batch as it is. A partial archive
 * (allow_partial) holds the documents that built under their own 档号.
 *
 * Interrupts: when *stop becomes non-zero no new document starts; the
 * documents in progress finish, the cache and report are written, no
 * archive is made, and the report says "stopped". A run killed outright
 * leaves only complete files under final names, and the next run builds
 * what is missing.
 *
 * Returns 0 when the run went through (documents may still have failed:
 * see out->failed), or a negative FOLIO_E* for what stops a run as a
 * whole (manifest, style, fonts, output folder, lock, a shard missing
 * at merge) or a failed archive (the report is still written then).
 * `out` is filled as far as the run got; release it with
 * folio_report_free.
 *
 * Library code: never prints. Progress goes through the callback, which
 * the pool calls serialised, from whichever thread finished a document.
 */
#ifndef FOLIO_BATCH_BUILD_H
#define FOLIO_BATCH_BUILD_H

#include <signal.h>

#include "archive/archive.h"
#include "batch/progress.h"
#include "batch/report.h"
#include "batch/shard.h"
#include "util/error.h"

typedef struct folio_build_options {
	const char *out_root;          /* NULL: "out" */
	int workers;                   /* <= 0: online CPUs */
	int no_archive;
	int force;                     /* ignore the cache */
	int allow_partial;
	const char *key_path;          /* NULL: the manifest's signer */
	const char *cert_path;
	folio_shard shard;             /* count 0: the whole batch */
	int merge;                     /* archive from the shards' reports */
	int no_site;                   /* skip the site (site/site.h) */
	const char *base_url;          /* NULL: the manifest's <base-url> */
	volatile sig_atomic_t *stop;   /* may be NULL */
	void (*progress)(void *ctx, const folio_progress *p,
		const folio_doc_result *doc);
	void *progress_ctx;
} folio_build_options;

int folio_build_run(folio_batch_report *out, const char *manifest_path,
	const folio_build_options *opts, folio_error *err);

/* --dry-run: what folio_build_run would do to each document of the
 * run's slice, and why, after the same checks (manifest, styles, fonts,
 * signer) and from the same cache and last report, without writing
 * anything: no folder, lock or journal. on_item is called once per
 * document in slice order. A source that cannot be read is listed as
 * such (the run would fail it), not an error of the plan. */
typedef enum folio_plan_reason {
	FOLIO_PLAN_NEW,             /* no earlier run built it */
	FOLIO_PLAN_SOURCE_CHANGED,
	FOLIO_PLAN_STYLE_CHANGED,   /* print style or EPUB stylesheet */
	FOLIO_PLAN_SETTINGS_CHANGED,/* fonts, folio, SOURCE_DATE_EPOCH */
	FOLIO_PLAN_OUTPUT_MISSING,  /* or changed since it was written */
	FOLIO_PLAN_FAILED_BEFORE,
	FOLIO_PLAN_FORCED,
	FOLIO_PLAN_UNREADABLE,
	FOLIO_PLAN_UP_TO_DATE,      /* the only one that is not built */
	FOLIO_PLAN_FIGURE_CHANGED   /* an image a <figure> shows */
} folio_plan_reason;

typedef struct folio_plan_item {
	size_t index;               /* 0-based in the manifest */
	const char *source;         /* manifest-relative */
	char code[64];              /* 档号 of its outputs, "" unknown */
	folio_plan_reason reason;
	const char *detail;         /* UNREADABLE: the message */
} folio_plan_item;

typedef struct folio_plan_summary {
	char batch_id[128];
	char out_dir[4096];
	size_t n, to_build, up_to_date;
} folio_plan_summary;

int folio_build_plan(folio_plan_summary *out, const char *manifest_path,
	const folio_build_options *opts,
	void (*on_item)(void *ctx, const folio_plan_item *it), void *ctx,
	folio_error *err);
const char *folio_plan_reason_name(folio_plan_reason r);

/* `folio archive`: the archive of what the last whole-batch run or merge
 * reported in dir/report.json (dir: out/<batch>), written to zip_path.
 * The report must be of this manifest as it is now, complete and with
 * no failed document; each output must be the one the report names. */
int folio_build_archive_report(folio_archive_stats *out,
	const char *manifest_path, const char *dir, const char *zip_path,
	const char *key_path, const char *cert_path, folio_error *err);

#endif
