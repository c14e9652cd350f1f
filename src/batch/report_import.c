/* report_import.c - a text source's import report as a batch keeps it:
 * taken from the importer, written into the document's object of
 * report.json (and the cache), read back by the cache and the merge
 * step, so every line an import dropped is still listed after a run that
 * skipped the document or merged it from a shard. */
#include "batch/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "import/import.h"

void folio_doc_import_clear(folio_doc_import *im)
{
	size_t i;

	if (im == NULL)
		return;
	for (i = 0; i < im->n_drops; i++) {
		free(im->drops[i].text);
		free(im->drops[i].reason);
	}
	free(im->drops);
	free(im->summary);
	memset(im, 0, sizeof(*im));
}

/* One more drop at the end of im->drops (grown one at a time: drops are
 * few, and a page has at most FOLIO_MAX_SOURCE_BYTES of lines). */
static folio_import_drop *add_drop(folio_doc_import *im)
{
	folio_import_drop *d = realloc(im->drops,
		(im->n_drops + 1) * sizeof(*d));

	if (d == NULL)
		return NULL;
	im->drops = d;
	d = &d[im->n_drops++];
	memset(d, 0, sizeof(*d));
	return d;
}

static char *dup_or_null(const char *s, int *failed)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*failed = 1;
	return d;
}

