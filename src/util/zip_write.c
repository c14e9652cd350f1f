/* zip_write.c - the streaming ZIP writer (see zip_write.h). */
#include "util/zip_write.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "util/digest.h"
#include "util/file.h"

/* APPNOTE 4.3 record signatures and lengths. */
#define SIG_LOCAL 0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_END 0x06054b50u
#define SIG_Z64_END 0x06064b50u
#define SIG_Z64_LOCATOR 0x07064b50u
#define LOCAL_LEN 30u
#define CENTRAL_LEN 46u
#define END_LEN 22u
#define Z64_END_LEN 56u
#define LOCATOR_LEN 20u
#define Z64_LOCAL_EXTRA 20u     /* id, length, two sizes */
/* Version 6.3, Unix: what libzip writes as "made by". */
#define MADE_BY 0x033fu
#define REGULAR_0644 ((uint32_t)0100644 << 16)
#define FLAG_MAX_DEFLATE 0x0002u
#define FLAG_UTF8 0x0800u
#define OUT_BYTES ((size_t)256 * 1024)
#define IN_BYTES ((size_t)64 * 1024)

struct folio_zipw {
	folio_outfile out;      /* the archive */
	folio_outfile cd;       /* central records until close */
	int fd;
	unsigned char *buf;     /* bytes not yet written to fd */
	size_t blen;
	uint64_t buf_off;       /* file offset of buf[0] */
	uint64_t count, cd_size, zip64_at;
	int cd_zip64;           /* some central record has a ZIP64 field */
	int failed;
	uint16_t dos_time, dos_date;
	z_stream z;
	int z_ready;
	unsigned char *in, *zout;
};

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* A failure leaves the archive unusable: later calls are refused. */
#define FAIL(w, ...) ((w)->failed = 1, folio_error_set(__VA_ARGS__))

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int flush_out(folio_zipw *w, folio_error *err)
{
	if (w->blen > 0 && write_all(w->fd, w->buf, w->blen) < 0)
		return FAIL(w, err, FOLIO_EIO, "%s: cannot write: %s",
			w->out.final_path, strerror(errno));
	w->buf_off += w->blen;
	w->blen = 0;
	return 0;
}

static int put_out(folio_zipw *w, const void *p, size_t n, folio_error *err)
{
	const unsigned char *s = p;
	int rc;

	while (n > 0) {
		size_t k = OUT_BYTES - w->blen;
		if (k == 0) {
			if ((rc = flush_out(w, err)) < 0)
				return rc;
			continue;
		}
		if (k > n)
			k = n;
		memcpy(w->buf + w->blen, s, k);
		w->blen += k;
		s += k;
		n -= k;
	}
	return 0;
}

static uint64_t out_pos(const folio_zipw *w)
{
	return w->buf_off + w->blen;
}

/* Overwrite n bytes at off (a local header written earlier). */
static int patch_out(folio_zipw *w, uint64_t off, const unsigned char *p,
	size_t n, folio_error *err)
{
	ssize_t k;

	if (off >= w->buf_off) {
		memcpy(w->buf + (off - w->buf_off), p, n);
		return 0;
	}
	if (off + n > w->buf_off) {
		int rc = flush_out(w, err);
		if (rc < 0)
			return rc;
	}
	k = pwrite(w->fd, p, n, (off_t)off);
	if (k < 0 || (size_t)k != n)
		return FAIL(w, err, FOLIO_EIO, "%s: cannot write: %s",
			w->out.final_path, strerror(errno));
	return 0;
}

