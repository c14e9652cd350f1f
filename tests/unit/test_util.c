/* Unit tests for src/util: arena, buffers, UTF-8, atomic files, NFC. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <glob.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/epoch.h"
#include "util/error.h"
#include "util/file.h"
#include "util/keyindex.h"
#include "util/pathexpand.h"
#include "util/readwin.h"
#include "util/recarray.h"
#include "util/unicode.h"
#include "util/utf8.h"

static void arena_limit_is_enforced(void **state)
{
	folio_arena *a = folio_arena_new(1024);
	void *p;

	(void)state;
	assert_non_null(a);
	p = folio_arena_alloc(a, 1000);
	assert_non_null(p);
	assert_true(((uintptr_t)p & 15) == 0);
	assert_null(folio_arena_alloc(a, 100));
	assert_null(folio_arena_alloc(a, SIZE_MAX));
	folio_arena_free(a);
	folio_arena_free(NULL);
}

static void arena_large_blocks_get_own_chunk(void **state)
{
	folio_arena *a = folio_arena_new(0);
	char *big, *s;

	(void)state;
	big = folio_arena_alloc(a, 200 * 1024);
	assert_non_null(big);
	memset(big, 'x', 200 * 1024);
	s = folio_arena_strdup(a, "公文");
	assert_string_equal(s, "公文");
	assert_true(folio_arena_used(a) >= 200 * 1024);
	folio_arena_free(a);
}

static void buf_limit_keeps_contents(void **state)
{
	folio_buf b = {0};

	(void)state;
	b.limit = 8;
	assert_int_equal(folio_buf_puts(&b, "abcd"), 0);
	assert_int_equal(folio_buf_puts(&b, "efghij"), FOLIO_ELIMIT);
	assert_string_equal(b.data, "abcd");
	assert_int_equal(folio_buf_printf(&b, "%d", 1234), 0);
	assert_string_equal(b.data, "abcd1234");
	folio_buf_free(&b);
}

static void buf_json_escapes(void **state)
{
	folio_buf b = {0};

	(void)state;
	assert_int_equal(folio_buf_put_json(&b, "a\"b\\c\n\x01中"), 0);
	assert_string_equal(b.data, "a\\\"b\\\\c\\n\\u0001中");
	folio_buf_free(&b);
}

static void utf8_rejects_bad_sequences(void **state)
{
	uint32_t cp;

	(void)state;
	assert_int_equal(folio_utf8_decode("\xe4\xb8\xad", 3, &cp), 3);
	assert_int_equal(cp, 0x4E2D);
	assert_int_equal(folio_utf8_decode("\xc0\xaf", 2, &cp), 0); /* overlong */
	assert_int_equal(folio_utf8_decode("\xed\xa0\x80", 3, &cp), 0); /* surrogate */
	assert_int_equal(folio_utf8_decode("\xf4\x90\x80\x80", 4, &cp), 0);
	assert_int_equal(folio_utf8_decode("\xe4\xb8", 2, &cp), 0); /* cut */
	assert_int_equal(folio_utf8_check("ab\xff" "cd", 5), 2);
	assert_int_equal(folio_utf8_check("中文", 6), 6);
}

static void utf8_position_counts_code_points(void **state)
{
	unsigned line, col;
	const char *s = "第一行\n第二行X";

	(void)state;
	folio_utf8_position(s, strlen("第一行\n第二行"), &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 4);
}

