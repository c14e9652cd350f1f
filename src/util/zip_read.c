/* zip_read.c - the strict zip_reading of a ZIP container (see zip.h): the
 * end records, the central directory, then every local header and the
 * layout of the file. Three passes, each over fixed-size records
 * (APPNOTE 4.3.7, 4.3.9, 4.3.12, 4.3.14-16), linear in the file's
 * metadata; the entries' data is read only by zip_stream.c. */
#include "util/zip_impl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file.h"
#include "util/utf8.h"

int zip_pread_all(int fd, void *buf, size_t n, uint64_t off)
{
	return folio_pread_all(fd, buf, n, off);
}

void folio_zip_printable(char *out, size_t outsz, const char *name,
	size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i = 0, o = 0;

	if (outsz == 0)
		return;
	while (i < len && o + 5 < outsz) {
		unsigned char c = (unsigned char)name[i];
		uint32_t cp;
		size_t n = c >= 0x80 ? folio_utf8_decode(name + i, len - i,
			&cp) : 1;
		if (c >= 0x20 && c != 0x7f && n > 0) {
			if (o + n >= outsz)
				break;
			memcpy(out + o, name + i, n);
			o += n;
			i += n;
			continue;
		}
		out[o++] = '\\';
		out[o++] = 'x';
		out[o++] = hex[c >> 4];
		out[o++] = hex[c & 15];
		i++;
	}
	out[o] = '\0';
}

int zip_refuse(zip_reading *rd, const char *name, size_t name_len,
	uint64_t off, const char *rule, const char *fmt, ...)
{
	folio_zip_fault *f = rd->fault;
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	folio_zip_printable(f->entry, sizeof(f->entry), name ? name : "",
		name ? name_len : 0);
	f->offset = off;
	f->rule = rule;
	if (name != NULL)
		return folio_error_set(rd->err, FOLIO_EINPUT, "%s: %s: %s "
			"(rule: %s, offset %llu)", rd->r->path, f->entry, what,
			rule, (unsigned long long)off);
	return folio_error_set(rd->err, FOLIO_EINPUT, "%s: %s (rule: %s, "
		"offset %llu)", rd->r->path, what, rule,
		(unsigned long long)off);
}

int zip_read_error(zip_reading *rd, uint64_t off)
{
	return folio_error_set(rd->err, FOLIO_EIO, "%s: cannot read at "
		"offset %llu: %s", rd->r->path, (unsigned long long)off,
		errno ? strerror(errno) : "short read");
}

/* ---- the end records --------------------------------------------- */

/* The end record must be the file's last 22 bytes (no comment). Say
 * precisely what is there instead. */
static int find_end(zip_reading *rd, const unsigned char *tail, size_t n,
	uint64_t t0)
{
	size_t end = n - END_LEN, k;
	long last = -1;

	if (le32(tail + end) == SIG_END && le16(tail + end + 20) == 0) {
		/* A second end record whose comment runs to the end of the
		 * file hides this one from readers that honour comments:
		 * the trick that makes libzip and unzip list different
		 * entries. */
		for (k = end; k-- > 0;)
			if (le32(tail + k) == SIG_END &&
			    k + END_LEN + le16(tail + k + 20) == n)
				return zip_refuse(rd, NULL, 0, t0 + k,
					"end-record", "two end of central "
					"directory records: one at offset %llu "
					"whose comment holds the other, at "
					"%llu (extractors disagree on which "
					"one counts)", (unsigned long long)
					(t0 + k), (unsigned long long)
					(t0 + end));
		rd->eocd_off = t0 + end;
		return 0;
	}
	for (k = end + 1; k-- > 0;)
		if (le32(tail + k) == SIG_END) {
			last = (long)k;
			break;
		}
	if (last < 0) {
		rd->fault->not_zip = 1;
		return zip_refuse(rd, NULL, 0, t0 + n, "end-record", "expected "
			"a ZIP end of central directory record, found none "
			"(not a ZIP archive)");
	}
	k = (size_t)last;
	if (k + END_LEN + le16(tail + k + 20) == n)
		return zip_refuse(rd, NULL, 0, t0 + k, "end-record", "expected no "
			"archive comment, found %u bytes of one (a comment can "
			"hide a second central directory)",
			le16(tail + k + 20));
	if (k + END_LEN + le16(tail + k + 20) < n)
		return zip_refuse(rd, NULL, 0, t0 + k + END_LEN, "end-record",
			"expected the end of central directory record to end "
			"the file, found %llu bytes after it",
			(unsigned long long)(n - k - END_LEN -
			le16(tail + k + 20)));
	return zip_refuse(rd, NULL, 0, t0 + k, "end-record", "the end record's "
		"comment (%u bytes) runs past the end of the file",
		le16(tail + k + 20));
}