int folio_zipw_create(folio_zipw **out, const char *path, int64_t mtime,
	folio_error *err)
{
	folio_zipw *w;
	int rc;

	*out = NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	w->fd = -1;
	w->zip64_at = 0xffffffffu;
	folio_zip_dostime(&w->dos_time, &w->dos_date, mtime);
	w->buf = malloc(OUT_BYTES);
	w->in = malloc(IN_BYTES);
	w->zout = malloc(IN_BYTES);
	if (w->buf == NULL || w->in == NULL || w->zout == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto fail;
	}
	if ((rc = folio_outfile_open(&w->out, path, err)) < 0 ||
	    (rc = folio_outfile_open(&w->cd, path, err)) < 0)
		goto fail;
	w->fd = fileno(w->out.fp);
	/* libzip's deflate: raw stream, level 9, the largest memory level. */
	if (deflateInit2(&w->z, 9, Z_DEFLATED, -MAX_WBITS, MAX_MEM_LEVEL,
		Z_DEFAULT_STRATEGY) != Z_OK) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "%s: zlib: cannot "
			"start deflate", path);
		goto fail;
	}
	w->z_ready = 1;
	*out = w;
	return 0;
fail:
	folio_zipw_free(w);
	return rc;
}

void folio_zipw_set_zip64_at(folio_zipw *w, uint64_t limit)
{
	if (limit > 0 && limit <= 0xffffffffu)
		w->zip64_at = limit;
}

uint64_t folio_zipw_count(const folio_zipw *w)
{
	return w->count;
}

/* Where an entry's bytes come from. */
typedef struct source {
	const unsigned char *mem;
	const char *path;
	int fd;
	uint64_t off, len, done;
	folio_sha256_ctx *sha;
	const unsigned char *want;
} source;

/* Up to IN_BYTES of the entry into w->in; *n 0 at the end. */
static int source_read(folio_zipw *w, source *s, const char *name,
	size_t *n, folio_error *err)
{
	uint64_t left = s->len - s->done;
	size_t want = left < IN_BYTES ? (size_t)left : IN_BYTES;
	ssize_t got;

	*n = 0;
	if (want == 0)
		return 0;
	if (s->mem != NULL) {
		memcpy(w->in, s->mem + s->done, want);
		got = (ssize_t)want;
	} else {
		do
			got = pread(s->fd, w->in, want,
				(off_t)(s->off + s->done));
		while (got < 0 && errno == EINTR);
		if (got < 0)
			return FAIL(w, err, FOLIO_EIO, "%s: %s: cannot read: "
				"%s", s->path, name, strerror(errno));
		if (got == 0)
			return FAIL(w, err, FOLIO_EIO, "%s: %s: %s", s->path,
				name, "changed while being archived (shorter "
				"than when it was hashed)");
	}
	if (s->sha != NULL &&
	    folio_sha256_update(s->sha, w->in, (size_t)got, err) < 0) {
		w->failed = 1;
		return FOLIO_ELIB;
	}
	s->done += (uint64_t)got;
	*n = (size_t)got;
	return 0;
}

/* Copy or deflate the whole source after the local header; crc and
 * compressed size out. */
static int write_data(folio_zipw *w, source *s, const char *name,
	int compress, uint32_t *out_crc, uint64_t *out_comp, folio_error *err)
{
	uLong crc = crc32(0L, Z_NULL, 0);
	uint64_t comp = 0;
	size_t n;
	int rc, zr = Z_OK;

	if (compress && deflateReset(&w->z) != Z_OK)
		return FAIL(w, err, FOLIO_ELIB, "%s: %s: zlib: %s",
			w->out.final_path, name, "deflateReset failed");
	for (;;) {
		if ((rc = source_read(w, s, name, &n, err)) < 0)
			return rc;
		crc = crc32(crc, w->in, (uInt)n);
		if (!compress) {
			if (n == 0)
				break;
			if ((rc = put_out(w, w->in, n, err)) < 0)
				return rc;
			comp += n;
			continue;
		}
		w->z.next_in = w->in;
		w->z.avail_in = (uInt)n;
		do {
			size_t have;
			w->z.next_out = w->zout;
			w->z.avail_out = (uInt)IN_BYTES;
			zr = deflate(&w->z, n == 0 ? Z_FINISH : Z_NO_FLUSH);
			if (zr == Z_STREAM_ERROR)
				return FAIL(w, err, FOLIO_ELIB, "%s: %s: zlib: "
					"%s", w->out.final_path, name,
					"deflate failed");
			have = IN_BYTES - w->z.avail_out;
			if (have > 0 && (rc = put_out(w, w->zout, have, err))
				< 0)
				return rc;
			comp += have;
		} while (w->z.avail_out == 0 ||
			(n == 0 && zr != Z_STREAM_END));
		if (n == 0)
			break;
	}
	*out_crc = (uint32_t)crc;
	*out_comp = comp;
	return 0;
}

