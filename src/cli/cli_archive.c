/* folio archive - the signed archival ZIP of a batch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "archive/archive.h"
#include "batch/build.h"
#include "batch/manifest.h"
#include "batch/records.h"
#include "cli/cli.h"

static void archive_usage(FILE *fp)
{
	fprintf(fp,
		"usage: folio archive BATCH.xml -o ARCHIVE.zip "
		"[--key KEY] [--cert CERT]\n"
		"                     [--outputs DIR | --sources-only]\n"
		"\n"
		"Writes one signed ZIP (ASiC-E container, BagIt bag, DA/T 46\n"
		"records) of the batch. The records are what the last\n"
		"`folio build` (a whole-batch run, or the merge of shards)\n"
		"reported in DIR/report.json, with the PDF and EPUB of each\n"
		"from DIR/pdf/<档号>.pdf and DIR/epub/<档号>.epub (default\n"
		"DIR: out/<batch id>); nothing is laid out again. The report\n"
		"must match the manifest and styles as they are now, and\n"
		"each output the file it names. --sources-only reads the\n"
		"sources for their metadata and archives them alone.\n"
		"--key/--cert override the manifest's signer.\n"
		"SOURCE_DATE_EPOCH fixes every time stamp.\n"
		"Exit 0 written, 1 bad input, 2 usage or I/O trouble.\n");
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
		(double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The sources alone: each read for its metadata and 档号. */
static int sources_only(folio_archive_stats *st, const char *batch,
	const char *zip_path, const char *key, const char *cert,
	folio_error *err)
{
	folio_batch_manifest *m = NULL;
	folio_doc_result *docs = NULL;
	folio_records_job job;
	int rc;

	memset(&job, 0, sizeof(job));
	if ((rc = folio_batch_manifest_read(&m, batch, err)) < 0 ||
	    (rc = folio_archive_now(&job.time, err)) < 0 ||
	    (rc = folio_records_from_sources(&docs, m, err)) < 0)
		goto done;
	job.m = m;
	job.zip_path = zip_path;
	job.key_path = key;
	job.cert_path = cert;
	rc = folio_records_archive(st, &job, docs, err);
done:
	if (m != NULL)
		folio_records_free(docs, m->n_sources);
	folio_batch_manifest_free(m);
	return rc;
}

/* out/<batch id> of the manifest, as `folio build` names it. */
static int default_outputs(char *out, size_t n, const char *batch,
	folio_error *err)
{
	folio_batch_manifest *m = NULL;
	int rc = folio_batch_manifest_read(&m, batch, err);

	if (rc == 0)
		snprintf(out, n, "out/%s", m->batch_id);
	folio_batch_manifest_free(m);
	return rc;
}

int cmd_archive(int argc, char **argv)
{
	const char *batch = NULL, *zip_path = NULL, *outputs = NULL;
	const char *key = NULL, *cert = NULL;
	folio_archive_stats st;
	int only_sources = 0;
	folio_error err = {0};
	char dir[1024];
	struct timespec t0;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			archive_usage(stdout);
			return EXIT_OK;
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			zip_path = argv[++i];
		} else if (strcmp(argv[i], "--key") == 0 && i + 1 < argc) {
			key = argv[++i];
		} else if (strcmp(argv[i], "--cert") == 0 && i + 1 < argc) {
			cert = argv[++i];
		} else if (strcmp(argv[i], "--outputs") == 0 && i + 1 < argc) {
			outputs = argv[++i];
		} else if (strcmp(argv[i], "--sources-only") == 0) {
			only_sources = 1;
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
	    (only_sources && outputs != NULL)) {
		archive_usage(stderr);
		return EXIT_USAGE;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (only_sources) {
		rc = sources_only(&st, batch, zip_path, key, cert, &err);
	} else {
		rc = outputs ? 0 : default_outputs(dir, sizeof(dir), batch,
			&err);
		if (rc == 0)
			rc = folio_build_archive_report(&st, batch, outputs ?
				outputs : dir, zip_path, key, cert, &err);
	}
	if (rc < 0) {
		fprintf(stderr, "folio archive: %s\n", err.msg[0] ? err.msg :
			folio_error_name(rc));
		return cli_exit_status(rc);
	}
	printf("%s: %zu records (%zu PDF, %zu EPUB), %zu entries, "
		"%llu payload bytes, signed, %.2f s\n", zip_path, st.records,
		st.pdfs, st.epubs, st.entries,
		(unsigned long long)st.payload_bytes, seconds_since(&t0));
	return EXIT_OK;
}