static int read_zip64_end(zip_reading *rd, uint16_t n16, uint32_t size32,
	uint32_t off32)
{
	unsigned char loc[LOCATOR_LEN], z[Z64_END_LEN];
	uint64_t at = rd->eocd_off - LOCATOR_LEN, z64, here;

	if (zip_pread_all(rd->r->fd, loc, sizeof(loc), at) < 0)
		return zip_read_error(rd, at);
	z64 = le64(loc + 8);
	if (le32(loc + 4) != 0 || le32(loc + 16) != 1)
		return zip_refuse(rd, NULL, 0, at, "zip64", "expected a ZIP64 "
			"locator for one disk, found disk %u of %u",
			le32(loc + 4), le32(loc + 16));
	if (at < Z64_END_LEN || z64 != at - Z64_END_LEN)
		return zip_refuse(rd, NULL, 0, at, "zip64", "expected the ZIP64 "
			"end record right before its locator, at offset %llu, "
			"found the locator pointing at %llu",
			(unsigned long long)(at >= Z64_END_LEN ?
			at - Z64_END_LEN : 0), (unsigned long long)z64);
	if (zip_pread_all(rd->r->fd, z, sizeof(z), z64) < 0)
		return zip_read_error(rd, z64);
	if (le32(z) != SIG_Z64_END || le64(z + 4) != Z64_END_LEN - 12)
		return zip_refuse(rd, NULL, 0, z64, "zip64", "expected a ZIP64 end "
			"of central directory record of 56 bytes, found %s",
			le32(z) != SIG_Z64_END ? "another signature" :
			"another length");
	if ((le16(z + 14) & 0xff) > MAX_VERSION_NEEDED)
		return zip_refuse(rd, NULL, 0, z64, "zip64", "version needed %u "
			"(expected at most 45)", le16(z + 14) & 0xff);
	here = le64(z + 24);
	rd->count = le64(z + 32);
	rd->cd_size = le64(z + 40);
	rd->cd_off = le64(z + 48);
	if (le32(z + 16) != 0 || le32(z + 20) != 0 || here != rd->count)
		return zip_refuse(rd, NULL, 0, z64, "zip64", "expected one disk "
			"holding all %llu entries, found another layout",
			(unsigned long long)rd->count);
	/* The classic record repeats each value, or marks it all ones. */
	if ((n16 != 0xffffu && n16 != rd->count) ||
	    (size32 != 0xffffffffu && size32 != rd->cd_size) ||
	    (off32 != 0xffffffffu && off32 != rd->cd_off))
		return zip_refuse(rd, NULL, 0, rd->eocd_off, "zip64", "the end "
			"record (%u entries, %u bytes at %u) contradicts the "
			"ZIP64 end record (%llu entries, %llu bytes at %llu)",
			n16, size32, off32, (unsigned long long)rd->count,
			(unsigned long long)rd->cd_size,
			(unsigned long long)rd->cd_off);
	rd->cd_end = z64;
	return 0;
}

