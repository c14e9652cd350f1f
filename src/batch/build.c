/* build.c - a batch run: set-up, locks, the archive step, the report
 * (see build.h). The document phase is in documents.c, the merge of
 * shards in merge.c. */
#include "batch/build_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "archive/crypto.h"  /* FOLIO_CRYPTO_MAX_PEM for the signer files */
#include "batch/records.h"
#include "font/font.h"
#include "site/site.h"
#include "style/style_read.h"
#include "util/clock.h"
#include "util/epoch.h"
#include "util/file.h"

#define ARCHIVE_STATE_MAGIC "folio-archive 1 "

double folio_run_ms_since(long long t)
{
	return (double)(folio_now_ns() - t) / 1e6;
}

int folio_run_join(char *out, size_t n, folio_error *err, const char *fmt,
	...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(out, n, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= n)
		return folio_error_set(err, FOLIO_ELIMIT,
			"path longer than %zu bytes", n - 1);
	return 0;
}

static int hex_digest(char out[FOLIO_REPORT_HEX], const void *data,
	size_t len, folio_error *err)
{
	unsigned char d[FOLIO_SHA256_LEN];
	int rc = folio_sha256(d, data, len, err);

	if (rc == 0)
		folio_sha256_hex(out, d);
	return rc;
}

int folio_run_file_digest(char out[FOLIO_REPORT_HEX], const char *path,
	size_t limit, folio_error *err)
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	if ((rc = folio_file_read(&data, &len, path, limit, err)) < 0)
		return rc;
	rc = hex_digest(out, data, len, err);
	free(data);
	return rc;
}

int folio_run_spool(FILE **out, const char *dir, folio_error *err)
{
	char path[PATH_MAX_LEN];
	int fd;

	/* Unlinked at once: nothing is left behind, whatever happens. */
	if (folio_run_join(path, sizeof(path), err, "%s/.spool.XXXXXX",
		dir) < 0)
		return FOLIO_ELIMIT;
	fd = mkstemp(path);
	if (fd < 0)
		return folio_error_set(err, FOLIO_EIO, "%s: cannot create a "
			"temporary file: %s", dir, strerror(errno));
	(void)unlink(path);
	*out = fdopen(fd, "w+b");
	if (*out == NULL) {
		close(fd);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	return 0;
}

/* ---- what decides the outputs ---------------------------------------- */

/* The fonts in use without their time stamps: folio_fontset_describe's
 * face lines are "path#index size mtime_ns name" (font.h); the same
 * fonts installed on two machines differ only in the mtime. */
static int fonts_identity(char out[FOLIO_REPORT_HEX], const folio_fontset *fs,
	folio_error *err)
{
	folio_buf all = {0}, b = {0};
	char *line, *next;
	int rc;

	if ((rc = folio_fontset_describe(&all, fs, err)) < 0)
		goto done;
	for (line = all.data; line && *line; line = next) {
		char *nl = strchr(line, '\n'), *last, *mtime;
		next = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		last = strrchr(line, ' ');
		if (strncmp(line, "family ", 7) != 0 &&
		    strncmp(line, "fallback ", 9) != 0 && last != NULL) {
			*last = '\0';
			mtime = strrchr(line, ' ');
			*last = ' ';
			if (mtime != NULL) {
				if (folio_buf_append(&b, line,
					(size_t)(mtime - line)) < 0 ||
				    folio_buf_puts(&b, last) < 0)
					goto nomem;
				if (folio_buf_putc(&b, '\n') < 0)
					goto nomem;
				continue;
			}
		}
		if (folio_buf_puts(&b, line) < 0 ||
		    folio_buf_putc(&b, '\n') < 0)
			goto nomem;
	}
	rc = hex_digest(out, b.data ? b.data : "", b.len, err);
	goto done;
nomem:
	rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
done:
	folio_buf_free(&all);
	folio_buf_free(&b);
	return rc;
}

int folio_run_inputs(folio_build_inputs *in, const folio_batch_manifest *m,
	folio_error *err)
{
	int64_t epoch;
	int rc;

	if ((rc = folio_run_file_digest(in->manifest, m->path,
		(size_t)64 * 1024 * 1024, err)) < 0 ||
	    (rc = folio_run_file_digest(in->style, m->style_pdf,
		(size_t)16 * 1024 * 1024, err)) < 0 ||
	    (rc = folio_run_file_digest(in->css, m->style_css,
		FOLIO_EPUB_MAX_CSS, err)) < 0 ||
	    (rc = folio_source_date_epoch(&epoch, err)) < 0)
		return rc;
	in->epoch = epoch;
	return 0;
}

/* The cache's key: everything besides a source that decides its
 * outputs and its record. Cheap: font files by size and mtime. */
static int env_digest(run *r, folio_error *err)
{
	const folio_batch_manifest *m = r->m;
	folio_buf b = {0};
	int rc;

	if (folio_buf_printf(&b, "folio %s\nfonds %s\nyear %s\n"
		"retention %s\nsecurity %s\nepoch %lld %lld\n"
		"missing-glyph error\nstyle %s\ncss %s\n", FOLIO_VERSION,
		m->fonds_code, m->year, m->retention, m->security,
		r->pdf.has_epoch ? r->pdf.epoch : -1LL,
		(long long)r->epub.modified, r->inputs.style,
		r->inputs.css) < 0) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	/* The QR codes' address is drawn into every PDF. */
	if (r->qr_base[0] && folio_buf_printf(&b, "pdf-qr %s\n",
		r->qr_base) < 0) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = folio_fontset_describe(&b, r->fonts, err)) < 0)
		goto done;
	rc = hex_digest(r->env, b.data, b.len, err);
