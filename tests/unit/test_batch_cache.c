/* Unit tests for src/batch/cache: round trip through the journal,
 * lookups across several files, a killed run's journal recovered, and
 * every kind of unusable cache file reading as no entry. */
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

/* A built document (strings borrowed: clear with forget()). */
static void doc(folio_doc_result *d, const char *source, const char *sha,
	const char *code, const char *id, size_t pages)
{
	memset(d, 0, sizeof(*d));
	d->source = (char *)(uintptr_t)source;
	d->id = (char *)(uintptr_t)id;
	snprintf(d->sha256, sizeof(d->sha256), "%s", sha);
	snprintf(d->code, sizeof(d->code), "%s", code);
	d->status = FOLIO_DOC_BUILT;
	d->pages = pages;
	d->pdf_bytes = 1000 + pages;
	d->pdf_mtime_ns = 1700000000123456789LL;
	d->epub_bytes = 2000 + pages;
	d->epub_mtime_ns = -5; /* before 1970 still round-trips */
	d->has_meta = 1;
	d->meta.title = (char *)(uintptr_t)"关于\"测试\"的通知\t二";
	d->meta.issuer = (char *)(uintptr_t)"测试办公室";
	d->meta.date = (char *)(uintptr_t)"2024-05-06";
	d->meta.security = (char *)(uintptr_t)"公开";
	d->meta.retention = (char *)(uintptr_t)"永久";
	d->meta.keywords = (char *)(uintptr_t)"档案 测试";
}

static void write_text(const char *path, const char *text, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	fclose(fp);
}

static folio_cache *open_one(const char *path, const char *env)
{
	folio_cache *c = NULL;
	folio_error err = {0};

	assert_int_equal(folio_cache_open(&c, &path, 1, env, &err), 0);
	return c;
}

static void round_trip(void **state)
{
	folio_cache_writer *w = NULL;
	folio_cache *c;
	folio_doc_result d, f;
	folio_error err = {0};
	char path[128], journal[160];

	(void)state;
	snprintf(path, sizeof(path), "%s/.cache", dir);
	snprintf(journal, sizeof(journal), "%s.journal", path);
	assert_int_equal(folio_cache_writer_open(&w, path, HEX_B, &err), 0);
	doc(&d, "a.xml", HEX_A, "J012-2024-Y-0001", "doc-a", 3);
	assert_int_equal(folio_cache_writer_add(w, &d, &err), 0);
	doc(&d, "sub dir/通知 \"2\".xml", HEX_B, "J012-2024-D10-0002", NULL, 7);
	assert_int_equal(folio_cache_writer_add(w, &d, &err), 0);
	doc(&d, "failed.xml", HEX_A, "J012-2024-Y-0003", NULL, 0);
	d.status = FOLIO_DOC_FAILED;   /* not cached */
	assert_int_equal(folio_cache_writer_add(w, &d, &err), 0);
	/* Before the commit the lines are in the journal already. */
	assert_int_equal(access(journal, F_OK), 0);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(folio_cache_writer_commit(w, &err), 0);
	folio_cache_writer_free(w);
	assert_int_equal(access(journal, F_OK), -1);

	c = open_one(path, HEX_B);
	assert_int_equal(folio_cache_entries(c), 2);
	assert_int_equal(folio_cache_find(c, "a.xml", 0, &f), 1);
	assert_string_equal(f.sha256, HEX_A);
	assert_string_equal(f.code, "J012-2024-Y-0001");
	assert_string_equal(f.id, "doc-a");
	assert_int_equal(f.pages, 3);
	assert_int_equal(f.pdf_bytes, 1003);
	assert_true(f.pdf_mtime_ns == 1700000000123456789LL);
	assert_int_equal(f.epub_bytes, 2003);
	assert_true(f.epub_mtime_ns == -5);
	/* The record passes through as the JSON it was written as. */
	assert_true(f.has_meta);
	assert_non_null(f.meta_json);
	assert_non_null(strstr(f.meta_json, "\"title\": \"关于\\\"测试\\\"的通知"
		"\\t二\""));
	assert_non_null(strstr(f.meta_json, "\"keywords\": \"档案 测试\""));
	assert_non_null(strstr(f.meta_json, "\"doc_number\": null"));
	folio_doc_result_clear(&f);
	assert_int_equal(folio_cache_find(c, "a.xml", 1, &f), 0);
	assert_int_equal(folio_cache_find(c, "sub dir/通知 \"2\".xml", 0, &f),
		1);
	assert_null(f.id);
	assert_int_equal(f.pages, 7);
	folio_doc_result_clear(&f);
	assert_int_equal(folio_cache_find(c, "failed.xml", 0, &f), 0);
	assert_int_equal(folio_cache_find(c, "b.xml", 0, &f), 0);
	folio_cache_free(c);

	/* Another env: the file is not ours to use. */
	c = open_one(path, HEX_A);
	assert_int_equal(folio_cache_entries(c), 0);
	folio_cache_free(c);
}