static int read_end(zip_reading *rd)
{
	unsigned char *tail, *e;
	uint64_t size = rd->r->file_size, t0;
	size_t n;
	uint16_t n_here, n16;
	uint32_t size32, off32;
	int rc;

	if (size < END_LEN) {
		rd->fault->not_zip = 1;
		return zip_refuse(rd, NULL, 0, 0, "end-record", "expected a ZIP "
			"archive, found %llu bytes", (unsigned long long)size);
	}
	n = size < END_LEN + MAX_COMMENT ? (size_t)size : END_LEN + MAX_COMMENT;
	t0 = size - n;
	if ((tail = malloc(n)) == NULL)
		return folio_error_set(rd->err, FOLIO_ENOMEM, "out of memory");
	if (zip_pread_all(rd->r->fd, tail, n, t0) < 0) {
		free(tail);
		return zip_read_error(rd, t0);
	}
	if ((rc = find_end(rd, tail, n, t0)) < 0) {
		free(tail);
		return rc;
	}
	e = tail + (rd->eocd_off - t0);
	n_here = le16(e + 8);
	n16 = le16(e + 10);
	size32 = le32(e + 12);
	off32 = le32(e + 16);
	if (le16(e + 4) != 0 || le16(e + 6) != 0 || n_here != n16)
		rc = zip_refuse(rd, NULL, 0, rd->eocd_off, "end-record", "expected "
			"one disk holding all entries, found disk %u, "
			"directory on disk %u, %u of %u entries", le16(e + 4),
			le16(e + 6), n_here, n16);
	free(tail);
	if (rc < 0)
		return rc;
	if (rd->eocd_off >= LOCATOR_LEN) {
		unsigned char sig[4];
		if (zip_pread_all(rd->r->fd, sig, 4, rd->eocd_off -
			LOCATOR_LEN) < 0)
			return zip_read_error(rd, rd->eocd_off - LOCATOR_LEN);
		if (le32(sig) == SIG_Z64_LOCATOR)
			return read_zip64_end(rd, n16, size32, off32);
	}
	if (n16 == 0xffffu || size32 == 0xffffffffu || off32 == 0xffffffffu)
		return zip_refuse(rd, NULL, 0, rd->eocd_off, "zip64", "the end "
			"record marks ZIP64 values, found no ZIP64 locator");
	rd->count = n16;
	rd->cd_size = size32;
	rd->cd_off = off32;
	rd->cd_end = rd->eocd_off;
	return 0;
}

/* ---- the central directory ---------------------------------------- */

typedef struct cursor {
	int fd;
	uint64_t pos;           /* file offset of buf[0] */
	uint64_t end;           /* never read at or past this */
	unsigned char *buf;
	size_t cap, have, at;
} cursor;

/* n bytes at the cursor, or -1 (the area ends first) / -2 (I/O). */
static int cursor_need(cursor *c, size_t n)
{
	uint64_t left;
	size_t want;

	if (c->have - c->at >= n)
		return 0;
	memmove(c->buf, c->buf + c->at, c->have - c->at);
	c->pos += c->at;
	c->have -= c->at;
	c->at = 0;
	left = c->end - (c->pos + c->have);
	want = c->cap - c->have;
	if (want > left)
		want = (size_t)left;
	if (c->have + want < n)
		return -1;
	if (want > 0 && zip_pread_all(c->fd, c->buf + c->have, want,
		c->pos + c->have) < 0)
		return -2;
	c->have += want;
	return 0;
}

static const char *extra_kind(unsigned id)
{
	switch (id) {
	case 0x5455: return "an extended time stamp";
	case 0x7075: return "an Info-ZIP Unicode path (unzip would extract "
		"the entry under the name it holds)";
	case 0x6375: return "an Info-ZIP Unicode comment";
	case 0x7875: case 0x5855: return "Unix owner and times";
	case 0x000a: return "NTFS times";
	case 0x9901: return "AES encryption";
	default: return "an unknown field";
	}
}

/* Extra block x[0..n): nothing but one ZIP64 field; *z64 and *z64_len
 * say where it is (NULL if absent). */
