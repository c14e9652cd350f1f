/*
 * cli.h - subcommands of the folio tool. Only src/cli/ prints or exits.
 *
 * Each subcommand lives in its own cli_NAME.c: its option table and
 * texts as `const cli_command cli_cmd_NAME` (opt.h), listed in main.c's
 * cli_commands, and a static run function that gets argv with argv[0]
 * = its name, parses it with cli_next, and returns the process exit
 * status: 0 success, 1 invalid input / failed check, 2 usage or I/O
 * trouble (as documented in folio(1)).
 */
#ifndef FOLIO_CLI_CLI_H
#define FOLIO_CLI_CLI_H

#include <stddef.h>

#include "cli/opt.h"
#include "import/import.h"
#include "import/source.h"
#include "model/doc.h"
#include "util/error.h"

enum { EXIT_OK = 0, EXIT_INVALID = 1, EXIT_USAGE = 2 };

/* "folio: <message>" on stderr; returns the exit status for err->code. */
int cli_report(const folio_error *err);
/* Exit status that matches an error code. */
int cli_exit_status(int code);

/* --meta, the same on import, check, pdf and epub. */
#define CLI_MAX_META 32
#define CLI_OPT_META {"meta", 0, "KEY=VALUE", CLI_OPT_REPEAT, \
	"fill or override a metadata field (title, subtitle, issuer, " \
	"doc-number, date, category, subject, index-number, security, " \
	"retention, keywords, recipients, cc, printed-by, printed-date, " \
	"url, note, id; lists comma-separated); on XML sources too"}

/* What import, pdf and epub share on their command line: one source
 * ("-": standard input), -o OUT ("-": standard output), --meta. */
typedef struct cli_source_args {
	const char *in, *out;
	folio_meta_override meta[CLI_MAX_META];
	folio_import_options import;
} cli_source_args;
/* In the option loop, for whatever the command does not take itself:
 * the option k of cli_next when it is the command's o_output or o_meta,
 * an argument, or the end of parsing. -1 when taken (go on), else the
 * exit status to return. */
int cli_source_arg(cli_source_args *s, const cli_command *cmd, int k,
	const char *v, int o_output, int o_meta);
/* After the loop: -1 when a source and an output were given (and the
 * import options hold the --meta overrides), else a usage error's
 * exit status. */
int cli_source_args_done(cli_source_args *s, const cli_command *cmd);

/* Split "KEY=VALUE" (in place) into out[*n]; prints and returns -1 on a
 * malformed argument or when max is reached. */
int cli_parse_meta(folio_meta_override *out, size_t max, size_t *n,
	const char *arg);

/* folio_source_read, then the importer's notice and summary on stderr
 * for a page of text (see cli_import_notice). */
int cli_read_source(folio_doc **out, const char *path,
	const folio_import_options *import, folio_error *err);

/* All of standard input; more than limit bytes is FOLIO_ELIMIT. */
int cli_read_stdin(char **out, size_t *len, size_t limit, folio_error *err);
/* Standard input ("-") as a source, with the size cap of a file. */
int cli_read_stdin_source(folio_doc **out, const folio_source_options *opts,
	folio_error *err);

/* A single output that may be "-" (standard output): the writer writes
 * to o->path; cli_out_end then copies a complete file to standard
 * output (nothing when rc < 0) and removes it. Returns rc or the copy's
 * error. */
typedef struct cli_out {
	const char *path;
	int to_stdout;
	char dir[1024];
	char file[1100];
} cli_out;
int cli_out_begin(cli_out *o, const char *path, const char *name,
	folio_error *err);
int cli_out_end(cli_out *o, int rc, folio_error *err);

/* "folio: PATH: read as GB18030 (detected ...)" and "folio: PATH:
 * dropped 3 lines: ...; see SEE" on stderr, when there is something to
 * say. */
void cli_import_notice(const char *path, const folio_import_report *r,
	const char *see);

/* Each command's table and text (opt.h), in its cli_NAME.c; main.c
 * lists them in cli_commands. */
extern const cli_command cli_cmd_import, cli_cmd_check, cli_cmd_pdf,
	cli_cmd_epub, cli_cmd_build, cli_cmd_archive, cli_cmd_verify,
	cli_cmd_keygen, cli_cmd_ls, cli_cmd_extract, cli_cmd_retention;

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
