/*
 * readwin.h - reading records of a file mostly in the order they were
 * written, a read for many records instead of one each.
 *
 * The caches and spools of a batch run hold one line per document and
 * are read back document by document in about the order they were
 * written. A pread per line is a system call per document, and on a
 * virtual machine system calls are most of what a rebuild that changes
 * nothing costs. A window reads FOLIO_READ_WINDOW bytes at the line
 * asked for, so the lines after it come from memory.
 *
 * Zero-initialise; one thread at a time per window; free with
 * folio_read_window_free. A window never outlives a change of the
 * bytes it holds: callers read files that nothing writes meanwhile.
 */
#ifndef FOLIO_UTIL_READWIN_H
#define FOLIO_UTIL_READWIN_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define FOLIO_READ_WINDOW ((size_t)128 * 1024)   /* the default size */

typedef struct folio_read_window {
	char *buf;
	size_t cap;
	int fd;                   /* whose bytes buf holds (valid: len) */
	uint64_t off;
	size_t len;
	size_t size;              /* bytes a read fetches; 0: the default */
	/* Where the caller's last record ended, for callers that read
	 * records in sequence and guess that the next one starts there:
	 * next_fd is that file's descriptor + 1 (0: nothing read yet). */
	int next_fd;
	uint64_t next_off;
} folio_read_window;

/* 1 when the len bytes at off of fd are in the window already. */
int folio_read_window_has(const folio_read_window *w, int fd, uint64_t off,
	size_t len);
/* The len bytes at off of fd: *out points into the window, valid until
 * its next use. FOLIO_EIO when the file cannot be read or ends before
 * them, FOLIO_ENOMEM. */
int folio_read_window_get(folio_read_window *w, int fd, uint64_t off,
	size_t len, const char **out, folio_error *err);
/* The line at off of fd, its '\n' included, when one of at most max
 * bytes is there: 1 (*out, *len point into the window), 0 when the file
 * ends first, cannot be read or the line is longer (or longer than a
 * read fetches): a guess, whose caller reads the ordinary way then.
 * FOLIO_ENOMEM. */
int folio_read_window_line(folio_read_window *w, int fd, uint64_t off,
	size_t max, const char **out, size_t *len, folio_error *err);
void folio_read_window_free(folio_read_window *w);

#endif
