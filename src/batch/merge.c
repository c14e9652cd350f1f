/* merge.c - the shards' reports back into one batch, and `folio archive`
 * from a run's report (see build.h): documents as they were reported,
 * checked against the manifest and the outputs on disk, then archived.
 * Nothing is read or laid out again but the files the archive holds. */
#include "batch/build_impl.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch/records.h"
#include "util/clock.h"

#define MAX_NAMED 8   /* missing shards named in one message */

/* One report being read: which slice it must hold, where it goes. */
typedef struct collect {
	const folio_batch_manifest *m;
	const folio_shard *slice;    /* count 0: every document */
	const char *path;
	folio_doc_lines *table;      /* one line per manifest source */
	folio_buf line;
	size_t next;                 /* position in the slice */
	folio_error *err;
} collect;

static int collect_doc(void *ctx, const folio_doc_result *d, folio_json *j)
{
	collect *c = ctx;
	size_t want = folio_shard_at(c->slice, c->next);
	folio_batch_source src;
	int rc;

	(void)j;
	if (want >= c->m->n_sources)
		return folio_error_set(c->err, FOLIO_EINPUT, "%s: expected %zu "
			"documents (the manifest's share for it), found more",
			c->path, folio_shard_size(c->slice, c->m->n_sources));
	if (d->index != want)
		return folio_error_set(c->err, FOLIO_EINPUT, "%s: expected "
			"document %zu next, found document %zu", c->path,
			want + 1, d->index + 1);
	if ((rc = folio_batch_source_get(c->m, want, &src, c->err)) < 0)
		return rc;
	if (strcmp(d->source, src.rel) != 0)
		return folio_error_set(c->err, FOLIO_EINPUT, "%s: document "
			"%zu: expected source %s (the manifest's), found %s: "
			"the manifest changed since; build again", c->path,
			want + 1, src.rel, d->source);
	c->next++;
	/* Kept on disk, not in memory (doclines.h). */
	return folio_doc_lines_append(c->table, d, &c->line, c->err);
}

/* Read one report into the table, checking that it is what `slice`
 * names. */
static int read_report(folio_report_head *h, const run *r, const char *path,
	const folio_shard *slice, folio_doc_lines *table, folio_error *err)
{
	collect c = {r->m, slice, path, table, {0}, 0, err};
	size_t size = folio_shard_size(slice, r->m->n_sources);
	int rc;

	rc = folio_report_read(h, path, collect_doc, &c, err);
	folio_buf_free(&c.line);
	if (rc < 0)
		return rc;
	if (h->shard_index != slice->index || h->shard_count != slice->count)
		return folio_error_set(err, FOLIO_EINPUT, "%s: expected the "
			"report of %s, found one of %s%u/%u", path,
			slice->count ? "that shard" : "the whole batch",
			h->shard_count ? "shard " : "", h->shard_index,
			h->shard_count);
	if (strcmp(h->batch, r->m->batch_id) != 0)
		return folio_error_set(err, FOLIO_EINPUT, "%s: expected batch "
			"%s, found %s", path, r->m->batch_id, h->batch);
	if (h->stopped)
		return folio_error_set(err, FOLIO_EINPUT, "%s: that run was "
			"stopped before it finished; run it again", path);
	if (c.next != size)
		return folio_error_set(err, FOLIO_EINPUT, "%s: expected %zu "
			"documents, found %zu", path, size, c.next);
	return 0;
}

/* The report's inputs against the manifest as it is now (and, for the
 * fonts, against the other shards'). */
static int same_inputs(const folio_build_inputs *have,
	const folio_build_inputs *now, const char *fonts, int epoch,
	const char *path, folio_error *err)
{
	const char *what = strcmp(have->manifest, now->manifest) != 0 ?
		"manifest" : strcmp(have->style, now->style) != 0 ?
		"print style" : strcmp(have->css, now->css) != 0 ?
		"EPUB stylesheet" : epoch && have->epoch != now->epoch ?
		"SOURCE_DATE_EPOCH" : fonts != NULL &&
		strcmp(have->fonts, fonts) != 0 ? "fonts" : NULL;

	if (what == NULL)
		return 0;
	if (strcmp(what, "fonts") == 0)
		return folio_error_set(err, FOLIO_EINPUT, "%s: built with "
			"other fonts than the first shard (a font file or fonts.xml "
			"differs between the machines); the outputs would not "
			"match one machine's: install the same fonts and run "
			"it again", path);
	if (strcmp(what, "SOURCE_DATE_EPOCH") == 0)
		return folio_error_set(err, FOLIO_EINPUT, "%s: built with "
			"SOURCE_DATE_EPOCH=%lld, found %lld here; give every "
			"shard and the merge the same value", path,
			have->epoch, now->epoch);
	return folio_error_set(err, FOLIO_EINPUT, "%s: built from another "
		"version of the %s; build again", path, what);
}

