/* Unit tests for the streaming ZIP writer (util/zip_write.h): the same
 * bytes as libzip for the same entries, ZIP64 (by count, and by a
 * lowered threshold for sizes and offsets) read back by the strict
 * reader and listed identically by unzip, bsdtar and Python's zipfile,
 * and a file changed after it was hashed failing the archive. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/digest.h"
#include "util/file.h"
#include "util/zip.h"
#include "util/zip_write.h"

#define TMP_FIXTURE_NAME "zipw"
#include "tmp_fixture.h"

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static void same_file(const char *a, const char *b)
{
	char *x = NULL, *y = NULL;
	size_t nx = 0, ny = 0;
	folio_error err = {0};

	assert_int_equal(folio_file_read(&x, &nx, a, 64u << 20, &err), 0);
	assert_int_equal(folio_file_read(&y, &ny, b, 64u << 20, &err), 0);
	assert_int_equal(nx, ny);
	assert_memory_equal(x, y, nx);
	free(x);
	free(y);
}

/* Text that deflates, long enough for several reads and several
 * deflate output buffers. */
static char *sample(size_t n)
{
	char *s = malloc(n);
	uint32_t x = 12345;
	size_t i;

	assert_non_null(s);
	for (i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		s[i] = (char)("abcdefgh ijklmn\n公文"[(x >> 16) % 20]);
	}
	return s;
}

/* Incompressible bytes: deflate makes them a little larger. */
static char *noise(size_t n)
{
	char *s = malloc(n);
	uint32_t x = 99;
	size_t i;

	assert_non_null(s);
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		s[i] = (char)(x >> 24);
	}
	return s;
}

/* The entries the signed archive has (stored first entry, deflated
 * text, stored and deflated file parts, empty entries, a UTF-8 name,
 * incompressible data deflated), through both writers. */
static void test_same_bytes_as_libzip(void **state)
{
	static const char mt[] = "application/vnd.etsi.asic-e+zip";
	char path[600], ours[600], lib[600];
	unsigned char sha_all[FOLIO_SHA256_LEN], sha_part[FOLIO_SHA256_LEN];
	size_t big = 300000, nz = 100000;
	char *text = sample(big), *rnd = noise(nz);
	folio_error err = {0};
	folio_zipw *w = NULL;
	folio_zip *z = NULL;

	(void)state;
	snprintf(path, sizeof(path), "%s/src.bin", tmp);
	snprintf(ours, sizeof(ours), "%s/ours.zip", tmp);
	snprintf(lib, sizeof(lib), "%s/libzip.zip", tmp);
	write_file(path, text, big);
	assert_int_equal(folio_sha256(sha_all, text, big, &err), 0);
	assert_int_equal(folio_sha256(sha_part, text + 1000, 70000, &err), 0);

	assert_int_equal(folio_zip_create(&z, lib, 1587945600, &err), 0);
	assert_int_equal(folio_zip_add_mem(z, "mimetype", mt, strlen(mt),
		FOLIO_ZIP_AUTO, &err), 0);
	assert_int_equal(folio_zip_add_mem(z, "a/text.txt", text, big,
		FOLIO_ZIP_DEFLATE, &err), 0);
	assert_int_equal(folio_zip_add_mem(z, "a/whole.xml", text, big,
		FOLIO_ZIP_DEFLATE, &err), 0);
	assert_int_equal(folio_zip_add_mem(z, "a/part.pdf", text + 1000,
		70000, FOLIO_ZIP_STORE, &err), 0);
	assert_int_equal(folio_zip_add_mem(z, "a/empty-deflated", "", 0,
		FOLIO_ZIP_DEFLATE, &err), 0);
	assert_int_equal(folio_zip_add_mem(z, "a/empty-stored", "", 0,
		FOLIO_ZIP_STORE, &err), 0);
	assert_int_equal(folio_zip_add_mem(z, "a/公文.txt", "通知\n", 7,
		FOLIO_ZIP_DEFLATE, &err), 0);
	assert_int_equal(folio_zip_add_mem(z, "a/noise", rnd, nz,
		FOLIO_ZIP_DEFLATE, &err), 0);
	assert_int_equal(folio_zip_close(z, &err), 0);

	assert_int_equal(folio_zipw_create(&w, ours, 1587945600, &err), 0);
	assert_int_equal(folio_zipw_add_mem(w, "mimetype", mt, strlen(mt),
		FOLIO_ZIP_AUTO, &err), 0);
	assert_int_equal(folio_zipw_add_mem(w, "a/text.txt", text, big,
		FOLIO_ZIP_DEFLATE, &err), 0);
	assert_int_equal(folio_zipw_add_file(w, "a/whole.xml", path, 0, big,
		sha_all, FOLIO_ZIP_DEFLATE, &err), 0);
	assert_int_equal(folio_zipw_add_file(w, "a/part.pdf", path, 1000,
		70000, sha_part, FOLIO_ZIP_STORE, &err), 0);
	assert_int_equal(folio_zipw_add_mem(w, "a/empty-deflated", "", 0,
		FOLIO_ZIP_DEFLATE, &err), 0);
	assert_int_equal(folio_zipw_add_file(w, "a/empty-stored", path, 5, 0,
		NULL, FOLIO_ZIP_STORE, &err), 0);
	assert_int_equal(folio_zipw_add_mem(w, "a/公文.txt", "通知\n", 7,
		FOLIO_ZIP_DEFLATE, &err), 0);
	assert_int_equal(folio_zipw_add_mem(w, "a/noise", rnd, nz,
		FOLIO_ZIP_DEFLATE, &err), 0);
	assert_int_equal(folio_zipw_count(w), 8);
	assert_int_equal(folio_zipw_close(w, &err), 0);
	same_file(ours, lib);
	free(text);
	free(rnd);
}

