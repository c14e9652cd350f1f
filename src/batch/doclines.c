/* doclines.c - a batch's documents by manifest place, on disk (doclines.h). */
#include "batch/doclines.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch/cache.h"
#include "util/json.h"
#include "util/recarray.h"

/* Where one document's line is: offset and length, 12 bytes in a
 * util/recarray.h array (in memory up to its budget, past it on disk),
 * read only for a line. Its status, which the later steps walk the
 * batch by, stays in memory: a byte a document. */
#define SLOT_BYTES 12

typedef struct doc_slot {
	uint64_t off;
	uint32_t len;
} doc_slot;

struct folio_doc_lines {
	FILE *spool;
	folio_recarray *slots;
	unsigned char *state;   /* per document: 0 unknown, else status + 1 */
	size_t n;
	int dirty;              /* written since the last flush */
	/* Where the spool ends, while only folio_doc_lines_append has
	 * written to it (a seek to the end flushes the stream: one write
	 * a line). */
	uint64_t end;
	int end_known;
	folio_read_window win;  /* folio_doc_lines_get's */
};

int folio_doc_lines_new(folio_doc_lines **out, size_t n, FILE *spool,
	const char *dir, folio_error *err)
{
	folio_doc_lines *t = calloc(1, sizeof(*t));
	size_t len = strlen(dir) + sizeof("/.doclines");
	char *beside = malloc(len);
	int rc;

	*out = NULL;
	if (t == NULL || beside == NULL ||
	    (t->state = calloc(n ? n : 1, 1)) == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto fail;
	}
	snprintf(beside, len, "%s/.doclines", dir);
	if ((rc = folio_recarray_new(&t->slots, beside, SLOT_BYTES, n, 0, 0,
		err)) < 0)
		goto fail;
	free(beside);
	t->spool = spool;
	t->n = n;
	*out = t;
	return 0;
fail:
	free(beside);
	folio_doc_lines_free(t);
	return rc;
}

void folio_doc_lines_free(folio_doc_lines *t)
{
	if (t == NULL)
		return;
	folio_recarray_free(t->slots);
	free(t->state);
	folio_read_window_free(&t->win);
	free(t);
}

size_t folio_doc_lines_size(const folio_doc_lines *t)
{
	return t->n;
}

int folio_doc_lines_on_disk(const folio_doc_lines *t)
{
	return folio_recarray_on_disk(t->slots);
}

int folio_doc_lines_set(folio_doc_lines *t, size_t index, uint64_t off,
	size_t len, folio_doc_status status, folio_error *err)
{
	/* Lines are capped by what a cache line may be (cache.h): the
	 * same objects. */
	if (index >= t->n || len == 0 || len > FOLIO_CACHE_MAX_LINE)
		return folio_error_set(err, FOLIO_ELIMIT, "document %zu: "
			"expected a line of 1 to %zu bytes for one of %zu "
			"documents, found %zu bytes", index + 1,
			FOLIO_CACHE_MAX_LINE, t->n, len);
	{
		unsigned char rec[SLOT_BYTES];
		uint32_t l = (uint32_t)len;
		int rc;
		memcpy(rec, &off, 8);
		memcpy(rec + 8, &l, 4);
		if ((rc = folio_recarray_put(t->slots, index, rec, err)) < 0)
			return rc;
	}
	t->state[index] = (unsigned char)(status + 1);
	t->dirty = 1;
	t->end_known = 0;
	return 0;
}

int folio_doc_lines_append(folio_doc_lines *t, const folio_doc_result *d,
	folio_buf *scratch, folio_error *err)
{
	off_t at;
	int rc;

	folio_buf_reset(scratch);
	scratch->limit = FOLIO_CACHE_MAX_LINE;
	if ((rc = folio_report_doc_json(scratch, d, err)) < 0)
		return rc;
	/* One line each: the spool stays readable as text. */
	if (t->end_known)
		at = (off_t)t->end;
	else if (fseeko(t->spool, 0, SEEK_END) != 0 ||
	    (at = ftello(t->spool)) < 0)
		at = -1;
	if (at < 0 ||
	    fwrite(scratch->data, 1, scratch->len, t->spool) != scratch->len ||
	    fputc('\n', t->spool) == EOF)
		return folio_error_set(err, FOLIO_EIO, "%s: cannot write the "
			"documents' spool: %s", d->source, strerror(errno));
	if ((rc = folio_doc_lines_set(t, d->index, (uint64_t)at, scratch->len,
		d->status, err)) < 0)
		return rc;
	t->end = (uint64_t)at + scratch->len + 1;
	t->end_known = 1;
	return 0;
}

