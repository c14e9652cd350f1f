/*
 * zip_impl.h - the reader's state, shared by zip_read.c (structure) and
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

/* Read exactly n bytes at off; 0, or -1 on a read error or a short
 * read (the caller says what was missing). */
int zip_pread_all(int fd, void *buf, size_t n, uint64_t off);

#endif
