/*
 * record.h - DA/T 46 record metadata (record.xml), the batch catalogue
 * 文件目录 (catalogue.xml) and the ODF manifest of the archive, written
 * through util/xml_writer.h and validated against the shipped schemas
 * (schemas/record.rng, schemas/catalogue.rng) before they are used.
 *
 * A folio_record owns copies of its strings (folio_record_clear frees
 * them).
 */
#ifndef FOLIO_ARCHIVE_RECORD_H
#define FOLIO_ARCHIVE_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "archive/archive.h"
#include "archive/crypto.h"
#include "util/buf.h"
#include "util/error.h"

#define FOLIO_RECORD_NS "urn:folio:record:1"
#define FOLIO_CATALOGUE_NS "urn:folio:catalogue:1"
#define FOLIO_RECORD_MAX_FILES 4
/* <档号>.epub, the longest name, with room to spare: kept small because
 * every record of a batch is held until the catalogue is written. */
#define FOLIO_RECORD_FILE_NAME_MAX (FOLIO_ARCHIVE_CODE_MAX + 8)
#define FOLIO_RECORD_MAX_IMAGES 9999  /* <档号>.fig9999.jpg */

typedef struct folio_record_file {
	char name[FOLIO_RECORD_FILE_NAME_MAX];  /* inside the record folder */
	const char *media_type;                 /* static string */
	/* An image: the name the source refers to it by (<figure src>),
	 * borrowed while record.xml is written; NULL otherwise. */
	const char *src;
	uint64_t size;
	unsigned char sha256[FOLIO_SHA256_LEN];
} folio_record_file;

typedef struct folio_record {
	char code[FOLIO_ARCHIVE_CODE_MAX];  /* 档号 */
	unsigned number;                    /* 件号 */
	char *title, *issuer, *doc_number, *date8, *security, *retention;
	char *category, *keywords;          /* keywords joined by spaces */
	unsigned pages;                     /* 0: unknown, omitted */
	folio_record_file files[FOLIO_RECORD_MAX_FILES];
	size_t n_files;
	/* Listed in record.xml after files, not in the catalogue (the
	 * record keeps no copy: at 100,000 records the catalogue's memory
	 * stays a fixed size each); valid while record.xml is written. */
	folio_record_file *images;
	size_t n_images;
} folio_record;

void folio_record_clear(folio_record *r);

/* record.xml of r (fonds and year of the batch) into out; validated
 * against schemas/record.rng (`name` is used in messages). */
int folio_record_xml(folio_buf *out, const folio_record *r,
	const char *fonds_code, const char *year, const char *name,
	folio_error *err);

/* data/catalogue.xml, written to fp one record at a time as the records
 * are archived (a catalogue of 100,000 records is never in memory).
 * Not validated here: the caller streams the written bytes back through
 * the reader with schemas/catalogue.rng (folio_xml_validate_stream).
 * end closes the document and gives the bytes written. */
typedef struct folio_catalogue folio_catalogue;
int folio_catalogue_begin(folio_catalogue **out, FILE *fp,
	const folio_archive_batch *batch, folio_error *err);
int folio_catalogue_add(folio_catalogue *c, const folio_record *r);
int folio_catalogue_end(uint64_t *out_len, folio_catalogue *c);
void folio_catalogue_free(folio_catalogue *c);

/* Media type folio records for an entry name (by extension). */
const char *folio_media_type(const char *name);

#endif
