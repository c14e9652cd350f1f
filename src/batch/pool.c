#include "batch/pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/clock.h"

/* A claim of several jobs is sized to take about this long, so that
 * the lock is taken every half a millisecond rather than for each job
 * of a few microseconds (a rebuild that changes nothing checks a
 * document in about 20 us, and each hold of a contended lock is a
 * futex call on both sides). Jobs that take longer are claimed one by
 * one, as before. */
#define BATCH_TARGET_NS 500000LL

typedef struct pool_state {
	const folio_pool_job *job;
	pthread_mutex_t lock;
	size_t next;
	int stopped;
	int n_workers;
	long long avg_ns;           /* a job's time, running mean; 0: none */
} pool_state;

typedef struct worker_arg {
	pool_state *st;
	int worker;
} worker_arg;

int folio_pool_default_workers(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

/* The next jobs for this worker, [*first, *first + n), under the lock
 * the caller holds; n = 0 when there are none. A claim never takes more
 * than a quarter of each worker's share of what is left, so the end of
 * the run stays shared. */
static size_t take_locked(pool_state *st, size_t *first)
{
	size_t left, k;

	if (st->job->stop != NULL && *st->job->stop)
		st->stopped = 1;
	if (st->stopped || st->next >= st->job->n_jobs)
		return 0;
	left = st->job->n_jobs - st->next;
	k = st->avg_ns > 0 ? (size_t)(BATCH_TARGET_NS / st->avg_ns) : 1;
	if (k > FOLIO_POOL_MAX_BATCH)
		k = FOLIO_POOL_MAX_BATCH;
	if (k > left / (4 * (size_t)st->n_workers))
		k = left / (4 * (size_t)st->n_workers);
	if (k < 1)
		k = 1;
	*first = st->next;
	st->next += k;
	return k;
}

static void *worker_main(void *p)
{
	worker_arg *a = p;
	pool_state *st = a->st;
	int rc[FOLIO_POOL_MAX_BATCH];
	size_t first, n, k;

	pthread_mutex_lock(&st->lock);
	n = take_locked(st, &first);
	pthread_mutex_unlock(&st->lock);
	while (n > 0) {
		long long t0 = folio_now_ns(), each;
		for (k = 0; k < n; k++)
			rc[k] = st->job->run(st->job->ctx, first + k,
				a->worker);
		each = (folio_now_ns() - t0) / (long long)n;
		/* One hold of the lock reports the claim's jobs and takes
		 * the next claim. */
		pthread_mutex_lock(&st->lock);
		st->avg_ns = st->avg_ns == 0 ? each + 1 :
			(7 * st->avg_ns + each) / 8 + 1;
		if (st->job->done != NULL)
			for (k = 0; k < n; k++)
				st->job->done(st->job->ctx, first + k,
					a->worker, rc[k]);
		n = take_locked(st, &first);
		pthread_mutex_unlock(&st->lock);
	}
	return NULL;
}

int folio_pool_run(const folio_pool_job *job, folio_error *err)
{
	pool_state st;
	pthread_t *threads;
	worker_arg *args;
	int n = job->n_workers > 0 ? job->n_workers :
		folio_pool_default_workers();
	int started = 0, i, rc = 0;

	if ((size_t)n > job->n_jobs)
		n = job->n_jobs ? (int)job->n_jobs : 1;
	memset(&st, 0, sizeof(st));
	st.job = job;
	st.n_workers = n;
	pthread_mutex_init(&st.lock, NULL);
	threads = calloc((size_t)n, sizeof(*threads));
	args = calloc((size_t)n, sizeof(*args));
	if (threads == NULL || args == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	if (n == 1) {
		/* No thread for one worker: simpler stacks in debuggers. */
		args[0].st = &st;
		worker_main(&args[0]);
	} else {
		for (i = 0; i < n; i++) {
			args[i].st = &st;
			args[i].worker = i;
			if (pthread_create(&threads[i], NULL, worker_main,
				&args[i]) != 0) {
				rc = folio_error_set(err, FOLIO_ELIB,
					"cannot start worker thread %d", i);
				/* Let those started drain the queue. */
				break;
			}
			started++;
		}
		for (i = 0; i < started; i++)
			pthread_join(threads[i], NULL);
	}
	if (rc == 0 && st.stopped)
		rc = folio_error_set(err, FOLIO_EUSAGE,
			"stopped after %zu of %zu documents", st.next,
			job->n_jobs);
done:
	pthread_mutex_destroy(&st.lock);
	free(threads);
	free(args);
	return rc;
}
