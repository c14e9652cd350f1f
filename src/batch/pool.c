#include "batch/pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct pool_state {
	const folio_pool_job *job;
	pthread_mutex_t lock;
	size_t next;
	int stopped;
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

/* The next job for this worker, under the lock the caller holds. */
static int take_locked(pool_state *st, size_t *out)
{
	if (st->job->stop != NULL && *st->job->stop)
		st->stopped = 1;
	if (st->stopped || st->next >= st->job->n_jobs)
		return 0;
	*out = st->next++;
	return 1;
}

static void *worker_main(void *p)
{
	worker_arg *a = p;
	pool_state *st = a->st;
	size_t i;
	int more;

	pthread_mutex_lock(&st->lock);
	more = take_locked(st, &i);
	pthread_mutex_unlock(&st->lock);
	while (more) {
		int rc = st->job->run(st->job->ctx, i, a->worker);
		/* One hold of the lock both reports job i and takes the
		 * next: with short jobs (a no-op rebuild checks a document
		 * in microseconds) every extra hold is a futex call and a
		 * wake of the other worker. */
		pthread_mutex_lock(&st->lock);
		if (st->job->done != NULL)
			st->job->done(st->job->ctx, i, a->worker, rc);
		more = take_locked(st, &i);
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
