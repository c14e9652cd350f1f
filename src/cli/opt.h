/*
 * opt.h - one declarative option table per command drives the parser,
 * `--help`, the man page (`folio --man`) and bash completion
 * (`folio --completion bash`), so none of them can drift from the code.
 *
 * Conventions (GNU): `--name=value` and `--name value`; short options
 * `-x value`, `-xvalue`, and bundled flags `-fq`; `--` ends the options;
 * a lone `-` is an argument (standard input or output); options may
 * come before, between or after arguments. `-h/--help` and
 * `-V/--version` are part of every command without being listed in its
 * table. An option not in the table, or a command not in cli_commands,
 * is a usage error (exit 2) with a "did you mean" hint when a known
 * name is close (edit distance). An option with a value given twice
 * that is not CLI_OPT_REPEAT is a usage error too: the second would
 * silently win (a flag twice is harmless).
 * A value name written as choices ("error|box") is checked here.
 */
#ifndef FOLIO_CLI_OPT_H
#define FOLIO_CLI_OPT_H

#include <stdio.h>

enum {
	CLI_OPT_REPEAT = 1,     /* may be given more than once */
	CLI_OPT_FILE = 2,       /* the value is a file (completion) */
	CLI_OPT_DIR = 4         /* the value is a folder (completion) */
};

typedef struct cli_opt {
	const char *name;       /* long name without "--"; NULL ends */
	char letter;            /* short option, 0 for none */
	const char *value;      /* the value's name ("FILE"); NULL: a flag */
	unsigned flags;         /* CLI_OPT_* */
	const char *help;       /* one sentence, no final full stop */
} cli_opt;

typedef struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;    /* one line for `folio --help` */
	const char *synopsis;   /* the arguments after "folio NAME" */
	const char *description;/* paragraphs ("\n\n" between), pre-wrapped */
	const cli_opt *opts;    /* the table, ended by {NULL} */
	const char *args;       /* what arguments complete to: "file",
	                         * "dir" or NULL (nothing) */
} cli_command;

/* Every command, in the order `folio --help` lists them; NULL ends. */
extern const cli_command *const cli_commands[];

/* What cli_next returns besides an option's index in the table. */
enum {
	CLI_ARG = -1,           /* an argument, in *value */
	CLI_END = -2,           /* nothing left */
	CLI_EXIT_OK = -3,       /* --help or --version shown: exit 0 */
	CLI_EXIT_USAGE = -4     /* a usage error was printed: exit 2 */
};

#define CLI_MAX_OPTS 64

typedef struct cli_args {
	const cli_command *cmd;
	int argc;
	char **argv;
	int i;                  /* next argv index */
	const char *bundle;     /* rest of a "-abc" being read */
	int only_args;          /* after "--" */
	unsigned char seen[CLI_MAX_OPTS];
} cli_args;

/* argv[0] is the command's name. */
void cli_args_init(cli_args *a, const cli_command *cmd, int argc,
	char **argv);
/* The next option (its index in cmd->opts, *value its value or NULL for
 * a flag) or argument (CLI_ARG). Messages go to stderr here. */
int cli_next(cli_args *a, const char **value);
/* The exit status for a negative cli_next result other than CLI_ARG. */
int cli_args_status(int k);

/* "folio NAME: " + message + "\n" on stderr; returns EXIT_USAGE. */
int cli_usage_error(const cli_command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The command's --help text. */
void cli_help(FILE *fp, const cli_command *cmd);
/* `folio --help`. */
void cli_main_help(FILE *fp);
/* The closest of the candidates to word within the edit distance a
 * typo makes (about a third of its length), or NULL. */
const char *cli_closest(const char *word, const char *const *candidates,
	size_t n);

/* Generated from the tables: the man page (roff; prose_path is the
 * hand-written part with `.\" @SYNOPSIS@` and `.\" @COMMANDS@` lines
 * where the generated parts go) and the bash completion script. */
int cli_write_man(FILE *fp, const char *prose_path);
int cli_write_completion(FILE *fp);

/* Colour on this stream: a terminal, and NO_COLOR unset or empty
 * (https://no-color.org). Every coloured output asks here. */
int cli_color(FILE *fp);

#endif
