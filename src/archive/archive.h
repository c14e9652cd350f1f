/*
 * archive.h - the signed archival ZIP of a batch, and its verifier.
 *
 * One ZIP that is at once an ETSI ASiC-E container, a BagIt bag (RFC
 * 8493) and a set of records with DA/T 46 metadata:
 *
 *   mimetype                      application/vnd.etsi.asic-e+zip, first,
 *                                 stored, no extra field
 *   META-INF/manifest.xml         OpenDocument manifest: "/" and every
 *                                 file except mimetype and META-INF/
 *   META-INF/signatures0.xml      one XAdES baseline-B signature with a
 *                                 Reference to every file listed above
 *                                 and to META-INF/manifest.xml
 *   bagit.txt bag-info.txt manifest-sha256.txt tagmanifest-sha256.txt
 *   data/catalogue.xml            文件目录 (schemas/catalogue.rng)
 *   data/schemas/NAME.rng         the schemas of our metadata
 *   data/records/<档号>/record.xml (schemas/record.rng), <档号>.xml or
 *                                 .txt (the source), <档号>.pdf and
 *                                 <档号>.epub when the outputs exist,
 *                                 <档号>.figN.png|jpg: the images the
 *                                 source's figures show
 *
 * 档号 = 全宗号-年度-保管期限代码-件号 (Y, D30, D10 for 永久, 定期30年,
 * 定期10年; 件号 at least 4 digits, 1-based), e.g. J012-2024-D30-0001.
 * The writer takes the records it is given, 档号 and 件号 included, and
 * numbers nothing itself: a batch numbers its sources in manifest order,
 * and an archive that leaves some out keeps the others' numbers.
 *
 * Every file's SHA-256 is computed once and used for record.xml, the
 * BagIt manifest and the signature (archive/signature.h, written as a
 * stream); the bytes are hashed again as they are copied into the ZIP
 * and the two results must agree: a file changing while being archived
 * is an error. Memory: the signature, the catalogue, the BagIt
 * manifest and manifest.xml are streamed to temporary files, never held;
 * what each file needs later (name, where its bytes are, size, digest)
 * goes to disk with its record and is sorted there (container_impl.h),
 * and the ZIP is written entry by entry (util/zip_write.h): memory does
 * not grow with the number of records given, which are taken one at
 * a time (folio_archive_begin/_add/_end). Entries are sorted bytewise after
 * mimetype; all entries carry the DOS time of `time` in UTC, so with a
 * fixed time and an RSA key the archive is byte-identical run to run.
 *
 * Library code: never prints. Limits: FOLIO_ARCHIVE_MAX_RECORDS records,
 * FOLIO_ZIP_MAX_ENTRIES entries.
 *
 * Verifying (verify*.c, passes listed in verify_impl.h) reads the
 * container strictly (util/zip.h: one reading, the one every extractor
 * gets) and streams everything: signed files through SHA-256 up to
 * FOLIO_ARCHIVE_MAX_ENTRY bytes each, and the XML parts through the
 * streaming reader (never a tree): signatures0.xml, the one unsigned
 * part, is refused before parsing when larger than its entries can
 * need; record.xml up to FOLIO_ARCHIVE_MAX_METADATA bytes; manifest.xml,
 * catalogue.xml and the BagIt manifests up to FOLIO_ARCHIVE_MAX_INDEX.
 * Past a cap: FOLIO_EVERIFY naming the entry. Memory: a fixed part, a
 * small record per entry (names included) and per record, and the
 * largest text of one metadata element.
 */
#ifndef FOLIO_ARCHIVE_ARCHIVE_H
#define FOLIO_ARCHIVE_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define FOLIO_ASIC_MIMETYPE "application/vnd.etsi.asic-e+zip"
#define FOLIO_ARCHIVE_MAX_ENTRY ((uint64_t)64 * 1024 * 1024 * 1024)
#define FOLIO_ARCHIVE_MAX_METADATA ((size_t)64 * 1024 * 1024)
/* signatures0.xml takes about 250 bytes per entry: twice that at
 * FOLIO_ZIP_MAX_ENTRIES entries. */
#define FOLIO_ARCHIVE_MAX_INDEX ((size_t)512 * 1024 * 1024)
#define FOLIO_ARCHIVE_CODE_MAX 64
/* 件号 run to 6 digits (999999). */
#define FOLIO_ARCHIVE_MAX_RECORDS 999999u

/* SOURCE_DATE_EPOCH when set (must be a non-negative integer), else the
 * current time. */
int folio_archive_now(int64_t *out, folio_error *err);

/* "Y", "D30", "D10" for 永久, 定期30年, 定期10年; NULL otherwise. */
const char *folio_retention_code(const char *retention);

/* 档号 into out (FOLIO_ARCHIVE_CODE_MAX bytes). number is 1-based;
 * numbers above 9999 take more digits. */
int folio_archive_code(char *out, const char *fonds_code, const char *year,
	const char *retention, unsigned number, folio_error *err);

/* What the bag and the catalogue say about the batch as a whole. */
typedef struct folio_archive_batch {
	const char *fonds_code;   /* 全宗号, ASCII */
	const char *fonds_name;   /* 全宗名称 */
	const char *year;         /* 年度, 4 digits */
	const char *batch_id;     /* 批次号, ASCII */
	const char *description;  /* External-Description, or NULL */
} folio_archive_batch;

