/* opt.c - parsing a command line against a command's option table, the
 * --help text and the "did you mean" hints (see opt.h). */
#include "cli/opt.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static const cli_opt help_opt = {"help", 'h', NULL, 0,
	"show this help and exit"};
static const cli_opt version_opt = {"version", 'V', NULL, 0,
	"show the version and exit"};

void cli_args_init(cli_args *a, const cli_command *cmd, int argc,
	char **argv)
{
	memset(a, 0, sizeof(*a));
	a->cmd = cmd;
	a->argc = argc;
	a->argv = argv;
	a->i = 1;
}

int cli_args_status(int k)
{
	return k == CLI_EXIT_OK ? EXIT_OK : EXIT_USAGE;
}

int cli_usage_error(const cli_command *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "folio %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'folio %s --help'.\n", cmd->name);
	return EXIT_USAGE;
}

/* Optimal string alignment distance: insertions, deletions,
 * substitutions and swaps of neighbours each cost one (a swap is the
 * commonest typo: --stlye). Names are short; longer words are cut. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t d[33][33], n = strlen(a), m = strlen(b), i, j;

	if (n > 32)
		n = 32;
	if (m > 32)
		m = 32;
	for (i = 0; i <= n; i++)
		d[i][0] = i;
	for (j = 0; j <= m; j++)
		d[0][j] = j;
	for (i = 1; i <= n; i++)
		for (j = 1; j <= m; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[n][m];
}

const char *cli_closest(const char *word, const char *const *candidates,
	size_t n)
{
	size_t i, best = (size_t)-1, limit = strlen(word) / 3 + 1;
	const char *pick = NULL;

	if (limit > 3)
		limit = 3;
	for (i = 0; i < n; i++) {
		size_t d = edit_distance(word, candidates[i]);
		/* A word that is the start of a name is meant as it. */
		if (strncmp(candidates[i], word, strlen(word)) == 0 &&
		    word[0] != '\0')
			d = 1;
		if (d < best) {
			best = d;
			pick = candidates[i];
		}
	}
	return best <= limit ? pick : NULL;
}

static size_t n_opts(const cli_command *cmd)
{
	size_t n = 0;

	while (cmd->opts != NULL && cmd->opts[n].name != NULL)
		n++;
	return n;
}

static int unknown_long(cli_args *a, const char *name, size_t len)
{
	const char *names[CLI_MAX_OPTS + 2], *hint;
	char word[64];
	size_t n = n_opts(a->cmd), i;

	snprintf(word, sizeof(word), "%.*s", (int)(len < 63 ? len : 63), name);
	for (i = 0; i < n; i++)
		names[i] = a->cmd->opts[i].name;
	names[n++] = help_opt.name;
	names[n++] = version_opt.name;
	hint = cli_closest(word, names, n);
	if (hint != NULL)
		return cli_usage_error(a->cmd, "unknown option '--%s'; did "
			"you mean --%s?", word, hint);
	return cli_usage_error(a->cmd, "unknown option '--%s'", word);
}

/* A value written as choices ("error|box") must be one of them. */
static int check_choice(const cli_args *a, const cli_opt *o, const char *v)
{
	const char *p = o->value, *bar;
	size_t len = strlen(v);

	if (strchr(p, '|') == NULL)
		return 0;
	for (;;) {
		bar = strchr(p, '|');
		if ((bar ? (size_t)(bar - p) : strlen(p)) == len &&
		    strncmp(p, v, len) == 0)
			return 0;
		if (bar == NULL)
			break;
		p = bar + 1;
	}
	cli_usage_error(a->cmd, "--%s: expected one of %s, found '%s'",
		o->name, o->value, v);
	return -1;
}

static int special(cli_args *a, const cli_opt *o)
{
	if (o == &help_opt) {
		cli_help(stdout, a->cmd);
		return CLI_EXIT_OK;
	}
	printf("folio %s\n", FOLIO_VERSION);
	return CLI_EXIT_OK;
}

/* Option index k found; its value from inline (after '=' or the rest of
 * a short bundle) or the next argument. */
static int take(cli_args *a, int k, const char *inline_value,
	int had_equals, const char **value)
{
	const cli_opt *o = &a->cmd->opts[k];

	*value = NULL;
	if (o->value == NULL) {
		if (had_equals) {
			cli_usage_error(a->cmd, "--%s takes no value, found "
				"'%s'", o->name, inline_value);
			return CLI_EXIT_USAGE;
		}
	} else if (inline_value != NULL) {
		*value = inline_value;
	} else if (a->i < a->argc) {
		*value = a->argv[a->i++];
	} else {
		cli_usage_error(a->cmd, "--%s needs a value (%s)", o->name,
			o->value);
		return CLI_EXIT_USAGE;
	}
	if (*value != NULL && check_choice(a, o, *value) < 0)
		return CLI_EXIT_USAGE;
	if ((size_t)k < CLI_MAX_OPTS) {
		/* A flag twice says the same thing twice; a value twice
		 * would let the second silently win. */
		if (a->seen[k] && o->value != NULL &&
		    !(o->flags & CLI_OPT_REPEAT)) {
			cli_usage_error(a->cmd, "--%s given twice; it takes "
				"one value", o->name);
			return CLI_EXIT_USAGE;
		}
		a->seen[k] = 1;
	}
	return k;
}

