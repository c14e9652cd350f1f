/* zip_stream.c - the data of one entry of a strictly read ZIP (see
 * zip.h): positioned reads of the compressed bytes, zlib's raw inflate,
 * and the three checks that make the bytes unambiguous: the deflate
 * stream ends exactly at the compressed size, it gives exactly the
 * stated size, and the CRC matches. */
#include "util/zip_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define IN_CHUNK ((size_t)65536)

struct folio_zip_stream {
	folio_zip_reader *r;
	const zip_rec *rec;
	const char *name;
	uint64_t in_pos, in_left;   /* compressed bytes not yet read */
	uint64_t out_total, limit;
	uLong crc;
	z_stream z;
	int inflating, ended;
	unsigned char *in;
};

static int bad_data(folio_zip_stream *s, folio_error *err, const char *what)
{
	return folio_error_set(err, FOLIO_EINPUT, "%s: %s: %s (rule: data)",
		s->r->path, s->name, what);
}

int folio_zip_stream_open(folio_zip_stream **out, folio_zip_reader *r,
	size_t i, uint64_t limit, folio_error *err)
{
	folio_zip_stream *s;
	const zip_rec *rec;

	*out = NULL;
	if (i >= r->count)
		return folio_error_set(err, FOLIO_EUSAGE, "%s: no entry %zu",
			r->path, i);
	rec = &r->rec[i];
	if (rec->size > limit)
		return folio_error_set(err, FOLIO_ELIMIT,
			"%s: %s: entry of %llu bytes exceeds the limit of %llu",
			r->path, r->names + rec->name_off,
			(unsigned long long)rec->size,
			(unsigned long long)limit);
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->in = malloc(IN_CHUNK)) == NULL) {
		free(s);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	s->r = r;
	s->rec = rec;
	s->name = r->names + rec->name_off;
	s->in_pos = rec->data_off;
	s->in_left = rec->comp_size;
	s->limit = limit;
	s->crc = crc32(0L, Z_NULL, 0);
	if (rec->method == 8) {
		/* Raw deflate (no zlib header), as in ZIP. */
		if (inflateInit2(&s->z, -MAX_WBITS) != Z_OK) {
			free(s->in);
			free(s);
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		}
		s->inflating = 1;
	}
	*out = s;
	return 0;
}

static int fill(folio_zip_stream *s, folio_error *err)
{
	size_t n = s->in_left < IN_CHUNK ? (size_t)s->in_left : IN_CHUNK;

	if (zip_pread_all(s->r->fd, s->in, n, s->in_pos) < 0)
		return folio_error_set(err, FOLIO_EIO, "%s: %s: cannot read "
			"at offset %llu", s->r->path, s->name,
			(unsigned long long)s->in_pos);
	s->in_pos += n;
	s->in_left -= n;
	s->z.next_in = s->in;
	s->z.avail_in = (uInt)n;
	return 0;
}

/* Up to len bytes of content into buf. */
static int produce(size_t *out, folio_zip_stream *s, unsigned char *buf,
	size_t len, folio_error *err)
{
	int zr, rc;

	*out = 0;
	if (!s->inflating) {
		size_t n = s->in_left < len ? (size_t)s->in_left : len;
		if (n > 0 && zip_pread_all(s->r->fd, buf, n, s->in_pos) < 0)
			return folio_error_set(err, FOLIO_EIO, "%s: %s: cannot "
				"read at offset %llu", s->r->path, s->name,
				(unsigned long long)s->in_pos);
		s->in_pos += n;
		s->in_left -= n;
		*out = n;
		return 0;
	}
	if (s->ended)
		return 0;
	if (len > (size_t)UINT32_MAX)
		len = UINT32_MAX;
	s->z.next_out = buf;
	s->z.avail_out = (uInt)len;
	while (s->z.avail_out == len) {
		if (s->z.avail_in == 0 && s->in_left > 0 &&
		    (rc = fill(s, err)) < 0)
			return rc;
		zr = inflate(&s->z, Z_NO_FLUSH);
		if (zr == Z_STREAM_END) {
			/* Bytes after the stream's end, inside the
			 * entry: a streaming reader would take them for
			 * what comes next. */
			if (s->z.avail_in > 0 || s->in_left > 0)
				return bad_data(s, err, "the deflate stream "
					"ends before its compressed size");
			s->ended = 1;
			break;
		}
		if (zr == Z_BUF_ERROR && s->z.avail_in == 0 &&
		    s->in_left == 0)
			return bad_data(s, err, "the deflate stream is cut "
				"short by its compressed size");
		if (zr != Z_OK)
			return bad_data(s, err, zr == Z_MEM_ERROR ?
				"out of memory while inflating" :
				"not a valid deflate stream");
	}
	*out = len - s->z.avail_out;
	return 0;
}