static void classes(void **state)
{
	(void)state;
	assert_true(folio_is_han(0x4E2D));
	assert_true(folio_is_han(0x3007));
	assert_false(folio_is_han(0x3001)); /* 、 */
	assert_true(folio_is_space(0x3000));
	assert_false(folio_is_space('a'));
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void atomic_write_leaves_no_temp(void **state)
{
	char dir[] = "/tmp/folio-test-XXXXXX", path[256];
	folio_error err = {0};
	folio_outfile f;
	char *data;
	size_t len;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out.txt", dir);
	assert_int_equal(folio_file_write_atomic(path, "hello", 5, &err), 0);
	assert_int_equal(folio_file_read(&data, &len, path, 100, &err), 0);
	assert_int_equal(len, 5);
	assert_string_equal(data, "hello");
	free(data);
	assert_int_equal(count_entries(dir), 1);

	/* An aborted output leaves the old file and no temporary. */
	assert_int_equal(folio_outfile_open(&f, path, &err), 0);
	fputs("half", f.fp);
	folio_outfile_abort(&f);
	assert_int_equal(count_entries(dir), 1);
	assert_int_equal(folio_file_read(&data, &len, path, 100, &err), 0);
	assert_string_equal(data, "hello");
	free(data);

	/* The size limit is checked before reading. */
	assert_int_equal(folio_file_read(&data, &len, path, 4, &err),
		FOLIO_ELIMIT);
	assert_non_null(strstr(err.msg, "limit"));
	unlink(path);
	rmdir(dir);
}

/* Records read through a window: the bytes asked for whatever the
 * order, one read serving the records after it, records longer than
 * the window, two files, and a file that ends too soon. */
static void read_window_serves_records(void **state)
{
	enum { N = 20000 };
	static uint64_t off[N + 1];
	folio_read_window w = {0};
	folio_error err = {0};
	FILE *a = tmpfile(), *b = tmpfile();
	const char *at;
	char want[64], *big;
	size_t i, big_len = 3 * FOLIO_READ_WINDOW + 17;
	uint64_t first_off;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	for (i = 0; i < N; i++) {
		off[i] = (uint64_t)ftell(a);
		fprintf(a, "record %zu%s\n", i, i % 7 ? "" : " (longer)");
	}
	off[N] = (uint64_t)ftell(a);
	big = malloc(big_len);
	assert_non_null(big);
	for (i = 0; i < big_len; i++)
		big[i] = (char)('a' + i % 26);
	assert_int_equal(fwrite(big, 1, big_len, b), big_len);
	assert_int_equal(fflush(a), 0);
	assert_int_equal(fflush(b), 0);

	/* In order: the first read fills the window, the next records
	 * come from it. */
	assert_int_equal(folio_read_window_get(&w, fileno(a), off[0],
		off[1] - off[0], &at, &err), 0);
	first_off = w.off;
	assert_true(w.len >= FOLIO_READ_WINDOW ||
		w.len == (size_t)off[N]);
	for (i = 0; i < N; i++) {
		size_t len = (size_t)(off[i + 1] - off[i]);
		snprintf(want, sizeof(want), "record %zu%s\n", i,
			i % 7 ? "" : " (longer)");
		assert_int_equal(folio_read_window_get(&w, fileno(a), off[i],
			len, &at, &err), 0);
		assert_int_equal(len, strlen(want));
		assert_memory_equal(at, want, len);
		if (off[i + 1] <= FOLIO_READ_WINDOW)
			assert_true(w.off == first_off);
	}
	/* Backwards, and alternating with a record of another file that
	 * is longer than the window. */
	for (i = N; i-- > 0; i -= i > 997 ? 997 : i) {
		size_t len = (size_t)(off[i + 1] - off[i]);
		snprintf(want, sizeof(want), "record %zu%s\n", i,
			i % 7 ? "" : " (longer)");
		assert_int_equal(folio_read_window_get(&w, fileno(a), off[i],
			len, &at, &err), 0);
		assert_memory_equal(at, want, len);
		assert_int_equal(folio_read_window_get(&w, fileno(b), 5,
			big_len - 5, &at, &err), 0);
		assert_memory_equal(at, big + 5, big_len - 5);
	}
	/* Past the end: an error, not a short record. */
	assert_int_equal(folio_read_window_get(&w, fileno(a), off[N] - 3,
		10, &at, &err), FOLIO_EIO);
	assert_null(at);
	assert_non_null(strstr(err.msg, "ends before"));
	folio_read_window_free(&w);
	free(big);
	fclose(a);
	fclose(b);
}

/* A key index gives the records of a key, in order, the same whether it
 * stayed in memory or was spilled in many runs and merged: keys at both
 * ends of the range, a key whose records span several blocks, keys
 * absent between and beyond, and no file left in the folder. */
static int rec_cmp(const void *pa, const void *pb)
{
	const folio_key_rec *a = pa, *b = pb;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return a->b < b->b ? -1 : a->b > b->b;
}

static void key_index_matches(const folio_keyindex *x,
	const folio_key_rec *want, size_t n)
{
	folio_error err = {0};
	folio_keyindex_iter it;
	folio_key_rec got;
	size_t i = 0;

	assert_int_equal(folio_keyindex_count(x), n);
	while (i < n) {
		size_t j = i;
		folio_keyindex_seek(&it, x, want[i].key);
		while (j < n && want[j].key == want[i].key) {
			assert_int_equal(folio_keyindex_next(&it, &got, &err),
				1);
			assert_memory_equal(&got, &want[j], sizeof(got));
			j++;
		}
		assert_int_equal(folio_keyindex_next(&it, &got, &err), 0);
		/* A key just above this one that no record has. */
		if (want[i].key + 1 != (j < n ? want[j].key : 0)) {
			folio_keyindex_seek(&it, x, want[i].key + 1);
			assert_int_equal(folio_keyindex_next(&it, &got, &err),
				0);
		}
		i = j;
	}
}

static void key_index_spills_and_merges(void **state)
{
	enum { N = 5000, SAME = 300 };
	char dir[] = "/tmp/folio-test-XXXXXX", beside[64];
	folio_key_rec *recs = calloc(N, sizeof(*recs));
	folio_error err = {0};
	folio_keyindex *mem, *disk;
	folio_keyindex_iter it;
	folio_key_rec got;
	uint64_t r = 88172645463325252ULL;
	size_t i;

	(void)state;
	assert_non_null(recs);
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < N; i++) {
		r ^= r << 13;
		r ^= r >> 7;
		r ^= r << 17;
		recs[i].key = i < SAME ? 42 : r % 3000;   /* many repeat */
		recs[i].a = r >> 20;
		recs[i].b = i;
	}
	recs[N - 1].key = UINT64_MAX;
	recs[N - 2].key = 0;
	snprintf(beside, sizeof(beside), "%s/x", dir);
	assert_int_equal(folio_keyindex_new(&mem, beside, 0, &err), 0);
	/* 100 records a run: 50 runs merged. */
	assert_int_equal(folio_keyindex_new(&disk, beside,
		100 * sizeof(folio_key_rec), &err), 0);
	for (i = 0; i < N; i++) {
		assert_int_equal(folio_keyindex_add(mem, &recs[i], &err), 0);
		assert_int_equal(folio_keyindex_add(disk, &recs[i], &err), 0);
	}
	assert_int_equal(folio_keyindex_finish(mem, &err), 0);
	assert_int_equal(folio_keyindex_finish(disk, &err), 0);
	assert_false(folio_keyindex_spilled(mem));
	assert_true(folio_keyindex_spilled(disk));
	assert_int_equal(count_entries(dir), 0);
	assert_int_equal(folio_keyindex_add(disk, &recs[0], &err),
		FOLIO_EUSAGE);
	qsort(recs, N, sizeof(*recs), rec_cmp);
	key_index_matches(mem, recs, N);
	key_index_matches(disk, recs, N);
	/* Which keys one record holds alone, known without a read. */
	for (i = 0; i < N; i++) {
		int alone = (i == 0 || recs[i - 1].key != recs[i].key) &&
			(i + 1 == N || recs[i + 1].key != recs[i].key);
		assert_int_equal(folio_keyindex_single(mem, recs[i].key),
			alone);
		assert_int_equal(folio_keyindex_single(disk, recs[i].key),
			alone);
	}
	assert_false(folio_keyindex_single(disk, 42));
	/* Below every key, and an empty index. */
	folio_keyindex_seek(&it, disk, 0);
	assert_int_equal(folio_keyindex_next(&it, &got, &err), 1);
	assert_int_equal(got.key, 0);
	folio_keyindex_free(mem);
	assert_int_equal(folio_keyindex_new(&mem, beside, 0, &err), 0);
	assert_int_equal(folio_keyindex_finish(mem, &err), 0);
	folio_keyindex_seek(&it, mem, 42);
	assert_int_equal(folio_keyindex_next(&it, &got, &err), 0);
	folio_keyindex_free(mem);
	/* Where no file can be made, past its budget it stays in
	 * memory, whole and right. */
	assert_int_equal(folio_keyindex_new(&mem, "/nonexistent/x",
		100 * sizeof(folio_key_rec), &err), 0);
	for (i = 0; i < N; i++)
		assert_int_equal(folio_keyindex_add(mem, &recs[i], &err), 0);
	assert_int_equal(folio_keyindex_finish(mem, &err), 0);
	assert_false(folio_keyindex_spilled(mem));
	key_index_matches(mem, recs, N);
	folio_keyindex_free(mem);
	/* More shared keys than it keeps: it no longer says any is
	 * alone. */
	assert_int_equal(folio_keyindex_new(&mem, beside, 0, &err), 0);
	for (i = 0; i < 2 * (FOLIO_KEYINDEX_SHARED + 1); i++) {
		folio_key_rec k = {i / 2, i, 0};
		assert_int_equal(folio_keyindex_add(mem, &k, &err), 0);
	}
	assert_int_equal(folio_keyindex_finish(mem, &err), 0);
	assert_false(folio_keyindex_single(mem, 3 * FOLIO_KEYINDEX_SHARED));
	folio_keyindex_free(mem);
	folio_keyindex_free(disk);
	free(recs);
	rmdir(dir);
}