/* Two files: the first given wins; both entries are found in order. */
static void several_files(void **state)
{
	folio_cache_writer *w = NULL;
	folio_cache *c = NULL;
	folio_doc_result d, f;
	folio_error err = {0};
	char p1[128], p2[128];
	const char *paths[3];

	(void)state;
	snprintf(p1, sizeof(p1), "%s/one.cache", dir);
	snprintf(p2, sizeof(p2), "%s/two.cache", dir);
	assert_int_equal(folio_cache_writer_open(&w, p1, HEX_B, &err), 0);
	doc(&d, "a.xml", HEX_A, "J012-2024-Y-0001", "first", 1);
	assert_int_equal(folio_cache_writer_add(w, &d, &err), 0);
	assert_int_equal(folio_cache_writer_commit(w, &err), 0);
	folio_cache_writer_free(w);
	assert_int_equal(folio_cache_writer_open(&w, p2, HEX_B, &err), 0);
	doc(&d, "a.xml", HEX_B, "J012-2024-Y-0001", "second", 2);
	assert_int_equal(folio_cache_writer_add(w, &d, &err), 0);
	doc(&d, "b.xml", HEX_B, "J012-2024-Y-0002", "only", 2);
	assert_int_equal(folio_cache_writer_add(w, &d, &err), 0);
	assert_int_equal(folio_cache_writer_commit(w, &err), 0);
	folio_cache_writer_free(w);

	paths[0] = p1;
	paths[1] = "/nonexistent/.cache";
	paths[2] = p2;
	assert_int_equal(folio_cache_open(&c, paths, 3, HEX_B, &err), 0);
	assert_int_equal(folio_cache_entries(c), 3);
	assert_int_equal(folio_cache_find(c, "a.xml", 0, &f), 1);
	assert_string_equal(f.id, "first");
	folio_doc_result_clear(&f);
	assert_int_equal(folio_cache_find(c, "a.xml", 1, &f), 1);
	assert_string_equal(f.id, "second");
	folio_doc_result_clear(&f);
	assert_int_equal(folio_cache_find(c, "b.xml", 0, &f), 1);
	folio_doc_result_clear(&f);
	/* Through one window, lines of both files in turn: the same
	 * entries as lookups one read each. */
	{
		static const struct {
			const char *source, *id;
			size_t k, pages;
		} want[] = {{"a.xml", "first", 0, 1}, {"b.xml", "only", 0, 2},
			{"a.xml", "second", 1, 2}, {"c.xml", NULL, 0, 0}};
		const size_t n = sizeof(want) / sizeof(want[0]);
		folio_read_window win = {0};
		size_t i;
		for (i = 0; i < 2 * n; i++) {
			size_t q = i % n;
			assert_int_equal(folio_cache_find_in(c, &win,
				want[q].source, want[q].k, &f),
				want[q].id != NULL);
			if (want[q].id == NULL)
				continue;
			assert_string_equal(f.id, want[q].id);
			assert_int_equal(f.pages, want[q].pages);
			folio_doc_result_clear(&f);
		}
		folio_read_window_free(&win);
	}
	folio_cache_free(c);
	folio_cache_free(NULL);
}

