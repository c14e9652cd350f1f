/* report.c - the batch report as data and JSON, both ways (see report.h). */
#include "batch/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/file.h"

static void meta_clear(folio_doc_meta *m)
{
	free(m->title);
	free(m->issuer);
	free(m->doc_number);
	free(m->date);
	free(m->security);
	free(m->retention);
	free(m->category);
	free(m->keywords);
	memset(m, 0, sizeof(*m));
}

void folio_doc_result_clear(folio_doc_result *d)
{
	if (d == NULL)
		return;
	free(d->source);
	free(d->id);
	free(d->error);
	free(d->meta_json);
	folio_doc_import_clear(&d->import);
	folio_doc_figures_clear(d);
	meta_clear(&d->meta);
	memset(d, 0, sizeof(*d));
}

/* *dst = strdup(src) (NULL stays NULL); -1 when out of memory. */
static int dup_into(char **dst, const char *src)
{
	*dst = NULL;
	if (src == NULL)
		return 0;
	*dst = strdup(src);
	return *dst == NULL ? -1 : 0;
}

int folio_doc_result_copy(folio_doc_result *dst, const folio_doc_result *src,
	folio_error *err)
{
	const folio_doc_meta *m = &src->meta;
	folio_doc_meta *n = &dst->meta;

	*dst = *src;
	if (dup_into(&dst->source, src->source) | dup_into(&dst->id, src->id) |
	    dup_into(&dst->error, src->error) |
	    dup_into(&dst->meta_json, src->meta_json) |
	    dup_into(&n->title, m->title) | dup_into(&n->issuer, m->issuer) |
	    dup_into(&n->doc_number, m->doc_number) |
	    dup_into(&n->date, m->date) | dup_into(&n->security, m->security) |
	    dup_into(&n->retention, m->retention) |
	    dup_into(&n->category, m->category) |
	    dup_into(&n->keywords, m->keywords) |
	    folio_doc_import_copy(&dst->import, &src->import) |
	    folio_doc_figures_copy(dst, src)) {
		folio_doc_result_clear(dst);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	return 0;
}

/* (source, message) appended to a list the CLI prints. */
static int listed(folio_doc_failure **list, size_t *n, const char *source,
	const char *message, folio_error *err)
{
	folio_doc_failure *f = realloc(*list, (*n + 1) * sizeof(*f));

	if (f == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	*list = f;
	f = &f[*n];
	f->source = strdup(source ? source : "?");
	f->error = strdup(message);
	if (f->source == NULL || f->error == NULL) {
		free(f->source);
		free(f->error);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	(*n)++;
	return 0;
}

int folio_report_count(folio_batch_report *r, const folio_doc_result *d,
	folio_error *err)
{
	switch (d->status) {
	case FOLIO_DOC_BUILT: r->built++; break;
	case FOLIO_DOC_SKIPPED: r->skipped++; break;
	case FOLIO_DOC_FAILED: r->failed++; break;
	default: r->not_run++; break;
	}
	r->pages += d->pages;
	r->pdf_bytes += d->pdf_bytes;
	r->epub_bytes += d->epub_bytes;
	r->read_ms += d->read_ms;
	r->layout_ms += d->layout_ms;
	r->pdf_ms += d->pdf_ms;
	r->epub_ms += d->epub_ms;
	if (d->import.set) {
		r->imported++;
		r->dropped_lines += d->import.dropped;
	}
	if (d->status == FOLIO_DOC_FAILED)
		return listed(&r->failures, &r->n_failures, d->source,
			d->error ? d->error : folio_error_name(d->error_code),
			err);
	/* Lines dropped by the import of a document built this run are
	 * said again on stderr; the report keeps every document's. */
	if (d->status == FOLIO_DOC_BUILT && d->import.dropped > 0)
		return listed(&r->drops, &r->n_drops, d->source,
			d->import.summary ? d->import.summary : "dropped lines",
			err);
	return 0;
}

const char *folio_doc_status_name(folio_doc_status s)
{
	switch (s) {
	case FOLIO_DOC_BUILT: return "built";
	case FOLIO_DOC_SKIPPED: return "skipped";
	case FOLIO_DOC_FAILED: return "failed";
	default: return "not run";
	}
}

const char *folio_archive_status_name(folio_archive_status s)
{
	switch (s) {
	case FOLIO_ARCHIVE_BUILT: return "built";
	case FOLIO_ARCHIVE_SKIPPED: return "skipped";
	case FOLIO_ARCHIVE_FAILED: return "failed";
	default: return "not written";
	}
}

const char *folio_site_status_name(folio_site_status s)
{
	switch (s) {
	case FOLIO_SITE_BUILT: return "built";
	case FOLIO_SITE_UP_TO_DATE: return "skipped";
	case FOLIO_SITE_FAILED: return "failed";
	default: return "not written";
	}
}

/* ---- writing ---------------------------------------------------------- */

/* The writers below build each line by hand, not with printf: on a
 * no-op rebuild of 100,000 documents every document's line is written
 * twice (report and cache), and printf was a third of the run. */

/* sep "key": (sep is "{" or ", " ...) */
static int put_key(folio_buf *b, const char *sep, const char *key)
{
	return folio_buf_puts(b, sep) < 0 || folio_buf_putc(b, '"') < 0 ||
		folio_buf_puts(b, key) < 0 || folio_buf_puts(b, "\": ") < 0 ?
		-1 : 0;
}

/* Decimal digits of v. */
static int put_u64(folio_buf *b, unsigned long long v)
{
	char digits[24];
	size_t n = sizeof(digits);

	do {
		digits[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	return folio_buf_append(b, digits + n, sizeof(digits) - n);
}

static int put_i64(folio_buf *b, long long v)
{
	if (v < 0)
		return folio_buf_putc(b, '-') < 0 ? -1 :
			put_u64(b, (unsigned long long)-(v + 1) + 1);
	return put_u64(b, (unsigned long long)v);
}

static int put_num(folio_buf *b, const char *sep, const char *key,
	long long v)
{
	return put_key(b, sep, key) < 0 ? -1 : put_i64(b, v);
}

/* A non-negative number of milliseconds with three decimals. */
static int put_ms_value(folio_buf *b, const char *sep, const char *key,
	double v)
{
	unsigned long long t = v > 0 ? (unsigned long long)(v * 1000 + 0.5) :
		0;
	char frac[4];

	frac[0] = (char)('0' + t / 100 % 10);
	frac[1] = (char)('0' + t / 10 % 10);
	frac[2] = (char)('0' + t % 10);
	frac[3] = '\0';
	return put_key(b, sep, key) < 0 || put_u64(b, t / 1000) < 0 ||
		folio_buf_putc(b, '.') < 0 || folio_buf_puts(b, frac) < 0 ?
		-1 : 0;
}

/* "key": "value" or "key": null, after `sep`. */
static int put_str(folio_buf *b, const char *sep, const char *key,
	const char *v)
{
	if (put_key(b, sep, key) < 0)
		return -1;
	if (v == NULL)
		return folio_buf_puts(b, "null");
	if (folio_buf_putc(b, '"') < 0 || folio_buf_put_json(b, v) < 0)
		return -1;
	return folio_buf_putc(b, '"');
}

static int put_ms(folio_buf *b, double rd, double lay, double pdf,
	double epub)
{
	return put_ms_value(b, "\"ms\": {", "read", rd) < 0 ||
		put_ms_value(b, ", ", "layout", lay) < 0 ||
		put_ms_value(b, ", ", "pdf", pdf) < 0 ||
		put_ms_value(b, ", ", "epub", epub) < 0 ||
		folio_buf_putc(b, '}') < 0 ? -1 : 0;
}

static int put_meta(folio_buf *b, const folio_doc_meta *m)
{
	return put_str(b, "{", "title", m->title) < 0 ||
		put_str(b, ", ", "issuer", m->issuer) < 0 ||
		put_str(b, ", ", "doc_number", m->doc_number) < 0 ||
		put_str(b, ", ", "date", m->date) < 0 ||
		put_str(b, ", ", "security", m->security) < 0 ||
		put_str(b, ", ", "retention", m->retention) < 0 ||
		put_str(b, ", ", "category", m->category) < 0 ||
		put_str(b, ", ", "keywords", m->keywords) < 0 ||
		folio_buf_putc(b, '}') < 0 ? -1 : 0;
}

void folio_stamp_format(char *out, size_t n, const folio_source_stamp *st)
{
	snprintf(out, n, "%llu:%llu:%lld:%lld", (unsigned long long)st->ino,
		(unsigned long long)st->size, (long long)st->mtime_ns,
		(long long)st->ctime_ns);
}

static int put_stamp(folio_buf *b, const folio_source_stamp *st)
{
	char s[96];

	if (!st->set)
		return folio_buf_puts(b, ", \"source_stat\": null");
	folio_stamp_format(s, sizeof(s), st);
	return put_str(b, ", ", "source_stat", s);
}

int folio_report_doc_json(folio_buf *b, const folio_doc_result *d,
	folio_error *err)
{
	int failed = d->status == FOLIO_DOC_FAILED;

	/* "source" comes first: the cache indexes its lines by it without
	 * parsing them (cache.c). */
	if (put_str(b, "{", "source", d->source) < 0 ||
	    put_num(b, ", ", "index", (long long)d->index + 1) < 0 ||
	    put_str(b, ", ", "sha256", d->sha256[0] ? d->sha256 : NULL) < 0 ||
	    put_stamp(b, &d->stamp) < 0 ||
	    put_str(b, ", ", "code", d->code[0] ? d->code : NULL) < 0 ||
	    put_str(b, ", ", "id", d->id) < 0 ||
	    put_str(b, ", ", "status", folio_doc_status_name(d->status)) < 0 ||
	    put_num(b, ", ", "pages", (long long)d->pages) < 0 ||
	    put_num(b, ", ", "pdf_bytes", (long long)d->pdf_bytes) < 0 ||
	    put_num(b, ", ", "epub_bytes", (long long)d->epub_bytes) < 0 ||
	    put_num(b, ", ", "pdf_mtime_ns", d->pdf_mtime_ns) < 0 ||
	    put_num(b, ", ", "epub_mtime_ns", d->epub_mtime_ns) < 0 ||
	    folio_buf_puts(b, ", ") < 0 ||
	    put_ms(b, d->read_ms, d->layout_ms, d->pdf_ms, d->epub_ms) < 0 ||
	    put_str(b, ", ", "error", failed ? (d->error ? d->error :
		folio_error_name(d->error_code)) : NULL) < 0 ||
	    put_str(b, ", ", "error_kind", failed ?
		folio_error_name(d->error_code) : NULL) < 0 ||
	    folio_buf_puts(b, ", \"record\": ") < 0 ||
	    (d->meta_json ? folio_buf_puts(b, d->meta_json) :
		d->has_meta ? put_meta(b, &d->meta) :
		folio_buf_puts(b, "null")) < 0 ||
	    folio_buf_puts(b, ", \"import\": ") < 0 ||
	    folio_doc_import_json(b, &d->import) < 0 ||
	    folio_doc_figures_json(b, d) < 0 ||
	    folio_buf_putc(b, '}') < 0)
		return folio_error_set(err, FOLIO_ENOMEM,
			"report: out of memory or over the size limit");
	return 0;
}

static int put_inputs(folio_buf *b, const folio_build_inputs *in)
{
	if (put_str(b, "{", "manifest", in->manifest) < 0 ||
	    put_str(b, ", ", "style", in->style) < 0 ||
	    put_str(b, ", ", "css", in->css) < 0 ||
	    put_str(b, ", ", "fonts", in->fonts[0] ? in->fonts : NULL) < 0)
		return -1;
	if (in->epoch >= 0)
		return folio_buf_printf(b, ", \"epoch\": %lld}", in->epoch);
	return folio_buf_puts(b, ", \"epoch\": null}");
}

int folio_report_head_json(folio_buf *out, const folio_batch_report *r,
	folio_error *err)
{
	double rate = r->wall_ms > 0 ?
		(double)(r->built + r->skipped + r->failed) * 1000.0 /
		r->wall_ms : 0;
	char shard[32];

	snprintf(shard, sizeof(shard), "%u/%u", r->shard_index,
		r->shard_count);
	if (put_str(out, "{", "folio", FOLIO_VERSION) < 0 ||
	    put_str(out, ",\n  ", "batch", r->batch_id) < 0 ||
	    put_str(out, ",\n  ", "manifest", r->manifest) < 0 ||
	    put_str(out, ",\n  ", "out", r->out_dir) < 0 ||
	    put_str(out, ",\n  ", "shard", r->shard_count ? shard : NULL) < 0 ||
	    folio_buf_printf(out, ", \"merged_shards\": %u,\n  \"inputs\": ",
		r->merged_shards) < 0 ||
	    put_inputs(out, &r->inputs) < 0 ||
	    folio_buf_printf(out, ",\n  \"workers\": %d, \"stopped\": %s, "
		"\"wall_ms\": %.3f, \"docs_per_s\": %.2f,\n", r->workers,
		r->stopped ? "true" : "false", r->wall_ms, rate) < 0 ||
	    folio_buf_printf(out, "  \"totals\": {\"documents\": %zu, "
		"\"built\": %zu, \"skipped\": %zu, \"failed\": %zu, "
		"\"not_run\": %zu, \"pages\": %zu, \"pdf_bytes\": %llu, "
		"\"epub_bytes\": %llu, ", r->n, r->built, r->skipped,
		r->failed, r->not_run, r->pages,
		(unsigned long long)r->pdf_bytes,
		(unsigned long long)r->epub_bytes) < 0 ||
	    put_ms(out, r->read_ms, r->layout_ms, r->pdf_ms, r->epub_ms) < 0 ||
	    folio_buf_printf(out, ", \"imported\": %zu, \"dropped_lines\": "
		"%zu", r->imported, r->dropped_lines) < 0 ||
	    folio_buf_puts(out, "},\n  \"archive\": ") < 0 ||
	    put_str(out, "{", "status", folio_archive_status_name(r->archive))
		< 0 ||
	    put_str(out, ", ", "path", r->archive_path) < 0 ||
	    folio_buf_printf(out, ", \"bytes\": %llu, \"ms\": %.3f",
		(unsigned long long)r->archive_bytes, r->archive_ms) < 0 ||
	    put_str(out, ", ", "error", r->archive_error) < 0 ||
	    folio_buf_printf(out, ", \"partial\": %s},\n  \"site\": ",
		r->archive_partial ? "true" : "false") < 0 ||
	    put_str(out, "{", "status", folio_site_status_name(r->site)) < 0 ||
	    put_str(out, ", ", "path", r->site_path) < 0 ||
	    folio_buf_printf(out, ", \"documents\": %zu, \"sources_read\": "
		"%zu, \"pages_written\": %zu, \"files_written\": %zu, "
		"\"qr\": %s, \"ms\": %.3f", r->site_documents,
		r->site_sources_read, r->site_pages_written,
		r->site_files_written, r->site_qr ? "true" : "false",
		r->site_ms) < 0 ||
	    put_str(out, ", ", "error", r->site_error) < 0 ||
	    folio_buf_puts(out, "},\n  \"documents\": ") < 0)
		return folio_error_set(err, FOLIO_ENOMEM,
			"report: out of memory or over the size limit");
	return 0;
}

int folio_report_write(const folio_batch_report *r, FILE *documents,
	folio_error *err)
{
	folio_outfile f;
	folio_buf head = {0};
	char chunk[65536];
	size_t n;
	int rc;

	if ((rc = folio_report_head_json(&head, r, err)) < 0)
		return rc;
	if ((rc = folio_outfile_open(&f, r->path, err)) < 0) {
		folio_buf_free(&head);
		return rc;
	}
	if (fwrite(head.data, 1, head.len, f.fp) != head.len)
		goto io;
	if (documents == NULL) {
		if (fputs("[]", f.fp) < 0)
			goto io;
	} else {
		if (fflush(documents) != 0 || fseeko(documents, 0, SEEK_SET))
			goto io;
		while ((n = fread(chunk, 1, sizeof(chunk), documents)) > 0)
			if (fwrite(chunk, 1, n, f.fp) != n)
				goto io;
		if (ferror(documents))
			goto io;
	}
	if (fputs("\n}\n", f.fp) < 0)
		goto io;
	folio_buf_free(&head);
	return folio_outfile_commit(&f, err);
io:
	rc = folio_error_set(err, FOLIO_EIO, "%s: cannot write: %s", r->path,
		strerror(errno));
	folio_outfile_abort(&f);
	folio_buf_free(&head);
	return rc;
}

void folio_report_free(folio_batch_report *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n_failures; i++) {
		free(r->failures[i].source);
		free(r->failures[i].error);
	}
	free(r->failures);
	for (i = 0; i < r->n_drops; i++) {
		free(r->drops[i].source);
		free(r->drops[i].error);
	}
	free(r->drops);
	free(r->batch_id);
	free(r->manifest);
	free(r->out_dir);
	free(r->path);
	free(r->archive_path);
	free(r->archive_error);
	free(r->site_path);
	free(r->site_error);
	memset(r, 0, sizeof(*r));
}

/* ---- reading ---------------------------------------------------------- */

/* The value after a key: a string (malloc'd into *out) or null. */
static int read_str(folio_json *j, char **out, folio_error *err)
{
	folio_json_kind k;
	int rc = folio_json_next(j, &k, err);

	if (rc < 0)
		return rc;
	free(*out);
	*out = NULL;
	if (k == FOLIO_JSON_NULL)
		return 0;
	if (k != FOLIO_JSON_STRING)
		return folio_json_fail(j, "a string or null", err);
	*out = strdup(folio_json_text(j, NULL));
	return *out ? 0 : folio_error_set(err, FOLIO_ENOMEM, "out of memory");
}

/* A string (or null: "") into a fixed buffer of n bytes. */
static int read_fixed(folio_json *j, char *out, size_t n, folio_error *err)
{
	folio_json_kind k;
	size_t len;
	int rc = folio_json_next(j, &k, err);

	if (rc < 0)
		return rc;
	out[0] = '\0';
	if (k == FOLIO_JSON_NULL)
		return 0;
	if (k != FOLIO_JSON_STRING)
		return folio_json_fail(j, "a string or null", err);
	folio_json_text(j, &len);
	if (len >= n)
		return folio_json_fail(j, "a shorter string", err);
	memcpy(out, folio_json_text(j, NULL), len + 1);
	return 0;
}

static int read_hex(folio_json *j, char *out, folio_error *err)
{
	size_t i;
	int rc = read_fixed(j, out, FOLIO_REPORT_HEX, err);

	if (rc < 0 || out[0] == '\0')
		return rc;
	for (i = 0; out[i]; i++)
		if (!((out[i] >= '0' && out[i] <= '9') ||
		      (out[i] >= 'a' && out[i] <= 'f')))
			break;
	if (i != 64 || out[i] != '\0')
		return folio_json_fail(j, "a SHA-256 in lower-case hex", err);
	return 0;
}

/* An integer in [min, max]. */
static int read_int(folio_json *j, long long *out, long long min,
	long long max, folio_error *err)
{
	folio_json_kind k;
	const char *s;
	char *end;
	long long v;
	int rc = folio_json_next(j, &k, err);

	if (rc < 0)
		return rc;
	if (k != FOLIO_JSON_NUMBER)
		return folio_json_fail(j, "an integer", err);
	s = folio_json_text(j, NULL);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return folio_json_fail(j, "an integer in range", err);
	*out = v;
	return 0;
}

static int read_double(folio_json *j, double *out, folio_error *err)
{
	folio_json_kind k;
	char *end;
	int rc = folio_json_next(j, &k, err);

	if (rc < 0)
		return rc;
	if (k != FOLIO_JSON_NUMBER)
		return folio_json_fail(j, "a number", err);
	*out = strtod(folio_json_text(j, NULL), &end);
	if (*end != '\0' || *out < 0)
		return folio_json_fail(j, "a non-negative number", err);
	return 0;
}

static int read_bool(folio_json *j, int *out, folio_error *err)
{
	folio_json_kind k;
	int rc = folio_json_next(j, &k, err);

	if (rc < 0)
		return rc;
	if (k != FOLIO_JSON_TRUE && k != FOLIO_JSON_FALSE)
		return folio_json_fail(j, "true or false", err);
	*out = k == FOLIO_JSON_TRUE;
	return 0;
}

static int skip_value(folio_json *j, folio_error *err)
{
	folio_json_kind k;
	int rc = folio_json_next(j, &k, err);

	return rc < 0 ? rc : folio_json_skip(j, k, err);
}

static int read_ms(folio_json *j, folio_doc_result *d, folio_error *err)
{
	int rc;

	if ((rc = folio_json_expect(j, FOLIO_JSON_OBJECT, err)) < 0)
		return rc;
	while ((rc = folio_json_next_key(j, err)) > 0) {
		const char *key = folio_json_text(j, NULL);
		double *v = strcmp(key, "read") == 0 ? &d->read_ms :
			strcmp(key, "layout") == 0 ? &d->layout_ms :
			strcmp(key, "pdf") == 0 ? &d->pdf_ms :
			strcmp(key, "epub") == 0 ? &d->epub_ms : NULL;
		rc = v ? read_double(j, v, err) : skip_value(j, err);
		if (rc < 0)
			return rc;
	}
	return rc;
}

static int read_meta(folio_json *j, folio_doc_result *d, folio_error *err)
{
	folio_doc_meta *m = &d->meta;
	folio_json_kind k;
	int rc;

	if ((rc = folio_json_next(j, &k, err)) < 0)
		return rc;
	if (k == FOLIO_JSON_NULL)
		return 0;
	if (k != FOLIO_JSON_OBJECT)
		return folio_json_fail(j, "a record object or null", err);
	d->has_meta = 1;
	while ((rc = folio_json_next_key(j, err)) > 0) {
		const char *key = folio_json_text(j, NULL);
		char **v = strcmp(key, "title") == 0 ? &m->title :
			strcmp(key, "issuer") == 0 ? &m->issuer :
			strcmp(key, "doc_number") == 0 ? &m->doc_number :
			strcmp(key, "date") == 0 ? &m->date :
			strcmp(key, "security") == 0 ? &m->security :
			strcmp(key, "retention") == 0 ? &m->retention :
			strcmp(key, "category") == 0 ? &m->category :
			strcmp(key, "keywords") == 0 ? &m->keywords : NULL;
		rc = v ? read_str(j, v, err) : skip_value(j, err);
		if (rc < 0)
			return rc;
	}
	if (rc == 0 && (m->title == NULL || m->issuer == NULL ||
	    m->date == NULL || strlen(m->date) != 10 ||
	    m->security == NULL || m->retention == NULL))
		return folio_json_fail(j, "a record with title, issuer, date "
			"(YYYY-MM-DD), security and retention", err);
	return rc;
}

/* One decimal field of a stamp, ended by `end`; *p moves past it. */
static int stamp_field_u(const char **p, unsigned long long *out, char end)
{
	const char *s = *p;
	unsigned long long v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (~0ULL - 9) / 10)
			return -1;
		v = v * 10 + (unsigned long long)(*s - '0');
	}
	if (*s != end)
		return -1;
	*p = s + 1;
	*out = v;
	return 0;
}

static int stamp_field_i(const char **p, long long *out, char end)
{
	unsigned long long v;
	int neg = **p == '-';

	*p += neg;
	if (stamp_field_u(p, &v, end) < 0 || v > (1ULL << 62))
		return -1;
	*out = neg ? -(long long)v : (long long)v;
	return 0;
}

int folio_stamp_parse(folio_source_stamp *st, const char *s)
{
	unsigned long long ino, size;
	long long mtime, ctime;
	const char *p = s;

	memset(st, 0, sizeof(*st));
	if (stamp_field_u(&p, &ino, ':') < 0 ||
	    stamp_field_u(&p, &size, ':') < 0 ||
	    stamp_field_i(&p, &mtime, ':') < 0 ||
	    stamp_field_i(&p, &ctime, '\0') < 0)
		return -1;
	st->set = 1;
	st->ino = ino;
	st->size = size;
	st->mtime_ns = mtime;
	st->ctime_ns = ctime;
	return 0;
}

static int read_stamp(folio_json *j, folio_source_stamp *st, folio_error *err)
{
	char s[96];
	int rc = read_fixed(j, s, sizeof(s), err);

	memset(st, 0, sizeof(*st));
	if (rc < 0 || s[0] == '\0')
		return rc;
	if (folio_stamp_parse(st, s) < 0)
		return folio_json_fail(j, "\"inode:size:mtime_ns:ctime_ns\"",
			err);
	return 0;
}

static int status_of(folio_doc_status *out, const char *s)
{
	folio_doc_status k;

	for (k = FOLIO_DOC_NOT_RUN; k <= FOLIO_DOC_FAILED; k++)
		if (strcmp(s, folio_doc_status_name(k)) == 0) {
			*out = k;
			return 0;
		}
	return -1;
}

static int error_code_of(const char *name)
{
	int code;

	for (code = FOLIO_ENOMEM; code >= FOLIO_EVERIFY; code--)
		if (strcmp(name, folio_error_name(code)) == 0)
			return code;
	return FOLIO_EINPUT;
}

/* The record kept as its JSON text (checked to be an object). */
static int read_meta_raw(folio_json *j, folio_doc_result *d,
	folio_error *err)
{
	folio_json_kind k;
	const char *raw;
	size_t len;
	int rc = folio_json_raw_value(j, &raw, &len, &k, err);

	if (rc < 0 || k == FOLIO_JSON_NULL)
		return rc;
	if (k != FOLIO_JSON_OBJECT)
		return folio_json_fail(j, "a record object or null", err);
	free(d->meta_json);   /* a line may say "record" twice: the last */
	if ((d->meta_json = malloc(len + 1)) == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	memcpy(d->meta_json, raw, len);
	d->meta_json[len] = '\0';
	d->has_meta = 1;
	return 0;
}

static int read_doc_member(folio_json *j, folio_doc_result *d,
	const char *key, int keep_record, folio_error *err)
{
	char word[32];
	long long v;
	int rc;

	if (strcmp(key, "source") == 0)
		return read_str(j, &d->source, err);
	if (strcmp(key, "sha256") == 0)
		return read_hex(j, d->sha256, err);
	if (strcmp(key, "code") == 0)
		return read_fixed(j, d->code, sizeof(d->code), err);
	if (strcmp(key, "source_stat") == 0)
		return read_stamp(j, &d->stamp, err);
	if (strcmp(key, "id") == 0)
		return read_str(j, &d->id, err);
	if (strcmp(key, "error") == 0)
		return read_str(j, &d->error, err);
	if (strcmp(key, "ms") == 0)
		return read_ms(j, d, err);
	if (strcmp(key, "record") == 0)
		return keep_record ? read_meta_raw(j, d, err) :
			read_meta(j, d, err);
	if (strcmp(key, "import") == 0)
		return folio_doc_import_read(j, &d->import, err);
	if (strcmp(key, "figures") == 0)
		return folio_doc_figures_read(j, d, err);
	if (strcmp(key, "status") == 0 || strcmp(key, "error_kind") == 0) {
		int status = strcmp(key, "status") == 0;
		if ((rc = read_fixed(j, word, sizeof(word), err)) < 0)
			return rc;
		if (status && status_of(&d->status, word) < 0)
			return folio_json_fail(j, "built, skipped, failed or "
				"not run", err);
		if (!status && word[0])
			d->error_code = error_code_of(word);
		return 0;
	}
	if (strcmp(key, "index") == 0) {
		if ((rc = read_int(j, &v, 1, 1LL << 40, err)) == 0)
			d->index = (size_t)(v - 1);
		return rc;
	}
	if (strcmp(key, "pages") == 0) {
		if ((rc = read_int(j, &v, 0, 1 << 30, err)) == 0)
			d->pages = (size_t)v;
		return rc;
	}
	/* key is the reader's text: decide before reading the value. */
	if (strcmp(key, "pdf_bytes") == 0 || strcmp(key, "epub_bytes") == 0) {
		uint64_t *to = key[0] == 'p' ? &d->pdf_bytes : &d->epub_bytes;
		if ((rc = read_int(j, &v, 0, 1LL << 50, err)) == 0)
			*to = (uint64_t)v;
		return rc;
	}
	if (strcmp(key, "pdf_mtime_ns") == 0 ||
	    strcmp(key, "epub_mtime_ns") == 0) {
		int64_t *to = key[0] == 'p' ? &d->pdf_mtime_ns :
			&d->epub_mtime_ns;
		if ((rc = read_int(j, &v, -(1LL << 62), 1LL << 62, err)) == 0)
			*to = (int64_t)v;
		return rc;
	}
	return skip_value(j, err);
}

/* The members of a document object whose '{' was just read. */
static int doc_members(folio_json *j, folio_doc_result *d, int keep_record,
	folio_error *err)
{
	int seen_index = 0, rc;

	memset(d, 0, sizeof(*d));
	while ((rc = folio_json_next_key(j, err)) > 0) {
		seen_index |= strcmp(folio_json_text(j, NULL), "index") == 0;
		if ((rc = read_doc_member(j, d, folio_json_text(j, NULL),
			keep_record, err)) < 0)
			break;
	}
	if (rc == 0 && (d->source == NULL || d->source[0] == '\0' ||
	    !seen_index))
		rc = folio_json_fail(j, "a document with \"source\" and "
			"\"index\"", err);
	else if (rc == 0 && (d->status == FOLIO_DOC_BUILT ||
	    d->status == FOLIO_DOC_SKIPPED) && (!d->has_meta ||
	    d->code[0] == '\0' || d->sha256[0] == '\0'))
		rc = folio_json_fail(j, "a built document with its \"code\", "
			"\"sha256\" and \"record\"", err);
	if (rc < 0)
		folio_doc_result_clear(d);
	return rc;
}

int folio_report_doc_read(folio_json *j, folio_doc_result *d,
	int keep_record, folio_error *err)
{
	int rc = folio_json_expect(j, FOLIO_JSON_OBJECT, err);

	if (rc < 0) {
		memset(d, 0, sizeof(*d));
		return rc;
	}
	return doc_members(j, d, keep_record, err);
}

static int read_shard(folio_json *j, folio_report_head *h, folio_error *err)
{
	char s[32], *slash, *end;
	unsigned long k, n;
	int rc = read_fixed(j, s, sizeof(s), err);

	if (rc < 0 || s[0] == '\0')
		return rc;
	slash = strchr(s, '/');
	k = strtoul(s, &end, 10);
	if (slash == NULL || end != slash || k == 0)
		return folio_json_fail(j, "a shard \"K/N\"", err);
	n = strtoul(slash + 1, &end, 10);
	if (*end != '\0' || n < k || n > 100000)
		return folio_json_fail(j, "a shard \"K/N\"", err);
	h->shard_index = (unsigned)k;
	h->shard_count = (unsigned)n;
	return 0;
}

static int read_inputs(folio_json *j, folio_build_inputs *in,
	folio_error *err)
{
	folio_json_kind k;
	long long v;
	int rc;

	if ((rc = folio_json_expect(j, FOLIO_JSON_OBJECT, err)) < 0)
		return rc;
	in->epoch = -1;
	while ((rc = folio_json_next_key(j, err)) > 0) {
		const char *key = folio_json_text(j, NULL);
		char *hex = strcmp(key, "manifest") == 0 ? in->manifest :
			strcmp(key, "style") == 0 ? in->style :
			strcmp(key, "css") == 0 ? in->css :
			strcmp(key, "fonts") == 0 ? in->fonts : NULL;
		if (hex != NULL) {
			rc = read_hex(j, hex, err);
		} else if (strcmp(key, "epoch") == 0) {
			if ((rc = folio_json_next(j, &k, err)) < 0)
				return rc;
			if (k == FOLIO_JSON_NULL)
				continue;
			if (k != FOLIO_JSON_NUMBER)
				return folio_json_fail(j, "an integer or null",
					err);
			v = strtoll(folio_json_text(j, NULL), NULL, 10);
			in->epoch = v < 0 ? -1 : v;
		} else {
			rc = skip_value(j, err);
		}
		if (rc < 0)
			return rc;
	}
	return rc;
}

static int read_totals(folio_json *j, folio_report_head *h, folio_error *err)
{
	long long v;
	int rc;

	if ((rc = folio_json_expect(j, FOLIO_JSON_OBJECT, err)) < 0)
		return rc;
	while ((rc = folio_json_next_key(j, err)) > 0) {
		if (strcmp(folio_json_text(j, NULL), "documents") != 0) {
			if ((rc = skip_value(j, err)) < 0)
				return rc;
			continue;
		}
		if ((rc = read_int(j, &v, 0, 1LL << 40, err)) < 0)
			return rc;
		h->documents = (size_t)v;
	}
	return rc;
}

int folio_report_read_documents(folio_json *j,
	int (*on_doc)(void *, const folio_doc_result *, folio_json *),
	void *ctx, folio_error *err)
{
	folio_doc_result d;
	folio_json_kind k;
	int rc, first = 1;

	if ((rc = folio_json_expect(j, FOLIO_JSON_ARRAY, err)) < 0)
		return rc;
	for (;; first = 0) {
		if ((rc = folio_json_next(j, &k, err)) < 0)
			return rc;
		if (k == FOLIO_JSON_ARRAY_END)
			return 0;
		if (k != FOLIO_JSON_OBJECT)
			return folio_json_fail(j, first ? "a document or ']'" :
				"a document", err);
		if ((rc = doc_members(j, &d, 0, err)) < 0)
			return rc;
		if (on_doc != NULL)
			rc = on_doc(ctx, &d, j);
		folio_doc_result_clear(&d);
		if (rc < 0)
			return rc;
	}
}

int folio_report_read(folio_report_head *h, const char *path,
	int (*on_doc)(void *, const folio_doc_result *, folio_json *),
	void *ctx, folio_error *err)
{
	folio_json *j = NULL;
	long long v;
	int rc;

	memset(h, 0, sizeof(*h));
	h->inputs.epoch = -1;
	if ((rc = folio_json_open(&j, path, FOLIO_REPORT_MAX_BYTES, err)) < 0)
		return rc;
	if ((rc = folio_json_expect(j, FOLIO_JSON_OBJECT, err)) < 0)
		goto done;
	while ((rc = folio_json_next_key(j, err)) > 0) {
		const char *key = folio_json_text(j, NULL);
		if (strcmp(key, "batch") == 0) {
			rc = read_fixed(j, h->batch, sizeof(h->batch), err);
		} else if (strcmp(key, "shard") == 0) {
			rc = read_shard(j, h, err);
		} else if (strcmp(key, "merged_shards") == 0) {
			if ((rc = read_int(j, &v, 0, 100000, err)) == 0)
				h->merged_shards = (unsigned)v;
		} else if (strcmp(key, "inputs") == 0) {
			rc = read_inputs(j, &h->inputs, err);
		} else if (strcmp(key, "stopped") == 0) {
			rc = read_bool(j, &h->stopped, err);
		} else if (strcmp(key, "totals") == 0) {
			rc = read_totals(j, h, err);
		} else if (strcmp(key, "documents") == 0) {
			rc = folio_report_read_documents(j, on_doc, ctx, err);
		} else {
			rc = skip_value(j, err);
		}
		if (rc < 0)
			goto done;
	}
	if (rc == 0)
		rc = folio_json_expect(j, FOLIO_JSON_END, err);
done:
	folio_json_free(j);
	return rc;
}