/* Each output is the file its run recorded (size and time): anything
 * else was changed since, and the archive would not hold what the
 * report says. */
static int outputs_unchanged(const run *r,
	const char *(*who)(const run *, size_t, char *, size_t),
	folio_error *err)
{
	static const char *const kinds[] = {"pdf", "epub"};
	char path[PATH_MAX_LEN + 128], by[64];
	size_t i, k;
	int rc = 0;

	for (i = 0; i < r->m->n_sources && rc == 0; i++) {
		folio_doc_status st = folio_doc_lines_status(r->table, i);
		folio_doc_result d;
		if (st != FOLIO_DOC_BUILT && st != FOLIO_DOC_SKIPPED)
			continue;
		if ((rc = folio_doc_lines_get(r->table, i, &d, err)) < 0)
			break;
		for (k = 0; k < 2 && rc == 0; k++) {
			uint64_t size, want = k ? d.epub_bytes : d.pdf_bytes;
			int64_t t, want_t = k ? d.epub_mtime_ns :
				d.pdf_mtime_ns;
			snprintf(path, sizeof(path), "%s/%s/%s.%s", r->dir,
				kinds[k], d.code, kinds[k]);
			if (folio_cache_stat(&t, &size, path) == 0 &&
			    size == want && t == want_t)
				continue;
			rc = folio_error_set(err, FOLIO_EINPUT, "%s: "
				"record %s: expected its %s at %s as %s built "
				"it (%llu bytes), found it %s; run that again",
				d.source, d.code, kinds[k], path,
				who(r, i, by, sizeof(by)),
				(unsigned long long)want,
				access(path, F_OK) == 0 ? "changed" :
				"missing");
		}
		folio_doc_result_clear(&d);
	}
	return rc;
}

static const char *shard_of(const run *r, size_t i, char *out, size_t n)
{
	snprintf(out, n, "shard %zu/%u", i % r->opts->shard.count + 1,
		r->opts->shard.count);
	return out;
}

/* The shard count the reports in shards/ are for; FOLIO_EINPUT when
 * there are none or several. */
static int shard_count(unsigned *out, const run *r, folio_error *err)
{
	struct dirent *de;
	unsigned k, n, found = 0, other = 0;
	DIR *dp = opendir(r->shards_dir);

	if (dp != NULL) {
		while ((de = readdir(dp)) != NULL) {
			if (folio_shard_parse_name(&k, &n, de->d_name,
				".json") < 0)
				continue;
			if (found == 0 || n == found)
				found = n;
			else
				other = n;
		}
		closedir(dp);
	}
	if (found == 0)
		return folio_error_set(err, FOLIO_EINPUT, "%s: expected the "
			"shards' reports (K-of-N.json), found none: run the "
			"shards first (folio build BATCH.xml --shard K/N)",
			r->shards_dir);
	if (other != 0)
		return folio_error_set(err, FOLIO_EINPUT, "%s: expected the "
			"reports of one set of shards, found reports for %u "
			"and for %u shards: finish one set (or remove the other's "
			"K-of-N.json files)", r->shards_dir, found < other ?
			found : other, found < other ? other : found);
	*out = found;
	return 0;
}

/* Every shard has its report, or the message names those that do not. */
static int all_finished(const run *r, unsigned n, folio_error *err)
{
	char path[PATH_MAX_LEN + 128], name[48], list[512] = "";
	size_t len = 0;
	unsigned k, missing = 0;

	for (k = 1; k <= n; k++) {
		folio_shard_name(name, sizeof(name), k, n);
		snprintf(path, sizeof(path), "%s/%s.json", r->shards_dir,
			name);
		if (access(path, F_OK) == 0)
			continue;
		if (missing < MAX_NAMED)
			len += (size_t)snprintf(list + len, sizeof(list) - len,
				"%s%u/%u", missing ? ", " : "", k, n);
		missing++;
	}
	if (missing == 0)
		return 0;
	return folio_error_set(err, FOLIO_EINPUT, "%s: %u of %u shards have "
		"not finished (no report): shard %s%s. Each is still running, "
		"was killed or stopped, or never ran: run it again (folio "
		"build BATCH.xml --shard K/N), then merge", r->shards_dir,
		missing, n, list, missing > MAX_NAMED ? ", ..." : "");
}