done:
	folio_buf_free(&b);
	return rc;
}

/* ---- locks and folders ------------------------------------------------ */

int folio_run_lock(const char *path, int exclusive, const char *busy,
	folio_error *err)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return folio_error_set(err, FOLIO_EIO, "%s: %s", path,
			strerror(errno));
	if (flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
		close(fd);
		return folio_error_set(err, FOLIO_EIO, "%s", busy);
	}
	return fd;
}

/* Reports of another shard count that no running shard holds: the
 * merge would not know which count is meant. Their caches stay: they
 * still save rebuilding. */
static void drop_other_counts(const run *r)
{
	char path[PATH_MAX_LEN], lock[PATH_MAX_LEN], name[48];
	struct dirent *de;
	unsigned k, n;
	DIR *dp = opendir(r->shards_dir);

	if (dp == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		int fd;
		if (folio_shard_parse_name(&k, &n, de->d_name, ".json") < 0 ||
		    n == r->shard.count)
			continue;
		folio_shard_name(name, sizeof(name), k, n);
		if (folio_run_join(lock, sizeof(lock), NULL, "%s/%s.lock",
			r->shards_dir, name) < 0 ||
		    folio_run_join(path, sizeof(path), NULL, "%s/%s",
			r->shards_dir, de->d_name) < 0)
			continue;
		fd = open(lock, O_RDWR | O_CLOEXEC);
		if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0) {
			close(fd);
			continue;   /* running now: its report is not stale */
		}
		(void)unlink(path);
		if (fd >= 0)
			close(fd);
	}
	closedir(dp);
}

/* After a whole-batch run, the shards' reports and caches describe
 * nothing current: the next merge must not find them. */
static void drop_shard_files(const run *r)
{
	char path[PATH_MAX_LEN];
	struct dirent *de;
	unsigned k, n;
	DIR *dp = opendir(r->shards_dir);

	if (dp == NULL)
		return;
	while ((de = readdir(dp)) != NULL)
		if ((folio_shard_parse_name(&k, &n, de->d_name, ".json") ==
			0 ||
		     folio_shard_parse_name(&k, &n, de->d_name, ".cache") ==
			0 ||
		     folio_shard_parse_name(&k, &n, de->d_name,
			".cache.journal") == 0) &&
		    folio_run_join(path, sizeof(path), NULL, "%s/%s",
			r->shards_dir, de->d_name) == 0)
			(void)unlink(path);
	closedir(dp);
}

static int safe_batch_id(const char *id)
{
	return id[0] != '\0' && strchr(id, '/') == NULL &&
		strcmp(id, ".") != 0 && strcmp(id, "..") != 0;
}

