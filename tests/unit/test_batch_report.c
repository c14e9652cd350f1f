/* Unit tests for src/batch/report: totals, the JSON report, and reading
 * it back as the merge does. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch/doclines.h"
#include "batch/report.h"

#define HEX_A "0123456789abcdef0123456789abcdef" \
	"0123456789abcdef0123456789abcdef"

/* Four documents: built, skipped, failed, not run (strings malloc'd). */
static void fill(folio_doc_result *d)
{
	memset(d, 0, 4 * sizeof(*d));
	d[0].source = strdup("a.xml");
	d[0].index = 0;
	strcpy(d[0].sha256, HEX_A);
	strcpy(d[0].code, "J012-2024-D30-0001");
	d[0].id = strdup("doc-a");
	d[0].status = FOLIO_DOC_BUILT;
	d[0].pages = 3;
	d[0].pdf_bytes = 100;
	d[0].epub_bytes = 10;
	d[0].pdf_mtime_ns = 1700000000000000001LL;
	d[0].stamp.set = 1;
	d[0].stamp.ino = 42;
	d[0].stamp.size = 1525;
	d[0].stamp.mtime_ns = 1600000000000000007LL;
	d[0].stamp.ctime_ns = -3;
	d[0].epub_mtime_ns = 1700000000000000002LL;
	d[0].read_ms = 1;
	d[0].layout_ms = 2;
	d[0].pdf_ms = 3;
	d[0].epub_ms = 4;
	d[0].has_meta = 1;
	d[0].meta.title = strdup("关于“测试”的通知");
	d[0].meta.issuer = strdup("测试办公室");
	d[0].meta.doc_number = strdup("测发〔2024〕1号");
	d[0].meta.date = strdup("2024-05-06");
	d[0].meta.security = strdup("公开");
	d[0].meta.retention = strdup("定期30年");
	d[0].meta.keywords = strdup("档案 测试");
	d[1].source = strdup("b.xml");
	d[1].index = 1;
	strcpy(d[1].sha256, HEX_A);
	strcpy(d[1].code, "J012-2024-Y-0002");
	d[1].status = FOLIO_DOC_SKIPPED;
	d[1].pages = 5;
	d[1].pdf_bytes = 200;
	d[1].epub_bytes = 20;
	d[1].has_meta = 1;
	d[1].meta.title = strdup("B");
	d[1].meta.issuer = strdup("I");
	d[1].meta.date = strdup("2024-01-02");
	d[1].meta.security = strdup("内部");
	d[1].meta.retention = strdup("永久");
	d[2].source = strdup("c \"quoted\".xml");
	d[2].index = 2;
	d[2].status = FOLIO_DOC_FAILED;
	d[2].error_code = FOLIO_EINPUT;
	d[2].error = strdup("c.xml:4:7: expected </title>, found\n\"x\"\t\\");
	d[2].read_ms = 0.5;
	d[3].source = strdup("d.xml");   /* not run */
	d[3].index = 3;
}

static void clear(folio_doc_result *d)
{
	size_t i;

	for (i = 0; i < 4; i++)
		folio_doc_result_clear(&d[i]);
}

/* A document from a page of text: what its import dropped. */
static void add_import(folio_doc_result *d)
{
	folio_import_drop *x = calloc(2, sizeof(*x));

	assert_non_null(x);
	d->import.set = 1;
	d->import.lines = 40;
	d->import.dropped = 2;
	d->import.moved = 5;
	d->import.summary = strdup("dropped 2 lines: 1 site chrome, 1 SEO "
		"spam");
	x[0].line = 2;
	x[0].col = 1;
	x[0].text = strdup("首页 | \"打印\" | 关闭\t\\");
	x[0].reason = strdup("site chrome");
	x[1].line = 3;
	x[1].col = 5;
	x[1].text = strdup("G20 峰会 G20 峰会 G20");
	x[1].reason = strdup("SEO spam");
	d->import.drops = x;
	d->import.n_drops = 2;
}

