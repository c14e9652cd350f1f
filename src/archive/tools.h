/*
 * tools.h - what the records office does with a signed archive besides
 * verifying it: list its records (inspect.c), take records out of it
 * (extract.c) and review their retention (retention.c).
 *
 * Reading. Every tool reads the container through the strict reader
 * (util/zip.h: the one reading every extractor gets, the one verify
 * checks) and every record.xml through the streaming XML reader,
 * validated against schemas/record.rng as it streams; nothing is held
 * as a tree. Caps: FOLIO_ARCHIVE_MAX_RECORDS records, a record.xml of
 * FOLIO_ARCHIVE_MAX_METADATA bytes, FOLIO_LISTED_TEXT_MAX bytes of any
 * one field kept, FOLIO_LISTED_MAX_FILES files per record. Past a cap:
 * FOLIO_ELIMIT naming the archive and the entry.
 *
 * Verified or not. folio_archive_list verifies the archive first
 * (folio_archive_verify, every check) when opts->verify is set, and
 * otherwise says it did not (listing->verified = 0): a quick look at a
 * large archive need not hash every byte, but whoever reads the list is
 * told. Unverified, the list is still consistent with the container: a
 * record.xml that is not valid, whose 档号 is not its folder's name, or
 * that lists a file the folder does not hold at that size, fails the
 * listing (FOLIO_EVERIFY naming the entry). Extraction always verifies.
 *
 * Memory: the records listed (about 300 bytes each plus their texts).
 * Library code: never prints.
 */
#ifndef FOLIO_ARCHIVE_TOOLS_H
#define FOLIO_ARCHIVE_TOOLS_H

#include <stddef.h>
#include <stdint.h>

#include "archive/archive.h"
#include "archive/record.h"
#include "util/error.h"

#define FOLIO_LISTED_TEXT_MAX 4096

/* A record's files: its source, PDF, EPUB and the figures' images. */
#define FOLIO_LISTED_MAX_FILES (FOLIO_RECORD_MAX_FILES + \
	FOLIO_RECORD_MAX_IMAGES)

typedef struct folio_listed_file {
	char name[FOLIO_RECORD_FILE_NAME_MAX];  /* inside the record folder */
	uint64_t size;                          /* bytes */
	size_t entry;                           /* index in the container */
	/* An image: the <figure src> of the source that shows it, as
	 * record.xml gives it (源文件引用; checked: a relative path of
	 * plain names), malloc'd; NULL for other files. */
	char *src;
} folio_listed_file;

typedef struct folio_listed_record {
	char code[FOLIO_ARCHIVE_CODE_MAX];      /* 档号 */
	char date[11];                          /* 日期 as YYYY-MM-DD */
	char *title, *issuer, *security, *retention;
	char *doc_number;                       /* 文件编号, or NULL */
	folio_listed_file *files;               /* malloc'd */
	size_t n_files, cap_files;
	uint64_t bytes;                         /* sum of the files' sizes */
	size_t record_entry;                    /* index of its record.xml */
	uint64_t record_size;                   /* and its size */
} folio_listed_record;

/* Whether s is a figure's src as record.rng allows it (and a source's
 * <figure src>): '/'-separated names of ASCII letters, digits, '.',
 * '_', '-', none empty or starting with '.', at most 200 bytes. */
int folio_archive_src_valid(const char *s);

typedef struct folio_archive_listing {
	folio_listed_record *records;  /* in 档号 order (the archive's) */
	size_t n;
	int verified;                  /* 1: folio_archive_verify passed */
	folio_verify_report report;    /* when verified */
} folio_archive_listing;

typedef struct folio_list_options {
	int verify;                    /* verify every check first */
	const char *trust_path;        /* for the verification, or NULL */
} folio_list_options;

/* The records of the archive at zip_path into *out (free with
 * folio_archive_listing_free, also after a failure). FOLIO_EVERIFY
 * when it fails verification (opts->verify; out->report names the
 * entry) or when the listing finds it inconsistent, FOLIO_EIO when it
 * cannot be read, FOLIO_ELIMIT past a cap. opts may be NULL. */
int folio_archive_list(folio_archive_listing *out, const char *zip_path,
	const folio_list_options *opts, folio_error *err);
void folio_archive_listing_free(folio_archive_listing *l);

