/* Unit tests for the ZIP adapter: the writer's output read back, the
 * strict reader on archives built byte by byte here (every rule, each
 * with the entry and the rule named), and entry streaming. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util/digest.h"
#include "util/file.h"
#include "util/zip.h"

#define TMP_FIXTURE_NAME "zip"
#include "tmp_fixture.h"

/* ---- a byte-level ZIP builder ------------------------------------- */

typedef struct ent {
	const char *name;
	const char *data;
	int deflate;
	uint16_t flags;          /* extra general purpose bits */
	int dos;                 /* made by MS-DOS (no Unix mode), not Unix */
	uint32_t mode;           /* default 0100644 */
	uint32_t dos_attr;
	int descriptor;          /* 1: without signature, 2: with */
	int z64_central;         /* sizes and offset as 0xFFFFFFFF + ZIP64 */
	int z64_local;           /* a 16-byte local ZIP64 field */
	const char *local_name;  /* a different name in the local header */
	const unsigned char *cx; /* extra field, central */
	size_t cxn;
	const unsigned char *lx; /* extra field, local */
	size_t lxn;
	uint32_t local_crc_xor;
	size_t trailing;         /* junk after the deflate stream */
	size_t nlen;             /* name length if it holds a NUL */
} ent;

typedef struct layout {
	size_t prepend, gap, trailer, comment;
	int count_delta;
	int zip64_end;
	int second_end;          /* an end record hidden in the comment */
	int overlap;             /* entry 2's offset points at entry 1 */
} layout;

typedef struct out {
	unsigned char *b;
	size_t n, cap;
} out;

static void put(out *o, const void *p, size_t n)
{
	assert_true(o->n + n <= o->cap);
	if (n == 0)
		return;
	memcpy(o->b + o->n, p, n);
	o->n += n;
}

static void put16(out *o, unsigned v)
{
	unsigned char b[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
	put(o, b, 2);
}

static void put32(out *o, uint32_t v)
{
	put16(o, v & 0xffff);
	put16(o, v >> 16);
}

static void put64(out *o, uint64_t v)
{
	put32(o, (uint32_t)v);
	put32(o, (uint32_t)(v >> 32));
}

static size_t raw_deflate(unsigned char *dst, size_t cap, const char *src,
	size_t n)
{
	z_stream z;

	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, -MAX_WBITS, 8,
		Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)src;
	z.avail_in = (uInt)n;
	z.next_out = dst;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	n = cap - z.avail_out;
	deflateEnd(&z);
	return n;
}