/* The merged report's documents, as the shards reported them, in
 * manifest order. */
static int write_documents(run *r, folio_error *err)
{
	size_t i;
	int rc;

	if ((rc = folio_run_spool(&r->documents, r->dir, err)) < 0)
		return rc;
	for (i = 0; i < r->m->n_sources; i++) {
		if ((rc = folio_doc_lines_line(r->table, i, &r->line,
			err)) < 0)
			return rc;
		if (fputs(i ? ",\n    " : "[\n    ", r->documents) < 0 ||
		    fwrite(r->line.data, 1, r->line.len, r->documents) !=
			r->line.len)
			goto io;
	}
	if (fputs(i ? "\n  ]" : "[]", r->documents) < 0)
		goto io;
	return 0;
io:
	return folio_error_set(err, FOLIO_EIO, "%s: cannot write the report's "
		"documents: %s", r->dir, strerror(errno));
}

/* Totals, the outputs each document owns and the archive digest, from
 * the documents as reported, in manifest order. */
static int account(run *r, folio_error *err)
{
	size_t i;
	int rc = 0;

	if (r->opts->no_archive == 0 &&
	    (rc = folio_sha256_begin(&r->digest, err)) < 0)
		return rc;
	r->rep->n = r->m->n_sources;
	for (i = 0; i < r->m->n_sources && rc == 0; i++) {
		folio_doc_result d;
		size_t k;
		if ((rc = folio_doc_lines_get(r->table, i, &d, err)) < 0)
			break;
		if ((rc = folio_report_count(r->rep, &d, err)) == 0 &&
		    r->digest != NULL)
			rc = folio_run_digest_doc(r, &d, err);
		if (rc == 0 && (d.status == FOLIO_DOC_BUILT ||
		    d.status == FOLIO_DOC_SKIPPED))
			for (k = 0; folio_retentions[k] != NULL; k++)
				if (d.meta.retention != NULL &&
				    strcmp(d.meta.retention,
					folio_retentions[k]) == 0)
					r->owned[i] = (unsigned char)(k + 1);
		folio_doc_result_clear(&d);
	}
	return rc;
}

int folio_run_merge(run *r, folio_error *err)
{
	folio_build_options opts = *r->opts;
	const folio_build_options *saved = r->opts;
	folio_report_head h;
	char path[PATH_MAX_LEN + 128], name[48], fonts[FOLIO_REPORT_HEX] = "";
	folio_error ignored = {0};
	FILE *lines = NULL;
	unsigned n = 0, k;
	int rc, site_rc;

	if ((rc = shard_count(&n, r, err)) < 0 ||
	    (rc = all_finished(r, n, err)) < 0)
		return rc;
	/* shard_of names shards by the count merged. */
	opts.shard.count = n;
	r->opts = &opts;
	/* The shards' documents go to a spool as they are read, shard by
	 * shard; every later pass takes them from there in manifest
	 * order. */
	if ((rc = folio_run_spool(&lines, r->dir, err)) < 0 ||
	    (rc = folio_doc_lines_new(&r->table, r->m->n_sources, lines,
		r->dir, err)) < 0)
		goto done;
	for (k = 1; k <= n; k++) {
		folio_shard slice;
		memset(&slice, 0, sizeof(slice));
		slice.index = k;
		slice.count = n;
		folio_shard_name(name, sizeof(name), k, n);
		snprintf(path, sizeof(path), "%s/%s.json", r->shards_dir,
			name);
		if ((rc = read_report(&h, r, path, &slice, r->table,
			err)) < 0 ||
		    (rc = same_inputs(&h.inputs, &r->inputs, k > 1 ? fonts :
			NULL, 1, path, err)) < 0)
			goto done;
		if (k == 1)
			memcpy(fonts, h.inputs.fonts, sizeof(fonts));
	}
	memcpy(r->inputs.fonts, fonts, sizeof(fonts));
	r->rep->inputs = r->inputs;
	r->rep->merged_shards = n;
	if ((rc = outputs_unchanged(r, shard_of, err)) < 0 ||
	    (rc = account(r, err)) < 0)
		goto done;
	r->rep->workers = 1;
	/* The whole tree is the merge's now: outputs no document owns go,
	 * as after a whole-batch run. */
	folio_run_remove_orphans(r);
	folio_batch_manifest_drop_sources(r->m);   /* the lines name them */
	folio_run_trim();
	rc = folio_run_archive(r, err);
	folio_run_trim();
	site_rc = folio_run_site(r, rc < 0 ? NULL : err);
	if (rc == 0)
		rc = site_rc;
	r->rep->wall_ms = (double)(folio_now_ns() - r->t0) / 1e6;
	/* The report is written whatever the archive did. */
	if (write_documents(r, &ignored) < 0 ||
	    folio_report_write(r->rep, r->documents, &ignored) < 0) {
		if (rc == 0)
			rc = folio_error_set(err, ignored.code, "%s",
				ignored.msg);
	} else {
		r->rep->written = 1;
	}
done:
	r->opts = saved;
	folio_doc_lines_free(r->table);
	r->table = NULL;
	if (lines != NULL)
		fclose(lines);
	return rc;
}

