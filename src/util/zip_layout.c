/* zip_layout.c - the strict reading's last pass (see zip.h): every
 * local header where its central record says and equal to it, data
 * descriptors equal too, and the entries laid end to end from byte 0 to
 * the central directory, with no byte that belongs to no entry. */
#include "util/zip_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A local size field must say what the central directory says (or 0
 * before a data descriptor, or all ones with a ZIP64 field). */
static int local_size_ok(uint64_t got, uint64_t want, int descriptor,
	int z64)
{
	return got == want || (descriptor && got == 0) ||
		(z64 && got == 0xffffffffu);
}

static int read_descriptor(zip_reading *rd, size_t i, uint64_t at, int wide,
	uint64_t *out_len)
{
	const zip_rec *rec = &rd->r->rec[i];
	const char *name = rd->r->names + rec->name_off;
	unsigned char d[24];
	uint64_t avail = rd->cd_off - at, len, csize, usize;
	size_t n = avail < sizeof(d) ? (size_t)avail : sizeof(d), k = 0;

	if (n > 0 && zip_pread_all(rd->r->fd, d, n, at) < 0)
		return zip_read_error(rd, at);
	if (n >= 4 && le32(d) == SIG_DESCRIPTOR)
		k = 4;
	len = k + 4 + (wide ? 16u : 8u);
	if (len > n)
		return zip_refuse(rd, name, rec->name_len, at, "descriptor",
			"expected a data descriptor after the data, found the "
			"central directory");
	csize = wide ? le64(d + k + 4) : le32(d + k + 4);
	usize = wide ? le64(d + k + 12) : le32(d + k + 8);
	if (le32(d + k) != rec->crc || csize != rec->comp_size ||
	    usize != rec->size)
		return zip_refuse(rd, name, rec->name_len, at, "descriptor",
			"its data descriptor (CRC %08X, %llu bytes for %llu) "
			"differs from the central directory (CRC %08X, %llu "
			"for %llu)", le32(d + k), (unsigned long long)csize,
			(unsigned long long)usize, rec->crc,
			(unsigned long long)rec->comp_size,
			(unsigned long long)rec->size);
	*out_len = len;
	return 0;
}