/* A file a record's source refers to (a figure's image): archived in
 * the record folder as <档号>.figN.<ext>, N counting from 1 in the
 * order given. ext is "png" or "jpg". src, when given, is the name the
 * source refers to it by (its <figure src>, a relative path): record.xml
 * says so (源文件引用), and extraction restores the file under it.
 * sha256, when given, is the digest the record's outputs were made
 * from: a file that changed since is refused, as a changed source. */
typedef struct folio_archive_file {
	const char *path;
	const char *ext;
	const char *src;                   /* or NULL */
	const unsigned char *sha256;       /* or NULL */
} folio_archive_file;

/* One record as the caller has it: its 档号 and 件号 (kept as given: a
 * record is never renumbered), its DA/T 46 metadata and its files. The
 * writer reads the files and nothing else: whoever made the record
 * (a batch build, the merge of shards, a sources-only archive) decides
 * what it says. Strings are borrowed for the call. */
typedef struct folio_archive_record {
	const char *code;          /* 档号, e.g. J012-2024-D30-0001 */
	unsigned number;           /* 件号, 1-based */
	const char *title;         /* 题名, required */
	const char *issuer;        /* 责任者, required */
	const char *doc_number;    /* 文件编号 (文号) or NULL */
	const char *date;          /* 日期, YYYY-MM-DD, required */
	const char *security;      /* 密级, required */
	const char *retention;     /* 保管期限, required */
	const char *category;      /* 文种 or NULL */
	const char *keywords;      /* 主题词 joined by spaces, or NULL */
	unsigned pages;            /* 页数 of the print layout; 0 leaves it
	                              out */
	const char *source_path;   /* archived as <档号>.xml when the name
	                              ends in .xml, else <档号>.txt */
	/* NULL, or the SHA-256 the source had when its outputs were made:
	 * a source that changed since is refused (the record would pair
	 * new text with old outputs). */
	const unsigned char *source_sha256;
	const char *pdf_path;      /* <档号>.pdf, or NULL for none */
	const char *epub_path;     /* <档号>.epub, or NULL for none */
	const folio_archive_file *images;  /* the figures' files, each once */
	size_t n_images;
} folio_archive_record;

typedef struct folio_archive_options {
	const char *key_path;     /* signer key (PEM) */
	const char *cert_path;    /* its certificate (PEM) */
	int64_t time;             /* signing, bagging and entry time */
	/* Extra bag-info.txt lines ("Label: value\n" each, one line per
	 * label), appended after folio's own; NULL for none. The batch
	 * engine records the documents a partial archive leaves out. */
	const char *bag_info_extra;
} folio_archive_options;

typedef struct folio_archive_stats {
	size_t records;
	size_t entries;        /* including mimetype and META-INF */
	size_t pdfs, epubs;
	uint64_t payload_bytes;
} folio_archive_stats;

/* Writing an archive one record at a time, so that whoever has the
 * records (a batch's report on disk, its sources) never holds them all:
 *
 *   folio_archive_begin   checks the signer (before any work) and opens
 *                         the temporary files beside zip_path
 *   folio_archive_add     one record, in 件号 order (codes unique): its
 *                         files hashed, record.xml and its catalogue row
 *                         written; the record is not kept (strings are
 *                         borrowed for the call)
 *   folio_archive_end     the catalogue, the bag, manifest.xml, the
 *                         signature, then the ZIP to zip_path
 *                         atomically; frees the writer whatever happens
 *   folio_archive_abort   gives up: temporary files removed, nothing at
 *                         zip_path; frees the writer
 *
 * batch and opts are borrowed until _end or _abort. A file that cannot
 * be read, a named PDF or EPUB that is missing and a source whose
 * digest is not source_sha256 fail the archive (it must be complete and
 * say what was built); messages name the record and the file. After a
 * failed _add the writer refuses everything but _abort. */
typedef struct folio_archive_writer folio_archive_writer;

int folio_archive_begin(folio_archive_writer **out,
	const folio_archive_batch *batch, const char *zip_path,
	const folio_archive_options *opts, folio_error *err);
int folio_archive_add(folio_archive_writer *w,
	const folio_archive_record *record, folio_error *err);
int folio_archive_end(folio_archive_stats *out, folio_archive_writer *w,
	folio_error *err);
void folio_archive_abort(folio_archive_writer *w);

/* The same for records[0..n) held by the caller, all checked before
 * any work. */
int folio_archive_write(folio_archive_stats *out,
	const folio_archive_batch *batch, const folio_archive_record *records,
	size_t n, const char *zip_path, const folio_archive_options *opts,
	folio_error *err);

typedef struct folio_verify_options {
	const char *trust_path;   /* PEM bundle of trust anchors, or NULL */
	/* When the archive is valid: called once per entry, in the order
	 * of the archive, with the name (as stored) and size verified. */
	void (*list)(void *ctx, const char *name, uint64_t size);
	void *list_ctx;
} folio_verify_options;

typedef struct folio_verify_report {
	char entry[4097];     /* first entry that failed ("" if none),
	                         printable (see folio_zip_printable) */
	const char *check;    /* name of the failed check, or "ok" */
	size_t entries;
	size_t records;
	char signer[256];     /* certificate subject */
	char signing_time[32];
	int trusted;          /* 1 when --trust was given and passed */
} folio_verify_report;

/* Check the archive; 0 if valid. FOLIO_EVERIFY when it is not (out->entry
 * names the first failing entry, err the reason), FOLIO_EIO / FOLIO_ELIB
 * when it cannot be read at all. */
int folio_archive_verify(folio_verify_report *out, const char *zip_path,
	const folio_verify_options *opts, folio_error *err);

#endif
