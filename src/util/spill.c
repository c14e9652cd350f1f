/* spill.c - an append-only temporary file of records (see spill.h). */
#include "util/spill.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/file.h"

void folio_spill_init(folio_spill *s, const char *beside, size_t cap)
{
	s->fd = -1;
	s->written = 0;
	s->buf = NULL;
	s->len = 0;
	s->cap = cap;
	s->beside = beside;
}

int folio_spill_open(folio_spill *s, const char *tag, folio_error *err)
{
	return folio_file_temp_beside(&s->fd, s->beside, tag, err);
}

static int write_error(const folio_spill *s, folio_error *err)
{
	return folio_error_set(err, FOLIO_EIO, "cannot write a temporary "
		"file beside %s: %s", s->beside,
		errno ? strerror(errno) : "no space");
}

/* The buffer to the file, kept for what comes next. */
static int write_out(folio_spill *s, folio_error *err)
{
	errno = 0;
	if (s->len > 0 && folio_pwrite_all(s->fd, s->buf, s->len,
		s->written) < 0)
		return write_error(s, err);
	s->written += s->len;
	s->len = 0;
	return 0;
}

/* head then rest, appended whole or not at all. */
static int append(folio_spill *s, const void *head, size_t n_head,
	const void *rest, size_t n_rest, folio_error *err)
{
	size_t n = n_head + n_rest;
	int rc;

	if (s->len + n > s->cap && (rc = write_out(s, err)) < 0)
		return rc;
	if (n > s->cap) {
		/* Past written, so a write that fails halfway is written
		 * over by the next. */
		errno = 0;
		if (folio_pwrite_all(s->fd, head, n_head, s->written) < 0 ||
		    folio_pwrite_all(s->fd, rest, n_rest, s->written +
			n_head) < 0)
			return write_error(s, err);
		s->written += n;
		return 0;
	}
	if (s->buf == NULL && (s->buf = malloc(s->cap)) == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	if (n_head > 0)
		memcpy(s->buf + s->len, head, n_head);
	if (n_rest > 0)
		memcpy(s->buf + s->len + n_head, rest, n_rest);
	s->len += n;
	return 0;
}

int folio_spill_append(folio_spill *s, const void *p, size_t n,
	folio_error *err)
{
	return append(s, p, n, NULL, 0, err);
}

int folio_spill_put(folio_spill *s, const void *rec, size_t len,
	folio_error *err)
{
	unsigned char head[FOLIO_SPILL_HDR];

	folio_spill_head(head, len);
	return append(s, head, sizeof(head), rec, len, err);
}

int folio_spill_flush(folio_spill *s, folio_error *err)
{
	int rc = write_out(s, err);

	if (rc == 0) {
		free(s->buf);
		s->buf = NULL;
	}
	return rc;
}

int folio_spill_read(const folio_spill *s, void *p, size_t n, uint64_t off,
	folio_error *err)
{
	errno = 0;
	if (folio_pread_all(s->fd, p, n, off) < 0)
		return folio_error_set(err, FOLIO_EIO, "cannot read back a "
			"temporary file beside %s: %s", s->beside,
			errno ? strerror(errno) : "it ends too soon");
	return 0;
}

int folio_spill_truncate(folio_spill *s, folio_error *err)
{
	if (ftruncate(s->fd, 0) != 0)
		return folio_error_set(err, FOLIO_EIO, "cannot empty a "
			"temporary file beside %s: %s", s->beside,
			strerror(errno));
	s->written = 0;
	s->len = 0;
	return 0;
}

void folio_spill_close(folio_spill *s)
{
	if (s->fd >= 0)
		close(s->fd);
	free(s->buf);
	folio_spill_init(s, s->beside, s->cap);
}
