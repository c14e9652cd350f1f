/*
 * site.h - the batch's static site and OPDS catalogue, for readers who
 * download the books (out/<batch>/site/).
 *
 * folio_site_build publishes the documents of a batch run:
 *
 *   index.html              every document: title, 文号, issuer, date,
 *                           pages, sizes, EPUB and PDF links; filter and
 *                           sort with site.js, all of it usable without
 *   docs/<档号>.html         one page per document: metadata, summary,
 *                           headings outline, downloads, QR code
 *   files/<档号>.epub|.pdf   the batch's outputs, hard-linked from
 *                           ../epub and ../pdf (copied where the file
 *                           system cannot link), so site/ alone is the
 *                           whole site
 *   opds.xml                OPDS 1.2 catalogue root: acquisition feed of
 *                           every document, newest first, in pages of
 *                           FOLIO_SITE_FEED_PAGE (opds/all-N.xml)
 *   opds/years.xml, opds/types.xml
 *                           navigation feeds by year and by 文种, leading
 *                           to acquisition feeds opds/year-YYYY.xml and
 *                           opds/type-<hex>.xml
 *   site.css, site.js       copied from styles/ (folio_data_path)
 *
 * Links: pages link to each other relatively, so the folder works from
 * any place (a web server, a USB stick, file://). With a base URL (the
 * address site/ will be served from) the feeds' links, each page's
 * canonical link and the QR codes are absolute; without one the feeds
 * link relatively and pages carry no QR code (a relative address cannot
 * be scanned), which stats->qr says.
 *
 * Download names: each link's `download` attribute suggests
 * "<档号>-<title>.epub" (site_download_name: characters file systems
 * refuse, controls, invisible format characters and white space become
 * "_"; at most FOLIO_SITE_TITLE_BYTES of the title). The file on the
 * server keeps its ASCII name.
 *
 * Input: one record per document that has outputs (built or up to date),
 * in batch order. The source is read again (folio_source_read) only when
 * a document's page must be written: the site keeps what it read in
 * out/<batch>/.site-cache (a hint like the batch cache: a missing or
 * foreign file means "read everything"), keyed by the source's SHA-256.
 * A run where nothing changed reads no source and writes no file.
 *
 * Memory: the run keeps a few dozen bytes per document (its 档号 and
 * sort keys); each document's text lives on disk, in the last run's
 * .site-cache or in a spool file beside the site (unlinked as it is
 * made), and is read back one document at a time while the pages,
 * feeds, index and cache are written.
 *
 * Output: deterministic (the same records, sources, options and
 * SOURCE_DATE_EPOCH give the same bytes), every file written atomically
 * (temp + rename); pages first, then the feeds, index.html last, so a
 * run killed half-way never leaves a link to a missing page. Files of
 * documents no longer in the batch are removed from docs/, files/ and
 * opds/; nothing else in site/ is touched.
 *
 * Errors: FOLIO_EUSAGE for a bad base URL (folio_site_base_url says
 * why), the reader's code and message for a source that cannot be read
 * again, FOLIO_EINPUT for text a page cannot carry, FOLIO_EIO for the
 * file system. On failure nothing half-written carries a final name and
 * earlier pages stay as they were. Library code: never prints.
 */
#ifndef FOLIO_SITE_SITE_H
#define FOLIO_SITE_SITE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define FOLIO_SITE_URL_MAX 1024       /* base URL, bytes */
#define FOLIO_SITE_FEED_PAGE 100      /* entries per acquisition feed page */
#define FOLIO_SITE_TITLE_BYTES 180    /* title part of a download name */

typedef struct folio_site_record {
	const char *source_path;  /* to read the source again */
	const char *source_rel;   /* as named by the manifest: the cache key */
	const char *sha256;       /* hex SHA-256 of the source, "" unknown */
	const char *code;         /* 档号: names the outputs */
	size_t pages;
	uint64_t pdf_bytes, epub_bytes;
	/* The outputs' modification times as the run recorded them (0:
	 * unknown): files/ entries with these times and sizes are taken
	 * as the outputs, without a look at the outputs themselves. */
	int64_t pdf_mtime_ns, epub_mtime_ns;
} folio_site_record;

typedef struct folio_site_options {
	const char *batch_dir;    /* out/<batch>: pdf/ and epub/ inside */
	const char *base_url;     /* NULL or "": relative links, no QR */
	const char *fonds_name;   /* 全宗名称: the site's publisher */
	const char *batch_id;
	const char *description;  /* the manifest's, may be NULL */
	int64_t epoch;            /* SOURCE_DATE_EPOCH or -1 */
	int workers;              /* <= 0: online CPUs */
	volatile sig_atomic_t *stop;  /* may be NULL */
} folio_site_options;

typedef struct folio_site_stats {
	size_t documents;         /* listed */
	size_t sources_read;      /* read again this run */
	size_t pages_written;     /* document pages written this run */
	size_t files_written;     /* index, feeds, assets written this run */
	size_t links_made;        /* files/ entries linked or copied */
	int qr;                   /* pages carry QR codes (base URL given) */
	int stopped;              /* *stop was set: pages so far are kept */
	double ms;
} folio_site_stats;

/* The documents, asked for one at a time: get fills *out with record i
 * (0-based, batch order) for the site's thread number worker (0 to
 * workers - 1); the strings stay valid until that thread's next call.
 * Calls with different worker numbers may run at the same time, so the
 * site checks the records of a rebuild on all its threads. The site
 * asks for a record more than once and in any order. get returns 0 or
 * a negative FOLIO_E* with err set. */
typedef struct folio_site_source {
	size_t n;
	int workers;              /* worker numbers get serves; <= 0: 1 */
	int (*get)(void *ctx, int worker, size_t i, folio_site_record *out,
		folio_error *err);
	void *ctx;
} folio_site_source;

int folio_site_build(folio_site_stats *out, const folio_site_source *src,
	const folio_site_options *opts, folio_error *err);

/* Check a base URL and copy it to out with a trailing '/': http:// or
 * https://, a host of letters, digits, '.' and '-', an optional port,
 * a path of RFC 3986 characters (no query, fragment, quote, space,
 * backslash or non-ASCII), at most FOLIO_SITE_URL_MAX bytes. outsz >=
 * FOLIO_SITE_URL_MAX + 2. FOLIO_EUSAGE names the first offending
 * character. */
int folio_site_base_url(char *out, size_t outsz, const char *url,
	folio_error *err);

/* The address of a document's page on the site served from url (a base
 * URL as above): "<base>docs/<档号>.html", the page a QR code points at,
 * on the site and on the PDF. FOLIO_ELIMIT when it does not fit out. */
int folio_site_doc_url(char *out, size_t outsz, const char *url,
	const char *code, folio_error *err);

#endif
