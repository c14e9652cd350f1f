/* Unit tests for src/batch/report: totals and the JSON report. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "batch/report.h"

static void fill(folio_batch_report *r)
{
	folio_doc_result *d;

	assert_int_equal(folio_report_init(r, 4, NULL), 0);
	r->batch_id = strdup("J012-2024-B001");
	r->manifest = strdup("examples/batch.xml");
	r->out_dir = strdup("out/J012-2024-B001");
	r->workers = 2;
	r->wall_ms = 2000;
	d = &r->docs[0];
	d->source = strdup("a.xml");
	strcpy(d->code, "J012-2024-D30-0001");
	d->id = strdup("doc-a");
	d->status = FOLIO_DOC_BUILT;
	d->pages = 3;
	d->pdf_bytes = 100;
	d->epub_bytes = 10;
	d->read_ms = 1;
	d->layout_ms = 2;
	d->pdf_ms = 3;
	d->epub_ms = 4;
	d = &r->docs[1];
	d->source = strdup("b.xml");
	strcpy(d->code, "J012-2024-Y-0002");
	d->status = FOLIO_DOC_SKIPPED;
	d->pages = 5;
	d->pdf_bytes = 200;
	d->epub_bytes = 20;
	d = &r->docs[2];
	d->source = strdup("c \"quoted\".xml");
	d->status = FOLIO_DOC_FAILED;
	d->error_code = FOLIO_EINPUT;
	d->error = strdup("c.xml:4:7: expected </title>, found\n\"x\"\t\\");
	d->read_ms = 0.5;
	d = &r->docs[3];
	d->source = strdup("d.xml");   /* not run */
}

static void totals_add_up(void **state)
{
	folio_batch_report r;

	(void)state;
	fill(&r);
	folio_report_sum(&r);
	assert_int_equal(r.built, 1);
	assert_int_equal(r.skipped, 1);
	assert_int_equal(r.failed, 1);
	assert_int_equal(r.not_run, 1);
	assert_int_equal(r.pages, 8);
	assert_int_equal(r.pdf_bytes, 300);
	assert_int_equal(r.epub_bytes, 30);
	assert_true(r.read_ms > 1.49 && r.read_ms < 1.51);
	assert_true(r.epub_ms > 3.99 && r.epub_ms < 4.01);
	/* Summing twice gives the same totals. */
	folio_report_sum(&r);
	assert_int_equal(r.built, 1);
	assert_int_equal(r.pages, 8);
	folio_report_free(&r);
	folio_report_free(NULL);
}

static void json_has_every_document_and_escapes(void **state)
{
	folio_batch_report r;
	folio_error err = {0};
	folio_buf b = {0};
	size_t i, depth = 0, max_depth = 0;
	int in_string = 0;

	(void)state;
	fill(&r);
	r.archive = FOLIO_ARCHIVE_NOT_WRITTEN;
	r.archive_error = strdup("not written: documents failed");
	folio_report_sum(&r);
	assert_int_equal(folio_report_json(&b, &r, &err), 0);
	assert_non_null(strstr(b.data, "\"batch\": \"J012-2024-B001\""));
	assert_non_null(strstr(b.data, "\"totals\": {\"documents\": 4, "
		"\"built\": 1, \"skipped\": 1, \"failed\": 1, \"not_run\": 1, "
		"\"pages\": 8, \"pdf_bytes\": 300, \"epub_bytes\": 30, "));
	assert_non_null(strstr(b.data, "\"docs_per_s\": 1.50"));
	assert_non_null(strstr(b.data, "{\"index\": 1, \"source\": "
		"\"a.xml\", \"code\": \"J012-2024-D30-0001\", \"id\": "
		"\"doc-a\", \"status\": \"built\", \"pages\": 3, "
		"\"pdf_bytes\": 100, \"epub_bytes\": 10, \"ms\": {\"read\": "
		"1.000, \"layout\": 2.000, \"pdf\": 3.000, \"epub\": 4.000}, "
		"\"error\": null, \"error_kind\": null, "
		"\"archive_code\": null}"));
	assert_non_null(strstr(b.data, "\"status\": \"skipped\""));
	assert_non_null(strstr(b.data, "\"source\": "
		"\"c \\\"quoted\\\".xml\", \"code\": null, \"id\": null, "
		"\"status\": \"failed\""));
	assert_non_null(strstr(b.data, "\"error\": \"c.xml:4:7: expected "
		"</title>, found\\n\\\"x\\\"\\t\\\\\", \"error_kind\": "
		"\"input\""));
	assert_non_null(strstr(b.data, "\"status\": \"not run\""));
	assert_non_null(strstr(b.data, "\"archive\": {\"status\": "
		"\"not written\", \"path\": null, \"bytes\": 0, \"ms\": 0.000, "
		"\"error\": \"not written: documents failed\", "
		"\"partial\": false}"));
	/* Brackets balance outside strings; no raw control characters
	 * inside them. */
	for (i = 0; i < b.len; i++) {
		char c = b.data[i];
		if (in_string) {
			assert_true((unsigned char)c >= 0x20);
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = 0;
			continue;
		}
		if (c == '"')
			in_string = 1;
		else if (c == '{' || c == '[')
			depth++;
		else if (c == '}' || c == ']') {
			assert_true(depth > 0);
			depth--;
		}
		if (depth > max_depth)
			max_depth = depth;
	}
	assert_int_equal(depth, 0);
	assert_int_equal(in_string, 0);
	assert_int_equal(max_depth, 4);
	assert_int_equal(b.data[b.len - 1], '\n');
	folio_buf_free(&b);
	folio_report_free(&r);
}

static void empty_batch_and_size_limit(void **state)
{
	folio_batch_report r;
	folio_error err = {0};
	folio_buf b = {0};

	(void)state;
	assert_int_equal(folio_report_init(&r, 0, &err), 0);
	assert_int_equal(folio_report_json(&b, &r, &err), 0);
	assert_non_null(strstr(b.data, "\"documents\": []"));
	assert_non_null(strstr(b.data, "\"batch\": null"));
	assert_non_null(strstr(b.data, "\"site\": {\"status\": \"not written\", "
		"\"path\": null, \"documents\": 0, "));
	folio_buf_free(&b);
	r.site = FOLIO_SITE_FAILED;
	r.site_path = strdup("out/b/site");
	r.site_documents = 3;
	r.site_qr = 1;
	r.site_error = strdup("docs/x.html: \"bad\"");
	memset(&b, 0, sizeof(b));
	assert_int_equal(folio_report_json(&b, &r, &err), 0);
	assert_non_null(strstr(b.data, "\"site\": {\"status\": \"failed\", "
		"\"path\": \"out/b/site\", \"documents\": 3, "
		"\"sources_read\": 0, \"pages_written\": 0, "
		"\"files_written\": 0, \"qr\": true, \"ms\": 0.000, "
		"\"error\": \"docs/x.html: \\\"bad\\\"\"}\n}\n"));
	folio_buf_free(&b);
	folio_report_free(&r);

	fill(&r);
	b.limit = 200; /* far too small for the report */
	assert_int_equal(folio_report_json(&b, &r, &err), FOLIO_ENOMEM);
	assert_true(err.msg[0] != '\0');
	folio_buf_free(&b);
	folio_report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(totals_add_up),
		cmocka_unit_test(json_has_every_document_and_escapes),
		cmocka_unit_test(empty_batch_and_size_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
