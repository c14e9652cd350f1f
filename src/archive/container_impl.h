/*
 * container_impl.h - the archive writer's per-file state on disk
 * (container_entries.c), private to src/archive/container*.c.
 *
 * Every file of the archive is needed four times after it was hashed:
 * for the BagIt manifest, META-INF/manifest.xml, the signature's
 * References and the ZIP, each time in name order. Held in memory that
 * is about 150 bytes a file (name, path, digest, size): 60 MB at
 * 400,000 files. Instead each file is a record of util/extsort (by
 * name; sorted in memory up to its budget, past it in runs beside the
 * archive, merged), and the sorted records go to a util/varlist that
 * each pass reads from its start. Memory: the sort's budget, then the
 * list's, whatever the number of records.
 *
 * Errors: FOLIO_EIO on the temporary files, FOLIO_ENOMEM, FOLIO_ELIMIT
 * for a file whose name and path pass 16 KB together (or whose name is
 * not in its record's folder), FOLIO_EUSAGE when two records have the
 * same folder (the same 档号).
 */
#ifndef FOLIO_ARCHIVE_CONTAINER_IMPL_H
#define FOLIO_ARCHIVE_CONTAINER_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "util/digest.h"
#include "util/error.h"

/* One file of the archive as the passes see it. */
typedef struct arch_file {
	const char *name;
	const char *path;       /* its bytes are here at off (a source, an
	                           output, or the writer's spool file) */
	uint64_t off, size;
	unsigned char sha256[FOLIO_SHA256_LEN];
} arch_file;

typedef struct entry_sort entry_sort;

/* Temporary files are siblings of zip_path. */
int entry_sort_new(entry_sort **out, const char *zip_path,
	folio_error *err);
/* The sort's budget in bytes (default util/extsort's; tests lower it
 * to merge many runs). Before the first entry_sort_add. */
void entry_sort_set_run_bytes(entry_sort *s, size_t bytes);
/* One record's files, every name starting with key (its folder, ending
 * in '/'); copied. */
int entry_sort_add(entry_sort *s, const char *key, const arch_file *files,
	size_t n, folio_error *err);
/* Every group added: merge the runs into the sorted file. */
int entry_sort_finish(entry_sort *s, folio_error *err);
/* Files added so far. */
uint64_t entry_sort_count(const entry_sort *s);
void entry_sort_free(entry_sort *s);

/* The sorted files in name order (after entry_sort_finish). */
typedef struct entry_walk entry_walk;
int entry_walk_open(entry_walk **out, entry_sort *s, folio_error *err);
/* The next file in *out (valid until the next call), NULL at the end. */
int entry_walk_next(entry_walk *w, const arch_file **out, folio_error *err);
void entry_walk_free(entry_walk *w);

#endif
