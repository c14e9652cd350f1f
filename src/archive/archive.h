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
 *                                 <档号>.epub when the outputs exist
 *
 * 档号 = 全宗号-年度-保管期限代码-件号 (Y, D30, D10 for 永久, 定期30年,
 * 定期10年; 件号 4 digits, 1-based in the manifest's source order),
 * e.g. J012-2024-D30-0001.
 *
 * Every file's SHA-256 is computed once and used for record.xml, the
 * BagIt manifest and the signature (xmlsec re-reads the bytes through
 * archive-confined IO and the two results must agree: a file changing
 * while being archived is an error). Entries are sorted bytewise after
 * mimetype; all entries carry the DOS time of `time` in UTC, so with a
 * fixed time and an RSA key the archive is byte-identical run to run.
 *
 * Library code: never prints. Limits: FOLIO_BATCH_MAX_SOURCES records,
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

#include "batch/manifest.h"
#include "util/error.h"

#define FOLIO_ASIC_MIMETYPE "application/vnd.etsi.asic-e+zip"
#define FOLIO_ARCHIVE_MAX_ENTRY ((uint64_t)64 * 1024 * 1024 * 1024)
#define FOLIO_ARCHIVE_MAX_METADATA ((size_t)64 * 1024 * 1024)
/* signatures0.xml takes about 250 bytes per entry: twice that at
 * FOLIO_ZIP_MAX_ENTRIES entries. */
#define FOLIO_ARCHIVE_MAX_INDEX ((size_t)512 * 1024 * 1024)
#define FOLIO_ARCHIVE_CODE_MAX 64

/* SOURCE_DATE_EPOCH when set (must be a non-negative integer), else the
 * current time. */
int folio_archive_now(int64_t *out, folio_error *err);

/* "Y", "D30", "D10" for 永久, 定期30年, 定期10年; NULL otherwise. */
const char *folio_retention_code(const char *retention);

/* 档号 into out (FOLIO_ARCHIVE_CODE_MAX bytes). number is 1-based;
 * numbers above 9999 take more digits. */
int folio_archive_code(char *out, const char *fonds_code, const char *year,
	const char *retention, unsigned number, folio_error *err);

struct folio_doc;

/* 档号 of the document that is source `number` (1-based) of batch m: its
 * own 保管期限 if it has one, else the manifest's default. */
int folio_archive_record_code(char *out, const struct folio_doc *doc,
	const folio_batch_manifest *m, unsigned number, folio_error *err);

typedef struct folio_archive_options {
	const char *key_path;     /* NULL: the manifest's signer key */
	const char *cert_path;    /* NULL: the manifest's certificate */
	const char *outputs_dir;  /* DIR/pdf/<档号>.pdf, DIR/epub/<档号>.epub,
	                             both required for every record (a
	                             missing one is FOLIO_EINPUT); NULL:
	                             sources only */
	int64_t time;             /* signing, bagging and entry time */
	/* 页数 of each source (indexed as the manifest's sources), as the
	 * print layout gave it; NULL or 0 leaves 页数 out of record.xml. */
	const unsigned *pages;
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

/* Read every source of m, build and sign the archive, write it to
 * zip_path atomically. A source that cannot be read fails the archive
 * (the archive must be complete); the message names the source. */
int folio_archive_write(folio_archive_stats *out,
	const folio_batch_manifest *m, const char *zip_path,
	const folio_archive_options *opts, folio_error *err);

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
