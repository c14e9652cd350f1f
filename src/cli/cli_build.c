/* folio build - a whole batch: PDFs, EPUBs, signed archive, report. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "batch/build.h"
#include "util/clock.h"
#include "batch/pool.h"
#include "batch/progress.h"
#include "cli/cli.h"
#include "site/site.h"
#include "util/file.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static int cmd_build(int argc, char **argv);

enum { O_OUTPUT, O_JOBS, O_NO_ARCHIVE, O_FORCE, O_ALLOW_PARTIAL, O_JSON,
	O_QUIET, O_KEY, O_CERT, O_SHARD, O_MERGE, O_NO_SITE, O_BASE_URL,
	O_DRY_RUN };

static const cli_opt build_opts[] = {
	[O_OUTPUT] = {"output", 'o', "OUT", CLI_OPT_DIR,
		"output folder (default: out)"},
	[O_JOBS] = {"jobs", 'j', "N", 0,
		"worker threads (default: the number of cores)"},
	[O_NO_ARCHIVE] = {"no-archive", 0, NULL, 0, "PDFs and EPUBs only"},
	[O_FORCE] = {"force", 0, NULL, 0,
		"rebuild everything, ignoring the cache"},
	[O_ALLOW_PARTIAL] = {"allow-partial", 0, NULL, 0,
		"write the archive even when documents failed (without "
		"them)"},
	[O_JSON] = {"json", 0, "FILE", CLI_OPT_FILE,
		"also write the report to FILE"},
	[O_QUIET] = {"quiet", 'q', NULL, 0,
		"no progress bar and no summary"},
	[O_KEY] = {"key", 0, "KEY", CLI_OPT_FILE,
		"signing key instead of the manifest's (with --cert)"},
	[O_CERT] = {"cert", 0, "CERT", CLI_OPT_FILE,
		"signing certificate instead of the manifest's (with --key)"},
	[O_SHARD] = {"shard", 0, "K/N", 0,
		"build only shard K of N (documents i with i mod N = K-1) "
		"into the same OUT, its report in OUT/<batch>/shards/, no "
		"archive; auto or auto/N takes K (and N) from "
		"SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT, "
		"JOB_COMPLETION_INDEX or PARALLEL_SEQ"},
	[O_MERGE] = {"merge", 0, NULL, 0,
		"check that every shard finished, then write the archive, "
		"the site and report.json from the shards' reports (nothing "
		"laid out again)"},
	[O_NO_SITE] = {"no-site", 0, NULL, 0,
		"no site/ (index, document pages, OPDS feed)"},
	[O_BASE_URL] = {"base-url", 0, "URL", 0,
		"where site/ will be served (instead of the manifest's "
		"<publish><base-url>): absolute feed links and QR codes"},
	[O_DRY_RUN] = {"dry-run", 'n', NULL, 0,
		"list each document and what would happen to it and why "
		"(new, source changed, style changed, output missing, up to "
		"date), writing nothing"},
	{NULL, 0, NULL, 0, NULL}
};

const cli_command cli_cmd_build = {
	"build", cmd_build,
	"build a whole batch: PDFs, EPUBs, signed archive, site",
	"[OPTIONS] BATCH.xml",
	"Builds every source of the batch manifest into\n"
	"OUT/<batch>/pdf/<档号>.pdf and OUT/<batch>/epub/<档号>.epub, then the\n"
	"signed archive OUT/<batch>/<batch>.zip, the site OUT/<batch>/site/\n"
	"(index.html, a page per document, OPDS feed), and writes\n"
	"OUT/<batch>/report.json. Documents whose source, style, fonts and\n"
	"folio version are unchanged since the last run are skipped.\n"
	"\n"
	"Before any document is built, the manifest, the styles and (unless\n"
	"--no-archive or --shard) the signing key and certificate are\n"
	"checked: readable, a matching pair, valid at the signing time. An\n"
	"error there leaves nothing behind in OUT.\n"
	"\n"
	"Exit status: 0 every document built (or was up to date), 1 some\n"
	"failed, 2 usage, input/output, signer, archive or site trouble or\n"
	"(--merge) a shard that did not finish, 128+N when stopped by\n"
	"signal N.",
	build_opts, "file"
};

typedef struct bar {
	int on;           /* stderr is a terminal and not --quiet */
	int color;
	int columns;
	long long last_ns;
	int drawn;
} bar;

