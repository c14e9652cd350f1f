/* folio ls - the records of a signed archive. */
#include <stdio.h>
#include <string.h>

#include "archive/tools.h"
#include "cli/cli.h"
#include "util/buf.h"

static int cmd_ls(int argc, char **argv);

enum { O_VERIFY, O_TRUST, O_JSON };

static const cli_opt ls_opts[] = {
	[O_VERIFY] = {"verify", 0, NULL, 0,
		"verify the archive first and refuse an invalid one"},
	[O_TRUST] = {"trust", 0, "CA.pem", CLI_OPT_FILE,
		"with --verify, check the signer's certificate chain against "
		"this trust anchor"},
	[O_JSON] = {"json", 0, NULL, 0,
		"the listing as one JSON object on stdout"},
	{NULL, 0, NULL, 0, NULL}
};

const cli_command cli_cmd_ls = {
	"ls", cmd_ls, "list the records of a signed archive",
	"[OPTIONS] ARCHIVE.zip",
	"Lists the records of a signed archive: 档号, 日期, 保管期限,\n"
	"密级, 题名, and each file with its size. The container is read\n"
	"strictly (as verify reads it) and every record.xml is checked\n"
	"against its schema and its folder, but the signature and the\n"
	"digests are checked only with --verify (which refuses an\n"
	"invalid archive, exit 1); the output says which (first line,\n"
	"or \"verified\" in --json).\n"
	"\n"
	"Exit status 0 listed, 1 invalid or inconsistent archive, 2\n"
	"unreadable or usage.",
	ls_opts, "file"
};

static void json_str(folio_buf *b, const char *key, const char *v)
{
	folio_buf_printf(b, "\"%s\":", key);
	if (v == NULL) {
		folio_buf_puts(b, "null");
		return;
	}
	folio_buf_putc(b, '"');
	folio_buf_put_json(b, v);
	folio_buf_putc(b, '"');
}

static void print_json(const char *zip, const folio_archive_listing *l)
{
	folio_buf b = {0};
	size_t i, j;

	folio_buf_putc(&b, '{');
	json_str(&b, "archive", zip);
	folio_buf_printf(&b, ",\"verified\":%s,\"records\":[",
		l->verified ? "true" : "false");
	for (i = 0; i < l->n; i++) {
		const folio_listed_record *r = &l->records[i];
		folio_buf_puts(&b, i ? ",\n{" : "\n{");
		json_str(&b, "code", r->code);
		folio_buf_putc(&b, ',');
		json_str(&b, "title", r->title);
		folio_buf_putc(&b, ',');
		json_str(&b, "issuer", r->issuer);
		folio_buf_putc(&b, ',');
		json_str(&b, "doc_number", r->doc_number);
		folio_buf_putc(&b, ',');
		json_str(&b, "date", r->date);
		folio_buf_putc(&b, ',');
		json_str(&b, "retention", r->retention);
		folio_buf_putc(&b, ',');
		json_str(&b, "security", r->security);
		folio_buf_printf(&b, ",\"bytes\":%llu,\"files\":[",
			(unsigned long long)r->bytes);
		for (j = 0; j < r->n_files; j++) {
			folio_buf_puts(&b, j ? ",{" : "{");
			json_str(&b, "name", r->files[j].name);
			folio_buf_printf(&b, ",\"size\":%llu",
				(unsigned long long)r->files[j].size);
			/* An image: which <figure src> of the source. */
			if (r->files[j].src != NULL) {
				folio_buf_putc(&b, ',');
				json_str(&b, "src", r->files[j].src);
			}
			folio_buf_putc(&b, '}');
		}
		folio_buf_puts(&b, "]}");
	}
	folio_buf_puts(&b, "]}\n");
	fputs(b.data ? b.data : "{}\n", stdout);
	folio_buf_free(&b);
}

static void print_text(const char *zip, const folio_archive_listing *l)
{
	size_t i, j;

	if (l->verified)
		printf("%s: %zu records, verified (signed by %s at %s)\n",
			zip, l->n, l->report.signer, l->report.signing_time);
	else
		printf("%s: %zu records, NOT VERIFIED (folio verify, or ls "
			"--verify, checks the signature and every digest)\n",
			zip, l->n);
	for (i = 0; i < l->n; i++) {
		const folio_listed_record *r = &l->records[i];
		printf("%s  %s  %s  %s  %s\n", r->code, r->date, r->retention,
			r->security, r->title);
		for (j = 0; j < r->n_files; j++)
			printf("    %12llu  %s%s%s%s\n",
				(unsigned long long)r->files[j].size,
				r->files[j].name, r->files[j].src ?
				"  (the source's " : "", r->files[j].src ?
				r->files[j].src : "", r->files[j].src ? ")" : "");
	}
}

static int cmd_ls(int argc, char **argv)
{
	const char *zip_path = NULL, *v;
	folio_list_options opts = {0, NULL};
	folio_archive_listing list;
	folio_error err = {0};
	cli_args args;
	int k, rc, json = 0;

	cli_args_init(&args, &cli_cmd_ls, argc, argv);
	while ((k = cli_next(&args, &v)) != CLI_END) {
		switch (k) {
		case O_VERIFY: opts.verify = 1; break;
		case O_TRUST: opts.trust_path = v; break;
		case O_JSON: json = 1; break;
		case CLI_ARG:
			if (zip_path != NULL)
				return cli_usage_error(&cli_cmd_ls,
					"unexpected '%s'", v);
			zip_path = v;
			break;
		default:
			return cli_args_status(k);
		}
	}
	if (zip_path == NULL)
		return cli_usage_error(&cli_cmd_ls, "expected an ARCHIVE.zip");
	if (opts.trust_path != NULL && !opts.verify)
		return cli_usage_error(&cli_cmd_ls, "--trust needs --verify");
	rc = folio_archive_list(&list, zip_path, &opts, &err);
	if (rc < 0) {
		fprintf(stderr, "folio ls: %s\n", err.msg[0] ? err.msg :
			folio_error_name(rc));
		if (list.report.entry[0])
			fprintf(stderr, "folio ls: first failing entry: %s "
				"(check: %s)\n", list.report.entry,
				list.report.check);
		folio_archive_listing_free(&list);
		return cli_exit_status(rc);
	}
	if (json)
		print_json(zip_path, &list);
	else
		print_text(zip_path, &list);
	folio_archive_listing_free(&list);
	return EXIT_OK;
}
