#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/xml.h"

const cli_command cli_commands[] = {
	{"import", cmd_import, "turn a pasted web page (text) into an XML source"},
	{"check", cmd_check, "validate sources and print their structure"},
	{"pdf", cmd_pdf, "lay out a source and write a print-ready PDF"},
	{"epub", cmd_epub, "build an EPUB 3 book from a source"},
	{"build", cmd_build, "build a whole batch: PDFs, EPUBs, signed archive"},
	{"archive", cmd_archive, "build the signed archival ZIP of a batch"},
	{"verify", cmd_verify, "check a signed archive, name what fails"},
	{"keygen", cmd_keygen, "make a signing key and certificate"},
	{"ls", cmd_ls, "list the records of a signed archive"},
	{"extract", cmd_extract, "take records out of a verified archive"},
	{"retention", cmd_retention, "review which records' retention ends"},
	{NULL, NULL, NULL}
};

int cli_exit_status(int code)
{
	switch (code) {
	case FOLIO_OK: return EXIT_OK;
	case FOLIO_EINPUT: case FOLIO_ELIMIT: case FOLIO_EFONT:
	case FOLIO_EVERIFY:
		return EXIT_INVALID;
	default:
		return EXIT_USAGE;
	}
}

int cli_report(const folio_error *err)
{
	fprintf(stderr, "folio: %s\n", err->msg[0] ? err->msg :
		folio_error_name(err->code));
	return cli_exit_status(err->code);
}

static void usage(FILE *fp)
{
	const cli_command *c;

	fprintf(fp, "usage: folio COMMAND [OPTIONS] ...\n\ncommands:\n");
	for (c = cli_commands; c->name; c++)
		fprintf(fp, "  %-10s %s\n", c->name, c->summary);
	fprintf(fp, "\n'folio COMMAND --help' describes one command; "
		"see also folio(1).\n");
}

int main(int argc, char **argv)
{
	const cli_command *c;
	int status;

	/* Process policy: libzip gives every deflated entry a fresh ~300 KB
	 * zlib state; with glibc's defaults that memory is unmapped and
	 * faulted in again each time (measured 29 ms against 0.7 ms for the
	 * seed's EPUB). Keep freed blocks of that size in the heap. */
	mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
	mallopt(M_TRIM_THRESHOLD, 16 * 1024 * 1024);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("folio %s\n", FOLIO_VERSION);
		return EXIT_OK;
	}
	for (c = cli_commands; c->name; c++) {
		if (strcmp(argv[1], c->name) == 0) {
			folio_xml_init();
			status = c->run(argc - 1, argv + 1);
			folio_xml_cleanup();
			return status;
		}
	}
	fprintf(stderr, "folio: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