/* Called serialised by the pool; redraws at most ten times a second. */
static void show_progress(void *ctx, const folio_progress *p,
	const folio_doc_result *doc)
{
	bar *b = ctx;
	folio_progress q = *p;
	char line[512];
	long long t = folio_now_ns();

	(void)doc;
	if (!b->on || (t - b->last_ns < 100000000LL && p->done < p->total))
		return;
	b->last_ns = t;
	q.color = b->color;
	folio_progress_format(line, sizeof(line), &q, b->columns);
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
	b->drawn = 1;
}

static int terminal_columns(void)
{
	struct winsize ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		return ws.ws_col;
	return 80;
}

static void human_size(char *out, size_t n, unsigned long long v)
{
	if (v >= 1024ULL * 1024)
		snprintf(out, n, "%.1f MiB", (double)v / (1024.0 * 1024));
	else if (v >= 1024)
		snprintf(out, n, "%.1f KiB", (double)v / 1024.0);
	else
		snprintf(out, n, "%llu bytes", v);
}

static void summary(const folio_batch_report *r, const char *origin)
{
	double s = r->wall_ms / 1000.0;
	char size[32];

	if (r->shard_count)
		printf("%s shard %u/%u (%s): ", r->batch_id, r->shard_index,
			r->shard_count, origin);
	else if (r->merged_shards)
		printf("%s: merged %u shards: ", r->batch_id,
			r->merged_shards);
	else
		printf("%s: ", r->batch_id);
	printf("%zu documents: %zu built, %zu up to date, %zu failed",
		r->n, r->built, r->skipped, r->failed);
	if (r->not_run)
		printf(", %zu not run", r->not_run);
	if (r->merged_shards)
		printf(" by the shards; merged in %.2f s\n", s);
	else
		printf(" in %.2f s (%.1f docs/s, %zu workers)\n", s,
			s > 0 ? (double)(r->built + r->skipped + r->failed) /
			s : 0, (size_t)r->workers);
	if (r->built)
		printf("  time in stages: read %.0f ms, layout %.0f ms, "
			"pdf %.0f ms, epub %.0f ms\n", r->read_ms,
			r->layout_ms, r->pdf_ms, r->epub_ms);
	printf("  outputs: %s/pdf/ and %s/epub/\n", r->out_dir, r->out_dir);
	if (r->imported)
		printf("  import: %zu text sources, %zu lines dropped (listed "
			"in the report)\n", r->imported, r->dropped_lines);
	human_size(size, sizeof(size), r->archive_bytes);
	if (r->shard_count) {
		printf("  archive: by the merge (folio build BATCH.xml "
			"--merge)\n");
		if (r->written)
			printf("  report: %s\n", r->path);
		return;
	}
	switch (r->archive) {
	case FOLIO_ARCHIVE_BUILT:
	case FOLIO_ARCHIVE_SKIPPED:
		printf("  archive: %s (%s, %s%s)\n", r->archive_path,
			r->archive == FOLIO_ARCHIVE_BUILT ? "signed" :
			"up to date", size,
			r->archive_partial ? ", partial" : "");
		break;
	case FOLIO_ARCHIVE_FAILED:
		printf("  archive: failed\n");
		break;
	default:
		printf("  archive: not written%s%s\n",
			r->archive_error ? ": " : "",
			r->archive_error ? r->archive_error : "");
	}
	switch (r->site) {
	case FOLIO_SITE_BUILT:
	case FOLIO_SITE_UP_TO_DATE:
		printf("  site: %s/index.html (%zu documents, %s; %s)\n",
			r->site_path, r->site_documents,
			r->site == FOLIO_SITE_BUILT ? "updated" : "up to date",
			r->site_qr ? "QR codes on every page" :
			"no base URL, so no QR codes");
		break;
	case FOLIO_SITE_FAILED:
		printf("  site: failed\n");
		break;
	default:
		break;
	}
	/* Only a report that is there is named. */
	if (r->written)
		printf("  report: %s\n", r->path);
	else
		printf("  report: not written\n");
}

