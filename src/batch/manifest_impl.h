/*
 * manifest_impl.h - what manifest.c (the manifest's fields) and
 * manifest_sources.c (its list of sources) share while a manifest is
 * read. Not for other modules.
 */
#ifndef FOLIO_BATCH_MANIFEST_IMPL_H
#define FOLIO_BATCH_MANIFEST_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "batch/manifest.h"
#include "util/buf.h"
#include "util/xml.h"
#include "util/xml_tree.h"

#define BATCH_NS "urn:folio:batch:1"
/* Sources whose files are looked at together, by the workers: a stat
 * is most of what reading a manifest of 100,000 sources costs. */
#define CHECK_BATCH 4096

typedef struct manifest_reader {
	folio_batch_manifest *m;
	folio_error *err;
	const folio_xml_node *sources;   /* <sources> */
	char *real_dir;         /* the manifest's folder, symlinks resolved */
	int workers;            /* threads for the files' stats */
	char beside[4096];      /* a path in $TMPDIR: spill files go there */
	/* Sources listed but their files not yet looked at (at most
	 * CHECK_BATCH): each one's element and that element's ordinal
	 * among the children of <sources>, where its path starts in
	 * names, and its stat key when the file is a plain one named
	 * straight in the folder (0: look again). Once looked at they go
	 * to the list. */
	size_t n_pending;
	const folio_xml_node *nodes[CHECK_BATCH];
	uint32_t elems[CHECK_BATCH];
	size_t names_at[CHECK_BATCH];
	uint64_t plain[CHECK_BATCH];
	folio_buf names;
} manifest_reader;

int folio_manifest_at(manifest_reader *r, const folio_xml_node *n,
	int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* <sources>: the list, expanded, checked, duplicates and excludes
 * taken out, into r->m. */
int folio_manifest_read_sources(manifest_reader *r,
	const folio_xml_node *sources);

#endif
