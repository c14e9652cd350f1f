/*
 * site_impl.h - what the files of src/site/ share (private).
 *
 *   site.c       the driver: cache, which pages to write, links, orphans
 *   docmeta.c    what the site shows of a document (from the model)
 *   sitecache.c  out/<batch>/.site-cache, read and written
 *   html.c       index.html and the document pages (with the QR's SVG)
 *   opds.c       the OPDS feeds
 *   markup.c     escaping writer shared by html.c and opds.c
 * The QR codes come from util/qr.h, which the PDF writer shares.
 */
#ifndef FOLIO_SITE_SITE_IMPL_H
#define FOLIO_SITE_SITE_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model/doc.h"
#include "site/site.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"

#define SITE_PATH_MAX 4096
#define SITE_HREF_MAX (FOLIO_SITE_URL_MAX + 256)
#define SITE_UUID_MAX 48                  /* "urn:uuid:" + 36 + NUL */
#define SITE_NAME_MAX (FOLIO_SITE_TITLE_BYTES + 80)
#define SITE_SUMMARY_CHARS 120            /* code points before "……" */
#define SITE_MAX_ASSET ((size_t)1024 * 1024)

/* ---- markup.c: a writer with a sticky error ----
 * After the first failure every call is a no-op and w.rc holds the
 * code; the message names the file. A writer opened on a file with
 * w_open_file keeps small files in memory (written only when their
 * bytes differ from the file on disk) and streams big ones through a
 * temporary sibling, so a big index never sits in memory whole. */
typedef struct site_w {
	folio_buf b;
	FILE *fp;                 /* the temporary file once streaming */
	folio_outfile file;
	char *path;               /* final path when writing a file */
	const char *name;         /* for messages */
	int rc;
	folio_error *err;
} site_w;

