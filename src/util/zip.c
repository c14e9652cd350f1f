#include "util/zip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <zip.h>

#include "util/file.h"

/* Unix regular file, rw-r--r--: the high 16 bits of the external
 * attributes hold st_mode when the "made by" system is Unix. */
#define REGULAR_0644 ((zip_uint32_t)0100644 << 16)

struct folio_zip {
	zip_t *za;
	folio_outfile out;
	uint16_t dos_time, dos_date;
	size_t count;
};

/* What the reader's own walk of the headers found for one entry. */
typedef struct raw_entry {
	uint64_t name_off;      /* into folio_zip_reader.names */
	uint32_t name_len, name_clen;
	uint32_t extra_local, extra_central;
} raw_entry;

struct folio_zip_reader {
	zip_t *za;
	char *path;
	size_t count;
	raw_entry *raw;
	char *names;            /* the stored names, each NUL-terminated */
};

struct folio_zip_stream {
	folio_zip_reader *r;
	zip_file_t *zf;
	const char *name;
	uint64_t size, limit, total;
};

static int lib_error(folio_error *err, const char *path, const char *entry,
	zip_error_t *ze)
{
	const char *msg = ze ? zip_error_strerror(ze) : "unknown error";

	if (entry != NULL)
		return folio_error_set(err, FOLIO_ELIB, "%s: %s: zip: %s",
			path, entry, msg);
	return folio_error_set(err, FOLIO_ELIB, "%s: zip: %s", path, msg);
}

void folio_zip_dostime(uint16_t *out_time, uint16_t *out_date, int64_t t)
{
	struct tm tm;
	time_t tt;

	/* 1980-01-01T00:00:00Z, the first DOS time. */
	if (t < 315532800)
		t = 315532800;
	tt = (time_t)t;
	if (gmtime_r(&tt, &tm) == NULL || tm.tm_year + 1900 > 2107) {
		*out_time = (uint16_t)((23u << 11) | (59u << 5) | 29u);
		*out_date = (uint16_t)((127u << 9) | (12u << 5) | 31u);
		return;
	}
	*out_time = (uint16_t)(((unsigned)tm.tm_hour << 11) |
		((unsigned)tm.tm_min << 5) | ((unsigned)tm.tm_sec / 2));
	*out_date = (uint16_t)(((unsigned)(tm.tm_year - 80) << 9) |
		((unsigned)(tm.tm_mon + 1) << 5) | (unsigned)tm.tm_mday);
}