/* More entries than the classic end record counts: ZIP64 end records,
 * byte for byte those of libzip, and read back strictly. */
static void test_many_entries(void **state)
{
	char ours[600], lib[600], name[32];
	folio_zip_reader *r = NULL;
	folio_error err = {0};
	folio_zip_entry e;
	folio_zipw *w = NULL;
	folio_zip *z = NULL;
	unsigned i, n = 70000;

	(void)state;
	snprintf(ours, sizeof(ours), "%s/many-ours.zip", tmp);
	snprintf(lib, sizeof(lib), "%s/many-libzip.zip", tmp);
	assert_int_equal(folio_zip_create(&z, lib, 1700000000, &err), 0);
	assert_int_equal(folio_zipw_create(&w, ours, 1700000000, &err), 0);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "d/%06u", i);
		assert_int_equal(folio_zip_add_mem(z, name, "xy", 2,
			i % 2 ? FOLIO_ZIP_STORE : FOLIO_ZIP_DEFLATE, &err), 0);
		assert_int_equal(folio_zipw_add_mem(w, name, "xy", 2,
			i % 2 ? FOLIO_ZIP_STORE : FOLIO_ZIP_DEFLATE, &err), 0);
	}
	assert_int_equal(folio_zip_close(z, &err), 0);
	assert_int_equal(folio_zipw_close(w, &err), 0);
	same_file(ours, lib);
	if (folio_zip_open_read(&r, ours, NULL, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(folio_zip_count(r), n);
	assert_int_equal(folio_zip_stat(&e, r, n - 1, &err), 0);
	assert_string_equal(e.name, "d/069999");
	folio_zip_reader_free(r);
}

/* Run cmd and return its output (at most cap - 1 bytes). */
static void run(char *out, size_t cap, const char *cmd)
{
	FILE *p = popen(cmd, "r");
	size_t n;

	assert_non_null(p);
	n = fread(out, 1, cap - 1, p);
	out[n] = '\0';
	if (pclose(p) != 0)
		fail_msg("%s failed: %s", cmd, out);
}

/* ZIP64 for sizes and offsets, made to happen at 1,000 bytes: every
 * kind of field (a local header with both sizes, central records with
 * one, two or three values, the end records) read back by folio's
 * strict reader with the right bytes, and listed the same by unzip,
 * bsdtar and Python's zipfile (which test every CRC on the way). */
static void test_zip64_threshold(void **state)
{
	static const char *const names[] = {"mimetype", "small.txt",
		"big-stored.bin", "big-deflated.txt", "noise-deflated.bin",
		"late.txt", "空.txt"};
	char zip[600], path[600], cmd[1400], got[4096], want[1024];
	unsigned char sha[FOLIO_SHA256_LEN];
	size_t big = 5000, i;
	char *text = sample(big), *rnd = noise(big);
	folio_zip_reader *r = NULL;
	folio_error err = {0};
	folio_zip_entry e;
	folio_zipw *w = NULL;
	folio_buf b = {0};

	(void)state;
	snprintf(zip, sizeof(zip), "%s/z64.zip", tmp);
	snprintf(path, sizeof(path), "%s/noise.bin", tmp);
	write_file(path, rnd, big);
	assert_int_equal(folio_sha256(sha, rnd, big, &err), 0);
	assert_int_equal(folio_zipw_create(&w, zip, 1587945600, &err), 0);
	folio_zipw_set_zip64_at(w, 1000);
	assert_int_equal(folio_zipw_add_mem(w, names[0], "x/y", 3,
		FOLIO_ZIP_AUTO, &err), 0);
	assert_int_equal(folio_zipw_add_mem(w, names[1], "small", 5,
		FOLIO_ZIP_DEFLATE, &err), 0);
	assert_int_equal(folio_zipw_add_mem(w, names[2], rnd, big,
		FOLIO_ZIP_STORE, &err), 0);
	assert_int_equal(folio_zipw_add_mem(w, names[3], text, big,
		FOLIO_ZIP_DEFLATE, &err), 0);
	assert_int_equal(folio_zipw_add_file(w, names[4], path, 0, big, sha,
		FOLIO_ZIP_DEFLATE, &err), 0);
	assert_int_equal(folio_zipw_add_mem(w, names[5], "late", 4,
		FOLIO_ZIP_STORE, &err), 0);
	assert_int_equal(folio_zipw_add_mem(w, names[6], "", 0,
		FOLIO_ZIP_DEFLATE, &err), 0);
	assert_int_equal(folio_zipw_close(w, &err), 0);

	if (folio_zip_open_read(&r, zip, NULL, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(folio_zip_count(r), 7);
	for (i = 0; i < 7; i++) {
		assert_int_equal(folio_zip_stat(&e, r, i, &err), 0);
		assert_string_equal(e.name, names[i]);
	}
	assert_int_equal(folio_zip_stat(&e, r, 5, &err), 0);
	assert_true(e.offset > 1000);
	assert_int_equal(folio_zip_read(&b, r, 3, 1 << 20, &err), 0);
	assert_int_equal(b.len, big);
	assert_memory_equal(b.data, text, big);
	folio_buf_reset(&b);
	assert_int_equal(folio_zip_read(&b, r, 4, 1 << 20, &err), 0);
	assert_memory_equal(b.data, rnd, big);
	folio_buf_free(&b);
	folio_zip_reader_free(r);
	/* ZIP64 really written: end record, locator, and ZIP64 fields
	 * (id 1) after the local and central names of big-stored.bin. */
	{
		char *x = NULL;
		size_t nx = 0;
		assert_int_equal(folio_file_read(&x, &nx, zip, 1 << 20, &err),
			0);
		assert_non_null(memmem(x, nx, "PK\x06\x06", 4));
		assert_non_null(memmem(x, nx, "PK\x06\x07", 4));
		assert_non_null(memmem(x, nx, "big-stored.bin\x01\x00\x10\x00",
			18));
		assert_non_null(memmem(x, nx, "late.txt\x01\x00\x08\x00", 12));
		free(x);
	}

	want[0] = '\0';
	for (i = 0; i < 7; i++) {
		strcat(want, names[i]);
		strcat(want, "\n");
	}
	snprintf(cmd, sizeof(cmd), "unzip -Z1 '%s'", zip);
	run(got, sizeof(got), cmd);
	assert_string_equal(got, want);
	snprintf(cmd, sizeof(cmd), "unzip -tq '%s' >/dev/null && "
		"bsdtar -tf '%s'", zip, zip);
	run(got, sizeof(got), cmd);
	assert_string_equal(got, want);
	snprintf(cmd, sizeof(cmd), "python3 -c 'import sys, zipfile\n"
		"z = zipfile.ZipFile(sys.argv[1])\n"
		"assert z.testzip() is None\n"
		"print(\"\\n\".join(z.namelist()))' '%s'", zip);
	run(got, sizeof(got), cmd);
	assert_string_equal(got, want);
	free(text);
	free(rnd);
}

/* A file changed after it was hashed (or cut short) fails the archive,
 * naming file and entry, with nothing at the final path; later calls
 * are refused. */
static void test_changed_file(void **state)
{
	static const char text[] = "bytes that were signed\n";
	unsigned char sha[FOLIO_SHA256_LEN];
	char path[600], zip[600];
	folio_error err = {0};
	folio_zipw *w = NULL;
	FILE *fp;

	(void)state;
	snprintf(path, sizeof(path), "%s/signed.txt", tmp);
	snprintf(zip, sizeof(zip), "%s/changed.zip", tmp);
	write_file(path, text, strlen(text));
	assert_int_equal(folio_sha256(sha, text, strlen(text), &err), 0);
	sha[0] ^= 1;
	assert_int_equal(folio_zipw_create(&w, zip, 1700000000, &err), 0);
	assert_int_equal(folio_zipw_add_file(w, "a.txt", path, 0,
		strlen(text), sha, FOLIO_ZIP_DEFLATE, &err), FOLIO_EIO);
	assert_non_null(strstr(err.msg, "changed while being archived"));
	assert_non_null(strstr(err.msg, "a.txt"));
	assert_non_null(strstr(err.msg, path));
	assert_int_equal(folio_zipw_add_mem(w, "b", "b", 1, FOLIO_ZIP_STORE,
		&err), FOLIO_EUSAGE);
	folio_zipw_free(w);
	assert_null(fopen(zip, "rb"));

	sha[0] ^= 1;
	folio_error_clear(&err);
	assert_int_equal(folio_zipw_create(&w, zip, 1700000000, &err), 0);
	assert_int_equal(folio_zipw_add_file(w, "a.txt", path, 0,
		strlen(text) + 10, sha, FOLIO_ZIP_STORE, &err), FOLIO_EIO);
	assert_non_null(strstr(err.msg, "shorter"));
	assert_int_equal(folio_zipw_close(w, &err), FOLIO_EUSAGE);
	assert_null(fopen(zip, "rb"));

	/* No entry at all: refused, nothing written. */
	assert_int_equal(folio_zipw_create(&w, zip, 1700000000, &err), 0);
	assert_int_equal(folio_zipw_close(w, &err), FOLIO_EUSAGE);
	assert_null((fp = fopen(zip, "rb")));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_bytes_as_libzip),
		cmocka_unit_test(test_many_entries),
		cmocka_unit_test(test_zip64_threshold),
		cmocka_unit_test(test_changed_file),
	};
	return cmocka_run_group_tests(tests, tmp_setup, tmp_teardown);
}