/* Records in pages of a file: zero until written, what was put read
 * back after its page was written out and read in again, from several
 * threads at once, the same as in memory; none past the end. */
typedef struct rec16 {
	uint64_t a;
	uint32_t b;
	uint32_t c;
} rec16;

enum { REC_N = 50000 };

static void *read_recs(void *arg)
{
	folio_recarray *a = arg;
	folio_error err = {0};
	uint64_t i, bad = 0;
	rec16 r;

	for (i = 0; i < REC_N; i++)
		if (folio_recarray_get(a, i, &r, &err) != 0 ||
		    r.a != (i % 3 ? i * 7 : 0) || r.b != (uint32_t)i)
			bad++;
	return (void *)(uintptr_t)bad;
}

static void record_array_pages(void **state)
{
	char dir[] = "/tmp/folio-test-XXXXXX", beside[64];
	folio_recarray *arr[3];
	folio_error err = {0};
	rec16 r;
	uint64_t i;
	int k;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(beside, sizeof(beside), "%s/x", dir);
	assert_int_equal(folio_recarray_new(&arr[0], beside, sizeof(rec16),
		REC_N, 1, 0, &err), 0);   /* two pages of 4,096 records */
	assert_int_equal(folio_recarray_new(&arr[1], beside, sizeof(rec16),
		REC_N, (size_t)REC_N * sizeof(rec16), 0, &err), 0);
	assert_int_equal(folio_recarray_new(&arr[2], beside, sizeof(rec16),
		REC_N, 1, 1, &err), 0);   /* two pages of 256 records */
	assert_true(folio_recarray_on_disk(arr[0]));
	assert_false(folio_recarray_on_disk(arr[1]));
	assert_true(folio_recarray_on_disk(arr[2]));
	assert_int_equal(count_entries(dir), 0);
	for (k = 0; k < 3; k++) {
		pthread_t t[3];
		void *bad;
		int j;
		assert_int_equal(folio_recarray_get(arr[k], REC_N - 1, &r,
			&err), 0);
		assert_int_equal(r.a, 0);
		/* b in place order, then a out of order (every page). */
		for (i = 0; i < REC_N; i++) {
			memset(&r, 0, sizeof(r));
			r.b = (uint32_t)i;
			assert_int_equal(folio_recarray_put(arr[k], i, &r, &err),
				0);
		}
		for (i = 0; i < REC_N; i++) {
			uint64_t at = (i * 7919) % REC_N;
			if (at % 3 == 0)
				continue;
			assert_int_equal(folio_recarray_get(arr[k], at, &r,
				&err), 0);
			r.a = at * 7;
			assert_int_equal(folio_recarray_put(arr[k], at, &r,
				&err), 0);
		}
		for (j = 0; j < 3; j++)
			assert_int_equal(pthread_create(&t[j], NULL, read_recs,
				arr[k]), 0);
		for (j = 0; j < 3; j++) {
			assert_int_equal(pthread_join(t[j], &bad), 0);
			assert_int_equal((uintptr_t)bad, 0);
		}
		assert_int_equal(folio_recarray_get(arr[k], REC_N, &r, &err),
			FOLIO_EUSAGE);
		assert_int_equal(folio_recarray_count(arr[k]), REC_N);
	}
	for (k = 0; k < 3; k++)
		folio_recarray_free(arr[k]);
	rmdir(dir);
}