int folio_zip_create(folio_zip **out, const char *path, int64_t mtime,
	folio_error *err)
{
	folio_zip *z;
	int rc, zerr = 0;

	*out = NULL;
	z = calloc(1, sizeof(*z));
	if (z == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	rc = folio_outfile_reserve(&z->out, path, err);
	if (rc < 0) {
		free(z);
		return rc;
	}
	/* libzip writes its own temporary file next to ours and renames it
	 * over ours at zip_close; we then rename ours into place. */
	z->za = zip_open(z->out.temp_path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	if (z->za == NULL) {
		zip_error_t ze;
		zip_error_init_with_code(&ze, zerr);
		rc = lib_error(err, path, NULL, &ze);
		zip_error_fini(&ze);
		folio_outfile_abort(&z->out);
		free(z);
		return rc;
	}
	folio_zip_dostime(&z->dos_time, &z->dos_date, mtime);
	*out = z;
	return 0;
}

static int check_name(folio_zip *z, const char *name, folio_error *err)
{
	size_t n = strlen(name);

	if (n == 0 || n > FOLIO_ZIP_MAX_NAME)
		return folio_error_set(err, FOLIO_EUSAGE,
			"%s: entry name of %zu bytes (expected 1 to %u)",
			z->out.final_path, n, FOLIO_ZIP_MAX_NAME);
	if (z->count >= FOLIO_ZIP_MAX_ENTRIES)
		return folio_error_set(err, FOLIO_ELIMIT,
			"%s: more than %u entries", z->out.final_path,
			FOLIO_ZIP_MAX_ENTRIES);
	return 0;
}

/* Give a freshly added entry its fixed attributes. */
static int settle_entry(folio_zip *z, zip_int64_t idx, const char *name,
	folio_zip_method method, folio_error *err)
{
	zip_uint64_t i = (zip_uint64_t)idx;
	zip_int32_t cm;

	if (method == FOLIO_ZIP_AUTO)
		method = z->count == 0 ? FOLIO_ZIP_STORE : FOLIO_ZIP_DEFLATE;
	cm = method == FOLIO_ZIP_STORE ? ZIP_CM_STORE : ZIP_CM_DEFLATE;
	if (zip_set_file_compression(z->za, i, cm,
		method == FOLIO_ZIP_STORE ? 0 : 9) < 0 ||
	    zip_file_set_dostime(z->za, i, z->dos_time, z->dos_date, 0) < 0 ||
	    zip_file_set_external_attributes(z->za, i, 0, ZIP_OPSYS_UNIX,
		REGULAR_0644) < 0 ||
	    zip_file_extra_field_delete(z->za, i, ZIP_EXTRA_FIELD_ALL,
		ZIP_FL_CENTRAL | ZIP_FL_LOCAL) < 0)
		return lib_error(err, z->out.final_path, name,
			zip_get_error(z->za));
	z->count++;
	return 0;
}

static int add_source(folio_zip *z, const char *name, zip_source_t *src,
	folio_zip_method method, folio_error *err)
{
	zip_int64_t idx;

	idx = zip_file_add(z->za, name, src, ZIP_FL_ENC_UTF_8);
	if (idx < 0) {
		int rc = lib_error(err, z->out.final_path, name,
			zip_get_error(z->za));
		zip_source_free(src);
		return rc;
	}
	return settle_entry(z, idx, name, method, err);
}

int folio_zip_add_mem(folio_zip *z, const char *name, const void *data,
	size_t len, folio_zip_method method, folio_error *err)
{
	zip_source_t *src;
	void *copy;
	int rc;

	if ((rc = check_name(z, name, err)) < 0)
		return rc;
	/* libzip reads the data only at zip_close: keep our own copy so the
	 * caller may reuse its buffer; libzip frees it (freep = 1). */
	copy = malloc(len ? len : 1);
	if (copy == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	if (len)
		memcpy(copy, data, len);
	src = zip_source_buffer(z->za, copy, len, 1);
	if (src == NULL) {
		free(copy);
		return lib_error(err, z->out.final_path, name,
			zip_get_error(z->za));
	}
	return add_source(z, name, src, method, err);
}

int folio_zip_add_file(folio_zip *z, const char *name, const char *path,
	folio_zip_method method, folio_error *err)
{
	zip_source_t *src;
	int rc;

	if ((rc = check_name(z, name, err)) < 0)
		return rc;
	/* -1: to the end of the file (ZIP_LENGTH_TO_END in newer libzip). */
	src = zip_source_file(z->za, path, 0, -1);
	if (src == NULL)
		return lib_error(err, path, name, zip_get_error(z->za));
	return add_source(z, name, src, method, err);
}

int folio_zip_add_file_part(folio_zip *z, const char *name,
	const char *path, uint64_t offset, uint64_t len,
	folio_zip_method method, folio_error *err)
{
	zip_source_t *src;
	int rc;

	/* libzip takes a length of 0 to mean "to the end of the file". */
	if (len == 0)
		return folio_zip_add_mem(z, name, "", 0, method, err);
	if (len > (uint64_t)INT64_MAX)
		return folio_error_set(err, FOLIO_ELIMIT, "%s: %s: too long",
			path, name);
	if ((rc = check_name(z, name, err)) < 0)
		return rc;
	src = zip_source_file(z->za, path, offset, (zip_int64_t)len);
	if (src == NULL)
		return lib_error(err, path, name, zip_get_error(z->za));
	return add_source(z, name, src, method, err);
}

int folio_zip_close(folio_zip *z, folio_error *err)
{
	int rc = 0;

	if (z == NULL)
		return folio_error_set(err, FOLIO_EUSAGE, "no archive");
	if (z->count == 0) {
		/* libzip deletes an empty archive instead of writing it. */
		rc = folio_error_set(err, FOLIO_EUSAGE,
			"%s: an archive needs at least one entry",
			z->out.final_path);
		folio_zip_free(z);
		return rc;
	}
	if (zip_close(z->za) < 0) {
		rc = lib_error(err, z->out.final_path, NULL,
			zip_get_error(z->za));
		zip_discard(z->za);
		z->za = NULL;
		folio_zip_free(z);
		return rc;
	}
	z->za = NULL;
	rc = folio_outfile_commit(&z->out, err);
	folio_zip_free(z);
	return rc;
}

void folio_zip_free(folio_zip *z)
{
	if (z == NULL)
		return;
	if (z->za != NULL)
		zip_discard(z->za);
	folio_outfile_abort(&z->out);
	free(z);
}

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		(uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Bytes of the extra block x[0..n) that are not a ZIP64 field; a field
 * running past the end makes the whole block foreign. *zip64 points at
 * the ZIP64 field's data (or NULL), *zip64_len its length. */
static uint32_t foreign_extra(const unsigned char *x, size_t n,
	const unsigned char **zip64, size_t *zip64_len)
{
	size_t at = 0;
	uint32_t foreign = 0;

	*zip64 = NULL;
	*zip64_len = 0;
	while (at < n) {
		size_t len;
		if (n - at < 4)
			return (uint32_t)n;
		len = le16(x + at + 2);
		if (n - at - 4 < len)
			return (uint32_t)n;
		if (le16(x + at) == 0x0001 && *zip64 == NULL) {
			*zip64 = x + at + 4;
			*zip64_len = len;
		} else {
			foreign += (uint32_t)(4 + len);
		}
		at += 4 + len;
	}
	return foreign;
}

static int raw_bad(folio_error *err, const char *path, const char *what)
{
	return folio_error_set(err, FOLIO_EINPUT,
		"%s: expected %s, found something else", path, what);
}

static int read_at(FILE *fp, uint64_t off, void *buf, size_t n)
{
	if (off > (uint64_t)INT64_MAX ||
	    fseeko(fp, (off_t)off, SEEK_SET) != 0)
		return -1;
	return fread(buf, 1, n, fp) == n ? 0 : -1;
}

/* Where the central directory starts and how many records it has:
 * the end record (4.3.16), searched backwards over the longest comment,
 * and the ZIP64 end record (4.3.14) when its locator (4.3.15) precedes
 * it. */
static int find_cdir(uint64_t *out_off, uint64_t *out_count, FILE *fp,
	const char *path, folio_error *err)
{
	unsigned char *tail, z[56];
	uint64_t fsize, start;
	size_t n, k;
	long end = -1;
	int rc = 0;

	if (fseeko(fp, 0, SEEK_END) != 0 || ftello(fp) < 22)
		return raw_bad(err, path, "a ZIP end of central directory");
	fsize = (uint64_t)ftello(fp);
	n = fsize < 22 + 65535 ? (size_t)fsize : 22 + 65535;
	start = fsize - n;
	if ((tail = malloc(n)) == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	if (read_at(fp, start, tail, n) < 0) {
		rc = folio_error_set(err, FOLIO_EIO, "%s: read error", path);
		goto done;
	}
	for (k = n - 22 + 1; k-- > 0;)
		if (le32(tail + k) == 0x06054b50 &&
		    k + 22 + le16(tail + k + 20) <= n) {
			end = (long)k;
			break;
		}
	if (end < 0) {
		rc = raw_bad(err, path, "a ZIP end of central directory");
		goto done;
	}
	*out_count = le16(tail + end + 10);
	*out_off = le32(tail + end + 16);
	/* A ZIP64 locator sits right before the end record. */
	if (start + (uint64_t)end >= 20 + 56 &&
	    read_at(fp, start + (uint64_t)end - 20, z, 20) == 0 &&
	    le32(z) == 0x07064b50) {
		uint64_t z64 = le64(z + 8);
		if (read_at(fp, z64, z, 56) < 0 || le32(z) != 0x06064b50) {
			rc = raw_bad(err, path, "a ZIP64 end of central "
				"directory");
			goto done;
		}
		*out_count = le64(z + 32);
		*out_off = le64(z + 48);
	}
	if (*out_off >= fsize)
		rc = raw_bad(err, path, "a central directory inside the file");
done:
	free(tail);
	return rc;
}

static int keep_name(folio_zip_reader *r, size_t *cap, size_t *len,
	const unsigned char *name, size_t n, raw_entry *re)
{
	if (*len + n + 1 > *cap) {
		size_t c = *cap ? 2 * *cap : 65536;
		char *p;
		while (c < *len + n + 1)
			c *= 2;
		if ((p = realloc(r->names, c)) == NULL)
			return FOLIO_ENOMEM;
		r->names = p;
		*cap = c;
	}
	memcpy(r->names + *len, name, n);
	r->names[*len + n] = '\0';
	re->name_off = *len;
	*len += n + 1;
	return 0;
}

/* Walk the central directory and the local headers (bounded by the
 * entry count libzip found and by 64 KiB per variable field). */
static int read_raw(folio_zip_reader *r, folio_error *err)
{
	unsigned char h[46], *var = NULL;
	uint64_t off = 0, count = 0, *local = NULL;
	size_t names_cap = 0, names_len = 0;
	FILE *fp;
	size_t i;
	int rc = 0;

	if ((fp = fopen(r->path, "rb")) == NULL)
		return folio_error_set(err, FOLIO_EIO, "%s: cannot open: %m",
			r->path);
	if ((rc = find_cdir(&off, &count, fp, r->path, err)) < 0)
		goto done;
	if (count != r->count) {
		rc = folio_error_set(err, FOLIO_EINPUT, "%s: expected %zu "
			"central directory records, found %llu", r->path,
			r->count, (unsigned long long)count);
		goto done;
	}
	r->raw = calloc(r->count ? r->count : 1, sizeof(*r->raw));
	local = calloc(r->count ? r->count : 1, sizeof(*local));
	var = malloc(65536);
	if (r->raw == NULL || local == NULL || var == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	if (fseeko(fp, (off_t)off, SEEK_SET) != 0) {
		rc = raw_bad(err, r->path, "a central directory");
		goto done;
	}
	for (i = 0; i < r->count; i++) {
		const unsigned char *z64;
		size_t z64_len, nl, xl, cl, at = 0;
		if (fread(h, 1, 46, fp) != 46 || le32(h) != 0x02014b50) {
			rc = raw_bad(err, r->path, "a central directory "
				"record");
			goto done;
		}
		nl = le16(h + 28);
		xl = le16(h + 30);
		cl = le16(h + 32);
		if (fread(var, 1, nl, fp) != nl ||
		    fread(var + nl, 1, xl, fp) != xl ||
		    fseeko(fp, (off_t)cl, SEEK_CUR) != 0) {
			rc = raw_bad(err, r->path, "a central directory "
				"record");
			goto done;
		}
		if (keep_name(r, &names_cap, &names_len, var, nl,
			&r->raw[i]) < 0) {
			rc = folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
			goto done;
		}
		r->raw[i].name_len = (uint32_t)nl;
		r->raw[i].name_clen = (uint32_t)strnlen((const char *)var,
			nl);
		r->raw[i].extra_central = foreign_extra(var + nl, xl, &z64,
			&z64_len);
		local[i] = le32(h + 42);
		/* The ZIP64 field holds, in order, only the values whose
		 * header field is all ones (4.5.3). */
		if (le32(h + 24) == 0xffffffffu)
			at += 8;
		if (le32(h + 20) == 0xffffffffu)
			at += 8;
		if (local[i] == 0xffffffffu) {
			if (z64 == NULL || z64_len < at + 8) {
				rc = raw_bad(err, r->path, "a ZIP64 local "
					"header offset");
				goto done;
			}
			local[i] = le64(z64 + at);
		}
	}
	for (i = 0; i < r->count; i++) {
		const unsigned char *z64;
		size_t z64_len, xl;
		if (read_at(fp, local[i], h, 30) < 0 ||
		    le32(h) != 0x04034b50) {
			rc = raw_bad(err, r->path, "a local file header");
			goto done;
		}
		xl = le16(h + 28);
		if (fseeko(fp, (off_t)le16(h + 26), SEEK_CUR) != 0 ||
		    fread(var, 1, xl, fp) != xl) {
			rc = raw_bad(err, r->path, "a local file header");
			goto done;
		}
		r->raw[i].extra_local = foreign_extra(var, xl, &z64,
			&z64_len);
	}
done:
	free(var);
	free(local);
	fclose(fp);
	return rc;
}

int folio_zip_open_read(folio_zip_reader **out, const char *path,
	folio_error *err)
{
	folio_zip_reader *r;
	zip_int64_t n;
	int zerr = 0, rc;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (r == NULL || (r->path = strdup(path)) == NULL) {
		free(r);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	r->za = zip_open(path, ZIP_RDONLY, &zerr);
	if (r->za == NULL) {
		zip_error_t ze;
		zip_error_init_with_code(&ze, zerr);
		rc = lib_error(err, path, NULL, &ze);
		zip_error_fini(&ze);
		folio_zip_reader_free(r);
		return rc;
	}
	n = zip_get_num_entries(r->za, 0);
	if (n < 0 || (zip_uint64_t)n > FOLIO_ZIP_MAX_ENTRIES) {
		rc = folio_error_set(err, FOLIO_ELIMIT,
			"%s: %lld entries (the limit is %u)", path,
			(long long)n, FOLIO_ZIP_MAX_ENTRIES);
		folio_zip_reader_free(r);
		return rc;
	}
	r->count = (size_t)n;
	if ((rc = read_raw(r, err)) < 0) {
		folio_zip_reader_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

size_t folio_zip_count(const folio_zip_reader *r)
{
	return r->count;
}

int folio_zip_stat(folio_zip_entry *out, folio_zip_reader *r, size_t i,
	folio_error *err)
{
	zip_stat_t st;

	memset(out, 0, sizeof(*out));
	if (i >= r->count)
		return folio_error_set(err, FOLIO_EUSAGE,
			"%s: no entry %zu", r->path, i);
	zip_stat_init(&st);
	/* Raw: the name's bytes as stored, not converted from CP437. */
	if (zip_stat_index(r->za, (zip_uint64_t)i, ZIP_FL_ENC_RAW, &st) < 0)
		return lib_error(err, r->path, NULL, zip_get_error(r->za));
	out->name = st.name ? st.name : "";
	out->stored_name = r->names + r->raw[i].name_off;
	out->name_len = r->raw[i].name_len;
	out->name_clen = r->raw[i].name_clen;
	out->extra_local = r->raw[i].extra_local;
	out->extra_central = r->raw[i].extra_central;
	out->size = st.size;
	out->comp_size = st.comp_size;
	out->method = st.comp_method;
	out->stored = st.comp_method == ZIP_CM_STORE;
	return 0;
}

int folio_zip_stream_open(folio_zip_stream **out, folio_zip_reader *r,
	size_t i, uint64_t limit, folio_error *err)
{
	folio_zip_stream *s;
	folio_zip_entry e;
	int rc;

	*out = NULL;
	if ((rc = folio_zip_stat(&e, r, i, err)) < 0)
		return rc;
	if (e.size > limit)
		return folio_error_set(err, FOLIO_ELIMIT,
			"%s: %s: entry of %llu bytes exceeds the limit of %llu",
			r->path, e.name, (unsigned long long)e.size,
			(unsigned long long)limit);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	s->zf = zip_fopen_index(r->za, (zip_uint64_t)i, 0);
	if (s->zf == NULL) {
		free(s);
		return lib_error(err, r->path, e.name, zip_get_error(r->za));
	}
	s->r = r;
	s->name = e.name;
	s->size = e.size;
	s->limit = limit;
	*out = s;
	return 0;
}

int folio_zip_stream_read(size_t *out, folio_zip_stream *s, void *buf,
	size_t len, folio_error *err)
{
	zip_int64_t got;

	*out = 0;
	if (len == 0)
		return 0;
	/* libzip checks the CRC when the entry ends; the stated size is
	 * trusted only as a cap and checked at the end as well. */
	got = zip_fread(s->zf, buf, len);
	if (got < 0)
		return lib_error(err, s->r->path, s->name,
			zip_file_get_error(s->zf));
	s->total += (uint64_t)got;
	if (s->total > s->size || s->total > s->limit)
		return folio_error_set(err, FOLIO_ELIMIT,
			"%s: %s: entry is longer than it claims",
			s->r->path, s->name);
	if (got == 0 && s->total != s->size)
		return folio_error_set(err, FOLIO_EINPUT,
			"%s: %s: expected %llu bytes, found %llu", s->r->path,
			s->name, (unsigned long long)s->size,
			(unsigned long long)s->total);
	*out = (size_t)got;
	return 0;
}

void folio_zip_stream_close(folio_zip_stream *s)
{
	if (s == NULL)
		return;
	zip_fclose(s->zf);
	free(s);
}

int folio_zip_read_cb(folio_zip_reader *r, size_t i, uint64_t limit,
	folio_zip_sink sink, void *ctx, folio_error *err)
{
	folio_zip_stream *s;
	char chunk[65536];
	size_t got;
	int rc;

	if ((rc = folio_zip_stream_open(&s, r, i, limit, err)) < 0)
		return rc;
	do {
		if ((rc = folio_zip_stream_read(&got, s, chunk,
			sizeof(chunk), err)) < 0)
			break;
		if (got > 0 && (rc = sink(ctx, chunk, got)) < 0)
			break;
	} while (got > 0);
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
	folio_zip_entry e;
	int rc;

	if ((rc = folio_zip_stat(&e, r, i, err)) < 0)
		return rc;
	bs.name = e.name;
	/* Room for the stated size at once: growing by doubling would leave
	 * up to half of a large buffer unused (an archive's signature is
	 * tens of MB). The size is only a hint: the read still stops at the
	 * limits, and untouched memory costs nothing. */
	if (e.size < limit && e.size < (out->limit ? out->limit :
		FOLIO_BUF_DEFAULT_LIMIT) - out->len &&
	    out->len + e.size + 1 > out->cap) {
		size_t want = out->len + (size_t)e.size + 1;
		char *p = realloc(out->data, want);
		if (p != NULL) {
			out->data = p;
			out->cap = want;
		}
	}
	return folio_zip_read_cb(r, i, limit, to_buf, &bs, err);
}

void folio_zip_reader_free(folio_zip_reader *r)
{
	if (r == NULL)
		return;
	if (r->za != NULL)
		zip_discard(r->za);
	free(r->path);
	free(r->raw);
	free(r->names);
	free(r);
}
