/* plan.c - `folio build --dry-run`: what a run would do to each
 * document and why, from the same checks a run makes (build.h), with
 * nothing written: no folder, no lock, no cache journal folded in. */
#include "batch/build_impl.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "font/font.h"
#include "import/import.h"
#include "style/style_read.h"
#include "util/recarray.h"

const char *folio_plan_reason_name(folio_plan_reason r)
{
	switch (r) {
	case FOLIO_PLAN_NEW: return "new";
	case FOLIO_PLAN_SOURCE_CHANGED: return "source changed";
	case FOLIO_PLAN_STYLE_CHANGED: return "style changed";
	case FOLIO_PLAN_SETTINGS_CHANGED:
		return "fonts, folio version or SOURCE_DATE_EPOCH changed";
	case FOLIO_PLAN_OUTPUT_MISSING: return "output missing";
	case FOLIO_PLAN_FAILED_BEFORE: return "failed last time";
	case FOLIO_PLAN_FORCED: return "--force";
	case FOLIO_PLAN_UNREADABLE: return "source unreadable";
	case FOLIO_PLAN_UP_TO_DATE: return "up to date";
	case FOLIO_PLAN_FIGURE_CHANGED:
		return "a figure's image changed or is gone";
	}
	return "?";
}

/* What the last run's report says of each source, by manifest index:
 * a util/recarray of last_doc (on disk past its budget, in memory where
 * the batch's folder takes no file). */
typedef struct last_doc {
	char sha[FOLIO_REPORT_HEX];
	unsigned char status;           /* 1 + folio_doc_status, 0 none */
} last_doc;

typedef struct last_run {
	const folio_batch_manifest *m;
	folio_recarray *docs;
	int failed;                     /* a record could not be kept */
} last_run;

static int note_last(void *ctx, const folio_doc_result *d, folio_json *j)
{
	last_run *l = ctx;
	folio_batch_source src;
	folio_error ignored = {0};

	(void)j;
	if (d->index < l->m->n_sources &&
	    folio_batch_source_get(l->m, d->index, &src, &ignored) == 0 &&
	    strcmp(d->source, src.rel) == 0) {
		last_doc ld;
		memcpy(ld.sha, d->sha256, FOLIO_REPORT_HEX);
		ld.status = (unsigned char)(1 + d->status);
		if (folio_recarray_put(l->docs, d->index, &ld, &ignored) < 0)
			l->failed = 1;   /* then no last run is known */
	}
	return 0;
}

/* The caches a run would look in (build.c open_caches), journals of a
 * stopped run first; missing files are skipped by folio_cache_open. */
static int open_caches_read_only(run *r, folio_error *err)
{
	char *paths[FOLIO_CACHE_MAX_FILES];
	char p[PATH_MAX_LEN];
	struct dirent *de;
	unsigned k, c;
	size_t n = 0, i;
	DIR *dp;
	int rc = 0;

#define ADD(...) do { \
	if (n < FOLIO_CACHE_MAX_FILES && \
	    folio_run_join(p, sizeof(p), NULL, __VA_ARGS__) == 0 && \
	    (paths[n] = strdup(p)) != NULL) \
		n++; \
	} while (0)
	ADD("%s.journal", r->cache_path);
	ADD("%s", r->cache_path);
	ADD("%s/.cache.journal", r->dir);
	ADD("%s/.cache", r->dir);
	if ((dp = opendir(r->shards_dir)) != NULL) {
		while ((de = readdir(dp)) != NULL)
			if (folio_shard_parse_name(&k, &c, de->d_name,
				".cache") == 0)
				ADD("%s/%s", r->shards_dir, de->d_name);
		closedir(dp);
	}
#undef ADD
	rc = folio_cache_open(&r->old, (const char *const *)paths, n, r->env,
		err);
	for (i = 0; i < n; i++)
		free(paths[i]);
	return rc;
}

static folio_plan_reason judge(run *r, const last_run *last,
	const folio_report_head *head, int have_head, size_t i,
	const folio_batch_source *src, folio_plan_item *it,
	char sha[FOLIO_REPORT_HEX], folio_error *e)
{
	folio_doc_result entry;
	folio_error ignored = {0};
	last_doc ld;
	size_t k;
	int seen = 0;

	if (r->opts->force)
		return FOLIO_PLAN_FORCED;
	if (folio_run_file_digest(sha, src->path, FOLIO_MAX_SOURCE_BYTES,
		e) < 0)
		return FOLIO_PLAN_UNREADABLE;
	for (k = 0; folio_cache_find(r->old, src->rel, k, &entry); k++) {
		int same = strcmp(entry.sha256, sha) == 0;
		seen = 1;
		if (it->code[0] == '\0' || same)
			snprintf(it->code, sizeof(it->code), "%s", entry.code);
		if (same) {
			folio_plan_reason why = folio_run_up_to_date(r,
				&entry, sha, i, src) ? FOLIO_PLAN_UP_TO_DATE :
				!folio_run_figures_current(r, &entry, src) ?
				FOLIO_PLAN_FIGURE_CHANGED :
				FOLIO_PLAN_OUTPUT_MISSING;
			folio_doc_result_clear(&entry);
			return why;
		}
		folio_doc_result_clear(&entry);
	}
	if (seen)
		return FOLIO_PLAN_SOURCE_CHANGED;
	/* No entry made with today's style, fonts and settings: the last
	 * report tells which of them moved. */
	if (!have_head ||
	    folio_recarray_get(last->docs, i, &ld, &ignored) < 0 ||
	    ld.status == 0)
		return FOLIO_PLAN_NEW;
	if (ld.status == 1 + FOLIO_DOC_FAILED)
		return FOLIO_PLAN_FAILED_BEFORE;
	if (strcmp(head->inputs.style, r->inputs.style) != 0 ||
	    strcmp(head->inputs.css, r->inputs.css) != 0)
		return FOLIO_PLAN_STYLE_CHANGED;
	if (ld.sha[0] && strcmp(ld.sha, sha) != 0)
		return FOLIO_PLAN_SOURCE_CHANGED;
	if (strcmp(head->inputs.fonts, r->inputs.fonts) != 0 ||
	    head->inputs.epoch != r->inputs.epoch)
		return FOLIO_PLAN_SETTINGS_CHANGED;
	return FOLIO_PLAN_OUTPUT_MISSING;
}

