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

int folio_read_window_line(folio_read_window *w, int fd, uint64_t off,
	size_t max, const char **out, size_t *len, folio_error *err)
{
	folio_error why = {0};
	int pass;

	*out = NULL;
	*len = 0;
	for (pass = 0; pass < 2; pass++) {
		const char *at, *nl;
		size_t have;
		int rc;
		/* First what the window holds; then a read that starts at
		 * off, for a line the window's end cut. */
		if (pass == 0 && !folio_read_window_has(w, fd, off, 1))
			continue;
		if (pass == 1)
			w->len = 0;
		if ((rc = folio_read_window_get(w, fd, off, 1, &at, &why)) < 0)
			return rc == FOLIO_ENOMEM ? folio_error_set(err, rc,
				"%s", why.msg) : 0;
		have = (size_t)(w->off + w->len - off);
		if ((nl = memchr(at, '\n', have < max ? have : max)) != NULL) {
			*out = at;
			*len = (size_t)(nl - at) + 1;
			return 1;
		}
		if (have >= max)
			return 0;
	}
	return 0;
}

void folio_read_window_free(folio_read_window *w)
{
	size_t size = w->size;

	free(w->buf);
	memset(w, 0, sizeof(*w));
	w->size = size;   /* and next_fd 0: no guess */
}