/* --json: a copy of the report the run wrote. */
static int write_json_copy(const char *path, const folio_batch_report *r)
{
	folio_error err = {0};
	char *data = NULL;
	size_t len = 0;
	int rc;

	if ((rc = folio_file_read(&data, &len, r->path, FOLIO_REPORT_MAX_BYTES,
		&err)) == 0)
		rc = folio_file_write_atomic(path, data, len, &err);
	free(data);
	if (rc < 0)
		fprintf(stderr, "folio build: --json: %s\n", err.msg);
	return rc;
}

static void plan_line(void *ctx, const folio_plan_item *it)
{
	int *quiet = ctx;

	if (*quiet)
		return;
	printf("%-6s %s%s%s%s: %s%s%s\n",
		it->reason == FOLIO_PLAN_UP_TO_DATE ? "skip" : "build",
		it->source, it->code[0] ? " (" : "", it->code,
		it->code[0] ? ")" : "", folio_plan_reason_name(it->reason),
		it->detail ? ": " : "", it->detail ? it->detail : "");
}

/* --dry-run: one line per document, then the totals; nothing written. */
static int dry_run_report(const char *manifest,
	const folio_build_options *opts, int quiet)
{
	folio_plan_summary sum;
	folio_error err = {0};

	if (folio_build_plan(&sum, manifest, opts, plan_line, &quiet,
		&err) < 0) {
		fprintf(stderr, "folio build: %s\n", err.msg);
		return EXIT_USAGE;
	}
	printf("%s: %zu documents: %zu would be built, %zu up to date; "
		"nothing written (--dry-run) in %s\n", sum.batch_id, sum.n,
		sum.to_build, sum.up_to_date, sum.out_dir);
	return EXIT_OK;
}

static const char *env_lookup(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

static int parse_jobs(int *out, const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || v < 0 || v > 1024)
		return -1;
	*out = (int)v;
	return 0;
}

