/* Unit tests for the containers that spill past a budget: varlist
 * (records by place) and extsort (records in order). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "util/error.h"
#include "util/extsort.h"
#include "util/varlist.h"

#define TMP_FIXTURE_NAME "spill"
#include "tmp_fixture.h"

static uint64_t xorshift(uint64_t *r)
{
	*r ^= *r << 13;
	*r ^= *r >> 7;
	*r ^= *r << 17;
	return *r;
}

/* Entries of dir, dot files too: spill files are unlinked at once. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static const char *beside(void)
{
	static char path[300];

	snprintf(path, sizeof(path), "%s/out.pdf", tmp);
	return path;
}

/* Bytes held by malloc now; 0 where a sanitizer's allocator answers
 * nothing (the bound is then checked by the release build only). */
static size_t heap_in_use(void)
{
	struct mallinfo2 m = mallinfo2();

	return m.uordblks + m.hblkhd;
}

/* 1 when the heap grew by less than bound since before. */
static int grew_less(size_t before, size_t bound)
{
	size_t now = heap_in_use();

	return before == 0 || now < before || now - before < bound;
}

/* Files written from now on stop at bytes (a full disk, as far as the
 * code under test can tell); 0: no limit again. */
static void limit_file_size(rlim_t bytes)
{
	static struct rlimit old;
	static int saved;
	struct rlimit lim;

	if (!saved) {
		assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
		saved = 1;
	}
	lim = old;
	if (bytes > 0)
		lim.rlim_cur = bytes;
	/* A write past the limit then fails with EFBIG instead of
	 * killing the process. */
	signal(SIGXFSZ, bytes > 0 ? SIG_IGN : SIG_DFL);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
}

/* ---- extsort ---- */

typedef struct rec {
	unsigned char *p;
	size_t len;
} rec;

static int rec_order(const void *pa, const void *pb)
{
	const rec *a = pa, *b = pb;
	int c = memcmp(a->p, b->p, a->len < b->len ? a->len : b->len);

	if (c != 0)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

/* n records made to catch a wrong order: short ones of 0x00, 0x01,
 * 0xfe and 0xff (many equal, many prefixes of others), copies and
 * prefixes and extensions of earlier ones, long random ones up to
 * longest, and some of exactly longest. */
static rec *make_records(size_t n, size_t longest, uint64_t seed)
{
	static const unsigned char alphabet[] = {0x00, 0x01, 0xfe, 0xff};
	rec *v = calloc(n, sizeof(*v));
	uint64_t r = seed;
	size_t i, k;

	assert_non_null(v);
	for (i = 0; i < n; i++) {
		const rec *old = i > 0 ? &v[xorshift(&r) % i] : NULL;
		uint64_t kind = old != NULL ? xorshift(&r) % 8 : 0;
		size_t len;

		if (kind < 3)
			len = xorshift(&r) % 7;
		else if (kind < 5)    /* a byte shorter, as long, longer */
			len = old->len + xorshift(&r) % 3;
		else if (i % 97 == 0)
			len = longest + 1;
		else
			len = xorshift(&r) % longest + 1;
		len = len > longest ? longest : len > 0 ? len - 1 : 0;
		v[i].len = len;
		assert_non_null(v[i].p = malloc(len ? len : 1));
		for (k = 0; k < len; k++)
			v[i].p[k] = kind < 3 ? alphabet[xorshift(&r) % 4] :
				(kind < 5 && k < old->len) ? old->p[k] :
				(unsigned char)xorshift(&r);
	}
	return v;
}

static void free_records(rec *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].p);
	free(v);
}

/* n records made from seed (up to longest bytes), sorted with budget
 * beside where: the sort's order is qsort's with the same comparison,
 * every record comes back once, it spilled or not, and memory held
 * while reading grew by less than bound (0: not checked). */
