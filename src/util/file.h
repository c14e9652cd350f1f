/*
 * file.h - reading inputs with a size cap, writing outputs atomically.
 *
 * Outputs never appear under their final name half-written: a
 * folio_outfile writes to a temporary file in the destination folder
 * (same file system, so rename is atomic), and only folio_outfile_commit
 * flushes, fsyncs and renames it. folio_outfile_abort (or free without
 * commit) removes the temporary file.
 */
#ifndef FOLIO_UTIL_FILE_H
#define FOLIO_UTIL_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "util/error.h"

/* Open path for reading only if it is a regular file: FIFOs, devices,
 * sockets and folders fail with FOLIO_EIO ("expected a regular file,
 * found a FIFO") without blocking (the open is non-blocking, so a FIFO
 * with no writer cannot hang the caller). Every reader of user files
 * goes through one of these. *out_fd / *out is blocking once returned. */
int folio_file_open_regular(int *out_fd, const char *path, folio_error *err);
int folio_file_fopen_regular(FILE **out, const char *path, folio_error *err);

/* Read all of path into a malloc'd, NUL-terminated buffer. Files larger
 * than limit fail with FOLIO_ELIMIT (naming the file and the limit). */
int folio_file_read(char **out, size_t *out_len, const char *path,
	size_t limit, folio_error *err);

typedef struct folio_outfile {
	FILE *fp;
	char *final_path;
	char *temp_path;
} folio_outfile;

/* Open a temporary sibling of path for writing. */
int folio_outfile_open(folio_outfile *f, const char *path, folio_error *err);
/* Reserve a temporary sibling path without opening it (for libraries
 * that want a file name, such as libzip and libharu). */
int folio_outfile_reserve(folio_outfile *f, const char *path,
	folio_error *err);
/* Flush, fsync, close and rename over the final name. */
int folio_outfile_commit(folio_outfile *f, folio_error *err);
/* Remove the temporary file; safe to call after commit (no-op). */
void folio_outfile_abort(folio_outfile *f);

/* Whole buffer to path, atomically. */
int folio_file_write_atomic(const char *path, const void *data, size_t len,
	folio_error *err);

/* mkdir -p; mode 0755. */
int folio_mkdirs(const char *path, folio_error *err);

#endif
