/*
 * markup.c - the one place where site text becomes HTML or XML.
 *
 * Titles, issuers and summaries are user text: every byte goes through
 * w_text or w_attr, which escape & < > (and " in attributes, which are
 * always double-quoted). The same escaping serves HTML5 and the Atom
 * feeds, so a character Atom (XML 1.0) cannot carry is refused rather
 * than dropped: the model never holds one from an XML source, but the
 * check keeps a later reader from slipping one through.
 */
#include "site/site_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/xml_writer.h"

/* Bytes kept in memory before they go to the file. */
#define DRAIN_AT ((size_t)256 * 1024)

void w_init(site_w *w, const char *name, folio_error *err)
{
	memset(w, 0, sizeof(*w));
	w->name = name;
	w->err = err;
	/* Pages and feeds stay small; the limit guards a runaway loop. */
	w->b.limit = (size_t)64 * 1024 * 1024;
}

static void fail(site_w *w, int rc)
{
	if (w->rc == 0)
		w->rc = folio_error_set(w->err, rc, "%s: %s", w->name,
			rc == FOLIO_ENOMEM ? "out of memory" :
			"page larger than its limit");
}

static void put(site_w *w, const char *s, size_t n)
{
	int rc;

	if (w->rc != 0 || n == 0)
		return;
	if ((rc = folio_buf_append(&w->b, s, n)) < 0)
		fail(w, rc);
}

void w_raw(site_w *w, const char *s)
{
	put(w, s, strlen(s));
}

void w_bytes(site_w *w, const char *s, size_t n)
{
	put(w, s, n);
}

void w_printf(site_w *w, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	int n;

	if (w->rc != 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(small)) {
		/* Only short, generated strings are formatted here. */
		fail(w, FOLIO_ELIMIT);
		return;
	}
	put(w, small, (size_t)n);
}

/* Pages are HTML5, not XML (void elements, no declaration), so they
 * are written here rather than through util/xml_writer.h; which
 * characters XML 1.0 can carry (the Atom feeds are XML) is decided in
 * one place for both, folio_xml_text_ok. */
static void escaped(site_w *w, const char *s, int attr)
{
	size_t n = strlen(s), i, run = 0, bad_off;
	uint32_t cp;

	if (w->rc != 0)
		return;
	if (!folio_xml_text_ok(s, n, &cp, &bad_off)) {
		w->rc = folio_error_set(w->err, FOLIO_EINPUT, "%s: expected "
			"text XML can carry, found %s at byte %zu of "
			"\"%.40s\"", w->name, cp == 0xFFFFFFFFu ?
			"invalid UTF-8" : "a control character", bad_off, s);
		return;
	}
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		const char *rep = NULL;

		if (ch == '&')
			rep = "&amp;";
		else if (ch == '<')
			rep = "&lt;";
		else if (ch == '>')
			rep = "&gt;";
		else if (ch == '"' && attr)
			rep = "&quot;";
		else if (ch == '\n' && attr)
			rep = "&#10;";   /* attribute values would fold it */
		else if (ch == '\t' && attr)
			rep = "&#9;";
		else if (ch == '\r')
			rep = "&#13;";   /* parsers turn a raw CR into LF */
		if (rep != NULL) {
			put(w, s + i - run, run);
			put(w, rep, strlen(rep));
			run = 0;
		} else {
			run++;
		}
	}
	put(w, s + n - run, run);
}

void w_text(site_w *w, const char *s)
{
	escaped(w, s, 0);
}

void w_attr(site_w *w, const char *name, const char *value)
{
	w_raw(w, " ");
	w_raw(w, name);
	w_raw(w, "=\"");
	escaped(w, value, 1);
	w_raw(w, "\"");
}

static void flush(site_w *w)
{
	if (w->rc == 0 && w->b.len > 0 &&
	    fwrite(w->b.data, 1, w->b.len, w->fp) != w->b.len)
		w->rc = folio_error_set(w->err, FOLIO_EIO,
			"%s: write failed: %s", w->name, strerror(errno));
	folio_buf_reset(&w->b);
}

void w_attr2(site_w *w, const char *name, const char *a, const char *b)
{
	w_raw(w, " ");
	w_raw(w, name);
	w_raw(w, "=\"");
	escaped(w, a, 1);
	escaped(w, b, 1);
	w_raw(w, "\"");
}

void w_drain(site_w *w)
{
	if (w->rc != 0 || w->path == NULL || w->b.len < DRAIN_AT)
		return;
	if (w->fp == NULL) {
		/* Too big to keep: stream through a temporary sibling. */
		if ((w->rc = folio_outfile_open(&w->file, w->path,
			w->err)) < 0)
			return;
		w->fp = w->file.fp;
	}
	flush(w);
}

void w_free(site_w *w)
{
	folio_buf_free(&w->b);
	free(w->path);
	w->path = NULL;
}

int w_open_file(site_w *w, const char *path, const char *name,
	folio_error *err)
{
	w_init(w, name, err);
	w->b.limit = 0;   /* streamed past DRAIN_AT: the default cap is ample */
	w->path = strdup(path);
	if (w->path == NULL)
		return w->rc = folio_error_set(err, FOLIO_ENOMEM,
			"out of memory");
	return 0;
}

void w_abort(site_w *w)
{
	folio_outfile_abort(&w->file);
	w->fp = NULL;
	w_free(w);
}

int w_commit(site_w *w, int *wrote)
{
	int rc = w->rc;

	*wrote = 0;
	if (rc == 0 && w->fp != NULL) {
		flush(w);
		w->fp = NULL;   /* the outfile closes it */
		if ((rc = w->rc) == 0 &&
		    (rc = folio_outfile_commit(&w->file, w->err)) == 0)
			*wrote = 1;
	} else if (rc == 0) {
		rc = site_write_if_changed(w->path, w->b.data ? w->b.data :
			"", w->b.len, wrote, w->err);
	}
	if (rc < 0)
		folio_outfile_abort(&w->file);
	w_free(w);
	return rc;
}

static int regular(int64_t *mtime_ns, uint64_t *size, const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return -1;
	*mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000LL +
		st->st_mtim.tv_nsec;
	*size = (uint64_t)st->st_size;
	return 0;
}

int site_stat(int64_t *mtime_ns, uint64_t *size, const char *path)
{
	struct stat st;

	return stat(path, &st) != 0 ? -1 : regular(mtime_ns, size, &st);
}

int site_stat_at(int64_t *mtime_ns, uint64_t *size, int dirfd,
	const char *name)
{
	struct stat st;

	return dirfd < 0 || fstatat(dirfd, name, &st,
		AT_SYMLINK_NOFOLLOW) != 0 ? -1 : regular(mtime_ns, size, &st);
}

int site_write_if_changed(const char *path, const char *data, size_t len,
	int *wrote, folio_error *err)
{
	folio_error ignored = {0};
	char *old = NULL;
	size_t old_len = 0;
	int64_t mtime;
	uint64_t size;
	int same;

	*wrote = 0;
	/* Only a file of the same size is read back. */
	same = site_stat(&mtime, &size, path) == 0 && size == len &&
		folio_file_read(&old, &old_len, path, len, &ignored) == 0 &&
		old_len == len && (len == 0 || memcmp(old, data, len) == 0);
	free(old);
	if (same)
		return 0;
	*wrote = 1;
	return folio_file_write_atomic(path, data, len, err);
}