/* Past its budget beside a folder that takes no file (`folio build
 * --dry-run` of a batch never built): the records stay in memory,
 * every one of them, rather than the run failing. */
static void record_array_without_a_folder(void **state)
{
	folio_recarray *a = NULL;
	folio_error err = {0};
	uint64_t i, r;

	(void)state;
	assert_int_equal(folio_recarray_new(&a, "/nonexistent/folio/x",
		sizeof(r), 10000, 4096, 0, &err), 0);
	assert_false(folio_recarray_on_disk(a));
	for (i = 0; i < 10000; i++) {
		r = i * 31 + 7;
		assert_int_equal(folio_recarray_put(a, i, &r, &err), 0);
	}
	for (i = 10000; i-- > 0;) {
		assert_int_equal(folio_recarray_get(a, i, &r, &err), 0);
		assert_int_equal(r, i * 31 + 7);
	}
	folio_recarray_free(a);
}

/* What folio_path_expand hands its callback, one string. */
typedef struct expanded {
	folio_buf all;
	size_t n;
	size_t stop_at;         /* fail the n-th call (0: never) */
} expanded;

static int take_match(void *ctx, const char *rel, folio_error *err)
{
	expanded *x = ctx;

	if (++x->n == x->stop_at)
		return folio_error_set(err, FOLIO_EINPUT, "stop at %s", rel);
	assert_int_equal(folio_buf_puts(&x->all, rel), 0);
	assert_int_equal(folio_buf_putc(&x->all, '\n'), 0);
	return 0;
}

