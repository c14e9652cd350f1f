/* folio extract - records out of a verified archive. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive/tools.h"
#include "cli/cli.h"

static int cmd_extract(int argc, char **argv);

enum { O_OUTPUT, O_FORCE, O_TRUST };

static const cli_opt extract_opts[] = {
	[O_OUTPUT] = {"output", 'o', "DIR", CLI_OPT_DIR,
		"write the records into this folder (made when missing)"},
	[O_FORCE] = {"force", 0, NULL, 0,
		"replace files already in DIR"},
	[O_TRUST] = {"trust", 0, "CA.pem", CLI_OPT_FILE,
		"check the signer's certificate chain against this trust "
		"anchor"},
	{NULL, 0, NULL, 0, NULL}
};

const cli_command cli_cmd_extract = {
	"extract", cmd_extract, "take records out of a verified archive",
	"[OPTIONS] ARCHIVE.zip [档号...] -o DIR",
	"Verifies the archive (every check of folio verify) and\n"
	"refuses an invalid one, writing nothing (exit 1). Then\n"
	"writes DIR/<档号>/ for each record named (all without a\n"
	"档号): its files and record.xml, regular files of mode 0644,\n"
	"never through a symbolic link, never outside DIR. A file\n"
	"already there stops the run (exit 2) unless --force is given.\n"
	"Files are written to temporary names and renamed only once\n"
	"all are written: a failure leaves nothing behind. An unknown\n"
	"档号 is named (exit 2).\n"
	"\n"
	"Exit status 0 extracted, 1 invalid archive, 2 unreadable,\n"
	"usage or file system trouble.",
	extract_opts, "file"
};

static int cmd_extract(int argc, char **argv)
{
	const char *zip_path = NULL, *dir = NULL;
	folio_extract_options opts = {NULL, 0, 0, NULL};
	folio_extract_stats st;
	folio_error err = {0};
	const char **codes, *v;
	cli_args args;
	int k, rc;

	codes = calloc((size_t)argc, sizeof(*codes));
	if (codes == NULL) {
		fprintf(stderr, "folio extract: out of memory\n");
		return EXIT_USAGE;
	}
	opts.codes = codes;
	cli_args_init(&args, &cli_cmd_extract, argc, argv);
	while ((k = cli_next(&args, &v)) != CLI_END) {
		switch (k) {
		case O_OUTPUT: dir = v; break;
		case O_FORCE: opts.force = 1; break;
		case O_TRUST: opts.trust_path = v; break;
		case CLI_ARG:
			if (zip_path == NULL)
				zip_path = v;
			else
				codes[opts.n_codes++] = v;
			break;
		default:
			free(codes);
			return cli_args_status(k);
		}
	}
	if (zip_path == NULL || dir == NULL) {
		free(codes);
		return cli_usage_error(&cli_cmd_extract, "expected an "
			"ARCHIVE.zip and -o DIR");
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