static void totals_add_up(void **state)
{
	folio_batch_report r;
	folio_doc_result d[4];
	size_t i;

	(void)state;
	memset(&r, 0, sizeof(r));
	fill(d);
	for (i = 0; i < 4; i++)
		assert_int_equal(folio_report_count(&r, &d[i], NULL), 0);
	assert_int_equal(r.built, 1);
	assert_int_equal(r.skipped, 1);
	assert_int_equal(r.failed, 1);
	assert_int_equal(r.not_run, 1);
	assert_int_equal(r.pages, 8);
	assert_int_equal(r.pdf_bytes, 300);
	assert_int_equal(r.epub_bytes, 30);
	assert_true(r.read_ms > 1.49 && r.read_ms < 1.51);
	assert_true(r.epub_ms > 3.99 && r.epub_ms < 4.01);
	assert_int_equal(r.n_failures, 1);
	assert_string_equal(r.failures[0].source, "c \"quoted\".xml");
	assert_non_null(strstr(r.failures[0].error, "c.xml:4:7:"));
	assert_int_equal(r.imported, 0);
	assert_int_equal(r.n_drops, 0);
	/* A built page of text with drops is listed for stderr and
	 * counted; a skipped one only counted. */
	add_import(&d[0]);
	add_import(&d[1]);
	assert_int_equal(folio_report_count(&r, &d[0], NULL), 0);
	assert_int_equal(folio_report_count(&r, &d[1], NULL), 0);
	assert_int_equal(r.imported, 2);
	assert_int_equal(r.dropped_lines, 4);
	assert_int_equal(r.n_drops, 1);
	assert_string_equal(r.drops[0].source, "a.xml");
	assert_string_equal(r.drops[0].error, d[0].import.summary);
	clear(d);
	folio_report_free(&r);
	folio_report_free(NULL);
}

