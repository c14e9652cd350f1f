/* Unit tests for src/batch: worker pool and progress line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <string.h>

#include "batch/pool.h"
#include "batch/progress.h"

typedef struct counts {
	int ran[100];
	int done_calls;
	int failures;
	size_t last_done_order[100];
} counts;

static int run_job(void *ctx, size_t i, int worker)
{
	counts *c = ctx;

	(void)worker;
	c->ran[i]++;
	return i % 7 == 0 ? FOLIO_EINPUT : 0;
}

static void job_done(void *ctx, size_t i, int worker, int rc)
{
	counts *c = ctx;

	assert_true(worker >= 0 && worker < 4);
	c->last_done_order[c->done_calls++] = i;
	if (rc < 0)
		c->failures++;
}

static void every_job_runs_once(void **state)
{
	counts c;
	folio_pool_job job = {run_job, job_done, &c, 100, 4, NULL};
	folio_error err = {0};
	int i;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(folio_pool_run(&job, &err), 0);
	for (i = 0; i < 100; i++)
		assert_int_equal(c.ran[i], 1);
	assert_int_equal(c.done_calls, 100);
	assert_int_equal(c.failures, 15); /* 0, 7, ..., 98 */
}

static void stop_flag_prevents_new_jobs(void **state)
{
	counts c;
	volatile sig_atomic_t stop = 1;
	folio_pool_job job = {run_job, job_done, &c, 100, 2, &stop};
	folio_error err = {0};

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(folio_pool_run(&job, &err), FOLIO_EUSAGE);
	assert_int_equal(c.done_calls, 0);
	assert_non_null(strstr(err.msg, "stopped"));
}

/* Fast jobs: each leaves its number in its worker's slot
 * i % FOLIO_POOL_MAX_BATCH, and done finds it there; every job runs
 * once and done follows it on the same thread; and jobs are claimed
 * several at a time (done of job i finds i + 1 already run by the same
 * worker, which one job a claim never allows). */
enum { FAST_JOBS = 20000, FAST_WORKERS = 3 };

typedef struct fast {
	size_t slot[FAST_WORKERS][FOLIO_POOL_MAX_BATCH];
	unsigned char ran[FAST_JOBS], done[FAST_JOBS];
	volatile int ran_by[FAST_JOBS + 1];   /* worker + 1 */
	size_t ahead;
	int bad;
} fast;

static int fast_run(void *ctx, size_t i, int worker)
{
	fast *f = ctx;

	f->ran[i]++;
	f->ran_by[i] = worker + 1;
	f->slot[worker][i % FOLIO_POOL_MAX_BATCH] = i + 1;
	return 0;
}

static void fast_done(void *ctx, size_t i, int worker, int rc)
{
	fast *f = ctx;

	(void)rc;
	if (f->slot[worker][i % FOLIO_POOL_MAX_BATCH] != i + 1 ||
	    f->ran_by[i] != worker + 1)
		f->bad++;
	f->slot[worker][i % FOLIO_POOL_MAX_BATCH] = 0;
	f->done[i]++;
	if (f->ran_by[i + 1] == worker + 1)
		f->ahead++;
}

static void fast_jobs_are_claimed_in_runs(void **state)
{
	static fast f;
	folio_pool_job job = {fast_run, fast_done, &f, FAST_JOBS,
		FAST_WORKERS, NULL};
	folio_error err = {0};
	size_t i;

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_int_equal(folio_pool_run(&job, &err), 0);
	assert_int_equal(f.bad, 0);
	for (i = 0; i < FAST_JOBS; i++) {
		assert_int_equal(f.ran[i], 1);
		assert_int_equal(f.done[i], 1);
	}
	assert_true(f.ahead > FAST_JOBS / 2);
}

static void progress_line(void **state)
{
	char line[256];
	folio_progress p = {12, 50, 1, 0, 4.0, 0};

	(void)state;
	folio_progress_format(line, sizeof(line), &p, 80);
	assert_non_null(strstr(line, "12/50"));
	assert_non_null(strstr(line, "3.0 docs/s"));
	assert_non_null(strstr(line, "ETA 0:13"));
	assert_non_null(strstr(line, "1 failed"));
	assert_true(strlen(line) <= 80);
	assert_int_equal(line[0], '[');
	/* 12/50 of the bar is filled. */
	assert_non_null(strstr(line, "#........"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_job_runs_once),
		cmocka_unit_test(stop_flag_prevents_new_jobs),
		cmocka_unit_test(fast_jobs_are_claimed_in_runs),
		cmocka_unit_test(progress_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