static void touch_below(const char *dir, const char *rel)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_non_null(fp = fopen(path, "w"));
	fclose(fp);
}

/* The matches glob(3) finds, relative to dir, one a line. */
static void glob_below(folio_buf *out, const char *dir, const char *pattern)
{
	char full[512];
	glob_t g;
	size_t i, skip = strlen(dir) + 1;

	snprintf(full, sizeof(full), "%s/%s", dir, pattern);
	memset(&g, 0, sizeof(g));
	if (glob(full, 0, NULL, &g) == 0)
		for (i = 0; i < g.gl_pathc; i++) {
			assert_int_equal(folio_buf_puts(out,
				g.gl_pathv[i] + skip), 0);
			assert_int_equal(folio_buf_putc(out, '\n'), 0);
		}
	globfree(&g);
}

/* The manifest's patterns are walked by util/pathexpand, not glob(3):
 * the same matches in the same order, on a tree with the cases that
 * tell them apart ("b-c" sorts before "b/" as whole paths but after
 * "b" as names; hidden names; a file where a folder is asked for; a
 * dangling link; enough names to spill the sort). */
static void path_expand_matches_glob(void **state)
{
	static const char *const dirs[] = {"a", "b", "b-c", "b/d", ".h",
		"many"};
	static const char *const files[] = {"a/x1.xml", "a/x2.xml",
		"a/.x3.xml", "b/x.xml", "b-c/x.xml", "b/d/x.xml", ".h/x.xml",
		"top.xml", "x", "b/[x].xml"};
	static const char *const patterns[] = {"*.xml", "*/x*.xml",
		"*/*/x.xml", "b*/x.xml", "a/x?.xml", "a/.x*", "*/[x].xml",
		"b/\\[x].xml", "x/*.xml", "top.xml", "a/x1.xml", "none*",
		"many/*.xml", "[ab]*/x.xml", "b/d/x.xml", "gone/*.xml",
		"link.xml", "*"};
	char dir[] = "/tmp/folio-test-XXXXXX", path[512];
	folio_error err = {0};
	size_t i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, dirs[i]);
		assert_int_equal(mkdir(path, 0755), 0);
	}
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		touch_below(dir, files[i]);
	for (i = 0; i < 20000; i++) {
		char rel[64];
		snprintf(rel, sizeof(rel), "many/%zu.xml", i * 7919 % 20011);
		touch_below(dir, rel);
	}
	snprintf(path, sizeof(path), "%s/link.xml", dir);
	assert_int_equal(symlink("nowhere.xml", path), 0);
	snprintf(path, sizeof(path), "%s/spill", dir);
	for (i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		expanded x = {{0}, 0, 0};
		folio_buf want = {0};
		long n;
		if (strchr(patterns[i], '\\'))
			continue;   /* the manifest refuses a backslash */
		n = folio_path_expand(dir, patterns[i], path, take_match, &x,
			&err);
		glob_below(&want, dir, patterns[i]);
		assert_true(n >= 0);
		assert_int_equal((size_t)n, x.n);
		assert_string_equal(x.all.data ? x.all.data : "",
			want.data ? want.data : "");
		folio_buf_free(&x.all);
		folio_buf_free(&want);
	}
	/* The callback's error stops the walk and is what comes back. */
	{
		expanded x = {{0}, 0, 2};
		assert_int_equal(folio_path_expand(dir, "a/*", path,
			take_match, &x, &err), FOLIO_EINPUT);
		assert_non_null(strstr(err.msg, "stop at a/x2.xml"));
		folio_buf_free(&x.all);
		folio_error_clear(&err);
	}
	/* A folder that cannot be read is an error, not "no match". */
	if (geteuid() != 0) {
		expanded x = {{0}, 0, 0};
		snprintf(path, sizeof(path), "%s/b", dir);
		assert_int_equal(chmod(path, 0), 0);
		assert_int_equal(folio_path_expand(dir, "b/*.xml", path,
			take_match, &x, &err), FOLIO_EIO);
		assert_int_equal(chmod(path, 0755), 0);
		folio_error_clear(&err);
		folio_buf_free(&x.all);
	}
	/* Too many parts, and an empty one. */
	{
		expanded x = {{0}, 0, 0};
		char deep[3 * FOLIO_PATHEXPAND_DEPTH + 8] = "";
		for (i = 0; i <= FOLIO_PATHEXPAND_DEPTH; i++)
			strcat(deep, "a/");
		strcat(deep, "x");
		assert_int_equal(folio_path_expand(dir, deep, path,
			take_match, &x, &err), FOLIO_ELIMIT);
		folio_error_clear(&err);
		assert_int_equal(folio_path_expand(dir, "a//x1.xml", path,
			take_match, &x, &err), FOLIO_EUSAGE);
		folio_error_clear(&err);
		assert_int_equal(x.n, 0);
	}
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
}