int folio_build_plan(folio_plan_summary *out, const char *manifest_path,
	const folio_build_options *opts,
	void (*on_item)(void *ctx, const folio_plan_item *it), void *ctx,
	folio_error *err)
{
	folio_batch_manifest *m = NULL;
	folio_batch_report rep;
	folio_report_head head;
	folio_style *style = NULL;
	folio_fontset *fonts = NULL;
	last_run last = {NULL, NULL, 0};
	char report[PATH_MAX_LEN], sub[PATH_MAX_LEN], name[48];
	folio_error ignored = {0};
	int rc, have_head = 0;
	size_t j, n;
	run r;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	memset(&rep, 0, sizeof(rep));
	r.src_dir_fd = r.pdf_dir_fd = r.epub_dir_fd = -1;
	r.opts = opts;
	r.rep = &rep;
	r.shard = opts->shard;
	r.inputs.epoch = -1;
	if (opts->merge) {
		rc = folio_error_set(err, FOLIO_EUSAGE, "--dry-run plans a "
			"build or a shard; a merge lays nothing out");
		goto done;
	}
	/* The checks of a real run, in its order. */
	if ((rc = folio_run_manifest_read(&m, manifest_path, opts->workers,
		err)) < 0)
		goto done;
	r.m = m;
	if ((rc = folio_run_inputs(&r.inputs, m, err)) < 0 ||
	    (rc = folio_run_signer_check(&r, err)) < 0 ||
	    (rc = folio_run_shared_load(&r, &style, &fonts, err)) < 0)
		goto done;
	if ((rc = folio_run_join(r.dir, sizeof(r.dir), err, "%s/%s",
		opts->out_root ? opts->out_root : "out", m->batch_id)) < 0 ||
	    (rc = folio_run_join(r.shards_dir, sizeof(r.shards_dir), err,
		"%s/shards", r.dir)) < 0)
		goto done;
	folio_shard_name(name, sizeof(name), r.shard.index, r.shard.count);
	if ((rc = r.shard.count ?
	    folio_run_join(r.cache_path, sizeof(r.cache_path), err,
		"%s/%s.cache", r.shards_dir, name) :
	    folio_run_join(r.cache_path, sizeof(r.cache_path), err,
		"%s/.cache", r.dir)) < 0 ||
	    (rc = r.shard.count ?
	    folio_run_join(report, sizeof(report), err, "%s/%s.json",
		r.shards_dir, name) :
	    folio_run_join(report, sizeof(report), err, "%s/report.json",
		r.dir)) < 0 ||
	    (rc = open_caches_read_only(&r, err)) < 0)
		goto done;
	/* Figures' files are looked up from the sources' folder. */
	r.src_dir_fd = open(m->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (folio_run_join(sub, sizeof(sub), NULL, "%s/pdf", r.dir) == 0)
		r.pdf_dir_fd = open(sub, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (folio_run_join(sub, sizeof(sub), NULL, "%s/epub", r.dir) == 0)
		r.epub_dir_fd = open(sub, O_PATH | O_DIRECTORY | O_CLOEXEC);

	last.m = m;
	if ((rc = folio_recarray_new(&last.docs, report, sizeof(last_doc),
		m->n_sources, 0, 0, err)) < 0)
		goto done;
	/* A report that is missing or not ours only means "no last run". */
	memset(&head, 0, sizeof(head));
	have_head = access(report, F_OK) == 0 &&
		folio_report_read(&head, report, note_last, &last,
			&ignored) == 0 && !last.failed;

	snprintf(out->batch_id, sizeof(out->batch_id), "%s", m->batch_id);
	snprintf(out->out_dir, sizeof(out->out_dir), "%s", r.dir);
	n = folio_shard_size(&r.shard, m->n_sources);
	for (j = 0; j < n; j++) {
		size_t i = folio_shard_at(&r.shard, j);
		char sha[FOLIO_REPORT_HEX] = "";
		folio_batch_source src;
		folio_error e = {0};
		folio_plan_item it;

		memset(&it, 0, sizeof(it));
		if ((rc = folio_batch_source_get(m, i, &src, err)) < 0)
			goto done;
		it.index = i;
		it.source = src.rel;
		it.reason = judge(&r, &last, &head, have_head, i, &src, &it,
			sha, &e);
		it.detail = it.reason == FOLIO_PLAN_UNREADABLE ? e.msg : NULL;
		out->n++;
		if (it.reason == FOLIO_PLAN_UP_TO_DATE)
			out->up_to_date++;
		else
			out->to_build++;
		if (on_item != NULL)
			on_item(ctx, &it);
	}
	rc = 0;
done:
	if (r.src_dir_fd >= 0)
		close(r.src_dir_fd);
	if (r.pdf_dir_fd >= 0)
		close(r.pdf_dir_fd);
	if (r.epub_dir_fd >= 0)
		close(r.epub_dir_fd);
	folio_cache_free(r.old);
	folio_recarray_free(last.docs);
	folio_fontset_free(fonts);
	folio_style_free(style);
	folio_report_free(&rep);
	folio_batch_manifest_free(m);
	return rc;
}
