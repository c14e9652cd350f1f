/* folio archive - the signed archival ZIP of a batch. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <time.h>

#include "archive/archive.h"
#include "batch/manifest.h"
#include "cli/cli.h"
#include "font/font.h"
#include "layout/layout.h"
#include "import/source.h"
#include "style/style_read.h"

static void archive_usage(FILE *fp)
{
	fprintf(fp,
		"usage: folio archive BATCH.xml -o ARCHIVE.zip "
		"[--key KEY] [--cert CERT]\n"
		"                     [--outputs DIR | --sources-only]\n"
		"\n"
		"Reads the batch manifest and every source it lists and\n"
		"writes one signed ZIP (ASiC-E container, BagIt bag, DA/T 46\n"
		"records). --key/--cert override the manifest's signer. The\n"
		"PDF and EPUB of each record are taken from\n"
		"DIR/pdf/<档号>.pdf and DIR/epub/<档号>.epub and must exist\n"
		"for every record (default DIR: out/<batch id> in the working\n"
		"directory); --sources-only archives the sources alone.\n"
		"SOURCE_DATE_EPOCH fixes every time stamp. Exit 0 written,\n"
		"1 bad input, 2 usage or I/O trouble.\n");
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
		(double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* 页数 for record.xml. `folio build` passes what its layout gave; here
 * each source that has a PDF in the outputs folder is laid out again with
 * the batch's print style, which is how that PDF was made. */
static int count_pages(unsigned **out, const folio_batch_manifest *m,
	const char *outputs, folio_error *err)
{
	folio_layout_options lopts = {FOLIO_MISSING_GLYPH_BOX};
	folio_fontset *fonts = NULL;
	folio_style *style = NULL;
	unsigned *pages;
	size_t i;
	int rc = 0;

	*out = pages = calloc(m->n_sources ? m->n_sources : 1,
		sizeof(*pages));
	if (pages == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	for (i = 0; rc == 0 && i < m->n_sources; i++) {
		char code[FOLIO_ARCHIVE_CODE_MAX], pdf[4096];
		folio_doc *doc = NULL;
		folio_layout lay;
		struct stat st;

		rc = folio_source_read(&doc, m->sources[i].path, NULL, err);
		if (rc == 0)
			rc = folio_archive_record_code(code, doc, m,
				(unsigned)(i + 1), err);
		if (rc == 0)
			snprintf(pdf, sizeof(pdf), "%s/pdf/%s.pdf", outputs,
				code);
		if (rc == 0 && stat(pdf, &st) == 0) {
			if (fonts == NULL &&
			    (rc = folio_fontset_load(&fonts, NULL, err)) == 0)
				rc = folio_style_read(&style, m->style_pdf, err);
			if (rc == 0)
				rc = folio_layout_document(&lay, doc, style,
					fonts, lopts, err);
			if (rc == 0)
				pages[i] = (unsigned)lay.n_pages;
		}
		folio_doc_free(doc);
	}
	folio_style_free(style);
	folio_fontset_free(fonts);
	return rc;
}

int cmd_archive(int argc, char **argv)
{
	const char *batch = NULL, *zip_path = NULL, *outputs = NULL;
	folio_archive_options opts;
	folio_archive_stats st;
	folio_batch_manifest *m = NULL;
	unsigned *pages = NULL;
	int sources_only = 0;
	folio_error err = {0};
	char default_outputs[1024];
	struct timespec t0;
	int i, rc;

	memset(&opts, 0, sizeof(opts));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			archive_usage(stdout);
			return EXIT_OK;
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			zip_path = argv[++i];
		} else if (strcmp(argv[i], "--key") == 0 && i + 1 < argc) {
			opts.key_path = argv[++i];
		} else if (strcmp(argv[i], "--cert") == 0 && i + 1 < argc) {
			opts.cert_path = argv[++i];
		} else if (strcmp(argv[i], "--outputs") == 0 && i + 1 < argc) {
			outputs = argv[++i];
		} else if (strcmp(argv[i], "--sources-only") == 0) {
			sources_only = 1;
		} else if (argv[i][0] != '-' && batch == NULL) {
			batch = argv[i];
		} else {
			fprintf(stderr, "folio archive: unexpected '%s'\n",
				argv[i]);
			archive_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (batch == NULL || zip_path == NULL ||
	    (sources_only && outputs != NULL)) {
		archive_usage(stderr);
		return EXIT_USAGE;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((rc = folio_archive_now(&opts.time, &err)) < 0 ||
	    (rc = folio_batch_manifest_read(&m, batch, &err)) < 0)
		goto fail;
	if (outputs == NULL && !sources_only) {
		snprintf(default_outputs, sizeof(default_outputs), "out/%s",
			m->batch_id);
		outputs = default_outputs;
	}
	opts.outputs_dir = sources_only ? NULL : outputs;
	if (!sources_only) {
		if ((rc = count_pages(&pages, m, outputs, &err)) < 0)
			goto fail;
		opts.pages = pages;
	}
	if ((rc = folio_archive_write(&st, m, zip_path, &opts, &err)) < 0)
		goto fail;
	printf("%s: %zu records (%zu PDF, %zu EPUB), %zu entries, "
		"%llu payload bytes, signed, %.2f s\n", zip_path, st.records,
		st.pdfs, st.epubs, st.entries,
		(unsigned long long)st.payload_bytes, seconds_since(&t0));
	folio_batch_manifest_free(m);
	free(pages);
	return EXIT_OK;
fail:
	folio_batch_manifest_free(m);
	free(pages);
	fprintf(stderr, "folio archive: %s\n", err.msg[0] ? err.msg :
		folio_error_name(rc));
	return cli_exit_status(rc);
}