static void build(const char *path, ent *es, size_t n, const layout *l)
{
	out o = {calloc(1, 1 << 20), 0, 1 << 20};
	uint64_t off[8], cd, cd_size;
	unsigned char comp[8][4096];
	size_t clen[8], i, k;
	FILE *fp;

	assert_true(n <= 8);
	for (k = 0; k < l->prepend; k++)
		put(&o, "P", 1);
	for (i = 0; i < n; i++) {
		ent *e = &es[i];
		const char *lname = e->local_name ? e->local_name : e->name;
		size_t len = strlen(e->data);
		size_t nlen = e->nlen ? e->nlen : strlen(e->name);
		size_t lnlen = e->local_name ? strlen(lname) : nlen;
		uint32_t crc = (uint32_t)crc32(0, (const Bytef *)e->data,
			(uInt)len);
		uint16_t flags = (uint16_t)(e->flags |
			(e->descriptor ? 8 : 0));
		if (e->deflate)
			clen[i] = raw_deflate(comp[i], sizeof(comp[i]),
				e->data, len);
		else
			memcpy(comp[i], e->data, clen[i] = len);
		for (k = 0; k < e->trailing; k++)
			comp[i][clen[i]++] = 0x55;
		off[i] = o.n;
		put32(&o, 0x04034b50);
		put16(&o, e->z64_local ? 45 : 20);
		put16(&o, flags);
		put16(&o, e->deflate ? 8 : 0);
		put16(&o, 0);
		put16(&o, 0x21);
		put32(&o, e->descriptor ? 0 : crc ^ e->local_crc_xor);
		put32(&o, e->descriptor ? 0 : (uint32_t)clen[i]);
		put32(&o, e->descriptor ? 0 : (uint32_t)len);
		put16(&o, (unsigned)lnlen);
		put16(&o, (unsigned)(e->lxn + (e->z64_local ? 20 : 0)));
		put(&o, lname, lnlen);
		if (e->z64_local) {
			put16(&o, 1);
			put16(&o, 16);
			put64(&o, len);
			put64(&o, clen[i]);
		}
		put(&o, e->lx, e->lxn);
		put(&o, comp[i], clen[i]);
		if (e->descriptor) {
			if (e->descriptor == 2)
				put32(&o, 0x08074b50);
			put32(&o, crc);
			if (e->z64_local) {
				put64(&o, clen[i]);
				put64(&o, len);
			} else {
				put32(&o, (uint32_t)clen[i]);
				put32(&o, (uint32_t)len);
			}
		}
		if (i == 0)
			for (k = 0; k < l->gap; k++)
				put(&o, "G", 1);
	}
	if (l->overlap && n > 1)
		off[1] = off[0];
	cd = o.n;
	for (i = 0; i < n; i++) {
		ent *e = &es[i];
		size_t len = strlen(e->data);
		size_t nlen = e->nlen ? e->nlen : strlen(e->name);
		put32(&o, 0x02014b50);
		put16(&o, (unsigned)((e->dos ? 0 : 3) << 8 | 63));
		put16(&o, e->z64_central ? 45 : 20);
		put16(&o, e->flags | (e->descriptor ? 8 : 0));
		put16(&o, e->deflate ? 8 : 0);
		put16(&o, 0);
		put16(&o, 0x21);
		put32(&o, (uint32_t)crc32(0, (const Bytef *)e->data,
			(uInt)len));
		put32(&o, e->z64_central ? 0xffffffffu : (uint32_t)clen[i]);
		put32(&o, e->z64_central ? 0xffffffffu : (uint32_t)len);
		put16(&o, (unsigned)nlen);
		put16(&o, (unsigned)(e->cxn + (e->z64_central ? 28 : 0)));
		put16(&o, 0);
		put16(&o, 0);
		put16(&o, 0);
		put32(&o, (e->dos ? 0 : (e->mode ? e->mode : 0100644u) << 16) |
			e->dos_attr);
		put32(&o, e->z64_central ? 0xffffffffu : (uint32_t)off[i]);
		put(&o, e->name, nlen);
		if (e->z64_central) {
			put16(&o, 1);
			put16(&o, 24);
			put64(&o, len);
			put64(&o, clen[i]);
			put64(&o, off[i]);
		}
		put(&o, e->cx, e->cxn);
	}
	cd_size = o.n - cd;
	if (l->zip64_end) {
		uint64_t z64 = o.n;
		put32(&o, 0x06064b50);
		put64(&o, 44);
		put16(&o, 0x33f);
		put16(&o, 45);
		put32(&o, 0);
		put32(&o, 0);
		put64(&o, n);
		put64(&o, n);
		put64(&o, cd_size);
		put64(&o, cd);
		put32(&o, 0x07064b50);
		put32(&o, 0);
		put64(&o, z64);
		put32(&o, 1);
	}
	put32(&o, 0x06054b50);
	put16(&o, 0);
	put16(&o, 0);
	put16(&o, l->zip64_end ? 0xffff : (unsigned)(n + (size_t)l->count_delta));
	put16(&o, l->zip64_end ? 0xffff : (unsigned)(n + (size_t)l->count_delta));
	put32(&o, l->zip64_end ? 0xffffffffu : (uint32_t)cd_size);
	put32(&o, l->zip64_end ? 0xffffffffu : (uint32_t)cd);
	put16(&o, (unsigned)(l->second_end ? 22 : l->comment));
	if (l->second_end) {
		/* The same directory announced again, inside the comment. */
		put32(&o, 0x06054b50);
		put16(&o, 0);
		put16(&o, 0);
		put16(&o, (unsigned)n);
		put16(&o, (unsigned)n);
		put32(&o, (uint32_t)cd_size);
		put32(&o, (uint32_t)cd);
		put16(&o, 0);
	}
	for (k = 0; k < l->comment && !l->second_end; k++)
		put(&o, "C", 1);
	for (k = 0; k < l->trailer; k++)
		put(&o, "T", 1);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(o.b, 1, o.n, fp), o.n);
	fclose(fp);
	free(o.b);
}

