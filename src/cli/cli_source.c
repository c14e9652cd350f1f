/* Reading a source from the command line: pages of text say on stderr
 * what the importer did with them (encoding, dropped lines). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "import/source.h"
#include "util/buf.h"

void cli_import_notice(const char *path, const folio_import_report *r,
	const char *see)
{
	folio_buf b = {0};

	if (r->encoding.how == FOLIO_CHARSET_DETECTED)
		fprintf(stderr, "folio: %s: read as %s (detected, confidence "
			"%d%%)\n", path, r->encoding.name,
			r->encoding.confidence);
	else if (r->encoding.how == FOLIO_CHARSET_BOM)
		fprintf(stderr, "folio: %s: read as %s (byte order mark)\n",
			path, r->encoding.name);
	else if (r->encoding.how == FOLIO_CHARSET_GIVEN)
		fprintf(stderr, "folio: %s: read as %s (--encoding)\n", path,
			r->encoding.name);
	if (folio_import_report_summary(&b, r) == 0 && b.len > 0)
		fprintf(stderr, "folio: %s: %s%s%s\n", path, b.data,
			see ? "; see " : "", see ? see : "");
	folio_buf_free(&b);
}

int cli_read_source(folio_doc **out, const char *path,
	const folio_import_options *import, folio_error *err)
{
	folio_import_report report = {0};
	folio_source_options opts = {import, &report};
	int rc = strcmp(path, "-") == 0 ?
		cli_read_stdin_source(out, &opts, err) :
		folio_source_read(out, path, &opts, err);

	if (rc == 0 && report.lines > 0)
		cli_import_notice(path, &report, "folio import --report FILE");
	folio_import_report_free(&report);
	return rc;
}

int cli_parse_meta(folio_meta_override *out, size_t max, size_t *n,
	const char *arg)
{
	const char *eq = strchr(arg, '=');

	if (eq == NULL || eq == arg) {
		fprintf(stderr, "folio: --meta expects KEY=VALUE, found '%s'\n",
			arg);
		return -1;
	}
	if (*n >= max) {
		fprintf(stderr, "folio: at most %zu --meta options\n", max);
		return -1;
	}
	/* The key is cut in place: argv strings are ours to modify. */
	*(char *)(uintptr_t)eq = '\0';
	out[*n].key = arg;
	out[*n].value = eq + 1;
	(*n)++;
	return 0;
}

int cli_source_arg(cli_source_args *s, const cli_command *cmd, int k,
	const char *v, int o_output, int o_meta)
{
	if (k == o_output) {
		s->out = v;
	} else if (k == o_meta) {
		if (cli_parse_meta(s->meta, CLI_MAX_META,
			&s->import.n_meta, v) < 0)
			return EXIT_USAGE;
	} else if (k == CLI_ARG) {
		if (s->in != NULL)
			return cli_usage_error(cmd, "one source only, found "
				"'%s' after '%s'", v, s->in);
		s->in = v;
	} else {
		return cli_args_status(k);
	}
	return -1;
}

int cli_source_args_done(cli_source_args *s, const cli_command *cmd)
{
	if (s->in == NULL || s->out == NULL)
		return cli_usage_error(cmd, "expected a source and -o OUT "
			"(usage: folio %s %s)", cmd->name, cmd->synopsis);
	s->import.meta = s->meta;
	return -1;
}

/* ---- "-": standard input and output ----------------------------------- */

/* Standard input read whole, under the same cap a file has: the cap is
 * checked as the bytes come (there is no size to stat). */
int cli_read_stdin(char **out, size_t *len, size_t limit,
	folio_error *err)
{
	size_t cap = 64 * 1024, n = 0, got;
	char *data = malloc(cap + 1), *p;

	*out = NULL;
	if (data == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	for (;;) {
		if (n == cap) {
			if (cap > limit) {
				free(data);
				return folio_error_set(err, FOLIO_ELIMIT,
					"stdin:1:1: size limit exceeded: "
					"expected at most %zu bytes, found "
					"more", limit);
			}
			cap *= 2;
			if ((p = realloc(data, cap + 1)) == NULL) {
				free(data);
				return folio_error_set(err, FOLIO_ENOMEM,
					"out of memory");
			}
			data = p;
		}
		got = fread(data + n, 1, cap - n, stdin);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(stdin)) {
		free(data);
		return folio_error_set(err, FOLIO_EIO, "stdin: read error");
	}
	if (n > limit) {
		free(data);
		return folio_error_set(err, FOLIO_ELIMIT, "stdin:1:1: size "
			"limit exceeded: expected at most %zu bytes, found %zu "
			"bytes", limit, n);
	}
	data[n] = '\0';
	*out = data;
	*len = n;
	return 0;
}

int cli_read_stdin_source(folio_doc **out, const folio_source_options *opts,
	folio_error *err)
{
	char *data = NULL;
	size_t n = 0;
	int rc;

	*out = NULL;
	if ((rc = cli_read_stdin(&data, &n, FOLIO_MAX_SOURCE_BYTES, err)) < 0)
		return rc;
	rc = folio_source_read_memory(out, "stdin", data, n, opts, err);
	free(data);
	return rc;
}

int cli_out_begin(cli_out *o, const char *path, const char *name,
	folio_error *err)
{
	const char *tmp = getenv("TMPDIR");

	memset(o, 0, sizeof(*o));
	if (strcmp(path, "-") != 0) {
		o->path = path;
		return 0;
	}
	/* Writers publish by rename; the file goes to standard output only
	 * once it is complete, so a failure writes nothing there. */
	if (snprintf(o->dir, sizeof(o->dir), "%s/folio.XXXXXX",
		tmp && tmp[0] ? tmp : "/tmp") >= (int)sizeof(o->dir) ||
	    mkdtemp(o->dir) == NULL)
		return folio_error_set(err, FOLIO_EIO, "cannot make a "
			"temporary folder for standard output: %s",
			strerror(errno));
	snprintf(o->file, sizeof(o->file), "%s/%s", o->dir, name);
	o->path = o->file;
	o->to_stdout = 1;
	return 0;
}

int cli_out_end(cli_out *o, int rc, folio_error *err)
{
	char buf[65536];
	size_t n;
	FILE *fp;

	if (!o->to_stdout)
		return rc;
	if (rc == 0 && (fp = fopen(o->file, "rb")) == NULL)
		rc = folio_error_set(err, FOLIO_EIO, "%s: %s", o->file,
			strerror(errno));
	else if (rc == 0) {
		while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
			if (fwrite(buf, 1, n, stdout) != n)
				break;
		if (ferror(fp) || fflush(stdout) != 0 || ferror(stdout))
			rc = folio_error_set(err, FOLIO_EIO, "standard output: "
				"write error");
		fclose(fp);
	}
	(void)unlink(o->file);
	(void)rmdir(o->dir);
	return rc;
}