static const char *last_run(const run *r, size_t i, char *out, size_t n)
{
	(void)r;
	(void)i;
	snprintf(out, n, "the last folio build");
	return out;
}

int folio_build_archive_report(folio_archive_stats *out,
	const char *manifest_path, const char *dir, const char *zip_path,
	const char *key_path, const char *cert_path, folio_error *err)
{
	folio_batch_manifest *m = NULL;
	folio_build_options opts;
	folio_batch_report rep;
	folio_doc_list docs;
	folio_records_job job;
	folio_report_head h;
	folio_shard whole;
	char path[PATH_MAX_LEN], busy[PATH_MAX_LEN + 64];
	char lock_path[PATH_MAX_LEN];
	int lock = -1, rc;
	FILE *lines = NULL;
	run r;

	memset(&r, 0, sizeof(r));
	memset(&opts, 0, sizeof(opts));
	memset(&rep, 0, sizeof(rep));
	memset(&whole, 0, sizeof(whole));
	memset(out, 0, sizeof(*out));
	r.opts = &opts;
	r.rep = &rep;
	if ((rc = folio_batch_manifest_read(&m, manifest_path, err)) < 0)
		goto done;
	r.m = m;
	snprintf(r.dir, sizeof(r.dir), "%s", dir);
	snprintf(path, sizeof(path), "%s/report.json", dir);
	if (access(path, F_OK) != 0) {
		rc = folio_error_set(err, FOLIO_EIO, "%s: expected the report "
			"of a build (report.json), found none: run folio build "
			"first (or archive the sources alone)", dir);
		goto done;
	}
	/* No run may change the outputs while they are archived. */
	snprintf(busy, sizeof(busy), "%s: a folio build is using this folder",
		dir);
	snprintf(lock_path, sizeof(lock_path), "%s/.lock", dir);
	if ((lock = folio_run_lock(lock_path, 1, busy, err)) < 0) {
		rc = lock;
		goto done;
	}
	if ((rc = folio_run_spool(&lines, dir, err)) < 0 ||
	    (rc = folio_doc_lines_new(&r.table, m->n_sources, lines, dir,
		err)) < 0 ||
	    (rc = folio_run_inputs(&r.inputs, m, err)) < 0 ||
	    (rc = read_report(&h, &r, path, &whole, r.table, err)) < 0 ||
	    (rc = same_inputs(&h.inputs, &r.inputs, NULL, 0, path, err)) < 0 ||
	    (rc = outputs_unchanged(&r, last_run, err)) < 0)
		goto done;
	memset(&job, 0, sizeof(job));
	job.m = m;
	job.outputs_dir = dir;
	job.zip_path = zip_path;
	job.key_path = key_path;
	job.cert_path = cert_path;
	if ((rc = folio_archive_now(&job.time, err)) < 0)
		goto done;
	folio_doc_list_of_lines(&docs, r.table);
	rc = folio_records_archive(out, &job, &docs, err);
done:
	if (lock >= 0)
		close(lock);
	folio_doc_lines_free(r.table);
	if (lines != NULL)
		fclose(lines);
	folio_batch_manifest_free(m);
	return rc;
}