/* Two ordinary entries: a stored one and a deflated one. */
static void two(ent *e)
{
	memset(e, 0, 2 * sizeof(*e));
	e[0].name = "mimetype";
	e[0].data = "application/vnd.etsi.asic-e+zip";
	e[1].name = "data/a.txt";
	e[1].data = "公文 text text text text text text text text";
	e[1].deflate = 1;
}

static char *read_entry(folio_zip_reader *r, size_t i, int *rc)
{
	folio_error err = {0};
	folio_buf b = {0};

	*rc = folio_zip_read(&b, r, i, 1 << 20, &err);
	if (*rc < 0) {
		folio_buf_free(&b);
		return NULL;
	}
	return b.data ? b.data : strdup("");
}

/* Build, open strictly: 0 and the reader, or the code with the fault. */
static int open_built(folio_zip_reader **r, ent *es, size_t n,
	const layout *l, folio_zip_fault *fault, folio_error *err)
{
	char path[300];

	snprintf(path, sizeof(path), "%s/t.zip", tmp);
	build(path, es, n, l);
	folio_error_clear(err);
	return folio_zip_open_read(r, path, fault, err);
}

static void test_strict_accepts(void **state)
{
	static const layout plain = {0}, z64end = {.zip64_end = 1};
	folio_zip_reader *r = NULL;
	folio_zip_fault f;
	folio_error err = {0};
	folio_zip_entry e;
	ent es[3];
	char *s;
	int rc, form;

	(void)state;
	two(es);
	assert_int_equal(open_built(&r, es, 2, &plain, &f, &err), 0);
	assert_int_equal(folio_zip_count(r), 2);
	assert_int_equal(folio_zip_stat(&e, r, 1, &err), 0);
	assert_string_equal(e.name, "data/a.txt");
	assert_int_equal(e.method, 8);
	assert_int_equal(e.mode, 0644);
	s = read_entry(r, 1, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(s, es[1].data);
	free(s);
	folio_zip_reader_free(r);

	/* ZIP64 end records; ZIP64 fields holding exactly the marked
	 * values; data descriptors of both forms, narrow and wide. */
	for (form = 0; form < 4; form++) {
		two(es);
		es[1].z64_central = form & 1;
		es[1].z64_local = form >= 2;
		es[1].descriptor = 1 + (form & 1);
		assert_int_equal(open_built(&r, es, 2, &z64end, &f, &err), 0);
		s = read_entry(r, 1, &rc);
		assert_int_equal(rc, 0);
		assert_string_equal(s, es[1].data);
		free(s);
		folio_zip_reader_free(r);
	}
	/* An MS-DOS entry with no Unix mode is a plain file too. */
	two(es);
	es[1].dos = 1;
	assert_int_equal(open_built(&r, es, 2, &plain, &f, &err), 0);
	folio_zip_reader_free(r);
}

typedef struct refusal {
	const char *what;
	const char *rule;
	const char *entry;
	const char *phrase;
} refusal;

static void expect(folio_zip_reader *r, int rc, const folio_zip_fault *f,
	const folio_error *err, const refusal *want)
{
	if (rc != FOLIO_EINPUT || strcmp(f->rule ? f->rule : "",
		want->rule) != 0 || strcmp(f->entry, want->entry) != 0 ||
	    strstr(err->msg, want->phrase) == NULL)
		fail_msg("%s: got %d, rule %s, entry '%s': %s", want->what, rc,
			f->rule ? f->rule : "-", f->entry, err->msg);
	assert_null(r);
}

static void test_strict_refuses(void **state)
{
	static const unsigned char ut[] = {'U', 'T', 5, 0, 1, 0, 0, 0, 0};
	static const unsigned char up[] = {'u', 'p', 5, 0, 1, 0, 0, 0, 0};
	static const unsigned char z8[] = {1, 0, 8, 0, 9, 9, 9, 9, 9, 9, 9,
		9};
	folio_zip_reader *r = NULL;
	folio_zip_fault f;
	folio_error err = {0};
	layout l;
	ent es[3];
	int rc;

#define CASE(what, rule, entry, phrase, setup, ...) do { \
	refusal want_ = {what, rule, entry, phrase}; \
	two(es); \
	memset(&l, 0, sizeof(l)); \
	setup; \
	rc = open_built(&r, es, 2, &l, &f, &err); \
	expect(r, rc, &f, &err, &want_); \
} while (0)

	(void)state;
	CASE("second end record in the comment", "end-record", "",
		"two end of central directory records", l.second_end = 1);
	CASE("comment", "end-record", "", "expected no archive comment",
		l.comment = 10);
	CASE("bytes after the end record", "end-record", "",
		"found 5 bytes after it", l.trailer = 5);
	CASE("prepended data", "layout", "mimetype",
		"7 bytes before its local header", l.prepend = 7);
	CASE("gap between entries", "layout", "data/a.txt",
		"3 bytes between the previous entry and this one", l.gap = 3);
	CASE("overlapping entries", "layout", "data/a.txt",
		"overlapping entries", l.overlap = 1);
	CASE("entry count lies (fewer)", "central-directory", "",
		"more bytes of central directory follow", l.count_delta = -1);
	CASE("entry count lies (more)", "central-directory", "",
		"says 3 entries, more than 110 bytes", l.count_delta = 1);
	CASE("local name ../../x", "local-header", "data/a.txt",
		"names it '../../x'", es[1].local_name = "../../x");
	CASE("local CRC differs", "local-header", "data/a.txt",
		"its local header says CRC", es[1].local_crc_xor = 1);
	CASE("symlink", "attributes", "data/a.txt",
		"found a symbolic link", es[1].mode = 0120777);
	CASE("setuid", "attributes", "data/a.txt", "setuid",
		es[1].mode = 0104755);
	CASE("directory mode", "attributes", "data/a.txt",
		"found a directory", es[1].mode = 0040755);
	CASE("MS-DOS directory bit", "attributes", "data/a.txt",
		"MS-DOS directory", es[1].dos_attr = 0x10);
	CASE("device", "attributes", "data/a.txt", "found a device",
		es[1].mode = 0020644);
	CASE("extra field in the central directory", "extra-field",
		"data/a.txt", "extended time stamp", (es[1].cx = ut,
		es[1].cxn = sizeof(ut)));
	CASE("Unicode path in the local header", "extra-field",
		"data/a.txt", "Info-ZIP Unicode path", (es[1].lx = up,
		es[1].lxn = sizeof(up)));
	CASE("ZIP64 field with nothing marked", "extra-field", "data/a.txt",
		"expected a ZIP64 field of 0 bytes", (es[1].cx = z8,
		es[1].cxn = sizeof(z8)));
	CASE("encrypted flag", "flags", "data/a.txt", "(encrypted)",
		es[1].flags = 1);
	CASE("descriptor on a stored entry", "flags", "mimetype",
		"on a stored entry", es[0].descriptor = 2);
	CASE("name with a NUL", "name", "data/a\\x00b",
		"a NUL byte after 6 of its 8 bytes", (es[1].name = "data/a\0b",
		es[1].nlen = 8));
	CASE("non-ASCII without the UTF-8 flag", "name", "data/公文.txt",
		"without the UTF-8 flag", es[1].name = "data/公文.txt");
	CASE("invalid UTF-8 flagged UTF-8", "name", "data/\\xFF.txt",
		"not valid UTF-8", (es[1].name = "data/\xff.txt",
		es[1].flags = 0x800));
	CASE("folder entry", "name", "data/", "folder entry",
		es[1].name = "data/");
#undef CASE

	/* Bytes after the end of the deflate stream, inside the entry's
	 * compressed size: the container is well formed, reading the
	 * entry is refused. */
	two(es);
	memset(&l, 0, sizeof(l));
	es[1].trailing = 4;
	assert_int_equal(open_built(&r, es, 2, &l, &f, &err), 0);
	{
		char *s = read_entry(r, 1, &rc);
		assert_null(s);
		assert_int_equal(rc, FOLIO_EINPUT);
	}
	folio_zip_reader_free(r);
	r = NULL;

	/* Not a ZIP at all. */
	{
		char path[300];
		FILE *fp;
		snprintf(path, sizeof(path), "%s/junk.zip", tmp);
		fp = fopen(path, "w");
		fputs("this is not a zip, not at all, no no", fp);
		fclose(fp);
		assert_int_equal(folio_zip_open_read(&r, path, &f, &err),
			FOLIO_EINPUT);
		assert_true(f.not_zip);
	}
}