int folio_doc_lines_has(const folio_doc_lines *t, size_t i)
{
	return i < t->n && t->state[i] != 0;
}

folio_doc_status folio_doc_lines_status(const folio_doc_lines *t, size_t i)
{
	return folio_doc_lines_has(t, i) ? (folio_doc_status)(t->state[i] - 1) :
		FOLIO_DOC_NOT_RUN;
}

/* Where document i's line is (it has one). */
static int slot_of(const folio_doc_lines *t, size_t i, doc_slot *s,
	folio_error *err)
{
	unsigned char rec[SLOT_BYTES];
	int rc;

	if ((rc = folio_recarray_get(t->slots, i, rec, err)) < 0)
		return rc;
	memcpy(&s->off, rec, 8);
	memcpy(&s->len, rec + 8, 4);
	return 0;
}

int folio_doc_lines_sync(folio_doc_lines *t, folio_error *err)
{
	if (t->dirty) {
		if (fflush(t->spool) != 0)
			return folio_error_set(err, FOLIO_EIO, "cannot write "
				"the documents' spool: %s", strerror(errno));
		t->dirty = 0;
	}
	return 0;
}

int folio_doc_lines_line(folio_doc_lines *t, size_t i, folio_buf *line,
	folio_error *err)
{
	doc_slot slot, *s = &slot;
	ssize_t got;
	int rc;

	if (!folio_doc_lines_has(t, i))
		return folio_error_set(err, FOLIO_EUSAGE, "document %zu: "
			"not in the table", i + 1);
	if ((rc = slot_of(t, i, s, err)) < 0 ||
	    (rc = folio_doc_lines_sync(t, err)) < 0)
		return rc;
	folio_buf_reset(line);
	if (line->cap < (size_t)s->len + 1) {
		char *p = realloc(line->data, s->len + 1);
		if (p == NULL)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		line->data = p;
		line->cap = s->len + 1;
	}
	got = pread(fileno(t->spool), line->data, s->len, (off_t)s->off);
	if (got != (ssize_t)s->len)
		return folio_error_set(err, FOLIO_EIO, "document %zu: cannot "
			"read its line back from the documents' spool: %s",
			i + 1, got < 0 ? strerror(errno) : "cut short");
	line->len = s->len;
	line->data[s->len] = '\0';
	return 0;
}

/* Document i's line, the len bytes at, parsed into out. */
static int parse_line(size_t i, const char *at, size_t len,
	folio_doc_result *out, folio_error *err)
{
	folio_json *j = NULL;
	int rc;

	if ((rc = folio_json_open_memory(&j, at, len, "documents",
		err)) == 0)
		rc = folio_report_doc_read(j, out, 0, err);
	folio_json_free(j);
	if (rc == 0 && out->index != i) {
		size_t says = out->index;
		folio_doc_result_clear(out);
		rc = folio_error_set(err, FOLIO_EINPUT, "document %zu: its "
			"line in the documents' spool says document %zu", i + 1,
			says + 1);
	}
	return rc;
}

int folio_doc_lines_get(folio_doc_lines *t, size_t i, folio_doc_result *out,
	folio_error *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = folio_doc_lines_sync(t, err)) < 0)
		return rc;
	return folio_doc_lines_read(t, i, &t->win, out, err);
}

int folio_doc_lines_read(const folio_doc_lines *t, size_t i,
	folio_read_window *w, folio_doc_result *out, folio_error *err)
{
	folio_error why = {0};
	const char *at;
	doc_slot slot, *s = &slot;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!folio_doc_lines_has(t, i))
		return folio_error_set(err, FOLIO_EUSAGE, "document %zu: "
			"not in the table", i + 1);
	if (t->dirty)
		return folio_error_set(err, FOLIO_EUSAGE, "document %zu: "
			"read before the spool was synced", i + 1);
	if ((rc = slot_of(t, i, s, err)) < 0)
		return rc;
	if (folio_read_window_get(w, fileno(t->spool), s->off, s->len, &at,
		&why) < 0)
		return folio_error_set(err, why.code, "document %zu: %s in "
			"the documents' spool", i + 1, why.msg);
	return parse_line(i, at, s->len, out, err);
}