void w_init(site_w *w, const char *name, folio_error *err);
void w_raw(site_w *w, const char *s);
void w_bytes(site_w *w, const char *s, size_t n);
void w_printf(site_w *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Element content, escaped; FOLIO_EINPUT for a character XML refuses. */
void w_text(site_w *w, const char *s);
/* ` name="value"` with value escaped; w_attr2 joins two values (user
 * text is never cut to fit a buffer). */
void w_attr(site_w *w, const char *name, const char *value);
void w_attr2(site_w *w, const char *name, const char *a, const char *b);
/* Call between items of a long file: streams once the buffer is big. */
void w_drain(site_w *w);
void w_free(site_w *w);
/* w_init for the file at path. */
int w_open_file(site_w *w, const char *path, const char *name,
	folio_error *err);
/* Finish the file: rename the streamed temporary into place, or write
 * the buffer when it differs from the file on disk. *wrote says whether
 * the file changed. Frees w. */
int w_commit(site_w *w, int *wrote);
/* Give up the file (temporary removed). Frees w. */
void w_abort(site_w *w);
/* data -> path atomically, unless the file already holds exactly it. */
int site_write_if_changed(const char *path, const char *data, size_t len,
	int *wrote, folio_error *err);
/* Modification time (ns) and size of a regular file; -1 otherwise. */
int site_stat(int64_t *mtime_ns, uint64_t *size, const char *path);

/* ---- docmeta.c ---- */
typedef struct site_heading {
	int level;                /* 1..FOLIO_MAX_HEADING_LEVEL */
	char *label;              /* generated number + text, malloc'd */
} site_heading;

/* What the site shows of one document. Strings are malloc'd; subtitle,
 * doc_number, category and summary may be NULL. The outline is only
 * known when the source was read this run (pages need it, the index and
 * feeds do not). */
typedef struct site_doc {
	const folio_site_record *rec;
	char uuid[SITE_UUID_MAX];  /* the EPUB's dc:identifier */
	char *title, *subtitle, *doc_number, *issuer, *date, *category;
	char *summary;
	site_heading *outline;
	size_t n_outline;
	int read;                 /* filled from the source this run */
	int page_current;         /* its page needs no rewrite */
	int page_wrote;           /* its page changed this run */
	uint64_t page_size;       /* the page on disk after this run */
	int64_t page_mtime_ns;
} site_doc;

int site_doc_from_model(site_doc *d, const folio_doc *doc,
	folio_error *err);
void site_doc_clear(site_doc *d);
/* The 摘要: the first paragraph, cut after SITE_SUMMARY_CHARS code
 * points at a sentence end when one is near, else marked with "……".
 * *out is NULL for a document without paragraphs. */
int site_summary(char **out, const folio_doc *doc);
/* "<code>-<title>" made safe for file names (see site.h). */
void site_download_name(char *out, size_t outsz, const char *code,
	const char *title);
/* "2024年3月18日" from "2024-03-18" (out >= 32 bytes). */
void site_date_cn(char *out, size_t outsz, const char *date);
/* "12.3 KB", "1.2 MB", "512 B". */
void site_size(char *out, size_t outsz, uint64_t bytes);
/* urn:uuid: name-based (v5) UUID of name, for Atom ids. */
int site_uuid(char out[SITE_UUID_MAX], const char *name, folio_error *err);
/* CCYY-MM-DDThh:mm:ssZ (out >= 32 bytes). */
void site_atom_time(char *out, size_t outsz, int64_t t);
/* Seconds of the Atom updated time of a document (SOURCE_DATE_EPOCH,
 * else its date at 00:00:00Z, as the EPUB's dcterms:modified). */
int64_t site_doc_updated(const site_doc *d, int64_t epoch);

/* ---- site.c: the run, shared with the renderers ---- */
typedef struct site_ctx {
	const folio_site_options *opts;
	char base[FOLIO_SITE_URL_MAX + 2];   /* "" or ends with '/' */
	char dir[SITE_PATH_MAX];             /* batch_dir/site */
	site_doc *docs;
	size_t n;
	folio_site_stats *stats;
	/* Aggregate files written (paths below dir), for the cache. */
	char **files;
	size_t n_files, cap_files;
} site_ctx;

/* The href of site path `path` (e.g. "docs/X.html") from a file `depth`
 * folders below the site root: base + path when absolute and a base is
 * set, else relative ("../" * depth + path). */
void site_href(char *out, size_t outsz, const site_ctx *c, int depth,
	int absolute, const char *path);
/* w_open_file on dir/rel; site_file_commit is w_commit that also
 * records rel as a file of this run (for the cache and orphans). */
int site_file_open(site_w *w, site_ctx *c, const char *rel,
	folio_error *err);
int site_file_commit(site_w *w, site_ctx *c, const char *rel);

/* ---- html.c ---- */
/* The document's page, in memory (page.data, page.len). */
int site_render_page(folio_buf *page, const site_ctx *c, const site_doc *d,
	folio_error *err);
int site_write_index(site_ctx *c, folio_error *err);

/* ---- opds.c ---- */
int site_write_feeds(site_ctx *c, folio_error *err);

/* ---- sitecache.c ----
 * out/<batch>/.site-cache, text, one record a line, tab-separated, text
 * fields escaped (\\ \t \n \r):
 *   folio-site-cache 1
 *   version <folio version>
 *   env <hex sha256 of everything site-wide>
 *   state <hex sha256 of env and every record>
 *   file <size> <mtime ns> <path below site/>
 *   doc <source> <sha256> <code> <pages> <pdf> <epub> <page size>
 *       <page mtime ns> <uuid> <date> <title> <subtitle> <文号> <issuer>
 *       <文种> <summary>          (absent fields empty)
 * A hint only: anything unreadable reads as an empty cache. */
typedef struct site_cache_doc {
	char *source;
	char sha256[65];
	char *code;
	size_t pages;
	uint64_t pdf_bytes, epub_bytes;
	uint64_t page_size;
	int64_t page_mtime_ns;
	site_doc meta;            /* uuid and text fields only */
} site_cache_doc;

typedef struct site_cache_file {
	char *path;
	uint64_t size;
	int64_t mtime_ns;
} site_cache_file;

typedef struct site_cache {
	char version[32];
	char env[65];
	char state[65];
	site_cache_file *files;
	size_t n_files;
	site_cache_doc *docs;     /* sorted by source */
	size_t n_docs;
} site_cache;

/* Read path (missing/unusable: empty cache); fails only on ENOMEM. */
int site_cache_read(site_cache *out, const char *path, folio_error *err);
/* The entry for source, or NULL; the caller may move its text out. */
site_cache_doc *site_cache_find(site_cache *c, const char *source);
/* Write the cache of this run atomically (not at all when the file
 * already holds exactly that). */
int site_cache_write(const char *path, const site_ctx *c, const char *env,
	const char *state, folio_error *err);
void site_cache_free(site_cache *c);

#endif