/* Descriptors of this process open on an unlinked index file. */
static int open_index_files(void)
{
	char cmd[] = "ls -l /proc/$PPID/fd 2>/dev/null | grep -c "
		"'keyindex.tmp.*(deleted)'";
	FILE *p = popen(cmd, "r");
	int n = -1;

	assert_non_null(p);
	assert_int_equal(fscanf(p, "%d", &n), 1);
	pclose(p);
	return n;
}

/* A cache too large for its index's memory budget: the index is
 * spilled beside the first file, sorted in runs and merged, and every
 * source is found, the k-th of two files in file order, through a
 * window and without one, as from an index in memory. */
static void index_on_disk(void **state)
{
	enum { N = 700 };
	folio_cache_writer *w = NULL;
	folio_cache *c[2];
	folio_doc_result d, f;
	folio_error err = {0};
	char p1[128], p2[128], src[32], id[32];
	const char *paths[2];
	folio_read_window win = {0};
	size_t i, k;

	(void)state;
	snprintf(p1, sizeof(p1), "%s/big1.cache", dir);
	snprintf(p2, sizeof(p2), "%s/big2.cache", dir);
	for (k = 0; k < 2; k++) {
		assert_int_equal(folio_cache_writer_open(&w, k ? p2 : p1,
			HEX_B, &err), 0);
		for (i = 0; i < N; i++) {
			if (k == 1 && i % 7 != 0)
				continue;   /* the second file: every 7th */
			snprintf(src, sizeof(src), "doc-%05zu.xml", i);
			snprintf(id, sizeof(id), "id-%zu-%zu", k, i);
			doc(&d, src, HEX_B, "J012-2024-Y-0001", id, 1 + k);
			assert_int_equal(folio_cache_writer_add(w, &d, &err),
				0);
		}
		assert_int_equal(folio_cache_writer_commit(w, &err), 0);
		folio_cache_writer_free(w);
	}
	paths[0] = p1;
	paths[1] = p2;
	assert_int_equal(folio_cache_open_budget(&c[0], paths, 2, HEX_B,
		1, &err), 0);   /* the least: a block of records a run */
	assert_int_equal(open_index_files(), 1);
	assert_int_equal(folio_cache_open(&c[1], paths, 2, HEX_B, &err), 0);
	assert_int_equal(open_index_files(), 1);   /* within the budget */
	for (k = 0; k < 2; k++) {
		assert_int_equal(folio_cache_entries(c[k]), N + (N + 6) / 7);
		for (i = 0; i < N; i += (i % 50 == 0) ? 1 : 13) {
			snprintf(src, sizeof(src), "doc-%05zu.xml", i);
			snprintf(id, sizeof(id), "id-0-%zu", i);
			assert_int_equal(folio_cache_find_in(c[k], i % 2 ?
				&win : NULL, src, 0, &f), 1);
			assert_string_equal(f.id, id);
			folio_doc_result_clear(&f);
			snprintf(id, sizeof(id), "id-1-%zu", i);
			assert_int_equal(folio_cache_find_in(c[k], &win, src,
				1, &f), i % 7 == 0);
			if (i % 7 == 0)
				assert_string_equal(f.id, id);
			folio_doc_result_clear(&f);
		}
		assert_int_equal(folio_cache_find(c[k], "doc-99999.xml", 0,
			&f), 0);
		/* The line after one read is not taken for a source that
		 * has an entry in an earlier file too: doc-00007's first is
		 * the first file's, though the second's follows
		 * doc-00000's there. */
		assert_int_equal(folio_cache_find_in(c[k], &win,
			"doc-00000.xml", 1, &f), 1);
		assert_string_equal(f.id, "id-1-0");
		folio_doc_result_clear(&f);
		assert_int_equal(folio_cache_find_in(c[k], &win,
			"doc-00007.xml", 0, &f), 1);
		assert_string_equal(f.id, "id-0-7");
		folio_doc_result_clear(&f);
		/* ... and is, through the window, for one that has not. */
		assert_int_equal(folio_cache_find_in(c[k], &win,
			"doc-00100.xml", 0, &f), 1);
		folio_doc_result_clear(&f);
		assert_int_equal(folio_cache_find_in(c[k], &win,
			"doc-00101.xml", 0, &f), 1);
		assert_string_equal(f.id, "id-0-101");
		folio_doc_result_clear(&f);
		assert_int_equal(folio_cache_find_in(c[k], &win,
			"doc-00103.xml", 0, &f), 1);
		assert_string_equal(f.id, "id-0-103");
		folio_doc_result_clear(&f);
	}
	/* Nothing left in the folder but the two caches. */
	{
		char cmd[256];
		snprintf(cmd, sizeof(cmd), "test $(ls -A '%s' | grep -c "
			"keyindex) = 0", dir);
		assert_int_equal(system(cmd), 0);
	}
	folio_read_window_free(&win);
	folio_cache_free(c[0]);
	folio_cache_free(c[1]);
	assert_int_equal(open_index_files(), 0);
	unlink(p1);
	unlink(p2);
}