static int next_short(cli_args *a, const char **value)
{
	char c = *a->bundle++;
	size_t n = n_opts(a->cmd), k;
	const char *rest;

	if (c == 'h' || c == 'V') {
		a->bundle = NULL;
		return special(a, c == 'h' ? &help_opt : &version_opt);
	}
	for (k = 0; k < n && a->cmd->opts[k].letter != c; k++)
		;
	if (k == n) {
		a->bundle = NULL;
		cli_usage_error(a->cmd, "unknown option '-%c'", c);
		return CLI_EXIT_USAGE;
	}
	rest = a->bundle;
	if (a->cmd->opts[k].value != NULL) {
		/* -j4, -oout.pdf: the rest of the word is the value. */
		a->bundle = NULL;
		return take(a, (int)k, *rest ? rest : NULL, 0, value);
	}
	if (*rest == '\0')
		a->bundle = NULL;
	return take(a, (int)k, NULL, 0, value);
}

int cli_next(cli_args *a, const char **value)
{
	const char *s, *eq;
	size_t n = n_opts(a->cmd), k, len;

	*value = NULL;
	if (a->bundle != NULL)
		return next_short(a, value);
	if (a->i >= a->argc)
		return CLI_END;
	s = a->argv[a->i++];
	if (a->only_args || s[0] != '-' || s[1] == '\0') {
		*value = s;
		return CLI_ARG;
	}
	if (s[1] != '-') {
		a->bundle = s + 1;
		return next_short(a, value);
	}
	if (s[2] == '\0') {
		a->only_args = 1;
		return cli_next(a, value);
	}
	s += 2;
	eq = strchr(s, '=');
	len = eq ? (size_t)(eq - s) : strlen(s);
	if (len == 4 && strncmp(s, "help", 4) == 0)
		return special(a, &help_opt);
	if (len == 7 && strncmp(s, "version", 7) == 0)
		return special(a, &version_opt);
	for (k = 0; k < n; k++)
		if (strlen(a->cmd->opts[k].name) == len &&
		    strncmp(a->cmd->opts[k].name, s, len) == 0)
			return take(a, (int)k, eq ? eq + 1 : NULL, eq != NULL,
				value);
	unknown_long(a, s, len);
	return CLI_EXIT_USAGE;
}

/* ---- help ------------------------------------------------------------ */

/* Terminal columns of UTF-8 text: Han and full-width forms take two. */
static size_t columns(const char *s, size_t n)
{
	size_t c = 0, i;

	for (i = 0; i < n; i++) {
		unsigned char b = (unsigned char)s[i];
		if ((b & 0xC0) == 0x80)
			continue;
		c += b >= 0xE0 ? 2 : 1;
	}
	return c;
}

/* text filled into lines of at most `width` columns, each after
 * `indent` spaces; the first line continues at column `at`. */
static void fill(FILE *fp, const char *text, size_t at, size_t indent,
	size_t width)
{
	const char *p = text;
	size_t col = at;
	int first = 1;

	while (*p) {
		const char *end = strchr(p, ' ');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		size_t w = columns(p, n);

		if (!first && col + 1 + w > width) {
			fprintf(fp, "\n%*s", (int)indent, "");
			col = indent;
		} else if (!first) {
			fputc(' ', fp);
			col++;
		}
		fwrite(p, 1, n, fp);
		col += w;
		first = 0;
		p += n;
		while (*p == ' ')
			p++;
	}
	fputc('\n', fp);
}

static void help_line(FILE *fp, const cli_opt *o)
{
	char head[96];
	int n;

	n = snprintf(head, sizeof(head), "  %c%c%c --%s%s%s%s",
		o->letter ? '-' : ' ', o->letter ? o->letter : ' ',
		o->letter ? ',' : ' ', o->name, o->value ? "=" : "",
		o->value ? o->value : "",
		(o->flags & CLI_OPT_REPEAT) ? "..." : "");
	fputs(head, fp);
	if (n >= 28) {
		fprintf(fp, "\n%*s", 28, "");
	} else {
		fprintf(fp, "%*s", 28 - n, "");
	}
	fill(fp, o->help, 28, 28, 79);
}

void cli_help(FILE *fp, const cli_command *cmd)
{
	const cli_opt *o;

	fprintf(fp, "usage: folio %s %s\n\n", cmd->name, cmd->synopsis);
	fprintf(fp, "%s\n\noptions:\n", cmd->description);
	for (o = cmd->opts; o != NULL && o->name != NULL; o++)
		help_line(fp, o);
	help_line(fp, &help_opt);
	help_line(fp, &version_opt);
}

void cli_main_help(FILE *fp)
{
	const cli_command *const *c;

	fprintf(fp, "usage: folio COMMAND [OPTIONS] [ARGUMENTS]\n"
		"       folio -h | --help | -V | --version\n\ncommands:\n");
	for (c = cli_commands; *c != NULL; c++)
		fprintf(fp, "  %-10s %s\n", (*c)->name, (*c)->summary);
	fprintf(fp, "\n'folio COMMAND --help' describes one command; "
		"see also folio(1).\n");
}

int cli_color(FILE *fp)
{
	const char *nc = getenv("NO_COLOR");

	return (nc == NULL || nc[0] == '\0') && isatty(fileno(fp));
}
