/* Unit tests for src/batch/cache: round trip, lookups, and every kind of
 * unusable cache file reading as an empty cache. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch/cache.h"
#include "util/file.h"

#define HEX_A "0123456789abcdef0123456789abcdef" \
	"0123456789abcdef0123456789abcdef"
#define HEX_B "ffffffffffffffffffffffffffffffff" \
	"00000000000000000000000000000000"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/folio-cache-test-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void entry(folio_cache_entry *e, const char *source, const char *sha,
	const char *code, const char *id, size_t pages)
{
	memset(e, 0, sizeof(*e));
	e->source = (char *)(uintptr_t)source;
	e->id = (char *)(uintptr_t)id;
	snprintf(e->sha256, sizeof(e->sha256), "%s", sha);
	snprintf(e->code, sizeof(e->code), "%s", code);
	e->pages = pages;
	e->pdf_size = 1000 + pages;
	e->pdf_mtime_ns = 1700000000123456789LL;
	e->epub_size = 2000 + pages;
	e->epub_mtime_ns = -5; /* before 1970 still round-trips */
}

static void write_text(const char *path, const char *text, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	fclose(fp);
}

static void round_trip(void **state)
{
	folio_cache *c = NULL, *back = NULL;
	folio_cache_entry e;
	const folio_cache_entry *f;
	folio_error err = {0};
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/rt.cache", dir);
	assert_int_equal(folio_cache_new(&c, &err), 0);
	memcpy(c->env, HEX_A, 65);
	memcpy(c->archive, HEX_B, 65);
	entry(&e, "sub dir/通知 2.xml", HEX_B, "J012-2024-D30-0002", NULL, 3);
	assert_int_equal(folio_cache_add(c, &e, &err), 0);
	entry(&e, "a.xml", HEX_A, "J012-2024-Y-0001", "doc-1", 12);
	assert_int_equal(folio_cache_add(c, &e, &err), 0);
	/* Not cacheable: tab and newline in the path, empty code. */
	entry(&e, "bad\tname.xml", HEX_A, "X", NULL, 1);
	assert_int_equal(folio_cache_add(c, &e, &err), 0);
	entry(&e, "bad\nname.xml", HEX_A, "X", NULL, 1);
	assert_int_equal(folio_cache_add(c, &e, &err), 0);
	entry(&e, "nocode.xml", HEX_A, "", NULL, 1);
	assert_int_equal(folio_cache_add(c, &e, &err), 0);
	assert_int_equal(c->n, 2);
	folio_cache_sort(c);
	assert_int_equal(folio_cache_write(c, path, &err), 0);

	assert_int_equal(folio_cache_read(&back, path, &err), 0);
	assert_string_equal(back->env, HEX_A);
	assert_string_equal(back->archive, HEX_B);
	assert_int_equal(back->n, 2);
	f = folio_cache_find(back, "a.xml");
	assert_non_null(f);
	assert_string_equal(f->sha256, HEX_A);
	assert_string_equal(f->code, "J012-2024-Y-0001");
	assert_string_equal(f->id, "doc-1");
	assert_int_equal(f->pages, 12);
	assert_int_equal(f->pdf_size, 1012);
	assert_true(f->pdf_mtime_ns == 1700000000123456789LL);
	assert_int_equal(f->epub_size, 2012);
	assert_true(f->epub_mtime_ns == -5);
	f = folio_cache_find(back, "sub dir/通知 2.xml");
	assert_non_null(f);
	assert_null(f->id);
	assert_string_equal(f->code, "J012-2024-D30-0002");
	assert_null(folio_cache_find(back, "b.xml"));
	assert_null(folio_cache_find(back, "bad\tname.xml"));
	folio_cache_free(c);
	folio_cache_free(back);
}