/*
 * Extraction (extract.c). The archive is verified first, every check,
 * and an invalid one is refused before anything is written. The
 * verification, the listing and the extraction read one open file
 * (the same inode, through /proc/self/fd), which must not change while
 * they run (size, mtime and ctime are compared at the end).
 *
 * Records: codes[0..n_codes) (all of them when n_codes is 0); a code the
 * archive does not hold is FOLIO_EUSAGE naming it, before anything is
 * written. Each record becomes DIR/<档号>/ holding its files (the
 * record's own files, as record.xml lists them, and record.xml) with
 * the names the archive gives them, except the figures' images, which
 * take the names the source refers to them by (record.xml's 源文件引用,
 * e.g. images/chart.png, subfolders made as needed), so the extracted
 * source builds again with its images. Those names passed the strict
 * reader and record.rng's patterns, and are checked again here (plain
 * names, no leading '.', no "..", no absolute path); two files of a
 * record that would take one name refuse the extraction (FOLIO_EVERIFY)
 * before anything is written. Nothing else from the archive names a
 * path.
 *
 * Writing: dir must exist and be a folder (opened O_DIRECTORY|O_NOFOLLOW);
 * everything below it is created with openat/mkdirat relative to that
 * descriptor, never following a symlink (a record folder that exists
 * must be a real folder, a file that exists is refused unless force).
 * Each file is streamed to a temporary file in its folder (O_EXCL, mode
 * 0644), its size and CRC checked by the reader; all are flushed with
 * one syncfs(2) and renamed into place only when every file of every
 * record has been written (a second syncfs flushes the renames): a
 * failure removes every temporary file and every folder this call made,
 * so nothing partial is left (files already in dir are never touched,
 * except those replaced under force, which are replaced only at the
 * end, one rename each).
 */
typedef struct folio_extract_options {
	const char *const *codes;      /* 档号 to take out; NULL: all */
	size_t n_codes;
	int force;                     /* replace files already there */
	const char *trust_path;        /* for the verification, or NULL */
} folio_extract_options;

typedef struct folio_extract_stats {
	size_t records;
	size_t files;
	uint64_t bytes;
	folio_verify_report report;    /* the verification */
} folio_extract_stats;

int folio_archive_extract(folio_extract_stats *out, const char *zip_path,
	const char *dir, const folio_extract_options *opts, folio_error *err);

/*
 * Retention review (retention.c). 保管期限 永久 never ends. 定期N年 (N
 * from 1 to 999; the archives carry 定期10年 and 定期30年) is counted in
 * whole calendar years from 1 January of the year after the record's
 * 成文 date (日期): a 定期10年 record dated anywhere in 2014 is kept
 * through 31 December 2024, its last day ("kept until"), and its term
 * has ended from 1 January 2025.
 *
 * Status on a day D (the review's as-of date):
 *   ENDED      D is after the last day kept;
 *   ENDING     D is on or before the last day kept and the last day
 *              falls within one year of D: before D + 1 year (the same
 *              month and day a year later; 29 February goes to 1 March);
 *              since the last day is a 31 December, that is the last
 *              calendar year of the term;
 *   KEPT       the last day is later, or the term is 永久.
 * So a 定期10年 record of 2014 is ENDING on 2024-12-31 (and on
 * 2024-01-01) and ENDED on 2025-01-01.
 */
typedef struct folio_date {
	int year, month, day;
} folio_date;

typedef enum folio_retention_status {
	FOLIO_RETENTION_KEPT,
	FOLIO_RETENTION_ENDING,
	FOLIO_RETENTION_ENDED
} folio_retention_status;

/* "YYYY-MM-DD" or "YYYYMMDD", a real day of years 1000..9999; else
 * FOLIO_EUSAGE naming what was found. */
int folio_date_parse(folio_date *out, const char *text, folio_error *err);
/* Days since 1970-01-01 (negative before), proleptic Gregorian. */
int64_t folio_date_days(folio_date d);
/* The UTC day of a time in seconds since 1970-01-01. */
folio_date folio_date_of_time(int64_t t);
/* The same month and day `years` later; 29 February to 1 March when
 * the later year has none. */
folio_date folio_date_add_years(folio_date d, int years);

/* Years of a 保管期限: 0 for 永久, N for 定期N年; FOLIO_EINPUT for
 * anything else. */
int folio_retention_years(int *out, const char *retention,
	folio_error *err);

typedef struct folio_retention_review {
	folio_retention_status status;
	int permanent;                 /* 永久 */
	folio_date last_day;           /* last day kept, unless permanent */
} folio_retention_review;

/* The review of one record made on `date` (its 日期) with `retention`,
 * as of the day as_of. */
int folio_retention_assess(folio_retention_review *out, const char *date,
	const char *retention, folio_date as_of, folio_error *err);

/* The review of every record of lists[0..n_lists) (see
 * folio_archive_list), in the lists' order, as of as_of. Items point
 * into the lists, which must outlive the report. FOLIO_EINPUT naming
 * the record for a 日期 or 保管期限 the review cannot read (record.rng
 * makes that impossible in a listed archive). Free with
 * folio_retention_report_free, also after a failure. */
typedef struct folio_retention_item {
	size_t list;                       /* index into lists */
	const folio_listed_record *record;
	folio_retention_review review;
} folio_retention_item;

typedef struct folio_retention_report {
	folio_retention_item *items;
	size_t n;
	size_t count[3];                   /* by folio_retention_status */
} folio_retention_report;

int folio_retention_review_lists(folio_retention_report *out,
	const folio_archive_listing *lists, size_t n_lists, folio_date as_of,
	folio_error *err);
void folio_retention_report_free(folio_retention_report *r);

#endif
