/*
 * manifest.h - the batch manifest (schemas/batch.rng): fonds, year, batch
 * id, defaults, styles, signer, and the expanded list of source files.
 *
 * folio_batch_manifest_read parses the manifest through util/xml.h (no
 * network, no DTD, size and depth caps), validates it against the shipped
 * schema, then expands <source> entries in document order: a plain name
 * is one file, a pattern (* ? [...]) is expanded relative to the
 * manifest's folder as glob(3) would (util/pathexpand.h, in bounded
 * memory), its matches sorted bytewise; a file matched again is kept at
 * its first position; <exclude> patterns (fnmatch with FNM_PATHNAME |
 * FNM_PERIOD) remove files. A source that matches nothing,
 * a match that is not a regular file, and a path leaving the folder
 * (by its name, or through a symbolic link: the file or a folder on its
 * way resolved outside the manifest's folder) are errors
 * "manifest:line:col: expected ..., found ...".
 *
 * An optional <publish><base-url> (where out/<batch>/site/ will be
 * served) is checked as folio_site_base_url does, so a bad one is named
 * with its position here rather than after the batch is built.
 *
 * <style> and each of its files are optional: left out, the installed
 * styles/gbt9704.xml and styles/epub.css (util/paths.h). A relative
 * style path is looked up next to the manifest, then in the data folder,
 * then in its styles/ folder; the first file that exists wins, none is
 * an error at the element's position.
 *
 * Paths in the result are ready to open: sources and the shared files
 * (styles, signer) are joined to the manifest's folder unless absolute.
 *
 * Ownership: *out is owned by the caller, freed with
 * folio_batch_manifest_free (NULL is a no-op). Limits:
 * FOLIO_BATCH_MAX_SOURCES files after expansion (before excludes), and
 * four times as many matches counted with those matched again.
 *
 * Memory: the list's size does not show in a run's memory. Past a
 * budget it is kept in an unlinked file in $TMPDIR (else /tmp), and
 * patterns and duplicates are sorted there (util/extsort.h).
 */
#ifndef FOLIO_BATCH_MANIFEST_H
#define FOLIO_BATCH_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define FOLIO_BATCH_MAX_SOURCES 200000u

#define FOLIO_BATCH_PATH_MAX 4096

/* One source, as folio_batch_source_get copies it out of the list. */
typedef struct folio_batch_source {
	char path[FOLIO_BATCH_PATH_MAX];   /* joined to the manifest folder */
	const char *rel;   /* the tail of path: relative to that folder */
	/* folio_batch_stamp_key of the file as the manifest was read (a
	 * stat the run needs anyway: a rebuild that changes nothing
	 * then stats each source once, not twice). */
	uint64_t stamp;
} folio_batch_source;

/* A file's inode, size, modification and change times folded into 64
 * bits, never 0 (8 bytes a source instead of 32): equal keys mean the
 * same file, untouched, but for a chance of 2^-64. */
uint64_t folio_batch_stamp_key(uint64_t ino, uint64_t size, int64_t mtime_ns,
	int64_t ctime_ns);

typedef struct folio_batch_manifest {
	char *path;          /* the manifest file, as given */
	char *dir;           /* its folder */
	char *fonds_code;    /* 全宗号, ASCII */
	char *fonds_name;    /* 全宗名称 */
	char *year;          /* 年度, 4 digits */
	char *batch_id;      /* 批次号, ASCII */
	char *description;   /* may be NULL */
	char *retention;     /* default 保管期限 */
	char *security;      /* default 密级 */
	char *style_pdf;     /* joined paths */
	char *style_css;
	char *signer_key;
	char *signer_cert;
	char *base_url;      /* <publish><base-url>, checked; may be NULL */
	/* The sources in order, read with folio_batch_source_get: a
	 * util/varlist, in memory up to its budget, past it in a file in
	 * $TMPDIR. NULL once dropped (folio_batch_manifest_drop_sources);
	 * n_sources stays. */
	struct folio_varlist *sources;
	size_t n_sources;
} folio_batch_manifest;

int folio_batch_manifest_read(folio_batch_manifest **out, const char *path,
	folio_error *err);
/* The same, the sources' files looked at by workers threads (<= 0: as
 * many as the machine has cores). */
int folio_batch_manifest_read_on(folio_batch_manifest **out,
	const char *path, int workers, folio_error *err);
void folio_batch_manifest_free(folio_batch_manifest *m);

/* Source i into *out: 0; FOLIO_EUSAGE past the end or once the list
 * is dropped, FOLIO_EIO when its file cannot be read. From any number
 * of threads at once. */
int folio_batch_source_get(const folio_batch_manifest *m, size_t i,
	folio_batch_source *out, folio_error *err);

/* A source's path from its name relative to the manifest's folder, as
 * the list has it: 0, or FOLIO_ELIMIT when it does not fit outsz. */
int folio_batch_source_join(char *out, size_t outsz,
	const folio_batch_manifest *m, const char *rel);
/* Free the list of sources (and its file) once a run no longer needs
 * it: after the document phase, the documents'
 * lines name their sources, and folio_batch_source_join makes the path
 * again. n_sources stays; sources becomes NULL. */
void folio_batch_manifest_drop_sources(folio_batch_manifest *m);

#endif
