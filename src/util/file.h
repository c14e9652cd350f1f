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
#include <stdint.h>
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
/* Flush, fsync, close and rename over the final name; with a commit
 * group in use on this thread, flush, close and hand it to the group. */
int folio_outfile_commit(folio_outfile *f, folio_error *err);
/* Remove the temporary file; safe to call after commit (no-op). */
void folio_outfile_abort(folio_outfile *f);

/* Group commit. An fsync per output costs a journal commit of the file
 * system each (7-40 ms on the disks measured), more than the CPU time
 * of a small document; a batch instead collects the finished temporary
 * files of many documents, makes them durable with one syncfs(2), and
 * only then renames them and records them as done.
 *
 * While a group is in use on a thread (folio_commit_group_use),
 * folio_outfile_commit on that thread flushes and closes the temporary
 * file and adds it to the group instead of syncing and renaming it: no
 * final name appears, so the output is not there yet for any reader.
 * folio_commit_group_publish then syncs (once for the whole file system
 * of sync_fd) and renames every entry, in the order added. A process
 * killed before the renames leaves only temporary files ("*.tmp.*",
 * which the batch sweeps); killed during them, some outputs are in
 * place, each complete and durable. Entries are owned by the group:
 * folio_commit_group_abort removes the temporary files not yet
 * renamed. A group is not thread-safe; one per thread or per job. */
typedef struct folio_commit_entry {
	char *temp_path;
	char *final_path;
} folio_commit_entry;

typedef struct folio_commit_group {
	folio_commit_entry *v;
	size_t n, cap;
} folio_commit_group;

/* Route this thread's folio_outfile_commit calls into g (NULL: back to
 * committing each file at once). */
void folio_commit_group_use(folio_commit_group *g);
/* The temporary file that will become final_path, or NULL. */
const char *folio_commit_group_temp(const folio_commit_group *g,
	const char *final_path);
/* syncfs(2) the file system of sync_fd (any open descriptor there, not
 * O_PATH; -1: the caller synced already), then rename every entry over
 * its final name. g is empty afterwards, also on failure (FOLIO_EIO,
 * naming the file): the entries not renamed are removed. */
int folio_commit_group_publish(folio_commit_group *g, int sync_fd,
	folio_error *err);
/* Remove the temporary files of g and empty it. */
void folio_commit_group_abort(folio_commit_group *g);
/* abort, then release g's memory; a zeroed group is fine. */
void folio_commit_group_free(folio_commit_group *g);
/* syncfs(2) of the file system of fd, as a folio error (FOLIO_EIO). */
int folio_file_syncfs(int fd, const char *what, folio_error *err);

/* A file opened for reading and writing in the folder of the file
 * beside (which need not exist), named .<tag>.tmp.XXXXXX and unlinked
 * at once: a run killed meanwhile leaves nothing, and the space comes
 * back when the descriptor closes. */
int folio_file_temp_beside(int *out_fd, const char *beside, const char *tag,
	folio_error *err);

/* All n bytes at off, through interruptions and short transfers: 0, or
 * -1 with errno set (0 when the file ended first or took no bytes). */
int folio_pread_all(int fd, void *buf, size_t n, uint64_t off);
int folio_pwrite_all(int fd, const void *buf, size_t n, uint64_t off);

/* Whole buffer to path, atomically. */
int folio_file_write_atomic(const char *path, const void *data, size_t len,
	folio_error *err);

/* mkdir -p; mode 0755. */
int folio_mkdirs(const char *path, folio_error *err);

#endif