int zip_only_zip64(zip_reading *rd, const char *name, size_t nlen,
	uint64_t off, const unsigned char *x, size_t n,
	const unsigned char **z64, size_t *z64_len)
{
	size_t at = 0;

	*z64 = NULL;
	*z64_len = 0;
	while (at < n) {
		unsigned id, len;
		if (n - at < 4 || (size_t)le16(x + at + 2) > n - at - 4)
			return zip_refuse(rd, name, nlen, off, "extra-field",
				"expected no extra field, found a torn one of "
				"%zu bytes", n);
		id = le16(x + at);
		len = le16(x + at + 2);
		if (id != ID_ZIP64)
			return zip_refuse(rd, name, nlen, off, "extra-field",
				"expected no extra field but ZIP64, found "
				"field 0x%04X of %u bytes, %s", id, len,
				extra_kind(id));
		if (*z64 != NULL)
			return zip_refuse(rd, name, nlen, off, "extra-field",
				"expected at most one ZIP64 field, found two");
		*z64 = x + at + 4;
		*z64_len = len;
		at += 4 + len;
	}
	return 0;
}

static const char *file_type(uint32_t mode)
{
	switch (mode & 0170000u) {
	case 0040000u: return "a directory";
	case 0120000u: return "a symbolic link";
	case 0020000u: case 0060000u: return "a device";
	case 0010000u: return "a FIFO";
	case 0140000u: return "a socket";
	case 0: return "no file type";
	default: return "an unknown file type";
	}
}

/* External attributes of a plain file, from MS-DOS or Unix. */
static int check_attributes(zip_reading *rd, const char *name, size_t nlen,
	uint64_t off, uint16_t made_by, uint16_t internal, uint32_t external,
	uint16_t *mode)
{
	unsigned host = made_by >> 8;
	uint32_t umode = external >> 16;

	*mode = 0;
	if (internal & ~1u)
		return zip_refuse(rd, name, nlen, off, "attributes", "expected "
			"internal attributes 0 or 1, found 0x%04X", internal);
	if (host != 0 && host != 3)
		return zip_refuse(rd, name, nlen, off, "attributes", "expected "
			"attributes from MS-DOS (0) or Unix (3), found host "
			"system %u", host);
	if (external & 0x18u)
		return zip_refuse(rd, name, nlen, off, "attributes", "expected a "
			"regular file, found the MS-DOS %s attribute",
			external & 0x10u ? "directory" : "volume label");
	if (host == 3) {
		if ((umode & 0170000u) != 0100000u)
			return zip_refuse(rd, name, nlen, off, "attributes",
				"expected a regular file, found %s (mode "
				"%06o)", file_type(umode), umode);
		if (umode & 07000u)
			return zip_refuse(rd, name, nlen, off, "attributes",
				"expected plain permissions, found the %s bit "
				"(mode %06o)", umode & 04000u ? "setuid" :
				umode & 02000u ? "setgid" : "sticky", umode);
		*mode = (uint16_t)(umode & 0777u);
	}
	return 0;
}

static int check_name(zip_reading *rd, const char *name, size_t nlen,
	uint64_t off, uint16_t flags)
{
	const char *nul = memchr(name, '\0', nlen);
	size_t i;

	if (nlen == 0)
		return zip_refuse(rd, name, nlen, off, "name", "expected a name, "
			"found an empty one");
	if (nlen > FOLIO_ZIP_MAX_NAME)
		return zip_refuse(rd, name, nlen, off, "name", "expected a name of "
			"at most %u bytes, found %zu", FOLIO_ZIP_MAX_NAME,
			nlen);
	if (nul != NULL)
		return zip_refuse(rd, name, nlen, off, "name", "a NUL byte after %zu "
			"of its %zu bytes (readers disagree on where the name "
			"ends)", (size_t)(nul - name), nlen);
	if (name[nlen - 1] == '/')
		return zip_refuse(rd, name, nlen, off, "name", "expected a file, "
			"found a folder entry");
	for (i = 0; i < nlen && (unsigned char)name[i] < 0x80; i++)
		;
	if (i < nlen && !(flags & FLAG_UTF8))
		return zip_refuse(rd, name, nlen, off, "name", "a non-ASCII name "
			"without the UTF-8 flag (bit 11): extractors would "
			"read it as CP437");
	if ((flags & FLAG_UTF8) && folio_utf8_check(name, nlen) != nlen)
		return zip_refuse(rd, name, nlen, off, "name", "flagged UTF-8, but "
			"not valid UTF-8");
	return 0;
}

