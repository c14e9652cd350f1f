/* Unit tests for the archive's spooled, sorted files
 * (archive/container_impl.h): groups added in any order come back in
 * name order with every field, through one run or many merged; two
 * groups with the same folder are refused; nothing is left behind. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive/container_impl.h"

#define TMP_FIXTURE_NAME "entries"
#include "tmp_fixture.h"

/* Files in tmp (the sorter's temporary files are siblings of the
 * archive's path). */
static int files_in_tmp(void)
{
	DIR *d = opendir(tmp);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* Record k of n: a 档号 whose string order is not its number's (as
 * J-2020-Y-10000 sorts before J-2020-Y-1001), 1 to 4 files. */
static void group_of(unsigned k, char *key, size_t keysz, arch_file *f,
	char names[][96], char paths[][64], size_t *nf)
{
	static const char *const kinds[] = {"pdf", "xml", "epub", "fig1.png"};
	size_t i;

	snprintf(key, keysz, "data/records/J-2020-%s-%04u/",
		k % 3 == 0 ? "Y" : k % 3 == 1 ? "D30" : "D10", k);
	*nf = 1 + k % 4;
	for (i = 0; i < *nf; i++) {
		snprintf(names[i], 96, "%sJ-%u.%s", key, k, kinds[i]);
		snprintf(paths[i], 64, "/src/%u/%zu", k, i);
		memset(&f[i], 0, sizeof(f[i]));
		f[i].name = names[i];
		f[i].path = paths[i];
		f[i].off = (uint64_t)k * 1000u + i;
		f[i].size = (uint64_t)k * 7u + i;
		memset(f[i].sha256, (int)((k + i) & 0xff), sizeof(f[i].sha256));
	}
}

static void sorted_back(unsigned n, size_t run_bytes)
{
	char zip[300], key[96], names[4][96], paths[4][64];
	char last[200] = "";
	arch_file f[4];
	const arch_file *got;
	entry_sort *s = NULL;
	entry_walk *w = NULL;
	folio_error err = {0};
	uint64_t total = 0, seen = 0;
	unsigned k;
	size_t nf;

	snprintf(zip, sizeof(zip), "%s/a.zip", tmp);
	assert_int_equal(entry_sort_new(&s, zip, &err), 0);
	if (run_bytes)
		entry_sort_set_run_bytes(s, run_bytes);
	/* Added in an order that is neither the names' nor the numbers'. */
	for (k = 0; k < n; k++) {
		unsigned j = (k * 7919u) % n + 1;
		group_of(j, key, sizeof(key), f, names, paths, &nf);
		/* The files handed over in reverse: the group sorts them. */
		{
			arch_file r[4];
			size_t i;
			for (i = 0; i < nf; i++)
				r[i] = f[nf - 1 - i];
			assert_int_equal(entry_sort_add(s, key, r, nf, &err),
				0);
		}
		total += nf;
	}
	assert_int_equal(entry_sort_count(s), total);
	assert_int_equal(entry_sort_finish(s, &err), 0);
	/* Twice: each pass reads from the start. */
	for (k = 0; k < 2; k++) {
		seen = 0;
		last[0] = '\0';
		assert_int_equal(entry_walk_open(&w, s, &err), 0);
		while (entry_walk_next(w, &got, &err) == 0 && got != NULL) {
			unsigned num;
			size_t i;
			assert_true(strcmp(last, got->name) < 0);
			snprintf(last, sizeof(last), "%s", got->name);
			/* Every field as it was added. */
			assert_int_equal(sscanf(strrchr(got->name, '/') + 1,
				"J-%u.", &num), 1);
			group_of(num, key, sizeof(key), f, names, paths, &nf);
			for (i = 0; i < nf; i++)
				if (strcmp(names[i], got->name) == 0)
					break;
			assert_true(i < nf);
			assert_string_equal(got->path, paths[i]);
			assert_int_equal(got->off, f[i].off);
			assert_int_equal(got->size, f[i].size);
			assert_memory_equal(got->sha256, f[i].sha256, 32);
			seen++;
		}
		assert_null(got);
		entry_walk_free(w);
		assert_int_equal(seen, total);
	}
	entry_sort_free(s);
	assert_int_equal(files_in_tmp(), 0);
}

static void test_one_run(void **state)
{
	(void)state;
	sorted_back(500, 0);
}

/* Runs of 4 KB: hundreds of runs merged. */
static void test_many_runs(void **state)
{
	(void)state;
	sorted_back(12000, 4096);
}

/* A group larger than a run on its own still goes through. */
static void test_group_larger_than_run(void **state)
{
	(void)state;
	sorted_back(50, 100);
}

static void test_same_folder_refused(void **state)
{
	char zip[300], key[96], names[4][96], paths[4][64];
	arch_file f[4];
	entry_sort *s = NULL;
	folio_error err = {0};
	size_t nf;
	unsigned k;

	(void)state;
	snprintf(zip, sizeof(zip), "%s/b.zip", tmp);
	assert_int_equal(entry_sort_new(&s, zip, &err), 0);
	entry_sort_set_run_bytes(s, 2048);
	for (k = 1; k <= 200; k++) {
		group_of(k == 150 ? 17 : k, key, sizeof(key), f, names, paths,
			&nf);
		assert_int_equal(entry_sort_add(s, key, f, nf, &err), 0);
	}
	assert_int_equal(entry_sort_finish(s, &err), FOLIO_EUSAGE);
	assert_non_null(strstr(err.msg, "data/records/J-2020-D10-0017/"));
	assert_non_null(strstr(err.msg, "档号"));
	entry_sort_free(s);
	assert_int_equal(files_in_tmp(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_run),
		cmocka_unit_test(test_many_runs),
		cmocka_unit_test(test_group_larger_than_run),
		cmocka_unit_test(test_same_folder_refused),
	};
	return cmocka_run_group_tests(tests, tmp_setup, tmp_teardown);
}