static void test_crc_checked(void **state)
{
	static const layout plain = {0};
	folio_zip_reader *r = NULL;
	folio_zip_fault f;
	folio_error err = {0};
	folio_buf b = {0};
	char path[300];
	unsigned char *bytes;
	FILE *fp;
	long size;
	ent es[2];

	(void)state;
	two(es);
	snprintf(path, sizeof(path), "%s/crc.zip", tmp);
	build(path, es, 2, &plain);
	/* Flip one byte of the stored mimetype's content. */
	fp = fopen(path, "r+b");
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	bytes = malloc((size_t)size);
	fseek(fp, 0, SEEK_SET);
	assert_int_equal(fread(bytes, 1, (size_t)size, fp), (size_t)size);
	bytes[30 + 8] ^= 1;
	fseek(fp, 0, SEEK_SET);
	fwrite(bytes, 1, (size_t)size, fp);
	fclose(fp);
	free(bytes);
	assert_int_equal(folio_zip_open_read(&r, path, &f, &err), 0);
	assert_int_equal(folio_zip_read(&b, r, 0, 100, &err), FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "mimetype: expected CRC-32"));
	folio_buf_free(&b);
	folio_zip_reader_free(r);
}

typedef struct counter {
	size_t calls, bytes;
	folio_sha256_ctx *sha;
	int stop_after;
} counter;