static int check_flags(zip_reading *rd, const char *name, size_t nlen,
	uint64_t off, uint16_t flags, uint16_t method, uint16_t needed)
{
	uint16_t other = (uint16_t)(flags & ~(FLAG_DEFLATE_OPTIONS |
		FLAG_DESCRIPTOR | FLAG_UTF8));

	if (other)
		return zip_refuse(rd, name, nlen, off, "flags", "expected no flags "
			"but compression options, data descriptor and UTF-8, "
			"found 0x%04X%s", other, other & 0x0041u ?
			" (encrypted)" : other & 0x2000u ?
			" (masked local headers)" : "");
	if (method != 0 && method != 8)
		return zip_refuse(rd, name, nlen, off, "method", "expected stored "
			"(0) or deflated (8), found method %u", method);
	if ((flags & (FLAG_DEFLATE_OPTIONS | FLAG_DESCRIPTOR)) && method != 8)
		return zip_refuse(rd, name, nlen, off, "flags", "expected no "
			"compression options or data descriptor on a stored "
			"entry (streaming readers could not find its end), "
			"found flags 0x%04X", flags);
	if ((needed & 0xff) > MAX_VERSION_NEEDED)
		return zip_refuse(rd, name, nlen, off, "flags", "expected version "
			"needed at most 4.5, found %u.%u", (needed & 0xff) / 10,
			(needed & 0xff) % 10);
	return 0;
}

static int keep_name(zip_reading *rd, zip_rec *rec, const char *name,
	size_t nlen)
{
	folio_zip_reader *r = rd->r;

	if (rd->names_len + nlen + 1 > rd->names_cap) {
		uint64_t cap = rd->names_cap ? 2 * rd->names_cap : 65536;
		char *p;
		while (cap < rd->names_len + nlen + 1)
			cap *= 2;
		if (rd->names_len + nlen + 1 > MAX_NAME_BYTES)
			return folio_error_set(rd->err, FOLIO_ELIMIT, "%s: the "
				"entry names exceed %llu bytes", r->path,
				(unsigned long long)MAX_NAME_BYTES);
		if (cap > MAX_NAME_BYTES)
			cap = MAX_NAME_BYTES;
		if ((p = realloc(r->names, (size_t)cap)) == NULL)
			return folio_error_set(rd->err, FOLIO_ENOMEM,
				"out of memory");
		r->names = p;
		rd->names_cap = cap;
	}
	memcpy(r->names + rd->names_len, name, nlen);
	r->names[rd->names_len + nlen] = '\0';
	rec->name_off = rd->names_len;
	rec->name_len = (uint32_t)nlen;
	rd->names_len += nlen + 1;
	return 0;
}

