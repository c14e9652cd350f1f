/* folio extract - records out of a verified archive. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive/tools.h"
#include "cli/cli.h"

static void extract_usage(FILE *fp)
{
	fprintf(fp,
		"usage: folio extract ARCHIVE.zip [档号...] -o DIR [--force] "
		"[--trust CA.pem]\n"
		"\n"
		"Verifies the archive (every check of folio verify) and\n"
		"refuses an invalid one, writing nothing (exit 1). Then\n"
		"writes DIR/<档号>/ for each record named (all without a\n"
		"档号): its files and record.xml, regular files of mode 0644,\n"
		"never through a symbolic link, never outside DIR. DIR is\n"
		"made when missing. A file already there stops the run\n"
		"(exit 2) unless --force is given. Files are written to\n"
		"temporary names and renamed only once all are written: a\n"
		"failure leaves nothing behind. An unknown 档号 is named\n"
		"(exit 2). Exit 0 extracted, 1 invalid archive, 2 unreadable,\n"
		"usage or file system trouble.\n");
}

int cmd_extract(int argc, char **argv)
{
	const char *zip_path = NULL, *dir = NULL;
	folio_extract_options opts = {NULL, 0, 0, NULL};
	folio_extract_stats st;
	folio_error err = {0};
	const char **codes;
	int i, rc;

	codes = calloc((size_t)argc, sizeof(*codes));
	if (codes == NULL) {
		fprintf(stderr, "folio extract: out of memory\n");
		return EXIT_USAGE;
	}
	opts.codes = codes;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			extract_usage(stdout);
			free(codes);
			return EXIT_OK;
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			dir = argv[++i];
		} else if (strcmp(argv[i], "--force") == 0) {
			opts.force = 1;
		} else if (strcmp(argv[i], "--trust") == 0 && i + 1 < argc) {
			opts.trust_path = argv[++i];
		} else if (argv[i][0] != '-' && zip_path == NULL) {
			zip_path = argv[i];
		} else if (argv[i][0] != '-') {
			codes[opts.n_codes++] = argv[i];
		} else {
			fprintf(stderr, "folio extract: unexpected '%s'\n",
				argv[i]);
			extract_usage(stderr);
			free(codes);
			return EXIT_USAGE;
		}
	}
	if (zip_path == NULL || dir == NULL) {
		extract_usage(stderr);
		free(codes);
		return EXIT_USAGE;
	}
	rc = folio_archive_extract(&st, zip_path, dir, &opts, &err);
	free(codes);
	if (rc < 0) {
		fprintf(stderr, "folio extract: %s\n", err.msg[0] ? err.msg :
			folio_error_name(rc));
		if (st.report.entry[0])
			fprintf(stderr, "folio extract: first failing entry: "
				"%s (check: %s); nothing written\n",
				st.report.entry, st.report.check);
		return cli_exit_status(rc);
	}
	printf("%s: verified; %zu records, %zu files (%llu bytes) written "
		"to %s\n", zip_path, st.records, st.files,
		(unsigned long long)st.bytes, dir);
	return EXIT_OK;
}