static void sort_matches(size_t n, size_t longest, uint64_t seed,
	const char *where, size_t budget, int spills, size_t bound)
{
	rec *v = make_records(n, longest, seed);
	folio_error err = {0};
	folio_extsort *s;
	const void *got;
	size_t i, len, before = heap_in_use();

	assert_int_equal(folio_extsort_new(&s, where, budget, &err), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(folio_extsort_add(s, v[i].p, v[i].len, &err),
			0);
	assert_int_equal(folio_extsort_count(s), n);
	assert_int_equal(folio_extsort_finish(s, &err), 0);
	assert_int_equal(folio_extsort_finish(s, &err), 0);
	assert_int_equal(folio_extsort_spilled(s), spills);
	assert_int_equal(entries(tmp), 0);
	qsort(v, n, sizeof(*v), rec_order);
	for (i = 0; i < n; i++) {
		assert_int_equal(folio_extsort_next(s, &got, &len, &err), 1);
		assert_int_equal(len, v[i].len);
		if (len > 0)
			assert_memory_equal(got, v[i].p, len);
		if (bound > 0 && i == n / 2)
			assert_true(grew_less(before, bound));
	}
	assert_int_equal(folio_extsort_next(s, &got, &len, &err), 0);
	assert_int_equal(folio_extsort_next(s, &got, &len, &err), 0);
	assert_int_equal(folio_extsort_add(s, "x", 1, &err), FOLIO_EUSAGE);
	folio_extsort_free(s);
	free_records(v, n);
}

/* 4,000 records of up to 3 KB with the least budget: about 200 runs,
 * merged sixteen at a time into runs of the next level while added,
 * and more than sixteen left at the end (24), merged down before
 * reading. Memory while reading: sixteen buffers, not the 3 MB sorted. */
static void extsort_many_runs_merge_in_passes(void **state)
{
	(void)state;
	sort_matches(4000, 3000, 88172645463325252ULL, beside(), 1, 1,
		256 * 1024);
}

/* Three levels of runs (about 340 runs), with records of the largest
 * size, longer than the buffers that read runs. */
static void extsort_three_levels_and_longest_records(void **state)
{
	(void)state;
	sort_matches(1100, FOLIO_EXTSORT_MAX, 7, beside(), 1, 1, 0);
}

static void extsort_within_budget_stays_in_memory(void **state)
{
	(void)state;
	sort_matches(3000, 200, 42, beside(), 0, 0, 0);
}

/* Where no file can be made, past its budget the sort stays in memory,
 * whole and right. */
static void extsort_without_a_folder_stays_in_memory(void **state)
{
	(void)state;
	sort_matches(3000, 500, 99, "/nonexistent/folder/out.pdf", 1, 0, 0);
}

static void extsort_empty_and_single(void **state)
{
	folio_error err = {0};
	folio_extsort *s;
	const void *got;
	size_t len = 99;
	int budget;

	(void)state;
	for (budget = 0; budget < 2; budget++) {
		assert_int_equal(folio_extsort_new(&s, beside(),
			(size_t)budget, &err), 0);
		assert_int_equal(folio_extsort_next(s, &got, &len, &err),
			FOLIO_EUSAGE);
		assert_int_equal(folio_extsort_finish(s, &err), 0);
		assert_int_equal(folio_extsort_count(s), 0);
		assert_int_equal(folio_extsort_next(s, &got, &len, &err), 0);
		assert_false(folio_extsort_spilled(s));
		folio_extsort_free(s);
	}
	err.code = 0;
	err.msg[0] = '\0';
	assert_int_equal(folio_extsort_new(&s, beside(), 0, &err), 0);
	assert_int_equal(folio_extsort_add(s, "", 0, &err), 0);
	assert_int_equal(folio_extsort_finish(s, &err), 0);
	assert_int_equal(folio_extsort_next(s, &got, &len, &err), 1);
	assert_int_equal(len, 0);
	assert_int_equal(folio_extsort_next(s, &got, &len, &err), 0);
	folio_extsort_free(s);
	folio_extsort_free(NULL);
}

static void extsort_refuses_a_record_too_long(void **state)
{
	folio_error err = {0};
	folio_extsort *s;
	unsigned char *big = calloc(1, FOLIO_EXTSORT_MAX + 1);
	const void *got;
	size_t len;

	(void)state;
	assert_non_null(big);
	assert_int_equal(folio_extsort_new(&s, beside(), 1, &err), 0);
	assert_int_equal(folio_extsort_add(s, big, FOLIO_EXTSORT_MAX + 1,
		&err), FOLIO_ELIMIT);
	assert_non_null(strstr(err.msg, "16385 bytes"));
	assert_int_equal(folio_extsort_add(s, big, FOLIO_EXTSORT_MAX, &err),
		0);
	assert_int_equal(folio_extsort_finish(s, &err), 0);
	assert_int_equal(folio_extsort_count(s), 1);
	assert_int_equal(folio_extsort_next(s, &got, &len, &err), 1);
	assert_int_equal(len, FOLIO_EXTSORT_MAX);
	folio_extsort_free(s);
	free(big);
}

/* Runs that cannot be written: FOLIO_EIO from add or finish, with the
 * folder named. */
static void extsort_write_failure_is_reported(void **state)
{
	enum { N = 4000 };
	rec *v = make_records(N, 3000, 5);
	folio_error err = {0};
	folio_extsort *s;
	size_t i;
	int rc = 0;

	(void)state;
	assert_int_equal(folio_extsort_new(&s, beside(), 1, &err), 0);
	limit_file_size(256 * 1024);
	for (i = 0; i < N && rc == 0; i++)
		rc = folio_extsort_add(s, v[i].p, v[i].len, &err);
	if (rc == 0)
		rc = folio_extsort_finish(s, &err);
	limit_file_size(0);
	assert_int_equal(rc, FOLIO_EIO);
	assert_non_null(strstr(err.msg, "cannot write a temporary file "
		"beside"));
	assert_non_null(strstr(err.msg, tmp));
	assert_int_equal(folio_extsort_add(s, "x", 1, &err), FOLIO_EUSAGE);
	assert_int_equal(folio_extsort_finish(s, &err), FOLIO_EUSAGE);
	folio_extsort_free(s);
	free_records(v, N);
}

/* ---- varlist ---- */

enum { LIST_N = 50000 };

/* Record i, made again from its place: mostly short, some empty, some
 * of a few KB (past a window of the least budget), some of the most. */
static size_t list_record(uint64_t i, unsigned char *p)
{
	uint64_t r = i * 0x9e3779b97f4a7c15ULL + 1;
	size_t len, k;

	xorshift(&r);
	len = i % 5000 == 4999 ? FOLIO_VARLIST_MAX :
		i % 777 == 0 ? 0 :
		i % 211 == 0 ? (size_t)(xorshift(&r) % 9000) :
		(size_t)(xorshift(&r) % 90);
	for (k = 0; k < len; k++)
		p[k] = (unsigned char)(i + k * 7 + (k ? p[k - 1] : 0));
	return len;
}

static unsigned char *list_buffer(void)
{
	unsigned char *p = malloc(FOLIO_VARLIST_MAX);

	assert_non_null(p);
	return p;
}

/* How many of the places order[0..n) read back other than made. */
static uint64_t list_mismatches(folio_varlist *l, const uint64_t *order,
	size_t n)
{
	unsigned char *want = list_buffer(), *got = list_buffer();
	folio_error err = {0};
	uint64_t bad = 0;
	size_t j, len;

	for (j = 0; j < n; j++) {
		uint64_t i = order[j];
		size_t want_len = list_record(i, want);
		if (folio_varlist_get(l, i, got, FOLIO_VARLIST_MAX, &len,
			&err) != 0 || len != want_len ||
		    memcmp(got, want, len) != 0)
			bad++;
	}
	free(want);
	free(got);
	return bad;
}

typedef struct reader {
	folio_varlist *l;
	const uint64_t *order;
	size_t n;
	uint64_t bad;
} reader;

static void *read_list(void *arg)
{
	reader *r = arg;

	r->bad = list_mismatches(r->l, r->order, r->n);
	return NULL;
}

/* Every record read back in order, backwards, at random, and by three
 * threads at once (each in its own order); none past the end. */
static void list_reads_back(folio_varlist *l, uint64_t n)
{
	uint64_t *order[3], seed = 12345;
	unsigned char buf[8];
	folio_error err = {0};
	pthread_t t[3];
	reader rd[3];
	size_t i, len = 0;
	int k;

	assert_int_equal(folio_varlist_count(l), n);
	for (k = 0; k < 3; k++)
		assert_non_null(order[k] = malloc(n * sizeof(uint64_t)));
	for (i = 0; i < n; i++) {
		order[0][i] = i;
		order[1][i] = n - 1 - i;
		order[2][i] = xorshift(&seed) % n;
	}
	for (k = 0; k < 3; k++)
		assert_int_equal(list_mismatches(l, order[k], n), 0);
	for (k = 0; k < 3; k++) {
		rd[k].l = l;
		rd[k].order = order[k];
		rd[k].n = n;
		assert_int_equal(pthread_create(&t[k], NULL, read_list,
			&rd[k]), 0);
	}
	for (k = 0; k < 3; k++) {
		pthread_join(t[k], NULL);
		assert_int_equal(rd[k].bad, 0);
	}
	assert_int_equal(folio_varlist_get(l, n, buf, sizeof(buf), &len,
		&err), FOLIO_EUSAGE);
	assert_int_equal(folio_varlist_get(l, UINT64_MAX, buf, sizeof(buf),
		&len, &err), FOLIO_EUSAGE);
	for (k = 0; k < 3; k++)
		free(order[k]);
}

/* A record into a buffer one byte short: FOLIO_ELIMIT, and *len says
 * how much it needs. */
static void list_buffer_too_small(folio_varlist *l, uint64_t i)
{
	unsigned char *want = list_buffer(), *got = list_buffer();
	size_t want_len = list_record(i, want), len = 0;
	folio_error err = {0};

	assert_true(want_len > 0);
	assert_int_equal(folio_varlist_get(l, i, got, want_len - 1, &len,
		&err), FOLIO_ELIMIT);
	assert_int_equal(len, want_len);
	assert_non_null(strstr(err.msg, "bytes for a buffer of"));
	assert_int_equal(folio_varlist_get(l, i, got, want_len, &len, &err),
		0);
	assert_memory_equal(got, want, want_len);
	free(want);
	free(got);
}

static folio_varlist *list_made(const char *where, size_t budget,
	uint64_t n)
{
	unsigned char *p = list_buffer();
	folio_error err = {0};
	folio_varlist *l;
	uint64_t i;

	assert_int_equal(folio_varlist_new(&l, where, budget, &err), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(folio_varlist_add(l, p, list_record(i, p),
			&err), 0);
	free(p);
	return l;
}

/* 50,000 records (4 MB) with the least budget: on disk, a file nobody
 * sees, memory a few windows and 8 bytes a block of records. */
static void varlist_on_disk_reads_back(void **state)
{
	size_t before = heap_in_use();
	folio_varlist *l = list_made(beside(), 1, LIST_N);

	(void)state;
	assert_true(folio_varlist_on_disk(l));
	assert_int_equal(entries(tmp), 0);
	assert_true(grew_less(before, 96 * 1024));
	list_reads_back(l, LIST_N);
	list_buffer_too_small(l, 1);
	list_buffer_too_small(l, 4999);      /* larger than a window */
	assert_true(grew_less(before, 96 * 1024));
	folio_varlist_free(l);
	folio_varlist_free(NULL);
}

static void varlist_in_memory_reads_back(void **state)
{
	folio_varlist *l = list_made(beside(), 0, 3000);

	(void)state;
	assert_false(folio_varlist_on_disk(l));
	list_reads_back(l, 3000);
	list_buffer_too_small(l, 1);
	folio_varlist_free(l);
	l = list_made(beside(), (size_t)64 * 1024 * 1024, LIST_N);
	assert_false(folio_varlist_on_disk(l));
	list_reads_back(l, LIST_N);
	list_buffer_too_small(l, 4999);
	folio_varlist_free(l);
}

/* Where no file can be made, past its budget the list stays in memory,
 * whole and right. */
static void varlist_without_a_folder_stays_in_memory(void **state)
{
	folio_varlist *l = list_made("/nonexistent/folder/out.pdf", 1,
		LIST_N);

	(void)state;
	assert_false(folio_varlist_on_disk(l));
	list_reads_back(l, LIST_N);
	folio_varlist_free(l);
}

/* Gets between adds: the last record read while it may still wait in
 * the write buffer, and a block read before its last records came. */
static void varlist_reads_between_adds(void **state)
{
	unsigned char *p = list_buffer(), *got = list_buffer();
	folio_error err = {0};
	folio_varlist *l;
	uint64_t i, j;
	size_t len;

	(void)state;
	assert_int_equal(folio_varlist_new(&l, beside(), 1, &err), 0);
	for (i = 0; i < 20000; i++) {
		assert_int_equal(folio_varlist_add(l, p, list_record(i, p),
			&err), 0);
		if (i % 13 != 0)
			continue;
		for (j = i > 70 ? i - 70 : 0; j <= i; j += 7) {
			assert_int_equal(folio_varlist_get(l, j, got,
				FOLIO_VARLIST_MAX, &len, &err), 0);
			assert_int_equal(len, list_record(j, p));
			assert_memory_equal(got, p, len);
		}
	}
	assert_true(folio_varlist_on_disk(l));
	folio_varlist_free(l);
	free(p);
	free(got);
}

/* An add whose write fails (the disk full) says FOLIO_EIO and leaves
 * the list as it was: once there is room again, the adds go on and
 * every record reads back. */
static void varlist_write_failure_leaves_list_whole(void **state)
{
	unsigned char *p = list_buffer();
	folio_error err = {0};
	folio_varlist *l;
	uint64_t i = 0;
	int rc = 0, failures = 0;

	(void)state;
	assert_int_equal(folio_varlist_new(&l, beside(), 1, &err), 0);
	limit_file_size(256 * 1024);
	while (i < LIST_N) {
		if ((rc = folio_varlist_add(l, p, list_record(i, p), &err))
			== 0) {
			i++;
			continue;
		}
		assert_int_equal(rc, FOLIO_EIO);
		assert_non_null(strstr(err.msg, "cannot write a temporary "
			"file beside"));
		assert_int_equal(folio_varlist_count(l), i);
		limit_file_size(++failures == 1 ? 1024 * 1024 : 0);
		err.code = 0;
		err.msg[0] = '\0';
	}
	limit_file_size(0);
	assert_int_equal(failures, 2);
	list_reads_back(l, LIST_N);
	folio_varlist_free(l);
	free(p);
}

static void varlist_record_lengths(void **state)
{
	unsigned char *big = list_buffer(), *got = list_buffer();
	folio_error err = {0};
	folio_varlist *l;
	size_t len = 99, budget;

	(void)state;
	memset(big, 0xab, FOLIO_VARLIST_MAX);
	big[0] = 0;
	for (budget = 0; budget < 2; budget++) {
		err.code = 0;
		err.msg[0] = '\0';
		assert_int_equal(folio_varlist_new(&l, beside(), budget, &err),
			0);
		assert_int_equal(folio_varlist_add(l, big, 0, &err), 0);
		assert_int_equal(folio_varlist_add(l, big, FOLIO_VARLIST_MAX,
			&err), 0);
		assert_int_equal(folio_varlist_add(l, big,
			FOLIO_VARLIST_MAX + 1, &err), FOLIO_ELIMIT);
		assert_non_null(strstr(err.msg, "65537 bytes"));
		err.code = 0;
		err.msg[0] = '\0';
		assert_int_equal(folio_varlist_add(l, big, 1, &err), 0);
		assert_int_equal(folio_varlist_count(l), 3);
		assert_int_equal(folio_varlist_on_disk(l), budget == 1);
		assert_int_equal(folio_varlist_get(l, 0, NULL, 0, &len, &err),
			0);
		assert_int_equal(len, 0);
		assert_int_equal(folio_varlist_get(l, 1, got,
			FOLIO_VARLIST_MAX, &len, &err), 0);
		assert_int_equal(len, FOLIO_VARLIST_MAX);
		assert_memory_equal(got, big, FOLIO_VARLIST_MAX);
		assert_int_equal(folio_varlist_get(l, 2, got, 1, &len, &err),
			0);
		assert_int_equal(len, 1);
		assert_int_equal(got[0], 0);
		assert_int_equal(folio_varlist_get(l, 3, got, 1, &len, &err),
			FOLIO_EUSAGE);
		folio_varlist_free(l);
	}
	free(big);
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(extsort_many_runs_merge_in_passes),
		cmocka_unit_test(extsort_three_levels_and_longest_records),
		cmocka_unit_test(extsort_within_budget_stays_in_memory),
		cmocka_unit_test(extsort_without_a_folder_stays_in_memory),
		cmocka_unit_test(extsort_empty_and_single),
		cmocka_unit_test(extsort_refuses_a_record_too_long),
		cmocka_unit_test(extsort_write_failure_is_reported),
		cmocka_unit_test(varlist_on_disk_reads_back),
		cmocka_unit_test(varlist_in_memory_reads_back),
		cmocka_unit_test(varlist_without_a_folder_stays_in_memory),
		cmocka_unit_test(varlist_reads_between_adds),
		cmocka_unit_test(varlist_write_failure_leaves_list_whole),
		cmocka_unit_test(varlist_record_lengths),
	};
	return cmocka_run_group_tests(tests, tmp_setup, tmp_teardown);
}