/* One central record at h (total bytes long, all available). */
static int central_record(zip_reading *rd, size_t i, const unsigned char *h,
	uint64_t off)
{
	zip_rec *rec = &rd->r->rec[i];
	const char *name = (const char *)h + CENTRAL_LEN;
	const unsigned char *z64;
	size_t nlen = le16(h + 28), xlen = le16(h + 30), z64_len, want = 0;
	uint16_t flags = le16(h + 8), method = le16(h + 10);
	uint32_t csize32 = le32(h + 20), usize32 = le32(h + 24);
	uint32_t loff32 = le32(h + 42);
	int rc;

	if ((rc = check_name(rd, name, nlen, off, flags)) < 0 ||
	    (rc = check_flags(rd, name, nlen, off, flags, method,
		le16(h + 6))) < 0 ||
	    (rc = check_attributes(rd, name, nlen, off, le16(h + 4),
		le16(h + 36), le32(h + 38), &rec->mode)) < 0 ||
	    (rc = zip_only_zip64(rd, name, nlen, off, h + CENTRAL_LEN + nlen,
		xlen, &z64, &z64_len)) < 0)
		return rc;
	if (le16(h + 32) != 0)
		return zip_refuse(rd, name, nlen, off, "central-directory",
			"expected no file comment, found %u bytes of one",
			le16(h + 32));
	if (le16(h + 34) != 0)
		return zip_refuse(rd, name, nlen, off, "central-directory",
			"expected disk 0, found disk %u", le16(h + 34));
	/* The ZIP64 field holds, in order, exactly the values marked all
	 * ones (APPNOTE 4.5.3): no more, no fewer. */
	want = (usize32 == 0xffffffffu) * 8u + (csize32 == 0xffffffffu) * 8u +
		(loff32 == 0xffffffffu) * 8u;
	if ((z64 != NULL || want > 0) && (z64 == NULL || z64_len != want))
		return zip_refuse(rd, name, nlen, off, "extra-field", "expected a "
			"ZIP64 field of %zu bytes (for the values marked "
			"0xFFFFFFFF), found %s of %zu bytes", want,
			z64 ? "one" : "none", z64 ? z64_len : 0);
	rec->size = usize32;
	rec->comp_size = csize32;
	rec->offset = loff32;
	if (usize32 == 0xffffffffu)
		rec->size = le64(z64), z64 += 8;
	if (csize32 == 0xffffffffu)
		rec->comp_size = le64(z64), z64 += 8;
	if (loff32 == 0xffffffffu)
		rec->offset = le64(z64);
	if (method == 0 && rec->comp_size != rec->size)
		return zip_refuse(rd, name, nlen, off, "method", "stored, but %llu "
			"bytes of data for %llu bytes of content",
			(unsigned long long)rec->comp_size,
			(unsigned long long)rec->size);
	rec->crc = le32(h + 16);
	rec->method = method;
	rd->flags[i] = flags;
	rd->dostime[i] = le16(h + 12);
	rd->dosdate[i] = le16(h + 14);
	return keep_name(rd, rec, name, nlen);
}