int folio_run_manifest_read(folio_batch_manifest **out, const char *path,
	int workers, folio_error *err)
{
	int rc = folio_batch_manifest_read_on(out, path, workers, err);

	if (rc == 0 && !safe_batch_id((*out)->batch_id)) {
		rc = folio_error_set(err, FOLIO_EINPUT, "%s: batch-id: "
			"expected a folder name, found '%s'", path,
			(*out)->batch_id);
		folio_batch_manifest_free(*out);
		*out = NULL;
	}
	return rc;
}

/* Folders, locks and the paths of this run's own files. */
static int prepare(run *r, int *lock_fd, int *shard_fd, folio_error *err)
{
	const folio_build_options *o = r->opts;
	char sub[PATH_MAX_LEN], busy[PATH_MAX_LEN + 160], name[48];
	char report[PATH_MAX_LEN];
	int rc;

	if ((rc = folio_run_join(r->dir, sizeof(r->dir), err, "%s/%s",
		o->out_root ? o->out_root : "out", r->m->batch_id)) < 0 ||
	    (rc = folio_run_join(r->shards_dir, sizeof(r->shards_dir), err,
		"%s/shards", r->dir)) < 0 ||
	    (rc = folio_mkdirs(r->shards_dir, err)) < 0 ||
	    (rc = folio_run_join(sub, sizeof(sub), err, "%s/pdf", r->dir))
		< 0 ||
	    (rc = folio_mkdirs(sub, err)) < 0 ||
	    (rc = folio_run_join(sub, sizeof(sub), err, "%s/epub", r->dir))
		< 0 ||
	    (rc = folio_mkdirs(sub, err)) < 0 ||
	    (rc = folio_run_join(sub, sizeof(sub), err, "%s/.lock", r->dir))
		< 0)
		return rc;
	if (r->shard.count == 0) {
		snprintf(busy, sizeof(busy), "%s: another folio build is using "
			"this folder (a whole-batch run, a merge, or shards "
			"still running)", r->dir);
		if ((*lock_fd = folio_run_lock(sub, 1, busy, err)) < 0)
			return *lock_fd;
		if ((rc = folio_run_join(r->cache_path,
			sizeof(r->cache_path), err, "%s/.cache", r->dir)) < 0 ||
		    (rc = folio_run_join(report, sizeof(report), err,
			"%s/report.json", r->dir)) < 0)
			return rc;
	} else {
		snprintf(busy, sizeof(busy), "%s: a whole-batch run or a "
			"merge is using this folder", r->dir);
		if ((*lock_fd = folio_run_lock(sub, 0, busy, err)) < 0)
			return *lock_fd;
		folio_shard_name(name, sizeof(name), r->shard.index,
			r->shard.count);
		snprintf(busy, sizeof(busy), "%s: shard %u/%u is already "
			"running on this folder", r->dir, r->shard.index,
			r->shard.count);
		if ((rc = folio_run_join(sub, sizeof(sub), err, "%s/%s.lock",
			r->shards_dir, name)) < 0)
			return rc;
		if ((*shard_fd = folio_run_lock(sub, 1, busy, err)) < 0)
			return *shard_fd;
		if ((rc = folio_run_join(r->cache_path,
			sizeof(r->cache_path), err, "%s/%s.cache",
			r->shards_dir, name)) < 0 ||
		    (rc = folio_run_join(report, sizeof(report), err,
			"%s/%s.json", r->shards_dir, name)) < 0)
			return rc;
		/* From now on this shard has not finished: a kill leaves no
		 * report for the merge to trust. */
		if (unlink(report) != 0 && errno != ENOENT)
			return folio_error_set(err, FOLIO_EIO, "%s: cannot "
				"remove: %s", report, strerror(errno));
		drop_other_counts(r);
	}
	r->rep->out_dir = strdup(r->dir);
	r->rep->path = strdup(report);
	if (r->rep->out_dir == NULL || r->rep->path == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	folio_run_sweep(r);
	return 0;
}

/* The cache files to look in: this run's own first, then the
 * whole-batch one and every shard's (a changed shard count, or a switch
 * between shards and one machine, rebuilds nothing). */
static int open_caches(run *r, folio_error *err)
{
	char **paths = NULL, whole[PATH_MAX_LEN];
	size_t n = 0, cap = 8, i;
	struct dirent *de;
	unsigned k, c;
	DIR *dp;
	int rc = 0;

	if ((rc = folio_cache_recover(r->cache_path, err)) < 0)
		return rc;
	if ((paths = calloc(cap, sizeof(*paths))) == NULL ||
	    (paths[n++] = strdup(r->cache_path)) == NULL)
		goto nomem;
	if ((rc = folio_run_join(whole, sizeof(whole), err, "%s/.cache",
		r->dir)) < 0)
		goto done;
	if (strcmp(whole, r->cache_path) != 0 &&
	    (paths[n++] = strdup(whole)) == NULL)
		goto nomem;
	if ((dp = opendir(r->shards_dir)) != NULL) {
		while ((de = readdir(dp)) != NULL &&
			n < FOLIO_CACHE_MAX_FILES) {
			char p[PATH_MAX_LEN];
			if (folio_shard_parse_name(&k, &c, de->d_name,
				".cache") < 0 ||
			    folio_run_join(p, sizeof(p), NULL, "%s/%s",
				r->shards_dir, de->d_name) < 0 ||
			    strcmp(p, r->cache_path) == 0)
				continue;
			if (n == cap) {
				char **q = realloc(paths, 2 * cap *
					sizeof(*q));
				if (q == NULL) {
					closedir(dp);
					goto nomem;
				}
				paths = q;
				cap *= 2;
			}
			if ((paths[n++] = strdup(p)) == NULL) {
				closedir(dp);
				goto nomem;
			}
		}
		closedir(dp);
	}
	rc = folio_cache_open(&r->old, (const char *const *)paths, n, r->env,
		err);
	goto done;
nomem:
	rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
done:
	for (i = 0; paths != NULL && i < n; i++)
		free(paths[i]);
	free(paths);
	return rc;
}

/* ---- the archive step ------------------------------------------------ */

int folio_run_digest_doc(run *r, const folio_doc_result *d,
	folio_error *err)
{
	int in = d->status == FOLIO_DOC_BUILT ||
		d->status == FOLIO_DOC_SKIPPED;
	char line[512];
	size_t k;
	int n;

	/* Built now or before, by this run or a shard: the same record. */
	n = snprintf(line, sizeof(line), "doc %zu %s %s %s %zu ", d->index,
		in ? "in" : "out", d->code[0] ? d->code : "-",
		d->sha256[0] ? d->sha256 : "-", in ? d->pages : 0);
	if (n < 0 || (size_t)n >= sizeof(line))
		return folio_error_set(err, FOLIO_ELIMIT, "digest line");
	if (folio_sha256_update(r->digest, line, (size_t)n, err) < 0 ||
	    folio_sha256_update(r->digest, d->source, strlen(d->source) + 1,
		err) < 0)
		return FOLIO_ELIB;
	/* A figure's image is archived with the record: a new one is a
	 * new archive even when the source is the same. */
	for (k = 0; in && k < d->n_figures; k++)
		if (folio_sha256_update(r->digest, d->figures[k].sha256,
			strlen(d->figures[k].sha256), err) < 0 ||
		    folio_sha256_update(r->digest, d->figures[k].src,
			strlen(d->figures[k].src) + 1, err) < 0)
			return FOLIO_ELIB;
	return 0;
}

/* The digest of what the archive is made of: every document (already
 * fed), then the manifest, signer and inputs. */
static int archive_digest(char out[FOLIO_REPORT_HEX], run *r,
	const char *key, const char *cert, folio_error *err)
{
	char k[FOLIO_REPORT_HEX], c[FOLIO_REPORT_HEX];
	unsigned char d[FOLIO_SHA256_LEN];
	folio_buf b = {0};
	int rc;

	if ((rc = folio_run_file_digest(k, key, FOLIO_CRYPTO_MAX_PEM, err)) <
		0 ||
	    (rc = folio_run_file_digest(c, cert, FOLIO_CRYPTO_MAX_PEM, err)) <
		0)
		return rc;
	if (folio_buf_printf(&b, "folio %s\nmanifest %s\nkey %s\ncert %s\n"
		"style %s\ncss %s\nfonts %s\nepoch %lld\npartial %d\n",
		FOLIO_VERSION, r->inputs.manifest, k, c, r->inputs.style,
		r->inputs.css, r->inputs.fonts, r->inputs.epoch,
		r->rep->failed > 0) < 0) {
		folio_buf_free(&b);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	rc = folio_sha256_update(r->digest, b.data, b.len, err);
	folio_buf_free(&b);
	if (rc == 0)
		rc = folio_sha256_end(d, r->digest, err);
	r->digest = NULL;
	if (rc == 0)
		folio_sha256_hex(out, d);
	return rc;
}

/* The digest the ZIP on disk was made of ("" when unknown). */
static void archive_state_read(char out[FOLIO_REPORT_HEX], const char *path)
{
	folio_error ignored = {0};
	char *text = NULL;
	size_t len = 0, m = strlen(ARCHIVE_STATE_MAGIC);

	out[0] = '\0';
	if (folio_file_read(&text, &len, path, 256, &ignored) < 0)
		return;
	if (len == m + 65 && strncmp(text, ARCHIVE_STATE_MAGIC, m) == 0 &&
	    text[len - 1] == '\n') {
		memcpy(out, text + m, 64);
		out[64] = '\0';
	}
	free(text);
}

static void archive_fail(folio_batch_report *rep, const folio_error *e,
	int rc)
{
	rep->archive = FOLIO_ARCHIVE_FAILED;
	free(rep->archive_error);
	rep->archive_error = strdup(e->msg[0] ? e->msg : folio_error_name(rc));
}

int folio_run_archive(run *r, folio_error *err)
{
	const folio_build_options *o = r->opts;
	folio_batch_report *rep = r->rep;
	const char *key = o->key_path ? o->key_path : r->m->signer_key;
	const char *cert = o->cert_path ? o->cert_path : r->m->signer_cert;
	char zip[PATH_MAX_LEN], state[PATH_MAX_LEN];
	char digest[FOLIO_REPORT_HEX], was[FOLIO_REPORT_HEX];
	folio_records_job job;
	folio_doc_list docs;
	folio_archive_stats stats;
	folio_error aerr = {0};
	uint64_t size;
	int64_t mtime;
	long long t = folio_now_ns();
	int rc;

	if ((rc = folio_run_join(zip, sizeof(zip), err, "%s/%s.zip", r->dir,
		r->m->batch_id)) < 0 ||
	    (rc = folio_run_join(state, sizeof(state), err, "%s/.archive",
		r->dir)) < 0)
		return rc;
	free(rep->archive_path);
	rep->archive_path = strdup(zip);
	if (o->no_archive)
		return 0;
	if (rep->failed > 0 && !o->allow_partial) {
		/* A ZIP of an earlier, complete run no longer describes the
		 * batch; never leave it under the final name. */
		(void)unlink(zip);
		(void)unlink(state);
		rep->archive_error = strdup("not written: documents failed "
			"(--allow-partial writes it without them)");
		return 0;
	}
	rc = archive_digest(digest, r, key, cert, &aerr);
	archive_state_read(was, state);
	if (rc == 0 && !o->force && strcmp(digest, was) == 0 &&
	    folio_cache_stat(&mtime, &size, zip) == 0) {
		rep->archive = FOLIO_ARCHIVE_SKIPPED;
		rep->archive_bytes = size;
		rep->archive_partial = rep->failed > 0;
		return 0;
	}
	memset(&job, 0, sizeof(job));
	job.m = r->m;
	job.outputs_dir = r->dir;
	job.zip_path = zip;
	job.key_path = key;
	job.cert_path = cert;
	job.allow_partial = o->allow_partial;
	if (rc == 0)
		rc = folio_archive_now(&job.time, &aerr);
	/* What the ZIP on disk is made of is about to change: forget it
	 * first, so a failure cannot leave a stale digest beside it. */
	(void)unlink(state);
	folio_doc_list_of_lines(&docs, r->table);
	if (rc == 0)
		rc = folio_records_archive(&stats, &job, &docs, &aerr);
	rep->archive_ms = folio_run_ms_since(t);
	if (rc < 0) {
		archive_fail(rep, &aerr, rc);
		folio_error_set(err, rc, "%s", aerr.msg);
		return rc;
	}
	rep->archive = FOLIO_ARCHIVE_BUILT;
	rep->archive_partial = rep->failed > 0;
	if (folio_cache_stat(&mtime, &size, zip) == 0)
		rep->archive_bytes = size;
	{
		char line[sizeof(ARCHIVE_STATE_MAGIC) + 66];
		snprintf(line, sizeof(line), "%s%s\n", ARCHIVE_STATE_MAGIC,
			digest);
		/* Losing it only costs a rewrite of the same ZIP. */
		(void)folio_file_write_atomic(state, line, strlen(line), &aerr);
	}
	return 0;
}

/* ---- the run ------------------------------------------------------------ */

static void utc(char *out, size_t n, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, n, "%lld", (long long)t);
}

/* The signer, checked before any document is built: a batch of hours
 * must not end with "cannot read the key". Readable, a usable key that
 * belongs to the certificate, and a certificate valid at the time the
 * archive will carry as its signing time. */
static int check_signer(const char *key, const char *cert, folio_error *err)
{
	static const char hint[] = "; make a pair with `folio keygen -o DIR` "
		"and name it in the manifest's <signer> or with --key and "
		"--cert";
	folio_key_kind kind;
	folio_cert *c = NULL;
	folio_error e = {0};
	int64_t at, from = 0, until = 0;
	int rc;

	if ((rc = folio_archive_now(&at, err)) < 0)
		return rc;
	if ((rc = folio_cert_load(&c, cert, &e)) == 0 &&
	    (rc = folio_key_check(&kind, key, c, &e)) == 0)
		rc = folio_cert_validity(&from, &until, c, &e);
	folio_cert_free(c);
	if (rc < 0)
		return folio_error_set(err, rc, "signer: %s%s", e.msg[0] ?
			e.msg : folio_error_name(rc), hint);
	if (at < from || at > until) {
		char a[32], f[32], u[32];
		utc(a, sizeof(a), at);
		utc(f, sizeof(f), from);
		utc(u, sizeof(u), until);
		return folio_error_set(err, FOLIO_EINPUT, "signer: %s: "
			"expected a certificate valid at the signing time %s "
			"(SOURCE_DATE_EPOCH or now), found one valid from %s "
			"to %s%s", cert, a, f, u, hint);
	}
	return 0;
}

int folio_run_signer_check(const run *r, folio_error *err)
{
	const folio_build_options *o = r->opts;

	/* Shards sign nothing; --no-archive neither. The merge signs. */
	if (r->shard.count != 0 || (o->no_archive && !o->merge))
		return 0;
	return check_signer(o->key_path ? o->key_path : r->m->signer_key,
		o->cert_path ? o->cert_path : r->m->signer_cert, err);
}

int folio_run_shared_load(run *r, struct folio_style **style,
	struct folio_fontset **fonts, folio_error *err)
{
	int rc;

	/* Shared, read-only inputs: loaded once, before any worker, and
	 * before the output folder is touched (a bad style leaves nothing
	 * behind). */
	if ((rc = folio_pdf_options_init(&r->pdf, err)) < 0 ||
	    (rc = folio_source_date_epoch(&r->epub.modified, err)) < 0 ||
	    (rc = folio_style_read(style, r->m->style_pdf, err)) < 0 ||
	    (rc = folio_fontset_load(fonts, NULL, err)) < 0)
		return rc;
	r->epub.css_path = r->m->style_css;
	r->style = *style;
	r->fonts = *fonts;
	if ((*style)->qr && (r->opts->base_url || r->m->base_url) &&
	    (rc = folio_site_base_url(r->qr_base, sizeof(r->qr_base),
		r->opts->base_url ? r->opts->base_url : r->m->base_url,
		err)) < 0)
		return rc;
	if ((rc = fonts_identity(r->inputs.fonts, *fonts, err)) < 0 ||
	    (rc = env_digest(r, err)) < 0)
		return rc;
	return 0;
}

/* Every document was up to date with an entry of the run's cache file,
 * which holds no other: the journal says what the file says, and the
 * file stays (a no-op rebuild of 100,000 documents would otherwise
 * fsync and rename 80 MB). */
static int up_to_date(const run *r)
{
	return r->progress.done == r->n_jobs &&
		r->progress.skipped == r->n_jobs && r->progress.failed == 0 &&
		!r->cache_refreshed &&
		folio_cache_is_only(r->old, r->cache_path, r->n_jobs);
}

/* Between steps, the pages the last one freed go back to the system:
 * the CLI keeps up to 16 MB of freed blocks in each of glibc's arenas
 * (main.c: libzip's zlib states would otherwise be mapped afresh for
 * every entry), and the document phase's workers leave theirs full of
 * what their documents used; the archive and site steps would then
 * start on top of it. */
void folio_run_trim(void)
{
#if defined(__GLIBC__)
	(void)malloc_trim(0);
#endif
}

static int documents_run(run *r, folio_error *err)
{
	int site_rc;
	folio_error ignored = {0};
	int rc;

	if ((rc = open_caches(r, err)) < 0 ||
	    (rc = folio_cache_writer_open(&r->journal, r->cache_path, r->env,
		err)) < 0)
		return rc;
	if (r->shard.count == 0 && !r->opts->no_archive &&
	    (rc = folio_sha256_begin(&r->digest, err)) < 0)
		return rc;
	rc = folio_run_documents(r, err);
	r->rep->inputs = r->inputs;
	/* A run that did not get through every document keeps its journal:
	 * the next one folds it in with the old entries of the documents
	 * this one never reached. */
	if (rc == 0 && !r->rep->stopped && r->journal_rc == 0 &&
	    (up_to_date(r) ? folio_cache_writer_discard(r->journal,
		&ignored) : folio_cache_writer_commit(r->journal,
		&ignored)) < 0)
		rc = folio_error_set(err, ignored.code, "%s", ignored.msg);
	if (r->journal_rc < 0 && rc == 0)
		rc = folio_error_set(err, r->journal_rc, "%s",
			r->journal_err.msg);
	if (rc == 0 && !r->rep->stopped) {
		folio_run_remove_orphans(r);
		/* From here the documents' lines name the sources: the
		 * list's paths (about 40 bytes a document) go. */
		folio_batch_manifest_drop_sources(r->m);
		folio_run_trim();
		if (r->shard.count == 0) {
			/* The site goes up even when the archive failed; the
			 * archive's error is the one reported. */
			rc = folio_run_archive(r, err);
			folio_run_trim();
			site_rc = folio_run_site(r, rc < 0 ? NULL : err);
			if (rc == 0)
				rc = site_rc;
		}
	}
	return rc;
}

/* A run that stops before its first document leaves nothing behind in
 * an output folder it made: no empty folders, no lock, no journal. */
static void remove_fresh_tree(const run *r, int made_root)
{
	char path[PATH_MAX_LEN], name[48];
	const char *const subdirs[] = {"pdf", "epub"};
	size_t i;

	if (folio_run_join(path, sizeof(path), NULL, "%s.journal",
		r->cache_path) == 0 && r->cache_path[0])
		(void)unlink(path);
	if (r->shard.count != 0) {
		folio_shard_name(name, sizeof(name), r->shard.index,
			r->shard.count);
		if (folio_run_join(path, sizeof(path), NULL, "%s/%s.lock",
			r->shards_dir, name) == 0)
			(void)unlink(path);
	}
	for (i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++)
		if (folio_run_join(path, sizeof(path), NULL, "%s/%s", r->dir,
			subdirs[i]) == 0)
			(void)rmdir(path);
	(void)rmdir(r->shards_dir);
	if (folio_run_join(path, sizeof(path), NULL, "%s/.lock", r->dir) ==
		0)
		(void)unlink(path);
	(void)rmdir(r->dir);
	if (made_root)
		(void)rmdir(r->opts->out_root ? r->opts->out_root : "out");
}

int folio_build_run(folio_batch_report *out, const char *manifest_path,
	const folio_build_options *opts, folio_error *err)
{
	folio_batch_manifest *m = NULL;
	folio_error ignored = {0};
	folio_style *style = NULL;
	folio_fontset *fonts = NULL;
	int lock_fd = -1, shard_fd = -1, rc, fresh = 0, made_root = 0, i;
	run r;

	memset(&r, 0, sizeof(r));
	memset(out, 0, sizeof(*out));
	r.src_dir_fd = r.pdf_dir_fd = r.epub_dir_fd = -1;
	r.opts = opts;
	r.rep = out;
	r.shard = opts->shard;
	r.t0 = folio_now_ns();
	r.inputs.epoch = -1;
	if (opts->merge && opts->shard.count != 0) {
		rc = folio_error_set(err, FOLIO_EUSAGE, "--merge and --shard "
			"go to different runs");
		goto done;
	}
	if ((rc = folio_run_manifest_read(&m, manifest_path, opts->workers,
		err)) < 0)
		goto done;
	r.m = m;
	out->batch_id = strdup(m->batch_id);
	out->manifest = strdup(manifest_path);
	out->shard_index = r.shard.index;
	out->shard_count = r.shard.count;
	r.owned = calloc(m->n_sources ? m->n_sources : 1, 1);
	if (out->batch_id == NULL || out->manifest == NULL ||
	    r.owned == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	/* Everything that can be checked is checked before the output
	 * folder is touched. */
	if ((rc = folio_run_inputs(&r.inputs, m, err)) < 0 ||
	    (rc = folio_run_signer_check(&r, err)) < 0 ||
	    (!opts->merge && (rc = folio_run_shared_load(&r, &style, &fonts,
		err)) < 0))
		goto done;
	out->inputs = r.inputs;
	{
		struct stat st;
		made_root = stat(opts->out_root ? opts->out_root : "out",
			&st) != 0;
		/* The batch's folder is ours to clean up if this run made
		 * it and stops before any document. */
		fresh = made_root || folio_run_join(r.dir, sizeof(r.dir),
			NULL, "%s/%s", opts->out_root ? opts->out_root : "out",
			m->batch_id) < 0 || stat(r.dir, &st) != 0;
	}
	if ((rc = prepare(&r, &lock_fd, &shard_fd, err)) < 0)
		goto done;
	if (opts->merge) {
		rc = folio_run_merge(&r, err);
		goto done;
	}
	rc = documents_run(&r, err);
	out->wall_ms = folio_run_ms_since(r.t0);
	/* Keep the first error; the report is written whatever happened. */
	if (r.documents != NULL) {
		if (folio_report_write(out, r.documents, &ignored) == 0)
			out->written = 1;
		else if (rc == 0)
			rc = folio_error_set(err, ignored.code, "%s",
				ignored.msg);
	}
	if (rc == 0 && r.shard.count == 0 && !out->stopped)
		drop_shard_files(&r);
done:
	if (rc < 0 && fresh && r.documents == NULL && !out->written &&
	    r.dir[0])
		remove_fresh_tree(&r, made_root);
	folio_fontset_free(fonts);
	folio_style_free(style);
	if (r.src_dir_fd >= 0)
		close(r.src_dir_fd);
	if (r.pdf_dir_fd >= 0)
		close(r.pdf_dir_fd);
	if (r.epub_dir_fd >= 0)
		close(r.epub_dir_fd);
	if (shard_fd >= 0)
		close(shard_fd);
	if (lock_fd >= 0)
		close(lock_fd);
	folio_cache_writer_free(r.journal);
	folio_cache_free(r.old);
	folio_sha256_free(r.digest);
	folio_doc_lines_free(r.table);
	if (r.documents != NULL)
		fclose(r.documents);
	free(r.working);
	for (i = 0; r.windows != NULL && i < r.n_windows; i++)
		folio_read_window_free(&r.windows[i]);
	free(r.windows);
	free(r.parked);
	free(r.pending);
	free(r.owned);
	folio_buf_free(&r.line);
	folio_batch_manifest_free(m);
	return rc;
}
