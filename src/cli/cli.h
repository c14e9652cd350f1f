/*
 * cli.h - subcommands of the folio tool. Only src/cli/ prints or exits.
 *
 * Each subcommand is `int cmd_NAME(int argc, char **argv)` in its own
 * file, gets argv with argv[0] = its name, and returns the process exit
 * status: 0 success, 1 invalid input / failed check, 2 usage or I/O
 * trouble (as documented in folio(1)).
 */
#ifndef FOLIO_CLI_CLI_H
#define FOLIO_CLI_CLI_H

#include <stddef.h>

#include "import/import.h"
#include "model/doc.h"
#include "util/error.h"

enum { EXIT_OK = 0, EXIT_INVALID = 1, EXIT_USAGE = 2 };

typedef struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} cli_command;

/* The table, defined in main.c; each entry's run lives in cli_NAME.c. */
extern const cli_command cli_commands[];

/* "folio: <message>" on stderr; returns the exit status for err->code. */
int cli_report(const folio_error *err);
/* Exit status that matches an error code. */
int cli_exit_status(int code);

/* Split "KEY=VALUE" (in place) into out[*n]; prints and returns -1 on a
 * malformed argument or when max is reached. */
int cli_parse_meta(folio_meta_override *out, size_t max, size_t *n,
	const char *arg);

/* folio_source_read, then the importer's notice and summary on stderr
 * for a page of text (see cli_import_notice). */
int cli_read_source(folio_doc **out, const char *path,
	const folio_import_options *import, folio_error *err);

/* "folio: PATH: read as GB18030 (detected ...)" and "folio: PATH:
 * dropped 3 lines: ...; see SEE" on stderr, when there is something to
 * say. */
void cli_import_notice(const char *path, const folio_import_report *r,
	const char *see);

int cmd_import(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_pdf(int argc, char **argv);
int cmd_epub(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_archive(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_keygen(int argc, char **argv);

/* The print style at style_path (NULL: styles/gbt9704.xml, found by
 * folio_data_path) and the fontset, as folio pdf lays out with them.
 * On error both out pointers may be set: free them (free(NULL) is a
 * no-op). */
struct folio_style;
struct folio_fontset;
int cli_print_inputs(struct folio_style **style,
	struct folio_fontset **fonts, const char *style_path,
	folio_error *err);

#endif
