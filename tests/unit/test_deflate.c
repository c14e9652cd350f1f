/* Unit tests for src/util/deflate.c: zlib streams from libdeflate, read
 * back with zlib (the decoder every PDF reader has). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "util/deflate.h"

/* Text like a page's operators: repetitive, so it must shrink. */
static void page_text(folio_buf *b, size_t lines)
{
	size_t i;

	for (i = 0; i < lines; i++)
		assert_int_equal(folio_buf_printf(b, "1 0 0 1 %zu.5 %zu Tm "
			"<4E2D6587> Tj\n", 72 + i % 31, 700 - i % 600), 0);
}

/* Inflate z[0..n) and compare it with want. */
static void inflates_to(const char *z, size_t n, const folio_buf *want)
{
	uLongf len = (uLongf)want->len + 16;
	Bytef *out = malloc(len);

	assert_non_null(out);
	assert_int_equal(uncompress(out, &len, (const Bytef *)z, (uLong)n),
		Z_OK);
	assert_int_equal(len, want->len);
	assert_memory_equal(out, want->data, want->len);
	free(out);
}

static void test_round_trip_each_level(void **state)
{
	static const int levels[] = {FOLIO_DEFLATE_FONT, FOLIO_DEFLATE_TEXT,
		12};
	folio_buf in = {0}, z = {0};
	folio_error err = {0};
	size_t i;

	(void)state;
	page_text(&in, 2000);
	for (i = 0; i < sizeof(levels) / sizeof(*levels); i++) {
		folio_buf_reset(&z);
		assert_int_equal(folio_deflate(&z, in.data, in.len, levels[i],
			&err), 0);
		assert_true(z.len > 2 && z.len < in.len / 4);
		inflates_to(z.data, z.len, &in);
	}
	folio_buf_free(&in);
	folio_buf_free(&z);
}

/* Appends after what the buffer held; the same input and level give the
 * same bytes (reproducible PDFs). */
static void test_appends_and_repeats(void **state)
{
	folio_buf in = {0}, a = {0}, b = {0};
	folio_error err = {0};

	(void)state;
	page_text(&in, 300);
	assert_int_equal(folio_buf_puts(&a, "prefix"), 0);
	assert_int_equal(folio_deflate(&a, in.data, in.len, 6, &err), 0);
	assert_int_equal(folio_deflate(&b, in.data, in.len, 6, &err), 0);
	assert_memory_equal(a.data, "prefix", 6);
	assert_int_equal(a.len, b.len + 6);
	assert_memory_equal(a.data + 6, b.data, b.len);
	inflates_to(b.data, b.len, &in);
	folio_buf_free(&in);
	folio_buf_free(&a);
	folio_buf_free(&b);
}

/* Nothing in, a valid stream of nothing out; random bytes (a font
 * program barely compresses) still round-trip. */
static void test_empty_and_incompressible(void **state)
{
	folio_buf in = {0}, z = {0};
	folio_error err = {0};
	uint32_t x = 2463534242u;
	uLongf len = 8;
	Bytef out[8];
	size_t i;

	(void)state;
	assert_int_equal(folio_deflate(&z, "", 0, 1, &err), 0);
	assert_true(z.len > 0);
	assert_int_equal(uncompress(out, &len, (const Bytef *)z.data,
		(uLong)z.len), Z_OK);
	assert_int_equal(len, 0);
	for (i = 0; i < 100000; i++) {
		char c;
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		c = (char)(x & 0xFF);
		assert_int_equal(folio_buf_append(&in, &c, 1), 0);
	}
	folio_buf_reset(&z);
	assert_int_equal(folio_deflate(&z, in.data, in.len, 1, &err), 0);
	inflates_to(z.data, z.len, &in);
	folio_buf_free(&in);
	folio_buf_free(&z);
}

static void test_bad_level_and_limit(void **state)
{
	folio_buf in = {0}, z = {0};
	folio_error err = {0};

	(void)state;
	page_text(&in, 100);
	assert_int_equal(folio_deflate(&z, in.data, in.len, 0, &err),
		FOLIO_EUSAGE);
	assert_non_null(strstr(err.msg, "level 0"));
	assert_int_equal(folio_deflate(&z, in.data, in.len, 13, &err),
		FOLIO_EUSAGE);
	/* A buffer whose limit the stream would pass keeps what it had. */
	z.limit = 64;
	assert_int_equal(folio_buf_puts(&z, "kept"), 0);
	assert_int_equal(folio_deflate(&z, in.data, in.len, 6, &err),
		FOLIO_ELIMIT);
	assert_string_equal(z.data, "kept");
	folio_buf_free(&in);
	folio_buf_free(&z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_each_level),
		cmocka_unit_test(test_appends_and_repeats),
		cmocka_unit_test(test_empty_and_incompressible),
		cmocka_unit_test(test_bad_level_and_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
