/* records.c - documents of a batch to archive records (see records.h). */
#include "batch/records.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/doclines.h"
#include "import/source.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/digest.h"

int folio_batch_code(char *out, const folio_doc *doc,
	const folio_batch_manifest *m, unsigned number, folio_error *err)
{
	const char *retention = doc->meta.retention ? doc->meta.retention :
		m->retention;

	return folio_archive_code(out, m->fonds_code, m->year, retention,
		number, err);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int folio_doc_meta_fill(folio_doc_meta *out, const folio_doc *doc,
	const folio_batch_manifest *m, folio_error *err)
{
	const folio_meta *mt = &doc->meta;
	folio_buf kw = {0};
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < mt->keywords.count; i++)
		if ((i && folio_buf_putc(&kw, ' ') < 0) ||
		    folio_buf_puts(&kw, mt->keywords.items[i]) < 0) {
			folio_buf_free(&kw);
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		}
	out->keywords = kw.len ? kw.data : NULL;
	if (!kw.len)
		folio_buf_free(&kw);
	out->title = dup_or_null(mt->title);
	out->issuer = dup_or_null(mt->issuer);
	out->doc_number = dup_or_null(mt->doc_number);
	out->date = dup_or_null(mt->date);
	out->security = dup_or_null(mt->security ? mt->security :
		m->security);
	out->retention = dup_or_null(mt->retention ? mt->retention :
		m->retention);
	out->category = dup_or_null(mt->category);
	if (out->title == NULL || out->issuer == NULL || out->date == NULL ||
	    out->security == NULL || out->retention == NULL ||
	    (mt->doc_number && out->doc_number == NULL) ||
	    (mt->category && out->category == NULL))
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	return 0;
}

/* ---- where the documents come from ------------------------------------ */

static int table_get(void *ctx, size_t i, folio_doc_result *out,
	folio_error *err)
{
	return folio_doc_lines_get(ctx, i, out, err);
}

static folio_doc_status table_status(void *ctx, size_t i)
{
	return folio_doc_lines_status(ctx, i);
}

void folio_doc_list_of_lines(folio_doc_list *out, folio_doc_lines *t)
{
	out->get = table_get;
	out->status = table_status;
	out->ctx = t;
}