static void document_objects_escape_and_read_back(void **state)
{
	folio_doc_result d[4], back;
	folio_error err = {0};
	folio_buf b = {0};
	folio_json *j = NULL;
	size_t i;

	(void)state;
	fill(d);
	assert_int_equal(folio_report_doc_json(&b, &d[0], &err), 0);
	assert_string_equal(b.data, "{\"source\": \"a.xml\", \"index\": 1, "
		"\"sha256\": \"" HEX_A "\", \"source_stat\": \"42:1525:"
		"1600000000000000007:-3\", \"code\": \"J012-2024-D30-0001\", "
		"\"id\": \"doc-a\", \"status\": \"built\", \"pages\": 3, "
		"\"pdf_bytes\": 100, \"epub_bytes\": 10, \"pdf_mtime_ns\": "
		"1700000000000000001, \"epub_mtime_ns\": 1700000000000000002, "
		"\"ms\": {\"read\": 1.000, \"layout\": 2.000, \"pdf\": 3.000, "
		"\"epub\": 4.000}, \"error\": null, \"error_kind\": null, "
		"\"record\": {\"title\": \"关于“测试”的通知\", \"issuer\": "
		"\"测试办公室\", \"doc_number\": \"测发〔2024〕1号\", \"date\": "
		"\"2024-05-06\", \"security\": \"公开\", \"retention\": "
		"\"定期30年\", \"category\": null, \"keywords\": \"档案 测试\"}, "
		"\"import\": null}");
	for (i = 0; i < 4; i++) {
		folio_buf_reset(&b);
		assert_int_equal(folio_report_doc_json(&b, &d[i], &err), 0);
		assert_null(strchr(b.data, '\n'));
		assert_int_equal(folio_json_open_memory(&j, b.data, b.len, "t",
			&err), 0);
		if (folio_report_doc_read(j, &back, 0, &err) != 0)
			fail_msg("document %zu: %s", i, err.msg);
		folio_json_free(j);
		assert_string_equal(back.source, d[i].source);
		assert_int_equal(back.index, d[i].index);
		assert_int_equal(back.status, d[i].status);
		assert_string_equal(back.code, d[i].code);
		assert_string_equal(back.sha256, d[i].sha256);
		assert_int_equal(back.pages, d[i].pages);
		assert_true(back.pdf_mtime_ns == d[i].pdf_mtime_ns);
		assert_int_equal(back.stamp.set, d[i].stamp.set);
		assert_true(back.stamp.ctime_ns == d[i].stamp.ctime_ns);
		assert_true(back.stamp.mtime_ns == d[i].stamp.mtime_ns);
		assert_int_equal(back.has_meta, d[i].has_meta);
		if (d[i].error)
			assert_string_equal(back.error, d[i].error);
		if (d[i].has_meta) {
			assert_string_equal(back.meta.title, d[i].meta.title);
			assert_string_equal(back.meta.retention,
				d[i].meta.retention);
		}
		assert_int_equal(back.error_code, d[i].error_code);
		folio_doc_result_clear(&back);
	}
	/* Kept as it was written: the record passes through undecoded,
	 * and comes out the same. */
	folio_buf_reset(&b);
	assert_int_equal(folio_report_doc_json(&b, &d[0], &err), 0);
	assert_int_equal(folio_json_open_memory(&j, b.data, b.len, "t", &err),
		0);
	assert_int_equal(folio_report_doc_read(j, &back, 1, &err), 0);
	folio_json_free(j);
	assert_null(back.meta.title);
	assert_non_null(strstr(b.data, back.meta_json));
	assert_int_equal(back.meta_json[0], '{');
	{
		folio_buf again = {0};
		assert_int_equal(folio_report_doc_json(&again, &back, &err),
			0);
		assert_string_equal(again.data, b.data);
		folio_buf_free(&again);
	}
	folio_doc_result_clear(&back);
	/* The import report: written, read back by either reader, copied,
	 * every dropped line intact. */
	add_import(&d[1]);
	for (i = 0; i < 2; i++) {
		folio_doc_result copy;
		size_t k;
		folio_buf_reset(&b);
		assert_int_equal(folio_report_doc_json(&b, &d[1], &err), 0);
		assert_non_null(strstr(b.data, "\"import\": {\"lines\": 40, "
			"\"dropped\": 2, \"moved\": 5, \"renumbered\": 0, "));
		assert_int_equal(folio_json_open_memory(&j, b.data, b.len,
			"t", &err), 0);
		assert_int_equal(folio_report_doc_read(j, &back, (int)i,
			&err), 0);
		folio_json_free(j);
		assert_int_equal(folio_doc_result_copy(&copy, &back, &err), 0);
		folio_doc_result_clear(&back);
		assert_true(copy.import.set);
		assert_int_equal(copy.import.lines, 40);
		assert_int_equal(copy.import.dropped, 2);
		assert_int_equal(copy.import.moved, 5);
		assert_string_equal(copy.import.summary, d[1].import.summary);
		assert_int_equal(copy.import.n_drops, 2);
		for (k = 0; k < 2; k++) {
			assert_int_equal(copy.import.drops[k].line,
				d[1].import.drops[k].line);
			assert_int_equal(copy.import.drops[k].col,
				d[1].import.drops[k].col);
			assert_string_equal(copy.import.drops[k].text,
				d[1].import.drops[k].text);
			assert_string_equal(copy.import.drops[k].reason,
				d[1].import.drops[k].reason);
		}
		folio_doc_result_clear(&copy);
	}
	/* A list of drops that is not one is refused. */
	{
		static const char bad[] = "{\"source\": \"x.txt\", "
			"\"index\": 1, \"import\": {\"drops\": [1]}}";
		assert_int_equal(folio_json_open_memory(&j, bad,
			sizeof(bad) - 1, "t", &err), 0);
		assert_int_equal(folio_report_doc_read(j, &back, 0, &err),
			FOLIO_EINPUT);
		folio_json_free(j);
	}
	folio_buf_free(&b);
	clear(d);
}

typedef struct seen {
	size_t n;
	char sources[4][32];
} seen;

static int on_doc(void *ctx, const folio_doc_result *d, folio_json *j)
{
	seen *s = ctx;

	(void)j;
	snprintf(s->sources[s->n++], sizeof(s->sources[0]), "%s", d->source);
	return 0;
}

/* The report file: the head, the documents streamed in, read back. */
/* A document's figures: written after "import" (absent when the list
 * is not known), read back with their stamps, copied; a figure whose src
 * climbs out of the source's folder, or a bad format, does not read. */