static int local_header(zip_reading *rd, size_t i, unsigned char *buf,
	uint64_t *out_end)
{
	zip_rec *rec = &rd->r->rec[i];
	const char *name = rd->r->names + rec->name_off;
	size_t nlen = rec->name_len, lnlen, lxlen, z64_len, have;
	uint64_t off = rec->offset, csize, usize, end, dlen = 0;
	const unsigned char *z64;
	int desc = (rd->flags[i] & FLAG_DESCRIPTOR) != 0, rc;
	char shown[4 * FOLIO_ZIP_MAX_NAME + 1];

	if (off > rd->cd_off || rd->cd_off - off < LOCAL_LEN)
		return zip_refuse(rd, name, nlen, off, "local-header", "expected "
			"a local header at offset %llu, found the central "
			"directory", (unsigned long long)off);
	/* One read holds the header, name and extra field of almost any
	 * entry; a second only for long ones. */
	have = rd->cd_off - off < LOCAL_GUESS ? (size_t)(rd->cd_off - off) :
		LOCAL_GUESS;
	if (zip_pread_all(rd->r->fd, buf, have, off) < 0)
		return zip_read_error(rd, off);
	if (le32(buf) != SIG_LOCAL)
		return zip_refuse(rd, name, nlen, off, "local-header", "expected "
			"a local header at offset %llu, found another "
			"signature", (unsigned long long)off);
	lnlen = le16(buf + 26);
	lxlen = le16(buf + 28);
	if (rd->cd_off - off - LOCAL_LEN < lnlen + lxlen)
		return zip_refuse(rd, name, nlen, off, "local-header", "its local "
			"header runs into the central directory");
	if (LOCAL_LEN + lnlen + lxlen > have &&
	    zip_pread_all(rd->r->fd, buf + have, LOCAL_LEN + lnlen + lxlen -
		have, off + have) < 0)
		return zip_read_error(rd, off);
	if (lnlen != nlen || memcmp(buf + LOCAL_LEN, name, nlen) != 0) {
		folio_zip_printable(shown, sizeof(shown),
			(const char *)buf + LOCAL_LEN, lnlen);
		return zip_refuse(rd, name, nlen, off, "local-header", "its local "
			"header names it '%s' (extractors that stream local "
			"headers would write that file)", shown);
	}
	if (le16(buf + 6) != rd->flags[i] || le16(buf + 8) != rec->method ||
	    le16(buf + 10) != rd->dostime[i] ||
	    le16(buf + 12) != rd->dosdate[i])
		return zip_refuse(rd, name, nlen, off, "local-header", "its local "
			"header says flags 0x%04X, method %u, time %04X %04X; "
			"the central directory says 0x%04X, %u, %04X %04X",
			le16(buf + 6), le16(buf + 8), le16(buf + 10),
			le16(buf + 12), rd->flags[i], rec->method,
			rd->dostime[i], rd->dosdate[i]);
	if ((le16(buf + 4) & 0xff) > MAX_VERSION_NEEDED)
		return zip_refuse(rd, name, nlen, off, "local-header", "expected "
			"version needed at most 4.5 in its local header, found "
			"%u", le16(buf + 4) & 0xff);
	if ((rc = zip_only_zip64(rd, name, nlen, off, buf + LOCAL_LEN + lnlen,
		lxlen, &z64, &z64_len)) < 0)
		return rc;
	if (z64 != NULL && z64_len != 16)
		return zip_refuse(rd, name, nlen, off, "extra-field", "expected "
			"its local ZIP64 field to hold both sizes (16 bytes), "
			"found %zu bytes", z64_len);
	usize = le32(buf + 22);
	csize = le32(buf + 18);
	if (!(le32(buf + 14) == rec->crc || (desc && le32(buf + 14) == 0)) ||
	    !local_size_ok(usize, rec->size, desc, z64 != NULL) ||
	    !local_size_ok(csize, rec->comp_size, desc, z64 != NULL) ||
	    (z64 != NULL && (!local_size_ok(le64(z64), rec->size, desc, 0) ||
	     !local_size_ok(le64(z64 + 8), rec->comp_size, desc, 0))) ||
	    (z64 == NULL && !desc && rec->size >= 0xffffffffu))
		return zip_refuse(rd, name, nlen, off, "local-header", "its local "
			"header says CRC %08X, %llu bytes for %llu; the central "
			"directory says CRC %08X, %llu for %llu", le32(buf + 14),
			(unsigned long long)(z64 ? le64(z64 + 8) : csize),
			(unsigned long long)(z64 ? le64(z64) : usize), rec->crc,
			(unsigned long long)rec->comp_size,
			(unsigned long long)rec->size);
	rec->data_off = off + LOCAL_LEN + lnlen + lxlen;
	if (rd->cd_off - rec->data_off < rec->comp_size)
		return zip_refuse(rd, name, nlen, rec->data_off, "layout", "its "
			"%llu bytes of data run into the central directory",
			(unsigned long long)rec->comp_size);
	end = rec->data_off + rec->comp_size;
	if (desc && (rc = read_descriptor(rd, i, end, z64 != NULL, &dlen)) < 0)
		return rc;
	*out_end = end + dlen;
	return 0;
}

/* Every local header where its central record says, and together with
 * the data they fill the file from byte 0 to the central directory. */
int zip_check_layout(zip_reading *rd)
{
	folio_zip_reader *r = rd->r;
	unsigned char *buf = malloc(LOCAL_LEN + 2 * 65535);
	uint64_t next = 0;
	size_t i;
	int rc = 0;

	if (buf == NULL)
		return folio_error_set(rd->err, FOLIO_ENOMEM, "out of memory");
	for (i = 0; i < r->count && rc == 0; i++) {
		const zip_rec *rec = &r->rec[i];
		const char *name = r->names + rec->name_off;
		if (rec->offset > next)
			rc = zip_refuse(rd, name, rec->name_len, next, "layout",
				i == 0 ? "%llu bytes before its local header "
				"belong to no entry (prepended data)" : "%llu "
				"bytes between the previous entry and this one "
				"belong to no entry",
				(unsigned long long)(rec->offset - next));
		else if (rec->offset < next)
			rc = zip_refuse(rd, name, rec->name_len, rec->offset,
				"layout", "its local header at offset %llu lies "
				"inside the previous entry, which ends at %llu "
				"(overlapping entries)",
				(unsigned long long)rec->offset,
				(unsigned long long)next);
		else
			rc = local_header(rd, i, buf, &next);
	}
	if (rc == 0 && next != rd->cd_off)
		rc = zip_refuse(rd, NULL, 0, next, "layout", "%llu bytes between "
			"the last entry and the central directory belong to no "
			"entry", (unsigned long long)(rd->cd_off - next));
	free(buf);
	return rc;
}
