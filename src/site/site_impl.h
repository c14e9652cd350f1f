/*
 * site_impl.h - what the files of src/site/ share (private).
 *
 *   site.c       the driver: cache, what is current, aggregates, orphans
 *   sitescan.c   the first pass (worker pool): what is current
 *   sitepages.c  the document pages (worker pool) and files/ links
 *   docmeta.c    what the site shows of a document (from the model)
 *   sitecache.c  out/<batch>/.site-cache, read and written
 *   sitespool.c  per-document keys; the spool of document lines
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
#include "util/keyindex.h"
#include "util/readwin.h"
#include "util/recarray.h"
#include "util/varlist.h"

#define SITE_PATH_MAX 4096
/* Bytes of a 档号 with its 0 (the archive's are at most 64). */
#define SITE_CODE_MAX 256
#define SITE_HREF_MAX (FOLIO_SITE_URL_MAX + 256)
#define SITE_UUID_MAX 48                  /* "urn:uuid:" + 36 + NUL */
#define SITE_NAME_MAX (FOLIO_SITE_TITLE_BYTES + 80)
#define SITE_SUMMARY_CHARS 120            /* code points before "……" */
#define SITE_MAX_ASSET ((size_t)1024 * 1024)
#define SITE_NO_TYPE "未注明文种"               /* a document without 文种 */

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
/* Modification time (ns) and size of a regular file; -1 otherwise.
 * site_stat_at: name in the folder dirfd, a symbolic link not
 * followed (the link itself is no regular file). */
int site_stat(int64_t *mtime_ns, uint64_t *size, const char *path);
int site_stat_at(int64_t *mtime_ns, uint64_t *size, int dirfd,
	const char *name);

/* ---- docmeta.c ---- */
typedef struct site_heading {
	int level;                /* 1..FOLIO_MAX_HEADING_LEVEL */
	char *label;              /* generated number + text, malloc'd */
} site_heading;

/* What the site shows of one document. From site_doc_from_model the
 * strings are malloc'd (site_doc_clear); read back from a cache line
 * (site_item) they point into the line. subtitle, doc_number, category
 * and summary may be NULL. The outline is only known when the source
 * was read this run (pages need it, the index and feeds do not). */
