#include "util/readwin.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

int folio_read_window_has(const folio_read_window *w, int fd, uint64_t off,
	size_t len)
{
	return w->len > 0 && w->fd == fd && off >= w->off &&
		off - w->off <= w->len && len <= w->len - (off - w->off);
}

int folio_read_window_get(folio_read_window *w, int fd, uint64_t off,
	size_t len, const char **out, folio_error *err)
{
	size_t size = w->size ? w->size : FOLIO_READ_WINDOW;
	size_t want = len > size ? len : size;
	size_t got = 0;

	*out = NULL;
	if (folio_read_window_has(w, fd, off, len)) {
		*out = w->buf + (off - w->off);
		return 0;
	}
	if (w->cap < want) {
		char *p = realloc(w->buf, want);
		if (p == NULL)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		w->buf = p;
		w->cap = want;
	}
	w->len = 0;
	while (got < len) {   /* one read, as a rule */
		ssize_t k = pread(fd, w->buf + got, want - got,
			(off_t)(off + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return folio_error_set(err, FOLIO_EIO, "cannot read "
				"back %zu bytes at %llu: %s", len,
				(unsigned long long)off, strerror(errno));
		if (k == 0)
			break;
		got += (size_t)k;
	}
	if (got < len)
		return folio_error_set(err, FOLIO_EIO, "cannot read back %zu "
			"bytes at %llu: the file ends before them", len,
			(unsigned long long)off);
	w->fd = fd;
	w->off = off;
	w->len = got;
	*out = w->buf;
	return 0;
}

void folio_read_window_free(folio_read_window *w)
{
	size_t size = w->size;

	free(w->buf);
	memset(w, 0, sizeof(*w));
	w->size = size;
}