int folio_zip_stream_read(size_t *out, folio_zip_stream *s, void *buf,
	size_t len, folio_error *err)
{
	size_t got;
	int rc;

	*out = 0;
	if (len == 0)
		return 0;
	if ((rc = produce(&got, s, buf, len, err)) < 0)
		return rc;
	s->out_total += got;
	if (s->out_total > s->rec->size || s->out_total > s->limit)
		return bad_data(s, err, "longer than the central directory "
			"says");
	if (got > 0) {
		s->crc = crc32(s->crc, buf, (uInt)got);
		*out = got;
		return 0;
	}
	if (s->out_total != s->rec->size) {
		char what[128];
		snprintf(what, sizeof(what), "expected %llu bytes, found %llu",
			(unsigned long long)s->rec->size,
			(unsigned long long)s->out_total);
		return bad_data(s, err, what);
	}
	if ((uint32_t)s->crc != s->rec->crc) {
		char what[128];
		snprintf(what, sizeof(what), "expected CRC-32 %08X, found "
			"%08X", s->rec->crc, (unsigned)s->crc);
		return bad_data(s, err, what);
	}
	return 0;
}

void folio_zip_stream_close(folio_zip_stream *s)
{
	if (s == NULL)
		return;
	if (s->inflating)
		inflateEnd(&s->z);
	free(s->in);
	free(s);
}

int folio_zip_read_cb(folio_zip_reader *r, size_t i, uint64_t limit,
	folio_zip_sink sink, void *ctx, folio_error *err)
{
	folio_zip_stream *s;
	unsigned char *chunk;
	size_t got;
	int rc;

	if ((rc = folio_zip_stream_open(&s, r, i, limit, err)) < 0)
		return rc;
	if ((chunk = malloc(IN_CHUNK)) == NULL) {
		folio_zip_stream_close(s);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	do {
		if ((rc = folio_zip_stream_read(&got, s, chunk, IN_CHUNK,
			err)) < 0)
			break;
		if (got > 0 && (rc = sink(ctx, chunk, got)) < 0)
			break;
	} while (got > 0);
	free(chunk);
	folio_zip_stream_close(s);
	return rc;
}

typedef struct buf_sink {
	folio_buf *b;
	const char *path, *name;
	folio_error *err;
} buf_sink;

static int to_buf(void *ctx, const void *p, size_t n)
{
	buf_sink *bs = ctx;

	if (folio_buf_append(bs->b, p, n) == 0)
		return 0;
	return folio_error_set(bs->err, FOLIO_ELIMIT,
		"%s: %s: entry exceeds the buffer limit", bs->path, bs->name);
}

int folio_zip_read(folio_buf *out, folio_zip_reader *r, size_t i,
	size_t limit, folio_error *err)
{
	buf_sink bs = {out, r->path, NULL, err};

	if (i >= r->count)
		return folio_error_set(err, FOLIO_EUSAGE, "%s: no entry %zu",
			r->path, i);
	bs.name = r->names + r->rec[i].name_off;
	return folio_zip_read_cb(r, i, limit, to_buf, &bs, err);
}