/* A run killed with its journal open: the journal's lines win, the old
 * cache's other lines stay, a line cut short is dropped. */
static void journal_of_a_killed_run(void **state)
{
	folio_cache_writer *w = NULL;
	folio_cache *c;
	folio_doc_result d, f;
	folio_error err = {0};
	char path[128], journal[160];
	FILE *fp;

	(void)state;
	snprintf(path, sizeof(path), "%s/k.cache", dir);
	snprintf(journal, sizeof(journal), "%s.journal", path);
	assert_int_equal(folio_cache_writer_open(&w, path, HEX_B, &err), 0);
	doc(&d, "a.xml", HEX_A, "J012-2024-Y-0001", "old-a", 1);
	assert_int_equal(folio_cache_writer_add(w, &d, &err), 0);
	doc(&d, "b.xml", HEX_A, "J012-2024-Y-0002", "old-b", 1);
	assert_int_equal(folio_cache_writer_add(w, &d, &err), 0);
	assert_int_equal(folio_cache_writer_commit(w, &err), 0);
	folio_cache_writer_free(w);

	assert_int_equal(folio_cache_writer_open(&w, path, HEX_B, &err), 0);
	doc(&d, "a.xml", HEX_B, "J012-2024-Y-0001", "new-a", 2);
	assert_int_equal(folio_cache_writer_add(w, &d, &err), 0);
	folio_cache_writer_free(w);           /* killed: no commit */
	fp = fopen(journal, "ab");
	fputs("{\"source\": \"c.xml\", \"index\": 3", fp);   /* cut short */
	fclose(fp);

	assert_int_equal(folio_cache_recover(path, &err), 0);
	assert_int_equal(access(journal, F_OK), -1);
	c = open_one(path, HEX_B);
	assert_int_equal(folio_cache_entries(c), 2);
	assert_int_equal(folio_cache_find(c, "a.xml", 0, &f), 1);
	assert_string_equal(f.id, "new-a");
	folio_doc_result_clear(&f);
	assert_int_equal(folio_cache_find(c, "a.xml", 1, &f), 0);
	assert_int_equal(folio_cache_find(c, "b.xml", 0, &f), 1);
	assert_string_equal(f.id, "old-b");
	folio_doc_result_clear(&f);
	assert_int_equal(folio_cache_find(c, "c.xml", 0, &f), 0);
	folio_cache_free(c);
	/* Nothing to recover: nothing happens. */
	assert_int_equal(folio_cache_recover(path, &err), 0);
}

/* Killed before its first document: the journal holds its header alone.
 * Recovery keeps the old cache's lines (and sorts no empty list: UBSan
 * caught qsort given a null pointer here when kill.sh hit this window). */
