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

static void build_usage(FILE *fp)
{
	fprintf(fp,
		"usage: folio build BATCH.xml [-o OUT] [-j N] [--no-archive] "
		"[--force]\n"
		"                   [--allow-partial] [--json REPORT.json] "
		"[--quiet]\n"
		"                   [--key KEY --cert CERT] [--no-site] "
		"[--base-url URL]\n"
		"                   [--shard K/N | --shard auto[/N] | "
		"--merge]\n"
		"\n"
		"Builds every source of the batch manifest into "
		"OUT/<batch>/pdf/<档号>.pdf\n"
		"and OUT/<batch>/epub/<档号>.epub, then the signed archive "
		"OUT/<batch>/<batch>.zip,\n"
		"the site OUT/<batch>/site/ (index.html, a page per document, "
		"OPDS feed),\n"
		"and writes OUT/<batch>/report.json. Documents whose "
		"source, style, fonts\n"
		"and folio version are unchanged since the last run are "
		"skipped.\n"
		"  -o OUT           output folder (default: out)\n"
		"  -j N             worker threads (default: number of "
		"cores)\n"
		"  --no-archive     PDFs and EPUBs only\n"
		"  --force          rebuild everything, ignoring the cache\n"
		"  --allow-partial  write the archive even when documents "
		"failed (without them)\n"
		"  --json FILE      also write the report to FILE\n"
		"  --quiet          no progress bar and no summary\n"
		"  --key, --cert    signer key and certificate instead of the "
		"manifest's\n"
		"  --shard K/N      build only shard K of N (documents i with "
		"i mod N = K-1)\n"
		"                   into the same OUT, with its report in "
		"OUT/<batch>/shards/;\n"
		"                   no archive. auto: K (and N) from "
		"SLURM_ARRAY_TASK_ID and\n"
		"                   SLURM_ARRAY_TASK_COUNT, or from "
		"JOB_COMPLETION_INDEX or\n"
		"                   PARALLEL_SEQ with the count given as "
		"auto/N\n"
		"  --merge          check that every shard finished, then "
		"write the archive and\n"
		"                   report.json from the shards' reports "
		"(nothing laid out again)\n"
		"  --no-site        no site/ (index, document pages, OPDS "
		"feed)\n"
		"  --base-url URL   where site/ will be served (instead of the "
		"manifest's\n"
		"                   <publish><base-url>): absolute feed links "
		"and QR codes\n"
		"Exit status: 0 every document built (or was up to date), 1 "
		"some failed,\n"
		"2 usage, input/output, archive or site trouble or (--merge) a "
		"shard that did not\n"
		"finish, 128+N when stopped by signal N.\n");
}

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
			"--merge)\n  report: %s\n", r->path);
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
	printf("  report: %s\n", r->path);
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

int cmd_build(int argc, char **argv)
{
	folio_build_options opts;
	folio_batch_report rep;
	folio_error err = {0};
	struct sigaction sa, old_int, old_term;
	const char *manifest = NULL, *json = NULL;
	int quiet = 0, i, rc, status;
	bar b;

	memset(&opts, 0, sizeof(opts));
	memset(&b, 0, sizeof(b));
	opts.out_root = "out";
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			build_usage(stdout);
			return EXIT_OK;
		} else if (strcmp(a, "-o") == 0 && i + 1 < argc) {
			opts.out_root = argv[++i];
		} else if ((strcmp(a, "-j") == 0 && i + 1 < argc) ||
			(strncmp(a, "-j", 2) == 0 && a[2] != '\0')) {
			const char *v = a[2] ? a + 2 : argv[++i];
			if (parse_jobs(&opts.workers, v) < 0) {
				fprintf(stderr, "folio build: -j: expected a "
					"number from 0 to 1024, found '%s'\n",
					v);
				return EXIT_USAGE;
			}
		} else if (strcmp(a, "--no-archive") == 0) {
			opts.no_archive = 1;
		} else if (strcmp(a, "--force") == 0) {
			opts.force = 1;
		} else if (strcmp(a, "--allow-partial") == 0) {
			opts.allow_partial = 1;
		} else if (strcmp(a, "--json") == 0 && i + 1 < argc) {
			json = argv[++i];
		} else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
			quiet = 1;
		} else if (strcmp(a, "--key") == 0 && i + 1 < argc) {
			opts.key_path = argv[++i];
		} else if (strcmp(a, "--cert") == 0 && i + 1 < argc) {
			opts.cert_path = argv[++i];
		} else if (strcmp(a, "--shard") == 0 && i + 1 < argc) {
			if (folio_shard_parse(&opts.shard, argv[++i],
				env_lookup, NULL, &err) < 0) {
				fprintf(stderr, "folio build: %s\n", err.msg);
				return EXIT_USAGE;
			}
		} else if (strcmp(a, "--merge") == 0) {
			opts.merge = 1;
		} else if (strcmp(a, "--no-site") == 0) {
			opts.no_site = 1;
		} else if (strcmp(a, "--base-url") == 0 && i + 1 < argc) {
			opts.base_url = argv[++i];
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "folio build: unknown option or "
				"missing value '%s'\n", a);
			build_usage(stderr);
			return EXIT_USAGE;
		} else if (manifest == NULL) {
			manifest = a;
		} else {
			fprintf(stderr, "folio build: one batch manifest "
				"only\n");
			return EXIT_USAGE;
		}
	}
	if (manifest == NULL) {
		build_usage(stderr);
		return EXIT_USAGE;
	}
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
	b.on = !quiet && isatty(STDERR_FILENO);
	b.color = getenv("NO_COLOR") == NULL || getenv("NO_COLOR")[0] == 0;
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
