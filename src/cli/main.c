#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/xml.h"

const cli_command *const cli_commands[] = {
	&cli_cmd_import, &cli_cmd_check, &cli_cmd_pdf, &cli_cmd_epub,
	&cli_cmd_build, &cli_cmd_archive, &cli_cmd_verify, &cli_cmd_keygen,
	&cli_cmd_ls, &cli_cmd_extract, &cli_cmd_retention,
	NULL
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

static const cli_command *find_command(const char *name)
{
	const cli_command *const *c;

	for (c = cli_commands; *c != NULL; c++)
		if (strcmp(name, (*c)->name) == 0)
			return *c;
	return NULL;
}

static int unknown_command(const char *name)
{
	static const char *const top_options[] = {"help", "version"};
	const char *names[32], *hint;
	size_t n = 0;
	int option = name[0] == '-';

	while (cli_commands[n] != NULL && n < 32) {
		names[n] = cli_commands[n]->name;
		n++;
	}
	/* At the top, an option can only mean --help or --version. */
	hint = option ? cli_closest(name + strspn(name, "-"), top_options, 2) :
		cli_closest(name, names, n);
	fprintf(stderr, "folio: unknown %s '%s'", option ? "option" :
		"command", name);
	if (hint != NULL)
		fprintf(stderr, "; did you mean %s%s%s?", option ? "--" : "'",
			hint, option ? "" : "'");
	fprintf(stderr, "\nTry 'folio --help'.\n");
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	const cli_command *c;
	const char *a;
	int status;

	/* Process policy: libzip gives every deflated entry a fresh ~300 KB
	 * zlib state; with glibc's defaults that memory is unmapped and
	 * faulted in again each time (measured 29 ms against 0.7 ms for the
	 * seed's EPUB). Keep freed blocks of that size in the heap. */
	mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
	mallopt(M_TRIM_THRESHOLD, 16 * 1024 * 1024);
	if (argc < 2) {
		cli_main_help(stderr);
		return EXIT_USAGE;
	}
	a = argv[1];
	if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0 ||
	    strcmp(a, "help") == 0) {
		/* `folio help pdf` is `folio pdf --help`. */
		if (argc > 2 && strcmp(a, "help") == 0) {
			if ((c = find_command(argv[2])) == NULL)
				return unknown_command(argv[2]);
			cli_help(stdout, c);
			return EXIT_OK;
		}
		cli_main_help(stdout);
		return EXIT_OK;
	}
	if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
		printf("folio %s\n", FOLIO_VERSION);
		return EXIT_OK;
	}
	/* Hidden: what the Makefile generates at build time. */
	if (strcmp(a, "--man") == 0 && argc == 3)
		return cli_write_man(stdout, argv[2]);
	if (strcmp(a, "--completion") == 0 && argc == 3 &&
	    strcmp(argv[2], "bash") == 0)
		return cli_write_completion(stdout);
	if ((c = find_command(a)) == NULL)
		return unknown_command(a);
	folio_xml_init();
	status = c->run(argc - 1, argv + 1);
	folio_xml_cleanup();
	return status;
}