/* What deflate can make of len bytes at worst (zlib's deflateBound for
 * stored blocks, with room): decides a ZIP64 local header up front. */
static uint64_t deflate_worst(uint64_t len)
{
	return len + (len >> 12) + (len >> 14) + (len >> 25) + 64;
}

static int has_high_byte(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

static int add_entry(folio_zipw *w, const char *name, source *s,
	folio_zip_method method, folio_error *err)
{
	/* A central record, its ZIP64 field with three values. */
	unsigned char h[CENTRAL_LEN + 4 + 24], digest[FOLIO_SHA256_LEN];
	size_t nlen = strlen(name), x = 0;
	uint64_t at = out_pos(w), comp = 0;
	uint32_t crc = 0;
	uint16_t flags, version;
	int deflate, local64, rc;

	if (w->failed)
		return folio_error_set(err, FOLIO_EUSAGE, "%s: the archive "
			"failed earlier", w->out.final_path);
	if (nlen == 0 || nlen > FOLIO_ZIP_MAX_NAME)
		return folio_error_set(err, FOLIO_EUSAGE, "%s: entry name of "
			"%zu bytes (expected 1 to %u)", w->out.final_path, nlen,
			FOLIO_ZIP_MAX_NAME);
	if (w->count >= FOLIO_ZIP_MAX_ENTRIES)
		return folio_error_set(err, FOLIO_ELIMIT, "%s: more than %u "
			"entries", w->out.final_path, FOLIO_ZIP_MAX_ENTRIES);
	if (method == FOLIO_ZIP_AUTO)
		method = w->count == 0 ? FOLIO_ZIP_STORE : FOLIO_ZIP_DEFLATE;
	deflate = method == FOLIO_ZIP_DEFLATE;
	local64 = (deflate ? deflate_worst(s->len) : s->len) >= w->zip64_at;
	flags = (uint16_t)((deflate ? FLAG_MAX_DEFLATE : 0) |
		(has_high_byte(name) ? FLAG_UTF8 : 0));
	version = local64 ? 45 : deflate ? 20 : 10;

	/* The local header, its CRC and sizes filled in after the data. */
	memset(h, 0, sizeof(h));
	put32(h, SIG_LOCAL);
	put16(h + 4, version);
	put16(h + 6, flags);
	put16(h + 8, deflate ? 8 : 0);
	put16(h + 10, w->dos_time);
	put16(h + 12, w->dos_date);
	put16(h + 26, (uint16_t)nlen);
	put16(h + 28, local64 ? Z64_LOCAL_EXTRA : 0);
	if ((rc = put_out(w, h, LOCAL_LEN, err)) < 0 ||
	    (rc = put_out(w, name, nlen, err)) < 0)
		return rc;
	if (local64) {
		put16(h + LOCAL_LEN, 1);
		put16(h + LOCAL_LEN + 2, 16);
		if ((rc = put_out(w, h + LOCAL_LEN, Z64_LOCAL_EXTRA, err)) < 0)
			return rc;
	}
	if ((rc = write_data(w, s, name, deflate, &crc, &comp, err)) < 0)
		return rc;
	if (s->sha != NULL) {
		rc = folio_sha256_end(digest, s->sha, err);
		s->sha = NULL;
		if (rc < 0) {
			w->failed = 1;
			return rc;
		}
		if (memcmp(digest, s->want, FOLIO_SHA256_LEN) != 0)
			return FAIL(w, err, FOLIO_EIO, "%s: %s: %s", s->path,
				name, "changed while being archived (its "
				"SHA-256 differs from the one signed)");
	}
	if (!local64 && (comp >= w->zip64_at || s->len >= w->zip64_at))
		return FAIL(w, err, FOLIO_ELIMIT, "%s: %s: %s",
			w->out.final_path, name, "grew past 4 GB when "
			"compressed");
	put32(h + 14, crc);
	if (local64) {
		unsigned char z[16];
		put32(h + 18, 0xffffffffu);
		put32(h + 22, 0xffffffffu);
		put64(z, s->len);
		put64(z + 8, comp);
		if ((rc = patch_out(w, at + LOCAL_LEN + nlen + 4, z, 16, err))
			< 0)
			return rc;
	} else {
		put32(h + 18, (uint32_t)comp);
		put32(h + 22, (uint32_t)s->len);
	}
	if ((rc = patch_out(w, at + 14, h + 14, 12, err)) < 0)
		return rc;

	/* Its central record, spooled. */
	memset(h, 0, sizeof(h));
	put32(h, SIG_CENTRAL);
	put16(h + 4, MADE_BY);
	put16(h + 6, version);
	put16(h + 8, flags);
	put16(h + 10, deflate ? 8 : 0);
	put16(h + 12, w->dos_time);
	put16(h + 14, w->dos_date);
	put32(h + 16, crc);
	put32(h + 20, comp >= w->zip64_at ? 0xffffffffu : (uint32_t)comp);
	put32(h + 24, s->len >= w->zip64_at ? 0xffffffffu :
		(uint32_t)s->len);
	put16(h + 28, (uint16_t)nlen);
	put32(h + 38, REGULAR_0644);
	put32(h + 42, at >= w->zip64_at ? 0xffffffffu : (uint32_t)at);
	/* The ZIP64 field: exactly the values marked all ones, in order. */
	if (s->len >= w->zip64_at)
		put64(h + CENTRAL_LEN + 4 + x, s->len), x += 8;
	if (comp >= w->zip64_at)
		put64(h + CENTRAL_LEN + 4 + x, comp), x += 8;
	if (at >= w->zip64_at)
		put64(h + CENTRAL_LEN + 4 + x, at), x += 8;
	if (x > 0) {
		put16(h + 6, 45);
		put16(h + 30, (uint16_t)(x + 4));
		put16(h + CENTRAL_LEN, 1);
		put16(h + CENTRAL_LEN + 2, (uint16_t)x);
		w->cd_zip64 = 1;
	}
	if (fwrite(h, 1, CENTRAL_LEN, w->cd.fp) != CENTRAL_LEN ||
	    fwrite(name, 1, nlen, w->cd.fp) != nlen ||
	    (x > 0 && fwrite(h + CENTRAL_LEN, 1, x + 4, w->cd.fp) != x + 4))
		return FAIL(w, err, FOLIO_EIO, "%s: cannot write: %s",
			w->cd.temp_path, strerror(errno));
	w->cd_size += CENTRAL_LEN + nlen + (x > 0 ? x + 4 : 0);
	w->count++;
	return 0;
}

int folio_zipw_add_mem(folio_zipw *w, const char *name, const void *data,
	size_t len, folio_zip_method method, folio_error *err)
{
	source s;

	memset(&s, 0, sizeof(s));
	s.mem = len > 0 ? data : (const unsigned char *)"";
	s.len = len;
	s.fd = -1;
	return add_entry(w, name, &s, method, err);
}

int folio_zipw_add_file(folio_zipw *w, const char *name, const char *path,
	uint64_t offset, uint64_t len, const unsigned char *sha256,
	folio_zip_method method, folio_error *err)
{
	source s;
	int rc;

	memset(&s, 0, sizeof(s));
	s.path = path;
	s.off = offset;
	s.len = len;
	s.want = sha256;
	s.fd = -1;
	if (w->failed)
		return folio_error_set(err, FOLIO_EUSAGE, "%s: the archive "
			"failed earlier", w->out.final_path);
	if ((rc = folio_file_open_regular(&s.fd, path, err)) < 0) {
		w->failed = 1;
		return rc;
	}
	if (sha256 != NULL && (rc = folio_sha256_begin(&s.sha, err)) < 0)
		w->failed = 1;
	else
		rc = add_entry(w, name, &s, method, err);
	folio_sha256_free(s.sha);
	close(s.fd);
	return rc;
}

/* The central directory from its spool, then the end records. */
static int write_end(folio_zipw *w, folio_error *err)
{
	unsigned char e[Z64_END_LEN + LOCATOR_LEN + END_LEN];
	uint64_t cd_off = out_pos(w), done = 0;
	size_t n = 0;
	int cd_fd, rc, z64;

	if (fflush(w->cd.fp) != 0)
		return FAIL(w, err, FOLIO_EIO, "%s: cannot write: %s",
			w->cd.temp_path, strerror(errno));
	cd_fd = fileno(w->cd.fp);
	while (done < w->cd_size) {
		size_t want = w->cd_size - done < IN_BYTES ?
			(size_t)(w->cd_size - done) : IN_BYTES;
		ssize_t got = pread(cd_fd, w->in, want, (off_t)done);
		if (got <= 0)
			return FAIL(w, err, FOLIO_EIO, "%s: cannot read: %s",
				w->cd.temp_path, got < 0 ? strerror(errno) :
				"cut short");
		if ((rc = put_out(w, w->in, (size_t)got, err)) < 0)
			return rc;
		done += (uint64_t)got;
	}
	z64 = w->cd_zip64 || cd_off >= w->zip64_at ||
		w->cd_size >= w->zip64_at || w->count >= 0xffffu;
	memset(e, 0, sizeof(e));
	if (z64) {
		put32(e, SIG_Z64_END);
		put64(e + 4, Z64_END_LEN - 12);
		put16(e + 12, 45);
		put16(e + 14, 45);
		put64(e + 24, w->count);
		put64(e + 32, w->count);
		put64(e + 40, w->cd_size);
		put64(e + 48, cd_off);
		put32(e + 56, SIG_Z64_LOCATOR);
		put64(e + 64, cd_off + w->cd_size);
		put32(e + 72, 1);
		n = Z64_END_LEN + LOCATOR_LEN;
	}
	put32(e + n, SIG_END);
	put16(e + n + 8, w->count >= 0xffffu ? 0xffffu : (uint16_t)w->count);
	put16(e + n + 10, w->count >= 0xffffu ? 0xffffu :
		(uint16_t)w->count);
	put32(e + n + 12, w->cd_size >= w->zip64_at ? 0xffffffffu :
		(uint32_t)w->cd_size);
	put32(e + n + 16, cd_off >= w->zip64_at ? 0xffffffffu :
		(uint32_t)cd_off);
	if ((rc = put_out(w, e, n + END_LEN, err)) < 0)
		return rc;
	return flush_out(w, err);
}

int folio_zipw_close(folio_zipw *w, folio_error *err)
{
	int rc;

	if (w == NULL)
		return folio_error_set(err, FOLIO_EUSAGE, "no archive");
	if (w->failed)
		rc = folio_error_set(err, FOLIO_EUSAGE, "%s: the archive "
			"failed earlier", w->out.final_path);
	else if (w->count == 0)
		rc = folio_error_set(err, FOLIO_EUSAGE, "%s: an archive needs "
			"at least one entry", w->out.final_path);
	else if ((rc = write_end(w, err)) == 0)
		rc = folio_outfile_commit(&w->out, err);
	folio_zipw_free(w);
	return rc;
}

void folio_zipw_free(folio_zipw *w)
{
	if (w == NULL)
		return;
	if (w->z_ready)
		deflateEnd(&w->z);
	folio_outfile_abort(&w->out);
	folio_outfile_abort(&w->cd);
	free(w->buf);
	free(w->in);
	free(w->zout);
	free(w);
}
