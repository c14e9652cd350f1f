/* folio retention - the disposal review of signed archives. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive/tools.h"
#include "cli/cli.h"
#include "util/buf.h"

static const char *const status_name[3] = {"kept", "ending", "ended"};

static int cmd_retention(int argc, char **argv);

enum { O_AS_OF, O_JSON, O_NO_VERIFY, O_TRUST };

static const cli_opt retention_opts[] = {
	[O_AS_OF] = {"as-of", 0, "YYYY-MM-DD", 0,
		"review as of this day (default: today, UTC, or the day of "
		"SOURCE_DATE_EPOCH)"},
	[O_JSON] = {"json", 0, NULL, 0,
		"the review as one JSON object on stdout"},
	[O_NO_VERIFY] = {"no-verify", 0, NULL, 0,
		"only list, without verifying (the output says so)"},
	[O_TRUST] = {"trust", 0, "CA.pem", CLI_OPT_FILE,
		"check the signer's certificate chain against this trust "
		"anchor"},
	{NULL, 0, NULL, 0, NULL}
};

const cli_command cli_cmd_retention = {
	"retention", cmd_retention, "review which records' retention ends",
	"[OPTIONS] ARCHIVE.zip...",
	"The disposal review: for every record, its 保管期限 and the\n"
	"last day it is kept. 永久 never ends; 定期N年 is counted in\n"
	"whole years from 1 January after the year of the record's\n"
	"日期 (定期10年 of 2014: kept until 2024-12-31). Lists the\n"
	"records whose term has ended (the as-of day is after the\n"
	"last day), those ending within a year (the last day is\n"
	"before the same date next year) and those kept. Every\n"
	"archive is verified first (an invalid one stops the review,\n"
	"exit 1).\n"
	"\n"
	"Exit status 0 reviewed, 1 invalid archive, 2 unreadable or\n"
	"usage.",
	retention_opts, "file"
};

static void json_str(folio_buf *b, const char *key, const char *v)
{
	folio_buf_printf(b, "\"%s\":\"", key);
	folio_buf_put_json(b, v ? v : "");
	folio_buf_putc(b, '"');
}

static void print_json(const folio_retention_report *rep,
	const char *const *zips, const folio_date *as_of, int verified)
{
	const folio_retention_item *v = rep->items;
	folio_buf b = {0};
	size_t i;

	folio_buf_printf(&b, "{\"as_of\":\"%04d-%02d-%02d\",\"verified\":%s,"
		"\"ended\":%zu,\"ending\":%zu,\"kept\":%zu,\"records\":[",
		as_of->year, as_of->month, as_of->day, verified ? "true" :
		"false", rep->count[2], rep->count[1], rep->count[0]);
	for (i = 0; i < rep->n; i++) {
		folio_buf_puts(&b, i ? ",\n{" : "\n{");
		json_str(&b, "archive", zips[v[i].list]);
		folio_buf_putc(&b, ',');
		json_str(&b, "code", v[i].record->code);
		folio_buf_putc(&b, ',');
		json_str(&b, "title", v[i].record->title);
		folio_buf_putc(&b, ',');
		json_str(&b, "date", v[i].record->date);
		folio_buf_putc(&b, ',');
		json_str(&b, "retention", v[i].record->retention);
		if (v[i].review.permanent)
			folio_buf_puts(&b, ",\"kept_until\":null");
		else
			folio_buf_printf(&b, ",\"kept_until\":\"%04d-%02d-%02d\"",
				v[i].review.last_day.year,
				v[i].review.last_day.month,
				v[i].review.last_day.day);
		folio_buf_printf(&b, ",\"status\":\"%s\"}",
			status_name[v[i].review.status]);
	}
	folio_buf_puts(&b, "]}\n");
	fputs(b.data ? b.data : "{}\n", stdout);
	folio_buf_free(&b);
}

static void print_text(const folio_retention_report *rep,
	const char *const *zips, const folio_date *as_of, int verified)
{
	const folio_retention_item *v = rep->items;
	static const char *const heading[3] = {"kept", "ending within a year",
		"ended"};
	int s;
	size_t i;

	printf("retention as of %04d-%02d-%02d: %zu records, %s\n",
		as_of->year, as_of->month, as_of->day, rep->n, verified ?
		"archives verified" : "NOT VERIFIED (--no-verify)");
	for (s = 2; s >= 0; s--) {
		printf("%s (%zu):\n", heading[s], rep->count[s]);
		for (i = 0; i < rep->n; i++) {
			const folio_retention_review *rv = &v[i].review;
			const folio_listed_record *r = v[i].record;
			char until[32];
			if ((int)rv->status != s)
				continue;
			if (rv->permanent)
				snprintf(until, sizeof(until), "never ends");
			else
				snprintf(until, sizeof(until), "kept until "
					"%04d-%02d-%02d", rv->last_day.year,
					rv->last_day.month, rv->last_day.day);
			printf("  %s  %s  %s  %s  %s  (%s)\n", r->code, r->date,
				r->retention, until, r->title, zips[v[i].list]);
		}
	}
}

static int as_of_default(folio_date *out)
{
	folio_error err = {0};
	int64_t now;

	if (folio_archive_now(&now, &err) < 0) {
		fprintf(stderr, "folio retention: %s\n", err.msg);
		return -1;
	}
	*out = folio_date_of_time(now);
	return 0;
}

static int cmd_retention(int argc, char **argv)
{
	folio_list_options opts = {1, NULL};
	folio_archive_listing *lists;
	const char **zips;
	folio_date as_of;
	folio_error err = {0};
	folio_retention_report rep = {NULL, 0, {0, 0, 0}};
	size_t n_zips = 0, k;
	const char *as_of_text = NULL, *v;
	cli_args args;
	int a, rc = 0, json = 0, status = EXIT_OK;

	zips = calloc((size_t)argc, sizeof(*zips));
	lists = calloc((size_t)argc, sizeof(*lists));
	if (zips == NULL || lists == NULL) {
		fprintf(stderr, "folio retention: out of memory\n");
		status = EXIT_USAGE;
		goto done;
	}
	cli_args_init(&args, &cli_cmd_retention, argc, argv);
	while ((a = cli_next(&args, &v)) != CLI_END) {
		switch (a) {
		case O_AS_OF: as_of_text = v; break;
		case O_JSON: json = 1; break;
		case O_NO_VERIFY: opts.verify = 0; break;
		case O_TRUST: opts.trust_path = v; break;
		case CLI_ARG: zips[n_zips++] = v; break;
		default:
			status = cli_args_status(a);
			goto done;
		}
	}
	if (n_zips == 0) {
		status = cli_usage_error(&cli_cmd_retention, "expected an "
			"ARCHIVE.zip");
		goto done;
	}
	if (as_of_text != NULL ? folio_date_parse(&as_of, as_of_text,
		&err) < 0 : as_of_default(&as_of) < 0) {
		if (err.msg[0])
			fprintf(stderr, "folio retention: --as-of: %s\n",
				err.msg);
		status = EXIT_USAGE;
		goto done;
	}
	for (k = 0; k < n_zips; k++) {
		if ((rc = folio_archive_list(&lists[k], zips[k], &opts,
			&err)) < 0) {
			fprintf(stderr, "folio retention: %s\n", err.msg);
			if (lists[k].report.entry[0])
				fprintf(stderr, "folio retention: first failing "
					"entry: %s (check: %s)\n",
					lists[k].report.entry,
					lists[k].report.check);
			status = cli_exit_status(rc);
			goto done;
		}
	}
	if ((rc = folio_retention_review_lists(&rep, lists, n_zips, as_of,
		&err)) < 0) {
		fprintf(stderr, "folio retention: %s\n", err.msg);
		status = cli_exit_status(rc);
		goto done;
	}
	if (json)
		print_json(&rep, zips, &as_of, opts.verify);
	else
		print_text(&rep, zips, &as_of, opts.verify);
done:
	for (k = 0; lists != NULL && k < n_zips; k++)
		folio_archive_listing_free(&lists[k]);
	folio_retention_report_free(&rep);
	free(lists);
	free(zips);
	return status;
}