static void read_refuses_directory(void **state)
{
	folio_error err = {0};
	char *data;

	(void)state;
	assert_int_equal(folio_file_read(&data, NULL, "/tmp", 100, &err),
		FOLIO_EIO);
	assert_non_null(strstr(err.msg, "directory"));
}

static void nfc_composes(void **state)
{
	folio_error err = {0};
	folio_buf b = {0};
	/* "e" + COMBINING ACUTE -> U+00E9; CJK compatibility U+F900 -> U+8C48 */
	const char *in = "e\xcc\x81 \xef\xa4\x80";

	(void)state;
	assert_int_equal(folio_nfc_append(&b, in, strlen(in), &err), 0);
	assert_string_equal(b.data, "\xc3\xa9 \xe8\xb1\x88");
	folio_buf_free(&b);
}

static void first_error_message_wins(void **state)
{
	folio_error err = {0};

	(void)state;
	assert_int_equal(folio_error_set(&err, FOLIO_EINPUT, "a:1:2: %s",
		"inner"), FOLIO_EINPUT);
	folio_error_set(&err, FOLIO_EIO, "outer");
	assert_string_equal(err.msg, "a:1:2: inner");
	folio_error_clear(&err);
	assert_int_equal(err.code, 0);
	assert_string_equal(folio_error_name(FOLIO_ELIMIT), "limit");
}