static void journal_of_a_run_killed_at_once(void **state)
{
	folio_cache_writer *w = NULL;
	folio_cache *c;
	folio_doc_result d, f;
	folio_error err = {0};
	char path[128], journal[160];

	(void)state;
	snprintf(path, sizeof(path), "%s/h.cache", dir);
	snprintf(journal, sizeof(journal), "%s.journal", path);
	assert_int_equal(folio_cache_writer_open(&w, path, HEX_B, &err), 0);
	doc(&d, "a.xml", HEX_A, "J012-2024-Y-0001", "old-a", 1);
	assert_int_equal(folio_cache_writer_add(w, &d, &err), 0);
	assert_int_equal(folio_cache_writer_commit(w, &err), 0);
	folio_cache_writer_free(w);

	assert_int_equal(folio_cache_writer_open(&w, path, HEX_B, &err), 0);
	folio_cache_writer_free(w);           /* killed: header only */
	assert_int_equal(access(journal, F_OK), 0);

	assert_int_equal(folio_cache_recover(path, &err), 0);
	assert_int_equal(access(journal, F_OK), -1);
	c = open_one(path, HEX_B);
	assert_int_equal(folio_cache_entries(c), 1);
	assert_int_equal(folio_cache_find(c, "a.xml", 0, &f), 1);
	assert_string_equal(f.id, "old-a");
	folio_doc_result_clear(&f);
	folio_cache_free(c);
}

/* Each of these gives no entry, with no error. */
static void unusable_files_give_nothing(void **state)
{
	static const char *const bad[] = {
		"",
		"not a cache\n",
		"folio-cache 1\nenv " HEX_B "\n",
		"{\"folio_cache\": 1, \"env\": \"" HEX_B "\"}\n"
			"{\"source\": \"a.xml\", \"index\": 1}\n",
		/* header fine, the line not a document of ours */
		"{\"folio_cache\": 2, \"env\": \"" HEX_B "\"}\n"
			"{\"source\": \"a.xml\", \"index\": \"one\"}\n",
		/* a built document without its record */
		"{\"folio_cache\": 2, \"env\": \"" HEX_B "\"}\n"
			"{\"source\": \"a.xml\", \"index\": 1, \"sha256\": \""
			HEX_A "\", \"code\": \"C\", \"status\": \"built\"}\n",
		/* cut short: no final newline */
		"{\"folio_cache\": 2, \"env\": \"" HEX_B "\"}\n"
			"{\"source\": \"a.xml\", \"index\": 1}",
		/* upper-case hex is not ours */
		"{\"folio_cache\": 2, \"env\": \"" HEX_B "\"}\n"
			"{\"source\": \"a.xml\", \"index\": 1, \"sha256\": \""
			"ABC\"}\n",
	};
	folio_cache *c;
	folio_doc_result f;
	char path[128];
	size_t i;

	(void)state;
	snprintf(path, sizeof(path), "%s/bad.cache", dir);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_text(path, bad[i], strlen(bad[i]));
		c = open_one(path, HEX_B);
		assert_int_equal(folio_cache_find(c, "a.xml", 0, &f), 0);
		folio_cache_free(c);
	}
	/* A NUL byte inside the header. */
	write_text(path, "{\"folio_cache\": 2,\0}\n", 21);
	c = open_one(path, HEX_B);
	assert_int_equal(folio_cache_entries(c), 0);
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
	folio_cache_writer *w = NULL;
	folio_error err = {0};
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/no/such/dir/.cache", dir);
	assert_true(folio_cache_writer_open(&w, path, HEX_A, &err) < 0);
	assert_null(w);
	assert_true(err.msg[0] != '\0');
	folio_cache_writer_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(several_files),
		cmocka_unit_test(index_on_disk),
		cmocka_unit_test(journal_of_a_killed_run),
		cmocka_unit_test(journal_of_a_run_killed_at_once),
		cmocka_unit_test(unusable_files_give_nothing),
		cmocka_unit_test(stat_tells_files_from_the_rest),
		cmocka_unit_test(write_fails_cleanly_in_a_missing_folder),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