int folio_doc_import_from(folio_doc_import *out,
	const struct folio_import_report *r, folio_error *err)
{
	folio_buf line = {0};
	int failed = 0;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->set = 1;
	out->lines = r->lines;
	out->dropped = r->dropped;
	out->moved = r->moved;
	out->renumbered = r->renumbered;
	if (folio_import_report_summary(&line, r) < 0)
		failed = 1;
	else if (line.len > 0)
		out->summary = dup_or_null(line.data, &failed);
	folio_buf_free(&line);
	for (i = 0; !failed && i < r->n_entries; i++) {
		const folio_import_entry *e = &r->entries[i];
		folio_import_drop *d;
		if (e->action != FOLIO_IMPORT_DROPPED)
			continue;
		if ((d = add_drop(out)) == NULL) {
			failed = 1;
			break;
		}
		d->line = e->line;
		d->col = e->col;
		d->text = dup_or_null(e->text ? e->text : "", &failed);
		d->reason = dup_or_null(e->reason ? e->reason : "", &failed);
	}
	if (failed) {
		folio_doc_import_clear(out);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	return 0;
}

int folio_doc_import_copy(folio_doc_import *dst, const folio_doc_import *src)
{
	int failed = 0;
	size_t i;

	*dst = *src;
	dst->drops = NULL;
	dst->n_drops = 0;
	dst->summary = dup_or_null(src->summary, &failed);
	for (i = 0; !failed && i < src->n_drops; i++) {
		folio_import_drop *d = add_drop(dst);
		if (d == NULL) {
			failed = 1;
			break;
		}
		d->line = src->drops[i].line;
		d->col = src->drops[i].col;
		d->text = dup_or_null(src->drops[i].text, &failed);
		d->reason = dup_or_null(src->drops[i].reason, &failed);
	}
	if (failed) {
		folio_doc_import_clear(dst);
		return -1;
	}
	return 0;
}

static int put_string(folio_buf *b, const char *s)
{
	if (s == NULL)
		return folio_buf_puts(b, "null");
	return folio_buf_putc(b, '"') < 0 || folio_buf_put_json(b, s) < 0 ||
		folio_buf_putc(b, '"') < 0 ? -1 : 0;
}

int folio_doc_import_json(folio_buf *b, const folio_doc_import *im)
{
	size_t i;

	if (!im->set)
		return folio_buf_puts(b, "null");
	if (folio_buf_printf(b, "{\"lines\": %zu, \"dropped\": %zu, "
		"\"moved\": %zu, \"renumbered\": %zu, \"summary\": ",
		im->lines, im->dropped, im->moved, im->renumbered) < 0 ||
	    put_string(b, im->summary) < 0 ||
	    folio_buf_puts(b, ", \"drops\": [") < 0)
		return -1;
	for (i = 0; i < im->n_drops; i++) {
		const folio_import_drop *d = &im->drops[i];
		if (folio_buf_printf(b, "%s{\"line\": %u, \"col\": %u, "
			"\"text\": ", i ? ", " : "", d->line, d->col) < 0 ||
		    put_string(b, d->text) < 0 ||
		    folio_buf_puts(b, ", \"reason\": ") < 0 ||
		    put_string(b, d->reason) < 0 ||
		    folio_buf_putc(b, '}') < 0)
			return -1;
	}
	return folio_buf_puts(b, "]}");
}

/* ---- reading back ---------------------------------------------------- */

/* The next token, which must be `want` (or, with or_null, null: 1). */
static int token(folio_json *j, folio_json_kind want, int or_null,
	const char *what, folio_error *err)
{
	folio_json_kind k;
	int rc = folio_json_next(j, &k, err);

	if (rc < 0)
		return rc;
	if (or_null && k == FOLIO_JSON_NULL)
		return 1;
	if (k != want)
		return folio_json_fail(j, what, err);
	return 0;
}

static int count(folio_json *j, unsigned long long *out, folio_error *err)
{
	char *end;
	int rc = token(j, FOLIO_JSON_NUMBER, 0, "a count", err);

	if (rc < 0)
		return rc;
	errno = 0;
	*out = strtoull(folio_json_text(j, NULL), &end, 10);
	if (errno != 0 || *end != '\0' || *out > (1ULL << 40))
		return folio_json_fail(j, "a count in range", err);
	return 0;
}

static int string(folio_json *j, char **out, folio_error *err)
{
	int rc = token(j, FOLIO_JSON_STRING, 1, "a string or null", err);

	free(*out);
	*out = NULL;
	if (rc != 0)
		return rc < 0 ? rc : 0;
	*out = strdup(folio_json_text(j, NULL));
	return *out ? 0 : folio_error_set(err, FOLIO_ENOMEM, "out of memory");
}

static int read_drop(folio_json *j, folio_import_drop *d, folio_error *err)
{
	unsigned long long v;
	int rc;

	while ((rc = folio_json_next_key(j, err)) > 0) {
		const char *key = folio_json_text(j, NULL);
		if (strcmp(key, "text") == 0) {
			rc = string(j, &d->text, err);
		} else if (strcmp(key, "reason") == 0) {
			rc = string(j, &d->reason, err);
		} else if (strcmp(key, "line") == 0 ||
		    strcmp(key, "col") == 0) {
			unsigned *to = key[0] == 'l' ? &d->line : &d->col;
			if ((rc = count(j, &v, err)) == 0)
				*to = v > 0xFFFFFFFFu ? 0xFFFFFFFFu :
					(unsigned)v;
		} else {
			folio_json_kind k;
			if ((rc = folio_json_next(j, &k, err)) == 0)
				rc = folio_json_skip(j, k, err);
		}
		if (rc < 0)
			return rc;
	}
	return rc;
}

static int read_drops(folio_json *j, folio_doc_import *im, folio_error *err)
{
	folio_json_kind k;
	folio_import_drop *d;
	int rc = token(j, FOLIO_JSON_ARRAY, 0, "a list of dropped lines",
		err);

	while (rc == 0) {
		if ((rc = folio_json_next(j, &k, err)) < 0 ||
		    k == FOLIO_JSON_ARRAY_END)
			break;
		if (k != FOLIO_JSON_OBJECT)
			return folio_json_fail(j, "a dropped line or ']'", err);
		if ((d = add_drop(im)) == NULL)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		rc = read_drop(j, d, err);
	}
	return rc;
}

int folio_doc_import_read(folio_json *j, folio_doc_import *im,
	folio_error *err)
{
	unsigned long long v;
	int rc;

	folio_doc_import_clear(im);
	rc = token(j, FOLIO_JSON_OBJECT, 1, "an import object or null", err);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	im->set = 1;
	while ((rc = folio_json_next_key(j, err)) > 0) {
		const char *key = folio_json_text(j, NULL);
		size_t *to = strcmp(key, "lines") == 0 ? &im->lines :
			strcmp(key, "dropped") == 0 ? &im->dropped :
			strcmp(key, "moved") == 0 ? &im->moved :
			strcmp(key, "renumbered") == 0 ? &im->renumbered : NULL;
		if (to != NULL) {
			if ((rc = count(j, &v, err)) == 0)
				*to = (size_t)v;
		} else if (strcmp(key, "summary") == 0) {
			rc = string(j, &im->summary, err);
		} else if (strcmp(key, "drops") == 0) {
			rc = read_drops(j, im, err);
		} else {
			folio_json_kind k;
			if ((rc = folio_json_next(j, &k, err)) == 0)
				rc = folio_json_skip(j, k, err);
		}
		if (rc < 0)
			break;
	}
	if (rc < 0)
		folio_doc_import_clear(im);
	return rc;
}