static int count_piece(void *ctx, const void *p, size_t n)
{
	counter *c = ctx;
	folio_error err = {0};

	c->calls++;
	c->bytes += n;
	if (c->stop_after && (int)c->calls >= c->stop_after)
		return FOLIO_EUSAGE;
	return folio_sha256_update(c->sha, p, n, &err);
}

/* The writer's own output, read back in pieces. */
static void test_zip_stream(void **state)
{
	char zip[600];
	unsigned char want[FOLIO_SHA256_LEN], got[FOLIO_SHA256_LEN];
	folio_zip_reader *r = NULL;
	folio_zip_stream *s = NULL;
	folio_zip_entry e;
	folio_zip *z = NULL;
	folio_error err = {0};
	counter c;
	char *big, piece[1000];
	size_t n = 300000, i, total = 0, got_n;

	(void)state;
	big = malloc(n);
	assert_non_null(big);
	for (i = 0; i < n; i++)
		big[i] = (char)((i * 2654435761u) >> 13);
	assert_int_equal(folio_sha256(want, big, n, &err), 0);
	snprintf(zip, sizeof(zip), "%s/stream.zip", tmp);
	assert_int_equal(folio_zip_create(&z, zip, 1700000000, &err), 0);
	assert_int_equal(folio_zip_add_mem(z, "mimetype", "x", 1,
		FOLIO_ZIP_AUTO, &err), 0);
	assert_int_equal(folio_zip_add_mem(z, "data/big.bin", big, n,
		FOLIO_ZIP_AUTO, &err), 0);
	assert_int_equal(folio_zip_add_mem(z, "data/名.txt", "名", 3,
		FOLIO_ZIP_AUTO, &err), 0);
	assert_int_equal(folio_zip_close(z, &err), 0);

	assert_int_equal(folio_zip_open_read(&r, zip, NULL, &err), 0);
	assert_int_equal(folio_zip_count(r), 3);
	assert_int_equal(folio_zip_stat(&e, r, 1, &err), 0);
	assert_string_equal(e.name, "data/big.bin");
	assert_int_equal(e.name_len, strlen(e.name));
	assert_int_equal(e.size, n);
	assert_int_equal(e.mode, 0644);
	/* Pushed in pieces, never the whole entry at once. */
	memset(&c, 0, sizeof(c));
	assert_int_equal(folio_sha256_begin(&c.sha, &err), 0);
	assert_int_equal(folio_zip_read_cb(r, 1, n, count_piece, &c, &err), 0);
	assert_int_equal(folio_sha256_end(got, c.sha, &err), 0);
	assert_int_equal(c.bytes, n);
	assert_true(c.calls > 1);
	assert_memory_equal(want, got, FOLIO_SHA256_LEN);
	/* The sink's code stops the read and comes back unchanged. */
	memset(&c, 0, sizeof(c));
	c.stop_after = 2;
	assert_int_equal(folio_sha256_begin(&c.sha, &err), 0);
	assert_int_equal(folio_zip_read_cb(r, 1, n, count_piece, &c, &err),
		FOLIO_EUSAGE);
	assert_int_equal(c.calls, 2);
	folio_sha256_free(c.sha);
	/* Past the limit: refused before inflating. */
	memset(&c, 0, sizeof(c));
	assert_int_equal(folio_zip_read_cb(r, 1, n - 1, count_piece, &c,
		&err), FOLIO_ELIMIT);
	assert_int_equal(c.calls, 0);
	/* Pulled in pieces of the caller's size, two streams at once. */
	assert_int_equal(folio_zip_stream_open(&s, r, 1, n, &err), 0);
	{
		folio_zip_stream *s2 = NULL;
		assert_int_equal(folio_zip_stream_open(&s2, r, 0, 10, &err),
			0);
		assert_int_equal(folio_zip_stream_read(&got_n, s2, piece,
			sizeof(piece), &err), 0);
		assert_int_equal(got_n, 1);
		folio_zip_stream_close(s2);
	}
	do {
		assert_int_equal(folio_zip_stream_read(&got_n, s, piece,
			sizeof(piece), &err), 0);
		assert_true(got_n <= sizeof(piece));
		if (got_n)
			assert_memory_equal(piece, big + total, got_n);
		total += got_n;
	} while (got_n > 0);
	assert_int_equal(total, n);
	folio_zip_stream_close(s);
	folio_zip_reader_free(r);
	free(big);
}

