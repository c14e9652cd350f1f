/* report.c - the batch report as data and JSON (see report.h). */
#include "batch/report.h"

#include <stdlib.h>
#include <string.h>

int folio_report_init(folio_batch_report *r, size_t n, folio_error *err)
{
	memset(r, 0, sizeof(*r));
	r->docs = calloc(n ? n : 1, sizeof(*r->docs));
	if (r->docs == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	r->n = n;
	return 0;
}

void folio_report_sum(folio_batch_report *r)
{
	size_t i;

	r->built = r->skipped = r->failed = r->not_run = r->pages = 0;
	r->pdf_bytes = r->epub_bytes = 0;
	r->read_ms = r->layout_ms = r->pdf_ms = r->epub_ms = 0;
	for (i = 0; i < r->n; i++) {
		const folio_doc_result *d = &r->docs[i];

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
	}
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

/* "key": "value" or "key": null. */
static int put_str(folio_buf *b, const char *key, const char *v)
{
	if (folio_buf_printf(b, "\"%s\": ", key) < 0)
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
	return folio_buf_printf(b, "\"ms\": {\"read\": %.3f, \"layout\": %.3f,"
		" \"pdf\": %.3f, \"epub\": %.3f}", rd, lay, pdf, epub);
}

static int put_doc(folio_buf *b, const folio_doc_result *d, size_t i)
{
	int failed = d->status == FOLIO_DOC_FAILED;

	if (folio_buf_printf(b, "    {\"index\": %zu, ", i + 1) < 0 ||
	    put_str(b, "source", d->source) < 0 ||
	    folio_buf_puts(b, ", ") < 0 ||
	    put_str(b, "code", d->code[0] ? d->code : NULL) < 0 ||
	    folio_buf_puts(b, ", ") < 0 ||
	    put_str(b, "id", d->id) < 0 ||
	    folio_buf_puts(b, ", ") < 0 ||
	    put_str(b, "status", folio_doc_status_name(d->status)) < 0 ||
	    folio_buf_printf(b, ", \"pages\": %zu, \"pdf_bytes\": %llu, "
		"\"epub_bytes\": %llu, ", d->pages,
		(unsigned long long)d->pdf_bytes,
		(unsigned long long)d->epub_bytes) < 0 ||
	    put_ms(b, d->read_ms, d->layout_ms, d->pdf_ms, d->epub_ms) < 0 ||
	    folio_buf_puts(b, ", ") < 0 ||
	    put_str(b, "error", failed ? (d->error ? d->error :
		folio_error_name(d->error_code)) : NULL) < 0 ||
	    folio_buf_puts(b, ", ") < 0 ||
	    put_str(b, "error_kind", failed ?
		folio_error_name(d->error_code) : NULL) < 0 ||
	    folio_buf_puts(b, ", ") < 0 ||
	    put_str(b, "archive_code", d->archive_code[0] ?
		d->archive_code : NULL) < 0 ||
	    folio_buf_putc(b, '}') < 0)
		return -1;
	return 0;
}

int folio_report_json(folio_buf *out, const folio_batch_report *r,
	folio_error *err)
{
	double rate = r->wall_ms > 0 ?
		(double)(r->built + r->skipped + r->failed) * 1000.0 /
		r->wall_ms : 0;
	size_t i;

	if (folio_buf_puts(out, "{") < 0 ||
	    put_str(out, "folio", FOLIO_VERSION) < 0 ||
	    folio_buf_puts(out, ",\n  ") < 0 ||
	    put_str(out, "batch", r->batch_id) < 0 ||
	    folio_buf_puts(out, ",\n  ") < 0 ||
	    put_str(out, "manifest", r->manifest) < 0 ||
	    folio_buf_puts(out, ",\n  ") < 0 ||
	    put_str(out, "out", r->out_dir) < 0 ||
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
	    folio_buf_puts(out, "},\n  \"archive\": {") < 0 ||
	    put_str(out, "status", folio_archive_status_name(r->archive)) < 0 ||
	    folio_buf_puts(out, ", ") < 0 ||
	    put_str(out, "path", r->archive_path) < 0 ||
	    folio_buf_printf(out, ", \"bytes\": %llu, \"ms\": %.3f, ",
		(unsigned long long)r->archive_bytes, r->archive_ms) < 0 ||
	    put_str(out, "error", r->archive_error) < 0 ||
	    folio_buf_printf(out, ", \"partial\": %s},\n  \"documents\": [",
		r->archive_partial ? "true" : "false") < 0)
		goto nomem;
	for (i = 0; i < r->n; i++)
		if (folio_buf_puts(out, i ? ",\n" : "\n") < 0 ||
		    put_doc(out, &r->docs[i], i) < 0)
			goto nomem;
	if (folio_buf_puts(out, r->n ? "\n  ],\n" : "],\n") < 0 ||
	    folio_buf_puts(out, "  \"site\": {") < 0 ||
	    put_str(out, "status", folio_site_status_name(r->site)) < 0 ||
	    folio_buf_puts(out, ", ") < 0 ||
	    put_str(out, "path", r->site_path) < 0 ||
	    folio_buf_printf(out, ", \"documents\": %zu, \"sources_read\": "
		"%zu, \"pages_written\": %zu, \"files_written\": %zu, "
		"\"qr\": %s, \"ms\": %.3f, ", r->site_documents,
		r->site_sources_read, r->site_pages_written,
		r->site_files_written, r->site_qr ? "true" : "false",
		r->site_ms) < 0 ||
	    put_str(out, "error", r->site_error) < 0 ||
	    folio_buf_puts(out, "}\n}\n") < 0)
		goto nomem;
	return 0;
nomem:
	return folio_error_set(err, FOLIO_ENOMEM,
		"report: out of memory or over the size limit");
}

void folio_report_free(folio_batch_report *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n && r->docs != NULL; i++) {
		free(r->docs[i].source);
		free(r->docs[i].id);
		free(r->docs[i].error);
	}
	free(r->docs);
	free(r->batch_id);
	free(r->manifest);
	free(r->out_dir);
	free(r->archive_path);
	free(r->archive_error);
	free(r->site_path);
	free(r->site_error);
	memset(r, 0, sizeof(*r));
}
