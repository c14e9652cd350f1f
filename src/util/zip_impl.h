/*
 * zip_impl.h - the reader's state, shared by zip_read.c (end records,
 * central directory), zip_layout.c (local headers, layout) and
 * zip_stream.c (entry data). Private to src/util/zip*.c.
 */
#ifndef FOLIO_UTIL_ZIP_IMPL_H
#define FOLIO_UTIL_ZIP_IMPL_H

#include <stdint.h>

#include "util/zip.h"

/* One entry as the strict reading established it. */
typedef struct zip_rec {
	uint64_t name_off;      /* into folio_zip_reader.names */
	uint32_t name_len;
	uint32_t crc;
	uint64_t size, comp_size;
	uint64_t offset;        /* local header */
	uint64_t data_off;      /* first byte of the (compressed) data */
	uint16_t method;
	uint16_t mode;          /* Unix permission bits, or 0 */
} zip_rec;

struct folio_zip_reader {
	char *path;
	int fd;
	uint64_t file_size;
	size_t count;
	zip_rec *rec;
	char *names;            /* every name, each NUL-terminated */
};

/* ---- the strict reading (zip_read.c, zip_layout.c) ---------------- */

/* APPNOTE 4.3: record signatures and fixed lengths. */
#define SIG_LOCAL 0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_END 0x06054b50u
#define SIG_Z64_END 0x06064b50u
#define SIG_Z64_LOCATOR 0x07064b50u
#define SIG_DESCRIPTOR 0x08074b50u
#define END_LEN 22u
#define LOCATOR_LEN 20u
#define Z64_END_LEN 56u
#define CENTRAL_LEN 46u
#define LOCAL_LEN 30u
#define MAX_COMMENT 65535u
#define FLAG_DEFLATE_OPTIONS 0x0006u
#define FLAG_DESCRIPTOR 0x0008u
#define FLAG_UTF8 0x0800u
#define MAX_VERSION_NEEDED 45u      /* 4.5: ZIP64 */
#define ID_ZIP64 0x0001u
/* The names of all entries together (folio writes about 50 bytes a
 * name): a cap on what the central directory can make us hold. */
#define MAX_NAME_BYTES ((uint64_t)256 * 1024 * 1024)
#define CURSOR_BYTES ((size_t)1024 * 1024)
#define LOCAL_GUESS ((size_t)512)

static inline uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		(uint32_t)p[3] << 24;
}

static inline uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

typedef struct zip_reading {
	folio_zip_reader *r;
	folio_zip_fault *fault;
	folio_error *err;
	uint64_t eocd_off;      /* the end record */
	uint64_t cd_off, cd_size, cd_end, count;
	uint64_t names_cap, names_len;
	/* Central values the local header must repeat. */
	uint16_t *flags, *dostime, *dosdate;
} zip_reading;

/* A refusal: fills rd->fault, sets the message "archive: entry: what
 * (rule: RULE, offset N)" (no entry for the archive as a whole). */
int zip_refuse(zip_reading *rd, const char *name, size_t name_len,
	uint64_t off, const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
int zip_read_error(zip_reading *rd, uint64_t off);
/* Extra block x[0..n): nothing but one ZIP64 field (*z64, NULL if none). */
int zip_only_zip64(zip_reading *rd, const char *name, size_t nlen,
	uint64_t off, const unsigned char *x, size_t n,
	const unsigned char **z64, size_t *z64_len);
/* The layout pass (zip_layout.c). */
int zip_check_layout(zip_reading *rd);

/* Read exactly n bytes at off; 0, or -1 on a read error or a short
 * read (the caller says what was missing). */
int zip_pread_all(int fd, void *buf, size_t n, uint64_t off);

#endif