static void figures_round_trip(void **state)
{
	folio_doc_result d[4], back, copy;
	folio_doc_image *f;
	folio_error err = {0};
	folio_buf b = {0};
	folio_json *j = NULL;
	const char *bad[] = {"../x.png", "/etc/x.png", "a//b.png", ".x.png"};
	size_t i;

	(void)state;
	fill(d);
	assert_int_equal(folio_report_doc_json(&b, &d[0], &err), 0);
	assert_null(strstr(b.data, "figures"));
	d[0].figures_set = 1;
	assert_non_null(f = folio_doc_figures_add(&d[0], "images/chart-1.png"));
	strcpy(f->format, "png");
	strcpy(f->sha256, HEX_A);
	f->stamp.set = 1;
	f->stamp.ino = 7;
	f->stamp.size = 99;
	f->stamp.mtime_ns = 5;
	f->stamp.ctime_ns = 6;
	assert_non_null(f = folio_doc_figures_add(&d[0], "photo.jpg"));
	strcpy(f->format, "jpg");
	strcpy(f->sha256, HEX_A);
	folio_buf_reset(&b);
	assert_int_equal(folio_report_doc_json(&b, &d[0], &err), 0);
	assert_non_null(strstr(b.data, "\"import\": null, \"figures\": "
		"[{\"src\": \"images/chart-1.png\", \"format\": \"png\", "
		"\"sha256\": \"" HEX_A "\", \"stat\": \"7:99:5:6\"}, "
		"{\"src\": \"photo.jpg\", \"format\": \"jpg\", \"sha256\": "
		"\"" HEX_A "\", \"stat\": null}]}"));
	assert_int_equal(folio_json_open_memory(&j, b.data, b.len, "t", &err),
		0);
	assert_int_equal(folio_report_doc_read(j, &back, 1, &err), 0);
	folio_json_free(j);
	assert_int_equal(back.figures_set, 1);
	assert_int_equal(back.n_figures, 2);
	assert_string_equal(back.figures[0].src, "images/chart-1.png");
	assert_string_equal(back.figures[1].format, "jpg");
	assert_int_equal(back.figures[0].stamp.set, 1);
	assert_true(back.figures[0].stamp.ctime_ns == 6);
	assert_int_equal(back.figures[1].stamp.set, 0);
	assert_int_equal(folio_doc_result_copy(&copy, &back, &err), 0);
	assert_int_equal(copy.n_figures, 2);
	assert_string_equal(copy.figures[1].src, "photo.jpg");
	folio_doc_result_clear(&copy);
	folio_doc_result_clear(&back);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]) + 1; i++) {
		folio_buf_reset(&b);
		if (i < sizeof(bad) / sizeof(bad[0]))
			assert_true(folio_buf_printf(&b, "{\"source\": \"a\", "
				"\"index\": 1, \"figures\": [{\"src\": \"%s\", "
				"\"format\": \"png\", \"sha256\": \"" HEX_A
				"\", \"stat\": null}]}", bad[i]) == 0);
		else
			assert_true(folio_buf_puts(&b, "{\"source\": \"a\", "
				"\"index\": 1, \"figures\": [{\"src\": \"a.gif\","
				" \"format\": \"gif\", \"sha256\": \"" HEX_A
				"\", \"stat\": null}]}") == 0);
		assert_int_equal(folio_json_open_memory(&j, b.data, b.len, "t",
			&err), 0);
		assert_int_equal(folio_report_doc_read(j, &back, 1, &err),
			FOLIO_EINPUT);
		folio_json_free(j);
	}
	folio_buf_free(&b);
	clear(d);
}