/* Enough entries for the writer to add ZIP64 end records; the strict
 * reader takes them. */
static void test_writer_zip64(void **state)
{
	char zip[600], name[32];
	folio_zip_reader *r = NULL;
	folio_zip *z = NULL;
	folio_error err = {0};
	folio_zip_entry e;
	unsigned i, n = 70000;

	(void)state;
	snprintf(zip, sizeof(zip), "%s/many.zip", tmp);
	assert_int_equal(folio_zip_create(&z, zip, 1700000000, &err), 0);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "d/%06u", i);
		assert_int_equal(folio_zip_add_mem(z, name, "x", 1,
			FOLIO_ZIP_STORE, &err), 0);
	}
	assert_int_equal(folio_zip_close(z, &err), 0);
	if (folio_zip_open_read(&r, zip, NULL, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(folio_zip_count(r), n);
	assert_int_equal(folio_zip_stat(&e, r, n - 1, &err), 0);
	assert_string_equal(e.name, "d/069999");
	folio_zip_reader_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strict_accepts),
		cmocka_unit_test(test_strict_refuses),
		cmocka_unit_test(test_crc_checked),
		cmocka_unit_test(test_zip_stream),
		cmocka_unit_test(test_writer_zip64),
	};
	return cmocka_run_group_tests(tests, tmp_setup, tmp_teardown);
}
