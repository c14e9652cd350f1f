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

static int cmd_archive(int argc, char **argv);

enum { O_OUTPUT, O_KEY, O_CERT, O_OUTPUTS, O_SOURCES_ONLY };

static const cli_opt archive_opts[] = {
	[O_OUTPUT] = {"output", 'o', "ARCHIVE.zip", CLI_OPT_FILE,
		"where the signed ZIP goes"},
	[O_KEY] = {"key", 0, "KEY", CLI_OPT_FILE,
		"signing key instead of the manifest's"},
	[O_CERT] = {"cert", 0, "CERT", CLI_OPT_FILE,
		"signing certificate instead of the manifest's"},
	[O_OUTPUTS] = {"outputs", 0, "DIR", CLI_OPT_DIR,
		"the folder of the build to archive (default: "
		"out/<batch id>)"},
	[O_SOURCES_ONLY] = {"sources-only", 0, NULL, 0,
		"read the sources for their metadata and archive them alone "
		"(not with --outputs)"},
	{NULL, 0, NULL, 0, NULL}
};

const cli_command cli_cmd_archive = {
	"archive", cmd_archive, "build the signed archival ZIP of a batch",
	"[OPTIONS] BATCH.xml -o ARCHIVE.zip",
	"Writes one signed ZIP (ASiC-E container, BagIt bag, DA/T 46\n"
	"records) of the batch. The records are what the last `folio build`\n"
	"(a whole-batch run, or the merge of shards) reported in\n"
	"DIR/report.json, with the PDF and EPUB of each from\n"
	"DIR/pdf/<档号>.pdf and DIR/epub/<档号>.epub; nothing is laid out\n"
	"again. The report must match the manifest and styles as they are\n"
	"now, and each output the file it names.\n"
	"\n"
	"SOURCE_DATE_EPOCH fixes every time stamp. Exit status 0 written, 1\n"
	"bad input, 2 usage or I/O trouble.",
	archive_opts, "file"
};

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
		(double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The sources alone: each read for its metadata and 档号 as the
 * archive takes it. */
static int sources_only(folio_archive_stats *st, const char *batch,
	const char *zip_path, const char *key, const char *cert,
	folio_error *err)
{
	folio_batch_manifest *m = NULL;
	folio_doc_list docs;
	folio_records_job job;
	int rc;

	memset(&job, 0, sizeof(job));
	if ((rc = folio_batch_manifest_read(&m, batch, err)) == 0 &&
	    (rc = folio_archive_now(&job.time, err)) == 0) {
		folio_doc_list_of_sources(&docs, m);
		job.m = m;
		job.zip_path = zip_path;
		job.key_path = key;
		job.cert_path = cert;
		rc = folio_records_archive(st, &job, &docs, err);
	}
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

static int cmd_archive(int argc, char **argv)
{
	const char *batch = NULL, *zip_path = NULL, *outputs = NULL;
	const char *key = NULL, *cert = NULL;
	folio_archive_stats st;
	int only_sources = 0;
	folio_error err = {0};
	char dir[1024];
	struct timespec t0;
	const char *v;
	cli_args args;
	int k, rc;

	cli_args_init(&args, &cli_cmd_archive, argc, argv);
	while ((k = cli_next(&args, &v)) != CLI_END) {
		switch (k) {
		case O_OUTPUT: zip_path = v; break;
		case O_KEY: key = v; break;
		case O_CERT: cert = v; break;
		case O_OUTPUTS: outputs = v; break;
		case O_SOURCES_ONLY: only_sources = 1; break;
		case CLI_ARG:
			if (batch != NULL)
				return cli_usage_error(&cli_cmd_archive,
					"unexpected '%s'", v);
			batch = v;
			break;
		default:
			return cli_args_status(k);
		}
	}
	if (batch == NULL || zip_path == NULL)
		return cli_usage_error(&cli_cmd_archive, "expected a "
			"BATCH.xml and -o ARCHIVE.zip");
	if (only_sources && outputs != NULL)
		return cli_usage_error(&cli_cmd_archive, "--sources-only and "
			"--outputs exclude each other");
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