static void report_file_round_trip(void **state)
{
	char dir[] = "/tmp/folio-report-test-XXXXXX", path[64];
	folio_batch_report r;
	folio_report_head h;
	folio_doc_result d[4];
	folio_error err = {0};
	folio_buf b = {0};
	seen s;
	FILE *docs = tmpfile();
	size_t i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/report.json", dir);
	memset(&r, 0, sizeof(r));
	fill(d);
	r.batch_id = strdup("J012-2024-B001");
	r.manifest = strdup("examples/batch.xml");
	r.out_dir = strdup("out/J012-2024-B001");
	r.path = strdup(path);
	r.shard_index = 2;
	r.shard_count = 4;
	strcpy(r.inputs.manifest, HEX_A);
	strcpy(r.inputs.style, HEX_A);
	strcpy(r.inputs.css, HEX_A);
	r.inputs.epoch = 1587945600;
	r.workers = 2;
	r.wall_ms = 2000;
	r.n = 4;
	r.archive_error = strdup("not written: documents failed");
	fputc('[', docs);
	for (i = 0; i < 4; i++) {
		assert_int_equal(folio_report_count(&r, &d[i], &err), 0);
		folio_buf_reset(&b);
		assert_int_equal(folio_report_doc_json(&b, &d[i], &err), 0);
		fprintf(docs, "%s\n    %s", i ? "," : "", b.data);
	}
	fputs("\n  ]", docs);
	assert_int_equal(folio_report_write(&r, docs, &err), 0);
	fclose(docs);

	folio_buf_reset(&b);
	assert_int_equal(folio_report_head_json(&b, &r, &err), 0);
	assert_non_null(strstr(b.data, "\"shard\": \"2/4\", "
		"\"merged_shards\": 0"));
	assert_non_null(strstr(b.data, "\"totals\": {\"documents\": 4, "
		"\"built\": 1, \"skipped\": 1, \"failed\": 1, \"not_run\": 1, "
		"\"pages\": 8, \"pdf_bytes\": 300, \"epub_bytes\": 30, "));
	assert_non_null(strstr(b.data, "\"docs_per_s\": 1.50"));
	assert_non_null(strstr(b.data, "\"epoch\": 1587945600}"));
	assert_non_null(strstr(b.data, "\"archive\": {\"status\": "
		"\"not written\", \"path\": null, \"bytes\": 0, \"ms\": 0.000, "
		"\"error\": \"not written: documents failed\", "
		"\"partial\": false}"));

	memset(&s, 0, sizeof(s));
	assert_int_equal(folio_report_read(&h, path, on_doc, &s, &err), 0);
	assert_string_equal(h.batch, "J012-2024-B001");
	assert_int_equal(h.shard_index, 2);
	assert_int_equal(h.shard_count, 4);
	assert_int_equal(h.documents, 4);
	assert_int_equal(h.stopped, 0);
	assert_true(h.inputs.epoch == 1587945600);
	assert_string_equal(h.inputs.style, HEX_A);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.sources[2], "c \"quoted\".xml");

	/* Cut short (a report being written when the disk filled up):
	 * refused with the place. */
	{
		char cmd[400];
		snprintf(cmd, sizeof(cmd), "head -c 900 %s > %s.cut && mv "
			"%s.cut %s", path, path, path, path);
		assert_int_equal(system(cmd), 0);
	}
	folio_error_clear(&err);
	memset(&s, 0, sizeof(s));
	assert_int_equal(folio_report_read(&h, path, on_doc, &s, &err),
		FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "report.json:"));
	assert_non_null(strstr(err.msg, "found end of input"));
	unlink(path);
	rmdir(dir);
	folio_buf_free(&b);
	clear(d);
	folio_report_free(&r);
}

static void empty_batch_and_size_limit(void **state)
{
	folio_batch_report r;
	folio_doc_result d[4];
	folio_error err = {0};
	folio_buf b = {0};

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(folio_report_head_json(&b, &r, &err), 0);
	assert_non_null(strstr(b.data, "\"batch\": null"));
	assert_non_null(strstr(b.data, "\"shard\": null"));
	assert_non_null(strstr(b.data, "\"site\": {\"status\": \"not written\", "
		"\"path\": null, \"documents\": 0, "));
	folio_buf_free(&b);
	r.site = FOLIO_SITE_FAILED;
	r.site_path = strdup("out/b/site");
	r.site_documents = 3;
	r.site_qr = 1;
	r.site_error = strdup("docs/x.html: \"bad\"");
	memset(&b, 0, sizeof(b));
	assert_int_equal(folio_report_head_json(&b, &r, &err), 0);
	assert_non_null(strstr(b.data, "\"site\": {\"status\": \"failed\", "
		"\"path\": \"out/b/site\", \"documents\": 3, "
		"\"sources_read\": 0, \"pages_written\": 0, "
		"\"files_written\": 0, \"qr\": true, \"ms\": 0.000, "
		"\"error\": \"docs/x.html: \\\"bad\\\"\"},\n  \"documents\": "));
	free(r.site_path);
	free(r.site_error);
	folio_buf_free(&b);

	fill(d);
	b.limit = 200; /* far too small for the document */
	assert_int_equal(folio_report_doc_json(&b, &d[0], &err),
		FOLIO_ENOMEM);
	assert_true(err.msg[0] != '\0');
	folio_buf_free(&b);
	clear(d);
}

/* A batch whose places outgrow the table's memory budget: where each
 * line is goes to a temporary file (util/recarray.h), and 300 lines
 * written at places scattered over 50,000 come back from any place,
 * through a window and alone, the others unknown. */