/* Long messages are cut between characters, and JSON output never
 * carries a stray byte: report.json must stay parseable. */
static void messages_stay_valid_utf8(void **state)
{
	folio_error err = {0};
	folio_buf b = {0};
	char big[4000] = "";
	size_t i, len;

	(void)state;
	strcat(big, "x");  /* shift so the cut falls inside a character */
	for (i = 0; i < 1000; i++)
		strcat(big, "文");
	folio_error_set(&err, FOLIO_EINPUT, "%s", big);
	len = strlen(err.msg);
	assert_true(len < FOLIO_ERROR_MSG_MAX);
	assert_int_equal(folio_utf8_check(err.msg, len), len);
	assert_int_equal(folio_utf8_incomplete_tail("a\xe6\x96", 3), 2);
	assert_int_equal(folio_utf8_incomplete_tail("a\xe6\x96\x87", 4), 0);
	assert_int_equal(folio_buf_put_json(&b, "ok\xff\xe6\x96\x87"), 0);
	assert_string_equal(b.data, "ok\\ufffd\xe6\x96\x87");
	folio_buf_free(&b);
}

static void source_date_epoch(void **state)
{
	folio_error err = {0};
	int64_t t;

	(void)state;
	unsetenv("SOURCE_DATE_EPOCH");
	assert_int_equal(folio_source_date_epoch(&t, &err), 0);
	assert_int_equal(t, -1);
	setenv("SOURCE_DATE_EPOCH", "1587945600", 1);
	assert_int_equal(folio_source_date_epoch(&t, &err), 0);
	assert_int_equal(t, 1587945600);
	setenv("SOURCE_DATE_EPOCH", "253402300800", 1);  /* year 10000 */
	assert_int_equal(folio_source_date_epoch(&t, &err), FOLIO_EUSAGE);
	folio_error_clear(&err);
	setenv("SOURCE_DATE_EPOCH", "+5", 1);
	assert_int_equal(folio_source_date_epoch(&t, &err), FOLIO_EUSAGE);
	assert_non_null(strstr(err.msg, "found '+5'"));
	unsetenv("SOURCE_DATE_EPOCH");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arena_limit_is_enforced),
		cmocka_unit_test(arena_large_blocks_get_own_chunk),
		cmocka_unit_test(buf_limit_keeps_contents),
		cmocka_unit_test(buf_json_escapes),
		cmocka_unit_test(utf8_rejects_bad_sequences),
		cmocka_unit_test(utf8_position_counts_code_points),
		cmocka_unit_test(classes),
		cmocka_unit_test(atomic_write_leaves_no_temp),
		cmocka_unit_test(read_refuses_directory),
		cmocka_unit_test(path_expand_matches_glob),
		cmocka_unit_test(read_window_serves_records),
		cmocka_unit_test(key_index_spills_and_merges),
		cmocka_unit_test(record_array_pages),
		cmocka_unit_test(record_array_without_a_folder),
		cmocka_unit_test(nfc_composes),
		cmocka_unit_test(first_error_message_wins),
		cmocka_unit_test(source_date_epoch),
		cmocka_unit_test(messages_stay_valid_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
