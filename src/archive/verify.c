/* verify.c - check a signed archival ZIP, trusting nothing in it (see
 * archive.h): the driver, a list of passes, and what they share
 * (verify_impl.h). */
#include "archive/verify_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int verify_fail(verifier *v, const char *entry, const char *check,
	const char *fmt, ...)
{
	char what[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	folio_zip_printable(v->rep->entry, sizeof(v->rep->entry), entry,
		strlen(entry));
	v->rep->check = check;
	/* `what` may quote a lower-level message; this one replaces it. */
	folio_error_clear(v->err);
	return folio_error_set(v->err, FOLIO_EVERIFY, "%s: %s: %s", v->path,
		v->rep->entry, what);
}

size_t verify_lower_bound(const verifier *v, const char *key)
{
	size_t lo = 0, hi = v->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(v->e[v->by_name[mid]].name, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

long verify_lookup(const verifier *v, const char *name)
{
	size_t i = verify_lower_bound(v, name);

	if (i < v->n && strcmp(v->e[v->by_name[i]].name, name) == 0)
		return (long)v->by_name[i];
	return -1;
}

/* The zip adapter's message without its "archive: entry: " prefix,
 * which verify_fail writes itself. */
static const char *own_words(const verifier *v, const char *name)
{
	const char *m = v->err->msg;
	size_t p = strlen(v->path), n = strlen(name);

	if (strncmp(m, v->path, p) == 0 && strncmp(m + p, ": ", 2) == 0)
		m += p + 2;
	if (strncmp(m, name, n) == 0 && strncmp(m + n, ": ", 2) == 0)
		m += n + 2;
	return m;
}

/* A failure reading an entry's bytes: the container's data rules
 * (CRC, size, deflate end) make it invalid; anything else unreadable. */
int verify_entry_failed(verifier *v, const char *name, int rc,
	uint64_t limit)
{
	if (rc == FOLIO_ENOMEM)
		return rc;
	if (rc == FOLIO_ELIMIT)
		return verify_fail(v, name, "limit", "larger than the %llu "
			"bytes folio reads", (unsigned long long)limit);
	if (rc == FOLIO_EINPUT)
		return verify_fail(v, name, "container", "%s",
			own_words(v, name));
	return verify_fail(v, name, "readable", "cannot be read (%s)",
		own_words(v, name));
}

int verify_read_entry(verifier *v, folio_buf *out, size_t i, size_t limit)
{
	int rc;

	out->limit = limit + 1;
	rc = folio_zip_read(out, v->zr, i, limit, v->err);
	if (rc < 0) {
		folio_buf_free(out);  /* partial bytes are no use */
		return verify_entry_failed(v, v->e[i].name, rc, limit);
	}
	return 0;
}

static int pull_entry(void *ctx, char *buf, size_t len, size_t *out_n,
	folio_error *err)
{
	return folio_zip_stream_read(out_n, ctx, buf, len, err);
}

int verify_xml_open(verifier *v, vxml *x, size_t i, const char *schema,
	size_t max_bytes)
{
	folio_xml_limits limits = {max_bytes, 0};
	int rc;

	memset(x, 0, sizeof(*x));
	x->entry = v->e[i].name;
	x->schema = schema;
	/* The stated size is checked before a byte is parsed; the stream
	 * then refuses to give more than it. */
	if (v->e[i].size > max_bytes)
		return verify_fail(v, x->entry, "limit", "%llu bytes, "
			"expected at most %zu (refused before parsing)",
			(unsigned long long)v->e[i].size, max_bytes);
	if ((rc = folio_zip_stream_open(&x->s, v->zr, i, max_bytes,
		v->err)) < 0)
		return verify_entry_failed(v, x->entry, rc, max_bytes);
	if ((rc = folio_xml_reader_open(&x->r, pull_entry, x->s, x->entry,
		schema, &limits, v->err)) < 0) {
		verify_xml_close(x);
		return rc;
	}
	return 0;
}

int verify_xml_next(verifier *v, vxml *x, folio_xml_item *it)
{
	int rc = folio_xml_reader_next(it, x->r, v->err);
	const char *m = v->err->msg;
	size_t n = strlen(x->entry);

	if (rc >= 0)
		return rc;
	/* "entry:line:col: ..." -> "line:col: ...": the entry is named
	 * once, by verify_fail. */
	if (strncmp(m, x->entry, n) == 0 && m[n] == ':')
		m += n + 1;
	switch (folio_xml_reader_failure(x->r)) {
	case FOLIO_XML_SCHEMA:
		return verify_fail(v, x->entry, "metadata", "not valid "
			"against %s.rng (%s)", x->schema ? x->schema : "?", m);
	case FOLIO_XML_LIMIT:
		return verify_fail(v, x->entry, "limit", "%s", m);
	case FOLIO_XML_SOURCE:
		return verify_entry_failed(v, x->entry, rc, 0);
	default:
		return rc == FOLIO_ENOMEM ? rc : verify_fail(v, x->entry, "xml",
			"not well-formed XML (%s)", m);
	}
}

void verify_xml_close(vxml *x)
{
	folio_xml_reader_free(x->r);
	folio_zip_stream_close(x->s);
	x->r = NULL;
	x->s = NULL;
}

/* ---- the driver ---------------------------------------------------- */

static int by_name(const void *a, const void *b, void *ctx)
{
	const ventry *e = ctx;

	return strcmp(e[*(const uint32_t *)a].name,
		e[*(const uint32_t *)b].name);
}

/* The strict reading of the container (util/zip.h) comes first: every
 * name the passes below see is the name every extractor sees. */
static int open_container(verifier *v, const char *zip_path)
{
	folio_zip_fault fault;
	size_t i;
	int rc;

	rc = folio_zip_open_read(&v->zr, zip_path, &fault, v->err);
	if (rc == FOLIO_EINPUT && fault.not_zip)
		return FOLIO_EIO;
	if (rc == FOLIO_EINPUT) {
		snprintf(v->rep->entry, sizeof(v->rep->entry), "%s",
			fault.entry);
		v->rep->check = "container";
		return FOLIO_EVERIFY;
	}
	if (rc < 0)
		return rc;
	v->n = folio_zip_count(v->zr);
	v->rep->entries = v->n;
	v->e = calloc(v->n ? v->n : 1, sizeof(*v->e));
	v->by_name = calloc(v->n ? v->n : 1, sizeof(*v->by_name));
	if (v->e == NULL || v->by_name == NULL)
		return folio_error_set(v->err, FOLIO_ENOMEM, "out of memory");
	for (i = 0; i < v->n; i++) {
		folio_zip_entry ze;
		if ((rc = folio_zip_stat(&ze, v->zr, i, v->err)) < 0)
			return rc;
		v->e[i].name = ze.name;
		v->e[i].size = ze.size;
		v->by_name[i] = (uint32_t)i;
	}
	qsort_r(v->by_name, v->n, sizeof(*v->by_name), by_name, v->e);
	return 0;
}

static void list_entries(const verifier *v, const folio_verify_options *o)
{
	size_t i;

	if (o == NULL || o->list == NULL)
		return;
	for (i = 0; i < v->n; i++)
		o->list(o->list_ctx, v->e[i].name, v->e[i].size);
}

int folio_archive_verify(folio_verify_report *out, const char *zip_path,
	const folio_verify_options *opts, folio_error *err)
{
	verifier v;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&v, 0, sizeof(v));
	out->check = "readable";
	v.path = zip_path;
	v.rep = out;
	v.err = err;
	if ((rc = open_container(&v, zip_path)) < 0 ||
	    (rc = verify_mimetype(&v)) < 0 ||
	    (rc = verify_names(&v)) < 0 ||
	    (rc = verify_read_signature(&v)) < 0 ||
	    (rc = verify_signature_value(&v, opts)) < 0 ||
	    (rc = verify_coverage(&v)) < 0 ||
	    (rc = verify_digests(&v)) < 0 ||
	    (rc = verify_manifest_listing(&v)) < 0 ||
	    (rc = verify_bag(&v)) < 0 ||
	    (rc = verify_records(&v)) < 0)
		goto done;
	out->check = "ok";
	list_entries(&v, opts);
done:
	folio_cert_free(v.cert);
	free(v.e);
	free(v.by_name);
	folio_zip_reader_free(v.zr);
	return rc;
}