static void document_lines_of_a_large_batch(void **state)
{
	enum { N = 50000, W = 300 };
	char dir[] = "/tmp/folio-lines-XXXXXX", src[32];
	folio_doc_result d[4], back;
	folio_doc_lines *t = NULL;
	folio_buf scratch = {0};
	folio_read_window w = {0};
	folio_error err = {0};
	FILE *spool = tmpfile();
	char *keep;
	size_t k, known = 0;

	(void)state;
	assert_non_null(spool);
	assert_non_null(mkdtemp(dir));
	fill(d);
	keep = d[0].source;
	assert_int_equal(folio_doc_lines_new(&t, N, spool, dir, &err), 0);
	assert_true(folio_doc_lines_on_disk(t));
	for (k = 0; k < W; k++) {
		d[0].index = (k * 7919) % N;
		d[0].status = k % 3 ? FOLIO_DOC_BUILT : FOLIO_DOC_FAILED;
		snprintf(src, sizeof(src), "s-%zu.xml", d[0].index);
		d[0].source = src;
		assert_int_equal(folio_doc_lines_append(t, &d[0], &scratch,
			&err), 0);
	}
	d[0].source = keep;
	assert_int_equal(folio_doc_lines_sync(t, &err), 0);
	for (k = 0; k < N; k++) {
		size_t which = 0;
		if (!folio_doc_lines_has(t, k))
			continue;
		known++;
		/* the write that put place k */
		while ((which * 7919) % N != k)
			which++;
		assert_int_equal(folio_doc_lines_status(t, k), which % 3 ?
			FOLIO_DOC_BUILT : FOLIO_DOC_FAILED);
		assert_int_equal(k % 2 ? folio_doc_lines_get(t, k, &back,
			&err) : folio_doc_lines_read(t, k, &w, &back, &err), 0);
		assert_int_equal(back.index, k);
		snprintf(src, sizeof(src), "s-%zu.xml", k);
		assert_string_equal(back.source, src);
		folio_doc_result_clear(&back);
	}
	assert_int_equal(known, W);
	assert_int_equal(folio_doc_lines_get(t, 1, &back, &err),
		FOLIO_EUSAGE);
	folio_read_window_free(&w);
	folio_buf_free(&scratch);
	folio_doc_lines_free(t);
	fclose(spool);
	clear(d);
	assert_int_equal(rmdir(dir), 0);   /* nothing left in it */
}

/* The lines of a run's documents kept on disk (doclines.h): written in
 * finishing order, read back by manifest place, as many times as asked,
 * with their status known without a read. */
