/* gen.c - the man page and the bash completion script, made from the
 * command tables at build time (`folio --man`, `folio --completion
 * bash`; see opt.h), so they list exactly what the parser accepts. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opt.h"

/* Plain text as roff input: backslashes and hyphens escaped, a line
 * starting with a control character protected. */
static void roff_text(FILE *fp, const char *s, size_t n)
{
	size_t i;
	int bol = 1;

	for (i = 0; i < n; i++) {
		char c = s[i];
		if (bol && (c == '.' || c == '\''))
			fputs("\\&", fp);
		bol = c == '\n';
		if (c == '\\')
			fputs("\\e", fp);
		else if (c == '-')
			fputs("\\-", fp);
		else
			fputc(c, fp);
	}
}

static void roff_line(FILE *fp, const char *s)
{
	roff_text(fp, s, strlen(s));
	fputc('\n', fp);
}

static void man_option(FILE *fp, const cli_opt *o)
{
	fputs(".TP\n", fp);
	if (o->letter)
		fprintf(fp, "\\fB\\-%c\\fR, ", o->letter);
	fputs("\\fB\\-\\-", fp);
	roff_text(fp, o->name, strlen(o->name));
	fputs("\\fR", fp);
	if (o->value) {
		fputs("=\\fI", fp);
		roff_text(fp, o->value, strlen(o->value));
		fputs("\\fR", fp);
	}
	if (o->flags & CLI_OPT_REPEAT)
		fputs("...", fp);
	fputc('\n', fp);
	roff_line(fp, o->help);
}

static void man_synopsis(FILE *fp)
{
	const cli_command *const *c;

	for (c = cli_commands; *c != NULL; c++) {
		fprintf(fp, ".B folio %s\n", (*c)->name);
		roff_line(fp, (*c)->synopsis);
		fputs(".br\n", fp);
	}
	fputs(".B folio\n\\-h | \\-\\-help | \\-V | \\-\\-version\n", fp);
}

static void man_commands(FILE *fp)
{
	static const cli_opt common[] = {
		{"help", 'h', NULL, 0, "show this help and exit"},
		{"version", 'V', NULL, 0, "show the version and exit"},
	};
	const cli_command *const *c;
	const cli_opt *o;
	size_t i;

	for (c = cli_commands; *c != NULL; c++) {
		const char *p = (*c)->description, *para;
		fprintf(fp, ".SS \"folio %s\"\n", (*c)->name);
		fprintf(fp, ".B folio %s\n", (*c)->name);
		roff_line(fp, (*c)->synopsis);
		/* Paragraphs of the --help text, refilled by roff. */
		while (*p) {
			para = strstr(p, "\n\n");
			fputs(".PP\n", fp);
			roff_text(fp, p, para ? (size_t)(para - p) : strlen(p));
			fputc('\n', fp);
			if (para == NULL)
				break;
			p = para + 2;
		}
		fputs(".PP\nOptions:\n", fp);
		for (o = (*c)->opts; o != NULL && o->name != NULL; o++)
			man_option(fp, o);
		for (i = 0; i < sizeof(common) / sizeof(common[0]); i++)
			man_option(fp, &common[i]);
	}
}

int cli_write_man(FILE *fp, const char *prose_path)
{
	FILE *in = fopen(prose_path, "r");
	char line[1024];

	if (in == NULL) {
		fprintf(stderr, "folio: %s: cannot open the man page's "
			"prose\n", prose_path);
		return EXIT_USAGE;
	}
	while (fgets(line, sizeof(line), in) != NULL) {
		char *v;
		if (strcmp(line, ".\\\" @SYNOPSIS@\n") == 0) {
			man_synopsis(fp);
			continue;
		}
		if (strcmp(line, ".\\\" @COMMANDS@\n") == 0) {
			man_commands(fp);
			continue;
		}
		if ((v = strstr(line, "@VERSION@")) != NULL) {
			fprintf(fp, "%.*s%s%s", (int)(v - line), line,
				FOLIO_VERSION, v + 9);
			continue;
		}
		fputs(line, fp);
	}
	fclose(in);
	return ferror(fp) ? EXIT_USAGE : EXIT_OK;
}

/* ---- bash completion ------------------------------------------------- */

static void words_of_options(FILE *fp, const cli_command *c)
{
	const cli_opt *o;

	for (o = c->opts; o != NULL && o->name != NULL; o++)
		fprintf(fp, "--%s ", o->name);
	fputs("--help --version", fp);
}

/* The options whose value is a file, a folder, a choice, or anything
 * else (nothing to offer: a number, a URL, a name). */
static void value_cases(FILE *fp, const cli_command *c)
{
	const cli_opt *o;

	for (o = c->opts; o != NULL && o->name != NULL; o++) {
		if (o->value == NULL)
			continue;
		fprintf(fp, "\t\t");
		if (o->letter)
			fprintf(fp, "-%c|", o->letter);
		fprintf(fp, "--%s) ", o->name);
		if (strchr(o->value, '|') != NULL) {
			const char *p;
			fputs("COMPREPLY=($(compgen -W '", fp);
			for (p = o->value; *p; p++)
				fputc(*p == '|' ? ' ' : *p, fp);
			fputs("' -- \"$cur\"));;\n", fp);
		} else if (o->flags & CLI_OPT_DIR) {
			fputs("COMPREPLY=($(compgen -d -- \"$cur\"));;\n", fp);
		} else if (o->flags & CLI_OPT_FILE) {
			fputs("COMPREPLY=($(compgen -f -- \"$cur\"));;\n", fp);
		} else {
			fputs("COMPREPLY=();;\n", fp);
		}
	}
}

int cli_write_completion(FILE *fp)
{
	const cli_command *const *c;

	fputs("# bash completion for folio(1); generated from the option "
		"tables by\n# `folio --completion bash`: do not edit.\n"
		"_folio()\n{\n"
		"\tlocal cur=${COMP_WORDS[COMP_CWORD]}\n"
		"\tlocal prev=${COMP_WORDS[COMP_CWORD-1]}\n"
		"\tif [ \"$COMP_CWORD\" -eq 1 ]; then\n"
		"\t\tCOMPREPLY=($(compgen -W '", fp);
	for (c = cli_commands; *c != NULL; c++)
		fprintf(fp, "%s ", (*c)->name);
	fputs("--help --version' -- \"$cur\"))\n\t\treturn\n\tfi\n"
		"\tcase ${COMP_WORDS[1]} in\n", fp);
	for (c = cli_commands; *c != NULL; c++) {
		fprintf(fp, "\t%s)\n\t\tcase $prev in\n", (*c)->name);
		value_cases(fp, *c);
		fputs("\t\t*)\n\t\t\tcase $cur in\n\t\t\t-*) COMPREPLY=($("
			"compgen -W '", fp);
		words_of_options(fp, *c);
		fputs("' -- \"$cur\"));;\n", fp);
		if ((*c)->args != NULL && strcmp((*c)->args, "dir") == 0)
			fputs("\t\t\t*) COMPREPLY=($(compgen -d -- \"$cur\"));;"
				"\n", fp);
		else if ((*c)->args != NULL)
			fputs("\t\t\t*) COMPREPLY=($(compgen -f -- \"$cur\"));;"
				"\n", fp);
		else
			fputs("\t\t\t*) COMPREPLY=();;\n", fp);
		fputs("\t\t\tesac;;\n\t\tesac;;\n", fp);
	}
	fputs("\tesac\n}\ncomplete -o filenames -F _folio folio\n", fp);
	return ferror(fp) ? EXIT_USAGE : EXIT_OK;
}