static int cmd_build(int argc, char **argv)
{
	folio_build_options opts;
	folio_batch_report rep;
	folio_error err = {0};
	struct sigaction sa, old_int, old_term;
	const char *manifest = NULL, *json = NULL, *v;
	int quiet = 0, dry_run = 0, i, k, rc, status;
	cli_args args;
	bar b;

	memset(&opts, 0, sizeof(opts));
	memset(&b, 0, sizeof(b));
	opts.out_root = "out";
	cli_args_init(&args, &cli_cmd_build, argc, argv);
	while ((k = cli_next(&args, &v)) != CLI_END) {
		switch (k) {
		case O_OUTPUT: opts.out_root = v; break;
		case O_JOBS:
			if (parse_jobs(&opts.workers, v) < 0)
				return cli_usage_error(&cli_cmd_build, "-j: "
					"expected a number from 0 to 1024, "
					"found '%s'", v);
			break;
		case O_NO_ARCHIVE: opts.no_archive = 1; break;
		case O_FORCE: opts.force = 1; break;
		case O_ALLOW_PARTIAL: opts.allow_partial = 1; break;
		case O_JSON: json = v; break;
		case O_QUIET: quiet = 1; break;
		case O_KEY: opts.key_path = v; break;
		case O_CERT: opts.cert_path = v; break;
		case O_SHARD:
			if (folio_shard_parse(&opts.shard, v, env_lookup,
				NULL, &err) < 0)
				return cli_usage_error(&cli_cmd_build, "%s",
					err.msg);
			break;
		case O_MERGE: opts.merge = 1; break;
		case O_NO_SITE: opts.no_site = 1; break;
		case O_BASE_URL: opts.base_url = v; break;
		case O_DRY_RUN: dry_run = 1; break;
		case CLI_ARG:
			if (manifest != NULL)
				return cli_usage_error(&cli_cmd_build, "one "
					"batch manifest only");
			manifest = v;
			break;
		default:
			return cli_args_status(k);
		}
	}
	if (manifest == NULL)
		return cli_usage_error(&cli_cmd_build, "expected a BATCH.xml");
	if (opts.merge && opts.shard.count) {
		fprintf(stderr, "folio build: --merge and --shard go to "
			"different runs\n");
		return EXIT_USAGE;
	}
	if (opts.base_url != NULL) {
		char url[FOLIO_SITE_URL_MAX + 2];
		if (folio_site_base_url(url, sizeof(url), opts.base_url,
			&err) < 0) {
			fprintf(stderr, "folio build: --base-url: %s\n",
				err.msg);
			return EXIT_USAGE;
		}
	}
	if ((opts.key_path == NULL) != (opts.cert_path == NULL)) {
		fprintf(stderr, "folio build: --key and --cert go "
			"together\n");
		return EXIT_USAGE;
	}
	if (dry_run)
		return dry_run_report(manifest, &opts, quiet);
	b.on = !quiet && isatty(STDERR_FILENO);
	b.color = cli_color(stderr);
	b.columns = b.on ? terminal_columns() : 80;
	opts.progress = show_progress;
	opts.progress_ctx = &b;
	opts.stop = &stop_signal;

	/* Finish the documents in progress, save the cache, then stop. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	/* Workers' reads and writes go on; only the pool looks at it. */
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	rc = folio_build_run(&rep, manifest, &opts, &err);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (b.drawn)
		fprintf(stderr, "\n");

	for (i = 0; (size_t)i < rep.n_failures; i++)
		fprintf(stderr, "folio build: %s: %s\n", rep.failures[i].source,
			rep.failures[i].error);
	for (i = 0; (size_t)i < rep.n_drops; i++)
		fprintf(stderr, "folio build: %s: %s; see %s\n",
			rep.drops[i].source, rep.drops[i].error,
			rep.path ? rep.path : "report.json");
	if (rep.path != NULL && !quiet && (rc == 0 || rep.n > 0))
		summary(&rep, opts.shard.origin);
	if (json != NULL && rep.written &&
	    write_json_copy(json, &rep) < 0 && rc == 0)
		rc = FOLIO_EIO;
	/* The archive's and the site's own messages, else the run's. */
	if (rep.site == FOLIO_SITE_FAILED && rep.site_error)
		fprintf(stderr, "folio build: site: %s\n", rep.site_error);
	if (rep.archive == FOLIO_ARCHIVE_FAILED && rep.archive_error)
		fprintf(stderr, "folio build: archive: %s\n",
			rep.archive_error);
	else if (rc < 0 && err.msg[0] && rep.site != FOLIO_SITE_FAILED)
		fprintf(stderr, "folio build: %s\n", err.msg);

	if (rep.stopped) {
		fprintf(stderr, "folio build: stopped by signal %d after %zu "
			"of %zu documents; run again to finish\n",
			(int)stop_signal, rep.built + rep.skipped + rep.failed,
			rep.n);
		status = 128 + (int)stop_signal;
	} else if (rc < 0) {
		status = EXIT_USAGE;
	} else if (rep.failed > 0) {
		status = EXIT_INVALID;
	} else {
		status = EXIT_OK;
	}
	folio_report_free(&rep);
	return status;
}
