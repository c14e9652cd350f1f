/*
 * site_step.c - the site step of a batch run (site/site.h): after the
 * archive, from the documents the run (or the merged shards) reported,
 * every document that has outputs, its 档号, pages, sizes and source
 * digest, each read from its line on disk when the site asks for it.
 * The site keeps its own cache (site/sitecache.c), so a run that
 * changed nothing rewrites nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "batch/build_impl.h"
#include "batch/pool.h"
#include "site/site.h"
#include "util/clock.h"

static int site_fail(folio_batch_report *rep, const folio_error *e, int rc,
	folio_error *err)
{
	rep->site = FOLIO_SITE_FAILED;
	free(rep->site_error);
	rep->site_error = strdup(e->msg[0] ? e->msg : folio_error_name(rc));
	return folio_error_set(err, rc, "site: %s", e->msg);
}

/* The site's view of the run's documents: the ones with outputs, in
 * batch order, each read from its line (doclines.h) when the site asks
 * for it. The places without outputs are counted once (record i is at
 * place i plus the gaps before it: memory grows with the failures, not
 * with the batch); get fills record i; each of the site's threads has
 * its own read buffer and record. */
typedef struct site_src {
	run *r;
	size_t *gaps;             /* manifest places without outputs */
	size_t n_gaps, cap_gaps;
	folio_read_window *win;   /* per worker: reads of the lines */
	folio_doc_result *cur;    /* per worker: the record handed out last */
	char (*path)[PATH_MAX_LEN];   /* per worker: its source's path */
	int workers;
} site_src;

static int has_outputs(folio_doc_status st)
{
	/* A built or up-to-date line always carries its 档号 (the
	 * report reader refuses one without). */
	return st == FOLIO_DOC_BUILT || st == FOLIO_DOC_SKIPPED;
}

/* The manifest place of record i: i + j for the first gap j that lies
 * beyond it (gaps[j] - j grows with j, so a binary search finds it). */
static size_t place_of(const site_src *s, size_t i)
{
	size_t lo = 0, hi = s->n_gaps;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->gaps[mid] - mid > i)
			hi = mid;
		else
			lo = mid + 1;
	}
	return i + lo;
}

/* The one place a site record is made from a document of the run. */
static int site_get(void *ctx, int worker, size_t i, folio_site_record *out,
	folio_error *err)
{
	site_src *s = ctx;
	size_t k = place_of(s, i);
	folio_doc_result *d;
	int rc;

	if (worker < 0 || worker >= s->workers)
		return folio_error_set(err, FOLIO_EUSAGE, "site: worker %d "
			"of %d", worker, s->workers);
	d = &s->cur[worker];
	folio_doc_result_clear(d);
	if ((rc = folio_doc_lines_read(s->r->table, k, &s->win[worker], d,
		err)) < 0)
		return rc;
	/* The line names the source; the manifest's list is gone by now
	 * (folio_batch_manifest_drop_sources). */
	if (d->source == NULL || folio_batch_source_join(s->path[worker],
		sizeof(s->path[worker]), s->r->m, d->source) < 0)
		return folio_error_set(err, FOLIO_ELIMIT, "site: document "
			"%zu: its source's path is too long", k + 1);
	out->source_path = s->path[worker];
	out->source_rel = d->source;
	out->sha256 = d->sha256;
	out->code = d->code;
	out->pages = d->pages;
	out->pdf_bytes = d->pdf_bytes;
	out->epub_bytes = d->epub_bytes;
	out->pdf_mtime_ns = d->pdf_mtime_ns;
	out->epub_mtime_ns = d->epub_mtime_ns;
	return 0;
}

static void site_src_free(site_src *s)
{
	int w;

	for (w = 0; w < s->workers; w++) {
		if (s->cur != NULL)
			folio_doc_result_clear(&s->cur[w]);
		if (s->win != NULL)
			folio_read_window_free(&s->win[w]);
	}
	free(s->cur);
	free(s->win);
	free(s->path);
	free(s->gaps);
}

static int site_from(run *r, folio_error *err)
{
	const folio_build_options *o = r->opts;
	folio_batch_report *rep = r->rep;
	size_t n_src = r->m->n_sources, i, n = 0;
	folio_site_source src;
	folio_site_options so;
	folio_site_stats st;
	folio_error serr = {0};
	site_src s;
	int rc;

	memset(&s, 0, sizeof(s));
	s.r = r;
	s.workers = o->workers > 0 ? o->workers : folio_pool_default_workers();
	s.win = calloc((size_t)s.workers, sizeof(*s.win));
	s.cur = calloc((size_t)s.workers, sizeof(*s.cur));
	s.path = calloc((size_t)s.workers, sizeof(*s.path));
	if (s.win == NULL || s.cur == NULL || s.path == NULL) {
		site_src_free(&s);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	/* The site's threads read the lines at once: none may be left
	 * in the stream's buffer. */
	if ((rc = folio_doc_lines_sync(r->table, err)) < 0) {
		site_src_free(&s);
		return rc;
	}
	for (i = 0; i < n_src; i++) {
		size_t *p;
		if (has_outputs(folio_doc_lines_status(r->table, i))) {
			n++;
			continue;
		}
		if (s.n_gaps == s.cap_gaps) {
			s.cap_gaps = s.cap_gaps ? 2 * s.cap_gaps : 64;
			if ((p = realloc(s.gaps, s.cap_gaps * sizeof(*p)))
				== NULL) {
				site_src_free(&s);
				return folio_error_set(err, FOLIO_ENOMEM,
					"out of memory");
			}
			s.gaps = p;
		}
		s.gaps[s.n_gaps++] = i;
	}
	src.n = n;
	src.workers = s.workers;
	src.get = site_get;
	src.ctx = &s;
	memset(&so, 0, sizeof(so));
	memset(&st, 0, sizeof(st));
	so.batch_dir = r->dir;
	so.base_url = o->base_url ? o->base_url : r->m->base_url;
	so.fonds_name = r->m->fonds_name;
	so.batch_id = r->m->batch_id;
	so.description = r->m->description;
	so.epoch = r->inputs.epoch;    /* SOURCE_DATE_EPOCH or -1 */
	so.workers = s.workers;
	so.stop = o->stop;
	rc = folio_site_build(&st, &src, &so, &serr);
	site_src_free(&s);
	rep->site_documents = st.documents;
	rep->site_sources_read = st.sources_read;
	rep->site_pages_written = st.pages_written;
	rep->site_files_written = st.files_written;
	rep->site_qr = st.qr;
	rep->site_ms = st.ms;
	if (rc < 0)
		return site_fail(rep, &serr, rc, err);
	if (st.stopped)
		rep->stopped = 1;   /* the pages so far are kept */
	else
		rep->site = st.pages_written || st.files_written ||
			st.links_made ? FOLIO_SITE_BUILT :
			FOLIO_SITE_UP_TO_DATE;
	return 0;
}

int folio_run_site(run *r, folio_error *err)
{
	folio_batch_report *rep = r->rep;
	char path[PATH_MAX_LEN];
	int rc;

	if (r->opts->no_site)
		return 0;
	if ((rc = folio_run_join(path, sizeof(path), err, "%s/site",
		r->dir)) < 0)
		return rc;
	free(rep->site_path);
	if ((rep->site_path = strdup(path)) == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	return site_from(r, err);
}
