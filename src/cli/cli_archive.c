/* folio archive - the signed archival ZIP of a batch. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "archive/archive.h"
#include "batch/manifest.h"
#include "cli/cli.h"

static void archive_usage(FILE *fp)
{
	fprintf(fp,
		"usage: folio archive BATCH.xml -o ARCHIVE.zip "
		"[--key KEY] [--cert CERT]\n"
		"                     [--outputs DIR]\n"
		"\n"
		"Reads the batch manifest and every source it lists and\n"
		"writes one signed ZIP (ASiC-E container, BagIt bag, DA/T 46\n"
		"records). --key/--cert override the manifest's signer. The\n"
		"PDF and EPUB of each record are taken from\n"
		"DIR/pdf/<档号>.pdf and DIR/epub/<档号>.epub when present\n"
		"(default DIR: out/<batch id> in the working directory).\n"
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

int cmd_archive(int argc, char **argv)
{
	const char *batch = NULL, *zip_path = NULL, *outputs = NULL;
	folio_archive_options opts;
	folio_archive_stats st;
	folio_batch_manifest *m = NULL;
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
		} else if (argv[i][0] != '-' && batch == NULL) {
			batch = argv[i];
		} else {
			fprintf(stderr, "folio archive: unexpected '%s'\n",
				argv[i]);
			archive_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (batch == NULL || zip_path == NULL) {
		archive_usage(stderr);
		return EXIT_USAGE;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((rc = folio_archive_now(&opts.time, &err)) < 0 ||
	    (rc = folio_batch_manifest_read(&m, batch, &err)) < 0)
		goto fail;
	if (outputs == NULL) {
		snprintf(default_outputs, sizeof(default_outputs), "out/%s",
			m->batch_id);
		outputs = default_outputs;
	}
	opts.outputs_dir = outputs;
	if ((rc = folio_archive_write(&st, m, zip_path, &opts, &err)) < 0)
		goto fail;
	printf("%s: %zu records (%zu PDF, %zu EPUB), %zu entries, "
		"%llu payload bytes, signed, %.2f s\n", zip_path, st.records,
		st.pdfs, st.epubs, st.entries,
		(unsigned long long)st.payload_bytes, seconds_since(&t0));
	folio_batch_manifest_free(m);
	return EXIT_OK;
fail:
	folio_batch_manifest_free(m);
	fprintf(stderr, "folio archive: %s\n", err.msg[0] ? err.msg :
		folio_error_name(rc));
	return cli_exit_status(rc);
}