static void document_lines_by_place(void **state)
{
	folio_doc_result d[4], back;
	folio_doc_lines *t = NULL;
	folio_buf scratch = {0}, line = {0}, json = {0};
	folio_error err = {0};
	FILE *spool = tmpfile();
	size_t order[4] = {2, 0, 3, 1}, k;
	int pass;
	long at;

	(void)state;
	assert_non_null(spool);
	fill(d);
	add_import(&d[0]);
	assert_int_equal(folio_doc_lines_new(&t, 5, spool, "/tmp", &err), 0);
	/* Two appended by the table, two written by the caller at known
	 * places between other bytes (as the run's report array is). */
	for (k = 0; k < 4; k++) {
		folio_doc_result *x = &d[order[k]];
		if (k % 2 == 0) {
			assert_int_equal(folio_doc_lines_append(t, x, &scratch,
				&err), 0);
			continue;
		}
		folio_buf_reset(&json);
		assert_int_equal(folio_report_doc_json(&json, x, &err), 0);
		assert_int_equal(fseek(spool, 0, SEEK_END), 0);
		assert_true(fputs(",\n    ", spool) >= 0);
		at = ftell(spool);
		assert_int_equal(fwrite(json.data, 1, json.len, spool),
			json.len);
		assert_int_equal(folio_doc_lines_set(t, x->index,
			(uint64_t)at, json.len, x->status, &err), 0);
	}
	assert_int_equal(folio_doc_lines_size(t), 5);
	assert_int_equal(folio_doc_lines_status(t, 0), FOLIO_DOC_BUILT);
	assert_int_equal(folio_doc_lines_status(t, 1), FOLIO_DOC_SKIPPED);
	assert_int_equal(folio_doc_lines_status(t, 2), FOLIO_DOC_FAILED);
	assert_int_equal(folio_doc_lines_status(t, 3), FOLIO_DOC_NOT_RUN);
	assert_false(folio_doc_lines_has(t, 4));
	assert_int_equal(folio_doc_lines_status(t, 4), FOLIO_DOC_NOT_RUN);
	for (pass = 0; pass < 2; pass++)
		for (k = 0; k < 4; k++) {
			assert_int_equal(folio_doc_lines_get(t, k, &back, &err),
				0);
			assert_int_equal(back.index, k);
			assert_string_equal(back.source, d[k].source);
			assert_int_equal(back.status, d[k].status);
			/* What the record is made of comes back decoded. */
			if (d[k].has_meta) {
				assert_null(back.meta_json);
				assert_string_equal(back.meta.title,
					d[k].meta.title);
			}
			/* The line is the document object as written. */
			folio_buf_reset(&json);
			assert_int_equal(folio_report_doc_json(&json, &d[k],
				&err), 0);
			assert_int_equal(folio_doc_lines_line(t, k, &line,
				&err), 0);
			assert_int_equal(line.len, json.len);
			assert_memory_equal(line.data, json.data, json.len);
			folio_doc_result_clear(&back);
		}
	assert_int_equal(folio_doc_lines_get(t, 0, &back, &err), 0);
	assert_int_equal(back.import.n_drops, 2);
	folio_doc_result_clear(&back);
	/* Through a reader's own window (as the site's threads read):
	 * refused while lines wait in the stream, the same documents
	 * once synced. */
	{
		folio_read_window w = {0};
		assert_int_equal(folio_doc_lines_append(t, &d[3], &scratch,
			&err), 0);
		assert_int_equal(folio_doc_lines_read(t, 3, &w, &back, &err),
			FOLIO_EUSAGE);
		assert_non_null(strstr(err.msg, "synced"));
		assert_int_equal(folio_doc_lines_sync(t, &err), 0);
		for (k = 4; k-- > 0; ) {
			assert_int_equal(folio_doc_lines_read(t, k, &w, &back,
				&err), 0);
			assert_int_equal(back.index, k);
			assert_string_equal(back.source, d[k].source);
			assert_int_equal(back.status, d[k].status);
			folio_doc_result_clear(&back);
		}
		assert_int_equal(folio_doc_lines_read(t, 4, &w, &back, &err),
			FOLIO_EUSAGE);
		folio_read_window_free(&w);
	}
	/* A place never written is an error, not an empty document. */
	assert_int_equal(folio_doc_lines_get(t, 4, &back, &err), FOLIO_EUSAGE);
	/* Out of range, empty or past the cap of one line: refused. */
	assert_int_equal(folio_doc_lines_set(t, 5, 0, 10, FOLIO_DOC_BUILT,
		&err), FOLIO_ELIMIT);
	assert_int_equal(folio_doc_lines_set(t, 4, 0, 0, FOLIO_DOC_BUILT,
		&err), FOLIO_ELIMIT);
	assert_int_equal(folio_doc_lines_set(t, 4, 0,
		(size_t)16 * 1024 * 1024, FOLIO_DOC_BUILT, &err), FOLIO_ELIMIT);
	/* A line that says another place (a spool mixed up) is refused. */
	assert_int_equal(folio_doc_lines_set(t, 4, 0, 1, FOLIO_DOC_BUILT,
		&err), 0);
	assert_int_not_equal(folio_doc_lines_get(t, 4, &back, &err), 0);
	{
		/* document 3's line claimed for place 4 */
		uint64_t off = 0;
		folio_buf_reset(&json);
		assert_int_equal(folio_doc_lines_line(t, 3, &json, &err), 0);
		assert_int_equal(fseek(spool, 0, SEEK_END), 0);
		off = (uint64_t)ftell(spool);
		assert_int_equal(fwrite(json.data, 1, json.len, spool),
			json.len);
		assert_int_equal(folio_doc_lines_set(t, 4, off, json.len,
			FOLIO_DOC_NOT_RUN, &err), 0);
		folio_error_clear(&err);
		assert_int_equal(folio_doc_lines_get(t, 4, &back, &err),
			FOLIO_EINPUT);
		assert_non_null(strstr(err.msg, "says document 4"));
	}
	folio_doc_lines_free(t);
	folio_buf_free(&scratch);
	folio_buf_free(&line);
	folio_buf_free(&json);
	fclose(spool);
	clear(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(totals_add_up),
		cmocka_unit_test(document_objects_escape_and_read_back),
		cmocka_unit_test(figures_round_trip),
		cmocka_unit_test(report_file_round_trip),
		cmocka_unit_test(empty_batch_and_size_limit),
		cmocka_unit_test(document_lines_by_place),
		cmocka_unit_test(document_lines_of_a_large_batch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