static void format_is_the_documented_text(void **state)
{
	folio_cache *c = NULL;
	folio_cache_entry e;
	folio_error err = {0};
	folio_buf b = {0};

	(void)state;
	assert_int_equal(folio_cache_new(&c, &err), 0);
	memcpy(c->env, HEX_A, 65);
	entry(&e, "x.xml", HEX_B, "J1-2024-D10-0009", "id9", 2);
	assert_int_equal(folio_cache_add(c, &e, &err), 0);
	assert_int_equal(folio_cache_format(&b, c, &err), 0);
	assert_string_equal(b.data, "folio-cache 1\nenv " HEX_A "\n"
		"archive -\ndoc\t" HEX_B "\tJ1-2024-D10-0009\t2\t1002\t"
		"1700000000123456789\t2002\t-5\tid9\tx.xml\n");
	folio_buf_free(&b);
	folio_cache_free(c);
}

/* Each of these must read as an empty cache, with no error. */
static void unusable_files_read_empty(void **state)
{
	static const char *const bad[] = {
		"",
		"not a cache\n",
		"folio-cache 2\nenv " HEX_A "\n",
		/* cut short: no final newline */
		"folio-cache 1\nenv " HEX_A "\narchive -\ndoc\t" HEX_A
			"\tC\t1\t1\t1\t1\t1\t-\ta.xml",
		/* bad digest */
		"folio-cache 1\nenv " HEX_A "\ndoc\tXYZ\tC\t1\t1\t1\t1\t1\t-"
			"\ta.xml\n",
		/* a field too few */
		"folio-cache 1\ndoc\t" HEX_A "\tC\t1\t1\t1\t1\t-\ta.xml\n",
		/* negative size */
		"folio-cache 1\ndoc\t" HEX_A "\tC\t1\t-1\t1\t1\t1\t-\ta.xml\n",
		/* not a number */
		"folio-cache 1\ndoc\t" HEX_A "\tC\tone\t1\t1\t1\t1\t-\ta.xml\n",
		/* upper-case hex is not ours */
		"folio-cache 1\nenv " HEX_A "\narchive ABC\n",
		"folio-cache 1\nsomething else\n",
	};
	folio_cache *c = NULL;
	folio_error err = {0};
	char path[128];
	size_t i;

	(void)state;
	snprintf(path, sizeof(path), "%s/bad.cache", dir);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_text(path, bad[i], strlen(bad[i]));
		assert_int_equal(folio_cache_read(&c, path, &err), 0);
		assert_int_equal(c->n, 0);
		assert_string_equal(c->env, "");
		assert_null(folio_cache_find(c, "a.xml"));
		folio_cache_free(c);
		c = NULL;
	}
	/* A NUL byte inside. */
	write_text(path, "folio-cache 1\n\0env\n", 20);
	assert_int_equal(folio_cache_read(&c, path, &err), 0);
	assert_int_equal(c->n, 0);
	folio_cache_free(c);
	/* Missing file. */
	snprintf(path, sizeof(path), "%s/none.cache", dir);
	assert_int_equal(folio_cache_read(&c, path, &err), 0);
	assert_int_equal(c->n, 0);
	assert_int_equal(err.code, 0);
	folio_cache_free(c);
}

static void stat_tells_files_from_the_rest(void **state)
{
	char path[128];
	uint64_t size = 0;
	int64_t t = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/f", dir);
	write_text(path, "12345", 5);
	assert_int_equal(folio_cache_stat(&t, &size, path), 0);
	assert_int_equal(size, 5);
	assert_true(t > 0);
	assert_int_equal(folio_cache_stat(&t, &size, dir), FOLIO_EIO);
	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(folio_cache_stat(&t, &size, path), FOLIO_EIO);
}

static void write_fails_cleanly_in_a_missing_folder(void **state)
{
	folio_cache *c = NULL;
	folio_error err = {0};
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/no/such/dir/.cache", dir);
	assert_int_equal(folio_cache_new(&c, &err), 0);
	assert_true(folio_cache_write(c, path, &err) < 0);
	assert_true(err.msg[0] != '\0');
	assert_int_equal(access(path, F_OK), -1);
	folio_cache_free(c);
	folio_cache_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(format_is_the_documented_text),
		cmocka_unit_test(unusable_files_read_empty),
		cmocka_unit_test(stat_tells_files_from_the_rest),
		cmocka_unit_test(write_fails_cleanly_in_a_missing_folder),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