/* Source i read for what its record says. */
static int source_get(void *ctx, size_t i, folio_doc_result *d,
	folio_error *err)
{
	const folio_batch_manifest *m = ctx;
	folio_batch_source src;
	folio_doc *doc = NULL;
	int rc = 0;

	memset(d, 0, sizeof(*d));
	d->index = i;
	d->status = FOLIO_DOC_BUILT;
	if ((rc = folio_batch_source_get(m, i, &src, err)) < 0)
		return rc;
	if ((d->source = strdup(src.rel)) == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	if ((rc = folio_source_read(&doc, src.path, NULL, err)) == 0 &&
	    (rc = folio_batch_code(d->code, doc, m, (unsigned)(i + 1),
		err)) == 0 &&
	    (rc = folio_doc_meta_fill(&d->meta, doc, m, err)) == 0)
		rc = folio_doc_figures_from(d, doc, err);
	d->has_meta = rc == 0;
	folio_doc_free(doc);
	if (rc < 0)
		folio_doc_result_clear(d);
	return rc;
}

static folio_doc_status source_status(void *ctx, size_t i)
{
	(void)ctx;
	(void)i;
	return FOLIO_DOC_BUILT;
}

void folio_doc_list_of_sources(folio_doc_list *out,
	const folio_batch_manifest *m)
{
	out->get = source_get;
	out->status = source_status;
	/* (Only read through: the callbacks take void *.) */
	out->ctx = (void *)(uintptr_t)m;
}

static int unhex(unsigned char *out, const char *hex)
{
	size_t i;

	for (i = 0; i < FOLIO_SHA256_LEN; i++) {
		unsigned v = 0, k;
		for (k = 0; k < 2; k++) {
			char c = hex[2 * i + k];
			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else
				return -1;
		}
		out[i] = (unsigned char)v;
	}
	return 0;
}

/* bag-info.txt lines for a partial archive: how many documents it leaves
 * out and, for each, its source and error, so the bag itself says it is
 * incomplete. One line per label: line breaks become spaces. */
static int partial_bag_info(folio_buf *out, const folio_doc_list *docs,
	size_t n, size_t failed, folio_error *err)
{
	folio_doc_result d;
	size_t i;
	char *p;
	int rc = 0;

	if (folio_buf_printf(out, "Folio-Partial: %zu of %zu documents failed "
		"and are not in this bag\n", failed, n) < 0)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	for (i = 0; i < n && rc == 0; i++) {
		size_t at = out->len;
		if (docs->status(docs->ctx, i) != FOLIO_DOC_FAILED)
			continue;
		if ((rc = docs->get(docs->ctx, i, &d, err)) < 0)
			break;
		if (folio_buf_printf(out, "Folio-Failed: %s: %s\n", d.source,
			d.error ? d.error : "failed") < 0)
			rc = folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		folio_doc_result_clear(&d);
		for (p = out->data + at; rc == 0 && p < out->data + out->len - 1;
			p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
	}
	return rc;
}

/* ---- the images a record carries ------------------------------------- */

static int add_figure(folio_doc_result *d, const folio_figure *f)
{
	folio_doc_image *to;
	size_t i;

	for (i = 0; i < d->n_figures; i++)
		if (strcmp(d->figures[i].src, f->src) == 0)
			return 0;
	if ((to = folio_doc_figures_add(d, f->src)) == NULL)
		return FOLIO_ENOMEM;
	snprintf(to->format, sizeof(to->format), "%s",
		f->format == FOLIO_IMAGE_PNG ? "png" : "jpg");
	folio_sha256_hex(to->sha256, f->sha256);
	return 0;
}

static int walk_figures(folio_doc_result *d, const folio_block *b)
{
	int rc = 0;

	for (; b != NULL && rc == 0; b = b->next) {
		if (b->kind == FOLIO_BLOCK_FIGURE && b->figure != NULL &&
		    b->figure->src != NULL)
			rc = add_figure(d, b->figure);
		else if (b->children != NULL)
			rc = walk_figures(d, b->children);
	}
	return rc;
}

int folio_doc_figures_from(folio_doc_result *d, const folio_doc *doc,
	folio_error *err)
{
	const folio_attachment *at;
	int rc;

	folio_doc_figures_clear(d);
	rc = walk_figures(d, doc->body);
	for (at = doc->attachments; at != NULL && rc == 0; at = at->next)
		rc = walk_figures(d, at->body);
	if (rc < 0) {
		folio_doc_figures_clear(d);
		return folio_error_set(err, FOLIO_ENOMEM, "%s: out of memory "
			"or more than 9999 figures", doc->source_path);
	}
	d->figures_set = 1;
	return 0;
}

/* The images of document d as the archive takes them: the files its
 * figures show, found beside the source, with the digests its outputs
 * were made from (the writer refuses a file that changed since). */
static int record_images(folio_archive_record *r, const folio_doc_result *d,
	folio_arena *a, folio_error *err)
{
	const char *slash = strrchr(r->source_path, '/');
	size_t dir = slash ? (size_t)(slash - r->source_path) + 1 : 0, i;
	folio_archive_file *files;

	if (!d->figures_set)
		return folio_error_set(err, FOLIO_EINPUT, "%s: expected the "
			"list of its figures in the report, found none (a "
			"report of an older folio: build the batch again)",
			d->source);
	if (d->n_figures == 0)
		return 0;
	files = folio_arena_alloc(a, d->n_figures * sizeof(*files));
	if (files == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	for (i = 0; i < d->n_figures; i++) {
		const folio_doc_image *f = &d->figures[i];
		size_t n = strlen(f->src);
		char *path = folio_arena_alloc(a, dir + n + 1);
		unsigned char *sha = folio_arena_alloc(a, FOLIO_SHA256_LEN);
		if (path == NULL || sha == NULL)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		memcpy(path, r->source_path, dir);
		memcpy(path + dir, f->src, n + 1);
		if (unhex(sha, f->sha256) < 0)
			return folio_error_set(err, FOLIO_EINPUT, "%s: figure "
				"%s: expected a SHA-256, found '%s'", d->source,
				f->src, f->sha256);
		files[i].path = path;
		files[i].ext = f->format;
		files[i].src = f->src;
		files[i].sha256 = sha;
	}
	r->images = files;
	r->n_images = d->n_figures;
	return 0;
}

/* One record from document i; paths and the digest go to the arena. */
static int make_record(folio_archive_record *r, const folio_records_job *job,
	const folio_doc_result *d, size_t i, folio_arena *a, folio_error *err)
{
	const folio_doc_meta *mt = &d->meta;
	size_t room;
	int rc;

	memset(r, 0, sizeof(*r));
	r->code = d->code;
	r->number = (unsigned)(i + 1);
	r->title = mt->title;
	r->issuer = mt->issuer;
	r->doc_number = mt->doc_number;
	r->date = mt->date;
	r->security = mt->security;
	r->retention = mt->retention;
	r->category = mt->category;
	r->keywords = mt->keywords;
	r->pages = (unsigned)d->pages;
	{
		/* The path from the name the line gives: the manifest's
		 * list may be dropped by now (manifest.h). */
		size_t n = strlen(job->m->dir) + strlen(d->source ?
			d->source : "") + 2;
		char *path = folio_arena_alloc(a, n);
		if (path == NULL)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		if (d->source == NULL ||
		    folio_batch_source_join(path, n, job->m, d->source) < 0)
			return folio_error_set(err, FOLIO_EINPUT, "document "
				"%zu: its line names no source", i + 1);
		r->source_path = path;
	}
	if (d->sha256[0]) {
		unsigned char *sha = folio_arena_alloc(a, FOLIO_SHA256_LEN);
		if (sha == NULL || unhex(sha, d->sha256) < 0)
			return folio_error_set(err, sha ? FOLIO_EINPUT :
				FOLIO_ENOMEM, "%s: expected a SHA-256, found "
				"'%s'", d->source, d->sha256);
		r->source_sha256 = sha;
	}
	if ((rc = record_images(r, d, a, err)) < 0)
		return rc;
	if (job->outputs_dir == NULL)
		return 0;
	room = strlen(job->outputs_dir) + strlen(d->code) + 16;
	{
		char *pdf = folio_arena_alloc(a, room);
		char *epub = folio_arena_alloc(a, room);
		if (pdf == NULL || epub == NULL)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		snprintf(pdf, room, "%s/pdf/%s.pdf", job->outputs_dir,
			d->code);
		snprintf(epub, room, "%s/epub/%s.epub", job->outputs_dir,
			d->code);
		r->pdf_path = pdf;
		r->epub_path = epub;
	}
	return 0;
}

/* Every document built or up to date, else the reason the archive
 * cannot be made (or, with allow_partial, the failed ones counted). */
static int check_statuses(size_t *out_failed, const folio_records_job *job,
	const folio_doc_list *docs, folio_error *err)
{
	size_t i, n = job->m->n_sources, failed = 0, not_run = 0, built = 0;
	size_t first_bad = SIZE_MAX;

	for (i = 0; i < n; i++) {
		folio_doc_status st = docs->status(docs->ctx, i);
		if (st == FOLIO_DOC_BUILT || st == FOLIO_DOC_SKIPPED) {
			built++;
			continue;
		}
		if (first_bad == SIZE_MAX)
			first_bad = i;
		if (st == FOLIO_DOC_FAILED)
			failed++;
		else
			not_run++;
	}
	*out_failed = failed;
	if (not_run > 0 || (failed > 0 && !job->allow_partial)) {
		/* Named by the list, or once it is dropped by its line. */
		folio_doc_result d;
		folio_batch_source src;
		folio_error ignored = {0};
		char name[4096];
		int rc;
		memset(&d, 0, sizeof(d));
		if (folio_batch_source_get(job->m, first_bad, &src,
			&ignored) == 0)
			snprintf(name, sizeof(name), "%s", src.rel);
		else if (docs->get(docs->ctx, first_bad, &d, &ignored) == 0 &&
		    d.source != NULL)
			snprintf(name, sizeof(name), "%s", d.source);
		else
			snprintf(name, sizeof(name), "document %zu",
				first_bad + 1);
		folio_doc_result_clear(&d);
		rc = folio_error_set(err, FOLIO_EINPUT, "expected every "
			"document built, found %zu failed and %zu not run "
			"(first: %s, %s)%s", failed, not_run, name,
			folio_doc_status_name(docs->status(docs->ctx,
			first_bad)), not_run ? "" :
			"; --allow-partial leaves the failed ones out");
		return rc;
	}
	if (built == 0)
		return folio_error_set(err, FOLIO_EINPUT, "no document built: "
			"nothing to archive");
	return 0;
}

int folio_records_archive(folio_archive_stats *out,
	const folio_records_job *job, const folio_doc_list *docs,
	folio_error *err)
{
	const folio_batch_manifest *m = job->m;
	folio_archive_batch batch = {m->fonds_code, m->fonds_name, m->year,
		m->batch_id, m->description};
	folio_archive_options opts;
	folio_archive_writer *w = NULL;
	folio_archive_record rec;
	folio_arena *arena = NULL;
	folio_buf bag = {0};
	size_t i, failed = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = check_statuses(&failed, job, docs, err)) < 0 ||
	    (failed > 0 && (rc = partial_bag_info(&bag, docs, m->n_sources,
		failed, err)) < 0))
		goto done;
	memset(&opts, 0, sizeof(opts));
	opts.key_path = job->key_path ? job->key_path : m->signer_key;
	opts.cert_path = job->cert_path ? job->cert_path : m->signer_cert;
	opts.time = job->time;
	opts.bag_info_extra = bag.data;
	if ((rc = folio_archive_begin(&w, &batch, job->zip_path, &opts,
		err)) < 0)
		goto done;
	/* One document read, made a record, archived and forgotten at a
	 * time. */
	for (i = 0; i < m->n_sources; i++) {
		folio_doc_status st = docs->status(docs->ctx, i);
		folio_doc_result d;
		if (st != FOLIO_DOC_BUILT && st != FOLIO_DOC_SKIPPED)
			continue;
		if ((rc = docs->get(docs->ctx, i, &d, err)) < 0)
			break;
		/* The record's paths and digests, for this record only. */
		if ((arena = folio_arena_new(0)) == NULL)
			rc = folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		if (rc == 0 && (rc = make_record(&rec, job, &d, i, arena,
			err)) == 0)
			rc = folio_archive_add(w, &rec, err);
		folio_doc_result_clear(&d);
		folio_arena_free(arena);
		arena = NULL;
		if (rc < 0)
			break;
	}
	if (rc < 0)
		folio_archive_abort(w);
	else
		rc = folio_archive_end(out, w, err);
done:
	folio_buf_free(&bag);
	return rc;
}