static int read_central(zip_reading *rd)
{
	folio_zip_reader *r = rd->r;
	cursor c;
	size_t i;
	int rc = 0;

	if (rd->cd_off > rd->cd_end || rd->cd_end - rd->cd_off != rd->cd_size)
		return zip_refuse(rd, NULL, 0, rd->cd_off, "central-directory",
			"expected the central directory (%llu bytes at offset "
			"%llu) to end where the end records start, at %llu",
			(unsigned long long)rd->cd_size,
			(unsigned long long)rd->cd_off,
			(unsigned long long)rd->cd_end);
	if (rd->count > FOLIO_ZIP_MAX_ENTRIES)
		return folio_error_set(rd->err, FOLIO_ELIMIT, "%s: %llu entries "
			"(the limit is %u)", r->path,
			(unsigned long long)rd->count, FOLIO_ZIP_MAX_ENTRIES);
	if (rd->count > rd->cd_size / CENTRAL_LEN)
		return zip_refuse(rd, NULL, 0, rd->eocd_off, "central-directory",
			"the end record says %llu entries, more than %llu "
			"bytes of central directory can hold",
			(unsigned long long)rd->count,
			(unsigned long long)rd->cd_size);
	r->count = (size_t)rd->count;
	r->rec = calloc(r->count ? r->count : 1, sizeof(*r->rec));
	rd->flags = calloc(r->count ? r->count : 1, 3 * sizeof(uint16_t));
	memset(&c, 0, sizeof(c));
	c.fd = r->fd;
	c.pos = rd->cd_off;
	c.end = rd->cd_end;
	c.cap = CURSOR_BYTES;
	c.buf = malloc(c.cap);
	if (r->rec == NULL || rd->flags == NULL || c.buf == NULL) {
		rc = folio_error_set(rd->err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	rd->dostime = rd->flags + r->count;
	rd->dosdate = rd->dostime + r->count;
	for (i = 0; i < r->count; i++) {
		uint64_t off = c.pos + c.at;
		size_t total;
		int got = cursor_need(&c, CENTRAL_LEN);
		if (got == -2) {
			rc = zip_read_error(rd, off);
			goto done;
		}
		if (got < 0 || le32(c.buf + c.at) != SIG_CENTRAL) {
			rc = zip_refuse(rd, NULL, 0, off, "central-directory",
				"expected central directory record %zu of "
				"%zu, found %s", i + 1, r->count, got < 0 ?
				"the end of the directory" :
				"another signature");
			goto done;
		}
		total = CENTRAL_LEN + (size_t)le16(c.buf + c.at + 28) +
			le16(c.buf + c.at + 30) + le16(c.buf + c.at + 32);
		got = cursor_need(&c, total);
		if (got == -2) {
			rc = zip_read_error(rd, off);
			goto done;
		}
		if (got < 0) {
			rc = zip_refuse(rd, NULL, 0, off, "central-directory",
				"central directory record %zu runs past the "
				"end of the directory", i + 1);
			goto done;
		}
		if ((rc = central_record(rd, i, c.buf + c.at, off)) < 0)
			goto done;
		c.at += total;
	}
	if (c.pos + c.at != rd->cd_end)
		rc = zip_refuse(rd, NULL, 0, c.pos + c.at, "central-directory",
			"the end record says %zu entries, but %llu more bytes "
			"of central directory follow the last one", r->count,
			(unsigned long long)(rd->cd_end - c.pos - c.at));
done:
	free(c.buf);
	return rc;
}

int folio_zip_open_read(folio_zip_reader **out, const char *path,
	folio_zip_fault *fault, folio_error *err)
{
	folio_zip_fault ignored;
	folio_zip_reader *r;
	struct stat st;
	zip_reading rd;
	int rc;

	*out = NULL;
	if (fault == NULL)
		fault = &ignored;
	memset(fault, 0, sizeof(*fault));
	memset(&rd, 0, sizeof(rd));
	r = calloc(1, sizeof(*r));
	if (r == NULL || (r->path = strdup(path)) == NULL) {
		free(r);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	r->fd = -1;
	rd.r = r;
	rd.fault = fault;
	rd.err = err;
	if ((rc = folio_file_open_regular(&r->fd, path, err)) < 0)
		goto done;
	if (fstat(r->fd, &st) != 0) {
		rc = folio_error_set(err, FOLIO_EIO, "%s: cannot stat: %s",
			path, strerror(errno));
		goto done;
	}
	r->file_size = (uint64_t)st.st_size;
	if ((rc = read_end(&rd)) < 0 ||
	    (rc = read_central(&rd)) < 0 ||
	    (rc = zip_check_layout(&rd)) < 0)
		goto done;
	*out = r;
	r = NULL;
done:
	free(rd.flags);
	folio_zip_reader_free(r);
	return rc;
}

size_t folio_zip_count(const folio_zip_reader *r)
{
	return r->count;
}

int folio_zip_stat(folio_zip_entry *out, folio_zip_reader *r, size_t i,
	folio_error *err)
{
	const zip_rec *rec;

	memset(out, 0, sizeof(*out));
	if (i >= r->count)
		return folio_error_set(err, FOLIO_EUSAGE,
			"%s: no entry %zu", r->path, i);
	rec = &r->rec[i];
	out->name = r->names + rec->name_off;
	out->name_len = rec->name_len;
	out->size = rec->size;
	out->comp_size = rec->comp_size;
	out->offset = rec->offset;
	out->crc = rec->crc;
	out->method = rec->method;
	out->stored = rec->method == 0;
	out->mode = rec->mode;
	return 0;
}

void folio_zip_reader_free(folio_zip_reader *r)
{
	if (r == NULL)
		return;
	if (r->fd >= 0)
		close(r->fd);
	free(r->path);
	free(r->rec);
	free(r->names);
	free(r);
}