typedef struct site_doc {
	const folio_site_record *rec;
	char uuid[SITE_UUID_MAX];  /* the EPUB's dc:identifier */
	char *title, *subtitle, *doc_number, *issuer, *date, *category;
	char *summary;
	site_heading *outline;
	size_t n_outline;
	int read;                 /* filled from the source this run */
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

/* ---- sitespool.c: what the run keeps of each document ----
 * Memory holds a site_key per document (a few dozen bytes with its
 * 档号); everything else a page, the index, the feeds or the cache need
 * of a document is its cache line (format below), on disk: in the last
 * run's .site-cache when its page was current, else in the spool, an
 * unlinked temporary file beside the site that the workers append to.
 * Aggregates read the lines back by offset, one document at a time. */
#define SITE_LINE_MAX ((size_t)1024 * 1024)   /* one document's line */
#define SITE_AT_SPOOL ((uint64_t)1 << 63)     /* key.at: in the spool */

enum {
	SITE_KEY_CURRENT = 1,     /* its page is on disk, its line known */
	SITE_KEY_WROTE = 2,       /* its page changed this run */
	SITE_KEY_READ = 4,        /* its source was read this run */
	SITE_KEY_NO_CACHE = 8,    /* source digest unknown: not cached */
	SITE_KEY_NO_TYPE = 16,    /* no 文种 */
	SITE_KEY_LINKED = 32,     /* files/ holds both outputs as recorded */
	/* ... as hard links of them, so that files/ changes only where
	 * the folder changes (a copy can be written in place) */
	SITE_KEY_HARD = 64
};

typedef struct site_key {
	uint64_t at;              /* its line: SITE_AT_SPOOL | offset in the
	                           * spool, or offset in the old cache */
	uint32_t len;             /* line bytes with the '\n'; 0: none */
	uint32_t date;            /* YYYYMMDD, for the feeds' order */
	uint32_t type;            /* its 文种 in site_ctx.types */
	uint32_t flags;           /* SITE_KEY_* */
} site_key;

/* Distinct 文种 names (NULL category: "未注明文种"), interned. */
typedef struct site_types {
	char **names;
	size_t n, cap;
	uint32_t *slots;          /* hash table of index + 1, 0 empty */
	size_t n_slots;
} site_types;

int site_types_intern(site_types *t, const char *name, uint32_t *id);
void site_types_free(site_types *t);

typedef struct site_spool {
	int fd;                   /* -1 when closed */
	uint64_t end;
} site_spool;

/* An unlinked temporary file in dir: nothing is left behind. */
int site_spool_open(site_spool *s, const char *dir, folio_error *err);
/* Append one line; *at is where it starts. Not thread-safe. */
int site_spool_append(site_spool *s, const char *data, size_t len,
	uint64_t *at, folio_error *err);
void site_spool_close(site_spool *s);

/* FNV-1a of s: hash tables of names. */
uint64_t site_hash(const char *s);
/* YYYYMMDD of a valid YYYY-MM-DD date, 0 for anything else. */
uint32_t site_date_key(const char *date);

/* Lines are mostly read in the order they were written (batch order),
 * so they are read through a window: when a line starts where the last
 * one ended, one pread of SITE_WINDOW bytes serves the lines that
 * follow. A line elsewhere (the feeds' order) is read alone, so
 * reading in any order costs at most a pread a line. */
#define SITE_WINDOW ((size_t)256 * 1024)
typedef struct site_window {
	/* util/readwin.h, SITE_WINDOW a read; where the last line read
	 * ended is its next_fd/next_off. */
	folio_read_window rw;
} site_window;

void site_window_init(site_window *w);
void site_window_free(site_window *w);

/* One document read back from its line. */
typedef struct site_item {
	folio_site_record rec;    /* source_path is NULL */
	site_doc doc;             /* borrowed text, doc.rec == &rec */
	uint64_t page_size;       /* its page as written */
	int64_t page_mtime_ns;
	folio_buf line;
	site_window win[2];       /* the spool's, the old cache's */
} site_item;

/* Append len bytes at off of fd to b (NUL-terminated after them),
 * through w (may be NULL). */
int site_line_append(folio_buf *b, site_window *w, int fd, uint64_t off,
	uint32_t len, folio_error *err);
/* len bytes at off of fd into it->line through w, parsed. FOLIO_EIO
 * when the bytes are not one well-formed line. */
int site_item_load(site_item *it, site_window *w, int fd, uint64_t off,
	uint32_t len, folio_error *err);
void site_item_init(site_item *it);
void site_item_free(site_item *it);

/* The first pass checks the documents in chunks of this many
 * (sitescan.c); what files/ holds is recorded per chunk. */
#define SITE_SCAN_CHUNK 512
/* A chunk's link digest: the first bytes of a SHA-256 of its records'
 * 档号s and outputs (size and time). */
#define SITE_LINKS_LEN 16

/* A folder's identity and times: has it changed since? */
typedef struct site_dir_stamp {
	int set;
	uint64_t dev, ino;
	int64_t mtime_ns, ctime_ns;
} site_dir_stamp;

/* ---- site.c: the run, shared with the renderers ---- */
typedef struct site_ctx {
	const folio_site_options *opts;
	char base[FOLIO_SITE_URL_MAX + 2];   /* "" or ends with '/' */
	char dir[SITE_PATH_MAX];             /* batch_dir/site */
	/* batch_dir/.site-cache; the lists and sorts of the run spill
	 * beside it. */
	char cache_path[SITE_PATH_MAX];
	/* One site_key per document: util/recarray.h, so past half a
	 * megabyte on disk (keys_get/keys_put, sitespool.c). */
	folio_recarray *keys;
	size_t n;
	/* The 档号s in batch order (site_code): util/varlist.h, so past
	 * its budget on disk. */
	folio_varlist *codes;
	site_types types;
	site_spool spool;
	int cache_fd;                        /* the last run's cache, -1 */
	/* dir/docs and dir/files (O_PATH), for the per-document stats:
	 * a name looked up in its folder, not a whole path each time. */
	int docs_fd, files_fd;
	folio_site_stats *stats;
	/* Per chunk of SITE_SCAN_CHUNK documents: its link digest. */
	unsigned char (*links)[SITE_LINKS_LEN];
	size_t n_links;
	int64_t scan_at_ns;       /* real time the first pass began */
	/* Aggregate files written (paths below dir), for the cache. */
	char **files;
	size_t n_files, cap_files;
} site_ctx;

/* snprintf into out; FOLIO_ELIMIT when it does not fit. */
int site_join(char *out, size_t n, folio_error *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Set key k from d (its date, its 文种 numbered in types) and where its
 * line is. */
int site_key_set(site_types *types, site_key *k, const site_doc *d,
	uint64_t at, size_t len, uint32_t flags, folio_error *err);
/* Document i's key, read and written whole (any thread; the array
 * locks its pages). FOLIO_EIO when its file cannot be read back. */
int site_key_get(const site_ctx *c, size_t i, site_key *k, folio_error *err);
int site_key_put(const site_ctx *c, size_t i, const site_key *k,
	folio_error *err);
/* flags |= more on document i's key. */
int site_key_flag(const site_ctx *c, size_t i, uint32_t more,
	folio_error *err);
/* ---- sitepages.c ---- */
/* Every page not current, by the worker pool (stats->stopped when
 * opts->stop was set: the pages so far are kept). */
int site_write_pages(site_ctx *c, const folio_site_source *src,
	folio_error *err);
/* files/<档号>.epub|.pdf, linked (or copied) from the outputs. */
int site_link_outputs(site_ctx *c, folio_error *err);

/* opds.c: document i's key in the feeds (date YYYYMMDD, 档号 code, 文种
 * number type) into out (13 + strlen(code) bytes, its length returned):
 * keys in bytewise order, the shorter first, are in feed order, newest
 * first, then by 档号, then i; i and type are the last 8 bytes,
 * big-endian. */
size_t site_feed_key(unsigned char *out, uint32_t date, const char *code,
	uint32_t i, uint32_t type);
/* The 档号 of document i into out (SITE_CODE_MAX bytes). */
int site_code(const site_ctx *c, size_t i, char out[SITE_CODE_MAX],
	folio_error *err);
/* Document i read back from its line (site_item_load). */
int site_item_read(site_item *it, const site_ctx *c, size_t i,
	folio_error *err);

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
 *   files <dev> <inode> <mtime ns> <ctime ns>   (files/, when settled)
 *   links <chunk> <32 hex digits>  (a chunk whose files/ entries were
 *                                   all hard links of its outputs)
 *   doc <source> <sha256> <code> <pages> <pdf> <epub> <page size>
 *       <page mtime ns> <uuid> <date> <title> <subtitle> <文号> <issuer>
 *       <文种> <summary>          (absent fields empty)
 * A hint only: anything unreadable reads as an empty cache. The spool
 * holds "doc" lines of the same format.
 *
 * Reading keeps the file open and, per doc line, a hash of its source
 * and where the line is, in a util/keyindex.h index (a megabyte in
 * memory at most, past it on disk beside the cache); site_cache_find
 * reads the line again. */
typedef struct site_cache_file {
	char *path;
	uint64_t size;
	int64_t mtime_ns;
} site_cache_file;

typedef struct site_cache_links {
	size_t chunk;
	unsigned char digest[SITE_LINKS_LEN];
} site_cache_links;

typedef struct site_cache {
	FILE *fp;                 /* the file, NULL when empty */
	char version[32];
	char env[65];
	char state[65];
	site_cache_file *files;
	size_t n_files;
	/* Per doc line: the FNV-1a of its source, its offset, its
	 * length (NULL when the cache is empty or dropped). */
	folio_keyindex *docs;
	size_t n_docs;
	/* files/ as the last run left it, when it had settled then, and
	 * the link digests of the chunks whose every document was a hard
	 * link there (sorted by chunk). */
	site_dir_stamp files_dir;
	site_cache_links *links;
	size_t n_links;
} site_cache;

/* Read path (missing/unusable: empty cache); fails on ENOMEM, or EIO
 * when its index outgrows budget bytes (0: the default) and cannot be
 * written beside it. */
int site_cache_read(site_cache *out, const char *path, size_t budget,
	folio_error *err);
/* The first line for source into *it (where it is in *off, *len; read
 * through it's window of the old cache, so threads with an item each
 * may look up at once): 1 found, 0 not, < 0 an error reading it. */
int site_cache_find(site_cache *c, const char *source, site_item *it,
	uint64_t *off, uint32_t *len, folio_error *err);
/* Drop the index of doc lines (the file stays open for reading). */
void site_cache_drop_index(site_cache *c);
void site_cache_free(site_cache *c);
/* Append r's "doc" line to b: d's text, the page as written; a digest
 * that is not 64 hex digits is written as zeros (the caller keeps such
 * a line out of the cache). FOLIO_ELIMIT past SITE_LINE_MAX. */
int site_cache_line(folio_buf *b, const folio_site_record *r,
	const site_doc *d, uint64_t page_size, int64_t page_mtime_ns,
	folio_error *err);
/* Parse one "doc" line (NUL-terminated, no '\n') in place: 0, or 1
 * when it is not a well-formed line. */
int site_item_parse(site_item *it, char *line);
/* Write the cache of this run atomically, streaming the doc lines from
 * the spool and the old cache in batch order; nothing is written when
 * the file already holds exactly that. */
/* The link digest the last run recorded for chunk k, NULL if none. */
const unsigned char *site_cache_links_of(const site_cache *c, size_t k);
/* The stamp of the folder open at fd (also O_PATH); unset on failure. */
void site_dir_stamp_of(site_dir_stamp *out, int fd);
int site_cache_write(const char *path, const site_ctx *c, const char *env,
	const char *state, folio_error *err);

/* ---- sitescan.c ---- */
/* Threads the site runs on: opts->workers, no more than src serves. */
int site_workers(const site_ctx *c, const folio_site_source *src);
/* The first pass, on the worker pool: every key's 档号, the pages that
 * are current (from cache, when env_same), the files/ entries already
 * linked; state: the digest of env and every record, "" when a record's
 * source digest is unknown or on failure. */
int site_scan(site_ctx *c, const folio_site_source *src, site_cache *cache,
	int env_same, const char *env, char state[65], folio_error *err);

#endif
